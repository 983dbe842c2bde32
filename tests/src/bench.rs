//! `intake_benchmark`: complaint intake over HTTP (Open311 POSTs) and forwarding throughput to a
//! local receiver, on whichever database `store_url` names.
//!
//! Lives here (not in the bot crate) because it needs the fake handler and a handlers file; run it
//! with `cargo test --release -p loket-acceptance -- --ignored bench --nocapture` (see
//! `acceptance/bench.rs`), which prints a Markdown table for SQLite and PostgreSQL. Figures are
//! measured, never asserted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use loket::delivery::ExecutionOutcome;
use loket::startup::Application;
use loket::storage::{Clock, Store};
use tokio::sync::{Semaphore, oneshot};

use crate::app::{handlers_toml, test_settings, valid_open311_form};
use crate::receiver::FakeHandler;

/// Concurrent HTTP requests in flight during intake.
pub const INTAKE_CONCURRENCY: usize = 32;
/// Forwarding workers running side by side during the delivery measurement.
pub const DELIVERY_WORKERS: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct IntakeFigures {
    pub backend: &'static str,
    pub complaints: usize,
    pub intake_elapsed: Duration,
    pub intake_per_sec: f64,
    pub deliveries: usize,
    pub delivery_elapsed: Duration,
    pub deliveries_per_sec: f64,
}

/// Starts the application on port 0 over `store_url` (a fresh database), files `n` complaints as
/// Open311 POSTs with [`INTAKE_CONCURRENCY`] in flight over keep-alive connections, then lets
/// [`DELIVERY_WORKERS`] forwarding workers deliver all of them to a local receiver.
pub async fn intake_benchmark(store_url: &str, n: usize) -> anyhow::Result<IntakeFigures> {
    let dir = tempfile::tempdir().context("temporary directory")?;
    let receiver = FakeHandler::spawn(crate::app::WEBHOOK_SECRET).await;
    let handlers = dir.path().join("handlers.toml");
    std::fs::write(&handlers, handlers_toml(&receiver.url()))?;
    let settings = test_settings(store_url, &handlers);
    let store = Store::connect(store_url)
        .await?
        .with_clock(Clock::system())
        .with_deadlines(Arc::new(settings.sla()?));
    let app = Application::build_with_store(settings, store.clone())
        .await?
        .without_workers();
    let workers: Vec<_> = (0..DELIVERY_WORKERS)
        .map(|_| app.forward_worker())
        .collect::<anyhow::Result<_>>()?;
    let url = format!("http://127.0.0.1:{}/open311/v2/requests.json", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(INTAKE_CONCURRENCY)
        .build()?;
    let form = Arc::new(valid_open311_form());
    let permits = Arc::new(Semaphore::new(INTAKE_CONCURRENCY));
    let started = Instant::now();
    let mut requests = Vec::with_capacity(n);
    for _ in 0..n {
        let permit = permits.clone().acquire_owned().await?;
        let (client, url, form) = (client.clone(), url.clone(), form.clone());
        requests.push(tokio::spawn(async move {
            let response = client.post(&url).form(form.as_slice()).send().await;
            drop(permit);
            match response {
                Ok(r) if r.status().is_success() => Ok(()),
                Ok(r) => Err(anyhow::anyhow!("intake answered {}", r.status())),
                Err(e) => Err(anyhow::anyhow!("intake request failed: {e}")),
            }
        }));
    }
    for request in requests {
        request.await??;
    }
    let intake_elapsed = started.elapsed();

    let started = Instant::now();
    let mut runners = Vec::new();
    for worker in workers {
        runners.push(tokio::spawn(async move {
            let mut delivered = 0usize;
            loop {
                match worker.try_execute_task().await? {
                    ExecutionOutcome::TaskCompleted => delivered += 1,
                    ExecutionOutcome::EmptyQueue => return anyhow::Ok(delivered),
                    other => anyhow::bail!("unexpected delivery outcome {other:?}"),
                }
            }
        }));
    }
    let mut deliveries = 0;
    for runner in runners {
        deliveries += runner.await??;
    }
    let delivery_elapsed = started.elapsed();
    anyhow::ensure!(
        receiver.deliveries().len() == n,
        "receiver saw {} deliveries, expected {n}",
        receiver.deliveries().len()
    );

    let backend = store.backend_name();
    let _ = stop.send(());
    server.await??;
    Ok(IntakeFigures {
        backend,
        complaints: n,
        intake_elapsed,
        intake_per_sec: n as f64 / intake_elapsed.as_secs_f64(),
        deliveries,
        delivery_elapsed,
        deliveries_per_sec: deliveries as f64 / delivery_elapsed.as_secs_f64(),
    })
}
