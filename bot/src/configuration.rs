//! Typed settings: defaults, then a TOML file, then environment variables.
//!
//! Layering (later wins): built-in defaults -> the config file (`LOKET_CONFIG`, default
//! `loket.toml`; absent is fine) -> `LOKET_*` variables (nested keys with `__`, e.g.
//! `LOKET_SLA__VERIFICATION_DAYS=2`) -> `DATABASE_URL`. The contract variables of issue 5 map
//! directly: `DATABASE_URL`, `LOKET_HTTP_ADDR`, `LOKET_HANDLERS`, `LOKET_STANDARDS_DIR`.
//! Callers (the CLI) may merge their own flags on top of [`Settings::figment`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use crate::calendar::{Sla, SlaSettings, WorkingCalendar};
use crate::routing::Routing;
use crate::storage::{DEFAULT_DATABASE_URL, Store};

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// `sqlite:path` or `postgres://...`.
    pub database_url: String,
    /// Where `loket serve` listens.
    pub http_addr: SocketAddr,
    /// The handlers file (see `deploy/handlers.example.toml`); none means no routing.
    pub handlers: Option<PathBuf>,
    /// Service standards directory (default: the embedded corpus).
    pub standards_dir: Option<PathBuf>,
    pub sla: SlaSettings,
    pub calendar: CalendarSettings,
    pub delivery: DeliverySettings,
    pub intake: IntakeSettings,
    pub http: HttpSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            http_addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            handlers: None,
            standards_dir: None,
            sla: SlaSettings::default(),
            calendar: CalendarSettings::default(),
            delivery: DeliverySettings::default(),
            intake: IntakeSettings::default(),
            http: HttpSettings::default(),
        }
    }
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

/// Auto-verification: verify on submit when the description is detailed enough; otherwise an
/// administrator (or the handler) verifies.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IntakeSettings {
    pub auto_verify: bool,
    pub auto_verify_min_chars: usize,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        Self {
            auto_verify: false,
            auto_verify_min_chars: 100,
        }
    }
}

impl IntakeSettings {
    pub fn auto_verifies(&self, description: &str) -> bool {
        self.auto_verify && description.chars().count() >= self.auto_verify_min_chars
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSettings {
    /// Largest accepted request body (413 above).
    pub body_limit_bytes: usize,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            body_limit_bytes: 64 * 1024,
        }
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
        let mut figment = Figment::from(Serialized::defaults(Settings::default()));
        if let Some(file) = config_file {
            figment = figment.merge(Toml::file(file));
        }
        figment
            .merge(Env::prefixed(env_prefix).split("__"))
            .merge(Env::raw().only(&["DATABASE_URL"]))
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
        anyhow::ensure!(
            self.http.body_limit_bytes >= 1024,
            "http.body_limit_bytes must be at least 1024"
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
        Ok(Store::connect(&self.database_url).await?.with_deadlines(Arc::new(sla)))
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
}
