//! Readable casing for titles and agency names that decrees write in capitals.
//!
//! "SURAT KETERANGAN AHLI WARIS" reads as shouting in a chat; "Surat Keterangan Ahli
//! Waris" does not. Whether a capitalised word is an acronym is first read off the decree
//! itself ([`WordCase`]): a word the decree also writes in lowercase ("uji", "air") is a
//! word, one it writes in capitals inside lowercase prose ("dokumen AMDAL", "SOTK") is an
//! acronym. Without such evidence, acronyms are guessed by shape (words without vowels such
//! as SKCK or PBB, words of at most three letters, short words opening with two consonants
//! such as SPMU, a single word in parentheses); each part of "PNS/TNI/POLRI" is judged on its
//! own, and Indonesian function words are lowercase. Text that is already in mixed case is
//! left as the decree wrote it.

use std::collections::HashSet;

const FUNCTION_WORDS: &[&str] = &[
    "dan", "atau", "di", "ke", "dari", "untuk", "bagi", "pada", "yang", "serta", "dengan", "dalam", "oleh", "kepada",
    "tentang", "terhadap", "melalui", "sebagai", "per",
];

/// Whether most letters are capitals (the decree shouts).
fn mostly_upper(text: &str) -> bool {
    let (mut letters, mut upper) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        upper += usize::from(c.is_uppercase());
    }
    letters > 0 && upper * 10 >= letters * 8
}

/// How a decree writes its words outside shouted lines: the evidence for telling an acronym
/// from an ordinary word written in capitals.
#[derive(Debug, Default)]
pub(crate) struct WordCase {
    /// Words (lowercase) the decree writes all in lowercase somewhere.
    lower: HashSet<String>,
    /// Words (lowercase) the decree writes all in capitals inside mostly-lowercase lines.
    capitals: HashSet<String>,
}

impl WordCase {
    /// Collects the evidence from a decree's text. A word counts as written in capitals only
    /// beside a lowercase word of the same cell ("dokumen AMDAL"), so a shouted cell in a
    /// mixed row ("Produk Pelayanan | PENGANTAR IJIN") is no evidence.
    pub(crate) fn of_text(text: &str) -> Self {
        let mut evidence = Self::default();
        let is_lower = |w: &str| w.chars().all(char::is_lowercase);
        let is_upper = |w: &str| w.chars().all(char::is_uppercase);
        for cell in text.lines().flat_map(|line| line.split(['\t', '|'])) {
            if mostly_upper(cell) {
                continue;
            }
            let words: Vec<&str> = cell
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| w.chars().count() >= 2)
                .collect();
            for (i, word) in words.iter().enumerate() {
                if is_lower(word) {
                    evidence.lower.insert((*word).to_owned());
                } else if is_upper(word) {
                    let beside_lower =
                        (i > 0 && is_lower(words[i - 1])) || words.get(i + 1).is_some_and(|w| is_lower(w));
                    if beside_lower {
                        evidence.capitals.insert(word.to_lowercase());
                    }
                }
            }
        }
        evidence
    }

    /// Whether the decree shows `letters` to be an acronym (`Some(true)`) or a word
    /// (`Some(false)`); `None` without evidence either way.
    fn says_acronym(&self, letters: &str) -> Option<bool> {
        let lower = letters.to_lowercase();
        match (self.capitals.contains(&lower), self.lower.contains(&lower)) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        }
    }
}

fn is_acronym(word: &str, in_parens: bool, evidence: &WordCase) -> bool {
    let letters: String = word.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.is_empty() {
        return false;
    }
    if let Some(acronym) = evidence.says_acronym(&letters) {
        return acronym;
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
    readable_case_with(text, &WordCase::default())
}

/// [`readable_case`] with the decree's own evidence of which words are acronyms.
pub(crate) fn readable_case_with(text: &str, evidence: &WordCase) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !mostly_upper(&text) {
        return text;
    }
    let mut out = Vec::new();
    let mut depth = 0i32;
    for (index, word) in text.split(' ').enumerate() {
        let opens = word.matches('(').count() as i32;
        // A single word in parentheses is an abbreviation ("(PERDA)"); a phrase in
        // parentheses ("(AIR DAN UDARA)") is judged word by word.
        let lone_in_parens = depth == 0 && opens > 0 && word.contains(')');
        depth += opens - word.matches(')').count() as i32;
        // Each part of "PNS/TNI/POLRI", "BARANG/JASA" or "DAN/ATAU" is judged on its own.
        let converted = word
            .split('/')
            .enumerate()
            .map(|(part_index, part)| {
                let bare = part.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
                if (index > 0 || part_index > 0) && FUNCTION_WORDS.contains(&bare.as_str()) {
                    part.to_lowercase()
                } else if is_acronym(part, lone_in_parens, evidence) {
                    part.to_owned()
                } else {
                    capitalise(part)
                }
            })
            .collect::<Vec<_>>()
            .join("/");
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
        parenthesised: "PENETAPAN PERATURAN DAERAH (PERDA)" => "Penetapan Peraturan Daerah (PERDA)";
        parenthesised_phrase: "PEMBAYARAN PBB (PAJAK BUMI DAN BANGUNAN)" => "Pembayaran PBB (Pajak Bumi dan Bangunan)";
        slashed_function_words: "PENGADUAN PENCEMARAN DAN/ATAU KERUSAKAN" => "Pengaduan Pencemaran dan/atau Kerusakan";
        slash_acronyms: "PENGANTAR PERSYARATAN PNS/TNI/POLRI" => "Pengantar Persyaratan PNS/TNI/Polri";
        function_words: "REKOMENDASI SURAT KETERANGAN DOMISILI UNTUK WNA" => "Rekomendasi Surat Keterangan Domisili untuk WNA";
        mixed_case_kept: "Izin Belajar" => "Izin Belajar";
        short_acronyms: "PENERBITAN SPMU LS PENGADAAN BARANG/JASA & TU" => "Penerbitan SPMU LS Pengadaan Barang/Jasa & TU";
        hyphenated: "PERATURAN PERUNDANG-UNDANGAN" => "Peraturan Perundang-Undangan";
    }

    #[test]
    fn the_decree_tells_words_from_acronyms() {
        let evidence = WordCase::of_text(
            "Sampel air diuji di laboratorium; hasil uji dikirim.\nPenataan SOTK dan rapat BUMD dibahas.\n",
        );
        assert_eq!(
            readable_case_with("UJI LABORATORIUM AIR", &evidence),
            "Uji Laboratorium Air"
        );
        assert_eq!(
            readable_case_with("EVALUASI SOTK DAN RAPAT BUMD", &evidence),
            "Evaluasi SOTK dan Rapat BUMD"
        );
        // Without evidence, short words are taken for acronyms.
        assert_eq!(readable_case("UJI LABORATORIUM AIR"), "UJI Laboratorium AIR");
    }
}
