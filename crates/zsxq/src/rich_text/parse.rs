//! The `<e …/>` tokenizer.
//!
//! A hand-written scanner rather than a regex or an HTML parser: it needs to accept exactly the
//! self-closing `<e` tags the service writes, leave every other `<` alone as text (ZSXQ text is
//! not HTML: `a<b` and `<answer text>` are literal), and stay linear-ish on hostile input.

use super::Node;
use super::escape::decode_value;

/// Entities are short; a "tag" longer than this is text that happens to start with `<e `.
/// The bound also keeps hostile input (thousands of unterminated `<e a="`) from going quadratic.
const MAX_TAG_LEN: usize = 16 * 1024;

/// Parses ZSXQ rich text into nodes. Never fails: malformed markup is kept as text.
pub fn parse(text: &str) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut pending = String::new();
    let mut rest = text;
    while let Some(pos) = rest.find("<e") {
        let after = &rest[pos + 2..];
        if after.starts_with(|c: char| c.is_ascii_whitespace())
            && let Some((attrs, consumed)) = parse_tag(after)
        {
            pending.push_str(&rest[..pos]);
            if !pending.is_empty() {
                nodes.push(Node::Text(std::mem::take(&mut pending)));
            }
            nodes.push(entity(attrs));
            rest = &after[consumed..];
        } else {
            pending.push_str(&rest[..pos + 2]);
            rest = after;
        }
    }
    pending.push_str(rest);
    if !pending.is_empty() {
        nodes.push(Node::Text(pending));
    }
    nodes
}

/// Characters allowed in an attribute name.
pub(crate) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | ':' | '.')
}

/// Parses the attributes after `<e` up to and including `/>`. Returns the raw (still encoded)
/// attributes and the bytes consumed, or `None` if this is not a well-formed entity.
fn parse_tag(input: &str) -> Option<(Vec<(String, &str)>, usize)> {
    let mut end = input.len().min(MAX_TAG_LEN);
    while !input.is_char_boundary(end) {
        end -= 1;
    }
    let bounded = &input[..end];
    let mut attrs = Vec::new();
    let mut pos = 0;
    loop {
        let rest = &bounded[pos..];
        let trimmed = rest.trim_start_matches(|c: char| c.is_ascii_whitespace());
        let had_space = trimmed.len() < rest.len();
        pos += rest.len() - trimmed.len();
        if trimmed.starts_with("/>") {
            return Some((attrs, pos + 2));
        }
        // Attributes must be separated by whitespace: `title="a"b"` is not markup.
        if !had_space {
            return None;
        }
        let name_len = trimmed
            .find(|c: char| !is_name_char(c))
            .unwrap_or(trimmed.len());
        if name_len == 0 {
            return None;
        }
        let name = trimmed[..name_len].to_ascii_lowercase();
        let after_name = trimmed[name_len..].trim_start_matches(|c: char| c.is_ascii_whitespace());
        let after_eq = after_name
            .strip_prefix('=')?
            .trim_start_matches(|c: char| c.is_ascii_whitespace());
        let quote = after_eq.chars().next().filter(|&c| c == '"' || c == '\'')?;
        let value_start = &after_eq[1..];
        // A value never spans lines: encoded values contain no raw newline, and refusing one
        // stops a lone quote from swallowing the paragraphs after it.
        let value_end = value_start.find([quote, '\n'])?;
        if !value_start[value_end..].starts_with(quote) {
            return None;
        }
        let value = &value_start[..value_end];
        pos = bounded.len() - value_start.len() + value_end + 1;
        attrs.push((name, value));
    }
}

/// Builds the node for a parsed entity.
fn entity(raw_attrs: Vec<(String, &str)>) -> Node {
    let mut kind = None;
    let mut attrs: Vec<(String, String)> = Vec::with_capacity(raw_attrs.len());
    for (name, raw) in raw_attrs {
        let value = decode_value(raw);
        if name == "type" {
            // The first `type` wins, like the first of any repeated attribute.
            if kind.is_none() {
                kind = Some(value);
            }
        } else if !attrs.iter().any(|(existing, _)| *existing == name) {
            attrs.push((name, value));
        }
    }
    let kind = kind.unwrap_or_default();
    let get = |key: &str| {
        attrs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    };
    let known = match kind.as_str() {
        "hashtag" => get("title").map(|title| Node::Hashtag {
            id: get("hid").and_then(|hid| hid.parse().ok()),
            name: strip_hashtag_markers(title).to_owned(),
        }),
        // One converter wrote `name=` instead of `title=`.
        "mention" => get("title")
            .or_else(|| get("name"))
            .map(|title| Node::Mention {
                id: get("uid").and_then(|uid| uid.parse().ok()),
                name: title.strip_prefix('@').unwrap_or(title).to_owned(),
            }),
        "web" => get("href").map(|href| Node::Link {
            href: href.to_owned(),
            title: get("title").unwrap_or_default().to_owned(),
        }),
        "text_bold" => get("title").map(|title| Node::Bold(title.to_owned())),
        "text_italic" => get("title").map(|title| Node::Italic(title.to_owned())),
        _ => None,
    };
    known.unwrap_or(Node::Unknown { kind, attrs })
}

fn strip_hashtag_markers(title: &str) -> &str {
    let title = title.strip_prefix('#').unwrap_or(title);
    title.strip_suffix('#').unwrap_or(title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{HashtagId, UserId};

    fn text(s: &str) -> Node {
        Node::Text(s.to_owned())
    }

    #[test]
    fn parses_every_documented_entity() {
        let source = concat!(
            "开头\n",
            r#"<e type="hashtag" hid="28285454215241" title="%23AI%20%E5%8F%AF%E7%A0%94%E6%8A%A5%E5%91%8A%23" />"#,
            " 和 ",
            r#"<e type="mention" uid="241858242255511" title="%40%E5%B0%8F%E5%82%85%E5%93%A5" />"#,
            r#"<e type="web" href="https%3A%2F%2Ft.zsxq.com%2FYouIw" title="%E2%9C%85%20%E5%BF%AB%E9%97%AA%E9%A1%B9%E7%9B%AE%E6%B1%87%E6%80%BB" />"#,
            r#"<e type="text_bold" title="%E4%B8%AD%E5%B9%B4" />"#,
            r#"<e type="text_italic" title="slanted" />"#,
            "结尾"
        );
        assert_eq!(
            parse(source),
            vec![
                text("开头\n"),
                Node::Hashtag {
                    id: Some(HashtagId::new(28_285_454_215_241)),
                    name: "AI 可研报告".into()
                },
                text(" 和 "),
                Node::Mention {
                    id: Some(UserId::new(241_858_242_255_511)),
                    name: "小傅哥".into()
                },
                Node::Link {
                    href: "https://t.zsxq.com/YouIw".into(),
                    title: "✅ 快闪项目汇总".into()
                },
                Node::Bold("中年".into()),
                Node::Italic("slanted".into()),
                text("结尾"),
            ]
        );
    }

    #[test]
    fn plain_angle_brackets_are_text() {
        for source in [
            "<answer text>",
            "a<b",
            "1 < 2 > 0",
            "<e>",
            "<e/>",
            "<em>hi</em>",
            "<",
            "<e",
        ] {
            assert_eq!(parse(source), vec![text(source)], "{source:?}");
        }
        assert_eq!(parse(""), vec![]);
    }

    #[test]
    fn malformed_tags_stay_text() {
        for source in [
            r#"<e type="web" href="x" title="y""#,
            r#"<e type="web" href="x" title="y" "#,
            r#"<e type="web" href=x title="y" />"#,
            r#"<e type="web" href="x title="y" />"#,
            r#"<e type="web" title="a"b" />"#,
            r#"<e type="web" ="x" />"#,
            r#"<e type="web" href "x" />"#,
            "<e type=\"web\" title=\"line\nbreak\" />",
            r#"<e type="text_bold" title="%E4%B8%AD" >"#,
        ] {
            assert_eq!(parse(source), vec![text(source)], "{source:?}");
        }
    }

    #[test]
    fn a_broken_tag_does_not_swallow_the_next_one() {
        let source = concat!(
            r#"<e type="web" href="x "#,
            r#"<e type="hashtag" hid="1" title="%23a%23" />"#,
            "!"
        );
        assert_eq!(
            parse(source),
            vec![
                text(r#"<e type="web" href="x "#),
                Node::Hashtag {
                    id: Some(HashtagId::new(1)),
                    name: "a".into()
                },
                text("!"),
            ]
        );
    }

    #[test]
    fn lenient_attribute_syntax() {
        assert_eq!(
            parse("<e\ttype='text_bold'   TITLE = '%E7%B2%97'/>"),
            vec![Node::Bold("粗".into())]
        );
        // Literal `@` and `#`, as old clients wrote them.
        assert_eq!(
            parse(r#"<e type="mention" uid="9" title="@ueno" />"#),
            vec![Node::Mention {
                id: Some(UserId::new(9)),
                name: "ueno".into()
            }]
        );
        assert_eq!(
            parse(r##"<e type="hashtag" hid="x" title="#tag#" />"##),
            vec![Node::Hashtag {
                id: None,
                name: "tag".into()
            }]
        );
        assert_eq!(
            parse(r#"<e type="mention" name="%40old" />"#),
            vec![Node::Mention {
                id: None,
                name: "old".into()
            }]
        );
    }

    #[test]
    fn entities_missing_their_payload_are_unknown() {
        assert_eq!(
            parse(r#"<e type="web" title="no href" />"#),
            vec![Node::Unknown {
                kind: "web".into(),
                attrs: vec![("title".into(), "no href".into())]
            }]
        );
        assert_eq!(
            parse(r#"<e title="typeless" />"#),
            vec![Node::Unknown {
                kind: String::new(),
                attrs: vec![("title".into(), "typeless".into())]
            }]
        );
        assert_eq!(
            parse(r#"<e type="text_bold" type="web" title="a" title="b" />"#),
            vec![Node::Bold("a".into())]
        );
    }

    #[test]
    fn hostile_values_are_decoded_but_stay_inert_data() {
        let nodes = parse(concat!(
            r#"<e type="web" href="javascript%3Aalert(1)" title="%3Cscript%3Ealert(1)%3C%2Fscript%3E" />"#,
            r#"<e type="text_bold" title="&lt;img src=x onerror=alert(1)&gt;" />"#,
            r#"<e type="hashtag" hid="1" title="<svg onload=alert(1)>" />"#,
        ));
        assert_eq!(
            nodes,
            vec![
                Node::Link {
                    href: "javascript:alert(1)".into(),
                    title: "<script>alert(1)</script>".into()
                },
                Node::Bold("<img src=x onerror=alert(1)>".into()),
                Node::Hashtag {
                    id: Some(HashtagId::new(1)),
                    name: "<svg onload=alert(1)>".into()
                },
            ]
        );
    }

    #[test]
    fn broken_percent_encoding_in_values_is_kept() {
        assert_eq!(
            parse(r#"<e type="text_bold" title="100%25%E4%B8%AD%E6%96%zz" />"#),
            vec![Node::Bold("100%中%E6%96%zz".into())]
        );
    }

    #[test]
    fn pathological_input_terminates_quickly() {
        let hostile = r#"<e a=""#.repeat(20_000);
        assert_eq!(parse(&hostile), vec![text(&hostile)]);
        let long_value = format!(r#"<e type="text_bold" title="{}" />"#, "x".repeat(20_000));
        assert_eq!(parse(&long_value), vec![text(&long_value)]);
        let many = r#"<e type="text_bold" title="a" />"#.repeat(5_000);
        assert_eq!(parse(&many).len(), 5_000);
    }
}
