//! A static website's service pages exported as one file (Hugo, Jekyll, Eleventy): Markdown
//! pages one after another, each opening with a YAML front matter block between `---` lines
//! (`title:`, `draft:`, `tags:`), the bodies holding the site generator's shortcodes.
//!
//! [`unwrap`] rewrites such a file line for line, so citations keep the file's own lines: a
//! page's `title:` becomes a Markdown heading (the page's name is the service's name, whatever
//! its body's own headings say), the rest of its front matter is blanked; a page marked
//! `draft: true` is not published and is blanked whole; a shortcode line (`{{< alert >}}`,
//! `{{% accordion title="Dasar Hukum" %}}`, Liquid's `{% include ... %}`) becomes the title
//! it shows, or nothing. A page that gives no service (no labels of two of the components a
//! standard is made of, one of them requirements, fee or product: a Maklumat, "Tentang Kami")
//! would be read as the end of the service page before it: after the first service page such a
//! page is left out; before it (the site's index) it is the decree's front matter, and its
//! `opd:` names the agency. Two pages with a front matter that has a title are needed before
//! anything is rewritten: a decree's own text never opens a block of lowercase keys after a
//! `---` rule twice.

use super::labels::classify;
use super::markup::strip_markup;
use super::services::CORE_KINDS;
use crate::document::ComponentKind;

/// Front matter blocks with a title a file must show before it is read as a site's pages.
const PAGES: usize = 2;

/// The file with its front matter as headings and its drafts and shortcodes blanked, or
/// `None` when it is no export of a static site's pages.
pub(crate) fn unwrap(text: &str) -> Option<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let blocks = blocks(&lines);
    if blocks.iter().filter(|b| b.title.is_some()).count() < PAGES {
        return None;
    }
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let mut seen_service = false;
    for (index, block) in blocks.iter().enumerate() {
        let page_end = blocks.get(index + 1).map_or(lines.len(), |next| next.open);
        // What a page before this one left on the opening line (a shortcode run into `---`).
        let before = opening_rest(lines[block.open]);
        out[block.open] = before.to_owned();
        for line in &mut out[block.open + 1..=block.close] {
            line.clear();
        }
        if block.draft {
            for line in &mut out[block.open..page_end] {
                line.clear();
            }
            continue;
        }
        let body = &lines[block.close + 1..page_end];
        if page_gives_a_service(body) {
            seen_service = true;
            if let Some((at, title)) = &block.title {
                out[*at] = format!("# {title}");
                // The body's own first-level heading restates the page's name: a line of text.
                for line in &mut out[block.close + 1..page_end] {
                    if let Some(text) = line.strip_prefix("# ") {
                        *line = text.to_owned();
                    }
                }
            }
        } else if seen_service {
            for line in &mut out[block.open..page_end] {
                line.clear();
            }
        } else if let Some((at, agency)) = &block.agency {
            out[*at] = agency.clone();
        }
    }
    for line in &mut out {
        if let Some(shown) = shortcode(line) {
            *line = shown;
        }
    }
    Some(out.join("\n"))
}

/// One front matter block: the lines of its `---` rules, its title and whether it is a draft.
struct Block {
    open: usize,
    close: usize,
    title: Option<(usize, String)>,
    /// The publishing office (`opd:`, `instansi:`).
    agency: Option<(usize, String)>,
    draft: bool,
}

/// The front matter blocks of the file, in order.
fn blocks(lines: &[&str]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut at = 0;
    while at + 1 < lines.len() {
        if !opens(lines[at]) || key_value(lines[at + 1]).is_none() {
            at += 1;
            continue;
        }
        let Some(close) = (at + 1..lines.len()).find(|&i| lines[i].trim_end() == "---") else {
            break;
        };
        let body = &lines[at + 1..close];
        // A block is keys, their list items and continued values: no prose paragraph.
        if body
            .iter()
            .any(|l| !l.trim().is_empty() && key_value(l).is_none() && !l.starts_with([' ', '\t', '-']))
        {
            at += 1;
            continue;
        }
        let mut block = Block {
            open: at,
            close,
            title: None,
            agency: None,
            draft: false,
        };
        for (offset, line) in body.iter().enumerate() {
            match key_value(line) {
                Some(("title", value)) if !value.is_empty() => block.title = Some((at + 1 + offset, value.to_owned())),
                Some(("opd" | "instansi" | "unit" | "dinas", value)) if !value.is_empty() => {
                    block.agency = Some((at + 1 + offset, value.to_owned()));
                }
                Some(("draft", value)) => block.draft = value.eq_ignore_ascii_case("true"),
                _ => {}
            }
        }
        blocks.push(block);
        at = close + 1;
    }
    blocks
}

/// Whether a page's body labels two of the components a standard is made of, one of them
/// requirements, fee or product, as the assembler asks of a service. A label is a heading, a
/// bold line, a line ending in a colon or one a definition (`: ...`) follows.
fn page_gives_a_service(body: &[&str]) -> bool {
    let mut kinds: Vec<ComponentKind> = Vec::new();
    for (at, line) in body.iter().enumerate() {
        let trimmed = line.trim();
        // A list item's label ("- **Biaya:** GRATIS") is a label too.
        let item = trimmed
            .strip_prefix(['-', '+'])
            .or_else(|| trimmed.strip_prefix("* "))
            .map_or(trimmed, str::trim_start);
        let defined = body.get(at + 1).is_some_and(|next| next.starts_with(": "));
        let labelled = item.starts_with(['#', '*']) || item.ends_with(':') || defined;
        if !labelled {
            continue;
        }
        let label = strip_markup(item);
        let label = label.split(':').next().unwrap_or_default();
        if let Some(kind) = classify(label).filter(|k| CORE_KINDS.contains(k))
            && !kinds.contains(&kind)
        {
            kinds.push(kind);
        }
    }
    super::services::gives_a_service(&kinds, 2)
}

/// Whether a line opens a front matter block: a `---` rule, alone or run on after the end of
/// the page before (the pages were concatenated without a line break).
fn opens(line: &str) -> bool {
    let line = line.trim_end();
    line == "---" || (line.ends_with("---") && !opening_rest(line).ends_with('-'))
}

/// The text of an opening line before its `---` rule.
fn opening_rest(line: &str) -> &str {
    line.trim_end().strip_suffix("---").unwrap_or(line)
}

/// A front matter line's lowercase key and its value without quotes.
fn key_value(line: &str) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(':')?;
    let keyish = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    keyish.then(|| (key, unquote(value.trim())))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value.strip_prefix(quote).and_then(|v| v.strip_suffix(quote)) {
            return inner;
        }
    }
    value
}

/// What a shortcode line shows: its `title` parameter, or nothing. `None` for any other line.
fn shortcode(line: &str) -> Option<String> {
    let line = line.trim();
    let inner = ["{{<", "{{%", "{%"].iter().find_map(|open| line.strip_prefix(open))?;
    let inner = [">}}", "%}}", "%}"]
        .iter()
        .find_map(|close| inner.strip_suffix(close))?;
    let title = inner.split_once("title=").map(|(_, rest)| {
        let rest = rest.trim_start();
        match rest.chars().next() {
            Some(quote @ ('"' | '\'')) => rest[1..].split(quote).next().unwrap_or(""),
            _ => rest.split_whitespace().next().unwrap_or(""),
        }
    });
    Some(title.unwrap_or("").to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "\
---
title: \"Layanan Publik\"
opd: \"Dinas Contoh\"
draft: false
---

Silakan pilih layanan.

{{< list-layanan kategori=\"semua\" >}}---
title: \"Izin Usaha Mikro\"
tags: [izin, gratis]
draft: false
---

{{% accordion title=\"Dasar Hukum\" %}}
1. Perda Nomor 1 Tahun 2020
{{% /accordion %}}

### Persyaratan

- KTP

**Biaya :** gratis
---
title: 'Sewa Kontainer'
draft: true
---

### Biaya

Rp 300.000
---
title: \"Tentang Kami\"
---

### Jam Layanan

Senin - Jumat 08.00
";

    #[test]
    fn titles_become_headings_and_drafts_vanish() {
        let out = unwrap(SITE).expect("a site export");
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines.len(), SITE.split('\n').count(), "line for line");
        // The index page is the front matter: its office names the agency.
        assert_eq!(lines[1], "");
        assert_eq!(lines[2], "Dinas Contoh");
        assert_eq!(lines[9], "# Izin Usaha Mikro");
        // The shortcode run into the next page's rule is blanked, the accordion shows its title.
        assert_eq!(lines[8], "");
        assert_eq!(lines[14], "Dasar Hukum");
        assert_eq!(lines[16], "");
        assert!(out.contains("- KTP"));
        assert!(!out.contains("Sewa Kontainer"), "a draft page is not published");
        assert!(!out.contains("300.000"));
        assert!(
            !out.contains("Senin"),
            "a page that gives no service is no service's end"
        );
    }

    #[test]
    fn a_decree_with_rules_is_no_site() {
        let decree = "STANDAR PELAYANAN\n---\nPersyaratan: KTP\n---\nBiaya: gratis\n";
        assert!(unwrap(decree).is_none());
        // One page with front matter is a Markdown file, not a site's pages.
        let one = "---\ntitle: Izin\n---\n\n### Persyaratan\n- KTP\n";
        assert!(unwrap(one).is_none());
    }
}
