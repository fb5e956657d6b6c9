//! JSON lines: one object per topic with everything the archive holds about it, lossless, for
//! scripts. `topic` and `comments` are the service's own JSON (unknown fields included), the
//! rest is what the archive added: the circle, the article's body, where images are cached.

use serde_json::{Value, json};

use super::doc::Doc;

/// One line (without its newline). Ids are strings, as in the IPC: they exceed 2^53.
pub fn line(doc: &Doc) -> Result<String, serde_json::Error> {
    let topic: Value = serde_json::from_str(&doc.raw)?;
    let comments = doc
        .raw_comments
        .iter()
        .map(|c| serde_json::from_str(c))
        .collect::<Result<Vec<Value>, _>>()?;
    let article = doc
        .article
        .as_ref()
        .map(|a| json!({ "title": a.title, "url": a.url, "html": a.raw_html, "text": a.text }));
    serde_json::to_string(&json!({
        "topic_id": doc.id.to_string(),
        "circle": { "group_id": doc.group_id.to_string(), "name": doc.circle },
        "deleted_at_ms": doc.deleted_at_ms,
        "topic": topic,
        "comments": comments,
        "article": article,
    }))
}
