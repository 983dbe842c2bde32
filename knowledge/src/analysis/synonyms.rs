//! `Synonyms`: maps stems of words citizens use for the same concept to one canonical stem.
//!
//! Runs after the stem filter, so `knowledge/data/synonyms.tsv` holds STEMS on both sides
//! (`bayar` covers bayar, membayar, pembayaran; all become `biaya`). The table canonicalises aspect
//! words (fee -> `biaya`, requirements -> `syarat`, procedure -> `prosedur`, duration -> `lama`,
//! complaints -> `adu`) and true variants (`kawin` -> `nikah`); it never merges words that tell two
//! services apart ("izin belajar" vs "tugas belajar"). Single token in, single token out: positions
//! and offsets are untouched. Multi-word paraphrases belong in `phrases.tsv` instead.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use super::lexicon::LEXICON;

/// Token filter applying `synonyms.tsv` to stems.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Synonyms;

impl TokenFilter for Synonyms {
    type Tokenizer<T: Tokenizer> = SynonymsWrapper<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> SynonymsWrapper<T> {
        SynonymsWrapper { inner: tokenizer }
    }
}

/// The tokenizer produced by [`Synonyms`].
#[derive(Clone, Debug)]
pub(crate) struct SynonymsWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for SynonymsWrapper<T> {
    type TokenStream<'a> = SynonymsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        SynonymsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

/// The token stream produced by [`SynonymsWrapper`].
pub(crate) struct SynonymsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for SynonymsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        if let Some(canonical) = LEXICON.synonyms.get(text.as_str()) {
            text.clear();
            text.push_str(canonical);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};

    use super::*;
    use crate::analysis::stem::{IndonesianStem, stem};
    use crate::analysis::testutil::{assert_token, token_cases, tokens};

    fn analyzer() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(IndonesianStem)
            .filter(Synonyms)
            .build()
    }

    token_cases! { analyzer();
        fee_words: "tarif ongkos retribusi pembayaran harga" =>
            ["biaya", "biaya", "biaya", "biaya", "biaya"],
        requirement_words: "persyaratan dokumen berkas" => ["syarat", "syarat", "syarat"],
        procedure_words: "alur tahapan langkah cara mekanisme prosedur" =>
            ["prosedur", "prosedur", "prosedur", "prosedur", "prosedur", "prosedur"],
        complaint_words: "aduan pengaduan komplain keluhan" => ["adu", "adu", "adu", "adu"],
        reporting_is_not_complaint: "lapor melapor dilaporkan" => ["lapor", "lapor", "lapor"],
        report_is_not_complaint: "laporan pelaporan" => ["laporan", "laporan"],
        award_is_not_fee: "penghargaan" => ["penghargaan"],
        services_stay_apart: "izin belajar tugas belajar" => ["izin", "belajar", "tugas", "belajar"],
        marriage_variants: "perkawinan pernikahan" => ["nikah", "nikah"],
    }

    #[test]
    fn offsets_survive_synonyms() {
        let tokens = tokens(&mut analyzer(), "Tarif: gratis");
        assert_token(&tokens[0], 0, "biaya", 0, 5);
        assert_token(&tokens[1], 1, "gratis", 7, 13);
    }

    #[test]
    fn every_key_is_a_stable_stem() {
        // A key that the stem filter would change can never reach this filter: a dead row.
        for key in LEXICON.synonyms.keys() {
            assert_eq!(stem(key), *key, "synonyms.tsv key {key} is not a stem");
        }
    }
}
