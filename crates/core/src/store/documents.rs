//! 已保存 / Saved: documents imported from outside the circles ([`crate::import`]). Each write
//! records a `document` change, so the search index follows imports like it follows a sync.
//!
//! A document is the same one when it has the same original URL, else when it comes from the
//! same file; an identical file (same bytes) from elsewhere is a copy and changes nothing.

use sqlx::{FromRow, SqliteConnection};

use super::feed::{self, ChangeEntity, ChangeOp, NewChange};
use super::{Store, StoreError};
use crate::import::{BodyFormat, Document, Highlight};

/// A document to store, with where it came from.
#[derive(Debug, Clone)]
pub struct NewDocument {
    pub doc: Document,
    /// The absolute path of the file.
    pub origin: String,
    /// SHA-256 of the file's bytes, in hex.
    pub content_hash: String,
    /// When it was saved: the file's date, else its modification time.
    pub saved_ms: i64,
    pub imported_ms: i64,
}

/// What storing one document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Added,
    Updated,
    Unchanged,
}

/// A stored document, as the list and the reader show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocument {
    pub doc_id: i64,
    pub title: String,
    pub url: Option<String>,
    pub author: Option<String>,
    pub site: Option<String>,
    pub origin: String,
    pub saved_ms: i64,
    pub imported_ms: i64,
    pub format: BodyFormat,
    pub body: String,
    pub highlights: Vec<Highlight>,
    pub tags: Vec<String>,
}

/// A document in the list: no body.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DocumentSummary {
    pub doc_id: i64,
    pub title: String,
    pub site: Option<String>,
    pub author: Option<String>,
    pub saved_ms: i64,
    /// How many highlights it has.
    pub highlights: i64,
    /// The start of its text.
    pub excerpt: String,
}

/// A document as the search index sees it.
#[derive(Debug, Clone, FromRow)]
pub struct SourceDocument {
    pub doc_id: i64,
    pub title: String,
    pub author: Option<String>,
    pub site: Option<String>,
    pub saved_ms: i64,
    pub plain_text: String,
    /// JSON array of names.
    pub tags: String,
}

#[derive(FromRow)]
struct DocumentRow {
    doc_id: i64,
    title: String,
    url: Option<String>,
    author: Option<String>,
    site: Option<String>,
    origin: String,
    saved_ms: i64,
    imported_ms: i64,
    format: String,
    body: String,
    highlights: String,
    tags: String,
}

/// The host of a web address without `www.`: `https://www.zhihu.com/question/1` → `zhihu.com`.
pub fn site_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    let host = host.strip_prefix("www.").unwrap_or(host).to_lowercase();
    (!host.is_empty()).then_some(host)
}

/// Characters of text in a list's excerpt.
const EXCERPT_CHARS: usize = 140;

impl Store {
    /// Stores `docs` in one transaction: added, updated or unchanged, each.
    pub async fn put_documents(&self, docs: &[NewDocument]) -> Result<Vec<Stored>, StoreError> {
        if docs.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let mut outcomes = Vec::with_capacity(docs.len());
        for doc in docs {
            outcomes.push(put_one(&mut tx, doc).await?);
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    /// Documents, newest saved first, `limit` from `offset`.
    pub async fn documents(
        &self,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<DocumentSummary>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT doc_id, title, site, author, saved_ms, json_array_length(highlights) AS highlights,
                    substr(plain_text, 1, ?) AS excerpt
             FROM documents ORDER BY saved_ms DESC, doc_id DESC LIMIT ? OFFSET ?",
        )
        .bind(EXCERPT_CHARS as i64)
        .bind(i64::from(limit))
        .bind(i64::from(offset))
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many documents there are.
    pub async fn document_count(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM documents")
            .fetch_one(&self.pool)
            .await?)
    }

    /// One document, `None` if there is none with that id.
    pub async fn document(&self, doc_id: i64) -> Result<Option<StoredDocument>, StoreError> {
        let row: Option<DocumentRow> = sqlx::query_as(
            "SELECT doc_id, title, url, author, site, origin, saved_ms, imported_ms, format, body,
                    highlights, tags
             FROM documents WHERE doc_id = ?",
        )
        .bind(doc_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StoredDocument {
                doc_id: r.doc_id,
                title: r.title,
                url: r.url,
                author: r.author,
                site: r.site,
                origin: r.origin,
                saved_ms: r.saved_ms,
                imported_ms: r.imported_ms,
                format: BodyFormat::parse(&r.format),
                body: r.body,
                highlights: serde_json::from_str(&r.highlights)?,
                tags: serde_json::from_str(&r.tags)?,
            })
        })
        .transpose()
    }

    /// Removes a document (the file it came from stays); `false` if there was none.
    pub async fn remove_document(&self, doc_id: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let removed = sqlx::query("DELETE FROM documents WHERE doc_id = ?")
            .bind(doc_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if removed {
            // The index finds no document under this id and drops its unit.
            record(&mut tx, doc_id, ChangeOp::Update, &["removed"]).await?;
        }
        tx.commit().await?;
        Ok(removed)
    }

    /// The search source of the documents among `ids` that exist.
    pub async fn search_documents(&self, ids: &[i64]) -> Result<Vec<SourceDocument>, StoreError> {
        let ids = serde_json::to_string(ids)?;
        Ok(sqlx::query_as(
            "SELECT doc_id, title, author, site, saved_ms, plain_text, tags FROM documents
             WHERE doc_id IN (SELECT value FROM json_each(?)) ORDER BY doc_id",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Up to `limit` documents with an id above `after`, in id order: the index's rebuild walk.
    pub async fn search_documents_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SourceDocument>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT doc_id, title, author, site, saved_ms, plain_text, tags FROM documents
             WHERE doc_id > ? ORDER BY doc_id LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }
}

async fn record(
    conn: &mut SqliteConnection,
    doc_id: i64,
    op: ChangeOp,
    fields: &[&str],
) -> Result<(), StoreError> {
    feed::record(
        conn,
        NewChange {
            entity: ChangeEntity::Document,
            entity_id: doc_id,
            group_id: 0,
            topic_id: doc_id,
            op,
            fields,
        },
    )
    .await
}

async fn put_one(conn: &mut SqliteConnection, new: &NewDocument) -> Result<Stored, StoreError> {
    let doc = &new.doc;
    // The same document: by its URL, else by its file; a copy: by its bytes.
    let existing: Option<(i64, String)> = match &doc.url {
        Some(url) => {
            sqlx::query_as("SELECT doc_id, content_hash FROM documents WHERE url = ?")
                .bind(url)
                .fetch_optional(&mut *conn)
                .await?
        }
        None => None,
    };
    let existing = match existing {
        Some(found) => Some(found),
        None => {
            sqlx::query_as(
                "SELECT doc_id, content_hash FROM documents
                 WHERE origin = ? AND (url IS NULL OR ? IS NULL) LIMIT 1",
            )
            .bind(&new.origin)
            .bind(&doc.url)
            .fetch_optional(&mut *conn)
            .await?
        }
    };
    if existing
        .as_ref()
        .is_some_and(|(_, hash)| *hash == new.content_hash)
    {
        return Ok(Stored::Unchanged);
    }
    if existing.is_none() {
        let copy: Option<i64> =
            sqlx::query_scalar("SELECT doc_id FROM documents WHERE content_hash = ? LIMIT 1")
                .bind(&new.content_hash)
                .fetch_optional(&mut *conn)
                .await?;
        if copy.is_some() {
            return Ok(Stored::Unchanged);
        }
    }
    let highlights = serde_json::to_string(&doc.highlights)?;
    let tags = serde_json::to_string(&doc.tags)?;
    let site = doc.url.as_deref().and_then(site_of);
    let doc_id: i64 = sqlx::query_scalar(
        "INSERT INTO documents (doc_id, url, origin, content_hash, title, author, site, saved_ms,
                                imported_ms, format, body, plain_text, highlights, tags)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (doc_id) DO UPDATE SET
             url = excluded.url, origin = excluded.origin, content_hash = excluded.content_hash,
             title = excluded.title, author = excluded.author, site = excluded.site,
             saved_ms = excluded.saved_ms, imported_ms = excluded.imported_ms,
             format = excluded.format, body = excluded.body, plain_text = excluded.plain_text,
             highlights = excluded.highlights, tags = excluded.tags
         RETURNING doc_id",
    )
    .bind(existing.as_ref().map(|(id, _)| *id))
    .bind(&doc.url)
    .bind(&new.origin)
    .bind(&new.content_hash)
    .bind(&doc.title)
    .bind(&doc.author)
    .bind(site)
    .bind(new.saved_ms)
    .bind(new.imported_ms)
    .bind(doc.format.as_str())
    .bind(&doc.body)
    .bind(&doc.text)
    .bind(highlights)
    .bind(tags)
    .fetch_one(&mut *conn)
    .await?;
    Ok(match existing {
        Some(_) => {
            record(conn, doc_id, ChangeOp::Update, &["content"]).await?;
            Stored::Updated
        }
        None => {
            record(conn, doc_id, ChangeOp::Insert, &[]).await?;
            Stored::Added
        }
    })
}

#[cfg(test)]
mod tests {
    use super::site_of;

    #[test]
    fn sites_are_hosts_without_www() {
        assert_eq!(
            site_of("https://www.zhihu.com/question/1").as_deref(),
            Some("zhihu.com")
        );
        assert_eq!(
            site_of("http://u:p@Example.COM:8080/x").as_deref(),
            Some("example.com")
        );
        assert_eq!(site_of("not a url"), None);
    }
}
