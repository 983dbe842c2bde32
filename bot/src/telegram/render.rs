//! Rendering for Telegram: plain text -> HTML parse mode, split into messages that fit.
//!
//! An [`Answer`] becomes the very text the console prints (`loket chat`), escaped for HTML
//! (`<`, `>`, `&`), with the heading of an answered question in bold and the citation line in
//! italics at the end. Telegram refuses messages over 4096 characters, so long answers are split
//! on line boundaries; every entity (`<b>`, `<i>`) lives inside one line, so a split never cuts
//! one open. Length is counted in UTF-16 code units of the HTML source, which is never less than
//! what Telegram counts after parsing the entities.

#[cfg(test)]
use loket_knowledge::answer::AnswerStatus;
use loket_knowledge::answer::{Answer, Engine};

/// Telegram's limit for one message's text.
pub(crate) const MAX_MESSAGE: usize = 4096;

/// Escapes the three characters HTML parse mode gives meaning to.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

fn units(text: &str) -> usize {
    text.encode_utf16().count()
}

/// One line of a message, with the entity wrapping it (if any).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Style {
    Plain,
    Bold,
    Italic,
}

impl Style {
    fn tags(self) -> (&'static str, &'static str) {
        match self {
            Self::Plain => ("", ""),
            Self::Bold => ("<b>", "</b>"),
            Self::Italic => ("<i>", "</i>"),
        }
    }
}

/// Builds messages out of styled lines, splitting where needed.
#[derive(Debug, Default)]
pub(crate) struct Html {
    lines: Vec<String>,
}

impl Html {
    pub(crate) fn line(&mut self, style: Style, raw: &str) -> &mut Self {
        let (open, close) = style.tags();
        let budget = MAX_MESSAGE - units(open) - units(close);
        if raw.is_empty() {
            self.lines.push(String::new());
        }
        for piece in chop(raw, budget) {
            self.lines.push(format!("{open}{piece}{close}"));
        }
        self
    }

    /// Adds every line of a plain text.
    pub(crate) fn text(&mut self, style: Style, raw: &str) -> &mut Self {
        for line in raw.split('\n') {
            self.line(style, line);
        }
        self
    }

    /// The messages, each at most [`MAX_MESSAGE`] long, split between lines.
    pub(crate) fn messages(&self) -> Vec<String> {
        let mut messages = Vec::new();
        let mut current = String::new();
        for line in &self.lines {
            let needed = units(line) + usize::from(!current.is_empty());
            if !current.is_empty() && units(&current) + needed > MAX_MESSAGE {
                messages.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
        }
        let current = current.trim_end_matches('\n').to_owned();
        if !current.trim().is_empty() {
            messages.push(current);
        }
        messages.retain(|m| !m.trim().is_empty());
        messages
    }
}

/// Splits one raw line into escaped pieces of at most `budget` UTF-16 units, preferring to cut
/// after a space; an escape sequence is never cut.
fn chop(raw: &str, budget: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut current_units = 0;
    let mut last_space: Option<(usize, usize)> = None; // (byte index after the space, units)
    for c in raw.chars() {
        let escaped = escape(c.encode_utf8(&mut [0; 4]));
        let u = units(&escaped);
        if current_units + u > budget {
            match last_space.filter(|&(at, _)| at < current.len()) {
                Some((at, at_units)) => {
                    let rest = current.split_off(at);
                    pieces.push(std::mem::replace(&mut current, rest));
                    current_units -= at_units;
                }
                None => {
                    pieces.push(std::mem::take(&mut current));
                    current_units = 0;
                }
            }
            last_space = None;
        }
        current.push_str(&escaped);
        current_units += u;
        if c == ' ' {
            last_space = Some((current.len(), current_units));
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Escapes and splits a plain text (a reply from `text.rs` with values filled in).
pub(crate) fn plain(raw: &str) -> Vec<String> {
    let mut html = Html::default();
    html.text(Style::Plain, raw);
    html.messages()
}

/// The conversation core's lines as HTML messages: bold and italic lines as `<b>` and `<i>`.
pub(crate) fn lines(lines: &[crate::conversation::Line]) -> Vec<String> {
    use crate::conversation::Style as Core;
    let mut html = Html::default();
    for line in lines {
        let style = match line.style {
            Core::Plain => Style::Plain,
            Core::Bold => Style::Bold,
            Core::Italic => Style::Italic,
        };
        html.line(style, &line.text);
    }
    html.messages()
}

/// An answer as the HTML messages a fresh chat gets: the core's lines of its first part
/// (headings and citation styled; a long answer's first part only, see the core's
/// `long_answer`).
pub(crate) fn answer(engine: &Engine, answer: &Answer) -> Vec<String> {
    let all = crate::conversation::answer_lines(engine, answer);
    let first = crate::conversation::answer_parts(&all).swap_remove(0);
    lines(&first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_tags(html: &str) -> String {
        html.replace("<b>", "")
            .replace("</b>", "")
            .replace("<i>", "")
            .replace("</i>", "")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    #[test]
    fn escapes_the_three_html_characters() {
        assert_eq!(escape("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(plain("PU & PR <kantor>"), vec!["PU &amp; PR &lt;kantor&gt;"]);
    }

    #[test]
    fn short_text_is_one_message() {
        assert_eq!(plain("satu\ndua\n\ntiga"), vec!["satu\ndua\n\ntiga"]);
    }

    #[test]
    fn long_text_splits_on_line_boundaries_and_loses_nothing() {
        let line = "1. Fotokopi KTP & KK yang masih berlaku <asli dibawa>";
        let raw: Vec<String> = (0..300).map(|i| format!("{i} {line}")).collect();
        let raw = raw.join("\n");
        let messages = plain(&raw);
        assert!(messages.len() > 1);
        for m in &messages {
            assert!(units(m) <= MAX_MESSAGE);
            assert!(!m.starts_with('\n') && !m.ends_with('\n'));
        }
        assert_eq!(strip_tags(&messages.join("\n")), raw);
    }

    #[test]
    fn a_single_huge_line_is_cut_at_spaces_without_breaking_escapes() {
        let raw = "kata&<> ".repeat(2000);
        let messages = plain(raw.trim_end());
        assert!(messages.len() > 1);
        for m in &messages {
            assert!(units(m) <= MAX_MESSAGE, "{}", units(m));
            assert!(!m.ends_with('&') && !m.contains("&a ") && !m.starts_with("mp;"));
        }
        assert_eq!(strip_tags(&messages.join("")), raw.trim_end());
    }

    #[test]
    fn entities_are_closed_in_every_message() {
        let mut html = Html::default();
        let long = "x".repeat(5000);
        html.line(Style::Bold, "Judul").line(Style::Italic, &long);
        for m in html.messages() {
            assert_eq!(m.matches("<i>").count(), m.matches("</i>").count(), "{m}");
            assert_eq!(m.matches("<b>").count(), m.matches("</b>").count());
            assert!(units(&m) <= MAX_MESSAGE);
        }
    }

    #[test]
    fn utf16_length_counts_emoji_as_two() {
        let raw = "😀".repeat(3000);
        let messages = plain(&raw);
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|m| units(m) <= MAX_MESSAGE));
    }

    #[test]
    fn answers_keep_the_console_text_with_bold_heading_and_italic_citation() {
        let catalog = crate::telegram::tests::catalog();
        let a = catalog.engine().answer("syarat surat keterangan ahli waris", None);
        assert_eq!(a.status, AnswerStatus::Answered);
        let messages = answer(catalog.engine(), &a);
        assert_eq!(messages.len(), 1);
        let m = &messages[0];
        assert!(m.starts_with("<b>"), "{m}");
        let citation = a.citation.as_ref().unwrap();
        assert!(m.ends_with(&format!("<i>{}</i>", escape(&citation.text))), "{m}");
        assert_eq!(strip_tags(m), format!("{}\n\n{}", a.text, citation.text));
    }
}
