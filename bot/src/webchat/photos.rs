//! Photos a web chat citizen attaches while filing a complaint (migration 0016).
//!
//! Telegram and WhatsApp keep a citizen's files and loket stores only their references; the web
//! chat has nobody to keep them, so the image itself is stored here and the complaint names it
//! `web_<id>` among its attachments, like `wa_<media id>` for WhatsApp. Only images are taken
//! (JPEG, PNG, WebP), and only when the declared type agrees with the file's own first bytes, so
//! nothing that could run as a page or a script is ever stored; the size is limited by
//! `[webchat] max_photo_bytes`. The console passes a photo through to the officers of the
//! complaint's handler only (`console::attachments`); no public URL names it.

use anyhow::Context;

use super::store::WebChatStore;
use crate::storage::{StoreError, on_pool};

/// How web chat attachment ids start.
pub const ATTACHMENT_PREFIX: &str = "web_";

/// The image types taken, with the first bytes each must start with.
const TYPES: [(&str, &[u8]); 3] = [
    ("image/jpeg", b"\xFF\xD8\xFF"),
    ("image/png", b"\x89PNG\r\n\x1A\n"),
    ("image/webp", b"RIFF"),
];

/// The image type of `bytes` when it is the `declared` one (`image/jpeg`, `image/png` or
/// `image/webp`, parameters ignored) and the file really starts like one; `None` otherwise.
pub fn image_type(declared: &str, bytes: &[u8]) -> Option<&'static str> {
    let declared = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (name, magic) = TYPES.iter().find(|(name, _)| *name == declared)?;
    let webp = *name != "image/webp" || bytes.get(8..12) == Some(b"WEBP".as_slice());
    (bytes.starts_with(magic) && webp).then_some(*name)
}

/// A stored photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub chat_id: i64,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl WebChatStore {
    /// Stores a checked photo of session `chat_id`; returns its attachment id (`web_<n>`).
    pub async fn save_photo(&self, chat_id: i64, content_type: &str, bytes: &[u8]) -> Result<String, StoreError> {
        let now = self.0.now();
        let (id,): (i64,) = on_pool!(self.0, |pool| {
            sqlx::query_as(
                "INSERT INTO webchat_attachments (chat_id, content_type, bytes, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(chat_id)
            .bind(content_type)
            .bind(bytes)
            .bind(now)
            .fetch_one(pool)
            .await
            .context("cannot store a web chat photo")?
        });
        Ok(format!("{ATTACHMENT_PREFIX}{id}"))
    }

    /// The photo an attachment id (`web_<n>`) names, if any.
    pub async fn photo(&self, attachment: &str) -> Result<Option<Photo>, StoreError> {
        let Some(id) = attachment
            .strip_prefix(ATTACHMENT_PREFIX)
            .and_then(|n| n.parse::<i64>().ok())
        else {
            return Ok(None);
        };
        let row: Option<(i64, String, Vec<u8>)> = on_pool!(self.0, |pool| {
            sqlx::query_as("SELECT chat_id, content_type, bytes FROM webchat_attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await
                .context("cannot read a web chat photo")?
        });
        Ok(row.map(|(chat_id, content_type, bytes)| Photo {
            chat_id,
            content_type,
            bytes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::testing::{TestDb, both_backends};

    pub(crate) const PNG: &[u8] = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89";

    #[test]
    fn only_images_that_are_what_they_say_are_taken() {
        assert_eq!(image_type("image/png", PNG), Some("image/png"));
        assert_eq!(image_type("IMAGE/PNG; charset=x", PNG), Some("image/png"));
        assert_eq!(image_type("image/jpeg", b"\xFF\xD8\xFF\xE0rest"), Some("image/jpeg"));
        assert_eq!(image_type("image/webp", b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(
            image_type("image/webp", b"RIFF\0\0\0\0WAVEfmt "),
            None,
            "a RIFF that is not WebP"
        );
        assert_eq!(image_type("image/jpeg", PNG), None, "declared one type, is another");
        assert_eq!(image_type("image/svg+xml", b"<svg onload=alert(1)>"), None);
        assert_eq!(image_type("text/html", b"<html>"), None);
        assert_eq!(image_type("image/png", b""), None);
    }

    async fn photos_are_stored_and_read_back_by_id(db: TestDb) {
        let web = WebChatStore(db.store.clone());
        let id = web.save_photo(42, "image/png", PNG).await.unwrap();
        assert!(id.starts_with(ATTACHMENT_PREFIX), "{id}");
        let photo = web.photo(&id).await.unwrap().unwrap();
        assert_eq!((photo.chat_id, photo.content_type.as_str()), (42, "image/png"));
        assert_eq!(photo.bytes, PNG);
        assert_eq!(web.photo("web_999999").await.unwrap(), None);
        assert_eq!(web.photo("wa_1").await.unwrap(), None);
        assert_eq!(web.photo("web_x").await.unwrap(), None);
    }

    both_backends!(photos_are_stored_and_read_back_by_id);
}
