//! Office formats in: turns a `.pdf`, `.docx`, `.odt` or `.rtf` decree into the text lines the parser reads.
//!
//! Agencies publish their *Standar Pelayanan* as PDF (with a text layer) or Word files; the
//! parser ([`crate::parse`]) reads lines of text where a table row is one line with its cells
//! separated by tabs (the layout of a text conversion). The readers here produce exactly that,
//! so no parsing rule knows which format a decree came in:
//! - [`pdf`]: the text layer, glyph by glyph, laid out again as visual lines; a wide gap
//!   between two glyphs of a line (a table's column boundary) becomes a tab.
//! - [`docx`]: `word/document.xml`, one line per paragraph and per table row (cells joined by
//!   tabs, paragraphs inside a cell by `<br>`, which the cleaner reads as a line break).
//! - [`rtf`]: a Word document saved as Rich Text, read as Word shows it and laid out as a
//!   `.docx` is (the parser recognises RTF by its content, whatever the file is called).
//! - [`odt`]: LibreOffice's OpenDocument text, `content.xml`, laid out as a `.docx` is.
//! - `flow`: the layout the word processors' readers share.
//!
//! Line numbers of a PDF or Word decree count the lines of this text (citations name the decree,
//! never a line, to citizens; `loket standards` shows them to the administrator). Text files
//! never come here: their lines are the file's own lines.
//!
//! Errors name the file and say what the operator must do: a PDF without text needs OCR first,
//! an encrypted file must be saved again without a password, a damaged one exported again. A
//! reader never panics on a bad file: a panic inside the PDF library is caught and reported as a
//! damaged file.

pub mod docx;
mod flow;
pub mod odt;
pub mod pdf;
pub mod rtf;

use std::path::Path;

/// The formats a decree file can come in, by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Text conversions: `.txt`, `.md`, `.markdown`, `.html`, `.htm`, spreadsheets saved as
    /// `.csv` (comma or semicolon separated) and service-catalogue exports saved as `.json`,
    /// `.xml` or `.yml`/`.yaml`, and Word documents saved as Rich Text (`.rtf`, read by [`rtf`]).
    Text,
    /// `.pdf` with a text layer.
    Pdf,
    /// `.docx` (Office Open XML).
    Docx,
    /// `.odt` (OpenDocument text, LibreOffice's own format).
    Odt,
    /// An office format loket does not read (`.doc`, `.xls`, `.xlsx`, `.ppt`,
    /// `.pptx`, `.wps`): reported as such, with what to save it as, so a decree dropped in
    /// the directory in such a format is never skipped silently.
    Unsupported(&'static str),
}

impl Format {
    /// The format of a file name, or `None` when it is no decree format.
    pub fn of(file_name: &str) -> Option<Self> {
        let extension = Path::new(file_name).extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "txt" | "md" | "markdown" | "html" | "htm" | "csv" | "json" | "xml" | "yml" | "yaml" | "rtf" => {
                Some(Self::Text)
            }
            "pdf" => Some(Self::Pdf),
            "docx" => Some(Self::Docx),
            "doc" => Some(Self::Unsupported("Word 97-2003 (.doc)")),
            "odt" => Some(Self::Odt),
            "wps" => Some(Self::Unsupported("WPS Writer (.wps)")),
            "xls" | "xlsx" | "ods" => Some(Self::Unsupported("spreadsheet")),
            "ppt" | "pptx" | "odp" => Some(Self::Unsupported("slide deck")),
            _ => None,
        }
    }
}

/// Why a PDF or Word decree could not be read. Every message names the file and says what to do.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// An office format loket does not read.
    #[error(
        "{file}: loket does not read this {format} file: open it and save it as .docx (Word), \
         .pdf or .csv (a spreadsheet, one sheet), then add that file instead"
    )]
    Unsupported {
        /// The file's name.
        file: String,
        /// What kind of file it is.
        format: &'static str,
    },
    /// A PDF whose pages carry no text (a scan or a photo).
    #[error(
        "{file}: the PDF has no text layer (probably a scan): run OCR on it first (for example \
         `ocrmypdf -l ind {file} {file}`) or put a text conversion in its place"
    )]
    NeedsOcr {
        /// The file's name.
        file: String,
    },
    /// A password-protected file.
    #[error("{file}: the file is encrypted or password-protected: save it again without a password")]
    Encrypted {
        /// The file's name.
        file: String,
    },
    /// A file that is cut short, damaged, or not of the format its name says.
    #[error("{file}: cannot read this {format} file ({reason}): it may be damaged or cut short; export it again")]
    Damaged {
        /// The file's name.
        file: String,
        /// The format it was read as ("PDF", "Word (.docx)").
        format: &'static str,
        /// What the reader found wrong.
        reason: String,
    },
}

#[cfg(test)]
mod fixture_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_follow_the_extension_in_any_case() {
        assert_eq!(Format::of("sk.TXT"), Some(Format::Text));
        assert_eq!(Format::of("sk.html"), Some(Format::Text));
        assert_eq!(Format::of("standar.csv"), Some(Format::Text));
        assert_eq!(Format::of("katalog.xml"), Some(Format::Text));
        assert_eq!(Format::of("Standar Pelayanan.PDF"), Some(Format::Pdf));
        assert_eq!(Format::of("sk.docx"), Some(Format::Docx));
        assert_eq!(Format::of("SK Bupati.RTF"), Some(Format::Text));
        assert!(matches!(Format::of("sk.doc"), Some(Format::Unsupported(_))));
        assert_eq!(Format::of("SK.ODT"), Some(Format::Odt));
        assert!(matches!(Format::of("standar.xlsx"), Some(Format::Unsupported(_))));
        assert_eq!(Format::of("logo.png"), None);
        assert_eq!(Format::of("README"), None);
    }
}
