//! Validated free text of a complaint: title (judul), description (isi/kronologi) and place (lokasi).
//!
//! Text is trimmed, runs of blank space inside a line are kept as typed, invisible direction and
//! zero-width characters are stripped (see [`super::invisible`]), control characters other than
//! newline and tab are refused, and length is counted in characters (not bytes) so that limits
//! mean the same for every script. Limits follow what fits a Telegram message and a handler's form.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextLimits {
    /// Used in error messages, in Indonesian ("judul", "isi laporan", ...).
    pub(crate) field: &'static str,
    pub(crate) min_chars: usize,
    pub(crate) max_chars: usize,
    pub(crate) multiline: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplaintTextError {
    #[error("{field} tidak boleh kosong.")]
    Empty { field: &'static str },
    #[error("{field} terlalu pendek: minimal {min} karakter (sekarang {actual}).")]
    TooShort {
        field: &'static str,
        min: usize,
        actual: usize,
    },
    #[error("{field} terlalu panjang: maksimal {max} karakter (sekarang {actual}).")]
    TooLong {
        field: &'static str,
        max: usize,
        actual: usize,
    },
    #[error("{field} memuat karakter yang tidak diperbolehkan.")]
    ForbiddenCharacter { field: &'static str },
}

fn validate(raw: &str, limits: TextLimits) -> Result<String, ComplaintTextError> {
    let field = limits.field;
    let visible = super::invisible::strip_invisible(raw);
    let text = visible.trim();
    if text.is_empty() {
        return Err(ComplaintTextError::Empty { field });
    }
    let allowed_control = |c: char| c == '\t' || (limits.multiline && (c == '\n' || c == '\r'));
    if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Err(ComplaintTextError::ForbiddenCharacter { field });
    }
    let text = text.replace("\r\n", "\n");
    let actual = text.chars().count();
    if actual < limits.min_chars {
        return Err(ComplaintTextError::TooShort {
            field,
            min: limits.min_chars,
            actual,
        });
    }
    if actual > limits.max_chars {
        return Err(ComplaintTextError::TooLong {
            field,
            max: limits.max_chars,
            actual,
        });
    }
    Ok(text)
}

macro_rules! validated_text {
    ($(#[$meta:meta])* $name:ident, $limits:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub(crate) const LIMITS: TextLimits = $limits;

            pub fn parse(raw: &str) -> Result<Self, ComplaintTextError> {
                validate(raw, Self::LIMITS).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

validated_text!(
    /// Judul laporan: one line, 5..=150 characters.
    ComplaintTitle,
    TextLimits { field: "Judul", min_chars: 5, max_chars: 150, multiline: false }
);

validated_text!(
    /// Isi laporan / kronologi: 20..=4000 characters, newlines allowed.
    ComplaintDescription,
    TextLimits { field: "Isi laporan", min_chars: 20, max_chars: 4000, multiline: true }
);

validated_text!(
    /// Lokasi kejadian: one line, 3..=200 characters.
    Place,
    TextLimits { field: "Lokasi", min_chars: 3, max_chars: 200, multiline: false }
);

validated_text!(
    /// A note attached to a status change or a reply to the citizen: 1..=2000 characters.
    StatusNote,
    TextLimits { field: "Catatan", min_chars: 1, max_chars: 2000, multiline: true }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_text_is_trimmed() {
        assert_eq!(
            ComplaintTitle::parse("  Jalan rusak  ").unwrap().as_str(),
            "Jalan rusak"
        );
        let d = ComplaintDescription::parse("\nAntrian KTP sangat lama,\r\nsudah 3 jam menunggu.\n").unwrap();
        assert_eq!(d.as_str(), "Antrian KTP sangat lama,\nsudah 3 jam menunggu.");
    }

    #[test]
    fn table_of_rejections() {
        let long_title = "a".repeat(151);
        let long_description = "é".repeat(4001);
        let cases: Vec<(Result<(), ComplaintTextError>, ComplaintTextError)> = vec![
            (
                ComplaintTitle::parse("").map(drop),
                ComplaintTextError::Empty { field: "Judul" },
            ),
            (
                ComplaintTitle::parse(" \n\t ").map(drop),
                ComplaintTextError::Empty { field: "Judul" },
            ),
            (
                ComplaintTitle::parse("abc").map(drop),
                ComplaintTextError::TooShort {
                    field: "Judul",
                    min: 5,
                    actual: 3,
                },
            ),
            (
                ComplaintTitle::parse(&long_title).map(drop),
                ComplaintTextError::TooLong {
                    field: "Judul",
                    max: 150,
                    actual: 151,
                },
            ),
            (
                ComplaintTitle::parse("Jalan\nrusak").map(drop),
                ComplaintTextError::ForbiddenCharacter { field: "Judul" },
            ),
            (
                ComplaintDescription::parse("pendek").map(drop),
                ComplaintTextError::TooShort {
                    field: "Isi laporan",
                    min: 20,
                    actual: 6,
                },
            ),
            (
                ComplaintDescription::parse(&long_description).map(drop),
                ComplaintTextError::TooLong {
                    field: "Isi laporan",
                    max: 4000,
                    actual: 4001,
                },
            ),
            (
                ComplaintDescription::parse("ada karakter \u{0007} aneh di sini ya").map(drop),
                ComplaintTextError::ForbiddenCharacter { field: "Isi laporan" },
            ),
            (
                Place::parse("ab").map(drop),
                ComplaintTextError::TooShort {
                    field: "Lokasi",
                    min: 3,
                    actual: 2,
                },
            ),
        ];
        for (i, (got, expected)) in cases.into_iter().enumerate() {
            assert_eq!(got, Err(expected), "case {i}");
        }
    }

    /// Regression: an override in a title made a ticket number read differently in the
    /// officers' chat.
    #[test]
    fn direction_and_zero_width_characters_are_stripped() {
        let title = ComplaintTitle::parse("\u{FEFF} Pungli LKT-\u{202E}DXQ9\u{202C} ").unwrap();
        assert_eq!(title.as_str(), "Pungli LKT-DXQ9");
        let note = StatusNote::parse("Se\u{200B}le\u{2066}sai\u{2069}").unwrap();
        assert_eq!(note.as_str(), "Selesai");
        assert_eq!(
            Place::parse("\u{200B}\u{200C}\u{200D}\u{2060}"),
            Err(ComplaintTextError::Empty { field: "Lokasi" }),
            "only invisible characters is empty"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 150 two-byte characters is still a valid title.
        assert!(ComplaintTitle::parse(&"é".repeat(150)).is_ok());
    }

    #[test]
    fn errors_read_as_indonesian() {
        let err = ComplaintDescription::parse("pendek").unwrap_err();
        assert_eq!(
            err.to_string(),
            "Isi laporan terlalu pendek: minimal 20 karakter (sekarang 6)."
        );
    }
}
