//! A component table whose values a PDF text extractor printed as one stream, away from their
//! labels. pdfminer (and the tools built on it, `pdf2txt.py`, MarkItDown) reads a bordered
//! table by text boxes: a few label cells, then the description column's lists and sentences
//! one after the other, then the next label cells, so most labels are left with nothing and
//! one holds the values of several:
//!
//! ```text
//! 1.  Persyaratan Pelayanan
//! 2.  Sistem, Mekanisme, dan Prosedur
//! 1. Mengisi formulir permohonan ...;
//! 2. Fotokopi KTP pemohon.
//! 1. Pemohon mengajukan permohonan ...;
//! 2. Petugas meregister permohonan.
//! Paling lama 10 (sepuluh) hari kerja sejak permohonan diterima.
//! Tidak dipungut biaya.
//! 3.  Jangka Waktu Pelayanan
//! 4.  Biaya/Tarif
//! ```
//!
//! [`realign`] pools a service's component values in order and cuts the pool where one value
//! ends and the next begins, the way a decree writes values: a list whose numbering starts
//! again at 1 or "a", a sentence after a list's last item or after a sentence that ends with a
//! full stop. The pieces go to the labels in their order. Only a service most of whose labels
//! hold nothing is read so; the table's header words and the number column's bare numbers are
//! left out.

use super::labels::{is_header_row, reads_as_label};
use super::services::RawService;

/// Fewest labels of what a citizen asks holding nothing before a service's values are read as
/// one stream.
const FEWEST_EMPTY: usize = 3;

/// Width from which a line wider than twice the stream's usual line is the page's, not a
/// cell's.
const PAGE_WIDE: usize = 100;

/// Fewest words of a line in capitals that heads a page.
const RUNNING_HEAD_WORDS: usize = 4;

/// Most words of a label cell's wrapped line ("Prosedur", "Keselamatan Pelayanan").
const LABEL_LINE_WORDS: usize = 5;

/// Reads every service whose labels mostly hold nothing as a table printed as a stream:
/// the values from its first empty label to its end (`lines`, numbered from 1) are cut into
/// values and given to that label and the ones after it, in order.
pub(crate) fn realign(lines: &[&str], services: &mut [RawService]) {
    let line = |n: u32| lines.get((n as usize).wrapping_sub(1)).copied().unwrap_or("");
    for service in services {
        let components = &mut service.components;
        let holds = |c: &super::services::RawComponent| c.raw.lines().any(is_value_line);
        // What a citizen asks (requirements to legal basis): a stream leaves most of these
        // labels empty, a table that merely lacks a management row does not.
        let delivery: Vec<bool> = components
            .iter()
            .filter(|c| c.kind.delivers())
            .map(|c| !holds(c))
            .collect();
        let empty = delivery.iter().filter(|e| **e).count();
        if empty < FEWEST_EMPTY || 2 * empty < delivery.len() {
            continue;
        }
        let Some(first) = components.iter().position(|c| !holds(c)) else {
            continue;
        };
        let labels: Vec<u32> = components.iter().map(|c| c.lines.start).collect();
        // The label before the first empty one holds the start of the stream: its list may
        // go on in it ("1. Surat permohonan" beside its label, "2. ..." among the values).
        let start = first.saturating_sub(1);
        let before = if start < first {
            components[start].raw.clone()
        } else {
            String::new()
        };
        let mut pool: Vec<&str> = before.lines().map(str::trim).filter(|l| is_value_line(l)).collect();
        for n in (labels[first]..=service.lines.end).filter(|n| !labels.contains(n)) {
            let value = line(n).trim();
            if is_value_line(value) {
                pool.push(value);
            }
        }
        // A cell's lines wrap at the column's width: a line far wider is the page's, printed
        // across it ("Dokumen ini telah ditandatangani secara elektronik ...").
        let mut widths: Vec<usize> = pool.iter().map(|l| l.chars().count()).collect();
        widths.sort_unstable();
        let usual = widths.get(widths.len() / 2).copied().unwrap_or(0);
        pool.retain(|l| {
            let width = l.chars().count();
            width < PAGE_WIDE || width <= 2 * usual
        });
        let pieces = pieces(&pool);
        let streamed = &mut components[start..];
        // A stream gives more values than its labels hold now.
        if pieces.len() <= streamed.iter().filter(|c| holds(c)).count() {
            continue;
        }
        let count = streamed.len();
        let mut texts: Vec<String> = vec![String::new(); count];
        for (at, piece) in pieces.into_iter().enumerate() {
            let text = &mut texts[at.min(count - 1)];
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&piece.join("\n"));
        }
        for (component, text) in streamed.iter_mut().zip(texts) {
            component.raw = text;
        }
    }
}

/// Whether a line is a value's: not blank, not the table's header words, not the number
/// column's bare numbers ("3.", "11."), not a label cell's wrapped words ("Prosedur"), not a
/// page's running head in capitals.
fn is_value_line(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && !is_header_row(&[line])
        && !line.eq_ignore_ascii_case("no")
        && !is_roman_numeral(line)
        && marker(line).is_none_or(|(_, rest)| !rest.trim().is_empty())
        && !is_running_head(line)
        && !(reads_as_label(line) && line.split_whitespace().count() <= LABEL_LINE_WORDS && !line.ends_with(['.', ';']))
}

/// Whether a line is a bare roman numeral ("II"), a part of the table numbered.
fn is_roman_numeral(line: &str) -> bool {
    line.len() <= 4 && line.trim_end_matches('.').chars().all(|c| matches!(c, 'I' | 'V' | 'X'))
}

/// Whether a line is written in capitals only, four words or more: an office's name heading a
/// page the table runs on to, not a value.
fn is_running_head(line: &str) -> bool {
    !line.chars().any(char::is_lowercase)
        && line
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= RUNNING_HEAD_WORDS
}

/// The pool cut into values.
fn pieces<'a>(pool: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut pieces: Vec<Vec<&str>> = Vec::new();
    // The last list marker of the current piece, and whether the line before ended a
    // sentence or a list item.
    let mut last: Option<Marker> = None;
    let mut ended = true;
    let mut leads_in = false;
    for &line in pool {
        let starts = match marker(line) {
            Some((m, _)) => {
                let goes_on = last.is_some_and(|l| l.followed_by(m));
                last = Some(m);
                !goes_on && !leads_in && (m.first() || ended)
            }
            // A line after an item or a sentence that ended is the next value; after a
            // wrapped item or sentence it goes on.
            None => {
                if ended {
                    last = None;
                }
                ended && !leads_in
            }
        };
        if starts || pieces.is_empty() {
            pieces.push(Vec::new());
        }
        if let Some(piece) = pieces.last_mut() {
            piece.push(line);
        }
        ended = line.ends_with('.') || line.ends_with(';') && last.is_some();
        // An introduction ("Keterangan:", "dapat disampaikan melalui:") leads into what follows.
        leads_in = line.ends_with(':');
    }
    pieces
}

/// A list marker: a number or a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Number(u32),
    Letter(u8),
}

impl Marker {
    /// Whether a list starts with this marker.
    fn first(self) -> bool {
        matches!(self, Marker::Number(1) | Marker::Letter(b'a'))
    }

    /// Whether `next` is the marker after this one in the same list.
    fn followed_by(self, next: Marker) -> bool {
        match (self, next) {
            (Marker::Number(a), Marker::Number(b)) => b == a + 1,
            (Marker::Letter(a), Marker::Letter(b)) => b == a + 1,
            _ => false,
        }
    }
}

/// A line's list marker ("2.", "b.", "3)") and the rest of the line.
fn marker(line: &str) -> Option<(Marker, &str)> {
    let (head, rest) = line.split_once(['.', ')'])?;
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    if let Ok(n) = head.parse::<u32>()
        && (1..=40).contains(&n)
    {
        return Some((Marker::Number(n), rest));
    }
    match head.as_bytes() {
        [b] if b.is_ascii_lowercase() => Some((Marker::Letter(*b), rest)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_cut_where_lists_start_again_and_sentences_end() {
        let pool = [
            "1. Mengisi formulir permohonan (di meja",
            "layanan PPID);",
            "2. Fotokopi KTP pemohon.",
            "Keterangan:",
            "1. Pemohon mengajukan permohonan;",
            "2. Petugas meregister permohonan.",
            "Paling lama 10 (sepuluh) hari kerja sejak",
            "permohonan diterima.",
            "Tidak dipungut biaya. Biaya penggandaan",
            "ditanggung pemohon.",
            "a. Meja Layanan PPID;",
            "b. Datang langsung ke Ruang Layanan Pengaduan",
            "Jl. Datuk Bandaro Nomor 12;",
            "c. Telepon (0746) 21 408.",
        ];
        let pieces = pieces(&pool);
        let firsts: Vec<&str> = pieces.iter().map(|p| p[0]).collect();
        assert_eq!(
            firsts,
            [
                "1. Mengisi formulir permohonan (di meja",
                "Keterangan:",
                "Paling lama 10 (sepuluh) hari kerja sejak",
                "Tidak dipungut biaya. Biaya penggandaan",
                "a. Meja Layanan PPID;",
            ]
        );
        assert_eq!(pieces[4].len(), 4, "a wrapped item goes on: {pieces:?}");
    }

    #[test]
    fn a_list_that_goes_on_stays_one_value() {
        let pieces = pieces(&["2. Keterangan lokasi;", "3. Laporan gangguan.", "1. Pemohon datang;"]);
        assert_eq!(pieces.len(), 2);
    }

    #[test]
    fn header_words_bare_numbers_and_wrapped_labels_are_no_values() {
        let values: Vec<&str> = "URAIAN\n\n3.\n4.\nProsedur\nTidak dipungut biaya.\nNO"
            .lines()
            .filter(|l| is_value_line(l))
            .collect();
        assert_eq!(values, ["Tidak dipungut biaya."]);
    }
}
