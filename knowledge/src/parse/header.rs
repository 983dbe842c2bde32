//! Reads the issuing agency and the decree number from a decree's front matter.
//!
//! Indonesian decrees share a letterhead convention: "PEMERINTAH KABUPATEN X" followed by
//! the agency's name, then "KEPUTUSAN ... NOMOR : ..." and "TENTANG ... STANDAR PELAYANAN".
//! Documents without a letterhead (a handbook-style "STANDAR PELAYANAN / BADAN ... TAHUN
//! 2021") name the agency in a title line; a news article names it in its sentences ("Standar
//! Pelayanan di Dinas Lingkungan Hidup Kabupaten Bukit Lestari, ..."): the agency word, its
//! capitalised name and its regency, the name given most often. All are found with general
//! rules; when nothing fits, the caller records a warning instead of guessing.

use super::casing::readable_case;
use crate::document::Decree;

/// Words that start an agency's name in Indonesian local government.
const AGENCY_WORDS: &[&str] = &[
    "BADAN",
    "DINAS",
    "SEKRETARIAT",
    "KECAMATAN",
    "KELURAHAN",
    "DESA",
    "INSPEKTORAT",
    "KANTOR",
    "RUMAH SAKIT",
    "RSUD",
    "PUSKESMAS",
    "SATUAN",
    "UPT",
    "UPTD",
    "BAGIAN",
    "KEMENTERIAN",
    "LEMBAGA",
    "BIRO",
    "KEPOLISIAN",
    "PENGADILAN",
    "MAL PELAYANAN",
];

/// A line without markup, whitespace runs as one space.
/// Words that open a clause after a name ("sebagaimana ditetapkan", "yang beralamat",
/// "sesuai dengan"): an agency's name never holds one.
const CLAUSE_WORDS: &[&str] = &[
    "sebagaimana",
    "yang",
    "sesuai",
    "berdasarkan",
    "ditetapkan",
    "dengan",
    "adalah",
    "merupakan",
    "tanggal",
    "nomor",
    "agar",
];

pub(crate) fn clean_line(line: &str) -> String {
    super::markup::tidy(&super::markup::strip_markup(line).replace('\n', " "))
}

pub(crate) fn starts_with_agency_word(upper: &str) -> bool {
    AGENCY_WORDS
        .iter()
        .any(|w| upper.starts_with(w) && upper[w.len()..].starts_with([' ', ',']) || upper == *w)
}

/// Whether an uppercase text starts with a region's name ("KABUPATEN SIDOARJO", "KOTA ...",
/// "PROVINSI ...").
pub(crate) fn starts_with_region_word(upper: &str) -> bool {
    ["KABUPATEN ", "KOTA ", "PROVINSI "]
        .iter()
        .any(|w| upper.starts_with(w))
}

fn is_address(upper: &str) -> bool {
    [
        "JL", "JALAN", "TELP", "TELEPON", "FAX", "FAKS", "EMAIL", "E-MAIL", "WEBSITE", "KODE POS",
    ]
    .iter()
    .any(|p| upper.starts_with(p))
}

/// Removes a trailing "TAHUN 2021" and stray punctuation from an agency name.
fn trim_agency(name: &str) -> String {
    let mut words: Vec<&str> = name.split_whitespace().collect();
    while let Some(last) = words.last() {
        let bare = last.trim_matches(|c: char| !c.is_alphanumeric());
        if bare.chars().all(|c| c.is_ascii_digit()) || bare.eq_ignore_ascii_case("tahun") || bare.is_empty() {
            words.pop();
        } else {
            break;
        }
    }
    words.join(" ").trim_end_matches([',', '.', ':']).to_owned()
}

/// Finds the issuing agency in the lines before the first service.
pub(crate) fn find_agency(lines: &[&str]) -> Option<String> {
    let cleaned: Vec<String> = lines.iter().map(|l| clean_line(l)).collect();
    // Letterhead: "PEMERINTAH KABUPATEN PASURUAN" then the agency on the next text line.
    for (i, line) in cleaned.iter().enumerate() {
        let upper = line.to_uppercase();
        let Some(region) = upper.strip_prefix("PEMERINTAH ") else {
            continue;
        };
        if !["KABUPATEN", "KOTA", "PROVINSI"].iter().any(|w| region.starts_with(w))
            || region.split_whitespace().count() > 5
        {
            continue;
        }
        // A bilingual letterhead glosses each line in English ("GOVERNMENT OF ... REGENCY").
        let english = |l: &String| super::title::has_english_words(l) && !starts_with_agency_word(&l.to_uppercase());
        let mut following = cleaned[i + 1..].iter().filter(|l| !l.is_empty() && !english(l));
        if let Some(first) = following.next() {
            // A letterhead may descend the hierarchy ("KECAMATAN BANJARMASIN UTARA" /
            // "KELURAHAN SUNGAI JINGAH"): the lowest unit issues the decree, named with the
            // units above it.
            let mut units = vec![first];
            if starts_with_agency_word(&first.to_uppercase()) {
                units.extend(following.take_while(|l| {
                    let upper = l.to_uppercase();
                    starts_with_agency_word(&upper) && !is_address(&upper) && l.split_whitespace().count() <= 8
                }));
            }
            let joined: String = units.iter().rev().map(|u| u.as_str()).collect::<Vec<_>>().join(" ");
            let next = &joined;
            let next_upper = next.to_uppercase();
            if !is_address(&next_upper) && next.split_whitespace().count() <= 12 + 8 * (units.len() - 1) {
                let name = trim_agency(next);
                let full = if next_upper.contains(region) {
                    name
                } else {
                    format!("{name} {}", line[11..].trim())
                };
                return Some(readable_case(&full));
            }
        }
    }
    // Handbook style: a title paragraph naming an agency ("BADAN KEPEGAWAIAN ... TAHUN 2021"),
    // possibly wrapped over several lines.
    // A paragraph's address lines under the name ("Jl. Pahlawan No. 27", "Telp. ...") are
    // no part of it.
    let paragraphs: Vec<String> = cleaned
        .split(|l| l.is_empty())
        .map(|p| {
            let name = p.iter().take_while(|l| !is_address(&l.to_uppercase())).count();
            &p[..name.max(usize::from(!p.is_empty()))]
        })
        .filter(|p| !p.is_empty() && p.len() <= 4)
        .map(|p| p.join(" "))
        .collect();
    for line in &paragraphs {
        let upper = line.to_uppercase();
        if starts_with_agency_word(&upper) && line.split_whitespace().count() <= 16 && !line.contains(':') {
            return Some(readable_case(&trim_agency(line)));
        }
    }
    // "TENTANG ... PADA <agency>".
    for line in &cleaned {
        let upper = line.to_uppercase();
        if let Some(at) = upper.find("PADA ") {
            // The name ends where the sentence goes on (", sebagai pelaksanaan ...").
            // So does a sentence: a dot after a word of more than three letters ("...
            // Kabupaten Sindangreja. Apabila"), not an abbreviation's ("Kab. Pasuruan").
            let rest = line[at + 5..].split([',', ';']).next().unwrap_or_default();
            let rest = rest
                .match_indices(". ")
                .find(|(i, _)| rest[..*i].rsplit(' ').next().is_some_and(|w| w.chars().count() > 3))
                .map_or(rest, |(i, _)| &rest[..i]);
            // And so does a clause after it ("... Kabupaten Girimekar sebagaimana ditetapkan
            // dengan Keputusan ..."): no agency's name has such a word.
            let rest = rest
                .split_whitespace()
                .take_while(|w| !CLAUSE_WORDS.contains(&w.to_lowercase().as_str()))
                .collect::<Vec<_>>()
                .join(" ");
            if starts_with_agency_word(&rest.to_uppercase()) {
                return Some(readable_case(&trim_agency(&rest)));
            }
        }
    }
    // A letterhead line inside a longer block (a web page's banner, a leaflet's cover): the
    // agency, and the regency on the line below it ("DINAS LINGKUNGAN HIDUP" / "KABUPATEN
    // TIRTASARI").
    for (i, line) in cleaned.iter().enumerate() {
        let upper = line.to_uppercase();
        if !starts_with_agency_word(&upper) || line.split_whitespace().count() > 8 || line.contains(':') {
            continue;
        }
        if line.chars().any(char::is_lowercase) {
            continue;
        }
        let below = cleaned
            .get(i + 1)
            .filter(|next| starts_with_region_word(&next.to_uppercase()) && next.split_whitespace().count() <= 4);
        let name = below.map_or_else(|| line.clone(), |next| format!("{line} {next}"));
        return Some(readable_case(&trim_agency(&name)));
    }
    // A profile's name line in any case, under a handle and over a date (a social media
    // page's posts): the agency with its regency on one line ("Dinas Kependudukan dan
    // Pencatatan Sipil Kab. Tanjung Selaras").
    cleaned
        .iter()
        .find(|line| {
            let upper = line.to_uppercase();
            starts_with_agency_word(&upper)
                && line.split_whitespace().count() <= 12
                && !line.contains(':')
                && [" KABUPATEN ", " KAB. ", " KOTA ", " PROVINSI "]
                    .iter()
                    .any(|w| upper.contains(w))
        })
        .map(|line| readable_case(&trim_agency(line)))
        .or_else(|| agency_in_text(&cleaned))
}

/// The agency a text without a letterhead names in its sentences (a news article: "Berikut
/// Standar Pelayanan di Dinas Lingkungan Hidup Kabupaten Bukit Lestari, dari ..."): an agency
/// word, its name's capitalised words, and its regency; an acronym in brackets after the name
/// ("(DLH)") is no part of it. The name the text gives most often, the first of equals.
fn agency_in_text(cleaned: &[String]) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for line in cleaned {
        let words: Vec<&str> = line.split_whitespace().collect();
        for start in 0..words.len() {
            // An agency word is at most two words; the third shows where it ends.
            if !words[start].starts_with(char::is_uppercase)
                || !starts_with_agency_word(&words[start..words.len().min(start + 3)].join(" ").to_uppercase())
            {
                continue;
            }
            let mut name: Vec<&str> = Vec::new();
            let mut region_at = None;
            for word in &words[start..] {
                let bare = word.trim_end_matches([',', '.', ';', ':']);
                if bare.starts_with('(') && bare.ends_with(')') {
                    continue;
                }
                let capitalised = bare.starts_with(char::is_uppercase);
                if !(capitalised || matches!(bare, "dan" | "&")) || name.len() >= 14 {
                    break;
                }
                if region_at.is_none()
                    && matches!(bare.to_uppercase().as_str(), "KABUPATEN" | "KAB" | "KOTA" | "PROVINSI")
                {
                    region_at = Some(name.len());
                }
                name.push(bare);
                if bare.len() < word.len() {
                    break;
                }
            }
            let Some(at) = region_at.filter(|&at| at >= 1 && name.len() > at + 1) else {
                continue;
            };
            let name = trim_agency(&name.join(" "));
            if name.split_whitespace().count() > at + 4 {
                continue;
            }
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
    }
    let most = counts.iter().map(|(_, c)| *c).max()?;
    counts
        .into_iter()
        .find(|(_, c)| *c == most)
        .map(|(name, _)| readable_case(&name))
}

/// Finds the decree number: the "NOMOR" line of a "KEPUTUSAN" whose subject mentions
/// *Standar Pelayanan* (a document may also carry a separate *Maklumat* decree), else the
/// first decree number.
pub(crate) fn find_decree(lines: &[&str]) -> Option<Decree> {
    let mut candidates = Vec::new();
    for (i, raw) in lines.iter().enumerate() {
        let line = clean_line(raw);
        let upper = line.to_uppercase();
        let Some(rest) = upper.strip_prefix("NOMOR") else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches(':').trim();
        let number: String = line[line.len() - rest.len()..]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("");
        if number.is_empty() || !number.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let subject: String = lines[i + 1..lines.len().min(i + 10)].join(" ").to_uppercase();
        let about_standards = subject.contains("STANDAR PELAYANAN");
        let year = number
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|part| part.len() == 4)
            .and_then(|y| y.parse::<u16>().ok())
            .filter(|y| (1945..=2100).contains(y));
        candidates.push((
            about_standards,
            Decree {
                number,
                year,
                line: i as u32 + 1,
            },
        ));
    }
    let best = candidates.iter().position(|(about, _)| *about).unwrap_or(0);
    (!candidates.is_empty()).then(|| candidates.swap_remove(best).1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letterhead_agency_gets_its_region() {
        let lines = [
            "",
            "PEMERINTAH KABUPATEN PASURUAN",
            "SEKRETARIAT DAERAH",
            "",
            "Jalan Hayam Wuruk Nomor 14",
        ];
        assert_eq!(
            find_agency(&lines).as_deref(),
            Some("Sekretariat Daerah Kabupaten Pasuruan")
        );
    }

    #[test]
    fn a_news_article_names_the_agency_in_its_sentences() {
        let lines = [
            "Portal Resmi Pemerintah Kabupaten Bukit Lestari",
            "Beranda » Berita » Lingkungan Hidup",
            "Berikut Standar Pelayanan di Dinas Lingkungan Hidup Kabupaten Bukit Lestari, dari Uji Air sampai Sedot WC",
            "Oleh Admin Diskominfo | Selasa, 14 Mei 2024",
            "BUKIT LESTARI – Dinas Lingkungan Hidup (DLH) Kabupaten Bukit Lestari resmi memberlakukan standar pelayanan baru.",
            "Kepala Dinas Kominfo Kabupaten Bukit Lestari hadir.",
        ];
        assert_eq!(
            find_agency(&lines).as_deref(),
            Some("Dinas Lingkungan Hidup Kabupaten Bukit Lestari")
        );
        assert_eq!(find_agency(&["Warga datang ke kantor desa."]), None);
    }

    #[test]
    fn a_letterhead_that_descends_the_hierarchy_names_the_lowest_unit() {
        let lines = [
            "PEMERINTAH KOTA BANJARMASIN",
            "KECAMATAN BANJARMASIN UTARA",
            "KELURAHAN SUNGAI JINGAH",
            "Jalan Sungai Jingah RT. 09 No. 41",
        ];
        assert_eq!(
            find_agency(&lines).as_deref(),
            Some("Kelurahan Sungai Jingah Kecamatan Banjarmasin Utara Kota Banjarmasin")
        );
    }

    #[test]
    fn the_agency_named_in_a_sentence_ends_where_the_clause_goes_on() {
        let lines = [
            "Beranda > PPID > Standar Pelayanan",
            "Berikut Standar Pelayanan pada Badan Kesatuan Bangsa dan Politik Kabupaten Girimekar sebagaimana \
             ditetapkan dengan Keputusan Kepala Badan Nomor 200.1/37/2024 tanggal 4 Maret 2024.",
        ];
        assert_eq!(
            find_agency(&lines).as_deref(),
            Some("Badan Kesatuan Bangsa dan Politik Kabupaten Girimekar")
        );
    }

    #[test]
    fn a_name_above_its_address_is_the_agency() {
        let lines = [
            "> Halaman ini adalah versi kerja dari Lampiran Keputusan.",
            "",
            "**Dinas Koperasi, Usaha Kecil dan Menengah Kabupaten Watukarang**",
            "Jl. Pahlawan No. 27, Kel. Kauman, Kabupaten Watukarang 57419",
            "Telp. (0287) 771245",
        ];
        assert_eq!(
            find_agency(&lines).as_deref(),
            Some("Dinas Koperasi, Usaha Kecil dan Menengah Kabupaten Watukarang")
        );
    }

    #[test]
    fn handbook_title_names_the_agency() {
        let lines = [
            "# STANDAR PELAYANAN",
            "",
            "**BADAN KEPEGAWAIAN DAN PENDIDIKAN PELATIHAN DAERAH  ",
            "KABUPATEN PASURUAN  ",
            "TAHUN 2021**",
        ];
        assert_eq!(
            find_agency(&lines).as_deref(),
            Some("Badan Kepegawaian dan Pendidikan Pelatihan Daerah Kabupaten Pasuruan")
        );
    }

    #[test]
    fn decree_about_standards_wins_over_maklumat() {
        let lines = [
            "NOMOR : 060/ 78 / 424.013/2022",
            "TENTANG",
            "PENETAPAN MAKLUMAT PELAYANAN",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "NOMOR : 060/ 79 / 424.013/2022",
            "TENTANG",
            "PENETAPAN STANDAR PELAYANAN",
        ];
        let decree = find_decree(&lines).unwrap();
        assert_eq!(decree.number, "060/79/424.013/2022");
        assert_eq!(decree.year, Some(2022));
        assert_eq!(decree.line, 11);
    }

    #[test]
    fn no_decree_is_none() {
        assert_eq!(find_decree(&["STANDAR PELAYANAN", "Nomor telepon"]), None);
    }
}
