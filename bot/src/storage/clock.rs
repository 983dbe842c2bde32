//! `Clock`: the store's notion of "now" in unix seconds (and milliseconds, for the shared send
//! limit).
//!
//! Production reads the system clock; tests use a manual clock and move it forward, so retries,
//! leases and deadlines are tested without sleeping. A manual clock keeps milliseconds, so
//! [`advance_millis`](Clock::advance_millis) can move it by less than a second.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// Unix milliseconds, shared by the clones of a manual clock; `None` is the system clock.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<Arc<AtomicI64>>);

impl Clock {
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that only moves when told to, starting at `start` unix seconds.
    pub fn manual(start: i64) -> Self {
        Self(Some(Arc::new(AtomicI64::new(start * 1_000))))
    }

    /// Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_millis().div_euclid(1_000)
    }

    /// Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => chrono::Utc::now().timestamp_millis(),
        }
    }

    /// Moves a manual clock forward; a no-op on the system clock.
    pub fn advance(&self, seconds: i64) {
        self.advance_millis(seconds * 1_000);
    }

    /// Moves a manual clock forward by milliseconds; a no-op on the system clock.
    pub fn advance_millis(&self, millis: i64) {
        if let Some(t) = &self.0 {
            t.fetch_add(millis, Ordering::SeqCst);
        }
    }

    /// Sets a manual clock to `now` unix seconds; a no-op on the system clock.
    pub fn set(&self, now: i64) {
        if let Some(t) = &self.0 {
            t.store(now * 1_000, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        let shared = clock.clone();
        assert_eq!(clock.now(), 1_000);
        shared.advance(30);
        assert_eq!(clock.now(), 1_030);
        clock.set(5);
        assert_eq!(shared.now(), 5);
        clock.advance_millis(1_999);
        assert_eq!((clock.now(), clock.now_millis()), (6, 6_999));
    }

    #[test]
    fn system_clock_is_recent() {
        assert!(Clock::system().now() > 1_700_000_000);
    }
}
