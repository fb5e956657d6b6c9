//! Sanitized HTML for the webview.
//!
//! Everything from the service is untrusted. The renderer escapes all text itself and only
//! ever emits a handful of tags, then runs the result through `ammonia` with an allow-list of
//! exactly those tags, classes and attributes — so a mistake here (or a future edit) still
//! cannot smuggle a script, an event handler or a `javascript:` URL into the page.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use super::Node;

/// CSS class on every hashtag `<span>` (with `data-hashtag-id` when known).
pub const HASHTAG_CLASS: &str = "zsxq-hashtag";
/// CSS class on every mention `<span>` (with `data-user-id` when known).
pub const MENTION_CLASS: &str = "zsxq-mention";
/// CSS classes on every link; `external` tells the UI to open it in the system browser.
pub const LINK_CLASSES: &str = "zsxq-link external";

const LINK_REL: &str = "noopener noreferrer nofollow";

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from(["p", "br", "strong", "em", "a", "span"]))
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "target"])),
            ("span", HashSet::from(["data-hashtag-id", "data-user-id"])),
        ]))
        .allowed_classes(HashMap::from([
            ("a", HashSet::from(["zsxq-link", "external"])),
            ("span", HashSet::from([HASHTAG_CLASS, MENTION_CLASS])),
        ]))
        .set_tag_attribute_value("a", "target", "_blank")
        .link_rel(Some(LINK_REL))
        .url_schemes(HashSet::from(["http", "https"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .strip_comments(true);
    builder
});

/// Renders nodes as sanitized HTML: paragraphs (`<p>`) at blank lines, `<br>` at single
/// newlines, `<strong>`/`<em>` for bold and italic, hashtags and mentions as classed `<span>`s
/// with data attributes, and links as external `<a>`s with `rel="noopener noreferrer nofollow"`
/// and `target="_blank"`. Only `http`/`https` links are kept as links; any other `href`
/// (`javascript:`, `data:`, relative…) is dropped and its title shown as text.
pub fn to_html(nodes: &[Node]) -> String {
    let mut html = Html::default();
    for node in nodes {
        match node {
            Node::Text(text) => html.text(text),
            Node::Hashtag { id, name } => {
                let data = id
                    .map(|id| format!(r#" data-hashtag-id="{id}""#))
                    .unwrap_or_default();
                html.inline(&format!(
                    r#"<span class="{HASHTAG_CLASS}"{data}>#{}#</span>"#,
                    escape(name)
                ));
            }
            Node::Mention { id, name } => {
                let data = id
                    .map(|id| format!(r#" data-user-id="{id}""#))
                    .unwrap_or_default();
                html.inline(&format!(
                    r#"<span class="{MENTION_CLASS}"{data}>@{}</span>"#,
                    escape(name)
                ));
            }
            Node::Link { href, title } => {
                let shown = escape(&node.visible_text());
                if is_web_url(href) {
                    html.inline(&format!(
                        r#"<a href="{}" class="{LINK_CLASSES}" target="_blank" rel="{LINK_REL}">{shown}</a>"#,
                        escape(href.trim())
                    ));
                } else if title.is_empty() {
                    // Showing the refused URL itself as text would only invite copy-paste.
                } else {
                    html.inline(&shown);
                }
            }
            Node::Bold(text) => html.wrapped("strong", text),
            Node::Italic(text) => html.wrapped("em", text),
            Node::Unknown { .. } => html.text(&node.visible_text()),
        }
    }
    SANITIZER.clean(&html.finish()).to_string()
}

/// The article allow-list: structure and emphasis only. Images are dropped because article
/// images are not archived (a remote URL would neither load offline nor pass the app's CSP).
static ARTICLE_SANITIZER: LazyLock<ammonia::Builder<'static>> =
    LazyLock::new(|| article_allow_list(&[]));

/// Documents the member imported (a Markdown note, a saved page): the article allow-list, and
/// `<mark>` for their highlights.
static DOCUMENT_SANITIZER: LazyLock<ammonia::Builder<'static>> =
    LazyLock::new(|| article_allow_list(&["mark"]));

fn article_allow_list(extra: &[&'static str]) -> ammonia::Builder<'static> {
    let mut tags = HashSet::from([
        "p",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "s",
        "blockquote",
        "pre",
        "code",
        "ul",
        "ol",
        "li",
        "hr",
        "a",
        "span",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sub",
        "sup",
    ]);
    tags.extend(extra);
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(HashSet::from([
            "script", "style", "template", "svg", "math",
        ]))
        .tag_attributes(HashMap::from([("a", HashSet::from(["href", "target"]))]))
        .allowed_classes(HashMap::from([(
            "a",
            HashSet::from(["zsxq-link", "external"]),
        )]))
        .set_tag_attribute_value("a", "target", "_blank")
        .set_tag_attribute_value("a", "class", LINK_CLASSES)
        .link_rel(Some(LINK_REL))
        .url_schemes(HashSet::from(["http", "https"]))
        .url_relative(ammonia::UrlRelative::Deny)
        .strip_comments(true);
    builder
}

/// Sanitizes an article body fetched from the service for the reader: headings, paragraphs,
/// lists, quotes, code and tables stay; scripts, styles, event handlers, images, frames and
/// every attribute but a link's web `href` go. Links open outside the app like [`to_html`]'s.
pub fn sanitize_article(html: &str) -> String {
    ARTICLE_SANITIZER.clean(html).to_string()
}

/// Sanitizes a document imported from outside the circles like [`sanitize_article`], keeping
/// `<mark>` (its highlights).
pub fn sanitize_document(html: &str) -> String {
    DOCUMENT_SANITIZER.clean(html).to_string()
}

/// Whether `href` is an `http` or `https` URL (any case, surrounding whitespace ignored): the
/// only links the app renders or opens.
pub fn is_web_url(href: &str) -> bool {
    let href = href.trim();
    ["http://", "https://"].iter().any(|scheme| {
        href.get(..scheme.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(scheme))
    })
}

/// Escapes text for use in element content and double-quoted attributes (a carriage return is
/// dropped, as in plain text).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[derive(Default)]
struct Html {
    out: String,
    /// Whether a `<p>` is open.
    in_paragraph: bool,
    pending_newlines: usize,
}

impl Html {
    /// Writes pending line breaks and makes sure a paragraph is open.
    fn open(&mut self) {
        if self.pending_newlines > 0 && self.in_paragraph {
            if self.pending_newlines == 1 {
                self.out.push_str("<br>");
            } else {
                self.out.push_str("</p>");
                self.in_paragraph = false;
            }
        }
        self.pending_newlines = 0;
        if !self.in_paragraph {
            self.out.push_str("<p>");
            self.in_paragraph = true;
        }
    }

    fn inline(&mut self, markup: &str) {
        if markup.is_empty() {
            return;
        }
        self.open();
        self.out.push_str(markup);
    }

    fn text(&mut self, text: &str) {
        for (index, line) in text.split('\n').enumerate() {
            if index > 0 {
                self.pending_newlines += 1;
            }
            // Blank and whitespace-only stretches at the start of a paragraph would render as
            // nothing anyway; skipping them avoids empty paragraphs.
            if !line.is_empty() && (self.in_paragraph || !line.trim().is_empty()) {
                self.inline(&escape(line));
            }
        }
    }

    fn wrapped(&mut self, tag: &str, text: &str) {
        let lines: Vec<String> = text.split('\n').map(escape).collect();
        if lines.iter().all(|line| line.trim().is_empty()) {
            return;
        }
        self.inline(&format!("<{tag}>{}</{tag}>", lines.join("<br>")));
    }

    fn finish(mut self) -> String {
        if self.in_paragraph {
            self.out.push_str("</p>");
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rich_text::parse;

    #[test]
    fn renders_a_real_topic_excerpt() {
        let source = concat!(
            r#"<e type="text_bold" title="%E7%8B%AC%E7%AB%8B%E4%BC%9A%E5%91%98%E6%97%A5" />"#,
            "\n\n各位，大家好！\n想进群的 & <加微信>：",
            r#"<e type="web" href="https%3A%2F%2Ft.zsxq.com%2FYouIw" title="%E2%9C%85%20%E5%BF%AB%E9%97%AA%E9%A1%B9%E7%9B%AE%E6%B1%87%E6%80%BB" />"#,
            "\n\n",
            r#"<e type="hashtag" hid="51521485524884" title="%23%E7%8B%AC%E7%AB%8B%E6%97%A5%23" />"#,
            r#"<e type="mention" uid="241858242255511" title="%40%E5%B0%8F%E5%82%85%E5%93%A5" />"#,
            r#"<e type="text_italic" title="%E6%96%9C" />"#,
        );
        insta::assert_snapshot!(to_html(&parse(source)), @r#"<p><strong>独立会员日</strong></p><p>各位，大家好！<br>想进群的 &amp; &lt;加微信&gt;：<a href="https://t.zsxq.com/YouIw" class="zsxq-link external" target="_blank" rel="noopener noreferrer nofollow">✅ 快闪项目汇总</a></p><p><span class="zsxq-hashtag" data-hashtag-id="51521485524884">#独立日#</span><span class="zsxq-mention" data-user-id="241858242255511">@小傅哥</span><em>斜</em></p>"#);
    }

    #[test]
    fn articles_keep_structure_and_lose_everything_active() {
        let dirty = concat!(
            r#"<h2 onclick="x()">标题</h2><p style="position:fixed">正文<script>window.__x=1</script></p>"#,
            r#"<img src="https://img.example/a.png" onerror="window.__x=1"><svg onload="window.__x=1"><text>s</text></svg>"#,
            r#"<a href="javascript:window.__x=1">坏链接</a><a href="https://example.com/ok">好链接</a>"#,
            r#"<style>body{display:none}</style><iframe src="https://evil.example"></iframe><ul><li>一</li></ul>"#,
        );
        // ammonia writes the attributes it sets in no fixed order: check pieces, not one string.
        let clean = sanitize_article(dirty);
        for kept in [
            "<h2>标题</h2>",
            "<p>正文</p>",
            "<ul><li>一</li></ul>",
            "好链接</a>",
            "坏链接</a>",
        ] {
            assert!(clean.contains(kept), "{kept} lost: {clean}");
        }
        assert_eq!(clean.matches("href=").count(), 1, "{clean}");
        assert!(
            clean.contains(r#"href="https://example.com/ok""#),
            "{clean}"
        );
        assert_eq!(
            clean.matches(r#"class="zsxq-link external""#).count(),
            2,
            "{clean}"
        );
        for gone in [
            "script",
            "onclick",
            "onerror",
            "onload",
            "style",
            "<img",
            "<svg",
            "iframe",
            "javascript",
            "__x",
        ] {
            assert!(!clean.contains(gone), "{gone} survived: {clean}");
        }
    }

    #[test]
    fn dangerous_links_lose_their_href() {
        for href in [
            "javascript:alert(1)",
            " JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "/relative/path",
            "//evil.example/x",
            "file:///etc/passwd",
            "zsxq://hashtag/1",
        ] {
            let html = to_html(&[Node::Link {
                href: href.into(),
                title: "点我".into(),
            }]);
            assert_eq!(html, "<p>点我</p>", "{href}");
        }
        assert_eq!(
            to_html(&[Node::Link {
                href: "javascript:alert(1)".into(),
                title: String::new(),
            }]),
            ""
        );
    }

    #[test]
    fn hostile_titles_and_text_are_inert() {
        let nodes = parse(concat!(
            "<script>alert(1)</script>",
            r#"<e type="web" href="https%3A%2F%2Fok.example%2F%22%20onclick%3D%22alert(1)" title="%3Csvg%20onload%3Dalert(1)%3E" />"#,
            r#"<e type="text_bold" title="%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E" />"#,
            r#"<e type="hashtag" hid="1" title="%23%3Ciframe%20src%3Djavascript%3Aalert(1)%3E%23" />"#,
            r#"<e type="mention" uid="1" title="%40%22%20onmouseover%3D%22alert(1)" />"#,
            r#"<e type="vote" title="%3Cstyle%3Ebody%7Bdisplay%3Anone%7D%3C%2Fstyle%3E" />"#,
        ));
        let html = to_html(&nodes);
        insta::assert_snapshot!(html, @r#"<p>&lt;script&gt;alert(1)&lt;/script&gt;<a href="https://ok.example/&quot; onclick=&quot;alert(1)" class="zsxq-link external" target="_blank" rel="noopener noreferrer nofollow">&lt;svg onload=alert(1)&gt;</a><strong>&lt;img src=x onerror=alert(1)&gt;</strong><span class="zsxq-hashtag" data-hashtag-id="1">#&lt;iframe src=javascript:alert(1)&gt;#</span><span class="zsxq-mention" data-user-id="1">@" onmouseover="alert(1)</span>&lt;style&gt;body{display:none}&lt;/style&gt;</p>"#);
        // Payloads survive only as escaped text: no element but the allowed ones appears.
        for needle in ["<script", "<svg", "<img", "<iframe", "<style"] {
            assert!(!html.contains(needle), "{needle} leaked into {html}");
        }
    }

    #[test]
    fn paragraphs_and_breaks() {
        assert_eq!(
            to_html(&[Node::Text("\n\n一\n二\n\n\n三\n".into())]),
            "<p>一<br>二</p><p>三</p>"
        );
        assert_eq!(
            to_html(&[Node::Bold("上\n下".into())]),
            "<p><strong>上<br>下</strong></p>"
        );
        assert_eq!(to_html(&[]), "");
        assert_eq!(to_html(&[Node::Text("  \n ".into())]), "");
    }
}
