//! Announcements to subscribers and their broadcast outbox (`announcements`, `broadcast_tasks` of
//! migration 0005).
//!
//! An announcement is created as a draft by an ingest with changes (one per agency part, written
//! in the ingest's transaction, addressed to the agency and its regency/city as the decree names
//! them) or by an administrator (free text, to everyone, or to one agency's or one regency's
//! subscribers). [`Store::approve_and_fan_out`] approves it and, in the same transaction, writes
//! one broadcast task per active subscriber concerned (subscribed to `all`, to `agency:<name>` or
//! to `regency:<name>`, once whatever the topics); approving twice writes nothing more. The broadcast sender then works the
//! tasks with the lease pattern of `deliveries.rs`, plus one more step so a crash never messages
//! a subscriber twice: a task is claimed (`in_flight`, with a lease), marked `sending` right
//! before the Telegram call and `sent` right after it. A task found `sending` with an expired
//! lease died mid-call with an unknown outcome: it is failed, not re-sent. Blocked chats (403)
//! end `blocked`. The claim SQL differs per engine (PostgreSQL skips locked rows), so it lives
//! here in a small trait of its own, beside the shared statements.

use std::time::Duration;

use anyhow::Context;
use loket_knowledge::diff::{ANNOUNCEMENT_MAX_LEN, AnnouncedService, Announcement as DiffAnnouncement};
use sqlx::{PgPool, SqlitePool};

use super::{Dialect, Store, StoreError, on_pool};

/// Where an announcement is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementStatus {
    /// Waiting for an administrator (`loket announcements send ID`).
    Draft,
    /// Approved; its broadcast tasks are written.
    Approved,
    /// A sender has started on its tasks.
    Sending,
    /// Every task has an outcome (sent, failed or blocked).
    Done,
}

impl AnnouncementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Approved => "approved",
            Self::Sending => "sending",
            Self::Done => "done",
        }
    }

    fn parse(raw: &str) -> anyhow::Result<Self> {
        match raw {
            "draft" => Ok(Self::Draft),
            "approved" => Ok(Self::Approved),
            "sending" => Ok(Self::Sending),
            "done" => Ok(Self::Done),
            other => anyhow::bail!("unknown announcement status {other:?}"),
        }
    }
}

/// One stored announcement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Announcement {
    pub id: i64,
    /// The ingest that produced it; `None` for an administrator's free text.
    pub ingest_id: Option<i64>,
    /// Whose subscribers receive it (plus those subscribed to everything and to `regency`);
    /// `None` with `regency` `None`: every subscriber.
    pub agency: Option<String>,
    /// The regency or city whose subscribers receive it ("Kabupaten Pasuruan").
    pub regency: Option<String>,
    /// Plain text, as the citizen reads it.
    pub text: String,
    /// The services it mentions (one "lihat layanan" button each, except removed ones).
    pub services: Vec<AnnouncedService>,
    pub status: AnnouncementStatus,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct AnnouncementRow {
    id: i64,
    ingest_id: Option<i64>,
    agency: Option<String>,
    regency: Option<String>,
    text: String,
    services: String,
    status: String,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<AnnouncementRow> for Announcement {
    type Error = anyhow::Error;

    fn try_from(row: AnnouncementRow) -> anyhow::Result<Self> {
        Ok(Self {
            services: serde_json::from_str(&row.services).context("unreadable announcement services")?,
            status: AnnouncementStatus::parse(&row.status)?,
            id: row.id,
            ingest_id: row.ingest_id,
            agency: row.agency,
            regency: row.regency,
            text: row.text,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// An announcement about to be inserted.
#[derive(Debug, Clone)]
pub(crate) struct NewAnnouncement {
    pub(crate) ingest_id: Option<i64>,
    pub(crate) agency: Option<String>,
    pub(crate) regency: Option<String>,
    pub(crate) text: String,
    /// JSON list of [`AnnouncedService`].
    pub(crate) services: String,
}

impl NewAnnouncement {
    /// The ingest's announcement to `a.agency`, and to `regency` (the agency's, as parsed).
    pub(crate) fn from_diff(ingest_id: i64, a: &DiffAnnouncement, regency: Option<String>) -> anyhow::Result<Self> {
        Ok(Self {
            ingest_id: Some(ingest_id),
            agency: Some(a.agency.clone()),
            regency,
            text: a.text.clone(),
            services: serde_json::to_string(&a.services).context("cannot serialise announced services")?,
        })
    }
}

/// Why a free-text announcement was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnouncementTextError {
    #[error("the announcement text is empty")]
    Empty,
    #[error("the announcement text is {0} UTF-16 units long; at most {ANNOUNCEMENT_MAX_LEN} fit one message")]
    TooLong(usize),
}

/// Inserts an announcement on `$exec`; evaluates to `anyhow::Result<i64>` (its id).
macro_rules! insert_announcement {
    ($exec:expr, $new:expr, $status:expr, $now:expr $(,)?) => {{
        let new: &$crate::storage::announcements::NewAnnouncement = $new;
        sqlx::query_as::<_, (i64,)>(
            "INSERT INTO announcements (ingest_id, agency, regency, text, services, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        )
        .bind(new.ingest_id)
        .bind(new.agency.as_deref())
        .bind(new.regency.as_deref())
        .bind(&new.text)
        .bind(&new.services)
        .bind($status.as_str())
        .bind($now)
        .fetch_one($exec)
        .await
        .map(|(id,)| id)
        .context("cannot insert announcement")
    }};
}
pub(crate) use insert_announcement;

/// Writes one pending broadcast task per active chat subscribed to everything, to `$agency` or to
/// `$regency` (both `None`: every subscriber); evaluates to `anyhow::Result<u64>` (tasks
/// written). Chats that already have a task for the announcement are skipped, so it is safe to
/// repeat.
macro_rules! fan_out {
    ($exec:expr, $announcement:expr, $agency:expr, $regency:expr, $now:expr $(,)?) => {{
        let agency: Option<&str> = $agency;
        let regency: Option<&str> = $regency;
        let agency_topic: Option<String> = agency.map($crate::storage::announcements::agency_topic);
        let regency_topic: Option<String> = regency.map($crate::storage::chats::regency_topic);
        let everyone = agency_topic.is_none() && regency_topic.is_none();
        sqlx::query(
            "INSERT INTO broadcast_tasks (announcement_id, chat_id, status, attempts, next_attempt_at, updated_at)
             SELECT $1, c.chat_id, 'pending', 0, $2, $2
               FROM chats c
              WHERE c.status = 'active'
                AND EXISTS (SELECT 1 FROM subscriptions s
                             WHERE s.chat_id = c.chat_id
                               AND ($3 OR s.topic = 'all' OR s.topic = $4 OR s.topic = $5))
             ON CONFLICT (announcement_id, chat_id) DO NOTHING",
        )
        .bind($announcement)
        .bind($now)
        .bind(everyone)
        .bind(agency_topic)
        .bind(regency_topic)
        .execute($exec)
        .await
        .map(|r| r.rows_affected())
        .context("cannot write broadcast tasks")
    }};
}
pub(crate) use fan_out;

/// The subscription topic of one agency (the conversation core writes the same).
pub(crate) use super::chats::agency_topic;

/// How far a broadcast has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BroadcastProgress {
    pub total: u64,
    pub sent: u64,
    /// Not yet sent: waiting, claimed or being sent right now.
    pub pending: u64,
    /// Given up on (repeated errors, or interrupted mid-send with an unknown outcome).
    pub failed: u64,
    /// The chat blocked the bot (403) and got nothing.
    pub blocked: u64,
}

impl BroadcastProgress {
    /// True when every task has an outcome.
    pub fn finished(&self) -> bool {
        self.pending == 0
    }
}

/// What [`Store::approve_and_fan_out`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct FanOut {
    /// Tasks written now (0 when it was approved before).
    pub tasks: u64,
    /// False when the announcement was already approved (nothing changed).
    pub approved_now: bool,
}

/// One claimed broadcast task.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BroadcastTask {
    pub seq: i64,
    pub announcement_id: i64,
    pub chat_id: i64,
    /// Claims so far, including this one.
    pub attempts: i32,
}

/// The broadcast claim differs per engine (row locks); see `sqlite.rs` / `postgres.rs` for the
/// same split on `deliveries`.
pub(crate) trait BroadcastDialect {
    /// Binds `$1` now, `$2` lease_until, `$3` worker id, `$4`..`$5` the chat ids it may claim
    /// (one channel's); returns a [`BroadcastTask`].
    const CLAIM: &'static str;
}

/// Readiness: an expired claim first (its worker died before sending), then the oldest pending.
macro_rules! claim_sql {
    ($lock:literal) => {
        concat!(
            "UPDATE broadcast_tasks
                SET status = 'in_flight', attempts = attempts + 1, lease_until = $2, locked_by = $3,
                    updated_at = $1
              WHERE seq = COALESCE(
                      (SELECT seq FROM broadcast_tasks
                        WHERE status = 'in_flight' AND lease_until <= $1 AND chat_id BETWEEN $4 AND $5
                        ORDER BY seq LIMIT 1 ",
            $lock,
            "),
                      (SELECT seq FROM broadcast_tasks
                        WHERE status = 'pending' AND next_attempt_at <= $1 AND chat_id BETWEEN $4 AND $5
                        ORDER BY next_attempt_at, seq LIMIT 1 ",
            $lock,
            "))
                AND ((status = 'pending' AND next_attempt_at <= $1)
                  OR (status = 'in_flight' AND lease_until <= $1))
             RETURNING seq, announcement_id, chat_id, attempts"
        )
    };
}

impl BroadcastDialect for SqlitePool {
    const CLAIM: &'static str = claim_sql!("");
}

impl BroadcastDialect for PgPool {
    const CLAIM: &'static str = claim_sql!("FOR UPDATE SKIP LOCKED");
}

fn claim_sql<P: BroadcastDialect>(_: &P) -> &'static str {
    P::CLAIM
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2).max(1)
}

fn truncate_error(error: &str) -> String {
    error.chars().take(2000).collect()
}

impl Store {
    /// An administrator's free-text announcement (a draft) to one agency's subscribers (and
    /// those subscribed to everything), or with `agency: None` to every subscriber.
    pub async fn create_announcement(&self, agency: Option<&str>, text: &str) -> Result<Announcement, StoreError> {
        self.create_announcement_to(agency, None, text).await
    }

    /// An administrator's free-text announcement (a draft) to the subscribers of `agency` and of
    /// `regency` (and those subscribed to everything); with both `None`, to every subscriber.
    pub async fn create_announcement_to(
        &self,
        agency: Option<&str>,
        regency: Option<&str>,
        text: &str,
    ) -> Result<Announcement, StoreError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(anyhow::Error::new(AnnouncementTextError::Empty).into());
        }
        let len = text.encode_utf16().count();
        if len > ANNOUNCEMENT_MAX_LEN {
            return Err(anyhow::Error::new(AnnouncementTextError::TooLong(len)).into());
        }
        let new = NewAnnouncement {
            ingest_id: None,
            agency: agency.map(str::to_owned),
            regency: regency.map(str::to_owned),
            text: text.to_owned(),
            services: "[]".to_owned(),
        };
        let now = self.now();
        let id = on_pool!(self, |pool| insert_announcement!(
            pool,
            &new,
            AnnouncementStatus::Draft,
            now
        )?);
        self.announcement(id).await?.ok_or(StoreError::NotFound)
    }

    /// For benchmarks and tests: `n` active chats with ids `1..=n`, each subscribed to every
    /// announcement, in two statements (a broadcast to thousands needs no loop of inserts).
    pub async fn seed_subscribers(&self, n: i64) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query(
                "WITH RECURSIVE seq(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM seq WHERE x < $1)
                 INSERT INTO chats (chat_id, status, created_at, updated_at) SELECT x, 'active', 0, 0 FROM seq",
            )
            .bind(n)
            .execute(pool)
            .await?;
            sqlx::query("INSERT INTO subscriptions (chat_id, topic, created_at) SELECT chat_id, 'all', 0 FROM chats")
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    pub async fn announcement(&self, id: i64) -> Result<Option<Announcement>, StoreError> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, AnnouncementRow>("SELECT * FROM announcements WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
                .context("cannot read announcement")?
        });
        Ok(row.map(Announcement::try_from).transpose()?)
    }

    /// The announcements an ingest drafted (or approved), in creation order.
    pub async fn announcements_of_ingest(&self, ingest_id: i64) -> Result<Vec<Announcement>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, AnnouncementRow>("SELECT * FROM announcements WHERE ingest_id = $1 ORDER BY id")
                .bind(ingest_id)
                .fetch_all(pool)
                .await
                .context("cannot list an ingest's announcements")?
        });
        Ok(rows
            .into_iter()
            .map(Announcement::try_from)
            .collect::<anyhow::Result<Vec<_>>>()?)
    }

    /// The newest announcements first.
    pub async fn list_announcements(&self, limit: u32) -> Result<Vec<Announcement>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, AnnouncementRow>("SELECT * FROM announcements ORDER BY id DESC LIMIT $1")
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await
                .context("cannot list announcements")?
        });
        Ok(rows
            .into_iter()
            .map(Announcement::try_from)
            .collect::<anyhow::Result<Vec<_>>>()?)
    }

    /// Approves a draft and writes its broadcast tasks in one transaction. Approving an
    /// announcement that is already approved (or sent) changes nothing.
    pub async fn approve_and_fan_out(&self, id: i64) -> Result<FanOut, StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let row: Option<(String, Option<String>, Option<String>)> =
                sqlx::query_as("SELECT status, agency, regency FROM announcements WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await
                    .context("cannot read announcement")?;
            let Some((status, agency, regency)) = row else {
                return Err(StoreError::NotFound);
            };
            if AnnouncementStatus::parse(&status)? != AnnouncementStatus::Draft {
                tx.rollback().await?;
                return Ok(FanOut {
                    tasks: 0,
                    approved_now: false,
                });
            }
            let approved = sqlx::query(
                "UPDATE announcements SET status = 'approved', updated_at = $2 WHERE id = $1 AND status = 'draft'",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .context("cannot approve announcement")?
            .rows_affected();
            if approved != 1 {
                tx.rollback().await?;
                return Ok(FanOut {
                    tasks: 0,
                    approved_now: false,
                });
            }
            let tasks = fan_out!(&mut *tx, id, agency.as_deref(), regency.as_deref(), now)?;
            tx.commit().await?;
            Ok(FanOut {
                tasks,
                approved_now: true,
            })
        })
    }

    /// Sent / pending / failed / blocked counts of one announcement's broadcast.
    pub async fn broadcast_progress(&self, announcement_id: i64) -> Result<BroadcastProgress, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT status, COUNT(*) FROM broadcast_tasks WHERE announcement_id = $1 GROUP BY status")
                .bind(announcement_id)
                .fetch_all(pool)
                .await
                .context("cannot count broadcast tasks")?
        });
        let mut p = BroadcastProgress::default();
        for (status, n) in rows {
            let n = u64::try_from(n).unwrap_or_default();
            p.total += n;
            match status.as_str() {
                "sent" => p.sent += n,
                "failed" => p.failed += n,
                "blocked" => p.blocked += n,
                _ => p.pending += n,
            }
        }
        Ok(p)
    }

    /// The chats whose task failed for good, with the reason (e.g. a send cut off by a crash).
    pub async fn broadcast_failures(&self, announcement_id: i64) -> Result<Vec<(i64, String)>, StoreError> {
        let rows: Vec<(i64, Option<String>)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT chat_id, last_error FROM broadcast_tasks
                  WHERE announcement_id = $1 AND status = 'failed' ORDER BY chat_id",
            )
            .bind(announcement_id)
            .fetch_all(pool)
            .await
            .context("cannot list failed broadcast tasks")?
        });
        Ok(rows
            .into_iter()
            .map(|(chat, e)| (chat, e.unwrap_or_default()))
            .collect())
    }

    /// Claims the next ready broadcast task (any announcement) for `worker` until now + `lease`.
    pub async fn claim_broadcast(&self, worker: &str, lease: Duration) -> Result<Option<BroadcastTask>, StoreError> {
        self.claim_broadcast_for_chats(worker, lease, &(i64::MIN..=i64::MAX))
            .await
    }

    /// Like [`claim_broadcast`](Self::claim_broadcast), only among tasks whose chat id is in
    /// `chats`: one channel's subscribers (Telegram, WhatsApp or web chat; their chat ids do not
    /// overlap), so each channel's sender takes only what it can deliver.
    pub async fn claim_broadcast_for_chats(
        &self,
        worker: &str,
        lease: Duration,
        chats: &std::ops::RangeInclusive<i64>,
    ) -> Result<Option<BroadcastTask>, StoreError> {
        let now = self.now();
        let task = on_pool!(self, |pool| {
            sqlx::query_as::<_, BroadcastTask>(claim_sql(pool))
                .bind(now)
                .bind(now + secs(lease))
                .bind(worker)
                .bind(*chats.start())
                .bind(*chats.end())
                .fetch_optional(pool)
                .await
                .context("cannot claim broadcast task")?
        });
        Ok(task)
    }

    /// Right before the Telegram call: `in_flight` -> `sending`, renewing the lease. False when
    /// the lease was lost or the chat is blocked (see [`Store::skip_blocked_broadcast`]).
    pub async fn mark_broadcast_sending(&self, seq: i64, worker: &str, lease: Duration) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks SET status = 'sending', lease_until = $3, updated_at = $4
                  WHERE seq = $1 AND locked_by = $2 AND status = 'in_flight'
                    AND NOT EXISTS (SELECT 1 FROM chats c
                                     WHERE c.chat_id = broadcast_tasks.chat_id AND c.status = 'blocked')",
            )
            .bind(seq)
            .bind(worker)
            .bind(now + secs(lease))
            .bind(now)
            .execute(pool)
            .await
            .context("cannot mark broadcast task sending")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Ends a claimed task `blocked` without sending when its chat is blocked by now. False when
    /// the chat is not blocked or the lease was lost.
    pub async fn skip_blocked_broadcast(&self, seq: i64, worker: &str) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks SET status = 'blocked', lease_until = NULL, updated_at = $3,
                        last_error = 'chat is blocked; not sent'
                  WHERE seq = $1 AND locked_by = $2 AND status = 'in_flight'
                    AND EXISTS (SELECT 1 FROM chats c
                                 WHERE c.chat_id = broadcast_tasks.chat_id AND c.status = 'blocked')",
            )
            .bind(seq)
            .bind(worker)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot skip blocked broadcast task")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Gives a claimed task back unsent (the sender is stopping): `pending` again at once, the
    /// claim not counted as an attempt.
    pub async fn release_broadcast(&self, seq: i64, worker: &str) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks SET status = 'pending', attempts = attempts - 1, lease_until = NULL,
                        next_attempt_at = $3, updated_at = $3
                  WHERE seq = $1 AND locked_by = $2 AND status = 'in_flight'",
            )
            .bind(seq)
            .bind(worker)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot release broadcast task")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Telegram accepted the message: `sending` -> `sent`.
    pub async fn complete_broadcast(&self, seq: i64, worker: &str, message_id: i64) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks SET status = 'sent', message_id = $3, lease_until = NULL,
                        last_error = NULL, updated_at = $4
                  WHERE seq = $1 AND locked_by = $2 AND status = 'sending'",
            )
            .bind(seq)
            .bind(worker)
            .bind(message_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot complete broadcast task")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Nothing was delivered (429, network error): back to `pending` at `at`.
    pub async fn retry_broadcast(&self, seq: i64, worker: &str, at: i64, error: &str) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks SET status = 'pending', next_attempt_at = $3, last_error = $4,
                        lease_until = NULL, updated_at = $5
                  WHERE seq = $1 AND locked_by = $2 AND status IN ('in_flight', 'sending')",
            )
            .bind(seq)
            .bind(worker)
            .bind(at)
            .bind(truncate_error(error))
            .bind(now)
            .execute(pool)
            .await
            .context("cannot reschedule broadcast task")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Gives up on a task: `failed`, or `blocked` when the chat blocked the bot.
    pub async fn fail_broadcast(&self, seq: i64, worker: &str, error: &str, blocked: bool) -> Result<bool, StoreError> {
        let now = self.now();
        let status = if blocked { "blocked" } else { "failed" };
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks SET status = $3, last_error = $4, lease_until = NULL, updated_at = $5
                  WHERE seq = $1 AND locked_by = $2 AND status IN ('in_flight', 'sending')",
            )
            .bind(seq)
            .bind(worker)
            .bind(status)
            .bind(truncate_error(error))
            .bind(now)
            .execute(pool)
            .await
            .context("cannot fail broadcast task")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Fails the tasks whose sender died during the Telegram call (`sending` with an expired
    /// lease): the message may or may not have arrived, and sending it again could duplicate it.
    pub async fn expire_interrupted_broadcasts(&self) -> Result<u64, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE broadcast_tasks
                    SET status = 'failed', lease_until = NULL, updated_at = $1,
                        last_error = 'interrupted mid-send (outcome unknown); not re-sent to avoid a duplicate'
                  WHERE status = 'sending' AND lease_until <= $1",
            )
            .bind(now)
            .execute(pool)
            .await
            .context("cannot expire interrupted broadcast tasks")?
            .rows_affected()
        });
        Ok(n)
    }

    /// Moves approved announcements with a claimed task to `sending`, and announcements whose
    /// every task has an outcome to `done`. Returns how many became done.
    pub async fn settle_announcements(&self) -> Result<u64, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "UPDATE announcements SET status = 'sending', updated_at = $1
                  WHERE status = 'approved'
                    AND EXISTS (SELECT 1 FROM broadcast_tasks t
                                 WHERE t.announcement_id = announcements.id AND t.attempts > 0)",
            )
            .bind(now)
            .execute(pool)
            .await
            .context("cannot mark announcements sending")?;
            sqlx::query(
                "UPDATE announcements SET status = 'done', updated_at = $1
                  WHERE status IN ('approved', 'sending')
                    AND NOT EXISTS (SELECT 1 FROM broadcast_tasks t
                                     WHERE t.announcement_id = announcements.id
                                       AND t.status IN ('pending', 'in_flight', 'sending'))",
            )
            .bind(now)
            .execute(pool)
            .await
            .context("cannot mark announcements done")?
            .rows_affected()
        });
        Ok(n)
    }

    /// The soonest `next_attempt_at` of a pending task, or a claim's lease end: when there may
    /// be work again. `None` when nothing is left.
    pub async fn next_broadcast_due(&self) -> Result<Option<i64>, StoreError> {
        let (at,): (Option<i64>,) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT MIN(CASE WHEN status = 'pending' THEN next_attempt_at ELSE lease_until END)
                   FROM broadcast_tasks WHERE status IN ('pending', 'in_flight', 'sending')",
            )
            .fetch_one(pool)
            .await
            .context("cannot read the next broadcast time")?
        });
        Ok(at)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::storage::standards::tests::{AGENCY, baseline, corpus};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{IngestOptions, regency_topic};

    const LEASE: Duration = Duration::from_secs(60);

    /// Subscribes `chat` to `topic` ("all" or "agency:<name>") and activates it.
    pub(crate) async fn subscribe(store: &Store, chat: i64, topic: &str) {
        on_pool!(store, |pool| {
            sqlx::query(
                "INSERT INTO chats (chat_id, status, created_at, updated_at) VALUES ($1, 'active', 0, 0)
                 ON CONFLICT (chat_id) DO NOTHING",
            )
            .bind(chat)
            .execute(pool)
            .await
            .unwrap();
            sqlx::query("INSERT INTO subscriptions (chat_id, topic, created_at) VALUES ($1, $2, 0)")
                .bind(chat)
                .bind(topic)
                .execute(pool)
                .await
                .unwrap();
        });
    }

    pub(crate) async fn set_chat_status(store: &Store, chat: i64, status: &str) {
        on_pool!(store, |pool| {
            sqlx::query("UPDATE chats SET status = $2 WHERE chat_id = $1")
                .bind(chat)
                .bind(status)
                .execute(pool)
                .await
                .unwrap();
        });
    }

    async fn an_ingest_with_changes_creates_draft_announcements(db: TestDb) {
        baseline(&db.store).await;
        let first = db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        assert_eq!(first.announcements.len(), 1);
        let again = db.store.record_ingest(&corpus("Gratis")).await.unwrap();
        assert!(again.announcements.is_empty(), "no change, no announcement");
        let changed = db.store.record_ingest(&corpus("Rp 10.000")).await.unwrap();
        assert_eq!(changed.announcements.len(), 1);
        let a = db.store.announcement(changed.announcements[0]).await.unwrap().unwrap();
        assert_eq!(a.status, AnnouncementStatus::Draft);
        assert_eq!(a.agency.as_deref(), Some(AGENCY));
        assert_eq!(
            a.regency.as_deref(),
            Some("Kabupaten Pasuruan"),
            "the agency's regency, as parsed"
        );
        assert_eq!(a.ingest_id, changed.ingest_id);
        assert!(a.text.contains("Pembaruan Standar Pelayanan"), "{}", a.text);
        assert!(a.text.contains("Rp 10.000"), "{}", a.text);
        assert_eq!(a.services.len(), 1);
        assert_eq!(a.services[0].title, "Surat Keterangan Ahli Waris");
        let listed = db.store.list_announcements(10).await.unwrap();
        assert_eq!(
            listed.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![a.id, first.announcements[0]]
        );
    }

    async fn approval_writes_one_task_per_concerned_active_subscriber(db: TestDb) {
        let store = &db.store;
        subscribe(store, 1, "all").await;
        subscribe(store, 2, &agency_topic(AGENCY)).await;
        subscribe(store, 3, "agency:Dinas Lain").await;
        subscribe(store, 4, "all").await;
        subscribe(store, 4, &agency_topic(AGENCY)).await; // both topics: still one task
        subscribe(store, 5, "all").await;
        set_chat_status(store, 5, "blocked").await;
        subscribe(store, 6, &regency_topic("Kabupaten Pasuruan")).await; // the agency's regency
        subscribe(store, 7, "regency:Kota Malang").await;
        baseline(store).await;
        let outcome = store.record_ingest(&corpus("Gratis")).await.unwrap();
        let id = outcome.announcements[0];
        assert_eq!(
            store.broadcast_progress(id).await.unwrap(),
            BroadcastProgress::default()
        );
        let fan = store.approve_and_fan_out(id).await.unwrap();
        assert_eq!(
            fan,
            FanOut {
                tasks: 4,
                approved_now: true
            }
        );
        let again = store.approve_and_fan_out(id).await.unwrap();
        assert_eq!(
            again,
            FanOut {
                tasks: 0,
                approved_now: false
            }
        );
        let p = store.broadcast_progress(id).await.unwrap();
        assert_eq!((p.total, p.pending, p.sent), (4, 4, 0));
        assert_eq!(
            store.announcement(id).await.unwrap().unwrap().status,
            AnnouncementStatus::Approved
        );
        assert!(matches!(
            store.approve_and_fan_out(9999).await,
            Err(StoreError::NotFound)
        ));
    }

    async fn free_text_goes_to_everyone_one_agency_or_one_regency(db: TestDb) {
        let store = &db.store;
        subscribe(store, 1, "all").await;
        subscribe(store, 2, &agency_topic(AGENCY)).await;
        subscribe(store, 3, "agency:Dinas Lain").await;
        let everyone = store
            .create_announcement(None, "  Kantor tutup tanggal 17 Agustus.  ")
            .await
            .unwrap();
        assert_eq!(everyone.text, "Kantor tutup tanggal 17 Agustus.");
        assert_eq!(store.approve_and_fan_out(everyone.id).await.unwrap().tasks, 3);
        let one = store
            .create_announcement(Some("Dinas Lain"), "Jam layanan berubah.")
            .await
            .unwrap();
        assert_eq!(store.approve_and_fan_out(one.id).await.unwrap().tasks, 2);
        subscribe(store, 4, &regency_topic("Kota Malang")).await;
        subscribe(store, 5, &regency_topic("Kabupaten Pasuruan")).await;
        let regional = store
            .create_announcement_to(None, Some("Kota Malang"), "Layanan keliling di Kota Malang.")
            .await
            .unwrap();
        assert_eq!(regional.regency.as_deref(), Some("Kota Malang"));
        let p = store.approve_and_fan_out(regional.id).await.unwrap();
        assert_eq!(p.tasks, 2, "everyone's subscriber and the regency's");
        let both = store
            .create_announcement_to(
                Some("Dinas Lain"),
                Some("Kota Malang"),
                "Dinas Lain di Kota Malang pindah.",
            )
            .await
            .unwrap();
        assert_eq!(store.approve_and_fan_out(both.id).await.unwrap().tasks, 3);
        assert!(store.create_announcement(None, "   ").await.is_err());
        assert!(store.create_announcement(None, &"x".repeat(5000)).await.is_err());
    }

    async fn auto_send_approves_and_fans_out_in_the_ingest_transaction(db: TestDb) {
        subscribe(&db.store, 1, "all").await;
        baseline(&db.store).await;
        let options = IngestOptions { auto_approve: true };
        let outcome = db
            .store
            .record_ingest_with(&corpus("Gratis"), "test", options)
            .await
            .unwrap();
        let id = outcome.announcements[0];
        assert_eq!(
            db.store.announcement(id).await.unwrap().unwrap().status,
            AnnouncementStatus::Approved
        );
        assert_eq!(db.store.broadcast_progress(id).await.unwrap().pending, 1);
    }

    async fn task_lifecycle_with_leases_and_interrupted_sends(db: TestDb) {
        let store = &db.store;
        for chat in 1..=3 {
            subscribe(store, chat, "all").await;
        }
        let a = store.create_announcement(None, "Halo").await.unwrap();
        store.approve_and_fan_out(a.id).await.unwrap();
        // 1: sent.
        let t1 = store.claim_broadcast("w1", LEASE).await.unwrap().unwrap();
        assert_eq!((t1.chat_id, t1.attempts), (1, 1));
        assert!(store.mark_broadcast_sending(t1.seq, "w1", LEASE).await.unwrap());
        assert!(!store.complete_broadcast(t1.seq, "w2", 7).await.unwrap(), "fenced");
        assert!(store.complete_broadcast(t1.seq, "w1", 7).await.unwrap());
        store.settle_announcements().await.unwrap();
        assert_eq!(
            store.announcement(a.id).await.unwrap().unwrap().status,
            AnnouncementStatus::Sending
        );
        // 2: claimed, worker died before sending: reclaimed after the lease.
        let t2 = store.claim_broadcast("w1", LEASE).await.unwrap().unwrap();
        // 3: died mid-send: failed, never re-sent.
        let t3 = store.claim_broadcast("w1", LEASE).await.unwrap().unwrap();
        assert!(store.mark_broadcast_sending(t3.seq, "w1", LEASE).await.unwrap());
        assert_eq!(store.claim_broadcast("w2", LEASE).await.unwrap(), None);
        db.clock.advance(61);
        assert_eq!(store.expire_interrupted_broadcasts().await.unwrap(), 1);
        let again = store.claim_broadcast("w2", LEASE).await.unwrap().unwrap();
        assert_eq!((again.seq, again.attempts), (t2.seq, 2));
        assert!(
            !store.mark_broadcast_sending(t2.seq, "w1", LEASE).await.unwrap(),
            "old owner fenced"
        );
        // Its chat blocked the bot meanwhile: skipped, not sent.
        set_chat_status(store, again.chat_id, "blocked").await;
        assert!(!store.mark_broadcast_sending(again.seq, "w2", LEASE).await.unwrap());
        assert!(store.skip_blocked_broadcast(again.seq, "w2").await.unwrap());
        assert_eq!(store.claim_broadcast("w2", LEASE).await.unwrap(), None);
        assert_eq!(store.next_broadcast_due().await.unwrap(), None);
        let p = store.broadcast_progress(a.id).await.unwrap();
        assert_eq!((p.sent, p.pending, p.failed, p.blocked), (1, 0, 1, 1));
        assert_eq!(store.settle_announcements().await.unwrap(), 1);
        assert_eq!(
            store.announcement(a.id).await.unwrap().unwrap().status,
            AnnouncementStatus::Done
        );
    }

    async fn retries_wait_for_their_time(db: TestDb) {
        let store = &db.store;
        subscribe(store, 1, "all").await;
        let a = store.create_announcement(None, "Halo").await.unwrap();
        store.approve_and_fan_out(a.id).await.unwrap();
        let t = store.claim_broadcast("w", LEASE).await.unwrap().unwrap();
        assert!(store.mark_broadcast_sending(t.seq, "w", LEASE).await.unwrap());
        let at = db.clock.now() + 5;
        assert!(store.retry_broadcast(t.seq, "w", at, "429").await.unwrap());
        assert_eq!(store.claim_broadcast("w", LEASE).await.unwrap(), None);
        assert_eq!(store.next_broadcast_due().await.unwrap(), Some(at));
        db.clock.advance(5);
        let t = store.claim_broadcast("w", LEASE).await.unwrap().unwrap();
        assert_eq!(t.attempts, 2);
        assert!(store.fail_broadcast(t.seq, "w", "Bad Request", false).await.unwrap());
        assert_eq!(store.broadcast_progress(a.id).await.unwrap().failed, 1);
    }

    async fn concurrent_claimers_never_share_a_task(db: TestDb) {
        for chat in 1..=40 {
            subscribe(&db.store, chat, "all").await;
        }
        let a = db.store.create_announcement(None, "Halo").await.unwrap();
        db.store.approve_and_fan_out(a.id).await.unwrap();
        let mut handles = Vec::new();
        for w in 0..4 {
            let store = db.store.clone();
            handles.push(tokio::spawn(async move {
                let worker = format!("w{w}");
                let mut got = Vec::new();
                while let Some(t) = store.claim_broadcast(&worker, LEASE).await.unwrap() {
                    got.push(t.chat_id);
                }
                got
            }));
        }
        let mut all = Vec::new();
        for h in handles {
            all.extend(h.await.unwrap());
        }
        all.sort();
        assert_eq!(all, (1..=40).collect::<Vec<_>>());
    }

    /// Each channel's sender claims only its own subscribers' tasks (Telegram's chat ids, the
    /// WhatsApp contacts' far below them, the web sessions' far above), and every subscriber of
    /// every channel gets one task.
    async fn each_channel_claims_only_its_own_subscribers(db: TestDb) {
        let store = &db.store;
        let (whatsapp, telegram, web) = (-(1_i64 << 53) - 5, 42_i64, (1_i64 << 53) + 5);
        for chat in [whatsapp, telegram, web] {
            subscribe(store, chat, "all").await;
        }
        let a = store
            .create_announcement(None, "Kantor tutup hari Senin.")
            .await
            .unwrap();
        assert_eq!(store.approve_and_fan_out(a.id).await.unwrap().tasks, 3);
        let ranges = [
            i64::MIN..=-(1_i64 << 53) - 1,
            -(1_i64 << 53)..=1_i64 << 53,
            (1_i64 << 53) + 1..=i64::MAX,
        ];
        for (range, chat) in ranges.iter().zip([whatsapp, telegram, web]) {
            let task = store
                .claim_broadcast_for_chats("w", LEASE, range)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(task.chat_id, chat);
            assert_eq!(store.claim_broadcast_for_chats("w", LEASE, range).await.unwrap(), None);
        }
        assert_eq!(store.broadcast_progress(a.id).await.unwrap().pending, 3);
    }

    both_backends!(
        each_channel_claims_only_its_own_subscribers,
        an_ingest_with_changes_creates_draft_announcements,
        approval_writes_one_task_per_concerned_active_subscriber,
        free_text_goes_to_everyone_one_agency_or_one_regency,
        auto_send_approves_and_fans_out_in_the_ingest_transaction,
        task_lifecycle_with_leases_and_interrupted_sends,
        retries_wait_for_their_time,
        concurrent_claimers_never_share_a_task,
    );
}
