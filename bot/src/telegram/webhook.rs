//! Webhook mode: Telegram pushes updates to our HTTPS endpoint instead of being polled.
//!
//! Needed to run several `loket serve` processes behind a load balancer (long polling allows
//! only one consumer per bot). The endpoint checks Telegram's
//! `X-Telegram-Bot-Api-Secret-Token` header against the secret we register with
//! `setWebhook`, and the webhook is deleted again on shutdown. teloxide's listener compares the
//! header with `!=` (its time depends on how much of a guess is right), so our own layer in
//! front ([`require_secret`]) compares in constant time and refuses a wrong or missing secret
//! with 401 before teloxide sees the request.

use super::{TelegramDeps, build_dispatcher, commands::Command};
use anyhow::Context;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use teloxide::prelude::*;
use teloxide::update_listeners::UpdateListener;
use teloxide::update_listeners::webhooks::{Options, axum_to_router};

/// Where and how Telegram reaches us. `Debug` hides the secret.
#[derive(Clone)]
pub struct WebhookConfig {
    /// Public HTTPS URL Telegram posts to (e.g. `https://loket.example.go.id/telegram`).
    pub url: reqwest::Url,
    /// Local address the webhook server listens on (behind the TLS-terminating proxy).
    pub address: SocketAddr,
    /// Secret Telegram sends in `X-Telegram-Bot-Api-Secret-Token` (1-256 of `A-Za-z0-9_-`).
    pub secret: SecretString,
}

impl std::fmt::Debug for WebhookConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookConfig")
            .field("url", &self.url.as_str())
            .field("address", &self.address)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl WebhookConfig {
    /// Checks the secret against Telegram's rules; generates one when none is given. The URL
    /// must be https:// (plain http only on a loopback host, for tests).
    pub fn new(url: reqwest::Url, address: SocketAddr, secret: Option<String>) -> anyhow::Result<Self> {
        let secret = match secret.filter(|s| !s.is_empty()) {
            Some(secret) => {
                anyhow::ensure!(
                    crate::configuration::is_valid_webhook_secret(&secret),
                    "telegram.webhook.secret (LOKET_WEBHOOK_SECRET) must be 1 to 256 characters of \
                     A-Z, a-z, 0-9, '_' and '-'"
                );
                secret
            }
            None => {
                use rand::Rng;
                rand::rng()
                    .sample_iter(rand::distr::Alphanumeric)
                    .take(48)
                    .map(char::from)
                    .collect()
            }
        };
        let loopback = url
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .is_some_and(|h| h == "localhost" || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()));
        anyhow::ensure!(
            url.scheme() == "https" || (url.scheme() == "http" && loopback),
            "telegram.webhook.url must be https:// (Telegram only posts to HTTPS)"
        );
        Ok(Self {
            url,
            address,
            secret: SecretString::from(secret),
        })
    }
}

/// The header Telegram sends the secret in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Compares two secrets in constant time: both are hashed first, so neither the position of the
/// first wrong byte nor a length difference changes the time taken.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lets a request through only with our secret in `X-Telegram-Bot-Api-Secret-Token`.
async fn require_secret(State(secret): State<Arc<SecretString>>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(SECRET_HEADER)
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if same_secret(given, secret.expose_secret().as_bytes()) {
        next.run(request).await
    } else {
        tracing::warn!("telegram webhook request without the right secret refused");
        StatusCode::UNAUTHORIZED.into_response()
    }
}

/// `router` behind [`require_secret`].
fn guarded(router: axum::Router, secret: &SecretString) -> axum::Router {
    let secret = Arc::new(secret.clone());
    router.layer(axum::middleware::from_fn_with_state(secret, require_secret))
}

/// Registers the webhook, serves it until `shutdown` resolves, and deletes it on the way out.
pub async fn run_webhook(
    bot: Bot,
    deps: TelegramDeps,
    config: WebhookConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let tcp = tokio::net::TcpListener::bind(config.address)
        .await
        .with_context(|| format!("cannot listen for the Telegram webhook on {}", config.address))?;
    let options =
        Options::new(config.address, config.url.clone()).secret_token(config.secret.expose_secret().to_owned());
    let (mut listener, stop_flag, router) = axum_to_router(bot.clone(), options)
        .await
        .context("Telegram refused setWebhook")?;
    let stop = listener.stop_token();
    let router = guarded(router, &config.secret);
    // The same slow-client limits as the API's port (`[http]` defaults): this port is public.
    let limits = crate::http::HttpSettings::default().limits();
    let server = tokio::spawn(crate::http::serve(tcp, router, limits, stop_flag));
    if let Err(error) = bot.set_my_commands(Command::menu()).await {
        tracing::warn!(%error, "cannot register the command menu with Telegram");
    }
    tokio::spawn(async move {
        shutdown.await;
        stop.stop();
    });
    tracing::info!(
        url = %crate::routing::redact_url(&config.url),
        address = %config.address,
        "telegram webhook started"
    );
    let mut dispatcher = build_dispatcher(bot, &deps);
    dispatcher
        .dispatch_with_listener(
            listener,
            LoggingErrorHandler::with_custom_text("telegram webhook listener failed"),
        )
        .await;
    server
        .await
        .context("webhook server task failed")?
        .context("webhook server failed")?;
    tracing::info!("telegram webhook stopped");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_follow_telegram_rules() {
        let url: reqwest::Url = "https://loket.example.go.id/telegram".parse().unwrap();
        let address: SocketAddr = "127.0.0.1:8443".parse().unwrap();
        let generated = WebhookConfig::new(url.clone(), address, None).unwrap();
        assert_eq!(generated.secret.expose_secret().len(), 48);
        assert!(WebhookConfig::new(url.clone(), address, Some("abc_DEF-123".into())).is_ok());
        assert!(WebhookConfig::new(url.clone(), address, Some("no spaces allowed".into())).is_err());
        let plain: reqwest::Url = "http://loket.example.go.id/telegram".parse().unwrap();
        assert!(WebhookConfig::new(plain, address, None).is_err());
    }

    /// Regression (issue 13): the secret header was only checked by teloxide, with `!=`.
    #[tokio::test]
    async fn the_secret_is_checked_in_our_own_layer() {
        use tower::ServiceExt;
        let secret = SecretString::from("rahasia_Webhook-42");
        let inner = axum::Router::new().route("/telegram", axum::routing::post(|| async { "diteruskan" }));
        let app = guarded(inner, &secret);
        let send = |header: Option<&'static str>| {
            let app = app.clone();
            async move {
                let mut request = axum::http::Request::post("/telegram");
                if let Some(value) = header {
                    request = request.header(SECRET_HEADER, value);
                }
                let response = app
                    .oneshot(request.body(axum::body::Body::empty()).unwrap())
                    .await
                    .unwrap();
                response.status()
            }
        };
        assert_eq!(send(Some("rahasia_Webhook-42")).await, StatusCode::OK);
        for wrong in [
            None,
            Some(""),
            Some("rahasia_Webhook-4"),
            Some("rahasia_Webhook-421"),
            Some("x"),
        ] {
            assert_eq!(send(wrong).await, StatusCode::UNAUTHORIZED, "{wrong:?}");
        }
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd") && !same_secret(b"", b"abc"));
    }

    #[test]
    fn debug_hides_the_secret() {
        let url: reqwest::Url = "https://loket.example.go.id/telegram".parse().unwrap();
        let config = WebhookConfig::new(
            url,
            "127.0.0.1:8443".parse().unwrap(),
            Some("rahasia_Webhook-42".into()),
        )
        .unwrap();
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("rahasia_Webhook-42") && shown.contains("[redacted]"),
            "{shown}"
        );
    }
}
