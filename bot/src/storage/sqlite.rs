//! SQLite specifics: connection options (file created with its directory, WAL, busy timeout,
//! foreign keys), the embedded migrations and the statements that differ from PostgreSQL.
//!
//! SQLite has no row locks: a write transaction starts with `BEGIN IMMEDIATE` so it holds the
//! single write lock from its first statement (no late lock upgrade that fails with SQLITE_BUSY),
//! and claiming a delivery or a WhatsApp message is one atomic `UPDATE ... RETURNING`. The
//! store's [`WriteGate`] queues this process's writers for that lock.

use std::str::FromStr;

use anyhow::Context;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Sqlite, SqlitePool};

use super::{ConnectOptions, Dialect, WriteGate, WriteTx};

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::sqlx_macros::migrate!("../migrations/sqlite");

pub(crate) async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<SqlitePool> {
    let mut connect_options = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("invalid SQLite URL {url:?}"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(options.sqlite_busy_timeout)
        .foreign_keys(true);
    if let Some(pages) = options.sqlite_max_page_count {
        connect_options = connect_options.pragma("max_page_count", pages.to_string());
    }
    let file = connect_options.get_filename();
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
        && file.as_os_str() != ":memory:"
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create database directory {}", dir.display()))?;
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        // When a write fails with SQLITE_FULL (disk full) SQLite may roll the transaction back by
        // itself; sqlx's own ROLLBACK then fails quietly and the connection stays marked as in a
        // transaction, so every later `BEGIN IMMEDIATE` on it would fail until a restart. Such a
        // connection is replaced instead of handed out (found by the disk-full drill).
        .before_acquire(|conn, _| {
            let clean = !conn.is_in_transaction();
            Box::pin(std::future::ready(Ok(clean)))
        })
        .connect_with(connect_options)
        .await
        .with_context(|| format!("cannot open SQLite database {url:?}"))?;
    MIGRATOR.run(&pool).await.context("failed to apply SQLite migrations")?;
    Ok(pool)
}

impl Dialect for SqlitePool {
    type Db = Sqlite;

    const CLAIM_DELIVERY: &'static str = "
        UPDATE deliveries
           SET status = 'in_flight', attempts = attempts + 1, lease_until = $3,
               locked_by = $4, updated_at = $2
         WHERE id = (
                SELECT id FROM deliveries
                 WHERE kind = $1
                   AND ((status = 'pending' AND next_attempt_at <= $2)
                     OR (status = 'in_flight' AND lease_until <= $2))
                   AND COALESCE(chat_id, 0) BETWEEN $5 AND $6
                 ORDER BY next_attempt_at, seq
                 LIMIT 1)
        RETURNING *";

    const CLAIM_WHATSAPP: &'static str = "
        UPDATE whatsapp_inbox SET lease_until = $2
         WHERE message_id = (
                SELECT m.message_id FROM whatsapp_inbox m
                 WHERE m.processed_at IS NULL AND (m.lease_until IS NULL OR m.lease_until < $1)
                   AND m.message_id = (
                        SELECT e.message_id FROM whatsapp_inbox e
                         WHERE e.wa_id = m.wa_id AND e.processed_at IS NULL
                         ORDER BY e.received_at, e.message_id
                         LIMIT 1)
                 ORDER BY m.received_at, m.message_id
                 LIMIT 1)
        RETURNING message_id, wa_id, kind, payload, received_at, profile_name";

    const SELECT_COMPLAINT_FOR_UPDATE: &'static str = "SELECT * FROM complaints WHERE ticket = $1";

    async fn begin_write(&self, gate: &WriteGate) -> sqlx::Result<WriteTx<Sqlite>> {
        let turn = gate.turn().await;
        let tx = self.begin_with("BEGIN IMMEDIATE").await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}
