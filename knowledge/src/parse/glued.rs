//! Component tables whose cells a text extraction glued together, with no separator at all:
//! BeautifulSoup's `get_text()` of a page's table block gives one line, "NoKomponenUraian1.
//! Persyaratan1. Mengisi formulir;2. Fotokopi KTP2.Sistem, Mekanisme dan Prosedur1. ...".
//!
//! [`split`] finds such a line by its glued header (the column names run together) and writes
//! it out again as the rows it was: the header, then `N.<TAB>label<TAB>value` per row. A row
//! starts where a row number runs straight into a capital ("2.Sistem"), as no list item inside
//! a cell does ("2. Fotokopi"); within a row, a word glued to the next ("TarifSesuai",
//! "Penyelesaian5") is parted before the label is read off ([`super::flattened::split_label`]).
//! Every line written keeps the source line it came from, for citations.

use super::flattened::split_label;
use super::html::Split;

/// Column names of a component table as a glued extraction writes them (letters only,
/// lowercase).
const GLUED_HEADERS: &[&str] = &["nokomponenuraian", "nokomponenketerangan", "nokomponendeskripsi"];

/// The text with every glued table line written out as its rows; `None` when there is none.
pub(crate) fn split(text: &str) -> Option<Split> {
    if !text.split('\n').any(|line| glued_header(line).is_some()) {
        return None;
    }
    let mut lines = Vec::new();
    let mut source_lines = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        let number = index as u32 + 1;
        match glued_header(line) {
            Some(body) => {
                lines.push("No\tKomponen\tUraian".to_owned());
                source_lines.push(number);
                for row in rows(body) {
                    lines.push(row);
                    source_lines.push(number);
                }
            }
            None => {
                lines.push(line.to_owned());
                source_lines.push(number);
            }
        }
    }
    Some(Split {
        text: lines.join("\n"),
        source_lines,
    })
}

/// What follows a glued header opening the line, when it does.
fn glued_header(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let mut letters = String::new();
    for (at, c) in trimmed.char_indices() {
        if c.is_alphabetic() {
            letters.extend(c.to_lowercase());
        } else if !matches!(c, ' ' | '.') {
            return None;
        }
        if GLUED_HEADERS.contains(&letters.as_str()) {
            let rest = &trimmed[at + c.len_utf8()..];
            return rest.starts_with(|c: char| c.is_ascii_digit()).then_some(rest);
        }
        if letters.len() > 24 {
            return None;
        }
    }
    None
}

/// The rows of a glued table body, as `N.<TAB>label<TAB>value`.
fn rows(body: &str) -> Vec<String> {
    let bytes = body.as_bytes();
    // A row number: one or two digits, a dot, a capital; not the tail of a longer number.
    let starts: Vec<usize> = (0..bytes.len())
        .filter(|&at| {
            let digits = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
            (1..=2).contains(&digits)
                && (at == 0 || !bytes[at - 1].is_ascii_digit())
                && bytes.get(at + digits) == Some(&b'.')
                && bytes.get(at + digits + 1).is_some_and(u8::is_ascii_uppercase)
        })
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            let end = starts.get(i + 1).copied().unwrap_or(body.len());
            let row = &body[start..end];
            let (number, rest) = row.split_at(row.find('.').map_or(0, |dot| dot + 1));
            let rest = parted(rest);
            let cells = split_label(&rest).unwrap_or(rest);
            format!("{number}\t{cells}")
        })
        .collect()
}

/// A glued row with its words parted again: a space where a lowercase letter runs into a
/// capital ("TarifSesuai") or a letter into a digit ("Penyelesaian5"), and after a list
/// item's end (";2.").
fn parted(row: &str) -> String {
    let mut out = String::with_capacity(row.len() + 8);
    let mut previous: Option<char> = None;
    for c in row.chars() {
        if let Some(p) = previous
            && (p.is_lowercase() && c.is_uppercase() || p.is_alphabetic() && c.is_ascii_digit() || p == ';' && c != ' ')
        {
            out.push(' ');
        }
        out.push(c);
        previous = Some(c);
    }
    out.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GLUED: &str = "5. Pemeriksaan Sampel di Laboratorium\n\
NoKomponenUraian1.Persyaratan1. Mengisi formulir;2. Fotokopi KTP pemohon.2.Sistem, Mekanisme dan Prosedur1. Pemohon \
menyerahkan sampel;2. Petugas memeriksa.3.Jangka Waktu Penyelesaian5 (lima) hari kerja4.Biaya/TarifSesuai Perda Nomor 3 \
Tahun 2023\nCatatan kaki";

    #[test]
    fn a_glued_table_is_written_out_as_its_rows() {
        let split = split(GLUED).expect("a glued table");
        let lines: Vec<&str> = split.text.lines().collect();
        assert_eq!(lines[0], "5. Pemeriksaan Sampel di Laboratorium");
        assert_eq!(lines[1], "No\tKomponen\tUraian");
        assert_eq!(
            lines[2],
            "1.\tPersyaratan\t1. Mengisi formulir; 2. Fotokopi KTP pemohon."
        );
        assert!(
            lines[3].starts_with("2.\tSistem, Mekanisme dan Prosedur\t1. Pemohon"),
            "{lines:?}"
        );
        assert_eq!(lines[4], "3.\tJangka Waktu Penyelesaian\t5 (lima) hari kerja");
        assert_eq!(lines[5], "4.\tBiaya/Tarif\tSesuai Perda Nomor 3 Tahun 2023");
        assert_eq!(lines[6], "Catatan kaki");
        // Every row cites the source line of the glued table.
        assert_eq!(split.source_lines, [1, 2, 2, 2, 2, 2, 3]);
    }

    #[test]
    fn text_without_a_glued_table_is_left_alone() {
        assert!(split("No\tKomponen\tUraian\n1.\tPersyaratan\tKTP").is_none());
        assert!(split("Nomor komponen 12 uraian").is_none());
    }
}
