//! `Catalog`: the answer engine plus the short keys buttons need on every channel.
//!
//! Service ids (`003_5e30365896fb6814:surat-keterangan-ahli-waris`) are too long for a Telegram
//! button's 64-byte `callback_data` (and long for a WhatsApp reply id), and positions in the corpus change when a decree is added. Each
//! service and agency therefore gets a short key: the first hex digits of the SHA-256 of its id
//! (or name), stable across restarts and re-ingests; a collision is detected at build time and
//! resolved by lengthening every key.

use std::collections::HashMap;

use loket_knowledge::answer::Engine;
use loket_knowledge::document::{ServiceId, ServiceStandard};
use sha2::{Digest, Sha256};

/// The catalog as `loket serve` holds it: swapped whole after a reindex; every update takes
/// one snapshot (see `schema`).
pub type CatalogHandle = crate::live::Live<Catalog>;

/// One agency and its services (positions in the engine's corpus), in corpus order.
#[derive(Debug, Clone)]
pub(crate) struct Agency {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) services: Vec<usize>,
}

/// A regency or city as the decrees name it ("Kabupaten Pasuruan", from the letterhead or the
/// agency's name; see `loket standards --json`), with the agencies of its decrees (positions in
/// [`Catalog::agencies`]): what a citizen subscribes to for every agency of one place.
#[derive(Debug, Clone)]
pub(crate) struct Regency {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) agencies: Vec<usize>,
}

pub struct Catalog {
    engine: Engine,
    service_keys: Vec<String>,
    by_key: HashMap<String, usize>,
    agencies: Vec<Agency>,
    regencies: Vec<Regency>,
}

fn short_keys(names: &[&str]) -> Vec<String> {
    for len in [8, 12, 16, 64] {
        let keys: Vec<String> = names
            .iter()
            .map(|n| hex::encode(Sha256::digest(n.as_bytes()))[..len].to_owned())
            .collect();
        let mut unique = keys.clone();
        unique.sort();
        unique.dedup();
        let distinct_names = {
            let mut n = names.to_vec();
            n.sort();
            n.dedup();
            n.len()
        };
        if unique.len() == distinct_names {
            return keys;
        }
    }
    names
        .iter()
        .map(|n| hex::encode(Sha256::digest(n.as_bytes())))
        .collect()
}

impl Catalog {
    pub fn new(engine: Engine) -> Self {
        let ids: Vec<&str> = engine.services().iter().map(|s| s.id.as_str()).collect();
        let service_keys = short_keys(&ids);
        let by_key = service_keys.iter().enumerate().map(|(i, k)| (k.clone(), i)).collect();
        let mut agencies: Vec<Agency> = Vec::new();
        for (position, service) in engine.services().iter().enumerate() {
            match agencies.iter_mut().find(|a| a.name == service.agency) {
                Some(agency) => agency.services.push(position),
                None => agencies.push(Agency {
                    key: String::new(),
                    name: service.agency.clone(),
                    services: vec![position],
                }),
            }
        }
        let names: Vec<&str> = agencies.iter().map(|a| a.name.as_str()).collect();
        let keys = short_keys(&names);
        for (agency, key) in agencies.iter_mut().zip(keys) {
            agency.key = key;
        }
        let mut regencies: Vec<Regency> = Vec::new();
        for (position, agency) in agencies.iter().enumerate() {
            let services = engine.services();
            let named = agency.services.iter().find_map(|&p| services[p].regency.as_deref());
            let Some(name) = named else { continue };
            match regencies.iter_mut().find(|r| r.name == name) {
                Some(regency) => regency.agencies.push(position),
                None => regencies.push(Regency {
                    key: String::new(),
                    name: name.to_owned(),
                    agencies: vec![position],
                }),
            }
        }
        let names: Vec<&str> = regencies.iter().map(|r| r.name.as_str()).collect();
        let keys = short_keys(&names);
        for (regency, key) in regencies.iter_mut().zip(keys) {
            regency.key = key;
        }
        Self {
            engine,
            service_keys,
            by_key,
            agencies,
            regencies,
        }
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn service_key(&self, id: &str) -> Option<&str> {
        let position = self.engine.services().iter().position(|s| s.id.as_str() == id)?;
        Some(&self.service_keys[position])
    }

    pub(crate) fn key_of_position(&self, position: usize) -> &str {
        &self.service_keys[position]
    }

    pub(crate) fn service_by_key(&self, key: &str) -> Option<&ServiceStandard> {
        self.by_key.get(key).map(|&i| &self.engine.services()[i])
    }

    pub(crate) fn service(&self, id: &str) -> Option<&ServiceStandard> {
        self.engine.service(&ServiceId(id.to_owned()))
    }

    pub(crate) fn agencies(&self) -> &[Agency] {
        &self.agencies
    }

    pub(crate) fn agency_by_key(&self, key: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.key == key)
    }

    /// The regencies and cities the decrees name, in corpus order.
    pub(crate) fn regencies(&self) -> &[Regency] {
        &self.regencies
    }

    pub(crate) fn regency_by_key(&self, key: &str) -> Option<&Regency> {
        self.regencies.iter().find(|r| r.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_stable_and_distinct() {
        let keys = short_keys(&["a:b", "a:c", "x"]);
        assert_eq!(keys.len(), 3);
        assert!(keys.iter().all(|k| k.len() == 8));
        assert_eq!(keys, short_keys(&["a:b", "a:c", "x"]));
        assert_ne!(keys[0], keys[1]);
    }

    #[test]
    fn every_service_of_the_corpus_has_a_key_that_leads_back() {
        let catalog = crate::telegram::tests::catalog();
        for service in catalog.engine().services() {
            let key = catalog.service_key(service.id.as_str()).unwrap();
            assert_eq!(catalog.service_by_key(key).unwrap().id, service.id);
        }
        let total: usize = catalog.agencies().iter().map(|a| a.services.len()).sum();
        assert_eq!(total, catalog.engine().services().len());
    }

    #[test]
    fn regencies_are_the_ones_the_decrees_name_with_their_agencies() {
        let catalog = crate::telegram::tests::catalog();
        let services = catalog.engine().services();
        let named: std::collections::BTreeSet<&str> = services.iter().filter_map(|s| s.regency.as_deref()).collect();
        let listed: std::collections::BTreeSet<&str> = catalog.regencies().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(listed, named);
        assert!(!listed.is_empty(), "the shipped decrees name a regency");
        for regency in catalog.regencies() {
            assert_eq!(catalog.regency_by_key(&regency.key).unwrap().name, regency.name);
            for &a in &regency.agencies {
                let agency = &catalog.agencies()[a];
                assert!(
                    agency
                        .services
                        .iter()
                        .any(|&p| services[p].regency.as_deref() == Some(regency.name.as_str())),
                    "{} is not in {}",
                    agency.name,
                    regency.name
                );
            }
        }
    }
}
