//! Turns the pictures of a decree's text back into the plain signs the rest of the parser
//! reads: box-drawing tables into ASCII tables, and emoji into bullets, numbers and label
//! punctuation.
//!
//! Two kinds of conversion print pictures:
//!
//! - text browsers and table printers (`w3m -dump`, pandoc's grid tables, terminal table
//!   tools) draw borders with the box-drawing block ("│", "─", "┼", "╔"); they mean what
//!   "|", "-" and "+" mean in an ASCII table, which [`super::columns`] and
//!   [`super::services`] read;
//! - "Standar Pelayanan" infographics (a poster per service, posted by agencies and later
//!   transcribed or read by OCR) decorate every block with emoji: a picture before a label
//!   ("📌 PERSYARATAN", "⏱ Berapa Lama? ⏱ 3 hari"), a check mark before an item ("✅ Fotokopi
//!   KTP"), a keycap digit before a step ("1⃣ Daftar"), pictures framing a title ("🚨 LAYANAN
//!   MOBIL DEREK 🚨"). A picture says where a block starts, not what it says. So: a framed line
//!   is a heading (`# ...`); a check mark or bullet picture is a list bullet; a keycap is the
//!   step's number ("1."); a picture between a short text and more text separates a label from
//!   its value (" : "), one after the last word ends a label ("Yang Perlu Disiapkan 📝");
//!   other pictures go.
//!
//! Arrows (→) and the typographic bullets markup already reads stay as written. Lines are
//! edited in place, so line numbers stay true for citations; a text without such characters is
//! returned untouched (`None`).

/// The text with box drawing and emoji turned into plain signs, or `None` when it has none.
pub(crate) fn plain(text: &str) -> Option<String> {
    if !text.chars().any(|c| is_box(c) || is_picture(c) || c == KEYCAP) {
        return None;
    }
    let lines: Vec<String> = text.split('\n').map(plain_line).collect();
    Some(lines.join("\n"))
}

/// U+20E3 COMBINING ENCLOSING KEYCAP: "1⃣" is the digit 1 on a key.
const KEYCAP: char = '\u{20e3}';

fn is_box(c: char) -> bool {
    ('\u{2500}'..='\u{257f}').contains(&c)
}

/// Emoji and pictographs, with the invisible characters that build them (variation selectors,
/// joiners, skin tones). Arrows (U+2190-21FF) are text and are not included.
fn is_picture(c: char) -> bool {
    matches!(c,
        '\u{1f000}'..='\u{1faff}'
        | '\u{2600}'..='\u{27bf}'
        | '\u{2b00}'..='\u{2bff}'
        | '\u{2300}'..='\u{23ff}'
        | '\u{25a0}'..='\u{25ff}'
        | '\u{2139}'
        | '\u{24c2}'
        | '\u{fe0e}'
        | '\u{fe0f}'
        | '\u{200d}')
}

/// Pictures that mark a list item (check marks, and the round and square bullets of Word
/// lists, which must stay bullets when a decree also has emoji).
fn is_check(c: char) -> bool {
    matches!(
        c,
        '✅' | '✔'
            | '☑'
            | '☐'
            | '✓'
            | '➤'
            | '►'
            | '▶'
            | '●'
            | '○'
            | '◦'
            | '▪'
            | '■'
            | '□'
            | '◆'
            | '◇'
            | '❖'
            | '➢'
            | '▸'
    )
}

fn box_sign(c: char) -> char {
    match c {
        '│' | '┃' | '║' | '╎' | '╏' | '┆' | '┇' | '┊' | '┋' => '|',
        '─' | '━' | '═' | '╌' | '╍' | '┄' | '┅' | '┈' | '┉' => '-',
        _ => '+',
    }
}

/// One piece of a line: text, or a run of pictures.
enum Piece {
    Text(String),
    Pictures { check: bool },
}

fn plain_line(line: &str) -> String {
    let mut pieces: Vec<Piece> = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if is_box(c) {
            push_text(&mut pieces, box_sign(c));
        } else if c.is_ascii_digit() && matches!(chars.peek(), Some(&'\u{fe0f}') | Some(&KEYCAP)) {
            // "1⃣" / "1️⃣": a numbered step.
            while matches!(chars.peek(), Some(&'\u{fe0f}') | Some(&KEYCAP)) {
                chars.next();
            }
            push_text(&mut pieces, c);
            push_text(&mut pieces, '.');
        } else if c == '🔟' {
            for sign in "10.".chars() {
                push_text(&mut pieces, sign);
            }
        } else if is_picture(c) || c == KEYCAP {
            match pieces.last_mut() {
                Some(Piece::Pictures { check }) => *check |= is_check(c),
                _ => pieces.push(Piece::Pictures { check: is_check(c) }),
            }
        } else {
            push_text(&mut pieces, c);
        }
    }
    let has_text = |p: &Piece| matches!(p, Piece::Text(t) if !t.trim().is_empty());
    let first_text = pieces.iter().position(has_text);
    let last_text = pieces.iter().rposition(has_text);
    let (Some(first_text), Some(last_text)) = (first_text, last_text) else {
        // Pictures and blanks only: nothing to read.
        return pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Text(t) => Some(t.as_str()),
                Piece::Pictures { .. } => None,
            })
            .collect::<String>()
            .trim_end()
            .to_owned();
    };
    let leading = pieces[..first_text].iter().any(|p| matches!(p, Piece::Pictures { .. }));
    // A bullet before a number ("▶ 2. Sertifikat Laik Fungsi", a page's disclosure
    // triangle) decorates a numbered line: lists are bulleted or numbered, not both.
    let numbered = match &pieces[first_text] {
        Piece::Text(text) => {
            let token = text.split_whitespace().next().unwrap_or("");
            let bare = token.trim_end_matches(['.', ')']);
            bare.len() < token.len() && !bare.is_empty() && bare.chars().all(|c| c.is_ascii_digit())
        }
        Piece::Pictures { .. } => false,
    };
    let leading_check = !numbered
        && pieces[..first_text]
            .iter()
            .any(|p| matches!(p, Piece::Pictures { check: true }));
    let trailing = pieces[last_text..].iter().any(|p| matches!(p, Piece::Pictures { .. }));
    // The line keeps its own indentation; the pictures before its first word go, with the
    // blanks that set them apart.
    let mut out = String::with_capacity(line.len());
    if leading {
        out.extend(line.chars().take_while(|c| c.is_whitespace()));
    }
    if leading && trailing && !leading_check {
        // Framed by pictures: a poster's heading.
        out.push_str("# ");
    } else if leading_check {
        out.push_str("✓ ");
    }
    // A picture right after a heading's or item's markup went: the text after it starts
    // without its blank.
    let mut after_markup = false;
    for (index, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(text) if index == first_text => out.push_str(if leading { text.trim_start() } else { text }),
            Piece::Text(_) | Piece::Pictures { .. } if index < first_text => {}
            Piece::Text(text) => {
                if out.ends_with(':') && !text.starts_with(char::is_whitespace) {
                    out.push(' ');
                }
                out.push_str(if after_markup { text.trim_start() } else { text });
                after_markup = false;
            }
            Piece::Pictures { .. } if index > last_text => {
                // A picture after the last word ends a label ("Yang Perlu Disiapkan 📝"),
                // unless it frames a heading or the line already says where its value is.
                let said = out.trim_end();
                if (!leading || leading_check) && !said.ends_with([':', '?', '!', '.', ')']) && !said.contains(':') {
                    out.truncate(said.len());
                    out.push_str(" :");
                }
            }
            Piece::Pictures { .. } => {
                // Between words: a label and its value ("Berapa Lama? ⏱ 3 hari"), or two
                // blocks side by side; a line that already has a colon keeps its own. After
                // nothing but markup ("# 📦 Layanan Rumah Kemasan", "- ✅ KTP") the picture
                // decorates the heading or item and goes.
                let said = out.trim_end();
                if said.chars().all(|c| matches!(c, '#' | '-' | '*' | '>' | ' ' | '\t')) {
                    out.truncate(said.len());
                    out.push(' ');
                    after_markup = true;
                } else if said.contains(':') {
                    out.push_str("  ");
                } else {
                    out.truncate(said.len());
                    out.push_str(" :");
                }
            }
        }
    }
    out.trim_end().to_owned()
}

fn push_text(pieces: &mut Vec<Piece>, c: char) {
    match pieces.last_mut() {
        Some(Piece::Text(text)) => text.push(c),
        _ => pieces.push(Piece::Text(c.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_drawing_becomes_an_ascii_table() {
        let text = "┌────┬──────┐\n│ No │ Uraian │\n├────┼──────┤\n└────┴──────┘";
        assert_eq!(
            plain(text).unwrap(),
            "+----+------+\n| No | Uraian |\n+----+------+\n+----+------+"
        );
    }

    #[test]
    fn poster_pictures_become_labels_bullets_numbers_and_headings() {
        let cases = [
            ("📌 PERSYARATAN", "PERSYARATAN"),
            ("✅ Fotokopi KTP pemilik", "✓ Fotokopi KTP pemilik"),
            ("1⃣ Daftar online", "1. Daftar online"),
            ("2\u{fe0f}\u{20e3} Bayar retribusi", "2. Bayar retribusi"),
            ("🚨 LAYANAN MOBIL DEREK 🚨", "# LAYANAN MOBIL DEREK"),
            (
                "Berapa Lama? ⏱ 3 (tiga) hari kerja",
                "Berapa Lama? : 3 (tiga) hari kerja",
            ),
            ("Yang Perlu Disiapkan 📝", "Yang Perlu Disiapkan :"),
            (
                "⏱ Waktu : 3 hari kerja    💰 Biaya : Gratis",
                "Waktu : 3 hari kerja       Biaya : Gratis",
            ),
            ("Ganti aja di sini! 😉", "Ganti aja di sini!"),
            ("emisi → lampu → rem", "emisi → lampu → rem"),
            // A disclosure triangle before a numbered title decorates it.
            ("▶ 2. Sertifikat Laik Fungsi (SLF)", "2. Sertifikat Laik Fungsi (SLF)"),
        ];
        for (line, expected) in cases {
            assert_eq!(plain(line).unwrap_or_else(|| line.to_owned()), expected, "{line}");
        }
    }

    #[test]
    fn a_picture_after_markup_decorates_the_heading() {
        assert_eq!(plain_line("# 📦 Layanan Rumah Kemasan"), "# Layanan Rumah Kemasan");
        assert_eq!(
            plain_line("# 🏛️ Fasilitasi Pendirian Koperasi"),
            "# Fasilitasi Pendirian Koperasi"
        );
        assert_eq!(plain_line("Berapa Lama? ⏱ 3 hari"), "Berapa Lama? : 3 hari");
    }

    #[test]
    fn plain_text_is_left_alone() {
        assert!(plain("PERSYARATAN\n1. Fotokopi KTP → asli").is_none());
    }
}

#[cfg(test)]
mod poster_tests {
    use crate::document::ComponentKind;

    /// Two posters as an agency posts them: pictures around the title and every label, labels
    /// asked as questions, a title wrapped in capitals without "STANDAR PELAYANAN" above it.
    #[test]
    fn posters_parse_to_services_with_their_components() {
        let text = "\
INFOGRAFIS STANDAR PELAYANAN\nDINAS PERHUBUNGAN KABUPATEN CONTOH\n\n- 1 -\n\n🚍 STANDAR PELAYANAN 🚍\n\
Persetujuan Analisis Dampak\nLalu Lintas (ANDALALIN)\n\n📌 PERSYARATAN\n✅ Surat permohonan\n✅ Dokumen andalalin\n\n\
➡ PROSEDUR\n1⃣ Ajukan berkas\n2⃣ Sidang tim evaluasi\n\n⏱ Waktu : 10 (sepuluh) hari kerja\n💰 Biaya : Gratis\n\n- 2 -\n\n\
REKOMENDASI PENGGUNAAN JALAN\nUNTUK KEGIATAN MASYARAKAT\n\nYang Perlu Disiapkan 📝\n  ✔ Surat permohonan dari panitia\n\n\
Caranya gimana?\n  Step 1 : Serahkan berkas\n\nBerapa Lama? ⏱ 3 (tiga) hari kerja\n\nBayar Berapa? 💰 GRATIS\n\n\
Mau Komplain? WA 0811-0000-0000\n";
        let document = crate::parse::parse_text("050_poster.txt", text).unwrap();
        let titles: Vec<&str> = document.services.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Persetujuan Analisis Dampak Lalu Lintas (ANDALALIN)",
                "Rekomendasi Penggunaan Jalan untuk Kegiatan Masyarakat"
            ]
        );
        let kinds =
            |i: usize| -> Vec<ComponentKind> { document.services[i].components.iter().map(|c| c.kind).collect() };
        use ComponentKind::*;
        assert_eq!(kinds(0), [Requirements, Procedure, Duration, Fee]);
        assert_eq!(kinds(1), [Requirements, Procedure, Duration, Fee, ComplaintChannel]);
        assert!(document.services[1].components[2].text.contains("3 (tiga) hari kerja"));
    }
}
