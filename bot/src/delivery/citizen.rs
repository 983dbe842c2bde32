//! [`CitizenChannels`]: the one place a citizen notification (`notify` task) picks its channel.
//! A chat id names its channel (WhatsApp contacts and web chat sessions have ids no Telegram
//! chat reaches, see `whatsapp::store` and `webchat::store`); the composition root passes those
//! tests in, so this module imports no channel. Telegram is the default; a chat whose channel is
//! not running in this process is a temporary failure (another process, or the next start,
//! sends it).
//!
//! A process without Telegram (`loket serve --no-telegram`) runs one notification worker per
//! other channel, each claiming only that channel's chat ids ([`chat_ids`](CitizenChannels::chat_ids)
//! and `Worker::only_chats`), so it never takes, and delays, a Telegram chat's notification.

use std::ops::RangeInclusive;
use std::sync::Arc;

use super::{Forwarder, SendError, SendFuture};
use crate::storage::Delivery;

/// A channel other than Telegram: which chat ids are its, and its forwarder when it runs here.
struct Route {
    name: &'static str,
    chat_ids: RangeInclusive<i64>,
    channel: Option<Arc<dyn Forwarder>>,
}

pub struct CitizenChannels {
    telegram: Option<Arc<dyn Forwarder>>,
    others: Vec<Route>,
}

impl CitizenChannels {
    /// Telegram for every chat but WhatsApp's (`whatsapp_chats`), which go through `whatsapp`
    /// (when this process runs WhatsApp).
    pub fn new(
        telegram: Arc<dyn Forwarder>,
        whatsapp_chats: RangeInclusive<i64>,
        whatsapp: Option<Arc<dyn Forwarder>>,
    ) -> Self {
        Self {
            telegram: Some(telegram),
            others: Vec::new(),
        }
        .with("WhatsApp", whatsapp_chats, whatsapp)
    }

    /// No Telegram in this process: only the channels added [`with`](Self::with).
    pub fn without_telegram() -> Self {
        Self {
            telegram: None,
            others: Vec::new(),
        }
    }

    /// Adds a channel that owns `chat_ids` (disjoint from the others and from Telegram's);
    /// `channel` is `None` when it does not run in this process.
    pub fn with(
        mut self,
        name: &'static str,
        chat_ids: RangeInclusive<i64>,
        channel: Option<Arc<dyn Forwarder>>,
    ) -> Self {
        self.others.push(Route {
            name,
            chat_ids,
            channel,
        });
        self
    }

    /// The chat ids of the channels added with a forwarder (what a worker without Telegram may
    /// claim), by name.
    pub fn chat_ids(&self) -> Vec<(&'static str, RangeInclusive<i64>)> {
        self.others
            .iter()
            .filter(|r| r.channel.is_some())
            .map(|r| (r.name, r.chat_ids.clone()))
            .collect()
    }

    fn channel(&self, task: &Delivery) -> Result<&Arc<dyn Forwarder>, &'static str> {
        let route = task
            .chat_id
            .and_then(|chat| self.others.iter().find(|r| r.chat_ids.contains(&chat)));
        match route {
            Some(route) => route.channel.as_ref().ok_or(route.name),
            None => self.telegram.as_ref().ok_or("Telegram"),
        }
    }
}

impl Forwarder for CitizenChannels {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        match self.channel(task) {
            Ok(channel) => channel.send(task),
            Err(name) => {
                Box::pin(async move { Err(SendError::retryable(format!("{name} is not running in this process"))) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// Records the chat of every task it sends.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<i64>>);

    impl Forwarder for Recorder {
        fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
            self.0.lock().unwrap().push(task.chat_id.unwrap_or_default());
            Box::pin(async { Ok(()) })
        }
    }

    fn task(chat: i64) -> Delivery {
        Delivery {
            id: "d1".into(),
            kind: crate::storage::DeliveryKind::Notify,
            complaint_id: Some(1),
            handler_id: None,
            chat_id: Some(chat),
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

    #[tokio::test]
    async fn each_chat_goes_through_its_own_channel() {
        let (telegram, whatsapp, web) = (
            Arc::new(Recorder::default()),
            Arc::new(Recorder::default()),
            Arc::new(Recorder::default()),
        );
        let channels = CitizenChannels::new(telegram.clone(), i64::MIN..=-100, Some(whatsapp.clone())).with(
            "web",
            100..=i64::MAX,
            Some(web.clone()),
        );
        for chat in [5, -150, 150, -5] {
            channels.send(&task(chat)).await.unwrap();
        }
        assert_eq!(*telegram.0.lock().unwrap(), vec![5, -5]);
        assert_eq!(*whatsapp.0.lock().unwrap(), vec![-150]);
        assert_eq!(*web.0.lock().unwrap(), vec![150]);
    }

    #[tokio::test]
    async fn a_channel_not_running_here_is_retried_later() {
        let web = Arc::new(Recorder::default());
        let channels = CitizenChannels::without_telegram()
            .with("WhatsApp", i64::MIN..=-100, None)
            .with("web", 100..=i64::MAX, Some(web.clone()));
        assert_eq!(channels.chat_ids(), vec![("web", 100..=i64::MAX)]);
        assert!(channels.send(&task(150)).await.is_ok());
        for chat in [5, -150] {
            assert!(matches!(
                channels.send(&task(chat)).await,
                Err(SendError::Retryable { .. })
            ));
        }
    }
}
