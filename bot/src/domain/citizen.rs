//! `Citizen`: who filed a complaint and how loket can reach them again.
//!
//! Most complaints come from a Telegram chat (notified there on every status change). A complaint
//! filed through an Open311 GeoReport v2 client has no chat: it carries the contact details the
//! client sent ([`Contact`]) and the client polls the status over Open311 instead, so no
//! notification task is queued for it. Identity is hidden from the handler when the complaint is
//! anonymous and never appears in public listings. After `loket purge` (UU 27/2022) a closed
//! complaint's citizen is [`Citizen::Purged`]: the identity and contact are gone for good.

/// The channel identity of the person who complained.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Citizen {
    /// A Telegram chat (never 0).
    Telegram { chat_id: i64 },
    /// Filed through an Open311 client; reachable only through what it sent.
    Open311(Contact),
    /// Erased by `loket purge`: nobody can be reached or named any more.
    Purged,
}

impl Citizen {
    /// The Telegram chat to notify, if any.
    pub fn telegram_chat(&self) -> Option<i64> {
        match self {
            Self::Telegram { chat_id } => Some(*chat_id),
            Self::Open311(_) | Self::Purged => None,
        }
    }

    /// The storage name of the channel (`complaints.channel`).
    pub fn channel(&self) -> &'static str {
        match self {
            Self::Telegram { .. } => "telegram",
            Self::Open311(_) => "open311",
            Self::Purged => "purged",
        }
    }
}

/// Contact details from an Open311 request (`first_name`, `last_name`, `email`, `phone`); every
/// field optional, as in the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("{field} terlalu panjang: maksimal {max} karakter.")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} memuat karakter yang tidak diperbolehkan.")]
    ForbiddenCharacter { field: &'static str },
    #[error("Alamat email tidak valid.")]
    Email,
    #[error("Nomor telepon tidak valid.")]
    Phone,
}

const MAX_CHARS: usize = 100;

fn field(raw: Option<&str>, name: &'static str) -> Result<Option<String>, ContactError> {
    // Direction and zero-width characters are dropped (a name must not disguise itself).
    let visible = raw.map(super::strip_invisible);
    let Some(value) = visible.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > MAX_CHARS {
        return Err(ContactError::TooLong {
            field: name,
            max: MAX_CHARS,
        });
    }
    if value.chars().any(char::is_control) {
        return Err(ContactError::ForbiddenCharacter { field: name });
    }
    Ok(Some(value.to_owned()))
}

impl Contact {
    /// Validates the four optional fields: trimmed, at most 100 characters, no control
    /// characters; an email needs one `@` with text on both sides and a dot in the domain; a phone
    /// number is digits with optional `+`, spaces, dashes and parentheses (6 to 20 digits).
    pub fn parse(
        first_name: Option<&str>,
        last_name: Option<&str>,
        email: Option<&str>,
        phone: Option<&str>,
    ) -> Result<Self, ContactError> {
        let contact = Self {
            first_name: field(first_name, "Nama depan")?,
            last_name: field(last_name, "Nama belakang")?,
            email: field(email, "Email")?,
            phone: field(phone, "Telepon")?,
        };
        if let Some(email) = &contact.email {
            let ok = email.split_once('@').is_some_and(|(user, domain)| {
                !user.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !email.contains(char::is_whitespace)
            });
            if !ok {
                return Err(ContactError::Email);
            }
        }
        if let Some(phone) = &contact.phone {
            let allowed = phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'));
            let digits = phone.chars().filter(char::is_ascii_digit).count();
            if !allowed || !(6..=20).contains(&digits) {
                return Err(ContactError::Phone);
            }
        }
        Ok(contact)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn citizen_serialises_with_its_channel() {
        let telegram = Citizen::Telegram { chat_id: 42 };
        assert_eq!(
            serde_json::to_value(&telegram).unwrap(),
            serde_json::json!({"channel": "telegram", "chat_id": 42})
        );
        let open311 = Citizen::Open311(Contact {
            email: Some("a@b.id".into()),
            ..Contact::default()
        });
        assert_eq!(
            serde_json::to_value(&open311).unwrap(),
            serde_json::json!({"channel": "open311", "email": "a@b.id"})
        );
        assert_eq!(telegram.telegram_chat(), Some(42));
        assert_eq!(open311.telegram_chat(), None);
    }

    #[test]
    fn contact_table() {
        let ok = Contact::parse(
            Some(" Siti "),
            None,
            Some("siti@contoh.go.id"),
            Some("+62 812-3456-7890"),
        )
        .unwrap();
        assert_eq!(ok.first_name.as_deref(), Some("Siti"));
        assert_eq!(Contact::parse(None, Some(""), None, None).unwrap(), Contact::default());
        let spoof = Contact::parse(Some("Si\u{202E}ti\u{200B}"), None, None, None).unwrap();
        assert_eq!(spoof.first_name.as_deref(), Some("Siti"));
        let long = "a".repeat(101);
        /// (first name, email, phone, expected error)
        type Case<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>, ContactError);
        let cases: [Case<'_>; 5] = [
            (
                Some(&long),
                None,
                None,
                ContactError::TooLong {
                    field: "Nama depan",
                    max: 100,
                },
            ),
            (
                Some("a\u{7}b"),
                None,
                None,
                ContactError::ForbiddenCharacter { field: "Nama depan" },
            ),
            (None, Some("siti@"), None, ContactError::Email),
            (None, Some("siti@contoh"), None, ContactError::Email),
            (None, None, Some("12ab"), ContactError::Phone),
        ];
        for (first, email, phone, expected) in cases {
            assert_eq!(Contact::parse(first, None, email, phone), Err(expected));
        }
    }
}
