//! Open311 client applications (`open311_clients` of migration 0006): intake-only keys, stored as
//! their SHA-256, each with an hourly limit on the complaints it may file.
//!
//! The limit is counted from the complaints themselves (`complaints.open311_client`,
//! `created_at`), so it holds across restarts and across every `loket serve` process sharing the
//! database, with no counter to keep in step. A revoked client keeps its row (and its name on the
//! complaints it filed) but its key no longer authenticates.

use anyhow::Context;

use super::{Store, StoreError, on_pool};
use crate::domain::ClientId;

/// One client application.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Open311Client {
    pub id: String,
    pub name: String,
    /// Complaints it may file per rolling hour.
    pub per_hour: u32,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A client with what it filed, for `loket open311-clients list`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Open311ClientUsage {
    #[serde(flatten)]
    pub client: Open311Client,
    pub complaints: u64,
    pub last_filed_at: Option<i64>,
}

/// How much of its hourly allowance a client has used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Open311Window {
    /// Complaints filed since the start of the window.
    pub filed: u64,
    /// When the oldest of them was filed (the window frees a slot an hour after it).
    pub oldest: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum Open311ClientError {
    #[error("an Open311 client with id {0:?} already exists (see `loket open311-clients list`)")]
    Duplicate(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(sqlx::FromRow)]
struct ClientRow {
    id: String,
    name: String,
    per_hour: i32,
    created_at: i64,
    revoked_at: Option<i64>,
}

impl From<ClientRow> for Open311Client {
    fn from(row: ClientRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            per_hour: u32::try_from(row.per_hour).unwrap_or(0),
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UsageRow {
    id: String,
    name: String,
    per_hour: i32,
    created_at: i64,
    revoked_at: Option<i64>,
    complaints: i64,
    last_filed_at: Option<i64>,
}

impl Store {
    /// Records a new client with the SHA-256 of its key (see `domain::client_key_digest`).
    pub async fn create_open311_client(
        &self,
        id: &ClientId,
        name: &str,
        key_sha256: &str,
        per_hour: u32,
    ) -> Result<Open311Client, Open311ClientError> {
        let now = self.now();
        let per_hour = i32::try_from(per_hour).unwrap_or(i32::MAX);
        let inserted = on_pool!(self, |pool| {
            sqlx::query_as::<_, ClientRow>(
                "INSERT INTO open311_clients (id, name, key_sha256, per_hour, created_at)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING
                 RETURNING id, name, per_hour, created_at, revoked_at",
            )
            .bind(id.as_str())
            .bind(name.trim())
            .bind(key_sha256)
            .bind(per_hour)
            .bind(now)
            .fetch_optional(pool)
            .await
            .map_err(StoreError::from)?
        });
        inserted
            .map(Open311Client::from)
            .ok_or_else(|| Open311ClientError::Duplicate(id.to_string()))
    }

    /// The active (not revoked) client whose key hashes to `key_sha256`.
    pub async fn open311_client_by_key(&self, key_sha256: &str) -> Result<Option<Open311Client>, StoreError> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, ClientRow>(
                "SELECT id, name, per_hour, created_at, revoked_at FROM open311_clients
                  WHERE key_sha256 = $1 AND revoked_at IS NULL",
            )
            .bind(key_sha256)
            .fetch_optional(pool)
            .await
            .context("cannot look up the Open311 client")?
        });
        Ok(row.map(Open311Client::from))
    }

    /// Complaints `client` filed at or after `since` (unix seconds).
    pub async fn open311_window(&self, client: &str, since: i64) -> Result<Open311Window, StoreError> {
        let (filed, oldest): (i64, Option<i64>) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT COUNT(*), MIN(created_at) FROM complaints
                  WHERE open311_client = $1 AND created_at >= $2",
            )
            .bind(client)
            .bind(since)
            .fetch_one(pool)
            .await
            .context("cannot count the client's complaints")?
        });
        Ok(Open311Window {
            filed: u64::try_from(filed).unwrap_or(0),
            oldest,
        })
    }

    /// Every client (revoked ones too), with how many complaints each filed.
    pub async fn open311_clients(&self) -> Result<Vec<Open311ClientUsage>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, UsageRow>(
                "SELECT c.id, c.name, c.per_hour, c.created_at, c.revoked_at,
                        COUNT(p.id) AS complaints, MAX(p.created_at) AS last_filed_at
                   FROM open311_clients c LEFT JOIN complaints p ON p.open311_client = c.id
                  GROUP BY c.id, c.name, c.per_hour, c.created_at, c.revoked_at
                  ORDER BY c.id",
            )
            .fetch_all(pool)
            .await
            .context("cannot list Open311 clients")?
        });
        Ok(rows
            .into_iter()
            .map(|r| Open311ClientUsage {
                client: Open311Client::from(ClientRow {
                    id: r.id,
                    name: r.name,
                    per_hour: r.per_hour,
                    created_at: r.created_at,
                    revoked_at: r.revoked_at,
                }),
                complaints: u64::try_from(r.complaints).unwrap_or(0),
                last_filed_at: r.last_filed_at,
            })
            .collect())
    }

    /// Revokes a client's key; `false` when there is no such active client.
    pub async fn revoke_open311_client(&self, id: &ClientId) -> Result<bool, StoreError> {
        let now = self.now();
        let done = on_pool!(self, |pool| {
            sqlx::query("UPDATE open311_clients SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(id.as_str())
                .bind(now)
                .execute(pool)
                .await
                .context("cannot revoke the Open311 client")?
                .rows_affected()
        });
        Ok(done == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Citizen, Contact, NewComplaint, client_key_digest, fixtures};
    use crate::storage::SubmitOptions;
    use crate::storage::testing::{TestDb, both_backends};

    fn id(raw: &str) -> ClientId {
        ClientId::parse(raw).unwrap()
    }

    async fn clients_are_created_found_by_key_counted_and_revoked(db: TestDb) {
        let store = &db.store;
        let digest = client_key_digest("loket311_kunci-portal");
        let client = store
            .create_open311_client(&id("portal-kota"), " Portal Kota ", &digest, 2)
            .await
            .unwrap();
        assert_eq!((client.name.as_str(), client.per_hour), ("Portal Kota", 2));
        let duplicate = store
            .create_open311_client(&id("portal-kota"), "Lagi", &client_key_digest("lain"), 2)
            .await;
        assert!(
            matches!(duplicate, Err(Open311ClientError::Duplicate(_))),
            "{duplicate:?}"
        );

        assert_eq!(
            store.open311_client_by_key(&digest).await.unwrap(),
            Some(client.clone())
        );
        assert_eq!(
            store.open311_client_by_key(&client_key_digest("salah")).await.unwrap(),
            None
        );

        let mut new = NewComplaint::parse_with_citizen(
            &fixtures::raw(),
            Citizen::Open311(Contact::default()),
            fixtures::today(),
        )
        .unwrap();
        new.open311_client = Some("portal-kota".into());
        let filed = store.submit_complaint(&new, &SubmitOptions::default()).await.unwrap();
        assert_eq!(filed.open311_client.as_deref(), Some("portal-kota"));
        let since = store.now() - 3600;
        assert_eq!(
            store.open311_window("portal-kota", since).await.unwrap(),
            Open311Window {
                filed: 1,
                oldest: Some(filed.created_at),
            }
        );
        db.clock.advance(3601);
        let window = store.open311_window("portal-kota", store.now() - 3600).await.unwrap();
        assert_eq!(window.filed, 0, "an hour later the slot is free");

        let listed = store.open311_clients().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(
            (listed[0].complaints, listed[0].last_filed_at),
            (1, Some(filed.created_at))
        );

        assert!(store.revoke_open311_client(&id("portal-kota")).await.unwrap());
        assert!(!store.revoke_open311_client(&id("portal-kota")).await.unwrap());
        assert_eq!(store.open311_client_by_key(&digest).await.unwrap(), None);
        assert!(store.open311_clients().await.unwrap()[0].client.revoked_at.is_some());
    }

    both_backends!(clients_are_created_found_by_key_counted_and_revoked);
}
