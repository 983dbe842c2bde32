//! `FakeHandler`: a handler's webhook endpoint on 127.0.0.1:0 for the acceptance tests.
//!
//! Every request's `X-Loket-Signature` is verified with the shared secret (a bad one is answered
//! 401 and counted apart); validly signed deliveries are recorded per `Idempotency-Key` with their
//! JSON body. The answer follows the current [`Mode`]: healthy, failing with a status, stalled
//! (the request is recorded, then held without an answer until the mode changes), which is how a
//! test catches a worker mid-delivery, slow (answers 200 only after a delay longer than the
//! sender's timeout), or holding just the n-th request (to catch one of several workers).

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use loket::delivery::verify_signature;
use tokio::sync::watch;

/// How the fake handler answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// 200 OK.
    Healthy,
    /// Always this status (e.g. 503: "down").
    Failing(u16),
    /// Record the request, then answer nothing until the mode changes.
    Stalled,
    /// Record the request, answer 200 after this delay (whatever the mode is by then).
    Delayed(std::time::Duration),
    /// The n-th validly signed request (1-based, counting all so far) is held like `Stalled`;
    /// every other one is answered 200.
    HoldNth(usize),
}

#[derive(Default)]
struct Log {
    /// (Idempotency-Key, body) of every validly signed request, in arrival order.
    deliveries: Vec<(String, serde_json::Value)>,
    bad_signatures: usize,
}

struct Shared {
    secret: String,
    log: Mutex<Log>,
    mode: watch::Sender<Mode>,
}

/// A running fake endpoint; dropping it does not stop the server (tests are short-lived).
#[derive(Clone)]
pub struct FakeHandler {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

async fn hook(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let timestamp = header("x-loket-timestamp");
    if !verify_signature(
        shared.secret.as_bytes(),
        &timestamp,
        &body,
        &header("x-loket-signature"),
    ) {
        shared.log.lock().unwrap().bad_signatures += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    let position = {
        let mut log = shared.log.lock().unwrap();
        log.deliveries.push((header("idempotency-key"), json));
        log.deliveries.len()
    };
    let mut mode = shared.mode.subscribe();
    loop {
        let current = *mode.borrow_and_update();
        match current {
            Mode::Healthy => return StatusCode::OK,
            Mode::Failing(code) => return StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
            Mode::Delayed(delay) => {
                tokio::time::sleep(delay).await;
                return StatusCode::OK;
            }
            Mode::HoldNth(n) if n != position => return StatusCode::OK,
            Mode::Stalled | Mode::HoldNth(_) => {
                if mode.changed().await.is_err() {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
            }
        }
    }
}

impl FakeHandler {
    /// Starts the endpoint (`POST /hook`) verifying signatures made with `secret`.
    pub async fn spawn(secret: &str) -> Self {
        let (mode, _) = watch::channel(Mode::Healthy);
        let shared = Arc::new(Shared {
            secret: secret.to_owned(),
            log: Mutex::default(),
            mode,
        });
        let app = Router::new().route("/hook", post(hook)).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("cannot bind the fake handler");
        let addr = listener.local_addr().expect("bound address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, shared }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.shared.mode.send_replace(mode);
    }

    /// Every validly signed delivery: (Idempotency-Key, body).
    pub fn deliveries(&self) -> Vec<(String, serde_json::Value)> {
        self.shared.log.lock().unwrap().deliveries.clone()
    }

    /// How many validly signed requests carried each Idempotency-Key.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for (key, _) in self.shared.log.lock().unwrap().deliveries.iter() {
            *counts.entry(key.clone()).or_insert(0) += 1;
        }
        counts
    }

    /// The distinct Idempotency-Keys received for each ticket (`complaint.ticket` of the body).
    /// One forwarding task per complaint means exactly one key per ticket, however often that
    /// key was retried or redelivered.
    pub fn keys_by_ticket(&self) -> HashMap<String, BTreeSet<String>> {
        let mut keys: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (key, body) in self.shared.log.lock().unwrap().deliveries.iter() {
            let ticket = body["complaint"]["ticket"].as_str().unwrap_or_default().to_owned();
            keys.entry(ticket).or_default().insert(key.clone());
        }
        keys
    }

    pub fn bad_signatures(&self) -> usize {
        self.shared.log.lock().unwrap().bad_signatures
    }
}
