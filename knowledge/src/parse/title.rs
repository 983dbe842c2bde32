//! Clean service titles: what a citizen reads on a button and what a service id is made of.
//!
//! A decree's heading carries layout around the name: list numbering in many forms ("5 .
//! Title", "19.title", "XVIII.", "A."), bullets, trailing punctuation ("21.Title."), and, in a
//! decree that opens most headings with it and no other process noun, the word
//! *Pelayanan*/*Layanan* ("A. PELAYANAN UJI LABORATORIUM"), which then names nothing. None of that is part of the name. Titles
//! written in capitals are re-cased with the decree's own evidence of which words are
//! acronyms ([`WordCase`]).

use super::casing::{WordCase, readable_case_with};

/// What a decree's headings carry around the names, decided over all its headings.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TitleLayout {
    /// The decree puts *Pelayanan* before most of its titles: then the word is layout
    /// ("PELAYANAN RADIOLOGI" among "PELAYANAN RAWAT JALAN", "PELAYANAN RAWAT INAP" reads
    /// "Radiologi"). A decree that writes it before one title among others that lack it made
    /// it part of that name ("Pelayanan Pemulangan Orang Terlantar"), and a reader copying
    /// the title keeps it ([`generic_lead_is_layout`]).
    pub generic_lead: bool,
    /// The decree is bilingual: most headings gloss the name in English, and the gloss is
    /// layout. In a decree in Indonesian, an English name after the Indonesian one is what
    /// citizens also call the service ("Surat Keterangan Asal (SKA) / Certificate of Origin")
    /// and stays ([`glosses_are_layout`]).
    pub english_gloss: bool,
}

/// The readable name of a service from its heading text (markup already stripped).
pub(crate) fn clean_title(heading: &str, evidence: &WordCase, layout: TitleLayout) -> String {
    let title = without_examples(strip_layout(heading));
    let title = if layout.english_gloss {
        without_english_gloss(title)
    } else {
        title
    };
    let title = if layout.generic_lead {
        strip_generic_lead(title)
    } else {
        title
    };
    readable_case_with(title, evidence)
}

/// A title without a closing list of examples in parentheses ("PENYELAMATAN / EVAKUASI HEWAN
/// (ULAR, SARANG TAWON, BIAWAK, DLL)"): what the service covers, not its name.
fn without_examples(title: &str) -> &str {
    let Some(open) = title.rfind('(') else {
        return title;
    };
    let inner = title[open + 1..]
        .trim_end()
        .trim_end_matches(')')
        .trim_end_matches('.')
        .to_lowercase();
    let examples = inner.contains(',')
        && ["dll", "dsb", "dan lain-lain", "dan sebagainya", "etc"]
            .iter()
            .any(|end| inner.trim_end().ends_with(end));
    if examples && title.trim_end().ends_with(')') {
        title[..open].trim_end()
    } else {
        title
    }
}

/// The office every heading of a decree ends with ("PELAYANAN PEMERIKSAAN UMUM" / "UPTD
/// PUSKESMAS SUMBERWARAS" read as one title): the longest run of words, opening with an
/// office's word, that at least three titles end with after a name of their own, and that
/// every other title is (a heading with no name under it). It names who gives the service,
/// not the service.
pub(crate) fn shared_office_tail<'a>(titles: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let titles: Vec<Vec<String>> = titles
        .into_iter()
        .map(|t| t.split_whitespace().map(str::to_uppercase).collect())
        .collect();
    let longest = titles.iter().max_by_key(|t| t.len())?;
    // An office is its kind and a name: two words at least ("Desa" alone ends many names).
    (2..longest.len()).rev().find_map(|n| {
        let tail = &longest[longest.len() - n..];
        let named = titles.iter().filter(|t| t.len() > n && t.ends_with(tail)).count();
        let all = titles.iter().all(|t| t.ends_with(tail));
        (all && named >= 3 && super::header::starts_with_agency_word(&tail.join(" "))).then(|| tail.join(" "))
    })
}

/// Whether most of a decree's headings gloss their name in English.
pub(crate) fn glosses_are_layout<'a>(headings: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut glossed, mut all) = (0usize, 0usize);
    for heading in headings {
        all += 1;
        let title = strip_layout(heading);
        if without_english_gloss(title).len() < title.len() {
            glossed += 1;
        }
    }
    2 * glossed > all
}

/// English function words: a part of a bilingual title that has one is its translation.
const ENGLISH: &[&str] = &["of", "the", "for", "and", "to", "in", "with", "on"];

/// Whether a text has an English function word: the English line or part of a bilingual
/// decree (a title's gloss, "GOVERNMENT OF ... REGENCY" in a letterhead).
pub(crate) fn has_english_words(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .any(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
}

/// A bilingual heading's Indonesian name: "VERIFIKASI SERTIFIKAT ... / Verification of Tourism
/// Business Standard Certificate" reads as its part before " / " when the part after has
/// English function words and the part before has none.
fn without_english_gloss(title: &str) -> &str {
    let Some((indonesian, gloss)) = title.split_once(" / ") else {
        return title;
    };
    let english = has_english_words;
    // Or a name in capitals glossed in title case ("PELAYANAN INFORMASI PARIWISATA / Tourist
    // Information Service").
    let capitals = |text: &str| text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
    if english(gloss) && !english(indonesian) || capitals(indonesian) && !capitals(gloss) {
        indonesian.trim()
    } else {
        title
    }
}

/// Whether most of a decree's headings open with the generic service word, so that the word
/// is the decree's layout rather than part of any one name. Not when the other headings open
/// with another process noun (pe-...-an: "PENERBITAN SURAT KETERANGAN SEHAT" beside
/// "PELAYANAN RAWAT INAP"): then *Pelayanan* is one of the decree's process nouns, and part
/// of each name as much as *Penerbitan* is.
pub(crate) fn generic_lead_is_layout<'a>(headings: impl IntoIterator<Item = &'a str>) -> bool {
    let (mut with, mut all, mut other_process) = (0usize, 0usize, false);
    for heading in headings {
        all += 1;
        let title = strip_layout(heading);
        if strip_generic_lead(title).len() < title.len() {
            with += 1;
        } else {
            other_process |= title.split_whitespace().next().is_some_and(is_process_noun);
        }
    }
    all >= 2 && with * 2 > all && !other_process
}

/// A process noun of the pe-...-an kind ("Penerbitan", "Pendaftaran", "Pengesahan").
fn is_process_noun(word: &str) -> bool {
    let lower = word.to_lowercase();
    lower.len() >= 8 && lower.starts_with("pe") && lower.ends_with("an") && lower.chars().all(char::is_alphabetic)
}

/// The heading without numbering, bullets and trailing punctuation.
fn strip_layout(heading: &str) -> &str {
    let mut title = heading.trim();
    loop {
        let before = title;
        title = title.trim_start_matches(['-', '•', '*', '·', '–', ' ']);
        title = strip_list_number(title);
        title = strip_service_number(title);
        title = strip_document_kind(title);
        if title == before {
            break;
        }
    }
    title.trim_end_matches(['.', ';', ',', ':', ' '])
}

/// Strips a service's number written as a label ("LAYANAN NO. 2", "Jenis Pelayanan ke-3",
/// "Layanan Nomor 10 :"): it counts the services, it names none.
fn strip_service_number(text: &str) -> &str {
    let mut rest = text;
    let mut words = 0;
    for lead in ["jenis", "pelayanan", "layanan"] {
        if let Some(after) = strip_word(rest, lead) {
            rest = after;
            words += 1;
        }
    }
    if words == 0 {
        return text;
    }
    ["nomor", "no.", "no", "ke-", "ke"]
        .iter()
        .find_map(|marker| {
            let after = strip_word(rest, marker).or_else(|| strip_prefix_ci(rest, marker))?;
            let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (digits > 0).then(|| after[digits..].trim_start_matches(['.', ':', ')', ' ', '-', '—', '–']))
        })
        .unwrap_or(text)
}

/// Strips the kind of document a numbered heading repeats before each name ("1. Standar
/// Pelayanan Pemeriksaan Kimia Klinik"): the decree is the standard, the service is what
/// follows. A minimum service standard ("Standar Pelayanan Minimal ...") is a name of its own.
fn strip_document_kind(text: &str) -> &str {
    let Some(rest) =
        strip_word(text, "standar").and_then(|r| strip_word(r, "pelayanan").or_else(|| strip_word(r, "layanan")))
    else {
        return text;
    };
    let first = rest.split_whitespace().next().unwrap_or_default().to_lowercase();
    if rest.is_empty() || first.starts_with("minimal") || matches!(first.as_str(), "pada" | "di" | "dan" | "ini") {
        text
    } else {
        rest
    }
}

/// `text` after `word` (any case) and the blanks after it, when it starts with the word.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let rest = strip_prefix_ci(text, word)?;
    rest.starts_with(' ').then(|| rest.trim_start())
}

/// `text` after `prefix` (ASCII, any case), when it starts with it.
fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

/// Strips one list number from the start: "5 . ", "19.", "XVIII. ", "a) ", "(3) ".
fn strip_list_number(text: &str) -> &str {
    let body = text.strip_prefix('(').unwrap_or(text);
    let token_len = body
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(body.len(), |(at, _)| at);
    let token = &body[..token_len];
    let is_number = !token.is_empty()
        && (token.chars().all(|c| c.is_ascii_digit())
            || token.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
            || token.len() == 1);
    if !is_number {
        return text;
    }
    let rest = body[token_len..].trim_start();
    match rest.strip_prefix(['.', ')']) {
        Some(after) => after.trim_start(),
        // A bare number followed by a space ("12 Pengantar") is numbering too, but a bare
        // letter is not ("A" could open a name only in a foreign title; keep it).
        None if token.chars().all(|c| c.is_ascii_digit()) && body[token_len..].starts_with(' ') => rest,
        None => text,
    }
}

/// Drops a leading *Pelayanan*/*Layanan* when a name follows.
fn strip_generic_lead(title: &str) -> &str {
    let mut words = title.splitn(2, char::is_whitespace);
    let first = words.next().unwrap_or("");
    let rest = words.next().unwrap_or("").trim_start();
    let generic = matches!(first.to_lowercase().as_str(), "pelayanan" | "layanan");
    if generic && !rest.is_empty() { rest } else { title }
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_list_of_examples_is_no_part_of_the_title() {
        assert_eq!(
            without_examples("PENYELAMATAN / EVAKUASI HEWAN (ULAR, SARANG TAWON / LEBAH, BIAWAK, DLL)"),
            "PENYELAMATAN / EVAKUASI HEWAN"
        );
        assert_eq!(
            without_examples("Pengantar Pengajuan DD, ADD, BHPRD (Bantuan Keuangan)"),
            "Pengantar Pengajuan DD, ADD, BHPRD (Bantuan Keuangan)"
        );
    }

    #[test]
    fn a_service_number_written_as_a_label_is_no_part_of_the_title() {
        for (heading, title) in [
            ("LAYANAN NO. 2 PEMERIKSAAN APAR", "PEMERIKSAAN APAR"),
            ("Layanan No.10 Bantuan Air Bersih", "Bantuan Air Bersih"),
            ("Jenis Pelayanan ke-3: Izin Keramaian", "Izin Keramaian"),
            ("Layanan Nomor 4 - Pelatihan", "Pelatihan"),
            ("Layanan Rumah Kemasan", "Layanan Rumah Kemasan"),
            ("Pelayanan Kesehatan Hewan", "Pelayanan Kesehatan Hewan"),
            ("Layanan Nomor Induk Berusaha", "Layanan Nomor Induk Berusaha"),
        ] {
            assert_eq!(strip_layout(heading), title);
        }
    }

    #[test]
    fn a_bilingual_title_reads_as_its_indonesian_name() {
        assert_eq!(
            without_english_gloss("VERIFIKASI SERTIFIKAT STANDAR USAHA / Verification of Business Standard"),
            "VERIFIKASI SERTIFIKAT STANDAR USAHA"
        );
        assert_eq!(
            without_english_gloss("PELAYANAN INFORMASI PARIWISATA / Tourist Information Service"),
            "PELAYANAN INFORMASI PARIWISATA"
        );
        assert_eq!(
            without_english_gloss("Izin Trayek / Angkutan Perdesaan"),
            "Izin Trayek / Angkutan Perdesaan"
        );
        assert_eq!(without_english_gloss("KTP-EL / KK"), "KTP-EL / KK");
        // Only a decree that glosses most of its names is bilingual.
        assert!(glosses_are_layout([
            "PELAYANAN INFORMASI PARIWISATA / Tourist Information Service",
            "IZIN USAHA / Business License",
            "Pengaduan",
        ]));
        assert!(!glosses_are_layout([
            "Penerbitan Surat Keterangan Asal (SKA) / Certificate of Origin",
            "Tera Ulang",
            "Uji Mutu",
        ]));
    }

    use super::*;

    const LEAD: TitleLayout = TitleLayout {
        generic_lead: true,
        english_gloss: false,
    };

    fn clean(heading: &str) -> String {
        clean_title(heading, &WordCase::default(), TitleLayout::default())
    }

    #[test]
    fn numbering_in_every_form_is_dropped() {
        assert_eq!(clean("5 . Pengantar Izin Keramaian"), "Pengantar Izin Keramaian");
        assert_eq!(clean("19.surat keterangan usaha"), "surat keterangan usaha");
        assert_eq!(clean("21.Surat Pindah."), "Surat Pindah");
        assert_eq!(clean("XVIII. Penyusunan Kebijakan"), "Penyusunan Kebijakan");
        assert_eq!(clean("a) Legalisir Dokumen;"), "Legalisir Dokumen");
        assert_eq!(clean("(3) Rekomendasi Izin"), "Rekomendasi Izin");
        assert_eq!(clean("12 Pengantar Nikah"), "Pengantar Nikah");
        assert_eq!(clean("- • Konsultasi"), "Konsultasi");
    }

    #[test]
    fn the_kind_of_document_before_a_numbered_name_is_dropped() {
        assert_eq!(
            clean("1.\tStandar Pelayanan Pemeriksaan Kimia Klinik"),
            "Pemeriksaan Kimia Klinik"
        );
        assert_eq!(clean("2. STANDAR LAYANAN Uji KIR"), "Uji KIR");
        assert_eq!(
            clean("Standar Pelayanan Minimal Kesehatan"),
            "Standar Pelayanan Minimal Kesehatan"
        );
        assert_eq!(clean("Standar Pelayanan pada Dinas"), "Standar Pelayanan pada Dinas");
    }

    #[test]
    fn names_that_only_look_numbered_are_kept() {
        assert_eq!(clean("Izin Belajar"), "Izin Belajar");
        assert_eq!(clean("Data dan Informasi"), "Data dan Informasi");
        assert_eq!(clean("Kartu Identitas Anak"), "Kartu Identitas Anak");
    }

    #[test]
    fn the_generic_service_word_of_one_heading_is_part_of_its_name() {
        assert_eq!(
            clean("A. PELAYANAN PINJAM PAKAI KENDARAAN"),
            "Pelayanan Pinjam Pakai Kendaraan"
        );
        assert_eq!(clean("Pelayanan Konsultasi"), "Pelayanan Konsultasi");
        assert_eq!(clean("Pengaduan Pelayanan Publik"), "Pengaduan Pelayanan Publik");
    }

    #[test]
    fn the_generic_word_is_layout_when_most_headings_carry_it() {
        let headings = [
            "A. PELAYANAN RAWAT JALAN",
            "B. PELAYANAN RADIOLOGI",
            "C. PELAYANAN RAWAT INAP",
            "D. VISUM",
        ];
        assert!(generic_lead_is_layout(headings));
        assert_eq!(clean_title(headings[1], &WordCase::default(), LEAD), "Radiologi");
        assert!(!generic_lead_is_layout([
            "Pelayanan Konsultasi",
            "Sosialisasi",
            "Data dan Informasi"
        ]));
        assert!(generic_lead_is_layout(["Pelayanan Konsultasi", "Pelayanan Pengaduan"]));
        assert!(!generic_lead_is_layout(["Pelayanan Konsultasi"]));
        // Beside another process noun, Pelayanan is one too, and part of the names.
        assert!(!generic_lead_is_layout([
            "A. PELAYANAN RAWAT JALAN",
            "B. PELAYANAN RAWAT INAP",
            "C. PELAYANAN IMUNISASI",
            "D. PENERBITAN SURAT KETERANGAN SEHAT",
        ]));
        assert_eq!(
            clean_title("Layanan Konsultasi Hukum", &WordCase::default(), LEAD),
            "Konsultasi Hukum"
        );
        // Nothing is left to name: the word stays.
        assert_eq!(clean_title("Pelayanan", &WordCase::default(), LEAD), "Pelayanan");
    }

    #[test]
    fn the_office_every_title_ends_with_is_no_part_of_the_names() {
        let titles = [
            "PELAYANAN PEMERIKSAAN UMUM UPTD PUSKESMAS SUMBERWARAS",
            "Pelayanan Imunisasi UPTD Puskesmas Sumberwaras",
            "PELAYANAN LABORATORIUM UPTD PUSKESMAS SUMBERWARAS",
            "UPTD PUSKESMAS SUMBERWARAS",
        ];
        assert_eq!(
            shared_office_tail(titles).as_deref(),
            Some("UPTD PUSKESMAS SUMBERWARAS")
        );
        // Two titles are no evidence, and a shared last word that is no office's is a name's.
        assert_eq!(shared_office_tail(titles[..2].iter().copied()), None);
        assert_eq!(
            shared_office_tail([
                "Izin Trayek Angkutan Desa",
                "Kartu Pengawasan Angkutan Desa",
                "Rekomendasi Angkutan Desa"
            ]),
            None
        );
    }

    #[test]
    fn capitals_are_recased() {
        assert_eq!(clean("I. PENGANTAR IJIN KERAMAIAN"), "Pengantar Ijin Keramaian");
    }
}
