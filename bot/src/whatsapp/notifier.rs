//! [`WhatsAppNotifier`]: the outbox side of citizen notifications for complaints filed on
//! WhatsApp (a [`Forwarder`] for `notify` tasks whose chat id is a WhatsApp contact's).
//!
//! Inside the 24-hour customer-service window (the citizen's last message, recorded by the
//! inbox, is less than 24 hours old) the notice goes as normal text, the same words as on
//! Telegram, and a resolution carries the core's [Sudah beres] [Belum, buka lagi] as reply
//! buttons (`conversation::resolution`). Outside the window the template cannot carry them; the
//! citizen's `/status` of the ticket offers them again once they write. Outside it, or when Meta answers 131047 ("more than 24 hours"), the configured
//! approved template goes instead, with two body parameters: the ticket and the status text (or
//! the officer's reply). A citizen Meta cannot reach is marked blocked; a blocked contact gets
//! nothing. Nothing of the notice is logged.

use std::sync::Arc;

use serde_json::{Value, json};

use super::render;
use super::sender::{GraphSender, SendFailure};
use super::settings::{Template, TemplateSettings};
use super::store::WhatsAppStore;
use crate::conversation::Reply;
use crate::conversation::resolution::notification_reply;
use crate::delivery::notice::Notification;
use crate::delivery::{Forwarder, SendError, SendFuture};
use crate::storage::{Delivery, Store};

/// How long after a citizen's last message free-form messages are allowed.
pub const WINDOW_SECS: i64 = 24 * 3600;

/// What to tell the citizen: the full reply, and the template with its two parameters.
struct Outgoing<'a> {
    reply: Reply,
    template: &'a Template,
    ticket: String,
    short: String,
}

fn notification_of<'a>(payload: &str, templates: &'a TemplateSettings) -> Result<Outgoing<'a>, String> {
    let n = Notification::parse(payload)?;
    let (template, short) = match &n {
        Notification::Status { to, .. } => (&templates.status, to.label().to_owned()),
        Notification::Reply { message, .. } => (&templates.reply, message.clone()),
    };
    Ok(Outgoing {
        reply: notification_reply(&n),
        template,
        ticket: n.ticket().to_owned(),
        short,
    })
}

/// A template parameter: Meta refuses newlines, tabs and runs of spaces in one, and long ones.
pub(super) fn parameter(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.chars().take(900).collect()
}

fn template_message(to: &str, n: &Outgoing<'_>) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": n.template.name,
            "language": { "code": n.template.language },
            "components": [{
                "type": "body",
                "parameters": [
                    { "type": "text", "text": parameter(&n.ticket) },
                    { "type": "text", "text": parameter(&n.short) },
                ],
            }],
        },
    })
}

pub struct WhatsAppNotifier {
    sender: Arc<GraphSender>,
    store: Store,
    templates: TemplateSettings,
}

impl WhatsAppNotifier {
    pub fn new(sender: Arc<GraphSender>, store: Store, templates: TemplateSettings) -> Self {
        Self {
            sender,
            store,
            templates,
        }
    }

    fn failed(&self, failure: SendFailure) -> SendError {
        match failure {
            SendFailure::RateLimited => SendError::retryable("WhatsApp rate limit"),
            SendFailure::Other(reason) => SendError::retryable(format!("WhatsApp: {reason}")),
            SendFailure::OutsideWindow => SendError::permanent("refused outside the window, even as a template"),
            SendFailure::Blocked => SendError::permanent("the citizen cannot be reached on WhatsApp"),
        }
    }

    async fn deliver(&self, task: &Delivery) -> Result<(), SendError> {
        let unexpected = |e: crate::storage::StoreError| SendError::retryable(format!("storage: {e}"));
        let chat = task
            .chat_id
            .ok_or_else(|| SendError::permanent("notification without a chat"))?;
        let wa = WhatsAppStore(self.store.clone());
        let contact = wa
            .contact_of_chat(chat)
            .await
            .map_err(unexpected)?
            .ok_or_else(|| SendError::permanent("no WhatsApp contact for this chat"))?;
        if contact.blocked {
            return Err(SendError::permanent("WhatsApp contact is blocked; not sent"));
        }
        let n = notification_of(&task.payload, &self.templates).map_err(SendError::permanent)?;
        let in_window = self.store.now() - contact.last_inbound_at < WINDOW_SECS;
        let mut outside = !in_window;
        if in_window {
            for body in render::messages(&contact.wa_id, &n.reply) {
                match self.sender.send(&body).await {
                    Ok(_) => {}
                    Err(SendFailure::OutsideWindow) => {
                        outside = true;
                        break;
                    }
                    Err(SendFailure::Blocked) => {
                        wa.block(&contact.wa_id).await.map_err(unexpected)?;
                        return Err(self.failed(SendFailure::Blocked));
                    }
                    Err(failure) => return Err(self.failed(failure)),
                }
            }
        }
        if outside {
            match self.sender.send(&template_message(&contact.wa_id, &n)).await {
                Ok(_) => {}
                Err(SendFailure::Blocked) => {
                    wa.block(&contact.wa_id).await.map_err(unexpected)?;
                    return Err(self.failed(SendFailure::Blocked));
                }
                Err(failure) => return Err(self.failed(failure)),
            }
        }
        Ok(())
    }
}

impl Forwarder for WhatsAppNotifier {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(self.deliver(task))
    }
}
