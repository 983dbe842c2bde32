//! A fresh database for one test: SQLite in a temporary directory, or PostgreSQL database
//! `loket_test_<uuid>` created on the server named by `LOKET_TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and dropped afterwards, also when the test
//! panics. An unreachable server fails loudly, naming that variable: nothing is ever skipped.

use std::any::Any;
use std::future::Future;

use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

pub const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub const BOTH: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
}

/// One test's database; `url` is what `DATABASE_URL` would be.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    /// Keeps the SQLite directory alive; also scratch space for the test (handlers file, ...).
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

pub fn postgres_admin_url() -> String {
    std::env::var("LOKET_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_owned())
}

async fn admin_connection(admin_url: &str) -> PgConnection {
    PgConnection::connect(admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is unreachable ({e}). Acceptance tests run on both backends and never skip: \
             start PostgreSQL (scripts/ensure-postgres) or point LOKET_TEST_DATABASE_URL at a server \
             where this user may CREATE DATABASE."
        )
    })
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("cannot create a temporary directory");
        match backend {
            Backend::Sqlite => Self {
                url: format!("sqlite:{}", dir.path().join("loket.db").display()),
                backend,
                dir,
                postgres: None,
            },
            Backend::Postgres => {
                let admin_url = postgres_admin_url();
                let mut admin = admin_connection(&admin_url).await;
                let name = format!("loket_test_{}", uuid::Uuid::new_v4().simple());
                admin
                    .execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
                    .await
                    .unwrap_or_else(|e| panic!("cannot create {name} on LOKET_TEST_DATABASE_URL: {e}"));
                let _ = admin.close().await;
                let mut url = reqwest::Url::parse(&admin_url).expect("LOKET_TEST_DATABASE_URL is not a URL");
                url.set_path(&name);
                Self {
                    url: url.to_string(),
                    backend,
                    dir,
                    postgres: Some((admin_url, name)),
                }
            }
        }
    }

    /// Drops the PostgreSQL database (SQLite goes with the directory).
    pub async fn destroy(self) {
        if let Some((admin_url, name)) = &self.postgres {
            let mut admin = admin_connection(admin_url).await;
            admin
                .execute(AssertSqlSafe(format!(
                    r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                )))
                .await
                .unwrap_or_else(|e| panic!("cannot drop test database {name}: {e}"));
            let _ = admin.close().await;
        }
    }
}

/// Runs `test` on a fresh database of `backend` in its own task, then drops the database, and
/// hands back a panic of the test only after cleaning up.
pub async fn run_on<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(String, std::path::PathBuf) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let db = TestDatabase::create(backend).await;
    let outcome: Result<(), Box<dyn Any + Send>> = tokio::spawn(test(db.url.clone(), db.dir.path().to_owned()))
        .await
        .map_err(|e| match e.try_into_panic() {
            Ok(panic) => panic,
            Err(e) => Box::new(format!("test task failed: {e}")),
        });
    db.destroy().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs one statement on the database at `url` (either backend), for a test that sets up a state
/// no public call makes (a deadline already passed); returns the rows it changed.
pub async fn execute(url: &str, sql: &str) -> u64 {
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.expect("connect to SQLite");
        let done = conn.execute(AssertSqlSafe(sql.to_owned())).await.expect(sql);
        let _ = conn.close().await;
        done.rows_affected()
    } else {
        let mut conn = PgConnection::connect(url).await.expect("connect to PostgreSQL");
        let done = conn.execute(AssertSqlSafe(sql.to_owned())).await.expect(sql);
        let _ = conn.close().await;
        done.rows_affected()
    }
}
