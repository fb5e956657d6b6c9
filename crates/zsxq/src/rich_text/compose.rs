//! Markdown in, ZSXQ markup out: what the owner studio publishes.
//!
//! ZSXQ text is flat — no nesting, no lists, no headings — so the mapping is lossy by nature:
//! headings become bold lines, list items become `- ` / `1. ` lines, code becomes plain text.
//! What does map is kept exact: `**bold**`/`<strong>`, `*italic*`/`<em>`, `[links](url)`,
//! `#hashtag#` and `@mention` become entities, and [`super::to_markdown`]'s output composes
//! back into the nodes it was rendered from.
//!
//! Hashtags and mentions are recognised in unescaped text only (`\#` stays a `#`). A mention
//! needs a known user (there is no way to tell where a name ends otherwise); a hashtag with no
//! known id is still written as an entity, without `hid`.

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Node, to_zsxq};
use crate::id::{HashtagId, UserId};

/// Hashtag names are short; a longer `#…#` is more likely two stray `#`s.
const MAX_HASHTAG_CHARS: usize = 64;

/// Turns Markdown into ZSXQ rich text, resolving hashtags and mentions against what it was
/// told about the group.
///
/// ```
/// use zsxq::{HashtagId, UserId};
/// use zsxq::rich_text::Composer;
///
/// let composer = Composer::new()
///     .with_hashtag("复盘", HashtagId::new(28844882581111))
///     .with_user("深圳大冲", UserId::new(582884445452854));
/// let text = composer.compose("**周报** #复盘# 感谢 @深圳大冲");
/// assert_eq!(
///     text,
///     concat!(
///         r#"<e type="text_bold" title="%E5%91%A8%E6%8A%A5" /> "#,
///         r#"<e type="hashtag" hid="28844882581111" title="%23%E5%A4%8D%E7%9B%98%23" /> 感谢 "#,
///         r#"<e type="mention" uid="582884445452854" title="%40%E6%B7%B1%E5%9C%B3%E5%A4%A7%E5%86%B2" />"#,
///     )
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct Composer {
    hashtags: HashMap<String, HashtagId>,
    /// Sorted longest name first, so that `@张三丰` is not taken for `@张三`.
    users: Vec<(Vec<char>, String, UserId)>,
}

/// Composes Markdown with no known hashtags or users: hashtags become entities without ids and
/// `@names` stay text.
pub fn compose_markdown(markdown: &str) -> String {
    Composer::new().compose(markdown)
}

impl Composer {
    /// A composer that knows no hashtags or users.
    pub fn new() -> Self {
        Self::default()
    }

    /// Teaches it a hashtag of the group (`name` with or without the `#` markers).
    #[must_use]
    pub fn with_hashtag(mut self, name: &str, id: HashtagId) -> Self {
        let name = name.strip_prefix('#').unwrap_or(name);
        let name = name.strip_suffix('#').unwrap_or(name);
        self.hashtags.insert(name.to_owned(), id);
        self
    }

    /// Teaches it a user who may be mentioned as `@name`.
    #[must_use]
    pub fn with_user(mut self, name: &str, id: UserId) -> Self {
        let name = name.strip_prefix('@').unwrap_or(name);
        if !name.is_empty() {
            self.users.retain(|(_, existing, _)| existing != name);
            self.users
                .push((name.chars().collect(), name.to_owned(), id));
            self.users
                .sort_by(|(a, ..), (b, ..)| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        }
        self
    }

    /// Markdown to ZSXQ markup, ready for a `text` field.
    pub fn compose(&self, markdown: &str) -> String {
        to_zsxq(&self.to_nodes(markdown))
    }

    /// Markdown to nodes (for previews, or to collect [`super::mentioned_users`]).
    pub fn to_nodes(&self, markdown: &str) -> Vec<Node> {
        let mut state = State {
            composer: self,
            source: markdown,
            nodes: Vec::new(),
            plain: Vec::new(),
            styled: String::new(),
            styled_as: None,
            link: None,
            strong: 0,
            emphasis: 0,
            separator: None,
            lists: Vec::new(),
            in_code_block: false,
        };
        for (event, range) in Parser::new_ext(markdown, Options::empty()).into_offset_iter() {
            state.event(event, range);
        }
        state.finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Bold,
    Italic,
}

struct State<'c, 's> {
    composer: &'c Composer,
    source: &'s str,
    nodes: Vec<Node>,
    /// Unstyled text not yet scanned for hashtags and mentions, each character flagged with
    /// whether it was escaped (and is therefore literal).
    plain: Vec<(char, bool)>,
    /// Text inside bold or italic, not yet emitted.
    styled: String,
    styled_as: Option<Style>,
    /// Destination and text of the link being read.
    link: Option<(String, String)>,
    strong: usize,
    emphasis: usize,
    /// Newlines owed before the next content (block boundaries).
    separator: Option<&'static str>,
    /// Open lists: the next number of an ordered list, `None` for bullets.
    lists: Vec<Option<u64>>,
    /// Code is shown as typed: no hashtags, mentions or escapes inside.
    in_code_block: bool,
}

impl State<'_, '_> {
    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) if self.in_code_block => self.push_literal(&text),
            Event::Text(text) => {
                let chars = escape_flags(self.source, range, &text);
                self.push_chars(chars);
            }
            Event::Code(code) => self.push_literal(&code),
            Event::SoftBreak | Event::HardBreak => self.push_literal("\n"),
            Event::InlineHtml(html) => self.inline_html(&html),
            Event::Html(html) => self.push_literal(&html),
            Event::Rule => {
                self.push_literal("———");
                self.block_end("\n\n");
            }
            // Extensions we do not enable (footnotes, math, task lists…).
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { .. } | Tag::Strong => {
                self.flush_styled();
                self.strong += 1;
            }
            Tag::Emphasis => {
                self.flush_styled();
                self.emphasis += 1;
            }
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.flush_inline();
                self.link = Some((dest_url.into_string(), String::new()));
            }
            Tag::List(first) => {
                // A nested list starts on its own line, inside the item that holds it.
                if self.lists.is_empty() {
                    self.flush_inline();
                } else {
                    self.block_end("\n");
                }
                self.lists.push(first);
            }
            Tag::CodeBlock(_) => {
                self.flush_inline();
                self.in_code_block = true;
            }
            Tag::Item => {
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(next)) => {
                        let marker = format!("{next}. ");
                        *next += 1;
                        marker
                    }
                    _ => "- ".to_owned(),
                };
                self.push_literal(&format!("{}{marker}", "  ".repeat(depth)));
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                self.flush_styled();
                self.strong = self.strong.saturating_sub(1);
                self.block_end("\n\n");
            }
            TagEnd::Strong => {
                self.flush_styled();
                self.strong = self.strong.saturating_sub(1);
            }
            TagEnd::Emphasis => {
                self.flush_styled();
                self.emphasis = self.emphasis.saturating_sub(1);
            }
            TagEnd::Link | TagEnd::Image => {
                if let Some((href, title)) = self.link.take() {
                    if href.trim().is_empty() {
                        self.push_literal(&title);
                    } else {
                        self.ensure_separator();
                        self.flush_plain();
                        self.push_node(Node::Link { href, title });
                    }
                }
            }
            TagEnd::Paragraph => self.block_end(if self.lists.is_empty() { "\n\n" } else { "\n" }),
            TagEnd::Item => self.block_end("\n"),
            TagEnd::List(_) => {
                self.lists.pop();
                self.block_end(if self.lists.is_empty() { "\n\n" } else { "\n" });
            }
            TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                self.in_code_block = false;
                // Block content ends with its own newline; the separator supplies the break.
                while self.plain.last().is_some_and(|&(c, _)| c == '\n') {
                    self.plain.pop();
                }
                self.block_end("\n\n");
            }
            TagEnd::BlockQuote(_) => self.block_end("\n\n"),
            _ => {}
        }
    }

    /// `<strong>`, `<em>` and `<br>` are what [`super::to_markdown`] writes where Markdown syntax
    /// would not work; any other inline HTML is the author's literal text.
    fn inline_html(&mut self, html: &str) {
        let tag: String = html
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        match tag.as_str() {
            "<strong>" | "<b>" => {
                self.flush_styled();
                self.strong += 1;
            }
            "</strong>" | "</b>" => {
                self.flush_styled();
                self.strong = self.strong.saturating_sub(1);
            }
            "<em>" | "<i>" => {
                self.flush_styled();
                self.emphasis += 1;
            }
            "</em>" | "</i>" => {
                self.flush_styled();
                self.emphasis = self.emphasis.saturating_sub(1);
            }
            "<br>" | "<br/>" => self.push_literal("\n"),
            _ => self.push_literal(html),
        }
    }

    fn current_style(&self) -> Option<Style> {
        if self.strong > 0 {
            Some(Style::Bold)
        } else if self.emphasis > 0 {
            Some(Style::Italic)
        } else {
            None
        }
    }

    fn push_literal(&mut self, text: &str) {
        self.push_chars(text.chars().map(|c| (c, true)).collect());
    }

    fn push_chars(&mut self, chars: Vec<(char, bool)>) {
        if chars.is_empty() {
            return;
        }
        if let Some((_, title)) = &mut self.link {
            title.extend(chars.iter().map(|&(c, _)| if c == '\n' { ' ' } else { c }));
            return;
        }
        self.ensure_separator();
        match self.current_style() {
            Some(style) => {
                if self.styled_as != Some(style) {
                    self.flush_styled();
                    self.styled_as = Some(style);
                }
                self.flush_plain();
                self.styled.extend(chars.iter().map(|&(c, _)| c));
            }
            None => {
                self.flush_styled();
                self.plain.extend(chars);
            }
        }
    }

    /// Writes the owed block separator, unless nothing has been written yet.
    fn ensure_separator(&mut self) {
        if let Some(separator) = self.separator.take()
            && (!self.nodes.is_empty() || !self.plain.is_empty() || !self.styled.is_empty())
        {
            self.flush_styled();
            self.plain.extend(separator.chars().map(|c| (c, true)));
        }
    }

    fn block_end(&mut self, separator: &'static str) {
        self.flush_inline();
        // A paragraph break wins over a line break.
        if self
            .separator
            .is_none_or(|owed| owed.len() < separator.len())
        {
            self.separator = Some(separator);
        }
    }

    fn flush_inline(&mut self) {
        self.flush_styled();
        self.flush_plain();
    }

    fn flush_styled(&mut self) {
        if self.styled.is_empty() {
            self.styled_as = None;
            return;
        }
        let text = std::mem::take(&mut self.styled);
        let node = match self.styled_as.take() {
            Some(Style::Italic) => Node::Italic(text),
            Some(Style::Bold) | None => Node::Bold(text),
        };
        self.push_node(node);
    }

    /// Scans the unstyled text for `#hashtag#` and `@mention` and emits the nodes.
    fn flush_plain(&mut self) {
        let chars = std::mem::take(&mut self.plain);
        let mut text = String::new();
        let mut i = 0;
        while let Some(&(c, escaped)) = chars.get(i) {
            if !escaped
                && c == '#'
                && let Some(end) = hashtag_end(&chars, i)
            {
                let name: String = chars[i + 1..end].iter().map(|&(c, _)| c).collect();
                self.push_text(std::mem::take(&mut text));
                let id = self.composer.hashtags.get(&name).copied();
                self.push_node(Node::Hashtag { id, name });
                i = end + 1;
                continue;
            }
            if !escaped
                && c == '@'
                && let Some((len, name, id)) = self.match_user(&chars[i + 1..])
            {
                self.push_text(std::mem::take(&mut text));
                self.push_node(Node::Mention { id: Some(id), name });
                i += 1 + len;
                continue;
            }
            text.push(c);
            i += 1;
        }
        self.push_text(text);
    }

    fn match_user(&self, rest: &[(char, bool)]) -> Option<(usize, String, UserId)> {
        self.composer.users.iter().find_map(|(chars, name, id)| {
            let matches = rest.len() >= chars.len()
                && rest
                    .iter()
                    .zip(chars)
                    .all(|(&(c, _), &expected)| c == expected);
            matches.then(|| (chars.len(), name.clone(), *id))
        })
    }

    fn push_text(&mut self, text: String) {
        if !text.is_empty() {
            self.push_node(Node::Text(text));
        }
    }

    fn push_node(&mut self, node: Node) {
        if let (Node::Text(more), Some(Node::Text(last))) = (&node, self.nodes.last_mut()) {
            last.push_str(more);
            return;
        }
        self.nodes.push(node);
    }

    fn finish(mut self) -> Vec<Node> {
        self.flush_inline();
        if let Some((href, title)) = self.link.take() {
            self.push_node(Node::Link { href, title });
        }
        self.nodes
    }
}

/// Where the hashtag starting at `start` (an unescaped `#`) ends: the index of its closing `#`.
/// The name must be non-empty, on one line, and neither start nor end with whitespace — so that
/// `C# and F#` is not a hashtag.
fn hashtag_end(chars: &[(char, bool)], start: usize) -> Option<usize> {
    let mut index = start + 1;
    while let Some(&(c, escaped)) = chars.get(index) {
        if c == '\n' || index - start > MAX_HASHTAG_CHARS + 1 {
            return None;
        }
        if c == '#' && !escaped {
            let name = chars.get(start + 1..index)?;
            let (first, last) = (name.first()?.0, name.last()?.0);
            return (!first.is_whitespace() && !last.is_whitespace()).then_some(index);
        }
        index += 1;
    }
    None
}

/// The characters of a text event, each flagged with whether the author escaped it.
///
/// pulldown-cmark resolves backslash escapes before handing out text, so the flags are
/// recovered from the source: either the event's source range still contains the escapes, or
/// the range starts just after an (odd run of) backslash. If neither explains the text
/// (entity references, say), every character is treated as literal — the safe reading.
fn escape_flags(source: &str, range: Range<usize>, text: &str) -> Vec<(char, bool)> {
    let raw = source.get(range.clone()).unwrap_or_default();
    if raw == text {
        let backslashes = source
            .get(..range.start)
            .unwrap_or_default()
            .bytes()
            .rev()
            .take_while(|&b| b == b'\\')
            .count();
        let first_escaped = backslashes % 2 == 1;
        return text
            .chars()
            .enumerate()
            .map(|(index, c)| (c, index == 0 && first_escaped && c.is_ascii_punctuation()))
            .collect();
    }
    let mut flags = Vec::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(&next) if c == '\\' && next.is_ascii_punctuation() => {
                flags.push((next, true));
                chars.next();
            }
            _ => flags.push((c, false)),
        }
    }
    if flags.iter().map(|&(c, _)| c).eq(text.chars()) {
        flags
    } else {
        text.chars().map(|c| (c, true)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rich_text::parse;

    fn composer() -> Composer {
        Composer::new()
            .with_hashtag("#复盘#", HashtagId::new(28_844_882_581_111))
            .with_hashtag("AI 写作", HashtagId::new(48_822_824_142_518))
            .with_user("@深圳大冲", UserId::new(582_884_445_452_854))
            .with_user("深圳大冲二号", UserId::new(7))
    }

    #[test]
    fn composes_bold_italic_links_hashtags_and_mentions() {
        let nodes = composer().to_nodes(
            "**独立日**\n\n今天 *很* 开心，见[汇总](https://t.zsxq.com/YouIw)。#复盘# #AI 写作# #新标签# @深圳大冲 @深圳大冲二号 @路人",
        );
        assert_eq!(
            nodes,
            vec![
                Node::Bold("独立日".into()),
                Node::Text("\n\n今天 ".into()),
                Node::Italic("很".into()),
                Node::Text(" 开心，见".into()),
                Node::Link {
                    href: "https://t.zsxq.com/YouIw".into(),
                    title: "汇总".into()
                },
                Node::Text("。".into()),
                Node::Hashtag {
                    id: Some(HashtagId::new(28_844_882_581_111)),
                    name: "复盘".into()
                },
                Node::Text(" ".into()),
                Node::Hashtag {
                    id: Some(HashtagId::new(48_822_824_142_518)),
                    name: "AI 写作".into()
                },
                Node::Text(" ".into()),
                Node::Hashtag {
                    id: None,
                    name: "新标签".into()
                },
                Node::Text(" ".into()),
                Node::Mention {
                    id: Some(UserId::new(582_884_445_452_854)),
                    name: "深圳大冲".into()
                },
                Node::Text(" ".into()),
                Node::Mention {
                    id: Some(UserId::new(7)),
                    name: "深圳大冲二号".into()
                },
                Node::Text(" @路人".into()),
            ]
        );
    }

    #[test]
    fn escaped_markers_and_code_stay_literal() {
        let nodes = composer().to_nodes(r"\#复盘# C# and F# `#复盘#` \@深圳大冲 a\\#复盘#");
        assert_eq!(
            nodes,
            vec![
                Node::Text(r"#复盘# C# and F# #复盘# @深圳大冲 a\".into()),
                Node::Hashtag {
                    id: Some(HashtagId::new(28_844_882_581_111)),
                    name: "复盘".into()
                },
            ]
        );
    }

    #[test]
    fn block_structure_flattens_to_lines() {
        let markdown = "# 标题\n\n- 一\n- 二\n  1. 甲\n  2. 乙\n\n> 引用\n\n```\ncode *x*\n```\n\n---\n\n末尾<br>换行";
        insta::assert_snapshot!(crate::rich_text::to_plain_text(&composer().to_nodes(markdown)), @r"
        标题

        - 一
        - 二
          1. 甲
          2. 乙

        引用

        code *x*

        ———

        末尾
        换行
        ");
    }

    #[test]
    fn links_inside_bold_split_the_bold() {
        assert_eq!(
            compose_markdown("**前[链](https://a.example)后**"),
            concat!(
                r#"<e type="text_bold" title="%E5%89%8D" />"#,
                r#"<e type="web" href="https%3A%2F%2Fa.example" title="%E9%93%BE" />"#,
                r#"<e type="text_bold" title="%E5%90%8E" />"#,
            )
        );
    }

    #[test]
    fn composed_text_parses_back() {
        let composer = composer();
        let markdown = "**粗** *斜* [链接](https://example.com/?a=1&b=2) #复盘# @深圳大冲\n第二行";
        let nodes = composer.to_nodes(markdown);
        assert_eq!(parse(&composer.compose(markdown)), nodes);
    }

    #[test]
    fn hostile_markdown_composes_to_inert_text() {
        let nodes = parse(&compose_markdown(
            "hi <script>alert(1)</script> [x](javascript:alert(1))",
        ));
        assert_eq!(
            crate::rich_text::to_html(&nodes),
            "<p>hi &lt;script&gt;alert(1)&lt;/script&gt; x</p>"
        );
        // At the start of a line the same markup is an HTML block: kept whole, as text.
        let nodes = parse(&compose_markdown("<script>alert(1)</script>\n\nnext"));
        assert_eq!(
            nodes,
            vec![Node::Text("<script>alert(1)</script>\n\nnext".into())]
        );
    }
}
