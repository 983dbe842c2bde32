//! The WhatsApp tables (migrations 0012, 0014, 0018, 0019) on the store's pools: contacts (a citizen's WhatsApp id
//! -> their chat id in the store, the 24-hour window, blocked) and the durable inbox.
//!
//! Contacts get chat ids below -2^53 ([`FIRST_CHAT_ID`] downwards, from a counter row), a range no Telegram chat id
//! reaches, so [`is_whatsapp_chat`] tells a notification's channel from the chat id alone. The
//! inbox is claimed with a lease by one `UPDATE ... RETURNING` (`Dialect::CLAIM_WHATSAPP`;
//! `SKIP LOCKED` on PostgreSQL) that gives out only a citizen's oldest unprocessed message
//! (migration 0019 indexes them), so workers at once never answer one citizen out of order or
//! twice at the same time; a worker that dies leaves its lease to expire and the message is
//! processed again. Writes that belong together share one write transaction (a message with
//! its contact; "done" with the new dialogue state); on SQLite every write takes one turn at the
//! store's write gate.

use std::time::Duration;

use anyhow::Context;

use crate::storage::{Dialect, Store, StoreError, UPSERT_DIALOGUE, dialect_sql, on_pool};

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

/// Inside a write transaction (`$conn`): refreshes a known contact's window and clears a blocked
/// mark (the citizen writes to us again), or creates the contact with the next chat id from the
/// counter row (migration 0018), so new contacts writing at once never compete for one id.
macro_rules! touch_contact {
    ($conn:expr, $wa_id:expr, $now:expr) => {{
        let refreshed =
            sqlx::query("UPDATE whatsapp_contacts SET status = 'active', last_inbound_at = $2 WHERE wa_id = $1")
                .bind($wa_id)
                .bind($now)
                .execute($conn)
                .await
                .context("cannot record WhatsApp contact")?
                .rows_affected();
        if refreshed == 0 {
            let (chat_id,): (i64,) = sqlx::query_as(
                "UPDATE whatsapp_chat_ids SET next_chat_id = next_chat_id - 1 WHERE id = 1 RETURNING next_chat_id + 1",
            )
            .fetch_one($conn)
            .await
            .context("cannot take a WhatsApp chat id")?;
            // The same new citizen's second message at once: its row wins, this id stays unused.
            sqlx::query(
                "INSERT INTO whatsapp_contacts (wa_id, chat_id, status, last_inbound_at, created_at)
                 VALUES ($1, $2, 'active', $3, $3)
                 ON CONFLICT (wa_id) DO UPDATE SET status = 'active', last_inbound_at = excluded.last_inbound_at",
            )
            .bind($wa_id)
            .bind(chat_id)
            .bind($now)
            .execute($conn)
            .await
            .context("cannot record WhatsApp contact")?;
        }
    }};
}

#[derive(Clone, Debug)]
pub struct WhatsAppStore(pub Store);

impl WhatsAppStore {
    /// Stores an inbound message once, with the sender's profile name when the webhook gave
    /// one; `false` when its id was seen before (Meta retried). Also records the contact and
    /// opens its 24-hour window. One write transaction: the contact and the message together.
    pub async fn receive(
        &self,
        wa_id: &str,
        message_id: &str,
        kind: &str,
        payload: &str,
        profile_name: Option<&str>,
    ) -> Result<bool, StoreError> {
        let now = self.0.now();
        let n = on_pool!(self.0, |pool| {
            let mut tx = pool.begin_write(&self.0.gate).await?;
            touch_contact!(&mut *tx, wa_id, now);
            let n = sqlx::query(
                "INSERT INTO whatsapp_inbox (message_id, wa_id, kind, payload, received_at, profile_name)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(message_id)
            .bind(wa_id)
            .bind(kind)
            .bind(payload)
            .bind(now)
            .bind(profile_name)
            .execute(&mut *tx)
            .await
            .context("cannot store inbound WhatsApp message")?
            .rows_affected();
            tx.commit().await.context("cannot commit an inbound WhatsApp message")?;
            n
        });
        Ok(n == 1)
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

    /// A contact with its stored dialogue state (JSON, see `conversation::state_from_json`),
    /// in one read: what the inbox worker needs before the core.
    pub async fn contact_with_state(&self, wa_id: &str) -> Result<Option<(Contact, Option<String>)>, StoreError> {
        let row: Option<(String, i64, String, i64, Option<String>)> = on_pool!(self.0, |pool| {
            sqlx::query_as(
                "SELECT c.wa_id, c.chat_id, c.status, c.last_inbound_at, d.state
                   FROM whatsapp_contacts c LEFT JOIN dialogues d ON d.chat_id = c.chat_id
                  WHERE c.wa_id = $1",
            )
            .bind(wa_id)
            .fetch_optional(pool)
            .await
            .context("cannot read WhatsApp contact")?
        });
        Ok(row.map(|(wa_id, chat_id, status, last_inbound_at, state)| {
            (contact((wa_id, chat_id, status, last_inbound_at)), state)
        }))
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
        let _turn = self.0.write_turn().await;
        on_pool!(self.0, |pool| {
            sqlx::query("UPDATE whatsapp_contacts SET status = 'blocked' WHERE wa_id = $1")
                .bind(wa_id)
                .execute(pool)
                .await
                .context("cannot mark WhatsApp contact blocked")?;
        });
        Ok(())
    }

    /// Claims the oldest message that is its citizen's next (no older message of the same
    /// WhatsApp id is unprocessed, in flight or not) and not leased (or its lease expired), until
    /// now + `lease`. So any number of workers work the inbox at once while each citizen's
    /// messages are processed one at a time, in the order they arrived: a citizen with a
    /// message in flight is skipped until it is done (or its lease runs out and it is claimed
    /// again, before anything after it).
    pub async fn claim(&self, lease: Duration) -> Result<Option<InboxMessage>, StoreError> {
        let now = self.0.now();
        let until = now + i64::try_from(lease.as_secs()).unwrap_or(60).max(1);
        let _turn = self.0.write_turn().await;
        let claimed: Option<(String, String, String, String, i64, Option<String>)> = on_pool!(self.0, |pool| {
            sqlx::query_as(dialect_sql(pool).claim_whatsapp)
                .bind(now)
                .bind(until)
                .fetch_optional(pool)
                .await
                .context("cannot claim a WhatsApp message")?
        });
        Ok(claimed.map(
            |(message_id, wa_id, kind, payload, received_at, profile_name)| InboxMessage {
                message_id,
                wa_id,
                kind,
                payload,
                received_at,
                profile_name,
            },
        ))
    }

    pub async fn done(&self, message_id: &str) -> Result<(), StoreError> {
        self.finish(message_id, None).await
    }

    /// Marks a message processed and, in the same write transaction, saves the citizen's new
    /// dialogue state (`(chat id, state JSON)`): the state moves on exactly when the message
    /// counts as answered, so a message processed again after a failed send or a crash meets
    /// the state it met the first time.
    pub async fn finish(&self, message_id: &str, state: Option<(i64, &str)>) -> Result<(), StoreError> {
        let now = self.0.now();
        on_pool!(self.0, |pool| {
            let mut tx = pool.begin_write(&self.0.gate).await?;
            if let Some((chat_id, json)) = state {
                sqlx::query(UPSERT_DIALOGUE)
                    .bind(chat_id)
                    .bind(json)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .context("cannot save dialogue state")?;
            }
            sqlx::query("UPDATE whatsapp_inbox SET processed_at = $2, lease_until = NULL WHERE message_id = $1")
                .bind(message_id)
                .bind(now)
                .execute(&mut *tx)
                .await
                .context("cannot mark a WhatsApp message processed")?;
            tx.commit()
                .await
                .context("cannot commit a processed WhatsApp message")?;
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

    /// A citizen's second message is not given out while the first is in flight (nor after its
    /// lease ran out: the first is claimed again before it); other citizens' messages are.
    async fn a_citizens_next_message_waits_for_the_one_before(db: TestDb) {
        let s = WhatsAppStore(db.store.clone());
        let lease = Duration::from_secs(30);
        s.receive("6281", "wamid.1", "text", "satu", None).await.unwrap();
        s.receive("6281", "wamid.2", "text", "dua", None).await.unwrap();
        s.receive("6282", "wamid.3", "text", "tiga", None).await.unwrap();
        assert_eq!(s.claim(lease).await.unwrap().unwrap().message_id, "wamid.1");
        assert_eq!(s.claim(lease).await.unwrap().unwrap().message_id, "wamid.3");
        assert_eq!(s.claim(lease).await.unwrap(), None, "6281 has a message in flight");
        db.clock.advance(31);
        assert_eq!(
            s.claim(lease).await.unwrap().unwrap().message_id,
            "wamid.1",
            "an expired lease gives the same message again, never the next one"
        );
        s.done("wamid.1").await.unwrap();
        assert_eq!(s.claim(lease).await.unwrap().unwrap().message_id, "wamid.2");
        s.done("wamid.2").await.unwrap();
        s.done("wamid.3").await.unwrap();
        assert_eq!(s.claim(lease).await.unwrap(), None);
        assert_eq!(s.pending().await.unwrap(), 0);
    }

    /// Claimers at once, as the inbox workers are: every message processed exactly once, never
    /// two of one citizen at the same time, each citizen's in the order they arrived.
    async fn claimers_at_once_keep_each_citizens_messages_in_order(db: TestDb) {
        use std::collections::{HashMap, HashSet};
        use std::sync::{Arc, Mutex};
        let s = WhatsAppStore(db.store.clone());
        const CITIZENS: usize = 4;
        const EACH: usize = 8;
        for i in 0..EACH {
            for c in 0..CITIZENS {
                let id = format!("wamid.{i:02}.{c}");
                s.receive(&format!("62812{c}"), &id, "text", "halo", None)
                    .await
                    .unwrap();
            }
        }
        #[derive(Default)]
        struct Seen {
            in_flight: HashSet<String>,
            order: HashMap<String, Vec<String>>,
        }
        let seen = Arc::new(Mutex::new(Seen::default()));
        let claimers: Vec<_> = (0..6)
            .map(|_| {
                let (s, seen) = (s.clone(), seen.clone());
                tokio::spawn(async move {
                    loop {
                        let Some(m) = s.claim(Duration::from_secs(30)).await.unwrap() else {
                            if s.pending().await.unwrap() == 0 {
                                return;
                            }
                            tokio::task::yield_now().await;
                            continue;
                        };
                        {
                            let mut seen = seen.lock().unwrap();
                            assert!(
                                seen.in_flight.insert(m.wa_id.clone()),
                                "two messages of {} in flight at once",
                                m.wa_id
                            );
                            seen.order
                                .entry(m.wa_id.clone())
                                .or_default()
                                .push(m.message_id.clone());
                        }
                        // Processing: give the other claimers a chance to take something.
                        for _ in 0..3 {
                            tokio::task::yield_now().await;
                        }
                        seen.lock().unwrap().in_flight.remove(&m.wa_id);
                        s.done(&m.message_id).await.unwrap();
                    }
                })
            })
            .collect();
        for claimer in claimers {
            claimer.await.expect("claimer");
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.order.len(), CITIZENS);
        for c in 0..CITIZENS {
            let expected: Vec<String> = (0..EACH).map(|i| format!("wamid.{i:02}.{c}")).collect();
            assert_eq!(seen.order[&format!("62812{c}")], expected);
        }
    }

    both_backends!(
        a_citizens_next_message_waits_for_the_one_before,
        claimers_at_once_keep_each_citizens_messages_in_order,
        a_replayed_message_is_stored_once,
        new_contacts_at_once_each_get_their_own_chat_id,
        contacts_get_their_own_chat_ids_and_come_back_from_blocked,
    );
}
