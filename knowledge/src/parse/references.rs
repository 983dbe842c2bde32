//! Components that refer to another service's instead of repeating it.
//!
//! Indonesian decrees save space in long tables: a cell reads "Sda" (*sama dengan atas*, the
//! same as above), "Idem", "sama dengan di atas", or points at a numbered service ("sama dengan
//! layanan nomor 1", "sama dengan huruf A") or a named one ("sama dengan layanan Pengujian Berkala"). A citizen asking that service's fee must get the
//! fee written where the cell points, not "Sda". References are resolved after the services are
//! assembled: a numbered one to the service of that number (in the decree's order), a named one
//! to the service whose title has those words, any other
//! to the nearest earlier service with the same component written out. A reference that leads
//! nowhere is left as written.

use super::services::RawService;
use crate::document::ComponentKind;

/// Longest chain of references followed ("Sda" pointing at an "Sda").
const MAX_HOPS: usize = 8;

/// Where a component's text points.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The same component of the nearest earlier service that writes it out.
    Above,
    /// The same component of the service with this 1-based number.
    Number(usize),
    /// The same component of the service whose title has these words, in this order.
    Named(Vec<String>),
}

/// Replaces every referring component's text with the text it refers to.
pub(crate) fn resolve(services: &mut [RawService]) {
    for at in 0..services.len() {
        for c in 0..services[at].components.len() {
            let kind = services[at].components[c].kind;
            if target(&services[at].components[c].raw).is_none() {
                continue;
            }
            if let Some(text) = follow(services, at, kind) {
                services[at].components[c].raw = text;
            }
        }
    }
}

/// The written-out text the component `kind` of service `at` leads to, if any.
fn follow(services: &[RawService], mut at: usize, kind: ComponentKind) -> Option<String> {
    for _ in 0..MAX_HOPS {
        let raw = &services[at].components.iter().find(|c| c.kind == kind)?.raw;
        at = match target(raw) {
            None => return Some(raw.clone()),
            Some(Target::Number(n)) => (n >= 1 && n <= services.len() && n - 1 != at).then_some(n - 1)?,
            Some(Target::Above) => (0..at)
                .rev()
                .find(|&i| services[i].components.iter().any(|c| c.kind == kind))?,
            Some(Target::Named(words)) => (0..services.len()).find(|&i| i != at && titled(&services[i], &words))?,
        };
    }
    None
}

/// Where a component's text refers to, when all it says is a reference. Lines that hold only
/// a list or section marker ("B.", "2)") are the next row's debris and say nothing.
fn target(raw: &str) -> Option<Target> {
    let words: Vec<String> = raw
        .lines()
        .map(super::header::clean_line)
        .filter(|line| !is_marker(line))
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        ["sda" | "idem" | "ditto"] | ["s", "d", "a"] => Some(Target::Above),
        [
            "sama",
            "dengan" | "seperti",
            "layanan" | "pelayanan" | "jenis",
            rest @ ..,
        ] if rest.len() <= 12 => {
            pointed(rest).or_else(|| Some(Target::Named(rest.iter().map(|w| (*w).to_owned()).collect())))
        }
        ["sama", "dengan" | "seperti", rest @ ..] | ["lihat", rest @ ..] if rest.len() <= 5 => pointed(rest),
        _ => None,
    }
}

/// The target named after "sama dengan": "di atas", "layanan nomor 1", "huruf A", "angka 3".
fn pointed(rest: &[&str]) -> Option<Target> {
    match rest {
        ["di", "atas"] | ["diatas" | "atas"] | ["yang", "di", "atas"] | ["sebelumnya"] => Some(Target::Above),
        _ => {
            let at = rest
                .iter()
                .position(|w| matches!(*w, "nomor" | "no" | "angka" | "huruf" | "butir"))?;
            let value = rest.get(at + 1)?;
            if let Ok(n) = value.parse::<usize>() {
                return Some(Target::Number(n));
            }
            let mut letters = value.chars();
            match (letters.next(), letters.next()) {
                (Some(l), None) if l.is_ascii_alphabetic() => {
                    Some(Target::Number(usize::from(l.to_ascii_lowercase() as u8 - b'a') + 1))
                }
                _ => None,
            }
        }
    }
}

/// Whether a service's title holds `words` one after another.
fn titled(service: &RawService, words: &[String]) -> bool {
    let title = super::header::clean_line(&service.title).to_lowercase();
    let title: Vec<&str> = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    !words.is_empty() && title.windows(words.len()).any(|w| w == words)
}

/// "B.", "12.", "iv)", "-": a line with a marker and nothing else.
fn is_marker(line: &str) -> bool {
    let bare = line.trim().trim_end_matches(['.', ')']);
    bare.is_empty() || (bare.len() <= 4 && (bare.chars().all(|c| c.is_ascii_digit()) || bare.chars().count() == 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_read_and_other_text_is_not() {
        assert_eq!(target("Sda."), Some(Target::Above));
        assert_eq!(target("- S.d.a -"), Some(Target::Above));
        assert_eq!(target("Idem\nB."), Some(Target::Above));
        assert_eq!(target("Sama dengan di atas"), Some(Target::Above));
        assert_eq!(target("sama dengan layanan nomor 6"), Some(Target::Number(6)));
        assert_eq!(target("Sama dengan huruf B"), Some(Target::Number(2)));
        assert_eq!(
            target("Sama dengan layanan Pengujian Berkala Pertama."),
            Some(Target::Named(vec![
                "pengujian".into(),
                "berkala".into(),
                "pertama".into()
            ]))
        );
        assert_eq!(target("Tidak dipungut biaya"), None);
        assert_eq!(target("1 (satu) hari kerja s.d. 3 (tiga) hari kerja"), None);
        assert_eq!(
            target("Sama dengan tarif retribusi pada Peraturan Daerah Nomor 1 Tahun 2024 untuk kendaraan"),
            None
        );
    }

    #[test]
    fn a_referring_cell_gets_the_text_it_points_at() {
        let decree = "STANDAR PELAYANAN SURAT KETERANGAN USAHA\n\
                      Persyaratan : Fotokopi KTP\n\
                      Jangka Waktu : 1 (satu) hari kerja\n\
                      Biaya : Tidak dipungut biaya\n\
                      STANDAR PELAYANAN SURAT KETERANGAN DOMISILI\n\
                      Persyaratan : Fotokopi KK\n\
                      Jangka Waktu : 2 (dua) hari kerja\n\
                      Biaya : Sda.\n\
                      STANDAR PELAYANAN SURAT PENGANTAR NIKAH\n\
                      Persyaratan : Fotokopi KTP calon pengantin\n\
                      Jangka Waktu : sama dengan layanan nomor 1\n\
                      Biaya : Sda\n\
                      STANDAR PELAYANAN SURAT KETERANGAN AHLI WARIS\n\
                      Persyaratan : Sama dengan layanan Surat Keterangan Domisili\n\
                      Jangka Waktu : 1 (satu) hari kerja\n\
                      Biaya : Tidak dipungut biaya\n";
        let document = crate::parse::parse_text("x.txt", decree).unwrap();
        let text = |service: usize, kind: ComponentKind| {
            let s = &document.services[service];
            s.components.iter().find(|c| c.kind == kind).unwrap().text.clone()
        };
        assert_eq!(document.services.len(), 4);
        assert_eq!(text(3, ComponentKind::Requirements), "Fotokopi KK");
        assert_eq!(text(1, ComponentKind::Fee), "Tidak dipungut biaya");
        assert_eq!(text(2, ComponentKind::Fee), "Tidak dipungut biaya");
        assert_eq!(text(2, ComponentKind::Duration), "1 (satu) hari kerja");
        assert_eq!(text(1, ComponentKind::Duration), "2 (dua) hari kerja");
        assert_eq!(document.services[2].fee.as_ref().and_then(|f| f.rupiah), Some(0));
    }
}
