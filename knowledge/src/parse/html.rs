//! Web pages saved as raw HTML source ("view source" pasted into a file).
//!
//! A content management system writes a whole table, or a heading and its table, on one
//! physical line, and scripts, styles and menus around them. The rest of the parser reads a
//! decree line by line, so [`split`] breaks the source at block boundaries: outside table rows
//! every heading, paragraph, list item and division becomes its own line of plain text (tags
//! dropped, entities decoded), a table row (`<tr> ... </tr>`) stays one line with its tags
//! for the row reader, and scripts, styles, menus and footers are dropped. Each line of the result remembers
//! the source line it came from, so citations still point into the file the agency published.
//!
//! Only a whole HTML document (a doctype, `<html>` or `<body>`) is split: HTML fragments
//! inside a converted decree's cells (`<p>`, `<ol><li>`) are left to the cell cleaner.

use super::markup::{strip_markup, tidy};

/// Tags that end a line of text outside a table row.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
    "button",
    "main",
    "title",
    "aside",
    "tr",
    "dt",
    "dd",
    "hr",
    "blockquote",
    "caption",
    "form",
    "option",
    "label",
];

/// Elements whose content is never the page's text: code, menus, footers, forms.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "svg", "template", "nav", "footer", "aside", "form", "select",
];

/// The comments the Wayback Machine writes around the toolbar it inserts into a captured page,
/// and the name [`split`] skips that block under (no element has it).
const WAYBACK_TOOLBAR_BEGIN: &str = "BEGIN WAYBACK TOOLBAR INSERT";
const WAYBACK_TOOLBAR_END: &str = "END WAYBACK TOOLBAR INSERT";
const WAYBACK_TOOLBAR: &str = "!wayback-toolbar";

/// A page split into lines: the text and, for each of its lines, the 1-based source line.
pub(crate) struct Split {
    pub text: String,
    pub source_lines: Vec<u32>,
}

/// The page as lines of text, or `None` when the text is not a whole HTML document.
pub(crate) fn split(text: &str) -> Option<Split> {
    let head: String = text.chars().take(4000).collect::<String>().to_ascii_lowercase();
    if !(head.contains("<!doctype html") || head.contains("<html") || head.contains("<body")) {
        return None;
    }
    let mut out = Output::default();
    // The element being skipped, and how many elements of its name are open inside it.
    let mut skipping: Option<(String, usize)> = None;
    let tabs = tab_labels(text);
    let mut row_depth = 0usize;
    // Word's "Web Page, Filtered" and other generators wrap the source at a fixed width,
    // inside tags and text alike: there a line break is a space, as HTML has it, and only
    // block tags end a line of text.
    let wrapped = wraps_inside_tags(text);
    // A tag that runs onto the next line, carried over to it.
    let mut carried = String::new();
    for (index, line) in text.split('\n').enumerate() {
        let number = index as u32 + 1;
        out.line = number;
        let joined;
        let mut rest = line.trim_end_matches('\r');
        if !carried.is_empty() {
            joined = format!("{} {rest}", std::mem::take(&mut carried));
            rest = &joined;
        }
        while !rest.is_empty() {
            let Some(open) = rest.find('<') else {
                if skipping.is_none() {
                    out.push_text(rest, row_depth > 0);
                }
                break;
            };
            if skipping.is_none() {
                out.push_text(&rest[..open], row_depth > 0);
            }
            let after = &rest[open..];
            let Some(close) = after.find('>') else {
                // A tag running onto the next line: read whole there. A "<" that never closes
                // within a tag's length is text ("nilai < 5" in a careless page).
                if after.len() <= MAX_TAG_BYTES {
                    carried = after.to_owned();
                } else if skipping.is_none() {
                    out.push_text(after, row_depth > 0);
                }
                break;
            };
            let tag = &after[..=close];
            rest = &after[close + 1..];
            let (name, closing) = tag_name(tag);
            if let Some((skipped, depth)) = &mut skipping {
                if *skipped == WAYBACK_TOOLBAR {
                    if tag.contains(WAYBACK_TOOLBAR_END) {
                        skipping = None;
                    }
                } else if name == *skipped && !closing && !tag.ends_with("/>") {
                    *depth += 1;
                } else if name == *skipped && closing {
                    if *depth == 0 {
                        skipping = None;
                    } else {
                        *depth -= 1;
                    }
                }
                continue;
            }
            // A page captured by the Wayback Machine: the archive's toolbar (capture dates,
            // "JUN SEP JAN") is the archive's, not the page's.
            if tag.starts_with("<!--") && tag.contains(WAYBACK_TOOLBAR_BEGIN) {
                skipping = Some((WAYBACK_TOOLBAR.to_owned(), 0));
                continue;
            }
            if !closing && SKIPPED.contains(&name.as_str()) && !tag.ends_with("/>") {
                skipping = Some((name, 0));
                continue;
            }
            // Tabs (the WAI-ARIA pattern CMS themes use): the row of tab names is a menu, and
            // each panel is headed by its tab's name ("Persyaratan", "Waktu & Biaya"), which
            // the page shows above the panel's content.
            if !closing && !tabs.is_empty() {
                match attribute(tag, "role") {
                    Some("tablist") => {
                        skipping = Some((name, 0));
                        continue;
                    }
                    Some("tabpanel") => {
                        if let Some(label) = attribute(tag, "id").and_then(|id| tabs.get(id)) {
                            out.break_line();
                            out.push_text(label, false);
                            out.break_line();
                        }
                    }
                    _ => {}
                }
            }
            if name == "tr" {
                if closing {
                    row_depth = row_depth.saturating_sub(1);
                    out.push_tag(tag);
                    if row_depth == 0 {
                        out.break_line();
                    }
                } else {
                    if row_depth == 0 {
                        out.break_line();
                    }
                    row_depth += 1;
                    out.push_tag(tag);
                }
                continue;
            }
            if row_depth > 0 {
                out.push_tag(tag);
            } else if BLOCK_TAGS.contains(&name.as_str()) {
                out.break_line();
            }
        }
        // A source line break ends a line of text, not a row spread over several lines, nor
        // a line of a source wrapped at a fixed width.
        if row_depth == 0 && !wrapped {
            out.break_line();
        } else {
            out.current.push(' ');
        }
    }
    out.break_line();
    Some(Split {
        text: out.lines.join("\n"),
        source_lines: out.source_lines,
    })
}

/// The name of each tab panel of the page by the panel's id: the text of the element with
/// `role="tab"` that controls it (`aria-controls` or a `#id` link).
fn tab_labels(text: &str) -> std::collections::HashMap<String, String> {
    let mut labels = std::collections::HashMap::new();
    let mut rest = text;
    while let Some(at) = rest.find("role=\"tab\"") {
        let open = rest[..at].rfind('<').unwrap_or(at);
        let Some(close) = rest[at..].find('>').map(|c| at + c) else {
            break;
        };
        let tag = &rest[open..=close];
        let panel =
            attribute(tag, "aria-controls").or_else(|| attribute(tag, "href").and_then(|h| h.strip_prefix('#')));
        let after = &rest[close + 1..];
        // The tab's own text, up to its element's end ("<a ...>Persyaratan</a>", "<div
        // ...>Alur</div>"); a tab that never ends names nothing.
        let (name, _) = tag_name(tag);
        let end = after.find(&format!("</{name}>")).unwrap_or(0);
        let label = tidy(&strip_markup(&after[..end]));
        if let Some(panel) = panel.filter(|_| !label.is_empty()) {
            labels.insert(panel.to_owned(), label);
        }
        rest = after;
    }
    labels
}

/// The value of the attribute `name` of a tag (`id="syarat8"` -> "syarat8").
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(at) = tag[from..].find(name).map(|a| from + a) {
        from = at + name.len();
        let before = tag[..at].chars().next_back();
        let rest = tag[from..].trim_start();
        if before.is_some_and(char::is_whitespace)
            && let Some(value) = rest.strip_prefix('=').map(str::trim_start)
            && let Some(quote) = value.chars().next().filter(|c| matches!(c, '"' | '\''))
        {
            return value[1..].find(quote).map(|end| &value[1..=end]);
        }
    }
    None
}

/// The longest tag carried over to the next line (Word's style attributes run to a few hundred
/// bytes).
const MAX_TAG_BYTES: usize = 4096;

/// Whether the source is wrapped at a fixed width regardless of its markup: tags broken
/// across lines ("<span\nstyle='font-size:14.0pt'>"), which no hand or CMS writes.
fn wraps_inside_tags(text: &str) -> bool {
    const BROKEN_TAGS: usize = 3;
    text.split('\n')
        .filter(|line| line.rfind('<').is_some_and(|open| !line[open..].contains('>')))
        .take(BROKEN_TAGS)
        .count()
        >= BROKEN_TAGS
}

/// The lowercase name of a tag and whether it closes ("</td>" -> ("td", true)).
fn tag_name(tag: &str) -> (String, bool) {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    (
        super::markup::tag_name(inner.trim_start_matches('!')),
        inner.starts_with('/'),
    )
}

#[derive(Default)]
struct Output {
    lines: Vec<String>,
    source_lines: Vec<u32>,
    current: String,
    /// Source line of the text being collected.
    line: u32,
    /// Source line where the current output line started.
    started: Option<u32>,
}

impl Output {
    fn push_text(&mut self, text: &str, in_row: bool) {
        if text.trim().is_empty() {
            if !self.current.is_empty() {
                self.current.push(' ');
            }
            return;
        }
        self.started.get_or_insert(self.line);
        if in_row {
            self.current.push_str(text);
        } else {
            self.current.push_str(&tidy(&strip_markup(text)));
        }
    }

    fn push_tag(&mut self, tag: &str) {
        self.started.get_or_insert(self.line);
        self.current.push_str(tag);
    }

    fn break_line(&mut self) {
        let text = self.current.trim();
        if !text.is_empty() {
            self.lines.push(text.to_owned());
            self.source_lines.push(self.started.unwrap_or(self.line));
        } else if self.lines.last().is_some_and(|l| !l.is_empty()) {
            // One blank line between blocks: paragraphs stay apart for the title reader.
            self.lines.push(String::new());
            self.source_lines.push(self.line);
        }
        self.current.clear();
        self.started = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<!DOCTYPE html>\n<html><head><title>Standar Pelayanan</title>\n\
<script>var menu = \"<p>Persyaratan</p>\";</script>\n<style>p{margin:0}</style></head><body>\n\
<nav><ul><li><a href=\"/\">Beranda</a></li><li><a href=\"/p\">Pengaduan</a></li></ul></nav>\n\
<h3 class=\"wp-block-heading\"><strong>1. Persetujuan Bangunan Gedung (PBG)</strong></h3>\n\
<figure><table><tbody><tr><td>1.</td><td>Persyaratan</td><td><ol><li>KTP;</li><li>Sertifikat tanah.</li></ol></td></tr><tr><td>2.</td><td>Biaya/Tarif</td><td>Retribusi&nbsp;PBG &amp; SLF</td></tr></tbody></table></figure>\n\
<tr>\n<td>3.</td>\n<td>Produk</td>\n<td>PBG</td>\n</tr>\n</body></html>";

    #[test]
    fn each_tab_panel_is_headed_by_its_tab_and_the_tab_row_is_dropped() {
        let page = "<html><body><h5>8. Permohonan Bibit</h5>\n\
<ul class=\"nav nav-tabs\" role=\"tablist\"><li><a id=\"s-tab\" role=\"tab\" href=\"#syarat8\">Persyaratan</a></li>\
<li><div role=\"tab\" aria-controls=\"biaya8\">Waktu &amp; Biaya</div></li></ul>\n\
<div class=\"tab-pane\" id=\"syarat8\" role=\"tabpanel\"><ol><li>Surat permohonan</li></ol></div>\n\
<div class=\"tab-pane\" data-id=\"x\" id=\"biaya8\" role=\"tabpanel\"><p>Gratis</p></div>\n</body></html>";
        let split = split(page).expect("a page");
        let lines: Vec<&str> = split.text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "8. Permohonan Bibit",
                "Persyaratan",
                "Surat permohonan",
                "Waktu & Biaya",
                "Gratis"
            ]
        );
    }

    #[test]
    fn a_tab_row_of_nested_elements_is_dropped_whole() {
        // Elementor writes the row as a <div> of <div> tabs.
        let page = "<html><body><h2>Juru Parkir</h2>\n<div class=\"elementor-tabs-wrapper\" role=\"tablist\">\
<div role=\"tab\" aria-controls=\"t1\">Persyaratan</div><div role=\"tab\" aria-controls=\"t2\">Biaya</div></div>\n\
<div id=\"t1\" role=\"tabpanel\"><p>KTP</p></div><div id=\"t2\" role=\"tabpanel\"><p>Gratis</p></div>\n</body></html>";
        let split = split(page).expect("a page");
        let lines: Vec<&str> = split.text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, ["Juru Parkir", "Persyaratan", "KTP", "Biaya", "Gratis"]);
    }

    #[test]
    fn the_wayback_machine_toolbar_is_not_the_page() {
        let page = "<html><body><!-- BEGIN WAYBACK TOOLBAR INSERT -->\n<div id=\"wm-ipp-base\">\n\
<table><tr class=\"m\"><td><strong>JUN</strong></td><td>SEP</td><td>JAN</td></tr></table>\n\
<div>About this capture</div>\n<!-- END WAYBACK TOOLBAR INSERT -->\n\
<h5>1. Persetujuan Lingkungan</h5>\n</body></html>";
        let split = split(page).expect("a page");
        assert!(
            !split.text.contains("JUN") && !split.text.contains("capture"),
            "{}",
            split.text
        );
        assert!(split.text.contains("1. Persetujuan Lingkungan"), "{}", split.text);
    }

    #[test]
    fn a_page_is_split_into_headings_and_rows_with_their_source_lines() {
        let split = split(PAGE).expect("a page");
        let lines: Vec<&str> = split.text.lines().filter(|l| !l.is_empty()).collect();
        assert!(!split.text.contains("var menu"), "scripts are dropped: {}", split.text);
        assert!(lines.contains(&"1. Persetujuan Bangunan Gedung (PBG)"), "{lines:?}");
        let rows: Vec<&&str> = lines.iter().filter(|l| l.starts_with("<tr>")).collect();
        assert_eq!(rows.len(), 3, "{lines:?}");
        assert!(rows[0].contains("Persyaratan") && rows[0].ends_with("</tr>"));
        // Every line knows the source line it came from.
        let at = |needle: &str| {
            let i = split.text.lines().position(|l| l.contains(needle)).expect("present");
            split.source_lines[i]
        };
        assert_eq!(at("Persetujuan Bangunan"), 6);
        assert_eq!(at("Biaya/Tarif"), 7);
        assert_eq!(at("Produk"), 8);
    }

    /// Word's "Web Page, Filtered" wraps its source at a fixed width, inside tags and text: a
    /// tag broken over two lines is read whole, and a paragraph over several lines is one line.
    #[test]
    fn a_source_wrapped_inside_tags_is_read_as_html_reads_it() {
        let page = "<html>\r\n<head>\r\n<meta name=Generator content=\"Microsoft Word 15 (filtered)\">\r\n</head>\r\n\
<body lang=EN-ID>\r\n<p class=MsoNormal><b><span\r\nstyle='font-size:12.0pt'>1. PELAYANAN PENYEDOTAN LUMPUR\r\nTINJA</span></b></p>\r\n\
<table class=MsoTableGrid>\r\n <tr>\r\n  <td width=38 valign=top style='width:28.4pt;border:solid\r\n  windowtext 1.0pt'>\r\n\
  <p class=MsoNormal>1.</p>\r\n  </td>\r\n  <td><p class=MsoNormal><span lang=IN>Persyaratan</span></p></td>\r\n\
  <td><p class=MsoNormal><span\r\n  lang=IN>Fotokopi KTP pemohon</span></p></td>\r\n </tr>\r\n</table>\r\n</body>\r\n</html>";
        let split = split(page).expect("a page");
        let lines: Vec<&str> = split.text.lines().filter(|l| !l.is_empty()).collect();
        assert!(lines.contains(&"1. PELAYANAN PENYEDOTAN LUMPUR TINJA"), "{lines:?}");
        assert!(!split.text.contains("style='font-size"), "{lines:?}");
        let row = lines.iter().find(|l| l.starts_with("<tr>")).expect("the row");
        assert!(
            row.contains("Persyaratan") && row.contains("Fotokopi KTP pemohon"),
            "{row}"
        );
        // The heading cites the line its text starts on.
        let at = split.text.lines().position(|l| l.contains("LUMPUR")).expect("present");
        assert_eq!(split.source_lines[at], 7);
    }

    /// A "<" that never closes within a tag's length is text: what follows it is still read.
    #[test]
    fn an_unclosed_angle_bracket_is_text() {
        let filler = "x".repeat(MAX_TAG_BYTES);
        let page = format!("<html><body>\n<p>nilai < 5 {filler}\n<p>Persyaratan KTP</p>\n</body></html>");
        let split = split(&page).expect("a page");
        assert!(
            split.text.lines().any(|l| l == "Persyaratan KTP"),
            "{}",
            &split.text[..200]
        );
        assert!(
            split
                .text
                .lines()
                .any(|l| l.starts_with("nilai") && l.contains("5 xxx")),
            "{}",
            &split.text[..200]
        );
    }

    /// The next number of the services' numbering titles a service even when a label word
    /// is in its title, as long as the labels stand in table rows.
    #[test]
    fn a_numbered_title_holding_a_label_word_follows_the_services_numbering() {
        let page = PAGE.replace(
            "</body>",
            "<h3>2. Konsultasi dan Pengaduan Perizinan</h3>\n<table><tr><td>1.</td><td>Persyaratan</td><td>KTP</td></tr>\n\
             <tr><td>2.</td><td>Biaya/Tarif</td><td>Gratis</td></tr></table>\n</body>",
        );
        let document = super::super::parse_text("dpmptsp.html", &page).expect("services");
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Persetujuan Bangunan Gedung (PBG)",
                "Konsultasi dan Pengaduan Perizinan"
            ]
        );
    }

    #[test]
    fn html_fragments_in_a_decree_are_no_page() {
        assert!(split("1.\tPersyaratan\t<p>KTP</p><ol><li>KK</li></ol>").is_none());
    }

    #[test]
    fn a_page_parses_into_its_services() {
        let document = super::super::parse_text("dpmptsp.html", PAGE).expect("services");
        let service = &document.services[0];
        assert_eq!(service.title, "Persetujuan Bangunan Gedung (PBG)");
        let kinds: Vec<_> = service.components.iter().map(|c| c.kind).collect();
        assert!(
            kinds.contains(&crate::document::ComponentKind::Requirements),
            "{kinds:?}"
        );
        assert!(kinds.contains(&crate::document::ComponentKind::Fee), "{kinds:?}");
        let fee = service
            .components
            .iter()
            .find(|c| c.kind == crate::document::ComponentKind::Fee)
            .expect("a fee");
        assert_eq!(fee.lines.start, 7, "cited at its source line");
    }
}
