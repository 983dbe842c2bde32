//! A wiki page's raw source (MediaWiki markup, as an intranet wiki exports it): `== Heading ==`
//! sections, `'''bold'''` labels, `*` / `#` lists, `{| ... |}` tables with `!` header and `|`
//! / `||` cells, `[[links|text]]`, `<ref>` footnotes, templates such as an infobox whose
//! parameters are the components (`| persyaratan = ...`).
//!
//! [`to_markdown`] rewrites such a page line for line into the Markdown the later steps read
//! (citations keep the page's own lines): headings with `#`, bold with `**`, lists with `-`,
//! table rows as pipe rows, a link as the text it shows, footnotes and comments left out, an
//! infobox parameter as a label line ("Persyaratan : ..."). A row whose last cell is empty
//! ("| Persyaratan ||") has its content on the list lines below it, which go on with the
//! component as any continued text does. Two section headings and one sign of wiki markup
//! (a table, a bold label, a link) are needed before anything is rewritten: `==` around a
//! line is no decree's own habit.

/// Section headings a page must show before it is read as wiki markup.
const HEADINGS: usize = 2;

/// The page as Markdown, or `None` when it is no wiki source.
pub(crate) fn to_markdown(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let headings = lines.iter().filter(|l| heading(l).is_some()).count();
    let marked = lines
        .iter()
        .any(|l| l.starts_with("{|") || l.contains("'''") || l.contains("[["));
    if headings < HEADINGS || !marked {
        return None;
    }
    let mut out = Vec::with_capacity(lines.len());
    let mut in_footnote = false;
    let mut in_template = false;
    for line in &lines {
        let mut line = (*line).to_owned();
        if in_footnote {
            match line.find("</ref>") {
                // The footnote ends here; the rest of the line is read below.
                Some(end) => line.replace_range(..end + "</ref>".len(), ""),
                None => {
                    out.push(String::new());
                    continue;
                }
            }
        }
        let (without, open) = without_footnotes(&line);
        in_footnote = open;
        let line = without_comments(&without);
        let trimmed = line.trim();
        if in_template {
            if trimmed.starts_with("}}") {
                in_template = false;
                out.push(String::new());
            } else {
                out.push(parameter(trimmed).unwrap_or_else(|| inline(trimmed)));
            }
            continue;
        }
        let rewritten = if let Some((level, title)) = heading(trimmed) {
            format!("{} {}", "#".repeat(level), inline(title))
        } else if trimmed.starts_with("{{") && !trimmed.contains("}}") {
            // A template over several lines (an infobox): its parameters follow.
            in_template = true;
            String::new()
        } else if trimmed.starts_with("{{") && trimmed.ends_with("}}") {
            template_text(trimmed)
        } else if trimmed.starts_with("{|") || trimmed.starts_with("|}") || trimmed.starts_with("|-") {
            String::new()
        } else if let Some(caption) = trimmed.strip_prefix("|+") {
            inline(caption.trim())
        } else if let Some(header) = trimmed.strip_prefix('!') {
            row(header, "!!")
        } else if let Some(cells) = trimmed.strip_prefix('|') {
            row(cells, "||")
        } else if trimmed.starts_with(['*', '#', ':']) {
            list_item(trimmed)
        } else if trimmed.starts_with("__") && trimmed.ends_with("__") || is_category(trimmed) {
            String::new()
        } else {
            inline(&line)
        };
        out.push(rewritten);
    }
    Some(out.join("\n"))
}

/// A section heading's level and title (`== Title ==` -> 2).
fn heading(line: &str) -> Option<(usize, &str)> {
    let line = line.trim_end();
    let level = line.chars().take_while(|c| *c == '=').count();
    let closing = line.chars().rev().take_while(|c| *c == '=').count();
    if level == 0 || level != closing || level > 6 || line.len() <= 2 * level {
        return None;
    }
    let title = line[level..line.len() - level].trim();
    (!title.is_empty()).then_some((level, title))
}

/// A table row's cells as a pipe row; an empty last cell stays (its content is below).
fn row(cells: &str, separator: &str) -> String {
    let cells: Vec<String> = cells.split(separator).map(|c| inline(cell_content(c).trim())).collect();
    format!("| {} |", cells.join(" | "))
}

/// A cell's content without its attributes (`style="..." | text`).
fn cell_content(cell: &str) -> &str {
    match cell.split_once('|') {
        Some((attributes, content)) if attributes.contains('=') => content,
        _ => cell,
    }
}

/// A list item (`*`, `#`, `*#`, `:`) as a Markdown item.
fn list_item(line: &str) -> String {
    let text = line.trim_start_matches(['*', '#', ':', ';']).trim();
    if text.is_empty() {
        String::new()
    } else {
        format!("- {}", inline(text))
    }
}

/// An infobox parameter as a label line (`| dasar_hukum = ...` -> "Dasar hukum : ...").
fn parameter(line: &str) -> Option<String> {
    let (key, value) = line.strip_prefix('|')?.split_once('=')?;
    let key = key.trim().replace('_', " ");
    let mut chars = key.chars();
    let first = chars.next()?;
    let key: String = first.to_uppercase().chain(chars).collect();
    Some(format!("{key} : {}", inline(value.trim())))
}

/// What a one-line template shows: its last parameter's text (`{{Pemberitahuan|text}}`), or
/// nothing (`{{DISPLAYTITLE:...}}`).
fn template_text(line: &str) -> String {
    let inner = &line[2..line.len() - 2];
    // Pipes inside links are no parameter separators.
    let mut depth = 0usize;
    let mut last = 0;
    for (at, c) in inner.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            '|' if depth == 0 => last = at + 1,
            _ => {}
        }
    }
    if last == 0 {
        String::new()
    } else {
        inline(&inner[last..])
    }
}

fn is_category(line: &str) -> bool {
    line.starts_with("[[") && line.ends_with("]]") && line[2..].split_once(':').is_some_and(|(ns, _)| !ns.contains(' '))
}

/// A line's inline markup as Markdown: bold, italics, links.
fn inline(text: &str) -> String {
    let text = text.replace("'''", "**").replace("''", "");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix("[[")
            && let Some(end) = inner.find("]]")
        {
            let link = &inner[..end];
            out.push_str(link.rsplit('|').next().unwrap_or(link).trim_start_matches('#'));
            rest = &inner[end + 2..];
        } else if let Some(inner) = rest.strip_prefix("[http")
            && let Some(end) = inner.find(']')
        {
            let link = &inner[..end];
            out.push_str(link.split_once(' ').map_or(link, |(_, shown)| shown));
            rest = &inner[end + 1..];
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// A line without its footnotes (`<ref>...</ref>`, `<ref name="x" />`), and whether a
/// footnote opened on it goes on below.
fn without_footnotes(line: &str) -> (String, bool) {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("<ref") {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            return (out, false);
        };
        if after[..tag_end].ends_with('/') {
            rest = &after[tag_end + 1..];
            continue;
        }
        match after.find("</ref>") {
            Some(end) => rest = &after[end + "</ref>".len()..],
            None => return (out, true),
        }
    }
    out.push_str(rest);
    (out, false)
}

/// A line without its HTML comments and the `<references />` marker.
fn without_comments(line: &str) -> String {
    let mut out = line.to_owned();
    while let Some(start) = out.find("<!--") {
        let end = out[start..].find("-->").map_or(out.len(), |e| start + e + 3);
        out.replace_range(start..end, "");
    }
    out.replace("<references />", "").replace("<references/>", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "\
'''Standar Pelayanan''' pada '''Dinas PUPR'''<ref>
Keputusan Kepala Dinas.</ref>
== Keterangan Rencana Kota (KRK) ==
{| class=\"wikitable\"
|-
! No. !! Komponen !! Uraian
|-
| 1 || '''Persyaratan''' ||
# Formulir permohonan;
# Fotokopi KTP-el.
|-
| 2 || '''Biaya''' || Gratis<ref name=\"perda\" />
|}
== Penyewaan Alat Berat ==
{{Infobox layanan
| biaya = Rp 350.000/jam
| dasar_hukum = Perda No. 1 Tahun 2024
}}
Lihat [[#Pengaduan|Penanganan Pengaduan]] <!-- cek lagi -->
[[Kategori:Standar Pelayanan]]";

    #[test]
    fn a_wiki_page_becomes_markdown_line_for_line() {
        let out = to_markdown(PAGE).expect("a wiki page");
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines.len(), PAGE.split('\n').count());
        assert_eq!(lines[0], "**Standar Pelayanan** pada **Dinas PUPR**");
        assert_eq!(lines[1], "", "the footnote's second line goes");
        assert_eq!(lines[2], "## Keterangan Rencana Kota (KRK)");
        assert_eq!(lines[5], "| No. | Komponen | Uraian |");
        assert_eq!(lines[7], "| 1 | **Persyaratan** |  |");
        assert_eq!(lines[8], "- Formulir permohonan;");
        assert_eq!(lines[11], "| 2 | **Biaya** | Gratis |");
        assert_eq!(lines[15], "Biaya : Rp 350.000/jam");
        assert_eq!(lines[16], "Dasar hukum : Perda No. 1 Tahun 2024");
        assert_eq!(lines[18].trim(), "Lihat Penanganan Pengaduan");
        assert_eq!(lines[19], "");
    }

    #[test]
    fn text_without_wiki_signs_is_left_alone() {
        assert!(to_markdown("== Persyaratan ==\nKTP\n== Biaya ==\nGratis\n").is_none());
        assert!(to_markdown("STANDAR PELAYANAN\n'''bold'''\n").is_none());
    }
}
