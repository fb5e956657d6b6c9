//! One self-contained HTML file: a table of contents, then every topic with its posts, article
//! and comments; the cached images inlined as `data:` URLs. Readable in any browser, offline,
//! and printable to PDF (the style sheet has a print layout).
//!
//! It makes no request of its own: the text is the reader's sanitized HTML (no images, scripts
//! or styles from the service; links only to the web, opened on a click), images are inline,
//! and a Content-Security-Policy in the page forbids loading anything else, should hostile
//! content ever get past the sanitizer.

use std::fmt::Write as _;

use base64::Engine as _;
use zsxq::rich_text::{escape_html as escape, to_html};

use super::doc::{Doc, Head, Picture, Reply};
use super::words::Words;

/// An image's `src` (a `data:` URL), when it is cached.
pub type Inline<'a> = &'a dyn Fn(&Picture) -> Option<String>;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',\
'Microsoft YaHei',sans-serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.7;\
color:#1d1d1f}h1{font-size:1.6em}h2{font-size:1.3em;margin-top:2.5em;border-top:1px solid #ddd;\
padding-top:1em}h3{font-size:1.05em}.meta{color:#666;font-size:.9em}nav ol{padding-left:1.2em}\
img{max-width:100%;height:auto;display:block;margin:.5em 0}.comments{font-size:.95em}\
.comments li{margin:.6em 0}.missing{color:#888;font-style:italic}.tag{color:#a0522d}\
@media print{h2{break-before:page;border:none}nav{break-after:page}a{color:inherit}}";

/// The start of the file, up to the table of contents of `heads` (in export order).
pub fn head(title: &str, lang: &str, heads: &[Head], words: &Words) -> String {
    let mut out = String::with_capacity(256 + heads.len() * 96);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; \
         style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        title = escape(title),
    );
    let _ = writeln!(out, "<nav><h2>{}</h2><ol>", words.contents);
    for head in heads {
        let _ = writeln!(
            out,
            "<li><a href=\"#t{}\">{} {}</a></li>",
            head.id,
            head.date(),
            escape(&head.title)
        );
    }
    out.push_str("</ol></nav>\n");
    out
}

/// The end of the file.
pub const FOOT: &str = "</body>\n</html>\n";

/// One topic's `<article>`.
pub fn topic(doc: &Doc, words: &Words, inline: Inline<'_>) -> String {
    let mut out = String::with_capacity(4096);
    write_topic(&mut out, doc, words, inline);
    out
}

fn write_topic(out: &mut String, doc: &Doc, words: &Words, inline: Inline<'_>) {
    let _ = writeln!(
        out,
        "<article id=\"t{}\">\n<h2>{}</h2>",
        doc.id,
        escape(&doc.title)
    );
    let mut meta = vec![escape(&doc.circle)];
    meta.push(escape(doc.author.as_deref().unwrap_or(words.anonymous)));
    meta.push(escape(
        &doc.created
            .to_string()
            .replace('T', " ")
            .chars()
            .take(16)
            .collect::<String>(),
    ));
    if doc.digest {
        meta.push(format!("<span class=\"tag\">{}</span>", words.digest));
    }
    if doc.deleted_at_ms.is_some() {
        meta.push(format!("<span class=\"tag\">{}</span>", words.deleted));
    }
    meta.push(format!(
        "<a href=\"{}\">{}</a>",
        escape(&doc.web_url()),
        words.web
    ));
    let _ = writeln!(out, "<p class=\"meta\">{}</p>", meta.join(" · "));
    for part in &doc.parts {
        if let Some(heading) = words.role(part.role) {
            let by = part.author.as_deref().unwrap_or(words.anonymous);
            let _ = writeln!(out, "<h3>{heading} · {}</h3>", escape(by));
        }
        out.push_str(&to_html(&part.nodes));
        images(out, &part.images, words, inline);
        if !part.files.is_empty() {
            let _ = write!(out, "<p class=\"meta\">{}: ", words.files);
            let names: Vec<String> = part.files.iter().map(|(n, _)| escape(n)).collect();
            let _ = writeln!(out, "{}</p>", names.join(", "));
        }
    }
    if let Some(article) = &doc.article {
        let _ = writeln!(
            out,
            "<h3>{} · {}</h3>",
            words.article,
            escape(&article.title)
        );
        match &article.html {
            Some(html) => out.push_str(html),
            None => {
                let _ = writeln!(out, "<p class=\"missing\">{}</p>", words.article_missing);
            }
        }
    }
    if !doc.comments.is_empty() {
        let _ = writeln!(out, "<h3>{} ({})</h3>", words.comments, doc.comments.len());
        out.push_str("<ul class=\"comments\">\n");
        for reply in &doc.comments {
            comment(out, reply, words, inline);
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
}

fn comment(out: &mut String, reply: &Reply, words: &Words, inline: Inline<'_>) {
    let mut head = format!("<strong>{}</strong>", escape(&reply.author));
    if let Some(to) = &reply.repliee {
        let _ = write!(head, " → {}", escape(to));
    }
    if let Some(time) = reply.time {
        let time: String = time
            .to_string()
            .replace('T', " ")
            .chars()
            .take(16)
            .collect();
        let _ = write!(head, " <span class=\"meta\">{}</span>", escape(&time));
    }
    let _ = write!(out, "<li>{head}{}", to_html(&reply.nodes));
    images(out, &reply.images, words, inline);
    out.push_str("</li>\n");
}

fn images(out: &mut String, pictures: &[Picture], words: &Words, inline: Inline<'_>) {
    for picture in pictures {
        match inline(picture) {
            Some(src) => {
                let _ = writeln!(out, "<img alt=\"\" src=\"{}\">", escape(&src));
            }
            None => {
                let _ = writeln!(out, "<p class=\"missing\">{}</p>", words.image_missing);
            }
        }
    }
}

/// A `data:` URL of an image's bytes.
pub fn data_url(mime: &str, bytes: &[u8]) -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    format!("data:{mime};base64,{}", engine.encode(bytes))
}
