//! PDF and Word decrees made by a real office suite parse like their text.
//!
//! `knowledge/tests/fixtures/formats/` holds, per fixture, the text (`NAME.txt`) and the Word
//! and PDF files LibreOffice made from it (`scripts/make-format-fixtures`, committed so the
//! tests need no office suite). Each format must give the same services (titles), durations
//! and fees as the text. Scans and damaged files give errors that say what to do.

use std::path::{Path, PathBuf};

use crate::document::Document;
use crate::parse::{ParseError, parse_bytes, parse_file};

use super::InputError;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats")
}

fn parsed(name: &str) -> Document {
    let path = fixtures().join(name);
    parse_file(&path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A service's title, duration (words, minutes) and fee (words, rupiah).
type Essentials = (
    String,
    Option<(String, Option<u64>, Option<u64>)>,
    Option<(String, Option<u64>)>,
);

/// What must survive a trip through an office suite: per service, the title, the duration
/// (decree words and minutes) and the fee (decree words and rupiah).
fn essentials(document: &Document) -> Vec<Essentials> {
    document
        .services
        .iter()
        .map(|s| {
            (
                s.title.clone(),
                s.duration
                    .as_ref()
                    .map(|d| (d.raw.clone(), d.min_minutes, d.max_minutes)),
                s.fee.as_ref().map(|f| (f.raw.clone(), f.rupiah)),
            )
        })
        .collect()
}

fn assert_same_as_text(fixture: &str, ext: &str) {
    let text = parsed(&format!("{fixture}.txt"));
    let office = parsed(&format!("{fixture}.{ext}"));
    assert!(text.services.len() >= 5, "{fixture}: {} services", text.services.len());
    assert_eq!(essentials(&office), essentials(&text), "{fixture}.{ext}");
    if ext == "docx" {
        // A PDF's paragraph spacing can split the handbook's three-line title paragraph, which
        // names the agency; Word keeps paragraphs, so the agency must match there.
        assert_eq!(office.agency, text.agency, "{fixture}.{ext}: agency");
    }
    assert_eq!(
        office.decree.as_ref().map(|d| &d.number),
        text.decree.as_ref().map(|d| &d.number),
        "{fixture}.{ext}: decree number"
    );
    // Ids keep the file stem, so a decree re-published as PDF keeps its services' ids.
    assert!(
        office
            .services
            .iter()
            .all(|s| s.id.as_str().starts_with(&format!("{fixture}:")))
    );
}

#[test]
fn letterhead_docx_parses_like_its_text() {
    assert_same_as_text("letterhead", "docx");
}

#[test]
fn letterhead_pdf_parses_like_its_text() {
    assert_same_as_text("letterhead", "pdf");
}

#[test]
fn handbook_docx_parses_like_its_text() {
    assert_same_as_text("handbook", "docx");
}

#[test]
fn handbook_pdf_parses_like_its_text() {
    assert_same_as_text("handbook", "pdf");
}

/// A one-page PDF that draws a filled rectangle and no text, the shape of a scan.
fn pdf_without_text() -> Vec<u8> {
    use pdf_extract::{Dictionary, Document, Object, Stream};
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let content = document.add_object(Stream::new(Dictionary::new(), b"0 0 0 rg 10 10 500 700 re f".to_vec()));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(content));
    page.set(
        "MediaBox",
        Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
    );
    page.set("Resources", Object::Dictionary(Dictionary::new()));
    let page_id = document.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set("Count", Object::Integer(1));
    document.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = document.add_object(catalog);
    document.trailer.set("Root", Object::Reference(catalog_id));
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).unwrap();
    bytes
}

#[test]
fn a_pdf_without_text_needs_ocr_first() {
    let err = parse_bytes("pindaian.pdf", &pdf_without_text()).unwrap_err();
    assert!(
        matches!(err, ParseError::Input(InputError::NeedsOcr { ref file }) if file == "pindaian.pdf"),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.starts_with("pindaian.pdf: "), "{message}");
    assert!(message.contains("OCR"), "{message}");
}

#[test]
fn truncated_files_are_clear_errors() {
    for name in ["letterhead.pdf", "letterhead.docx"] {
        let bytes = std::fs::read(fixtures().join(name)).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        let err = parse_bytes(name, cut).unwrap_err();
        assert!(
            matches!(err, ParseError::Input(InputError::Damaged { .. })),
            "{name}: {err:?}"
        );
        let message = err.to_string();
        assert!(message.starts_with(&format!("{name}: cannot read this")), "{message}");
        assert!(message.contains("export it again"), "{message}");
    }
}

/// A directory with a scan, a damaged Word file and good decrees: the bad files are reported,
/// the others load.
#[test]
fn a_bad_office_file_does_not_stop_the_others() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path();
    for name in ["letterhead.pdf", "handbook.docx"] {
        std::fs::copy(fixtures().join(name), dir.join(name)).unwrap();
    }
    std::fs::write(dir.join("scan.pdf"), pdf_without_text()).unwrap();
    std::fs::write(dir.join("rusak.docx"), b"PK\x03\x04 not really").unwrap();
    std::fs::write(dir.join("~$handbook.docx"), b"Word's lock file").unwrap();
    std::fs::write(dir.join("catatan.doc"), b"not a decree format").unwrap();
    let report = crate::parse::parse_dir(dir).unwrap();
    let parsed: Vec<&str> = report.documents.iter().map(|d| d.source.as_str()).collect();
    assert_eq!(parsed, ["handbook.docx", "letterhead.pdf"]);
    let failed: Vec<String> = report
        .failures
        .iter()
        .map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(failed, ["catatan.doc", "rusak.docx", "scan.pdf"]);
    // A format loket does not read is said so, with what to save it as: never skipped silently.
    let doc = report.failures[0].1.to_string();
    assert!(doc.contains("catatan.doc") && doc.contains(".docx"), "{doc}");
}
