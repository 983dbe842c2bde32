//! `IndonesianStem`: Snowball Indonesian stemming (frostem) with guards for our domain.
//!
//! Snowball Indonesian (Tala 2003) is rule based with no dictionary, so it is cheap and licence
//! clean, but it over-stems some words and is inconsistent between a root and its derived forms
//! (`cerai` -> `cera` but `perceraian` -> `cerai`). This filter therefore, in order:
//! 1. leaves tokens shorter than 4 characters and tokens containing a digit untouched;
//! 2. leaves protected tokens (`knowledge/data/protected.txt`: ktp, kk, skck, npwp, ...) untouched,
//!    and reduces a protected token plus clitic to the token (`ktpnya` -> `ktp`);
//! 3. applies overrides from `knowledge/data/stems.tsv` (`berapa` stays `berapa`, `pegawai` ->
//!    `gawai` like `kepegawaian`, ...);
//! 4. otherwise calls `frostem::Stemmer::new(Algorithm::Indonesian)`.
//!
//! frostem is a young crate republished daily, pinned with `=` in Cargo.toml; the golden tests
//! below pin the stems of domain words so that an upgrade cannot silently change the index terms.

use std::borrow::Cow;

use frostem::{Algorithm, Stemmer};
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::lexicon::LEXICON;

/// Clitics stripped from a protected acronym (`ktpnya`, `kkku`, `simmu`).
const CLITICS: [&str; 6] = ["nya", "ku", "mu", "lah", "kah", "pun"];

/// Shortest token (in characters) that is stemmed.
const MIN_STEM_CHARS: usize = 4;

/// Token filter applying the guarded Indonesian stemmer (see module docs).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct IndonesianStem;

impl TokenFilter for IndonesianStem {
    type Tokenizer<T: Tokenizer> = IndonesianStemWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IndonesianStemWrapper<T> {
        IndonesianStemWrapper { inner: tokenizer }
    }
}

/// The tokenizer produced by [`IndonesianStem`].
#[derive(Clone, Debug)]
pub(crate) struct IndonesianStemWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for IndonesianStemWrapper<T> {
    type TokenStream<'a> = IndonesianStemStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        IndonesianStemStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream produced by [`IndonesianStemWrapper`].
pub(crate) struct IndonesianStemStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for IndonesianStemStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// What the stemmer does to one word; lets [`stem_in_place`] edit the token buffer without
/// allocating except for the Snowball call itself (frostem returns an owned `String` when it
/// changes the word).
enum Action {
    Keep,
    Truncate(usize),
    Replace(&'static str),
    Snowball(String),
}

fn action(word: &str) -> Action {
    match guarded(word) {
        Action::Snowball(stem) => Action::Snowball(colloquial_root(&stem).unwrap_or(stem)),
        other => other,
    }
}

/// The protected words, the overrides, then Snowball with its false prefixes put back.
fn guarded(word: &str) -> Action {
    if word.chars().nth(MIN_STEM_CHARS - 1).is_none() || word.bytes().any(|b| b.is_ascii_digit()) {
        return Action::Keep;
    }
    let lexicon = &*LEXICON;
    if lexicon.protected.contains(word) {
        return Action::Keep;
    }
    if let Some(base) = protected_with_clitic(word) {
        return Action::Truncate(base.len());
    }
    if let Some(stem) = lexicon.stems.get(word) {
        return Action::Replace(stem);
    }
    // An override holds for the word with a clitic too: "belajarnya" is "belajar", not the
    // Snowball "ajar" the override exists to prevent.
    if let Some(stem) = CLITICS
        .iter()
        .filter_map(|clitic| word.strip_suffix(clitic))
        .find_map(|base| lexicon.stems.get(base))
    {
        return Action::Replace(stem);
    }
    match Stemmer::new(Algorithm::Indonesian).stem(word) {
        Cow::Owned(stem) if stem != word => Action::Snowball(with_false_prefix(word, stem)),
        _ => Action::Keep,
    }
}

/// The stem of the standard word when what Snowball left is a chat spelling of it
/// (`slang.tsv`): colloquial spellings take the standard affixes ("dipake" -> "pake" -> pakai,
/// "dapetnya" -> "dapet" -> dapat, "ketauan" -> "tau" -> tahu), and Jakarta chat adds "-in",
/// which Snowball leaves on ("didapetin"). The root and its affixed forms then meet, as "pake"
/// and "pakai" already do. Only a spelling of the same word (its first two letters kept): a
/// regional word of another shape ("aja" saja, "isa" bisa, "indak" tidak) is what Snowball
/// leaves of many a standard word too ("ajakan", "perisalah", "menindak").
fn colloquial_root(stem: &str) -> Option<String> {
    let slang = &LEXICON.slang;
    let (spelled, standard) = std::iter::once(stem)
        .chain(stem.strip_suffix("in"))
        .find_map(|root| Some((root, *slang.get(root)?)))?;
    // One standard word (not a phrase: "bumil" is "ibu hamil"), spelled alike.
    if standard.contains(' ') || spelled.get(..2) != standard.get(..2) {
        return None;
    }
    Some(match guarded(standard) {
        Action::Keep => (*standard).to_owned(),
        Action::Truncate(len) => standard[..len].to_owned(),
        Action::Replace(stem) => stem.to_owned(),
        Action::Snowball(stem) => stem,
    })
}

/// The stem with the word's opening put back when Indonesian morphology says it is no prefix.
/// Snowball strips *me-*, *di-* and *pe-* wherever a word starts with them, and a loanword or
/// an office's short name loses its first syllable ("mediasi" -> "diasi", "media" -> "dia",
/// "distribusi" -> "stribusi", "dispora" -> "spora", "pesangon" -> "sangon"). But:
/// - *me-* before a root starting with b, c, d, g, j, k, p, s, t or a vowel takes its nasal
///   (mem-, men-, meng-, meny-): a word "me" + such a letter has no *me-* prefix;
/// - *pe-* before s takes "peny-" ("penyakit"): "pe" + s has no prefix either ("pesawat",
///   "pesangon", "peserta" whose stem would be the conjunction "serta");
/// - no native root starts with s and another consonant: "di" + "sk", "sp", "st", ... is the
///   loanword prefix dis- or an office's name (dishub, disnaker), not the passive *di-*.
/// - no root starts with a nasal and another consonant: "ke" + "nd", "mb", ... is no *ke-*
///   ("kendaraan", "kembali").
///
/// Only the stripped opening is put back; the suffixes stay removed ("mediasinya" ->
/// "mediasi").
fn with_false_prefix(word: &str, stem: String) -> String {
    let bytes = word.as_bytes();
    let is_consonant = |b: u8| b.is_ascii_lowercase() && !b"aeiou".contains(&b);
    let false_prefix = match bytes {
        [b'm', b'e', next, ..] => !b"lrwymn".contains(next),
        [b'p', b'e', b's', ..] => true,
        [b'd', b'i', b's', next, ..] => is_consonant(*next),
        // No root starts with a nasal before a consonant: "kendaraan", "kembali", "kembang"
        // have no ke- prefix ("ndara", "mbali", "mbang"); nor with two consonants that open
        // no Indonesian syllable: "kerjasama", "kertas" have none ("rjasama", "rtas").
        [b'k', b'e', b'n' | b'm', next, ..] => is_consonant(*next) && !matches!(next, b'y' | b'g'),
        [b'k', b'e', first, second, ..] => {
            is_consonant(*first) && is_consonant(*second) && !opens_a_syllable(*first, *second)
        }
        _ => false,
    };
    if !false_prefix {
        return stem;
    }
    match word.find(stem.as_str()) {
        Some(at) if at > 0 => format!("{}{stem}", &word[..at]),
        _ => stem,
    }
}

/// Whether two consonants may open an Indonesian syllable: the clusters of loanwords
/// ("pr", "tr", "kl", "st", ...) and the digraphs ("ng", "ny", "sy", "kh").
fn opens_a_syllable(first: u8, second: u8) -> bool {
    matches!(
        (first, second),
        (b'b' | b'd' | b'f' | b'g' | b'k' | b'p' | b't', b'r')
            | (b'b' | b'f' | b'g' | b'k' | b'p' | b's', b'l')
            | (b's', b'k' | b'm' | b'n' | b'p' | b't' | b'w' | b'y')
            | (b'k', b'w' | b'h')
            | (b'n', b'g' | b'y')
    )
}

/// Words this thread has stemmed lately, with their stems ([`stem_in_place`]).
const MEMO_WORDS: usize = 50_000;

thread_local! {
    /// Word -> stem. Decrees repeat their words thousands of times and Snowball is the
    /// costliest step of the analysis, so the engine build looks most words up here. Emptied
    /// when full, so an endless stream of new words (typos in questions) cannot grow it.
    static MEMO: std::cell::RefCell<rustc_hash::FxHashMap<Box<str>, Box<str>>> = Default::default();
}

/// Stems one normalized lowercase word in place (remembered per thread: the stem of a word
/// never changes).
pub(crate) fn stem_in_place(word: &mut String) {
    MEMO.with_borrow_mut(|memo| {
        if let Some(stem) = memo.get(word.as_str()) {
            if **stem != **word {
                word.clear();
                word.push_str(stem);
            }
            return;
        }
        let original: Box<str> = word.as_str().into();
        stem_uncached(word);
        if memo.len() >= MEMO_WORDS {
            memo.clear();
        }
        memo.insert(original, word.as_str().into());
    });
}

fn stem_uncached(word: &mut String) {
    match action(word) {
        Action::Keep => {}
        Action::Truncate(len) => word.truncate(len),
        Action::Replace(stem) => {
            word.clear();
            word.push_str(stem);
        }
        Action::Snowball(stem) => {
            word.clear();
            word.push_str(&stem);
        }
    }
}

/// The stem of one normalized lowercase word; borrows unless Snowball changed it.
#[cfg(test)]
pub(crate) fn stem(word: &str) -> Cow<'_, str> {
    match action(word) {
        Action::Keep => Cow::Borrowed(word),
        Action::Truncate(len) => Cow::Borrowed(&word[..len]),
        Action::Replace(stem) => Cow::Borrowed(stem),
        Action::Snowball(stem) => Cow::Owned(stem),
    }
}

fn protected_with_clitic(word: &str) -> Option<&str> {
    CLITICS.iter().find_map(|clitic| {
        let base = word.strip_suffix(clitic)?;
        LEXICON.protected.contains(base).then_some(base)
    })
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;
    use crate::analysis::testutil::{assert_token, token_cases, tokens};

    fn analyzer() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(IndonesianStem)
            .build()
    }

    token_cases! { analyzer();
        derived_forms_meet_their_root: "persyaratan pelayanan perizinan pengaduan" =>
            ["syarat", "layan", "izin", "adu"],
        short_and_numeric_untouched: "sim akta 2024 sp4n kel" => ["sim", "akta", "2024", "sp4n", "kel"],
        acronym_with_clitic: "KTPnya kknya skcknya" => ["ktp", "kk", "skck"],
        berapa_is_not_apa: "berapa" => ["berapa"],
        overrides_make_roots_consistent: "cerai perceraian pegawai kepegawaian" =>
            ["cerai", "cerai", "gawai", "gawai"],
        override_holds_with_clitic: "belajarnya pegawainya pensiunnya" => ["belajar", "gawai", "pensiun"],
        no_prefix_where_morphology_has_none: "mediasi media pesangon peserta distribusi dispora mediasinya kendaraan kembali" =>
            ["mediasi", "media", "pesangon", "peserta", "distribusi", "dispora", "mediasi", "kendara", "kembali"],
        true_prefixes_still_go: "mengajukan melihat pembayaran dibayar diproses" =>
            ["aju", "lihat", "bayar", "bayar", "proses"],
        prefixed_forms_meet_their_root: "penebangan menebang ditebang tebang penilaian nilai pemrosesan" =>
            ["tebang", "tebang", "tebang", "tebang", "nilai", "nilai", "proses"],
    }

    #[test]
    fn offsets_survive_stemming() {
        let tokens = tokens(&mut analyzer(), "Persyaratan KTPnya");
        assert_token(&tokens[0], 0, "syarat", 0, 11);
        assert_token(&tokens[1], 1, "ktp", 12, 18);
    }

    /// Golden stems. If a frostem upgrade changes one of these, the index terms change: bump
    /// `analysis::ANALYZER` to a new name and reindex, or add an override to `stems.tsv`.
    const GOLDEN: &[(&str, &str)] = &[
        // Straight Snowball output for domain words.
        ("persyaratan", "syarat"),
        ("persyaratannya", "syarat"),
        // No ke- before two consonants that open no syllable; a ke- before one that does.
        ("kerjasama", "kerjasama"),
        ("kertas", "kertas"),
        ("syaratnya", "syarat"),
        ("pelayanan", "layan"),
        ("layanan", "layan"),
        ("perizinan", "izin"),
        ("izin", "izin"),
        ("keramaian", "ramai"),
        ("pengaduan", "adu"),
        ("aduan", "adu"),
        ("kepegawaian", "gawai"),
        ("pelatihan", "latih"),
        ("pembayaran", "bayar"),
        ("bayaran", "bayar"),
        ("biayanya", "biaya"),
        ("lamanya", "lama"),
        ("pembuatan", "buat"),
        ("membuat", "buat"),
        ("pengurusan", "urus"),
        ("kelahiran", "lahir"),
        ("kematian", "mati"),
        ("perkawinan", "kawin"),
        ("pernikahan", "nikah"),
        ("perceraian", "cerai"),
        ("keterangan", "terang"),
        ("pendaftaran", "daftar"),
        ("perpanjangan", "panjang"),
        ("kehilangan", "hilang"),
        ("tahapan", "tahap"),
        ("penyelesaian", "selesai"),
        ("diselesaikan", "selesai"),
        ("pendidikan", "didik"),
        ("permohonan", "mohon"),
        ("pencatatan", "catat"),
        ("perubahan", "ubah"),
        ("ditetapkan", "tetap"),
        ("hukum", "hukum"),
        ("prosedur", "prosedur"),
        ("prosedurnya", "prosedur"),
        ("kecamatan", "camat"),
        ("kelurahan", "lurah"),
        // Overrides from stems.tsv.
        ("berapa", "berapa"),
        ("cerai", "cerai"),
        ("ramai", "ramai"),
        ("pegawai", "gawai"),
        ("pensiun", "pensiun"),
        ("disiplin", "disiplin"),
        ("penghargaan", "penghargaan"),
        ("keluhan", "keluh"),
        ("mekanisme", "mekanisme"),
        ("keluarga", "keluarga"),
        ("kependudukan", "penduduk"),
        ("penerbitan", "terbit"),
        ("domisili", "domisili"),
        ("belajar", "belajar"),
        ("pemohon", "mohon"),
        ("penetapan", "tetap"),
        ("selesai", "selesai"),
        ("laporan", "laporan"),
        ("pengantar", "pengantar"),
        ("sekolah", "sekolah"),
        ("sekolahnya", "sekolah"),
        ("masalah", "masalah"),
        ("antar", "antar"),
        ("sehari", "hari"),
        // Protected.
        ("ktp", "ktp"),
        ("npwp", "npwp"),
        ("bpjs", "bpjs"),
        ("umkm", "umkm"),
        ("diklat", "diklat"),
    ];

    #[test]
    fn golden_stems_for_domain_words() {
        let mismatches: Vec<String> = GOLDEN
            .iter()
            .filter(|(word, want)| stem(word) != *want)
            .map(|(word, want)| format!("{word}: want {want}, got {}", stem(word)))
            .collect();
        assert!(mismatches.is_empty(), "{mismatches:#?}");
    }

    #[test]
    fn colloquial_roots_with_standard_affixes_meet_the_standard_root() {
        for (affixed, standard) in [
            ("dipake", "pakai"),
            ("dapetnya", "dapat"),
            ("didapet", "dapat"),
            ("ketauan", "tahu"),
            ("didapetin", "dapat"),
        ] {
            let mut word = affixed.to_owned();
            stem_in_place(&mut word);
            let mut root = crate::analysis::normalize::standard_form(standard).into_owned();
            stem_in_place(&mut root);
            assert_eq!(word, root, "{affixed} and {standard}");
        }
        // A stem ending in "-in" whose rest is no chat root keeps its ending.
        assert_eq!(stem("dikawinkan"), "kawin");
        assert_eq!(stem("perkawinan"), "kawin");
        // What Snowball leaves of a standard word is no regional word of another shape.
        assert_eq!(stem("ajakan"), "aja");
        assert_eq!(stem("menindak"), "indak");
    }

    #[test]
    fn every_override_row_is_needed_or_documents_a_fixed_point() {
        // An override equal to what Snowball already produces is dead data.
        let snowball = Stemmer::new(Algorithm::Indonesian);
        for (word, stem) in &LEXICON.stems {
            assert_ne!(
                snowball.stem(word),
                *stem,
                "stems.tsv row {word} -> {stem} is what Snowball already does"
            );
        }
    }
}
