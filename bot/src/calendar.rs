//! Working days (hari kerja) and SLA deadlines.
//!
//! SP4N-LAPOR! counts deadlines in working days: Monday to Friday, minus national holidays and
//! cuti bersama. The holidays are data (`bot/data/holidays.toml`, embedded; an operator file can
//! add more), not code. [`Sla`] turns "entered stage X at time t" into the deadline of that stage
//! and is what the store uses to stamp `due_at` (see `storage::DeadlinePolicy`).
//!
//! Convention: the day a complaint enters a stage does not count; the deadline is the end
//! (23:59:59 local time) of the n-th working day after it.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use chrono::{Datelike, Days, FixedOffset, NaiveDate, TimeZone, Weekday};

use crate::domain::ComplaintStatus;
use crate::storage::DeadlinePolicy;

const EMBEDDED_HOLIDAYS: &str = include_str!("../data/holidays.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HolidayKind {
    LiburNasional,
    CutiBersama,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
    pub kind: HolidayKind,
    #[serde(default)]
    pub estimate: bool,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HolidayFile {
    #[serde(default)]
    day: Vec<Holiday>,
}

/// Which days offices are open, in one time zone.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    holidays: BTreeMap<NaiveDate, Holiday>,
    offset: FixedOffset,
}

impl WorkingCalendar {
    /// The embedded 2025-2027 calendar in WIB (UTC+7).
    pub fn embedded() -> Self {
        let mut calendar = Self {
            holidays: BTreeMap::new(),
            offset: wib(),
        };
        // The embedded file is checked by a unit test, so a parse failure here cannot ship.
        if let Err(e) = calendar.add_toml(EMBEDDED_HOLIDAYS) {
            tracing::error!(error.message = %e, "embedded holiday calendar is invalid");
        }
        calendar
    }

    /// Sets the local time zone as an offset from UTC in hours (7 WIB, 8 WITA, 9 WIT).
    pub fn with_utc_offset_hours(mut self, hours: i32) -> anyhow::Result<Self> {
        self.offset =
            FixedOffset::east_opt(hours * 3600).with_context(|| format!("invalid UTC offset {hours} hours"))?;
        Ok(self)
    }

    /// Adds the days of a holidays TOML text (`[[day]] date, name, kind, estimate`).
    pub fn add_toml(&mut self, text: &str) -> anyhow::Result<()> {
        let file: HolidayFile = toml::from_str(text).context("invalid holidays file")?;
        for day in file.day {
            self.holidays.insert(day.date, day);
        }
        Ok(())
    }

    /// Adds the days of an operator's holidays file.
    pub fn add_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read holidays file {}", path.display()))?;
        self.add_toml(&text)
            .with_context(|| format!("in holidays file {}", path.display()))
    }

    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// Whether holiday data exists for `year` (outside it only weekends are skipped).
    pub fn covers(&self, year: i32) -> bool {
        self.holidays.keys().any(|d| d.year() == year)
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains_key(&date)
    }

    /// The n-th working day strictly after `date` (`n = 0` gives `date` itself).
    pub fn nth_working_day_after(&self, date: NaiveDate, n: u32) -> NaiveDate {
        let mut day = date;
        let mut left = n;
        while left > 0 {
            day = day.checked_add_days(Days::new(1)).unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    pub fn local_date(&self, unix: i64) -> NaiveDate {
        self.offset
            .timestamp_opt(unix, 0)
            .single()
            .map(|t| t.date_naive())
            .unwrap_or_default()
    }

    /// End (23:59:59 local) of the `days`-th working day after the local day of `from`.
    pub fn deadline(&self, from: i64, days: u32) -> i64 {
        let day = self.nth_working_day_after(self.local_date(from), days);
        let next_midnight = day
            .checked_add_days(Days::new(1))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| self.offset.from_local_datetime(&t).single())
            .map(|t| t.timestamp());
        next_midnight.map_or(from, |t| t - 1)
    }

    /// Working days from the local day of `from` up to the local day of `to` (positive when late).
    pub fn working_days_between(&self, from: i64, to: i64) -> i64 {
        let (a, b) = (self.local_date(from), self.local_date(to));
        let (start, end, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let count = start
            .iter_days()
            .skip(1)
            .take_while(|d| *d <= end)
            .filter(|d| self.is_working_day(*d))
            .count();
        sign * count as i64
    }
}

fn wib() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("UTC+7 is a valid offset")
}

/// Stage deadlines in working days; defaults follow the SP4N-LAPOR! operating rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaSettings {
    /// diterima/diverifikasi: verify and forward (LAPOR!: 3 working days).
    pub verification_days: u32,
    /// diteruskan: the handler's first response (LAPOR!: 5 working days).
    pub first_response_days: u32,
    /// ditindaklanjuti: resolution (typical local standard: 10 working days).
    pub resolution_days: u32,
    /// selesai: closes automatically, and the citizen may reopen, within this window (LAPOR!: 10).
    pub auto_close_days: u32,
}

impl Default for SlaSettings {
    fn default() -> Self {
        Self {
            verification_days: 3,
            first_response_days: 5,
            resolution_days: 10,
            auto_close_days: 10,
        }
    }
}

/// The SLA: settings plus the calendar they count on.
#[derive(Debug, Clone)]
pub struct Sla {
    pub settings: SlaSettings,
    pub calendar: WorkingCalendar,
}

impl Sla {
    pub fn new(settings: SlaSettings, calendar: WorkingCalendar) -> Self {
        Self { settings, calendar }
    }

    /// Working days allowed in `status`; `None` where no clock runs (on hold or final).
    pub fn stage_days(&self, status: ComplaintStatus) -> Option<u32> {
        let s = &self.settings;
        match status {
            ComplaintStatus::Diterima | ComplaintStatus::Diverifikasi => Some(s.verification_days),
            ComplaintStatus::Diteruskan => Some(s.first_response_days),
            ComplaintStatus::Ditindaklanjuti => Some(s.resolution_days),
            ComplaintStatus::Selesai => Some(s.auto_close_days),
            ComplaintStatus::Ditunda
            | ComplaintStatus::Ditolak
            | ComplaintStatus::Ditutup
            | ComplaintStatus::BukanWewenang => None,
        }
    }
}

impl DeadlinePolicy for Sla {
    fn due_at(&self, status: ComplaintStatus, entered_at: i64) -> Option<i64> {
        self.stage_days(status)
            .map(|days| self.calendar.deadline(entered_at, days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Unix time of a local WIB wall-clock moment.
    fn wib_ts(y: i32, m: u32, d: u32, h: u32) -> i64 {
        wib()
            .from_local_datetime(&date(y, m, d).and_hms_opt(h, 0, 0).unwrap())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn embedded_calendar_parses_and_covers_2025_to_2027() {
        let mut c = WorkingCalendar {
            holidays: BTreeMap::new(),
            offset: wib(),
        };
        c.add_toml(EMBEDDED_HOLIDAYS).unwrap();
        for year in 2025..=2027 {
            assert!(c.covers(year), "{year}");
        }
        assert!(!c.covers(2028));
        let independence = c.holiday(date(2026, 8, 17)).unwrap();
        assert_eq!(independence.kind, HolidayKind::LiburNasional);
        assert_eq!(WorkingCalendar::embedded().holidays.len(), c.holidays.len());
    }

    #[test]
    fn working_day_table() {
        let c = WorkingCalendar::embedded();
        let cases = [
            (date(2025, 8, 20), true),   // Wednesday
            (date(2025, 8, 23), false),  // Saturday
            (date(2025, 8, 24), false),  // Sunday
            (date(2025, 12, 25), false), // Natal
            (date(2025, 12, 26), false), // cuti bersama Natal
            (date(2025, 4, 2), false),   // cuti bersama Idul Fitri
            (date(2025, 4, 8), true),
        ];
        for (day, expected) in cases {
            assert_eq!(c.is_working_day(day), expected, "{day}");
        }
    }

    #[test]
    fn nth_working_day_skips_weekends_and_holidays() {
        let c = WorkingCalendar::embedded();
        let cases = [
            // Wednesday + 3 -> Monday.
            (date(2025, 8, 20), 3, date(2025, 8, 25)),
            // Friday + 1 -> Monday.
            (date(2025, 8, 22), 1, date(2025, 8, 25)),
            // Saturday + 1 -> Monday.
            (date(2025, 8, 23), 1, date(2025, 8, 25)),
            // Tuesday 23 Dec + 3 -> Wed 24, (Thu 25 Natal, Fri 26 cuti), Mon 29, Tue 30.
            (date(2025, 12, 23), 3, date(2025, 12, 30)),
            // Lebaran 2025: Fri 28 Mar (cuti) .. Mon 7 Apr (cuti) closed.
            (date(2025, 3, 27), 1, date(2025, 4, 8)),
            (date(2025, 8, 20), 0, date(2025, 8, 20)),
        ];
        for (from, n, expected) in cases {
            assert_eq!(c.nth_working_day_after(from, n), expected, "{from} + {n}");
        }
    }

    #[test]
    fn deadline_is_end_of_local_day_regardless_of_submission_hour() {
        let c = WorkingCalendar::embedded();
        let end_of_monday = wib_ts(2025, 8, 26, 0) - 1;
        // Submitted Wednesday morning or late evening WIB: same deadline.
        assert_eq!(c.deadline(wib_ts(2025, 8, 20, 9), 3), end_of_monday);
        assert_eq!(c.deadline(wib_ts(2025, 8, 20, 23), 3), end_of_monday);
        // 23:30 UTC on Tuesday is already Wednesday 06:30 WIB.
        let tuesday_2330_utc = wib_ts(2025, 8, 20, 6) + 1800;
        assert_eq!(c.deadline(tuesday_2330_utc, 3), end_of_monday);
    }

    #[test]
    fn time_zone_is_configurable() {
        let wit = WorkingCalendar::embedded().with_utc_offset_hours(9).unwrap();
        // Tuesday 23:00 WIB is Wednesday 01:00 WIT.
        assert_eq!(wit.local_date(wib_ts(2025, 8, 19, 23)), date(2025, 8, 20));
        assert!(WorkingCalendar::embedded().with_utc_offset_hours(30).is_err());
    }

    #[test]
    fn working_days_between_counts_only_open_days() {
        let c = WorkingCalendar::embedded();
        assert_eq!(
            c.working_days_between(wib_ts(2025, 8, 20, 9), wib_ts(2025, 8, 25, 9)),
            3
        );
        assert_eq!(
            c.working_days_between(wib_ts(2025, 8, 25, 9), wib_ts(2025, 8, 20, 9)),
            -3
        );
        assert_eq!(
            c.working_days_between(wib_ts(2025, 8, 20, 9), wib_ts(2025, 8, 20, 18)),
            0
        );
    }

    #[test]
    fn operator_file_adds_days() {
        let mut c = WorkingCalendar::embedded();
        assert!(c.is_working_day(date(2025, 8, 21)));
        c.add_toml("[[day]]\ndate = \"2025-08-21\"\nname = \"Hari jadi kabupaten\"\nkind = \"libur_nasional\"\n")
            .unwrap();
        assert!(!c.is_working_day(date(2025, 8, 21)));
        let err = c.add_toml("[[day]]\ndate = \"kemarin\"\nname = \"x\"\nkind = \"libur_nasional\"\n");
        assert!(err.is_err());
        let err = c.add_toml("[[day]]\ndate = \"2025-08-21\"\nname = \"x\"\nkind = \"mudik\"\n");
        assert!(err.is_err());
    }

    #[test]
    fn sla_stage_table() {
        let sla = Sla::new(SlaSettings::default(), WorkingCalendar::embedded());
        let entered = wib_ts(2025, 8, 20, 9);
        let cases = [
            (ComplaintStatus::Diterima, Some(wib_ts(2025, 8, 26, 0) - 1)),
            (ComplaintStatus::Diteruskan, Some(wib_ts(2025, 8, 28, 0) - 1)),
            (ComplaintStatus::Selesai, Some(wib_ts(2025, 9, 4, 0) - 1)),
            (ComplaintStatus::Ditunda, None),
            (ComplaintStatus::Ditutup, None),
        ];
        for (status, expected) in cases {
            assert_eq!(sla.due_at(status, entered), expected, "{status}");
        }
    }
}
