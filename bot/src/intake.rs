//! Complaint intake: the one way a complaint enters loket. Every chat channel's `/lapor` goes
//! through the conversation core and files here, and so does Open311 (`http/open311.rs`):
//! parse -> route -> submit.
//!
//! - **parse**: a [`Filing`] (what a channel collected, unvalidated) becomes a [`NewComplaint`]
//!   through the domain's one `parse`, which names the first bad field in Indonesian; the
//!   channel's extras (display name, coordinates, media link, Open311 client) are attached here
//!   and nowhere else;
//! - **route**: the handler from the routing file: the service's own handler, else its agency's,
//!   else the category's, else the default (the core also asks this alone, before the complaint
//!   is complete, to look for an open complaint about the same problem at that handler);
//! - **submit**: the complaint and its forwarding task in one transaction
//!   ([`Store::submit_complaint`]), verified at once when `[intake]` says so.
//!
//! Channel rules stay with the channel: the core's per-chat allowance (`[limits]`) and the
//! Open311 client's hourly limit are checked by the caller before it files.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::domain::{Citizen, GeoPoint, MediaUrl, NewComplaint, NewComplaintError, RawComplaint};
use crate::routing::{RouteQuery, Routing};
use crate::storage::{Complaint, Store, StoreError, SubmitOptions};

/// Auto-verification (`[intake]`): verify on submit when the description is detailed enough;
/// otherwise an administrator (or the handler) verifies.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntakeSettings {
    pub auto_verify: bool,
    pub auto_verify_min_chars: usize,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            auto_verify: false,
            auto_verify_min_chars: 100,
        }
    }
}

impl IntakeSettings {
    pub fn auto_verifies(&self, description: &str) -> bool {
        self.auto_verify && description.chars().count() >= self.auto_verify_min_chars
    }
}

/// A complaint as a channel collected it, before validation.
#[derive(Debug, Clone)]
pub struct Filing {
    /// The fields every channel fills (`chat_id` is ignored: the citizen is [`Self::citizen`]).
    pub raw: RawComplaint,
    /// Who files: a chat (`Citizen::Telegram` for every chat channel, by its chat id) or the
    /// contact an Open311 client sent.
    pub citizen: Citizen,
    /// The agency of the complaint's service, when it names one (routing's second choice).
    pub agency: Option<String>,
    /// The citizen's display name on their channel, shown to the handler; dropped when the
    /// complaint is anonymous.
    pub name: Option<String>,
    /// Where the problem is (a shared location, Open311 `lat`/`long`).
    pub location: Option<GeoPoint>,
    /// A link to a photo of the problem (Open311 `media_url`).
    pub media_url: Option<MediaUrl>,
    /// The Open311 client application that files it.
    pub open311_client: Option<String>,
}

impl Filing {
    /// A filing with no extras.
    pub fn new(raw: RawComplaint, citizen: Citizen) -> Self {
        Self {
            raw,
            citizen,
            agency: None,
            name: None,
            location: None,
            media_url: None,
            open311_client: None,
        }
    }
}

/// Why a filing was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// A field is wrong; the message is the domain's Indonesian sentence for the citizen.
    #[error(transparent)]
    Invalid(#[from] NewComplaintError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The intake service: cheap to clone, one per deployment (the core and the HTTP server each
/// hold one over the same store and routing).
#[derive(Clone)]
pub struct Intake {
    store: Store,
    routing: Arc<Routing>,
    settings: IntakeSettings,
}

impl Intake {
    pub fn new(store: Store, routing: Arc<Routing>, settings: IntakeSettings) -> Self {
        Self {
            store,
            routing,
            settings,
        }
    }

    /// Validates the whole filing; `today` (local) judges the incident date.
    pub fn parse(&self, filing: &Filing, today: NaiveDate) -> Result<NewComplaint, NewComplaintError> {
        let mut new = NewComplaint::parse_with_citizen(&filing.raw, filing.citizen.clone(), today)?;
        // An anonymous citizen's name is not even stored: nobody can show it by mistake.
        if let Some(name) = filing.name.as_deref().filter(|_| !filing.raw.anonymous) {
            new = new.with_citizen_name(name);
        }
        new.location = filing.location;
        new.media_url = filing.media_url.clone();
        new.open311_client = filing.open311_client.clone();
        Ok(new)
    }

    /// The handler a complaint about `service_id` (of `agency`) in `category` goes to; `None`
    /// leaves it for an administrator.
    pub fn route(&self, service_id: Option<&str>, agency: Option<&str>, category: Option<&str>) -> Option<String> {
        let query = RouteQuery {
            service_id,
            agency,
            category,
        };
        self.routing.route(&query).map(|(handler, reason)| {
            tracing::debug!(handler = %handler.id, ?reason, "complaint routed");
            handler.id.clone()
        })
    }

    /// Parses, routes and stores a filing with its forwarding task.
    pub async fn file(&self, filing: &Filing, today: NaiveDate) -> Result<Complaint, IntakeError> {
        let new = self.parse(filing, today)?;
        let handler_id = self.route(
            new.service_id.as_ref().map(|s| s.as_str()),
            filing.agency.as_deref(),
            Some(new.category.as_str()),
        );
        let options = SubmitOptions {
            handler_id,
            auto_verify: self.settings.auto_verifies(new.description.as_str()),
        };
        let complaint = self.store.submit_complaint(&new, &options).await?;
        tracing::info!(
            ticket = %complaint.ticket,
            handler = ?complaint.handler_id,
            channel = new.citizen.channel(),
            "complaint filed"
        );
        Ok(complaint)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::domain::{Contact, fixtures};
    use crate::storage::testing::{TestDb, both_backends};

    const HANDLERS: &str = r#"
[[handler]]
id = "dinsos"
name = "Dinas Sosial"
agencies = ["Dinas Sosial"]
webhook_url = "http://127.0.0.1:9/hook"
webhook_secret = "rahasia-webhook-yang-panjang"

[[handler]]
id = "umum"
name = "Pengaduan umum"
default = true
webhook_url = "http://127.0.0.1:9/hook"
webhook_secret = "rahasia-webhook-yang-panjang"
"#;

    fn intake(db: &TestDb, settings: IntakeSettings) -> Intake {
        let routing = Routing::from_toml(HANDLERS, Path::new("handlers.toml")).unwrap();
        Intake::new(db.store.clone(), Arc::new(routing), settings)
    }

    fn raw() -> RawComplaint {
        RawComplaint {
            chat_id: 0,
            ..fixtures::raw()
        }
    }

    /// A chat channel's filing: routed by the service's agency, the display name kept, the
    /// coordinates stored; verified at once when the description is long enough.
    async fn a_chat_filing_is_parsed_routed_and_stored(db: TestDb) {
        let settings = IntakeSettings {
            auto_verify: true,
            auto_verify_min_chars: 20,
        };
        let filing = Filing {
            agency: Some("Dinas Sosial".into()),
            name: Some("  Siti   Aminah ".into()),
            location: GeoPoint::parse(Some("-7.6"), Some("112.7")).unwrap(),
            ..Filing::new(raw(), Citizen::Telegram { chat_id: 42 })
        };
        let complaint = intake(&db, settings).file(&filing, fixtures::today()).await.unwrap();
        assert_eq!(complaint.handler_id.as_deref(), Some("dinsos"));
        assert_eq!(complaint.chat_id, 42);
        assert_eq!(complaint.citizen_name.as_deref(), Some("Siti Aminah"));
        assert!(complaint.location.is_some());
        assert_eq!(complaint.status, crate::domain::ComplaintStatus::Diverifikasi);
    }

    /// Open311's filing: the contact as citizen, the client recorded, the default handler when
    /// no agency matches; a bad field is the domain's error and stores nothing.
    async fn an_open311_filing_goes_through_the_same_steps(db: TestDb) {
        let contact = Contact {
            email: Some("warga@contoh.id".into()),
            ..Contact::default()
        };
        let filing = Filing {
            agency: Some("Kecamatan Entah".into()),
            open311_client: Some("portal-kota".into()),
            ..Filing::new(raw(), Citizen::Open311(contact))
        };
        let intake = intake(&db, IntakeSettings::default());
        let complaint = intake.file(&filing, fixtures::today()).await.unwrap();
        assert_eq!(complaint.handler_id.as_deref(), Some("umum"));
        assert_eq!(complaint.chat_id, 0);
        assert_eq!(complaint.open311_client.as_deref(), Some("portal-kota"));
        assert_eq!(complaint.status, crate::domain::ComplaintStatus::Diterima);

        let bad = Filing {
            raw: RawComplaint {
                description: "pendek".into(),
                ..raw()
            },
            ..filing
        };
        let before = db.store.list_for_chat(0).await.unwrap().len();
        assert!(matches!(
            intake.file(&bad, fixtures::today()).await,
            Err(IntakeError::Invalid(_))
        ));
        assert_eq!(db.store.list_for_chat(0).await.unwrap().len(), before);
    }

    both_backends!(
        a_chat_filing_is_parsed_routed_and_stored,
        an_open311_filing_goes_through_the_same_steps,
    );
}
