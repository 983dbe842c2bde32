//! Phrase-level rewriting of citizens' questions, before analysis: [`rewrite_query`].
//!
//! Some paraphrases span several words and cannot be expressed by a one-token-in, one-token-out
//! filter: "bawa apa" means requirements, "brp hari jadinya" means duration, "gak bayar kan?" means
//! the fee, "surat waris" is the "ahli waris" service. `knowledge/data/phrases.tsv` lists such
//! patterns in standard spelling with their replacement cue words. Each question word is compared
//! both as written (lowercased) and in its standard form from `slang.tsv`, so one pattern covers
//! "brp hari", "brapa hari" and "piro dino". The longest pattern wins at each word, left to
//! right; replaced words are not rescanned. Patterns may be anchored with `^` (first word) and `$`
//! (last word).
//!
//! This is applied to QUESTIONS only, never to documents: decrees say what they mean, and
//! rewriting them would also break offsets used for snippets. It is also where the vocative "kk"
//! (kakak) is removed ("halo kk", "syaratnya apa kk?"); everywhere else `kk` means kartu keluarga.
//! The output is plain text for the analyzer: words joined by single spaces, punctuation dropped.

use std::borrow::Cow;

use super::lexicon::{LEXICON, Phrase};
use super::normalize::standard_form;

/// Rewrites multi-word paraphrases in a citizen's question into the cue words the answer engine
/// understands (driven by `knowledge/data/phrases.tsv`). Run it on questions before [`analyze`]
/// or before building a query; never on documents.
///
/// ```
/// use loket_knowledge::analysis::rewrite_query;
/// assert_eq!(rewrite_query("Brp hari jadinya kak?"), "lama hari jadinya kak");
/// assert_eq!(rewrite_query("halo kk, fotokopi KK perlu?"), "halo fotokopi kk perlu");
/// ```
///
/// [`analyze`]: super::analyze
pub fn rewrite_query(text: &str) -> String {
    rewrite_marked(text, &mut Vec::new(), |_| false)
}

/// Like [`rewrite_query`], and pushes onto `asked` the replacement of every matched pattern of
/// two or more words: what the citizen asked with a whole phrase ("bawa apa aja" -> `syarat`),
/// as opposed to a single word that may be part of a service's name. A one-word pattern the
/// indexed decrees use themselves (`used`: "PPID" in a unit's name) is kept beside its
/// replacement: the table stands in for words the decrees do not use.
pub(crate) fn rewrite_marked(
    text: &str,
    asked: &mut Vec<&'static [&'static str]>,
    used: impl Fn(&str) -> bool,
) -> String {
    let raw: Vec<String> = words(text).map(str::to_lowercase).collect();
    let standard: Vec<Cow<'_, str>> = raw.iter().map(|w| standard_form(w)).collect();
    let mut out = String::with_capacity(text.len() + 16);
    let mut at = 0;
    while at < raw.len() {
        match longest_match(&raw, &standard, at) {
            Some(phrase) => {
                if phrase.words.len() >= 2 {
                    asked.push(&phrase.replacement);
                } else if used(&raw[at]) {
                    push_word(&mut out, &raw[at]);
                }
                for word in &phrase.replacement {
                    push_word(&mut out, word);
                }
                at += phrase.words.len();
            }
            None => {
                push_word(&mut out, &raw[at]);
                at += 1;
            }
        }
    }
    out
}

/// Words as tantivy's `SimpleTokenizer` sees them: maximal runs of alphanumeric characters.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

fn push_word(out: &mut String, word: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

fn word_matches(pattern: &str, raw: &str, standard: &str) -> bool {
    pattern == raw || pattern == standard
}

/// The last word of a phrase (or its only word) carrying a definite clitic, which does not
/// change what the phrase asks: Indonesian "-nya", Javanese "-e"/"-ne" and krama "-ipun", Sundanese "-na",
/// Minangkabau "-nyo" ("dasar hukume", "bawa apae").
fn with_clitic(pattern: &str, raw: &str) -> bool {
    pattern.len() >= 3
        && raw
            .strip_prefix(pattern)
            .is_some_and(|clitic| CLITICS.contains(&clitic))
}

/// The definite clitics of [`with_clitic`].
const CLITICS: [&str; 6] = ["nya", "e", "ne", "ipun", "na", "nyo"];

fn longest_match(raw: &[String], standard: &[Cow<'_, str>], at: usize) -> Option<&'static Phrase> {
    let lexicon: &'static _ = &*LEXICON;
    // Candidate rules are keyed by their first word; try the raw and the standard spelling.
    let keys = [raw[at].as_str(), standard[at].as_ref()];
    let mut best: Option<&'static Phrase> = None;
    for (index, key) in keys.iter().enumerate() {
        if index == 1 && keys[1] == keys[0] {
            break;
        }
        let Some(rules) = lexicon.phrases.get(*key) else {
            continue;
        };
        let found = rules.iter().find(|rule| {
            let end = at + rule.words.len();
            end <= raw.len()
                && (!rule.at_start || at == 0)
                && (!rule.at_end || end == raw.len())
                && rule.words.iter().zip(at..end).all(|(pattern, i)| {
                    word_matches(pattern, &raw[i], &standard[i])
                        || rule.words.len() >= 2 && i + 1 == end && with_clitic(pattern, &raw[i])
                })
        });
        if let Some(rule) = found
            && best.is_none_or(|b| rule.words.len() > b.words.len())
        {
            best = Some(rule);
        }
    }
    // A one-word pattern with a clitic ("outputnya", "tendere"): the word it is written on.
    if best.is_none() {
        best = CLITICS
            .iter()
            .filter_map(|clitic| raw[at].strip_suffix(clitic))
            .filter_map(|stem| lexicon.phrases.get(stem))
            .flatten()
            .find(|rule| {
                rule.words.len() == 1 && !rule.at_start && !rule.at_end && with_clitic(rule.words[0], &raw[at])
            });
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_the_decrees_name_things_with_is_kept_beside_its_replacement() {
        let used = |w: &str| w == "penyuluhan";
        assert_eq!(
            rewrite_marked("minta penyuluhan", &mut Vec::new(), used),
            "minta penyuluhan sosialisasi"
        );
        assert_eq!(rewrite_query("minta penyuluhan"), "minta sosialisasi");
    }

    /// `rewrite_cases!(name: "question" => "rewritten", ...)`: one test per case.
    macro_rules! rewrite_cases {
        ($($name:ident: $input:expr => $want:expr),* $(,)?) => {
            $(
                #[test]
                fn $name() {
                    assert_eq!(rewrite_query($input), $want, "input {:?}", $input);
                }
            )*
        };
    }

    rewrite_cases! {
        duration_in_chat_spelling: "brp hari jadinya?" => "lama hari jadinya",
        duration_in_javanese: "piro dino" => "lama hari",
        duration_berapa_lama: "Berapa lama bikin KTP" => "lama bikin ktp",
        kapan_jadi: "kapan jadi aktanya" => "lama aktanya",
        requirements_bawa_apa: "ngurus akta bawa apa aja" => "ngurus akta syarat",
        requirements_long_form: "apa aja yg hrs dibawa buat akta" => "syarat buat akta",
        fee_gak_bayar: "gak bayar kan?" => "biaya gratis kan",
        fee_bayar_gak: "bayar gk sih" => "biaya sih",
        surat_waris_is_ahli_waris: "cara bikin surat waris" => "cara bikin ahli waris",
        opening_hours: "kantor camat buka jam brp?" => "kantor camat jam buka",
        vocative_kk_after_greeting: "halo kk, mau tanya" => "halo mau tanya",
        vocative_kk_at_end: "syaratnya apa kk?" => "syaratnya apa",
        vocative_kk_before_question: "kk mau tanya syarat pindah" => "mau tanya syarat pindah",
        kk_document_kept: "fotokopi ktp dan kk" => "fotokopi ktp dan kk",
        kk_subject_kept: "kk saya hilang gmn" => "kk saya hilang gmn",
        kk_alone_kept: "KK" => "kk",
        kartu_keluarga_adds_kk: "kartu keluarga hilang" => "kartu keluarga kk hilang",
        untouched_text_is_only_lowercased: "Syarat KTP-el Baru" => "syarat ktp baru",
        regulation_abbreviation: "permenhub nomor brp" => "peraturan menteri perhubungan nomor brp",
        validity_asks_the_product: "kartunya berlaku brp lama" => "kartunya produk berlaku",
        demonstration_aksi: "mau aksi di dprd" => "mau unjuk rasa di dprd",
        empty: "" => "",
        punctuation_only: "?!" => "",
    }

    #[test]
    fn the_last_word_of_a_phrase_may_carry_a_clitic() {
        assert_eq!(rewrite_query("dasar hukume apa"), rewrite_query("dasar hukum apa"));
        assert_eq!(rewrite_query("dasar hukumipun"), rewrite_query("dasar hukum"));
        // Only on the last word, and only a clitic: "dasarnya hukum" is not the phrase.
        assert_ne!(rewrite_query("dasare hukum"), rewrite_query("dasar hukum"));
        assert_ne!(rewrite_query("dasar hukumah"), rewrite_query("dasar hukum"));
    }

    #[test]
    fn a_one_word_pattern_may_carry_a_clitic() {
        assert_eq!(rewrite_query("outputnya?"), rewrite_query("output"));
        assert_eq!(rewrite_query("tendere kapan"), rewrite_query("tender kapan"));
        // Only a clitic: another ending is another word.
        assert_ne!(rewrite_query("outputan"), rewrite_query("output"));
    }

    #[test]
    fn anchored_rule_does_not_match_mid_sentence() {
        // "apa kk $" only at the end: here kk is the document.
        assert_eq!(rewrite_query("apa kk perlu dilegalisir"), "apa kk perlu dilegalisir");
    }
}
