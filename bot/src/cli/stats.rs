//! `loket stats [--json]`: the operator's view of what loket is doing, read from the database
//! (complaints per status, overdue complaints, queue depth and lag, dead letters, subscribers,
//! broadcast progress of the newest announcements).
//!
//! The figures are the same snapshot `GET /metrics` exports as gauges
//! ([`Store::ops_stats`](crate::storage::Store::ops_stats)), so the two never disagree. It reads
//! the configured database (`loket.toml`, `LOKET_*`, `DATABASE_URL`) and changes nothing.

use std::fmt::Write as _;

use anyhow::Context;

use crate::configuration::Settings;
use crate::storage::{AnnouncementScope, OpsStats};

pub(crate) fn run(json: bool, announcements: u32) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let stats = runtime.block_on(async {
        let store = Settings::load()?.store().await?;
        let stats = store.ops_stats(AnnouncementScope::Recent(announcements)).await;
        store.close().await;
        anyhow::Ok(stats.context("cannot read the figures")?)
    })?;
    if json {
        println!("{}", to_json(&stats));
    } else {
        print!("{}", to_text(&stats));
    }
    Ok(())
}

/// One JSON object: statuses as a map, queues and announcements as lists.
pub(crate) fn to_json(stats: &OpsStats) -> serde_json::Value {
    let complaints: serde_json::Map<String, serde_json::Value> = stats
        .complaints
        .iter()
        .map(|(status, n)| (status.as_str().to_owned(), (*n).into()))
        .collect();
    let queues: Vec<serde_json::Value> = stats
        .queues
        .iter()
        .map(|q| {
            serde_json::json!({
                "queue": q.queue, "depth": q.depth(), "pending": q.pending, "ready": q.ready,
                "in_flight": q.in_flight, "dead": q.dead, "oldest_ready_age_secs": q.oldest_ready_age_secs,
            })
        })
        .collect();
    serde_json::json!({
        "at": stats.at,
        "complaints": complaints,
        "overdue": stats.overdue,
        "queues": queues,
        "subscribers": stats.subscribers,
        "announcements": stats.announcements,
        "ratings": stats.ratings.iter().map(|r| serde_json::json!({
            "handler_id": r.handler_id, "count": r.count, "average": r.average(),
        })).collect::<Vec<_>>(),
    })
}

fn age(secs: i64) -> String {
    match secs {
        0 => "-".to_owned(),
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

/// The figures as aligned text for a terminal.
pub(crate) fn to_text(stats: &OpsStats) -> String {
    let mut out = String::new();
    let at = chrono::DateTime::from_timestamp(stats.at, 0).map_or_else(|| stats.at.to_string(), |t| t.to_rfc3339());
    let total: u64 = stats.complaints.iter().map(|(_, n)| n).sum();
    let _ = writeln!(out, "loket stats at {at}\n");
    let _ = writeln!(out, "complaints: {total}");
    for (status, n) in &stats.complaints {
        let _ = writeln!(out, "  {:<17}{n:>8}", status.as_str());
    }
    let _ = writeln!(out, "  {:<17}{:>8}\n", "overdue (SLA)", stats.overdue);
    let _ = writeln!(
        out,
        "{:<11}{:>8}{:>8}{:>11}{:>15}{:>8}",
        "queue", "depth", "ready", "in flight", "oldest ready", "dead"
    );
    for q in &stats.queues {
        let _ = writeln!(
            out,
            "  {:<9}{:>8}{:>8}{:>11}{:>15}{:>8}",
            q.queue,
            q.depth(),
            q.ready,
            q.in_flight,
            age(q.oldest_ready_age_secs),
            q.dead
        );
    }
    let _ = writeln!(
        out,
        "\nsubscribers: {} active, {} blocked",
        stats.subscribers.active, stats.subscribers.blocked
    );
    if stats.announcements.is_empty() {
        let _ = writeln!(out, "announcements: none");
    } else {
        let _ = writeln!(out, "announcements (newest first):");
    }
    for a in &stats.announcements {
        let _ = writeln!(
            out,
            "  #{:<5}{:<10}{:<28}{}",
            a.id,
            a.status,
            a.agency.as_deref().unwrap_or("all subscribers"),
            super::announcements::progress_line(&a.progress)
        );
    }
    if stats.ratings.is_empty() {
        let _ = writeln!(out, "satisfaction: no ratings yet");
    } else {
        let _ = writeln!(out, "satisfaction per handler (1-5):");
    }
    for r in &stats.ratings {
        let _ = writeln!(out, "  {:<28}{:>6.2}{:>8} rated", r.handler_id, r.average(), r.count);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ComplaintStatus;
    use crate::storage::{AnnouncementStats, BroadcastProgress, HandlerRating, QueueStats, SubscriberStats};

    fn sample() -> OpsStats {
        OpsStats {
            at: 1_755_655_200,
            complaints: ComplaintStatus::ALL.into_iter().map(|s| (s, 1)).collect(),
            overdue: 2,
            queues: vec![
                QueueStats {
                    queue: "forward",
                    pending: 3,
                    ready: 2,
                    in_flight: 1,
                    dead: 1,
                    oldest_ready_age_secs: 300,
                },
                QueueStats {
                    queue: "notify",
                    ..QueueStats::default()
                },
            ],
            subscribers: SubscriberStats { active: 10, blocked: 2 },
            announcements: vec![AnnouncementStats {
                id: 4,
                status: "sending".into(),
                agency: Some("Dinas Sosial".into()),
                created_at: 0,
                progress: BroadcastProgress {
                    total: 10,
                    sent: 7,
                    pending: 3,
                    failed: 0,
                    blocked: 0,
                },
            }],
            ratings: vec![HandlerRating {
                handler_id: "dinas-pu".into(),
                count: 4,
                sum: 17,
            }],
        }
    }

    #[test]
    fn text_lists_every_figure() {
        let text = to_text(&sample());
        for needle in [
            "complaints: 9",
            "bukan_wewenang",
            "overdue (SLA)",
            "forward",
            "5 min",
            "10 active, 2 blocked",
            "#4",
            "Dinas Sosial",
            "sent 7/10",
            "dinas-pu",
            "4.25",
        ] {
            assert!(text.contains(needle), "{needle:?} missing from\n{text}");
        }
    }

    #[test]
    fn json_has_statuses_as_a_map_and_queue_depth() {
        let json = to_json(&sample());
        assert_eq!(json["complaints"]["diterima"], 1);
        assert_eq!(json["overdue"], 2);
        assert_eq!(json["queues"][0]["queue"], "forward");
        assert_eq!(json["queues"][0]["depth"], 4);
        assert_eq!(json["subscribers"]["blocked"], 2);
        assert_eq!(json["announcements"][0]["progress"]["sent"], 7);
        assert_eq!(json["ratings"][0]["average"], 4.25);
    }
}
