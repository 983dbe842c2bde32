//! Word (`.docx`) decrees as text lines: the zip archive's `word/document.xml` (and the page
//! headers, where letterheads often live) read with `quick-xml`.
//!
//! One paragraph is one line; a tab (`w:tab`) stays a tab, so "Biaya\tGratis" reads as a row. A
//! table row is one line with its cells joined by tabs, the layout the parser's table rules
//! read; the paragraphs of one cell are joined by `<br>` (the cleaner's line break), tabs and
//! line breaks inside a cell become spaces and `<br>`. A nested table's rows become paragraphs of
//! the cell that holds it. Word's automatic list numbers are not in the text and are not made up
//! (decrees that number their items write the numbers). Deleted revisions (`w:delText`) and the fallback copies of
//! drawing content (`mc:Fallback`) are skipped, so nothing is read twice.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::InputError;

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
        let xml = read_part(&mut archive, &name).map_err(damaged)?;
        let header = lines_of(&xml).map_err(|e| damaged(format!("{name}: {e}")))?;
        let header: Vec<String> = header.into_iter().filter(|l| !l.trim().is_empty()).collect();
        let seen = lines.windows(header.len().max(1)).any(|w| w == header.as_slice());
        if !header.is_empty() && !seen {
            lines.extend(header);
            lines.push(String::new());
        }
    }
    let xml = read_part(&mut archive, "word/document.xml").map_err(damaged)?;
    lines.extend(lines_of(&xml).map_err(|e| damaged(format!("word/document.xml: {e}")))?);
    Ok(lines.join("\n"))
}

fn read_part(archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>, name: &str) -> Result<String, String> {
    let part = archive.by_name(name).map_err(|e| match e {
        zip::result::ZipError::FileNotFound => format!("no {name}: not a Word document"),
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

/// One table being read: the cells of its current row and the paragraphs of its current cell.
#[derive(Default)]
struct Table {
    cells: Vec<String>,
    paragraphs: Vec<String>,
}

/// What is being read: the finished lines, open tables (innermost last) and open paragraphs
/// (a text box's paragraphs sit inside a paragraph).
#[derive(Default)]
struct Builder {
    lines: Vec<String>,
    tables: Vec<Table>,
    paragraphs: Vec<String>,
    /// Depth inside elements whose text is skipped (`mc:Fallback`, `w:del`).
    skipping: usize,
    in_text: bool,
    /// Depth inside runs (`w:r`): a `w:tab` outside a run is a tab stop definition, not text.
    runs: usize,
}

impl Builder {
    fn in_cell(&self) -> bool {
        !self.tables.is_empty()
    }

    fn push_text(&mut self, text: &str) {
        if self.skipping == 0
            && self.in_text
            && let Some(paragraph) = self.paragraphs.last_mut()
        {
            paragraph.push_str(text);
        }
    }

    /// A `w:tab` or `w:br`: a tab or a new line outside tables; a space or `<br>` in a cell.
    fn push_break(&mut self, tab: bool) {
        let in_cell = self.in_cell();
        if self.skipping > 0 {
            return;
        }
        if let Some(paragraph) = self.paragraphs.last_mut() {
            paragraph.push_str(match (tab, in_cell) {
                (true, false) => "\t",
                (true, true) => " ",
                (false, false) => "\n",
                (false, true) => "<br>",
            });
        }
    }

    fn end_paragraph(&mut self) {
        let Some(paragraph) = self.paragraphs.pop() else {
            return;
        };
        let paragraph = paragraph.replace('\u{a0}', " ");
        match self.tables.last_mut() {
            Some(table) => {
                if !paragraph.trim().is_empty() {
                    table.paragraphs.push(paragraph.trim().to_owned());
                }
            }
            None => self
                .lines
                .extend(paragraph.split('\n').map(|l| l.trim_end().to_owned())),
        }
    }

    fn end_cell(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            let cell = std::mem::take(&mut table.paragraphs).join("<br>");
            table.cells.push(cell);
        }
    }

    fn end_row(&mut self) {
        let Some(table) = self.tables.last_mut() else {
            return;
        };
        let cells = std::mem::take(&mut table.cells);
        if cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let row = cells.join("\t");
        let depth = self.tables.len();
        if depth >= 2 {
            // A nested table's row is one paragraph of the outer cell.
            let row = row.replace('\t', " ");
            self.tables[depth - 2].paragraphs.push(row);
        } else {
            self.lines.push(row);
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
                "p" => builder.paragraphs.push(String::new()),
                "t" => builder.in_text = true,
                "r" => builder.runs += 1,
                "tbl" => builder.tables.push(Table::default()),
                "Fallback" | "del" | "delText" | "instrText" => builder.skipping += 1,
                _ => {}
            },
            Event::Empty(element) => match element.local_name().as_ref() {
                "tab" if builder.runs > 0 => builder.push_break(true),
                "br" | "cr" if builder.runs > 0 => builder.push_break(false),
                "p" => {
                    builder.paragraphs.push(String::new());
                    builder.end_paragraph();
                }
                "tc" => builder.end_cell(),
                _ => {}
            },
            Event::End(element) => match element.local_name().as_ref() {
                "p" => builder.end_paragraph(),
                "t" => builder.in_text = false,
                "r" => builder.runs = builder.runs.saturating_sub(1),
                "tc" => builder.end_cell(),
                "tr" => builder.end_row(),
                "tbl" => {
                    builder.end_row();
                    builder.tables.pop();
                }
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
    Ok(builder.lines)
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
