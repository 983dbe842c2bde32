//! The administrator's "standards versions" pages: every recorded version of each decree file
//! (`/console/admin/standards`) and, per version, what changed per service and per field
//! (`/console/admin/standards/{id}`), old and new text side by side (stacked on a phone).
//!
//! The versions are written by every ingest that changes a decree (`storage/decree_versions.rs`,
//! `loket ingest` and the reindex of `loket serve` alike); the per-field change lines are the
//! diff's own (`loket_knowledge::diff`), the same lines subscribers read in announcements. This
//! page only adds the full old and new text of each changed field, from the stored documents,
//! with the lines that left or came marked. From a version the administrator opens the
//! announcements its ingest drafted, or drafts one through the announcements form.

use std::collections::HashSet;
use std::fmt::Write;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use loket_knowledge::diff::{ChangeKind, ComponentChange, ServiceChange, announcement};
use loket_knowledge::document::{ComponentKind, ServiceStandard};

use super::ConsoleState;
use super::admin::{MAX_ANNOUNCEMENT_CHARS, admin, audience, status_label};
use super::error::ConsoleError;
use super::html::{csrf_field, datetime, esc, page, respond};
use super::session::CurrentSession;
use crate::storage::{DecreeVersion, DecreeVersionSummary};

/// Versions listed per page.
const PAGE_SIZE: u32 = 50;

fn html_page(session: &CurrentSession, title: &str, body: &str) -> Response {
    respond(
        StatusCode::OK,
        page(title, Some((&session.account, &session.csrf)), body),
    )
}

/// The list's query string: `sebelum` pages to older versions.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct ListQuery {
    sebelum: Option<String>,
}

/// "Keputusan 060/20/424.302/2023", or the file name when the decree states no number.
fn decree_name(v: &DecreeVersionSummary) -> String {
    v.decree
        .as_deref()
        .map_or_else(|| format!("Berkas {}", v.source), |n| format!("Keputusan {n}"))
}

/// What kind of version it is, in a few words.
fn version_note(v: &DecreeVersionSummary) -> &'static str {
    match (v.is_new, v.is_gone) {
        (true, _) => "berkas baru",
        (_, true) => "berkas dihapus",
        _ => "perubahan",
    }
}

pub(crate) async fn list(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Query(query): Query<ListQuery>,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let before = match query.sebelum.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .map_err(|_| ConsoleError::Invalid("Alamat halaman tidak valid.".into()))?,
        ),
    };
    let versions = state.store().decree_versions(before, PAGE_SIZE).await?;
    let mut body = String::from(
        "<h1>Versi standar pelayanan</h1><p class=\"muted\">Setiap kali berkas keputusan di direktori standar \
         ditambah, diubah atau dihapus, loket mencatat versi barunya: layanan yang ditambah, dihapus dan diubah, \
         beserta isi lama dan barunya.</p>",
    );
    if versions.is_empty() {
        body.push_str(if before.is_some() {
            "<div class=\"card\">Tidak ada versi yang lebih lama.</div>"
        } else {
            "<div class=\"card\">Belum ada versi tercatat. Versi dicatat saat standar diindeks \
             (<code>loket ingest</code> atau <code>loket serve</code>).</div>"
        });
    } else {
        body.push_str(
            "<table class=\"list\" id=\"versions\"><thead><tr><th>Keputusan</th><th>Versi</th><th>Diindeks</th>\
             <th>Ditambah</th><th>Dihapus</th><th>Diubah</th></tr></thead><tbody>",
        );
        for v in &versions {
            let _ = write!(
                body,
                "<tr><td data-label=\"Keputusan\"><a href=\"/console/admin/standards/{id}\">{name}</a>\
                 <br><span class=\"muted\">{agency} · {source}</span></td>\
                 <td data-label=\"Versi\">{version} <span class=\"muted\">({note})</span></td>\
                 <td data-label=\"Diindeks\">{when}</td><td data-label=\"Ditambah\">{added}</td>\
                 <td data-label=\"Dihapus\">{removed}</td><td data-label=\"Diubah\">{changed}</td></tr>",
                id = v.id,
                name = esc(&decree_name(v)),
                agency = esc(v.agency.as_deref().unwrap_or("-")),
                source = esc(&v.source),
                version = v.version,
                note = version_note(v),
                when = datetime(v.created_at, state.offset()),
                added = v.added,
                removed = v.removed,
                changed = v.changed,
            );
        }
        body.push_str("</tbody></table>");
        if versions.len() == PAGE_SIZE as usize
            && let Some(last) = versions.last()
        {
            let _ = write!(
                body,
                "<p class=\"pager\"><a class=\"button\" href=\"/console/admin/standards?sebelum={}\">Lebih lama</a></p>",
                last.id
            );
        }
    }
    Ok(html_page(&session, "Versi standar", &body))
}

/// The text of every component of `kind` in `s`, as the decree gives it (labels of `Other`
/// rows kept, since they tell those rows apart).
fn field_text(s: Option<&ServiceStandard>, kind: ComponentKind) -> String {
    let Some(s) = s else { return String::new() };
    s.components
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| {
            if kind == ComponentKind::Other {
                format!("{}: {}", c.label, c.text)
            } else {
                c.text.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn squeeze(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` as HTML lines, each line absent from `other` wrapped in `<del>` (old side) or
/// `<ins>` (new side), so what left and what came stand out; whitespace differences do not.
fn marked(text: &str, other: &str, tag: &str) -> String {
    if text.trim().is_empty() {
        return "<span class=\"muted\">(tidak dicantumkan)</span>".into();
    }
    let others: HashSet<String> = other.lines().map(squeeze).collect();
    text.lines()
        .map(|line| {
            if line.trim().is_empty() || others.contains(&squeeze(line)) {
                esc(line)
            } else {
                format!("<{tag}>{}</{tag}>", esc(line))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn change_label(change: ChangeKind) -> &'static str {
    match change {
        ChangeKind::Added => "ditambahkan",
        ChangeKind::Removed => "dihapus",
        ChangeKind::Modified => "diubah",
    }
}

/// One changed field: its name, the diff's change lines, and the old and new text.
fn field_html(out: &mut String, c: &ComponentChange, old: Option<&ServiceStandard>, new: Option<&ServiceStandard>) {
    let (before, after) = (field_text(old, c.kind), field_text(new, c.kind));
    let _ = write!(
        out,
        "<div class=\"field\" data-field=\"{kind}\"><h4>{label} <span class=\"badge\">{change}</span></h4><ul class=\"muted\">",
        kind = c.kind.as_str(),
        label = esc(c.kind.label_id()),
        change = change_label(c.change),
    );
    for line in &c.lines {
        let _ = write!(out, "<li>{}</li>", esc(line));
    }
    let _ = write!(
        out,
        "</ul><div class=\"versus\"><div class=\"old\"><h5>Sebelumnya</h5><div class=\"text\">{}</div></div>\
         <div class=\"new\"><h5>Sekarang</h5><div class=\"text\">{}</div></div></div></div>",
        marked(&before, &after, "del"),
        marked(&after, &before, "ins"),
    );
}

fn service_change_html(out: &mut String, v: &DecreeVersion, change: &ServiceChange) {
    let id = change.id.as_str();
    let (old, new) = (v.old_service(id), v.new_service(id));
    let _ = write!(
        out,
        "<section class=\"card service\" id=\"service-{}\"><h3>{}</h3><p class=\"muted\">{}</p>",
        esc(id.rsplit(':').next().unwrap_or(id)),
        esc(&change.title),
        esc(id)
    );
    if !change.notes.is_empty() {
        out.push_str("<ul>");
        for note in &change.notes {
            let _ = write!(out, "<li>{}</li>", esc(note));
        }
        out.push_str("</ul>");
    }
    for c in &change.components {
        field_html(out, c, old, new);
    }
    out.push_str("</section>");
}

/// A warning under a prefilled draft longer than the announcements form accepts (a decree's
/// announcement may run to Telegram's 4,000 units).
fn too_long_note(text: &str) -> Option<String> {
    let chars = text.chars().count();
    (chars > MAX_ANNOUNCEMENT_CHARS).then(|| {
        format!(
            "<p class=\"error\">Teks ini {chars} karakter; draf paling banyak {MAX_ANNOUNCEMENT_CHARS} karakter. \
             Persingkat dulu sebelum menyimpan.</p>"
        )
    })
}

/// The announcements this version's ingest made for its agency, or a form to draft one from the
/// change (the announcements page's own form, text prefilled).
async fn announcement_html(
    state: &ConsoleState,
    session: &CurrentSession,
    v: &DecreeVersion,
) -> Result<String, ConsoleError> {
    let mut out = String::from("<h2>Pengumuman</h2>");
    let agency = v.summary.agency.as_deref();
    let made: Vec<_> = state
        .store()
        .announcements_of_ingest(v.summary.ingest_id)
        .await?
        .into_iter()
        .filter(|a| a.agency.is_none() || a.agency.as_deref() == agency)
        .collect();
    if !made.is_empty() {
        out.push_str("<ul id=\"version-announcements\">");
        for a in &made {
            let _ = write!(
                out,
                "<li><a href=\"/console/admin/announcements/{id}\">Pengumuman #{id}</a> · {} · {}</li>",
                status_label(a.status),
                esc(&audience(a)),
                id = a.id
            );
        }
        out.push_str("</ul>");
        return Ok(out);
    }
    let regency = v
        .new
        .iter()
        .chain(v.old.iter())
        .flat_map(|d| &d.services)
        .find_map(|s| s.regency.clone());
    let drafts = announcement(&v.diff);
    if drafts.is_empty() {
        out.push_str("<div class=\"card\">Tidak ada yang perlu diumumkan dari versi ini.</div>");
        return Ok(out);
    }
    out.push_str(
        "<p class=\"muted\">Belum ada pengumuman dari perubahan ini. Periksa teksnya, lalu simpan sebagai draf; \
         draf dikirim setelah disetujui di halaman Pengumuman.</p>",
    );
    for (i, d) in drafts.iter().enumerate() {
        let too_long = too_long_note(&d.text).unwrap_or_default();
        let _ = write!(
            out,
            "<form class=\"card\" method=\"post\" action=\"/console/admin/announcements\" id=\"draft-{i}\">{csrf}\
             <p><label for=\"d-agency-{i}\">Hanya pelanggan instansi</label><input id=\"d-agency-{i}\" name=\"agency\" value=\"{agency}\"></p>\
             <p><label for=\"d-regency-{i}\">Hanya pelanggan kabupaten/kota</label><input id=\"d-regency-{i}\" name=\"regency\" value=\"{regency}\"></p>\
             <p><label for=\"d-text-{i}\">Teks, sebagaimana dibaca warga</label>\
             <textarea id=\"d-text-{i}\" name=\"text\" required rows=\"10\">{text}</textarea></p>{too_long}\
             <button type=\"submit\">Simpan sebagai draf pengumuman</button></form>",
            csrf = csrf_field(&session.csrf),
            agency = esc(&d.agency),
            regency = esc(regency.as_deref().unwrap_or_default()),
            text = esc(&d.text),
        );
    }
    Ok(out)
}

pub(crate) async fn show(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    admin(&session)?;
    let id: i64 = id.parse().map_err(|_| ConsoleError::NotFound)?;
    let v = state.store().decree_version(id).await?.ok_or(ConsoleError::NotFound)?;
    let s = &v.summary;
    let title = format!("{} · versi {}", decree_name(s), s.version);
    let mut body = format!(
        "<p><a href=\"/console/admin/standards\">&larr; Versi standar</a></p><h1>{}</h1>\
         <dl class=\"card\" id=\"version-facts\"><dt>Instansi</dt><dd>{}</dd><dt>Berkas</dt><dd>{}</dd>\
         <dt>Diindeks</dt><dd>{}</dd><dt>Versi</dt><dd>{} ({})</dd>",
        esc(&title),
        esc(s.agency.as_deref().unwrap_or("-")),
        esc(&s.source),
        datetime(s.created_at, state.offset()),
        s.version,
        version_note(s),
    );
    let numbers = |d: &Option<loket_knowledge::document::Document>| {
        d.as_ref().and_then(|d| d.decree.as_ref()).map(|d| d.number.clone())
    };
    if let (Some(before), Some(after)) = (numbers(&v.old), numbers(&v.new))
        && before != after
    {
        let _ = write!(
            body,
            "<dt>Nomor keputusan</dt><dd>{} &rarr; {}</dd>",
            esc(&before),
            esc(&after)
        );
    }
    let _ = write!(
        body,
        "</dl><div class=\"chips\" id=\"version-counts\"><span class=\"chip\">{} ditambah</span>\
         <span class=\"chip\">{} dihapus</span><span class=\"chip\">{} diubah</span></div>",
        s.added, s.removed, s.changed
    );
    if !v.diff.changed.is_empty() {
        body.push_str("<h2>Layanan yang diubah</h2><div id=\"changed\">");
        for change in &v.diff.changed {
            service_change_html(&mut body, &v, change);
        }
        body.push_str("</div>");
    }
    if !v.diff.added.is_empty() {
        body.push_str("<h2>Layanan yang ditambah</h2><ul class=\"card\" id=\"added\">");
        for a in &v.diff.added {
            let _ = write!(body, "<li><strong>{}</strong>", esc(&a.title));
            if !a.lines.is_empty() {
                let facts: Vec<String> = a.lines.iter().map(|l| esc(l)).collect();
                let _ = write!(body, "<br><span class=\"muted\">{}</span>", facts.join(" · "));
            }
            body.push_str("</li>");
        }
        body.push_str("</ul>");
    }
    if !v.diff.removed.is_empty() {
        body.push_str("<h2>Layanan yang dihapus</h2><ul class=\"card\" id=\"removed\">");
        for r in &v.diff.removed {
            let _ = write!(
                body,
                "<li><strong>{}</strong> <span class=\"muted\">{}</span></li>",
                esc(&r.title),
                esc(r.id.as_str())
            );
        }
        body.push_str("</ul>");
    }
    body.push_str(&announcement_html(&state, &session, &v).await?);
    let history = state.store().decree_history(&s.source).await?;
    if history.len() > 1 {
        body.push_str("<h2>Riwayat berkas ini</h2><ul id=\"history\">");
        for h in &history {
            if h.id == s.id {
                let _ = write!(
                    body,
                    "<li><strong>Versi {}</strong> · {}</li>",
                    h.version,
                    datetime(h.created_at, state.offset())
                );
            } else {
                let _ = write!(
                    body,
                    "<li><a href=\"/console/admin/standards/{}\">Versi {}</a> · {} · {}</li>",
                    h.id,
                    h.version,
                    datetime(h.created_at, state.offset()),
                    version_note(h)
                );
            }
        }
        body.push_str("</ul>");
    }
    Ok(html_page(&session, &title, &body))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::body::Body;
    use axum::http::{Request, header};
    use loket_knowledge::document::Document;
    use tower::ServiceExt;

    use super::*;
    use crate::console::password::{new_token, token_digest};
    use crate::console::{ConsoleDeps, ConsoleSettings, MediaSources, router};
    use crate::routing::Routing;
    use crate::storage::standards::tests::{AGENCY, corpus};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{AccountRole, NewAccount, SetupToken, Store};

    fn app(store: &Store) -> Router {
        let handlers = format!(
            "[[handler]]\nid = \"kecamatan-beji\"\nname = \"Kecamatan Beji\"\nagencies = [\"{AGENCY}\"]\ndefault = true\n"
        );
        let state = ConsoleState::new(ConsoleDeps {
            store: store.clone(),
            routing: Arc::new(Routing::from_toml(&handlers, std::path::Path::new("t.toml")).unwrap()),
            services: Default::default(),
            settings: ConsoleSettings::default(),
            utc_offset_hours: 7,
            aliases: None,
            client_ip_header: None,
            media: MediaSources::new(),
        });
        Router::new().nest("/console", router(state))
    }

    /// A logged-in account of `role`; returns its session cookie's value.
    async fn session(store: &Store, username: &str, role: AccountRole) -> String {
        let new = NewAccount {
            username: username.into(),
            name: format!("Akun {username}"),
            role,
            handlers: if role == AccountRole::Officer {
                vec!["kecamatan-beji".into()]
            } else {
                Vec::new()
            },
            agency: (role == AccountRole::Supervisor).then(|| AGENCY.to_owned()),
        };
        let setup = SetupToken {
            sha256: token_digest(&new_token()),
            expires_at: i64::MAX / 2,
        };
        let account = store.create_account(&new, &setup).await.unwrap();
        let token = new_token();
        store
            .create_session(account.id, &token_digest(&token), &new_token(), 3600)
            .await
            .unwrap();
        token
    }

    async fn get(app: &Router, uri: &str, cookie: Option<&str>) -> (StatusCode, String) {
        let mut request = Request::get(uri);
        if let Some(token) = cookie {
            request = request.header(header::COOKIE, format!("loket_session={token}"));
        }
        let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }

    /// The baseline, then the Ahli Waris fee changed to a text with markup in it.
    async fn two_versions(store: &Store) -> Vec<Document> {
        store.record_ingest(&corpus("Gratis")).await.unwrap();
        let changed = corpus("Rp 10.000 <b>tunai</b>");
        store.record_ingest(&changed).await.unwrap();
        changed
    }

    async fn only_administrators_open_the_versions_pages(db: TestDb) {
        two_versions(&db.store).await;
        let newest = db.store.decree_versions(None, 1).await.unwrap().remove(0);
        let app = app(&db.store);
        let detail = format!("/console/admin/standards/{}", newest.id);
        for uri in ["/console/admin/standards", detail.as_str()] {
            let (status, _) = get(&app, uri, None).await;
            assert_eq!(
                status,
                StatusCode::SEE_OTHER,
                "{uri} without a session goes to the login"
            );
        }
        for (name, role) in [("budi", AccountRole::Officer), ("rina", AccountRole::Supervisor)] {
            let cookie = session(&db.store, name, role).await;
            for uri in ["/console/admin/standards", detail.as_str()] {
                let (status, body) = get(&app, uri, Some(&cookie)).await;
                assert_eq!(status, StatusCode::FORBIDDEN, "{role:?} on {uri}");
                assert!(!body.contains("Rp 10.000"), "nothing of the page leaks: {body}");
            }
            let (_, inbox) = get(&app, "/console/inbox", Some(&cookie)).await;
            assert!(!inbox.contains("/console/admin/standards"), "no menu link for {role:?}");
        }
        let admin = session(&db.store, "admin", AccountRole::Administrator).await;
        let (status, list) = get(&app, "/console/admin/standards", Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            list.contains("href=\"/console/admin/standards\">Versi standar</a>"),
            "menu link"
        );
        assert!(list.contains(&format!("href=\"/console/admin/standards/{}\"", newest.id)));
        for uri in ["/console/admin/standards/999999", "/console/admin/standards/abc"] {
            assert_eq!(get(&app, uri, Some(&admin)).await.0, StatusCode::NOT_FOUND, "{uri}");
        }
        assert_eq!(
            get(&app, "/console/admin/standards?sebelum=x", Some(&admin)).await.0,
            StatusCode::UNPROCESSABLE_ENTITY
        );
    }

    async fn the_detail_shows_the_changed_field_old_and_new_escaped(db: TestDb) {
        two_versions(&db.store).await;
        let newest = db.store.decree_versions(None, 1).await.unwrap().remove(0);
        let app = app(&db.store);
        let admin = session(&db.store, "admin", AccountRole::Administrator).await;
        let (status, page) = get(&app, &format!("/console/admin/standards/{}", newest.id), Some(&admin)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Surat Keterangan Ahli Waris"), "{page}");
        assert!(page.contains("data-field=\"fee\""), "{page}");
        assert!(
            page.contains("<del>Gratis</del>") && page.contains("<ins>Rp 10.000 &lt;b&gt;tunai&lt;/b&gt;</ins>"),
            "old and new text, marked and escaped: {page}"
        );
        assert!(!page.contains("<b>tunai"), "decree text is never markup");
        assert!(
            !page.contains("Surat Keterangan Domisili"),
            "an unchanged service is not listed: {page}"
        );
        // The announcement its ingest drafted is linked.
        let drafted = db.store.announcements_of_ingest(newest.ingest_id).await.unwrap();
        assert_eq!(drafted.len(), 1);
        assert!(page.contains(&format!("href=\"/console/admin/announcements/{}\"", drafted[0].id)));
        // The first version (nothing announced then) offers a draft through the announcements form.
        let first = db.store.decree_history(&newest.source).await.unwrap().pop().unwrap();
        assert_eq!(first.version, 1);
        let (_, first_page) = get(&app, &format!("/console/admin/standards/{}", first.id), Some(&admin)).await;
        assert!(
            first_page.contains("action=\"/console/admin/announcements\""),
            "{first_page}"
        );
        assert!(
            first_page.contains("name=\"csrf\""),
            "the draft form carries the CSRF token"
        );
        assert!(first_page.contains(&format!("value=\"{AGENCY}\"")), "{first_page}");
        assert!(
            page.contains(&format!("href=\"/console/admin/standards/{}\"", first.id)),
            "history links back"
        );
    }

    #[test]
    fn lines_that_left_or_came_are_marked_whitespace_aside() {
        assert_eq!(marked("KTP\nKK  lama", "KTP\nAkta", "del"), "KTP\n<del>KK  lama</del>");
        assert_eq!(marked("KTP  ", "KTP", "ins"), "KTP  ");
        assert_eq!(marked("<x>", "", "ins"), "<ins>&lt;x&gt;</ins>");
        assert!(marked("  ", "KTP", "del").contains("tidak dicantumkan"));
    }

    #[test]
    fn a_draft_too_long_for_the_form_says_so() {
        assert_eq!(too_long_note(&"a".repeat(MAX_ANNOUNCEMENT_CHARS)), None);
        let note = too_long_note(&"é".repeat(MAX_ANNOUNCEMENT_CHARS + 1)).unwrap();
        assert!(
            note.contains(&format!("{} karakter", MAX_ANNOUNCEMENT_CHARS + 1)),
            "{note}"
        );
    }

    both_backends!(
        only_administrators_open_the_versions_pages,
        the_detail_shows_the_changed_field_old_and_new_escaped,
    );
}
