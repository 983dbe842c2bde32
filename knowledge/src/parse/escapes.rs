//! Undoes the backslash escapes of a decree converted to Markdown (pandoc).
//!
//! Pandoc's Markdown writer escapes punctuation that a Markdown reader would otherwise take as
//! markup: a numbered row `1\.`, a dash `\-`, brackets, asterisks; it ends a hard line break
//! with a lone backslash. Left in, they hide list numbers and labels from every later step
//! ("1\. Persyaratan" is not a numbered label). A decree's own words never put a backslash
//! before punctuation, so the escapes are undone, but only when the text shows several of them
//! (one stray backslash in a plain-text decree is left as written). An escaped pipe `\|` is a
//! pipe inside a table cell, not a column border: it becomes a slash.

/// Escapes a text must show before any is undone.
const SIGNS: usize = 3;

/// The text with Markdown backslash escapes undone, or `None` when it shows none to undo.
pub(crate) fn unescape(text: &str) -> Option<String> {
    let escapes = text
        .as_bytes()
        .windows(2)
        .filter(|pair| pair[0] == b'\\' && escaped(pair[1]))
        .count();
    if escapes < SIGNS {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('|') => {
                chars.next();
                out.push('/');
            }
            Some(next) if next.is_ascii() && escaped(next as u8) => {
                chars.next();
                out.push(next);
            }
            // A hard line break: the line ends here anyway.
            Some('\n' | '\r') | None => {}
            Some(_) => out.push(c),
        }
    }
    Some(out)
}

/// ASCII punctuation Markdown lets a backslash escape.
fn escaped(byte: u8) -> bool {
    byte.is_ascii_punctuation()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pandoc_escapes_and_hard_breaks_are_undone() {
        let text = "| 1\\. | Persyaratan | a\\. KTP<br>b\\. KK \\| salinan |\nJalan Pemuda 148\\\nTelepon \\- (0272)";
        assert_eq!(
            unescape(text).unwrap(),
            "| 1. | Persyaratan | a. KTP<br>b. KK / salinan |\nJalan Pemuda 148\nTelepon - (0272)"
        );
    }

    #[test]
    fn a_stray_backslash_in_plain_text_is_kept() {
        assert_eq!(unescape("Nomor 12\\A Tahun 2024; berkas di D:\\arsip."), None);
        assert_eq!(unescape("tanpa garis miring"), None);
    }
}
