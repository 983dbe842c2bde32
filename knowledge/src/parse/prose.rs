//! Decrees published without the labels the assembler reads: an FAQ page, a leaflet in
//! running prose, a regulation that sets its standards in articles.
//!
//! Each still heads its services, in one of four ways:
//! - a **table of contents**: a run of short lines that come back later, each on a line of its
//!   own; the later line heads the service ("Daftar Layanan" on an FAQ page);
//! - **numbered headings in capitals**: a bare number ("01") or a number marker before a line
//!   in capitals ("PENYEDOTAN LUMPUR TINJA", "PENERBITAN KTP-el BARU"), with an abbreviation
//!   in brackets below it ("(KK)");
//! - **parts of a regulation** in legal-drafting form: "Bagian Kesatu" and the part's title
//!   below it; a chapter ("BAB V") ends the part before it;
//! - **numbered paragraphs of running text**, one per service, the title their opening phrase
//!   (a circular letter, [`super::paragraphs`]); what follows the list ("Seluruh pelayanan di
//!   atas tidak dipungut biaya") gives every service its fee and complaint channel.
//!
//! Under such headings an FAQ page asks its questions ("Apa saja persyaratannya?"), which the
//! assembler reads as labels once the headings are marked (see [`mark_headings`]). A leaflet has
//! no labels at all: each sentence is given the component its own words say it belongs to
//! ([`sentence_kind`]: an amount in rupiah is a fee, "paling lama 2 x 24 jam" a duration, a
//! regulation by number and year the legal basis, "membawa", "fotokopi" a requirement, ...),
//! consecutive sentences of one component form that component, and what comes before the first
//! is kept as the service's description; a sentence or a regulation's paragraph ("(1)
//! Persyaratan pelayanan ... meliputi:") that opens with a component's name is that component.
//! The words are those of PermenPANRB 15/2014's components as every decree words them, not of
//! any one decree. A component's noun with "-nya" opening a sentence ("Alurnya, ...",
//! "Syaratnya ...") names it as its label would, and after a line ending in a colon ("Pemohon
//! harus menyiapkan:") each line is an item of its own until a blank line or a line that ends
//! a sentence (a news article's list without bullets or stops).

use super::services::{RawComponent, RawService};
use crate::document::{ComponentKind, LineRange};
use std::collections::HashMap;

/// Fewest headings for a document to be read this way.
const MIN_HEADINGS: usize = 2;
/// Most words a heading or a table-of-contents line has.
const MAX_HEADING_WORDS: usize = 14;
/// Fewest lines of a table of contents that come back as headings.
const MIN_CONTENTS: usize = 3;

/// A service heading: its 0-based line and its title.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heading {
    pub line: usize,
    pub title: String,
    /// The rest of the heading's line when the service's text starts on it (a numbered
    /// paragraph, [`super::paragraphs`]); empty otherwise.
    pub body: String,
    /// Where the service's text ends when the heading knows it (its paragraph's end); `None`
    /// when it runs to the next heading.
    pub end: Option<usize>,
}

impl Heading {
    /// A heading on a line of its own, its service running to the next heading.
    fn on_its_own(line: usize, title: String) -> Self {
        Self {
            line,
            title,
            body: String::new(),
            end: None,
        }
    }
}

/// The service headings of a document that has them in one of the two ways above, in line
/// order; empty when it has fewer than [`MIN_HEADINGS`].
pub(crate) fn headings(lines: &[&str]) -> Vec<Heading> {
    let found = contents_headings(lines);
    let found = if found.len() >= MIN_HEADINGS {
        found
    } else {
        numbered_caps_headings(lines)
    };
    let found = if found.len() >= MIN_HEADINGS {
        found
    } else {
        part_headings(lines)
    };
    let found = if found.len() >= MIN_HEADINGS {
        found
    } else {
        super::paragraphs::headings(lines)
    };
    if found.len() >= MIN_HEADINGS { found } else { Vec::new() }
}

/// The lines with every heading replaced by the service-name row the assembler reads
/// ("Jenis Pelayanan<TAB>title") and the front matter before the first heading left out,
/// numbered from 1.
pub(crate) fn mark_headings(lines: &[&str], headings: &[Heading]) -> Vec<(u32, String)> {
    let Some(first) = headings.first() else {
        return Vec::new();
    };
    lines
        .iter()
        .enumerate()
        .skip(first.line)
        .flat_map(|(i, line)| {
            let number = i as u32 + 1;
            match headings.iter().find(|h| h.line == i) {
                Some(heading) => {
                    let title = (number, format!("Jenis Pelayanan\t{}", heading.title));
                    let body = (!heading.body.is_empty()).then(|| (number, heading.body.clone()));
                    [Some(title), body]
                }
                None => [Some((number, (*line).to_owned())), None],
            }
        })
        .flatten()
        .collect()
}

/// The services of a leaflet in prose: each heading's text up to the next heading, its
/// sentences sorted into components by [`sentence_kind`]. A regulation's general chapters after
/// the last service (one article on fees, one on complaints for every service) give their fee
/// and complaint channel to every service that states none of its own.
pub(crate) fn services(lines: &[&str], headings: &[Heading]) -> Vec<RawService> {
    let mut services = Vec::with_capacity(headings.len());
    let mut general_from = None;
    for (n, heading) in headings.iter().enumerate() {
        // A chapter ("BAB VI") ends the last service of the chapter before it; a numbered
        // paragraph ends with itself.
        let next = headings.get(n + 1).map_or(lines.len(), |next| next.line);
        let end = heading
            .end
            .unwrap_or_else(|| (heading.line + 1..next).find(|&i| is_chapter(lines[i])).unwrap_or(next));
        if n + 1 == headings.len() && end < next {
            general_from = Some(end);
        }
        let mut service = RawService::from_heading(heading.title.clone(), heading.line as u32 + 1);
        service.components = if heading.body.is_empty() {
            components(lines, heading.line + 1, end)
        } else {
            // The service's text starts on the heading's own line.
            let mut own = lines.to_vec();
            own[heading.line] = &heading.body;
            components(&own, heading.line, end)
        };
        if let Some(last) = service.components.iter().map(|c| c.lines.end).max() {
            service.lines.extend_to(last);
        }
        if service.components.iter().any(|c| c.kind != ComponentKind::Other) {
            services.push(service);
        }
    }
    if let Some(from) = general_from {
        // Chapter by chapter (the closing chapter's sentences are not a complaint channel's),
        // or what follows the last numbered paragraph ("B. Seluruh pelayanan di atas tidak
        // dipungut biaya").
        let mut starts = vec![from];
        starts.extend((from + 1..lines.len()).filter(|&i| is_chapter(lines[i])));
        starts.push(lines.len());
        let general: Vec<RawComponent> = starts
            .windows(2)
            .flat_map(|w| components(lines, w[0] + usize::from(is_chapter(lines[w[0]])), w[1]))
            .filter(|c| matches!(c.kind, ComponentKind::Fee | ComponentKind::ComplaintChannel))
            .collect();
        for service in &mut services {
            for component in &general {
                if !service.components.iter().any(|c| c.kind == component.kind) {
                    service.components.push(component.clone());
                }
            }
        }
    }
    services
}

/// The components of lines `start..end`: consecutive sentences of one kind form one component.
fn components(lines: &[&str], start: usize, end: usize) -> Vec<RawComponent> {
    let mut found = Vec::new();
    let mut open: Option<RawComponent> = None;
    for unit in units(lines, start, end) {
        let kind = sentence_kind(&unit.text)
            .or_else(|| open.as_ref().map(|c| c.kind))
            .unwrap_or(ComponentKind::Other);
        match open.as_mut() {
            Some(component) if component.kind == kind => {
                component.raw.push('\n');
                component.raw.push_str(&unit.text);
                component.lines.extend_to(unit.last);
            }
            _ => {
                found.extend(open.take());
                let mut lines = LineRange::line(unit.first);
                lines.extend_to(unit.last);
                open = Some(RawComponent::new(kind, label_of(kind).to_owned(), unit.text, lines));
            }
        }
    }
    found.extend(open);
    found
}

/// The component a sentence of a leaflet belongs to, from its own words; `None` for a sentence
/// that says none of them (an introduction, a slogan). A sentence that opens with a
/// component's name ("(1) Persyaratan pelayanan ... meliputi:", "Jangka waktu penyelesaian
/// ...", an article's caption "Prosedur") is that component, as a regulation words each.
pub(crate) fn sentence_kind(sentence: &str) -> Option<ComponentKind> {
    if let Some(kind) = opening_label(sentence) {
        return Some(kind);
    }
    let lower = sentence.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    let has_prefix = |list: &[&str]| words.iter().any(|w| list.iter().any(|p| w.starts_with(p)));
    let amount = words
        .windows(2)
        .any(|w| w[0] == "rp" && w[1].starts_with(|c: char| c.is_ascii_digit()))
        || lower.contains("rp.") && lower.chars().any(|c| c.is_ascii_digit());
    if amount {
        return Some(ComponentKind::Fee);
    }
    if has_prefix(&["pengadu", "aduan", "keluh", "komplain", "sp4n"])
        || lower.contains("kurang puas")
        || lower.contains("tidak puas")
        || lower.contains("kotak saran")
        || has(&["laporkan", "lapor"])
    {
        return Some(ComponentKind::ComplaintChannel);
    }
    let regulation = has_prefix(&["undang-undang", "peraturan", "perda", "perbup", "permen", "keputusan"]);
    if regulation && has(&["nomor", "no"]) && has(&["tahun"]) {
        return Some(ComponentKind::LegalBasis);
    }
    let unit = has_prefix(&["menit", "jam", "hari", "minggu", "pekan", "bulan"]);
    let limit = has(&[
        "lama",
        "lambat",
        "selambat-lambatnya",
        "maksimal",
        "maks",
        "selesai",
        "sejak",
        "dalam",
        "waktu",
    ]) || lower.contains("x 24")
        || lower.contains('±');
    if unit && limit && words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit())) {
        return Some(ComponentKind::Duration);
    }
    if has_prefix(&["biaya", "tarif", "retribusi", "gratis", "dipungut", "bayar", "membayar"]) {
        return Some(ComponentKind::Fee);
    }
    if has_prefix(&["syarat", "persyaratan", "lampir", "melampir", "fotokopi", "salinan"])
        || has(&[
            "bawa",
            "membawa",
            "dibawa",
            "siapkan",
            "menyiapkan",
            "disiapkan",
            "ktp",
            "kk",
        ])
    {
        return Some(ComponentKind::Requirements);
    }
    if has(&[
        "menerima",
        "mendapat",
        "mendapatkan",
        "memperoleh",
        "diterbitkan",
        "berupa",
    ]) {
        return Some(ComponentKind::Product);
    }
    if has_prefix(&[
        "hubungi",
        "datang",
        "daftar",
        "mendaftar",
        "isi",
        "mengisi",
        "petugas",
        "ajukan",
        "mengajukan",
    ]) || has(&["kemudian", "lalu", "setelah", "caranya", "alurnya", "langkah"])
    {
        return Some(ComponentKind::Procedure);
    }
    None
}

/// The component named by a sentence's first words, after an article's number ("Pasal 7")
/// or a paragraph's "(1)".
fn opening_label(sentence: &str) -> Option<ComponentKind> {
    let mut words: Vec<&str> = sentence.split_whitespace().collect();
    if words.first().is_some_and(|w| w.eq_ignore_ascii_case("pasal")) {
        words.drain(..words.len().min(2));
    }
    while words.first().is_some_and(|w| is_marker(w)) {
        words.remove(0);
    }
    // Only the components of the service itself: "Evaluasi dokumen ...", "Pengawasan ..."
    // opening a sentence are steps, not the management components. One word names a component
    // only when it is the component's own noun: "lama" or "dasar" opening a sentence is an
    // adjective or a subject.
    use ComponentKind::*;
    // A component's noun with the definite "-nya" opens a sentence about it ("Alurnya, pemohon
    // ...", "Syaratnya: ..."), as its label would.
    let definite = words
        .first()
        .and_then(|w| w.trim_end_matches([':', ',', '.']).strip_suffix("nya"))
        .filter(|noun| noun.len() >= 3)
        .map(str::to_owned);
    if let Some(noun) = definite
        && let Some(kind) = super::labels::classify(&noun)
        && matches!(
            kind,
            Requirements | Procedure | Fee | Product | ComplaintChannel | Facilities
        )
    {
        return Some(kind);
    }
    (1..=3.min(words.len())).rev().find_map(|n| {
        let opening = words[..n].join(" ");
        let opening = opening.trim_end_matches([':', ',', '.']);
        super::labels::classify(opening).filter(|k| match k {
            Requirements | Procedure | Fee | Product | ComplaintChannel | Facilities => true,
            Duration | LegalBasis | Hours => n > 1,
            _ => false,
        })
    })
}

/// A paragraph's number: "(1)", "(12)".
fn is_marker(word: &str) -> bool {
    word.strip_prefix('(')
        .and_then(|w| w.strip_suffix(')'))
        .is_some_and(|n| !n.is_empty() && n.len() <= 2 && n.chars().all(|c| c.is_ascii_digit()))
}

/// A chapter line of a regulation: "BAB IV", "BAB 4".
fn is_chapter(line: &str) -> bool {
    let mut words = line.split_whitespace();
    words.next() == Some("BAB")
        && words
            .next()
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit() || "IVXL".contains(c)))
        && words.next().is_none()
}

/// Parts of a regulation in legal-drafting form: "Bagian Kesatu" (or "Bagian 1") on a line of
/// its own, the part's title on the lines below it up to a blank line, a "Paragraf" or a
/// "Pasal". A regulation that sets its standards in articles heads each service so.
fn part_headings(lines: &[&str]) -> Vec<Heading> {
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut words = line.split_whitespace();
        if words.next() != Some("Bagian") || words.next().is_none() || words.next().is_some() {
            continue;
        }
        let title: Vec<&str> = lines[i + 1..]
            .iter()
            .map(|l| l.trim())
            .skip_while(|l| l.is_empty())
            .take_while(|l| {
                !l.is_empty()
                    && !l.starts_with("Paragraf")
                    && !l.starts_with("Pasal")
                    && l.chars().any(char::is_alphabetic)
                    && !l.ends_with(['.', ';', ':'])
            })
            .take(3)
            .collect();
        if !title.is_empty() {
            found.push(Heading::on_its_own(i, title.join(" ")));
        }
    }
    found
}

/// The label a component found in prose is shown with.
fn label_of(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Requirements => "Persyaratan",
        ComponentKind::Procedure => "Prosedur",
        ComponentKind::Duration => "Jangka Waktu",
        ComponentKind::Fee => "Biaya/Tarif",
        ComponentKind::Product => "Produk Pelayanan",
        ComponentKind::ComplaintChannel => "Pengaduan",
        ComponentKind::LegalBasis => "Dasar Hukum",
        _ => "Keterangan",
    }
}

/// A sentence, or a paragraph without sentence ends (a table), and its 1-based lines.
struct Unit {
    text: String,
    first: u32,
    last: u32,
}

/// The sentences of lines `start..end`: paragraphs (split at blank lines) cut after ".", "?"
/// or "!" before a space; a word broken by a hyphen at a line end is joined again.
fn units(lines: &[&str], start: usize, end: usize) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut text = String::new();
    let mut first = 0u32;
    let flush = |text: &mut String, first: u32, last: u32, units: &mut Vec<Unit>| {
        let trimmed = text.trim();
        if trimmed.chars().any(char::is_alphanumeric) && !is_page_number(trimmed) {
            units.push(Unit {
                text: trimmed.to_owned(),
                first,
                last,
            });
        }
        text.clear();
    };
    // After a line that ends with a colon ("Pemohon harus menyiapkan:"), a list one item per
    // line without bullets: each line is a unit, up to a blank line or a line that ends a
    // sentence.
    let mut in_list = false;
    for (i, line) in lines.iter().enumerate().take(end).skip(start) {
        let number = i as u32 + 1;
        let line = line.trim();
        if line.is_empty() {
            flush(&mut text, first, number.saturating_sub(1).max(first), &mut units);
            in_list = false;
            continue;
        }
        // A regulation's paragraph ("(2) ...") is a unit of its own.
        if line.split_whitespace().next().is_some_and(is_marker) {
            flush(&mut text, first, number.saturating_sub(1).max(first), &mut units);
        }
        if text.is_empty() {
            first = number;
        }
        let mut rest = line;
        while let Some(at) = sentence_end(rest).or_else(|| clause_end(rest)) {
            let (sentence, after) = rest.split_at(at + 1);
            push_words(&mut text, sentence);
            flush(&mut text, first, number, &mut units);
            first = number;
            rest = after.trim_start();
        }
        push_words(&mut text, rest);
        if in_list || line.ends_with(':') {
            flush(&mut text, first, number, &mut units);
            in_list = !line.ends_with(['.', '!', '?']);
            continue;
        }
        if !text.is_empty() && !text.ends_with('-') {
            text.push(' ');
        }
    }
    flush(&mut text, first, end as u32, &mut units);
    units
}

/// Appends a line's words, joining a word a hyphen broke at the previous line's end.
fn push_words(text: &mut String, words: &str) {
    if text.ends_with('-') && words.starts_with(|c: char| c.is_lowercase()) {
        text.pop();
    }
    text.push_str(words);
}

/// Where the first sentence of a line ends: ".", "?" or "!" followed by a space and not a
/// number's dot ("Rp 300.000", "No. 45" keep going).
fn sentence_end(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    (0..bytes.len().saturating_sub(2)).find(|&i| {
        let dot = bytes[i] == b'.';
        matches!(bytes[i], b'.' | b'?' | b'!')
            && bytes[i + 1] == b' '
            && !(dot && bytes[i + 2].is_ascii_digit())
            && !(dot && line[..i].ends_with(|c: char| c.is_ascii_digit()) && bytes[i + 2].is_ascii_lowercase())
            && !(dot
                && line[..i]
                    .rsplit([' ', '('])
                    .next()
                    .is_some_and(|w| ABBREVIATIONS.contains(&w.to_lowercase().as_str())))
    })
}

/// Where a clause that names its own component ends inside a sentence of running text: before
/// "; mekanisme: ...", ", produk berupa ...", "; waktu penyelesaian ..." (a circular letter
/// strings a service's components into one sentence). Only a clause that opens with a
/// component's name is cut off; a list's "; " between items is not.
fn clause_end(line: &str) -> Option<usize> {
    line.match_indices([';', ','])
        .map(|(at, _)| at)
        .find(|&at| line[at + 1..].starts_with(' ') && opening_label(line[at + 1..].trim_start()).is_some())
}

/// Abbreviations written with a dot inside a sentence.
const ABBREVIATIONS: &[&str] = &[
    "no", "jl", "kec", "kab", "kel", "s.d", "dll", "dsb", "tgl", "telp", "hlm", "a.n", "drs", "ir", "dr", "hj", "rt",
    "rw", "ds", "ds.", "sdr", "bpk", "ibu", "mis", "yth",
];

fn is_page_number(text: &str) -> bool {
    text.len() <= 4 && text.chars().all(|c| c.is_ascii_digit())
}

/// Words of a line as compared between a table of contents and the headings.
fn key(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether a line could be a heading or a table-of-contents entry: a few words, with letters,
/// not a sentence or a label.
fn heading_like(line: &str) -> bool {
    let trimmed = line.trim();
    let words = trimmed.split_whitespace().count();
    (2..=MAX_HEADING_WORDS).contains(&words)
        && trimmed.chars().any(char::is_alphabetic)
        && !trimmed.ends_with(['.', ':', ',', ';', '?'])
        && !trimmed.contains('\t')
}

/// Headings announced by a table of contents: in a run of consecutive heading-like lines, at
/// least [`MIN_CONTENTS`] come back later on a line of their own; each first return is a
/// heading.
fn contents_headings(lines: &[&str]) -> Vec<Heading> {
    let mut later: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        if heading_like(line) {
            later.entry(key(line)).or_default().push(i);
        }
    }
    let mut start = 0;
    while start < lines.len() {
        if !heading_like(lines[start]) {
            start += 1;
            continue;
        }
        let end = (start..lines.len())
            .find(|&i| !heading_like(lines[i]))
            .unwrap_or(lines.len());
        let found: Vec<Heading> = (start..end)
            .filter_map(|i| {
                let at = *later.get(&key(lines[i]))?.iter().find(|&&j| j >= end)?;
                Some(Heading::on_its_own(at, lines[at].trim().to_owned()))
            })
            .collect();
        let ordered = found.windows(2).all(|w| w[0].line < w[1].line);
        if found.len() >= MIN_CONTENTS && ordered {
            return found;
        }
        start = end;
    }
    Vec::new()
}

/// Headings in capitals after a bare number ("01" on the line before) or a number marker on
/// the same line ("3. IZIN ..."), numbered in order. A heading wrapped over lines in capitals
/// is one title; an acronym alone is titled with the line that spells it out below ("SPPL" /
/// "Surat Pernyataan ...").
fn numbered_caps_headings(lines: &[&str]) -> Vec<Heading> {
    let mut found: Vec<(u32, Heading)> = Vec::new();
    let mut previous: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        let (number, rest) = match leading_number(trimmed) {
            Some((n, rest)) if !rest.is_empty() => (Some(n), rest),
            _ => (previous.and_then(bare_number), trimmed),
        };
        previous = Some(trimmed);
        let Some(number) = number else { continue };
        if !is_caps(rest) || found.last().is_some_and(|(last, _)| number != last + 1) {
            continue;
        }
        let mut title = rest.to_owned();
        let below = lines[i + 1..].iter().map(|l| l.trim());
        for next in below.take(2) {
            // A title wraps onto lines in capitals, its abbreviation too ("(KK)").
            let abbreviation = next.starts_with('(')
                && next.ends_with(')')
                && next.chars().filter(|c| c.is_alphabetic()).count() >= 2
                && !next.chars().any(char::is_lowercase);
            if abbreviation || is_caps(next) && heading_like(next) {
                title = format!("{title} {next}");
                continue;
            }
            if !title.contains(' ') && heading_like(next) {
                title = format!("{title} ({next})");
            }
            break;
        }
        found.push((number, Heading::on_its_own(i, title)));
    }
    found.into_iter().map(|(_, h)| h).collect()
}

/// A short line in capitals, with at least three letters. A word in capitals may carry a
/// lowercase part after a hyphen, as official abbreviations do ("KTP-el", "e-KTP").
fn is_caps(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=MAX_HEADING_WORDS).contains(&words)
        && text.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && text.split_whitespace().all(|w| {
            !w.chars().any(char::is_lowercase)
                || w.contains('-')
                    && w.split('-')
                        .any(|part| !part.is_empty() && !part.chars().any(char::is_lowercase))
        })
        && !text.ends_with(['.', ':', ',', ';', '?'])
}

/// A line that is only a number ("01", "3").
fn bare_number(line: &str) -> Option<u32> {
    (line.len() <= 3).then(|| line.parse().ok()).flatten()
}

/// "3. IZIN ..." / "03 IZIN ...": the number and the rest.
fn leading_number(line: &str) -> Option<(u32, &str)> {
    let digits = line.find(|c: char| !c.is_ascii_digit())?;
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = line[digits..].strip_prefix(['.', ')']).unwrap_or(&line[digits..]);
    if !rest.starts_with(' ') {
        return None;
    }
    Some((line[..digits].parse().ok()?, rest.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_of_contents_announces_the_headings() {
        let lines = [
            "Daftar Layanan",
            "Uji Kendaraan Bermotor",
            "Izin Trayek Angkutan",
            "Sewa Kios Terminal",
            "",
            "Uji Kendaraan Bermotor",
            "T: Apa saja persyaratannya?",
            "Izin Trayek Angkutan",
            "T: Berapa lama?",
            "Sewa Kios Terminal",
        ];
        let found = headings(&lines);
        assert_eq!(found.iter().map(|h| h.line).collect::<Vec<_>>(), vec![5, 7, 9]);
        assert_eq!(found[1].title, "Izin Trayek Angkutan");
        let marked = mark_headings(&lines, &found);
        assert_eq!(marked[0], (6, "Jenis Pelayanan\tUji Kendaraan Bermotor".to_owned()));
    }

    #[test]
    fn numbered_headings_in_capitals() {
        let lines = [
            "BROSUR LAYANAN",
            " 01",
            "PENYEDOTAN LUMPUR TINJA",
            "Anda cukup membawa fotokopi KTP.",
            " 02",
            "PINJAM KONTAINER",
            "UNTUK HAJATAN",
            "",
            "03",
            "SPPL",
            "Surat Pernyataan Kesanggupan Lingkungan",
            "MAKLUMAT PELAYANAN",
        ];
        let found = headings(&lines);
        assert_eq!(found.iter().map(|h| h.line).collect::<Vec<_>>(), vec![2, 5, 9]);
        assert_eq!(found[1].title, "PINJAM KONTAINER UNTUK HAJATAN");
        assert_eq!(found[2].title, "SPPL (Surat Pernyataan Kesanggupan Lingkungan)");
        assert!(headings(&["SATU DUA TIGA", "EMPAT LIMA ENAM"]).is_empty());
    }

    #[test]
    fn a_sentence_belongs_to_the_component_its_words_name() {
        use ComponentKind::*;
        assert_eq!(
            sentence_kind("Anda cukup membawa foto KTP pemilik rumah."),
            Some(Requirements)
        );
        assert_eq!(
            sentence_kind("Jadwal paling lama 2 x 24 jam sejak permohonan tercatat."),
            Some(Duration)
        );
        assert_eq!(sentence_kind("s.d. 10 km Rp 300.000"), Some(Fee));
        assert_eq!(sentence_kind("Layanan ini gratis."), Some(Fee));
        assert_eq!(
            sentence_kind("Dasarnya Peraturan Daerah Nomor 4 Tahun 2024 tentang Retribusi."),
            Some(LegalBasis)
        );
        assert_eq!(
            sentence_kind("Jika kurang puas, sampaikan lewat SP4N-LAPOR!"),
            Some(ComplaintChannel)
        );
        assert_eq!(sentence_kind("Anda akan menerima kartu pelanggan."), Some(Product));
        assert_eq!(sentence_kind("Petugas mencatat permohonan Anda."), Some(Procedure));
        assert_eq!(sentence_kind("WC mampet?"), None);
    }

    #[test]
    fn a_leaflet_becomes_services_of_sorted_sentences() {
        let lines = [
            "01",
            "PENYEDOTAN LUMPUR TINJA",
            "WC mampet? Untuk mengurus pe-",
            "nyedotan, Anda cukup membawa foto KTP. Petugas mencatat",
            "permohonan. Jadwal paling lama 2 x 24 jam.",
            "",
            "02",
            "ANGKUTAN SAMPAH BERLANGGANAN",
            "Syaratnya fotokopi KTP. Tarifnya Rp 10.000 sebulan.",
        ];
        let found = headings(&lines);
        let services = services(&lines, &found);
        assert_eq!(services.len(), 2);
        let kinds: Vec<ComponentKind> = services[0].components.iter().map(|c| c.kind).collect();
        use ComponentKind::*;
        assert_eq!(kinds, vec![Other, Requirements, Procedure, Duration]);
        assert!(services[0].components[1].raw.contains("penyedotan"));
        assert_eq!(services[0].components[2].lines, {
            let mut range = LineRange::line(4);
            range.extend_to(5);
            range
        });
        assert_eq!(services[1].components.len(), 2);
    }

    #[test]
    fn a_list_after_a_colon_is_one_item_a_line_and_a_definite_noun_names_its_component() {
        // A news article: the list's lines have no bullets and no stops, and the sentence
        // after them names a duration on its way to telling the procedure.
        let lines = [
            "1. Pemeriksaan Formulir UKL-UPL",
            "Layanan ini untuk usaha menengah. Pemohon harus menyiapkan:",
            "Nomor Induk Berusaha (NIB) dari sistem OSS",
            "Peta lokasi dan tata letak kegiatan",
            "Alurnya, pemohon mengunggah formulir, petugas memeriksa kelengkapan dalam 2 hari kerja, lalu tim meninjau lapangan.",
            "Waktunya paling lama 20 hari kerja sejak formulir lengkap.",
            "",
            "2. Registrasi SPPL",
            "Syaratnya fotokopi KTP. Tarifnya Rp 10.000 sebulan.",
        ];
        let found = vec![
            Heading::on_its_own(0, "Pemeriksaan Formulir UKL-UPL".into()),
            Heading::on_its_own(7, "Registrasi SPPL".into()),
        ];
        let services = services(&lines, &found);
        use ComponentKind::*;
        let kinds: Vec<ComponentKind> = services[0].components.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![Other, Requirements, Procedure, Duration]);
        assert!(services[0].components[1].raw.contains("Peta lokasi"));
        assert_eq!(
            sentence_kind("Alurnya, pemohon datang dalam 2 hari kerja."),
            Some(Procedure)
        );
    }

    /// A regulation that sets its standards in articles: each "Bagian" heads a service, each
    /// paragraph opening with a component's name is that component, a chapter after the last
    /// service is not part of it, and a general chapter on complaints holds for every service.
    #[test]
    fn parts_of_a_regulation_head_services_and_paragraphs_name_components() {
        let text = "\
PERATURAN BUPATI CONTOH NOMOR 3 TAHUN 2024
TENTANG STANDAR PELAYANAN PADA DINAS PENDIDIKAN KABUPATEN CONTOH

BAB IV
STANDAR PELAYANAN

Bagian Kesatu
Legalisasi Fotokopi Ijazah

Pasal 5
(1) Persyaratan pelayanan legalisasi meliputi:
    a.  ijazah asli; dan
    b.  fotokopi ijazah paling banyak 10 lembar.
(2) Jangka waktu penyelesaian paling lama 1 (satu) hari kerja.
(3) Pelayanan legalisasi tidak dipungut biaya.

Bagian Kedua
Rekomendasi Mutasi Peserta Didik

Pasal 6
(1) Prosedur pelayanan: petugas memverifikasi berkas dan kepala bidang menandatangani.
(2) Produk pelayanan berupa surat rekomendasi mutasi.

BAB V
PENGADUAN

Pasal 7
(1) Setiap pemohon dapat menyampaikan pengaduan melalui telepon 0286 123.

BAB VI
KETENTUAN PENUTUP

Pasal 8
Peraturan Bupati ini mulai berlaku pada tanggal diundangkan.
";
        let document = crate::parse::parse_text("990_x.txt", text).unwrap();
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Legalisasi Fotokopi Ijazah", "Rekomendasi Mutasi Peserta Didik"]
        );
        let kinds =
            |n: usize| -> Vec<ComponentKind> { document.services[n].components.iter().map(|c| c.kind).collect() };
        assert!(kinds(0).contains(&ComponentKind::Requirements), "{:?}", kinds(0));
        assert!(kinds(0).contains(&ComponentKind::Duration), "{:?}", kinds(0));
        assert_eq!(document.services[0].fee.as_ref().and_then(|f| f.rupiah), Some(0));
        assert!(kinds(1).contains(&ComponentKind::Procedure), "{:?}", kinds(1));
        assert!(kinds(1).contains(&ComponentKind::Product), "{:?}", kinds(1));
        assert!(
            !document.services[1]
                .components
                .iter()
                .any(|c| c.text.contains("mulai berlaku")),
            "the closing chapter is no part of the last service"
        );
        // The general chapter on complaints holds for every service.
        for service in &document.services {
            let channel = service
                .components
                .iter()
                .any(|c| c.kind == ComponentKind::ComplaintChannel && c.text.contains("0286"));
            assert!(channel, "{}", service.title);
        }
    }
}
