//! Tables laid out with spaces, as `pdftotext -layout` and fixed-width exports print them.
//!
//! A decree's component table often reaches us as text whose columns are only aligned: the
//! row number, the label ("Persyaratan", wrapped onto a second line as "Pelayanan") and the
//! value start at fixed character columns, with runs of spaces between them, and a value's
//! wrapped lines are indented to the value column. The line parser reads tables by their
//! cells (tabs, pipes, HTML), so this pass finds the value column and rewrites the table's
//! lines as tab-separated cells, one output line per input line (line numbers stay true for
//! citations). Nothing is rewritten in a decree that has no such table.
//!
//! The value column is where most lines whose left part is a component label
//! ([`labels::classify`]) have their value start: found from the decree itself, never
//! assumed. A scanned page read by OCR does not keep columns exact (values start a few
//! characters left or right from line to line), so the column is a band: the value starts of
//! the label lines that cluster around the most common one. A table region starts at such a
//! label line and goes on while lines stay on their side of the band (continuation of a
//! label, continuation of a value, blank lines, rules and repeated table headers); a line
//! whose text crosses it (a service heading, prose) ends it.

use super::labels;
use std::collections::HashMap;

/// Fewest label rows that make a value column: fewer is a coincidence of alignment.
const MIN_LABEL_ROWS: usize = 3;
/// A value column lies this far right at least (number + label columns before it).
const MIN_VALUE_COLUMN: usize = 12;
/// Lines already split into cells by tabs: the decree has its own delimiters.
const TABBED_SHARE: f32 = 0.05;
/// A left part longer than this many words is prose, not a label.
const MAX_LABEL_WORDS: usize = 6;
/// How far apart value starts of one table may lie and still be one column (OCR jitter).
const JITTER: usize = 8;
/// Slack on either side of the band for lines that are not label rows.
const SLACK: usize = 3;

/// The lines of `lines` rewritten as tab-separated cells where they belong to a table laid
/// out with spaces; `None` for a line left as it is.
pub(crate) fn tabulate(lines: &[&str]) -> Vec<Option<String>> {
    let mut out = vec![None; lines.len()];
    let tabbed = lines.iter().filter(|l| l.contains('\t')).count();
    if tabbed as f32 > TABBED_SHARE * lines.len() as f32 {
        return out;
    }
    let rows: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    let Some(band) = value_column(&rows) else {
        return out;
    };
    let mut in_table = false;
    for (index, chars) in rows.iter().enumerate() {
        if chars.iter().all(|c| c.is_whitespace()) {
            continue;
        }
        let line: String = chars.iter().collect();
        if is_rule(&line) || is_delimited(&line) {
            continue;
        }
        let Some((left, right)) = split_at(chars, band) else {
            in_table = false;
            continue;
        };
        if labels::is_header_row(&[left.as_str(), right.as_str()]) {
            // The table header, repeated after a page break: kept as a header row.
            out[index] = Some(format!("{left}\t{right}"));
            continue;
        }
        let (marker, label) = split_marker(&left);
        let is_label = label_row(&label);
        // A label line of text with its colon ("Biaya : Gratis", or "Persyaratan :" over a
        // bulleted list): no cell of a table, whose values stand beside their labels.
        if is_label && right.is_empty() && label.contains(':') {
            in_table = false;
            continue;
        }
        if is_label {
            in_table = true;
        }
        if !in_table {
            continue;
        }
        if !label.is_empty() && !is_label && label.split_whitespace().count() > MAX_LABEL_WORDS {
            in_table = false;
            continue;
        }
        if right.is_empty() && marker.is_empty() && !label.is_empty() && !is_label {
            // A wrapped label alone on its line ("Pelayanan").
            out[index] = Some(format!("\t{label}\t"));
            continue;
        }
        out[index] = Some(format!("{marker}\t{label}\t{right}"));
    }
    out
}

/// A line whose cells are already delimited (pipes, tabs): read by the line parser as it is.
fn is_delimited(line: &str) -> bool {
    line.contains('\t') || line.matches('|').count() >= 2
}

/// A table border drawn with rule characters ("-----", "=====").
fn is_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= 3 && trimmed.chars().all(|c| matches!(c, '-' | '=' | '_' | '+' | '|' | ' '))
}

/// The band of columns where values start: the value starts (after a run of two or more
/// spaces) of lines with a component label before them, clustered around the most common
/// one within [`JITTER`]; `None` when fewer than [`MIN_LABEL_ROWS`] lines agree.
fn value_column(rows: &[Vec<char>]) -> Option<(usize, usize)> {
    let mut starts: Vec<usize> = Vec::new();
    for chars in rows {
        if is_delimited(&chars.iter().collect::<String>()) {
            continue;
        }
        for column in gap_ends(chars) {
            if column < MIN_VALUE_COLUMN {
                continue;
            }
            let left: String = chars[..column].iter().collect();
            let (_, label) = split_marker(left.trim());
            if label_row(&label) {
                starts.push(column);
            }
        }
    }
    let mut votes: HashMap<usize, usize> = HashMap::new();
    for &column in &starts {
        *votes.entry(column).or_default() += 1;
    }
    let (mode, _) = votes
        .iter()
        .max_by_key(|(column, n)| (**n, std::cmp::Reverse(**column)))
        .map(|(c, n)| (*c, *n))?;
    let near: Vec<usize> = starts.into_iter().filter(|c| c.abs_diff(mode) <= JITTER).collect();
    if near.len() < MIN_LABEL_ROWS {
        return None;
    }
    Some((*near.iter().min()?, *near.iter().max()?))
}

/// Columns where text resumes after two or more spaces inside a line (not its indentation).
fn gap_ends(chars: &[char]) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut seen_text = false;
    let mut spaces = 0;
    for (i, c) in chars.iter().enumerate() {
        if *c == ' ' {
            spaces += 1;
            continue;
        }
        if seen_text && spaces >= 2 {
            ends.push(i);
        }
        seen_text = true;
        spaces = 0;
    }
    ends
}

/// The line cut at the value band `(lo, hi)`: the trimmed text left and right of it, or
/// `None` when text runs across it. A line indented to the band (within [`SLACK`]) is all
/// value; otherwise the cut is the first run of two or more spaces that ends in the band, and
/// a line without one is a label alone when it ends before the band, else it crosses.
fn split_at(chars: &[char], (lo, hi): (usize, usize)) -> Option<(String, String)> {
    let text: String = chars.iter().collect();
    let indent = chars.iter().take_while(|c| c.is_whitespace()).count();
    if indent + SLACK >= lo {
        return Some((String::new(), text.trim().to_owned()));
    }
    if let Some(cut) = gap_ends(chars)
        .into_iter()
        .find(|&c| c + SLACK >= lo && c <= hi + SLACK)
    {
        let left: String = chars[..cut].iter().collect();
        let right: String = chars[cut..].iter().collect();
        return Some((left.trim().to_owned(), right.trim().to_owned()));
    }
    let end = chars.iter().rposition(|c| !c.is_whitespace()).map_or(0, |i| i + 1);
    (end <= lo).then(|| (text.trim().to_owned(), String::new()))
}

/// A row number at the start of the left part ("1.", "12", "a.") and the rest. Specks a
/// scan leaves before it (". 5.") are dropped.
fn split_marker(left: &str) -> (String, String) {
    let left = left
        .trim()
        .trim_start_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace());
    if let Some((first, rest)) = left.split_once(char::is_whitespace) {
        let core = first.trim_end_matches(['.', ')']);
        if !core.is_empty() && core.len() <= 3 && core.chars().all(|c| c.is_ascii_digit()) {
            return (first.to_owned(), rest.trim().to_owned());
        }
    }
    (String::new(), left.to_owned())
}

/// Whether the left part is (the start of) a component label.
fn label_row(label: &str) -> bool {
    !label.is_empty()
        && label.split_whitespace().count() <= MAX_LABEL_WORDS
        && labels::classify(label.trim_end_matches([':', ' '])).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "\
  1.   Jenis Pelayanan  :  Surat Izin Praktik Bidan
  No.   Komponen               Uraian
  ---------------------------------------------------
  1.    Persyaratan            1. Fotokopi KTP;
        Pelayanan              2. Ijazah bidan yang
                                  dilegalisir;
  2.    Jangka Waktu           paling lama 5 (lima) hari
        Penyelesaian           kerja
  3.    Biaya/Tarif            Tidak dipungut biaya

  2.   Jenis Pelayanan  :  Rekomendasi Penelitian
  1.    Persyaratan            Surat pengantar kampus";

    #[test]
    fn aligned_columns_become_cells() {
        let lines: Vec<&str> = TABLE.lines().collect();
        let out = tabulate(&lines);
        assert_eq!(out[0], None, "a heading crossing the column is left alone");
        assert_eq!(out[3].as_deref(), Some("1.\tPersyaratan\t1. Fotokopi KTP;"));
        assert_eq!(out[4].as_deref(), Some("\tPelayanan\t2. Ijazah bidan yang"));
        assert_eq!(out[5].as_deref(), Some("\t\tdilegalisir;"));
        assert_eq!(out[7].as_deref(), Some("\tPenyelesaian\tkerja"));
        assert_eq!(out[8].as_deref(), Some("3.\tBiaya/Tarif\tTidak dipungut biaya"));
        assert_eq!(out[10], None);
        assert_eq!(out[11].as_deref(), Some("1.\tPersyaratan\tSurat pengantar kampus"));
    }

    #[test]
    fn a_scanned_table_with_jittered_columns_becomes_cells() {
        let scan = [
            "NO  KOMPONEN             URAIAN",
            "1.  Persyaratan           1. Surat Pengantar RT/RW;",
            "                               2. Fotokopi KTP-el;",
            "2.  Sistem, Mekanisme   1. Pemohon datang ke loket;",
            "    dan Prosedur             2. Petugas memeriksa berkas;",
            "3.  Jangka Waktu         30 (tiga puluh) menit",
            "4.  Biaya/Tarif              Tidak dipungut biaya",
            ". 5.  Produk Pelayanan         Surat Keterangan Domisili",
            "",
            "           STANDAR PELAYANAN SURAT KETERANGAN KEMATIAN",
        ];
        let out = tabulate(&scan);
        assert_eq!(out[1].as_deref(), Some("1.\tPersyaratan\t1. Surat Pengantar RT/RW;"));
        assert_eq!(out[2].as_deref(), Some("\t\t2. Fotokopi KTP-el;"));
        assert_eq!(
            out[3].as_deref(),
            Some("2.\tSistem, Mekanisme\t1. Pemohon datang ke loket;")
        );
        assert_eq!(out[4].as_deref(), Some("\tdan Prosedur\t2. Petugas memeriksa berkas;"));
        assert_eq!(out[6].as_deref(), Some("4.\tBiaya/Tarif\tTidak dipungut biaya"));
        assert_eq!(
            out[7].as_deref(),
            Some("5.\tProduk Pelayanan\tSurat Keterangan Domisili")
        );
        assert_eq!(out[9], None, "a heading crossing the band ends the table");
    }

    #[test]
    fn label_lines_with_their_colon_stay_text_beside_a_table() {
        let lines = [
            "   Persyaratan :",
            "     * KTP-el dan Kartu Keluarga asli beserta fotokopi",
            "   Biaya : Gratis",
            "",
            "   Persyaratan           1. Fotokopi KTP-el dan KK",
            "   Prosedur              1. Usulan diinput oleh operator desa",
            "   Jangka waktu          14 (empat belas) hari kerja",
            "   Biaya                 Tidak dipungut biaya",
        ];
        let cells = tabulate(&lines);
        assert_eq!(cells[0], None);
        assert_eq!(cells[2], None);
        assert_eq!(cells[4].as_deref(), Some("\tPersyaratan\t1. Fotokopi KTP-el dan KK"));
    }

    #[test]
    fn prose_and_tabbed_decrees_are_left_alone() {
        let prose = ["Menimbang : bahwa dalam rangka", "  meningkatkan  kualitas pelayanan"];
        assert!(tabulate(&prose).iter().all(Option::is_none));
        let tabbed = ["1.\tPersyaratan\tKTP", "2.\tBiaya\tGratis"];
        assert!(tabulate(&tabbed).iter().all(Option::is_none));
    }
}
