//! `HandlerChannels`: picks the channels a forwarding task goes through, per handler.
//!
//! A handler with a `webhook_url` gets the signed webhook; one with `officer_chat_ids` gets the
//! officer-chat adapter (provided by the Telegram side); one with both gets both, officer chat
//! first, and the task succeeds only when both did (a retry repeats the webhook with the same
//! Idempotency-Key, while the officer chat skips what it already posted). When the adapter is not
//! running (e.g. `--no-telegram`), a handler that also has a webhook gets the webhook alone; one
//! reached only by officer chat is retried and, after the attempt budget, dead-lettered. A handler
//! with neither channel is a permanent failure. Either way an administrator sees it in the
//! dead-letter list: never a silent drop.

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

    /// The channels of the task's handler, in the order they are tried.
    fn pick(&self, task: &Delivery) -> Result<Vec<&dyn Forwarder>, SendError> {
        let id = task
            .handler_id
            .as_deref()
            .ok_or_else(|| SendError::permanent("task has no handler"))?;
        let handler = self
            .routing
            .get(id)
            .ok_or_else(|| SendError::permanent(format!("handler {id:?} is not in the handlers file")))?;
        let mut channels: Vec<&dyn Forwarder> = Vec::new();
        match (&self.officer_chat, handler.officer_chat_ids.is_empty()) {
            (Some(adapter), false) => channels.push(adapter.as_ref()),
            (None, false) if handler.webhook.is_none() => {
                return Err(SendError::retryable(format!(
                    "handler {id:?} is reached by officer chat, which is not running"
                )));
            }
            _ => {}
        }
        if handler.webhook.is_some() {
            channels.push(&self.webhook);
        }
        if channels.is_empty() {
            return Err(SendError::permanent(format!(
                "handler {id:?} has neither webhook_url nor officer_chat_ids"
            )));
        }
        Ok(channels)
    }
}

/// The error that decides a task sent through several channels: a retryable one if any (the
/// channel that failed may still succeed), else the first.
fn combine(errors: Vec<SendError>) -> Result<(), SendError> {
    let mut errors = errors.into_iter();
    let Some(first) = errors.next() else { return Ok(()) };
    if matches!(first, SendError::Retryable { .. }) {
        return Err(first);
    }
    Err(errors
        .find(|e| matches!(e, SendError::Retryable { .. }))
        .unwrap_or(first))
}

impl Forwarder for HandlerChannels {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(async move {
            let mut errors = Vec::new();
            for channel in self.pick(task)? {
                if let Err(e) = channel.send(task).await {
                    errors.push(e);
                }
            }
            combine(errors)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;

    struct Nowhere;

    impl Forwarder for Nowhere {
        fn send<'a>(&'a self, _: &'a Delivery) -> SendFuture<'a> {
            Box::pin(async { Ok(()) })
        }
    }

    fn task(handler: &str) -> Delivery {
        Delivery {
            id: "d1".into(),
            kind: crate::storage::DeliveryKind::Forward,
            complaint_id: Some(1),
            handler_id: Some(handler.to_owned()),
            chat_id: None,
            payload: "{}".into(),
            status: crate::storage::DeliveryStatus::Pending,
            attempts: 1,
            next_attempt_at: 0,
            lease_until: None,
            locked_by: None,
            last_error: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    #[test]
    fn each_handler_gets_the_channels_it_lists() {
        let toml = "[[handler]]\nid = \"both\"\nname = \"B\"\nwebhook_url = \"http://127.0.0.1:9/hook\"\n\
            webhook_secret = \"rahasia-yang-cukup-panjang\"\nofficer_chat_ids = [-1]\n\
            [[handler]]\nid = \"chat\"\nname = \"C\"\nofficer_chat_ids = [-2]\n\
            [[handler]]\nid = \"hook\"\nname = \"H\"\nwebhook_url = \"http://127.0.0.1:9/hook\"\n\
            webhook_secret = \"rahasia-yang-cukup-panjang\"\n";
        let routing = Arc::new(Routing::from_toml(toml, Path::new("h.toml")).unwrap());
        let webhook = WebhookForwarder::new(routing.clone(), Duration::from_secs(1)).unwrap();
        let without = HandlerChannels::new(routing.clone(), webhook.clone());
        let with = HandlerChannels::new(routing, webhook).with_officer_chat(Arc::new(Nowhere));
        let count = |c: &HandlerChannels, h: &str| c.pick(&task(h)).map(|v| v.len());
        assert_eq!(count(&with, "both"), Ok(2));
        assert_eq!(count(&with, "chat"), Ok(1));
        assert_eq!(count(&with, "hook"), Ok(1));
        assert_eq!(count(&without, "both"), Ok(1), "the webhook alone without Telegram");
        assert!(matches!(count(&without, "chat"), Err(SendError::Retryable { .. })));
        assert!(matches!(count(&with, "unknown"), Err(SendError::Permanent { .. })));
    }

    #[test]
    fn a_retryable_failure_of_either_channel_wins() {
        let retry = SendError::retryable("officer chat 429");
        let permanent = SendError::permanent("webhook 400");
        assert_eq!(combine(vec![]), Ok(()));
        assert_eq!(combine(vec![permanent.clone(), retry.clone()]), Err(retry.clone()));
        assert_eq!(combine(vec![retry.clone(), permanent.clone()]), Err(retry));
        assert_eq!(combine(vec![permanent.clone()]), Err(permanent));
    }
}
