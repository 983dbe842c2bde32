//! [`Pacer`]: the overall send rate, at most `n` messages in any one-second window, as close to
//! `n` per second as that allows.
//!
//! Two rules, both enforced at the gate every send passes:
//!
//! 1. **Even spacing.** Slots are `(1 s + margin) / n` apart. A send that takes its slot late
//!    (timer granularity, a busy runtime) keeps the schedule instead of pushing every later slot
//!    back: the previous GCRA limiter (burst 1) lost that lateness on every send, which at 30/s
//!    cost a few percent and at 500/s most of the rate. Up to [`CATCH_UP`] slots missed while
//!    the caller was busy may be taken back to back.
//! 2. **A hard window.** A send holds its place from the moment it passes the gate until it is on
//!    the wire (the [`Permit`] is dropped) and then for one window (`1 s + margin`) after. At most
//!    `n` places exist, so no window of `1 s + margin` ever sees more than `n` sends, even when a
//!    database write between gate and wire (the broadcast's `sending` marker) stalls some sends
//!    and lets others catch up. The margin absorbs jitter between our clock and Telegram's
//!    arrival times (25 ms by default, costing 2.4% of the rate).
//!
//! Why not `governor`: its GCRA quota cannot express rule 2 (places held until the wire), and
//! with a burst of one it loses every late slot; with a larger burst it exceeds the window.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// Missed slots a busy caller may take back to back.
pub(crate) const CATCH_UP: u32 = 2;

/// The default margin added to the one-second window.
pub(crate) const DEFAULT_MARGIN: Duration = Duration::from_millis(25);

struct State {
    /// The next evenly spaced slot.
    next_slot: Instant,
    /// When the sends of the last window went on the wire, oldest first.
    recent: VecDeque<Instant>,
    /// Sends past the gate, not yet on the wire.
    in_progress: usize,
}

/// See the module docs.
pub(crate) struct Pacer {
    limit: usize,
    window: Duration,
    period: Duration,
    state: Mutex<State>,
    released: Notify,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("limit", &self.limit)
            .field("window", &self.window)
            .finish_non_exhaustive()
    }
}

impl Pacer {
    /// At most `per_second` sends in any `1 s + margin` window, evenly spaced.
    pub(crate) fn new(per_second: u32, margin: Duration) -> Self {
        let per_second = per_second.max(1);
        let window = Duration::from_secs(1) + margin;
        Self {
            limit: per_second as usize,
            window,
            period: window / per_second,
            state: Mutex::new(State {
                next_slot: Instant::now(),
                recent: VecDeque::with_capacity(per_second as usize),
                in_progress: 0,
            }),
            released: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes a slot now, or says how long to wait (`None`: until a held place is released).
    fn try_take(&self, now: Instant) -> Result<(), Option<Duration>> {
        let mut s = self.lock();
        while s
            .recent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            s.recent.pop_front();
        }
        if s.recent.len() + s.in_progress >= self.limit {
            return Err(s
                .recent
                .front()
                .map(|oldest| (*oldest + self.window).saturating_duration_since(now)));
        }
        if now < s.next_slot {
            return Err(Some(s.next_slot - now));
        }
        let earliest = now.checked_sub(self.period * CATCH_UP).unwrap_or(now);
        s.next_slot = s.next_slot.max(earliest) + self.period;
        s.in_progress += 1;
        Ok(())
    }

    /// Waits for a slot; the send goes on the wire when the [`Permit`] is dropped.
    pub(crate) async fn acquire(&self) -> Permit<'_> {
        loop {
            let released = self.released.notified();
            tokio::pin!(released);
            released.as_mut().enable();
            match self.try_take(Instant::now()) {
                Ok(()) => {
                    return Permit {
                        pacer: self,
                        sent: true,
                    };
                }
                Err(Some(wait)) => {
                    tokio::select! {
                        () = tokio::time::sleep(wait) => {}
                        () = released => {}
                    }
                }
                Err(None) => released.await,
            }
        }
    }

    /// Counts a send that did not wait for the gate (a reply): it takes a place in the window so
    /// the paced senders leave room for it.
    pub(crate) fn record_unpaced(&self) {
        self.lock().recent.push_back(Instant::now());
    }

    fn release(&self, sent: bool) {
        let mut s = self.lock();
        s.in_progress = s.in_progress.saturating_sub(1);
        if sent {
            s.recent.push_back(Instant::now());
        }
        drop(s);
        self.released.notify_waiters();
    }
}

/// A place in the window: dropping it means "on the wire now"; [`cancel`](Self::cancel) gives
/// it back unused.
#[must_use = "dropping the permit records a send"]
pub(crate) struct Permit<'a> {
    pacer: &'a Pacer,
    sent: bool,
}

impl Permit<'_> {
    /// Nothing was sent: the place is free again at once.
    pub(crate) fn cancel(mut self) {
        self.sent = false;
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.pacer.release(self.sent);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Most sends within any `window` of the instants.
    fn busiest(times: &[Instant], window: Duration) -> usize {
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].duration_since(times[start]) >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sends_are_spaced_and_never_exceed_the_window() {
        let pacer = std::sync::Arc::new(Pacer::new(200, Duration::from_millis(10)));
        let times = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let (pacer, times) = (pacer.clone(), times.clone());
            tasks.push(tokio::spawn(async move {
                for _ in 0..50 {
                    let permit = pacer.acquire().await;
                    times.lock().unwrap().push(Instant::now());
                    drop(permit);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let mut times = times.lock().unwrap().clone();
        times.sort();
        assert_eq!(times.len(), 400);
        assert!(busiest(&times, Duration::from_secs(1)) <= 200);
    }

    #[tokio::test]
    async fn held_places_count_until_they_are_on_the_wire() {
        let pacer = Pacer::new(3, Duration::ZERO);
        // Three sends stall between gate and wire (e.g. a slow database write) ...
        let mut held = Vec::new();
        for _ in 0..3 {
            held.push(pacer.acquire().await);
        }
        // ... so a fourth may not pass the gate, whatever the spacing says.
        let later = Instant::now() + Duration::from_secs(5);
        assert_eq!(pacer.try_take(later), Err(None));
        // One is cancelled (nothing sent): its place is free at once.
        held.pop().unwrap().cancel();
        assert_eq!(pacer.try_take(later), Ok(()));
    }

    #[test]
    fn a_late_slot_does_not_push_the_schedule_back() {
        let pacer = Pacer::new(10, Duration::ZERO); // 100 ms apart
        let t0 = Instant::now() + Duration::from_millis(1);
        assert_eq!(pacer.try_take(t0), Ok(()));
        pacer.release(true);
        // Taken 30 ms late: the next slot is still t0 + 200 ms, not t0 + 230 ms.
        assert_eq!(pacer.try_take(t0 + Duration::from_millis(130)), Ok(()));
        pacer.release(true);
        assert!(pacer.try_take(t0 + Duration::from_millis(190)).is_err());
        assert_eq!(pacer.try_take(t0 + Duration::from_millis(200)), Ok(()));
    }
}
