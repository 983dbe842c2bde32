//! A saved e-mail's source (`.eml` opened as text): an agency's newsletter or a forwarded
//! standard as the mail program stored it, with its headers, MIME parts and transfer
//! encodings.
//!
//! [`split`] reads the message the way a mail program shows it: the subject (its encoded words
//! decoded), then the body of its plain-text part, or of its HTML part when it has no plain
//! one (read as a web page, [`super::html`]), decoded from quoted-printable (soft line breaks
//! joined, `=3D` and `=E2=80=93` as the characters they stand for) or base64. Each line keeps
//! the source line it starts on, for citations. A text is read as a message only when it opens
//! with mail headers, among them `From:` and a MIME or content header: no decree does.

use super::html::Split;

/// The message as lines of text, or `None` when the text is no saved e-mail.
pub(crate) fn split(text: &str) -> Option<Split> {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let (headers, body_start) = read_headers(&lines, 0)?;
    let has = |name: &str| headers.iter().any(|(n, _, _)| n.eq_ignore_ascii_case(name));
    if !has("from") || !(has("mime-version") || has("content-type")) {
        return None;
    }
    let mut out = Split {
        text: String::new(),
        source_lines: Vec::new(),
    };
    if let Some((_, subject, line)) = headers.iter().find(|(n, _, _)| n.eq_ignore_ascii_case("subject")) {
        push_line(&mut out, &decode_words(subject), *line);
        push_line(&mut out, "", *line);
    }
    let parts = parts(&lines, &headers, body_start, lines.len());
    let chosen = parts
        .iter()
        .find(|p| p.kind == "text/plain")
        .or_else(|| parts.iter().find(|p| p.kind == "text/html"))?;
    let (body, body_lines) = decode_part(&lines, chosen);
    if chosen.kind == "text/html" {
        let page = super::html::split(&body).unwrap_or_else(|| Split {
            source_lines: (1..=body.split('\n').count() as u32).collect(),
            text: body.clone(),
        });
        for (text, line) in page.text.split('\n').zip(&page.source_lines) {
            let source = body_lines.get(*line as usize - 1).copied().unwrap_or(0);
            push_line(&mut out, text, source);
        }
    } else {
        for (text, source) in body.split('\n').zip(&body_lines) {
            push_line(&mut out, text, *source);
        }
    }
    Some(out)
}

fn push_line(out: &mut Split, text: &str, source: u32) {
    if !out.source_lines.is_empty() {
        out.text.push('\n');
    }
    out.text.push_str(text);
    out.source_lines.push(source);
}

/// A header: its name, its value (continuation lines joined) and its 1-based line.
type Header = (String, String, u32);

/// The headers starting at `start` and the index of the first body line; `None` when the
/// lines there are no headers.
fn read_headers(lines: &[&str], start: usize) -> Option<(Vec<Header>, usize)> {
    let mut out: Vec<Header> = Vec::new();
    let mut at = start;
    while at < lines.len() {
        let line = lines[at];
        if line.trim().is_empty() {
            return (!out.is_empty()).then_some((out, at + 1));
        }
        if line.starts_with([' ', '\t']) {
            let (_, value, _) = out.last_mut()?;
            value.push(' ');
            value.push_str(line.trim());
        } else {
            let (name, value) = line.split_once(':')?;
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                return None;
            }
            out.push((name.to_owned(), value.trim().to_owned(), at as u32 + 1));
        }
        at += 1;
    }
    None
}

/// A leaf part of the message: its content type, transfer encoding and body lines.
struct Part {
    kind: String,
    encoding: String,
    start: usize,
    end: usize,
}

/// The leaf parts of the entity whose headers are `headers` and whose body is
/// `lines[start..end]`, multiparts opened recursively.
fn parts(lines: &[&str], headers: &[Header], start: usize, end: usize) -> Vec<Part> {
    let value = |name: &str| {
        headers
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v, _)| v.as_str())
            .unwrap_or_default()
    };
    let content_type = value("content-type");
    let kind = content_type
        .split(';')
        .next()
        .unwrap_or("text/plain")
        .trim()
        .to_ascii_lowercase();
    let kind = if kind.is_empty() { "text/plain".to_owned() } else { kind };
    if !kind.starts_with("multipart/") {
        return vec![Part {
            kind,
            encoding: value("content-transfer-encoding").to_ascii_lowercase(),
            start,
            end,
        }];
    }
    let Some(boundary) = parameter(content_type, "boundary") else {
        return Vec::new();
    };
    let opening = format!("--{boundary}");
    let marks: Vec<usize> = (start..end).filter(|&i| lines[i].starts_with(&opening)).collect();
    let mut out = Vec::new();
    for pair in marks.windows(2) {
        if let Some((part_headers, body)) = read_headers(lines, pair[0] + 1) {
            out.extend(parts(lines, &part_headers, body, pair[1]));
        }
    }
    out
}

/// A header parameter's value (`boundary="abc"`).
fn parameter(value: &str, name: &str) -> Option<String> {
    value.split(';').find_map(|p| {
        let (key, v) = p.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// A part's body decoded, and the 1-based source line each of its lines starts on.
fn decode_part(lines: &[&str], part: &Part) -> (String, Vec<u32>) {
    let body = &lines[part.start..part.end];
    let number = |i: usize| (part.start + i) as u32 + 1;
    match part.encoding.as_str() {
        "quoted-printable" => {
            let mut bytes = Vec::new();
            let mut starts = vec![number(0)];
            for (i, line) in body.iter().enumerate() {
                let (line, soft) = match line.strip_suffix('=') {
                    Some(rest) => (rest, true),
                    None => (*line, false),
                };
                bytes.extend(unquote(line));
                if !soft {
                    bytes.push(b'\n');
                    starts.push(number(i + 1));
                }
            }
            let text = String::from_utf8_lossy(&bytes).into_owned();
            starts.truncate(text.split('\n').count());
            (text, starts)
        }
        "base64" => {
            let joined: String = body.iter().flat_map(|l| l.chars()).collect();
            let text = String::from_utf8_lossy(&base64(&joined)).into_owned();
            // A base64 body cites the part's first line: its lines are no lines of the source.
            let count = text.split('\n').count();
            (text, vec![number(0); count])
        }
        _ => (body.join("\n"), (0..body.len()).map(number).collect()),
    }
}

/// One quoted-printable line's bytes (`=3D` -> `=`, `=E2=80=93` -> the bytes of "–").
fn unquote(line: &str) -> Vec<u8> {
    let bytes = line.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'='
            && at + 2 < bytes.len()
            && let Some(byte) = std::str::from_utf8(&bytes[at + 1..at + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(byte);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    out
}

/// Decodes base64, skipping characters outside its alphabet (line breaks, padding).
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for v in text.bytes().filter_map(value) {
        buffer = (buffer << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

/// A header value with its RFC 2047 encoded words decoded (`=?UTF-8?Q?Buletin_Dispusip?=`);
/// the whitespace between two encoded words is no part of the text.
fn decode_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let mut fields = rest[start + 2..].splitn(3, '?');
        let (Some(_charset), Some(encoding), Some(tail)) = (fields.next(), fields.next(), fields.next()) else {
            break;
        };
        let Some(end) = tail.find("?=") else {
            break;
        };
        let between = &rest[..start];
        if !(after_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        let encoded = &tail[..end];
        let bytes = if encoding.eq_ignore_ascii_case("b") {
            base64(encoded)
        } else {
            unquote(&encoded.replace('_', " "))
        };
        out.push_str(&String::from_utf8_lossy(&bytes));
        after_word = true;
        rest = &tail[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MESSAGE: &str = "\
From: =?UTF-8?Q?Humas_Dinas_Perpustakaan?= <humas@example.go.id>
Subject: =?UTF-8?Q?Buletin_Dispusip_=E2=80=93_Standar?=
 =?UTF-8?Q?_Pelayanan?=
MIME-Version: 1.0
Content-Type: multipart/alternative;
 boundary=\"b1\"

--b1
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

LAYANAN 01
Persyaratan=20
    1. KTP asli (berdomisili di Kota Ta=
njung Selasih)
Jam: Senin=E2=80=93Kamis
--b1
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: quoted-printable

<html><body><p>HTML</p></body></html>
--b1--
";

    #[test]
    fn a_saved_message_reads_as_its_subject_and_plain_part() {
        let split = split(MESSAGE).expect("a message");
        let lines: Vec<&str> = split.text.split('\n').collect();
        assert_eq!(lines[0], "Buletin Dispusip – Standar Pelayanan");
        assert!(
            lines.contains(&"    1. KTP asli (berdomisili di Kota Tanjung Selasih)"),
            "{lines:?}"
        );
        assert!(lines.contains(&"Jam: Senin–Kamis"), "{lines:?}");
        assert!(lines.contains(&"Persyaratan "), "{lines:?}");
        assert!(!split.text.contains("HTML"), "the plain part is read");
        // The joined line cites the line it starts on.
        let at = lines.iter().position(|l| l.contains("KTP asli")).unwrap();
        assert_eq!(split.source_lines[at], 14);
    }

    #[test]
    fn a_decree_is_no_message() {
        assert!(split("STANDAR PELAYANAN\nFrom: bagian umum\n").is_none());
        assert!(split("Kepada: Yth. Camat\nDari: Sekda\n\nIsi surat").is_none());
    }

    #[test]
    fn base64_and_encoded_words_decode() {
        assert_eq!(base64("S1RQIGFzbGk="), b"KTP asli");
        assert_eq!(decode_words("=?utf-8?B?S1RQ?= asli"), "KTP asli");
    }
}
