//! Hot reindex for `loket serve`: read the standards directory again, record what changed, and
//! swap the answer engine and the Open311 service list while questions keep being answered.
//!
//! [`Reindexer::reindex`] parses the decrees (only new and changed files: a [`ParseCache`] keeps
//! each file's content hash and parsed document, so an edited decree is re-parsed alone; the
//! report's `parsed_files`/`reused_files` say how many), builds the new [`Catalog`] and Open311
//! list, swaps
//! them in, and records the versions and announcements through the same path as `loket ingest`
//! (`cli::ingest::record`; drafts, or approved with their broadcast tasks when
//! `[announcements] auto_send`). The swap comes right before the ingest commits so a broadcast
//! of the new announcement already finds the new services for its buttons; if recording fails,
//! the previous engine is put back. Anything wrong with the decrees (a file that does not
//! parse, an empty directory, an engine that cannot be built) is a [`ReindexError`] and the
//! running index stays untouched: one broken upload never takes the bot down. Reindexes run one
//! at a time; triggers are the directory watcher ([`watch`]) and `POST /api/v1/admin/reindex`.
//!
//! The deployment aliases file (setting `aliases`, `LOKET_ALIASES`; see [`crate::learning::aliases`])
//! is read again by every reindex and checked against the new decrees; a change to it triggers a
//! reindex like a change of the directory. A line it cannot use is an engine error naming the
//! file and line: refused at start, and the previous index keeps serving on a reindex.

mod watch;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use loket_knowledge::answer::Engine;
use loket_knowledge::document::Document;
use loket_knowledge::parse::{CacheStats, ParseCache};

use crate::configuration::{IntakeSettings, Settings};
use crate::http::{Open311Catalog, Open311Handle};
use crate::storage::{IngestOptions, IngestOutcome, Store, StoreError};
use crate::telegram::{BroadcastSettings, Catalog, CatalogHandle};

pub use watch::{ReindexSettings, fingerprint};

/// What started a reindex (reported and logged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// `loket serve` starting.
    Start,
    /// A change in the standards directory.
    Watch,
    /// `POST /api/v1/admin/reindex`.
    Api,
}

/// One file that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileError {
    pub file: String,
    pub error: String,
}

/// A changed service with its change lines ("Biaya: Gratis → Rp 10.000").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangedService {
    pub id: String,
    pub title: String,
    pub agency: String,
    pub changes: Vec<String>,
}

/// A new or removed service.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ListedService {
    pub id: String,
    pub title: String,
    pub agency: String,
}

/// What a reindex did; the JSON body of the admin API's answer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReindexReport {
    pub trigger: Trigger,
    /// Decree files parsed and services now served.
    pub documents: usize,
    pub services: usize,
    /// Files read and parsed by this reindex (new, changed, or failed before).
    pub parsed_files: usize,
    /// Unchanged files (same content hash) whose parsed decree was reused.
    pub reused_files: usize,
    /// The first ingest into an empty database: versions recorded, nothing announced.
    pub baseline: bool,
    /// False only at start when some file failed: what parsed is served, nothing is recorded.
    pub recorded: bool,
    pub new: Vec<ListedService>,
    pub changed: Vec<ChangedService>,
    pub removed: Vec<ListedService>,
    pub unchanged: usize,
    /// The stored ingest run (none when nothing changed).
    pub ingest_id: Option<i64>,
    /// The announcements created (one per agency concerned).
    pub announcements: Vec<i64>,
    /// `approved` (being sent: `auto_send`), `draft` (waiting for `loket announcements send ID`),
    /// or none when nothing was announced.
    pub announcement_status: Option<&'static str>,
    /// Files skipped at start (never set by a later reindex: those fail instead).
    pub skipped: Vec<FileError>,
    /// Parse + build + record time.
    pub took_ms: u64,
}

/// Why a reindex changed nothing; the running index is still served.
#[derive(Debug, thiserror::Error)]
pub enum ReindexError {
    #[error("cannot read the standards directory {dir}: {source}")]
    Unreadable { dir: String, source: std::io::Error },
    #[error("{} decree file(s) could not be parsed; still serving the previous index", .0.len())]
    Malformed(Vec<FileError>),
    #[error("no decrees in {0}; still serving the previous index")]
    Empty(String),
    #[error("cannot build the answer engine ({0}); still serving the previous index")]
    Engine(String),
    #[error("cannot record the standards; still serving the previous index")]
    Store(#[source] StoreError),
}

/// The engine and service lists built from one parse.
struct Built {
    documents: Vec<Document>,
    files: CacheStats,
    failures: Vec<FileError>,
    catalog: Option<Arc<Catalog>>,
    open311: Arc<Open311Catalog>,
}

/// See the module docs.
pub struct Reindexer {
    dir: PathBuf,
    aliases: Option<PathBuf>,
    store: Store,
    broadcast: BroadcastSettings,
    intake: IntakeSettings,
    utc_offset_hours: i32,
    open311: Open311Handle,
    catalog: Option<CatalogHandle>,
    /// The parsed decrees by content hash, reused by the next reindex.
    parsed: Arc<std::sync::Mutex<ParseCache>>,
    running: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Reindexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reindexer")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Reindexer {
    /// Loads `dir` for `loket serve`: builds the engine (when `with_engine`, i.e. with the
    /// Telegram bot) and the Open311 list, puts the list into `open311`, and records the
    /// standards (a baseline on an empty database). Files that fail are skipped at start (and
    /// nothing is recorded until they are fixed); a directory that cannot be read, holds no
    /// decree, or gives no engine is an error.
    pub async fn start(
        dir: PathBuf,
        store: Store,
        settings: &Settings,
        open311: Open311Handle,
        with_engine: bool,
    ) -> Result<(Arc<Self>, ReindexReport), ReindexError> {
        let started = Instant::now();
        let parsed = Arc::new(std::sync::Mutex::new(ParseCache::new()));
        let built = build(
            dir.clone(),
            parsed.clone(),
            settings.aliases.clone(),
            with_engine,
            settings.intake.clone(),
            settings.calendar.utc_offset_hours,
        )
        .await?;
        let this = Arc::new(Self {
            dir,
            aliases: settings.aliases.clone(),
            store,
            broadcast: settings.announcements.clone(),
            intake: settings.intake.clone(),
            utc_offset_hours: settings.calendar.utc_offset_hours,
            catalog: built.catalog.clone().map(CatalogHandle::from_arc),
            open311,
            parsed,
            running: tokio::sync::Mutex::new(()),
        });
        let report = {
            let _one = this.running.lock().await;
            this.install(built, Trigger::Start, started).await?
        };
        Ok((this, report))
    }

    /// The engine as the Telegram bot uses it (none without the bot).
    pub fn catalog(&self) -> Option<&CatalogHandle> {
        self.catalog.as_ref()
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Parse, build, swap, record; see the module docs.
    pub async fn reindex(&self, trigger: Trigger) -> Result<ReindexReport, ReindexError> {
        let _one = self.running.lock().await;
        let started = Instant::now();
        let result = async {
            let built = build(
                self.dir.clone(),
                self.parsed.clone(),
                self.aliases.clone(),
                self.catalog.is_some(),
                self.intake.clone(),
                self.utc_offset_hours,
            )
            .await?;
            if !built.failures.is_empty() {
                return Err(ReindexError::Malformed(built.failures));
            }
            self.install(built, trigger, started).await
        }
        .await;
        match &result {
            Ok(report) => tracing::info!(
                ?trigger,
                parsed_files = report.parsed_files,
                reused_files = report.reused_files,
                new = report.new.len(),
                changed = report.changed.len(),
                removed = report.removed.len(),
                announcements = ?report.announcements,
                took_ms = report.took_ms,
                "standards reindexed"
            ),
            Err(error) => {
                let files = match error {
                    ReindexError::Malformed(files) => files.clone(),
                    _ => Vec::new(),
                };
                tracing::error!(?trigger, %error, ?files, error.cause_chain = ?cause_chain(error), "reindex failed");
            }
        }
        result
    }

    /// Swaps the new engine in and records the ingest; puts the old one back when recording
    /// fails. At start (`failures` not empty) serves what parsed and records nothing.
    async fn install(&self, built: Built, trigger: Trigger, started: Instant) -> Result<ReindexReport, ReindexError> {
        let old_catalog = self.catalog.as_ref().map(CatalogHandle::load);
        let old_open311 = self.open311.load();
        if let (Some(handle), Some(new)) = (&self.catalog, &built.catalog) {
            handle.store(new.clone());
        }
        self.open311.store(built.open311.clone());
        let services = built.documents.iter().map(|d| d.services.len()).sum();
        if !built.failures.is_empty() {
            tracing::error!(
                files = ?built.failures,
                "some decrees could not be parsed: serving the others, recording nothing until they are fixed"
            );
            return Ok(report(
                trigger,
                &built,
                services,
                IngestOutcome::default(),
                false,
                None,
                started,
            ));
        }
        match record(&self.store, &built.documents, &self.dir, &self.broadcast).await {
            Ok(outcome) => {
                let status = (!outcome.announcements.is_empty()).then_some(if self.broadcast.auto_send {
                    "approved"
                } else {
                    "draft"
                });
                Ok(report(trigger, &built, services, outcome, true, status, started))
            }
            Err(error) => {
                if let (Some(handle), Some(old)) = (&self.catalog, old_catalog) {
                    handle.store(old);
                }
                self.open311.store(old_open311);
                Err(ReindexError::Store(error))
            }
        }
    }
}

/// Stores the parsed decrees as versioned standards with their announcements (approved at once,
/// with their broadcast tasks, when `auto_send`): what `loket ingest` and a reindex both do.
pub(crate) async fn record(
    store: &Store,
    documents: &[Document],
    dir: &Path,
    broadcast: &BroadcastSettings,
) -> Result<IngestOutcome, StoreError> {
    let options = IngestOptions {
        auto_approve: broadcast.auto_send,
    };
    store
        .record_ingest_with(documents, &dir.display().to_string(), options)
        .await
}

fn cause_chain(error: &ReindexError) -> Vec<String> {
    let mut chain = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        chain.push(e.to_string());
        source = e.source();
    }
    chain
}

fn report(
    trigger: Trigger,
    built: &Built,
    services: usize,
    outcome: IngestOutcome,
    recorded: bool,
    announcement_status: Option<&'static str>,
    started: Instant,
) -> ReindexReport {
    let listed = |s: &loket_knowledge::diff::ServiceSummary| ListedService {
        id: s.id.to_string(),
        title: s.title.clone(),
        agency: s.agency.clone(),
    };
    ReindexReport {
        trigger,
        documents: built.documents.len(),
        services,
        parsed_files: built.files.parsed,
        reused_files: built.files.reused,
        baseline: outcome.baseline,
        recorded,
        new: outcome.diff.added.iter().map(listed).collect(),
        changed: outcome
            .diff
            .changed
            .iter()
            .map(|c| ChangedService {
                id: c.id.to_string(),
                title: c.title.clone(),
                agency: c.agency.clone(),
                changes: c.lines(),
            })
            .collect(),
        removed: outcome.diff.removed.iter().map(listed).collect(),
        unchanged: outcome.unchanged,
        ingest_id: outcome.ingest_id,
        announcements: outcome.announcements,
        announcement_status,
        skipped: built.failures.clone(),
        took_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

/// Parses `dir` (reusing `parsed` for unchanged files) and builds what is served from it (the
/// engine with the aliases of `aliases`), off the async threads.
async fn build(
    dir: PathBuf,
    parsed: Arc<std::sync::Mutex<ParseCache>>,
    aliases: Option<PathBuf>,
    with_engine: bool,
    intake: IntakeSettings,
    utc_offset_hours: i32,
) -> Result<Built, ReindexError> {
    let task = tokio::task::spawn_blocking(move || {
        // Reindexes run one at a time, so the lock is never contended; a poisoned one (a
        // panic in an earlier parse) only loses the cache.
        let mut cache = parsed.lock().unwrap_or_else(|poisoned| {
            let mut cache = poisoned.into_inner();
            *cache = ParseCache::new();
            cache
        });
        let (report, files) = cache.parse_dir(&dir).map_err(|source| ReindexError::Unreadable {
            dir: dir.display().to_string(),
            source,
        })?;
        drop(cache);
        let failures: Vec<FileError> = report
            .failures
            .iter()
            .map(|(path, error)| FileError {
                file: path
                    .file_name()
                    .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned()),
                error: error.to_string(),
            })
            .collect();
        if report.documents.is_empty() {
            return Err(if failures.is_empty() {
                ReindexError::Empty(dir.display().to_string())
            } else {
                ReindexError::Malformed(failures)
            });
        }
        let open311 = Arc::new(Open311Catalog::from_documents(&report.documents).with_intake(intake, utc_offset_hours));
        // Checked even without the engine, so a bad file is reported whatever runs.
        let aliases = match &aliases {
            Some(file) => crate::learning::aliases::load(file, &report.documents)
                .map_err(|e| ReindexError::Engine(format!("{e:#}")))?,
            None => Vec::new(),
        };
        let catalog = if with_engine {
            let engine = Engine::build_with_aliases(report.documents.clone(), &aliases)
                .map_err(|e| ReindexError::Engine(e.to_string()))?;
            Some(Arc::new(Catalog::new(engine)))
        } else {
            None
        };
        Ok(Built {
            documents: report.documents,
            files,
            failures,
            catalog,
            open311,
        })
    });
    task.await
        .map_err(|e| ReindexError::Engine(format!("engine build panicked: {e}")))?
}

#[cfg(test)]
mod tests;
