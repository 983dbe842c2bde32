//! `TestApp`: the whole `Application` (HTTP API + Open311) on 127.0.0.1:0 over a fresh database,
//! wired to a [`FakeHandler`], with the forwarding worker driven by the test.
//!
//! The store runs on a manual clock that starts at the real time, so retries, leases and backoff
//! are reached by moving the clock instead of sleeping. The application serves HTTP only
//! (`without_workers`); [`TestApp::drive_workers_until_idle`] steps the same worker the server
//! would run until nothing is ready, so no background worker races the assertions.

use std::path::Path;
use std::sync::Arc;

use loket::configuration::{DeliverySettings, Settings};
use loket::delivery::{ExecutionOutcome, Worker};
use loket::domain::{ClientId, NewComplaint, RawComplaint, TicketNumber, client_key_digest};
use loket::routing::api_key_digest;
use loket::startup::Application;
use loket::storage::{Clock, Complaint, ConnectOptions, Delivery, DeliveryKind, Store, SubmitOptions};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::receiver::FakeHandler;

/// API key of handler `kecamatan-beji` (the agency of the shipped Beji decree; the default handler).
pub const API_KEY: &str = "kunci-uji-kecamatan-beji-0123456789";
/// API key of handler `dinsos`, which receives nothing in these tests.
pub const OTHER_API_KEY: &str = "kunci-uji-dinsos-0123456789";
pub const WEBHOOK_SECRET: &str = "rahasia-webhook-uji-0123456789";
/// Intake-only key of the Open311 client `portal-uji` ([`register_open311_client`]).
pub const OPEN311_KEY: &str = "loket311_kunci-uji-portal-0123456789";
pub const OPEN311_CLIENT: &str = "portal-uji";
/// The test client's hourly limit: high enough for the load drills.
pub const OPEN311_PER_HOUR: u32 = 1_000_000;
/// A service of the shipped corpus (agency "Kecamatan Beji Kabupaten Pasuruan").
pub const SERVICE_CODE: &str = "003_5e30365896fb6814:surat-keterangan-ahli-waris";
/// The Telegram chat of complaints filed through the store in these tests.
pub const CITIZEN_CHAT: i64 = 424_242;

/// Attempts before a task is dead-lettered in the tests.
pub const MAX_ATTEMPTS: u32 = 4;

pub struct TestApp {
    /// `http://127.0.0.1:<port>`
    pub address: String,
    pub store: Store,
    pub clock: Clock,
    pub worker: Worker,
    pub receiver: FakeHandler,
    pub client: reqwest::Client,
    /// What the application was built with.
    pub settings: Settings,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
}

/// The handlers file of the tests: `kecamatan-beji` (webhook to the fake handler, default) and
/// `dinsos` (no channel).
pub fn handlers_toml(webhook_url: &str) -> String {
    format!(
        r#"
[[handler]]
id = "kecamatan-beji"
name = "Kecamatan Beji"
agencies = ["Kecamatan Beji Kabupaten Pasuruan"]
default = true
webhook_url = "{webhook_url}"
webhook_secret = "{WEBHOOK_SECRET}"
api_key_sha256 = "{}"

[[handler]]
id = "dinsos"
name = "Dinas Sosial"
agencies = ["Dinas Sosial"]
api_key_sha256 = "{}"
"#,
        api_key_digest(API_KEY),
        api_key_digest(OTHER_API_KEY)
    )
}

/// Settings of a test app: loopback port 0, the handlers file at `handlers`, the shipped decrees.
pub fn test_settings(database_url: &str, handlers: &Path) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        http_addr: "127.0.0.1:0".parse().expect("loopback address"),
        handlers: Some(handlers.to_owned()),
        standards_dir: Some(crate::standards_dir()),
        delivery: DeliverySettings {
            max_attempts: MAX_ATTEMPTS,
            initial_backoff_secs: 10,
            max_backoff_secs: 60,
            lease_secs: 60,
            timeout_secs: 5,
            idle_poll_millis: 50,
        },
        ..Settings::default()
    }
}

impl TestApp {
    /// Starts the application on `database_url`, writing its handlers file into `dir`.
    pub async fn spawn(database_url: &str, dir: &Path) -> Self {
        Self::spawn_with(database_url, dir, |_| {}, ConnectOptions::default()).await
    }

    /// Like [`spawn`](Self::spawn), with the test settings changed by `configure` and the pool
    /// opened with `connect` (the failure drills: short timeouts, a capped SQLite file).
    pub async fn spawn_with(
        database_url: &str,
        dir: &Path,
        configure: impl FnOnce(&mut Settings),
        connect: ConnectOptions,
    ) -> Self {
        let receiver = FakeHandler::spawn(WEBHOOK_SECRET).await;
        let handlers = dir.join("handlers.toml");
        std::fs::write(&handlers, handlers_toml(&receiver.url())).expect("cannot write the handlers file");
        let mut settings = test_settings(database_url, &handlers);
        configure(&mut settings);
        let clock = Clock::manual(chrono::Utc::now().timestamp());
        let store = Store::connect_with(database_url, connect)
            .await
            .expect("cannot open the test database")
            .with_clock(clock.clone())
            .with_deadlines(Arc::new(settings.sla().expect("SLA")));
        register_open311_client(&store).await;
        let app = Application::build_with_store(settings.clone(), store.clone())
            .await
            .expect("cannot build the application")
            .without_workers();
        let worker = app.forward_worker().expect("forward worker");
        let address = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        Self {
            address,
            store,
            clock,
            worker,
            receiver,
            client: reqwest::Client::new(),
            settings,
            stop: Some(stop),
            server: Some(server),
        }
    }

    /// Stops the server and closes the database pool.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.await.expect("server task").expect("server stopped cleanly");
        }
        self.store.close().await;
    }

    /// Steps the forwarding worker until nothing is ready (at most 1,000 steps); returns what
    /// every step did, the final `EmptyQueue` excluded.
    pub async fn drive_workers_until_idle(&self) -> Vec<ExecutionOutcome> {
        let mut outcomes = Vec::new();
        for _ in 0..1000 {
            match self.worker.try_execute_task().await.expect("worker step") {
                ExecutionOutcome::EmptyQueue => return outcomes,
                other => outcomes.push(other),
            }
        }
        panic!("the forwarding queue never became idle: {outcomes:?}");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// `POST /open311/v2/requests.json` with these form fields.
    pub async fn post_open311(&self, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url("/open311/v2/requests.json"))
            .form(form)
            .send()
            .await
            .expect("request failed")
    }

    /// Files a valid Open311 request and returns its tracking number.
    pub async fn submit_open311(&self) -> TicketNumber {
        let response = self.post_open311(&valid_open311_form()).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK);
        let body: Value = response.json().await.expect("JSON answer");
        let id = body[0]["service_request_id"].as_str().expect("service_request_id");
        TicketNumber::parse(id).expect("a tracking number")
    }

    /// Files a Telegram complaint through the store (as the bot does), routed to kecamatan-beji.
    pub async fn submit_from_telegram(&self) -> Complaint {
        let raw = RawComplaint {
            chat_id: CITIZEN_CHAT,
            service_id: Some(SERVICE_CODE.into()),
            category: "kependudukan".into(),
            title: "Surat ahli waris belum selesai".into(),
            description: "Sudah tiga minggu berkas saya di kecamatan belum diproses juga.".into(),
            ..RawComplaint::default()
        };
        let today = chrono::Utc::now().date_naive();
        let new = NewComplaint::parse(&raw, today).expect("valid complaint");
        let options = SubmitOptions {
            handler_id: Some("kecamatan-beji".into()),
            auto_verify: false,
        };
        self.store.submit_complaint(&new, &options).await.expect("intake")
    }

    /// `POST /api/v1/complaints/{ticket}/status` as the handler with `api_key`.
    pub async fn change_status(
        &self,
        api_key: &str,
        ticket: &str,
        body: &str,
        idempotency_key: Option<&str>,
    ) -> (reqwest::StatusCode, Value) {
        let mut request = self
            .client
            .post(self.url(&format!("/api/v1/complaints/{ticket}/status")))
            .bearer_auth(api_key)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(key) = idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.expect("request failed");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// `GET path`, optionally with a Bearer key; answers status and JSON (Null when not JSON).
    pub async fn get_json(&self, path: &str, api_key: Option<&str>) -> (reqwest::StatusCode, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(key) = api_key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("request failed");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn complaint(&self, ticket: &TicketNumber) -> Complaint {
        self.store
            .get_by_ticket(ticket)
            .await
            .expect("read complaint")
            .expect("complaint exists")
    }

    pub async fn deliveries(&self, ticket: &TicketNumber, kind: DeliveryKind) -> Vec<Delivery> {
        let complaint = self.complaint(ticket).await;
        self.store
            .deliveries_for_complaint(complaint.id)
            .await
            .expect("list deliveries")
            .into_iter()
            .filter(|d| d.kind == kind)
            .collect()
    }

    /// (complaints, events, deliveries) of the default handler, which every test complaint is
    /// routed to: proves a refused request wrote nothing.
    pub async fn table_counts(&self) -> (usize, usize, usize) {
        let all_tickets = self
            .store
            .list_for_handler("kecamatan-beji", None, loket::storage::Page { number: 1, size: 100 })
            .await
            .expect("list");
        let mut events = 0;
        let mut deliveries = 0;
        for c in &all_tickets {
            events += self.store.events(&c.ticket).await.expect("events").len();
            deliveries += self
                .store
                .deliveries_for_complaint(c.id)
                .await
                .expect("deliveries")
                .len();
        }
        (all_tickets.len(), events, deliveries)
    }
}

/// Registers the Open311 client `portal-uji` with [`OPEN311_KEY`] (once; again is a no-op).
pub async fn register_open311_client(store: &Store) {
    let id = ClientId::parse(OPEN311_CLIENT).expect("client id");
    match store
        .create_open311_client(&id, "Portal uji", &client_key_digest(OPEN311_KEY), OPEN311_PER_HOUR)
        .await
    {
        Ok(_) | Err(loket::storage::Open311ClientError::Duplicate(_)) => {}
        Err(e) => panic!("cannot register the Open311 client: {e}"),
    }
}

/// [`register_open311_client`] on the database at `url` (for tests that run `loket serve`).
pub async fn register_open311_client_at(url: &str) {
    let store = Store::connect(url).await.expect("open the database");
    register_open311_client(&store).await;
    store.close().await;
}

/// A complete, valid Open311 create-request form for [`SERVICE_CODE`], filed by `portal-uji`.
pub fn valid_open311_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("api_key", OPEN311_KEY),
        ("service_code", SERVICE_CODE),
        (
            "description",
            "Pengurusan surat keterangan ahli waris sudah tiga minggu belum selesai.",
        ),
        ("address_string", "Kantor Kecamatan Beji, Pasuruan"),
        ("lat", "-7.5982"),
        ("long", "112.7610"),
        ("email", "warga@contoh.id"),
        ("first_name", "Siti"),
        ("last_name", "Aminah"),
        ("phone", "+62 812 3456 7890"),
        ("media_url", "https://contoh.id/foto/berkas.jpg"),
    ]
}
