//! Typo tolerance for questions without fuzzy automata at query time: [`SpellingIndex`].
//!
//! Citizens type "persyartan", "keramain", "domisii". tantivy's fuzzy term queries build a
//! Levenshtein automaton per term per query; instead we correct each analysed question term
//! against the vocabulary of analysed document terms, SymSpell style (symmetric deletes):
//! - at build time every vocabulary term of 4–7 characters is indexed with all its 1-deletion
//!   variants, and every term of 8+ characters with all its 1- and 2-deletion variants;
//! - at query time the term's own deletion variants (same length rule) are looked up, and each
//!   candidate is verified with the true (unrestricted) Damerau-Levenshtein distance, allowed up
//!   to `min(limit(query), limit(candidate))`;
//! - the best candidate has the smallest distance, then the highest document frequency, then the
//!   lexicographically smallest text (deterministic).
//!
//! Terms shorter than 4 characters and terms containing a digit are never corrected nor offered as
//! corrections (acronyms such as "kk" or numbers such as "2024" must not drift). A term in the
//! vocabulary returns itself after one hash probe.
//!
//! Which vocabulary: typos break the stemmer's affix rules ("persyartan" does not stem to
//! `syarat`), so build the index from the unstemmed surface words of the documents
//! (`analysis::surface_words`, doc freq = number of documents containing the word), correct the
//! question's surface words, then analyse the corrected question. The index itself is agnostic:
//! it works on any term list, including stemmed terms read from a tantivy field.
//! Only correct words the citizen actually typed: words already known to the analyzer (slang
//! targets, cue words) that merely do not occur in the decrees should be left alone by the caller.
//!
//! Variants are not stored as strings: each is reduced to a 64-bit polynomial hash computed in O(1)
//! from prefix hashes, and the table maps hash -> term ids. A hash collision can only add a
//! candidate, which the distance check then rejects, so correctness never depends on the hash.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::RangeInclusive;

/// Shortest term (in characters) that is corrected or offered as a correction.
const MIN_CHARS: usize = 4;
/// Terms of at least this many characters tolerate 2 edits; shorter ones 1.
const TWO_EDITS_FROM: usize = 8;
/// Longer terms (in bytes) are only matched exactly (the analyzer drops tokens over 40 bytes).
const MAX_BYTES: usize = 64;
/// Base of the polynomial hash (odd, large, with well mixed bits).
const BASE: u64 = 0x100_0000_01b3_9e37;

/// Vocabulary of analysed document terms with SymSpell-style deletion variants, for correcting
/// misspelled question terms (see the module docs).
#[derive(Debug, Default)]
pub struct SpellingIndex {
    /// Term texts, indexed by term id.
    terms: Vec<Box<str>>,
    /// Document frequency per term id.
    freqs: Vec<u32>,
    /// Edit limit per term id (0: exact matches only).
    limits: Vec<u8>,
    /// Variant hash -> range in `ids`.
    variants: HashMap<u64, (u32, u32), BuildHasherDefault<IdentityHasher>>,
    /// Term ids, grouped by variant hash.
    ids: Vec<u32>,
}

impl SpellingIndex {
    /// Builds the index from `(term, document frequency)` pairs, typically every term of the
    /// analysed text field with its doc freq. Duplicate terms keep their highest frequency.
    pub fn build(terms: impl IntoIterator<Item = (String, u32)>) -> Self {
        let mut by_term: HashMap<String, u32> = HashMap::new();
        for (term, freq) in terms {
            if term.is_empty() {
                continue;
            }
            let entry = by_term.entry(term).or_insert(freq);
            *entry = (*entry).max(freq);
        }
        let mut sorted: Vec<(String, u32)> = by_term.into_iter().collect();
        sorted.sort_unstable();

        let mut index = SpellingIndex::default();
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut scratch = Variants::default();
        for (id, (term, freq)) in sorted.into_iter().enumerate() {
            let id = u32::try_from(id).expect("fewer than 4 billion terms");
            let limit = edit_limit(&term);
            scratch.fill(&term, 0..=limit, |hash| pairs.push((hash, id)));
            index.terms.push(term.into_boxed_str());
            index.freqs.push(freq);
            index.limits.push(limit);
        }
        pairs.sort_unstable();
        pairs.dedup();
        index.ids.reserve_exact(pairs.len());
        let mut start = 0;
        while start < pairs.len() {
            let hash = pairs[start].0;
            let end = start + pairs[start..].partition_point(|(h, _)| *h == hash);
            let range = (index.ids.len() as u32, (end - start) as u32);
            index.ids.extend(pairs[start..end].iter().map(|(_, id)| *id));
            index.variants.insert(hash, range);
            start = end;
        }
        index
    }

    /// Number of distinct vocabulary terms.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// Whether the vocabulary is empty.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether `term` is in the vocabulary.
    pub fn contains(&self, term: &str) -> bool {
        self.exact(term).is_some()
    }

    /// The vocabulary term closest to `term` (an analysed question token): `term` itself when it
    /// is in the vocabulary, else the candidate with the smallest Damerau-Levenshtein distance
    /// (1 edit for 4–7 characters, 2 for 8+), then the highest document frequency, then the
    /// smallest text. `None` for unknown terms shorter than 4 characters, containing a digit, or
    /// with no candidate within the limit.
    pub fn correct(&self, term: &str) -> Option<&str> {
        if let Some(id) = self.exact(term) {
            return Some(&self.terms[id as usize]);
        }
        let limit = edit_limit(term);
        if limit == 0 {
            return None;
        }
        SCRATCH.with_borrow_mut(|scratch| {
            let Scratch {
                query,
                seen,
                variants,
                workspace,
            } = scratch;
            query.clear();
            query.extend(term.chars());
            seen.clear();
            let mut best: Option<(usize, u32)> = None; // (distance, id)
            let mut visit = |hash: u64, best: &mut Option<(usize, u32)>| {
                for &id in self.ids_for(hash) {
                    if seen.contains(&id) {
                        continue;
                    }
                    seen.push(id);
                    let allowed = usize::from(limit.min(self.limits[id as usize]));
                    if allowed == 0 {
                        continue;
                    }
                    let candidate = &self.terms[id as usize];
                    let Some(distance) = workspace.distance(query, candidate, allowed) else {
                        continue;
                    };
                    if best.is_none_or(|(d, b)| self.better(distance, id, d, b)) {
                        *best = Some((distance, id));
                    }
                }
            };
            // Every candidate within distance 1 shares a variant with at most one deletion on
            // each side, so when one is found the 2-deletion variants cannot do better.
            variants.fill(term, 0..=1, |hash| visit(hash, &mut best));
            if limit >= 2 && best.is_none_or(|(distance, _)| distance > 1) {
                variants.fill(term, 2..=2, |hash| visit(hash, &mut best));
            }
            best.map(|(_, id)| &*self.terms[id as usize])
        })
    }

    fn better(&self, distance: usize, id: u32, best_distance: usize, best_id: u32) -> bool {
        let key = |d: usize, i: u32| (d, std::cmp::Reverse(self.freqs[i as usize]), &self.terms[i as usize]);
        key(distance, id) < key(best_distance, best_id)
    }

    fn exact(&self, term: &str) -> Option<u32> {
        let hash = finish(poly_hash(term.as_bytes()));
        self.ids_for(hash)
            .iter()
            .copied()
            .find(|&id| &*self.terms[id as usize] == term)
    }

    fn ids_for(&self, hash: u64) -> &[u32] {
        match self.variants.get(&hash) {
            Some(&(start, len)) => &self.ids[start as usize..(start + len) as usize],
            None => &[],
        }
    }
}

/// Per-thread buffers for [`SpellingIndex::correct`], so a lookup does not allocate.
#[derive(Default)]
struct Scratch {
    query: Vec<char>,
    seen: Vec<u32>,
    variants: Variants,
    workspace: Workspace,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Edit distance tolerated for a term: 0 (exact only), 1 or 2.
fn edit_limit(term: &str) -> u8 {
    if term.len() > MAX_BYTES || term.bytes().any(|b| b.is_ascii_digit()) {
        return 0;
    }
    match term.chars().count() {
        n if n < MIN_CHARS => 0,
        n if n < TWO_EDITS_FROM => 1,
        _ => 2,
    }
}

/// Polynomial hash of a byte string: `sum(b[k] * BASE^(n-1-k))` (wrapping).
fn poly_hash(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |h, &b| h.wrapping_mul(BASE).wrapping_add(u64::from(b) + 1))
}

/// Mixes a polynomial hash before it is used as a (pass-through) hash-map key.
fn finish(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

/// Reusable buffers for enumerating the deletion-variant hashes of one term.
#[derive(Default)]
struct Variants {
    /// `prefix[k]` = hash of the first `k` bytes.
    prefix: Vec<u64>,
    /// `power[k]` = BASE^k.
    power: Vec<u64>,
    /// Byte offset of each char, plus the total length.
    bounds: Vec<usize>,
}

impl Variants {
    /// Calls `emit` with the hash of every variant of `term` with `deletes` chars deleted (0 is
    /// the term itself), fewer deletions first. Duplicates are possible when deleting different
    /// chars gives the same string.
    fn fill(&mut self, term: &str, deletes: RangeInclusive<u8>, mut emit: impl FnMut(u64)) {
        let bytes = term.as_bytes();
        let n = bytes.len();
        if deletes.contains(&0) {
            emit(finish(poly_hash(bytes)));
        }
        if *deletes.end() == 0 {
            return;
        }
        self.prefix.clear();
        self.power.clear();
        self.prefix.push(0);
        self.power.push(1);
        for &b in bytes {
            let last = *self.prefix.last().expect("starts non-empty");
            self.prefix.push(last.wrapping_mul(BASE).wrapping_add(u64::from(b) + 1));
            let power = *self.power.last().expect("starts non-empty");
            self.power.push(power.wrapping_mul(BASE));
        }
        self.bounds.clear();
        self.bounds.extend(term.char_indices().map(|(at, _)| at));
        self.bounds.push(n);
        let chars = self.bounds.len() - 1;
        // hash of bytes[a..b]
        let slice = |a: usize, b: usize| self.prefix[b].wrapping_sub(self.prefix[a].wrapping_mul(self.power[b - a]));
        if deletes.contains(&1) {
            for i in 0..chars {
                let (a, b) = (self.bounds[i], self.bounds[i + 1]);
                let head = slice(0, a).wrapping_mul(self.power[n - b]);
                emit(finish(head.wrapping_add(slice(b, n))));
            }
        }
        if deletes.contains(&2) {
            for i in 0..chars {
                let (a1, b1) = (self.bounds[i], self.bounds[i + 1]);
                for j in i + 1..chars {
                    let (a2, b2) = (self.bounds[j], self.bounds[j + 1]);
                    let rest = n - b1 - (b2 - a2);
                    let h = slice(0, a1)
                        .wrapping_mul(self.power[rest])
                        .wrapping_add(slice(b1, a2).wrapping_mul(self.power[n - b2]))
                        .wrapping_add(slice(b2, n));
                    emit(finish(h));
                }
            }
        }
    }
}

/// Reusable buffers for the Damerau-Levenshtein distance.
#[derive(Default)]
struct Workspace {
    candidate: Vec<char>,
    matrix: Vec<usize>,
    /// Non-ASCII fallback of `last_row_ascii`: (char, last row where it occurred in `a`).
    last_row: Vec<(char, usize)>,
}

impl Workspace {
    /// True (unrestricted) Damerau-Levenshtein distance between `a` and `b` (Lowrance-Wagner),
    /// or `None` when it exceeds `max`.
    fn distance(&mut self, a: &[char], b: &str, max: usize) -> Option<usize> {
        self.candidate.clear();
        self.candidate.extend(b.chars());
        let b = &self.candidate;
        let (n, m) = (a.len(), b.len());
        if n.abs_diff(m) > max {
            return None;
        }
        let infinity = n + m;
        let width = m + 2;
        self.matrix.clear();
        self.matrix.resize((n + 2) * width, 0);
        let d = &mut self.matrix;
        d[0] = infinity;
        for i in 0..=n {
            d[(i + 1) * width] = infinity;
            d[(i + 1) * width + 1] = i;
        }
        for j in 0..=m {
            d[j + 1] = infinity;
            d[width + j + 1] = j;
        }
        // Last row (1-based) of `a` where each char occurred; ASCII in an array, the rest in a
        // short list.
        let mut last_row_ascii = [0usize; 128];
        self.last_row.clear();
        for i in 1..=n {
            let mut last_match_col = 0;
            for j in 1..=m {
                let c = b[j - 1];
                let i1 = if c.is_ascii() {
                    last_row_ascii[c as usize]
                } else {
                    self.last_row
                        .iter()
                        .find(|(seen, _)| *seen == c)
                        .map_or(0, |(_, row)| *row)
                };
                let j1 = last_match_col;
                let cost = if a[i - 1] == c {
                    last_match_col = j;
                    0
                } else {
                    1
                };
                let substitute = d[i * width + j] + cost;
                let insert = d[(i + 1) * width + j] + 1;
                let delete = d[i * width + j + 1] + 1;
                let transpose = d[i1 * width + j1] + (i - i1 - 1) + 1 + (j - j1 - 1);
                d[(i + 1) * width + j + 1] = substitute.min(insert).min(delete).min(transpose);
            }
            let c = a[i - 1];
            if c.is_ascii() {
                last_row_ascii[c as usize] = i;
            } else {
                match self.last_row.iter_mut().find(|(seen, _)| *seen == c) {
                    Some(entry) => entry.1 = i,
                    None => self.last_row.push((c, i)),
                }
            }
        }
        let distance = d[(n + 1) * width + m + 1];
        (distance <= max).then_some(distance)
    }
}

/// Pass-through hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are used; fold anything else in for safety.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> SpellingIndex {
        // Analysed document terms (stems) with doc freqs, as the index builder would pass them.
        let terms = [
            ("persyaratan", 3),
            ("syarat", 40),
            ("keramaian", 2),
            ("ramai", 2),
            ("domisili", 6),
            ("kepegawaian", 9),
            ("pelatihan", 5),
            ("latih", 5),
            ("layan", 50),
            ("kelurahan", 12),
            ("kecamatan", 12),
            ("kk", 20),
            ("ktp", 25),
            ("2024", 4),
            ("sp4n", 3),
            ("akta", 10),
            ("akte", 1),
            ("izin", 8),
            ("biaya", 30),
            ("prosedur", 30),
            ("pengaduan", 4),
        ];
        SpellingIndex::build(terms.into_iter().map(|(t, f)| (t.to_owned(), f)))
    }

    /// `typo_cases!(name: "typo" => Some("term") | None, ...)`: one test per case.
    macro_rules! typo_cases {
        ($($name:ident: $typo:expr => $want:expr),* $(,)?) => {
            $(
                #[test]
                fn $name() {
                    assert_eq!(vocabulary().correct($typo), $want, "typo {:?}", $typo);
                }
            )*
        };
    }

    typo_cases! {
        dropped_letter_long: "persyartan" => Some("persyaratan"),
        dropped_letter_keramaian: "keramain" => Some("keramaian"),
        dropped_letter_short_limit: "domisii" => Some("domisili"),
        dropped_letter_kepegawaian: "kepegawaan" => Some("kepegawaian"),
        substituted_last_letter: "pelatiham" => Some("pelatihan"),
        transposition: "prosedru" => Some("prosedur"),
        transposition_counts_one: "biyaa" => Some("biaya"),
        two_edits_on_long_terms: "kecmatann" => Some("kecamatan"),
        transposition_long: "kelurhaan" => Some("kelurahan"),
        inserted_letter: "pengaduuan" => Some("pengaduan"),
        known_term_returns_itself: "syarat" => Some("syarat"),
        known_short_term_returns_itself: "kk" => Some("kk"),
        known_number_returns_itself: "2024" => Some("2024"),
        short_terms_never_corrected: "kkk" => None,
        numbers_never_corrected: "2025" => None,
        codes_with_digits_never_corrected: "sp5n" => None,
        too_far_for_a_short_term: "lyn" => None,
        two_edits_too_many_for_seven_chars: "domsii" => None,
        nothing_close: "zzzzzzzz" => None,
        short_vocabulary_terms_not_offered: "ktpp" => None,
    }

    #[test]
    fn ties_go_to_the_more_frequent_term() {
        // "akti" is one edit from both "akta" (freq 10) and "akte" (freq 1).
        assert_eq!(vocabulary().correct("akti"), Some("akta"));
    }

    #[test]
    fn equal_frequency_ties_are_lexicographic() {
        let index = SpellingIndex::build([("rusak".to_owned(), 3), ("rumak".to_owned(), 3)]);
        assert_eq!(index.correct("rutak"), Some("rumak"));
    }

    #[test]
    fn duplicate_terms_keep_the_highest_frequency() {
        let index = SpellingIndex::build([("akta".to_owned(), 1), ("akte".to_owned(), 5), ("akta".to_owned(), 9)]);
        assert_eq!(index.len(), 2);
        assert_eq!(index.correct("akti"), Some("akta"));
    }

    #[test]
    fn empty_index_corrects_nothing() {
        let index = SpellingIndex::build(std::iter::empty());
        assert!(index.is_empty());
        assert_eq!(index.correct("syarat"), None);
    }

    #[test]
    fn non_ascii_terms_work_by_characters() {
        let index = SpellingIndex::build([("perséorangan".to_owned(), 1)]);
        assert_eq!(index.correct("perséoragan"), Some("perséorangan"));
    }

    #[test]
    fn distance_is_true_damerau_levenshtein() {
        let mut workspace = Workspace::default();
        let mut d = |a: &str, b: &str| {
            let a: Vec<char> = a.chars().collect();
            workspace.distance(&a, b, 10).unwrap()
        };
        assert_eq!(d("ca", "abc"), 2); // OSA would say 3
        assert_eq!(d("abcd", "abcd"), 0);
        assert_eq!(d("abcd", "abdc"), 1);
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "abc"), 3);
    }

    #[test]
    fn variant_hashes_equal_hashes_of_the_deleted_strings() {
        let term = "syarat";
        let mut got = Vec::new();
        Variants::default().fill(term, 0..=2, |h| got.push(h));
        let chars: Vec<char> = term.chars().collect();
        for i in 0..chars.len() {
            let one: String = chars
                .iter()
                .enumerate()
                .filter(|(k, _)| *k != i)
                .map(|(_, c)| c)
                .collect();
            assert!(got.contains(&finish(poly_hash(one.as_bytes()))), "{one}");
            for j in i + 1..chars.len() {
                let two: String = chars
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i && *k != j)
                    .map(|(_, c)| c)
                    .collect();
                assert!(got.contains(&finish(poly_hash(two.as_bytes()))), "{two}");
            }
        }
        assert_eq!(got.len(), 1 + 6 + 15);
    }

    #[test]
    fn agrees_with_brute_force_on_a_small_vocabulary() {
        let words = [
            "syarat",
            "sarat",
            "surat",
            "biaya",
            "bayar",
            "layan",
            "lahir",
            "akta",
            "kartu",
            "keluarga",
            "penduduk",
            "domisili",
            "pindah",
            "datang",
            "kelurahan",
            "kecamatan",
        ];
        let index = SpellingIndex::build(words.iter().map(|w| (w.to_string(), 1)));
        let probes = [
            "syarta",
            "surta",
            "biyaa",
            "bayr",
            "layn",
            "kartuu",
            "keluaraga",
            "pendudk",
            "domislii",
            "pindh",
            "datangg",
            "kelurhan",
            "kecamtan",
            "sarta",
            "abcd",
        ];
        let mut workspace = Workspace::default();
        for probe in probes {
            let q: Vec<char> = probe.chars().collect();
            let limit = usize::from(edit_limit(probe));
            let brute = words
                .iter()
                .filter_map(|w| {
                    let allowed = limit.min(usize::from(edit_limit(w)));
                    workspace
                        .distance(&q, w, allowed)
                        .filter(|_| allowed > 0)
                        .map(|d| (d, *w))
                })
                .min();
            assert_eq!(index.correct(probe), brute.map(|(_, w)| w), "probe {probe}");
        }
    }
}
