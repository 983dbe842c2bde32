//! Service matrices: decrees that give one table row per service and one column per component.
//!
//! Many agencies publish their standards as a landscape "matriks": a header row `No | Jenis
//! Pelayanan | Persyaratan | Prosedur | Waktu | Biaya | Produk | Pengaduan`, then a row per
//! service. Saved as text (Word "save as text", copied from a PDF or a spreadsheet), cells are
//! separated by tabs or pipes and a cell written over several lines breaks the physical row: a
//! row is complete only when it has as many separators as the header. PermenPANRB 15/2014
//! splits the components into two tables (service delivery, service management), so a service
//! often has a row in each, and a cell may point at another row ("Sda", *sama dengan atas*;
//! "Sda nomor 3").
//!
//! A component the table has no column for may be written in the name cell, on a line of
//! its own under the name ("Dasar Hukum: UU No. 17 Tahun 2013"): it is that component, not
//! part of the title. A cell pointing at a row of an earlier page of the table ("Idem No. 1"
//! under a repeated header) takes that row's value.
//!
//! A group's heading across the table ("A. PENATAAN LINGKUNGAN HIDUP") is no row, and a
//! spreadsheet row that goes on in the next sheet row (its number and name cells empty) goes
//! on cell by cell.
//!
//! A Markdown table (a PDF converter's: pymupdf4llm, MarkItDown) writes a cell's lines joined by
//! `<br>`, may merge the number and name columns under one header cell ("NO<br>JENIS
//! PELAYANAN"), and goes on over pages under a header of its own: a first row without a
//! number goes on with the last service of the page before, and a row without a number is
//! the service of its name.
//!
//! Columns naming the office and its regency ("nama_opd", "kabupaten/kota", as open-data
//! exports have them) give each service its unit.
//!
//! [`rewrite`] turns every matrix into the label/value rows the assembler already reads
//! (`Jenis Pelayanan <TAB> title`, `Persyaratan <TAB> first line`, `<TAB> next line`), one
//! block per service with the rows of both tables merged, each line keeping the number of the
//! source line it came from. Text outside the matrices passes through unchanged.

use super::labels::{classify, is_service_name_label};
use std::collections::HashMap;

/// A source line after the rewrite: its 1-based number in the source and its text.
pub(crate) type Line = (u32, String);

/// The matrix columns of a header row: which cell names the service and which name components.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Header {
    /// The cell separator (tab or pipe; a space for a matrix laid out with spaces).
    pub(super) separator: char,
    pub(super) width: usize,
    /// Index of the "No" column, if the table numbers its rows.
    pub(super) number: Option<usize>,
    pub(super) name: usize,
    /// Indices of the columns naming the office that gives the service and its region, as an
    /// open-data export has them ("nama_opd", "nama_kabupaten_kota").
    pub(super) office: Vec<usize>,
    /// (cell index, label as written) of every component column.
    pub(super) components: Vec<(usize, String)>,
}

/// One service's row, its cells still as written (lines joined with '\n').
#[derive(Debug, Default, Clone)]
pub(super) struct Row {
    pub(super) start: u32,
    /// Per cell: the source line of each of its lines, and the text.
    pub(super) cells: Vec<Vec<(u32, String)>>,
}

impl Row {
    fn separators(&self) -> usize {
        self.cells.len().saturating_sub(1)
    }

    pub(super) fn cell_text(&self, index: usize) -> String {
        self.cells
            .get(index)
            .map(|lines| {
                lines
                    .iter()
                    .map(|(_, t)| t.trim())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }
}

/// A matrix another reader found in the text (one laid out with spaces:
/// [`super::spaced_matrix`]): its lines `start..end` (0-based), its header and its rows.
#[derive(Debug)]
pub(super) struct Table {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) header: Header,
    pub(super) rows: Vec<Row>,
}

/// A component's label and the lines of its value (source line, text).
type Stated = (String, Vec<(u32, String)>);

/// A service gathered from the matrices.
#[derive(Debug)]
struct Entry {
    start: u32,
    title: String,
    /// The office and region cells of its row ("Dinas Perhubungan", "KABUPATEN X").
    office: Vec<String>,
    /// (label, lines of the value) in column order, both tables.
    components: Vec<Stated>,
}

/// The document's lines with every service matrix rewritten as label/value rows, or `None`
/// when the text has no matrix (most decrees). `found` are the matrices other readers found in
/// the same lines (laid out with spaces), merged with the rest.
pub(super) fn rewrite(lines: &[&str], found: &[Table]) -> Option<Vec<Line>> {
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut entries: Vec<Entry> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    let mut first_matrix_at: Option<usize> = None;
    let mut index = 0;
    while index < lines.len() {
        if let Some(table) = found.iter().find(|t| t.start == index) {
            first_matrix_at.get_or_insert(out.len());
            merge(&table.header, table.rows.clone(), &mut entries, &mut by_key);
            index = table.end;
            continue;
        }
        let Some(header) = header_of(lines[index]) else {
            out.push((index as u32 + 1, lines[index].to_owned()));
            index += 1;
            continue;
        };
        first_matrix_at.get_or_insert(out.len());
        let (rows, end) = read_rows(lines, index + 1, &header);
        merge(&header, rows, &mut entries, &mut by_key);
        index = end;
    }
    let at = first_matrix_at?;
    if entries.is_empty() {
        return None;
    }
    let mut block: Vec<Line> = Vec::new();
    for entry in &entries {
        block.push((entry.start, format!("Jenis Pelayanan\t{}", entry.title)));
        if !entry.office.is_empty() {
            block.push((entry.start, format!("PADA {}", entry.office.join(" "))));
        }
        for (label, value) in &entry.components {
            let mut first = true;
            for (line, text) in value {
                let text = text.trim();
                if text.is_empty() {
                    continue;
                }
                if first {
                    block.push((*line, format!("{label}\t{text}")));
                    first = false;
                } else {
                    block.push((*line, format!("\t{text}")));
                }
            }
        }
    }
    out.splice(at..at, block);
    Some(out)
}

/// The matrix header a line is, if it is one: at least four cells, one naming the service and
/// at least three naming distinct components.
fn header_of(line: &str) -> Option<Header> {
    let separator = if line.contains('\t') {
        '\t'
    } else if line.matches('|').count() >= 4 {
        '|'
    } else {
        return None;
    };
    let cells = split(line, separator);
    if cells.len() < 4 {
        return None;
    }
    let mut name = None;
    let mut number = None;
    let mut components = Vec::new();
    let mut kinds = Vec::new();
    let mut office = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        // A Markdown table writes a cell's line breaks as `<br>`: "NO<br>JENIS PELAYANAN" is
        // the number and the name in one column, as a PDF converter merged them.
        let pieces = cell_lines(cell);
        let joined = pieces.join(" ");
        let cell = joined.trim();
        if cell.is_empty() {
            continue;
        }
        let lower = cell.to_lowercase();
        let last = pieces.last().copied().unwrap_or_default();
        if is_number_label(&lower) {
            number = Some(i);
        } else if name.is_none() && (is_service_name_label(cell) || pieces.len() > 1 && is_service_name_label(last)) {
            if pieces.len() > 1 && is_number_label(&pieces[0].to_lowercase()) {
                number = Some(i);
            }
            name = Some(i);
        } else if is_office_label(&lower) {
            office.push(i);
        } else if let Some(kind) = classify(&header_label(cell)) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            components.push((i, header_label(cell)));
        }
    }
    let name = name?;
    // The office before its region: "Dinas Perhubungan Kabupaten X".
    office.sort_by_key(|&i| cells[i].to_lowercase().contains("kabupaten") || cells[i].to_lowercase().contains("kota"));
    (kinds.len() >= 3).then_some(Header {
        separator,
        width: cells.len(),
        number,
        name,
        office,
        components,
    })
}

/// A header cell naming the row-number column.
fn is_number_label(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    matches!(words.as_slice(), ["no"] | ["nomor"] | ["no", "urut"])
}

/// A cell's lines: a Markdown table writes the line breaks inside a cell as `<br>` (`<br/>`,
/// `<br />`), as pymupdf4llm, MarkItDown and pandoc's gfm writer do. A cell without one is one
/// line.
fn cell_lines(cell: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = cell;
    while let Some(at) = rest.find("<br").or_else(|| rest.find("<BR")) {
        let Some(close) = rest[at..].find('>') else { break };
        lines.push(&rest[..at]);
        rest = &rest[at + close + 1..];
    }
    lines.push(rest);
    lines
}

/// A header cell's label: a form's question as its column header ("Apa saja persyaratan yang
/// harus dipenuhi pemohon?", "Berapa lama waktu penyelesaian? (sebutkan satuan)", as a Google
/// Form's responses sheet has them) is read up to its question mark, without the instructions
/// in brackets.
pub(super) fn header_label(cell: &str) -> String {
    let mut label = String::with_capacity(cell.len());
    let mut depth = 0usize;
    for c in cell.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '?' if depth == 0 => break,
            _ if depth == 0 => label.push(c),
            _ => {}
        }
    }
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A column naming the office that gives a service or its regency: "nama opd", "perangkat
/// daerah", "instansi", "unit kerja", "kabupaten/kota".
fn is_office_label(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "nama")
        .collect();
    matches!(
        words.as_slice(),
        ["opd"]
            | ["skpd"]
            | ["instansi"]
            | ["perangkat", "daerah"]
            | ["unit", "kerja"]
            | ["satuan", "kerja"]
            | ["kabupaten", "kota"]
            | ["kabupaten"]
            | ["kota"]
    )
}

fn split(line: &str, separator: char) -> Vec<&str> {
    if separator == '|' {
        let trimmed = line.trim();
        let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        inner.split('|').collect()
    } else {
        line.split('\t').collect()
    }
}

/// Reads the rows after a header, from line index `from`; returns them and the index of the
/// first line after the matrix.
fn read_rows(lines: &[&str], from: usize, header: &Header) -> (Vec<Row>, usize) {
    let complete = header.width - 1;
    let mut rows: Vec<Row> = Vec::new();
    let mut current: Option<Row> = None;
    let mut index = from;
    while index < lines.len() {
        let raw = lines[index];
        let line = raw.trim_end_matches('\r');
        let number = index as u32 + 1;
        // A group's heading across the table ("<TAB>A. PENATAAN LINGKUNGAN HIDUP") ends the row
        // above and is no row: the matrix goes on under it.
        if is_group_heading(line, header.separator) {
            rows.extend(current.take());
            index += 1;
            continue;
        }
        // A spreadsheet row that goes on in the next sheet row, its number and name cells
        // empty ("<TAB><TAB>4. Apabila sampling ..."): each cell goes on in its column.
        let parts = split(line, header.separator);
        if let Some(row) = current.as_mut()
            && continues_row(line, header)
        {
            for (column, part) in parts.iter().enumerate().filter(|(_, p)| !p.trim().is_empty()) {
                while row.cells.len() <= column {
                    row.cells.push(Vec::new());
                }
                row.cells[column].extend(cell_lines(part).into_iter().map(|l| (number, l.to_owned())));
            }
            index += 1;
            continue;
        }
        let done = current.as_ref().is_none_or(|row| row.separators() >= complete);
        if done {
            // Between rows: a repeated header or the column-number row is skipped, a page
            // break or blank line may sit between rows, and anything else ends the matrix.
            if header_of(line).as_ref() == Some(header)
                || is_column_numbers(line, header.separator)
                || is_header_rule(line)
            {
                index += 1;
                continue;
            }
            // Another header (the next page's, its columns cut otherwise) opens a matrix of
            // its own.
            if header_of(line).is_some() {
                break;
            }
            if line
                .trim_matches(|c: char| c.is_whitespace() || c == '\u{c}')
                .is_empty()
            {
                if next_starts_row(lines, index + 1, header) {
                    index += 1;
                    continue;
                }
                break;
            }
            // The first row under a header repeated on a new page may be the last row of the
            // page before going on, its number cell empty.
            if starts_row(line, header) || rows.is_empty() && current.is_none() && goes_on(line, header) {
                rows.extend(current.take());
                current = Some(new_row(number, line, header.separator));
                index += 1;
                continue;
            }
            if current.is_none() {
                break;
            }
        } else if let Some(row) = current.as_ref()
            && header.number.is_some()
            && starts_numbered_row(line, header, row)
        {
            // The next number in sequence opens a new row even when the previous one left
            // trailing cells empty.
            rows.extend(current.take());
            current = Some(new_row(number, line, header.separator));
            index += 1;
            continue;
        }
        let row = current.as_mut().expect("a row is open here");
        let mut parts = split(line, header.separator).into_iter();
        if let Some(first) = parts.next() {
            row.cells
                .last_mut()
                .expect("rows have a cell")
                .extend(cell_lines(first).into_iter().map(|l| (number, l.to_owned())));
        }
        for part in parts {
            row.cells
                .push(cell_lines(part).into_iter().map(|l| (number, l.to_owned())).collect());
        }
        index += 1;
    }
    rows.extend(current);
    (rows, index)
}

fn new_row(number: u32, line: &str, separator: char) -> Row {
    Row {
        start: number,
        cells: split(line, separator)
            .into_iter()
            .map(|c| cell_lines(c).into_iter().map(|l| (number, l.to_owned())).collect())
            .collect(),
    }
}

/// Whether a line opens a row: it has a separator, and with a "No" column its first cell is a
/// number.
fn starts_row(line: &str, header: &Header) -> bool {
    let cells = split(line, header.separator);
    if cells.len() < 2 {
        return false;
    }
    match header.number {
        Some(at) => cells.get(at).is_some_and(|c| is_row_number(c)),
        None => true,
    }
}

/// Whether a line is a row without its number: the number cell empty, text after it.
fn goes_on(line: &str, header: &Header) -> bool {
    let Some(at) = header.number else { return false };
    let cells = split(line, header.separator);
    cells.len() > at + 1
        && cells[at].trim().is_empty()
        && cells[at + 1..].iter().any(|c| c.chars().any(char::is_alphanumeric))
}

/// Whether a line inside an unfinished row is really the next row: its number follows the
/// open row's and a service name follows it.
fn starts_numbered_row(line: &str, header: &Header, open: &Row) -> bool {
    let Some(at) = header.number else { return false };
    let cells = split(line, header.separator);
    let open_number = open
        .cells
        .get(at)
        .and_then(|c| c.first())
        .and_then(|(_, t)| row_number(t));
    let number = cells.get(at).and_then(|c| row_number(c));
    matches!((open_number, number), (Some(a), Some(b)) if b == a + 1)
        && cells
            .get(header.name)
            .is_some_and(|c| c.chars().any(char::is_alphabetic))
}

/// A row whose only text, after an empty first cell, is a lettered or numbered heading in
/// capitals ("A. PENATAAN DAN PENAATAN LINGKUNGAN HIDUP", "II. PELAYANAN NON PERIZINAN").
fn is_group_heading(line: &str, separator: char) -> bool {
    let cells = split(line, separator);
    let filled: Vec<&str> = cells.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
    let [text] = filled.as_slice() else {
        return false;
    };
    let Some((marker, title)) = text.split_once(". ") else {
        return false;
    };
    let lettered = (marker.len() == 1 && marker.chars().all(|c| c.is_ascii_uppercase()))
        || (!marker.is_empty() && marker.chars().all(|c| matches!(c, 'I' | 'V' | 'X')));
    let letters: Vec<char> = title.chars().filter(|c| c.is_alphabetic()).collect();
    cells.first().is_some_and(|c| c.trim().is_empty())
        && lettered
        && letters.len() >= 4
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8
}

/// Whether the rows go on after blank lines at `index` (a page break inside the matrix).
fn next_starts_row(lines: &[&str], index: usize, header: &Header) -> bool {
    lines[index.min(lines.len())..]
        .iter()
        .map(|l| l.trim_end_matches('\r'))
        .find(|l| !l.trim_matches(|c: char| c.is_whitespace() || c == '\u{c}').is_empty())
        .is_some_and(|l| {
            header_of(l).as_ref() == Some(header)
                || starts_row(l, header)
                || is_group_heading(l, header.separator)
                || continues_row(l, header)
        })
}

/// A spreadsheet row going on in the next sheet row: its number and name cells empty, text in
/// a later column that goes on a list or a sentence ("<TAB><TAB>4. Apabila sampling ...",
/// "- Rp 250.000"), not a signature block set right ("<TAB><TAB><TAB>KEPALA DINAS ...").
fn continues_row(line: &str, header: &Header) -> bool {
    let parts = split(line, header.separator);
    let first_text = parts
        .iter()
        .skip(header.name + 1)
        .map(|c| c.trim())
        .find(|c| !c.is_empty());
    parts.len() > header.name + 1
        && parts[..=header.name].iter().all(|c| c.trim().is_empty())
        && first_text.is_some_and(|text| {
            let head = text.split_whitespace().next().unwrap_or_default();
            head.trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit())
                || head.starts_with(['-', '•', '*'])
                || text.starts_with(char::is_lowercase)
        })
}

fn is_row_number(cell: &str) -> bool {
    row_number(cell).is_some()
}

fn row_number(cell: &str) -> Option<u32> {
    let first = cell_lines(cell)
        .into_iter()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let first = first.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
    let t = first.trim().trim_end_matches('.');
    (!t.is_empty() && t.len() <= 3).then(|| t.parse().ok()).flatten()
}

/// The rule under a Markdown table's header ("|---|:---:|").
fn is_header_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.contains("---") && trimmed.chars().all(|c| matches!(c, '-' | ':' | '|' | ' '))
}

/// "1 | 2 | 3 | ...": the row some tables put under the header.
fn is_column_numbers(line: &str, separator: char) -> bool {
    let cells = split(line, separator);
    cells.len() >= 3
        && cells.iter().all(|c| {
            cell_lines(c).iter().all(|t| {
                let t = t.trim().trim_matches(|ch: char| matches!(ch, '_' | '*' | '(' | ')'));
                t.is_empty() || t.chars().all(|ch| ch.is_ascii_digit())
            })
        })
}

/// Adds the rows of one matrix to the services, merging rows of the same service (same
/// number, or same name) and resolving "Sda" cells.
fn merge(header: &Header, rows: Vec<Row>, entries: &mut Vec<Entry>, by_key: &mut HashMap<String, usize>) {
    // Resolved values of this matrix by row number and in order, for "Sda" cells.
    let mut resolved: Vec<HashMap<usize, Vec<(u32, String)>>> = Vec::new();
    let mut numbers: HashMap<u32, usize> = HashMap::new();
    let mut here = std::collections::HashSet::new();
    for (at_top, row) in rows.into_iter().enumerate().map(|(i, row)| (i == 0, row)) {
        let (title, stated) = name_and_stated(row.cells.get(header.name).map_or(&[][..], Vec::as_slice));
        let number = header.number.and_then(|at| row_number(&row.cell_text(at)));
        // A numbered matrix's first row without a number goes on with the last service of the
        // page before: the end of its name and of its cells.
        if at_top
            && header.number.is_some()
            && number.is_none()
            && let Some(last) = entries.last_mut()
        {
            go_on(last, header, &row, &title);
            by_key.insert(last.title.to_lowercase(), entries.len() - 1);
            continue;
        }
        if title.is_empty() {
            continue;
        }
        let mut values: HashMap<usize, Vec<(u32, String)>> = HashMap::new();
        for (column, _) in &header.components {
            let lines = row.cells.get(*column).cloned().unwrap_or_default();
            let text = row.cell_text(*column);
            let value = match same_as(&text) {
                Some(Some(n)) => numbers
                    .get(&n)
                    .and_then(|i| resolved[*i].get(column))
                    .cloned()
                    .or_else(|| earlier_page(entries, by_key, n, &header.components, *column))
                    .unwrap_or(lines),
                Some(None) => resolved.last().and_then(|r| r.get(column)).cloned().unwrap_or(lines),
                None => lines,
            };
            values.insert(*column, value);
        }
        if let Some(n) = number {
            numbers.insert(n, resolved.len());
        }
        // A row without a number is the service of its name: in the management table under a
        // header that lost its number column, the service a numbered row of the delivery
        // table opened.
        let key = number.map_or_else(|| title.to_lowercase(), |n| format!("#{n}"));
        let named = by_key.get(&title.to_lowercase()).copied().filter(|_| number.is_none());
        let at = *by_key.entry(key).or_insert_with(|| {
            if let Some(at) = named {
                return at;
            }
            entries.push(Entry {
                start: row.start,
                title: title.clone(),
                office: header
                    .office
                    .iter()
                    .map(|&at| super::casing::readable_case(&row.cell_text(at).replace('\n', " ")))
                    .filter(|cell| !cell.trim().is_empty())
                    .collect(),
                components: Vec::new(),
            });
            entries.len() - 1
        });
        by_key.entry(title.to_lowercase()).or_insert(at);
        // The same service twice in one matrix (a form's responses sheet, a response sent
        // again to correct it): the later row's values stand. Rows of another matrix (the
        // management table) add to the service instead.
        let again = !here.insert(at);
        for (column, label) in &header.components {
            if let Some(value) = values.get(column) {
                let given = value.iter().any(|(_, text)| !text.trim().is_empty());
                if again && !given {
                    continue;
                }
                if again {
                    entries[at].components.retain(|(l, _)| l != label);
                }
                entries[at].components.push((label.clone(), value.clone()));
            }
        }
        entries[at].components.extend(stated);
        resolved.push(values);
    }
}

/// Adds a row continued from the page before to its service: the rest of its name (unless the
/// number and name share the column and the name cell is empty) and each cell's lines after
/// the lines of the same component.
fn go_on(entry: &mut Entry, header: &Header, row: &Row, rest_of_name: &str) {
    if !rest_of_name.is_empty() {
        entry.title = format!("{} {rest_of_name}", entry.title);
    }
    for (column, label) in &header.components {
        let lines: Vec<(u32, String)> = row
            .cells
            .get(*column)
            .map(|c| c.iter().filter(|(_, t)| !t.trim().is_empty()).cloned().collect())
            .unwrap_or_default();
        if lines.is_empty() {
            continue;
        }
        match entry.components.iter_mut().find(|(l, _)| l == label) {
            Some((_, value)) => value.extend(lines),
            None => entry.components.push((label.clone(), lines)),
        }
    }
}

/// The service's name from its name cell, and the components stated on lines of their own
/// under it ("Dasar Hukum: UU No. 17 Tahun 2013 ..."), each with the lines that follow it.
fn name_and_stated(cell: &[(u32, String)]) -> (String, Vec<Stated>) {
    let mut name: Vec<&str> = Vec::new();
    let mut stated: Vec<Stated> = Vec::new();
    for (at, (line, text)) in cell.iter().enumerate() {
        let labelled = (at > 0)
            .then(|| text.split_once(':'))
            .flatten()
            .filter(|(label, _)| label.split_whitespace().count() <= 4 && classify(label).is_some());
        match (labelled, stated.last_mut()) {
            (Some((label, value)), _) => stated.push((label.trim().to_owned(), vec![(*line, value.trim().to_owned())])),
            (None, Some((_, value))) => value.push((*line, text.clone())),
            // A line of the name cell before the name that is only its row number or a stray
            // mark ("1.", "." a converter split from "10.") is no part of it.
            (None, None) if name.is_empty() && !text.chars().any(char::is_alphabetic) => {}
            (None, None) => name.push(text),
        }
    }
    (name.join(" ").split_whitespace().collect::<Vec<_>>().join(" "), stated)
}

/// The value of component `column` in row number `n` of an earlier page of the table (a
/// matrix read before this one, the header repeated), for "Idem No. 1" on a later page.
fn earlier_page(
    entries: &[Entry],
    by_key: &HashMap<String, usize>,
    n: u32,
    components: &[(usize, String)],
    column: usize,
) -> Option<Vec<(u32, String)>> {
    let label = &components.iter().find(|(at, _)| *at == column)?.1;
    let entry = &entries[*by_key.get(&format!("#{n}"))?];
    entry
        .components
        .iter()
        .find(|(other, _)| other == label)
        .map(|(_, value)| value.clone())
}

/// Whether a cell only points at another row: `Some(None)` for "Sda"/"idem" (the row above),
/// `Some(Some(n))` for "Sda nomor 3" / "Sda (lihat nomor 1)".
fn same_as(cell: &str) -> Option<Option<u32>> {
    let lower = cell.trim().to_lowercase();
    let rest = [
        "sda",
        "s.d.a",
        "s.d.a.",
        "idem",
        "sama dengan di atas",
        "sama dengan atas",
    ]
    .iter()
    .find_map(|p| lower.strip_prefix(p))?;
    if rest.chars().next().is_some_and(char::is_alphanumeric) || rest.len() > 30 {
        return None;
    }
    let number = rest
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| !w.is_empty())
        .and_then(|w| w.parse().ok());
    Some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.split('\n').collect();
        rewrite(&lines, &[])
            .expect("a matrix")
            .into_iter()
            .map(|(n, t)| format!("{n}:{t}"))
            .collect()
    }

    #[test]
    fn a_matrix_goes_on_past_group_headings_and_rows_continued_in_the_next_sheet_row() {
        let text = "No\tJenis Layanan\tPersyaratan\tWaktu Penyelesaian\tBiaya / Tarif\tProduk Layanan\n\
                    \tA. PENATAAN LINGKUNGAN\n\
                    1\tPengujian Sampel Air\t1. Formulir\t14 hari kerja\tRp 150.000\tLaporan hasil uji\n\
                    \n\
                    \t\t2. Sampel air 2 liter\t\t- Sampling Rp 250.000\n\
                    \tB. PERSAMPAHAN\n\
                    2\tSedot Lumpur Tinja\tKTP\t3 hari\tRp 300.000\tBukti layanan\n";
        let lines = run(text);
        assert!(
            lines.contains(&"3:Jenis Pelayanan\tPengujian Sampel Air".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"7:Jenis Pelayanan\tSedot Lumpur Tinja".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"5:\t2. Sampel air 2 liter".to_owned()), "{lines:?}");
        assert!(!lines.iter().any(|l| l.contains("PERSAMPAHAN")), "{lines:?}");
    }

    #[test]
    fn a_markdown_matrix_with_line_breaks_in_cells_goes_on_over_pages() {
        // As pymupdf4llm writes a PDF's table: cells' lines joined by `<br>`, the number and
        // name columns merged under one header cell, the column numbers in markup, the last
        // row of a page going on under the next page's header, and the management table
        // under a header that split its number column.
        let text = "|**NO**<br>**JENIS PELAYANAN**|**PERSYARATAN**|**JANGKA WAKTU**<br>**PELAYANAN**|**BIAYA/TARIF**|\n\
                    |---|---|---|---|\n\
                    |_(1)_<br>_(2)_|_(3)_|_(4)_|_(5)_|\n\
                    |1.<br>Tera Ulang<br>Timbangan|1. KTP;<br>2. Timbangan|1 hari|Rp12.000|\n\
                    |2.<br>Pengalihan Hak<br>Kios dan|1. Surat permohonan;|7 hari|Rp250.000|\n\
                    \n\
                    |**NO**|**JENIS PELAYANAN**|**PERSYARATAN**|**JANGKA WAKTU**<br>**PELAYANAN**|**BIAYA/TARIF**|\n\
                    |---|---|---|---|---|\n\
                    ||Los Pasar|2. Fotokopi KTP kedua pihak.|||\n\
                    \n\
                    |**N**|**O**<br>**JENIS PELAYANAN**|**DASAR HUKUM**|**KOMPETENSI**<br>**PELAKSANA**|**JUMLAH**<br>**PELAKSANA**|\n\
                    |---|---|---|---|---|\n\
                    |1.|Tera Ulang<br>Timbangan|UU No. 2 Tahun 1981|Penera|3 orang|\n\
                    |2.|Pengalihan Hak Kios dan<br>Los Pasar|Perbup No. 14 Tahun 2022|Staf pasar|2 orang|\n";
        let lines = run(text);
        assert!(
            lines.contains(&"4:Jenis Pelayanan\tTera Ulang Timbangan".to_owned()),
            "{lines:?}"
        );
        assert!(lines.contains(&"4:\t2. Timbangan".to_owned()), "{lines:?}");
        assert!(
            lines.contains(&"5:Jenis Pelayanan\tPengalihan Hak Kios dan Los Pasar".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"9:\t2. Fotokopi KTP kedua pihak.".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"14:**DASAR HUKUM**\tPerbup No. 14 Tahun 2022".to_owned()),
            "{lines:?}"
        );
        assert_eq!(
            lines.iter().filter(|l| l.contains("Jenis Pelayanan")).count(),
            2,
            "{lines:?}"
        );
        assert!(
            !lines.iter().any(|l| l.contains("(3)") || l.contains("---")),
            "{lines:?}"
        );
    }

    #[test]
    fn a_forms_questions_head_the_columns_and_a_service_sent_again_corrects_itself() {
        let text = "Timestamp\tNama Layanan\tApa saja persyaratan yang harus dipenuhi pemohon?\t\
                    Berapa lama waktu penyelesaian? (sebutkan satuan)\tApakah dikenakan biaya? Jika ya, sebutkan tarifnya\n\
                    14/02/2024 09:12\tSertifikat Depot Air Minum\tKTP\t7 hari kerja\tRp 125.000\n\
                    21/02/2024 10:01\tSertifikat Depot Air Minum\t\t\tRp 185.000\n";
        let lines = run(text);
        assert!(
            lines.contains(&"2:Jenis Pelayanan\tSertifikat Depot Air Minum".to_owned()),
            "{lines:?}"
        );
        assert!(
            lines.contains(&"2:Apa saja persyaratan yang harus dipenuhi pemohon\tKTP".to_owned()),
            "{lines:?}"
        );
        assert!(lines.iter().any(|l| l.ends_with("Rp 185.000")), "{lines:?}");
        assert!(
            !lines.iter().any(|l| l.ends_with("Rp 125.000")),
            "the later row corrects the fee: {lines:?}"
        );
        assert!(
            lines.iter().any(|l| l.ends_with("7 hari kerja")),
            "an empty cell corrects nothing: {lines:?}"
        );
    }

    #[test]
    fn a_groups_heading_across_the_matrix_is_no_row() {
        assert!(is_group_heading("\tA. PENATAAN DAN PENAATAN LINGKUNGAN HIDUP", '\t'));
        assert!(is_group_heading("\tII. PELAYANAN NON PERIZINAN\t\t", '\t'));
        assert!(!is_group_heading("1\tPengujian Sampel Air\tKTP", '\t'));
        assert!(!is_group_heading("\t\t2. Fotokopi KTP", '\t'));
    }

    #[test]
    fn text_without_a_matrix_is_left_alone() {
        let lines = ["Persyaratan\tKTP", "Biaya\tGratis"];
        assert!(rewrite(&lines, &[]).is_none());
    }

    #[test]
    fn rows_broken_over_lines_become_label_rows() {
        let text = "No\tJenis Pelayanan\tPersyaratan\tWaktu\tBiaya\n\
                    1\t2\t3\t4\t5\n\
                    1\tKartu Anak\t1. Akta;\n\
                    2. KK\t1 hari\tGratis\n\
                    2\tAkta\n\
                    Kelahiran\t1. Surat lahir\t1 jam\tSda\n";
        assert_eq!(
            run(text),
            [
                "3:Jenis Pelayanan\tKartu Anak",
                "3:Persyaratan\t1. Akta;",
                "4:\t2. KK",
                "4:Waktu\t1 hari",
                "4:Biaya\tGratis",
                "5:Jenis Pelayanan\tAkta Kelahiran",
                "6:Persyaratan\t1. Surat lahir",
                "6:Waktu\t1 jam",
                "4:Biaya\tGratis",
                "7:",
            ]
        );
    }

    #[test]
    fn the_second_table_adds_to_the_same_services_and_text_after_it_passes() {
        let text = "Intro\n\
                    No\tJenis Pelayanan\tPersyaratan\tProsedur\tBiaya\n\
                    1\tKTP\tKK\tDatang\tGratis\n\
                    \n\
                    \u{c}\n\
                    No\tJenis Pelayanan\tDasar Hukum\tSarana\tJaminan Pelayanan\n\
                    1\tKTP\tUU 24/2013\tRuang tunggu\tTepat waktu\n\
                    \n\
                    \n\
                    KEPALA DINAS";
        let out = run(text);
        assert_eq!(out[0], "1:Intro");
        assert_eq!(out[1], "3:Jenis Pelayanan\tKTP");
        assert!(out.contains(&"7:Dasar Hukum\tUU 24/2013".to_owned()), "{out:?}");
        assert_eq!(out.iter().filter(|l| l.contains("Jenis Pelayanan")).count(), 1);
        assert_eq!(out.last().map(String::as_str), Some("10:KEPALA DINAS"));
    }

    #[test]
    fn a_component_under_the_name_is_no_part_of_the_title_and_idem_reaches_an_earlier_page() {
        let text = "No\tNama Layanan\tPersyaratan\tWaktu\tPengaduan\n\
                    1\tPendaftaran Ormas\n\
                    Dasar Hukum: UU No. 17 Tahun 2013;\n\
                    Permendagri No. 57 Tahun 2017\t1. Akta\t15 hari\tWA 0857\n\
                    \n\
                    \n\
                    No\tNama Layanan\tPersyaratan\tWaktu\tPengaduan\n\
                    11\tNarasumber\tSurat\t5 hari\tIdem No. 1\n";
        let out = run(text);
        assert_eq!(out[0], "2:Jenis Pelayanan\tPendaftaran Ormas");
        assert!(
            out.contains(&"3:Dasar Hukum\tUU No. 17 Tahun 2013;".to_owned()),
            "{out:?}"
        );
        assert!(out.contains(&"4:\tPermendagri No. 57 Tahun 2017".to_owned()), "{out:?}");
        let narasumber = out
            .iter()
            .position(|l| l.ends_with("Narasumber"))
            .expect("second service");
        assert!(
            out[narasumber..].contains(&"4:Pengaduan\tWA 0857".to_owned()),
            "{out:?}"
        );
    }

    #[test]
    fn sda_points_at_the_row_above_or_the_row_named() {
        assert_eq!(same_as("Sda"), Some(None));
        assert_eq!(same_as("Sda (lihat nomor 1)"), Some(Some(1)));
        assert_eq!(same_as("Sda nomor 3"), Some(Some(3)));
        assert_eq!(same_as("Sdakota"), None);
        assert_eq!(same_as("Gratis"), None);
    }
}
