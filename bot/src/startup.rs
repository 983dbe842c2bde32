//! `Application`: everything `loket serve` runs, built from [`Settings`].
//!
//! `build` connects the store (migrations applied), loads the handlers file and binds the HTTP
//! listener, so `port()` is known before serving (tests bind port 0). `run_until_stopped` serves
//! the API and runs the forwarding worker until the shutdown future resolves; the Telegram side
//! (notifications, officer chat) is added by the caller when a bot token is configured. With a
//! [`Reindexer`] (`with_reindexer`), it also serves `POST /api/v1/admin/reindex` and watches the
//! standards directory. With `[whatsapp]` configured it also serves the WhatsApp webhook
//! (`/whatsapp/webhook`) and works the WhatsApp inbox through the conversation core (the
//! reindexer's catalog answers). With `[webchat] enabled` it serves the web chat under `/chat`
//! (the same core and catalog). Without the Telegram side (which runs one notification worker
//! for every channel), it runs the notification workers of the WhatsApp and web chat citizens
//! itself, each claiming only its channel's chat ids. With or without Telegram, it runs the
//! announcement senders of the WhatsApp and web chat subscribers (Telegram's runs with the bot).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::configuration::Settings;
use crate::console::{ConsoleDeps, ConsoleState, MediaSources};
use crate::conversation::CatalogHandle;
use crate::delivery::broadcast::{BroadcastLimits, ChannelBroadcaster};
use crate::delivery::{CitizenChannels, Forwarder, HandlerChannels, RetryPolicy, WebhookForwarder, Worker};
use crate::http::{AdminState, AppState, Open311Catalog, Open311Handle, router_with_console};
use crate::reindex::Reindexer;
use crate::routing::Routing;
use crate::storage::{DeliveryKind, Store};
use crate::webchat::WebChatChannel;
use crate::whatsapp::WhatsAppChannel;

pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    store: Store,
    routing: Arc<Routing>,
    open311: Open311Handle,
    reindexer: Option<Arc<Reindexer>>,
    settings: Settings,
    officer_chat: Option<Arc<dyn Forwarder>>,
    run_workers: bool,
    whatsapp: Option<WhatsAppChannel>,
    webchat: Option<WebChatChannel>,
    /// Runs the notification workers of the non-Telegram channels; off when the Telegram side
    /// runs one worker for every channel.
    channel_notifiers: bool,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store = settings.store().await?;
        Self::build_with_store(settings, store).await
    }

    /// Like [`build`](Self::build) with an already connected store (tests, custom clocks).
    pub async fn build_with_store(settings: Settings, store: Store) -> anyhow::Result<Self> {
        let routing = Arc::new(settings.routing()?);
        let open311 = Open311Handle::new(
            open311_catalog(&settings)?.with_intake(settings.intake.clone(), settings.calendar.utc_offset_hours),
        );
        let listener = TcpListener::bind(settings.http_addr)
            .await
            .with_context(|| format!("cannot listen on {}", settings.http_addr))?;
        let addr = listener.local_addr().context("cannot read the bound address")?;
        let whatsapp = WhatsAppChannel::from_settings(&settings.whatsapp, store.clone())?;
        let webchat = WebChatChannel::from_settings(&settings.webchat, store.clone())?;
        tracing::info!(%addr, database = store.backend_name(), handlers = routing.handlers().len(), "loket HTTP API bound");
        Ok(Self {
            listener,
            addr,
            store,
            routing,
            open311,
            reindexer: None,
            settings,
            officer_chat: None,
            run_workers: true,
            whatsapp,
            webchat,
            channel_notifiers: true,
        })
    }

    /// Adds the officer-chat forwarding adapter (from the Telegram side).
    pub fn with_officer_chat(mut self, adapter: Arc<dyn Forwarder>) -> Self {
        self.officer_chat = Some(adapter);
        self
    }

    /// Serves the admin reindex API with `reindexer` and, unless `[reindex] watch = false`,
    /// watches its directory. Build it on [`open311`](Self::open311) so reindexes reach Open311.
    pub fn with_reindexer(mut self, reindexer: Arc<Reindexer>) -> Self {
        self.reindexer = Some(reindexer);
        self
    }

    /// Leaves citizens' notifications to the caller's worker (the Telegram side's, which sends
    /// every channel's through `CitizenChannels`).
    pub fn notifications_by_telegram(mut self) -> Self {
        self.channel_notifiers = false;
        self
    }

    /// Serves HTTP only: the caller drives [`forward_worker`](Self::forward_worker) itself (tests
    /// step it with `try_execute_task`, so nothing races them).
    pub fn without_workers(mut self) -> Self {
        self.run_workers = false;
        self
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn routing(&self) -> &Arc<Routing> {
        &self.routing
    }

    /// The services offered over Open311 (swapped by a reindex).
    pub fn open311(&self) -> &Open311Handle {
        &self.open311
    }

    /// The WhatsApp channel, when `[whatsapp]` is configured.
    pub fn whatsapp(&self) -> Option<&WhatsAppChannel> {
        self.whatsapp.as_ref()
    }

    /// The web chat, when `[webchat] enabled`.
    pub fn webchat(&self) -> Option<&WebChatChannel> {
        self.webchat.as_ref()
    }

    /// The reindexer's catalog, which the citizen channels answer with; `channel` names the one
    /// that needs it in the error when the answer engine is not loaded.
    fn catalog(&self, channel: &str) -> anyhow::Result<CatalogHandle> {
        self.reindexer
            .as_ref()
            .and_then(|r| r.catalog().cloned())
            .with_context(|| {
                format!("{channel} is configured but the answer engine is not loaded: set LOKET_STANDARDS_DIR")
            })
    }

    fn core_config(&self) -> Arc<crate::conversation::Config> {
        Arc::new(crate::conversation::Config {
            intake: self.settings.intake.clone(),
            utc_offset_hours: self.settings.calendar.utc_offset_hours,
            limits: self.settings.limits.clone(),
        })
    }

    /// The WhatsApp inbox workers, when WhatsApp is configured; they answer with the reindexer's
    /// catalog, so WhatsApp without the answer engine is refused.
    fn whatsapp_worker(&self) -> anyhow::Result<Option<crate::whatsapp::worker::InboxWorker>> {
        let Some(channel) = &self.whatsapp else {
            return Ok(None);
        };
        let catalog = self.catalog("WhatsApp")?;
        Ok(Some(channel.worker(catalog, self.routing.clone(), self.core_config())))
    }

    /// The web chat's routes, when it is enabled (the answer engine must be loaded).
    fn webchat_routes(&self, stop: tokio::sync::watch::Receiver<bool>) -> anyhow::Result<Option<axum::Router>> {
        let Some(channel) = &self.webchat else {
            return Ok(None);
        };
        Ok(Some(channel.router(crate::webchat::RouterDeps {
            catalog: self.catalog("The web chat")?,
            routing: self.routing.clone(),
            config: self.core_config(),
            client_ip_header: self.settings.http.client_ip_header.clone(),
            request_timeout: Duration::from_secs(self.settings.http.request_timeout_secs),
            stop,
        })))
    }

    /// The notification workers of the WhatsApp and web chat citizens, one per channel running
    /// here, each claiming only its channel's chat ids (without Telegram in this process).
    fn channel_notify_workers(&self) -> Vec<(&'static str, Worker)> {
        let whatsapp = self
            .whatsapp
            .as_ref()
            .map(|c| Arc::new(c.notifier()) as Arc<dyn Forwarder>);
        let webchat = self
            .webchat
            .as_ref()
            .map(|c| Arc::new(c.notifier()) as Arc<dyn Forwarder>);
        let channels = CitizenChannels::without_telegram()
            .with("WhatsApp", crate::whatsapp::store::CHAT_IDS, whatsapp)
            .with("web chat", crate::webchat::store::CHAT_IDS, webchat);
        let ranges = channels.chat_ids();
        let channels = Arc::new(channels);
        ranges
            .into_iter()
            .map(|(name, chats)| {
                let worker = Worker::new(
                    self.store.clone(),
                    DeliveryKind::Notify,
                    channels.clone(),
                    RetryPolicy::from(&self.settings.delivery),
                    self.settings.delivery.lease(),
                )
                .only_chats(chats);
                (name, worker)
            })
            .collect()
    }

    /// The announcement senders of the WhatsApp and web chat subscribers, one per channel
    /// running here, each claiming only its channel's chat ids (Telegram's sender runs with the
    /// bot and claims only [`telegram_chat_ids`]).
    pub fn channel_broadcasters(&self) -> Vec<Arc<ChannelBroadcaster>> {
        let catalog = self.reindexer.as_ref().and_then(|r| r.catalog().cloned());
        channel_broadcasters(
            &self.store,
            &self.settings.announcements,
            self.whatsapp.as_ref(),
            self.webchat.as_ref(),
            catalog,
        )
    }

    /// Where the console fetches attachments: Telegram when a bot token is configured (also in
    /// a `--no-telegram` process: fetching a file sends nothing), WhatsApp when `[whatsapp]` is,
    /// and the web chat's photos from the database.
    fn media_sources(&self) -> MediaSources {
        let mut media = MediaSources::new().with_web_chat(self.store.clone());
        let has_token = self
            .settings
            .telegram
            .token
            .as_ref()
            .is_some_and(|t| !secrecy::ExposeSecret::expose_secret(t).trim().is_empty());
        if has_token {
            match self.settings.telegram.bot() {
                Ok(bot) => media = media.with_telegram(bot),
                Err(error) => tracing::warn!(error = %format!("{error:#}"), "console attachments: no Telegram"),
            }
        }
        if let Some(whatsapp) = &self.whatsapp
            && let Some(token) = whatsapp.settings().access_token.clone()
        {
            match media.clone().with_whatsapp(&whatsapp.settings().api_url, token) {
                Ok(with) => media = with,
                Err(error) => tracing::warn!(error = %format!("{error:#}"), "console attachments: no WhatsApp"),
            }
        }
        media
    }

    /// The worker that forwards complaints to handlers, as configured.
    pub fn forward_worker(&self) -> anyhow::Result<Worker> {
        let delivery = &self.settings.delivery;
        let webhook = WebhookForwarder::new(self.routing.clone(), delivery.timeout())?;
        let mut channels = HandlerChannels::new(self.routing.clone(), webhook);
        if let Some(adapter) = &self.officer_chat {
            channels = channels.with_officer_chat(adapter.clone());
        }
        Ok(Worker::new(
            self.store.clone(),
            DeliveryKind::Forward,
            Arc::new(channels),
            RetryPolicy::from(delivery),
            delivery.lease(),
        ))
    }

    /// Serves HTTP and forwards complaints until `shutdown` resolves.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let worker = self.forward_worker()?;
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let console = self.settings.console.enabled.then(|| {
            ConsoleState::new(ConsoleDeps {
                store: self.store.clone(),
                routing: self.routing.clone(),
                services: self.open311.clone(),
                settings: self.settings.console.clone(),
                utc_offset_hours: self.settings.calendar.utc_offset_hours,
                aliases: self.settings.aliases.clone(),
                client_ip_header: self.settings.http.client_ip_header.clone(),
                media: self.media_sources(),
            })
        });
        let app = router_with_console(
            AppState {
                store: self.store.clone(),
                routing: self.routing.clone(),
                open311: self.open311.clone(),
                admin: AdminState {
                    key_sha256: self.settings.admin.digest()?,
                    reindexer: self.reindexer.clone(),
                },
            },
            self.settings.http.body_limit_bytes,
            console,
        );
        let app = crate::http::limit_open311_intake(
            app,
            Arc::new(self.settings.limits.address_gate()),
            self.settings.http.client_ip_header.as_deref(),
        );
        let app = match &self.whatsapp {
            Some(channel) => app.merge(crate::http::guarded(channel.router())),
            None => app,
        };
        let app = match self.webchat_routes(stop_rx.clone())? {
            Some(routes) => app.merge(crate::http::guarded(routes)),
            None => app,
        };
        let inbox_worker = if self.run_workers {
            self.whatsapp_worker()?
        } else {
            None
        };
        let idle = Duration::from_millis(self.settings.delivery.idle_poll_millis);
        let notify_workers = if self.run_workers && self.channel_notifiers {
            self.channel_notify_workers()
        } else {
            Vec::new()
        };
        let notify_tasks: Vec<_> = notify_workers
            .into_iter()
            .map(|(name, worker)| {
                tracing::info!(channel = name, "notification worker started");
                let mut stop = stop_rx.clone();
                tokio::spawn(worker.run_until_stopped(idle, async move {
                    let _ = stop.wait_for(|stop| *stop).await;
                }))
            })
            .collect();
        let inbox_task = inbox_worker.map(|inbox| {
            let mut stop = stop_rx.clone();
            tokio::spawn(inbox.run_until_stopped(idle, async move {
                let _ = stop.wait_for(|stop| *stop).await;
            }))
        });
        let broadcasters = if self.run_workers {
            self.channel_broadcasters()
        } else {
            Vec::new()
        };
        let broadcast_tasks: Vec<_> = broadcasters
            .into_iter()
            .map(|broadcaster| {
                tracing::info!(channel = broadcaster.name(), "broadcast sender started");
                tokio::spawn(broadcaster.run(stop_rx.clone()))
            })
            .collect();
        let mut worker_stop = stop_rx.clone();
        let run_workers = self.run_workers;
        let worker_task = tokio::spawn(async move {
            if run_workers {
                worker
                    .run_until_stopped(idle, async move {
                        let _ = worker_stop.wait_for(|stop| *stop).await;
                    })
                    .await;
            }
        });
        let watcher = self
            .reindexer
            .clone()
            .filter(|_| self.settings.reindex.watch)
            .map(|reindexer| {
                let mut stop = stop_rx.clone();
                tokio::spawn(reindexer.watch(self.settings.reindex.clone(), async move {
                    let _ = stop.wait_for(|stop| *stop).await;
                }))
            });
        let mut server_stop = stop_rx;
        let server = crate::http::serve(self.listener, app, self.settings.http.limits(), async move {
            let _ = server_stop.wait_for(|stop| *stop).await;
        });
        let signal = tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        });
        let served = server.await.context("HTTP server failed");
        signal.abort();
        let _ = worker_task.await;
        if let Some(inbox) = inbox_task {
            let _ = inbox.await;
        }
        for task in notify_tasks.into_iter().chain(broadcast_tasks) {
            let _ = task.await;
        }
        if let Some(watcher) = watcher {
            let _ = watcher.await;
        }
        self.store.close().await;
        served
    }
}

/// Where the Open311 services come from: `standards_dir` when configured (unreadable = error),
/// else `knowledge/standards` when the process runs from the repository root, else none (the
/// service list is empty and Open311 intake refuses every service_code).
fn open311_catalog(settings: &Settings) -> anyhow::Result<Open311Catalog> {
    match &settings.standards_dir {
        Some(dir) => Open311Catalog::load(dir),
        None => {
            let dir = std::path::Path::new(DEFAULT_STANDARDS_DIR);
            if dir.is_dir() {
                Open311Catalog::load(dir)
            } else {
                tracing::warn!("no standards directory (set LOKET_STANDARDS_DIR): Open311 offers no services");
                Ok(Open311Catalog::default())
            }
        }
    }
}

/// The announcement senders of the WhatsApp and web chat subscribers of the channels given
/// (`loket serve`, `loket announcements send`), with service buttons from `catalog`.
pub fn channel_broadcasters(
    store: &Store,
    settings: &crate::telegram::BroadcastSettings,
    whatsapp: Option<&WhatsAppChannel>,
    webchat: Option<&WebChatChannel>,
    catalog: Option<CatalogHandle>,
) -> Vec<Arc<ChannelBroadcaster>> {
    let limits = BroadcastLimits {
        lease: Duration::from_secs(settings.lease_secs.max(1)),
        max_attempts: settings.max_attempts,
        idle: Duration::from_millis(settings.idle_poll_millis.max(1)),
        concurrency: settings.concurrency.max(1),
    };
    let mut out = Vec::new();
    if let Some(channel) = whatsapp {
        out.push(Arc::new(ChannelBroadcaster::new(
            "WhatsApp",
            store.clone(),
            Arc::new(channel.broadcaster(catalog.clone())),
            crate::whatsapp::store::CHAT_IDS,
            limits,
        )));
    }
    if let Some(channel) = webchat {
        out.push(Arc::new(ChannelBroadcaster::new(
            "web chat",
            store.clone(),
            Arc::new(channel.broadcaster(catalog)),
            crate::webchat::store::CHAT_IDS,
            limits,
        )));
    }
    out
}

/// The chat ids of Telegram chats: everything between the WhatsApp contacts' (below -2^53) and
/// the web chat sessions' (above 2^53).
pub fn telegram_chat_ids() -> std::ops::RangeInclusive<i64> {
    (*crate::whatsapp::store::CHAT_IDS.end() + 1)..=(*crate::webchat::store::CHAT_IDS.start() - 1)
}

/// The embedded corpus, relative to the repository root.
const DEFAULT_STANDARDS_DIR: &str = "knowledge/standards";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};

    async fn serves_on_a_random_port_and_stops(db: TestDb) {
        let settings = Settings {
            http_addr: "127.0.0.1:0".parse().unwrap(),
            ..Settings::default()
        };
        let app = Application::build_with_store(settings, db.store.clone()).await.unwrap();
        let port = app.port();
        assert_ne!(port, 0);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{port}/readyz");
        let response = client.get(&url).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        stop.send(()).unwrap();
        running.await.unwrap().unwrap();
    }

    both_backends!(serves_on_a_random_port_and_stops);
}
