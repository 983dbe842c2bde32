//! [`SharedLimit`]: Telegram's per-bot limits (about 30 messages/s overall, 1/s per chat) held
//! across every `loket serve` process on one database.
//!
//! Each process paces itself in memory (`pacer.rs`, the fast path); once a send has passed the
//! pacer it also takes a slot in the database ([`Store::take_send_slot`], scopes `chat:<id>` and
//! `global`, over one second plus twice the pacer's margin: the database stamps a send a moment
//! before it is on the wire, the pacer when it is). When other processes filled
//! the window, the sender gives its pacer place back and sleeps until the database says a slot
//! frees. Replies that do not wait are recorded in the `global` scope too. About once a minute
//! each process prunes sends older than a minute.
//!
//! Times come from each host's clock (the store's [`Clock`](crate::storage::Clock)): keep the
//! hosts on NTP; skew between hosts of a few milliseconds is covered by the window margin.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use super::SenderLimits;
use crate::storage::{SendSlot, Store, StoreError};

/// The scope of the bot's overall rate.
pub(crate) const GLOBAL: &str = "global";

/// Sends older than this are pruned (milliseconds).
pub(crate) const KEEP_MILLIS: i64 = 60_000;

/// See the module docs.
#[derive(Debug)]
pub struct SharedLimit {
    store: Store,
    overall_per_second: u32,
    per_chat_per_second: u32,
    window_ms: i64,
    /// When this instance last pruned (unix ms; 0: never).
    last_prune: AtomicI64,
}

impl SharedLimit {
    /// At most `limits.overall_per_second` sends (and `per_chat_per_second` to one chat) in any
    /// `window` (one second plus the pacer's margin), across every process on `store`.
    pub fn new(store: Store, limits: SenderLimits, window: Duration) -> Self {
        Self {
            store,
            overall_per_second: limits.overall_per_second.max(1),
            per_chat_per_second: limits.per_chat_per_second.max(1),
            window_ms: i64::try_from(window.as_millis()).unwrap_or(i64::MAX).max(1_000),
            last_prune: AtomicI64::new(0),
        }
    }

    /// The store it counts in (to rebuild it with another window).
    pub(crate) fn into_store(self) -> Store {
        self.store
    }

    /// Takes a slot for one message to `chat` now, or says how long until one may free.
    pub async fn try_take(&self, chat: i64) -> Result<Result<(), Duration>, StoreError> {
        self.prune_now_and_then(self.store.clock().now_millis()).await;
        let chat_scope = format!("chat:{chat}");
        // The chat first, `global` last: the shared scope is checked after the cheap refusal.
        let scopes = [
            (chat_scope.as_str(), self.per_chat_per_second),
            (GLOBAL, self.overall_per_second),
        ];
        Ok(match self.store.take_send_slot(self.window_ms, &scopes).await? {
            SendSlot::Taken => Ok(()),
            SendSlot::FullUntil(at) => {
                let wait = at - self.store.clock().now_millis();
                Err(Duration::from_millis(u64::try_from(wait).unwrap_or(0).max(1)))
            }
        })
    }

    /// Records a send that did not wait (a reply) now, in the background.
    pub(crate) fn record_unpaced(&self) {
        let store = self.store.clone();
        let now = store.clock().now_millis();
        tokio::spawn(async move {
            if let Err(e) = store.count_send(now, GLOBAL).await {
                tracing::warn!(error = %e, "cannot count a reply in the shared send limit");
            }
        });
    }

    /// Deletes sends older than [`KEEP_MILLIS`], at most once per [`KEEP_MILLIS`] per instance.
    async fn prune_now_and_then(&self, now: i64) {
        let last = self.last_prune.load(Ordering::Relaxed);
        if now - last < KEEP_MILLIS
            || self
                .last_prune
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        if let Err(e) = self.store.prune_send_slots(now - KEEP_MILLIS).await {
            tracing::warn!(error = %e, "cannot prune old send slots");
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::storage::testing::{TestDb, both_backends};

    const WINDOW: Duration = Duration::from_millis(1_025);

    fn limiter(db: &TestDb, overall: u32) -> Arc<SharedLimit> {
        let limits = SenderLimits {
            overall_per_second: overall,
            per_chat_per_second: 1,
            ..SenderLimits::default()
        };
        Arc::new(SharedLimit::new(db.store.clone(), limits, WINDOW))
    }

    /// The most sends the database holds in any window of `WINDOW` starting at a send.
    async fn busiest_window(db: &TestDb, from: i64, to: i64) -> u32 {
        let mut busiest = 0;
        for start in (from..to).step_by(5) {
            let n = db.store.sends_between(GLOBAL, start, start + 1_025).await.unwrap();
            busiest = busiest.max(n);
        }
        busiest
    }

    /// Two instances (two processes' worth) ask concurrently, 12 at a time, every 50 ms of a
    /// manual clock for 3 s: neither alone knows the other, yet no window of 1,025 ms holds more
    /// than the limit of 5, each full window is filled (no refusal while room is left), and the
    /// wait given on refusal is when the oldest send leaves the window.
    async fn two_instances_never_grant_more_than_the_limit(db: TestDb) {
        let (a, b) = (limiter(&db, 5), limiter(&db, 5));
        let start = db.clock.now_millis();
        let mut chat = 0_i64;
        let mut granted = 0;
        for _ in 0..60 {
            let mut tasks = Vec::new();
            for limiter in [&a, &b] {
                for _ in 0..6 {
                    chat += 1;
                    let limiter = Arc::clone(limiter);
                    tasks.push(tokio::spawn(async move { limiter.try_take(chat).await.unwrap() }));
                }
            }
            for task in tasks {
                match task.await.unwrap() {
                    Ok(()) => granted += 1,
                    Err(wait) => assert!(wait <= WINDOW, "{wait:?}"),
                }
            }
            db.clock.advance_millis(50);
        }
        let end = db.clock.now_millis();
        assert_eq!(busiest_window(&db, start - 1_025, end).await, 5);
        // 3,000 ms in steps of 50: grants at 0, 1,050 and 2,100 ms, five each.
        assert_eq!(granted, 15);
    }

    /// One chat gets one message per window whichever instance asks, while other chats go.
    async fn per_chat_limit_holds_across_instances(db: TestDb) {
        let (a, b) = (limiter(&db, 30), limiter(&db, 30));
        let mut granted_at = Vec::new();
        for step in 0..40 {
            let asking = if step % 2 == 0 { &a } else { &b };
            if asking.try_take(42).await.unwrap().is_ok() {
                granted_at.push(db.clock.now_millis());
            }
            assert!(asking.try_take(1_000 + step).await.unwrap().is_ok(), "other chats go");
            db.clock.advance_millis(100);
        }
        assert_eq!(granted_at.len(), 4, "{granted_at:?}");
        assert!(granted_at.windows(2).all(|w| w[1] - w[0] >= 1_025), "{granted_at:?}");
    }

    /// Replies count against the overall limit of every instance.
    async fn unpaced_replies_leave_less_room(db: TestDb) {
        let (a, b) = (limiter(&db, 3), limiter(&db, 3));
        a.record_unpaced();
        a.record_unpaced();
        let now = db.clock.now_millis();
        for _ in 0..200 {
            if db.store.sends_between(GLOBAL, now, now + 1).await.unwrap() == 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(b.try_take(1).await.unwrap().is_ok());
        assert_eq!(b.try_take(2).await.unwrap(), Err(WINDOW));
    }

    /// The first use, and then one use a minute later, prune sends older than a minute.
    async fn prunes_old_sends_about_once_a_minute(db: TestDb) {
        let limiter = limiter(&db, 30);
        let start = db.clock.now_millis();
        db.store.count_send(start - 300_000, GLOBAL).await.unwrap();
        assert!(limiter.try_take(1).await.unwrap().is_ok());
        let old = db.store.sends_between(GLOBAL, start - 300_000, start).await.unwrap();
        assert_eq!(old, 0, "pruned on first use");
        db.clock.advance(30);
        assert!(limiter.try_take(1).await.unwrap().is_ok());
        db.clock.advance(70);
        db.store.count_send(start + 50_000, GLOBAL).await.unwrap();
        assert_eq!(db.store.sends_between(GLOBAL, start, start + 1).await.unwrap(), 1);
        assert!(limiter.try_take(1).await.unwrap().is_ok());
        let now = db.clock.now_millis();
        assert_eq!(
            db.store.sends_between(GLOBAL, start, now - 60_000).await.unwrap(),
            0,
            "pruned"
        );
        assert_eq!(
            db.store.sends_between(GLOBAL, start + 50_000, now + 1).await.unwrap(),
            2,
            "kept"
        );
    }

    both_backends!(
        two_instances_never_grant_more_than_the_limit,
        per_chat_limit_holds_across_instances,
        unpaced_replies_leave_less_room,
        prunes_old_sends_about_once_a_minute
    );
}
