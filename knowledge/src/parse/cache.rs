//! Incremental parsing of a standards directory: a content hash (SHA-256) per file, and the
//! parsed [`Document`] of every file whose bytes have not changed since the last parse.
//!
//! A province's directory holds hundreds of decrees and an upload changes one or two; the hot
//! reindex of `loket serve` keeps one [`ParseCache`] and parses only new and changed files. The
//! result is the same [`DirReport`] [`super::parse_dir`] gives (same documents, same order), so
//! everything after the parse (engine build, ingest, diff) is unchanged. A file that failed is
//! not remembered: it is parsed again next time (a fix is picked up, and failures are rare).
//! Files that left the directory are forgotten.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{DirReport, ParseError, decree_paths, parse_bytes};
use crate::document::Document;

/// Parsed documents by file, with the content hash they were parsed from.
#[derive(Debug, Default)]
pub struct ParseCache {
    files: HashMap<PathBuf, Cached>,
}

#[derive(Debug)]
struct Cached {
    hash: [u8; 32],
    document: Document,
}

/// How many files one [`ParseCache::parse_dir`] parsed and how many it took from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    /// Files read and parsed (new, changed, or failed before).
    pub parsed: usize,
    /// Unchanged files whose document was reused.
    pub reused: usize,
}

/// One file after reading: unchanged (its hash), changed (its bytes to parse), or unreadable.
enum Read {
    Unchanged,
    Changed { hash: [u8; 32], bytes: Vec<u8> },
    Failed(std::io::Error),
}

impl ParseCache {
    /// An empty cache: the first [`parse_dir`](Self::parse_dir) parses every file.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `dir` like [`super::parse_dir`], reusing the documents of files whose content is
    /// unchanged; reading, hashing and parsing run on every core.
    pub fn parse_dir(&mut self, dir: &Path) -> Result<(DirReport, CacheStats), std::io::Error> {
        let paths = decree_paths(dir)?;
        let files = &self.files;
        let read: Vec<Read> = crate::parallel::map(&paths, |path| match std::fs::read(path) {
            Err(error) => Read::Failed(error),
            Ok(bytes) => {
                let hash: [u8; 32] = Sha256::digest(&bytes).into();
                match files.get(path) {
                    Some(cached) if cached.hash == hash => Read::Unchanged,
                    _ => Read::Changed { hash, bytes },
                }
            }
        });
        let changed: Vec<(usize, &[u8])> = read
            .iter()
            .enumerate()
            .filter_map(|(at, r)| match r {
                Read::Changed { bytes, .. } => Some((at, bytes.as_slice())),
                _ => None,
            })
            .collect();
        let mut parsed: HashMap<usize, Result<Document, ParseError>> = crate::parallel::map(&changed, |(at, bytes)| {
            (*at, parse_bytes(&file_name(&paths[*at]), bytes))
        })
        .into_iter()
        .collect();
        let mut stats = CacheStats::default();
        let mut report = DirReport::default();
        for (at, (path, read)) in paths.iter().zip(read).enumerate() {
            match read {
                Read::Unchanged => {
                    stats.reused += 1;
                    let cached = &self.files[path];
                    report.documents.push(cached.document.clone());
                }
                Read::Failed(error) => {
                    self.files.remove(path);
                    report.failures.push((path.clone(), ParseError::Io(error)));
                }
                Read::Changed { hash, .. } => {
                    stats.parsed += 1;
                    match parsed.remove(&at).expect("every changed file is parsed") {
                        Ok(document) => {
                            self.files.insert(
                                path.clone(),
                                Cached {
                                    hash,
                                    document: document.clone(),
                                },
                            );
                            report.documents.push(document);
                        }
                        Err(error) => {
                            self.files.remove(path);
                            report.failures.push((path.clone(), error));
                        }
                    }
                }
            }
        }
        self.files.retain(|path, _| paths.binary_search(path).is_ok());
        Ok((report, stats))
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped(name: &str) -> Vec<u8> {
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("standards").join(name)).unwrap()
    }

    #[test]
    fn only_new_and_changed_files_are_parsed_and_the_report_equals_a_full_parse() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        for name in ["001_f4e4e6960aa12399.txt", "003_5e30365896fb6814.txt"] {
            std::fs::write(dir.join(name), shipped(name)).unwrap();
        }
        let mut cache = ParseCache::new();
        let (first, stats) = cache.parse_dir(dir).unwrap();
        assert_eq!(stats, CacheStats { parsed: 2, reused: 0 });
        assert_eq!(first.documents, super::super::parse_dir(dir).unwrap().documents);

        let (again, stats) = cache.parse_dir(dir).unwrap();
        assert_eq!(stats, CacheStats { parsed: 0, reused: 2 });
        assert_eq!(again.documents, first.documents);

        // One decree edited: only it is parsed, and the edit shows.
        let edited = String::from_utf8(shipped("003_5e30365896fb6814.txt"))
            .unwrap()
            .replacen("Tidak dipungut biaya (GRATIS)", "Rp 10.000", 1);
        std::fs::write(dir.join("003_5e30365896fb6814.txt"), edited).unwrap();
        let (after_edit, stats) = cache.parse_dir(dir).unwrap();
        assert_eq!(stats, CacheStats { parsed: 1, reused: 1 });
        assert_eq!(after_edit.documents, super::super::parse_dir(dir).unwrap().documents);
        assert_ne!(after_edit.documents[1], first.documents[1]);

        // A removed decree is gone, a broken one fails and is parsed again next time.
        std::fs::remove_file(dir.join("001_f4e4e6960aa12399.txt")).unwrap();
        std::fs::write(dir.join("002_rusak.txt"), b"bukan standar pelayanan").unwrap();
        let (after_remove, stats) = cache.parse_dir(dir).unwrap();
        assert_eq!(stats, CacheStats { parsed: 1, reused: 1 });
        assert_eq!(after_remove.documents.len(), 1);
        assert_eq!(after_remove.documents[0].source, "003_5e30365896fb6814.txt");
        assert_eq!(after_remove.failures.len(), 1);
        let (_, stats) = cache.parse_dir(dir).unwrap();
        assert_eq!(stats, CacheStats { parsed: 1, reused: 1 });
        assert_eq!(cache.files.len(), 1);
    }
}
