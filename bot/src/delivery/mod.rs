//! Delivery: executing outbox tasks (forward a complaint to its handler, notify a citizen).
//!
//! A [`Forwarder`] sends one task over one channel; adding a channel (officer Telegram chat, a
//! LAPOR! adapter, Open311) is one new implementation. [`HandlerChannels`] picks the channel a
//! handler is configured for; [`CitizenChannels`] picks a citizen's (Telegram or WhatsApp) by
//! chat id. The [`Worker`] claims a task with a lease, calls the forwarder
//! outside any transaction, and records success, a retry (exponential backoff with jitter) or a
//! dead letter; tests drive it one task at a time with [`Worker::try_execute_task`].
//! [`broadcast::ChannelBroadcaster`] sends announcements to one non-Telegram channel's
//! subscribers from the broadcast outbox.

mod backoff;
pub mod broadcast;
mod channels;
mod citizen;
pub mod notice;
mod webhook;
mod worker;

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use backoff::RetryPolicy;
pub use channels::HandlerChannels;
pub use citizen::CitizenChannels;
pub use webhook::{WebhookForwarder, sign, verify_signature};
pub use worker::{ExecutionOutcome, Worker};

use crate::storage::Delivery;

/// Why one send failed, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Temporary (5xx, timeout, connection refused, 408, 429): retry later, not before
    /// `retry_after` when the receiver said so.
    #[error("temporary failure: {reason}")]
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Will not succeed by repeating (4xx, misconfiguration): dead-letter at once.
    #[error("permanent failure: {reason}")]
    Permanent { reason: String },
}

impl SendError {
    pub fn retryable(reason: impl Into<String>) -> Self {
        Self::Retryable {
            reason: reason.into(),
            retry_after: None,
        }
    }

    pub fn permanent(reason: impl Into<String>) -> Self {
        Self::Permanent { reason: reason.into() }
    }
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// Sends one outbox task over one channel. Must be safe to repeat: receivers deduplicate on the
/// task id (`Idempotency-Key`).
pub trait Forwarder: Send + Sync {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a>;
}
