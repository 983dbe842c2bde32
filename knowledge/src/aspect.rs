//! Which part of a service a citizen asks about ("syaratnya apa", "bayar gak", "brp lama").
//!
//! Detection runs on the analysed tokens of the question (after `rewrite_query` and the
//! Indonesian analyzer), so chat spellings and synonyms are already canonical. The cue
//! table is data (`knowledge/data/aspects.tsv`): strong cues decide on their own, weak ones
//! ("kapan", "hasil") only when no strong cue is present, hints ("lapor") only when no other is. Among strong cues the last one wins
//! (citizens give context first and ask last: "tugas belajar dibiayai pemda, brp lama"), among
//! weak ones the first. No cue means an overview of the service.

use crate::document::ComponentKind;
use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

/// What the citizen asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// Persyaratan.
    Requirements,
    /// Biaya / tarif.
    Fee,
    /// Jangka waktu.
    Duration,
    /// Sistem, mekanisme dan prosedur.
    Procedure,
    /// Produk pelayanan.
    Product,
    /// Penanganan pengaduan, saran dan masukan.
    ComplaintChannel,
    /// Dasar hukum.
    LegalBasis,
    /// Jam pelayanan.
    Hours,
    /// Sarana, prasarana dan/atau fasilitas.
    Facilities,
    /// Kompetensi pelaksana.
    Competence,
    /// Pengawasan internal.
    InternalSupervision,
    /// Jaminan pelayanan.
    ServiceGuarantee,
    /// Jaminan keamanan dan keselamatan pelayanan.
    SecurityGuarantee,
    /// Jumlah pelaksana.
    Staffing,
    /// Evaluasi kinerja pelaksana.
    PerformanceEvaluation,
    /// The service as a whole.
    Overview,
}

impl Aspect {
    /// Stable snake_case name (as in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Requirements => "requirements",
            Self::Fee => "fee",
            Self::Duration => "duration",
            Self::Procedure => "procedure",
            Self::Product => "product",
            Self::ComplaintChannel => "complaint_channel",
            Self::LegalBasis => "legal_basis",
            Self::Hours => "hours",
            Self::Facilities => "facilities",
            Self::Competence => "competence",
            Self::InternalSupervision => "internal_supervision",
            Self::ServiceGuarantee => "service_guarantee",
            Self::SecurityGuarantee => "security_guarantee",
            Self::Staffing => "staffing",
            Self::PerformanceEvaluation => "performance_evaluation",
            Self::Overview => "overview",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "requirements" => Self::Requirements,
            "fee" => Self::Fee,
            "duration" => Self::Duration,
            "procedure" => Self::Procedure,
            "product" => Self::Product,
            "complaint_channel" => Self::ComplaintChannel,
            "legal_basis" => Self::LegalBasis,
            "hours" => Self::Hours,
            "facilities" => Self::Facilities,
            "competence" => Self::Competence,
            "internal_supervision" => Self::InternalSupervision,
            "service_guarantee" => Self::ServiceGuarantee,
            "security_guarantee" => Self::SecurityGuarantee,
            "staffing" => Self::Staffing,
            "performance_evaluation" => Self::PerformanceEvaluation,
            "overview" => Self::Overview,
            _ => return None,
        })
    }

    /// Whether this aspect is one of the components about how the agency runs the service
    /// (facilities, competence, supervision, guarantees, staff, evaluation) rather than what the citizen does
    /// and gets: asked only by name ("fasilitasnya apa aja"), never inferred from other words.
    pub fn is_management(self) -> bool {
        matches!(
            self,
            Self::Facilities
                | Self::Competence
                | Self::InternalSupervision
                | Self::ServiceGuarantee
                | Self::SecurityGuarantee
                | Self::Staffing
                | Self::PerformanceEvaluation
        )
    }

    /// The component that answers this aspect (`None` for the overview).
    pub fn component(self) -> Option<ComponentKind> {
        Some(match self {
            Self::Requirements => ComponentKind::Requirements,
            Self::Fee => ComponentKind::Fee,
            Self::Duration => ComponentKind::Duration,
            Self::Procedure => ComponentKind::Procedure,
            Self::Product => ComponentKind::Product,
            Self::ComplaintChannel => ComponentKind::ComplaintChannel,
            Self::LegalBasis => ComponentKind::LegalBasis,
            Self::Hours => ComponentKind::Hours,
            Self::Facilities => ComponentKind::Facilities,
            Self::Competence => ComponentKind::Competence,
            Self::InternalSupervision => ComponentKind::InternalSupervision,
            Self::ServiceGuarantee => ComponentKind::ServiceGuarantee,
            Self::SecurityGuarantee => ComponentKind::SecurityGuarantee,
            Self::Staffing => ComponentKind::Staffing,
            Self::PerformanceEvaluation => ComponentKind::PerformanceEvaluation,
            Self::Overview => return None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Cue {
    aspect: Aspect,
    strong: bool,
    /// Decides only when no other cue is present ("lapor": complain, or file a report).
    hint: bool,
}

static CUES: LazyLock<HashMap<&'static str, Cue>> = LazyLock::new(|| {
    include_str!("../data/aspects.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|line| {
            let mut cols = line.split('\t');
            let token = cols.next().unwrap_or_default();
            let aspect = cols
                .next()
                .and_then(Aspect::parse)
                .unwrap_or_else(|| panic!("aspects.tsv: bad aspect in {line:?}"));
            let strength = cols.next();
            let strong = strength == Some("strong");
            let hint = strength == Some("hint");
            (token, Cue { aspect, strong, hint })
        })
        .collect()
});

/// The aspect a cue token asks and whether it is a strong cue.
pub fn cue(token: &str) -> Option<(Aspect, bool)> {
    CUES.get(token).map(|c| (c.aspect, c.strong))
}

/// Whether a token is an aspect cue.
pub fn is_cue(token: &str) -> bool {
    CUES.contains_key(token)
}

/// The aspect asked in analysed question tokens; `None` when no cue is present.
///
/// A complaint cue wins over any other ("petugas minta duit, lapor kemana" asks where to
/// complain, not the fee); otherwise the last strong cue, else the first weak one. A
/// procedure cue yields to any other strong cue: "proses" and "cara" are also ordinary
/// nouns ("proses suratnya berapa hari" asks the duration).
pub fn detect(tokens: &[String]) -> Option<Aspect> {
    let mut asked = Asked::default();
    for token in tokens {
        if let Some(cue) = CUES.get(token.as_str())
            && let Some(complaint) = asked.add(cue, cue.strong)
        {
            return Some(complaint);
        }
    }
    asked.best()
}

/// The nouns every decree labels a component with (PermenPANRB 15/2014).
const COMPONENT_NOUNS: &[(&str, Aspect)] = &[
    ("syarat", Aspect::Requirements),
    ("prosedur", Aspect::Procedure),
    ("biaya", Aspect::Fee),
    ("tarif", Aspect::Fee),
    ("produk", Aspect::Product),
];

/// The aspect a word of the question names by its component's own noun, the word every decree
/// labels that component with (PermenPANRB 15/2014: *Persyaratan*, *Prosedur*, *Biaya/Tarif*,
/// *Produk*), in any form ("syaratnya", "persyaratan", "prosedure", "biayanya"), as opposed to a
/// cue that only points at it ("bawa", "kapan") or a word read as one ("berkas").
pub fn names_component(surface_word: &str) -> Option<Aspect> {
    let word = surface_word.to_lowercase();
    COMPONENT_NOUNS
        .iter()
        .find(|(noun, _)| word.contains(noun))
        .map(|(_, aspect)| *aspect)
}

/// The aspect a word asks by its component's noun with a possessive clitic ("syaratnya",
/// "syarate", "biayane", "persyaratannya"): "its requirements" is asked of the service, even
/// when the service's own name holds the noun ("Pengantar Persyaratan PNS/TNI/POLRI", where
/// the bare "persyaratan" only names it).
pub fn asked_with_clitic(surface_word: &str) -> Option<Aspect> {
    let word = surface_word.to_lowercase();
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    ["nya", "nye", "ne", "na", "e"]
        .iter()
        .filter_map(|clitic| word.strip_suffix(clitic))
        .find_map(|noun| {
            let noun = noun
                .strip_prefix("per")
                .filter(|n| n.ends_with("an"))
                .map_or(noun, |n| &n[..n.len() - 2]);
            COMPONENT_NOUNS
                .iter()
                .find(|(n, _)| *n == noun)
                .map(|(_, aspect)| *aspect)
        })
}

/// Whether the tokens hold a strong cue (one that decides the aspect on its own).
pub fn has_strong_cue(tokens: &[String]) -> bool {
    tokens.iter().any(|t| CUES.get(t.as_str()).is_some_and(|c| c.strong))
}

/// The aspect a component answers, if any (the inverse of [`Aspect::component`]).
pub fn of_component(kind: ComponentKind) -> Option<Aspect> {
    Some(match kind {
        ComponentKind::Requirements => Aspect::Requirements,
        ComponentKind::Fee => Aspect::Fee,
        ComponentKind::Duration => Aspect::Duration,
        ComponentKind::Procedure => Aspect::Procedure,
        ComponentKind::Product => Aspect::Product,
        ComponentKind::ComplaintChannel => Aspect::ComplaintChannel,
        ComponentKind::LegalBasis => Aspect::LegalBasis,
        ComponentKind::Hours => Aspect::Hours,
        ComponentKind::Facilities => Aspect::Facilities,
        ComponentKind::Competence => Aspect::Competence,
        ComponentKind::InternalSupervision => Aspect::InternalSupervision,
        ComponentKind::ServiceGuarantee => Aspect::ServiceGuarantee,
        ComponentKind::SecurityGuarantee => Aspect::SecurityGuarantee,
        ComponentKind::Staffing => Aspect::Staffing,
        ComponentKind::PerformanceEvaluation => Aspect::PerformanceEvaluation,
        _ => return None,
    })
}

/// The cues seen so far in a question, ranked as [`detect`] describes.
#[derive(Default)]
struct Asked {
    strong: Option<Aspect>,
    weak: Option<Aspect>,
    hint: Option<Aspect>,
}

impl Asked {
    /// Takes one cue (`strong` as it counts here); `Some` when it settles the question: a strong
    /// complaint cue wins over everything.
    fn add(&mut self, cue: &Cue, strong: bool) -> Option<Aspect> {
        if strong && cue.aspect == Aspect::ComplaintChannel {
            return Some(cue.aspect);
        }
        if strong {
            if self.strong.is_none() || cue.aspect != Aspect::Procedure {
                self.strong = Some(cue.aspect);
            }
        } else if cue.hint {
            self.hint.get_or_insert(cue.aspect);
        } else {
            self.weak.get_or_insert(cue.aspect);
        }
        None
    }

    fn best(&self) -> Option<Aspect> {
        self.strong.or(self.weak).or(self.hint)
    }
}

/// Like [`detect`], for a question answered with a service whose analysed title is
/// `title_tokens`: a cue word that is also a word of the title may be naming the service (the
/// "hukum" of "Bantuan Hukum", the "adu" of "Penanganan Pengaduan") rather than asking.
///
/// For each occurrence of such a word in the question:
/// - asked with a whole phrase (`phrase_cues`, e.g. "bawa apa aja" -> `syarat`), it asks;
/// - next to a neighbouring title word in title order ("bantuan hukum"), it names the service,
///   as often as the title has it, and is ignored;
/// - otherwise it asks, but only as a weak cue: "pengaduan ke dprd diproses brp lama" asks
///   the duration, "syarat pengantar tni" the requirements.
pub fn detect_for_title(tokens: &[String], phrase_cues: &[String], title_tokens: &[String]) -> Option<Aspect> {
    let mut budget: HashMap<&str, usize> = HashMap::default();
    for t in title_tokens {
        if CUES.contains_key(t.as_str()) {
            *budget.entry(t.as_str()).or_default() += 1;
        }
    }
    let mut phrase_budget: HashMap<&str, usize> = HashMap::default();
    for t in phrase_cues {
        *phrase_budget.entry(t.as_str()).or_default() += 1;
    }
    let follows = |a: &str, b: &str| title_tokens.windows(2).any(|w| w[0] == a && w[1] == b);
    let mut asked = Asked::default();
    for (i, token) in tokens.iter().enumerate() {
        let Some(cue) = CUES.get(token.as_str()) else {
            continue;
        };
        let mut is_strong = cue.strong;
        // A management component is asked only by its name: the word naming the service
        // ("Evaluasi Jabatan", "Kartu Pengawasan") asks nothing of it.
        if cue.aspect.is_management() && budget.contains_key(token.as_str()) {
            continue;
        }
        if let Some(left) = budget.get_mut(token.as_str()) {
            match phrase_budget.get_mut(token.as_str()) {
                Some(n) if *n > 0 => *n -= 1,
                _ => {
                    let before = i.checked_sub(1).is_some_and(|j| follows(&tokens[j], token));
                    let after = tokens.get(i + 1).is_some_and(|next| follows(token, next));
                    if (before || after) && *left > 0 {
                        *left -= 1;
                        continue;
                    }
                    is_strong = false;
                }
            }
        }
        // A procedure asked by an interrogative frame or a phrase ("lewat mana", "diteruskan
        // kemana") is no ordinary noun: it does not yield to a requirement word ("berkas").
        if cue.aspect == Aspect::Procedure && is_strong && phrase_cues.contains(token) {
            asked.strong = Some(Aspect::Procedure);
            continue;
        }
        if let Some(complaint) = asked.add(cue, is_strong) {
            return Some(complaint);
        }
    }
    asked.best()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn strong_cue_beats_weak() {
        assert_eq!(detect(&toks(&["kapan", "biaya", "ktp"])), Some(Aspect::Fee));
        assert_eq!(detect(&toks(&["kapan", "ktp"])), Some(Aspect::Duration));
        assert_eq!(detect(&toks(&["ktp"])), None);
    }

    /// "lapor LHKPN butuh apa", "lhkpn lapornya gmn": to report is not to complain, so "lapor"
    /// decides only when nothing else is asked ("pelayanan lambat, lapor").
    #[test]
    fn reporting_is_only_a_complaint_hint() {
        assert_eq!(detect(&toks(&["lapor", "lhkpn", "syarat"])), Some(Aspect::Requirements));
        assert_eq!(detect(&toks(&["lhkpn", "lapor", "bagaimana"])), Some(Aspect::Procedure));
        assert_eq!(
            detect(&toks(&["layan", "lambat", "lapor"])),
            Some(Aspect::ComplaintChannel)
        );
    }

    #[test]
    fn title_words_are_not_cues() {
        let title = toks(&["bantu", "hukum", "masyarakat", "miskin"]);
        let none: &[String] = &[];
        assert_eq!(
            detect_for_title(&toks(&["bantu", "hukum", "miskin"]), none, &title),
            None
        );
        assert_eq!(
            detect_for_title(&toks(&["hukum", "bantu", "hukum"]), none, &title),
            Some(Aspect::LegalBasis)
        );
        assert_eq!(
            detect_for_title(&toks(&["syarat", "bantu", "hukum"]), none, &title),
            Some(Aspect::Requirements)
        );
    }

    /// "Penanganan Pengaduan": the service's own cue word must not hide the asked aspect.
    #[test]
    fn complaint_service_asked_for_duration_or_procedure() {
        let title = toks(&["tangan", "adu"]);
        let none: &[String] = &[];
        assert_eq!(
            detect_for_title(&toks(&["adu", "sekretariat", "dprd", "prosedur", "lama"]), none, &title),
            Some(Aspect::Duration)
        );
        assert_eq!(
            detect_for_title(&toks(&["prosedur", "adu", "camat", "adu"]), none, &title),
            Some(Aspect::Procedure)
        );
        assert_eq!(detect_for_title(&toks(&["tangan", "adu", "camat"]), none, &title), None);
    }

    /// "Pengantar Persyaratan PNS TNI POLRI": "bawa apa aja" asks the requirements even though
    /// the title has the word.
    #[test]
    fn phrase_cue_asks_even_when_the_title_has_the_word() {
        let title = toks(&["antar", "syarat", "pns", "tni", "polri"]);
        assert_eq!(
            detect_for_title(
                &toks(&["daftar", "polri", "antar", "syarat"]),
                &toks(&["syarat"]),
                &title
            ),
            Some(Aspect::Requirements)
        );
        assert_eq!(
            detect_for_title(&toks(&["daftar", "polri", "antar", "syarat"]), &[], &title),
            Some(Aspect::Procedure)
        );
    }

    #[test]
    fn every_aspect_name_round_trips() {
        for a in [
            Aspect::Requirements,
            Aspect::Fee,
            Aspect::Duration,
            Aspect::Procedure,
            Aspect::Product,
            Aspect::ComplaintChannel,
            Aspect::LegalBasis,
            Aspect::Hours,
            Aspect::Facilities,
            Aspect::Competence,
            Aspect::InternalSupervision,
            Aspect::ServiceGuarantee,
            Aspect::SecurityGuarantee,
            Aspect::Staffing,
            Aspect::PerformanceEvaluation,
            Aspect::Overview,
        ] {
            assert_eq!(Aspect::parse(a.as_str()), Some(a));
        }
        assert!(!CUES.is_empty());
    }
}
