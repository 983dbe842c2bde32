//! `loket open311-clients create|list|revoke`: the intake-only keys of Open311 client
//! applications (a city portal, a 311 app). `create` prints the key once (only its SHA-256 is
//! stored); `list` shows every client with its limit and what it filed; `revoke` stops a key at
//! once, keeping the client's name on the complaints it filed.

use anyhow::Context;

use crate::configuration::Settings;
use crate::domain::{ClientId, client_key_digest, generate_client_key};
use crate::storage::{Open311ClientUsage, Store};

fn with_store<T>(f: impl AsyncFnOnce(&Store) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = Settings::load()?.store().await?;
        let result = f(&store).await;
        store.close().await;
        result
    })
}

pub(crate) fn create(id: &str, name: &str, per_hour: u32) -> anyhow::Result<()> {
    let id = ClientId::parse(id)?;
    anyhow::ensure!(!name.trim().is_empty(), "--name must not be empty");
    anyhow::ensure!(per_hour > 0, "--per-hour must be at least 1");
    let key = generate_client_key();
    with_store(async |store| {
        let client = store
            .create_open311_client(&id, name, &client_key_digest(&key), per_hour)
            .await?;
        println!(
            "Open311 client {} ({}) created, at most {} complaints per hour.",
            client.id, client.name, client.per_hour
        );
        println!("api_key: {key}");
        println!("Give this key to the client's operator now: loket keeps only its hash and cannot show it again.");
        Ok(())
    })
}

pub(crate) fn line(u: &Open311ClientUsage) -> String {
    let state = match u.client.revoked_at {
        Some(_) => "revoked",
        None => "active",
    };
    let last = u.last_filed_at.map_or_else(|| "-".to_owned(), date);
    format!(
        "{:<24} {:<8} {:>5}/h  filed {:>6}  last {:<19}  {}",
        u.client.id, state, u.client.per_hour, u.complaints, last, u.client.name
    )
}

fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map_or_else(|| unix.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

pub(crate) fn list(json: bool) -> anyhow::Result<()> {
    with_store(async |store| {
        let clients = store.open311_clients().await?;
        if json {
            for c in &clients {
                println!("{}", serde_json::to_string(c)?);
            }
        } else if clients.is_empty() {
            println!("no Open311 clients (create one with `loket open311-clients create ID --name NAME`)");
        } else {
            for c in &clients {
                println!("{}", line(c));
            }
        }
        Ok(())
    })
}

pub(crate) fn revoke(id: &str) -> anyhow::Result<()> {
    let id = ClientId::parse(id)?;
    with_store(async |store| {
        anyhow::ensure!(
            store.revoke_open311_client(&id).await?,
            "no active Open311 client {id} (see `loket open311-clients list`)"
        );
        println!("Open311 client {id} revoked: its key no longer files complaints");
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Open311Client;

    #[test]
    fn a_list_line_names_state_limit_and_use() {
        let usage = Open311ClientUsage {
            client: Open311Client {
                id: "portal-kota".into(),
                name: "Portal Kota".into(),
                per_hour: 60,
                created_at: 0,
                revoked_at: Some(5),
            },
            complaints: 12,
            last_filed_at: Some(1_755_655_200),
        };
        let text = line(&usage);
        for part in [
            "portal-kota",
            "revoked",
            "60/h",
            "filed     12",
            "2025-08-20 02:00",
            "Portal Kota",
        ] {
            assert!(text.contains(part), "{part}: {text}");
        }
    }
}
