//! Web-console accounts, sessions and login failures (`console_*` tables of migration 0010).
//!
//! Secrets never reach the database in the clear: the one-time setup token and the session
//! cookie are stored as their SHA-256, the password as an Argon2id PHC string (hashed by the
//! caller, `console::password`). Disabling or resetting an account revokes its sessions in the
//! same transaction, so a revoked officer is out at their next request, in every process.
//! Login failures are rows counted over a window (per account and per address), so the rate
//! limit holds across restarts and across every `loket serve` sharing the database.

use anyhow::Context;

use super::{Dialect, Store, StoreError, on_pool};

/// Revokes every live session of an account inside a transaction.
macro_rules! revoke_all {
    ($tx:expr, $account:expr, $now:expr) => {
        sqlx::query("UPDATE console_sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
            .bind($account)
            .bind($now)
            .execute($tx)
            .await
    };
}

/// What an account may see and do in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountRole {
    /// Works the complaints of its handlers.
    Officer,
    /// Sees (and works) every handler of one agency, with the SLA figures.
    Supervisor,
    /// Announcements, dead letters, unanswered questions, accounts; no complaint contents.
    Administrator,
}

impl AccountRole {
    pub const ALL: [AccountRole; 3] = [Self::Officer, Self::Supervisor, Self::Administrator];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Officer => "officer",
            Self::Supervisor => "supervisor",
            Self::Administrator => "administrator",
        }
    }

    /// The role as an officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Officer => "Petugas",
            Self::Supervisor => "Supervisor",
            Self::Administrator => "Administrator",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw.trim())
    }
}

/// A stored account (never its password hash or tokens).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: AccountRole,
    /// The officer's handlers (empty for the other roles).
    pub handlers: Vec<String>,
    /// The supervisor's agency, as in the handlers file.
    pub agency: Option<String>,
    /// Whether a password was set (the setup link was used).
    pub has_password: bool,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

/// What `loket accounts add` records (validated by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub name: String,
    pub role: AccountRole,
    pub handlers: Vec<String>,
    pub agency: Option<String>,
}

/// A one-time setup link's token as stored: its digest and expiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupToken {
    pub sha256: String,
    pub expires_at: i64,
}

/// A live session: its account and the form token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account: Account,
    pub csrf: String,
    pub expires_at: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("an account named {0:?} already exists (see `loket accounts list`)")]
    Duplicate(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    name: String,
    role: String,
    handlers: String,
    agency: Option<String>,
    password_hash: Option<String>,
    disabled_at: Option<i64>,
    created_at: i64,
}

const ACCOUNT_COLUMNS: &str = "id, username, name, role, handlers, agency, password_hash, disabled_at, created_at";

impl TryFrom<AccountRow> for Account {
    type Error = anyhow::Error;

    fn try_from(row: AccountRow) -> anyhow::Result<Self> {
        Ok(Self {
            role: AccountRole::parse(&row.role).with_context(|| format!("corrupt role in account {}", row.id))?,
            handlers: serde_json::from_str(&row.handlers)
                .with_context(|| format!("corrupt handlers in account {}", row.id))?,
            has_password: row.password_hash.is_some(),
            id: row.id,
            username: row.username,
            name: row.name,
            agency: row.agency,
            disabled_at: row.disabled_at,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    account: AccountRow,
    csrf: String,
    expires_at: i64,
}

impl Store {
    /// Records a new account without a password, with its setup link's token digest.
    pub async fn create_account(&self, new: &NewAccount, setup: &SetupToken) -> Result<Account, AccountError> {
        let now = self.now();
        let handlers = serde_json::to_string(&new.handlers)
            .context("cannot encode handlers")
            .map_err(StoreError::from)?;
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!(
                "INSERT INTO console_accounts
                    (username, name, role, handlers, agency, setup_token_sha256, setup_expires_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) ON CONFLICT DO NOTHING
                 RETURNING {ACCOUNT_COLUMNS}"
            )))
            .bind(&new.username)
            .bind(new.name.trim())
            .bind(new.role.as_str())
            .bind(&handlers)
            .bind(new.agency.as_deref())
            .bind(&setup.sha256)
            .bind(setup.expires_at)
            .bind(now)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::from)?
        });
        match row {
            Some(row) => Ok(Account::try_from(row).map_err(StoreError::from)?),
            None => Err(AccountError::Duplicate(new.username.clone())),
        }
    }

    /// Every account, by username.
    pub async fn list_accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {ACCOUNT_COLUMNS} FROM console_accounts ORDER BY username"
            )))
            .fetch_all(pool)
            .await?
        });
        super::complaints::rows_to(rows)
    }

    /// The account named `username` and its password hash (for the login check).
    pub async fn account_for_login(&self, username: &str) -> Result<Option<(Account, Option<String>)>, StoreError> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {ACCOUNT_COLUMNS} FROM console_accounts WHERE username = $1"
            )))
            .bind(username)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else { return Ok(None) };
        let hash = row.password_hash.clone();
        Ok(Some((Account::try_from(row)?, hash)))
    }

    /// Disables the account and revokes its sessions; false when there is no such account.
    pub async fn disable_account(&self, username: &str) -> Result<bool, StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let id: Option<(i64,)> = sqlx::query_as(
                "UPDATE console_accounts SET disabled_at = COALESCE(disabled_at, $2), updated_at = $2
                  WHERE username = $1 RETURNING id",
            )
            .bind(username)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = id else { return Ok(false) };
            revoke_all!(&mut *tx, id, now)?;
            tx.commit().await.context("cannot commit account disable")?;
            Ok(true)
        })
    }

    /// Gives the account a new setup link: the password stops working, its sessions are
    /// revoked and a disabled account is enabled again (it gets in only with the new link).
    pub async fn reset_account(&self, username: &str, setup: &SetupToken) -> Result<bool, StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let id: Option<(i64,)> = sqlx::query_as(
                "UPDATE console_accounts
                    SET password_hash = NULL, setup_token_sha256 = $2, setup_expires_at = $3,
                        disabled_at = NULL, updated_at = $4
                  WHERE username = $1 RETURNING id",
            )
            .bind(username)
            .bind(&setup.sha256)
            .bind(setup.expires_at)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((id,)) = id else { return Ok(false) };
            revoke_all!(&mut *tx, id, now)?;
            tx.commit().await.context("cannot commit account reset")?;
            Ok(true)
        })
    }

    /// The enabled account whose unexpired setup link has this token digest.
    pub async fn account_by_setup_token(&self, token_sha256: &str) -> Result<Option<Account>, StoreError> {
        let now = self.now();
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!(
                "SELECT {ACCOUNT_COLUMNS} FROM console_accounts
                  WHERE setup_token_sha256 = $1 AND setup_expires_at > $2 AND disabled_at IS NULL"
            )))
            .bind(token_sha256)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(Account::try_from).transpose()?)
    }

    /// Uses the setup link: stores the password hash and forgets the token, once. `None` when
    /// the link is unknown, used or expired.
    pub async fn set_password(&self, token_sha256: &str, password_hash: &str) -> Result<Option<Account>, StoreError> {
        let now = self.now();
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(format!(
                "UPDATE console_accounts
                    SET password_hash = $2, setup_token_sha256 = NULL, setup_expires_at = NULL, updated_at = $3
                  WHERE setup_token_sha256 = $1 AND setup_expires_at > $3 AND disabled_at IS NULL
                 RETURNING {ACCOUNT_COLUMNS}"
            )))
            .bind(token_sha256)
            .bind(password_hash)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(Account::try_from).transpose()?)
    }

    /// Starts a session for `account_id` lasting `ttl_secs`.
    pub async fn create_session(
        &self,
        account_id: i64,
        id_sha256: &str,
        csrf: &str,
        ttl_secs: i64,
    ) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query(
                "INSERT INTO console_sessions (id_sha256, account_id, csrf, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id_sha256)
            .bind(account_id)
            .bind(csrf)
            .bind(now)
            .bind(now + ttl_secs)
            .execute(pool)
            .await
            .context("cannot store the session")?;
        });
        Ok(())
    }

    /// The live session with this cookie digest: not expired, not revoked, account enabled.
    pub async fn session(&self, id_sha256: &str) -> Result<Option<Session>, StoreError> {
        let now = self.now();
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, SessionRow>(
                "SELECT a.id, a.username, a.name, a.role, a.handlers, a.agency, a.password_hash,
                        a.disabled_at, a.created_at, s.csrf, s.expires_at
                   FROM console_sessions s JOIN console_accounts a ON a.id = s.account_id
                  WHERE s.id_sha256 = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
                    AND a.disabled_at IS NULL",
            )
            .bind(id_sha256)
            .bind(now)
            .fetch_optional(pool)
            .await?
        });
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Session {
            account: Account::try_from(row.account)?,
            csrf: row.csrf,
            expires_at: row.expires_at,
        }))
    }

    /// Ends one session (logout).
    pub async fn revoke_session(&self, id_sha256: &str) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            sqlx::query("UPDATE console_sessions SET revoked_at = $2 WHERE id_sha256 = $1 AND revoked_at IS NULL")
                .bind(id_sha256)
                .bind(now)
                .execute(pool)
                .await
                .context("cannot revoke the session")?;
        });
        Ok(())
    }

    /// Records one failed login under each key (`account:<name>`, `address:<ip>`) and drops
    /// failures older than `keep_secs`.
    pub async fn record_login_failure(&self, keys: &[String], keep_secs: i64) -> Result<(), StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            for key in keys {
                sqlx::query("INSERT INTO console_login_failures (key, at) VALUES ($1, $2)")
                    .bind(key)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            sqlx::query("DELETE FROM console_login_failures WHERE at < $1")
                .bind(now - keep_secs)
                .execute(&mut *tx)
                .await?;
            tx.commit().await.context("cannot record the login failure")?;
        });
        Ok(())
    }

    /// Failed logins under `key` at or after `since`.
    pub async fn login_failures(&self, key: &str, since: i64) -> Result<u64, StoreError> {
        let (count,): (i64,) = on_pool!(self, |pool| {
            sqlx::query_as("SELECT COUNT(*) FROM console_login_failures WHERE key = $1 AND at >= $2")
                .bind(key)
                .bind(since)
                .fetch_one(pool)
                .await?
        });
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};

    fn officer(username: &str) -> NewAccount {
        NewAccount {
            username: username.into(),
            name: "Budi Santoso".into(),
            role: AccountRole::Officer,
            handlers: vec!["dukcapil".into()],
            agency: None,
        }
    }

    fn token(sha: &str, expires_at: i64) -> SetupToken {
        SetupToken {
            sha256: sha.into(),
            expires_at,
        }
    }

    async fn accounts_are_created_once_and_listed(db: TestDb) {
        let later = db.clock.now() + 3600;
        let budi = db
            .store
            .create_account(&officer("budi"), &token("t1", later))
            .await
            .unwrap();
        assert_eq!(budi.handlers, vec!["dukcapil".to_string()]);
        assert!(!budi.has_password);
        let again = db.store.create_account(&officer("budi"), &token("t2", later)).await;
        assert!(matches!(again, Err(AccountError::Duplicate(_))), "{again:?}");
        let mut admin = officer("ani");
        admin.role = AccountRole::Administrator;
        admin.handlers.clear();
        db.store.create_account(&admin, &token("t3", later)).await.unwrap();
        let names: Vec<_> = db
            .store
            .list_accounts()
            .await
            .unwrap()
            .into_iter()
            .map(|a| (a.username, a.role))
            .collect();
        assert_eq!(
            names,
            vec![
                ("ani".to_string(), AccountRole::Administrator),
                ("budi".to_string(), AccountRole::Officer)
            ]
        );
    }

    async fn setup_link_sets_the_password_once_and_expires(db: TestDb) {
        let expires = db.clock.now() + 3600;
        db.store
            .create_account(&officer("budi"), &token("t1", expires))
            .await
            .unwrap();
        assert!(db.store.account_by_setup_token("salah").await.unwrap().is_none());
        assert!(db.store.account_by_setup_token("t1").await.unwrap().is_some());
        let set = db.store.set_password("t1", "$argon2id$x").await.unwrap().unwrap();
        assert!(set.has_password);
        assert!(
            db.store.set_password("t1", "$argon2id$y").await.unwrap().is_none(),
            "used once"
        );
        let (_, hash) = db.store.account_for_login("budi").await.unwrap().unwrap();
        assert_eq!(hash.as_deref(), Some("$argon2id$x"));

        db.store.reset_account("budi", &token("t2", expires)).await.unwrap();
        let (_, hash) = db.store.account_for_login("budi").await.unwrap().unwrap();
        assert_eq!(hash, None, "a reset forgets the password");
        db.clock.advance(3601);
        assert!(
            db.store.account_by_setup_token("t2").await.unwrap().is_none(),
            "expired"
        );
        assert!(db.store.set_password("t2", "$argon2id$z").await.unwrap().is_none());
        assert!(!db.store.reset_account("nobody", &token("t3", expires)).await.unwrap());
    }

    async fn sessions_expire_and_are_revoked_by_logout_disable_and_reset(db: TestDb) {
        let later = db.clock.now() + 3600;
        let budi = db
            .store
            .create_account(&officer("budi"), &token("t1", later))
            .await
            .unwrap();
        db.store.create_session(budi.id, "s1", "c1", 600).await.unwrap();
        db.store.create_session(budi.id, "s2", "c2", 6000).await.unwrap();
        db.store.create_session(budi.id, "s3", "c3", 6000).await.unwrap();
        let live = db.store.session("s1").await.unwrap().unwrap();
        assert_eq!((live.account.username.as_str(), live.csrf.as_str()), ("budi", "c1"));
        assert!(db.store.session("nope").await.unwrap().is_none());

        db.clock.advance(601);
        assert!(db.store.session("s1").await.unwrap().is_none(), "expired");
        db.store.revoke_session("s2").await.unwrap();
        assert!(db.store.session("s2").await.unwrap().is_none(), "logged out");
        assert!(db.store.session("s3").await.unwrap().is_some());

        assert!(db.store.disable_account("budi").await.unwrap());
        assert!(db.store.session("s3").await.unwrap().is_none(), "disable revokes");
        db.store
            .reset_account("budi", &token("t2", later + 7200))
            .await
            .unwrap();
        assert!(
            db.store.session("s3").await.unwrap().is_none(),
            "stays revoked after reset"
        );
        let (account, _) = db.store.account_for_login("budi").await.unwrap().unwrap();
        assert_eq!(account.disabled_at, None, "reset enables again");
        assert!(!db.store.disable_account("nobody").await.unwrap());
    }

    async fn login_failures_are_counted_per_key_within_the_window(db: TestDb) {
        let keys = ["account:budi".to_string(), "address:10.0.0.1".to_string()];
        let start = db.clock.now();
        db.store.record_login_failure(&keys, 900).await.unwrap();
        db.store.record_login_failure(&keys[..1], 900).await.unwrap();
        assert_eq!(db.store.login_failures("account:budi", start).await.unwrap(), 2);
        assert_eq!(db.store.login_failures("address:10.0.0.1", start).await.unwrap(), 1);
        assert_eq!(db.store.login_failures("account:ani", start).await.unwrap(), 0);
        db.clock.advance(1000);
        db.store.record_login_failure(&keys[1..], 900).await.unwrap();
        let since = db.clock.now() - 900;
        assert_eq!(db.store.login_failures("account:budi", since).await.unwrap(), 0);
        assert_eq!(db.store.login_failures("address:10.0.0.1", since).await.unwrap(), 1);
    }

    both_backends!(
        accounts_are_created_once_and_listed,
        setup_link_sets_the_password_once_and_expires,
        sessions_expire_and_are_revoked_by_logout_disable_and_reset,
        login_failures_are_counted_per_key_within_the_window,
    );
}
