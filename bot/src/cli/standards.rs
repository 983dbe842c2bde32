//! `loket standards`: what the parser understood of the decrees, for administrators to
//! check a new or changed decree before it goes live.
//!
//! The table shows document, title, duration and fee per service; `--json` prints one
//! object per service (a stable contract other tools read), with its agency, unit, regency/city
//! and province. PDF and Word decrees are read like text ones ([`loket_knowledge::input`]). Files that fail to parse and
//! parser warnings go to stderr; the exit code is 1 when any file failed.

use anyhow::Context;
use loket_knowledge::document::{ComponentKind, ServiceStandard};
use loket_knowledge::parse::parse_dir;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

pub(crate) fn run(dir: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let report = parse_dir(dir).with_context(|| {
        format!(
            "cannot read the standards directory {} (run from the repository root, or pass --dir / set LOKET_STANDARDS_DIR)",
            dir.display()
        )
    })?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if as_json {
        for service in report.documents.iter().flat_map(|d| &d.services) {
            writeln!(out, "{}", service_json(service))?;
        }
    } else {
        writeln!(out, "{:<24} {:<60} {:<28} BIAYA", "DOKUMEN", "LAYANAN", "JANGKA WAKTU")?;
        for document in &report.documents {
            for service in &document.services {
                let duration = service.duration.as_ref().map_or("-", |d| d.raw.as_str());
                let fee = service.fee.as_ref().map_or("-", |f| f.raw.as_str());
                writeln!(
                    out,
                    "{:<24} {:<60} {:<28} {}",
                    truncate(&document.source, 24),
                    truncate(&service.title, 60),
                    truncate(duration, 28),
                    truncate(fee, 40)
                )?;
            }
        }
        let services: usize = report.documents.iter().map(|d| d.services.len()).sum();
        writeln!(out, "\n{} dokumen, {} layanan", report.documents.len(), services)?;
    }
    for document in &report.documents {
        for warning in &document.warnings {
            eprintln!("warning: {}:{}: {}", document.source, warning.line, warning.message);
        }
    }
    for (path, error) in &report.failures {
        eprintln!("error: {}: {error}", path.display());
    }
    Ok(if report.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The JSON contract of one service (see README, "loket standards --json").
pub(crate) fn service_json(service: &ServiceStandard) -> serde_json::Value {
    let requirements: Vec<&str> = match service.component(ComponentKind::Requirements) {
        Some(c) if !c.items.is_empty() => c.items.iter().map(|i| i.text.as_str()).collect(),
        Some(c) => c.text.lines().collect(),
        None => Vec::new(),
    };
    json!({
        "id": service.id,
        "source": service.source,
        "agency": service.agency,
        "unit": service.unit,
        "regency": service.regency,
        "province": service.province,
        "title": service.title,
        "lines": service.lines.as_pair(),
        "requirements": requirements,
        "duration": service.duration,
        "fee": service.fee,
        "components": service.components.iter().map(|c| json!({
            "kind": c.kind,
            "label": c.label,
            "text": c.text,
            "items": c.items,
            "lines": c.lines.as_pair(),
        })).collect::<Vec<_>>(),
    })
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}
