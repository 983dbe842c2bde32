//! The web chat: a channel adapter of the conversation core (one folder) for the chat an agency
//! embeds on its own site with one `<script>` tag (`deploy/WEBCHAT.md`).
//!
//! - `http`: the routes `loket serve` mounts under `/chat`: the page and its assets, anonymous
//!   sessions (a random token, only its SHA-256 stored), messages in (text, a `/command`, a
//!   pressed button, a shared location) through the core, messages out by long poll; the
//!   `Origin` check on posts, limits per session and per client address, message length.
//! - `page`: the page (strict CSP, no external assets, phone first), its script and stylesheet,
//!   and the widget script that opens the page in an iframe on the agency's site.
//! - `render`: a core reply as the JSON message the page builds with DOM text nodes.
//! - `store`: sessions (chat ids above 2^53, never reused) and each session's messages, which
//!   are also its outbox of status notifications (migration 0013); retention.
//! - `photos`: photos attached to a complaint (checked images, stored in the database because
//!   the web has no channel that keeps them; migration 0016).
//! - `notifier`: status notifications and officers' replies into a session's messages.
//! - `broadcast`: announcements to web chat subscribers, into their sessions' messages.
//! - `settings`: `[webchat]`.
//! - `channel`: all of the above built from the settings, for `loket serve`.

pub mod broadcast;
pub mod channel;
pub mod http;
pub mod notifier;
mod page;
pub mod photos;
pub mod render;
pub mod settings;
pub mod store;

#[cfg(test)]
mod tests;

pub use channel::{RouterDeps, WebChatChannel};
pub use settings::WebChatSettings;
