//! The web chat tables (migration 0013) on the store's pools: sessions (a token's SHA-256 -> the
//! citizen's chat id) and each session's messages, both ways, which are also the outbox of its
//! status notifications.
//!
//! Sessions get chat ids from [`FIRST_CHAT_ID`] upwards (above 2^53: no Telegram chat id and no
//! WhatsApp contact reaches them), so [`is_web_chat`] tells a notification's channel from the chat
//! id alone. The ids come from a counter row, never from `MAX(chat_id) + 1`: a deleted session's
//! id is never given to someone else, who would see its complaints.
//!
//! A session's messages are numbered 1, 2, 3... without gaps and never reused: an append raises
//! the session's `last_seq` in its write transaction (on PostgreSQL that row lock makes a
//! session's appends take turns), so a reader that has seen number n has seen every message
//! before it, also after old lines were deleted. loket's answer to a citizen (its replies, the
//! citizen's new dialogue state, the session marked used) is one write transaction: on SQLite
//! one turn at the single writer per answer.

use anyhow::Context;

use crate::storage::{Dialect, Store, StoreError, UPSERT_DIALOGUE, on_pool};

/// The chat id of the first web session; later ones count up from it.
pub const FIRST_CHAT_ID: i64 = (1 << 53) + 1;

/// The chat ids of web chat sessions.
pub const CHAT_IDS: std::ops::RangeInclusive<i64> = FIRST_CHAT_ID..=i64::MAX;

/// Whether a chat id names a web chat session.
pub fn is_web_chat(chat_id: i64) -> bool {
    CHAT_IDS.contains(&chat_id)
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    Citizen,
    Loket,
}

impl Author {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Citizen => "citizen",
            Self::Loket => "loket",
        }
    }
}

/// A session as the API needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    pub chat_id: i64,
    pub last_seen_at: i64,
}

/// One stored message: its number in the session, author, rendered body (JSON) and time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredMessage {
    pub seq: i64,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// What a retention pass removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pruned {
    pub sessions: u64,
    pub messages: u64,
}

/// Statuses after which no notification follows (see `storage::PURGEABLE`).
const CLOSED: &str = "'ditolak', 'ditutup', 'bukan_wewenang'";

/// What [`WebChatStore::answer`] writes besides the replies.
#[derive(Clone, Copy)]
struct Answered<'a> {
    state: Option<&'a str>,
}

#[derive(Clone, Debug)]
pub struct WebChatStore(pub Store);

impl WebChatStore {
    /// Opens a session for a token digest; returns its new chat id.
    pub async fn create_session(&self, token_sha256: &str) -> Result<i64, StoreError> {
        let now = self.0.now();
        on_pool!(self.0, |pool| {
            let mut tx = pool.begin_write(&self.0.gate).await?;
            let (chat_id,): (i64,) = sqlx::query_as(
                "UPDATE webchat_chat_ids SET next_chat_id = next_chat_id + 1 WHERE id = 1 RETURNING next_chat_id - 1",
            )
            .fetch_one(&mut *tx)
            .await
            .context("cannot take a web chat id")?;
            sqlx::query(
                "INSERT INTO webchat_sessions (token_sha256, chat_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)",
            )
            .bind(token_sha256)
            .bind(chat_id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .context("cannot open a web chat session")?;
            tx.commit().await.context("cannot commit a web chat session")?;
            Ok(chat_id)
        })
    }

    /// The session of a token digest, if it exists.
    pub async fn session(&self, token_sha256: &str) -> Result<Option<Session>, StoreError> {
        let row: Option<(i64, i64)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT chat_id, last_seen_at FROM webchat_sessions WHERE token_sha256 = $1")
                .bind(token_sha256)
                .fetch_optional(pool)
                .await
                .context("cannot read a web chat session")?
        });
        Ok(row.map(|(chat_id, last_seen_at)| Session { chat_id, last_seen_at }))
    }

    /// Whether the session of a chat id still exists.
    pub async fn has_session(&self, chat_id: i64) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT chat_id FROM webchat_sessions WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read a web chat session")?
        });
        Ok(row.is_some())
    }

    /// Records that the session was used now (for retention).
    pub async fn touch(&self, chat_id: i64) -> Result<(), StoreError> {
        let now = self.0.now();
        let _turn = self.0.write_turn().await;
        on_pool!(self.0, |pool| {
            sqlx::query("UPDATE webchat_sessions SET last_seen_at = $2 WHERE chat_id = $1")
                .bind(chat_id)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot touch a web chat session")?;
        });
        Ok(())
    }

    /// Appends `bodies` to the chat's messages, numbered after the last; returns their numbers.
    /// With `delivery_id` (a notification task) nothing is appended when that task's message is
    /// already there, and the result is empty. [`StoreError::NotFound`] when the session is gone.
    pub async fn append(
        &self,
        chat_id: i64,
        author: Author,
        bodies: &[String],
        delivery_id: Option<&str>,
    ) -> Result<Vec<i64>, StoreError> {
        self.append_with(chat_id, author, bodies, delivery_id, None).await
    }

    /// loket's answer to what the citizen just said, in one write transaction: the replies
    /// appended, the citizen's new dialogue state (JSON) saved when there is one, and the session
    /// marked used now (for retention). One turn at SQLite's writer instead of three.
    pub async fn answer(&self, chat_id: i64, bodies: &[String], state: Option<&str>) -> Result<Vec<i64>, StoreError> {
        self.append_with(chat_id, Author::Loket, bodies, None, Some(Answered { state }))
            .await
    }

    async fn append_with(
        &self,
        chat_id: i64,
        author: Author,
        bodies: &[String],
        delivery_id: Option<&str>,
        answered: Option<Answered<'_>>,
    ) -> Result<Vec<i64>, StoreError> {
        let now = self.0.now();
        let count = i64::try_from(bodies.len()).unwrap_or(i64::MAX);
        for _ in 0..8 {
            let attempt: Result<Option<Vec<i64>>, sqlx::Error> = on_pool!(self.0, |pool| {
                async {
                    let mut tx = pool.begin_write(&self.0.gate).await?;
                    // Takes the session's row lock on PostgreSQL: one append per session at a time.
                    let raise = if answered.is_some() {
                        sqlx::query_as(
                            "UPDATE webchat_sessions SET last_seq = last_seq + $2, last_seen_at = $3
                              WHERE chat_id = $1 RETURNING last_seq",
                        )
                        .bind(chat_id)
                        .bind(count)
                        .bind(now)
                    } else {
                        sqlx::query_as(
                            "UPDATE webchat_sessions SET last_seq = last_seq + $2 WHERE chat_id = $1 RETURNING last_seq",
                        )
                        .bind(chat_id)
                        .bind(count)
                    };
                    let last: Option<(i64,)> = raise.fetch_optional(&mut *tx).await?;
                    let Some((last,)) = last else {
                        return Ok(None);
                    };
                    if let Some(id) = delivery_id {
                        let seen: Option<(i64,)> =
                            sqlx::query_as("SELECT seq FROM webchat_messages WHERE delivery_id = $1")
                                .bind(id)
                                .fetch_optional(&mut *tx)
                                .await?;
                        if seen.is_some() {
                            return Ok(Some(Vec::new()));
                        }
                    }
                    let mut numbers = Vec::with_capacity(bodies.len());
                    for (seq, body) in (last - count + 1..).zip(bodies) {
                        sqlx::query(
                            "INSERT INTO webchat_messages (chat_id, seq, author, body, delivery_id, created_at)
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(chat_id)
                        .bind(seq)
                        .bind(author.as_str())
                        .bind(body)
                        .bind(delivery_id)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?;
                        numbers.push(seq);
                    }
                    if let Some(Answered { state: Some(json) }) = answered {
                        sqlx::query(UPSERT_DIALOGUE)
                            .bind(chat_id)
                            .bind(json)
                            .bind(now)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(Some(numbers))
                }
                .await
            });
            match attempt {
                Ok(Some(numbers)) => return Ok(numbers),
                Ok(None) => return Err(StoreError::NotFound),
                // The same task appended by another worker at the same moment: look again.
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
                Err(e) => return Err(anyhow::Error::new(e).context("cannot store web chat messages").into()),
            }
        }
        Err(anyhow::anyhow!("cannot store web chat messages: too many concurrent appends").into())
    }

    /// Up to `limit` messages after number `after`, oldest first.
    pub async fn messages_after(&self, chat_id: i64, after: i64, limit: i64) -> Result<Vec<StoredMessage>, StoreError> {
        let rows = on_pool!(self.0, |pool| {
            sqlx::query_as::<_, StoredMessage>(
                "SELECT seq, author, body, created_at FROM webchat_messages
                  WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(chat_id)
            .bind(after)
            .bind(limit)
            .fetch_all(pool)
            .await
            .context("cannot read web chat messages")?
        });
        Ok(rows)
    }

    /// The number of the chat's newest message (0 when there is none, or no session).
    pub async fn last_seq(&self, chat_id: i64) -> Result<i64, StoreError> {
        let row: Option<(i64,)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT last_seq FROM webchat_sessions WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read web chat messages")?
        });
        Ok(row.map_or(0, |(last,)| last))
    }

    /// Deletes messages written before `before`, and sessions idle since before it whose
    /// complaints are all closed for good (with their dialogue state and subscriptions).
    pub async fn prune(&self, before: i64) -> Result<Pruned, StoreError> {
        on_pool!(self.0, |pool| {
            let mut tx = pool.begin_write(&self.0.gate).await?;
            let messages = sqlx::query("DELETE FROM webchat_messages WHERE created_at < $1")
                .bind(before)
                .execute(&mut *tx)
                .await
                .context("cannot prune web chat messages")?
                .rows_affected();
            let idle = format!(
                "SELECT s.chat_id FROM webchat_sessions s WHERE s.last_seen_at < $1
                   AND NOT EXISTS (SELECT 1 FROM complaints c WHERE c.chat_id = s.chat_id AND c.status NOT IN ({CLOSED}))"
            );
            for table in ["dialogues", "subscriptions", "chats", "webchat_messages"] {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE chat_id IN ({idle})"
                )))
                .bind(before)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("cannot prune {table} of idle web chat sessions"))?;
            }
            let sessions = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM webchat_sessions WHERE chat_id IN ({idle})"
            )))
            .bind(before)
            .execute(&mut *tx)
            .await
            .context("cannot prune idle web chat sessions")?
            .rows_affected();
            tx.commit().await.context("cannot commit web chat pruning")?;
            Ok(Pruned { sessions, messages })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewComplaint, RawComplaint, fixtures};
    use crate::storage::SubmitOptions;
    use crate::storage::testing::{TestDb, both_backends};

    async fn sessions_get_their_own_chat_ids_never_reused(db: TestDb) {
        let s = WebChatStore(db.store.clone());
        let one = s.create_session("a".repeat(64).as_str()).await.unwrap();
        let two = s.create_session("b".repeat(64).as_str()).await.unwrap();
        assert_eq!((one, two), (FIRST_CHAT_ID, FIRST_CHAT_ID + 1));
        assert!(is_web_chat(one) && is_web_chat(two));
        assert!(!is_web_chat(4242) && !is_web_chat(-1_001_234_567_890));
        assert!(!is_web_chat(crate::whatsapp::store::FIRST_CHAT_ID));
        assert_eq!(s.session(&"b".repeat(64)).await.unwrap().unwrap().chat_id, two);
        assert_eq!(s.session(&"c".repeat(64)).await.unwrap(), None);
        // The newest session goes away; the next one still gets a new id.
        db.clock.advance(40 * 86_400);
        s.prune(db.clock.now() - 30 * 86_400).await.unwrap();
        assert!(!s.has_session(two).await.unwrap());
        assert_eq!(s.create_session(&"d".repeat(64)).await.unwrap(), FIRST_CHAT_ID + 2);
    }

    async fn messages_are_numbered_per_session_and_tasks_append_once(db: TestDb) {
        let s = WebChatStore(db.store.clone());
        let chat = s.create_session(&"a".repeat(64)).await.unwrap();
        let other = s.create_session(&"b".repeat(64)).await.unwrap();
        let body = |t: &str| vec![t.to_owned()];
        assert_eq!(
            s.append(chat, Author::Citizen, &body("halo"), None).await.unwrap(),
            vec![1]
        );
        assert_eq!(
            s.append(chat, Author::Loket, &["x".into(), "y".into()], None)
                .await
                .unwrap(),
            vec![2, 3]
        );
        assert_eq!(
            s.append(other, Author::Citizen, &body("hai"), None).await.unwrap(),
            vec![1]
        );
        assert_eq!(
            s.append(chat, Author::Loket, &body("kabar"), Some("task-1"))
                .await
                .unwrap(),
            vec![4]
        );
        assert!(
            s.append(chat, Author::Loket, &body("kabar"), Some("task-1"))
                .await
                .unwrap()
                .is_empty()
        );
        let all = s.messages_after(chat, 0, 100).await.unwrap();
        let seqs: Vec<i64> = all.iter().map(|m| m.seq).collect();
        assert_eq!(seqs, vec![1, 2, 3, 4]);
        assert_eq!(all[0].author, "citizen");
        assert_eq!(s.messages_after(chat, 2, 1).await.unwrap()[0].body, "y");
        assert_eq!(s.last_seq(chat).await.unwrap(), 4);
        assert_eq!(s.last_seq(FIRST_CHAT_ID + 99).await.unwrap(), 0);
        assert!(matches!(
            s.append(FIRST_CHAT_ID + 99, Author::Loket, &body("x"), None).await,
            Err(StoreError::NotFound)
        ));
    }

    async fn concurrent_appends_leave_no_gaps(db: TestDb) {
        let s = WebChatStore(db.store.clone());
        let chat = s.create_session(&"a".repeat(64)).await.unwrap();
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.append(chat, Author::Loket, &[format!("m{i}")], Some(&format!("t{i}")))
                    .await
                    .unwrap()
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap().len(), 1);
        }
        let seqs: Vec<i64> = s
            .messages_after(chat, 0, 100)
            .await
            .unwrap()
            .iter()
            .map(|m| m.seq)
            .collect();
        assert_eq!(seqs, (1..=8).collect::<Vec<_>>());
    }

    async fn retention_keeps_sessions_with_open_complaints(db: TestDb) {
        let s = WebChatStore(db.store.clone());
        let idle = s.create_session(&"a".repeat(64)).await.unwrap();
        let waiting = s.create_session(&"b".repeat(64)).await.unwrap();
        let recent = s.create_session(&"c".repeat(64)).await.unwrap();
        for chat in [idle, waiting, recent] {
            s.append(chat, Author::Citizen, &["lama".into()], None).await.unwrap();
            crate::conversation::save_state(&db.store, chat, &crate::conversation::State::default())
                .await
                .unwrap();
        }
        let raw = RawComplaint {
            chat_id: waiting,
            ..fixtures::raw()
        };
        let new = NewComplaint::parse(&raw, fixtures::today()).unwrap();
        db.store
            .submit_complaint(&new, &SubmitOptions::default())
            .await
            .unwrap();
        db.clock.advance(31 * 86_400);
        s.touch(recent).await.unwrap();
        s.append(recent, Author::Citizen, &["baru".into()], None).await.unwrap();
        let pruned = s.prune(db.clock.now() - 30 * 86_400).await.unwrap();
        assert_eq!(pruned.sessions, 1);
        assert!(!s.has_session(idle).await.unwrap());
        assert!(
            db.store.dialogue_json(idle).await.unwrap().is_none(),
            "its dialogue went too"
        );
        assert!(
            s.has_session(waiting).await.unwrap(),
            "an open complaint keeps its session"
        );
        assert!(s.has_session(recent).await.unwrap());
        let left = s.messages_after(recent, 0, 10).await.unwrap();
        assert_eq!(left.len(), 1, "old lines go, new ones stay");
        assert_eq!((left[0].seq, left[0].body.as_str()), (2, "baru"));
        assert!(s.messages_after(waiting, 0, 10).await.unwrap().is_empty());
        // Numbers go on after the deleted lines, never again from 1.
        assert_eq!(
            s.append(waiting, Author::Loket, &["kabar".into()], None).await.unwrap(),
            vec![2]
        );
    }

    both_backends!(
        sessions_get_their_own_chat_ids_never_reused,
        messages_are_numbered_per_session_and_tasks_append_once,
        concurrent_appends_leave_no_gaps,
        retention_keeps_sessions_with_open_complaints,
    );
}
