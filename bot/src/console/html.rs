//! HTML for the console: the escape helper every page goes through, the page layout (one inline
//! stylesheet, no scripts, no external assets, readable on a phone) and date/age formatting in
//! the deployment's time zone.
//!
//! Pages are built with `format!` and [`esc`]: every value that did not come from this file's
//! own literals is escaped, attribute or text alike (the escape covers both).

use std::fmt::Write;

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, FixedOffset};

use crate::storage::Account;

/// Escapes text for HTML text and double- or single-quoted attributes.
pub fn esc(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query value.
pub fn query_value(raw: &str) -> String {
    percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC).to_string()
}

const STYLE: &str = "
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2330;background:#f4f6f9}
header{background:#0f4c81;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header a{color:#fff;text-decoration:none;font-weight:600}
header .who{margin-left:auto;font-size:.9rem;display:flex;gap:.6rem;align-items:center}
header form{margin:0}
header button{background:transparent;border:1px solid #fff;color:#fff;padding:.2rem .6rem;border-radius:4px}
main{max-width:1100px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 1rem}
h2{font-size:1.1rem;margin:1.4rem 0 .6rem}
a{color:#0f4c81}
.card{background:#fff;border:1px solid #d9dee7;border-radius:8px;padding:1rem;margin-bottom:1rem}
.chips{display:flex;flex-wrap:wrap;gap:.4rem;margin-bottom:1rem}
.chip{background:#fff;border:1px solid #c7cfdb;border-radius:999px;padding:.2rem .7rem;font-size:.9rem;text-decoration:none;color:#1d2330}
.chip.on{background:#0f4c81;color:#fff;border-color:#0f4c81}
.chip.late{border-color:#b42318;color:#b42318}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.6rem;align-items:end}
label{display:block;font-size:.85rem;color:#4a5568}
input,select,textarea,button{font:inherit}
input,select,textarea{width:100%;padding:.45rem;border:1px solid #b8c2d1;border-radius:6px;background:#fff}
textarea{min-height:5rem}
button,.button{background:#0f4c81;color:#fff;border:0;border-radius:6px;padding:.5rem .9rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#4a5568}
button.danger{background:#b42318}
table{width:100%;border-collapse:collapse;background:#fff}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e3e7ee;vertical-align:top}
th{font-size:.85rem;color:#4a5568}
.late{color:#b42318;font-weight:600}
.badge{display:inline-block;border-radius:4px;padding:.05rem .4rem;font-size:.8rem;background:#e8eef6}
.badge.late{background:#fde8e7}
.muted{color:#6b7585;font-size:.9rem}
.error{background:#fde8e7;border:1px solid #f3b4ae;color:#7a1b12;padding:.7rem;border-radius:6px;margin-bottom:1rem}
.ok{background:#e6f4ea;border:1px solid #a8d5b5;color:#1e5631;padding:.7rem;border-radius:6px;margin-bottom:1rem}
.timeline{list-style:none;padding:0;margin:0}
.timeline li{border-left:3px solid #0f4c81;padding:.2rem 0 .8rem .8rem}
.timeline li.note{border-left-color:#b7791f}
.actions{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:.8rem}
.pager{display:flex;gap:.6rem;align-items:center;margin-top:1rem}
.progress{background:#e3e7ee;border-radius:6px;height:1rem;overflow:hidden}
.progress span{display:block;height:100%;background:#2f855a}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dt{color:#4a5568}
dd{margin:0;overflow-wrap:anywhere}
.field{border-top:1px solid #e3e7ee;padding-top:.6rem;margin-top:.6rem}
.field h4{margin:0 0 .3rem;font-size:1rem}
.field h5{margin:0 0 .3rem;font-size:.85rem;color:#4a5568}
.versus{display:grid;grid-template-columns:1fr 1fr;gap:.8rem}
.versus .text{white-space:pre-wrap;overflow-wrap:anywhere;background:#f8f9fb;border:1px solid #e3e7ee;border-radius:6px;padding:.5rem;font-size:.95rem}
del{background:#fde8e7;color:#7a1b12}
ins{background:#e6f4ea;color:#1e5631;text-decoration:none}
@media (max-width:700px){
 table.list thead{display:none}
 table.list tr{display:block;border-bottom:1px solid #d9dee7;padding:.4rem 0}
 table.list td{display:flex;gap:.6rem;border:0;padding:.15rem .5rem}
 table.list td::before{content:attr(data-label);min-width:6.5rem;color:#6b7585;font-size:.85rem}
 dl{grid-template-columns:1fr}
 .versus{grid-template-columns:1fr}
 dt{margin-top:.4rem}
}
";

/// A whole page: `<head>`, the top bar (with the account and its links when logged in) and `body`.
pub fn page(title: &str, account: Option<(&Account, &str)>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 4096);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"id\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"referrer\" content=\"no-referrer\">\
         <title>{} · Konsol loket</title><style>{STYLE}</style></head><body><header><a href=\"/console\">Konsol loket</a>",
        esc(title)
    );
    if let Some((account, csrf)) = account {
        let links: &[(&str, &str)] = match account.role {
            crate::storage::AccountRole::Officer => &[("/console/inbox", "Kotak masuk")],
            crate::storage::AccountRole::Supervisor => {
                &[("/console/inbox", "Kotak masuk"), ("/console/supervisor", "Pengawasan")]
            }
            crate::storage::AccountRole::Administrator => &[
                ("/console/admin/announcements", "Pengumuman"),
                ("/console/admin/standards", "Versi standar"),
                ("/console/admin/deliveries", "Pengiriman gagal"),
                ("/console/admin/unanswered", "Pertanyaan tak terjawab"),
                ("/console/admin/accounts", "Akun"),
            ],
        };
        for (href, label) in links {
            let _ = write!(out, "<a href=\"{href}\">{label}</a>");
        }
        let _ = write!(
            out,
            "<span class=\"who\"><span>{} ({})</span><form method=\"post\" action=\"/console/logout\">\
             <input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Keluar</button></form></span>",
            esc(&account.name),
            account.role.label(),
            esc(csrf)
        );
    }
    let _ = write!(out, "</header><main>{body}</main></body></html>");
    out
}

/// An HTML response with `status` and the no-store header (pages hold personal data).
pub fn respond(status: StatusCode, html: String) -> Response {
    let mut response = (status, Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    headers.insert(
        axum::http::HeaderName::from_static("x-frame-options"),
        axum::http::HeaderValue::from_static("DENY"),
    );
    headers.insert(
        axum::http::HeaderName::from_static("content-security-policy"),
        axum::http::HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

/// The hidden form field carrying the CSRF token.
pub fn csrf_field(token: &str) -> String {
    format!("<input type=\"hidden\" name=\"csrf\" value=\"{}\">", esc(token))
}

/// Local date and time, e.g. `20-08-2025 09:00`.
pub fn datetime(unix: i64, utc_offset_hours: i32) -> String {
    local(unix, utc_offset_hours).map_or_else(|| "-".into(), |t| t.format("%d-%m-%Y %H:%M").to_string())
}

/// Local date, e.g. `20-08-2025`.
pub fn date(unix: i64, utc_offset_hours: i32) -> String {
    local(unix, utc_offset_hours).map_or_else(|| "-".into(), |t| t.format("%d-%m-%Y").to_string())
}

fn local(unix: i64, utc_offset_hours: i32) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(utc_offset_hours * 3600)?;
    DateTime::from_timestamp(unix, 0).map(|t| t.with_timezone(&offset))
}

/// A duration as officers say it: `3 hari`, `5 jam`, `12 menit`.
pub fn span(secs: i64) -> String {
    let secs = secs.max(0);
    if secs >= 86_400 {
        format!("{} hari", secs / 86_400)
    } else if secs >= 3600 {
        format!("{} jam", secs / 3600)
    } else {
        format!("{} menit", secs / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(
            esc(r#"<script>alert('x')</script> & "y""#),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(esc("biasa saja"), "biasa saja");
    }

    #[test]
    fn dates_are_local_and_spans_readable() {
        // 2025-08-20 02:00 UTC is 09:00 WIB.
        assert_eq!(datetime(1_755_655_200, 7), "20-08-2025 09:00");
        assert_eq!(date(1_755_655_200, 7), "20-08-2025");
        assert_eq!(span(3 * 86_400 + 5), "3 hari");
        assert_eq!(span(7200), "2 jam");
        assert_eq!(span(-5), "0 menit");
    }

    #[test]
    fn layout_escapes_the_title() {
        let html = page("<b>", None, "isi");
        assert!(html.contains("&lt;b&gt; · Konsol loket"));
        assert!(!html.contains("<script"));
    }
}
