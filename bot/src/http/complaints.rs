//! The handler API for complaints: list, show, change status (idempotent), reply to the citizen.
//!
//! Every route is scoped to the authenticated handler: a complaint routed elsewhere answers 404
//! exactly like an unknown (or malformed) ticket, so a key cannot probe which tickets exist. A status change is validated by the domain transition table
//! (409 when refused) and written with its event and the citizen's notification in one
//! transaction; a repeated `Idempotency-Key` returns the first result and changes nothing.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{ApiError, AppState, AuthenticatedHandler};
use crate::domain::{Actor, ComplaintStatus, StatusNote, TicketNumber};
use crate::storage::{Complaint, ComplaintEvent, Page, StatusChange};

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// A complaint as a handler sees it: the citizen's identity only when not anonymous.
fn complaint_view(c: &Complaint) -> Value {
    let mut value = serde_json::to_value(c).unwrap_or_else(|_| json!({}));
    value["citizen"] = if c.anonymous {
        Value::Null
    } else {
        serde_json::to_value(&c.citizen).unwrap_or_default()
    };
    value["citizen_name"] = if c.anonymous {
        Value::Null
    } else {
        json!(c.citizen_name)
    };
    value
}

fn event_view(e: &ComplaintEvent, anonymous: bool) -> Value {
    let mut value = serde_json::to_value(e).unwrap_or_else(|_| json!({}));
    if anonymous && e.actor.starts_with("citizen:") {
        value["actor"] = json!("citizen");
    }
    value
}

fn parse_ticket(raw: &str) -> Result<TicketNumber, ApiError> {
    // A malformed number cannot name an existing complaint.
    TicketNumber::parse(raw).map_err(|_| ApiError::not_found())
}

/// Loads the complaint and checks it is routed to `handler` (404 otherwise, also when it exists
/// but is routed elsewhere: no existence oracle).
async fn owned_complaint(state: &AppState, handler: &str, ticket: &TicketNumber) -> Result<Complaint, ApiError> {
    let complaint = state
        .store
        .get_by_ticket(ticket)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if complaint.handler_id.as_deref() != Some(handler) {
        return Err(ApiError::not_found());
    }
    Ok(complaint)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListParams {
    status: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

pub(crate) async fn list(
    State(state): State<AppState>,
    AuthenticatedHandler(handler): AuthenticatedHandler,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let Query(params) = params?;
    let status = params
        .status
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(ComplaintStatus::parse)
        .transpose()
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let page = Page {
        number: params.page.unwrap_or(1).max(1),
        size: params.per_page.unwrap_or(20).clamp(1, Page::MAX_SIZE),
    };
    let complaints = state.store.list_for_handler(&handler, status, page).await?;
    Ok(Json(json!({
        "complaints": complaints.iter().map(complaint_view).collect::<Vec<_>>(),
        "page": page.number,
        "per_page": page.size,
    })))
}

pub(crate) async fn show(
    State(state): State<AppState>,
    AuthenticatedHandler(handler): AuthenticatedHandler,
    Path(ticket): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let ticket = parse_ticket(&ticket)?;
    let complaint = owned_complaint(&state, &handler, &ticket).await?;
    let events = state.store.events(&ticket).await?;
    let mut body = complaint_view(&complaint);
    body["events"] = events.iter().map(|e| event_view(e, complaint.anonymous)).collect();
    body["supporters"] = json!(state.store.supporter_count(complaint.id).await?);
    body["rating"] = json!(state.store.rating(&ticket).await?);
    Ok(Json(body))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StatusRequest {
    status: String,
    note: Option<String>,
    /// The note may be shown publicly (Open311 `status_notes`); private by default.
    #[serde(default)]
    public: bool,
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get(IDEMPOTENCY_KEY) else {
        return Ok(None);
    };
    let key = value.to_str().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_idempotency_key",
            "Idempotency-Key harus 1-200 karakter ASCII tanpa spasi.",
        ));
    }
    Ok(Some(key.to_owned()))
}

pub(crate) async fn change_status(
    State(state): State<AppState>,
    AuthenticatedHandler(handler): AuthenticatedHandler,
    Path(ticket): Path<String>,
    headers: HeaderMap,
    body: Result<Json<StatusRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let ticket = parse_ticket(&ticket)?;
    let Json(request) = body?;
    let key = idempotency_key(&headers)?;
    let to = ComplaintStatus::parse(&request.status).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let note = request
        .note
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(StatusNote::parse)
        .transpose()
        .map_err(|e| ApiError::unprocessable(e.to_string()))?;
    if to.requires_note() && note.is_none() {
        return Err(ApiError::unprocessable(format!(
            "Catatan (note) wajib diisi untuk status '{}'.",
            to.as_str()
        )));
    }
    owned_complaint(&state, &handler, &ticket).await?;
    let mut change = StatusChange::new(ticket, to, Actor::Handler(handler.clone()));
    change.note = note;
    change.public_note = request.public;
    change.idempotency_key = key;
    change.only_for_handler = Some(handler);
    let outcome = state.store.change_status(&change).await?;
    let body = Json(json!({
        "ticket": outcome.complaint.ticket,
        "status": outcome.complaint.status,
        "due_at": outcome.complaint.due_at,
        "event": event_view(&outcome.event, outcome.complaint.anonymous),
        "replayed": outcome.replayed,
    }));
    let mut response = (StatusCode::OK, body).into_response();
    if outcome.replayed {
        response.headers_mut().insert(
            HeaderName::from_static("idempotent-replayed"),
            HeaderValue::from_static("true"),
        );
    }
    Ok(response)
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReplyRequest {
    message: String,
}

pub(crate) async fn reply(
    State(state): State<AppState>,
    AuthenticatedHandler(handler): AuthenticatedHandler,
    Path(ticket): Path<String>,
    body: Result<Json<ReplyRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let ticket = parse_ticket(&ticket)?;
    let Json(request) = body?;
    let message = StatusNote::parse(&request.message).map_err(|e| ApiError::unprocessable(e.to_string()))?;
    let complaint = owned_complaint(&state, &handler, &ticket).await?;
    let event = state
        .store
        .add_reply(&ticket, &Actor::Handler(handler.clone()), &message, Some(&handler))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "ticket": ticket, "event": event_view(&event, complaint.anonymous) })),
    ))
}
