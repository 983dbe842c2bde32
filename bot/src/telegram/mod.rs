//! Telegram: a channel adapter of the conversation core for citizens, and the officer chats,
//! built on teloxide.
//!
//! [`schema`] builds the whole update tree (commands, messages, callback buttons); citizens'
//! updates go to the conversation core through `handlers/citizen.rs`, officers' to
//! `handlers/officer.rs`. Citizens' words are the core's (`conversation/text.rs`), officers' are
//! in `text.rs`. The dialogue state ([`State`]) is persisted through our own `Storage<State>` on
//! the store's pool (`store.rs`), so a restart mid-dialogue loses nothing. Outgoing messages that no
//! update triggered (status notifications, officer posts) go through the rate-limited sender in
//! `sender.rs`, driven from the delivery outbox; replies to updates go through `reply.rs`
//! (429 waited out, 403 marks the chat blocked, counted against the same pacer). `run.rs` wires it
//! all for `loket serve`.

mod broadcast;
mod catalog;
mod commands;
pub mod fake_api;
mod handlers;
mod keyboards;
mod officer;
mod pacer;
mod render;
mod reply;
mod run;
mod schema;
mod sender;
mod shared_limit;
mod state;
mod store;
mod text;
mod webhook;

#[cfg(test)]
mod journey_tests;
#[cfg(test)]
pub(crate) mod tests;

pub use broadcast::{BroadcastSender, BroadcastSettings, BroadcastStep};
pub use catalog::{Catalog, CatalogHandle};
pub use officer::OfficerChatForwarder;
/// An answer as the bot renders it (HTML messages), for the Telegram benchmark.
pub(crate) use render::answer as render_answer;
pub use run::{BotConfig, TelegramDeps, bot_from_env, build_dispatcher, run_polling};
pub use schema::schema;
pub use sender::{SenderLimits, TelegramNotifier, TelegramSender};
pub use shared_limit::SharedLimit;
pub use state::State;
pub use store::DialogueStore;
pub use webhook::{WebhookConfig, run_webhook};

/// The error type of every handler: anything, logged by the dispatcher.
pub type BotError = Box<dyn std::error::Error + Send + Sync>;
pub(crate) type HandlerResult = Result<(), BotError>;
/// The dialogue storage as injected: our database storage, type-erased.
pub(crate) type DialogueStorage = teloxide::dispatching::dialogue::ErasedStorage<State>;
pub(crate) type BotDialogue = teloxide::dispatching::dialogue::Dialogue<State, DialogueStorage>;
