//! [`WhatsAppChannel`]: what `loket serve` runs for WhatsApp when `[whatsapp]` is configured,
//! built in one place from the settings: the webhook routes (mounted on the HTTP server), the
//! paced [`GraphSender`] (shared by the inbox workers and the status notifications) and the inbox
//! workers over the conversation core, which the webhook wakes.

use std::sync::Arc;

use anyhow::Context;
use axum::Router;

use super::http::{WebhookState, router};
use super::sender::GraphSender;
use super::settings::WhatsAppSettings;
use super::worker::InboxWorker;
use crate::conversation::{CatalogHandle, Config};
use crate::routing::Routing;
use crate::storage::Store;

#[derive(Clone)]
pub struct WhatsAppChannel {
    store: Store,
    settings: WhatsAppSettings,
    sender: Arc<GraphSender>,
    /// The webhook wakes the inbox workers through it.
    wake: Arc<tokio::sync::Notify>,
}

impl WhatsAppChannel {
    /// The channel, or `None` when WhatsApp is not configured.
    pub fn from_settings(settings: &WhatsAppSettings, store: Store) -> anyhow::Result<Option<Self>> {
        if !settings.enabled() {
            return Ok(None);
        }
        settings.validate()?;
        let token = settings
            .access_token
            .clone()
            .context("LOKET_WHATSAPP__ACCESS_TOKEN is not set")?;
        let sender = GraphSender::new(
            &settings.api_url,
            settings.phone_number_id.trim(),
            token,
            settings.messages_per_second,
        )
        .context("cannot build the WhatsApp sender")?;
        Ok(Some(Self {
            store,
            settings: settings.clone(),
            sender: Arc::new(sender),
            wake: Arc::default(),
        }))
    }

    /// `GET`/`POST /whatsapp/webhook`, with their own body limit.
    pub fn router(&self) -> Router {
        let secret = |s: &Option<secrecy::SecretString>| s.clone().unwrap_or_else(|| secrecy::SecretString::from(""));
        router(WebhookState {
            store: self.store.clone(),
            app_secret: secret(&self.settings.app_secret),
            verify_token: secret(&self.settings.verify_token),
            wake: self.wake.clone(),
        })
    }

    pub fn sender(&self) -> Arc<GraphSender> {
        self.sender.clone()
    }

    pub fn settings(&self) -> &WhatsAppSettings {
        &self.settings
    }

    /// The notifier for `notify` tasks of WhatsApp chats.
    pub fn notifier(&self) -> super::notifier::WhatsAppNotifier {
        super::notifier::WhatsAppNotifier::new(self.sender.clone(), self.store.clone(), self.settings.templates.clone())
    }

    /// Sends announcements to WhatsApp subscribers (with service buttons from `catalog`).
    pub fn broadcaster(&self, catalog: Option<CatalogHandle>) -> super::broadcast::WhatsAppBroadcast {
        super::broadcast::WhatsAppBroadcast::new(
            self.sender.clone(),
            self.store.clone(),
            self.settings.templates.announcement.clone(),
            catalog,
        )
    }

    /// The inbox workers (`inbox_workers` of them) answering through the conversation core, woken
    /// by this channel's webhook.
    pub fn worker(&self, catalog: CatalogHandle, routing: Arc<Routing>, config: Arc<Config>) -> InboxWorker {
        InboxWorker::new(self.store.clone(), catalog, routing, config, self.sender.clone())
            .with_wake(self.wake.clone())
            .with_workers(self.settings.inbox_workers)
    }
}
