//! The history of each decree file: what the administrator's "standards versions" page reads.
//!
//! `service_versions` keeps every service's versions, but not the decree they came in (its
//! number and agency, which services changed together). Every ingest that adds, changes or
//! removes a service of a decree file also writes one `decree_versions` row for that file
//! (migration 0017), in the same transaction as the service versions (`standards.rs` calls
//! [`next_version`] and [`insert_decree_version!`]): the file's next version number, the counts,
//! the decree's own [`StandardsDiff`] (computed by `loket_knowledge::diff`, never here) and the
//! parsed [`Document`] before and after.
//!
//! The old document is the previous row's new one, exactly as it was parsed then. A decree with
//! no row yet but with stored services (a database from before 0017) gets its old document
//! rebuilt from the stored content of its changed and removed services and the unchanged ones
//! (whose content is, by their fingerprints, the same as now); it has no decree number.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use loket_knowledge::diff::{StandardsDiff, diff_services};
use loket_knowledge::document::{Document, ServiceStandard};

use super::{Store, StoreError, on_pool};

/// Binds `$1` source; one row `(version, new_document)` of its latest version, if any.
pub(crate) const SELECT_PREVIOUS: &str =
    "SELECT version, new_document FROM decree_versions WHERE source = $1 ORDER BY version DESC LIMIT 1";

/// One version of a decree file, without its documents (the list page).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, sqlx::FromRow)]
pub struct DecreeVersionSummary {
    pub id: i64,
    /// The decree file, e.g. `003_5e30365896fb6814.txt`.
    pub source: String,
    /// 1, 2, ... per file.
    pub version: i32,
    pub ingest_id: i64,
    /// The issuing agency, when the decree (or its services) names it.
    pub agency: Option<String>,
    /// The decree's number (`060/20/424.302/2023`), when stated.
    pub decree: Option<String>,
    pub added: i64,
    pub removed: i64,
    pub changed: i64,
    /// When it was indexed (unix seconds).
    pub created_at: i64,
    /// The file was new in this version (nothing before it).
    pub is_new: bool,
    /// The file was gone in this version (every service removed with it).
    pub is_gone: bool,
}

/// One version of a decree file with its diff and both parsed documents (the detail page).
#[derive(Debug, Clone, PartialEq)]
pub struct DecreeVersion {
    pub summary: DecreeVersionSummary,
    pub diff: StandardsDiff,
    /// The decree as parsed before this version; `None` when it was new.
    pub old: Option<Document>,
    /// The decree as parsed in this version; `None` when its file was gone.
    pub new: Option<Document>,
}

impl DecreeVersion {
    /// The service `id` before this version, if the old document has it.
    pub fn old_service(&self, id: &str) -> Option<&ServiceStandard> {
        self.old.as_ref()?.services.iter().find(|s| s.id.as_str() == id)
    }

    /// The service `id` in this version, if the new document has it.
    pub fn new_service(&self, id: &str) -> Option<&ServiceStandard> {
        self.new.as_ref()?.services.iter().find(|s| s.id.as_str() == id)
    }
}

const SUMMARY_COLUMNS: &str = "id, source, version, ingest_id, agency, decree, added, removed, changed, created_at,
     old_document IS NULL AS is_new, new_document IS NULL AS is_gone";

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: DecreeVersionSummary,
    diff: String,
    old_document: Option<String>,
    new_document: Option<String>,
}

/// A decree version about to be written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewDecreeVersion {
    pub(crate) source: String,
    pub(crate) version: i32,
    pub(crate) agency: Option<String>,
    pub(crate) decree: Option<String>,
    pub(crate) diff: StandardsDiff,
    pub(crate) old: Option<Document>,
    pub(crate) new: Option<Document>,
}

/// The next version of `source` in an ingest of `documents`, or `None` when its services are
/// the same as before. `previous` is its latest stored `(version, new_document)`; `old_by_id`
/// the stored content of the ingest's changed and removed services; `added` the ids of its new
/// services. Pure.
pub(crate) fn next_version(
    source: &str,
    previous: Option<(i32, Option<String>)>,
    documents: &[Document],
    old_by_id: &HashMap<String, ServiceStandard>,
    added: &HashSet<&str>,
) -> anyhow::Result<Option<NewDecreeVersion>> {
    let new = documents.iter().find(|d| d.source == source).cloned();
    let (version, old) = match previous {
        Some((version, Some(json))) => (
            version + 1,
            Some(
                serde_json::from_str::<Document>(&json)
                    .with_context(|| format!("unreadable stored document of {source}"))?,
            ),
        ),
        Some((version, None)) => (version + 1, None),
        None => (1, rebuilt_old(source, new.as_ref(), old_by_id, added)),
    };
    let services = |d: &Option<Document>| d.as_ref().map(|d| d.services.clone()).unwrap_or_default();
    let diff = diff_services(&services(&old), &services(&new));
    if diff.is_empty() {
        return Ok(None);
    }
    let either = || new.iter().chain(old.iter());
    let agency = either()
        .find_map(|d| d.agency.clone())
        .or_else(|| either().flat_map(|d| &d.services).map(|s| s.agency.clone()).next());
    let decree = either().find_map(|d| d.decree.as_ref().map(|d| d.number.clone()));
    Ok(Some(NewDecreeVersion {
        source: source.to_owned(),
        version,
        agency,
        decree,
        diff,
        old,
        new,
    }))
}

/// The decree as stored before this ingest, from its services (see the module docs); `None`
/// when none of its services was stored.
fn rebuilt_old(
    source: &str,
    new: Option<&Document>,
    old_by_id: &HashMap<String, ServiceStandard>,
    added: &HashSet<&str>,
) -> Option<Document> {
    let mut services: Vec<ServiceStandard> = new
        .map(|d| d.services.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|s| !added.contains(s.id.as_str()))
        .map(|s| old_by_id.get(s.id.as_str()).unwrap_or(s).clone())
        .collect();
    let mut gone: Vec<&ServiceStandard> = old_by_id
        .values()
        .filter(|s| s.source == source && !services.iter().any(|kept| kept.id == s.id))
        .collect();
    gone.sort_by(|a, b| (a.lines.start, &a.id).cmp(&(b.lines.start, &b.id)));
    services.extend(gone.into_iter().cloned());
    let first = services.first()?;
    Some(Document {
        source: source.to_owned(),
        agency: Some(first.agency.clone()),
        decree: None,
        services,
        warnings: Vec::new(),
    })
}

/// Inserts a [`NewDecreeVersion`] on `$exec` for ingest `$ingest_id`; evaluates to
/// `anyhow::Result<()>`.
macro_rules! insert_decree_version {
    ($exec:expr, $version:expr, $ingest_id:expr, $now:expr $(,)?) => {{
        let v: &$crate::storage::decree_versions::NewDecreeVersion = $version;
        let json = |what: &str, value: Result<String, serde_json::Error>| {
            value.with_context(|| format!("cannot serialise the {what} of {}", v.source))
        };
        let diff = json("diff", serde_json::to_string(&v.diff))?;
        let old = v
            .old
            .as_ref()
            .map(|d| json("old document", serde_json::to_string(d)))
            .transpose()?;
        let new = v
            .new
            .as_ref()
            .map(|d| json("new document", serde_json::to_string(d)))
            .transpose()?;
        sqlx::query(
            "INSERT INTO decree_versions (source, version, ingest_id, agency, decree, added, removed, changed,
                                          diff, old_document, new_document, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&v.source)
        .bind(v.version)
        .bind($ingest_id)
        .bind(v.agency.as_deref())
        .bind(v.decree.as_deref())
        .bind(v.diff.added.len() as i64)
        .bind(v.diff.removed.len() as i64)
        .bind(v.diff.changed.len() as i64)
        .bind(diff)
        .bind(old)
        .bind(new)
        .bind($now)
        .execute($exec)
        .await
        .map(|_| ())
        .with_context(|| format!("cannot store version {} of {}", v.version, v.source))
    }};
}
pub(crate) use insert_decree_version;

impl Store {
    /// Decree versions, newest first: at most `limit`, with an id below `before` when given.
    pub async fn decree_versions(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<DecreeVersionSummary>, StoreError> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM decree_versions WHERE id < $1 ORDER BY id DESC LIMIT $2");
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, DecreeVersionSummary>(sqlx::AssertSqlSafe(sql))
                .bind(before.unwrap_or(i64::MAX))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .context("cannot list decree versions")?
        }))
    }

    /// Every version of one decree file, newest first.
    pub async fn decree_history(&self, source: &str) -> Result<Vec<DecreeVersionSummary>, StoreError> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM decree_versions WHERE source = $1 ORDER BY version DESC");
        Ok(on_pool!(self, |pool| {
            sqlx::query_as::<_, DecreeVersionSummary>(sqlx::AssertSqlSafe(sql))
                .bind(source)
                .fetch_all(pool)
                .await
                .context("cannot read a decree's versions")?
        }))
    }

    /// One decree version with its diff and documents.
    pub async fn decree_version(&self, id: i64) -> Result<Option<DecreeVersion>, StoreError> {
        let sql =
            format!("SELECT {SUMMARY_COLUMNS}, diff, old_document, new_document FROM decree_versions WHERE id = $1");
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, DetailRow>(sqlx::AssertSqlSafe(sql))
                .bind(id)
                .fetch_optional(pool)
                .await
                .context("cannot read a decree version")?
        });
        let Some(row) = row else { return Ok(None) };
        let document = |json: Option<String>| {
            json.map(|j| serde_json::from_str::<Document>(&j))
                .transpose()
                .with_context(|| format!("unreadable document in decree version {id}"))
        };
        Ok(Some(DecreeVersion {
            diff: serde_json::from_str(&row.diff).with_context(|| format!("unreadable diff in decree version {id}"))?,
            old: document(row.old_document)?,
            new: document(row.new_document)?,
            summary: row.summary,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::standards::tests::{AGENCY, corpus, document, service};
    use crate::storage::testing::{TestDb, both_backends};
    use loket_knowledge::document::{ComponentKind, Decree};

    const OTHER: &str = "Kecamatan Bangil Kabupaten Pasuruan";

    /// The Beji corpus with its decree number, and a second decree of another agency.
    fn two_decrees(ahli_waris_fee: &str) -> Vec<Document> {
        let mut docs = corpus(ahli_waris_fee);
        docs[0].decree = Some(Decree {
            number: "060/20/424.302/2023".into(),
            year: Some(2023),
            line: 3,
        });
        docs.push(document(
            "007_bangil.txt",
            OTHER,
            vec![service("007_bangil.txt", OTHER, "Surat Pindah", "Gratis", "KTP")],
        ));
        docs
    }

    async fn the_first_ingest_records_version_1_of_every_decree(db: TestDb) {
        db.store.record_ingest(&two_decrees("Gratis")).await.unwrap();
        let list = db.store.decree_versions(None, 50).await.unwrap();
        let mut seen: Vec<_> = list
            .iter()
            .map(|v| (v.source.as_str(), v.version, v.added, v.is_new, v.is_gone))
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                ("003_beji.txt", 1, 2, true, false),
                ("007_bangil.txt", 1, 1, true, false)
            ]
        );
        let beji = list.iter().find(|v| v.source == "003_beji.txt").unwrap();
        assert_eq!(beji.decree.as_deref(), Some("060/20/424.302/2023"));
        assert_eq!(beji.agency.as_deref(), Some(AGENCY));
        let detail = db.store.decree_version(beji.id).await.unwrap().unwrap();
        assert_eq!(detail.old, None);
        assert_eq!(detail.new.as_ref().unwrap().services.len(), 2);
        assert_eq!(detail.diff.added.len(), 2);
    }

    async fn a_changed_fee_is_a_new_version_of_that_decree_alone_with_both_documents(db: TestDb) {
        db.store.record_ingest(&two_decrees("Gratis")).await.unwrap();
        let outcome = db.store.record_ingest(&two_decrees("Rp 10.000")).await.unwrap();
        let list = db.store.decree_versions(None, 50).await.unwrap();
        assert_eq!(list.len(), 3, "only the Beji decree changed: {list:?}");
        let newest = &list[0];
        assert_eq!(
            (
                newest.source.as_str(),
                newest.version,
                newest.changed,
                newest.added,
                newest.removed
            ),
            ("003_beji.txt", 2, 1, 0, 0)
        );
        assert_eq!(Some(newest.ingest_id), outcome.ingest_id);
        assert!(!newest.is_new && !newest.is_gone);
        let detail = db.store.decree_version(newest.id).await.unwrap().unwrap();
        let change = &detail.diff.changed[0];
        assert_eq!(change.components[0].kind, ComponentKind::Fee);
        let id = change.id.as_str();
        let fee = |s: Option<&ServiceStandard>| s.and_then(|s| s.component(ComponentKind::Fee)).unwrap().text.clone();
        assert_eq!(fee(detail.old_service(id)), "Gratis");
        assert_eq!(fee(detail.new_service(id)), "Rp 10.000");
        assert_eq!(
            detail.old.as_ref().unwrap().decree.as_ref().unwrap().number,
            "060/20/424.302/2023",
            "the old document is the one parsed before, decree number included"
        );
        // History of the file and paging.
        let history = db.store.decree_history("003_beji.txt").await.unwrap();
        assert_eq!(history.iter().map(|v| v.version).collect::<Vec<_>>(), [2, 1]);
        let older = db.store.decree_versions(Some(newest.id), 50).await.unwrap();
        assert_eq!(older.len(), 2);
        assert!(older.iter().all(|v| v.id < newest.id));
        assert_eq!(db.store.decree_versions(None, 1).await.unwrap(), vec![newest.clone()]);
        // The ingest's announcement is found from the version.
        let announcements = db.store.announcements_of_ingest(newest.ingest_id).await.unwrap();
        assert_eq!(announcements.len(), 1);
        assert_eq!(announcements[0].agency.as_deref(), Some(AGENCY));
        // Nothing changed: no new version.
        db.store.record_ingest(&two_decrees("Rp 10.000")).await.unwrap();
        assert_eq!(db.store.decree_versions(None, 50).await.unwrap().len(), 3);
    }

    async fn a_decree_file_that_is_gone_records_a_version_without_a_new_document(db: TestDb) {
        db.store.record_ingest(&two_decrees("Gratis")).await.unwrap();
        let mut fewer = two_decrees("Gratis");
        fewer.pop();
        db.store.record_ingest(&fewer).await.unwrap();
        let newest = db.store.decree_versions(None, 1).await.unwrap().remove(0);
        assert_eq!(
            (newest.source.as_str(), newest.version, newest.removed, newest.is_gone),
            ("007_bangil.txt", 2, 1, true)
        );
        assert_eq!(newest.agency.as_deref(), Some(OTHER));
        let detail = db.store.decree_version(newest.id).await.unwrap().unwrap();
        assert_eq!(detail.new, None);
        assert_eq!(detail.diff.removed[0].title, "Surat Pindah");
        // It comes back: a version with the old document empty again.
        db.store.record_ingest(&two_decrees("Gratis")).await.unwrap();
        let back = db.store.decree_versions(None, 1).await.unwrap().remove(0);
        assert_eq!((back.version, back.added, back.is_new), (3, 1, true));
    }

    async fn a_database_from_before_the_history_rebuilds_the_old_document(db: TestDb) {
        db.store.record_ingest(&two_decrees("Gratis")).await.unwrap();
        // As if these ingests ran before migration 0017.
        on_pool!(db.store, |pool| {
            sqlx::query("DELETE FROM decree_versions").execute(pool).await.unwrap();
        });
        let mut changed = two_decrees("Rp 5.000");
        changed[0].services[1].components[0].text = "KTP\nSurat pengantar RT".into();
        changed[0].services.push(service(
            "003_beji.txt",
            AGENCY,
            "Surat Keterangan Usaha",
            "Gratis",
            "KTP",
        ));
        db.store.record_ingest(&changed).await.unwrap();
        let list = db.store.decree_versions(None, 50).await.unwrap();
        assert_eq!(list.len(), 1, "{list:?}");
        let v = &list[0];
        assert_eq!(
            (v.version, v.added, v.changed, v.removed, v.is_new),
            (1, 1, 2, 0, false)
        );
        let detail = db.store.decree_version(v.id).await.unwrap().unwrap();
        let old = detail.old.as_ref().unwrap();
        assert_eq!(
            old.services.iter().map(|s| s.title.as_str()).collect::<Vec<_>>(),
            ["Surat Keterangan Ahli Waris", "Surat Keterangan Domisili"],
            "the new service was not there before"
        );
        assert_eq!(old.services[0].fee.as_ref().unwrap().raw, "Gratis");
        assert_eq!(old.services[1].components[0].text, "KTP");
        assert_eq!(old.decree, None, "no decree number was stored then");
    }

    #[test]
    fn an_unchanged_decree_gets_no_version() {
        let docs = corpus("Gratis");
        let stored = serde_json::to_string(&docs[0]).unwrap();
        let none = next_version(
            "003_beji.txt",
            Some((4, Some(stored))),
            &docs,
            &HashMap::new(),
            &HashSet::new(),
        );
        assert_eq!(none.unwrap(), None);
        let mut edited = corpus("Gratis");
        edited[0].services[0].components[0].text = "KTP\nKK\nAkta kematian".into();
        let stored = serde_json::to_string(&docs[0]).unwrap();
        let next = next_version(
            "003_beji.txt",
            Some((4, Some(stored))),
            &edited,
            &HashMap::new(),
            &HashSet::new(),
        )
        .unwrap()
        .unwrap();
        assert_eq!((next.version, next.diff.changed.len()), (5, 1));
    }

    both_backends!(
        the_first_ingest_records_version_1_of_every_decree,
        a_changed_fee_is_a_new_version_of_that_decree_alone_with_both_documents,
        a_decree_file_that_is_gone_records_a_version_without_a_new_document,
        a_database_from_before_the_history_rebuilds_the_old_document,
    );
}
