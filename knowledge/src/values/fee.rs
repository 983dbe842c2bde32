//! Normalises a decree's *biaya / tarif* text into a [`Fee`] in rupiah.
//!
//! Free services are written many ways ("Gratis", "Tidak dipungut biaya", "Tidak ada
//! biaya/tarif", "dibebankan kepada APBD"); paid ones as "Rp. 50.000,-", "Rp 1.500.000",
//! "10 ribu". A text that states an amount gives that amount; one that only says the
//! service is free gives 0; one that mixes both ("gratis untuk warga, Rp 10.000 untuk
//! umum") or says nothing readable gives `None`, so an answer never states a wrong price.

use crate::document::Fee;

/// Phrases (lowercase, single-spaced) that mean the citizen pays nothing.
const FREE_PHRASES: &[&str] = &[
    "gratis",
    "tidak dipungut biaya",
    "tidak dipungut",
    "tidak ada biaya",
    "tanpa biaya",
    "tidak dikenakan biaya",
    "tidak dikenai biaya",
    "tidak berbayar",
    "bebas biaya",
    "cuma-cuma",
    "cuma cuma",
    "nihil",
    "dibebankan kepada apbd",
    "dibebankan pada apbd",
    "dibebankan kepada apbn",
    "dibebankan pada apbn",
    "dibebankan kepada dipa",
    "dibebankan pada dipa",
    "rp. -",
    "rp -",
];

/// Parses fee text; never fails.
pub fn parse_fee(raw: &str) -> Fee {
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = raw.to_lowercase();
    let amounts = amounts(&lower);
    let free = FREE_PHRASES.iter().any(|p| lower.contains(p)) || amounts.contains(&0);
    let positive: Vec<u64> = amounts.into_iter().filter(|&a| a > 0).collect();
    let rupiah = match (free, positive.first()) {
        (true, Some(_)) => None,
        (false, Some(&amount)) => Some(amount),
        (true, None) => Some(0),
        (false, None) => None,
    };
    Fee { rupiah, raw }
}

/// Every rupiah amount stated in the (lowercase) text: "rp 50.000,-", "rp. 1.500.000,00",
/// "rp50000", "10 ribu", "2,5 juta", "25.000 rupiah".
fn amounts(lower: &str) -> Vec<u64> {
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !lower.is_char_boundary(i) {
            i += 1;
            continue;
        }
        if lower[i..].starts_with("rp") && (i == 0 || !bytes[i - 1].is_ascii_alphabetic()) {
            let mut j = i + 2;
            while j < bytes.len() && matches!(bytes[j], b'.' | b' ' | b':') {
                j += 1;
            }
            if let Some((value, end)) = read_amount(lower, j) {
                found.push(value);
                i = end;
                continue;
            }
        } else if bytes[i].is_ascii_digit()
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && let Some((value, end)) = read_amount(lower, i)
        {
            let rest = lower[end..].trim_start();
            if rest.starts_with("rupiah")
                || rest.starts_with("ribu")
                || rest.starts_with("rb")
                || rest.starts_with("juta")
            {
                found.push(value);
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    found
}

/// Reads "50.000", "1.500.000,00", "2,5 juta", "10 ribu" at byte `at`.
fn read_amount(lower: &str, at: usize) -> Option<(u64, usize)> {
    let bytes = lower.as_bytes();
    let mut j = at;
    let mut digits = String::new();
    let mut fraction = String::new();
    let mut in_fraction = false;
    while j < bytes.len() {
        let b = bytes[j];
        if b.is_ascii_digit() {
            if in_fraction {
                fraction.push(b as char);
            } else {
                digits.push(b as char);
            }
        } else if b == b'.' && !in_fraction && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
            // thousands separator
        } else if b == b',' && !in_fraction && bytes.get(j + 1).is_some_and(u8::is_ascii_digit) {
            in_fraction = true;
        } else {
            break;
        }
        j += 1;
    }
    if digits.is_empty() {
        return None;
    }
    let whole: u64 = digits.parse().ok()?;
    let rest = lower[j..].trim_start();
    let multiplier = if rest.starts_with("juta") {
        1_000_000
    } else if rest.starts_with("ribu") || rest.starts_with("rb") {
        1_000
    } else {
        1
    };
    let mut value = whole.checked_mul(multiplier)?;
    if multiplier > 1 && !fraction.is_empty() {
        let scale = 10u64.checked_pow(fraction.len() as u32)?;
        let frac: u64 = fraction.parse().ok()?;
        value = value.checked_add(frac.checked_mul(multiplier)? / scale)?;
    }
    Some((value, j))
}

/// States a fee plainly in Indonesian: "Gratis", "Rp 50.000".
pub fn describe_fee(fee: &Fee) -> Option<String> {
    match fee.rupiah? {
        0 => Some("Gratis (tidak dipungut biaya)".to_owned()),
        amount => Some(format!("Rp {}", thousands(amount))),
    }
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fee_cases {
        ($($name:ident: $raw:expr => $rupiah:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(parse_fee($raw).rupiah, $rupiah, "{}", $raw);
            }
        )*};
    }

    // Every phrasing in the shipped decrees, plus the examples.
    fee_cases! {
        gratis: "Gratis" => Some(0);
        tidak_dipungut_caps: "Tidak dipungut biaya (GRATIS)" => Some(0);
        tidak_dipungut_period: "Tidak dipungut Biaya (Gratis)." => Some(0);
        tidak_ada: "Tidak ada biaya/tarif." => Some(0);
        apbd: "Gratis/dibebankan kepada APBD" => Some(0);
        apbd_alone: "dibebankan kepada APBD" => Some(0);
        rp_dot_dash: "Rp. 50.000,-" => Some(50_000);
        rp_millions: "Rp 1.500.000" => Some(1_500_000);
        rp_cents: "Rp. 25.000,00 per lembar" => Some(25_000);
        rp_glued: "Rp50000" => Some(50_000);
        ribu: "10 ribu rupiah" => Some(10_000);
        juta_fraction: "Rp 2,5 juta" => Some(2_500_000);
        rupiah_word: "25.000 rupiah" => Some(25_000);
        rp_zero: "Rp 0,-" => Some(0);
        mixed_is_ambiguous: "Gratis untuk warga, Rp 10.000 untuk umum" => None;
        nothing_readable: "Sesuai Perda" => None;
        number_without_currency: "Sesuai Perda Nomor 5 Tahun 2013" => None;
    }

    #[test]
    fn describes_plainly() {
        assert_eq!(
            describe_fee(&parse_fee("Gratis")).as_deref(),
            Some("Gratis (tidak dipungut biaya)")
        );
        assert_eq!(
            describe_fee(&parse_fee("Rp 1.500.000")).as_deref(),
            Some("Rp 1.500.000")
        );
        assert_eq!(describe_fee(&parse_fee("Sesuai Perda")), None);
    }
}
