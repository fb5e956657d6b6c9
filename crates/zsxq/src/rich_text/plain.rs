//! Plain text, for the search index and notifications.

use super::Node;

/// Renders nodes as plain text: hashtags as `#标签#`, mentions as `@名字`, links by their title
/// (or the URL when untitled), bold and italic as their text. Newlines are kept.
pub fn to_plain_text(nodes: &[Node]) -> String {
    nodes.iter().map(Node::visible_text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rich_text::parse;

    #[test]
    fn flattens_entities_to_what_a_reader_sees() {
        let source = concat!(
            r#"<e type="text_bold" title="%E6%A0%87%E9%A2%98" />"#,
            "\n看",
            r#"<e type="web" href="https%3A%2F%2Ft.zsxq.com%2FYouIw" title="%E2%9C%85%20%E6%B1%87%E6%80%BB" />"#,
            "，",
            r#"<e type="web" href="https%3A%2F%2Fexample.com" title="" />"#,
            " ",
            r#"<e type="mention" uid="1" title="%40%E5%B0%8F%E5%82%85%E5%93%A5" />"#,
            " ",
            r#"<e type="hashtag" hid="2" title="%23%E5%A4%8D%E7%9B%98%23" />"#,
            r#"<e type="unknown_thing" title="%E6%9C%AA%E7%9F%A5" />"#,
            r#"<e type="unknown_thing" />"#,
        );
        assert_eq!(
            to_plain_text(&parse(source)),
            "标题\n看✅ 汇总，https://example.com @小傅哥 #复盘#未知"
        );
    }
}
