//! Which part of a service a citizen asks about ("syaratnya apa", "bayar gak", "brp lama").
//!
//! Detection runs on the analysed tokens of the question (after `rewrite_query` and the
//! Indonesian analyzer), so chat spellings and synonyms are already canonical. The cue
//! table is data (`knowledge/data/aspects.tsv`): strong cues decide on their own, weak ones
//! ("kapan", "hasil") only when no strong cue is present; the first cue in the question wins
//! among equals. No cue means an overview of the service.

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
            "overview" => Self::Overview,
            _ => return None,
        })
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
            Self::Overview => return None,
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Cue {
    aspect: Aspect,
    strong: bool,
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
            let strong = cols.next() == Some("strong");
            (token, Cue { aspect, strong })
        })
        .collect()
});

/// Whether a token is an aspect cue.
pub fn is_cue(token: &str) -> bool {
    CUES.contains_key(token)
}

/// The aspect asked in analysed question tokens; `None` when no cue is present.
///
/// A complaint cue wins over any other ("petugas minta duit, lapor kemana" asks where to
/// complain, not the fee); otherwise the first strong cue, else the first weak one. A
/// procedure cue yields to any other strong cue: "proses" and "cara" are also ordinary
/// nouns ("proses suratnya berapa hari" asks the duration).
pub fn detect(tokens: &[String]) -> Option<Aspect> {
    let mut strong = None;
    let mut weak = None;
    for token in tokens {
        if let Some(cue) = CUES.get(token.as_str()) {
            if cue.strong && cue.aspect == Aspect::ComplaintChannel {
                return Some(cue.aspect);
            }
            if cue.strong {
                if strong == Some(Aspect::Procedure) && cue.aspect != Aspect::Procedure {
                    strong = Some(cue.aspect);
                }
                strong.get_or_insert(cue.aspect);
            } else {
                weak.get_or_insert(cue.aspect);
            }
        }
    }
    strong.or(weak)
}

/// Like [`detect`], ignoring cue tokens that are part of the service's own name (the "hukum"
/// of "Bantuan Hukum", the "adu" of "Penanganan Pengaduan") as often as the name has them.
pub fn detect_for_title(tokens: &[String], title_tokens: &[String]) -> Option<Aspect> {
    let mut budget: HashMap<&str, usize> = HashMap::default();
    for t in title_tokens {
        *budget.entry(t.as_str()).or_default() += 1;
    }
    let remaining: Vec<String> = tokens
        .iter()
        .filter(|t| match budget.get_mut(t.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect();
    detect(&remaining)
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

    #[test]
    fn title_words_are_not_cues() {
        let title = toks(&["bantu", "hukum", "masyarakat", "miskin"]);
        assert_eq!(detect_for_title(&toks(&["bantu", "hukum", "miskin"]), &title), None);
        assert_eq!(
            detect_for_title(&toks(&["hukum", "bantu", "hukum"]), &title),
            Some(Aspect::LegalBasis)
        );
        assert_eq!(
            detect_for_title(&toks(&["syarat", "bantu", "hukum"]), &title),
            Some(Aspect::Requirements)
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
            Aspect::Overview,
        ] {
            assert_eq!(Aspect::parse(a.as_str()), Some(a));
        }
        assert!(!CUES.is_empty());
    }
}
