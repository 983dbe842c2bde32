//! The web console in a real headless Chromium (issue 17), against the real `loket serve
//! --no-telegram` binary on each backend.
//!
//! Accounts are made with the real `loket accounts add` command and its one-time setup link. An
//! officer of `kecamatan-beji` sets a password, logs in, filters the inbox, verifies, forwards and
//! resolves a complaint with a note (the citizen's notification task is then in the outbox), and
//! a form posted without its CSRF token is refused with nothing written. An officer of `dinsos`
//! gets 404 for that complaint, in the browser and over plain HTTP. The timeline names the officer
//! who verified and resolved. Screenshots at phone (390 px) and desktop (1280 px) width land in
//! `target/browser-screenshots/`. The supervisor's and the administrator's pages are driven in
//! `console_roles.rs` with these helpers. A photo the citizen sent opens from the complaint page,
//! fetched from the (fake) Telegram Bot API through loket, for that handler's officers only.

use std::path::{Path, PathBuf};
use std::process::Command;

use loket::domain::{ComplaintStatus, NewComplaint, RawComplaint};
use loket::storage::{Complaint, DeliveryKind, Store, SubmitOptions};
use loket::telegram::fake_api::{self, FakeBotApi};
use loket_acceptance::app::{CITIZEN_CHAT, SERVICE_CODE, handlers_toml};
use loket_acceptance::browser::Browser;
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::{FakeHandler, WEBHOOK_SECRET};

use crate::both_backends;

pub(crate) const PASSWORD: &str = "sandi-uji-konsol-2025";

pub(crate) fn env(url: &str, dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", url.to_owned()),
        ("LOKET_HANDLERS", dir.join("handlers.toml").display().to_string()),
        (
            "LOKET_STANDARDS_DIR",
            loket_acceptance::standards_dir().display().to_string(),
        ),
        ("LOKET_DELIVERY__IDLE_POLL_MILLIS", "50".into()),
    ]
}

/// Runs `loket accounts add ...` and returns the setup link it printed.
pub(crate) fn add_account(
    binary: &Path,
    dir: &Path,
    env: &[(&str, String)],
    public_url: &str,
    args: &[&str],
) -> String {
    let output = Command::new(binary)
        .args(["accounts", "add"])
        .args(args)
        .current_dir(dir)
        .env("LOKET_CONFIG", dir.join("no-config.toml"))
        .env("LOKET_CONSOLE__PUBLIC_URL", public_url)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("cannot run loket accounts add");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "loket accounts add failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("setup link: "))
        .unwrap_or_else(|| panic!("no setup link in: {stdout}"))
        .trim()
        .to_owned()
}

pub(crate) async fn file(store: &Store, handler: &str, title: &str, description: &str) -> Complaint {
    let raw = RawComplaint {
        chat_id: CITIZEN_CHAT,
        service_id: Some(SERVICE_CODE.into()),
        category: "kependudukan".into(),
        title: title.into(),
        description: description.into(),
        ..RawComplaint::default()
    };
    let new = NewComplaint::parse(&raw, chrono::Utc::now().date_naive()).expect("valid complaint");
    let options = SubmitOptions {
        handler_id: Some(handler.into()),
        auto_verify: false,
    };
    store.submit_complaint(&new, &options).await.expect("intake")
}

/// Sets the password through the setup link and logs in; ends on the inbox.
pub(crate) async fn set_password_and_log_in(browser: &Browser, link: &str, base: &str, username: &str) {
    set_password_and_land(browser, link, base, username, "/console/inbox").await;
}

/// Sets the password through the setup link and logs in; ends on `landing` (the role's home).
pub(crate) async fn set_password_and_land(browser: &Browser, link: &str, base: &str, username: &str, landing: &str) {
    browser.goto(link).await;
    browser.fill("#password", PASSWORD).await;
    browser.fill("#confirm", PASSWORD).await;
    browser.click("form button[type=submit]").await;
    let saved = browser.wait_for_source("Kata sandi tersimpan").await;
    assert!(saved.contains("Kata sandi tersimpan"), "{saved}");
    browser.goto(&format!("{base}/console/login")).await;
    browser.fill("#username", username).await;
    browser.fill("#password", PASSWORD).await;
    browser.click("main form button[type=submit]").await;
    let url = browser.wait_for_url(landing).await;
    assert!(url.ends_with(landing), "{url}: {}", browser.source().await);
}

/// Sets the password through the one-time setup link over plain HTTP (form cookie + token).
pub(crate) async fn set_password_over_http(client: &reqwest::Client, link: &str) {
    let page = client.get(link).send().await.unwrap();
    let form_cookie = set_cookie(&page, "loket_form");
    let html = page.text().await.unwrap();
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field on the setup page")
        .to_owned();
    let response = client
        .post(link)
        .header("cookie", format!("loket_form={form_cookie}"))
        .form(&[("csrf", token.as_str()), ("password", PASSWORD), ("confirm", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER, "the password is set");
}

/// Logs in over plain HTTP (form cookie + token, then the session cookie) for status checks.
pub(crate) async fn http_session(client: &reqwest::Client, base: &str, username: &str) -> String {
    let page = client.get(format!("{base}/console/login")).send().await.unwrap();
    let form_cookie = set_cookie(&page, "loket_form");
    let html = page.text().await.unwrap();
    let token = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field on the login page")
        .to_owned();
    let response = client
        .post(format!("{base}/console/login"))
        .header("cookie", format!("loket_form={form_cookie}"))
        .form(&[("csrf", token.as_str()), ("username", username), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    set_cookie(&response, "loket_session")
}

fn set_cookie(response: &reqwest::Response, name: &str) -> String {
    let header = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned();
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(header.contains(flag), "{header}");
    }
    header[name.len() + 1..].split(';').next().unwrap().to_owned()
}

async fn officer_resolves_a_complaint_in_the_browser(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let env = env(&url, &dir);
    let loket = LoketProcess::start(&binary, &dir, &env, "console").await;
    let base = loket.address.clone();
    let budi = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &[
            "budi",
            "--name",
            "Budi Santoso",
            "--role",
            "officer",
            "--handler",
            "kecamatan-beji",
        ],
    );
    let sari = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &[
            "sari",
            "--name",
            "Sari Dewi",
            "--role",
            "officer",
            "--handler",
            "dinsos",
        ],
    );

    let store = Store::connect(&url).await.expect("open the database");
    let road = file(
        &store,
        "kecamatan-beji",
        "Jalan rusak di depan kantor kecamatan",
        "Lubang besar di jalan depan kantor kecamatan sudah dua minggu belum ditutup.",
    )
    .await;
    let ktp = file(
        &store,
        "kecamatan-beji",
        "Surat ahli waris belum selesai",
        "Sudah tiga minggu berkas saya di kecamatan belum diproses juga.",
    )
    .await;
    let other = file(
        &store,
        "dinsos",
        "Bantuan sosial belum cair",
        "Bantuan sosial bulan ini belum saya terima padahal sudah terdaftar.",
    )
    .await;

    let browser = Browser::start(1280, 900).await;
    set_password_and_log_in(&browser, &budi, &base, "budi").await;
    let inbox = browser.text("#inbox").await;
    assert!(
        inbox.contains(road.ticket.as_str()) && inbox.contains(ktp.ticket.as_str()),
        "{inbox}"
    );
    assert!(
        !inbox.contains(other.ticket.as_str()),
        "another handler's complaint listed: {inbox}"
    );

    // Filter by words: only the road complaint is left.
    browser.fill("#f-q", "jalan rusak").await;
    browser.click("#apply-filters").await;
    browser.wait_for_url("q=jalan").await;
    let filtered = browser.text("#inbox").await;
    assert!(filtered.contains(road.ticket.as_str()), "{filtered}");
    assert!(!filtered.contains(ktp.ticket.as_str()), "{filtered}");
    browser.screenshot("console-inbox-desktop").await;

    // Verify, forward, then resolve with a note.
    browser
        .click(&format!("a[href='/console/complaints/{}']", road.ticket.as_str()))
        .await;
    browser.click("#action-diverifikasi button").await;
    let label = ComplaintStatus::Diverifikasi.label();
    assert_eq!(browser.wait_for_text("#status", label).await, label);
    browser.click("#action-diteruskan button").await;
    let label = ComplaintStatus::Diteruskan.label();
    assert_eq!(browser.wait_for_text("#status", label).await, label);
    browser
        .fill("#note-selesai", "Lubang sudah ditambal oleh UPT jalan pada hari ini.")
        .await;
    browser.click("#action-selesai button").await;
    let label = ComplaintStatus::Selesai.label();
    assert_eq!(browser.wait_for_text("#status", label).await, label);
    let timeline = browser.text("#timeline").await;
    assert!(timeline.contains("Lubang sudah ditambal"), "{timeline}");
    // The officer, not just the unit, is named as who verified and resolved.
    assert_eq!(
        timeline.matches("Budi Santoso (budi)").count(),
        3,
        "verified, forwarded and resolved by the officer: {timeline}"
    );
    browser.screenshot("console-complaint-desktop").await;

    let resolved = store.get_by_ticket(&road.ticket).await.unwrap().unwrap();
    assert_eq!(resolved.status, ComplaintStatus::Selesai);
    let notifications: Vec<_> = store
        .deliveries_for_complaint(road.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|d| d.kind == DeliveryKind::Notify)
        .collect();
    assert_eq!(notifications.len(), 3, "one notification per change: {notifications:?}");
    assert!(notifications.iter().all(|d| d.chat_id == Some(CITIZEN_CHAT)));
    assert!(
        notifications
            .iter()
            .any(|d| d.payload.contains("Lubang sudah ditambal")),
        "the citizen is told the resolution note: {notifications:?}"
    );

    // A form posted without its CSRF token is refused and writes nothing.
    browser
        .goto(&format!("{base}/console/complaints/{}", ktp.ticket.as_str()))
        .await;
    browser
        .execute(
            "const form = document.querySelector('#note');\
             form.querySelector('input[name=csrf]').remove();\
             form.querySelector('textarea').value = 'tanpa token';\
             form.submit();",
            vec![],
        )
        .await;
    let refused = browser.wait_for_source("Formulir ditolak").await;
    assert!(refused.contains("Formulir ditolak"), "{refused}");
    assert!(store.console_notes(ktp.id).await.unwrap().is_empty(), "nothing written");

    // Phone width.
    browser.resize(390, 844).await;
    browser.goto(&format!("{base}/console/inbox")).await;
    browser.screenshot("console-inbox-phone").await;
    browser
        .goto(&format!("{base}/console/complaints/{}", road.ticket.as_str()))
        .await;
    browser.screenshot("console-complaint-phone").await;

    // Another handler's officer: 404 for that complaint, in the browser and over HTTP.
    browser.resize(1280, 900).await;
    browser.click("header form button").await;
    assert!(browser.wait_for_url("/console/login").await.ends_with("/console/login"));
    set_password_and_log_in(&browser, &sari, &base, "sari").await;
    let inbox = browser.text("#inbox").await;
    assert!(
        inbox.contains(other.ticket.as_str()) && !inbox.contains(road.ticket.as_str()),
        "{inbox}"
    );
    browser
        .goto(&format!("{base}/console/complaints/{}", road.ticket.as_str()))
        .await;
    let page = browser.wait_for_source("Tidak ditemukan").await;
    assert!(
        page.contains("Tidak ditemukan") && !page.contains("Jalan rusak"),
        "{page}"
    );
    browser.quit().await;

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let session = http_session(&client, &base, "sari").await;
    let cookie = format!("loket_session={session}");
    let response = client
        .get(format!("{base}/console/complaints/{}", road.ticket.as_str()))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
    let response = client
        .post(format!("{base}/console/complaints/{}/notes", other.ticket.as_str()))
        .header("cookie", &cookie)
        .form(&[("note", "tanpa token")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN);
    assert!(response.text().await.unwrap().contains("Formulir ditolak"));
    let response = client.get(format!("{base}/console/inbox")).send().await.unwrap();
    assert_eq!(
        response.status(),
        reqwest::StatusCode::SEE_OTHER,
        "no session, no inbox"
    );
    store.close().await;
    drop(loket);
}

/// A photo the citizen sent on Telegram, opened from the complaint page: fetched by loket from
/// the channel (`getFile`, then the download) and passed through, only to the handler's officers;
/// no page carries a Telegram URL or the bot token.
async fn attachments_pass_through_loket_to_the_handlers_officers_only(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let api = FakeBotApi::start().await.expect("fake Bot API");
    let photo: &[u8] = b"\xff\xd8\xff\xe0 foto jalan berlubang";
    api.add_file("AgACfotoJalan1", "jpg", photo);
    let mut env = env(&url, &dir);
    // A process without the bot (`--no-telegram`) still fetches files with the token.
    env.push(("TELOXIDE_TOKEN", fake_api::TOKEN.to_owned()));
    env.push(("TELOXIDE_API_URL", api.url().to_string()));
    let loket = LoketProcess::start(&binary, &dir, &env, "attachments").await;
    let base = loket.address.clone();
    let budi = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &[
            "budi",
            "--name",
            "Budi Santoso",
            "--role",
            "officer",
            "--handler",
            "kecamatan-beji",
        ],
    );
    let sari = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &[
            "sari",
            "--name",
            "Sari Dewi",
            "--role",
            "officer",
            "--handler",
            "dinsos",
        ],
    );
    let store = Store::connect(&url).await.expect("open the database");
    let raw = RawComplaint {
        chat_id: CITIZEN_CHAT,
        service_id: Some(SERVICE_CODE.into()),
        category: "kependudukan".into(),
        title: "Jalan berlubang di depan kantor".into(),
        description: "Lubang di jalan depan kantor kecamatan makin besar, fotonya terlampir.".into(),
        attachments: vec!["AgACfotoJalan1".into(), "AgACsudahHilang".into()],
        ..RawComplaint::default()
    };
    let new = NewComplaint::parse(&raw, chrono::Utc::now().date_naive()).expect("valid complaint");
    let options = SubmitOptions {
        handler_id: Some("kecamatan-beji".into()),
        auto_verify: false,
    };
    let c = store.submit_complaint(&new, &options).await.expect("intake");
    let page = format!("{base}/console/complaints/{}", c.ticket.as_str());
    let first = format!("{page}/attachments/1");

    let browser = Browser::start(1280, 900).await;
    set_password_and_log_in(&browser, &budi, &base, "budi").await;
    browser.goto(&page).await;
    let links = browser.text("#attachments").await;
    assert_eq!(links, "Lampiran 1 · Lampiran 2");
    let html = browser.source().await;
    assert!(
        !html.contains("fake-token") && !html.contains("/file/bot") && !html.contains("AgACfotoJalan1"),
        "the page names neither the channel's URL, its token nor the file id: {html}"
    );
    assert!(
        browser
            .try_find("#attachments a[href$='/attachments/1']")
            .await
            .is_some(),
        "the link leads to loket, not to the channel"
    );
    browser.goto(&first).await;
    let shown = browser
        .execute(
            "const img = document.querySelector('img'); return img ? [img.naturalWidth, document.contentType] : [0, document.contentType];",
            vec![],
        )
        .await;
    assert_eq!(
        shown[1], "image/jpeg",
        "the browser shows it as the photo it is: {shown}"
    );
    browser.quit().await;

    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let budi_cookie = format!("loket_session={}", http_session(&client, &base, "budi").await);
    let response = client.get(&first).header("cookie", &budi_cookie).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "image/jpeg");
    assert_eq!(header("cache-control"), "private, no-store");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(
        header("content-disposition").starts_with("inline;"),
        "{}",
        header("content-disposition")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), photo);
    // A file the channel no longer has: said so, not an internal error.
    let gone = client
        .get(format!("{page}/attachments/2"))
        .header("cookie", &budi_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    // No third attachment; another handler's officer; no session.
    let none = client
        .get(format!("{page}/attachments/3"))
        .header("cookie", &budi_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), reqwest::StatusCode::NOT_FOUND);
    let downloads = api.calls_of("downloadFile").len();
    set_password_over_http(&client, &sari).await;
    let sari_cookie = format!("loket_session={}", http_session(&client, &base, "sari").await);
    let theirs = client.get(&first).header("cookie", &sari_cookie).send().await.unwrap();
    assert_eq!(theirs.status(), reqwest::StatusCode::NOT_FOUND);
    let anonymous = client.get(&first).send().await.unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(
        api.calls_of("downloadFile").len(),
        downloads,
        "nothing is fetched for someone who may not see it"
    );
    store.close().await;
    drop(loket);
}

both_backends!(
    officer_resolves_a_complaint_in_the_browser,
    attachments_pass_through_loket_to_the_handlers_officers_only
);
