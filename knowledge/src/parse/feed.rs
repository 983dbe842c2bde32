//! Decrees published as posts of a blog or news site and given as its feed or export: an Atom
//! feed (a Blogger "Back up content" file is one), an RSS feed, a WordPress export (WXR, RSS
//! with `content:encoded`), a WordPress REST API response (JSON items whose `title` and
//! `content` hold their HTML as `rendered`). Each post's content is a web page's HTML, escaped
//! once inside the XML, held in CDATA or a JSON string.
//!
//! [`split`] reads each published post as the page it stands for: its title as a heading,
//! then its HTML read as [`super::html`] reads a page, each line citing the source line where
//! the post begins. What a reader of the site never sees is left out: comments (an Atom entry
//! answering another, Blogger's comment kind, a WXR `wp:comment`), drafts and unpublished posts
//! (`app:draft` yes, a `wp:status` other than publish), the blog's settings and template,
//! attachments and menu items. A post that is no standard (news, an announcement) is read too;
//! the assembler finds the standards among them as on any page.

use super::html::{self, Split};
use quick_xml::events::Event;
use quick_xml::reader::Reader;

/// Kinds of Atom entry or WXR post that no reader of the site sees as a post.
const NOT_POSTS: &[&str] = &[
    "comment",
    "settings",
    "template",
    "attachment",
    "nav_menu_item",
    "revision",
    "custom_css",
    "wp_block",
    "wp_navigation",
    "wp_template",
    "wp_template_part",
    "wp_global_styles",
];

/// One post being read.
#[derive(Default)]
struct Post {
    title: String,
    /// The content's HTML (Atom `content`, RSS `content:encoded`); the summary or description
    /// stands in when there is none.
    content: String,
    summary: String,
    line: u32,
    hidden: bool,
    /// The title is HTML already (a REST API's `title.rendered`).
    title_is_html: bool,
}

/// The published pages and posts of a WordPress REST API response (`/wp-json/wp/v2/pages`
/// saved from the browser), or of any CMS API that writes its items the same way: an array
/// of objects (or one object) whose `title` and `content` hold the HTML as `rendered`.
/// Drafts, private and trashed items and the kinds no reader sees ([`NOT_POSTS`]) are left
/// out; `None` when the text is no such JSON.
fn rest_posts(text: &str) -> Option<Vec<Post>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let items = match value {
        serde_json::Value::Array(items) => items,
        object @ serde_json::Value::Object(_) => vec![object],
        _ => return None,
    };
    let rendered = |item: &serde_json::Value, key: &str| {
        item.get(key)
            .and_then(|v| v.get("rendered"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let posts: Vec<Post> = items
        .iter()
        .filter(|item| {
            let field = |key: &str| item.get(key).and_then(serde_json::Value::as_str);
            field("status").is_none_or(|status| status == "publish")
                && field("type").is_none_or(|kind| !NOT_POSTS.contains(&kind))
        })
        .filter_map(|item| {
            Some(Post {
                title: rendered(item, "title").unwrap_or_default(),
                content: rendered(item, "content")?,
                summary: rendered(item, "excerpt").unwrap_or_default(),
                line: 1,
                hidden: false,
                title_is_html: true,
            })
        })
        .collect();
    (!posts.is_empty()).then_some(posts)
}

/// The feed's published posts as lines of text, or `None` when the text is no feed.
pub(crate) fn split(text: &str) -> Option<Split> {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = body.chars().take(1000).collect::<String>().to_lowercase();
    let posts =
        if body.starts_with('<') && (head.contains("<feed") || head.contains("<rss") || head.contains("<rdf:rdf")) {
            posts(text)?
        } else if body.starts_with(['[', '{']) && head.contains("\"rendered\"") {
            rest_posts(body)?
        } else {
            return None;
        };
    if posts.is_empty() {
        return None;
    }
    // The posts as one page, a post's HTML starting on a line of its own; each line of that
    // page remembers the source line of its post.
    let mut page = String::from("<html><body>\n");
    let mut page_lines: Vec<u32> = vec![1];
    for post in posts.iter().filter(|post| !archived(&post.content)) {
        let content = if post.content.trim().is_empty() {
            &post.summary
        } else {
            &post.content
        };
        let title = if post.title_is_html {
            post.title.trim().to_owned()
        } else {
            escape(post.title.trim())
        };
        let block = format!("<h1>{title}</h1>\n{}\n", shortcodes_read(content));
        page_lines.extend(std::iter::repeat_n(post.line, block.matches('\n').count()));
        page.push_str(&block);
    }
    page.push_str("</body></html>\n");
    page_lines.push(page_lines.last().copied().unwrap_or(1));
    let mut split = html::split(&page)?;
    for line in &mut split.source_lines {
        *line = page_lines.get((*line as usize).saturating_sub(1)).copied().unwrap_or(1);
    }
    Some(split)
}

/// The published posts of the feed; `None` when it is not well-formed XML.
fn posts(text: &str) -> Option<Vec<Post>> {
    let line_at = super::xml::line_finder(text);
    let mut reader = Reader::from_str(text);
    let mut posts = Vec::new();
    let mut post: Option<Post> = None;
    // Element names open inside the current post (qualified, lowercase).
    let mut path: Vec<String> = Vec::new();
    loop {
        let at = reader.buffer_position();
        match reader.read_event().ok()? {
            Event::Start(element) => {
                let name = AsRef::<str>::as_ref(&element.name()).to_lowercase();
                if matches!(name.as_str(), "entry" | "item") && post.is_none() {
                    post = Some(Post {
                        line: line_at(at),
                        ..Post::default()
                    });
                    path.clear();
                    continue;
                }
                if let Some(post) = post.as_mut() {
                    // A WXR comment (`wp:comment`) or an Atom reply marks no post of its own
                    // when nested; an entry answering another is a comment.
                    if name == "thr:in-reply-to" {
                        post.hidden = true;
                    }
                    path.push(name);
                }
            }
            Event::Empty(element) => {
                let Some(post) = post.as_mut() else { continue };
                let name = AsRef::<str>::as_ref(&element.name()).to_lowercase();
                if name == "thr:in-reply-to" {
                    post.hidden = true;
                }
                if name == "category" {
                    let term = element
                        .attributes()
                        .flatten()
                        .find(|a| AsRef::<str>::as_ref(&a.key) == "term")
                        .map(|a| a.value.to_lowercase())
                        .unwrap_or_default();
                    if term.contains("#kind") || term.contains("/kind#") {
                        let kind = term.rsplit('#').next().unwrap_or_default();
                        post.hidden |= NOT_POSTS.contains(&kind);
                    }
                }
            }
            Event::End(element) => {
                let name = AsRef::<str>::as_ref(&element.name()).to_lowercase();
                if path.is_empty() && matches!(name.as_str(), "entry" | "item") {
                    if let Some(done) = post.take().filter(|p| !p.hidden) {
                        posts.push(done);
                    }
                    continue;
                }
                path.pop();
            }
            Event::Text(t) => take_text(post.as_mut(), &path, &t.xml10_content()),
            Event::CData(t) => take_text(post.as_mut(), &path, &t.xml10_content()),
            Event::GeneralRef(reference) => {
                take_text(post.as_mut(), &path, &crate::input::docx::resolve(&reference));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Some(posts)
}

/// Text inside a post, kept by the element it is in (outside a WXR comment).
fn take_text(post: Option<&mut Post>, path: &[String], text: &str) {
    let Some(post) = post else { return };
    if path.iter().any(|p| p == "wp:comment") {
        return;
    }
    match path.last().map(String::as_str) {
        Some("title") if path.len() == 1 => post.title.push_str(text),
        Some("content" | "content:encoded") => post.content.push_str(text),
        Some("summary" | "description") if path.len() == 1 => post.summary.push_str(text),
        Some("app:draft") if text.trim().eq_ignore_ascii_case("yes") => post.hidden = true,
        Some("wp:status") if !matches!(text.trim(), "publish" | "") => post.hidden = true,
        Some("wp:post_type") if NOT_POSTS.contains(&text.trim()) => post.hidden = true,
        _ => {}
    }
}

/// Whether a post opens by saying it is kept for the record only ("ARSIP – halaman ini ...
/// sudah tidak berlaku"): the page of a standard no longer in force, which a citizen must
/// not be answered from.
fn archived(content: &str) -> bool {
    let opening: String = super::markup::tidy(&super::markup::strip_markup(content))
        .to_lowercase()
        .chars()
        .take(ARCHIVE_NOTICE_CHARS)
        .collect();
    let marked = opening
        .strip_prefix("arsip")
        .is_some_and(|rest| rest.trim_start().starts_with(['—', '–', '-', ':', ']', ')']));
    // Said of the post itself ("halaman ini ... sudah tidak berlaku"), not of the standard a
    // new one replaces ("standar lama tidak berlaku lagi, berikut yang baru").
    let of_itself = ["halaman ini", "dokumen ini", "postingan ini", "informasi ini"]
        .iter()
        .any(|this| opening.contains(this));
    marked || of_itself && opening.contains("tidak berlaku")
}

/// How much of a post's opening text an archive notice stands in.
const ARCHIVE_NOTICE_CHARS: usize = 300;

/// A post's content with the shortcodes of a plugin no longer active, which WordPress then
/// prints as they were typed (`[su_spoiler title="Persyaratan"]...[/su_spoiler]`): a shortcode
/// with a title shows that title above what it encloses, as the plugin did; any other is
/// dropped. Only tags that are closed somewhere (`[/name]`) are shortcodes: "[1]" is text.
fn shortcodes_read(content: &str) -> std::borrow::Cow<'_, str> {
    if !content.contains("[/") {
        return content.into();
    }
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else {
            rest = &rest[open..];
            break;
        };
        let inner = &after[..close];
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        let is_shortcode = !name.is_empty()
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && content.contains(&format!("[/{name}]"));
        if !is_shortcode {
            out.push('[');
            rest = after;
            continue;
        }
        if let Some(title) = shortcode_title(inner) {
            out.push_str(&format!("<p>{title}</p>"));
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out.into()
}

/// The `title` attribute of a shortcode, in straight or curly quotes (WordPress curls the
/// quotes of a shortcode it does not run: `title=&#8221;Persyaratan&#8221;`).
fn shortcode_title(inner: &str) -> Option<&str> {
    let at = inner.find("title=")? + "title=".len();
    let value = &inner[at..];
    let quote = SHORTCODE_QUOTES.into_iter().find(|q| value.starts_with(q))?;
    let value = &value[quote.len()..];
    let end = SHORTCODE_QUOTES.into_iter().filter_map(|q| value.find(q)).min()?;
    Some(value[..end].trim()).filter(|t| !t.is_empty())
}

/// The quotes a shortcode's attribute may stand in, straight, curled or as entities.
const SHORTCODE_QUOTES: [&str; 8] = ["&#8221;", "&#8243;", "&#8220;", "&quot;", "\"", "'", "”", "“"];

/// A post title as HTML text.
fn escape(title: &str) -> String {
    title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const STANDARD: &str = "&lt;p&gt;&lt;b&gt;Persyaratan&lt;/b&gt;&lt;/p&gt;&lt;ol&gt;&lt;li&gt;Fotokopi KTP&lt;/li&gt;&lt;/ol&gt;\
        &lt;p&gt;Biaya&amp;nbsp;: Gratis&lt;/p&gt;";

    #[test]
    fn an_atom_backup_is_read_as_its_published_posts() {
        let atom = format!(
            "<?xml version='1.0' encoding='UTF-8'?><feed xmlns='http://www.w3.org/2005/Atom' \
             xmlns:app='http://purl.org/atom/app#' xmlns:thr='http://purl.org/syndication/thread/1.0'>\
             <title>Blog Dinas</title>\
             <entry><category scheme='http://schemas.google.com/g/2005#kind' \
             term='http://schemas.google.com/blogger/2008/kind#settings'/><title>BLOG_NAME</title>\
             <content type='text'>Blog Dinas</content></entry>\n\
             <entry><category scheme='http://schemas.google.com/g/2005#kind' \
             term='http://schemas.google.com/blogger/2008/kind#post'/><title type='text'>Standar Pelayanan Izin Usaha</title>\
             <content type='html'>{STANDARD}</content></entry>\n\
             <entry><app:control><app:draft>yes</app:draft></app:control><title>Draf lama</title>\
             <content type='html'>&lt;p&gt;Biaya: Rp 50.000&lt;/p&gt;</content></entry>\
             <entry><thr:in-reply-to ref='x'/><title>komentar</title><content type='html'>mantap min</content></entry>\
             </feed>"
        );
        let split = split(&atom).unwrap();
        let lines: Vec<&str> = split.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            [
                "Standar Pelayanan Izin Usaha",
                "Persyaratan",
                "Fotokopi KTP",
                "Biaya : Gratis"
            ],
            "{}",
            split.text
        );
        assert!(
            split.source_lines.iter().all(|&l| l == 1 || l == 2),
            "{:?}",
            split.source_lines
        );
        assert!(!split.text.contains("50.000") && !split.text.contains("mantap"));
    }

    #[test]
    fn a_wordpress_export_keeps_published_posts_and_pages() {
        let wxr = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
            xmlns:wp=\"http://wordpress.org/export/1.2/\">\n<channel><title>Dinas</title>\n\
            <item><title>Standar Pelayanan KIR</title><description></description>\n\
            <content:encoded><![CDATA[<h2>Persyaratan</h2><p>STNK asli</p>]]></content:encoded>\n\
            <wp:status>publish</wp:status><wp:post_type>page</wp:post_type>\n\
            <wp:comment><wp:comment_content><![CDATA[kapan buka?]]></wp:comment_content></wp:comment></item>\n\
            <item><title>logo.png</title><content:encoded><![CDATA[]]></content:encoded>\
            <wp:status>inherit</wp:status><wp:post_type>attachment</wp:post_type></item>\n\
            <item><title>Tarif baru</title><content:encoded><![CDATA[<p>Rp 1</p>]]></content:encoded>\
            <wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>\n\
            </channel></rss>";
        let split = split(wxr).unwrap();
        let lines: Vec<&str> = split.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(
            lines,
            ["Standar Pelayanan KIR", "Persyaratan", "STNK asli"],
            "{}",
            split.text
        );
        assert!(
            split.source_lines.iter().all(|l| (3..=5).contains(l)),
            "{:?}",
            split.source_lines
        );
    }

    #[test]
    fn a_rest_api_response_keeps_published_pages() {
        let json = r#"[{"id":2,"status":"publish","type":"page","title":{"rendered":"Uji KIR &#8211; Dishub"},
            "content":{"rendered":"<h2>Persyaratan<\/h2>\n<p>STNK asli<\/p>","protected":false}},
            {"id":3,"status":"draft","type":"page","title":{"rendered":"Tarif baru"},"content":{"rendered":"<p>Rp 1<\/p>"}},
            {"id":4,"status":"publish","type":"attachment","title":{"rendered":"logo"},"content":{"rendered":"<p>logo<\/p>"}}]"#;
        let page = split(json).unwrap();
        let lines: Vec<&str> = page.text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        assert_eq!(lines, ["Uji KIR – Dishub", "Persyaratan", "STNK asli"], "{}", page.text);
        // JSON that holds no rendered content is left to the other readers.
        assert!(split(r#"[{"nama_layanan":"KIR","persyaratan":"STNK"}]"#).is_none());
    }

    #[test]
    fn a_shortcode_left_as_typed_shows_its_title_and_brackets_that_close_nothing_stay() {
        let content = "<p>[su_accordion]<br />[su_spoiler title=&#8221;Persyaratan&#8221; open=&#8221;yes&#8221;]</p>\
            <ol><li>STNK [1]</li></ol><p>[/su_spoiler]<br />[su_spoiler title=\"Biaya\"]Gratis[/su_spoiler][/su_accordion]</p>";
        assert_eq!(
            shortcodes_read(content),
            "<p><br /><p>Persyaratan</p></p><ol><li>STNK [1]</li></ol><p><br /><p>Biaya</p>Gratis</p>"
        );
        assert_eq!(
            shortcodes_read("<p>Lampiran [1] dan [2]</p>"),
            "<p>Lampiran [1] dan [2]</p>"
        );
    }

    #[test]
    fn a_post_that_opens_as_an_archive_is_not_read() {
        assert!(archived(
            "<p><strong>ARSIP &#8211; halaman ini berdasarkan Keputusan 2021 dan sudah tidak berlaku.</strong></p><p>Persyaratan : STNK</p>"
        ));
        assert!(!archived(
            "<p>Arsip Statis: layanan penyimpanan arsip</p><p>Persyaratan : surat</p>"
        ));
        assert!(!archived("<p>Persyaratan : KTP</p>"));
        assert!(archived(
            "<p>Informasi ini sudah tidak berlaku.</p><p>Persyaratan : KTP</p>"
        ));
        // A new standard that says the old one is no longer in force is read.
        assert!(!archived(
            "<p>Standar pelayanan lama sudah tidak berlaku lagi, berikut standar terbaru.</p><p>Persyaratan : KTP</p>"
        ));
    }

    #[test]
    fn other_xml_and_broken_feeds_are_not_feeds() {
        assert!(split("<katalog><layanan/></katalog>").is_none());
        assert!(split("<feed><entry><title>x</title>").is_none());
        assert!(split("<rss><channel></channel></rss>").is_none());
        assert!(split("teks biasa").is_none());
    }
}
