//! Acronyms spelled out letter by letter, as voice typing writes what was said aloud: "el ha ka
//! pe en" is LHKPN, "es ka te em" SKTM. Indonesians read acronyms by the names of their letters
//! (be, ce, de, ef, ge, ha, je, ka, el, em, en, pe, ki, er, es, te, ve, we, eks, ye, zet, and the
//! vowels), so a run of three or more letter names, two of them consonants', is one word: the
//! letters joined.

/// The letter a spoken letter name stands for.
fn letter(name: &str) -> Option<char> {
    Some(match name {
        "a" => 'a',
        "be" => 'b',
        "ce" => 'c',
        "de" => 'd',
        "e" => 'e',
        "ef" => 'f',
        "ge" => 'g',
        "ha" => 'h',
        "i" => 'i',
        "je" => 'j',
        "ka" => 'k',
        "el" => 'l',
        "em" => 'm',
        "en" => 'n',
        "o" => 'o',
        "pe" => 'p',
        "ki" => 'q',
        "er" => 'r',
        "es" => 's',
        "te" => 't',
        "u" => 'u',
        "ve" | "fe" => 'v',
        "we" => 'w',
        "eks" => 'x',
        "ye" => 'y',
        "zet" => 'z',
        _ => return None,
    })
}

/// The text with every run of spelled letters joined into its acronym ("cara lapor el ha ka
/// pe en" -> "cara lapor lhkpn"); `None` when it has none.
pub(crate) fn join_spelled(text: &str) -> Option<String> {
    // Most messages spell nothing: look for three letter names before building anything.
    text.split_whitespace().filter_map(spoken_letter).nth(2)?;
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut changed = false;
    let mut at = 0;
    while at < words.len() {
        let run: Vec<char> = words[at..].iter().map_while(|w| spoken_letter(w)).collect();
        let consonants = run.iter().filter(|c| !"aeiou".contains(**c)).count();
        if run.len() >= 3 && consonants >= 2 {
            // The run keeps the punctuation after its last letter ("en?").
            let last = words[at + run.len() - 1];
            let tail: String = last.chars().skip_while(|c| c.is_alphanumeric()).collect();
            out.push(format!("{}{tail}", run.iter().collect::<String>()));
            at += run.len();
            changed = true;
        } else {
            out.push(words[at].to_owned());
            at += 1;
        }
    }
    changed.then(|| out.join(" "))
}

/// The letter a typed word names, punctuation around it aside ("En?" -> 'n').
fn spoken_letter(word: &str) -> Option<char> {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    if word.len() > 3 {
        return None;
    }
    letter(&word.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_letters_are_joined() {
        assert_eq!(
            join_spelled("cara lapor el ha ka pe en gimana").as_deref(),
            Some("cara lapor lhkpn gimana")
        );
        assert_eq!(join_spelled("syarat es ka te em?").as_deref(), Some("syarat sktm?"));
    }

    #[test]
    fn ordinary_words_and_short_runs_stay() {
        assert_eq!(join_spelled("mau ke kecamatan beji"), None);
        // Two letter names are no acronym ("ka de" may be words), nor vowels mostly.
        assert_eq!(join_spelled("ka de mau tanya"), None);
        assert_eq!(join_spelled("a i u"), None);
    }
}
