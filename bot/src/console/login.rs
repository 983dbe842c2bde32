//! Logging in and out, and setting a password from a one-time setup link.
//!
//! A login is refused (429 page) once an account or a client address has too many failed
//! attempts within the window (`[console]`), counted in the database so every process agrees;
//! an unknown username costs the same Argon2 time as a wrong password. A successful login starts
//! a server-side session and sets the cookie; logout revokes it.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::ConsoleState;
use super::error::ConsoleError;
use super::html::{csrf_field, esc, page, respond};
use super::password::{check_new_password, hash_password, new_token, token_digest, verify_nothing, verify_password};
use super::session::{CurrentSession, FORM_COOKIE, Posted, PublicPosted, SESSION_COOKIE, cookie, set_cookie};
use crate::storage::AccountRole;

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// `/console/`: the account's start page, or the login.
pub(crate) async fn home(session: Result<CurrentSession, ConsoleError>) -> Response {
    match session {
        Ok(s) if s.account.role == AccountRole::Administrator => redirect("/console/admin/announcements"),
        Ok(_) => redirect("/console/inbox"),
        Err(_) => redirect("/console/login"),
    }
}

#[derive(serde::Deserialize)]
pub(crate) struct LoginQuery {
    siap: Option<String>,
}

fn login_page(state: &ConsoleState, form_token: &str, username: &str, message: Option<(&str, &str)>) -> Response {
    let notice = message
        .map(|(class, text)| format!("<div class=\"{class}\">{}</div>", esc(text)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Masuk ke konsol</h1>{notice}<form class=\"card\" method=\"post\" action=\"/console/login\" style=\"max-width:420px\">\
         {csrf}<p><label for=\"username\">Nama pengguna</label><input id=\"username\" name=\"username\" autocomplete=\"username\" \
         required value=\"{username}\"></p><p><label for=\"password\">Kata sandi</label><input id=\"password\" name=\"password\" \
         type=\"password\" autocomplete=\"current-password\" required></p><button type=\"submit\">Masuk</button></form>\
         <p class=\"muted\">Belum punya kata sandi atau lupa? Minta administrator membuat tautan pengaturan sandi.</p>",
        csrf = csrf_field(form_token),
        username = esc(username),
    );
    let mut response = respond(StatusCode::OK, page("Masuk", None, &body));
    let ttl = state.settings().login_window().as_secs().max(3600);
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(FORM_COOKIE, form_token, ttl, state.settings().secure_cookie()),
    );
    response
}

/// The form token of this browser, or a new one.
fn form_token(headers: &HeaderMap) -> String {
    cookie(headers, FORM_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map_or_else(new_token, str::to_owned)
}

pub(crate) async fn form(
    State(state): State<ConsoleState>,
    session: Result<CurrentSession, ConsoleError>,
    headers: HeaderMap,
    Query(query): Query<LoginQuery>,
) -> Response {
    if session.is_ok() {
        return redirect("/console");
    }
    let message = query
        .siap
        .map(|_| ("ok", "Kata sandi tersimpan. Silakan masuk dengan kata sandi baru Anda."));
    login_page(&state, &form_token(&headers), "", message)
}

#[derive(serde::Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
}

pub(crate) async fn submit(
    State(state): State<ConsoleState>,
    posted: PublicPosted<LoginForm>,
) -> Result<Response, ConsoleError> {
    let settings = state.settings();
    let username = posted.form.username.trim().to_lowercase();
    let window = i64::try_from(settings.login_window().as_secs()).unwrap_or(900);
    let since = state.store().clock().now() - window;
    let account_key = format!("account:{username}");
    let address_key = posted.address.map(|ip| format!("address:{ip}"));
    let minutes = u64::try_from(window).unwrap_or(900).div_ceil(60);
    if state.store().login_failures(&account_key, since).await? >= u64::from(settings.login_failures_per_account) {
        tracing::warn!(username = %username, "console login refused: too many failures for the account");
        return Err(ConsoleError::TooManyLogins(minutes));
    }
    if let Some(key) = &address_key
        && state.store().login_failures(key, since).await? >= u64::from(settings.login_failures_per_address)
    {
        tracing::warn!(address = %key, "console login refused: too many failures from the address");
        return Err(ConsoleError::TooManyLogins(minutes));
    }
    let found = state.store().account_for_login(&username).await?;
    let password = posted.form.password;
    let account = match found {
        Some((account, Some(hash))) if account.disabled_at.is_none() => {
            let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
                .await
                .map_err(|e| anyhow::anyhow!("password check panicked: {e}"))?;
            ok.then_some(account)
        }
        _ => {
            tokio::task::spawn_blocking(move || verify_nothing(&password))
                .await
                .map_err(|e| anyhow::anyhow!("password check panicked: {e}"))?;
            None
        }
    };
    let Some(account) = account else {
        let keys: Vec<String> = std::iter::once(account_key).chain(address_key).collect();
        state.store().record_login_failure(&keys, window).await?;
        tracing::info!(username = %username, "console login failed");
        let mut response = login_page(
            &state,
            &posted.form_token,
            &username,
            Some(("error", "Nama pengguna atau kata sandi salah, atau akun tidak aktif.")),
        );
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(response);
    };
    let token = new_token();
    let ttl = settings.session_ttl().as_secs();
    state
        .store()
        .create_session(
            account.id,
            &token_digest(&token),
            &new_token(),
            i64::try_from(ttl).unwrap_or(43_200),
        )
        .await?;
    tracing::info!(username = %account.username, role = account.role.as_str(), "console login");
    let mut response = redirect("/console");
    let secure = settings.secure_cookie();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, ttl, secure));
    headers.append(header::SET_COOKIE, set_cookie(FORM_COOKIE, "", 0, secure));
    Ok(response)
}

#[derive(serde::Deserialize)]
pub(crate) struct Empty {}

pub(crate) async fn logout(
    State(state): State<ConsoleState>,
    headers: HeaderMap,
    _posted: Posted<Empty>,
) -> Result<Response, ConsoleError> {
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.store().revoke_session(&token_digest(token)).await?;
    }
    let mut response = redirect("/console/login");
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, state.settings().secure_cookie()),
    );
    Ok(response)
}

fn setup_page(state: &ConsoleState, token: &str, form_token: &str, name: &str, error: Option<&str>) -> Response {
    let notice = error
        .map(|e| format!("<div class=\"error\">{}</div>", esc(e)))
        .unwrap_or_default();
    let body = format!(
        "<h1>Atur kata sandi</h1>{notice}<form class=\"card\" method=\"post\" action=\"/console/setup/{token}\" style=\"max-width:420px\">\
         {csrf}<p>Akun: <strong>{name}</strong></p><p><label for=\"password\">Kata sandi baru (minimal 10 karakter)</label>\
         <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required minlength=\"10\"></p>\
         <p><label for=\"confirm\">Ulangi kata sandi</label><input id=\"confirm\" name=\"confirm\" type=\"password\" \
         autocomplete=\"new-password\" required></p><button type=\"submit\">Simpan kata sandi</button></form>",
        token = esc(token),
        csrf = csrf_field(form_token),
        name = esc(name),
    );
    let mut response = respond(StatusCode::OK, page("Atur kata sandi", None, &body));
    response.headers_mut().insert(
        header::SET_COOKIE,
        set_cookie(FORM_COOKIE, form_token, 3600, state.settings().secure_cookie()),
    );
    response
}

fn link_expired() -> ConsoleError {
    ConsoleError::Invalid(
        "Tautan pengaturan sandi ini tidak berlaku lagi (sudah dipakai atau kedaluwarsa). Minta administrator \
         membuat tautan baru (loket accounts reset)."
            .into(),
    )
}

pub(crate) async fn setup_form(
    State(state): State<ConsoleState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ConsoleError> {
    let account = state
        .store()
        .account_by_setup_token(&token_digest(&token))
        .await?
        .ok_or_else(link_expired)?;
    Ok(setup_page(&state, &token, &form_token(&headers), &account.name, None))
}

#[derive(serde::Deserialize)]
pub(crate) struct SetupForm {
    password: String,
    confirm: String,
}

pub(crate) async fn setup_submit(
    State(state): State<ConsoleState>,
    Path(token): Path<String>,
    posted: PublicPosted<SetupForm>,
) -> Result<Response, ConsoleError> {
    let digest = token_digest(&token);
    let account = state
        .store()
        .account_by_setup_token(&digest)
        .await?
        .ok_or_else(link_expired)?;
    let SetupForm { password, confirm } = posted.form;
    if let Err(problem) = check_new_password(&password, &confirm) {
        return Ok(setup_page(
            &state,
            &token,
            &posted.form_token,
            &account.name,
            Some(problem),
        ));
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| anyhow::anyhow!("password hashing panicked: {e}"))??;
    state
        .store()
        .set_password(&digest, &hash)
        .await?
        .ok_or_else(link_expired)?;
    tracing::info!(username = %account.username, "console password set");
    Ok(redirect("/console/login?siap=1"))
}
