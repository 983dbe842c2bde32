//! Cleans a component's raw cell text into readable text and list items.
//!
//! Conversions leave HTML fragments (`<ol><li>`, `<p>`, `<b>`, entities), markdown
//! (`**bold**`, `- bullets`), flowchart code (`<pre> graph TD ... </pre>`) and lists written
//! inline ("1. A 2. B a. x b. y"). This module removes the debris and recovers the list
//! structure with general rules: block tags and line starts separate pieces; inline list
//! markers count only when they continue a sequence (1, 2, 3 or a, b, c), so "No. 14",
//! "Rp. 50.000" or "Nomor 5" never split a sentence.

use crate::document::Item;

/// What a component's text looks like after cleaning.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Cleaned {
    /// Readable text, one paragraph or list item per line.
    pub text: String,
    /// List items when the text is a list of at least two items.
    pub items: Vec<Item>,
}

/// Cleans raw text; `split_lists` is false for short values (duration, fee, hours) whose
/// dashes and numbers are not list markers.
pub(crate) fn clean(raw: &str, split_lists: bool) -> Cleaned {
    let plain = strip_markup(raw);
    let pieces: Vec<Piece> = if split_lists {
        let mut sequence = Sequence::default();
        plain
            .lines()
            .flat_map(|line| split_inline_markers(line, &mut sequence))
            .collect()
    } else {
        plain
            .lines()
            .map(|l| Piece {
                marker: Marker::None,
                text: tidy(l),
            })
            .collect()
    };
    let pieces: Vec<Piece> = pieces.into_iter().filter(|p| !p.text.is_empty()).collect();
    let items = assign_levels(&pieces);
    let text = if items.len() >= 2 {
        items
            .iter()
            .map(|item| {
                if item.level == 0 {
                    item.text.clone()
                } else {
                    format!("  - {}", item.text)
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        pieces.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n")
    };
    Cleaned {
        text,
        items: if items.len() >= 2 { items } else { Vec::new() },
    }
}

/// Removes tags (block tags become line breaks), flowchart code, entities and markdown.
pub(crate) fn strip_markup(raw: &str) -> String {
    let without_code = remove_code_blocks(raw);
    let mut out = String::with_capacity(without_code.len());
    let mut rest = without_code.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        match after.find('>') {
            Some(end) if is_tag(&after[1..end]) => {
                let name = tag_name(&after[1..end]);
                if BLOCK_TAGS.contains(&name.as_str()) {
                    out.push('\n');
                } else {
                    out.push(' ');
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push('<');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded.lines().map(strip_markdown_line).collect::<Vec<_>>().join("\n")
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "li",
    "ol",
    "ul",
    "br",
    "div",
    "tr",
    "td",
    "th",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "dd",
    "dt",
    "dl",
    "hr",
    "blockquote",
];

fn is_tag(inner: &str) -> bool {
    let inner = inner.trim_start_matches('/');
    inner.starts_with(|c: char| c.is_ascii_alphabetic()) && !inner.contains('<')
}

/// The lowercase name of a tag written without its angle brackets ("/td" -> "td").
pub(crate) fn tag_name(inner: &str) -> String {
    inner
        .trim_start_matches('/')
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Drops `<pre>...</pre>` and fenced code (flowchart sources such as mermaid `graph TD`),
/// which restate the procedure as diagram code citizens cannot read.
fn remove_code_blocks(raw: &str) -> String {
    // Most cells have neither (and lowercasing a whole cell costs a copy).
    if !raw.contains('<') && !raw.contains("```") {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let lower = rest.to_ascii_lowercase();
        let pre = lower.find("<pre");
        let fence = lower.find("```");
        let (start, close, close_len) = match (pre, fence) {
            (Some(p), Some(f)) if f < p => (f, lower[f + 3..].find("```").map(|e| e + f + 3), 3),
            (Some(p), _) => (p, lower[p..].find("</pre>").map(|e| e + p), 6),
            (None, Some(f)) => (f, lower[f + 3..].find("```").map(|e| e + f + 3), 3),
            (None, None) => break,
        };
        out.push_str(&rest[..start]);
        out.push('\n');
        match close {
            Some(end) => rest = &rest[end + close_len..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find(';').filter(|&e| e <= 10);
        let replacement = end.and_then(|e| {
            let name = &after[1..e];
            match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => {
                    u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32)
                }
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            }
        });
        match (replacement, end) {
            (Some(ch), Some(e)) => {
                out.push(ch);
                rest = &after[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Removes markdown emphasis, heading marks and horizontal rules from one line.
fn strip_markdown_line(line: &str) -> String {
    let trimmed = line.trim();
    if !trimmed.is_empty()
        && trimmed
            .chars()
            .all(|c| matches!(c, '-' | '=' | '_' | '*' | '|' | ' ' | '\t' | ':'))
    {
        return String::new();
    }
    let trimmed = trimmed.trim_start_matches('#').trim_start();
    let mut out = String::with_capacity(trimmed.len());
    let mut previous: Option<char> = None;
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let skip = c == '*'
            || (c == '_' && (previous.is_none() || next.is_none() || previous == Some('_') || next == Some('_')));
        if !skip {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// Collapses whitespace and trims separators left at the ends of a piece.
pub(crate) fn tidy(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    let trimmed = collapsed.trim_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '\u{200b}'));
    if trimmed.len() == collapsed.len() {
        collapsed
    } else {
        trimmed.to_owned()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    None,
    Number(u32),
    Letter(u8),
    Bullet,
}

impl Marker {
    /// The marker as a citizen reads it, with the decree's own number or letter.
    fn label(self) -> Option<String> {
        match self {
            Marker::None => None,
            Marker::Number(n) => Some(format!("{n}.")),
            Marker::Letter(l) => Some(format!("{}.", char::from(b'a' + l.min(25)))),
            Marker::Bullet => Some("-".to_owned()),
        }
    }

    fn family(self) -> u8 {
        match self {
            Marker::None => 0,
            Marker::Number(_) => 1,
            Marker::Letter(_) => 2,
            Marker::Bullet => 3,
        }
    }
}

#[derive(Debug)]
struct Piece {
    marker: Marker,
    text: String,
}

const BULLETS: &[char] = &[
    '❖', '▪', '•', '●', '◦', '➢', '►', '\u{f0b7}', '\u{f0a7}', '■', '□', '○', '✓', '✔', '·', '⁃', '→',
];

/// Reads a list marker at the start of `s`: "1.", "1)", "(1)", "a.", "a)", "(a)", bullets,
/// "-"/"*"; returns it and the byte length it covers (including following spaces).
fn leading_marker(s: &str) -> Option<(Marker, usize)> {
    let bytes = s.as_bytes();
    let first = s.chars().next()?;
    if BULLETS.contains(&first) || (first == '-' && s[1..].starts_with(' ')) {
        let len = first.len_utf8();
        let spaces = s[len..].len() - s[len..].trim_start().len();
        return Some((Marker::Bullet, len + spaces));
    }
    let (open, body_start) = if first == '(' { (true, 1) } else { (false, 0) };
    let digits = bytes[body_start..].iter().take_while(|b| b.is_ascii_digit()).count();
    let (marker, body_len) = if (1..=2).contains(&digits) {
        let n: u32 = s[body_start..body_start + digits].parse().ok()?;
        (Marker::Number(n), digits)
    } else if digits == 0 && bytes.get(body_start).is_some_and(u8::is_ascii_lowercase) {
        (Marker::Letter(bytes[body_start] - b'a'), 1)
    } else {
        return None;
    };
    let close_at = body_start + body_len;
    let close = *bytes.get(close_at)?;
    let ok = if open {
        close == b')'
    } else {
        close == b'.' || close == b')'
    };
    if !ok {
        return None;
    }
    let after = &s[close_at + 1..];
    // The marker must be followed by a space or directly by a capital letter ("1.Undang").
    let next = after.chars().next();
    let spaced = next.is_some_and(char::is_whitespace);
    let glued_capital = next.is_some_and(char::is_uppercase) && matches!(marker, Marker::Number(_));
    if !(spaced || glued_capital) {
        return None;
    }
    let spaces = after.len() - after.trim_start().len();
    Some((marker, close_at + 1 + spaces))
}

/// The last number and letter markers seen in a component, across its lines.
#[derive(Debug, Default)]
struct Sequence {
    number: Option<u32>,
    letter: Option<u8>,
}

/// Splits one line into pieces at list markers: always at the start of the line, and
/// inline only where the marker continues the component's marker sequence.
fn split_inline_markers(line: &str, sequence: &mut Sequence) -> Vec<Piece> {
    let line = line.trim();
    let mut pieces = Vec::new();
    let (mut marker, mut start) = match leading_marker(line) {
        Some((m, len)) => (m, len),
        None => (Marker::None, 0),
    };
    // "- a. Pengguna ...": a bullet followed by a more informative marker.
    if marker == Marker::Bullet
        && let Some((inner, len)) = leading_marker(&line[start..]).filter(|(m, _)| *m != Marker::Bullet)
    {
        marker = inner;
        start += len;
    }
    match marker {
        Marker::Number(n) => {
            sequence.number = Some(n);
            sequence.letter = None;
        }
        Marker::Letter(l) => sequence.letter = Some(l),
        _ => {}
    }
    let mut piece_start = start;
    let mut i = start;
    while i < line.len() {
        if !line.is_char_boundary(i) {
            i += 1;
            continue;
        }
        let prev = line[..i].chars().next_back();
        let boundary = prev.is_some_and(|c| c.is_whitespace() || matches!(c, ';' | ':' | ',' | ')' | '.'));
        if boundary
            && i > piece_start
            && let Some((found, len)) = leading_marker(&line[i..])
        {
            let continues = match found {
                Marker::Number(n) => {
                    sequence.number.is_some_and(|last| n == last + 1) || (n == 1 && sequence.number.is_none())
                }
                Marker::Letter(l) => sequence.letter.is_some_and(|last| l == last + 1) || (l == 0 && prev != Some('.')),
                Marker::Bullet => {
                    let dash = line[i..].starts_with('-');
                    let next_upper = line[i + len..].starts_with(char::is_uppercase);
                    // Symbol bullets always start an item; a spaced ASCII dash does when
                    // the line is already a dash list or a capitalised item follows,
                    // except in reduplications ("Undang - Undang").
                    !dash || marker == Marker::Bullet || (next_upper && !is_reduplication(line, i, len))
                }
                Marker::None => false,
            };
            if continues {
                pieces.push(Piece {
                    marker,
                    text: tidy(&line[piece_start..i]),
                });
                marker = found;
                match found {
                    Marker::Number(n) => {
                        sequence.number = Some(n);
                        sequence.letter = None;
                    }
                    Marker::Letter(l) => sequence.letter = Some(l),
                    _ => {}
                }
                i += len;
                piece_start = i;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(Piece {
        marker,
        text: tidy(&line[piece_start.min(line.len())..]),
    });
    pieces
}

/// "Undang - Undang": the same word on both sides of a dash is a reduplication.
fn is_reduplication(line: &str, dash_at: usize, dash_len: usize) -> bool {
    let before = line[..dash_at].split_whitespace().next_back().unwrap_or("");
    let after = line[dash_at + dash_len..].split_whitespace().next().unwrap_or("");
    !before.is_empty() && before.eq_ignore_ascii_case(after.trim_end_matches([',', ';', '.']))
}

/// Gives each piece a nesting level: the first marker family seen is level 0; another
/// family after it is level 1 until the first family returns. Plain paragraphs are level 0
/// and make following bullets their children ("Kepala Bagian" then "- Memahami ...").
fn assign_levels(pieces: &[Piece]) -> Vec<Item> {
    let mut top_family: Option<u8> = None;
    let mut after_plain = false;
    let mut items = Vec::with_capacity(pieces.len());
    for piece in pieces {
        let family = piece.marker.family();
        let level = if family == 0 {
            after_plain = true;
            0
        } else if top_family.is_none() {
            if after_plain && piece.marker == Marker::Bullet {
                1
            } else {
                top_family = Some(family);
                0
            }
        } else if top_family == Some(family) {
            0
        } else {
            1
        };
        items.push(Item {
            level,
            text: piece.text.clone(),
            marker: piece.marker.label(),
        });
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(c: &Cleaned) -> Vec<(u8, &str)> {
        c.items.iter().map(|i| (i.level, i.text.as_str())).collect()
    }

    #[test]
    fn html_list_becomes_items() {
        let c = clean(
            r#"<ol style="list-style-type: none"><li>1. Diusulkan secara tertulis;</li><li>2. pangkat paling rendah pembina (IV/a);</li></ol>"#,
            true,
        );
        assert_eq!(
            texts(&c),
            vec![
                (0, "Diusulkan secara tertulis;"),
                (0, "pangkat paling rendah pembina (IV/a);")
            ]
        );
    }

    #[test]
    fn inline_nested_list_is_split_by_sequence() {
        let c = clean(
            "1. Pengguna layanan membuat surat, yang berisi : <ol> a. Identitas pemohon b. Materi sosialisasi c. Maksud 2. Hadir langsung dengan : a. Membawa surat b. Menunjukkan kartu identitas",
            true,
        );
        assert_eq!(
            texts(&c),
            vec![
                (0, "Pengguna layanan membuat surat, yang berisi :"),
                (1, "Identitas pemohon"),
                (1, "Materi sosialisasi"),
                (1, "Maksud"),
                (0, "Hadir langsung dengan :"),
                (1, "Membawa surat"),
                (1, "Menunjukkan kartu identitas"),
            ]
        );
    }

    #[test]
    fn items_keep_the_decrees_markers_and_headings_have_none() {
        let c = clean(
            "<p><b>Persyaratan Teknis :</b></p> <ol><li>1. Ditetapkan sebagai calon peserta;</li></ol> \
             <p><b>Persyaratan Administrasi :</b></p> <ol><li>1. Surat penugasan;</li><li>2. Surat pernyataan \
             yang berisi :</li></ol> <ul><li>b) identitas;</li><li>- tanda tangan</li></ul>",
            true,
        );
        let markers: Vec<Option<&str>> = c.items.iter().map(|i| i.marker.as_deref()).collect();
        assert_eq!(
            markers,
            vec![None, Some("1."), None, Some("1."), Some("2."), Some("b."), Some("-")],
            "{:?}",
            c.items
        );
    }

    #[test]
    fn numbers_inside_sentences_do_not_split() {
        let c = clean(
            "Sekretariat Daerah, Jl. Hayam Wuruk No. 14 Telp. (0343) 429069, Rp. 50.000 Nomor 5 Tahun 2013",
            true,
        );
        assert!(c.items.is_empty());
        assert_eq!(
            c.text,
            "Sekretariat Daerah, Jl. Hayam Wuruk No. 14 Telp. (0343) 429069, Rp. 50.000 Nomor 5 Tahun 2013"
        );
    }

    #[test]
    fn glued_numbered_items_are_split() {
        let c = clean(
            "<ol>1. Undang-Undang Nomor 14 Tahun 2008 (Lembaran Negara Nomor 4846)2. Undang-Undang Nomor 5 Tahun 2014 (ASN);3. Undang-Undang Nomor 23 Tahun 2014;</ol>",
            true,
        );
        assert_eq!(c.items.len(), 3, "{:?}", c.items);
        assert!(c.items[1].text.starts_with("Undang-Undang Nomor 5 Tahun 2014"));
    }

    #[test]
    fn flowchart_code_is_removed() {
        let c = clean(
            "<pre> graph TD A([PERMOHONAN]) --> B[VERIFIKASI] </pre> <p>Keterangan :</p> <ol> 1. Pengguna mengirim surat 2. Unit memverifikasi</ol>",
            true,
        );
        assert!(!c.text.contains("graph"), "{}", c.text);
        assert_eq!(
            texts(&c),
            vec![
                (0, "Keterangan :"),
                (0, "Pengguna mengirim surat"),
                (0, "Unit memverifikasi")
            ]
        );
    }

    #[test]
    fn plain_paragraph_then_dashes_nests() {
        let c = clean(
            r#"<p>Kepala Bagian</p> <ul> - Memahami uraian tugas - Memahami prosedur</ul> <p>Sub Koordinator</p> <ul> - Memahami uraian tugas</ul>"#,
            true,
        );
        assert_eq!(
            texts(&c),
            vec![
                (0, "Kepala Bagian"),
                (1, "Memahami uraian tugas"),
                (1, "Memahami prosedur"),
                (0, "Sub Koordinator"),
                (1, "Memahami uraian tugas")
            ]
        );
    }

    #[test]
    fn entities_and_markdown_are_decoded() {
        let c = clean("**Surat Tanda Tamat** &amp; <i>sertifikat</i>&nbsp;resmi", true);
        assert_eq!(c.text, "Surat Tanda Tamat & sertifikat resmi");
    }

    #[test]
    fn short_values_are_not_split() {
        let c = clean("Senin - Kamis 08.00 - 15.00", false);
        assert_eq!(c.text, "Senin - Kamis 08.00 - 15.00");
        assert!(c.items.is_empty());
    }

    #[test]
    fn bullets_symbols_split() {
        let c = clean(
            "❖ Bagian Tata Pemerintahan ☎ (0343) 429070 ❖ Bagian Hukum ☎ (0343) 429069",
            true,
        );
        assert_eq!(
            texts(&c),
            vec![
                (0, "Bagian Tata Pemerintahan ☎ (0343) 429070"),
                (0, "Bagian Hukum ☎ (0343) 429069")
            ]
        );
    }
}
