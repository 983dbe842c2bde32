//! Places named by their kind: "kecamatan bangil", "kab. malang", "kota pasuruan". Indonesian
//! names a region with the kind of region before its name, and a service's agency does too
//! ("Kecamatan Beji Kabupaten Pasuruan"). A question that names a place of the same kind as one
//! in a service's agency, but another one, asks about that other place's service: the service
//! of Kecamatan Beji does not answer for Kecamatan Bangil, nor the Kabupaten's for the Kota of
//! the same name.

/// The level of government a kind of region is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Province,
    /// A regency (kabupaten) or a city (kota): one level, two kinds.
    Regency {
        city: bool,
    },
    District,
    Village,
}

/// A place named by its kind and the first word of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Place {
    tier: Tier,
    name: String,
}

/// The tier a word of kind names ("kec" as citizens shorten it).
fn tier(word: &str) -> Option<Tier> {
    Some(match word {
        "provinsi" | "prov" | "propinsi" => Tier::Province,
        "kabupaten" | "kab" | "kabupatan" => Tier::Regency { city: false },
        "kota" => Tier::Regency { city: true },
        "kecamatan" | "kec" | "kecamatn" => Tier::District,
        "desa" | "kelurahan" | "kel" | "ds" => Tier::Village,
        _ => return None,
    })
}

/// Verbs of moving somewhere: the place after "ke" in their clause is where the citizen goes
/// ("pindah ke kab sidoarjo", "ikut suami ke kota malang"), while the service is had where
/// they are.
const MOVING: &[&str] = &[
    "pindah",
    "dipindah",
    "pindahan",
    "mutasi",
    "dimutasi",
    "ikut",
    "pulang",
    "balik",
    "merantau",
    "berangkat",
];

/// Whether a clause's words have a verb of moving ([`MOVING`]).
pub(super) fn moves<S: AsRef<str>>(words: &[S]) -> bool {
    words.iter().any(|w| MOVING.contains(&w.as_ref()))
}

/// The positions of the words of destinations in a clause's words: "ke" and the place after it
/// ("ke", "kab", "sidoarjo"), when the clause has a verb of moving.
pub(super) fn destinations<S: AsRef<str>>(words: &[S]) -> Vec<usize> {
    if !moves(words) {
        return Vec::new();
    }
    words
        .windows(3)
        .enumerate()
        .filter(|(_, w)| matches!(w[0].as_ref(), "ke" | "k" | "menuju") && tier(w[1].as_ref()).is_some())
        .flat_map(|(i, _)| [i, i + 1, i + 2])
        .collect()
}

/// The places `words` (lowercase, in order) name: a word of kind followed by a word that
/// `is_name` accepts.
pub(super) fn named(words: &[String], is_name: impl Fn(&str) -> bool) -> Vec<Place> {
    words
        .windows(2)
        .filter_map(|pair| {
            let tier = tier(&pair[0])?;
            is_name(&pair[1]).then(|| Place {
                tier,
                name: pair[1].clone(),
            })
        })
        .collect()
}

/// Whether the question's places rule a service out: one of them is of the kind of a place in
/// the service's agency but not that place (another name, or a city where the agency is the
/// regency's), and the agency names none of them.
pub(super) fn rule_out(asked: &[Place], agency: &[Place]) -> bool {
    if asked
        .iter()
        .any(|a| agency.iter().any(|b| a.tier == b.tier && same_name(&a.name, &b.name)))
    {
        return false;
    }
    asked.iter().any(|a| {
        agency.iter().any(|b| match (a.tier, b.tier) {
            (Tier::Regency { city }, Tier::Regency { city: other }) => city != other || !same_name(&a.name, &b.name),
            (x, y) => x == y && !same_name(&a.name, &b.name),
        })
    })
}

/// Whether a name the citizen typed is the agency's place's: the same, one slip of the keys
/// away in a longer name ("pasuran"), or its consonants shortened the way chat shortens place
/// names ("psr" Pasuruan, "sby" Surabaya: the first letter, then letters of the name in order).
fn same_name(typed: &str, name: &str) -> bool {
    let vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let abbreviates = || {
        (2..=4).contains(&typed.len())
            && typed.chars().skip(1).all(|c| !vowel(c))
            && typed.chars().next() == name.chars().next()
            && {
                let mut rest = name.chars();
                typed.chars().all(|c| rest.any(|n| n == c))
            }
    };
    super::similar(typed, name) || abbreviates()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    fn places(text: &str) -> Vec<Place> {
        named(&words(text), |w| !matches!(w, "dulu" | "buat"))
    }

    #[test]
    fn where_the_citizen_moves_to_is_a_destination() {
        assert_eq!(destinations(&words("mau pindah ke kab sidoarjo ikut suami")), [2, 3, 4]);
        // Without a verb of moving, "ke" says where the service is had.
        assert!(destinations(&words("ngurus skck ke kecamatan bangil")).is_empty());
    }

    #[test]
    fn another_place_of_the_same_kind_rules_the_service_out() {
        let beji = places("kecamatan beji kabupaten pasuruan");
        assert!(rule_out(&places("pengantar skck di kecamatan bangil"), &beji));
        assert!(rule_out(&places("hibah di kabupaten malang"), &beji));
        assert!(rule_out(&places("warga kota pasuruan"), &beji));
        assert!(!rule_out(&places("konsultasi di kecamatan beji"), &beji));
        assert!(!rule_out(&places("sy di desa gununggangsir"), &beji));
        // A word after the kind that is no name names no place.
        assert!(!rule_out(&places("ke kabupaten dulu"), &beji));
        // Naming the agency's own place too keeps it ("warga kec bangil, ke kecamatan beji").
        assert!(!rule_out(&places("warga kecamatan bangil ke kecamatan beji"), &beji));
        // The agency's own place mistyped or shortened as chat shortens it.
        assert!(!rule_out(&places("sosialisasi di kab pasuran"), &beji));
        assert!(!rule_out(&places("sosialisasi di kab psr"), &beji));
        assert!(rule_out(&places("sosialisasi di kab pbl"), &beji));
        assert!(rule_out(&places("sosialisasi di kab sby"), &beji));
    }
}
