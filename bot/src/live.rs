//! [`Live<T>`]: a value that `loket serve` replaces while it runs (the answer engine's
//! [`Catalog`](crate::telegram::Catalog), the Open311 service list) after a reindex.
//!
//! Readers take one snapshot (`load`) per request or update and use it to the end, so a swap in
//! the middle of an answer never mixes two versions; the swap itself is one atomic pointer store
//! (arc-swap), so there is no moment where a reader finds nothing or waits on a lock. The old
//! value is freed when its last snapshot is dropped.

use std::sync::Arc;

use arc_swap::ArcSwap;

/// A shared, atomically replaceable `Arc<T>`; clones share the same slot.
pub struct Live<T>(Arc<ArcSwap<T>>);

impl<T> Live<T> {
    pub fn new(value: T) -> Self {
        Self::from_arc(Arc::new(value))
    }

    pub fn from_arc(value: Arc<T>) -> Self {
        Self(Arc::new(ArcSwap::new(value)))
    }

    /// The current value; keep it for the whole request, then drop it.
    pub fn load(&self) -> Arc<T> {
        self.0.load_full()
    }

    /// Replaces the value for every later `load`; snapshots taken before keep the old one.
    pub fn store(&self, value: Arc<T>) {
        self.0.store(value);
    }
}

impl<T> Clone for Live<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Default> Default for Live<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<Arc<T>> for Live<T> {
    fn from(value: Arc<T>) -> Self {
        Self::from_arc(value)
    }
}

impl<T> std::fmt::Debug for Live<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_keep_their_version_and_clones_see_the_swap() {
        let live = Live::new(1);
        let other = live.clone();
        let before = live.load();
        other.store(Arc::new(2));
        assert_eq!(*before, 1);
        assert_eq!(*live.load(), 2);
    }

    #[test]
    fn readers_never_miss_a_value_while_it_is_swapped() {
        let live = Live::new(0_u64);
        std::thread::scope(|s| {
            let reader = live.clone();
            s.spawn(move || {
                let mut last = 0;
                for _ in 0..100_000 {
                    let now = *reader.load();
                    assert!(now >= last, "went back from {last} to {now}");
                    last = now;
                }
            });
            for i in 1..=1_000 {
                live.store(Arc::new(i));
            }
        });
        assert_eq!(*live.load(), 1_000);
    }
}
