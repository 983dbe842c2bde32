//! Opening hours: when a service is open ("Senin - Kamis pukul 07.30 - 15.30 WIB"), which
//! PermenPANRB 15/2014 does not make a component, so decrees state them anywhere: in a service's
//! "Waktu Pelayanan" row (a label other decrees use for how long a service takes: the text
//! decides), or once for the whole decree, in its front matter or after its services
//! ("Jam pelayanan: Senin s.d. Kamis ..."). Hours stated once hold for every service that
//! states none of its own.

use super::markup::{strip_markup, tidy};
use super::services::{RawComponent, RawService};
use crate::document::{ComponentKind, LineRange};

/// Words that label opening hours, whatever else the label says ("Waktu Pelayanan", "Jam
/// Operasional", "Hari dan Jam Pelayanan", "Jam Buka").
fn is_hours_label(lower: &str) -> bool {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    !has("jangka")
        && (has("jam") && (has("pelayanan") || has("layanan") || has("operasional") || has("buka") || has("kerja"))
            || has("waktu") && (has("pelayanan") || has("layanan") || has("operasional")))
}

/// Most lines read after a label for the hours it gives.
const HOURS_LINES: usize = 4;

/// Opening hours the decree states once, outside its services: a line opening with an hours
/// label whose value (on the line, or the lines under it up to a blank line) reads as opening
/// hours. The text and its lines.
fn decree_hours(lines: &[&str], services: &[RawService]) -> Option<(String, LineRange)> {
    let inside = |number: u32| {
        services
            .iter()
            .any(|s| s.lines.start <= number && number <= s.lines.end)
    };
    let clean = |line: &str| tidy(&strip_markup(&line.replace(['|', '\t'], " ")));
    for (index, line) in lines.iter().enumerate() {
        let number = index as u32 + 1;
        if inside(number) {
            continue;
        }
        let text = clean(line);
        let (label, value) = split_label(&text);
        if !is_hours_label(&label.to_lowercase()) {
            continue;
        }
        let mut value = value.to_owned();
        let mut end = number;
        if !looks_like_opening_hours(&value) {
            for next in lines[index + 1..].iter().take(HOURS_LINES).map(|l| clean(l)) {
                if next.is_empty() {
                    break;
                }
                value = if value.is_empty() {
                    next
                } else {
                    format!("{value}\n{next}")
                };
                end += 1;
            }
        }
        if looks_like_opening_hours(&value) {
            return Some((value.trim().to_owned(), LineRange { start: number, end }));
        }
    }
    None
}

/// A line's label and value: up to a colon, or else up to the first figure or weekday. A list
/// number before the label ("1. Waktu Pelayanan") is no part of it.
fn split_label(text: &str) -> (&str, &str) {
    let text = text.trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | ')' | ' '));
    let lower = text.to_lowercase();
    let end = match text.find(':') {
        Some(colon) => colon,
        None => ["senin", "setiap"]
            .iter()
            .filter_map(|w| lower.find(w))
            .chain(text.find(|c: char| c.is_ascii_digit()))
            .min()
            .unwrap_or(text.len()),
    };
    (&text[..end], text[end..].trim_start_matches([':', ' ']))
}

/// Gives the hours the decree states once ([`decree_hours`]) to every service without hours of
/// its own.
pub(super) fn give_decree_hours(lines: &[&str], services: &mut [RawService]) {
    if services
        .iter()
        .all(|s| s.components.iter().any(|c| c.kind == ComponentKind::Hours))
    {
        return;
    }
    let Some((text, range)) = decree_hours(lines, services) else {
        return;
    };
    for service in services.iter_mut() {
        if !service.components.iter().any(|c| c.kind == ComponentKind::Hours) {
            service.components.push(RawComponent::new(
                ComponentKind::Hours,
                "Waktu Pelayanan".to_owned(),
                text.clone(),
                range,
            ));
        }
    }
}

/// "Senin - Jumat pukul 08.00 - 15.30" is opening hours, not a duration.
pub(super) fn looks_like_opening_hours(text: &str) -> bool {
    let lower = text.to_lowercase();
    let weekday = ["senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu"]
        .iter()
        .any(|d| lower.contains(d));
    let clock = lower.contains("pukul") || lower.contains("wib") || has_clock_range(&lower);
    weekday && clock || lower.contains("pukul") && has_clock_range(&lower)
}

/// "08.00 - 15.00" or "08:00-15:00".
fn has_clock_range(text: &str) -> bool {
    let bytes = text.as_bytes();
    let clock_at = |i: usize| -> bool {
        bytes.len() >= i + 5
            && bytes[i].is_ascii_digit()
            && bytes[i + 1].is_ascii_digit()
            && matches!(bytes[i + 2], b'.' | b':')
            && bytes[i + 3].is_ascii_digit()
            && bytes[i + 4].is_ascii_digit()
    };
    (0..bytes.len()).any(|i| {
        clock_at(i) && {
            let mut j = i + 5;
            // Between the two times: spaces, a hyphen or an en or em dash (UTF-8 bytes), "s.d."
            // or a slash.
            while j < bytes.len()
                && matches!(
                    bytes[j],
                    b' ' | b'-' | b's' | b'd' | b'.' | b'/' | 0xE2 | 0x80 | 0x93 | 0x94
                )
            {
                j += 1;
            }
            j > i + 5 && clock_at(j)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_hours_detected() {
        assert!(looks_like_opening_hours("Senin - Kamis 08.00 - 15.00 WIB"));
        assert!(looks_like_opening_hours("pukul 08:00-14:00"));
        assert!(looks_like_opening_hours(
            "setiap hari termasuk hari libur, pukul 06.00–18.00 WIB"
        ));
        assert!(!looks_like_opening_hours("3 hari kerja"));
        assert!(!looks_like_opening_hours("Senin s.d. Jumat, 3 hari"));
    }

    #[test]
    fn hours_stated_once_for_the_decree_are_found_outside_its_services() {
        let lines = [
            "DINAS LINGKUNGAN HIDUP",
            "Jam Pelayanan :",
            "Senin – Kamis 07.30 – 15.30 WIB",
            "Jumat 07.30 – 11.00 WIB",
            "",
            "1. Persyaratan",
        ];
        let (text, range) = decree_hours(&lines, &[]).expect("hours");
        assert_eq!(text, "Senin – Kamis 07.30 – 15.30 WIB\nJumat 07.30 – 11.00 WIB");
        assert_eq!((range.start, range.end), (2, 4));
        let lines = ["| Waktu pelayanan || Senin – Kamis 07.30 – 16.00 WIB; Jumat 07.30 – 11.00 WIB |"];
        assert!(decree_hours(&lines, &[]).is_some());
        // A duration is no opening hours, nor is a time said in passing.
        assert!(decree_hours(&["Jangka waktu pelayanan: 3 hari kerja"], &[]).is_none());
        assert!(decree_hours(&["Rapat dimulai pukul 08.00 - 10.00 di aula"], &[]).is_none());
    }
}
