//! Component tables flattened to text with single spaces: the plain-text part a mail program
//! writes for an HTML newsletter, or a table copied out of a page, where "Jangka Waktu | 10
//! menit" became "Jangka Waktu 10 menit" under a "Komponen Uraian" header line.
//!
//! [`rows`] finds such blocks (a header line whose words are a component table's column names,
//! down to the next blank line) and gives each line that opens with a component's label and
//! goes on with its value as the two cells they were (`label <TAB> value`). A label is the
//! longest run of words of the labels' vocabulary that reads as a component ("Biaya/Tarif",
//! "Sistem, Mekanisme dan Prosedur"); the first word outside it starts the value. Indented
//! lines (a list under the label) and lines that are a label alone stay as they are. The
//! assembler splits a numbered row's single cell the same way ([`split_label`]): "1. |
//! Persyaratan 1. Fotokopi KTP", an OCR reading that lost the border between label and value.
//! A numbered line keeps its number as a cell ("1. Persyaratan Pasien umum:", a PDF viewer's
//! copy joining a row's cells with single spaces), unless its "label" is one word for the
//! people who serve, as a step of a list opens ("2. Petugas memverifikasi ...").

use super::labels::{classify, is_header_row, is_label_word, label_words};
use crate::document::ComponentKind;

/// The lines to rewrite as `label <TAB> value`, by index.
pub(crate) fn rows(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    // A label alone on its line: the next line is its value, whatever words it opens with.
    let mut value_next = false;
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            in_block = false;
            continue;
        }
        let alone = label_words(trimmed).iter().all(|w| is_label_word(w)) && classify(trimmed).is_some();
        let after_label = std::mem::replace(&mut value_next, alone);
        if !line.contains('\t') && !line.contains('|') {
            let words: Vec<&str> = trimmed.split_whitespace().collect();
            if words.len() >= 2 && is_header_row(&words) {
                in_block = true;
                continue;
            }
        }
        if in_block && !after_label && !line.starts_with([' ', '\t']) {
            // A numbered row keeps its number as a cell of its own ("1. Persyaratan Pasien
            // umum:", a PDF viewer's copy of a table joining the cells of a line with single
            // spaces; cells set apart by runs of spaces are columns, read as such).
            let (number, rest) = match trimmed.split_once(' ') {
                Some((number, rest)) if is_row_number(number) && !rest.contains("  ") => (Some(number), rest),
                _ => (None, trimmed),
            };
            if let Some(row) = split_label(rest) {
                match number {
                    // A step of a numbered list opens with its actor ("2. Petugas DPMPTSP
                    // memverifikasi ..."): a one-word label must be a component's own noun.
                    Some(number) if names_a_component(row.split('\t').next().unwrap_or("")) => {
                        out.push((at, format!("{number}\t{row}")));
                    }
                    Some(_) => {}
                    None => out.push((at, row)),
                }
            }
        }
    }
    out
}

/// Whether a label names a component on its own: two words or more ("Jangka Waktu",
/// "Biaya/Tarif"), or one of the nouns a component is called by ("Persyaratan"), not a
/// word for the people who serve ("Petugas").
fn names_a_component(label: &str) -> bool {
    label_words(label).len() >= 2
        || classify(label).is_some_and(|kind| {
            matches!(
                kind,
                ComponentKind::Requirements
                    | ComponentKind::Procedure
                    | ComponentKind::Duration
                    | ComponentKind::Fee
                    | ComponentKind::Product
                    | ComponentKind::LegalBasis
            )
        })
}

/// A row's number: "1.", "12.".
fn is_row_number(token: &str) -> bool {
    token
        .strip_suffix('.')
        .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()))
}

/// "Jangka Waktu 10 (sepuluh) menit" -> "Jangka Waktu\t10 (sepuluh) menit".
pub(crate) fn split_label(line: &str) -> Option<String> {
    let mut end = 0;
    for token in line.split_whitespace() {
        let words = label_words(token);
        if words.is_empty() || !words.iter().all(|w| is_label_word(w)) {
            break;
        }
        end = token.as_ptr() as usize - line.as_ptr() as usize + token.len();
    }
    let (label, value) = line.split_at(end);
    let value = value.trim();
    // A sentence going on in lowercase ("Pengaduan, saran dan masukan dapat disampaikan") is
    // no label before its value.
    let starts_lower = value.chars().next().is_some_and(char::is_lowercase);
    (!label.is_empty() && !value.is_empty() && !starts_lower && classify(label).is_some())
        .then(|| format!("{label}\t{value}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_run_into_their_values_under_a_header_line_are_split() {
        let lines = [
            "Pendaftaran Anggota",
            "Komponen Uraian",
            "Persyaratan ",
            "    1. KTP asli",
            "Jangka Waktu 10 (sepuluh) menit",
            "Biaya/Tarif Gratis",
            "Sistem, Mekanisme dan Prosedur Daftar di loket",
            "Penanganan Pengaduan",
            "Retribusi Penggunaan Tenaga Kerja Asing US$ 100",
            "Pengaduan, saran dan masukan dapat disampaikan melalui WA",
            "",
            "Biaya pendaftaran dibayar di loket",
        ];
        let rows = rows(&lines);
        assert_eq!(
            rows,
            [
                (4, "Jangka Waktu\t10 (sepuluh) menit".to_owned()),
                (5, "Biaya/Tarif\tGratis".to_owned()),
                (6, "Sistem, Mekanisme dan Prosedur\tDaftar di loket".to_owned()),
            ],
            "a label's value under it, a sentence in lowercase and a line after the block are no rows"
        );
    }

    #[test]
    fn numbered_rows_keep_their_number_and_list_steps_stay_text() {
        // A PDF viewer's copy: the cells of a row joined by single spaces, no blank lines.
        let lines = [
            "NO KOMPONEN URAIAN",
            "1. Persyaratan Pasien umum:",
            "2. Petugas DPMPTSP memverifikasi kelengkapan dokumen",
            "3. Jangka Waktu 60 menit",
            "4.  Biaya/Tarif      Gratis",
        ];
        assert_eq!(
            rows(&lines),
            [
                (1, "1.\tPersyaratan\tPasien umum:".to_owned()),
                (3, "3.\tJangka Waktu\t60 menit".to_owned()),
            ],
            "a step opening with its actor and columns set apart by spaces stay as they are"
        );
    }
}
