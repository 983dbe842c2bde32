//! The real `loket` binary as a child process, for the crash test.
//!
//! `CARGO_BIN_EXE_loket` exists only inside the `loket` package, so the binary is found next to
//! this test executable (`target/<profile>/loket`, the parent of `deps/`) after running
//! `cargo test --workspace --no-run` in the same profile. That is the README's test command
//! without running anything: its feature resolution is the outer run's, so when the outer run
//! was `cargo test --workspace` it is a no-op (the `loket` package's own integration test has
//! already built the binary) and the dependencies are compiled once. `cargo build -p loket`
//! would resolve features without the dev-dependencies and compile them all a second time.
//! The outer `cargo test` holds no lock while tests run. A [`LoketProcess`] is killed when dropped, so a
//! failing test leaves no server behind.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Builds (if needed, once per test run) and returns the path of the `loket` binary of the
/// current profile.
pub fn loket_binary() -> PathBuf {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(build_loket_binary).clone()
}

fn build_loket_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current test executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("test executable lives in target/<profile>/deps")
        .to_owned();
    let release = profile_dir.file_name().is_some_and(|n| n == "release");
    let target_dir = profile_dir.parent().expect("target directory").to_owned();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    // Cargo gives a test process the variables of its own package (CARGO_MANIFEST_DIR,
    // CARGO_PKG_NAME, ...). Some build scripts (ring's) ask to be rerun when those change, so an
    // inner cargo that inherited them would rebuild ring and everything above it, and the next
    // outer run would rebuild them back. Drop them: the inner cargo sees the outer one's environment.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if TEST_PROCESS_VARIABLES.iter().any(|prefix| name.starts_with(prefix)) {
            build.env_remove(name.as_ref());
        }
    }
    build
        .current_dir(crate::repo_root())
        .args(["test", "--quiet", "--workspace", "--no-run"])
        .env("CARGO_TARGET_DIR", &target_dir);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cannot run cargo to build the loket binary");
    assert!(status.success(), "cargo test --workspace --no-run failed");
    let binary = profile_dir.join(format!("loket{}", std::env::consts::EXE_SUFFIX));
    assert!(binary.exists(), "no loket binary at {}", binary.display());
    binary
}

/// Variables (or prefixes) cargo sets for a test process, not for cargo itself.
const TEST_PROCESS_VARIABLES: &[&str] = &[
    "CARGO_MANIFEST_",
    "CARGO_PKG_",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
];

/// A free loopback port (bound and released; the child binds it right after).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("cannot find a free port")
        .port()
}

/// A running `loket serve --no-telegram`.
pub struct LoketProcess {
    child: Child,
    pub address: String,
    log: PathBuf,
}

impl LoketProcess {
    /// Starts `loket serve --no-telegram` with `env` (plus `LOKET_HTTP_ADDR` on a free loopback
    /// port and `LOKET_CONFIG` pointing at a file that does not exist) in `dir`; output goes to
    /// `dir/<log_name>.log`. Waits (bounded) until `/healthz` answers.
    pub async fn start(binary: &Path, dir: &Path, env: &[(&str, String)], log_name: &str) -> Self {
        Self::start_with_args(binary, dir, &["serve", "--no-telegram"], env, log_name).await
    }

    /// Like [`start`](Self::start) with other arguments, e.g. `["serve"]` with the Telegram bot
    /// (then `env` names `TELOXIDE_TOKEN` and `TELOXIDE_API_URL`).
    pub async fn start_with_args(
        binary: &Path,
        dir: &Path,
        args: &[&str],
        env: &[(&str, String)],
        log_name: &str,
    ) -> Self {
        let port = free_port();
        let log = std::fs::File::create(dir.join(format!("{log_name}.log"))).expect("log file");
        let mut command = Command::new(binary);
        command
            .args(args)
            .current_dir(dir)
            .env("LOKET_HTTP_ADDR", format!("127.0.0.1:{port}"))
            .env("LOKET_CONFIG", dir.join("no-config.toml"))
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file"))
            .stderr(log);
        for (key, value) in env {
            command.env(key, value);
        }
        let child = command.spawn().expect("cannot start loket");
        let mut process = Self {
            child,
            address: format!("http://127.0.0.1:{port}"),
            log: dir.join(format!("{log_name}.log")),
        };
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(Some(status)) = process.child.try_wait() {
                let log = std::fs::read_to_string(dir.join(format!("{log_name}.log"))).unwrap_or_default();
                panic!("loket exited early with {status}:\n{log}");
            }
            if client
                .get(format!("{}/healthz", process.address))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        process.kill();
        panic!("loket did not answer /healthz within 300 polls");
    }

    /// The child's process id (worker ids in `deliveries.locked_by` contain it).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the child logged so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// SIGTERM (by `kill -TERM`), as an orchestrator stopping the service sends it; whether the
    /// signal was delivered.
    pub fn terminate(&self) -> bool {
        terminate(self.pid())
    }

    /// Waits for the process to exit, polling every 100 ms at most `polls` times; its exit
    /// status, or `None` when it is still running.
    pub async fn wait_exit(&mut self, polls: u32) -> Option<std::process::ExitStatus> {
        for _ in 0..polls {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.child.try_wait().ok().flatten()
    }

    /// SIGKILL: no shutdown code runs, exactly like a crash or the OOM killer.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LoketProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends SIGTERM to `pid` (by `kill -TERM`, so no signal crate is needed); whether it was
/// delivered. Usable from a fake API hook, where only the pid is at hand.
pub fn terminate(pid: u32) -> bool {
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}
