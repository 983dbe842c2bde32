//! Storage: one [`Store`] over SQLite or PostgreSQL, chosen by `DATABASE_URL`.
//!
//! The SQL that both engines understand the same way is written once and expanded for each pool by
//! [`on_pool!`] (so every query is type-checked against both drivers); the statements that differ
//! (row locking, write transactions) live as constants in `sqlite.rs` and `postgres.rs`, side by
//! side and readable. Migrations are embedded and applied at connect. Writes that belong together
//! (a complaint, its first event and its forwarding task; a status change, its event and the
//! citizen's notification) commit in one transaction; no transaction is ever held across a
//! network call: the delivery worker takes a lease instead. On SQLite, write transactions and
//! the writes of the busy paths first take this process's turn at the [`WriteGate`], so
//! writers queue in order instead of sleeping in SQLite's busy handler.

mod accounts;
pub(crate) mod announcements;
mod chats;
mod clock;
mod complaints;
mod console;
pub(crate) mod decree_versions;
mod deliveries;
mod open311_clients;
mod postgres;
mod privacy;
mod ratings;
mod recent_intake;
mod send_marks;
mod send_slots;
mod sqlite;
pub(crate) mod standards;
mod stats;
mod supporters;
#[cfg(test)]
pub(crate) mod testing;
mod trouble;
mod unanswered;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use sqlx::{PgPool, SqlitePool};

pub use accounts::{Account, AccountError, AccountRole, NewAccount, Session, SetupToken};
pub use announcements::{Announcement, AnnouncementStatus, BroadcastProgress, BroadcastTask, FanOut};
pub(crate) use chats::{TOPIC_ALL, UPSERT_DIALOGUE, agency_topic, regency_topic};
pub use clock::Clock;
pub(crate) use complaints::dialect_sql;
pub use complaints::{
    ChangeOutcome, Complaint, ComplaintEvent, EventKind, PUBLICLY_CLOSED, Page, PublicFilter, StatusChange,
    SubmitOptions,
};
pub use console::{ConsoleNote, HandlerFigures, InboxCounts, InboxFilter, InboxPage};
pub use decree_versions::{DecreeVersion, DecreeVersionSummary};
pub use deliveries::{Delivery, DeliveryKind, DeliveryStatus, Retry};
pub use open311_clients::{Open311Client, Open311ClientError, Open311ClientUsage, Open311Window};
pub use privacy::{ChatRecord, CitizenData, PURGEABLE, PurgeReport};
pub use ratings::{HandlerRating, Rating, RatingRefusal};
pub use recent_intake::RecentIntake;
pub(crate) use send_marks::SendMark;
pub use send_slots::SendSlot;
pub use standards::{IngestOptions, IngestOutcome};
pub use stats::{AnnouncementScope, AnnouncementStats, OpsStats, QUEUES, QueueStats, SubscriberStats};
pub use supporters::SupportOutcome;
pub use trouble::{DatabaseTrouble, trouble_of};
pub use unanswered::{UnansweredOutcome, UnansweredQuestion, UnansweredSummary};

use crate::domain::{ComplaintStatus, TransitionError};

/// Default database when nothing is configured: a file next to the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:data/loket.db";

/// Errors a caller reacts to (HTTP status, Indonesian reply); everything else is `Unexpected`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("Pengaduan tidak ditemukan.")]
    NotFound,
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error("Idempotency-Key sudah dipakai untuk permintaan yang berbeda.")]
    IdempotencyKeyReused,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(e).context("database error"))
    }
}

#[derive(Clone, Debug)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool the store holds; `$pool` is bound to it.
macro_rules! on_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::storage::Backend::Sqlite($pool) => $body,
            $crate::storage::Backend::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// The statements that differ between engines, one implementation per backend file.
pub(crate) trait Dialect {
    type Db: sqlx::Database;
    /// Claim one ready delivery: binds `$1` kind, `$2` now, `$3` lease_until, `$4` worker id,
    /// `$5`..=`$6` the chat ids it may have (a task without a chat counts as chat 0).
    const CLAIM_DELIVERY: &'static str;
    /// Claim the WhatsApp inbox's next message (see `WhatsAppStore::claim`): binds `$1` now,
    /// `$2` lease_until; returns the message's columns.
    const CLAIM_WHATSAPP: &'static str;
    /// Select a complaint for change, locking it where the engine has row locks.
    const SELECT_COMPLAINT_FOR_UPDATE: &'static str;
    /// Starts a transaction that will write, taking the write lock up front where needed (and,
    /// first, this process's turn at the [`WriteGate`], held until the transaction ends).
    fn begin_write(&self, gate: &WriteGate) -> impl Future<Output = sqlx::Result<WriteTx<Self::Db>>> + Send;
}

/// SQLite's single writer, queued in this process: a write transaction (and each write on a busy
/// path) first takes the gate, so the writers of one process wait their turn in order and
/// start the moment the previous one ends, instead of failing on SQLite's lock and sleeping in
/// its busy handler (1, 2, 5, 10 ... 100 ms between tries: that sleeping was the tail of every
/// figure with several writers at once). Open on PostgreSQL (row locks, many writers). The busy
/// timeout stays for writers of other processes and for writes that do not take the gate.
///
/// Never taken while a write transaction of the same task is open (a gated write inside it
/// would wait for itself); taken before a pooled connection, so a writer waiting its turn holds
/// no connection.
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteGate(Option<Arc<tokio::sync::Mutex<()>>>);

impl WriteGate {
    /// A gate that queues writers (SQLite).
    fn queued() -> Self {
        Self(Some(Arc::default()))
    }

    /// Waits for this process's turn to write; the turn ends when the result is dropped.
    pub(crate) async fn turn(&self) -> WriteTurn {
        match &self.0 {
            Some(gate) => WriteTurn {
                _guard: Some(gate.clone().lock_owned().await),
            },
            None => WriteTurn { _guard: None },
        }
    }
}

/// A turn at the [`WriteGate`] (nothing on PostgreSQL).
#[must_use = "the turn ends when it is dropped"]
pub(crate) struct WriteTurn {
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// A write transaction with its turn at the [`WriteGate`]: used like a `sqlx::Transaction`
/// (`&mut *tx` is the connection); the turn ends with the transaction (commit, rollback or drop).
pub(crate) struct WriteTx<DB: sqlx::Database> {
    tx: sqlx::Transaction<'static, DB>,
    _turn: WriteTurn,
}

impl<DB: sqlx::Database> WriteTx<DB> {
    pub(crate) async fn commit(self) -> sqlx::Result<()> {
        self.tx.commit().await
    }

    pub(crate) async fn rollback(self) -> sqlx::Result<()> {
        self.tx.rollback().await
    }
}

impl<DB: sqlx::Database> std::ops::Deref for WriteTx<DB> {
    type Target = DB::Connection;

    fn deref(&self) -> &DB::Connection {
        &self.tx
    }
}

impl<DB: sqlx::Database> std::ops::DerefMut for WriteTx<DB> {
    fn deref_mut(&mut self) -> &mut DB::Connection {
        &mut self.tx
    }
}

/// Computes the deadline of the stage a complaint enters (the SLA); `None` means no clock runs.
pub trait DeadlinePolicy: Send + Sync + std::fmt::Debug {
    fn due_at(&self, status: ComplaintStatus, entered_at: i64) -> Option<i64>;
}

/// No deadlines at all (until an SLA is configured).
#[derive(Debug)]
pub struct NoDeadlines;

impl DeadlinePolicy for NoDeadlines {
    fn due_at(&self, _: ComplaintStatus, _: i64) -> Option<i64> {
        None
    }
}

/// The storage handle: cheap to clone, shared by the bot, the HTTP API and the workers.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) backend: Backend,
    /// Queues this process's writers on SQLite (see [`WriteGate`]).
    pub(crate) gate: WriteGate,
    clock: Clock,
    deadlines: Arc<dyn DeadlinePolicy>,
}

impl Store {
    /// Connects to `database_url` (`sqlite:` or `postgres://`), creating the SQLite file and its
    /// directory when missing, and applies the embedded migrations.
    pub async fn connect(database_url: &str) -> anyhow::Result<Self> {
        Self::connect_with(database_url, ConnectOptions::default()).await
    }

    pub async fn connect_with(database_url: &str, options: ConnectOptions) -> anyhow::Result<Self> {
        let (backend, gate) = if database_url.starts_with("sqlite:") {
            (
                Backend::Sqlite(sqlite::connect(database_url, &options).await?),
                WriteGate::queued(),
            )
        } else if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            (
                Backend::Postgres(postgres::connect(database_url, &options).await?),
                WriteGate::default(),
            )
        } else {
            anyhow::bail!(
                "unsupported DATABASE_URL {:?}: expected sqlite:... or postgres://...",
                redact(database_url)
            );
        };
        Ok(Self {
            backend,
            gate,
            clock: Clock::system(),
            deadlines: Arc::new(NoDeadlines),
        })
    }

    /// Replaces the clock (tests drive time by hand).
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the SLA used to stamp `due_at` whenever a complaint enters a stage.
    pub fn with_deadlines(mut self, deadlines: Arc<dyn DeadlinePolicy>) -> Self {
        self.deadlines = deadlines;
        self
    }

    pub(crate) fn deadline(&self, status: ComplaintStatus, entered_at: i64) -> Option<i64> {
        self.deadlines.due_at(status, entered_at)
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now()
    }

    /// This process's turn to write (see [`WriteGate`]), for a write outside a transaction.
    pub(crate) async fn write_turn(&self) -> WriteTurn {
        self.gate.turn().await
    }

    /// `"sqlite"` or `"postgres"`, for logs and readiness output.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Cheap round trip for `/readyz`.
    pub async fn ping(&self) -> anyhow::Result<()> {
        on_pool!(self, |pool| {
            sqlx::query("SELECT 1")
                .execute(pool)
                .await
                .context("database ping failed")?;
        });
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(self, |pool| pool.close().await)
    }
}

/// Pool tuning; defaults suit one process on a small machine.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub sqlite_busy_timeout: Duration,
    /// Caps an SQLite database at this many pages (`PRAGMA max_page_count` on every connection):
    /// a quota on a shared disk, and how the disk-full drill fills a database without filling
    /// the machine's disk. Writes that would grow it further fail with `DatabaseTrouble::Full`.
    pub sqlite_max_page_count: Option<u32>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
            sqlite_busy_timeout: Duration::from_secs(5),
            sqlite_max_page_count: None,
        }
    }
}

/// Hides a password in a connection URL before it reaches a log line or an error.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_writers_take_turns_and_postgres_writers_never_wait() {
        let queued = WriteGate::queued();
        let Some(lock) = &queued.0 else {
            panic!("a queued gate has a lock");
        };
        let first = queued.turn().await;
        assert!(lock.try_lock().is_err(), "the next writer waits for the turn");
        drop(first);
        assert!(lock.try_lock().is_ok(), "the turn ends when dropped");
        let open = WriteGate::default();
        let _one = open.turn().await;
        let _two = open.turn().await;
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite:data/loket.db"), "sqlite:data/loket.db");
    }

    #[tokio::test]
    async fn unknown_scheme_is_refused() {
        let err = Store::connect("mysql://localhost/x").await.unwrap_err();
        assert!(err.to_string().contains("unsupported DATABASE_URL"), "{err}");
    }

    #[tokio::test]
    async fn sqlite_file_and_directories_are_created_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("nested/deeper/loket.db");
        let store = Store::connect(&format!("sqlite:{}", file.display())).await.unwrap();
        assert!(file.exists());
        assert_eq!(store.backend_name(), "sqlite");
        let Backend::Sqlite(pool) = &store.backend else {
            panic!("expected SQLite");
        };
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(pool).await.unwrap();
        assert_eq!(mode, "wal");
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys").fetch_one(pool).await.unwrap();
        assert_eq!(fk, 1);
        store.ping().await.unwrap();
        store.close().await;
        // Reopening applies no migration twice.
        let again = Store::connect(&format!("sqlite:{}", file.display())).await.unwrap();
        again.close().await;
    }

    /// Both migration directories must carry the same versions and names, or the two backends
    /// drift apart silently.
    #[test]
    fn migration_directories_match() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations");
        let list = |dir: &str| -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            names.sort();
            names
        };
        let sqlite = list("sqlite");
        assert!(!sqlite.is_empty());
        assert_eq!(sqlite, list("postgres"));
        assert_eq!(sqlite::MIGRATOR.iter().count(), postgres::MIGRATOR.iter().count());
        for (a, b) in sqlite::MIGRATOR.iter().zip(postgres::MIGRATOR.iter()) {
            assert_eq!((a.version, &a.description), (b.version, &b.description));
        }
    }
}
