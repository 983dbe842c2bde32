//! The complaint figures of `loket bench`: intake over HTTP (Open311 POSTs) and forwarding to a
//! loopback webhook receiver, on a scratch database of either backend.
//!
//! The whole `Application` runs on 127.0.0.1:0 over a database made for the run (SQLite in a
//! temporary directory; PostgreSQL `loket_bench_<uuid>` created on the server given by
//! `--database-url` / `LOKET_BENCH_DATABASE_URL` and dropped afterwards, also after a failure).
//! [`INTAKE_CONCURRENCY`] requests stay in flight over keep-alive connections; then
//! [`DELIVERY_WORKERS`] forwarding workers deliver every complaint to a receiver that verifies
//! each signature, as a handler would. Figures are measured, never asserted.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};
use tokio::sync::{Semaphore, oneshot};

use crate::configuration::{DeliverySettings, Settings};
use crate::delivery::{ExecutionOutcome, verify_signature};
use crate::routing::api_key_digest;
use crate::startup::Application;
use crate::storage::{Clock, Store, redact};

/// Concurrent HTTP requests in flight during intake.
pub(super) const INTAKE_CONCURRENCY: usize = 32;
/// Forwarding workers running side by side during the delivery measurement.
pub(super) const DELIVERY_WORKERS: usize = 8;

const API_KEY: &str = "kunci-bench-0123456789abcdef";
/// Intake-only key of the Open311 client `bench` that files the complaints.
const OPEN311_KEY: &str = "loket311_kunci-bench-0123456789abcdef";
const WEBHOOK_SECRET: &str = "rahasia-bench-0123456789abcdef";

#[derive(Debug, Clone)]
pub(super) struct IntakeFigures {
    pub(super) complaints: usize,
    pub(super) intake_elapsed: Duration,
    pub(super) deliveries: usize,
    pub(super) delivery_elapsed: Duration,
}

/// A database made for one run and removed afterwards.
pub(super) struct ScratchDatabase {
    pub(super) url: String,
    dir: PathBuf,
    postgres: Option<(String, String)>,
}

impl ScratchDatabase {
    pub(super) fn sqlite() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("loket-bench-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self {
            url: format!("sqlite:{}", dir.join("loket.db").display()),
            dir,
            postgres: None,
        })
    }

    /// Creates `loket_bench_<uuid>` on the server of `admin_url`.
    pub(super) async fn postgres(admin_url: &str) -> anyhow::Result<Self> {
        let mut admin = PgConnection::connect(admin_url)
            .await
            .with_context(|| format!("cannot connect to PostgreSQL at {}", redact(admin_url)))?;
        let name = format!("loket_bench_{}", uuid::Uuid::new_v4().simple());
        admin
            .execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
            .await
            .with_context(|| format!("cannot create database {name}"))?;
        let _ = admin.close().await;
        let mut url = reqwest::Url::parse(admin_url).context("the PostgreSQL URL is not a URL")?;
        url.set_path(&name);
        Ok(Self {
            url: url.to_string(),
            dir: std::env::temp_dir(),
            postgres: Some((admin_url.to_owned(), name)),
        })
    }

    pub(super) async fn destroy(self) -> anyhow::Result<()> {
        match &self.postgres {
            Some((admin_url, name)) => {
                let mut admin = PgConnection::connect(admin_url).await?;
                admin
                    .execute(AssertSqlSafe(format!(
                        r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                    )))
                    .await
                    .with_context(|| format!("cannot drop database {name}"))?;
                let _ = admin.close().await;
            }
            None => {
                std::fs::remove_dir_all(&self.dir).with_context(|| format!("cannot remove {}", self.dir.display()))?
            }
        }
        Ok(())
    }
}

/// The loopback handler endpoint: checks every signature, remembers each Idempotency-Key.
#[derive(Default)]
struct Received {
    keys: Mutex<HashSet<String>>,
    bad_signatures: Mutex<usize>,
}

async fn hook(State(received): State<Arc<Received>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if !verify_signature(
        WEBHOOK_SECRET.as_bytes(),
        header("x-loket-timestamp"),
        &body,
        header("x-loket-signature"),
    ) {
        *received.bad_signatures.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        return StatusCode::UNAUTHORIZED;
    }
    let key = header("idempotency-key").to_owned();
    received.keys.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
    StatusCode::OK
}

async fn spawn_receiver() -> anyhow::Result<(String, Arc<Received>, tokio::task::JoinHandle<()>)> {
    let received = Arc::new(Received::default());
    let app = Router::new().route("/hook", post(hook)).with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hook", listener.local_addr()?);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, received, server))
}

fn handlers_toml(webhook_url: &str) -> String {
    format!(
        "[[handler]]\nid = \"bench\"\nname = \"Bench\"\ndefault = true\nwebhook_url = \"{webhook_url}\"\n\
         webhook_secret = \"{WEBHOOK_SECRET}\"\napi_key_sha256 = \"{}\"\n",
        api_key_digest(API_KEY)
    )
}

/// Files `n` complaints over Open311 into the database at `database_url`, then forwards them.
pub(super) async fn measure(database_url: &str, standards_dir: &Path, n: usize) -> anyhow::Result<IntakeFigures> {
    let catalog = crate::http::Open311Catalog::load(standards_dir)?;
    let service_code = catalog
        .services()
        .first()
        .map(|s| s.service_code.clone())
        .context("the standards directory has no service to file complaints about")?;
    let (receiver_url, received, receiver) = spawn_receiver().await?;
    let handlers = std::env::temp_dir().join(format!("loket-bench-handlers-{}.toml", uuid::Uuid::new_v4().simple()));
    std::fs::write(&handlers, handlers_toml(&receiver_url))?;
    let settings = Settings {
        database_url: database_url.to_owned(),
        http_addr: "127.0.0.1:0".parse()?,
        handlers: Some(handlers.clone()),
        standards_dir: Some(standards_dir.to_owned()),
        delivery: DeliverySettings {
            timeout_secs: 5,
            idle_poll_millis: 50,
            ..DeliverySettings::default()
        },
        ..Settings::default()
    };
    let result = run(settings, &service_code, n, &received).await;
    let _ = std::fs::remove_file(&handlers);
    receiver.abort();
    result
}

async fn run(settings: Settings, service_code: &str, n: usize, received: &Received) -> anyhow::Result<IntakeFigures> {
    let store = Store::connect(&settings.database_url)
        .await?
        .with_clock(Clock::system())
        .with_deadlines(Arc::new(settings.sla()?));
    let client = crate::domain::ClientId::parse("bench")?;
    let digest = crate::domain::client_key_digest(OPEN311_KEY);
    store
        .create_open311_client(&client, "loket bench", &digest, u32::MAX)
        .await?;
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
    let form: Arc<Vec<(&str, String)>> = Arc::new(vec![
        ("api_key", OPEN311_KEY.to_owned()),
        ("service_code", service_code.to_owned()),
        (
            "description",
            "Pengurusan surat keterangan sudah tiga minggu belum selesai.".to_owned(),
        ),
        ("address_string", "Kantor Kecamatan, jalan raya nomor 1".to_owned()),
        ("lat", "-7.5982".to_owned()),
        ("long", "112.7610".to_owned()),
        ("first_name", "Warga".to_owned()),
        ("email", "warga@contoh.id".to_owned()),
    ]);
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
    let _ = stop.send(());
    server.await??;
    let distinct = received.keys.lock().unwrap_or_else(|e| e.into_inner()).len();
    anyhow::ensure!(
        distinct == n && deliveries == n,
        "the receiver saw {distinct} distinct deliveries and the workers completed {deliveries}, expected {n}"
    );
    Ok(IntakeFigures {
        complaints: n,
        intake_elapsed,
        deliveries,
        delivery_elapsed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bench checks its own work: every complaint filed reaches the receiver exactly once,
    /// on both backends, in a scratch database that is removed afterwards.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_complaint_filed_is_forwarded_once_on_both_backends() {
        let standards = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let admin = crate::storage::testing::postgres_admin_url();
        for postgres in [false, true] {
            let db = if postgres {
                ScratchDatabase::postgres(&admin).await.unwrap()
            } else {
                ScratchDatabase::sqlite().unwrap()
            };
            let sqlite_dir = (!postgres).then(|| db.dir.clone());
            let figures = measure(&db.url, &standards, 5).await;
            db.destroy().await.unwrap();
            let figures = figures.unwrap();
            assert_eq!((figures.complaints, figures.deliveries), (5, 5));
            if let Some(dir) = sqlite_dir {
                assert!(!dir.exists(), "the scratch directory is removed");
            }
        }
    }
}
