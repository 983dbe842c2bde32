//! The answer engine: a citizen's question in, an [`Answer`] with a citation out.
//!
//! The question is rewritten (chat phrases), its surface words corrected against the
//! corpus vocabulary (a precomputed table, no fuzzy automata per query), analysed, and
//! split into the asked [`Aspect`] and the words that name a service. The tantivy index
//! proposes candidates by BM25; the engine then checks how much of the question the
//! candidate's *name* (title, product, unit) actually covers, weighted by rarity, so a
//! question about a service the decrees do not have ("syarat bikin paspor") is refused
//! instead of answered with the nearest wrong service. Words the decrees never use weigh
//! like rare name words; institutions, documents and sectors they never mention
//! (`knowledge/data/entities.txt`: "karyawan pabrik", "KUA") weigh double, so a look-alike
//! service is refused. Common everyday words (`knowledge/data/everyday.txt`: "bapak", "tahun
//! depan", "soal") weigh a quarter, for and against every service alike, so a long chatty
//! question is judged on its service words. Chat verb forms ("ngajuin", "benerin", "ijinnya")
//! are read as their standard word when that word is known. Background weighs like everyday
//! words too: a purpose no service is named after ("cuti besar buat umroh"), the state left in
//! "X jadi Y", a bare number. An institution or sector a service's name lacks ("bantuan hukum
//! untuk perusahaan") keeps two distinctive name words from answering on their own, and the
//! place the citizen goes ("di KUA") gets no credit from a requirement that mentions it. A
//! long form inside a longer one names only the longer acronym ("calon pegawai negeri sipil"
//! is CPNS, not also PNS). A word the question rules out
//! ("bukan WNA") excludes the services named by it. A cue word the question asks ("pns mau
//! cerai syaratnya apa") does not name a title that happens to contain it ("Pengantar
//! Persyaratan ..."). Two question words that follow each other in a name ("sekretariat
//! daerah") raise its score. The answer is the best-scoring confident candidate, replaced by
//! one whose name has every question word it has and more (BM25 favours short names); near
//! ties become `ambiguous` with candidates unless the best beats them that way (the question
//! named the agency) or the conversation's region decides; a question without service words
//! ("kalau biayanya?") uses the previous answer's service as context, and a question whose words
//! neither another service nor the previous one explains is refused, never answered with the
//! previous service.
//!
//! Added for questions written by people outside the team (issue 12):
//! - a word the corpus does not know is first read as a short form ([`crate::aliases`]: "skj",
//!   "karpeg") of a title span or of a pair the decrees spell out;
//! - the aspect is decided with the chosen service's own components when no strong cue asks:
//!   the component holding most of the question's own words answers it;
//! - when no service is confident, up to [`MAX_CHOICES`] plausible ones are offered ("maybe one
//!   of these") if the best-scoring one is plausible (see the last item for words the decrees
//!   never use); otherwise the answer is an honest "not found";
//! - words of units and agencies that no title has (who asks and from where: "pemkab",
//!   "kecamatan", a regency) weigh like everyday words, and a message made only of them sets the
//!   region (status `region`), as does a self-introduction ("sy staf di setda kab pasuruan") or
//!   [`Engine::set_region`] (`/wilayah`);
//! - where the asker works ("saya dari dinas pendidikan") is background and mentions no title;
//! - when no name makes a service confident, one far ahead of the next on the whole evidence
//!   (BM25 over name and components) still answers (`Engine::clear_winner`): a question about
//!   a detail only a component holds;
//! - a message that names no other service and whose every counted word is in the previous
//!   service's own text is a follow-up about it ("yang paraf siapa", "bisa daring?");
//! - Javanese clitics and verb forms, nasal chat forms and three-letter clippings of title
//!   words ("alure", "ngusulno", "nerima", "lab") are read as their base word;
//! - a strong cue for a value (duration, fee, hours) is never overridden by component words;
//! - the interrogative and its verb ask an aspect ([`crate::analysis::frames`]): what the
//!   citizen supplies is a requirement, what they receive the product, who handles the file
//!   and where it goes the procedure;
//! - asked whether the service exists, by words of its name ("bantuan hukum gratis ada
//!   gak?"), the citizen asks about it as a whole, unless a strong cue asks a component ("ada
//!   biayanya gak"); a cue word that names a division ("bagian hukum", "bag umum") asks
//!   nothing and names the office;
//! - the same service at another agency (the same words in its name) is no runner-up for the
//!   margin, and a clear winner with an equal twin offers both; a detail only one service's
//!   text holds, every word of it there and far ahead of the next, is offered as a maybe;
//! - where the citizen moves to ("pindah ke kab sidoarjo") is no place that puts a service
//!   elsewhere, a thing after "di" ("di mobil") is no office, and a follow-up naming another
//!   place of the previous service's kind is not answered with the previous service;
//! - a title word that is also a cue, as titles write it ("pengaduan"), names its service when
//!   another aspect is asked with a strong cue; a noun made definite with "-nya"
//!   ("audiensinya") points back at the previous service;
//! - a service said to be had at an office its decree never mentions ("di pengadilan agama")
//!   is delivered elsewhere and not chosen; a dinas short name ("dinkes") after "di" in a
//!   sentence about the asker is where they work;
//! - words no decree uses keep a service out of "maybe one of these" only when they outweigh
//!   what its name explains; a question with no such word whose words a service's text
//!   explains ([`EXPLAINED_COVERAGE`]) offers it on a weak word of its name that is much of the
//!   name ("kuliah S1 lagi, ngurus izinnya gmn": Izin Belajar);
//! - what the citizen was asked to bring ("diminta SKCK", "katanya butuh surat dari
//!   kecamatan") names what they need, and the clause before it is their reason: its
//!   institutions do not rule a service out, its unknown words are story, its cues ask nothing
//!   ([`requested`]);
//! - an office by its short name ("dinkes", "dishub", derived from every agency and unit name
//!   by [`crate::aliases::office_forms`], "kesbangpol" and "damkar" without the kind of office
//!   too) is read as the office's words, background like a region except the words the
//!   citizen typed themselves, and it is a word of that office's services; the Javanese
//!   definite clitic ("kegiatane", "sk ne") points back like "-nya";
//!   said as where the service is had ("lewat kesbangpol", "ke damkar"), not of the asker, it
//!   decides between offices as a region does: other offices' services are elsewhere
//!   ([`Engine::named_office`]);
//! - a place named by its kind that is not the one of that kind in a service's agency
//!   ("kecamatan bangil" for Kecamatan Beji's services, "kota pasuruan" for the Kabupaten's)
//!   puts that service elsewhere ([`places`]); a place's name is one the decrees write only
//!   capitalised, or a word no decree and no table of the analyzer knows;
//! - after a list, a message that only asks more ([`Engine::asks_only`]) is answered by the
//!   dialogue for the one service offered, or gets the list again ([`Engine::offer_again`]);
//! - a question that tells its story in some clauses and asks in one is asked by the first
//!   clause with an interrogative ([`crate::analysis::frames::question_clause`]), and an aspect
//!   asked by an interrogative frame or a phrase is not overridden by the component its other
//!   words are found in;
//! - an acronym a title gives as its other name ("SPPL (Surat Pernyataan ...)"), typed by the
//!   citizen, names the whole title; a level the question names ("tingkat I") rules out a
//!   service of another level;
//! - the components on how a service is run (facilities, competence, supervision, guarantees,
//!   staff, evaluation) are answered when asked by name ("fasilitasnya apa aja", "diawasi
//!   siapa", "ada brp orang", "dijamin rahasia"); a word of the title asks none of them;
//! - a place after "kab", "desa", "kecamatan" ... that no decree names is story, and an
//!   institution in a purpose that is an act ("buat ngelamar kerja pabrik") rules nothing out;
//! - a message that asks nothing and has no cue ("mbah sy meninggal, mau ngurus surat ahli
//!   waris") gets the overview ([`crate::analysis::frames::asks`]); a greeting word in a
//!   message that asks something does not make it small talk;
//! - a clause about the asker without a verb ("sy pejabat eselon III golongan IV/a") is
//!   background, except words of service names, and a place inside a purpose ("buat lamaran
//!   kerja di pabrik") is not where the service is had, nor an institution the service must
//!   serve;
//! - a refused message a fifth of whose naming weight the previous service's text explains
//!   ([`Engine::still_about`]; words no decree uses that name no institution left out) leaves
//!   that service the topic of the conversation;
//! - a follow-up asked by an interrogative alone, with a word clipped from the previous
//!   service's title, with common words only or with details that name no service (no title
//!   has them), institution or document ([`ENTITIES`]), is about that service unless another
//!   service is named by half its title ([`FOLLOW_UP_RECALL`]); a passive verb with its suffix
//!   ("diwakilin", "dikirimkan") is such a detail even when its root is a word of another
//!   name ("Wakil Ketua");
//! - the asker's own office named by a possessive ("dari dinas kami", "desa kami") is
//!   background in any clause, and so is the institution a group speaks for ("universitas
//!   kami", "kami serikat buruh") unless a service is named after it; what the asker says they
//!   are before what they want ("sy guru pns mau ...") is background, institutions excepted;
//! - an institution of a kind the service's text names is served by it ("cv" where the
//!   requirements ask for the company's qualifications; `entities.txt`, "cv < perusahaan");
//! - a component the question names by its own noun ("syaratnya", "prosedur", "biayanya") is
//!   the aspect asked, whatever component the other words are found in
//!   ([`aspect::names_component`]); asked with a clitic ("syaratnya?", "biayane") it is the
//!   aspect whatever cue the story holds, even when the service's name holds the noun
//!   ([`aspect::asked_with_clitic`]);
//! - an everyday word alone ("ada org ga nih") names no service, a message about the bot
//!   itself is small talk, and a service the question does not touch by its title, about an
//!   institution or document its name lacks, is not answered;
//! - courtesy alone, however long ("mohon maaf mengganggu waktunya", "mau nanya bbrp hal"),
//!   is small talk; a krama possessive ("berkasipun", "biayanipun") and a clitic typed in haste
//!   ("prosesny") are read as the decree's word; a chat form of a decree's word after a
//!   region's kind ("kabupaten diumumin") names no place;
//! - two names that hold every naming word of the question ("Fasilitasi Rapat BUMD ..." and
//!   "Fasilitasi Rapat Anggota DPRD" for "fasilitasi rapat") are a tie whatever their texts
//!   repeat ([`SAME_NAME_TIE_SCORE`]).

mod build;
mod deployment;
mod entities;
mod places;
mod render;

use crate::aliases::Aliases;
use crate::analysis::{analyze, frames, is_known_word, is_stopword, rewrite_marked, standard_form, surface_words};
use crate::aspect::{self, Aspect};
use crate::document::{Component, ComponentKind, Decree, Document, ServiceId, ServiceStandard};
use crate::index::SearchIndex;
use crate::spelling::SpellingIndex;
use crate::vowelless::VowellessIndex;
use entities::{ENTITIES, KIND_OF, NAMED_ONLY, PLACE_ENTITIES};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::Serialize;

pub use render::component_body;

/// How the engine answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    /// One service, one aspect answered.
    Answered,
    /// Several services fit about equally; `candidates` lists them.
    Ambiguous,
    /// No service fits.
    NotFound,
    /// A greeting, thanks or a request for help.
    Smalltalk,
    /// The message only says which region or agency the citizen means ("saya di kecamatan
    /// beji"); `region` holds its analysed words.
    Region,
}

/// The service an answer is about.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceRef {
    /// Service id.
    pub id: ServiceId,
    /// Title.
    pub title: String,
    /// Issuing agency.
    pub agency: String,
    /// Delivering unit.
    pub unit: String,
    /// Source file.
    pub source: String,
    /// The whole service's lines in its source file.
    pub lines: [u32; 2],
}

/// Where the answer's text comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Citation {
    /// Source file.
    pub source: String,
    /// Lines of the component(s) quoted.
    pub lines: [u32; 2],
    /// Decree number, when the decree states one.
    pub decree: Option<String>,
    /// The citation as shown to citizens.
    pub text: String,
}

/// A service offered when the question is ambiguous.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// Service id.
    pub id: ServiceId,
    /// Title.
    pub title: String,
    /// Delivering unit.
    pub unit: String,
    /// Relative score (best = 1.0).
    pub score: f32,
}

/// The engine's answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The question as asked.
    pub question: String,
    /// How it was answered.
    pub status: AnswerStatus,
    /// The aspect answered (or asked, when not found).
    pub aspect: Option<Aspect>,
    /// The service answered.
    pub service: Option<ServiceRef>,
    /// The decree lines the answer quotes.
    pub citation: Option<Citation>,
    /// Text shown to the citizen (plain text; the citation is separate).
    #[serde(rename = "answer")]
    pub text: String,
    /// Choices when ambiguous.
    pub candidates: Vec<Candidate>,
    /// The region or agency words the message set (status `region`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub region: Vec<String>,
}

/// Why the engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The corpus has no service.
    #[error("no services to index: the standards directory has no parseable decree")]
    Empty,
    /// tantivy failed (out of memory, ...).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A deployment alias ([`Engine::build_with_aliases`]) names a service the corpus lacks.
    #[error("an alias names service {0}, which no decree has")]
    UnknownAliasService(ServiceId),
}

/// Longest message read as small talk when it names nothing ("halo min, selamat pagi").
const SMALLTALK_WORDS: usize = 6;

/// Greetings and the vocatives that go with them ("halo min", "permisi pak").
const GREETING_WORDS: &[&str] = &[
    "halo",
    "hallo",
    "hai",
    "hi",
    "hello",
    "pagi",
    "siang",
    "sore",
    "malam",
    "assalamualaikum",
    "salam",
    "permisi",
    "p",
    "min",
    "kak",
    "gan",
    "pak",
    "bu",
    "sugeng",
    "punten",
    // "selamat pagi" and its Javanese and Sundanese forms: the times of day ("sugeng enjang",
    // "sugeng sonten", "wilujeng enjing").
    "selamat",
    "wilujeng",
    "sampurasun",
    "enjang",
    "enjing",
    "siyang",
    "sonten",
    "dalu",
    "test",
    "tes",
];

/// Minimum confidence to answer: how much of the question's service words (weighted by
/// rarity) the service's name covers, or how much of its title the question mentions,
/// whichever is higher. Ties are judged on the mean of the two.
const MIN_COVERAGE: f32 = 0.5;
/// Summed rarity (idf) of matched name words that identifies a service on its own: about
/// two words that few services share (when they are at least 40% of the question's words).
const DISTINCTIVE_MASS: f32 = 6.0;
/// Most words of a follow-up that stays with the previous service rather than offering a list
/// of services none of which it names.
const FOLLOW_UP_WORDS: usize = 6;
/// Credit for a question word found in one of a service's components but not in its name.
const BODY_CREDIT: f32 = 0.3;
/// A message that the previous service explains is still about it unless another service is
/// named by at least this share of its title (see `Engine::explains`).
const FOLLOW_UP_RECALL: f32 = 0.5;
/// Words weighing at most this (known words no decree uses: "nanti", "dulu") say nothing about
/// which service.
const EVERYDAY_LIMIT: f32 = 1.1;
/// Share of a refused message's naming weight the previous service must explain for the
/// conversation to stay on it (see `Engine::still_about`).
const STILL_ABOUT_SHARE: f32 = 0.2;
/// A service that no name makes confident is answered when its score is this many times the
/// next service's and its evidence reaches [`MARGIN_COVERAGE`] (see `Engine::clear_winner`).
const MARGIN_RATIO: f32 = 2.0;
const MARGIN_COVERAGE: f32 = 0.3;
/// ... and the question mentions at least this share of its title (one word a title happens
/// to contain, "kerasa" for "Unjuk Rasa", is no evidence).
const MARGIN_RECALL: f32 = 0.2;
/// Confidence from which a service is offered as "maybe one of these" when none is confident.
const SUGGEST_COVERAGE: f32 = 0.25;
/// A service is offered beside the best-scoring one only with at least this share of its score.
const SUGGEST_SCORE: f32 = 0.5;
/// How much of a question a service must explain to be offered on a weak word of its
/// name ("kuliah S1 lagi, ngurus izinnya gmn": "izin" names Izin Belajar weakly, "kuliah" and
/// "S1" are in its text), when no word of the question is unknown to the decrees: nothing
/// points to a subject they do not cover.
const EXPLAINED_COVERAGE: f32 = 0.35;
/// ... and the words must be much of the name: "keterangan" of "Surat Keterangan Ahli Waris"
/// is no reason to offer it for a death letter.
const EXPLAINED_RECALL: f32 = 0.3;
/// Share of the shorter name's distinctive weight two services of different agencies must have
/// in common to be the same service there ("Pengaduan Pelayanan Publik", "Penanganan Pengaduan").
const COUNTERPART_SHARE: f32 = 0.4;
/// How much the share of the question a service does not explain discounts the evidence of
/// a mentioned title (see `rank`).
const RECALL_PENALTY: f32 = 0.3;
/// An institution, document or sector the decrees never mention ([`ENTITIES`]) weighs this
/// many times an ordinary unknown word.
const ENTITY_WEIGHT: f32 = 2.0;
/// Words that set a deadline ("paling lambat", "selambat-lambatnya", "batas waktu"), analysed.
const DEADLINE_WORDS: &[&str] = &["lambat", "batas", "tenggat"];
/// Prepositions of purpose, place and origin, in their chat spellings too: what follows them
/// is what the question is for or about ("buat PT", "ke polisi").
const PREPOSITIONS: &[&str] = &[
    "buat", "bwt", "untuk", "utk", "untk", "bagi", "ke", "di", "dari", "dr", "pada", "antar", "nang", "neng", "menyang",
];
/// A word no decree uses that tells the citizen's story ("kk saya sobek kena banjir", a village,
/// a regional word) rather than narrowing the service the question names weighs this share of
/// an unknown word: as little as an everyday word, since it says as little about the service.
const STORY_WEIGHT: f32 = 0.25;
/// Words a place's name follows ("kab sidoarjo", "desa kalirejo").
const REGION_TYPES: &[&str] = &[
    "kabupaten",
    "kab",
    "kota",
    "kecamatan",
    "kec",
    "desa",
    "kelurahan",
    "kel",
    "provinsi",
    "prov",
    "dusun",
    "kampung",
];
/// The units inside a kecamatan ("desa kalirejo", "kel. gedangan", "dusun krajan"): where a
/// citizen lives, rarely what an agency is named after.
const VILLAGE_TYPES: &[&str] = &["desa", "kelurahan", "kel", "dusun", "kampung"];
/// An everyday word ([`EVERYDAY`]: "bapak", "tahun depan", "soal") weighs this share of its
/// usual weight, for and against every candidate alike.
const EVERYDAY_WEIGHT: f32 = 0.25;
/// Raw words that introduce a purpose ("buat umroh", "untuk berobat"); "bikin" (make) is not
/// one, although its standard form is also "buat".
const PURPOSE_MARKERS: &[&str] = &["untuk", "utk", "untk", "buat", "bwt", "guna", "demi"];
/// Words of wanting, needing and being able that make a clause about the asker say what they
/// want ("sy mau ...", "kami perlu ...").
const MODALS: &[&str] = &[
    "mau", "ingin", "pengen", "pingin", "kepingin", "akan", "arep", "bade", "badhe", "perlu", "butuh", "bisa", "harus",
    "hrs", "wajib", "kudu", "lagi", "sedang", "udah", "sudah", "baru", "belum", "blm",
];
/// Words that open a correction of what was just asked or answered ("eh, maksud sy ...",
/// "bukan, yg di kecamatan").
const CORRECTING: &[&str] = &[
    "eh",
    "ehh",
    "oh",
    "ohh",
    "maaf",
    "sori",
    "sorry",
    "bukan",
    "salah",
    "ralat",
    "koreksi",
    "maksud",
    "maksudnya",
    "maksudku",
    "mksd",
    "mksdnya",
];
/// Words a citizen opens a statement about themselves with.
/// Javanese "kula"/"kulo", Sundanese "abdi", Betawi "aye"/"ane".
const FIRST_PERSON: &[&str] = &[
    "saya", "sy", "aku", "aq", "kami", "kita", "kulo", "kula", "abdi", "gue", "gw", "aye", "ane",
];
/// Prepositions before where someone is or comes from.
/// Javanese "saking"/"seko"/"soko" is "dari".
const LOCATIVE: &[&str] = &[
    "di", "dari", "dr", "wilayah", "nang", "ning", "neng", "saking", "seko", "soko",
];
/// Prepositions of where to and by which way ("ke dinkes", "lewat kesbangpol").
const DIRECTIONS: &[&str] = &["ke", "k", "pd", "pada", "lewat", "melalui", "mlalui", "via"];
/// Divisions of an office and their heads, as Indonesian names them before the division's
/// own name ("bagian hukum", "kasubag umum", "bidang pelayanan").
const DIVISIONS: &[&str] = &[
    "bagian",
    "bag",
    "subbag",
    "subbagian",
    "bidang",
    "bid",
    "seksi",
    "sie",
    "kabag",
    "kasubag",
    "kabid",
    "kasi",
];
/// Kinds of government office, as Indonesian names them before the office's own name.
const OFFICE_TYPES: &[&str] = &[
    "dinas",
    "badan",
    "kantor",
    "bagian",
    "bag",
    "bidang",
    "sekretariat",
    "setda",
    "kecamatan",
    "kec",
    "kelurahan",
    "desa",
    "balai",
    "upt",
    "opd",
    "instansi",
    "unit",
    "seksi",
    "subbag",
    "subbagian",
    "kabupaten",
    "kab",
    "kota",
    "pemkab",
    "pemkot",
    "pemprov",
];
/// A bare place given in reply has at most this many words after "yang"/"di".
const PLACE_REPLY_WORDS: usize = 5;
/// How many words from an office type on name the office.
const OFFICE_SPAN: usize = 4;
/// How many words after a purpose marker give background.
const PURPOSE_SPAN: usize = 2;
/// Words that negate the next word ("domisili buat warga biasa, bukan WNA").
const NEGATORS: &[&str] = &["bukan", "selain", "kecuali", "non"];
/// A candidate that names every question word the best one names, and more, replaces it when it
/// scores at least this share of the best score (BM25 favours short names).
const DOMINANT_SCORE: f32 = 0.3;
/// Weight of two question words found next to each other in a name, relative to the rarer.
const BIGRAM_WEIGHT: f32 = 0.5;
/// A short form that may stand for more long forms than this names nothing in particular.
const MAX_LONG_FORMS: usize = 2;
/// Longest word in a title's parentheses read as an acronym ("(SIP Dokter)", "(PUB)").
const MAX_ACRONYM: usize = 6;
/// Evidence (summed body weight of detail words) by which another component must beat the one a
/// weak cue names to answer instead.
const COMPONENT_MARGIN: f32 = 1.0;
/// At most this many services are offered in a list: a citizen picks from a few, not from a
/// page (WhatsApp shows three buttons).
const MAX_CHOICES: usize = 3;
/// Candidates within this much coverage and this share of the best score are a tie.
const TIE_COVERAGE: f32 = 0.1;
const TIE_SCORE: f32 = 0.8;
/// ... and this share, when both names hold every word of the question that names.
const SAME_NAME_TIE_SCORE: f32 = 0.6;
/// Coverage of a name that holds every naming word of the question.
const FULL_COVERAGE: f32 = 0.99;
/// A generic word counts for a service named after it only when at most about one service in
/// six has it in its name ("informasi" yes, "surat" no).
const NAMED_GENERIC_IDF: f32 = 2.0;
/// Words that say what the citizen wants to do, not which service: they do not count
/// towards coverage.
const GENERIC: &[&str] = &[
    "buat",
    "urus",
    "bisa",
    "mau",
    "aju",
    "mohon",
    "minta",
    "layan",
    "perlu",
    "harus",
    "kantor",
    "tanya",
    "ambil",
    "cara",
    "proses",
    "apa",
    "info",
    "informasi",
    "surat",
    "berapa",
    // Question words ask, they do not name ("diteruskan ke mana", "siapa yang tanda tangan").
    "siapa",
    "mana",
    "tempat",
    "bagaimana",
    "napa",
    "kapan",
];

/// Common everyday words (`knowledge/data/everyday.txt`, analysed): who asks, when, chat filler,
/// ordinary verbs. They say nothing about which service is meant, so they weigh little either
/// way ([`EVERYDAY_WEIGHT`]) and barely steer the index search.
static EVERYDAY: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(|| {
    crate::analysis::everyday_words()
        .flat_map(analyze)
        .filter(|t| !aspect::is_cue(t))
        .collect()
});

/// Analysed help words that may stand beside a help request without naming a service.
const HELP_TOKENS: &[&str] = &[
    "bantu", "help", "menu", "fitur", "panduan", "start", "bot", "robot", "chatbot",
];
/// Fewest letters of a word clipped from a title word ("konsul" for "konsultasi").
const MIN_CLIPPING: usize = 4;
/// Words for the bot itself.
const BOT_TOKENS: &[&str] = &["bot", "robot", "chatbot"];
/// Words that ask with [`BOT_TOKENS`] whether a person answers ("kamu manusia apa robot",
/// "ini orang asli?"), analysed.
const PERSON_TOKENS: &[&str] = &["manusia", "orang", "asli", "beneran", "nyata"];
/// Least naming weight that alone makes an answer when the question asks nothing: more than
/// one everyday word's ("pagi... ada org ga nih" names no service by "orang").
const MIN_NAMED_UNASKED: f32 = 1.5;

/// Per-service token sets used to judge coverage.
struct ServiceTokens {
    /// Title tokens, in order (for aspect detection against the service name).
    title: Vec<String>,
    /// Title, product, unit and agency tokens.
    name: HashSet<String>,
    /// Requirements and procedure tokens.
    body: build::TermSet,
    /// Unit and agency tokens (with their acronyms): where the service is delivered.
    agency: HashSet<String>,
    /// For each component that answers an aspect, the ids ([`Engine::terms`]) of its analysed
    /// words, sorted: which component a question's details are found in.
    components: Vec<(Aspect, Vec<u32>)>,
    /// Hashes of consecutive token pairs of the name ([`bigram`]).
    bigrams: HashSet<u64>,
    /// Distinct title tokens that say which service (not generic words), with their weight.
    title_weights: Vec<(String, f32)>,
    /// Sum of `title_weights`.
    title_total: f32,
    /// The analysed acronym the title gives as the service's other name ("SPPL (Surat
    /// Pernyataan ...)", "... Peraturan Daerah (PROPEMPERDA)"): naming it names the whole title.
    acronym: Option<String>,
    /// Levels the title names ("Tingkat II" -> `("tingkat", 2)`), see [`levels`].
    levels: Vec<(&'static str, u32)>,
}

/// One candidate service with the figures that ranked it.
#[derive(Debug, Clone, Copy)]
struct Scored {
    position: usize,
    /// BM25 reweighted by closeness: the ranking key.
    score: f32,
    bm25: f32,
    coverage: f32,
    recall: f32,
    /// Whether to answer at all (>= MIN_COVERAGE).
    confidence: f32,
    /// Mean of coverage and recall; ties are judged on it.
    closeness: f32,
    /// Which naming words (by position, up to 64) the service's name has.
    mask: u64,
    /// `mask` without the cue words the title is named after.
    naming_mask: u64,
    /// The question has a word no decree uses that this service does not explain, or names
    /// an institution or sector its name does not serve.
    foreign: bool,
    /// The question names an institution or sector the service's name does not serve.
    unserved: bool,
    /// The question says the service is had at an office ("di pengadilan agama", "dari
    /// polres") that neither the service's name nor its text has: it is delivered elsewhere.
    elsewhere: bool,
    /// Summed weight of the words no decree uses that this service does not explain.
    unexplained: f32,
    /// Summed weight of the question words the service's name has.
    named: f32,
}

/// The answer engine over a set of decrees.
pub struct Engine {
    services: Vec<ServiceStandard>,
    decrees: HashMap<String, Decree>,
    index: SearchIndex,
    tokens: Vec<ServiceTokens>,
    idf: HashMap<String, f32>,
    /// Weight of a word no service name has (the 75th percentile of name-word weights).
    unknown_idf: f32,
    /// Weight of an unknown acronym the citizen typed in capitals ("SIM"): the rarest.
    max_idf: f32,
    spelling: SpellingIndex,
    /// Decree and analyzer words by their consonants, for chat forms that drop vowels.
    vowelless: VowellessIndex,
    /// Analysed tokens of requirement and procedure texts.
    body_vocabulary: HashSet<String>,
    /// Weight of a body word no service name has: its rarity among the bodies, at most
    /// `unknown_idf` ("tahun", "desa" in every body weigh little).
    body_weight: HashMap<String, f32>,
    /// Prefix (4-8 letters) -> the one corpus word it starts ("dispen" -> "dispensasi").
    abbreviations: HashMap<String, String>,
    /// Short names of the offices that give the services ("dinkes" -> "dinas kesehatan"); a
    /// short name two offices share is left out.
    office_names: HashMap<String, String>,
    /// The places each service's agency names by kind ([`places`]).
    service_places: Vec<Vec<places::Place>>,
    /// The decrees' proper names ([`proper_names`]): a known place's name after a word of kind.
    place_names: HashSet<String>,
    /// Short forms derived from the titles and spelled out in the decrees ("karpeg" -> "kartu
    /// pegawai"), see [`crate::aliases`].
    aliases: Aliases,
    /// Words of units and agencies that no title has ("camat", "beji", "pasuruan", "setda").
    region_vocabulary: HashSet<String>,
    /// Every analysed title word of every service.
    title_vocabulary: HashSet<String>,
    /// Every word of every service's name as written (title, product, unit, agency): a phrase
    /// the tables rewrite is kept when the decrees name something with it ("PPID").
    name_words: HashSet<String>,
    /// Source files of the decrees that state opening hours for some service.
    with_hours: HashSet<String>,
    /// Chat fillers the titles write as acronyms ("sip" of "... (SIP Dokter)"), which the
    /// analyzer would drop as stopwords -> the words they abbreviate in the titles.
    title_acronyms: HashMap<String, String>,
    /// Title words that are also aspect cues, as the titles write them (the "pengaduan" of
    /// "Penanganan Pengaduan", the "hukum" of "Bantuan Hukum"): they may name a service.
    title_cues: HashSet<String>,
    /// Analysed component word -> id, for [`ServiceTokens::components`].
    terms: HashMap<String, u32>,
    by_id: HashMap<ServiceId, usize>,
}

impl Engine {
    /// Builds the engine (index, vocabulary, spelling table) from parsed documents.
    pub fn build(documents: Vec<Document>) -> Result<Self, EngineError> {
        Self::build_with_aliases(documents, &[])
    }

    /// Builds the engine with deployment aliases: each `(phrase, service)` is indexed as extra
    /// name text of that service, so a question containing the phrase finds it as if the phrase
    /// were in its title (see `deployment.rs`). An unknown service id is an error.
    pub fn build_with_aliases(documents: Vec<Document>, aliases: &[(String, ServiceId)]) -> Result<Self, EngineError> {
        let mut decrees = HashMap::default();
        let mut services = Vec::new();
        for document in documents {
            if let Some(decree) = document.decree {
                decrees.insert(document.source.clone(), decree);
            }
            services.extend(document.services);
        }
        if services.is_empty() {
            return Err(EngineError::Empty);
        }
        let deployment_names = deployment::names_by_service(&services, aliases)?;
        // A title's short forms once per title: the same service at many agencies shares it.
        let mut forms_of: HashMap<&str, Vec<(String, String)>> = HashMap::default();
        for service in &services {
            forms_of
                .entry(service.title.as_str())
                .or_insert_with(|| crate::aliases::title_forms(&service.title));
        }
        let mut derived = Aliases::derive_from(
            forms_of.values().map(Vec::as_slice),
            services
                .iter()
                .flat_map(|s| s.components.iter().map(|c| c.text.as_str())),
        );
        for service in &services {
            let forms = forms_of.get(service.title.as_str()).map_or(&[][..], Vec::as_slice);
            derived.adopt_written(forms, service.components.iter().map(|c| c.text.as_str()));
        }
        // "dinkes" -> "dinas kesehatan": the short names of the offices that give the services.
        // A short name two offices share names neither.
        let offices: HashSet<&str> = services
            .iter()
            .flat_map(|s| [s.agency.as_str(), s.unit.as_str()])
            .collect();
        let forms_of: HashMap<&str, Vec<(String, String)>> = offices
            .iter()
            .map(|office| (*office, crate::aliases::office_forms(office)))
            .collect();
        let mut office_forms: HashMap<String, HashSet<String>> = HashMap::default();
        for (short, long) in forms_of.values().flatten() {
            office_forms.entry(short.clone()).or_default().insert(long.clone());
        }
        let office_names: HashMap<String, String> = office_forms
            .into_iter()
            .filter(|(_, longs)| longs.len() == 1)
            .filter_map(|(short, longs)| Some((short, longs.into_iter().next()?)))
            .collect();
        // The places each service's agency names by kind ("Kecamatan Beji Kabupaten Pasuruan").
        let service_places: Vec<Vec<places::Place>> = services
            .iter()
            .map(|s| {
                let words = place_words(&format!(
                    "{} {} {}",
                    s.agency,
                    s.unit,
                    s.regency.as_deref().unwrap_or("")
                ));
                places::named(&words, |_| true)
            })
            .collect();
        let place_names = proper_names(&services);
        let pairs: Vec<(&ServiceStandard, &String)> = services.iter().zip(&deployment_names).collect();
        let aliases: Vec<(String, String)> = crate::parallel::map(&pairs, |(service, extra)| {
            build::index_aliases(service, extra, &derived)
        });
        let mut surface_df: HashMap<String, u32> = HashMap::default();
        let mut name_words: HashSet<String> = HashSet::default();
        let mut name_df: HashMap<String, u32> = HashMap::default();
        let mut tokens = Vec::with_capacity(services.len());
        let mut terms: HashMap<String, u32> = HashMap::default();
        // Body words are kept as ids of one shared vocabulary ([`build::TermSet`]).
        let mut body_terms: HashMap<String, u32> = HashMap::default();
        let mut bodies: Vec<Box<[u32]>> = Vec::with_capacity(services.len());
        // The tantivy index is built on its own thread beside the analysis of the services. The
        // analysis runs in parallel, block by block; counting and numbering stay in service
        // order, so the tables are those of one sequential pass (see `build.rs`).
        let index = std::thread::scope(|scope| {
            let index = scope.spawn(|| SearchIndex::build(&services, &aliases));
            for block in pairs.chunks(build::BLOCK) {
                let analysed = crate::parallel::map(block, |(service, extra)| build::analyse(service, extra, &derived));
                for a in analysed {
                    for t in &a.name {
                        match name_df.get_mut(t) {
                            Some(df) => *df += 1,
                            None => {
                                name_df.insert(t.clone(), 1);
                            }
                        }
                    }
                    for word in a.surface {
                        *surface_df.entry(word).or_default() += 1;
                    }
                    name_words.extend(a.name_surface);
                    bodies.push(build::term_ids(a.body, &mut body_terms));
                    tokens.push(ServiceTokens {
                        title: a.title,
                        name: a.name,
                        bigrams: a.bigrams,
                        body: build::TermSet::default(),
                        agency: a.agency,
                        components: a
                            .components
                            .into_iter()
                            .map(|(aspect, words)| {
                                let mut ids: Vec<u32> = words
                                    .into_iter()
                                    .map(|t| {
                                        let next = terms.len() as u32;
                                        *terms.entry(t).or_insert(next)
                                    })
                                    .collect();
                                ids.sort_unstable();
                                ids.dedup();
                                (aspect, ids)
                            })
                            .collect(),
                        title_weights: Vec::new(),
                        title_total: 0.0,
                        acronym: None,
                        levels: Vec::new(),
                    });
                }
            }
            index.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        let n = services.len() as f32;
        let idf_of = |df: u32| (1.0 + n / (df as f32 + 0.5)).ln();
        let idf: HashMap<String, f32> = name_df.into_iter().map(|(t, df)| (t, idf_of(df))).collect();
        // A word no service name has weighs like a rare name word, not more: questions carry
        // unknown verbs ("ditanggapi", "dipersulit") as often as unknown services.
        let mut sorted: Vec<f32> = idf.values().copied().collect();
        sorted.sort_by(f32::total_cmp);
        let unknown_idf = sorted.get(sorted.len() * 3 / 4).copied().unwrap_or_else(|| idf_of(0));
        let max_idf = idf_of(0);
        for (st, service) in tokens.iter_mut().zip(&services) {
            st.acronym = title_acronym(&service.title);
            st.levels = levels(&service.title);
            let mut distinct: Vec<String> = st
                .title
                .iter()
                .filter(|t| !GENERIC.contains(&t.as_str()))
                .cloned()
                .collect();
            distinct.sort();
            distinct.dedup();
            st.title_weights = distinct
                .into_iter()
                .map(|t| {
                    let w = idf.get(&t).copied().unwrap_or(unknown_idf);
                    (t, w)
                })
                .collect();
            st.title_total = st.title_weights.iter().map(|(_, w)| w).sum();
        }
        let mut abbreviations = abbreviations(surface_df.keys());
        // Three-letter clippings of title words ("lab" for "laboratorium").
        let title_words: Vec<String> = services
            .iter()
            .flat_map(|s| s.title.split(|c: char| !c.is_alphabetic()))
            .map(str::to_lowercase)
            .collect();
        for (clip, word) in clippings(&title_words) {
            abbreviations.entry(clip).or_insert(word);
        }
        let vowelless = VowellessIndex::build(
            surface_df
                .iter()
                .map(|(w, &df)| (w.clone(), df))
                .chain(crate::analysis::known_words().map(|w| (w.to_owned(), 0))),
        );
        let spelling = SpellingIndex::build(surface_df);
        let mut body_df = vec![0u32; body_terms.len()];
        for &id in bodies.iter().flat_map(|ids| ids.iter()) {
            body_df[id as usize] += 1;
        }
        let body_weight: HashMap<String, f32> = body_terms
            .iter()
            .map(|(t, &id)| (t.clone(), idf_of(body_df[id as usize]).min(unknown_idf)))
            .collect();
        let body_vocabulary = body_weight.keys().cloned().collect();
        let body_terms = std::sync::Arc::new(body_terms);
        for (st, ids) in tokens.iter_mut().zip(bodies) {
            st.body = build::TermSet::new(ids, &body_terms);
        }
        let by_id = services.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        let title_vocabulary: HashSet<&String> = tokens.iter().flat_map(|t| &t.title).collect();
        // As the titles write them ("pengaduan"), not as a verb asks ("ngadu kemana").
        let title_cues: HashSet<String> = services
            .iter()
            .flat_map(|s| surface_words(&s.title))
            .filter(|w| matches!(analyze(w).as_slice(), [t] if aspect::is_cue(t)))
            .collect();
        let region_vocabulary: HashSet<String> = tokens
            .iter()
            .flat_map(|t| &t.agency)
            .filter(|t| !title_vocabulary.contains(t))
            .cloned()
            .collect();
        let title_vocabulary: HashSet<String> = title_vocabulary.into_iter().cloned().collect();
        let title_acronyms = filler_acronyms(&services, &derived);
        let with_hours = services
            .iter()
            .filter(|s| s.components.iter().any(|c| c.kind == ComponentKind::Hours))
            .map(|s| s.source.clone())
            .collect();
        Ok(Self {
            with_hours,
            title_cues,
            services,
            decrees,
            index,
            tokens,
            idf,
            unknown_idf,
            max_idf,
            spelling,
            vowelless,
            body_vocabulary,
            body_weight,
            abbreviations,
            aliases: derived,
            region_vocabulary,
            title_vocabulary,
            name_words,
            title_acronyms,
            office_names,
            service_places,
            place_names,
            terms,
            by_id,
        })
    }

    /// Every service, in corpus order.
    pub fn services(&self) -> &[ServiceStandard] {
        &self.services
    }

    /// A service by id.
    pub fn service(&self, id: &ServiceId) -> Option<&ServiceStandard> {
        self.by_id.get(id).map(|&i| &self.services[i])
    }

    /// Answers a question on its own, or with `context`, the service of the previous answer in
    /// this conversation, used only when the question names no service ("kalau biayanya?").
    pub fn answer(&self, question: &str, context: Option<&ServiceId>) -> Answer {
        self.answer_in(question, context, &[])
    }

    /// Answers a question in a conversation: `context` as in [`Self::answer`]; `region` holds
    /// the analysed words of the region or agency the citizen said they mean (see
    /// [`crate::dialogue::Dialogue`]), which decide between services that several agencies
    /// offer. A message that only names a region or agency gets status `region`.
    pub fn answer_in(&self, question: &str, context: Option<&ServiceId>, region: &[String]) -> Answer {
        let (tokens, phrase_cues, negated) = self.question_tokens(question);
        // A cue in the clause before what the citizen was asked to bring tells why they need
        // it ("mau minta keringanan biaya RS, diminta SKTM"), not what they ask of it.
        let (request, told) = match requested(question) {
            Some((request, told)) => (Some(self.question_tokens(&request)), told),
            None => (None, told_before(question, |t| self.title_vocabulary.contains(t))),
        };
        // Otherwise the clause with the interrogative asks, when it has a cue of its own: "...
        // biaya dewe, ngurus ijin belajar piye" asks how, not the fee.
        let asking = match &request {
            Some(_) => None,
            None => frames::question_clause(question)
                .map(|clause| self.question_tokens(clause))
                .filter(|(clause_tokens, _, _)| aspect::detect(clause_tokens).is_some()),
        };
        let (cue_tokens, cue_phrases) = match request.as_ref().or(asking.as_ref()) {
            Some((tokens, phrases, _)) => (tokens.as_slice(), phrases.as_slice()),
            None => (tokens.as_slice(), phrase_cues.as_slice()),
        };
        // A cue word that names a division ("nomor telp bagian hukum", "lewat bag umum") is
        // part of a name: it asks nothing, and it names the office like any other word.
        let division_cues = division_cues(question);
        let phrased_cue = |t: &String| cue_phrases.iter().flatten().any(|p| p == t);
        let cue_tokens_kept: Vec<String>;
        let cue_tokens = if division_cues.is_empty() {
            cue_tokens
        } else {
            cue_tokens_kept = cue_tokens
                .iter()
                .filter(|t| !division_cues.contains(t) || phrased_cue(t))
                .cloned()
                .collect();
            cue_tokens_kept.as_slice()
        };
        let mut asked = aspect::detect(cue_tokens);
        // A cue word that is a title word names that service when the question asks something
        // else of it with a strong cue ("kalo pengaduan brp hari": the complaint service's
        // duration, not the previous service's complaint channel).
        let surface = surface_words(question);
        let naming_cues: Vec<&String> = {
            // A cue asked with a whole phrase ("dasar hukum") asks; it names nothing, and it
            // is as strong as a strong word.
            let phrased = |t: &String| cue_phrases.iter().flatten().any(|p| p == t);
            let named: Vec<String> = surface
                .iter()
                .filter(|w| self.title_cues.contains(*w))
                .flat_map(|w| analyze(w))
                .filter(|t| !phrased(t))
                .collect();
            let rest: Vec<String> = tokens.iter().filter(|t| !named.contains(t)).cloned().collect();
            let phrased = rest.iter().any(phrased);
            match aspect::detect(&rest) {
                Some(other)
                    if rest.len() < tokens.len()
                        && (aspect::has_strong_cue(&rest) || phrased)
                        && Some(other) != asked =>
                {
                    asked = Some(other);
                    tokens.iter().filter(|t| named.contains(t)).collect()
                }
                _ => Vec::new(),
            }
        };
        let content: Vec<&String> = tokens
            .iter()
            .filter(|t| !aspect::is_cue(t) || naming_cues.contains(t) || division_cues.contains(*t))
            .collect();
        let naming: Vec<&String> = content
            .iter()
            .copied()
            .filter(|t| !GENERIC.contains(&t.as_str()))
            .collect();
        let context = context.and_then(|id| self.by_id.get(id).copied());
        // A message that asks nothing and has no cue names what the citizen needs ("mbah sy
        // meninggal, mau ngurus surat ahli waris"): the service's overview, not the component
        // where its story's words happen to be.
        let states = asked.is_none() && !frames::asks(question);
        // "Ada bantuan pengacara gratis dr pemkab ga?": asked whether the service exists, by
        // words of its name, the citizen asks about the service as a whole, unless a strong
        // cue asks one of its components ("ada biayanya ga").
        let existence: Vec<String> = frames::existent(question)
            .filter(|_| cue_phrases.is_empty())
            .map(|named| analyze(&named))
            .unwrap_or_default();
        // A cue word of the service's own name ("bantuan hukum") asks nothing of it.
        let exists = |position: usize| {
            let title = &self.tokens[position].title;
            existence.iter().any(|t| !aspect::is_cue(t) && title.contains(t))
                && !aspect::has_strong_cue(
                    &cue_tokens
                        .iter()
                        .filter(|t| !title.contains(t))
                        .cloned()
                        .collect::<Vec<_>>(),
                )
        };
        // The component the question names by its own noun ("syaratnya apa").
        let named_component = surface.iter().find_map(|w| aspect::names_component(w));
        // ... and the one asked by that noun with a clitic ("syaratnya?").
        let asked_component = surface.iter().find_map(|w| aspect::asked_with_clitic(w));
        // The name of a division the question says the service is had at ("di bag organisasi")
        // is where, not a detail: a complaint channel listing the division's phone holds no
        // answer to it.
        let divisions = division_names(question);
        let aspect_tokens: Vec<String> = if divisions.is_empty() {
            cue_tokens.to_vec()
        } else {
            cue_tokens
                .iter()
                .filter(|t| aspect::is_cue(t) || !divisions.contains(t))
                .cloned()
                .collect()
        };
        let aspect_of = |position: usize| {
            if states || exists(position) {
                Aspect::Overview
            } else {
                self.aspect_for(
                    &aspect_tokens,
                    cue_phrases,
                    (named_component, asked_component),
                    position,
                )
            }
        };
        let chat = smalltalk_kind(question);
        // "bisa bantu apa aja?", "oke makasih ya": short small talk, whatever words it shares
        // with service names ("bantuan").
        // A help word among other service words ("bantuan modal usaha") asks for a service.
        // Asked about the bot itself ("kamu bot ya? apa orang beneran"), the other words are
        // chat: everyday words and words no decree uses.
        let about_bot = naming.iter().any(|t| BOT_TOKENS.contains(&t.as_str()));
        let help_only = naming.iter().all(|t| {
            HELP_TOKENS.contains(&t.as_str())
                || about_bot
                    && (EVERYDAY.contains(t.as_str()) || PERSON_TOKENS.contains(&t.as_str()) || !self.in_decrees(t))
        });
        // Asking leave to ask ("mau tanya2 boleh?", "boleh nanya min?") asks nothing yet: its
        // "boleh" is no question of what is allowed.
        // Nor does a message of courtesy alone, however long ("pagi min, mau nanya bbrp hal
        // ya").
        let courtesy = is_courtesy_only(question);
        let asked_nothing = asked.is_none() || courtesy;
        if let Some(kind) = chat.filter(|k| match k {
            render::Smalltalk::Greeting => naming.is_empty() || courtesy,
            render::Smalltalk::Help => help_only,
            render::Smalltalk::Thanks => true,
        }) && asked_nothing
            && (question.split_whitespace().count() <= SMALLTALK_WORDS || courtesy)
        {
            return self.smalltalk(question, kind);
        }

        // Saying what one was asked to bring is a question, not where one is ("..., diminta
        // surat tidak mampu dr kecamatan beji").
        if asked.is_none()
            && let Some(words) = self
                .region_words(&naming)
                .or_else(|| request.is_none().then(|| self.introduced_place(question)).flatten())
        {
            return self.region_set(question, words);
        }
        if naming.is_empty() {
            if let Some(position) = context.filter(|_| asked.is_some() || content.is_empty()) {
                return self.answer_service(question, position, asked.unwrap_or(Aspect::Overview));
            }
            // A greeting word in a message that asks something ("mau nyampein keluhan,
            // prosedurnya gmn min") does not make it small talk.
            if let Some(kind) = chat.filter(|_| asked.is_none()) {
                return self.smalltalk(question, kind);
            }
            return self.not_found(question, asked, asked.is_some() || !content.is_empty());
        }

        let weighted = query_weights(&tokens);
        let scored = self.rank(question, &tokens, &naming, &weighted, &negated, &told);
        // A follow-up about a detail of the previous service ("yang tanda tangan siapa", "bisa
        // daring?"): every word it names is in that service's own text, and no other service
        // is named by most of its title.
        // A word with the definite "-nya" ("audiensinya", its hearing) points back at the
        // previous service even when another service is named after that word.
        // Chat writes the clitic apart too ("sk nya", "lpj nya", "sk ne").
        let definite = || {
            let words = surface_words(question);
            words
                .iter()
                .enumerate()
                .filter(|(i, w)| {
                    // Javanese marks it with "-e" / "-ne" ("kegiatane", "biayane").
                    w.len() > 5 && (w.ends_with("nya") || w.ends_with('e'))
                        || words.get(i + 1).is_some_and(|n| matches!(n.as_str(), "nya" | "ne"))
                })
                .flat_map(|(_, w)| analyze(w))
                .any(|t| naming.contains(&&t))
        };
        // Never when the message names another place of the previous service's kind ("kalo
        // pondok cabang kami di kab malang bisa ngajuin jg?"): that place's service is another.
        let context = context.filter(|&c| !self.named_elsewhere(question, c));
        // A sibling of the previous service (half their titles' words shared) named by a word
        // its title has in place of the previous one's ("pascakualifikasi?" after Pemilihan
        // Penyedia Prakualifikasi): the citizen moves to it, however little of its whole title
        // that word is.
        let contrasted = |s: &Scored, position: usize| {
            let (theirs, ours) = (&self.tokens[s.position].title, &self.tokens[position].title);
            let shared = theirs.iter().filter(|t| ours.contains(t)).count();
            2 * shared >= theirs.len().max(ours.len())
                && naming
                    .iter()
                    .any(|t| theirs.contains(*t) && !ours.contains(*t) && !GENERIC.contains(&t.as_str()))
        };
        let moves_to = |s: &Scored, position: usize| {
            s.position != position && (s.recall >= FOLLOW_UP_RECALL || contrasted(s, position))
        };
        if let Some(position) = context
            .filter(|&c| self.explains(c, &naming) && naming_cues.iter().all(|t| self.tokens[c].title.contains(*t)))
            && (!choose(&scored).is_some_and(|s| moves_to(&s, position)) || definite())
        {
            return self.answer_service(question, position, aspect_of(position));
        }
        // A follow-up that asks something and names no service at all: its words are in the
        // previous service's text, or are actions ("berkasnya dikirim ke BKN mana?",
        // "biasanya dijawab brp hari?": verbs by their prefix, words the decrees use, in no
        // service's name). A noun the previous service lacks is a new topic ("kalo KTP-el
        // blm jadi gmn"), and so is a word no decree uses ("paspor").
        // Verbs alone name no service ("hasilnya dikirim ke mana"): whatever service their
        // words happen to match best, the previous one is meant.
        let chosen = choose(&scored)
            .or_else(|| self.clear_winner(&scored))
            .filter(|s| asked.is_some() || s.named >= MIN_NAMED_UNASKED);
        // Asked by an interrogative alone ("nanti diterima siapa"), it asks too.
        if let Some(position) = context.filter(|_| asked.is_some() || !states) {
            let actions = action_words(question, |w| self.colloquial_base(w));
            // A passive with its verb suffix ("diwakilin", "diwakilkan") is a verb whatever
            // noun its root is in a name ("Wakil Ketua"): it names no service.
            let passives = passive_verbs(question);
            let is_action = |t: &str| {
                actions.contains(t)
                    && (!self.idf.contains_key(t) || passives.contains(t))
                    && self.body_vocabulary.contains(t)
            };
            // Words as common as everyday ones ("hasil akhirnya apa") name nothing, and a word
            // clipped from a word of the service's title ("konsulnya brp lama" after
            // Konsultasi) names it.
            let clipped = |t: &str| {
                t.len() >= MIN_CLIPPING
                    && self.tokens[position]
                        .title
                        .iter()
                        .any(|w| w.len() > t.len() && w.starts_with(t))
            };
            let no_acronyms = HashSet::default();
            // A detail in the citizen's words ("balesannya", "outputnya", "antrinya", "latar
            // merah") asks about the previous service too; "paspor" names something else.
            let follows = naming.iter().all(|t| {
                self.explains(position, &[*t])
                    || is_action(t)
                    || self.weight(t, &no_acronyms) < MIN_NAMED_UNASKED
                    || clipped(t)
                    || self.is_detail(t)
            });
            // Another service wins it back only when the message names much of its title:
            // a word the previous service also has ("sy kerja soale" beside "konsulnya")
            // found it, not the citizen's topic.
            let named_elsewhere = chosen.is_some_and(|s| moves_to(&s, position));
            if follows && (!named_elsewhere || naming.iter().all(|t| is_action(t))) {
                return self.answer_service(question, position, aspect_of(position));
            }
        }
        // A short follow-up that asks something ("brp hari dpt jawaban"), when a list would be
        // offered but no word of it is in an offered service's title and none names any service
        // ("kalo SK bupati biasa brp lama" asks about another): the previous service, not a list
        // of services its words happen to touch in their texts.
        let stays_on_topic = |offered: &[usize]| {
            context.filter(|_| {
                asked.is_some()
                    && !offered.is_empty()
                    && question.split_whitespace().count() <= FOLLOW_UP_WORDS
                    && !self.names_any(&tokens, offered.iter().copied())
                    && !naming.iter().any(|t| self.title_vocabulary.contains(t.as_str()))
            })
        };
        let Some(
            best_scored @ Scored {
                position: best,
                score: best_score,
                closeness: best_closeness,
                ..
            },
        ) = chosen
        else {
            // A greeting word inside a long message ("persiapan tes cpns ...") does not make
            // it small talk: it asks about something no service fits.
            // Nor does one in a message that asks ("min bikin sim c dmn ya": where).
            let short = question.split_whitespace().count() <= SMALLTALK_WORDS;
            if let Some(kind) = chat.filter(|k| {
                asked.is_none()
                    && (*k != render::Smalltalk::Help || help_only)
                    && (*k != render::Smalltalk::Greeting || short && !frames::asks_what(question))
            }) {
                return self.smalltalk(question, kind);
            }
            // No confident answer. Services with real evidence (their components answer much
            // of the question) are offered as "maybe one of these"; otherwise the question
            // names something no service fits: a new topic, never the previous service (a
            // passport question after an SKTM answer is not about the SKTM).
            // Only when the best-scoring service is itself plausible: when the question is
            // about something it does not serve, weaker matches are no better. Words no decree
            // uses ("totalnya", "jp") rule a service out only when they outweigh what its name
            // explains: "pka totalnya brp JP" names PKA more than anything else, "syarat bikin
            // paspor" names nothing but the passport.
            let runner_up = self.runner_up(&scored);
            // A detail only one service's text holds ("pasang iud lama ga"), every word of it
            // there and far ahead of the next: offered, though its name is not named.
            let detail_only = |s: &Scored| {
                s.named == 0.0
                    && s.unexplained == 0.0
                    && !s.unserved
                    && !s.elsewhere
                    && s.confidence >= SUGGEST_COVERAGE
                    && s.score >= MARGIN_RATIO * runner_up
            };
            let plausible = |s: &Scored| {
                detail_only(s)
                    || (s.named >= self.unknown_idf
                        || s.unexplained == 0.0
                            && s.named > 0.0
                            && s.confidence >= EXPLAINED_COVERAGE
                            && s.recall >= EXPLAINED_RECALL)
                        && !s.elsewhere
                        && (s.confidence >= SUGGEST_COVERAGE
                        && (!s.foreign || (!s.unserved && s.named >= s.unexplained && s.recall >= MARGIN_RECALL))
                        // Far ahead of every other service and named by its title, in a long
                        // story: offered, not refused.
                        // (A service the question rules out has no confidence at all.)
                        || s.score >= MARGIN_RATIO * runner_up
                            && s.recall >= MARGIN_RECALL
                            && s.confidence > 0.0
                            && !s.unserved)
            };
            let top = scored
                .first()
                .filter(|s| plausible(s))
                .map_or(f32::INFINITY, |s| s.score);
            let mut maybe: Vec<(usize, f32)> = scored
                .iter()
                .filter(|s| plausible(s) && s.score >= SUGGEST_SCORE * top)
                .map(|s| (s.position, s.score))
                .collect();
            let offered: Vec<usize> = maybe.iter().map(|(p, _)| *p).collect();
            if let Some(position) = stays_on_topic(&offered) {
                return self.answer_service(question, position, aspect_of(position));
            }
            if !maybe.is_empty() {
                maybe.truncate(MAX_CHOICES);
                return self.ambiguous(question, asked, &maybe);
            }
            return self.not_found(question, asked, false);
        };
        let ties: Vec<&Scored> = scored
            .iter()
            .filter(|s| {
                s.position != best
                    && s.confidence >= MIN_COVERAGE
                    && s.closeness >= best_closeness - TIE_COVERAGE
                    // Two names that hold the very same words of the question, and all of
                    // them ("fasilitasi rapat" in "Fasilitasi Rapat BUMD dan BLUD" and
                    // "Fasilitasi Rapat Anggota DPRD"), are told apart by nothing the citizen
                    // said: how often a body repeats them decides less.
                    && s.score
                        >= if s.naming_mask == best_scored.naming_mask
                            && s.naming_mask != 0
                            && s.coverage.min(best_scored.coverage) >= FULL_COVERAGE
                        {
                            SAME_NAME_TIE_SCORE
                        } else {
                            TIE_SCORE
                        } * best_score
                    && !beats(&best_scored, s)
            })
            .collect();
        if !ties.is_empty() {
            let mut options = vec![(best, best_score)];
            options.extend(ties.iter().map(|s| (s.position, s.score)));
            let offered: Vec<usize> = options.iter().map(|(p, _)| *p).collect();
            if let Some(position) = stays_on_topic(&offered) {
                return self.answer_service(question, position, aspect_of(position));
            }
            // The citizen's region or agency settles a choice between agencies.
            let in_region: Vec<(usize, f32)> = options
                .iter()
                .copied()
                .filter(|(p, _)| !region.is_empty() && region.iter().all(|t| self.tokens[*p].agency.contains(t)))
                .collect();
            match in_region.as_slice() {
                [(only, _)] => {
                    return self.answer_service(question, *only, aspect_of(*only));
                }
                [] => {}
                _ => options = in_region,
            }
            options.truncate(MAX_CHOICES);
            return self.ambiguous(question, asked, &options);
        }
        self.answer_service(question, best, aspect_of(best))
    }

    /// The aspect a question asks of one service.
    fn aspect_for(
        &self,
        tokens: &[String],
        phrase_cues: &[Vec<String>],
        (named, asked): (Option<Aspect>, Option<Aspect>),
        position: usize,
    ) -> Aspect {
        // Cue words asked with a phrase, unless the phrase names this very service ("lelang
        // jabatan" -> "seleksi terbuka jabatan ...", whose "terbuka" is no question of hours).
        let title = &self.tokens[position].title;
        let asked_cues: Vec<String> = phrase_cues
            .iter()
            .filter(|group| !group.iter().any(|t| !aspect::is_cue(t) && title.contains(t)))
            .flatten()
            .filter(|t| aspect::is_cue(t))
            .cloned()
            .collect();
        // The component asked by its noun with a clitic ("adikku daftar polri, butuh pengantar
        // dr kecamatan. syaratnya?") is asked, whatever cue the story holds ("daftar"), and
        // even when the service's name holds the noun ("Pengantar Persyaratan ...").
        if let Some(asked) = asked {
            return asked;
        }
        let detected = aspect::detect_for_title(tokens, &asked_cues, title);
        // Asked with a whole phrase or an interrogative frame ("lewat mana", "diteruskan
        // kemana", "bawa apa aja"), the aspect is what the citizen asks, whatever component
        // the question's other words are found in; a duration still yields to a deadline the
        // citizen must meet ("plg lambat brp hari sblm acara").
        if detected.is_some_and(|d| {
            d != Aspect::Duration && asked_cues.iter().any(|c| aspect::cue(c).is_some_and(|(a, _)| a == d))
        }) {
            return detected.unwrap_or(Aspect::Overview);
        }
        self.component_aspect(tokens, position, detected, named)
            .unwrap_or(Aspect::Overview)
    }

    /// The aspect whose component holds the question's details. Without a strong cue, the
    /// component of this service that has the most of the question's own words (not its title's,
    /// not cue, question or everyday words) answers it: "dikirim ke provinsi dulu" is found in
    /// the procedure, "paling lambat diserahkan" in the requirements. A strong cue keeps its
    /// aspect unless that component has none of those words and another has two or more.
    fn component_aspect(
        &self,
        tokens: &[String],
        position: usize,
        detected: Option<Aspect>,
        named: Option<Aspect>,
    ) -> Option<Aspect> {
        let st = &self.tokens[position];
        if detected == Some(Aspect::Duration)
            && let Some(deadline) = self.deadline_component(tokens, st)
        {
            return Some(deadline);
        }
        let details = self.details(tokens, st);
        if details.is_empty() {
            return detected;
        }
        let evidence = |ids: &[u32]| -> (f32, usize) {
            details
                .iter()
                .filter(|(id, _)| ids.binary_search(id).is_ok())
                .fold((0.0, 0), |(w, n), (_, dw)| (w + dw, n + 1))
        };
        let mut best: Option<(Aspect, f32, usize)> = None;
        let mut of_detected = (0.0f32, 0usize);
        for (aspect, ids) in st
            .components
            .iter()
            .filter(|(a, _)| !a.is_management() || Some(*a) == detected)
        {
            let (w, n) = evidence(ids);
            if Some(*aspect) == detected {
                of_detected = (of_detected.0.max(w), of_detected.1.max(n));
            }
            if best.is_none_or(|b| w > b.1) {
                best = Some((*aspect, w, n));
            }
        }
        let Some((aspect, weight, count)) = best.filter(|b| b.1 > 0.0) else {
            return detected;
        };
        let strong = detected.is_some() && aspect::has_strong_cue(tokens);
        // A duration, fee or opening hours is a value ("14 hari kerja", "Gratis"), so its
        // component holds no details to compare: a strong cue for one is never overridden.
        let value_asked = matches!(detected, Some(Aspect::Duration | Aspect::Fee | Aspect::Hours));
        // ... nor is a weak fee cue that is the question's only one ("ijin keramaian gratis?").
        let alone = tokens
            .iter()
            .filter_map(|t| aspect::cue(t))
            .all(|(cued, _)| Some(cued) == detected);
        if (strong || alone && detected == Some(Aspect::Fee)) && value_asked {
            return detected;
        }
        if !strong {
            return if detected.is_none() || weight > of_detected.0 + COMPONENT_MARGIN {
                Some(aspect)
            } else {
                detected
            };
        }
        // The component named by its own noun ("syaratnya apa", "prosedurnya") is asked
        // whatever component the other words are found in.
        if of_detected.1 == 0 && count >= 2 && named != detected {
            Some(aspect)
        } else {
            detected
        }
    }

    /// The question's own words a component of the service may hold, as term ids with their
    /// weight, sorted: not cue, generic or everyday words, nor words of its title or agency.
    fn details(&self, tokens: &[String], st: &ServiceTokens) -> Vec<(u32, f32)> {
        let mut details: Vec<(u32, f32)> = tokens
            .iter()
            .filter(|t| {
                !aspect::is_cue(t)
                    && !GENERIC.contains(&t.as_str())
                    && !EVERYDAY.contains(t.as_str())
                    && !st.title.contains(t)
                    && !st.agency.contains(t.as_str())
            })
            .filter_map(|t| {
                Some((
                    *self.terms.get(t.as_str())?,
                    self.body_weight.get(t.as_str()).copied().unwrap_or(1.0),
                ))
            })
            .collect();
        details.sort_unstable_by_key(|d| d.0);
        details.dedup_by_key(|d| d.0);
        details
    }

    /// Whether a message that asks no aspect goes on asking what was just asked (`asked`) of
    /// the service `id` rather than what its details alone point to (`inferred`): "kalo yg
    /// III/d?" after who sets a promotion to IV/b. Elliptical, as chat follow-ups are: the
    /// component asked before holds at least as much of the message's details.
    pub fn goes_on_asking(&self, message: &str, id: &ServiceId, asked: Aspect, inferred: Aspect) -> bool {
        let Some(&position) = self.by_id.get(id) else {
            return false;
        };
        let st = &self.tokens[position];
        let tokens = self.question_tokens(message).0;
        if aspect::detect(&tokens).is_some() {
            return false;
        }
        let details = self.details(&tokens, st);
        let evidence = |aspect: Aspect| -> f32 {
            st.components
                .iter()
                .filter(|(a, _)| *a == aspect)
                .map(|(_, ids)| {
                    details
                        .iter()
                        .filter(|(id, _)| ids.binary_search(id).is_ok())
                        .map(|(_, w)| w)
                        .sum::<f32>()
                })
                .fold(0.0, f32::max)
        };
        let kept = evidence(asked);
        kept > 0.0 && kept >= evidence(inferred)
    }

    /// "Paling lambat kapan diserahkan?": a deadline asked of the citizen is not how long the
    /// service takes. When the question has a deadline word and only a component other than
    /// the duration (the requirements or the procedure, in that order) sets a deadline with
    /// it, that component answers.
    fn deadline_component(&self, tokens: &[String], st: &ServiceTokens) -> Option<Aspect> {
        let ids: Vec<u32> = tokens
            .iter()
            .filter(|t| DEADLINE_WORDS.contains(&t.as_str()))
            .filter_map(|t| self.terms.get(t.as_str()).copied())
            .collect();
        let holds = |aspect: Aspect| {
            st.components
                .iter()
                .any(|(a, component)| *a == aspect && ids.iter().any(|id| component.binary_search(id).is_ok()))
        };
        if ids.is_empty() || holds(Aspect::Duration) {
            return None;
        }
        [Aspect::Requirements, Aspect::Procedure]
            .into_iter()
            .find(|a| holds(*a))
    }

    /// The aspect a message asks, whatever service it is about ("biayanya?" -> fee).
    pub fn asked_aspect(&self, message: &str) -> Option<Aspect> {
        aspect::detect(&self.question_tokens(message).0)
    }

    /// The aspect a message asks of the service `id`: a cue word its title has names it and
    /// asks nothing ("yg pengawas" picks Pelatihan Kepemimpinan Pengawas, not its supervision).
    pub fn asked_of(&self, message: &str, id: &ServiceId) -> Option<Aspect> {
        let tokens = self.question_tokens(message).0;
        match self.by_id.get(id) {
            Some(&position) => {
                let title = &self.tokens[position].title;
                aspect::detect(&tokens.into_iter().filter(|t| !title.contains(t)).collect::<Vec<_>>())
            }
            None => aspect::detect(&tokens),
        }
    }

    /// The naming words of a message when they only name a region or agency: every one is a
    /// word of some service's unit or agency and of no service's title ("kecamatan beji",
    /// "setda"). `None` otherwise.
    fn region_words(&self, naming: &[&String]) -> Option<Vec<String>> {
        let words: Vec<String> = naming
            .iter()
            .filter(|t| !EVERYDAY.contains(t.as_str()))
            .map(|t| (*t).clone())
            .collect();
        (!words.is_empty() && words.iter().all(|t| self.region_vocabulary.contains(t))).then_some(words)
    }

    /// The place a message states: a self-introduction that opens with "saya"/"kami" and ends
    /// with where they are ("sy staf di setda kab pasuruan", "saya perangkat desa di wilayah
    /// kec. beji"), or a bare place given in reply ("di setda pasuruan", "yang kecamatan beji",
    /// "yg di dprd aja"), the place being words of some service's unit or agency. Indonesian
    /// puts the place after "di"/"dari"; what comes before is who they are, not a question.
    fn introduced_place(&self, message: &str) -> Option<Vec<String>> {
        const RELATIVE: &[&str] = &["yang", "yg"];
        if message.contains('?') {
            return None;
        }
        let lower = message.to_lowercase();
        // A greeting before the introduction ("halo, sy dr desa di kec beji") says nothing,
        // nor does a word that marks a correction ("eh maksud sy yg di kecamatan").
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .skip_while(|w| GREETING_WORDS.contains(w) || CORRECTING.contains(w))
            .collect();
        let first = *words.first()?;
        if FIRST_PERSON.contains(&first) {
            if let Some(at) = words.iter().rposition(|w| LOCATIVE.contains(w)) {
                let place = &words[at + 1..];
                // A kecamatan, regency or city no agency here serves ("sy dr kecamatan bangil",
                // "desa X kab sidoarjo"): where the citizen is, though no decree here is theirs
                // (the empty region). A village alone may lie in a kecamatan served here.
                let elsewhere = place.len() <= PLACE_REPLY_WORDS
                    && place.first().is_some_and(|w| REGION_TYPES.contains(w))
                    && place.windows(2).any(|pair| {
                        REGION_TYPES.contains(&pair[0])
                            && !VILLAGE_TYPES.contains(&pair[0])
                            && !REGION_TYPES.contains(&pair[1])
                            && !analyze(pair[1]).iter().any(|t| self.is_agency_word(t))
                    });
                return self.place_words(&place.join(" ")).or_else(|| elsewhere.then(Vec::new));
            }
            // "sy warga kecamatan beji": without a preposition, the place is the longest run
            // of place words the message ends with.
            return (1..words.len())
                .find_map(|start| self.place_words(&words[start..].join(" ")))
                .filter(|place| place.iter().any(|t| self.region_vocabulary.contains(t)));
        }
        let rest = if RELATIVE.contains(&first) {
            &words[1..]
        } else {
            &words[..]
        };
        let rest = match rest.first() {
            Some(w) if LOCATIVE.contains(w) => &rest[1..],
            _ if RELATIVE.contains(&first) => rest,
            _ => return None,
        };
        // A bare place: nothing but place words (and fillers the analyzer drops), no question.
        const QUESTION_WORDS: &[&str] = &["apa", "siapa", "berapa", "kapan", "mana", "bagaimana", "kenapa", "ada"];
        let asks = rest.iter().any(|w| QUESTION_WORDS.contains(&standard_form(w).as_ref()));
        if rest.len() > PLACE_REPLY_WORDS || asks {
            return None;
        }
        self.place_words(&rest.join(" "))
    }

    /// The analysed words of a place or agency ("kecamatan beji", "sekretariat dprd") when
    /// every one of them is a word of some service's unit or agency; `None` otherwise.
    /// Places nest, the finest first ("desa gununggangsir kec beji"): a village, hamlet or
    /// kelurahan no agency is named after is where the citizen lives inside the unit that
    /// serves them, and is left out when the rest names that unit.
    fn place_words(&self, text: &str) -> Option<Vec<String>> {
        let words = place_words(text);
        let mut kept: Vec<&str> = Vec::with_capacity(words.len());
        let mut left_out = false;
        let mut at = 0;
        while at < words.len() {
            let end = (at + 1..words.len())
                .find(|&i| REGION_TYPES.contains(&words[i].as_str()))
                .unwrap_or(words.len());
            let unit = &words[at..end];
            let agency = analyze(&unit.join(" "))
                .iter()
                .all(|t| EVERYDAY.contains(t.as_str()) || self.is_agency_word(t));
            if !agency && VILLAGE_TYPES.contains(&unit[0].as_str()) && unit.len() > 1 {
                left_out = true;
            } else {
                kept.extend(unit.iter().map(String::as_str));
            }
            at = end;
        }
        let place: Vec<String> = analyze(&kept.join(" "))
            .into_iter()
            .filter(|t| !EVERYDAY.contains(t.as_str()))
            .collect();
        let named = !place.is_empty() && place.iter().all(|t| self.is_agency_word(t));
        // A village alone names no unit: the rest must say which.
        (named && (!left_out || place.iter().any(|t| self.region_vocabulary.contains(t)))).then_some(place)
    }

    /// Whether some service's unit or agency has this analysed word.
    fn is_agency_word(&self, token: &str) -> bool {
        self.tokens.iter().any(|st| st.agency.contains(token))
    }

    /// Sets the region a citizen names explicitly (`/wilayah kecamatan beji`): the `region`
    /// answer to remember, or `None` when no service's unit or agency has those words.
    pub fn set_region(&self, place: &str) -> Option<Answer> {
        self.place_words(place).map(|words| self.region_set(place, words))
    }

    /// The unit that `region` (analysed words, as a dialogue keeps them) names, for display.
    pub fn region_name(&self, region: &[String]) -> Option<String> {
        self.tokens
            .iter()
            .position(|st| region.iter().all(|t| st.agency.contains(t)))
            .map(|p| self.services[p].unit.clone())
    }

    fn region_set(&self, question: &str, words: Vec<String>) -> Answer {
        // No words: a place no agency here serves, which the citizen's region now is.
        let text = if words.is_empty() {
            render::region_unserved()
        } else {
            render::region_set(self.region_name(&words).as_deref())
        };
        Answer {
            question: question.to_owned(),
            status: AnswerStatus::Region,
            aspect: None,
            service: None,
            citation: None,
            text,
            candidates: Vec::new(),
            region: words,
        }
    }

    /// Whether a service is delivered in the region or by the agency `region` names.
    pub fn serves_region(&self, id: &ServiceId, region: &[String]) -> bool {
        self.by_id
            .get(id)
            .is_some_and(|&p| !region.is_empty() && region.iter().all(|t| self.tokens[p].agency.contains(t)))
    }

    /// The service of the citizen's region that stands for `id` there: a citizen who was
    /// answered about the Sekretariat Daerah's complaint service and then says "yang kecamatan
    /// beji" means the kecamatan's complaint service, whatever its exact title. The region's
    /// service sharing the most weight of `id`'s distinctive title words, when one leads.
    pub fn counterpart(&self, id: &ServiceId, region: &[String]) -> Option<ServiceId> {
        let &from = self.by_id.get(id)?;
        if region.is_empty() || self.serves_region(id, region) {
            return None;
        }
        let words = &self.tokens[from].title_weights;
        let mut scored: Vec<(usize, f32)> = (0..self.services.len())
            .filter(|&p| region.iter().all(|t| self.tokens[p].agency.contains(t)))
            .map(|p| {
                let shared: f32 = words
                    .iter()
                    .filter(|(w, _)| self.tokens[p].title.contains(w))
                    .map(|(_, weight)| weight)
                    .sum();
                (p, shared)
            })
            // Most of one of the two names: a word in common ("pegawai") is not the same service.
            .filter(|&(p, shared)| {
                shared > 0.0
                    && shared >= COUNTERPART_SHARE * self.tokens[from].title_total.min(self.tokens[p].title_total)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        match scored.as_slice() {
            [(only, _)] => Some(self.services[*only].id.clone()),
            [(best, top), (_, next), ..] if *top > *next => Some(self.services[*best].id.clone()),
            _ => None,
        }
    }

    /// The words of `chosen`'s agency that the other `choices` lack, when they are at other
    /// agencies: choosing it says which agency the citizen means.
    pub fn agency_words(&self, chosen: &ServiceId, choices: &[ServiceId]) -> Option<Vec<String>> {
        let &p = self.by_id.get(chosen)?;
        let others: Vec<usize> = choices
            .iter()
            .filter(|c| *c != chosen)
            .filter_map(|c| self.by_id.get(c).copied())
            .collect();
        let mut own: Vec<String> = self.tokens[p]
            .agency
            .iter()
            .filter(|t| others.iter().all(|&o| !self.tokens[o].agency.contains(*t)))
            .cloned()
            .collect();
        own.sort();
        (!own.is_empty() && !others.is_empty()).then_some(own)
    }

    /// The aspect a message asks when it names no service and no other topic ("trus brp
    /// lama?", "jadine brp hari", "nunggu berapa lama", "dikirim kemana nanti?"): every word
    /// is a cue, an everyday word, a generic one or a detail ([`Engine::is_detail`]). `None`
    /// when it names something or asks nothing.
    pub fn asks_only(&self, message: &str) -> Option<Aspect> {
        if smalltalk_kind(message).is_some() {
            return None;
        }
        let (tokens, _, _) = self.question_tokens(message);
        let names_nothing = tokens.iter().all(|t| {
            aspect::is_cue(t)
                || GENERIC.contains(&t.as_str())
                || self.weight(t, &HashSet::default()) <= EVERYDAY_LIMIT
                || self.is_detail(t)
        });
        names_nothing.then(|| aspect::detect(&tokens)).flatten()
    }

    /// Whether a message the engine could not answer still talks about the service `id`: a
    /// share of the weight of its naming words is found in that service's own text ("akte
    /// lahir semua saudara juga harus? adikku merantau di kalimantan" after an answer on the
    /// heirs' letter). The conversation keeps that service then, so the next "brp hari?" still
    /// asks about it; a message whose words the service lacks ("syarat paspor") moves on.
    pub fn still_about(&self, message: &str, id: &ServiceId) -> bool {
        let Some(&position) = self.by_id.get(id) else {
            return false;
        };
        let (tokens, _, _) = self.question_tokens(message);
        let none = HashSet::default();
        let (mut explained, mut total) = (0.0f32, 0.0f32);
        for t in tokens
            .iter()
            .filter(|t| !aspect::is_cue(t) && !GENERIC.contains(&t.as_str()))
        {
            let weight = self.weight(t, &none);
            // A word no decree uses that names no institution or document ("latar merah ato
            // biru" of the photo) is a detail of the citizen's own, no new topic; "paspor" is.
            if weight <= EVERYDAY_LIMIT || !self.in_decrees(t) && !ENTITIES.contains(t.as_str()) {
                continue;
            }
            total += weight;
            if self.explains(position, &[t]) {
                explained += weight;
            }
        }
        explained >= STILL_ABOUT_SHARE * total
    }

    /// A word that names no service (no title has it, nor its acronym) and no institution or
    /// document ([`ENTITIES`]): a detail of the topic in the citizen's own words.
    fn is_detail(&self, token: &str) -> bool {
        !self.idf.contains_key(token) && !ENTITIES.contains(token) && !self.title_acronyms.contains_key(token)
    }

    /// The services of a list offered again for the aspect a follow-up asks: the citizen asked
    /// more before choosing ("brp hari prosesnya" after "maybe one of these").
    pub fn offer_again(&self, message: &str, asked: Aspect, choices: &[ServiceId]) -> Option<Answer> {
        let options: Vec<(usize, f32)> = choices
            .iter()
            .filter_map(|id| self.by_id.get(id).map(|&position| (position, 1.0)))
            .collect();
        (!options.is_empty()).then(|| self.ambiguous(message, Some(asked), &options))
    }

    /// The one offered service a short reply picks by its words ("yg kecamatan", "yang
    /// cuti"): every naming word of the reply is a word of some offered service, and one offered
    /// service has strictly more of them than every other.
    pub fn pick(&self, message: &str, choices: &[ServiceId]) -> Option<ServiceId> {
        let (tokens, _, _) = self.question_tokens(message);
        let positions: Vec<usize> = choices.iter().filter_map(|c| self.by_id.get(c).copied()).collect();
        // A cue word an offered title has names that option ("yg pengawas" among the
        // leadership trainings, though "pengawas" also asks about supervision).
        let titled = |t: &String| positions.iter().any(|&p| self.tokens[p].title.contains(t));
        let naming: Vec<&String> = tokens
            .iter()
            .filter(|t| {
                (!aspect::is_cue(t) || titled(t)) && !GENERIC.contains(&t.as_str()) && !EVERYDAY.contains(t.as_str())
            })
            .collect();
        if naming.is_empty() || positions.is_empty() {
            return None;
        }
        let has = |p: usize, t: &String| self.tokens[p].name.contains(t) || self.tokens[p].agency.contains(t);
        if !naming.iter().all(|t| positions.iter().any(|&p| has(p, t))) {
            return None;
        }
        let counts: Vec<usize> = positions
            .iter()
            .map(|&p| naming.iter().filter(|t| has(p, t)).count())
            .collect();
        let best = *counts.iter().max()?;
        let winners: Vec<usize> = (0..positions.len()).filter(|&i| counts[i] == best).collect();
        match winners.as_slice() {
            [only] if best > 0 => Some(self.services[positions[*only]].id.clone()),
            _ => None,
        }
    }

    /// Candidate services for analysed question tokens, best first: BM25 from the index,
    /// reweighted by how well each candidate's name covers the question.
    fn rank(
        &self,
        question: &str,
        tokens: &[String],
        naming: &[&String],
        weighted: &[(String, f32)],
        negated: &[String],
        told: &HashSet<String>,
    ) -> Vec<Scored> {
        let hits = self.index.search(weighted, 10);
        let asked_levels = levels(question);
        // Words as the citizen typed them (not long forms read into them): a title's acronym
        // names the service only when typed. Analysed only when some candidate's acronym is
        // among the question's tokens.
        let typed: std::cell::OnceCell<HashSet<String>> = std::cell::OnceCell::new();
        let typed_has = |acronym: &String| {
            typed
                .get_or_init(|| surface_words(question).iter().flat_map(|w| analyze(w)).collect())
                .contains(acronym)
        };
        let typed_acronyms: HashSet<String> = question
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| (2..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase()))
            .map(str::to_lowercase)
            .collect();
        // Weights once per question, not per candidate.
        let background = self.background_words(question);
        // Institutions, documents and sectors ("perusahaan", "PT", "KUA"): a service whose name
        // lacks one does not serve what the question is about. One named as the place ("di
        // KUA", "ke samsat") is where the citizen goes: it weighs as an entity even when a
        // requirement mentions it ("surat dari KUA"), and that mention is no evidence.
        // What the citizen was asked to bring says what they want; the clause before it says
        // why (`told`, see [`requested`]: "anak sy mau ngelamar kerja di pabrik, diminta
        // skck"): its institutions are not what the service must serve and its unknown words
        // are story.
        // Office short names among the naming words, with the words of the office's name.
        let offices_named: HashMap<&String, Vec<String>> = naming
            .iter()
            .filter_map(|t| Some((*t, self.office_names.get(t.as_str())?)))
            .map(|(t, long)| (t, analyze(long)))
            .collect();
        let mut places = entity_places(question);
        places.retain(|p| !told.contains(p));
        // Story words weigh less only in a question that asks something (a requirement, a
        // fee, how long): a message that asks nothing and has words no decree uses is likely
        // about something else ("gempa barusan kerasa gak").
        let mut story = if aspect::detect(tokens).is_some() {
            self.story_words(question)
        } else {
            HashSet::default()
        };
        story.extend(
            told.iter()
                .filter(|t| !self.idf.contains_key(t.as_str()) || ENTITIES.contains(*t))
                .cloned(),
        );
        let naming_weights: Vec<(&String, f32)> = naming
            .iter()
            .map(|t| {
                let mut w = self.weight(t, &typed_acronyms);
                if places.contains(*t) && !self.idf.contains_key(t.as_str()) {
                    w = w.max(ENTITY_WEIGHT * self.unknown_idf);
                }
                (
                    *t,
                    // Who asks and from where ("desa kami", "pemkab pasuruan", a unit's name)
                    // says little about which service: the words of units and agencies that no
                    // title has weigh like everyday words (they still decide between agencies).
                    if background.contains(*t) || self.region_vocabulary.contains(t.as_str()) {
                        EVERYDAY_WEIGHT * w
                    } else {
                        w
                    },
                )
            })
            .collect();
        // (an entity, an entity of the story told before the request, a place to go) per word
        let entity: Vec<(bool, bool, bool)> = naming
            .iter()
            .map(|t| {
                let entity = ENTITIES.contains(*t) && !background.contains(*t);
                (
                    entity && !told.contains(*t),
                    entity && told.contains(*t),
                    places.iter().any(|p| p == *t),
                )
            })
            .collect();
        let pairs: Vec<(u64, f32)> = naming_weights
            .windows(2)
            .filter(|w| w[0].0 != w[1].0)
            .map(|w| (bigram(w[0].0, w[1].0), BIGRAM_WEIGHT * w[0].1.min(w[1].1)))
            .take(31)
            .collect();
        let cue_weights: Vec<(&String, f32)> = tokens
            .iter()
            .filter(|t| aspect::is_cue(t))
            .map(|t| (t, self.weight(t, &typed_acronyms)))
            .collect();
        let mut generic_weights: Vec<(&String, f32)> = tokens
            .iter()
            .filter(|t| GENERIC.contains(&t.as_str()))
            .map(|t| (t, self.weight(t, &typed_acronyms)))
            .filter(|(_, w)| *w >= NAMED_GENERIC_IDF)
            .collect();
        generic_weights.dedup_by(|a, b| a.0 == b.0);
        let naming_bits = (1u64 << naming_weights.len().min(32)) - 1;
        // Each word looked up once, not once per candidate: its id in the vocabulary every
        // service's body shares, and whether any decree uses it.
        let body = hits.first().map(|&(first, _)| &self.tokens[first].body);
        let naming_weights = self.looked_up(body, &naming_weights);
        let cue_weights = self.looked_up(body, &cue_weights);
        let generic_weights = self.looked_up(body, &generic_weights);
        let mut scored: Vec<Scored> = hits
            .into_iter()
            .map(|(position, score)| {
                let st = &self.tokens[position];
                // Cue words count as naming words when the service is named after them
                // ("aduan" for "Penanganan Pengaduan"), but only when the question asks
                // something else or says the cue next to a neighbouring title word: in "pns mau
                // cerai syaratnya apa", "syarat" asks and does not name "Pengantar Persyaratan".
                let named_cues = cue_weights
                    .iter()
                    .filter(|(t, ..)| st.title.iter().any(|w| w == *t) && names_title(tokens, t, &st.title));
                // Generic words ("informasi", "surat") say what the citizen wants, not which
                // service, unless a service is named after them ("Data dan Informasi"): then
                // they count for that service alone, by their rarity among names.
                let named_generics = generic_weights
                    .iter()
                    .filter(|(t, ..)| st.title.iter().any(|w| w == *t));
                let words = naming_weights.iter().chain(named_cues).chain(named_generics);
                let (mut covered, mut total, mut named) = (0.0f32, 0.0f32, 0.0f32);
                let mut mask = 0u64;
                let mut unserved = false;
                let mut elsewhere = false;
                let mut foreign = false;
                let mut unexplained = 0.0f32;
                let mut told_entity = false;
                // When the question names this service, unknown words away from its name are
                // the citizen's story; next to it they would say which thing is meant.
                let names_service = st
                    .title
                    .iter()
                    .any(|w| naming.iter().any(|t| *t == w && !background.contains(*t)));
                for (i, &(t, idf, body_id, in_decrees)) in words.enumerate().take(32) {
                    let idf = if names_service && story.contains(t.as_str()) {
                        STORY_WEIGHT * idf
                    } else {
                        idf
                    };
                    total += idf;
                    let (is_entity, is_told, is_place) = entity.get(i).copied().unwrap_or_default();
                    // An office's short name ("damkar") names the services of that office, as
                    // its full name in the service's name would.
                    let own_office = offices_named
                        .get(t)
                        .is_some_and(|long| long.iter().all(|w| st.agency.contains(w.as_str())));
                    if st.name.contains(t.as_str()) || st.title.iter().any(|w| similar(t, w)) || own_office {
                        covered += idf;
                        named += idf;
                        mask |= 1u64 << i;
                        continue;
                    }
                    // A kind the service's text names serves its members ("cv" where
                    // "kualifikasi perusahaan" is asked for).
                    let in_body =
                        st.body.has(body_id) || KIND_OF.get(t.as_str()).is_some_and(|kind| st.body.contains(kind));
                    // An institution or sector the service's own text names ("BPJS" in the
                    // requirements of a PBI-JK recommendation) is served by it, unless the
                    // citizen goes there (a place: "surat dari KUA" is no marriage at the KUA)
                    // or it is a document or a thing ("akta" in a list of requirements).
                    unserved |= is_entity && (is_place || !in_body || NAMED_ONLY.contains(t.as_str()));
                    told_entity |= is_told;
                    elsewhere |= is_place && !in_body;
                    if !is_place && in_body {
                        covered += BODY_CREDIT * idf;
                    } else if idf >= self.unknown_idf && !in_decrees {
                        // A word no decree uses, left unexplained: the question may be about
                        // something the decrees do not cover ("sim", "paspor").
                        foreign = true;
                        unexplained += idf;
                    }
                }
                // An institution of the story before the request ("istri sy kerja di pabrik.
                // mau ngajuin cuti") may still be whom the service would serve: it is only
                // where the story happens when the request names the service distinctly
                // ("ada pekerja WNA di pabrik. mau bikin surat domisili WNA").
                unserved |= told_entity && named < DISTINCTIVE_MASS;
                // Two question words that follow each other in the name ("sekretariat daerah")
                // say more than the two words apart ("Sekretariat Dewan ... Daerah").
                let coverage = if total > 0.0 { covered / total } else { 0.0 };
                let mut paired = 0.0f32;
                for (i, &(pair, w)) in pairs.iter().enumerate() {
                    if st.bigrams.contains(&pair) {
                        paired += w;
                        mask |= 1u64 << (32 + i);
                    }
                }
                let paired = if total > 0.0 { paired / total } else { 0.0 };
                // How much of the service's own title the question mentions (citizens add
                // context words: "ke kecamatan", "buat lamar kerja"); cue words count half, and
                // background words ("saya dari dinas pendidikan") not at all.
                let title_hit: f32 = st
                    .title_weights
                    .iter()
                    .filter(|(t, _)| tokens.iter().any(|n| similar(n, t) && !background.contains(n)))
                    .map(|(t, w)| if aspect::is_cue(t) { 0.5 } else { 1.0 } * w)
                    .sum();
                let recall = if st.title_total > 0.0 {
                    title_hit / st.title_total
                } else {
                    0.0
                };
                let recall = match &st.acronym {
                    Some(acronym)
                        if tokens.contains(acronym) && !background.contains(acronym) && typed_has(acronym) =>
                    {
                        1.0
                    }
                    _ => recall,
                };
                // Two or more distinctive name words ("studi banding", "unjuk rasa") identify a
                // service even in a long question with many other words.
                // Not when the question is about an institution or sector the service's name does
                // not serve ("bantuan hukum untuk perusahaan").
                let distinctive = if named >= DISTINCTIVE_MASS && coverage >= 0.4 && !unserved {
                    MIN_COVERAGE
                } else {
                    0.0
                };
                // Mentioning most of a short title ("cuti") is not enough when much of the
                // question is about something else ("cuti karyawan pabrik").
                let recall_evidence = recall * (1.0 - RECALL_PENALTY * (1.0 - coverage));
                let confidence = coverage.max(recall_evidence).max(distinctive).min(1.0);
                // A service named by a word the question rules out ("bukan WNA") is not meant,
                // nor one of another level than the question names ("PKN tingkat I" is not
                // "Tingkat II").
                let other_level = asked_levels
                    .iter()
                    .any(|(word, n)| st.levels.iter().any(|(w, m)| w == word && m != n));
                let confidence = if other_level || negated.iter().any(|t| st.name.contains(t.as_str())) {
                    0.0
                } else {
                    confidence
                };
                let closeness = 0.5 * (coverage + recall);
                Scored {
                    position,
                    score: score * (0.5 + closeness) * (1.0 + paired),
                    bm25: score,
                    coverage,
                    recall,
                    confidence,
                    closeness,
                    mask,
                    naming_mask: mask & (naming_bits | !0u64 << 32),
                    foreign: foreign || unserved,
                    unserved,
                    elsewhere,
                    unexplained,
                    named,
                }
            })
            .collect();
        // An office the question says the service is had at ("lewat kesbangpol", "ke
        // damkar") decides between offices, as a region does: when some service it gives
        // fits, the services of other offices are delivered elsewhere.
        let office = self.named_office(question);
        let at_office = |s: &Scored| office.iter().all(|t| self.tokens[s.position].agency.contains(t));
        if !office.is_empty() && scored.iter().any(|s| s.confidence > 0.0 && at_office(s)) {
            for s in scored.iter_mut().filter(|s| !at_office(s)) {
                s.elsewhere = true;
            }
        }
        // A place of the kind of one in the service's agency, but another ("kecamatan bangil"
        // for the services of Kecamatan Beji): that place's service, delivered elsewhere.
        let asked = self.places_named(question);
        if !asked.is_empty() {
            for s in scored.iter_mut() {
                s.elsewhere |= places::rule_out(&asked, &self.service_places[s.position]);
            }
        }
        scored.sort_by(|a, b| b.score.total_cmp(&a.score));
        scored
    }

    /// Weighted words with their id in the vocabulary the services' bodies share (`body`, any
    /// service's) and whether any decree uses them.
    fn looked_up<'q>(
        &self,
        body: Option<&build::TermSet>,
        weights: &[(&'q String, f32)],
    ) -> Vec<(&'q String, f32, Option<u32>, bool)> {
        weights
            .iter()
            .map(|&(t, w)| (t, w, body.and_then(|b| b.id(t)), self.in_decrees(t)))
            .collect()
    }

    /// The places a question names by their kind ("kecamatan bangil", "kab malang"), within a
    /// clause ("di kecamatan, ntar dapetnya apa" names no place). A name is one the decrees
    /// write as a name ("Raci Bangil" in an address), or a word no table of the analyzer and no
    /// decree knows ("malang"): not a chat word after the kind ("kecamatan gmn", "kota brp",
    /// "kecamatan alurnya").
    fn places_named(&self, question: &str) -> Vec<places::Place> {
        let is_name = |w: &str| {
            let analysed = analyze(w);
            w.chars().count() >= 3
                && w.chars().all(char::is_alphabetic)
                && !is_known_word(w)
                && !is_stopword(w)
                && standard_form(w) == w
                && !analysed.is_empty()
                && !analysed.iter().any(|t| aspect::is_cue(t))
                && (self.place_names.contains(w)
                    || !analysed.iter().any(|t| self.in_decrees(t))
                        // A chat form of a word the decrees use ("diumumin") is no name.
                        && self.colloquial_base(w).is_none())
        };
        // A destination ("pindah ke kab sidoarjo") is no place the service is had at.
        question
            .split([',', '.', ';', ':', '?', '!'])
            .flat_map(|clause| {
                let words = place_words(clause);
                let away = places::destinations(&words);
                let words: Vec<String> = words
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| !away.contains(i))
                    .map(|(_, w)| w)
                    .collect();
                places::named(&words, is_name)
            })
            .collect()
    }

    /// Whether the question names a place that puts the service elsewhere (see
    /// [`places::rule_out`]).
    fn named_elsewhere(&self, question: &str, position: usize) -> bool {
        let asked = self.places_named(question);
        !asked.is_empty() && places::rule_out(&asked, &self.service_places[position])
    }

    /// The analysed words of an office the question names by its short name after a word
    /// of place or way ("di dinkes", "lewat kesbangpol", "dr kesbang"): where the citizen
    /// goes for the service. Not in a clause about the asker ("sy staf di dinkes"), which says
    /// where they work. Empty when the question names none.
    fn named_office(&self, question: &str) -> Vec<String> {
        let lower = question.to_lowercase();
        for words in clauses_not_about_the_asker(&lower) {
            for pair in words.windows(2) {
                if !(LOCATIVE.contains(&pair[0]) || DIRECTIONS.contains(&pair[0])) {
                    continue;
                }
                if let Some(long) = self.office_names.get(pair[1]) {
                    return analyze(long).into_iter().filter(|t| !aspect::is_cue(t)).collect();
                }
            }
        }
        Vec::new()
    }

    /// Analysed forms of the question's words that no decree uses and that tell the citizen's
    /// story rather than what they ask for. Indonesian puts what narrows a noun right after it
    /// ("pajak motor": the tax of a motorbike, not the land tax) and says purpose, place and
    /// origin with a preposition ("buat PT", "ke polisi"), so an unknown word after a word of a
    /// service name or after a preposition, and an institution ([`ENTITIES`]), may say the
    /// question is about something else; elsewhere ("ktp saya patah kegencet dompet") unknown
    /// words tell what happened.
    fn story_words(&self, question: &str) -> HashSet<String> {
        let mut story = HashSet::default();
        let mut narrows = false;
        let mut after_region = false;
        for word in surface_words(question) {
            let analysed = analyze(&word);
            let known = |t: &String| self.in_decrees(t);
            // A name after "kab", "kota", "desa" ... is a place ("pindah ke kab sidoarjo"),
            // whatever precedes it: a place no decree names is the citizen's story.
            let unknown = !analysed.is_empty() && !analysed.iter().any(|t| known(t) || ENTITIES.contains(t));
            if unknown && (!narrows || after_region) {
                story.extend(analysed.iter().cloned());
            }
            after_region = REGION_TYPES.contains(&word.as_str());
            narrows =
                analysed.iter().any(|t| self.idf.contains_key(t.as_str())) || PREPOSITIONS.contains(&word.as_str());
        }
        story
    }

    /// Whether a service's own text (name and components) has every word of a message that
    /// counts, so the message can be about that service alone. Everyday words and the words
    /// of who asks and from where do not count; an acronym no title has counts when the text
    /// writes out the phrase it abbreviates ("sk nya" after a service whose product is a Surat
    /// Keputusan); one a title has ("pns") names that service.
    fn explains(&self, position: usize, naming: &[&String]) -> bool {
        let st = &self.tokens[position];
        let in_components = |t: &str| {
            self.terms
                .get(t)
                .is_some_and(|id| st.components.iter().any(|(_, ids)| ids.binary_search(id).is_ok()))
        };
        naming.iter().all(|t| {
            st.name.contains(t.as_str())
                || st.body.contains(t.as_str())
                || in_components(t)
                || self.region_vocabulary.contains(t.as_str())
                || frames::is_means(t)
                || self.weight(t, &HashSet::default()) <= EVERYDAY_LIMIT
                || !self.title_vocabulary.contains(t.as_str())
                    && self.services[position]
                        .components
                        .iter()
                        .any(|c| crate::aliases::initials_in(t, &c.text))
        })
    }

    /// The best-scoring service when no name covers the question but the whole evidence (its
    /// name and components together, BM25 over every field) puts it far ahead of every other
    /// service: a question about a detail only a component holds ("yang tanda tangan SKKLH
    /// siapa") is still about that service. Not when the question is about an institution the
    /// service does not serve, nor when words no decree uses outweigh the words its name shares
    /// with the question ("karpeg sy ilang": the acronym of its name, as much as "hilang"), nor
    /// on a name match weaker than one unknown word.
    fn clear_winner(&self, scored: &[Scored]) -> Option<Scored> {
        let best = scored.first()?;
        // The same service at another agency, as good: which agency is asked (the list).
        if scored
            .iter()
            .skip(1)
            .any(|s| self.twins(best.position, s.position) && s.score >= TIE_SCORE * best.score)
        {
            return None;
        }
        let runner_up = self.runner_up(scored);
        (best.confidence >= MARGIN_COVERAGE
            && best.recall >= MARGIN_RECALL
            && !best.unserved
            && !best.elsewhere
            && best.unexplained <= best.named
            && best.named >= self.unknown_idf
            && best.score >= MARGIN_RATIO * runner_up)
            .then_some(*best)
    }

    /// The score of the best service that is not the top one under another agency: the same
    /// service given by two agencies (the same name) is no competitor of itself; which agency
    /// is meant is asked after, with the agency on each choice.
    fn runner_up(&self, scored: &[Scored]) -> f32 {
        let Some(best) = scored.first() else {
            return 0.0;
        };
        scored
            .iter()
            .skip(1)
            .find(|s| !self.twins(best.position, s.position))
            .map_or(0.0, |s| s.score)
    }

    /// Whether any word of the question is a word of one of these services' titles ("kalo
    /// pengaduan brp hari" names the complaint services; "brp hari dpt jawaban" names none).
    fn names_any(&self, tokens: &[String], positions: impl IntoIterator<Item = usize>) -> bool {
        positions
            .into_iter()
            .any(|p| tokens.iter().any(|t| self.tokens[p].title.contains(t)))
    }

    /// Whether two services are one service at two agencies: the same words in their names.
    fn twins(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.tokens[a].title, &self.tokens[b].title);
        a.len() == b.len() && a.iter().all(|t| b.contains(t))
    }

    /// Diagnostic for studying misses: the analysed tokens, the asked aspect and the top
    /// candidates with their scores. Not shown to citizens.
    pub fn explain(&self, question: &str) -> String {
        let (tokens, _, negated) = self.question_tokens(question);
        let asked = aspect::detect(&tokens);
        let naming: Vec<&String> = tokens
            .iter()
            .filter(|t| !aspect::is_cue(t) && !GENERIC.contains(&t.as_str()))
            .collect();
        let weighted = query_weights(&tokens);
        let mut out = format!(
            "tokens {tokens:?} negated {negated:?} background {:?}\nasked {asked:?}\nnaming",
            self.background_words(question)
        );
        let none = HashSet::default();
        for t in &naming {
            out.push_str(&format!(" {t}:{:.2}", self.weight(t, &none)));
        }
        out.push('\n');
        let told = requested(question).map_or_else(
            || told_before(question, |t| self.title_vocabulary.contains(t)),
            |(_, told)| told,
        );
        let scored = self.rank(question, &tokens, &naming, &weighted, &negated, &told);
        if let Some(best) = choose(&scored) {
            out.push_str(&format!("chosen {}\n", self.services[best.position].id.as_str()));
        }
        for s in scored.iter().take(6) {
            out.push_str(&format!(
                "  {:<70} score {:6.2} bm25 {:6.2} cov {:.2} rec {:.2} conf {:.2} close {:.2} mask {:x} named {:.2} unexplained {:.2}{}{}{}\n",
                self.services[s.position].id.as_str(),
                s.score,
                s.bm25,
                s.coverage,
                s.recall,
                s.confidence,
                s.closeness,
                s.mask,
                s.named,
                s.unexplained,
                if s.foreign { " foreign" } else { "" },
                if s.unserved { " unserved" } else { "" },
                if s.elsewhere { " elsewhere" } else { "" },
            ));
        }
        out
    }

    /// [`Engine::explain`] for a follow-up: also the question words that the previous
    /// service's text does not explain (what makes a message read as a new topic).
    pub fn explain_after(&self, question: &str, context: &ServiceId) -> String {
        let mut out = self.explain(question);
        if let Some(&position) = self.by_id.get(context) {
            let (tokens, _, _) = self.question_tokens(question);
            let unexplained: Vec<&String> = tokens
                .iter()
                .filter(|t| !aspect::is_cue(t) && !GENERIC.contains(&t.as_str()))
                .filter(|t| !self.explains(position, &[*t]))
                .collect();
            out.push_str(&format!("unexplained by {}: {unexplained:?}\n", context.as_str()));
        }
        out
    }

    /// The answer for a chosen service and aspect (inline keyboard choices, service cards).
    pub fn answer_for(&self, id: &ServiceId, aspect: Aspect) -> Option<Answer> {
        let position = *self.by_id.get(id)?;
        Some(self.answer_service("", position, aspect))
    }

    /// Analysed question words that give background, not the service, and weigh like everyday
    /// words: a purpose no service is named after ("cuti besar buat umroh", "sktm untuk
    /// berobat"; institutions and sectors in [`ENTITIES`] still count), and the state the
    /// citizen leaves in "X jadi Y" when Y names a service too ("dari cpns jadi pns": the
    /// service is about becoming a PNS).
    fn background_words(&self, question: &str) -> HashSet<String> {
        let mut background = HashSet::default();
        let lower = question.to_lowercase();
        // An office by its short name ("di dinsos") says where, not which service: its words
        // decide between the offices' services, as region words do, and name none.
        // Not the words the citizen typed themselves ("abis rumah kebakaran, damkar nagih
        // biaya?": the fire is what happened, and names "Pemadaman Kebakaran").
        let words = surface_words(&lower);
        let typed: std::cell::OnceCell<HashSet<String>> = std::cell::OnceCell::new();
        for word in &words {
            if let Some(long) = self.office_names.get(word) {
                let typed = typed.get_or_init(|| {
                    words
                        .iter()
                        .filter(|w| !self.office_names.contains_key(*w))
                        .flat_map(|w| analyze(w))
                        .collect()
                });
                background.extend(
                    analyze(long)
                        .into_iter()
                        .filter(|t| !aspect::is_cue(t) && !typed.contains(t)),
                );
            }
        }
        // Clauses end at punctuation; within one, the raw words in order.
        for clause in lower.split([',', '.', '?', '!', ';', ':']) {
            let words: Vec<&str> = clause
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            // Where the citizen moves to ("pindah ke kab sidoarjo") says where, not which
            // service.
            for at in places::destinations(&words).into_iter().filter(|at| *at > 0) {
                background.extend(analyze(words[at]));
            }
            // So is an institution they move to ("pindah tugas ke sekolah yg dekat rumah"):
            // where they go, not what the service serves.
            if places::moves(&words) {
                for pair in words.windows(2).filter(|w| matches!(w[0], "ke" | "k" | "menuju")) {
                    background.extend(analyze(pair[1]).into_iter().filter(|t| PLACE_ENTITIES.contains(t)));
                }
            }
            // The asker's own office, by its possessive ("dari dinas kami", "opd saya",
            // "desa kami"): who asks, not which service, in any clause.
            // So is the institution a group speaks for, by the group's possessive or named
            // beside it ("universitas kami mau MoU", "kami serikat buruh mau unjuk rasa"),
            // unless a service is named after it ("peraturan perusahaan kami"); one person's
            // ("pabrik saya") may be whom the service would have to serve.
            let institution = |word: &str| {
                analyze(word).iter().any(|t| {
                    ENTITIES.contains(t) && !NAMED_ONLY.contains(t) && !self.title_vocabulary.contains(t.as_str())
                })
            };
            let group = |word: &str| matches!(word, "kami" | "kita");
            for (i, pair) in words.windows(2).enumerate() {
                if FIRST_PERSON.contains(&pair[1]) && self.is_office_word(pair[0])
                    || group(pair[1]) && institution(pair[0])
                {
                    background.extend(analyze(pair[0]).into_iter().filter(|t| !aspect::is_cue(t)));
                }
                // The group named beside "kami", up to what it wants ("kami serikat buruh mau").
                if i == 0 && group(pair[0]) {
                    for word in words[1..].iter().take(OFFICE_SPAN).take_while(|w| !MODALS.contains(w)) {
                        if institution(word) {
                            background.extend(analyze(word).into_iter().filter(|t| !aspect::is_cue(t)));
                        }
                    }
                }
            }
            // Where the asker works or lives, in a clause about themselves ("sy staf di dinas
            // sosial", "saya dari bagian hukum setda"): an office type after "di"/"dari" and the
            // words of its name say who asks, not which service.
            if words.first().is_some_and(|w| FIRST_PERSON.contains(w)) {
                // A clause without a verb says who the asker is ("sy warga desa gunungsari
                // beji", "kami bendahara desa"): its words are background, except words of
                // service names ("sy ptt di puskesmas" may be about the PTT's service).
                // So is what the asker says they are before what they want ("sy guru pns mau
                // pindah ...": "guru" is who asks), but for an institution or sector: "sy buruh
                // pabrik mau ngajuin cuti" asks for someone no civil-servant leave serves.
                let is_nominal = |w: &&&str| {
                    !MODALS.contains(w)
                        && action_words(w, |v| self.colloquial_base(v)).is_empty()
                        && analyze(w).iter().all(|t| !aspect::is_cue(t))
                };
                let described = words[1..].iter().take_while(is_nominal).count();
                let nominal = described + 1 == words.len();
                if nominal && words.len() > 1 {
                    background.extend(
                        words[1..]
                            .iter()
                            .flat_map(|w| analyze(w))
                            .filter(|t| !self.title_vocabulary.contains(t.as_str())),
                    );
                } else if words.get(described + 1).is_some_and(|w| MODALS.contains(w)) {
                    background.extend(
                        words[1..=described]
                            .iter()
                            .flat_map(|w| analyze(w))
                            .filter(|t| !self.title_vocabulary.contains(t.as_str()) && !ENTITIES.contains(t)),
                    );
                }
                for (i, pair) in words.windows(2).enumerate() {
                    // The institution a group speaks for ("kami dr yayasan yatim", "kami dari
                    // universitas swasta") says who asks, like an office. One person's ("sy dr
                    // pabrik mau ngajuin cuti") may say whom the service would have to serve.
                    let institution = || {
                        matches!(words[0], "kami" | "kita")
                            && analyze(pair[1])
                                .iter()
                                .any(|t| ENTITIES.contains(t) && !NAMED_ONLY.contains(t))
                    };
                    if LOCATIVE.contains(&pair[0]) && (self.is_office_word(pair[1]) || institution()) {
                        // The office's name ends where the clause goes on ("di desa mau bikin
                        // koperasi": what they want is no part of where they are).
                        background.extend(
                            words[i + 1..]
                                .iter()
                                .take(OFFICE_SPAN)
                                .take_while(|w| !MODALS.contains(w))
                                .flat_map(|w| analyze(w))
                                .filter(|t| !aspect::is_cue(t)),
                        );
                    }
                }
            }
            for (i, word) in words.iter().enumerate() {
                if PURPOSE_MARKERS.contains(word) {
                    // A purpose no service is named after ("naik haji": "haji" is in no name)
                    // is background as a whole, "naik" included. An institution in it is what
                    // the service must serve ("buat karyawan pabrik"), unless the purpose is
                    // an act the citizen will do with the result ("buat ngelamar kerja
                    // pabrik"): a verb after the marker makes it the story.
                    let act = words
                        .get(i + 1)
                        .is_some_and(|next| !action_words(next, |w| self.colloquial_base(w)).is_empty());
                    if act {
                        background.extend(
                            words[i + 1..]
                                .iter()
                                .flat_map(|w| analyze(w))
                                .filter(|t| ENTITIES.contains(t)),
                        );
                    }
                    // Nor is an institution that is where the purpose happens ("buat lamaran
                    // kerja di pabrik"): the place of the purpose, after the service.
                    // Up to a modal ("skck buat lamar kerja bisa di polsek mana": where the
                    // SKCK is had, the main clause again).
                    let purpose_end = words[i + 1..]
                        .iter()
                        .position(|w| MODALS.contains(w))
                        .map_or(words.len(), |at| i + 1 + at);
                    for pair in words[i + 1..purpose_end].windows(2) {
                        if LOCATIVE.contains(&pair[0]) {
                            background.extend(analyze(pair[1]).into_iter().filter(|t| ENTITIES.contains(t)));
                        }
                    }
                    let span: Vec<String> = words
                        .iter()
                        .skip(i + 1)
                        .take(PURPOSE_SPAN)
                        .flat_map(|w| analyze(w))
                        .filter(|t| !ENTITIES.contains(t) && !aspect::is_cue(t))
                        .collect();
                    if span.iter().any(|t| !self.idf.contains_key(t.as_str())) {
                        background.extend(span);
                    }
                } else if matches!(standard_form(word).as_ref(), "jadi" | "menjadi")
                    && i > 0
                    && let Some(next) = words.get(i + 1)
                    && analyze(next)
                        .iter()
                        .any(|t| self.idf.contains_key(t.as_str()) && !aspect::is_cue(t))
                {
                    // The state: the word before "jadi", unless it is a passive verb ("diangkat
                    // jadi pns" names the target), and the word after "dari" ("dari cpns ...").
                    let prev = words[i - 1];
                    let passive = prev.len() > 4 && (prev.starts_with("di") || prev.starts_with("ter"));
                    let from = words[..i]
                        .iter()
                        .position(|w| *w == "dari")
                        .and_then(|at| words.get(at + 1).filter(|_| at + 1 < i));
                    let after: HashSet<String> = analyze(next).into_iter().collect();
                    for prev in std::iter::once(prev).filter(|_| !passive).chain(from.copied()) {
                        background.extend(
                            analyze(prev)
                                .into_iter()
                                .filter(|t| self.idf.contains_key(t.as_str()) && !after.contains(t)),
                        );
                    }
                }
            }
        }
        background
    }

    /// A kind of office ("dinas", "kecamatan"), or the short name of a dinas that no service
    /// name has: Indonesian shortens "Dinas <field>" to "Dis"/"Din" and a clip of the field
    /// ("disdik", "dinkes", "dispendukcapil").
    fn is_office_word(&self, word: &str) -> bool {
        OFFICE_TYPES.contains(&word)
            || (word.len() >= 5
                && (word.starts_with("dis") || word.starts_with("din"))
                && word.is_ascii()
                && analyze(word).iter().all(|t| !self.idf.contains_key(t.as_str())))
    }

    fn idf_of(&self, token: &str) -> f32 {
        self.idf.get(token).copied().unwrap_or(self.unknown_idf)
    }

    /// Like [`Self::idf_of`], but an unknown acronym typed in capitals weighs the most: it
    /// names something specific the decrees do not have ("perpanjang SIM").
    fn weight(&self, token: &str, acronyms: &HashSet<String>) -> f32 {
        // A number no name has ("100%", "2024", "10 hari") is a count or a date, not a service.
        let number = !self.idf.contains_key(token) && token.bytes().all(|b| b.is_ascii_digit());
        if number || EVERYDAY.contains(token) && !acronyms.contains(token) {
            return EVERYDAY_WEIGHT * self.idf_of(token);
        }
        match self.idf.get(token) {
            Some(idf) => *idf,
            None if acronyms.contains(token) => self.max_idf,
            None if let Some(w) = self.body_weight.get(token) => *w,
            None if ENTITIES.contains(token) => ENTITY_WEIGHT * self.unknown_idf,
            None => self.unknown_idf,
        }
    }

    /// Rewrites, spell-corrects and analyses a question: the analysed tokens, and the analysed
    /// replacement of every phrase of two or more words ("bawa apa aja" -> `syarat`).
    ///
    /// A word the corpus or the analyzer's tables know is kept. An unknown word made of two
    /// corpus words is split ("ahliwaris"). An unknown word is corrected only when it is long
    /// enough for a typo to be told from another word (6+ letters, so "lamar" never becomes the
    /// cue "lama"), and the correction keeps its first letter (citizens mistype the middle of a
    /// word, and "karyawan" is not a typo of "wartawan"). A word that is the start of exactly
    /// one corpus word is read as its abbreviation ("dispen").
    fn question_tokens(&self, question: &str) -> (Vec<String>, Vec<Vec<String>>, Vec<String>) {
        let joined = crate::analysis::join_spelled(question);
        let question = joined.as_deref().unwrap_or(question);
        let spelled_out;
        let question = match self.spell_out_title_acronyms(question) {
            Some(text) => {
                spelled_out = text;
                spelled_out.as_str()
            }
            None => question,
        };
        let mut phrase_cues = Vec::new();
        let rewritten = rewrite_marked(question, &mut phrase_cues, |word| self.name_words.contains(word));
        let (rewritten, negated) = split_negated(&rewritten);
        // Words typed in capitals in a message that is not all capitals ("mau ngajuin PAK"):
        // short forms, even when the same letters are a word ("pak", sir).
        let shouted = || {
            question.chars().filter(|c| c.is_lowercase()).count() * 2
                < question.chars().filter(|c| c.is_alphabetic()).count()
        };
        let capitals: Vec<String> = if !question.bytes().any(|b| b.is_ascii_uppercase()) || shouted() {
            Vec::new()
        } else {
            question
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| (2..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase()))
                .map(str::to_lowercase)
                .collect()
        };
        let mut corrected = String::with_capacity(rewritten.len() + 8);
        for word in surface_words(&rewritten) {
            if !corrected.is_empty() {
                corrected.push(' ');
            }
            // An office by its short name ("ke dinkes"): the word and the name it stands for,
            // whose words are the office's in every service it gives.
            // Not its words that are cues ("pendapatan" asks nothing about a product).
            if let Some(long) = self.office_names.get(&word) {
                corrected.push_str(&word);
                for part in long
                    .split(' ')
                    .filter(|w| !analyze(w).iter().any(|t| aspect::is_cue(t)))
                {
                    corrected.push(' ');
                    corrected.push_str(part);
                }
                continue;
            }
            // A code the decrees write with a separator ("Kartu AK/1", "AK-1") typed glued
            // ("ak1"): its letters and its number, as the decree's words are.
            if let Some((letters, number)) = glued_code(&word)
                && !self.knows(&word)
                && self.knows(letters)
                && self.knows(number)
            {
                corrected.push_str(letters);
                corrected.push(' ');
                corrected.push_str(number);
                continue;
            }
            // A krama possessive ("berkasipun", "biayanipun"): the word the decrees use, not
            // what the stemmer makes of the suffix ("berkasipun" would be "kasi").
            if let Some(base) = KRAMA_POSSESSIVES
                .iter()
                .filter_map(|suffix| word.strip_suffix(suffix))
                .find(|base| base.len() >= 4 && self.knows(base))
            {
                corrected.push_str(base);
                continue;
            }
            if word.chars().any(|c| c.is_ascii_digit())
                || self.spelling.contains(&word)
                || is_known_word(&word)
                || standard_form(&word) != word
                || self.knows(&word)
            {
                corrected.push_str(&word);
                continue;
            }
            // A short form of a title or one the decrees spell out ("skj", "karpeg").
            let long_forms = self.aliases.expand(&word);
            if !long_forms.is_empty() && long_forms.len() <= MAX_LONG_FORMS {
                corrected.push_str(&long_forms.join(" "));
                continue;
            }
            // A public-administration acronym no decree uses ("blk"): the words it stands for.
            if let Some(long) = acronym_long_form(&word) {
                corrected.push_str(long);
                continue;
            }
            if let Some(base) = self.colloquial_base(&word) {
                corrected.push_str(&base);
                continue;
            }
            // A chat form without its vowels ("nnti", "prsyrtn").
            if let Some(full) = self.vowelless.expand(&word) {
                corrected.push_str(full);
                continue;
            }
            if let Some((left, right)) = self.split_compound(&word) {
                corrected.push_str(left);
                corrected.push(' ');
                corrected.push_str(right);
                continue;
            }
            if word.len() >= 6
                && let Some(fixed) = self.spelling.correct(&word)
                && fixed.as_bytes().first() == word.as_bytes().first()
                && (word.len() >= 8 || !analyze(fixed).iter().any(|t| aspect::is_cue(t)))
            {
                corrected.push_str(fixed);
                continue;
            }
            corrected.push_str(self.abbreviations.get(&word).map_or(word.as_str(), String::as_str));
        }
        // The analyzer drops such a word as a stopword: its long form goes in instead.
        for word in capitals.iter().filter(|w| is_stopword(w)) {
            let long_forms = self.aliases.expand(word);
            if !long_forms.is_empty() && long_forms.len() <= MAX_LONG_FORMS {
                corrected.push(' ');
                corrected.push_str(&long_forms.join(" "));
            }
        }
        let mut groups: Vec<Vec<String>> = phrase_cues.iter().map(|words| analyze(&words.join(" "))).collect();
        let negated = analyze(&negated);
        let mut tokens = self.join_compounds(analyze(&corrected));
        tokens.retain(|t| !negated.contains(t));
        // The aspect the interrogative and its verb ask ("dikasih surat apa" -> product).
        if let Some(cue) = frames::cue(question) {
            tokens.push(cue.to_owned());
            groups.push(vec![cue.to_owned()]);
        }
        (tokens, groups, negated)
    }

    /// The question with every chat filler a title writes as an acronym ("sip" is "ok" in a
    /// chat, and "Surat Izin Praktik Dokter (SIP Dokter)" in a title) replaced by the words it
    /// abbreviates, before the analyzer drops it as a stopword; `None` when there is none. Only
    /// where it reads as a name: typed in capitals, or followed by a word that says what
    /// ("sip dokter"), not by a comma, a function word or a question ("sip, biayanya?").
    fn spell_out_title_acronyms(&self, question: &str) -> Option<String> {
        if self.title_acronyms.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(question.len() + 16);
        let mut changed = false;
        let mut rest = question;
        while !rest.is_empty() {
            let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            match self.title_acronyms.get(&word.to_lowercase()) {
                Some(long) if !word.is_empty() && names_something(word, after) => {
                    out.push_str(long);
                    changed = true;
                }
                _ => out.push_str(word),
            }
            let gap = after.find(char::is_alphanumeric).unwrap_or(after.len());
            out.push_str(&after[..gap]);
            rest = &after[gap..];
        }
        changed.then_some(out)
    }

    /// The standard word behind a chat form of it: Jakarta-style `-in` for `-kan`/`-i`
    /// ("ngajuin", "benerin"), Javanese `-no`/`-ake`/`-ke` ("ngusulno", "netepke"), the nasal prefixes
    /// `ng(e)-`/`ny-`/`n-`/`m-` ("ngusulin", "nyari", "nerima", "milih") and Javanese
    /// `m-`/`n-` before b/d/j ("mbayar", "ndaftar"), and
    /// the clitics `-nya`, Minangkabau `-nyo`, Sundanese `-na`, Javanese `-e`/`-ne` and krama
    /// `-ipun` ("ijinnya", "syaratnyo", "alure", "prosesipun"). Only a known base is accepted (a slang
    /// entry, an analyzer word or a corpus word), so "ingin", "kawin" or "miskin" are never cut.
    fn colloquial_base(&self, word: &str) -> Option<String> {
        if word.len() < 5 || !word.is_ascii() {
            return None;
        }
        let known = |w: &str| {
            w.len() >= 3 && (standard_form(w) != w || is_known_word(w) || self.spelling.contains(w) || self.knows(w))
        };
        let mut bases: Vec<String> = Vec::with_capacity(16);
        // Clitics: Indonesian "-nya" (typed "-ny" in haste: "prosesny"), Javanese "-e"/"-ne"
        // ("alure", "pelayanane"), krama "-ipun" ("prosesipun") and Sundanese "-na"
        // ("biayana", "alurna").
        let unclitic = ["nya", "ny"]
            .iter()
            .chain(KRAMA_POSSESSIVES.iter())
            .chain(["ne", "na", "e"].iter())
            .filter_map(|suffix| word.strip_suffix(suffix))
            .filter(|b| b.len() >= 3);
        for stem in std::iter::once(word).chain(unclitic) {
            // Verb suffixes: Jakarta "-in", Javanese "-no"/"-ake"/"-aken" ("ngusulno"), and
            // "-ke" after a consonant ("netepke"; "masuke" is "masuk" with its clitic).
            let unsuffixed = ["in", "no", "ake", "aken", "ke"]
                .iter()
                .filter_map(|suffix| {
                    let base = stem.strip_suffix(suffix)?;
                    let after_vowel = base.ends_with(['a', 'e', 'i', 'o', 'u']);
                    (*suffix != "ke" || !after_vowel).then_some(base)
                })
                .filter(|b| b.len() >= 3);
            for base in std::iter::once(stem).chain(unsuffixed) {
                bases.push(base.to_owned());
                // Colloquial "e" for the "a" of a closed last syllable: "dapet" dapat,
                // "tanggepin" tanggap, "bener" benar.
                if let Some(at) = base.rfind(['a', 'e', 'i', 'o', 'u'])
                    && base.as_bytes()[at] == b'e'
                    && at + 1 < base.len()
                    && at >= 2
                {
                    bases.push(format!("{}a{}", &base[..at], &base[at + 1..]));
                }
                // Javanese nasal prefixes before b/d/j: "mbayar", "ndaftar", "njupuk".
                if let Some(rest) = base
                    .strip_prefix('m')
                    .filter(|r| r.starts_with('b'))
                    .or_else(|| base.strip_prefix('n').filter(|r| r.starts_with(['d', 'j'])))
                {
                    bases.push(rest.to_owned());
                }
                if let Some(rest) = base.strip_prefix("nge") {
                    bases.push(rest.to_owned());
                }
                if let Some(rest) = base
                    .strip_prefix("ng")
                    .filter(|r| r.starts_with(['a', 'e', 'i', 'o', 'u']))
                {
                    bases.push(rest.to_owned());
                    bases.push(format!("k{rest}"));
                }
                if let Some(rest) = base
                    .strip_prefix("ny")
                    .filter(|r| r.starts_with(['a', 'e', 'i', 'o', 'u']))
                {
                    bases.push(format!("s{rest}"));
                    bases.push(format!("c{rest}"));
                }
                // n- for t- and m- for p- ("nerima" terima, "milih" pilih).
                for (nasal, initial) in [('n', 't'), ('m', 'p')] {
                    if let Some(rest) = base
                        .strip_prefix(nasal)
                        .filter(|r| r.starts_with(['a', 'e', 'i', 'o', 'u']))
                    {
                        bases.push(format!("{initial}{rest}"));
                    }
                }
            }
        }
        bases
            .into_iter()
            .filter(|b| b != word)
            .find(|b| known(b))
            // Minangkabau "-nyo" ("syaratnyo") and Sundanese "-na" ("biayana") on a plain
            // word, tried last: the rarer clitics cost a lookup only when nothing else fits.
            .or_else(|| {
                ["nyo", "na"]
                    .iter()
                    .filter_map(|suffix| word.strip_suffix(suffix))
                    .map(str::to_owned)
                    .find(|b| known(b))
            })
            .map(|b| standard_form(&b).into_owned())
    }

    /// Two corpus words written as one ("ahliwaris", "kartupegawai"): the split whose shorter
    /// half is longest, both halves at least 3 letters.
    fn split_compound<'w>(&self, word: &'w str) -> Option<(&'w str, &'w str)> {
        if word.len() < 7 || !word.is_ascii() {
            return None;
        }
        (3..=word.len() - 3)
            .filter(|&at| self.spelling.contains(&word[..at]) && self.spelling.contains(&word[at..]))
            .max_by_key(|&at| at.min(word.len() - at))
            .map(|at| word.split_at(at))
    }

    /// Two analysed words the decrees write as one ("tanda tangan" -> `tandatangan`, "kerja
    /// sama" -> `kerjasama`): Indonesian writes many compounds either way.
    fn join_compounds(&self, tokens: Vec<String>) -> Vec<String> {
        let mut out: Vec<String> = Vec::with_capacity(tokens.len());
        let mut words = tokens.into_iter().peekable();
        while let Some(word) = words.next() {
            // Analysed only when the joined form is a word the decrees or the tables know.
            // A number is no part of a compound ("2 tahun" is a length of time, not `2tahun`).
            let number = |w: &str| w.chars().any(|c| c.is_ascii_digit());
            if let Some(next) = words.peek()
                && !number(&word)
                && !number(next)
                && let raw = format!("{word}{next}")
                && (self.spelling.contains(&raw) || is_known_word(&raw))
                && let [joined] = analyze(&raw).as_slice()
                && self.in_decrees(joined)
                // Not two name words side by side, unless the decrees stem the compound to
                // its head ("ditandatangani" -> `tangan`).
                && (!self.idf.contains_key(&word) || joined == next)
            {
                let joined = joined.clone();
                words.next();
                out.push(joined);
                continue;
            }
            out.push(word);
        }
        out
    }

    /// Whether a word's analysed form is known to the corpus or is an aspect cue.
    fn knows(&self, word: &str) -> bool {
        analyze(word).iter().all(|t| self.in_decrees(t) || aspect::is_cue(t))
    }

    /// Whether some decree uses this analysed word, in a service's name or its text.
    fn in_decrees(&self, token: &str) -> bool {
        self.idf.contains_key(token) || self.body_vocabulary.contains(token)
    }

    fn answer_service(&self, question: &str, position: usize, aspect: Aspect) -> Answer {
        let service = &self.services[position];
        let components: Vec<&Component> = match aspect.component() {
            Some(kind) => service.components.iter().filter(|c| c.kind == kind).collect(),
            None => Vec::new(),
        };
        let lines = match (components.first(), components.last()) {
            (Some(first), Some(last)) => [first.lines.start, last.lines.end],
            _ => service.lines.as_pair(),
        };
        let decree = self.decrees.get(&service.source);
        let citation_text = render::citation(service, decree);
        // Service hours are no component PermenPANRB 15/2014 requires, and many decrees state
        // them for no service: asked of such a decree ("loketnya buka jam brp?"), the question
        // is not answered; the reply says so and gives the overview, and the service stays the
        // topic of the conversation. A required component missing, or hours the decree states
        // for other services, may only have been missed in this layout: answered with what the
        // standard has.
        let stated = aspect != Aspect::Hours || !components.is_empty() || self.with_hours.contains(&service.source);
        Answer {
            question: question.to_owned(),
            status: if stated {
                AnswerStatus::Answered
            } else {
                AnswerStatus::NotFound
            },
            aspect: Some(aspect),
            service: Some(service_ref(service)),
            citation: Some(Citation {
                source: service.source.clone(),
                lines,
                decree: decree.map(|d| d.number.clone()),
                text: citation_text,
            }),
            text: render::aspect_answer(service, aspect, &components),
            candidates: Vec::new(),
            region: Vec::new(),
        }
    }

    fn ambiguous(&self, question: &str, asked: Option<Aspect>, options: &[(usize, f32)]) -> Answer {
        let best = options.first().map_or(1.0, |o| o.1).max(f32::EPSILON);
        let services: Vec<&ServiceStandard> = options.iter().map(|(p, _)| &self.services[*p]).collect();
        Answer {
            question: question.to_owned(),
            status: AnswerStatus::Ambiguous,
            aspect: asked,
            service: None,
            citation: None,
            text: render::ambiguous(&services),
            candidates: options
                .iter()
                .map(|(p, s)| {
                    let service = &self.services[*p];
                    Candidate {
                        id: service.id.clone(),
                        title: service.title.clone(),
                        unit: service.unit.clone(),
                        score: (s / best * 1000.0).round() / 1000.0,
                    }
                })
                .collect(),
            region: Vec::new(),
        }
    }

    fn not_found(&self, question: &str, asked: Option<Aspect>, aspect_only: bool) -> Answer {
        Answer {
            question: question.to_owned(),
            status: AnswerStatus::NotFound,
            aspect: asked,
            service: None,
            citation: None,
            text: render::not_found(aspect_only),
            candidates: Vec::new(),
            region: Vec::new(),
        }
    }

    fn smalltalk(&self, question: &str, kind: render::Smalltalk) -> Answer {
        Answer {
            question: question.to_owned(),
            status: AnswerStatus::Smalltalk,
            aspect: None,
            service: None,
            citation: None,
            text: render::smalltalk(kind),
            candidates: Vec::new(),
            region: Vec::new(),
        }
    }
}

/// The public-administration acronyms of `knowledge/data/acronyms.tsv` as (acronym, " long
/// form ", " acronym "), longest long form first (a stable sort: equal lengths keep the file's
/// order). Built once: the engine build reads it for every service.
static ACRONYMS: std::sync::LazyLock<Vec<(&'static str, String, String)>> = std::sync::LazyLock::new(|| {
    let mut acronyms: Vec<(&'static str, String, String)> = include_str!("../../data/acronyms.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .map(|(acronym, long)| (acronym, format!(" {} ", long.trim()), format!(" {acronym} ")))
        .collect();
    acronyms.sort_by_key(|(_, long, _)| std::cmp::Reverse(long.len()));
    acronyms
});

/// The long form of a public-administration acronym ("blk" -> "balai latihan kerja").
fn acronym_long_form(word: &str) -> Option<&'static str> {
    ACRONYMS
        .iter()
        .find(|(a, _, _)| *a == word)
        .map(|(_, long, _)| long.trim())
}

/// Acronyms (`knowledge/data/acronyms.tsv`) whose long form appears in a service's title or
/// product ("Pegawai Negeri Sipil" -> "pns"), and long forms of acronyms that appear there
/// ("SKCK" -> "surat keterangan catatan kepolisian"), to be indexed with its name.
/// Whether a title acronym that is also a chat filler names something where it stands: typed
/// in capitals, or right before a content word that is not an aspect cue.
fn names_something(word: &str, after: &str) -> bool {
    if word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit()) {
        return true;
    }
    let Some(next) = after.strip_prefix(' ').map(str::trim_start) else {
        return false;
    };
    let next: String = next.chars().take_while(|c| c.is_alphanumeric()).collect();
    let next = next.to_lowercase();
    !next.is_empty() && !is_stopword(&next) && !analyze(&next).iter().any(|t| aspect::is_cue(t))
}

/// The chat fillers (stopwords: "sip", "ok") that some title writes as an acronym, with the
/// long forms the titles give them ([`Aliases::expand`]): a word in capitals inside a title that
/// is not all capitals ("... (SIP Dokter)"), or a parenthesised part of one short word ("(PUB)")
/// in a title that is. Function words are never taken: "(TOKO DAN KIOS)" is no acronym.
/// Without this the analyzer drops a citizen's "SIP dokter" down to "dokter".
fn filler_acronyms(services: &[ServiceStandard], aliases: &Aliases) -> HashMap<String, String> {
    let mut out = HashMap::default();
    for service in services {
        let title = service.title.as_str();
        let mixed_case = title.chars().any(char::is_lowercase);
        let lone_in_parentheses: Vec<&str> = title
            .split('(')
            .skip(1)
            .filter_map(|part| part.split(')').next())
            .map(str::trim)
            .filter(|inner| inner.len() <= MAX_ACRONYM && inner.chars().all(char::is_alphanumeric))
            .collect();
        for word in title.split(|c: char| !c.is_alphanumeric()) {
            let capitals = word.len() >= 2 && word.chars().all(|c| c.is_ascii_uppercase());
            if !(capitals && mixed_case || !word.is_empty() && lone_in_parentheses.contains(&word)) {
                continue;
            }
            let lower = word.to_lowercase();
            let long = aliases.expand(&lower);
            if is_stopword(&lower) && !long.is_empty() && long.len() <= MAX_LONG_FORMS {
                out.insert(lower, long.join(" "));
            }
        }
    }
    out
}

fn aliases_for(text: &str) -> String {
    let words: String = text
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let padded = format!(" {words} ");
    // Long forms are matched longest first and blanked once matched, so a long form inside a
    // longer one names only the longer: "calon pegawai negeri sipil" is CPNS, not also PNS.
    let mut unmatched = padded.clone();
    let mut aliases = Vec::new();
    for (acronym, long, padded_acronym) in ACRONYMS.iter() {
        if unmatched.contains(long.as_str()) {
            aliases.push(acronym.to_string());
            unmatched = unmatched.replace(long.as_str(), " | ");
        } else if padded.contains(long.as_str()) {
            continue;
        } else if padded.contains(padded_acronym.as_str()) {
            // The title uses the acronym ("Pengantar SKCK"): index the long form as well.
            aliases.push(long.trim().to_owned());
        }
    }
    aliases.join(" ")
}

/// Same word, or one edit apart when both are long enough for that to be a typo
/// ("keramaian" in a question, "keramaiaan" in a decree's title).
fn similar(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().min(b.len()) < 5 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a.len().max(b.len()) - prefix - suffix <= 1 && a.len().min(b.len()) >= prefix + suffix
}

/// Whether the cue word `cue` of a question names a title that has it rather than asking its
/// aspect: the question has a strong cue of another aspect ("pengaduan ke dprd brp lama"), or
/// says the cue next to a word that neighbours it in the title ("penanganan pengaduan").
fn names_title(tokens: &[String], cue: &str, title: &[String]) -> bool {
    let own = aspect::cue(cue).map(|(a, _)| a);
    if tokens
        .iter()
        .any(|t| aspect::cue(t).is_some_and(|(a, strong)| strong && Some(a) != own))
    {
        return true;
    }
    let follows = |a: &str, b: &str| title.windows(2).any(|w| w[0] == a && w[1] == b);
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| *t == cue)
        .any(|(i, t)| (i > 0 && follows(&tokens[i - 1], t)) || tokens.get(i + 1).is_some_and(|n| follows(t, n)))
}

/// Analysed forms of the question's verbs, told by their passive or active prefix
/// ("dikirim", "menjawab", "ditanggapi") or the nasal prefix of chat ("ngumpulin", "nyerahin",
/// by their standard base): actions, which never name what a question is about.
/// ("ber-" and "ter-" are left out: "berkas", "terminal" are nouns.)
fn action_words(question: &str, base: impl Fn(&str) -> Option<String>) -> HashSet<String> {
    surface_words(question)
        .iter()
        .filter(|w| w.len() > 5)
        .flat_map(|w| {
            if (w.starts_with("di") || w.starts_with("me")) && !w.starts_with("dinas") {
                verb_roots(w)
            } else if w.starts_with("ng") || w.starts_with("ny") {
                base(w).map(|b| analyze(&b)).unwrap_or_default()
            } else {
                Vec::new()
            }
        })
        .collect()
}

/// The analysed roots of the passive verbs with a verb suffix in a question ("diwakilin",
/// "dikirimkan", "diurusin"): di- and -kan or the colloquial -in around the root.
fn passive_verbs(question: &str) -> HashSet<String> {
    surface_words(question)
        .iter()
        .filter(|w| w.len() > 6 && w.starts_with("di") && (w.ends_with("kan") || w.ends_with("in")))
        .flat_map(|w| verb_roots(w))
        .collect()
}

/// The analysed forms of a prefixed verb, with the Jakarta suffix "-in" taken off too
/// ("diwakilin" -> "wakil" as "diwakili" would give), which Snowball does not know.
fn verb_roots(word: &str) -> Vec<String> {
    let mut roots = analyze(word);
    if let Some(base) = word.strip_suffix("in").filter(|b| b.len() > 4) {
        roots.extend(analyze(base));
    }
    roots
}

/// The acronym a title gives as the service's other name: the part before its parenthesis or
/// the part inside it, when that part is one word in capitals of three letters or more
/// ("SPPL (Surat Pernyataan ...)", "Pembayaran PBB (Pajak ...)" has none: "PBB" is not a part).
fn title_acronym(title: &str) -> Option<String> {
    let (before, rest) = title.split_once('(')?;
    let inside = rest.split(')').next().unwrap_or_default();
    [before, inside].into_iter().find_map(|part| {
        let part = part.trim();
        let letters = part.chars().filter(|c| c.is_alphabetic()).count();
        let one_word = !part.contains(char::is_whitespace);
        (one_word && letters >= 3 && !part.chars().any(char::is_lowercase))
            .then(|| analyze(part).into_iter().next())
            .flatten()
    })
}

/// Words a level number follows in a name ("Tingkat II", "tahap 2").
const LEVEL_WORDS: &[&str] = &["tingkat", "tahap", "jenjang", "kelas", "angkatan", "tipe"];

/// The levels a text names: a level word followed by a number in digits or Roman numerals
/// ("Pelatihan Kepemimpinan Nasional Tingkat II" -> `("tingkat", 2)`).
fn levels(text: &str) -> Vec<(&'static str, u32)> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter_map(|pair| {
            let word = LEVEL_WORDS.iter().find(|w| **w == pair[0])?;
            let n = pair[1].parse::<u32>().ok().or_else(|| roman(pair[1]))?;
            Some((*word, n))
        })
        .collect()
}

/// A Roman numeral up to 10 ("ii" -> 2).
fn roman(word: &str) -> Option<u32> {
    const NUMERALS: [&str; 10] = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"];
    NUMERALS.iter().position(|n| *n == word).map(|i| i as u32 + 1)
}

/// Index-query weights of analysed question tokens: cue words still help find services named
/// after them ("Penanganan Pengaduan"), generic and everyday words barely steer the search.
fn query_weights(tokens: &[String]) -> Vec<(String, f32)> {
    tokens
        .iter()
        .map(|t| {
            let weak = aspect::is_cue(t) || GENERIC.contains(&t.as_str()) || EVERYDAY.contains(t);
            (t.clone(), if weak { 0.3 } else { 1.0 })
        })
        .collect()
}

/// The words a question rules out, and the question without them: the first word after a
/// negator that is more than a function word ("bukan untuk WNA" rules out "WNA").
fn split_negated(text: &str) -> (String, String) {
    let mut kept = String::with_capacity(text.len());
    let mut negated = String::new();
    let mut pending = false;
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let lower = word.to_lowercase();
        if NEGATORS.contains(&lower.as_str()) {
            pending = true;
            continue;
        }
        if pending && !analyze(&lower).is_empty() {
            pending = false;
            negated.push_str(word);
            negated.push(' ');
            continue;
        }
        kept.push_str(word);
        kept.push(' ');
    }
    (kept, negated)
}

/// A word of letters then digits ("ak1", "k3"): its letters and its number.
fn glued_code(word: &str) -> Option<(&str, &str)> {
    let at = word.find(|c: char| c.is_ascii_digit())?;
    let (letters, number) = word.split_at(at);
    (!letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && number.chars().all(|c| c.is_ascii_digit()))
    .then_some((letters, number))
}

/// The candidate to answer: the best-scoring one that is confident enough, replaced by any
/// confident one that [`beats`] it and scores at least [`DOMINANT_SCORE`] of it.
fn choose(scored: &[Scored]) -> Option<Scored> {
    let candidate = |s: &&Scored| s.confidence >= MIN_COVERAGE && !s.elsewhere && !(s.unserved && s.recall <= 0.0);
    let mut best = *scored.iter().find(candidate)?;
    while let Some(better) = scored
        .iter()
        .find(|s| candidate(s) && s.score >= DOMINANT_SCORE * best.score && beats(s, &best))
    {
        best = *better;
    }
    Some(best)
}

/// Whether `a`'s name has every naming word of the question `b`'s has, and more; or, naming
/// the same words, also the asked cue words its title is named after ("pengaduan ke
/// sekretariat dprd": only one of the services there is "Penanganan Pengaduan").
fn beats(a: &Scored, b: &Scored) -> bool {
    dominated(b.naming_mask, a.naming_mask) || (a.naming_mask == b.naming_mask && dominated(b.mask, a.mask))
}

/// Passive verbs that say what someone asked of the citizen ("diminta SKCK", "disuruh bawa
/// surat pengantar", "dibutuhkan surat dari kecamatan"): what follows is what the citizen
/// needs. The active "butuh" asks so only after hearsay ([`NEEDING`]): "sy butuh data"
/// follows who asks, not why.
const REQUESTING: &[&str] = &[
    "diminta",
    "dimintai",
    "dimintain",
    "disuruh",
    "diwajibkan",
    "diharuskan",
    "dibutuhkan",
    "diperlukan",
];
/// Verbs of need, which ask like [`REQUESTING`] after hearsay ("katanya butuh surat dari
/// kecamatan": someone said it is needed).
const NEEDING: &[&str] = &["butuh", "perlu", "harus", "hrs", "wajib", "kudu"];
/// Hearsay markers: "katanya", and the Javanese and Sundanese forms.
const HEARSAY: &[&str] = &["katanya", "katane", "ktnya", "cenah"];
/// Words of story a clause needs before the requesting verb to count as the reason.
const REASON_WORDS: usize = 3;

/// The part of a question after its last requesting verb ([`REQUESTING`]) and the analysed
/// words only the part before it has: a citizen tells why ("mau ngajuin keringanan biaya
/// rumah sakit") before what they were asked for ("diminta surat tidak mampu dr kecamatan").
/// `None` when no such verb has a reason of [`REASON_WORDS`] words before it and content words
/// after it.
fn requested(question: &str) -> Option<(String, HashSet<String>)> {
    let lower = question.to_lowercase();
    let words: Vec<(usize, &str)> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| (w.as_ptr() as usize - lower.as_ptr() as usize, w))
        .collect();
    let at = (0..words.len()).rev().find(|&i| {
        REQUESTING.contains(&words[i].1) || NEEDING.contains(&words[i].1) && i > 0 && HEARSAY.contains(&words[i - 1].1)
    })?;
    if at < REASON_WORDS {
        return None;
    }
    let (offset, verb) = words[at];
    let request = &lower[offset + verb.len()..];
    let asked: Vec<String> = analyze(request);
    if !asked.iter().any(|t| !aspect::is_cue(t)) {
        return None;
    }
    let told = analyze(&lower[..offset])
        .into_iter()
        .filter(|t| !asked.contains(t))
        .collect();
    Some((request.to_owned(), told))
}

/// Words that say the citizen wants something ("mau bikin", "pengen pindah", "perlu surat").
const WANTING: &[&str] = &[
    "mau", "mw", "mo", "ingin", "pengen", "pgn", "pingin", "kepingin", "arep", "bade", "badhe", "hendak", "akan",
    "perlu", "butuh", "minta",
];

/// The analysed words of the story a message tells before what the citizen wants: a statement
/// (a sentence ending in a full stop) that wants nothing ("ada pekerja WNA di pabrik, ngekos di
/// desa kami. mau bikin surat domisili, syaratnya?") says where the story happens; an
/// institution there is not what the service must serve. A question ("... bisa? brp lama?") and
/// a sentence with a word of wanting ("mau minta setda ngisi sosialisasi.") say what is wanted.
/// Only statements before the last sentence naming what is wanted count (a word of a service
/// name that is no cue: "ngadu kemana?" alone wants nothing new, and the statement before it
/// says what about), and words the later sentences repeat are not story. `names` tells the
/// analysed words of service names.
fn told_before(question: &str, names: impl Fn(&str) -> bool) -> HashSet<String> {
    // Without a full stop there is no statement to tell a story in.
    if !question.contains('.') {
        return HashSet::default();
    }
    let lower = question.to_lowercase();
    let sentences = sentences(&lower);
    // Most messages are one sentence: no story before it, nothing to analyse.
    if sentences.len() < 2 || !sentences.iter().any(|(_, end)| *end == '.') {
        return HashSet::default();
    }
    let wants = sentences
        .iter()
        .rposition(|(s, _)| analyze(s).iter().any(|t| !aspect::is_cue(t) && names(t)));
    let Some(wants) = wants.filter(|&at| at > 0) else {
        return HashSet::default();
    };
    let story = |(text, end): &&(&str, char)| {
        *end == '.' && !text.split(|c: char| !c.is_alphanumeric()).any(|w| WANTING.contains(&w))
    };
    let asked: Vec<String> = sentences
        .iter()
        .enumerate()
        .filter(|(at, s)| *at >= wants || !story(s))
        .flat_map(|(_, (s, _))| analyze(s))
        .collect();
    sentences[..wants]
        .iter()
        .filter(story)
        .flat_map(|(s, _)| analyze(s))
        .filter(|t| !asked.contains(t))
        .collect()
}

/// A message cut into sentences, each with the mark that ends it: "?" and "!", a line break,
/// and a full stop after a word of four letters or more (not "kab.", "dr.", "jl.", which
/// shorten a name that goes on). The last sentence ends in the mark it has, or in none (' ').
fn sentences(lower: &str) -> Vec<(&str, char)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (at, c) in lower.char_indices() {
        let ends = match c {
            '?' | '!' | '\n' => true,
            '.' => {
                let word = lower[start..at]
                    .rsplit(|c: char| !c.is_alphanumeric())
                    .next()
                    .unwrap_or("");
                word.chars().count() >= 4 && lower[at + 1..].starts_with(char::is_whitespace)
            }
            _ => false,
        };
        if ends {
            out.push((&lower[start..at], c));
            start = at + c.len_utf8();
        }
    }
    out.push((&lower[start..], ' '));
    out.retain(|(s, _)| s.chars().any(char::is_alphanumeric));
    out
}

/// Words the decrees write only with a capital, never in lowercase ("Bangil" in "Jl. Raya Raci
/// Bangil", "Pasuruan"): names of places and people, lowercased. A word in capitals in a
/// heading ("PERSYARATAN") is written in lowercase elsewhere and is no name.
fn proper_names(services: &[ServiceStandard]) -> HashSet<String> {
    names_in(services.iter().flat_map(|s| {
        [s.agency.as_str(), s.unit.as_str(), s.title.as_str()]
            .into_iter()
            .chain(s.components.iter().map(|c| c.text.as_str()))
    }))
}

/// [`proper_names`] of some texts.
fn names_in<'a>(texts: impl Iterator<Item = &'a str>) -> HashSet<String> {
    let mut capitalised: HashSet<String> = HashSet::default();
    let mut lowercase: HashSet<String> = HashSet::default();
    // An e-mail address, a web address or a handle ("dishub@sindangrajakab.go.id",
    // "@dishub.sindangraja") is written in lowercase whatever its words are.
    let address = |piece: &str| piece.contains('@') || piece.contains("://") || piece.contains(".go.id");
    for text in texts {
        for word in text
            .split_whitespace()
            .filter(|piece| !address(piece))
            .flat_map(|piece| piece.split(|c: char| !c.is_alphabetic()))
            .filter(|w| w.len() >= 3)
        {
            if word.starts_with(char::is_uppercase) {
                capitalised.insert(word.to_lowercase());
            } else {
                lowercase.insert(word.to_owned());
            }
        }
    }
    capitalised.retain(|w| !lowercase.contains(w));
    capitalised
}

/// The analysed cue words that name a division of an office: the word after a word of
/// [`DIVISIONS`] ("bagian hukum" -> "hukum").
fn division_cues(question: &str) -> Vec<String> {
    let words = place_words(question);
    words
        .windows(2)
        .filter(|pair| DIVISIONS.contains(&pair[0].as_str()))
        .flat_map(|pair| analyze(&pair[1]))
        .filter(|t| aspect::is_cue(t))
        .collect()
}

/// The analysed words of the divisions a question names: the two words after "bagian",
/// "bidang", "subbag" ... ("bag organisasi setda", "bagian tata pemerintahan"), and the
/// division word glued to the next as some decrees write it ("bagorganisasi").
fn division_names(question: &str) -> Vec<String> {
    let lower = question.to_ascii_lowercase();
    if !DIVISIONS.iter().any(|d| lower.contains(d)) {
        return Vec::new();
    }
    let words = place_words(&lower);
    let mut names = Vec::new();
    for (at, word) in words
        .iter()
        .enumerate()
        .filter(|(_, w)| DIVISIONS.contains(&w.as_str()))
    {
        names.extend(words[at + 1..].iter().take(2).flat_map(|w| analyze(w)));
        if let Some(next) = words.get(at + 1) {
            names.push(format!("{word}{next}"));
        }
    }
    names
}

/// The lowercase words of a text, split at every sign ("kec." as "kec").
fn place_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The words of each clause of a lowercase question (clauses end at punctuation), except the
/// clauses about the asker ("sy staf di dinkes"), which say who and where they are.
fn clauses_not_about_the_asker(lower: &str) -> impl Iterator<Item = Vec<&str>> {
    lower
        .split([',', '.', '?', '!', ';', ':'])
        .map(|clause| {
            clause
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<&str>>()
        })
        .filter(|words| !words.first().is_some_and(|w| FIRST_PERSON.contains(w)))
}

/// Analysed entity words ([`ENTITIES`]) a question names as the place to go: the word after
/// "di" or "ke" ("daftar nikah di KUA", "ke samsat").
fn entity_places(question: &str) -> Vec<String> {
    let lower = question.to_lowercase();
    let mut places = Vec::new();
    // A clause about the asker ("sy staf di pabrik tekstil") says where they are, not where
    // the service is had.
    for words in clauses_not_about_the_asker(&lower) {
        // Nor does a place inside a purpose ("buat lamaran kerja di pabrik"): it is where the
        // purpose happens, after the service.
        let purpose = words
            .iter()
            .position(|w| PURPOSE_MARKERS.contains(w))
            .unwrap_or(words.len());
        // Nor where they move to ("pindah tugas ke sekolah"): the service is had where they
        // are.
        let moving = places::moves(&words);
        places.extend(
            words[..purpose]
                .windows(2)
                .filter(|w| w[0] == "di" || w[0] == "ke" && !moving)
                .flat_map(|w| analyze(w[1]))
                .filter(|t| PLACE_ENTITIES.contains(t)),
        );
    }
    places
}

/// A hash of two consecutive analysed tokens (a collision only adds a spurious match).
fn bigram(a: &str, b: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    a.hash(&mut hasher);
    b.hash(&mut hasher);
    hasher.finish()
}

/// Whether a candidate whose name has the question words `mask` is beaten outright by the best
/// one (`best`): the best has every word it has and more ("konsultasi di setda": both services
/// are "Konsultasi", only one is at the Setda). Then it is no tie.
fn dominated(mask: u64, best: u64) -> bool {
    mask & !best == 0 && best & !mask != 0
}

/// The first three letters of title words of six letters or more, where they start exactly
/// one such word: Indonesian clips a long word to its first syllable and a consonant ("lab",
/// "rek" would be ambiguous and is left out).
fn clippings(title_words: &[String]) -> Vec<(String, String)> {
    let mut seen: HashMap<&str, Option<&str>> = HashMap::default();
    for word in title_words
        .iter()
        .filter(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic()))
    {
        seen.entry(&word[..3])
            .and_modify(|v| {
                if *v != Some(word.as_str()) {
                    *v = None;
                }
            })
            .or_insert(Some(word.as_str()));
    }
    seen.into_iter()
        .filter_map(|(clip, word)| Some((clip.to_owned(), word?.to_owned())))
        .collect()
}

/// Prefixes of 4 to 8 letters that start exactly one corpus word, for abbreviations.
fn abbreviations<'a>(words: impl Iterator<Item = &'a String>) -> HashMap<String, String> {
    let mut seen: HashMap<String, Option<String>> = HashMap::default();
    for word in words.filter(|w| w.len() >= 6 && w.chars().all(|c| c.is_ascii_alphabetic())) {
        for end in 4..=word.len().min(8) - 1 {
            seen.entry(word[..end].to_owned())
                .and_modify(|v| {
                    if v.as_deref() != Some(word.as_str()) {
                        *v = None;
                    }
                })
                .or_insert_with(|| Some(word.clone()));
        }
    }
    seen.into_iter()
        .filter_map(|(prefix, word)| Some((prefix, word?)))
        .collect()
}

fn service_ref(service: &ServiceStandard) -> ServiceRef {
    ServiceRef {
        id: service.id.clone(),
        title: service.title.clone(),
        agency: service.agency.clone(),
        unit: service.unit.clone(),
        source: service.source.clone(),
        lines: service.lines.as_pair(),
    }
}

/// Greetings, thanks and help requests, read from the raw words (the analyzer drops them).
/// Words that only acknowledge an answer, and the forms of address said with them.
const ACKNOWLEDGING: &[&str] = &[
    "ok", "oke", "okay", "okey", "okee", "sip", "siap", "noted", "baik", "mantap", "mantab", "oh", "ooh", "ya", "iya",
    "yaudah", "udah", "min", "kak", "pak", "bu", "mas", "mbak",
];

/// The verb of asking, in Indonesian, chat, Javanese and Sundanese forms.
const ASKING: &[&str] = &[
    "tanya", "tanya2", "nanya", "nanya2", "bertanya", "takon", "naros", "nanyain",
];
/// Words a citizen asks leave with ("boleh", "izin", "numpang") or says they want to with.
const LEAVE: &[&str] = &[
    "boleh", "bole", "bisa", "izin", "ijin", "numpang", "mau", "mo", "ingin", "pengen", "sedikit", "dikit",
];

/// The krama possessive suffixes: "-nipun" after a vowel ("biayanipun"), "-ipun" after a
/// consonant ("berkasipun").
const KRAMA_POSSESSIVES: [&str; 2] = ["nipun", "ipun"];

/// Words of courtesy around a first message: an apology for the trouble ("mohon maaf
/// mengganggu waktunya"), questions announced ("mau nanya beberapa hal"), who asks whom.
const COURTESY: &[&str] = &[
    "mohon",
    "maaf",
    "mengganggu",
    "ganggu",
    "ngganggu",
    "waktunya",
    "sebelumnya",
    "beberapa",
    "bbrp",
    "hal",
    "pertanyaan",
    "sesuatu",
    "bapak",
    "ibu",
    "saya",
    "sy",
    "aku",
    "gw",
    "gue",
    "dong",
    "nih",
];
/// Words that make a message courtesy on their own: asking leave, or an apology.
const APOLOGY: &[&str] = &["maaf", "mengganggu", "ganggu", "ngganggu"];

/// Whether a message only asks leave to ask or apologises for asking: a verb of asking
/// ([`ASKING`]) or an apology ([`APOLOGY`]), and nothing but words of leave ([`LEAVE`]) and
/// courtesy ([`COURTESY`]), greetings and terms of address ("permisi kak, mau tanya boleh?",
/// "assalamualaikum bapak/ibu, mohon maaf mengganggu waktunya").
fn is_courtesy_only(question: &str) -> bool {
    let lower = question.to_lowercase();
    let words = chat_words(&lower);
    words.iter().any(|w| ASKING.contains(w) || APOLOGY.contains(w))
        && words.iter().all(|w| {
            ASKING.contains(w)
                || LEAVE.contains(w)
                || COURTESY.contains(w)
                || GREETING_WORDS.contains(w)
                || ACKNOWLEDGING.contains(w)
        })
}

/// The words of a chat message: runs of letters and digits.
fn chat_words(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// The text with every letter typed twice or more in a row written once ("siiip" -> "sip"),
/// or `None` when no letter is drawn out.
fn squeeze_drawn_out(lower: &str) -> Option<String> {
    let drawn_out = lower
        .as_bytes()
        .windows(2)
        .any(|w| w[0] == w[1] && w[0].is_ascii_alphabetic());
    drawn_out.then(|| {
        lower
            .chars()
            .scan(None, |last, c| {
                let repeated = *last == Some(c) && c.is_alphabetic();
                *last = Some(c);
                Some((!repeated).then_some(c))
            })
            .flatten()
            .collect()
    })
}

fn smalltalk_kind(question: &str) -> Option<render::Smalltalk> {
    let lower = question.to_lowercase();
    // Letters drawn out ("siiip", "makasihhh", "okeee") are the same word.
    let squeezed = squeeze_drawn_out(&lower).unwrap_or_default();
    let (as_typed, squeezed_words) = (chat_words(&lower), chat_words(&squeezed));
    let words: Vec<&str> = as_typed.iter().chain(&squeezed_words).copied().collect();
    let has = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if has(&[
        "makasih",
        "terimakasih",
        "trims",
        "thanks",
        "thx",
        "suwun",
        "nuwun",
        "matursuwun",
        "maturnuwun",
        // Madurese.
        "sakalangkong",
        "tengkyu",
        "mksh",
        "tq",
        // Sundanese, and the Arabic thanks Muslim citizens write.
        "nuhun",
        "syukron",
        "jazakallah",
        "jazakillah",
        "jazakumullah",
    ]) || lower.contains("terima kasih")
    {
        Some(render::Smalltalk::Thanks)
    } else if [&as_typed, &squeezed_words]
        .into_iter()
        .any(|words| !words.is_empty() && words.iter().all(|w| ACKNOWLEDGING.contains(w)))
    {
        // "ok sip", "oke min, siap": the citizen took the answer.
        Some(render::Smalltalk::Thanks)
    } else if has(&[
        "bantu", "bantuan", "help", "menu", "fitur", "panduan", "start", "bot", "robot", "chatbot",
    ]) || lower.contains("bisa apa")
    {
        Some(render::Smalltalk::Help)
    } else if has(GREETING_WORDS) || words.is_empty() {
        Some(render::Smalltalk::Greeting)
    } else {
        None
    }
}

#[cfg(test)]
mod tests;
