//! `loket announcements list|show ID|new|send ID|status ID`: the administrator's side of
//! broadcasts.
//!
//! `new` writes a free-text draft (to one agency's subscribers with `--agency`, one regency's or
//! city's with `--regency`, otherwise to every subscriber); ingests write drafts of their own. `send` approves a draft and writes one
//! task per subscriber in one transaction, then runs the broadcast sender in the foreground with
//! a progress line until every task has an outcome. Running `send` again after a crash or Ctrl-C
//! resumes where it stopped (tasks are claimed with leases and completed only after Telegram
//! accepted the message; a lease left by a killed process expires after `lease_secs`). The
//! subscribers on WhatsApp and in the web chat get it too, through their channels' senders, when
//! `[whatsapp]` is configured and `[webchat] enabled` (as `loket serve` would send it).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use crate::configuration::Settings;
use crate::storage::{Announcement, BroadcastProgress, Store};
use crate::telegram::{BroadcastSender, Catalog, bot_from_env};

fn with_store<T>(f: impl AsyncFnOnce(&Store) -> anyhow::Result<T>) -> anyhow::Result<T> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = Settings::load()?.store().await?;
        let result = f(&store).await;
        store.close().await;
        result
    })
}

async fn find(store: &Store, id: i64) -> anyhow::Result<Announcement> {
    store
        .announcement(id)
        .await?
        .with_context(|| format!("no announcement #{id} (see `loket announcements list`)"))
}

fn audience(a: &Announcement) -> String {
    match (a.agency.as_deref(), a.regency.as_deref()) {
        (None, None) => "all subscribers".to_owned(),
        (Some(agency), None) => format!("subscribers of {agency}"),
        (None, Some(regency)) => format!("subscribers of {regency}"),
        (Some(agency), Some(regency)) => format!("subscribers of {agency} or {regency}"),
    }
}

pub(crate) fn progress_line(p: &BroadcastProgress) -> String {
    format!(
        "sent {}/{}  pending {}  failed {}  blocked {}",
        p.sent, p.total, p.pending, p.failed, p.blocked
    )
}

pub(crate) fn list(limit: u32) -> anyhow::Result<()> {
    with_store(async |store| {
        let all = store.list_announcements(limit).await?;
        if all.is_empty() {
            println!("no announcements");
        }
        for a in all {
            let first = a.text.lines().next().unwrap_or_default();
            let p = store.broadcast_progress(a.id).await?;
            println!(
                "#{:<5} {:<9} {:<40} {}  [{}]",
                a.id,
                a.status.as_str(),
                audience(&a),
                first,
                progress_line(&p)
            );
        }
        Ok(())
    })
}

pub(crate) fn show(id: i64) -> anyhow::Result<()> {
    with_store(async |store| {
        let a = find(store, id).await?;
        let p = store.broadcast_progress(id).await?;
        println!("announcement #{} ({}), to {}", a.id, a.status.as_str(), audience(&a));
        println!("{}", progress_line(&p));
        println!("---");
        println!("{}", a.text);
        println!("---");
        for s in &a.services {
            println!("[button] {} ({:?}) -> {}", s.title, s.status, s.id);
        }
        Ok(())
    })
}

pub(crate) fn new(agency: Option<&str>, regency: Option<&str>, text: &str) -> anyhow::Result<()> {
    with_store(async |store| {
        let a = store
            .create_announcement_to(agency, regency, text)
            .await
            .context("cannot create the announcement")?;
        println!(
            "announcement #{} created as a draft, to {}; send it with `loket announcements send {}`",
            a.id,
            audience(&a),
            a.id
        );
        Ok(())
    })
}

pub(crate) fn status(id: i64) -> anyhow::Result<()> {
    with_store(async |store| {
        let a = find(store, id).await?;
        let p = store.broadcast_progress(id).await?;
        println!("#{} {}: {}", a.id, a.status.as_str(), progress_line(&p));
        Ok(())
    })
}

pub(crate) fn send(id: i64, standards_dir: Option<PathBuf>) -> anyhow::Result<()> {
    crate::telemetry::init();
    let settings = super::ingest::broadcast_settings()?;
    let bot = bot_from_env()?;
    // The buttons need the catalog's service keys; without the decrees the text goes alone.
    let dir = standards_dir.unwrap_or_else(|| PathBuf::from("knowledge/standards"));
    let catalog = match super::load_engine(&dir) {
        Ok(engine) => Some(Arc::new(Catalog::new(engine))),
        Err(error) => {
            eprintln!("warning: no service buttons ({error:#})");
            None
        }
    };
    with_store(async |store| {
        find(store, id).await?;
        let fan = store.approve_and_fan_out(id).await?;
        if fan.approved_now {
            eprintln!("announcement #{id} approved: {} subscribers", fan.tasks);
        } else {
            eprintln!("announcement #{id} was approved before: resuming");
        }
        // Shares the per-bot limit with any `loket serve` running on the same database.
        let sender = Arc::new(settings.sender(bot).with_shared_limit(store.clone()));
        let full = Settings::load()?;
        let whatsapp = crate::whatsapp::WhatsAppChannel::from_settings(&full.whatsapp, store.clone())?;
        let webchat = crate::webchat::WebChatChannel::from_settings(&full.webchat, store.clone())?;
        let others = crate::startup::channel_broadcasters(
            store,
            &settings,
            whatsapp.as_ref(),
            webchat.as_ref(),
            catalog.clone().map(crate::conversation::CatalogHandle::from),
        );
        let (stop_others, others_stop) = tokio::sync::watch::channel(false);
        let others: Vec<_> = others
            .into_iter()
            .map(|b| tokio::spawn(b.run(others_stop.clone())))
            .collect();
        let mut broadcaster =
            BroadcastSender::new(sender, store.clone(), settings).only_chats(crate::startup::telegram_chat_ids());
        if let Some(catalog) = catalog {
            broadcaster = broadcaster.with_catalog(catalog);
        }
        let broadcaster = Arc::new(broadcaster);
        let tty = std::io::stderr().is_terminal();
        let mut last = String::new();
        let done = broadcaster
            .send_until_done(id, |p| {
                let line = progress_line(p);
                if line != last {
                    if tty {
                        eprint!("\r\x1b[2K{}{line}", bar(p));
                        let _ = std::io::stderr().flush();
                    } else {
                        eprintln!("{line}");
                    }
                    last = line;
                }
            })
            .await;
        let _ = stop_others.send(true);
        for task in others {
            let _ = task.await;
        }
        let done = done?;
        if tty {
            eprintln!();
        }
        println!("#{id} done: {}", progress_line(&done));
        Ok(())
    })
}

/// A 30-character bar of the tasks with an outcome.
fn bar(p: &BroadcastProgress) -> String {
    let width = 30;
    let finished = p.total - p.pending;
    let filled = (finished * width as u64)
        .checked_div(p.total)
        .map_or(width, |n| usize::try_from(n).unwrap_or(width).min(width));
    format!("[{}{}] ", "#".repeat(filled), "-".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_is_shown_as_counts_and_a_bar() {
        let p = BroadcastProgress {
            total: 10,
            sent: 4,
            pending: 5,
            failed: 0,
            blocked: 1,
        };
        assert_eq!(progress_line(&p), "sent 4/10  pending 5  failed 0  blocked 1");
        assert_eq!(bar(&p), format!("[{}{}] ", "#".repeat(15), "-".repeat(15)));
        assert_eq!(bar(&BroadcastProgress::default()), format!("[{}] ", "#".repeat(30)));
    }
}
