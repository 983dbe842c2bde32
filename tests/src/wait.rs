//! `wait_until`: the bounded poll of the tests that watch real processes and real time (crash,
//! scale-out and failure drills). They wait for observable state (a delivery recorded, a probe
//! answering), never for a fixed time; the bound only turns a hang into a failure that says
//! what never happened.

use std::future::Future;
use std::time::Duration;

/// Checks `check` every 50 ms until it holds; panics with `what` after `limit`.
pub async fn wait_until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        if check().await {
            return;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("gave up after {limit:?} waiting until {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
