//! The Markdown / Obsidian vault: one note per topic in a folder per circle, its images in
//! the circle's `attachments/` folder beside it.
//!
//! A note starts with YAML front matter (id, title, circle, author, created, kind, tags,
//! digest, the web link; `deleted` when the service deleted it), then the posts (a question
//! and its answer each under a heading), the article, the attached files by name, and the
//! comment thread as a nested list. Text goes through the same Markdown writer as drafts
//! ([`zsxq::rich_text::to_markdown_with`]), which escapes whatever Markdown would take for
//! syntax; a link to another exported topic becomes a wiki-link to its note, a link that is
//! not to the web is left as text. Values in the front matter are JSON strings, which YAML
//! reads as they are, so no title can break out of them. Control characters are dropped.

use std::fmt::Write as _;
use std::path::Path;

use zsxq::TopicId;
use zsxq::rich_text::{LinkAs, Node, is_web_url, to_markdown, to_markdown_with};

use super::doc::{Doc, Picture, Reply};
use super::names::Names;
use super::words::Words;

/// The note of `doc`. `names` resolves links to other exported topics; `image` names where
/// each cached picture was put, relative to the note.
pub fn note(
    doc: &Doc,
    names: &Names,
    words: &Words,
    image: &dyn Fn(&Picture) -> Option<String>,
) -> String {
    let mut out = String::with_capacity(4096);
    front_matter(&mut out, doc);
    let text = |nodes: &[Node]| markdown(nodes, names);
    for part in &doc.parts {
        if let Some(heading) = words.role(part.role) {
            let by = part.author.as_deref().unwrap_or(words.anonymous);
            let _ = writeln!(out, "## {heading} · {}\n", escape(by));
        }
        push_block(&mut out, &text(&part.nodes), "");
        pictures(&mut out, &part.images, words, image, "");
        if !part.files.is_empty() {
            let _ = writeln!(out, "**{}**\n", words.files);
            for (name, size) in &part.files {
                let size = size
                    .map(|s| format!(" ({})", human_size(s)))
                    .unwrap_or_default();
                let _ = writeln!(out, "- {}{size}", escape(name));
            }
            out.push('\n');
        }
    }
    if let Some(article) = &doc.article {
        let _ = writeln!(out, "## {} · {}\n", words.article, escape(&article.title));
        match article.text.as_deref().filter(|t| !t.trim().is_empty()) {
            Some(body) => push_block(&mut out, &to_markdown(&[Node::Text(body.to_owned())]), ""),
            None => {
                let _ = writeln!(out, "_{}_\n", words.article_missing);
            }
        }
        if let Some(url) = &article.url {
            let _ = writeln!(out, "[{}](<{}>)\n", words.web, url.replace(['<', '>'], ""));
        }
    }
    if !doc.comments.is_empty() {
        let _ = writeln!(out, "## {} ({})\n", words.comments, doc.comments.len());
        thread(&mut out, doc, None, 0, names, words, image);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    // A note is also read with `cat` and `grep`: no control character from a post (a terminal
    // escape, a backspace) goes into the file.
    out.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    out
}

fn front_matter(out: &mut String, doc: &Doc) {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned());
    out.push_str("---\n");
    let _ = writeln!(out, "id: {}", quoted(&doc.id.to_string()));
    let _ = writeln!(out, "title: {}", quoted(&doc.title));
    let _ = writeln!(out, "circle: {}", quoted(&doc.circle));
    let _ = writeln!(out, "circle_id: {}", quoted(&doc.group_id.to_string()));
    match &doc.author {
        Some(author) => {
            let _ = writeln!(out, "author: {}", quoted(author));
        }
        None => out.push_str("author: null\n"),
    }
    let _ = writeln!(out, "created: {}", quoted(&doc.created.to_string()));
    if let Some(modified) = doc.modified {
        let _ = writeln!(out, "modified: {}", quoted(&modified.to_string()));
    }
    let _ = writeln!(out, "kind: {}", quoted(doc.kind.as_str()));
    let tags: Vec<String> = doc.hashtags.iter().map(|t| quoted(t)).collect();
    let _ = writeln!(out, "tags: [{}]", tags.join(", "));
    let _ = writeln!(out, "digest: {}", doc.digest);
    let _ = writeln!(out, "url: {}", quoted(&doc.web_url()));
    if doc.deleted_at_ms.is_some() {
        out.push_str("deleted: true\n");
    }
    out.push_str("source: \"zsxq\"\n---\n\n");
}

/// Rich text as Markdown: links to exported topics as wiki-links, non-web links as text.
fn markdown(nodes: &[Node], names: &Names) -> String {
    to_markdown_with(nodes, |href, title| {
        if !is_web_url(href) {
            return LinkAs::Text;
        }
        match linked_topic(href).and_then(|t| names.link(t)) {
            Some(target) => {
                let shown: String = if title.trim().is_empty() { href } else { title }
                    .chars()
                    .filter(|c| !matches!(c, '[' | ']' | '|' | '\n' | '\r'))
                    .collect();
                LinkAs::Raw(format!("[[{target}|{shown}]]"))
            }
            None => LinkAs::Link,
        }
    })
}

/// The topic a ZSXQ web link points at: `…/topic/{id}` or `…?topic_id={id}`.
fn linked_topic(href: &str) -> Option<TopicId> {
    let host_ok = href.contains("zsxq.com/");
    let digits = |s: &str| -> Option<i64> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        s[..end].parse().ok()
    };
    let id = href
        .split_once("/topic/")
        .and_then(|(_, rest)| digits(rest))
        .or_else(|| {
            href.split_once("topic_id=")
                .and_then(|(_, rest)| digits(rest))
        });
    id.filter(|_| host_ok).map(TopicId::new)
}

/// The comments under `parent`, as a list nested by reply.
fn thread(
    out: &mut String,
    doc: &Doc,
    parent: Option<i64>,
    depth: usize,
    names: &Names,
    words: &Words,
    image: &dyn Fn(&Picture) -> Option<String>,
) {
    let indent = "  ".repeat(depth);
    let children = doc.comments.iter().filter(|c| {
        c.parent == parent
            // A reply whose parent is not archived is shown at the top level.
            || (depth == 0 && c.parent.is_some_and(|p| !doc.comments.iter().any(|o| o.id == p)))
    });
    for reply in children {
        let body = markdown(&reply.nodes, names);
        // A hard break after the head, so the text starts on its own line in every renderer.
        let brk = if body.trim().is_empty() { "" } else { "\\" };
        let _ = writeln!(out, "{indent}- {}{brk}", reply_head(reply, words));
        let inner = format!("{indent}  ");
        push_block(out, &body, &inner);
        pictures(out, &reply.images, words, image, &inner);
        if depth < 8 {
            thread(out, doc, Some(reply.id), depth + 1, names, words, image);
        }
    }
}

fn reply_head(reply: &Reply, words: &Words) -> String {
    let mut head = format!("**{}**", escape(&reply.author));
    if let Some(to) = &reply.repliee {
        let _ = write!(head, " → {}", escape(to));
    }
    if let Some(time) = reply.time {
        let time = time.to_string();
        let _ = write!(
            head,
            " · {}",
            time.get(..16).unwrap_or(&time).replace('T', " ")
        );
    }
    if reply.likes > 0 {
        let word = words.likes[usize::from(reply.likes > 1)];
        let _ = write!(head, " · {} {word}", reply.likes);
    }
    head
}

/// A block of Markdown, each line indented by `indent`, then a blank line (none inside a list).
fn push_block(out: &mut String, block: &str, indent: &str) {
    if block.trim().is_empty() {
        return;
    }
    for line in block.lines() {
        if !line.is_empty() {
            out.push_str(indent);
        }
        out.push_str(line);
        out.push('\n');
    }
    if indent.is_empty() {
        out.push('\n');
    }
}

fn pictures(
    out: &mut String,
    pictures: &[Picture],
    words: &Words,
    image: &dyn Fn(&Picture) -> Option<String>,
    indent: &str,
) {
    for picture in pictures {
        match image(picture) {
            Some(path) => {
                let _ = writeln!(out, "{indent}![]({path})");
            }
            None => {
                let _ = writeln!(out, "{indent}_({} {})_", words.image_missing, picture.id);
            }
        }
    }
    if !pictures.is_empty() && indent.is_empty() {
        out.push('\n');
    }
}

/// Plain text (a name, a title) as Markdown that shows it as it is.
fn escape(text: &str) -> String {
    to_markdown(&[Node::Text(text.replace(['\n', '\r'], " "))])
}

/// `1.2 MB`, `340 KB`.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{} KB", b >> 10),
        b => format!("{b} B"),
    }
}

/// Where a circle's images go, beside its notes.
pub const ATTACHMENTS: &str = "attachments";

/// The path of an image in the vault, relative to the circle's folder.
pub fn attachment(id: zsxq::ImageId, extension: &str) -> String {
    format!("{ATTACHMENTS}/{id}.{extension}")
}

/// The note's path in the vault.
pub fn note_path(root: &Path, names: &Names, doc: &Doc) -> Option<std::path::PathBuf> {
    let note = names.note(doc.id)?;
    Some(
        root.join(names.folder(doc.group_id))
            .join(format!("{note}.md")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_links_to_topics_are_recognised() {
        let id = |h| linked_topic(h).map(|t| t.get());
        assert_eq!(id("https://wx.zsxq.com/group/88/topic/12345"), Some(12345));
        assert_eq!(
            id(
                "https://wx.zsxq.com/mweb/views/topicdetail/topicdetail.html?topic_id=777&group_id=1"
            ),
            Some(777)
        );
        assert_eq!(id("https://example.com/topic/1"), None);
        assert_eq!(id("https://wx.zsxq.com/group/88"), None);
    }
}
