//! Officer chats: complaints posted with status buttons, and the transitions those buttons drive.
//!
//! [`OfficerChatForwarder`] is the delivery channel for handlers reached by Telegram
//! (`officer_chat_ids` in the handlers file; plug it in with
//! `HandlerChannels::with_officer_chat`): it posts the complaint into each officer chat with
//! buttons (Verifikasi, Tolak, Tindak lanjuti, Selesai) and records the posts, so a retry skips
//! chats already served and a status change can edit every copy. An anonymous citizen is never
//! identified in a post. The buttons drive the same validated transitions as the handler API
//! ([`Store::change_status`]); [`path`] says which steps a button takes from the current status.

use std::sync::Arc;

use teloxide::prelude::*;

use crate::delivery::{Forwarder, SendError, SendFuture};
use crate::domain::{Actor, ComplaintStatus, StatusNote, TicketNumber};
use crate::routing::Routing;
use crate::storage::{Complaint, Delivery, StatusChange, Store, StoreError};

use super::catalog::Catalog;
use super::keyboards;
use super::render;
use super::sender::{Failure, TelegramSender};
use super::store::{SendMark, TelegramStore};
use super::text;

/// The statuses a button for `to` walks through from `from`: the direct transition, or one
/// through `diteruskan` (an officer chat *is* the handler the complaint was forwarded to). `None`
/// when the button does not apply (it is then not shown).
pub(crate) fn path(from: ComplaintStatus, to: ComplaintStatus) -> Option<Vec<ComplaintStatus>> {
    if from == to {
        return None;
    }
    if from.allowed_next().contains(&to) {
        return Some(vec![to]);
    }
    let via = ComplaintStatus::Diteruskan;
    (to != ComplaintStatus::Diverifikasi && from.allowed_next().contains(&via) && via.allowed_next().contains(&to))
        .then(|| vec![via, to])
}

/// The post's HTML: the complaint (never the identity of an anonymous citizen), plus `footer`.
pub(crate) fn post_html(complaint: &Complaint, catalog: &Catalog, footer: Option<&str>) -> String {
    let service = complaint
        .service_id
        .as_deref()
        .and_then(|id| catalog.service(id))
        .map(|s| s.title.as_str());
    let date = complaint.incident_date.as_deref().map(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_or_else(|_| d.to_owned(), |d| d.format("%d-%m-%Y").to_string())
    });
    let mut raw = text::officer_post(&text::OfficerPost {
        ticket: complaint.ticket.as_str(),
        status: complaint.status,
        category: &complaint.category,
        service,
        title: &complaint.title,
        description: &complaint.description,
        place: complaint.place.as_deref(),
        date: date.as_deref(),
        attachments: complaint.attachments.len(),
        citizen_chat: (!complaint.anonymous).then_some(complaint.chat_id),
    });
    if let Some(footer) = footer {
        raw.push_str(footer);
    }
    // One message, so it can be edited later: a description too long for it is cut.
    let mut messages = render::plain(&raw);
    let mut first = messages.drain(..).next().unwrap_or_default();
    if !messages.is_empty() {
        first.push('…');
    }
    first
}

/// Applies an officer's button: every step of [`path`] as its own validated change.
pub(crate) async fn apply(
    store: &Store,
    ticket: &TicketNumber,
    handler_id: &str,
    to: ComplaintStatus,
    officer: i64,
    note: Option<StatusNote>,
) -> Result<Complaint, StoreError> {
    let current = store.get_by_ticket(ticket).await?.ok_or(StoreError::NotFound)?;
    let steps = path(current.status, to).unwrap_or_else(|| vec![to]);
    let last = steps.len() - 1;
    let mut complaint = current;
    for (i, step) in steps.into_iter().enumerate() {
        let mut change = StatusChange::new(ticket.clone(), step, Actor::Officer(officer));
        change.only_for_handler = Some(handler_id.to_owned());
        if i == last {
            change.note = note.clone();
        }
        complaint = store.change_status(&change).await?.complaint;
    }
    Ok(complaint)
}

/// Re-renders every officer post of the complaint with its new status and buttons.
pub(crate) async fn refresh_posts(
    bot: &teloxide::Bot,
    store: &Store,
    catalog: &Catalog,
    complaint: &Complaint,
    footer: &str,
) -> Result<(), StoreError> {
    let html = post_html(complaint, catalog, Some(footer));
    let buttons = keyboards::officer_actions(&complaint.ticket, complaint.status);
    for (chat, message) in TelegramStore(store).officer_posts(&complaint.ticket).await? {
        let id = teloxide::types::MessageId(i32::try_from(message).unwrap_or_default());
        let edit = bot
            .edit_message_text(teloxide::types::ChatId(chat), id, html.clone())
            .parse_mode(teloxide::types::ParseMode::Html)
            .reply_markup(buttons.clone())
            .await;
        if let Err(error) = edit {
            tracing::warn!(chat_id = chat, %error, ticket = %complaint.ticket, "cannot update officer post");
        }
    }
    Ok(())
}

/// The officer-chat delivery channel; see the module docs.
pub struct OfficerChatForwarder {
    sender: Arc<TelegramSender>,
    store: Store,
    routing: Arc<Routing>,
    catalog: Arc<Catalog>,
}

impl OfficerChatForwarder {
    pub fn new(sender: Arc<TelegramSender>, store: Store, routing: Arc<Routing>, catalog: Arc<Catalog>) -> Self {
        Self {
            sender,
            store,
            routing,
            catalog,
        }
    }

    async fn deliver(&self, task: &Delivery) -> Result<(), SendError> {
        let unexpected = |e: StoreError| SendError::retryable(format!("storage: {e}"));
        let handler_id = task
            .handler_id
            .as_deref()
            .ok_or_else(|| SendError::permanent("task has no handler"))?;
        let handler = self
            .routing
            .get(handler_id)
            .ok_or_else(|| SendError::permanent(format!("handler {handler_id:?} is not in the handlers file")))?;
        let payload: serde_json::Value = serde_json::from_str(&task.payload)
            .map_err(|e| SendError::permanent(format!("unreadable payload: {e}")))?;
        let ticket = payload["complaint"]["ticket"]
            .as_str()
            .and_then(|t| TicketNumber::parse(t).ok())
            .ok_or_else(|| SendError::permanent("payload without a valid ticket"))?;
        let complaint = self
            .store
            .get_by_ticket(&ticket)
            .await
            .map_err(unexpected)?
            .ok_or_else(|| SendError::permanent(format!("complaint {ticket} not found")))?;
        let html = post_html(&complaint, &self.catalog, None);
        let buttons = keyboards::officer_actions(&complaint.ticket, complaint.status);
        let t = TelegramStore(&self.store);
        let mut failures = Vec::new();
        for &chat in &handler.officer_chat_ids {
            // Posts are at-least-once: an interrupted post is sent again (a lost complaint is
            // worse than a duplicate in the officers' group).
            let key = format!("post:{}:{chat}", task.id);
            if let Some(SendMark::Sent(_)) = t.send_mark(&key).await.map_err(unexpected)? {
                continue;
            }
            t.begin_send(&key, chat).await.map_err(unexpected)?;
            match self.sender.send_html(chat, html.clone(), Some(buttons.clone())).await {
                Ok(message) => {
                    let id = i64::from(message.id.0);
                    t.record_officer_post(&complaint.ticket, chat, id)
                        .await
                        .map_err(unexpected)?;
                    t.finish_send(&key, id).await.map_err(unexpected)?;
                }
                Err(failure) => {
                    t.abort_send(&key).await.map_err(unexpected)?;
                    tracing::warn!(chat_id = chat, ?failure, %ticket, "cannot post complaint to officer chat");
                    failures.push(failure);
                }
            }
        }
        // Retry while any chat may still take it; give up only if every failure is permanent.
        match failures.into_iter().reduce(|a, b| match (&a, &b) {
            (Failure::RetryAfter(_) | Failure::Transient(_), _) => a,
            _ => b,
        }) {
            None => Ok(()),
            Some(failure) => Err(failure.into_send_error()),
        }
    }
}

impl Forwarder for OfficerChatForwarder {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(self.deliver(task))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::*;
    use crate::delivery::{ExecutionOutcome, HandlerChannels, RetryPolicy, WebhookForwarder, Worker};
    use crate::domain::{NewComplaint, fixtures};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, SubmitOptions};
    use crate::telegram::sender::SenderLimits;
    use crate::telegram::sender::tests::{Reply, spawn_api};
    use ComplaintStatus::*;

    const HANDLERS: &str = "[[handler]]\nid = \"kecamatan\"\nname = \"Kecamatan\"\n\
        officer_chat_ids = [-100, -200]\nofficer_user_ids = [7]\n";

    async fn forward(
        db: &TestDb,
        anonymous: bool,
        script: &[Reply],
    ) -> (Worker, crate::telegram::sender::tests::Shared, Complaint) {
        let (bot, api) = spawn_api(script).await;
        let routing = Arc::new(Routing::from_toml(HANDLERS, Path::new("h.toml")).unwrap());
        let sender = Arc::new(TelegramSender::new(bot, SenderLimits::default()));
        let officers = OfficerChatForwarder::new(
            sender,
            db.store.clone(),
            routing.clone(),
            crate::telegram::tests::catalog(),
        );
        let webhook = WebhookForwarder::new(routing.clone(), Duration::from_secs(5)).unwrap();
        let channels = HandlerChannels::new(routing, webhook).with_officer_chat(Arc::new(officers));
        let policy = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(600),
        };
        let worker = Worker::new(
            db.store.clone(),
            DeliveryKind::Forward,
            Arc::new(channels),
            policy,
            Duration::from_secs(60),
        );
        let mut raw = fixtures::raw();
        raw.anonymous = anonymous;
        let new = NewComplaint::parse(&raw, fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some("kecamatan".into()),
            auto_verify: false,
        };
        let complaint = db.store.submit_complaint(&new, &options).await.unwrap();
        (worker, api, complaint)
    }

    async fn complaints_are_posted_to_every_officer_chat_with_buttons(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &[]).await;
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        let requests = api.lock().unwrap().requests.clone();
        let chats: Vec<i64> = requests.iter().map(|(chat, _)| *chat).collect();
        assert_eq!(chats, vec![-100, -200]);
        assert!(requests[0].1.contains(c.ticket.as_str()));
        assert!(requests[0].1.contains(&format!("chat Telegram {}", c.chat_id)));
        assert_eq!(
            TelegramStore(&db.store).officer_posts(&c.ticket).await.unwrap().len(),
            2
        );
    }

    async fn an_anonymous_citizen_is_never_identified_to_officers(db: TestDb) {
        let (worker, api, c) = forward(&db, true, &[]).await;
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        for (_, text) in api.lock().unwrap().requests.iter() {
            assert!(!text.contains(&c.chat_id.to_string()), "{text}");
            assert!(text.contains("Pelapor: anonim"));
        }
    }

    async fn a_retry_skips_the_chats_already_served(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &[Reply::Ok, Reply::TooManyRequests(1)]).await;
        assert!(matches!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskRetryScheduled { .. }
        ));
        db.clock.advance(600);
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        let chats: Vec<i64> = api.lock().unwrap().requests.iter().map(|(chat, _)| *chat).collect();
        assert_eq!(chats, vec![-100, -200, -200]);
        assert_eq!(
            TelegramStore(&db.store).officer_posts(&c.ticket).await.unwrap().len(),
            2
        );
    }

    both_backends!(
        complaints_are_posted_to_every_officer_chat_with_buttons,
        an_anonymous_citizen_is_never_identified_to_officers,
        a_retry_skips_the_chats_already_served,
    );

    #[test]
    fn button_paths_follow_the_transition_table() {
        let cases = [
            (Diterima, Diverifikasi, Some(vec![Diverifikasi])),
            (Diterima, Ditolak, Some(vec![Ditolak])),
            (Diterima, Ditindaklanjuti, None),
            (Diterima, Selesai, None),
            (Diverifikasi, Ditindaklanjuti, Some(vec![Diteruskan, Ditindaklanjuti])),
            (Diverifikasi, Selesai, Some(vec![Diteruskan, Selesai])),
            (Diverifikasi, Ditolak, None),
            (Diteruskan, Ditindaklanjuti, Some(vec![Ditindaklanjuti])),
            (Ditindaklanjuti, Selesai, Some(vec![Selesai])),
            (Selesai, Selesai, None),
            (Ditutup, Ditindaklanjuti, None),
        ];
        for (from, to, expected) in cases {
            assert_eq!(path(from, to), expected, "{from} -> {to}");
        }
    }
}
