//! Typed settings: defaults, then a TOML file, then environment variables.
//!
//! Layering (later wins): built-in defaults -> the config file (`LOKET_CONFIG`, default
//! `loket.toml`; absent is fine) -> `LOKET_*` variables (nested keys with `__`, e.g.
//! `LOKET_SLA__VERIFICATION_DAYS=2`) -> `DATABASE_URL`. The contract variables of issue 5 map
//! directly: `DATABASE_URL`, `LOKET_HTTP_ADDR`, `LOKET_HANDLERS`, `LOKET_STANDARDS_DIR`.
//! Callers (the CLI) may merge their own flags on top of [`Settings::figment`].
//!
//! Checked at start: unknown keys are refused at every level (`deny_unknown_fields`), values by
//! `validate`, each error naming its key. Only `LOKET_*` variables that name a setting are read
//! ([`Settings::keys`]), so `LOKET_CONFIG`, `LOKET_LOG_FORMAT` and the like never count as unknown
//! settings. `Debug` of [`Settings`] hides the database password and every secret, token and API
//! key (digest), so settings can be logged.
//!
//! The Telegram bot lives in `[telegram]`. teloxide's conventional variables are honoured as
//! overrides on top of `LOKET_*` (like `DATABASE_URL`): `TELOXIDE_TOKEN` -> `telegram.token`,
//! `TELOXIDE_API_URL` -> `telegram.api_url`, `LOKET_WEBHOOK_URL`, `LOKET_WEBHOOK_ADDR` and
//! `LOKET_WEBHOOK_SECRET` -> `telegram.webhook.url`, `.address` and `.secret` (see [`ALIASES`];
//! an empty variable counts as unset). Secrets are [`SecretString`]s: redacted by type (their
//! `Debug`, and they serialise as `[redacted]`) as well as by key name.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};

use crate::calendar::{Sla, SlaSettings, WorkingCalendar};
use crate::routing::Routing;
use crate::storage::{ConnectOptions, DEFAULT_DATABASE_URL, Store};

/// Every setting; unknown keys are refused at every level. `Debug` redacts secrets (see
/// [`Settings::keys`] and the `Debug` impl), so a settings dump is safe to log.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// `sqlite:path` or `postgres://...`.
    pub database_url: String,
    /// Where `loket serve` listens.
    pub http_addr: SocketAddr,
    /// The handlers file (see `deploy/handlers.example.toml`); none means no routing.
    pub handlers: Option<PathBuf>,
    /// Service standards directory (default: the embedded corpus).
    pub standards_dir: Option<PathBuf>,
    /// Deployment aliases file (`LOKET_ALIASES`, see `learning::aliases`); none means no aliases.
    pub aliases: Option<PathBuf>,
    pub sla: SlaSettings,
    pub calendar: CalendarSettings,
    pub delivery: DeliverySettings,
    pub intake: IntakeSettings,
    pub http: HttpSettings,
    /// Abuse limits per chat and per client address (`[limits]`).
    pub limits: crate::limits::LimitSettings,
    /// Database pool (`[database]`).
    pub database: DatabaseSettings,
    /// Broadcasts: approval or auto-send, Telegram rate limits (`[announcements]`).
    pub announcements: crate::telegram::BroadcastSettings,
    /// Watching the standards directory (`[reindex]`).
    pub reindex: crate::reindex::ReindexSettings,
    /// The administrator's API (`[admin]`).
    pub admin: AdminSettings,
    /// The Telegram bot: token, Bot API server, webhook mode (`[telegram]`).
    pub telegram: TelegramSettings,
    /// WhatsApp Business Cloud API (`[whatsapp]`); off unless its credentials are set.
    pub whatsapp: crate::whatsapp::WhatsAppSettings,
    /// The officers' web console under `/console` (`[console]`).
    pub console: crate::console::ConsoleSettings,
    /// The web chat agencies embed on their sites, under `/chat` (`[webchat]`); off by default.
    pub webchat: crate::webchat::WebChatSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            handlers: None,
            standards_dir: None,
            aliases: None,
            sla: SlaSettings::default(),
            calendar: CalendarSettings::default(),
            delivery: DeliverySettings::default(),
            intake: IntakeSettings::default(),
            http: HttpSettings::default(),
            limits: crate::limits::LimitSettings::default(),
            database: DatabaseSettings::default(),
            announcements: crate::telegram::BroadcastSettings::default(),
            reindex: crate::reindex::ReindexSettings::default(),
            admin: AdminSettings::default(),
            telegram: TelegramSettings::default(),
            whatsapp: crate::whatsapp::WhatsAppSettings::default(),
            console: crate::console::ConsoleSettings::default(),
            webchat: crate::webchat::WebChatSettings::default(),
        }
    }
}

/// Conventional environment variables read on top of `LOKET_*`, with the key each sets.
pub const ALIASES: [(&str, &str); 5] = [
    ("TELOXIDE_TOKEN", "telegram.token"),
    ("TELOXIDE_API_URL", "telegram.api_url"),
    ("LOKET_WEBHOOK_URL", "telegram.webhook.url"),
    ("LOKET_WEBHOOK_ADDR", "telegram.webhook.address"),
    ("LOKET_WEBHOOK_SECRET", "telegram.webhook.secret"),
];

/// The Telegram bot (`[telegram]`). `Debug` shows `SecretBox<str>([REDACTED])` for the secrets.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramSettings {
    /// The bot token from @BotFather; required by `loket serve` unless `--no-telegram`.
    #[serde(with = "secret_serde")]
    pub token: Option<SecretString>,
    /// A self-hosted Bot API server instead of `https://api.telegram.org`.
    pub api_url: Option<String>,
    /// Webhook mode (`[telegram.webhook]`); long polling without a URL.
    pub webhook: TelegramWebhookSettings,
}

/// Webhook mode: Telegram posts updates to `url`; loket listens on `address`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelegramWebhookSettings {
    /// Public HTTPS URL Telegram posts to; unset means long polling.
    pub url: Option<String>,
    /// Local address the webhook server listens on (behind the TLS-terminating proxy).
    pub address: SocketAddr,
    /// `X-Telegram-Bot-Api-Secret-Token` (1-256 of `A-Za-z0-9_-`); generated per start when
    /// unset, so set it when several processes serve the bot.
    #[serde(with = "secret_serde")]
    pub secret: Option<SecretString>,
}

impl Default for TelegramWebhookSettings {
    fn default() -> Self {
        Self {
            url: None,
            address: SocketAddr::from(([0, 0, 0, 0], 8443)),
            secret: None,
        }
    }
}

fn same_secret(a: &Option<SecretString>, b: &Option<SecretString>) -> bool {
    a.as_ref().map(ExposeSecret::expose_secret) == b.as_ref().map(ExposeSecret::expose_secret)
}

impl PartialEq for TelegramSettings {
    fn eq(&self, other: &Self) -> bool {
        same_secret(&self.token, &other.token) && self.api_url == other.api_url && self.webhook == other.webhook
    }
}

impl PartialEq for TelegramWebhookSettings {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url && self.address == other.address && same_secret(&self.secret, &other.secret)
    }
}

/// Secrets serialise as `[redacted]` (only the defaults are ever serialised for loading, and
/// they hold none), and deserialise from any scalar: an environment variable such as
/// `LOKET_TELEGRAM__WEBHOOK__SECRET=12345` arrives as a number.
mod secret_serde {
    use secrecy::SecretString;

    pub(super) fn serialize<S: serde::Serializer>(value: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(_) => s.serialize_str("[redacted]"),
            None => s.serialize_none(),
        }
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SecretString>, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged, expecting = "a string")]
        enum Scalar {
            Text(String),
            Unsigned(u64),
            Signed(i64),
        }
        let value: Option<Scalar> = serde::Deserialize::deserialize(d)?;
        Ok(value.map(|v| {
            SecretString::from(match v {
                Scalar::Text(s) => s,
                Scalar::Unsigned(n) => n.to_string(),
                Scalar::Signed(n) => n.to_string(),
            })
        }))
    }
}

impl TelegramSettings {
    /// The bot: refuses to start without a token, pointing to `loket chat` and `--no-telegram`.
    pub fn bot(&self) -> anyhow::Result<teloxide::Bot> {
        let token = self
            .token
            .as_ref()
            .map(|t| t.expose_secret().trim())
            .unwrap_or_default();
        anyhow::ensure!(
            !token.is_empty(),
            "no Telegram bot token: set TELOXIDE_TOKEN (or telegram.token) to the token from @BotFather \
             to run the bot, run `loket serve --no-telegram` for the HTTP API and workers only, \
             or try the bot locally without a token with `loket chat`."
        );
        let mut bot = teloxide::Bot::new(token);
        if let Some(url) = self.api_url() {
            bot = bot.set_api_url(url?);
        }
        Ok(bot)
    }

    fn api_url(&self) -> Option<anyhow::Result<reqwest::Url>> {
        let url = self.api_url.as_deref().map(str::trim).filter(|u| !u.is_empty())?;
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        Some(
            parsed.with_context(|| {
                format!("telegram.api_url (TELOXIDE_API_URL) {url:?} is not an http:// or https:// URL")
            }),
        )
    }

    /// Webhook mode when `webhook.url` is set (a secret is generated when none is configured).
    pub fn webhook_config(&self) -> anyhow::Result<Option<crate::telegram::WebhookConfig>> {
        let Some(url) = self.webhook_url() else {
            return Ok(None);
        };
        let secret = self.webhook.secret.as_ref().map(|s| s.expose_secret().to_owned());
        crate::telegram::WebhookConfig::new(url?, self.webhook.address, secret).map(Some)
    }

    fn webhook_url(&self) -> Option<anyhow::Result<reqwest::Url>> {
        let url = self.webhook.url.as_deref().map(str::trim).filter(|u| !u.is_empty())?;
        let Ok(parsed) = reqwest::Url::parse(url) else {
            return Some(Err(anyhow::anyhow!(
                "telegram.webhook.url (LOKET_WEBHOOK_URL, --webhook) {url:?} is not a URL"
            )));
        };
        if parsed.scheme() != "https" && !(parsed.scheme() == "http" && is_loopback(&parsed)) {
            return Some(Err(anyhow::anyhow!(
                "telegram.webhook.url (LOKET_WEBHOOK_URL, --webhook) {url:?} must be https:// \
                 (Telegram only posts to HTTPS; http:// is allowed for loopback tests only)"
            )));
        }
        Some(Ok(parsed))
    }

    fn validate(&self) -> anyhow::Result<()> {
        if let Some(token) = &self.token {
            let token = token.expose_secret().trim();
            anyhow::ensure!(
                !token.is_empty() && !token.chars().any(char::is_whitespace),
                "telegram.token (TELOXIDE_TOKEN) must be the token from @BotFather (123456789:AA...), \
                 without spaces; leave it unset for `loket serve --no-telegram`"
            );
        }
        self.api_url().transpose()?;
        self.webhook_url().transpose()?;
        if let Some(secret) = &self.webhook.secret {
            anyhow::ensure!(
                is_valid_webhook_secret(secret.expose_secret()),
                "telegram.webhook.secret (LOKET_WEBHOOK_SECRET) must be 1 to 256 characters of \
                 A-Z, a-z, 0-9, '_' and '-'"
            );
        }
        Ok(())
    }
}

/// Telegram's rule for `secret_token`: 1-256 characters of `A-Za-z0-9_-`.
pub fn is_valid_webhook_secret(secret: &str) -> bool {
    (1..=256).contains(&secret.len())
        && secret
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarSettings {
    /// Local time zone as hours east of UTC: 7 (WIB), 8 (WITA) or 9 (WIT).
    pub utc_offset_hours: i32,
    /// Extra holidays (same format as `bot/data/holidays.toml`), e.g. regional days off.
    pub holidays_file: Option<PathBuf>,
}

impl Default for CalendarSettings {
    fn default() -> Self {
        Self {
            utc_offset_hours: 7,
            holidays_file: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeliverySettings {
    /// Attempts before a task is dead-lettered.
    pub max_attempts: u32,
    /// Delay before the first retry; doubles per attempt (with jitter) up to `max_backoff_secs`.
    pub initial_backoff_secs: u64,
    pub max_backoff_secs: u64,
    /// How long a claimed task stays reserved for its worker.
    pub lease_secs: u64,
    /// Timeout of one webhook request.
    pub timeout_secs: u64,
    /// Worker pause when the queue is empty.
    pub idle_poll_millis: u64,
}

impl Default for DeliverySettings {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            initial_backoff_secs: 10,
            max_backoff_secs: 3600,
            lease_secs: 60,
            timeout_secs: 10,
            idle_poll_millis: 1000,
        }
    }
}

impl DeliverySettings {
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_secs)
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }
}

/// `[intake]` lives with the complaint intake.
pub use crate::intake::IntakeSettings;

/// `[http]` lives with the server that applies it.
pub use crate::http::HttpSettings;

/// The administrator's API (`POST /api/v1/admin/reindex`): enabled only with a key. `Debug`
/// hides the digest.
#[derive(Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminSettings {
    /// Hex SHA-256 of the admin API key (`printf %s KEY | sha256sum`), like the handlers'
    /// `api_key_sha256`; the key itself is never stored.
    pub api_key_sha256: Option<String>,
}

impl std::fmt::Debug for AdminSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminSettings")
            .field("api_key_sha256", &self.api_key_sha256.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

impl AdminSettings {
    /// The digest as bytes; `None` when unset (the admin API then answers 404).
    pub fn digest(&self) -> anyhow::Result<Option<[u8; 32]>> {
        let Some(hex_digest) = &self.api_key_sha256 else {
            return Ok(None);
        };
        let bytes = hex::decode(hex_digest.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok());
        bytes
            .map(Some)
            .context("admin.api_key_sha256 must be 64 hexadecimal characters (the SHA-256 of the key)")
    }
}

/// The database connection pool. The acquire timeout bounds how long a request or a worker
/// waits for a connection while the database is unreachable (restarted, network cut): the API
/// then answers 503 instead of hanging, and the workers pause and try again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Connections per process (several `loket serve` processes each open this many).
    pub max_connections: u32,
    /// Longest wait for a connection, including reconnecting to a database that went away.
    pub acquire_timeout_secs: u64,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout_secs: 5,
        }
    }
}

impl DatabaseSettings {
    pub fn connect_options(&self) -> ConnectOptions {
        ConnectOptions {
            max_connections: self.max_connections,
            acquire_timeout: Duration::from_secs(self.acquire_timeout_secs),
            ..ConnectOptions::default()
        }
    }
}

/// True for keys whose values must never be shown: tokens, secrets, passwords, API keys (and
/// their digests).
fn is_secret_key(key: &str) -> bool {
    ["secret", "token", "password", "api_key"]
        .iter()
        .any(|word| key.contains(word))
}

/// A settings value with its secrets hidden: secret keys print `[redacted]`, connection URLs
/// print without their password.
struct Redacted<'a>(&'a str, &'a serde_json::Value);

impl std::fmt::Debug for Redacted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use serde_json::Value;
        let Redacted(key, value) = *self;
        match value {
            Value::Null => f.write_str("None"),
            _ if is_secret_key(key) => f.write_str("[redacted]"),
            Value::String(s) if key.ends_with("url") => std::fmt::Debug::fmt(&crate::storage::redact(s), f),
            Value::String(s) => std::fmt::Debug::fmt(s, f),
            Value::Object(map) => {
                let mut table = f.debug_struct("");
                for (name, value) in map {
                    table.field(name, &Redacted(name, value));
                }
                table.finish()
            }
            Value::Array(items) => f.debug_list().entries(items.iter().map(|v| Redacted(key, v))).finish(),
            other => std::fmt::Display::fmt(other, f),
        }
    }
}

/// Every field, nested tables included, with secrets redacted (the database URL's password,
/// any key naming a secret, token, password or API key). Built from the serialised settings, so
/// a field added later is shown, and redacted by its name, without touching this impl.
impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Ok(serde_json::Value::Object(map)) = serde_json::to_value(self) else {
            return f.write_str("Settings { .. }");
        };
        let mut s = f.debug_struct("Settings");
        for (name, value) in &map {
            s.field(name, &Redacted(name, value));
        }
        s.finish()
    }
}

impl Settings {
    /// The standard layering: defaults, `LOKET_CONFIG` (or `loket.toml`), `LOKET_*`, `DATABASE_URL`.
    pub fn figment() -> Figment {
        let file = std::env::var_os("LOKET_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("loket.toml"));
        Self::figment_with(Some(&file), "LOKET_")
    }

    /// Layering with an explicit config file and environment prefix.
    pub fn figment_with(config_file: Option<&Path>, env_prefix: &str) -> Figment {
        Self::layered(config_file, env_prefix, &ALIASES)
    }

    /// Defaults, file, `{env_prefix}*`, the given aliases (variable, key), `DATABASE_URL`.
    fn layered(config_file: Option<&Path>, env_prefix: &str, aliases: &[(&str, &str)]) -> Figment {
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = config_file {
            figment = figment.merge(Toml::file(file));
        }
        // Only variables naming a setting are read: LOKET_CONFIG, LOKET_LOG_FORMAT and friends
        // share the prefix and must not be refused as unknown settings.
        let keys: Arc<std::collections::HashSet<String>> = Arc::new(Self::keys().into_iter().collect());
        figment = figment.merge(
            Env::prefixed(env_prefix)
                .split("__")
                .filter(move |key| keys.contains(&key.as_str().to_ascii_lowercase())),
        );
        // Taken verbatim (no parsing of numbers or lists), empty meaning unset.
        for (variable, key) in aliases {
            if let Some(value) = std::env::var(variable).ok().filter(|v| !v.is_empty()) {
                figment = figment.merge(Serialized::default(key, value));
            }
        }
        figment.merge(Env::raw().only(&["DATABASE_URL"]))
    }

    /// Every setting's dotted key (`database_url`, `sla.verification_days`, ...), read from the
    /// defaults so a new field is covered without a list to keep.
    pub fn keys() -> Vec<String> {
        fn walk(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
            let serde_json::Value::Object(map) = value else { return };
            for (name, value) in map {
                let key = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                if value.is_object() {
                    walk(&key, value, out);
                } else {
                    out.push(key);
                }
            }
        }
        let defaults = serde_json::to_value(Settings::default()).expect("settings serialise");
        let mut keys = Vec::new();
        walk("", &defaults, &mut keys);
        keys
    }

    /// Loads with the standard layering.
    pub fn load() -> anyhow::Result<Self> {
        Self::from_figment(&Self::figment())
    }

    pub fn from_figment(figment: &Figment) -> anyhow::Result<Self> {
        let settings: Settings = figment.extract().context("invalid configuration")?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let d = &self.delivery;
        anyhow::ensure!(d.max_attempts >= 1, "delivery.max_attempts must be at least 1");
        anyhow::ensure!(d.lease_secs >= 1, "delivery.lease_secs must be at least 1");
        anyhow::ensure!(
            d.lease_secs > d.timeout_secs,
            "delivery.lease_secs ({}) must exceed delivery.timeout_secs ({}) or a slow request \
             would lose its lease",
            d.lease_secs,
            d.timeout_secs
        );
        anyhow::ensure!(
            d.initial_backoff_secs <= d.max_backoff_secs,
            "delivery.initial_backoff_secs must not exceed delivery.max_backoff_secs"
        );
        anyhow::ensure!(
            (-12..=14).contains(&self.calendar.utc_offset_hours),
            "calendar.utc_offset_hours must be between -12 and 14"
        );
        self.http.validate()?;
        self.limits.validate()?;
        anyhow::ensure!(
            self.database.max_connections >= 1 && self.database.acquire_timeout_secs >= 1,
            "database.max_connections and database.acquire_timeout_secs must be at least 1"
        );
        self.admin.digest()?;
        self.telegram.validate()?;
        self.whatsapp.validate()?;
        self.console.validate()?;
        self.webchat.validate()?;
        let a = &self.announcements;
        anyhow::ensure!(
            a.overall_per_second >= 1 && a.per_chat_per_second >= 1 && a.concurrency >= 1,
            "announcements.overall_per_second, per_chat_per_second and concurrency must be at least 1"
        );
        Ok(())
    }

    /// The SLA with its calendar (embedded holidays plus `calendar.holidays_file`).
    pub fn sla(&self) -> anyhow::Result<Sla> {
        let mut calendar = WorkingCalendar::embedded().with_utc_offset_hours(self.calendar.utc_offset_hours)?;
        if let Some(file) = &self.calendar.holidays_file {
            calendar.add_file(file)?;
        }
        Ok(Sla::new(self.sla, calendar))
    }

    /// The handlers file, or no handlers when none is configured.
    pub fn routing(&self) -> anyhow::Result<Routing> {
        match &self.handlers {
            Some(path) => Ok(Routing::load(path)?),
            None => Ok(Routing::default()),
        }
    }

    /// Connects the store (applying migrations) with the configured SLA.
    pub async fn store(&self) -> anyhow::Result<Store> {
        let sla = self.sla()?;
        Ok(Store::connect_with(&self.database_url, self.database.connect_options())
            .await?
            .with_deadlines(Arc::new(sla)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_toml(text: &str) -> anyhow::Result<Settings> {
        Settings::from_figment(&Figment::from(Serialized::defaults(Settings::default())).merge(Toml::string(text)))
    }

    #[test]
    fn defaults_match_the_contract() {
        let s = Settings::default();
        assert_eq!(s.database_url, "sqlite:data/loket.db");
        assert_eq!(s.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(s.sla.verification_days, 3);
        assert_eq!(s.sla.first_response_days, 5);
        assert_eq!(s.sla.auto_close_days, 10);
        assert!(s.validate().is_ok());
    }

    #[test]
    fn file_values_override_defaults() {
        let s = from_toml(
            r#"
            database_url = "postgres://loket@db/loket"
            http_addr = "0.0.0.0:9000"
            handlers = "/etc/loket/handlers.toml"
            [sla]
            verification_days = 2
            [delivery]
            max_attempts = 3
            "#,
        )
        .unwrap();
        assert_eq!(s.database_url, "postgres://loket@db/loket");
        assert_eq!(s.http_addr.port(), 9000);
        assert_eq!(s.handlers, Some(PathBuf::from("/etc/loket/handlers.toml")));
        assert_eq!(s.sla.verification_days, 2);
        assert_eq!(s.sla.first_response_days, 5, "untouched keys keep defaults");
        assert_eq!(s.delivery.max_attempts, 3);
    }

    #[test]
    fn bad_values_are_refused_with_the_key() {
        let cases = [
            ("http_addr = \"not an address\"", "http_addr"),
            ("[sla]\nverification_dayz = 2", "verification_dayz"),
            ("[delivery]\nmax_attempts = 0", "max_attempts"),
            ("[delivery]\nlease_secs = 5\ntimeout_secs = 10", "lease_secs"),
            ("[calendar]\nutc_offset_hours = 20", "utc_offset_hours"),
            ("[database]\nacquire_timeout_secs = 0", "acquire_timeout_secs"),
            ("[admin]\napi_key_sha256 = \"abc\"", "api_key_sha256"),
            ("[announcements]\noverall_per_second = 0", "overall_per_second"),
            ("[reindex]\npoll_secs = 3", "poll_secs"),
        ];
        for (text, key) in cases {
            let err = format!("{:#}", from_toml(text).unwrap_err());
            assert!(err.contains(key), "expected {key:?} in {err:?}");
        }
    }

    #[test]
    fn environment_overrides_file() {
        // A prefix of our own, so no other test or process variable interferes.
        let prefix = "LOKET_CFGTEST_7F3A_";
        // SAFETY: the variables are unique to this test, and std serialises environment access.
        unsafe {
            std::env::set_var(format!("{prefix}HTTP_ADDR"), "127.0.0.1:0");
            std::env::set_var(format!("{prefix}HANDLERS"), "/srv/handlers.toml");
            std::env::set_var(format!("{prefix}SLA__FIRST_RESPONSE_DAYS"), "4");
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("loket.toml");
        std::fs::write(
            &file,
            "http_addr = \"127.0.0.1:1234\"\n[sla]\nfirst_response_days = 7\n",
        )
        .unwrap();
        let s = Settings::from_figment(&Settings::figment_with(Some(&file), prefix)).unwrap();
        assert_eq!(s.http_addr.port(), 0);
        assert_eq!(s.handlers, Some(PathBuf::from("/srv/handlers.toml")));
        assert_eq!(s.sla.first_response_days, 4);
        // A missing config file is not an error.
        let missing = dir.path().join("absent.toml");
        assert!(Settings::from_figment(&Settings::figment_with(Some(&missing), prefix)).is_ok());
    }

    #[test]
    fn auto_verification_rule() {
        let mut intake = IntakeSettings::default();
        let long = "x".repeat(100);
        assert!(!intake.auto_verifies(&long), "off by default");
        intake.auto_verify = true;
        assert!(intake.auto_verifies(&long));
        assert!(!intake.auto_verifies("pendek"));
    }

    #[test]
    fn sla_and_routing_are_built_from_settings() {
        let mut s = Settings::default();
        assert!(s.routing().unwrap().handlers().is_empty());
        s.handlers = Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/handlers.example.toml"));
        assert!(!s.routing().unwrap().handlers().is_empty());
        s.calendar.holidays_file = Some(PathBuf::from("/nonexistent/holidays.toml"));
        assert!(s.sla().is_err());
    }

    #[test]
    fn unknown_keys_are_refused_at_every_level_naming_the_key() {
        for (text, key) in [
            ("databse_url = \"sqlite:x.db\"", "databse_url"),
            ("[delivery]\nmax_attempt = 3", "max_attempt"),
            ("[slaa]\nverification_days = 2", "slaa"),
        ] {
            let err = format!("{:#}", from_toml(text).unwrap_err());
            assert!(err.contains(key), "expected {key:?} in {err:?}");
        }
    }

    #[test]
    fn environment_variables_that_name_no_setting_are_ignored() {
        let prefix = "LOKET_CFGTEST_UNKNOWN_9C1D_";
        // SAFETY: the variables are unique to this test, and std serialises environment access.
        unsafe {
            std::env::set_var(format!("{prefix}LOG_FORMAT"), "json");
            std::env::set_var(format!("{prefix}WEBHOOK_SECRET"), "abc");
            std::env::set_var(format!("{prefix}SLA__NOT_A_SETTING"), "3");
            std::env::set_var(format!("{prefix}SLA__RESOLUTION_DAYS"), "12");
        }
        let s = Settings::from_figment(&Settings::figment_with(None, prefix)).unwrap();
        assert_eq!(s.sla.resolution_days, 12, "known keys still apply");
        let keys = Settings::keys();
        for key in [
            "database_url",
            "handlers",
            "sla.verification_days",
            "calendar.holidays_file",
            "http.body_limit_bytes",
        ] {
            assert!(keys.iter().any(|k| k == key), "{key} missing from {keys:?}");
        }
    }

    #[test]
    fn debug_redacts_secrets_at_every_level() {
        let digest = crate::routing::api_key_digest("kunci-admin-rahasia");
        let s = from_toml(&format!(
            "database_url = \"postgres://loket:s3cr3t-pw@db:5432/loket\"\n[admin]\napi_key_sha256 = \"{digest}\"\n"
        ))
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cr3t-pw"), "{shown}");
        assert!(!shown.contains(&digest), "{shown}");
        assert!(shown.contains("postgres://loket:***@db:5432/loket"), "{shown}");
        assert!(shown.contains("api_key_sha256: [redacted]"), "{shown}");
        assert!(
            shown.contains("verification_days: 3"),
            "nested tables are shown: {shown}"
        );
        assert!(shown.contains("handlers: None"), "{shown}");
        let pretty = format!("{s:#?}");
        assert!(!pretty.contains("s3cr3t-pw") && !pretty.contains(&digest));
        let admin = format!("{:?}", s.admin);
        assert!(!admin.contains(&digest) && admin.contains("[redacted]"), "{admin}");
    }

    const TOKEN: &str = "123456789:AAtoken-from-botfather";
    const SECRET: &str = "rahasia_Webhook-42";

    #[test]
    fn telegram_settings_load_from_the_file() {
        let s = from_toml(&format!(
            "[telegram]\ntoken = \"{TOKEN}\"\napi_url = \"http://127.0.0.1:8081\"\n\
             [telegram.webhook]\nurl = \"https://loket.example.go.id/telegram\"\n\
             address = \"127.0.0.1:9443\"\nsecret = \"{SECRET}\"\n"
        ))
        .unwrap();
        let t = &s.telegram;
        assert_eq!(t.token.as_ref().unwrap().expose_secret(), TOKEN);
        assert_eq!(t.bot().unwrap().api_url().as_str(), "http://127.0.0.1:8081/");
        let webhook = t.webhook_config().unwrap().unwrap();
        assert_eq!(webhook.url.as_str(), "https://loket.example.go.id/telegram");
        assert_eq!(webhook.address.port(), 9443);
        assert_eq!(webhook.secret.expose_secret(), SECRET);
        // Without a URL: long polling; without a secret: one is generated.
        assert!(Settings::default().telegram.webhook_config().unwrap().is_none());
        let generated = from_toml("[telegram.webhook]\nurl = \"https://x.example/t\"\n").unwrap();
        let config = generated.telegram.webhook_config().unwrap().unwrap();
        assert_eq!(config.secret.expose_secret().len(), 48);
        assert_eq!(config.address.to_string(), "0.0.0.0:8443");
    }

    #[test]
    fn telegram_environment_precedence_file_then_loket_then_conventional_names() {
        let prefix = "LOKET_CFGTEST_TG_51B2_";
        let aliases = [
            ("LOKET_CFGTEST_TG_51B2_TELOXIDE_TOKEN", "telegram.token"),
            ("LOKET_CFGTEST_TG_51B2_TELOXIDE_API_URL", "telegram.api_url"),
            ("LOKET_CFGTEST_TG_51B2_WEBHOOK_URL", "telegram.webhook.url"),
            ("LOKET_CFGTEST_TG_51B2_WEBHOOK_ADDR", "telegram.webhook.address"),
            ("LOKET_CFGTEST_TG_51B2_WEBHOOK_SECRET", "telegram.webhook.secret"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("loket.toml");
        std::fs::write(
            &file,
            "[telegram]\ntoken = \"1:from-file\"\napi_url = \"http://127.0.0.1:1/\"\n\
             [telegram.webhook]\nsecret = \"fromfile\"\naddress = \"127.0.0.1:1\"\n",
        )
        .unwrap();
        let load = || Settings::from_figment(&Settings::layered(Some(&file), prefix, &aliases)).unwrap();
        let token = |s: &Settings| s.telegram.token.as_ref().unwrap().expose_secret().to_owned();
        assert_eq!(token(&load()), "1:from-file");
        // SAFETY: the variables are unique to this test, and std serialises environment access.
        unsafe {
            std::env::set_var(format!("{prefix}TELEGRAM__TOKEN"), "2:from-loket-var");
            // Digits only: parsed as a number by figment, still a secret string.
            std::env::set_var(format!("{prefix}TELEGRAM__WEBHOOK__SECRET"), "12345");
            std::env::set_var(format!("{prefix}TELEGRAM__WEBHOOK__ADDRESS"), "127.0.0.1:2");
        }
        let s = load();
        assert_eq!(token(&s), "2:from-loket-var");
        assert_eq!(s.telegram.webhook.secret.as_ref().unwrap().expose_secret(), "12345");
        assert_eq!(s.telegram.webhook.address.port(), 2);
        unsafe {
            std::env::set_var(aliases[0].0, "3:from-teloxide-token");
            std::env::set_var(aliases[1].0, "http://127.0.0.1:3/");
            std::env::set_var(aliases[2].0, "https://loket.example.go.id/hook");
            std::env::set_var(aliases[3].0, "127.0.0.1:3");
            std::env::set_var(aliases[4].0, "007");
        }
        let s = load();
        assert_eq!(token(&s), "3:from-teloxide-token");
        assert_eq!(s.telegram.api_url.as_deref(), Some("http://127.0.0.1:3/"));
        assert_eq!(
            s.telegram.webhook.url.as_deref(),
            Some("https://loket.example.go.id/hook")
        );
        assert_eq!(s.telegram.webhook.address.port(), 3);
        assert_eq!(
            s.telegram.webhook.secret.as_ref().unwrap().expose_secret(),
            "007",
            "aliases are taken verbatim"
        );
        // An empty conventional variable counts as unset.
        unsafe { std::env::set_var(aliases[0].0, "") };
        assert_eq!(token(&load()), "2:from-loket-var");
        // The keys are settings like any other (LOKET_TELEGRAM__TOKEN, ...).
        let keys = Settings::keys();
        for key in [
            "telegram.token",
            "telegram.api_url",
            "telegram.webhook.url",
            "telegram.webhook.address",
            "telegram.webhook.secret",
        ] {
            assert!(keys.iter().any(|k| k == key), "{key} missing from {keys:?}");
        }
        let aliased: Vec<&str> = ALIASES.iter().map(|(_, key)| *key).collect();
        assert!(aliased.iter().all(|k| keys.iter().any(|key| key == k)), "{aliased:?}");
    }

    #[test]
    fn debug_never_shows_the_token_or_the_webhook_secret() {
        let s = from_toml(&format!(
            "[telegram]\ntoken = \"{TOKEN}\"\n[telegram.webhook]\nurl = \"https://x.example/t\"\nsecret = \"{SECRET}\"\n"
        ))
        .unwrap();
        for shown in [
            format!("{s:?}"),
            format!("{s:#?}"),
            format!("{:?}", s.telegram),
            format!("{:#?}", s.telegram.webhook),
            format!("{:?}", s.telegram.webhook_config().unwrap().unwrap()),
            serde_json::to_string(&s).unwrap(),
        ] {
            assert!(!shown.contains(TOKEN) && !shown.contains("AAtoken"), "{shown}");
            assert!(!shown.contains(SECRET), "{shown}");
            assert!(shown.to_ascii_lowercase().contains("redacted"), "{shown}");
        }
        // Redacted by type too, under a name no rule would catch.
        let shown = format!("{:?}", s.telegram);
        assert!(shown.contains("[REDACTED]"), "{shown}");
        assert!(format!("{s:?}").contains("https://x.example/t"), "the URL is shown");
    }

    #[test]
    fn telegram_values_are_checked_naming_the_key_without_showing_secrets() {
        let cases = [
            ("[telegram]\ntoken = \"123 456\"", "telegram.token"),
            ("[telegram]\ntoken = \"\"", "telegram.token"),
            ("[telegram]\napi_url = \"not a url\"", "telegram.api_url"),
            ("[telegram]\napi_url = \"ftp://127.0.0.1/\"", "telegram.api_url"),
            (
                "[telegram.webhook]\nurl = \"http://loket.example.go.id/t\"",
                "telegram.webhook.url",
            ),
            ("[telegram.webhook]\nurl = \"no url\"", "telegram.webhook.url"),
            (
                "[telegram.webhook]\nsecret = \"with space-x9\"",
                "telegram.webhook.secret",
            ),
            ("[telegram.webhook]\nsecret = \"\"", "telegram.webhook.secret"),
            ("[telegram.webhook]\nsecret = \"rahasia/x9\"", "telegram.webhook.secret"),
            ("[telegram.webhook]\naddress = \"nowhere\"", "address"),
            ("[telegram]\ntokn = \"1:x\"", "tokn"),
            ("[telegram.webhook]\nsecrit = \"x\"", "secrit"),
        ];
        for (text, key) in cases {
            let err = format!("{:#}", from_toml(text).unwrap_err());
            assert!(err.contains(key), "expected {key:?} in {err:?}");
            assert!(!err.contains("with space-x9") && !err.contains("rahasia/x9"), "{err}");
        }
        let too_long = "a".repeat(257);
        let err = format!(
            "{:#}",
            from_toml(&format!("[telegram.webhook]\nsecret = \"{too_long}\"")).unwrap_err()
        );
        assert!(
            err.contains("telegram.webhook.secret") && !err.contains(&too_long),
            "{err}"
        );
        let longest = "a".repeat(256);
        assert!(from_toml(&format!("[telegram.webhook]\nsecret = \"{longest}\"")).is_ok());
        // Plain http only on loopback (tests against a local fake).
        for url in ["http://127.0.0.1:8443/t", "http://localhost/t", "http://[::1]:1/t"] {
            let text = format!("[telegram.webhook]\nurl = \"{url}\"");
            assert!(from_toml(&text).is_ok(), "{url}");
        }
        // No token: refused where the bot is needed, pointing to the alternatives.
        let err = Settings::default().telegram.bot().unwrap_err().to_string();
        assert!(
            err.contains("TELOXIDE_TOKEN") && err.contains("loket chat") && err.contains("--no-telegram"),
            "{err}"
        );
    }

    /// `deploy/loket.example.toml` documents every setting with its default value: it loads
    /// (so no key in it is stale), yields exactly the defaults, and names every key (commented
    /// out for settings without a default).
    #[test]
    fn the_example_file_loads_with_the_defaults_and_covers_every_key() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/loket.example.toml");
        // No aliases: TELOXIDE_TOKEN of the environment must not count against the file.
        let loaded = Settings::from_figment(&Settings::layered(Some(&path), "LOKET_CFGTEST_EXAMPLE_NONE_", &[]))
            .unwrap_or_else(|e| panic!("{}: {e:#}", path.display()));
        let mut expected = Settings::default();
        // DATABASE_URL of the environment (CI) wins over the file; compare the file only.
        expected.database_url.clone_from(&loaded.database_url);
        assert_eq!(loaded, expected, "the example's values must be the defaults");

        let text = std::fs::read_to_string(&path).unwrap();
        let mut table = String::new();
        let mut documented = std::collections::HashSet::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                table = name.to_owned();
                continue;
            }
            let line = line.trim_start_matches('#').trim();
            if let Some((key, _)) = line.split_once('=') {
                let key = key.trim();
                if !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    documented.insert(if table.is_empty() {
                        key.to_owned()
                    } else {
                        format!("{table}.{key}")
                    });
                }
            }
        }
        let missing: Vec<String> = Settings::keys()
            .into_iter()
            .filter(|k| !documented.contains(k))
            .collect();
        assert!(missing.is_empty(), "{} does not document {missing:?}", path.display());
    }
}
