//! A broadcast to 10,000 subscribers by the real `loket serve` (with the Telegram bot pointed at
//! the fake Bot API), killed with SIGKILL halfway and restarted.
//!
//! Set-up: 10,000 subscribed chats, one approved announcement, every 97th chat blocked (403),
//! two chats answered 429 (retry after 1 s), a limit of 500 messages/s so the run takes about
//! half a minute. The fake holds the 5,000th sendMessage and SIGKILLs loket from its hook, so
//! the kill lands while a request is in flight. A second process on the same database resumes.
//!
//! Checked: nobody gets two messages and blocked chats none; every other chat gets exactly one,
//! except a send cut off by the kill whose outcome loket cannot know (Telegram has no
//! idempotency key): those are reported `failed` (never re-sent, so never duplicated), there are
//! at most as many as sends in flight, and the held request itself counts as delivered. No
//! one-second window of the fake's arrival times holds more than the limit, across the restart
//! too. `loket announcements status` agrees with the fake's records.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use loket::storage::Store;
use loket::telegram::fake_api::{FakeBotApi, Fault};
use loket_acceptance::broadcast::{
    announcements_status, approved_announcement, busiest_second, messages_per_chat, sender_env,
};
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::wait::wait_until;

use crate::both_backends;

const SUBSCRIBERS: i64 = 10_000;
const RATE: usize = 500;
const CONCURRENCY: usize = 16;
const KILL_AT: usize = 5_000;

fn env(url: &str, api: &FakeBotApi) -> Vec<(&'static str, String)> {
    // Loopback under a loaded test machine: a wider margin for arrival jitter.
    let mut env = sender_env(url, api, RATE, CONCURRENCY, 60);
    // Short leases so the restarted process takes over the dead one's claims soon.
    env.push(("LOKET_ANNOUNCEMENTS__LEASE_SECS", "3".into()));
    env
}

async fn start(binary: &Path, dir: &Path, url: &str, api: &FakeBotApi, name: &str) -> LoketProcess {
    LoketProcess::start_with_args(binary, dir, &["serve"], &env(url, api), name).await
}

async fn broadcast_survives_sigkill_halfway(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let id = approved_announcement(&url, SUBSCRIBERS, "Pengumuman: jam layanan berubah.").await;
    let api = FakeBotApi::start().await.expect("fake Bot API");
    let blocked: HashSet<i64> = (1..=SUBSCRIBERS).filter(|c| c % 97 == 0).collect();
    for chat in &blocked {
        api.block_chat(*chat);
    }
    for chat in [1_234, 7_777] {
        api.fail_next_to("sendMessage", chat, 1, Fault::TooManyRequests { retry_after: 1 });
    }

    let mut first = start(&binary, &dir, &url, &api, "first").await;
    let pid = first.pid();
    let (killed_tx, killed_rx) = tokio::sync::oneshot::channel();
    api.on_nth_call("sendMessage", KILL_AT, move |call| {
        // SIGKILL while this request is held: loket never sees the answer.
        let status = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
        let _ = killed_tx.send((call.chat_id, status.map(|s| s.success()).unwrap_or(false)));
    });
    let (held_chat, killed) = tokio::time::timeout(Duration::from_secs(300), killed_rx)
        .await
        .unwrap_or_else(|_| panic!("the {KILL_AT}th sendMessage never came:\n{}", first.log()))
        .expect("hook ran");
    assert!(killed, "kill -KILL {pid} failed");
    first.kill(); // reap it
    let held_chat = held_chat.expect("sendMessage names a chat");

    let second = start(&binary, &dir, &url, &api, "second").await;
    let store = Store::connect(&url).await.expect("store");
    wait_until(Duration::from_secs(300), "every task has an outcome", || async {
        let p = store.broadcast_progress(id).await.expect("progress");
        p.pending == 0 && p.total > 0
    })
    .await;
    drop(second);

    // What the subscribers got.
    let calls = api.calls();
    let got = messages_per_chat(&calls);
    assert!(got.values().all(|&n| n == 1), "nobody is messaged twice");
    for chat in &blocked {
        assert!(!got.contains_key(chat), "blocked chat {chat} got a message");
    }
    assert_eq!(got.get(&held_chat), Some(&1), "the held request was delivered");
    let unknown = interrupted_chats(&store, id).await;
    assert!(unknown.contains(&held_chat), "the held send is reported as interrupted");
    assert!(unknown.len() <= CONCURRENCY, "{} sends cut off", unknown.len());
    for chat in (1..=SUBSCRIBERS).filter(|c| !blocked.contains(c) && !unknown.contains(c)) {
        assert_eq!(got.get(&chat), Some(&1), "chat {chat} got no message");
    }

    // The rate, from the fake's arrival times of every sendMessage (refused ones too).
    let mut times: Vec<Instant> = calls.iter().filter(|c| c.is("sendMessage")).map(|c| c.at).collect();
    times.sort();
    let busiest = busiest_second(&times);
    assert!(
        busiest <= RATE,
        "{busiest} sendMessage calls within one second (limit {RATE})"
    );

    // The CLI's counts agree with the fake's records.
    let (text, status) = announcements_status(&binary, &dir, &url, id);
    assert_eq!(status.total, SUBSCRIBERS as u64, "{text}");
    assert_eq!(status.pending, 0, "{text}");
    assert_eq!(status.sent + status.failed + status.blocked, status.total, "{text}");
    assert_eq!(
        status.failed,
        unknown.len() as u64,
        "only interrupted sends fail: {text}"
    );
    let delivered_unknown = unknown.iter().filter(|c| got.contains_key(c)).count() as u64;
    assert_eq!(status.sent + delivered_unknown, got.len() as u64, "{text}");
    let blocked_unknown = unknown.iter().filter(|c| blocked.contains(c)).count() as u64;
    assert_eq!(status.blocked + blocked_unknown, blocked.len() as u64, "{text}");
    println!(
        "broadcast kill ({}): {} messages, busiest second {busiest}/{RATE}, {} sends cut off by the kill \
         ({delivered_unknown} of them delivered), {text}",
        if url.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        got.len(),
        unknown.len(),
    );
    store.close().await;
}

/// Chats whose task failed because its send was cut off (outcome unknown).
async fn interrupted_chats(store: &Store, announcement: i64) -> HashSet<i64> {
    store
        .broadcast_failures(announcement)
        .await
        .expect("failures")
        .into_iter()
        .map(|(chat, error)| {
            assert!(error.contains("interrupted mid-send"), "chat {chat} failed: {error}");
            chat
        })
        .collect()
}

both_backends!(broadcast_survives_sigkill_halfway);
