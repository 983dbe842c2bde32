//! Word (`.docx`) decrees as text lines: the zip archive's `word/document.xml` (and the page
//! headers, where letterheads often live) read with `quick-xml`.
//!
//! The text is laid out by [`super::flow`]: a paragraph a line, a table row a line of
//! tab-separated cells, a cell's paragraphs joined by `<br>`, a nested table's rows as paragraphs of
//! the cell that holds it. Word's automatic list numbers are not in the text and are not made up
//! (decrees that number their items write the numbers). Deleted revisions (`w:delText`) and the fallback copies of
//! drawing content (`mc:Fallback`) are skipped, so nothing is read twice.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::InputError;
use super::flow::Flow;

/// What a `.docx` is, for errors.
const WORD: &str = "a Word document";

/// The largest XML part read (a zip bomb stops here, not in memory).
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;

/// The decree's text: page headers first (each distinct one once), then the body.
pub fn text(file: &str, bytes: &[u8]) -> Result<String, InputError> {
    let damaged = |reason: String| InputError::Damaged {
        file: file.to_owned(),
        format: "Word (.docx)",
        reason,
    };
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An OLE container: Office's encrypted package, or an old binary .doc renamed.
        return Err(InputError::Encrypted { file: file.to_owned() });
    }
    let mut archive =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| damaged(format!("not a zip archive: {e}")))?;
    let mut headers: Vec<String> = archive
        .file_names()
        .filter_map(|n| n.ok().map(std::borrow::Cow::into_owned))
        .filter(|n| n.starts_with("word/header") && n.ends_with(".xml"))
        .collect();
    headers.sort();
    let mut lines: Vec<String> = Vec::new();
    for name in headers {
        let xml = read_part(&mut archive, &name, WORD).map_err(damaged)?;
        let header = lines_of(&xml).map_err(|e| damaged(format!("{name}: {e}")))?;
        let header: Vec<String> = header.into_iter().filter(|l| !l.trim().is_empty()).collect();
        let seen = lines.windows(header.len().max(1)).any(|w| w == header.as_slice());
        if !header.is_empty() && !seen {
            lines.extend(header);
            lines.push(String::new());
        }
    }
    let xml = read_part(&mut archive, "word/document.xml", WORD).map_err(damaged)?;
    lines.extend(lines_of(&xml).map_err(|e| damaged(format!("word/document.xml: {e}")))?);
    Ok(lines.join("\n"))
}

/// One XML part of an office document's zip archive, at most [`MAX_PART_BYTES`]; `kind` names
/// the document in the error when the part is missing ("a Word document").
pub(super) fn read_part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
    kind: &str,
) -> Result<String, String> {
    let part = archive.by_name(name).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => format!("no {name}: not {kind}"),
        zip::result::ZipError::UnsupportedArchive(why) if why.contains("ncrypt") || why.contains("assword") => {
            format!("{name} is encrypted")
        }
        other => format!("{name}: {other}"),
    })?;
    let mut xml = String::new();
    part.take(MAX_PART_BYTES)
        .read_to_string(&mut xml)
        .map_err(|e| format!("{name}: {e}"))?;
    Ok(xml)
}

/// What is being read: the document's flow and where in its XML the reader is.
#[derive(Default)]
struct Builder {
    flow: Flow,
    /// Depth inside elements whose text is skipped (`mc:Fallback`, `w:del`).
    skipping: usize,
    in_text: bool,
    /// Depth inside runs (`w:r`): a `w:tab` outside a run is a tab stop definition, not text.
    runs: usize,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        if self.skipping == 0 && self.in_text {
            self.flow.push_text(text);
        }
    }

    /// A `w:tab` or `w:br` inside a run.
    fn push_break(&mut self, tab: bool) {
        if self.skipping == 0 {
            self.flow.push_break(tab);
        }
    }
}

/// The lines of one WordprocessingML part.
/// The text an entity or character reference stands for ("&amp;", "&#8211;"); an unknown
/// entity stands for nothing.
pub(crate) fn resolve(reference: &quick_xml::events::BytesRef) -> String {
    match reference.resolve_char_ref() {
        Ok(Some(c)) => c.to_string(),
        _ => quick_xml::escape::resolve_predefined_entity(&reference.xml10_content())
            .unwrap_or_default()
            .to_owned(),
    }
}

fn lines_of(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = Reader::from_str(xml);
    let mut builder = Builder::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(element) => match element.local_name().as_ref() {
                "p" => builder.flow.open_paragraph(),
                "t" => builder.in_text = true,
                "r" => builder.runs += 1,
                "tbl" => builder.flow.open_table(),
                "Fallback" | "del" | "delText" | "instrText" => builder.skipping += 1,
                _ => {}
            },
            Event::Empty(element) => match element.local_name().as_ref() {
                "tab" if builder.runs > 0 => builder.push_break(true),
                "br" | "cr" if builder.runs > 0 => builder.push_break(false),
                "p" => {
                    builder.flow.open_paragraph();
                    builder.flow.end_paragraph();
                }
                "tc" => builder.flow.end_cell(),
                _ => {}
            },
            Event::End(element) => match element.local_name().as_ref() {
                "p" => builder.flow.end_paragraph(),
                "t" => builder.in_text = false,
                "r" => builder.runs = builder.runs.saturating_sub(1),
                "tc" => builder.flow.end_cell(),
                "tr" => builder.flow.end_row(),
                "tbl" => builder.flow.close_table(),
                "Fallback" | "del" | "delText" | "instrText" => {
                    builder.skipping = builder.skipping.saturating_sub(1);
                }
                _ => {}
            },
            Event::Text(text) => builder.push_text(&text.xml10_content()),
            Event::CData(text) => builder.push_text(&text.xml10_content()),
            Event::GeneralRef(reference) => builder.push_text(&resolve(&reference)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(builder.flow.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}</w:body></w:document>"#
        )
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn cell(paragraphs: &[&str]) -> String {
        let inner: String = paragraphs.iter().map(|t| p(t)).collect();
        format!("<w:tc>{inner}</w:tc>")
    }

    #[test]
    fn paragraphs_are_lines_and_table_rows_are_tab_rows() {
        let xml = body(&format!(
            "{}{}<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>{}",
            p("PEMERINTAH KABUPATEN CONTOH"),
            "<w:p/>",
            cell(&["1."]),
            cell(&["Persyaratan"]),
            cell(&["1. KTP", "2. KK &amp; akta"]),
            cell(&["2."]),
            cell(&["Biaya / Tarif"]),
            cell(&["Gratis"]),
            p("Selesai"),
        ));
        assert_eq!(
            lines_of(&xml).unwrap(),
            [
                "PEMERINTAH KABUPATEN CONTOH",
                "",
                "1.\tPersyaratan\t1. KTP<br>2. KK & akta",
                "2.\tBiaya / Tarif\tGratis",
                "Selesai",
            ]
        );
    }

    #[test]
    fn tabs_breaks_numbering_and_deletions() {
        let xml = body(concat!(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="2000"/></w:tabs></w:pPr>"#,
            r#"<w:r><w:t>Biaya</w:t><w:tab/><w:t>Gratis</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>KTP</w:t></w:r>"#,
            r#"<w:del><w:r><w:delText>lama</w:delText></w:r></w:del></w:p>"#,
            r#"<w:p><w:r><w:t>baris satu</w:t><w:br/><w:t>baris dua</w:t></w:r></w:p>"#,
        ));
        assert_eq!(
            lines_of(&xml).unwrap(),
            ["Biaya\tGratis", "KTP", "baris satu", "baris dua"]
        );
    }

    #[test]
    fn a_nested_table_becomes_paragraphs_of_its_cell() {
        let xml = body(&format!(
            "<w:tbl><w:tr>{}<w:tc>{}<w:tbl><w:tr>{}{}</w:tr></w:tbl></w:tc></w:tr></w:tbl>",
            cell(&["Persyaratan"]),
            p("Berkas:"),
            cell(&["a."]),
            cell(&["KTP"]),
        ));
        assert_eq!(lines_of(&xml).unwrap(), ["Persyaratan\tBerkas:<br>a. KTP"]);
    }

    #[test]
    fn damaged_and_encrypted_files_are_clear_errors() {
        let err = text("sk.docx", b"PK\x03\x04 cut short").unwrap_err();
        assert!(matches!(err, InputError::Damaged { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("sk.docx: cannot read this Word (.docx) file"),
            "{err}"
        );
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        let err = text("sk.docx", &ole).unwrap_err();
        assert!(matches!(err, InputError::Encrypted { .. }), "{err}");
        assert!(err.to_string().contains("without a password"), "{err}");
    }
}
