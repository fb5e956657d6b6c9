//! `rich_text`: arbitrary UTF-8 through `parse` and every renderer.
//!
//! Invariants:
//! * `parse` and every renderer (`to_plain_text`, `to_markdown`, `to_html`, `to_zsxq`) return
//!   for any input, without panicking;
//! * text the parser keeps as text only is not altered: if `parse` yields nothing but text,
//!   `to_plain_text` gives back the input byte for byte;
//! * `to_html` emits only the allow-listed tags (`p br strong em a span`) with only their
//!   allow-listed attributes and classes, every `href` an `http(s)` URL, never an `on…`
//!   handler, and every tag well formed;
//! * `to_zsxq(parse(x))` parses back to the same nodes (the markup writer and the parser agree).
#![no_main]

use libfuzzer_sys::fuzz_target;
use zsxq::rich_text::{Node, mentioned_users, parse, to_html, to_markdown, to_plain_text, to_zsxq};

fuzz_target!(|text: &str| {
    let nodes = parse(text);
    let plain = to_plain_text(&nodes);
    let _ = to_markdown(&nodes);
    let _ = mentioned_users(&nodes);

    if nodes.iter().all(|node| matches!(node, Node::Text(_))) {
        assert_eq!(plain, text, "text-only input must survive unchanged");
    }

    check_html(&to_html(&nodes));

    let markup = to_zsxq(&nodes);
    assert_eq!(
        parse(&markup),
        nodes,
        "to_zsxq(parse(x)) must parse to the same nodes: {markup:?}"
    );
});

/// Tag name, the attributes it may carry, and the classes it may carry (as configured in
/// `rich_text/html.rs`).
const ALLOWED: &[(&str, &[&str], &[&str])] = &[
    ("p", &[], &[]),
    ("br", &[], &[]),
    ("strong", &[], &[]),
    ("em", &[], &[]),
    (
        "a",
        &["href", "class", "target", "rel"],
        &["zsxq-link", "external"],
    ),
    (
        "span",
        &["class", "data-hashtag-id", "data-user-id"],
        &["zsxq-hashtag", "zsxq-mention"],
    ),
];

/// Walks the serialized HTML. In html5ever's serialization a text `<` or `>` is always written
/// as an entity and an attribute value is always double-quoted with `"` escaped, so a `<`
/// outside a value opens a tag and a `"` inside a tag opens or closes a value.
fn check_html(html: &str) {
    let mut rest = html;
    while let Some(start) = rest.find(['<', '>']) {
        assert!(
            rest[start..].starts_with('<'),
            "raw `>` in text of {html:?}"
        );
        rest = check_tag(&rest[start + 1..], html);
    }
}

/// Checks one tag starting just after its `<`; returns what follows its `>`.
fn check_tag<'a>(tag: &'a str, html: &str) -> &'a str {
    let (closing, body) = match tag.strip_prefix('/') {
        Some(body) => (true, body),
        None => (false, tag),
    };
    let name_end = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let name = &body[..name_end];
    let Some(&(_, attributes, classes)) = ALLOWED.iter().find(|(allowed, ..)| *allowed == name)
    else {
        panic!("tag <{name}> outside the allow-list in {html:?}");
    };
    let mut rest = &body[name_end..];
    loop {
        rest = rest.trim_start_matches(' ');
        if let Some(after) = rest.strip_prefix('>') {
            return after;
        }
        assert!(!closing, "attributes on a closing tag in {html:?}");
        let eq = rest
            .find("=\"")
            .unwrap_or_else(|| panic!("malformed attribute in {html:?}"));
        let attribute = &rest[..eq];
        let value_and_rest = &rest[eq + 2..];
        let close = value_and_rest
            .find('"')
            .unwrap_or_else(|| panic!("unterminated attribute in {html:?}"));
        let value = &value_and_rest[..close];
        rest = &value_and_rest[close + 1..];

        assert!(
            attributes.contains(&attribute),
            "attribute {attribute:?} on <{name}> in {html:?}"
        );
        match attribute {
            "href" => {
                let lower = value.trim_start().to_ascii_lowercase();
                assert!(
                    lower.starts_with("http://") || lower.starts_with("https://"),
                    "non-web href {value:?} in {html:?}"
                );
            }
            "class" => {
                for class in value.split_ascii_whitespace() {
                    assert!(classes.contains(&class), "class {class:?} in {html:?}");
                }
            }
            "target" => assert_eq!(value, "_blank", "target in {html:?}"),
            "rel" => assert_eq!(value, "noopener noreferrer nofollow", "rel in {html:?}"),
            _ => assert!(
                !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit() || b == b'-'),
                "data attribute {attribute}={value:?} is not an id in {html:?}"
            ),
        }
    }
}
