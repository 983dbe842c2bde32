//! Service matrices laid out with spaces, as `pdftotext -layout` prints a landscape table.
//!
//! A decree whose LAMPIRAN is one table for all services (a row per service, a column per
//! component; [`super::matrix`] reads it when cells are separated by tabs or pipes) reaches us
//! from a PDF as text where only the positions of the characters keep the columns apart:
//! every cell is wrapped inside its own column, a row's cells start on the same line, the
//! header's cells may themselves be wrapped over two or three lines ("JANGKA / WAKTU"), and
//! the header is printed again after every page break.
//!
//! The columns are found from the decree itself, never assumed:
//! - the **header** is one to four lines whose runs of text (separated by two spaces or more),
//!   grouped by horizontal overlap, all read as matrix headings: one names the service, one may
//!   number the rows, and at least three name distinct components
//!   ([`super::labels::classify`]);
//! - the **boundary** between two neighbouring columns lies between their headings' starts, in
//!   the widest run of positions that the lines under the header most often leave blank two at
//!   a time (a heading may be centred over its column while the cell text starts at its left
//!   edge, and a single blank column also runs down the inside of every list: the space after
//!   "1." above a hanging indent);
//! - **rows** start where the number column holds a number, or, without one, where the
//!   service-name column starts again: after a blank line, below a line where it was empty, or
//!   beside two other cells that were empty on the line above (cells are top-aligned, so a
//!   cell holding text again has started anew).
//!
//! A **transposed** matrix (a heading such as "KOMPONEN" over the component labels, the service
//! titles as the other column heads) gives a row per service column, its cells in the order of
//! the labels. In both, a cell's lines wrapped at the column's width are joined again unless a
//! list item starts; a repeated header, a "1 2 3 ..." column-number row and the blank lines of a
//! page break are skipped; a line whose text runs across two column boundaries (prose) or a
//! signature after a blank line ends the table. The result is the header and the rows
//! [`super::matrix`] merges into services, each cell line keeping the number of the source line
//! it came from.

use super::labels::{classify, continues_label, is_label_word, is_service_name_label, reads_as_label};
use super::matrix::{Header, Row, Table};
use crate::document::ComponentKind;

/// Most lines a header's wrapped headings take.
const MAX_HEADER_LINES: usize = 4;
/// Fewest headings a matrix has: the service name and three components.
const MIN_COLUMNS: usize = 4;
/// Distinct component kinds a header names at least.
const MIN_KINDS: usize = 3;
/// Lines under the header whose blank positions place the column boundaries.
const PROFILE_LINES: usize = 80;

/// Every space-aligned service matrix of the text, in order; empty for most decrees.
pub(super) fn find(lines: &[&str]) -> Vec<Table> {
    // Cheap look first (most decrees have no such matrix): a line that may open a header,
    // tried with only the lines a header can take.
    let may_open = |line: &str| {
        let runs: Vec<&str> = run_texts(line).collect();
        runs.len() >= MIN_KINDS && (runs.iter().filter(|r| starts_heading(r)).count() >= 2 || is_label_heading(runs[0]))
    };
    let has_header = (0..lines.len()).filter(|&i| may_open(lines[i])).any(|i| {
        let window: Vec<Vec<char>> = lines[i..(i + MAX_HEADER_LINES).min(lines.len())]
            .iter()
            .map(|l| chars_of(l))
            .collect();
        header_at(&window, 0).is_some() || transposed_at(&window, 0).is_some()
    });
    if !has_header {
        return Vec::new();
    }
    let rows: Vec<Vec<char>> = lines.iter().map(|l| chars_of(l)).collect();
    let mut tables = Vec::new();
    let mut index = 0;
    while index < rows.len() {
        let table = match header_at(&rows, index) {
            Some(found) => Some(read_table(&rows, index, found)),
            None => transposed_at(&rows, index).and_then(|found| read_transposed(&rows, index, found)),
        };
        match table {
            Some(table) => {
                index = table.end.max(index + 1);
                tables.push(table);
            }
            None => index += 1,
        }
    }
    tables
}

/// The runs of text of a line separated by two or more blanks, without copying them.
fn run_texts(line: &str) -> impl Iterator<Item = &str> {
    line.split("  ")
        .map(|part| part.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}'))
        .filter(|part| !part.is_empty())
}

/// A line's characters, form feeds dropped (pdftotext prints one before a page's first line)
/// and tabs expanded to the next multiple of eight.
fn chars_of(line: &str) -> Vec<char> {
    let mut out = Vec::with_capacity(line.len());
    for c in line.trim_end_matches(['\r', '\n']).chars() {
        match c {
            '\u{c}' => {}
            '\t' => {
                out.push(' ');
                while out.len() % 8 != 0 {
                    out.push(' ');
                }
            }
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn is_blank(chars: &[char]) -> bool {
    chars.iter().all(|c| *c == ' ')
}

/// A run of text on a line: characters `start..end`.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    start: usize,
    end: usize,
    text: String,
}

/// The runs of text of a line separated by `gap` spaces or more.
fn split_runs(chars: &[char], gap: usize) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        if chars[at] == ' ' {
            at += 1;
            continue;
        }
        let start = at;
        let mut end = at;
        while at < chars.len() {
            if chars[at] != ' ' {
                at += 1;
                end = at;
                continue;
            }
            let spaces = chars[at..].iter().take_while(|c| **c == ' ').count();
            if spaces >= gap || at + spaces == chars.len() {
                break;
            }
            at += spaces;
        }
        out.push(Run {
            start,
            end,
            text: chars[start..end].iter().collect(),
        });
        at = end;
    }
    out
}

/// Runs separated by two spaces or more: the cells of a line, as far as spacing tells.
fn runs(chars: &[char]) -> Vec<Run> {
    split_runs(chars, 2)
}

/// Words (single spaces apart) with their positions.
fn words(chars: &[char]) -> Vec<Run> {
    split_runs(chars, 1)
}

/// What a heading names.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Number,
    Name,
    Component(ComponentKind),
    /// "Keterangan": a remarks column, read as nothing.
    Remarks,
}

fn role(heading: &str) -> Option<Role> {
    let lower = heading.trim().to_lowercase();
    let bare = lower.trim_end_matches(['.', ':']);
    if matches!(bare, "no" | "nomor" | "no urut" | "no." | "nomor urut") {
        Some(Role::Number)
    } else if is_service_name_label(heading) {
        Some(Role::Name)
    } else if matches!(bare, "keterangan" | "ket" | "catatan") {
        Some(Role::Remarks)
    } else if reads_as_label(heading) {
        classify(heading).map(Role::Component)
    } else {
        None
    }
}

/// A header found at a line: its headings (column order) with their roles, how many lines
/// it takes, and the normalised text of those lines (to recognise it when a page repeats it).
#[derive(Debug)]
struct Found {
    headings: Vec<(Run, Role)>,
    lines: usize,
    texts: Vec<String>,
}

/// The blocks a header at line `index` may take (one to four lines, no blank line among them),
/// each with its runs grouped into headings.
fn header_blocks(rows: &[Vec<char>], index: usize) -> impl Iterator<Item = (&[Vec<char>], Vec<Run>)> {
    (1..=MAX_HEADER_LINES)
        .map_while(move |count| rows.get(index..index + count))
        .take_while(|block| !block.iter().any(|l| is_blank(l)))
        .map(|block| (block, group(block)))
}

/// The header starting at line `index`, if one does: the longest run of one to four lines
/// whose grouped headings make a matrix header.
fn header_at(rows: &[Vec<char>], index: usize) -> Option<Found> {
    // Cheap look first (most lines are no header): a header's first line starts several
    // headings with a label word.
    let first = runs(&rows[index]);
    if first.len() < MIN_KINDS || first.iter().filter(|r| starts_heading(&r.text)).count() < 2 {
        return None;
    }
    let mut best = None;
    for (block, headings) in header_blocks(rows, index) {
        let roles: Option<Vec<Role>> = headings.iter().map(|h| role(&h.text)).collect();
        let Some(roles) = roles else { continue };
        let names = roles.iter().filter(|r| **r == Role::Name).count();
        let numbers = roles.iter().filter(|r| **r == Role::Number).count();
        let mut kinds: Vec<ComponentKind> = Vec::new();
        for role in &roles {
            if let Role::Component(kind) = role
                && !kinds.contains(kind)
            {
                kinds.push(*kind);
            }
        }
        if headings.len() >= MIN_COLUMNS && names == 1 && numbers <= 1 && kinds.len() >= MIN_KINDS {
            best = Some(Found {
                headings: headings.into_iter().zip(roles).collect(),
                lines: block.len(),
                texts: block.iter().map(|l| normalised(l)).collect(),
            });
        }
    }
    best
}

/// Whether a run of text may start a heading: its first word is a word component labels are
/// made of ("PERSYARATAN", "JANGKA", "Biaya/"), or opens the number or name column.
fn starts_heading(text: &str) -> bool {
    let first: String = text
        .chars()
        .take_while(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    first.len() >= 2
        && (matches!(
            first.as_str(),
            "no" | "nomor" | "jenis" | "nama" | "komponen" | "uraian"
        ) || first.len() >= 4 && is_label_word(&first))
}

fn normalised(chars: &[char]) -> String {
    let text: String = chars.iter().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// The runs of a block of lines grouped into headings: runs that overlap horizontally are one
/// heading, its text read top to bottom.
fn group(block: &[Vec<char>]) -> Vec<Run> {
    let mut all: Vec<(usize, Run)> = block
        .iter()
        .enumerate()
        .flat_map(|(line, chars)| runs(chars).into_iter().map(move |r| (line, r)))
        .collect();
    all.sort_by_key(|(line, r)| (r.start, *line));
    let mut groups: Vec<Vec<(usize, Run)>> = Vec::new();
    let mut reach = 0;
    for (line, run) in all {
        match groups.last_mut() {
            Some(group) if run.start < reach => {
                reach = reach.max(run.end);
                group.push((line, run));
            }
            _ => {
                reach = run.end;
                groups.push(vec![(line, run)]);
            }
        }
    }
    groups
        .into_iter()
        .map(|mut group| {
            let start = group.iter().map(|(_, r)| r.start).min().unwrap_or(0);
            let end = group.iter().map(|(_, r)| r.end).max().unwrap_or(0);
            group.sort_by_key(|(line, r)| (*line, r.start));
            let text = group.iter().map(|(_, r)| r.text.as_str()).collect::<Vec<_>>().join(" ");
            Run { start, end, text }
        })
        .collect()
}

/// Where each column after the first starts: between two neighbouring headings' starts, the
/// middle of the widest run of positions where the lines under the header most often leave
/// two blanks side by side. Two, because a single blank column also runs down the inside of a
/// list (the space after "1." above a hanging indent); the gap between two columns is wider.
fn boundaries(headings: &[Run], profile: &[&Vec<char>]) -> Vec<usize> {
    let blank = |line: &Vec<char>, p: usize| line.get(p).is_none_or(|c| *c == ' ');
    let mut out = Vec::with_capacity(headings.len().saturating_sub(1));
    for pair in headings.windows(2) {
        let (lo, hi) = (pair[0].start + 1, pair[1].start);
        if profile.is_empty() || hi <= lo + 1 {
            out.push(hi);
            continue;
        }
        let gaps: Vec<usize> = (lo..hi)
            .map(|p| profile.iter().filter(|l| blank(l, p) && blank(l, p + 1)).count())
            .collect();
        let most = gaps.iter().copied().max().unwrap_or(0);
        // A long word may overflow into the gap on a line or two.
        let enough = most.saturating_sub(profile.len() / 50);
        let (mut best_start, mut best_len) = (hi, 0);
        let mut at = 0;
        while at < gaps.len() {
            if gaps[at] < enough {
                at += 1;
                continue;
            }
            let start = at;
            while at < gaps.len() && gaps[at] >= enough {
                at += 1;
            }
            if at - start >= best_len {
                (best_start, best_len) = (lo + start, at - start);
            }
        }
        // The blanks run from best_start to best_start + best_len (the second of the last pair).
        out.push((best_start + (best_len + 1).div_ceil(2)).clamp(lo, hi));
    }
    out
}

/// The column a position falls in, given the columns' starts after the first.
fn column_of(position: usize, starts: &[usize]) -> usize {
    starts.iter().take_while(|s| **s <= position).count()
}

/// The line's words gathered per column (a word belongs to the column it starts in); `None`
/// when a run of its text crosses two boundaries (prose or a signature written across the
/// page, not a table line). Crossing one is a long word or address pdftotext did not wrap.
fn cells(chars: &[char], starts: &[usize], columns: usize) -> Option<Vec<String>> {
    if runs(chars)
        .iter()
        .any(|run| column_of(run.end.saturating_sub(1), starts) > column_of(run.start, starts) + 1)
    {
        return None;
    }
    let mut out = vec![String::new(); columns];
    for word in words(chars) {
        let cell = &mut out[column_of(word.start, starts).min(columns - 1)];
        if !cell.is_empty() {
            cell.push(' ');
        }
        cell.push_str(&word.text);
    }
    Some(out)
}

fn row_number(cell: &str) -> Option<u32> {
    let t = cell.trim().trim_end_matches('.');
    (!t.is_empty() && t.len() <= 3).then(|| t.parse().ok()).flatten()
}

/// "1 2 3 4 ...", "(1) (2) (3)": the column-number row some tables put under the header.
fn is_column_numbers(chars: &[char]) -> bool {
    let words = words(chars);
    words.len() >= MIN_KINDS
        && words
            .iter()
            .all(|w| w.text.trim_matches(['(', ')', '.']).chars().all(|c| c.is_ascii_digit()))
}

/// A line under a header, as the readers see it.
enum Scanned {
    /// Blank lines, a repeated header or a column-number row: cells above are finished.
    Gap,
    /// A table line: its 1-based source line and its cells.
    Cells(u32, Vec<String>),
}

/// The lines under a header from `body` on, cut into the columns `starts` gives, up to the
/// first line that is not the table's: the next header (of either kind), a line running
/// across columns, or a signature after a blank line. Returns them and the index of the
/// first line after the table.
fn scan(rows: &[Vec<char>], body: usize, texts: &[String], starts: &[usize], columns: usize) -> (Vec<Scanned>, usize) {
    let mut out = Vec::new();
    let mut end = body;
    let mut after_gap = false;
    for (at, chars) in rows.iter().enumerate().skip(body) {
        if is_blank(chars) {
            after_gap = true;
            out.push(Scanned::Gap);
            continue;
        }
        if texts.contains(&normalised(chars)) || is_column_numbers(chars) {
            out.push(Scanned::Gap);
            end = at + 1;
            continue;
        }
        if header_at(rows, at).is_some() || transposed_at(rows, at).is_some() {
            break;
        }
        if after_gap && is_signature(chars) {
            break;
        }
        let Some(cells) = cells(chars, starts, columns) else {
            break;
        };
        out.push(Scanned::Cells(at as u32 + 1, cells));
        after_gap = false;
        end = at + 1;
    }
    (out, end)
}

/// The first line of a signature block ("KEPALA DINAS SOSIAL,", "Ditetapkan di ...", "NIP.
/// 1975..."), which a layout may print in a table's columns right below it.
fn is_signature(chars: &[char]) -> bool {
    let text = normalised(chars);
    let upper_case = chars.iter().any(|c| c.is_alphabetic()) && !chars.iter().any(|c| c.is_lowercase());
    ["ditetapkan di", "pada tanggal", "nip.", "nip "]
        .iter()
        .any(|p| text.starts_with(p))
        || upper_case
            && [
                "kepala ",
                "bupati ",
                "wali kota",
                "walikota",
                "gubernur ",
                "direktur",
                "camat ",
                "sekretaris ",
            ]
            .iter()
            .any(|p| text.starts_with(p))
}

/// The columns of a table: where each starts after the first, found from the lines under its
/// header (prose after the table, a run over two headings' starts, would hide the gaps).
fn columns_under(rows: &[Vec<char>], body: usize, headings: &[Run], texts: &[String]) -> Vec<usize> {
    let crosses = |l: &Vec<char>| {
        runs(l)
            .iter()
            .any(|r| headings.iter().filter(|h| (r.start..r.end).contains(&h.start)).count() >= 2)
    };
    let profile: Vec<&Vec<char>> = rows[body..]
        .iter()
        .filter(|l| !is_blank(l) && !texts.contains(&normalised(l)) && !crosses(l))
        .take(PROFILE_LINES)
        .collect();
    boundaries(headings, &profile)
}

/// A cell's lines as the decree wrote them: a line wrapped at the column's width goes on the
/// line before it, unless it opens a list item or the line before ended a sentence or item.
/// Each joined line keeps the source line it started on.
fn join_wrapped(lines: Vec<(u32, String)>) -> Vec<(u32, String)> {
    let mut out: Vec<(u32, String)> = Vec::new();
    for (number, text) in lines {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some((_, before)) if !opens_item(text) && !before.ends_with(['.', ';', ':']) => {
                let joined_word =
                    before.ends_with('-') && before.chars().rev().nth(1).is_some_and(char::is_alphanumeric);
                if !joined_word {
                    before.push(' ');
                }
                before.push_str(text);
            }
            _ => out.push((number, text.to_owned())),
        }
    }
    out
}

/// Whether a line opens a list item: "1.", "a)", "(2)", "-", "•".
fn opens_item(text: &str) -> bool {
    if text.starts_with(['-', '•', '*', '·', '\u{f0b7}', '–']) {
        return true;
    }
    let marker: String = text.chars().take_while(|c| !c.is_whitespace()).collect();
    let core = marker.trim_start_matches('(').trim_end_matches(['.', ')']);
    marker.len() > core.len()
        && !core.is_empty()
        && (core.chars().all(|c| c.is_ascii_digit())
            || core.chars().count() == 1 && core.chars().all(char::is_alphabetic))
}

/// Reads the rows under a matrix header found at `index`.
fn read_table(rows: &[Vec<char>], index: usize, found: Found) -> Table {
    let body = index + found.lines;
    let headings: Vec<Run> = found.headings.iter().map(|(h, _)| h.clone()).collect();
    let starts = columns_under(rows, body, &headings, &found.texts);
    let columns = headings.len();
    let number = found.headings.iter().position(|(_, r)| *r == Role::Number);
    let name = found
        .headings
        .iter()
        .position(|(_, r)| *r == Role::Name)
        .expect("a header has a name column");
    let header = Header {
        separator: ' ',
        width: columns,
        number,
        name,
        office: Vec::new(),
        components: found
            .headings
            .iter()
            .enumerate()
            .filter(|(_, (_, r))| matches!(r, Role::Component(_)))
            .map(|(i, (h, _))| (i, h.text.clone()))
            .collect(),
    };
    let (scanned, end) = scan(rows, body, &found.texts, &starts, columns);
    let mut table_rows: Vec<Row> = Vec::new();
    let mut current: Option<Row> = None;
    // The cells of the line above (all empty after a gap).
    let mut previous: Vec<String> = vec![String::new(); columns];
    for line in scanned {
        let (line_number, cells) = match line {
            Scanned::Gap => {
                previous.iter_mut().for_each(String::clear);
                continue;
            }
            Scanned::Cells(n, cells) => (n, cells),
        };
        let name_here = !cells[name].is_empty();
        // Cells are top-aligned: a cell that was empty on the line above and holds text again
        // has started anew, so two such cells beside a name mean the next service's row.
        let restarted = cells
            .iter()
            .zip(&previous)
            .enumerate()
            .filter(|(i, (now, before))| *i != name && !now.is_empty() && before.is_empty())
            .count();
        let starts_row = match number {
            Some(n) => row_number(&cells[n]).is_some(),
            None => name_here && (previous[name].is_empty() || restarted >= 2),
        };
        if starts_row {
            table_rows.extend(current.take());
            current = Some(Row {
                start: line_number,
                cells: cells.iter().map(|c| vec![(line_number, c.clone())]).collect(),
            });
        } else if let Some(row) = current.as_mut() {
            for (cell, text) in row.cells.iter_mut().zip(&cells) {
                if !text.is_empty() {
                    cell.push((line_number, text.clone()));
                }
            }
        }
        previous = cells;
    }
    table_rows.extend(current);
    for row in &mut table_rows {
        for cell in &mut row.cells {
            *cell = join_wrapped(std::mem::take(cell));
        }
    }
    Table {
        start: index,
        end: end.max(body),
        header,
        rows: table_rows,
    }
}

/// The header of a transposed matrix at line `index`: a heading over the component labels
/// ("KOMPONEN", "URAIAN", optionally "NO" before it) and two or more service titles beside it,
/// none of them a component label. Whether labels follow is checked by [`read_transposed`].
fn transposed_at(rows: &[Vec<char>], index: usize) -> Option<Found> {
    let first = runs(&rows[index]);
    if first.len() < 3 || !first.first().is_some_and(|r| is_label_heading(&r.text)) {
        return None;
    }
    let mut best = None;
    for (block, headings) in header_blocks(rows, index) {
        let left = headings
            .iter()
            .take_while(|h| is_label_heading(&h.text) || role(&h.text) == Some(Role::Number))
            .count();
        let titles = &headings[left..];
        if left == 0
            || titles.len() < 2
            || titles
                .iter()
                .any(|t| role(&t.text).is_some() || is_label_heading(&t.text))
        {
            continue;
        }
        best = Some(Found {
            headings: headings
                .iter()
                .enumerate()
                .map(|(i, h)| (h.clone(), if i < left { Role::Remarks } else { Role::Name }))
                .collect(),
            lines: block.len(),
            texts: block.iter().map(|l| normalised(l)).collect(),
        });
    }
    best
}

/// Whether a heading stands over a column of component labels.
fn is_label_heading(text: &str) -> bool {
    super::labels::is_header_row(&[text])
}

/// A component row of a transposed matrix: its label and, per column, the cell's lines.
type ComponentRow = (String, Vec<Vec<(u32, String)>>);

/// Reads a transposed matrix (a column per service, a row per component) under the header
/// found at `index`: every service column becomes a row of the usual kind, its title from the
/// header, its cells in the order of the component labels. `None` when fewer than three
/// distinct components are labelled (the lines were not such a table).
fn read_transposed(rows: &[Vec<char>], index: usize, found: Found) -> Option<Table> {
    let body = index + found.lines;
    let headings: Vec<Run> = found.headings.iter().map(|(h, _)| h.clone()).collect();
    let starts = columns_under(rows, body, &headings, &found.texts);
    let columns = headings.len();
    let label = found.headings.iter().rposition(|(_, r)| *r == Role::Remarks)?;
    let (scanned, end) = scan(rows, body, &found.texts, &starts, columns);
    let mut components: Vec<ComponentRow> = Vec::new();
    let mut label_open = false;
    for line in scanned {
        let (line_number, cells) = match line {
            Scanned::Gap => {
                label_open = false;
                continue;
            }
            Scanned::Cells(n, cells) => (n, cells),
        };
        let text = cells[label].as_str();
        let continues = label_open
            && components.last().is_some_and(|(so_far, _)| {
                continues_label(so_far, text) || classify(so_far).is_none() || classify(text).is_none()
            });
        if !text.is_empty() && !continues {
            components.push((text.to_owned(), vec![Vec::new(); columns]));
        } else if !text.is_empty()
            && let Some((so_far, _)) = components.last_mut()
        {
            so_far.push(' ');
            so_far.push_str(text);
        }
        label_open = !text.is_empty();
        if let Some((_, values)) = components.last_mut() {
            for (column, cell) in cells.iter().enumerate().skip(label + 1) {
                if !cell.is_empty() {
                    values[column].push((line_number, cell.clone()));
                }
            }
        }
    }
    let mut kinds: Vec<ComponentKind> = components.iter().filter_map(|(l, _)| classify(l)).collect();
    kinds.sort_by_key(|k| format!("{k:?}"));
    kinds.dedup();
    if kinds.len() < MIN_KINDS {
        return None;
    }
    let labelled: Vec<&ComponentRow> = components.iter().filter(|(l, _)| classify(l).is_some()).collect();
    let header = Header {
        separator: ' ',
        width: labelled.len() + 1,
        number: None,
        name: 0,
        office: Vec::new(),
        components: labelled
            .iter()
            .enumerate()
            .map(|(i, (l, _))| (i + 1, l.clone()))
            .collect(),
    };
    let title_line = index as u32 + 1;
    let service_rows = (label + 1..columns)
        .map(|column| {
            let mut cells = vec![vec![(title_line, headings[column].text.clone())]];
            cells.extend(labelled.iter().map(|(_, values)| join_wrapped(values[column].clone())));
            Row {
                start: title_line,
                cells,
            }
        })
        .collect();
    Some(Table {
        start: index,
        end: end.max(body),
        header,
        rows: service_rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let lines: Vec<&str> = text.split('\n').collect();
        let mut tables = find(&lines);
        assert_eq!(tables.len(), 1, "{tables:?}");
        tables.remove(0)
    }

    fn cell(row: &Row, index: usize) -> String {
        row.cell_text(index).replace('\n', " / ")
    }

    const WRAPPED: &str = "\
LAMPIRAN
                                  JENIS             PERSYARATAN              PROSEDUR            JANGKA       BIAYA
  NO                            PELAYANAN                                                        WAKTU
 1.   Penerbitan Surat Izin Usaha           1. Fotokopi KTP;         1. Pemohon mengisi      3 (tiga)     Tidak
      Perdagangan                           2. NPWP;                    formulir;           hari kerja   dipungut
                                            3. Akta pendirian.       2. Berkas diverifikasi.              biaya
 2.   Perpanjangan Surat Izin Usaha         1. SIUP lama;            1. Pemohon datang.      1 (satu)     Gratis
      Perdagangan                           2. KTP.                                         hari kerja

                                                                                       Halaman 2 dari 3
\u{c}                                  JENIS             PERSYARATAN              PROSEDUR            JANGKA       BIAYA
  NO                            PELAYANAN                                                        WAKTU
                                            3. Foto.                 2. Petugas mencetak.
 3.   Tanda Daftar Gudang                   1. Denah gudang.         1. Survei lokasi.      5 hari       Rp 50.000

Ditetapkan di Kota Contoh pada tanggal 1 Januari 2026 oleh Kepala Dinas yang bersangkutan
";

    #[test]
    fn a_wrapped_header_and_wrapped_cells_make_rows_across_a_page_break() {
        // Lines wrapped at a column's width are joined again; list items stay apart.
        let text = WRAPPED.replace("Halaman 2 dari 3", "");
        let t = table(&text);
        assert_eq!(t.header.number, Some(0));
        assert_eq!(t.header.name, 1);
        let labels: Vec<&str> = t.header.components.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["PERSYARATAN", "PROSEDUR", "JANGKA WAKTU", "BIAYA"]);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(cell(&t.rows[0], 1), "Penerbitan Surat Izin Usaha Perdagangan");
        assert_eq!(cell(&t.rows[0], 2), "1. Fotokopi KTP; / 2. NPWP; / 3. Akta pendirian.");
        assert_eq!(
            cell(&t.rows[0], 3),
            "1. Pemohon mengisi formulir; / 2. Berkas diverifikasi."
        );
        assert_eq!(cell(&t.rows[0], 4), "3 (tiga) hari kerja");
        assert_eq!(cell(&t.rows[0], 5), "Tidak dipungut biaya");
        // The second row goes on after the page break and its repeated header.
        assert_eq!(cell(&t.rows[1], 2), "1. SIUP lama; / 2. KTP. / 3. Foto.");
        assert_eq!(cell(&t.rows[1], 3), "1. Pemohon datang. / 2. Petugas mencetak.");
        assert_eq!(cell(&t.rows[2], 5), "Rp 50.000");
        // Each cell line keeps its source line; the prose after the matrix ends it.
        assert_eq!(t.rows[0].start, 4);
        let lines: Vec<&str> = text.split('\n').collect();
        let after = lines[t.end..].iter().find(|l| !l.trim().is_empty()).unwrap();
        assert!(after.starts_with("Ditetapkan"), "{after}");
    }

    #[test]
    fn without_a_number_column_the_name_column_starts_rows() {
        let text = "\
NAMA LAYANAN          PERSYARATAN          WAKTU PELAYANAN     BIAYA/TARIF      PRODUK LAYANAN
Izin Praktik Bidan    1. STR;              5 hari kerja        Gratis           Surat Izin
                      2. Ijazah.                                                Praktik Bidan
Izin Praktik          1. STR;              3 hari kerja        Gratis           SIP Perawat
Perawat               2. Rekomendasi.
Izin Apotek           1. Denah.            7 hari              Rp 0             Izin Apotek
";
        let t = table(text);
        assert_eq!(t.header.number, None);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(cell(&t.rows[1], 0), "Izin Praktik Perawat");
        assert_eq!(cell(&t.rows[1], 1), "1. STR; / 2. Rekomendasi.");
        assert_eq!(cell(&t.rows[0], 4), "Surat Izin Praktik Bidan");
    }

    #[test]
    fn a_transposed_matrix_gives_a_row_per_service_column() {
        let text = "\
LAMPIRAN
   KOMPONEN             IZIN PRAKTIK              IZIN APOTEK               IZIN TOKO
                        BIDAN                                               OBAT

   Persyaratan          1. STR;                   1. Denah;                 1. KTP;
                        2. Ijazah.                2. Surat apoteker.        2. NPWP.

   Jangka Waktu         5 hari kerja              7 hari kerja              3 hari
   Penyelesaian                                                             kerja

   Biaya/Tarif          Gratis                    Gratis                    Rp 0

   Produk Pelayanan     SIP Bidan                 Izin Apotek               Izin Toko Obat

                                                  KEPALA DINAS KESEHATAN,
";
        let t = table(text);
        let labels: Vec<&str> = t.header.components.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Persyaratan",
                "Jangka Waktu Penyelesaian",
                "Biaya/Tarif",
                "Produk Pelayanan"
            ]
        );
        let titles: Vec<String> = t.rows.iter().map(|r| cell(r, 0)).collect();
        assert_eq!(titles, ["IZIN PRAKTIK BIDAN", "IZIN APOTEK", "IZIN TOKO OBAT"]);
        assert_eq!(cell(&t.rows[1], 1), "1. Denah; / 2. Surat apoteker.");
        assert_eq!(cell(&t.rows[2], 2), "3 hari kerja");
        // The signature under the last group is not the product of the middle service.
        assert_eq!(cell(&t.rows[1], 4), "Izin Apotek");
    }

    #[test]
    fn wrapped_lines_join_and_items_stay_apart() {
        let lines = |texts: &[&str]| {
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (i as u32 + 1, (*t).to_owned()))
                .collect()
        };
        let joined: Vec<String> = join_wrapped(lines(&[
            "1. Fotokopi KTP-",
            "el pemohon;",
            "2. Surat",
            "pengantar RT",
            "- salinan",
            "a) asli",
        ]))
        .into_iter()
        .map(|(n, t)| format!("{n}:{t}"))
        .collect();
        assert_eq!(
            joined,
            [
                "1:1. Fotokopi KTP-el pemohon;",
                "3:2. Surat pengantar RT",
                "5:- salinan",
                "6:a) asli"
            ]
        );
    }

    #[test]
    fn text_that_is_not_a_matrix_is_left_alone() {
        let text = "\
No.  Komponen            Uraian
1.   Persyaratan         KTP dan KK
2.   Biaya/Tarif         Gratis
KEPALA DINAS   KABUPATEN   CONTOH
";
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(find(&lines).is_empty());
    }

    #[test]
    fn boundaries_fall_in_the_gap_under_centred_headings() {
        let headings = [
            Run {
                start: 0,
                end: 2,
                text: "NO".into(),
            },
            Run {
                start: 12,
                end: 20,
                text: "LAYANAN".into(),
            },
        ];
        let lines: Vec<Vec<char>> = ["1.   Izin A", "2.   Izin B"].iter().map(|l| chars_of(l)).collect();
        let profile: Vec<&Vec<char>> = lines.iter().collect();
        let starts = boundaries(&headings, &profile);
        assert!((3..=5).contains(&starts[0]), "{starts:?}");
        assert_eq!(column_of(5, &starts), 1);
        assert_eq!(column_of(0, &starts), 0);
    }
}
