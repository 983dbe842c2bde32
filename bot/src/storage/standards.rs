//! Versioned service standards: what `loket ingest` stores, and how it tells what changed.
//!
//! Every service of the decrees is kept as a series of versions (`service_versions`, migration
//! 0005): the serialized [`ServiceStandard`] and its [`ServiceFingerprint`] (a content hash per
//! component). [`Store::record_ingest`] compares freshly parsed documents with the latest stored
//! version of each service and, in one transaction, stores a new version only for new and
//! changed services, a `removed` tombstone for services that disappeared, the ingest run with its
//! [`StandardsDiff`], and the announcement drafts of that diff (see `announcements.rs`).
//! Each decree file with a service added, changed or removed also gets a version of its own
//! with its parsed document before and after (`decree_versions.rs`, migration 0017), for the
//! console's standards versions page. Unchanged files store nothing and announce nothing. The first ingest into a database without
//! stored standards is a *baseline*: every service is recorded as version 1, but nothing is
//! announced (subscribers would otherwise get the whole corpus as "new"). The diff's change lines need the old
//! *content*, which is why the whole standard is stored and not only its hashes.

use std::collections::{BTreeSet, HashMap, HashSet};

use anyhow::Context;
use loket_knowledge::diff::{
    FINGERPRINT_VERSION, ServiceFingerprint, StandardsDiff, diff_services, service_fingerprint,
};
use loket_knowledge::document::{Document, ServiceStandard};

use super::announcements::{AnnouncementStatus, NewAnnouncement, insert_announcement};
use super::decree_versions;
use super::{Dialect, Store, StoreError, on_pool};

/// What one ingest found (and, unless it was a dry run, stored).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct IngestOutcome {
    /// The stored run; `None` for a dry run or when nothing changed.
    pub ingest_id: Option<i64>,
    pub new: usize,
    pub changed: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub diff: StandardsDiff,
    /// The first ingest into an empty database: versions recorded, nothing announced.
    pub baseline: bool,
    /// Announcements created by this ingest (one per agency part), in creation order.
    pub announcements: Vec<i64>,
}

impl IngestOutcome {
    /// True when nothing was added, changed or removed.
    pub fn is_unchanged(&self) -> bool {
        self.new == 0 && self.changed == 0 && self.removed == 0
    }
}

/// How an ingest treats the announcements it creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IngestOptions {
    /// Create announcements already approved, with their broadcast tasks (auto-send), instead of
    /// drafts waiting for `loket announcements send`.
    pub auto_approve: bool,
}

/// The latest stored version of one service.
#[derive(Debug, Clone, sqlx::FromRow)]
struct LatestRow {
    service_id: String,
    version: i32,
    fingerprint: String,
    standard: String,
    removed: bool,
}

/// Selects the latest version of every service (tombstones included).
const SELECT_LATEST: &str = "
    SELECT v.service_id, v.version, v.fingerprint, v.standard, v.removed
      FROM service_versions v
     WHERE v.version = (SELECT MAX(w.version) FROM service_versions w WHERE w.service_id = v.service_id)";

const INSERT_VERSION: &str = "
    INSERT INTO service_versions (service_id, version, ingest_id, agency, title, fingerprint, standard,
                                  removed, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// One row to write: a new version, or a tombstone.
struct VersionRow {
    service_id: String,
    version: i32,
    agency: String,
    title: String,
    fingerprint: String,
    standard: String,
    removed: bool,
}

/// The comparison of parsed documents with the stored latest versions; pure.
struct Plan {
    outcome: IngestOutcome,
    rows: Vec<VersionRow>,
    /// The stored content of every changed and removed service, by id (for the decrees' old
    /// documents, see `decree_versions.rs`).
    old_by_id: HashMap<String, ServiceStandard>,
    /// The decree files with a service added, changed or removed, in name order.
    touched: BTreeSet<String>,
}

fn fingerprint_of(row: &LatestRow) -> anyhow::Result<ServiceFingerprint> {
    let stored: ServiceFingerprint = serde_json::from_str(&row.fingerprint)
        .with_context(|| format!("unreadable stored fingerprint of {}", row.service_id))?;
    if stored.version == FINGERPRINT_VERSION {
        return Ok(stored);
    }
    // Hashing rules changed since it was stored: recompute from the stored content, or every
    // service would look changed.
    Ok(service_fingerprint(&standard_of(row)?))
}

fn standard_of(row: &LatestRow) -> anyhow::Result<ServiceStandard> {
    serde_json::from_str(&row.standard).with_context(|| format!("unreadable stored standard of {}", row.service_id))
}

fn plan(latest: Vec<LatestRow>, documents: &[Document]) -> anyhow::Result<Plan> {
    let latest: HashMap<String, LatestRow> = latest.into_iter().map(|r| (r.service_id.clone(), r)).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut outcome = IngestOutcome::default();
    let mut rows = Vec::new();
    let mut old_standards = Vec::new();
    let mut new_standards = Vec::new();
    let mut touched = BTreeSet::new();
    for service in documents.iter().flat_map(|d| &d.services) {
        if !seen.insert(service.id.as_str()) {
            continue; // a duplicate id: the first one stands for it (as in the diff)
        }
        let fingerprint = service_fingerprint(service);
        let previous = latest.get(service.id.as_str());
        let version = match previous {
            None => 1,
            Some(row) => row.version + 1,
        };
        match previous {
            Some(row) if !row.removed => {
                if fingerprint_of(row)?.service == fingerprint.service {
                    outcome.unchanged += 1;
                    continue;
                }
                outcome.changed += 1;
                let old = standard_of(row)?;
                touched.insert(old.source.clone());
                old_standards.push(old);
            }
            _ => outcome.new += 1,
        }
        touched.insert(service.source.clone());
        new_standards.push(service.clone());
        rows.push(VersionRow {
            service_id: service.id.to_string(),
            version,
            agency: service.agency.clone(),
            title: service.title.clone(),
            fingerprint: serde_json::to_string(&fingerprint).context("cannot serialise fingerprint")?,
            standard: serde_json::to_string(service).context("cannot serialise service standard")?,
            removed: false,
        });
    }
    let mut gone: Vec<(ServiceStandard, &LatestRow)> = Vec::new();
    for row in latest
        .values()
        .filter(|r| !r.removed && !seen.contains(r.service_id.as_str()))
    {
        gone.push((standard_of(row)?, row));
    }
    // "Old file order" for the diff: by source file, then position in it.
    gone.sort_by(|(a, _), (b, _)| (&a.source, a.lines.start, &a.id).cmp(&(&b.source, b.lines.start, &b.id)));
    for (standard, row) in gone {
        outcome.removed += 1;
        rows.push(VersionRow {
            service_id: row.service_id.clone(),
            version: row.version + 1,
            agency: standard.agency.clone(),
            title: standard.title.clone(),
            fingerprint: row.fingerprint.clone(),
            standard: row.standard.clone(),
            removed: true,
        });
        touched.insert(standard.source.clone());
        old_standards.push(standard);
    }
    outcome.diff = diff_services(&old_standards, &new_standards);
    let old_by_id = old_standards.into_iter().map(|s| (s.id.to_string(), s)).collect();
    Ok(Plan {
        outcome,
        rows,
        old_by_id,
        touched,
    })
}

/// The regency or city of `agency` as its decrees name it (`None` when they do not, or when the
/// agency has no decree left).
fn regency_of(documents: &[Document], agency: &str) -> Option<String> {
    documents
        .iter()
        .flat_map(|d| &d.services)
        .find(|s| s.agency == agency)
        .and_then(|s| s.regency.clone())
}

impl Store {
    /// Compares `documents` with the stored standards and stores what changed (see the module
    /// docs), creating draft announcements. Nothing is written when nothing changed.
    pub async fn record_ingest(&self, documents: &[Document]) -> Result<IngestOutcome, StoreError> {
        self.record_ingest_with(documents, "", IngestOptions::default()).await
    }

    /// [`record_ingest`](Self::record_ingest) with the source directory to record and options.
    pub async fn record_ingest_with(
        &self,
        documents: &[Document],
        source: &str,
        options: IngestOptions,
    ) -> Result<IngestOutcome, StoreError> {
        let now = self.now();
        let status = if options.auto_approve {
            AnnouncementStatus::Approved
        } else {
            AnnouncementStatus::Draft
        };
        let outcome = on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let latest = sqlx::query_as::<_, LatestRow>(SELECT_LATEST)
                .fetch_all(&mut *tx)
                .await
                .context("cannot read stored standards")?;
            let baseline = latest.is_empty();
            let Plan {
                mut outcome,
                rows,
                old_by_id,
                touched,
            } = plan(latest, documents)?;
            outcome.baseline = baseline;
            if rows.is_empty() {
                tx.rollback().await?;
                return Ok(outcome);
            }
            let diff_json = serde_json::to_string(&outcome.diff).context("cannot serialise diff")?;
            let (ingest_id,): (i64,) = sqlx::query_as(
                "INSERT INTO ingest_runs (source, added, changed, removed, unchanged, diff, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(source)
            .bind(outcome.new as i64)
            .bind(outcome.changed as i64)
            .bind(outcome.removed as i64)
            .bind(outcome.unchanged as i64)
            .bind(&diff_json)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .context("cannot record ingest run")?;
            for row in &rows {
                sqlx::query(INSERT_VERSION)
                    .bind(&row.service_id)
                    .bind(row.version)
                    .bind(ingest_id)
                    .bind(&row.agency)
                    .bind(&row.title)
                    .bind(&row.fingerprint)
                    .bind(&row.standard)
                    .bind(row.removed)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .with_context(|| format!("cannot store a version of {}", row.service_id))?;
            }
            let added: HashSet<&str> = outcome.diff.added.iter().map(|s| s.id.as_str()).collect();
            for source in &touched {
                let previous = sqlx::query_as::<_, (i32, Option<String>)>(decree_versions::SELECT_PREVIOUS)
                    .bind(source)
                    .fetch_optional(&mut *tx)
                    .await
                    .with_context(|| format!("cannot read the previous version of {source}"))?;
                let Some(version) = decree_versions::next_version(source, previous, documents, &old_by_id, &added)?
                else {
                    continue;
                };
                decree_versions::insert_decree_version!(&mut *tx, &version, ingest_id, now)?;
            }
            let announcements = if baseline {
                Vec::new()
            } else {
                loket_knowledge::diff::announcement(&outcome.diff)
            };
            for announcement in announcements {
                let regency = regency_of(documents, &announcement.agency);
                let new = NewAnnouncement::from_diff(ingest_id, &announcement, regency)?;
                let id = insert_announcement!(&mut *tx, &new, status, now)?;
                if options.auto_approve {
                    super::announcements::fan_out!(&mut *tx, id, new.agency.as_deref(), new.regency.as_deref(), now)?;
                }
                outcome.announcements.push(id);
            }
            tx.commit().await?;
            outcome.ingest_id = Some(ingest_id);
            outcome
        });
        Ok(outcome)
    }

    /// What [`record_ingest`](Self::record_ingest) would find, storing nothing (`--dry-run`).
    pub async fn preview_ingest(&self, documents: &[Document]) -> Result<IngestOutcome, StoreError> {
        let latest = on_pool!(self, |pool| {
            sqlx::query_as::<_, LatestRow>(SELECT_LATEST)
                .fetch_all(pool)
                .await
                .context("cannot read stored standards")?
        });
        let baseline = latest.is_empty();
        let mut outcome = plan(latest, documents)?.outcome;
        outcome.baseline = baseline;
        Ok(outcome)
    }

    /// The latest stored version of every service still in the standards, in id order.
    pub async fn current_standards(&self) -> Result<Vec<ServiceStandard>, StoreError> {
        let latest = on_pool!(self, |pool| {
            sqlx::query_as::<_, LatestRow>(SELECT_LATEST)
                .fetch_all(pool)
                .await
                .context("cannot read stored standards")?
        });
        let mut services = latest
            .iter()
            .filter(|r| !r.removed)
            .map(standard_of)
            .collect::<anyhow::Result<Vec<_>>>()?;
        services.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(services)
    }

    /// How many versions of `service_id` are stored (tombstones included).
    pub async fn service_version_count(&self, service_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM service_versions WHERE service_id = $1")
                .bind(service_id)
                .fetch_one(pool)
                .await
                .context("cannot count service versions")?
        });
        Ok(n)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};
    use loket_knowledge::document::{Component, ComponentKind, Fee, LineRange, ServiceId};

    pub(crate) const AGENCY: &str = "Kecamatan Beji Kabupaten Pasuruan";

    fn component(kind: ComponentKind, label: &str, text: &str) -> Component {
        Component {
            kind,
            label: label.into(),
            text: text.into(),
            items: Vec::new(),
            lines: LineRange::line(1),
        }
    }

    pub(crate) fn service(source: &str, agency: &str, title: &str, fee: &str, requirements: &str) -> ServiceStandard {
        let stem = source.trim_end_matches(".txt");
        ServiceStandard {
            id: ServiceId::new(stem, title),
            title: title.into(),
            unit: agency.into(),
            agency: agency.into(),
            // As the parser reads it from an agency's name ("... Kabupaten Pasuruan").
            regency: agency.find("Kabupaten ").map(|at| agency[at..].to_owned()),
            province: None,
            source: source.into(),
            lines: LineRange { start: 1, end: 20 },
            components: vec![
                component(ComponentKind::Requirements, "Persyaratan", requirements),
                component(ComponentKind::Fee, "Biaya / Tarif", fee),
            ],
            duration: None,
            fee: Some(Fee {
                raw: fee.into(),
                rupiah: if fee == "Gratis" { Some(0) } else { None },
            }),
        }
    }

    pub(crate) fn document(source: &str, agency: &str, services: Vec<ServiceStandard>) -> Document {
        Document {
            source: source.into(),
            agency: Some(agency.into()),
            decree: None,
            services,
            warnings: Vec::new(),
        }
    }

    pub(crate) fn corpus(ahli_waris_fee: &str) -> Vec<Document> {
        vec![document(
            "003_beji.txt",
            AGENCY,
            vec![
                service(
                    "003_beji.txt",
                    AGENCY,
                    "Surat Keterangan Ahli Waris",
                    ahli_waris_fee,
                    "KTP\nKK",
                ),
                service("003_beji.txt", AGENCY, "Surat Keterangan Domisili", "Gratis", "KTP"),
            ],
        )]
    }

    /// A first ingest of one unrelated service of [`AGENCY`], so the next ingest is no baseline.
    pub(crate) async fn baseline(store: &Store) {
        let other = service("000_lain.txt", AGENCY, "Layanan Lain", "Gratis", "KTP");
        let outcome = store
            .record_ingest(&[document("000_lain.txt", AGENCY, vec![other])])
            .await
            .unwrap();
        assert!(outcome.baseline && outcome.announcements.is_empty());
    }

    async fn first_ingest_is_a_baseline_stored_but_not_announced(db: TestDb) {
        let preview = db.store.preview_ingest(&corpus("Gratis")).await.unwrap();
        assert!(preview.baseline);
        let outcome = db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        assert_eq!(
            (outcome.new, outcome.changed, outcome.removed, outcome.unchanged),
            (2, 0, 0, 0)
        );
        assert!(outcome.baseline);
        assert!(outcome.announcements.is_empty(), "the baseline announces nothing");
        assert!(db.store.list_announcements(10).await.unwrap().is_empty());
        assert!(outcome.ingest_id.is_some());
        assert_eq!(outcome.diff.added.len(), 2);
        assert_eq!(db.store.current_standards().await.unwrap().len(), 2);
    }

    async fn unchanged_files_store_and_announce_nothing(db: TestDb) {
        let first = db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        let again = db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        assert_eq!((again.new, again.changed, again.removed, again.unchanged), (0, 0, 0, 2));
        assert!(again.is_unchanged());
        assert_eq!(again.ingest_id, None);
        assert!(again.diff.is_empty());
        assert!(again.announcements.is_empty());
        let id = first.diff.added[0].id.as_str();
        assert_eq!(db.store.service_version_count(id).await.unwrap(), 1);
        // Whitespace-only edits and line shifts are no change either.
        let mut shifted = corpus("Gratis");
        let s = &mut shifted[0].services[0];
        s.components[0].text = "KTP  \n  KK ".into();
        s.lines = LineRange { start: 40, end: 60 };
        let third = db.store.record_ingest(&shifted).await.unwrap();
        assert!(third.is_unchanged(), "{third:?}");
    }

    async fn a_changed_fee_stores_a_new_version_with_its_change_lines(db: TestDb) {
        db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        let outcome = db.store.record_ingest(&corpus("Rp 10.000")).await.unwrap();
        assert_eq!(
            (outcome.new, outcome.changed, outcome.removed, outcome.unchanged),
            (0, 1, 0, 1)
        );
        let change = &outcome.diff.changed[0];
        assert_eq!(change.title, "Surat Keterangan Ahli Waris");
        assert_eq!(change.components.len(), 1);
        assert_eq!(change.components[0].kind, ComponentKind::Fee);
        assert!(
            change
                .lines()
                .iter()
                .any(|l| l.starts_with("Biaya:") && l.contains("10.000")),
            "{:?}",
            change.lines()
        );
        assert_eq!(db.store.service_version_count(change.id.as_str()).await.unwrap(), 2);
        let current = db.store.current_standards().await.unwrap();
        let stored = current.iter().find(|s| s.id == change.id).unwrap();
        assert_eq!(stored.fee.as_ref().unwrap().raw, "Rp 10.000");
    }

    async fn removed_services_get_a_tombstone_and_can_come_back(db: TestDb) {
        db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        let mut fewer = corpus("Gratis");
        let gone = fewer[0].services.remove(1);
        let outcome = db.store.record_ingest(&fewer).await.unwrap();
        assert_eq!(
            (outcome.new, outcome.changed, outcome.removed, outcome.unchanged),
            (0, 0, 1, 1)
        );
        assert_eq!(outcome.diff.removed[0].id, gone.id);
        assert_eq!(db.store.current_standards().await.unwrap().len(), 1);
        // Removing it again changes nothing.
        assert!(db.store.record_ingest(&fewer).await.unwrap().is_unchanged());
        // It comes back as a new service, version 3.
        let back = db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        assert_eq!((back.new, back.removed), (1, 0));
        assert_eq!(db.store.service_version_count(gone.id.as_str()).await.unwrap(), 3);
    }

    async fn a_dry_run_reports_the_diff_and_stores_nothing(db: TestDb) {
        db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        let preview = db.store.preview_ingest(&corpus("Rp 5.000")).await.unwrap();
        assert_eq!(preview.changed, 1);
        assert_eq!(preview.ingest_id, None);
        let real = db.store.record_ingest(&corpus("Rp 5.000")).await.unwrap();
        assert_eq!(real.diff, preview.diff);
    }

    async fn the_ingest_after_the_baseline_announces(db: TestDb) {
        db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        let mut more = corpus("Gratis");
        more[0]
            .services
            .push(service("003_beji.txt", AGENCY, "Surat Pindah", "Gratis", "KTP"));
        let outcome = db.store.record_ingest(&more).await.unwrap();
        assert!(!outcome.baseline);
        assert_eq!((outcome.new, outcome.unchanged), (1, 2));
        assert_eq!(outcome.announcements.len(), 1);
    }

    both_backends!(
        first_ingest_is_a_baseline_stored_but_not_announced,
        the_ingest_after_the_baseline_announces,
        unchanged_files_store_and_announce_nothing,
        a_changed_fee_stores_a_new_version_with_its_change_lines,
        removed_services_get_a_tombstone_and_can_come_back,
        a_dry_run_reports_the_diff_and_stores_nothing,
    );
}
