//! Short names citizens give services: abbreviations derived by rule from the decrees.
//!
//! Indonesian bureaucracy shortens names in two ways, and citizens invent new shortenings the
//! same way: initials ("Surat Keterangan Tidak Mampu" -> `sktm`) and syllable blends ("Kartu
//! Pegawai" -> `karpeg`, "Sekretaris Daerah" -> `sekda`, "Pusat Kesehatan Masyarakat" ->
//! `puskesmas`): each word gives its first letter, or its first syllable (open, or with the
//! consonant that follows it), or a whole short word; small words ("dan", "bagi") are skipped. No list of
//! abbreviations is kept by hand. Two sources feed the table, both read at index time:
//!
//! - [`title_forms`]: every span of two or more consecutive content words of every title and
//!   of every parenthesised part of a title, shortened by the rule (strict: first letter or
//!   first syllable per word);
//! - [`spelled_out`]: pairs the decrees write themselves, "Kartu Pegawai (KARPEG)" or "LKPJ
//!   (Laporan Keterangan Pertanggungjawaban)", accepted when the short form can be read off the
//!   long one (looser: any short prefix per word, as such pairs are explicit).
//! - [`Aliases::adopt_written`]: a title's strict short form that the service's own text
//!   writes capitalised ("Tim Evaluasi Andalalin" in the procedure of "Persetujuan Hasil
//!   Analisis Dampak Lalu Lintas"), taken as if spelled out.
//!
//! [`Aliases::expand`] turns a word the corpus does not know into the long forms it may stand
//! for; [`Aliases::shorten`] gives the short forms of a long text, indexed with the service's
//! name so a decree's own acronym matches the words it abbreviates.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

/// Words skipped in abbreviations: conjunctions and prepositions.
const SMALL_WORDS: &[&str] = &[
    "dan",
    "atau",
    "di",
    "ke",
    "dari",
    "yang",
    "untuk",
    "pada",
    "bagi",
    "dengan",
    "serta",
    "oleh",
    "dalam",
    "para",
    "kepada",
    "tentang",
    "melalui",
    "the",
    "of",
    "dll",
    "lainnya",
    "seterusnya",
];
/// Longest span of words shortened into one alias.
const MAX_SPAN: usize = 4;
/// Shortest alias: two letters name too many things.
const MIN_ALIAS: usize = 3;
/// Longest alias.
const MAX_ALIAS: usize = 12;
/// A whole word this short may stand in a blend as it is ("tu" in "spmu").
const WHOLE_WORD: usize = 3;

/// Short form -> the long forms (lowercase words separated by spaces) it abbreviates.
#[derive(Debug, Default, Clone)]
pub struct Aliases {
    long_forms: HashMap<String, Vec<String>>,
    short_forms: HashMap<String, Vec<String>>,
    /// Pairs the decrees spell out: short form -> long forms, and long form -> short forms.
    spelled: HashMap<String, Vec<String>>,
    spelled_short: HashMap<String, Vec<String>>,
    /// Spelled-out long forms without their first word (the unit that does the work:
    /// "instalasi gawat darurat" -> "gawat darurat") -> their short forms.
    unit_short: HashMap<String, Vec<String>>,
}

impl Aliases {
    /// Derives the table from service titles and the decrees' full texts.
    ///
    /// Each distinct title and text is read once: a province's decrees repeat the same service
    /// names and component texts for every regency, and the table is a set of pairs.
    #[cfg(test)]
    pub fn derive<'a>(titles: impl IntoIterator<Item = &'a str>, texts: impl IntoIterator<Item = &'a str>) -> Self {
        let mut seen: HashSet<&str> = HashSet::default();
        let forms: Vec<Vec<(String, String)>> =
            titles.into_iter().filter(|t| seen.insert(t)).map(title_forms).collect();
        Self::derive_from(forms.iter().map(Vec::as_slice), texts)
    }

    /// Derives the table from the forms of each distinct title ([`title_forms`]), computed
    /// once by the caller, who needs them again ([`Aliases::adopt_written`]).
    pub fn derive_from<'a, 'f>(
        forms_of_titles: impl IntoIterator<Item = &'f [(String, String)]>,
        texts: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut aliases = Self::default();
        for forms in forms_of_titles {
            for (short, long) in forms {
                aliases.add(short.clone(), long.clone());
            }
        }
        let mut seen: HashSet<&str> = HashSet::default();
        let mut instruments: HashSet<String> = HashSet::default();
        for text in texts.into_iter().filter(|t| seen.insert(t)) {
            instruments.extend(instrument_names(text));
            for (short, long) in spelled_out(text) {
                aliases.spelled.entry(short.clone()).or_default().push(long.clone());
                aliases
                    .spelled_short
                    .entry(long.clone())
                    .or_default()
                    .push(short.clone());
                if let Some((_, named)) = long.split_once(' ')
                    && named.contains(' ')
                {
                    aliases
                        .unit_short
                        .entry(named.to_owned())
                        .or_default()
                        .push(short.clone());
                }
                aliases.add(short, long);
            }
        }
        for name in &instruments {
            for (short, long) in title_forms(name) {
                // Only forms of the whole name that keep its kind ("permenkes", "perbup",
                // "kepmen"): shorter spans are ordinary blends of ordinary words.
                if long == *name && (short.starts_with("per") || short.starts_with("kep")) {
                    aliases.add(short, long);
                }
            }
        }
        for forms in aliases
            .spelled
            .values_mut()
            .chain(aliases.spelled_short.values_mut())
            .chain(aliases.unit_short.values_mut())
        {
            forms.sort();
            forms.dedup();
        }
        for forms in aliases.long_forms.values_mut() {
            forms.sort();
            forms.dedup();
        }
        for forms in aliases.short_forms.values_mut() {
            forms.sort();
            forms.dedup();
        }
        aliases
    }

    /// A short form of a service's title that the service's own text writes capitalised
    /// ("Persetujuan Hasil Analisis Dampak Lalu Lintas" and, in its procedure, "Tim Evaluasi
    /// Andalalin"): the decree's own name for that span, though it never spells it out beside
    /// the long form. Taken as a spelled-out pair, so it is indexed with the name.
    /// `forms` are the title's ([`title_forms`]).
    pub fn adopt_written<'a>(&mut self, forms: &[(String, String)], texts: impl IntoIterator<Item = &'a str>) {
        let written: HashSet<String> = texts
            .into_iter()
            .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
            .filter(|w| w.len() >= MIN_WRITTEN_SHORT && w.starts_with(|c: char| c.is_ascii_uppercase()))
            .map(str::to_lowercase)
            .collect();
        for (short, long) in forms {
            if !written.contains(short) || crate::analysis::is_stopword(short) {
                continue;
            }
            let longs = self.spelled.entry(short.clone()).or_default();
            if !longs.contains(long) {
                longs.push(long.clone());
            }
            let shorts = self.spelled_short.entry(long.clone()).or_default();
            if !shorts.contains(short) {
                shorts.push(short.clone());
            }
        }
    }

    fn add(&mut self, short: String, long: String) {
        self.short_forms.entry(long.clone()).or_default().push(short.clone());
        self.long_forms.entry(short).or_default().push(long);
    }

    /// The long forms a lowercase word may abbreviate (empty when none).
    pub fn expand(&self, word: &str) -> &[String] {
        self.long_forms.get(word).map_or(&[], Vec::as_slice)
    }

    /// Short forms of every span of `text` that has one, space-separated.
    pub fn shorten(&self, text: &str) -> String {
        shorten_with(&self.short_forms, text)
    }

    /// Short forms the decrees spell out for spans of `text`.
    fn shorten_spelled(&self, text: &str) -> String {
        shorten_with(&self.spelled_short, text)
    }

    /// The other names of a title, for indexing with it: the long forms of its short words
    /// ("Pemrosesan KARPEG" -> "kartu pegawai"), the short forms the decrees give its spans,
    /// and the acronym of a unit named after the whole title ("Gawat Darurat" is served by the
    /// "Instalasi Gawat Darurat (IGD)", so citizens call it "IGD").
    pub fn name_forms(&self, title: &str) -> String {
        let mut out: Vec<String> = words(title)
            .iter()
            .filter(|w| w.len() <= MAX_ALIAS)
            .flat_map(|w| self.spelled.get(w.as_str()).into_iter().flatten().cloned())
            .collect();
        let shorts = self.shorten_spelled(title);
        if !shorts.is_empty() {
            out.push(shorts);
        }
        if let Some(units) = self.unit_short.get(&words(title).join(" ")) {
            out.extend(units.iter().cloned());
        }
        out.join(" ")
    }

    /// Number of distinct short forms.
    pub fn len(&self) -> usize {
        self.long_forms.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.long_forms.is_empty()
    }
}

/// Short forms of the spans of `text` found in `table`, longest span first; a span inside one
/// already shortened names nothing more ("calon pegawai negeri sipil" is CPNS, not also PNS).
fn shorten_with(table: &HashMap<String, Vec<String>>, text: &str) -> String {
    let words = words(text);
    let mut taken = vec![false; words.len()];
    let mut out = Vec::new();
    for len in (2..=8.min(words.len())).rev() {
        for start in 0..=words.len() - len {
            if taken[start..start + len].iter().any(|t| *t) {
                continue;
            }
            if let Some(shorts) = table.get(&words[start..start + len].join(" ")) {
                out.extend(shorts.iter().cloned());
                taken[start..start + len].iter_mut().for_each(|t| *t = true);
            }
        }
    }
    out.join(" ")
}

/// The names of the legal instruments a decree cites, lowercase: "Peraturan Menteri Kesehatan",
/// "Peraturan Bupati", "Keputusan Menteri" (the kind and the first one or two words of the
/// issuer after it, up to "Nomor", "Republik" or a small word). Indonesian shortens them by the same
/// syllable rule as titles ("permenkes", "perbup", "perda", "kepmen").
pub fn instrument_names(text: &str) -> Vec<String> {
    let words = words(text);
    let mut out = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if word != "peraturan" && word != "keputusan" {
            continue;
        }
        let issuer: Vec<&String> = words[i + 1..]
            .iter()
            .take_while(|w| {
                !matches!(w.as_str(), "nomor" | "no" | "republik" | "tentang") && !SMALL_WORDS.contains(&w.as_str())
            })
            .take(2)
            .collect();
        // Every prefix of the issuer: "Peraturan Bupati Pasuruan" is also a "Peraturan Bupati".
        let mut name = word.clone();
        for w in issuer {
            name.push(' ');
            name.push_str(w);
            out.push(name.clone());
        }
    }
    out
}

/// Whether `word` is the initials of consecutive content words somewhere in `text`: the
/// acronyms citizens make of a phrase a decree writes out but never abbreviates ("SK" of
/// "Surat Keputusan", "LPJ" of "laporan pertanggung jawaban"). Only short words without a
/// vowel after the first letter read as initials, so ordinary words ("ada", "itu") never do.
pub fn initials_in(word: &str, text: &str) -> bool {
    let letters: Vec<char> = word.chars().collect();
    if !(2..=MAX_SPAN + 1).contains(&letters.len())
        || !letters.iter().all(char::is_ascii_lowercase)
        || letters[1..].iter().any(|&c| is_vowel_char(c))
    {
        return false;
    }
    let content: Vec<String> = words(text)
        .into_iter()
        .filter(|w| !SMALL_WORDS.contains(&w.as_str()))
        .collect();
    content
        .windows(letters.len())
        .any(|span| span.iter().zip(&letters).all(|(w, &c)| w.starts_with(c) && w.len() > 1))
}

/// Lowercase alphabetic words of a text ("Barang/Jasa" is two words).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn is_vowel_char(c: char) -> bool {
    c.is_ascii() && is_vowel(c as u8)
}

/// The syllable pieces of a word: its open first syllable ("daerah" -> "da", "dampak" ->
/// "da") and that syllable with the consonant that follows it ("kartu" -> "kar", "pegawai" ->
/// "peg", "pusat" -> "pus"); `ng` and `ny` are one consonant ("pengadaan" -> "peng").
fn syllable_pieces(word: &str) -> Vec<String> {
    let b = word.as_bytes();
    let mut pieces = Vec::new();
    if !word.is_ascii() || b.len() < 2 {
        return pieces;
    }
    let Some(vowel) = b.iter().position(|&c| is_vowel(c)) else {
        return pieces;
    };
    let open = vowel + 1;
    pieces.push(word[..open].to_owned());
    if open < b.len() && !is_vowel(b[open]) {
        let mut closed = open + 1;
        if closed < b.len() && b[open] == b'n' && matches!(b[closed], b'g' | b'y') {
            closed += 1;
        }
        pieces.push(word[..closed].to_owned());
    }
    pieces
}

/// The closed syllables inside a word, wherever they stand: a consonant, a vowel and the
/// consonant that closes the syllable ("pelatihan" -> "lat", "pengendalian" -> "dal",
/// "kedinasan" -> "din", "dasar" -> "sar"). Blends also take a word's inner syllable, usually
/// one of its root ("latsar" is pelatihan dasar, "dikdin" pendidikan kedinasan, "damkar"
/// pemadam kebakaran), but only as a closed syllable.
fn inner_syllables(word: &str) -> Vec<String> {
    let b = word.as_bytes();
    let mut pieces = Vec::new();
    if !word.is_ascii() || b.len() < 4 {
        return pieces;
    }
    for i in 1..b.len().saturating_sub(2) {
        let (c, v, close) = (b[i], b[i + 1], b[i + 2]);
        // "ng" and "ny" are one consonant: their second letter starts no syllable.
        let digraph = b[i - 1] == b'n' && matches!(c, b'g' | b'y');
        let onset = !is_vowel(c) && is_vowel(v) && !digraph;
        // Blends close the syllable with the next consonant even where spelling would start a
        // new syllable with it ("pe-la-ti-han" gives "lat").
        if onset && !is_vowel(close) {
            pieces.push(word[i..i + 3].to_owned());
        }
    }
    pieces.sort();
    pieces.dedup();
    pieces
}

/// The one irregular piece of the bureaucracy: "Dinas" gives "dis" as well as "din"
/// ("dishub", "disdik" beside "dinkes", "dinsos").
fn irregular_pieces(word: &str) -> Option<String> {
    (word == "dinas").then(|| "dis".to_owned())
}

/// Shortest short form of a title taken from its service's text ([`Aliases::adopt_written`]).
const MIN_WRITTEN_SHORT: usize = 5;

/// Strict pieces a title word gives a derived alias: its initial, its syllable pieces, or the
/// whole word when it is very short.
fn strict_pieces(word: &str) -> Vec<String> {
    let mut pieces = vec![word[..word.char_indices().nth(1).map_or(word.len(), |(i, _)| i)].to_owned()];
    pieces.extend(syllable_pieces(word));
    pieces.extend(irregular_pieces(word));
    if word.len() <= WHOLE_WORD {
        pieces.push(word.to_owned());
    }
    pieces.sort();
    pieces.dedup();
    pieces
}

/// Short forms of a title by rule: for every span of 2..=[`MAX_SPAN`] consecutive content words
/// (of the title and of each parenthesised part), every combination of the words' strict pieces.
/// Each pair is (short form, long form).
pub fn title_forms(title: &str) -> Vec<(String, String)> {
    // A parenthesised part is a name of its own, and a bound: no span runs into it ("... Negara
    // (LHKPN) dan Aparatur Sipil Negara" gives no "las" of "lhkpn aparatur sipil").
    let parts: Vec<&str> = title.split(['(', ')']).collect();
    let mut out = Vec::new();
    for part in parts {
        let content: Vec<String> = words(part)
            .into_iter()
            .filter(|w| !SMALL_WORDS.contains(&w.as_str()) && w.is_ascii())
            .collect();
        for start in 0..content.len() {
            for end in start + 2..=(start + MAX_SPAN).min(content.len()) {
                let span = &content[start..end];
                let long = span.join(" ");
                let mut forms = vec![String::new()];
                for word in span {
                    let pieces = strict_pieces(word);
                    forms = forms
                        .iter()
                        .flat_map(|f| pieces.iter().map(move |p| format!("{f}{p}")))
                        .filter(|f| f.len() <= MAX_ALIAS)
                        .collect();
                }
                for form in forms {
                    // A form that is one of the span's own words says nothing new, and three
                    // letters are initials ("skj"), never a blend: "bak" of "banding kunjungan"
                    // is an everyday word.
                    if form.len() >= MIN_ALIAS
                        && !span.contains(&form)
                        && (form.len() > MIN_ALIAS || span.len() == MIN_ALIAS)
                    {
                        out.push((form, long.clone()));
                    }
                }
                if let [first, second] = span {
                    let closed = |w: &str| {
                        let mut pieces = inner_syllables(w);
                        pieces.extend(syllable_pieces(w).into_iter().filter(|p| !p.ends_with(is_vowel_char)));
                        pieces.extend(irregular_pieces(w));
                        pieces
                    };
                    // Or the first word's open syllable before the second's closed inner
                    // syllable ("catin" is calon pengantin, "capil" catatan sipil).
                    let open = syllable_pieces(first)
                        .into_iter()
                        .filter(|p| p.ends_with(is_vowel_char));
                    let firsts: Vec<String> = closed(first).into_iter().chain(open).collect();
                    for a in &firsts {
                        for b in closed(second) {
                            let form = format!("{a}{b}");
                            if form.len() > MIN_ALIAS && !span.contains(&form) {
                                out.push((form, long.clone()));
                            }
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Short forms of an office's name ("Dinas Kesehatan Kabupaten Watulawang" -> `dinkes`,
/// "Dinas Perhubungan" -> `dishub`, "Badan Pendapatan Daerah" -> `bapenda`): the forms of the
/// whole name before its region ("Kabupaten ...", "Kota ..."), as [`title_forms`] shortens it.
/// Each pair is (short form, long form).
pub fn office_forms(name: &str) -> Vec<(String, String)> {
    const REGION: &[&str] = &["kabupaten", "kab", "kota", "provinsi", "prov"];
    let words = words(name);
    let office: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .take_while(|w| !REGION.contains(w))
        .filter(|w| !SMALL_WORDS.contains(w))
        .collect();
    if !(2..=MAX_SPAN).contains(&office.len()) {
        return Vec::new();
    }
    let whole = office.join(" ");
    let mut forms: Vec<(String, String)> = title_forms(&whole)
        .into_iter()
        .filter(|(_, long)| *long == whole)
        .collect();
    // Citizens drop the kind of office and shorten its own name ("Badan Kesatuan Bangsa dan
    // Politik" -> `kesbangpol`, `kesbang`; "Dinas Pemadam Kebakaran" -> `damkar`): the forms
    // of the words after it, whole or their first two.
    if office.len() >= 3 && OFFICE_KINDS.contains(&office[0]) {
        let own = office[1..].join(" ");
        let lead = office[1..3].join(" ");
        forms.extend(
            title_forms(&own)
                .into_iter()
                .filter(|(_, long)| *long == own || *long == lead),
        );
    }
    forms
}

/// Words naming the kind of an office before its own name.
const OFFICE_KINDS: &[&str] = &["badan", "dinas", "kantor", "satuan", "unit"];

/// Whether `short` can be read off `long` words in order: each word gives a prefix of up to
/// four letters or its first letter followed by one later consonant cluster ("kinerja" ->
/// "kj"), small words may give nothing, and every other word gives at least its first letter.
fn reads_off(short: &[u8], long: &[&str]) -> bool {
    fn go(short: &[u8], long: &[&str]) -> bool {
        let Some((word, rest)) = long.split_first() else {
            return short.is_empty();
        };
        let w = word.as_bytes();
        if SMALL_WORDS.contains(word) && go(short, rest) {
            return true;
        }
        if short.first() != w.first() {
            return false;
        }
        for take in 1..=w.len().min(4).min(short.len()) {
            if w[..take] == short[..take] && go(&short[take..], rest) {
                return true;
            }
        }
        // First letter plus one later letter ("kinerja" -> "kj").
        if short.len() >= 2 && w[1..].contains(&short[1]) && !w.starts_with(&short[..2]) && go(&short[2..], rest) {
            return true;
        }
        false
    }
    !long.is_empty() && go(short, long)
}

/// Pairs a text spells out itself: "Long Form (ACR)" and "ACR (Long Form)", where ACR is
/// written in capitals (2-10 letters, mixed case like "LKjIP" allowed) and can be read off the
/// words next to it. Each pair is (short form, long form), lowercase.
pub fn spelled_out(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        let mut before_offset = 0;
        while let Some(open) = rest.find('(') {
            let inner = &rest[open + 1..];
            let Some(close) = inner.find(')') else { break };
            let inside = inner[..close].trim();
            let before = &line[..before_offset + open];
            let after = &inner[close + 1..];
            if is_acronym(inside) {
                let short = inside.to_lowercase();
                let preceding = words(before);
                let tail: Vec<&str> = preceding.iter().rev().take(8).rev().map(String::as_str).collect();
                // The shortest run of words ending right before the parenthesis.
                if let Some(long) = (1..=tail.len())
                    .map(|n| &tail[tail.len() - n..])
                    .find(|span| span.len() >= 2 && reads_off(short.as_bytes(), span))
                {
                    out.push((short.clone(), long.join(" ")));
                }
            } else if let Some(acronym) = before.split_whitespace().last().filter(|w| is_acronym(w)) {
                let short = acronym.to_lowercase();
                let inside_words = words(inside);
                let span: Vec<&str> = inside_words.iter().map(String::as_str).collect();
                if span.len() >= 2 && span.len() <= 8 && reads_off(short.as_bytes(), &span) {
                    out.push((short, span.join(" ")));
                }
            }
            before_offset += open + 1 + close + 1;
            rest = after;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A word written as an acronym: 2-10 ASCII letters, at least two capitals and mostly capitals.
fn is_acronym(word: &str) -> bool {
    let word = word.trim();
    let upper = word.bytes().filter(u8::is_ascii_uppercase).count();
    (2..=10).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_alphabetic())
        && upper >= 2
        && upper * 3 >= word.len() * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_are_read_off_the_phrase_they_abbreviate() {
        let text = "Surat Keputusan Bupati diserahkan; penerima wajib menyampaikan laporan pertanggung jawaban";
        assert!(initials_in("sk", text));
        assert!(initials_in("lpj", text));
        assert!(initials_in("skb", text));
        assert!(!initials_in("kk", text));
        // Words with vowels are words, not initials.
        assert!(!initials_in("ada", "atas dasar aturan"));
        assert!(!initials_in("s", text));
    }

    fn has(forms: &[(String, String)], short: &str, long: &str) -> bool {
        forms.iter().any(|(s, l)| s == short && l == long)
    }

    #[test]
    fn blend_pieces_follow_syllables() {
        let piece = |w: &str| syllable_pieces(w).pop().unwrap();
        assert_eq!(piece("kartu"), "kar");
        assert_eq!(piece("pegawai"), "peg");
        assert_eq!(piece("sekretaris"), "sek");
        assert_eq!(piece("daerah"), "da");
        assert_eq!(syllable_pieces("dampak"), ["da", "dam"]);
        assert_eq!(piece("pusat"), "pus");
        assert_eq!(piece("kesehatan"), "kes");
        assert_eq!(piece("masyarakat"), "mas");
        assert_eq!(piece("pengadaan"), "peng");
    }

    #[test]
    fn titles_give_initials_and_blends() {
        let forms = title_forms("Surat Keterangan Tidak Mampu");
        assert!(has(&forms, "sktm", "surat keterangan tidak mampu"));
        let forms = title_forms("Pemrosesan Kartu Pegawai");
        assert!(has(&forms, "karpeg", "kartu pegawai"));
        let forms = title_forms("Pusat Kesehatan Masyarakat");
        assert!(has(&forms, "puskesmas", "pusat kesehatan masyarakat"));
        let forms = title_forms("Sekretaris Daerah");
        assert!(has(&forms, "sekda", "sekretaris daerah"));
        let forms = title_forms("Kenaikan Gaji Berkala");
        assert!(has(&forms, "kgb", "kenaikan gaji berkala"));
        let forms = title_forms("Pemrosesan Karis/Karsu (Kartu Istri/Kartu Suami)");
        assert!(has(&forms, "karis", "kartu istri"));
        assert!(has(&forms, "karsu", "kartu suami"));
    }

    #[test]
    fn blends_take_inner_closed_syllables() {
        assert!(has(&title_forms("Pelatihan Dasar CPNS"), "latsar", "pelatihan dasar"));
        assert!(has(
            &title_forms("Pendidikan Kedinasan"),
            "dikdin",
            "pendidikan kedinasan"
        ));
        assert!(has(&title_forms("Pemadam Kebakaran"), "damkar", "pemadam kebakaran"));
        let forms = title_forms("Pengendalian dan Monitoring Proyek");
        assert!(has(&forms, "dalmon", "pengendalian monitoring"));
        // The first word's open syllable before the second's closed one.
        assert!(has(
            &title_forms("Pemeriksaan Calon Pengantin"),
            "catin",
            "calon pengantin"
        ));
        assert!(has(&title_forms("Kantor Catatan Sipil"), "capil", "catatan sipil"));
        // Open inner syllables make no blend: too many short words would read as one.
        assert!(!has(
            &title_forms("Pendidikan Kedinasan"),
            "dike",
            "pendidikan kedinasan"
        ));
    }

    #[test]
    fn legal_instruments_are_shortened_like_titles() {
        let text =
            "1. Peraturan Menteri Kesehatan Nomor 9 Tahun 2014 tentang Klinik;\n2. Peraturan Bupati Contoh Nomor 3";
        assert_eq!(
            instrument_names(text),
            [
                "peraturan menteri",
                "peraturan menteri kesehatan",
                "peraturan bupati",
                "peraturan bupati contoh"
            ]
        );
        let aliases = Aliases::derive([], [text]);
        assert!(
            aliases
                .expand("permenkes")
                .contains(&"peraturan menteri kesehatan".to_owned())
        );
        assert!(aliases.expand("perbup").contains(&"peraturan bupati".to_owned()));
        assert!(
            aliases.expand("menkes").is_empty(),
            "a form that drops the kind of instrument"
        );
    }

    #[test]
    fn offices_are_shortened_by_their_name_before_the_region() {
        let forms = office_forms("Dinas Kesehatan Kabupaten Watulawang");
        assert!(has(&forms, "dinkes", "dinas kesehatan"), "{forms:?}");
        assert!(has(
            &office_forms("Dinas Perhubungan Kota Sekarpandan"),
            "dishub",
            "dinas perhubungan"
        ));
        assert!(has(
            &office_forms("Badan Pendapatan Daerah"),
            "bapenda",
            "badan pendapatan daerah"
        ));
        let forms = office_forms("Badan Kesatuan Bangsa dan Politik Kabupaten Girimekar");
        assert!(has(&forms, "kesbangpol", "kesatuan bangsa politik"), "{forms:?}");
        assert!(has(&forms, "kesbang", "kesatuan bangsa"), "{forms:?}");
        let forms = office_forms("Dinas Pemadam Kebakaran dan Penyelamatan");
        assert!(has(&forms, "damkar", "pemadam kebakaran"), "{forms:?}");
        assert!(
            office_forms("Dinas Sosial")
                .iter()
                .all(|(_, long)| long == "dinas sosial"),
            "a one-word name is shortened only with its kind"
        );
        assert!(
            office_forms("Kecamatan Beji Kabupaten Pasuruan")
                .iter()
                .all(|(_, long)| long == "kecamatan beji")
        );
    }

    #[test]
    fn a_short_form_the_services_text_writes_is_its_own_name() {
        let title = "Persetujuan Hasil Analisis Dampak Lalu Lintas";
        let mut aliases = Aliases::derive([title], ["3. Tim Evaluasi Andalalin meninjau lokasi"]);
        assert!(aliases.name_forms(title).is_empty());
        aliases.adopt_written(&title_forms(title), ["3. Tim Evaluasi Andalalin meninjau lokasi"]);
        assert!(
            aliases.name_forms(title).contains("andalalin"),
            "{}",
            aliases.name_forms(title)
        );
        // Written in lower case, a word is no name ("pada" is also "pajak daerah").
        let mut other = Aliases::default();
        other.adopt_written(&title_forms("Pajak Daerah"), ["dibayar pada bank"]);
        assert!(other.name_forms("Pajak Daerah").is_empty());
    }

    #[test]
    fn parenthesised_parts_are_titles_too() {
        let forms = title_forms("Pembayaran PBB (Pajak Bumi dan Bangunan)");
        assert!(has(&forms, "pbb", "pajak bumi bangunan"));
        let forms = title_forms("Persetujuan Lingkungan (Analisis Mengenai Dampak Lingkungan)");
        assert!(has(&forms, "amdal", "analisis mengenai dampak lingkungan"));
        // ... and bounds: no span runs into or out of one.
        let forms =
            title_forms("Penyelesaian Laporan Harta Kekayaan Penyelenggara Negara (LHKPN) dan Aparatur Sipil Negara");
        assert!(has(&forms, "asn", "aparatur sipil negara"));
        assert!(!forms.iter().any(|(_, long)| long.contains("lhkpn")), "{forms:?}");
    }

    #[test]
    fn decrees_spell_out_their_acronyms() {
        let text = "2. Kartu Pegawai (KARPEG) yang hilang\nmenyusun Laporan Kinerja Instansi Pemerintah (LKjIP)\n\
                    LKPJ (Laporan Keterangan Pertanggungjawaban) disampaikan\nTidak dipungut biaya (GRATIS)";
        let pairs = spelled_out(text);
        assert!(has(&pairs, "karpeg", "kartu pegawai"), "{pairs:?}");
        assert!(has(&pairs, "lkjip", "laporan kinerja instansi pemerintah"), "{pairs:?}");
        assert!(
            has(&pairs, "lkpj", "laporan keterangan pertanggungjawaban"),
            "{pairs:?}"
        );
        assert!(!pairs.iter().any(|(s, _)| s == "gratis"), "{pairs:?}");
    }

    #[test]
    fn the_table_expands_and_shortens() {
        let aliases = Aliases::derive(["Kenaikan Gaji Berkala"], ["Sasaran Kerja Pegawai (SKP)"]);
        assert!(aliases.expand("kgb").contains(&"kenaikan gaji berkala".to_owned()));
        assert!(aliases.expand("skp").contains(&"sasaran kerja pegawai".to_owned()));
        assert!(aliases.shorten("nilai Sasaran Kerja Pegawai").contains("skp"));
        let nested = Aliases::derive([], ["Calon Pegawai Negeri Sipil (CPNS) dan Pegawai Negeri Sipil (PNS)"]);
        assert_eq!(nested.name_forms("Pengangkatan Calon Pegawai Negeri Sipil"), "cpns");
    }

    #[test]
    fn the_acronym_of_a_unit_named_after_a_service_names_the_service() {
        let text = "Pasien dirujuk ke Instalasi Gawat Darurat (IGD) dan Unit Layanan Pengaduan (ULP).";
        let aliases = Aliases::derive(["Gawat Darurat", "Pengaduan"], [text]);
        assert_eq!(aliases.name_forms("Gawat Darurat"), "igd");
        // One word left is too little to be the service's name.
        assert_eq!(aliases.name_forms("Pengaduan"), "");
        assert!(aliases.expand("kenaikan").is_empty());
    }
}
