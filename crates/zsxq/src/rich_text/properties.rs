//! Property tests tying the parser, the encoder, the renderers and the composer together.

#![allow(clippy::unwrap_used)]

use proptest::prelude::*;

use super::*;

/// Words that stress every escaping rule: Markdown syntax, hashtag and mention markers,
/// entity references, line-start block markers, CJK punctuation and emoji.
const WORDS: &[&str] = &[
    "你好",
    "知识星球",
    "副业赚钱",
    "AI",
    "hello",
    "e",
    "C#",
    "#",
    "@",
    "a@b.com",
    "a*b",
    "***",
    "x_y",
    "[1]",
    "(括号)",
    "“引号”",
    "，",
    "。",
    "！",
    "!",
    "100%",
    "&amp;",
    "AT&T",
    "<tag>",
    "<",
    ">",
    "1.",
    "2)",
    "-",
    "---",
    "+",
    "=",
    "\\",
    "`code`",
    "~",
    "|",
    "🎉",
    "candy🐰",
    "https://t.zsxq.com/x",
];

/// Prefix-free, so a mention never reads as a longer known name.
const USERS: &[(&str, i64)] = &[
    ("深圳大冲", 582_884_445_452_854),
    ("小傅哥", 241_858_242_255_511),
    ("candy🐰王小萌", 212_212_818_215_281),
    ("a_b*c", 5),
];

/// The last one is unknown to the composer, so it comes back without an id.
const HASHTAGS: &[(&str, Option<i64>)] = &[
    ("复盘", Some(28_844_882_581_111)),
    ("AI 写作", Some(48_822_824_142_518)),
    ("x_y", Some(1)),
    ("100%", Some(2)),
    ("新标签", None),
];

const HREFS: &[&str] = &[
    "https://t.zsxq.com/YouIw",
    "https://example.com/?a=1&b=2",
    "https://zh.wikipedia.org/wiki/Rust_(编程语言)",
    "https://ai.feishu.cn/docx/VPx5dp3HPoZLPBxfu90c4zX0nvc?from=from_copylink",
];

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..=max).prop_map(|w| w.join(" "))
}

/// Words whose rendering stays inside one line; emphasis and link text must not be blank.
fn phrase() -> impl Strategy<Value = String> {
    words(3)
}

fn node() -> impl Strategy<Value = Node> {
    prop_oneof![
        4 => words(5).prop_map(Node::Text),
        2 => prop_oneof![Just("\n"), Just("\n\n")].prop_map(|b| Node::Text(b.to_owned())),
        1 => prop::sample::select(HASHTAGS).prop_map(|(name, id)| Node::Hashtag {
            id: id.map(HashtagId::new),
            name: name.to_owned(),
        }),
        1 => prop::sample::select(USERS).prop_map(|(name, id)| Node::Mention {
            id: Some(UserId::new(id)),
            name: name.to_owned(),
        }),
        1 => (phrase(), prop::sample::select(HREFS)).prop_map(|(title, href)| Node::Link {
            href: href.to_owned(),
            title,
        }),
        1 => phrase().prop_map(Node::Bold),
        1 => phrase().prop_map(Node::Italic),
    ]
}

/// The form in which a document survives Markdown: adjacent texts merged, no blank lines at
/// either end, and runs of blank lines collapsed to one paragraph break.
fn normalize(nodes: Vec<Node>) -> Vec<Node> {
    let mut merged: Vec<Node> = Vec::new();
    for node in nodes {
        match (node, merged.last_mut()) {
            (Node::Text(more), Some(Node::Text(last))) => last.push_str(&more),
            (node, _) => merged.push(node),
        }
    }
    let last = merged.len().saturating_sub(1);
    let mut out = Vec::new();
    for (index, node) in merged.into_iter().enumerate() {
        let Node::Text(text) = node else {
            out.push(node);
            continue;
        };
        let mut text = collapse_newlines(&text);
        if index == 0 {
            text = text.trim_start_matches('\n').to_owned();
        }
        if index == last {
            text = text.trim_end_matches('\n').to_owned();
        }
        if !text.is_empty() {
            out.push(Node::Text(text));
        }
    }
    out
}

fn collapse_newlines(text: &str) -> String {
    let mut out = String::new();
    let mut newlines = 0;
    for c in text.chars() {
        if c == '\n' {
            newlines += 1;
            continue;
        }
        if newlines > 0 {
            out.push_str(if newlines == 1 { "\n" } else { "\n\n" });
            newlines = 0;
        }
        out.push(c);
    }
    if newlines > 0 {
        out.push_str(if newlines == 1 { "\n" } else { "\n\n" });
    }
    out
}

fn composer() -> Composer {
    let mut composer = Composer::new();
    for &(name, id) in USERS {
        composer = composer.with_user(name, UserId::new(id));
    }
    for &(name, id) in HASHTAGS {
        if let Some(id) = id {
            composer = composer.with_hashtag(name, HashtagId::new(id));
        }
    }
    composer
}

/// Arbitrary text with no `<e` (ZSXQ text has no way to escape an entity-like sequence).
fn free_text() -> impl Strategy<Value = String> {
    any::<String>().prop_map(|s| s.replace("<e", "<E"))
}

fn any_node() -> impl Strategy<Value = Node> {
    prop_oneof![
        free_text()
            .prop_filter("non-empty", |s| !s.is_empty())
            .prop_map(Node::Text),
        (any::<Option<i64>>(), any::<String>()).prop_map(|(id, name)| Node::Hashtag {
            id: id.map(HashtagId::new),
            name,
        }),
        (any::<Option<i64>>(), any::<String>()).prop_map(|(id, name)| Node::Mention {
            id: id.map(UserId::new),
            name,
        }),
        (any::<String>(), any::<String>()).prop_map(|(href, title)| Node::Link { href, title }),
        any::<String>().prop_map(Node::Bold),
        any::<String>().prop_map(Node::Italic),
        (
            "[a-z_]{1,8}".prop_filter("not a known type", |k| {
                !matches!(
                    k.as_str(),
                    "hashtag" | "mention" | "web" | "text_bold" | "text_italic"
                )
            }),
            prop::collection::btree_map("[a-z][a-z_]{0,5}", any::<String>(), 0..4),
        )
            .prop_map(|(kind, attrs)| Node::Unknown {
                kind,
                attrs: attrs.into_iter().filter(|(k, _)| k != "type").collect(),
            }),
    ]
}

const ALLOWED_TAG_STARTS: &[&str] = &[
    "<p>",
    "</p>",
    "<br>",
    "<strong>",
    "</strong>",
    "<em>",
    "</em>",
    "<a href=\"http://",
    "<a href=\"https://",
    "</a>",
    "<span class=\"zsxq-hashtag\"",
    "<span class=\"zsxq-mention\"",
    "</span>",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Markdown written by `to_markdown` composes back into the nodes it came from.
    #[test]
    fn markdown_round_trips_through_the_composer(nodes in prop::collection::vec(node(), 0..14)) {
        let expected = normalize(nodes);
        let markdown = to_markdown(&expected);
        let composed = composer().to_nodes(&markdown);
        prop_assert_eq!(&composed, &expected, "markdown was:\n{}", markdown);
        // And the ZSXQ markup the composer writes parses to the same nodes.
        prop_assert_eq!(parse(&composer().compose(&markdown)), expected);
    }

    /// Any nodes survive `to_zsxq` then `parse`, whatever characters they hold.
    #[test]
    fn markup_round_trips_through_the_parser(nodes in prop::collection::vec(any_node(), 0..8)) {
        let mut expected: Vec<Node> = Vec::new();
        for node in nodes {
            match (node, expected.last_mut()) {
                (Node::Text(more), Some(Node::Text(last))) => last.push_str(&more),
                (node, _) => expected.push(node),
            }
        }
        prop_assert_eq!(parse(&to_zsxq(&expected)), expected);
    }

    /// The parser never panics, loses nothing from entity-free text, and whatever it is fed,
    /// the HTML renderer emits no active content.
    #[test]
    fn parser_and_renderers_survive_anything(text in any::<String>(), noise in "(<e |[\"'=/> %#@a-z]|title=|type=\"web\"|href=\"javascript%3A|%3Cscript%3E)*") {
        let entity_free = text.replace("<e", "<E");
        prop_assert_eq!(to_plain_text(&parse(&entity_free)), entity_free);
        for input in [text.as_str(), noise.as_str()] {
            let nodes = parse(input);
            let html = to_html(&nodes);
            // Text never carries a raw `<`, so every one opens an allowed tag.
            for (index, _) in html.match_indices('<') {
                let rest = &html[index..];
                prop_assert!(
                    ALLOWED_TAG_STARTS.iter().any(|allowed| rest.starts_with(allowed)),
                    "unexpected markup at {}", rest
                );
            }
            let _ = to_markdown(&nodes);
        }
    }
}

#[test]
fn chinese_markdown_with_every_feature_round_trips() {
    let nodes = normalize(vec![
        Node::Bold("独立会员日-赚大钱从CPS分销开始".into()),
        Node::Text("\n\n各位有梦想的独立商人，大家好！\n今天是12月8日。".into()),
        Node::Hashtag {
            id: Some(HashtagId::new(28_844_882_581_111)),
            name: "复盘".into(),
        },
        Node::Text("感谢".into()),
        Node::Mention {
            id: Some(UserId::new(582_884_445_452_854)),
            name: "深圳大冲".into(),
        },
        Node::Text("，详见".into()),
        Node::Link {
            href: "https://t.zsxq.com/8hAMG".into(),
            title: "hello，大家好，很多人问A...".into(),
        },
        Node::Italic("完".into()),
    ]);
    let markdown = to_markdown(&nodes);
    assert_eq!(composer().to_nodes(&markdown), nodes, "{markdown}");
}
