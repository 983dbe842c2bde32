//! [`ChannelBroadcaster`]: sends announcements to the subscribers of one channel other than
//! Telegram (WhatsApp, the web chat), from the same `broadcast_tasks` outbox as Telegram's
//! sender, so an announcement reaches every channel's subscribers and its progress (sent /
//! pending / failed / blocked) counts them all.
//!
//! The fan-out writes one task per active subscriber (unique per announcement and chat: each
//! recipient once). Each channel's broadcaster claims only its own chat ids (the channels' ids
//! do not overlap), with the same lease protocol as Telegram's: claim, mark `sending` right
//! before the send, `sent` after it. A process killed between the send and the mark leaves the
//! task `sending`; once its lease expires it is failed, not sent again (at most once: a citizen
//! may miss an announcement after a crash, but never gets it twice). The channel's own sender
//! paces the messages (WhatsApp: `messages_per_second`); a channel that says "too fast" puts
//! the task back at once, other temporary failures back off, an unreachable citizen ends the
//! task `blocked` and marks the chat, so later fan-outs skip it.

use std::sync::Arc;
use std::time::Duration;

use crate::storage::{Announcement, BroadcastTask, Store, StoreError};

/// What a channel did with one announcement for one subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Delivered (handed to the platform).
    Sent,
    /// The citizen cannot be reached on this channel any more (blocked, session ended).
    Unreachable(String),
    /// Nothing was delivered; try again after the backoff (`now`: at once, the channel's own
    /// pacing waits).
    Retry { reason: String, now: bool },
    /// Will never work (no such contact).
    Failed(String),
}

/// The future of one send.
pub type ReachFuture<'a> = std::pin::Pin<Box<dyn Future<Output = Reach> + Send + 'a>>;

/// One channel's way of sending an announcement to one of its subscribers.
pub trait BroadcastChannel: Send + Sync {
    fn send<'a>(&'a self, task: &'a BroadcastTask, announcement: &'a Announcement) -> ReachFuture<'a>;
}

/// What one [`ChannelBroadcaster::try_send_one`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Sent,
    Blocked,
    Retry,
    Failed,
    /// Another sender owns the task now.
    LeaseLost,
    /// Nothing of this channel is ready.
    Idle,
}

/// Leases, attempts and pacing of a channel broadcaster (from `[announcements]`).
#[derive(Debug, Clone, Copy)]
pub struct BroadcastLimits {
    pub lease: Duration,
    pub max_attempts: u32,
    pub idle: Duration,
    /// Sends in flight at once.
    pub concurrency: usize,
}

pub struct ChannelBroadcaster {
    name: &'static str,
    store: Store,
    channel: Arc<dyn BroadcastChannel>,
    chats: std::ops::RangeInclusive<i64>,
    limits: BroadcastLimits,
    id: String,
}

impl ChannelBroadcaster {
    /// A broadcaster for the subscribers whose chat ids are `chats`, sending through `channel`.
    pub fn new(
        name: &'static str,
        store: Store,
        channel: Arc<dyn BroadcastChannel>,
        chats: std::ops::RangeInclusive<i64>,
        limits: BroadcastLimits,
    ) -> Self {
        let id = format!(
            "broadcast-{name}-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            name,
            store,
            channel,
            chats,
            limits,
            id,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Claims and sends at most one task of this channel.
    #[tracing::instrument(name = "broadcast", skip(self), fields(sender = %self.id, announcement, chat_id))]
    pub async fn try_send_one(&self) -> Result<Step, StoreError> {
        let lease = self.limits.lease;
        let Some(task) = self
            .store
            .claim_broadcast_for_chats(&self.id, lease, &self.chats)
            .await?
        else {
            return Ok(Step::Idle);
        };
        tracing::Span::current()
            .record("announcement", task.announcement_id)
            .record("chat_id", task.chat_id);
        let Some(announcement) = self.store.announcement(task.announcement_id).await? else {
            self.store
                .fail_broadcast(task.seq, &self.id, "announcement not found", false)
                .await?;
            return Ok(Step::Failed);
        };
        if !self.store.mark_broadcast_sending(task.seq, &self.id, lease).await? {
            return Ok(if self.store.skip_blocked_broadcast(task.seq, &self.id).await? {
                Step::Blocked
            } else {
                Step::LeaseLost
            });
        }
        let reach = self.channel.send(&task, &announcement).await;
        let store = &self.store;
        let (owned, step) = match reach {
            Reach::Sent => (store.complete_broadcast(task.seq, &self.id, 0).await?, Step::Sent),
            Reach::Unreachable(reason) => {
                tracing::info!(
                    chat_id = task.chat_id,
                    channel = self.name,
                    "subscriber unreachable; no more broadcasts"
                );
                store.block_chat(task.chat_id).await?;
                (
                    store.fail_broadcast(task.seq, &self.id, &reason, true).await?,
                    Step::Blocked,
                )
            }
            Reach::Failed(reason) => (
                store.fail_broadcast(task.seq, &self.id, &reason, false).await?,
                Step::Failed,
            ),
            Reach::Retry { reason, now } => {
                if !now && u32::try_from(task.attempts).unwrap_or(u32::MAX) >= self.limits.max_attempts {
                    (
                        store.fail_broadcast(task.seq, &self.id, &reason, false).await?,
                        Step::Failed,
                    )
                } else {
                    let backoff = if now { 0 } else { 1_i64 << task.attempts.clamp(0, 8) };
                    let at = store.now() + backoff;
                    (
                        store.retry_broadcast(task.seq, &self.id, at, &reason).await?,
                        Step::Retry,
                    )
                }
            }
        };
        Ok(if owned { step } else { Step::LeaseLost })
    }

    /// Sends this channel's tasks until `stop` turns true, `concurrency` at a time; when idle it
    /// also settles interrupted sends and finished announcements (as Telegram's sender does).
    pub async fn run(self: Arc<Self>, stop: tokio::sync::watch::Receiver<bool>) {
        let mut loops = tokio::task::JoinSet::new();
        for _ in 0..self.limits.concurrency.max(1) {
            let this = self.clone();
            let stop = stop.clone();
            loops.spawn(async move {
                while !*stop.borrow() {
                    match this.try_send_one().await {
                        Ok(Step::Idle) => {
                            let _ = this.store.expire_interrupted_broadcasts().await;
                            let _ = this.store.settle_announcements().await;
                            let mut stopping = stop.clone();
                            tokio::select! {
                                () = tokio::time::sleep(this.limits.idle) => {}
                                _ = stopping.wait_for(|s| *s) => {}
                            }
                        }
                        Ok(_) => {}
                        Err(error) => {
                            tracing::error!(%error, channel = this.name, "broadcast step failed");
                            tokio::time::sleep(this.limits.idle).await;
                        }
                    }
                }
            });
        }
        while loops.join_next().await.is_some() {}
    }
}
