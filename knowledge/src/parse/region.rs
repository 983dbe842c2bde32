//! The regency/city and province of a decree, read from its letterhead and title by the rules of
//! Indonesian administrative naming, never from the file name.
//!
//! A local government names itself "Pemerintah Kabupaten X", "Pemerintah Kota X" or
//! "Pemerintah Provinsi X"; agencies carry the same phrase ("Kecamatan Beji Kabupaten
//! Pasuruan", "Dinas Kesehatan Kab. Malang", "Kota Administrasi Jakarta Selatan"). X is the run
//! of capitalised words after the keyword, up to punctuation, a number, or a word that starts
//! another phrase ("Nomor", "Tahun", "Provinsi", an agency word). A lowercase word right after
//! the keyword ("kabupaten di Jawa Timur", "Kabupaten/Kota") is prose, not a name.
//!
//! Where to look, in this order: the letterhead ("PEMERINTAH ..." lines), the agency's name,
//! then the other lines before the first service, skipping legal citations ("Undang-Undang",
//! "Peraturan ...", which name other governments). The first regency/city and the first
//! province found win; either is `None` when the decree does not say.

use super::casing::readable_case;

/// The regency or city and the province a decree belongs to, as the decree names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Region {
    /// "Kabupaten Pasuruan", "Kota Malang", "Kota Administrasi Jakarta Selatan".
    pub regency: Option<String>,
    /// "Provinsi Jawa Timur", "Daerah Istimewa Yogyakarta".
    pub province: Option<String>,
}

/// Longest name read after a keyword ("Pangkajene dan Kepulauan" has three words).
const MAX_NAME_WORDS: usize = 4;

/// Words that end a name: the next phrase of a letterhead or title.
const STOP_WORDS: &[&str] = &[
    "NOMOR",
    "NO",
    "TAHUN",
    "TENTANG",
    "PROVINSI",
    "PROV",
    "KABUPATEN",
    "KAB",
    "KOTA",
    "KECAMATAN",
    "KELURAHAN",
    "DESA",
    "DINAS",
    "BADAN",
    "KANTOR",
    "SEKRETARIAT",
    "JALAN",
    "JL",
    "TELP",
    "TELEPON",
    "KODE",
    "EMAIL",
    "PADA",
    "DI",
    "YANG",
    "DENGAN",
    "SEBAGAIMANA",
    "REPUBLIK",
    "INDONESIA",
    "NEGARA",
];

/// Where a phrase names a level of government: (keyword as written, in capitals; its level;
/// the name's prefix in readable form).
const KEYWORDS: &[(&str, Level, &str)] = &[
    ("KOTA ADMINISTRASI", Level::Regency, "Kota Administrasi"),
    ("KABUPATEN ADMINISTRASI", Level::Regency, "Kabupaten Administrasi"),
    ("KABUPATEN", Level::Regency, "Kabupaten"),
    ("KAB.", Level::Regency, "Kabupaten"),
    ("KOTA", Level::Regency, "Kota"),
    ("PROVINSI", Level::Province, "Provinsi"),
    ("PROV.", Level::Province, "Provinsi"),
    ("DAERAH ISTIMEWA", Level::Province, "Daerah Istimewa"),
    ("DAERAH KHUSUS IBUKOTA", Level::Province, "Daerah Khusus Ibukota"),
    ("DAERAH KHUSUS IBU KOTA", Level::Province, "Daerah Khusus Ibu Kota"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Regency,
    Province,
}

/// Reads the region from the lines before the first service and the agency's name.
pub(crate) fn find_region(front: &[String], agency: Option<&str>) -> Region {
    let letterhead = front
        .iter()
        .filter(|l| l.trim_start().to_uppercase().starts_with("PEMERINTAH"));
    let rest = front.iter().filter(|l| !is_citation(l));
    let mut region = Region::default();
    for line in letterhead
        .map(String::as_str)
        .chain(agency)
        .chain(rest.map(String::as_str))
    {
        for (level, name) in names_in(line) {
            let slot = match level {
                Level::Regency => &mut region.regency,
                Level::Province => &mut region.province,
            };
            slot.get_or_insert(name);
        }
        if region.regency.is_some() && region.province.is_some() {
            break;
        }
    }
    region
}

/// A line citing legislation, whose governments are not the decree's own.
fn is_citation(line: &str) -> bool {
    let upper = line.to_uppercase();
    [
        "UNDANG",
        "PERATURAN",
        "KEPUTUSAN PRESIDEN",
        "INSTRUKSI",
        "SURAT EDARAN",
        "LEMBARAN",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

/// Every "<keyword> <Name>" of a line, in order.
fn names_in(line: &str) -> Vec<(Level, String)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut found = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let Some((length, level, prefix)) = keyword_at(&words[at..]) else {
            at += 1;
            continue;
        };
        // "Ibu Kota X" is a capital city, not a government's name.
        let after_ibu = level == Level::Regency
            && prefix == "Kota"
            && at > 0
            && words[at - 1]
                .trim_matches(|c: char| !c.is_alphanumeric())
                .eq_ignore_ascii_case("ibu");
        let name = name_after(&words[at + length..]);
        if !after_ibu && let Some(name) = &name {
            found.push((level, format!("{prefix} {}", readable_case(name))));
        }
        at += length + name.map_or(0, |n| n.split_whitespace().count());
    }
    found
}

/// The keyword starting `words`: how many words it spans, its level and its readable prefix.
fn keyword_at(words: &[&str]) -> Option<(usize, Level, &'static str)> {
    KEYWORDS.iter().find_map(|(keyword, level, prefix)| {
        let parts: Vec<&str> = keyword.split(' ').collect();
        if words.len() < parts.len() {
            return None;
        }
        let matches = parts.iter().zip(words).enumerate().all(|(i, (part, word))| {
            let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
            let last = i + 1 == parts.len();
            let upper = word.to_uppercase();
            if last && !part.ends_with('.') {
                // "Kabupaten" or "Kabupaten," (a name follows only without the comma: checked later).
                upper.trim_end_matches([',', ':', ';']) == *part && !upper.ends_with([',', ':', ';'])
            } else {
                upper == *part
            }
        });
        matches.then_some((parts.len(), *level, *prefix))
    })
}

/// The name at the start of `words`: capitalised words up to punctuation, a number or a stop
/// word, at most [`MAX_NAME_WORDS`]; `None` when the first word is not a capitalised name.
fn name_after(words: &[&str]) -> Option<String> {
    let mut name: Vec<&str> = Vec::new();
    for word in words {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '-' && c != '\'');
        let upper = bare.to_uppercase();
        let starts_capital = bare.chars().next().is_some_and(char::is_uppercase);
        let joining = !name.is_empty() && (bare == "dan" || bare == "DAN");
        if bare.is_empty()
            || bare.chars().any(|c| c.is_ascii_digit())
            || STOP_WORDS.contains(&upper.trim_end_matches('.'))
            || !(starts_capital || joining)
            || name.len() == MAX_NAME_WORDS
            || word.starts_with(['(', '/'])
        {
            break;
        }
        name.push(bare);
        // Punctuation after a word ends the name ("Kabupaten Pasuruan, Jawa Timur").
        if word.ends_with([',', '.', ';', ':', ')', '/']) && !bare.ends_with('.') {
            break;
        }
    }
    while name.last().is_some_and(|w| w.eq_ignore_ascii_case("dan")) {
        name.pop();
    }
    (!name.is_empty()).then(|| name.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(lines: &[&str], agency: Option<&str>) -> (Option<String>, Option<String>) {
        let front: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let region = find_region(&front, agency);
        (region.regency, region.province)
    }

    fn some(regency: &str, province: Option<&str>) -> (Option<String>, Option<String>) {
        (Some(regency.to_owned()), province.map(str::to_owned))
    }

    #[test]
    fn letterheads_name_regencies_and_cities() {
        for (lines, expected) in [
            (
                &["PEMERINTAH KABUPATEN SUKAMAJU", "DINAS KESEHATAN"][..],
                "Kabupaten Sukamaju",
            ),
            (
                &["PEMERINTAH KOTA TELUK INDAH", "KECAMATAN PANTAI"][..],
                "Kota Teluk Indah",
            ),
            (&["PEMERINTAH KAB. SUKA MULYA"][..], "Kabupaten Suka Mulya"),
            (
                &["Pemerintah Kota Administrasi Jakarta Selatan"][..],
                "Kota Administrasi Jakarta Selatan",
            ),
            (
                &["PEMERINTAH KABUPATEN PANGKAJENE DAN KEPULAUAN"][..],
                "Kabupaten Pangkajene dan Kepulauan",
            ),
        ] {
            assert_eq!(region(lines, None), some(expected, None), "{lines:?}");
        }
    }

    #[test]
    fn the_province_comes_with_its_keyword() {
        assert_eq!(
            region(&["PEMERINTAH PROVINSI JAWA TENGAH", "DINAS PERHUBUNGAN"], None),
            (None, Some("Provinsi Jawa Tengah".to_owned()))
        );
        assert_eq!(
            region(&["PEMERINTAH KABUPATEN SUKAMAJU", "PROVINSI JAWA TIMUR"], None),
            some("Kabupaten Sukamaju", Some("Provinsi Jawa Timur"))
        );
        assert_eq!(
            region(&["Kecamatan Beji, Kab. Sukamaju, Prov. Jawa Timur"], None),
            some("Kabupaten Sukamaju", Some("Provinsi Jawa Timur"))
        );
        assert_eq!(
            region(&["PEMERINTAH DAERAH ISTIMEWA YOGYAKARTA"], None),
            (None, Some("Daerah Istimewa Yogyakarta".to_owned()))
        );
    }

    #[test]
    fn the_agency_name_is_read_when_there_is_no_letterhead() {
        assert_eq!(
            region(&["STANDAR PELAYANAN"], Some("Kecamatan Beji Kabupaten Sukamaju")),
            some("Kabupaten Sukamaju", None)
        );
        assert_eq!(
            region(
                &[
                    "# STANDAR PELAYANAN",
                    "**BADAN KEPEGAWAIAN DAERAH  ",
                    "KOTA TELUK INDAH  ",
                    "TAHUN 2021**"
                ],
                None
            ),
            some("Kota Teluk Indah", None)
        );
    }

    #[test]
    fn the_letterhead_wins_over_later_lines_and_citations_are_skipped() {
        let lines = [
            "Mengingat : 1. Undang-Undang Nomor 12 Tahun 1950 tentang Pembentukan Kota Besar Lain",
            "2. Peraturan Daerah Provinsi Jawa Barat Nomor 5 Tahun 2016",
            "PEMERINTAH KOTA TELUK INDAH",
            "KEPUTUSAN CAMAT PANTAI KOTA LAIN",
        ];
        assert_eq!(region(&lines, None), some("Kota Teluk Indah", None));
    }

    #[test]
    fn prose_and_generic_mentions_are_no_names() {
        for line in [
            "Pemerintah Daerah Kabupaten/Kota wajib menetapkan standar",
            "pelayanan di kota besar dan kabupaten di Djawa Timur",
            "Ibu Kota Nusantara",
            "KABUPATEN, KOTA DAN PROVINSI",
            "Kota 12 dan Kabupaten (lama)",
        ] {
            assert_eq!(region(&[line], None), (None, None), "{line}");
        }
    }

    #[test]
    fn a_name_ends_at_numbers_punctuation_and_the_next_phrase() {
        assert_eq!(
            region(&["KEPUTUSAN BUPATI KABUPATEN SUKAMAJU NOMOR 12 TAHUN 2023"], None),
            some("Kabupaten Sukamaju", None)
        );
        assert_eq!(
            region(&["Kantor Kabupaten Sukamaju, Jalan Merdeka 1"], None),
            some("Kabupaten Sukamaju", None)
        );
        assert_eq!(
            region(&["DINAS SOSIAL KOTA TELUK INDAH PROVINSI SULAWESI SELATAN"], None),
            some("Kota Teluk Indah", Some("Provinsi Sulawesi Selatan"))
        );
    }
}
