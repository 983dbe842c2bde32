//! Operational figures read from the database: complaints per status, overdue complaints, the
//! depth and lag of every queue, dead letters, subscribers and broadcast progress.
//!
//! One snapshot ([`Store::ops_stats`]) feeds both `GET /metrics` (gauges computed at scrape time)
//! and `loket stats` (for operators), so the two always agree. Every query is a `COUNT`/`MIN`
//! grouped on indexed columns (`deliveries_ready`, `broadcast_tasks_ready`, `complaints_due`), or
//! a scan of small tables (chats, subscriptions, the few newest announcements); the one full scan
//! is `complaints GROUP BY status`, which stays cheap at a regency's volume. Nothing personal is
//! read: only statuses, counts and timestamps.

use std::collections::HashMap;

use anyhow::Context;

use super::announcements::BroadcastProgress;
use super::{Store, StoreError, on_pool};
use crate::domain::ComplaintStatus;

/// The queues loket works, as named in metrics and `loket stats`.
pub const QUEUES: [&str; 3] = ["forward", "notify", "broadcast"];

/// One queue's state at a moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueStats {
    /// `forward` (complaints to handlers), `notify` (status changes to citizens) or `broadcast`
    /// (announcements to subscribers).
    pub queue: &'static str,
    /// Waiting to be claimed, including tasks scheduled for a later retry.
    pub pending: u64,
    /// Of `pending`, those whose time has come (a worker could take them now).
    pub ready: u64,
    /// Claimed by a worker (for broadcasts: claimed or being sent).
    pub in_flight: u64,
    /// Given up on: dead letters (deliveries) or failed tasks (broadcasts).
    pub dead: u64,
    /// How long the oldest ready task has been waiting past its due time, in seconds (0 when
    /// nothing is ready): the workers' lag.
    pub oldest_ready_age_secs: i64,
}

impl QueueStats {
    /// Tasks not finished yet: pending plus in flight.
    pub fn depth(&self) -> u64 {
        self.pending + self.in_flight
    }
}

/// Chats subscribed to announcements.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SubscriberStats {
    pub active: u64,
    /// Blocked the bot (403): they get nothing until they write to the bot again.
    pub blocked: u64,
}

/// One announcement with its broadcast progress.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnnouncementStats {
    pub id: i64,
    /// `draft`, `approved`, `sending` or `done`.
    pub status: String,
    pub agency: Option<String>,
    pub created_at: i64,
    pub progress: BroadcastProgress,
}

/// Everything [`Store::ops_stats`] reads, at `at` (unix seconds).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpsStats {
    pub at: i64,
    /// Every status, in lifecycle order, with its count (zeros included).
    pub complaints: Vec<(ComplaintStatus, u64)>,
    /// Complaints past their current stage's deadline.
    pub overdue: u64,
    /// One entry per name in [`QUEUES`], in that order.
    pub queues: Vec<QueueStats>,
    pub subscribers: SubscriberStats,
    /// Newest first.
    pub announcements: Vec<AnnouncementStats>,
    /// Citizens' satisfaction per handler (ratings of resolved complaints), by handler id.
    pub ratings: Vec<super::HandlerRating>,
}

/// Which announcements [`Store::ops_stats`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnnouncementScope {
    /// The newest `n`, whatever their state (`loket stats`).
    Recent(u32),
    /// Those approved or being sent (the metrics: finished ones drop out).
    Unfinished,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

impl Store {
    /// The operational snapshot; see the module docs.
    pub async fn ops_stats(&self, scope: AnnouncementScope) -> Result<OpsStats, StoreError> {
        let now = self.now();
        Ok(OpsStats {
            at: now,
            complaints: self.complaints_by_status().await?,
            overdue: self.overdue_count(now).await?,
            queues: self.queue_stats(now).await?,
            subscribers: self.subscriber_stats().await?,
            announcements: self.announcement_stats(scope).await?,
            ratings: self.ratings_per_handler().await?,
        })
    }

    async fn complaints_by_status(&self) -> Result<Vec<(ComplaintStatus, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT status, COUNT(*) FROM complaints GROUP BY status")
                .fetch_all(pool)
                .await
                .context("cannot count complaints")?
        });
        let counts: HashMap<String, i64> = rows.into_iter().collect();
        Ok(ComplaintStatus::ALL
            .into_iter()
            .map(|s| (s, count(counts.get(s.as_str()).copied().unwrap_or(0))))
            .collect())
    }

    async fn overdue_count(&self, now: i64) -> Result<u64, StoreError> {
        let (n,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM complaints WHERE due_at IS NOT NULL AND due_at < $1")
                .bind(now)
                .fetch_one(pool)
                .await
                .context("cannot count overdue complaints")?
        });
        Ok(count(n))
    }

    async fn queue_stats(&self, now: i64) -> Result<Vec<QueueStats>, StoreError> {
        // (queue, status, count) of unfinished and dead tasks, and (queue, count, oldest due) of
        // ready ones; both walk the "ready" indexes only.
        type ByStatus = Vec<(String, String, i64)>;
        type Ready = Vec<(String, i64, Option<i64>)>;
        let (by_status, ready): (ByStatus, Ready) = on_pool!(self, |pool| {
            let mut by_status: ByStatus = sqlx::query_as(
                "SELECT kind, status, COUNT(*) FROM deliveries
                  WHERE kind IN ('forward', 'notify') AND status IN ('pending', 'in_flight', 'dead')
                  GROUP BY kind, status",
            )
            .fetch_all(pool)
            .await
            .context("cannot count deliveries")?;
            let broadcast: Vec<(String, i64)> = sqlx::query_as(
                "SELECT status, COUNT(*) FROM broadcast_tasks
                  WHERE status IN ('pending', 'in_flight', 'sending', 'failed')
                  GROUP BY status",
            )
            .fetch_all(pool)
            .await
            .context("cannot count broadcast tasks")?;
            by_status.extend(broadcast.into_iter().map(|(s, n)| ("broadcast".to_owned(), s, n)));
            let mut ready: Ready = sqlx::query_as(
                "SELECT kind, COUNT(*), MIN(next_attempt_at) FROM deliveries
                  WHERE kind IN ('forward', 'notify') AND status = 'pending' AND next_attempt_at <= $1
                  GROUP BY kind",
            )
            .bind(now)
            .fetch_all(pool)
            .await
            .context("cannot read ready deliveries")?;
            let (n, oldest): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(next_attempt_at) FROM broadcast_tasks
                  WHERE status = 'pending' AND next_attempt_at <= $1",
            )
            .bind(now)
            .fetch_one(pool)
            .await
            .context("cannot read ready broadcast tasks")?;
            ready.push(("broadcast".to_owned(), n, oldest));
            (by_status, ready)
        });
        let mut queues: Vec<QueueStats> = QUEUES
            .iter()
            .map(|&queue| QueueStats {
                queue,
                ..QueueStats::default()
            })
            .collect();
        let find = |queues: &mut Vec<QueueStats>, name: &str| queues.iter().position(|q| q.queue == name);
        for (queue, status, n) in by_status {
            let Some(i) = find(&mut queues, &queue) else { continue };
            let q = &mut queues[i];
            match status.as_str() {
                "pending" => q.pending += count(n),
                "in_flight" | "sending" => q.in_flight += count(n),
                "dead" | "failed" => q.dead += count(n),
                _ => {}
            }
        }
        for (queue, n, oldest) in ready {
            let Some(i) = find(&mut queues, &queue) else { continue };
            queues[i].ready = count(n);
            queues[i].oldest_ready_age_secs = oldest.map_or(0, |due| (now - due).max(0));
        }
        Ok(queues)
    }

    async fn subscriber_stats(&self) -> Result<SubscriberStats, StoreError> {
        let rows: Vec<(String, i64)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT c.status, COUNT(*) FROM chats c
                  WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.chat_id = c.chat_id)
                  GROUP BY c.status",
            )
            .fetch_all(pool)
            .await
            .context("cannot count subscribers")?
        });
        let mut stats = SubscriberStats::default();
        for (status, n) in rows {
            match status.as_str() {
                "blocked" => stats.blocked += count(n),
                _ => stats.active += count(n),
            }
        }
        Ok(stats)
    }

    async fn announcement_stats(&self, scope: AnnouncementScope) -> Result<Vec<AnnouncementStats>, StoreError> {
        type Row = (i64, String, Option<String>, i64);
        let (announcements, tasks): (Vec<Row>, Vec<(i64, String, i64)>) = on_pool!(self, |pool| {
            let announcements: Vec<Row> = match scope {
                AnnouncementScope::Recent(limit) => {
                    sqlx::query_as("SELECT id, status, agency, created_at FROM announcements ORDER BY id DESC LIMIT $1")
                        .bind(i64::from(limit))
                        .fetch_all(pool)
                        .await
                }
                AnnouncementScope::Unfinished => {
                    sqlx::query_as(
                        "SELECT id, status, agency, created_at FROM announcements
                      WHERE status IN ('approved', 'sending') ORDER BY id DESC",
                    )
                    .fetch_all(pool)
                    .await
                }
            }
            .context("cannot list announcements")?;
            let mut tasks = Vec::new();
            for (id, ..) in &announcements {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT status, COUNT(*) FROM broadcast_tasks WHERE announcement_id = $1 GROUP BY status",
                )
                .bind(id)
                .fetch_all(pool)
                .await
                .context("cannot count broadcast tasks")?;
                tasks.extend(rows.into_iter().map(|(status, n)| (*id, status, n)));
            }
            (announcements, tasks)
        });
        Ok(announcements
            .into_iter()
            .map(|(id, status, agency, created_at)| {
                let mut p = BroadcastProgress::default();
                for (_, task_status, n) in tasks.iter().filter(|t| t.0 == id) {
                    let n = count(*n);
                    p.total += n;
                    match task_status.as_str() {
                        "sent" => p.sent += n,
                        "failed" => p.failed += n,
                        "blocked" => p.blocked += n,
                        _ => p.pending += n,
                    }
                }
                AnnouncementStats {
                    id,
                    status,
                    agency,
                    created_at,
                    progress: p,
                }
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::{Actor, NewComplaint, fixtures};
    use crate::storage::announcements::tests::{set_chat_status, subscribe};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, Retry, StatusChange, SubmitOptions};

    const LEASE: Duration = Duration::from_secs(60);

    async fn submit(db: &TestDb, handler: Option<&str>) -> crate::storage::Complaint {
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: handler.map(str::to_owned),
            auto_verify: false,
        };
        db.store.submit_complaint(&new, &options).await.unwrap()
    }

    fn queue<'a>(stats: &'a OpsStats, name: &str) -> &'a QueueStats {
        stats.queues.iter().find(|q| q.queue == name).unwrap()
    }

    async fn an_empty_database_reports_zeros(db: TestDb) {
        let stats = db.store.ops_stats(AnnouncementScope::Recent(5)).await.unwrap();
        assert_eq!(stats.at, db.clock.now());
        assert_eq!(stats.complaints.len(), ComplaintStatus::ALL.len());
        assert!(stats.complaints.iter().all(|(_, n)| *n == 0));
        assert_eq!(stats.overdue, 0);
        let names: Vec<&str> = stats.queues.iter().map(|q| q.queue).collect();
        assert_eq!(names, QUEUES);
        assert!(stats.queues.iter().all(|q| *q
            == QueueStats {
                queue: q.queue,
                ..QueueStats::default()
            }));
        assert_eq!(stats.subscribers, SubscriberStats::default());
        assert!(stats.announcements.is_empty());
    }

    async fn complaints_queues_and_dead_letters_are_counted(db: TestDb) {
        let routed = submit(&db, Some("dukcapil")).await;
        submit(&db, Some("dukcapil")).await;
        submit(&db, None).await;
        db.store
            .change_status(&StatusChange::new(
                routed.ticket.clone(),
                ComplaintStatus::Diverifikasi,
                Actor::Admin("uji".into()),
            ))
            .await
            .unwrap();

        db.clock.advance(90);
        let stats = db.store.ops_stats(AnnouncementScope::Recent(5)).await.unwrap();
        let by_status: HashMap<ComplaintStatus, u64> = stats.complaints.iter().copied().collect();
        assert_eq!(by_status[&ComplaintStatus::Diterima], 2);
        assert_eq!(by_status[&ComplaintStatus::Diverifikasi], 1);
        let forward = queue(&stats, "forward");
        assert_eq!(
            (forward.pending, forward.ready, forward.in_flight, forward.dead),
            (2, 2, 0, 0)
        );
        assert_eq!(forward.oldest_ready_age_secs, 90);
        assert_eq!(forward.depth(), 2);
        let notify = queue(&stats, "notify");
        assert_eq!((notify.pending, notify.ready), (1, 1));
        assert_eq!(notify.oldest_ready_age_secs, 90);

        // One forwarding claimed, then dead-lettered; the other claimed and in flight.
        let first = db
            .store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        db.store.fail(&first.id, "w1", "410 gone", Retry::Dead).await.unwrap();
        db.store
            .claim_next(DeliveryKind::Forward, "w1", LEASE)
            .await
            .unwrap()
            .unwrap();
        // The notification fails once and waits for its retry in an hour: pending, not ready.
        let note = db
            .store
            .claim_next(DeliveryKind::Notify, "w2", LEASE)
            .await
            .unwrap()
            .unwrap();
        db.store
            .fail(&note.id, "w2", "503", Retry::At(db.clock.now() + 3600))
            .await
            .unwrap();
        let stats = db.store.ops_stats(AnnouncementScope::Recent(5)).await.unwrap();
        let forward = queue(&stats, "forward");
        assert_eq!(
            (forward.pending, forward.ready, forward.in_flight, forward.dead),
            (0, 0, 1, 1)
        );
        assert_eq!(forward.oldest_ready_age_secs, 0);
        let notify = queue(&stats, "notify");
        assert_eq!((notify.pending, notify.ready, notify.oldest_ready_age_secs), (1, 0, 0));
    }

    async fn overdue_complaints_are_counted(db: TestDb) {
        let store = db
            .store
            .clone()
            .with_deadlines(std::sync::Arc::new(crate::calendar::Sla::new(
                crate::calendar::SlaSettings::default(),
                crate::calendar::WorkingCalendar::embedded(),
            )));
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        store.submit_complaint(&new, &SubmitOptions::default()).await.unwrap();
        assert_eq!(store.ops_stats(AnnouncementScope::Unfinished).await.unwrap().overdue, 0);
        db.clock.advance(30 * 86_400);
        assert_eq!(store.ops_stats(AnnouncementScope::Unfinished).await.unwrap().overdue, 1);
    }

    async fn subscribers_and_broadcast_progress(db: TestDb) {
        for chat in [11, 12, 13] {
            subscribe(&db.store, chat, "all").await;
        }
        subscribe(&db.store, 12, "agency:Dinas Sosial").await;
        set_chat_status(&db.store, 13, "blocked").await;
        let draft = db.store.create_announcement(None, "Uji pengumuman").await.unwrap();
        let sent = db.store.create_announcement(None, "Pengumuman kedua").await.unwrap();
        db.store.approve_and_fan_out(sent.id).await.unwrap();
        let task = db.store.claim_broadcast("b1", LEASE).await.unwrap().unwrap();
        assert!(db.store.mark_broadcast_sending(task.seq, "b1", LEASE).await.unwrap());
        assert!(db.store.complete_broadcast(task.seq, "b1", 7).await.unwrap());

        let stats = db.store.ops_stats(AnnouncementScope::Recent(5)).await.unwrap();
        assert_eq!(stats.subscribers, SubscriberStats { active: 2, blocked: 1 });
        let ids: Vec<i64> = stats.announcements.iter().map(|a| a.id).collect();
        assert_eq!(ids, vec![sent.id, draft.id], "newest first");
        let progress = stats.announcements[0].progress;
        assert_eq!(progress, db.store.broadcast_progress(sent.id).await.unwrap());
        assert_eq!((progress.sent, progress.total), (1, progress.total));
        assert!(progress.total >= 2, "{progress:?}");
        let broadcast = queue(&stats, "broadcast");
        assert_eq!(broadcast.pending, progress.pending);
        assert_eq!(broadcast.ready, progress.pending);

        let unfinished = db.store.ops_stats(AnnouncementScope::Unfinished).await.unwrap();
        let ids: Vec<i64> = unfinished.announcements.iter().map(|a| a.id).collect();
        assert_eq!(ids, vec![sent.id], "drafts are not being sent");
    }

    both_backends!(
        an_empty_database_reports_zeros,
        complaints_queues_and_dead_letters_are_counted,
        overdue_complaints_are_counted,
        subscribers_and_broadcast_progress,
    );
}
