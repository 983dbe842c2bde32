//! One complaint as its officer sees it: details, the citizen's identity unless anonymous, the
//! timeline of events with the internal notes, and the actions.
//!
//! Actions are the transitions the domain allows a handler from the current status (the same
//! `ComplaintStatus::transition_by` table and `Store::change_status` call as the handler API,
//! scoped with `only_for_handler`); a rejection, a resolution, an on-hold and a *bukan wewenang*
//! need a note. A reply reaches the citizen as a notification (`Store::add_reply`); an internal
//! note is stored apart and never leaves the console. A change or reply is recorded with the
//! account as its actor (`account:<id>`), so the timeline names who verified or resolved; the
//! role in the status machine is the handler's. A complaint outside the account's handlers is
//! "not found", like an unknown ticket.

use std::fmt::Write;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ConsoleState;
use super::error::ConsoleError;
use super::html::{csrf_field, datetime, esc, page, respond, span};
use super::session::{CurrentSession, Posted};
use crate::domain::{Actor, ActorRole, Citizen, ComplaintStatus, StatusNote, TicketNumber};
use crate::storage::{Account, AccountRole, Complaint, EventKind, StatusChange};

/// The complaint if it exists and is routed to one of the account's handlers.
pub(crate) async fn owned(
    state: &ConsoleState,
    session: &CurrentSession,
    raw: &str,
) -> Result<Complaint, ConsoleError> {
    session.require(&[AccountRole::Officer, AccountRole::Supervisor])?;
    let ticket = TicketNumber::parse(raw).map_err(|_| ConsoleError::NotFound)?;
    let complaint = state
        .store()
        .get_by_ticket(&ticket)
        .await?
        .ok_or(ConsoleError::NotFound)?;
    if !session.handles(complaint.handler_id.as_deref()) {
        return Err(ConsoleError::NotFound);
    }
    Ok(complaint)
}

/// The button text for moving a complaint to `status`.
fn action_label(status: ComplaintStatus) -> &'static str {
    match status {
        ComplaintStatus::Diverifikasi => "Verifikasi",
        ComplaintStatus::Ditolak => "Tolak",
        ComplaintStatus::Diteruskan => "Teruskan ke instansi",
        ComplaintStatus::Ditindaklanjuti => "Tindak lanjuti",
        ComplaintStatus::Selesai => "Selesaikan",
        ComplaintStatus::Ditunda => "Tunda",
        ComplaintStatus::BukanWewenang => "Bukan wewenang",
        ComplaintStatus::Diterima | ComplaintStatus::Ditutup => "Ubah status",
    }
}

/// What the note of a status change must say, when required.
fn note_hint(status: ComplaintStatus) -> &'static str {
    match status {
        ComplaintStatus::Ditolak => "Alasan penolakan (wajib, dikirim ke pelapor)",
        ComplaintStatus::Selesai => "Catatan penyelesaian (wajib, dikirim ke pelapor)",
        ComplaintStatus::Ditunda => "Alasan penundaan (wajib)",
        ComplaintStatus::BukanWewenang => "Instansi yang berwenang dan cara menghubunginya (wajib)",
        _ => "Catatan (opsional)",
    }
}

fn citizen_line(c: &Complaint) -> String {
    if c.anonymous {
        return "Anonim (identitas pelapor dirahasiakan)".into();
    }
    #[allow(unreachable_patterns)]
    match &c.citizen {
        Citizen::Telegram { chat_id } => format!("Telegram, chat {chat_id}"),
        Citizen::Open311(contact) => {
            let name = [contact.first_name.as_deref(), contact.last_name.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let parts: Vec<String> = [
                (!name.is_empty()).then_some(name),
                contact.email.clone(),
                contact.phone.clone(),
            ]
            .into_iter()
            .flatten()
            .collect();
            if parts.is_empty() {
                "Open311 (tanpa kontak)".into()
            } else {
                format!("Open311: {}", parts.join(", "))
            }
        }
        Citizen::Purged => "Dihapus atas permintaan/masa simpan (UU 27/2022)".into(),
        _ => "Tidak diketahui".into(),
    }
}

/// Who did it, as the timeline reads: a console account by name and username (`accounts` are
/// the console's accounts, looked up by id), a handler by its name, the citizen unless anonymous.
fn actor_label(state: &ConsoleState, accounts: &[Account], actor: &str, anonymous: bool) -> String {
    match Actor::parse(actor) {
        Ok(Actor::Citizen(_) | Actor::Open311) if anonymous => "Pelapor (anonim)".into(),
        Ok(Actor::Citizen(_) | Actor::Open311) => "Pelapor".into(),
        Ok(Actor::Handler(h)) => state.handler_name(&h),
        Ok(Actor::Officer(id)) => format!("Petugas (Telegram {id})"),
        Ok(Actor::Account(id)) => accounts.iter().find(|a| a.id == id).map_or_else(
            || format!("Petugas konsol #{id}"),
            |a| format!("{} ({})", a.name, a.username),
        ),
        Ok(Actor::Admin(name)) => format!("Administrator {name}"),
        Ok(Actor::System) => "Sistem".into(),
        _ if actor == "citizen" => "Pelapor".into(),
        _ => actor.to_owned(),
    }
}

pub(crate) async fn show(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Path(ticket): Path<String>,
) -> Result<Response, ConsoleError> {
    let c = owned(&state, &session, &ticket).await?;
    let events = state.store().events(&c.ticket).await?;
    let notes = state.store().console_notes(c.id).await?;
    let accounts = if events.iter().any(|e| e.actor.starts_with("account:")) {
        state.store().list_accounts().await?
    } else {
        Vec::new()
    };
    let offset = state.offset();
    let now = state.store().clock().now();
    let csrf = csrf_field(&session.csrf);
    let ticket = esc(c.ticket.as_str());

    let mut body = String::new();
    let _ = write!(
        body,
        "<p><a href=\"/console/inbox\">&larr; Kotak masuk</a></p><h1>{ticket}: {title}</h1>\
         <p><span class=\"badge status\" id=\"status\">{status}</span> ",
        title = esc(&c.title),
        status = esc(c.status.label()),
    );
    match c.due_at {
        Some(due) if due < now => {
            let _ = write!(
                body,
                "<span class=\"badge late\">Lewat tenggat {} ({})</span>",
                span(now - due),
                datetime(due, offset)
            );
        }
        Some(due) => {
            let _ = write!(body, "<span class=\"badge\">Tenggat {}</span>", datetime(due, offset));
        }
        None => {}
    }
    body.push_str("</p>");
    let service = c
        .service_id
        .as_deref()
        .map_or_else(|| "-".to_owned(), |id| state.service_name(id));
    let _ = write!(
        body,
        "<div class=\"card\"><dl><dt>Pelapor</dt><dd id=\"citizen\">{citizen}</dd><dt>Layanan</dt><dd>{service}</dd>\
         <dt>Kategori</dt><dd>{category}</dd><dt>Unit</dt><dd>{unit}</dd><dt>Dibuat</dt><dd>{created} ({age} lalu)</dd>\
         <dt>Tanggal kejadian</dt><dd>{incident}</dd><dt>Lokasi</dt><dd>{place}</dd><dt>Lampiran</dt><dd id=\"attachments\">{attachments}</dd>\
         <dt>Publikasi</dt><dd>{confidential}</dd></dl><h2>Isi laporan</h2><p style=\"white-space:pre-wrap\">{description}</p></div>",
        citizen = esc(&citizen_line(&c)),
        service = esc(&service),
        category = esc(&c.category),
        unit = esc(&c
            .handler_id
            .as_deref()
            .map(|h| state.handler_name(h))
            .unwrap_or_default()),
        created = datetime(c.created_at, offset),
        age = span(now - c.created_at),
        incident = esc(c.incident_date.as_deref().unwrap_or("-")),
        place = esc(c.place.as_deref().unwrap_or("-")),
        attachments = if c.attachments.is_empty() {
            "Tidak ada".to_owned()
        } else {
            (1..=c.attachments.len())
                .map(|n| {
                    format!(
                        "<a href=\"/console/complaints/{ticket}/attachments/{n}\" target=\"_blank\" \
                         rel=\"noopener\">Lampiran {n}</a>"
                    )
                })
                .collect::<Vec<_>>()
                .join(" · ")
        },
        confidential = if c.confidential {
            "Rahasia (tidak tampil publik)"
        } else {
            "Boleh tampil publik"
        },
        description = esc(&c.description),
    );

    // Actions.
    let next: Vec<ComplaintStatus> = c
        .status
        .allowed_next()
        .iter()
        .copied()
        .filter(|to| ComplaintStatus::transition_by(c.status, *to, ActorRole::Handler).is_ok())
        .collect();
    body.push_str("<h2>Tindakan</h2>");
    if next.is_empty() {
        body.push_str(
            "<p class=\"muted\">Tidak ada perubahan status yang dapat dilakukan petugas pada status ini.</p>",
        );
    } else {
        body.push_str("<div class=\"actions\">");
        for to in next {
            let required = if to.requires_note() { " required" } else { "" };
            let reroute = if to == ComplaintStatus::BukanWewenang {
                let mut options =
                    "<option value=\"\">Tidak dialihkan (pelapor diberi tahu instansi yang berwenang)</option>"
                        .to_owned();
                for h in state.routing().handlers() {
                    if Some(h.id.as_str()) != c.handler_id.as_deref() {
                        let _ = write!(options, "<option value=\"{}\">{}</option>", esc(&h.id), esc(&h.name));
                    }
                }
                format!(
                    "<p><label for=\"reroute-{s}\">Alihkan ke unit</label><select id=\"reroute-{s}\" name=\"reroute_to\">{options}</select></p>",
                    s = to.as_str()
                )
            } else {
                String::new()
            };
            let _ = write!(
                body,
                "<form class=\"card\" method=\"post\" action=\"/console/complaints/{ticket}/status\" id=\"action-{s}\">{csrf}\
                 <input type=\"hidden\" name=\"status\" value=\"{s}\"><label for=\"note-{s}\">{hint}</label>\
                 <textarea id=\"note-{s}\" name=\"note\" maxlength=\"2000\"{required}></textarea>{reroute}\
                 <p><label><input type=\"checkbox\" name=\"public\" value=\"1\" style=\"width:auto\"> Catatan boleh tampil publik</label></p>\
                 <button type=\"submit\"{danger}>{label}</button></form>",
                s = to.as_str(),
                hint = note_hint(to),
                label = action_label(to),
                danger = if matches!(to, ComplaintStatus::Ditolak) {
                    " class=\"danger\""
                } else {
                    ""
                },
            );
        }
        body.push_str("</div>");
    }
    let reply_target = if c.citizen.telegram_chat().is_some() {
        "Dikirim ke pelapor sebagai pesan."
    } else {
        "Tercatat pada riwayat (pelapor membacanya lewat kanal pelaporannya)."
    };
    let _ = write!(
        body,
        "<div class=\"actions\"><form class=\"card\" method=\"post\" action=\"/console/complaints/{ticket}/reply\" id=\"reply\">{csrf}\
         <label for=\"reply-message\">Balas pelapor. {reply_target}</label>\
         <textarea id=\"reply-message\" name=\"message\" maxlength=\"2000\" required></textarea>\
         <button type=\"submit\">Kirim balasan</button></form>\
         <form class=\"card\" method=\"post\" action=\"/console/complaints/{ticket}/notes\" id=\"note\">{csrf}\
         <label for=\"note-text\">Catatan internal (tidak pernah dilihat pelapor)</label>\
         <textarea id=\"note-text\" name=\"note\" maxlength=\"2000\" required></textarea>\
         <button type=\"submit\" class=\"secondary\">Simpan catatan</button></form></div>"
    );

    // Timeline: events and internal notes, by time.
    enum Item<'a> {
        Event(&'a crate::storage::ComplaintEvent),
        Note(&'a crate::storage::ConsoleNote),
    }
    let mut items: Vec<(i64, i64, Item)> = events.iter().map(|e| (e.at, e.id, Item::Event(e))).collect();
    items.extend(notes.iter().map(|n| (n.at, n.id, Item::Note(n))));
    items.sort_by_key(|(at, id, item)| (*at, matches!(item, Item::Note(_)), *id));
    body.push_str("<h2>Riwayat</h2><ul class=\"timeline\" id=\"timeline\">");
    for (at, _, item) in &items {
        match item {
            Item::Event(e) => {
                let what = match e.kind {
                    EventKind::Reply => "Balasan ke pelapor".to_owned(),
                    _ => format!("Status: {}", e.to.label()),
                };
                let _ = write!(
                    body,
                    "<li><strong>{}</strong> <span class=\"muted\">{} · {}</span>{}</li>",
                    esc(&what),
                    datetime(*at, offset),
                    esc(&actor_label(&state, &accounts, &e.actor, c.anonymous)),
                    e.note
                        .as_deref()
                        .map(|n| format!("<br><span style=\"white-space:pre-wrap\">{}</span>", esc(n)))
                        .unwrap_or_default()
                );
            }
            Item::Note(n) => {
                let _ = write!(
                    body,
                    "<li class=\"note\"><strong>Catatan internal</strong> <span class=\"muted\">{} · {}</span><br>\
                     <span style=\"white-space:pre-wrap\">{}</span></li>",
                    datetime(*at, offset),
                    esc(&n.author),
                    esc(&n.note)
                );
            }
        }
    }
    body.push_str("</ul>");
    Ok(respond(
        StatusCode::OK,
        page(c.ticket.as_str(), Some((&session.account, &session.csrf)), &body),
    ))
}

fn back_to(ticket: &TicketNumber) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("/console/complaints/{}", ticket.as_str())) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn note_of(raw: Option<&str>) -> Result<Option<StatusNote>, ConsoleError> {
    raw.map(str::trim)
        .filter(|n| !n.is_empty())
        .map(StatusNote::parse)
        .transpose()
        .map_err(|e| ConsoleError::Invalid(e.to_string()))
}

#[derive(serde::Deserialize)]
pub(crate) struct StatusForm {
    status: String,
    note: Option<String>,
    reroute_to: Option<String>,
    public: Option<String>,
}

pub(crate) async fn change_status(
    State(state): State<ConsoleState>,
    Path(ticket): Path<String>,
    posted: Posted<StatusForm>,
) -> Result<Response, ConsoleError> {
    let Posted { session, form } = posted;
    let c = owned(&state, &session, &ticket).await?;
    let to = ComplaintStatus::parse(&form.status).map_err(|e| ConsoleError::Invalid(e.to_string()))?;
    let note = note_of(form.note.as_deref())?;
    if to.requires_note() && note.is_none() {
        return Err(ConsoleError::Invalid(format!(
            "Status '{}' memerlukan catatan: {}.",
            to.label(),
            note_hint(to)
        )));
    }
    let reroute_to = form
        .reroute_to
        .as_deref()
        .map(str::trim)
        .filter(|h| !h.is_empty())
        .map(str::to_owned);
    if let Some(target) = &reroute_to {
        if to != ComplaintStatus::BukanWewenang {
            return Err(ConsoleError::Invalid(
                "Pengalihan unit hanya untuk status 'bukan wewenang'.".into(),
            ));
        }
        if state.routing().get(target).is_none() {
            return Err(ConsoleError::Invalid("Unit tujuan pengalihan tidak dikenal.".into()));
        }
    }
    let handler = c.handler_id.clone().ok_or(ConsoleError::NotFound)?;
    let mut change = StatusChange::new(c.ticket.clone(), to, Actor::Account(session.account.id));
    change.note = note;
    change.public_note = form.public.is_some();
    change.only_for_handler = Some(handler);
    change.reroute_to = reroute_to;
    state.store().change_status(&change).await?;
    tracing::info!(
        ticket = %c.ticket,
        to = to.as_str(),
        account = %session.account.username,
        "complaint status changed from the console"
    );
    Ok(back_to(&c.ticket))
}

#[derive(serde::Deserialize)]
pub(crate) struct ReplyForm {
    message: String,
}

pub(crate) async fn reply(
    State(state): State<ConsoleState>,
    Path(ticket): Path<String>,
    posted: Posted<ReplyForm>,
) -> Result<Response, ConsoleError> {
    let Posted { session, form } = posted;
    let c = owned(&state, &session, &ticket).await?;
    let message =
        note_of(Some(&form.message))?.ok_or_else(|| ConsoleError::Invalid("Balasan tidak boleh kosong.".into()))?;
    let handler = c.handler_id.clone().ok_or(ConsoleError::NotFound)?;
    state
        .store()
        .add_reply(&c.ticket, &Actor::Account(session.account.id), &message, Some(&handler))
        .await?;
    tracing::info!(ticket = %c.ticket, account = %session.account.username, "console reply to the citizen");
    Ok(back_to(&c.ticket))
}

#[derive(serde::Deserialize)]
pub(crate) struct NoteForm {
    note: String,
}

pub(crate) async fn note(
    State(state): State<ConsoleState>,
    Path(ticket): Path<String>,
    posted: Posted<NoteForm>,
) -> Result<Response, ConsoleError> {
    let Posted { session, form } = posted;
    let c = owned(&state, &session, &ticket).await?;
    let note = note_of(Some(&form.note))?.ok_or_else(|| ConsoleError::Invalid("Catatan tidak boleh kosong.".into()))?;
    let author = format!("{} ({})", session.account.name, session.account.username);
    state.store().add_console_note(c.id, &author, note.as_str()).await?;
    Ok(back_to(&c.ticket))
}
