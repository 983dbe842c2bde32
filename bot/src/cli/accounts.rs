//! `loket accounts add|list|disable|reset`: the web console's accounts. `add` and `reset` print a
//! one-time link to set the password (only the token's SHA-256 is stored; the link expires after
//! `console.setup_link_hours`); `disable` locks the account out and ends its sessions at once.

use anyhow::Context;

use crate::configuration::Settings;
use crate::console::accounts::{new_account, setup_link, setup_path};
use crate::storage::{Account, AccountRole, Store};

fn with_store<T>(f: impl AsyncFnOnce(&Settings, &Store) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let settings = Settings::load()?;
        let store = settings.store().await?;
        let result = f(&settings, &store).await;
        store.close().await;
        result
    })
}

fn print_link(settings: &Settings, token: &str, expires_at: i64) {
    let link = settings.console.link(&setup_path(token), settings.http_addr);
    println!("setup link: {link}");
    println!(
        "Send it to the account's owner privately; it sets the password once and expires {} (UTC).",
        date(expires_at)
    );
    if settings.console.public_url.is_none() {
        println!("(console.public_url is unset: the link uses the listening address; set LOKET_CONSOLE__PUBLIC_URL.)");
    }
}

fn date(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map_or_else(|| unix.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
}

fn ttl(settings: &Settings) -> i64 {
    i64::try_from(settings.console.setup_link_ttl().as_secs()).unwrap_or(72 * 3600)
}

pub(crate) fn add(
    username: &str,
    name: &str,
    role: AccountRole,
    handlers: &[String],
    agency: Option<&str>,
) -> anyhow::Result<()> {
    with_store(async |settings, store| {
        let routing = settings.routing()?;
        let account = new_account(username, name, role, handlers, agency, &routing)?;
        let (token, stored) = setup_link(store.clock().now(), ttl(settings));
        let created = store.create_account(&account, &stored).await?;
        println!(
            "{} account {} ({}) created.",
            created.role.as_str(),
            created.username,
            created.name
        );
        print_link(settings, &token, stored.expires_at);
        Ok(())
    })
}

pub(crate) fn line(a: &Account) -> String {
    let state = match (a.disabled_at, a.has_password) {
        (Some(_), _) => "disabled",
        (None, true) => "active",
        (None, false) => "awaiting-password",
    };
    let scope = match a.role {
        AccountRole::Officer => format!("handlers={}", a.handlers.join(",")),
        AccountRole::Supervisor => format!("agency={}", a.agency.as_deref().unwrap_or("-")),
        AccountRole::Administrator => String::new(),
    };
    format!(
        "{:<20} {:<13} {:<17} {}  {}",
        a.username,
        a.role.as_str(),
        state,
        a.name,
        scope
    )
}

pub(crate) fn list(json: bool) -> anyhow::Result<()> {
    with_store(async |_, store| {
        let accounts = store.list_accounts().await?;
        if json {
            for a in &accounts {
                println!("{}", serde_json::to_string(a)?);
            }
        } else if accounts.is_empty() {
            println!("no accounts (create one with `loket accounts add`)");
        } else {
            for a in &accounts {
                println!("{}", line(a));
            }
        }
        Ok(())
    })
}

pub(crate) fn disable(username: &str) -> anyhow::Result<()> {
    with_store(async |_, store| {
        let username = username.trim().to_lowercase();
        anyhow::ensure!(
            store.disable_account(&username).await?,
            "no account named {username:?} (see `loket accounts list`)"
        );
        println!("account {username} is disabled and its sessions have ended");
        Ok(())
    })
}

pub(crate) fn reset(username: &str) -> anyhow::Result<()> {
    with_store(async |settings, store| {
        let username = username.trim().to_lowercase();
        let (token, stored) = setup_link(store.clock().now(), ttl(settings));
        anyhow::ensure!(
            store.reset_account(&username, &stored).await?,
            "no account named {username:?} (see `loket accounts list`)"
        );
        println!("account {username}: password cleared, sessions ended, account enabled.");
        print_link(settings, &token, stored.expires_at);
        Ok(())
    })
}
