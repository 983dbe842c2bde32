//! Accuracy and latency of the answer engine without the bot crate, for engine work:
//!
//! ```text
//! cargo run --release -p loket-knowledge --example engine_eval -- eval [FILE...] [--misses]
//! cargo run --release -p loket-knowledge --example engine_eval -- bench [ROUNDS]
//! cargo run --release -p loket-knowledge --example engine_eval -- services
//! cargo run --release -p loket-knowledge --example engine_eval -- ask QUESTION
//! cargo run --release -p loket-knowledge --example engine_eval -- answers [FILE...]
//! cargo run --release -p loket-knowledge --example engine_eval -- scale DIR [ROUNDS]
//! cargo run --release -p loket-knowledge --example engine_eval -- parsed DIR
//! cargo run --release -p loket-knowledge --example engine_eval -- rtf FILE
//! cargo run --release -p loket-knowledge --example engine_eval -- analyze < WORDS
//! ```
//!
//! Every mode takes `--with DIR` to index the decrees of DIR beside the shipped ones.
//!
//! `eval` prints the same figures as `loket eval` (one block per question or conversation file;
//! default `knowledge/eval/questions.tsv`), `bench` the answer-latency rows of `loket bench`.
//! `answers` prints every answer to the questions of the files as one JSON line each: diff
//! its output before and after a change that must not change answers. `scale` times parsing
//! the decrees of DIR alone (not the shipped ones), one engine build and the answers, with the
//! peak RSS (the corpus of `scripts/make-scale-corpus`). `parsed` prints every document of DIR
//! as one JSON line, and every file that failed: diff it around a parser change. `rtf` prints
//! the text the parser reads from an RTF source. `analyze`
//! prints the analysed tokens of each stdin line (what the index and the questions see).
//! Run from the repository root or the crate directory.

// The allocator of the `loket` binary, so the figures are the product's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use loket_knowledge::answer::Engine;
use loket_knowledge::eval::{Case, Report, is_held_out, parse_cases, parse_turns, run, run_conversations};
use loket_knowledge::parse::parse_dir;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let dir = crate_dir().join("standards");
    let mut documents = parse_dir(&dir).expect("standards readable").documents;
    // `--with DIR` indexes the decrees of DIR too (a decree in a new layout).
    while let Some(at) = args.iter().position(|a| a == "--with") {
        let extra = args.get(at + 1).expect("--with needs a directory").clone();
        documents.extend(parse_dir(Path::new(&extra)).expect("directory readable").documents);
        args.drain(at..=at + 1);
    }
    let mode = args.first().map_or("eval", String::as_str);
    match mode {
        "analyze" => {
            // One word or phrase per stdin line, its analysed tokens after a tab.
            for line in std::io::stdin().lines().map_while(Result::ok) {
                println!("{line}\t{}", loket_knowledge::analysis::analyze(&line).join(" "));
            }
        }
        "services" => {
            for service in documents.iter().flat_map(|d| &d.services) {
                let kinds: Vec<&str> = service.components.iter().map(|c| c.kind.as_str()).collect();
                println!(
                    "{}\t{}\t{}\t{}",
                    service.id.as_str(),
                    service.title,
                    service.unit,
                    kinds.join(",")
                );
            }
        }
        "ask" => {
            let engine = Engine::build(documents).expect("engine builds");
            let question = args[1..].join(" ");
            let answer = engine.answer(&question, None);
            println!("{}", serde_json::to_string_pretty(&answer).expect("serialisable"));
        }
        "explain" => {
            let engine = Engine::build(documents).expect("engine builds");
            if args.len() == 1 {
                // One question per stdin line, separated by a blank line.
                for line in std::io::stdin().lines().map_while(Result::ok) {
                    println!("Q {line}\n{}", engine.explain(&line));
                }
            } else {
                print!("{}", engine.explain(&args[1..].join(" ")));
            }
        }
        "followups" | "switches" => {
            // `followups`: the turns that expect the service of the turn before and got
            // another; `switches`: the turns that expect another service and got the one
            // of the context. Each explained with the context's service.
            let switches = mode == "switches";
            let engine = Engine::build(documents).expect("engine builds");
            for file in &args[1..] {
                let turns = parse_turns(&std::fs::read_to_string(file).expect("readable")).expect("turns parse");
                let mut dialogue = loket_knowledge::dialogue::Dialogue::default();
                let mut previous: Option<&loket_knowledge::eval::Turn> = None;
                for turn in &turns {
                    if previous.is_some_and(|p| p.conversation != turn.conversation) {
                        dialogue = Default::default();
                        previous = None;
                    }
                    let before = dialogue.last_service.clone();
                    let answer = dialogue.reply(&engine, &turn.message);
                    let got = answer.service.as_ref().map(|s| s.id.as_str().to_owned());
                    let missed = if switches {
                        before.is_some() && got == before && turn.service != before
                    } else {
                        previous.zip(turn.service.as_deref()).is_some_and(|(p, expected)| {
                            p.service.as_deref() == Some(expected)
                                && got.as_deref() != Some(expected)
                                && before.as_deref() == Some(expected)
                        })
                    };
                    if let (true, Some(context)) = (missed, before.as_deref()) {
                        println!(
                            "== {} {} -> {:?} {:?}\n{}",
                            turn.conversation,
                            turn.message,
                            answer.status,
                            got,
                            engine.explain_after(
                                &turn.message,
                                &loket_knowledge::document::ServiceId(context.to_owned())
                            )
                        );
                    }
                    previous = Some(turn);
                }
            }
        }
        "bench" => {
            let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(30);
            let build = {
                let mut times: Vec<Duration> = (0..5)
                    .map(|_| {
                        let start = Instant::now();
                        let engine = Engine::build(documents.clone()).expect("engine builds");
                        let elapsed = start.elapsed();
                        drop(engine);
                        elapsed
                    })
                    .collect();
                times.sort();
                times[2]
            };
            let engine = Engine::build(documents).expect("engine builds");
            let questions = questions(&crate_dir().join("eval/questions.tsv"));
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
            println!("engine build (median of 5): {:.1} ms", build.as_secs_f64() * 1e3);
            println!(
                "answer p50 ({} answers): {:.1} µs",
                samples.len(),
                pct(0.5).as_secs_f64() * 1e6
            );
            println!("answer p99: {:.1} µs", pct(0.99).as_secs_f64() * 1e6);
            println!(
                "answer max: {:.1} µs",
                samples.last().map_or(0.0, |d| d.as_secs_f64() * 1e6)
            );
        }
        "answers" => {
            let engine = Engine::build(documents).expect("engine builds");
            let mut files: Vec<PathBuf> = args[1..].iter().map(PathBuf::from).collect();
            if files.is_empty() {
                files.push(crate_dir().join("eval/questions.tsv"));
            }
            for file in files {
                for question in questions(&file) {
                    let answer = engine.answer(&question, None);
                    println!("{}", serde_json::to_string(&answer).expect("serialisable"));
                }
            }
        }
        "converse" => {
            // One message per stdin line, answered with the context of the previous ones; a
            // blank line starts a new conversation.
            let engine = Engine::build(documents).expect("engine builds");
            let mut dialogue = loket_knowledge::dialogue::Dialogue::default();
            for line in std::io::stdin().lines().map_while(Result::ok) {
                if line.trim().is_empty() {
                    dialogue = loket_knowledge::dialogue::Dialogue::default();
                    println!();
                    continue;
                }
                let answer = dialogue.reply(&engine, &line);
                let candidates: Vec<&str> = answer.candidates.iter().map(|c| c.id.as_str()).collect();
                println!(
                    "{line}\n  -> {:?} {} {:?} {candidates:?}\n{}",
                    answer.status,
                    answer.service.as_ref().map_or("-", |s| s.id.as_str()),
                    answer.aspect,
                    engine.explain(&line).lines().take(4).collect::<Vec<_>>().join("\n")
                );
            }
        }
        "rtf" => {
            let file = PathBuf::from(args.get(1).expect("rtf needs a file"));
            let source = std::fs::read_to_string(&file).expect("file readable as UTF-8");
            println!("{}", loket_knowledge::input::rtf::text(&source));
        }
        "parsed" => {
            let dir = PathBuf::from(args.get(1).expect("parsed needs a directory"));
            let report = parse_dir(&dir).expect("directory readable");
            for document in &report.documents {
                println!("{}", serde_json::to_string(document).expect("serialisable"));
            }
            for (path, error) in &report.failures {
                println!("failed {}: {error}", path.display());
            }
        }
        "scale" => {
            let dir = PathBuf::from(args.get(1).expect("scale needs a directory"));
            let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(10).max(1);
            let (start, cpu) = (Instant::now(), cpu_time());
            let report = parse_dir(&dir).expect("directory readable");
            let (parse, parse_cpu) = (start.elapsed(), cpu_time() - cpu);
            let parsed_rss = proc_status("VmRSS:");
            let files = report.documents.len();
            let services: usize = report.documents.iter().map(|d| d.services.len()).sum();
            let (start, cpu) = (Instant::now(), cpu_time());
            let engine = Engine::build(report.documents).expect("engine builds");
            let (build, build_cpu) = (start.elapsed(), cpu_time() - cpu);
            let questions = questions(&crate_dir().join("eval/questions.tsv"));
            let mut samples = Vec::with_capacity(questions.len() * rounds);
            for round in 0..=rounds {
                for q in &questions {
                    let start = Instant::now();
                    std::hint::black_box(engine.answer(q, None));
                    if round > 0 {
                        samples.push(start.elapsed());
                    }
                }
            }
            samples.sort();
            let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize];
            println!(
                "parse ({files} files, {services} services, {} failed): {:.1} ms ({:.0} ms CPU)",
                report.failures.len(),
                parse.as_secs_f64() * 1e3,
                parse_cpu.as_secs_f64() * 1e3
            );
            println!(
                "engine build: {:.1} ms ({:.0} ms CPU)",
                build.as_secs_f64() * 1e3,
                build_cpu.as_secs_f64() * 1e3
            );
            println!(
                "answer p50 ({} answers): {:.1} µs",
                samples.len(),
                pct(0.5).as_secs_f64() * 1e6
            );
            println!("answer p99: {:.1} µs", pct(0.99).as_secs_f64() * 1e6);
            let unknown = || "unknown".to_owned();
            println!(
                "peak RSS: {} (after parsing: {})",
                proc_status("VmHWM:").unwrap_or_else(unknown),
                parsed_rss.unwrap_or_else(unknown)
            );
        }
        "profile" => {
            // A steady loop for `valgrind --tool=callgrind`.
            let engine = Engine::build(documents).expect("engine builds");
            let questions = questions(&crate_dir().join("eval/questions.tsv"));
            let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(3);
            for _ in 0..rounds {
                for q in &questions {
                    std::hint::black_box(engine.answer(q, None));
                }
            }
        }
        _ => {
            let engine = Engine::build(documents).expect("engine builds");
            let misses = args.iter().any(|a| a == "--misses");
            // With no mode at all, the team's set.
            let mut files: Vec<PathBuf> = args
                .iter()
                .skip(1)
                .filter(|a| !a.starts_with("--"))
                .map(PathBuf::from)
                .collect();
            if files.is_empty() {
                files.push(crate_dir().join("eval/questions.tsv"));
            }
            for file in files {
                let text = std::fs::read_to_string(&file).expect("evaluation file readable");
                if text.starts_with("# conversation") {
                    let turns = parse_turns(&text).expect("conversation file parses");
                    let report = run_conversations(&engine, &turns);
                    println!(
                        "== {}\nconversation turns: {:.1}% ({}/{})",
                        file.display(),
                        report.accuracy() * 100.0,
                        report.correct,
                        report.turns
                    );
                    if misses {
                        print_misses(&report.misses);
                    }
                    continue;
                }
                let cases = parse_cases(&text).expect("question file parses");
                let report = run(&engine, &cases);
                print_report(&file.display().to_string(), &report, misses);
                if file.ends_with("eval/questions.tsv") {
                    let (held, dev): (Vec<Case>, Vec<Case>) = cases.into_iter().partition(is_held_out);
                    print_report("  dev part", &run(&engine, &dev), false);
                    print_report("  held-out part (every 5th line)", &run(&engine, &held), false);
                }
            }
        }
    }
}

/// CPU time of the process so far, all threads (Linux: /proc, 100 ticks a second), so that
/// `scale` figures can be compared on a machine other work is loading; zero elsewhere.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name (which may contain spaces) start with the state.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: u64 = fields
        .get(11..13)
        .map_or(0, |f| f.iter().filter_map(|t| t.parse::<u64>().ok()).sum());
    Duration::from_millis(ticks * 10)
}

/// A field of /proc/self/status (Linux), e.g. `VmHWM:`, the peak resident set size.
fn proc_status(key: &str) -> Option<String> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().to_owned()))
}

fn questions(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("question file readable");
    parse_cases(&text)
        .expect("parses")
        .into_iter()
        .map(|c| c.question)
        .collect()
}

fn print_report(file: &str, report: &Report, misses: bool) {
    println!("== {file}");
    println!(
        "questions: {} answerable, {} unanswerable, {} small talk",
        report.answerable, report.unanswerable, report.smalltalk
    );
    println!(
        "answered: {:.1}% ({}/{})  one tap: {:.1}% ({}/{})  aspect: {:.1}% ({}/{})  refusals: {:.1}% ({}/{})  small talk: {}/{}",
        report.service_accuracy() * 100.0,
        report.service_correct,
        report.answerable,
        report.one_tap_rate() * 100.0,
        report.one_tap,
        report.answerable,
        report.aspect_accuracy() * 100.0,
        report.aspect_correct,
        report.service_right,
        report.refusal_rate() * 100.0,
        report.refused,
        report.unanswerable,
        report.smalltalk_correct,
        report.smalltalk
    );
    if misses {
        print_misses(&report.misses);
    }
}

fn print_misses(misses: &[(usize, String, String, String)]) {
    for (line, question, expected, got) in misses {
        println!("  line {line}: {question:?}\n    expected {expected}\n    got      {got}");
    }
}
