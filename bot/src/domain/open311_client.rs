//! Open311 client applications (a city portal, a 311 app) and their intake-only keys.
//!
//! A client files complaints over Open311 with its own key, never a handler's API key (which can
//! read and change complaints). The key is random, shown once when created, and stored only as its
//! SHA-256 (high-entropy random keys need no slow hash); the id names the client in the
//! complaint's record and in `loket open311-clients list`.

use rand::Rng;
use sha2::{Digest, Sha256};

/// A client's id: 1 to 64 of `a-z`, `0-9`, `-`, `_` (e.g. `portal-kota`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct ClientId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("client id {0:?} must be 1 to 64 characters of a-z, 0-9, '-' and '_'")]
pub struct ClientIdError(String);

impl ClientId {
    pub fn parse(raw: &str) -> Result<Self, ClientIdError> {
        let id = raw.trim();
        let valid = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(id.to_owned()))
        } else {
            Err(ClientIdError(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ClientId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Prefix of every client key, so a leaked one is recognisable (and never mistaken for a
/// handler's key).
pub const CLIENT_KEY_PREFIX: &str = "loket311_";

/// A fresh client key: the prefix and 40 random alphanumerics (about 238 bits).
pub fn generate_client_key() -> String {
    let random: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(40)
        .map(char::from)
        .collect();
    format!("{CLIENT_KEY_PREFIX}{random}")
}

/// Hex SHA-256 of a client key, as stored in `open311_clients.key_sha256`.
pub fn client_key_digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_table() {
        for good in ["portal-kota", "app_311", "a", &"x".repeat(64)] {
            assert_eq!(ClientId::parse(good).unwrap().as_str(), good);
        }
        for bad in ["", " ", "Portal", "portal kota", "portal/kota", &"x".repeat(65)] {
            assert!(ClientId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_random_prefixed_and_hashed() {
        let a = generate_client_key();
        let b = generate_client_key();
        assert_ne!(a, b);
        assert!(a.starts_with(CLIENT_KEY_PREFIX) && a.len() == CLIENT_KEY_PREFIX.len() + 40);
        assert_eq!(client_key_digest(&a).len(), 64);
        assert_eq!(client_key_digest(&a), client_key_digest(&format!(" {a} ")));
        assert_ne!(client_key_digest(&a), client_key_digest(&b));
    }
}
