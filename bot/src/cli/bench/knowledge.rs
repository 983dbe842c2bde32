//! The knowledge figures of `loket bench`: parsing the decrees, building the engine, answer
//! latency in-process, and `loket ask --json` batch throughput (the binary runs itself, so the
//! figure includes process start and engine build). With `--dir` a province-sized corpus
//! (`scripts/make-scale-corpus`) is measured the same way, each step once.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use loket_knowledge::answer::Engine;
use loket_knowledge::parse::parse_dir;

/// Parse and build times and the engine, built once more for the answers. A small corpus is
/// timed as the median of [`ROUNDS`] runs; a large one (its first parse takes at least
/// [`LARGE`]: a province, `scripts/make-scale-corpus`) once, parsed and built exactly as
/// `loket serve` does it, so the peak RSS is the product's and not that of copies kept for
/// repeated runs.
pub(super) struct Built {
    pub(super) files: usize,
    pub(super) services: usize,
    /// How many runs the parse and build times are the median of.
    pub(super) runs: usize,
    pub(super) parse: Duration,
    pub(super) build: Duration,
    pub(super) engine: Engine,
}

/// Runs of a small corpus.
const ROUNDS: usize = 5;
/// A parse at least this long marks a large corpus.
const LARGE: Duration = Duration::from_secs(1);

/// How many runs to time, from the first parse.
fn runs_for(first_parse: Duration) -> usize {
    if first_parse >= LARGE { 1 } else { ROUNDS }
}

pub(super) fn build(dir: &Path) -> anyhow::Result<Built> {
    let start = Instant::now();
    let documents = parse_dir(dir)?.documents;
    let first_parse = start.elapsed();
    let files = documents.len();
    let services = documents.iter().map(|d| d.services.len()).sum();
    if runs_for(first_parse) == 1 {
        let start = Instant::now();
        let engine = Engine::build(documents)?;
        return Ok(Built {
            files,
            services,
            runs: 1,
            parse: first_parse,
            build: start.elapsed(),
            engine,
        });
    }
    let parse = median_of(ROUNDS, || {
        let start = Instant::now();
        let report = parse_dir(dir).expect("standards directory readable");
        (start.elapsed(), report)
    });
    let build = median_of(ROUNDS, || {
        let start = Instant::now();
        let engine = Engine::build(documents.clone()).expect("engine builds");
        (start.elapsed(), engine)
    });
    Ok(Built {
        files,
        services,
        runs: ROUNDS,
        parse,
        build,
        engine: Engine::build(documents)?,
    })
}

/// Answer latencies, sorted: every question `rounds` times after one warm-up pass.
pub(super) fn answer_latencies(engine: &Engine, questions: &[String], rounds: usize) -> Vec<Duration> {
    for q in questions {
        std::hint::black_box(engine.answer(q, None));
    }
    let mut samples = Vec::with_capacity(questions.len() * rounds);
    for _ in 0..rounds {
        for q in questions {
            let start = Instant::now();
            std::hint::black_box(engine.answer(q, None));
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    samples
}

/// The `p` quantile (0..=1) of sorted samples.
pub(super) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn median_of<T>(n: usize, mut f: impl FnMut() -> (Duration, T)) -> Duration {
    let mut times: Vec<Duration> = (0..n).map(|_| f().0).collect();
    times.sort();
    times[n / 2]
}

/// Runs this binary's `ask --json` on `n` questions through stdin.
pub(super) fn ask_batch(dir: &Path, questions: &[String], n: usize) -> anyhow::Result<Duration> {
    let input: String = questions.iter().cycle().take(n).map(|q| format!("{q}\n")).collect();
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
    anyhow::ensure!(lines == n, "expected {n} answers, got {lines}");
    Ok(elapsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_corpus_is_timed_once() {
        assert_eq!(runs_for(Duration::from_millis(30)), ROUNDS);
        assert_eq!(runs_for(Duration::from_millis(2500)), 1);
    }

    #[test]
    fn the_shipped_decrees_are_counted() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let built = build(&dir).unwrap();
        assert_eq!(built.files, 4);
        assert_eq!(built.services, built.engine.services().len());
        assert!(built.runs == 1 || built.runs == ROUNDS);
    }

    #[test]
    fn percentiles_pick_from_sorted_samples() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        assert_eq!(percentile(&samples, 0.5), Duration::from_micros(51));
        assert_eq!(percentile(&samples, 0.99), Duration::from_micros(99));
        assert_eq!(percentile(&samples, 1.0), Duration::from_micros(100));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }
}
