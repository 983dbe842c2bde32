//! `TicketNumber`: the complaint tracking number a citizen reads out over the phone.
//!
//! Format `LKT-XXXX-XXXX`: seven random characters and one check character from a 31-character
//! alphabet without the look-alikes 0/O/1/I/L. 31^7 (about 2.7e10) numbers make tickets
//! impossible to enumerate; the check character (weighted sum modulo the prime 31) rejects every
//! single-character typo and every swap of two neighbouring characters before the database is asked.

use std::fmt;

use rand::Rng;

/// Characters a ticket may contain: digits 2-9 and A-Z without I, L and O.
const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const PREFIX: &str = "LKT";
const BODY_LEN: usize = 8;

/// A validated tracking number, always held in its canonical form `LKT-XXXX-XXXX`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TicketNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketNumberError {
    #[error("Nomor tiket harus berbentuk LKT-XXXX-XXXX (8 huruf/angka setelah LKT).")]
    WrongLength,
    #[error("Nomor tiket memuat karakter '{0}' yang tidak dipakai (nomor tiket tidak memakai 0, O, 1, I, dan L).")]
    InvalidCharacter(char),
    #[error("Nomor tiket tidak valid. Periksa kembali, mungkin ada salah ketik.")]
    CheckFailed,
}

fn value_of(byte: u8) -> Option<u32> {
    ALPHABET.iter().position(|&c| c == byte).map(|i| i as u32)
}

/// The check value that makes `sum((i + 1) * v_i) ≡ 0 (mod 31)` over all eight characters.
fn check_value(data: &[u32]) -> u32 {
    debug_assert_eq!(data.len(), BODY_LEN - 1);
    let sum: u32 = data.iter().enumerate().map(|(i, v)| (i as u32 + 1) * v).sum();
    // weight of the check character is 8; 8 * 4 = 32 ≡ 1 (mod 31), so 4 is its inverse.
    ((31 - sum % 31) % 31 * 4) % 31
}

fn canonical(body: &[u8]) -> String {
    let body = std::str::from_utf8(body).unwrap_or_default();
    format!("{PREFIX}-{}-{}", &body[..4], &body[4..])
}

impl TicketNumber {
    /// Draws a fresh random ticket number.
    pub fn generate() -> Self {
        Self::generate_with(&mut rand::rng())
    }

    pub(crate) fn generate_with<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let data: Vec<u32> = (0..BODY_LEN - 1)
            .map(|_| rng.random_range(0..ALPHABET.len() as u32))
            .collect();
        let check = check_value(&data);
        let body: Vec<u8> = data
            .iter()
            .chain(std::iter::once(&check))
            .map(|&v| ALPHABET[v as usize])
            .collect();
        Self(canonical(&body))
    }

    /// Parses what a citizen or officer typed: any case, with or without the `LKT` prefix,
    /// dashes or spaces.
    pub fn parse(raw: &str) -> Result<Self, TicketNumberError> {
        let mut cleaned: Vec<char> = raw
            .chars()
            .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '.' | '#'))
            .flat_map(char::to_uppercase)
            .collect();
        if cleaned.len() == BODY_LEN + PREFIX.len() && cleaned.iter().take(3).copied().eq(PREFIX.chars()) {
            cleaned.drain(..PREFIX.len());
        }
        if cleaned.len() != BODY_LEN {
            return Err(TicketNumberError::WrongLength);
        }
        let mut values = Vec::with_capacity(BODY_LEN);
        for c in &cleaned {
            let value = u8::try_from(*c)
                .ok()
                .and_then(value_of)
                .ok_or(TicketNumberError::InvalidCharacter(*c))?;
            values.push(value);
        }
        if check_value(&values[..BODY_LEN - 1]) != values[BODY_LEN - 1] {
            return Err(TicketNumberError::CheckFailed);
        }
        let body: Vec<u8> = values.iter().map(|&v| ALPHABET[v as usize]).collect();
        Ok(Self(canonical(&body)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A ticket written anywhere in a message ("cek laporan LKT-ABCD-EFGH dong", "lkt abcd
    /// efgh"): `None` when the message names no ticket, the parse result when it does (a
    /// mistyped one is an error that says so). Only a number with its `LKT` prefix counts: a
    /// bare eight-character word could be anything.
    pub fn find_in(text: &str) -> Option<Result<Self, TicketNumberError>> {
        let upper = text.to_uppercase();
        let at = upper
            .match_indices(PREFIX)
            .map(|(at, _)| at)
            .find(|&at| at == 0 || !upper[..at].ends_with(|c: char| c.is_alphanumeric()))?;
        // The prefix and the next eight ticket characters, with the separators people type.
        let mut taken = 0;
        let mut end = at + PREFIX.len();
        for (offset, c) in upper[end..].char_indices() {
            if c.is_ascii_alphanumeric() {
                taken += 1;
            } else if !matches!(c, '-' | ' ' | '_' | '.' | '#') {
                break;
            }
            end = at + PREFIX.len() + offset + c.len_utf8();
            if taken == BODY_LEN {
                break;
            }
        }
        Some(Self::parse(&upper[at..end]))
    }
}

impl AsRef<str> for TicketNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for TicketNumber {
    type Err = TicketNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl serde::Serialize for TicketNumber {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for TicketNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn generated_numbers_have_the_documented_shape_and_parse_back() {
        let mut rng = StdRng::seed_from_u64(7);
        for _ in 0..1000 {
            let ticket = TicketNumber::generate_with(&mut rng);
            let s = ticket.as_str();
            assert_eq!(s.len(), 13, "{s}");
            assert!(s.starts_with("LKT-"), "{s}");
            assert_eq!(&s[8..9], "-", "{s}");
            assert_eq!(TicketNumber::parse(s), Ok(ticket.clone()));
        }
    }

    #[test]
    fn generated_numbers_never_use_ambiguous_characters() {
        let mut rng = StdRng::seed_from_u64(11);
        for _ in 0..1000 {
            let ticket = TicketNumber::generate_with(&mut rng);
            let body = &ticket.as_str()[4..];
            assert!(!body.contains(['0', 'O', '1', 'I', 'L']), "{ticket}");
        }
    }

    #[test]
    fn sloppy_input_is_accepted() {
        let ticket = TicketNumber::generate_with(&mut StdRng::seed_from_u64(3));
        let canonical = ticket.as_str().to_owned();
        let body: String = canonical[4..].replace('-', "");
        let variants = [
            canonical.to_lowercase(),
            body.clone(),
            body.to_lowercase(),
            format!("lkt {} {}", &body[..4], &body[4..]),
            format!("  LKT-{}  ", body),
            format!("#{}", canonical),
        ];
        for raw in variants {
            assert_eq!(TicketNumber::parse(&raw), Ok(ticket.clone()), "input {raw:?}");
        }
    }

    #[test]
    fn malformed_input_is_rejected_with_the_right_reason() {
        let cases: &[(&str, TicketNumberError)] = &[
            ("", TicketNumberError::WrongLength),
            ("LKT-ABCD", TicketNumberError::WrongLength),
            ("LKT-ABCD-EFGHJ", TicketNumberError::WrongLength),
            ("LKT-AB0D-EFGH", TicketNumberError::InvalidCharacter('0')),
            ("LKT-ABOD-EFGH", TicketNumberError::InvalidCharacter('O')),
            ("LKT-AB1D-EFGH", TicketNumberError::InvalidCharacter('1')),
            ("LKT-ABéD-EFGH", TicketNumberError::InvalidCharacter('É')),
        ];
        for (raw, expected) in cases {
            assert_eq!(TicketNumber::parse(raw).as_ref(), Err(expected), "input {raw:?}");
        }
    }

    #[test]
    fn every_single_character_typo_is_detected() {
        let ticket = TicketNumber::generate_with(&mut StdRng::seed_from_u64(5));
        let body: Vec<u8> = ticket.as_str()[4..].bytes().filter(|&b| b != b'-').collect();
        for pos in 0..BODY_LEN {
            for &replacement in ALPHABET.iter() {
                if replacement == body[pos] {
                    continue;
                }
                let mut typo = body.clone();
                typo[pos] = replacement;
                let typo = String::from_utf8(typo).unwrap();
                assert_eq!(
                    TicketNumber::parse(&typo),
                    Err(TicketNumberError::CheckFailed),
                    "typo {typo} of {ticket} accepted"
                );
            }
        }
    }

    #[test]
    fn every_swap_of_neighbouring_characters_is_detected() {
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..200 {
            let ticket = TicketNumber::generate_with(&mut rng);
            let body: Vec<u8> = ticket.as_str()[4..].bytes().filter(|&b| b != b'-').collect();
            for pos in 0..BODY_LEN - 1 {
                if body[pos] == body[pos + 1] {
                    continue;
                }
                let mut swapped = body.clone();
                swapped.swap(pos, pos + 1);
                let swapped = String::from_utf8(swapped).unwrap();
                assert!(
                    TicketNumber::parse(&swapped).is_err(),
                    "swap {swapped} of {ticket} accepted"
                );
            }
        }
    }

    #[test]
    fn serde_round_trip_validates() {
        let ticket = TicketNumber::generate_with(&mut StdRng::seed_from_u64(1));
        let json = serde_json::to_string(&ticket).unwrap();
        assert_eq!(serde_json::from_str::<TicketNumber>(&json).unwrap(), ticket);
        assert!(serde_json::from_str::<TicketNumber>("\"LKT-AAAA-AAAB\"").is_err());
    }

    #[test]
    fn a_ticket_is_found_anywhere_in_a_message() {
        let ticket = TicketNumber::generate();
        let body = ticket
            .as_str()
            .trim_start_matches("LKT-")
            .replace('-', " ")
            .to_lowercase();
        for message in [
            format!("cek laporan {ticket} dong"),
            format!("{ticket}"),
            format!("status lkt {body}?"),
        ] {
            assert_eq!(TicketNumber::find_in(&message), Some(Ok(ticket.clone())), "{message}");
        }
        assert_eq!(TicketNumber::find_in("syarat sktm apa"), None);
        // A word that merely contains the letters is no ticket.
        assert_eq!(TicketNumber::find_in("kolkata"), None);
        assert!(matches!(TicketNumber::find_in("cek LKT-ABCD"), Some(Err(_))));
    }
}
