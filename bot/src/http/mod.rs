//! The HTTP API served by `loket serve`: the handler API (`/api/v1/...`), Open311 GeoReport v2
//! (`/open311/v2/...`), health probes and `/metrics` (Prometheus).
//!
//! One axum `Router` over [`AppState`] (store + routing + Open311 services). Bodies above the configured limit are
//! refused with 413 before they are read; every error is a JSON body (see [`ApiError`]), including the
//! router's own 404/405 and anything a layer answers (see `guard.rs`), except the web console's
//! HTML pages under `/console`.

mod admin;
mod auth;
mod complaints;
mod error;
#[cfg(test)]
mod fuzz;
mod guard;
mod health;
mod metrics;
mod open311;
mod server;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use tower_http::trace::TraceLayer;

pub use admin::AdminState;
pub use auth::AuthenticatedHandler;
pub use error::ApiError;
pub use guard::limit_open311_intake;
pub use open311::{OPEN311_CATEGORY, Open311Catalog, Open311Handle, Open311Service, open311_status};
pub(crate) use server::client_ip;
pub use server::{HttpSettings, ServerLimits, serve, with_timeouts};

use crate::routing::Routing;
use crate::storage::Store;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub routing: Arc<Routing>,
    /// The services offered over Open311 (the parsed standards), swapped by a reindex.
    pub open311: Open311Handle,
    /// The administrator's API (reindex); disabled by default.
    pub admin: AdminState,
}

async fn no_route() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no_route", "Alamat tidak dikenal.")
}

/// The whole HTTP surface.
pub fn router(state: AppState, body_limit_bytes: usize) -> Router {
    router_with_console(state, body_limit_bytes, None)
}

/// [`router`] with the web console nested under `/console` (HTML pages; see `crate::console`),
/// behind the same URI guard, body limit, metrics and tracing layers.
pub fn router_with_console(
    state: AppState,
    body_limit_bytes: usize,
    console: Option<crate::console::ConsoleState>,
) -> Router {
    let routes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::scrape))
        .route("/api/v1/admin/reindex", post(admin::reindex))
        .route("/api/v1/complaints", get(complaints::list))
        .route("/api/v1/complaints/{ticket}", get(complaints::show))
        .route("/api/v1/complaints/{ticket}/status", post(complaints::change_status))
        .route("/api/v1/complaints/{ticket}/replies", post(complaints::reply))
        .route("/open311/v2/services.json", get(open311::services))
        .route("/open311/v2/requests.json", get(open311::list).post(open311::create))
        .route("/open311/v2/requests/{file}", get(open311::show));
    let routes = match console {
        Some(console) => routes.nest("/console", crate::console::router(console)),
        None => routes,
    };
    routes
        .fallback(no_route)
        .method_not_allowed_fallback(guard::method_not_allowed)
        .layer(DefaultBodyLimit::max(body_limit_bytes))
        .layer(axum::middleware::from_fn(guard::check_uri))
        .layer(axum::middleware::from_fn(guard::json_errors))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(crate::telemetry::request_span))
        .with_state(state)
}

/// A channel's own routes (the WhatsApp webhook) behind the same URI guard, JSON errors,
/// metrics and tracing layers as [`router`]; they keep their own body limit. Merged into the
/// router by `startup`.
pub fn guarded(routes: Router) -> Router {
    routes
        .layer(axum::middleware::from_fn(guard::check_uri))
        .layer(axum::middleware::from_fn(guard::json_errors))
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(crate::telemetry::request_span))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use serde_json::{Value, json};
    use tower::ServiceExt;

    use super::*;
    use crate::domain::{NewComplaint, fixtures};
    use crate::storage::testing::{TestDb, both_backends};
    use crate::storage::{DeliveryKind, SubmitOptions};

    // sha256("kunci-dukcapil") and sha256("kunci-dinsos").
    fn routing() -> Arc<Routing> {
        let text = format!(
            "[[handler]]\nid = \"dukcapil\"\nname = \"Dukcapil\"\napi_key_sha256 = \"{}\"\n\
             [[handler]]\nid = \"dinsos\"\nname = \"Dinsos\"\napi_key_sha256 = \"{}\"\n",
            crate::routing::api_key_digest("kunci-dukcapil"),
            crate::routing::api_key_digest("kunci-dinsos"),
        );
        Arc::new(Routing::from_toml(&text, Path::new("t.toml")).unwrap())
    }

    fn app(db: &TestDb) -> Router {
        router(
            AppState {
                store: db.store.clone(),
                routing: routing(),
                open311: Open311Handle::default(),
                admin: AdminState::default(),
            },
            4096,
        )
    }

    struct Call<'a> {
        method: &'a str,
        uri: String,
        key: Option<&'a str>,
        body: Option<String>,
        idempotency_key: Option<&'a str>,
    }

    fn get(uri: impl Into<String>, key: Option<&'static str>) -> Call<'static> {
        Call {
            method: "GET",
            uri: uri.into(),
            key,
            body: None,
            idempotency_key: None,
        }
    }

    fn post_json(uri: impl Into<String>, key: &'static str, body: impl Into<String>) -> Call<'static> {
        Call {
            method: "POST",
            uri: uri.into(),
            key: Some(key),
            body: Some(body.into()),
            idempotency_key: None,
        }
    }

    async fn send(app: &Router, call: Call<'_>) -> (StatusCode, Value, axum::http::HeaderMap) {
        let mut request = Request::builder().method(call.method).uri(&call.uri);
        if let Some(key) = call.key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        if let Some(key) = call.idempotency_key {
            request = request.header("idempotency-key", key);
        }
        let request = match call.body {
            Some(body) => request
                .header("content-type", "application/json")
                .body(Body::from(body)),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, json, headers)
    }

    async fn submit(db: &TestDb, handler: &str, anonymous: bool) -> String {
        let mut new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        new.anonymous = anonymous;
        let options = SubmitOptions {
            handler_id: Some(handler.into()),
            auto_verify: false,
        };
        let c = db.store.submit_complaint(&new, &options).await.unwrap();
        c.ticket.to_string()
    }

    async fn health_probes(db: TestDb) {
        let app = app(&db);
        let (status, body, _) = send(&app, get("/healthz", None)).await;
        assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")));
        let (status, body, _) = send(&app, get("/readyz", None)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["database"], db.store.backend_name());
        db.store.close().await;
        let (status, _, _) = send(&app, get("/readyz", None)).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    }

    async fn authentication_is_required(db: TestDb) {
        let app = app(&db);
        for key in [None, Some("salah"), Some("")] {
            let (status, body, _) = send(&app, get("/api/v1/complaints", key)).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{key:?}");
            assert_eq!(body["error"]["code"], "unauthorized");
        }
        let (status, body, _) = send(&app, get("/api/v1/complaints", Some("kunci-dukcapil"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["complaints"], json!([]));
    }

    async fn handlers_see_only_their_complaints(db: TestDb) {
        let app = app(&db);
        let mine = submit(&db, "dukcapil", false).await;
        let theirs = submit(&db, "dinsos", false).await;
        let (_, body, _) = send(&app, get("/api/v1/complaints", Some("kunci-dukcapil"))).await;
        let tickets: Vec<&str> = body["complaints"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ticket"].as_str().unwrap())
            .collect();
        assert_eq!(tickets, vec![mine.as_str()]);

        let (status, body, _) = send(&app, get(format!("/api/v1/complaints/{mine}"), Some("kunci-dukcapil"))).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["citizen"]["chat_id"], 424242);
        assert_eq!(body["events"][0]["to"], "diterima");

        let (status, _, _) = send(
            &app,
            get(format!("/api/v1/complaints/{theirs}"), Some("kunci-dukcapil")),
        )
        .await;
        // Another handler's ticket is "not found", never 403: no existence oracle (issue 13).
        assert_eq!(status, StatusCode::NOT_FOUND);
        let unknown = crate::domain::TicketNumber::generate();
        for uri in [
            format!("/api/v1/complaints/{unknown}"),
            "/api/v1/complaints/LKT-XXXX".into(),
        ] {
            let (status, body, _) = send(&app, get(uri, Some("kunci-dukcapil"))).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert_eq!(body["error"]["code"], "not_found");
        }
        // Lowercase, dash-less tickets work too.
        let sloppy = mine.replace('-', "").to_lowercase();
        let (status, _, _) = send(
            &app,
            get(format!("/api/v1/complaints/{sloppy}"), Some("kunci-dukcapil")),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }

    async fn anonymous_citizens_stay_hidden(db: TestDb) {
        let app = app(&db);
        let ticket = submit(&db, "dukcapil", true).await;
        let (_, body, _) = send(
            &app,
            get(format!("/api/v1/complaints/{ticket}"), Some("kunci-dukcapil")),
        )
        .await;
        assert!(body["citizen"].is_null());
        assert_eq!(body["events"][0]["actor"], "citizen");
        assert!(!body.to_string().contains("424242"));
    }

    async fn status_changes_are_validated_and_idempotent(db: TestDb) {
        let app = app(&db);
        let ticket = submit(&db, "dukcapil", false).await;
        let uri = format!("/api/v1/complaints/{ticket}/status");
        let mut call = post_json(
            &uri,
            "kunci-dukcapil",
            r#"{"status": "diverifikasi", "note": "Lengkap"}"#,
        );
        call.idempotency_key = Some("req-1");
        let (status, first, headers) = send(&app, call).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert_eq!(first["status"], "diverifikasi");
        assert_eq!(first["replayed"], false);
        assert!(headers.get("idempotent-replayed").is_none());

        let mut again = post_json(
            &uri,
            "kunci-dukcapil",
            r#"{"status": "diverifikasi", "note": "Lengkap"}"#,
        );
        again.idempotency_key = Some("req-1");
        let (status, second, headers) = send(&app, again).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(second["event"], first["event"]);
        assert_eq!(second["replayed"], true);
        assert_eq!(headers.get("idempotent-replayed").unwrap(), "true");

        let mut reused = post_json(&uri, "kunci-dukcapil", r#"{"status": "ditolak", "note": "x"}"#);
        reused.idempotency_key = Some("req-1");
        assert_eq!(send(&app, reused).await.0, StatusCode::UNPROCESSABLE_ENTITY);

        let c = db.store.get_by_ticket(&ticket.parse().unwrap()).await.unwrap().unwrap();
        let notifications = db
            .store
            .deliveries_for_complaint(c.id)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.kind == DeliveryKind::Notify)
            .count();
        assert_eq!(notifications, 1, "one change, one notification");

        let cases: [(&str, StatusCode, &str); 7] = [
            (r#"{"status": "diterima"}"#, StatusCode::CONFLICT, "invalid_transition"),
            (
                r#"{"status": "beres"}"#,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
            ),
            (
                r#"{"status": "ditolak"}"#,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
            ),
            (r#"{"status": 5}"#, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            (
                r#"{"status": "diteruskan", "extra": 1}"#,
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
            ),
            (r#"{"status": "#, StatusCode::BAD_REQUEST, "malformed_json"),
            ("not json", StatusCode::BAD_REQUEST, "malformed_json"),
        ];
        for (body, expected, code) in cases {
            let (status, json, _) = send(&app, post_json(&uri, "kunci-dukcapil", body)).await;
            assert_eq!(
                (status, json["error"]["code"].as_str()),
                (expected, Some(code)),
                "{body}"
            );
        }
        let (status, _, _) = send(&app, post_json(&uri, "kunci-dinsos", r#"{"status": "diteruskan"}"#)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let big = format!(r#"{{"status": "diteruskan", "note": "{}"}}"#, "x".repeat(5000));
        let (status, json, _) = send(&app, post_json(&uri, "kunci-dukcapil", big)).await;
        assert_eq!(
            (status, json["error"]["code"].as_str()),
            (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
        );
        // Nothing above changed the complaint.
        let c = db.store.get_by_ticket(&ticket.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(c.status, crate::domain::ComplaintStatus::Diverifikasi);
    }

    async fn replies_reach_the_citizen(db: TestDb) {
        let app = app(&db);
        let ticket = submit(&db, "dukcapil", false).await;
        let uri = format!("/api/v1/complaints/{ticket}/replies");
        let (status, body, _) = send(
            &app,
            post_json(&uri, "kunci-dukcapil", r#"{"message": "Mohon lampirkan KK."}"#),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["event"]["kind"], "reply");
        let (status, _, _) = send(&app, post_json(&uri, "kunci-dukcapil", r#"{"message": "  "}"#)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, _) = send(&app, post_json(&uri, "kunci-dinsos", r#"{"message": "Halo"}"#)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    async fn list_filters_by_status_and_rejects_unknown_ones(db: TestDb) {
        let app = app(&db);
        let a = submit(&db, "dukcapil", false).await;
        submit(&db, "dukcapil", false).await;
        let uri = format!("/api/v1/complaints/{a}/status");
        send(&app, post_json(&uri, "kunci-dukcapil", r#"{"status": "diverifikasi"}"#)).await;
        let (_, body, _) = send(
            &app,
            get("/api/v1/complaints?status=diverifikasi", Some("kunci-dukcapil")),
        )
        .await;
        assert_eq!(body["complaints"].as_array().unwrap().len(), 1);
        let (_, body, _) = send(
            &app,
            get("/api/v1/complaints?per_page=1&page=2", Some("kunci-dukcapil")),
        )
        .await;
        assert_eq!(body["complaints"].as_array().unwrap().len(), 1);
        let (status, _, _) = send(&app, get("/api/v1/complaints?status=beres", Some("kunci-dukcapil"))).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let (status, _, _) = send(&app, get("/api/v1/complaints?page=-1", Some("kunci-dukcapil"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, body, _) = send(&app, get("/api/v1/nothing", None)).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (StatusCode::NOT_FOUND, Some("no_route"))
        );
    }

    /// Regression: a handler moved `selesai` -> `ditutup` at once (taking away the citizen's
    /// reopen window) and could perform the citizen's reopen. Both are refused with 403 and a
    /// JSON reason, and nothing is written.
    async fn handlers_cannot_close_early_or_reopen(db: TestDb) {
        let app = app(&db);
        let ticket = submit(&db, "dukcapil", false).await;
        let uri = format!("/api/v1/complaints/{ticket}/status");
        for body in [
            r#"{"status": "diverifikasi"}"#,
            r#"{"status": "diteruskan"}"#,
            r#"{"status": "selesai", "note": "Sudah diperbaiki."}"#,
        ] {
            let (status, json, _) = send(&app, post_json(&uri, "kunci-dukcapil", body)).await;
            assert_eq!(status, StatusCode::OK, "{body}: {json}");
        }
        let events_before = db.store.events(&ticket.parse().unwrap()).await.unwrap().len();
        for (body, reason) in [
            (r#"{"status": "ditutup"}"#, "ditutup otomatis oleh sistem"),
            (r#"{"status": "ditindaklanjuti"}"#, "Hanya pelapor"),
        ] {
            let (status, json, _) = send(&app, post_json(&uri, "kunci-dukcapil", body)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{body}: {json}");
            assert_eq!(json["error"]["code"], "transition_not_permitted");
            let message = json["error"]["message"].as_str().unwrap();
            assert!(message.contains(reason), "{message}");
        }
        let c = db.store.get_by_ticket(&ticket.parse().unwrap()).await.unwrap().unwrap();
        assert_eq!(c.status, crate::domain::ComplaintStatus::Selesai);
        let events_after = db.store.events(&ticket.parse().unwrap()).await.unwrap().len();
        assert_eq!(events_after, events_before, "a refused change writes no event");
    }

    /// Regression (issue 13): confidential complaints showed their text, place and officers'
    /// notes on the public Open311 reads; notes are now public only when the officer says so.
    async fn open311_reads_show_confidential_complaints_as_ticket_service_status_and_dates(db: TestDb) {
        let app = app(&db);
        let secret = submit(&db, "dukcapil", false).await;
        let uri = format!("/api/v1/complaints/{secret}/status");
        let (status, body, _) = send(
            &app,
            post_json(
                &uri,
                "kunci-dukcapil",
                r#"{"status": "diverifikasi", "note": "Kepala desa dipanggil."}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["event"]["public"], false, "notes are private by default");

        let (status, body, _) = send(&app, get(format!("/open311/v2/requests/{secret}.json"), None)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let view = &body[0];
        assert_eq!(view["service_request_id"], secret.as_str());
        assert_eq!(view["status"], "open");
        assert_eq!(view["service_code"], "003_5e30365896fb6814:surat-keterangan-ahli-waris");
        assert!(view["requested_datetime"].is_string());
        for hidden in [
            "description",
            "address",
            "lat",
            "long",
            "media_url",
            "status_notes",
            "agency_responsible",
        ] {
            assert!(view[hidden].is_null(), "{hidden} shown: {view}");
        }
        let text = body.to_string();
        for private in ["kelurahan", "Sukamaju", "Kepala desa", "424242"] {
            assert!(!text.contains(private), "{private} shown: {text}");
        }
        let (_, listed, _) = send(&app, get("/open311/v2/requests.json", None)).await;
        assert_eq!(listed, json!([]), "confidential complaints are not listed");
        let (_, by_id, _) = send(
            &app,
            get(format!("/open311/v2/requests.json?service_request_id={secret}"), None),
        )
        .await;
        assert!(by_id[0]["description"].is_null(), "{by_id}");

        // A complaint the citizen agreed to publish shows its text and only the public notes.
        let mut new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        new.confidential = false;
        let options = SubmitOptions {
            handler_id: Some("dukcapil".into()),
            auto_verify: false,
        };
        let public = db
            .store
            .submit_complaint(&new, &options)
            .await
            .unwrap()
            .ticket
            .to_string();
        let uri = format!("/api/v1/complaints/{public}/status");
        send(
            &app,
            post_json(
                &uri,
                "kunci-dukcapil",
                r#"{"status": "diverifikasi", "note": "Berkas lengkap.", "public": true}"#,
            ),
        )
        .await;
        let (status, body, _) = send(
            &app,
            post_json(
                &uri,
                "kunci-dukcapil",
                r#"{"status": "diteruskan", "note": "Catatan internal."}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, body, _) = send(&app, get(format!("/open311/v2/requests/{public}.json"), None)).await;
        assert_eq!(
            body[0]["status_notes"], "Berkas lengkap.",
            "the latest public note: {body}"
        );
        assert!(body[0]["description"].as_str().is_some_and(|d| d.contains("kelurahan")));
        let (_, listed, _) = send(&app, get("/open311/v2/requests.json", None)).await;
        assert_eq!(listed.as_array().map(Vec::len), Some(1));
        let (status, body, _) = send(
            &app,
            post_json(
                &uri,
                "kunci-dukcapil",
                r#"{"status": "selesai", "note": "x", "public": "ya"}"#,
            ),
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }

    both_backends!(
        open311_reads_show_confidential_complaints_as_ticket_service_status_and_dates,
        handlers_cannot_close_early_or_reopen,
        health_probes,
        authentication_is_required,
        handlers_see_only_their_complaints,
        anonymous_citizens_stay_hidden,
        status_changes_are_validated_and_idempotent,
        replies_reach_the_citizen,
        list_filters_by_status_and_rejects_unknown_ones,
    );
}
