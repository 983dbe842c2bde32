//! A fake Graph API on loopback for tests (compiled only with `cfg(test)`): records every
//! message sent to `POST /{phone-number-id}/messages`, answers with a message id, and fails
//! the next calls with a chosen Graph error code when told to.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Default)]
struct Inner {
    sent: Vec<Value>,
    failures: Vec<i64>,
    tokens: Vec<String>,
}

#[derive(Clone, Default)]
pub(crate) struct FakeGraph {
    inner: Arc<Mutex<Inner>>,
    pub(crate) addr: Option<SocketAddr>,
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
        let status = if code == super::sender::THROUGHPUT { 429 } else { 400 };
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
    pub(crate) async fn start() -> Self {
        let mut fake = Self::default();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        fake.addr = Some(listener.local_addr().unwrap());
        let app = Router::new()
            .route("/v21.0/{phone}/messages", post(messages))
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        fake
    }

    pub(crate) fn api_url(&self) -> String {
        format!("http://{}/v21.0", self.addr.unwrap())
    }

    /// Every message sent so far.
    pub(crate) fn sent(&self) -> Vec<Value> {
        self.inner.lock().unwrap().sent.clone()
    }

    /// The Authorization headers seen.
    pub(crate) fn tokens(&self) -> Vec<String> {
        self.inner.lock().unwrap().tokens.clone()
    }

    /// The next calls fail with these Graph error codes, in order.
    pub(crate) fn fail_next(&self, codes: &[i64]) {
        self.inner.lock().unwrap().failures.extend_from_slice(codes);
    }
}

/// The text a citizen reads in a sent message (a text body, or an interactive body with the
/// button and row titles).
pub(crate) fn readable(message: &Value) -> String {
    let mut out = String::new();
    if let Some(body) = message["text"]["body"].as_str() {
        out.push_str(body);
    }
    let interactive = &message["interactive"];
    if let Some(body) = interactive["body"]["text"].as_str() {
        out.push_str(body);
    }
    out
}

/// The (title, id) of every button or list row of a sent message.
pub(crate) fn choices(message: &Value) -> Vec<(String, String)> {
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
