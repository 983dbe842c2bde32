//! Chat abbreviations that drop vowels: "nnti" for nanti, "prsyrtn" for persyaratan, "pmbyrn"
//! for pembayaran.
//!
//! Indonesian chat shortens words by leaving out most of their vowels, and citizens invent such
//! forms on the fly, so no table can list them. A typed word is read as a known word when it
//! keeps that word's first letter and all of its consonants, in order, and drops vowels only.
//! Known words are the decrees' own words and the analyzer's standard words; when several fit,
//! the decrees' most frequent one is taken only if it clearly leads. Words with two vowels or
//! more, or a vowel inside ("stan"), are words or acronyms of their own and are never read this
//! way.

use rustc_hash::FxHashMap as HashMap;

/// Fewest consonants an abbreviation keeps: "bl" could be bila, beli or belum.
const MIN_CONSONANTS: usize = 3;
/// Most vowels a typed abbreviation keeps ("nnti" keeps its last letter).
const MAX_VOWELS: usize = 1;
/// The most frequent reading must be this many times as frequent as the next.
const LEAD: u32 = 3;

/// Known words by their consonant skeleton (first letter, then the consonants of the rest).
#[derive(Debug, Default)]
pub struct VowellessIndex {
    by_skeleton: HashMap<String, Vec<(String, u32)>>,
}

impl VowellessIndex {
    /// Indexes `(word, frequency)` pairs (lowercase ASCII words; others are skipped).
    pub fn build(words: impl IntoIterator<Item = (String, u32)>) -> Self {
        let mut by_skeleton: HashMap<String, Vec<(String, u32)>> = HashMap::default();
        for (word, freq) in words {
            if !word.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            let key = skeleton(&word);
            let entries = by_skeleton.entry(key).or_default();
            match entries.iter_mut().find(|(w, _)| *w == word) {
                Some(entry) => entry.1 = entry.1.max(freq),
                None => entries.push((word, freq)),
            }
        }
        for entries in by_skeleton.values_mut() {
            entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        }
        Self { by_skeleton }
    }

    /// The known word a vowel-dropped `typed` word stands for, if one clearly does.
    pub fn expand(&self, typed: &str) -> Option<&str> {
        if !typed.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let vowels = typed.bytes().filter(|&b| is_vowel(b)).count();
        let consonants = typed.len() - vowels;
        // The vowel a chat form keeps is its last letter ("nnti"); one inside ("stan") makes
        // it a word or an acronym of its own.
        let kept_inside = typed.bytes().rev().skip(1).any(is_vowel);
        if vowels > MAX_VOWELS || kept_inside || consonants < MIN_CONSONANTS {
            return None;
        }
        let fits: Vec<&(String, u32)> = self
            .by_skeleton
            .get(&skeleton(typed))?
            .iter()
            .filter(|(word, _)| word.len() > typed.len() && is_subsequence(typed, word))
            .collect();
        match fits.as_slice() {
            [only] => Some(&only.0),
            [first, second, ..] if first.1 >= LEAD * second.1.max(1) => Some(&first.0),
            _ => None,
        }
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The first letter, then the consonants of the rest.
fn skeleton(word: &str) -> String {
    let mut bytes = word.bytes();
    let mut out = String::with_capacity(word.len());
    if let Some(first) = bytes.next() {
        out.push(first as char);
    }
    out.extend(bytes.filter(|&b| !is_vowel(b)).map(|b| b as char));
    out
}

/// Whether `short` is `long` with some letters left out, starting with the same letter.
fn is_subsequence(short: &str, long: &str) -> bool {
    if short.as_bytes().first() != long.as_bytes().first() {
        return false;
    }
    let mut rest = long.bytes();
    short.bytes().all(|b| rest.any(|l| l == b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> VowellessIndex {
        VowellessIndex::build(
            [
                ("nanti", 0),
                ("persyaratan", 40),
                ("pembayaran", 12),
                ("sebelum", 9),
                ("bila", 3),
                ("belum", 3),
                ("kelas", 2),
                ("kalas", 1),
            ]
            .map(|(w, f)| (w.to_owned(), f)),
        )
    }

    #[test]
    fn consonants_kept_in_order_name_the_word() {
        let index = index();
        assert_eq!(index.expand("nnti"), Some("nanti"));
        assert_eq!(index.expand("prsyrtn"), Some("persyaratan"));
        assert_eq!(index.expand("pmbyrn"), Some("pembayaran"));
        assert_eq!(index.expand("sblm"), Some("sebelum"));
    }

    #[test]
    fn words_and_unclear_abbreviations_are_left_alone() {
        let index = index();
        assert_eq!(index.expand("bl"), None, "too few consonants");
        assert_eq!(index.expand("nanti"), None, "a word with its vowels is a word");
        assert_eq!(index.expand("kls"), None, "kelas and kalas are both read");
        assert_eq!(index.expand("xyz"), None);
        assert_eq!(
            index.expand("sblum"),
            None,
            "a vowel kept inside makes a word of its own"
        );
    }
}
