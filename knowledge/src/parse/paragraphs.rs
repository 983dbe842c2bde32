//! Services written as numbered paragraphs of running text, as a circular letter (Surat
//! Edaran) or an announcement gives them: "1. Pelayanan Surat Pengantar SKCK, persyaratan:
//! fotokopi KTP; ...; mekanisme: ...; waktu 15 menit." One paragraph is one service: its title
//! is the paragraph's opening phrase, the rest is the service's text, sorted into components
//! sentence by sentence as a leaflet's are ([`super::prose`]).
//!
//! A numbered paragraph is taken for a service only when it reads like one: long enough to
//! hold several components, and its clauses say at least two different components (a
//! requirement and a duration, say). A list of regulations ("Mengingat: 1. Undang-Undang
//! ...") says one, a list of addressees ("Tembusan") none, so neither is read as services.
//!
//! The opening phrase ends where the title's grammar ends: at a comma, colon, semicolon or
//! sentence end, or before a word that starts a qualifier of the service rather than its name
//! ("untuk hajatan", "bagi usaha mikro", "dengan melampirkan"); a bracket that explains or
//! lists ("(Akta Jual Beli, Akta Hibah, ...)", "(pendaftaran kurang dari 10 hari ...)") is no
//! part of the name, while an abbreviation in brackets ("(SKTM)") is.

use super::prose::{Heading, sentence_kind};

/// Fewest numbered paragraphs, numbered in order, for a document to be read this way.
const MIN_PARAGRAPHS: usize = 3;
/// Fewest words of a paragraph that gives a whole service.
const MIN_WORDS: usize = 25;
/// Fewest different components a service's paragraph says.
const MIN_KINDS: usize = 2;
/// Most words of a title taken from a paragraph's opening.
const MAX_TITLE_WORDS: usize = 16;
/// Words that start a qualifier after a service's name: its purpose, its beneficiary, its
/// means.
const QUALIFIERS: &[&str] = &["untuk", "bagi", "guna", "dengan", "melalui", "yang", "apabila", "jika"];

/// The headings of the numbered paragraphs that are services, each with the rest of its first
/// line as `body` and its paragraph's end: the longest list numbered 1, 2, 3, ... of at least
/// [`MIN_PARAGRAPHS`] paragraphs, every one of them at least half as long as a service's, most
/// of them saying [`MIN_KINDS`] components. Empty when no list is.
pub(crate) fn headings(lines: &[&str]) -> Vec<Heading> {
    let mut lists: Vec<Vec<Paragraph>> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some((number, first)) = item(line) else { continue };
        let end = paragraph_end(lines, i);
        let words = lines[i..end]
            .iter()
            .map(|l| l.split_whitespace().count())
            .sum::<usize>();
        let paragraph = Paragraph {
            number,
            line: i,
            end,
            words,
            first,
        };
        match lists.last_mut() {
            Some(list) if list.last().is_some_and(|p| p.number + 1 == number) => list.push(paragraph),
            _ if number == 1 => lists.push(vec![paragraph]),
            _ => {}
        }
    }
    // Lengths first (a list of requirements is short lines); the components said only then.
    let services = |list: &&Vec<Paragraph>| {
        list.len() >= MIN_PARAGRAPHS
            && list.iter().all(|p| 2 * p.words >= MIN_WORDS)
            && 2 * list
                .iter()
                .filter(|p| p.words >= MIN_WORDS && kinds(&lines[p.line..p.end].join(" ")) >= MIN_KINDS)
                .count()
                >= list.len()
    };
    let Some(list) = lists.iter().filter(services).max_by_key(|list| list.len()) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|p| {
            let (title, body) = opening(p.first);
            (!title.is_empty()).then(|| Heading {
                line: p.line,
                title,
                body: body.to_owned(),
                end: Some(p.end),
            })
        })
        .collect()
}

/// A numbered paragraph: its number, first line, end and length in words.
struct Paragraph<'a> {
    number: u32,
    line: usize,
    end: usize,
    words: usize,
    first: &'a str,
}

/// A numbered paragraph's or item's number and text: "1.<TAB>...", "10 .<TAB>...", "3) ...".
pub(super) fn item(line: &str) -> Option<(u32, &str)> {
    let line = line.trim_start();
    let digits = line.find(|c: char| !c.is_ascii_digit())?;
    if digits == 0 || digits > 2 {
        return None;
    }
    let rest = line[digits..].trim_start_matches(' ');
    let rest = rest.strip_prefix(['.', ')'])?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    Some((line[..digits].parse().ok()?, rest.trim()))
}

/// Where a paragraph that starts at `start` ends: at a blank line, the next numbered
/// paragraph or a lettered section ("B.<TAB>...").
fn paragraph_end(lines: &[&str], start: usize) -> usize {
    (start + 1..lines.len())
        .find(|&i| {
            let line = lines[i].trim();
            line.is_empty() || item(line).is_some() || is_section(line)
        })
        .unwrap_or(lines.len())
}

/// A lettered section's line: "B.<TAB>Seluruh pelayanan ...", "C. Waktu Pelayanan".
fn is_section(line: &str) -> bool {
    let mut chars = line.chars();
    matches!((chars.next(), chars.next(), chars.next()), (Some(c), Some('.' | ')'), Some(' ' | '\t')) if c.is_ascii_uppercase())
}

/// How many different components the clauses of a paragraph say.
fn kinds(text: &str) -> usize {
    let mut kinds: Vec<_> = text
        .split([';', '.'])
        .flat_map(|clause| clause.split(':').next_back())
        .filter_map(sentence_kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.len()
}

/// A paragraph's opening phrase as a title, and the rest of the line after it.
fn opening(text: &str) -> (String, &str) {
    let words: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
        .collect();
    let closes = |w: &str| w.ends_with([',', ':', ';', '.']);
    let mut title: Vec<String> = Vec::new();
    let mut end = text.len();
    let mut i = 0;
    while i < words.len() {
        let (at, word) = words[i];
        if word.starts_with('(') {
            // The bracket runs to the word that closes it.
            let last = (i..words.len())
                .find(|&j| words[j].1.trim_end_matches([',', ':', ';', '.']).ends_with(')'))
                .unwrap_or(words.len() - 1);
            let inside: Vec<&str> = words[i..=last].iter().map(|(_, w)| *w).collect();
            let inside = inside.join(" ");
            let inside = inside.trim_end_matches([',', ':', ';', '.']);
            // An abbreviation in brackets names the service; an explanation or a list does not.
            if !inside.chars().any(char::is_lowercase) && !inside.contains(',') {
                title.push(inside.to_owned());
            }
            i = last + 1;
            if closes(words[last].1) {
                end = words.get(i).map_or(text.len(), |(at, _)| *at);
                break;
            }
            continue;
        }
        if title.len() >= 2 && QUALIFIERS.contains(&word.to_lowercase().as_str()) {
            end = at;
            break;
        }
        title.push(word.trim_end_matches([',', ':', ';', '.']).to_owned());
        i += 1;
        if closes(word) || title.len() >= MAX_TITLE_WORDS {
            end = words.get(i).map_or(text.len(), |(at, _)| *at);
            break;
        }
    }
    (title.join(" "), text[end..].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_paragraph_opens_with_its_title() {
        assert_eq!(
            opening("Registrasi Surat Keterangan Ahli Waris, syarat: a) ...").0,
            "Registrasi Surat Keterangan Ahli Waris"
        );
        assert_eq!(
            opening("Rekomendasi Izin Keramaian untuk hajatan, pertunjukan").0,
            "Rekomendasi Izin Keramaian"
        );
        assert_eq!(
            opening("Legalisasi Surat Keterangan Tidak Mampu (SKTM) untuk keperluan pendidikan").0,
            "Legalisasi Surat Keterangan Tidak Mampu (SKTM)"
        );
        assert_eq!(
            opening("Surat Dispensasi Nikah (pendaftaran kehendak nikah kurang dari 10 hari), persyaratan: x").0,
            "Surat Dispensasi Nikah"
        );
        assert_eq!(
            opening(
                "Pembuatan Akta Peralihan (Akta Jual Beli, Akta Hibah) oleh Camat selaku PPAT (PPATS), persyaratan:"
            )
            .0,
            "Pembuatan Akta Peralihan oleh Camat selaku PPAT (PPATS)"
        );
        assert_eq!(
            opening("Penanganan Pengaduan Masyarakat: pengaduan dapat").1,
            "pengaduan dapat"
        );
    }

    #[test]
    fn numbered_paragraphs_that_say_components_are_services() {
        let lines = [
            "Mengingat:",
            "1.\tUndang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;",
            "2.\tPeraturan Bupati Nomor 3 Tahun 2020 tentang Kecamatan;",
            "",
            "1.\tSurat Pengantar SKCK, persyaratan: fotokopi KTP; fotokopi KK; surat pengantar dari Desa; mekanisme: petugas memverifikasi berkas dan mengetik surat; selesai dalam waktu paling lama 15 menit.",
            "2.\tRekomendasi Izin Keramaian untuk hajatan, dengan melampirkan surat permohonan dari penyelenggara dan fotokopi KTP penanggung jawab kegiatan; rekomendasi selesai paling lama 1 (satu) hari kerja.",
            "3.\tLegalisasi SKTM: membawa SKTM asli dari Desa, fotokopi KTP dan KK serta bukti terdaftar dalam DTKS; selesai pada hari yang sama paling lama 15 menit, tidak dipungut biaya.",
            "",
            "B.\tSeluruh pelayanan di atas tidak dipungut biaya.",
            "Tembusan:",
            "1.\tBupati;",
            "2.\tSekretaris Daerah.",
        ];
        let found = headings(&lines);
        let titles: Vec<&str> = found.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Surat Pengantar SKCK", "Rekomendasi Izin Keramaian", "Legalisasi SKTM"]
        );
        assert_eq!(found[0].line, 4);
        assert!(found[0].body.starts_with("persyaratan: fotokopi KTP"));
        assert_eq!(found[2].end, Some(7));
    }
}
