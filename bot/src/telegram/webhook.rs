//! Webhook mode: Telegram pushes updates to our HTTPS endpoint instead of being polled.
//!
//! Needed to run several `loket serve` processes behind a load balancer (long polling allows
//! only one consumer per bot). The endpoint checks Telegram's
//! `X-Telegram-Bot-Api-Secret-Token` header against the secret we register with
//! `setWebhook` (teloxide's axum listener refuses requests without it), and the webhook is
//! deleted again on shutdown.

use super::{TelegramDeps, build_dispatcher, commands::Command};
use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};
use std::future::Future;
use std::net::SocketAddr;
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
    let server = tokio::spawn(async move { axum::serve(tcp, router).with_graceful_shutdown(stop_flag).await });
    if let Err(error) = bot.set_my_commands(Command::menu()).await {
        tracing::warn!(%error, "cannot register the command menu with Telegram");
    }
    tokio::spawn(async move {
        shutdown.await;
        stop.stop();
    });
    tracing::info!(url = %config.url, address = %config.address, "telegram webhook started");
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
