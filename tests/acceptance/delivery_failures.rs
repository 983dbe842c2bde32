//! A handler that is down: retried with backoff until it answers (same Idempotency-Key every
//! time), and, when it stays down, dead-lettered and delivered after an administrator's requeue.
//! Time moves on the store's manual clock, never by sleeping.

use std::path::PathBuf;

use loket::delivery::ExecutionOutcome;
use loket::storage::{DeliveryKind, DeliveryStatus};
use loket_acceptance::app::MAX_ATTEMPTS;
use loket_acceptance::{Mode, TestApp};

use crate::both_backends;

/// The retry time of the single outcome of a worker pass.
fn retry_at(outcomes: &[ExecutionOutcome]) -> i64 {
    match outcomes {
        [ExecutionOutcome::TaskRetryScheduled { at }] => *at,
        other => panic!("expected one scheduled retry, got {other:?}"),
    }
}

async fn handler_down_for_a_while_gets_it_on_a_retry(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    app.receiver.set_mode(Mode::Failing(503));
    let ticket = app.submit_open311().await;

    let first = retry_at(&app.drive_workers_until_idle().await);
    assert!(first > app.clock.now());
    // Not before its time: the backoff holds the task back.
    assert!(app.drive_workers_until_idle().await.is_empty());
    app.clock.set(first);
    let second = retry_at(&app.drive_workers_until_idle().await);
    assert!(second > first);

    app.receiver.set_mode(Mode::Healthy);
    app.clock.set(second);
    assert_eq!(
        app.drive_workers_until_idle().await,
        vec![ExecutionOutcome::TaskCompleted]
    );

    let forward = app.deliveries(&ticket, DeliveryKind::Forward).await;
    assert_eq!((forward[0].status, forward[0].attempts), (DeliveryStatus::Done, 3));
    let counts = app.receiver.counts();
    assert_eq!(counts.len(), 1, "one delivery, one Idempotency-Key: {counts:?}");
    assert_eq!(counts[&forward[0].id], 3);
    assert!(app.store.list_dead(10).await.unwrap().is_empty());
    app.stop().await;
}

async fn handler_down_for_good_dead_letters_and_requeue_delivers(url: String, dir: PathBuf) {
    let app = TestApp::spawn(&url, &dir).await;
    app.receiver.set_mode(Mode::Failing(503));
    let ticket = app.submit_open311().await;

    for _ in 1..MAX_ATTEMPTS {
        let at = retry_at(&app.drive_workers_until_idle().await);
        app.clock.set(at);
    }
    assert_eq!(app.drive_workers_until_idle().await, vec![ExecutionOutcome::TaskDead]);
    app.clock.advance(365 * 24 * 3600);
    assert!(app.drive_workers_until_idle().await.is_empty(), "dead tasks stay put");

    let dead = app.store.list_dead(10).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        dead[0].last_error.as_deref().unwrap_or_default().contains("503"),
        "{dead:?}"
    );
    // The complaint itself is safe whatever happens to its delivery.
    assert_eq!(app.complaint(&ticket).await.ticket, ticket);

    app.receiver.set_mode(Mode::Healthy);
    assert!(app.store.requeue(&dead[0].id).await.unwrap());
    assert!(
        !app.store.requeue(&dead[0].id).await.unwrap(),
        "only dead tasks are requeued"
    );
    assert_eq!(
        app.drive_workers_until_idle().await,
        vec![ExecutionOutcome::TaskCompleted]
    );
    assert!(app.store.list_dead(10).await.unwrap().is_empty());
    let counts = app.receiver.counts();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[&dead[0].id], MAX_ATTEMPTS as usize + 1);
    app.stop().await;
}

both_backends!(
    handler_down_for_a_while_gets_it_on_a_retry,
    handler_down_for_good_dead_letters_and_requeue_delivers,
);
