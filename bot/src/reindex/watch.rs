//! The standards-directory watcher of `loket serve`: polls a cheap fingerprint of the directory
//! (file names, sizes and modification times; no file is read) and reindexes once a change has
//! settled, so an upload of several files (or one written in pieces) gives one reindex.
//!
//! Polling instead of inotify: it works the same on every platform, on network and container
//! volumes where change events are unreliable, and costs one `read_dir` every few seconds.
//! A fingerprint is remembered whether its reindex succeeded or not, so a broken decree is
//! reported once, not every poll; the next change (the fix) triggers again.

use std::collections::hash_map::DefaultHasher;
use std::future::Future;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::{Reindexer, Trigger};

/// The `[reindex]` settings (`loket.toml`, `LOKET_REINDEX__*`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReindexSettings {
    /// Watch the standards directory and reindex on changes.
    pub watch: bool,
    /// How often the directory is looked at, in milliseconds.
    pub poll_millis: u64,
    /// How long a change must stay unchanged before the reindex, in milliseconds.
    pub settle_millis: u64,
}

impl Default for ReindexSettings {
    fn default() -> Self {
        Self {
            watch: true,
            poll_millis: 3_000,
            settle_millis: 1_000,
        }
    }
}

/// Names, sizes and modification times of the directory's files, hashed; `None` when the
/// directory cannot be read (then nothing is triggered: a vanished mount is no reason to drop
/// every service).
pub fn fingerprint(dir: &Path) -> Option<u64> {
    let mut entries: Vec<(String, u64, Option<std::time::SystemTime>)> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            meta.is_file().then(|| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    meta.len(),
                    meta.modified().ok(),
                )
            })
        })
        .collect();
    entries.sort();
    let mut hasher = DefaultHasher::new();
    entries.hash(&mut hasher);
    Some(hasher.finish())
}

/// The directory's [`fingerprint`] combined with the aliases file's size and modification time
/// (a missing file counts as a state of its own), so editing either triggers a reindex.
pub(crate) fn watched_fingerprint(dir: &Path, aliases: Option<&Path>) -> Option<u64> {
    let dir = fingerprint(dir)?;
    let Some(file) = aliases else {
        return Some(dir);
    };
    let meta = std::fs::metadata(file).ok().map(|m| (m.len(), m.modified().ok()));
    let mut hasher = DefaultHasher::new();
    (dir, meta).hash(&mut hasher);
    Some(hasher.finish())
}

/// The debouncing state machine, separate from time and the file system for tests.
#[derive(Debug)]
pub(crate) struct Debounce {
    /// The fingerprint last reindexed (or seen at start).
    done: Option<u64>,
    /// A different fingerprint and how many polls it has stayed the same.
    pending: Option<(u64, u64)>,
    /// Polls a change must stay the same before it triggers.
    settle_polls: u64,
}

impl Debounce {
    pub(crate) fn new(current: Option<u64>, settle_polls: u64) -> Self {
        Self {
            done: current,
            pending: None,
            settle_polls,
        }
    }

    /// Feeds one poll; true when a reindex is due now (the fingerprint is then taken as done).
    pub(crate) fn poll(&mut self, seen: Option<u64>) -> bool {
        let Some(seen) = seen else {
            self.pending = None;
            return false;
        };
        if Some(seen) == self.done {
            self.pending = None;
            return false;
        }
        let stable = match self.pending {
            Some((fp, polls)) if fp == seen => polls + 1,
            _ => 0,
        };
        if stable >= self.settle_polls {
            self.done = Some(seen);
            self.pending = None;
            true
        } else {
            self.pending = Some((seen, stable));
            false
        }
    }
}

impl Reindexer {
    /// Polls the directory until `stop` resolves, reindexing on settled changes; see the
    /// module docs.
    pub async fn watch(self: Arc<Self>, settings: ReindexSettings, stop: impl Future<Output = ()>) {
        let poll = Duration::from_millis(settings.poll_millis.max(50));
        // While a change settles, look more often than `poll` so the delay is about `settle`.
        let settle = Duration::from_millis(settings.settle_millis);
        let fast = poll.min(settle.max(Duration::from_millis(50)) / 2);
        let settle_polls = settle.as_millis().div_ceil(fast.as_millis().max(1)) as u64;
        let (dir, aliases) = (self.dir.clone(), self.aliases.clone());
        let initial = tokio::task::spawn_blocking(move || watched_fingerprint(&dir, aliases.as_deref()))
            .await
            .ok()
            .flatten();
        let mut debounce = Debounce::new(initial, settle_polls);
        tokio::pin!(stop);
        tracing::info!(dir = %self.dir.display(), poll_ms = poll.as_millis() as u64, "watching the standards directory");
        loop {
            let wait = if debounce.pending.is_some() { fast } else { poll };
            tokio::select! {
                () = &mut stop => return,
                () = tokio::time::sleep(wait) => {}
            }
            let (dir, aliases) = (self.dir.clone(), self.aliases.clone());
            let seen = tokio::task::spawn_blocking(move || watched_fingerprint(&dir, aliases.as_deref()))
                .await
                .ok()
                .flatten();
            if debounce.poll(seen) {
                // Errors are logged by `reindex`; the old index keeps serving.
                let _ = self.reindex(Trigger::Watch).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_triggers_once_after_it_settles() {
        let mut d = Debounce::new(Some(1), 2);
        assert!(!d.poll(Some(1)), "unchanged");
        assert!(!d.poll(Some(2)), "changed, not settled");
        assert!(!d.poll(Some(2)));
        assert!(d.poll(Some(2)), "settled for two polls");
        assert!(!d.poll(Some(2)), "done: not again");
        // Still being written: every new fingerprint restarts the wait.
        assert!(!d.poll(Some(3)));
        assert!(!d.poll(Some(4)));
        assert!(!d.poll(Some(4)));
        assert!(d.poll(Some(4)));
        // An unreadable directory triggers nothing.
        assert!(!d.poll(None));
        assert!(!d.poll(Some(4)));
    }

    #[test]
    fn the_aliases_file_is_watched_with_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let aliases = tempfile::tempdir().unwrap();
        let file = aliases.path().join("aliases.tsv");
        let plain = watched_fingerprint(dir.path(), None).unwrap();
        assert_eq!(
            plain,
            fingerprint(dir.path()).unwrap(),
            "no aliases file: the directory alone"
        );
        let missing = watched_fingerprint(dir.path(), Some(&file)).unwrap();
        std::fs::write(&file, "surat miskin\ta:b\n").unwrap();
        let written = watched_fingerprint(dir.path(), Some(&file)).unwrap();
        assert_ne!(missing, written, "creating the file is a change");
        std::fs::write(&file, "surat miskin\ta:b\nkertas zamrud\tc:d\n").unwrap();
        assert_ne!(
            written,
            watched_fingerprint(dir.path(), Some(&file)).unwrap(),
            "editing it too"
        );
    }

    #[test]
    fn the_fingerprint_sees_names_sizes_and_times_but_reads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let empty = fingerprint(dir.path()).unwrap();
        std::fs::write(dir.path().join("a.txt"), "satu").unwrap();
        let one = fingerprint(dir.path()).unwrap();
        assert_ne!(empty, one);
        assert_eq!(one, fingerprint(dir.path()).unwrap(), "stable");
        std::fs::write(dir.path().join("a.txt"), "satu dua").unwrap();
        assert_ne!(one, fingerprint(dir.path()).unwrap(), "size");
        assert!(fingerprint(&dir.path().join("missing")).is_none());
    }
}
