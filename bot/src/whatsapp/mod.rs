//! WhatsApp Business Cloud API: a channel adapter of the conversation core (one folder).
//!
//! - `webhook`: `GET` verification, the `X-Hub-Signature-256` HMAC over the raw body checked
//!   in constant time, and Meta's payload read into core events.
//! - `http`: the webhook routes `loket serve` mounts: 401 on a bad signature, 413 on a body
//!   that cannot be a notification, every message into the durable inbox (deduplicated by
//!   message id), 200 at once.
//! - `store`: contacts (a WhatsApp id -> the citizen's chat id, the 24-hour window, blocked)
//!   and the inbox (migrations 0012 and 0019).
//! - `worker`: the inbox through the conversation core (several workers at once, woken by the
//!   webhook; each citizen's messages one at a time, in order), replies rendered by [`render`]
//!   (text, reply buttons <= 3 with titles <= 20, list messages <= 10 rows with titles <= 24)
//!   and sent by [`sender`] (paced; throughput and pair rate limits backed off; an unreachable
//!   citizen marked blocked).
//! - `notifier`: status notifications and officers' replies to WhatsApp citizens: text inside
//!   the 24-hour window, the approved template outside it.
//! - `broadcast`: announcements to WhatsApp subscribers, the same way (text and buttons inside
//!   the window, the announcement template outside it).
//! - `settings`: `[whatsapp]`, secrets redacted.
//! - `channel`: all of the above built from the settings, for `loket serve` to mount and run.

pub mod broadcast;
pub mod channel;
pub mod http;
pub mod inbox;
pub mod notifier;
pub mod render;
pub mod sender;
pub mod settings;
pub mod store;
pub mod webhook;
pub mod worker;

#[cfg(test)]
mod tests;

pub use channel::WhatsAppChannel;
pub use settings::WhatsAppSettings;
