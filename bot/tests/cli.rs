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
