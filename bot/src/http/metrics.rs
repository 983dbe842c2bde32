//! `GET /metrics` in the Prometheus text format, and the middleware that counts and times every
//! HTTP request.
//!
//! The body is this process's counters and histograms (the global recorder, see
//! [`crate::metrics`]) followed by the database figures read at scrape time (queue depth and
//! age, complaints per status, ...; bounded by a timeout so a stuck database cannot hang the
//! scraper). Like `/healthz` it needs no key: it holds counts only, no personal data; keep the
//! port behind the reverse proxy as for the rest of the API.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use crate::storage::AnnouncementScope;

/// Longest wait for the database figures before answering without them.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) async fn scrape(State(state): State<AppState>) -> Response {
    let mut body = crate::metrics::install().map(|h| h.render()).unwrap_or_default();
    let stats = match tokio::time::timeout(DATABASE_TIMEOUT, state.store.ops_stats(AnnouncementScope::Unfinished)).await
    {
        Ok(Ok(stats)) => Some(stats),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "metrics: cannot read the database figures");
            None
        }
        Err(_) => {
            tracing::warn!("metrics: the database figures timed out");
            None
        }
    };
    if !body.is_empty() && !body.ends_with('\n') {
        body.push('\n');
    }
    body.push_str(&crate::metrics::render_ops(stats.as_ref()));
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Counts and times the request under its matched route (never the raw path: tickets stay out
/// of the labels).
pub(super) async fn track(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = request.method().clone();
    let route = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let response = next.run(request).await;
    crate::metrics::http_request(
        method.as_str(),
        route.as_deref(),
        response.status().as_u16(),
        start.elapsed(),
    );
    response
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    use super::super::{AppState, router};
    use crate::domain::{NewComplaint, fixtures};
    use crate::storage::SubmitOptions;
    use crate::storage::testing::{TestDb, both_backends};

    async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, Option<String>) {
        let response = app
            .clone()
            .oneshot(Request::get(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap(), content_type)
    }

    async fn metrics_show_database_figures_and_requests(db: TestDb) {
        // The process recorder; installing it twice is a no-op, whichever test comes first.
        assert!(crate::metrics::install().is_some());
        let app = router(
            AppState {
                store: db.store.clone(),
                routing: Arc::default(),
                open311: Default::default(),
                admin: Default::default(),
            },
            4096,
        );
        let new = NewComplaint::parse(&fixtures::raw(), fixtures::today()).unwrap();
        let options = SubmitOptions {
            handler_id: Some("dukcapil".into()),
            auto_verify: false,
        };
        db.store.submit_complaint(&new, &options).await.unwrap();
        assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
        get(&app, "/api/v1/complaints/LKT-XXXX-XXXX").await;

        let (status, text, content_type) = get(&app, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(content_type.unwrap().starts_with("text/plain; version=0.0.4"));
        for line in [
            "loket_database_up 1",
            r#"loket_complaints{status="diterima"} 1"#,
            r#"loket_complaints{status="selesai"} 0"#,
            r#"loket_queue_depth{queue="forward"} 1"#,
            r#"loket_queue_ready{queue="forward"} 1"#,
            r#"loket_queue_depth{queue="broadcast"} 0"#,
        ] {
            assert!(text.lines().any(|l| l == line), "{line:?} missing from\n{text}");
        }
        // Process counters are shared by every test in this binary: check presence, not values.
        for series in [
            r#"loket_http_requests_total{method="GET",route="/healthz",status="200"} "#,
            r#"loket_http_requests_total{method="GET",route="/api/v1/complaints/{ticket}","#,
        ] {
            assert!(text.contains(series), "{series:?} missing from\n{text}");
        }
        assert!(!text.contains("LKT-XXXX"), "labels carry routes, never tickets");

        db.store.close().await;
        let (status, text, _) = get(&app, "/metrics").await;
        assert_eq!(
            status,
            StatusCode::OK,
            "a scrape still answers when the database is down"
        );
        assert!(text.lines().any(|l| l == "loket_database_up 0"), "{text}");
    }

    both_backends!(metrics_show_database_figures_and_requests);
}
