//! The Telegram throughput benchmark: question messages per second through the real
//! `loket serve` process, and the reply latency a citizen sees.
//!
//! [`measure`] starts the in-process fake Bot API ([`FakeBotApi`]), runs this very binary as
//! `loket serve` (SQLite in a temporary directory, `TELOXIDE_API_URL` pointing at the fake) and
//! feeds it the questions of `knowledge/eval/questions.tsv`, one per chat over many distinct
//! chats, keeping a fixed number in flight (closed loop). A question counts as answered correctly
//! when the bot's reply is exactly what the engine renders for it. Latency runs from handing the
//! update to `getUpdates` to the arrival of the reply's `sendMessage`, so it includes the long
//! poll, the dispatcher, the dialogue state in SQLite, the engine and the HTTP round trips. The
//! fake and the load generator share the machine with loket, as they would in a drill.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::telegram::fake_api::{self, FakeBotApi};

/// Questions in flight at once (each in its own chat); enough to keep loket busy on two cores
/// without turning the latency into queueing time.
const WINDOW: usize = 64;
/// The longest wait for any progress before the run is declared stuck.
const STALL: Duration = Duration::from_secs(60);
/// First chat id; chat `FIRST_CHAT + i` asks question `i`.
const FIRST_CHAT: i64 = 1_000_000;

/// What one run measured.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TelegramFigures {
    /// Question messages answered (one reply each).
    pub(crate) messages: usize,
    /// Distinct chats the questions came from.
    pub(crate) chats: usize,
    /// From the first update handed out to the last reply.
    pub(crate) elapsed: Duration,
    pub(crate) per_second: f64,
    pub(crate) p50: Duration,
    pub(crate) p99: Duration,
    /// Replies identical to the engine's rendered answer.
    pub(crate) correct: usize,
}

/// A directory under the system's temporary directory, removed when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn create() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("loket-bench-telegram-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Self(dir))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `loket` binary to run: this executable, or (from a test binary in `target/<profile>/deps`)
/// the `loket` next to `deps/`.
fn loket_binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("cannot find the running executable")?;
    if exe.file_stem().is_some_and(|s| s == "loket") {
        return Ok(exe);
    }
    let sibling = exe
        .parent()
        .and_then(Path::parent)
        .map(|dir| dir.join(format!("loket{}", std::env::consts::EXE_SUFFIX)))
        .filter(|p| p.exists());
    sibling.with_context(|| format!("no loket binary next to {}", exe.display()))
}

/// The questions of the eval set next to the standards (`knowledge/eval/questions.tsv`).
fn questions(standards_dir: &Path) -> anyhow::Result<Vec<String>> {
    let file = standards_dir
        .parent()
        .map(|knowledge| knowledge.join("eval/questions.tsv"))
        .context("the standards directory has no parent")?;
    let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let questions: Vec<String> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split('\t').next())
        .map(str::to_owned)
        .collect();
    anyhow::ensure!(!questions.is_empty(), "{} has no questions", file.display());
    Ok(questions)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Runs `messages` questions through `loket serve`; see the module docs.
pub(crate) async fn measure(standards_dir: &Path, messages: usize) -> anyhow::Result<TelegramFigures> {
    anyhow::ensure!(messages > 0, "nothing to measure");
    let asked = questions(standards_dir)?;
    let engine = super::load_engine(standards_dir)?;
    // What a fresh chat gets for each question: the first message of the rendered answer.
    let expected: Vec<String> = asked
        .iter()
        .map(|q| {
            crate::telegram::render_answer(&engine, &engine.answer(q, None))
                .into_iter()
                .next()
                .unwrap_or_default()
        })
        .collect();
    drop(engine);

    // The child runs in a scratch directory: give it an absolute path.
    let standards_dir =
        &std::path::absolute(standards_dir).with_context(|| format!("cannot resolve {}", standards_dir.display()))?;
    let api = FakeBotApi::start().await?;
    let dir = ScratchDir::create()?;
    let log = std::fs::File::create(dir.path().join("serve.log")).context("cannot create the log file")?;
    let mut child = tokio::process::Command::new(loket_binary()?)
        .arg("serve")
        .current_dir(dir.path())
        .env("TELOXIDE_TOKEN", fake_api::TOKEN)
        .env("TELOXIDE_API_URL", api.url().as_str())
        .env(
            "DATABASE_URL",
            format!("sqlite:{}", dir.path().join("loket.db").display()),
        )
        .env("LOKET_HTTP_ADDR", "127.0.0.1:0")
        .env("LOKET_CONFIG", dir.path().join("none.toml"))
        .env("LOKET_STANDARDS_DIR", standards_dir)
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().context("log file")?)
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .context("cannot start loket serve")?;
    let polled = api.wait_until(|calls| calls.iter().any(|c| c.is("getUpdates")), STALL);
    let failure = tokio::select! {
        started = polled => started.err().map(|e| e.to_string()),
        exit = child.wait() => Some(format!("it exited ({exit:?})")),
    };
    if let Some(failure) = failure {
        let _ = child.start_kill();
        let log = std::fs::read_to_string(dir.path().join("serve.log")).unwrap_or_default();
        anyhow::bail!("loket serve never polled for updates: {failure}\n{log}");
    }

    let mut pushed: HashMap<i64, (Instant, usize)> = HashMap::with_capacity(messages);
    let mut latencies = Vec::with_capacity(messages);
    let mut correct = 0;
    let mut next = 0;
    let push = |i: usize, pushed: &mut HashMap<i64, (Instant, usize)>| {
        let chat = FIRST_CHAT + i64::try_from(i).unwrap_or(i64::MAX - FIRST_CHAT);
        let question = i % asked.len();
        pushed.insert(chat, (Instant::now(), question));
        api.push_text(chat, chat, &asked[question]);
    };
    let first = Instant::now();
    while next < messages.min(WINDOW) {
        push(next, &mut pushed);
        next += 1;
    }
    let mut seen = api.call_count();
    let mut last = first;
    while latencies.len() < messages {
        let calls = api.wait_for_calls(seen, STALL).await;
        if calls.is_empty() {
            let _ = child.start_kill();
            anyhow::bail!(
                "no reply within {STALL:?} after {} of {messages} answers",
                latencies.len()
            );
        }
        seen += calls.len();
        for call in calls.iter().filter(|c| c.is("sendMessage") && c.ok()) {
            let Some((at, question)) = call.chat_id.and_then(|chat| pushed.remove(&chat)) else {
                continue; // a second part of a long answer
            };
            latencies.push(call.at.saturating_duration_since(at));
            correct += usize::from(call.text() == Some(expected[question].as_str()));
            last = last.max(call.at);
            if next < messages {
                push(next, &mut pushed);
                next += 1;
            }
        }
    }
    let _ = child.start_kill();
    let _ = child.wait().await;

    let elapsed = last.saturating_duration_since(first);
    latencies.sort_unstable();
    Ok(TelegramFigures {
        messages,
        chats: messages,
        elapsed,
        per_second: messages as f64 / elapsed.as_secs_f64().max(f64::EPSILON),
        p50: percentile(&latencies, 50.0),
        p99: percentile(&latencies, 99.0),
        correct,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let ms: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&ms, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&ms, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&ms[..1], 99.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
    }

    #[test]
    fn the_eval_questions_are_read() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let questions = questions(&dir).unwrap();
        assert!(questions.len() > 50, "{}", questions.len());
        assert!(questions.iter().all(|q| !q.contains('\t') && !q.starts_with('#')));
    }

    /// `cargo build --release -p loket --bin loket && cargo test --release -p loket --lib
    /// bench_telegram -- --ignored --nocapture` (needs the `loket` binary of the same profile).
    #[tokio::test(flavor = "multi_thread")]
    #[ignore = "slow: a benchmark against the built loket binary"]
    async fn telegram_throughput() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let n = std::env::var("LOKET_BENCH_MESSAGES")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(5_000);
        let figures = measure(&dir, n).await.unwrap();
        println!("{figures:#?}");
        assert_eq!(figures.messages, n);
    }
}
