//! Normalises a decree's *jangka waktu* text into a [`Duration`] in minutes.
//!
//! Decrees write durations many ways: "1 (Satu) Jam", "2Bulan", "9 s.d. 21 Hari kerja",
//! "5 hari 4 jam 25 menit", "± 5 hari", "3 Hari Kerja setelah berkas lengkap", or long
//! sentences with a span somewhere inside. The rule is general: the first time span found
//! (consecutive number+unit pairs summed, or an explicit "X s.d. Y unit" range) is the
//! service's duration; a frequency ("12 kali kegiatan selama 1 Tahun") or text without a
//! span ("Sesuai Juknis") gives no minutes, and the raw words are always kept.

use super::numbers::{number_at, tokens};
use crate::document::Duration;

const MINUTES_PER_DAY: u64 = 24 * 60;

fn unit_minutes(word: &str) -> Option<u64> {
    Some(match word {
        "menit" | "mnt" => 1,
        "jam" => 60,
        "hari" | "hr" => MINUTES_PER_DAY,
        "minggu" | "pekan" | "mgg" => 7 * MINUTES_PER_DAY,
        "bulan" | "bln" => 30 * MINUTES_PER_DAY,
        "tahun" | "thn" => 365 * MINUTES_PER_DAY,
        _ => return None,
    })
}

/// One number followed by a time unit.
struct Pair {
    minutes: u64,
    working: bool,
    /// Index of the first token after the pair.
    next: usize,
}

fn pair_at(tokens: &[String], at: usize) -> Option<Pair> {
    let (value, used) = number_at(tokens, at)?;
    let unit_at = at + used;
    let unit = unit_minutes(tokens.get(unit_at)?)?;
    let working = tokens.get(unit_at).map(String::as_str) == Some("hari")
        && tokens.get(unit_at + 1).map(String::as_str) == Some("kerja");
    let next = unit_at + 1 + usize::from(working);
    Some(Pair {
        minutes: value * unit,
        working,
        next,
    })
}

fn is_range_word(tokens: &[String], at: usize) -> Option<usize> {
    match tokens.get(at).map(String::as_str)? {
        "sd" | "sampai" | "hingga" | "-" | "–" => Some(1),
        "s" if tokens.get(at + 1).map(String::as_str) == Some("d") => Some(2),
        _ => None,
    }
}

/// Parses duration text; never fails (unparseable text keeps only `raw`).
pub fn parse_duration(raw: &str) -> Duration {
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let tokens = tokens(&raw);
    let mut result = Duration {
        min_minutes: None,
        max_minutes: None,
        working_days: false,
        raw: raw.clone(),
    };
    let mut i = 0;
    while i < tokens.len() {
        // A frequency before any span means a schedule, not a duration.
        if let Some((_, used)) = number_at(&tokens, i) {
            if tokens.get(i + used).map(String::as_str) == Some("kali") {
                return result;
            }
            // "9 s.d. 21 hari kerja": a range whose unit follows the second number.
            if let Some(range_len) = is_range_word(&tokens, i + used) {
                let (low, _) = number_at(&tokens, i).unwrap_or((0, 0));
                if let Some(high) = pair_at(&tokens, i + used + range_len) {
                    let unit = high.minutes / number_at(&tokens, i + used + range_len).map_or(1, |(v, _)| v.max(1));
                    result.min_minutes = Some(low * unit);
                    result.max_minutes = Some(high.minutes);
                    result.working_days = high.working;
                    return result;
                }
            }
        }
        if let Some(first) = pair_at(&tokens, i) {
            let mut total = first.minutes;
            let mut working = first.working;
            let mut next = first.next;
            // "5 hari 4 jam 25 menit": consecutive pairs add up.
            loop {
                let skip = usize::from(tokens.get(next).map(String::as_str) == Some("dan"));
                match pair_at(&tokens, next + skip) {
                    Some(more) => {
                        total += more.minutes;
                        working |= more.working;
                        next = more.next;
                    }
                    None => break,
                }
            }
            // "1 jam - 2 jam": an explicit range between two spans.
            if let Some(range_len) = is_range_word(&tokens, next)
                && let Some(high) = pair_at(&tokens, next + range_len)
            {
                result.min_minutes = Some(total.min(high.minutes));
                result.max_minutes = Some(total.max(high.minutes));
                result.working_days = working || high.working;
                return result;
            }
            result.min_minutes = Some(total);
            result.max_minutes = Some(total);
            result.working_days = working;
            return result;
        }
        i += 1;
    }
    result
}

/// States a duration plainly in Indonesian, e.g. "3 hari kerja", "1 jam", "9–21 hari kerja".
pub fn describe_duration(duration: &Duration) -> Option<String> {
    let (min, max) = (duration.min_minutes?, duration.max_minutes?);
    let span = |m: u64| -> String { human_minutes(m, duration.working_days) };
    if min == max {
        Some(span(min))
    } else {
        Some(format!("{} sampai {}", span(min), span(max)))
    }
}

fn human_minutes(minutes: u64, working: bool) -> String {
    let day_word = if working { "hari kerja" } else { "hari" };
    let units: [(u64, &str); 5] = [
        (365 * MINUTES_PER_DAY, "tahun"),
        (30 * MINUTES_PER_DAY, "bulan"),
        (7 * MINUTES_PER_DAY, "minggu"),
        (MINUTES_PER_DAY, day_word),
        (60, "jam"),
    ];
    if minutes == 0 {
        return "0 menit".to_owned();
    }
    // Prefer the largest unit that divides exactly (working days are never turned into weeks).
    for (size, name) in units {
        if working && (name == "minggu" || name == "bulan" || name == "tahun") {
            continue;
        }
        if minutes.is_multiple_of(size) {
            return format!("{} {name}", minutes / size);
        }
    }
    // Mixed spans: days, hours and minutes spelled out.
    let mut parts = Vec::new();
    let mut rest = minutes;
    for (size, name) in [(MINUTES_PER_DAY, day_word), (60, "jam"), (1, "menit")] {
        if rest >= size {
            parts.push(format!("{} {name}", rest / size));
            rest %= size;
        }
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: u64 = 1440;

    macro_rules! duration_cases {
        ($($name:ident: $raw:expr => $min:expr, $max:expr, $working:expr;)*) => {$(
            #[test]
            fn $name() {
                let d = parse_duration($raw);
                assert_eq!((d.min_minutes, d.max_minutes, d.working_days), ($min, $max, $working), "{}", $raw);
                assert_eq!(d.raw, $raw.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        )*};
    }

    // Every phrasing that occurs in the shipped decrees, plus the examples.
    duration_cases! {
        jam_with_words: "1 (Satu) Jam" => Some(60), Some(60), false;
        glued_unit: "2Bulan" => Some(60 * DAY), Some(60 * DAY), false;
        range_working_days: "9 s.d. 21 Hari kerja" => Some(9 * DAY), Some(21 * DAY), true;
        minutes: "145 menit" => Some(145), Some(145), false;
        mixed_units_sum: "5 hari 4 jam 25 menit" => Some(5 * DAY + 4 * 60 + 25), Some(5 * DAY + 4 * 60 + 25), false;
        days_and_minutes: "5 hari 145 menit" => Some(5 * DAY + 145), Some(5 * DAY + 145), false;
        belas_words: "14 (empat belas) hari" => Some(14 * DAY), Some(14 * DAY), false;
        week: "1 minggu" => Some(7 * DAY), Some(7 * DAY), false;
        weeks_with_words: "2 (dua) minggu" => Some(14 * DAY), Some(14 * DAY), false;
        working_days_with_condition: "3 Hari Kerja setelah berkas lengkap" => Some(3 * DAY), Some(3 * DAY), true;
        one_working_day: "1 Hari Kerja" => Some(DAY), Some(DAY), true;
        frequency_is_not_a_span: "12 kali kegiatan selama 1 Tahun" => None, None, false;
        months_with_condition: "2 bulan setelah penyampaian draft raperbup dari Perangkat Daerah" => Some(60 * DAY), Some(60 * DAY), false;
        months_words: "3 (tiga) bulan" => Some(90 * DAY), Some(90 * DAY), false;
        twelve_months: "12 (dua belas) bulan" => Some(360 * DAY), Some(360 * DAY), false;
        sixty_days: "60 (enam puluh) hari" => Some(60 * DAY), Some(60 * DAY), false;
        thirty_minutes: "30 (Tiga puluh) Menit" => Some(30), Some(30), false;
        italic_minutes: "15 Menit" => Some(15), Some(15), false;
        plus_minus: "± 5 hari termasuk pelaksanaan kunjungan kerja" => Some(5 * DAY), Some(5 * DAY), false;
        kurang_lebih: "Kurang lebih 3 (tiga) hari termasuk rapat dan pembuatan notulen" => Some(3 * DAY), Some(3 * DAY), false;
        span_inside_sentence: "Pertemuan audiensi dengan Pimpinan menerima audiensi kurang lebih 2 (dua) jam untuk membahas" => Some(120), Some(120), false;
        sentence_period: "7 (tujuh) hari." => Some(7 * DAY), Some(7 * DAY), false;
        lesson_hours_are_not_a_unit: "887 (delapan ratus delapan puluh tujuh) JP yang dapat dilaksanakan selama 101 (seratus satu) Hari Pelatihan" => Some(101 * DAY), Some(101 * DAY), false;
        no_span: "Sesuai Juknis" => None, None, false;
        schedule_words: "Menyesuaikan jadwal masing-masing Diklat" => None, None, false;
        span_range_units: "1 jam - 2 jam" => Some(60), Some(120), false;
        year: "1 Tahun" => Some(365 * DAY), Some(365 * DAY), false;
    }

    #[test]
    fn describes_plainly() {
        let d = parse_duration("3 Hari Kerja");
        assert_eq!(describe_duration(&d).as_deref(), Some("3 hari kerja"));
        let d = parse_duration("9 s.d. 21 Hari kerja");
        assert_eq!(
            describe_duration(&d).as_deref(),
            Some("9 hari kerja sampai 21 hari kerja")
        );
        let d = parse_duration("5 hari 4 jam 25 menit");
        assert_eq!(describe_duration(&d).as_deref(), Some("5 hari 4 jam 25 menit"));
        let d = parse_duration("2Bulan");
        assert_eq!(describe_duration(&d).as_deref(), Some("2 bulan"));
        assert_eq!(describe_duration(&parse_duration("Sesuai Juknis")), None);
    }
}
