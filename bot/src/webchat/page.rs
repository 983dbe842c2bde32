//! The chat page (`/chat`), its script and stylesheet, and the widget script an agency's site
//! loads with one `<script>` tag, with the headers that keep them in their lane.
//!
//! Everything is built once, when the channel starts: the page's words come from
//! `conversation::text` (as a JSON block the script reads, so no Indonesian lives in the
//! JavaScript), the title from `[webchat]`. The page allows only its own script, stylesheet and
//! API (`Content-Security-Policy` without `unsafe-inline`), may be framed only by the configured
//! sites (`frame-ancestors`), and loads nothing from anywhere else. The widget script creates a
//! button and, when pressed, an `<iframe>` of the page: the chat runs on loket's own origin,
//! isolated from the agency's page and its scripts, and the agency's page needs nothing but the
//! script tag (and, when it has a CSP of its own, loket's origin in `script-src` and
//! `frame-src`).

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::settings::WebChatSettings;
use crate::console::html::esc;
use crate::conversation::text;

const CHAT_JS: &str = include_str!("assets/chat.js");
const CHAT_CSS: &str = include_str!("assets/chat.css");
const WIDGET_JS: &str = include_str!("assets/widget.js");

/// The page, the assets and the headers, built once.
#[derive(Debug, Clone)]
pub(crate) struct Pages {
    page: String,
    widget: String,
    csp: HeaderValue,
    frame_options: Option<HeaderValue>,
}

/// A short content hash for cache-busting asset links.
fn version(content: &str) -> String {
    hex::encode(&Sha256::digest(content.as_bytes())[..6])
}

/// JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`).
fn script_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c")
}

/// The page's words, read by its script.
fn texts(settings: &WebChatSettings) -> serde_json::Value {
    json!({
        "send": text::WEB_SEND,
        "sending": text::WEB_SENDING,
        "you": text::WEB_AUTHOR_CITIZEN,
        "loket": text::WEB_AUTHOR_LOKET,
        "offline": text::WEB_OFFLINE,
        "locationFailed": text::WEB_LOCATION_FAILED,
        "noAttachments": text::WEB_NO_ATTACHMENTS,
        "maxPhotoBytes": settings.max_photo_bytes,
        "photoTooLarge": text::web_photo_too_large(settings.max_photo_bytes),
        "photoType": text::WEB_PHOTO_TYPE,
        "maxChars": settings.max_message_chars,
        "tooLong": text::web_message_too_long(settings.max_message_chars),
        "empty": text::WEB_EMPTY_MESSAGE,
    })
}

/// `frame-ancestors` for the configured sites.
fn frame_ancestors(settings: &WebChatSettings) -> String {
    if settings.any_origin() {
        return "*".into();
    }
    let mut sources = vec!["'self'".to_owned()];
    sources.extend(settings.origins());
    sources.join(" ")
}

impl Pages {
    pub(crate) fn new(settings: &WebChatSettings) -> Self {
        let title = esc(settings.title.trim());
        let max = settings.max_message_chars;
        let page = format!(
            r#"<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<title>{title}</title>
<link rel="stylesheet" href="chat/chat.css?v={css}">
<script src="chat/chat.js?v={js}" defer></script>
</head>
<body>
<div class="chat">
<header class="chat-header">
<h1 id="chat-title">{title}</h1>
<button type="button" id="chat-close" class="chat-close" hidden aria-label="{close}" title="{close}">&times;</button>
</header>
<main id="chat-log" class="chat-log" role="log" aria-live="polite" aria-label="{log}" tabindex="0"></main>
<p id="chat-status" class="chat-status" role="status" hidden></p>
<p id="chat-error" class="chat-error" role="alert" hidden></p>
<nav class="chat-shortcuts" aria-label="{shortcuts}">
<button type="button" data-command="/lapor">{report}</button>
<button type="button" data-command="/laporanku">{mine}</button>
<button type="button" data-command="/layanan">{services}</button>
<button type="button" data-command="/bantuan">{help}</button>
</nav>
<form id="chat-form" class="chat-form" autocomplete="off">
<button type="button" id="chat-location" class="chat-location" hidden>{location}</button>
<button type="button" id="chat-photo" class="chat-location" hidden>{photo}</button>
<input type="file" id="chat-photo-file" accept="image/jpeg,image/png,image/webp" hidden tabindex="-1" aria-label="{photo}">
<div class="chat-compose">
<label for="chat-input" class="sr-only">{input}</label>
<textarea id="chat-input" name="message" rows="1" maxlength="{max}" placeholder="{placeholder}" enterkeyhint="send"></textarea>
<button type="submit" id="chat-send" class="chat-send">{send}</button>
</div>
</form>
</div>
<script type="application/json" id="chat-texts">{texts}</script>
</body>
</html>
"#,
            css = version(CHAT_CSS),
            js = version(CHAT_JS),
            close = esc(text::WEB_CLOSE),
            log = esc(text::WEB_LOG_LABEL),
            shortcuts = esc(text::WEB_SHORTCUTS_LABEL),
            report = esc(text::WEB_SHORTCUT_REPORT),
            mine = esc(text::WEB_SHORTCUT_MY_REPORTS),
            services = esc(text::WEB_SHORTCUT_SERVICES),
            help = esc(text::WEB_SHORTCUT_HELP),
            location = esc(text::WEB_SHARE_LOCATION),
            photo = esc(text::WEB_ATTACH_PHOTO),
            input = esc(text::WEB_INPUT_LABEL),
            placeholder = esc(text::WEB_PLACEHOLDER),
            send = esc(text::WEB_SEND),
            texts = script_json(&texts(settings)),
        );
        let widget_texts = json!({
            "launcher": text::WEB_LAUNCHER,
            "open": text::WEB_OPEN,
            "close": text::WEB_CLOSE,
            "title": settings.title.trim(),
        });
        let widget = WIDGET_JS.replace("/*TEXTS*/{}", &widget_texts.to_string());
        let ancestors = frame_ancestors(settings);
        let csp = format!(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
             base-uri 'none'; form-action 'none'; frame-ancestors {ancestors}"
        );
        Self {
            page,
            widget,
            csp: HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'")),
            // For browsers without frame-ancestors, when no other site may frame the page.
            frame_options: (ancestors == "'self'").then(|| HeaderValue::from_static("SAMEORIGIN")),
        }
    }

    /// `GET /chat`.
    pub(crate) fn page(&self) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert(HeaderName::from_static("content-security-policy"), self.csp.clone());
        if let Some(value) = &self.frame_options {
            headers.insert(HeaderName::from_static("x-frame-options"), value.clone());
        }
        headers.insert(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("geolocation=(self), camera=(), microphone=(), payment=()"),
        );
        common(&mut headers);
        (headers, self.page.clone()).into_response()
    }

    /// `GET /chat/widget.js`: loaded by other sites, so cacheable and loadable cross-origin.
    pub(crate) fn widget(&self) -> Response {
        asset(
            self.widget.clone(),
            "text/javascript; charset=utf-8",
            "public, max-age=3600",
        )
    }

    /// `GET /chat/chat.js`
    pub(crate) fn script(&self) -> Response {
        asset(
            CHAT_JS.to_owned(),
            "text/javascript; charset=utf-8",
            "public, max-age=86400",
        )
    }

    /// `GET /chat/chat.css`
    pub(crate) fn stylesheet(&self) -> Response {
        asset(CHAT_CSS.to_owned(), "text/css; charset=utf-8", "public, max-age=86400")
    }
}

fn common(headers: &mut HeaderMap) {
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
}

fn asset(body: String, content_type: &'static str, cache: &'static str) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    common(&mut headers);
    (headers, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_its_title_and_carries_its_words_as_json() {
        let settings = WebChatSettings {
            title: "Tanya <Beji> & \"Kami\"".into(),
            ..WebChatSettings::default()
        };
        let pages = Pages::new(&settings);
        assert!(
            pages
                .page
                .contains("<h1 id=\"chat-title\">Tanya &lt;Beji&gt; &amp; &quot;Kami&quot;</h1>")
        );
        assert!(!pages.page.contains("<Beji>"));
        let start = pages.page.find("id=\"chat-texts\">").unwrap() + "id=\"chat-texts\">".len();
        let end = pages.page[start..].find("</script>").unwrap() + start;
        let texts: serde_json::Value = serde_json::from_str(&pages.page[start..end]).unwrap();
        assert_eq!(texts["send"], text::WEB_SEND);
        assert_eq!(texts["maxChars"], 1000);
        assert!(
            !pages.page.contains("http://") && !pages.page.contains("https://"),
            "no external assets"
        );
        assert!(pages.widget.contains(text::WEB_LAUNCHER) && !pages.widget.contains("/*TEXTS*/"));
    }

    #[test]
    fn only_the_configured_sites_may_frame_the_page() {
        let csp = |origins: &[&str]| {
            let settings = WebChatSettings {
                allowed_origins: origins.iter().map(|o| (*o).to_owned()).collect(),
                ..WebChatSettings::default()
            };
            Pages::new(&settings).csp.to_str().unwrap().to_owned()
        };
        let own = csp(&[]);
        assert!(
            own.contains("frame-ancestors 'self'") && own.contains("script-src 'self';"),
            "{own}"
        );
        assert!(!own.contains("unsafe-inline"), "{own}");
        assert!(csp(&["https://beji.go.id"]).ends_with("frame-ancestors 'self' https://beji.go.id"));
        assert!(csp(&["*"]).ends_with("frame-ancestors *"));
        assert!(
            script_json(&json!({"x": "</script><script>alert(1)</script>"})).contains("\\u003c/script>"),
            "JSON cannot close its script element"
        );
    }
}
