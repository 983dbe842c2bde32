//! `Normalize`: maps chat spellings, abbreviations and Javanese words to standard Indonesian.
//!
//! Citizens write "brp hr bikin ktp", "syarat2nya apa", "piye carane". This filter rewrites each
//! token, one in and one out, so positions and offsets stay those of the original text:
//! 1. reduplication written with a digit is collapsed: `syarat2` -> `syarat`, `berkas2nya` ->
//!    `berkasnya` (3+ letters, a `2`, then nothing or a clitic such as `nya`);
//! 2. the token is looked up in `knowledge/data/slang.tsv` (`yg` -> `yang`, `piro` -> `berapa`).
//!
//! It runs after `LowerCaser` and `AsciiFoldingFilter`, so the table only holds lowercase ASCII.
//! `kk` is never rewritten here: in the token chain it always means KK (kartu keluarga); the
//! vocative "kk" (kakak) is removed from questions by phrase rewriting (`phrases.rs`).
//! Tokens are edited in place (`clear` + `push_str` reuse the token's buffer): no allocation.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::lexicon::LEXICON;

/// Clitics that may follow a digit reduplication (`syarat2nya`).
const CLITICS: [&str; 8] = ["nya", "an", "kan", "lah", "kah", "pun", "ku", "mu"];

/// Token filter mapping informal spellings to standard words (see module docs).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Normalize;

impl TokenFilter for Normalize {
    type Tokenizer<T: Tokenizer> = NormalizeWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> NormalizeWrapper<T> {
        NormalizeWrapper { inner: tokenizer }
    }
}

/// The tokenizer produced by [`Normalize`].
#[derive(Clone, Debug)]
pub(crate) struct NormalizeWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for NormalizeWrapper<T> {
    type TokenStream<'a> = NormalizeStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        NormalizeStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream produced by [`NormalizeWrapper`].
pub(crate) struct NormalizeStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for NormalizeStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        normalize_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Rewrites one lowercase ASCII word to its standard form, in place.
pub(crate) fn normalize_in_place(word: &mut String) {
    collapse_reduplication(word);
    if let Some(standard) = LEXICON.slang.get(word.as_str()) {
        word.clear();
        word.push_str(standard);
    } else if betawi_clitic(word) {
        word.truncate(word.len() - 1);
        word.push('a');
    }
}

/// Whether a word ends in the Betawi clitic "-nye" (the standard "-nya": "suratnye",
/// "isinye") after a stem of three letters or more.
fn betawi_clitic(word: &str) -> bool {
    word.len() >= 6 && word.ends_with("nye") && word.bytes().all(|b| b.is_ascii_lowercase())
}

/// The standard form of one lowercase word, borrowing when nothing changes.
pub(crate) fn standard_form(word: &str) -> std::borrow::Cow<'_, str> {
    match reduplication_digit(word) {
        Some(at) => {
            let mut owned = word.to_owned();
            owned.remove(at);
            normalize_in_place(&mut owned);
            std::borrow::Cow::Owned(owned)
        }
        None => match LEXICON.slang.get(word) {
            Some(standard) => std::borrow::Cow::Borrowed(standard),
            None if betawi_clitic(word) => std::borrow::Cow::Owned(format!("{}a", &word[..word.len() - 1])),
            None => std::borrow::Cow::Borrowed(word),
        },
    }
}

fn collapse_reduplication(word: &mut String) {
    if let Some(at) = reduplication_digit(word) {
        word.remove(at);
    }
}

/// Byte index of the `2` in `syarat2` / `syarat2nya`, if the word is such a reduplication.
fn reduplication_digit(word: &str) -> Option<usize> {
    let at = word.find('2')?;
    let (stem, rest) = (&word[..at], &word[at + 1..]);
    let letters = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase());
    (stem.len() >= 3 && letters(stem) && (rest.is_empty() || CLITICS.contains(&rest))).then_some(at)
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
            .filter(Normalize)
            .build()
    }

    token_cases! { analyzer();
        chat_abbreviations: "brp hr bikin KTP yg baru dgn sy" =>
            ["berapa", "hari", "buat", "ktp", "yang", "baru", "dengan", "saya"],
        negations_all_become_tidak: "gak ga gk nggak ngga tdk ora" =>
            ["tidak", "tidak", "tidak", "tidak", "tidak", "tidak", "tidak"],
        how_variants: "gmn gimana gmna piye" => ["bagaimana", "bagaimana", "bagaimana", "bagaimana"],
        javanese_mix: "piro suwe dino nggawe kudu mbayar" =>
            ["berapa", "lama", "hari", "buat", "harus", "bayar"],
        reduplication_digit: "syarat2 berkas2nya" => ["syarat", "berkasnya"],
        reduplication_then_slang: "brks2" => ["berkas"],
        codes_with_2_untouched: "sp2d pp2 2024 ke2an" => ["sp2d", "pp2", "2024", "ke2an"],
        ijin_is_izin: "ijin keramaian" => ["izin", "keramaian"],
        betawi_nye_is_nya: "suratnye isinye nye" => ["suratnya", "isinya", "nye"],
        kk_stays_kk: "kk hilang kk" => ["kk", "hilang", "kk"],
        folded_before_lookup: "GIMANA Ijin" => ["bagaimana", "izin"],
        standard_words_untouched: "persyaratan akta kelahiran" => ["persyaratan", "akta", "kelahiran"],
    }

    #[test]
    fn offsets_and_positions_are_those_of_the_original_words() {
        let text = "Brp hr, syarat2 ?";
        let tokens = tokens(&mut analyzer(), text);
        assert_eq!(tokens.len(), 3);
        assert_token(&tokens[0], 0, "berapa", 0, 3);
        assert_token(&tokens[1], 1, "hari", 4, 6);
        assert_token(&tokens[2], 2, "syarat", 8, 15);
    }

    #[test]
    fn standard_form_borrows_unchanged_words() {
        assert!(matches!(standard_form("syarat"), std::borrow::Cow::Borrowed("syarat")));
        assert_eq!(standard_form("brp"), "berapa");
        assert_eq!(standard_form("syarat2"), "syarat");
    }
}
