//! Officer chats: complaints posted with status buttons, and the transitions those buttons drive.
//!
//! [`OfficerChatForwarder`] is the delivery channel for handlers reached by Telegram
//! (`officer_chat_ids` in the handlers file; plug it in with
//! `HandlerChannels::with_officer_chat`): it posts the complaint into each officer chat with
//! buttons (Verifikasi, Tolak, Tindak lanjuti, Selesai) and records the posts, so a retry skips
//! chats already served and a status change can edit every copy. The complaint's photos and
//! documents follow the post, sent by file id as replies to it (also skipped on a retry once
//! sent). An anonymous citizen is never identified in a post; otherwise it names them by their
//! display name. A post also shows a title made from the complaint's first sentence, the
//! current stage's SLA deadline, the supporter count, a map link when a location was shared and,
//! once given, the citizen's rating. The buttons drive the same validated transitions as the
//! handler API ([`Store::change_status`]); [`path`] says which steps a button takes from the
//! current status, and only the last step of one press notifies the citizen ([`apply`]).
//! "Bukan wewenang" redirects the complaint to another handler ([`redirect`]): the complaint is
//! re-routed and forwarded there, and the old handler's posts lose their buttons.

use std::sync::Arc;

use teloxide::prelude::*;

use crate::delivery::{Forwarder, SendError, SendFuture};
use crate::domain::{Actor, ActorRole, ComplaintStatus, GeoPoint, StatusNote, TicketNumber};
use crate::routing::{Handler, Routing};
use crate::storage::{Complaint, Delivery, Rating, StatusChange, Store, StoreError};

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

/// A title from the complaint's first sentence, cut at a word to about 80 characters.
pub(crate) fn headline(description: &str) -> String {
    let first = description
        .split_inclusive(['.', '!', '?', '\n'])
        .map(str::trim)
        .find(|s| s.chars().filter(|c| c.is_alphanumeric()).count() >= 3)
        .unwrap_or(description.trim());
    let first = first.trim_end_matches(['.', '\n', ' ']);
    if first.chars().count() <= 80 {
        return first.to_owned();
    }
    let cut: String = first.chars().take(80).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// An OpenStreetMap link to a point.
pub(crate) fn map_link(point: &GeoPoint) -> String {
    format!(
        "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={long:.6}#map=18/{lat:.6}/{long:.6}",
        lat = point.lat,
        long = point.long
    )
}

/// What a post shows besides the complaint itself: read fresh before every (re)render.
#[derive(Debug, Clone, Default)]
pub(crate) struct PostExtras {
    pub(crate) headline: Option<&'static str>,
    pub(crate) supporters: u64,
    pub(crate) rating: Option<Rating>,
}

impl PostExtras {
    pub(crate) async fn load(store: &Store, complaint: &Complaint) -> Result<Self, StoreError> {
        Ok(Self {
            headline: None,
            supporters: store.supporter_count(complaint.id).await?,
            rating: store.rating(&complaint.ticket).await?,
        })
    }
}

/// Where the citizen of a complaint is reached, for the post: their Telegram chat, their
/// WhatsApp contact (whose number the post does not show), or the Open311 client's contact.
fn reached_at(chat_id: i64) -> String {
    if chat_id == 0 {
        text::CITIZEN_VIA_OPEN311.to_owned()
    } else if crate::whatsapp::store::is_whatsapp_chat(chat_id) {
        text::CITIZEN_VIA_WHATSAPP.to_owned()
    } else if crate::webchat::store::is_web_chat(chat_id) {
        text::CITIZEN_VIA_WEB_CHAT.to_owned()
    } else {
        text::citizen_via_telegram(chat_id)
    }
}

/// The post's HTML: the complaint (never the identity of an anonymous citizen), plus `footer`.
pub(crate) fn post_html(complaint: &Complaint, catalog: &Catalog, extras: &PostExtras, footer: Option<&str>) -> String {
    let service = complaint
        .service_id
        .as_deref()
        .and_then(|id| catalog.service(id))
        .map(|s| s.title.as_str());
    let date = complaint.incident_date.as_deref().map(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_or_else(|_| d.to_owned(), |d| d.format("%d-%m-%Y").to_string())
    });
    let title = headline(&complaint.description);
    let map = complaint.location.as_ref().map(map_link);
    let due = complaint.due_at.map(crate::delivery::notice::due_date);
    let mut raw = text::officer_post(&text::OfficerPost {
        headline: extras.headline.unwrap_or(text::POST_PLAIN),
        ticket: complaint.ticket.as_str(),
        status: complaint.status,
        category: &complaint.category,
        service,
        title: &title,
        description: &complaint.description,
        place: complaint.place.as_deref(),
        map: map.as_deref(),
        date: date.as_deref(),
        due: due.as_deref(),
        attachments: complaint.attachments.len(),
        citizen: (!complaint.anonymous).then(|| (complaint.citizen_name.as_deref(), reached_at(complaint.chat_id))),
        supporters: extras.supporters,
        rating: extras.rating.as_ref().map(|r| (r.score, r.comment.as_deref())),
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
        } else {
            // One message per press: the last step's notice tells the citizen the outcome.
            change.quiet = true;
        }
        complaint = store.change_status(&change).await?.complaint;
    }
    Ok(complaint)
}

/// "Bukan wewenang" with a destination: the complaint leaves `handler_id` (`bukan_wewenang`,
/// quietly) and is re-routed to `to` (`diteruskan`, forwarded there); the citizen gets one
/// notice naming where it went.
pub(crate) async fn redirect(
    store: &Store,
    ticket: &TicketNumber,
    handler_id: &str,
    to: &Handler,
    officer: i64,
) -> Result<Complaint, StoreError> {
    let note = StatusNote::parse(&text::redirect_note(&to.name)).map_err(|e| anyhow::anyhow!("redirect note: {e}"))?;
    let mut leave = StatusChange::new(ticket.clone(), ComplaintStatus::BukanWewenang, Actor::Officer(officer));
    leave.only_for_handler = Some(handler_id.to_owned());
    leave.note = Some(note.clone());
    leave.quiet = true;
    store.change_status(&leave).await?;
    let mut forward = StatusChange::new(ticket.clone(), ComplaintStatus::Diteruskan, Actor::Officer(officer));
    forward.only_for_handler = Some(handler_id.to_owned());
    forward.reroute_to = Some(to.id.clone());
    forward.note = Some(note);
    Ok(store.change_status(&forward).await?.complaint)
}

/// Re-renders the officer posts of the complaint in `chats` with its new status and, when
/// `buttons`, the buttons that still apply (a post in a chat the complaint left has none).
pub(crate) async fn refresh_posts(
    bot: &teloxide::Bot,
    store: &Store,
    catalog: &Catalog,
    complaint: &Complaint,
    footer: &str,
    chats: &[i64],
    buttons: bool,
) -> Result<(), StoreError> {
    let extras = PostExtras::load(store, complaint).await?;
    let html = post_html(complaint, catalog, &extras, Some(footer));
    let buttons = if buttons {
        keyboards::officer_actions(&complaint.ticket, complaint.status)
    } else {
        teloxide::types::InlineKeyboardMarkup::default()
    };
    for (chat, message) in TelegramStore(store).officer_posts(&complaint.ticket).await? {
        if !chats.contains(&chat) {
            continue;
        }
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
        let mut extras = PostExtras::load(&self.store, &complaint).await.map_err(unexpected)?;
        extras.headline = Some(match payload["event"].as_str() {
            Some("complaint.rerouted") => text::POST_REROUTED,
            Some("complaint.reopened") => text::POST_REOPENED,
            _ => text::POST_NEW,
        });
        let html = post_html(&complaint, &self.catalog.load(), &extras, None);
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
    use crate::storage::{DeliveryKind, SubmitOptions, on_pool};
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

    async fn the_post_names_the_citizen_and_shows_title_deadline_supporters_and_map(db: TestDb) {
        let (worker, api, c) = forward(&db, false, &[]).await;
        // The fixture has no name or location: give them, as the Telegram intake does.
        on_pool!(db.store, |pool| {
            sqlx::query(
                "UPDATE complaints SET citizen_name = 'Budi Santoso', latitude = -7.6453, longitude = 112.9075,
                        due_at = 1756313999",
            )
            .execute(pool)
            .await
            .unwrap();
        });
        db.store.support(&c.ticket, 77).await.unwrap();
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskCompleted
        );
        let post = api.calls_of("sendMessage")[0].text().unwrap().to_owned();
        for expected in [
            format!("{} {}", text::POST_NEW, c.ticket),
            "Batas waktu tahap ini: 27-08-2025".to_owned(),
            "Judul: Sudah tiga minggu berkas saya di kelurahan belum diproses juga".to_owned(),
            format!("Pelapor: Budi Santoso (chat Telegram {})", c.chat_id),
            "Dukungan: 1 warga lain".to_owned(),
            "Peta: https://www.openstreetmap.org/?mlat=-7.645300&amp;mlon=112.907500".to_owned(),
        ] {
            assert!(post.contains(&expected), "{expected:?} not in {post}");
        }
        // Anonymous: neither the name nor the chat.
        let anonymous = Complaint {
            anonymous: true,
            citizen_name: Some("Budi Santoso".into()),
            ..db.store.get_by_ticket(&c.ticket).await.unwrap().unwrap()
        };
        let html = post_html(
            &anonymous,
            &crate::telegram::tests::catalog(),
            &PostExtras::default(),
            None,
        );
        assert!(!html.contains("Budi") && html.contains("Pelapor: anonim"), "{html}");
    }

    #[test]
    fn titles_come_from_the_first_sentence_cut_at_a_word() {
        assert_eq!(headline("Jalan rusak parah. Sudah sebulan."), "Jalan rusak parah");
        assert_eq!(headline("!!! Lampu mati\nsejak kemarin"), "Lampu mati");
        let long = "kata ".repeat(30);
        let title = headline(&long);
        assert!(title.ends_with("kata…") && title.chars().count() <= 81, "{title}");
    }

    both_backends!(
        the_post_names_the_citizen_and_shows_title_deadline_supporters_and_map,
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
