//! `NewComplaint`: a complaint as submitted, every field already validated.
//!
//! The raw form ([`RawComplaint`], what the Telegram dialogue, the HTTP API or Open311 collected)
//! becomes a `NewComplaint` through one `parse`, which reports the first bad field in Indonesian.
//! Storage accepts only `NewComplaint`. The citizen's channel is a [`Citizen`]: a Telegram chat
//! (from `RawComplaint::chat_id`) or, for Open311 intake, the contact details the client sent
//! ([`NewComplaint::parse_with_citizen`]), with the Open311 extras `location`, `media_url` and
//! the client application that filed it.
//!
//! A complaint is confidential (LAPOR! "rahasia") unless the citizen agreed to publish it:
//! [`RawComplaint::confidential`] defaults to `true`, so a form that does not ask cannot make one
//! public by omission.

use chrono::NaiveDate;

use super::{
    AttachmentError, Attachments, Category, CategoryError, Citizen, ComplaintDescription, ComplaintTextError,
    ComplaintTitle, GeoPoint, IncidentDate, IncidentDateError, MediaUrl, Place, ServiceId, ServiceIdError,
};

/// Unvalidated input, as deserialised from a form or assembled by the dialogue.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct RawComplaint {
    pub chat_id: i64,
    pub service_id: Option<String>,
    pub category: String,
    pub title: String,
    pub description: String,
    pub place: Option<String>,
    pub incident_date: Option<String>,
    pub attachments: Vec<String>,
    pub anonymous: bool,
    /// True unless the citizen agreed to publish the complaint (the default is confidential).
    pub confidential: bool,
}

impl Default for RawComplaint {
    fn default() -> Self {
        Self {
            chat_id: 0,
            service_id: None,
            category: String::new(),
            title: String::new(),
            description: String::new(),
            place: None,
            incident_date: None,
            attachments: Vec::new(),
            anonymous: false,
            confidential: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComplaint {
    /// The citizen's channel identity (Telegram chat or Open311 contact). Never shown to the
    /// handler when `anonymous` is set.
    pub citizen: Citizen,
    pub service_id: Option<ServiceId>,
    pub category: Category,
    pub title: ComplaintTitle,
    pub description: ComplaintDescription,
    pub place: Option<Place>,
    pub incident_date: Option<IncidentDate>,
    pub attachments: Attachments,
    /// Identity hidden from the handler (LAPOR! "anonim").
    pub anonymous: bool,
    /// Never listed publicly (LAPOR! "rahasia").
    pub confidential: bool,
    /// Where the problem is (Open311 `lat`/`long`).
    pub location: Option<GeoPoint>,
    /// A link to a photo of the problem (Open311 `media_url`).
    pub media_url: Option<MediaUrl>,
    /// The Open311 client application that filed it (its `open311_clients` id).
    pub open311_client: Option<String>,
    /// The citizen's display name on their channel (Telegram first and last name), shown to the
    /// handler unless `anonymous`; set by the channel after parsing ([`Self::with_citizen_name`]).
    pub citizen_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewComplaintError {
    #[error("Identitas pelapor tidak valid.")]
    ChatId,
    #[error(transparent)]
    ServiceId(#[from] ServiceIdError),
    #[error(transparent)]
    Category(#[from] CategoryError),
    #[error(transparent)]
    Text(#[from] ComplaintTextError),
    #[error(transparent)]
    IncidentDate(#[from] IncidentDateError),
    #[error(transparent)]
    Attachment(#[from] AttachmentError),
}

fn blank_to_none(value: Option<&String>) -> Option<&str> {
    value.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl NewComplaint {
    /// Validates every field of a Telegram complaint (`raw.chat_id` is the citizen); `today` is
    /// the local date used to judge the incident date.
    pub fn parse(raw: &RawComplaint, today: NaiveDate) -> Result<Self, NewComplaintError> {
        if raw.chat_id == 0 {
            return Err(NewComplaintError::ChatId);
        }
        Self::parse_with_citizen(raw, Citizen::Telegram { chat_id: raw.chat_id }, today)
    }

    /// Validates every field for `citizen` (`raw.chat_id` is ignored): the Open311 intake path.
    pub fn parse_with_citizen(
        raw: &RawComplaint,
        citizen: Citizen,
        today: NaiveDate,
    ) -> Result<Self, NewComplaintError> {
        if citizen.telegram_chat() == Some(0) {
            return Err(NewComplaintError::ChatId);
        }
        Ok(Self {
            citizen,
            service_id: blank_to_none(raw.service_id.as_ref())
                .map(ServiceId::parse)
                .transpose()?,
            category: Category::parse(&raw.category)?,
            title: ComplaintTitle::parse(&raw.title)?,
            description: ComplaintDescription::parse(&raw.description)?,
            place: blank_to_none(raw.place.as_ref()).map(Place::parse).transpose()?,
            incident_date: blank_to_none(raw.incident_date.as_ref())
                .map(|d| IncidentDate::parse(d, today))
                .transpose()?,
            attachments: Attachments::parse(&raw.attachments)?,
            anonymous: raw.anonymous,
            confidential: raw.confidential,
            location: None,
            media_url: None,
            open311_client: None,
            citizen_name: None,
        })
    }

    /// Sets the citizen's display name: trimmed, control characters dropped, at most 64
    /// characters; a blank name is none.
    pub fn with_citizen_name(mut self, name: &str) -> Self {
        let clean: String = name
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let clean: String = clean.chars().take(64).collect();
        self.citizen_name = (!clean.is_empty()).then_some(clean);
        self
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 8, 20).unwrap()
    }

    pub(crate) fn raw() -> RawComplaint {
        RawComplaint {
            chat_id: 424242,
            service_id: Some("003_5e30365896fb6814:surat-keterangan-ahli-waris".into()),
            category: "Kependudukan".into(),
            title: "Surat ahli waris tidak kunjung selesai".into(),
            description: "Sudah tiga minggu berkas saya di kelurahan belum diproses juga.".into(),
            place: Some("Kantor Kelurahan Sukamaju".into()),
            incident_date: Some("01-08-2025".into()),
            attachments: vec!["AgACAgUAAxkBAAIB".into()],
            anonymous: false,
            confidential: true,
        }
    }

    #[test]
    fn a_complete_form_parses() {
        let complaint = NewComplaint::parse(&raw(), today()).unwrap();
        assert_eq!(complaint.category.as_str(), "kependudukan");
        assert_eq!(complaint.incident_date.unwrap().to_string(), "2025-08-01");
        assert_eq!(complaint.attachments.len(), 1);
        assert!(complaint.confidential);
    }

    #[test]
    fn optional_fields_may_be_blank() {
        let mut r = raw();
        r.service_id = Some("  ".into());
        r.place = None;
        r.incident_date = Some(String::new());
        r.attachments.clear();
        let complaint = NewComplaint::parse(&r, today()).unwrap();
        assert_eq!(complaint.service_id, None);
        assert_eq!(complaint.place, None);
        assert_eq!(complaint.incident_date, None);
    }

    #[test]
    fn the_first_bad_field_is_reported() {
        type Edit = fn(&mut RawComplaint);
        let cases: [(Edit, &str); 6] = [
            (|r| r.chat_id = 0, "Identitas pelapor tidak valid."),
            (|r| r.category = String::new(), "Kategori tidak boleh kosong."),
            (
                |r| r.title = "abc".into(),
                "Judul terlalu pendek: minimal 5 karakter (sekarang 3).",
            ),
            (|r| r.description = " ".into(), "Isi laporan tidak boleh kosong."),
            (
                |r| r.incident_date = Some("besok".into()),
                "Tanggal kejadian tidak boleh di masa depan.",
            ),
            (
                |r| r.attachments = (0..11).map(|i| format!("f{i}")).collect(),
                "Lampiran terlalu banyak: maksimal 10 berkas (sekarang 11).",
            ),
        ];
        for (edit, message) in cases {
            let mut r = raw();
            edit(&mut r);
            let err = NewComplaint::parse(&r, today()).unwrap_err();
            assert_eq!(err.to_string(), message);
        }
    }

    #[test]
    fn raw_form_deserialises_with_defaults() {
        let r: RawComplaint = serde_json::from_str(r#"{"chat_id": 5, "category": "x", "title": "t"}"#).unwrap();
        assert!(!r.anonymous);
        assert!(r.confidential, "confidential unless the citizen agreed to publish");
        assert!(RawComplaint::default().confidential);
        assert!(r.attachments.is_empty());
    }

    #[test]
    fn citizen_names_are_cleaned_and_blank_ones_dropped() {
        let new = NewComplaint::parse(&raw(), today()).unwrap();
        let named = |name: &str| new.clone().with_citizen_name(name).citizen_name;
        assert_eq!(named("  Budi \n Santoso "), Some("Budi Santoso".to_owned()));
        assert_eq!(named(" \u{7} "), None);
        assert_eq!(named(&"x".repeat(100)).map(|n| n.chars().count()), Some(64));
    }
}
