//! Finds the services of a decree and their components, line by line.
//!
//! Decrees lay services out in several ways, and this assembler handles them with one set
//! of general rules rather than per-file code:
//! - an explicit heading "STANDAR PELAYANAN <title>" (optionally numbered "XVIII.", in
//!   markdown `#`/`**`, with the title on following lines and "PADA <unit>" after it); a
//!   bare one ("A. STANDAR PELAYANAN", beside "B. STANDAR OPERASIONAL PROSEDUR") takes its
//!   title from the numbered heading just above it ("I. PENERBITAN KARTU AK/1");
//! - a service-name row inside the table ("1.<TAB>Pelayanan<TAB><b>Izin Belajar</b>",
//!   "Jenis Pelayanan | ...");
//! - an implicit boundary: a component that the current service already has (a second
//!   "Persyaratan") after a heading-like line, which then names the new service; on a web
//!   page copied from the browser a short line in title case a few lines above it ("Kartu
//!   Identitas Anak (KIA)", a collapsible panel's title) names it too.
//!
//! A table listing the services ("NO | JENIS PELAYANAN | UNIT PELAKSANA") is a table of
//! contents, no components (a title it gives in full, with a part in brackets, is taken); a service-name label numbered as the decree numbers its services
//! ("LAYANAN 1 : ...", in a box drawn with pipes) names a service; under a bare "STANDAR
//! PELAYANAN PUBLIK" the agency's name is the unit and a list's heading no title.
//!
//! A card's title in title case heads the labels under it even on a page without headings,
//! and may hold a label's word ("Perpanjangan Kartu Pengawasan ..."); its reach counts lines
//! of text, not the blank lines a Word conversion puts between cells. A numbered title row
//! right above a table's header row ("2.<TAB>Pemakaian Gedung ..." over "No<TAB>Komponen")
//! heads the next service. A counter ("Layanan 3/9", "LAYANAN 01") names no service, and a
//! label said to go on ("PERSYARATAN (lanjutan)") starts nothing over. A numbered row whose
//! borders OCR lost ("1. | Persyaratan 1. Fotokopi KTP") gives its label and value; a table
//! under a label written as text is that component's table, its rows no components.
//! A name label whose value came out as the next paragraph ("Jenis Pelayanan :" / "Mutasi
//! ..."), as Acrobat's "Save as Text" writes a form, names the service with that line; a name
//! cut after a word that cannot end it ("... Lalu Lintas dan" / "Perlengkapan Jalan") goes on
//! on the next line. A numbered line that goes on with the open list ("3. Fotokopi Kartu Kel"
//! after "2. ...", a board photographed in part) is no title for the bare heading below it. A
//! board row in capitals with its value after it and no colon ("WAKTU 2 (dua) Hari Kerja",
//! "BIAYA Rp. 500.000") gives its label and value.
//! A line in title case standing apart right above a table's header row ("Surat Izin Praktik
//! Bidan (SIPB)" / a line of properties / "No<TAB>Komponen<TAB>Uraian", a web application's
//! page saved as text) heads a service whatever the table's first label, when a label opens
//! the table; a running header that recurs, or carries its page number, heads nothing. A
//! numbered row of a label alone ("2.<TAB>Persyaratan") starts that component, its value the
//! paragraphs below. The agency with its regency right under a title ("DINAS SOSIAL
//! KABUPATEN ...") is the unit, not more of the title.
//!
//! A web page's panel sign before a numbered heading ("+ 1. ...", "▸ 3. ...") is dropped; in
//! a spreadsheet's rows (a cell never wraps) the row under a title that names an office is
//! the unit, as a paragraph below it would be.
//!
//! A section headed as holding for every service ("KOMPONEN YANG BERLAKU UNTUK SELURUH JENIS
//! PELAYANAN") is no service: its components go to every service that lacks them.
//!
//! Components are rows whose label cell names a PermenPANRB component (tab or pipe
//! separated), or label lines ("### Persyaratan", "Biaya : Gratis", or on a poster the
//! question a citizen asks: "Bayar Berapa? Rp 35.000", "Yang Perlu Disiapkan :"); rows and
//! lines that follow without a label continue the open component, including label cells split
//! over two rows ("Jaminan Keamanan dan" / "Keselamatan Pelayanan"). A heading in capitals
//! wrapped over two lines is one title; a property line under a page's heading ("UPT:
//! PLUT-KUMKM", "Status: Disahkan") names none.
//!
//! A page marked archived ("ARSIP — ...") or a template with placeholders ("[Nama Layanan]")
//! is no service in force: it is skipped with a warning, so no citizen is answered from it. A
//! page's title naming the agency ("Standar Pelayanan Publik — Dinas ...") heads no service.

use super::labels::{
    classify, classify_question, continues_label, is_header_row, is_label_word, is_section_marker,
    is_service_name_label, label_words, reads_as_label,
};
use super::markup::{strip_markup, tidy};
use crate::document::{ComponentKind, LineRange, ParseWarning};
use std::collections::HashMap;

/// A component as collected from the source, before cleaning.
#[derive(Debug, Clone)]
pub(crate) struct RawComponent {
    pub kind: ComponentKind,
    pub label: String,
    pub raw: String,
    pub lines: LineRange,
    /// Indentation of the label line, for labels written as text lines ("   2. Persyaratan"):
    /// a deeper line that looks like a label ("      Posko Pengaduan: ...") is content.
    label_indent: Option<usize>,
}

/// A service as collected from the source, before cleaning.
#[derive(Debug)]
pub(crate) struct RawService {
    pub title: String,
    pub unit: Option<String>,
    pub lines: LineRange,
    pub components: Vec<RawComponent>,
    /// Whether the heading was numbered ("III. STANDAR PELAYANAN ..."), i.e. surely a service.
    numbered_heading: bool,
}

impl RawComponent {
    /// A component found without a label line of its own (sentences of a leaflet).
    pub(crate) fn new(kind: ComponentKind, label: String, raw: String, lines: LineRange) -> Self {
        Self {
            kind,
            label,
            raw,
            lines,
            label_indent: None,
        }
    }
}

impl RawService {
    /// A service headed by `title` on line `line`, its components still to come.
    pub(crate) fn from_heading(title: String, line: u32) -> Self {
        Self::new(title, line, true)
    }

    fn new(title: String, line: u32, numbered_heading: bool) -> Self {
        Self {
            title,
            unit: None,
            lines: LineRange::line(line),
            components: Vec::new(),
            numbered_heading,
        }
    }
}

/// A heading-like line that may name the next service.
#[derive(Debug)]
struct PendingTitle {
    text: String,
    line: u32,
    /// If the line was also appended to the open component: (raw length before, end line before).
    appended_to: Option<(usize, u32)>,
}

#[derive(Debug, PartialEq)]
enum Mode {
    Normal,
    /// After "STANDAR PELAYANAN": following lines complete the title.
    HeadingTitle {
        lines_taken: usize,
        needs_close: bool,
        /// The heading was written in capitals, so its title lines are too: a line of prose
        /// after it ("Standar Pelayanan pada Dinas ... disusun berdasarkan ...") is not a title.
        shouting: bool,
        /// The heading ended with "PADA": the next line names the unit.
        unit_next: bool,
    },
}

/// The components every service standard gives a citizen: a block needs some of them to be
/// a service.
pub(crate) const CORE_KINDS: &[ComponentKind] = &[
    ComponentKind::Requirements,
    ComponentKind::Procedure,
    ComponentKind::Duration,
    ComponentKind::Fee,
    ComponentKind::Product,
];

/// Walks the lines of one decree and collects its services.
pub(crate) struct Assembler {
    services: Vec<RawService>,
    current: Option<RawService>,
    /// The open block is a section of components that holds for every service ("KOMPONEN
    /// YANG BERLAKU UNTUK SELURUH JENIS PELAYANAN"), not a service of its own.
    in_shared: bool,
    /// Components of such sections, given at the end to every service that lacks their kind.
    shared: Vec<RawComponent>,
    open: Option<RawComponent>,
    pending: Option<PendingTitle>,
    mode: Mode,
    /// The line being read follows a blank line (a paragraph break).
    after_blank: bool,
    /// Every line is a whole row of a spreadsheet: a cell never wraps onto the next row, so a
    /// row under a title is a line of its own (the office that gives the service), as a
    /// paragraph below it would be.
    whole_rows: bool,
    /// The number the last service's title line opened with ("5. Izin Reklame" -> 5).
    title_number: Option<u32>,
    /// The last label stood in a table row (not on a line of text).
    row_labels: bool,
    /// A table row is being read.
    in_row: bool,
    /// The rows being read list the services ("NO | JENIS PELAYANAN | UNIT PELAKSANA"), a
    /// table of contents: their names are no components ("Konsultasi / Klinik Pertanian").
    in_service_list: bool,
    /// The column of a service list that names the services, and the names it lists.
    list_column: usize,
    listed: Vec<String>,
    /// The line of a service name in capitals given by a "Jenis Pelayanan" label line, which
    /// the next line may continue.
    name_line: Option<u32>,
    /// The line of a service-name label without its value ("Jenis Pelayanan :"), whose value
    /// a form cell's next paragraph holds (Acrobat's "Save as Text", `docx2txt`).
    name_next: Option<u32>,
    /// The last short line in title case read since the last label ("Kartu Identitas Anak
    /// (KIA)", a note under it may follow): a web page's panel title, if the next label
    /// starts the components over.
    title_case_line: Option<PendingTitle>,
    /// The last numbered one-cell row in title case read as a component's text: the next
    /// service's title if a table's header row follows it.
    row_title: Option<PendingTitle>,
    /// A title in title case standing right above a table's header row, and that row's line:
    /// it heads a service of its own, whatever its first label, if a label opens the table
    /// (a page's running header above a header row repeated after a page break is followed
    /// by the rest of the last component instead).
    table_title: Option<(PendingTitle, u32)>,
    /// How often each short line in title case stood on its own so far: one that recurs is a
    /// running header ("SIPP - Sistem Informasi Pelayanan Publik" over every page), no title.
    panel_lines: HashMap<String, u32>,
    /// The blank (and rule) lines read so far, in order: distances between lines count text
    /// lines only (a Word conversion puts two or three blank lines between every cell).
    blank_lines: Vec<u32>,
    pub warnings: Vec<ParseWarning>,
}

impl Assembler {
    pub(crate) fn new() -> Self {
        Self {
            services: Vec::new(),
            current: None,
            in_shared: false,
            shared: Vec::new(),
            open: None,
            pending: None,
            mode: Mode::Normal,
            after_blank: false,
            whole_rows: false,
            title_number: None,
            row_labels: false,
            in_row: false,
            in_service_list: false,
            list_column: 0,
            listed: Vec::new(),
            name_line: None,
            name_next: None,
            title_case_line: None,
            row_title: None,
            table_title: None,
            panel_lines: HashMap::new(),
            blank_lines: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// How many lines of text lie from line `from` to line `to`, blank lines not counted.
    fn text_distance(&self, from: u32, to: u32) -> u32 {
        let blanks = self.blank_lines.partition_point(|&b| b < to) - self.blank_lines.partition_point(|&b| b <= from);
        to.saturating_sub(from).saturating_sub(blanks as u32)
    }

    /// The lines are a spreadsheet's rows (see `whole_rows`).
    pub(crate) fn rows_of_a_sheet(mut self) -> Self {
        self.whole_rows = true;
        self
    }

    /// Feeds one source line (1-based number).
    pub(crate) fn line(&mut self, number: u32, line: &str) {
        // Trailing spaces and tabs carry no structure (a stray tab after a heading must not
        // make it a table row); leading tabs do (empty cells).
        let line = without_disclosure_marker(line.trim_end());
        if line.trim().is_empty() || is_rule_line(line) {
            self.blank_lines.push(number);
            self.after_blank = true;
            self.in_service_list = false;
            return;
        }
        match table_cells(line) {
            // A row of one cell across the table ("| A. PELAYANAN PEMERIKSAAN UMUM |") is a
            // caption: read as a line of text, so a heading in it opens its service.
            Some(cells) if cells.len() == 1 => {
                self.in_service_list = false;
                self.text(number, &cells[0]);
            }
            Some(cells) => {
                if is_service_list_header(&cells) {
                    self.in_service_list = true;
                    self.list_column = cells
                        .iter()
                        .position(|c| is_service_name_label(&tidy(&strip_markup(c))))
                        .unwrap_or(1);
                    return;
                }
                if self.in_service_list {
                    if let Some(name) = cells.get(self.list_column) {
                        self.listed.push(tidy(&strip_markup(name)));
                    }
                } else {
                    self.row(number, &cells);
                }
            }
            None => {
                self.in_service_list = false;
                self.text(number, line);
            }
        }
        // A title above a table's header row heads a service only if a label opens the table
        // (a section marker may come first): any other line first drops it.
        if self
            .table_title
            .as_ref()
            .is_some_and(|(_, header)| number > *header && !is_section_marker(&strip_markup(line)))
        {
            self.table_title = None;
        }
        self.after_blank = false;
    }

    /// Extends the open component (and its service) to `line`, for rows joined from several
    /// source lines.
    pub(crate) fn extend_open_to(&mut self, line: u32) {
        if let Some(open) = self.open.as_mut() {
            open.lines.extend_to(line);
        }
    }

    /// Ends the input and returns the services found.
    pub(crate) fn finish(mut self) -> (Vec<RawService>, Vec<ParseWarning>) {
        self.finish_service();
        // A title the list of services gives in full ("Permohonan Pemasangan Perlengkapan
        // Jalan" listed as "... Jalan (Rambu, Marka, Cermin Tikungan dan PJU)"): the listed
        // name, whose part in brackets says what the service covers.
        for service in &mut self.services {
            if let Some(full) = fuller_listed_name(&service.title, &self.listed) {
                service.title = full;
            }
        }
        // A shared "Waktu Pelayanan" giving opening hours is the services' hours, whatever
        // duration each states.
        for component in &mut self.shared {
            if component.kind == ComponentKind::Duration && super::hours::looks_like_opening_hours(&component.raw) {
                component.kind = ComponentKind::Hours;
            }
        }
        for service in &mut self.services {
            for component in &self.shared {
                if !service.components.iter().any(|c| c.kind == component.kind) {
                    service.components.push(component.clone());
                }
            }
        }
        (self.services, self.warnings)
    }

    /// Opens a section of components shared by every service.
    fn start_shared(&mut self, line: u32) {
        self.finish_service();
        self.pending = None;
        self.current = Some(RawService::new(String::new(), line, false));
        self.in_shared = true;
    }

    fn warn(&mut self, line: u32, message: impl Into<String>) {
        self.warnings.push(ParseWarning {
            line,
            message: message.into(),
        });
    }

    fn close_component(&mut self) {
        if let Some(component) = self.open.take() {
            match self.current.as_mut() {
                Some(service) => {
                    service.lines.extend_to(component.lines.end);
                    service.components.push(component);
                }
                None => {
                    let line = component.lines.start;
                    self.warn(
                        line,
                        format!(
                            "komponen \"{}\" tanpa judul layanan di atasnya; dilewati",
                            component.label
                        ),
                    );
                }
            }
        }
    }

    fn finish_service(&mut self) {
        self.close_component();
        if std::mem::take(&mut self.in_shared) {
            if let Some(section) = self.current.take() {
                self.shared.extend(section.components);
            }
            return;
        }
        if let Some(service) = self.current.take() {
            // A service standard has several of the components a citizen asks about; a block
            // with none or one (a letterhead followed by a stray "Retribusi" line) is not a
            // service.
            // A block without a title of its own (front matter under a "STANDAR PELAYANAN
            // PADA ..." heading) needs more to count, and a chapter of general information
            // (office hours, a general flow) names no requirement, fee or product.
            let mut kinds: Vec<ComponentKind> = service
                .components
                .iter()
                .map(|c| c.kind)
                .filter(|k| CORE_KINDS.contains(k))
                .collect();
            kinds.sort_by_key(|k| k.as_str());
            kinds.dedup();
            let needed = if service.title.trim().is_empty() { 3 } else { 2 };
            let enough = gives_a_service(&kinds, needed);
            if enough && not_in_force(&service.title) {
                self.warn(
                    service.lines.start,
                    format!(
                        "layanan \"{}\" ditandai arsip, tidak berlaku atau templat; dilewati",
                        tidy(&service.title)
                    ),
                );
            } else if enough {
                self.services.push(service);
            } else if service.numbered_heading || !service.components.is_empty() {
                self.warn(
                    service.lines.start,
                    format!(
                        "judul layanan \"{}\" tanpa tabel komponen; bukan layanan, dilewati",
                        tidy(&service.title)
                    ),
                );
            }
        }
    }

    /// Whether a pending numbered line is the next item of the list the open component ends
    /// with (its number one more than that of an item before it).
    fn continues_list(&self, pending: &PendingTitle) -> bool {
        let Some(number) = leading_number(pending.text.trim()).filter(|&n| n > 1) else {
            return false;
        };
        let Some(component) = self
            .open
            .as_ref()
            .or_else(|| self.current.as_ref().and_then(|s| s.components.last()))
        else {
            return false;
        };
        let raw = match pending.appended_to {
            Some((len, _)) => component.raw.get(..len).unwrap_or(&component.raw),
            None => component.raw.as_str(),
        };
        raw.lines().any(|line| leading_number(line.trim()) == Some(number - 1))
    }

    fn start_service(&mut self, title: String, line: u32, numbered: bool) {
        self.finish_service();
        self.pending = None;
        self.title_number = heading_ordinal(&title);
        self.current = Some(RawService::new(title, line, numbered));
    }

    // ----- text lines -------------------------------------------------------------------

    fn text(&mut self, number: u32, raw_line: &str) {
        let text = tidy(&strip_markup(raw_line).replace('\n', " "));
        if text.is_empty() {
            return;
        }
        if self.name_of_label_above(number, &text) {
            return;
        }
        if self.continue_heading_title(number, raw_line, &text) {
            return;
        }
        if let Some((remainder, numbered)) = standard_heading(raw_line) {
            self.heading(number, raw_line, &remainder, numbered);
            return;
        }
        // A table's header written as a line ("NO KOMPONEN URAIAN", as `pdftotext -raw` prints
        // it), like a section marker, closes the component above and names nothing.
        if is_section_marker(&text) || is_header_row(&[text.as_str()]) {
            self.close_component();
            return;
        }
        // An entry of a page index linking to that section ("- [Komponen Pengelolaan (berlaku
        // untuk semua layanan)](...)") only names it: the section starts where it is.
        let index_entry = raw_line.trim_start().starts_with(['-', '*', '+']) && raw_line.contains("](");
        if is_shared_heading(&text) && !index_entry {
            self.start_shared(number);
            return;
        }
        // "DASAR HUKUM" before any service (under a heading without components at most), then
        // "... berlaku bagi seluruh jenis pelayanan:": that component holds for every service.
        if self.current.as_ref().is_none_or(|s| s.components.is_empty()) && is_shared_statement(&text) {
            // The label opened with no value yet, or a pending heading that reads as one.
            let label = match (self.open.as_ref(), self.pending.as_ref()) {
                (Some(open), _) if open.raw.trim().is_empty() => {
                    Some((open.lines.start, open.kind, open.label.clone()))
                }
                (None, Some(pending)) => classify(&pending.text)
                    .filter(|_| reads_as_label(&pending.text))
                    .map(|kind| (pending.line, kind, pending.text.clone())),
                _ => None,
            };
            if let Some((line, kind, label)) = label {
                // Taken into the shared section, not closed into the block above.
                self.open = None;
                self.start_shared(line);
                self.start_component(line, kind, label, String::new());
                return;
            }
        }
        // A title in title case just above (a card's title on a page without headings) heads
        // the labels below it as a heading would.
        let in_service = self.current.is_some()
            || self.pending.is_some()
            || self
                .title_case_line
                .as_ref()
                .is_some_and(|t| self.text_distance(t.line, number) <= PANEL_TITLE_REACH);
        let indent = indentation(raw_line);
        let label_indent = self.open.as_ref().and_then(|open| open.label_indent);
        let nested = label_indent.is_some_and(|label_indent| indent > label_indent);
        // A heading set left of the labels ("B. PELAYANAN PENGADUAN PARKIR" above
        // "   1. Persyaratan") names the next service even if it holds a label word.
        let outdented_heading =
            label_indent.is_some_and(|label_indent| indent < label_indent) && is_heading_like(raw_line, &text);
        // The next number of the services' own numbering ("9. Konsultasi dan Pengaduan
        // Perizinan" after "8. ...") titles the next service when the labels stand in table
        // rows, or when no label word opens it.
        let next_title = self.title_number.is_some_and(|n| heading_ordinal(&text) == Some(n + 1))
            && is_heading_like(raw_line, &text);
        if let Some((label, value)) = label_line(&text)
            .filter(|(label, value)| in_service || is_service_name_label(label) && !value.is_empty())
            .filter(|_| !nested && !outdented_heading)
            .filter(|(label, _)| !next_title || !self.row_labels && label_led(label))
        {
            if is_service_name_label(&label) && !value.is_empty() {
                self.name_line = (mostly_capitals(&value) || ends_open(&value)).then_some(number);
                self.service_name(number, value);
                return;
            }
            if is_service_name_label(&label) && label_words(&label).len() >= 2 && text.ends_with(':') {
                self.name_next = Some(number);
                return;
            }
            // "Biaya/Tarif:" then "Tidak dipungut biaya" on the next line: a label's own kind
            // right under it, while it has no value yet, is its value.
            // So is a line with a number under an empty label ("Waktu Penyelesaian:" then
            // "1 x 24 jam"): labels have no figures.
            let value_of_open = |kind: ComponentKind| {
                self.open.as_ref().is_some_and(|open| {
                    open.raw.trim().is_empty() && (open.kind == kind || label.chars().any(|c| c.is_ascii_digit()))
                })
            };
            // One word right under a short fragment, without a break, ends a phrase wrapped in
            // a flowchart box ("Pembayaran" / "Retribusi"), not a label.
            let wraps_fragment = value.is_empty()
                && !self.after_blank
                && label.split_whitespace().count() == 1
                && !text.contains(':')
                && self.open.as_ref().is_some_and(|open| {
                    open.raw.lines().last().is_some_and(|last| {
                        let last = last.trim();
                        !last.is_empty()
                            && last.split_whitespace().count() <= 2
                            && !last.ends_with(['.', ',', ';', ':'])
                            && !last.chars().next().is_some_and(|c| c.is_ascii_digit())
                    })
                });
            let kind = classify(&label).or_else(|| classify_question(&label));
            if let Some(kind) = kind.filter(|kind| !value_of_open(*kind) && !wraps_fragment) {
                self.start_component(number, kind, label, value);
                if let Some(open) = self.open.as_mut() {
                    open.label_indent = Some(indent);
                }
                return;
            }
        }
        let heading_like = is_heading_like(raw_line, &text) && unit_line(&text).is_none();
        // "JENIS PELAYANAN : PERSETUJUAN HASIL ANALISIS DAMPAK LALU" / "LINTAS (ANDALALIN)":
        // a name in capitals wrapped onto the next line goes on there, as does any name cut
        // after a word that cannot end it ("... Rambu Lalu Lintas dan" / "Perlengkapan Jalan").
        if let Some(at) = self.name_line.take()
            && at + 1 == number
            && text.split_whitespace().count() <= 8
            && text.chars().filter(|c| c.is_alphabetic()).count() >= 4
            && !is_header_row(&[text.as_str()])
            && !text.ends_with(['.', ':', ';', ','])
            && classify(&text).is_none()
            && let Some(service) = self.current.as_mut()
            && service.components.is_empty()
            && (mostly_capitals(&text) && mostly_capitals(&service.title) || ends_open(&service.title))
        {
            service.title = format!("{} {text}", service.title);
            service.lines.extend_to(number);
            return;
        }
        // A title in capitals wrapped onto the next line ("REKOMENDASI PENGGUNAAN JALAN" /
        // "UNTUK KEGIATAN MASYARAKAT") is one title.
        let wrapped = self
            .pending
            .as_ref()
            .filter(|p| {
                p.line + 1 == number
                    && (heading_like && mostly_capitals(&p.text) && mostly_capitals(&text)
                        // So is a numbered title in title case ("7. Persetujuan ... untuk" /
                        // "Kegiatan Nonberusaha"), unless the next line names an office or is
                        // a label or a sentence.
                        || leading_number(&p.text).is_some()
                            && title_case(&p.text)
                            && title_case(&text)
                            && text.split_whitespace().count() <= 6
                            && leading_number(&text).is_none()
                            && classify(&text).is_none()
                            && !text.ends_with(['.', ':', ';', ','])
                            && !super::header::starts_with_agency_word(&text.to_uppercase()))
            })
            .map(|p| (format!("{} {text}", p.text), p.line, p.appended_to));
        if let Some((text, line, appended_to)) = wrapped {
            if let Some(open) = self.open.as_mut() {
                open.raw.push('\n');
                open.raw.push_str(raw_line);
                open.lines.extend_to(number);
            }
            self.pending = Some(PendingTitle {
                text,
                line,
                appended_to,
            });
            return;
        }
        // A label cell wrapped onto the next line ("2. Sistem, Mekanisme dan" / "Prosedur",
        // "3. Jangka Waktu" / "Penyelesaian"): the rest of the label, not its value.
        if let Some(open) = self.open.as_mut()
            && open.raw.trim().is_empty()
            && open.lines.start + 1 == number
            && text.split_whitespace().count() <= LABEL_TAIL_WORDS
            && !text.ends_with(['.', ';', ':'])
            && leading_number(&text).is_none()
            && {
                let words = label_words(&text);
                let joining = |w: &String| matches!(w.as_str(), "dan" | "atau" | "serta");
                words.iter().any(|w| is_label_word(w))
                    && words.iter().all(|w| is_label_word(w) || joining(w))
                    && (continues_label(&open.label, &text) || !joining(&words[0]))
            }
        {
            open.label = format!("{} {}", open.label.trim_end(), text.trim());
            open.lines.extend_to(number);
            return;
        }
        if let Some(open) = self.open.as_mut() {
            let before = (open.raw.len(), open.lines.end);
            open.raw.push('\n');
            open.raw.push_str(raw_line);
            open.lines.extend_to(number);
            let title = PendingTitle {
                text,
                line: number,
                appended_to: Some(before),
            };
            if heading_like {
                // A heading set left of the labels ends their block: the labels under it are
                // the next service's, however deep its list sets them ("+ 8. Pemulangan ..."
                // over "     * Persyaratan : ...").
                if outdented_heading {
                    open.label_indent = None;
                }
                self.pending = Some(title);
            } else if is_panel_title(&title.text) {
                *self.panel_lines.entry(title.text.clone()).or_default() += 1;
                self.title_case_line = Some(title);
            }
            return;
        }
        if heading_like {
            self.pending = Some(PendingTitle {
                text,
                line: number,
                appended_to: None,
            });
        } else if let Some(unit) = unit_line(&text)
            && let Some(service) = self.current.as_mut().filter(|s| s.components.is_empty())
        {
            service.unit = Some(unit);
        } else if is_panel_title(&text) {
            *self.panel_lines.entry(text.clone()).or_default() += 1;
            self.title_case_line = Some(PendingTitle {
                text,
                line: number,
                appended_to: None,
            });
        }
    }

    /// Lines right after an explicit heading complete its title, up to "PADA <unit>".
    /// "Jenis Pelayanan :" then "Mutasi Subjek dan/atau Objek PBB-P2" on the next line: a
    /// form's name label whose value came out as the next paragraph names the service with
    /// that line, unless the line is a label, a table's header or no name at all.
    fn name_of_label_above(&mut self, number: u32, text: &str) -> bool {
        let Some(at) = self.name_next.take() else {
            return false;
        };
        let is_name = self.text_distance(at, number) == 1
            && (1..=20).contains(&text.split_whitespace().count())
            && text.chars().filter(|c| c.is_alphabetic()).count() >= 4
            && !text.ends_with(['.', ':', ';', ','])
            && !is_header_row(&[text])
            && !is_section_marker(text)
            && label_line(text).is_none_or(|(label, _)| classify(&label).is_none());
        if is_name {
            self.service_name(number, text.to_owned());
        }
        is_name
    }

    fn continue_heading_title(&mut self, number: u32, raw_line: &str, text: &str) -> bool {
        let Mode::HeadingTitle {
            lines_taken,
            needs_close,
            shouting,
            unit_next,
        } = self.mode
        else {
            return false;
        };
        let Some(service) = self.current.as_mut() else {
            self.mode = Mode::Normal;
            return false;
        };
        if let Some(unit) = unit_line(text).or_else(|| unit_next.then(|| text.trim_end_matches(['*', ':']).to_owned()))
        {
            service.unit = Some(unit);
            service.lines.extend_to(number);
            self.mode = Mode::Normal;
            return true;
        }
        // "STANDAR PELAYANAN PADA UPT PUSKESMAS X" / "KABUPATEN LOMBOK TIMUR TAHUN 2024": the
        // region and year of the unit, not a title.
        if service.title.is_empty() && service.unit.is_some() && names_region_or_year(text) {
            service.lines.extend_to(number);
            self.mode = Mode::HeadingTitle {
                lines_taken: lines_taken + 1,
                needs_close,
                shouting,
                unit_next: false,
            };
            return true;
        }
        // Under a bare "STANDAR PELAYANAN PUBLIK", the agency's name ("DINAS PERTANIAN ...
        // KABUPATEN ...") is the unit, and a list's heading ("DAFTAR JENIS PELAYANAN") ends
        // the heading: no title yet, the service's own heading follows.
        let upper = text.to_uppercase();
        if service.title.is_empty() && service.components.is_empty() {
            if upper.starts_with("DAFTAR ") || is_service_name_label(text) {
                self.mode = Mode::Normal;
                if label_line(text).is_some_and(|(label, value)| is_service_name_label(&label) && value.is_empty()) {
                    self.name_next = Some(number);
                    return true;
                }
                return false;
            }
            let of_region = label_words(text)
                .iter()
                .any(|w| matches!(w.as_str(), "kabupaten" | "kab" | "kota" | "provinsi"));
            if super::header::starts_with_agency_word(&upper) && of_region {
                service
                    .unit
                    .get_or_insert_with(|| text.trim_end_matches(['*', ':']).to_owned());
                service.lines.extend_to(number);
                return true;
            }
        }
        // The office that gives it, a paragraph below the title ("Pengujian Berkala Kendaraan
        // Bermotor (Uji KIR)" / "" / "UPTD Pengujian Kendaraan Bermotor") or a sheet's row
        // below it: the unit, and the title ends. (A title wraps without a break: "...
        // PEDOMAN" / "BIDANG PEREKONOMIAN"; a sheet's cell does not.)
        // So is the agency with its regency right under the title ("PEMULANGAN ORANG
        // TERLANTAR" / "DINAS SOSIAL KABUPATEN KARANGTIRTA"), unless the title reaches out
        // to it ("REKOMENDASI DARI" / "DINAS ...").
        let of_region = label_words(text)
            .iter()
            .any(|w| matches!(w.as_str(), "kabupaten" | "kab" | "kota" | "provinsi"));
        if !service.title.is_empty()
            && (self.after_blank || self.whole_rows || of_region && !ends_open(&service.title))
            && text.split_whitespace().count() >= 2
            && (super::header::starts_with_agency_word(&upper)
                || DIVISION_WORDS
                    .iter()
                    .any(|w| upper.starts_with(w) && upper[w.len()..].starts_with(' ')))
        {
            if service.unit.is_none() {
                service.unit = Some(without_year(text.trim_end_matches(['*', ':'])).to_owned());
            }
            service.lines.extend_to(number);
            self.mode = Mode::Normal;
            return true;
        }
        // The first line after a bare "STANDAR PELAYANAN" is the title even when it
        // contains a component word ("PENANGANAN PENGADUAN", "PENGANTAR PERSYARATAN ...").
        let first = lines_taken == 0 && service.title.is_empty();
        let takes = needs_close
            || (lines_taken < 3
                && (!shouting || mostly_capitals(text) || first && title_case(text))
                && (first || shouting || text.starts_with(|c: char| c.is_uppercase() || c == '('))
                && standard_heading(raw_line).is_none()
                && (first || classify(text).is_none())
                && !is_section_marker(text)
                && !is_header_row(&[text])
                // A lettered or numbered line under a titled heading heads its own part.
                && (service.title.is_empty() || !strip_numbering(text).0)
                && !text.ends_with(['.', ',', ';', ':'])
                && !text.contains(':')
                && text.split_whitespace().count() <= 24);
        if !takes {
            self.mode = Mode::Normal;
            return false;
        }
        if !service.title.is_empty() {
            service.title.push(' ');
        }
        service.title.push_str(text);
        service.lines.extend_to(number);
        let closes = needs_close && raw_line.contains("**");
        self.mode = if closes {
            Mode::Normal
        } else {
            Mode::HeadingTitle {
                lines_taken: lines_taken + 1,
                needs_close,
                // A title in title case under a heading in capitals wraps in title case.
                shouting: shouting && mostly_capitals(text),
                unit_next: false,
            }
        };
        true
    }

    fn heading(&mut self, number: u32, raw_line: &str, remainder: &str, numbered: bool) {
        // "STANDAR PELAYANAN PADA" / "STANDAR PELAYANAN KONSULTASI PADA": the unit follows.
        let words: Vec<&str> = remainder.split_whitespace().collect();
        let unit_next = words.last().is_some_and(|w| w.eq_ignore_ascii_case("pada"));
        let remainder = if unit_next {
            words[..words.len() - 1].join(" ")
        } else {
            remainder.to_owned()
        };
        let (title, unit) = split_unit(&remainder);
        // "STANDAR PELAYANAN 1" / "STANDAR PELAYANAN NO. 2": the service's ordinal, with its
        // title on the lines below, like a bare heading.
        let title = if is_ordinal(&title) { String::new() } else { title };
        // "I. PENERBITAN KARTU AK/1" over "A. STANDAR PELAYANAN" (and later "B. STANDAR
        // OPERASIONAL PROSEDUR"): the numbered heading just above titles the service.
        // Not an item that goes on with the open list ("3. Fotokopi Kartu Kel" after "2. ...":
        // a board photographed in part, then the next board's heading).
        let pending = self.pending.take().filter(|pending| !self.continues_list(pending));
        let title = match pending {
            Some(pending)
                if title.is_empty()
                    && unit.is_none()
                    && strip_numbering(&pending.text).0
                    && pending.line + 4 >= number =>
            {
                if let (Some((len, end)), Some(service)) = (pending.appended_to, self.current.as_mut())
                    && let Some(last) = service.components.last_mut()
                {
                    last.raw.truncate(len);
                    last.lines.end = end;
                    service.lines.end = end;
                }
                pending.text
            }
            _ => title,
        };
        self.start_service(title.clone(), number, numbered);
        if let Some(service) = self.current.as_mut() {
            service.unit = unit;
        }
        let bold_open = raw_line.matches("**").count() % 2 == 1;
        let shouting = mostly_capitals(&tidy(&strip_markup(raw_line)));
        // A heading in capitals may wrap onto the next line ("... SERTIFIKAT LAIK HIGIENE" /
        // "SANITASI DEPOT AIR MINUM"); the continuation rules above decide.
        self.mode = if title.is_empty() || unit_next || bold_open || shouting {
            Mode::HeadingTitle {
                lines_taken: 0,
                needs_close: bold_open,
                shouting,
                unit_next,
            }
        } else {
            Mode::Normal
        };
    }

    // ----- table rows ------------------------------------------------------------------

    fn row(&mut self, number: u32, cells: &[String]) {
        if cells.iter().all(|c| is_rule(c)) {
            return;
        }
        self.in_row = true;
        self.row_cells(number, cells);
        self.in_row = false;
    }

    fn row_cells(&mut self, number: u32, cells: &[String]) {
        if self.mode != Mode::Normal {
            self.mode = Mode::Normal;
        }
        let plain = |s: &str| tidy(&strip_markup(s).replace('\n', " "));
        let plain_cells: Vec<String> = cells.iter().map(|c| plain(c)).collect();
        let numbered = plain_cells.first().is_some_and(|c| is_number_marker(c));
        // A numbered row whose one cell opens with a component's label ("1. | Persyaratan 1.
        // Fotokopi KTP ...", the border between them lost): the label and value ran together.
        // A row in title case is a title holding a label's word ("8.<TAB>Fasilitasi Sertifikasi
        // Kompetensi Pemandu Wisata").
        if numbered
            && let [row_number, cell] = cells
            && !title_case(&plain(cell))
            && let Some(split) = super::flattened::split_label(&plain(cell))
        {
            let mut split_cells = vec![row_number.clone()];
            split_cells.extend(split.split('\t').map(str::to_owned));
            self.row_cells(number, &split_cells);
            return;
        }
        let content: Vec<(usize, &String)> = cells
            .iter()
            .enumerate()
            .filter(|(i, _)| !is_blank_cell(&plain_cells[*i]) && (*i != 0 || !numbered))
            .collect();
        if content.is_empty() {
            return;
        }
        if is_header_row(&plain_cells.iter().map(String::as_str).collect::<Vec<_>>()) {
            self.close_component();
            // A numbered title row right above a table's header ("2.<TAB>Pemakaian Gedung
            // Kesenian" over "No<TAB>Komponen<TAB>Uraian", a Word text's headings numbered by
            // Word) heads the next service; it had been read as the last component's text.
            if let Some(title) = self
                .row_title
                .take()
                .filter(|t| self.text_distance(t.line, number) <= 1)
            {
                self.pending = Some(title);
            } else if let Some(title) = self
                .title_case_line
                .take()
                .filter(|t| self.text_distance(t.line, number) <= HEADER_TITLE_REACH)
                .filter(|t| self.pending.as_ref().is_none_or(|p| p.line < t.line))
                // A heading stands apart; a wrapped line of the last component's text does not.
                .filter(|t| self.blank_lines.binary_search(&(t.line - 1)).is_ok())
                .filter(|t| self.panel_lines.get(&t.text).is_none_or(|&seen| seen <= 1))
            {
                // So does a line in title case standing apart just above it, as a page heads
                // each service's table ("Surat Izin Praktik Bidan (SIPB)" / "Online & Offline
                // Bidang: ..." / "No<TAB>Komponen<TAB>Uraian"), whatever the table's first
                // label, when a label opens the table (see `table_title`).
                self.table_title = Some((title, number));
            }
            return;
        }
        if content.len() == 1 && is_section_marker(&plain(content[0].1)) {
            self.close_component();
            return;
        }
        if content.len() == 1 && is_shared_heading(&plain(content[0].1)) {
            self.start_shared(number);
            return;
        }
        let last_index = cells.len() - 1;
        // A numbered row of a label alone ("2.<TAB>Persyaratan", its value the paragraphs
        // below, as a page's table is saved as text) starts that component.
        let label_alone = numbered && content.len() == 1 && {
            let label = plain(content[0].1);
            classify(&label).is_some() && reads_as_label(&label) && !label.ends_with(['.', ';', ','])
        };
        if content.len() >= 2 || label_alone || (content[0].0 < last_index && classify(&plain(content[0].1)).is_some())
        {
            let label = plain(content[0].1);
            let value = content[1..]
                .iter()
                .map(|(_, c)| c.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            // "Jenis Pelayanan" / "Nama Layanan" always names a service; a bare "Pelayanan" may
            // end a label split over two rows ("Jaminan" / "Pelayanan").
            if is_service_name_label(&label) && label_words(&label).len() >= 2 {
                self.service_name(number, plain(&value));
                return;
            }
            if self.row_continues_label(&label, numbered) {
                let open = self.open.as_mut().expect("checked by row_continues_label");
                open.label = format!("{} {}", open.label, label);
                if open.kind == ComponentKind::Other {
                    open.kind = classify(&open.label).unwrap_or(ComponentKind::Other);
                    let start = open.lines.start;
                    self.warnings.retain(|w| w.line != start);
                }
                open.raw.push('\n');
                open.raw.push_str(&value);
                open.lines.extend_to(number);
                return;
            }
            if is_service_name_label(&label) {
                self.service_name(number, plain(&value));
                return;
            }
            if let Some(kind) = classify(&label) {
                self.start_component(number, kind, label, value);
                return;
            }
            // A table under a label written on a line of text ("Tarif" then "| No | Parameter |
            // Tarif |") is that component's table: its rows name no components.
            let inside_component = self.open.is_some() && !self.row_labels;
            if numbered && content[0].0 == 1 && label_words(&label).len() <= 8 && !inside_component {
                self.warn(number, format!("komponen tidak dikenal: \"{label}\""));
                self.start_component(number, ComponentKind::Other, label, value);
                return;
            }
        }
        // A row without a label continues the open component.
        let joined = content.iter().map(|(_, c)| c.as_str()).collect::<Vec<_>>().join(" ");
        if let Some(open) = self.open.as_mut() {
            let before = (open.raw.len(), open.lines.end);
            open.raw.push('\n');
            open.raw.push_str(&joined);
            open.lines.extend_to(number);
            let text = plain(&joined);
            if numbered
                && content.len() == 1
                && (title_case(&text) || mostly_capitals(&text))
                && !text.ends_with(['.', ';', ',', ':'])
            {
                self.row_title = Some(PendingTitle {
                    text,
                    line: number,
                    appended_to: Some(before),
                });
            }
        } else {
            let text = plain(&joined);
            // A numbered row right under a heading without a title ("STANDAR PELAYANAN /
            // SERVICE STANDARD" then "1.<TAB>VERIFIKASI ... / Verification of ...") titles it.
            let untitled = numbered
                && self
                    .current
                    .as_ref()
                    .is_some_and(|s| s.title.is_empty() && s.components.is_empty())
                && self.pending.is_none()
                && classify(&text).is_none()
                && text.split_whitespace().count() <= 24
                && !text.ends_with(['.', ';', ':']);
            if untitled || is_heading_like(&joined, &text) {
                self.pending = Some(PendingTitle {
                    text,
                    line: number,
                    appended_to: None,
                });
            }
        }
    }

    /// Whether a row's label cell continues the open component's label rather than
    /// starting a new component ("Jaminan" / "Pelayanan"; "... Masukan /" / "Apresiasi").
    fn row_continues_label(&self, label: &str, numbered: bool) -> bool {
        let Some(open) = self.open.as_ref() else {
            return false;
        };
        if numbered {
            return false;
        }
        let combined = classify(&format!("{} {}", open.label, label));
        if open.kind == ComponentKind::Other {
            // "Jumlah" / "Pelaksana": an unknown label completed by the next row.
            return combined.is_some();
        }
        continues_label(&open.label, label) || (classify(label).is_none() && combined == Some(open.kind))
    }

    fn service_name(&mut self, number: u32, title: String) {
        self.close_component();
        match self.current.as_mut() {
            Some(service) if service.components.is_empty() => {
                if service.title.is_empty() || !service.numbered_heading {
                    service.title = title;
                }
                service.lines.extend_to(number);
                self.pending = None;
            }
            _ => self.start_service(title, number, true),
        }
        self.mode = Mode::Normal;
    }

    fn start_component(&mut self, number: u32, kind: ComponentKind, label: String, value: String) {
        // The title above the table's header row, when this label opens the table (see
        // `table_title`).
        let table_title = self
            .table_title
            .take()
            .filter(|(_, header)| self.text_distance(*header, number) <= 2)
            .map(|(title, _)| title);
        self.close_component();
        self.row_labels = self.in_row;
        // A line in title case right above the label that starts the components over (a
        // second "Persyaratan") titles the next service, as a web page's panel title does.
        // So does one above the first service's first label, rather than a heading further up
        // (the page's name).
        // A label said to go on ("PERSYARATAN (lanjutan)" on a slide after the first) goes on
        // with the service: it starts nothing over.
        let continued = label_words(&label).iter().any(|w| w == "lanjutan");
        let restarts = !continued
            && self
                .current
                .as_ref()
                .is_none_or(|s| s.components.iter().any(|c| c.kind == kind));
        if (kind == ComponentKind::Requirements || self.current.is_none())
            && restarts
            && let Some(title) = self.title_case_line.take()
            && self.text_distance(title.line, number) <= PANEL_TITLE_REACH
            && self
                .pending
                .as_ref()
                .is_none_or(|p| p.line + PANEL_TITLE_REACH < title.line)
        {
            self.pending = Some(title);
        }
        self.title_case_line = None;
        let titled_table = table_title.is_some();
        if let Some(title) = table_title {
            self.pending = Some(title);
        }
        let needs_new_service = match (&self.current, &self.pending) {
            (None, _) => true,
            (Some(service), Some(_)) => {
                !continued
                    && !service.components.is_empty()
                    && (titled_table
                        || kind == ComponentKind::Requirements
                        || service.components.iter().any(|c| c.kind == kind))
            }
            (Some(_), None) => false,
        };
        if needs_new_service {
            match self.pending.take() {
                Some(pending) => {
                    // The heading line was also taken as text of the last component: undo that.
                    if let (Some((len, end)), Some(service)) = (pending.appended_to, self.current.as_mut())
                        && let Some(last) = service.components.last_mut()
                    {
                        last.raw.truncate(len);
                        last.lines.end = end;
                        service.lines.end = end;
                    }
                    self.start_service(pending.text, pending.line, false);
                }
                None => {
                    self.warn(
                        number,
                        format!("komponen \"{label}\" muncul sebelum judul layanan mana pun"),
                    );
                    self.start_service(String::new(), number, false);
                }
            }
        } else if let Some(service) = self.current.as_mut()
            && (service.title.is_empty()
                // "STANDAR PELAYANAN PERIZINAN DAN NONPERIZINAN" over "A. PERSETUJUAN BANGUNAN
                // GEDUNG (PBG)": the lettered or numbered heading right above the first
                // component titles the service, the heading above it names a chapter.
                || service.components.is_empty() && self.pending.as_ref().is_some_and(|p| strip_numbering(&p.text).0))
            && let Some(pending) = self.pending.take()
        {
            service.title = pending.text;
        }
        self.pending = None;
        self.open = Some(RawComponent {
            kind,
            label,
            raw: value,
            lines: LineRange::line(number),
            label_indent: None,
        });
    }
}

/// Splits a table line into cells: tab-separated, or a markdown pipe row `| a | b |`.
fn table_cells(line: &str) -> Option<Vec<String>> {
    if let Some(cells) = html_cells(line) {
        return Some(cells);
    }
    if line.contains('\t') {
        // "Nama Layanan<TAB>: Uji Berkala": the colon of a label aligned by a tab opens the value.
        let cell = |c: &str| c.trim().strip_prefix(':').unwrap_or(c.trim()).trim().to_owned();
        return Some(line.split('\t').map(cell).collect());
    }
    // Pipe tables, with or without outer pipes (`| a | b |`, ` 1. | a | b`).
    let trimmed = line.trim();
    if trimmed.matches('|').count() >= 2 {
        let inner = trimmed.strip_prefix('|').unwrap_or(trimmed);
        let inner = inner.strip_suffix('|').unwrap_or(inner);
        return Some(inner.split('|').map(|c| c.trim().to_owned()).collect());
    }
    // A row number and one pipe ("1. | Persyaratan 1. Fotokopi KTP ..."): a numbered row whose
    // other borders an OCR reading lost.
    if let Some((number, rest)) = trimmed.split_once('|')
        && is_number_marker(number.trim())
        && !rest.trim().is_empty()
    {
        return Some(vec![number.trim().to_owned(), rest.trim().to_owned()]);
    }
    None
}

/// A line drawn with rule characters only ("-----+------", "|====|"): table borders.
fn is_rule_line(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= 3
        && trimmed
            .chars()
            .all(|c| matches!(c, '-' | '+' | '=' | '|' | ':' | ' ' | '_'))
}

/// Cells of an HTML table row on one line: `<tr><td>1</td><td>Persyaratan</td>...</tr>`.
/// Nested markup inside a cell (lists, paragraphs) is kept for the cleaner.
fn html_cells(line: &str) -> Option<Vec<String>> {
    let lower = line.to_ascii_lowercase();
    if !(lower.contains("<td") || lower.contains("<th")) {
        return None;
    }
    let mut starts: Vec<usize> = Vec::new();
    for tag in ["<td", "<th"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(tag) {
            let at = from + at;
            // "<th" must not match "<thead"; "<td" has no such sibling.
            let next = lower.as_bytes().get(at + 3).copied().unwrap_or(b'>');
            if next == b'>' || next == b' ' {
                starts.push(at);
            }
            from = at + 3;
        }
    }
    starts.sort_unstable();
    let mut cells = Vec::with_capacity(starts.len());
    for (i, &start) in starts.iter().enumerate() {
        let open_end = lower[start..].find('>').map_or(line.len(), |e| start + e + 1);
        let limit = starts.get(i + 1).copied().unwrap_or(line.len());
        let close = ["</td", "</th"]
            .iter()
            .filter_map(|t| lower[open_end.min(limit)..limit].find(t))
            .min();
        let end = close.map_or(limit, |c| open_end.min(limit) + c);
        cells.push(line[open_end.min(end)..end].trim().to_owned());
    }
    (cells.len() >= 2).then_some(cells)
}

/// Table rule debris: "----", ":---:", "===".
fn is_rule(cell: &str) -> bool {
    cell.trim().chars().all(|c| matches!(c, '-' | ':' | '=' | ' ' | '+'))
}

/// An empty cell, or one holding only punctuation left by the conversion (".", "-").
fn is_blank_cell(cell: &str) -> bool {
    cell.trim().chars().all(|c| !c.is_alphanumeric())
}

/// "1.", "12", "a.", "IV." alone in a cell.
fn is_number_marker(cell: &str) -> bool {
    let c = cell.trim().trim_end_matches(['.', ')']);
    !c.is_empty()
        && c.len() <= 5
        && (c.chars().all(|ch| ch.is_ascii_digit())
            || (c.len() == 1 && c.chars().all(|ch| ch.is_ascii_lowercase()))
            || c.chars().all(|ch| matches!(ch, 'I' | 'V' | 'X' | 'L')))
}

/// A line that only says where and when: "KABUPATEN LOMBOK TIMUR TAHUN 2024", "KOTA X", "TAHUN 2024".
fn names_region_or_year(text: &str) -> bool {
    let words = label_words(text);
    matches!(
        words.first().map(String::as_str),
        Some("kabupaten" | "kota" | "provinsi" | "kab" | "tahun")
    ) && words.len() <= 8
        && words
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || w.chars().all(char::is_alphabetic) && w != "pelayanan")
}

/// Whether a line heads components that hold for every service of the decree ("KOMPONEN
/// YANG BERLAKU UNTUK SELURUH JENIS PELAYANAN", "Ketentuan untuk semua layanan").
fn is_shared_heading(text: &str) -> bool {
    let words = label_words(text);
    let has = |options: &[&str]| words.iter().any(|w| options.contains(&w.as_str()));
    words.len() <= 12
        && has(&["seluruh", "semua", "setiap"])
        && has(&["pelayanan", "layanan"])
        && has(&["komponen", "ketentuan", "berlaku", "untuk"])
        && !text.trim_end().ends_with(['.', ';', ','])
}

/// Whether a sentence says the component it follows holds for every service ("Dasar hukum di
/// bawah ini berlaku bagi seluruh jenis pelayanan ..."): "berlaku" and a word for all right
/// before "(jenis) pelayanan" ("seluruh pemohon layanan" is about people, not services).
fn is_shared_statement(text: &str) -> bool {
    let words = label_words(text);
    let all_services = words.windows(3).any(|w| {
        matches!(w[0].as_str(), "seluruh" | "semua" | "setiap")
            && (matches!(w[1].as_str(), "pelayanan" | "layanan")
                || w[1] == "jenis" && matches!(w[2].as_str(), "pelayanan" | "layanan"))
    });
    words.len() <= 24 && words.iter().any(|w| w == "berlaku") && all_services
}

/// Recognises "STANDAR PELAYANAN <rest>" headings (with decorations and numbering) and
/// returns the rest of the line and whether it was numbered.
fn standard_heading(raw_line: &str) -> Option<(String, bool)> {
    if raw_line.contains('\t') {
        return None;
    }
    let text = tidy(&strip_markup(raw_line).replace('\n', " "));
    let text = text.trim_start_matches(['-', '•', ' ']);
    let (numbered, rest) = strip_numbering(text);
    let upper = rest.to_uppercase();
    let after = [
        "STANDAR PELAYANAN PUBLIK",
        "STANDAR PELAYANAN",
        "STANDAR LAYANAN",
        "STANDART PELAYANAN",
    ]
    .iter()
    .find_map(|p| upper.strip_prefix(p).map(|r| rest.len() - r.len()))?;
    let remainder = &rest[after..];
    if !(remainder.is_empty() || remainder.starts_with([' ', ':', '-'])) {
        return None;
    }
    // A heading, not a sentence that begins with the words ("Standar Pelayanan merupakan ...").
    let decorated = raw_line.trim_start().starts_with(['#', '*']);
    let letters: Vec<char> = rest.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8;
    if !(numbered || decorated || shouting) || rest.ends_with('.') || rest.split_whitespace().count() > 26 {
        return None;
    }
    // "Standar Pelayanan Publik — Dinas Koperasi ...": a page's title, the agency after a
    // dash, names no service.
    let of_agency = |text: &str| super::header::starts_with_agency_word(&text.trim().to_uppercase());
    if remainder
        .trim_start()
        .strip_prefix(['—', '–', '-'])
        .is_some_and(of_agency)
    {
        return None;
    }
    let remainder = remainder.trim_start_matches([' ', ':', '-', '—', '–']).trim();
    // "STANDAR PELAYANAN #1 — Penerbitan KTP-el": the ordinal before a dash is no part of the
    // title.
    let remainder = match remainder.split_once(['—', '–']) {
        Some((before, after)) if is_ordinal(before.trim().trim_start_matches('#')) => after.trim(),
        _ => remainder,
    };
    // "STANDAR PELAYANAN / SERVICE STANDARD": a translation of the heading words, no title.
    let remainder = if remainder.starts_with('/') { "" } else { remainder };
    Some((remainder.to_owned(), numbered))
}

/// Whether a heading marks its standard as no longer in force or not yet filled in: an
/// archived page ("ARSIP — Pelatihan ...") or a template with placeholders ("Standar
/// Pelayanan [Nama Layanan]"). A citizen must not be answered from it. (Words like "tidak
/// berlaku" are no mark: a title wrapped into a decree's closing article would carry them.)
fn not_in_force(title: &str) -> bool {
    let lower = tidy(title).to_lowercase();
    let bare = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    // The marker as a label before the name ("ARSIP — ...", "[ARSIP] ..."), not a name that
    // starts with the word ("Arsip Statis" is a service of an archives office).
    let marked = ["arsip", "template", "templat"].iter().any(|word| {
        bare.strip_prefix(word)
            .is_some_and(|rest| rest.trim_start().starts_with(['—', '–', '-', ':', ']', ')']))
    });
    marked || lower.contains('[') && lower.contains(']') && !lower.contains("](")
}

/// Strips "XVIII. ", "12. ", "A. " from the start of a heading.
fn strip_numbering(text: &str) -> (bool, &str) {
    let token = text.split_whitespace().next().unwrap_or("");
    let bare = token.trim_end_matches(['.', ')']);
    let is_number = token.len() > bare.len()
        && !bare.is_empty()
        && (bare.chars().all(|c| c.is_ascii_digit())
            || bare.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C'))
            || bare.len() == 1);
    if is_number {
        (true, text[token.len()..].trim_start())
    } else {
        (false, text)
    }
}

/// The number a line opens with ("9. Konsultasi ..." -> 9).
fn leading_number(text: &str) -> Option<u32> {
    let token = text.split_whitespace().next()?;
    token
        .trim_end_matches(['.', ')'])
        .parse()
        .ok()
        .filter(|_| token.ends_with(['.', ')']))
}

/// The place a service heading opens with in the decree's numbering: its number, or a capital
/// letter's place in the alphabet ("J. Pelayanan Pengaduan Konsumen" after "I. ..." -> 10).
fn heading_ordinal(text: &str) -> Option<u32> {
    let token = text.split_whitespace().next()?;
    match token.trim_end_matches(['.', ')']).as_bytes() {
        [letter] if letter.is_ascii_uppercase() && token.ends_with(['.', ')']) => Some(u32::from(letter - b'A') + 1),
        _ => leading_number(text),
    }
}

/// Whether a label's first words are themselves a label ("Jangka Waktu Penyelesaian",
/// "Penanganan Pengaduan, Saran"), as opposed to a title holding a label word further on
/// ("Konsultasi dan Pengaduan Perizinan").
fn label_led(label: &str) -> bool {
    let words: Vec<&str> = label.split_whitespace().collect();
    (1..=words.len().min(3)).any(|n| classify(words[..n].join(" ").trim_end_matches([',', ':'])).is_some())
}

/// Splits "KONSULTASI PADA KECAMATAN BEJI" into title and unit.
fn split_unit(remainder: &str) -> (String, Option<String>) {
    let upper = remainder.to_uppercase();
    if let Some(unit) = unit_line(remainder) {
        return (String::new(), Some(unit));
    }
    // "STANDAR PELAYANAN BADAN PENDAPATAN DAERAH ...": the agency itself, "PADA" left out.
    if super::header::starts_with_agency_word(&upper) && !upper.contains(" PADA ") {
        return (String::new(), Some(remainder.trim().to_owned()));
    }
    // "... PADA KECAMATAN BEJI": the unit. Not "PELEPASAN CINCIN ... PADA ANGGOTA TUBUH",
    // where what follows names no office (nor a place: "pada Kabupaten ...").
    match upper.find(" PADA ") {
        Some(at) if names_office(&upper[at + 6..]) => (
            remainder[..at].trim().to_owned(),
            Some(remainder[at + 6..].trim().to_owned()),
        ),
        _ => (remainder.to_owned(), None),
    }
}

/// The header of a table listing the services ("NO | JENIS PELAYANAN | UNIT PELAKSANA"): a
/// number column, a cell naming the service column, short header cells, none naming a
/// component or the description column (a service-name row "Jenis Pelayanan | SKKH" has no
/// number column; a matrix's header names components).
fn is_service_list_header(cells: &[String]) -> bool {
    let plain: Vec<String> = cells.iter().map(|c| tidy(&strip_markup(c))).collect();
    let number_column = plain
        .first()
        .is_some_and(|c| matches!(label_words(c).as_slice(), [w] if matches!(w.as_str(), "no" | "nomor" | "nomer")));
    number_column
        && plain
            .iter()
            .any(|c| is_service_name_label(c) && label_words(c).len() >= 2)
        && plain.iter().all(|c| {
            label_words(c).len() <= 3
                && classify(c).is_none()
                && !label_words(c)
                    .iter()
                    .any(|w| matches!(w.as_str(), "komponen" | "uraian" | "persyaratan"))
        })
}

/// The one listed name that is `title` (its words, in any case, after its numbering) followed
/// by a part in brackets.
fn fuller_listed_name(title: &str, listed: &[String]) -> Option<String> {
    let plain = tidy(&strip_markup(title));
    let (_, bare) = strip_numbering(plain.trim());
    let words = label_words(bare);
    if words.is_empty() {
        return None;
    }
    let mut fuller = listed.iter().filter(|name| {
        let listed_words = label_words(name);
        listed_words.len() > words.len()
            && listed_words.starts_with(&words)
            && name.trim_end().ends_with(')')
            && name[..name.find('(').unwrap_or(0)].split_whitespace().count() == bare.split_whitespace().count()
    });
    let found = fuller.next()?;
    fuller.next().is_none().then(|| found.clone())
}

/// Signs a web page puts before the title of a collapsible panel ("+ 1. Penerbitan ...",
/// "▸ 3. Rekomendasi ..."), as a text browser prints them.
const DISCLOSURE_MARKERS: &[char] = &['+', '▸', '▶', '►', '›', '»', '▼', '▾', '⊕', '⊞'];

/// A numbered heading without the panel sign before it. Only at the start of the line: a
/// list bullet is indented ("     + item").
fn without_disclosure_marker(line: &str) -> &str {
    let Some(rest) = line.strip_prefix(DISCLOSURE_MARKERS).and_then(|r| r.strip_prefix(' ')) else {
        return line;
    };
    let rest = rest.trim_start();
    let numbered = rest
        .split_once(['.', ')'])
        .is_some_and(|(n, _)| (1..=3).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()));
    if numbered { rest } else { line }
}

/// Whether a text after "PADA" names an office or a region that gives services.
fn names_office(upper: &str) -> bool {
    let upper = upper.trim();
    super::header::starts_with_agency_word(upper)
        || super::header::starts_with_region_word(upper)
        || upper.starts_with("PEMERINTAH ")
        || upper
            .split_whitespace()
            .next()
            .is_some_and(|w| w.len() <= 6 && w.chars().all(|c| c.is_ascii_uppercase()))
            && upper.split_whitespace().count() <= 3
}

/// "PADA KECAMATAN BEJI KABUPATEN PASURUAN" -> the unit.
fn unit_line(text: &str) -> Option<String> {
    let upper = text.to_uppercase();
    let rest = upper.strip_prefix("PADA ")?;
    (rest.split_whitespace().count() <= 12).then(|| text[5..].trim().trim_end_matches(['*', ':']).trim().to_owned())
}

/// "### Persyaratan", "2. Biaya / Tarif :", "**Jangka Waktu**: 3 hari" -> (label, value).
fn label_line(text: &str) -> Option<(String, String)> {
    let bare = text.trim_start_matches(['-', '•', ' ', '#', '*']);
    let (numbered, rest) = strip_numbering(bare);
    let rest = rest.trim_matches('*');
    // A label asked as a question ends at its question mark ("Bayar Berapa? Rp 35.000"); a
    // numbered or bulleted question is a step or an item ("3. Berkas lengkap?").
    let item = numbered || bare.len() < text.trim_start().len();
    let question = rest
        .find('?')
        .filter(|_| !item)
        .filter(|&at| rest.find(':').is_none_or(|colon| at < colon))
        .map(|at| (rest[..=at].trim(), rest[at + 1..].trim_start_matches([' ', ':']).trim()))
        .filter(|(label, _)| classify_question(label).is_some());
    if let Some((label, value)) = question {
        return Some((label.to_owned(), value.to_owned()));
    }
    if !rest.contains(':')
        && !item
        && let Some((label, value)) = capitals_label(rest)
    {
        return Some((label, value));
    }
    let (label, value) = match rest.find(':') {
        Some(at) => (rest[..at].trim(), rest[at + 1..].trim()),
        None => (rest.trim(), ""),
    };
    // "Yang Perlu Disiapkan :" on a poster: a question's words, closed by a colon.
    if !item && rest.contains(':') && !reads_as_label(label) && classify_question(label).is_some() {
        return Some((label.to_owned(), value.to_owned()));
    }
    let words = label_words(label);
    // A list item ("dan Retribusi Daerah;", "7. Pengaduan Pencemaran ...;") is not a label:
    // labels neither end a list item nor continue a sentence.
    let list_item = value.is_empty() && rest.ends_with(['.', ';', ',']);
    let continues_sentence = words
        .first()
        .is_some_and(|w| matches!(w.as_str(), "dan" | "atau" | "serta" | "yang" | "dengan"));
    if words.is_empty() || words.len() > 6 || list_item || continues_sentence || !reads_as_label(label) {
        return None;
    }
    Some((label.to_owned(), value.to_owned()))
}

/// A label in capitals with its value after it on the line and no colon, as a board prints
/// its rows ("WAKTU 2 (dua) Hari Kerja", "BIAYA Rp. 500.000,-/hari", "PENGADUAN WA 0821-..."):
/// the longest run of capitalised words that reads as a label, when what follows it is not in
/// capitals (a digit or a lowercase letter in it).
fn capitals_label(text: &str) -> Option<(String, String)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let capitals = |w: &str| w.chars().any(char::is_alphabetic) && !w.chars().any(char::is_lowercase);
    let run = words.iter().take(4).take_while(|w| capitals(w)).count();
    (1..=run.min(words.len() - 1)).rev().find_map(|n| {
        let label = words[..n].join(" ");
        let value = words[n..].join(" ");
        // A bracket after the label qualifies it ("PERSYARATAN (lanjutan)"): no value.
        let plain_value =
            value.chars().any(|c| c.is_lowercase() || c.is_ascii_digit()) && value.starts_with(char::is_alphanumeric);
        (plain_value
            && !label.chars().any(|c| c.is_ascii_digit())
            && classify(&label).is_some()
            && reads_as_label(&label))
        .then_some((label, value))
    })
}

/// Whether a name stops on a word that cannot end one ("Pemasangan Rambu Lalu Lintas dan",
/// "Rekomendasi Penggunaan Jalan untuk"): a conjunction or preposition, so the name was
/// wrapped and goes on on the next line.
fn ends_open(name: &str) -> bool {
    name.split_whitespace().last().is_some_and(|word| {
        matches!(
            word.to_lowercase().as_str(),
            "dan"
                | "atau"
                | "serta"
                | "untuk"
                | "bagi"
                | "di"
                | "ke"
                | "dari"
                | "oleh"
                | "kepada"
                | "pada"
                | "yang"
                | "dengan"
                | "&"
                | "/"
        )
    })
}

/// Whether most letters of a line are capitals (at least four of five).
fn mostly_capitals(text: &str) -> bool {
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    !letters.is_empty() && upper * 5 >= letters.len() * 4
}

/// Whether every word but the small ones starts with a capital ("Persetujuan Analisis Dampak
/// Lalu Lintas (ANDALALIN)"), as a title does and a sentence does not.
/// Words that start the name of a division inside an agency ("Bidang Angkutan", "Seksi
/// Pengujian"), which gives a service like an agency does.
const DIVISION_WORDS: &[&str] = &[
    "BIDANG",
    "SUBBIDANG",
    "SEKSI",
    "SUBBAGIAN",
    "SUB BAGIAN",
    "SUBBAG",
    "INSTALASI",
];

/// Whether a heading's remainder is only an ordinal: "1", "2.", "NO. 3", "Nomor 4", "IV".
fn is_ordinal(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    let number = match words.as_slice() {
        [number] => number,
        [no, number] if matches!(no.to_lowercase().trim_end_matches(['.', ':']), "no" | "nomor" | "nomer") => number,
        _ => return false,
    };
    let number = number.trim_end_matches(['.', ')', ':']);
    !number.is_empty()
        && (number.chars().all(|c| c.is_ascii_digit()) || number.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')))
}

/// The small words a title in title case writes in lowercase ("Surat Keterangan Terdaftar
/// dalam DTKS", "Izin Belajar bagi PNS").
const TITLE_SMALL_WORDS: &[&str] = &[
    "dan", "atau", "untuk", "bagi", "yang", "dengan", "pada", "di", "ke", "dari", "serta", "karena", "atas", "oleh",
    "dalam", "tentang", "sebagai", "melalui", "kepada", "terhadap", "antar", "antara",
];

fn title_case(text: &str) -> bool {
    const SMALL: &[&str] = TITLE_SMALL_WORDS;
    let words: Vec<&str> = text
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(char::is_alphabetic))
        .collect();
    !words.is_empty()
        && words
            .iter()
            .all(|w| SMALL.contains(&w.to_lowercase().as_str()) || w.starts_with(char::is_uppercase))
}

/// Width of a line's leading whitespace (a tab counts as four columns).
fn indentation(raw_line: &str) -> usize {
    raw_line
        .chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// A line that looks like a heading: markdown `#`, wholly bold, or short capitals.
fn is_heading_like(raw_line: &str, text: &str) -> bool {
    let trimmed = raw_line.trim();
    let words = text.split_whitespace().count();
    if words == 0 || words > 20 || text.ends_with([':', ';', ',']) || is_section_marker(text) || is_counter(text) {
        return false;
    }
    if trimmed.starts_with('#') {
        return true;
    }
    if trimmed.starts_with("**") && trimmed.ends_with("**") && trimmed.len() > 4 {
        return true;
    }
    // A property with its value ("UPT: PLUT-KUMKM", "STATUS: DISAHKAN" under a page's
    // heading) says something about the service; it does not name one.
    if text
        .split_once(':')
        .is_some_and(|(key, value)| key.split_whitespace().count() <= 2 && !value.trim().is_empty())
    {
        return false;
    }
    let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    words >= 2 && letters.len() >= 6 && upper * 10 >= letters.len() * 9 || numbered_title(text)
}

/// An office's name without the year its standard was set ("DINAS ... KOTA MAKASSAR TAHUN
/// 2024").
fn without_year(unit: &str) -> &str {
    let words: Vec<&str> = unit.split_whitespace().collect();
    match words.as_slice() {
        [.., tahun, year]
            if tahun.eq_ignore_ascii_case("tahun") && year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) =>
        {
            let cut = unit.rfind(tahun).unwrap_or(unit.len());
            unit[..cut].trim_end()
        }
        _ => unit,
    }
}

/// How far a panel title stands above the label it heads at most, and how many lines above it
/// a heading still titles the service instead (a page's name far above the first panel does
/// not; a heading with a property line under it does).
const PANEL_TITLE_REACH: u32 = 10;

/// How far a title in title case stands above the header row of its service's table at most
/// (a line of properties may come between).
const HEADER_TITLE_REACH: u32 = 3;

/// Most words of a label cell's wrapped line ("Prosedur", "Saran dan Masukan").
const LABEL_TAIL_WORDS: usize = 4;

/// A short line in title case that could title a panel: two to twelve words, no label, no
/// property ("Status: Disahkan"), no sentence or list punctuation at its end.
fn is_panel_title(text: &str) -> bool {
    let words = text.split_whitespace().count();
    // A running footer with its page number ("Standar Pelayanan DPMPTSP ... Halaman 6").
    let numbered_page = {
        let mut last = text.split_whitespace().rev();
        let (number, word) = (last.next().unwrap_or(""), last.next().unwrap_or(""));
        number.chars().all(|c| c.is_ascii_digit())
            && matches!(word.to_lowercase().trim_end_matches('.'), "halaman" | "hal" | "page")
    };
    !numbered_page
        && (2..=12).contains(&words)
        && !is_counter(text)
        && title_case(text)
        && !text.contains(':')
        && unit_line(text).is_none()
        && !super::header::starts_with_agency_word(&text.to_uppercase())
        && !text.ends_with(['.', ':', ';', ','])
        && !text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '•')
        // A title may hold a label's word ("Perpanjangan Kartu Pengawasan Angkutan Kota",
        // "Pengambilan Kendaraan Hasil Penderekan"): a label is mostly label words.
        && !(classify(text).is_some() && reads_as_label(text))
}

/// Whether the distinct core kinds a block holds make it a service: `needed` of them, one a
/// citizen asks for first (requirements, fee or product).
pub(crate) fn gives_a_service(kinds: &[ComponentKind], needed: usize) -> bool {
    kinds.len() >= needed
        && kinds.iter().any(|k| {
            matches!(
                k,
                ComponentKind::Requirements | ComponentKind::Fee | ComponentKind::Product
            )
        })
}

/// Whether a line counts the services instead of naming one ("Layanan 3/9", "Layanan 2 dari
/// 9", a slide's corner): a word for service and numbers.
fn is_counter(text: &str) -> bool {
    let words = label_words(text);
    words.len() >= 2
        && matches!(words[0].as_str(), "layanan" | "pelayanan")
        && words[1..]
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_digit()) || matches!(w.as_str(), "dari" | "of"))
}

/// A numbered line in title case ("2. Sertifikat Laik Fungsi (SLF)", "10. Izin Operasional
/// Satuan Pendidikan"): how web pages and plain documents head a service. Every word but the
/// small ones starts with a capital, and it does not end like a list item.
fn numbered_title(text: &str) -> bool {
    let (numbered, rest) = strip_numbering(text.trim());
    // Two arabic list numbers ("1. 1. Buku KIA") are a table row's number and its first
    // item, as a PDF's rows read once the columns run together: no heading.
    let arabic = |t: &str| t.len() > 1 && t.trim_end_matches(['.', ')']).chars().all(|c| c.is_ascii_digit());
    if numbered
        && text.split_whitespace().next().is_some_and(arabic)
        && rest
            .split_whitespace()
            .next()
            .is_some_and(|t| arabic(t) && t.ends_with(['.', ')']))
    {
        return false;
    }
    let words: Vec<&str> = rest.split_whitespace().collect();
    // Legal bases are numbered and in title case too ("1. Peraturan Menteri ... Nomor 5"),
    // wrapped before their number ("Peraturan Menteri Lingkungan Hidup dan Kehutanan Nomor").
    let cites = words.first().is_some_and(|w| {
        matches!(
            w.to_lowercase().as_str(),
            "peraturan" | "undang-undang" | "keputusan" | "instruksi" | "uu" | "pp" | "perda" | "perbup"
        )
    }) || words
        .last()
        .is_some_and(|w| matches!(w.to_lowercase().as_str(), "nomor" | "tahun" | "no."));
    // A year or a numbered instrument ("Nomor 5 Tahun 2009", "17/2023", "Edisi 2024") cites;
    // a code of letters and digits names a form or a class ("Kartu AK/1", "Limbah B3"), and
    // so does a number that is part of a name ("PSC 119").
    let cites_a_number = words.iter().enumerate().any(|(i, w)| {
        let digits: String = w.chars().filter(char::is_ascii_digit).collect();
        let bare = !digits.is_empty() && !w.chars().any(char::is_alphabetic);
        let year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
        let numbered = i > 0
            && matches!(
                words[i - 1].to_lowercase().trim_end_matches('.'),
                "nomor" | "no" | "tahun" | "thn" | "nomer"
            );
        bare && (year || numbered || w.contains('/'))
    });
    numbered
        && !cites
        && (2..=14).contains(&words.len())
        && !cites_a_number
        && !rest.ends_with(['.', ';', ',', ':'])
        && words.iter().all(|w| {
            // "dan/atau" is two small words.
            w.trim_start_matches(['(', '"'])
                .split('/')
                .all(|bare| TITLE_SMALL_WORDS.contains(&bare) || !bare.chars().next().is_some_and(|c| c.is_lowercase()))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_label_cell_wrapped_onto_the_next_line_is_no_value() {
        let text = "\
A. Pelayanan Kolam Renang
1. Persyaratan
Membeli tiket di loket
2. Sistem, Mekanisme dan
Prosedur
Pembelian tiket di loket
3. Jangka Waktu
Penyelesaian
3 (tiga) menit
4. Biaya/Tarif
Rp 10.000
";
        let text_of = |text: &str, kind: ComponentKind| {
            let document = crate::parse::parse_text("999_x.txt", text).unwrap();
            document.services[0]
                .components
                .iter()
                .find(|c| c.kind == kind)
                .map(|c| c.text.clone())
        };
        assert_eq!(
            text_of(text, ComponentKind::Procedure).as_deref(),
            Some("Pembelian tiket di loket")
        );
        assert_eq!(
            text_of(text, ComponentKind::Duration).as_deref(),
            Some("3 (tiga) menit")
        );
        // A step after a label that ends open is a value: "dan" opens no step.
        let text = "\
A. Pelayanan Laboratorium
1. Persyaratan
Kartu identitas
2. Sistem, Mekanisme, dan
3. Pengambilan sampel darah
4. Biaya/Tarif
Rp 10.000
";
        assert!(text_of(text, ComponentKind::Procedure).is_some_and(|p| p.contains("Pengambilan sampel")));
    }

    #[test]
    fn the_next_letter_of_the_services_lettering_titles_a_service_named_like_a_label() {
        let text = "\
I. Pelayanan Penilaian Koperasi
-------------------------------

+---+-------------+------------------+
| 1 | Persyaratan | Laporan keuangan |
+---+-------------+------------------+
| 2 | Biaya/Tarif | Gratis           |
+---+-------------+------------------+

J. Pelayanan Pengaduan Konsumen
-------------------------------

+---+-------------+------------------+
| 1 | Persyaratan | Identitas pengadu |
+---+-------------+------------------+
| 2 | Biaya/Tarif | Gratis           |
+---+-------------+------------------+
";
        let document = crate::parse::parse_text("999_x.txt", text).unwrap();
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(titles[1].ends_with("Pengaduan Konsumen"), "{titles:?}");
    }

    #[test]
    fn a_service_name_in_capitals_wrapped_onto_the_next_line() {
        let text = "\
D. JENIS PELAYANAN : IZIN TRAYEK
1. Persyaratan : KTP
2. Biaya : Gratis

E. JENIS PELAYANAN : PERSETUJUAN HASIL ANALISIS DAMPAK LALU
LINTAS (ANDALALIN)

NO
KOMPONEN
1. Persyaratan : Dokumen andalalin
2. Biaya : Gratis
";
        let document = crate::parse::parse_text("999_x.txt", text).unwrap();
        assert_eq!(
            document.services[1].title.to_lowercase(),
            "persetujuan hasil analisis dampak lalu lintas (andalalin)"
        );
    }

    #[test]
    fn a_bilingual_heading_is_titled_by_the_numbered_row_below_it() {
        let text = "\
STANDAR PELAYANAN / SERVICE STANDARD
1.\tPENETAPAN DESA WISATA / Tourism Village Designation
No.\tKomponen / Component\tUraian / Description
1.\tRequirements / Persyaratan\tSurat permohonan kepala desa
2.\tCost / Biaya\tGratis
";
        let document = crate::parse::parse_text("999_x.txt", text).unwrap();
        assert_eq!(document.services[0].title, "Penetapan Desa Wisata");
    }

    use super::*;

    /// The services the assembler finds in `lines` (numbered from 1).
    fn assemble(lines: &[&str]) -> Vec<RawService> {
        let mut assembler = Assembler::new();
        for (i, line) in lines.iter().enumerate() {
            assembler.line(i as u32 + 1, line);
        }
        assembler.finish().0
    }

    #[test]
    fn a_cards_title_case_title_heads_the_labels_under_it_on_a_page_without_headings() {
        let services = assemble(&[
            "Sewa Unit Rusunawa",
            "",
            "Alur Pelayanan",
            "Mengisi formulir",
            "Tarif Sewa",
            "Rp 325.000 per bulan",
            "Produk",
            "Surat Perjanjian Sewa",
        ]);
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].title, "Sewa Unit Rusunawa");
    }

    #[test]
    fn a_word_conversions_blank_lines_do_not_part_a_title_from_its_labels() {
        // docx2txt: two or three blank lines between every cell; distances count text lines.
        let mut assembler = Assembler::new();
        for (at, line) in ["Judul", "", "", "", "No.", "", "", "Persyaratan"].iter().enumerate() {
            assembler.line(at as u32 + 1, line);
        }
        assert_eq!(assembler.text_distance(1, 8), 2);
        // A title may hold a label's word; a label is mostly label words.
        assert!(is_panel_title("Pelayanan Perpanjangan Kartu Pengawasan Angkutan Kota"));
        assert!(is_panel_title("Pelayanan Pengambilan Kendaraan Hasil Penderekan"));
        assert!(!is_panel_title("Pengawasan Internal"));
    }

    #[test]
    fn a_numbered_row_whose_borders_ocr_lost_still_gives_its_label() {
        assert_eq!(
            table_cells("1. | Persyaratan 1. Fotokopi KTP;"),
            Some(vec!["1.".to_owned(), "Persyaratan 1. Fotokopi KTP;".to_owned()])
        );
        assert_eq!(table_cells("Tarif | lihat lampiran"), None, "no row number: text");
        let services = assemble(&[
            "STANDAR PELAYANAN ANALISIS CONTOH TANAH",
            "1. | Persyaratan 1. Surat permohonan;",
            "2. Contoh tanah 1 kg.",
            "2. | Biaya/ Tarif Rp 50.000,- per contoh",
        ]);
        let kinds: Vec<ComponentKind> = services[0].components.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [ComponentKind::Requirements, ComponentKind::Fee]);
    }

    #[test]
    fn a_numbered_title_row_over_a_tables_header_heads_the_next_service() {
        let services = assemble(&[
            "STANDAR PELAYANAN",
            "1.\tIzin Usaha",
            "No\tKomponen\tUraian",
            "1.\tPersyaratan\tKTP",
            "2.\tBiaya\tGratis",
            "8.\tEvaluasi Kinerja Pelaksana\tSKM",
            "",
            "8.\tFasilitasi Sertifikasi Kompetensi Pemandu Wisata",
            "No\tKomponen\tUraian",
            "A.\tPENYAMPAIAN PELAYANAN",
            "1.\tPersyaratan\tKTP",
            "2.\tBiaya\tGratis",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Izin Usaha", "Fasilitasi Sertifikasi Kompetensi Pemandu Wisata"]
        );
        assert_eq!(
            services[0].components.len(),
            3,
            "the title is no text of the evaluation"
        );
        assert_eq!(services[0].components[2].raw.trim(), "SKM");
    }

    #[test]
    fn a_slide_counter_names_no_service_and_a_continued_label_goes_on() {
        let services = assemble(&[
            "Layanan 1/2",
            "REGISTRASI SPPL",
            "PERSYARATAN",
            "NIB",
            "Layanan 1/2",
            "PERSYARATAN (lanjutan)",
            "KTP pemilik usaha",
            "Biaya",
            "Gratis",
            "Layanan 2/2",
            "PENDAFTARAN BANK SAMPAH",
            "Persyaratan",
            "Daftar nasabah",
            "Jangka Waktu",
            "14 hari kerja",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["REGISTRASI SPPL", "PENDAFTARAN BANK SAMPAH"]);
        assert_eq!(services[0].components.len(), 3, "both requirement slides and the fee");
        assert!(is_counter("Layanan 3 dari 9"));
        assert!(!is_counter("Layanan Sedot Tinja"));
    }

    #[test]
    fn a_title_above_a_tables_header_row_heads_a_service_whatever_its_first_label() {
        // A web application's page saved as text: each service a heading, a line of
        // properties, its own table, the legal basis first; each label alone in its row
        // ("2.<TAB>Persyaratan<TAB>"), its value the paragraphs below.
        let service = |title: &'static str| {
            vec![
                "",
                title,
                "",
                "Online & Offline Bidang: Kesehatan Kode Layanan: DPM-NB-01",
                "No\tKomponen\tUraian",
                "*A. Komponen Pengelolaan dan Penyampaian Pelayanan*",
                "1.\tDasar Hukum\t",
                "",
                " 1. Undang-Undang Nomor 17 Tahun 2023 tentang Kesehatan;",
                "",
                "2.\tPersyaratan\t",
                "",
                " 1. Scan KTP pemohon;",
                "4.\tJangka Waktu Penyelesaian\t5 (lima) hari kerja",
            ]
        };
        let mut lines = service("Surat Izin Praktik Bidan (SIPB)");
        lines.extend(service("Sertifikat Laik Fungsi (SLF)"));
        let services = assemble(&lines);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Surat Izin Praktik Bidan (SIPB)", "Sertifikat Laik Fungsi (SLF)"]
        );
        let kinds: Vec<ComponentKind> = services[1].components.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ComponentKind::LegalBasis,
                ComponentKind::Requirements,
                ComponentKind::Duration
            ]
        );
        assert!(services[1].components[1].raw.contains("Scan KTP"));
    }

    #[test]
    fn a_running_header_above_a_repeated_header_row_titles_nothing() {
        // A page break inside a table: the running header and the repeated header row, then
        // the rest of the last component, or the next label.
        let services = assemble(&[
            "STANDAR PELAYANAN",
            "PENGUJIAN KENDARAAN",
            "No\tKomponen\tUraian",
            "1.\tPersyaratan\tBuku uji",
            "2.\tProsedur\t1. Daftar di loket;",
            "",
            "SIPP - Sistem Informasi Pelayanan Publik",
            "",
            "No\tKomponen\tUraian",
            "\t\t2. Uji kendaraan.",
            "3.\tBiaya\tRp 60.000",
            "",
            "Standar Pelayanan Dinas Perhubungan Tahun 2024 Halaman 2",
            "",
            "No\tKomponen\tUraian",
            "4.\tProduk\tKartu uji",
            "",
            "SIPP - Sistem Informasi Pelayanan Publik",
            "",
            "No\tKomponen\tUraian",
            "5.\tDasar Hukum\tPP 55/2012",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["PENGUJIAN KENDARAAN"]);
        assert_eq!(services[0].components.len(), 5);
    }

    #[test]
    fn the_agency_under_a_title_is_its_unit_not_more_of_the_title() {
        let services = assemble(&[
            "STANDAR PELAYANAN",
            "PEMULANGAN ORANG TERLANTAR",
            "DINAS SOSIAL KABUPATEN KARANGTIRTA",
            "",
            "Persyaratan : Surat keterangan dari kepolisian",
            "Biaya : Gratis",
            "STANDAR PELAYANAN",
            "REKOMENDASI TEKNIS DARI",
            "DINAS LINGKUNGAN HIDUP KABUPATEN KARANGTIRTA",
            "Persyaratan : Dokumen lingkungan",
            "Biaya : Gratis",
        ]);
        assert_eq!(services[0].title, "PEMULANGAN ORANG TERLANTAR");
        assert_eq!(services[0].unit.as_deref(), Some("DINAS SOSIAL KABUPATEN KARANGTIRTA"));
        // A title that reaches out to the office goes on.
        assert_eq!(
            services[1].title,
            "REKOMENDASI TEKNIS DARI DINAS LINGKUNGAN HIDUP KABUPATEN KARANGTIRTA"
        );
        assert_eq!(
            without_year("DINAS SOSIAL KOTA MAKASSAR TAHUN 2024"),
            "DINAS SOSIAL KOTA MAKASSAR"
        );
        assert_eq!(without_year("DINAS SOSIAL"), "DINAS SOSIAL");
    }

    #[test]
    fn a_name_label_whose_value_is_the_next_paragraph_names_the_service() {
        // Acrobat's "Save as Text": the form's name label and its value as two paragraphs,
        // in either order.
        let services = assemble(&[
            "STANDAR PELAYANAN 1",
            "Jenis Pelayanan :",
            "Pendaftaran Objek Pajak Baru PBB-P2",
            "NO",
            "KOMPONEN",
            "URAIAN",
            "1.",
            "Persyaratan Pelayanan",
            "Fotokopi KTP",
            "2.",
            "Biaya/Tarif",
            "Gratis",
            "STANDAR PELAYANAN 2",
            "Penelitian dan Validasi SSPD BPHTB",
            "Jenis Pelayanan :",
            "NO",
            "KOMPONEN",
            "URAIAN",
            "1.",
            "Persyaratan Pelayanan",
            "SSPD BPHTB",
            "2.",
            "Biaya/Tarif",
            "Gratis",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Pendaftaran Objek Pajak Baru PBB-P2",
                "Penelitian dan Validasi SSPD BPHTB"
            ]
        );
        assert!(services.iter().all(|s| s.components.len() == 2));
    }

    #[test]
    fn the_next_item_of_a_list_cut_off_is_no_title_for_the_heading_below() {
        // A board photographed in part ("3. Fotokopi Kartu Kel"), then the next board.
        let services = assemble(&[
            "STANDAR PELAYANAN",
            "PELAYANAN REKOMENDASI IZIN KERAMAIAN",
            "PERSYARATAN",
            "1. Surat Pengantar dari Desa",
            "2. Fotokopi KTP Penyelenggara",
            "BIAYA",
            "GRATIS",
            "PERSYARATAN",
            "1. Surat Pengantar dari Desa",
            "2. Fotokopi KTP Penyelenggara",
            "3. Fotokopi Kartu Kel",
            "",
            "STANDAR PELAYANAN",
            "PELAYANAN PENGESAHAN SURAT KETERANGAN AHLI WARIS",
            "PERSYARATAN",
            "1. Surat Keterangan Ahli Waris",
            "BIAYA",
            "GRATIS",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "PELAYANAN REKOMENDASI IZIN KERAMAIAN",
                "PELAYANAN PENGESAHAN SURAT KETERANGAN AHLI WARIS"
            ]
        );
    }

    #[test]
    fn a_board_row_in_capitals_gives_its_label_and_value_without_a_colon() {
        let services = assemble(&[
            "STANDAR PELAYANAN",
            "PELAYANAN PEMINJAMAN AULA",
            "KECAMATAN",
            "PERSYARATAN      PROSEDUR",
            "1. Surat permohonan 1. Ajukan permohonan paling",
            "WAKTU 2 (dua) Hari Kerja",
            "BIAYA Rp. 500.000,-/hari",
            "PRODUK Surat Izin Pemakaian Aula",
            "PENGADUAN WA 0821-1844-0391 / Kotak Saran",
        ]);
        assert_eq!(services.len(), 1);
        let kinds: Vec<ComponentKind> = services[0].components.iter().map(|c| c.kind).collect();
        assert!(
            kinds.contains(&ComponentKind::Duration) && kinds.contains(&ComponentKind::Fee),
            "{kinds:?}"
        );
        assert!(kinds.contains(&ComponentKind::ComplaintChannel), "{kinds:?}");
        assert_eq!(
            capitals_label("BIAYA Rp. 500.000,-/hari"),
            Some(("BIAYA".to_owned(), "Rp. 500.000,-/hari".to_owned()))
        );
        assert_eq!(capitals_label("PERSYARATAN (lanjutan)"), None);
        assert_eq!(capitals_label("KTP asli pemohon"), None);
    }

    #[test]
    fn a_name_cut_after_a_conjunction_goes_on_on_the_next_line() {
        let services = assemble(&[
            "8.  Jenis Pelayanan : Permohonan Pemasangan Rambu Lalu Lintas dan",
            "    Perlengkapan Jalan",
            "",
            "Persyaratan : Surat permohonan",
            "Biaya : Gratis",
            "9.  Jenis Pelayanan : Perpanjangan Kartu Pengawasan",
            "Persyaratan : Kartu lama",
            "Biaya : Gratis",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Permohonan Pemasangan Rambu Lalu Lintas dan Perlengkapan Jalan",
                "Perpanjangan Kartu Pengawasan"
            ]
        );
        assert!(ends_open("Rekomendasi Penggunaan Jalan untuk"));
        assert!(!ends_open("Pendaftaran Bank Sampah"));
    }

    #[test]
    fn numbered_title_case_lines_head_services_but_legal_bases_do_not() {
        assert!(numbered_title("2. Sertifikat Laik Fungsi (SLF)"));
        assert!(numbered_title(
            "8. Fasilitasi Nomor Induk Berusaha (NIB) melalui OSS RBA"
        ));
        assert!(!numbered_title(
            "1. Peraturan Menteri Lingkungan Hidup dan Kehutanan Nomor"
        ));
        assert!(numbered_title("1. Penerbitan Surat Keterangan Terdaftar dalam DTKS"));
        assert!(!numbered_title("3. Undang-Undang Nomor 32 Tahun 2009"));
        // A code of letters and digits names a form or a class; a number alone cites.
        assert!(numbered_title("A. Penerbitan Kartu Pencari Kerja (Kartu AK/1)"));
        assert!(numbered_title("4. Rincian Teknis Penyimpanan Limbah B3"));
        assert!(!numbered_title("2. Pedoman Teknis Pelayanan Edisi 2024"));
        assert!(!numbered_title("5. Perbup Contoh Nomor 12"));
        assert!(numbered_title(
            "6. Pelayanan Ambulans Gawat Darurat PSC 119 Lawangsari Sigap"
        ));
        assert!(!numbered_title("1. Fotokopi KTP pemohon;"));
        assert!(!numbered_title("2. Petugas memeriksa kelengkapan dokumen"));
        assert!(!numbered_title("Sertifikat Laik Fungsi"));
        // A row's number and its first item's.
        assert!(!numbered_title("1. 1. Buku KIA (Kesehatan Ibu dan Anak)"));
        assert!(numbered_title("1. Buku KIA (Kesehatan Ibu dan Anak)"));
        assert!(numbered_title(
            "7. Pengaduan Dugaan Pencemaran dan/atau Perusakan Lingkungan Hidup"
        ));
    }

    #[test]
    fn labels_listed_deeper_under_a_heading_set_left_are_the_next_services() {
        let services = assemble(&[
            "+ 7. Rujukan Rehabilitasi Sosial",
            "",
            "   Persyaratan : laporan warga",
            "   Prosedur : asesmen oleh TRC",
            "   Biaya : Gratis",
            "   Produk : Rujukan ke balai",
            "",
            "+ 8. Pemulangan Orang Terlantar",
            "",
            "     * Persyaratan : identitas diri",
            "     * Prosedur : asesmen dan verifikasi daerah asal",
            "     * Biaya : Gratis",
            "     * Produk : Tiket pemulangan",
        ]);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["7. Rujukan Rehabilitasi Sosial", "8. Pemulangan Orang Terlantar"]
        );
        assert_eq!(services[1].components.len(), 4);
    }

    #[test]
    fn a_list_of_the_services_names_no_components_and_no_title() {
        let services = assemble(&[
            "STANDAR PELAYANAN PUBLIK",
            "DINAS PERTANIAN DAN PETERNAKAN KABUPATEN SENDANGWANGI",
            "",
            "DAFTAR JENIS PELAYANAN",
            "NO\tJENIS PELAYANAN\tUNIT PELAKSANA",
            "1\tPengobatan Hewan\tUPTD Puskeswan",
            "2\tKonsultasi / Klinik Pertanian\tBidang Penyuluhan",
            "",
            "I.  PELAYANAN PENGOBATAN HEWAN",
            "",
            "1.\tPersyaratan ......\t:\tKTP pemilik hewan",
            "2.\tProsedur ......\t:\tPemilik mendaftar di loket",
            "3.\tBiaya/Tarif ......\t:\tRp 35.000",
            "4.\tProduk Pelayanan ......\t:\tKartu Rekam Medis Hewan",
        ]);
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].title, "I. PELAYANAN PENGOBATAN HEWAN");
        assert!(
            services[0]
                .components
                .iter()
                .all(|c| c.kind != ComponentKind::ComplaintChannel)
        );
    }

    #[test]
    fn a_title_the_list_of_services_gives_in_full_takes_the_listed_name() {
        let listed = vec![
            "Permohonan Pemasangan Perlengkapan Jalan (Rambu, Marka, Cermin Tikungan dan PJU)".to_owned(),
            "Pengujian Berkala Kendaraan Bermotor (Uji Pertama)".to_owned(),
            "Pengujian Berkala Kendaraan Bermotor (Uji Berkala)".to_owned(),
        ];
        assert_eq!(
            fuller_listed_name("PERMOHONAN PEMASANGAN PERLENGKAPAN JALAN", &listed).as_deref(),
            Some("Permohonan Pemasangan Perlengkapan Jalan (Rambu, Marka, Cermin Tikungan dan PJU)")
        );
        // Two listed names go on from it: neither is taken.
        assert_eq!(
            fuller_listed_name("Pengujian Berkala Kendaraan Bermotor", &listed),
            None
        );
        assert_eq!(fuller_listed_name("Pemasangan Perlengkapan", &listed), None);
    }

    #[test]
    fn a_service_numbered_in_its_name_label_is_named() {
        let services = assemble(&[
            "| LAYANAN 1 : PEMBUATAN KARTU PENCARI KERJA |",
            "|-------------------------------------------|",
            "| Persyaratan ..... : KTP-el asli            |",
            "| Prosedur ........ : Datang ke loket        |",
            "| Biaya/Tarif ..... : Gratis                 |",
            "| Produk Layanan .. : Kartu AK/I             |",
        ]);
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].title, "PEMBUATAN KARTU PENCARI KERJA");
    }

    #[test]
    fn a_panel_sign_before_a_numbered_heading_goes() {
        assert_eq!(
            without_disclosure_marker("+ 1. Penerbitan Surat Keterangan"),
            "1. Penerbitan Surat Keterangan"
        );
        assert_eq!(
            without_disclosure_marker("▸ 11. Pengaduan Bansos"),
            "11. Pengaduan Bansos"
        );
        // A bullet of a list, and a sign before no number, stay.
        assert_eq!(
            without_disclosure_marker("     + Undang-Undang"),
            "     + Undang-Undang"
        );
        assert_eq!(without_disclosure_marker("+ Persyaratan"), "+ Persyaratan");
    }

    #[test]
    fn headings_are_recognised_with_decorations() {
        assert_eq!(
            standard_heading("I. STANDAR PELAYANAN SOSIALISASI"),
            Some(("SOSIALISASI".into(), true))
        );
        assert_eq!(
            standard_heading("**XVIII. STANDAR PELAYANAN PENYUSUNAN KEBIJAKAN"),
            Some(("PENYUSUNAN KEBIJAKAN".into(), true))
        );
        assert_eq!(standard_heading("STANDAR PELAYANAN"), Some((String::new(), false)));
        assert_eq!(
            standard_heading("STANDAR PELAYANAN / SERVICE STANDARD"),
            Some((String::new(), false))
        );
        assert_eq!(standard_heading("### STANDAR PELAYANAN"), Some((String::new(), false)));
        assert_eq!(
            standard_heading("XXV. Standar Pelayanan Pemberian Bantuan Hibah"),
            Some(("Pemberian Bantuan Hibah".into(), true))
        );
        assert_eq!(standard_heading("PENETAPAN STANDAR PELAYANAN"), None);
        assert_eq!(standard_heading("STANDAR PELAYANANNYA"), None);
    }

    #[test]
    fn a_section_for_every_service_gives_its_components_to_each() {
        let lines = [
            "STANDAR PELAYANAN SURAT KETERANGAN DOMISILI",
            "1.\tPersyaratan\tFotokopi KTP",
            "2.\tBiaya/Tarif\tGratis",
            "STANDAR PELAYANAN SURAT KETERANGAN KEMATIAN",
            "1.\tPersyaratan\tSurat pengantar RT",
            "2.\tBiaya/Tarif\tGratis",
            "3.\tPengaduan\tDi meja informasi",
            "KOMPONEN YANG BERLAKU UNTUK SELURUH JENIS PELAYANAN",
            "1.\tPenanganan Pengaduan\tTelepon (0511) 3307419",
            "2.\tSarana dan Prasarana\tRuang tunggu",
        ];
        let services = assemble(&lines);
        assert_eq!(services.len(), 2, "the shared section is no service");
        let channel = |s: &RawService| {
            s.components
                .iter()
                .find(|c| c.kind == ComponentKind::ComplaintChannel)
                .map(|c| c.raw.clone())
        };
        assert_eq!(channel(&services[0]).as_deref(), Some("Telepon (0511) 3307419"));
        assert_eq!(
            channel(&services[1]).as_deref(),
            Some("Di meja informasi"),
            "a service's own wins"
        );
        assert!(
            services
                .iter()
                .all(|s| s.components.iter().any(|c| c.kind == ComponentKind::Facilities))
        );
        assert!(!is_shared_heading(
            "Pelayanan diberikan kepada seluruh warga tanpa biaya."
        ));
    }

    /// A slide: "STANDAR PELAYANAN 1" numbers the service, its title and office follow; the
    /// words of a flowchart's boxes ("Pembayaran" / "Retribusi") stay in the procedure.
    #[test]
    fn a_numbered_standard_takes_its_title_below_and_flowchart_words_stay_text() {
        let lines = [
            "STANDAR PELAYANAN 1",
            "Pengujian Berkala Kendaraan Bermotor",
            "(Uji KIR)",
            "",
            "UPTD Pengujian Kendaraan Bermotor",
            "",
            "PERSYARATAN PELAYANAN",
            "",
            "Fotokopi STNK",
            "",
            "SISTEM, MEKANISME DAN PROSEDUR",
            "",
            "Pendaftaran",
            "",
            "Pembayaran",
            "Retribusi",
            "",
            "BIAYA / TARIF",
            "",
            "Rp 60.000",
        ];
        let services = assemble(&lines);
        assert_eq!(services.len(), 1);
        assert_eq!(services[0].title, "Pengujian Berkala Kendaraan Bermotor (Uji KIR)");
        assert_eq!(services[0].unit.as_deref(), Some("UPTD Pengujian Kendaraan Bermotor"));
        let kinds: Vec<ComponentKind> = services[0].components.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ComponentKind::Requirements,
                ComponentKind::Procedure,
                ComponentKind::Fee
            ]
        );
        assert!(services[0].components[1].raw.contains("Retribusi"));
    }

    /// `pdftotext -raw` of PermenPANRB tables: a chapter heading over lettered services, the
    /// table header printed as a line, number, label and value on lines of their own.
    #[test]
    fn lettered_services_under_a_chapter_heading_with_header_lines() {
        let lines = [
            "STANDAR PELAYANAN PERIZINAN DAN NONPERIZINAN",
            "DINAS PENANAMAN MODAL DAN PELAYANAN TERPADU SATU PINTU",
            "A. PERSETUJUAN BANGUNAN GEDUNG (PBG)",
            "I. KOMPONEN STANDAR PELAYANAN YANG TERKAIT DENGAN PROSES PENYAMPAIAN",
            "PELAYANAN (SERVICE DELIVERY)",
            "NO KOMPONEN URAIAN",
            "1.",
            "Persyaratan",
            "Fotokopi KTP",
            "2.",
            "Biaya/Tarif",
            "Retribusi PBG",
            "B. SERTIFIKAT LAIK FUNGSI (SLF)",
            "NO KOMPONEN URAIAN",
            "1.",
            "Persyaratan",
            "PBG yang telah terbit",
            "2.",
            "Biaya/Tarif",
            "Gratis",
        ];
        let services = assemble(&lines);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "A. PERSETUJUAN BANGUNAN GEDUNG (PBG)",
                "B. SERTIFIKAT LAIK FUNGSI (SLF)"
            ]
        );
        assert!(services.iter().all(|s| s.components.len() == 2), "{services:?}");
    }

    /// A numbered title in title case wrapped onto the next line is one title.
    #[test]
    fn a_numbered_title_case_title_wraps() {
        let lines = [
            "6. Izin Usaha Toko Swalayan (IUTS)",
            "1.\tPersyaratan\tNIB",
            "2.\tBiaya/Tarif\tGratis",
            "7. Persetujuan Kesesuaian Kegiatan Pemanfaatan Ruang (PKKPR) untuk",
            "Kegiatan Nonberusaha",
            "1.\tPersyaratan\tKTP",
            "2.\tBiaya/Tarif\tGratis",
        ];
        let services = assemble(&lines);
        let titles: Vec<&str> = services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "6. Izin Usaha Toko Swalayan (IUTS)",
                "7. Persetujuan Kesesuaian Kegiatan Pemanfaatan Ruang (PKKPR) untuk Kegiatan Nonberusaha"
            ]
        );
    }

    #[test]
    fn a_component_said_to_hold_for_every_service_goes_to_each() {
        let lines = [
            "STANDAR PELAYANAN PUBLIK",
            "RUMAH SAKIT UMUM DAERAH CONTOH",
            "   I.   DASAR HUKUM",
            "",
            "        Dasar hukum di bawah ini berlaku bagi seluruh jenis pelayanan dalam Standar Pelayanan ini:",
            "",
            "        1. Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;",
            "        2. Peraturan Bupati Contoh Nomor 19 Tahun 2023 tentang Tarif.",
            "",
            "Jenis Pelayanan\tPelayanan Rawat Inap",
            "Persyaratan\tKTP dan KK",
            "Biaya/Tarif\tSesuai Perbup",
            "Jenis Pelayanan\tPelayanan Radiologi",
            "Persyaratan\tSurat pengantar dokter",
            "Biaya/Tarif\tRp 150.000",
        ];
        let services = assemble(&lines);
        assert_eq!(services.len(), 2);
        for service in &services {
            let legal = service.components.iter().find(|c| c.kind == ComponentKind::LegalBasis);
            assert!(
                legal.is_some_and(|c| c.raw.contains("Nomor 25 Tahun 2009") && c.raw.contains("Nomor 19 Tahun 2023")),
                "{service:?}"
            );
        }
        assert!(is_shared_statement(
            "Dasar hukum di bawah ini berlaku bagi seluruh jenis pelayanan dalam Standar Pelayanan ini:"
        ));
        assert!(!is_shared_statement(
            "Pelayanan diberikan kepada seluruh warga tanpa biaya."
        ));
        assert!(!is_shared_statement(
            "Berlaku bagi seluruh pemohon layanan yang berdomisili di kota."
        ));
    }

    #[test]
    fn units_split_from_titles() {
        assert_eq!(
            split_unit("KONSULTASI PADA KECAMATAN BEJI"),
            ("KONSULTASI".into(), Some("KECAMATAN BEJI".into()))
        );
        assert_eq!(
            split_unit("PADA SEKRETARIAT DAERAH"),
            (String::new(), Some("SEKRETARIAT DAERAH".into()))
        );
    }

    #[test]
    fn label_lines() {
        assert_eq!(
            label_line("### Persyaratan"),
            Some(("Persyaratan".into(), String::new()))
        );
        assert_eq!(
            label_line("2. Biaya / Tarif : Gratis"),
            Some(("Biaya / Tarif".into(), "Gratis".into()))
        );
        assert_eq!(
            label_line("Pengguna layanan datang langsung ke kantor kecamatan dengan membawa berkas."),
            None
        );
    }

    #[test]
    fn html_rows_are_cells() {
        assert_eq!(
            table_cells("<tr><td>1.</td><td>Persyaratan</td><td><ol><li>KTP</li></ol></td></tr>"),
            Some(vec!["1.".into(), "Persyaratan".into(), "<ol><li>KTP</li></ol>".into()])
        );
        assert_eq!(
            table_cells("<thead><tr><th>No</th><th>Komponen</th></tr></thead>").map(|c| c.len()),
            Some(2)
        );
    }

    #[test]
    fn pipe_rows_are_cells() {
        assert_eq!(
            table_cells("| 1 | Persyaratan | KTP |"),
            Some(vec!["1".into(), "Persyaratan".into(), "KTP".into()])
        );
        assert_eq!(table_cells("plain text"), None);
    }

    #[test]
    fn archived_and_template_pages_are_not_in_force() {
        for title in [
            "ARSIP — Pelatihan Kewirausahaan",
            "Template — Standar Pelayanan [Nama Layanan]",
        ] {
            assert!(not_in_force(title), "{title}");
        }
        for title in [
            "Fasilitasi Pendirian Koperasi",
            "Arsip Dinamis dan Statis",
            "[Izin Usaha](izin.md)",
        ] {
            assert!(!not_in_force(title), "{title}");
        }
    }
}
