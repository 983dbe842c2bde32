//! `similarity`: whether two complaints are about the same problem, for offering a citizen an
//! open complaint to support instead of filing the same one again (FixMyStreet does this).
//!
//! The measure is the Jaccard index of the two complaints' sets of *content words* (title,
//! description and place, lower-cased, split on anything not a letter or digit, Indonesian
//! function words and words under three letters dropped, a trailing possessive "-nya" cut).
//! Why this and not a vector model: complaints are short (one to five sentences), the same
//! pothole is described with the same nouns (street, landmark, object) by different people,
//! and what decides "same problem" is sharing those nouns, not word counts; a set measure is
//! explainable to an officer, needs no model or data files, and is cheap enough to compare a new
//! complaint with every open one of its handler. [`DUPLICATE_THRESHOLD`] (0.4) sits between the
//! test table's rephrasings of one problem (0.7 to 0.9) and its different problems at the same
//! office or street (0.13 and 0.27); it is only ever a suggestion: the citizen decides.

use std::collections::BTreeSet;

/// From this Jaccard index on, an open complaint of the same handler is offered as the same
/// problem.
pub const DUPLICATE_THRESHOLD: f64 = 0.4;

/// Indonesian function words and chat fillers that say nothing about which problem it is.
const STOPWORDS: &[&str] = &[
    "ada",
    "adalah",
    "agar",
    "akan",
    "aku",
    "apa",
    "atau",
    "bagaimana",
    "bahwa",
    "banyak",
    "bapak",
    "belum",
    "beliau",
    "bisa",
    "buat",
    "bukan",
    "dalam",
    "dan",
    "dari",
    "dengan",
    "dia",
    "gak",
    "ini",
    "itu",
    "jadi",
    "juga",
    "kali",
    "kalau",
    "kami",
    "kamu",
    "kan",
    "karena",
    "ke",
    "kenapa",
    "kita",
    "kok",
    "lagi",
    "lah",
    "mas",
    "masih",
    "mau",
    "mereka",
    "mohon",
    "mbak",
    "nya",
    "oleh",
    "pada",
    "para",
    "pak",
    "saat",
    "sampai",
    "sangat",
    "saya",
    "sejak",
    "sekali",
    "selama",
    "semua",
    "sendiri",
    "serta",
    "setelah",
    "sih",
    "sudah",
    "tapi",
    "telah",
    "tersebut",
    "tidak",
    "tolong",
    "untuk",
    "yang",
    "udah",
    "dong",
    "tuh",
    "gimana",
    "banget",
];

/// The content words of a text, as [`similarity`] compares them.
pub fn content_words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .map(|w| match w.strip_suffix("nya") {
            Some(stem) if stem.chars().count() >= 3 => stem.to_owned(),
            _ => w,
        })
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Jaccard index of the content words of `a` and `b`: 0 (nothing shared) to 1 (the same words).
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (content_words(a), content_words(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised() {
        let words: Vec<String> = content_words("Jalannya RUSAK, di depan SDN 2 Beji; sudah sebulan!")
            .into_iter()
            .collect();
        assert_eq!(words, ["beji", "depan", "jalan", "rusak", "sdn", "sebulan"]);
        assert_eq!(similarity("", "apa ya"), 0.0);
    }

    /// The table the threshold was chosen on: (a, b, same problem?).
    #[test]
    fn the_threshold_separates_rephrasings_from_other_problems() {
        let pothole = "Jalan berlubang besar di depan SDN 2 Beji, sudah sebulan tidak diperbaiki. Jl. Raya Beji";
        let cases = [
            (
                pothole,
                "Lubang besar di jalan depan SDN 2 Beji belum diperbaiki juga. Jl. Raya Beji",
                true,
            ),
            (
                "Lampu jalan mati di Jl. Melati RT 03 Gununggangsir, gelap tiap malam",
                "Lampu penerangan jalan Jl. Melati Gununggangsir mati, malam gelap sekali",
                true,
            ),
            (
                "Petugas loket KTP di kantor kecamatan Beji minta uang tambahan 50 ribu",
                "Di loket KTP kantor kecamatan Beji petugas minta uang 50 ribu",
                true,
            ),
            (
                pothole,
                "Sampah di depan kantor kelurahan tidak diangkut dua minggu. Kantor Kelurahan Beji",
                false,
            ),
            (
                "Petugas loket KTP di kantor kecamatan Beji minta uang tambahan 50 ribu",
                "Antrian KTP di kantor kecamatan Beji lama sekali, tiga jam menunggu",
                false,
            ),
        ];
        for (a, b, same) in cases {
            let score = similarity(a, b);
            assert_eq!(score >= DUPLICATE_THRESHOLD, same, "{score:.2}: {a} / {b}");
            assert!((score - similarity(b, a)).abs() < 1e-12, "symmetric");
        }
    }
}
