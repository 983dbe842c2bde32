//! `Category`: the complaint category (kategori), normalised so routing can compare it.
//!
//! Categories are free labels shared with the handlers file ("kependudukan", "infrastruktur", ...).
//! They are trimmed, lower-cased and inner whitespace is collapsed, so "Administrasi  Kependudukan"
//! and "administrasi kependudukan" route the same way.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Category(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    #[error("Kategori tidak boleh kosong.")]
    Empty,
    #[error("Kategori terlalu panjang: maksimal {max} karakter.", max = Category::MAX_CHARS)]
    TooLong,
    #[error("Kategori hanya boleh berisi huruf, angka, spasi, '-', '_', '/', '&' dan '.'.")]
    ForbiddenCharacter,
}

impl Category {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        let normalised = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if normalised.is_empty() {
            return Err(CategoryError::Empty);
        }
        if normalised.chars().count() > Self::MAX_CHARS {
            return Err(CategoryError::TooLong);
        }
        let ok = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '/' | '&' | '.');
        if !normalised.chars().all(ok) {
            return Err(CategoryError::ForbiddenCharacter);
        }
        Ok(Self(normalised))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Category {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_table() {
        let cases = [
            ("Kependudukan", "kependudukan"),
            ("  Administrasi   Kependudukan ", "administrasi kependudukan"),
            ("Jalan & Jembatan", "jalan & jembatan"),
            ("PU/PR", "pu/pr"),
        ];
        for (raw, expected) in cases {
            assert_eq!(Category::parse(raw).unwrap().as_str(), expected, "{raw}");
        }
    }

    #[test]
    fn rejection_table() {
        let too_long = "a".repeat(61);
        let cases = [
            ("", CategoryError::Empty),
            ("   ", CategoryError::Empty),
            (too_long.as_str(), CategoryError::TooLong),
            ("<script>", CategoryError::ForbiddenCharacter),
            ("a;b", CategoryError::ForbiddenCharacter),
        ];
        for (raw, expected) in cases {
            assert_eq!(Category::parse(raw), Err(expected), "{raw}");
        }
    }
}
