//! The administrator's pages: announcements (list, draft, preview as subscribers read it,
//! approve and send with a progress bar and status counts), dead-letter deliveries with requeue,
//! the unanswered questions with an "add alias" action, and the accounts.
//!
//! They reuse the storage calls of the command line (`loket announcements`, `loket deliveries`,
//! `loket unanswered`): approving writes one broadcast task per subscriber in one transaction
//! (`Store::approve_and_fan_out`), and the broadcast sender of `loket serve` works them at the
//! Telegram rate; the page refreshes itself while tasks are pending. An alias is appended to
//! the deployment's aliases file (`LOKET_ALIASES`) only after its service id is found among the
//! parsed services and the line passes the same check `loket serve` applies to the file.

use std::fmt::Write;
use std::io::Write as _;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ConsoleState;
use super::error::ConsoleError;
use super::html::{csrf_field, datetime, esc, page, query_value, respond};
use super::session::{CurrentSession, Posted};
use crate::storage::{AccountRole, Announcement, AnnouncementStatus, BroadcastProgress};

/// Longest announcement text the draft form accepts, in characters.
pub(super) const MAX_ANNOUNCEMENT_CHARS: usize = 3500;

pub(super) fn admin(session: &CurrentSession) -> Result<(), ConsoleError> {
    session.require(&[AccountRole::Administrator])
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

pub(super) fn audience(a: &Announcement) -> String {
    match (a.agency.as_deref(), a.regency.as_deref()) {
        (None, None) => "Semua pelanggan".to_owned(),
        (Some(agency), None) => format!("Pelanggan {agency}"),
        (None, Some(regency)) => format!("Pelanggan {regency}"),
        (Some(agency), Some(regency)) => format!("Pelanggan {agency} atau {regency}"),
    }
}

/// Regression: a finished announcement (`done`) read "Lainnya" because the label matched a
/// status name that does not exist; matching the enum makes every status say what it is.
pub(super) fn status_label(status: AnnouncementStatus) -> &'static str {
    match status {
        AnnouncementStatus::Draft => "Draf",
        AnnouncementStatus::Approved | AnnouncementStatus::Sending => "Sedang dikirim",
        AnnouncementStatus::Done => "Terkirim",
    }
}

fn progress_bar(p: &BroadcastProgress) -> String {
    let finished = p.total - p.pending;
    let percent = (finished * 100).checked_div(p.total).unwrap_or(100);
    format!(
        "<div class=\"progress\" role=\"progressbar\" aria-valuenow=\"{percent}\" aria-valuemin=\"0\" aria-valuemax=\"100\">\
         <span style=\"width:{percent}%\"></span></div><p id=\"progress\">Terkirim {}/{} · menunggu {} · gagal {} · diblokir {}</p>",
        p.sent, p.total, p.pending, p.failed, p.blocked
    )
}

fn html_page(session: &CurrentSession, title: &str, body: &str) -> Response {
    respond(
        StatusCode::OK,
        page(title, Some((&session.account, &session.csrf)), body),
    )
}

pub(crate) async fn announcements(
    State(state): State<ConsoleState>,
    session: CurrentSession,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let store = state.store();
    let list = store.list_announcements(50).await?;
    let mut body = String::from("<h1>Pengumuman</h1>");
    let _ = write!(
        body,
        "<form class=\"card\" method=\"post\" action=\"/console/admin/announcements\" id=\"new-announcement\">{}\
         <h2 style=\"margin-top:0\">Draf baru</h2><p><label for=\"a-agency\">Hanya pelanggan instansi (kosongkan untuk semua)</label>\
         <input id=\"a-agency\" name=\"agency\"></p><p><label for=\"a-regency\">Hanya pelanggan kabupaten/kota \
         (mis. Kabupaten Pasuruan; kosongkan untuk semua)</label><input id=\"a-regency\" name=\"regency\"></p>\
         <p><label for=\"a-text\">Teks, sebagaimana dibaca warga</label>\
         <textarea id=\"a-text\" name=\"text\" required maxlength=\"3500\"></textarea></p>\
         <button type=\"submit\">Simpan draf</button></form>",
        csrf_field(&session.csrf)
    );
    if list.is_empty() {
        body.push_str("<div class=\"card\">Belum ada pengumuman.</div>");
    } else {
        body.push_str(
            "<table class=\"list\" id=\"announcements\"><thead><tr><th>No.</th><th>Status</th><th>Penerima</th><th>Teks</th>\
             <th>Kemajuan</th></tr></thead><tbody>",
        );
        for a in &list {
            let p = store.broadcast_progress(a.id).await?;
            let _ = write!(
                body,
                "<tr><td data-label=\"No.\"><a href=\"/console/admin/announcements/{id}\">#{id}</a></td>\
                 <td data-label=\"Status\">{}</td><td data-label=\"Penerima\">{}</td><td data-label=\"Teks\">{}</td>\
                 <td data-label=\"Kemajuan\">{}/{}</td></tr>",
                status_label(a.status),
                esc(&audience(a)),
                esc(a.text.lines().next().unwrap_or_default()),
                p.total - p.pending,
                p.total,
                id = a.id,
            );
        }
        body.push_str("</tbody></table>");
    }
    Ok(html_page(&session, "Pengumuman", &body))
}

#[derive(serde::Deserialize)]
pub(crate) struct NewAnnouncementForm {
    agency: Option<String>,
    regency: Option<String>,
    text: String,
}

pub(crate) async fn new_announcement(
    State(state): State<ConsoleState>,
    posted: Posted<NewAnnouncementForm>,
) -> Result<Response, ConsoleError> {
    let Posted { session, form } = posted;
    admin(&session)?;
    let text = form.text.trim();
    if text.is_empty() || text.chars().count() > MAX_ANNOUNCEMENT_CHARS {
        return Err(ConsoleError::Invalid(
            "Teks pengumuman wajib diisi, paling banyak 3500 karakter.".into(),
        ));
    }
    let agency = form.agency.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let regency = form.regency.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let a = state.store().create_announcement_to(agency, regency, text).await?;
    tracing::info!(announcement = a.id, account = %session.account.username, "announcement drafted in the console");
    Ok(redirect(&format!("/console/admin/announcements/{}", a.id)))
}

pub(crate) async fn announcement(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Path(id): Path<i64>,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let store = state.store();
    let a = store.announcement(id).await?.ok_or(ConsoleError::NotFound)?;
    let p = store.broadcast_progress(id).await?;
    let mut body = format!(
        "<p><a href=\"/console/admin/announcements\">&larr; Pengumuman</a></p><h1>Pengumuman #{}</h1>\
         <p><span class=\"badge\" id=\"announcement-status\">{}</span> {} · dibuat {}</p>",
        a.id,
        status_label(a.status),
        esc(&audience(&a)),
        datetime(a.created_at, state.offset())
    );
    body.push_str(
        "<h2>Pratinjau (seperti dibaca pelanggan)</h2><div class=\"card\" id=\"preview\" style=\"max-width:480px\">",
    );
    let _ = write!(
        body,
        "<p style=\"white-space:pre-wrap;margin-top:0\">{}</p>",
        esc(&a.text)
    );
    for s in a
        .services
        .iter()
        .filter(|s| !format!("{:?}", s.status).eq_ignore_ascii_case("removed"))
    {
        let _ = write!(
            body,
            "<p><span class=\"button\">Lihat layanan: {}</span></p>",
            esc(&s.title)
        );
    }
    body.push_str("</div><h2>Pengiriman</h2>");
    body.push_str(&progress_bar(&p));
    if a.status == AnnouncementStatus::Draft {
        let _ = write!(
            body,
            "<form method=\"post\" action=\"/console/admin/announcements/{id}/send\" id=\"send\">{}\
             <button type=\"submit\">Setujui dan kirim</button></form>",
            csrf_field(&session.csrf),
            id = a.id
        );
    }
    let mut response = html_page(&session, &format!("Pengumuman #{id}"), &body);
    if p.pending > 0 {
        // No script: the page asks to be reloaded while the sender works.
        response
            .headers_mut()
            .insert(header::REFRESH, HeaderValue::from_static("3"));
    }
    Ok(response)
}

#[derive(serde::Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn send_announcement(
    State(state): State<ConsoleState>,
    Path(id): Path<i64>,
    posted: Posted<Empty>,
) -> Result<Response, ConsoleError> {
    let session = posted.session;
    admin(&session)?;
    state.store().announcement(id).await?.ok_or(ConsoleError::NotFound)?;
    let fan = state.store().approve_and_fan_out(id).await?;
    tracing::info!(
        announcement = id,
        tasks = fan.tasks,
        account = %session.account.username,
        "announcement approved in the console"
    );
    Ok(redirect(&format!("/console/admin/announcements/{id}")))
}

pub(crate) async fn deliveries(
    State(state): State<ConsoleState>,
    session: CurrentSession,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let dead = state.store().list_dead(100).await?;
    let mut body = String::from(
        "<h1>Pengiriman gagal</h1><p class=\"muted\">Penerusan ke unit dan pemberitahuan ke warga yang gagal berulang kali.</p>",
    );
    if dead.is_empty() {
        body.push_str("<div class=\"card\">Tidak ada pengiriman yang gagal.</div>");
    } else {
        body.push_str(
            "<table class=\"list\" id=\"dead\"><thead><tr><th>Jenis</th><th>Unit</th><th>Percobaan</th><th>Kesalahan terakhir</th>\
             <th>Diperbarui</th><th></th></tr></thead><tbody>",
        );
        for d in &dead {
            let _ = write!(
                body,
                "<tr><td data-label=\"Jenis\">{}</td><td data-label=\"Unit\">{}</td><td data-label=\"Percobaan\">{}</td>\
                 <td data-label=\"Kesalahan\">{}</td><td data-label=\"Diperbarui\">{}</td><td>\
                 <form method=\"post\" action=\"/console/admin/deliveries/{}/requeue\">{}<button type=\"submit\">Antrekan ulang</button></form></td></tr>",
                d.kind.as_str(),
                esc(d.handler_id.as_deref().unwrap_or("-")),
                d.attempts,
                esc(d.last_error.as_deref().unwrap_or("-")),
                datetime(d.updated_at, state.offset()),
                query_value(&d.id),
                csrf_field(&session.csrf),
            );
        }
        body.push_str("</tbody></table>");
    }
    Ok(html_page(&session, "Pengiriman gagal", &body))
}

pub(crate) async fn requeue(
    State(state): State<ConsoleState>,
    Path(id): Path<String>,
    posted: Posted<Empty>,
) -> Result<Response, ConsoleError> {
    admin(&posted.session)?;
    if !state.store().requeue(&id).await? {
        return Err(ConsoleError::NotFound);
    }
    tracing::info!(delivery = %id, account = %posted.session.account.username, "delivery requeued in the console");
    Ok(redirect("/console/admin/deliveries"))
}

pub(crate) async fn unanswered(
    State(state): State<ConsoleState>,
    session: CurrentSession,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let questions = state.store().unanswered_summary(7 * 86_400, 100).await?;
    let services = state.services();
    let mut body = String::from(
        "<h1>Pertanyaan tak terjawab</h1><p class=\"muted\">Pertanyaan warga 7 hari terakhir yang ditolak atau dijawab dengan pilihan. \
         Tambahkan alias agar layanan yang dimaksud langsung ditemukan.</p>",
    );
    if state.aliases().is_none() {
        body.push_str(
            "<div class=\"error\">Berkas alias belum diatur (LOKET_ALIASES): alias belum dapat ditambahkan.</div>",
        );
    }
    if questions.is_empty() {
        body.push_str("<div class=\"card\">Belum ada pertanyaan tak terjawab.</div>");
    }
    for (i, q) in questions.iter().enumerate() {
        let mut options = String::new();
        for id in &q.offered {
            let name = services.get(id).map_or(id.as_str(), |s| s.service_name.as_str());
            let _ = write!(options, "<option value=\"{}\">{}</option>", esc(id), esc(name));
        }
        let _ = write!(
            body,
            "<form class=\"card\" method=\"post\" action=\"/console/admin/unanswered/alias\" id=\"alias-{i}\">{csrf}\
             <p><strong>{question}</strong> <span class=\"muted\">{count}x · {outcome}</span></p>\
             <input type=\"hidden\" name=\"phrase\" value=\"{question}\">\
             <label for=\"service-{i}\">Layanan yang dimaksud (id layanan)</label>\
             <input id=\"service-{i}\" name=\"service\" list=\"offered-{i}\" required placeholder=\"id dari loket standards --json\">\
             <datalist id=\"offered-{i}\">{options}</datalist> <button type=\"submit\">Tambah alias</button></form>",
            csrf = csrf_field(&session.csrf),
            question = esc(&q.question),
            count = q.count,
            outcome = if q.outcome.as_str() == "not_found" {
                "tidak ditemukan"
            } else {
                "ditawarkan pilihan"
            },
        );
    }
    Ok(html_page(&session, "Pertanyaan tak terjawab", &body))
}

#[derive(serde::Deserialize)]
pub(crate) struct AliasForm {
    phrase: String,
    service: String,
}

/// The line to append, once the phrase and the service id are known to be usable.
pub(crate) fn alias_line(phrase: &str, service: &str, known: impl Fn(&str) -> bool) -> Result<String, ConsoleError> {
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    let service = service.trim();
    if phrase.is_empty() || phrase.chars().count() > 200 {
        return Err(ConsoleError::Invalid(
            "Frasa alias wajib diisi, paling banyak 200 karakter.".into(),
        ));
    }
    if !known(service) {
        return Err(ConsoleError::Invalid(format!(
            "Id layanan '{service}' tidak dikenal. Pilih dari daftar atau lihat loket standards --json."
        )));
    }
    let line = format!("{phrase}\t{service}\n");
    crate::learning::aliases::parse(&line, std::path::Path::new("alias"))
        .map_err(|e| ConsoleError::Invalid(format!("Alias tidak dapat dipakai: {}", e.problem)))?;
    Ok(line)
}

pub(crate) async fn add_alias(
    State(state): State<ConsoleState>,
    posted: Posted<AliasForm>,
) -> Result<Response, ConsoleError> {
    let Posted { session, form } = posted;
    admin(&session)?;
    let path = state.aliases().map(std::path::Path::to_path_buf).ok_or_else(|| {
        ConsoleError::Invalid(
            "Berkas alias belum diatur: setel LOKET_ALIASES pada loket serve, lalu mulai ulang.".into(),
        )
    })?;
    let services = state.services();
    let line = alias_line(&form.phrase, &form.service, |id| services.get(id).is_some())?;
    tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
        use anyhow::Context;
        let existing = std::fs::read(&path).unwrap_or_default();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .with_context(|| format!("cannot open the aliases file {}", path.display()))?;
        if existing.last().is_some_and(|b| *b != b'\n') {
            file.write_all(b"\n")?;
        }
        file.write_all(line.as_bytes())
            .with_context(|| format!("cannot append to the aliases file {}", path.display()))?;
        Ok(())
    })
    .await
    .map_err(|e| anyhow::anyhow!("alias append panicked: {e}"))??;
    tracing::info!(service = %form.service.trim(), account = %session.account.username, "alias added in the console");
    Ok(redirect("/console/admin/unanswered"))
}

pub(crate) async fn accounts(
    State(state): State<ConsoleState>,
    session: CurrentSession,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let accounts = state.store().list_accounts().await?;
    let mut body = String::from(
        "<h1>Akun</h1><p class=\"muted\">Akun dibuat, dinonaktifkan dan diatur ulang dengan perintah <code>loket accounts</code> \
         di server.</p><table class=\"list\" id=\"accounts\"><thead><tr><th>Nama pengguna</th><th>Nama</th><th>Peran</th>\
         <th>Cakupan</th><th>Keadaan</th></tr></thead><tbody>",
    );
    for a in &accounts {
        let scope = match a.role {
            AccountRole::Officer => a
                .handlers
                .iter()
                .map(|h| state.handler_name(h))
                .collect::<Vec<_>>()
                .join(", "),
            AccountRole::Supervisor => a.agency.clone().unwrap_or_default(),
            AccountRole::Administrator => "-".into(),
        };
        let condition = match (a.disabled_at, a.has_password) {
            (Some(_), _) => "Nonaktif",
            (None, true) => "Aktif",
            (None, false) => "Menunggu kata sandi",
        };
        let _ = write!(
            body,
            "<tr><td data-label=\"Pengguna\">{}</td><td data-label=\"Nama\">{}</td><td data-label=\"Peran\">{}</td>\
             <td data-label=\"Cakupan\">{}</td><td data-label=\"Keadaan\">{condition}</td></tr>",
            esc(&a.username),
            esc(&a.name),
            a.role.label(),
            esc(&scope),
        );
    }
    body.push_str("</tbody></table><h2>Unit penangan</h2><ul>");
    for h in state.routing().handlers() {
        let _ = write!(
            body,
            "<li>{} <span class=\"muted\">({})</span></li>",
            esc(&h.name),
            esc(&h.id)
        );
    }
    body.push_str("</ul>");
    Ok(html_page(&session, "Akun", &body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_lines_are_checked_before_they_are_written() {
        let known = |id: &str| id == "003_x:surat-keterangan-ahli-waris";
        assert_eq!(
            alias_line("  surat   warisan nenek ", "003_x:surat-keterangan-ahli-waris", known).unwrap(),
            "surat warisan nenek\t003_x:surat-keterangan-ahli-waris\n"
        );
        assert!(alias_line("surat warisan", "tidak-ada", known).is_err());
        assert!(alias_line("   ", "003_x:surat-keterangan-ahli-waris", known).is_err());
        assert!(
            alias_line("yang di", "003_x:surat-keterangan-ahli-waris", known).is_err(),
            "no word the engine reads"
        );
    }
}
