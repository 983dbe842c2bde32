//! Open311 GeoReport v2 (JSON only) on the same server, for interoperability with city portals and
//! 311 apps: `GET /open311/v2/services.json`, `POST /open311/v2/requests.json`,
//! `GET /open311/v2/requests.json` and `GET /open311/v2/requests/{id}.json`.
//!
//! Services are the parsed service standards ([`Open311Catalog`]): `service_code` is the service
//! id, `service_name` its title, `group` its agency. A request is a complaint: `service_request_id`
//! is the tracking number. Creating one takes an Open311 client's intake-only key in the `api_key`
//! form field (`loket open311-clients create`; a handler's API key is refused), within the
//! client's hourly limit (429 beyond it); the complaint records which client filed it and is
//! filed through the one complaint intake ([`crate::intake`]) like a chat's: routed by service
//! id, then agency, then the default handler. It has no Telegram
//! chat: its citizen is the Open311 contact, and the client polls the status. A request without
//! contact fields, or with `anonymous=true`, is anonymous: no contact is stored or forwarded. A
//! request is confidential unless the client sends `confidential=false` (the citizen agreed to
//! publish it). Reads are public and never show anyone's identity. A
//! complaint is confidential unless its citizen agreed to publish it: the public listing leaves
//! confidential complaints out, and looked up by ticket they show only ticket, service, status and
//! dates ([`request_view`]). An officer's status note is public only when the officer marked it so.
//! Our statuses map to `open`/`closed` ([`crate::storage::PUBLICLY_CLOSED`]).
//! Errors use the spec's shape, `[{"code": 400, "description": "..."}]`, with the same HTTP status.

use std::path::Path;

use anyhow::Context;
use axum::Json;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset, TimeZone};
use serde_json::{Value, json};

use super::AppState;
use crate::domain::{
    Citizen, ComplaintStatus, Contact, GeoPoint, MediaUrl, RawComplaint, TicketNumber, client_key_digest,
};
use crate::intake::{Filing, Intake, IntakeError, IntakeSettings};
use crate::storage::{Complaint, PUBLICLY_CLOSED, PublicFilter, StoreError};

/// Category given to complaints filed over Open311 (the spec has none; routing prefers the
/// service and its agency anyway).
pub const OPEN311_CATEGORY: &str = "lainnya";

/// One Open311 service: a parsed service standard.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Open311Service {
    pub service_code: String,
    pub service_name: String,
    /// The agency (`group` in the spec).
    pub group: String,
}

/// The services offered over Open311, with what intake needs to file a complaint.
#[derive(Debug, Clone, Default)]
pub struct Open311Catalog {
    services: Vec<Open311Service>,
    intake: IntakeSettings,
    /// Local time zone for the datetimes of the spec (hours east of UTC).
    utc_offset_hours: i32,
}

impl Open311Catalog {
    pub fn new(services: Vec<Open311Service>) -> Self {
        Self {
            services,
            intake: IntakeSettings::default(),
            utc_offset_hours: 7,
        }
    }

    /// Every service of the parsed decrees.
    pub fn from_documents(documents: &[loket_knowledge::document::Document]) -> Self {
        let services = documents
            .iter()
            .flat_map(|d| &d.services)
            .map(|s| Open311Service {
                service_code: s.id.0.clone(),
                service_name: s.title.clone(),
                group: s.agency.clone(),
            })
            .collect();
        Self::new(services)
    }

    /// Parses the standards directory; a directory that cannot be read is an error.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let report = loket_knowledge::parse::parse_dir(dir)
            .with_context(|| format!("cannot read the standards directory {}", dir.display()))?;
        for (path, error) in &report.failures {
            tracing::warn!(file = %path.display(), %error, "standard skipped for Open311");
        }
        Ok(Self::from_documents(&report.documents))
    }

    pub fn with_intake(mut self, intake: IntakeSettings, utc_offset_hours: i32) -> Self {
        self.intake = intake;
        self.utc_offset_hours = utc_offset_hours;
        self
    }

    pub fn services(&self) -> &[Open311Service] {
        &self.services
    }

    pub fn get(&self, code: &str) -> Option<&Open311Service> {
        self.services.iter().find(|s| s.service_code == code)
    }

    fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_hours * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"))
    }

    fn datetime(&self, unix: i64) -> Option<String> {
        self.offset().timestamp_opt(unix, 0).single().map(|t| t.to_rfc3339())
    }
}

/// The Open311 services as `loket serve` holds them: swapped whole after a reindex.
pub type Open311Handle = crate::live::Live<Open311Catalog>;

/// An error in the spec's shape.
#[derive(Debug)]
pub struct Open311Error {
    status: StatusCode,
    description: String,
    /// Seconds for `Retry-After` (429 of the client limit).
    retry_after: Option<u64>,
}

impl Open311Error {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self {
            status,
            description: description.into(),
            retry_after: None,
        }
    }

    fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }

    fn not_found(description: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, description)
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = json!([{ "code": self.status.as_u16(), "description": self.description }]);
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        } else if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, super::error::RETRY_AFTER_SECS.into());
        }
        response
    }
}

impl From<StoreError> for Open311Error {
    fn from(e: StoreError) -> Self {
        if let (Some(trouble), StoreError::Unexpected(error)) = (e.trouble(), &e) {
            // Same status and words as the handler API, in the spec's shape.
            let api = super::ApiError::database(trouble, error);
            return Self::new(api.status, api.message);
        }
        match e {
            StoreError::NotFound => Self::not_found("Pengaduan tidak ditemukan."),
            StoreError::Unexpected(e) => {
                tracing::error!(error.cause_chain = ?e, error.message = %e, "Open311 request failed");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Terjadi kesalahan pada server. Silakan coba lagi.",
                )
            }
            other => Self::bad_request(other.to_string()),
        }
    }
}

impl From<FormRejection> for Open311Error {
    fn from(r: FormRejection) -> Self {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Self::new(StatusCode::PAYLOAD_TOO_LARGE, "Isi permintaan terlalu besar.");
        }
        match r {
            FormRejection::InvalidFormContentType(_) => {
                Self::bad_request("Gunakan Content-Type: application/x-www-form-urlencoded.")
            }
            other => Self::bad_request(format!("Isian formulir tidak valid: {}", other.body_text())),
        }
    }
}

impl From<QueryRejection> for Open311Error {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(format!("Parameter tidak valid: {}", r.body_text()))
    }
}

/// `.json` is the only format served; anything else is not found.
fn strip_json(file: &str) -> Result<&str, Open311Error> {
    file.strip_suffix(".json")
        .ok_or_else(|| Open311Error::not_found("Format tidak tersedia: gunakan .json."))
}

pub(crate) async fn services(State(state): State<AppState>) -> Json<Value> {
    let list: Vec<Value> = state
        .open311
        .load()
        .services()
        .iter()
        .map(|s| {
            json!({
                "service_code": s.service_code,
                "service_name": s.service_name,
                "description": format!("Pengaduan tentang layanan {} ({}).", s.service_name, s.group),
                "metadata": false,
                "type": "realtime",
                "keywords": "",
                "group": s.group,
            })
        })
        .collect();
    Json(Value::Array(list))
}

/// The spec's form fields for creating a request (unknown fields such as `jurisdiction_id` or
/// `attribute[...]` are accepted and ignored).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct CreateRequest {
    api_key: Option<String>,
    service_code: Option<String>,
    description: Option<String>,
    address_string: Option<String>,
    lat: Option<String>,
    long: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    media_url: Option<String>,
    /// loket extension: `true` hides the contact (nothing is stored or forwarded).
    anonymous: Option<String>,
    /// loket extension: `false` when the citizen agreed to publish the complaint.
    confidential: Option<String>,
}

/// Reads a yes/no form field; `None` when absent or blank.
fn flag(raw: Option<&str>, name: &str) -> Result<Option<bool>, Open311Error> {
    let Some(value) = raw.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "ya" => Ok(Some(true)),
        "false" | "0" | "no" | "tidak" => Ok(Some(false)),
        _ => Err(Open311Error::bad_request(format!("{name} harus 'true' atau 'false'."))),
    }
}

/// A rolling hour: the window of a client's limit.
const CLIENT_WINDOW_SECS: i64 = 3600;

/// A title from the service (Open311 has none): "Pengaduan: <service>", cut to fit.
fn title_for(service: &str) -> String {
    let title = format!("Pengaduan: {service}");
    title.chars().take(150).collect()
}

pub(crate) async fn create(
    State(state): State<AppState>,
    form: Result<Form<CreateRequest>, FormRejection>,
) -> Result<Response, Open311Error> {
    let Form(request) = form?;
    // One snapshot for the whole request: a reindex meanwhile does not change its answer.
    let catalog = state.open311.load();
    let key = request.api_key.as_deref().map(str::trim).unwrap_or_default();
    let client = match key {
        "" => None,
        key => state.store.open311_client_by_key(&client_key_digest(key)).await?,
    };
    let Some(client) = client else {
        return Err(Open311Error::new(
            StatusCode::FORBIDDEN,
            "api_key tidak ada atau tidak valid. Gunakan kunci aplikasi Open311 dari pengelola loket \
             (bukan kunci API petugas).",
        ));
    };
    let now = state.store.clock().now();
    let window = state.store.open311_window(&client.id, now - CLIENT_WINDOW_SECS).await?;
    if window.filed >= u64::from(client.per_hour) {
        tracing::warn!(client = %client.id, limit = client.per_hour, "Open311 client over its hourly limit");
        let free_at = window
            .oldest
            .map_or(now + CLIENT_WINDOW_SECS, |t| t + CLIENT_WINDOW_SECS);
        let mut error = Open311Error::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Batas {} pengaduan per jam untuk aplikasi ini tercapai. Coba lagi nanti.",
                client.per_hour
            ),
        );
        error.retry_after = Some(u64::try_from(free_at - now).unwrap_or(1).max(1));
        return Err(error);
    }
    let anonymous_flag = flag(request.anonymous.as_deref(), "anonymous")?;
    let confidential = flag(request.confidential.as_deref(), "confidential")?.unwrap_or(true);
    let code = request
        .service_code
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Open311Error::bad_request("service_code wajib diisi."))?;
    let service = catalog
        .get(code)
        .ok_or_else(|| Open311Error::not_found(format!("service_code '{code}' tidak dikenal.")))?
        .clone();
    let location = GeoPoint::parse(request.lat.as_deref(), request.long.as_deref())
        .map_err(|e| Open311Error::bad_request(e.to_string()))?;
    let place = request.address_string.clone().filter(|a| !a.trim().is_empty());
    if location.is_none() && place.is_none() {
        return Err(Open311Error::bad_request(
            "Lokasi wajib diisi: address_string atau lat dan long.",
        ));
    }
    let media_url = request
        .media_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .map(MediaUrl::parse)
        .transpose()
        .map_err(|e| Open311Error::bad_request(e.to_string()))?;
    let contact = Contact::parse(
        request.first_name.as_deref(),
        request.last_name.as_deref(),
        request.email.as_deref(),
        request.phone.as_deref(),
    )
    .map_err(|e| Open311Error::bad_request(e.to_string()))?;
    // Anonymous when asked, or when there is nobody to name: no contact is kept at all.
    let anonymous = anonymous_flag.unwrap_or(contact == Contact::default());
    let contact = if anonymous { Contact::default() } else { contact };
    let raw = RawComplaint {
        service_id: Some(service.service_code.clone()),
        category: OPEN311_CATEGORY.to_owned(),
        title: title_for(&service.service_name),
        description: request.description.clone().unwrap_or_default(),
        place,
        anonymous,
        confidential,
        ..RawComplaint::default()
    };
    let today = catalog
        .offset()
        .timestamp_opt(now, 0)
        .single()
        .map_or_else(|| chrono::Utc::now().date_naive(), |t| t.date_naive());
    let filing = Filing {
        agency: Some(service.group.clone()),
        location,
        media_url,
        open311_client: Some(client.id.clone()),
        ..Filing::new(raw, Citizen::Open311(contact))
    };
    // The same intake as every chat channel: parse -> route -> submit.
    let intake = Intake::new(state.store.clone(), state.routing.clone(), catalog.intake.clone());
    let complaint = match intake.file(&filing, today).await {
        Ok(complaint) => complaint,
        Err(IntakeError::Invalid(e)) => return Err(Open311Error::bad_request(e.to_string())),
        Err(IntakeError::Store(e)) => return Err(e.into()),
    };
    tracing::info!(
        ticket = %complaint.ticket,
        handler = ?complaint.handler_id,
        client = %client.id,
        "Open311 request filed"
    );
    let body = json!([{
        "service_request_id": complaint.ticket,
        "service_notice": format!(
            "Pengaduan Anda diterima dengan nomor {}. Simpan nomor ini untuk memantau perkembangannya.",
            complaint.ticket
        ),
        "account_id": null,
    }]);
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// Query of `GET requests.json` (unknown parameters such as `jurisdiction_id` are ignored).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(crate) struct ListQuery {
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
}

/// `open` or `closed`.
pub fn open311_status(status: ComplaintStatus) -> &'static str {
    if PUBLICLY_CLOSED.contains(&status) {
        "closed"
    } else {
        "open"
    }
}

fn parse_date(raw: Option<&str>, name: &str) -> Result<Option<i64>, Open311Error> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    DateTime::parse_from_rfc3339(raw)
        .map(|t| Some(t.timestamp()))
        .map_err(|_| Open311Error::bad_request(format!("{name} harus tanggal-waktu ISO 8601 dengan zona waktu.")))
}

/// At most this many ids in one `service_request_id` list.
const MAX_IDS: usize = 100;
/// Without dates or ids, the spec's default window: the last 90 days.
const DEFAULT_WINDOW_SECS: i64 = 90 * 24 * 3600;

pub(crate) async fn list(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<Value>, Open311Error> {
    let Query(query) = query?;
    let complaints = match query.service_request_id.as_deref().filter(|s| !s.trim().is_empty()) {
        // With ids, every other parameter is ignored (as the spec says).
        Some(ids) => {
            let ids: Vec<&str> = ids.split(',').map(str::trim).filter(|s| !s.is_empty()).collect();
            if ids.len() > MAX_IDS {
                return Err(Open311Error::bad_request(format!(
                    "Paling banyak {MAX_IDS} service_request_id sekaligus."
                )));
            }
            let mut found = Vec::new();
            for id in ids {
                if let Ok(ticket) = TicketNumber::parse(id)
                    && let Some(c) = state.store.get_by_ticket(&ticket).await?
                {
                    found.push(c);
                }
            }
            found
        }
        None => {
            let closed = match query
                .status
                .as_deref()
                .map(|s| s.trim().to_ascii_lowercase())
                .as_deref()
            {
                None | Some("") => None,
                Some("open") => Some(false),
                Some("closed") => Some(true),
                Some(other) if other.split(',').map(str::trim).all(|s| s == "open" || s == "closed") => None,
                Some(_) => return Err(Open311Error::bad_request("status harus 'open' atau 'closed'.")),
            };
            let from = parse_date(query.start_date.as_deref(), "start_date")?;
            let to = parse_date(query.end_date.as_deref(), "end_date")?;
            if let (Some(from), Some(to)) = (from, to)
                && from > to
            {
                return Err(Open311Error::bad_request("start_date harus sebelum end_date."));
            }
            let from = match (from, to) {
                (None, None) => Some(state.store.clock().now() - DEFAULT_WINDOW_SECS),
                (from, _) => from,
            };
            let filter = PublicFilter {
                service_id: query.service_code.clone().filter(|s| !s.trim().is_empty()),
                closed,
                from,
                to,
                ..PublicFilter::default()
            };
            state.store.list_public(&filter).await?
        }
    };
    let list: Vec<Value> = complaints.iter().map(|c| request_view(&state, c, None)).collect();
    Ok(Json(Value::Array(list)))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    UrlPath(file): UrlPath<String>,
) -> Result<Json<Value>, Open311Error> {
    let id = strip_json(&file)?;
    let missing = || Open311Error::not_found(format!("service_request_id '{id}' tidak ditemukan."));
    let ticket = TicketNumber::parse(id).map_err(|_| missing())?;
    let complaint = state.store.get_by_ticket(&ticket).await?.ok_or_else(missing)?;
    let events = state.store.events(&ticket).await?;
    // The latest note the officer marked public (private notes are for the citizen only).
    let notes = events
        .iter()
        .rev()
        .find(|e| e.kind == crate::storage::EventKind::Status && e.public && e.note.is_some())
        .and_then(|e| e.note.clone());
    Ok(Json(json!([request_view(&state, &complaint, notes)])))
}

/// A complaint as a public Open311 service request: never the citizen's identity. A
/// confidential complaint shows its ticket, service, status and dates only.
fn request_view(state: &AppState, c: &Complaint, status_notes: Option<String>) -> Value {
    let catalog = state.open311.load();
    let service_name = c
        .service_id
        .as_deref()
        .and_then(|id| catalog.get(id))
        .map(|s| s.service_name.clone());
    if c.confidential {
        return json!({
            "service_request_id": c.ticket,
            "status": open311_status(c.status),
            "status_notes": null,
            "service_name": service_name,
            "service_code": c.service_id,
            "description": null,
            "agency_responsible": null,
            "service_notice": null,
            "requested_datetime": catalog.datetime(c.created_at),
            "updated_datetime": catalog.datetime(c.updated_at),
            "expected_datetime": c.due_at.and_then(|d| catalog.datetime(d)),
            "address": null,
            "address_id": null,
            "zipcode": null,
            "lat": null,
            "long": null,
            "media_url": null,
        });
    }
    let agency = c
        .handler_id
        .as_deref()
        .and_then(|id| state.routing.get(id))
        .map(|h| h.name.clone());
    json!({
        "service_request_id": c.ticket,
        "status": open311_status(c.status),
        "status_notes": status_notes,
        "service_name": service_name,
        "service_code": c.service_id,
        "description": c.description,
        "agency_responsible": agency,
        "service_notice": null,
        "requested_datetime": catalog.datetime(c.created_at),
        "updated_datetime": catalog.datetime(c.updated_at),
        "expected_datetime": c.due_at.and_then(|d| catalog.datetime(d)),
        "address": c.place,
        "address_id": null,
        "zipcode": null,
        "lat": c.location.map(|p| p.lat),
        "long": c.location.map(|p| p.long),
        "media_url": c.media_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_open_and_closed() {
        let closed: Vec<&str> = ComplaintStatus::ALL
            .into_iter()
            .filter(|s| open311_status(*s) == "closed")
            .map(|s| s.as_str())
            .collect();
        assert_eq!(closed, ["ditolak", "selesai", "ditutup", "bukan_wewenang"]);
        assert_eq!(open311_status(ComplaintStatus::Ditunda), "open");
    }

    #[test]
    fn the_shipped_standards_become_services() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../knowledge/standards");
        let catalog = Open311Catalog::load(&dir).unwrap();
        let waris = catalog.get("003_5e30365896fb6814:surat-keterangan-ahli-waris").unwrap();
        assert_eq!(waris.service_name, "Surat Keterangan Ahli Waris");
        assert_eq!(waris.group, "Kecamatan Beji Kabupaten Pasuruan");
        assert!(Open311Catalog::load(Path::new("/nonexistent/standards")).is_err());
    }

    #[test]
    fn titles_fit_the_limit() {
        assert_eq!(title_for("KTP"), "Pengaduan: KTP");
        assert_eq!(title_for(&"x".repeat(300)).chars().count(), 150);
    }
}
