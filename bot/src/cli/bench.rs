//! `loket bench`: the product's speed figures in one run, as a Markdown table.
//!
//! Measures parsing all decrees, building the engine (index, vocabulary, spelling table),
//! answer latency p50/p99 in-process over the evaluation questions, and `loket ask --json`
//! batch throughput for 1,000 questions including process start (the binary runs itself).
//! Run it on a release build: `cargo run --release -- bench`.

use loket_knowledge::answer::Engine;
use loket_knowledge::eval::parse_cases;
use loket_knowledge::parse::parse_dir;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn run_bench(dir: &Path, questions_file: &Path, rounds: usize) -> anyhow::Result<()> {
    let questions: Vec<String> = parse_cases(&std::fs::read_to_string(questions_file)?)
        .map_err(|e| anyhow::anyhow!(e))?
        .into_iter()
        .map(|c| c.question)
        .collect();
    anyhow::ensure!(!questions.is_empty(), "no questions in {}", questions_file.display());

    let parse = median_of(5, || {
        let start = Instant::now();
        let report = parse_dir(dir).expect("standards directory readable");
        (start.elapsed(), report)
    });
    let documents = parse_dir(dir)?.documents;
    let services: usize = documents.iter().map(|d| d.services.len()).sum();
    let build = median_of(5, || {
        let start = Instant::now();
        let engine = Engine::build(documents.clone()).expect("engine builds");
        (start.elapsed(), engine)
    });
    let engine = Engine::build(documents)?;

    // Warm up, then time every question `rounds` times.
    for q in &questions {
        std::hint::black_box(engine.answer(q, None));
    }
    let mut samples = Vec::with_capacity(questions.len() * rounds);
    for _ in 0..rounds {
        for q in &questions {
            let start = Instant::now();
            std::hint::black_box(engine.answer(q, None));
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];

    let batch = batch_throughput(dir, &questions)?;

    println!("| measure | value |");
    println!("| --- | --- |");
    println!("| decrees parsed ({services} services), median of 5 | {} |", fmt(parse));
    println!(
        "| engine build (tantivy index + vocabulary + spelling), median of 5 | {} |",
        fmt(build)
    );
    println!(
        "| answer latency p50 ({} answers) | {} |",
        samples.len(),
        fmt(pct(0.50))
    );
    println!("| answer latency p99 | {} |", fmt(pct(0.99)));
    println!(
        "| answer latency max | {} |",
        fmt(*samples.last().unwrap_or(&Duration::ZERO))
    );
    println!(
        "| `loket ask --json`, 1,000 questions incl. process start | {} ({:.0} questions/s) |",
        fmt(batch),
        1000.0 / batch.as_secs_f64()
    );
    if let Some(rss) = peak_rss_kib() {
        println!("| peak RSS of this process | {:.1} MiB |", rss as f64 / 1024.0);
    }
    Ok(())
}

fn median_of<T>(n: usize, mut f: impl FnMut() -> (Duration, T)) -> Duration {
    let mut times: Vec<Duration> = (0..n).map(|_| f().0).collect();
    times.sort();
    times[n / 2]
}

/// Runs this binary's `ask --json` on 1,000 questions through stdin.
fn batch_throughput(dir: &Path, questions: &[String]) -> anyhow::Result<Duration> {
    let input: String = questions.iter().cycle().take(1000).map(|q| format!("{q}\n")).collect();
    let start = Instant::now();
    let mut child = Command::new(std::env::current_exe()?)
        .args(["ask", "--json", "--dir"])
        .arg(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output()?;
    writer.join().map_err(|_| anyhow::anyhow!("writer thread panicked"))??;
    let elapsed = start.elapsed();
    anyhow::ensure!(output.status.success(), "loket ask --json failed");
    let lines = output.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count();
    anyhow::ensure!(lines == 1000, "expected 1000 answers, got {lines}");
    Ok(elapsed)
}

fn fmt(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    }
}

/// Peak resident set size from /proc (Linux), in KiB.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
