//! [`WhatsAppBroadcast`]: announcements to subscribers on WhatsApp, one
//! [`BroadcastChannel`] of the channel-neutral broadcaster (`delivery::broadcast`).
//!
//! Inside the citizen's 24-hour customer-service window the announcement goes as the core
//! renders it for every channel (text, and its [Lihat: layanan] buttons as reply buttons or a
//! list). Outside the window, or when Meta answers 131047, the approved announcement template
//! (`[whatsapp.templates.announcement]`) goes instead, with the text as its one body parameter.
//! The [`GraphSender`] paces every message (`messages_per_second`) and backs off Meta's
//! throughput and pair limits; when it gives up, the task goes back to the queue at once. A
//! citizen Meta cannot reach (131026) is marked blocked. Nothing of the text is logged.

use std::sync::Arc;

use serde_json::{Value, json};

use super::notifier::{WINDOW_SECS, parameter};
use super::render;
use super::sender::{GraphSender, SendFailure};
use super::settings::Template;
use super::store::WhatsAppStore;
use crate::conversation::{CatalogHandle, choice};
use crate::delivery::broadcast::{BroadcastChannel, Reach, ReachFuture};
use crate::storage::{Announcement, BroadcastTask, Store};

pub struct WhatsAppBroadcast {
    sender: Arc<GraphSender>,
    store: Store,
    template: Template,
    catalog: Option<CatalogHandle>,
}

fn template_message(to: &str, template: &Template, text: &str) -> Value {
    json!({
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": "template",
        "template": {
            "name": template.name,
            "language": { "code": template.language },
            "components": [{
                "type": "body",
                "parameters": [{ "type": "text", "text": parameter(text) }],
            }],
        },
    })
}

fn failed(failure: SendFailure) -> Reach {
    match failure {
        SendFailure::RateLimited => Reach::Retry {
            reason: "WhatsApp rate limit".into(),
            now: true,
        },
        SendFailure::Other(reason) => Reach::Retry {
            reason: format!("WhatsApp: {reason}"),
            now: false,
        },
        SendFailure::OutsideWindow => Reach::Failed("refused outside the window, even as a template".into()),
        SendFailure::Blocked => Reach::Unreachable("the citizen cannot be reached on WhatsApp".into()),
    }
}

impl WhatsAppBroadcast {
    pub fn new(sender: Arc<GraphSender>, store: Store, template: Template, catalog: Option<CatalogHandle>) -> Self {
        Self {
            sender,
            store,
            template,
            catalog,
        }
    }

    async fn deliver(&self, task: &BroadcastTask, announcement: &Announcement) -> Reach {
        let wa = WhatsAppStore(self.store.clone());
        let contact = match wa.contact_of_chat(task.chat_id).await {
            Ok(Some(contact)) => contact,
            Ok(None) => return Reach::Failed("no WhatsApp contact for this chat".into()),
            Err(e) => {
                return Reach::Retry {
                    reason: format!("storage: {e}"),
                    now: false,
                };
            }
        };
        if contact.blocked {
            return Reach::Unreachable("WhatsApp contact is blocked; not sent".into());
        }
        let blocked = async |wa: &WhatsAppStore| {
            if let Err(error) = wa.block(&contact.wa_id).await {
                tracing::error!(%error, "cannot mark a WhatsApp contact blocked");
            }
            failed(SendFailure::Blocked)
        };
        let mut outside = self.store.now() - contact.last_inbound_at >= WINDOW_SECS;
        if !outside {
            let catalog = self.catalog.as_ref().map(CatalogHandle::load);
            let reply = choice::announcement(catalog.as_deref(), announcement);
            for body in render::messages(&contact.wa_id, &reply) {
                match self.sender.send(&body).await {
                    Ok(_) => {}
                    Err(SendFailure::OutsideWindow) => {
                        outside = true;
                        break;
                    }
                    Err(SendFailure::Blocked) => return blocked(&wa).await,
                    Err(failure) => return failed(failure),
                }
            }
        }
        if outside {
            let body = template_message(&contact.wa_id, &self.template, &announcement.text);
            match self.sender.send(&body).await {
                Ok(_) => {}
                Err(SendFailure::Blocked) => return blocked(&wa).await,
                Err(failure) => return failed(failure),
            }
        }
        Reach::Sent
    }
}

impl BroadcastChannel for WhatsAppBroadcast {
    fn send<'a>(&'a self, task: &'a BroadcastTask, announcement: &'a Announcement) -> ReachFuture<'a> {
        Box::pin(self.deliver(task, announcement))
    }
}
