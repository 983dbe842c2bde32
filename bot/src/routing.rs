//! Routing: the handlers file and the choice of handler for a complaint.
//!
//! The handlers file (TOML, one `[[handler]]` table each; see `deploy/handlers.example.toml` and
//! the Contract section of issue 5) declares who receives complaints and how: agencies, categories
//! and service ids covered, a webhook URL and signing secret, officer Telegram chats, and the
//! SHA-256 of the handler's API key (the file never holds the key itself). A complaint goes to the
//! handler that lists its service id, else its service's agency (case-insensitive), else its
//! category, else the default handler. A bad file is refused at load with the handler and key named.

use std::fmt;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::domain::{Category, ServiceId};

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HandlersFile {
    #[serde(default)]
    handler: Vec<HandlerEntry>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HandlerEntry {
    id: String,
    name: String,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    default: bool,
    webhook_url: Option<String>,
    webhook_secret: Option<SecretString>,
    #[serde(default)]
    officer_chat_ids: Vec<i64>,
    #[serde(default)]
    officer_user_ids: Vec<i64>,
    api_key_sha256: Option<String>,
}

/// Where a handler's signed webhook goes. `Debug` shows the URL without its query, fragment
/// and password (a token in the query must not reach a log line).
#[derive(Clone)]
pub struct Webhook {
    pub url: reqwest::Url,
    pub secret: SecretString,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &redact_url(&self.url))
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A URL fit for logs and stored errors: no password, query or fragment (`?[redacted]` marks a
/// query that was there).
pub fn redact_url(url: &reqwest::Url) -> String {
    let mut shown = url.clone();
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    let mut text = shown.to_string();
    if url.query().is_some() {
        text.push_str("?[redacted]");
    }
    text
}

/// One handler (an agency, unit or desk that receives complaints), validated. `Debug` hides
/// the webhook secret and the API key digest.
#[derive(Clone)]
pub struct Handler {
    pub id: String,
    pub name: String,
    /// Normalised: lower case, single spaces.
    pub agencies: Vec<String>,
    pub categories: Vec<Category>,
    pub services: Vec<ServiceId>,
    pub default: bool,
    pub webhook: Option<Webhook>,
    pub officer_chat_ids: Vec<i64>,
    pub officer_user_ids: Vec<i64>,
    api_key_sha256: Option<[u8; 32]>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("agencies", &self.agencies)
            .field("categories", &self.categories)
            .field("services", &self.services)
            .field("default", &self.default)
            .field("webhook", &self.webhook)
            .field("officer_chat_ids", &self.officer_chat_ids)
            .field("officer_user_ids", &self.officer_user_ids)
            .field("api_key_sha256", &self.api_key_sha256.map(|_| "[redacted]"))
            .finish()
    }
}

/// Why a handler was chosen (logged with the routing decision).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteReason {
    Service,
    Agency,
    Category,
    Default,
}

/// What routing looks at: the related service (and its agency, from the knowledge index) and the
/// category the citizen chose.
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteQuery<'a> {
    pub service_id: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub category: Option<&'a str>,
}

#[derive(Debug, thiserror::Error)]
pub enum RoutingError {
    #[error("cannot read handlers file {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("handlers file {}: {message}", path.display())]
    Syntax { path: PathBuf, message: String },
    #[error("handlers file {}: handler {handler}, key `{key}`: {reason}", path.display())]
    Invalid {
        path: PathBuf,
        handler: String,
        key: &'static str,
        reason: String,
    },
}

/// The loaded handlers file.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    handlers: Vec<Handler>,
}

fn normalise_agency(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// Hex SHA-256 of an API key, as written in `api_key_sha256`.
pub fn api_key_digest(api_key: &str) -> String {
    hex::encode(Sha256::digest(api_key.as_bytes()))
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Routing {
    /// Reads and validates the handlers file at `path`.
    pub fn load(path: &Path) -> Result<Self, RoutingError> {
        let text = std::fs::read_to_string(path).map_err(|source| RoutingError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text, path)
    }

    /// Parses and validates handlers TOML; `path` is only used in error messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, RoutingError> {
        let file: HandlersFile = toml::from_str(text).map_err(|e| RoutingError::Syntax {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        let mut handlers: Vec<Handler> = Vec::with_capacity(file.handler.len());
        for (index, entry) in file.handler.into_iter().enumerate() {
            let label = if entry.id.trim().is_empty() {
                format!("#{}", index + 1)
            } else {
                format!("{:?}", entry.id)
            };
            let invalid = |key: &'static str, reason: String| RoutingError::Invalid {
                path: path.to_owned(),
                handler: label.clone(),
                key,
                reason,
            };
            let handler = Self::validate(entry, &invalid)?;
            if handlers.iter().any(|h| h.id == handler.id) {
                return Err(invalid("id", "duplicate id".into()));
            }
            if handler.default && handlers.iter().any(|h| h.default) {
                return Err(invalid("default", "only one handler may be the default".into()));
            }
            handlers.push(handler);
        }
        Ok(Self { handlers })
    }

    fn validate(
        entry: HandlerEntry,
        invalid: &dyn Fn(&'static str, String) -> RoutingError,
    ) -> Result<Handler, RoutingError> {
        if !valid_id(&entry.id) {
            return Err(invalid("id", "must be 1-64 characters of a-z, 0-9, '-' or '_'".into()));
        }
        if entry.name.trim().is_empty() {
            return Err(invalid("name", "must not be empty".into()));
        }
        let mut agencies = Vec::new();
        for agency in &entry.agencies {
            let agency = normalise_agency(agency);
            if agency.is_empty() {
                return Err(invalid("agencies", "contains an empty name".into()));
            }
            agencies.push(agency);
        }
        let categories = entry
            .categories
            .iter()
            .map(|c| Category::parse(c).map_err(|e| invalid("categories", format!("{c:?}: {e}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let services = entry
            .services
            .iter()
            .map(|s| ServiceId::parse(s).map_err(|_| invalid("services", format!("invalid service id {s:?}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let webhook = match (entry.webhook_url, entry.webhook_secret) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(invalid("webhook_secret", "required when webhook_url is set".into()));
            }
            (None, Some(_)) => {
                return Err(invalid("webhook_url", "required when webhook_secret is set".into()));
            }
            (Some(url), Some(secret)) => {
                let url = reqwest::Url::parse(&url)
                    .map_err(|e| invalid("webhook_url", format!("{url:?} is not a URL: {e}")))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(invalid("webhook_url", "must be http:// or https://".into()));
                }
                if secret.expose_secret().len() < 16 {
                    return Err(invalid("webhook_secret", "must be at least 16 characters".into()));
                }
                Some(Webhook { url, secret })
            }
        };
        let api_key_sha256 = entry
            .api_key_sha256
            .map(|hex_digest| {
                let mut digest = [0u8; 32];
                hex::decode_to_slice(hex_digest.trim(), &mut digest)
                    .map(|()| digest)
                    .map_err(|_| invalid("api_key_sha256", "must be 64 hexadecimal characters".into()))
            })
            .transpose()?;
        Ok(Handler {
            id: entry.id,
            name: entry.name.trim().to_owned(),
            agencies,
            categories,
            services,
            default: entry.default,
            webhook,
            officer_chat_ids: entry.officer_chat_ids,
            officer_user_ids: entry.officer_user_ids,
            api_key_sha256,
        })
    }

    pub fn handlers(&self) -> &[Handler] {
        &self.handlers
    }

    pub fn get(&self, id: &str) -> Option<&Handler> {
        self.handlers.iter().find(|h| h.id == id)
    }

    /// The handlers that list `agency` (case-insensitive): a console supervisor's scope.
    pub fn handlers_of_agency(&self, agency: &str) -> Vec<&Handler> {
        let agency = normalise_agency(agency);
        self.handlers.iter().filter(|h| h.agencies.contains(&agency)).collect()
    }

    /// Picks the handler: service id, then agency, then category, then the default.
    pub fn route(&self, query: &RouteQuery<'_>) -> Option<(&Handler, RouteReason)> {
        if let Some(service) = query.service_id.map(str::trim)
            && let Some(h) = self
                .handlers
                .iter()
                .find(|h| h.services.iter().any(|s| s.as_str() == service))
        {
            return Some((h, RouteReason::Service));
        }
        if let Some(agency) = query.agency.map(normalise_agency)
            && let Some(h) = self.handlers.iter().find(|h| h.agencies.contains(&agency))
        {
            return Some((h, RouteReason::Agency));
        }
        if let Some(category) = query.category.and_then(|c| Category::parse(c).ok())
            && let Some(h) = self.handlers.iter().find(|h| h.categories.contains(&category))
        {
            return Some((h, RouteReason::Category));
        }
        self.handlers
            .iter()
            .find(|h| h.default)
            .map(|h| (h, RouteReason::Default))
    }

    /// The handler whose `api_key_sha256` matches `api_key`. Every handler is compared, in
    /// constant time, so timing reveals nothing about which digest came close.
    pub fn authenticate(&self, api_key: &str) -> Option<&Handler> {
        let digest: [u8; 32] = Sha256::digest(api_key.as_bytes()).into();
        let mut found = None;
        for handler in &self.handlers {
            if let Some(expected) = &handler.api_key_sha256
                && constant_time_eq(expected, &digest)
            {
                found = Some(handler);
            }
        }
        found
    }
}

impl fmt::Display for RouteReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Service => "service",
            Self::Agency => "agency",
            Self::Category => "category",
            Self::Default => "default",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
        [[handler]]
        id = "dukcapil"
        name = "Dinas Kependudukan dan Pencatatan Sipil"
        agencies = ["Dinas Kependudukan dan Pencatatan Sipil", "DISDUKCAPIL"]
        categories = ["Kependudukan"]
        webhook_url = "http://127.0.0.1:9000/hook"
        webhook_secret = "0123456789abcdef0123"
        api_key_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

        [[handler]]
        id = "kecamatan-sukamaju"
        name = "Kecamatan Sukamaju"
        services = ["003_5e30365896fb6814:surat-keterangan-ahli-waris"]
        officer_chat_ids = [-1001234567890]

        [[handler]]
        id = "inspektorat"
        name = "Inspektorat (penampung umum)"
        categories = ["lainnya"]
        default = true
    "#;

    fn routing() -> Routing {
        Routing::from_toml(FILE, Path::new("handlers.toml")).unwrap()
    }

    #[test]
    fn debug_hides_webhook_secrets_and_key_digests() {
        let shown = format!("{:?}", routing());
        assert!(!shown.contains("0123456789abcdef0123"), "{shown}");
        assert!(!shown.contains("9f86d081"), "{shown}");
        assert!(!shown.contains("159, 134"), "digest bytes: {shown}");
        assert!(shown.contains("dukcapil") && shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn routing_table() {
        let r = routing();
        let q =
            |service: Option<&'static str>, agency: Option<&'static str>, category: Option<&'static str>| RouteQuery {
                service_id: service,
                agency,
                category,
            };
        let cases = [
            (
                q(
                    Some("003_5e30365896fb6814:surat-keterangan-ahli-waris"),
                    Some("Disdukcapil"),
                    None,
                ),
                "kecamatan-sukamaju",
                RouteReason::Service,
            ),
            (
                q(Some("x:unknown"), Some("  disdukcapil "), None),
                "dukcapil",
                RouteReason::Agency,
            ),
            (
                q(None, Some("dinas kependudukan dan   pencatatan sipil"), None),
                "dukcapil",
                RouteReason::Agency,
            ),
            (
                q(None, Some("Dinas Lain"), Some("KEPENDUDUKAN")),
                "dukcapil",
                RouteReason::Category,
            ),
            (q(None, None, Some("Lainnya")), "inspektorat", RouteReason::Category),
            (
                q(None, Some("Dinas Lain"), Some("jalan")),
                "inspektorat",
                RouteReason::Default,
            ),
            (q(None, None, None), "inspektorat", RouteReason::Default),
        ];
        for (query, id, reason) in cases {
            let (h, why) = r.route(&query).unwrap();
            assert_eq!((h.id.as_str(), why), (id, reason), "{query:?}");
        }
    }

    #[test]
    fn without_default_an_unmatched_complaint_has_no_handler() {
        let r = Routing::from_toml("[[handler]]\nid = \"a\"\nname = \"A\"\n", Path::new("h.toml")).unwrap();
        assert!(r.route(&RouteQuery::default()).is_none());
        assert!(Routing::default().route(&RouteQuery::default()).is_none());
    }

    #[test]
    fn api_keys_authenticate_by_digest() {
        let r = routing();
        // sha256("test") is the digest in FILE.
        assert_eq!(
            api_key_digest("test"),
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        );
        assert_eq!(r.authenticate("test").map(|h| h.id.as_str()), Some("dukcapil"));
        assert!(r.authenticate("Test").is_none());
        assert!(r.authenticate("").is_none());
    }

    #[test]
    fn handler_fields_are_loaded() {
        let r = routing();
        let h = r.get("dukcapil").unwrap();
        let hook = h.webhook.as_ref().unwrap();
        assert_eq!(hook.url.as_str(), "http://127.0.0.1:9000/hook");
        assert_eq!(hook.secret.expose_secret(), "0123456789abcdef0123");
        assert_eq!(
            r.get("kecamatan-sukamaju").unwrap().officer_chat_ids,
            vec![-1001234567890]
        );
        assert!(r.get("nobody").is_none());
    }

    #[test]
    fn bad_files_name_the_handler_and_key() {
        let cases: &[(&str, &str)] = &[
            (
                "[[handler]]\nid = \"Bad Id\"\nname = \"x\"\n",
                "handler \"Bad Id\", key `id`",
            ),
            ("[[handler]]\nid = \"a\"\nname = \"\"\n", "handler \"a\", key `name`"),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\n[[handler]]\nid = \"a\"\nname = \"B\"\n",
                "handler \"a\", key `id`: duplicate id",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\ndefault = true\n[[handler]]\nid = \"b\"\nname = \"B\"\ndefault = true\n",
                "handler \"b\", key `default`",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\nwebhook_url = \"http://x/\"\n",
                "handler \"a\", key `webhook_secret`: required",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\nwebhook_url = \"ftp://x/\"\nwebhook_secret = \"0123456789abcdef\"\n",
                "handler \"a\", key `webhook_url`: must be http",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\nwebhook_url = \"http://x/\"\nwebhook_secret = \"short\"\n",
                "handler \"a\", key `webhook_secret`: must be at least 16",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\napi_key_sha256 = \"abc\"\n",
                "handler \"a\", key `api_key_sha256`",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\ncategories = [\"<x>\"]\n",
                "handler \"a\", key `categories`",
            ),
            (
                "[[handler]]\nid = \"a\"\nname = \"A\"\nwebhok_url = \"x\"\n",
                "unknown field `webhok_url`",
            ),
            ("[[handler]]\nname = \"A\"\n", "missing field `id`"),
            ("[[handler]\n", "handlers file h.toml"),
        ];
        for (text, expected) in cases {
            let err = Routing::from_toml(text, Path::new("h.toml")).unwrap_err().to_string();
            assert!(err.contains(expected), "expected {expected:?} in {err:?}");
            assert!(err.starts_with("handlers file h.toml"), "{err}");
        }
    }

    #[test]
    fn example_file_in_deploy_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/handlers.example.toml");
        let r = Routing::load(&path).unwrap();
        assert!(r.handlers().iter().any(|h| h.default));
    }

    #[test]
    fn missing_file_is_an_io_error() {
        let err = Routing::load(Path::new("/nonexistent/handlers.toml")).unwrap_err();
        assert!(matches!(err, RoutingError::Io { .. }));
    }
}
