//! The web chat's figure of `loket bench`: round trips through the real HTTP server, as the chat
//! page makes them.
//!
//! The whole `Application` (with the reindexer's answer engine and `[webchat] enabled`) serves
//! HTTP on 127.0.0.1:0 over a scratch database. `SESSIONS` citizens open a session each and send
//! the evaluation questions in turn, `SESSIONS` requests in flight: each round trip is one
//! `POST /chat/api/messages` (the Origin check, the session lookup, the citizen's line stored,
//! the conversation core, the dialogue state and the replies stored, the answer read back), timed
//! from send to the last byte. Figures are measured, never asserted.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::configuration::Settings;
use crate::reindex::Reindexer;
use crate::startup::Application;
use crate::storage::Store;

/// Citizens chatting at once.
pub(super) const SESSIONS: usize = 8;

pub(super) struct WebChatFigures {
    pub(super) messages: usize,
    pub(super) elapsed: Duration,
    pub(super) p50: Duration,
    pub(super) p99: Duration,
    /// Round trips whose reply had words (an answer, a choice list or a refusal).
    pub(super) answered: usize,
}

pub(super) async fn measure(
    database_url: &str,
    standards: &Path,
    questions: &[String],
    messages: usize,
) -> anyhow::Result<WebChatFigures> {
    let store = Store::connect(database_url).await?;
    let mut settings = Settings {
        database_url: database_url.to_owned(),
        http_addr: "127.0.0.1:0".parse()?,
        standards_dir: Some(standards.to_owned()),
        ..Settings::default()
    };
    settings.webchat.enabled = true;
    // One address sends everything here: the per-address limits are not what is measured.
    settings.webchat.requests_per_address_per_minute = u32::MAX;
    settings.webchat.messages_per_session_per_minute = u32::MAX;
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
    let app = app.with_reindexer(reindexer).without_workers();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let mut tokens = Vec::with_capacity(SESSIONS);
    for _ in 0..SESSIONS {
        let created: Value = client
            .post(format!("{base}/chat/api/session"))
            .header("origin", &base)
            .json(&json!({}))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        tokens.push(created["token"].as_str().context("no session token")?.to_owned());
    }
    let per_session = messages.div_ceil(SESSIONS).max(1);
    let started = Instant::now();
    let mut citizens = Vec::with_capacity(SESSIONS);
    for (i, token) in tokens.into_iter().enumerate() {
        let client = client.clone();
        let base = base.clone();
        let questions: Vec<String> = (0..per_session)
            .map(|k| questions[(i * per_session + k) % questions.len()].clone())
            .collect();
        citizens.push(tokio::spawn(async move {
            let mut samples = Vec::with_capacity(questions.len());
            let mut answered = 0;
            let mut after = 0;
            for question in questions {
                let sent = Instant::now();
                let reply: Value = client
                    .post(format!("{base}/chat/api/messages"))
                    .header("origin", &base)
                    .bearer_auth(&token)
                    .json(&json!({ "text": question, "after": after }))
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                samples.push(sent.elapsed());
                let messages = reply["messages"].as_array().cloned().unwrap_or_default();
                after = messages.last().and_then(|m| m["seq"].as_i64()).unwrap_or(after);
                let said = messages
                    .iter()
                    .filter(|m| m["from"] == "loket")
                    .any(|m| m["lines"].as_array().is_some_and(|l| !l.is_empty()));
                answered += usize::from(said);
            }
            anyhow::Ok((samples, answered))
        }));
    }
    let mut samples = Vec::with_capacity(messages);
    let mut answered = 0;
    for citizen in citizens {
        let (mut mine, n) = citizen.await.context("a bench citizen panicked")??;
        samples.append(&mut mine);
        answered += n;
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let _ = server.await;
    samples.sort();
    Ok(WebChatFigures {
        messages: samples.len(),
        elapsed,
        p50: super::knowledge::percentile(&samples, 0.50),
        p99: super::knowledge::percentile(&samples, 0.99),
        answered,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_web_chat_bench_runs_on_sqlite() {
        let db = super::super::intake::ScratchDatabase::sqlite().unwrap();
        let standards = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let questions = vec!["syarat surat keterangan ahli waris".to_owned(), "biaya akta".to_owned()];
        let figures = measure(&db.url, &standards, &questions, 16).await;
        db.destroy().await.unwrap();
        let figures = figures.unwrap();
        assert_eq!(figures.messages, 16);
        assert_eq!(figures.answered, 16);
        assert!(figures.p50 <= figures.p99);
    }
}
