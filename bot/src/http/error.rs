//! `ApiError`: every failure of the HTTP API as a JSON body with the right status code.
//!
//! Shape: `{"error": {"code": "not_found", "message": "..."}}`. Messages are Indonesian (officers
//! read them); internal errors are logged with their cause chain and answered with a fixed
//! message, never with details. A database that cannot be reached is 503 `database_unavailable`
//! (with `Retry-After`), a full one 507 `storage_full`: the caller knows to retry, and nothing
//! was written.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::TransitionError;
use crate::storage::{DatabaseTrouble, StoreError};

/// Seconds a client should wait before retrying after a 503.
pub(crate) const RETRY_AFTER_SECS: u64 = 5;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Kunci API tidak ada atau tidak valid. Kirim header Authorization: Bearer <kunci>.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Pengaduan ini tidak diteruskan kepada instansi Anda.",
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "Pengaduan tidak ditemukan.")
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", message)
    }

    /// The database is unreachable or full (see [`DatabaseTrouble`]); logged for the operator.
    pub fn database(trouble: DatabaseTrouble, error: &anyhow::Error) -> Self {
        match trouble {
            DatabaseTrouble::Unavailable => {
                tracing::warn!(error.cause_chain = ?error, error.message = %error, "database unavailable: request refused with 503");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "Basis data sedang tidak dapat dihubungi; permintaan tidak diproses. Silakan coba lagi sebentar lagi.",
                )
            }
            DatabaseTrouble::Full => {
                tracing::error!(error.cause_chain = ?error, error.message = %error, "database storage is full: free disk space; the request wrote nothing");
                Self::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "storage_full",
                    "Penyimpanan server penuh; permintaan tidak disimpan. Silakan coba lagi nanti.",
                )
            }
        }
    }

    pub fn internal(error: &anyhow::Error) -> Self {
        tracing::error!(error.cause_chain = ?error, error.message = %error, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Terjadi kesalahan pada server. Silakan coba lagi.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, RETRY_AFTER_SECS.into());
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        if let (Some(trouble), StoreError::Unexpected(error)) = (e.trouble(), &e) {
            return Self::database(trouble, error);
        }
        match e {
            StoreError::NotFound => Self::not_found(),
            // The table allows the step, but not for this actor (e.g. a handler closing early).
            StoreError::Transition(t @ TransitionError::NotPermitted { .. }) => {
                Self::new(StatusCode::FORBIDDEN, "transition_not_permitted", t.to_string())
            }
            StoreError::Transition(t) => Self::new(StatusCode::CONFLICT, "invalid_transition", t.to_string()),
            StoreError::IdempotencyKeyReused => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                e.to_string(),
            ),
            StoreError::Unexpected(e) => Self::internal(&e),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                Self::unprocessable(format!("Isi permintaan tidak sesuai: {}", e.body_text()))
            }
            JsonRejection::JsonSyntaxError(_) => Self::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "Isi permintaan bukan JSON yang valid.",
            ),
            JsonRejection::MissingJsonContentType(_) => Self::new(
                StatusCode::BAD_REQUEST,
                "content_type",
                "Gunakan header Content-Type: application/json.",
            ),
            other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                "Isi permintaan terlalu besar.",
            ),
            other => Self::new(StatusCode::BAD_REQUEST, "bad_request", other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_query",
            format!("Parameter tidak valid: {}", r.body_text()),
        )
    }
}
