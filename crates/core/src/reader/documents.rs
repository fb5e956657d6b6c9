//! 已保存 / Saved in the reader: the imported documents as a list, and one document as HTML.
//!
//! A Markdown body is rendered here with pulldown-cmark and then sanitized with the article
//! allow-list plus `<mark>` ([`zsxq::rich_text::sanitize_document`]): raw HTML in a note is
//! shown as text, images become links to where they live (nothing remote is loaded, and the
//! CSP would refuse it), and `==marked==` passages (Omnivore's and Obsidian's highlights) are
//! marked. A saved page's HTML was sanitized at import and is sanitized again here, so a
//! document written by an older build is held to today's allow-list.

use orrery_ipc::commands::{DocumentDto, DocumentRowDto, DocumentsDto, HighlightDto};
use orrery_ipc::id::DocumentId;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use zsxq::rich_text::sanitize_document;

use crate::import::BodyFormat;
use crate::store::{Store, StoreError, StoredDocument};

/// A page of the list.
pub async fn documents(store: &Store, offset: u32, limit: u32) -> Result<DocumentsDto, StoreError> {
    let rows = store.documents(offset, limit).await?;
    Ok(DocumentsDto {
        documents: rows
            .into_iter()
            .map(|d| DocumentRowDto {
                id: DocumentId::new(d.doc_id),
                title: d.title,
                site: d.site,
                author: d.author,
                saved_ms: d.saved_ms,
                highlights: u32::try_from(d.highlights).unwrap_or(0),
                excerpt: d.excerpt,
            })
            .collect(),
        total: u64::try_from(store.document_count().await?).unwrap_or(0),
    })
}

/// One document for the reader.
pub fn document(doc: StoredDocument) -> DocumentDto {
    let html = match doc.format {
        BodyFormat::Markdown => markdown_html(&doc.body),
        BodyFormat::Html => sanitize_document(&doc.body),
    };
    DocumentDto {
        id: DocumentId::new(doc.doc_id),
        title: doc.title,
        url: doc.url,
        site: doc.site,
        author: doc.author,
        saved_ms: doc.saved_ms,
        imported_ms: doc.imported_ms,
        origin: doc.origin,
        html,
        highlights: doc
            .highlights
            .into_iter()
            .map(|h| HighlightDto {
                quote: h.quote,
                note: h.note,
            })
            .collect(),
        tags: doc.tags,
    }
}

/// Markdown as sanitized HTML, `==marks==` as `<mark>`.
pub fn markdown_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events = Vec::new();
    // Whether a `==` mark is open; closed at the end of its block at the latest.
    let mut marking = false;
    for event in Parser::new_ext(markdown, options) {
        match event {
            // A note's raw HTML is shown as what it is: text.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::Text(text) if text.contains("==") => {
                for (i, part) in text.split("==").enumerate() {
                    if i > 0 {
                        marking = !marking;
                        events.push(Event::InlineHtml(CowStr::Borrowed(if marking {
                            "<mark>"
                        } else {
                            "</mark>"
                        })));
                    }
                    if !part.is_empty() {
                        events.push(Event::Text(CowStr::from(part.to_owned())));
                    }
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
                events.push(Event::Text(CowStr::Borrowed("🖼 ")));
            }
            Event::End(TagEnd::Image) => events.push(Event::End(TagEnd::Link)),
            Event::End(
                end @ (TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell),
            ) => {
                if marking {
                    marking = false;
                    events.push(Event::InlineHtml(CowStr::Borrowed("</mark>")));
                }
                events.push(Event::End(end));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    sanitize_document(&html)
}

#[cfg(test)]
mod tests {
    use super::markdown_html;

    #[test]
    fn marks_links_and_raw_html() {
        let html = markdown_html(
            "正文 ==划线 [链接](https://example.com/a) 的句子== 结束。\n\n\
             <script>alert(1)</script> <img src=x onerror=alert(1)>\n\n\
             ![图](https://img.example.com/p.png) [坏](javascript:alert(1))",
        );
        assert!(html.contains("<mark>划线 <a"), "{html}");
        assert!(html.contains("的句子</mark> 结束"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(
            !html.contains("<script") && !html.contains("<img"),
            "{html}"
        );
        assert!(
            html.contains(r#"href="https://img.example.com/p.png""#),
            "{html}"
        );
        assert!(!html.contains("javascript:alert(1)\""), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
    }

    #[test]
    fn an_unclosed_mark_ends_with_its_paragraph() {
        let html = markdown_html("==开了没关\n\n下一段");
        assert_eq!(
            html.matches("<mark>").count(),
            html.matches("</mark>").count()
        );
        assert!(html.contains("<p>下一段</p>"), "{html}");
    }
}
