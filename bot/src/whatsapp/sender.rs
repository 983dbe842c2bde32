//! [`GraphSender`]: sends Cloud API messages (`POST {api_url}/{phone-number-id}/messages`,
//! Bearer token) at a bounded rate, and reads Meta's errors into what loket does about them.
//!
//! - **Rate**: at most `messages_per_second` requests from this process, spaced evenly (Meta's
//!   throughput is per phone number; the default stays well under the standard 80/s).
//! - **130429** (throughput exceeded) and **131056** (pair rate limit: too many messages to one
//!   citizen) wait and try again with a doubling backoff, a few times.
//! - **131047** (more than 24 hours since the citizen's last message) is
//!   [`SendFailure::OutsideWindow`]: the caller sends an approved template instead.
//! - **131026** (undeliverable: not on WhatsApp, or blocked us) is [`SendFailure::Blocked`]: the
//!   caller marks the contact inactive. Anything else is [`SendFailure::Other`].

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendFailure {
    #[error("outside the 24-hour customer-service window")]
    OutsideWindow,
    #[error("the citizen cannot be reached (blocked or not on WhatsApp)")]
    Blocked,
    #[error("rate limited by Meta")]
    RateLimited,
    #[error("{0}")]
    Other(String),
}

pub const OUTSIDE_WINDOW: i64 = 131_047;
pub const THROUGHPUT: i64 = 130_429;
pub const PAIR_RATE_LIMIT: i64 = 131_056;
pub const UNDELIVERABLE: i64 = 131_026;

pub struct GraphSender {
    http: reqwest::Client,
    messages_url: String,
    token: SecretString,
    gap: Duration,
    next: Mutex<Instant>,
    attempts: u32,
    backoff: Duration,
}

impl GraphSender {
    pub fn new(
        api_url: &str,
        phone_number_id: &str,
        token: SecretString,
        messages_per_second: u32,
    ) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
        Ok(Self {
            http,
            messages_url: format!("{}/{phone_number_id}/messages", api_url.trim_end_matches('/')),
            token,
            gap: Duration::from_secs(1) / messages_per_second.max(1),
            next: Mutex::new(Instant::now()),
            attempts: 4,
            backoff: Duration::from_millis(500),
        })
    }

    /// Shorter waits (tests).
    pub fn with_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// Waits for this process's next send slot.
    async fn pace(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + self.gap;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// Sends one message; returns Meta's message id.
    pub async fn send(&self, body: &Value) -> Result<String, SendFailure> {
        let mut backoff = self.backoff;
        for attempt in 1..=self.attempts {
            self.pace().await;
            let response = self
                .http
                .post(&self.messages_url)
                .bearer_auth(self.token.expose_secret())
                .json(body)
                .send()
                .await;
            let failure = match response {
                Err(e) => SendFailure::Other(format!("network: {e}")),
                Ok(response) => {
                    let status = response.status();
                    let json: Value = response.json().await.unwrap_or(Value::Null);
                    if status.is_success() {
                        return Ok(json["messages"][0]["id"].as_str().unwrap_or_default().to_owned());
                    }
                    match json["error"]["code"].as_i64() {
                        Some(OUTSIDE_WINDOW) => return Err(SendFailure::OutsideWindow),
                        Some(UNDELIVERABLE) => return Err(SendFailure::Blocked),
                        Some(THROUGHPUT | PAIR_RATE_LIMIT) => SendFailure::RateLimited,
                        _ if status.as_u16() == 429 => SendFailure::RateLimited,
                        _ if status.is_server_error() => SendFailure::Other(format!("Graph API {status}")),
                        code => return Err(SendFailure::Other(format!("Graph API {status}, error {code:?}"))),
                    }
                }
            };
            tracing::warn!(attempt, error = %failure, "WhatsApp send failed; backing off");
            if attempt < self.attempts {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
            } else {
                return Err(failure);
            }
        }
        Err(SendFailure::Other("no attempt made".into()))
    }
}
