//! Markdown documents: plain notes, Obsidian vaults (Orrery's own export among them),
//! Omnivore exports (front matter, `[Read Original](…)`, a `## Highlights` section of quotes
//! with notes, `==marked==` passages in the text) and Readwise exports (`## Metadata` bullets,
//! `## Highlights` bullets with `- Note:` under them). Which it is needs no flag: each reads
//! what it finds.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::front_matter::{self, FrontMatter};
use super::{BodyFormat, Document, Highlight, parse_time, web_url};

/// Headings that open a highlights section (compared lower-cased, without `#`).
const HIGHLIGHT_HEADINGS: [&str; 5] = ["highlights", "高亮", "划线", "标注", "摘录"];

/// Reads a Markdown file's text. `stem` (the file name without extension) is the title when
/// the text has none.
pub fn read(text: &str, stem: &str) -> Document {
    let mut warnings = Vec::new();
    let (meta, body) = match front_matter::split(text) {
        Ok(split) => split,
        Err(why) => {
            warnings.push(format!("front matter ignored: {why}"));
            (FrontMatter::new(), text)
        }
    };
    let (body, highlight_lines) = take_highlights(body);
    let highlights = highlights(&highlight_lines);
    let heading = first_heading(&body);
    let title = field(&meta, &["title"])
        .or_else(|| heading.clone())
        .unwrap_or_else(|| stem.to_owned());
    let body = match heading {
        Some(h) if h == title => drop_first_heading(&body),
        _ => body,
    };
    let url = field(
        &meta,
        &["url", "source_url", "original_url", "link", "source"],
    )
    .filter(|u| web_url(u))
    .or_else(|| body_link(&body));
    let (body, labels) = drop_exporter_lines(&body);
    let author = field(&meta, &["author", "authors", "byline", "creator"])
        .or_else(|| metadata_bullet(&body, "Author"))
        .map(|a| a.trim_matches(['[', ']']).to_owned());
    let saved_ms = field(
        &meta,
        &[
            "date_saved",
            "saved",
            "saved_at",
            "date",
            "created",
            "published",
            "date_published",
        ],
    )
    .and_then(|d| parse_time(&d));
    let mut tags = ["tags", "tag", "keywords"]
        .iter()
        .find_map(|k| meta.get(*k))
        .map(|v| v.items())
        .unwrap_or_default();
    for label in labels {
        if !tags.contains(&label) {
            tags.push(label);
        }
    }
    let mut text = plain_text(&body);
    for h in &highlights {
        text.push_str("\n\n");
        text.push_str(&h.quote);
        if let Some(note) = &h.note {
            text.push('\n');
            text.push_str(note);
        }
    }
    Document {
        title,
        url,
        author,
        saved_ms,
        tags,
        format: BodyFormat::Markdown,
        body: body.trim().to_owned(),
        text: text.trim().to_owned(),
        highlights,
        warnings,
    }
}

fn field(meta: &FrontMatter, keys: &[&str]) -> Option<String> {
    keys.iter()
        .find_map(|k| meta.get(*k).and_then(|v| v.first()))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether `line` opens or closes a fenced code block.
fn is_fence(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("```") || t.starts_with("~~~")
}

/// The lines of `body` outside fenced code, with their byte offsets.
fn outside_code(body: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut fenced = false;
    let mut offset = 0;
    body.split_inclusive('\n').filter_map(move |line| {
        let at = offset;
        offset += line.len();
        if is_fence(line) {
            fenced = !fenced;
            return None;
        }
        (!fenced).then_some((at, line))
    })
}

/// An ATX heading's level and text.
fn heading(line: &str) -> Option<(usize, &str)> {
    let line = line.trim_end();
    let level = line.chars().take_while(|&c| c == '#').count();
    let rest = &line[level..];
    ((1..=6).contains(&level) && (rest.is_empty() || rest.starts_with(' ')))
        .then(|| (level, rest.trim().trim_end_matches('#').trim()))
}

/// The text of the first level-1 heading.
fn first_heading(body: &str) -> Option<String> {
    outside_code(body)
        .find_map(|(_, line)| heading(line).filter(|(level, _)| *level == 1))
        .map(|(_, text)| text.to_owned())
        .filter(|t| !t.is_empty())
}

fn drop_first_heading(body: &str) -> String {
    match outside_code(body).find(|(_, line)| heading(line).is_some_and(|(l, _)| l == 1)) {
        Some((at, line)) => format!("{}{}", &body[..at], &body[at + line.len()..]),
        None => body.to_owned(),
    }
}

/// Cuts the highlights section out of `body`: the rest, and the section's lines.
fn take_highlights(body: &str) -> (String, Vec<String>) {
    let mut start = None;
    for (at, line) in outside_code(body) {
        match (start, heading(line)) {
            (None, Some((level, text)))
                if HIGHLIGHT_HEADINGS.contains(&text.to_lowercase().as_str()) =>
            {
                start = Some((at, at + line.len(), level));
            }
            (Some((from, content, level)), Some((l, _))) if l <= level => {
                let lines = body[content..at].lines().map(str::to_owned).collect();
                return (format!("{}{}", &body[..from], &body[at..]), lines);
            }
            _ => {}
        }
    }
    match start {
        Some((from, content, _)) => (
            body[..from].to_owned(),
            body[content..].lines().map(str::to_owned).collect(),
        ),
        None => (body.to_owned(), Vec::new()),
    }
}

/// The highlights of a section: Omnivore's `> quote` blocks (a paragraph after one is its
/// note) and Readwise's `- quote` bullets (with an indented `- Note:`).
fn highlights(lines: &[String]) -> Vec<Highlight> {
    let mut out: Vec<Highlight> = Vec::new();
    let mut quote = String::new();
    let mut note = String::new();
    let mut in_quote = false;
    let flush = |quote: &mut String, note: &mut String, out: &mut Vec<Highlight>| {
        let text = clean_quote(quote);
        if !text.is_empty() {
            let note = plain_text(note.trim());
            out.push(Highlight {
                quote: text,
                note: (!note.trim().is_empty()).then(|| note.trim().to_owned()),
            });
        }
        quote.clear();
        note.clear();
    };
    for line in lines {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix('>') {
            if !in_quote {
                flush(&mut quote, &mut note, &mut out);
                in_quote = true;
            }
            quote.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            quote.push('\n');
            continue;
        }
        in_quote = false;
        if trimmed.is_empty() {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        match trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
        {
            Some(item) if !indented => {
                flush(&mut quote, &mut note, &mut out);
                quote.push_str(item);
            }
            Some(item) => {
                if let Some(n) = item
                    .strip_prefix("Note:")
                    .or_else(|| item.strip_prefix("**Note:**"))
                    .or_else(|| item.strip_prefix("笔记："))
                {
                    note.push_str(n.trim());
                }
                // Tags, locations: not kept.
            }
            None if !quote.is_empty() => {
                note.push_str(trimmed);
                note.push('\n');
            }
            None => {}
        }
    }
    flush(&mut quote, &mut note, &mut out);
    out
}

/// A highlight without the exporter's back-links: Omnivore's `[⤴️](…)` and `^blockid`,
/// Readwise's `([View Highlight](…))` and `([Location 12](…))`; as plain text.
fn clean_quote(quote: &str) -> String {
    let mut text = quote.trim().to_owned();
    for marker in ["([View Highlight](", "([Location ", "[⤴️]("] {
        while let Some(at) = text.find(marker) {
            let close = text[at..].find(')').map_or(text.len(), |i| at + i + 1);
            let close = if marker.starts_with('(') {
                // The outer parenthesis too.
                text[close..].find(')').map_or(close, |i| close + i + 1)
            } else {
                close
            };
            text.replace_range(at..close, "");
        }
    }
    let mut text = text.trim_end().to_owned();
    if let Some(at) = text.rfind(" ^")
        && text[at + 2..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        text.truncate(at);
    }
    plain_text(&text)
}

/// The body without the lines an exporter adds around the text (Omnivore's `[Read on
/// Omnivore](…)`, `[Read Original](…)`, `date_saved:` and `# Full Content:`), which say what the
/// front matter already says; and a line of `#labels` (Omnivore's), as tags.
fn drop_exporter_lines(body: &str) -> (String, Vec<String>) {
    let mut labels = Vec::new();
    let mut kept = String::with_capacity(body.len());
    let mut last = 0;
    for (at, line) in outside_code(body) {
        let t = line.trim();
        let is_labels = !t.is_empty()
            && t.split_whitespace()
                .all(|w| w.len() > 1 && w.starts_with('#') && !w[1..].contains('#'));
        let boilerplate = t.starts_with("[Read on Omnivore](")
            || t.starts_with("[Read Original](")
            || t.starts_with("date_saved:")
            || heading(t).is_some_and(|(_, h)| h == "Full Content:" || h == "Full Content");
        if is_labels || boilerplate {
            kept.push_str(&body[last..at]);
            last = at + line.len();
            if is_labels {
                labels.extend(t.split_whitespace().map(|w| w[1..].to_owned()));
            }
        }
    }
    kept.push_str(&body[last..]);
    (kept, labels)
}

/// `[Read Original](url)` (Omnivore) or a `- URL:` bullet (Readwise).
fn body_link(body: &str) -> Option<String> {
    for (_, line) in outside_code(body) {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("[Read Original](") {
            let url = rest.trim_end_matches(')');
            if web_url(url) {
                return Some(url.to_owned());
            }
        }
    }
    metadata_bullet(body, "URL").filter(|u| web_url(u))
}

/// A Readwise `## Metadata` bullet: `- Author: [[Name]]`.
fn metadata_bullet(body: &str, key: &str) -> Option<String> {
    let prefix = format!("- {key}:");
    outside_code(body).find_map(|(_, line)| {
        line.trim()
            .strip_prefix(&prefix)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    })
}

/// What a reader sees of Markdown, as plain text: no markup, links as their text, `==` marks
/// dropped, paragraphs apart.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) if !out.is_empty() && !out.ends_with('\n') => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableRow
                | TagEnd::Item,
            ) => {
                let trimmed = out.trim_end_matches('\n').len();
                out.truncate(trimmed);
                out.push_str("\n\n");
            }
            Event::End(TagEnd::TableCell) => out.push('\t'),
            _ => {}
        }
    }
    out.replace("==", "").trim().to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn omnivore_export() {
        let doc = read(
            "---\nid: 1\ndate_saved: 2024-04-14 03:14:50\n---\n\n# 如何评价知识星球？ - 知乎\n#Omnivore\n\n\
             [Read Original](https://www.zhihu.com/question/51524198)\n\n正文 ==划线的句子== 结束。\n\n\
             ## Highlights\n\n> 划线的句子 [⤴️](https://omnivore.app/me/x#abc)  ^b9f80573\n\n\
             我的笔记\n\n> 第一段\n> \n> 第二段 [⤴️](https://omnivore.app/me/x#d)  ^4ef462d7\n",
            "file",
        );
        assert_eq!(doc.title, "如何评价知识星球？ - 知乎");
        assert_eq!(
            doc.url.as_deref(),
            Some("https://www.zhihu.com/question/51524198")
        );
        assert_eq!(doc.saved_ms, Some(1_713_064_490_000));
        assert_eq!(
            doc.highlights,
            [
                Highlight {
                    quote: "划线的句子".into(),
                    note: Some("我的笔记".into())
                },
                Highlight {
                    quote: "第一段\n\n第二段".into(),
                    note: None
                },
            ]
        );
        assert!(!doc.body.contains("Highlights"));
        assert!(!doc.body.starts_with("# "));
        // Omnivore's own lines are gone from the text; its label is a tag.
        assert!(!doc.body.contains("Read Original") && !doc.body.contains("#Omnivore"));
        assert_eq!(doc.tags, ["Omnivore"]);
        assert!(doc.text.contains("正文 划线的句子 结束"));
    }

    #[test]
    fn readwise_export() {
        let doc = read(
            "# Deep Work\n\n## Metadata\n- Author: [[Cal Newport]]\n- URL: https://example.com/dw\n\n\
             ## Highlights\n- Focus is a skill ([View Highlight](https://read.readwise.io/x))\n    - Note: train it\n\
             - Second one ([Location 12](https://readwise.io/to_kindle?x=1))\n",
            "file",
        );
        assert_eq!(doc.title, "Deep Work");
        assert_eq!(doc.author.as_deref(), Some("Cal Newport"));
        assert_eq!(doc.url.as_deref(), Some("https://example.com/dw"));
        assert_eq!(doc.highlights.len(), 2);
        assert_eq!(doc.highlights[0].quote, "Focus is a skill");
        assert_eq!(doc.highlights[0].note.as_deref(), Some("train it"));
        assert_eq!(doc.highlights[1].quote, "Second one");
    }

    #[test]
    fn a_plain_note_is_named_by_its_file() {
        let doc = read(
            "只有正文，没有标题。\n\n```\n# not a heading\n```\n",
            "读书笔记",
        );
        assert_eq!(doc.title, "读书笔记");
        assert!(doc.url.is_none() && doc.highlights.is_empty() && doc.warnings.is_empty());
        assert!(doc.text.contains("# not a heading"));
    }

    #[test]
    fn broken_front_matter_keeps_the_text() {
        let doc = read("---\ntitle: \"open\n\n正文还在。\n", "笔记");
        assert_eq!(doc.warnings.len(), 1);
        assert!(doc.text.contains("正文还在"));
    }

    #[test]
    fn a_highlights_section_ends_at_the_next_heading_of_its_level() {
        let doc = read("# T\n\n## Highlights\n\n> q\n\n## After\n\nkept\n", "f");
        assert_eq!(doc.highlights.len(), 1);
        assert!(doc.body.contains("## After") && doc.body.contains("kept"));
    }
}
