//! `[console]` settings: where the console is reached from outside (for the setup links and the
//! cookie's `Secure` flag), how long sessions and setup links live, and the login rate limit.

use std::time::Duration;

/// The web console (`[console]`, `LOKET_CONSOLE__...`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConsoleSettings {
    /// Serve the console under `/console` (default true).
    pub enabled: bool,
    /// The address officers use, e.g. `https://loket.example.go.id` (setup links are printed
    /// with it; an `https` address makes the session cookie `Secure`).
    pub public_url: Option<String>,
    /// Force the cookie's `Secure` flag on or off (default: on when `public_url` is https).
    pub secure_cookie: Option<bool>,
    /// How long a login lasts.
    pub session_hours: u64,
    /// How long a setup link (new or reset account) can be used.
    pub setup_link_hours: u64,
    /// The window over which failed logins are counted.
    pub login_window_minutes: u64,
    /// Failed logins per account within the window before further attempts are refused.
    pub login_failures_per_account: u32,
    /// Failed logins per client address within the window before further attempts are refused.
    pub login_failures_per_address: u32,
}

impl Default for ConsoleSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            public_url: None,
            secure_cookie: None,
            session_hours: 12,
            setup_link_hours: 72,
            login_window_minutes: 15,
            login_failures_per_account: 5,
            login_failures_per_address: 20,
        }
    }
}

impl ConsoleSettings {
    /// Whether the session cookie carries `Secure`.
    pub fn secure_cookie(&self) -> bool {
        self.secure_cookie.unwrap_or_else(|| {
            self.public_url
                .as_deref()
                .is_some_and(|u| u.trim().to_ascii_lowercase().starts_with("https://"))
        })
    }

    pub fn session_ttl(&self) -> Duration {
        Duration::from_secs(self.session_hours.max(1) * 3600)
    }

    pub fn setup_link_ttl(&self) -> Duration {
        Duration::from_secs(self.setup_link_hours.max(1) * 3600)
    }

    pub fn login_window(&self) -> Duration {
        Duration::from_secs(self.login_window_minutes.max(1) * 60)
    }

    /// The absolute link for a console path, from `public_url` or else the listening address.
    pub fn link(&self, path: &str, http_addr: std::net::SocketAddr) -> String {
        let base = match &self.public_url {
            Some(url) => url.trim().trim_end_matches('/').to_owned(),
            None => format!("http://{http_addr}"),
        };
        format!("{base}{path}")
    }

    pub fn validate(&self) -> anyhow::Result<()> {
        if let Some(url) = &self.public_url {
            let parsed = reqwest::Url::parse(url.trim())
                .map_err(|e| anyhow::anyhow!("console.public_url {url:?} is not a URL: {e}"))?;
            anyhow::ensure!(
                matches!(parsed.scheme(), "http" | "https"),
                "console.public_url must start with http:// or https://"
            );
        }
        anyhow::ensure!(
            self.login_failures_per_account > 0 && self.login_failures_per_address > 0,
            "console.login_failures_per_account and _per_address must be at least 1"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secure_follows_the_public_url_unless_forced() {
        let mut s = ConsoleSettings::default();
        assert!(!s.secure_cookie());
        s.public_url = Some("https://loket.example.go.id/".into());
        assert!(s.secure_cookie());
        assert_eq!(
            s.link("/console/setup/x", "127.0.0.1:8080".parse().unwrap()),
            "https://loket.example.go.id/console/setup/x"
        );
        s.secure_cookie = Some(false);
        assert!(!s.secure_cookie());
        s.public_url = None;
        assert_eq!(
            s.link("/console/login", "127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080/console/login"
        );
        s.public_url = Some("ftp://x".into());
        assert!(s.validate().is_err());
    }
}
