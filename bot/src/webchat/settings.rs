//! `[webchat]`: whether `loket serve` serves the web chat, what the page is called, which sites
//! may embed it, and how much one browser session and one client address may ask of it.

use std::time::Duration;

/// The web chat (`[webchat]`, `LOKET_WEBCHAT__...`). Off by default: an agency turns it on and
/// names the sites that embed it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebChatSettings {
    /// Serve `/chat`, `/chat/widget.js` and the chat API.
    pub enabled: bool,
    /// The chat's heading and page title (a widget may set its own with `data-title`).
    pub title: String,
    /// The agency (or region) whose services answer first in new sessions, as a citizen would
    /// name it ("Kecamatan Beji"); a widget may name its own with `data-agency`. None: all.
    pub agency: Option<String>,
    /// The address citizens reach loket at, e.g. `https://loket.example.go.id`: the chat page's
    /// own origin, which its posts carry. Unset: the request's `Host` (a proxy in front must
    /// then pass the original `Host`).
    pub public_url: Option<String>,
    /// Sites that may embed the chat (`Content-Security-Policy: frame-ancestors`) and whose
    /// `Origin` a post may carry besides the chat's own, e.g. `["https://beji.pasuruankab.go.id"]`;
    /// `"*"` allows every site. Empty: only the chat's own address.
    pub allowed_origins: Vec<String>,
    /// Longest message a citizen may send, in characters (longer ones are refused with a
    /// message saying so; the answer engine reads at most `limits.max_question_chars`).
    pub max_message_chars: usize,
    /// Largest photo a citizen may attach to a complaint, in bytes (JPEG, PNG or WebP; larger
    /// ones are refused, saying the limit).
    pub max_photo_bytes: usize,
    /// Messages one session may send in a minute (429 beyond, with a message saying so).
    pub messages_per_session_per_minute: u32,
    /// Requests of any kind one client address may make in a minute (429 beyond). Loopback
    /// addresses (a local proxy that names no client, see `http.client_ip_header`) are not
    /// limited.
    pub requests_per_address_per_minute: u32,
    /// New sessions one client address may open in an hour.
    pub sessions_per_address_per_hour: u32,
    /// How long a request for new messages waits for one before answering empty (long poll);
    /// kept below `http.request_timeout_secs`.
    pub long_poll_secs: u64,
    /// Days a transcript line is kept, and an idle session with no open complaint.
    pub retention_days: u64,
}

impl Default for WebChatSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            title: crate::conversation::text::WEB_TITLE.to_owned(),
            agency: None,
            public_url: None,
            allowed_origins: Vec::new(),
            max_message_chars: 1000,
            max_photo_bytes: 5 * 1024 * 1024,
            messages_per_session_per_minute: 20,
            requests_per_address_per_minute: 300,
            sessions_per_address_per_hour: 30,
            long_poll_secs: 25,
            retention_days: 30,
        }
    }
}

/// An origin as browsers send it (`scheme://host[:port]`, lowercase, no path), or `None` when
/// `raw` is not an http(s) URL. Only characters a CSP source may hold come out.
pub(crate) fn origin_of(raw: &str) -> Option<String> {
    let url = reqwest::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    let origin = url.origin().ascii_serialization();
    origin
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b".:/-[]".contains(&b))
        .then_some(origin)
}

/// Whether `raw` is an origin alone: no path (but `/`), query, fragment or credentials.
fn is_bare_origin(raw: &str) -> bool {
    origin_of(raw).is_some()
        && reqwest::Url::parse(raw.trim()).is_ok_and(|url| {
            url.path() == "/"
                && url.query().is_none()
                && url.fragment().is_none()
                && url.username().is_empty()
                && url.password().is_none()
        })
}

impl WebChatSettings {
    pub fn validate(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            !self.title.trim().is_empty() && self.title.chars().count() <= 80,
            "webchat.title must be 1 to 80 characters"
        );
        if let Some(url) = &self.public_url {
            anyhow::ensure!(
                origin_of(url).is_some(),
                "webchat.public_url {url:?} must be an http:// or https:// address"
            );
        }
        for origin in &self.allowed_origins {
            anyhow::ensure!(
                origin.trim() == "*" || is_bare_origin(origin),
                "webchat.allowed_origins: {origin:?} must be \"*\" or an origin such as https://example.go.id \
                 (scheme and host, no path)"
            );
        }
        anyhow::ensure!(
            (50..=4000).contains(&self.max_message_chars),
            "webchat.max_message_chars must be between 50 and 4000"
        );
        anyhow::ensure!(
            (1024..=20 * 1024 * 1024).contains(&self.max_photo_bytes),
            "webchat.max_photo_bytes must be between 1024 and 20971520 (20 MB, what the console passes through)"
        );
        for (value, key) in [
            (
                self.messages_per_session_per_minute,
                "webchat.messages_per_session_per_minute",
            ),
            (
                self.requests_per_address_per_minute,
                "webchat.requests_per_address_per_minute",
            ),
            (
                self.sessions_per_address_per_hour,
                "webchat.sessions_per_address_per_hour",
            ),
        ] {
            anyhow::ensure!(value >= 1, "{key} must be at least 1");
        }
        anyhow::ensure!(self.long_poll_secs <= 60, "webchat.long_poll_secs must be at most 60");
        anyhow::ensure!(self.retention_days >= 1, "webchat.retention_days must be at least 1");
        Ok(())
    }

    /// The chat page's own origin when `public_url` names it.
    pub(crate) fn own_origin(&self) -> Option<String> {
        self.public_url.as_deref().and_then(origin_of)
    }

    /// Whether every site may embed the chat.
    pub(crate) fn any_origin(&self) -> bool {
        self.allowed_origins.iter().any(|o| o.trim() == "*")
    }

    /// The allowed origins as browsers send them.
    pub(crate) fn origins(&self) -> Vec<String> {
        self.allowed_origins.iter().filter_map(|o| origin_of(o)).collect()
    }

    pub(crate) fn retention(&self) -> Duration {
        Duration::from_secs(self.retention_days.max(1) * 86_400)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_normalised() {
        let mut s = WebChatSettings {
            allowed_origins: vec!["https://Beji.Pasuruankab.go.id".into(), "http://127.0.0.1:9000".into()],
            public_url: Some("https://loket.example.go.id/".into()),
            ..WebChatSettings::default()
        };
        assert!(s.validate().is_ok());
        assert_eq!(
            s.origins(),
            vec!["https://beji.pasuruankab.go.id", "http://127.0.0.1:9000"]
        );
        assert_eq!(s.own_origin().as_deref(), Some("https://loket.example.go.id"));
        assert!(!s.any_origin());
        for bad in [
            "https://beji.go.id/chat",
            "beji.go.id",
            "ftp://beji.go.id",
            "https://a.go.id; script-src *",
        ] {
            s.allowed_origins = vec![bad.into()];
            assert!(s.validate().is_err(), "{bad}");
        }
        s.allowed_origins = vec!["*".into()];
        assert!(s.validate().is_ok() && s.any_origin());
    }

    #[test]
    fn limits_are_checked() {
        assert!(WebChatSettings::default().validate().is_ok());
        for bad in [
            WebChatSettings {
                max_message_chars: 10,
                ..WebChatSettings::default()
            },
            WebChatSettings {
                messages_per_session_per_minute: 0,
                ..WebChatSettings::default()
            },
            WebChatSettings {
                long_poll_secs: 600,
                ..WebChatSettings::default()
            },
            WebChatSettings {
                title: " ".into(),
                ..WebChatSettings::default()
            },
        ] {
            assert!(bad.validate().is_err(), "{bad:?}");
        }
    }
}
