//! What a console request can end in besides its page: a redirect to the login, or an error
//! page in Indonesian that says what to do. Internal errors are logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::html::{esc, page, respond};
use crate::storage::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No live session: go to the login page.
    #[error("login required")]
    LoginRequired,
    /// Unknown page, unknown complaint, or a complaint of another handler (no existence oracle).
    #[error("not found")]
    NotFound,
    /// The account's role does not open this page.
    #[error("forbidden")]
    Forbidden,
    /// A form without its CSRF token, or with a wrong one.
    #[error("csrf token missing or wrong")]
    Csrf,
    /// Input the officer can correct; the message says how.
    #[error("{0}")]
    Invalid(String),
    /// Something this server cannot give now (a channel it is not connected to); the message
    /// says why.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Too many failed logins; try again in about this many minutes.
    #[error("too many logins")]
    TooManyLogins(u64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for ConsoleError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound,
            StoreError::Transition(t) => Self::Invalid(t.to_string()),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

fn error_page(status: StatusCode, title: &str, message: &str) -> Response {
    let body = format!(
        "<h1>{}</h1><div class=\"card\"><p>{}</p><p><a href=\"/console\">Kembali ke konsol</a></p></div>",
        esc(title),
        esc(message)
    );
    respond(status, page(title, None, &body))
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match self {
            Self::LoginRequired => {
                let mut response = StatusCode::SEE_OTHER.into_response();
                response
                    .headers_mut()
                    .insert(header::LOCATION, HeaderValue::from_static("/console/login"));
                response
            }
            Self::NotFound => error_page(
                StatusCode::NOT_FOUND,
                "Tidak ditemukan",
                "Halaman atau pengaduan ini tidak ada, atau tidak ditangani oleh unit Anda.",
            ),
            Self::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "Tidak diizinkan",
                "Peran akun Anda tidak membuka halaman ini. Hubungi administrator bila Anda memerlukannya.",
            ),
            Self::Csrf => error_page(
                StatusCode::FORBIDDEN,
                "Formulir ditolak",
                "Formulir ini tidak membawa token keamanan yang sah (mungkin halaman sudah terlalu lama \
                 dibuka atau Anda sudah keluar). Muat ulang halaman, lalu kirim lagi. Tidak ada yang diubah.",
            ),
            Self::Invalid(message) => error_page(StatusCode::UNPROCESSABLE_ENTITY, "Belum bisa diproses", &message),
            Self::Unavailable(message) => error_page(StatusCode::SERVICE_UNAVAILABLE, "Belum tersedia", &message),
            Self::TooManyLogins(minutes) => error_page(
                StatusCode::TOO_MANY_REQUESTS,
                "Terlalu banyak percobaan masuk",
                &format!(
                    "Terlalu banyak percobaan masuk yang gagal. Demi keamanan, coba lagi dalam sekitar \
                     {minutes} menit, atau minta administrator mengatur ulang akun Anda."
                ),
            ),
            Self::Internal(e) => {
                tracing::error!(error.cause_chain = ?e, "console request failed");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Terjadi kesalahan",
                    "Terjadi kesalahan pada server. Silakan coba lagi sebentar lagi.",
                )
            }
        }
    }
}
