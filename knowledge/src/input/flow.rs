//! The text flow of a word processor's document as the parser's lines, shared by the readers
//! of Word's formats ([`super::docx`], [`super::rtf`]) so both lay a decree out the same way.
//!
//! One paragraph is one line; a tab stays a tab, so "Biaya\tGratis" reads as a row. A table row
//! is one line with its cells joined by tabs (the layout of a text conversion); the paragraphs
//! of one cell are joined by `<br>` (the cleaner's line break), and a tab or line break inside a
//! cell becomes a space or `<br>`. A nested table's rows become paragraphs of the cell that
//! holds it. A table of one row with one filled cell (a letterhead beside its logo, a signature
//! block) is a frame: its paragraphs are lines. Paragraphs may nest (a text box's paragraphs
//! sit inside a paragraph).

/// One table being read: the cells of its current row and the paragraphs of its current cell,
/// and, for a table in the body, its rows written so far (where the first is in the lines, and
/// that row's one filled cell when it has just one).
#[derive(Default)]
struct Table {
    cells: Vec<String>,
    paragraphs: Vec<String>,
    rows: usize,
    first_line: usize,
    lone_cell: Option<String>,
}

/// The finished lines, the open tables (innermost last) and the open paragraphs.
#[derive(Default)]
pub(crate) struct Flow {
    lines: Vec<String>,
    tables: Vec<Table>,
    paragraphs: Vec<String>,
}

impl Flow {
    /// How many tables are open around the text being read (0: the body).
    pub(crate) fn table_depth(&self) -> usize {
        self.tables.len()
    }

    /// Whether a paragraph is open to take text.
    pub(crate) fn in_paragraph(&self) -> bool {
        !self.paragraphs.is_empty()
    }

    pub(crate) fn open_paragraph(&mut self) {
        self.paragraphs.push(String::new());
    }

    pub(crate) fn open_table(&mut self) {
        self.tables.push(Table::default());
    }

    /// Ends the open table (a row left unfinished is ended first). A table of one row with
    /// one filled cell (a letterhead beside its logo, a signature block) is a frame around
    /// paragraphs, not data: its paragraphs are lines.
    pub(crate) fn close_table(&mut self) {
        self.end_row();
        if let Some(table) = self.tables.pop()
            && self.tables.is_empty()
            && table.rows == 1
            && let Some(cell) = table.lone_cell
            && table.first_line + 1 == self.lines.len()
        {
            self.lines.pop();
            self.lines.extend(cell.split("<br>").map(str::to_owned));
        }
    }

    /// Text of the innermost open paragraph (none open: the text is dropped).
    pub(crate) fn push_text(&mut self, text: &str) {
        if let Some(paragraph) = self.paragraphs.last_mut() {
            paragraph.push_str(text);
        }
    }

    /// A tab or a line break: a tab or a new line outside tables; a space or `<br>` in a cell.
    pub(crate) fn push_break(&mut self, tab: bool) {
        let in_cell = !self.tables.is_empty();
        if let Some(paragraph) = self.paragraphs.last_mut() {
            paragraph.push_str(match (tab, in_cell) {
                (true, false) => "\t",
                (true, true) => " ",
                (false, false) => "\n",
                (false, true) => "<br>",
            });
        }
    }

    pub(crate) fn end_paragraph(&mut self) {
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

    pub(crate) fn end_cell(&mut self) {
        if let Some(table) = self.tables.last_mut() {
            let cell = std::mem::take(&mut table.paragraphs).join("<br>");
            table.cells.push(cell);
        }
    }

    pub(crate) fn end_row(&mut self) {
        let Some(table) = self.tables.last_mut() else {
            return;
        };
        let cells = std::mem::take(&mut table.cells);
        if cells.iter().all(|c| c.trim().is_empty()) {
            return;
        }
        let filled: Vec<&String> = cells.iter().filter(|c| !c.trim().is_empty()).collect();
        let lone_cell = match filled.as_slice() {
            [only] => Some((*only).clone()),
            _ => None,
        };
        let row = cells.join("\t");
        let depth = self.tables.len();
        if depth >= 2 {
            // A nested table's row is one paragraph of the outer cell.
            let row = row.replace('\t', " ");
            self.tables[depth - 2].paragraphs.push(row);
        } else {
            let first_line = self.lines.len();
            let table = &mut self.tables[depth - 1];
            table.rows += 1;
            if table.rows == 1 {
                table.first_line = first_line;
                table.lone_cell = lone_cell;
            }
            self.lines.push(row);
        }
    }

    /// The lines read, open paragraphs and tables ended first.
    pub(crate) fn finish(mut self) -> Vec<String> {
        while self.in_paragraph() {
            self.end_paragraph();
        }
        while self.table_depth() > 0 {
            self.end_cell();
            self.close_table();
        }
        self.lines
    }
}
