//! Which database errors mean "the database cannot be reached right now" or "the database is
//! full", as opposed to a bug.
//!
//! The HTTP API answers the first with 503 (retry later) and the second with 507 (an operator
//! must free space) instead of a bare 500, and logs them in words an operator can act on. The
//! failure drills in the acceptance tests (PostgreSQL cut off under load, SQLite out of pages)
//! check exactly these answers. Errors reach the callers wrapped in `anyhow` context, so the
//! classification looks for the `sqlx::Error` anywhere in the chain.

use super::StoreError;

/// A database condition that is not a bug in the request or in loket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseTrouble {
    /// Connection refused, dropped or timed out; the pool could not hand out a connection in
    /// time; the server is shutting down or starting up; SQLite stayed locked. Retrying later
    /// works once the database is back.
    Unavailable,
    /// No space left: SQLite `SQLITE_FULL` (disk or `max_page_count`), PostgreSQL `disk_full`.
    /// Nothing was written; it works again once space is freed.
    Full,
}

impl StoreError {
    /// The database condition behind this error, if it is one.
    pub fn trouble(&self) -> Option<DatabaseTrouble> {
        match self {
            Self::Unexpected(error) => trouble_of(error),
            _ => None,
        }
    }
}

/// The database condition behind `error`, looking through its whole chain.
pub fn trouble_of(error: &anyhow::Error) -> Option<DatabaseTrouble> {
    error
        .chain()
        .find_map(|cause| cause.downcast_ref::<sqlx::Error>())
        .and_then(classify)
}

fn classify(error: &sqlx::Error) -> Option<DatabaseTrouble> {
    use sqlx::Error;
    match error {
        Error::PoolTimedOut | Error::PoolClosed | Error::Io(_) | Error::Tls(_) | Error::WorkerCrashed => {
            Some(DatabaseTrouble::Unavailable)
        }
        Error::Database(db) => {
            let code = db.code()?;
            if db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().is_some() {
                postgres_trouble(&code)
            } else if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                code.parse::<i32>().ok().and_then(sqlite_trouble)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// SQLSTATE classes and codes (PostgreSQL appendix A).
fn postgres_trouble(code: &str) -> Option<DatabaseTrouble> {
    match code {
        "53100" => Some(DatabaseTrouble::Full),
        // admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
        "57P01" | "57P02" | "57P03" | "53300" => Some(DatabaseTrouble::Unavailable),
        // connection_exception and its subclasses
        _ if code.starts_with("08") => Some(DatabaseTrouble::Unavailable),
        _ => None,
    }
}

/// Primary result codes (the low byte of an extended code).
fn sqlite_trouble(extended: i32) -> Option<DatabaseTrouble> {
    const SQLITE_BUSY: i32 = 5;
    const SQLITE_LOCKED: i32 = 6;
    const SQLITE_FULL: i32 = 13;
    match extended & 0xff {
        SQLITE_FULL => Some(DatabaseTrouble::Full),
        SQLITE_BUSY | SQLITE_LOCKED => Some(DatabaseTrouble::Unavailable),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use anyhow::Context;

    use super::*;

    #[test]
    fn connection_failures_are_unavailable_through_context() {
        let io = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        let wrapped = Err::<(), _>(io).context("cannot claim delivery").unwrap_err();
        assert_eq!(trouble_of(&wrapped), Some(DatabaseTrouble::Unavailable));
        let store = StoreError::from(sqlx::Error::PoolTimedOut);
        assert_eq!(store.trouble(), Some(DatabaseTrouble::Unavailable));
        assert_eq!(StoreError::NotFound.trouble(), None);
        let bug = StoreError::from(sqlx::Error::RowNotFound);
        assert_eq!(bug.trouble(), None);
    }

    #[test]
    fn codes_are_classified() {
        assert_eq!(postgres_trouble("53100"), Some(DatabaseTrouble::Full));
        assert_eq!(postgres_trouble("08006"), Some(DatabaseTrouble::Unavailable));
        assert_eq!(postgres_trouble("57P01"), Some(DatabaseTrouble::Unavailable));
        assert_eq!(
            postgres_trouble("23505"),
            None,
            "unique violation is a bug, not an outage"
        );
        assert_eq!(sqlite_trouble(13), Some(DatabaseTrouble::Full));
        assert_eq!(sqlite_trouble(5 | (1 << 8)), Some(DatabaseTrouble::Unavailable));
        assert_eq!(sqlite_trouble(19), None, "constraint");
    }

    /// Regression: after SQLITE_FULL inside `BEGIN IMMEDIATE`, sqlx's rollback failed quietly and
    /// left the pooled connection marked as in a transaction; every later write on it failed
    /// ("begin_with at non-zero transaction depth") even after space was freed.
    #[tokio::test]
    async fn a_full_sqlite_database_is_full_and_recovers_without_restart() {
        use crate::domain::{NewComplaint, fixtures};
        use crate::storage::SubmitOptions;

        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("full.db").display());
        let plain = super::super::Store::connect(&url).await.unwrap();
        let super::super::Backend::Sqlite(pool) = &plain.backend else {
            panic!("expected SQLite");
        };
        sqlx::query("CREATE TABLE ballast (b BLOB)")
            .execute(pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO ballast VALUES (zeroblob(200000))")
            .execute(pool)
            .await
            .unwrap();
        let (pages,): (i64,) = sqlx::query_as("PRAGMA page_count").fetch_one(pool).await.unwrap();
        plain.close().await;

        // One connection, so the one that hit the full disk is the one used next.
        let options = super::super::ConnectOptions {
            max_connections: 1,
            sqlite_max_page_count: Some(u32::try_from(pages).unwrap()),
            ..Default::default()
        };
        let store = super::super::Store::connect_with(&url, options).await.unwrap();
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let options = SubmitOptions::default();
        let submit = || store.submit_complaint(&new, &options);
        let mut accepted = 0;
        let error = loop {
            match submit().await {
                Ok(_) => accepted += 1,
                Err(e) => break e,
            }
            assert!(accepted < 1000, "never full");
        };
        assert_eq!(error.trouble(), Some(DatabaseTrouble::Full), "{error:#}");
        let super::super::Backend::Sqlite(pool) = &store.backend else {
            unreachable!()
        };
        // A one-row insert has no statement journal: SQLITE_FULL rolls the whole transaction
        // back, under sqlx's feet.
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
        let error = sqlx::query("INSERT INTO ballast VALUES (zeroblob(100000))")
            .execute(&mut *tx)
            .await
            .unwrap_err();
        assert_eq!(StoreError::from(error).trouble(), Some(DatabaseTrouble::Full));
        drop(tx);
        sqlx::query("DELETE FROM ballast").execute(pool).await.unwrap();
        for _ in 0..3 {
            submit().await.expect("writes work again once space is free");
        }
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(pool).await.unwrap();
        assert_eq!(check, "ok");
        store.close().await;
    }
}
