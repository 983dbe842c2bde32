//! `loket purge --closed-before DATE`: erases the citizen's identity and contact from complaints
//! closed for good before DATE (UU 27/2022), keeping each complaint as an anonymous record with
//! its events (see `storage/privacy.rs`). Prints what it did; running it again changes nothing.
//!
//! DATE is a local calendar date (`calendar.utc_offset_hours`, WIB by default): a complaint
//! qualifies when its last change was before midnight at the start of that day.

use anyhow::Context;
use chrono::NaiveDate;

use crate::configuration::Settings;
use crate::storage::PurgeReport;

/// Unix seconds of local midnight at the start of `date`.
pub(crate) fn cutoff(date: NaiveDate, utc_offset_hours: i32) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp()
        - i64::from(utc_offset_hours) * 3600
}

/// Parses `YYYY-MM-DD` with an error that says how to write it.
pub(crate) fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{raw:?} is not a date: write it as YYYY-MM-DD, e.g. 2025-01-31"))
}

pub(crate) fn report_lines(date: NaiveDate, report: &PurgeReport) -> String {
    let mut text = format!(
        "purged {} complaints closed before {date}: citizen identity and contact removed, the anonymous record and its events kept\n",
        report.complaints
    );
    text.push_str(&format!("  events no longer naming the chat: {}\n", report.events));
    text.push_str(&format!(
        "  notifications to the citizen removed: {}\n",
        report.notifications
    ));
    text.push_str(&format!(
        "  forwarding payloads rewritten without the citizen: {}\n",
        report.forwards
    ));
    text.push_str(&format!(
        "  skipped (a delivery still pending; run again later): {}",
        report.skipped_pending
    ));
    text
}

pub(crate) fn run(date: NaiveDate, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let before = cutoff(date, settings.calendar.utc_offset_hours);
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    runtime.block_on(async {
        let store = settings.store().await?;
        let report = store.purge_closed(before).await.context("purge failed");
        store.close().await;
        let report = report?;
        if json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            println!("{}", report_lines(date, &report));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_local_midnight() {
        let date = NaiveDate::from_ymd_opt(2025, 8, 20).unwrap();
        // 2025-08-20 00:00 WIB is 2025-08-19 17:00 UTC.
        assert_eq!(cutoff(date, 7), 1_755_622_800);
        assert_eq!(cutoff(date, 0), 1_755_648_000);
    }

    #[test]
    fn dates_are_iso_with_a_helpful_error() {
        assert_eq!(
            parse_date(" 2025-01-31 "),
            Ok(NaiveDate::from_ymd_opt(2025, 1, 31).unwrap())
        );
        for bad in ["31-01-2025", "2025-02-30", "kemarin", ""] {
            assert!(parse_date(bad).unwrap_err().contains("YYYY-MM-DD"), "{bad}");
        }
    }

    #[test]
    fn the_report_names_every_count() {
        let report = PurgeReport {
            complaints: 3,
            events: 4,
            notifications: 5,
            forwards: 6,
            skipped_pending: 1,
        };
        let text = report_lines(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), &report);
        assert!(
            text.starts_with("purged 3 complaints closed before 2025-01-01"),
            "{text}"
        );
        for n in ["4", "5", "6", "1"] {
            assert!(text.contains(&format!(": {n}")), "{text}");
        }
    }
}
