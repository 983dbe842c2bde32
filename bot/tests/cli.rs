//! The `loket` binary from the outside: exit codes and output shapes of the offline commands.
//!
//! Besides checking the command line itself, this integration test makes `cargo test` build
//! the `loket` binary with the same features as every other test target, so the acceptance
//! tests (which start the real binary) reuse it instead of compiling the dependencies again.

use std::process::{Command, Output};

fn loket(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_loket"));
    command
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env_remove("LOKET_STANDARDS_DIR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().expect("start loket");
    {
        use std::io::Write;
        let mut input = child.stdin.take().expect("stdin");
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).expect("write stdin");
        }
    }
    child.wait_with_output().expect("wait for loket")
}

#[test]
fn standards_json_prints_one_object_per_service() {
    let out = loket(&["standards", "--json"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let services: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert!(services.len() > 50, "only {} services", services.len());
    assert!(services.iter().all(|s| s["id"].is_string() && s["title"].is_string()));
}

#[test]
fn ask_json_answers_each_stdin_line() {
    let out = loket(
        &["ask", "--json"],
        Some("syarat surat ahli waris apa aja\nresep rendang\n"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let answers: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["status"], "answered");
    assert_eq!(answers[1]["status"], "not_found");
}

#[test]
fn a_missing_standards_directory_is_a_clear_error() {
    let out = loket(&["standards", "--dir", "no/such/dir"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no/such/dir"), "error does not name the directory: {err}");
}

#[test]
fn an_unknown_command_exits_with_usage() {
    let out = loket(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(2));
}

/// `loket` with extra environment variables and no settings file of the machine's.
fn loket_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    let config = tempfile::tempdir().expect("temporary directory");
    let mut command = Command::new(env!("CARGO_BIN_EXE_loket"));
    command
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env_remove("LOKET_STANDARDS_DIR")
        .env_remove("LOKET_ALIASES")
        .env("LOKET_CONFIG", config.path().join("none.toml"))
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null());
    command.output().expect("run loket")
}

const AHLI_WARIS: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";

#[test]
fn unanswered_lists_the_counted_questions_of_the_database() {
    use loket::storage::{Store, UnansweredOutcome, UnansweredQuestion};
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite:{}", dir.path().join("loket.db").display());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = Store::connect(&url).await.expect("database");
        let paspor = UnansweredQuestion {
            question: "syarat paspor".into(),
            outcome: UnansweredOutcome::NotFound,
            offered: vec![],
        };
        let konsultasi = UnansweredQuestion {
            question: "mau konsultasi".into(),
            outcome: UnansweredOutcome::Ambiguous,
            offered: vec!["a:konsultasi".into(), "b:konsultasi".into()],
        };
        for entry in [&paspor, &konsultasi, &paspor] {
            store.record_unanswered(entry).await.expect("recorded");
        }
        store.close().await;
    });
    let env = [("DATABASE_URL", url.as_str())];

    let out = loket_with(&["unanswered", "--json", "--since", "24h"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["question"], "syarat paspor");
    assert_eq!(lines[0]["count"], 2);
    assert_eq!(lines[0]["outcome"], "not_found");
    assert_eq!(lines[1]["offered"], serde_json::json!(["a:konsultasi", "b:konsultasi"]));
    assert!(lines[0]["last_seen"].is_i64());

    let out = loket_with(&["unanswered", "--limit", "1"], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("syarat paspor") && !text.contains("mau konsultasi"),
        "{text}"
    );

    let out = loket_with(&["unanswered", "--since", "sepekan"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("e.g. 24h, 7d, 90d"));
}

#[test]
fn ask_reads_the_aliases_file_and_names_a_bad_line() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("aliases.tsv");
    std::fs::write(&file, format!("# kata warga\nkertas zamrud\t{AHLI_WARIS}\n")).expect("write");
    let path = file.display().to_string();
    let question = "syarat kertas zamrud apa";

    let out = loket_with(&["ask", "--json", question], &[("LOKET_ALIASES", path.as_str())]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(answer["service"]["id"], AHLI_WARIS, "{answer}");

    let out = loket_with(&["ask", "--json", question], &[]);
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_ne!(answer["service"]["id"], AHLI_WARIS, "only the alias finds it: {answer}");

    std::fs::write(&file, "kertas zamrud\t003_5e30365896fb6814:tidak-ada\n").expect("write");
    let out = loket_with(&["ask", "--aliases", &path, question], &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("aliases.tsv") && err.contains("line 1") && err.contains("unknown service id"),
        "{err}"
    );
}
