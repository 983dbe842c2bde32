//! `ServiceId`: a reference to a service standard in the knowledge index, e.g.
//! `003_5e30365896fb6814:surat-keterangan-ahli-waris`.
//!
//! loket-knowledge owns the meaning of the id; here it is only checked to be a plausible,
//! printable token so it can be stored, routed on and sent to handlers safely.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ServiceId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Kode layanan tidak valid.")]
pub struct ServiceIdError;

impl ServiceId {
    const MAX_LEN: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ServiceIdError> {
        let id = raw.trim();
        let ok = !id.is_empty() && id.len() <= Self::MAX_LEN && id.chars().all(|c| c.is_ascii_graphic());
        if ok {
            Ok(Self(id.to_owned()))
        } else {
            Err(ServiceIdError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ServiceId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert!(ServiceId::parse("003_5e30365896fb6814:surat-keterangan-ahli-waris").is_ok());
        assert_eq!(ServiceId::parse("  x:y ").unwrap().as_str(), "x:y");
        let too_long = "a".repeat(201);
        for raw in ["", "two words", "tab\there", too_long.as_str(), "layanan-é"] {
            assert_eq!(ServiceId::parse(raw), Err(ServiceIdError), "{raw:?}");
        }
    }
}
