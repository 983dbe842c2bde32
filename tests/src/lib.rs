//! Support code for the acceptance tests (`tests/acceptance/`): a fresh
//! database per test on each backend, the whole `Application` on port 0, a fake handler endpoint
//! that checks signatures and counts deliveries, and the worker driver.
//!
//! Everything binds loopback addresses only; nothing here sleeps to wait for an outcome except the
//! bounded polls ([`wait::wait_until`]) of the process-level tests (SIGKILL, scale-out, failure
//! drills), which have no other way to observe a child or a real timeout. A TCP proxy
//! ([`proxy::TcpProxy`]) lets a drill take PostgreSQL away from loket.

pub mod app;
pub mod broadcast;
pub mod browser;
pub mod database;
pub mod load;
pub mod process;
pub mod proxy;
pub mod receiver;
pub mod wait;

pub use app::{API_KEY, OTHER_API_KEY, TestApp, WEBHOOK_SECRET};
pub use database::{Backend, TestDatabase, run_on};
pub use receiver::{FakeHandler, Mode};

/// The repository root (this package lives in `tests/`).
pub fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_owned()
}

/// The shipped decrees, the Open311 service list of every test app.
pub fn standards_dir() -> std::path::PathBuf {
    repo_root().join("knowledge/standards")
}
