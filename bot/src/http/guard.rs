//! What every request passes before (and every error after) the handlers: a URI check and the
//! rule that every error is a JSON body.
//!
//! [`check_uri`] refuses, with JSON, a URI longer than [`MAX_URI_BYTES`] (414), a path that does
//! not percent-decode to UTF-8 (400) and a control character such as NUL in the decoded path or
//! query (400): no handler and no database ever sees one (PostgreSQL refuses NUL in text with an
//! error, which was a 500). [`json_errors`] turns any error response that is not JSON (the
//! router's 405, a timeout's 408, an extractor's plain-text rejection) into the API's JSON shape
//! with the same status and headers; under `/open311/` the shape is Open311's
//! `[{"code": .., "description": ..}]`. [`method_not_allowed`] is the router's 405 answer (axum
//! keeps the `Allow` header). [`limit_open311_intake`] puts the per-address intake limit (see
//! `crate::limits`) in front of `POST /open311/v2/requests.json`.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::ApiError;
use crate::limits::AddressGate;

/// Longest URI served (path and query); browsers and proxies stay below 8 KiB too.
pub(crate) const MAX_URI_BYTES: usize = 8 * 1024;

/// The JSON error for `status` under `path`: Open311's shape below `/open311/`, else [`ApiError`].
fn error_response(path: &str, error: ApiError) -> Response {
    if path.starts_with("/open311/") {
        let body = json!([{ "code": error.status.as_u16(), "description": error.message }]);
        (error.status, Json(body)).into_response()
    } else {
        error.into_response()
    }
}

/// A fixed code and Indonesian message for a status that reached the client without a body of ours.
fn error_for_status(status: StatusCode) -> ApiError {
    let (code, message) = match status {
        StatusCode::BAD_REQUEST => ("bad_request", "Permintaan tidak valid."),
        StatusCode::UNAUTHORIZED => ("unauthorized", "Kunci API tidak ada atau tidak valid."),
        StatusCode::NOT_FOUND => ("no_route", "Alamat tidak dikenal."),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Metode HTTP ini tidak didukung untuk alamat ini; lihat header Allow.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "request_timeout",
            "Permintaan terlalu lama dikirim atau diproses. Silakan kirim ulang.",
        ),
        StatusCode::LENGTH_REQUIRED => ("length_required", "Sertakan header Content-Length."),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "Isi permintaan terlalu besar."),
        StatusCode::URI_TOO_LONG => (
            "uri_too_long",
            "Alamat (URI) terlalu panjang: maksimal 8192 byte termasuk parameter.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("content_type", "Jenis isi (Content-Type) tidak didukung."),
        StatusCode::TOO_MANY_REQUESTS => (
            "too_many_requests",
            "Terlalu banyak permintaan. Silakan coba lagi nanti.",
        ),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => ("headers_too_large", "Header permintaan terlalu besar."),
        StatusCode::SERVICE_UNAVAILABLE => (
            "unavailable",
            "Layanan sedang sibuk atau tidak tersedia. Silakan coba lagi sebentar lagi.",
        ),
        s if s.is_server_error() => ("internal", "Terjadi kesalahan pada server. Silakan coba lagi."),
        _ => ("error", "Permintaan tidak dapat diproses."),
    };
    ApiError::new(status, code, message)
}

/// The router's answer when the path exists but the method does not.
pub(crate) async fn method_not_allowed(uri: Uri) -> Response {
    error_response(uri.path(), error_for_status(StatusCode::METHOD_NOT_ALLOWED))
}

/// Whether a percent-decoded URI part holds a control character (NUL, escape, DEL, ...).
fn has_control(decoded: &[u8]) -> bool {
    decoded.iter().any(|b| b.is_ascii_control())
}

/// Refuses URIs no handler should see (see the module docs).
pub(crate) async fn check_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let path = uri.path();
    let refuse = |status, code, message: &str| error_response(path, ApiError::new(status, code, message));
    let length = uri.path_and_query().map_or(path.len(), |pq| pq.as_str().len());
    if length > MAX_URI_BYTES {
        return error_response(path, error_for_status(StatusCode::URI_TOO_LONG));
    }
    let decoded_path: Vec<u8> = percent_encoding::percent_decode_str(path).collect();
    if std::str::from_utf8(&decoded_path).is_err() || has_control(&decoded_path) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "bad_path",
            "Alamat memuat karakter yang tidak valid (harus UTF-8 tanpa karakter kontrol).",
        );
    }
    if let Some(query) = uri.query() {
        let decoded: Vec<u8> = percent_encoding::percent_decode_str(query).collect();
        if has_control(&decoded) {
            return refuse(
                StatusCode::BAD_REQUEST,
                "bad_query",
                "Parameter memuat karakter kontrol (misalnya NUL) yang tidak diperbolehkan.",
            );
        }
    }
    next.run(request).await
}

/// The Open311 intake route the per-address limit guards.
const OPEN311_INTAKE: &str = "/open311/v2/requests.json";

#[derive(Clone)]
struct IntakeLimit {
    gate: Arc<AddressGate>,
    client_ip_header: Option<Arc<str>>,
}

/// `app` with the per-address limit on Open311 intake: beyond it, 429 with `Retry-After` and a
/// polite Indonesian description in Open311's shape. Requests whose address is unknown (no
/// connection info, as in tests that call the router directly) or loopback (the local proxy
/// when `http.client_ip_header` is unset, local tools) are not limited.
pub fn limit_open311_intake(app: Router, gate: Arc<AddressGate>, client_ip_header: Option<&str>) -> Router {
    let limit = IntakeLimit {
        gate,
        client_ip_header: client_ip_header.map(Arc::from),
    };
    app.layer(axum::middleware::from_fn_with_state(limit, open311_intake))
}

async fn open311_intake(State(limit): State<IntakeLimit>, request: Request, next: Next) -> Response {
    if request.method() != axum::http::Method::POST || request.uri().path() != OPEN311_INTAKE {
        return next.run(request).await;
    }
    // A loopback address is the local reverse proxy (without `client_ip_header`) or a local
    // tool: limiting it would make every client share one allowance.
    let Some(ip) = super::server::client_ip(&request, limit.client_ip_header.as_deref()).filter(|ip| !ip.is_loopback())
    else {
        return next.run(request).await;
    };
    match limit.gate.allowed(ip) {
        Ok(()) => {
            let response = next.run(request).await;
            if response.status().is_success() {
                limit.gate.record(ip);
            }
            response
        }
        Err(wait) => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            tracing::info!(%ip, "Open311 intake refused: too many requests from one address");
            let message = format!(
                "Terlalu banyak laporan dari alamat ini dalam satu jam terakhir. Mohon maaf, silakan \
                 coba lagi dalam sekitar {minutes} menit."
            );
            let mut response = error_response(
                OPEN311_INTAKE,
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message),
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, wait.as_secs().max(1).into());
            response
        }
    }
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The web console's own error pages (HTML under `/console/`) are already what its users read.
fn is_console_page(path: &str, response: &Response) -> bool {
    path.starts_with("/console")
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
}

/// Makes every error response JSON (see the module docs); headers such as `Allow` and
/// `Retry-After` are kept.
pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || is_json(&response)
        || is_console_page(&path, &response)
    {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let replacement = error_response(&path, error_for_status(status));
    let (new_parts, body) = replacement.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::TRANSFER_ENCODING);
    parts.headers.insert(
        header::CONTENT_TYPE,
        new_parts
            .headers
            .get(header::CONTENT_TYPE)
            .cloned()
            .unwrap_or(HeaderValue::from_static("application/json")),
    );
    if status == StatusCode::SERVICE_UNAVAILABLE && !parts.headers.contains_key(header::RETRY_AFTER) {
        parts
            .headers
            .insert(header::RETRY_AFTER, super::error::RETRY_AFTER_SECS.into());
    }
    Response::from_parts(parts, Body::new(body))
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;
    use serde_json::Value;
    use tower::ServiceExt;

    use super::*;

    fn app() -> Router {
        Router::new()
            .route("/api/v1/items/{id}", get(|| async { "ok" }))
            .route("/open311/v2/services.json", get(|| async { "[]" }))
            .route("/plain", get(|| async { (StatusCode::BAD_REQUEST, "plain text") }))
            .method_not_allowed_fallback(method_not_allowed)
            .layer(axum::middleware::from_fn(check_uri))
            .layer(axum::middleware::from_fn(json_errors))
    }

    async fn call(method: &str, uri: &str) -> (StatusCode, Value, axum::http::HeaderMap) {
        let request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
        let response = app().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (parts.status, json, parts.headers)
    }

    #[tokio::test]
    async fn wrong_methods_are_json_405_with_allow() {
        let (status, body, headers) = call("DELETE", "/api/v1/items/1").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["error"]["code"], "method_not_allowed");
        assert!(headers[header::ALLOW].to_str().unwrap().contains("GET"));
        let (status, body, _) = call("POST", "/open311/v2/services.json").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body[0]["code"], 405, "Open311 shape under /open311/");
    }

    #[tokio::test]
    async fn long_uris_are_json_414() {
        let uri = format!("/api/v1/items/1?q={}", "a".repeat(MAX_URI_BYTES));
        let (status, body, _) = call("GET", &uri).await;
        assert_eq!(status, StatusCode::URI_TOO_LONG);
        assert_eq!(body["error"]["code"], "uri_too_long");
    }

    /// Regression: a NUL byte in an Open311 query was a 500 on PostgreSQL.
    #[tokio::test]
    async fn nul_and_undecodable_uris_are_json_400() {
        for (uri, code) in [
            ("/api/v1/items/1?status=%00", "bad_query"),
            ("/api/v1/items/%00", "bad_path"),
            ("/api/v1/items/%FF%FE", "bad_path"),
            ("/api/v1/items/1?x=%1B", "bad_query"),
        ] {
            let (status, body, _) = call("GET", uri).await;
            assert_eq!(
                (status, body["error"]["code"].as_str()),
                (StatusCode::BAD_REQUEST, Some(code)),
                "{uri}"
            );
        }
        let (status, body, _) = call("GET", "/open311/v2/services.json?service_code=%00").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body[0]["code"], 400);
        let (status, _, _) = call("GET", "/api/v1/items/caf%C3%A9?q=%E2%9C%93").await;
        assert_eq!(status, StatusCode::OK, "UTF-8 is fine");
    }

    #[tokio::test]
    async fn open311_intake_is_limited_per_address() {
        use axum::extract::ConnectInfo;
        use axum::routing::post;
        use std::net::SocketAddr;

        let settings = crate::limits::LimitSettings {
            complaints_per_address_per_hour: 2,
            ..Default::default()
        };
        let app = limit_open311_intake(
            Router::new().route(
                OPEN311_INTAKE,
                post(|uri: Uri| async move {
                    // `?bad` stands for a form the handler refuses.
                    if uri.query() == Some("bad") {
                        StatusCode::BAD_REQUEST
                    } else {
                        StatusCode::OK
                    }
                })
                .get(|| async { "[]" }),
            ),
            Arc::new(settings.address_gate()),
            None,
        );
        let call = |method: &str, peer: [u8; 4]| {
            let (method, uri) = match method {
                "BAD" => ("POST", format!("{OPEN311_INTAKE}?bad")),
                other => (other, OPEN311_INTAKE.to_owned()),
            };
            let mut request = Request::builder().method(method).uri(uri).body(Body::empty()).unwrap();
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::from((peer, 4000))));
            app.clone().oneshot(request)
        };
        for _ in 0..3 {
            let refused = call("BAD", [192, 0, 2, 1]).await.unwrap().status();
            assert_eq!(refused, StatusCode::BAD_REQUEST, "refused forms do not count");
        }
        for _ in 0..2 {
            assert_eq!(call("POST", [192, 0, 2, 1]).await.unwrap().status(), StatusCode::OK);
        }
        let refused = call("POST", [192, 0, 2, 1]).await.unwrap();
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(refused.headers().contains_key(header::RETRY_AFTER));
        let body: Value =
            serde_json::from_slice(&axum::body::to_bytes(refused.into_body(), 1 << 16).await.unwrap()).unwrap();
        assert_eq!(body[0]["code"], 429);
        assert!(
            body[0]["description"].as_str().unwrap().contains("silakan coba lagi"),
            "{body}"
        );
        assert_eq!(
            call("GET", [192, 0, 2, 1]).await.unwrap().status(),
            StatusCode::OK,
            "reads are not limited"
        );
        assert_eq!(
            call("POST", [192, 0, 2, 2]).await.unwrap().status(),
            StatusCode::OK,
            "other addresses are not"
        );
        for _ in 0..3 {
            let local = call("POST", [127, 0, 0, 1]).await.unwrap().status();
            assert_eq!(local, StatusCode::OK, "a local proxy naming no client is not limited");
        }
    }

    #[tokio::test]
    async fn plain_text_errors_become_json() {
        let (status, body, headers) = call("GET", "/plain").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["code"], "bad_request");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        let (status, body, _) = call("GET", "/api/v1/items/1").await;
        assert_eq!((status, body), (StatusCode::OK, Value::Null), "successes are untouched");
    }
}
