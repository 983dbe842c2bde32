//! Sessions and CSRF: the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS, kept
//! server-side as its SHA-256), the extractor that loads the logged-in account and its scope of
//! handlers, and the form extractors that refuse any POST without the right CSRF token.
//!
//! A logged-in form carries the session's token (stored with the session). The login and
//! password-setup forms, before any session exists, carry a token that must equal the
//! `loket_form` cookie set with the page (double submit; the cookie is SameSite=Strict too).

use axum::extract::{ConnectInfo, Form, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use serde::de::DeserializeOwned;

use super::ConsoleState;
use super::error::ConsoleError;
use super::password::{same_secret, token_digest};
use crate::storage::{Account, AccountRole};

pub const SESSION_COOKIE: &str = "loket_session";
pub const FORM_COOKIE: &str = "loket_form";

/// The value of cookie `name`, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value for the console's path; `max_age` 0 deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("loket_invalid=; Max-Age=0"))
}

/// The client's address: the last entry of the configured proxy header, else the peer.
pub fn client_address(parts: &Parts, header_name: Option<&str>) -> Option<std::net::IpAddr> {
    if let Some(name) = header_name
        && let Some(ip) = parts
            .headers
            .get_all(name)
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return Some(ip);
    }
    parts
        .extensions
        .get::<ConnectInfo<std::net::SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
}

/// The logged-in account, its form token and the handlers whose complaints it may read.
#[derive(Debug, Clone)]
pub struct CurrentSession {
    pub account: Account,
    pub csrf: String,
    /// Officer: its handlers; supervisor: every handler of its agency; administrator: none.
    pub scope: Vec<String>,
}

impl CurrentSession {
    /// Refuses accounts whose role is not one of `roles`.
    pub fn require(&self, roles: &[AccountRole]) -> Result<(), ConsoleError> {
        if roles.contains(&self.account.role) {
            Ok(())
        } else {
            Err(ConsoleError::Forbidden)
        }
    }

    /// Whether complaints of `handler` are within this account's scope.
    pub fn handles(&self, handler: Option<&str>) -> bool {
        handler.is_some_and(|h| self.scope.iter().any(|s| s == h))
    }
}

impl FromRequestParts<ConsoleState> for CurrentSession {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, state: &ConsoleState) -> Result<Self, ConsoleError> {
        if let Some(session) = parts.extensions.get::<CurrentSession>() {
            return Ok(session.clone());
        }
        let token = cookie(&parts.headers, SESSION_COOKIE).ok_or(ConsoleError::LoginRequired)?;
        let session = state
            .store()
            .session(&token_digest(token))
            .await?
            .ok_or(ConsoleError::LoginRequired)?;
        let scope = state.scope_of(&session.account);
        let current = CurrentSession {
            account: session.account,
            csrf: session.csrf,
            scope,
        };
        parts.extensions.insert(current.clone());
        Ok(current)
    }
}

/// The form's fields as strings (every console form is strings only).
async fn form_fields(request: Request, state: &ConsoleState) -> Result<Vec<(String, String)>, ConsoleError> {
    let Form(fields) = Form::<Vec<(String, String)>>::from_request(request, state)
        .await
        .map_err(|_| {
            ConsoleError::Invalid("Isi formulir tidak dapat dibaca. Muat ulang halaman, lalu kirim lagi.".into())
        })?;
    Ok(fields)
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn decode<T: DeserializeOwned>(fields: Vec<(String, String)>) -> Result<T, ConsoleError> {
    let map: serde_json::Map<String, serde_json::Value> = fields
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k, serde_json::Value::String(v)))
        .collect();
    serde_json::from_value(serde_json::Value::Object(map))
        .map_err(|_| ConsoleError::Invalid("Formulir tidak lengkap. Muat ulang halaman, lalu isi lagi.".into()))
}

/// A POST from a logged-in account whose CSRF token matched the session's.
pub struct Posted<T> {
    pub session: CurrentSession,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<ConsoleState> for Posted<T> {
    type Rejection = ConsoleError;

    async fn from_request(request: Request, state: &ConsoleState) -> Result<Self, ConsoleError> {
        let (mut parts, body) = request.into_parts();
        let session = CurrentSession::from_request_parts(&mut parts, state).await?;
        let fields = form_fields(Request::from_parts(parts, body), state).await?;
        match field(&fields, "csrf") {
            Some(token) if same_secret(token, &session.csrf) => {}
            _ => {
                tracing::warn!(account = %session.account.username, "console form refused: CSRF token missing or wrong");
                return Err(ConsoleError::Csrf);
            }
        }
        Ok(Self {
            session,
            form: decode(fields)?,
        })
    }
}

/// A POST before login (login, password setup) whose token matched the `loket_form` cookie,
/// with the client's address for the rate limit.
pub struct PublicPosted<T> {
    pub form: T,
    pub form_token: String,
    pub address: Option<std::net::IpAddr>,
}

impl<T: DeserializeOwned + Send> FromRequest<ConsoleState> for PublicPosted<T> {
    type Rejection = ConsoleError;

    async fn from_request(request: Request, state: &ConsoleState) -> Result<Self, ConsoleError> {
        let (parts, body) = request.into_parts();
        let expected = cookie(&parts.headers, FORM_COOKIE).map(str::to_owned);
        let address = client_address(&parts, state.client_ip_header());
        let fields = form_fields(Request::from_parts(parts, body), state).await?;
        let form_token = match (field(&fields, "csrf"), expected) {
            (Some(sent), Some(expected)) if same_secret(sent, &expected) => expected,
            _ => return Err(ConsoleError::Csrf),
        };
        Ok(Self {
            form: decode(fields)?,
            form_token,
            address,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_read_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; loket_session=abc ; b="));
        assert_eq!(cookie(&headers, "loket_session"), Some("abc"));
        assert_eq!(cookie(&headers, "b"), None);
        assert_eq!(cookie(&headers, "c"), None);
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_when_asked() {
        let plain = set_cookie("loket_session", "x", 60, false);
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict") && plain.contains("Path=/console"));
        assert!(!plain.contains("Secure"));
        assert!(
            set_cookie("loket_session", "x", 60, true)
                .to_str()
                .unwrap()
                .ends_with("; Secure")
        );
    }
}
