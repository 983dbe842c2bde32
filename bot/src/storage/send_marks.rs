//! Send markers (table `telegram_sends`, migration 0002; despite its name, any channel's): one
//! row per outgoing message that must not be sent twice, keyed by what it is (`notify:<task>`,
//! `wa-notify:<task>`...).
//!
//! A sender writes the marker (`sending`) right before the call and marks it `sent` after: a
//! process killed in between leaves `sending`, and the next attempt sees that the outcome is
//! unknown and does not send again (at most once: the citizen may miss the message, never gets
//! it twice). A call that certainly delivered nothing removes its marker, so a retry may send.

use anyhow::Context;

use super::{Store, StoreError, on_pool};

/// Where an earlier attempt at one outgoing message got to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SendMark {
    /// Started and never finished: the process died mid-send, the outcome is unknown.
    Sending,
    /// Delivered (the channel's message id where it has a numeric one, else 0).
    Sent(i64),
}

impl Store {
    pub(crate) async fn send_mark(&self, key: &str) -> Result<Option<SendMark>, StoreError> {
        let row: Option<(String, Option<i64>)> = on_pool!(self, |pool| {
            sqlx::query_as("SELECT state, message_id FROM telegram_sends WHERE key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await
                .context("cannot read send marker")?
        });
        Ok(row.map(|(state, message_id)| match (state.as_str(), message_id) {
            ("sent", Some(id)) => SendMark::Sent(id),
            _ => SendMark::Sending,
        }))
    }

    /// Claims the right to send message `key`; false when a marker already exists.
    pub(crate) async fn begin_send(&self, key: &str, chat_id: i64) -> Result<bool, StoreError> {
        let now = self.now();
        let n = on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO telegram_sends (key, chat_id, state, updated_at) VALUES ($1, $2, 'sending', $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(key)
            .bind(chat_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot write send marker")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    pub(crate) async fn finish_send(&self, key: &str, message_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query("UPDATE telegram_sends SET state = 'sent', message_id = $2, updated_at = $3 WHERE key = $1")
                .bind(key)
                .bind(message_id)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot finish send marker")?;
        });
        Ok(())
    }

    /// Forgets a marker after a send that certainly did not deliver (so a retry may send).
    pub(crate) async fn abort_send(&self, key: &str) -> Result<(), StoreError> {
        on_pool!(self, |pool| {
            sqlx::query("DELETE FROM telegram_sends WHERE key = $1 AND state = 'sending'")
                .bind(key)
                .execute(pool)
                .await
                .context("cannot remove send marker")?;
        });
        Ok(())
    }
}
