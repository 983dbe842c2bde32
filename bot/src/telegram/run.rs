//! Running the bot for `loket serve`: the token check, the dependencies, the dispatcher.
//!
//! The lead's `serve` builds a [`TelegramDeps`] from the settings, gets a `Bot` from
//! [`TelegramSettings::bot`](crate::configuration::TelegramSettings::bot) (which refuses to start
//! without a token and points to `loket chat` and `--no-telegram`)
//! and awaits [`run_polling`] next to the HTTP API and the workers.

use std::sync::Arc;

use teloxide::dispatching::dialogue::Storage;
use teloxide::dispatching::{DefaultKey, Dispatcher};
use teloxide::dptree::deps;
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::prelude::*;

use super::BotError;
use super::catalog::CatalogHandle;
use super::commands::Command;
use super::reply::ReplyGate;
use super::schema::schema;
use super::sender::TelegramSender;
use super::store::DialogueStore;
use crate::routing::Routing;
use crate::storage::Store;

/// What the handlers need to know about the deployment: the conversation core's settings.
pub type BotConfig = crate::conversation::Config;

/// Everything the update handlers use, each injected under its own type.
#[derive(Clone)]
pub struct TelegramDeps {
    pub store: Store,
    /// The answer engine, swapped by a reindex; each update uses one snapshot.
    pub catalog: CatalogHandle,
    pub routing: Arc<Routing>,
    pub config: BotConfig,
    /// The paced sender of notifications and broadcasts, when there is one: direct replies
    /// count against its overall rate and honour its flood-control pauses.
    pub sender: Option<Arc<TelegramSender>>,
}

impl TelegramDeps {
    /// The dependency map of the dispatcher (also what the MockBot tests inject).
    pub(crate) fn dependency_map(&self) -> DependencyMap {
        let dialogues = Arc::new(DialogueStore::new(self.store.clone())).erase();
        deps![
            self.store.clone(),
            self.catalog.clone(),
            self.routing.clone(),
            Arc::new(self.config.clone()),
            dialogues,
            Arc::new(ReplyGate::new(self.store.clone(), self.sender.clone())),
            Arc::new(self.config.limits.chat_gate())
        ]
    }
}

/// The bot from the settings (`[telegram]`: the file, `LOKET_TELEGRAM__*`, `TELOXIDE_TOKEN`,
/// `TELOXIDE_API_URL`), for commands that load no other settings.
pub fn bot_from_env() -> anyhow::Result<Bot> {
    crate::configuration::Settings::load()?.telegram.bot()
}

/// The dispatcher over [`schema`] with our dependencies; updates nobody handles (chatter in
/// officer groups) are ignored quietly, handler errors are logged.
pub fn build_dispatcher(bot: Bot, deps: &TelegramDeps) -> Dispatcher<Bot, BotError, DefaultKey> {
    Dispatcher::builder(bot, crate::telemetry::traced_updates(schema()))
        .dependencies(deps.dependency_map())
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text("telegram update handler failed"))
        .build()
}

/// Registers the command menu, then long-polls until `shutdown` resolves; in-flight updates
/// finish before it returns.
pub async fn run_polling(
    bot: Bot,
    deps: TelegramDeps,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    if let Err(error) = bot.set_my_commands(Command::menu()).await {
        tracing::warn!(%error, "cannot register the command menu with Telegram");
    }
    let mut dispatcher = build_dispatcher(bot, &deps);
    let token = dispatcher.shutdown_token();
    let stopper = tokio::spawn(async move {
        shutdown.await;
        // Only ask: `dispatch` below returns once in-flight updates are done. The future
        // `shutdown` returns is not awaited, since teloxide wakes it only if it is already
        // waiting when dispatching ends, and a quick stop would leave this task pending for ever.
        // Not dispatching yet: ask again shortly.
        while token.shutdown().is_err() {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    });
    tracing::info!("telegram long polling started");
    dispatcher.dispatch().await;
    // Had it stopped by itself (the listener ended), the stopper would wait for ever: end it.
    stopper.abort();
    tracing::info!("telegram long polling stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::configuration::TelegramSettings;

    fn bot_from(token: Option<&str>, api_url: Option<&str>) -> anyhow::Result<Bot> {
        TelegramSettings {
            token: token.map(Into::into),
            api_url: api_url.map(Into::into),
            ..TelegramSettings::default()
        }
        .bot()
    }

    #[test]
    fn a_missing_token_is_refused_with_a_pointer_to_loket_chat() {
        for token in [None, Some(""), Some("  ")] {
            let error = bot_from(token, None).unwrap_err().to_string();
            assert!(
                error.contains("TELOXIDE_TOKEN") && error.contains("loket chat") && error.contains("--no-telegram"),
                "{error}"
            );
        }
    }

    #[test]
    fn a_local_bot_api_server_is_honoured() {
        let bot = bot_from(Some("123:abc"), Some("http://127.0.0.1:8081/")).unwrap();
        assert_eq!(bot.api_url().as_str(), "http://127.0.0.1:8081/");
        assert!(bot_from(Some("123:abc"), Some("not a url")).is_err());
    }
}
