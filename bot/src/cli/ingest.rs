//! `loket ingest [--dir PATH] [--dry-run]`: stores the decrees as versioned service standards and
//! reports what changed since the last ingest.
//!
//! It prints the new, changed and removed services, each changed one with its component change
//! lines in Indonesian ("Biaya: Gratis → Rp 10.000"), and the announcements created (drafts
//! unless `[announcements] auto_send` is on). Unchanged files store and announce nothing;
//! `--dry-run` prints the same report and stores nothing. Parse failures go to stderr and make
//! the exit code 1 (the files that parsed are still ingested, so a broken file reads as removed
//! services: check the report). The first ingest into an empty database is a baseline: stored,
//! not announced. `loket serve` reindexes through `reindex::record`, the same path.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use loket_knowledge::parse::parse_dir;

use crate::configuration::Settings;
use crate::storage::IngestOutcome;
use crate::telegram::BroadcastSettings;

/// The `[announcements]` section, or its defaults when absent.
pub(crate) fn broadcast_settings() -> anyhow::Result<BroadcastSettings> {
    Ok(Settings::load()?.announcements)
}

pub(crate) fn run(dir: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let report = parse_dir(dir).with_context(|| {
        format!(
            "cannot read the standards directory {} (run from the repository root, or pass --dir / set LOKET_STANDARDS_DIR)",
            dir.display()
        )
    })?;
    for (path, error) in &report.failures {
        eprintln!("error: {}: {error}", path.display());
    }
    let parsed = started.elapsed();
    let broadcast = broadcast_settings()?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let outcome = runtime.block_on(async {
        let store = Settings::load()?.store().await?;
        let outcome = if dry_run {
            store.preview_ingest(&report.documents).await
        } else {
            crate::reindex::record(&store, &report.documents, dir, &broadcast).await
        };
        store.close().await;
        outcome.context("ingest failed")
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    print_report(&mut out, &outcome, dry_run)?;
    writeln!(
        out,
        "\n{} documents parsed in {} ms, ingest + diff in {} ms",
        report.documents.len(),
        parsed.as_millis(),
        (started.elapsed() - parsed).as_millis()
    )?;
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

pub(crate) fn print_report(out: &mut impl Write, outcome: &IngestOutcome, dry_run: bool) -> std::io::Result<()> {
    let diff = &outcome.diff;
    writeln!(
        out,
        "{}new: {}, changed: {}, removed: {}, unchanged: {}",
        if dry_run { "dry run (nothing stored) — " } else { "" },
        outcome.new,
        outcome.changed,
        outcome.removed,
        outcome.unchanged
    )?;
    for s in &diff.added {
        writeln!(out, "+ {}  {}", s.id, s.title)?;
        for line in &s.lines {
            writeln!(out, "    {line}")?;
        }
    }
    for s in &diff.changed {
        writeln!(out, "~ {}  {}", s.id, s.title)?;
        for line in s.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    for s in &diff.removed {
        writeln!(out, "- {}  {}", s.id, s.title)?;
    }
    if outcome.baseline {
        writeln!(
            out,
            "first ingest into an empty database: {}baseline of {} services, nothing announced",
            if dry_run { "would record a " } else { "recorded a " },
            outcome.new
        )?;
    } else if !outcome.announcements.is_empty() {
        let ids: Vec<String> = outcome.announcements.iter().map(|id| format!("#{id}")).collect();
        writeln!(
            out,
            "announcements created: {} (preview: `loket announcements show ID`, send: `loket announcements send ID`)",
            ids.join(", ")
        )?;
    } else if !dry_run && outcome.is_unchanged() {
        writeln!(out, "nothing changed: nothing stored, nothing announced")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_knowledge::diff::{ServiceChange, ServiceSummary, StandardsDiff};
    use loket_knowledge::document::ServiceId;

    #[test]
    fn the_report_lists_services_and_change_lines() {
        let outcome = IngestOutcome {
            ingest_id: Some(2),
            new: 1,
            changed: 1,
            removed: 1,
            unchanged: 5,
            diff: StandardsDiff {
                added: vec![ServiceSummary {
                    id: ServiceId("a:baru".into()),
                    title: "Layanan Baru".into(),
                    agency: "X".into(),
                    lines: vec!["Biaya: Gratis".into()],
                }],
                removed: vec![ServiceSummary {
                    id: ServiceId("a:lama".into()),
                    title: "Layanan Lama".into(),
                    agency: "X".into(),
                    lines: vec![],
                }],
                changed: vec![ServiceChange {
                    id: ServiceId("a:waris".into()),
                    title: "Surat Waris".into(),
                    agency: "X".into(),
                    notes: vec![],
                    components: vec![loket_knowledge::diff::ComponentChange {
                        kind: loket_knowledge::document::ComponentKind::Fee,
                        change: loket_knowledge::diff::ChangeKind::Modified,
                        lines: vec!["Biaya: Gratis → Rp 10.000".into()],
                    }],
                }],
            },
            baseline: false,
            announcements: vec![4],
        };
        let mut out = Vec::new();
        print_report(&mut out, &outcome, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("new: 1, changed: 1, removed: 1, unchanged: 5\n"),
            "{text}"
        );
        assert!(text.contains("+ a:baru  Layanan Baru\n    Biaya: Gratis\n"), "{text}");
        assert!(
            text.contains("~ a:waris  Surat Waris\n    Biaya: Gratis → Rp 10.000\n"),
            "{text}"
        );
        assert!(text.contains("- a:lama  Layanan Lama\n"), "{text}");
        assert!(text.contains("#4"), "{text}");
    }

    #[test]
    fn a_baseline_says_nothing_was_announced() {
        let outcome = IngestOutcome {
            ingest_id: Some(1),
            new: 97,
            baseline: true,
            ..IngestOutcome::default()
        };
        let mut out = Vec::new();
        print_report(&mut out, &outcome, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("baseline of 97 services, nothing announced"), "{text}");
    }
}
