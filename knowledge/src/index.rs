//! The tantivy index of services: where a question's words find candidate services.
//!
//! One document per service, in service order (a single segment written by one thread, so
//! a document id is the service's position), with three text fields analysed by the
//! Indonesian analyzer ([`crate::analysis::ANALYZER`]): `name` (title), `key` (product,
//! unit, agency) and `body` (requirements and procedure). Queries arrive already analysed
//! (the engine rewrites, corrects and analyses the question once), so they are built from
//! term queries directly, with per-field boosts, and scored by BM25.

use crate::analysis;
use crate::document::{ComponentKind, ServiceStandard};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, STORED, Schema, TextFieldIndexing, TextOptions, Value};
use tantivy::{Index, IndexReader, Searcher, TantivyDocument, Term, doc};

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
}

impl SearchIndex {
    /// Indexes services in memory (well under a second for hundreds of services).
    /// `aliases[i]` holds extra name words for service `i` (acronyms of its title).
    pub fn build(services: &[ServiceStandard], aliases: &[String]) -> tantivy::Result<Self> {
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
            let key_text: Vec<&str> = component(ComponentKind::Product)
                .chain([service.unit.as_str(), service.agency.as_str()])
                .collect();
            let body_text: Vec<&str> = component(ComponentKind::Requirements)
                .chain(component(ComponentKind::Procedure))
                .collect();
            writer.add_document(doc!(
                name => format!("{} {}", service.title, aliases.get(position).map_or("", String::as_str)),
                key => key_text.join("\n"),
                body => body_text.join("\n"),
                id => service.id.as_str(),
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        let searcher = reader.searcher();
        Ok(Self {
            _index: index,
            _reader: reader,
            searcher,
            name,
            key,
            body,
            id,
        })
    }

    /// The best services for analysed query tokens, each with its own weight, as
    /// (service position, BM25 score), best first.
    pub fn search(&self, tokens: &[(String, f32)], limit: usize) -> Vec<(usize, f32)> {
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
