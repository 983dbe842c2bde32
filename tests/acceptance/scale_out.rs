//! Scale-out: two `loket serve --no-telegram` processes (real binary, separate HTTP ports) on one
//! PostgreSQL database share the forwarding queue through leases only; one of them is killed
//! with SIGKILL in the middle of a delivery, and the survivor finishes everything.
//!
//! "Delivered twice" is defined by the webhook contract: the Idempotency-Key is the forwarding
//! task's id, the same on every attempt, and the handler dedupes on it. A redelivery with the same
//! key after a crash is the same delivery; a second *key* for one complaint would be a real
//! duplicate (the handler would file it twice). So the test asserts: every accepted ticket reached
//! the handler under exactly one key, which is the id of its one forwarding task, now `done`;
//! nothing else reached it; and only the task the killed process held in flight was sent again
//! (each process runs one forwarding worker, which holds at most one task at a time).
//!
//! PostgreSQL only: SQLite is the embedded single-process default (one file on one machine, one
//! writer at a time); running several `loket serve` processes is what PostgreSQL is for.
//!
//! To catch a worker mid-delivery deterministically, the fake handler holds the `HELD`-th request
//! unanswered; the task's `locked_by` (`forward-<pid>-...`) names the process whose worker is
//! stuck on it, and that process is killed. Waits are bounded polls on observable state.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

use loket::storage::{DeliveryKind, DeliveryStatus, Store};
use loket_acceptance::app::handlers_toml;
use loket_acceptance::load::{all_accepted, file_many, serve_env};
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::wait::wait_until;
use loket_acceptance::{Backend, FakeHandler, Mode, WEBHOOK_SECRET, run_on};

/// Complaints filed before the kill (through both processes) and after it (through the survivor).
const BEFORE_KILL: usize = 150;
const AFTER_KILL: usize = 150;
/// The request the fake handler holds: the victim's worker is stuck on it when it is killed.
const HELD: usize = 40;

/// The worker process id in a `locked_by` value (`forward-<pid>-<random>`).
fn worker_pid(locked_by: &str) -> u32 {
    locked_by
        .split('-')
        .nth(1)
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("unexpected worker id {locked_by:?}"))
}

async fn two_processes_one_killed_nothing_twice_nothing_lost(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    receiver.set_mode(Mode::HoldNth(HELD));
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    // The held request must still be open when its process dies (timeout), and the survivor
    // reclaims it once the lease runs out (lease > timeout, as the configuration insists).
    let env = serve_env(
        &url,
        &dir,
        &[
            ("LOKET_DELIVERY__TIMEOUT_SECS", "10"),
            ("LOKET_DELIVERY__LEASE_SECS", "11"),
        ],
    );
    let mut processes = vec![
        LoketProcess::start(&binary, &dir, &env, "first").await,
        LoketProcess::start(&binary, &dir, &env, "second").await,
    ];
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let store = Store::connect(&url).await.expect("open the database");
    loket_acceptance::app::register_open311_client(&store).await;

    // Through both APIs, while both workers forward.
    let both: Vec<String> = processes.iter().map(|p| p.address.clone()).collect();
    let phase_one = {
        let client = client.clone();
        tokio::spawn(async move { file_many(&client, &both, BEFORE_KILL, 8).await })
    };
    wait_until(Duration::from_secs(60), "the handler holds one request", || async {
        receiver.deliveries().len() >= HELD
    })
    .await;
    let held_key = receiver.deliveries()[HELD - 1].0.clone();
    let held = store.get_delivery(&held_key).await.unwrap().expect("held task");
    assert_eq!(
        (held.status, held.attempts),
        (DeliveryStatus::InFlight, 1),
        "the held task is in flight: {held:?}"
    );
    let victim_pid = worker_pid(held.locked_by.as_deref().expect("claimed"));
    let victim = processes
        .iter()
        .position(|p| p.pid() == victim_pid)
        .expect("the held task was claimed by one of our processes");
    // Every request to the victim has been answered before it dies.
    let mut tickets = all_accepted(&phase_one.await.expect("intake task"));
    processes[victim].kill();
    let survivor = processes.swap_remove(1 - victim);
    receiver.set_mode(Mode::Healthy);

    tickets.extend(all_accepted(
        &file_many(&client, std::slice::from_ref(&survivor.address), AFTER_KILL, 8).await,
    ));
    let all: HashSet<&String> = tickets.iter().collect();
    assert_eq!(all.len(), BEFORE_KILL + AFTER_KILL, "tracking numbers are unique");
    wait_until(
        Duration::from_secs(60),
        "the survivor has forwarded every complaint, the held one again",
        || async {
            let keys = receiver.keys_by_ticket();
            tickets.iter().all(|t| keys.contains_key(t)) && receiver.counts().get(&held_key) == Some(&2)
        },
    )
    .await;

    // Exactly one delivery (one key) per complaint, and it is the complaint's forwarding task.
    let keys = receiver.keys_by_ticket();
    assert_eq!(
        keys.len(),
        tickets.len(),
        "nothing but our complaints reached the handler"
    );
    for ticket in &tickets {
        let received = &keys[ticket];
        assert_eq!(
            received.len(),
            1,
            "{ticket} reached the handler under several keys: {received:?}"
        );
        let complaint = store
            .get_by_ticket(&ticket.parse().unwrap())
            .await
            .unwrap()
            .expect("no complaint lost");
        let forward: Vec<_> = store
            .deliveries_for_complaint(complaint.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == DeliveryKind::Forward)
            .collect();
        assert_eq!(forward.len(), 1, "{ticket}: {forward:?}");
        assert_eq!(forward[0].status, DeliveryStatus::Done, "{ticket}: {forward:?}");
        assert!(received.contains(&forward[0].id), "{ticket}: key is the task id");
    }
    // Only the task in flight in the killed process was sent twice.
    let counts = receiver.counts();
    let repeated: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert_eq!(
        repeated,
        vec![(&held_key, &2)],
        "{} requests",
        receiver.deliveries().len()
    );
    let held = store.get_delivery(&held_key).await.unwrap().unwrap();
    assert_eq!(held.attempts, 2, "claimed by the victim, then reclaimed: {held:?}");
    assert_eq!(
        worker_pid(held.locked_by.as_deref().unwrap()),
        survivor.pid(),
        "the survivor finished the victim's task"
    );
    assert_eq!(receiver.bad_signatures(), 0);
    store.close().await;
    drop(survivor);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_one_killed() {
    run_on(Backend::Postgres, two_processes_one_killed_nothing_twice_nothing_lost).await
}
