//! `Worker`: executes outbox tasks of one kind, one at a time, with leases.
//!
//! Each step claims a task (the claim commits at once), sends it through the [`Forwarder`] with no
//! transaction open, then records the outcome. A worker killed mid-send leaves a lease that
//! expires; the task is then claimed again and re-sent with the same `Idempotency-Key`, so the
//! receiver can tell it is a repeat. Any number of workers, in any number of processes, can share
//! one database.

use std::sync::Arc;
use std::time::Duration;

use super::{Forwarder, RetryPolicy, SendError};
use crate::storage::{DeliveryKind, Retry, Store, StoreError};

/// What one [`Worker::try_execute_task`] call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExecutionOutcome {
    /// Delivered; the task is done.
    TaskCompleted,
    /// Failed temporarily; scheduled again at this unix time.
    TaskRetryScheduled { at: i64 },
    /// Failed for good (permanent error or attempts used up); now in the dead-letter list.
    TaskDead,
    /// The lease expired during the send and another worker owns the task now.
    LeaseLost,
    /// Nothing is ready.
    EmptyQueue,
}

pub struct Worker {
    store: Store,
    kind: DeliveryKind,
    forwarder: Arc<dyn Forwarder>,
    policy: RetryPolicy,
    lease: Duration,
    id: String,
    /// The chat ids whose tasks this worker claims (all by default).
    chats: std::ops::RangeInclusive<i64>,
}

impl Worker {
    pub fn new(
        store: Store,
        kind: DeliveryKind,
        forwarder: Arc<dyn Forwarder>,
        policy: RetryPolicy,
        lease: Duration,
    ) -> Self {
        let id = format!(
            "{}-{}-{}",
            kind,
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        Self {
            store,
            kind,
            forwarder,
            policy,
            lease,
            id,
            chats: i64::MIN..=i64::MAX,
        }
    }

    /// Claims only tasks whose chat id is in `chats` (one channel's citizens; see
    /// `CitizenChannels`).
    pub fn only_chats(mut self, chats: std::ops::RangeInclusive<i64>) -> Self {
        self.chats = chats;
        self
    }

    /// This worker's identity in `locked_by`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Claims and executes at most one task.
    #[tracing::instrument(name = "delivery", skip(self), fields(worker = %self.id, kind = %self.kind, task))]
    pub async fn try_execute_task(&self) -> Result<ExecutionOutcome, StoreError> {
        let claimed = self
            .store
            .claim_next_for_chats(self.kind, &self.id, self.lease, &self.chats)
            .await?;
        let Some(task) = claimed else {
            return Ok(ExecutionOutcome::EmptyQueue);
        };
        tracing::Span::current().record("task", task.id.as_str());
        let result = crate::metrics::timed_delivery(self.kind, self.forwarder.send(&task)).await;
        let attempts = u32::try_from(task.attempts).unwrap_or(u32::MAX);
        let (owned, outcome) = match result {
            Ok(()) => (
                self.store.complete(&task.id, &self.id).await?,
                ExecutionOutcome::TaskCompleted,
            ),
            Err(error) => {
                let retry = match &error {
                    SendError::Permanent { .. } => Retry::Dead,
                    SendError::Retryable { retry_after, .. } => {
                        self.policy
                            .after_failure(attempts, self.store.now(), *retry_after, &mut rand::rng())
                    }
                };
                tracing::warn!(error = %error, attempts, ?retry, "delivery attempt failed");
                let outcome = match retry {
                    Retry::At(at) => ExecutionOutcome::TaskRetryScheduled { at },
                    Retry::Dead => ExecutionOutcome::TaskDead,
                };
                let owned = self.store.fail(&task.id, &self.id, &error.to_string(), retry).await?;
                (owned, outcome)
            }
        };
        crate::metrics::delivery_outcome(self.kind, &outcome, owned);
        if owned {
            Ok(outcome)
        } else {
            tracing::warn!("lease lost before the outcome was recorded");
            Ok(ExecutionOutcome::LeaseLost)
        }
    }

    /// Works until `shutdown` resolves: executes tasks back to back, pauses `idle` when the queue
    /// is empty and a second after a storage error.
    pub async fn run_until_stopped(self, idle: Duration, shutdown: impl Future<Output = ()> + Send) {
        tokio::pin!(shutdown);
        loop {
            let pause = match self.try_execute_task().await {
                Ok(ExecutionOutcome::EmptyQueue) => idle,
                Ok(_) => Duration::ZERO,
                Err(e) => {
                    tracing::error!(error.cause_chain = ?e, error.message = %e, "delivery worker step failed");
                    Duration::from_secs(1)
                }
            };
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(pause) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::net::SocketAddr;
    use std::path::Path;
    use std::sync::Mutex;

    use axum::Router;
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::post;

    use super::*;
    use crate::delivery::{HandlerChannels, WebhookForwarder, verify_signature};
    use crate::domain::{NewComplaint, fixtures};
    use crate::routing::Routing;
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryStatus, SubmitOptions};

    const SECRET: &str = "rahasia-uji-webhook-0123";

    /// A fake handler endpoint: verifies signatures, records deliveries, answers with scripted
    /// status codes (200 once the script is empty).
    #[derive(Default)]
    struct Receiver {
        script: VecDeque<u16>,
        /// (idempotency key, body) of every validly signed request.
        received: Vec<(String, serde_json::Value)>,
        bad_signatures: usize,
    }

    type Shared = Arc<Mutex<Receiver>>;

    async fn hook(State(state): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        let mut r = state.lock().unwrap();
        let ts = header("x-loket-timestamp");
        if !verify_signature(SECRET.as_bytes(), &ts, &body, &header("x-loket-signature")) {
            r.bad_signatures += 1;
            return StatusCode::UNAUTHORIZED;
        }
        let code = r.script.pop_front().unwrap_or(200);
        let json = serde_json::from_slice(&body).unwrap_or_default();
        r.received.push((header("idempotency-key"), json));
        StatusCode::from_u16(code).unwrap()
    }

    async fn spawn_receiver() -> (SocketAddr, Shared) {
        let state: Shared = Arc::default();
        let app = Router::new().route("/hook", post(hook)).with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (addr, state)
    }

    fn routing_to(url: &str) -> Arc<Routing> {
        let text = format!(
            "[[handler]]\nid = \"dukcapil\"\nname = \"Dukcapil\"\ndefault = true\n\
             webhook_url = \"{url}\"\nwebhook_secret = \"{SECRET}\"\n\
             [[handler]]\nid = \"kecamatan\"\nname = \"Kecamatan\"\nofficer_chat_ids = [-100]\n\
             [[handler]]\nid = \"nowhere\"\nname = \"Tanpa kanal\"\n"
        );
        Arc::new(Routing::from_toml(&text, Path::new("test.toml")).unwrap())
    }

    fn worker(db: &TestDb, routing: Arc<Routing>, max_attempts: u32) -> Worker {
        let webhook = WebhookForwarder::new(routing.clone(), Duration::from_secs(5)).unwrap();
        let channels = HandlerChannels::new(routing, webhook);
        let policy = RetryPolicy {
            max_attempts,
            initial_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(600),
        };
        Worker::new(
            db.store.clone(),
            DeliveryKind::Forward,
            Arc::new(channels),
            policy,
            Duration::from_secs(60),
        )
    }

    async fn submit(db: &TestDb, handler: &str) -> i64 {
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some(handler.into()),
            auto_verify: false,
        };
        db.store.submit_complaint(&new, &options).await.unwrap().id
    }

    async fn forwards_a_signed_complaint_once(db: TestDb) {
        let (addr, receiver) = spawn_receiver().await;
        let w = worker(&db, routing_to(&format!("http://{addr}/hook")), 5);
        let complaint_id = submit(&db, "dukcapil").await;
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskCompleted);
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::EmptyQueue);

        let task = &db.store.deliveries_for_complaint(complaint_id).await.unwrap()[0];
        assert_eq!(task.status, DeliveryStatus::Done);
        let r = receiver.lock().unwrap();
        assert_eq!(r.bad_signatures, 0);
        assert_eq!(r.received.len(), 1);
        assert_eq!(r.received[0].0, task.id, "Idempotency-Key is the delivery id");
        assert_eq!(r.received[0].1["event"], "complaint.submitted");
        assert_eq!(r.received[0].1["complaint"]["status"], "diterima");
    }

    async fn handler_down_then_up_is_retried_until_delivered(db: TestDb) {
        let (addr, receiver) = spawn_receiver().await;
        receiver.lock().unwrap().script.extend([503, 500]);
        let w = worker(&db, routing_to(&format!("http://{addr}/hook")), 5);
        submit(&db, "dukcapil").await;

        for _ in 0..2 {
            let ExecutionOutcome::TaskRetryScheduled { at } = w.try_execute_task().await.unwrap() else {
                panic!("expected a retry");
            };
            assert!(at > db.clock.now());
            assert_eq!(
                w.try_execute_task().await.unwrap(),
                ExecutionOutcome::EmptyQueue,
                "not before its time"
            );
            db.clock.set(at);
        }
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskCompleted);
        let r = receiver.lock().unwrap();
        assert_eq!(r.received.len(), 3);
        assert!(
            r.received.iter().all(|(key, _)| key == &r.received[0].0),
            "same key on every retry"
        );
    }

    async fn unreachable_handler_goes_dead_and_requeue_delivers(db: TestDb) {
        // A port that was just free: connection refused.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let dead_url = format!("http://{}/hook", closed.local_addr().unwrap());
        drop(closed);
        let down = worker(&db, routing_to(&dead_url), 3);
        submit(&db, "dukcapil").await;
        for _ in 0..2 {
            let ExecutionOutcome::TaskRetryScheduled { at } = down.try_execute_task().await.unwrap() else {
                panic!("expected a retry");
            };
            db.clock.set(at);
        }
        assert_eq!(down.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
        assert_eq!(down.try_execute_task().await.unwrap(), ExecutionOutcome::EmptyQueue);
        let dead = db.store.list_dead(10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert!(
            dead[0]
                .last_error
                .as_deref()
                .unwrap_or_default()
                .contains("request failed")
        );

        // The handler comes back at a new address; the administrator requeues.
        let (addr, receiver) = spawn_receiver().await;
        let up = worker(&db, routing_to(&format!("http://{addr}/hook")), 3);
        assert!(db.store.requeue(&dead[0].id).await.unwrap());
        assert_eq!(up.try_execute_task().await.unwrap(), ExecutionOutcome::TaskCompleted);
        assert_eq!(receiver.lock().unwrap().received[0].0, dead[0].id);
    }

    async fn client_errors_are_dead_at_once(db: TestDb) {
        let (addr, receiver) = spawn_receiver().await;
        receiver.lock().unwrap().script.push_back(422);
        let w = worker(&db, routing_to(&format!("http://{addr}/hook")), 5);
        submit(&db, "dukcapil").await;
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
        let dead = db.store.list_dead(10).await.unwrap();
        assert_eq!(dead[0].attempts, 1);
        assert!(dead[0].last_error.as_deref().unwrap_or_default().contains("422"));
    }

    async fn handler_without_channel_is_dead_and_officer_chat_waits(db: TestDb) {
        let (addr, _receiver) = spawn_receiver().await;
        let w = worker(&db, routing_to(&format!("http://{addr}/hook")), 5);
        submit(&db, "nowhere").await;
        assert_eq!(w.try_execute_task().await.unwrap(), ExecutionOutcome::TaskDead);
        submit(&db, "kecamatan").await;
        assert!(matches!(
            w.try_execute_task().await.unwrap(),
            ExecutionOutcome::TaskRetryScheduled { .. }
        ));
    }

    async fn several_workers_deliver_each_task_exactly_once(db: TestDb) {
        let (addr, receiver) = spawn_receiver().await;
        let routing = routing_to(&format!("http://{addr}/hook"));
        for _ in 0..10 {
            submit(&db, "dukcapil").await;
        }
        let mut handles = Vec::new();
        for _ in 0..3 {
            let w = worker(&db, routing.clone(), 5);
            handles.push(tokio::spawn(async move {
                let mut done = 0;
                while w.try_execute_task().await.unwrap() == ExecutionOutcome::TaskCompleted {
                    done += 1;
                }
                done
            }));
        }
        let mut total = 0;
        for h in handles {
            total += h.await.unwrap();
        }
        assert_eq!(total, 10);
        let r = receiver.lock().unwrap();
        let mut keys: Vec<&String> = r.received.iter().map(|(k, _)| k).collect();
        keys.sort();
        keys.dedup();
        assert_eq!((r.received.len(), keys.len()), (10, 10));
    }

    async fn run_until_stopped_drains_and_stops(db: TestDb) {
        let (addr, receiver) = spawn_receiver().await;
        let w = worker(&db, routing_to(&format!("http://{addr}/hook")), 5);
        submit(&db, "dukcapil").await;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let handle = tokio::spawn(w.run_until_stopped(Duration::from_millis(10), async {
            let _ = stopped.await;
        }));
        // Wait (bounded) until the receiver has it, then stop.
        for _ in 0..500 {
            if !receiver.lock().unwrap().received.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.send(()).unwrap();
        handle.await.unwrap();
        assert_eq!(receiver.lock().unwrap().received.len(), 1);
    }

    both_backends!(
        forwards_a_signed_complaint_once,
        handler_down_then_up_is_retried_until_delivered,
        unreachable_handler_goes_dead_and_requeue_delivers,
        client_errors_are_dead_at_once,
        handler_without_channel_is_dead_and_officer_chat_waits,
        several_workers_deliver_each_task_exactly_once,
        run_until_stopped_drains_and_stops,
    );
}
