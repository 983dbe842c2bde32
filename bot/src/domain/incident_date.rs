//! `IncidentDate`: the date of the incident (tanggal kejadian) as a citizen types it.
//!
//! Accepts ISO dates (2025-03-17) and the Indonesian day-first forms (17-03-2025, 17/3/2025,
//! 17.03.2025). A date in the future or more than ten years back is refused.

use std::fmt;

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct IncidentDate(NaiveDate);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncidentDateError {
    #[error("Tanggal kejadian tidak dikenali. Tulis seperti 17-08-2025.")]
    Unrecognised,
    #[error("Tanggal kejadian tidak boleh di masa depan.")]
    InFuture,
    #[error("Tanggal kejadian terlalu lama (lebih dari 10 tahun lalu).")]
    TooOld,
}

impl IncidentDate {
    /// Parses `raw`, judging "future" and "too old" against `today` (the caller's local date).
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, IncidentDateError> {
        let raw = raw.trim();
        let date = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .or_else(|_| {
                let normalised: String = raw
                    .chars()
                    .map(|c| if c == '/' || c == '.' { '-' } else { c })
                    .collect();
                NaiveDate::parse_from_str(&normalised, "%d-%m-%Y")
            })
            .map_err(|_| IncidentDateError::Unrecognised)?;
        if date > today {
            return Err(IncidentDateError::InFuture);
        }
        if today.year() - date.year() > 10 {
            return Err(IncidentDateError::TooOld);
        }
        Ok(Self(date))
    }

    pub fn date(self) -> NaiveDate {
        self.0
    }
}

impl fmt::Display for IncidentDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 8, 20).unwrap()
    }

    #[test]
    fn accepted_forms() {
        let expected = NaiveDate::from_ymd_opt(2025, 8, 17).unwrap();
        for raw in [
            "2025-08-17",
            "17-08-2025",
            "17/08/2025",
            "17/8/2025",
            "17.08.2025",
            " 17-8-2025 ",
        ] {
            assert_eq!(
                IncidentDate::parse(raw, today()).map(IncidentDate::date),
                Ok(expected),
                "{raw}"
            );
        }
    }

    #[test]
    fn rejection_table() {
        let cases = [
            ("kemarin", IncidentDateError::Unrecognised),
            ("31-02-2025", IncidentDateError::Unrecognised),
            ("", IncidentDateError::Unrecognised),
            ("21-08-2025", IncidentDateError::InFuture),
            ("01-01-2014", IncidentDateError::TooOld),
        ];
        for (raw, expected) in cases {
            assert_eq!(IncidentDate::parse(raw, today()), Err(expected), "{raw}");
        }
    }

    #[test]
    fn today_is_allowed_and_displays_as_iso() {
        let date = IncidentDate::parse("20/08/2025", today()).unwrap();
        assert_eq!(date.to_string(), "2025-08-20");
    }
}
