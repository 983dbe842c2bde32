//! The webhook's HTTP side, mounted by `loket serve` at `/whatsapp/webhook`: `GET` echoes the
//! verification challenge (403 otherwise); `POST` checks the signature over the raw body first
//! (401), refuses bodies over [`MAX_BODY_BYTES`] (413) before reading them whole, stores each
//! message in the durable inbox (a replayed message id is a no-op), wakes this process's idle
//! inbox workers and answers 200 at once. The workers do the rest. Delivery statuses that say a citizen cannot be reached mark them
//! blocked. Nothing of a citizen's message is logged.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::inbox;
use super::sender::UNDELIVERABLE;
use super::store::WhatsAppStore;
use super::webhook;
use crate::storage::Store;

/// Meta's notifications are a few kilobytes; anything this big is not one.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct WebhookState {
    pub store: Store,
    pub app_secret: SecretString,
    pub verify_token: SecretString,
    /// Notified when a message was stored: wakes idle inbox workers of this process.
    pub wake: Arc<tokio::sync::Notify>,
}

#[derive(Deserialize)]
struct Verification {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

async fn verify(State(state): State<Arc<WebhookState>>, Query(q): Query<Verification>) -> Result<String, StatusCode> {
    webhook::verify_subscription(
        q.mode.as_deref(),
        q.token.as_deref(),
        q.challenge.as_deref(),
        state.verify_token.expose_secret(),
    )
    .map(str::to_owned)
    .map_err(|_| StatusCode::FORBIDDEN)
}

async fn receive(State(state): State<Arc<WebhookState>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok());
    if !webhook::signature_ok(state.app_secret.expose_secret().as_bytes(), &body, signature) {
        tracing::warn!("whatsapp webhook call with a bad signature refused");
        return StatusCode::UNAUTHORIZED;
    }
    let Ok(notification) = webhook::parse(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let wa = WhatsAppStore(state.store.clone());
    for message in &notification.messages {
        let (kind, payload) = inbox::encode(&message.event);
        let name = message.profile_name.as_deref();
        match wa
            .receive(&message.from, &message.message_id, kind, &payload, name)
            .await
        {
            Ok(true) => state.wake.notify_waiters(),
            Ok(false) => {}
            Err(error) => {
                tracing::error!(%error, "cannot store a whatsapp message; Meta will retry");
                return StatusCode::SERVICE_UNAVAILABLE;
            }
        }
    }
    for status in &notification.statuses {
        if status.error_codes.contains(&UNDELIVERABLE)
            && let Err(error) = wa.block(&status.recipient).await
        {
            tracing::error!(%error, "cannot mark a whatsapp contact blocked");
        }
    }
    StatusCode::OK
}

/// The webhook routes, with their own body limit.
pub fn router(state: WebhookState) -> Router {
    Router::new()
        .route("/whatsapp/webhook", get(verify).post(receive))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(Arc::new(state))
}
