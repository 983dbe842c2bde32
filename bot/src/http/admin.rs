//! The administrator's API: `POST /api/v1/admin/reindex` re-reads the standards directory of
//! `loket serve` now (instead of waiting for the directory watcher) and answers with what the
//! ingest found.
//!
//! Authenticated with `Authorization: Bearer <admin key>`, checked against
//! `[admin] api_key_sha256` (the key's SHA-256, compared in constant time, like the handlers'
//! keys); without that setting the route answers 404 as if it did not exist. Answers: 200 with
//! the [`ReindexReport`](crate::reindex::ReindexReport); 422 when a decree does not parse or
//! the directory holds none, with the files and errors (the previous index keeps serving); 503
//! when this process serves no standards directory; 500 when recording failed (logged).
//! Messages are English: administrators read them next to the CLI's output.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header::AUTHORIZATION};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::AppState;
use crate::reindex::{ReindexError, Reindexer, Trigger};

/// What the admin routes need; `Default` = disabled.
#[derive(Clone, Default)]
pub struct AdminState {
    /// SHA-256 of the admin key; `None` disables the admin API.
    pub key_sha256: Option<[u8; 32]>,
    /// The reindexer of this process, when it serves a standards directory.
    pub reindexer: Option<Arc<Reindexer>>,
}

fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message.into()}})),
    )
        .into_response()
}

/// The answer refusing the request, or `None` when it carries the admin key.
fn refusal(admin: &AdminState, headers: &HeaderMap) -> Option<Response> {
    let Some(expected) = admin.key_sha256 else {
        return Some(error(StatusCode::NOT_FOUND, "no_route", "Alamat tidak dikenal."));
    };
    let key = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|h| h.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, key)| key.trim())
        .filter(|key| !key.is_empty());
    let same = key.is_some_and(|key| {
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        expected.iter().zip(&digest).fold(0_u8, |acc, (a, b)| acc | (a ^ b)) == 0
    });
    (!same).then(|| {
        error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong admin key: send Authorization: Bearer <admin key>",
        )
    })
}

/// `POST /api/v1/admin/reindex`.
pub(crate) async fn reindex(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(response) = refusal(&state.admin, &headers) {
        return response;
    }
    let Some(reindexer) = state.admin.reindexer.clone() else {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_standards",
            "this process serves no standards directory (set LOKET_STANDARDS_DIR)",
        );
    };
    match reindexer.reindex(Trigger::Api).await {
        Ok(report) => (StatusCode::OK, Json(report)).into_response(),
        Err(ReindexError::Malformed(files)) => {
            let message = format!(
                "{} decree file(s) could not be parsed; nothing changed, still serving the previous index",
                files.len()
            );
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({"error": {"code": "malformed_standards", "message": message, "files": files}})),
            )
                .into_response()
        }
        Err(e @ (ReindexError::Empty(_) | ReindexError::Engine(_))) => {
            error(StatusCode::UNPROCESSABLE_ENTITY, "unusable_standards", e.to_string())
        }
        Err(e @ ReindexError::Unreadable { .. }) => {
            error(StatusCode::INTERNAL_SERVER_ERROR, "unreadable", e.to_string())
        }
        // Logged with its cause by `reindex`.
        Err(e @ ReindexError::Store(_)) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()),
    }
}
