//! A fake Telegram Bot API on loopback, for tests, benchmarks and drills.
//!
//! [`FakeBotApi::start`] serves `/bot<token>/<method>` on `127.0.0.1:0`, the way teloxide calls
//! it (`{api_url}/bot{token}/{Method}`; method names match case-insensitively, any token is
//! accepted). Point a `Bot` at it with [`FakeBotApi::bot`], or a `loket serve` process with
//! `TELOXIDE_API_URL=`[`FakeBotApi::url`]. It answers like Telegram: `{"ok":true,"result":...}`
//! with real `Message` objects (message ids counting up per chat), so teloxide parses them.
//!
//! - **Updates.** The caller scripts what users do: [`push_text`](FakeBotApi::push_text),
//!   [`push_photo`](FakeBotApi::push_photo), [`push_document`](FakeBotApi::push_document),
//!   [`push_reply`](FakeBotApi::push_reply), [`push_callback`](FakeBotApi::push_callback), or any
//!   JSON with [`push_update`](FakeBotApi::push_update). `getUpdates` long-polls them, honouring
//!   `offset` (earlier updates are confirmed and dropped), `limit` and `timeout`.
//! - **Methods.** getMe, getUpdates, getWebhookInfo, deleteWebhook, setMyCommands, sendMessage,
//!   sendPhoto, sendDocument (JSON or multipart), editMessageText, editMessageReplyMarkup,
//!   answerCallbackQuery, copyMessage, forwardMessage, deleteMessage, and getFile with the file
//!   download (`/file/bot<token>/<path>`) for files added with
//!   [`add_file`](FakeBotApi::add_file). Others answer 404.
//! - **Records.** Every call is kept as a [`Call`] (method, chat, parameters, arrival time, HTTP
//!   status, message id); query them with [`calls`](FakeBotApi::calls),
//!   [`sent_to`](FakeBotApi::sent_to) and [`wait_until`](FakeBotApi::wait_until) (wakes on every
//!   new call; never sleep for correctness).
//! - **Faults.** [`fail_next`](FakeBotApi::fail_next) / [`fail_next_to`](FakeBotApi::fail_next_to)
//!   make the next calls of a method answer a [`Fault`] (429 with `retry_after`, 403, 500, or a
//!   delayed answer); [`block_chat`](FakeBotApi::block_chat) makes every call naming a chat
//!   answer 403 "bot was blocked by the user"; [`on_nth_call`](FakeBotApi::on_nth_call) runs a
//!   hook while the k-th call of a method is held (e.g. to SIGKILL a process mid-send).
//!
//! Note that teloxide itself waits 10 s after any 5xx answer before returning the error.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::{Notify, watch};

/// The token [`FakeBotApi::bot`] uses (any token is accepted).
pub const TOKEN: &str = "123456:fake-token";
/// The bot's own user id (as `getMe` reports it).
pub const BOT_USER_ID: i64 = 123_456;

/// What a call answers instead of succeeding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after = N`.
    TooManyRequests { retry_after: u32 },
    /// 403 "Forbidden: bot was blocked by the user".
    Blocked,
    /// 500 "Internal Server Error".
    ServerError,
    /// Answers normally, but only after this long (a slow or hanging server).
    Delay(Duration),
}

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Call {
    /// As Telegram spells it, e.g. `sendMessage`.
    pub method: String,
    /// The `chat_id` parameter, when there is a numeric one.
    pub chat_id: Option<i64>,
    /// The parameters: the JSON body, or the multipart fields (text values; JSON values such as
    /// `reply_markup` parsed; files as `{"file_name": .., "size": ..}`).
    pub params: Value,
    /// When the request arrived.
    pub at: Instant,
    /// The HTTP status answered (0 while the call is still being answered, e.g. in a hook).
    pub status: u16,
    /// The message created or edited, for methods that return one.
    pub message_id: Option<i32>,
}

impl Call {
    /// Whether this is a call of `method` (case-insensitive).
    pub fn is(&self, method: &str) -> bool {
        self.method.eq_ignore_ascii_case(method)
    }

    /// Whether it was answered with success.
    pub fn ok(&self) -> bool {
        self.status == 200
    }

    /// The `text` parameter (sendMessage, editMessageText).
    pub fn text(&self) -> Option<&str> {
        self.params.get("text").and_then(Value::as_str)
    }

    /// A string parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(Value::as_str)
    }

    /// Every `callback_data` of the inline keyboard sent with the call.
    pub fn callback_data(&self) -> Vec<String> {
        let rows = self.params["reply_markup"]["inline_keyboard"].as_array().cloned();
        rows.unwrap_or_default()
            .iter()
            .filter_map(Value::as_array)
            .flatten()
            .filter_map(|b| b["callback_data"].as_str().map(str::to_owned))
            .collect()
    }

    /// Whether the call creates a message in a chat (send*, copy, forward).
    pub fn sends(&self) -> bool {
        let m = self.method.to_ascii_lowercase();
        m.starts_with("send") || m == "copymessage" || m == "forwardmessage"
    }
}

type Hook = Box<dyn FnOnce(&Call) + Send>;

struct FaultRule {
    method: String,
    chat: Option<i64>,
    remaining: usize,
    fault: Fault,
}

#[derive(Default)]
struct Inner {
    updates: VecDeque<Value>,
    next_update_id: i64,
    calls: Vec<Call>,
    /// Every message (sent by the bot or pushed as a user's), as last edited.
    messages: HashMap<(i64, i32), Value>,
    next_message_id: HashMap<i64, i32>,
    blocked: HashSet<i64>,
    faults: Vec<FaultRule>,
    hooks: Vec<(String, usize, Hook)>,
    /// Calls received per lower-cased method.
    counts: HashMap<String, usize>,
    next_callback: u64,
    /// Files users sent, by file id: the path `getFile` names and the bytes it serves.
    files: HashMap<String, (String, Vec<u8>)>,
}

impl Inner {
    fn message_id(&mut self, chat: i64) -> i32 {
        let next = self.next_message_id.entry(chat).or_insert(0);
        *next += 1;
        *next
    }
}

struct Shared {
    inner: Mutex<Inner>,
    new_updates: Notify,
    calls: watch::Sender<usize>,
    stop: watch::Receiver<bool>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The fake server; stops when dropped. See the module docs.
pub struct FakeBotApi {
    shared: Arc<Shared>,
    address: SocketAddr,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for FakeBotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeBotApi")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn user_json(user: i64) -> Value {
    json!({"id": user, "is_bot": false, "first_name": format!("User {user}")})
}

fn bot_json() -> Value {
    json!({"id": BOT_USER_ID, "is_bot": true, "first_name": "loket", "username": "loket_fake_bot"})
}

/// Private chats have positive ids; groups negative ones.
fn chat_json(chat: i64) -> Value {
    if chat < 0 {
        json!({"id": chat, "type": "supergroup", "title": format!("Group {chat}")})
    } else {
        json!({"id": chat, "type": "private", "first_name": format!("User {chat}")})
    }
}

impl FakeBotApi {
    /// Serves on `127.0.0.1:0` until dropped.
    pub async fn start() -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .context("cannot bind the fake Bot API")?;
        let address = listener.local_addr().context("fake Bot API address")?;
        let (stop, stop_rx) = watch::channel(false);
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                next_update_id: 1,
                ..Inner::default()
            }),
            new_updates: Notify::new(),
            calls: watch::channel(0).0,
            stop: stop_rx.clone(),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let mut stopped = stop_rx;
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(error) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
                tracing::warn!(%error, "fake Bot API stopped");
            }
        });
        Ok(Self { shared, address, stop })
    }

    /// The base URL (`http://127.0.0.1:PORT/`), what `TELOXIDE_API_URL` takes.
    pub fn url(&self) -> reqwest::Url {
        reqwest::Url::parse(&format!("http://{}/", self.address)).expect("a loopback URL parses")
    }

    /// A teloxide `Bot` talking to this fake.
    pub fn bot(&self) -> teloxide::Bot {
        teloxide::Bot::new(TOKEN).set_api_url(self.url())
    }

    // ---- updates ----------------------------------------------------------------------------

    /// Queues an update for `getUpdates`; its `update_id` is set here and returned. A message in
    /// it is remembered (for replies to it and buttons under it).
    pub fn push_update(&self, mut update: Value) -> i64 {
        let mut inner = self.shared.lock();
        let id = inner.next_update_id;
        inner.next_update_id += 1;
        update["update_id"] = json!(id);
        if let Some(message) = update.get("message")
            && let (Some(chat), Some(mid)) = (message["chat"]["id"].as_i64(), message["message_id"].as_i64())
        {
            let mid = i32::try_from(mid).unwrap_or_default();
            inner.messages.insert((chat, mid), message.clone());
        }
        inner.updates.push_back(update);
        drop(inner);
        self.shared.new_updates.notify_waiters();
        id
    }

    /// A message from `user` in `chat`, with the given extra fields (text, photo, ...).
    fn push_message(&self, chat: i64, user: i64, fields: Value) -> i64 {
        let message_id = self.shared.lock().message_id(chat);
        let mut message = json!({
            "message_id": message_id,
            "date": now_unix(),
            "chat": chat_json(chat),
            "from": user_json(user),
        });
        if let (Some(m), Value::Object(extra)) = (message.as_object_mut(), fields) {
            m.extend(extra);
        }
        self.push_update(json!({ "message": message }))
    }

    /// `user` writes `text` in `chat` (commands included: `/lapor`).
    pub fn push_text(&self, chat: i64, user: i64, text: &str) -> i64 {
        self.push_message(chat, user, json!({ "text": text }))
    }

    /// `user` sends a photo with this `file_id` (two sizes, the larger last, as Telegram does).
    pub fn push_photo(&self, chat: i64, user: i64, file_id: &str) -> i64 {
        let sizes = json!([
            {"file_id": format!("{file_id}-small"), "file_unique_id": "small", "width": 90, "height": 90, "file_size": 1_000},
            {"file_id": file_id, "file_unique_id": "large", "width": 1280, "height": 960, "file_size": 120_000},
        ]);
        self.push_message(chat, user, json!({ "photo": sizes }))
    }

    /// `user` sends a document with this `file_id`.
    pub fn push_document(&self, chat: i64, user: i64, file_id: &str, file_name: &str) -> i64 {
        let document = json!({"file_id": file_id, "file_unique_id": "doc", "file_name": file_name});
        self.push_message(chat, user, json!({ "document": document }))
    }

    /// `user` answers message `reply_to` of `chat` (e.g. a ForceReply prompt) with `text`.
    pub fn push_reply(&self, chat: i64, user: i64, text: &str, reply_to: i32) -> i64 {
        let original = self.stored_message(chat, reply_to);
        self.push_message(chat, user, json!({ "text": text, "reply_to_message": original }))
    }

    /// `user` presses the button with `data` under message `message_id` of `chat`.
    pub fn push_callback(&self, chat: i64, user: i64, message_id: i32, data: &str) -> i64 {
        let message = self.stored_message(chat, message_id);
        let id = {
            let mut inner = self.shared.lock();
            inner.next_callback += 1;
            inner.next_callback
        };
        self.push_update(json!({
            "callback_query": {
                "id": format!("cbq-{id}"),
                "from": user_json(user),
                "message": message,
                "chat_instance": format!("ci{chat}"),
                "data": data,
            }
        }))
    }

    /// A message as last seen (or a stand-in when the fake never saw it).
    fn stored_message(&self, chat: i64, message_id: i32) -> Value {
        self.message(chat, message_id).unwrap_or_else(|| {
            json!({"message_id": message_id, "date": now_unix(), "chat": chat_json(chat), "from": bot_json(), "text": ""})
        })
    }

    /// A message of `chat` as it stands now (after edits), if the fake saw it.
    pub fn message(&self, chat: i64, message_id: i32) -> Option<Value> {
        self.shared.lock().messages.get(&(chat, message_id)).cloned()
    }

    // ---- faults -----------------------------------------------------------------------------

    /// The next `times` calls of `method` answer `fault`.
    pub fn fail_next(&self, method: &str, times: usize, fault: Fault) {
        self.add_fault(method, None, times, fault);
    }

    /// The next `times` calls of `method` for `chat` answer `fault`.
    pub fn fail_next_to(&self, method: &str, chat: i64, times: usize, fault: Fault) {
        self.add_fault(method, Some(chat), times, fault);
    }

    fn add_fault(&self, method: &str, chat: Option<i64>, times: usize, fault: Fault) {
        self.shared.lock().faults.push(FaultRule {
            method: method.to_ascii_lowercase(),
            chat,
            remaining: times,
            fault,
        });
    }

    /// Every later call naming `chat` answers 403 "Forbidden: bot was blocked by the user".
    pub fn block_chat(&self, chat: i64) {
        self.shared.lock().blocked.insert(chat);
    }

    pub fn unblock_chat(&self, chat: i64) {
        self.shared.lock().blocked.remove(&chat);
    }

    /// Holds a file a user sent (a photo's or document's `file_id`): `getFile` names it at
    /// `photos/<file_id>.<extension>` and `/file/bot<token>/<path>` serves `bytes`.
    pub fn add_file(&self, file_id: &str, extension: &str, bytes: &[u8]) {
        self.shared.lock().files.insert(
            file_id.to_owned(),
            (format!("photos/{file_id}.{extension}"), bytes.to_vec()),
        );
    }

    /// Runs `hook` when the `k`-th call (1-based, counting every call since start) of `method`
    /// arrives, before it is answered: the request is held while the hook runs.
    pub fn on_nth_call(&self, method: &str, k: usize, hook: impl FnOnce(&Call) + Send + 'static) {
        self.shared
            .lock()
            .hooks
            .push((method.to_ascii_lowercase(), k, Box::new(hook)));
    }

    // ---- records ----------------------------------------------------------------------------

    /// Every call so far, in arrival order of their answers.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// The calls of `method`.
    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.is(method))
            .cloned()
            .collect()
    }

    /// The messages delivered to `chat` (successful send*/copy/forward calls).
    pub fn sent_to(&self, chat: i64) -> Vec<Call> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.chat_id == Some(chat) && c.sends() && c.ok())
            .cloned()
            .collect()
    }

    /// The calls after the first `after`, waiting up to `timeout` for at least one (empty when
    /// none came). For consumers that follow the stream of calls (benchmarks).
    pub async fn wait_for_calls(&self, after: usize, timeout: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changed = self.shared.calls.subscribe();
        loop {
            changed.borrow_and_update();
            {
                let inner = self.shared.lock();
                if inner.calls.len() > after {
                    return inner.calls[after..].to_vec();
                }
            }
            tokio::select! {
                _ = changed.changed() => {}
                () = tokio::time::sleep_until(deadline) => return Vec::new(),
            }
        }
    }

    /// How many calls were recorded.
    pub fn call_count(&self) -> usize {
        self.shared.lock().calls.len()
    }

    /// Runs `check` on the calls so far, and again after every new call, until it returns
    /// `true` (then the calls are returned) or `timeout` passes (an error listing the last calls).
    pub async fn wait_until(&self, check: impl Fn(&[Call]) -> bool, timeout: Duration) -> anyhow::Result<Vec<Call>> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut changed = self.shared.calls.subscribe();
        loop {
            changed.borrow_and_update();
            {
                let inner = self.shared.lock();
                if check(&inner.calls) {
                    return Ok(inner.calls.clone());
                }
            }
            tokio::select! {
                _ = changed.changed() => {}
                () = tokio::time::sleep_until(deadline) => {
                    let inner = self.shared.lock();
                    let last: Vec<String> = inner
                        .calls
                        .iter()
                        .rev()
                        .filter(|c| !c.is("getUpdates"))
                        .take(15)
                        .map(|c| format!("{} chat={:?} status={} text={:?}", c.method, c.chat_id, c.status, c.text()))
                        .collect();
                    anyhow::bail!(
                        "condition not met within {timeout:?}; last calls (newest first):\n{}",
                        last.join("\n")
                    );
                }
            }
        }
    }
}

// ---- the server -------------------------------------------------------------------------------

/// Telegram's spelling of a method from any casing teloxide uses (`SendMessage`).
fn canonical(method: &str) -> String {
    const KNOWN: [&str; 17] = [
        "getMe",
        "getFile",
        "getUpdates",
        "getWebhookInfo",
        "deleteWebhook",
        "setWebhook",
        "setMyCommands",
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "copyMessage",
        "forwardMessage",
        "deleteMessage",
        "sendChatAction",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(method))
        .map_or_else(|| method.to_owned(), |k| (*k).to_owned())
}

fn ok(result: Value) -> Response {
    axum::Json(json!({"ok": true, "result": result})).into_response()
}

fn error(status: StatusCode, description: &str, parameters: Option<Value>) -> Response {
    let mut body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    if let Some(p) = parameters {
        body["parameters"] = p;
    }
    (status, axum::Json(body)).into_response()
}

fn fault_response(fault: Fault) -> Option<Response> {
    match fault {
        Fault::TooManyRequests { retry_after } => Some(error(
            StatusCode::TOO_MANY_REQUESTS,
            &format!("Too Many Requests: retry after {retry_after}"),
            Some(json!({ "retry_after": retry_after })),
        )),
        Fault::Blocked => Some(blocked()),
        Fault::ServerError => Some(error(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error", None)),
        Fault::Delay(_) => None,
    }
}

fn blocked() -> Response {
    error(StatusCode::FORBIDDEN, "Forbidden: bot was blocked by the user", None)
}

/// Numeric chat id from JSON (number or numeric string).
fn chat_of(params: &Value, key: &str) -> Option<i64> {
    match &params[key] {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn int_of(params: &Value, key: &str) -> Option<i64> {
    chat_of(params, key)
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let at = Instant::now();
    let path = request.uri().path().to_owned();
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let Ok(body) = axum::body::to_bytes(request.into_body(), 64 * 1024 * 1024).await else {
        return error(StatusCode::BAD_REQUEST, "Bad Request: unreadable body", None);
    };
    if let Some(file) = path.strip_prefix("/file/") {
        return download(&shared, at, file);
    }
    let mut segments = path.trim_start_matches('/').split('/');
    let (Some(bot), Some(method), None) = (segments.next(), segments.next(), segments.next()) else {
        return error(StatusCode::NOT_FOUND, "Not Found", None);
    };
    if !bot.starts_with("bot") {
        return error(StatusCode::NOT_FOUND, "Not Found", None);
    }
    let method = canonical(method);
    let params = parse_params(&content_type, &body);
    let chat_id = chat_of(&params, "chat_id");
    let mut call = Call {
        method: method.clone(),
        chat_id,
        params,
        at,
        status: 0,
        message_id: None,
    };

    let key = method.to_ascii_lowercase();
    let (fault, hook) = {
        let mut inner = shared.lock();
        let n = {
            let count = inner.counts.entry(key.clone()).or_insert(0);
            *count += 1;
            *count
        };
        let fault = inner
            .faults
            .iter_mut()
            .find(|r| r.remaining > 0 && r.method == key && r.chat.is_none_or(|c| Some(c) == chat_id))
            .map(|r| {
                r.remaining -= 1;
                r.fault
            });
        inner.faults.retain(|r| r.remaining > 0);
        let hook = inner
            .hooks
            .iter()
            .position(|(m, k, _)| *m == key && *k == n)
            .map(|i| inner.hooks.swap_remove(i).2);
        (fault, hook)
    };
    if let Some(hook) = hook {
        hook(&call);
    }
    let response = match fault {
        Some(Fault::Delay(delay)) => {
            let mut stop = shared.stop.clone();
            tokio::select! {
                () = tokio::time::sleep(delay) => {}
                _ = stop.wait_for(|s| *s) => {}
            }
            None
        }
        Some(fault) => fault_response(fault),
        None => None,
    };
    let response = match response {
        Some(response) => response,
        None if chat_id.is_some_and(|c| shared.lock().blocked.contains(&c)) => blocked(),
        None => {
            let (response, message_id) = execute(&shared, &key, &call.params).await;
            call.message_id = message_id;
            response
        }
    };
    call.status = response.status().as_u16();
    let mut inner = shared.lock();
    inner.calls.push(call);
    let n = inner.calls.len();
    drop(inner);
    shared.calls.send_replace(n);
    response
}

/// `GET /file/bot<token>/<file path>`: the bytes of a file `getFile` named, recorded as a
/// `downloadFile` call.
fn download(shared: &Shared, at: Instant, rest: &str) -> Response {
    // teloxide sends the path percent-encoded (`photos%2Ffile.jpg`), as Telegram accepts it.
    let raw = rest.split_once('/').map(|(_, path)| path).unwrap_or_default();
    let path = percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned();
    let found = shared
        .lock()
        .files
        .values()
        .find(|(p, _)| *p == path)
        .map(|(_, bytes)| bytes.clone());
    let response = match found {
        Some(bytes) => (StatusCode::OK, bytes).into_response(),
        None => error(StatusCode::NOT_FOUND, "Not Found", None),
    };
    let mut inner = shared.lock();
    inner.calls.push(Call {
        method: "downloadFile".into(),
        chat_id: None,
        params: json!({ "file_path": path }),
        at,
        status: response.status().as_u16(),
        message_id: None,
    });
    let n = inner.calls.len();
    drop(inner);
    shared.calls.send_replace(n);
    response
}

/// Performs a method that was not faulted; the answer and the message it made or edited.
async fn execute(shared: &Shared, method: &str, params: &Value) -> (Response, Option<i32>) {
    match method {
        "getfile" => {
            let id = params["file_id"].as_str().unwrap_or_default();
            match shared.lock().files.get(id) {
                Some((path, bytes)) => (
                    ok(
                        json!({"file_id": id, "file_unique_id": format!("u{id}"), "file_size": bytes.len(), "file_path": path}),
                    ),
                    None,
                ),
                None => (
                    error(StatusCode::BAD_REQUEST, "Bad Request: invalid file_id", None),
                    None,
                ),
            }
        }
        "getme" => {
            let mut me = bot_json();
            me["can_join_groups"] = json!(true);
            me["can_read_all_group_messages"] = json!(false);
            me["supports_inline_queries"] = json!(false);
            me["has_main_web_app"] = json!(false);
            (ok(me), None)
        }
        "getupdates" => (ok(get_updates(shared, params).await), None),
        "getwebhookinfo" => (
            ok(json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})),
            None,
        ),
        "deletewebhook"
        | "setwebhook"
        | "setmycommands"
        | "answercallbackquery"
        | "deletemessage"
        | "sendchataction" => (ok(json!(true)), None),
        "sendmessage" | "sendphoto" | "senddocument" | "forwardmessage" | "copymessage" => {
            let Some(chat) = chat_of(params, "chat_id") else {
                return (
                    error(StatusCode::BAD_REQUEST, "Bad Request: chat not found", None),
                    None,
                );
            };
            let mut inner = shared.lock();
            let id = inner.message_id(chat);
            let mut message = json!({
                "message_id": id,
                "date": now_unix(),
                "chat": chat_json(chat),
                "from": bot_json(),
            });
            match method {
                "sendmessage" => message["text"] = params["text"].clone(),
                "sendphoto" => {
                    let file = params["photo"].as_str().unwrap_or("uploaded-photo");
                    message["photo"] = json!([{"file_id": file, "file_unique_id": "p", "width": 1280, "height": 960}]);
                }
                "senddocument" => {
                    let file = params["document"].as_str().unwrap_or("uploaded-document");
                    message["document"] = json!({"file_id": file, "file_unique_id": "d"});
                }
                _ => {
                    // A copy or forward: the original's content.
                    let from = chat_of(params, "from_chat_id").unwrap_or_default();
                    let original = int_of(params, "message_id").and_then(|m| i32::try_from(m).ok());
                    if let Some(orig) = original.and_then(|m| inner.messages.get(&(from, m)))
                        && let (Some(dst), Some(src)) = (message.as_object_mut(), orig.as_object())
                    {
                        for (k, v) in src {
                            if !matches!(k.as_str(), "message_id" | "date" | "chat" | "from") {
                                dst.insert(k.clone(), v.clone());
                            }
                        }
                    }
                }
            }
            if let Some(caption) = params.get("caption").filter(|c| c.is_string()) {
                message["caption"] = caption.clone();
            }
            if params["reply_markup"].get("inline_keyboard").is_some() {
                message["reply_markup"] = params["reply_markup"].clone();
            }
            if let Some(reply_to) = int_of(&params["reply_parameters"], "message_id")
                .and_then(|m| i32::try_from(m).ok())
                .and_then(|m| inner.messages.get(&(chat, m)).cloned())
            {
                message["reply_to_message"] = reply_to;
            }
            inner.messages.insert((chat, id), message.clone());
            drop(inner);
            let result = if method == "copymessage" {
                json!({ "message_id": id })
            } else {
                message
            };
            (ok(result), Some(id))
        }
        "editmessagetext" | "editmessagereplymarkup" => {
            let chat = chat_of(params, "chat_id").unwrap_or_default();
            let id = int_of(params, "message_id")
                .and_then(|m| i32::try_from(m).ok())
                .unwrap_or_default();
            let mut inner = shared.lock();
            let Some(message) = inner.messages.get_mut(&(chat, id)) else {
                return (
                    error(StatusCode::BAD_REQUEST, "Bad Request: message to edit not found", None),
                    None,
                );
            };
            if method == "editmessagetext" {
                message["text"] = params["text"].clone();
            }
            // Telegram drops the keyboard when an edit does not repeat it.
            match message.as_object_mut() {
                Some(m) if params["reply_markup"].get("inline_keyboard").is_some() => {
                    m.insert("reply_markup".into(), params["reply_markup"].clone());
                }
                Some(m) => {
                    m.remove("reply_markup");
                }
                None => {}
            }
            message["edit_date"] = json!(now_unix());
            (ok(message.clone()), Some(id))
        }
        _ => (error(StatusCode::NOT_FOUND, "Not Found: method not found", None), None),
    }
}

/// Long poll: the queued updates from `offset` on (earlier ones are confirmed and dropped), at
/// most `limit`, waiting up to `timeout` seconds for the first one.
async fn get_updates(shared: &Shared, params: &Value) -> Value {
    let offset = int_of(params, "offset").unwrap_or(0);
    let limit = int_of(params, "limit")
        .and_then(|l| usize::try_from(l).ok())
        .filter(|l| (1..=100).contains(l))
        .unwrap_or(100);
    let timeout = int_of(params, "timeout")
        .and_then(|t| u64::try_from(t).ok())
        .unwrap_or(0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    let mut stop = shared.stop.clone();
    loop {
        let notified = shared.new_updates.notified();
        {
            let mut inner = shared.lock();
            if offset > 0 {
                while inner
                    .updates
                    .front()
                    .is_some_and(|u| u["update_id"].as_i64() < Some(offset))
                {
                    inner.updates.pop_front();
                }
            }
            let skip = if offset < 0 {
                let back = usize::try_from(offset.unsigned_abs()).unwrap_or(usize::MAX);
                inner.updates.len().saturating_sub(back)
            } else {
                0
            };
            let batch: Vec<Value> = inner.updates.iter().skip(skip).take(limit).cloned().collect();
            if !batch.is_empty() || tokio::time::Instant::now() >= deadline || *stop.borrow() {
                return Value::Array(batch);
            }
        }
        tokio::select! {
            () = notified => {}
            () = tokio::time::sleep_until(deadline) => {}
            _ = stop.wait_for(|s| *s) => {}
        }
    }
}

/// The parameters of a request: a JSON body or a multipart form (what teloxide sends).
fn parse_params(content_type: &str, body: &[u8]) -> Value {
    if content_type.starts_with("multipart/form-data") {
        let boundary = content_type
            .split(';')
            .find_map(|p| p.trim().strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_owned());
        if let Some(boundary) = boundary {
            return Value::Object(parse_multipart(body, &boundary));
        }
    }
    match serde_json::from_slice(body) {
        Ok(value @ Value::Object(_)) => value,
        _ => Value::Object(Map::new()),
    }
}

/// A text field's value: JSON-valued parameters parsed, numbers kept as text.
fn field_value(name: &str, value: String) -> Value {
    let json_valued = matches!(
        name,
        "reply_markup" | "reply_parameters" | "entities" | "caption_entities" | "link_preview_options" | "commands"
    );
    if json_valued && let Ok(parsed) = serde_json::from_str(&value) {
        return parsed;
    }
    Value::String(value)
}

/// A minimal multipart/form-data reader: text fields as strings, files as name and size.
fn parse_multipart(body: &[u8], boundary: &str) -> Map<String, Value> {
    let delimiter = format!("--{boundary}");
    let mut fields = Map::new();
    for part in split_bytes(body, delimiter.as_bytes()).into_iter().skip(1) {
        if part.starts_with(b"--") {
            break;
        }
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = find(part, b"\r\n\r\n") else { continue };
        let headers = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let disposition = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .unwrap_or_default();
        let attribute = |attr: &str| {
            disposition.split(';').find_map(|p| {
                p.trim()
                    .strip_prefix(attr)
                    .and_then(|v| v.strip_prefix('='))
                    .map(|v| v.trim_matches('"').to_owned())
            })
        };
        let Some(name) = attribute("name") else { continue };
        let value = match attribute("filename") {
            Some(file_name) => json!({"file_name": file_name, "size": content.len()}),
            None => field_value(&name, String::from_utf8_lossy(content).into_owned()),
        };
        fields.insert(name, value);
    }
    // Uploads are named by reference (`"document": "attach://<part>"`): put the file in place.
    let references: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.strip_prefix("attach://")?.to_owned())))
        .collect();
    for (field, part) in references {
        if let Some(file) = fields.remove(&part) {
            fields.insert(field, file);
        }
    }
    fields
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn split_bytes<'a>(mut body: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(i) = find(body, delimiter) {
        parts.push(&body[..i]);
        body = &body[i + delimiter.len()..];
    }
    parts.push(body);
    parts
}

/// The most of `times` (arrival times, sorted) that fall within any one second, and the average
/// rate from the first to the last: how a test or benchmark checks a send rate against a limit.
pub fn busiest_second_and_rate(times: &[Instant]) -> (usize, f64) {
    let mut busiest = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= Duration::from_secs(1) {
            start += 1;
        }
        busiest = busiest.max(end - start + 1);
    }
    let rate = match (times.first(), times.last()) {
        (Some(a), Some(b)) if b > a => (times.len() - 1) as f64 / b.duration_since(*a).as_secs_f64(),
        _ => 0.0,
    };
    (busiest, rate)
}

#[cfg(test)]
mod tests {
    use teloxide::prelude::*;
    use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ReplyParameters, UpdateKind};
    use teloxide::{ApiError, RequestError};

    use super::*;

    const WAIT: Duration = Duration::from_secs(10);

    #[tokio::test]
    async fn get_me_and_send_message_parse_in_teloxide() {
        let api = FakeBotApi::start().await.unwrap();
        let bot = api.bot();
        let me = bot.get_me().await.unwrap();
        assert_eq!(me.id.0, 123_456);
        let keyboard = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback("Ya", "yes")]]);
        let first = bot
            .send_message(ChatId(7), "halo")
            .reply_markup(keyboard)
            .await
            .unwrap();
        let second = bot.send_message(ChatId(7), "lagi").await.unwrap();
        let other = bot.send_message(ChatId(-100), "grup").await.unwrap();
        assert_eq!((first.id.0, second.id.0, other.id.0), (1, 2, 1));
        assert_eq!(first.text(), Some("halo"));
        let sent = api.sent_to(7);
        assert_eq!(sent.len(), 2);
        assert_eq!(sent[0].text(), Some("halo"));
        assert_eq!(sent[0].callback_data(), vec!["yes".to_owned()]);
        assert!(api.calls()[0].is("getme"));
    }

    #[tokio::test]
    async fn updates_are_long_polled_with_offset_and_limit() {
        let api = FakeBotApi::start().await.unwrap();
        let bot = api.bot();
        // Nothing queued: an empty answer after the (short) timeout.
        assert!(bot.get_updates().timeout(0).await.unwrap().is_empty());
        let pending = tokio::spawn({
            let bot = bot.clone();
            async move { bot.get_updates().timeout(5).await.unwrap() }
        });
        api.wait_until(|c| c.iter().filter(|c| c.is("getUpdates")).count() == 1, WAIT)
            .await
            .unwrap();
        let first = api.push_text(5, 5, "/start");
        let updates = pending.await.unwrap();
        assert_eq!(updates.len(), 1);
        let UpdateKind::Message(message) = &updates[0].kind else {
            panic!("{:?}", updates[0].kind)
        };
        assert_eq!(message.text(), Some("/start"));
        assert_eq!(message.from.as_ref().unwrap().id.0, 5);

        api.push_photo(5, 5, "AgACphoto");
        api.push_document(5, 5, "BQACdoc", "surat.pdf");
        let next = bot
            .get_updates()
            .offset(i32::try_from(first).unwrap() + 1)
            .limit(1)
            .await
            .unwrap();
        assert_eq!(next.len(), 1);
        let UpdateKind::Message(photo) = &next[0].kind else {
            panic!()
        };
        assert_eq!(photo.photo().unwrap().last().unwrap().file.id.0, "AgACphoto");
        let rest = bot.get_updates().offset(next[0].id.0 as i32 + 1).await.unwrap();
        let UpdateKind::Message(document) = &rest[0].kind else {
            panic!()
        };
        assert_eq!(document.document().unwrap().file.id.0, "BQACdoc");
        assert_eq!(rest.len(), 1);
    }

    #[tokio::test]
    async fn callbacks_and_replies_carry_the_messages_they_refer_to() {
        let api = FakeBotApi::start().await.unwrap();
        let bot = api.bot();
        let keyboard = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::callback("OK", "of:v")]]);
        let post = bot
            .send_message(ChatId(-100), "Pengaduan")
            .reply_markup(keyboard)
            .await
            .unwrap();
        api.push_callback(-100, 42, post.id.0, "of:v");
        api.push_reply(-100, 42, "catatan", post.id.0);
        let updates = bot.get_updates().await.unwrap();
        let UpdateKind::CallbackQuery(q) = &updates[0].kind else {
            panic!()
        };
        assert_eq!(q.data.as_deref(), Some("of:v"));
        assert_eq!(q.from.id.0, 42);
        let message = q.regular_message().unwrap();
        assert_eq!(
            (message.chat.id.0, message.id.0, message.text()),
            (-100, post.id.0, Some("Pengaduan"))
        );
        bot.answer_callback_query(q.id.clone()).text("Sip").await.unwrap();
        let UpdateKind::Message(reply) = &updates[1].kind else {
            panic!()
        };
        assert_eq!(reply.reply_to_message().unwrap().id, post.id);

        let edited = bot
            .edit_message_text(ChatId(-100), post.id, "Diverifikasi")
            .await
            .unwrap();
        assert_eq!(edited.text(), Some("Diverifikasi"));
        let stored = api.message(-100, post.id.0).unwrap();
        assert_eq!(stored["text"], "Diverifikasi");
        assert!(
            stored.get("reply_markup").is_none(),
            "an edit without a keyboard drops it"
        );
        let answered = api.calls_of("answerCallbackQuery");
        assert_eq!(answered[0].param("text"), Some("Sip"));
    }

    #[tokio::test]
    async fn photos_and_documents_by_file_id_are_recorded_from_multipart() {
        let api = FakeBotApi::start().await.unwrap();
        let bot = api.bot();
        let photo = bot
            .send_photo(ChatId(-100), InputFile::file_id("AgACfile".into()))
            .caption("Lampiran 1")
            .reply_parameters(ReplyParameters::new(teloxide::types::MessageId(1)).allow_sending_without_reply())
            .await
            .unwrap();
        assert_eq!(photo.photo().unwrap()[0].file.id.0, "AgACfile");
        bot.send_document(ChatId(-100), InputFile::file_id("BQACfile".into()))
            .await
            .unwrap();
        bot.send_document(ChatId(-100), InputFile::memory(b"isi".to_vec()).file_name("a.txt"))
            .await
            .unwrap();
        let sent = api.sent_to(-100);
        assert_eq!(sent.len(), 3);
        assert_eq!(sent[0].chat_id, Some(-100));
        assert_eq!(sent[0].param("photo"), Some("AgACfile"));
        assert_eq!(sent[0].param("caption"), Some("Lampiran 1"));
        assert_eq!(sent[0].params["reply_parameters"]["message_id"], 1);
        assert_eq!(sent[1].param("document"), Some("BQACfile"));
        assert_eq!(sent[2].params["document"]["file_name"], "a.txt", "{:?}", sent[2].params);
    }

    #[tokio::test]
    async fn faults_answer_429_403_and_500_as_telegram_does() {
        let api = FakeBotApi::start().await.unwrap();
        let bot = api.bot();
        api.fail_next("sendMessage", 1, Fault::TooManyRequests { retry_after: 3 });
        match bot.send_message(ChatId(1), "a").await {
            Err(RequestError::RetryAfter(after)) => assert_eq!(after.seconds(), 3),
            other => panic!("{other:?}"),
        }
        bot.send_message(ChatId(1), "b").await.unwrap();

        api.block_chat(2);
        match bot.send_message(ChatId(2), "c").await {
            Err(RequestError::Api(ApiError::BotBlocked)) => {}
            other => panic!("{other:?}"),
        }
        api.unblock_chat(2);
        bot.send_message(ChatId(2), "d").await.unwrap();

        // Only the named chat's call is faulted.
        api.fail_next_to("sendMessage", 3, 1, Fault::Blocked);
        bot.send_message(ChatId(4), "e").await.unwrap();
        assert!(bot.send_message(ChatId(3), "f").await.is_err());

        let statuses: Vec<u16> = api.calls().iter().map(|c| c.status).collect();
        assert_eq!(statuses, vec![429, 200, 403, 200, 200, 403]);
        assert_eq!(api.sent_to(1).len(), 1);
    }

    #[tokio::test]
    async fn server_errors_and_delays_hold_the_answer() {
        let api = FakeBotApi::start().await.unwrap();
        // teloxide waits 10 s after a 5xx, so look at the raw answer.
        api.fail_next("getMe", 1, Fault::ServerError);
        let raw = reqwest::Client::new()
            .post(format!("{}bot{TOKEN}/getMe", api.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 500);
        let body: Value = raw.json().await.unwrap();
        assert_eq!(body["error_code"], 500);
        api.fail_next("sendMessage", 1, Fault::Delay(Duration::from_millis(20)));
        let bot = api.bot();
        bot.send_message(ChatId(1), "lambat").await.unwrap();
        let call = api.calls_of("sendMessage").pop().unwrap();
        assert!(call.ok());
        assert_eq!(api.calls()[0].status, 500);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hook_runs_while_the_kth_call_is_held() {
        let api = FakeBotApi::start().await.unwrap();
        let bot = api.bot();
        let (seen_tx, seen_rx) = std::sync::mpsc::channel();
        api.on_nth_call("sendMessage", 2, move |call| {
            let _ = seen_tx.send((call.text().map(str::to_owned), call.status));
        });
        bot.send_message(ChatId(1), "satu").await.unwrap();
        assert!(seen_rx.try_recv().is_err());
        bot.send_message(ChatId(1), "dua").await.unwrap();
        assert_eq!(seen_rx.try_recv().unwrap(), (Some("dua".to_owned()), 0));
    }

    #[tokio::test]
    async fn calls_can_be_followed_as_a_stream() {
        let api = FakeBotApi::start().await.unwrap();
        assert!(api.wait_for_calls(0, Duration::from_millis(10)).await.is_empty());
        let bot = api.bot();
        bot.send_message(ChatId(1), "a").await.unwrap();
        bot.send_message(ChatId(2), "b").await.unwrap();
        let first = api.wait_for_calls(0, WAIT).await;
        assert_eq!(first.len(), 2);
        let later = tokio::spawn({
            let bot = bot.clone();
            async move { bot.send_message(ChatId(3), "c").await.unwrap() }
        });
        let next = api.wait_for_calls(2, WAIT).await;
        assert_eq!(next[0].chat_id, Some(3));
        later.await.unwrap();
    }

    #[tokio::test]
    async fn wait_until_reports_the_last_calls_on_timeout() {
        let api = FakeBotApi::start().await.unwrap();
        api.bot().send_message(ChatId(9), "halo").await.unwrap();
        let error = api
            .wait_until(|c| c.len() > 5, Duration::from_millis(50))
            .await
            .unwrap_err()
            .to_string();
        assert!(error.contains("sendMessage chat=Some(9)"), "{error}");
    }
}
