//! The Indonesian text-analysis layer: the tantivy analyzer [`ANALYZER`] and question rewriting.
//!
//! Citizens ask in informal Indonesian with typos, chat abbreviations and Javanese words; decrees
//! are formal. Both go through one analyzer so they meet on the same terms:
//!
//! ```text
//! SimpleTokenizer -> RemoveLongFilter(40) -> LowerCaser -> AsciiFoldingFilter
//!   -> normalize (slang.tsv, "syarat2")  -> stopwords (stopwords.txt)
//!   -> stem (frostem Snowball Indonesian + protected.txt + stems.tsv) -> synonyms (synonyms.tsv)
//! ```
//!
//! Questions additionally go through [`rewrite_query`] first (phrases.tsv: "bawa apa" ->
//! `syarat`, "brp hari" -> `lama hari`, vocative "kk" removed). Documents never do.
//!
//! The answer engine detects the asked aspect from the analysed tokens. The canonical cue tokens
//! are: `syarat` (requirements), `biaya` and `gratis` (fee), `lama` plus `hari`/`minggu`/`bulan`
//! (duration), `prosedur` (procedure), `jam` + `buka` (opening hours), `adu` (complaints),
//! `hukum` (legal basis), `produk` / `hasil` (product), `tempat` / `mana` (place), `kapan`,
//! `berapa`.
//!
//! `kk` rule: inside the analyzer `kk` always means KK (kartu keluarga): it is protected from
//! stemming, never slang, never a stopword, so "fotokopi KK" matches decrees. The chat vocative
//! "kk" (= kakak) is removed by [`rewrite_query`] only when next to a greeting, a politeness word
//! or a question particle ("halo kk", "kk mau tanya", "syaratnya apa kk?"). A question like
//! "kk mau tanya" with no other cue therefore loses nothing, and "kk saya hilang" keeps KK.
//!
//! All tables live in `knowledge/data/`, are compiled in with `include_str!` and parsed once.
//! The analyzer is registered under a versioned name: never change the chain or a table's meaning
//! under an old name (old segments keep old terms); add the next version and reindex instead.
//! `id_v3` (2026-11): "lapor" no longer means `adu` (it also means filing a report) and
//! "pengantar" (cover letter) is no longer stemmed to `antar` ("between", "deliver").
//! `id_v4` (2026-12): Javanese question words, demonstratives and particles in `slang.tsv`
//! ("endi" -> mana, "sopo" -> siapa, "wadul"/"sambat" -> adu).
//! `id_v5` (2026-12): Javanese time words, day names and procedure verbs ("sakdurunge" ->
//! sebelum, "setu" -> sabtu, "teken" -> tandatangan), "pake" -> pakai; the particles "yo" and
//! "ta" are stopwords.
//! `id_v6` (2026-12): the Javanese particles "to", "tho" and "ki" (short "iki", this) are
//! stopwords; "ttd" (the usual short form of "tanda tangan") -> tandatangan, and every form of
//! signing stems to "tangan" (the word the two-word spelling shares); chat short forms
//! "kmrn", "bsk", "dpn", "kpn", "gol" (golongan).
//! `id_v7` (2026-12): the possessives "ku" and "mu" written apart ("kk ku") are stopwords;
//! everyday names of what decrees name formally: "ugd" -> igd, "opname" -> inap, "rontgen"
//! -> radiologi, "poli" -> poliklinik; "plg" -> paling, "lmbt" -> lambat, "deadline" -> batas.
//! `id_v8` (2026-12): function words of Sundanese, Banjar, Minangkabau and Betawi ("naon" ->
//! apa, "ulun" -> saya, "handak" -> mau, "ambo" -> saya, "baa" -> bagaimana, "berape" ->
//! berapa); "sobek"/"robek" -> rusak; "perdana" (first) is no longer stemmed to "dana".
//! `id_v9` (2026-12): regional words for how long, how much, how and what for ("lila",
//! "lawas", "suwi" -> lama, "mayar" -> bayar, "rego" -> harga, "kayapa" -> bagaimana, "gasan"
//! -> untuk, "imah" -> rumah).
//! `id_v10` (2026-12): Javanese "dewe"/"dhewe" -> sendiri, "ndi" -> mana, "lek" -> kalau;
//! "taun"/"setaun" -> tahun/setahun; the synonym "umur" -> usia.
//! `id_v11` (2026-12): chat names of channels ("ig", "fb", "web"); "tetep" -> tetap; the
//! Javanese clitic written apart ("sk ne") is a stopword; "suami" keeps its last letter;
//! "kedinasan" is no longer stemmed to "dinas" (the office a question names).
//! `id_v12` (2026-12): "sapa" -> siapa (chat and Javanese "who"); "komplen", "komplin" ->
//! komplain.
//! `id_v13` (2026-12): "nomer", "nmr" -> nomor; "smua", "smuanya" -> semua, semuanya (chat
//! spellings); "dikasih", "ngasih" and kin -> diberi, memberi (chat "give"); "gpp", "gapapa"
//! (tidak apa-apa) are stopwords; "dasar aturan" asks the legal basis; "telat" -> lambat
//! ("paling telat" is "paling lambat", a deadline); Javanese "gawa", "nggawa", "gowo" -> bawa;
//! "kluar", "dikluarin" -> keluar, dikeluarkan.
//! `id_v14` (2026-12): "ato", "atw", "ataw" -> atau (chat "or"); "personel" keeps its "per-"
//! ("berapa orang" asks the staffing as "berapa personel"); "X itu apa", "apa itu X", "itu
//! maksudnya" ask what a service is (the overview).
//! `id_v15` (2026-12): "lelet", "lemot" -> lambat (chat "slow", said of a service); Javanese
//! "wong" -> orang, "cilik" -> kecil, "ae" -> saja, "dalan" -> jalan, "udan" -> hujan;
//! "berlaku brp lama/taun", "masa berlaku" ask the product (how long it is valid), not the
//! duration; "brlaku" -> berlaku, Javanese "berlakune" -> berlakunya; "aksi" (a street
//! demonstration, as "demo") -> unjuk rasa in questions; "dibenerin", "dibetulin" ->
//! diperbaiki (the passive of "benerin"); regulations by their usual abbreviations
//! ("permenhub", "permendagri", "perpres", "pergub") written out in questions.
//! `id_v16` (2026-12): Sundanese "kahiji", "kadua" -> pertama, kedua; "saptu" -> sabtu;
//! "leungit" -> hilang; "meunang" -> boleh; "pareum" -> mati; "ti" -> dari; "jeung" -> dan;
//! "nu" -> yang; Javanese "ra", "pora" -> tidak, "alon" -> lambat, "nggih" -> ya; Betawi "aje"
//! -> saja; "KIR", the name every agency and citizen gives the periodic test of a motor
//! vehicle, is an acronym of "pengujian berkala kendaraan bermotor"; Sundanese "ka" -> ke;
//! "angkot" -> angkutan; "PKM" is an acronym of "pusat kesehatan masyarakat"; "bumil" -> ibu
//! hamil, "kawin suntik" -> inseminasi buatan, "adopsi" -> pengangkatan anak, "galang dana" -> pengumpulan uang (the
//! words decrees use) in questions; "segala" is an everyday word.
//! `id_v17` (2026-12): Sundanese "aya" -> ada, "keur" -> sedang, "tatangga" -> tetangga, "ieu"
//! -> ini, "eta" -> itu, "nyaeta" -> yaitu, "punten" -> permisi; Betawi "kite" -> kita,
//! "kemane" -> mana (as "kemana" is read) and the Betawi clitic "-nye" read as "-nya" ("suratnye", "isinye");
//! "diklatpim", the old name of the leadership trainings, is an acronym of "pelatihan
//! kepemimpinan"; Betawi "ye" -> ya; "damai" and "perguruan" are not stemmed ("dama", "guru").
//! `id_v18` (2026-12): the stemmer puts back an opening Indonesian morphology says is no
//! prefix: "me" before a letter *me-* would have nasalised, "pe" before s, "di" before s and
//! another consonant, "ke" before a nasal and a consonant ("mediasi", "media", "pesangon",
//! "peserta", "distribusi", "dispora", "kendaraan", "kembali" keep their first syllable; see `stem::with_false_prefix`); and the meN-/peN- forms of roots
//! that begin with t or k, or that Snowball breaks whole, meet their root ("penebangan",
//! "menebang" -> tebang as "ditebang" and "tebang" do; "penilaian", "nilai" -> nilai;
//! `stems.tsv`).
//! `id_v19` (2026-12): the meN-/peN- forms of roots that begin with m meet their root ("memuat"
//! -> muat, not "puat"; "pemanfaatan" -> manfaat; `stems.tsv`); "mhs" -> mahasiswa, "cewek" ->
//! perempuan, "cowok" -> laki, "bokap"/"nyokap" -> bapak/ibu (`slang.tsv`).
//! `id_v20` (2026-12): a chat spelling of a word under a standard affix meets that word
//! ("dipake" -> pakai, "dapetnya", "didapetin" -> dapat, "ketauan" -> tahu): what Snowball
//! leaves is read through `slang.tsv` when the slang row is a spelling of the same word (its
//! first two letters kept; see `stem::colloquial_root`).
//! `id_v21` (2026-12): no ke- prefix before two consonants that open no Indonesian syllable
//! ("kerjasama", "kertas", "kesbangpol" stay whole; see `stem::with_false_prefix`); Madurese
//! question words ("berempa" berapa, "abit" lama, "majar" bayar) and Javanese krama ones
//! ("badhe" mau, "kangge" untuk, "mawon" saja, "wonten" ada) in `slang.tsv`.
//! `id_v22` (2026-12): more krama ("kemawon", "saking", "dhateng", "punika", "menawi", "kula")
//! and Minangkabau ("nan" yang, "untuak", "paliang lambek", "bara" berapa) words, English ones
//! of code-switching citizens ("requirements", "fee", "process"), and "betulkan",
//! "pembetulan" as forms of "perbaiki" (`slang.tsv`).
//!
//! # Example
//! ```
//! use loket_knowledge::analysis::{analyze, rewrite_query};
//! let question = rewrite_query("kak, syarat2 bikin e-KTP apa aja yg hrs dibawa?");
//! assert_eq!(analyze(&question), ["syarat", "buat", "ktp", "syarat"]);
//! assert_eq!(analyze("Persyaratan Pelayanan Kartu Tanda Penduduk"), ["syarat", "layan", "kartu", "tanda", "penduduk"]);
//! ```

pub(crate) mod frames;
mod letters;
mod lexicon;
mod normalize;
mod phrases;
mod stem;
mod stopwords;
mod synonyms;
#[cfg(test)]
mod testutil;

use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenizerManager,
};

pub(crate) use self::letters::join_spelled;
pub(crate) use self::normalize::standard_form;
pub(crate) use self::phrases::rewrite_marked;
pub use self::phrases::rewrite_query;

/// Whether the analyzer's tables know `word` (a lowercase standard word: a slang target, a
/// stopword, a protected acronym, a stem or synonym entry, a phrase word). Such a word is part
/// of the language even when no decree uses it, so it is never "corrected" into a decree word.
pub(crate) fn is_known_word(word: &str) -> bool {
    lexicon::LEXICON.known.contains(word)
}

/// Whether the analyzer drops a word as a stopword (chat filler, function words).
pub(crate) fn is_stopword(word: &str) -> bool {
    stopwords::is_stopword(word)
}

/// The everyday words of `knowledge/data/everyday.txt` as written (the answer engine weighs
/// them low).
pub(crate) fn everyday_words() -> impl Iterator<Item = &'static str> {
    lexicon::LEXICON.everyday.iter().copied()
}

/// Every word the analyzer's tables know (see [`is_known_word`]).
pub(crate) fn known_words() -> impl Iterator<Item = &'static str> {
    lexicon::LEXICON.known.iter().copied()
}

use self::normalize::Normalize;
use self::stem::IndonesianStem;
use self::stopwords::StopWords;
use self::synonyms::Synonyms;

/// Versioned name of the Indonesian analyzer, as stored in the schema. Never change the chain
/// (or the meaning of its tables) under an existing name: add a new name and reindex.
pub const ANALYZER: &str = "id_v22";

/// Longest token kept, in bytes (tantivy's `RemoveLongFilter` semantics).
const MAX_TOKEN_BYTES: usize = 40;

/// A fresh instance of the Indonesian analyzer (the chain in the module docs).
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Normalize)
        .filter(StopWords)
        .filter(IndonesianStem)
        .filter(Synonyms)
        .build()
}

/// Registers [`ANALYZER`] with an index's tokenizer manager. Call it right after every
/// `Index::create*` / `Index::open*` and before building any `QueryParser`: tantivy stores only
/// the analyzer's name in the index.
pub fn register(manager: &TokenizerManager) {
    manager.register(ANALYZER, analyzer());
}

/// Final analysed tokens of `text` (for aspect detection and scoring in the answer engine).
/// Apply [`rewrite_query`] first when `text` is a citizen's question.
pub fn analyze(text: &str) -> Vec<String> {
    thread_local! {
        // One analyzer per thread: building one is cheap, but reusing it also reuses its buffers.
        static ANALYZER_CACHE: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(analyzer());
    }
    tokens_of(&ANALYZER_CACHE, text)
}

/// Words of `text` after normalization and stopword removal but BEFORE stemming and synonyms.
///
/// This is the vocabulary for [`crate::spelling::SpellingIndex`]: typos break the stemmer's affix
/// rules ("persyartan" does not stem to `syarat`), so misspellings are corrected on these surface
/// words, then the corrected question is analysed with [`analyze`]. Build the spelling index from
/// the surface words of every document (doc freq = number of documents containing the word).
pub fn surface_words(text: &str) -> Vec<String> {
    thread_local! {
        static SURFACE_CACHE: std::cell::RefCell<TextAnalyzer> =
            std::cell::RefCell::new(surface_analyzer());
    }
    tokens_of(&SURFACE_CACHE, text)
}

/// The tokens one of this thread's analyzers makes of `text`.
fn tokens_of(analyzer: &'static std::thread::LocalKey<std::cell::RefCell<TextAnalyzer>>, text: &str) -> Vec<String> {
    // Force table parsing outside the borrow, so a panic there cannot poison the cache.
    LazyLock::force(&lexicon::LEXICON);
    analyzer.with_borrow_mut(|analyzer| {
        let mut tokens = Vec::new();
        let mut stream = analyzer.token_stream(text);
        stream.process(&mut |token: &Token| tokens.push(token.text.clone()));
        tokens
    })
}

/// The analyzer chain up to and including stopwords (no stemming, no synonyms).
fn surface_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Normalize)
        .filter(StopWords)
        .build()
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::QueryParser;
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions};
    use tantivy::{Index, TantivyDocument, doc};

    use super::testutil::{assert_sane, token_cases, tokens};
    use super::*;

    token_cases! { analyzer();
        chain_chat_question: "Min, brp hr ngurus akta kelahiran?" =>
            ["berapa", "hari", "urus", "akta", "lahir"],
        chain_decree_heading: "Persyaratan Pelayanan Izin Keramaian" => ["syarat", "layan", "izin", "ramai"],
        chain_fee_words_meet: "Biaya/Tarif: Gratis, tanpa pungutan retribusi" =>
            ["biaya", "biaya", "gratis", "tanpa", "biaya", "biaya"],
        chain_javanese: "piye carane ngurus ktp sing ilang" =>
            ["bagaimana", "prosedur", "urus", "ktp", "hilang"],
        chain_reduplication_then_stem: "berkas2nya apa aja" => ["syarat"],
        chain_kk_kept: "Fotokopi KTP dan KK" => ["fotokopi", "ktp", "kk"],
        chain_folding: "Pelayanan Kependudukán" => ["layan", "penduduk"],
        chain_long_token_dropped: "syarat aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ktp" =>
            ["syarat", "ktp"],
        chain_izin_vs_tugas_belajar: "ijin belajar / tugas belajar" =>
            ["izin", "belajar", "tugas", "belajar"],
        chain_chat_give_and_never_mind: "sk nya dikasih ke siapa, ktp lama gpp?" =>
            ["sk", "beri", "siapa", "ktp", "lama"],
        chain_chat_number_spelling: "nomer induknya smua" => ["nomor", "induk"],
        chain_chat_late_is_a_deadline: "paling telat kapan" => ["lambat", "kapan"],
    }

    #[test]
    fn analyze_matches_the_registered_analyzer() {
        let text = "gimana cara bikin surat keterangan domisili?";
        assert_eq!(
            analyze(text),
            tokens(&mut analyzer(), text)
                .into_iter()
                .map(|t| t.text)
                .collect::<Vec<_>>()
        );
        assert_eq!(
            analyze(text),
            ["bagaimana", "prosedur", "buat", "surat", "terang", "domisili"]
        );
    }

    #[test]
    fn rewritten_questions_carry_aspect_cues() {
        let cases: &[(&str, &str)] = &[
            ("brp hari jadinya akta lahir?", "lama"),
            ("bikin skck bawa apa aja?", "syarat"),
            ("izin keramaian gak bayar kan", "biaya"),
            ("syarat2 pindah domisili", "syarat"),
            ("mau komplain pelayanan kelurahan", "adu"),
            ("kantor kecamatan buka jam brp", "jam"),
            ("alurnya gmn?", "prosedur"),
            ("dasar aturannya apa", "hukum"),
            // Not a cue: a draft regulation is asked about under its regulation's name.
            ("raperda kok dikirim ke provinsi", "perda"),
        ];
        for (question, cue) in cases {
            let tokens = analyze(&rewrite_query(question));
            assert!(
                tokens.iter().any(|t| t == cue),
                "{question:?} -> {tokens:?}, want {cue}"
            );
        }
    }

    #[test]
    fn typos_are_corrected_on_surface_words_before_analysis() {
        use crate::spelling::SpellingIndex;
        let documents = [
            "Persyaratan Pelayanan Izin Keramaian",
            "Surat Keterangan Domisili bagi Warga Negara Asing",
            "Pelayanan Kepegawaian: Pendidikan dan Pelatihan",
        ];
        let mut freqs = std::collections::HashMap::<String, u32>::new();
        for document in documents {
            let mut words = surface_words(document);
            words.sort();
            words.dedup();
            for word in words {
                *freqs.entry(word).or_default() += 1;
            }
        }
        let spelling = SpellingIndex::build(freqs);
        let question = "persyartan ijin keramain, domisii";
        let corrected: Vec<String> = surface_words(question)
            .iter()
            .map(|w| spelling.correct(w).unwrap_or(w).to_owned())
            .collect();
        assert_eq!(corrected, ["persyaratan", "izin", "keramaian", "domisili"]);
        assert_eq!(analyze(&corrected.join(" ")), ["syarat", "izin", "ramai", "domisili"]);
    }

    #[test]
    fn offsets_stay_on_the_original_text() {
        let text = "Kak, syarat2 KTPnya apa?";
        let tokens = tokens(&mut analyzer(), text);
        assert_sane(text, &tokens);
        let sliced: Vec<&str> = tokens.iter().map(|t| &text[t.offset_from..t.offset_to]).collect();
        assert_eq!(sliced, ["syarat2", "KTPnya"]);
    }

    #[test]
    fn in_ram_index_finds_the_right_service() {
        let mut builder = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let body = builder.add_text_field("body", TextOptions::default().set_indexing_options(indexing));
        let name = builder.add_text_field("name", STORED);
        let index = Index::create_in_ram(builder.build());
        register(index.tokenizers());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let services = [
            (
                "ktp",
                "Pelayanan Kartu Tanda Penduduk (KTP). Persyaratan: fotokopi Kartu Keluarga (KK). Biaya: gratis.",
            ),
            (
                "keramaian",
                "Rekomendasi Izin Keramaian. Persyaratan: surat permohonan. Jangka waktu penyelesaian 3 hari kerja.",
            ),
            (
                "waris",
                "Surat Keterangan Ahli Waris. Prosedur: pemohon datang ke kelurahan. Tarif: tidak dipungut biaya.",
            ),
            (
                "belajar",
                "Izin Belajar bagi Pegawai Negeri Sipil. Persyaratan: surat pengantar kepala OPD.",
            ),
            (
                "tugas",
                "Tugas Belajar bagi Pegawai Negeri Sipil. Persyaratan: SK tugas belajar.",
            ),
        ];
        for (id, text) in services {
            writer.add_document(doc!(body => text, name => id)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let parser = QueryParser::for_index(&index, vec![body]);
        let top = |question: &str| -> String {
            let query = parser.parse_query(&rewrite_query(question)).unwrap();
            let hits = searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())
                .unwrap();
            let doc: TantivyDocument = searcher.doc(hits[0].1).unwrap();
            let value = doc.get_first(name).unwrap();
            tantivy::schema::Value::as_str(&value).unwrap().to_owned()
        };
        assert_eq!(top("syarat bikin e-ktp"), "ktp");
        assert_eq!(top("brp hari ngurus ijin keramaian?"), "keramaian");
        assert_eq!(top("cara bikin surat waris gmn kak"), "waris");
        assert_eq!(top("ijin belajar pns"), "belajar");
        assert_eq!(top("tugas belajar syaratnya apa"), "tugas");
    }
}
