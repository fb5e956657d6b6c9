//! Saved web pages: the title, byline and main text picked out by `dom_smoothie` (a port of
//! Mozilla's Readability, the reader view of Firefox), the navigation, ads and comments left
//! behind. The body is kept as HTML and sanitized again whenever it is shown.

use dom_smoothie::Readability;

use super::{BodyFormat, Document, FileProblem, parse_time, web_url};

/// Reads a saved page. `stem` is the title when the page has none.
pub fn read(html: &str, stem: &str) -> Result<Document, FileProblem> {
    let url = saved_from(html);
    let mut reader = Readability::new(html, url.as_deref().filter(|u| web_url(u)), None)
        .map_err(|err| FileProblem::Unreadable(err.to_string()))?;
    let article = reader
        .parse()
        .map_err(|err| FileProblem::Unreadable(format!("no main text found ({err})")))?;
    let title = article.title.trim();
    let text = article.text_content.trim().to_owned();
    Ok(Document {
        title: if title.is_empty() { stem } else { title }.to_owned(),
        url: article.url.filter(|u| web_url(u)).or(url),
        author: article.byline.filter(|b| !b.trim().is_empty()),
        saved_ms: article.published_time.as_deref().and_then(parse_time),
        tags: Vec::new(),
        format: BodyFormat::Html,
        body: zsxq::rich_text::sanitize_document(&article.content),
        text,
        highlights: Vec::new(),
        warnings: Vec::new(),
    })
}

/// The address a browser noted when it saved the page: `<!-- saved from url=(0042)https://… -->`.
fn saved_from(html: &str) -> Option<String> {
    let head = html.get(..html.len().min(4096)).unwrap_or(html);
    let at = head.find("saved from url=(")?;
    let rest = &head[at..];
    let start = rest.find(')')? + 1;
    let url = rest[start..].split_whitespace().next()?;
    let url = url.strip_suffix("-->").unwrap_or(url);
    web_url(url).then(|| url.to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html>
<!-- saved from url=(0037)https://example.com/posts/zsxq-review -->
<html><head><title>知识星球值得加入吗 | 某博客</title>
<meta name="author" content="林安">
<script>alert(1)</script></head>
<body><nav><a href="/">首页</a> <a href="/about">关于</a></nav>
<article><h1>知识星球值得加入吗</h1>
<p>付费社群最大的问题是价值信息流过于分散，想要从中获取对自己有价值的信息，可能需要花很多时间去筛选。</p>
<p>知识星球对比微信社群的好处是，它更像一个社区，每天更新的内容更容易沉淀且搜索，且价值度更高。</p>
<p onclick="steal()">一个星球是否能持续产出价值，一部分因素在于星球主能否持续提供高质量内容以及高质量回答。<img src="x" onerror="steal()"></p>
</article><footer>版权所有</footer></body></html>"#;

    #[test]
    fn the_main_text_and_title_of_a_saved_page() {
        let doc = read(PAGE, "page").unwrap();
        assert!(doc.title.contains("知识星球值得加入吗"), "{}", doc.title);
        assert_eq!(
            doc.url.as_deref(),
            Some("https://example.com/posts/zsxq-review")
        );
        assert!(doc.text.contains("价值信息流过于分散"));
        assert!(!doc.text.contains("alert(1)"));
        for inert in ["<script", "onclick", "onerror", "<img"] {
            assert!(!doc.body.contains(inert), "{inert} in {}", doc.body);
        }
    }
}
