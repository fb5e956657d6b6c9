//! The sanitized renderer against the simulator's `hostile` dataset: every topic, answer and
//! comment text, rendered with `to_html(parse(text))`, comes out inert (no element, attribute or
//! URL that could run script or restyle the page) while its ordinary text still shows.
//!
//! The check reads the HTML's tags rather than searching for substrings: the payloads are
//! meant to survive as visible, escaped text (`&lt;img src=x onerror=…&gt;`), so words like
//! `onerror=` or `javascript:` legitimately appear between tags. What must never appear is a
//! tag outside the renderer's allow-list, an event handler or `style` attribute, or a link
//! that is not `http`/`https`.

use std::ops::ControlFlow;

use serde_json::Value;
use zsxq::rich_text::{parse, to_html};
use zsxq_sim::hostile::{CANARY, MARKER};
use zsxq_sim::{Dataset, SimConfig};

/// The only elements and attributes `to_html` emits.
const TAGS: &[&str] = &["p", "br", "strong", "em", "a", "span"];
const ATTRIBUTES: &[&str] = &[
    "href",
    "class",
    "target",
    "rel",
    "data-hashtag-id",
    "data-user-id",
];

/// A start or end tag: lower-case name and attributes, values as written.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// The tags of `html`. Every `<` starts a tag (text has its `<` escaped, which is part of what
/// is checked); attribute values may be quoted either way or not at all.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut chars = html.chars().peekable();
    let ends_name = |c: char| c.is_whitespace() || c == '>' || c == '/' || c == '=';
    while let Some(c) = chars.next() {
        if c != '<' {
            continue;
        }
        if chars.peek() == Some(&'/') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek().filter(|&&c| !ends_name(c)) {
            name.push(c.to_ascii_lowercase());
            chars.next();
        }
        let mut attrs = Vec::new();
        loop {
            match chars.next() {
                None | Some('>') => break,
                Some(c) if c.is_whitespace() || c == '/' => {}
                Some(first) => {
                    let mut key = first.to_ascii_lowercase().to_string();
                    while let Some(&c) = chars.peek().filter(|&&c| !ends_name(c)) {
                        key.push(c.to_ascii_lowercase());
                        chars.next();
                    }
                    let mut value = String::new();
                    if chars.peek() == Some(&'=') {
                        chars.next();
                        match chars.peek().copied() {
                            Some(quote @ ('"' | '\'')) => {
                                chars.next();
                                value.extend(chars.by_ref().take_while(|&c| c != quote));
                            }
                            _ => {
                                while let Some(&c) =
                                    chars.peek().filter(|&&c| !c.is_whitespace() && c != '>')
                                {
                                    value.push(c);
                                    chars.next();
                                }
                            }
                        }
                    }
                    attrs.push((key, value));
                }
            }
        }
        out.push(Tag { name, attrs });
    }
    out
}

/// An attribute value as a browser would read it as a URL: entities decoded, and the ASCII
/// whitespace and control characters it ignores in a scheme removed.
fn as_url(value: &str) -> String {
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Everything in `html` that could run script or restyle the page.
fn violations(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for tag in tags(html) {
        if !TAGS.contains(&tag.name.as_str()) {
            found.push(format!("element <{}>", tag.name));
        }
        for (key, value) in &tag.attrs {
            if key.starts_with("on") || key == "style" || !ATTRIBUTES.contains(&key.as_str()) {
                found.push(format!("attribute {key}={value:?} on <{}>", tag.name));
            }
            if key == "href" {
                let url = as_url(value);
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    found.push(format!("link to {value:?}"));
                }
            }
        }
    }
    found
}

/// Every `text` field in a topic or comment as the simulator serves it: the topic's own, the
/// answer's, and those of its comments and replies.
fn texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    Value::String(text) if key == "text" => out.push(text.clone()),
                    _ => texts(field, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| texts(item, out)),
        _ => {}
    }
}

#[test]
fn the_checker_catches_what_it_is_for() {
    for bad in [
        "<p><script>x</script></p>",
        "<p onclick=\"x\">a</p>",
        "<p><span style=\"position:fixed\">a</span></p>",
        "<a href=\"javascript:x\">a</a>",
        "<a href=\"java\tscript:x\">a</a>",
        "<a href=data:text/html,x>a</a>",
        "<p><svg onload=x></p>",
        "<p><iframe src=\"https://ok.example\"></iframe></p>",
        "<style>body{display:none}</style>",
    ] {
        assert!(!violations(bad).is_empty(), "{bad}");
    }
    assert_eq!(
        violations(concat!(
            r#"<p>&lt;script&gt; onerror=&quot;javascript:x&quot; style="a"<br><strong>b</strong></p>"#,
            r#"<p><a href="https://ok.example/&quot;><script>" class="zsxq-link external" target="_blank" rel="noopener">c</a></p>"#,
        )),
        Vec::<String>::new()
    );
}

#[test]
fn hostile_texts_render_inert_and_keep_their_visible_text() {
    let config = SimConfig {
        dataset: Dataset::Hostile,
        ..SimConfig::default()
    };
    let mut all = Vec::new();
    zsxq_sim::export(&config, "http://127.0.0.1:9", |topic| {
        texts(&topic.topic, &mut all);
        for comment in &topic.comments {
            texts(comment, &mut all);
        }
        ControlFlow::Continue(())
    })
    .expect("the hostile dataset builds");
    let topics = all
        .iter()
        .filter(|t| !t.lines().next().unwrap_or_default().contains('.'))
        .count();
    assert!(topics >= 30 && all.len() > topics, "{} texts", all.len());

    let canary = format!("window.{CANARY}=1");
    for text in &all {
        let marker = text.lines().next().unwrap_or_default();
        assert!(
            marker.starts_with(MARKER) && text.contains(CANARY),
            "not a hostile text: {text}"
        );
        let html = to_html(&parse(text));
        let lower = html.to_lowercase();
        for element in [
            "<script", "<svg", "<iframe", "<style", "<img", "<div", "<details",
        ] {
            assert!(!lower.contains(element), "{element} in {html}");
        }
        let found = violations(&html);
        assert!(found.is_empty(), "{found:?}\nin {html}\nfrom {text}");
        assert!(html.contains(marker), "{marker:?} is not shown: {html}");
        // The payloads are shown as the text they are, not dropped.
        assert!(html.contains(&canary), "{html}");
    }
}
