//! Handler authentication: `Authorization: Bearer <api key>`, checked against the SHA-256 digests
//! in the handlers file. The extractor yields the handler's id; routes scope everything to it.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::{ApiError, AppState};

/// The handler that signed this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedHandler(pub String);

impl FromRequestParts<AppState> for AuthenticatedHandler {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(ApiError::unauthorized)?;
        let (scheme, key) = header.trim().split_once(' ').ok_or_else(ApiError::unauthorized)?;
        if !scheme.eq_ignore_ascii_case("bearer") || key.trim().is_empty() {
            return Err(ApiError::unauthorized());
        }
        state
            .routing
            .authenticate(key.trim())
            .map(|h| Self(h.id.clone()))
            .ok_or_else(ApiError::unauthorized)
    }
}
