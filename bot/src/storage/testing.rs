//! Test support: a fresh database per test on each backend, and [`both_backends!`] which turns one
//! `async fn(TestDb)` into a `::sqlite` and a `::postgres` test.
//!
//! SQLite lives in a temporary directory. PostgreSQL gets `loket_test_<uuid>` created on the
//! server named by `LOKET_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and dropped afterwards, also when the test panics. An unreachable server fails the test loudly:
//! storage that was only ever tested on SQLite is not tested.

use std::any::Any;
use std::future::Future;

use sqlx::{AssertSqlSafe, Connection, Executor, PgConnection};

use super::{Clock, Store, redact};

pub(crate) const DEFAULT_TEST_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// 2025-08-20 09:00 WIB (a Wednesday), the start of every test's manual clock.
pub(crate) const TEST_START: i64 = 1_755_655_200;

pub(crate) struct TestDb {
    pub(crate) store: Store,
    pub(crate) clock: Clock,
}

pub(crate) fn postgres_admin_url() -> String {
    std::env::var("LOKET_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_TEST_DATABASE_URL.to_owned())
}

/// Runs the test in its own task so a panic is caught, closes the pool, and hands the panic back.
async fn run<F, Fut>(store: Store, clock: Clock, test: F) -> Result<(), Box<dyn Any + Send>>
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let handle = tokio::spawn(test(TestDb {
        store: store.clone(),
        clock,
    }));
    let result = handle.await;
    store.close().await;
    result.map_err(|e| match e.try_into_panic() {
        Ok(panic) => panic,
        Err(e) => Box::new(format!("test task failed: {e}")) as Box<dyn Any + Send>,
    })
}

pub(crate) async fn run_sqlite<F, Fut>(test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("cannot create temporary directory");
    let url = format!("sqlite:{}", dir.path().join("loket.db").display());
    let clock = Clock::manual(TEST_START);
    let store = Store::connect(&url)
        .await
        .expect("cannot open test SQLite database")
        .with_clock(clock.clone());
    let outcome = run(store, clock, test).await;
    drop(dir);
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

pub(crate) async fn run_postgres<F, Fut>(test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin_url = postgres_admin_url();
    let mut admin = PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is unreachable at {} ({e}). Storage tests run on both backends and never \
             skip: start PostgreSQL or point LOKET_TEST_DATABASE_URL at a server where this user \
             may CREATE DATABASE.",
            redact(&admin_url)
        )
    });
    let name = format!("loket_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name} (LOKET_TEST_DATABASE_URL): {e}"));
    let mut url = reqwest::Url::parse(&admin_url).expect("LOKET_TEST_DATABASE_URL is not a URL");
    url.set_path(&name);
    let clock = Clock::manual(TEST_START);
    let store = Store::connect(url.as_str())
        .await
        .expect("cannot connect to the fresh test database")
        .with_clock(clock.clone());
    let outcome = run(store, clock, test).await;
    let dropped = admin
        .execute(AssertSqlSafe(format!(
            r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
        )))
        .await;
    let _ = admin.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
    dropped.unwrap_or_else(|e| panic!("cannot drop test database {name}: {e}"));
}

/// `both_backends!(test_a, test_b)` where each is `async fn(TestDb)` in the current module:
/// generates `test_a::sqlite` and `test_a::postgres`, and so on.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::storage::testing::run_sqlite(super::$name).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::storage::testing::run_postgres(super::$name).await
                }
            }
        )*
    };
}
pub(crate) use both_backends;
