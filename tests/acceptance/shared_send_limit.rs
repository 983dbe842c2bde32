//! One send limit for all processes (issue 13 item 8): two real `loket serve` processes on one
//! database broadcast an announcement through the fake Bot API, each configured for the full
//! rate. Telegram's limits are per bot, so together they must stay within it. The second
//! process starts while the first is sending (started together, both would ingest the
//! standards into the empty database at once).
//!
//! Checked: the busiest one-second window of the fake's arrival times across both processes
//! holds no more than the limit (without the shared limit it would approach twice the limit),
//! both processes sent, every subscriber got exactly one message and nobody two.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use loket::storage::Store;
use loket::telegram::fake_api::{self, FakeBotApi};
use loket_acceptance::broadcast::{approved_announcement, busiest_second, messages_per_chat, sender_env};
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::wait::wait_until;

use crate::both_backends;

const SUBSCRIBERS: i64 = 900;
const RATE: usize = 60;
const CONCURRENCY: usize = 8;

fn env(url: &str, api: &FakeBotApi) -> Vec<(&'static str, String)> {
    // Loopback under a loaded test machine (2 cores, two servers, the test): a wide margin for
    // arrival jitter, so the busiest second measured at the fake stays within the limit the
    // processes share (the mean rate still has to reach half of it).
    sender_env(url, api, RATE, CONCURRENCY, 150)
}

async fn start(binary: &Path, dir: &Path, url: &str, api: &FakeBotApi, name: &str) -> LoketProcess {
    LoketProcess::start_with_args(binary, dir, &["serve"], &env(url, api), name).await
}

async fn two_processes_share_one_send_limit(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let id = approved_announcement(&url, SUBSCRIBERS, "Pengumuman: jam layanan berubah.").await;
    let api = FakeBotApi::start().await.expect("fake Bot API");

    // One after the other: the second starts while the first is sending (about 15 s of work).
    let first = start(&binary, &dir, &url, &api, "first").await;
    let second = start(&binary, &dir, &url, &api, "second").await;
    let store = Store::connect(&url).await.expect("store");
    wait_until(Duration::from_secs(300), "every task has an outcome", || async {
        let p = store.broadcast_progress(id).await.expect("progress");
        p.pending == 0 && p.total > 0
    })
    .await;
    let logs = format!("first:\n{}\nsecond:\n{}", first.log(), second.log());
    drop((first, second));

    let calls = api.calls();
    let got = messages_per_chat(&calls);
    assert!(got.values().all(|&n| n == 1), "nobody is messaged twice");
    for chat in 1..=SUBSCRIBERS {
        assert_eq!(got.get(&chat), Some(&1), "chat {chat} got no message");
    }

    let senders: HashSet<String> = sqlx_senders(&url, id).await;
    assert_eq!(senders.len(), 2, "both processes sent: {senders:?}\n{logs}");

    let mut times: Vec<Instant> = calls.iter().filter(|c| c.is("sendMessage")).map(|c| c.at).collect();
    times.sort();
    let busiest = busiest_second(&times);
    assert!(
        busiest <= RATE,
        "{busiest} sendMessage calls within one second across both processes (limit {RATE})"
    );
    // Both together still use most of the limit (they do not each fall back to half of it).
    let (_, rate) = fake_api::busiest_second_and_rate(&times);
    println!(
        "shared send limit ({}): {} messages by two processes, busiest second {busiest}/{RATE}, mean rate {rate:.1}/s",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        got.len(),
    );
    assert!(rate >= RATE as f64 * 0.5, "mean rate {rate:.1}/s is far below {RATE}/s");
    store.close().await;
}

/// The distinct broadcast senders (`locked_by`, one per process) of the announcement's tasks.
async fn sqlx_senders(url: &str, announcement: i64) -> HashSet<String> {
    let rows: Vec<(Option<String>,)> = if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.expect("connect");
        let rows = sqlx::query_as("SELECT DISTINCT locked_by FROM broadcast_tasks WHERE announcement_id = $1")
            .bind(announcement)
            .fetch_all(&pool)
            .await
            .expect("senders");
        pool.close().await;
        rows
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.expect("connect");
        let rows = sqlx::query_as("SELECT DISTINCT locked_by FROM broadcast_tasks WHERE announcement_id = $1")
            .bind(announcement)
            .fetch_all(&pool)
            .await
            .expect("senders");
        pool.close().await;
        rows
    };
    rows.into_iter()
        .filter_map(|(s,)| s)
        // `broadcast-<pid>-<random>`: one per process.
        .filter_map(|s| s.split('-').nth(1).map(str::to_owned))
        .collect()
}

both_backends!(two_processes_share_one_send_limit);
