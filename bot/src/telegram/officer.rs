//! Officer chats: complaints posted with status buttons, and the transitions those buttons drive.
//!
//! [`OfficerChatForwarder`] is the delivery channel for handlers reached by Telegram
//! (`officer_chat_ids` in the handlers file; plug it in with
//! `HandlerChannels::with_officer_chat`): it posts the complaint into each officer chat with
//! buttons (Verifikasi, Tolak, Tindak lanjuti, Selesai) and records the posts, so a retry skips
//! chats already served and a status change can edit every copy. The complaint's photos and
//! documents follow the post, sent by file id as replies to it (also skipped on a retry once
//! sent). An anonymous citizen is never identified in a post. The buttons drive the same validated transitions as the handler API
//! ([`Store::change_status`]); [`path`] says which steps a button takes from the current status.

use std::sync::Arc;

use teloxide::prelude::*;

use crate::delivery::{Forwarder, SendError, SendFuture};
use crate::domain::{Actor, ActorRole, ComplaintStatus, StatusNote, TicketNumber};
use crate::routing::Routing;
use crate::storage::{Complaint, Delivery, StatusChange, Store, StoreError};

use super::catalog::{Catalog, CatalogHandle};
use super::keyboards;
use super::render;
use super::sender::{Failure, TelegramSender};
use super::store::{SendMark, TelegramStore};
use super::text;

/// The statuses a button for `to` walks through from `from`: the direct transition, or one
/// through `diteruskan` (an officer chat *is* the handler the complaint was forwarded to). Only
/// steps a handler may take count (an officer neither reopens nor closes a resolved complaint).
/// `None` when the button does not apply (it is then not shown).
pub(crate) fn path(from: ComplaintStatus, to: ComplaintStatus) -> Option<Vec<ComplaintStatus>> {
    let step = |from: ComplaintStatus, to: ComplaintStatus| {
        from.allowed_next().contains(&to) && ComplaintStatus::permits(ActorRole::Handler, from, to)
    };
    if from == to {
        return None;
    }
    if step(from, to) {
        return Some(vec![to]);
    }
    let via = ComplaintStatus::Diteruskan;
    (to != ComplaintStatus::Diverifikasi && step(from, via) && step(via, to)).then(|| vec![via, to])
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
    catalog: CatalogHandle,
}

impl OfficerChatForwarder {
    pub fn new(
        sender: Arc<TelegramSender>,
        store: Store,
        routing: Arc<Routing>,
        catalog: impl Into<CatalogHandle>,
    ) -> Self {
        Self {
            sender,
            store,
            routing,
            catalog: catalog.into(),
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
        let html = post_html(&complaint, &self.catalog.load(), None);
        let buttons = keyboards::officer_actions(&complaint.ticket, complaint.status);
        let t = TelegramStore(&self.store);
        let mut failures = Vec::new();
        for &chat in &handler.officer_chat_ids {
            // Posts are at-least-once: an interrupted post is sent again (a lost complaint is
            // worse than a duplicate in the officers' group).
            let key = format!("post:{}:{chat}", task.id);
            let post = match t.send_mark(&key).await.map_err(unexpected)? {
                Some(SendMark::Sent(id)) => id,
                _ => {
                    t.begin_send(&key, chat).await.map_err(unexpected)?;
                    match self.sender.send_html(chat, html.clone(), Some(buttons.clone())).await {
                        Ok(message) => {
                            let id = i64::from(message.id.0);
                            t.record_officer_post(&complaint.ticket, chat, id)
                                .await
                                .map_err(unexpected)?;
                            t.finish_send(&key, id).await.map_err(unexpected)?;
                            id
                        }
                        Err(failure) => {
                            t.abort_send(&key).await.map_err(unexpected)?;
                            tracing::warn!(chat_id = chat, ?failure, %ticket, "cannot post complaint to officer chat");
                            failures.push(failure);
                            continue;
                        }
                    }
                }
            };
            if let Err(failure) = self.send_attachments(&t, task, chat, post, &complaint).await? {
                tracing::warn!(chat_id = chat, ?failure, %ticket, "cannot forward an attachment to officer chat");
                failures.push(failure);
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

impl OfficerChatForwarder {
    /// The complaint's photos and documents, by file id, as replies to its post `post`, in
    /// order; each at most once per task and chat like the post (a retry skips those sent).
    /// Stops at the first failure, which the outer `Result` carries for the retry decision.
    async fn send_attachments(
        &self,
        t: &TelegramStore<'_>,
        task: &Delivery,
        chat: i64,
        post: i64,
        complaint: &Complaint,
    ) -> Result<Result<(), Failure>, SendError> {
        let unexpected = |e: StoreError| SendError::retryable(format!("storage: {e}"));
        let total = complaint.attachments.len();
        for (i, file_id) in complaint.attachments.iter().enumerate() {
            let key = format!("att:{}:{chat}:{i}", task.id);
            if let Some(SendMark::Sent(_)) = t.send_mark(&key).await.map_err(unexpected)? {
                continue;
            }
            t.begin_send(&key, chat).await.map_err(unexpected)?;
            let caption = text::attachment_caption(complaint.ticket.as_str(), i + 1, total);
            let reply_to = i32::try_from(post).ok();
            match self.sender.send_file(chat, file_id, caption, reply_to).await {
                Ok(message) => t.finish_send(&key, i64::from(message.id.0)).await.map_err(unexpected)?,
                Err(failure) => {
                    t.abort_send(&key).await.map_err(unexpected)?;
                    return Ok(Err(failure));
                }
            }
        }
        Ok(Ok(()))
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
    use crate::telegram::fake_api::{Call, FakeBotApi, Fault};
    use crate::telegram::sender::SenderLimits;
    use ComplaintStatus::*;

    const HANDLERS: &str = "[[handler]]\nid = \"kecamatan\"\nname = \"Kecamatan\"\n\
        officer_chat_ids = [-100, -200]\nofficer_user_ids = [7]\n";

    /// A forwarding worker posting through a fake Bot API, and a complaint (with the fixture's
    /// photo plus `extra` attachments) routed to the officer chats.
    async fn forward(db: &TestDb, anonymous: bool, extra: &[&str]) -> (Worker, FakeBotApi, Complaint) {
        let api = FakeBotApi::start().await.unwrap();
        let routing = Arc::new(Routing::from_toml(HANDLERS, Path::new("h.toml")).unwrap());
        // Loose limits: the tests are about what is sent, not when.
        let limits = SenderLimits {
            overall_per_second: 1_000,
            per_chat_per_second: 1_000,
            group_per_minute: 60_000,
        };
        let sender = Arc::new(TelegramSender::new(api.bot(), limits));
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
        raw.attachments.extend(extra.iter().map(|a| (*a).to_owned()));
        let new = NewComplaint::parse(&raw, fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some("kecamatan".into()),
            auto_verify: false,
        };
        let complaint = db.store.submit_complaint(&new, &options).await.unwrap();
        (worker, api, complaint)
    }

    fn chats(calls: &[Call]) -> Vec<i64> {
        calls.iter().filter_map(|c| c.chat_id).collect()
    }

    async fn complaints_are_posted_to_every_officer_chat_with_buttons(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &[]).await;
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        let posts = api.calls_of("sendMessage");
        assert_eq!(chats(&posts), vec![-100, -200]);
        let text = posts[0].text().unwrap();
        assert!(text.contains(c.ticket.as_str()));
        assert!(text.contains(&format!("chat Telegram {}", c.chat_id)));
        assert!(posts[0].callback_data().contains(&format!("ofm:{}", c.ticket)));
        assert_eq!(
            TelegramStore(&db.store).officer_posts(&c.ticket).await.unwrap().len(),
            2
        );
    }

    async fn attachments_follow_the_post_as_replies_in_order(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &["BQACAgUAAxkBAAIC"]).await;
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        for chat in [-100, -200] {
            let sent = api.sent_to(chat);
            let methods: Vec<&str> = sent.iter().map(|c| c.method.as_str()).collect();
            assert_eq!(methods, vec!["sendMessage", "sendPhoto", "sendDocument"]);
            let post = i64::from(sent[0].message_id.unwrap());
            assert_eq!(sent[1].param("photo"), Some("AgACAgUAAxkBAAIB"));
            assert_eq!(sent[2].param("document"), Some("BQACAgUAAxkBAAIC"));
            for (i, file) in sent[1..].iter().enumerate() {
                assert_eq!(file.params["reply_parameters"]["message_id"], post);
                assert_eq!(
                    file.param("caption"),
                    Some(text::attachment_caption(c.ticket.as_str(), i + 1, 2).as_str())
                );
            }
        }
    }

    async fn an_anonymous_citizen_is_never_identified_to_officers(db: TestDb) {
        let (worker, api, c) = forward(&db, true, &[]).await;
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        let calls = api.calls();
        assert!(calls.len() >= 4, "{calls:?}");
        for call in calls {
            let params = call.params.to_string();
            assert!(!params.contains(&c.chat_id.to_string()), "{params}");
            if call.is("sendMessage") {
                assert!(call.text().unwrap().contains("Pelapor: anonim"));
            }
        }
    }

    async fn a_retry_skips_the_chats_already_served(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &[]).await;
        api.fail_next_to("sendMessage", -200, 1, Fault::TooManyRequests { retry_after: 1 });
        assert!(matches!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskRetryScheduled { .. }
        ));
        db.clock.advance(600);
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        assert_eq!(chats(&api.calls_of("sendMessage")), vec![-100, -200, -200]);
        assert_eq!(chats(&api.calls_of("sendPhoto")), vec![-100, -200]);
        assert_eq!(
            TelegramStore(&db.store).officer_posts(&c.ticket).await.unwrap().len(),
            2
        );
    }

    async fn a_failed_attachment_is_retried_without_reposting(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &["BQACAgUAAxkBAAIC"]).await;
        api.fail_next_to("sendDocument", -100, 1, Fault::TooManyRequests { retry_after: 1 });
        assert!(matches!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskRetryScheduled { .. }
        ));
        db.clock.advance(600);
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        for chat in [-100, -200] {
            let methods: Vec<String> = api.sent_to(chat).into_iter().map(|c| c.method).collect();
            assert_eq!(methods, vec!["sendMessage", "sendPhoto", "sendDocument"], "chat {chat}");
        }
        assert_eq!(api.calls_of("sendDocument").len(), 3, "one refused, two delivered");
        assert_eq!(
            TelegramStore(&db.store).officer_posts(&c.ticket).await.unwrap().len(),
            2
        );
    }

    both_backends!(
        complaints_are_posted_to_every_officer_chat_with_buttons,
        attachments_follow_the_post_as_replies_in_order,
        an_anonymous_citizen_is_never_identified_to_officers,
        a_retry_skips_the_chats_already_served,
        a_failed_attachment_is_retried_without_reposting,
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
            // Regression: the "Tindak lanjuti" button reopened a resolved complaint (the citizen's step).
            (Selesai, Ditindaklanjuti, None),
            (Ditutup, Ditindaklanjuti, None),
        ];
        for (from, to, expected) in cases {
            assert_eq!(path(from, to), expected, "{from} -> {to}");
        }
    }
}
