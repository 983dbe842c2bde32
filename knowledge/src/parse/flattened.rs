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

use super::labels::{classify, is_header_row, is_label_word, label_words};

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
        if in_block
            && !after_label
            && !line.starts_with([' ', '\t'])
            && let Some(row) = split_label(trimmed)
        {
            out.push((at, row));
        }
    }
    out
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
}
