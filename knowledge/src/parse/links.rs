//! Removes the link markers of a web page dumped by a text browser.
//!
//! `lynx -dump` and `w3m -dump` print every link with its number in brackets before its text
//! ("[12]Beranda", "[36]▶ 5. Surat Izin Praktik") and list the addresses at the end under
//! "References" (lynx) or a similar heading, one numbered URL per line. The numbers hide what a
//! line starts with (a heading's own number, a label) and the list is page furniture. When a
//! text shows many such markers, they are removed and the address lines blanked; a decree that
//! cites "[1]" once keeps it. Lines are edited in place, so line numbers stay true.

/// Link markers a text must show before any is removed.
const MIN_MARKERS: usize = 5;

/// The text without link markers and address lines, or `None` when it shows too few markers.
pub(crate) fn strip(text: &str) -> Option<String> {
    let markers = text.lines().map(|line| marker_spans(line).len()).sum::<usize>();
    if markers < MIN_MARKERS {
        return None;
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            if is_address_line(line) {
                return String::new();
            }
            let mut out = String::with_capacity(line.len());
            let mut from = 0;
            for (start, end) in marker_spans(line) {
                out.push_str(&line[from..start]);
                from = end;
            }
            out.push_str(&line[from..]);
            out
        })
        .collect();
    Some(lines.join("\n"))
}

/// Byte spans of "[n]" markers (one to four digits) that stand before a word or a picture,
/// not after a space-separated number list ("pasal [2]" is rare in decrees, "[12]Beranda" is
/// how browsers mark links).
fn marker_spans(line: &str) -> Vec<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' {
            let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
            let close = i + 1 + digits;
            if (1..=4).contains(&digits)
                && bytes.get(close) == Some(&b']')
                && bytes.get(close + 1).is_some_and(|b| !b.is_ascii_whitespace())
            {
                spans.push((i, close + 1));
                i = close + 1;
                continue;
            }
        }
        i += 1;
    }
    spans
}

/// "  12. https://dinas.example.go.id/layanan" in the address list at a dump's end.
fn is_address_line(line: &str) -> bool {
    let trimmed = line.trim();
    let Some((number, rest)) = trimmed.split_once(". ") else {
        return false;
    };
    !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
        && !rest.contains(' ')
        && (rest.starts_with("http://") || rest.starts_with("https://") || rest.starts_with("mailto:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_markers_and_addresses_of_a_dump_go() {
        let text = "[1]Beranda | [2]Profil | [3]Layanan\n\n[4]▶ 1. Izin Reklame\nSyarat: [5]formulir\n\nReferences\n\n   1. https://example.go.id/\n   2. https://example.go.id/profil";
        let plain = strip(text).unwrap();
        assert_eq!(
            plain,
            "Beranda | Profil | Layanan\n\n▶ 1. Izin Reklame\nSyarat: formulir\n\nReferences\n\n\n"
        );
        assert_eq!(plain.split('\n').count(), text.split('\n').count());
    }

    #[test]
    fn a_decree_citing_a_bracket_keeps_it() {
        assert!(strip("Pasal 5 ayat [1]huruf a\nPERSYARATAN").is_none());
    }
}
