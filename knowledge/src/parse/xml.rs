//! Decrees exported as XML by a service-information system ("Ekspor XML" of a regional
//! catalogue): one element per service whose child elements are the components, named in
//! Indonesian snake case (`<nama_layanan>`, `<persyaratan>`, `<waktu_penyelesaian>`), lists as
//! repeated children (`<item>`), rich text as HTML inside CDATA, and the agency and decree as
//! attributes of the root.
//!
//! [`split`] writes such a file as the lines the rest of the parser reads, as the JSON reader
//! does for an API's records ([`super::json`]): the root's attributes and the texts outside
//! the records as front matter, then per record a service-name row ("Jenis Pelayanan<TAB>title"),
//! its unit ("PADA ...") when an attribute names it, and a label row per component with its
//! list items and HTML paragraphs as continuation lines. A record is an element with a child
//! naming the service ([`is_service_name_label`]) and two component children or more. A
//! record marked as no longer in force (`status="nonaktif"`, "tidak aktif", "dicabut") is left
//! out, so no citizen is answered from it. Each line keeps its element's source line.

use super::html::Split;
use super::labels::{classify, is_service_name_label};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Fewest component children a record needs to be read as a service.
const MIN_COMPONENTS: usize = 2;
/// Attribute values that say a record is no longer in force.
const NOT_IN_FORCE: &[&str] = &["nonaktif", "non aktif", "tidak aktif", "dicabut", "arsip", "inactive"];

/// An element of the file: its name, attributes, own text, children and 1-based source line.
#[derive(Default)]
struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
    line: u32,
}

/// The file as lines of text, or `None` when it is not XML holding service records.
pub(crate) fn split(text: &str) -> Option<Split> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = body.chars().take(200).collect::<String>().to_lowercase();
    if !body.starts_with('<') || head.contains("<html") || head.contains("<!doctype") {
        return None;
    }
    let root = tree(text)?;
    let mut records = Vec::new();
    collect(&root, &mut records);
    if records.is_empty() {
        return None;
    }
    let mut out = Split {
        text: String::new(),
        source_lines: Vec::new(),
    };
    let mut push = |line: u32, text: &str| {
        if !out.source_lines.is_empty() {
            out.text.push('\n');
        }
        out.text.push_str(text);
        out.source_lines.push(line);
    };
    // Front matter: the root's attributes (names alone, as on a letterhead; numbers after their
    // key) and the texts outside the records.
    for (key, value) in &root.attributes {
        if value.chars().any(char::is_alphabetic) && !value.chars().any(|c| c.is_ascii_digit()) {
            push(root.line, value);
        } else if key.contains("sk") || key.contains("nomor") {
            push(root.line, &format!("Nomor: {value}"));
        }
    }
    front(&root, &mut push);
    for record in records {
        if record
            .attributes
            .iter()
            .any(|(_, v)| NOT_IN_FORCE.contains(&v.to_lowercase().as_str()))
        {
            continue;
        }
        let title = record
            .children
            .iter()
            .find(|c| is_name(c))
            .map(|c| c.text.trim().to_owned())
            .unwrap_or_default();
        push(record.line, &format!("Jenis Pelayanan\t{title}"));
        if let Some((_, unit)) = record.attributes.iter().find(|(k, _)| k == "unit" || k == "unit_kerja") {
            push(record.line, &format!("PADA {unit}"));
        }
        write_components(record, &mut push);
    }
    Some(out)
}

/// The 1-based line of a byte offset of `text` (where an XML reader's element starts).
pub(super) fn line_finder(text: &str) -> impl Fn(u64) -> u32 {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    move |offset| starts.partition_point(|&s| s as u64 <= offset) as u32
}

/// The element tree of the file; `None` when it is not well-formed XML.
fn tree(text: &str) -> Option<Node> {
    let line_at = line_finder(text);
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = vec![Node::default()];
    loop {
        let at = reader.buffer_position();
        match reader.read_event().ok()? {
            Event::Start(element) => stack.push(node(&element, line_at(at))),
            Event::Empty(element) => {
                let empty = node(&element, line_at(at));
                stack.last_mut()?.children.push(empty);
            }
            Event::End(_) => {
                let done = stack.pop()?;
                stack.last_mut()?.children.push(done);
            }
            Event::Text(t) => stack.last_mut()?.text.push_str(&t.xml10_content()),
            Event::CData(t) => stack.last_mut()?.text.push_str(&plain(&t.xml10_content())),
            Event::GeneralRef(reference) => stack
                .last_mut()?
                .text
                .push_str(&crate::input::docx::resolve(&reference)),
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop()?;
    document.children.pop()
}

/// A new element with its name and attributes.
fn node(element: &quick_xml::events::BytesStart, line: u32) -> Node {
    Node {
        name: AsRef::<str>::as_ref(&element.local_name()).to_owned(),
        attributes: element
            .attributes()
            .flatten()
            .map(|a| {
                let key = AsRef::<str>::as_ref(&a.key.local_name()).to_owned();
                let value = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map(|v| v.into_owned())
                    .unwrap_or_default();
                (key, value)
            })
            .collect(),
        line,
        ..Node::default()
    }
}

/// HTML inside a CDATA section as text: a paragraph, list item or line break ends a line.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = &rest[open..];
            break;
        };
        let tag = rest[open + 1..open + close].trim_start_matches('/').to_lowercase();
        let name = tag.split([' ', '/']).next().unwrap_or_default();
        if matches!(name, "br" | "p" | "li" | "div" | "tr" | "ol" | "ul") {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ").replace("&amp;", "&")
}

/// Whether an element is a service's name: a text element whose name says so ("nama_layanan";
/// a list's `<layanan>` records are no names).
fn is_name(node: &Node) -> bool {
    node.children.is_empty() && !node.text.trim().is_empty() && is_service_name_label(&words(&node.name))
}

/// An element name as label words: "waktu_penyelesaian" -> "waktu penyelesaian".
fn words(name: &str) -> String {
    name.replace(['_', '-'], " ")
}

/// The records anywhere under `node`, in document order.
fn collect<'a>(node: &'a Node, records: &mut Vec<&'a Node>) {
    if node.children.iter().any(is_name) && components(node) >= MIN_COMPONENTS {
        records.push(node);
        return;
    }
    node.children.iter().for_each(|c| collect(c, records));
}

/// How many component elements a record holds, at any depth ("penyampaian_pelayanan" groups
/// some of them).
fn components(node: &Node) -> usize {
    node.children
        .iter()
        .map(|c| usize::from(classify(&words(&c.name)).is_some()) + components(c))
        .sum()
}

/// The texts of the elements outside the records, one line each.
fn front(node: &Node, push: &mut impl FnMut(u32, &str)) {
    if is_record_list(node) {
        return;
    }
    for line in node.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        push(node.line, line);
    }
    for child in &node.children {
        if child.children.iter().any(is_name) && components(child) >= MIN_COMPONENTS {
            continue;
        }
        front(child, push);
    }
}

/// A list of records ("daftar_layanan") holds nothing of the front matter itself.
fn is_record_list(node: &Node) -> bool {
    !node.children.is_empty() && node.children.iter().all(|c| c.children.iter().any(is_name))
}

/// A record's component elements as label rows: the element's name, its text and its
/// children's texts (list items, a tariff per category) as continuation lines.
fn write_components(record: &Node, push: &mut impl FnMut(u32, &str)) {
    for child in &record.children {
        if is_name(child) {
            continue;
        }
        let mut lines: Vec<(u32, String)> = child
            .text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| (child.line, l.to_owned()))
            .collect();
        let leaves = child.children.iter().all(|g| g.children.is_empty());
        if leaves {
            for item in &child.children {
                let qualifier = item
                    .attributes
                    .iter()
                    .find(|(k, _)| k != "no" && k != "id")
                    .map(|(_, v)| format!("{v}: "))
                    .unwrap_or_default();
                for line in item.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    lines.push((item.line, format!("{qualifier}{line}")));
                }
            }
        }
        if leaves && !lines.is_empty() {
            let label = words(&child.name);
            for (n, (line, text)) in lines.iter().enumerate() {
                if n == 0 {
                    push(*line, &format!("{label}\t{text}"));
                } else {
                    push(*line, &format!("\t{text}"));
                }
            }
        } else if !leaves {
            // A group of components ("penyampaian_pelayanan"): its own children are the rows.
            write_components(child, push);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<katalog instansi="Dinas Perhubungan Kabupaten Contoh" nomor_sk="500/1/2024">
  <daftar_layanan>
    <layanan id="1" status="aktif" unit="UPT Pengujian">
      <nama_layanan>Uji Berkala Kendaraan</nama_layanan>
      <penyampaian>
        <persyaratan>
          <item no="1">STNK asli</item>
          <item no="2">Kartu uji lama</item>
        </persyaratan>
        <prosedur><![CDATA[<ol><li>Daftar di loket;</li><li>Kendaraan diuji.</li></ol>]]></prosedur>
        <waktu_penyelesaian>45 (empat puluh lima) menit</waktu_penyelesaian>
        <biaya_tarif><tarif kategori="Mobil bus">Rp 85.000,-</tarif></biaya_tarif>
      </penyampaian>
    </layanan>
    <layanan id="2" status="nonaktif">
      <nama_layanan>Buku Uji</nama_layanan>
      <persyaratan><item>STNK</item></persyaratan>
      <biaya_tarif>Rp 10.000</biaya_tarif>
    </layanan>
  </daftar_layanan>
</katalog>"#;

    #[test]
    fn records_are_written_as_label_rows_with_their_source_lines() {
        let split = split(EXPORT).expect("records");
        let lines: Vec<&str> = split.text.lines().collect();
        assert!(lines.contains(&"Dinas Perhubungan Kabupaten Contoh"), "{lines:?}");
        let at = lines
            .iter()
            .position(|l| *l == "Jenis Pelayanan\tUji Berkala Kendaraan")
            .unwrap();
        assert_eq!(split.source_lines[at], 4);
        assert_eq!(lines[at + 1], "PADA UPT Pengujian");
        assert!(lines.contains(&"persyaratan\tSTNK asli"), "{lines:?}");
        assert!(lines.contains(&"\tKartu uji lama"), "{lines:?}");
        assert!(lines.contains(&"prosedur\tDaftar di loket;"), "{lines:?}");
        assert!(lines.contains(&"biaya tarif\tMobil bus: Rp 85.000,-"), "{lines:?}");
        // A service no longer in force is left out.
        assert!(!lines.iter().any(|l| l.contains("Buku Uji")), "{lines:?}");
    }

    #[test]
    fn other_text_is_not_read_as_xml() {
        assert!(split("STANDAR PELAYANAN\nPersyaratan: KTP").is_none());
        assert!(split("<!DOCTYPE html><html><body>x</body></html>").is_none());
        assert!(split("<?xml version=\"1.0\"?><catatan>tanpa layanan</catatan>").is_none());
    }
}
