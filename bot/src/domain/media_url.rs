//! `MediaUrl`: a link to a photo or file of the problem (Open311 `media_url`).
//!
//! Only `http`/`https` URLs of at most 500 characters; loket stores the link, never the file.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct MediaUrl(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("media_url harus berupa alamat http:// atau https:// (maksimal 500 karakter).")]
pub struct MediaUrlError;

impl MediaUrl {
    const MAX_LEN: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, MediaUrlError> {
        let raw = raw.trim();
        if raw.len() > Self::MAX_LEN {
            return Err(MediaUrlError);
        }
        let url = reqwest::Url::parse(raw).map_err(|_| MediaUrlError)?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(MediaUrlError);
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MediaUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        assert_eq!(
            MediaUrl::parse(" https://contoh.go.id/foto.jpg ").unwrap().as_str(),
            "https://contoh.go.id/foto.jpg"
        );
        let long = format!("https://a.id/{}", "x".repeat(500));
        for bad in ["", "foto.jpg", "ftp://a.id/x", "javascript:alert(1)", long.as_str()] {
            assert_eq!(MediaUrl::parse(bad), Err(MediaUrlError), "{bad}");
        }
    }
}
