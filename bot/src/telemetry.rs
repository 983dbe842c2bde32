//! Logging setup: `tracing` for our code, with the `log` records of dependencies (teloxide
//! logs through `log`) bridged in.
//!
//! Human-readable lines locally; JSON lines in production (`LOKET_LOG_FORMAT=json`). The
//! level comes from `RUST_LOG` (default `info`). Logs carry ids (chat ids, tickets), never
//! message contents or personal data at info level.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls do nothing.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("LOKET_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let installed = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if installed.is_ok() {
        let _ = tracing_log::LogTracer::init();
    }
}
