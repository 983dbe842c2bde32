//! Failure drills: what an agency's operator will meet in production, rehearsed on every CI run.
//!
//! - **PostgreSQL restarted under load** (PostgreSQL only; SQLite has no server): the real
//!   `loket serve --no-telegram` binary talks to PostgreSQL through a TCP proxy; while
//!   complaints are being filed and forwarded the proxy drops every connection and refuses new
//!   ones. During the outage the API answers 503 with a JSON error and `Retry-After` (within
//!   the pool's acquire timeout, never a hang or a crash), `/readyz` says unavailable; once the
//!   proxy listens again loket reconnects by itself, intake and forwarding resume, and every
//!   complaint that was accepted is forwarded under exactly one Idempotency-Key.
//! - **Handler webhook slow** (both backends): the handler answers only after the delivery
//!   timeout; every attempt times out and is retried with exponential backoff (within the
//!   jitter bounds), always with the same Idempotency-Key, and delivered once it answers in time.
//! - **SQLite disk full** (SQLite only; `PRAGMA max_page_count` on loket's connections stands in
//!   for a full file system, so the drill never fills the machine's disk): intake answers 507
//!   with a clear message and writes nothing, reads keep working, `PRAGMA integrity_check` stays
//!   `ok`, and once space is free again (the ballast deleted) intake and forwarding work with no
//!   restart.
//! - **Telegram API answering 500 and timing out** (SQLite only): the citizen-notification
//!   worker against the fake Bot API retries both with backoff and delivers on the next attempt.
//!
//! - **SIGTERM during a broadcast** (SQLite only): the real `loket serve` stops cleanly (exit
//!   status 0) partway through a 1,000-subscriber broadcast; a restart finishes it with exactly
//!   one message per subscriber and nothing failed.
//!
//! The in-process drills move time on the store's manual clock; the process-level one waits on
//! observable state with bounded polls. No assertion is about elapsed time.

use std::path::PathBuf;
use std::time::Duration;

use loket::delivery::{ExecutionOutcome, RetryPolicy};
use loket::storage::{ConnectOptions, DeliveryKind, DeliveryStatus, Store};
use loket_acceptance::app::{API_KEY, handlers_toml, register_open311_client_at, valid_open311_form};
use loket_acceptance::load::{BackgroundLoad, Filed, file_open311, serve_env};
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::proxy::TcpProxy;
use loket_acceptance::wait::wait_until;
use loket_acceptance::{Backend, FakeHandler, Mode, TestApp, WEBHOOK_SECRET, run_on};
use serde_json::Value;
use sqlx::{Connection, SqliteConnection};

use crate::both_backends;

// ---------------------------------------------------------------------------------------------
// PostgreSQL restarted under load

/// `url` with its host and port replaced by the proxy's, and the proxy's upstream (`host:port`).
fn through_proxy(url: &str, proxy_port: u16) -> String {
    let mut proxied = reqwest::Url::parse(url).expect("database URL");
    proxied.set_host(Some("127.0.0.1")).unwrap();
    proxied.set_port(Some(proxy_port)).unwrap();
    proxied.to_string()
}

fn upstream_of(url: &str) -> String {
    let url = reqwest::Url::parse(url).expect("database URL");
    format!(
        "{}:{}",
        url.host_str().unwrap_or("127.0.0.1"),
        url.port().unwrap_or(5432)
    )
}

/// A 503 in the Open311 error shape with a description an operator can read.
fn is_clear_open311_503(answer: &Filed) -> bool {
    matches!(answer, Filed::Refused(503, body)
        if body[0]["code"] == 503
            && body[0]["description"].as_str().is_some_and(|d| d.contains("Basis data")))
}

async fn get(client: &reqwest::Client, url: String, key: Option<&str>) -> (u16, Option<String>, Value) {
    let mut request = client.get(url);
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    let response = request.send().await.expect("loket answers during the outage");
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, retry_after, response.json().await.unwrap_or(Value::Null))
}

async fn postgres_restarted_under_load(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let proxy = TcpProxy::start(&upstream_of(&url)).await;
    let env = serve_env(
        &through_proxy(&url, proxy.port()),
        &dir,
        &[
            // Give up on a connection after a second (the default is five): the drill then
            // sees the 503s quickly. Short lease so a task whose outcome could not be recorded
            // during the outage is reclaimed soon.
            ("LOKET_DATABASE__ACQUIRE_TIMEOUT_SECS", "1"),
            ("LOKET_DELIVERY__TIMEOUT_SECS", "2"),
            ("LOKET_DELIVERY__LEASE_SECS", "3"),
            ("RUST_LOG", "error"),
        ],
    );
    let loket = LoketProcess::start(&binary, &dir, &env, "loket").await;
    register_open311_client_at(&url).await;
    // A hang would show up as a client timeout (`Filed::NoAnswer`), which fails the drill.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let load = BackgroundLoad::start(&client, &loket.address, 4);
    wait_until(
        Duration::from_secs(30),
        "complaints are filed and forwarded",
        || async { load.accepted() >= 20 && receiver.deliveries().len() >= 10 },
    )
    .await;

    proxy.cut().await;
    let before_outage = load.answers().len();
    wait_until(Duration::from_secs(20), "/readyz reports the database gone", || async {
        get(&client, format!("{}/readyz", loket.address), None).await.0 == 503
    })
    .await;
    let filed = file_open311(&client, &loket.address).await;
    assert!(
        is_clear_open311_503(&filed),
        "Open311 intake during the outage: {filed:?}"
    );
    let (status, retry_after, body) = get(&client, format!("{}/api/v1/complaints", loket.address), Some(API_KEY)).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (503, Some("database_unavailable")),
        "handler API during the outage: {body}"
    );
    assert!(retry_after.is_some(), "a 503 says when to retry");
    wait_until(Duration::from_secs(20), "the load meets the outage", || async {
        load.answers()[before_outage..].iter().any(is_clear_open311_503)
    })
    .await;

    proxy.restore().await;
    wait_until(Duration::from_secs(20), "loket reconnects (/readyz ok)", || async {
        get(&client, format!("{}/readyz", loket.address), None).await.0 == 200
    })
    .await;
    let resumed_at = load.accepted();
    wait_until(Duration::from_secs(20), "intake resumes", || async {
        load.accepted() >= resumed_at + 20
    })
    .await;
    let answers = load.stop().await;

    let mut accepted = Vec::new();
    for answer in &answers {
        match answer {
            Filed::Accepted(ticket) => accepted.push(ticket.clone()),
            refused if is_clear_open311_503(refused) => {}
            other => panic!("neither accepted nor a clear 503: {other:?}\n{}", loket.log()),
        }
    }
    // Forwarding resumes: everything in the database is forwarded, including a complaint whose
    // commit raced the cut (written, but its client saw an error): it is not lost either.
    let store = Store::connect(&url).await.expect("open the database directly");
    wait_until(Duration::from_secs(30), "every forwarding task is done", || async {
        let (open,): (i64,) = on_postgres(&url, "SELECT COUNT(*) FROM deliveries WHERE status <> 'done'").await;
        open == 0
    })
    .await;
    let (complaints,): (i64,) = on_postgres(&url, "SELECT COUNT(*) FROM complaints").await;
    let keys = receiver.keys_by_ticket();
    assert_eq!(
        keys.len() as i64,
        complaints,
        "every stored complaint reached the handler"
    );
    assert!(complaints as usize >= accepted.len());
    for ticket in &accepted {
        let received = keys.get(ticket).unwrap_or_else(|| panic!("accepted {ticket} was lost"));
        assert_eq!(received.len(), 1, "{ticket} under several keys: {received:?}");
        let complaint = store.get_by_ticket(&ticket.parse().unwrap()).await.unwrap().unwrap();
        let forward = store.deliveries_for_complaint(complaint.id).await.unwrap();
        assert_eq!(forward.len(), 1);
        assert!(received.contains(&forward[0].id));
    }
    assert!(proxy.accepted() > 1, "loket opened new connections after the outage");
    store.close().await;
    drop(loket);
}

/// One value row from the test's own connection (not through the proxy).
async fn on_postgres(url: &str, sql: &'static str) -> (i64,) {
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect directly");
    let row = sqlx::query_as(sql).fetch_one(&mut conn).await.expect(sql);
    let _ = conn.close().await;
    row
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_under_load() {
    run_on(Backend::Postgres, postgres_restarted_under_load).await
}

// ---------------------------------------------------------------------------------------------
// Handler webhook slower than the delivery timeout

async fn slow_handler_is_retried_with_backoff_then_delivered(url: String, dir: PathBuf) {
    let app = TestApp::spawn_with(
        &url,
        &dir,
        |settings| settings.delivery.timeout_secs = 1,
        ConnectOptions::default(),
    )
    .await;
    let policy = RetryPolicy::from(&app.settings.delivery);
    // Answers 200, but far too late: the worker has given up on the request long before.
    app.receiver.set_mode(Mode::Delayed(Duration::from_secs(60)));
    let ticket = app.submit_open311().await;

    for attempt in 1..=3u32 {
        let failed_at = app.clock.now();
        let at = match app.worker.try_execute_task().await.expect("worker step") {
            ExecutionOutcome::TaskRetryScheduled { at } => at,
            other => panic!("attempt {attempt}: expected a retry after the timeout, got {other:?}"),
        };
        let step = policy.step(attempt).as_secs() as i64;
        let delay = at - failed_at;
        assert!(
            (step / 2..=step).contains(&delay),
            "attempt {attempt}: backoff {delay}s outside [{}, {step}]",
            step / 2
        );
        let forward = app.deliveries(&ticket, DeliveryKind::Forward).await;
        assert_eq!(forward[0].status, DeliveryStatus::Pending);
        assert!(
            forward[0]
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("timed out"),
            "{forward:?}"
        );
        assert_eq!(
            app.worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::EmptyQueue,
            "not before its time"
        );
        app.clock.set(at);
    }

    app.receiver.set_mode(Mode::Healthy);
    assert_eq!(
        app.worker.try_execute_task().await.unwrap(),
        ExecutionOutcome::TaskCompleted
    );
    let forward = app.deliveries(&ticket, DeliveryKind::Forward).await;
    assert_eq!((forward[0].status, forward[0].attempts), (DeliveryStatus::Done, 4));
    let counts = app.receiver.counts();
    assert_eq!(counts.len(), 1, "one delivery, one Idempotency-Key: {counts:?}");
    assert_eq!(counts[&forward[0].id], 4, "the same key on every attempt");
    assert!(app.store.list_dead(10).await.unwrap().is_empty());
    app.stop().await;
}

both_backends!(slow_handler_is_retried_with_backoff_then_delivered);

// ---------------------------------------------------------------------------------------------
// SQLite disk full

async fn sqlite_value(conn: &mut SqliteConnection, sql: &'static str) -> String {
    let (value,): (String,) = sqlx::query_as(sql).fetch_one(&mut *conn).await.expect(sql);
    value
}

async fn sqlite_count(conn: &mut SqliteConnection, sql: &'static str) -> i64 {
    let (value,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await.expect(sql);
    value
}

async fn sqlite_disk_full_is_clear_harmless_and_recovers(url: String, dir: PathBuf) {
    // The schema first, then ballast that will be "deleted to free space" later, then a cap at
    // the current size plus a few pages: loket's writes fill those and then find the disk full.
    Store::connect(&url).await.expect("migrate").close().await;
    let mut admin = SqliteConnection::connect(&url).await.expect("own connection");
    sqlx::query("CREATE TABLE drill_ballast (b BLOB NOT NULL)")
        .execute(&mut admin)
        .await
        .unwrap();
    for _ in 0..64 {
        sqlx::query("INSERT INTO drill_ballast VALUES (zeroblob(16384))")
            .execute(&mut admin)
            .await
            .unwrap();
    }
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut admin)
        .await
        .unwrap();
    let pages = sqlite_count(&mut admin, "PRAGMA page_count").await;
    let capped = ConnectOptions {
        sqlite_max_page_count: Some(u32::try_from(pages + 4).unwrap()),
        ..ConnectOptions::default()
    };
    let app = TestApp::spawn_with(&url, &dir, |_| {}, capped).await;

    let mut accepted = Vec::new();
    let (status, body) = loop {
        let response = app.post_open311(&valid_open311_form()).await;
        let status = response.status().as_u16();
        let body: Value = response.json().await.expect("a JSON answer, also when full");
        if status != 200 {
            break (status, body);
        }
        accepted.push(body[0]["service_request_id"].as_str().unwrap().to_owned());
        assert!(accepted.len() < 500, "the capped database never filled up");
    };
    assert_eq!((status, &body[0]["code"]), (507, &Value::from(507)), "{body}");
    let description = body[0]["description"].as_str().unwrap_or_default();
    assert!(
        description.contains("penuh"),
        "the error says storage is full: {description}"
    );

    // Reads still work; the refused request wrote nothing; the file is sound.
    if let Some(ticket) = accepted.first() {
        let (status, _) = app
            .get_json(&format!("/api/v1/complaints/{ticket}"), Some(API_KEY))
            .await;
        assert_eq!(status, reqwest::StatusCode::OK);
    }
    let stored = sqlite_count(&mut admin, "SELECT COUNT(*) FROM complaints").await;
    assert_eq!(stored as usize, accepted.len(), "no partial complaint");
    let tasks = sqlite_count(&mut admin, "SELECT COUNT(*) FROM deliveries WHERE kind = 'forward'").await;
    assert_eq!(tasks, stored, "every stored complaint has its forwarding task, no more");
    assert_eq!(sqlite_value(&mut admin, "PRAGMA integrity_check").await, "ok");

    // The worker may or may not find room to record its claims while full; when it cannot,
    // it is told why, and nothing breaks.
    for _ in 0..accepted.len() + 1 {
        match app.worker.try_execute_task().await {
            Ok(ExecutionOutcome::EmptyQueue) => break,
            Ok(_) => {}
            Err(e) => assert_eq!(e.trouble(), Some(loket::storage::DatabaseTrouble::Full), "{e:#}"),
        }
    }
    assert_eq!(sqlite_value(&mut admin, "PRAGMA integrity_check").await, "ok");

    // Space again (the operator cleans up): the freed pages are reused, no restart needed.
    sqlx::query("DELETE FROM drill_ballast")
        .execute(&mut admin)
        .await
        .unwrap();
    for _ in 0..5 {
        accepted.push(app.submit_open311().await.to_string());
    }
    // A task whose completion could not be written while full is reclaimed after its lease.
    app.clock.advance(app.settings.delivery.lease_secs as i64 + 1);
    app.drive_workers_until_idle().await;

    let keys = app.receiver.keys_by_ticket();
    for ticket in &accepted {
        let received = keys.get(ticket).unwrap_or_else(|| panic!("{ticket} was not forwarded"));
        assert_eq!(received.len(), 1, "{ticket}: {received:?}");
        let forward = app.deliveries(&ticket.parse().unwrap(), DeliveryKind::Forward).await;
        assert_eq!(forward[0].status, DeliveryStatus::Done, "{forward:?}");
    }
    assert_eq!(keys.len(), accepted.len());
    assert_eq!(sqlite_value(&mut admin, "PRAGMA integrity_check").await, "ok");
    let _ = admin.close().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_disk_full() {
    run_on(Backend::Sqlite, sqlite_disk_full_is_clear_harmless_and_recovers).await
}

// ---------------------------------------------------------------------------------------------
// Telegram API answering 500 and timing out

/// The citizen-notification worker against the fake Bot API (`loket::telegram::fake_api`):
/// sendMessage answers 500 once, then hangs past the client timeout once, then works. Each
/// failure is retried with backoff on the outbox task, and the notification is delivered on the
/// third attempt. SQLite only: the Telegram side does not depend on the backend (the outbox
/// itself is covered on both by the webhook drills).
///
/// A timeout is an unknown outcome: Telegram may have delivered the message it never confirmed
/// (the fake records the hanging call as it would). The notifier treats it as not delivered and
/// sends again, so the citizen can get that notification twice (at least once, never lost).
async fn telegram_500s_and_timeouts_are_retried(url: String, dir: PathBuf) {
    use loket::telegram::fake_api::{FakeBotApi, Fault, TOKEN};
    use loket::telegram::{SenderLimits, TelegramNotifier, TelegramSender};
    use loket_acceptance::app::CITIZEN_CHAT;

    let app = TestApp::spawn(&url, &dir).await;
    let api = FakeBotApi::start().await.expect("fake Bot API");
    // teloxide's default client waits 17 s; a short timeout keeps the drill quick.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let bot = teloxide::Bot::with_client(TOKEN, client).set_api_url(api.url());
    let sender = std::sync::Arc::new(TelegramSender::new(bot, SenderLimits::default()));
    let worker = loket::delivery::Worker::new(
        app.store.clone(),
        DeliveryKind::Notify,
        std::sync::Arc::new(TelegramNotifier::new(sender, app.store.clone())),
        RetryPolicy::from(&app.settings.delivery),
        app.settings.delivery.lease(),
    );
    let complaint = app.submit_from_telegram().await;
    let (status, body) = app
        .change_status(
            API_KEY,
            complaint.ticket.as_str(),
            r#"{"status": "diverifikasi", "note": "Berkas lengkap"}"#,
            None,
        )
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{body}");

    // 500 (teloxide itself pauses 10 s after a 5xx), then a hang past the timeout.
    for fault in [Fault::ServerError, Fault::Delay(Duration::from_secs(60))] {
        api.fail_next("sendMessage", 1, fault);
        let at = match worker.try_execute_task().await.expect("worker step") {
            ExecutionOutcome::TaskRetryScheduled { at } => at,
            other => panic!("{fault:?}: expected a retry, got {other:?}"),
        };
        assert_eq!(
            worker.try_execute_task().await.unwrap(),
            ExecutionOutcome::EmptyQueue,
            "{fault:?}: not before its time"
        );
        app.clock.set(at);
    }
    assert_eq!(
        worker.try_execute_task().await.unwrap(),
        ExecutionOutcome::TaskCompleted
    );
    let notify = app.deliveries(&complaint.ticket, DeliveryKind::Notify).await;
    assert_eq!(notify.len(), 1);
    assert_eq!((notify[0].status, notify[0].attempts), (DeliveryStatus::Done, 3));
    let sends: Vec<_> = api
        .calls_of("sendMessage")
        .into_iter()
        .filter(|c| c.chat_id == Some(CITIZEN_CHAT))
        .collect();
    // The hanging call is recorded only once the fake answers it, after the drill.
    assert_eq!(sends.first().map(|c| c.status), Some(500), "{sends:?}");
    assert!(sends.last().is_some_and(|c| c.ok()), "{sends:?}");
    assert_eq!(api.sent_to(CITIZEN_CHAT).len(), 1, "one confirmed message");
    assert!(
        sends.iter().all(|c| c.text() == sends[0].text()),
        "the same notification each time"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telegram_500s_and_timeouts() {
    run_on(Backend::Sqlite, telegram_500s_and_timeouts_are_retried).await
}

// ---------------------------------------------------------------------------------------------
// SIGTERM during a broadcast

const TERM_SUBSCRIBERS: i64 = 1_000;
const TERM_AT: usize = 300;

/// The real `loket serve` (bot on the fake Bot API) broadcasts to 1,000 subscribers at 250
/// messages/s; the fake holds the 300th sendMessage and sends SIGTERM from its hook, so the
/// signal lands while sends are in flight and more tasks are claimed. loket must exit cleanly
/// (status 0, within a bounded wait): sends past their `sending` marker finish and are recorded,
/// claimed tasks still waiting for the rate limit go back to the queue. A second process on the
/// same database then finishes the broadcast: every subscriber has exactly one message and
/// `loket announcements status` shows all sent, none failed (a graceful stop leaves no outcome
/// unknown, unlike SIGKILL in `broadcast_kill.rs`).
///
/// SQLite only: the stop path (release unsent claims, finish marked sends) is the same code on
/// both backends and `broadcast_kill.rs` already resumes on PostgreSQL; one backend keeps the
/// drill at a few seconds.
async fn broadcast_resumes_after_sigterm(url: String, dir: PathBuf) {
    use loket::telegram::fake_api::{self, FakeBotApi};
    use loket_acceptance::broadcast::{announcements_status, approved_announcement, messages_per_chat};

    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let id = approved_announcement(&url, TERM_SUBSCRIBERS, "Pengumuman: loket tutup hari Jumat.").await;
    let api = FakeBotApi::start().await.expect("fake Bot API");
    let env = vec![
        ("DATABASE_URL", url.clone()),
        (
            "LOKET_STANDARDS_DIR",
            loket_acceptance::standards_dir().display().to_string(),
        ),
        ("TELOXIDE_TOKEN", fake_api::TOKEN.to_owned()),
        ("TELOXIDE_API_URL", api.url().to_string()),
        ("LOKET_ANNOUNCEMENTS__OVERALL_PER_SECOND", "250".into()),
        ("LOKET_ANNOUNCEMENTS__CONCURRENCY", "8".into()),
        ("LOKET_ANNOUNCEMENTS__LEASE_SECS", "3".into()),
        ("LOKET_ANNOUNCEMENTS__IDLE_POLL_MILLIS", "50".into()),
        ("LOKET_REINDEX__WATCH", "false".into()),
        ("RUST_LOG", "warn,loket=info".into()),
    ];

    let mut first = LoketProcess::start_with_args(&binary, &dir, &["serve"], &env, "term-first").await;
    let pid = first.pid();
    let (signalled_tx, signalled_rx) = tokio::sync::oneshot::channel();
    api.on_nth_call("sendMessage", TERM_AT, move |_| {
        let _ = signalled_tx.send(loket_acceptance::process::terminate(pid));
    });
    let signalled = tokio::time::timeout(Duration::from_secs(60), signalled_rx)
        .await
        .unwrap_or_else(|_| panic!("the {TERM_AT}th sendMessage never came:\n{}", first.log()))
        .expect("hook ran");
    assert!(signalled, "kill -TERM {pid} failed");
    let status = first.wait_exit(300).await;
    assert!(
        status.is_some_and(|s| s.success()),
        "loket did not exit cleanly after SIGTERM ({status:?}):\n{}",
        first.log()
    );
    let store = Store::connect(&url).await.expect("store");
    let stopped = store.broadcast_progress(id).await.expect("progress");
    assert!(
        stopped.pending > 0 && stopped.sent >= TERM_AT as u64,
        "stopped partway: {stopped:?}"
    );
    assert_eq!(stopped.failed, 0, "a graceful stop leaves no send unknown: {stopped:?}");

    let second = LoketProcess::start_with_args(&binary, &dir, &["serve"], &env, "term-second").await;
    wait_until(Duration::from_secs(60), "every task has an outcome", || async {
        store.broadcast_progress(id).await.expect("progress").pending == 0
    })
    .await;
    drop(second);

    let got = messages_per_chat(&api.calls());
    for chat in 1..=TERM_SUBSCRIBERS {
        assert_eq!(got.get(&chat), Some(&1), "chat {chat}: one message");
    }
    assert_eq!(got.len(), TERM_SUBSCRIBERS as usize);
    let (text, status) = announcements_status(&binary, &dir, &url, id);
    assert_eq!(
        (status.sent, status.total, status.pending, status.failed, status.blocked),
        (TERM_SUBSCRIBERS as u64, TERM_SUBSCRIBERS as u64, 0, 0, 0),
        "{text}"
    );
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broadcast_sigterm_resumes() {
    run_on(Backend::Sqlite, broadcast_resumes_after_sigterm).await
}
