//! Acceptance tests: the whole loket system (HTTP API, Open311, storage, forwarding worker) over
//! real HTTP on loopback, every scenario on SQLite and on PostgreSQL, each on a fresh database.
//! One test binary; one module per area; support code in `loket_acceptance` (tests/src).

mod bad_input;
mod broadcast_kill;
mod console;
mod console_roles;
mod delivery_failures;
mod drills;
mod flow;
mod idempotency;
mod open311;
mod process_kill;
mod scale_out;
mod shared_send_limit;
mod telegram_e2e;
mod webchat;
mod whatsapp_serve;

/// `both_backends!(a, b)` where each is `async fn(database_url: String, dir: PathBuf)` in the
/// current module: generates `a::sqlite` and `a::postgres`, each on its own fresh database.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    loket_acceptance::run_on(loket_acceptance::Backend::Sqlite, super::$name).await
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    loket_acceptance::run_on(loket_acceptance::Backend::Postgres, super::$name).await
                }
            }
        )*
    };
}
pub(crate) use both_backends;
