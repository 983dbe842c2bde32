//! Invisible formatting characters that can disguise text: bidirectional overrides and isolates
//! and zero-width characters. Every citizen and officer text type strips them in its `parse`, so
//! nobody can make a ticket number or an agency's name read differently in a chat (for example
//! `LKT-` + U+202E + `DQX9` shown reversed) or hide words from a search.
//!
//! Stripped: U+202A..U+202E (embeddings and overrides), U+2066..U+2069 (isolates), U+200E,
//! U+200F and U+061C (direction marks), U+200B..U+200D (zero-width space, non-joiner, joiner),
//! U+2060 (word joiner) and U+FEFF (zero-width no-break space / byte-order mark). Removing the
//! zero-width joiner splits a composed emoji into its parts; nothing an officer must read is lost.

use std::borrow::Cow;

/// Whether `c` is one of the invisible formatting characters listed in the module docs.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{2060}'
            | '\u{FEFF}'
    )
}

/// `raw` without invisible formatting characters (borrowed when there were none).
pub fn strip_invisible(raw: &str) -> Cow<'_, str> {
    if raw.chars().any(is_invisible) {
        Cow::Owned(raw.chars().filter(|c| !is_invisible(*c)).collect())
    } else {
        Cow::Borrowed(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_character_is_stripped() {
        let listed = ('\u{202A}'..='\u{202E}')
            .chain('\u{2066}'..='\u{2069}')
            .chain('\u{200B}'..='\u{200D}')
            .chain(['\u{2060}', '\u{FEFF}', '\u{200E}', '\u{200F}', '\u{061C}']);
        for c in listed {
            let text = format!("LKT-{c}7K2M");
            assert_eq!(strip_invisible(&text), "LKT-7K2M", "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in ["Jalan rusak di Desa Beji", "Café é ñ 日本 👍", "", "baris\nbaru\ttab"] {
            assert!(matches!(strip_invisible(text), Cow::Borrowed(t) if t == text));
        }
    }

    /// Regression: a ticket number reversed by a right-to-left override read like another one.
    #[test]
    fn ticket_spoofing_by_override_is_undone() {
        let spoofed = "Nomor LKT-\u{202E}DXQ9-M2K7\u{202C} sudah selesai";
        assert_eq!(strip_invisible(spoofed), "Nomor LKT-DXQ9-M2K7 sudah selesai");
    }
}
