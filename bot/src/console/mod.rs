//! The officer, supervisor and administrator web console, served by `loket serve` under
//! `/console` (issue 17): server-rendered Indonesian pages, no scripts, no external assets.
//!
//! - `settings.rs`: `[console]` settings; `password.rs`: Argon2id and tokens; `accounts.rs`:
//!   account validation and setup links (shared with `loket accounts`).
//! - `session.rs`: the session cookie, the logged-in account and its scope, CSRF-checked forms;
//!   `error.rs`: error pages; `html.rs`: escaping and layout.
//! - `login.rs`: login, logout, password setup; `inbox.rs`: the inbox and its CSV;
//!   `complaint.rs`: one complaint, its actions, replies and internal notes;
//!   `attachments.rs`: its attachments, fetched from the citizen's channel through loket;
//!   `supervisor.rs`: per-handler figures; `admin.rs`: announcements, dead letters,
//!   unanswered questions and accounts; `versions.rs`: the versions of the standards with what
//!   changed per service and field.
//!
//! An officer reads and changes only complaints routed to its handlers, the handler API's rule
//! (`http/complaints.rs`): anything else is "not found". Status changes go through the same
//! storage call as the API (`Store::change_status` with `only_for_handler`), so the domain's
//! transition table and the citizen's notification are the same whichever way an officer acts.

pub(crate) mod accounts;
mod admin;
mod attachments;
mod complaint;
mod error;
pub(crate) mod html;
mod inbox;
mod login;
pub(crate) mod password;
mod session;
mod settings;
mod supervisor;
mod versions;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

pub use attachments::MediaSources;
pub use settings::ConsoleSettings;

use crate::http::Open311Handle;
use crate::routing::Routing;
use crate::storage::{Account, AccountRole, Store};

/// What the console's pages need, shared by every request.
#[derive(Clone)]
pub struct ConsoleState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    routing: Arc<Routing>,
    services: Open311Handle,
    settings: ConsoleSettings,
    utc_offset_hours: i32,
    aliases: Option<PathBuf>,
    client_ip_header: Option<String>,
    media: MediaSources,
}

/// Everything [`ConsoleState::new`] takes.
pub struct ConsoleDeps {
    pub store: Store,
    pub routing: Arc<Routing>,
    /// The parsed services (names, agencies; swapped by a reindex).
    pub services: Open311Handle,
    pub settings: ConsoleSettings,
    pub utc_offset_hours: i32,
    /// The deployment aliases file the "add alias" action appends to.
    pub aliases: Option<PathBuf>,
    /// The proxy header naming the client address (`http.client_ip_header`).
    pub client_ip_header: Option<String>,
    /// The channels attachments are fetched from (those this process has credentials for).
    pub media: MediaSources,
}

impl ConsoleState {
    pub fn new(deps: ConsoleDeps) -> Self {
        Self {
            inner: Arc::new(Inner {
                store: deps.store,
                routing: deps.routing,
                services: deps.services,
                settings: deps.settings,
                utc_offset_hours: deps.utc_offset_hours,
                aliases: deps.aliases,
                client_ip_header: deps.client_ip_header,
                media: deps.media,
            }),
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.inner.store
    }

    pub(crate) fn routing(&self) -> &Routing {
        &self.inner.routing
    }

    pub(crate) fn settings(&self) -> &ConsoleSettings {
        &self.inner.settings
    }

    pub(crate) fn offset(&self) -> i32 {
        self.inner.utc_offset_hours
    }

    pub(crate) fn aliases(&self) -> Option<&std::path::Path> {
        self.inner.aliases.as_deref()
    }

    pub(crate) fn client_ip_header(&self) -> Option<&str> {
        self.inner.client_ip_header.as_deref()
    }

    pub(crate) fn media(&self) -> &MediaSources {
        &self.inner.media
    }

    /// The service's name, or its id when the standards no longer list it.
    pub(crate) fn service_name(&self, service_id: &str) -> String {
        self.inner
            .services
            .load()
            .get(service_id)
            .map_or_else(|| service_id.to_owned(), |s| s.service_name.clone())
    }

    pub(crate) fn services(&self) -> Arc<crate::http::Open311Catalog> {
        self.inner.services.load()
    }

    /// The handlers whose complaints `account` may read.
    pub(crate) fn scope_of(&self, account: &Account) -> Vec<String> {
        match account.role {
            AccountRole::Officer => account.handlers.clone(),
            AccountRole::Supervisor => account
                .agency
                .as_deref()
                .map(|agency| {
                    self.routing()
                        .handlers_of_agency(agency)
                        .into_iter()
                        .map(|h| h.id.clone())
                        .collect()
                })
                .unwrap_or_default(),
            AccountRole::Administrator => Vec::new(),
        }
    }

    /// A handler's display name.
    pub(crate) fn handler_name(&self, id: &str) -> String {
        self.routing().get(id).map_or_else(|| id.to_owned(), |h| h.name.clone())
    }
}

async fn not_found() -> error::ConsoleError {
    error::ConsoleError::NotFound
}

/// The console's routes, to be nested under `/console`.
pub fn router<S: Clone + Send + Sync + 'static>(state: ConsoleState) -> Router<S> {
    Router::new()
        .route("/", get(login::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/setup/{token}", get(login::setup_form).post(login::setup_submit))
        .route("/inbox", get(inbox::list))
        .route("/inbox.csv", get(inbox::csv))
        .route("/complaints/{ticket}", get(complaint::show))
        .route("/complaints/{ticket}/status", post(complaint::change_status))
        .route("/complaints/{ticket}/reply", post(complaint::reply))
        .route("/complaints/{ticket}/notes", post(complaint::note))
        .route("/complaints/{ticket}/attachments/{n}", get(attachments::show))
        .route("/supervisor", get(supervisor::show))
        .route(
            "/admin/announcements",
            get(admin::announcements).post(admin::new_announcement),
        )
        .route("/admin/announcements/{id}", get(admin::announcement))
        .route("/admin/announcements/{id}/send", post(admin::send_announcement))
        .route("/admin/deliveries", get(admin::deliveries))
        .route("/admin/deliveries/{id}/requeue", post(admin::requeue))
        .route("/admin/unanswered", get(admin::unanswered))
        .route("/admin/unanswered/alias", post(admin::add_alias))
        .route("/admin/accounts", get(admin::accounts))
        .route("/admin/standards", get(versions::list))
        .route("/admin/standards/{id}", get(versions::show))
        .fallback(not_found)
        .with_state(state)
}
