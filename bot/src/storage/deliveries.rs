//! The delivery outbox: tasks to forward a complaint to its handler or to notify a citizen.
//!
//! Tasks are inserted inside the business transaction (see `complaints.rs`) and executed later by
//! a worker that *claims* one with a lease: the claim commits at once, the network call happens
//! outside any transaction, and the outcome is written back with `complete` or `fail`. A worker
//! that dies leaves its lease to expire, after which another worker reclaims the task, so a task
//! is never lost and never held by two live workers at once. After too many failures a task goes
//! `dead`; an administrator lists and requeues dead tasks.

use std::fmt;
use std::time::Duration;

use anyhow::Context;

use super::complaints::dialect_sql;
use super::{Store, StoreError, on_pool};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryKind {
    /// Send the complaint to its handler (webhook, officer chat, ...).
    Forward,
    /// Tell the citizen about a status change.
    Notify,
}

impl DeliveryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forward => "forward",
            Self::Notify => "notify",
        }
    }

    fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "forward" => Ok(Self::Forward),
            "notify" => Ok(Self::Notify),
            other => anyhow::bail!("unknown delivery kind {other:?}"),
        }
    }
}

impl fmt::Display for DeliveryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    InFlight,
    Done,
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InFlight => "in_flight",
            Self::Done => "done",
            Self::Dead => "dead",
        }
    }

    fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "pending" => Ok(Self::Pending),
            "in_flight" => Ok(Self::InFlight),
            "done" => Ok(Self::Done),
            "dead" => Ok(Self::Dead),
            other => anyhow::bail!("unknown delivery status {other:?}"),
        }
    }
}

/// One outbox task. `id` doubles as the `Idempotency-Key` the receiver sees on every attempt.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    pub id: String,
    pub kind: DeliveryKind,
    pub complaint_id: Option<i64>,
    pub handler_id: Option<String>,
    pub chat_id: Option<i64>,
    /// JSON text, sent byte for byte (the signature covers exactly these bytes).
    pub payload: String,
    pub status: DeliveryStatus,
    /// Claims so far, including the current one.
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What to do with a task whose attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again at this unix time.
    At(i64),
    /// Give up: move to the dead-letter state.
    Dead,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: String,
    kind: String,
    complaint_id: Option<i64>,
    handler_id: Option<String>,
    chat_id: Option<i64>,
    payload: String,
    status: String,
    attempts: i32,
    next_attempt_at: i64,
    lease_until: Option<i64>,
    locked_by: Option<String>,
    last_error: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<DeliveryRow> for Delivery {
    type Error = anyhow::Error;

    fn try_from(row: DeliveryRow) -> anyhow::Result<Self> {
        Ok(Self {
            kind: DeliveryKind::parse(&row.kind)?,
            status: DeliveryStatus::parse(&row.status)?,
            id: row.id,
            complaint_id: row.complaint_id,
            handler_id: row.handler_id,
            chat_id: row.chat_id,
            payload: row.payload,
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            lease_until: row.lease_until,
            locked_by: row.locked_by,
            last_error: row.last_error,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// Inserts a pending task on `$exec` (a transaction); evaluates to `anyhow::Result<String>` with
/// the new task's id. A macro so the same statement type-checks against both drivers.
macro_rules! insert_delivery {
    ($exec:expr, $kind:expr, $complaint:expr, $handler:expr, $chat:expr, $payload:expr, $now:expr $(,)?) => {{
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO deliveries (id, kind, complaint_id, handler_id, chat_id, payload, status,
                                     attempts, next_attempt_at, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7)",
        )
        .bind(&id)
        .bind($kind.as_str())
        .bind($complaint)
        .bind($handler)
        .bind($chat)
        .bind(($payload).to_string())
        .bind($now)
        .execute($exec)
        .await
        .map(|_| id)
        .context("cannot enqueue delivery")
    }};
}
pub(crate) use insert_delivery;

fn one(row: Option<DeliveryRow>) -> Result<Option<Delivery>, StoreError> {
    Ok(row.map(Delivery::try_from).transpose()?)
}

fn many(rows: Vec<DeliveryRow>) -> Result<Vec<Delivery>, StoreError> {
    rows.into_iter()
        .map(|r| Delivery::try_from(r).map_err(StoreError::from))
        .collect()
}

impl Store {
    /// Claims the next ready task of `kind` for `worker_id` until now + `lease`: a pending task
    /// whose time has come, or an in-flight one whose lease expired (its worker died).
    pub async fn claim_next(
        &self,
        kind: DeliveryKind,
        worker_id: &str,
        lease: Duration,
    ) -> Result<Option<Delivery>, StoreError> {
        self.claim_next_for_chats(kind, worker_id, lease, &(i64::MIN..=i64::MAX))
            .await
    }

    /// Like [`claim_next`](Self::claim_next), only among tasks whose chat id is in `chats` (a
    /// task without a chat counts as chat 0): a worker for one channel's citizens.
    pub async fn claim_next_for_chats(
        &self,
        kind: DeliveryKind,
        worker_id: &str,
        lease: Duration,
        chats: &std::ops::RangeInclusive<i64>,
    ) -> Result<Option<Delivery>, StoreError> {
        let now = self.now();
        let lease_until = now + i64::try_from(lease.as_secs()).unwrap_or(i64::MAX / 2).max(1);
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, DeliveryRow>(dialect_sql(pool).claim_delivery)
                .bind(kind.as_str())
                .bind(now)
                .bind(lease_until)
                .bind(worker_id)
                .bind(*chats.start())
                .bind(*chats.end())
                .fetch_optional(pool)
                .await
                .context("cannot claim delivery")?
        });
        one(row)
    }

    /// Marks a claimed task done. False when the lease was lost (another worker owns it now).
    pub async fn complete(&self, id: &str, worker_id: &str) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE deliveries SET status = 'done', lease_until = NULL, last_error = NULL,
                        updated_at = $3
                  WHERE id = $1 AND locked_by = $2 AND status = 'in_flight'",
            )
            .bind(id)
            .bind(worker_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot complete delivery")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Records a failed attempt: back to pending at `Retry::At`, or dead. False when the lease was
    /// lost.
    pub async fn fail(&self, id: &str, worker_id: &str, error: &str, retry: Retry) -> Result<bool, StoreError> {
        let now = self.now();
        let (status, next) = match retry {
            Retry::At(at) => (DeliveryStatus::Pending, at),
            Retry::Dead => (DeliveryStatus::Dead, now),
        };
        let error: String = error.chars().take(2000).collect();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE deliveries SET status = $3, next_attempt_at = $4, last_error = $5,
                        lease_until = NULL, updated_at = $6
                  WHERE id = $1 AND locked_by = $2 AND status = 'in_flight'",
            )
            .bind(id)
            .bind(worker_id)
            .bind(status.as_str())
            .bind(next)
            .bind(&error)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot record delivery failure")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Dead-lettered tasks, oldest first (`loket deliveries --failed`).
    pub async fn list_dead(&self, limit: u32) -> Result<Vec<Delivery>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, DeliveryRow>(
                "SELECT * FROM deliveries WHERE status = 'dead' ORDER BY updated_at, seq LIMIT $1",
            )
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .context("cannot list dead deliveries")?
        });
        many(rows)
    }

    /// Puts a dead task back in the queue with a fresh attempt budget. False when `id` is not a
    /// dead task.
    pub async fn requeue(&self, id: &str) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2,
                        lease_until = NULL, locked_by = NULL, updated_at = $2
                  WHERE id = $1 AND status = 'dead'",
            )
            .bind(id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot requeue delivery")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    pub async fn get_delivery(&self, id: &str) -> Result<Option<Delivery>, StoreError> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, DeliveryRow>("SELECT * FROM deliveries WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
                .context("cannot read delivery")?
        });
        one(row)
    }

    /// Every task of one complaint, in creation order.
    pub async fn deliveries_for_complaint(&self, complaint_id: i64) -> Result<Vec<Delivery>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, DeliveryRow>("SELECT * FROM deliveries WHERE complaint_id = $1 ORDER BY seq")
                .bind(complaint_id)
                .fetch_all(pool)
                .await
                .context("cannot list deliveries")?
        });
        many(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::NewComplaint;
    use crate::domain::fixtures;
    use crate::storage::SubmitOptions;
    use crate::storage::testing::{TestDb, both_backends};

    const LEASE: Duration = Duration::from_secs(30);

    async fn submit(db: &TestDb) -> i64 {
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some("dukcapil".into()),
            auto_verify: false,
        };
        db.store.submit_complaint(&new, &options).await.unwrap().id
    }

    async fn claim_complete_cycle(db: TestDb) {
        let store = &db.store;
        assert_eq!(
            store.claim_next(DeliveryKind::Forward, "w1", LEASE).await.unwrap(),
            None
        );
        submit(&db).await;
        assert_eq!(store.claim_next(DeliveryKind::Notify, "w1", LEASE).await.unwrap(), None);
        let task = store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(task.status, DeliveryStatus::InFlight);
        assert_eq!(task.attempts, 1);
        assert_eq!(task.locked_by.as_deref(), Some("w1"));
        assert_eq!(task.lease_until, Some(db.clock.now() + 30));
        // Leased: nobody else gets it.
        assert_eq!(
            store.claim_next(DeliveryKind::Forward, "w2", LEASE).await.unwrap(),
            None
        );
        // Only the owner completes it.
        assert!(!store.complete(&task.id, "w2").await.unwrap());
        assert!(store.complete(&task.id, "w1").await.unwrap());
        assert!(!store.complete(&task.id, "w1").await.unwrap());
        let done = store.get_delivery(&task.id).await.unwrap().unwrap();
        assert_eq!(done.status, DeliveryStatus::Done);
        assert_eq!(
            store.claim_next(DeliveryKind::Forward, "w1", LEASE).await.unwrap(),
            None
        );
    }

    async fn expired_lease_is_reclaimed_and_old_owner_is_fenced(db: TestDb) {
        let store = &db.store;
        submit(&db).await;
        let first = store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        db.clock.advance(31);
        let second = store
            .claim_next(DeliveryKind::Forward, "w2", LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.id, first.id);
        assert_eq!(second.attempts, 2);
        assert!(
            !store.complete(&first.id, "w1").await.unwrap(),
            "stale worker must be fenced"
        );
        assert!(store.complete(&second.id, "w2").await.unwrap());
    }

    async fn failure_schedules_retry_then_dead_letter_and_requeue(db: TestDb) {
        let store = &db.store;
        submit(&db).await;
        let task = store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        let retry_at = db.clock.now() + 60;
        assert!(
            store
                .fail(&task.id, "w1", "HTTP 503", Retry::At(retry_at))
                .await
                .unwrap()
        );
        let pending = store.get_delivery(&task.id).await.unwrap().unwrap();
        assert_eq!(pending.status, DeliveryStatus::Pending);
        assert_eq!(pending.last_error.as_deref(), Some("HTTP 503"));
        // Not before its time.
        assert_eq!(
            store.claim_next(DeliveryKind::Forward, "w1", LEASE).await.unwrap(),
            None
        );
        db.clock.advance(60);
        let again = store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.attempts, 2);
        assert!(store.fail(&again.id, "w1", "HTTP 404", Retry::Dead).await.unwrap());
        assert_eq!(
            store.claim_next(DeliveryKind::Forward, "w1", LEASE).await.unwrap(),
            None
        );

        let dead = store.list_dead(10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].id, task.id);
        assert!(store.requeue(&task.id).await.unwrap());
        assert!(!store.requeue(&task.id).await.unwrap(), "only dead tasks are requeued");
        assert!(store.list_dead(10).await.unwrap().is_empty());
        let revived = store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(revived.attempts, 1);
    }

    async fn concurrent_claimers_never_share_a_task(db: TestDb) {
        for _ in 0..12 {
            submit(&db).await;
        }
        let mut handles = Vec::new();
        for w in 0..4 {
            let store = db.store.clone();
            handles.push(tokio::spawn(async move {
                let worker = format!("w{w}");
                let mut got = Vec::new();
                while let Some(task) = store.claim_next(DeliveryKind::Forward, &worker, LEASE).await.unwrap() {
                    got.push(task.id);
                }
                got
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        let total = all.len();
        all.sort();
        all.dedup();
        assert_eq!(total, 12, "every task claimed once");
        assert_eq!(all.len(), 12, "no task claimed twice");
    }

    both_backends!(
        claim_complete_cycle,
        expired_lease_is_reclaimed_and_old_owner_is_fenced,
        failure_schedules_retry_then_dead_letter_and_requeue,
        concurrent_claimers_never_share_a_task,
    );
}
