//! How many complaints one Telegram chat filed recently: the figure behind the per-chat intake
//! limit (see `crate::limits`).
//!
//! Counted from the complaints themselves, so the limit holds across restarts and across every
//! `loket serve` process on one database, and only complaints actually filed count (a dialogue
//! given up half-way does not). The `complaints_chat` index keeps it one index range per chat.

use anyhow::Context;

use super::{Store, StoreError, on_pool};

/// Complaints of one chat since a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecentIntake {
    pub count: u64,
    /// When the oldest of them was filed (unix seconds); `None` when there are none.
    pub oldest_at: Option<i64>,
}

impl Store {
    /// The complaints filed from `chat_id` at or after `since` (unix seconds).
    pub async fn recent_intake_from_chat(&self, chat_id: i64, since: i64) -> Result<RecentIntake, StoreError> {
        let (count, oldest_at): (i64, Option<i64>) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM complaints WHERE chat_id = $1 AND created_at >= $2")
                .bind(chat_id)
                .bind(since)
                .fetch_one(pool)
                .await
                .context("cannot count a chat's recent complaints")?
        });
        Ok(RecentIntake {
            count: u64::try_from(count).unwrap_or(0),
            oldest_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewComplaint, fixtures};
    use crate::storage::SubmitOptions;
    use crate::storage::testing::{TestDb, both_backends};

    async fn counts_only_the_chat_and_the_window(db: TestDb) {
        let store = &db.store;
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let chat = new.citizen.telegram_chat().unwrap();
        let start = db.clock.now();
        assert_eq!(
            store.recent_intake_from_chat(chat, start).await.unwrap(),
            RecentIntake {
                count: 0,
                oldest_at: None
            }
        );
        for _ in 0..3 {
            store.submit_complaint(&new, &SubmitOptions::default()).await.unwrap();
            db.clock.advance(60);
        }
        let recent = store.recent_intake_from_chat(chat, start).await.unwrap();
        assert_eq!(
            recent,
            RecentIntake {
                count: 3,
                oldest_at: Some(start)
            }
        );
        assert_eq!(store.recent_intake_from_chat(chat, start + 1).await.unwrap().count, 2);
        assert_eq!(store.recent_intake_from_chat(chat + 1, start).await.unwrap().count, 0);
    }

    both_backends!(counts_only_the_chat_and_the_window);
}
