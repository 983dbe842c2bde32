//! Complaints: intake (complaint + first event + forwarding task in one transaction), reads, and
//! status changes (validated transition + event + citizen notification + idempotency record in
//! one transaction).
//!
//! Idempotency for the handler API follows zero2prod's "insert the key first" pattern: the key row
//! is inserted at the start of the write transaction, so a concurrent duplicate waits on it and then
//! replays the saved result; a refused change rolls back the key with everything else.

use anyhow::Context;
use serde_json::json;

use super::deliveries::{DeliveryKind, insert_delivery};
use super::{Dialect, Store, StoreError, on_pool};
use crate::domain::{
    Actor, Citizen, ComplaintStatus, Contact, GeoPoint, NewComplaint, StatusNote, TicketNumber, TransitionError,
};

/// A stored complaint, as read back (fields were validated on the way in).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Complaint {
    #[serde(skip)]
    pub id: i64,
    pub ticket: TicketNumber,
    /// The citizen's Telegram chat; 0 when the complaint came over Open311 (see `citizen`).
    #[serde(skip)]
    pub chat_id: i64,
    /// Who complained and through which channel; handlers see it only when not anonymous.
    #[serde(skip)]
    pub citizen: Citizen,
    pub service_id: Option<String>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub place: Option<String>,
    pub incident_date: Option<String>,
    pub attachments: Vec<String>,
    pub anonymous: bool,
    pub confidential: bool,
    /// Open311 `lat`/`long`.
    pub location: Option<GeoPoint>,
    /// Open311 `media_url`.
    pub media_url: Option<String>,
    /// The Open311 client application that filed it (`open311_clients.id`).
    pub open311_client: Option<String>,
    /// The citizen's display name on their channel (shown to officers unless anonymous).
    #[serde(skip)]
    pub citizen_name: Option<String>,
    /// When `loket purge` erased the citizen's identity and contact (then `citizen` is
    /// [`Citizen::Purged`]).
    pub purged_at: Option<i64>,
    pub status: ComplaintStatus,
    pub handler_id: Option<String>,
    pub due_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A status change, or a message from the handler to the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Status,
    Reply,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ComplaintEvent {
    pub id: i64,
    #[serde(skip)]
    pub complaint_id: i64,
    pub kind: EventKind,
    pub from: Option<ComplaintStatus>,
    pub to: ComplaintStatus,
    pub actor: String,
    pub note: Option<String>,
    /// The officer marked the note public (shown in Open311's `status_notes`); private otherwise.
    pub public: bool,
    pub at: i64,
}

/// How an intake is routed and whether it passes verification on submit.
#[derive(Debug, Clone, Default)]
pub struct SubmitOptions {
    /// Handler chosen by routing; `None` leaves the complaint for an administrator.
    pub handler_id: Option<String>,
    /// Auto-verification rule matched: record `diterima -> diverifikasi` at once.
    pub auto_verify: bool,
}

/// One requested status change.
#[derive(Debug, Clone)]
pub struct StatusChange {
    pub ticket: TicketNumber,
    pub to: ComplaintStatus,
    pub actor: Actor,
    pub note: Option<StatusNote>,
    /// The note may be shown publicly (Open311 `status_notes` of a non-confidential complaint).
    pub public_note: bool,
    /// Replays instead of re-applying when the same actor sends the same key again.
    pub idempotency_key: Option<String>,
    /// When set, the complaint must be routed to this handler (otherwise: not found).
    pub only_for_handler: Option<String>,
    /// Re-route to another handler (with `to = diteruskan`): sets the handler and enqueues a
    /// forwarding task to it.
    pub reroute_to: Option<String>,
    /// No notification for this step: an intermediate step of one officer action, whose last
    /// step's notification tells the citizen the outcome (one message per action).
    pub quiet: bool,
}

impl StatusChange {
    pub fn new(ticket: TicketNumber, to: ComplaintStatus, actor: Actor) -> Self {
        Self {
            ticket,
            to,
            actor,
            note: None,
            public_note: false,
            idempotency_key: None,
            only_for_handler: None,
            reroute_to: None,
            quiet: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeOutcome {
    pub complaint: Complaint,
    pub event: ComplaintEvent,
    /// True when this was a repeated request answered from the idempotency record.
    pub replayed: bool,
}

/// Statuses shown as "closed" publicly (Open311): the complaint needs nothing more from anyone.
/// `list_public` spells the same list in SQL; a test keeps them together.
pub const PUBLICLY_CLOSED: [ComplaintStatus; 4] = [
    ComplaintStatus::Ditolak,
    ComplaintStatus::Selesai,
    ComplaintStatus::Ditutup,
    ComplaintStatus::BukanWewenang,
];

/// Filters of the public listing ([`Store::list_public`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicFilter {
    pub service_id: Option<String>,
    /// `Some(true)`: only closed complaints; `Some(false)`: only open ones.
    pub closed: Option<bool>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub limit: u32,
}

impl PublicFilter {
    pub const MAX_LIMIT: u32 = 1000;
}

impl Default for PublicFilter {
    fn default() -> Self {
        Self {
            service_id: None,
            closed: None,
            from: None,
            to: None,
            limit: Self::MAX_LIMIT,
        }
    }
}

/// 1-based page of at most 100 rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: u32,
    pub size: u32,
}

impl Default for Page {
    fn default() -> Self {
        Self { number: 1, size: 20 }
    }
}

impl Page {
    pub const MAX_SIZE: u32 = 100;

    fn limit_offset(self) -> (i64, i64) {
        let size = self.size.clamp(1, Self::MAX_SIZE) as i64;
        let number = self.number.max(1) as i64;
        (size, (number - 1) * size)
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ComplaintRow {
    id: i64,
    ticket: String,
    chat_id: i64,
    service_id: Option<String>,
    category: String,
    title: String,
    description: String,
    place: Option<String>,
    incident_date: Option<String>,
    attachments: String,
    anonymous: bool,
    confidential: bool,
    status: String,
    handler_id: Option<String>,
    due_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
    channel: String,
    contact: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    media_url: Option<String>,
    purged_at: Option<i64>,
    open311_client: Option<String>,
    citizen_name: Option<String>,
}

impl TryFrom<ComplaintRow> for Complaint {
    type Error = anyhow::Error;

    fn try_from(row: ComplaintRow) -> anyhow::Result<Self> {
        let citizen = match row.channel.as_str() {
            _ if row.purged_at.is_some() => Citizen::Purged,
            "telegram" => Citizen::Telegram { chat_id: row.chat_id },
            "open311" => Citizen::Open311(match &row.contact {
                Some(json) => serde_json::from_str::<Contact>(json)
                    .with_context(|| format!("corrupt contact in complaint {}", row.id))?,
                None => Contact::default(),
            }),
            other => anyhow::bail!("corrupt channel {other:?} in complaint {}", row.id),
        };
        let location = match (row.latitude, row.longitude) {
            (Some(lat), Some(long)) => Some(GeoPoint { lat, long }),
            _ => None,
        };
        Ok(Self {
            citizen,
            location,
            media_url: row.media_url,
            open311_client: row.open311_client,
            citizen_name: row.citizen_name,
            purged_at: row.purged_at,
            ticket: TicketNumber::parse(&row.ticket)
                .with_context(|| format!("corrupt ticket in complaint {}", row.id))?,
            status: ComplaintStatus::parse(&row.status)
                .with_context(|| format!("corrupt status in complaint {}", row.id))?,
            attachments: serde_json::from_str(&row.attachments)
                .with_context(|| format!("corrupt attachments in complaint {}", row.id))?,
            id: row.id,
            chat_id: row.chat_id,
            service_id: row.service_id,
            category: row.category,
            title: row.title,
            description: row.description,
            place: row.place,
            incident_date: row.incident_date,
            anonymous: row.anonymous,
            confidential: row.confidential,
            handler_id: row.handler_id,
            due_at: row.due_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    complaint_id: i64,
    kind: String,
    from_status: Option<String>,
    to_status: String,
    actor: String,
    note: Option<String>,
    public: bool,
    at: i64,
}

impl TryFrom<EventRow> for ComplaintEvent {
    type Error = anyhow::Error;

    fn try_from(row: EventRow) -> anyhow::Result<Self> {
        let status = |s: &str| ComplaintStatus::parse(s).with_context(|| format!("corrupt status in event {}", row.id));
        let kind = match row.kind.as_str() {
            "status" => EventKind::Status,
            "reply" => EventKind::Reply,
            other => anyhow::bail!("corrupt kind {other:?} in event {}", row.id),
        };
        Ok(Self {
            kind,
            from: row.from_status.as_deref().map(status).transpose()?,
            to: status(&row.to_status)?,
            id: row.id,
            complaint_id: row.complaint_id,
            actor: row.actor,
            note: row.note,
            public: row.public,
            at: row.at,
        })
    }
}

pub(super) fn rows_to<R, T>(rows: Vec<R>) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<R, Error = anyhow::Error>,
{
    rows.into_iter()
        .map(|r| T::try_from(r).map_err(StoreError::from))
        .collect()
}

/// The JSON a handler receives for a new (or re-routed) complaint: the webhook contract.
pub(crate) fn forward_payload(complaint: &Complaint, event: &str) -> serde_json::Value {
    let citizen = if complaint.anonymous {
        serde_json::Value::Null
    } else {
        serde_json::to_value(&complaint.citizen).unwrap_or_default()
    };
    json!({
        "event": event,
        "complaint": {
            "ticket": complaint.ticket,
            "status": complaint.status,
            "service_id": complaint.service_id,
            "category": complaint.category,
            "title": complaint.title,
            "description": complaint.description,
            "place": complaint.place,
            "location": complaint.location,
            "media_url": complaint.media_url,
            "incident_date": complaint.incident_date,
            "attachments": complaint.attachments,
            "anonymous": complaint.anonymous,
            "confidential": complaint.confidential,
            "citizen": citizen,
            "citizen_name": if complaint.anonymous { None } else { complaint.citizen_name.as_deref() },
            "created_at": complaint.created_at,
            "due_at": complaint.due_at,
        }
    })
}

/// The JSON of a citizen notification about a status change: the change, its note and the new
/// stage's deadline (`due_at`, what the citizen is told "by when"). A supporter's copy
/// (`supporter: true`) leaves out a private note, which was written to the citizen who filed.
fn notify_payload(complaint: &Complaint, event: &ComplaintEvent, supporter: bool) -> serde_json::Value {
    let note = if supporter && !event.public {
        None
    } else {
        event.note.as_deref()
    };
    json!({
        "event": "complaint.status_changed",
        "ticket": complaint.ticket,
        "from": event.from,
        "to": event.to,
        "note": note,
        "due_at": complaint.due_at,
        "supporter": supporter,
        "at": event.at,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error().is_some_and(|d| d.is_unique_violation())
}

const INSERT_COMPLAINT: &str = "
    INSERT INTO complaints (ticket, chat_id, service_id, category, title, description, place,
                            incident_date, attachments, anonymous, confidential, status,
                            handler_id, due_at, created_at, updated_at,
                            channel, contact, latitude, longitude, media_url, open311_client,
                            citizen_name)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15,
            $16, $17, $18, $19, $20, $21, $22)
    RETURNING *";

const LIST_PUBLIC: &str = "
    SELECT * FROM complaints
     WHERE NOT confidential
       AND ($1 IS NULL OR service_id = $1)
       AND ($2 IS NULL OR ($2 = 'closed') = (status IN ('ditolak', 'selesai', 'ditutup', 'bukan_wewenang')))
       AND ($3 IS NULL OR created_at >= $3)
       AND ($4 IS NULL OR created_at <= $4)
     ORDER BY created_at DESC, id DESC LIMIT $5";

const INSERT_EVENT: &str = "
    INSERT INTO complaint_events (complaint_id, from_status, to_status, actor, note, at, public)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    RETURNING *";

impl Store {
    /// Stores a new complaint, its first event(s) and, when routed, its forwarding task, all in one
    /// transaction; draws a fresh ticket number on the (astronomically rare) collision.
    pub async fn submit_complaint(&self, new: &NewComplaint, options: &SubmitOptions) -> Result<Complaint, StoreError> {
        for _ in 0..5 {
            let ticket = TicketNumber::generate();
            if let Some(c) = self.try_submit(new, options, &ticket).await? {
                return Ok(c);
            }
        }
        Err(anyhow::anyhow!("could not draw an unused ticket number in 5 tries").into())
    }

    /// One intake attempt with `ticket`; `None` when that ticket number is already taken.
    async fn try_submit(
        &self,
        new: &NewComplaint,
        options: &SubmitOptions,
        ticket: &TicketNumber,
    ) -> Result<Option<Complaint>, StoreError> {
        let now = self.now();
        let status = if options.auto_verify {
            ComplaintStatus::Diverifikasi
        } else {
            ComplaintStatus::Diterima
        };
        let attachments = serde_json::to_string(new.attachments.as_slice()).context("cannot serialise attachments")?;
        let citizen = match &new.citizen {
            Citizen::Telegram { chat_id } => Actor::Citizen(*chat_id),
            Citizen::Open311(_) | Citizen::Purged => Actor::Open311,
        }
        .to_string();
        let contact = match &new.citizen {
            Citizen::Open311(contact) => Some(serde_json::to_string(contact).context("cannot serialise contact")?),
            Citizen::Telegram { .. } | Citizen::Purged => None,
        };
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let inserted = sqlx::query_as::<_, ComplaintRow>(INSERT_COMPLAINT)
                .bind(ticket.as_str())
                .bind(new.citizen.telegram_chat().unwrap_or(0))
                .bind(new.service_id.as_ref().map(|s| s.as_str()))
                .bind(new.category.as_str())
                .bind(new.title.as_str())
                .bind(new.description.as_str())
                .bind(new.place.as_ref().map(|p| p.as_str()))
                .bind(new.incident_date.map(|d| d.to_string()))
                .bind(&attachments)
                .bind(new.anonymous)
                .bind(new.confidential)
                .bind(status.as_str())
                .bind(options.handler_id.as_deref())
                .bind(self.deadline(status, now))
                .bind(now)
                .bind(new.citizen.channel())
                .bind(contact.as_deref())
                .bind(new.location.map(|p| p.lat))
                .bind(new.location.map(|p| p.long))
                .bind(new.media_url.as_ref().map(|u| u.as_str()))
                .bind(new.open311_client.as_deref())
                .bind(new.citizen_name.as_deref())
                .fetch_one(&mut *tx)
                .await;
            let row = match inserted {
                Ok(row) => row,
                Err(e) if is_unique_violation(&e) => return Ok(None),
                Err(e) => return Err(anyhow::Error::new(e).context("cannot insert complaint").into()),
            };
            let complaint = Complaint::try_from(row)?;
            sqlx::query(INSERT_EVENT)
                .bind(complaint.id)
                .bind(None::<&str>)
                .bind(ComplaintStatus::Diterima.as_str())
                .bind(&citizen)
                .bind(None::<&str>)
                .bind(now)
                .bind(false)
                .execute(&mut *tx)
                .await
                .context("cannot insert intake event")?;
            if options.auto_verify {
                sqlx::query(INSERT_EVENT)
                    .bind(complaint.id)
                    .bind(ComplaintStatus::Diterima.as_str())
                    .bind(ComplaintStatus::Diverifikasi.as_str())
                    .bind(Actor::System.to_string())
                    .bind(Some("Terverifikasi otomatis"))
                    .bind(now)
                    .bind(false)
                    .execute(&mut *tx)
                    .await
                    .context("cannot insert verification event")?;
            }
            if let Some(handler) = &complaint.handler_id {
                let payload = forward_payload(&complaint, "complaint.submitted");
                insert_delivery!(
                    &mut *tx,
                    DeliveryKind::Forward,
                    Some(complaint.id),
                    Some(handler),
                    None::<i64>,
                    &payload,
                    now,
                )?;
            }
            tx.commit().await.context("cannot commit complaint intake")?;
            Ok(Some(complaint))
        })
    }

    pub async fn get_by_ticket(&self, ticket: &TicketNumber) -> Result<Option<Complaint>, StoreError> {
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>("SELECT * FROM complaints WHERE ticket = $1")
                .bind(ticket.as_str())
                .fetch_optional(pool)
                .await?
        });
        Ok(row.map(Complaint::try_from).transpose()?)
    }

    /// The citizen's complaints, newest first (at most 50).
    pub async fn list_for_chat(&self, chat_id: i64) -> Result<Vec<Complaint>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>(
                "SELECT * FROM complaints WHERE chat_id = $1 AND channel = 'telegram' ORDER BY id DESC LIMIT 50",
            )
            .bind(chat_id)
            .fetch_all(pool)
            .await?
        });
        rows_to(rows)
    }

    /// Complaints routed to `handler_id`, newest first, optionally only those in `status`.
    pub async fn list_for_handler(
        &self,
        handler_id: &str,
        status: Option<ComplaintStatus>,
        page: Page,
    ) -> Result<Vec<Complaint>, StoreError> {
        let (limit, offset) = page.limit_offset();
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>(
                "SELECT * FROM complaints
                  WHERE handler_id = $1 AND ($2 IS NULL OR status = $2)
                  ORDER BY id DESC LIMIT $3 OFFSET $4",
            )
            .bind(handler_id)
            .bind(status.map(|s| s.as_str()))
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?
        });
        rows_to(rows)
    }

    /// Non-confidential complaints for public listing (Open311 `GET requests`), newest first:
    /// optionally only one service, only open or only closed ones (see
    /// [`PUBLICLY_CLOSED`]), created within `[from, to]` (unix seconds).
    pub async fn list_public(&self, filter: &PublicFilter) -> Result<Vec<Complaint>, StoreError> {
        let open_or_closed = filter.closed.map(|closed| if closed { "closed" } else { "open" });
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>(LIST_PUBLIC)
                .bind(filter.service_id.as_deref())
                .bind(open_or_closed)
                .bind(filter.from)
                .bind(filter.to)
                .bind(i64::from(filter.limit.clamp(1, PublicFilter::MAX_LIMIT)))
                .fetch_all(pool)
                .await?
        });
        rows_to(rows)
    }

    /// The append-only history of a complaint, oldest first.
    pub async fn events(&self, ticket: &TicketNumber) -> Result<Vec<ComplaintEvent>, StoreError> {
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, EventRow>(
                "SELECT e.* FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                  WHERE c.ticket = $1 ORDER BY e.id",
            )
            .bind(ticket.as_str())
            .fetch_all(pool)
            .await?
        });
        rows_to(rows)
    }

    /// Complaints past their current stage's deadline (oldest deadline first).
    pub async fn list_overdue(&self, limit: u32) -> Result<Vec<Complaint>, StoreError> {
        let now = self.now();
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>(
                "SELECT * FROM complaints WHERE due_at IS NOT NULL AND due_at < $1
                  ORDER BY due_at LIMIT $2",
            )
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        rows_to(rows)
    }

    /// Applies a status change: validates the transition, writes the event, the citizen's
    /// notification task (and a forwarding task on re-route) and the idempotency record in one
    /// transaction. A repeated idempotency key replays the first outcome without writing.
    pub async fn change_status(&self, change: &StatusChange) -> Result<ChangeOutcome, StoreError> {
        let now = self.now();
        let scope = change.actor.to_string();
        let note = change.note.as_ref().map(|n| n.as_str());
        let mut fingerprint = json!({
            "ticket": change.ticket,
            "to": change.to,
            "note": note,
            "reroute_to": change.reroute_to,
        });
        if change.public_note {
            // Only when set, so keys recorded before public notes existed still match.
            fingerprint["public_note"] = json!(true);
        }
        let fingerprint = fingerprint.to_string();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            if let Some(key) = &change.idempotency_key {
                let fresh = sqlx::query(
                    "INSERT INTO idempotency_keys (scope, key, request, created_at)
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(&scope)
                .bind(key)
                .bind(&fingerprint)
                .bind(now)
                .execute(&mut *tx)
                .await
                .context("cannot record idempotency key")?
                .rows_affected()
                    == 1;
                if !fresh {
                    let (request, response): (String, Option<String>) =
                        sqlx::query_as("SELECT request, response FROM idempotency_keys WHERE scope = $1 AND key = $2")
                            .bind(&scope)
                            .bind(key)
                            .fetch_one(&mut *tx)
                            .await
                            .context("cannot read idempotency record")?;
                    drop(tx);
                    if request != fingerprint {
                        return Err(StoreError::IdempotencyKeyReused);
                    }
                    let event_id: i64 = response
                        .as_deref()
                        .and_then(|r| r.parse().ok())
                        .context("idempotency record without a saved response")?;
                    return self.replay(&change.ticket, event_id).await;
                }
            }

            let row = sqlx::query_as::<_, ComplaintRow>(dialect_sql(pool).select_for_update)
                .bind(change.ticket.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(current) = row.map(Complaint::try_from).transpose()? else {
                return Err(StoreError::NotFound);
            };
            if let Some(handler) = &change.only_for_handler
                && current.handler_id.as_deref() != Some(handler.as_str())
            {
                return Err(StoreError::NotFound);
            }
            ComplaintStatus::transition_by(current.status, change.to, change.actor.role())?;
            if current.status.is_reopen(change.to) && current.due_at.is_some_and(|due| now > due) {
                return Err(TransitionError::ReopenWindowClosed.into());
            }
            let handler_id = change.reroute_to.clone().or(current.handler_id.clone());
            let updated = sqlx::query_as::<_, ComplaintRow>(
                "UPDATE complaints SET status = $2, handler_id = $3, due_at = $4, updated_at = $5
                  WHERE id = $1 RETURNING *",
            )
            .bind(current.id)
            .bind(change.to.as_str())
            .bind(handler_id.as_deref())
            .bind(self.deadline(change.to, now))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .context("cannot update complaint status")?;
            let complaint = Complaint::try_from(updated)?;
            let event = sqlx::query_as::<_, EventRow>(INSERT_EVENT)
                .bind(complaint.id)
                .bind(current.status.as_str())
                .bind(change.to.as_str())
                .bind(&scope)
                .bind(note)
                .bind(now)
                .bind(change.public_note && note.is_some())
                .fetch_one(&mut *tx)
                .await
                .context("cannot insert status event")?;
            let event = ComplaintEvent::try_from(event)?;
            // Open311 citizens have no chat: their client polls the status instead.
            let citizen_chat = complaint.citizen.telegram_chat().filter(|_| !change.quiet);
            if let Some(chat) = citizen_chat {
                insert_delivery!(
                    &mut *tx,
                    DeliveryKind::Notify,
                    Some(complaint.id),
                    complaint.handler_id.as_deref(),
                    Some(chat),
                    &notify_payload(&complaint, &event, false),
                    now,
                )?;
            }
            if !change.quiet {
                let supporters: Vec<(i64,)> =
                    sqlx::query_as("SELECT chat_id FROM complaint_supporters WHERE complaint_id = $1 ORDER BY chat_id")
                        .bind(complaint.id)
                        .fetch_all(&mut *tx)
                        .await
                        .context("cannot list supporters")?;
                for (chat,) in supporters {
                    insert_delivery!(
                        &mut *tx,
                        DeliveryKind::Notify,
                        Some(complaint.id),
                        complaint.handler_id.as_deref(),
                        Some(chat),
                        &notify_payload(&complaint, &event, true),
                        now,
                    )?;
                }
            }
            // The handler hears of a citizen's reopen the way it heard of the complaint.
            if current.status.is_reopen(change.to)
                && let Some(handler) = complaint.handler_id.as_deref()
            {
                insert_delivery!(
                    &mut *tx,
                    DeliveryKind::Forward,
                    Some(complaint.id),
                    Some(handler),
                    None::<i64>,
                    &forward_payload(&complaint, "complaint.reopened"),
                    now,
                )?;
            }
            if let Some(handler) = &change.reroute_to {
                insert_delivery!(
                    &mut *tx,
                    DeliveryKind::Forward,
                    Some(complaint.id),
                    Some(handler),
                    None::<i64>,
                    &forward_payload(&complaint, "complaint.rerouted"),
                    now,
                )?;
            }
            if let Some(key) = &change.idempotency_key {
                sqlx::query("UPDATE idempotency_keys SET response = $3 WHERE scope = $1 AND key = $2")
                    .bind(&scope)
                    .bind(key)
                    .bind(event.id.to_string())
                    .execute(&mut *tx)
                    .await
                    .context("cannot save idempotent response")?;
            }
            tx.commit().await.context("cannot commit status change")?;
            Ok(ChangeOutcome {
                complaint,
                event,
                replayed: false,
            })
        })
    }

    /// Records a message from the handler to the citizen (an event of kind `reply`) and the
    /// task that delivers it, in one transaction. With `only_for_handler`, the complaint must be
    /// routed to that handler.
    pub async fn add_reply(
        &self,
        ticket: &TicketNumber,
        actor: &Actor,
        message: &StatusNote,
        only_for_handler: Option<&str>,
    ) -> Result<ComplaintEvent, StoreError> {
        let now = self.now();
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let row = sqlx::query_as::<_, ComplaintRow>(dialect_sql(pool).select_for_update)
                .bind(ticket.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            let Some(complaint) = row.map(Complaint::try_from).transpose()? else {
                return Err(StoreError::NotFound);
            };
            if let Some(handler) = only_for_handler
                && complaint.handler_id.as_deref() != Some(handler)
            {
                return Err(StoreError::NotFound);
            }
            let event = sqlx::query_as::<_, EventRow>(
                "INSERT INTO complaint_events (complaint_id, kind, from_status, to_status, actor, note, at)
                 VALUES ($1, 'reply', NULL, $2, $3, $4, $5)
                 RETURNING *",
            )
            .bind(complaint.id)
            .bind(complaint.status.as_str())
            .bind(actor.to_string())
            .bind(message.as_str())
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .context("cannot insert reply event")?;
            let event = ComplaintEvent::try_from(event)?;
            let payload = json!({
                "event": "complaint.reply",
                "ticket": complaint.ticket,
                "status": complaint.status,
                "message": message.as_str(),
                "at": now,
            });
            if let Some(chat) = complaint.citizen.telegram_chat() {
                insert_delivery!(
                    &mut *tx,
                    DeliveryKind::Notify,
                    Some(complaint.id),
                    complaint.handler_id.as_deref(),
                    Some(chat),
                    &payload,
                    now,
                )?;
            }
            tx.commit().await.context("cannot commit reply")?;
            Ok(event)
        })
    }

    /// Sends the handler an overdue notice (a forwarding task with event `complaint.overdue`) for
    /// every routed complaint past its stage deadline, once per deadline; returns the tickets
    /// escalated. Resolved complaints are left to [`Store::close_expired`].
    pub async fn escalate_overdue(&self, limit: u32) -> Result<Vec<TicketNumber>, StoreError> {
        let now = self.now();
        let ids: Vec<(i64,)> = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT id FROM complaints
                  WHERE due_at IS NOT NULL AND due_at < $1 AND handler_id IS NOT NULL
                    AND status <> 'selesai'
                    AND (escalated_due_at IS NULL OR escalated_due_at <> due_at)
                  ORDER BY due_at LIMIT $2",
            )
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        let mut escalated = Vec::new();
        for (id,) in ids {
            escalated.extend(self.escalate_one(id, now).await?);
        }
        Ok(escalated)
    }

    /// Escalates one complaint if it is still overdue and not yet escalated for this deadline.
    async fn escalate_one(&self, id: i64, now: i64) -> Result<Option<TicketNumber>, StoreError> {
        on_pool!(self, |pool| {
            let mut tx = pool.begin_write(&self.gate).await?;
            let row = sqlx::query_as::<_, ComplaintRow>(
                "UPDATE complaints SET escalated_due_at = due_at
                      WHERE id = $1 AND due_at IS NOT NULL AND due_at < $2
                        AND handler_id IS NOT NULL AND status <> 'selesai'
                        AND (escalated_due_at IS NULL OR escalated_due_at <> due_at)
                     RETURNING *",
            )
            .bind(id)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await
            .context("cannot mark escalation")?;
            let Some(complaint) = row.map(Complaint::try_from).transpose()? else {
                return Ok(None);
            };
            let payload = forward_payload(&complaint, "complaint.overdue");
            insert_delivery!(
                &mut *tx,
                DeliveryKind::Forward,
                Some(complaint.id),
                complaint.handler_id.as_deref(),
                None::<i64>,
                &payload,
                now,
            )?;
            tx.commit().await.context("cannot commit escalation")?;
            Ok(Some(complaint.ticket))
        })
    }

    /// Closes resolved complaints whose auto-close window has passed (`selesai -> ditutup`, actor
    /// `system`), each in its own transaction; returns the closed tickets. A complaint the citizen
    /// reopened in the meantime is simply skipped.
    pub async fn close_expired(&self, limit: u32) -> Result<Vec<TicketNumber>, StoreError> {
        let now = self.now();
        let rows = on_pool!(self, |pool| {
            sqlx::query_as::<_, ComplaintRow>(
                "SELECT * FROM complaints WHERE status = 'selesai' AND due_at IS NOT NULL
                    AND due_at < $1 ORDER BY due_at LIMIT $2",
            )
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        let mut closed = Vec::new();
        for complaint in rows_to::<_, Complaint>(rows)? {
            let mut change = StatusChange::new(complaint.ticket.clone(), ComplaintStatus::Ditutup, Actor::System);
            change.note = StatusNote::parse("Ditutup otomatis karena tidak ada tanggapan dalam batas waktu.").ok();
            match self.change_status(&change).await {
                Ok(_) => closed.push(complaint.ticket),
                Err(StoreError::Transition(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(closed)
    }

    async fn replay(&self, ticket: &TicketNumber, event_id: i64) -> Result<ChangeOutcome, StoreError> {
        let complaint = self.get_by_ticket(ticket).await?.ok_or(StoreError::NotFound)?;
        let row = on_pool!(self, |pool| {
            sqlx::query_as::<_, EventRow>("SELECT * FROM complaint_events WHERE id = $1")
                .bind(event_id)
                .fetch_one(pool)
                .await
                .context("saved idempotent event is missing")?
        });
        Ok(ChangeOutcome {
            complaint,
            event: ComplaintEvent::try_from(row)?,
            replayed: true,
        })
    }

    /// Forgets idempotency keys older than `max_age_secs`.
    pub async fn purge_idempotency_keys(&self, max_age_secs: i64) -> Result<u64, StoreError> {
        let cutoff = self.now() - max_age_secs;
        let done = on_pool!(self, |pool| {
            sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                .bind(cutoff)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(done)
    }
}

pub(crate) struct DialectSql {
    pub(crate) select_for_update: &'static str,
    pub(crate) claim_delivery: &'static str,
    pub(crate) claim_whatsapp: &'static str,
}

pub(crate) fn dialect_sql<P: Dialect>(_: &P) -> DialectSql {
    DialectSql {
        select_for_update: P::SELECT_COMPLAINT_FOR_UPDATE,
        claim_delivery: P::CLAIM_DELIVERY,
        claim_whatsapp: P::CLAIM_WHATSAPP,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures;
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, DeliveryStatus};

    fn new_complaint() -> NewComplaint {
        NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap()
    }

    fn routed(handler: &str) -> SubmitOptions {
        SubmitOptions {
            handler_id: Some(handler.into()),
            auto_verify: false,
        }
    }

    async fn submit_writes_complaint_event_and_forwarding_task(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        assert_eq!(c.status, ComplaintStatus::Diterima);
        assert_eq!(c.handler_id.as_deref(), Some("dukcapil"));
        assert_eq!(c.attachments, vec!["AgACAgUAAxkBAAIB".to_string()]);
        assert_eq!(c.incident_date.as_deref(), Some("2025-08-01"));
        assert!(c.confidential && !c.anonymous);

        let fetched = store.get_by_ticket(&c.ticket).await.unwrap().unwrap();
        assert_eq!(fetched, c);

        let events = store.events(&c.ticket).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!((events[0].from, events[0].to), (None, ComplaintStatus::Diterima));
        assert_eq!(events[0].actor, "citizen:424242");

        let tasks = store.deliveries_for_complaint(c.id).await.unwrap();
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].kind, DeliveryKind::Forward);
        assert_eq!(tasks[0].status, DeliveryStatus::Pending);
        assert_eq!(tasks[0].handler_id.as_deref(), Some("dukcapil"));
        let payload: serde_json::Value = serde_json::from_str(&tasks[0].payload).unwrap();
        assert_eq!(payload["complaint"]["ticket"], c.ticket.as_str());
        assert_eq!(payload["complaint"]["citizen"]["chat_id"], 424242);
    }

    async fn anonymous_complaints_never_reveal_the_citizen(db: TestDb) {
        let mut new = new_complaint();
        new.anonymous = true;
        let c = db.store.submit_complaint(&new, &routed("dukcapil")).await.unwrap();
        let tasks = db.store.deliveries_for_complaint(c.id).await.unwrap();
        let payload: serde_json::Value = serde_json::from_str(&tasks[0].payload).unwrap();
        assert!(payload["complaint"]["citizen"].is_null());
        assert!(!tasks[0].payload.contains("424242"));
    }

    async fn unrouted_complaint_has_no_forwarding_task(db: TestDb) {
        let c = db
            .store
            .submit_complaint(&new_complaint(), &SubmitOptions::default())
            .await
            .unwrap();
        assert!(db.store.deliveries_for_complaint(c.id).await.unwrap().is_empty());
    }

    async fn auto_verification_records_two_events(db: TestDb) {
        let options = SubmitOptions {
            handler_id: Some("dukcapil".into()),
            auto_verify: true,
        };
        let c = db.store.submit_complaint(&new_complaint(), &options).await.unwrap();
        assert_eq!(c.status, ComplaintStatus::Diverifikasi);
        let events = db.store.events(&c.ticket).await.unwrap();
        let path: Vec<_> = events.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(
            path,
            vec![
                (None, ComplaintStatus::Diterima),
                (Some(ComplaintStatus::Diterima), ComplaintStatus::Diverifikasi)
            ]
        );
    }

    async fn lists_by_chat_and_by_handler_with_filter_and_pages(db: TestDb) {
        let store = &db.store;
        let mut tickets = Vec::new();
        for i in 0..5 {
            let handler = if i % 2 == 0 { "a" } else { "b" };
            tickets.push(
                store
                    .submit_complaint(&new_complaint(), &routed(handler))
                    .await
                    .unwrap()
                    .ticket,
            );
        }
        let mut other = new_complaint();
        other.citizen = Citizen::Telegram { chat_id: 7 };
        store.submit_complaint(&other, &routed("a")).await.unwrap();

        assert_eq!(store.list_for_chat(424242).await.unwrap().len(), 5);
        let mine = store.list_for_chat(7).await.unwrap();
        assert_eq!(mine.len(), 1);

        let a = store.list_for_handler("a", None, Page::default()).await.unwrap();
        assert_eq!(a.len(), 4);
        assert!(a.windows(2).all(|w| w[0].id > w[1].id), "newest first");
        let page2 = store
            .list_for_handler("a", None, Page { number: 2, size: 3 })
            .await
            .unwrap();
        assert_eq!(page2.len(), 1);

        store
            .change_status(&StatusChange::new(
                tickets[0].clone(),
                ComplaintStatus::Diverifikasi,
                Actor::Handler("a".into()),
            ))
            .await
            .unwrap();
        let verified = store
            .list_for_handler("a", Some(ComplaintStatus::Diverifikasi), Page::default())
            .await
            .unwrap();
        assert_eq!(verified.len(), 1);
        assert_eq!(verified[0].ticket, tickets[0]);
        assert!(
            store
                .list_for_handler("nobody", None, Page::default())
                .await
                .unwrap()
                .is_empty()
        );
    }

    async fn status_change_writes_event_and_notification(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        db.clock.advance(60);
        let mut change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Handler("dukcapil".into()),
        );
        change.note = Some(StatusNote::parse("Laporan lengkap").unwrap());
        let outcome = store.change_status(&change).await.unwrap();
        assert!(!outcome.replayed);
        assert_eq!(outcome.complaint.status, ComplaintStatus::Diverifikasi);
        assert_eq!(outcome.complaint.updated_at, c.created_at + 60);
        assert_eq!(outcome.event.from, Some(ComplaintStatus::Diterima));
        assert_eq!(outcome.event.note.as_deref(), Some("Laporan lengkap"));

        let tasks = store.deliveries_for_complaint(c.id).await.unwrap();
        let notify: Vec<_> = tasks.iter().filter(|t| t.kind == DeliveryKind::Notify).collect();
        assert_eq!(notify.len(), 1);
        assert_eq!(notify[0].chat_id, Some(424242));
        let payload: serde_json::Value = serde_json::from_str(&notify[0].payload).unwrap();
        assert_eq!(payload["to"], "diverifikasi");
        assert_eq!(store.events(&c.ticket).await.unwrap().len(), 2);
    }

    async fn invalid_transition_is_refused_without_any_write(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let mut change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Selesai,
            Actor::Handler("dukcapil".into()),
        );
        change.idempotency_key = Some("k1".into());
        let err = store.change_status(&change).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Transition(TransitionError::NotAllowed { .. })),
            "{err:?}"
        );
        assert_eq!(
            store.get_by_ticket(&c.ticket).await.unwrap().unwrap().status,
            ComplaintStatus::Diterima
        );
        assert_eq!(store.events(&c.ticket).await.unwrap().len(), 1);
        assert_eq!(store.deliveries_for_complaint(c.id).await.unwrap().len(), 1);
        // The key was rolled back with the refused change, so a valid request may use it.
        change.to = ComplaintStatus::Diverifikasi;
        assert!(!store.change_status(&change).await.unwrap().replayed);
    }

    async fn unknown_ticket_and_foreign_handler_are_not_found(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let unknown = TicketNumber::generate();
        let err = store
            .change_status(&StatusChange::new(
                unknown,
                ComplaintStatus::Diverifikasi,
                Actor::System,
            ))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound));
        let mut change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Handler("dinkes".into()),
        );
        change.only_for_handler = Some("dinkes".into());
        assert!(matches!(
            store.change_status(&change).await.unwrap_err(),
            StoreError::NotFound
        ));
    }

    async fn repeated_idempotency_key_replays_without_writing(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let mut change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Handler("dukcapil".into()),
        );
        change.idempotency_key = Some("req-1".into());
        let first = store.change_status(&change).await.unwrap();
        db.clock.advance(5);
        let second = store.change_status(&change).await.unwrap();
        assert!(second.replayed);
        assert_eq!(second.event, first.event);
        assert_eq!(store.events(&c.ticket).await.unwrap().len(), 2);
        assert_eq!(store.deliveries_for_complaint(c.id).await.unwrap().len(), 2);

        // Same key, different request: refused.
        change.to = ComplaintStatus::Ditolak;
        assert!(matches!(
            store.change_status(&change).await.unwrap_err(),
            StoreError::IdempotencyKeyReused
        ));
        // Same key from another actor is a different scope.
        change.actor = Actor::Handler("other".into());
        change.to = ComplaintStatus::Diteruskan;
        assert!(!store.change_status(&change).await.unwrap().replayed);
    }

    async fn concurrent_duplicates_apply_once(db: TestDb) {
        let store = db.store.clone();
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let mut change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Handler("dukcapil".into()),
        );
        change.idempotency_key = Some("same".into());
        let mut handles = Vec::new();
        for _ in 0..4 {
            let (store, change) = (store.clone(), change.clone());
            handles.push(tokio::spawn(async move { store.change_status(&change).await }));
        }
        let mut applied = 0;
        for h in handles {
            let outcome = h.await.unwrap().unwrap();
            applied += usize::from(!outcome.replayed);
        }
        assert_eq!(applied, 1);
        assert_eq!(store.events(&c.ticket).await.unwrap().len(), 2);
    }

    async fn reroute_from_bukan_wewenang_forwards_to_the_new_handler(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let actor = Actor::Handler("dukcapil".into());
        store
            .change_status(&StatusChange::new(
                c.ticket.clone(),
                ComplaintStatus::BukanWewenang,
                actor.clone(),
            ))
            .await
            .unwrap();
        let mut change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diteruskan,
            Actor::Admin("admin".into()),
        );
        change.reroute_to = Some("dinsos".into());
        let outcome = store.change_status(&change).await.unwrap();
        assert_eq!(outcome.complaint.handler_id.as_deref(), Some("dinsos"));
        let forwards: Vec<_> = store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.kind == DeliveryKind::Forward)
            .collect();
        assert_eq!(forwards.len(), 2);
        assert_eq!(forwards[1].handler_id.as_deref(), Some("dinsos"));
    }

    async fn events_are_append_only(db: TestDb) {
        let c = db.store.submit_complaint(&new_complaint(), &routed("x")).await.unwrap();
        on_pool!(db.store, |pool| {
            let update = sqlx::query("UPDATE complaint_events SET note = 'x'")
                .execute(pool)
                .await;
            assert!(update.is_err(), "update allowed");
            let delete = sqlx::query("DELETE FROM complaint_events").execute(pool).await;
            assert!(delete.is_err(), "delete allowed");
        });
        assert_eq!(db.store.events(&c.ticket).await.unwrap().len(), 1);
    }

    async fn deadlines_follow_the_sla_and_bound_the_reopen_window(db: TestDb) {
        use crate::calendar::{Sla, SlaSettings, WorkingCalendar};
        let sla = Sla::new(SlaSettings::default(), WorkingCalendar::embedded());
        let store = db.store.clone().with_deadlines(std::sync::Arc::new(sla.clone()));
        let handler = Actor::Handler("dukcapil".into());
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let start = db.clock.now();
        assert_eq!(c.due_at, sla.calendar.deadline(start, 3).into());
        assert!(store.list_overdue(10).await.unwrap().is_empty());
        db.clock.advance(7 * 86_400);
        assert_eq!(store.list_overdue(10).await.unwrap().len(), 1, "verification is late");

        for to in [
            ComplaintStatus::Diverifikasi,
            ComplaintStatus::Diteruskan,
            ComplaintStatus::Selesai,
        ] {
            store
                .change_status(&StatusChange::new(c.ticket.clone(), to, handler.clone()))
                .await
                .unwrap();
        }
        let resolved = store.get_by_ticket(&c.ticket).await.unwrap().unwrap();
        let window_end = resolved.due_at.unwrap();
        assert_eq!(window_end, sla.calendar.deadline(db.clock.now(), 10));

        // Within the window the citizen may reopen; the handler resolves again.
        let citizen = Actor::Citizen(424242);
        let reopen = StatusChange::new(c.ticket.clone(), ComplaintStatus::Ditindaklanjuti, citizen.clone());
        store.change_status(&reopen).await.unwrap();
        store
            .change_status(&StatusChange::new(
                c.ticket.clone(),
                ComplaintStatus::Selesai,
                handler.clone(),
            ))
            .await
            .unwrap();

        // After the window: no reopen, and the sweeper closes it.
        let due = store.get_by_ticket(&c.ticket).await.unwrap().unwrap().due_at.unwrap();
        db.clock.set(due + 1);
        let err = store.change_status(&reopen).await.unwrap_err();
        assert!(
            matches!(err, StoreError::Transition(TransitionError::ReopenWindowClosed)),
            "{err:?}"
        );
        assert_eq!(store.close_expired(10).await.unwrap(), vec![c.ticket.clone()]);
        let closed = store.get_by_ticket(&c.ticket).await.unwrap().unwrap();
        assert_eq!(closed.status, ComplaintStatus::Ditutup);
        assert_eq!(closed.due_at, None);
        assert!(store.close_expired(10).await.unwrap().is_empty());
    }

    async fn replies_are_logged_and_sent_to_the_citizen(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let actor = Actor::Handler("dukcapil".into());
        let message = StatusNote::parse("Mohon kirimkan foto KTP Anda.").unwrap();
        let event = store
            .add_reply(&c.ticket, &actor, &message, Some("dukcapil"))
            .await
            .unwrap();
        assert_eq!(event.kind, EventKind::Reply);
        assert_eq!(event.to, ComplaintStatus::Diterima);
        let notify: Vec<_> = store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.kind == DeliveryKind::Notify)
            .collect();
        assert_eq!(notify.len(), 1);
        assert!(notify[0].payload.contains("foto KTP"));
        let err = store
            .add_reply(&c.ticket, &actor, &message, Some("dinsos"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound));
        assert_eq!(
            store.get_by_ticket(&c.ticket).await.unwrap().unwrap().status,
            ComplaintStatus::Diterima
        );
    }

    async fn overdue_complaints_escalate_once_per_deadline(db: TestDb) {
        use crate::calendar::{Sla, SlaSettings, WorkingCalendar};
        let sla = Sla::new(SlaSettings::default(), WorkingCalendar::embedded());
        let store = db.store.clone().with_deadlines(std::sync::Arc::new(sla));
        let c = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        store
            .submit_complaint(&new_complaint(), &SubmitOptions::default())
            .await
            .unwrap();
        assert!(
            store.escalate_overdue(10).await.unwrap().is_empty(),
            "nothing is late yet"
        );
        db.clock.advance(7 * 86_400);
        assert_eq!(
            store.escalate_overdue(10).await.unwrap(),
            vec![c.ticket.clone()],
            "only routed ones"
        );
        assert!(
            store.escalate_overdue(10).await.unwrap().is_empty(),
            "once per deadline"
        );
        let overdue: Vec<_> = store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.payload.contains("complaint.overdue"))
            .collect();
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].kind, DeliveryKind::Forward);
        // A new stage brings a new deadline, which escalates again when missed.
        let handler = Actor::Handler("dukcapil".into());
        store
            .change_status(&StatusChange::new(
                c.ticket.clone(),
                ComplaintStatus::Diverifikasi,
                handler,
            ))
            .await
            .unwrap();
        db.clock.advance(7 * 86_400);
        assert_eq!(store.escalate_overdue(10).await.unwrap().len(), 1);
    }

    fn open311_complaint() -> NewComplaint {
        let contact = Contact::parse(Some("Siti"), Some("Aminah"), Some("siti@contoh.id"), None).unwrap();
        let mut raw = fixtures::raw();
        raw.chat_id = 0;
        raw.confidential = false;
        raw.attachments.clear();
        let mut new = NewComplaint::parse_with_citizen(&raw, Citizen::Open311(contact), fixtures::today()).unwrap();
        new.location = crate::domain::GeoPoint::parse(Some("-7.5"), Some("112.7")).unwrap();
        new.media_url = Some(crate::domain::MediaUrl::parse("https://contoh.id/foto.jpg").unwrap());
        new
    }

    async fn open311_complaints_keep_contact_and_skip_chat_notifications(db: TestDb) {
        let store = &db.store;
        let c = store
            .submit_complaint(&open311_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        let Citizen::Open311(contact) = &c.citizen else {
            panic!("expected an Open311 citizen, got {:?}", c.citizen);
        };
        assert_eq!(contact.email.as_deref(), Some("siti@contoh.id"));
        assert_eq!(c.chat_id, 0);
        assert_eq!(c.location.map(|p| p.lat), Some(-7.5));
        assert_eq!(store.get_by_ticket(&c.ticket).await.unwrap().unwrap(), c);
        assert_eq!(store.events(&c.ticket).await.unwrap()[0].actor, "open311");
        let forward = &store.deliveries_for_complaint(c.id).await.unwrap()[0];
        let payload: serde_json::Value = serde_json::from_str(&forward.payload).unwrap();
        assert_eq!(payload["complaint"]["citizen"]["channel"], "open311");
        assert_eq!(payload["complaint"]["citizen"]["first_name"], "Siti");
        assert_eq!(payload["complaint"]["media_url"], "https://contoh.id/foto.jpg");
        assert!(store.list_for_chat(0).await.unwrap().is_empty());

        let change = StatusChange::new(
            c.ticket.clone(),
            ComplaintStatus::Diverifikasi,
            Actor::Handler("dukcapil".into()),
        );
        store.change_status(&change).await.unwrap();
        let reply = StatusNote::parse("Sedang kami cek.").unwrap();
        store
            .add_reply(&c.ticket, &Actor::Handler("dukcapil".into()), &reply, None)
            .await
            .unwrap();
        let kinds: Vec<DeliveryKind> = store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .iter()
            .map(|d| d.kind)
            .collect();
        assert_eq!(kinds, vec![DeliveryKind::Forward], "no chat, no notification task");
    }

    async fn public_listing_hides_confidential_and_filters(db: TestDb) {
        let store = &db.store;
        let secret = store
            .submit_complaint(&new_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        assert!(secret.confidential);
        let open = store
            .submit_complaint(&open311_complaint(), &routed("dukcapil"))
            .await
            .unwrap();
        db.clock.advance(10);
        let mut other = open311_complaint();
        other.service_id = None;
        let closed = store.submit_complaint(&other, &routed("dukcapil")).await.unwrap();
        let reject = {
            let mut change = StatusChange::new(
                closed.ticket.clone(),
                ComplaintStatus::Ditolak,
                Actor::Handler("dukcapil".into()),
            );
            change.note = Some(StatusNote::parse("Bukan pengaduan").unwrap());
            change
        };
        store.change_status(&reject).await.unwrap();
        let tickets = |list: Vec<Complaint>| list.into_iter().map(|c| c.ticket).collect::<Vec<_>>();
        let all = store.list_public(&PublicFilter::default()).await.unwrap();
        assert_eq!(tickets(all), vec![closed.ticket.clone(), open.ticket.clone()]);
        let only = |f: PublicFilter| async move { tickets(store.list_public(&f).await.unwrap()) };
        let closed_only = PublicFilter {
            closed: Some(true),
            ..PublicFilter::default()
        };
        assert_eq!(only(closed_only).await, vec![closed.ticket.clone()]);
        let open_only = PublicFilter {
            closed: Some(false),
            ..PublicFilter::default()
        };
        assert_eq!(only(open_only).await, vec![open.ticket.clone()]);
        let by_service = PublicFilter {
            service_id: open.service_id.clone(),
            ..PublicFilter::default()
        };
        assert_eq!(only(by_service).await, vec![open.ticket.clone()]);
        let window = PublicFilter {
            from: Some(closed.created_at),
            to: Some(closed.created_at),
            ..PublicFilter::default()
        };
        assert_eq!(only(window).await, vec![closed.ticket.clone()]);
        let limited = PublicFilter {
            limit: 1,
            ..PublicFilter::default()
        };
        assert_eq!(only(limited).await, vec![closed.ticket]);
    }

    #[test]
    fn publicly_closed_statuses_match_the_sql() {
        let in_sql: Vec<ComplaintStatus> = ComplaintStatus::ALL
            .into_iter()
            .filter(|s| LIST_PUBLIC.contains(&format!("'{}'", s.as_str())))
            .collect();
        assert_eq!(in_sql, PUBLICLY_CLOSED.to_vec());
    }

    both_backends!(
        open311_complaints_keep_contact_and_skip_chat_notifications,
        public_listing_hides_confidential_and_filters,
        overdue_complaints_escalate_once_per_deadline,
        replies_are_logged_and_sent_to_the_citizen,
        deadlines_follow_the_sla_and_bound_the_reopen_window,
        submit_writes_complaint_event_and_forwarding_task,
        anonymous_complaints_never_reveal_the_citizen,
        unrouted_complaint_has_no_forwarding_task,
        auto_verification_records_two_events,
        lists_by_chat_and_by_handler_with_filter_and_pages,
        status_change_writes_event_and_notification,
        invalid_transition_is_refused_without_any_write,
        unknown_ticket_and_foreign_handler_are_not_found,
        repeated_idempotency_key_replays_without_writing,
        concurrent_duplicates_apply_once,
        reroute_from_bukan_wewenang_forwards_to_the_new_handler,
        events_are_append_only,
    );
}
