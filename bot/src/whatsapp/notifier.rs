//! [`WhatsAppNotifier`]: the outbox side of citizen notifications for complaints filed on
//! WhatsApp (a [`Forwarder`] for `notify` tasks whose chat id is a WhatsApp contact's).
//!
//! Inside the 24-hour customer-service window (the citizen's last message, recorded by the
//! inbox, is less than 24 hours old) the notice goes as normal text, the same words as on
//! Telegram, and a resolution carries the core's [Sudah beres] [Belum, buka lagi] as reply
//! buttons (`conversation::resolution`). Outside it, or when Meta answers 131047 ("more than 24
//! hours"), the configured approved template goes instead, with two body parameters: the ticket
//! and the status text (or the officer's reply); a template cannot carry the buttons, so the
//! citizen's `/status` of the ticket offers them again once they write. A citizen Meta cannot reach is marked blocked; a blocked contact gets
//! nothing. Nothing of the notice is logged. A send marker per task makes the notice at most
//! once: a process killed between Meta's answer and the task's completion does not send it
//! again on the retry (the task is dead-lettered as "outcome unknown" instead).

use std::sync::Arc;

use serde_json::{Value, json};

use super::render;
use super::sender::{GraphSender, SendFailure};
use super::settings::{Template, TemplateSettings};
use super::store::{Contact, WhatsAppStore};
use crate::conversation::Reply;
use crate::conversation::resolution::notification_reply;
use crate::delivery::notice::Notification;
use crate::delivery::{Forwarder, SendError, SendFuture};
use crate::storage::{Delivery, SendMark, Store};

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
        // At most once: a marker written right before the first send and completed after the
        // last, so a process killed in between does not send the notice again (see
        // `storage::send_marks`).
        let key = format!("wa-notify:{}", task.id);
        match self.store.send_mark(&key).await.map_err(unexpected)? {
            Some(SendMark::Sent(_)) => return Ok(()),
            Some(SendMark::Sending) => {
                return Err(SendError::permanent(
                    "an earlier attempt was interrupted mid-send (outcome unknown); not re-sent to avoid a duplicate",
                ));
            }
            None => {}
        }
        if !self.store.begin_send(&key, chat).await.map_err(unexpected)? {
            return Err(SendError::retryable("send marker appeared concurrently"));
        }
        let (result, delivered) = self.send_all(&wa, &contact, &n).await;
        match (result, delivered) {
            (Ok(()), _) => self.store.finish_send(&key, 0).await.map_err(unexpected)?,
            // Meta took part of it: sending again would repeat that part.
            (Err(e), true) => {
                self.store.finish_send(&key, 0).await.map_err(unexpected)?;
                return Err(SendError::permanent(format!("partly delivered, not repeated: {e}")));
            }
            (Err(e), false) => {
                self.store.abort_send(&key).await.map_err(unexpected)?;
                return Err(e);
            }
        }
        Ok(())
    }

    /// Sends the notice (text inside the window, else the template); whether any message of it
    /// was accepted by Meta.
    async fn send_all(&self, wa: &WhatsAppStore, contact: &Contact, n: &Outgoing<'_>) -> (Result<(), SendError>, bool) {
        let mut delivered = false;
        let in_window = self.store.now() - contact.last_inbound_at < WINDOW_SECS;
        let mut outside = !in_window;
        if in_window {
            for body in render::messages(&contact.wa_id, &n.reply) {
                match self.sender.send(&body).await {
                    Ok(_) => delivered = true,
                    Err(SendFailure::OutsideWindow) if !delivered => {
                        outside = true;
                        break;
                    }
                    Err(failure) => return (Err(self.refused(wa, contact, failure).await), delivered),
                }
            }
        }
        if outside {
            match self.sender.send(&template_message(&contact.wa_id, n)).await {
                Ok(_) => delivered = true,
                Err(failure) => return (Err(self.refused(wa, contact, failure).await), delivered),
            }
        }
        (Ok(()), delivered)
    }

    /// The error for a refused send; an unreachable citizen is marked blocked.
    async fn refused(&self, wa: &WhatsAppStore, contact: &Contact, failure: SendFailure) -> SendError {
        if matches!(failure, SendFailure::Blocked)
            && let Err(e) = wa.block(&contact.wa_id).await
        {
            return SendError::retryable(format!("storage: {e}"));
        }
        self.failed(failure)
    }
}

impl Forwarder for WhatsAppNotifier {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(self.deliver(task))
    }
}
