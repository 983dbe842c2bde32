//! A fake WhatsApp Cloud (Graph) API on loopback: records every message sent to
//! `POST /v21.0/{phone-number-id}/messages` (and the Authorization header), answers with a
//! message id, and fails the next calls with a chosen Graph error code when told to (130429
//! "throughput exceeded" as HTTP 429, the others as 400, as Meta does). Media a citizen sent
//! ([`FakeGraph::add_media`]) is looked up at `GET /v21.0/{media-id}` (its URL, type and size)
//! and downloaded from that URL, both with the bearer token, as Meta serves it.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::Path;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// Meta's "throughput exceeded" code, answered with HTTP 429.
const THROUGHPUT: i64 = 130_429;

#[derive(Default)]
struct Inner {
    sent: Vec<Value>,
    failures: Vec<i64>,
    tokens: Vec<String>,
    /// Media by id: its type and bytes.
    media: Vec<(String, String, Vec<u8>)>,
}

#[derive(Clone, Default)]
pub struct FakeGraph {
    inner: Arc<Mutex<Inner>>,
    pub addr: Option<SocketAddr>,
}

async fn messages(
    State(fake): State<FakeGraph>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut inner = fake.inner.lock().unwrap();
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    inner.tokens.push(token.to_owned());
    if !inner.failures.is_empty() {
        let code = inner.failures.remove(0);
        let status = if code == THROUGHPUT { 429 } else { 400 };
        return (
            StatusCode::from_u16(status).unwrap(),
            Json(json!({ "error": { "code": code, "message": "fake failure" } })),
        );
    }
    inner.sent.push(body);
    let id = format!("wamid.fake{}", inner.sent.len());
    (
        StatusCode::OK,
        Json(json!({ "messaging_product": "whatsapp", "messages": [{ "id": id }] })),
    )
}

fn bearer(fake: &FakeGraph, headers: &HeaderMap) -> bool {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let ok = token.starts_with("Bearer ") && token.len() > "Bearer ".len();
    fake.inner.lock().unwrap().tokens.push(token);
    ok
}

fn media_of(fake: &FakeGraph, id: &str) -> Option<(String, Vec<u8>)> {
    let inner = fake.inner.lock().unwrap();
    inner
        .media
        .iter()
        .find(|(m, _, _)| m == id)
        .map(|(_, kind, bytes)| (kind.clone(), bytes.clone()))
}

/// `GET /v21.0/{media-id}`: where to download it.
async fn media_lookup(State(fake): State<FakeGraph>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !bearer(&fake, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match media_of(&fake, &id) {
        Some((kind, bytes)) => Json(json!({
            "messaging_product": "whatsapp",
            "url": format!("http://{}/media/{id}", fake.addr.unwrap()),
            "mime_type": kind,
            "file_size": bytes.len(),
            "id": id,
        }))
        .into_response(),
        None => (
            StatusCode::BAD_REQUEST,
            Json(json!({ "error": { "code": 100, "message": "fake: unknown media" } })),
        )
            .into_response(),
    }
}

/// `GET /media/{media-id}`: the bytes (the URL the lookup named).
async fn media_download(State(fake): State<FakeGraph>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if !bearer(&fake, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    match media_of(&fake, &id) {
        Some((kind, bytes)) => ([("content-type", kind)], bytes).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

impl FakeGraph {
    pub async fn start() -> Self {
        let mut fake = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        fake.addr = Some(listener.local_addr().unwrap());
        let app = Router::new()
            .route("/v21.0/{phone}/messages", post(messages))
            .route("/v21.0/{media}", get(media_lookup))
            .route("/media/{media}", get(media_download))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    pub fn api_url(&self) -> String {
        format!("http://{}/v21.0", self.addr.unwrap())
    }

    /// Every message sent so far.
    pub fn sent(&self) -> Vec<Value> {
        self.inner.lock().unwrap().sent.clone()
    }

    /// The Authorization headers seen.
    pub fn tokens(&self) -> Vec<String> {
        self.inner.lock().unwrap().tokens.clone()
    }

    /// Media a citizen sent, by the id the webhook named.
    pub fn add_media(&self, id: &str, mime_type: &str, bytes: &[u8]) {
        self.inner
            .lock()
            .unwrap()
            .media
            .push((id.to_owned(), mime_type.to_owned(), bytes.to_vec()));
    }

    /// The next calls fail with these Graph error codes, in order.
    pub fn fail_next(&self, codes: &[i64]) {
        self.inner.lock().unwrap().failures.extend_from_slice(codes);
    }
}

/// The text a citizen reads in a sent message: a text body, an interactive body, or a
/// template's parameters (one a line).
pub fn readable(message: &Value) -> String {
    let mut out = String::new();
    if let Some(body) = message["text"]["body"].as_str() {
        out.push_str(body);
    }
    let interactive = &message["interactive"];
    if let Some(body) = interactive["body"]["text"].as_str() {
        out.push_str(body);
    }
    for component in message["template"]["components"].as_array().into_iter().flatten() {
        for parameter in component["parameters"].as_array().into_iter().flatten() {
            if let Some(text) = parameter["text"].as_str() {
                out.push_str(text);
                out.push('\n');
            }
        }
    }
    out
}

/// The (title, id) of every button or list row of a sent message.
pub fn choices(message: &Value) -> Vec<(String, String)> {
    let action = &message["interactive"]["action"];
    let mut out = Vec::new();
    for b in action["buttons"].as_array().into_iter().flatten() {
        out.push((
            b["reply"]["title"].as_str().unwrap_or_default().to_owned(),
            b["reply"]["id"].as_str().unwrap_or_default().to_owned(),
        ));
    }
    for section in action["sections"].as_array().into_iter().flatten() {
        for row in section["rows"].as_array().into_iter().flatten() {
            let title = row["description"]
                .as_str()
                .or(row["title"].as_str())
                .unwrap_or_default();
            out.push((title.to_owned(), row["id"].as_str().unwrap_or_default().to_owned()));
        }
    }
    out
}
