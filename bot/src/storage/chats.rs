//! Citizens' chats and announcement subscriptions (`chats`, `subscriptions` of migration 0001),
//! for every channel: a chat id is the citizen's address in the store (a Telegram chat id, or the
//! id `storage` gave a WhatsApp contact). A subscription's topic is `all`, `agency:<name>` or
//! `regency:<name>` (a regency or city as the decrees name it: "Kabupaten Pasuruan").

use anyhow::Context;

use super::{Store, StoreError, on_pool};

/// Topic of a subscription to every agency.
pub(crate) const TOPIC_ALL: &str = "all";

/// Saves a chat's dialogue state: binds `$1` chat id, `$2` the state's JSON, `$3` now.
pub(crate) const UPSERT_DIALOGUE: &str = "INSERT INTO dialogues (chat_id, state, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at";

pub(crate) fn agency_topic(agency: &str) -> String {
    format!("agency:{agency}")
}

pub(crate) fn regency_topic(regency: &str) -> String {
    format!("regency:{regency}")
}

impl Store {
    /// Records that a chat talks to us (again): creates it or clears its blocked flag.
    pub(crate) async fn activate_chat(&self, chat_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO chats (chat_id, status, created_at, updated_at) VALUES ($1, 'active', $2, $2)
                 ON CONFLICT (chat_id) DO UPDATE SET status = 'active', updated_at = excluded.updated_at",
            )
            .bind(chat_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot activate chat")?;
        });
        Ok(())
    }

    /// Marks a chat blocked (the channel answered that the
    /// citizen blocked us): nothing is sent to it until it writes again.
    pub(crate) async fn block_chat(&self, chat_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO chats (chat_id, status, created_at, updated_at) VALUES ($1, 'blocked', $2, $2)
                 ON CONFLICT (chat_id) DO UPDATE SET status = 'blocked', updated_at = excluded.updated_at",
            )
            .bind(chat_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot mark chat blocked")?;
        });
        Ok(())
    }

    pub(crate) async fn is_blocked(&self, chat_id: i64) -> Result<bool, StoreError> {
        let row: Option<(String,)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT status FROM chats WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read chat status")?
        });
        Ok(row.is_some_and(|(status,)| status == "blocked"))
    }

    pub(crate) async fn subscribe(&self, chat_id: i64, topic: &str) -> Result<(), StoreError> {
        self.activate_chat(chat_id).await?;
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO subscriptions (chat_id, topic, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(chat_id)
            .bind(topic)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot subscribe")?;
        });
        Ok(())
    }

    /// Removes every subscription of the chat; returns how many there were.
    pub(crate) async fn unsubscribe_all(&self, chat_id: i64) -> Result<u64, StoreError> {
        let n = on_pool!(self, |pool| {
            sqlx::query("DELETE FROM subscriptions WHERE chat_id = $1")
                .bind(chat_id)
                .execute(pool)
                .await
                .context("cannot unsubscribe")?
                .rows_affected()
        });
        Ok(n)
    }

    /// The stored dialogue state of a chat, as JSON (the conversation core reads it).
    pub(crate) async fn dialogue_json(&self, chat_id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT state FROM dialogues WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read dialogue state")?
        });
        Ok(row.map(|(json,)| json))
    }

    /// Saves a chat's dialogue state (JSON).
    pub(crate) async fn save_dialogue_json(&self, chat_id: i64, json: &str) -> Result<(), StoreError> {
        let now = self.now();
        let _turn = self.write_turn().await;
        on_pool!(self, |pool| {
            sqlx::query(UPSERT_DIALOGUE)
                .bind(chat_id)
                .bind(json)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot save dialogue state")?;
        });
        Ok(())
    }
}
