//! PostgreSQL specifics: pool options, the embedded migrations and the statements that differ
//! from SQLite.
//!
//! Claiming uses `FOR UPDATE SKIP LOCKED` in the subquery so any number of workers, in any number
//! of processes, each take a different row; the outer `WHERE` re-checks readiness so a row
//! claimed in between is never taken twice.

use anyhow::Context;
use sqlx::postgres::PgPoolOptions;
use sqlx::{PgPool, Postgres};

use super::{ConnectOptions, Dialect, WriteGate, WriteTx, redact};

pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::sqlx_macros::migrate!("../migrations/postgres");

pub(crate) async fn connect(url: &str, options: &ConnectOptions) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(options.max_connections)
        .acquire_timeout(options.acquire_timeout)
        .connect(url)
        .await
        .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(url)))?;
    MIGRATOR
        .run(&pool)
        .await
        .context("failed to apply PostgreSQL migrations")?;
    Ok(pool)
}

impl Dialect for PgPool {
    type Db = Postgres;

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
                 LIMIT 1
                 FOR UPDATE SKIP LOCKED)
           AND ((status = 'pending' AND next_attempt_at <= $2)
             OR (status = 'in_flight' AND lease_until <= $2))
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
                 LIMIT 1
                 FOR UPDATE OF m SKIP LOCKED)
           AND processed_at IS NULL AND (lease_until IS NULL OR lease_until < $1)
        RETURNING message_id, wa_id, kind, payload, received_at, profile_name";

    const SELECT_COMPLAINT_FOR_UPDATE: &'static str = "SELECT * FROM complaints WHERE ticket = $1 FOR UPDATE";

    async fn begin_write(&self, gate: &WriteGate) -> sqlx::Result<WriteTx<Postgres>> {
        let turn = gate.turn().await;
        let tx = self.begin().await?;
        Ok(WriteTx { tx, _turn: turn })
    }
}
