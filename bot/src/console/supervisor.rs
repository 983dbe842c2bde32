//! The supervisor's page: per handler of the agency, open and overdue complaints, the median
//! times to first response and to resolution (complaints filed in the last 90 days) and the
//! citizens' satisfaction where they rated (1-5), then the overdue complaints themselves, most
//! overdue first.

use std::fmt::Write;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::ConsoleState;
use super::error::ConsoleError;
use super::html::{datetime, esc, page, respond, span};
use super::session::CurrentSession;
use crate::storage::{AccountRole, InboxFilter, Page};

/// The period the medians cover.
const FIGURES_PERIOD_SECS: i64 = 90 * 86_400;

pub(crate) async fn show(State(state): State<ConsoleState>, session: CurrentSession) -> Result<Response, ConsoleError> {
    session.require(&[AccountRole::Supervisor])?;
    let store = state.store();
    let now = store.clock().now();
    let offset = state.offset();
    let figures = store.handler_figures(&session.scope, now - FIGURES_PERIOD_SECS).await?;
    let ratings = store.ratings_per_handler().await?;
    let mut body = format!(
        "<h1>Pengawasan</h1><p class=\"muted\">Instansi: {}. Median dihitung dari pengaduan 90 hari terakhir.</p>",
        esc(session.account.agency.as_deref().unwrap_or("-"))
    );
    body.push_str(
        "<table class=\"list\" id=\"figures\"><thead><tr><th>Unit</th><th>Terbuka</th><th>Lewat tenggat</th>\
         <th>Median respons pertama</th><th>Median penyelesaian</th><th>Kepuasan warga</th></tr></thead><tbody>",
    );
    let median = |secs: Option<i64>| secs.map_or_else(|| "-".to_owned(), span);
    for f in &figures {
        let satisfaction = ratings
            .iter()
            .find(|r| r.handler_id == f.handler_id && r.count > 0)
            .map_or_else(
                || "belum dinilai".to_owned(),
                |r| {
                    let mean = format!("{:.1}", r.sum as f64 / r.count as f64).replace('.', ",");
                    format!("{mean} dari 5 ({} penilaian)", r.count)
                },
            );
        let _ = write!(
            body,
            "<tr><td data-label=\"Unit\">{}</td><td data-label=\"Terbuka\">{}</td><td data-label=\"Lewat tenggat\"{}>{}</td>\
             <td data-label=\"Respons pertama\">{}</td><td data-label=\"Penyelesaian\">{}</td>\
             <td data-label=\"Kepuasan\">{}</td></tr>",
            esc(&state.handler_name(&f.handler_id)),
            f.open,
            if f.overdue > 0 { " class=\"late\"" } else { "" },
            f.overdue,
            median(f.median_first_response_secs),
            median(f.median_resolution_secs),
            esc(&satisfaction),
        );
    }
    body.push_str("</tbody></table>");
    let overdue = store
        .inbox(
            &InboxFilter {
                handlers: session.scope.clone(),
                overdue: true,
                ..InboxFilter::default()
            },
            Page {
                number: 1,
                size: Page::MAX_SIZE,
            },
        )
        .await?;
    let _ = write!(body, "<h2>Lewat tenggat ({})</h2>", overdue.total);
    if overdue.complaints.is_empty() {
        body.push_str("<div class=\"card\">Tidak ada pengaduan yang lewat tenggat.</div>");
    } else {
        body.push_str(
            "<table class=\"list\" id=\"overdue\"><thead><tr><th>Tiket</th><th>Unit</th><th>Status</th><th>Tenggat</th></tr></thead><tbody>",
        );
        for c in &overdue.complaints {
            let due = c.due_at.unwrap_or(now);
            let _ = write!(
                body,
                "<tr><td data-label=\"Tiket\"><a href=\"/console/complaints/{t}\">{t}</a></td><td data-label=\"Unit\">{}</td>\
                 <td data-label=\"Status\">{}</td><td data-label=\"Tenggat\" class=\"late\">{} (lewat {})</td></tr>",
                esc(&c
                    .handler_id
                    .as_deref()
                    .map(|h| state.handler_name(h))
                    .unwrap_or_default()),
                esc(c.status.label()),
                datetime(due, offset),
                span(now - due),
                t = esc(c.ticket.as_str()),
            );
        }
        body.push_str("</tbody></table>");
    }
    Ok(respond(
        StatusCode::OK,
        page("Pengawasan", Some((&session.account, &session.csrf)), &body),
    ))
}
