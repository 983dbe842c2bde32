//! Service headings framed by rules, as a decree typed in a plain text editor draws them:
//!
//! ```text
//! ============================================================
//! LAYANAN NO. 2
//! PEMERIKSAAN DAN PENGUJIAN ALAT PEMADAM API RINGAN (APAR)
//! ============================================================
//! ```
//!
//! A short block of capitals between two rule lines is a heading, and in a decree it heads a
//! service: [`framed`] writes it as the "STANDAR PELAYANAN <title>" heading the assembler
//! reads, on the block's first line (the other lines are blanked, so line numbers stay true
//! for citations). A note in lower case under the title ("(untuk persyaratan PBG / SLF)")
//! is no part of it, and neither is the service's number ("LAYANAN NO. 2", dropped with the
//! title's layout by [`super::title`]). A framed block that names a section of components
//! ("KOMPONEN PENGELOLAAN", "I. PENYAMPAIAN PELAYANAN") or a component is no service.

use super::labels::{classify, is_section_marker};

/// Most lines between the two rules of a heading.
const MAX_LINES: usize = 4;
/// Shortest rule line.
const MIN_RULE: usize = 10;

/// The lines to write instead, by index: a framed heading as "STANDAR PELAYANAN <title>" on
/// its first line and its other lines blank. Empty when the text frames no heading.
pub(crate) fn framed(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < lines.len() {
        if !is_rule(lines[at]) {
            at += 1;
            continue;
        }
        let Some(close) = (at + 1..lines.len().min(at + MAX_LINES + 2)).find(|&i| is_rule(lines[i])) else {
            at += 1;
            continue;
        };
        let inner: Vec<usize> = (at + 1..close).filter(|&i| !lines[i].trim().is_empty()).collect();
        let title: Vec<&str> = inner
            .iter()
            .map(|&i| lines[i].trim())
            .take_while(|line| shouting(line))
            .collect();
        let text = title.join(" ");
        let section = text
            .split_whitespace()
            .next()
            .is_some_and(|w| w.eq_ignore_ascii_case("komponen"))
            || is_section_marker(&text)
            || classify(&text).is_some();
        if !title.is_empty() && !section {
            out.push((inner[0], format!("STANDAR PELAYANAN {text}")));
            out.extend(inner[1..].iter().map(|&i| (i, String::new())));
        }
        at = close;
    }
    out
}

/// Headings underlined the way plain-text mail and Markdown write them (setext):
///
/// ```text
/// 1. Pendaftaran Objek Pajak Baru PBB-P2
/// --------------------------------------
/// ```
///
/// A line right under a paragraph break, followed by a line of `=` or `-` about as long as it,
/// is a heading: written as the Markdown heading `# <text>` the assembler reads; the underline
/// is a rule line, which it reads as a break. A table's header underlined cell by cell
/// ("Komponen   Uraian" over "-------   -----") has spaces in its rule: no heading.
pub(crate) fn underlined(lines: &[&str]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for at in 1..lines.len() {
        let (text, rule) = (lines[at - 1].trim(), lines[at].trim());
        let length = |s: &str| s.chars().count();
        let underline = rule.len() >= 3
            && rule.chars().all(|c| c == '=' || c == '-')
            && rule.chars().all(|c| rule.starts_with(c))
            && length(rule) * 10 >= length(text) * 7
            && length(rule) * 10 <= length(text) * 13 + 20;
        let after_break = at < 2 || lines[at - 2].trim().is_empty();
        if underline
            && after_break
            && !text.is_empty()
            && !text.starts_with('#')
            && !text.contains(['\t', '|'])
            && text.chars().any(char::is_alphabetic)
        {
            out.push((at - 1, format!("# {text}")));
        }
    }
    out
}

/// A rule line: one of `=`, `-`, `_`, `*`, `~` repeated.
fn is_rule(line: &str) -> bool {
    let trimmed = line.trim();
    let mut chars = trimmed.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    matches!(first, '=' | '-' | '_' | '*' | '~') && trimmed.len() >= MIN_RULE && chars.all(|c| c == first)
}

/// Mostly capitals (at least four letters in five).
fn shouting(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    letters.len() >= 3 && upper * 5 >= letters.len() * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlined_lines_are_headings_but_underlined_table_headers_are_not() {
        let lines = [
            "",
            "1. Pendaftaran Objek Pajak Baru PBB-P2",
            "--------------------------------------",
            "",
            "Komponen              Uraian",
            "----------            ------",
            "KABAR PAJAK",
            "===========",
        ];
        assert_eq!(
            underlined(&lines),
            [(1, "# 1. Pendaftaran Objek Pajak Baru PBB-P2".to_owned())]
        );
    }

    #[test]
    fn a_block_of_capitals_between_rules_is_a_service_heading() {
        let text = "\
============================================================
LAYANAN NO. 2
PEMERIKSAAN DAN PENGUJIAN APAR
(untuk gedung dan toko)
============================================================

Persyaratan :
------------------------------------------------------------
KOMPONEN PENGELOLAAN (BERLAKU UTK LAYANAN NO. 2 S.D. 10)
------------------------------------------------------------";
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            framed(&lines),
            vec![
                (
                    1,
                    "STANDAR PELAYANAN LAYANAN NO. 2 PEMERIKSAAN DAN PENGUJIAN APAR".to_owned()
                ),
                (2, String::new()),
                (3, String::new()),
            ]
        );
    }

    #[test]
    fn a_table_border_frames_no_heading() {
        let lines = ["----------", "| No | Komponen |", "----------", "Persyaratan"];
        assert!(framed(&lines).is_empty());
    }
}
