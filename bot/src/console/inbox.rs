//! The inbox: the complaints of the account's handlers with status, service, age and SLA
//! deadline (overdue first), counts per status, filters (status, service, overdue, dates),
//! search by ticket or words, pagination, and the same list as CSV.

use std::fmt::Write;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{FixedOffset, NaiveDate, TimeZone};

use super::ConsoleState;
use super::error::ConsoleError;
use super::html::{date, datetime, esc, page, query_value, respond, span};
use super::session::CurrentSession;
use crate::domain::ComplaintStatus;
use crate::storage::{AccountRole, Complaint, InboxFilter, Page};

const PAGE_SIZE: u32 = 25;
/// Most rows one CSV export holds.
const CSV_MAX_ROWS: u32 = 10_000;

/// The inbox's query string (Indonesian names: officers see them in the address bar).
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub(crate) struct InboxQuery {
    status: Option<String>,
    layanan: Option<String>,
    terlambat: Option<String>,
    dari: Option<String>,
    sampai: Option<String>,
    q: Option<String>,
    halaman: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Start of a local day in unix seconds.
fn day_start(raw: &str, utc_offset_hours: i32, what: &str) -> Result<i64, ConsoleError> {
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| ConsoleError::Invalid(format!("Tanggal {what} tidak valid: tulis sebagai TTTT-BB-HH.")))?;
    let offset = FixedOffset::east_opt(utc_offset_hours * 3600).ok_or_else(|| anyhow::anyhow!("bad utc offset"))?;
    offset
        .from_local_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.timestamp())
        .ok_or_else(|| ConsoleError::Invalid(format!("Tanggal {what} tidak valid.")))
}

impl InboxQuery {
    fn filter(&self, session: &CurrentSession, offset: i32) -> Result<InboxFilter, ConsoleError> {
        let status = non_empty(&self.status)
            .map(ComplaintStatus::parse)
            .transpose()
            .map_err(|e| ConsoleError::Invalid(e.to_string()))?;
        Ok(InboxFilter {
            handlers: session.scope.clone(),
            status,
            service_id: non_empty(&self.layanan).map(str::to_owned),
            overdue: non_empty(&self.terlambat).is_some(),
            created_from: non_empty(&self.dari)
                .map(|d| day_start(d, offset, "awal"))
                .transpose()?,
            created_before: non_empty(&self.sampai)
                .map(|d| day_start(d, offset, "akhir").map(|t| t + 86_400))
                .transpose()?,
            search: non_empty(&self.q).map(str::to_owned),
        })
    }

    fn page_number(&self) -> u32 {
        non_empty(&self.halaman)
            .and_then(|p| p.parse().ok())
            .unwrap_or(1)
            .clamp(1, 100_000)
    }

    /// The query string without the page (for links that keep the filters).
    fn without_page(&self) -> String {
        let pairs = [
            ("status", &self.status),
            ("layanan", &self.layanan),
            ("terlambat", &self.terlambat),
            ("dari", &self.dari),
            ("sampai", &self.sampai),
            ("q", &self.q),
        ];
        pairs
            .iter()
            .filter_map(|(k, v)| non_empty(v).map(|v| format!("{k}={}", query_value(v))))
            .collect::<Vec<_>>()
            .join("&")
    }
}

fn inbox_roles(session: &CurrentSession) -> Result<(), ConsoleError> {
    session.require(&[AccountRole::Officer, AccountRole::Supervisor])
}

/// The deadline cell: the date and whether it has passed.
fn deadline(c: &Complaint, now: i64, offset: i32) -> (String, bool) {
    match c.due_at {
        Some(due) if due < now => (format!("{} (lewat {})", datetime(due, offset), span(now - due)), true),
        Some(due) => (format!("{} (sisa {})", datetime(due, offset), span(due - now)), false),
        None => ("-".into(), false),
    }
}

fn service_of(state: &ConsoleState, c: &Complaint) -> String {
    c.service_id
        .as_deref()
        .map_or_else(|| format!("({})", c.category), |id| state.service_name(id))
}

pub(crate) async fn list(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Query(query): Query<InboxQuery>,
) -> Result<Response, ConsoleError> {
    inbox_roles(&session)?;
    let offset = state.offset();
    let filter = query.filter(&session, offset)?;
    let number = query.page_number();
    let store = state.store();
    let found = store
        .inbox(
            &filter,
            Page {
                number,
                size: PAGE_SIZE,
            },
        )
        .await?;
    let counts = store.inbox_counts(&session.scope).await?;
    let now = store.clock().now();

    let mut body = String::new();
    let handlers: Vec<String> = session.scope.iter().map(|h| state.handler_name(h)).collect();
    let _ = write!(
        body,
        "<h1>Kotak masuk</h1><p class=\"muted\">Unit: {}</p>",
        if handlers.is_empty() {
            "tidak ada (hubungi administrator)".to_owned()
        } else {
            esc(&handlers.join(", "))
        }
    );
    body.push_str("<nav class=\"chips\" aria-label=\"Jumlah per status\">");
    let all_on = filter.status.is_none() && !filter.overdue;
    let _ = write!(
        body,
        "<a class=\"chip{}\" href=\"/console/inbox\">Semua ({})</a>",
        if all_on { " on" } else { "" },
        counts.total
    );
    let _ = write!(
        body,
        "<a class=\"chip late{}\" href=\"/console/inbox?terlambat=1\">Lewat tenggat ({})</a>",
        if filter.overdue { " on" } else { "" },
        counts.overdue
    );
    for (status, n) in &counts.per_status {
        if *n == 0 {
            continue;
        }
        let _ = write!(
            body,
            "<a class=\"chip{}\" href=\"/console/inbox?status={}\">{} ({n})</a>",
            if filter.status == Some(*status) { " on" } else { "" },
            status.as_str(),
            esc(status.label())
        );
    }
    body.push_str("</nav>");

    // Filters.
    let selected = |on: bool| if on { " selected" } else { "" };
    let mut status_options = format!(
        "<option value=\"\"{}>Semua status</option>",
        selected(filter.status.is_none())
    );
    for status in ComplaintStatus::ALL {
        let _ = write!(
            status_options,
            "<option value=\"{}\"{}>{}</option>",
            status.as_str(),
            selected(filter.status == Some(status)),
            esc(status.label())
        );
    }
    let services = state.services();
    let mut service_options = format!(
        "<option value=\"\"{}>Semua layanan</option>",
        selected(filter.service_id.is_none())
    );
    for s in services.services() {
        let _ = write!(
            service_options,
            "<option value=\"{}\"{}>{}</option>",
            esc(&s.service_code),
            selected(filter.service_id.as_deref() == Some(s.service_code.as_str())),
            esc(&s.service_name)
        );
    }
    let _ = write!(
        body,
        "<form class=\"card filters\" method=\"get\" action=\"/console/inbox\">\
         <div><label for=\"f-status\">Status</label><select id=\"f-status\" name=\"status\">{status_options}</select></div>\
         <div><label for=\"f-layanan\">Layanan</label><select id=\"f-layanan\" name=\"layanan\">{service_options}</select></div>\
         <div><label for=\"f-dari\">Dari tanggal</label><input id=\"f-dari\" type=\"date\" name=\"dari\" value=\"{dari}\"></div>\
         <div><label for=\"f-sampai\">Sampai tanggal</label><input id=\"f-sampai\" type=\"date\" name=\"sampai\" value=\"{sampai}\"></div>\
         <div><label for=\"f-q\">Cari tiket atau kata</label><input id=\"f-q\" name=\"q\" value=\"{q}\" placeholder=\"LKT-... atau kata\"></div>\
         <div><label><input type=\"checkbox\" name=\"terlambat\" value=\"1\" style=\"width:auto\"{late}> Hanya lewat tenggat</label></div>\
         <div><button type=\"submit\" id=\"apply-filters\">Terapkan</button> <a href=\"/console/inbox\">Reset</a></div></form>",
        dari = esc(non_empty(&query.dari).unwrap_or("")),
        sampai = esc(non_empty(&query.sampai).unwrap_or("")),
        q = esc(non_empty(&query.q).unwrap_or("")),
        late = if filter.overdue { " checked" } else { "" },
    );

    let keep = query.without_page();
    let _ = write!(
        body,
        "<p class=\"muted\">{} pengaduan cocok. <a href=\"/console/inbox.csv?{}\">Unduh CSV</a></p>",
        found.total,
        esc(&keep)
    );
    if found.complaints.is_empty() {
        body.push_str("<div class=\"card\">Tidak ada pengaduan yang cocok.</div>");
    } else {
        body.push_str(
            "<table class=\"list\" id=\"inbox\"><thead><tr><th>Tiket</th><th>Judul</th><th>Layanan</th><th>Status</th>\
             <th>Umur</th><th>Tenggat</th></tr></thead><tbody>",
        );
        for c in &found.complaints {
            let (due, late) = deadline(c, now, offset);
            let _ = write!(
                body,
                "<tr{row}><td data-label=\"Tiket\"><a href=\"/console/complaints/{ticket}\">{ticket}</a></td>\
                 <td data-label=\"Judul\">{title}</td><td data-label=\"Layanan\">{service}</td>\
                 <td data-label=\"Status\"><span class=\"badge status\">{status}</span></td>\
                 <td data-label=\"Umur\">{age}</td><td data-label=\"Tenggat\"{late_class}>{due}</td></tr>",
                row = if late { " class=\"overdue\"" } else { "" },
                ticket = esc(c.ticket.as_str()),
                title = esc(&c.title),
                service = esc(&service_of(&state, c)),
                status = esc(c.status.label()),
                age = span(now - c.created_at),
                late_class = if late { " class=\"late\"" } else { "" },
                due = esc(&due),
            );
        }
        body.push_str("</tbody></table>");
    }
    let pages = found.total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    if pages > 1 {
        let link = |n: u32| {
            let sep = if keep.is_empty() { "" } else { "&" };
            format!("/console/inbox?{}{sep}halaman={n}", esc(&keep))
        };
        body.push_str("<nav class=\"pager\">");
        if number > 1 {
            let _ = write!(body, "<a href=\"{}\">&larr; Sebelumnya</a>", link(number - 1));
        }
        let _ = write!(body, "<span>Halaman {number} dari {pages}</span>");
        if u64::from(number) < pages {
            let _ = write!(body, "<a href=\"{}\">Berikutnya &rarr;</a>", link(number + 1));
        }
        body.push_str("</nav>");
    }
    Ok(respond(
        StatusCode::OK,
        page("Kotak masuk", Some((&session.account, &session.csrf)), &body),
    ))
}

/// One CSV field: quoted, quotes doubled, and a leading `= + - @` defused so a spreadsheet
/// never runs it as a formula.
fn csv_field(raw: &str) -> String {
    let defused = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    format!("\"{}\"", defused.replace('"', "\"\""))
}

pub(crate) async fn csv(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Query(query): Query<InboxQuery>,
) -> Result<Response, ConsoleError> {
    inbox_roles(&session)?;
    let offset = state.offset();
    let filter = query.filter(&session, offset)?;
    let now = state.store().clock().now();
    let mut out = String::from("tiket,dibuat,status,layanan,judul,unit,tenggat,lewat_tenggat\r\n");
    let mut number = 1;
    while (number - 1) * Page::MAX_SIZE < CSV_MAX_ROWS {
        let found = state
            .store()
            .inbox(
                &filter,
                Page {
                    number,
                    size: Page::MAX_SIZE,
                },
            )
            .await?;
        for c in &found.complaints {
            let late = c.due_at.is_some_and(|d| d < now);
            let fields = [
                c.ticket.to_string(),
                datetime(c.created_at, offset),
                c.status.as_str().to_owned(),
                service_of(&state, c),
                c.title.clone(),
                c.handler_id.clone().unwrap_or_default(),
                c.due_at.map(|d| datetime(d, offset)).unwrap_or_default(),
                if late { "ya" } else { "tidak" }.to_owned(),
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        if found.complaints.len() < Page::MAX_SIZE as usize {
            break;
        }
        number += 1;
    }
    let name = format!("attachment; filename=\"pengaduan-{}.csv\"", date(now, offset));
    let mut response = (StatusCode::OK, out).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("biasa"), "\"biasa\"");
        assert_eq!(csv_field("kata \"kutip\""), "\"kata \"\"kutip\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "\"'=HYPERLINK(1)\"");
    }

    #[test]
    fn dates_are_local_days() {
        // 20-08-2025 00:00 WIB.
        assert_eq!(day_start("2025-08-20", 7, "awal").unwrap(), 1_755_622_800);
        assert!(day_start("20/08/2025", 7, "awal").is_err());
    }
}
