//! PDF decrees as text lines: the text layer read glyph by glyph with `pdf-extract` (which
//! decodes fonts and encodings on top of `lopdf`), then laid out again as the lines a reader
//! sees.
//!
//! PDF has no lines or tables, only glyphs at positions and drawn rules: a table's cells are
//! drawn one after the other, each wrapped inside its column, with border lines around them.
//! So the glyphs of a page are grouped by baseline into visual lines and ordered left to right.
//! Where a line lies between vertical border rules (a ruled table), each glyph goes to the cell
//! between the two rules around it, and all visual lines of one row (between the same
//! horizontal rules) make one line with the cells joined by tabs: "1.\tJangka Waktu
//! Pelayanan\t2 (dua) jam ...", exactly a text conversion's row, however the cells wrapped. In a
//! table drawn without rules, a gap wider than [`TAB_GAP`] font sizes between two glyphs of a
//! line is taken as the column boundary and becomes a tab, a smaller one a space; the wrapped
//! lines of a cell then follow as lines of their own, which the parser reads as the continuation
//! of the open component. A row that a page break splits is joined again when the next page opens
//! with its continuation (same cells, no row number). A vertical gap wider than
//! [`PARAGRAPH_GAP`] font sizes is a blank line (a paragraph break), and pages are separated
//! by a blank line.
//!
//! A PDF whose pages hold (almost) no text is a scan and needs OCR first; an encrypted PDF that
//! does not open with the empty password must be saved again without one; a PDF that does not
//! load (cut short, damaged) is reported as such. `pdf-extract` panics on some malformed
//! files: the panic is caught and reported as a damaged file, never raised.

use std::panic::AssertUnwindSafe;

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

use super::InputError;

/// A horizontal gap of more than this many font sizes between two glyphs is a column boundary.
/// Word spacing is about a quarter of the font size (a justified line stretches it to well
/// under one); table cells are padded on both sides and rarely filled to their edge.
pub const TAB_GAP: f64 = 0.9;
/// A vertical step of more than this many font sizes from one line to the next is a paragraph
/// break (single line spacing is about 1.15 font sizes).
pub const PARAGRAPH_GAP: f64 = 1.6;
/// A page with fewer letters and digits than this carries no real text (a page number at most).
const MIN_TEXT_PER_PAGE: usize = 20;

/// The decree's text, page after page.
pub fn text(file: &str, bytes: &[u8]) -> Result<String, InputError> {
    let damaged = |reason: String| InputError::Damaged {
        file: file.to_owned(),
        format: "PDF",
        reason,
    };
    let read = std::panic::catch_unwind(AssertUnwindSafe(|| -> Result<Vec<Vec<String>>, InputError> {
        let mut document = pdf_extract::Document::load_mem(bytes).map_err(|e| damaged(e.to_string()))?;
        if document.is_encrypted() && document.decrypt("").is_err() {
            return Err(InputError::Encrypted { file: file.to_owned() });
        }
        let mut collector = Collector::default();
        pdf_extract::output_doc(&document, &mut collector).map_err(|e| damaged(e.to_string()))?;
        Ok(collector.pages)
    }));
    let pages = match read {
        Ok(pages) => pages?,
        Err(panic) => {
            let reason = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unsupported content".to_owned());
            return Err(damaged(format!("the PDF reader gave up: {reason}")));
        }
    };
    let has_text = pages.iter().any(|lines| {
        lines
            .iter()
            .flat_map(|l| l.chars())
            .filter(|c| c.is_alphanumeric())
            .count()
            >= MIN_TEXT_PER_PAGE
    });
    if !has_text {
        return Err(InputError::NeedsOcr { file: file.to_owned() });
    }
    let mut lines: Vec<String> = Vec::new();
    for page in pages {
        let mut page = page.into_iter().skip_while(|l| l.is_empty()).peekable();
        if let Some(first) = page.peek()
            && let Some(last) = lines.iter_mut().rev().find(|l| !l.is_empty())
            && let Some(joined) = continue_row(last, first)
        {
            *last = joined;
            page.next();
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(page);
    }
    Ok(lines.join("\n"))
}

/// A table row that a page break split: the page's first row has the same number of cells as
/// the last row of the page before, and its first cell (the row number) is empty. Gives the
/// whole row, each cell's text continued.
fn continue_row(last: &str, first: &str) -> Option<String> {
    let before: Vec<&str> = last.split('\t').collect();
    let after: Vec<&str> = first.split('\t').collect();
    if before.len() < 2 || before.len() != after.len() || !after[0].trim().is_empty() {
        return None;
    }
    let cells: Vec<String> = before
        .iter()
        .zip(&after)
        .map(|(b, a)| match (b.trim(), a.trim()) {
            (b, "") => b.to_owned(),
            ("", a) => a.to_owned(),
            (b, a) if starts_item(a) => format!("{b}<br>{a}"),
            (b, a) => format!("{b} {a}"),
        })
        .collect();
    Some(cells.join("\t"))
}

/// One glyph on a page, in points from the top left corner.
#[derive(Debug, Clone)]
struct Glyph {
    x: f64,
    y: f64,
    end: f64,
    size: f64,
    text: String,
}

/// A straight border line drawn on a page, in points from the top left corner.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rule {
    /// A horizontal rule at `y` from `x0` to `x1`.
    Horizontal { y: f64, x0: f64, x1: f64 },
    /// A vertical rule at `x` from `y0` (top) to `y1`.
    Vertical { x: f64, y0: f64, y1: f64 },
}

/// A drawn segment thinner than this (points) in one direction is a rule...
const RULE_THICKNESS: f64 = 3.0;
/// ... when it is at least this long in the other.
const RULE_LENGTH: f64 = 6.0;

/// The rule a segment or thin box from (x0, y0) to (x1, y1) draws, if it is one.
fn rule_of(x0: f64, y0: f64, x1: f64, y1: f64) -> Option<Rule> {
    let (left, right) = (x0.min(x1), x0.max(x1));
    let (top, bottom) = (y0.min(y1), y0.max(y1));
    if bottom - top < RULE_THICKNESS && right - left >= RULE_LENGTH {
        Some(Rule::Horizontal {
            y: (top + bottom) / 2.0,
            x0: left,
            x1: right,
        })
    } else if right - left < RULE_THICKNESS && bottom - top >= RULE_LENGTH {
        Some(Rule::Vertical {
            x: (left + right) / 2.0,
            y0: top,
            y1: bottom,
        })
    } else {
        None
    }
}

/// The [`OutputDev`] that gathers a page's glyphs and rules and lays them out at the end of the
/// page.
#[derive(Default)]
struct Collector {
    page_height: f64,
    glyphs: Vec<Glyph>,
    rules: Vec<Rule>,
    pages: Vec<Vec<String>>,
}

impl Collector {
    /// A point of a path in page coordinates (through the CTM, y from the top).
    fn point(&self, ctm: &Transform, x: f64, y: f64) -> (f64, f64) {
        let px = x * ctm.m11 + y * ctm.m21 + ctm.m31;
        let py = x * ctm.m12 + y * ctm.m22 + ctm.m32;
        (px, self.page_height - py)
    }

    /// The rules a path draws: thin boxes (borders drawn as filled rectangles) and, when
    /// `stroked`, every straight segment and box edge.
    fn add_rules(&mut self, ctm: &Transform, path: &Path, stroked: bool) {
        let mut found = Vec::new();
        let mut start: Option<(f64, f64)> = None;
        let mut current: Option<(f64, f64)> = None;
        let mut subpath: Vec<(f64, f64)> = Vec::new();
        let close = |points: &mut Vec<(f64, f64)>, found: &mut Vec<Rule>| {
            if points.len() >= 2 {
                let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
                for &(x, y) in points.iter() {
                    (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                }
                found.extend(rule_of(x0, y0, x1, y1));
            }
            points.clear();
        };
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    close(&mut subpath, &mut found);
                    let p = self.point(ctm, x, y);
                    start = Some(p);
                    current = Some(p);
                    subpath.push(p);
                }
                PathOp::LineTo(x, y) => {
                    let p = self.point(ctm, x, y);
                    if stroked && let Some(from) = current {
                        found.extend(rule_of(from.0, from.1, p.0, p.1));
                    }
                    current = Some(p);
                    subpath.push(p);
                }
                PathOp::CurveTo(_, _, _, _, x, y) => {
                    current = Some(self.point(ctm, x, y));
                    // A curve is no rule: the subpath's box is not one either.
                    subpath.clear();
                }
                PathOp::Rect(x, y, w, h) => {
                    close(&mut subpath, &mut found);
                    let corners =
                        [(x, y), (x + w, y), (x + w, y + h), (x, y + h)].map(|(cx, cy)| self.point(ctm, cx, cy));
                    if stroked {
                        for i in 0..4 {
                            let (a, b) = (corners[i], corners[(i + 1) % 4]);
                            found.extend(rule_of(a.0, a.1, b.0, b.1));
                        }
                    }
                    let mut points = corners.to_vec();
                    close(&mut points, &mut found);
                    current = Some(corners[0]);
                }
                PathOp::Close => {
                    if stroked && let (Some(from), Some(to)) = (current, start) {
                        found.extend(rule_of(from.0, from.1, to.0, to.1));
                    }
                    current = start;
                }
            }
        }
        close(&mut subpath, &mut found);
        self.rules.extend(found);
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page_height = media_box.ury - media_box.lly;
        self.glyphs.clear();
        self.rules.clear();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        let glyphs = std::mem::take(&mut self.glyphs);
        let rules = std::mem::take(&mut self.rules);
        self.pages.push(lay_out(glyphs, &rules));
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        // The glyph's size on the page: the font size through the text rendering matrix (as
        // pdf-extract's own plain-text output computes it).
        let size_x = font_size * (trm.m11 + trm.m21);
        let size_y = font_size * (trm.m12 + trm.m22);
        let size = (size_x * size_y).abs().sqrt();
        let x = trm.m31;
        let y = self.page_height - trm.m32;
        if !(size > 0.0 && x.is_finite() && y.is_finite()) || text.is_empty() {
            return Ok(());
        }
        self.glyphs.push(Glyph {
            x,
            y,
            end: x + width * size,
            size,
            text: text.replace('\u{a0}', " "),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &Path) -> Result<(), OutputError> {
        self.add_rules(ctm, path, true);
        Ok(())
    }

    fn fill(&mut self, ctm: &Transform, _: &ColorSpace, _: &[f64], path: &Path) -> Result<(), OutputError> {
        self.add_rules(ctm, path, false);
        Ok(())
    }
}

/// The cell walls (x of vertical rules, left to right) crossing height `y`, and the top of the
/// row there: the nearest horizontal rule above `y` spanning the walls, else the walls' top.
fn walls_at(rules: &[Rule], y: f64) -> Option<(Vec<f64>, f64)> {
    let mut walls: Vec<f64> = Vec::new();
    let mut top = f64::MIN;
    for rule in rules {
        if let Rule::Vertical { x, y0, y1 } = *rule
            && y0 - 1.0 <= y
            && y <= y1 + 1.0
        {
            walls.push(x);
            top = top.max(y0);
        }
    }
    walls.sort_by(f64::total_cmp);
    walls.dedup_by(|a, b| (*a - *b).abs() < RULE_THICKNESS);
    if walls.len() < 2 {
        return None;
    }
    let (left, right) = (walls[0], walls[walls.len() - 1]);
    for rule in rules {
        if let Rule::Horizontal { y: ry, x0, x1 } = *rule
            && ry < y
            && x0 <= left + RULE_THICKNESS
            && x1 >= right - RULE_THICKNESS
            && ry > top
        {
            top = ry;
        }
    }
    Some((walls, top))
}

/// A table row being gathered: its top, its walls and the text of each cell so far.
struct OpenRow {
    top: f64,
    walls: usize,
    cells: Vec<String>,
    at: usize,
}

/// The visual lines of one page's glyphs (see the module docs).
fn lay_out(mut glyphs: Vec<Glyph>, rules: &[Rule]) -> Vec<String> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    // Baselines: a glyph within a third of its size of the line's first baseline joins it.
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for glyph in glyphs {
        match rows.last_mut() {
            Some(row) if (glyph.y - row[0].y).abs() <= row[0].size.max(glyph.size) / 3.0 => row.push(glyph),
            _ => rows.push(vec![glyph]),
        }
    }
    let mut lines: Vec<String> = Vec::with_capacity(rows.len());
    let mut previous: Option<(f64, f64)> = None;
    let mut open: Option<OpenRow> = None;
    let close = |open: &mut Option<OpenRow>, lines: &mut Vec<String>| {
        if let Some(row) = open.take() {
            lines[row.at] = row.cells.iter().map(|c| c.trim()).collect::<Vec<_>>().join("\t");
        }
    };
    for mut row in rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
        let baseline = row[0].y;
        let size = row.iter().map(|g| g.size).fold(0.0, f64::max);
        // The middle of the line's letters, which sits inside its cell.
        let middle = baseline - size / 3.0;
        let table = walls_at(rules, middle).filter(|(walls, _)| {
            row.iter()
                .all(|g| g.x >= walls[0] - 1.0 && g.end <= walls[walls.len() - 1] + RULE_THICKNESS)
        });
        let Some((walls, top)) = table else {
            close(&mut open, &mut lines);
            if let Some((last_baseline, last_size)) = previous
                && baseline - last_baseline > PARAGRAPH_GAP * size.max(last_size)
            {
                lines.push(String::new());
            }
            previous = Some((baseline, size));
            lines.push(line_text(&row));
            continue;
        };
        previous = Some((baseline, size));
        if open
            .as_ref()
            .is_none_or(|o| (o.top - top).abs() > 0.5 || o.walls != walls.len())
        {
            close(&mut open, &mut lines);
            lines.push(String::new());
            open = Some(OpenRow {
                top,
                walls: walls.len(),
                cells: vec![String::new(); walls.len() - 1],
                at: lines.len() - 1,
            });
        }
        let Some(current) = open.as_mut() else { continue };
        for (column, cell) in current.cells.iter_mut().enumerate() {
            let (left, right) = (walls[column], walls[column + 1]);
            let glyphs: Vec<Glyph> = row
                .iter()
                .filter(|g| {
                    let centre = (g.x + g.end) / 2.0;
                    centre >= left && centre < right
                })
                .cloned()
                .collect();
            if glyphs.is_empty() {
                continue;
            }
            let text = line_text(&glyphs).replace('\t', " ");
            if !cell.is_empty() {
                // A wrapped line goes on the line before (punctuation wrapped alone in a narrow
                // column, as in "3" / ".", without a space); a new list item starts a line.
                cell.push_str(if starts_item(&text) {
                    "<br>"
                } else if text.starts_with(['.', ',', ';', ':', ')']) {
                    ""
                } else {
                    " "
                });
            }
            cell.push_str(&text);
        }
    }
    close(&mut open, &mut lines);
    lines
}

/// Whether a line inside a cell starts a list item ("a. ", "12) ", "- ", "• "): the items of a
/// list are lines of their own, as block tags make them in text conversions.
fn starts_item(line: &str) -> bool {
    if line.starts_with(['-', '•', '▪', '❖', '◦', '*']) {
        return true;
    }
    let marker: String = line.chars().take_while(|c| c.is_alphanumeric()).collect();
    let rest = &line[marker.len()..];
    let short_marker = marker.chars().all(|c| c.is_ascii_digit()) && (1..=2).contains(&marker.len())
        || marker.chars().count() == 1 && marker.chars().all(|c| c.is_ascii_lowercase());
    short_marker && (rest.starts_with(". ") || rest.starts_with(") "))
}

/// The text of one visual line: glyphs left to right, a tab at a column boundary.
fn line_text(row: &[Glyph]) -> String {
    let mut text = String::new();
    let mut last_end: Option<f64> = None;
    for glyph in row {
        if let Some(end) = last_end {
            let gap = glyph.x - end;
            if gap > TAB_GAP * glyph.size {
                text.truncate(text.trim_end().len());
                text.push('\t');
            } else if gap > 0.12 * glyph.size
                && !text.ends_with([' ', '\t'])
                && !glyph.text.starts_with([' ', '.', ',', ';', ':', ')'])
            {
                text.push(' ');
            }
        }
        if text.ends_with('\t') {
            text.push_str(glyph.text.trim_start());
        } else {
            text.push_str(&glyph.text);
        }
        last_end = Some(last_end.map_or(glyph.end, |e| e.max(glyph.end)));
    }
    text.trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Glyphs of a word at `x` on baseline `y`, each 5 points wide at size 10.
    fn word(x: f64, y: f64, word: &str) -> Vec<Glyph> {
        word.chars()
            .enumerate()
            .map(|(i, c)| Glyph {
                x: x + 5.0 * i as f64,
                y,
                end: x + 5.0 * (i + 1) as f64,
                size: 10.0,
                text: c.to_string(),
            })
            .collect()
    }

    #[test]
    fn table_cells_become_tabs_and_words_spaces() {
        // A row drawn cell by cell: the value cell first, then the number and the label.
        let mut glyphs = word(200.0, 100.0, "Gratis");
        glyphs.extend(word(50.0, 100.0, "4."));
        glyphs.extend(word(80.0, 100.0, "Biaya"));
        glyphs.extend(word(108.0, 100.0, "Tarif"));
        // The value's second line, wrapped inside its cell.
        glyphs.extend(word(200.0, 112.0, "sama"));
        assert_eq!(lay_out(glyphs, &[]), ["4.\tBiaya Tarif\tGratis", "sama"]);
    }

    #[test]
    fn a_wide_vertical_step_is_a_blank_line() {
        let mut glyphs = word(50.0, 100.0, "PEMERINTAH");
        glyphs.extend(word(50.0, 112.0, "KECAMATAN"));
        glyphs.extend(word(50.0, 140.0, "Jalan"));
        assert_eq!(lay_out(glyphs, &[]), ["PEMERINTAH", "KECAMATAN", "", "Jalan"]);
    }

    #[test]
    fn a_ruled_table_row_is_one_line_however_its_cells_wrap() {
        // Walls at 40, 70, 190, 400; rows between the rules at y 90, 140 and 160.
        let mut rules = vec![];
        for x in [40.0, 70.0, 190.0, 400.0] {
            rules.push(Rule::Vertical { x, y0: 90.0, y1: 140.0 });
            rules.push(Rule::Vertical {
                x,
                y0: 140.0,
                y1: 160.0,
            });
        }
        for y in [90.0, 140.0, 160.0] {
            rules.push(Rule::Horizontal { y, x0: 40.0, x1: 400.0 });
        }
        let mut glyphs = word(200.0, 100.0, "Pertemuan");
        glyphs.extend(word(200.0, 112.0, "audiensi"));
        glyphs.extend(word(200.0, 124.0, "2 jam"));
        glyphs.extend(word(200.0, 136.0, "a. lisan"));
        glyphs.extend(word(45.0, 100.0, "3."));
        glyphs.extend(word(75.0, 100.0, "Jangka"));
        glyphs.extend(word(75.0, 112.0, "Waktu"));
        glyphs.extend(word(45.0, 154.0, "4."));
        glyphs.extend(word(75.0, 154.0, "Biaya"));
        glyphs.extend(word(200.0, 154.0, "Gratis"));
        glyphs.extend(word(40.0, 180.0, "Ditetapkan"));
        assert_eq!(
            lay_out(glyphs, &rules),
            [
                "3.\tJangka Waktu\tPertemuan audiensi 2 jam<br>a. lisan",
                "4.\tBiaya\tGratis",
                "",
                "Ditetapkan"
            ]
        );
    }

    #[test]
    fn a_row_split_by_a_page_break_is_joined_again() {
        assert_eq!(
            continue_row(
                "3.\tJangka Waktu\t91 hari, a. 31 hari",
                "\tPelayanan\tbertempat di sana"
            )
            .as_deref(),
            Some("3.\tJangka Waktu Pelayanan\t91 hari, a. 31 hari bertempat di sana")
        );
        assert_eq!(continue_row("3.\tA\tB", "4.\tC\tD"), None, "a new row");
        assert_eq!(continue_row("3.\tA\tB", "\tB"), None, "another table");
        assert_eq!(continue_row("Ditetapkan", "di Pasuruan"), None, "no table");
    }

    #[test]
    fn thin_boxes_and_segments_are_rules() {
        assert_eq!(
            rule_of(10.0, 50.0, 300.0, 50.5),
            Some(Rule::Horizontal {
                y: 50.25,
                x0: 10.0,
                x1: 300.0
            })
        );
        assert!(matches!(rule_of(40.0, 10.0, 40.0, 200.0), Some(Rule::Vertical { .. })));
        assert_eq!(rule_of(10.0, 10.0, 200.0, 100.0), None, "a shaded cell is no rule");
        assert_eq!(rule_of(10.0, 10.0, 12.0, 11.0), None, "a dot is no rule");
    }

    #[test]
    fn damaged_files_are_clear_errors_not_panics() {
        for bytes in [
            &b"%PDF-1.7\n1 0 obj << /Type /Catalog"[..],
            b"not a pdf at all",
            b"%PDF-",
        ] {
            let err = text("sk.pdf", bytes).unwrap_err();
            assert!(matches!(err, InputError::Damaged { .. }), "{err}");
            assert!(
                err.to_string().starts_with("sk.pdf: cannot read this PDF file"),
                "{err}"
            );
        }
    }
}
