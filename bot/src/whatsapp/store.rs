//! The WhatsApp tables (migrations 0012, 0014, 0018) on the store's pools: contacts (a citizen's WhatsApp id
//! -> their chat id in the store, the 24-hour window, blocked) and the durable inbox.
//!
//! Contacts get chat ids below -2^53 ([`FIRST_CHAT_ID`] downwards, from a counter row), a range no Telegram chat id
//! reaches, so [`is_whatsapp_chat`] tells a notification's channel from the chat id alone. The
//! inbox is claimed with a lease by an optimistic `UPDATE` (same SQL on both backends): a worker
//! that dies leaves its lease to expire and the message is processed again.

use std::time::Duration;

use anyhow::Context;

use crate::storage::{Dialect, Store, StoreError, on_pool};

/// The chat id of the first WhatsApp contact; later ones count down from it.
pub const FIRST_CHAT_ID: i64 = -(1 << 53) - 1;

/// The chat ids of WhatsApp contacts.
pub const CHAT_IDS: std::ops::RangeInclusive<i64> = i64::MIN..=FIRST_CHAT_ID;

/// Whether a chat id names a WhatsApp contact.
pub fn is_whatsapp_chat(chat_id: i64) -> bool {
    CHAT_IDS.contains(&chat_id)
}

/// A message waiting in the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxMessage {
    pub message_id: String,
    pub wa_id: String,
    pub kind: String,
    pub payload: String,
    pub received_at: i64,
    /// The sender's WhatsApp profile name as the webhook carried it (migration 0014).
    pub profile_name: Option<String>,
}

/// A contact as the sender needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub wa_id: String,
    pub chat_id: i64,
    pub blocked: bool,
    pub last_inbound_at: i64,
}

#[derive(Clone, Debug)]
pub struct WhatsAppStore(pub Store);

impl WhatsAppStore {
    /// Stores an inbound message once, with the sender's profile name when the webhook gave
    /// one; `false` when its id was seen before (Meta retried). Also records the contact and
    /// opens its 24-hour window.
    pub async fn receive(
        &self,
        wa_id: &str,
        message_id: &str,
        kind: &str,
        payload: &str,
        profile_name: Option<&str>,
    ) -> Result<bool, StoreError> {
        self.touch_contact(wa_id).await?;
        let now = self.0.now();
        let n = on_pool!(self.0, |pool| {
            sqlx::query(
                "INSERT INTO whatsapp_inbox (message_id, wa_id, kind, payload, received_at, profile_name)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(message_id)
            .bind(wa_id)
            .bind(kind)
            .bind(payload)
            .bind(now)
            .bind(profile_name)
            .execute(pool)
            .await
            .context("cannot store inbound WhatsApp message")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// Refreshes a known contact's window and clears a blocked mark (the citizen writes to us
    /// again), or creates the contact with the next chat id from the counter row (migration
    /// 0018), so new contacts writing at once never compete for one id.
    async fn touch_contact(&self, wa_id: &str) -> Result<(), StoreError> {
        let now = self.0.now();
        let refreshed = on_pool!(self.0, |pool| {
            sqlx::query("UPDATE whatsapp_contacts SET status = 'active', last_inbound_at = $2 WHERE wa_id = $1")
                .bind(wa_id)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot record WhatsApp contact")?
                .rows_affected()
        });
        if refreshed == 1 {
            return Ok(());
        }
        on_pool!(self.0, |pool| {
            let mut tx = pool.begin_write(&self.0.gate).await?;
            let (chat_id,): (i64,) = sqlx::query_as(
                "UPDATE whatsapp_chat_ids SET next_chat_id = next_chat_id - 1 WHERE id = 1 RETURNING next_chat_id + 1",
            )
            .fetch_one(&mut *tx)
            .await
            .context("cannot take a WhatsApp chat id")?;
            // The same new citizen's second message at once: its row wins, this id stays unused.
            sqlx::query(
                "INSERT INTO whatsapp_contacts (wa_id, chat_id, status, last_inbound_at, created_at)
                 VALUES ($1, $2, 'active', $3, $3)
                 ON CONFLICT (wa_id) DO UPDATE SET status = 'active', last_inbound_at = excluded.last_inbound_at",
            )
            .bind(wa_id)
            .bind(chat_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .context("cannot record WhatsApp contact")?;
            tx.commit().await.context("cannot commit a WhatsApp contact")?;
        });
        Ok(())
    }

    pub async fn contact(&self, wa_id: &str) -> Result<Option<Contact>, StoreError> {
        let row: Option<(String, i64, String, i64)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT wa_id, chat_id, status, last_inbound_at FROM whatsapp_contacts WHERE wa_id = $1")
                .bind(wa_id)
                .fetch_optional(pool)
                .await
                .context("cannot read WhatsApp contact")?
        });
        Ok(row.map(contact))
    }

    pub async fn contact_of_chat(&self, chat_id: i64) -> Result<Option<Contact>, StoreError> {
        let row: Option<(String, i64, String, i64)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT wa_id, chat_id, status, last_inbound_at FROM whatsapp_contacts WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read WhatsApp contact")?
        });
        Ok(row.map(contact))
    }

    /// Marks a contact unreachable (blocked us, or not on WhatsApp): nothing is sent to it until
    /// it writes again.
    pub async fn block(&self, wa_id: &str) -> Result<(), StoreError> {
        on_pool!(self.0, |pool| {
            sqlx::query("UPDATE whatsapp_contacts SET status = 'blocked' WHERE wa_id = $1")
                .bind(wa_id)
                .execute(pool)
                .await
                .context("cannot mark WhatsApp contact blocked")?;
        });
        Ok(())
    }

    /// Claims the oldest unprocessed message (or one whose lease expired) until now + `lease`.
    pub async fn claim(&self, lease: Duration) -> Result<Option<InboxMessage>, StoreError> {
        let now = self.0.now();
        let until = now + i64::try_from(lease.as_secs()).unwrap_or(60).max(1);
        for _ in 0..5 {
            let next: Option<(String, String, String, String, i64, Option<String>)> = on_pool!(self.0, |pool| {
                sqlx::query_as(
                    "SELECT message_id, wa_id, kind, payload, received_at, profile_name FROM whatsapp_inbox
                      WHERE processed_at IS NULL AND (lease_until IS NULL OR lease_until < $1)
                      ORDER BY received_at, message_id LIMIT 1",
                )
                .bind(now)
                .fetch_optional(pool)
                .await
                .context("cannot read the WhatsApp inbox")?
            });
            let Some((message_id, wa_id, kind, payload, received_at, profile_name)) = next else {
                return Ok(None);
            };
            let taken = on_pool!(self.0, |pool| {
                sqlx::query(
                    "UPDATE whatsapp_inbox SET lease_until = $2
                      WHERE message_id = $1 AND processed_at IS NULL AND (lease_until IS NULL OR lease_until < $3)",
                )
                .bind(&message_id)
                .bind(until)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot claim a WhatsApp message")?
                .rows_affected()
            });
            if taken == 1 {
                return Ok(Some(InboxMessage {
                    message_id,
                    wa_id,
                    kind,
                    payload,
                    received_at,
                    profile_name,
                }));
            }
        }
        Ok(None)
    }

    pub async fn done(&self, message_id: &str) -> Result<(), StoreError> {
        let now = self.0.now();
        on_pool!(self.0, |pool| {
            sqlx::query("UPDATE whatsapp_inbox SET processed_at = $2, lease_until = NULL WHERE message_id = $1")
                .bind(message_id)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot mark a WhatsApp message processed")?;
        });
        Ok(())
    }

    /// Messages not processed yet (metrics, tests).
    pub async fn pending(&self) -> Result<i64, StoreError> {
        let (n,): (i64,) = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM whatsapp_inbox WHERE processed_at IS NULL")
                .fetch_one(pool)
                .await
                .context("cannot count the WhatsApp inbox")?
        });
        Ok(n)
    }
}

fn contact((wa_id, chat_id, status, last_inbound_at): (String, i64, String, i64)) -> Contact {
    Contact {
        wa_id,
        chat_id,
        blocked: status == "blocked",
        last_inbound_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};

    async fn a_replayed_message_is_stored_once(db: TestDb) {
        let s = WhatsAppStore(db.store.clone());
        assert!(s.receive("6281", "wamid.1", "text", "halo", None).await.unwrap());
        assert!(!s.receive("6281", "wamid.1", "text", "halo", None).await.unwrap());
        assert_eq!(s.pending().await.unwrap(), 1);
        let claimed = s.claim(Duration::from_secs(30)).await.unwrap().unwrap();
        assert_eq!((claimed.kind.as_str(), claimed.payload.as_str()), ("text", "halo"));
        // Leased: nobody else gets it until the lease runs out.
        assert_eq!(s.claim(Duration::from_secs(30)).await.unwrap(), None);
        db.clock.advance(31);
        let again = s.claim(Duration::from_secs(30)).await.unwrap().unwrap();
        assert_eq!(again.message_id, "wamid.1");
        s.done("wamid.1").await.unwrap();
        assert_eq!(s.pending().await.unwrap(), 0);
        assert_eq!(s.claim(Duration::from_secs(30)).await.unwrap(), None);
    }

    async fn contacts_get_their_own_chat_ids_and_come_back_from_blocked(db: TestDb) {
        let s = WhatsAppStore(db.store.clone());
        s.receive("6281", "wamid.1", "text", "a", None).await.unwrap();
        s.receive("6282", "wamid.2", "text", "b", None).await.unwrap();
        s.receive("6281", "wamid.3", "text", "c", None).await.unwrap();
        let one = s.contact("6281").await.unwrap().unwrap();
        let two = s.contact("6282").await.unwrap().unwrap();
        assert_eq!(one.chat_id, FIRST_CHAT_ID);
        assert_eq!(two.chat_id, FIRST_CHAT_ID - 1);
        assert!(is_whatsapp_chat(one.chat_id) && is_whatsapp_chat(two.chat_id));
        assert!(!is_whatsapp_chat(-1_001_234_567_890) && !is_whatsapp_chat(4242));
        assert_eq!(s.contact_of_chat(two.chat_id).await.unwrap().unwrap().wa_id, "6282");
        s.block("6281").await.unwrap();
        assert!(s.contact("6281").await.unwrap().unwrap().blocked);
        s.receive("6281", "wamid.4", "text", "d", None).await.unwrap();
        assert!(!s.contact("6281").await.unwrap().unwrap().blocked);
    }

    /// Many new citizens writing at once (one webhook call each) all get a contact, each its own
    /// chat id; on PostgreSQL `MIN(chat_id) - 1` gave several the same id and refused them.
    async fn new_contacts_at_once_each_get_their_own_chat_id(db: TestDb) {
        let s = WhatsAppStore(db.store.clone());
        let writes: Vec<_> = (0..40)
            .map(|i| {
                let s = s.clone();
                tokio::spawn(async move {
                    s.receive(&format!("62812{i:04}"), &format!("wamid.{i}"), "text", "halo", None)
                        .await
                })
            })
            .collect();
        for write in writes {
            assert!(write.await.expect("task").expect("stored"));
        }
        let mut ids = Vec::new();
        for i in 0..40 {
            ids.push(s.contact(&format!("62812{i:04}")).await.unwrap().unwrap().chat_id);
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 40);
        assert!(ids.iter().all(|&id| is_whatsapp_chat(id)));
    }

    both_backends!(
        a_replayed_message_is_stored_once,
        new_contacts_at_once_each_get_their_own_chat_id,
        contacts_get_their_own_chat_ids_and_come_back_from_blocked,
    );
}
