//! Answers readable on a phone: the engine's answer text as styled lines, with the decree's own
//! structure kept, cut into parts of about [`PART_CHARS`] characters.
//!
//! The engine renders a list component as plain numbered lines ("1.", "2.", nested "a.", "b."),
//! counting a section heading ("Persyaratan Administrasi :") as an item. Here the requirement
//! and procedure lists are shown as the decree writes them: a paragraph without a list marker is
//! a heading (bold, a blank line before it), and every item keeps the decree's own number or
//! letter ([`Item::marker`](loket_knowledge::document::Item)), so "langkah 3" means the same
//! step as on paper. A list whose items carry no marker at all is left as the engine wrote it.
//!
//! A long answer is cut between lines into parts; the first is sent with [Selengkapnya], which
//! asks for the next part ([`Choice::More`](super::Choice)): the parts are made again from the
//! service and aspect, so nothing is stored per citizen. Every part after the first opens with
//! the answer's heading marked as a continuation; the citation closes the last part.

use loket_knowledge::answer::{Answer, AnswerStatus, Engine, component_body};
use loket_knowledge::document::{Component, ComponentKind, Item, ServiceStandard};

use super::{Line, Style, text};

/// About how many characters one part of an answer holds (a phone screen or two).
pub(crate) const PART_CHARS: usize = 1500;

/// The components whose lists are shown with the decree's headings and numbering.
const OUTLINED: [ComponentKind; 2] = [ComponentKind::Requirements, ComponentKind::Procedure];

/// A paragraph without a list marker up to this long is a section heading; a longer one is
/// ordinary text.
const HEADING_MAX_CHARS: usize = 80;

fn line(style: Style, text: impl Into<String>) -> Line {
    Line {
        style,
        text: text.into(),
    }
}

/// A component's list as the decree writes it; `None` when no item carries a marker (then the
/// engine's numbering is all there is to show).
fn outline(component: &Component) -> Option<Vec<Line>> {
    if !component.items.iter().any(|i| i.marker.is_some()) {
        return None;
    }
    let mut lines: Vec<Line> = Vec::with_capacity(component.items.len() + 2);
    for item in &component.items {
        // A paragraph that starts in lower case goes on with the item before it (a decree
        // broken across pages or cells: "3. PNS ... harus" + "mendapatkan izin belajar ...").
        if item.marker.is_none()
            && item.text.starts_with(char::is_lowercase)
            && let Some(previous) = lines
                .last_mut()
                .filter(|l| l.style == Style::Plain && !l.text.is_empty())
        {
            previous.text.push(' ');
            previous.text.push_str(&item.text);
            continue;
        }
        lines.extend(item_lines(item, lines.is_empty()));
    }
    Some(lines)
}

/// Whether a paragraph without a marker reads as a section heading: short, capitalised, not
/// ending like a sentence or a list item.
pub(crate) fn is_heading(item: &Item) -> bool {
    item.level == 0
        && item.text.chars().count() <= HEADING_MAX_CHARS
        && item.text.starts_with(|c: char| c.is_uppercase() || c.is_numeric())
        && !item.text.trim_end().ends_with(['.', ';', ','])
}

fn item_lines(item: &Item, first: bool) -> Vec<Line> {
    let indent = if item.level > 0 { "   " } else { "" };
    match &item.marker {
        Some(marker) => vec![line(Style::Plain, format!("{indent}{marker} {}", item.text))],
        None if is_heading(item) => {
            let heading = item.text.trim_end_matches([' ', ':']).to_owned() + ":";
            let mut lines = Vec::new();
            if !first {
                lines.push(line(Style::Plain, ""));
            }
            lines.push(line(Style::Bold, heading));
            lines
        }
        None => vec![line(Style::Plain, format!("{indent}{}", item.text))],
    }
}

/// The answer's body lines with each outlined component's list (as the engine numbered it)
/// replaced by its outline.
fn body_lines(service: Option<&ServiceStandard>, body: &[&str]) -> Vec<Line> {
    let mut out: Vec<Line> = body.iter().map(|l| line(Style::Plain, *l)).collect();
    let Some(service) = service else { return out };
    for component in service.components.iter().filter(|c| OUTLINED.contains(&c.kind)) {
        let Some(outlined) = outline(component) else { continue };
        let engine_lines: Vec<String> = component_body(component).split('\n').map(str::to_owned).collect();
        let found = out.windows(engine_lines.len()).position(|window| {
            window
                .iter()
                .zip(&engine_lines)
                .all(|(l, e)| l.style == Style::Plain && l.text == *e)
        });
        if let Some(at) = found {
            out.splice(at..at + engine_lines.len(), outlined);
        }
    }
    out
}

/// An answer as lines: the heading of an answered question bold, the decree's lists with their
/// own headings and numbers, the citation italic at the end after a blank line. `loket chat`,
/// every channel and the tests read the same lines.
pub(crate) fn answer_lines(engine: &Engine, answer: &Answer) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut body: Vec<&str> = answer.text.split('\n').collect();
    let answered = answer.status == AnswerStatus::Answered;
    if answered && !body.is_empty() {
        lines.push(line(Style::Bold, body.remove(0)));
    }
    let service = answer
        .service
        .as_ref()
        .filter(|_| answered)
        .and_then(|s| engine.service(&s.id));
    lines.extend(body_lines(service, &body));
    if let Some(citation) = &answer.citation {
        lines.push(line(Style::Plain, ""));
        lines.push(line(Style::Italic, citation.text.clone()));
    }
    lines
}

fn chars(line: &Line) -> usize {
    line.text.chars().count() + 1
}

/// The lines cut into parts of about [`PART_CHARS`] characters, between lines (a single longer
/// line stays whole: the channel splits it to its own limit). The heading (the first line, when
/// bold) opens every later part as a continuation; the citation (the last two lines, when the
/// last is italic) closes the last part and never travels alone.
pub(crate) fn parts(lines: &[Line]) -> Vec<Vec<Line>> {
    let (heading, rest) = match lines.split_first() {
        Some((first, rest)) if first.style == Style::Bold => (Some(first), rest),
        _ => (None, lines),
    };
    let (body, citation) = match rest {
        [body @ .., blank, cite] if cite.style == Style::Italic && blank.text.is_empty() => (body, &rest[body.len()..]),
        _ => (rest, &rest[rest.len()..]),
    };
    let opening = || -> Vec<Line> { heading.into_iter().cloned().collect() };
    let mut parts: Vec<Vec<Line>> = Vec::new();
    let mut current = opening();
    let mut size: usize = current.iter().map(chars).sum();
    let mut has_body = false;
    for l in body {
        if has_body && size + chars(l) > PART_CHARS {
            parts.push(std::mem::take(&mut current));
            current = heading
                .map(|h| vec![line(Style::Bold, text::continued(&h.text))])
                .unwrap_or_default();
            size = current.iter().map(chars).sum();
            has_body = false;
        }
        // A part never opens with a blank line.
        if !has_body && l.text.trim().is_empty() {
            continue;
        }
        size += chars(l);
        current.push(l.clone());
        has_body = true;
    }
    current.extend(citation.iter().cloned());
    parts.push(current);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_knowledge::document::LineRange;

    fn item(level: u8, marker: Option<&str>, text: &str) -> Item {
        Item {
            level,
            text: text.to_owned(),
            marker: marker.map(str::to_owned),
        }
    }

    fn texts(lines: &[Line]) -> Vec<(Style, &str)> {
        lines.iter().map(|l| (l.style, l.text.as_str())).collect()
    }

    fn requirements(items: Vec<Item>) -> Component {
        let mut component = Component {
            kind: ComponentKind::Requirements,
            label: "Persyaratan".into(),
            text: String::new(),
            items,
            lines: LineRange { start: 1, end: 1 },
        };
        component.text = component_body(&component);
        component
    }

    /// "Persyaratan Teknis :" and "Persyaratan Administrasi :" are headings in the decree; the
    /// engine numbered them 1 and 3 and counted the lists on (2, 4, 5).
    #[test]
    fn headings_stay_headings_and_items_keep_the_decrees_numbers() {
        let component = requirements(vec![
            item(0, None, "Persyaratan Teknis :"),
            item(0, Some("1."), "Ditetapkan sebagai calon peserta yang"),
            item(0, None, "diusulkan kepala OPD;"),
            item(0, None, "Persyaratan Administrasi :"),
            item(0, Some("1."), "Surat penugasan dari instansinya"),
            item(0, Some("2."), "Surat pernyataan, berisi:"),
            item(1, Some("a."), "identitas"),
        ]);
        let engine_text = component_body(&component);
        assert!(
            engine_text.starts_with("1. Persyaratan Teknis :\n2. Ditetapkan"),
            "{engine_text}"
        );
        let mut body: Vec<&str> = vec!["Persyaratan Latihan — Badan:"];
        body.extend(engine_text.split('\n'));
        body.push("");
        body.push("Tanyakan juga alurnya.");
        let mut service: ServiceStandard = crate::telegram::tests::catalog().engine().services()[0].clone();
        service.components = vec![component];
        let lines = body_lines(Some(&service), &body);
        assert_eq!(
            texts(&lines),
            vec![
                (Style::Plain, "Persyaratan Latihan — Badan:"),
                (Style::Bold, "Persyaratan Teknis:"),
                (
                    Style::Plain,
                    "1. Ditetapkan sebagai calon peserta yang diusulkan kepala OPD;"
                ),
                (Style::Plain, ""),
                (Style::Bold, "Persyaratan Administrasi:"),
                (Style::Plain, "1. Surat penugasan dari instansinya"),
                (Style::Plain, "2. Surat pernyataan, berisi:"),
                (Style::Plain, "   a. identitas"),
                (Style::Plain, ""),
                (Style::Plain, "Tanyakan juga alurnya."),
            ]
        );
        // Without any marker (data parsed before markers were kept) the engine's text stays.
        let unmarked = requirements(vec![item(0, None, "Satu"), item(0, None, "Dua")]);
        assert!(outline(&unmarked).is_none());
    }

    #[test]
    fn long_answers_are_cut_between_lines_with_the_citation_last() {
        let mut lines = vec![line(Style::Bold, "Persyaratan Surat — Kecamatan:")];
        for i in 1..=60 {
            lines.push(line(
                Style::Plain,
                format!("{i}. Fotokopi dokumen pendukung nomor {i} yang masih berlaku"),
            ));
        }
        lines.push(line(Style::Plain, ""));
        lines.push(line(Style::Italic, "Sumber: Keputusan Nomor 1."));
        let parts = parts(&lines);
        assert!(parts.len() >= 3, "{}", parts.len());
        for (i, part) in parts.iter().enumerate() {
            let size: usize = part.iter().map(chars).sum();
            assert!(size <= PART_CHARS + 40, "part {i}: {size}");
            assert_eq!(part[0].style, Style::Bold);
            if i > 0 {
                assert_eq!(part[0].text, text::continued("Persyaratan Surat — Kecamatan:"));
            }
        }
        let last = parts.last().unwrap();
        assert_eq!(last.last().unwrap().text, "Sumber: Keputusan Nomor 1.");
        // Nothing is lost or repeated but the continuation headings.
        let body: Vec<&str> = parts
            .iter()
            .flat_map(|p| p.iter().skip(1))
            .map(|l| l.text.as_str())
            .collect();
        let expected: Vec<&str> = lines.iter().skip(1).map(|l| l.text.as_str()).collect();
        assert_eq!(body, expected);
        // A short answer is one part, unchanged.
        assert_eq!(super::parts(&lines[..5]), vec![lines[..5].to_vec()]);
    }
}
