//! `StopWords`: drops function words, address/politeness words and chat fillers.
//!
//! The list is our own, `knowledge/data/stopwords.txt`, and is matched after `normalize`, so it
//! lists standard spellings only ("yang", not "yg"). Aspect cue words (syarat, biaya, berapa, lama,
//! kapan, hari, cara, prosedur, jam, buka, hukum, produk, pengaduan, ...) are deliberately NOT
//! stopwords: the answer engine detects which aspect a citizen asks about from the analysed
//! tokens. A test below enforces that deny-list. Skipped tokens leave a gap in positions, as
//! tantivy's own `StopWordFilter` does, so phrase queries never join words across a removed one.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::lexicon::LEXICON;

/// Token filter removing the words of `stopwords.txt`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct StopWords;

impl TokenFilter for StopWords {
    type Tokenizer<T: Tokenizer> = StopWordsWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StopWordsWrapper<T> {
        StopWordsWrapper { inner: tokenizer }
    }
}

/// The tokenizer produced by [`StopWords`].
#[derive(Clone, Debug)]
pub(crate) struct StopWordsWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StopWordsWrapper<T> {
    type TokenStream<'a> = StopWordsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StopWordsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream produced by [`StopWordsWrapper`].
pub(crate) struct StopWordsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for StopWordsStream<T> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if !is_stopword(&self.tail.token().text) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// Whether `word` (already normalized) is dropped by this filter.
pub(crate) fn is_stopword(word: &str) -> bool {
    LEXICON.stopwords.contains(word)
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;
    use crate::analysis::normalize::Normalize;
    use crate::analysis::testutil::{assert_token, token_cases, tokens};

    fn analyzer() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Normalize)
            .filter(StopWords)
            .build()
    }

    token_cases! { analyzer();
        fillers_and_address_words: "kak mau tanya dong syarat ktp apa aja ya min" => ["syarat", "ktp"],
        chat_spellings_are_normalized_first: "gan yg gk bs dtg gmn" => ["bisa", "datang", "bagaimana"],
        aspect_cues_survive: "berapa lama kapan hari biaya gratis jam buka" =>
            ["berapa", "lama", "kapan", "hari", "biaya", "gratis", "jam", "buka"],
        kk_survives: "halo min fotokopi kk" => ["fotokopi", "kk"],
        list_markers_dropped: "a. KTP b. KK" => ["ktp", "kk"],
        everything_dropped: "iya kak makasih ya" => [],
    }

    #[test]
    fn positions_keep_a_gap_where_a_word_was_removed() {
        let tokens = tokens(&mut analyzer(), "syarat yang lengkap");
        assert_eq!(tokens.len(), 2);
        assert_token(&tokens[0], 0, "syarat", 0, 6);
        assert_token(&tokens[1], 2, "lengkap", 12, 19);
    }

    /// Words the answer engine uses to detect the asked aspect; none may ever be a stopword.
    const ASPECT_CUES: &[&str] = &[
        "syarat",
        "persyaratan",
        "biaya",
        "tarif",
        "berapa",
        "lama",
        "kapan",
        "hari",
        "cara",
        "alur",
        "prosedur",
        "mekanisme",
        "bayar",
        "gratis",
        "jam",
        "buka",
        "dasar",
        "hukum",
        "produk",
        "hasil",
        "pengaduan",
        "aduan",
        "lapor",
        "waktu",
        "selesai",
        "jadi",
        "mana",
        "tempat",
        "siapa",
        "bagaimana",
        "minggu",
        "bulan",
        "tahun",
        "online",
        "daring",
        "kk",
        "ktp",
        "izin",
        "surat",
        "buat",
        "urus",
    ];

    #[test]
    fn aspect_cue_words_are_never_stopwords() {
        for cue in ASPECT_CUES {
            assert!(!is_stopword(cue), "{cue} must not be a stopword");
        }
    }
}
