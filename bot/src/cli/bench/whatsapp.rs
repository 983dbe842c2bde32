//! The WhatsApp figure of `loket bench`: outbound Cloud API messages per second through the real
//! HTTP server and inbox worker, against the fake Graph API.
//!
//! The whole `Application` (with the reindexer's answer engine and `[whatsapp]` pointing at an
//! in-process stand-in for the Graph API's messages endpoint ([`Recipient`]: it accepts every
//! message and counts it per recipient; the test fake of `loket-fakes` is a dev-only crate and
//! stays out of the product), its pacing raised out of the way) serves HTTP on 127.0.0.1:0 over
//! a scratch database (SQLite, or PostgreSQL at the bench's server). Each of `messages` citizens (a WhatsApp id of its own) sends one
//! evaluation question as a signed webhook call, [`IN_FLIGHT`] calls at a time; the run ends when
//! every citizen has been answered. Measured: webhook calls accepted, Cloud API messages sent
//! (an answer with buttons is one interactive message, a long one several), messages/s from the
//! first call to the last answer, and how many citizens got an answer. The inbox is worked by
//! the default number of inbox workers of one process (`[whatsapp] inbox_workers`; the bench
//! honours `LOKET_WHATSAPP__INBOX_WORKERS`), woken by the webhook, so this is the figure of one `loket serve`. Figures are measured, never asserted.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Json;
use axum::extract::State;
use axum::routing::post;
use secrecy::SecretString;
use serde_json::Value;
use serde_json::json;
use tokio::sync::oneshot;

use crate::configuration::Settings;
use crate::reindex::Reindexer;
use crate::startup::Application;
use crate::storage::Store;

/// Webhook calls in flight at once.
pub(super) const IN_FLIGHT: usize = 32;
/// The longest wait for any progress before the run is declared stuck.
const STALL: Duration = Duration::from_secs(60);
const SECRET: &str = "bench-app-secret";

pub(super) struct WhatsAppFigures {
    /// Citizens' messages (one question each, from distinct WhatsApp ids).
    pub(super) inbound: usize,
    /// Cloud API messages loket sent.
    pub(super) outbound: usize,
    pub(super) elapsed: Duration,
    /// Citizens who got at least one message back.
    pub(super) answered: usize,
    /// Inbox workers the process ran.
    pub(super) workers: usize,
}

/// The Graph API's `POST /{version}/{phone-number-id}/messages`, accepting everything: the
/// recipients of the messages it took, in order.
#[derive(Clone, Default)]
struct Recipient(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

impl Recipient {
    async fn start(&self) -> anyhow::Result<String> {
        async fn messages(State(seen): State<Recipient>, Json(body): Json<Value>) -> Json<Value> {
            let to = body["to"].as_str().unwrap_or_default().to_owned();
            let mut seen = seen.0.lock().unwrap_or_else(|e| e.into_inner());
            seen.push(to);
            Json(json!({ "messaging_product": "whatsapp", "messages": [{ "id": format!("wamid.out{}", seen.len()) }] }))
        }
        let app = axum::Router::new()
            .route("/v21.0/{phone}/messages", post(messages))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(format!("http://{address}/v21.0"))
    }

    fn sent(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

fn wa_id(i: usize) -> String {
    format!("6281{i:09}")
}

fn webhook_body(i: usize, question: &str) -> Vec<u8> {
    let from = wa_id(i);
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "1", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "phone_number_id": "555" },
            "contacts": [{ "profile": { "name": "Warga" }, "wa_id": from }],
            "messages": [{ "from": from, "id": format!("wamid.bench{i}"), "timestamp": "1755655200",
                           "type": "text", "text": { "body": question } }],
        }}]}],
    }))
    .unwrap_or_default()
}

pub(super) async fn measure(
    database_url: &str,
    standards: &Path,
    questions: &[String],
    messages: usize,
) -> anyhow::Result<WhatsAppFigures> {
    anyhow::ensure!(!questions.is_empty(), "no questions to send");
    let fake = Recipient::default();
    let api_url = fake.start().await?;
    let store = Store::connect(database_url).await?;
    let mut settings = Settings {
        database_url: database_url.to_owned(),
        http_addr: "127.0.0.1:0".parse()?,
        standards_dir: Some(standards.to_owned()),
        ..Settings::default()
    };
    let wa = &mut settings.whatsapp;
    wa.access_token = Some(SecretString::from("bench-access-token"));
    wa.app_secret = Some(SecretString::from(SECRET));
    wa.verify_token = Some(SecretString::from("bench-verify-token"));
    wa.phone_number_id = "555".into();
    wa.api_url = api_url;
    // Meta's pacing is not what is measured here: loket's own path is.
    wa.messages_per_second = 1_000_000;
    // The default, or what `LOKET_WHATSAPP__INBOX_WORKERS` says (as for `loket serve`).
    if let Some(n) = std::env::var("LOKET_WHATSAPP__INBOX_WORKERS")
        .ok()
        .and_then(|n| n.trim().parse().ok())
    {
        wa.inbox_workers = n;
    }
    let workers = wa.inbox_workers;
    let app = Application::build_with_store(settings.clone(), store.clone()).await?;
    let (reindexer, _) = Reindexer::start(
        standards.to_owned(),
        store.clone(),
        &settings,
        app.open311().clone(),
        true,
    )
    .await
    .context("cannot load the standards")?;
    let app = app.with_reindexer(reindexer);
    let url = format!("http://127.0.0.1:{}/whatsapp/webhook", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let start = Instant::now();
    let mut accepted = 0;
    for chunk in (0..messages).collect::<Vec<_>>().chunks(IN_FLIGHT) {
        let mut calls = tokio::task::JoinSet::new();
        for &i in chunk {
            let body = webhook_body(i, &questions[i % questions.len()]);
            let signature = crate::whatsapp::webhook::sign(SECRET.as_bytes(), &body);
            let request = client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", signature)
                .body(body);
            calls.spawn(async move { request.send().await.is_ok_and(|r| r.status().is_success()) });
        }
        while let Some(ok) = calls.join_next().await {
            if ok.unwrap_or(false) {
                accepted += 1;
            }
        }
    }
    let mut answered = 0;
    let mut last_progress = (0, Instant::now());
    while answered < accepted {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let sent = fake.sent();
        answered = sent.iter().collect::<HashSet<_>>().len();
        if answered != last_progress.0 {
            last_progress = (answered, Instant::now());
        } else if last_progress.1.elapsed() > STALL {
            break;
        }
    }
    let elapsed = start.elapsed();
    let outbound = fake.sent().len();
    let _ = stop.send(());
    let _ = server.await;
    Ok(WhatsAppFigures {
        inbound: accepted,
        outbound,
        elapsed,
        answered,
        workers,
    })
}
