//! Decrees organised by component rather than by service: the lampiran lists the services once
//! ("1. Pengujian Berkala Kendaraan Bermotor (Uji KIR)", "2. ..."), then gives one section per
//! component ("A. PERSYARATAN PELAYANAN", "B. SISTEM, MEKANISME DAN PROSEDUR", ...) with an
//! item per service inside it, numbered as the list and naming the service again, often
//! shortened ("1. Uji KIR:"). Read line by line, every item would look like a service of its
//! own; this pass gathers each service's items from every section and writes them as the
//! label rows the assembler reads, under the name the list gives.
//!
//! An item belongs to the service its number gives, or to the services it names by number
//! ("Jenis pelayanan nomor 4 sampai dengan nomor 10: tidak dipungut biaya", "(nomor 1, 2,
//! 3)"). A section whose items are no services (a list of guarantees, competences by unit) and
//! the text of a section outside its items ("Untuk seluruh jenis pelayanan: ...", "Catatan:
//! ...") are said for every service; "Khusus pelayanan nomor 9 ..." only for the services it
//! names. Every line keeps its own number for citations.

use super::labels;
use super::paragraphs::item;
use crate::document::ComponentKind;

/// Fewest component sections, of different kinds, for a decree to be read this way.
const MIN_SECTIONS: usize = 3;
/// Fewest services in the list.
const MIN_SERVICES: usize = 2;
/// Most words of a section's heading ("A. SARANA DAN PRASARANA, DAN/ATAU FASILITAS").
const MAX_HEADING_WORDS: usize = 8;
/// Most words of a service's name in the list or before an item's colon.
const MAX_NAME_WORDS: usize = 16;

/// A line of the rewritten document: its 1-based source line and its text.
type Line = (u32, String);

/// A component section: its heading's line, label and kind, and where it ends.
struct Section {
    line: usize,
    label: String,
    kind: ComponentKind,
    end: usize,
}

/// The document rewritten as one block of label rows per service, or `None` when it is not
/// organised by component.
pub(super) fn rewrite(lines: &[&str]) -> Option<Vec<Line>> {
    let sections = sections(lines);
    let mut kinds: Vec<ComponentKind> = sections.iter().map(|s| s.kind).collect();
    kinds.sort();
    kinds.dedup();
    // Each component once: a decree by service repeats its components under every service.
    if kinds.len() < MIN_SECTIONS || kinds.len() < sections.len() {
        return None;
    }
    let list = service_list(lines, sections[0].line)?;
    let count = list.len() as u32;
    // Per service, per section: the lines said of it.
    let mut said: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); sections.len()]; list.len()];
    for (s, section) in sections.iter().enumerate() {
        let items = items(lines, section);
        let per_service = items
            .iter()
            .filter(|item| item.services(lines, &list).is_some())
            .count();
        let shared_section = items.is_empty() || 2 * per_service < items.len();
        let mut shared: Vec<usize> = Vec::new();
        for at in section.line + 1..section.end {
            if lines[at].trim().is_empty() {
                continue;
            }
            let item = items.iter().find(|item| (item.start..item.end).contains(&at));
            let services = match item {
                Some(item) if !shared_section => item.services(lines, &list),
                _ => only_for(lines[at], count),
            };
            match services {
                Some(services) => {
                    for service in services {
                        said[service as usize - 1][s].push(at);
                    }
                }
                None => shared.push(at),
            }
        }
        for service in &mut said {
            service[s].extend(&shared);
            service[s].sort_unstable();
        }
    }
    let mut out: Vec<Line> = lines[..list[0].line]
        .iter()
        .enumerate()
        .map(|(i, l)| (i as u32 + 1, (*l).to_owned()))
        .collect();
    for (entry, sections_said) in list.iter().zip(&said) {
        out.push((entry.line as u32 + 1, format!("Jenis Pelayanan\t{}", entry.title)));
        if let Some(unit) = &entry.unit {
            out.push((entry.line as u32 + 1, format!("PADA {unit}")));
        }
        for (section, at) in sections.iter().zip(sections_said) {
            for (n, &line) in at.iter().enumerate() {
                let text = value_of(lines[line], n == 0);
                let label = if n == 0 { section.label.as_str() } else { "" };
                out.push((line as u32 + 1, format!("{label}\t{}", text.trim())));
            }
        }
    }
    Some(out)
}

/// The component sections, in order: a marked heading ("A.", "B)", "II.") in capitals naming
/// one component, running to the next marked heading in capitals or the closing
/// ("Ditetapkan di").
fn sections(lines: &[&str]) -> Vec<Section> {
    let headings: Vec<(usize, Option<ComponentKind>, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, line)| {
            let text = strip_marker(line.trim())?;
            let words = text.split_whitespace().count();
            let capitals = text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
            let kind = labels::classify(text);
            // A numbered line in capitals that names no component is an item ("9. PJU:").
            let part = kind.is_some() || !line.trim_start().starts_with(|c: char| c.is_ascii_digit());
            (capitals && part && (1..=MAX_HEADING_WORDS).contains(&words) && text.chars().any(char::is_alphabetic))
                .then(|| (i, kind, text.to_owned()))
        })
        .collect();
    let closing = lines
        .iter()
        .position(|l| l.trim_start().starts_with("Ditetapkan di"))
        .filter(|&at| headings.first().is_some_and(|h| h.0 < at));
    let mut found = Vec::new();
    for (n, (line, kind, label)) in headings.iter().enumerate() {
        let Some(kind) = *kind else { continue };
        let mut end = headings.get(n + 1).map_or(lines.len(), |h| h.0);
        if let Some(closing) = closing.filter(|&c| c > *line) {
            end = end.min(closing);
        }
        found.push(Section {
            line: *line,
            label: label.clone(),
            kind,
            end,
        });
    }
    found
}

/// A line's text after its heading marker ("A.", "B)", "II.", "3."), or `None` without one.
fn strip_marker(line: &str) -> Option<&str> {
    let (marker, rest) = line.split_once(['.', ')'])?;
    let letters = marker.len() == 1 && marker.chars().all(|c| c.is_ascii_uppercase());
    let roman = !marker.is_empty() && marker.len() <= 4 && marker.chars().all(|c| "IVX".contains(c));
    let digits = !marker.is_empty() && marker.len() <= 2 && marker.chars().all(|c| c.is_ascii_digit());
    ((letters || roman || digits) && rest.starts_with([' ', '\t'])).then(|| rest.trim())
}

/// A service of the list: its line, name and unit ("(UPT Pengujian Kendaraan Bermotor)" in a
/// column of its own).
struct Entry {
    line: usize,
    title: String,
    unit: Option<String>,
}

/// The list of services before the first section: the last list numbered 1, 2, 3, ... of
/// short lines there.
fn service_list(lines: &[&str], before: usize) -> Option<Vec<Entry>> {
    let mut lists: Vec<Vec<Entry>> = Vec::new();
    for (i, line) in lines[..before].iter().enumerate() {
        let Some((number, text)) = item(line) else { continue };
        let mut cells = text.split('\t').map(str::trim).filter(|c| !c.is_empty());
        let title = cells
            .next()
            .unwrap_or_default()
            .trim_end_matches([';', '.', ','])
            .to_owned();
        let unit = cells
            .next()
            .map(|c| c.trim_start_matches('(').trim_end_matches([')', ';', '.']).to_owned());
        if title.split_whitespace().count() > MAX_NAME_WORDS {
            continue;
        }
        let entry = Entry { line: i, title, unit };
        match lists.last_mut() {
            Some(list) if list.len() as u32 + 1 == number && list.last().is_some_and(|e| e.line + 2 >= i) => {
                list.push(entry)
            }
            _ if number == 1 => lists.push(vec![entry]),
            _ => {}
        }
    }
    lists.pop().filter(|list| list.len() >= MIN_SERVICES)
}

/// A numbered item of a section: its number and its lines (from its first line up to `end`).
struct Item {
    number: u32,
    start: usize,
    end: usize,
}

impl Item {
    /// The services (1-based) the item is said of: those it names by number, or the one its
    /// own number gives when its name shares a word with that service's name; `None` when it
    /// names no service (a list item of its own).
    fn services(&self, lines: &[&str], list: &[Entry]) -> Option<Vec<u32>> {
        let text = item(lines[self.start]).map_or("", |(_, rest)| rest);
        let name = name_of(text)?;
        let count = list.len() as u32;
        if let Some(named) = named_numbers(name, count) {
            return Some(named);
        }
        let entry = list.get((self.number as usize).checked_sub(1)?)?;
        shares_word(name, &entry.title).then(|| vec![self.number])
    }
}

/// The items of a section: its lines numbered at their start (not indented), each running to
/// the next; the last ends at a blank line followed by a line that is not indented (a note
/// after the items).
fn items(lines: &[&str], section: &Section) -> Vec<Item> {
    let starts: Vec<(usize, u32)> = (section.line + 1..section.end)
        .filter(|&i| !lines[i].starts_with([' ', '\t']))
        .filter_map(|i| item(lines[i]).map(|(n, _)| (i, n)))
        .collect();
    let mut found = Vec::new();
    for (k, &(start, number)) in starts.iter().enumerate() {
        let end = match starts.get(k + 1) {
            Some(&(next, _)) => next,
            None => (start + 1..section.end)
                .find(|&i| {
                    lines[i - 1].trim().is_empty()
                        && !lines[i].trim().is_empty()
                        && !lines[i].starts_with([' ', '\t'])
                        && !lines[i].contains('\t')
                })
                .unwrap_or(section.end),
        };
        found.push(Item { number, start, end });
    }
    found
}

/// The name an item opens with: its words before a colon, when there are a few.
fn name_of(text: &str) -> Option<&str> {
    let (name, _) = text.split_once(':')?;
    let name = name.trim();
    (!name.is_empty() && name.split_whitespace().count() <= MAX_NAME_WORDS).then_some(name)
}

/// The value an item's first line gives after its name; a later line as it is.
fn value_of(line: &str, first: bool) -> &str {
    let trimmed = line.trim();
    match item(trimmed) {
        Some((_, rest)) if first => match rest.split_once(':') {
            Some((name, value)) if name.split_whitespace().count() <= MAX_NAME_WORDS => value.trim(),
            _ => rest,
        },
        _ => trimmed,
    }
}

/// The services a text names by number: "nomor 4 sampai dengan nomor 10", "(nomor 1, 2, 3)",
/// "1. Pengujian Berkala, 2. Penggantian ..., dan 3. Numpang ...". `None` when it names none.
fn named_numbers(text: &str, count: u32) -> Option<Vec<u32>> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    let number = |w: &str| {
        w.trim_end_matches('.')
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=count).contains(n))
    };
    let mut found = Vec::new();
    if let Some(at) = words.iter().position(|w| *w == "nomor") {
        let mut i = at + 1;
        while i < words.len() {
            match (number(words[i]), words.get(i + 1).copied()) {
                (Some(from), Some("sampai" | "s.d." | "s.d" | "s/d" | "-" | "hingga")) => {
                    let to = words[i + 2..].iter().find_map(|w| number(w))?;
                    found.extend(from..=to);
                    break;
                }
                (Some(n), _) => found.push(n),
                (None, _) if matches!(words[i], "dan" | "nomor") => {}
                (None, _) => break,
            }
            i += 1;
        }
    } else {
        // Inline markers after the first: "... , 2. Penggantian ..., dan 3. Numpang ...".
        let inline: Vec<u32> = words
            .iter()
            .filter(|w| w.ends_with('.'))
            .filter_map(|w| number(w))
            .collect();
        if !inline.is_empty() {
            found.extend(inline);
        }
    }
    found.sort_unstable();
    found.dedup();
    (!found.is_empty()).then_some(found)
}

/// The services a line outside the items is said of: "Khusus pelayanan nomor 9 (PJU), ...".
fn only_for(line: &str, count: u32) -> Option<Vec<u32>> {
    let lower = line.trim().to_lowercase();
    (lower.starts_with("khusus") || lower.starts_with("untuk pelayanan"))
        .then(|| named_numbers(&lower, count))
        .flatten()
}

/// Two names share a word of three letters or more ("Uji KIR" and "Pengujian Berkala ... (Uji
/// KIR)"; "Kartu Pengawasan Angkudes" and "Penerbitan Kartu Pengawasan ...").
fn shares_word(a: &str, b: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_lowercase)
            .collect()
    };
    let b = words(b);
    words(a).iter().any(|w| b.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECREE: &str = "\
LAMPIRAN
I.\tJENIS PELAYANAN
1.\tPengujian Berkala Kendaraan Bermotor (Uji KIR)\t(UPT Pengujian)
2.\tPenggantian Kartu Uji Hilang atau Rusak\t(UPT Pengujian)
3.\tRekomendasi Penggunaan Jalan\t(Bidang Lalu Lintas)

A.\tPERSYARATAN PELAYANAN

1.\tUji KIR:
\ta.\tFotokopi STNK;
\tb.\tKartu uji lama.

2.\tPenggantian Kartu Uji:
\ta.\tSurat keterangan hilang dari Kepolisian.

3.\tPenggunaan Jalan:
\ta.\tSurat permohonan diketahui Kepala Desa.

B.\tJANGKA WAKTU PENYELESAIAN

1.\tPengujian Berkala\t: 60 (enam puluh) menit
2.\tPenggantian Kartu\t: 1 (satu) hari kerja
3.\tPenggunaan Jalan\t: 3 (tiga) hari kerja

Catatan: hari kerja adalah Senin sampai dengan Jumat.

C.\tBIAYA/TARIF

1.\tUji KIR\t: Rp 60.000,-
2.\tJenis pelayanan nomor 2 sampai dengan nomor 3\t: tidak dipungut biaya

D.\tPENANGANAN PENGADUAN

Untuk seluruh jenis pelayanan: kotak saran dan SP4N-LAPOR!.
Khusus pelayanan nomor 1, pengaduan juga ke Kepala UPT.

Ditetapkan di Karangsegara";

    fn rewritten() -> Vec<String> {
        let lines: Vec<&str> = DECREE.split('\n').collect();
        rewrite(&lines)
            .expect("organised by component")
            .into_iter()
            .map(|(n, t)| format!("{n}:{t}"))
            .collect()
    }

    #[test]
    fn each_service_gathers_its_items_from_every_section() {
        let out = rewritten();
        let start = out
            .iter()
            .position(|l| l == "3:Jenis Pelayanan\tPengujian Berkala Kendaraan Bermotor (Uji KIR)")
            .unwrap();
        let end = out.iter().position(|l| l.starts_with("4:Jenis Pelayanan")).unwrap();
        let kir = &out[start..end];
        assert!(kir.contains(&"3:PADA UPT Pengujian".to_owned()), "{kir:?}");
        assert!(kir.contains(&"9:PERSYARATAN PELAYANAN\t".to_owned()), "{kir:?}");
        assert!(kir.contains(&"10:\ta.\tFotokopi STNK;".to_owned()), "{kir:?}");
        assert!(
            kir.contains(&"21:JANGKA WAKTU PENYELESAIAN\t60 (enam puluh) menit".to_owned()),
            "{kir:?}"
        );
        assert!(
            kir.contains(&"25:\tCatatan: hari kerja adalah Senin sampai dengan Jumat.".to_owned()),
            "{kir:?}"
        );
        assert!(kir.contains(&"29:BIAYA/TARIF\tRp 60.000,-".to_owned()), "{kir:?}");
        assert!(kir.iter().any(|l| l.contains("Khusus pelayanan nomor 1")), "{kir:?}");
        assert!(!kir.iter().any(|l| l.contains("Surat keterangan hilang")), "{kir:?}");
    }

    #[test]
    fn an_item_naming_services_by_number_is_said_of_each() {
        let out = rewritten();
        let jalan = out
            .iter()
            .position(|l| l.starts_with("5:Jenis Pelayanan\tRekomendasi Penggunaan Jalan"))
            .unwrap();
        let rest = &out[jalan..];
        assert!(
            rest.contains(&"30:BIAYA/TARIF\ttidak dipungut biaya".to_owned()),
            "{rest:?}"
        );
        assert!(!rest.iter().any(|l| l.contains("Khusus pelayanan nomor 1")), "{rest:?}");
        assert!(rest.iter().any(|l| l.contains("kotak saran")), "{rest:?}");
    }

    #[test]
    fn a_decree_by_service_is_left_alone() {
        let lines = [
            "STANDAR PELAYANAN IZIN A",
            "1.\tPersyaratan\tKTP",
            "2.\tBiaya\tGratis",
            "STANDAR PELAYANAN IZIN B",
            "1.\tPersyaratan\tKK",
        ];
        assert!(rewrite(&lines).is_none());
    }
}
