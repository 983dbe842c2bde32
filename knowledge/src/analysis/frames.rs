//! The aspect an Indonesian question asks, read from its interrogative and the verb next to it.
//!
//! "Apa" (what), "siapa" (who) and "ke mana" (where to) ask about different parts of a service
//! standard depending on the verb they go with and on who acts:
//! - what the citizen *supplies* ("surat apa yang harus dibawa", "harus berisi apa", "laporan
//!   apa yang dikirim") is a requirement, and so is a list of papers or data asked for
//!   without a verb ("pake acuan apa aja", "datanya apa saja");
//! - what the citizen *receives* ("dapat dokumen apa", "dikasih surat apa", "nanti diterbitkan
//!   apa") is the product; "kasih" and "beri" give to the citizen only in the passive
//!   ("dikasih"), while "harus saya kasih" is again something supplied;
//! - who handles the file and where it goes next ("yang tanda tangan siapa", "dikirim ke mana",
//!   "diverifikasi siapa", "diapain") is the procedure, and so is the means ("lewat apa"),
//!   except the instrument a result is set with ("ditetapkan pake apa"), which is the product.
//!
//! The verbs are grouped by meaning (a property of the language, not of any decree or
//! phrasing) and recognised through their affixes (di-, me-/meN-, ter-, -kan, -i, -in, -nya).
//! The result is a cue token of `aspects.tsv` that the engine adds to the question's cues.

use super::normalize::standard_form;

/// Verbs of things the citizen hands in.
const SUPPLY: &[&str] = &[
    "bawa", "siap", "lampir", "setor", "kumpul", "serah", "isi", "muat", "unggah", "upload", "serta", "lengkap",
    "sedia", "kirim", "aju",
];
/// Verbs of things the citizen receives.
const RECEIVE: &[&str] = &["dapat", "terima", "peroleh", "terbit", "keluar", "pegang"];
/// Verbs of giving, which give to the citizen only in the passive.
const GIVE: &[&str] = &["kasih", "beri"];
/// Verbs of handling a file: who does it and where it goes are steps of the procedure.
const HANDLE: &[&str] = &[
    "kirim",
    "terus",
    "bawa",
    "serah",
    "aju",
    "antar",
    "proses",
    "verifikasi",
    "validasi",
    "periksa",
    "tandatangan",
    "teken",
    "bahas",
    "nilai",
    "cek",
    "disposisi",
    "paraf",
    "setuju",
    "tanda",
];
/// Verbs of setting a result: "ditetapkan pake apa" asks the instrument issued.
const ESTABLISH: &[&str] = &["tetap", "sah", "putus"];
/// Verbs of holding an event: "kapan dilaksanakan" asks the schedule, a step of the
/// procedure, not how long the service takes.
const HOLD: &[&str] = &["laksana", "laku", "adakan", "selenggara", "gelar"];
/// Prepositions of means: "lewat apa" asks how something is sent or paid.
const MEANS: &[&str] = &["lewat", "lwt", "via", "melalui", "pakai", "pake", "pakek", "naik"];
/// Whether an analysed question word is a preposition of means ("lewat", "via"): a function
/// word, which never names what a question is about.
pub(crate) fn is_means(token: &str) -> bool {
    MEANS.contains(&token)
}

/// "Jadi" with its definite clitic: "jadinya apa" asks what comes out.
const RESULT: &[&str] = &["jadi", "jadinya", "jadine", "hasil", "hasilnya", "hasile"];
/// Chat particles and forms of address that may close a question ("jadinya apa ya kak").
const PARTICLES: &[&str] = &[
    "ya", "yah", "sih", "kak", "kk", "min", "kah", "nih", "dong", "nanti", "aja", "saja", "kok", "gitu", "tuh", "pak",
    "bu", "mas", "mbak", "gan", "om", "nggih", "yo", "to", "kan",
];
/// Words for papers and data a citizen or an office hands in.
const DOCUMENTS: &[&str] = &[
    "data", "bahan", "acuan", "dokumen", "berkas", "laporan", "lampiran", "formulir", "form", "bukti", "surat",
];
/// Particles that make "apa" ask for a list ("apa aja", "apa saja", Javanese "apa wae").
const LIST: &[&str] = &["aja", "saja", "wae", "ae", "sajah"];
/// Words a verb is looked for around its interrogative.
const WINDOW: usize = 6;

/// The cue token (`syarat`, `produk`, `prosedur`) the question's interrogative frame asks for.
pub(crate) fn cue(question: &str) -> Option<&'static str> {
    let lower = question.to_lowercase();
    let raw: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let words: Vec<String> = raw.iter().map(|w| standard_form(w).into_owned()).collect();
    let mut found = None;
    for (i, word) in words.iter().enumerate() {
        if matches!(raw[i], "diapain" | "diapakan") {
            found = Some("prosedur");
            continue;
        }
        if matches!(raw[i], "kemana" | "kmn" | "dimana" | "dmn") {
            if let Some(cue) = frame(Asks::WhereTo, &around(&words, i)) {
                found = Some(cue);
            }
            continue;
        }
        // "lewat mana", "via apa", "bayarnya pakai apa": by what means, a step of the
        // procedure; "jadinya apa": what it becomes, the product.
        if matches!(word.as_str(), "apa" | "mana" | "siapa") && i > 0 {
            let before = raw[i - 1];
            // "apa aja" after a word for papers or data asks for a list of them ("pake acuan
            // apa aja", "datanya apa aja"): what the citizen brings, unless a verb near it says
            // otherwise ("dokumen apa aja yang didapat").
            let listed = word == "apa"
                && DOCUMENTS
                    .iter()
                    .any(|d| before.strip_suffix("nya").unwrap_or(before) == *d)
                && words.get(i + 1).is_some_and(|w| LIST.contains(&w.as_str()));
            if listed {
                found = Some(frame(Asks::What, &around(&words, i)).unwrap_or("syarat"));
                continue;
            }
            // The means may name its kind first ("lewat bank apa", "via aplikasi apa"). What
            // a result is set with ("ditetapkan pake apa") is the instrument the service
            // issues: its product.
            // Through whom ("lewat siapa") is a step of the procedure too.
            if MEANS.contains(&before) || word != "siapa" && i > 1 && MEANS.contains(&raw[i - 2]) {
                let set = around(&words, i).iter().any(|w| verb_root(w, ESTABLISH).is_some());
                found = Some(if set { "produk" } else { "prosedur" });
                continue;
            }
            // A bare "jadi" opening the message is "so" ("jadi apa syaratnya"), and "apa"
            // before another option is "or" ("langsung jadi apa nunggu berhari-hari").
            let ends_clause = words[i + 1..].iter().all(|w| PARTICLES.contains(&w.as_str()));
            // The result word may take a modifier first ("hasil akhirnya apa").
            let result = RESULT.contains(&before) && (i > 1 || before != "jadi")
                || i > 1 && RESULT.contains(&raw[i - 2]) && raw[i - 2] != "jadi";
            if word == "apa" && result && ends_clause {
                found = Some("produk");
                continue;
            }
        }
        let asks = match word.as_str() {
            // A question opening with "apa" asks yes or no ("apa bisa diwakilkan").
            "apa" | "apaan" if i > 0 => Asks::What,
            "siapa" | "sapa" => Asks::Who,
            // "ke mana", "di mana", and with the noun it asks about between ("ke bagian mana",
            // "di loket mana").
            "mana"
                if i > 0
                    && (matches!(words[i - 1].as_str(), "ke" | "di")
                        || i > 1 && matches!(words[i - 2].as_str(), "ke" | "di")) =>
            {
                Asks::WhereTo
            }
            "kapan" => Asks::When,
            _ => continue,
        };
        if let Some(cue) = frame(asks, &around(&words, i)) {
            found = Some(cue);
        }
    }
    found
}

/// Interrogatives (standard forms) that make a clause the question's own: "berapa",
/// "bagaimana", "kapan", "siapa", "mana"; "apa" too, except opening a clause (a yes-no "apa
/// bisa ...").
const INTERROGATIVES: &[&str] = &[
    "berapa",
    "bagaimana",
    "kapan",
    "siapa",
    "mana",
    "kemana",
    "dimana",
    "apaan",
];

/// The clause that asks, when a question has several: the first one holding an interrogative,
/// if another clause comes before or after it. A message tells its story in some clauses and
/// asks in one ("... biaya sendiri, ngurus izin belajar gimana"), so the aspect cues of the
/// other clauses ("biaya") are context, not the question. `None` for one clause, or when no
/// clause has an interrogative.
pub(crate) fn question_clause(question: &str) -> Option<&str> {
    let clauses: Vec<&str> = question
        .split([',', '.', '?', '!', ';', '\n'])
        .filter(|c| c.chars().any(char::is_alphanumeric))
        .collect();
    if clauses.len() < 2 {
        return None;
    }
    clauses.into_iter().find(|clause| {
        let lower = clause.to_lowercase();
        lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .enumerate()
            .any(|(i, w)| {
                let w = standard_form(w);
                INTERROGATIVES.contains(&w.as_ref()) || w == "apa" && i > 0
            })
    })
}

/// Words that make a message without a question mark ask something: the interrogatives,
/// "apa", and the modals of a yes-no question ("bisa", "boleh", "perlu", "harus").
const ASKING: &[&str] = &["apa", "apakah", "bisa", "boleh", "perlu", "harus", "wajib", "ada"];

/// Whether a message asks anything: a question mark or a word that asks. "mbah sy meninggal,
/// mau ngurus surat ahli waris" asks nothing in particular: it names what the citizen needs.
pub(crate) fn asks(question: &str) -> bool {
    question.contains('?')
        || question
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .any(|w| {
                let w = standard_form(w);
                INTERROGATIVES.contains(&w.as_ref()) || ASKING.contains(&w.as_ref())
            })
}

/// Whether a message has a question word that asks for a place, time, person, amount or
/// manner ("dmn", "kapan", "gmn"), not only whether something is so ("ada org ga?").
pub(crate) fn asks_what(question: &str) -> bool {
    question
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| INTERROGATIVES.contains(&standard_form(w).as_ref()))
}

/// Forms of "ada" (there is): Indonesian, Javanese "enten", Sundanese "aya".
const EXIST: &[&str] = &["ada", "enten", "onten", "aya"];
/// The tags that close a yes-no question ("ada gak?", "ada ora?").
const NEGATIVE_TAGS: &[&str] = &[
    "ga", "gak", "gk", "g", "nggak", "ngga", "enggak", "engga", "tidak", "tdk", "ndak", "nda", "ora", "teu", "nggk",
];
/// Words that make "ada" a condition, not a question ("kalau ada yang kurang").
const CONDITIONS: &[&str] = &[
    "kalau", "kalo", "klo", "kl", "jika", "jk", "bila", "apabila", "misal", "nek", "lek", "yang",
];

/// What a question asks to exist ("apakah ada honor buat guru ngaji?" -> "honor buat guru
/// ngaji", "bantuan pengacara gratis dr pemkab ada ga?" -> "bantuan pengacara gratis dr
/// pemkab"): the words after "ada" up to the closing tag, or before it when none follow.
/// "Kalau ada yang kurang" is a condition, not such a question.
pub(crate) fn existent(question: &str) -> Option<String> {
    let lower = question.to_lowercase();
    let mut rest = lower.as_str();
    while !rest.is_empty() {
        let end = rest.find([',', '.', '?', '!', ';', '\n']).unwrap_or(rest.len());
        let (clause, after) = rest.split_at(end);
        let words: Vec<String> = clause
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| standard_form(w).into_owned())
            .collect();
        let asked = words.iter().enumerate().position(|(i, w)| {
            if w == "adakah" {
                return true;
            }
            if !EXIST.contains(&w.as_str()) || i > 0 && CONDITIONS.contains(&words[i - 1].as_str()) {
                return false;
            }
            matches!(
                i.checked_sub(1).map(|j| words[j].as_str()),
                Some("apa" | "apakah" | "apkh")
            ) || words.last().is_some_and(|last| NEGATIVE_TAGS.contains(&last.as_str()))
                || i + 1 == words.len() && after.starts_with('?')
        });
        if let Some(at) = asked {
            let tagged = words.last().is_some_and(|last| NEGATIVE_TAGS.contains(&last.as_str()));
            let following = &words[at + 1..words.len() - usize::from(tagged && words.len() > at + 1)];
            let named = if following.is_empty() { &words[..at] } else { following };
            return Some(named.join(" "));
        }
        rest = after.get(1..).unwrap_or("");
    }
    None
}

/// The words within [`WINDOW`] of position `i`, nearest first, without the word itself.
fn around(words: &[String], i: usize) -> Vec<&String> {
    let mut near = Vec::with_capacity(2 * WINDOW);
    for d in 1..=WINDOW {
        if let Some(w) = i.checked_sub(d).and_then(|j| words.get(j)) {
            near.push(w);
        }
        if let Some(w) = words.get(i + d) {
            near.push(w);
        }
    }
    near
}

#[derive(Clone, Copy, PartialEq)]
enum Asks {
    What,
    Who,
    WhereTo,
    When,
}

/// The cue of one interrogative given the words around it.
fn frame(asks: Asks, near: &[&String]) -> Option<&'static str> {
    match asks {
        Asks::When => near.iter().any(|w| verb_root(w, HOLD).is_some()).then_some("prosedur"),
        Asks::Who | Asks::WhereTo => near
            .iter()
            .any(|w| verb_root(w, HANDLE).is_some())
            .then_some("prosedur"),
        Asks::What => {
            for w in near {
                if verb_root(w, RECEIVE).is_some() {
                    return Some("produk");
                }
                if let Some(passive) = verb_root(w, GIVE) {
                    return Some(if passive { "produk" } else { "syarat" });
                }
                if verb_root(w, SUPPLY).is_some() {
                    return Some("syarat");
                }
            }
            None
        }
    }
}

/// Whether `word` is one of `roots` with Indonesian verb affixes; `Some(true)` in the passive.
fn verb_root(word: &str, roots: &[&str]) -> Option<bool> {
    let mut forms: Vec<(&str, bool)> = vec![(word, false)];
    for (prefix, passive) in [("di", true), ("ter", true), ("me", false), ("ber", false)] {
        if let Some(rest) = word.strip_prefix(prefix) {
            forms.push((rest, passive));
        }
    }
    for (form, passive) in forms {
        for suffix in ["", "kan", "in", "i", "nya", "an", "kannya", "innya"] {
            let Some(stem) = form.strip_suffix(suffix) else {
                continue;
            };
            if roots.contains(&stem) || nasal_root(stem, roots) {
                return Some(passive);
            }
        }
    }
    None
}

/// A root behind a nasal prefix: "mengirim" kirim, "menyerahkan" serah, "memuat" muat,
/// "ngasih" kasih, "nyiapin" siap.
fn nasal_root(stem: &str, roots: &[&str]) -> bool {
    let candidates: [Option<String>; 6] = [
        stem.strip_prefix("ng").map(|r| format!("k{r}")),
        stem.strip_prefix("ng").map(str::to_owned),
        stem.strip_prefix("ny").map(|r| format!("s{r}")),
        stem.strip_prefix('m').map(str::to_owned),
        stem.strip_prefix('m').map(|r| format!("p{r}")),
        stem.strip_prefix('n').map(|r| format!("t{r}")),
    ];
    candidates.iter().flatten().any(|c| roots.contains(&c.as_str()))
}

#[cfg(test)]
mod tests {
    use super::{cue, existent, question_clause};

    #[test]
    fn what_a_question_asks_to_exist() {
        assert_eq!(
            existent("apakah ada honor buat guru ngaji?").as_deref(),
            Some("honor buat guru ngaji")
        );
        assert_eq!(
            existent("bantuan pengacara gratis ada gak").as_deref(),
            Some("bantuan pengacara gratis")
        );
        assert_eq!(
            existent("mutasi kir ada cek fisik ga? gesek rangka?").as_deref(),
            Some("cek fisik")
        );
        // A condition, and a statement, ask nothing of the kind.
        assert_eq!(existent("kalo ada yg kurang gmn?"), None);
        assert_eq!(existent("sy ada urusan di kecamatan, syaratnya apa"), None);
    }

    #[test]
    fn what_is_supplied_is_a_requirement() {
        assert_eq!(cue("surat apa aja yg hrs dia bawa pas daftar ulang?"), Some("syarat"));
        assert_eq!(cue("surat pemberitahuannya harus berisi apa aja"), Some("syarat"));
        assert_eq!(cue("permohonannya hrs memuat apa aja?"), Some("syarat"));
        assert_eq!(cue("dokumen apa yg harus saya kasih"), Some("syarat"));
        assert_eq!(cue("opd cukup ngirim apa?"), Some("syarat"));
    }

    #[test]
    fn a_list_of_papers_or_data_is_a_requirement() {
        assert_eq!(cue("disusun pake acuan apa aja"), Some("syarat"));
        assert_eq!(cue("datanya apa saja"), Some("syarat"));
        assert_eq!(cue("dokumen apa aja yg didapat"), Some("produk"));
        // Not a list of papers: the means, a question of its own.
        assert_eq!(cue("bayarnya lewat apa aja"), Some("prosedur"));
        assert_eq!(cue("bisa bantu apa aja"), None);
    }

    #[test]
    fn the_instrument_a_result_is_set_with_is_the_product() {
        assert_eq!(cue("hasilnya ditetapkan pake apa"), Some("produk"));
        assert_eq!(cue("disahkan lewat apa"), Some("produk"));
        assert_eq!(cue("bayarnya lewat apa"), Some("prosedur"));
    }

    #[test]
    fn what_is_received_is_the_product() {
        assert_eq!(cue("habis lulus dikasih surat apa"), Some("produk"));
        assert_eq!(cue("nanti dpt dokumen apa"), Some("produk"));
        assert_eq!(cue("yg diterbitkan apa"), Some("produk"));
    }

    #[test]
    fn who_handles_and_where_it_goes_is_the_procedure() {
        assert_eq!(cue("ijin belajar s2 yg tanda tangan sapa?"), Some("prosedur"));
        assert_eq!(cue("hasilnya akhirnya dikirim kemana"), Some("prosedur"));
        assert_eq!(cue("hasil skj nanti divalidasi ke mana?"), Some("prosedur"));
        assert_eq!(cue("stlh dicatat trus diapain?"), Some("prosedur"));
        // The noun asked about may stand between the preposition and "mana"; "di mana" asks
        // where a step happens, "lewat siapa" through whom.
        assert_eq!(cue("berkasnya dikirim ke bkn mana?"), Some("prosedur"));
        assert_eq!(cue("berkas kami diverifikasi dimana"), Some("prosedur"));
        assert_eq!(cue("sk pensiunnya nanti diterima lewat siapa"), Some("prosedur"));
        assert_eq!(cue("kantornya di mana"), None);
        // Whose decision sets it is no means.
        assert_ne!(cue("ujungnya ditetapkan pake keputusan siapa?"), Some("produk"));
    }

    #[test]
    fn when_an_event_is_held_is_the_procedure() {
        assert_eq!(cue("sumpah pns itu kapan dilakukannya"), Some("prosedur"));
        assert_eq!(cue("pelantikan kapan dilaksanakan"), Some("prosedur"));
        assert_eq!(cue("kapan jadinya"), None);
    }

    #[test]
    fn apa_between_two_options_is_or() {
        assert_eq!(cue("rekam ktp langsung jadi apa nunggu berhari2?"), None);
        assert_eq!(cue("jadinya apa ya kak"), Some("produk"));
    }

    #[test]
    fn means_is_the_procedure_and_what_it_becomes_the_product() {
        assert_eq!(cue("berkasnya dikumpulin lewat mana"), Some("prosedur"));
        assert_eq!(cue("gajinya ditransfer via apa"), Some("prosedur"));
        assert_eq!(cue("tpp cair lewat bank apa"), Some("prosedur"));
        assert_eq!(cue("nanti jadinya apa"), Some("produk"));
        assert_eq!(cue("fasilitasi kepbup itu hasil akhirnya apa"), Some("produk"));
        assert_eq!(cue("jadi apa syaratnya"), None);
    }

    #[test]
    fn the_clause_with_the_interrogative_asks() {
        assert_eq!(
            question_clause("aku PNS mau lanjut S1 biaya dewe, ngurus ijin belajar piye"),
            Some(" ngurus ijin belajar piye")
        );
        assert_eq!(
            question_clause("biayanya brp, trus syaratnya apa?"),
            Some("biayanya brp")
        );
        assert_eq!(question_clause("syarat ijin belajar apa aja"), None);
        assert_eq!(question_clause("sy pns. apa bisa diwakilkan?"), None);
    }

    #[test]
    fn other_questions_have_no_frame() {
        assert_eq!(cue("syarat bikin ktp apa"), None);
        assert_eq!(cue("lapor kemana kalau dipungli"), None);
        assert_eq!(cue("siapa yang boleh ikut"), None);
    }
}
