//! A fake WhatsApp Cloud (Graph) API on loopback: records every message sent to
//! `POST /v21.0/{phone-number-id}/messages` (and the Authorization header), answers with a
//! message id, and fails the next calls with a chosen Graph error code when told to (130429
//! "throughput exceeded" as HTTP 429, the others as 400, as Meta does).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

/// Meta's "throughput exceeded" code, answered with HTTP 429.
const THROUGHPUT: i64 = 130_429;

#[derive(Default)]
struct Inner {
    sent: Vec<Value>,
    failures: Vec<i64>,
    tokens: Vec<String>,
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

impl FakeGraph {
    pub async fn start() -> Self {
        let mut fake = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        fake.addr = Some(listener.local_addr().unwrap());
        let app = Router::new()
            .route("/v21.0/{phone}/messages", post(messages))
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
