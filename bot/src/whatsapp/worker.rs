//! [`InboxWorker`]: processes the inbox through the conversation core, one message at a time,
//! oldest first: claim (lease) -> the citizen's contact and dialogue state -> the core -> the
//! new state -> the replies as Cloud API messages through the [`GraphSender`] -> done.
//!
//! A crash between the replies and "done" sends those replies again after the lease (at least
//! once, like a Meta retry). A citizen Meta cannot reach is marked blocked and the message done.

use std::sync::Arc;
use std::time::Duration;

use super::inbox;
use super::render;
use super::sender::{GraphSender, SendFailure};
use super::store::WhatsAppStore;
use crate::conversation::CatalogHandle;
use crate::conversation::{Channel, Citizen, Config, Conversation, Reply, load_state, save_state, text};
use crate::routing::Routing;
use crate::storage::Store;

pub struct InboxWorker {
    store: Store,
    catalog: CatalogHandle,
    routing: Arc<Routing>,
    config: Arc<Config>,
    sender: Arc<GraphSender>,
    lease: Duration,
}

impl InboxWorker {
    pub fn new(
        store: Store,
        catalog: CatalogHandle,
        routing: Arc<Routing>,
        config: Arc<Config>,
        sender: Arc<GraphSender>,
    ) -> Self {
        Self {
            store,
            catalog,
            routing,
            config,
            sender,
            lease: Duration::from_secs(60),
        }
    }

    /// Processes one message; `false` when the inbox is empty.
    pub async fn try_execute(&self) -> anyhow::Result<bool> {
        let wa = WhatsAppStore(self.store.clone());
        let Some(message) = wa.claim(self.lease).await? else {
            return Ok(false);
        };
        let Some(contact) = wa.contact(&message.wa_id).await? else {
            wa.done(&message.message_id).await?;
            return Ok(true);
        };
        let citizen = Citizen::new(Channel::WhatsApp, contact.chat_id).named(message.profile_name.as_deref());
        let chat_id = citizen.chat_id;
        let core = Conversation {
            store: self.store.clone(),
            catalog: self.catalog.load(),
            routing: self.routing.clone(),
            config: self.config.clone(),
        };
        let state = load_state(&self.store, chat_id).await?;
        let event = inbox::decode(&message.kind, &message.payload);
        let replies = match core.handle(citizen, &state, event).await {
            Ok(outcome) => {
                if let Some(next) = &outcome.state {
                    save_state(&self.store, chat_id, next).await?;
                }
                let mut replies = outcome.replies;
                if let Some(notice) = outcome.notice {
                    replies.insert(0, Reply::text(&notice));
                }
                replies
            }
            Err(error) => {
                tracing::error!(chat_id, error.cause_chain = ?error, "whatsapp conversation failed");
                vec![Reply::text(text::APOLOGY)]
            }
        };
        'send: for reply in &replies {
            for body in render::messages(&contact.wa_id, reply) {
                match self.sender.send(&body).await {
                    Ok(_) => {}
                    Err(SendFailure::Blocked) => {
                        tracing::info!(chat_id, "whatsapp contact unreachable; marked blocked");
                        wa.block(&contact.wa_id).await?;
                        break 'send;
                    }
                    Err(error) => {
                        // Left leased: the message is processed again when the lease runs out.
                        anyhow::bail!("whatsapp reply not sent: {error}");
                    }
                }
            }
        }
        wa.done(&message.message_id).await?;
        Ok(true)
    }

    /// Works the inbox until `shutdown` resolves, sleeping `idle` when it is empty.
    pub async fn run_until_stopped(self, idle: Duration, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        loop {
            let worked = match self.try_execute().await {
                Ok(worked) => worked,
                Err(error) => {
                    tracing::error!(error.cause_chain = ?error, "whatsapp inbox worker failed");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    () = &mut shutdown => return,
                    () = tokio::time::sleep(idle) => {}
                }
            }
        }
    }
}
