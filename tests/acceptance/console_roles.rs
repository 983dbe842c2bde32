//! The supervisor's and the administrator's console pages in a real headless Chromium (issue 17),
//! against the real `loket serve` binary on each backend, with accounts made by `loket accounts
//! add` (helpers in `console.rs`).
//!
//! - A supervisor of the Beji agency sees both of its units (and not another agency's): open and
//!   overdue counts, the median times and the citizens' satisfaction, and the overdue complaint
//!   itself; an officer is refused the page.
//! - An administrator drafts an announcement, reads the preview as subscribers will, approves and
//!   sends it, and watches the page (which reloads itself while tasks are pending) until every
//!   task has an outcome: the counts (sent, pending, failed, blocked) agree with what the fake Bot
//!   API received, blocked chats included.
//! - After a decree's fee and requirements were edited and `loket serve` reindexed, an
//!   administrator opens the standards versions, finds the decree's version 2 and reads the
//!   changed fields with their old and new text, and the announcement the change drafted.
//!
//! Screenshots at phone (390 px) and desktop (1280 px) width land in `target/browser-screenshots/`.

use std::path::PathBuf;
use std::time::Duration;

use loket::domain::{Actor, ComplaintStatus, Satisfaction, StatusNote};
use loket::routing::api_key_digest;
use loket::storage::{StatusChange, Store};
use loket::telegram::fake_api::FakeBotApi;
use loket_acceptance::app::CITIZEN_CHAT;
use loket_acceptance::broadcast::{messages_per_chat, sender_env};
use loket_acceptance::browser::Browser;
use loket_acceptance::database::execute;
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::{API_KEY, FakeHandler, OTHER_API_KEY, WEBHOOK_SECRET};

use crate::both_backends;
use crate::console::{add_account, env, file, http_session, set_password_and_land, set_password_over_http};

const AGENCY: &str = "Kecamatan Beji Kabupaten Pasuruan";

/// Two units of the Beji agency (the first also the default) and one of another agency.
fn handlers_toml(webhook_url: &str) -> String {
    format!(
        r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
agencies = ["{AGENCY}"]
default = true
webhook_url = "{webhook_url}"
webhook_secret = "{WEBHOOK_SECRET}"
api_key_sha256 = "{}"

[[handler]]
id = "beji-perizinan"
name = "Perizinan Kecamatan Beji"
agencies = ["{AGENCY}"]

[[handler]]
id = "dinsos"
name = "Dinas Sosial"
agencies = ["Dinas Sosial"]
api_key_sha256 = "{}"
"#,
        api_key_digest(API_KEY),
        api_key_digest(OTHER_API_KEY)
    )
}

async fn supervisor_watches_the_agency_units_in_the_browser(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let env = env(&url, &dir);
    let loket = LoketProcess::start(&binary, &dir, &env, "supervisor").await;
    let base = loket.address.clone();
    let rina = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &[
            "rina",
            "--name",
            "Rina Lestari",
            "--role",
            "supervisor",
            "--agency",
            AGENCY,
        ],
    );
    add_account(
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

    let store = Store::connect(&url).await.expect("open the database");
    let late = file(
        &store,
        "kecamatan-beji",
        "Surat pindah belum jadi",
        "Sudah dua minggu surat pindah saya belum jadi padahal berkas lengkap.",
    )
    .await;
    let resolved = file(
        &store,
        "kecamatan-beji",
        "Lampu jalan mati di depan kantor",
        "Lampu penerangan jalan di depan kantor kecamatan mati sejak pekan lalu.",
    )
    .await;
    let permit = file(
        &store,
        "beji-perizinan",
        "Izin keramaian lama diproses",
        "Permohonan izin keramaian untuk acara desa belum ada kabarnya.",
    )
    .await;
    let elsewhere = file(
        &store,
        "dinsos",
        "Bantuan sosial belum cair",
        "Bantuan sosial bulan ini belum saya terima padahal sudah terdaftar.",
    )
    .await;
    // Past its deadline by two days (no public call makes a deadline pass sooner).
    let two_days_ago = chrono::Utc::now().timestamp() - 2 * 86_400;
    let changed = execute(
        &url,
        &format!(
            "UPDATE complaints SET due_at = {two_days_ago} WHERE ticket = '{}'",
            late.ticket.as_str()
        ),
    )
    .await;
    assert_eq!(changed, 1);
    // One resolved and rated 4 by its citizen.
    for to in [
        ComplaintStatus::Diverifikasi,
        ComplaintStatus::Diteruskan,
        ComplaintStatus::Selesai,
    ] {
        let mut change = StatusChange::new(resolved.ticket.clone(), to, Actor::Handler("kecamatan-beji".into()));
        change.note = (to == ComplaintStatus::Selesai).then(|| StatusNote::parse("Lampu sudah diganti.").unwrap());
        store.change_status(&change).await.expect("status change");
    }
    store
        .rate(&resolved.ticket, CITIZEN_CHAT, Satisfaction::parse(4).unwrap())
        .await
        .expect("rating stored")
        .expect("rating accepted");

    let browser = Browser::start(1280, 900).await;
    set_password_and_land(&browser, &rina, &base, "rina", "/console/inbox").await;
    // The supervisor's inbox covers both units of the agency.
    let inbox = browser.text("#inbox").await;
    for c in [&late, &resolved, &permit] {
        assert!(inbox.contains(c.ticket.as_str()), "{} missing: {inbox}", c.ticket);
    }
    assert!(
        !inbox.contains(elsewhere.ticket.as_str()),
        "another agency listed: {inbox}"
    );

    browser.goto(&format!("{base}/console/supervisor")).await;
    let figures = browser.text("#figures").await;
    assert!(
        figures.contains("Kecamatan Beji") && figures.contains("Perizinan Kecamatan Beji"),
        "{figures}"
    );
    assert!(!figures.contains("Dinas Sosial"), "another agency's unit: {figures}");
    assert!(figures.contains("4,0 dari 5 (1 penilaian)"), "{figures}");
    assert!(figures.contains("belum dinilai"), "the unit nobody rated: {figures}");
    let rows = browser
        .execute(
            "return [...document.querySelectorAll('#figures tbody tr')].map(r => [...r.cells].map(c => c.innerText));",
            vec![],
        )
        .await;
    let row = |unit: &str| {
        rows.as_array()
            .expect("rows")
            .iter()
            .find(|r| r[0] == unit)
            .unwrap_or_else(|| panic!("no row for {unit}: {rows}"))
            .clone()
    };
    // Unit, open, overdue: Beji has the late one and the resolved one (not open any more).
    assert_eq!(
        (row("Kecamatan Beji")[1].as_str(), row("Kecamatan Beji")[2].as_str()),
        (Some("1"), Some("1"))
    );
    assert_eq!(
        (
            row("Perizinan Kecamatan Beji")[1].as_str(),
            row("Perizinan Kecamatan Beji")[2].as_str()
        ),
        (Some("1"), Some("0"))
    );
    let overdue = browser.text("#overdue").await;
    assert!(overdue.contains(late.ticket.as_str()), "{overdue}");
    assert!(!overdue.contains(permit.ticket.as_str()), "{overdue}");
    browser.screenshot("console-supervisor-desktop").await;
    browser.resize(390, 844).await;
    browser.goto(&format!("{base}/console/supervisor")).await;
    browser.screenshot("console-supervisor-phone").await;
    // From the overdue list to the complaint.
    browser.resize(1280, 900).await;
    browser
        .click(&format!(
            "#overdue a[href='/console/complaints/{}']",
            late.ticket.as_str()
        ))
        .await;
    assert!(
        browser
            .wait_for_url(late.ticket.as_str())
            .await
            .ends_with(late.ticket.as_str())
    );
    browser.quit().await;

    // An officer is not a supervisor.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let link = add_account(
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
            "beji-perizinan",
        ],
    );
    set_password_over_http(&client, &link).await;
    let session = http_session(&client, &base, "sari").await;
    let response = client
        .get(format!("{base}/console/supervisor"))
        .header("cookie", format!("loket_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::FORBIDDEN);
    store.close().await;
    drop(loket);
}

const SUBSCRIBERS: i64 = 12;
/// Messages a second: slow enough that the page shows the broadcast under way.
const RATE: usize = 2;

async fn administrator_sends_an_announcement_and_watches_it_go_out(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let api = FakeBotApi::start().await.expect("fake Bot API");
    let blocked = [3_i64, 8];
    for chat in blocked {
        api.block_chat(chat);
    }
    let store = Store::connect(&url).await.expect("open the database");
    store.seed_subscribers(SUBSCRIBERS).await.expect("subscribers");

    let mut env = sender_env(&url, &api, RATE, 1, 60);
    env.extend(
        crate::console::env(&url, &dir)
            .into_iter()
            .filter(|(k, _)| *k == "LOKET_HANDLERS"),
    );
    let loket = LoketProcess::start_with_args(&binary, &dir, &["serve"], &env, "admin").await;
    let base = loket.address.clone();
    let link = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &["admin", "--name", "Admin Loket", "--role", "administrator"],
    );

    let browser = Browser::start(1280, 900).await;
    set_password_and_land(&browser, &link, &base, "admin", "/console/admin/announcements").await;
    let text = "Mulai 1 September, loket layanan kecamatan buka pukul 07.30 sampai 15.00 WIB.";
    browser.fill("#a-text", text).await;
    browser.click("#new-announcement button[type=submit]").await;
    let page = browser.wait_for_url("/console/admin/announcements/").await;
    let id: i64 = page
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no announcement id in {page}"));
    assert_eq!(browser.text("#announcement-status").await, "Draf");
    let preview = browser.text("#preview").await;
    assert_eq!(preview.trim(), text, "the preview reads as subscribers will");
    assert!(browser.text("#progress").await.contains("Terkirim 0/0"));
    browser.screenshot("console-announcement-draft-desktop").await;
    assert!(
        api.calls_of("sendMessage").is_empty(),
        "nothing is sent before approval"
    );

    // Approve and send; the page reloads itself while tasks are pending.
    browser.click("#send button[type=submit]").await;
    let under_way = browser.wait_for_text("#announcement-status", "Sedang dikirim").await;
    assert_eq!(under_way, "Sedang dikirim");
    let mut seen = Vec::new();
    // The picture of a broadcast under way: the first page with tasks pending, replaced by
    // one with some already sent when the page shows such a moment.
    let (mut shot, mut shot_midway) = (false, false);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let progress = browser.text("#progress").await;
        let status = browser.text("#announcement-status").await;
        if seen.last() != Some(&progress) {
            seen.push(progress.clone());
        }
        let pending = progress.contains(&format!("/{SUBSCRIBERS}")) && !progress.contains("menunggu 0");
        let midway = pending && !progress.starts_with("Terkirim 0/");
        if (pending && !shot) || (midway && !shot_midway) {
            browser.screenshot("console-announcement-sending-desktop").await;
            shot = true;
            shot_midway = midway;
        }
        if status == "Terkirim" && progress.contains("menunggu 0") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the broadcast did not finish; pages seen: {seen:?}"
        );
        // Without a pending task the page stops reloading itself: ask again.
        if progress.contains("menunggu 0") {
            browser.goto(&page).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(shot, "the page never showed the broadcast under way: {seen:?}");
    assert!(seen.len() >= 2, "the progress moved on the page: {seen:?}");
    let delivered = SUBSCRIBERS - blocked.len() as i64;
    let done = seen.last().unwrap();
    assert_eq!(
        done,
        &format!(
            "Terkirim {delivered}/{SUBSCRIBERS} · menunggu 0 · gagal 0 · diblokir {}",
            blocked.len()
        )
    );
    browser.screenshot("console-announcement-sent-desktop").await;
    browser.resize(390, 844).await;
    browser.goto(&page).await;
    browser.screenshot("console-announcement-sent-phone").await;

    // The list shows it sent; the fake Bot API got one message per subscriber that had not blocked us.
    browser.resize(1280, 900).await;
    browser.goto(&format!("{base}/console/admin/announcements")).await;
    let list = browser.text("#announcements").await;
    assert!(list.contains(&format!("#{id}")) && list.contains("Terkirim"), "{list}");
    assert!(list.contains(&format!("{SUBSCRIBERS}/{SUBSCRIBERS}")), "{list}");
    browser.quit().await;
    let got = messages_per_chat(&api.calls());
    assert_eq!(got.len() as i64, delivered, "{got:?}");
    assert!(got.values().all(|&n| n == 1), "nobody twice: {got:?}");
    for chat in blocked {
        assert!(!got.contains_key(&chat), "blocked chat {chat} got a message");
    }
    assert!(
        api.calls_of("sendMessage")
            .iter()
            .filter(|c| c.ok())
            .all(|c| c.text() == Some(text)),
        "every subscriber read the previewed text"
    );
    let progress = store.broadcast_progress(id).await.unwrap();
    assert_eq!(
        (progress.sent, progress.blocked, progress.pending),
        (delivered as u64, blocked.len() as u64, 0)
    );
    store.close().await;
    drop(loket);
}

/// The administrator's key for `POST /api/v1/admin/reindex` in this test.
const ADMIN_KEY: &str = "kunci-admin-uji-versi";
const DECREE: &str = "003_5e30365896fb6814.txt";

/// The decree with the Ahli Waris fee and one of its requirements edited.
fn edited_decree(original: &str) -> String {
    let start = original
        .find("SURAT KETERANGAN AHLI WARIS\n")
        .expect("the Ahli Waris standard in the shipped decree");
    let (before, after) = original.split_at(start);
    let after = after
        .replacen(
            "4.\tBiaya / Tarif\t<i>Gratis</i>",
            "4.\tBiaya / Tarif\tRp 10.000 per berkas",
            1,
        )
        .replacen(
            "6. Surat Keterangan Kematian",
            "6. Surat Keterangan Kematian dari Desa/Kelurahan",
            1,
        );
    assert_ne!(after, original[start..], "the edit applies");
    format!("{before}{after}")
}

async fn administrator_reads_what_changed_in_a_decree(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    // A copy of the shipped decrees this test may edit.
    let standards = dir.join("standards");
    std::fs::create_dir_all(&standards).unwrap();
    for entry in std::fs::read_dir(loket_acceptance::standards_dir()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, standards.join(path.file_name().unwrap())).unwrap();
    }
    let mut env: Vec<(&str, String)> = env(&url, &dir)
        .into_iter()
        .filter(|(k, _)| *k != "LOKET_STANDARDS_DIR")
        .collect();
    env.push(("LOKET_STANDARDS_DIR", standards.display().to_string()));
    env.push(("LOKET_ADMIN__API_KEY_SHA256", api_key_digest(ADMIN_KEY)));
    // The API call below is the one reindex (the watcher would race it for the same edit).
    env.push(("LOKET_REINDEX__WATCH", "false".into()));
    let loket = LoketProcess::start(&binary, &dir, &env, "versions").await;
    let base = loket.address.clone();
    let link = add_account(
        &binary,
        &dir,
        &env,
        &base,
        &["admin", "--name", "Admin Loket", "--role", "administrator"],
    );

    // The decree is edited and loket reindexes it (as the directory watcher would).
    let path = standards.join(DECREE);
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edited_decree(&original)).unwrap();
    let client = reqwest::Client::new();
    let report: serde_json::Value = client
        .post(format!("{base}/api/v1/admin/reindex"))
        .bearer_auth(ADMIN_KEY)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .expect("reindex accepted")
        .json()
        .await
        .unwrap();
    assert_eq!(report["changed"].as_array().map(Vec::len), Some(1), "{report}");

    let browser = Browser::start(1280, 900).await;
    set_password_and_land(&browser, &link, &base, "admin", "/console/admin/announcements").await;
    browser.click("header a[href='/console/admin/standards']").await;
    browser.wait_for_url("/console/admin/standards").await;
    let rows = browser
        .execute(
            "return [...document.querySelectorAll('#versions tbody tr')].map(r => [...r.cells].map(c => c.innerText));",
            vec![],
        )
        .await;
    let rows = rows.as_array().expect("rows").clone();
    // Newest first: the edited decree's version 2 (one service changed), then the start's
    // version 1 of every shipped decree.
    let newest = &rows[0];
    assert!(
        newest[0].as_str().unwrap().contains(DECREE) && newest[0].as_str().unwrap().contains("060/20/424.302/2023"),
        "{rows:?}"
    );
    assert!(newest[1].as_str().unwrap().starts_with("2 "), "{rows:?}");
    assert_eq!(
        (newest[3].as_str(), newest[4].as_str(), newest[5].as_str()),
        (Some("0"), Some("0"), Some("1")),
        "added, removed, changed: {rows:?}"
    );
    let shipped = std::fs::read_dir(loket_acceptance::standards_dir()).unwrap().count();
    assert_eq!(rows.len(), shipped + 1, "{rows:?}");
    browser.screenshot("console-standards-versions-desktop").await;

    browser.click("#versions tbody tr:first-child a").await;
    browser.wait_for_url("/console/admin/standards/").await;
    let changed = browser.text("#changed").await;
    assert!(changed.contains("Surat Keterangan Ahli Waris"), "{changed}");
    let fee = browser.text("#changed [data-field=fee]").await;
    assert!(fee.contains("Biaya: Gratis →"), "the diff's change line: {fee}");
    let old_fee = browser.text("#changed [data-field=fee] .old del").await;
    let new_fee = browser.text("#changed [data-field=fee] .new ins").await;
    assert_eq!((old_fee.as_str(), new_fee.as_str()), ("Gratis", "Rp 10.000 per berkas"));
    let requirements = browser.text("#changed [data-field=requirements] .new ins").await;
    assert!(
        requirements.contains("Surat Keterangan Kematian dari Desa/Kelurahan"),
        "{requirements}"
    );
    let announcements = browser.text("#version-announcements").await;
    assert!(
        announcements.contains("Draf"),
        "the change drafted an announcement: {announcements}"
    );
    // The pictures show the changed fee, old and new.
    let show_fee = "document.querySelector('#changed [data-field=fee]').scrollIntoView();";
    browser.execute(show_fee, vec![]).await;
    browser.screenshot("console-standards-diff-desktop").await;
    browser.resize(390, 844).await;
    browser.goto(&browser.current_url().await).await;
    let width = browser
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await;
    assert!(width.as_u64().unwrap() <= 390, "nothing wider than the phone: {width}");
    browser.execute(show_fee, vec![]).await;
    browser.screenshot("console-standards-diff-phone").await;
    browser.quit().await;
    drop(loket);
}

both_backends!(
    supervisor_watches_the_agency_units_in_the_browser,
    administrator_sends_an_announcement_and_watches_it_go_out,
    administrator_reads_what_changed_in_a_decree
);
