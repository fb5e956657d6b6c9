//! Markdown, for export and for editing drafts.
//!
//! The output is CommonMark that [`super::Composer`] reads back into the same nodes: text is
//! escaped wherever CommonMark (or the composer's `#tag#`/`@name` detection) would otherwise see
//! syntax, a single newline becomes a hard line break (ZSXQ line breaks are meaningful; the
//! backslash form, because editors strip the invisible two-space form), and
//! emphasis that CommonMark's flanking rules would not recognise — bold text ending in `：` right
//! before more text is common in Chinese — is written as `<strong>`/`<em>`.

use super::Node;

/// Renders nodes as Markdown.
///
/// Hashtags become `#name#` and mentions `@name` (the composer turns them back into entities);
/// links `[title](href)`; bold `**…**`; italic `*…*`. Unknown entities become their title.
/// Leading and trailing spaces of lines are dropped, as Markdown would ignore them anyway.
pub fn to_markdown(nodes: &[Node]) -> String {
    to_markdown_with(nodes, |_, _| LinkAs::Link)
}

/// How [`to_markdown_with`] writes one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkAs {
    /// `[title](href)`, as [`to_markdown`] does.
    Link,
    /// Its title (or URL) as text: for a link that must not be followed.
    Text,
    /// This markup, written as is: e.g. an Obsidian `[[wiki-link]]` to an exported note. The
    /// caller escapes what it puts in.
    Raw(String),
}

/// [`to_markdown`], with each link written as `link(href, title)` says.
pub fn to_markdown_with(nodes: &[Node], link: impl Fn(&str, &str) -> LinkAs) -> String {
    let mut writer = Writer::default();
    let mut previous_was_emphasis = false;
    for node in nodes {
        let is_emphasis = matches!(node, Node::Bold(_) | Node::Italic(_));
        match node {
            Node::Text(text) => writer.text(text),
            Node::Hashtag { name, .. } => {
                writer.raw(&format!("#{}#", escape_inline(&single_line(name))));
            }
            Node::Mention { name, .. } => {
                writer.raw(&format!("@{}", escape_inline(&single_line(name))));
            }
            Node::Link { href, title } => match link(href, title) {
                LinkAs::Link => writer.link(href, title),
                LinkAs::Text => writer.text(&single_line(&node.visible_text())),
                LinkAs::Raw(markup) => writer.raw(&markup),
            },
            Node::Bold(text) => writer.emphasis(text, "**", "strong", previous_was_emphasis),
            Node::Italic(text) => writer.emphasis(text, "*", "em", previous_was_emphasis),
            Node::Unknown { .. } => writer.text(&node.visible_text()),
        }
        previous_was_emphasis = is_emphasis;
    }
    writer.finish()
}

#[derive(Default)]
struct Writer {
    out: String,
    /// Newlines seen but not yet written: they become a hard break or a paragraph break only
    /// once more content follows, so trailing newlines vanish.
    pending_newlines: usize,
    /// Whether the next text starts a line (where `-`, `1.`, `=`… would be block syntax).
    at_line_start: bool,
}

impl Writer {
    fn flush_breaks(&mut self) {
        if self.pending_newlines == 0 {
            return;
        }
        let trimmed = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(trimmed);
        if !self.out.is_empty() {
            self.out.push_str(if self.pending_newlines == 1 {
                "\\\n"
            } else {
                "\n\n"
            });
        }
        self.pending_newlines = 0;
        self.at_line_start = true;
    }

    fn raw(&mut self, markup: &str) {
        if markup.is_empty() {
            return;
        }
        self.flush_breaks();
        self.out.push_str(markup);
        self.at_line_start = false;
    }

    fn text(&mut self, text: &str) {
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('\n') {
                self.pending_newlines += 1;
                rest = after;
                continue;
            }
            if let Some(after) = rest.strip_prefix('\r') {
                rest = after;
                continue;
            }
            let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
            let (mut line, after) = rest.split_at(end);
            rest = after;
            self.flush_breaks();
            if self.out.is_empty() {
                self.at_line_start = true;
            }
            if self.at_line_start {
                line = line.trim_start_matches([' ', '\t']);
                if line.is_empty() {
                    continue;
                }
                line = self.escape_line_start(line);
            }
            self.out.push_str(&escape_inline(line));
            self.at_line_start = false;
        }
    }

    /// Escapes what would start a list, a heading underline or a quote, and returns the rest.
    fn escape_line_start<'a>(&mut self, line: &'a str) -> &'a str {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=9).contains(&digits) && line[digits..].starts_with(['.', ')']) {
            self.out.push_str(&line[..digits]);
            self.out.push('\\');
            self.out.push_str(&line[digits..=digits]);
            return &line[digits + 1..];
        }
        if let Some(first @ ('-' | '+' | '=' | '>')) = line.chars().next() {
            self.out.push('\\');
            self.out.push(first);
            return &line[1..];
        }
        line
    }

    fn link(&mut self, href: &str, title: &str) {
        let title = single_line(if title.trim().is_empty() { href } else { title });
        self.flush_breaks();
        // `![` would start an image.
        if self.out.ends_with('!') && !self.out.ends_with("\\!") {
            self.out.pop();
            self.out.push_str("\\!");
        }
        self.raw(&format!(
            "[{}]({})",
            escape_inline(&title),
            link_destination(href)
        ));
    }

    fn emphasis(&mut self, text: &str, stars: &str, tag: &str, after_emphasis: bool) {
        // A carriage return is dropped, as in plain text: written raw, CommonMark would read it
        // as a line ending inside the emphasis.
        let text = text.replace('\r', "");
        let mut lines = text.split('\n').filter(|line| !line.trim().is_empty());
        let Some(first) = lines.next() else {
            return;
        };
        let write_line = |writer: &mut Self, line: &str| {
            // CommonMark only recognises `**x**` when the inside starts and ends with a letter
            // or digit (flanking rules), and two emphases in a row would merge their stars.
            let plain_ok = !after_emphasis
                && line.chars().next().is_some_and(char::is_alphanumeric)
                && line.chars().last().is_some_and(char::is_alphanumeric);
            let inner = escape_inline(line);
            if plain_ok {
                writer.raw(&format!("{stars}{inner}{stars}"));
            } else {
                writer.raw(&format!("<{tag}>{inner}</{tag}>"));
            }
        };
        write_line(self, first);
        for line in lines {
            self.pending_newlines = self.pending_newlines.max(1);
            write_line(self, line);
        }
    }

    fn finish(mut self) -> String {
        let trimmed = self.out.trim_end().len();
        self.out.truncate(trimmed);
        self.out
    }
}

/// Newlines cannot appear inside link text, hashtags or mentions.
fn single_line(text: &str) -> String {
    text.split(['\n', '\r'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Backslash-escapes the characters that are syntax anywhere in a line: emphasis, code, links,
/// HTML, entity references, and the composer's hashtag and mention markers.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (index, c) in text.char_indices() {
        let needs_escape = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '#' | '@' => true,
            '&' => looks_like_reference(&text[index..]),
            _ => false,
        };
        if needs_escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Whether `text` (starting with `&`) would be read as an HTML character reference.
fn looks_like_reference(text: &str) -> bool {
    let body = &text[1..];
    let end = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
        .unwrap_or(body.len());
    end > 0 && body[end..].starts_with(';')
}

/// A link destination CommonMark reads back verbatim: angle brackets when it holds spaces or
/// parentheses, with the few characters that cannot appear even there percent-encoded.
fn link_destination(href: &str) -> String {
    let mut encoded = String::with_capacity(href.len());
    for c in href.chars() {
        match c {
            '<' => encoded.push_str("%3C"),
            '>' => encoded.push_str("%3E"),
            '\\' => encoded.push_str("%5C"),
            '\n' => encoded.push_str("%0A"),
            '\r' => encoded.push_str("%0D"),
            c => encoded.push(c),
        }
    }
    if encoded.is_empty() || encoded.contains([' ', '(', ')']) {
        format!("<{encoded}>")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rich_text::parse;

    #[test]
    fn links_are_written_as_the_caller_says() {
        let nodes = vec![
            Node::Text("见".into()),
            Node::Link {
                href: "javascript:alert(1)".into(),
                title: "点我[1]".into(),
            },
            Node::Text("\n和".into()),
            Node::Link {
                href: "https://wx.zsxq.com/group/1/topic/2".into(),
                title: "上一篇".into(),
            },
        ];
        let written = to_markdown_with(&nodes, |href, _| {
            if href.starts_with("javascript:") {
                LinkAs::Text
            } else {
                LinkAs::Raw("[[2024-01-01 上一篇|上一篇]]".into())
            }
        });
        assert_eq!(written, "见点我\\[1\\]\\\n和[[2024-01-01 上一篇|上一篇]]");
        assert_eq!(
            to_markdown(&nodes),
            "见[点我\\[1\\]](<javascript:alert(1)>)\\\n和[上一篇](https://wx.zsxq.com/group/1/topic/2)"
        );
    }

    #[test]
    fn renders_entities_and_line_breaks() {
        let source = concat!(
            r#"<e type="text_bold" title="%E7%8B%AC%E7%AB%8B%E4%BC%9A%E5%91%98%E6%97%A5" />"#,
            "\n\n各位，大家好！\n今天是12月8日。",
            r#"<e type="web" href="https%3A%2F%2Ft.zsxq.com%2F8hAMG" title="%E8%AF%A6%E6%83%85" />"#,
            "\n",
            r#"<e type="hashtag" hid="51521485524884" title="%23%E7%8B%AC%E7%AB%8B%E6%97%A5%23" />"#,
            " ",
            r#"<e type="mention" uid="1" title="%40%E5%B0%8F%E5%82%85%E5%93%A5" />"#,
            r#"<e type="text_italic" title="slanted" />"#,
        );
        insta::assert_snapshot!(to_markdown(&parse(source)), @r"
        **独立会员日**

        各位，大家好！\
        今天是12月8日。[详情](https://t.zsxq.com/8hAMG)\
        #独立日# @小傅哥*slanted*
        ");
    }

    #[test]
    fn escapes_text_that_would_be_syntax() {
        let nodes = vec![Node::Text(
            "1. 不是列表\n- 也不是\n# 不是标题\n> 不是引用\n***\n=\n*星*_下划线_ [括号](x) <b>标签</b> C# a@b.com &amp; AT&T `代码` \\"
                .into(),
        )];
        insta::assert_snapshot!(to_markdown(&nodes), @r"
        1\. 不是列表\
        \- 也不是\
        \# 不是标题\
        \> 不是引用\
        \*\*\*\
        \=\
        \*星\*\_下划线\_ \[括号\](x) \<b>标签\</b> C\# a\@b.com \&amp; AT&T \`代码\` \\
        ");
    }

    #[test]
    fn emphasis_falls_back_to_html_where_stars_would_not_work() {
        let nodes = vec![
            Node::Bold("核心要求：".into()),
            Node::Text("必须真实".into()),
            Node::Bold("粗".into()),
            Node::Italic("斜".into()),
            Node::Text("!".into()),
            Node::Link {
                href: "https://zh.wikipedia.org/wiki/Rust_(编程语言)".into(),
                title: "".into(),
            },
        ];
        insta::assert_snapshot!(to_markdown(&nodes), @r"<strong>核心要求：</strong>必须真实**粗**<em>斜</em>\![https://zh.wikipedia.org/wiki/Rust\_(编程语言)](<https://zh.wikipedia.org/wiki/Rust_(编程语言)>)");
    }

    /// Found by the `compose_roundtrip` fuzz target (docs/FUZZING.md): a `\r` inside emphasis
    /// was written raw, CommonMark took it for a line ending, and the composer read the italic
    /// back as one node with a `\n` in it, which renders differently again.
    #[test]
    fn carriage_returns_in_emphasis_are_dropped_like_in_text() {
        assert_eq!(to_markdown(&[Node::Italic("a\rb".into())]), "*ab*");
        assert_eq!(
            to_markdown(&[Node::Bold("上\r\n下".into())]),
            "**上**\\\n**下**"
        );

        let composer = crate::rich_text::Composer::new();
        let minimized = "B*\u{0}<e e=\"\r\">*";
        let nodes = composer.to_nodes(&to_markdown(&composer.to_nodes(minimized)));
        let markdown = to_markdown(&nodes);
        assert_eq!(composer.to_nodes(&markdown), nodes, "{markdown:?}");
    }

    #[test]
    fn leading_and_trailing_blank_lines_vanish() {
        let nodes = vec![Node::Text("\n\n  首行  \n\n\n次段 \n".into())];
        assert_eq!(to_markdown(&nodes), "首行\n\n次段");
        assert_eq!(to_markdown(&[]), "");
    }
}
