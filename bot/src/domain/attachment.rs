//! `Attachment` and `Attachments`: references to files the citizen sent (Telegram file ids).
//!
//! loket stores only the reference, never the file: the handler fetches it through the channel
//! that received it. The count is capped so a complaint (and its webhook body) stays small.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Attachment(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("Lampiran tidak valid.")]
    Invalid,
    #[error("Lampiran terlalu banyak: maksimal {max} berkas (sekarang {actual}).")]
    TooMany { max: usize, actual: usize },
}

impl Attachment {
    const MAX_LEN: usize = 256;

    /// A Telegram `file_id`: URL-safe base64 characters, at most 256 of them.
    pub fn parse(raw: &str) -> Result<Self, AttachmentError> {
        let id = raw.trim();
        let ok = !id.is_empty()
            && id.len() <= Self::MAX_LEN
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(id.to_owned()))
        } else {
            Err(AttachmentError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Attachment {
    type Error = AttachmentError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Attachment> for String {
    fn from(value: Attachment) -> Self {
        value.0
    }
}

impl fmt::Display for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// At most [`Attachments::MAX`] distinct attachments, in the order the citizen sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Attachments(Vec<Attachment>);

impl Attachments {
    pub const MAX: usize = 10;

    pub fn parse<S: AsRef<str>>(raw: &[S]) -> Result<Self, AttachmentError> {
        if raw.len() > Self::MAX {
            return Err(AttachmentError::TooMany {
                max: Self::MAX,
                actual: raw.len(),
            });
        }
        let mut list: Vec<Attachment> = Vec::with_capacity(raw.len());
        for item in raw {
            let attachment = Attachment::parse(item.as_ref())?;
            if !list.contains(&attachment) {
                list.push(attachment);
            }
        }
        Ok(Self(list))
    }

    pub fn as_slice(&self) -> &[Attachment] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_file_ids_are_accepted() {
        let id = "AgACAgUAAxkBAAIBZ2Vx-abc_DEF123";
        assert_eq!(Attachment::parse(id).unwrap().as_str(), id);
    }

    #[test]
    fn attachment_rejection_table() {
        let too_long = "a".repeat(257);
        for raw in ["", "  ", "has space", "slash/path", "../etc", too_long.as_str()] {
            assert_eq!(Attachment::parse(raw), Err(AttachmentError::Invalid), "{raw:?}");
        }
    }

    #[test]
    fn list_is_capped_and_deduplicated() {
        let ten: Vec<String> = (0..10).map(|i| format!("file{i}")).collect();
        assert_eq!(Attachments::parse(&ten).unwrap().len(), 10);
        let eleven: Vec<String> = (0..11).map(|i| format!("file{i}")).collect();
        assert_eq!(
            Attachments::parse(&eleven),
            Err(AttachmentError::TooMany { max: 10, actual: 11 })
        );
        assert_eq!(Attachments::parse(&["a", "b", "a"]).unwrap().len(), 2);
        assert!(Attachments::parse::<&str>(&[]).unwrap().is_empty());
    }
}
