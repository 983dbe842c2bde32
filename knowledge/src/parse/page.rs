//! Page furniture of a PDF or Word conversion: page numbers ("- 4 -", "Halaman 4 dari 20")
//! and the running header or footer printed beside them on every page ("Kep. Kadis LH ...
//! ttg Standar Pelayanan"). Left in, they land in the middle of a requirement list or a
//! procedure step; they are blanked before the services are read (line numbers are kept for
//! citations).
//!
//! A running line is recognised by the document itself: the line right above or below a
//! page number that recurs there on most pages (at least two). A line that merely repeats
//! ("Tidak dipungut biaya") is never furniture unless it sits beside a page number.
//!
//! A web page's interactive table copied from the browser brings its controls along: the
//! page-length menu ("Show 10 entries", "Tampilkan 10 entri"), the search box, the export
//! buttons and the pager ("Showing 1 to 10 of 11 entries", "Previous 1 2 Next"). Between two
//! pages of the table they would land in the last cell of the row above; they are furniture
//! too ([`table_controls`]), and so is an icon font's ligature name on a line of its own
//! ("expand_less" beside a collapsible panel's title, [`icon_name`]).

use std::collections::HashMap;

/// Indices of the lines that are page furniture.
pub(crate) fn furniture(lines: &[&str]) -> Vec<usize> {
    let mut out = beside_numbers(lines);
    out.extend(page_heads(lines));
    out.extend((0..lines.len()).filter(|&i| table_controls(lines[i]) || icon_name(lines[i])));
    out.sort_unstable();
    out.dedup();
    out
}

/// Where a conversion marks its page breaks with form feeds (`pdftotext` prints one before a
/// page's first line): a bare number opening a page is its page number, and a line that
/// opens several pages and nothing else is their running head, even when it changes from
/// chapter to chapter ("Layanan 1 - Uji KIR" over every slide of the first service).
fn page_heads(lines: &[&str]) -> Vec<usize> {
    let firsts: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with('\u{c}'))
        .filter_map(|i| (i..lines.len()).find(|&j| !lines[j].trim().is_empty()))
        .collect();
    if firsts.len() < MIN_PAGE_HEADS {
        return Vec::new();
    }
    let text = |i: usize| lines[i].trim_matches(|c: char| c.is_whitespace() || c == '\u{c}');
    let mut at_head: HashMap<&str, usize> = HashMap::new();
    for &i in &firsts {
        *at_head.entry(text(i)).or_default() += 1;
    }
    let mut anywhere: HashMap<&str, usize> = HashMap::new();
    for t in (0..lines.len()).map(text).filter(|t| at_head.contains_key(t)) {
        *anywhere.entry(t).or_default() += 1;
    }
    // Page numbers go up by one from page to page: the bare numbers opening pages at the offset
    // from the page's place that most of them share, or the only one (a leaflet's service
    // badges "01", "03", "05" opening its pages step by two and are no page numbers).
    let offset = |(page, &i): (usize, &usize)| text(i).parse::<i64>().ok().map(|n| n - page as i64);
    let mut offsets: HashMap<i64, usize> = HashMap::new();
    for o in firsts
        .iter()
        .enumerate()
        .filter(|(_, i)| is_bare_number(text(**i)))
        .filter_map(offset)
    {
        *offsets.entry(o).or_default() += 1;
    }
    let single = offsets.len() == 1;
    let numbering = offsets
        .into_iter()
        .filter(|&(_, n)| n >= 2 || single)
        .max_by_key(|&(o, n)| (n, -o))
        .map(|(o, _)| o);
    firsts
        .iter()
        .enumerate()
        .filter(|&(page, &i)| {
            let t = text(i);
            is_bare_number(t) && offset((page, &i)) == numbering
                || at_head[t] >= MIN_PAGE_HEADS && anywhere.get(t) == Some(&at_head[t])
        })
        .map(|(_, &i)| i)
        .collect()
}

/// Fewest pages a running head opens (and fewest form feeds that make pages).
const MIN_PAGE_HEADS: usize = 3;

/// Page numbers and the running lines beside them.
fn beside_numbers(lines: &[&str]) -> Vec<usize> {
    let mut numbers: Vec<usize> = (0..lines.len()).filter(|&i| is_page_number(lines[i])).collect();
    // A bare number ("6") is a page number only beside a running line: the same text next to
    // most bare numbers (`pdftotext` prints "6" under the footer of page 6).
    let bare: Vec<usize> = (0..lines.len())
        .filter(|&i| is_bare_number(lines[i]) && !is_badge(lines, i))
        .collect();
    if bare.len() >= 2 {
        let needed = (bare.len() / 2).max(2);
        let mut beside: HashMap<&str, usize> = HashMap::new();
        for &at in &bare {
            for i in neighbours(lines, at) {
                *beside.entry(lines[i].trim()).or_default() += 1;
            }
        }
        numbers.extend(bare.iter().copied().filter(|&at| {
            neighbours(lines, at)
                .iter()
                .any(|&i| beside.get(lines[i].trim()).is_some_and(|&n| n >= needed) && !is_bare_number(lines[i]))
        }));
        numbers.sort_unstable();
        numbers.dedup();
    }
    if numbers.is_empty() {
        return Vec::new();
    }
    // A running header or footer stands beside most page numbers; one of several lines
    // ("Lampiran Keputusan ..." / "Kabupaten ..." / "Nomor : ...") recurs at the same distance.
    let needed = (numbers.len() / 2).max(2);
    let mut out = numbers.clone();
    for upward in [true, false] {
        let mut frontier: Vec<Option<usize>> = numbers.iter().map(|&at| Some(at)).collect();
        for _ in 0..RUNNING_LINES {
            let next: Vec<Option<usize>> = frontier
                .iter()
                .map(|at| at.and_then(|at| next_non_blank(lines, at, upward)))
                .collect();
            let mut counts: HashMap<&str, usize> = HashMap::new();
            for at in next.iter().flatten() {
                *counts.entry(lines[*at].trim()).or_default() += 1;
            }
            frontier = next
                .into_iter()
                .map(|at| {
                    at.filter(|&at| {
                        let text = lines[at].trim();
                        counts[text] >= needed && !is_page_number(text) && !is_bare_number(text)
                    })
                })
                .collect();
            if frontier.iter().all(Option::is_none) {
                break;
            }
            out.extend(frontier.iter().flatten());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A line that is only an icon font's ligature name, as a page copied from the browser brings
/// it along ("expand_less" beside a collapsible panel's title, "chevron_right" in the
/// breadcrumbs): one lowercase token of words joined by underscores.
fn icon_name(line: &str) -> bool {
    let t = line.trim();
    t.contains('_')
        && !t.starts_with('_')
        && !t.ends_with('_')
        && t.len() <= 32
        && t.chars().all(|c| c.is_ascii_lowercase() || c == '_')
}

/// A line that is one of a web table's controls, in English or Indonesian: "Show 10
/// entries", "Search:", "Showing 1 to 10 of 11 entries", "Menampilkan 1 sampai 10 dari 11
/// entri", "Previous12Next", "Copy CSV Excel PDF Print". Each has a number of entries, a
/// pager word pair or only control words, so a sentence of a decree never is one.
fn table_controls(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    if lower.is_empty() || lower.len() > 80 {
        return false;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let numbers = words.iter().filter(|w| w.chars().all(|c| c.is_ascii_digit())).count();
    // "Show 10 entries" / "Showing 1 to 10 of 11 entries" / "Tampilkan 10 entri" (and the
    // search box after it on the same line).
    let entries = matches!(words.last(), Some(&("entries" | "entri" | "data")))
        || words.iter().any(|w| matches!(*w, "entries" | "entri"));
    let leads = matches!(words.first(), Some(&("show" | "showing" | "tampilkan" | "menampilkan")));
    if leads && entries && numbers >= 1 {
        return true;
    }
    // The pager: "Previous 1 2 Next", "Sebelumnya 1 2 Selanjutnya" (often run together).
    let squeezed: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    if matches!(
        squeezed.as_str(),
        "previousnext" | "prevnext" | "sebelumnyaselanjutnya" | "sebelumnyaberikutnya"
    ) {
        return true;
    }
    // A row of control words only: "Search:", "Cari:", "Copy CSV Excel PDF Print".
    const CONTROLS: &[&str] = &[
        "copy", "csv", "excel", "pdf", "print", "cetak", "salin", "search", "cari",
    ];
    !words.is_empty()
        && numbers == 0
        && words.iter().all(|w| CONTROLS.contains(w))
        && (words.len() >= 3 || lower.ends_with(':'))
}

/// Most lines a running header or footer block has on one side of the page number.
const RUNNING_LINES: usize = 4;

/// The nearest non-blank line above (or below) `at`.
fn next_non_blank(lines: &[&str], at: usize, upward: bool) -> Option<usize> {
    let non_blank = |i: &usize| !lines[*i].trim().is_empty();
    if upward {
        (0..at).rev().find(non_blank)
    } else {
        (at + 1..lines.len()).find(non_blank)
    }
}

/// A bare number over a heading in capitals that the document prints once: a leaflet's
/// badge numbering its service ("01" over "PENERBITAN KTP-el BARU"), not a page number (a
/// page's number stands beside running lines, which recur).
fn is_badge(lines: &[&str], at: usize) -> bool {
    let Some(below) = next_non_blank(lines, at, false) else {
        return false;
    };
    let heading = lines[below].trim();
    let letters = heading.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = heading.chars().filter(|c| c.is_uppercase()).count();
    letters >= 3 && capitals * 5 >= letters * 4 && lines.iter().filter(|l| l.trim() == heading).count() == 1
}

/// A line holding only a number of one to three digits.
fn is_bare_number(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && t.len() <= 3 && t.chars().all(|c| c.is_ascii_digit())
}

/// The nearest non-blank line above and below `at`.
fn neighbours(lines: &[&str], at: usize) -> Vec<usize> {
    next_non_blank(lines, at, true)
        .into_iter()
        .chain(next_non_blank(lines, at, false))
        .collect()
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
    fn a_web_tables_controls_are_furniture() {
        for line in [
            "Show 10 entries\tSearch:",
            "Showing 1 to 10 of 11 entries",
            "Menampilkan 1 sampai 10 dari 11 entri",
            "Previous12Next",
            "Sebelumnya 1 2 Selanjutnya",
            "Copy\tCSV\tExcel\tPDF\tPrint",
            "Cari:",
        ] {
            assert!(table_controls(line), "{line}");
        }
        for line in [
            "Biaya: Gratis",
            "Cetak ulang kartu kehilangan",
            "Menampilkan data pemohon di layar loket",
            "PDF",
            "1. Pemohon mengisi formulir secara online (dapat dicetak/print sendiri)",
        ] {
            assert!(!table_controls(line), "{line}");
        }
        let lines = [
            "1\tUji\tKTP",
            "Showing 1 to 10 of 11 entries",
            "Previous12Next",
            "2\tTera\tKK",
        ];
        assert_eq!(furniture(&lines), vec![1, 2]);
    }

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
    fn heads_of_pages_after_form_feeds_are_furniture() {
        let lines = [
            "\u{c}Layanan 1 - Uji KIR",
            "PERSYARATAN",
            "Fotokopi STNK",
            "\u{c}Layanan 1 - Uji KIR",
            "BIAYA",
            "Rp 60.000",
            "\u{c}7",
            "STANDAR PELAYANAN 2",
            "\u{c}Layanan 2 - Kartu Uji",
            "PERSYARATAN",
            "\u{c}Layanan 1 - Uji KIR",
            "PRODUK",
        ];
        // "Layanan 1" opens three pages and stands nowhere else; "Layanan 2" opens one.
        assert_eq!(furniture(&lines), vec![0, 3, 6, 10]);
        // A line that opens pages but also stands in the text is content.
        let mut with_text = lines.to_vec();
        with_text.push("Layanan 1 - Uji KIR");
        assert_eq!(furniture(&with_text), vec![6]);
    }

    #[test]
    fn badges_numbering_a_leaflets_services_are_no_page_numbers() {
        let lines = [
            "\u{c}01",
            "KARTU KELUARGA",
            "PERSYARATAN",
            "\u{c}03",
            "AKTA KELAHIRAN",
            "PERSYARATAN",
            "\u{c}05",
            "AKTA KEMATIAN",
            "PERSYARATAN",
        ];
        assert!(furniture(&lines).is_empty());
        let numbered = ["\u{c}2", "PERSYARATAN", "\u{c}3", "BIAYA", "\u{c}4", "PRODUK"];
        assert_eq!(furniture(&numbered), vec![0, 2, 4]);
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
