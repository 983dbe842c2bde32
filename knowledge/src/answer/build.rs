//! The per-service part of [`Engine::build_with_aliases`](super::Engine::build_with_aliases):
//! the extra index words of one service and the analysis of its name, body and components.
//!
//! It is most of the engine build and each service's analysis is independent of the others,
//! so the build runs it in parallel ([`crate::parallel::map`]) over blocks of services and
//! merges the results in service order. The merge (document frequencies, component term ids)
//! stays sequential, so the engine is exactly the one a single loop builds.

use super::{aliases_for, bigram};
use crate::aliases::Aliases;
use crate::analysis::{analyze, surface_words};
use crate::aspect::{self, Aspect};
use crate::document::{ComponentKind, ServiceStandard};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// Services analysed in parallel before their results are merged: enough to keep every core
/// busy, few enough that the surface words of the block take little memory.
pub(super) const BLOCK: usize = 256;

/// One service's analysed words, before they are counted into the corpus tables.
pub(super) struct Analysed {
    pub(super) title: Vec<String>,
    pub(super) name: HashSet<String>,
    pub(super) bigrams: HashSet<u64>,
    pub(super) agency: HashSet<String>,
    /// Analysed words of all components ([`TermSet`] once numbered).
    pub(super) body: HashSet<String>,
    /// Unstemmed words of the name and body, for the spelling vocabulary.
    pub(super) surface: HashSet<String>,
    /// Unstemmed words of the name (title, product, unit, agency).
    pub(super) name_surface: HashSet<String>,
    /// For each component that answers an aspect, its analysed words in text order.
    pub(super) components: Vec<(Aspect, Vec<String>)>,
}

/// The extra words the tantivy index gets for one service ([`crate::index::SearchIndex::build`]):
/// acronyms of its title and product, its deployment aliases (`extra`), and the short forms
/// the decrees give for its title, since a short form a decree uses in a title ("Pemrosesan
/// KARPEG") also names the service by its long form, and the other way round; then the
/// acronyms of its unit and agency.
pub(super) fn index_aliases(service: &ServiceStandard, extra: &str, derived: &Aliases) -> (String, String) {
    let product = service
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Product)
        .map(|c| c.text.as_str());
    let name = aliases_for(
        &std::iter::once(service.title.as_str())
            .chain(product)
            .collect::<Vec<_>>()
            .join("\n"),
    );
    (
        format!("{name} {}{extra}", derived.name_forms(&service.title)),
        aliases_for(&format!("{}\n{}", service.unit, service.agency)),
    )
}

/// A service's analysed body words (requirements, procedure, every component) as ids into
/// one vocabulary all services share. The body is most of a service's words: as a set of
/// strings per service it took about 180 MB at 10,000 services, as sorted ids it takes 6 MB.
#[derive(Default)]
pub(super) struct TermSet {
    /// Sorted, distinct.
    ids: Box<[u32]>,
    vocabulary: Arc<HashMap<String, u32>>,
}

impl TermSet {
    /// The set of `ids` (from [`term_ids`], sorted and distinct) in `vocabulary`.
    pub(super) fn new(ids: Box<[u32]>, vocabulary: &Arc<HashMap<String, u32>>) -> Self {
        debug_assert!(ids.windows(2).all(|w| w[0] < w[1]));
        Self {
            ids,
            vocabulary: Arc::clone(vocabulary),
        }
    }

    /// Whether the service's body has the analysed word `term`.
    pub(super) fn contains(&self, term: &str) -> bool {
        self.has(self.id(term))
    }

    /// The id of `term` in the vocabulary all services share: look a question's word up once,
    /// then ask every candidate with [`TermSet::has`].
    pub(super) fn id(&self, term: &str) -> Option<u32> {
        self.vocabulary.get(term).copied()
    }

    /// Whether the service's body has the word of this id.
    pub(super) fn has(&self, id: Option<u32>) -> bool {
        id.is_some_and(|id| self.ids.binary_search(&id).is_ok())
    }
}

/// The ids of `words` in `vocabulary` (new words get the next id), sorted.
pub(super) fn term_ids(words: HashSet<String>, vocabulary: &mut HashMap<String, u32>) -> Box<[u32]> {
    let mut ids: Vec<u32> = words
        .into_iter()
        .map(|word| {
            let next = vocabulary.len() as u32;
            *vocabulary.entry(word).or_insert(next)
        })
        .collect();
    ids.sort_unstable();
    ids.into_boxed_slice()
}

/// Analyses one service; `extra` is its deployment alias text.
pub(super) fn analyse(service: &ServiceStandard, extra: &str, derived: &Aliases) -> Analysed {
    let texts_of = |kinds: &[ComponentKind]| -> String {
        service
            .components
            .iter()
            .filter(|c| kinds.contains(&c.kind))
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let name_text = format!(
        "{}\n{}\n{}\n{}{extra}",
        service.title,
        texts_of(&[ComponentKind::Product]),
        service.unit,
        service.agency
    );
    let body_text: String = service
        .components
        .iter()
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let aliases = format!(
        "{}\n{}",
        aliases_for(&format!("{}\n{}", service.title, texts_of(&[ComponentKind::Product]))),
        derived.name_forms(&service.title)
    );
    let agency_aliases = aliases_for(&format!("{}\n{}", service.unit, service.agency));
    // The title with its own acronyms expanded (or long forms abbreviated), not the
    // product's: "Pemrosesan KARPEG" is also "kartu pegawai".
    let title: Vec<String> = analyze(&format!("{} {}", service.title, aliases_for(&service.title)));
    let name_tokens = analyze(&format!("{name_text}\n{aliases}\n{agency_aliases}"));
    let bigrams: HashSet<u64> = name_tokens.windows(2).map(|w| bigram(&w[0], &w[1])).collect();
    let name: HashSet<String> = name_tokens.into_iter().collect();
    let agency: HashSet<String> = analyze(&format!("{}\n{}\n{agency_aliases}", service.unit, service.agency))
        .into_iter()
        .collect();
    let body: HashSet<String> = analyze(&body_text).into_iter().collect();
    let name_surface: HashSet<String> = surface_words(&name_text).into_iter().collect();
    let mut surface: HashSet<String> = surface_words(&body_text).into_iter().collect();
    surface.extend(name_surface.iter().cloned());
    let components = service
        .components
        .iter()
        .filter_map(|c| Some((aspect::of_component(c.kind)?, analyze(&c.text))))
        .collect();
    Analysed {
        title,
        name,
        bigrams,
        agency,
        body,
        surface,
        name_surface,
        components,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_sets_share_one_vocabulary() {
        let mut vocabulary = HashMap::default();
        let words = |list: &[&str]| list.iter().map(|w| (*w).to_owned()).collect::<HashSet<String>>();
        let first = term_ids(words(&["syarat", "ktp", "surat"]), &mut vocabulary);
        let second = term_ids(words(&["surat", "waris"]), &mut vocabulary);
        assert_eq!(vocabulary.len(), 4);
        let vocabulary = Arc::new(vocabulary);
        let (first, second) = (TermSet::new(first, &vocabulary), TermSet::new(second, &vocabulary));
        assert!(first.contains("ktp") && first.contains("surat") && !first.contains("waris"));
        assert!(second.contains("waris") && second.contains("surat") && !second.contains("ktp"));
        assert!(!first.contains("unknown") && !TermSet::default().contains("surat"));
    }
}
