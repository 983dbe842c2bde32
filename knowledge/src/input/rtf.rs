//! Rich Text (`.rtf`) decrees as text lines: a Word document saved as RTF, read the way Word
//! shows it, laid out like a `.docx` ([`super::flow`]: a paragraph a line, a table row a line of
//! tab-separated cells).
//!
//! RTF is text of groups (`{...}`) and control words (`\par`, `\cell`, `\'e9`, `\u8211?`).
//! What the reader keeps: the body's text, the page headers (where letterheads live; each
//! distinct one once, before the body, as the `.docx` reader does), field results (a hyperlink's
//! text), list numbers Word writes in `{\listtext ...}` groups, and tables (`\cell`, `\row`;
//! nested ones by `\nestcell`/`\nestrow`). What it leaves out: the document's tables of fonts,
//! colours, styles, lists and revisions, its metadata, pictures and objects, footers, footnotes,
//! field instructions, comments, every ignorable destination (`{\*\...}`), hidden text and text
//! deleted by an unaccepted tracked change (the document as its reader sees it, without the
//! reviewer's marks). Bytes given as `\'hh` are decoded in the document's code page
//! (`\ansicpg`, Windows-1252 when none is named); `\uN` characters are read and their fallback
//! skipped (`\ucN`).

use super::flow::Flow;

/// Whether decoded text is an RTF document's source.
pub fn is_rtf(text: &str) -> bool {
    text.trim_start_matches('\u{feff}').trim_start().starts_with("{\\rtf")
}

/// The text lines of an RTF document's source: headers first (each distinct one once, then a
/// blank line), then the body.
pub fn text(rtf: &str) -> String {
    let mut reader = Reader::new();
    reader.read(rtf);
    let body = std::mem::take(&mut reader.body).finish();
    let mut lines: Vec<String> = Vec::new();
    for header in &reader.headers {
        lines.extend(header.iter().cloned());
        lines.push(String::new());
    }
    lines.extend(body);
    lines.join("\n")
}

/// Group-scoped state: RTF restores it at a group's end.
#[derive(Clone, Copy)]
struct State {
    /// Text of this group is not shown (an ignorable destination, a font table, a picture...).
    skip: bool,
    /// Inside a page header: text goes to the header being read.
    header: bool,
    /// Hidden (`\v`) or deleted by a tracked change (`\deleted`).
    hidden: bool,
    deleted: bool,
    /// Fallback characters after a `\uN` (`\ucN`).
    unicode_skip: u32,
    /// The paragraph is in a table (`\intbl`), at nesting level `\itapN`.
    in_table: bool,
    nesting: u32,
}

impl State {
    fn shows_text(&self) -> bool {
        !(self.skip || self.hidden || self.deleted)
    }

    /// The table depth of the current paragraph (0: the body).
    fn table_depth(&self) -> usize {
        match (self.in_table, self.nesting) {
            (false, 0) => 0,
            (_, 0) => 1,
            (_, n) => n as usize,
        }
    }
}

/// Destinations whose content is not the document's visible text.
const SKIPPED: &[&str] = &[
    "fonttbl",
    "colortbl",
    "stylesheet",
    "info",
    "listtable",
    "listoverridetable",
    "revtbl",
    "rsidtbl",
    "generator",
    "xmlnstbl",
    "latentstyles",
    "themedata",
    "colorschememapping",
    "datastore",
    "pgdsctbl",
    "filetbl",
    "pict",
    "object",
    "nonshppict",
    "shpinst",
    "footer",
    "footerl",
    "footerr",
    "footerf",
    "footnote",
    "fldinst",
    "annotation",
    "atnid",
    "atnauthor",
    "bkmkstart",
    "bkmkend",
    "mmathPr",
    "template",
];

/// Destinations holding a page header.
const HEADERS: &[&str] = &["header", "headerl", "headerr", "headerf"];

struct Reader {
    body: Flow,
    /// The header being read, and the distinct headers read so far.
    header: Option<Flow>,
    headers: Vec<Vec<String>>,
    groups: Vec<State>,
    state: State,
    /// Bytes given as `\'hh`, decoded together (a double-byte code page needs both).
    bytes: Vec<u8>,
    encoding: &'static encoding_rs::Encoding,
    /// Fallback characters still to skip after a `\uN`.
    pending_skip: u32,
    /// The next control word after `\*` names an ignorable destination.
    starred: bool,
}

impl Reader {
    fn new() -> Self {
        Reader {
            body: Flow::default(),
            header: None,
            headers: Vec::new(),
            groups: Vec::new(),
            state: State {
                skip: false,
                header: false,
                hidden: false,
                deleted: false,
                unicode_skip: 1,
                in_table: false,
                nesting: 0,
            },
            bytes: Vec::new(),
            encoding: encoding_rs::WINDOWS_1252,
            pending_skip: 0,
            starred: false,
        }
    }

    fn flow(&mut self) -> &mut Flow {
        match (&mut self.header, self.state.header) {
            (Some(header), true) => header,
            _ => &mut self.body,
        }
    }

    fn read(&mut self, rtf: &str) {
        let chars: Vec<char> = rtf.chars().collect();
        let mut at = 0;
        while at < chars.len() {
            let c = chars[at];
            at += 1;
            match c {
                '{' => {
                    self.flush_bytes();
                    self.pending_skip = 0;
                    self.groups.push(self.state);
                }
                '}' => {
                    self.flush_bytes();
                    self.pending_skip = 0;
                    self.starred = false;
                    self.end_group();
                }
                '\\' => at = self.control(&chars, at),
                '\r' | '\n' => {}
                '\t' => {
                    self.flush_bytes();
                    self.tab();
                }
                c => {
                    self.flush_bytes();
                    if self.pending_skip > 0 {
                        self.pending_skip -= 1;
                    } else {
                        self.char(c);
                    }
                }
            }
        }
        self.flush_bytes();
        // An unbalanced document: a header still open is kept as it stands.
        if let Some(header) = self.header.take() {
            self.keep_header(header);
        }
    }

    fn end_group(&mut self) {
        let was_header = self.state.header;
        if let Some(outer) = self.groups.pop() {
            self.state = outer;
        }
        if was_header
            && !self.state.header
            && let Some(header) = self.header.take()
        {
            self.keep_header(header);
        }
    }

    fn keep_header(&mut self, header: Flow) {
        let lines: Vec<String> = header.finish().into_iter().filter(|l| !l.trim().is_empty()).collect();
        if !lines.is_empty() && !self.headers.contains(&lines) {
            self.headers.push(lines);
        }
    }

    /// Reads the control word or symbol after a backslash at `at`; returns where reading goes on.
    fn control(&mut self, chars: &[char], mut at: usize) -> usize {
        let Some(&first) = chars.get(at) else {
            return at;
        };
        if !first.is_ascii_alphabetic() {
            at += 1;
            match first {
                '\'' => {
                    // Two hex digits; counted in characters, so a careless source's "\'é" moves
                    // on by what it holds.
                    let digits = chars
                        .iter()
                        .skip(at)
                        .take(2)
                        .take_while(|c| c.is_ascii_hexdigit())
                        .count();
                    let hex: String = chars[at..at + digits].iter().collect();
                    at += digits;
                    if let Ok(byte) = u8::from_str_radix(&hex, 16) {
                        if self.pending_skip > 0 {
                            self.pending_skip -= 1;
                        } else if self.state.shows_text() {
                            self.bytes.push(byte);
                        }
                    }
                    return at;
                }
                '*' => self.starred = true,
                '~' => self.symbol('\u{a0}'),
                '_' => self.symbol('-'),
                '\\' | '{' | '}' => self.symbol(first),
                '\r' | '\n' => self.paragraph(),
                // An optional hyphen, an index entry's mark: nothing to read.
                _ => {}
            }
            return at;
        }
        let start = at;
        while chars.get(at).is_some_and(char::is_ascii_alphabetic) {
            at += 1;
        }
        let word: String = chars[start..at].iter().collect();
        let number_start = at;
        if chars.get(at) == Some(&'-') {
            at += 1;
        }
        while chars.get(at).is_some_and(char::is_ascii_digit) {
            at += 1;
        }
        let parameter: Option<i64> = chars[number_start..at].iter().collect::<String>().parse().ok();
        if chars.get(at) == Some(&' ') {
            at += 1;
        }
        if word == "bin" {
            // Binary data follows: as many characters as the parameter says.
            return at + parameter.unwrap_or(0).max(0) as usize;
        }
        self.word(&word, parameter);
        at
    }

    fn word(&mut self, word: &str, parameter: Option<i64>) {
        if word != "u" {
            self.flush_bytes();
            self.pending_skip = 0;
        }
        let on = parameter != Some(0);
        if std::mem::take(&mut self.starred) && word != "nesttableprops" {
            self.state.skip = true;
            return;
        }
        if SKIPPED.contains(&word) {
            self.state.skip = true;
            return;
        }
        if HEADERS.contains(&word) {
            if !self.state.skip && self.header.is_none() {
                self.state.header = true;
                self.header = Some(Flow::default());
            } else {
                self.state.skip = true;
            }
            return;
        }
        match word {
            "ansicpg" => {
                if let Some(page) = parameter {
                    let label = format!("windows-{page}");
                    self.encoding = encoding_rs::Encoding::for_label(label.as_bytes())
                        .or_else(|| encoding_rs::Encoding::for_label(format!("cp{page}").as_bytes()))
                        .unwrap_or(encoding_rs::WINDOWS_1252);
                }
            }
            "u" => {
                if let Some(code) = parameter {
                    self.flush_bytes();
                    let code = if code < 0 { code + 65536 } else { code };
                    if let Some(c) = u32::try_from(code).ok().and_then(char::from_u32) {
                        self.char(c);
                    }
                    self.pending_skip = self.state.unicode_skip;
                }
            }
            "uc" => self.state.unicode_skip = parameter.unwrap_or(1).clamp(0, 8) as u32,
            "v" | "webhidden" => self.state.hidden = on,
            "deleted" => self.state.deleted = on,
            "pard" => {
                self.state.in_table = false;
                self.state.nesting = 0;
            }
            "intbl" => self.state.in_table = true,
            "itap" => self.state.nesting = parameter.unwrap_or(1).clamp(0, 64) as u32,
            "par" | "sect" => self.paragraph(),
            "line" | "page" if self.state.shows_text() => {
                self.open_paragraph();
                self.flow().push_break(false);
            }
            "tab" => self.tab(),
            "cell" => self.end_cell(1),
            "nestcell" => self.end_cell(self.state.table_depth().max(2)),
            "row" => self.end_row(1),
            "nestrow" => self.end_row(self.state.table_depth().max(2)),
            "emdash" => self.symbol('\u{2014}'),
            "endash" => self.symbol('\u{2013}'),
            "bullet" => self.symbol('\u{2022}'),
            "lquote" => self.symbol('\u{2018}'),
            "rquote" => self.symbol('\u{2019}'),
            "ldblquote" => self.symbol('\u{201c}'),
            "rdblquote" => self.symbol('\u{201d}'),
            "emspace" | "enspace" | "qmspace" => self.symbol(' '),
            _ => {}
        }
    }

    fn symbol(&mut self, c: char) {
        self.flush_bytes();
        self.pending_skip = 0;
        self.char(c);
    }

    fn char(&mut self, c: char) {
        if !self.state.shows_text() {
            return;
        }
        self.open_paragraph();
        let mut buffer = [0; 4];
        self.flow().push_text(c.encode_utf8(&mut buffer));
    }

    fn tab(&mut self) {
        if self.state.shows_text() {
            self.open_paragraph();
            self.flow().push_break(true);
        }
    }

    fn flush_bytes(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        let bytes = std::mem::take(&mut self.bytes);
        let (text, _, _) = self.encoding.decode(&bytes);
        self.open_paragraph();
        self.flow().push_text(&text);
    }

    /// Opens a paragraph for text at the current paragraph's table depth, when none is open.
    fn open_paragraph(&mut self) {
        let depth = self.state.table_depth();
        self.at_depth(depth);
        if !self.flow().in_paragraph() {
            self.flow().open_paragraph();
        }
    }

    /// Ends open paragraphs and tables deeper than `depth` and opens tables up to it.
    fn at_depth(&mut self, depth: usize) {
        let flow = self.flow();
        if flow.table_depth() != depth {
            while flow.in_paragraph() {
                flow.end_paragraph();
            }
        }
        while flow.table_depth() > depth {
            flow.end_cell();
            flow.close_table();
        }
        while flow.table_depth() < depth {
            flow.open_table();
        }
    }

    /// A paragraph mark; one that is hidden or deleted joins its paragraph to the next.
    fn paragraph(&mut self) {
        if !self.state.shows_text() {
            return;
        }
        self.open_paragraph();
        self.flow().end_paragraph();
    }

    fn end_cell(&mut self, depth: usize) {
        if self.state.skip {
            return;
        }
        self.at_depth(depth);
        let flow = self.flow();
        while flow.in_paragraph() {
            flow.end_paragraph();
        }
        flow.end_cell();
    }

    fn end_row(&mut self, depth: usize) {
        if self.state.skip {
            return;
        }
        self.at_depth(depth);
        self.flow().end_row();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(body: &str) -> String {
        format!(
            "{{\\rtf1\\ansi\\ansicpg1252\\deff0{{\\fonttbl{{\\f0\\froman Times New Roman;}}}}\
             {{\\colortbl;\\red0\\green0\\blue0;}}{{\\*\\generator Word;}}\
             {{\\info{{\\author Bagian Organisasi}}}}\r\n{body}}}"
        )
    }

    #[test]
    fn paragraphs_are_lines_and_tables_are_tab_rows() {
        let rtf = document(concat!(
            "\\pard\\plain\\ql PEMERINTAH KABUPATEN CONTOH\\par\r\n",
            "\\pard\\par\r\n",
            "\\trowd\\cellx500\\cellx3000\\cellx9000\\pard\\intbl 1.\\cell Persyaratan\\cell ",
            "1. KTP\\par\\pard\\intbl 2. KK & akta\\cell\r\n",
            "{\\trowd\\cellx500\\cellx3000\\cellx9000\\row}\\trowd\\cellx500\\pard\\intbl 2.\\cell ",
            "Biaya / Tarif\\cell Gratis\\cell\\row\\pard Selesai\\par",
        ));
        assert_eq!(
            text(&rtf),
            "PEMERINTAH KABUPATEN CONTOH\n\n1.\tPersyaratan\t1. KTP<br>2. KK & akta\n2.\tBiaya / Tarif\tGratis\nSelesai"
        );
    }

    #[test]
    fn escapes_unicode_and_code_pages_are_decoded() {
        let rtf = document(concat!(
            "Biaya\\tab Rp 10.000 \\'96 gratis\\par\r\n",
            "Na\\u239?ve \\u8211\\'96 ok\\par\r\n",
            "{\\uc2 x\\u8212\\'97\\'97 y}\\par\r\n",
            "a\\~b\\-c\\_d \\{x\\}\\par",
        ));
        assert_eq!(
            text(&rtf),
            "Biaya\tRp 10.000 \u{2013} gratis\nNa\u{ef}ve \u{2013} ok\nx\u{2014} y\na bc-d {x}"
        );
    }

    #[test]
    fn hidden_deleted_and_ignorable_text_is_left_out() {
        let rtf = document(concat!(
            "{\\*\\bkmkstart judul}Biaya {\\deleted\\revauthdel1 Rp 5.000}{\\revised Rp 7.500}\\par\r\n",
            "{\\*\\annotation catatan reviewer}{\\v tersembunyi}terlihat\\par\r\n",
            "{\\field{\\*\\fldinst HYPERLINK \"https://contoh.go.id\"}{\\fldrslt contoh.go.id}}\\par\r\n",
            "{\\*\\shppict{\\pict\\pngblip 89504e47}}{\\nonshppict{\\pict 0a0b}}{\\listtext 1.\\tab}KTP\\par\r\n",
            "{\\footer\\pard Halaman 1\\par}akhir\\par",
        ));
        assert_eq!(text(&rtf), "Biaya Rp 7.500\nterlihat\ncontoh.go.id\n1.\tKTP\nakhir");
    }

    #[test]
    fn headers_come_first_once_and_nested_tables_join_their_cell() {
        let rtf = document(concat!(
            "{\\headerl\\pard DINAS CONTOH\\par}{\\headerr\\pard DINAS CONTOH\\par}",
            "\\pard Isi\\par\r\n",
            "\\trowd\\cellx3000\\cellx9000\\pard\\intbl Biaya\\cell Tarif:\\par",
            "\\pard\\intbl\\itap2 a.\\nestcell Rp 5.000\\nestcell{\\*\\nesttableprops\\trowd\\cellx500\\nestrow}",
            "\\pard\\intbl\\itap2 b.\\nestcell Rp 9.000\\nestcell{\\*\\nesttableprops\\trowd\\cellx500\\nestrow}",
            "\\pard\\intbl\\cell\\row\\pard akhir\\par",
        ));
        assert_eq!(
            text(&rtf),
            "DINAS CONTOH\n\nIsi\nBiaya\tTarif:<br>a. Rp 5.000<br>b. Rp 9.000\nakhir"
        );
    }

    #[test]
    fn a_letterhead_beside_its_logo_is_lines_not_a_row() {
        let rtf = document(concat!(
            "\\trowd\\cellx1500\\cellx9000\\pard\\intbl{\\*\\shppict{\\pict 89}}\\cell ",
            "PEMERINTAH KABUPATEN CONTOH\\par\\pard\\intbl DINAS KESEHATAN\\cell\\row\r\n",
            "\\pard KEPUTUSAN\\par",
        ));
        assert_eq!(text(&rtf), "PEMERINTAH KABUPATEN CONTOH\nDINAS KESEHATAN\nKEPUTUSAN");
    }

    #[test]
    fn careless_sources_do_not_panic() {
        for rtf in [
            "{\\rtf1",
            "{\\rtf1 \\'",
            "{\\rtf1 \\'4",
            "{\\rtf1 \\u-",
            "}}}{\\rtf1 a\\par",
            "{\\rtf1 \\bin99 ab",
            "{\\rtf1 \\'\u{e9}t\\'e9",
        ] {
            let _ = text(rtf);
        }
        assert_eq!(text("{\\rtf1 teks tanpa penutup\\par"), "teks tanpa penutup");
        // A byte escape without its digits is nothing; the text after it is kept.
        assert_eq!(text("{\\rtf1 a\\'zb\\par}"), "azb");
        assert!(is_rtf("\u{feff} {\\rtf1\\ansi x}"));
        assert!(!is_rtf("{\"layanan\": []}"));
    }
}
