//! [`WebChatBroadcast`]: announcements to subscribers in the web chat, one
//! [`BroadcastChannel`] of the channel-neutral broadcaster (`delivery::broadcast`).
//!
//! An announcement is appended to the session's messages (its outbox), as the core renders it
//! for every channel (text and [Lihat: layanan] buttons), marked as a notice; the page shows it
//! with its next poll. Appending is idempotent per broadcast task, so even a task sent again
//! adds nothing twice. A session that has ended (retention) cannot be reached: the task ends
//! `blocked` and the chat is skipped by later announcements.

use tokio::sync::broadcast;

use super::render::Body;
use super::store::{Author, WebChatStore};
use crate::conversation::{CatalogHandle, choice};
use crate::delivery::broadcast::{BroadcastChannel, Reach, ReachFuture};
use crate::storage::{Announcement, BroadcastTask, Store, StoreError};

pub struct WebChatBroadcast {
    store: Store,
    changes: broadcast::Sender<i64>,
    catalog: Option<CatalogHandle>,
}

impl WebChatBroadcast {
    pub fn new(store: Store, changes: broadcast::Sender<i64>, catalog: Option<CatalogHandle>) -> Self {
        Self {
            store,
            changes,
            catalog,
        }
    }

    async fn deliver(&self, task: &BroadcastTask, announcement: &Announcement) -> Reach {
        let catalog = self.catalog.as_ref().map(CatalogHandle::load);
        let body = Body::notification(&choice::announcement(catalog.as_deref(), announcement)).to_json();
        let key = format!("broadcast:{}", task.seq);
        match WebChatStore(self.store.clone())
            .append(task.chat_id, Author::Loket, &[body], Some(&key))
            .await
        {
            Ok(_) => {
                // Wakes the session's long poll in this process.
                let _ = self.changes.send(task.chat_id);
                Reach::Sent
            }
            Err(StoreError::NotFound) => Reach::Unreachable("the web chat session has ended; not sent".into()),
            Err(e) => Reach::Retry {
                reason: format!("storage: {e}"),
                now: false,
            },
        }
    }
}

impl BroadcastChannel for WebChatBroadcast {
    fn send<'a>(&'a self, task: &'a BroadcastTask, announcement: &'a Announcement) -> ReachFuture<'a> {
        Box::pin(self.deliver(task, announcement))
    }
}
