//! [`InboxWorker`]: processes the inbox through the conversation core. Each message: claim
//! (lease) -> the citizen's contact and dialogue state (one read) -> the core -> the replies as Cloud API
//! messages through the [`GraphSender`] -> done and the new dialogue state, in one transaction.
//!
//! Several workers (`[whatsapp] inbox_workers`) work the inbox at once, oldest first; the claim
//! gives out only a citizen's oldest unprocessed message (see `WhatsAppStore::claim`), so one
//! citizen's messages are still answered one at a time, in order, while other citizens' are
//! answered alongside. The webhook wakes idle workers when it stores a message; without a wake
//! (another process stored it) they look again every `idle`.
//!
//! A crash or a failed send before "done" leaves the message leased with the dialogue state as
//! it was: after the lease it is processed again from the same state and its replies are sent
//! again (at least once, like a Meta retry). A citizen Meta cannot reach is marked blocked and
//! the message done.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{Notify, watch};

use super::inbox;
use super::render;
use super::sender::{GraphSender, SendFailure};
use super::store::WhatsAppStore;
use crate::conversation::CatalogHandle;
use crate::conversation::{Channel, Citizen, Config, Conversation, Reply, state_from_json, text};
use crate::routing::Routing;
use crate::storage::Store;

pub struct InboxWorker {
    store: Store,
    catalog: CatalogHandle,
    routing: Arc<Routing>,
    config: Arc<Config>,
    sender: Arc<GraphSender>,
    lease: Duration,
    /// Notified by the webhook when it stored a message.
    wake: Arc<Notify>,
    /// Workers [`run_until_stopped`](Self::run_until_stopped) runs at once.
    workers: usize,
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
            wake: Arc::default(),
            workers: 1,
        }
    }

    /// Wakes idle workers when `wake` is notified (the webhook's, see `WebhookState::wake`).
    pub fn with_wake(mut self, wake: Arc<Notify>) -> Self {
        self.wake = wake;
        self
    }

    /// Runs `workers` (at least one) at once.
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Processes one message; `false` when the inbox is empty.
    pub async fn try_execute(&self) -> anyhow::Result<bool> {
        let wa = WhatsAppStore(self.store.clone());
        let Some(message) = wa.claim(self.lease).await? else {
            return Ok(false);
        };
        let Some((contact, stored)) = wa.contact_with_state(&message.wa_id).await? else {
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
        let state = state_from_json(chat_id, stored.as_deref());
        let event = inbox::decode(&message.kind, &message.payload);
        let mut next_state = None;
        let replies = match core.handle(citizen, &state, event).await {
            Ok(outcome) => {
                if let Some(next) = &outcome.state {
                    next_state = Some(serde_json::to_string(next).context("cannot serialise dialogue state")?);
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
        wa.finish(&message.message_id, next_state.as_deref().map(|json| (chat_id, json)))
            .await?;
        Ok(true)
    }

    /// Works the inbox with the configured number of workers until `shutdown` resolves; an idle
    /// worker sleeps until the webhook wakes it or `idle` passes.
    pub async fn run_until_stopped(self, idle: Duration, shutdown: impl Future<Output = ()> + Send) {
        let worker = Arc::new(self);
        let (stop, stopped) = watch::channel(false);
        let mut workers = tokio::task::JoinSet::new();
        for _ in 0..worker.workers {
            workers.spawn(worker.clone().work(idle, stopped.clone()));
        }
        shutdown.await;
        let _ = stop.send(true);
        while workers.join_next().await.is_some() {}
    }

    /// One worker's loop.
    async fn work(self: Arc<Self>, idle: Duration, mut stop: watch::Receiver<bool>) {
        while !*stop.borrow() {
            // Listening before the claim: a message stored after an empty claim still wakes us.
            let wake = self.wake.notified();
            tokio::pin!(wake);
            wake.as_mut().enable();
            let worked = match self.try_execute().await {
                Ok(worked) => worked,
                Err(error) => {
                    tracing::error!(error.cause_chain = ?error, "whatsapp inbox worker failed");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    _ = stop.wait_for(|stop| *stop) => return,
                    () = &mut wake => {}
                    () = tokio::time::sleep(idle) => {}
                }
            }
        }
    }
}
