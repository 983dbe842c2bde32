//! `loket eval`: accuracy of the answer engine on the labelled question sets and conversations.
//!
//! Without `--questions`/`--conversations` it runs the whole suite of `knowledge/eval/` and prints
//! one table: the team's own sets, the blind sets (dev: tune on it; test: read only at the end),
//! their conversations, and the blind set of a decree in a layout not in the standards directory
//! (indexed together with the shipped decrees). The test parts are left out unless `--final` is
//! given: they are read once, at the end of a round. `--misses` lists the misses of the sets meant for
//! tuning only; a test set's misses are printed only when that file is named explicitly.

use loket_knowledge::answer::Engine;
use loket_knowledge::eval::{Report, TurnReport, parse_cases, parse_turns, run, run_conversations};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What to evaluate.
pub(crate) struct EvalRequest {
    pub(crate) standards: PathBuf,
    pub(crate) questions: Option<PathBuf>,
    pub(crate) conversations: Option<PathBuf>,
    pub(crate) extra: Option<PathBuf>,
    pub(crate) misses: bool,
    /// Include the test parts (read them only at the end of a round).
    pub(crate) final_: bool,
}

/// A set of the default suite.
struct Set {
    name: &'static str,
    questions: Option<&'static str>,
    conversations: Option<&'static str>,
    /// Extra decrees indexed with the shipped ones.
    extra: Option<&'static str>,
    /// Meant for tuning: its misses may be studied.
    tune: bool,
}

const SUITE: &[Set] = &[
    Set {
        name: "team set (questions.tsv)",
        questions: Some("knowledge/eval/questions.tsv"),
        conversations: None,
        extra: None,
        tune: true,
    },
    Set {
        name: "team held-out (heldout.tsv)",
        questions: Some("knowledge/eval/heldout.tsv"),
        conversations: None,
        extra: None,
        tune: true,
    },
    Set {
        name: "blind dev",
        questions: Some("knowledge/eval/blind/dev.tsv"),
        conversations: Some("knowledge/eval/blind/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "blind test",
        questions: Some("knowledge/eval/blind/test.tsv"),
        conversations: Some("knowledge/eval/blind/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "new layout dev",
        questions: Some("knowledge/eval/blind/newlayout/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/newlayout"),
        tune: true,
    },
    Set {
        name: "new layout test",
        questions: Some("knowledge/eval/blind/newlayout/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/newlayout"),
        tune: false,
    },
    Set {
        name: "round-5 blind test",
        questions: Some("knowledge/eval/blind/r5/test.tsv"),
        conversations: Some("knowledge/eval/blind/r5/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-5 layouts dev (PDF table)",
        questions: Some("knowledge/eval/blind/layouts-r5/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r5"),
        tune: true,
    },
    // Read once as a test part in session 5; its misses were studied in session 6.
    Set {
        name: "round-5 layouts 071 (Word text, tuned on since round 6)",
        questions: Some("knowledge/eval/blind/layouts-r5/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r5"),
        tune: true,
    },
    Set {
        name: "round-6 blind dev (writer A)",
        questions: Some("knowledge/eval/blind/r6/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r6/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-6 blind test (writer B)",
        questions: Some("knowledge/eval/blind/r6/test.tsv"),
        conversations: Some("knowledge/eval/blind/r6/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-6 layouts dev (matrix, PDF without layout)",
        questions: Some("knowledge/eval/blind/layouts-r6/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r6"),
        tune: true,
    },
    // Read once as a test part in session 6, then studied: no longer a test.
    Set {
        name: "round-6 layouts 082/083 (web page, outline; studied since round 6)",
        questions: Some("knowledge/eval/blind/layouts-r6/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r6"),
        tune: true,
    },
    Set {
        name: "round-7 blind test (writer C)",
        questions: Some("knowledge/eval/blind/r7/test.tsv"),
        conversations: Some("knowledge/eval/blind/r7/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-7 layouts dev (OCR scan, LAMPIRAN with synonym labels)",
        questions: Some("knowledge/eval/blind/layouts-r7/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r7"),
        tune: true,
    },
    Set {
        name: "round-7 layouts test (semicolon sheet, box tables; studied since session 7)",
        questions: Some("knowledge/eval/blind/layouts-r7/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r7"),
        tune: true,
    },
    Set {
        name: "round-8 layouts dev (pandoc Markdown, key-value forms under divisions)",
        questions: Some("knowledge/eval/blind/layouts-r8/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r8"),
        tune: true,
    },
    Set {
        name: "round-9 layouts dev (pdftotext -layout matrices: rows, no number column, transposed)",
        questions: Some("knowledge/eval/blind/layouts-r9/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r9"),
        tune: true,
    },
    Set {
        name: "round-10 blind dev (writer D, conversations first)",
        questions: Some("knowledge/eval/blind/r10/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r10/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-10 layouts dev (tab-pasted Word tables, transcribed posters)",
        questions: Some("knowledge/eval/blind/layouts-r10/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r10"),
        tune: true,
    },
    Set {
        name: "round-11 blind dev (writer E, conversations first)",
        questions: Some("knowledge/eval/blind/r11/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r11/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-11 layouts dev (open-data CSV export, slide deck)",
        questions: Some("knowledge/eval/blind/layouts-r11/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r11"),
        tune: true,
    },
    Set {
        name: "round-11 layouts, more to tune on (raw HTML source, docx2txt, WhatsApp broadcasts)",
        questions: Some("knowledge/eval/blind/layouts-r11b/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r11b"),
        tune: true,
    },
    Set {
        name: "round-12 blind dev (writer F, conversations first)",
        questions: Some("knowledge/eval/blind/r12/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r12/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-12 layouts dev (an FAQ page, a prose leaflet)",
        questions: Some("knowledge/eval/blind/layouts-r12/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r12"),
        tune: true,
    },
    Set {
        name: "round-13 blind dev (writer G)",
        questions: Some("knowledge/eval/blind/r13/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r13/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-13 layouts dev (a Peraturan Bupati in articles, a JSON API export)",
        questions: Some("knowledge/eval/blind/layouts-r13/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r13"),
        tune: true,
    },
    Set {
        name: "round-13 blind test (writer G)",
        questions: Some("knowledge/eval/blind/r13/test.tsv"),
        conversations: Some("knowledge/eval/blind/r13/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    // Read once as a test part in session 13; its misses were studied in session 14.
    Set {
        name: "round-13 layouts 161/163 (DataTables page, clerk-typed text; tuned on since round 14)",
        questions: Some("knowledge/eval/blind/layouts-r13/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r13"),
        tune: true,
    },
    Set {
        name: "round-14 blind dev (writer H)",
        questions: Some("knowledge/eval/blind/r14/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r14/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-14 layouts dev (a long-form CSV sheet, a Notion Markdown export)",
        questions: Some("knowledge/eval/blind/layouts-r14/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r14"),
        tune: true,
    },
    // Read once as a test part at the end of session 14; studied since session 15.
    Set {
        name: "round-14 layouts 171/173 (two-column leaflet, circular letter; tuned on since round 15)",
        questions: Some("knowledge/eval/blind/layouts-r14/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r14"),
        tune: true,
    },
    Set {
        name: "round-15 blind dev (writer I)",
        questions: Some("knowledge/eval/blind/r15/dev.tsv"),
        conversations: Some("knowledge/eval/blind/r15/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-15 layouts dev (a decree organised by component, a pandoc gfm Markdown export)",
        questions: Some("knowledge/eval/blind/layouts-r15/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r15"),
        tune: true,
    },
    Set {
        name: "round-15 blind test (writer I)",
        questions: Some("knowledge/eval/blind/r15/test.tsv"),
        conversations: Some("knowledge/eval/blind/r15/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    // Read once as a test part in session 15 (5.3% answered), studied since.
    Set {
        name: "round-15 layouts 182/183 (transposed CSV matrix, standard-and-SOP booklet; tuned on since round 15)",
        questions: Some("knowledge/eval/blind/layouts-r15/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r15"),
        tune: true,
    },
    Set {
        name: "round-15b blind conversations (writer J, test only)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r15b/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    // Read once as a test part in session 15 (0% answered), studied since.
    Set {
        name: "round-15b layouts 190/191 (an XML export, an MPP catalogue page; tuned on since round 15)",
        questions: Some("knowledge/eval/blind/layouts-r15b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r15b"),
        tune: true,
    },
    Set {
        name: "round-16 layouts dev (xlsx2csv workbook, lynx page dump, forwarded e-mail newsletter)",
        questions: Some("knowledge/eval/blind/layouts-r16/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r16"),
        tune: true,
    },
    Set {
        name: "round-16c layouts dev (unrtf text, a Telegram channel export, clerk-drawn boxes)",
        questions: Some("knowledge/eval/blind/layouts-r16c/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r16c"),
        tune: true,
    },
    Set {
        name: "round-16d layouts dev (WhatsApp chat export, UTF-16 Excel Unicode text, YAML catalogue)",
        questions: Some("knowledge/eval/blind/layouts-r16d/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r16d"),
        tune: true,
    },
    // Read once as a test part in session 16 (32.5% answered), studied since.
    Set {
        name: "round-16b layouts 205/206 (a static-site Markdown export, a SIPP-style printout; tuned on since round 17)",
        questions: Some("knowledge/eval/blind/layouts-r16b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r16b"),
        tune: true,
    },
    // Read once as a test part in session 17 (3.9% answered), studied since.
    Set {
        name: "round-17 layouts 230/231 (an OCR scan, a docx2txt Word text; tuned on since round 17)",
        questions: Some("knowledge/eval/blind/layouts-r17/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r17"),
        tune: true,
    },
    Set {
        name: "round-17b layouts dev (Instagram captions, MediaWiki source, a slide deck dump)",
        questions: Some("knowledge/eval/blind/layouts-r17b/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r17b"),
        tune: true,
    },
    Set {
        name: "round-17c layouts dev (a Google Form responses CSV, a quoted-printable e-mail, JSON-LD in a page)",
        questions: Some("knowledge/eval/blind/layouts-r17c/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r17c"),
        tune: true,
    },
    Set {
        name: "round-17e layouts dev (a Word plain-text export in Windows-1252, Google Lens photos of service boards)",
        questions: Some("knowledge/eval/blind/layouts-r17e/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r17e"),
        tune: true,
    },
    Set {
        name: "round-17d layouts 260/261 (a Word plain-text export in Windows-1252, Google Lens photos of service boards; tuned on since round 18)",
        questions: Some("knowledge/eval/blind/layouts-r17d/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r17d"),
        tune: true,
    },
    Set {
        name: "round-18b layouts dev (an antiword .doc conversion, an Acrobat Save as Text PDF, a news article on a regency portal)",
        questions: Some("knowledge/eval/blind/layouts-r18b/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r18b"),
        tune: true,
    },
    Set {
        name: "round-19 blind conversations dev (writer O)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r19/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-20 layouts dev (a Docling Markdown of a PDF decree, a Word filtered web page as raw HTML, Tabula CSV of a PDF's tables)",
        questions: Some("knowledge/eval/blind/layouts-r20/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r20"),
        tune: true,
    },
    Set {
        name: "round-20c layouts dev (a python-docx dump, a pdfplumber text of a PDF decree, a BeautifulSoup get_text of a WordPress page)",
        questions: Some("knowledge/eval/blind/layouts-r20c/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r20c"),
        tune: true,
    },
    Set {
        name: "round-20 blind conversations dev (writer P)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r20/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-19 layouts dev (a web application page saved as text by Firefox, a Google Docs plain-text download, a PDF copied from Chrome's viewer)",
        questions: Some("knowledge/eval/blind/layouts-r19/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r19"),
        tune: true,
    },
    Set {
        name: "round-17 blind test (writers L and M, test only)",
        questions: Some("knowledge/eval/blind/r17/test.tsv"),
        conversations: Some("knowledge/eval/blind/r17/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-16 blind conversations (writer K, test only)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r16/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-14 blind test (writer H)",
        questions: Some("knowledge/eval/blind/r14/test.tsv"),
        conversations: Some("knowledge/eval/blind/r14/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-12 blind test (writer F)",
        questions: Some("knowledge/eval/blind/r12/test.tsv"),
        conversations: Some("knowledge/eval/blind/r12/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-12 layouts test (a bilingual Word text, plain pdftotext of PermenPANRB tables)",
        questions: Some("knowledge/eval/blind/layouts-r12/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r12"),
        tune: false,
    },
    Set {
        name: "round-11 blind test (writer E)",
        questions: Some("knowledge/eval/blind/r11/test.tsv"),
        conversations: Some("knowledge/eval/blind/r11/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-11 layouts test (pandoc plain text, pdftotext -raw of PermenPANRB tables)",
        questions: Some("knowledge/eval/blind/layouts-r11/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r11"),
        tune: false,
    },
    Set {
        name: "round-10 blind test (writer D)",
        questions: Some("knowledge/eval/blind/r10/test.tsv"),
        conversations: Some("knowledge/eval/blind/r10/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-10 layouts test (a w3m page dump)",
        questions: Some("knowledge/eval/blind/layouts-r10/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r10"),
        tune: false,
    },
    Set {
        name: "round-8 layouts test (pdftotext matrix, one cell per paragraph)",
        questions: Some("knowledge/eval/blind/layouts-r8/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r8"),
        tune: false,
    },
    Set {
        name: "round-18 layouts test (an antiword .doc conversion, an xlsx workbook through MarkItDown)",
        questions: Some("knowledge/eval/blind/layouts-r18/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r18"),
        tune: false,
    },
    Set {
        name: "round-18 blind conversations (writer N, test only)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r18/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-19 blind conversations test (writer O)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r19/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-19 layouts test (an Outlook e-mail saved as text, an RTF through textutil)",
        questions: Some("knowledge/eval/blind/layouts-r19b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r19b"),
        tune: false,
    },
    Set {
        name: "round-20 blind conversations test (writer P)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r20/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-20 layouts test (a Blogger Atom XML backup, a raw RTF source)",
        questions: Some("knowledge/eval/blind/layouts-r20b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r20b"),
        tune: false,
    },
    Set {
        name: "round-21 blind conversations dev (writer Q)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r21/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-21 blind conversations test (writer Q)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r21/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-21 layouts dev (raw RTF source, a Google Docs HTML export, a Google Drive OCR of a scanned decree)",
        questions: Some("knowledge/eval/blind/layouts-r21/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r21"),
        tune: true,
    },
    Set {
        name: "round-21 layouts test (a signed PDF through pypdf, a WordPress page through html2text)",
        questions: Some("knowledge/eval/blind/layouts-r21b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r21b"),
        tune: false,
    },
    Set {
        name: "round-22 blind conversations dev (writer R)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r22/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-22 blind conversations test (writer R)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r22/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-23 blind conversations dev (writer U)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r23u/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-23 blind conversations test (writer U)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r23u/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-23 blind conversations dev (writer T)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r23t/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-23 blind conversations test (writer T)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r23t/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-24 blind conversations dev (writer V)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r24v/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-24 blind conversations test (writer V)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r24v/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-25 blind conversations dev (writer W)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r25w/conversations-dev.tsv"),
        extra: None,
        tune: true,
    },
    Set {
        name: "round-25 blind conversations test (writer W)",
        questions: None,
        conversations: Some("knowledge/eval/blind/r25w/conversations-test.tsv"),
        extra: None,
        tune: false,
    },
    Set {
        name: "round-22 blind questions dev (writer S)",
        questions: Some("knowledge/eval/blind/r22q/dev.tsv"),
        conversations: None,
        extra: None,
        tune: true,
    },
    Set {
        name: "round-22 blind questions test (writer S)",
        questions: Some("knowledge/eval/blind/r22q/test.tsv"),
        conversations: None,
        extra: None,
        tune: false,
    },
    Set {
        name: "round-25 blind questions dev (writer Q)",
        questions: Some("knowledge/eval/blind/r25q/dev.tsv"),
        conversations: None,
        extra: None,
        tune: true,
    },
    Set {
        name: "round-25 blind questions test (writer Q)",
        questions: Some("knowledge/eval/blind/r25q/test.tsv"),
        conversations: None,
        extra: None,
        tune: false,
    },
    Set {
        name: "round-22 layouts dev (an Excel XML Spreadsheet 2003, a PDF copied from a document-sharing site, a Wayback Machine capture)",
        questions: Some("knowledge/eval/blind/layouts-r22/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r22"),
        tune: true,
    },
    Set {
        name: "round-22c layouts dev (a MarkItDown Markdown of a docx, a WordPress REST API response, a mail-merged PDF form)",
        questions: Some("knowledge/eval/blind/layouts-r22c/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r22c"),
        tune: true,
    },
    Set {
        name: "round-23 layouts dev (PyMuPDF text of a signed PDF, pymupdf4llm Markdown of a PDF table, trafilatura text of a WordPress page)",
        questions: Some("knowledge/eval/blind/layouts-r23/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r23"),
        tune: true,
    },
    Set {
        name: "round-22 layouts test (a PDF decree through pdftohtml, an Excel sheet saved as a web page)",
        questions: Some("knowledge/eval/blind/layouts-r22b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r22b"),
        tune: false,
    },
    Set {
        name: "round-23 layouts test (a PDF decree through pymupdf4llm, a Word .doc through catdoc)",
        questions: Some("knowledge/eval/blind/layouts-r23b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r23b"),
        tune: false,
    },
    Set {
        name: "round-24 layouts dev (a Word .doc through catdoc, a LibreOffice text export, markitdown Markdown of a PDF)",
        questions: Some("knowledge/eval/blind/layouts-r24/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r24"),
        tune: true,
    },
    Set {
        name: "round-24 layouts test (a PDF decree through pdfminer pdf2txt.py, an .odt through odt2txt)",
        questions: Some("knowledge/eval/blind/layouts-r24b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r24b"),
        tune: false,
    },
    Set {
        name: "round-25 layouts dev (a PDF matrix through plain pdftotext, pandoc reStructuredText of a docx, PyMuPDF text of a PDF)",
        questions: Some("knowledge/eval/blind/layouts-r25/dev.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r25"),
        tune: true,
    },
    Set {
        name: "round-25 layouts test (a LibreOffice PDF through mutool, a Word decree through AbiWord)",
        questions: Some("knowledge/eval/blind/layouts-r25b/test.tsv"),
        conversations: None,
        extra: Some("knowledge/eval/blind/layouts-r25b"),
        tune: false,
    },
];

pub(crate) fn run_eval(request: &EvalRequest) -> anyhow::Result<ExitCode> {
    if request.questions.is_some() || request.conversations.is_some() {
        let engine = engine_with(&request.standards, request.extra.as_deref())?;
        let questions = request
            .questions
            .as_deref()
            .map(|f| questions(&engine, f))
            .transpose()?;
        let turns = request
            .conversations
            .as_deref()
            .map(|f| conversations(&engine, f))
            .transpose()?;
        print_header();
        print_row("selected", questions.as_ref(), turns.as_ref());
        if request.misses {
            print_misses(questions.as_ref(), turns.as_ref());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let shipped = engine_with(&request.standards, None)?;
    let mut with_extra: Option<(String, Engine)> = None;
    print_header();
    let mut studied = Vec::new();
    for set in SUITE.iter().filter(|s| s.tune || request.final_) {
        let engine = match set.extra {
            None => &shipped,
            Some(extra) => {
                if with_extra.as_ref().is_none_or(|(dir, _)| dir != extra) {
                    with_extra = Some((
                        extra.to_owned(),
                        engine_with(&request.standards, Some(Path::new(extra)))?,
                    ));
                }
                &with_extra.as_ref().expect("just built").1
            }
        };
        let questions = set.questions.map(|f| questions(engine, Path::new(f))).transpose()?;
        let turns = set
            .conversations
            .map(|f| conversations(engine, Path::new(f)))
            .transpose()?;
        print_row(set.name, questions.as_ref(), turns.as_ref());
        if set.tune {
            studied.push((set.name, questions, turns));
        }
    }
    if request.misses {
        for (name, questions, turns) in &studied {
            println!("\n## misses: {name}");
            print_misses(questions.as_ref(), turns.as_ref());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn engine_with(standards: &Path, extra: Option<&Path>) -> anyhow::Result<Engine> {
    let mut documents = super::parse_documents(standards)?;
    if let Some(extra) = extra {
        documents.extend(super::parse_documents(extra)?);
    }
    Ok(Engine::build(documents)?)
}

fn read(file: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(file)
        .map_err(|e| anyhow::anyhow!("cannot read the evaluation file {}: {e}", file.display()))
}

fn questions(engine: &Engine, file: &Path) -> anyhow::Result<Report> {
    let cases = parse_cases(&read(file)?).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(run(engine, &cases))
}

fn conversations(engine: &Engine, file: &Path) -> anyhow::Result<TurnReport> {
    let turns = parse_turns(&read(file)?).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(run_conversations(engine, &turns))
}

fn print_header() {
    println!(
        "| set | right service answered | one tap (answered or in <= 3 choices) | aspect when service right | refusals where due | small talk | conversation turns |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 {
        "-".to_owned()
    } else {
        format!("{:.1}% ({part}/{whole})", part as f64 * 100.0 / whole as f64)
    }
}

fn print_row(name: &str, questions: Option<&Report>, turns: Option<&TurnReport>) {
    let q = |f: &dyn Fn(&Report) -> String| questions.map_or("-".to_owned(), f);
    println!(
        "| {name} | {} | {} | {} | {} | {} | {} |",
        q(&|r| percent(r.service_correct, r.answerable)),
        q(&|r| percent(r.one_tap, r.answerable)),
        q(&|r| percent(r.aspect_correct, r.service_right)),
        q(&|r| percent(r.refused, r.unanswerable)),
        q(&|r| percent(r.smalltalk_correct, r.smalltalk)),
        turns.map_or("-".to_owned(), |t| percent(t.correct, t.turns)),
    );
}

fn print_misses(questions: Option<&Report>, turns: Option<&TurnReport>) {
    let misses = questions
        .iter()
        .flat_map(|r| &r.misses)
        .chain(turns.iter().flat_map(|t| &t.misses));
    for (line, question, expected, got) in misses {
        println!("  line {line}: {question:?}\n    expected {expected}\n    got      {got}");
    }
}
