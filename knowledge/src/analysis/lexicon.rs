//! The data tables behind the Indonesian analyzer, parsed once from `knowledge/data/`.
//!
//! Every table is compiled into the binary with `include_str!` (the bot needs no data directory at
//! run time) and parsed on first use into a [`Lexicon`] behind a [`LazyLock`]. Keys and values
//! borrow from the `'static` table text, so loading allocates only the hash tables themselves.
//!
//! Tables (each file starts with `#` comment lines explaining its columns):
//! - `slang.tsv`: chat spellings, abbreviations and Javanese words -> standard word (normalize.rs);
//! - `stopwords.txt`: words dropped from the token stream (stopwords.rs);
//! - `protected.txt`: acronyms and words the stemmer never touches (stem.rs);
//! - `stems.tsv`: word -> stem overrides where Snowball is wrong or inconsistent (stem.rs);
//! - `synonyms.tsv`: stem -> canonical stem (synonyms.rs);
//! - `phrases.tsv`: multi-word question paraphrases -> cue words (phrases.rs);
//! - `everyday.txt`: common words that say nothing about which service (weighed low by the
//!   answer engine); here they only count as words of the language (see [`Lexicon::known`]).
//!
//! A malformed row is a programming error in data that ships inside the binary, so parsing panics
//! with the file name and line; the unit tests force every table to load so CI catches it first.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::LazyLock;

const SLANG: &str = include_str!("../../data/slang.tsv");
const STOPWORDS: &str = include_str!("../../data/stopwords.txt");
const PROTECTED: &str = include_str!("../../data/protected.txt");
const STEMS: &str = include_str!("../../data/stems.tsv");
const SYNONYMS: &str = include_str!("../../data/synonyms.tsv");
const PHRASES: &str = include_str!("../../data/phrases.tsv");
const EVERYDAY: &str = include_str!("../../data/everyday.txt");

/// All analyzer tables, parsed once.
pub(crate) static LEXICON: LazyLock<Lexicon> = LazyLock::new(Lexicon::load);

/// One multi-word rewrite rule from `phrases.tsv`.
#[derive(Debug)]
pub(crate) struct Phrase {
    /// Pattern words (standard spelling), without the anchors.
    pub(crate) words: Vec<&'static str>,
    /// Only matches at the first word of the question.
    pub(crate) at_start: bool,
    /// Only matches when it ends at the last word of the question.
    pub(crate) at_end: bool,
    /// Replacement words (may be empty: the matched words are deleted).
    pub(crate) replacement: Vec<&'static str>,
}

/// The parsed tables; see the module docs for what each one feeds.
#[derive(Debug)]
pub(crate) struct Lexicon {
    pub(crate) slang: HashMap<&'static str, &'static str>,
    pub(crate) stopwords: HashSet<&'static str>,
    pub(crate) protected: HashSet<&'static str>,
    pub(crate) stems: HashMap<&'static str, &'static str>,
    pub(crate) synonyms: HashMap<&'static str, &'static str>,
    /// Phrase rules keyed by their first pattern word, longest pattern first.
    pub(crate) phrases: HashMap<&'static str, Vec<Phrase>>,
    /// The everyday words, as written in `everyday.txt`.
    pub(crate) everyday: Vec<&'static str>,
    /// Every standard word the tables know (slang targets, stopwords, protected words, stem
    /// and synonym keys and values, phrase words, everyday words): words of the language, not
    /// typos, even when no decree uses them ("bilang" is never corrected to "bidang").
    pub(crate) known: HashSet<&'static str>,
}

impl Lexicon {
    fn load() -> Self {
        let mut phrases: HashMap<&'static str, Vec<Phrase>> = HashMap::default();
        for (line, pattern, replacement) in pairs("phrases.tsv", PHRASES, true) {
            let phrase = parse_phrase(line, pattern, replacement);
            phrases.entry(phrase.words[0]).or_default().push(phrase);
        }
        for rules in phrases.values_mut() {
            // Longest first; stable sort keeps file order among equals (deterministic).
            rules.sort_by_key(|rule| std::cmp::Reverse(rule.words.len()));
        }
        let slang = map("slang.tsv", SLANG);
        let stopwords = words("stopwords.txt", STOPWORDS);
        let protected = words("protected.txt", PROTECTED);
        let stems = map("stems.tsv", STEMS);
        let synonyms = map("synonyms.tsv", SYNONYMS);
        let everyday: Vec<&'static str> = data_lines(EVERYDAY).map(|(_, word)| word.trim()).collect();
        let mut known: HashSet<&'static str> = HashSet::default();
        known.extend(slang.values());
        known.extend(&stopwords);
        known.extend(&protected);
        known.extend(stems.keys().chain(stems.values()));
        known.extend(synonyms.keys().chain(synonyms.values()));
        known.extend(&everyday);
        for rule in phrases.values().flatten() {
            known.extend(rule.words.iter().chain(&rule.replacement));
        }
        Lexicon {
            slang,
            stopwords,
            protected,
            stems,
            synonyms,
            phrases,
            everyday,
            known,
        }
    }
}

/// Non-empty, non-comment lines with their 1-based line numbers.
fn data_lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        // A row's last tab stays: "<pattern><TAB>" is a phrase with an empty replacement.
        .map(|(index, line)| {
            (
                index + 1,
                line.trim_end_matches(|c: char| c.is_whitespace() && c != '\t'),
            )
        })
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
}

fn check_word(file: &str, line: usize, word: &str) {
    assert!(
        !word.is_empty()
            && word
                .bytes()
                .all(|b| { b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b' ' | b'^' | b'$') }),
        "{file}:{line}: {word:?} must be lowercase ASCII letters/digits"
    );
}

fn words(file: &str, text: &'static str) -> HashSet<&'static str> {
    let mut set = HashSet::default();
    for (line, word) in data_lines(text) {
        let word = word.trim();
        check_word(file, line, word);
        assert!(
            word.bytes().all(|b| b.is_ascii_alphanumeric()),
            "{file}:{line}: one word per line"
        );
        assert!(set.insert(word), "{file}:{line}: duplicate {word:?}");
    }
    set
}

/// `(line, left, right)` for every TAB-separated row; `allow_empty_right` for deletions.
fn pairs(
    file: &'static str,
    text: &'static str,
    allow_empty_right: bool,
) -> impl Iterator<Item = (usize, &'static str, &'static str)> {
    data_lines(text).map(move |(line, row)| {
        let (left, right) = row
            .split_once('\t')
            .unwrap_or_else(|| panic!("{file}:{line}: expected <key>TAB<value>, got {row:?}"));
        let (left, right) = (left.trim(), right.trim());
        assert!(!right.contains('\t'), "{file}:{line}: more than two columns");
        check_word(file, line, left);
        if !(allow_empty_right && right.is_empty()) {
            check_word(file, line, right);
        }
        (line, left, right)
    })
}

fn map(file: &'static str, text: &'static str) -> HashMap<&'static str, &'static str> {
    let mut map = HashMap::default();
    for (line, key, value) in pairs(file, text, false) {
        assert!(
            [key, value]
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_alphanumeric())),
            "{file}:{line}: single tokens only"
        );
        assert!(map.insert(key, value).is_none(), "{file}:{line}: duplicate key {key:?}");
    }
    map
}

fn parse_phrase(line: usize, pattern: &'static str, replacement: &'static str) -> Phrase {
    let mut words: Vec<&'static str> = pattern.split(' ').filter(|w| !w.is_empty()).collect();
    let at_start = words.first() == Some(&"^");
    if at_start {
        words.remove(0);
    }
    let at_end = words.last() == Some(&"$");
    if at_end {
        words.pop();
    }
    assert!(
        !words.is_empty() && words.iter().all(|w| !w.contains(['^', '$'])),
        "phrases.tsv:{line}: bad pattern {pattern:?}"
    );
    Phrase {
        words,
        at_start,
        at_end,
        replacement: replacement.split(' ').filter(|w| !w.is_empty()).collect(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_phrase_with_an_empty_replacement_deletes_its_words() {
        let rows: Vec<_> = super::pairs("test.tsv", "# comment\nsalah satu\t\nbrp hari\tlama\n", true).collect();
        assert_eq!(rows, [(2, "salah satu", ""), (3, "brp hari", "lama")]);
    }

    use super::*;

    #[test]
    fn every_table_loads_and_is_not_empty() {
        let lexicon = &*LEXICON;
        assert!(lexicon.slang.len() >= 200, "slang has {}", lexicon.slang.len());
        assert!(lexicon.stopwords.len() >= 100);
        assert!(lexicon.protected.contains("kk"));
        assert!(!lexicon.stems.is_empty());
        assert!(!lexicon.synonyms.is_empty());
        assert!(!lexicon.phrases.is_empty());
    }

    #[test]
    fn slang_has_no_chains_and_no_identity_rows() {
        for (from, to) in &LEXICON.slang {
            assert_ne!(from, to, "identity row {from}");
            assert!(
                !LEXICON.slang.contains_key(to),
                "chain {from} -> {to} -> {}",
                LEXICON.slang[to]
            );
        }
    }

    #[test]
    fn everyday_words_are_words_of_the_language() {
        // Not typos to correct toward a decree word ("bilang" is not "bidang").
        assert!(LEXICON.everyday.len() >= 100);
        for word in ["bilang", "kata", "tetangga", "suami"] {
            assert!(
                LEXICON.everyday.contains(&word) && LEXICON.known.contains(word),
                "{word}"
            );
        }
    }

    #[test]
    fn kk_is_never_slang_nor_a_stopword() {
        assert!(!LEXICON.slang.contains_key("kk"));
        assert!(!LEXICON.stopwords.contains("kk"));
    }

    #[test]
    fn slang_never_targets_a_protected_acronym_it_did_not_mean() {
        // Slang keys must not shadow a protected acronym (it would be rewritten before stemming).
        for key in LEXICON.slang.keys() {
            assert!(!LEXICON.protected.contains(key), "{key} is protected");
        }
    }

    #[test]
    fn synonym_targets_are_not_keys() {
        for (from, to) in &LEXICON.synonyms {
            assert!(!LEXICON.synonyms.contains_key(to), "chain {from} -> {to}");
        }
    }

    #[test]
    fn phrase_rules_are_longest_first() {
        for rules in LEXICON.phrases.values() {
            assert!(rules.windows(2).all(|w| w[0].words.len() >= w[1].words.len()));
        }
    }
}
