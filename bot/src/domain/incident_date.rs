//! `IncidentDate`: the date of the incident (tanggal kejadian) as a citizen types it.
//!
//! Accepts what citizens write: ISO dates (2025-03-17); the Indonesian day-first forms
//! (17-03-2025, 17/3/2025, 17.03.2025, and without the year "17/3" for this year); a month by
//! name ("2 Des 2026", "17 agustus"); and words relative to today ("hari ini", "tadi pagi",
//! "kemarin", "kemarin lusa", "3 hari lalu", "minggu lalu", "senin lalu", "hari jumat"). A date
//! in the future or more than ten years back is refused, with the reason.

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct IncidentDate(NaiveDate);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncidentDateError {
    #[error(
        "Tanggal kejadian tidak dikenali. Tulis seperti 17-08-2025 atau 17 Agustus 2025, atau \
         \"hari ini\", \"kemarin\", \"senin lalu\"."
    )]
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
            .ok()
            .or_else(|| numeric_day_first(raw, today))
            .or_else(|| named_month(raw, today))
            .or_else(|| relative(raw, today))
            .ok_or(IncidentDateError::Unrecognised)?;
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

/// "17-08-2025", "17/8/2025", "17.08.2025", and "17/8" (this year).
fn numeric_day_first(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    let parts: Vec<&str> = raw.split(['-', '/', '.']).map(str::trim).collect();
    let number = |s: &str| s.parse::<u32>().ok().filter(|_| !s.is_empty() && s.len() <= 4);
    match parts.as_slice() {
        [d, m, y] if y.len() == 4 => NaiveDate::from_ymd_opt(number(y)? as i32, number(m)?, number(d)?),
        [d, m] => NaiveDate::from_ymd_opt(today.year(), number(m)?, number(d)?),
        _ => None,
    }
}

/// A month by name, full or short: "2 Des 2026", "17 agustus", "5 Peb 2025".
fn named_month(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    const MONTHS: &[(&[&str], u32)] = &[
        (&["januari", "jan"], 1),
        (&["februari", "pebruari", "feb", "peb"], 2),
        (&["maret", "mar"], 3),
        (&["april", "apr"], 4),
        (&["mei"], 5),
        (&["juni", "jun"], 6),
        (&["juli", "jul"], 7),
        (&["agustus", "agu", "agt", "ags", "agst", "aug"], 8),
        (&["september", "sep", "sept"], 9),
        (&["oktober", "okt", "oct"], 10),
        (&["november", "nov", "nop"], 11),
        (&["desember", "des", "dec"], 12),
    ];
    let lower = raw.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "tanggal" && *w != "tgl")
        .collect();
    let (day, month, year) = match words.as_slice() {
        [d, m] => (*d, *m, None),
        [d, m, y] => (*d, *m, Some(*y)),
        _ => return None,
    };
    let month = MONTHS.iter().find(|(names, _)| names.contains(&month))?.1;
    let year = match year {
        Some(y) if y.len() == 4 => y.parse().ok()?,
        Some(_) => return None,
        None => today.year(),
    };
    NaiveDate::from_ymd_opt(year, month, day.parse().ok()?)
}

/// Words relative to today: "hari ini", "tadi pagi", "kemarin", "kemarin lusa", "3 hari lalu",
/// "minggu lalu", "senin lalu", "hari jumat" (the last such day, today included unless "lalu").
fn relative(raw: &str, today: NaiveDate) -> Option<NaiveDate> {
    const WEEKDAYS: &[(&[&str], Weekday)] = &[
        (&["senin", "senen"], Weekday::Mon),
        (&["selasa"], Weekday::Tue),
        (&["rabu", "rebo"], Weekday::Wed),
        (&["kamis", "kemis"], Weekday::Thu),
        (&["jumat", "jum'at", "jumaat", "jemuah"], Weekday::Fri),
        (&["sabtu", "setu"], Weekday::Sat),
        (&["minggu", "ahad"], Weekday::Sun),
    ];
    let lower = raw.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty() && !matches!(*w, "pada" | "tanggal" | "tgl" | "yang" | "yg"))
        .map(|w| match w {
            "kemaren" | "kmrn" | "kmarin" | "kmaren" => "kemarin",
            other => other,
        })
        .collect();
    let ago = |days: i64| today.checked_sub_signed(Duration::days(days));
    let past = words.iter().any(|w| matches!(*w, "lalu" | "kemarin"));
    let time_of_day = |w: &str| matches!(w, "pagi" | "siang" | "sore" | "malam");
    match words.as_slice() {
        ["hari", "ini"] | ["tadi"] | ["barusan"] | ["sekarang"] => Some(today),
        ["tadi", t] | [t, "ini"] if time_of_day(t) => Some(today),
        ["kemarin", "lusa"] | ["lusa", "kemarin"] => Some(ago(2)?),
        // Tomorrow is read, so that it is refused as a future date with the reason.
        ["besok"] | ["besuk"] => today.checked_add_signed(Duration::days(1)),
        ["lusa"] => today.checked_add_signed(Duration::days(2)),
        ["kemarin"] | ["semalam"] => Some(ago(1)?),
        ["kemarin", t] if time_of_day(t) => Some(ago(1)?),
        [n, "hari", "lalu"] | [n, "hari", "yang", "lalu"] => Some(ago(n.parse::<i64>().ok()?)?),
        ["minggu" | "pekan", "lalu"] => Some(ago(7)?),
        _ => {
            // "senin lalu", "hari senin", "senin kemarin", "jumat".
            let day = words
                .iter()
                .find_map(|w| WEEKDAYS.iter().find(|(names, _)| names.contains(w)).map(|(_, d)| *d))?;
            let others_ok = words.iter().all(|w| {
                *w == "hari" || *w == "lalu" || *w == "kemarin" || WEEKDAYS.iter().any(|(n, _)| n.contains(w))
            });
            if !others_ok {
                return None;
            }
            let back = (7 + today.weekday().num_days_from_monday() as i64 - day.num_days_from_monday() as i64) % 7;
            let back = if back == 0 && past { 7 } else { back };
            ago(back)
        }
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
            ("bulan depan", IncidentDateError::Unrecognised),
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
    fn indonesian_words_and_month_names() {
        // 2025-08-20 is a Wednesday.
        let day = |d: u32| NaiveDate::from_ymd_opt(2025, 8, d).unwrap();
        let cases = [
            ("hari ini", day(20)),
            ("tadi pagi", day(20)),
            ("Kemarin", day(19)),
            ("kmrn sore", day(19)),
            ("kemarin lusa", day(18)),
            ("3 hari lalu", day(17)),
            ("minggu lalu", day(13)),
            ("senin lalu", day(18)),
            ("hari senin", day(18)),
            ("rabu lalu", day(13)),
            ("rabu", day(20)),
            ("jumat kemarin", day(15)),
            ("17 Agustus 2025", day(17)),
            ("17 agt", day(17)),
            ("tgl 2 agustus", day(2)),
            ("2/8", day(2)),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                IncidentDate::parse(raw, today()).map(IncidentDate::date),
                Ok(expected),
                "{raw}"
            );
        }
        assert_eq!(
            IncidentDate::parse("2 Des 2025", today()),
            Err(IncidentDateError::InFuture),
            "a future date is refused with the reason"
        );
        assert_eq!(IncidentDate::parse("30/8", today()), Err(IncidentDateError::InFuture));
        assert_eq!(IncidentDate::parse("besok", today()), Err(IncidentDateError::InFuture));
        assert_eq!(
            IncidentDate::parse("31 februari", today()),
            Err(IncidentDateError::Unrecognised)
        );
    }

    #[test]
    fn today_is_allowed_and_displays_as_iso() {
        let date = IncidentDate::parse("20/08/2025", today()).unwrap();
        assert_eq!(date.to_string(), "2025-08-20");
    }
}
