//! Support for the broadcast tests: an approved announcement to subscribers by the thousand,
//! and the checks read from the fake Bot API's records (messages per chat, the busiest
//! one-second window of arrivals) and from `loket announcements status`.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use loket::storage::Store;
use loket::telegram::fake_api::{self, Call, FakeBotApi};

/// The environment of a `loket serve` that broadcasts through the fake Bot API at `rate`
/// messages a second with `concurrency` sends in flight; `margin_ms` widens the pacing window
/// for arrival jitter on a loaded test machine. Tests add their own variables after these.
pub fn sender_env(
    url: &str,
    api: &FakeBotApi,
    rate: usize,
    concurrency: usize,
    margin_ms: u64,
) -> Vec<(&'static str, String)> {
    vec![
        ("DATABASE_URL", url.to_owned()),
        ("LOKET_STANDARDS_DIR", crate::standards_dir().display().to_string()),
        ("TELOXIDE_TOKEN", fake_api::TOKEN.to_owned()),
        ("TELOXIDE_API_URL", api.url().to_string()),
        ("LOKET_ANNOUNCEMENTS__OVERALL_PER_SECOND", rate.to_string()),
        ("LOKET_ANNOUNCEMENTS__CONCURRENCY", concurrency.to_string()),
        ("LOKET_ANNOUNCEMENTS__WINDOW_MARGIN_MILLIS", margin_ms.to_string()),
        ("LOKET_ANNOUNCEMENTS__IDLE_POLL_MILLIS", "50".into()),
        ("LOKET_REINDEX__WATCH", "false".into()),
        ("RUST_LOG", "warn,loket=info".into()),
    ]
}

/// Creates the database (migrations), `n` subscribers and an approved announcement; its id.
pub async fn approved_announcement(url: &str, n: i64, text: &str) -> i64 {
    let store = Store::connect(url).await.expect("connect the store");
    store.seed_subscribers(n).await.expect("subscribers");
    let announcement = store.create_announcement(None, text).await.expect("announcement");
    let fan = store.approve_and_fan_out(announcement.id).await.expect("approve");
    assert_eq!(fan.tasks, u64::try_from(n).unwrap());
    store.close().await;
    announcement.id
}

/// Successful `sendMessage` calls per chat.
pub fn messages_per_chat(calls: &[Call]) -> HashMap<i64, usize> {
    let mut counts = HashMap::new();
    for call in calls.iter().filter(|c| c.is("sendMessage") && c.ok()) {
        if let Some(chat) = call.chat_id {
            *counts.entry(chat).or_default() += 1;
        }
    }
    counts
}

/// Most of `times` (sorted) within any one second.
pub fn busiest_second(times: &[Instant]) -> usize {
    loket::telegram::fake_api::busiest_second_and_rate(times).0
}

/// The counts `loket announcements status ID` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusLine {
    pub sent: u64,
    pub total: u64,
    pub pending: u64,
    pub failed: u64,
    pub blocked: u64,
}

/// Runs `loket announcements status ID` on `url` and reads its counts.
pub fn announcements_status(binary: &Path, dir: &Path, url: &str, id: i64) -> (String, StatusLine) {
    let output = Command::new(binary)
        .args(["announcements", "status", &id.to_string()])
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .env("LOKET_CONFIG", dir.join("no-config.toml"))
        .output()
        .expect("run loket announcements status");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (text.clone(), parse_status(&text))
}

/// `#3 done: sent 9990/10000  pending 0  failed 1  blocked 9`.
fn parse_status(text: &str) -> StatusLine {
    let words: Vec<&str> = text.split_whitespace().collect();
    let after = |label: &str| -> &str {
        let i = words
            .iter()
            .position(|w| *w == label)
            .unwrap_or_else(|| panic!("no {label} in {text}"));
        words[i + 1]
    };
    let (sent, total) = after("sent").split_once('/').expect("sent N/M");
    let n = |s: &str| {
        s.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a count: {s} in {text}"))
    };
    StatusLine {
        sent: n(sent),
        total: n(total),
        pending: n(after("pending")),
        failed: n(after("failed")),
        blocked: n(after("blocked")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_is_read() {
        let s = parse_status("#3 done: sent 9990/10000  pending 0  failed 1  blocked 9\n");
        assert_eq!(
            (s.sent, s.total, s.pending, s.failed, s.blocked),
            (9990, 10000, 0, 1, 9)
        );
    }
}
