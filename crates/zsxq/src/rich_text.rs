//! The rich text inside every `text` field (docs/protocol.md §8).
//!
//! ZSXQ text is plain text with `\n` newlines plus self-closing entities such as
//! `<e type="hashtag" hid="…" title="%23%E5%A4%8D%E7%9B%98%23" />`, whose attribute values are
//! percent-encoded UTF-8. [`parse`] turns it into a flat list of [`Node`]s; it never fails and
//! never panics — anything that is not a well-formed entity (a stray `<`, an unterminated
//! `<e`, a missing quote) stays text. The rest of the module works on nodes:
//!
//! * [`to_plain_text`] — for search indexing and notifications;
//! * [`to_markdown`] — for export and the draft editor;
//! * [`to_html`] — sanitized HTML for the webview (everything remote is untrusted);
//! * [`to_zsxq`] and [`Composer`] — back to ZSXQ markup, from nodes or from Markdown.

mod compose;
mod escape;
mod html;
mod markdown;
mod parse;
mod plain;
#[cfg(test)]
mod properties;

pub use compose::{Composer, compose_markdown};
pub use html::{escape as escape_html, is_web_url, sanitize_article, sanitize_document, to_html};
pub use markdown::{LinkAs, to_markdown, to_markdown_with};
pub use parse::parse;
pub use plain::to_plain_text;

use crate::id::{HashtagId, UserId};

/// One piece of rich text. Entities cannot nest, so the structure is a flat list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Plain text, newlines included.
    Text(String),
    /// `<e type="hashtag" hid=… title="#name#"/>`; `name` is without the `#` markers.
    Hashtag {
        /// The hashtag, when the entity names one (composed entities may not).
        id: Option<HashtagId>,
        /// The name without markers, e.g. `复盘`.
        name: String,
    },
    /// `<e type="mention" uid=… title="@name"/>`; `name` is without the `@`.
    Mention {
        /// The mentioned user, when the entity names one.
        id: Option<UserId>,
        /// The display name without `@`.
        name: String,
    },
    /// `<e type="web" href=… title=…/>`. The `href` is whatever the author wrote: renderers
    /// decide which schemes are safe to link.
    Link {
        /// The target URL.
        href: String,
        /// The link text; may be empty, or a truncated URL ending in `...`.
        title: String,
    },
    /// `<e type="text_bold" title=…/>`.
    Bold(String),
    /// `<e type="text_italic" title=…/>`.
    Italic(String),
    /// An entity of any other type, kept with all its (decoded) attributes in source order.
    Unknown {
        /// The `type` attribute (empty if missing).
        kind: String,
        /// The other attributes.
        attrs: Vec<(String, String)>,
    },
}

impl Node {
    /// The text a reader sees for this node, without any markup.
    pub fn visible_text(&self) -> String {
        match self {
            Self::Text(text) | Self::Bold(text) | Self::Italic(text) => text.clone(),
            Self::Hashtag { name, .. } => format!("#{name}#"),
            Self::Mention { name, .. } => format!("@{name}"),
            Self::Link { href, title } => {
                if title.is_empty() {
                    href.clone()
                } else {
                    title.clone()
                }
            }
            Self::Unknown { attrs, .. } => attrs
                .iter()
                .find(|(key, _)| key == "title")
                .map(|(_, value)| value.clone())
                .unwrap_or_default(),
        }
    }
}

/// The users mentioned in `nodes`, in order of first appearance (for
/// [`crate::CommentRequest::mentioned_user_ids`]).
pub fn mentioned_users(nodes: &[Node]) -> Vec<UserId> {
    let mut users = Vec::new();
    for node in nodes {
        if let Node::Mention { id: Some(id), .. } = node
            && !users.contains(id)
        {
            users.push(*id);
        }
    }
    users
}

/// Writes nodes back as ZSXQ markup, encoding attributes the way the apps do.
///
/// `parse(&to_zsxq(nodes))` gives back `nodes` (with adjacent texts merged), provided no text
/// node itself contains something that reads as an entity: ZSXQ text has no escape mechanism.
pub fn to_zsxq(nodes: &[Node]) -> String {
    use escape::encode_value as enc;

    let mut out = String::new();
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Hashtag { id, name } => {
                out.push_str(r#"<e type="hashtag""#);
                if let Some(id) = id {
                    out.push_str(&format!(r#" hid="{id}""#));
                }
                out.push_str(&format!(r#" title="{}" />"#, enc(&format!("#{name}#"))));
            }
            Node::Mention { id, name } => {
                out.push_str(r#"<e type="mention""#);
                if let Some(id) = id {
                    out.push_str(&format!(r#" uid="{id}""#));
                }
                out.push_str(&format!(r#" title="{}" />"#, enc(&format!("@{name}"))));
            }
            Node::Link { href, title } => out.push_str(&format!(
                r#"<e type="web" href="{}" title="{}" />"#,
                enc(href),
                enc(title)
            )),
            Node::Bold(text) => {
                out.push_str(&format!(r#"<e type="text_bold" title="{}" />"#, enc(text)));
            }
            Node::Italic(text) => {
                out.push_str(&format!(
                    r#"<e type="text_italic" title="{}" />"#,
                    enc(text)
                ));
            }
            Node::Unknown { kind, attrs } => {
                out.push_str(&format!(r#"<e type="{}""#, enc(kind)));
                for (key, value) in attrs {
                    // Attribute names come from parsed markup or from code; keep only the
                    // characters the parser accepts so the output stays parseable.
                    let key: String = key.chars().filter(|&c| parse::is_name_char(c)).collect();
                    if !key.is_empty() {
                        out.push_str(&format!(r#" {key}="{}""#, enc(value)));
                    }
                }
                out.push_str(" />");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_zsxq_writes_what_the_apps_write() {
        let nodes = vec![
            Node::Hashtag {
                id: Some(HashtagId::new(28_285_454_215_241)),
                name: "AI 可研报告".into(),
            },
            Node::Mention {
                id: Some(UserId::new(241_858_242_255_511)),
                name: "小傅哥".into(),
            },
            Node::Link {
                href: "https://t.zsxq.com/YouIw".into(),
                title: "✅ 快闪项目汇总".into(),
            },
            Node::Bold("中年危机和在职创业".into()),
        ];
        let expected = concat!(
            r#"<e type="hashtag" hid="28285454215241" title="%23AI%20%E5%8F%AF%E7%A0%94%E6%8A%A5%E5%91%8A%23" />"#,
            r#"<e type="mention" uid="241858242255511" title="%40%E5%B0%8F%E5%82%85%E5%93%A5" />"#,
            r#"<e type="web" href="https%3A%2F%2Ft.zsxq.com%2FYouIw" title="%E2%9C%85%20%E5%BF%AB%E9%97%AA%E9%A1%B9%E7%9B%AE%E6%B1%87%E6%80%BB" />"#,
            r#"<e type="text_bold" title="%E4%B8%AD%E5%B9%B4%E5%8D%B1%E6%9C%BA%E5%92%8C%E5%9C%A8%E8%81%8C%E5%88%9B%E4%B8%9A" />"#,
        );
        assert_eq!(to_zsxq(&nodes), expected);
        assert_eq!(parse(expected), nodes);
    }

    #[test]
    fn unknown_entities_round_trip_with_all_attributes() {
        let source = r#"<e type="vote" vid="12" title="%E6%8A%95%E7%A5%A8" extra="a%20b" />"#;
        let nodes = parse(source);
        assert_eq!(
            nodes,
            vec![Node::Unknown {
                kind: "vote".into(),
                attrs: vec![
                    ("vid".into(), "12".into()),
                    ("title".into(), "投票".into()),
                    ("extra".into(), "a b".into()),
                ],
            }]
        );
        assert_eq!(to_zsxq(&nodes), source);
        assert_eq!(nodes[0].visible_text(), "投票");
    }

    #[test]
    fn mentioned_users_are_unique_and_ordered() {
        let text = concat!(
            r#"<e type="mention" uid="2" title="%40b" />"#,
            r#"<e type="mention" uid="1" title="%40a" />"#,
            r#"<e type="mention" uid="2" title="%40b" />"#,
            r#"<e type="mention" title="%40nobody" />"#,
        );
        assert_eq!(
            mentioned_users(&parse(text)),
            vec![UserId::new(2), UserId::new(1)]
        );
    }
}
