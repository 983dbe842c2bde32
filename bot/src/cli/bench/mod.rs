//! `loket bench`: the product's speed figures in one run, as a Markdown table on stdout.
//!
//! Sections (all by default, one with `--only SECTION`):
//! - `knowledge`: parsing all decrees, building the engine (index, vocabulary, spelling table),
//!   answer latency p50/p99 in-process over the evaluation questions (`knowledge.rs`); on the
//!   corpus of `scripts/make-scale-corpus` (`--dir`, `--only knowledge`) this is the scale
//!   bench of issue 16, each step timed once;
//! - `ask`: `loket ask --json` batch throughput for 1,000 questions including process start;
//! - `intake`: complaints filed over Open311 and forwarded to a loopback webhook, on SQLite and
//!   on PostgreSQL (a scratch database created and dropped on the server of `--database-url`;
//!   `intake.rs`);
//! - `telegram`: question messages/s and reply latency through `loket serve` against the fake
//!   Bot API (`cli/bench_telegram.rs`);
//! - `broadcast`: an announcement's broadcast rate against the default limit, and the ingest +
//!   diff time of all decrees (`cli/bench_broadcast.rs`);
//! - `console`: the web console's inbox page over HTTP with 100,000 complaints in a scratch
//!   PostgreSQL database, p50/p99 (`console.rs`);
//! - `webchat`: web chat round trips (a question posted, the answer back) through the real HTTP
//!   server, on SQLite and on PostgreSQL, p50/p99 (`webchat.rs`);
//! - `whatsapp`: outbound Cloud API messages/s through the real HTTP server and inbox workers
//!   against the fake Graph API, one question per citizen as a signed webhook, on SQLite and on
//!   PostgreSQL (`whatsapp.rs`).
//!
//! The peak RSS of the bench process closes the table. Progress goes to stderr. Run it on a
//! release build: `cargo run --release -- bench`. Figures are measured, never asserted; a section
//! that cannot run (PostgreSQL unreachable) says why in its row and the others still run.

mod console;
mod intake;
mod knowledge;
mod webchat;
mod whatsapp;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use loket_knowledge::eval::parse_cases;

/// One part of the bench.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Section {
    Knowledge,
    Ask,
    Intake,
    Telegram,
    Broadcast,
    /// The web console's inbox with 100,000 complaints in PostgreSQL.
    Console,
    /// Web chat round trips through the HTTP server, on SQLite and PostgreSQL.
    Webchat,
    /// WhatsApp messages/s through the HTTP server and inbox worker against the fake Graph API.
    Whatsapp,
}

/// What `loket bench` was asked to do.
#[derive(Debug, Clone)]
pub(crate) struct BenchOptions {
    pub(crate) dir: PathBuf,
    pub(crate) questions: PathBuf,
    pub(crate) rounds: usize,
    pub(crate) only: Option<Section>,
    /// Admin URL of the PostgreSQL server the intake bench makes its scratch database on.
    pub(crate) database_url: String,
    pub(crate) complaints: usize,
    /// Questions sent in the Telegram bench.
    pub(crate) messages: usize,
    /// Subscribers of the broadcast bench (one message each).
    pub(crate) broadcast: usize,
}

/// The default PostgreSQL server of the intake bench.
pub(crate) const DEFAULT_BENCH_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Rows of the Markdown table.
#[derive(Default)]
struct Table(Vec<(String, String)>);

impl Table {
    fn row(&mut self, measure: impl Into<String>, value: impl Into<String>) {
        self.0.push((measure.into(), value.into()));
    }

    fn print(&self) {
        println!("| measure | value |");
        println!("| --- | --- |");
        for (measure, value) in &self.0 {
            println!("| {measure} | {value} |");
        }
    }
}

pub(crate) fn run_bench(options: &BenchOptions) -> anyhow::Result<()> {
    // Absolute, so the `loket serve` child of the Telegram bench finds it from its own directory.
    let dir = std::path::absolute(&options.dir)
        .with_context(|| format!("cannot resolve the standards directory {}", options.dir.display()))?;
    let options = &BenchOptions { dir, ..options.clone() };
    let wants = |s: Section| options.only.is_none_or(|only| only == s);
    let mut table = Table::default();
    if wants(Section::Knowledge) || wants(Section::Ask) || wants(Section::Webchat) || wants(Section::Whatsapp) {
        let questions = questions(&options.questions)?;
        if wants(Section::Knowledge) {
            eprintln!("bench: parsing, engine build, answers...");
            knowledge_rows(&mut table, &options.dir, &questions, options.rounds)?;
        }
        if wants(Section::Ask) {
            eprintln!("bench: loket ask --json, 1,000 questions...");
            let batch = knowledge::ask_batch(&options.dir, &questions, 1000)?;
            table.row(
                "`loket ask --json`, 1,000 questions incl. process start",
                format!(
                    "{} ({} questions/s)",
                    fmt(batch),
                    thousands(1000.0 / batch.as_secs_f64())
                ),
            );
        }
        if wants(Section::Webchat) {
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            runtime.block_on(webchat_rows(&mut table, options, &questions));
        }
        if wants(Section::Whatsapp) {
            let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
            runtime.block_on(whatsapp_rows(&mut table, options, &questions));
        }
    }
    if wants(Section::Intake) || wants(Section::Telegram) || wants(Section::Broadcast) || wants(Section::Console) {
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        if wants(Section::Intake) {
            runtime.block_on(intake_rows(&mut table, options));
        }
        if wants(Section::Telegram) {
            eprintln!(
                "bench: Telegram, {} questions through loket serve and the fake Bot API...",
                options.messages
            );
            telegram_rows(
                &mut table,
                runtime.block_on(super::bench_telegram::measure(&options.dir, options.messages)),
            );
        }
        if wants(Section::Broadcast) {
            let limit = crate::telegram::BroadcastSettings::default().overall_per_second;
            eprintln!("bench: broadcast, {} messages at {limit}/s...", options.broadcast);
            let figures = runtime.block_on(super::bench_broadcast::measure_broadcast(
                &options.dir,
                options.broadcast,
                limit,
            ));
            match figures {
                Ok(f) => {
                    for (measure, value) in f.rows() {
                        table.row(measure, value);
                    }
                }
                Err(e) => table.row("broadcast rate vs limit", not_measured(&e)),
            }
        }
    }
    if wants(Section::Console) {
        let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
        runtime.block_on(console_rows(&mut table, options));
    }
    if let Some(rss) = peak_rss_kib() {
        table.row(
            "peak RSS of the bench process",
            format!("{:.1} MiB", rss as f64 / 1024.0),
        );
    }
    table.print();
    Ok(())
}

fn questions(file: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let questions: Vec<String> = parse_cases(&text)
        .map_err(|e| anyhow::anyhow!(e))?
        .into_iter()
        .map(|c| c.question)
        .collect();
    anyhow::ensure!(!questions.is_empty(), "no questions in {}", file.display());
    Ok(questions)
}

fn knowledge_rows(table: &mut Table, dir: &Path, questions: &[String], rounds: usize) -> anyhow::Result<()> {
    let built = knowledge::build(dir)?;
    let samples = knowledge::answer_latencies(&built.engine, questions, rounds.max(1));
    let runs = match built.runs {
        1 => "one run".to_owned(),
        n => format!("median of {n}"),
    };
    table.row(
        format!(
            "decrees parsed ({} files, {} services), {runs}",
            thousands(built.files as f64),
            thousands(built.services as f64)
        ),
        fmt(built.parse),
    );
    table.row(
        format!("engine build (tantivy index + BM25 table + vocabulary + spelling), {runs}"),
        fmt(built.build),
    );
    table.row(
        format!("answer latency p50 ({} answers)", thousands(samples.len() as f64)),
        fmt(knowledge::percentile(&samples, 0.50)),
    );
    table.row("answer latency p99", fmt(knowledge::percentile(&samples, 0.99)));
    table.row(
        "answer latency max",
        fmt(samples.last().copied().unwrap_or(Duration::ZERO)),
    );
    Ok(())
}

/// A scratch database on `backend` ("SQLite", else PostgreSQL at the bench's URL).
async fn scratch_on(backend: &str, options: &BenchOptions) -> anyhow::Result<intake::ScratchDatabase> {
    match backend {
        "SQLite" => intake::ScratchDatabase::sqlite(),
        _ => intake::ScratchDatabase::postgres(&options.database_url).await,
    }
}

/// Runs `measure` on a scratch database and drops the database after it, whatever the result
/// (a database that cannot be dropped is a warning, not a failed figure).
async fn on_scratch<T>(
    scratch: anyhow::Result<intake::ScratchDatabase>,
    measure: impl AsyncFnOnce(&str) -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let db = scratch?;
    let figures = measure(&db.url).await;
    if let Err(e) = db.destroy().await {
        eprintln!("bench: warning: {e:#}");
    }
    figures
}

async fn intake_rows(table: &mut Table, options: &BenchOptions) {
    let n = options.complaints.max(1);
    for backend in ["SQLite", "PostgreSQL"] {
        eprintln!("bench: intake and forwarding on {backend}, {n} complaints...");
        let scratch = scratch_on(backend, options).await;
        let figures = on_scratch(scratch, async |url: &str| intake::measure(url, &options.dir, n).await).await;
        match figures {
            Ok(f) => {
                table.row(
                    format!(
                        "intake, {backend} ({} Open311 POSTs, {} in flight)",
                        thousands(f.complaints as f64),
                        intake::INTAKE_CONCURRENCY
                    ),
                    format!(
                        "{} complaints/s ({:.2} s)",
                        thousands(f.complaints as f64 / f.intake_elapsed.as_secs_f64()),
                        f.intake_elapsed.as_secs_f64()
                    ),
                );
                table.row(
                    format!(
                        "deliveries, {backend} ({} workers, signed webhook to loopback)",
                        intake::DELIVERY_WORKERS
                    ),
                    format!(
                        "{} deliveries/s ({:.2} s)",
                        thousands(f.deliveries as f64 / f.delivery_elapsed.as_secs_f64()),
                        f.delivery_elapsed.as_secs_f64()
                    ),
                );
            }
            Err(e) => table.row(format!("intake and deliveries, {backend}"), not_measured(&e)),
        }
    }
}

/// Complaints in the console bench's database.
const CONSOLE_COMPLAINTS: usize = 100_000;

async fn console_rows(table: &mut Table, options: &BenchOptions) {
    eprintln!("bench: console inbox on PostgreSQL, {CONSOLE_COMPLAINTS} complaints...");
    let figures = on_scratch(
        intake::ScratchDatabase::postgres(&options.database_url).await,
        async |url: &str| console::measure(url, &options.dir, CONSOLE_COMPLAINTS, 200).await,
    )
    .await;
    match figures {
        Ok(f) => {
            table.row(
                format!(
                    "console bench set-up: {} complaints bulk-inserted, vacuumed and analysed (PostgreSQL)",
                    thousands(f.complaints as f64)
                ),
                format!("{:.2} s", f.seeded.as_secs_f64()),
            );
            for (what, p50, p99) in f.pages {
                table.row(
                    format!(
                        "console inbox page over HTTP, {what} ({} complaints in PostgreSQL, officer of 2 of 10 handlers), p50 / p99",
                        thousands(f.complaints as f64)
                    ),
                    format!("{} / {}", fmt(p50), fmt(p99)),
                );
            }
        }
        Err(e) => table.row("console inbox page (PostgreSQL)", not_measured(&e)),
    }
}

async fn webchat_rows(table: &mut Table, options: &BenchOptions, questions: &[String]) {
    let n = options.messages.max(1);
    for backend in ["SQLite", "PostgreSQL"] {
        eprintln!("bench: web chat on {backend}, {n} questions...");
        let scratch = scratch_on(backend, options).await;
        let figures = on_scratch(scratch, async |url: &str| {
            webchat::measure(url, &options.dir, questions, n).await
        })
        .await;
        match figures {
            Ok(f) => table.row(
                format!(
                    "web chat round trip over HTTP, {backend} ({} questions, {} sessions at once), p50 / p99",
                    thousands(f.messages as f64),
                    webchat::SESSIONS
                ),
                format!(
                    "{} / {} ({} messages/s; {} of {} answered)",
                    fmt(f.p50),
                    fmt(f.p99),
                    thousands(f.messages as f64 / f.elapsed.as_secs_f64()),
                    thousands(f.answered as f64),
                    thousands(f.messages as f64)
                ),
            ),
            Err(e) => table.row(format!("web chat round trip, {backend}"), not_measured(&e)),
        }
    }
}

async fn whatsapp_rows(table: &mut Table, options: &BenchOptions, questions: &[String]) {
    let n = options.messages.max(1);
    for backend in ["SQLite", "PostgreSQL"] {
        eprintln!("bench: WhatsApp on {backend}, {n} questions...");
        let scratch = scratch_on(backend, options).await;
        let figures = on_scratch(scratch, async |url: &str| {
            whatsapp::measure(url, &options.dir, questions, n).await
        })
        .await;
        match figures {
            Ok(f) => table.row(
                format!(
                    "WhatsApp outbound messages/s, signed webhooks -> inbox -> core -> fake Graph API, {backend} ({} citizens, {} calls in flight, {} inbox workers)",
                    thousands(f.inbound as f64),
                    whatsapp::IN_FLIGHT,
                    f.workers
                ),
                format!(
                    "{} messages/s ({} messages in {}; {} of {} citizens answered)",
                    thousands(f.outbound as f64 / f.elapsed.as_secs_f64()),
                    thousands(f.outbound as f64),
                    fmt(f.elapsed),
                    thousands(f.answered as f64),
                    thousands(f.inbound as f64)
                ),
            ),
            Err(e) => table.row(format!("WhatsApp outbound messages/s, {backend}"), not_measured(&e)),
        }
    }
}

fn telegram_rows(table: &mut Table, figures: anyhow::Result<super::bench_telegram::TelegramFigures>) {
    match figures {
        Ok(f) => {
            table.row(
                format!(
                    "Telegram: questions answered by `loket serve` via the fake Bot API ({} messages, {} chats)",
                    thousands(f.messages as f64),
                    thousands(f.chats as f64)
                ),
                format!(
                    "{} messages/s ({:.2} s); {} of {} replies as the engine renders them",
                    thousands(f.per_second),
                    f.elapsed.as_secs_f64(),
                    thousands(f.correct as f64),
                    thousands(f.messages as f64)
                ),
            );
            table.row(
                "Telegram reply latency p50 / p99 (update handed out to reply received)",
                format!("{} / {}", fmt(f.p50), fmt(f.p99)),
            );
        }
        Err(e) => table.row("Telegram messages/s (fake Bot API)", not_measured(&e)),
    }
}

/// A table cell for a section that could not run.
fn not_measured(error: &anyhow::Error) -> String {
    let reason = format!("{error:#}").replace('|', "/").replace('\n', " ");
    format!("not measured: {reason}")
}

fn fmt(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    }
}

/// A rate or count rounded to a whole number, with thousands separators (1,022).
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Peak resident set size from /proc (Linux), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0.4), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1022.3), "1,022");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
    }

    #[test]
    fn durations_read_in_their_unit() {
        assert_eq!(fmt(Duration::from_micros(30)), "30.0 µs");
        assert_eq!(fmt(Duration::from_millis(56)), "56.0 ms");
    }

    #[test]
    fn peak_rss_is_read_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(peak_rss_kib().is_some_and(|kib| kib > 0));
        }
    }
}
