//! Tables that a PDF conversion printed one cell per block (`pdftotext` without `-layout`).
//!
//! Such text loses the table: the row number ("1.") is a block of its own, a label wraps
//! over lines ("Jangka Waktu" / "Penyelesaian", "Sistem, Mekanisme," / "dan Prosedur"),
//! words are hyphenated at line ends ("Persyaratan Pela-" / "yanan"), and where a page or a
//! column broke, the labels of several rows come first and their values after them ("Jangka
//! Waktu Penyelesaian", "Biaya/Tarif", "Produk Pelayanan", then "60 menit", "Gratis",
//! "Surat Keterangan"). [`reflow`] puts it back as the assembler reads it: hyphenated words
//! joined, labels on one line, lone row numbers dropped before a label, and a run of labels
//! paired in order with the run of values that follows it. Lines keep their numbers (joined
//! lines leave blanks), so citations still point into the source.

use super::labels::{classify, continues_label, is_label_word, label_words, reads_as_label};

/// Words that end a component label written over two lines ("Penyelesaian", "Pelaksana").
const LABEL_TAIL: &[&str] = &[
    "penyelesaian",
    "pelayanan",
    "layanan",
    "prosedur",
    "mekanisme",
    "saran",
    "masukan",
    "pengaduan",
    "apresiasi",
    "fasilitas",
    "prasarana",
    "sarana",
    "pelaksana",
    "keselamatan",
    "keamanan",
    "hukum",
    "tarif",
    "biaya",
    "waktu",
    "kinerja",
    "internal",
    "dan",
    "atau",
    "serta",
];

/// Longest label, in words.
const MAX_LABEL_WORDS: usize = 8;

/// The lines to replace (`Some(text)`; blanked lines are `Some("")`), or all `None` when
/// the text is not laid out this way.
pub(crate) fn reflow(lines: &[&str]) -> Vec<Option<String>> {
    let mut out: Vec<Option<String>> = vec![None; lines.len()];
    if !looks_like_blocks(lines) {
        return out;
    }
    let mut text: Vec<String> = lines.iter().map(|l| l.trim_end_matches('\r').to_owned()).collect();
    let mut changed = vec![false; lines.len()];
    join_hyphenated(&mut text, &mut changed);
    join_labels(&mut text, &mut changed);
    drop_row_numbers(&mut text, &mut changed);
    pair_label_runs(&mut text, &mut changed);
    for (i, line) in text.into_iter().enumerate() {
        if changed[i] {
            out[i] = Some(line);
        }
    }
    out
}

/// Whether the labels of the decree stand alone on their lines, at least a few of them with a
/// lone row number before them: the mark of a table printed cell by cell.
fn looks_like_blocks(lines: &[&str]) -> bool {
    let mut lone_numbers_before_labels = 0;
    let mut previous: Option<&str> = None;
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        if let Some(before) = previous
            && is_row_marker(before)
            && is_label_start(line)
        {
            lone_numbers_before_labels += 1;
        }
        previous = Some(line);
    }
    lone_numbers_before_labels >= 3
}

/// A line that is only a row number or letter: "1.", "12", "A.", "b)", "(3)", "IV.".
fn is_row_marker(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.len() > 5 {
        return false;
    }
    let core = t.trim_start_matches('(').trim_end_matches(['.', ')']);
    let punctuated = core.len() < t.len();
    !core.is_empty()
        && (core.chars().all(|c| c.is_ascii_digit()) && (punctuated || core.len() <= 2)
            || punctuated && core.len() == 1 && core.chars().all(|c| c.is_ascii_alphabetic())
            || punctuated && core.chars().all(|c| matches!(c, 'I' | 'V' | 'X')))
}

/// Whether a line opens a component label (maybe wrapped: "Jangka Waktu", "Sistem, Mekanisme,").
fn is_label_start(line: &str) -> bool {
    let words = label_words(line);
    !words.is_empty()
        && words.len() <= MAX_LABEL_WORDS
        && !line.contains(':')
        && reads_as_label(line)
        && (classify(line).is_some() || words.len() <= 3 && words.iter().all(|w| is_label_word(w)))
}

/// "Pela-" + "yanan": a word broken at a line end, written back whole.
fn join_hyphenated(text: &mut [String], changed: &mut [bool]) {
    for i in 0..text.len().saturating_sub(1) {
        let line = text[i].trim_end();
        let broken = line.ends_with('-')
            && line[..line.len() - 1]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_lowercase() || c.is_uppercase() && mostly_upper(line));
        let next = text[i + 1].trim_start();
        let continues = next.chars().next().is_some_and(|c| {
            if mostly_upper(line) {
                c.is_uppercase()
            } else {
                c.is_lowercase()
            }
        });
        if broken && continues {
            let joined = format!("{}{}", &line[..line.len() - 1], next);
            text[i] = joined;
            text[i + 1].clear();
            changed[i] = true;
            changed[i + 1] = true;
        }
    }
}

fn mostly_upper(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 4 && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 9
}

/// "Jangka Waktu" + "Penyelesaian", "Sistem, Mekanisme," + "dan Prosedur", "Jaminan
/// Keamanan" + "dan Keselamatan" + "Pelayanan": one label.
fn join_labels(text: &mut [String], changed: &mut [bool]) {
    let mut i = 0;
    while i < text.len() {
        if !is_label_start(text[i].trim()) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            // Lines already joined into the one above are gone, not blank lines of the source.
            while j < text.len() && changed[j] && text[j].is_empty() {
                j += 1;
            }
            if j >= text.len() || !label_continues(text[i].trim(), text[j].trim()) {
                break;
            }
            text[i] = format!("{} {}", text[i].trim(), text[j].trim());
            text[j].clear();
            changed[i] = true;
            changed[j] = true;
            j += 1;
        }
        i = j;
    }
}

/// Whether `next` (the line right below) finishes the label `line`.
fn label_continues(line: &str, next: &str) -> bool {
    if next.is_empty() {
        return false;
    }
    let joined = format!("{line} {next}");
    let next_words = label_words(next);
    let Some(kind) = classify(&joined) else { return false };
    let same_kind = classify(line).is_none_or(|k| k == kind);
    let tail = next_words.len() == 1 && LABEL_TAIL.contains(&next_words[0].as_str());
    let all_tail = classify(next).is_none() && next_words.iter().all(|w| LABEL_TAIL.contains(&w.as_str()));
    label_words(&joined).len() <= MAX_LABEL_WORDS
        && same_kind
        && next_words.len() <= 4
        && !next.contains(':')
        && (continues_label(line, next) || tail || all_tail)
}

/// A lone row number right before a label is layout, not the end of the previous value.
fn drop_row_numbers(text: &mut [String], changed: &mut [bool]) {
    for i in 0..text.len() {
        if !is_row_marker(&text[i]) {
            continue;
        }
        let next = text[i + 1..].iter().find(|l| !l.trim().is_empty() && !is_row_marker(l));
        if next.is_some_and(|n| {
            classify(n.trim()).is_some() && reads_as_label(n) && label_words(n).len() <= MAX_LABEL_WORDS
        }) {
            text[i].clear();
            changed[i] = true;
        }
    }
}

/// Labels printed before their values ("Jangka Waktu", "Biaya/Tarif", "Produk Pelayanan",
/// then three values): each label takes the value block of the same rank.
fn pair_label_runs(text: &mut [String], changed: &mut [bool]) {
    // Blocks: maximal runs of non-blank lines, as (first, last) line indices.
    let mut blocks: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for i in 0..=text.len() {
        let blank = i == text.len() || text[i].trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                blocks.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    let is_label_block = |b: &(usize, usize), text: &[String]| {
        b.0 == b.1 && {
            let t = text[b.0].trim();
            classify(t).is_some() && reads_as_label(t) && label_words(t).len() <= MAX_LABEL_WORDS && !t.contains(':')
        }
    };
    let mut at = 0;
    while at < blocks.len() {
        let run_end = (at..blocks.len())
            .find(|&b| !is_label_block(&blocks[b], text))
            .unwrap_or(blocks.len());
        let run = run_end - at;
        if run < 2 {
            at += 1;
            continue;
        }
        let values_end = (run_end..blocks.len())
            .find(|&b| is_label_block(&blocks[b], text) || is_row_marker(&text[blocks[b].0]))
            .unwrap_or(blocks.len());
        if values_end - run_end == run {
            for k in 0..run {
                let (label_line, _) = blocks[at + k];
                let (first, last) = blocks[run_end + k];
                let value = text[first..=last]
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ");
                text[label_line] = format!("{} : {value}", text[label_line].trim());
                changed[label_line] = true;
                for line in first..=last {
                    text[line].clear();
                    changed[line] = true;
                }
            }
            at = values_end;
        } else {
            at = run_end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(text: &str) -> Vec<String> {
        let lines: Vec<&str> = text.split('\n').collect();
        let out = reflow(&lines);
        lines
            .iter()
            .zip(out)
            .map(|(l, o)| o.unwrap_or_else(|| (*l).to_owned()))
            .filter(|l| !l.trim().is_empty())
            .collect()
    }

    const CELLS: &str = "1.\n\nPersyaratan Pela-\nyanan\n\n1. KTP;\n2. KK.\n\n2.\n\nSistem, Mekanisme,\ndan Prosedur\n\n\
                         1. Datang;\n2. Pulang.\n\n3.\n\n4.\n\n5.\n\nJangka Waktu\nPenyelesaian\n\nBiaya/Tarif\n\n\
                         Produk Pelayanan\n\n60 (enam puluh) menit\n\nGratis\n\nSurat Keterangan\n\n6.\n\n\
                         Penanganan Penga-\nduan, Saran dan\nMasukan\n\nTelepon 0712";

    #[test]
    fn a_table_printed_cell_by_cell_is_put_back() {
        assert_eq!(
            apply(CELLS),
            [
                "Persyaratan Pelayanan",
                "1. KTP;",
                "2. KK.",
                "Sistem, Mekanisme, dan Prosedur",
                "1. Datang;",
                "2. Pulang.",
                "Jangka Waktu Penyelesaian : 60 (enam puluh) menit",
                "Biaya/Tarif : Gratis",
                "Produk Pelayanan : Surat Keterangan",
                "Penanganan Pengaduan, Saran dan Masukan",
                "Telepon 0712",
            ]
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let text = "Persyaratan\t1. KTP\nBiaya\tGratis\nKata yang ter-\nputus di sini";
        let lines: Vec<&str> = text.split('\n').collect();
        assert!(reflow(&lines).iter().all(Option::is_none));
    }

    #[test]
    fn labels_in_a_row_keep_apart() {
        let mut text: Vec<String> = ["Biaya/Tarif", "Produk Pelayanan"].map(String::from).to_vec();
        let mut changed = vec![false; 2];
        join_labels(&mut text, &mut changed);
        assert_eq!(text, ["Biaya/Tarif", "Produk Pelayanan"]);
    }
}
