//! The web console's figure of `loket bench`: how fast the officer's inbox page answers with
//! 100,000 complaints in PostgreSQL.
//!
//! A scratch database (see `intake::ScratchDatabase`) is filled with `complaints` complaints
//! spread over ten handlers (see [`seed`] for their shape), written straight into the table a
//! few statements in all, then vacuumed and analysed as autovacuum leaves a live table. The whole
//! `Application` then serves HTTP on 127.0.0.1:0 and an officer of two handlers (a fifth of the
//! complaints) opens the inbox page as officers do: unfiltered, overdue only, one status, a word
//! search, a ticket and a page deep in the list, each `rounds` times, one request at a time.
//! Figures are measured, never asserted.

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
/// Complaints written per INSERT.
const BATCH: usize = 25_000;

pub(super) struct ConsoleFigures {
    pub(super) complaints: usize,
    /// How long writing them took (the bulk insert, vacuum and analyse).
    pub(super) seeded: Duration,
    /// (what, p50, p99) per kind of inbox request.
    pub(super) pages: Vec<(&'static str, Duration, Duration)>,
}

/// Fills the complaints table in one statement per [`BATCH`] rows: the tickets are drawn here
/// (they must be valid tickets, the inbox parses them) and sent as one array, every other column
/// is computed by the server from the row's position (`UNNEST ... WITH ORDINALITY`).
///
/// The shape of a year of a busy regency: one complaint every five minutes, oldest first (ids grow
/// with time); the newest 15% are open (received, verified, forwarded, followed up, on hold;
/// one in ten of those past its deadline), the rest closed (mostly `ditutup`, some rejected or not
/// this agency's). Titles and descriptions vary so a word search matches one complaint in seven.
/// Returns a ticket of the officer's handlers, for the ticket search.
async fn seed(store: &Store, complaints: usize) -> anyhow::Result<String> {
    let crate::storage::Backend::Postgres(pool) = &store.backend else {
        anyhow::bail!("the console bench runs on PostgreSQL");
    };
    let now = store.clock().now();
    let total = i64::try_from(complaints)?;
    let mut tickets = std::collections::HashSet::with_capacity(complaints);
    while tickets.len() < complaints {
        tickets.insert(TicketNumber::generate().to_string());
    }
    let tickets: Vec<String> = tickets.into_iter().collect();
    for (batch, chunk) in tickets.chunks(BATCH).enumerate() {
        let first = i64::try_from(batch * BATCH)?;
        sqlx::query(
            "INSERT INTO complaints (ticket, chat_id, category, title, description, status, handler_id,
                                     due_at, created_at, updated_at)
             SELECT s.ticket, 1000000 + s.k, 'umum',
                    (ARRAY['Jalan rusak di desa', 'Pelayanan surat lambat', 'Petugas tidak ramah',
                           'Antrean terlalu panjang', 'Biaya tidak sesuai tarif', 'Berkas hilang',
                           'Lampu jalan mati'])[1 + s.k / 13 % 7],
                    'Keluhan warga nomor ' || s.k || ': pelayanan belum selesai sesuai standar pelayanan.',
                    CASE WHEN s.open THEN (ARRAY['diterima', 'diverifikasi', 'diteruskan', 'ditindaklanjuti',
                                                 'ditunda'])[1 + s.k / 10 % 5]
                         ELSE (ARRAY['ditutup', 'ditutup', 'ditutup', 'ditolak', 'bukan_wewenang'])[1 + s.k / 10 % 5]
                    END,
                    'unit-' || (s.k % $5),
                    CASE WHEN NOT s.open THEN NULL
                         WHEN s.k / 7 % 10 = 0 THEN $2 - 3600 - s.k % 86400
                         ELSE $2 + 86400 + s.k % 86400 END,
                    s.created, s.created
               FROM (SELECT u.ticket, u.k, u.k * 100 >= $4 * 85 AS open, $2 - ($4 - u.k) * 300 AS created
                       FROM (SELECT t.ticket, $3 + t.i - 1 AS k
                               FROM UNNEST($1::text[]) WITH ORDINALITY AS t(ticket, i)) AS u) AS s",
        )
        .bind(chunk)
        .bind(now)
        .bind(first)
        .bind(total)
        .bind(i64::try_from(HANDLERS)?)
        .execute(pool)
        .await
        .context("cannot seed complaints")?;
    }
    sqlx::query("VACUUM ANALYZE complaints")
        .execute(pool)
        .await
        .context("cannot vacuum the complaints")?;
    Ok(tickets.first().cloned().unwrap_or_default())
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
    let started = Instant::now();
    let ticket = seed(&store, complaints).await?;
    let seeded = started.elapsed();
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
    let ticket_query = format!("?q={ticket}");
    // (what, query, a text the page must show: the bench times real pages, not error pages).
    for (what, query, shows) in [
        ("unfiltered, overdue first", "", "id=\"inbox\""),
        ("overdue only", "?terlambat=1", "id=\"inbox\""),
        ("one status", "?status=diterima", "id=\"inbox\""),
        ("word search", "?q=jalan+rusak", "Jalan rusak di desa"),
        ("ticket search", ticket_query.as_str(), ticket.as_str()),
        ("page 40", "?halaman=40", "Halaman 40"),
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
            let body = response.text().await?;
            samples.push(started.elapsed());
            anyhow::ensure!(body.contains(shows), "the inbox page ({what}) does not show {shows:?}");
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
    Ok(ConsoleFigures {
        complaints,
        seeded,
        pages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::bench::intake::ScratchDatabase;
    use crate::storage::testing::postgres_admin_url;

    /// The section runs end to end on a small table (its figures are not judged here).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_console_bench_serves_every_kind_of_inbox_page() {
        let db = ScratchDatabase::postgres(&postgres_admin_url())
            .await
            .expect("PostgreSQL (LOKET_TEST_DATABASE_URL)");
        let standards = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let figures = measure(&db.url, &standards, 2_000, 2).await;
        db.destroy().await.expect("drop the scratch database");
        let figures = figures.expect("the bench runs");
        assert_eq!(figures.complaints, 2_000);
        assert_eq!(figures.pages.len(), 6);
    }
}
