//! The web chat in a real headless Chromium (issue 14), against the real `loket serve
//! --no-telegram` binary on each backend, embedded the way an agency embeds it: a page on
//! another origin (the agency's site, served here on its own port) with one `<script>` tag.
//!
//! The citizen opens the widget, asks a question and gets the answer citing the decree, presses a
//! service-card button, files a complaint with `/lapor` through the buttons, leaves, comes back
//! (the conversation is still there), and sees the status notification after the officer acts
//! through the handler API. Screenshots at desktop (1280 px) and phone (390 px) width land in
//! `target/browser-screenshots/`. Waits are bounded polls of the page, never fixed sleeps.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::response::Html;
use axum::routing::get;
use loket_acceptance::app::handlers_toml;
use loket_acceptance::browser::Browser;
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::{API_KEY, FakeHandler, WEBHOOK_SECRET};

use crate::both_backends;

const WAIT: Duration = Duration::from_secs(30);

/// The agency's own site on another origin: one page embedding the widget with one tag.
async fn agency_site(loket: Arc<OnceLock<String>>) -> String {
    let page = move || {
        let loket = loket.get().cloned().unwrap_or_default();
        async move {
            Html(format!(
                "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                 <title>Kecamatan Beji</title></head><body><h1>Kecamatan Beji</h1>\
                 <p>Selamat datang di situs resmi Kecamatan Beji.</p>\
                 <script src=\"{loket}/chat/widget.js\" async data-title=\"Tanya Kecamatan Beji\" \
                 data-agency=\"Kecamatan Beji\"></script></body></html>"
            ))
        }
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the site");
    let address = format!("http://{}", listener.local_addr().expect("site address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, Router::new().route("/", get(page))).await;
    });
    address
}

/// Waits (bounded) until the chat's transcript contains `expected`; returns it.
async fn transcript_with(browser: &Browser, expected: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = browser.text("#chat-log").await;
        if text.contains(expected) {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{expected:?} never appeared in the chat:\n{text}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The number of the newest message the chat shows.
async fn last_seq(browser: &Browser) -> i64 {
    browser
        .execute(
            "const m = document.querySelectorAll('#chat-log .msg'); \
             return m.length ? Number(m[m.length - 1].getAttribute('data-seq')) : 0;",
            vec![],
        )
        .await
        .as_i64()
        .unwrap_or(0)
}

/// Waits (bounded) until loket's messages after number `seq` contain `expected`; returns them.
async fn replies_after(browser: &Browser, seq: i64, expected: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = browser
            .execute(
                "return Array.from(document.querySelectorAll('#chat-log .msg-loket'))\
                   .filter(m => Number(m.getAttribute('data-seq')) > arguments[0])\
                   .map(m => m.innerText).join('\\n');",
                vec![serde_json::json!(seq)],
            )
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if text.contains(expected) {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{expected:?} never came after message {seq}:\n{}",
            browser.text("#chat-log").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Presses the button of the newest message matching `selector` (an attribute selector).
async fn press(browser: &Browser, selector: &str, expected: &str) -> String {
    let seq = last_seq(browser).await;
    browser
        .click(&format!("#chat-log .msg:last-child button{selector}"))
        .await;
    replies_after(browser, seq, expected).await
}

/// Types `text` and sends it; waits for loket's reply containing `expected`.
async fn say(browser: &Browser, text: &str, expected: &str) -> String {
    let seq = last_seq(browser).await;
    browser.fill("#chat-input", text).await;
    browser.click("#chat-send").await;
    replies_after(browser, seq, expected).await
}

/// Opens the widget on the agency's page and enters its frame.
async fn open_widget(browser: &Browser, site: &str) {
    browser.switch_to_page().await;
    browser.goto(site).await;
    browser.click("#loket-chat-launcher").await;
    browser.switch_to_frame("#loket-chat-panel iframe").await;
}

fn ticket_in(text: &str) -> String {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .find(|w| w.starts_with("LKT-") && w.len() == 13)
        .unwrap_or_else(|| panic!("no ticket in {text}"))
        .to_owned()
}

async fn a_citizen_asks_files_and_hears_back_in_the_widget(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let loket_address = Arc::new(OnceLock::new());
    let site = agency_site(loket_address.clone()).await;
    let env = vec![
        ("DATABASE_URL", url.clone()),
        ("LOKET_HANDLERS", dir.join("handlers.toml").display().to_string()),
        (
            "LOKET_STANDARDS_DIR",
            loket_acceptance::standards_dir().display().to_string(),
        ),
        ("LOKET_DELIVERY__IDLE_POLL_MILLIS", "50".into()),
        ("LOKET_WEBCHAT__ENABLED", "true".into()),
        ("LOKET_WEBCHAT__ALLOWED_ORIGINS", format!("[\"{site}\"]")),
    ];
    let loket = LoketProcess::start(&binary, &dir, &env, "webchat").await;
    loket_address.set(loket.address.clone()).unwrap();

    let browser = Browser::start(1280, 900).await;
    open_widget(&browser, &site).await;
    let welcome = transcript_with(&browser, "Selamat datang").await;
    assert!(
        !welcome.contains("Telegram"),
        "the welcome names no other channel: {welcome}"
    );
    let title = browser.text("#chat-title").await;
    assert_eq!(title, "Tanya Kecamatan Beji");

    // A question, answered from the decree with its citation.
    let answer = say(&browser, "syarat surat keterangan ahli waris apa saja", "Sumber:").await;
    assert!(answer.contains("Ahli Waris"), "{answer}\n{}", loket.log());
    assert!(answer.contains("060/20/424.302/2023"), "the decree is cited: {answer}");
    // A button of the service card: the fee of the same service.
    let fee = press(&browser, "[data-choice$=':fee']", "Ahli Waris").await;
    assert!(fee.contains("Biaya"), "{fee}");
    browser.screenshot("webchat-answer-desktop").await;

    // A complaint through /lapor and the buttons.
    let seq = last_seq(&browser).await;
    browser.click("button[data-command='/lapor']").await;
    replies_after(&browser, seq, "pengaduan").await;
    press(&browser, "[data-choice='lp:svc']", "Ceritakan").await;
    say(
        &browser,
        "Petugas meminta biaya tambahan untuk surat ahli waris padahal di standar pelayanan gratis",
        "Di mana kejadiannya",
    )
    .await;
    say(&browser, "Kantor Kecamatan Beji, loket pelayanan", "Kapan kejadiannya").await;
    press(&browser, "[data-choice='lp:date:1']", "foto").await;
    let hint = browser.text("#chat-status").await;
    assert!(
        hint.contains("hanya foto"),
        "the page says which files the web chat takes: {hint}"
    );
    // The attachments step offers the photo button; a photo chosen there is uploaded as itself
    // and kept with the complaint.
    let hidden = browser
        .execute("return document.getElementById('chat-photo').hidden;", vec![])
        .await;
    assert_eq!(hidden, serde_json::Value::Bool(false), "the photo button is shown");
    let seq = last_seq(&browser).await;
    browser
        .execute(
            "const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0)); \
             const files = new DataTransfer(); \
             files.items.add(new File([bytes], 'foto.png', { type: 'image/png' })); \
             const input = document.getElementById('chat-photo-file'); \
             input.files = files.files; \
             input.dispatchEvent(new Event('change'));",
            vec![serde_json::json!("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ")],
        )
        .await;
    replies_after(&browser, seq, "Lampiran diterima").await;
    press(&browser, "[data-choice='lp:done']", "identitas").await;
    press(&browser, "[data-choice='lp:anon:0']", "umum").await;
    press(&browser, "[data-choice='lp:pub:0']", "Kirim").await;
    let filed = press(&browser, "[data-choice='lp:ok']", "LKT-").await;
    let ticket = ticket_in(&filed[filed.find("LKT-").unwrap()..]);

    // The citizen leaves and comes back: the conversation is still there.
    open_widget(&browser, &site).await;
    let again = transcript_with(&browser, &ticket).await;
    assert!(again.contains("Sumber:"), "the earlier answer is still shown: {again}");

    // The officer acts through the handler API; the notice appears in the open chat.
    let client = reqwest::Client::new();
    let response = client
        .post(format!("{}/api/v1/complaints/{ticket}/status", loket.address))
        .bearer_auth(API_KEY)
        .json(&serde_json::json!({ "status": "diverifikasi", "note": "Berkas lengkap, diteruskan." }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        reqwest::StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let notified = transcript_with(&browser, "Diverifikasi").await;
    assert!(notified.contains(&format!("Kabar pengaduan {ticket}")), "{notified}");
    assert!(notified.contains("Berkas lengkap"), "{notified}");
    browser.switch_to_page().await;
    browser.screenshot("webchat-widget-desktop").await;

    // Phone width: the chat fills the screen.
    browser.resize(390, 844).await;
    open_widget(&browser, &site).await;
    transcript_with(&browser, "Diverifikasi").await;
    browser.switch_to_page().await;
    let width = browser
        .execute(
            "return document.getElementById('loket-chat-panel').getBoundingClientRect().width;",
            vec![],
        )
        .await;
    let viewport = browser.execute("return window.innerWidth;", vec![]).await;
    let (width, viewport) = (width.as_f64().unwrap(), viewport.as_f64().unwrap());
    assert!(
        width >= viewport * 0.95 && width <= viewport,
        "full width on a phone: {width} of {viewport}"
    );
    browser.screenshot("webchat-widget-phone").await;
    browser.quit().await;

    // Plain HTTP: a post from another site is refused, the page allows only the agency to frame it.
    let refused = client
        .post(format!("{}/chat/api/session", loket.address))
        .header("origin", "https://penipu.example")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);
    let page = client.get(format!("{}/chat", loket.address)).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.ends_with(&format!("frame-ancestors 'self' {site}")), "{csp}");
    drop(loket);
}

both_backends!(a_citizen_asks_files_and_hears_back_in_the_widget);
