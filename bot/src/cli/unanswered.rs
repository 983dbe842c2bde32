//! `loket unanswered [--since 7d] [--limit N] [--json]`: the questions citizens asked on
//! Telegram that loket refused or answered with a choice list, most frequent first, with what
//! the engine offered. The administrator reads it to write deployment aliases
//! (`LOKET_ALIASES`, see `learning::aliases`) or to ask for a missing standard.
//!
//! It reads the configured database (`loket.toml`, `LOKET_*`, `DATABASE_URL`) and changes
//! nothing. Questions are counted by the hour and kept 90 days, so `--since` covers the hour it
//! starts in and never more than 90 days.

use std::fmt::Write as _;

use anyhow::Context;

use crate::configuration::Settings;
use crate::storage::UnansweredSummary;

/// A period such as `7d`, `24h`, `90d` or `2w`, in seconds (clap's value parser).
pub(crate) fn parse_period(raw: &str) -> Result<i64, String> {
    let help = || format!("{raw:?} is not a period: write a number and h, d or w, e.g. 24h, 7d, 90d");
    let raw = raw.trim();
    let unit = raw.chars().last().ok_or_else(help)?;
    let per_unit: i64 = match unit.to_ascii_lowercase() {
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return Err(help()),
    };
    let number: i64 = raw[..raw.len() - unit.len_utf8()].parse().map_err(|_| help())?;
    if number <= 0 {
        return Err(help());
    }
    number.checked_mul(per_unit).ok_or_else(help)
}

pub(crate) fn run(since_secs: i64, limit: usize, json: bool) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let offset = settings.calendar.utc_offset_hours;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let summary = runtime.block_on(async {
        let store = settings.store().await?;
        let summary = store.unanswered_summary(since_secs, limit).await;
        store.close().await;
        anyhow::Ok(summary.context("cannot read the unanswered questions")?)
    })?;
    if json {
        for line in &summary {
            println!("{}", serde_json::to_string(line)?);
        }
    } else {
        print!("{}", to_text(&summary, since_secs, offset));
    }
    Ok(())
}

/// A table for people: count, last seen (local time), outcome, question, and the offered
/// service ids under their question.
pub(crate) fn to_text(summary: &[UnansweredSummary], since_secs: i64, utc_offset_hours: i32) -> String {
    let mut out = String::new();
    let period = if since_secs % 86_400 == 0 {
        format!("{}d", since_secs / 86_400)
    } else {
        format!("{}h", since_secs / 3600)
    };
    if summary.is_empty() {
        let _ = writeln!(out, "no unanswered questions in the last {period}");
        return out;
    }
    let _ = writeln!(
        out,
        "unanswered questions in the last {period}, most asked first (UTC{utc_offset_hours:+}):\n"
    );
    let _ = writeln!(out, "{:>6}  {:<16}  {:<9}  question", "count", "last seen", "outcome");
    let offset = chrono::FixedOffset::east_opt(utc_offset_hours * 3600)
        .unwrap_or(chrono::FixedOffset::east_opt(0).expect("UTC"));
    for s in summary {
        let seen = chrono::DateTime::from_timestamp(s.last_seen, 0).map_or_else(
            || s.last_seen.to_string(),
            |t| t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string(),
        );
        let _ = writeln!(
            out,
            "{:>6}  {seen:<16}  {:<9}  {}",
            s.count,
            s.outcome.as_str(),
            s.question
        );
        if !s.offered.is_empty() {
            let _ = writeln!(out, "{:>37}offered: {}", "", s.offered.join(", "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::UnansweredOutcome;

    #[test]
    fn periods_in_hours_days_and_weeks() {
        assert_eq!(parse_period("24h"), Ok(86_400));
        assert_eq!(parse_period("7d"), Ok(7 * 86_400));
        assert_eq!(parse_period("90D"), Ok(90 * 86_400));
        assert_eq!(parse_period("2w"), Ok(14 * 86_400));
    }

    #[test]
    fn bad_periods_say_how_to_write_one() {
        for raw in ["", "7", "d", "7x", "-1d", "0h", "sepekan", "99999999999999999w"] {
            let err = parse_period(raw).unwrap_err();
            assert!(err.contains("e.g. 24h, 7d, 90d"), "{raw}: {err}");
        }
    }

    #[test]
    fn the_table_shows_count_time_outcome_question_and_offers() {
        let summary = [
            UnansweredSummary {
                question: "syarat paspor".into(),
                count: 12,
                last_seen: 1_755_655_200,
                outcome: UnansweredOutcome::NotFound,
                offered: vec![],
            },
            UnansweredSummary {
                question: "surat miskin".into(),
                count: 3,
                last_seen: 1_755_655_200,
                outcome: UnansweredOutcome::Ambiguous,
                offered: vec!["a:sktm".into(), "b:sktm".into()],
            },
        ];
        let text = to_text(&summary, 7 * 86_400, 7);
        assert!(text.contains("last 7d"), "{text}");
        assert!(
            text.contains("    12  2025-08-20 09:00  not_found  syarat paspor"),
            "{text}"
        );
        assert!(text.contains("offered: a:sktm, b:sktm"), "{text}");
        assert!(to_text(&[], 86_400, 7).contains("no unanswered questions in the last 1d"));
        assert!(to_text(&[], 3600 * 5, 7).contains("last 5h"));
    }
}
