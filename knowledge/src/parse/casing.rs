//! Readable casing for titles and agency names that decrees write in capitals.
//!
//! "SURAT KETERANGAN AHLI WARIS" reads as shouting in a chat; "Surat Keterangan Ahli
//! Waris" does not. Acronyms stay in capitals (words without vowels such as SKCK or PBB,
//! words of at most three letters, short words opening with two consonants such as SPMU,
//! words in parentheses; each part of "PNS/TNI/POLRI" is
//! judged on its own), and Indonesian function words are lowercase. Text that is already in
//! mixed case is left as the decree wrote it.

const FUNCTION_WORDS: &[&str] = &[
    "dan", "atau", "di", "ke", "dari", "untuk", "bagi", "pada", "yang", "serta", "dengan", "dalam", "oleh", "kepada",
    "tentang", "terhadap", "melalui", "sebagai", "per",
];

/// Whether most letters are capitals (the decree shouts).
fn mostly_upper(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return false;
    }
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    upper * 10 >= letters.len() * 8
}

fn is_acronym(word: &str, in_parens: bool) -> bool {
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return false;
    }
    let is_vowel = |c: char| "AEIOUaeiou".contains(c);
    let vowels = letters.chars().filter(|&c| is_vowel(c)).count();
    let count = letters.chars().count();
    // "SPMU", "BLUD": short, one vowel, opening with two consonants.
    let consonant_cluster = letters.chars().take(2).all(|c| !is_vowel(c));
    in_parens || vowels == 0 || count <= 3 || (count <= 5 && vowels <= 1 && consonant_cluster)
}

/// Converts capitals to title case, keeping acronyms; mixed-case text is kept.
pub(crate) fn readable_case(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !mostly_upper(&text) {
        return text;
    }
    let mut out = Vec::new();
    let mut depth = 0i32;
    for (index, word) in text.split(' ').enumerate() {
        let opens = word.matches('(').count() as i32;
        let in_parens = depth > 0 || opens > 0;
        depth += opens - word.matches(')').count() as i32;
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        let converted = if index > 0 && FUNCTION_WORDS.contains(&bare.as_str()) {
            word.to_lowercase()
        } else {
            // Each part of "PNS/TNI/POLRI" or "BARANG/JASA" is judged on its own.
            word.split('/')
                .map(|part| {
                    if is_acronym(part, in_parens) {
                        part.to_owned()
                    } else {
                        capitalise(part)
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        };
        out.push(converted);
    }
    out.join(" ")
}

/// "KETERANGAN" -> "Keterangan", "(LKJIP)" stays with its brackets, "-" joined parts each
/// capitalised ("PERUNDANG-UNDANGAN" -> "Perundang-Undangan").
fn capitalise(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut at_start = true;
    for ch in word.chars() {
        if ch.is_alphabetic() {
            if at_start {
                out.extend(ch.to_uppercase());
            } else {
                out.extend(ch.to_lowercase());
            }
            at_start = false;
        } else {
            out.push(ch);
            at_start = matches!(ch, '-' | '(' | '/' | '"');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! case_cases {
        ($($name:ident: $input:expr => $expected:expr;)*) => {$(
            #[test]
            fn $name() {
                assert_eq!(readable_case($input), $expected);
            }
        )*};
    }

    case_cases! {
        plain_caps: "SURAT KETERANGAN AHLI WARIS" => "Surat Keterangan Ahli Waris";
        acronym_without_vowels: "PENGANTAR SKCK" => "Pengantar SKCK";
        parenthesised: "PEMBAYARAN PBB (PAJAK BUMI dan BANGUNAN)" => "Pembayaran PBB (PAJAK BUMI dan BANGUNAN)";
        slash_acronyms: "PENGANTAR PERSYARATAN PNS/TNI/POLRI" => "Pengantar Persyaratan PNS/TNI/Polri";
        function_words: "REKOMENDASI SURAT KETERANGAN DOMISILI UNTUK WNA" => "Rekomendasi Surat Keterangan Domisili untuk WNA";
        mixed_case_kept: "Izin Belajar" => "Izin Belajar";
        short_acronyms: "PENERBITAN SPMU LS PENGADAAN BARANG/JASA & TU" => "Penerbitan SPMU LS Pengadaan Barang/Jasa & TU";
        hyphenated: "PERATURAN PERUNDANG-UNDANGAN" => "Peraturan Perundang-Undangan";
    }
}
