//! The Telegram side's SQL, on the store's own pools (never a second pool).
//!
//! [`DialogueStore`] implements teloxide's `Storage<State>` on the `dialogues` table (teloxide's
//! built-in SQL storages would open their own pool outside our migrations). The rest: the chat's
//! blocked flag and announcement subscriptions (delegated to `storage/chats.rs`, which every
//! channel shares), send markers that stop a message
//! from going out twice after a crash, officer posts and officer note prompts (migration 0002).

use std::sync::Arc;

use anyhow::Context;
use teloxide::dispatching::dialogue::Storage;
use teloxide::types::ChatId;

use super::state::State;

type BoxFuture<'a, T> = std::pin::Pin<Box<dyn Future<Output = T> + Send + 'a>>;
use crate::domain::{ComplaintStatus, TicketNumber};
use crate::storage::{Store, StoreError, on_pool};

#[cfg(test)]
pub(crate) use crate::storage::{TOPIC_ALL, agency_topic};

/// `Storage<State>` on our database; see the module docs.
#[derive(Clone, Debug)]
pub struct DialogueStore {
    store: Store,
}

impl DialogueStore {
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    async fn load(&self, chat_id: i64) -> Result<Option<State>, StoreError> {
        let row: Option<(String,)> = on_pool!(self.store, |pool| {
            sqlx::query_as("SELECT state FROM dialogues WHERE chat_id = $1")
                .bind(chat_id)
                .fetch_optional(pool)
                .await
                .context("cannot read dialogue state")?
        });
        Ok(row.and_then(|(json,)| match serde_json::from_str(&json) {
            Ok(state) => Some(state),
            Err(error) => {
                // A state written by an older version: start over rather than fail every update.
                tracing::warn!(chat_id, %error, "unreadable dialogue state reset to the default");
                None
            }
        }))
    }

    async fn save(&self, chat_id: i64, state: &State) -> Result<(), StoreError> {
        let json = serde_json::to_string(state).context("cannot serialise dialogue state")?;
        let now = self.store.now();
        on_pool!(self.store, |pool| {
            sqlx::query(
                "INSERT INTO dialogues (chat_id, state, updated_at) VALUES ($1, $2, $3)
                 ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            )
            .bind(chat_id)
            .bind(&json)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot save dialogue state")?;
        });
        Ok(())
    }

    async fn remove(&self, chat_id: i64) -> Result<(), StoreError> {
        on_pool!(self.store, |pool| {
            sqlx::query("DELETE FROM dialogues WHERE chat_id = $1")
                .bind(chat_id)
                .execute(pool)
                .await
                .context("cannot remove dialogue state")?;
        });
        Ok(())
    }
}

impl Storage<State> for DialogueStore {
    type Error = StoreError;

    fn remove_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move { self.remove(chat_id.0).await })
    }

    fn update_dialogue(
        self: Arc<Self>,
        chat_id: ChatId,
        dialogue: State,
    ) -> BoxFuture<'static, Result<(), Self::Error>> {
        Box::pin(async move { self.save(chat_id.0, &dialogue).await })
    }

    fn get_dialogue(self: Arc<Self>, chat_id: ChatId) -> BoxFuture<'static, Result<Option<State>, Self::Error>> {
        Box::pin(async move { self.load(chat_id.0).await })
    }
}

/// Where an earlier attempt at one outgoing message got to (`storage::send_marks`).
pub(crate) use crate::storage::SendMark;

/// An officer's pending prompt: a note for a status change, or a reply to the citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NotePrompt {
    pub(crate) ticket: TicketNumber,
    pub(crate) action: PromptAction,
    pub(crate) user_id: i64,
}

/// What the officer's answer to a prompt does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PromptAction {
    /// Change the status, with the answer as the note.
    Status(ComplaintStatus),
    /// Send the answer to the citizen as the handler's reply (stored as `reply` in `to_status`).
    Reply,
}

impl PromptAction {
    const REPLY: &str = "reply";

    fn as_str(self) -> &'static str {
        match self {
            Self::Status(status) => status.as_str(),
            Self::Reply => Self::REPLY,
        }
    }

    fn parse(raw: &str) -> anyhow::Result<Self> {
        if raw == Self::REPLY {
            return Ok(Self::Reply);
        }
        Ok(Self::Status(ComplaintStatus::parse(raw)?))
    }
}

/// The Telegram side's queries on the shared [`Store`].
#[derive(Clone, Debug)]
pub(crate) struct TelegramStore<'a>(pub(crate) &'a Store);

impl TelegramStore<'_> {
    /// Records that a chat talks to us (again); see [`Store::activate_chat`].
    #[cfg(test)]
    pub(crate) async fn activate_chat(&self, chat_id: i64) -> Result<(), StoreError> {
        self.0.activate_chat(chat_id).await
    }

    /// Marks a chat blocked (Telegram answered 403); see [`Store::block_chat`].
    pub(crate) async fn block_chat(&self, chat_id: i64) -> Result<(), StoreError> {
        self.0.block_chat(chat_id).await
    }

    pub(crate) async fn is_blocked(&self, chat_id: i64) -> Result<bool, StoreError> {
        self.0.is_blocked(chat_id).await
    }

    #[cfg(test)]
    pub(crate) async fn subscribe(&self, chat_id: i64, topic: &str) -> Result<(), StoreError> {
        self.0.subscribe(chat_id, topic).await
    }

    #[cfg(test)]
    pub(crate) async fn unsubscribe_all(&self, chat_id: i64) -> Result<u64, StoreError> {
        self.0.unsubscribe_all(chat_id).await
    }

    #[cfg(test)]
    pub(crate) async fn subscriptions(&self, chat_id: i64) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT topic FROM subscriptions WHERE chat_id = $1 ORDER BY topic")
                .bind(chat_id)
                .fetch_all(pool)
                .await
                .context("cannot list subscriptions")?
        });
        Ok(rows.into_iter().map(|(t,)| t).collect())
    }

    pub(crate) async fn send_mark(&self, key: &str) -> Result<Option<SendMark>, StoreError> {
        self.0.send_mark(key).await
    }

    /// Claims the right to send message `key`; false when a marker already exists.
    pub(crate) async fn begin_send(&self, key: &str, chat_id: i64) -> Result<bool, StoreError> {
        self.0.begin_send(key, chat_id).await
    }

    pub(crate) async fn finish_send(&self, key: &str, message_id: i64) -> Result<(), StoreError> {
        self.0.finish_send(key, message_id).await
    }

    /// Forgets a marker after a send that certainly did not deliver (so a retry may send).
    pub(crate) async fn abort_send(&self, key: &str) -> Result<(), StoreError> {
        self.0.abort_send(key).await
    }

    pub(crate) async fn record_officer_post(
        &self,
        ticket: &TicketNumber,
        chat_id: i64,
        message_id: i64,
    ) -> Result<(), StoreError> {
        let now = self.0.now();
        on_pool!(self.0, |pool| {
            sqlx::query(
                "INSERT INTO officer_posts (ticket, chat_id, message_id, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
            )
            .bind(ticket.as_str())
            .bind(chat_id)
            .bind(message_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot record officer post")?;
        });
        Ok(())
    }

    /// Every (chat, message) where the complaint was posted to officers.
    pub(crate) async fn officer_posts(&self, ticket: &TicketNumber) -> Result<Vec<(i64, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = on_pool!(self.0, |pool| {
            sqlx::query_as(
                "SELECT chat_id, message_id FROM officer_posts WHERE ticket = $1 ORDER BY chat_id, message_id",
            )
            .bind(ticket.as_str())
            .fetch_all(pool)
            .await
            .context("cannot list officer posts")?
        });
        Ok(rows)
    }

    pub(crate) async fn save_prompt(
        &self,
        chat_id: i64,
        message_id: i64,
        prompt: &NotePrompt,
    ) -> Result<(), StoreError> {
        let now = self.0.now();
        on_pool!(self.0, |pool| {
            sqlx::query(
                "INSERT INTO officer_prompts (chat_id, message_id, ticket, to_status, user_id, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(prompt.ticket.as_str())
            .bind(prompt.action.as_str())
            .bind(prompt.user_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot save officer prompt")?;
        });
        Ok(())
    }

    /// The prompt that is message `message_id` of `chat_id`, and whether it was already answered.
    pub(crate) async fn prompt(&self, chat_id: i64, message_id: i64) -> Result<Option<(NotePrompt, bool)>, StoreError> {
        let row: Option<(String, String, i64, Option<i64>)> = on_pool!(self.0, |pool| {
            sqlx::query_as(
                "SELECT ticket, to_status, user_id, used_at FROM officer_prompts WHERE chat_id = $1 AND message_id = $2",
            )
            .bind(chat_id)
            .bind(message_id)
            .fetch_optional(pool)
            .await
            .context("cannot read officer prompt")?
        });
        let Some((ticket, to, user_id, used_at)) = row else {
            return Ok(None);
        };
        let prompt = NotePrompt {
            ticket: TicketNumber::parse(&ticket).context("corrupt ticket in officer prompt")?,
            action: PromptAction::parse(&to).context("corrupt action in officer prompt")?,
            user_id,
        };
        Ok(Some((prompt, used_at.is_some())))
    }

    /// Marks a prompt answered (kept, so a second answer can be told so); false when it already was.
    pub(crate) async fn use_prompt(&self, chat_id: i64, message_id: i64) -> Result<bool, StoreError> {
        let now = self.0.now();
        let n = on_pool!(self.0, |pool| {
            sqlx::query(
                "UPDATE officer_prompts SET used_at = $3 WHERE chat_id = $1 AND message_id = $2 AND used_at IS NULL",
            )
            .bind(chat_id)
            .bind(message_id)
            .bind(now)
            .execute(pool)
            .await
            .context("cannot mark officer prompt used")?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// The ticket of `user_id`'s newest unanswered prompt in `chat_id` from the last hour: an
    /// officer who writes without replying to it probably meant to answer it.
    pub(crate) async fn open_prompt_of(&self, chat_id: i64, user_id: i64) -> Result<Option<TicketNumber>, StoreError> {
        let since = self.0.now() - 3600;
        let row: Option<(String,)> = on_pool!(self.0, |pool| {
            sqlx::query_as(
                "SELECT ticket FROM officer_prompts
                  WHERE chat_id = $1 AND user_id = $2 AND used_at IS NULL AND created_at >= $3
                  ORDER BY created_at DESC, message_id DESC LIMIT 1",
            )
            .bind(chat_id)
            .bind(user_id)
            .bind(since)
            .fetch_optional(pool)
            .await
            .context("cannot look up open officer prompts")?
        });
        Ok(row.and_then(|(t,)| TicketNumber::parse(&t).ok()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};
    use crate::telegram::state::Draft;

    async fn dialogue_state_round_trips_and_resets_when_unreadable(db: TestDb) {
        let storage = Arc::new(DialogueStore::new(db.store.clone()));
        let chat = ChatId(77);
        assert_eq!(storage.clone().get_dialogue(chat).await.unwrap(), None);
        let state = State::ComplaintPlace {
            draft: Draft {
                category: Some("kebersihan".into()),
                ..Draft::default()
            },
        };
        storage.clone().update_dialogue(chat, state.clone()).await.unwrap();
        assert_eq!(storage.clone().get_dialogue(chat).await.unwrap(), Some(state));
        storage.clone().update_dialogue(chat, State::default()).await.unwrap();
        assert_eq!(
            storage.clone().get_dialogue(chat).await.unwrap(),
            Some(State::default())
        );
        on_pool!(db.store, |pool| {
            sqlx::query("UPDATE dialogues SET state = '{\"step\":\"renamed\"}' WHERE chat_id = 77")
                .execute(pool)
                .await
                .unwrap();
        });
        assert_eq!(storage.clone().get_dialogue(chat).await.unwrap(), None);
        storage.clone().remove_dialogue(chat).await.unwrap();
        storage.clone().remove_dialogue(chat).await.unwrap();
        assert_eq!(storage.get_dialogue(chat).await.unwrap(), None);
    }

    async fn chats_block_and_come_back(db: TestDb) {
        let t = TelegramStore(&db.store);
        assert!(!t.is_blocked(5).await.unwrap());
        t.block_chat(5).await.unwrap();
        assert!(t.is_blocked(5).await.unwrap());
        t.activate_chat(5).await.unwrap();
        assert!(!t.is_blocked(5).await.unwrap());
    }

    async fn subscriptions_are_idempotent_and_removable(db: TestDb) {
        let t = TelegramStore(&db.store);
        t.subscribe(9, TOPIC_ALL).await.unwrap();
        t.subscribe(9, TOPIC_ALL).await.unwrap();
        t.subscribe(9, &agency_topic("Kecamatan Beji")).await.unwrap();
        assert_eq!(t.subscriptions(9).await.unwrap(), vec!["agency:Kecamatan Beji", "all"]);
        assert_eq!(t.unsubscribe_all(9).await.unwrap(), 2);
        assert!(t.subscriptions(9).await.unwrap().is_empty());
    }

    async fn send_markers_guard_one_message(db: TestDb) {
        let t = TelegramStore(&db.store);
        assert_eq!(t.send_mark("d1:5").await.unwrap(), None);
        assert!(t.begin_send("d1:5", 5).await.unwrap());
        assert!(!t.begin_send("d1:5", 5).await.unwrap());
        assert_eq!(t.send_mark("d1:5").await.unwrap(), Some(SendMark::Sending));
        t.abort_send("d1:5").await.unwrap();
        assert_eq!(t.send_mark("d1:5").await.unwrap(), None);
        assert!(t.begin_send("d1:5", 5).await.unwrap());
        t.finish_send("d1:5", 321).await.unwrap();
        t.abort_send("d1:5").await.unwrap();
        assert_eq!(t.send_mark("d1:5").await.unwrap(), Some(SendMark::Sent(321)));
    }

    async fn officer_posts_and_prompts(db: TestDb) {
        let t = TelegramStore(&db.store);
        let ticket = TicketNumber::generate();
        t.record_officer_post(&ticket, -100, 7).await.unwrap();
        t.record_officer_post(&ticket, -100, 7).await.unwrap();
        t.record_officer_post(&ticket, -200, 3).await.unwrap();
        assert_eq!(t.officer_posts(&ticket).await.unwrap(), vec![(-200, 3), (-100, 7)]);
        let prompt = NotePrompt {
            ticket: ticket.clone(),
            action: PromptAction::Status(ComplaintStatus::Selesai),
            user_id: 42,
        };
        t.save_prompt(-100, 8, &prompt).await.unwrap();
        assert_eq!(t.prompt(-100, 8).await.unwrap(), Some((prompt.clone(), false)));
        assert_eq!(t.open_prompt_of(-100, 42).await.unwrap(), Some(ticket.clone()));
        assert_eq!(t.open_prompt_of(-100, 43).await.unwrap(), None);
        let reply = NotePrompt {
            ticket,
            action: PromptAction::Reply,
            user_id: 42,
        };
        t.save_prompt(-100, 9, &reply).await.unwrap();
        assert_eq!(t.prompt(-100, 9).await.unwrap(), Some((reply.clone(), false)));
        assert!(t.use_prompt(-100, 9).await.unwrap());
        assert!(!t.use_prompt(-100, 9).await.unwrap(), "answered once only");
        assert_eq!(t.prompt(-100, 9).await.unwrap(), Some((reply, true)));
        assert!(t.use_prompt(-100, 8).await.unwrap());
        assert_eq!(t.open_prompt_of(-100, 42).await.unwrap(), None, "both answered");
        assert_eq!(t.prompt(-100, 7).await.unwrap(), None);
    }

    both_backends!(
        dialogue_state_round_trips_and_resets_when_unreadable,
        chats_block_and_come_back,
        subscriptions_are_idempotent_and_removable,
        send_markers_guard_one_message,
        officer_posts_and_prompts,
    );
}
