//! Shared send slots (migration 0009): Telegram's limits are per bot, so every `loket serve`
//! process on one database records its sends in the same table and none goes beyond the limit.
//!
//! A row is a scope (`global`, `chat:<id>`) and a millisecond, with how many sends went out in
//! it. [`Store::take_send_slot`] looks at the last window (one second plus a margin) of every
//! scope it is given and, when all are below their limits, records the send in each: all of
//! them or none, in one write transaction that is serialised across processes (SQLite's single
//! writer; on PostgreSQL a transaction-scoped advisory lock), so no window of any length up to
//! the window ever holds more than the limit, whichever process sent. The in-process pacer
//! (`telegram::pacer`) stays the fast path; this table is asked once per send. Rows older than a
//! minute are useless and pruned by the senders.

use anyhow::Context;

use super::{Backend, Dialect, Store, StoreError, on_pool};

/// Serialises every slot taking on PostgreSQL (until the transaction ends); the key is an
/// arbitrary constant of loket's ("loket send").
const PG_LOCK: &str = "SELECT pg_advisory_xact_lock(1819240047)";

/// The sends of a scope still in the window (`at_ms > $2`), and the oldest of them.
const IN_WINDOW: &str = "
    SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT), MIN(at_ms)
      FROM send_slots WHERE scope = $1 AND at_ms > $2";

/// Adds one send to `(scope, at_ms)`.
const RECORD: &str = "
    INSERT INTO send_slots (scope, at_ms, count) VALUES ($1, $2, 1)
    ON CONFLICT (scope, at_ms) DO UPDATE SET count = send_slots.count + 1";

/// The answer of [`Store::take_send_slot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendSlot {
    /// Recorded: the message may go out now.
    Taken,
    /// A scope is full; ask again at this unix millisecond (when its oldest send leaves the
    /// window).
    FullUntil(i64),
}

impl Store {
    /// Takes a slot for one send now in every `(scope, limit)`: when each scope has fewer than
    /// `limit` sends in the last `window_ms` the send is recorded in all of them, otherwise in
    /// none. "Now" is read once the lock is held, so the recorded times follow the order in
    /// which processes took their slots. A limit of 0 counts as 1.
    pub async fn take_send_slot(&self, window_ms: i64, scopes: &[(&str, u32)]) -> Result<SendSlot, StoreError> {
        let lock = matches!(self.backend, Backend::Postgres(_)).then_some(PG_LOCK);
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            if let Some(lock) = lock {
                sqlx::query(lock)
                    .execute(&mut *tx)
                    .await
                    .context("cannot lock the send slots")?;
            }
            let now_ms = self.clock.now_millis();
            for (scope, limit) in scopes {
                let (sent, oldest): (i64, Option<i64>) = sqlx::query_as(IN_WINDOW)
                    .bind(*scope)
                    .bind(now_ms - window_ms)
                    .fetch_one(&mut *tx)
                    .await
                    .context("cannot count recent sends")?;
                if sent >= i64::from((*limit).max(1)) {
                    tx.rollback().await?;
                    return Ok(SendSlot::FullUntil(oldest.unwrap_or(now_ms) + window_ms));
                }
            }
            for (scope, _) in scopes {
                sqlx::query(RECORD)
                    .bind(*scope)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await
                    .context("cannot record a send")?;
            }
            tx.commit().await?;
        });
        Ok(SendSlot::Taken)
    }

    /// Records a send that went out without taking a slot (a direct reply) at `at_ms` in
    /// `scope`, so the paced senders of every process leave room for it.
    pub async fn count_send(&self, at_ms: i64, scope: &str) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query(RECORD)
                .bind(scope)
                .bind(at_ms)
                .execute(pool)
                .await
                .context("cannot count a send")?;
        });
        Ok(())
    }

    /// Sends recorded in `scope` in `[from_ms, to_ms)`.
    pub async fn sends_between(&self, scope: &str, from_ms: i64, to_ms: i64) -> Result<u32, StoreError> {
        let count: i64 = on_pool!(self, |pool| {
            sqlx::query_scalar(
                "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM send_slots
                  WHERE scope = $1 AND at_ms >= $2 AND at_ms < $3",
            )
            .bind(scope)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_one(pool)
            .await
            .context("cannot count sends")?
        });
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Deletes the sends recorded before `before_ms`; returns how many rows went.
    pub async fn prune_send_slots(&self, before_ms: i64) -> Result<u64, StoreError> {
        let deleted = on_pool!(self, |pool| {
            sqlx::query("DELETE FROM send_slots WHERE at_ms < $1")
                .bind(before_ms)
                .execute(pool)
                .await
                .context("cannot prune send slots")?
                .rows_affected()
        });
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::SendSlot;
    use crate::storage::testing::{TestDb, both_backends};

    const WINDOW: i64 = 1_000;

    /// Takes a slot with the manual clock at `at_ms`.
    async fn take(db: &TestDb, at_ms: i64, scopes: &[(&str, u32)]) -> SendSlot {
        db.clock.advance_millis(at_ms - db.clock.now_millis());
        db.store.take_send_slot(WINDOW, scopes).await.unwrap()
    }

    async fn refuses_beyond_the_limit_in_every_scope_or_takes_none(db: TestDb) {
        let store = &db.store;
        let t = db.clock.now_millis();
        for i in 0..3 {
            let slot = take(&db, t + i * 100, &[("global", 3)]).await;
            assert_eq!(slot, SendSlot::Taken);
        }
        // Full until the first of the three leaves the window.
        let full = take(&db, t + 999, &[("global", 3)]).await;
        assert_eq!(full, SendSlot::FullUntil(t + WINDOW));
        assert_eq!(take(&db, t + WINDOW, &[("global", 3)]).await, SendSlot::Taken);
        assert_eq!(store.sends_between("global", t, t + 2 * WINDOW).await.unwrap(), 4);

        // All or nothing: a full global scope leaves the chat scope untouched...
        let both = [("chat:7", 1), ("global", 3)];
        assert!(matches!(take(&db, t + WINDOW + 1, &both).await, SendSlot::FullUntil(_)));
        assert_eq!(store.sends_between("chat:7", t, t + 3 * WINDOW).await.unwrap(), 0);
        // ...and a full chat scope leaves the global one untouched.
        let later = t + 5 * WINDOW;
        assert_eq!(take(&db, later, &both).await, SendSlot::Taken);
        assert_eq!(take(&db, later + 500, &both).await, SendSlot::FullUntil(later + WINDOW));
        assert_eq!(store.sends_between("global", later, later + WINDOW).await.unwrap(), 1);

        // Unpaced sends count even beyond the limit, and the paced ones then wait.
        let after = t + 10 * WINDOW;
        for _ in 0..2 {
            store.count_send(after, "global").await.unwrap();
        }
        assert_eq!(take(&db, after, &[("global", 3)]).await, SendSlot::Taken);
        assert!(matches!(
            take(&db, after, &[("global", 3)]).await,
            SendSlot::FullUntil(_)
        ));
    }

    async fn prunes_only_older_sends(db: TestDb) {
        let store = &db.store;
        let now = db.clock.now_millis();
        for (chat, at) in [(1, now - 120_000), (2, now - 60_001), (3, now - 60_000), (1, now)] {
            let scope = format!("chat:{chat}");
            assert_eq!(take(&db, at, &[(&scope, 1), ("global", 30)]).await, SendSlot::Taken);
        }
        assert_eq!(store.prune_send_slots(now - 60_000).await.unwrap(), 4);
        assert_eq!(
            store
                .sends_between("global", now - 200_000, now - 60_000)
                .await
                .unwrap(),
            0
        );
        assert_eq!(store.sends_between("global", now - 60_000, now + 1).await.unwrap(), 2);
        assert_eq!(store.sends_between("chat:1", now, now + 1).await.unwrap(), 1);
        assert_eq!(store.prune_send_slots(now - 60_000).await.unwrap(), 0);
    }

    both_backends!(
        refuses_beyond_the_limit_in_every_scope_or_takes_none,
        prunes_only_older_sends
    );
}
