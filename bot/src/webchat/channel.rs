//! [`WebChatChannel`]: what `loket serve` runs for the web chat when `[webchat] enabled`, built
//! in one place from the settings: the routes under `/chat` (mounted on the HTTP server) and the
//! notifier that puts status notifications into a session's messages. Both share one signal
//! that wakes a session's long poll when something was appended in this process.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::sync::{broadcast, watch};

use super::http::{ChatDeps, router};
use super::notifier::WebChatNotifier;
use super::settings::WebChatSettings;
use crate::conversation::{CatalogHandle, Config};
use crate::routing::Routing;
use crate::storage::Store;

#[derive(Clone)]
pub struct WebChatChannel {
    store: Store,
    settings: WebChatSettings,
    changes: broadcast::Sender<i64>,
}

/// What the routes need besides the channel itself.
pub struct RouterDeps {
    pub catalog: CatalogHandle,
    pub routing: Arc<Routing>,
    pub config: Arc<Config>,
    /// `http.client_ip_header`.
    pub client_ip_header: Option<String>,
    /// `http.request_timeout_secs`: a long poll answers well before it.
    pub request_timeout: Duration,
    /// Turns true at shutdown.
    pub stop: watch::Receiver<bool>,
}

impl WebChatChannel {
    /// The channel, or `None` when the web chat is not enabled.
    pub fn from_settings(settings: &WebChatSettings, store: Store) -> anyhow::Result<Option<Self>> {
        if !settings.enabled {
            return Ok(None);
        }
        settings.validate()?;
        let (changes, _) = broadcast::channel(1024);
        Ok(Some(Self {
            store,
            settings: settings.clone(),
            changes,
        }))
    }

    pub fn settings(&self) -> &WebChatSettings {
        &self.settings
    }

    /// `/chat`, its assets and its API, with their own body limit.
    pub fn router(&self, deps: RouterDeps) -> Router {
        let long_poll = Duration::from_secs(self.settings.long_poll_secs)
            .min(deps.request_timeout.saturating_sub(Duration::from_secs(5)));
        router(ChatDeps {
            store: self.store.clone(),
            catalog: deps.catalog,
            routing: deps.routing,
            config: deps.config,
            settings: self.settings.clone(),
            client_ip_header: deps.client_ip_header,
            long_poll,
            changes: self.changes.clone(),
            stop: deps.stop,
        })
    }

    /// Sends announcements to web chat subscribers (with service buttons from `catalog`).
    pub fn broadcaster(&self, catalog: Option<CatalogHandle>) -> super::broadcast::WebChatBroadcast {
        super::broadcast::WebChatBroadcast::new(self.store.clone(), self.changes.clone(), catalog)
    }

    /// The notifier for `notify` tasks of web chat sessions.
    pub fn notifier(&self) -> WebChatNotifier {
        WebChatNotifier::new(self.store.clone(), self.changes.clone())
    }
}
