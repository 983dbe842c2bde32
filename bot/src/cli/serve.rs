//! `loket serve`: the long-running service — the handler HTTP API, the forwarding worker and
//! (unless `--no-telegram`) the Telegram bot by long polling or, with `--webhook URL`, by
//! webhook, in one process, until SIGTERM or Ctrl-C.
//!
//! At start it reads the standards directory, records it like `loket ingest` (a baseline on an
//! empty database: nothing announced) and then keeps it current: a change in the directory or
//! `POST /api/v1/admin/reindex` swaps the engine without a restart (see `reindex`). With the
//! bot, the broadcast sender works the announcements outbox through the same rate-limited
//! sender as notifications and officer posts, so together they stay within
//! `[announcements] overall_per_second`.
//!
//! Configuration comes from `loket.toml` (or `LOKET_CONFIG`), `LOKET_*` variables,
//! `TELOXIDE_TOKEN`, `TELOXIDE_API_URL`, `LOKET_WEBHOOK_*` and `DATABASE_URL`, then the
//! `--webhook`/`--webhook-addr` flags: one validated `Settings`, loaded before anything starts.
//! Shutdown stops taking requests, lets in-flight work finish (a broadcast send in flight is
//! completed and recorded), and closes the database.

use crate::configuration::Settings;
use crate::delivery::{CitizenChannels, RetryPolicy, Worker};
use crate::reindex::{ReindexReport, Reindexer};
use crate::startup::Application;
use crate::storage::DeliveryKind;
use crate::telegram::{
    BotConfig, BroadcastSender, OfficerChatForwarder, TelegramDeps, TelegramNotifier, WebhookConfig, run_polling,
    run_webhook,
};
use anyhow::Context;
use figment::providers::Serialized;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub(crate) fn run(
    no_telegram: bool,
    webhook_url: Option<reqwest::Url>,
    webhook_addr: Option<std::net::SocketAddr>,
) -> anyhow::Result<()> {
    crate::telemetry::init();
    let mut figment = Settings::figment();
    if let Some(url) = webhook_url {
        figment = figment.merge(Serialized::default("telegram.webhook.url", url.as_str()));
    }
    if let Some(address) = webhook_addr {
        figment = figment.merge(Serialized::default("telegram.webhook.address", address.to_string()));
    }
    let settings = Settings::from_figment(&figment)?;
    // Refuse before anything starts: no token (pointing to `loket chat` and --no-telegram).
    let telegram = if no_telegram {
        None
    } else {
        Some((settings.telegram.bot()?, settings.telegram.webhook_config()?))
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let app = Application::build(settings.clone()).await?;
        let reindexer = match standards_dir(&settings) {
            Some(dir) => {
                let (reindexer, report) = Reindexer::start(
                    dir.clone(),
                    app.store().clone(),
                    &settings,
                    app.open311().clone(),
                    !no_telegram || settings.whatsapp.enabled() || settings.webchat.enabled,
                )
                .await
                .with_context(|| format!("cannot load the standards directory {}", dir.display()))?;
                log_start(&report);
                Some(reindexer)
            }
            None if no_telegram && !settings.whatsapp.enabled() && !settings.webchat.enabled => {
                tracing::warn!("no standards directory (set LOKET_STANDARDS_DIR): no reindex, no admin reindex API");
                None
            }
            None => anyhow::bail!(
                "no standards directory: set LOKET_STANDARDS_DIR (or run from the repository root, where \
                 knowledge/standards is the default)"
            ),
        };
        let app = match &reindexer {
            Some(reindexer) => app.with_reindexer(reindexer.clone()),
            None => app,
        };
        tracing::info!(
            address = %app.address(),
            telegram = !no_telegram,
            whatsapp = app.whatsapp().is_some(),
            webchat = app.webchat().is_some(),
            "loket serve started"
        );
        match (reindexer, telegram) {
            (Some(reindexer), Some((bot, webhook))) => {
                serve_with_telegram(app, settings, reindexer, bot, webhook).await
            }
            _ => app.run_until_stopped(shutdown_signal()).await,
        }
    })
}

/// `standards_dir` when configured, else `knowledge/standards` when it exists (the repository).
fn standards_dir(settings: &Settings) -> Option<PathBuf> {
    settings.standards_dir.clone().or_else(|| {
        let default = PathBuf::from("knowledge/standards");
        default.is_dir().then_some(default)
    })
}

fn log_start(report: &ReindexReport) {
    tracing::info!(
        documents = report.documents,
        services = report.services,
        baseline = report.baseline,
        recorded = report.recorded,
        new = report.new.len(),
        changed = report.changed.len(),
        removed = report.removed.len(),
        announcements = ?report.announcements,
        "standards loaded{}",
        if report.baseline { " (first ingest: baseline recorded, nothing announced)" } else { "" }
    );
}

/// The HTTP API and forwarding worker plus the Telegram bot (long polling), the citizen
/// notification worker and the officer-chat forwarding channel, stopped together.
async fn serve_with_telegram(
    app: Application,
    settings: Settings,
    reindexer: Arc<Reindexer>,
    bot: teloxide::Bot,
    webhook: Option<WebhookConfig>,
) -> anyhow::Result<()> {
    let catalog = reindexer
        .catalog()
        .cloned()
        .context("the reindexer was started without the answer engine")?;
    let store = app.store().clone();
    let routing = app.routing().clone();
    // One limiter for everything sent without an update: notifications, officer posts and
    // broadcasts together stay within the overall rate, shared through the database with every
    // other process of this bot (Telegram's limits are per bot).
    let sender = Arc::new(
        settings
            .announcements
            .sender(bot.clone())
            .with_shared_limit(store.clone()),
    );
    // Status notifications: each chat through its own channel (WhatsApp, web chat when
    // configured), all from this one worker.
    let whatsapp_notifier = app
        .whatsapp()
        .map(|channel| Arc::new(channel.notifier()) as Arc<dyn crate::delivery::Forwarder>);
    let webchat_notifier = app
        .webchat()
        .map(|channel| Arc::new(channel.notifier()) as Arc<dyn crate::delivery::Forwarder>);
    let officers = OfficerChatForwarder::new(sender.clone(), store.clone(), routing.clone(), catalog.clone());
    let app = app.with_officer_chat(Arc::new(officers)).notifications_by_telegram();

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = move |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let deps = TelegramDeps {
        store: store.clone(),
        catalog: catalog.clone(),
        routing,
        config: BotConfig {
            intake: settings.intake.clone(),
            utc_offset_hours: settings.calendar.utc_offset_hours,
            limits: settings.limits.clone(),
        },
        sender: Some(sender.clone()),
    };
    let polling = match webhook {
        Some(config) => tokio::spawn(run_webhook(bot, deps, config, stopped(stop_rx.clone()))),
        None => tokio::spawn(run_polling(bot, deps, stopped(stop_rx.clone()))),
    };
    let notify_worker = Worker::new(
        store.clone(),
        DeliveryKind::Notify,
        Arc::new(
            CitizenChannels::new(
                Arc::new(TelegramNotifier::new(sender.clone(), store.clone())),
                crate::whatsapp::store::CHAT_IDS,
                whatsapp_notifier,
            )
            .with("web chat", crate::webchat::store::CHAT_IDS, webchat_notifier),
        ),
        RetryPolicy::from(&settings.delivery),
        settings.delivery.lease(),
    );
    let idle = Duration::from_millis(settings.delivery.idle_poll_millis);
    let notify = tokio::spawn(notify_worker.run_until_stopped(idle, stopped(stop_rx.clone())));
    // Telegram's subscribers only: the application runs the WhatsApp and web chat senders.
    let broadcaster = Arc::new(
        BroadcastSender::new(sender.clone(), store.clone(), settings.announcements.clone())
            .with_catalog(catalog.clone())
            .only_chats(crate::startup::telegram_chat_ids()),
    );
    let broadcast = tokio::spawn(broadcaster.run(stop_rx.clone()));
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    // The app closes the store's pool when it stops: it must wait until the Telegram side has
    // finished, or a send in flight at SIGTERM could not record its outcome (the broadcast task
    // would be left `sending`, i.e. unknown, and never re-sent).
    let telegram_stopped = async move {
        stopped(stop_rx).await;
        if let Ok(Err(e)) = polling.await {
            tracing::error!(error.cause_chain = ?e, "Telegram polling stopped with an error");
        }
        let _ = notify.await;
        let _ = broadcast.await;
    };
    app.run_until_stopped(telegram_stopped).await
}

/// Resolves on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown requested");
}
