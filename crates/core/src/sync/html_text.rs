//! The readable text of an article page, for search and previews: tags dropped, block
//! elements turned into line breaks, `<head>`, scripts and styles left out, entities decoded,
//! blank lines collapsed. Deliberately small: the HTML itself is archived too, and the UI
//! renders it through the sanitizer, not through this.

/// Elements whose content is not text a reader sees.
const SKIPPED: [&str; 5] = ["head", "script", "style", "noscript", "template"];

/// Elements that end a line.
const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "pre",
    "header",
    "footer",
    "figure",
    "hr",
];

/// The text of `html`, one paragraph per line.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..open]));
        let after = &rest[open + 1..];
        let Some(close) = after.find('>') else {
            rest = "";
            break;
        };
        let tag = &after[..close];
        rest = &after[close + 1..];
        let name = tag_name(tag);
        if !tag.starts_with('/') && !tag.ends_with('/') && SKIPPED.contains(&name.as_str()) {
            // Skip to the matching end tag.
            let end = format!("</{name}");
            rest = match find_ignore_case(rest, &end) {
                Some(at) => rest[at..].find('>').map_or("", |gt| &rest[at + gt + 1..]),
                None => "",
            };
            continue;
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
    }
    out.push_str(&decode_entities(rest));
    out.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `p` from `p class="x"`, `/p`, `br/`; lower case.
fn tag_name(tag: &str) -> String {
    tag.trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn find_ignore_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .to_ascii_lowercase()
        .find(&needle.to_ascii_lowercase())
}

/// The entities articles use: the five XML ones, `&nbsp;`, and numeric references.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let entity = &after[1..semi];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            ch.map(|ch| (ch, semi))
        });
        match decoded {
            Some((ch, semi)) => {
                out.push(ch);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_keeps_paragraphs_and_drops_markup() {
        let html = "<!doctype html><html><head><title>标题</title><style>p{}</style></head>\
            <body><h1>长文 &amp; 笔记</h1><script>alert('x')</script>\
            <p>第一段，<b>加粗</b>的字。</p>\n\n<p>第二段&nbsp;&#x4E2D;&#25991;&lt;tag&gt;</p>\
            <br/>尾巴 &unknown; &</body></html>";
        assert_eq!(
            html_to_text(html),
            "长文 & 笔记\n第一段，加粗的字。\n第二段 中文<tag>\n尾巴 &unknown; &"
        );
    }

    #[test]
    fn broken_markup_does_not_panic() {
        assert_eq!(html_to_text("a <p unterminated"), "a");
        assert_eq!(html_to_text("<script>never closed"), "");
        assert_eq!(html_to_text(""), "");
        assert_eq!(html_to_text("&#xFFFFFFFF; ok"), "&#xFFFFFFFF; ok");
    }
}
