//! Outgoing messages nobody asked for: status notifications to citizens and complaint posts in
//! officer chats, sent within Telegram's limits and classified so the outbox knows what to do.
//!
//! [`TelegramSender`] waits for a shared rate limiter before every send (default 30 messages/s
//! overall, 1/s per chat, 20/min per group; see [`SenderLimits`]) and turns Telegram's answer
//! into a [`Failure`]: 429 pauses the limiter for `retry_after` and retries no sooner; 403 (bot
//! blocked, user deactivated, kicked) is permanent and marks the chat blocked; network errors and
//! 5xx retry with the outbox's backoff; other 4xx are permanent. With
//! [`with_shared_limit`](TelegramSender::with_shared_limit) (what `loket serve` uses) the
//! overall and per-chat limits also hold across every process on the database: right before the
//! wire each send takes a slot there (`shared_limit.rs`).
//!
//! [`TelegramNotifier`] is the outbox side for citizen notifications: a [`Forwarder`] that the
//! delivery [`Worker`](crate::delivery::Worker) drives for `notify` tasks (claim with a lease,
//! send, complete or fail; run several workers sharing one notifier for throughput). A marker
//! row written before the send and finished after it means a task whose worker crashed
//! mid-send is never sent again: if the marker says "sent" the task completes, if it says
//! "sending" (outcome unknown) it is dead-lettered for an administrator instead of risking a
//! duplicate.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, ParseMode};

use super::keyboards;
use super::pacer::{DEFAULT_MARGIN, Pacer, Permit};
use super::render;
use super::shared_limit::SharedLimit;
use super::store::{SendMark, TelegramStore};
use crate::delivery::{Forwarder, SendError, SendFuture, notice};
use crate::domain::TicketNumber;
use crate::storage::{Delivery, Store};

/// Telegram's flood limits as we apply them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SenderLimits {
    pub overall_per_second: u32,
    pub per_chat_per_second: u32,
    /// Groups and channels (negative chat ids).
    pub group_per_minute: u32,
}

impl Default for SenderLimits {
    fn default() -> Self {
        Self {
            overall_per_second: 30,
            per_chat_per_second: 1,
            group_per_minute: 20,
        }
    }
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// Why one send failed, and what it means for retrying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// 429: wait at least this long.
    RetryAfter(Duration),
    /// 403: the chat does not want (or cannot get) our messages; never retry.
    Blocked(String),
    /// A request Telegram will refuse again (400 and the like).
    Permanent(String),
    /// Network trouble or a server error: retry with backoff.
    Transient(String),
}

/// Sorts a teloxide error into a [`Failure`].
pub(crate) fn classify(error: &RequestError) -> Failure {
    match error {
        RequestError::RetryAfter(after) => Failure::RetryAfter(after.duration()),
        RequestError::Api(api) => {
            let description = api.to_string();
            if description.starts_with("Forbidden") {
                Failure::Blocked(description)
            } else if description.starts_with("Bad Request") || description.starts_with("Unauthorized") {
                Failure::Permanent(description)
            } else if matches!(api, teloxide::ApiError::Unknown(_)) {
                // Unrecognised descriptions are mostly server-side ("Internal Server Error").
                Failure::Transient(description)
            } else {
                Failure::Permanent(description)
            }
        }
        RequestError::MigrateToChatId(to) => Failure::Permanent(format!("group migrated to {to}")),
        RequestError::Network(e) => Failure::Transient(format!("network: {e}")),
        RequestError::InvalidJson { .. } => Failure::Transient(error.to_string()),
        RequestError::Io(e) => Failure::Transient(format!("io: {e}")),
    }
}

impl Failure {
    pub(crate) fn into_send_error(self) -> SendError {
        match self {
            Self::RetryAfter(after) => SendError::Retryable {
                reason: format!("telegram rate limit, retry after {}s", after.as_secs()),
                retry_after: Some(after),
            },
            Self::Blocked(reason) => SendError::permanent(format!("chat blocked: {reason}")),
            Self::Permanent(reason) => SendError::permanent(reason),
            Self::Transient(reason) => SendError::retryable(reason),
        }
    }
}

struct Limiter {
    overall_per_second: u32,
    per_chat_per_second: u32,
    /// The overall window, `1 s + margin`.
    window: Duration,
    /// Evenly spaced, and never more than `overall_per_second` in any one-second window (see
    /// `pacer.rs`).
    overall: Pacer,
    per_chat: DefaultKeyedRateLimiter<i64>,
    groups: DefaultKeyedRateLimiter<i64>,
    paused_until: std::sync::Mutex<Option<Instant>>,
    /// The limits every process on the database shares, when set (`shared_limit.rs`).
    shared: Option<SharedLimit>,
}

impl Limiter {
    fn new(limits: SenderLimits) -> Self {
        Self {
            overall_per_second: limits.overall_per_second,
            per_chat_per_second: limits.per_chat_per_second,
            window: Duration::from_secs(1) + DEFAULT_MARGIN,
            overall: Pacer::new(limits.overall_per_second, DEFAULT_MARGIN),
            per_chat: RateLimiter::keyed(Quota::per_second(nonzero(limits.per_chat_per_second))),
            groups: RateLimiter::keyed(Quota::per_minute(nonzero(limits.group_per_minute))),
            paused_until: std::sync::Mutex::new(None),
            shared: None,
        }
    }

    fn pause_remaining(&self) -> Option<Duration> {
        let guard = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        guard.and_then(|until| until.checked_duration_since(Instant::now()))
    }

    async fn wait_out_pause(&self) {
        while let Some(wait) = self.pause_remaining() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Waits until a message to `chat` may go out; it counts as sent when the permit is dropped.
    async fn permit(&self, chat: i64) -> Permit<'_> {
        self.wait_out_pause().await;
        self.per_chat.until_key_ready(&chat).await;
        if chat < 0 {
            self.groups.until_key_ready(&chat).await;
        }
        loop {
            let permit = self.overall.acquire().await;
            if self.pause_remaining().is_none() {
                return permit;
            }
            // A 429 arrived while we waited: nothing goes out until it has passed.
            permit.cancel();
            self.wait_out_pause().await;
        }
    }

    /// Right before the request goes on the wire: takes the slot every process on the database
    /// shares (`shared_limit.rs`), sleeping while other processes fill the window. Taken as
    /// late as possible so the recorded time is the send time (database writes between the
    /// pacer and the wire, like the broadcast's `sending` marker, would otherwise let sends of
    /// two processes bunch up).
    async fn take_shared(&self, chat: i64) {
        let Some(shared) = &self.shared else {
            return;
        };
        loop {
            match shared.try_take(chat).await {
                Ok(Ok(())) => return,
                Ok(Err(wait)) => {
                    crate::metrics::shared_send_limit_full();
                    tokio::time::sleep(wait).await;
                }
                Err(e) => {
                    // The in-process pacer still holds this process to the limit; a database
                    // that cannot count sends should not also stop them.
                    tracing::warn!(error = %e, chat_id = chat, "shared send limit unavailable; pacing in process only");
                    return;
                }
            }
        }
    }

    /// Waits until a message to `chat` may go out (and counts it as sent now).
    async fn until_ready(&self, chat: i64) {
        let permit = self.permit(chat).await;
        self.take_shared(chat).await;
        drop(permit);
    }

    /// After a 429: nothing goes out before `after` has passed (Telegram's flood control is
    /// per bot, so every chat waits).
    fn pause(&self, after: Duration) {
        let until = Instant::now() + after;
        let mut guard = self.paused_until.lock().unwrap_or_else(|e| e.into_inner());
        if guard.is_none_or(|current| current < until) {
            *guard = Some(until);
        }
    }
}

/// Sends HTML messages within the limits; see the module docs.
pub struct TelegramSender {
    bot: Bot,
    limiter: Limiter,
}

impl std::fmt::Debug for TelegramSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TelegramSender").finish_non_exhaustive()
    }
}

impl TelegramSender {
    /// Widens the overall window to `1 s + margin` (default 25 ms): the margin absorbs jitter
    /// between our send times and Telegram's arrival times, and costs `margin / 1 s` of the rate.
    pub fn with_window_margin(mut self, margin: Duration) -> Self {
        self.limiter.overall = Pacer::new(self.limiter.overall_per_second, margin);
        self.limiter.window = Duration::from_secs(1) + margin;
        if let Some(shared) = self.limiter.shared.take() {
            self = self.with_shared_limit(shared.into_store());
        }
        self
    }

    /// Counts a message sent outside this sender (a reply to a citizen's update) against the
    /// overall rate, so the paced senders leave room for it.
    pub fn note_unpaced_send(&self) {
        self.limiter.overall.record_unpaced();
        if let Some(shared) = &self.limiter.shared {
            shared.record_unpaced();
        }
    }

    /// Shares the overall and per-chat limits with every process on `store`'s database
    /// (`shared_limit.rs`); the in-process pacer stays the fast path.
    pub fn with_shared_limit(mut self, store: Store) -> Self {
        let limits = SenderLimits {
            overall_per_second: self.limiter.overall_per_second,
            per_chat_per_second: self.limiter.per_chat_per_second,
            ..SenderLimits::default()
        };
        // The database records a send a little before it is on the wire (the pacer holds its
        // place until then), so its window carries the margin twice.
        let margin = self.limiter.window.saturating_sub(Duration::from_secs(1));
        self.limiter.shared = Some(SharedLimit::new(store, limits, self.limiter.window + margin));
        self
    }

    /// Waits while a 429 pauses every send (flood control is per bot).
    pub(crate) async fn wait_out_flood_control(&self) {
        self.limiter.wait_out_pause().await;
    }

    /// A 429 seen outside this sender (a reply): nothing goes out before `after` has passed.
    pub(crate) fn note_retry_after(&self, after: Duration) {
        self.limiter.pause(after);
    }

    pub fn new(bot: Bot, limits: SenderLimits) -> Self {
        Self {
            bot,
            limiter: Limiter::new(limits),
        }
    }

    /// Sends one HTML message (at most 4096 characters) to `chat`.
    pub(crate) async fn send_html(
        &self,
        chat: i64,
        html: String,
        markup: Option<InlineKeyboardMarkup>,
    ) -> Result<Message, Failure> {
        self.limiter.until_ready(chat).await;
        let request = self.bot.send_message(ChatId(chat), html).parse_mode(ParseMode::Html);
        let result = match markup {
            Some(markup) => request.reply_markup(markup).await,
            None => request.await,
        };
        self.classified(chat, result)
    }

    /// Sends a file Telegram already has (a photo or document `file_id`) with a caption, as a
    /// reply to `reply_to` when given. Photos go by sendPhoto, anything else by sendDocument; if
    /// Telegram refuses the guessed kind, the other one is tried once.
    pub(crate) async fn send_file(
        &self,
        chat: i64,
        file_id: &str,
        caption: String,
        reply_to: Option<i32>,
    ) -> Result<Message, Failure> {
        let photo_first = is_photo_id(file_id);
        let mut result = Err(Failure::Permanent(String::new()));
        for photo in [photo_first, !photo_first] {
            self.limiter.until_ready(chat).await;
            let file = teloxide::types::InputFile::file_id(file_id.to_owned().into());
            let reply = reply_to.map(|id| {
                teloxide::types::ReplyParameters::new(teloxide::types::MessageId(id)).allow_sending_without_reply()
            });
            let sent = if photo {
                let request = self.bot.send_photo(ChatId(chat), file).caption(caption.clone());
                match reply {
                    Some(reply) => request.reply_parameters(reply).await,
                    None => request.await,
                }
            } else {
                let request = self.bot.send_document(ChatId(chat), file).caption(caption.clone());
                match reply {
                    Some(reply) => request.reply_parameters(reply).await,
                    None => request.await,
                }
            };
            result = self.classified(chat, sent);
            if !matches!(result, Err(Failure::Permanent(_))) {
                break;
            }
        }
        result
    }

    /// Waits until the limits let a message to `chat` go out and reserves its place; follow
    /// with [`send_plain_now`](Self::send_plain_now), or [`Permit::cancel`] when nothing is sent.
    /// For callers that must record something between the wait and the call (the broadcast's
    /// `sending` marker): the place counts against the window from the wait until the call.
    pub(crate) async fn ready(&self, chat: i64) -> Permit<'_> {
        self.limiter.permit(chat).await
    }

    /// Sends plain text (no parse mode) now, on the place reserved by [`ready`](Self::ready).
    pub(crate) async fn send_plain_now(
        &self,
        permit: Permit<'_>,
        chat: i64,
        text: String,
        markup: Option<InlineKeyboardMarkup>,
    ) -> Result<Message, Failure> {
        let request = self.bot.send_message(ChatId(chat), text);
        self.limiter.take_shared(chat).await;
        drop(permit); // on the wire now
        let result = match markup {
            Some(markup) => request.reply_markup(markup).await,
            None => request.await,
        };
        self.classified(chat, result)
    }

    /// Classifies an error; a 429 pauses every send for `retry_after`.
    fn classified(&self, chat: i64, result: Result<Message, RequestError>) -> Result<Message, Failure> {
        crate::metrics::telegram_result(&result);
        result.map_err(|e| {
            let failure = classify(&e);
            if let Failure::RetryAfter(after) = failure {
                tracing::warn!(chat_id = chat, retry_after = after.as_secs(), "telegram flood control");
                self.limiter.pause(after);
            }
            failure
        })
    }
}

/// Whether a Telegram `file_id` names a photo: its first decoded byte is the file type, 2 for
/// photos (URL-safe base64 "A" then one of "g".."v"). Only a first guess; see `send_file`.
fn is_photo_id(file_id: &str) -> bool {
    let mut chars = file_id.chars();
    chars.next() == Some('A') && chars.next().is_some_and(|c| ('g'..='v').contains(&c))
}

/// A citizen notification as queued in the outbox (`storage::complaints` writes it).
#[derive(Debug, serde::Deserialize)]
struct NotifyPayload {
    event: String,
    ticket: TicketNumber,
    #[serde(flatten)]
    notice: notice::StatusNotice,
    /// Free text of an officer's reply (`complaint.reply`).
    message: Option<String>,
}

/// The text of a notification and its buttons (the resolution's [Sudah beres] [Belum beres]
/// for the citizen who filed), or why it cannot be sent.
fn notification_of(payload: &str) -> Result<(String, Option<InlineKeyboardMarkup>), String> {
    let p: NotifyPayload = serde_json::from_str(payload).map_err(|e| format!("unreadable notify payload: {e}"))?;
    let mut n = p.notice;
    n.ticket = p.ticket.as_str().to_owned();
    match (p.event.as_str(), n.to, p.message) {
        ("complaint.status_changed", Some(to), _) => {
            let reply =
                crate::conversation::resolution::notification_reply(&notice::Notification::Status { notice: n, to });
            Ok((reply.plain(), keyboards::markup(&reply.buttons)))
        }
        ("complaint.reply", _, Some(message)) => Ok((notice::officer_reply(p.ticket.as_str(), &message), None)),
        (event, _, _) => Err(format!("unknown notification event {event:?}")),
    }
}

#[cfg(test)]
fn notification_text(payload: &str) -> Result<String, String> {
    notification_of(payload).map(|(text, _)| text)
}

/// The outbox [`Forwarder`] for `notify` tasks; see the module docs.
pub struct TelegramNotifier {
    sender: Arc<TelegramSender>,
    store: Store,
}

impl TelegramNotifier {
    pub fn new(sender: Arc<TelegramSender>, store: Store) -> Self {
        Self { sender, store }
    }

    async fn deliver(&self, task: &Delivery) -> Result<(), SendError> {
        let unexpected = |e: crate::storage::StoreError| SendError::retryable(format!("storage: {e}"));
        let chat = task
            .chat_id
            .ok_or_else(|| SendError::permanent("notification without a chat"))?;
        let t = TelegramStore(&self.store);
        let key = format!("notify:{}", task.id);
        match t.send_mark(&key).await.map_err(unexpected)? {
            Some(SendMark::Sent(_)) => return Ok(()),
            Some(SendMark::Sending) => {
                return Err(SendError::permanent(
                    "an earlier attempt was interrupted mid-send (outcome unknown); not re-sent to avoid a duplicate",
                ));
            }
            None => {}
        }
        if t.is_blocked(chat).await.map_err(unexpected)? {
            return Err(SendError::permanent("chat is blocked (403 earlier); not sent"));
        }
        let (text, buttons) = notification_of(&task.payload).map_err(SendError::permanent)?;
        let html = render::plain(&text).concat();
        if !t.begin_send(&key, chat).await.map_err(unexpected)? {
            return Err(SendError::retryable("send marker appeared concurrently"));
        }
        match self.sender.send_html(chat, html, buttons).await {
            Ok(message) => {
                t.finish_send(&key, i64::from(message.id.0)).await.map_err(unexpected)?;
                Ok(())
            }
            Err(failure) => {
                // Telegram answered (or the connection failed): nothing was delivered.
                t.abort_send(&key).await.map_err(unexpected)?;
                if let Failure::Blocked(reason) = &failure {
                    tracing::info!(chat_id = chat, %reason, "chat blocked the bot; no more notifications");
                    t.block_chat(chat).await.map_err(unexpected)?;
                }
                Err(failure.into_send_error())
            }
        }
    }
}

impl Forwarder for TelegramNotifier {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(self.deliver(task))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use crate::domain::ComplaintStatus;

    use axum::Router;
    use axum::extract::State as AxumState;
    use axum::http::StatusCode;
    use axum::response::IntoResponse;

    use super::*;
    use crate::delivery::{ExecutionOutcome, RetryPolicy, Worker};
    use crate::domain::{Actor, NewComplaint, fixtures};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, DeliveryStatus, StatusChange, SubmitOptions};

    /// What the fake Bot API answers to the next sendMessage.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum Reply {
        Ok,
        TooManyRequests(u32),
        Blocked,
    }

    #[derive(Default)]
    pub(crate) struct FakeApi {
        script: VecDeque<Reply>,
        /// (chat id, text) of every sendMessage request.
        pub(crate) requests: Vec<(i64, String)>,
    }

    pub(crate) type Shared = Arc<Mutex<FakeApi>>;

    async fn api(AxumState(state): AxumState<Shared>, body: axum::body::Bytes) -> axum::response::Response {
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        let chat = json["chat_id"].as_i64().unwrap_or_default();
        let text = json["text"].as_str().unwrap_or_default().to_owned();
        let mut api = state.lock().unwrap();
        api.requests.push((chat, text.clone()));
        let id = api.requests.len();
        match api.script.pop_front().unwrap_or(Reply::Ok) {
            Reply::Ok => axum::Json(serde_json::json!({
                "ok": true,
                "result": {
                    "message_id": id, "date": 1_755_655_200,
                    "chat": {"id": chat, "type": "private", "first_name": "Warga"},
                    "text": text
                }
            }))
            .into_response(),
            Reply::TooManyRequests(after) => (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({
                    "ok": false, "error_code": 429,
                    "description": format!("Too Many Requests: retry after {after}"),
                    "parameters": {"retry_after": after}
                })),
            )
                .into_response(),
            Reply::Blocked => (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({
                    "ok": false, "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user"
                })),
            )
                .into_response(),
        }
    }

    /// A fake Bot API on 127.0.0.1:0 answering every method as sendMessage.
    pub(crate) async fn spawn_api(script: &[Reply]) -> (Bot, Shared) {
        let state: Shared = Arc::new(Mutex::new(FakeApi {
            script: script.iter().copied().collect(),
            requests: Vec::new(),
        }));
        let app = Router::new().fallback(api).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let bot = Bot::new("123:abc").set_api_url(reqwest::Url::parse(&url).unwrap());
        (bot, state)
    }

    fn worker(db: &TestDb, bot: Bot) -> Worker {
        let sender = Arc::new(TelegramSender::new(bot, SenderLimits::default()));
        let notifier = TelegramNotifier::new(sender, db.store.clone());
        let policy = RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(600),
        };
        Worker::new(
            db.store.clone(),
            DeliveryKind::Notify,
            Arc::new(notifier),
            policy,
            Duration::from_secs(60),
        )
    }

    /// Files a complaint for the fixture citizen and verifies it: one notification task.
    async fn notification(db: &TestDb) -> (crate::storage::Complaint, String) {
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let c = db
            .store
            .submit_complaint(&new, &SubmitOptions::default())
            .await
            .unwrap();
        let change = StatusChange::new(c.ticket.clone(), ComplaintStatus::Diverifikasi, Actor::Officer(1));
        db.store.change_status(&change).await.unwrap();
        let tasks = db.store.deliveries_for_complaint(c.id).await.unwrap();
        let task = tasks
            .into_iter()
            .rev()
            .find(|t| t.kind == DeliveryKind::Notify)
            .unwrap();
        (c, task.id)
    }

    async fn a_notification_is_sent_once_in_the_citizens_words(db: TestDb) {
        let (bot, api) = spawn_api(&[]).await;
        let (c, task) = notification(&db).await;
        let w = worker(&db, bot);
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskCompleted);
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::EmptyQueue);
        let requests = api.lock().unwrap().requests.clone();
        let due = db.store.get_by_ticket(&c.ticket).await.unwrap().unwrap().due_at;
        let n = notice::StatusNotice {
            ticket: c.ticket.as_str().to_owned(),
            from: Some(ComplaintStatus::Diterima),
            to: Some(ComplaintStatus::Diverifikasi),
            due_at: due,
            ..notice::StatusNotice::default()
        };
        let expected = render::plain(&notice::status_changed(&n, ComplaintStatus::Diverifikasi, false)).concat();
        assert_eq!(requests, vec![(c.chat_id, expected)]);
        assert_eq!(
            db.store.get_delivery(&task).await.unwrap().unwrap().status,
            DeliveryStatus::Done
        );
    }

    async fn too_many_requests_waits_for_retry_after_then_sends(db: TestDb) {
        let (bot, api) = spawn_api(&[Reply::TooManyRequests(1)]).await;
        let (_, task) = notification(&db).await;
        let w = worker(&db, bot);
        let before = db.clock.now();
        match w.try_execute_task().await.unwrap() {
            ExecutionOutcome::TaskRetryScheduled { at } => assert!(at > before, "{at} vs {before}"),
            other => panic!("expected a retry, got {other:?}"),
        }
        let row = db.store.get_delivery(&task).await.unwrap().unwrap();
        assert!(row.last_error.unwrap().contains("retry after 1s"));
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::EmptyQueue);
        db.clock.advance(600);
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskCompleted);
        assert_eq!(api.lock().unwrap().requests.len(), 2);
    }

    async fn forbidden_marks_the_chat_blocked_and_is_never_retried(db: TestDb) {
        let (bot, api) = spawn_api(&[Reply::Blocked]).await;
        let (c, task) = notification(&db).await;
        let w = worker(&db, bot);
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
        assert!(TelegramStore(&db.store).is_blocked(c.chat_id).await.unwrap());
        assert_eq!(
            db.store.get_delivery(&task).await.unwrap().unwrap().status,
            DeliveryStatus::Dead
        );
        // The next notification to that chat is not even attempted.
        let change = StatusChange::new(c.ticket.clone(), ComplaintStatus::Diteruskan, Actor::Officer(1));
        db.store.change_status(&change).await.unwrap();
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
        assert_eq!(api.lock().unwrap().requests.len(), 1);
    }

    async fn network_errors_retry_with_backoff(db: TestDb) {
        // Nothing listens on this port any more: connection refused.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        drop(listener);
        let bot = Bot::new("123:abc").set_api_url(reqwest::Url::parse(&url).unwrap());
        let (_, task) = notification(&db).await;
        let w = worker(&db, bot);
        assert!(matches!(
            w.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskRetryScheduled { .. }
        ));
        let key = format!("notify:{task}");
        assert_eq!(TelegramStore(&db.store).send_mark(&key).await.unwrap(), None);
        let row = db.store.get_delivery(&task).await.unwrap().unwrap();
        assert!(row.last_error.unwrap().contains("network"));
    }

    async fn a_crash_after_sending_never_sends_twice(db: TestDb) {
        let (bot, api) = spawn_api(&[]).await;
        let t = TelegramStore(&db.store);
        // Sent, but the worker died before completing the task: completes without sending.
        let (c, sent) = notification(&db).await;
        t.begin_send(&format!("notify:{sent}"), c.chat_id).await.unwrap();
        t.finish_send(&format!("notify:{sent}"), 99).await.unwrap();
        let w = worker(&db, bot);
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskCompleted);
        // Died mid-send (outcome unknown): dead-lettered for an administrator, not re-sent.
        let change = StatusChange::new(c.ticket.clone(), ComplaintStatus::Diteruskan, Actor::Officer(1));
        db.store.change_status(&change).await.unwrap();
        let tasks = db.store.deliveries_for_complaint(c.id).await.unwrap();
        let pending = tasks.iter().find(|d| d.status == DeliveryStatus::Pending).unwrap();
        t.begin_send(&format!("notify:{}", pending.id), c.chat_id)
            .await
            .unwrap();
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
        assert!(api.lock().unwrap().requests.is_empty());
    }

    both_backends!(
        a_notification_is_sent_once_in_the_citizens_words,
        too_many_requests_waits_for_retry_after_then_sends,
        forbidden_marks_the_chat_blocked_and_is_never_retried,
        network_errors_retry_with_backoff,
        a_crash_after_sending_never_sends_twice,
    );

    #[test]
    fn photo_file_ids_are_told_from_documents() {
        assert!(is_photo_id("AgACAgUAAxkBAAIB"));
        assert!(!is_photo_id("BQACAgUAAxkBAAIC"));
        assert!(!is_photo_id("AwACAgUAAxkBAAID"));
        assert!(!is_photo_id(""));
    }

    #[test]
    fn telegram_errors_are_classified() {
        use teloxide::ApiError;
        let cases = [
            (
                RequestError::RetryAfter(teloxide::types::Seconds::from_seconds(3)),
                Failure::RetryAfter(Duration::from_secs(3)),
            ),
            (
                RequestError::Api(ApiError::BotBlocked),
                Failure::Blocked(ApiError::BotBlocked.to_string()),
            ),
            (
                RequestError::Api(ApiError::UserDeactivated),
                Failure::Blocked(ApiError::UserDeactivated.to_string()),
            ),
            (
                RequestError::Api(ApiError::ChatNotFound),
                Failure::Permanent(ApiError::ChatNotFound.to_string()),
            ),
            (
                RequestError::Api(ApiError::Unknown("Internal Server Error".into())),
                Failure::Transient(ApiError::Unknown("Internal Server Error".into()).to_string()),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(classify(&error), expected, "{error}");
        }
    }

    #[test]
    fn notification_texts_cover_status_changes_and_replies() {
        let ticket = TicketNumber::generate();
        let status = serde_json::json!({"event": "complaint.status_changed", "ticket": ticket, "to": "selesai", "note": "Sudah diperbaiki"});
        let n = notice::StatusNotice {
            ticket: ticket.as_str().to_owned(),
            to: Some(ComplaintStatus::Selesai),
            note: Some("Sudah diperbaiki".into()),
            ..notice::StatusNotice::default()
        };
        assert_eq!(
            notification_text(&status.to_string()).unwrap(),
            notice::status_changed(&n, ComplaintStatus::Selesai, true)
        );
        let (_, buttons) = notification_of(&status.to_string()).unwrap();
        assert_eq!(
            buttons,
            Some(keyboards::resolution(&ticket)),
            "the citizen may answer a resolution"
        );
        let mut supporter = status.clone();
        supporter["supporter"] = serde_json::json!(true);
        assert_eq!(notification_of(&supporter.to_string()).unwrap().1, None);
        let reply =
            serde_json::json!({"event": "complaint.reply", "ticket": ticket, "message": "Mohon kirim foto KTP"});
        assert_eq!(
            notification_text(&reply.to_string()).unwrap(),
            notice::officer_reply(ticket.as_str(), "Mohon kirim foto KTP")
        );
        assert!(notification_text(r#"{"event":"other","ticket":"x"}"#).is_err());
    }
}
