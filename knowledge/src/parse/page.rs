//! Page furniture of a PDF or Word conversion: page numbers ("- 4 -", "Halaman 4 dari 20")
//! and the running header or footer printed beside them on every page ("Kep. Kadis LH ...
//! ttg Standar Pelayanan"). Left in, they land in the middle of a requirement list or a
//! procedure step; they are blanked before the services are read (line numbers are kept for
//! citations).
//!
//! A running line is recognised by the document itself: the line right above or below a
//! page number that recurs there on most pages (at least two). A line that merely repeats
//! ("Tidak dipungut biaya") is never furniture unless it sits beside a page number.

use std::collections::HashMap;

/// Indices of the lines that are page furniture.
pub(crate) fn furniture(lines: &[&str]) -> Vec<usize> {
    let numbers: Vec<usize> = (0..lines.len()).filter(|&i| is_page_number(lines[i])).collect();
    if numbers.is_empty() {
        return Vec::new();
    }
    // The nearest non-blank line on each side of every page number.
    let mut beside: HashMap<&str, Vec<usize>> = HashMap::new();
    for &at in &numbers {
        for at in neighbours(lines, at) {
            beside.entry(lines[at].trim()).or_default().push(at);
        }
    }
    // A running header or footer stands beside most page numbers.
    let needed = (numbers.len() / 2).max(2);
    let mut out = numbers;
    for (text, places) in beside {
        if places.len() >= needed && !is_page_number(text) {
            out.extend(places);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The nearest non-blank line above and below `at`.
fn neighbours(lines: &[&str], at: usize) -> Vec<usize> {
    let non_blank = |i: &usize| !lines[*i].trim().is_empty();
    let above = (0..at).rev().find(non_blank);
    let below = (at + 1..lines.len()).find(non_blank);
    above.into_iter().chain(below).collect()
}

/// "- 4 -", "-4-", "Halaman 4", "Hal. 4 dari 20", "4 / 20".
fn is_page_number(line: &str) -> bool {
    let text = line.trim().to_lowercase();
    if text.is_empty() || text.len() > 24 {
        return false;
    }
    let digits_only = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if let Some(inner) = text.strip_prefix('-').and_then(|t| t.strip_suffix('-')) {
        return digits_only(inner.trim());
    }
    for lead in ["halaman", "hal.", "hal"] {
        if let Some(rest) = text.strip_prefix(lead) {
            let mut words = rest.split_whitespace();
            let first = words.next().unwrap_or("");
            return digits_only(first)
                && match (words.next(), words.next(), words.next()) {
                    (None, ..) => true,
                    (Some("dari" | "/"), Some(total), None) => digits_only(total),
                    _ => false,
                };
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        assert!(is_page_number("                 - 12 -"));
        assert!(is_page_number("-3-"));
        assert!(is_page_number("Halaman 4 dari 20"));
        assert!(is_page_number("Hal. 7"));
        assert!(!is_page_number("- KTP asli"));
        assert!(!is_page_number("3 (tiga) hari kerja"));
        assert!(!is_page_number("Halaman depan kantor"));
    }

    #[test]
    fn running_footers_beside_page_numbers_are_furniture() {
        let lines = [
            "1) Surat permohonan;",
            "",
            "Kep. Kadis No. 1/2025 ttg Standar Pelayanan",
            "                - 2 -",
            "",
            "2) Salinan KTP;",
            "Tidak dipungut biaya.",
            "Kep. Kadis No. 1/2025 ttg Standar Pelayanan",
            "                - 3 -",
            "3) Surat kuasa.",
            "Tidak dipungut biaya.",
        ];
        assert_eq!(furniture(&lines), vec![2, 3, 7, 8]);
    }

    #[test]
    fn a_document_without_page_numbers_has_no_furniture() {
        let lines = [
            "Tidak dipungut biaya.",
            "Tidak dipungut biaya.",
            "Tidak dipungut biaya.",
        ];
        assert!(furniture(&lines).is_empty());
    }
}
