//! The web chat's HTTP side, mounted by `loket serve` under `/chat`:
//!
//! - `GET /chat` (the page), `/chat/chat.js`, `/chat/chat.css`, `/chat/widget.js` (see `page`);
//! - `POST /chat/api/session`: a new anonymous session: a random token (only its SHA-256 is
//!   stored), a chat id, the welcome; the region preset from the widget's or the settings'
//!   agency;
//! - `GET /chat/api/messages?after=N&wait=S`: the session's messages after number N, waiting up
//!   to S seconds (at most `long_poll_secs`) for one when there is none (long poll);
//! - `POST /chat/api/messages`: what the citizen typed (`text`, a `/command` too), pressed
//!   (`choice`, with its `label` for the transcript) or shared (`location`), answered by the
//!   conversation core exactly as on Telegram and WhatsApp; the answer lists every message after
//!   the page's `after`, the replies included.
//! - `POST /chat/api/photos?after=N`: a photo for the complaint being filed, as the raw body with
//!   its `Content-Type` (JPEG, PNG or WebP, checked against the file's first bytes, at most
//!   `max_photo_bytes`; 415/413/422 with an Indonesian message otherwise, and outside a complaint
//!   draft), stored (`photos`) and handed to the core as an attachment, as a Telegram photo is.
//!
//! The session travels as `Authorization: Bearer <token>` (the page keeps it in localStorage, so
//! a reload continues): no cookie, so no other site can make a browser send it, and it works
//! inside an iframe on the agency's site where third-party cookies are blocked. Every post must
//! also carry an `Origin` that is the chat's own (`public_url`, else the `Host`) or one of
//! `allowed_origins` (403 otherwise). Limits: requests per client address, new sessions per
//! address, messages per session (429 with `Retry-After` and an Indonesian message), message
//! length (422 saying the maximum), a small body limit (413). One session's messages are
//! handled one at a time (a per-session lock in this process). Nothing a citizen writes is
//! logged.

use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use governor::Quota;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use super::page::Pages;
use super::render::Body;
use super::settings::{WebChatSettings, origin_of};
use super::store::{Author, Session, StoredMessage, WebChatStore};
use crate::console::password::{new_token, token_digest};
use crate::conversation::{
    CatalogHandle, Channel, Choice, Citizen, Command, Config, Context, Conversation, Event, Outcome, Reply,
    State as Dialogue, load_state, save_state, text,
};
use crate::http::ApiError;
use crate::limits::KeyedGate;
use crate::routing::Routing;
use crate::storage::Store;

/// A message is a few kilobytes of JSON at most (`max_message_chars` is at most 4,000).
pub const MAX_BODY_BYTES: usize = 32 * 1024;
/// Messages a session gets back at once (and on load, its newest ones).
const PAGE: i64 = 200;
/// A long poll looks at the database again this often, for messages another process appended.
const RECHECK: Duration = Duration::from_secs(3);
/// `last_seen_at` is refreshed by a poll at most this often.
const TOUCH_EVERY_SECS: i64 = 300;
/// How often the retention pass runs (on a new session), per process.
const PRUNE_EVERY_SECS: i64 = 3600;
/// The longest label of a pressed button kept in the transcript.
const MAX_LABEL_CHARS: usize = 120;

/// What the routes need, built by [`WebChatChannel::router`](super::WebChatChannel::router).
pub struct ChatDeps {
    pub store: Store,
    pub catalog: CatalogHandle,
    pub routing: Arc<Routing>,
    pub config: Arc<Config>,
    pub settings: WebChatSettings,
    /// `http.client_ip_header`.
    pub client_ip_header: Option<String>,
    /// The longest a long poll may wait (below the server's request timeout).
    pub long_poll: Duration,
    /// Wakes long polls when a message is appended in this process.
    pub changes: broadcast::Sender<i64>,
    /// Turns true at shutdown: long polls answer at once.
    pub stop: watch::Receiver<bool>,
}

struct ChatState {
    deps: ChatDeps,
    pages: Pages,
    own_origin: Option<String>,
    origins: Vec<String>,
    session_gate: KeyedGate<i64>,
    address_gate: KeyedGate<IpAddr>,
    new_session_gate: KeyedGate<IpAddr>,
    locks: std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>,
    last_prune: AtomicI64,
}

/// The client's address as the address limits see it (none for loopback: the local proxy).
#[derive(Debug, Clone, Copy)]
struct ClientIp(Option<IpAddr>);

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

/// The routes, with their own body limit.
pub fn router(deps: ChatDeps) -> Router {
    let photo_limit = deps.settings.max_photo_bytes.saturating_add(1);
    let s = &deps.settings;
    let state = Arc::new(ChatState {
        pages: Pages::new(s),
        own_origin: s.own_origin(),
        origins: s.origins(),
        session_gate: KeyedGate::new(Quota::per_minute(nonzero(s.messages_per_session_per_minute))),
        address_gate: KeyedGate::new(Quota::per_minute(nonzero(s.requests_per_address_per_minute))),
        new_session_gate: KeyedGate::new(Quota::per_hour(nonzero(s.sessions_per_address_per_hour))),
        locks: std::sync::Mutex::default(),
        last_prune: AtomicI64::new(i64::MIN),
        deps,
    });
    let api = Router::new()
        .route("/chat/api/session", post(create_session))
        .route("/chat/api/messages", get(messages).post(said))
        .route(
            "/chat/api/photos",
            post(photo).layer(DefaultBodyLimit::max(photo_limit)),
        )
        .layer(axum::middleware::from_fn_with_state(state.clone(), guard));
    Router::new()
        .route("/chat", get(page))
        .route("/chat/chat.js", get(script))
        .route("/chat/chat.css", get(stylesheet))
        .route("/chat/widget.js", get(widget))
        .merge(api)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

async fn page(State(s): State<Arc<ChatState>>) -> Response {
    s.pages.page()
}

async fn script(State(s): State<Arc<ChatState>>) -> Response {
    s.pages.script()
}

async fn stylesheet(State(s): State<Arc<ChatState>>) -> Response {
    s.pages.stylesheet()
}

async fn widget(State(s): State<Arc<ChatState>>) -> Response {
    s.pages.widget()
}

/// 429 with `Retry-After` and an Indonesian message.
fn too_many(message: String, wait: Duration) -> Response {
    let mut response = ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, wait.as_secs().max(1).into());
    response
}

/// Every API call: the per-address limit, the `Origin` check on posts, never cached.
async fn guard(State(s): State<Arc<ChatState>>, mut request: Request, next: Next) -> Response {
    let ip = crate::http::client_ip(&request, s.deps.client_ip_header.as_deref()).filter(|ip| !ip.is_loopback());
    if let Some(ip) = ip
        && let Err(wait) = s.address_gate.check(&ip)
    {
        if s.address_gate.should_notice(&ip) {
            tracing::info!(%ip, "web chat requests refused: too many from one address");
        }
        return too_many(text::web_too_many_requests(wait.as_secs().max(1)), wait);
    }
    if request.method() == Method::POST && !s.origin_allowed(request.headers()) {
        tracing::info!("web chat post without an allowed Origin refused");
        return ApiError::new(StatusCode::FORBIDDEN, "origin_refused", text::WEB_ORIGIN_REFUSED).into_response();
    }
    request.extensions_mut().insert(ClientIp(ip));
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

impl ChatState {
    /// Whether a post's `Origin` is the chat's own or an allowed site's. Browsers send `Origin`
    /// with every post, so a post without one did not come from the chat page.
    fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
            .and_then(origin_of)
        else {
            return false;
        };
        if self.deps.settings.any_origin() || self.origins.contains(&origin) {
            return true;
        }
        match &self.own_origin {
            Some(own) => *own == origin,
            None => {
                let host = headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                let authority = origin.split_once("://").map_or("", |(_, rest)| rest);
                !host.is_empty() && authority.eq_ignore_ascii_case(host)
            }
        }
    }

    /// The session named by the `Authorization` header (401 otherwise).
    async fn session(&self, headers: &HeaderMap) -> Result<Session, ApiError> {
        let unknown = || ApiError::new(StatusCode::UNAUTHORIZED, "session_unknown", text::WEB_SESSION_UNKNOWN);
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(unknown)?;
        WebChatStore(self.deps.store.clone())
            .session(&token_digest(token))
            .await?
            .ok_or_else(unknown)
    }

    fn core(&self) -> Conversation {
        Conversation {
            store: self.deps.store.clone(),
            catalog: self.deps.catalog.load(),
            routing: self.deps.routing.clone(),
            config: self.deps.config.clone(),
        }
    }

    /// One session's lock: its messages are handled one at a time.
    fn lock_of(&self, chat_id: i64) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
        if locks.len() >= 1024 {
            locks.retain(|_, lock| Arc::strong_count(lock) > 1);
        }
        locks.entry(chat_id).or_default().clone()
    }

    /// Messages after `after` (on a first load, the newest [`PAGE`]), as the page reads them.
    async fn list(&self, chat_id: i64, after: i64) -> Result<Vec<Value>, ApiError> {
        let web = WebChatStore(self.deps.store.clone());
        let after = if after <= 0 {
            (web.last_seq(chat_id).await? - PAGE).max(0)
        } else {
            after
        };
        Ok(web
            .messages_after(chat_id, after, PAGE)
            .await?
            .into_iter()
            .map(message_json)
            .collect())
    }

    /// Runs the retention pass in the background, at most once an hour per process.
    fn maybe_prune(&self) {
        let now = self.deps.store.now();
        let last = self.last_prune.load(Ordering::Relaxed);
        if now.saturating_sub(last) < PRUNE_EVERY_SECS
            || self
                .last_prune
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        let web = WebChatStore(self.deps.store.clone());
        let before = now - i64::try_from(self.deps.settings.retention().as_secs()).unwrap_or(i64::MAX / 2);
        tokio::spawn(async move {
            match web.prune(before).await {
                Ok(pruned) if pruned.sessions + pruned.messages > 0 => {
                    tracing::info!(
                        sessions = pruned.sessions,
                        messages = pruned.messages,
                        "web chat retention pass"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "web chat retention pass failed"),
            }
        });
    }

    /// Appends the core's outcome (the notice first, as a message of its own) as loket's messages,
    /// with the new dialogue state and the session marked used, in one write (see
    /// [`WebChatStore::answer`]).
    async fn append_outcome(&self, chat_id: i64, outcome: Result<Outcome, anyhow::Error>) -> Result<(), ApiError> {
        let mut state = None;
        let replies = match outcome {
            Ok(outcome) => {
                if let Some(next) = &outcome.state {
                    let json = serde_json::to_string(next).map_err(|e| {
                        crate::storage::StoreError::Unexpected(anyhow::anyhow!("cannot serialise dialogue state: {e}"))
                    })?;
                    state = Some(json);
                }
                let mut replies = outcome.replies;
                if let Some(notice) = outcome.notice {
                    replies.insert(0, Reply::text(&notice));
                }
                replies
            }
            Err(error) => {
                tracing::error!(chat_id, error.cause_chain = ?error, "web chat conversation failed");
                vec![Reply::text(text::APOLOGY)]
            }
        };
        let bodies: Vec<String> = replies.iter().map(|r| Body::reply(r).to_json()).collect();
        WebChatStore(self.deps.store.clone())
            .answer(chat_id, &bodies, state.as_deref())
            .await?;
        Ok(())
    }
}

/// A stored message as the page reads it: its body with its number, author and time.
fn message_json(m: StoredMessage) -> Value {
    let mut value: Value = serde_json::from_str(&m.body).unwrap_or_else(|_| json!({ "lines": [] }));
    value["seq"] = json!(m.seq);
    value["from"] = json!(m.author);
    value["at"] = json!(m.created_at);
    value
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSession {
    #[serde(default)]
    agency: Option<String>,
}

async fn create_session(
    State(s): State<Arc<ChatState>>,
    axum::Extension(ClientIp(ip)): axum::Extension<ClientIp>,
    body: Result<Json<NewSession>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(request) = body?;
    if let Some(ip) = ip
        && let Err(wait) = s.new_session_gate.check(&ip)
    {
        return Ok(too_many(
            text::web_too_many_sessions(wait.as_secs().div_ceil(60).max(1)),
            wait,
        ));
    }
    s.maybe_prune();
    let token = new_token();
    let chat_id = WebChatStore(s.deps.store.clone())
        .create_session(&token_digest(&token))
        .await?;
    let core = s.core();
    // The widget's agency (or the deployment's) decides between services several agencies offer,
    // as "/wilayah" would.
    let agency = request
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .or(s.deps.settings.agency.as_deref())
        .map(|a| a.chars().take(100).collect::<String>());
    let mut context = Context::default();
    if let Some(answer) = agency.as_deref().and_then(|a| core.catalog.engine().set_region(a)) {
        context.region = answer.region;
    }
    let state = Dialogue::Idle { context };
    save_state(&s.deps.store, chat_id, &state).await?;
    let citizen = Citizen::new(Channel::Web, chat_id);
    let welcome = core.handle(citizen, &state, Event::Command(Command::Start)).await;
    s.append_outcome(chat_id, welcome).await?;
    let messages = s.list(chat_id, 0).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "token": token, "messages": messages })),
    )
        .into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Since {
    #[serde(default)]
    after: i64,
    #[serde(default)]
    wait: u64,
}

/// Resolves when a message is appended to `chat_id` in this process (or notices were lost).
async fn changed(changes: &mut broadcast::Receiver<i64>, chat_id: i64) {
    loop {
        match changes.recv().await {
            Ok(chat) if chat == chat_id => return,
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => return,
            Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
        }
    }
}

/// Resolves at shutdown.
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

async fn messages(
    State(s): State<Arc<ChatState>>,
    headers: HeaderMap,
    query: Result<Query<Since>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(since) = query?;
    let session = s.session(&headers).await?;
    let chat_id = session.chat_id;
    if s.deps.store.now() - session.last_seen_at >= TOUCH_EVERY_SECS {
        WebChatStore(s.deps.store.clone()).touch(chat_id).await?;
    }
    // Subscribed before the first look, so a message appended in between still wakes us.
    let mut changes = s.deps.changes.subscribe();
    let mut stop = s.deps.stop.clone();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(since.wait).min(s.deps.long_poll);
    loop {
        let messages = s.list(chat_id, since.after).await?;
        let now = tokio::time::Instant::now();
        if !messages.is_empty() || now >= deadline || *stop.borrow() {
            return Ok(Json(json!({ "messages": messages })));
        }
        tokio::select! {
            () = changed(&mut changes, chat_id) => {}
            () = tokio::time::sleep_until(deadline.min(now + RECHECK)) => {}
            () = stopped(&mut stop) => {}
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Place {
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Said {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    choice: Option<String>,
    /// The pressed button's label, for the transcript.
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    location: Option<Place>,
    /// The newest message the page shows.
    #[serde(default)]
    after: i64,
}

/// `raw` without control characters (newlines and tabs kept), trimmed.
fn clean(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect::<String>()
        .trim()
        .to_owned()
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// The event a post means, and what the transcript shows the citizen said (if anything).
/// `Ok(None)` for a button id this version never made: the core's stale-button notice.
fn event_of(said: Said, max_chars: usize) -> Result<(Option<Event>, Option<String>), ApiError> {
    match (said.text, said.choice, said.location) {
        (Some(raw), None, None) => {
            let text = clean(&raw);
            if text.is_empty() {
                return Err(unprocessable("empty_message", text::WEB_EMPTY_MESSAGE));
            }
            if text.chars().count() > max_chars {
                return Err(unprocessable("message_too_long", text::web_message_too_long(max_chars)));
            }
            let event = Command::parse(&text).map_or_else(|| Event::Text(text.clone()), Event::Command);
            Ok((Some(event), Some(text)))
        }
        (None, Some(choice), None) => {
            let label = said
                .label
                .as_deref()
                .map(clean)
                .map(|l| l.chars().take(MAX_LABEL_CHARS).collect::<String>())
                .filter(|l| !l.is_empty());
            Ok((Choice::parse(&choice).map(Event::Choice), label))
        }
        (None, None, Some(Place { latitude, longitude }))
            if latitude.is_finite()
                && longitude.is_finite()
                && (-90.0..=90.0).contains(&latitude)
                && (-180.0..=180.0).contains(&longitude) =>
        {
            Ok((
                Some(Event::Location { latitude, longitude }),
                Some(text::WEB_LOCATION_SAID.to_owned()),
            ))
        }
        _ => Err(unprocessable("unreadable_message", text::WEB_UNREADABLE)),
    }
}

async fn said(
    State(s): State<Arc<ChatState>>,
    headers: HeaderMap,
    body: Result<Json<Said>, JsonRejection>,
) -> Result<Response, ApiError> {
    let session = s.session(&headers).await?;
    let chat_id = session.chat_id;
    let Json(said) = body?;
    if let Err(wait) = s.session_gate.check(&chat_id) {
        return Ok(too_many(text::web_too_many_messages(wait.as_secs().max(1)), wait));
    }
    let after = said.after;
    let (event, echo) = event_of(said, s.deps.settings.max_message_chars)?;
    let lock = s.lock_of(chat_id);
    let _turn = lock.lock().await;
    let web = WebChatStore(s.deps.store.clone());
    if let Some(echo) = echo {
        web.append(chat_id, Author::Citizen, &[Body::said(&echo).to_json()], None)
            .await?;
    }
    let outcome = match event {
        Some(event) => {
            let state = load_state(&s.deps.store, chat_id).await?;
            let citizen = Citizen::new(Channel::Web, chat_id);
            s.core().handle(citizen, &state, event).await
        }
        None => Ok(Outcome::stale()),
    };
    s.append_outcome(chat_id, outcome).await?;
    let _ = s.deps.changes.send(chat_id);
    let messages = s.list(chat_id, after).await?;
    Ok(Json(json!({ "messages": messages })).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct After {
    #[serde(default)]
    after: i64,
}

/// A photo for the complaint being filed: checked, stored, then the core's attachment event.
async fn photo(
    State(s): State<Arc<ChatState>>,
    headers: HeaderMap,
    query: Result<Query<After>, QueryRejection>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let Query(After { after }) = query?;
    let session = s.session(&headers).await?;
    let chat_id = session.chat_id;
    if let Err(wait) = s.session_gate.check(&chat_id) {
        return Ok(too_many(text::web_too_many_messages(wait.as_secs().max(1)), wait));
    }
    let max = s.deps.settings.max_photo_bytes;
    let too_large = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "photo_too_large",
            text::web_photo_too_large(max),
        )
    };
    let bytes = body.map_err(|_| too_large())?;
    if bytes.len() > max {
        return Err(too_large());
    }
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(content_type) = super::photos::image_type(declared, &bytes) else {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "photo_type",
            text::WEB_PHOTO_TYPE,
        ));
    };
    let lock = s.lock_of(chat_id);
    let _turn = lock.lock().await;
    let state = load_state(&s.deps.store, chat_id).await?;
    // Only a complaint being filed takes a photo, and only while it has room for one: nothing
    // is stored that no complaint will name.
    match state.draft() {
        None => return Err(unprocessable("photo_not_now", text::WEB_PHOTO_NOT_NOW)),
        Some(draft) if draft.attachments.len() >= crate::domain::Attachments::MAX => {
            return Err(unprocessable("photo_limit", text::ATTACHMENT_LIMIT));
        }
        Some(_) => {}
    }
    let web = WebChatStore(s.deps.store.clone());
    let id = web.save_photo(chat_id, content_type, &bytes).await?;
    web.append(
        chat_id,
        Author::Citizen,
        &[Body::said(text::WEB_PHOTO_SAID).to_json()],
        None,
    )
    .await?;
    let citizen = Citizen::new(Channel::Web, chat_id);
    let outcome = s.core().handle(citizen, &state, Event::Attachment { id }).await;
    s.append_outcome(chat_id, outcome).await?;
    let _ = s.deps.changes.send(chat_id);
    let messages = s.list(chat_id, after).await?;
    Ok(Json(json!({ "messages": messages })).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(value: Value) -> Said {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn posts_read_as_core_events() {
        let (event, echo) = event_of(said(json!({"text": " /status LKT-ABCD-EFGH "})), 100).unwrap();
        assert_eq!(event, Some(Event::Command(Command::Status("LKT-ABCD-EFGH".into()))));
        assert_eq!(echo.as_deref(), Some("/status LKT-ABCD-EFGH"));
        let (event, _) = event_of(said(json!({"text": "syarat\u{0000} ktp"})), 100).unwrap();
        assert_eq!(
            event,
            Some(Event::Text("syarat ktp".into())),
            "control characters dropped"
        );
        let (event, echo) = event_of(said(json!({"choice": "lp:ok", "label": "Kirim"})), 100).unwrap();
        assert_eq!(
            event,
            Some(Event::Choice(Choice::Complaint(
                crate::conversation::ComplaintChoice::Submit
            )))
        );
        assert_eq!(echo.as_deref(), Some("Kirim"));
        assert_eq!(
            event_of(said(json!({"choice": "entah:apa"})), 100).unwrap(),
            (None, None)
        );
        let (event, _) = event_of(said(json!({"location": {"latitude": -7.6, "longitude": 112.7}})), 100).unwrap();
        assert_eq!(
            event,
            Some(Event::Location {
                latitude: -7.6,
                longitude: 112.7
            })
        );
    }

    #[test]
    fn unreadable_empty_and_long_posts_say_why() {
        let refused = |value: Value, max| event_of(said(value), max).unwrap_err();
        assert_eq!(refused(json!({"text": "  "}), 100).code, "empty_message");
        let long = refused(json!({"text": "a".repeat(101)}), 100);
        assert_eq!(
            (long.status, long.code),
            (StatusCode::UNPROCESSABLE_ENTITY, "message_too_long")
        );
        assert!(long.message.contains("100 karakter"), "{}", long.message);
        assert_eq!(refused(json!({}), 100).code, "unreadable_message");
        assert_eq!(
            refused(json!({"text": "a", "choice": "lp:ok"}), 100).code,
            "unreadable_message"
        );
        assert_eq!(
            refused(json!({"location": {"latitude": 91.0, "longitude": 0.0}}), 100).code,
            "unreadable_message"
        );
    }
}
