//! The tantivy index of services: where a question's words find candidate services.
//!
//! One document per service, in service order (a single segment written by one thread, so
//! a document id is the service's position), with three text fields analysed by the
//! Indonesian analyzer ([`crate::analysis::ANALYZER`]): `name` (title), `key` (product,
//! unit, agency) and `body` (requirements and procedure).
//!
//! Answers must take microseconds, and a corpus of standards is small (hundreds of
//! services), so after building the index we read its postings and field norms once and
//! precompute every term's BM25 contribution per service (boosted per field) into a sparse
//! table. A query then sums a few short vectors: the same scores tantivy's own term queries
//! give ([`SearchIndex::search_with_tantivy`] keeps that path for checking), without
//! building a query, weights and scorers per question.

use crate::analysis;
use crate::document::{ComponentKind, ServiceStandard};
use rustc_hash::FxHashMap as HashMap;
use tantivy::collector::TopDocs;
use tantivy::postings::Postings;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::{DocSet, Index, IndexReader, Searcher, TERMINATED, TantivyDocument, Term, doc};

/// BM25 parameters, as tantivy uses them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// Field boosts: the service's name matters most, its product/unit next, its requirements
/// and procedure text least (they share much vocabulary across services).
const NAME_BOOST: f32 = 3.0;
const KEY_BOOST: f32 = 1.0;
const BODY_BOOST: f32 = 0.25;

/// A built, searchable index of services.
pub struct SearchIndex {
    _index: Index,
    _reader: IndexReader,
    searcher: Searcher,
    name: Field,
    key: Field,
    body: Field,
    id: Field,
    /// Term -> (service position, boosted BM25 score summed over the fields).
    scores: HashMap<String, Vec<(u32, f32)>>,
    services: usize,
}

impl SearchIndex {
    /// Indexes services in memory (well under a second for hundreds of services).
    /// `aliases[i]` holds extra words for service `i`: acronyms of its title (indexed with
    /// the name) and of its unit/agency (indexed with the key field).
    pub fn build(services: &[ServiceStandard], aliases: &[(String, String)]) -> tantivy::Result<Self> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analysis::ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let name = schema.add_text_field("name", text.clone());
        let key = schema.add_text_field("key", text.clone());
        let body = schema.add_text_field("body", text);
        let id = schema.add_text_field("id", STORED);
        let index = Index::create_in_ram(schema.build());
        analysis::register(index.tokenizers());
        let mut writer = index.writer_with_num_threads(1, 15_000_000)?;
        for (position, service) in services.iter().enumerate() {
            let component = |kind| {
                service
                    .components
                    .iter()
                    .filter(move |c| c.kind == kind)
                    .map(|c| c.text.as_str())
            };
            let key_alias = aliases.get(position).map_or("", |a| a.1.as_str());
            let key_text: Vec<&str> = component(ComponentKind::Product)
                .chain([service.unit.as_str(), service.agency.as_str(), key_alias])
                .collect();
            let body_text: Vec<&str> = component(ComponentKind::Requirements)
                .chain(component(ComponentKind::Procedure))
                .collect();
            writer.add_document(doc!(
                name => format!("{} {}", service.title, aliases.get(position).map_or("", |a| a.0.as_str())),
                key => key_text.join("\n"),
                body => body_text.join("\n"),
                id => service.id.as_str(),
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        let scores = score_table(&searcher, &[(name, NAME_BOOST), (key, KEY_BOOST), (body, BODY_BOOST)])?;
        Ok(Self {
            _index: index,
            _reader: reader,
            searcher,
            name,
            key,
            body,
            id,
            scores,
            services: services.len(),
        })
    }

    /// The best services for analysed query tokens, each with its own weight, as
    /// (service position, BM25 score), best first, from the precomputed score table.
    pub fn search(&self, tokens: &[(String, f32)], limit: usize) -> Vec<(usize, f32)> {
        let mut totals = vec![0.0f32; self.services];
        for (token, weight) in tokens {
            if let Some(postings) = self.scores.get(token) {
                for &(doc, score) in postings {
                    totals[doc as usize] += score * weight;
                }
            }
        }
        let mut hits: Vec<(usize, f32)> = totals.into_iter().enumerate().filter(|(_, s)| *s > 0.0).collect();
        let order = |a: &(usize, f32), b: &(usize, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        // Only the best `limit` need sorting.
        if hits.len() > limit && limit > 0 {
            hits.select_nth_unstable_by(limit - 1, order);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(order);
        hits.truncate(limit);
        hits
    }

    /// The same search through tantivy's query machinery (slower; for tests and checks).
    pub fn search_with_tantivy(&self, tokens: &[(String, f32)], limit: usize) -> Vec<(usize, f32)> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::with_capacity(tokens.len() * 3);
        for (token, weight) in tokens {
            for (field, boost) in [(self.name, NAME_BOOST), (self.key, KEY_BOOST), (self.body, BODY_BOOST)] {
                let term = TermQuery::new(Term::from_field_text(field, token), IndexRecordOption::WithFreqs);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(term), boost * weight))));
            }
        }
        let query = BooleanQuery::new(clauses);
        let hits: Vec<(f32, tantivy::DocAddress)> = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .unwrap_or_default();
        hits.into_iter()
            .map(|(score, address)| (address.doc_id as usize, score))
            .collect()
    }

    /// The stored id of a document (to check that positions match services).
    pub fn stored_id(&self, position: usize) -> Option<String> {
        let address = tantivy::DocAddress::new(0, position as u32);
        let document: TantivyDocument = self.searcher.doc(address).ok()?;
        document.get_first(self.id).and_then(|v| v.as_str().map(str::to_owned))
    }
}

/// Reads every term's postings from the single segment and computes its boosted BM25
/// score per document, summed over the fields.
fn score_table(searcher: &Searcher, fields: &[(Field, f32)]) -> tantivy::Result<HashMap<String, Vec<(u32, f32)>>> {
    let mut table: HashMap<String, HashMap<u32, f32>> = HashMap::default();
    for segment in searcher.segment_readers() {
        let documents = segment.num_docs() as f32;
        for &(field, boost) in fields {
            let inverted = segment.inverted_index(field)?;
            let norms = segment.get_fieldnorms_reader(field)?;
            let average = (inverted.total_num_tokens() as f32 / documents.max(1.0)).max(1.0);
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                let Ok(text) = std::str::from_utf8(terms.key()) else {
                    continue;
                };
                let info = terms.value();
                let df = info.doc_freq as f32;
                let idf = (1.0 + (documents - df + 0.5) / (df + 0.5)).ln();
                let mut postings = inverted.read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
                let entry = table.entry(text.to_owned()).or_default();
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    let tf = postings.term_freq() as f32;
                    let norm = norms.fieldnorm(doc) as f32;
                    let tf_part = tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * norm / average));
                    *entry.entry(doc).or_default() += boost * idf * tf_part;
                    doc = postings.advance();
                }
            }
        }
    }
    Ok(table
        .into_iter()
        .map(|(term, docs)| (term, docs.into_iter().collect()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_dir;

    /// The precomputed table ranks like tantivy's own BM25 term queries.
    #[test]
    fn precomputed_scores_match_tantivy() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("standards");
        let services: Vec<_> = parse_dir(&dir)
            .unwrap()
            .documents
            .into_iter()
            .flat_map(|d| d.services)
            .collect();
        let index = SearchIndex::build(&services, &vec![(String::new(), String::new()); services.len()]).unwrap();
        assert_eq!(index.stored_id(5).as_deref(), Some(services[5].id.as_str()));
        for query in [
            &["waris"][..],
            &["izin", "belajar"],
            &["antar", "skck", "camat"],
            &["syarat", "cuti"],
        ] {
            let tokens: Vec<(String, f32)> = query.iter().map(|t| (t.to_string(), 1.0)).collect();
            let fast = index.search(&tokens, 5);
            let slow = index.search_with_tantivy(&tokens, 5);
            assert_eq!(fast.first().map(|h| h.0), slow.first().map(|h| h.0), "{query:?}");
            for ((_, a), (_, b)) in fast.iter().zip(&slow) {
                assert!((a - b).abs() / b.max(1e-6) < 0.05, "{query:?}: {a} vs {b}");
            }
        }
    }
}
