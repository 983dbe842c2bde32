//! Label and value columns a PDF text extractor read one after the other: pdfminer (and the
//! tools built on it, `pdf2txt.py`, MarkItDown) prints a borderless two-column block as its
//! left column, then its right one:
//!
//! ```text
//! Nama Layanan
//! Unit Layanan
//!
//! : Pelayanan Permohonan Informasi Publik
//! : PPID Utama / Bidang Informasi dan Komunikasi Publik
//! ```
//!
//! [`pairs`] finds a run of two or more label lines (or the service's name label alone)
//! followed (blank lines apart) by at least as many lines opening with a colon, and gives each value line back its label ("Nama Layanan :
//! Pelayanan Permohonan Informasi Publik"); the label lines are emptied. A value's wrapped
//! continuation stays where it is, under its value. A bare "STANDAR PELAYANAN" heading printed
//! right after a block naming the service goes back above it.

use super::labels::{is_service_name_label, reads_as_label};

/// How far after a name block its misplaced standard heading may be, in lines.
const HEADING_REACH: usize = 8;

/// The lines to rewrite, by index: each value line with its label, each label line emptied.
pub(crate) fn pairs(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        let labels: Vec<usize> = (at..lines.len()).take_while(|&i| is_label_line(lines[i])).collect();
        // One label alone is a table's label cell, its value on the next lines; the service's
        // name label is paired even alone ("Nama Layanan" / "" / ": Pemasangan ...").
        let named = labels.len() == 1 && is_service_name_label(lines[at]);
        if labels.len() < 2 && !named {
            at += 1;
            continue;
        }
        let mut next = at + labels.len();
        while next < lines.len() && lines[next].trim().is_empty() {
            next += 1;
        }
        let values: Vec<usize> = (next..lines.len())
            .take_while(|&i| lines[i].trim_start().starts_with(':'))
            .take(labels.len())
            .collect();
        if values.len() < labels.len() {
            at += labels.len();
            continue;
        }
        for (&label, &value) in labels.iter().zip(&values) {
            out.push((value, format!("{} {}", lines[label].trim(), lines[value].trim())));
            out.push((label, String::new()));
        }
        at = values[values.len() - 1] + 1;
        // The bare "STANDAR PELAYANAN" heading over a service's name block, printed after it:
        // it goes back above the block, so the block is the service it opens.
        // Within the few lines the rest of the block takes ("Unit Layanan" / ": ..." / a
        // wrapped word of the name).
        let heading = (at..lines.len().min(at + HEADING_REACH))
            .find(|&i| lines[i].trim().eq_ignore_ascii_case("standar pelayanan"));
        if labels.iter().any(|&i| is_service_name_label(lines[i]))
            && let Some(heading) = heading
        {
            out.push((labels[0], lines[heading].trim().to_owned()));
            out.push((heading, String::new()));
            at = heading + 1;
        }
    }
    out
}

/// A line that is a label alone: no colon, and a service-name label ("Nama Layanan") or
/// mostly label words ("Unit Layanan", "Waktu Layanan").
fn is_label_line(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && !line.contains(':')
        && line.split_whitespace().count() <= 4
        && (is_service_name_label(line) || reads_as_label(line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_column_read_before_its_values_is_paired_again() {
        let lines = [
            "STANDAR PELAYANAN",
            "",
            "Nama Layanan",
            "Unit Layanan",
            "",
            ": Pelayanan Permohonan Informasi Publik",
            ": PPID Utama",
            "(kecuali hari libur)",
        ];
        let rewritten = pairs(&lines);
        assert!(rewritten.contains(&(5, "Nama Layanan : Pelayanan Permohonan Informasi Publik".to_owned())));
        assert!(rewritten.contains(&(6, "Unit Layanan : PPID Utama".to_owned())));
        assert!(rewritten.contains(&(2, String::new())) && rewritten.contains(&(3, String::new())));
        assert_eq!(rewritten.len(), 4);
    }

    #[test]
    fn a_standard_heading_printed_after_the_name_block_goes_back_above_it() {
        let lines = [
            "Nama Layanan",
            "Unit Layanan",
            "",
            ": A",
            ": B",
            "",
            "STANDAR PELAYANAN",
            "NO",
        ];
        let rewritten = pairs(&lines);
        let at = |i: usize| rewritten.iter().rev().find(|(at, _)| *at == i).map(|(_, l)| l.as_str());
        assert_eq!(at(0), Some("STANDAR PELAYANAN"));
        assert_eq!(at(6), Some(""));
        assert_eq!(at(3), Some("Nama Layanan : A"));
    }

    #[test]
    fn labels_with_their_values_or_without_colon_lines_stay() {
        assert!(pairs(&["Nama Layanan : A", "Unit Layanan : B"]).is_empty());
        // Fewer values than labels: no pairing can be trusted.
        assert!(pairs(&["Nama Layanan", "Unit Layanan", ": A", "Persyaratan"]).is_empty());
        // One label alone is a table's label cell, its value on the next lines.
        assert!(pairs(&["Persyaratan", ": KTP"]).is_empty());
        // The service's name label is paired even alone.
        assert!(pairs(&["Nama Layanan", "", ": Uji KIR"]).contains(&(2, "Nama Layanan : Uji KIR".to_owned())));
    }
}
