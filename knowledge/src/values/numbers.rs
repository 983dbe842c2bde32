//! Reading Indonesian numbers as decrees write them: digits ("14"), words ("empat belas",
//! "seratus dua puluh"), or both ("14 (empat belas)"). Shared by the duration and fee
//! normalisers, which walk word tokens and ask this module for the number at a position.

/// Splits text into lowercase word tokens, separating digit runs from letters
/// ("2Bulan" -> "2", "bulan") and keeping a few punctuation marks the normalisers need.
pub(crate) fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut current_is_digit = false;
    let flush = |current: &mut String, out: &mut Vec<String>| {
        if !current.is_empty() {
            out.push(std::mem::take(current));
        }
    };
    for ch in text.chars() {
        if ch.is_alphanumeric() {
            let is_digit = ch.is_ascii_digit();
            if !current.is_empty() && is_digit != current_is_digit {
                flush(&mut current, &mut out);
            }
            current_is_digit = is_digit;
            current.extend(ch.to_lowercase());
        } else if ch == '.' && current_is_digit && !current.is_empty() {
            // Thousands separators and decimals stay inside digit runs ("1.500.000").
            current.push(ch);
        } else {
            flush(&mut current, &mut out);
            if matches!(ch, '(' | ')' | '-' | '–' | '/' | ',' | ';' | ':' | '=' | '±') {
                out.push(ch.to_string());
            }
        }
    }
    flush(&mut current, &mut out);
    // A digit run may have swallowed a trailing sentence period ("3.").
    for token in &mut out {
        while token.ends_with('.') {
            token.pop();
        }
    }
    out
}

fn unit_word(word: &str) -> Option<u64> {
    Some(match word {
        "nol" => 0,
        "satu" | "se" => 1,
        "dua" => 2,
        "tiga" => 3,
        "empat" => 4,
        "lima" => 5,
        "enam" => 6,
        "tujuh" => 7,
        "delapan" => 8,
        "sembilan" => 9,
        _ => return None,
    })
}

/// Reads a number in words starting at `tokens[at]`; returns the value and how many tokens
/// it used. Handles "sepuluh", "sebelas", "dua belas", "tiga puluh lima", "seratus",
/// "delapan ratus delapan puluh tujuh", "seribu".
pub(crate) fn number_words(tokens: &[String], at: usize) -> Option<(u64, usize)> {
    let mut total = 0u64;
    let mut group = 0u64;
    let mut used = 0usize;
    let mut i = at;
    while i < tokens.len() {
        let word = tokens[i].as_str();
        match word {
            "sepuluh" => group += 10,
            "sebelas" => group += 11,
            "seratus" => group += 100,
            "seribu" => total += 1000,
            "belas" if used > 0 => group += 10,
            "puluh" if used > 0 => {
                let last = group % 10;
                group = group - last + last * 10;
            }
            "ratus" if used > 0 => {
                let last = group % 10;
                group = group - last + last * 100;
            }
            "ribu" if used > 0 => {
                total += group * 1000;
                group = 0;
            }
            _ => match unit_word(word) {
                Some(v) if word != "se" => group += v,
                _ => break,
            },
        }
        used += 1;
        i += 1;
    }
    (used > 0).then_some((total + group, used))
}

/// Reads the number at `tokens[at]`: digits, optionally followed by the same number in
/// words in parentheses (skipped), or a number in words. Returns value and tokens used.
pub(crate) fn number_at(tokens: &[String], at: usize) -> Option<(u64, usize)> {
    let token = tokens.get(at)?;
    if token.chars().all(|c| c.is_ascii_digit() || c == '.') && token.starts_with(|c: char| c.is_ascii_digit()) {
        let digits: String = token.chars().filter(|c| c.is_ascii_digit()).collect();
        let value = digits.parse::<u64>().ok()?;
        let mut used = 1;
        // "14 (empat belas)": skip the parenthesised words.
        if tokens.get(at + 1).map(String::as_str) == Some("(")
            && let Some(close) = tokens[at + 1..].iter().position(|t| t == ")")
        {
            let inner = &tokens[at + 2..at + 1 + close];
            if !inner.is_empty() && number_words(inner, 0).is_some_and(|(_, n)| n == inner.len()) {
                used += close + 1;
            }
        }
        return Some((value, used));
    }
    number_words(tokens, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        tokens(text)
    }

    macro_rules! number_cases {
        ($($name:ident: $text:expr => $value:expr, $used:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(number_at(&words($text), 0), Some(($value, $used)), "{}", $text);
            }
        )*};
    }

    number_cases! {
        digits: "14 hari" => 14, 1;
        digits_with_words: "14 (empat belas) hari" => 14, 5;
        digits_with_capital_words: "1 (Satu) Jam" => 1, 4;
        sepuluh: "sepuluh hari" => 10, 1;
        belas: "lima belas menit" => 15, 2;
        puluh: "tiga puluh hari" => 30, 2;
        puluh_unit: "dua puluh satu hari" => 21, 3;
        ratus: "delapan ratus delapan puluh tujuh JP" => 887, 5;
        seratus: "seratus satu hari" => 101, 2;
        seribu: "seribu lima ratus" => 1500, 3;
        thousands_separator: "1.500.000" => 1_500_000, 1;
    }

    #[test]
    fn digits_are_split_from_glued_units() {
        assert_eq!(words("2Bulan"), vec!["2", "bulan"]);
        assert_eq!(
            words("9 s.d. 21 Hari kerja"),
            vec!["9", "s", "d", "21", "hari", "kerja"]
        );
    }

    #[test]
    fn non_numbers_are_not_read() {
        assert_eq!(number_at(&words("hari"), 0), None);
        assert_eq!(number_at(&words("belas"), 0), None);
    }
}
