//! The web console's figure of `loket bench`: how fast the officer's inbox page answers with
//! 100,000 complaints in PostgreSQL.
//!
//! A scratch database (see `intake::ScratchDatabase`) is filled with `complaints` complaints
//! spread over ten handlers (a tenth of them overdue), written in batches straight into the
//! table. The whole `Application` then serves HTTP on 127.0.0.1:0 and an officer of two handlers
//! (a fifth of the complaints) opens the inbox page: unfiltered, overdue only and a word search,
//! each `rounds` times, one request at a time. Figures are measured, never asserted.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::sync::oneshot;

use crate::configuration::Settings;
use crate::console::password::{new_token, token_digest};
use crate::domain::TicketNumber;
use crate::startup::Application;
use crate::storage::{AccountRole, NewAccount, SetupToken, Store};

const HANDLERS: usize = 10;
const BATCH: usize = 1000;

pub(super) struct ConsoleFigures {
    pub(super) complaints: usize,
    /// (what, p50, p99) per kind of inbox request.
    pub(super) pages: Vec<(&'static str, Duration, Duration)>,
}

async fn seed(store: &Store, complaints: usize) -> anyhow::Result<()> {
    let crate::storage::Backend::Postgres(pool) = &store.backend else {
        anyhow::bail!("the console bench runs on PostgreSQL");
    };
    let now = store.clock().now();
    let mut written = 0;
    while written < complaints {
        let n = BATCH.min(complaints - written);
        let mut q = sqlx::QueryBuilder::new(
            "INSERT INTO complaints (ticket, chat_id, category, title, description, status, handler_id, due_at, created_at, updated_at) ",
        );
        q.push_values(0..n, |mut row, i| {
            let k = written + i;
            let created = now - i64::try_from(k).unwrap_or(0) * 60;
            let overdue = k % 10 == 0;
            row.push_bind(TicketNumber::generate().to_string())
                .push_bind(1_000_000 + i64::try_from(k).unwrap_or(0))
                .push_bind("umum")
                .push_bind(if k % 7 == 0 {
                    "Jalan rusak di desa"
                } else {
                    "Pelayanan surat lambat"
                })
                .push_bind("Keluhan warga tentang pelayanan yang belum selesai sesuai standar pelayanan.")
                .push_bind(if k % 3 == 0 { "diverifikasi" } else { "diterima" })
                .push_bind(format!("unit-{}", k % HANDLERS))
                .push_bind(if overdue { now - 3600 } else { now + 86_400 })
                .push_bind(created)
                .push_bind(created);
        });
        q.build().execute(pool).await.context("cannot seed complaints")?;
        written += n;
    }
    sqlx::query("ANALYZE complaints").execute(pool).await?;
    Ok(())
}

fn handlers_file(dir: &Path) -> anyhow::Result<std::path::PathBuf> {
    let mut text = String::new();
    for i in 0..HANDLERS {
        text.push_str(&format!("[[handler]]\nid = \"unit-{i}\"\nname = \"Unit {i}\"\n"));
    }
    let path = dir.join("handlers.toml");
    std::fs::write(&path, text)?;
    Ok(path)
}

pub(super) async fn measure(
    database_url: &str,
    standards: &Path,
    complaints: usize,
    rounds: usize,
) -> anyhow::Result<ConsoleFigures> {
    let dir = std::env::temp_dir().join(format!("loket-bench-console-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let store = Store::connect(database_url).await?;
    eprintln!("bench: seeding {complaints} complaints...");
    seed(&store, complaints).await?;
    let officer = NewAccount {
        username: "bench".into(),
        name: "Petugas Bench".into(),
        role: AccountRole::Officer,
        handlers: vec!["unit-0".into(), "unit-1".into()],
        agency: None,
    };
    let account = store
        .create_account(
            &officer,
            &SetupToken {
                sha256: token_digest(&new_token()),
                expires_at: store.clock().now() + 3600,
            },
        )
        .await?;
    let session = new_token();
    store
        .create_session(account.id, &token_digest(&session), &new_token(), 3600)
        .await?;
    let settings = Settings {
        database_url: database_url.to_owned(),
        http_addr: "127.0.0.1:0".parse()?,
        handlers: Some(handlers_file(&dir)?),
        standards_dir: Some(standards.to_owned()),
        ..Settings::default()
    };
    let app = Application::build_with_store(settings, store.clone())
        .await?
        .without_workers();
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();
    let cookie = format!("loket_session={session}");
    let mut pages = Vec::new();
    for (what, query) in [
        ("unfiltered, overdue first", ""),
        ("overdue only", "?terlambat=1"),
        ("word search", "?q=jalan+rusak"),
    ] {
        let mut samples = Vec::with_capacity(rounds);
        for _ in 0..rounds.max(1) {
            let started = Instant::now();
            let response = client
                .get(format!("{base}/console/inbox{query}"))
                .header("cookie", &cookie)
                .send()
                .await?;
            anyhow::ensure!(response.status().is_success(), "inbox answered {}", response.status());
            response.bytes().await?;
            samples.push(started.elapsed());
        }
        samples.sort();
        pages.push((
            what,
            super::knowledge::percentile(&samples, 0.50),
            super::knowledge::percentile(&samples, 0.99),
        ));
    }
    let _ = stop.send(());
    let _ = server.await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ConsoleFigures { complaints, pages })
}
