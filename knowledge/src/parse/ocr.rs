//! Repairs the character confusions of a decree read from a scan by OCR.
//!
//! Agencies often publish a scanned signature copy, and its text layer reads "Sosia1" for
//! "Sosial", "KEMATlAN" for "KEMATIAN", "dcngan" for "dengan", "Hukurn" for "Hukum" and
//! "persy aratan" for "persyaratan". Titles, labels and the words citizens search for are then
//! wrong. The repair uses only what OCR does and what the decree itself says:
//!
//! - a digit inside a word of letters is the letter it looks like ("1" -> "l", "0" -> "o"),
//!   a letter inside a number the digit ("7O122" -> "70122"), and a lowercase "l" inside a
//!   word in capitals an "I";
//! - a word the decree writes only rarely becomes the word it writes often when they differ
//!   by the classic confusions ("rn"/"m", "c"/"e", "l"/"i", "cl"/"d", at most two);
//! - two pieces of a line that are no word of the decree on their own, but together a word
//!   the decree uses elsewhere, are joined.
//!
//! Nothing changes in a decree with fewer than [`MIN_SIGNS`] signs of OCR (digits inside
//! words, lowercase "l" inside capitals), so typed decrees are left exactly as written. Lines
//! are edited in place: line numbers stay true for citations.

use std::collections::HashMap;

/// Signs of OCR a decree needs before it is repaired.
const MIN_SIGNS: usize = 3;
/// Substitutions OCR makes: (what it printed, what was written).
const CONFUSIONS: &[(&str, &str)] = &[("rn", "m"), ("c", "e"), ("l", "i"), ("1", "i"), ("cl", "d")];
/// A repaired word must be written this many times as often as the misread one.
const DOMINANCE: usize = 2;

/// The text with OCR confusions repaired, or `None` when the decree does not look scanned.
pub(crate) fn repair(text: &str) -> Option<String> {
    let signs = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3 && is_sign(w))
        .take(MIN_SIGNS)
        .count();
    if signs < MIN_SIGNS {
        return None;
    }
    let shapes: Vec<String> = text.split('\n').map(|line| map_words(line, fix_shape)).collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for line in &shapes {
        for word in line.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    let repaired: Vec<String> = shapes
        .iter()
        .map(|line| join_pieces(&map_words(line, |w| confusion_fix(w, &counts)), &counts))
        .collect();
    Some(repaired.join("\n"))
}

/// A word that shows OCR: a digit between letters, a letter between digits, or a lowercase
/// "l" among capitals (ASCII only: OCR confusions are).
fn is_sign(word: &str) -> bool {
    let b = word.as_bytes();
    b.windows(3).any(|w| {
        (w[0].is_ascii_lowercase() && w[1].is_ascii_digit() && w[2].is_ascii_lowercase())
            || (w[0].is_ascii_digit() && matches!(w[1], b'O' | b'o') && w[2].is_ascii_digit())
            || (w[0].is_ascii_uppercase() && w[1] == b'l' && w[2].is_ascii_uppercase())
    }) || b.len() >= 4
        && b[b.len() - 1] == b'1'
        && b[0].is_ascii_alphabetic()
        && b[1..b.len() - 1].iter().all(u8::is_ascii_lowercase)
}

/// Applies `f` to every alphanumeric word of a line, keeping everything between words.
fn map_words(line: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(line.len());
    let mut word = String::new();
    for c in line.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            if !word.is_empty() {
                out.push_str(&f(&word));
                word.clear();
            }
            out.push(c);
        }
    }
    if !word.is_empty() {
        out.push_str(&f(&word));
    }
    out
}

/// Digits inside words and letters inside numbers, by their shape.
fn fix_shape(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let letters = chars.iter().filter(|c| c.is_alphabetic()).count();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    let capitals = chars.iter().filter(|c| c.is_uppercase()).count();
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let fixed = match c {
            '1' | '0' if letters >= 3 && digits == 1 && before.is_some_and(char::is_lowercase) => {
                if c == '1' {
                    'l'
                } else {
                    'o'
                }
            }
            'O' | 'o' if digits >= 1 && letters == 1 && before.is_some_and(|b| b.is_ascii_digit()) => '0',
            'l' if capitals >= 3 && capitals + 1 == letters && after.is_some_and(char::is_uppercase) => 'I',
            _ => c,
        };
        out.push(fixed);
    }
    out
}

/// The word the decree writes most often among the confusion variants of `word`, when it is
/// written [`DOMINANCE`] times as often; else the word itself.
fn confusion_fix(word: &str, counts: &HashMap<String, usize>) -> String {
    let lower = word.to_lowercase();
    let own = counts.get(&lower).copied().unwrap_or(0);
    let mut best: Option<(String, usize)> = None;
    for variant in variants(&lower) {
        let n = counts.get(&variant).copied().unwrap_or(0);
        if n >= DOMINANCE * own.max(1) && best.as_ref().is_none_or(|(_, b)| n > *b) {
            best = Some((variant, n));
        }
    }
    match best {
        Some((fixed, _)) => with_case_of(word, &fixed),
        None => word.to_owned(),
    }
}

/// Spellings reachable by one or two confusions.
fn variants(word: &str) -> Vec<String> {
    let mut one = Vec::new();
    for (printed, written) in CONFUSIONS {
        for (at, _) in word.match_indices(printed) {
            one.push(format!("{}{written}{}", &word[..at], &word[at + printed.len()..]));
        }
    }
    let mut all = one.clone();
    for first in &one {
        for (printed, written) in CONFUSIONS {
            for (at, _) in first.match_indices(printed) {
                all.push(format!("{}{written}{}", &first[..at], &first[at + printed.len()..]));
            }
        }
    }
    all
}

/// Joins two neighbouring pieces of a line when neither is written anywhere else in the decree
/// as a word of its own but together they are ("persy aratan", "Penghasi LAN").
fn join_pieces(line: &str, counts: &HashMap<String, usize>) -> String {
    let mut out = line.to_owned();
    loop {
        let words: Vec<(usize, &str)> = word_spans(&out);
        let join = words.windows(2).find_map(|pair| {
            let ((start, a), (next, b)) = (pair[0], pair[1]);
            let gap = &out[start + a.len()..next];
            if gap != " " || a.chars().any(|c| c.is_ascii_digit()) || b.chars().any(|c| c.is_ascii_digit()) {
                return None;
            }
            let joined = format!("{a}{b}").to_lowercase();
            let rare = |w: &str| counts.get(&w.to_lowercase()).copied().unwrap_or(0) <= 1;
            let known = counts.get(&joined).copied().unwrap_or(0) >= 1;
            (known && (rare(a) || rare(b)) && a.len() + b.len() >= 6).then_some(start + a.len())
        });
        match join {
            Some(at) => out.replace_range(at..at + 1, ""),
            None => return out,
        }
    }
}

/// Alphabetic words of a line with their byte offsets.
fn word_spans(line: &str) -> Vec<(usize, &str)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, &line[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, &line[s..]));
    }
    spans
}

/// `fixed` (lowercase) written in the case pattern of `original`.
fn with_case_of(original: &str, fixed: &str) -> String {
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return fixed.to_uppercase();
    }
    if original.chars().next().is_some_and(char::is_uppercase) {
        let mut chars = fixed.chars();
        return chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
    }
    fixed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCAN: &str = "\
KESATU : 6. Surat Keterangan Kematian; 10. Surat Keterangan Penghasilan.
STANDAR PELAYANAN SURAT KETERANGAN KEMATlAN
Kesejahteraan Sosia1 dan pelayanan dengan berkas; be1akang
Petugas memeriksa berkas dengan teliti dcngan bcrkas lengkap
Dasar Hukum dan Dasar Hukurn; Dasar Hukum
Jalan Sungai Jingah 7O122 Telp. 1O.
berkas persy aratan; persyaratan; STANDAR PELAYANAN SURAT KETERANGAN PENGHASI LAN
Kesejahteraan Sosial dan Sosial";

    #[test]
    fn a_scanned_decree_is_repaired_from_its_own_words() {
        let fixed = repair(SCAN).expect("looks scanned");
        let lines: Vec<&str> = fixed.lines().collect();
        assert_eq!(lines.len(), SCAN.lines().count(), "line numbers stay true");
        assert_eq!(lines[1], "STANDAR PELAYANAN SURAT KETERANGAN KEMATIAN");
        assert_eq!(lines[2], "Kesejahteraan Sosial dan pelayanan dengan berkas; belakang");
        assert_eq!(lines[3], "Petugas memeriksa berkas dengan teliti dengan berkas lengkap");
        assert_eq!(lines[4], "Dasar Hukum dan Dasar Hukum; Dasar Hukum");
        assert_eq!(lines[5], "Jalan Sungai Jingah 70122 Telp. 10.");
        assert_eq!(
            lines[6],
            "berkas persyaratan; persyaratan; STANDAR PELAYANAN SURAT KETERANGAN PENGHASILAN"
        );
    }

    #[test]
    fn a_typed_decree_is_left_alone() {
        let typed = "Surat Keterangan Tidak Mampu (SKTM)\nFormulir N1, F-2.29, ukuran 4R, KTP-el\nPernyataan cari";
        assert_eq!(repair(typed), None);
    }

    #[test]
    fn codes_and_ordinary_words_keep_their_spelling() {
        let counts: HashMap<String, usize> = [("dengan", 5), ("acara", 1), ("pernyataan", 3)]
            .into_iter()
            .map(|(w, n)| (w.to_owned(), n))
            .collect();
        assert_eq!(confusion_fix("acara", &counts), "acara");
        assert_eq!(confusion_fix("Pernyataan", &counts), "Pernyataan");
        assert_eq!(fix_shape("N1"), "N1");
        assert_eq!(fix_shape("KTP"), "KTP");
        assert_eq!(fix_shape("4R"), "4R");
    }
}
