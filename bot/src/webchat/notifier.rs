//! [`WebChatNotifier`]: the outbox side of citizen notifications for complaints filed in the web
//! chat (a [`Forwarder`] for `notify` tasks whose chat id is a web session's, picked by
//! `delivery::CitizenChannels`).
//!
//! A notification is appended to the session's messages, which are its outbox: the page fetches
//! it with its next poll (at once when it is open, and when the citizen comes back otherwise).
//! The same words and buttons as on Telegram: a resolution carries [Sudah beres] [Belum, buka
//! lagi] (`conversation::resolution`), which the page posts back as choices. Appending is idempotent per task (a retried task adds nothing). A session that has
//! ended (retention) cannot be reached: a permanent failure, listed with the dead letters.

use tokio::sync::broadcast;

use super::render::Body;
use super::store::{Author, WebChatStore};
use crate::conversation::resolution::notification_reply;
use crate::delivery::notice::Notification;
use crate::delivery::{Forwarder, SendError, SendFuture};
use crate::storage::{Delivery, Store, StoreError};

pub struct WebChatNotifier {
    store: Store,
    changes: broadcast::Sender<i64>,
}

impl WebChatNotifier {
    pub fn new(store: Store, changes: broadcast::Sender<i64>) -> Self {
        Self { store, changes }
    }

    async fn deliver(&self, task: &Delivery) -> Result<(), SendError> {
        let unexpected = |e: StoreError| SendError::retryable(format!("storage: {e}"));
        let chat = task
            .chat_id
            .ok_or_else(|| SendError::permanent("notification without a chat"))?;
        let notification = Notification::parse(&task.payload).map_err(SendError::permanent)?;
        let body = Body::notification(&notification_reply(&notification)).to_json();
        match WebChatStore(self.store.clone())
            .append(chat, Author::Loket, &[body], Some(&task.id))
            .await
        {
            Ok(_) => {}
            Err(StoreError::NotFound) => {
                return Err(SendError::permanent("the web chat session has ended; not sent"));
            }
            Err(e) => return Err(unexpected(e)),
        }
        // Wakes the session's long poll in this process; another process's poll looks again
        // within seconds.
        let _ = self.changes.send(chat);
        Ok(())
    }
}

impl Forwarder for WebChatNotifier {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(self.deliver(task))
    }
}
