//! The schema.org JSON-LD a web page embeds for search engines (`<script
//! type="application/ld+json">`): an agency portal that describes its services as
//! `GovernmentService` items, with the fee in `offers`, the hours in `hoursAvailable` and the
//! components the developer added (`"persyaratan": [...]`, `"waktuPenyelesaian": "..."`).
//!
//! Such a page often gives a detail in one place only: the card in the body has the procedure,
//! the JSON-LD the requirements. [`blocks`] finds the JSON-LD blocks and the line each starts
//! on; the parser reads each as a JSON export ([`super::json`]) and [`merge`] adds what it
//! gives to the page's own services: a component the card lacks, to the service of the same
//! name; a service the body does not show, as a service of its own. The body's text wins where
//! both give a component.

use crate::document::{Document, LineRange};
use crate::parse::ParseError;

/// The JSON-LD blocks of a page: the 1-based line their text starts on and the text.
pub(crate) fn blocks(text: &str) -> Vec<(u32, &str)> {
    // Most decrees are no web page: no lowercase copy of them is made.
    if !text.contains("ld+json") && !text.contains("LD+JSON") {
        return Vec::new();
    }
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<script") {
        let tag_start = from + found;
        let Some(tag_len) = lower[tag_start..].find('>') else {
            break;
        };
        let content_start = tag_start + tag_len + 1;
        let Some(content_len) = lower[content_start..].find("</script") else {
            break;
        };
        let tag = &lower[tag_start..content_start];
        if tag.contains("application/ld+json") {
            let line = text[..content_start].matches('\n').count() as u32 + 1;
            out.push((line, &text[content_start..content_start + content_len]));
        }
        from = content_start + content_len;
    }
    out
}

/// Moves a document read from a block that starts on line `first` of the page to the page's
/// lines.
pub(crate) fn shift(document: &mut Document, first: u32) {
    let by = first.saturating_sub(1);
    let move_range = |r: &mut LineRange| {
        r.start += by;
        r.end += by;
    };
    for service in &mut document.services {
        move_range(&mut service.lines);
        for component in &mut service.components {
            move_range(&mut component.lines);
        }
    }
}

/// The page's services with what its JSON-LD adds (see the module doc); when the body gave no
/// service, the JSON-LD's.
pub(crate) fn merge(page: Result<Document, ParseError>, linked: Vec<Document>) -> Result<Document, ParseError> {
    let mut linked = linked.into_iter();
    let mut document = match page {
        Ok(document) => document,
        Err(ParseError::NoServices) => match linked.next() {
            Some(first) => first,
            None => return Err(ParseError::NoServices),
        },
        Err(other) => return Err(other),
    };
    for extra in linked.flat_map(|d| d.services) {
        let same = document.services.iter().position(|s| same_name(&s.title, &extra.title));
        match same {
            Some(at) => {
                let service = &mut document.services[at];
                for component in extra.components {
                    if !service.components.iter().any(|c| c.kind == component.kind) {
                        service.components.push(component);
                    }
                }
                service.duration = service.duration.take().or(extra.duration);
                service.fee = service.fee.take().or(extra.fee);
            }
            None if !document.services.iter().any(|s| s.id == extra.id) => document.services.push(extra),
            None => {}
        }
    }
    Ok(document)
}

fn same_name(a: &str, b: &str) -> bool {
    crate::document::slug(a) == crate::document::slug(b)
}

#[cfg(test)]
mod tests {
    const PAGE: &str = r#"<!DOCTYPE html>
<html><head>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"GovernmentService","name":"Sewa Unit Rusunawa","persyaratan":["Fotokopi KTP","Surat pernyataan belum memiliki rumah"],"waktuPenyelesaian":"7 hari kerja","offers":{"@type":"Offer","price":"325000","priceCurrency":"IDR"}},{"@type":"GovernmentService","name":"Layanan Sedot Tinja","persyaratan":["KTP"],"waktuPenyelesaian":"3 hari kerja"}]}</script>
</head><body>
<h1>Layanan Publik Dinas Perumahan dan Kawasan Permukiman Kabupaten Contoh</h1>
<h2>Sewa Unit Rusunawa</h2>
<h3>Persyaratan</h3>
<ol><li>KTP dan KK</li></ol>
<h3>Alur Pelayanan</h3>
<ol><li>Mengisi formulir</li><li>Wawancara</li></ol>
<h3>Produk</h3>
<p>Surat Perjanjian Sewa</p>
</body></html>
"#;

    #[test]
    fn a_pages_linked_data_adds_what_its_cards_lack() {
        let document = crate::parse::parse_text("252_x.html", PAGE).unwrap();
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Sewa Unit Rusunawa", "Layanan Sedot Tinja"], "{document:#?}");
        let rusunawa = &document.services[0];
        let requirements = rusunawa
            .components
            .iter()
            .find(|c| c.kind == crate::document::ComponentKind::Requirements)
            .unwrap();
        assert!(requirements.text.contains("KTP dan KK"), "the card's own text wins");
        assert!(rusunawa.duration.is_some(), "the duration only the JSON-LD gives");
        assert!(
            rusunawa
                .components
                .iter()
                .any(|c| c.kind == crate::document::ComponentKind::Fee && c.text.contains("325000")),
            "{:#?}",
            rusunawa.components
        );
        assert_eq!(
            rusunawa
                .components
                .iter()
                .find(|c| c.kind == crate::document::ComponentKind::Duration)
                .unwrap()
                .lines
                .start,
            3
        );
    }
}
