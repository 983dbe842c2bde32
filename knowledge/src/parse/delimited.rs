//! Decrees saved from a spreadsheet as delimited text (CSV, or semicolon-separated as
//! Indonesian Excel writes it).
//!
//! Agencies keep their standards in a workbook and publish "Save as CSV": every row is one
//! record of cells separated by `;` or `,`, a cell holding a list is quoted and runs over
//! several physical lines, rows are padded to the sheet's width with empty cells, and lines
//! end in CRLF. [`tabulate`] turns such a file into the tab-separated rows the rest of the
//! parser reads (one record on the line it starts on, the lines a quoted cell continued on
//! left blank, so line numbers stay true for citations), and [`long_rows`] reads the "long"
//! sheet layout, one component per row with the service named in its own column only on the
//! first row of its block (merged cells), as the label rows the assembler reads. The wide
//! layout, one row per service and one column per component, is a matrix ([`super::matrix`]).
//! A long sheet may also give each list item its own row, the label repeated (filled down)
//! and the item's number in a column of its own: those rows make one numbered component, and
//! the column-number row under the header ("1, 2, 3, 4, 5") names no service. A sheet kept
//! transposed, one column per service under a "Nama Layanan" row and one row per component,
//! is read column by column ([`transposed_rows`]), table by table when several stand one below
//! the other.
//!
//! Regional open-data portals ("Satu Data") export the same sheets with a header row of
//! column names in snake case ("jangka_waktu_pelayanan"), read as words, and list cells of
//! many lines, so most physical lines hold no separator; the header row then says it is a
//! sheet.
//!
//! Tab-separated text is taken as the rows it is, unless its cells are quoted over several
//! lines (Excel's "Unicode Text"): then its records are joined the same way.
//!
//! A file is read as delimited only when most of its records have the same number of cells,
//! three or more: prose with commas never does.

use super::labels::{classify, is_header_row, is_service_name_label};
use super::matrix::Line;

/// Fewest cells of a record in a sheet.
const MIN_CELLS: usize = 3;
/// Share of non-blank records that must have the sheet's usual number of cells.
const SHEET_SHARE: f32 = 0.5;
/// Most words of a column name in a header row.
const HEADER_WORDS: usize = 6;
/// Fewest component rows that make a long sheet.
const MIN_COMPONENT_ROWS: usize = 5;

/// The lines of a delimited decree as tab-separated cells (the same number of lines), or
/// `None` when the text is not delimited.
pub(crate) fn tabulate(lines: &[&str]) -> Option<Vec<String>> {
    let non_blank = lines.iter().filter(|l| !l.trim().is_empty()).count();
    if non_blank == 0 {
        return None;
    }
    // Tab-separated text is read as the rows it already is, unless a cell opens with a quote
    // and runs over several lines (Excel's "Unicode Text"): then its records are joined.
    if lines.iter().filter(|l| l.contains('\t')).count() * 20 > non_blank {
        let quoted_cells = lines
            .iter()
            .any(|l| (l.starts_with('"') || l.contains("\t\"")) && l.matches('"').count() % 2 == 1);
        if !quoted_cells {
            return None;
        }
        let records = records(lines, '\t');
        if !is_sheet(&records) {
            return None;
        }
        return Some(rows_of(lines, records));
    }
    // A cheap look first: most lines of a sheet hold two separators or more, or (cells of
    // many lines, as an open-data export writes them) its first line is a header row.
    let header = lines.iter().find(|l| !l.trim().is_empty()).copied().unwrap_or_default();
    let records = [';', ',']
        .into_iter()
        .filter(|&separator| {
            lines
                .iter()
                .filter(|l| l.matches(separator).count() >= MIN_CELLS - 1)
                .count() as f32
                >= SHEET_SHARE * non_blank as f32
                || header.matches(separator).count() >= MIN_CELLS - 1 && is_header_line(header, separator)
        })
        .map(|separator| records(lines, separator))
        .find(|records| is_sheet(records))?;
    Some(rows_of(lines, records))
}

/// Whether a sheet's first line reads as a row of column names: most of them short, once a
/// form's question is read up to its question mark without the instructions in brackets
/// ("Berapa lama waktu penyelesaian? (sebutkan satuan: menit/jam/hari kerja)").
fn is_header_line(line: &str, separator: char) -> bool {
    let cells: Vec<&str> = line.split(separator).collect();
    let short = cells
        .iter()
        .filter(|cell| super::matrix::header_label(cell).split_whitespace().count() <= HEADER_WORDS)
        .count();
    short * 4 >= cells.len() * 3
}

/// The records as tab-separated rows, each on the line it starts on.
fn rows_of(lines: &[&str], records: Vec<(usize, Vec<String>)>) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new(); lines.len()];
    for (start, cells) in records {
        let cells: Vec<String> = cells
            .iter()
            .map(|c| {
                let cell = c
                    .split('\n')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                column_name(&cell).unwrap_or(cell)
            })
            .collect();
        let last = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        out[start] = cells[..last].join("\t");
    }
    out
}

/// A column name as a database export writes it ("jangka_waktu_pelayanan") in words.
fn column_name(cell: &str) -> Option<String> {
    (cell.contains('_')
        && cell
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    .then(|| cell.split('_').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" "))
}

/// Records of `lines` split at `separator` outside quotes, each with the index of the line it
/// starts on; a quoted cell may run over several lines (its line breaks kept as '\n').
fn records(lines: &[&str], separator: char) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let start = index;
        let mut cells = vec![String::new()];
        let mut quoted = false;
        loop {
            let line = lines[index].trim_end_matches('\r');
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                let cell = cells.last_mut().expect("a record has a cell");
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' if quoted => quoted = false,
                    '"' if cell.trim().is_empty() => {
                        cell.clear();
                        quoted = true;
                    }
                    c if c == separator && !quoted => cells.push(String::new()),
                    c => cell.push(c),
                }
            }
            index += 1;
            if !quoted || index >= lines.len() {
                break;
            }
            cells.last_mut().expect("a record has a cell").push('\n');
        }
        out.push((start, cells));
    }
    out
}

/// Whether most non-blank records have the same number of cells, three or more.
fn is_sheet(records: &[(usize, Vec<String>)]) -> bool {
    let filled: Vec<usize> = records
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(_, cells)| cells.len())
        .collect();
    let mut counts = std::collections::HashMap::new();
    for &n in &filled {
        *counts.entry(n).or_insert(0usize) += 1;
    }
    counts
        .into_iter()
        .filter(|(n, _)| *n >= MIN_CELLS)
        .max_by_key(|(n, count)| (*count, *n))
        .is_some_and(|(_, count)| count as f32 >= SHEET_SHARE * filled.len() as f32)
}

/// A transposed sheet (one column per service under a row that names them, "Nama Layanan; A;
/// B; C", and one row per component) as label rows, service by service; `None` when no row
/// names two services or more. A sheet may hold several such tables one below the other, each
/// under its own naming row. A component row whose value stands in the first service's column
/// only is a cell merged across the columns: it is said of every service of the table.
pub(crate) fn transposed_rows(lines: &[&str]) -> Option<Vec<Line>> {
    let cells = |i: usize| -> Vec<&str> { lines[i].split('\t').map(str::trim).collect() };
    let is_naming = |row: &[&str]| {
        row.first().is_some_and(|c| is_service_name_label(c)) && row[1..].iter().filter(|c| !c.is_empty()).count() >= 2
    };
    let first = (0..lines.len()).find(|&i| is_naming(&cells(i)))?;
    let mut out: Vec<Line> = (0..first)
        .filter(|&i| !is_number_row(&cells(i)))
        .map(|i| (i as u32 + 1, lines[i].to_owned()))
        .collect();
    let mut i = first;
    while i < lines.len() {
        let header = cells(i);
        if !is_naming(&header) {
            i += 1;
            continue;
        }
        let names: Vec<(usize, &str)> = header
            .iter()
            .enumerate()
            .skip(1)
            .filter(|(_, c)| !c.is_empty())
            .map(|(k, c)| (k, *c))
            .collect();
        let start = i;
        let mut rows: Vec<usize> = Vec::new();
        i += 1;
        while i < lines.len() {
            let row = cells(i);
            if is_naming(&row) {
                break;
            }
            let label = row.first().copied().unwrap_or_default();
            if label.is_empty() || is_number_row(&row) {
                // A blank row ends the table unless a component row follows (perhaps under a
                // caption row, "PENGELOLAAN PELAYANAN").
                let mut next = (i + 1..lines.len()).filter(|&j| !lines[j].trim().is_empty()).take(2);
                if next.any(|j| !is_naming(&cells(j)) && cells(j).first().is_some_and(|c| classify(c).is_some())) {
                    i += 1;
                    continue;
                }
                break;
            }
            rows.push(i);
            i += 1;
        }
        for &(column, name) in &names {
            out.push((start as u32 + 1, format!("Jenis Pelayanan\t{name}")));
            for &r in &rows {
                let row = cells(r);
                let filled: Vec<usize> = (1..row.len()).filter(|&k| !row[k].is_empty()).collect();
                let merged = filled == [names[0].0] && names.len() >= 2;
                let value = if merged {
                    row[names[0].0]
                } else {
                    row.get(column).copied().unwrap_or_default()
                };
                if !value.is_empty() {
                    out.push((r as u32 + 1, format!("{}\t{value}", row[0])));
                }
            }
        }
    }
    Some(out)
}

/// The column-number row of a sheet ("No; 1; 2; 3"): no component and no service.
fn is_number_row(row: &[&str]) -> bool {
    row.first()
        .is_some_and(|c| matches!(c.trim_end_matches('.').to_lowercase().as_str(), "no" | "nomor"))
        && row[1..]
            .iter()
            .all(|c| c.is_empty() || c.chars().all(|ch| ch.is_ascii_digit()))
}

/// A long sheet (one component per row: `No; Jenis Pelayanan; Komponen; Uraian`, the service
/// named only on the first row of its block) as label rows; `None` when no column holds
/// component labels on most rows.
pub(crate) fn long_rows(lines: &[&str]) -> Option<Vec<Line>> {
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').map(str::trim).collect()).collect();
    let width = rows.iter().map(Vec::len).max()?;
    let label_column = (0..width).max_by_key(|&c| {
        rows.iter()
            .filter(|r| {
                r.get(c)
                    .is_some_and(|cell| classify(cell).is_some() && cell.split_whitespace().count() <= 6)
            })
            .count()
    })?;
    let label_rows = rows
        .iter()
        .filter(|r| r.get(label_column).is_some_and(|cell| classify(cell).is_some()))
        .count();
    if label_rows < MIN_COMPONENT_ROWS || label_column == 0 {
        return None;
    }
    // The service column: left of the labels, holding names (not numbers, not labels) on
    // rows that hold a label too (the first row of a service's block). A form's title rows
    // above a table whose first column numbers the components ("1, Persyaratan, ...") name
    // no services: that is one service's form, read as its rows.
    let name_column = (0..label_column).rev().find(|&c| {
        let names = rows
            .iter()
            .filter(|r| r.get(label_column).is_some_and(|cell| classify(cell).is_some()))
            .filter_map(|r| r.get(c))
            .filter(|cell| !cell.is_empty() && !cell.chars().all(|ch| ch.is_ascii_digit() || ch == '.'))
            .filter(|cell| classify(cell).is_none())
            .count();
        names >= 2
    })?;
    let mut out = Vec::with_capacity(lines.len());
    let mut current = String::new();
    let mut open_label = "";
    for (index, row) in rows.iter().enumerate() {
        let number = index as u32 + 1;
        let label = row.get(label_column).copied().unwrap_or_default();
        let name = row.get(name_column).copied().unwrap_or_default();
        let mut value: Vec<&str> = row
            .iter()
            .skip(label_column + 1)
            .copied()
            .filter(|c| !c.is_empty())
            .collect();
        // The column-number row under the header ("1, 2, 3, 4, 5") names no service.
        let numbering = row
            .iter()
            .all(|c| c.is_empty() || c.chars().all(|ch| ch.is_ascii_digit()));
        let in_sheet = row.len() > label_column && !is_header_row(row) && !numbering;
        let header = is_service_name_label(name);
        if !in_sheet || header || (label.is_empty() && name.is_empty() && value.is_empty()) {
            out.push((number, lines[index].replace('\t', " ")));
            continue;
        }
        if !name.is_empty() && name != current {
            current = name.to_owned();
            open_label = "";
            out.push((number, format!("Jenis Pelayanan\t{name}")));
        }
        // An item number in a column of its own ("No. Urut") numbers the item as a list does.
        let item = match value.as_slice() {
            [n, rest @ ..] if !rest.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()) => {
                let text = format!("{n}. {}", rest.join(" "));
                value.clear();
                text
            }
            _ => value.join(" "),
        };
        // A label repeated on every item's row (filled down, not merged) goes on the one
        // component.
        if classify(label).is_some() && label != open_label {
            open_label = label;
            out.push((number, format!("{label}\t{item}")));
        } else if !item.is_empty() {
            out.push((number, format!("\t\t{item}")));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHEET: &str = "\
KEPUTUSAN KEPALA DINAS;;;;
TENTANG STANDAR PELAYANAN;;;;
No;Jenis Pelayanan;Komponen;Uraian;Ket\r
1;Uji Berkala Kendaraan;Persyaratan;\"1. Buku uji lama;
2. STNK asli\";\r
;;Jangka Waktu;1 (satu) hari kerja;\r
;;Biaya/Tarif;Rp 50.000,-;Perda 3/2023\r
;;Produk Pelayanan;Kartu uji;\r
2;Numpang Uji Keluar;Persyaratan;Surat permohonan;\r
;;Jangka Waktu;3 (tiga) hari kerja;\r
;;Biaya/Tarif;Tidak dipungut biaya;\r";

    #[test]
    fn a_form_responses_sheet_with_questions_for_column_names_is_a_sheet() {
        let text = "Timestamp,Nama Layanan,Apa saja persyaratan yang harus dipenuhi pemohon?,\
                    Berapa lama waktu penyelesaian? (sebutkan satuan: menit/jam/hari kerja),Produk/hasil layanan\n\
                    14/02/2024 09:12:45,Izin Praktik,\"1) KTP\n2) STR\n3) Ijazah\n4) Foto\n5) Surat\n6) Rekomendasi IDI\n7) Pernyataan\n8) Denah\",7 hari kerja,Rekomendasi\n\
                    15/02/2024 10:00:00,Sertifikat PIRT,\"1) KTP\n2) Foto\n3) Denah\n4) Label\",14 hari kerja,Sertifikat\n";
        let lines: Vec<&str> = text.split('\n').collect();
        let rows = tabulate(&lines).expect("a sheet");
        assert!(
            rows[1].starts_with(
                "14/02/2024 09:12:45\tIzin Praktik\t1) KTP 2) STR 3) Ijazah 4) Foto 5) Surat 6) Rekomendasi IDI"
            ),
            "{rows:?}"
        );
    }

    #[test]
    fn a_semicolon_sheet_becomes_tab_rows_on_the_lines_records_start() {
        let lines: Vec<&str> = SHEET.lines().collect();
        let out = tabulate(&lines).expect("a sheet");
        assert_eq!(out.len(), lines.len());
        assert_eq!(
            out[3],
            "1\tUji Berkala Kendaraan\tPersyaratan\t1. Buku uji lama; 2. STNK asli"
        );
        assert_eq!(out[4], "", "the quoted cell's second line");
        assert_eq!(out[6], "\t\tBiaya/Tarif\tRp 50.000,-\tPerda 3/2023");
    }

    #[test]
    fn item_rows_of_a_long_sheet_make_one_numbered_component() {
        let sheet = "\
No,Jenis Pelayanan,Komponen,No. Urut,Uraian,Keterangan\r
1,2,3,4,5,6\r
1,Pendaftaran e-RDKK,Persyaratan,1,Anggota kelompok tani;,\r
,Pendaftaran e-RDKK,Persyaratan,2,Fotokopi KTP-el;,\r
,Pendaftaran e-RDKK,Jangka Waktu Pelayanan,,14 (empat belas) hari kerja,sejak RDKK diterima\r
,Pendaftaran e-RDKK,Biaya/Tarif,,Gratis,\r
,Pendaftaran e-RDKK,Produk Pelayanan,,Data e-RDKK,\r
2,Sewa Alsintan,Persyaratan,1,Surat permohonan;,\r
,Sewa Alsintan,Biaya/Tarif,,Sesuai Perda,\r";
        let lines: Vec<&str> = sheet.lines().collect();
        let tabbed = tabulate(&lines).expect("a sheet");
        let tabbed: Vec<&str> = tabbed.iter().map(String::as_str).collect();
        let rows = long_rows(&tabbed).expect("a long sheet");
        let texts: Vec<&str> = rows.iter().map(|(_, t)| t.as_str()).collect();
        assert!(!texts.iter().any(|t| t.ends_with("\t2")), "{texts:?}");
        assert!(texts.contains(&"Persyaratan\t1. Anggota kelompok tani;"), "{texts:?}");
        assert!(texts.contains(&"\t\t2. Fotokopi KTP-el;"), "{texts:?}");
        assert_eq!(texts.iter().filter(|t| t.starts_with("Persyaratan")).count(), 2);
    }

    #[test]
    fn a_long_sheet_names_each_service_once_and_labels_its_components() {
        let lines: Vec<&str> = SHEET.lines().collect();
        let tabbed = tabulate(&lines).expect("a sheet");
        let tabbed: Vec<&str> = tabbed.iter().map(String::as_str).collect();
        let rows = long_rows(&tabbed).expect("a long sheet");
        let texts: Vec<&str> = rows.iter().map(|(_, t)| t.as_str()).collect();
        assert!(texts.contains(&"Jenis Pelayanan\tUji Berkala Kendaraan"));
        assert!(texts.contains(&"Jenis Pelayanan\tNumpang Uji Keluar"));
        assert!(texts.contains(&"Biaya/Tarif\tRp 50.000,- Perda 3/2023"));
        let named = rows
            .iter()
            .find(|(_, t)| t.starts_with("Jenis Pelayanan\tNumpang"))
            .unwrap();
        assert_eq!(named.0, 9, "line numbers are the source's");
    }

    #[test]
    fn a_sheet_parses_into_its_services() {
        let document = super::super::parse_text("dishub.csv", SHEET).expect("services");
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Uji Berkala Kendaraan", "Numpang Uji Keluar"]);
        let fee = document.services[0].fee.as_ref().expect("a fee");
        assert_eq!(fee.rupiah, Some(50_000));
    }

    /// An open-data portal export: a header of column names, a row per service whose list
    /// cells run over many lines, the office and regency in columns of their own.
    const EXPORT: &str = "\u{feff}id,nama_kabupaten_kota,nama_opd,no,nama_layanan,persyaratan,sistem_mekanisme_prosedur,jangka_waktu_pelayanan,biaya_tarif,produk_pelayanan\r
7,\"KABUPATEN CONTOH\",\"Dinas Perhubungan\",1,\"Pengujian Berkala (Uji KIR)\",\"1. Fotokopi STNK;
2. Fotokopi KTP;
3. Kartu uji lama.\",\"1. Mendaftar di loket;
2. Kendaraan diuji.\",\"60 menit\",\"Rp 50.000,-\",\"Kartu uji\"\r
8,\"KABUPATEN CONTOH\",\"Dinas Perhubungan\",2,\"Sewa Kios Terminal\",\"1. Surat permohonan;
2. Fotokopi KTP.\",\"1. Mengajukan permohonan;
2. Menandatangani perjanjian \"\"sewa\"\".\",\"3 hari kerja\",\"Rp 150.000,- per bulan\",\"Perjanjian sewa\"\r
";

    #[test]
    fn an_open_data_export_parses_with_its_office() {
        let document = super::super::parse_text("dishub.csv", EXPORT).expect("services");
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(titles, ["Pengujian Berkala (Uji KIR)", "Sewa Kios Terminal"]);
        let kir = &document.services[0];
        assert_eq!(kir.unit, "Dinas Perhubungan Kabupaten Contoh");
        assert_eq!(kir.regency.as_deref(), Some("Kabupaten Contoh"));
        let requirements = kir
            .components
            .iter()
            .find(|c| c.kind == crate::document::ComponentKind::Requirements);
        assert!(requirements.expect("requirements").text.contains("Kartu uji lama"));
        assert_eq!(document.services[1].fee.as_ref().and_then(|f| f.rupiah), Some(150_000));
    }

    /// A workbook of forms exported sheet by sheet (`xlsx2csv -a`): each sheet one service,
    /// its title and office in rows of their own above a KOMPONEN / URAIAN table whose first
    /// column numbers the components.
    const WORKBOOK: &str = "\
-------- 1 - 1. Uji Pertama
STANDAR PELAYANAN,,
PENGUJIAN BERKALA KENDARAAN BERMOTOR (UJI PERTAMA),,
DINAS PERHUBUNGAN KABUPATEN SINDANGRAJA,,
,,
NO,KOMPONEN,URAIAN
1,Persyaratan,1. Fotokopi STNK
,,2. Fotokopi KTP-el
2,\"Sistem, Mekanisme dan Prosedur\",Pemohon mendaftar di loket
3,Jangka Waktu Penyelesaian,60 (enam puluh) menit
4,Biaya/Tarif,\"Rp. 75.000,-\"
5,Produk Pelayanan,Kartu Uji
-------- 2 - 2. Kartu Hilang
STANDAR PELAYANAN,,
PENGGANTIAN KARTU UJI HILANG / RUSAK,,
UPTD PENGUJIAN KENDARAAN BERMOTOR CIBALONG,,
NO,KOMPONEN,URAIAN
1,Persayaratan,Surat kehilangan dari Kepolisian
2,Prosedur,Pemohon mengisi formulir
3,Jangka Waktu,1 (satu) hari kerja
4,Biaya,25000
5,Produk,Kartu Uji pengganti
";

    #[test]
    fn a_workbook_of_forms_reads_one_service_per_sheet_with_its_office_apart() {
        let lines: Vec<&str> = WORKBOOK.lines().collect();
        let rows = tabulate(&lines).expect("a sheet");
        let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
        // Numbers beside the labels name no services: no long sheet.
        assert!(long_rows(&rows).is_none());
        let document = super::super::parse_text("dishub.csv", WORKBOOK).expect("services");
        // (Casing follows the words' evidence in the text; the words are what matters here.)
        let titles: Vec<(String, String)> = document
            .services
            .iter()
            .map(|s| (s.title.to_lowercase(), s.unit.to_lowercase()))
            .collect();
        assert_eq!(
            titles,
            [
                (
                    "pengujian berkala kendaraan bermotor (uji pertama)".to_owned(),
                    "dinas perhubungan kabupaten sindangraja".to_owned()
                ),
                (
                    "penggantian kartu uji hilang / rusak".to_owned(),
                    "uptd pengujian kendaraan bermotor cibalong".to_owned()
                ),
            ]
        );
        assert!(
            document.services[1]
                .components
                .iter()
                .any(|c| c.kind == crate::document::ComponentKind::Requirements)
        );
    }

    #[test]
    fn prose_with_commas_is_no_sheet() {
        let prose = [
            "Menimbang : a. bahwa dalam rangka meningkatkan kualitas, perlu standar;",
            "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud, perlu menetapkan;",
            "Persyaratan : KTP, KK, pas foto",
        ];
        assert_eq!(tabulate(&prose), None);
    }
}
