//! Parsing decree files into [`Document`]s.
//!
//! The pipeline is: bytes -> text ([`decode`] for text conversions, [`crate::input`] for PDF
//! and Word files, RTF source included) -> a static site's pages with their front matter titles as headings ([`front_matter`]) -> a wiki page's markup as Markdown ([`wiki`]) -> a saved e-mail's subject and decoded body ([`mail`]) -> a web page's JSON-LD read as a JSON export and added to what its body gives ([`linked_data`]) -> a blog's or news site's feed or export read as its published posts' pages ([`feed`]) -> a web page's raw HTML source split into lines of text that keep their
//! source line numbers ([`html`]), or an API's JSON, XML or YAML records written as label rows ([`json`], [`xml`], [`yaml`]), or a component table whose cells an extraction glued into one line written out as its rows ([`glued`]) -> a chat export's publishers' messages without their time and sender ([`chat`]) -> a forwarded e-mail's quote markers removed ([`quoting`]) -> Markdown backslash escapes undone ([`escapes`]) -> a text browser's link
//! markers removed ([`links`]) -> box drawing and emoji as plain signs ([`glyphs`]) -> OCR confusions of a
//! scanned decree repaired ([`ocr`]) -> a leaflet's panels printed side by side read one after the other ([`page_columns`]) -> spreadsheet exports (CSV, semicolons) as tab-separated rows ([`delimited`]) -> page furniture blanked
//! ([`page`]) -> headings framed by rule lines as service headings, underlined ones as Markdown headings ([`banners`]) -> a label column a PDF extractor printed before its values paired with them again ([`stacked`]) -> a component table flattened to text with single spaces as its label and value cells ([`flattened`]) -> layouts put back into lines the
//! assembler reads: a spreadsheet's sheet with one component per row or one column per service ([`delimited`]), tables
//! printed cell by cell by a PDF conversion without layout
//! ([`blocks`]), space-aligned tables ([`columns`]), matrices with a row per service
//! ([`matrix`]; laid out with spaces: [`spaced_matrix`]), decrees organised by component with an item per service in each section ([`by_component`]) -> services and components found line by line ([`services`]), a component table whose values an extractor printed as one stream away from their labels cut back into values ([`streamed`]), tables without names titled by the names the decree declares before them ([`declared`]), opening hours stated once for the decree given to every service without its own ([`hours`]);
//! when that finds one service or none, headings announced by a table of contents, numbered
//! in capitals, a regulation's parts ("Bagian Kesatu") or numbered paragraphs of running text ([`paragraphs`]), with an FAQ page's questions as labels or a leaflet's sentences sorted into
//! components ([`prose`]); also when the services found are fewer than such headings or mostly titled by a component's label -> cleaned text and list items ([`markup`]) -> normalised duration
//! and fee ([`crate::values`]) -> a [`Document`] with line ranges for every piece. The
//! agency and decree number come from the front matter ([`header`]), the regency/city and
//! province from the letterhead and the agency's name ([`region`]). No rule names a
//! particular file, agency or service: a decree in a new layout parses because the rules
//! are general, and what the parser cannot place is reported in `Document::warnings`.
//!
//! Errors are per file ([`ParseError`]); [`parse_dir`] goes on with the other files and
//! reports which failed. [`ParseCache`] parses a directory again re-parsing only the files whose
//! content changed (the hot reindex).

mod banners;
mod blocks;
mod by_component;
mod cache;
mod casing;
mod chat;
mod columns;
mod declared;
mod decode;
mod delimited;
mod escapes;
mod feed;
mod flattened;
mod front_matter;
mod glued;
mod glyphs;
mod header;
mod hours;
mod html;
mod json;
mod labels;
mod linked_data;
mod links;
mod mail;
mod markup;
mod matrix;
mod ocr;
mod page;
mod page_columns;
mod paragraphs;
mod prose;
mod quoting;
mod references;
mod region;
mod services;
mod spaced_matrix;
mod stacked;
mod streamed;
mod title;
mod wiki;
mod xml;
mod yaml;

use crate::document::{Component, ComponentKind, Document, LineRange, ParseWarning, ServiceId, ServiceStandard};
use crate::input::{Format, InputError};
use crate::values::{parse_duration, parse_fee};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use cache::{CacheStats, ParseCache};
use casing::{WordCase, readable_case_with};

/// Why one decree file could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The file has no content.
    #[error("file is empty")]
    Empty,
    /// The file is not text (e.g. an image, or a PDF saved under a text file's name).
    #[error(
        "file is binary, not a text conversion of a decree (PDF and Word decrees are read from .pdf and .docx \
         files; give the file its right extension or convert it to text)"
    )]
    Binary,
    /// The bytes are neither UTF-8 nor Windows-1252.
    #[error("file is neither UTF-8 nor Windows-1252 text")]
    Encoding,
    /// Text, but no service standard could be recognised in it.
    #[error(
        "no service standard found: expected headings like \"STANDAR PELAYANAN <title>\" or table rows with \
         component labels such as \"Persyaratan\", \"Jangka Waktu\", \"Biaya / Tarif\""
    )]
    NoServices,
    /// A JSON export cut short or damaged (a page saved before it finished loading).
    #[error("the JSON export is damaged at line {line}, column {column} ({reason}): save or export it again")]
    DamagedJson {
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
        /// What the JSON reader found wrong.
        reason: String,
    },
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    /// A PDF or Word file that cannot be read (no text layer, encrypted, damaged).
    #[error(transparent)]
    Input(#[from] InputError),
}

/// Parses one decree from its bytes; `source` is the file name used in citations and ids, and
/// its extension says the format (`.pdf`, `.docx`, `.odt`; an office format loket does not read is an
/// error saying what to save it as; anything else is read as text).
pub fn parse_bytes(source: &str, bytes: &[u8]) -> Result<Document, ParseError> {
    let text = match Format::of(source) {
        Some(Format::Pdf | Format::Docx | Format::Odt) if bytes.iter().all(|b| b.is_ascii_whitespace()) => {
            return Err(ParseError::Empty);
        }
        Some(Format::Pdf) => crate::input::pdf::text(source, bytes)?,
        Some(format @ (Format::Docx | Format::Odt)) => {
            let text = if format == Format::Docx {
                crate::input::docx::text(source, bytes)?
            } else {
                crate::input::odt::text(source, bytes)?
            };
            if text.trim().is_empty() {
                return Err(ParseError::Empty);
            }
            text
        }
        Some(Format::Unsupported(format)) => {
            return Err(ParseError::Input(InputError::Unsupported {
                file: source.to_owned(),
                format,
            }));
        }
        Some(Format::Text) | None => decode::decode(bytes)?,
    };
    parse_text(source, &text)
}

/// Parses one decree file.
pub fn parse_file(path: &Path) -> Result<Document, ParseError> {
    let bytes = std::fs::read(path)?;
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_bytes(&source, &bytes)
}

/// The result of parsing a directory: the documents that parsed and the files that did not.
#[derive(Debug, Default)]
pub struct DirReport {
    /// Parsed documents, sorted by file name.
    pub documents: Vec<Document>,
    /// Files that failed, with the reason.
    pub failures: Vec<(PathBuf, ParseError)>,
}

/// Parses every decree file of a directory (`.txt`/`.md`/`.html`/`.csv`/`.json`/`.xml`/`.yml`/`.rtf`, `.pdf`, `.docx`, `.odt`; see [`Format`]; office files in other formats are reported) (sorted by name); a bad file is
/// reported in `failures` and the others still parse. Files are parsed in parallel
/// ([`parse_files`]); the report is the same as parsing them one after the other.
pub fn parse_dir(dir: &Path) -> Result<DirReport, std::io::Error> {
    let paths = decree_paths(dir)?;
    let results = parse_files(&paths);
    let mut report = DirReport::default();
    for (path, result) in paths.into_iter().zip(results) {
        match result {
            Ok(document) => report.documents.push(document),
            Err(error) => report.failures.push((path, error)),
        }
    }
    Ok(report)
}

/// The decree files of a directory that [`parse_dir`] reads, sorted by name.
pub fn decree_paths(dir: &Path) -> Result<Vec<PathBuf>, std::io::Error> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| Format::of(n).is_some() && !n.starts_with("~$"))
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Parses files on every available core (one file is the unit of work, taken by whichever
/// thread is free, so a large decree does not hold up the rest) and returns the results in the
/// order of `paths`. Each file parses exactly as [`parse_file`] parses it alone.
pub fn parse_files<P: AsRef<Path> + Sync>(paths: &[P]) -> Vec<Result<Document, ParseError>> {
    crate::parallel::map(paths, |path| parse_file(path.as_ref()))
}

/// Parses decoded text.
pub fn parse_text(source: &str, text: &str) -> Result<Document, ParseError> {
    // A Word document saved as Rich Text is read as Word shows it (its braces are no JSON
    // export); its line numbers count the lines of that text, as a `.docx` decree's do.
    if crate::input::rtf::is_rtf(text) {
        return parse_text(source, &crate::input::rtf::text(text));
    }
    let page = parse_page(source, text);
    // A web page's schema.org JSON-LD, read as the JSON export it is, adds what the page's
    // body does not show.
    let linked: Vec<Document> = linked_data::blocks(text)
        .into_iter()
        .filter_map(|(line, json)| {
            let mut document = parse_page(source, json).ok()?;
            linked_data::shift(&mut document, line);
            Some(document)
        })
        .collect();
    if linked.is_empty() {
        return page;
    }
    linked_data::merge(page, linked)
}

/// Parses decoded text, without the JSON-LD a web page embeds.
fn parse_page(source: &str, text: &str) -> Result<Document, ParseError> {
    let original = text;
    // A static site's pages: each page's front matter title as its heading.
    let site = front_matter::unwrap(text);
    let text = site.as_deref().unwrap_or(text);
    // A wiki page's source: its markup as Markdown.
    let wiki = wiki::to_markdown(text);
    let text = wiki.as_deref().unwrap_or(text);
    // A web page's source is first split into lines of text; citations keep its own lines.
    // So is an API's JSON or XML export, as the label rows its records stand for.
    let page = mail::split(text)
        .or_else(|| feed::split(text))
        .or_else(|| html::split(text))
        .or_else(|| json::split(text))
        .or_else(|| xml::split(text))
        .or_else(|| yaml::split(text))
        .or_else(|| glued::split(text));
    let text = page.as_ref().map_or(text, |p| p.text.as_str());
    let unchatted = chat::unwrap(text);
    let text = unchatted.as_deref().unwrap_or(text);
    let unquoted = quoting::unquote(text);
    let text = unquoted.as_deref().unwrap_or(text);
    let unescaped = escapes::unescape(text);
    let text = unescaped.as_deref().unwrap_or(text);
    let unlinked = links::strip(text);
    let text = unlinked.as_deref().unwrap_or(text);
    let plain = glyphs::plain(text);
    let text = plain.as_deref().unwrap_or(text);
    let repaired = ocr::repair(text);
    let text = repaired.as_deref().unwrap_or(text);
    // A leaflet's panels printed side by side are read one after the other.
    let unfolded = page_columns::unfold(text);
    let text = unfolded.as_ref().map_or(text, |u| u.text.as_str());
    let mut lines: Vec<&str> = text.split('\n').collect();
    let sheet = delimited::tabulate(&lines);
    if let Some(sheet) = &sheet {
        lines = sheet.iter().map(String::as_str).collect();
    }
    for at in page::furniture(&lines) {
        lines[at] = "";
    }
    let framed = banners::framed(&lines);
    for (at, heading) in &framed {
        lines[*at] = heading;
    }
    let underlined = banners::underlined(&lines);
    for (at, heading) in &underlined {
        lines[*at] = heading;
    }
    let stacked = stacked::pairs(&lines);
    for (at, line) in &stacked {
        lines[*at] = line;
    }
    let flattened = flattened::rows(&lines);
    for (at, row) in &flattened {
        lines[*at] = row;
    }
    let reflowed = blocks::reflow(&lines);
    for (line, reflowed) in lines.iter_mut().zip(&reflowed) {
        if let Some(reflowed) = reflowed {
            *line = reflowed;
        }
    }
    // Matrices laid out with spaces are read before the two-column tables: their lines are
    // left as they are for the matrix rewrite below.
    let spaced = spaced_matrix::find(&lines);
    let cells = columns::tabulate(&lines);
    for (index, (line, cells)) in lines.iter_mut().zip(&cells).enumerate() {
        if let Some(cells) = cells
            && !spaced.iter().any(|t| (t.start..t.end).contains(&index))
        {
            *line = cells;
        }
    }
    let mut assembler = services::Assembler::new();
    if sheet.is_some() {
        assembler = assembler.rows_of_a_sheet();
    }
    let long_sheet = sheet
        .as_ref()
        .and_then(|_| delimited::long_rows(&lines).or_else(|| delimited::transposed_rows(&lines)));
    let rewritten = long_sheet
        .or_else(|| matrix::rewrite(&lines, &spaced))
        .or_else(|| by_component::rewrite(&lines));
    match rewritten {
        // A matrix (a row per service) or a decree organised by component is read as the
        // label rows it stands for.
        Some(rewritten) => {
            for (number, line) in &rewritten {
                assembler.line(*number, line);
            }
        }
        None => feed(&mut assembler, &lines),
    }
    let (mut raw_services, mut warnings) = assembler.finish();
    // No more than one service found: perhaps a page or leaflet whose services are headed
    // without the words the assembler looks for (see [`prose`]). So is a document whose
    // "services" are mostly titled by a component's label, or fewer than its headings: its
    // headings were missed and labels started services of their own.
    let fewest = if raw_services.len() <= 1 || titled_by_labels(&raw_services) {
        2
    } else {
        raw_services.len() + 1
    };
    if let Some((services, prose_warnings)) = headed_without_labels(&lines, fewest) {
        raw_services = services;
        warnings = prose_warnings;
    }
    streamed::realign(&lines, &mut raw_services);
    references::resolve(&mut raw_services);
    hours::give_decree_hours(&lines, &mut raw_services);
    declared::retitle(&lines, &mut raw_services);
    if raw_services.is_empty() {
        return Err(json::damaged(original).unwrap_or(ParseError::NoServices));
    }
    let front_matter_end = raw_services.first().map_or(lines.len(), |s| s.lines.start as usize - 1);
    let front = &lines[..front_matter_end.min(lines.len())];
    // A sheet without front matter names the office and its regency on every row.
    let shared_unit = common_unit(&raw_services);
    let agency = header::find_agency(front)
        .or_else(|| header::find_agency(&lines[..lines.len().min(80)]))
        .or_else(|| shared_unit.clone());
    let decree = header::find_decree(front);
    let mut front_clean: Vec<String> = front.iter().map(|l| header::clean_line(l)).collect();
    front_clean.extend(shared_unit);
    let region = region::find_region(&front_clean, agency.as_deref());
    let agency_name = agency.clone().unwrap_or_else(|| {
        warnings.push(ParseWarning {
            line: 1,
            message: "instansi penerbit tidak ditemukan".to_owned(),
        });
        "Instansi tidak disebutkan".to_owned()
    });
    if page.is_some() || unfolded.is_some() {
        let line_of = |lines: &[u32], n: u32| lines.get(n as usize - 1).copied().unwrap_or(n);
        let source_line = |n: u32| {
            let n = unfolded.as_ref().map_or(n, |u| line_of(&u.source_lines, n));
            page.as_ref().map_or(n, |p| line_of(&p.source_lines, n))
        };
        let remap = |range: &mut LineRange| {
            range.start = source_line(range.start);
            range.end = source_line(range.end).max(range.start);
        };
        for service in &mut raw_services {
            remap(&mut service.lines);
            for component in &mut service.components {
                remap(&mut component.lines);
            }
        }
        for warning in &mut warnings {
            warning.line = source_line(warning.line);
        }
    }
    let stem = Path::new(source)
        .file_stem()
        .map_or_else(|| source.to_owned(), |s| s.to_string_lossy().into_owned());
    let evidence = WordCase::of_text(text);
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut services = Vec::with_capacity(raw_services.len());
    let mut plain_titles: Vec<String> = raw_services
        .iter()
        .map(|raw| markup::tidy(&markup::strip_markup(&raw.title).replace('\n', " ")))
        .collect();
    // The office every title ends with gives the services; it is no part of their names.
    let office_tail = title::shared_office_tail(plain_titles.iter().map(String::as_str));
    if let Some(tail) = &office_tail {
        let tail_words = tail.split_whitespace().count();
        for (plain, raw) in plain_titles.iter_mut().zip(raw_services.iter_mut()) {
            let words: Vec<&str> = plain.split_whitespace().collect();
            if words.len() > tail_words {
                raw.unit
                    .get_or_insert_with(|| words[words.len() - tail_words..].join(" "));
                *plain = words[..words.len() - tail_words].join(" ");
            }
        }
    }
    let title_layout = title::TitleLayout {
        generic_lead: title::generic_lead_is_layout(plain_titles.iter().map(String::as_str)),
        english_gloss: title::glosses_are_layout(plain_titles.iter().map(String::as_str)),
    };
    for (index, (raw, plain_title)) in raw_services.into_iter().zip(plain_titles).enumerate() {
        let mut title = title::clean_title(&plain_title, &evidence, title_layout);
        if title.is_empty() {
            warnings.push(ParseWarning {
                line: raw.lines.start,
                message: "layanan tanpa judul".to_owned(),
            });
            title = format!("Layanan {}", index + 1);
        }
        let mut id = ServiceId::new(&stem, &title);
        let count = seen_ids.entry(id.0.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            id = ServiceId(format!("{}-{}", id.0, count));
        }
        let components: Vec<Component> = raw.components.into_iter().map(finish_component).collect();
        let duration = components
            .iter()
            .find(|c| c.kind == ComponentKind::Duration)
            .map(|c| duration_of(&c.text));
        let fee = components
            .iter()
            .find(|c| c.kind == ComponentKind::Fee)
            .map(|c| fee_of(&c.text));
        for (kind, name) in [
            (ComponentKind::Requirements, "persyaratan"),
            (ComponentKind::Duration, "jangka waktu"),
            (ComponentKind::Fee, "biaya"),
        ] {
            if !components.iter().any(|c| c.kind == kind) {
                warnings.push(ParseWarning {
                    line: raw.lines.start,
                    message: format!("layanan \"{title}\" tidak menyebut {name}"),
                });
            }
        }
        let unit = raw
            .unit
            .map(|u| readable_case_with(&markup::tidy(&u), &evidence))
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| agency_name.clone());
        services.push(ServiceStandard {
            id,
            title,
            unit,
            agency: agency_name.clone(),
            regency: region.regency.clone(),
            province: region.province.clone(),
            source: source.to_owned(),
            lines: raw.lines,
            components,
            duration,
            fee,
        });
    }
    warnings.sort_by_key(|w| w.line);
    Ok(Document {
        source: source.to_owned(),
        agency,
        decree,
        services,
        warnings,
    })
}

/// The services of a document headed as [`prose`] finds: its questions or labels read by the
/// assembler under the marked headings (an FAQ page), or else its sentences sorted into
/// components (a leaflet). `None` when it has no such headings or they give fewer than
/// `fewest` services.
fn headed_without_labels(lines: &[&str], fewest: usize) -> Option<(Vec<services::RawService>, Vec<ParseWarning>)> {
    let headings = prose::headings(lines);
    if headings.len() < fewest {
        return None;
    }
    let mut assembler = services::Assembler::new();
    for (number, line) in prose::mark_headings(lines, &headings) {
        assembler.line(number, &line);
    }
    let (labelled, warnings) = assembler.finish();
    let with_components = labelled.iter().filter(|s| s.components.len() >= 2).count();
    if labelled.len() >= fewest && 2 * with_components >= headings.len() {
        return Some((labelled, warnings));
    }
    let sentences = prose::services(lines, &headings);
    (sentences.len() >= fewest).then_some((sentences, Vec::new()))
}

/// At least half of the services are titled by a component's label ("Dasar Hukum").
fn titled_by_labels(services: &[services::RawService]) -> bool {
    let labelled = services
        .iter()
        .filter(|s| labels::classify(markup::strip_markup(&s.title).trim()).is_some())
        .count();
    2 * labelled >= services.len()
}

/// The unit every service names, when they all name the same one (an open-data sheet gives
/// the office on every row and has no letterhead).
fn common_unit(services: &[services::RawService]) -> Option<String> {
    let first = services.first()?.unit.as_ref()?;
    services
        .iter()
        .all(|s| s.unit.as_ref() == Some(first))
        .then(|| markup::tidy(first))
}

/// The fee of a component's text. When the whole text reads both ways (a fee and "tidak
/// dikenakan biaya" for another part), its first line, the decree's own statement, decides.
fn fee_of(text: &str) -> crate::document::Fee {
    let whole = parse_fee(&text.replace('\n', " "));
    if whole.rupiah.is_some() {
        return whole;
    }
    let first = parse_fee(text.lines().next().unwrap_or_default());
    crate::document::Fee {
        rupiah: first.rupiah,
        raw: whole.raw,
    }
}

/// The duration of a component's text. A list of alternatives, one span per line
/// ("SD = 2 hari", "Diploma = 3 hari", "S-1 = 7 hari"), gives the range over the lines.
fn duration_of(text: &str) -> crate::document::Duration {
    let mut whole = parse_duration(&text.replace('\n', " "));
    let spans: Vec<_> = text
        .lines()
        .map(parse_duration)
        .filter_map(|d| Some((d.min_minutes?, d.max_minutes?, d.working_days)))
        .collect();
    if spans.len() >= 2 {
        whole.min_minutes = spans.iter().map(|s| s.0).min();
        whole.max_minutes = spans.iter().map(|s| s.1).max();
        whole.working_days = spans.iter().any(|s| s.2);
    }
    whole
}

/// Feeds the lines to the assembler, an HTML table row written over several lines as one row.
fn feed(assembler: &mut services::Assembler, lines: &[&str]) {
    let mut index = 0;
    while index < lines.len() {
        let end = html_row_end(lines, index);
        if end > index {
            assembler.line(index as u32 + 1, &lines[index..=end].join(" "));
            assembler.extend_open_to(end as u32 + 1);
        } else {
            assembler.line(index as u32 + 1, lines[index]);
        }
        index = end + 1;
    }
}

/// The last line of an HTML `<tr>` that opens on line `start` and closes later (at most 200
/// lines on), or `start` itself.
fn html_row_end(lines: &[&str], start: usize) -> usize {
    let first = lines[start].to_ascii_lowercase();
    let Some(open) = first.rfind("<tr") else {
        return start;
    };
    if first[open..].contains("</tr") {
        return start;
    }
    for (offset, line) in lines[start + 1..].iter().take(200).enumerate() {
        if line.to_ascii_lowercase().contains("</tr") {
            return start + 1 + offset;
        }
    }
    start
}

/// Cleans a raw component; a "Waktu Pelayanan" row that gives opening hours is Hours.
fn finish_component(raw: services::RawComponent) -> Component {
    let short_value = matches!(
        raw.kind,
        ComponentKind::Duration | ComponentKind::Fee | ComponentKind::Hours
    );
    let cleaned = markup::clean(&raw.raw, !short_value);
    let mut kind = raw.kind;
    if kind == ComponentKind::Duration && hours::looks_like_opening_hours(&cleaned.text) {
        kind = ComponentKind::Hours;
    }
    Component {
        kind,
        label: markup::tidy(&markup::strip_markup(&raw.label).replace('\n', " ")),
        text: cleaned.text,
        items: cleaned.items,
        lines: raw.lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parallel directory parse gives each file exactly what parsing it alone gives, in
    /// file-name order.
    #[test]
    fn parse_dir_equals_parsing_each_file_alone() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("standards");
        let report = parse_dir(&dir).unwrap();
        let paths = decree_paths(&dir).unwrap();
        assert!(paths.len() >= 4 && paths.is_sorted());
        assert!(report.failures.is_empty());
        let alone: Vec<Document> = paths.iter().map(|p| parse_file(p).unwrap()).collect();
        assert_eq!(report.documents, alone);
    }

    #[test]
    fn no_services_is_a_clear_error() {
        let err = parse_bytes("kosong.txt", b"Ini hanya surat biasa tanpa tabel.\n").unwrap_err();
        assert!(matches!(err, ParseError::NoServices));
        assert!(err.to_string().contains("STANDAR PELAYANAN"));
    }

    /// A Word document saved as RTF is read as Word shows it; one without a standard gets the
    /// usual error, never that of a damaged JSON export (it opens with a brace).
    #[test]
    fn rtf_source_is_read_as_the_document_it_is() {
        let rtf = concat!(
            "{\\rtf1\\ansi\\ansicpg1252\\deff0 {\\fonttbl {\\f0 Times;}}\r\n",
            "\\pard\\qc STANDAR PELAYANAN PENERBITAN SURAT KETERANGAN DOMISILI\\par\r\n",
            "\\trowd\\cellx600\\cellx3000\\cellx9000\\pard\\intbl 1.\\cell Persyaratan\\cell ",
            "Fotokopi KTP\\cell\\row\r\n",
            "\\trowd\\cellx600\\cellx3000\\cellx9000\\pard\\intbl 2.\\cell Jangka Waktu\\cell ",
            "1 (satu) hari kerja\\cell\\row\r\n",
            "\\trowd\\cellx600\\cellx3000\\cellx9000\\pard\\intbl 3.\\cell Biaya / Tarif\\cell ",
            "Tidak dipungut biaya {\\deleted Rp 5.000}\\cell\\row\r\n}",
        );
        let document = parse_bytes("standar.rtf", rtf.as_bytes()).unwrap();
        assert_eq!(document.services.len(), 1);
        let service = &document.services[0];
        assert!(service.title.contains("Surat Keterangan Domisili"), "{}", service.title);
        assert_eq!(service.fee.as_ref().and_then(|f| f.rupiah), Some(0));
        assert!(!service.fee.as_ref().unwrap().raw.contains("5.000"));
        let err = parse_bytes(
            "standar.txt",
            b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}}\r\n\\pard Surat\\par\r\n}",
        )
        .unwrap_err();
        assert!(matches!(err, ParseError::NoServices), "{err}");
        // A JSON export cut short is still one.
        let err = parse_bytes("export.json", b"{\"layanan\": [").unwrap_err();
        assert!(matches!(err, ParseError::DamagedJson { .. }), "{err}");
    }
}

#[cfg(test)]
mod golden_tests;
