//! The signed-webhook channel: POST the task's JSON to the handler's `webhook_url`.
//!
//! Contract (issue 5): headers `Idempotency-Key: <delivery id>` (the same on every retry),
//! `X-Loket-Timestamp: <unix seconds>` and `X-Loket-Signature: sha256=<hex HMAC-SHA256(secret,
//! timestamp + "." + body)>`. Any 2xx is success; 408, 429, 5xx, timeouts and connection errors
//! are retried; other 4xx and redirects are permanent (a human must fix the handler or the URL).
//!
//! A webhook URL may carry a token in its query, and reqwest's error text names the URL: errors
//! are described without it ([`error_text`]) before they reach a log line or
//! `deliveries.last_error`.

use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use secrecy::ExposeSecret;
use sha2::Sha256;

use super::{Forwarder, SendError, SendFuture};
use crate::routing::Routing;
use crate::storage::Delivery;

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
pub const TIMESTAMP_HEADER: &str = "X-Loket-Timestamp";
pub const SIGNATURE_HEADER: &str = "X-Loket-Signature";

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &[u8], timestamp: &str, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `X-Loket-Signature` value for `body` sent at `timestamp`.
pub fn sign(secret: &[u8], timestamp: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
    )
}

/// Checks an `X-Loket-Signature` value in constant time (for receivers and tests).
pub fn verify_signature(secret: &[u8], timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(sig) = hex::decode(hex_sig) else {
        return false;
    };
    mac(secret, timestamp, body).verify_slice(&sig).is_ok()
}

/// Forwards complaints to handlers' webhooks as configured in the handlers file.
#[derive(Clone)]
pub struct WebhookForwarder {
    client: reqwest::Client,
    routing: Arc<Routing>,
}

impl WebhookForwarder {
    pub fn new(routing: Arc<Routing>, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("loket/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow::anyhow!("cannot build webhook HTTP client: {e}"))?;
        Ok(Self { client, routing })
    }

    async fn post(&self, task: &Delivery) -> Result<(), SendError> {
        let handler_id = task
            .handler_id
            .as_deref()
            .ok_or_else(|| SendError::permanent("task has no handler"))?;
        let handler = self
            .routing
            .get(handler_id)
            .ok_or_else(|| SendError::permanent(format!("handler {handler_id:?} is not in the handlers file")))?;
        let webhook = handler
            .webhook
            .as_ref()
            .ok_or_else(|| SendError::permanent(format!("handler {handler_id:?} has no webhook_url")))?;
        let timestamp = chrono::Utc::now().timestamp().to_string();
        let body = task.payload.clone().into_bytes();
        let signature = sign(webhook.secret.expose_secret().as_bytes(), &timestamp, &body);
        let response = self
            .client
            .post(webhook.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(IDEMPOTENCY_KEY, &task.id)
            .header(TIMESTAMP_HEADER, &timestamp)
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await;
        match response {
            Ok(response) => classify(response.status(), response.headers()),
            Err(e) if e.is_builder() => Err(SendError::permanent(format!(
                "invalid request: {}",
                error_text(e, &webhook.url)
            ))),
            Err(e) if e.is_timeout() => Err(SendError::retryable("timed out")),
            Err(e) => Err(SendError::retryable(format!(
                "request failed: {}",
                error_text(e, &webhook.url)
            ))),
        }
    }
}

/// A reqwest error with its causes, never the URL: `without_url` drops the URL reqwest attached,
/// and any cause that still spells the URL or its query has them replaced.
pub(crate) fn error_text(error: reqwest::Error, url: &reqwest::Url) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    let shown = crate::routing::redact_url(url);
    text = text.replace(url.as_str(), &shown);
    if let Some(query) = url.query().filter(|q| !q.is_empty()) {
        text = text.replace(query, "[redacted]");
    }
    text
}

/// Maps a webhook response status to the contract's success / retry / permanent outcome.
pub(crate) fn classify(status: StatusCode, headers: &HeaderMap) -> Result<(), SendError> {
    if status.is_success() {
        return Ok(());
    }
    let reason = format!("HTTP {status}");
    if status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(SendError::Retryable { reason, retry_after });
    }
    Err(SendError::permanent(reason))
}

impl Forwarder for WebhookForwarder {
    fn send<'a>(&'a self, task: &'a Delivery) -> SendFuture<'a> {
        Box::pin(self.post(task))
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn signature_matches_a_known_vector() {
        // printf %s '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'rahasia-webhook-123'
        let sig = sign(b"rahasia-webhook-123", "1700000000", br#"{"a":1}"#);
        assert_eq!(
            sig,
            "sha256=3dfc3bddf2b5ea4003f1b267ed85c19f4f224d42b9175455fe060a2b50f21062"
        );
        assert!(verify_signature(
            b"rahasia-webhook-123",
            "1700000000",
            br#"{"a":1}"#,
            &sig
        ));
    }

    #[test]
    fn verification_rejects_any_change() {
        let sig = sign(b"secret-secret-secret", "1700000000", b"body");
        let cases: [(&[u8], &str, &[u8], &str); 5] = [
            (b"other-secret-secret", "1700000000", b"body", &sig),
            (b"secret-secret-secret", "1700000001", b"body", &sig),
            (b"secret-secret-secret", "1700000000", b"body!", &sig),
            (b"secret-secret-secret", "1700000000", b"body", "sha256=zz"),
            (
                b"secret-secret-secret",
                "1700000000",
                b"body",
                sig.trim_start_matches("sha256="),
            ),
        ];
        for (secret, ts, body, header) in cases {
            assert!(!verify_signature(secret, ts, body, header));
        }
    }

    #[test]
    fn status_classification_table() {
        let none = HeaderMap::new();
        let cases = [
            (200, "ok"),
            (201, "ok"),
            (204, "ok"),
            (400, "permanent"),
            (401, "permanent"),
            (404, "permanent"),
            (410, "permanent"),
            (302, "permanent"),
            (408, "retry"),
            (429, "retry"),
            (500, "retry"),
            (502, "retry"),
            (503, "retry"),
        ];
        for (code, expected) in cases {
            let got = match classify(StatusCode::from_u16(code).unwrap(), &none) {
                Ok(()) => "ok",
                Err(SendError::Retryable { .. }) => "retry",
                Err(SendError::Permanent { .. }) => "permanent",
            };
            assert_eq!(got, expected, "HTTP {code}");
        }
    }

    /// Regression (issue 13): a token in the webhook URL's query reached the logs and
    /// `deliveries.last_error` through reqwest's error text.
    #[tokio::test]
    async fn connection_errors_never_show_the_url_or_its_token() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let toml = format!(
            "[[handler]]\nid = \"h\"\nname = \"H\"\nwebhook_url = \"http://127.0.0.1:{port}/hook?token=rahasia-token-123\"\n\
             webhook_secret = \"0123456789abcdef\"\n"
        );
        let routing = Arc::new(Routing::from_toml(&toml, std::path::Path::new("h.toml")).unwrap());
        let shown = format!("{:?}", routing.get("h").unwrap());
        assert!(!shown.contains("rahasia-token-123"), "{shown}");
        let forwarder = WebhookForwarder::new(routing, Duration::from_secs(5)).unwrap();
        let task = Delivery {
            id: "d1".into(),
            kind: crate::storage::DeliveryKind::Forward,
            complaint_id: None,
            handler_id: Some("h".into()),
            chat_id: None,
            payload: "{}".into(),
            status: crate::storage::DeliveryStatus::InFlight,
            attempts: 1,
            next_attempt_at: 0,
            lease_until: None,
            locked_by: None,
            last_error: None,
            created_at: 0,
            updated_at: 0,
        };
        let error = forwarder.post(&task).await.unwrap_err();
        let text = error.to_string();
        assert!(matches!(error, SendError::Retryable { .. }), "{text}");
        assert!(text.contains("request failed"), "{text}");
        assert!(
            !text.contains("rahasia-token-123") && !text.contains("token="),
            "{text}"
        );
    }

    #[test]
    fn error_text_redacts_a_url_spelled_by_a_cause() {
        let url: reqwest::Url = "https://h.example/hook?token=abc123".parse().unwrap();
        assert_eq!(crate::routing::redact_url(&url), "https://h.example/hook?[redacted]");
        let with_password: reqwest::Url = "https://u:pw@h.example/hook".parse().unwrap();
        assert_eq!(crate::routing::redact_url(&with_password), "https://u@h.example/hook");
    }

    #[test]
    fn retry_after_header_is_read() {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        assert_eq!(
            classify(StatusCode::TOO_MANY_REQUESTS, &headers),
            Err(SendError::Retryable {
                reason: "HTTP 429 Too Many Requests".into(),
                retry_after: Some(Duration::from_secs(120)),
            })
        );
    }
}
