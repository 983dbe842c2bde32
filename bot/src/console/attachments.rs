//! A complaint's attachments on its console page, fetched from the channel that received them
//! and passed through loket (issue 17): loket stores only the channel's reference (a Telegram
//! `file_id`; `wa_<media id>` for WhatsApp), never the file, and never hands out a channel URL
//! (a Telegram file URL carries the bot token; a WhatsApp media URL needs the access token).
//! The web chat has no channel that keeps files: its photos (`web_<n>`) are read from loket's
//! own table (`webchat::photos`).
//!
//! `GET /console/complaints/{ticket}/attachments/{n}` (1-based) answers only an officer or
//! supervisor of the complaint's handler (anyone else: "not found", like the complaint), with
//! `Cache-Control: private, no-store`. Images and PDFs open in the browser; anything else is a
//! download (`application/octet-stream`), so a file a citizen sent never runs as a page here.
//! Files over [`MAX_BYTES`] (Telegram's own download limit) are refused. A channel this
//! process has no credentials for says so instead of failing.

use std::time::Duration;

use anyhow::Context;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use teloxide::net::Download;
use teloxide::prelude::Requester;
use teloxide::types::FileId;

use super::ConsoleState;
use super::complaint::owned;
use super::error::ConsoleError;
use super::session::CurrentSession;

/// The largest attachment passed through (Telegram's bots may download up to 20 MB).
pub(crate) const MAX_BYTES: u64 = 20 * 1024 * 1024;

/// How WhatsApp attachment ids start (see `whatsapp::webhook::attachment_id`).
const WHATSAPP_PREFIX: &str = "wa_";

/// Where attachments are fetched from: the channels this process has credentials for.
#[derive(Clone, Default)]
pub struct MediaSources {
    telegram: Option<teloxide::Bot>,
    whatsapp: Option<WhatsAppMedia>,
    web: Option<crate::storage::Store>,
}

/// The WhatsApp Cloud API's media endpoints: `GET {api_url}/{media id}` (bearer token) names a
/// short-lived URL, fetched with the same token.
#[derive(Clone)]
struct WhatsAppMedia {
    http: reqwest::Client,
    api_url: String,
    token: SecretString,
}

/// One fetched file.
pub(crate) struct Media {
    pub(crate) bytes: Vec<u8>,
    /// As the channel or the file name says, e.g. `image/jpeg`.
    pub(crate) content_type: String,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum FetchError {
    /// No credentials for the channel in this process.
    #[error("no {0} credentials in this process")]
    Unavailable(&'static str),
    #[error("the attachment is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl MediaSources {
    pub fn new() -> Self {
        Self::default()
    }

    /// Fetches Telegram files with `bot` (`getFile`, then the file download).
    pub fn with_telegram(mut self, bot: teloxide::Bot) -> Self {
        self.telegram = Some(bot);
        self
    }

    /// Fetches WhatsApp media from the Graph API at `api_url` (version included) with `token`.
    pub fn with_whatsapp(mut self, api_url: &str, token: SecretString) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .context("cannot build the WhatsApp media client")?;
        self.whatsapp = Some(WhatsAppMedia {
            http,
            api_url: api_url.trim_end_matches('/').to_owned(),
            token,
        });
        Ok(self)
    }

    /// Reads web chat photos from `store`.
    pub fn with_web_chat(mut self, store: crate::storage::Store) -> Self {
        self.web = Some(store);
        self
    }

    pub(crate) async fn fetch(&self, attachment: &str) -> Result<Media, FetchError> {
        if attachment.starts_with(crate::webchat::photos::ATTACHMENT_PREFIX) {
            let store = self.web.as_ref().ok_or(FetchError::Unavailable("web chat"))?;
            let photo = crate::webchat::store::WebChatStore(store.clone())
                .photo(attachment)
                .await
                .map_err(|e| FetchError::Failed(anyhow::anyhow!("cannot read a web chat photo: {e}")))?
                .ok_or_else(|| FetchError::Failed(anyhow::anyhow!("no web chat photo {attachment:?}")))?;
            return Ok(Media {
                bytes: photo.bytes,
                content_type: photo.content_type,
            });
        }
        match attachment.strip_prefix(WHATSAPP_PREFIX) {
            Some(media_id) => {
                let whatsapp = self.whatsapp.as_ref().ok_or(FetchError::Unavailable("WhatsApp"))?;
                whatsapp.fetch(media_id).await
            }
            None => {
                let bot = self.telegram.as_ref().ok_or(FetchError::Unavailable("Telegram"))?;
                fetch_telegram(bot, attachment).await
            }
        }
    }
}

async fn fetch_telegram(bot: &teloxide::Bot, file_id: &str) -> Result<Media, FetchError> {
    let file = bot
        .get_file(FileId(file_id.to_owned()))
        .await
        .context("Telegram getFile failed")?;
    if u64::from(file.size) > MAX_BYTES {
        return Err(FetchError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(file.size).unwrap_or(0));
    bot.download_file(&file.path, &mut bytes)
        .await
        .context("Telegram file download failed")?;
    Ok(Media {
        content_type: content_type_of_name(&file.path).to_owned(),
        bytes,
    })
}

impl WhatsAppMedia {
    async fn fetch(&self, media_id: &str) -> Result<Media, FetchError> {
        if media_id.is_empty() || !media_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(anyhow::anyhow!("not a WhatsApp media id: {media_id:?}").into());
        }
        let token = self.token.expose_secret();
        let meta: serde_json::Value = self
            .http
            .get(format!("{}/{media_id}", self.api_url))
            .bearer_auth(token)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .context("WhatsApp media lookup failed")?
            .json()
            .await
            .context("WhatsApp media lookup answered no JSON")?;
        if meta["file_size"].as_u64().is_some_and(|size| size > MAX_BYTES) {
            return Err(FetchError::TooLarge);
        }
        let url = meta["url"].as_str().context("WhatsApp media lookup named no URL")?;
        let response = self
            .http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .context("WhatsApp media download failed")?;
        let bytes = response.bytes().await.context("WhatsApp media download broke off")?;
        if bytes.len() as u64 > MAX_BYTES {
            return Err(FetchError::TooLarge);
        }
        Ok(Media {
            content_type: meta["mime_type"]
                .as_str()
                .unwrap_or("application/octet-stream")
                .to_owned(),
            bytes: bytes.to_vec(),
        })
    }
}

/// The type of a file from its name's extension (Telegram's file paths keep one).
fn content_type_of_name(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match extension.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("webp") => "image/webp",
        Some("gif") => "image/gif",
        Some("pdf") => "application/pdf",
        Some("mp4") => "video/mp4",
        Some("ogg" | "oga") => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// Types a browser may show inline without running anything: everything else is a download.
fn shown_inline(content_type: &str) -> Option<(&'static str, &'static str)> {
    match content_type.split(';').next().unwrap_or_default().trim() {
        "image/jpeg" => Some(("image/jpeg", "jpg")),
        "image/png" => Some(("image/png", "png")),
        "image/webp" => Some(("image/webp", "webp")),
        "image/gif" => Some(("image/gif", "gif")),
        "application/pdf" => Some(("application/pdf", "pdf")),
        _ => None,
    }
}

/// `GET /console/complaints/{ticket}/attachments/{n}`.
pub(crate) async fn show(
    State(state): State<ConsoleState>,
    session: CurrentSession,
    Path((ticket, n)): Path<(String, usize)>,
) -> Result<Response, ConsoleError> {
    let complaint = owned(&state, &session, &ticket).await?;
    let attachment = n
        .checked_sub(1)
        .and_then(|i| complaint.attachments.as_slice().get(i))
        .ok_or(ConsoleError::NotFound)?;
    let media = match state.media().fetch(attachment.as_str()).await {
        Ok(media) => media,
        Err(FetchError::Unavailable(channel)) => {
            return Err(ConsoleError::Unavailable(format!(
                "Lampiran ini dikirim lewat {channel}, tetapi server ini tidak tersambung ke {channel}. \
                 Buka dari server yang menjalankan kanal tersebut, atau hubungi administrator."
            )));
        }
        Err(FetchError::TooLarge) => {
            return Err(ConsoleError::Unavailable(
                "Lampiran ini lebih besar dari 20 MB dan tidak dapat ditampilkan di konsol.".into(),
            ));
        }
        Err(FetchError::Failed(error)) => {
            tracing::warn!(ticket = %complaint.ticket, n, error = %format!("{error:#}"), "attachment fetch failed");
            return Err(ConsoleError::Unavailable(
                "Lampiran tidak dapat diambil dari kanal pelapor saat ini (mungkin sudah kedaluwarsa). \
                 Coba lagi nanti."
                    .into(),
            ));
        }
    };
    tracing::info!(
        ticket = %complaint.ticket,
        n,
        account = %session.account.username,
        bytes = media.bytes.len(),
        "attachment opened in the console"
    );
    let (content_type, disposition) = match shown_inline(&media.content_type) {
        Some((kind, extension)) => (
            kind,
            format!("inline; filename=\"{}-{n}.{extension}\"", complaint.ticket.as_str()),
        ),
        None => (
            "application/octet-stream",
            format!("attachment; filename=\"{}-{n}\"", complaint.ticket.as_str()),
        ),
    };
    let mut response = (StatusCode::OK, media.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_name_and_only_safe_ones_show_inline() {
        assert_eq!(content_type_of_name("photos/file_1.JPG"), "image/jpeg");
        assert_eq!(content_type_of_name("documents/surat.pdf"), "application/pdf");
        assert_eq!(
            content_type_of_name("documents/halaman.html"),
            "application/octet-stream"
        );
        assert_eq!(shown_inline("image/png"), Some(("image/png", "png")));
        assert_eq!(shown_inline("application/pdf"), Some(("application/pdf", "pdf")));
        for risky in ["image/svg+xml", "text/html", "application/octet-stream", "video/mp4"] {
            assert_eq!(shown_inline(risky), None, "{risky}");
        }
    }

    #[tokio::test]
    async fn a_channel_without_credentials_is_unavailable() {
        let none = MediaSources::new();
        assert!(matches!(
            none.fetch("AgACfoto1").await,
            Err(FetchError::Unavailable("Telegram"))
        ));
        assert!(matches!(
            none.fetch("wa_1234").await,
            Err(FetchError::Unavailable("WhatsApp"))
        ));
    }

    #[tokio::test]
    async fn telegram_files_come_through_get_file_and_the_download() {
        let api = crate::telegram::fake_api::FakeBotApi::start().await.unwrap();
        api.add_file("AgACfoto1", "jpg", b"\xff\xd8\xff jpeg bytes");
        let media = MediaSources::new().with_telegram(api.bot());
        let got = media.fetch("AgACfoto1").await.unwrap();
        assert_eq!(got.bytes, b"\xff\xd8\xff jpeg bytes");
        assert_eq!(got.content_type, "image/jpeg");
        assert!(matches!(media.fetch("AgACunknown").await, Err(FetchError::Failed(_))));
        assert_eq!(api.calls_of("downloadFile").len(), 1);
    }

    #[tokio::test]
    async fn whatsapp_media_comes_through_the_lookup_and_the_download_with_the_token() {
        let graph = loket_fakes::graph::FakeGraph::start().await;
        graph.add_media("7788", "image/png", b"\x89PNG bytes");
        let media = MediaSources::new()
            .with_whatsapp(&graph.api_url(), SecretString::from("token-wa"))
            .unwrap();
        let got = media.fetch("wa_7788").await.unwrap();
        assert_eq!(got.bytes, b"\x89PNG bytes");
        assert_eq!(got.content_type, "image/png");
        assert!(
            graph.tokens().iter().all(|t| t == "Bearer token-wa"),
            "{:?}",
            graph.tokens()
        );
        assert!(matches!(media.fetch("wa_9999").await, Err(FetchError::Failed(_))));
    }
}
