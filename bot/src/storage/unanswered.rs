//! The unanswered-questions log: questions the engine refused or answered with a choice list,
//! counted per hour so `loket unanswered` can show an administrator what citizens ask in words
//! the decrees do not use (migration 0008).
//!
//! The store keeps only what it is given: the caller ([`crate::learning`]) normalises the text
//! and masks numbers that could identify someone before it gets here; no chat id or name is
//! ever stored. One row per (hour, question, outcome, offered services) holds a count, so busy
//! deployments write one small row per distinct question and hour. Rows older than
//! [`RETENTION_SECS`] are deleted whenever one is recorded (an indexed range delete that finds
//! nothing almost always), so the log never holds more than 90 days without a separate job.

use std::collections::HashMap;

use anyhow::Context;

use super::{Dialect, Store, StoreError, on_pool};

/// How long a counted question is kept: 90 days.
pub const RETENTION_SECS: i64 = 90 * 24 * 3600;
/// Questions are counted per hour.
const BUCKET_SECS: i64 = 3600;

/// How the engine answered a logged question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnansweredOutcome {
    /// Refused: no service fits.
    NotFound,
    /// A choice list: several services tie, or "maybe one of these".
    Ambiguous,
}

impl UnansweredOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Ambiguous => "ambiguous",
        }
    }

    fn parse(raw: &str) -> Self {
        if raw == "ambiguous" {
            Self::Ambiguous
        } else {
            Self::NotFound
        }
    }
}

/// One question to count; `question` must already be normalised and masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnansweredQuestion {
    pub question: String,
    pub outcome: UnansweredOutcome,
    /// Service ids offered, in order (empty when refused).
    pub offered: Vec<String>,
}

/// One line of `loket unanswered`: a question with its count over the period, when it was last
/// asked, and what the engine offered the last time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnansweredSummary {
    pub question: String,
    pub count: i64,
    /// Unix seconds.
    pub last_seen: i64,
    pub outcome: UnansweredOutcome,
    pub offered: Vec<String>,
}

const UPSERT: &str = "
    INSERT INTO unanswered_questions (bucket, question, outcome, offered, times, last_seen)
    VALUES ($1, $2, $3, $4, 1, $5)
    ON CONFLICT (bucket, question, outcome, offered)
    DO UPDATE SET times = unanswered_questions.times + 1, last_seen = excluded.last_seen";

const PRUNE: &str = "DELETE FROM unanswered_questions WHERE bucket < $1";

const SUMMARY: &str = "
    SELECT question, outcome, offered, CAST(SUM(times) AS BIGINT), MAX(last_seen)
      FROM unanswered_questions
     WHERE bucket >= $1
     GROUP BY question, outcome, offered";

type SummaryRow = (String, String, String, i64, i64);

impl Store {
    /// Counts one unanswered question in the current hour and deletes rows past retention.
    pub async fn record_unanswered(&self, entry: &UnansweredQuestion) -> Result<(), StoreError> {
        let now = self.now();
        let offered = serde_json::to_string(&entry.offered).context("cannot encode the offered services")?;
        on_pool!(self, |pool| {
            // One write transaction, one turn at SQLite's writer for both statements.
            let mut tx = pool.begin_write(&self.gate).await?;
            sqlx::query(UPSERT)
                .bind(now - now.rem_euclid(BUCKET_SECS))
                .bind(&entry.question)
                .bind(entry.outcome.as_str())
                .bind(&offered)
                .bind(now)
                .execute(&mut *tx)
                .await
                .context("cannot count the unanswered question")?;
            sqlx::query(PRUNE)
                .bind(now - RETENTION_SECS)
                .execute(&mut *tx)
                .await
                .context("cannot prune old unanswered questions")?;
            tx.commit().await.context("cannot commit an unanswered question")?;
        });
        Ok(())
    }

    /// Deletes counted questions older than [`RETENTION_SECS`]; returns how many rows went.
    pub async fn prune_unanswered(&self) -> Result<u64, StoreError> {
        let cutoff = self.now() - RETENTION_SECS;
        let deleted = on_pool!(self, |pool| {
            sqlx::query(PRUNE)
                .bind(cutoff)
                .execute(pool)
                .await
                .context("cannot prune old unanswered questions")?
                .rows_affected()
        });
        Ok(deleted)
    }

    /// The most frequent questions asked in the last `period_secs` (by the hour: the hour the
    /// period starts in counts whole; never more than the retention), most asked first, then
    /// the most recent; at most `limit`.
    pub async fn unanswered_summary(
        &self,
        period_secs: i64,
        limit: usize,
    ) -> Result<Vec<UnansweredSummary>, StoreError> {
        let now = self.now();
        let from = now - period_secs.clamp(0, RETENTION_SECS);
        let rows: Vec<SummaryRow> = on_pool!(self, |pool| {
            sqlx::query_as(SUMMARY)
                .bind(from - from.rem_euclid(BUCKET_SECS))
                .fetch_all(pool)
                .await
                .context("cannot read the unanswered questions")?
        });
        Ok(summarise(rows, limit))
    }
}

/// One summary per question: counts added up, the outcome and offer of its latest variant.
fn summarise(rows: Vec<SummaryRow>, limit: usize) -> Vec<UnansweredSummary> {
    let mut by_question: HashMap<String, UnansweredSummary> = HashMap::new();
    for (question, outcome, offered, times, last_seen) in rows {
        let latest = UnansweredSummary {
            question: question.clone(),
            count: times,
            last_seen,
            outcome: UnansweredOutcome::parse(&outcome),
            offered: serde_json::from_str(&offered).unwrap_or_default(),
        };
        by_question
            .entry(question)
            .and_modify(|s| {
                let count = s.count + times;
                if (last_seen, &latest.offered) > (s.last_seen, &s.offered) {
                    *s = latest.clone();
                }
                s.count = count;
            })
            .or_insert(latest);
    }
    let mut out: Vec<UnansweredSummary> = by_question.into_values().collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.last_seen.cmp(&a.last_seen))
            .then_with(|| a.question.cmp(&b.question))
    });
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};

    fn entry(question: &str, outcome: UnansweredOutcome, offered: &[&str]) -> UnansweredQuestion {
        UnansweredQuestion {
            question: question.to_owned(),
            outcome,
            offered: offered.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    async fn counts_questions_per_period(db: TestDb) {
        let store = &db.store;
        let paspor = entry("syarat paspor", UnansweredOutcome::NotFound, &[]);
        let surat = entry("surat miskin", UnansweredOutcome::Ambiguous, &["a:sktm", "b:sktm"]);
        store.record_unanswered(&paspor).await.unwrap();
        db.clock.advance(60);
        store.record_unanswered(&surat).await.unwrap();
        store.record_unanswered(&paspor).await.unwrap();
        // Another hour, another row of the same question: the summary adds them up.
        db.clock.advance(2 * 3600);
        store.record_unanswered(&paspor).await.unwrap();
        let last = store.now();

        let all = store.unanswered_summary(7 * 86_400, 50).await.unwrap();
        assert_eq!(
            all.iter().map(|s| (s.question.as_str(), s.count)).collect::<Vec<_>>(),
            [("syarat paspor", 3), ("surat miskin", 1)]
        );
        assert_eq!(all[0].last_seen, last);
        assert_eq!(all[0].outcome, UnansweredOutcome::NotFound);
        assert!(all[0].offered.is_empty());
        assert_eq!(all[1].outcome, UnansweredOutcome::Ambiguous);
        assert_eq!(all[1].offered, ["a:sktm", "b:sktm"]);

        // The last hour only: the latest paspor.
        let recent = store.unanswered_summary(1800, 50).await.unwrap();
        assert_eq!(
            recent
                .iter()
                .map(|s| (s.question.as_str(), s.count))
                .collect::<Vec<_>>(),
            [("syarat paspor", 1)]
        );
        assert_eq!(store.unanswered_summary(7 * 86_400, 1).await.unwrap().len(), 1);
    }

    async fn latest_offer_is_shown(db: TestDb) {
        let store = &db.store;
        store
            .record_unanswered(&entry("kartu kuning", UnansweredOutcome::Ambiguous, &["a:x", "b:y"]))
            .await
            .unwrap();
        db.clock.advance(600);
        store
            .record_unanswered(&entry("kartu kuning", UnansweredOutcome::NotFound, &[]))
            .await
            .unwrap();
        let summary = store.unanswered_summary(86_400, 10).await.unwrap();
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].count, 2);
        assert_eq!(summary[0].outcome, UnansweredOutcome::NotFound);
    }

    async fn rows_past_retention_are_pruned_on_write(db: TestDb) {
        let store = &db.store;
        store
            .record_unanswered(&entry("pertanyaan lama", UnansweredOutcome::NotFound, &[]))
            .await
            .unwrap();
        db.clock.advance(RETENTION_SECS - 3600);
        store
            .record_unanswered(&entry("pertanyaan baru", UnansweredOutcome::NotFound, &[]))
            .await
            .unwrap();
        let count_rows = || async {
            let (n,): (i64,) = on_pool!(store, |pool| {
                sqlx::query_as("SELECT COUNT(*) FROM unanswered_questions")
                    .fetch_one(pool)
                    .await
                    .unwrap()
            });
            n
        };
        assert_eq!(count_rows().await, 2, "both still within 90 days");
        db.clock.advance(2 * 3600);
        store
            .record_unanswered(&entry("pertanyaan baru", UnansweredOutcome::NotFound, &[]))
            .await
            .unwrap();
        assert_eq!(
            count_rows().await,
            2,
            "the old question went, the new one has two hours"
        );
        let summary = store.unanswered_summary(i64::MAX, 10).await.unwrap();
        assert_eq!(
            summary
                .iter()
                .map(|s| (s.question.as_str(), s.count))
                .collect::<Vec<_>>(),
            [("pertanyaan baru", 2)]
        );
        db.clock.advance(RETENTION_SECS + 3600);
        assert_eq!(store.prune_unanswered().await.unwrap(), 2);
    }

    both_backends!(
        counts_questions_per_period,
        latest_offer_is_shown,
        rows_past_retention_are_pruned_on_write
    );
}
