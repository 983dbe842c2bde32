//! Institutions, documents and sectors a question may be about (`knowledge/data/entities.txt`):
//! a word the decrees never mention says the question is about something they do not cover
//! ("cuti karyawan pabrik"), so it weighs against a look-alike service like a service word.

use crate::analysis::analyze;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

/// Words that name an institution, a document or a sector a public service may be about
/// (analysed). One the decrees never mention says the question is about something they do not
/// cover, so it weighs like a service word.
pub(super) static ENTITIES: LazyLock<HashSet<String>> = LazyLock::new(|| entity_words(|_| true));

/// The entity words a citizen can go to: all but the things (`# --- things ...` in
/// `entities.txt`: "mobil", "tanah"). "Dibawa di mobil" is no office the service is had at.
pub(super) static PLACE_ENTITIES: LazyLock<HashSet<String>> =
    LazyLock::new(|| entity_words(|section| !section.starts_with("# --- things")));

/// The entity words a service serves only when its name says so: documents other offices issue
/// ("akta", "paspor") and things ("motor"). A service's text that names one asks for it ("fc
/// akta kelahiran", "kendaraan dinas roda dua"), it does not make or serve it.
pub(super) static NAMED_ONLY: LazyLock<HashSet<String>> = LazyLock::new(|| {
    entity_words(|section| section.starts_with("# --- documents") || section.starts_with("# --- things"))
});

/// The kind each entity word is of ("cv < perusahaan": a CV is a company), both analysed: a
/// service whose text names the kind serves the word.
pub(super) static KIND_OF: LazyLock<HashMap<String, String>> = LazyLock::new(|| {
    include_str!("../../data/entities.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('<'))
        .filter_map(
            |(word, kind)| match (analyze(word).as_slice(), analyze(kind).as_slice()) {
                ([word], [kind]) => Some((word.clone(), kind.clone())),
                _ => None,
            },
        )
        .collect()
});

/// The one-word entity lines of `entities.txt` (analysed) under the section headers `keep`
/// accepts. A line of several words names the institution only as a whole ("rumah sakit"): its
/// words apart ("rumah", "kantor") are ordinary, so only one-word lines are entity words.
fn entity_words(keep: impl Fn(&str) -> bool) -> HashSet<String> {
    let mut section = "";
    let mut words = HashSet::default();
    for line in include_str!("../../data/entities.txt").lines() {
        if line.starts_with("# ---") {
            section = line;
        }
        if line.trim().is_empty() || line.starts_with('#') || !keep(section) {
            continue;
        }
        let word = line.split_once('<').map_or(line, |(word, _)| word);
        if let [one] = analyze(word).as_slice() {
            words.insert(one.clone());
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_word_institutions_are_entity_words() {
        // "rumah sakit" and "kantor pos" name institutions as a whole; "rumah" and "kantor" are
        // ordinary words ("sedot wc di rumah", "ke kantor kecamatan").
        assert!(ENTITIES.contains("pabrik"));
        assert!(!ENTITIES.contains("rumah") && !ENTITIES.contains("kantor") && !ENTITIES.contains("sakit"));
        assert!(NAMED_ONLY.contains("akta") && NAMED_ONLY.contains("motor") && !NAMED_ONLY.contains("pabrik"));
        assert!(ENTITIES.contains("cv"));
        assert_eq!(
            KIND_OF.get("cv").map(String::as_str),
            Some("usaha"),
            "analysed like the decrees"
        );
    }
}
