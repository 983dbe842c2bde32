//! A worker process killed with SIGKILL in the middle of a delivery: the real `loket serve
//! --no-telegram` binary files complaints over Open311, starts forwarding the first one to a fake
//! handler that stalls, and is killed -9. A second process on the same database reclaims the task
//! once its lease expires and delivers it with the same Idempotency-Key; every complaint filed
//! before the crash is still there and delivered.
//!
//! The only test that waits on real time: the child can only be observed from outside, so every
//! wait is a bounded poll (never an assertion on elapsed time).

use std::path::{Path, PathBuf};
use std::time::Duration;

use loket::domain::TicketNumber;
use loket::storage::{DeliveryKind, DeliveryStatus, Store};
use loket_acceptance::app::{handlers_toml, register_open311_client_at, valid_open311_form};
use loket_acceptance::process::{LoketProcess, loket_binary};
use loket_acceptance::{FakeHandler, Mode, WEBHOOK_SECRET};
use serde_json::Value;

use crate::both_backends;

/// Polls `check` every 100 ms, at most `polls` times; panics with `what` when it never holds.
async fn wait_until<F, Fut>(polls: u32, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..polls {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("gave up waiting: {what}");
}

fn env(url: &str, dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", url.to_owned()),
        ("LOKET_HANDLERS", dir.join("handlers.toml").display().to_string()),
        (
            "LOKET_STANDARDS_DIR",
            loket_acceptance::standards_dir().display().to_string(),
        ),
        // A lease short enough that the restarted process reclaims the task soon, a request
        // timeout long enough that the stalled request is still open when the process dies, and
        // below the lease (the configuration insists).
        ("LOKET_DELIVERY__LEASE_SECS", "12".into()),
        ("LOKET_DELIVERY__TIMEOUT_SECS", "10".into()),
        ("LOKET_DELIVERY__INITIAL_BACKOFF_SECS", "1".into()),
        ("LOKET_DELIVERY__IDLE_POLL_MILLIS", "50".into()),
    ]
}

async fn file_over_open311(client: &reqwest::Client, process: &LoketProcess) -> String {
    let response = client
        .post(format!("{}/open311/v2/requests.json", process.address))
        .form(&valid_open311_form())
        .send()
        .await
        .expect("Open311 POST");
    assert!(response.status().is_success(), "{}", response.status());
    let body: Value = response.json().await.expect("JSON");
    body[0]["service_request_id"].as_str().expect("ticket").to_owned()
}

async fn worker_killed_mid_delivery_delivers_after_restart(url: String, dir: PathBuf) {
    let binary = tokio::task::spawn_blocking(loket_binary).await.expect("build task");
    let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
    receiver.set_mode(Mode::Stalled);
    std::fs::write(dir.join("handlers.toml"), handlers_toml(&receiver.url())).unwrap();
    let client = reqwest::Client::new();

    let mut first = LoketProcess::start(&binary, &dir, &env(&url, &dir), "first").await;
    register_open311_client_at(&url).await;
    let mut tickets = vec![file_over_open311(&client, &first).await];
    wait_until(300, "the first delivery reaches the stalled handler", || async {
        receiver.deliveries().len() == 1
    })
    .await;
    // Filed while the worker is stuck on the first delivery: queued behind it.
    tickets.push(file_over_open311(&client, &first).await);
    tickets.push(file_over_open311(&client, &first).await);
    first.kill();
    assert_eq!(receiver.deliveries().len(), 1, "nothing else was sent before the crash");
    let stalled_key = receiver.deliveries()[0].0.clone();

    receiver.set_mode(Mode::Healthy);
    let second = LoketProcess::start(&binary, &dir, &env(&url, &dir), "second").await;
    wait_until(1200, "every complaint is delivered after the restart", || async {
        let counts = receiver.counts();
        counts.len() == 3 && counts.get(&stalled_key) == Some(&2)
    })
    .await;

    let store = Store::connect(&url).await.expect("open the database");
    for ticket in &tickets {
        let ticket = TicketNumber::parse(ticket).unwrap();
        let complaint = store.get_by_ticket(&ticket).await.unwrap().expect("no complaint lost");
        let forward: Vec<_> = store
            .deliveries_for_complaint(complaint.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|d| d.kind == DeliveryKind::Forward)
            .collect();
        assert_eq!(forward.len(), 1);
        assert_eq!(forward[0].status, DeliveryStatus::Done, "{forward:?}");
        if forward[0].id == stalled_key {
            assert_eq!(
                forward[0].attempts, 2,
                "claimed by the killed process, then by the new one"
            );
        }
    }
    let counts = receiver.counts();
    assert_eq!(counts.values().sum::<usize>(), 4, "{counts:?}");
    let (status, listed) = {
        let ids = tickets.join(",");
        let response = client
            .get(format!(
                "{}/open311/v2/requests.json?service_request_id={ids}",
                second.address
            ))
            .send()
            .await
            .unwrap();
        (response.status(), response.json::<Value>().await.unwrap())
    };
    assert!(status.is_success());
    assert_eq!(listed.as_array().unwrap().len(), 3);
    store.close().await;
    drop(second);
}

both_backends!(worker_killed_mid_delivery_delivers_after_restart);
