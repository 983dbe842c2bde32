//! WhatsApp through the real `loket serve --no-telegram` binary, configured only by
//! `LOKET_WHATSAPP__*` variables: Meta's webhook verification is echoed for the right verify
//! token and refused (403) for a wrong one; a signed message posted to `/whatsapp/webhook` is
//! acknowledged, worked from the inbox through the conversation core and answered through the
//! fake Graph API (`loket_fakes::graph`) with the access token; a forged signature is refused
//! (401). That a refused call has no effect is the library's test (`whatsapp::tests`).
//!
//! Every wait is on the fake's recorded messages, bounded, never a fixed sleep.

use std::path::PathBuf;
use std::time::Duration;

use loket::whatsapp::webhook::sign;
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::{FakeHandler, WEBHOOK_SECRET};
use loket_fakes::graph::{FakeGraph, readable};
use serde_json::{Value, json};

use crate::both_backends;

const APP_SECRET: &str = "rahasia-aplikasi-meta-uji";
const VERIFY_TOKEN: &str = "token-verifikasi-uji";
const ACCESS_TOKEN: &str = "EAAG-token-akses-uji";
const CITIZEN: &str = "6281234567890";
const WAIT: Duration = Duration::from_secs(60);

fn handlers_toml(webhook_url: &str) -> String {
    format!(
        r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
default = true
webhook_url = "{webhook_url}"
webhook_secret = "{WEBHOOK_SECRET}"
"#
    )
}

fn notification(id: &str, text: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "object": "whatsapp_business_account",
        "entry": [{ "id": "1", "changes": [{ "field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": { "phone_number_id": "555" },
            "contacts": [{ "profile": { "name": "Warga" }, "wa_id": CITIZEN }],
            "messages": [{ "from": CITIZEN, "id": id, "timestamp": "1755655200",
                           "type": "text", "text": { "body": text } }],
        }}]}],
    }))
    .unwrap()
}

/// Waits (bounded) until the fake has recorded at least `n` messages.
async fn sent_at_least(fake: &FakeGraph, n: usize) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let sent = fake.sent();
        if sent.len() >= n {
            return sent;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "only {} WhatsApp messages sent: {sent:?}",
            sent.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn serve_answers_whatsapp_when_configured(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let fake = FakeGraph::start().await;
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let env = vec![
        ("DATABASE_URL", url.clone()),
        ("LOKET_HANDLERS", dir.join("handlers.toml").display().to_string()),
        (
            "LOKET_STANDARDS_DIR",
            loket_acceptance::standards_dir().display().to_string(),
        ),
        ("LOKET_DELIVERY__IDLE_POLL_MILLIS", "50".into()),
        ("LOKET_WHATSAPP__ACCESS_TOKEN", ACCESS_TOKEN.into()),
        ("LOKET_WHATSAPP__APP_SECRET", APP_SECRET.into()),
        ("LOKET_WHATSAPP__VERIFY_TOKEN", VERIFY_TOKEN.into()),
        ("LOKET_WHATSAPP__PHONE_NUMBER_ID", "555".into()),
        ("LOKET_WHATSAPP__API_URL", fake.api_url()),
    ];
    let process = LoketProcess::start(&binary, &dir, &env, "serve").await;
    let client = reqwest::Client::new();
    let webhook = format!("{}/whatsapp/webhook", process.address);

    let verify = |token: &str| {
        client
            .get(&webhook)
            .query(&[
                ("hub.mode", "subscribe"),
                ("hub.verify_token", token),
                ("hub.challenge", "1158201444"),
            ])
            .send()
    };
    let ok = verify(VERIFY_TOKEN).await.unwrap();
    assert_eq!(ok.status(), reqwest::StatusCode::OK);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    assert_eq!(verify("salah").await.unwrap().status(), reqwest::StatusCode::FORBIDDEN);

    // A forged call is refused; the signed one is answered.
    let forged = notification("wamid.palsu", "/bantuan");
    let refused = client
        .post(&webhook)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sign(b"bukan-rahasianya", &forged))
        .body(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let body = notification("wamid.uji1", "syarat surat keterangan ahli waris");
    let accepted = client
        .post(&webhook)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sign(APP_SECRET.as_bytes(), &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), reqwest::StatusCode::OK);
    let sent = sent_at_least(&fake, 1).await;
    let text: Vec<String> = sent.iter().map(readable).collect();
    let text = text.join("\n");
    assert!(text.contains("Ahli Waris"), "{text}\n{}", process.log());
    assert!(sent.iter().all(|m| m["to"] == CITIZEN), "{sent:?}");
    assert!(fake.tokens().iter().all(|t| *t == format!("Bearer {ACCESS_TOKEN}")));
    drop(process);
}

both_backends!(serve_answers_whatsapp_when_configured);
