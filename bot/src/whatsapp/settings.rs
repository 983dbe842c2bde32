//! `[whatsapp]` settings (`LOKET_WHATSAPP__ACCESS_TOKEN`, `__APP_SECRET`, `__VERIFY_TOKEN`,
//! `__PHONE_NUMBER_ID`, `__API_URL`): composed into the configuration, owned here. Secrets are
//! [`SecretString`]s, so they never reach a log or a `Debug` print.

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The Graph API a real deployment talks to.
pub const DEFAULT_API_URL: &str = "https://graph.facebook.com/v21.0";

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct WhatsAppSettings {
    /// The system user's access token (Bearer) for sending.
    pub access_token: Option<SecretString>,
    /// The app secret that signs every webhook call (`X-Hub-Signature-256`).
    pub app_secret: Option<SecretString>,
    /// What Meta must send as `hub.verify_token` when the webhook is registered.
    pub verify_token: Option<SecretString>,
    /// The business phone number's id (the sender).
    pub phone_number_id: String,
    /// The Graph API base, version included (a fake one in tests).
    pub api_url: String,
}

impl Default for WhatsAppSettings {
    fn default() -> Self {
        Self {
            access_token: None,
            app_secret: None,
            verify_token: None,
            phone_number_id: String::new(),
            api_url: DEFAULT_API_URL.to_owned(),
        }
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
    }
}
