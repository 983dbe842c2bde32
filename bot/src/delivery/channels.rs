//! `HandlerChannels`: picks the channel a forwarding task goes through, per handler.
//!
//! A handler with a `webhook_url` gets the signed webhook; one with only `officer_chat_ids` gets
//! the officer-chat adapter (provided by the Telegram side). When that adapter is not running
//! (e.g. `--no-telegram`) the task is retried and, after the attempt budget, dead-lettered; a
//! handler with neither channel is a permanent failure. Either way an administrator sees it in
//! the dead-letter list: never a silent drop.

use std::sync::Arc;

use super::{Forwarder, SendError, SendFuture, WebhookForwarder};
use crate::routing::Routing;
use crate::storage::Delivery;

pub struct HandlerChannels {
    routing: Arc<Routing>,
    webhook: WebhookForwarder,
    officer_chat: Option<Arc<dyn Forwarder>>,
}

impl HandlerChannels {
    pub fn new(routing: Arc<Routing>, webhook: WebhookForwarder) -> Self {
        Self {
            routing,
            webhook,
            officer_chat: None,
        }
    }

    /// Adds the officer-chat adapter (Telegram).
    pub fn with_officer_chat(mut self, adapter: Arc<dyn Forwarder>) -> Self {
        self.officer_chat = Some(adapter);
        self
    }

    fn pick(&self, task: &Delivery) -> Result<&dyn Forwarder, SendError> {
        let id = task
            .handler_id
            .as_deref()
            .ok_or_else(|| SendError::permanent("task has no handler"))?;
        let handler = self
            .routing
            .get(id)
            .ok_or_else(|| SendError::permanent(format!("handler {id:?} is not in the handlers file")))?;
        if handler.webhook.is_some() {
            return Ok(&self.webhook);
        }
        match (&self.officer_chat, handler.officer_chat_ids.is_empty()) {
            (Some(adapter), false) => Ok(adapter.as_ref()),
            (None, false) => Err(SendError::retryable(format!(
                "handler {id:?} is reached by officer chat, which is not running"
            ))),
            (_, true) => Err(SendError::permanent(format!(
                "handler {id:?} has neither webhook_url nor officer_chat_ids"
            ))),
        }
    }
}

impl Forwarder for HandlerChannels {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        match self.pick(task) {
            Ok(channel) => channel.send(task),
            Err(e) => Box::pin(async move { Err(e) }),
        }
    }
}
