//! `[whatsapp]` settings (`LOKET_WHATSAPP__ACCESS_TOKEN`, `__APP_SECRET`, `__VERIFY_TOKEN`,
//! `__PHONE_NUMBER_ID`, `__API_URL`, `__MESSAGES_PER_SECOND`, `__INBOX_WORKERS`, `__TEMPLATES__...`): composed into
//! the configuration, owned here. Secrets are [`SecretString`]s, so they never reach a log or a
//! `Debug` print, and serialise as `[redacted]`.
//!
//! Nothing set means WhatsApp is off and `loket serve` runs as before; some but not all of the
//! four credentials set is refused at start, naming what is missing.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// The Graph API a real deployment talks to.
pub const DEFAULT_API_URL: &str = "https://graph.facebook.com/v21.0";

/// Inbox workers per process unless configured: the work is mostly waiting (the database, the
/// Graph API), so a few per core (in `loket bench` on 2 cores, 8 did better than 4 on PostgreSQL and
/// alike on SQLite).
pub const DEFAULT_INBOX_WORKERS: usize = 8;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WhatsAppSettings {
    /// The system user's access token (Bearer) for sending.
    #[serde(with = "secret_serde")]
    pub access_token: Option<SecretString>,
    /// The app secret that signs every webhook call (`X-Hub-Signature-256`).
    #[serde(with = "secret_serde")]
    pub app_secret: Option<SecretString>,
    /// What Meta must send as `hub.verify_token` when the webhook is registered.
    #[serde(with = "secret_serde")]
    pub verify_token: Option<SecretString>,
    /// The business phone number's id (the sender); digits, so an environment variable arrives
    /// as a number.
    #[serde(deserialize_with = "secret_serde::text")]
    pub phone_number_id: String,
    /// The Graph API base, version included (a fake one in tests).
    pub api_url: String,
    /// Messages per second this process sends (Meta's standard throughput is 80/s per number).
    pub messages_per_second: u32,
    /// Inbox workers this process runs at once (1 to 64). Each citizen's messages are still
    /// answered one at a time, in order; more workers answer more citizens alongside.
    pub inbox_workers: usize,
    /// The approved templates sent outside the 24-hour customer-service window.
    pub templates: TemplateSettings,
}

/// One approved message template: its name in WhatsApp Manager and its language code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Template {
    pub name: String,
    pub language: String,
}

/// The templates per notification kind (`[whatsapp.templates.status]`, `.reply`,
/// `.announcement`). The status and reply templates take two body parameters: `{{1}}` the
/// ticket, `{{2}}` the status text (or the officer's reply); the announcement template one:
/// `{{1}}` the announcement's text (on one line, cut at 900 characters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateSettings {
    /// A complaint's status changed.
    pub status: Template,
    /// An officer replied to the citizen.
    pub reply: Template,
    /// An announcement to subscribers (`/langganan`).
    pub announcement: Template,
}

impl Default for TemplateSettings {
    fn default() -> Self {
        Self {
            status: Template {
                name: "loket_status_pengaduan".into(),
                language: "id".into(),
            },
            reply: Template {
                name: "loket_balasan_petugas".into(),
                language: "id".into(),
            },
            announcement: Template {
                name: "loket_pengumuman".into(),
                language: "id".into(),
            },
        }
    }
}

impl Default for Template {
    fn default() -> Self {
        Self {
            name: String::new(),
            language: "id".into(),
        }
    }
}

impl Default for WhatsAppSettings {
    fn default() -> Self {
        Self {
            access_token: None,
            app_secret: None,
            verify_token: None,
            phone_number_id: String::new(),
            api_url: DEFAULT_API_URL.to_owned(),
            messages_per_second: 20,
            inbox_workers: DEFAULT_INBOX_WORKERS,
            templates: TemplateSettings::default(),
        }
    }
}

fn same_secret(a: &Option<SecretString>, b: &Option<SecretString>) -> bool {
    a.as_ref().map(ExposeSecret::expose_secret) == b.as_ref().map(ExposeSecret::expose_secret)
}

impl PartialEq for WhatsAppSettings {
    fn eq(&self, other: &Self) -> bool {
        same_secret(&self.access_token, &other.access_token)
            && same_secret(&self.app_secret, &other.app_secret)
            && same_secret(&self.verify_token, &other.verify_token)
            && self.phone_number_id == other.phone_number_id
            && self.api_url == other.api_url
            && self.messages_per_second == other.messages_per_second
            && self.inbox_workers == other.inbox_workers
            && self.templates == other.templates
    }
}

impl WhatsAppSettings {
    /// Whether everything needed to receive and send is set; what is missing otherwise, named
    /// as the environment variables an operator sets.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let empty = |s: &Option<SecretString>| s.as_ref().is_none_or(|s| s.expose_secret().is_empty());
        if empty(&self.access_token) {
            missing.push("LOKET_WHATSAPP__ACCESS_TOKEN");
        }
        if empty(&self.app_secret) {
            missing.push("LOKET_WHATSAPP__APP_SECRET");
        }
        if empty(&self.verify_token) {
            missing.push("LOKET_WHATSAPP__VERIFY_TOKEN");
        }
        if self.phone_number_id.trim().is_empty() {
            missing.push("LOKET_WHATSAPP__PHONE_NUMBER_ID");
        }
        missing
    }

    /// Whether WhatsApp is switched on: any credential set.
    pub fn enabled(&self) -> bool {
        self.missing().len() < 4
    }

    /// Refuses half a configuration (naming the variables still to set), a non-HTTP API URL,
    /// a zero rate, a number of inbox workers outside 1..=64 and an unnamed template.
    pub fn validate(&self) -> anyhow::Result<()> {
        if !self.enabled() {
            return Ok(());
        }
        let missing = self.missing();
        anyhow::ensure!(
            missing.is_empty(),
            "WhatsApp is half configured: also set {} (or unset them all to run without WhatsApp)",
            missing.join(", ")
        );
        anyhow::ensure!(
            self.api_url.starts_with("https://") || self.api_url.starts_with("http://"),
            "whatsapp.api_url (LOKET_WHATSAPP__API_URL) {:?} is not an http:// or https:// URL",
            self.api_url
        );
        anyhow::ensure!(
            self.messages_per_second >= 1,
            "whatsapp.messages_per_second (LOKET_WHATSAPP__MESSAGES_PER_SECOND) must be at least 1"
        );
        anyhow::ensure!(
            (1..=64).contains(&self.inbox_workers),
            "whatsapp.inbox_workers (LOKET_WHATSAPP__INBOX_WORKERS) must be between 1 and 64"
        );
        for (kind, t) in [
            ("status", &self.templates.status),
            ("reply", &self.templates.reply),
            ("announcement", &self.templates.announcement),
        ] {
            anyhow::ensure!(
                !t.name.trim().is_empty() && !t.language.trim().is_empty(),
                "whatsapp.templates.{kind} needs the name and language of an approved template \
                 (LOKET_WHATSAPP__TEMPLATES__{}__NAME and __LANGUAGE)",
                kind.to_uppercase()
            );
        }
        Ok(())
    }
}

/// Secrets serialise as `[redacted]` (only the defaults are serialised, for loading) and
/// deserialise from any scalar (an environment variable of digits arrives as a number).
mod secret_serde {
    use secrecy::SecretString;

    pub(super) fn serialize<S: serde::Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(_) => s.serialize_str("[redacted]"),
            None => s.serialize_none(),
        }
    }

    #[derive(serde::Deserialize)]
    #[serde(untagged, expecting = "a string")]
    enum Scalar {
        Text(String),
        Unsigned(u64),
        Signed(i64),
    }

    impl From<Scalar> for String {
        fn from(v: Scalar) -> Self {
            match v {
                Scalar::Text(s) => s,
                Scalar::Unsigned(n) => n.to_string(),
                Scalar::Signed(n) => n.to_string(),
            }
        }
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
        let value: Option<Scalar> = serde::Deserialize::deserialize(d)?;
        Ok(value.map(|v| SecretString::from(String::from(v))))
    }

    /// Any scalar as text (`LOKET_WHATSAPP__PHONE_NUMBER_ID=1234567890` is parsed as a number).
    pub(super) fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
        let value: Scalar = serde::Deserialize::deserialize(d)?;
        Ok(value.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_and_missing_ones_named() {
        let settings = WhatsAppSettings {
            access_token: Some(SecretString::from("EAAG-token-rahasia")),
            app_secret: Some(SecretString::from("app-secret-rahasia")),
            ..WhatsAppSettings::default()
        };
        let printed = format!("{settings:?}");
        assert!(
            !printed.contains("token-rahasia") && !printed.contains("secret-rahasia"),
            "{printed}"
        );
        assert_eq!(
            settings.missing(),
            ["LOKET_WHATSAPP__VERIFY_TOKEN", "LOKET_WHATSAPP__PHONE_NUMBER_ID"]
        );
        assert!(settings.enabled());
        let refused = settings.validate().unwrap_err().to_string();
        assert!(refused.contains("LOKET_WHATSAPP__VERIFY_TOKEN"), "{refused}");
        assert!(!WhatsAppSettings::default().enabled());
        WhatsAppSettings::default().validate().unwrap();
        let serialised = serde_json::to_string(&settings).unwrap();
        assert!(!serialised.contains("rahasia"), "{serialised}");
    }

    #[test]
    fn inbox_workers_are_between_one_and_sixty_four() {
        let full = WhatsAppSettings {
            access_token: Some(SecretString::from("token")),
            app_secret: Some(SecretString::from("secret")),
            verify_token: Some(SecretString::from("verify")),
            phone_number_id: "555".into(),
            ..WhatsAppSettings::default()
        };
        full.validate().unwrap();
        assert_eq!(full.inbox_workers, DEFAULT_INBOX_WORKERS);
        for n in [0, 65] {
            let refused = WhatsAppSettings {
                inbox_workers: n,
                ..full.clone()
            }
            .validate()
            .unwrap_err()
            .to_string();
            assert!(refused.contains("LOKET_WHATSAPP__INBOX_WORKERS"), "{refused}");
        }
    }
}
