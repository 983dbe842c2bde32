//! How a citizen's question is written into the unanswered log: lowercased, whitespace
//! collapsed, and anything that could identify the asker masked.
//!
//! The log is read by administrators to find the words citizens use, not who used them. So a
//! number long enough to be an identity or contact number (NIK and KK numbers have 16 digits,
//! NIP 18, NPWP 15, mobile phones 10 to 13, `+62` ones too, with or without spaces, dots or
//! dashes between the groups) becomes [`NUMBER_MASK`], and a word with an `@` (an e-mail address
//! or a Telegram username) becomes [`CONTACT_MASK`]. Shorter numbers (years, fees, "2 hari")
//! stay: they are part of the question. The same question asked twice in different spacing or
//! capitals is counted as one. Names in free text cannot be told from words by rule; the log
//! keeps no chat id or account name, so a name typed in a question is not linked to anyone.

/// A number with at least this many digits (groups joined) is masked.
pub const MIN_MASKED_DIGITS: usize = 9;
/// What a masked number reads as.
pub const NUMBER_MASK: &str = "[nomor]";
/// What a masked e-mail address or username reads as.
pub const CONTACT_MASK: &str = "[kontak]";
/// Longer questions are cut (on a character boundary) to keep the log's rows small.
pub const MAX_CHARS: usize = 300;

/// The question as the log keeps it; empty when nothing is left.
pub fn normalise(question: &str) -> String {
    let masked = mask_numbers(&question.to_lowercase());
    let mut out = String::with_capacity(masked.len());
    for word in masked.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(if word.contains('@') { CONTACT_MASK } else { word });
    }
    match out.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => out[..cut].trim_end().to_owned(),
        None => out,
    }
}

/// Separators that may stand between the digit groups of one number ("0812-3456 7890").
fn is_separator(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '(' | ')' | '/')
}

/// Replaces every number of [`MIN_MASKED_DIGITS`] or more digits by [`NUMBER_MASK`].
fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digit_at = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let plus = chars[i] == '+' && digit_at(i + 1);
        if !(digit_at(i) || plus) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        let mut j = if plus { i + 1 } else { i };
        let mut end = j;
        let mut digits = 0;
        loop {
            if digit_at(j) {
                digits += 1;
                j += 1;
                end = j;
                continue;
            }
            // One or two separators between groups: ") ", " - ".
            let gap = (j..chars.len().min(j + 3))
                .take_while(|&k| is_separator(chars[k]))
                .count();
            if gap > 0 && digit_at(j + gap) {
                j += gap;
                continue;
            }
            break;
        }
        if digits >= MIN_MASKED_DIGITS {
            // "(0343) 412345": the area code's bracket goes with the number.
            if out.ends_with('(') {
                out.pop();
            }
            out.push_str(NUMBER_MASK);
        } else {
            out.extend(&chars[start..end]);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! normalised {
        ($($name:ident: $raw:expr => $expected:expr;)*) => {
            $(
                #[test]
                fn $name() {
                    assert_eq!(normalise($raw), $expected);
                }
            )*
        };
    }

    normalised! {
        lowercases_and_collapses_whitespace: "  Syarat   BIKIN\tKTP\n apa ya  " => "syarat bikin ktp apa ya";
        nik_is_masked: "NIK saya 3514012345670001 tidak terdaftar" => "nik saya [nomor] tidak terdaftar";
        nik_glued_to_a_word_is_masked: "nik:3514012345670001" => "nik:[nomor]";
        grouped_phone_is_masked: "hubungi 0812-3456-7890 ya" => "hubungi [nomor] ya";
        spaced_international_phone_is_masked: "wa +62 812 3456 7890 kak" => "wa [nomor] kak";
        landline_with_area_code_is_masked: "telp (0343) 412345 dong" => "telp [nomor] dong";
        npwp_is_masked: "npwp 12.345.678.9-012.345 hilang" => "npwp [nomor] hilang";
        years_and_fees_stay: "biaya rp 50.000 tahun 2024 berapa 2 hari" => "biaya rp 50.000 tahun 2024 berapa 2 hari";
        two_years_side_by_side_stay: "data 2023 2024" => "data 2023 2024";
        email_and_username_are_masked: "kirim ke Budi.S@Mail.com atau @budisantoso" => "kirim ke [kontak] atau [kontak]";
        blank_is_empty: " \n\t " => "";
    }

    #[test]
    fn long_questions_are_cut_on_a_character_boundary() {
        let long = "é".repeat(MAX_CHARS + 50);
        let cut = normalise(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS);
    }

    #[test]
    fn a_plus_sign_without_a_long_number_stays() {
        assert_eq!(normalise("1+1 = 2"), "1+1 = 2");
    }
}
