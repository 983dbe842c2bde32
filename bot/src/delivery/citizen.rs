//! [`CitizenChannels`]: the one place a citizen notification (`notify` task) picks its channel.
//! A chat id names its channel (WhatsApp contacts have ids no Telegram chat reaches, see
//! `whatsapp::store`); the composition root passes that test in, so this module imports no
//! channel. Telegram is the default; a chat whose channel is not running in this process is a
//! temporary failure (another process, or the next start, sends it).

use std::sync::Arc;

use super::{Forwarder, SendError, SendFuture};
use crate::storage::Delivery;

pub struct CitizenChannels {
    telegram: Arc<dyn Forwarder>,
    is_whatsapp: fn(i64) -> bool,
    whatsapp: Option<Arc<dyn Forwarder>>,
}

impl CitizenChannels {
    /// Telegram for every chat but those `is_whatsapp` names, which go through `whatsapp`
    /// (when this process runs WhatsApp).
    pub fn new(
        telegram: Arc<dyn Forwarder>,
        is_whatsapp: fn(i64) -> bool,
        whatsapp: Option<Arc<dyn Forwarder>>,
    ) -> Self {
        Self {
            telegram,
            is_whatsapp,
            whatsapp,
        }
    }

    fn channel(&self, task: &Delivery) -> Option<&Arc<dyn Forwarder>> {
        match task.chat_id {
            Some(chat) if (self.is_whatsapp)(chat) => self.whatsapp.as_ref(),
            _ => Some(&self.telegram),
        }
    }
}

impl Forwarder for CitizenChannels {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        match self.channel(task) {
            Some(channel) => channel.send(task),
            None => Box::pin(async { Err(SendError::retryable("WhatsApp is not configured in this process")) }),
        }
    }
}
