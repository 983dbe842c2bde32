//! Pages printed in two text columns side by side, as `pdftotext -layout` prints a tri-fold
//! leaflet: each line holds the left column's line, a run of spaces, and the right column's
//! line, so reading line by line interleaves two services.
//!
//! A page is read in two columns when its lines have a **gutter**: a character column where
//! the right column's lines start (the most common start of text that follows a run of spaces
//! far from the left margin), crossed by few lines, with lines of text on both sides of it.
//! The decision is the decree's own, page by page (a leaflet's panels start at a different
//! column on every page and may be shifted up or down): nothing assumes a width. A table laid
//! out with spaces (label on the left, value on the right) has a gutter too, so a document is
//! only read in columns when some page has **component labels alone on their line on both
//! sides** ("PERSYARATAN" in the left panel and in the right one): a value column never holds
//! bare labels. Such a document's pages are then all read by their gutter (a cover page with
//! the back panel beside it as well).
//!
//! The rewrite puts each page's left column first and its right column after it, one output
//! line per column of an input line; every output line keeps its source line for citations.

use super::labels;

/// Fewest lines with text on both sides of the gutter for a page to be two columns.
const MIN_PAIRED_LINES: usize = 5;
/// A right column starts this far from the left margin at least.
const MIN_GUTTER: usize = 24;
/// Right-column lines start within this many characters left of the gutter (panels are not
/// typeset to the character).
const JITTER: usize = 5;
/// Share of a page's text lines that may cross the gutter.
const MAX_CROSSING_SHARE: f32 = 0.1;
/// Fewest kinds of bare component labels on each side of some page for the document to be
/// columns.
const MIN_LABEL_KINDS: usize = 2;
/// Most words of a bare label ("WAKTU PENYELESAIAN", "Dasar Hukum :").
const MAX_LABEL_WORDS: usize = 4;
/// Most characters of a bare label.
const MAX_LABEL_CHARS: usize = 48;

/// A document rewritten column by column: its text and, per output line, the 1-based line of
/// the input it comes from.
pub(crate) struct Unfolded {
    pub text: String,
    pub source_lines: Vec<u32>,
}

/// The text with every two-column page read left column first, or `None` when no page is
/// printed in two columns.
pub(crate) fn unfold(text: &str) -> Option<Unfolded> {
    if !text.contains("   ") {
        return None;
    }
    let lines: Vec<Vec<char>> = text.split('\n').map(|l| l.chars().collect()).collect();
    let runs: Vec<Vec<usize>> = lines.iter().map(|l| starts(l)).collect();
    let pages = pages(&lines);
    let gutters: Vec<Option<usize>> = pages
        .iter()
        .map(|p| gutter(&lines[p.clone()], &runs[p.clone()]))
        .collect();
    let labelled = pages
        .iter()
        .zip(&gutters)
        .any(|(page, gutter)| gutter.is_some_and(|g| labels_on_both_sides(&lines[page.clone()], g)));
    if !labelled {
        return None;
    }
    let mut out = Unfolded {
        text: String::with_capacity(text.len() + lines.len()),
        source_lines: Vec::with_capacity(lines.len() * 2),
    };
    let mut push = |line: &[char], number: usize| {
        if !out.source_lines.is_empty() {
            out.text.push('\n');
        }
        out.text.extend(line.iter());
        out.source_lines.push(number as u32 + 1);
    };
    for (page, gutter) in pages.iter().zip(gutters) {
        match gutter {
            None => page.clone().for_each(|i| push(&lines[i], i)),
            Some(g) => {
                let split: Vec<(usize, usize)> = page.clone().map(|i| (i, split_at(&lines[i], g))).collect();
                for &(i, at) in &split {
                    push(trim_end(&lines[i][..at]), i);
                }
                for &(i, at) in &split {
                    push(&lines[i][at..], i);
                }
            }
        }
    }
    Some(out)
}

/// The pages of a text: ranges of line indices, a form feed starting a new page.
fn pages(lines: &[Vec<char>]) -> Vec<std::ops::Range<usize>> {
    let mut pages = Vec::new();
    let mut start = 0;
    for (i, line) in lines.iter().enumerate().skip(1) {
        if line.first() == Some(&'\u{c}') {
            pages.push(start..i);
            start = i;
        }
    }
    pages.push(start..lines.len());
    pages
}

/// Where each run of text of a line starts: the first non-space character and every one
/// after two spaces or more.
fn starts(line: &[char]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut spaces = usize::MAX;
    for (i, c) in line.iter().enumerate() {
        if c.is_whitespace() {
            spaces = spaces.saturating_add(1);
        } else {
            if spaces >= 2 {
                found.push(i);
            }
            spaces = 0;
        }
    }
    found
}

/// The page's gutter: the first column of its right column's text, or `None` when the page is
/// not printed in two columns.
fn gutter(page: &[Vec<char>], runs: &[Vec<usize>]) -> Option<usize> {
    let mut counts: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for start in runs.iter().flatten().copied().filter(|&s| s >= MIN_GUTTER) {
        *counts.entry(start).or_default() += 1;
    }
    let (&mode, _) = counts
        .iter()
        .max_by_key(|(column, count)| (**count, std::cmp::Reverse(**column)))?;
    // The band's left edge: the leftmost start near the most common one.
    let gutter = (mode.saturating_sub(JITTER)..=mode)
        .find(|c| counts.contains_key(c))
        .unwrap_or(mode);
    let text_lines = runs.iter().filter(|s| !s.is_empty()).count();
    let paired = runs
        .iter()
        .filter(|s| s.first().is_some_and(|&f| f < gutter) && s.iter().any(|&x| x >= gutter))
        .count();
    let crossing = page.iter().zip(runs).filter(|(l, s)| crosses(l, s, gutter)).count();
    (paired >= MIN_PAIRED_LINES && crossing as f32 <= MAX_CROSSING_SHARE * text_lines as f32).then_some(gutter)
}

/// A line whose text runs across the gutter with no run of spaces to split it at.
fn crosses(line: &[char], runs: &[usize], gutter: usize) -> bool {
    line.len() > gutter
        && runs.iter().all(|&s| s < gutter || s > gutter + JITTER)
        && !line[gutter.saturating_sub(2)..gutter].iter().all(|c| c.is_whitespace())
}

/// Where a line is split: the first run of text starting at the gutter or right of it, or the
/// line's end.
fn split_at(line: &[char], gutter: usize) -> usize {
    starts(line).into_iter().find(|&s| s >= gutter).unwrap_or(line.len())
}

fn trim_end(line: &[char]) -> &[char] {
    let end = line.iter().rposition(|c| !c.is_whitespace()).map_or(0, |i| i + 1);
    &line[..end]
}

/// Component labels of at least two kinds stand alone on lines of each side of the gutter,
/// written as labels are (capitals or capitalised words: "PERSYARATAN", "Waktu Penyelesaian :");
/// a value column's "Tidak dipungut biaya" is a sentence, not a label.
fn labels_on_both_sides(page: &[Vec<char>], gutter: usize) -> bool {
    let label = |part: &[char]| {
        // Most parts are values: no capital first or too long for a label, looked at cheaply.
        let start = part.iter().position(|c| !c.is_whitespace())?;
        let part = trim_end(&part[start..]);
        if part.len() > MAX_LABEL_CHARS || !part[0].is_uppercase() {
            return None;
        }
        let text: String = part.iter().collect();
        let text = text.trim().trim_end_matches(':').trim();
        // Words only: an address ("pengaduan.dinas@...") or a figure is a value.
        let shaped = !text.is_empty()
            && text.chars().all(|c| c.is_alphabetic() || " /&,-()".contains(c))
            && text.split_whitespace().count() <= MAX_LABEL_WORDS
            && text
                .split_whitespace()
                .all(|w| w.starts_with(char::is_uppercase) || matches!(w, "dan" | "atau" | "/" | "&"));
        shaped.then(|| labels::classify(text)).flatten()
    };
    let mut left = Vec::new();
    let mut right = Vec::new();
    for line in page {
        let at = split_at(line, gutter);
        left.extend(label(&line[..at]));
        right.extend(label(&line[at..]));
    }
    let kinds = |found: &mut Vec<_>| {
        found.sort();
        found.dedup();
        found.len()
    };
    kinds(&mut left) >= MIN_LABEL_KINDS && kinds(&mut right) >= MIN_LABEL_KINDS
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEAFLET: &str = "\
  01                                          02
  KARTU KELUARGA                              AKTA KELAHIRAN

  PERSYARATAN                                 PERSYARATAN
  • Buku nikah                                • Surat keterangan lahir
  • Surat pindah                                dari bidan
                                              • KK orang tua
  WAKTU PENYELESAIAN
  1 (satu) hari kerja                         WAKTU PENYELESAIAN
                                              1 (satu) hari kerja
  BIAYA                                       BIAYA
  Gratis                                      Gratis";

    #[test]
    fn a_leaflet_page_is_read_left_column_first_keeping_source_lines() {
        let unfolded = unfold(LEAFLET).expect("two columns");
        let lines: Vec<&str> = unfolded.text.split('\n').map(str::trim).collect();
        let akta = lines.iter().position(|l| *l == "AKTA KELAHIRAN").unwrap();
        let gratis = lines.iter().position(|l| *l == "Gratis").unwrap();
        assert!(
            gratis < akta,
            "the left panel ends before the right one starts: {lines:?}"
        );
        assert_eq!(unfolded.source_lines[akta], 2);
        assert!(lines[akta..].contains(&"dari bidan"));
        assert!(!lines[..akta].contains(&"dari bidan"));
        assert_eq!(unfolded.source_lines.len(), 2 * LEAFLET.lines().count());
    }

    #[test]
    fn a_label_and_value_table_is_left_as_it_is() {
        let table = "\
1   Persyaratan                 KTP dan KK
2   Prosedur                    Pemohon datang ke loket
                                dan mengisi formulir
3   Jangka Waktu                3 hari kerja
4   Biaya                       Gratis
5   Produk                      Surat keterangan
6   Pengaduan                   Kotak saran";
        assert!(unfold(table).is_none());
    }

    #[test]
    fn prose_with_wide_spaces_is_left_as_it_is() {
        assert!(unfold("Persyaratan\nKTP   dan KK\nBiaya\nGratis").is_none());
    }
}
