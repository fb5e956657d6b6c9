//! What the search index is derived from: each topic with everything a reader searches for
//! (its text, file names, hashtags, author, circle, article), and each comment with its
//! topic's heading. Read in batches by id, either for the ids the change feed names or as a
//! keyset walk over the whole archive when the index is rebuilt. Both carry whether the
//! topic was deleted on 知识星球: deleted topics stay searchable, marked, and `is:deleted`
//! finds them with the comments that went with them.

use sqlx::FromRow;

use super::{Store, StoreError};

/// A topic as the index sees it. Q&A topics carry their raw JSON, because `plain_text` joins
/// question and answer while the index keeps them apart.
#[derive(Debug, Clone, FromRow)]
pub struct SourceTopic {
    pub topic_id: i64,
    pub group_id: i64,
    pub circle: String,
    /// `talk`, `q&a`, `task`, `solution` or a kind this build does not know.
    pub kind: String,
    pub create_time_ms: i64,
    pub title: Option<String>,
    pub plain_text: String,
    pub digested: bool,
    pub answered: bool,
    pub author: Option<String>,
    pub answerer: Option<String>,
    /// File names, one per line, in the topic's order.
    pub files: Option<String>,
    /// Hashtag names as a JSON array.
    pub tags: String,
    pub article_title: Option<String>,
    pub article_text: Option<String>,
    /// Only for `q&a`.
    pub raw_json: Option<String>,
    /// Marked deleted on the service.
    pub deleted: bool,
}

/// A comment or reply as the index sees it.
#[derive(Debug, Clone, FromRow)]
pub struct SourceComment {
    pub comment_id: i64,
    pub topic_id: i64,
    pub group_id: i64,
    pub circle: String,
    /// The comment's time, or its topic's when the service sent none.
    pub time_ms: i64,
    pub plain_text: String,
    pub author: String,
    /// The topic's title, or the start of its text: what the comment is about.
    pub topic_heading: String,
    /// Its topic is marked deleted on the service.
    pub deleted: bool,
}

/// The SELECT of [`SourceTopic`]; a macro so each query is one `&'static str` (sqlx only takes
/// SQL it can see is not built from input).
macro_rules! topic_select {
    () => {
        "
    SELECT t.topic_id, t.group_id, c.name AS circle, t.kind, t.create_time_ms, t.title,
           t.plain_text, t.digested, t.answered, ua.name AS author, ub.name AS answerer,
           (SELECT group_concat(f.name, char(10) ORDER BY f.position)
              FROM files f WHERE f.topic_id = t.topic_id) AS files,
           (SELECT json_group_array(h.name) FROM topic_hashtags h
             WHERE h.topic_id = t.topic_id) AS tags,
           a.title AS article_title, a.text AS article_text,
           CASE WHEN t.kind = 'q&a' THEN t.raw_json END AS raw_json,
           t.deleted_at_ms IS NOT NULL AS deleted
    FROM topics t
    JOIN circles c ON c.group_id = t.group_id
    LEFT JOIN users ua ON ua.user_id = t.author_id
    LEFT JOIN users ub ON ub.user_id = t.answerer_id
    LEFT JOIN articles a ON a.topic_id = t.topic_id"
    };
}

macro_rules! comment_select {
    () => {
        "
    SELECT m.comment_id, m.topic_id, t.group_id, c.name AS circle,
           COALESCE(m.create_time_ms, t.create_time_ms) AS time_ms, m.plain_text,
           COALESCE(u.name, '') AS author,
           COALESCE(NULLIF(t.title, ''), substr(t.plain_text, 1, 120)) AS topic_heading,
           t.deleted_at_ms IS NOT NULL AS deleted
    FROM comments m
    JOIN topics t ON t.topic_id = m.topic_id
    JOIN circles c ON c.group_id = t.group_id
    LEFT JOIN users u ON u.user_id = m.author_id"
    };
}

impl Store {
    /// The topics among `ids` that are archived, in id order.
    pub async fn search_topics(&self, ids: &[i64]) -> Result<Vec<SourceTopic>, StoreError> {
        Ok(sqlx::query_as(concat!(
            topic_select!(),
            " WHERE t.topic_id IN (SELECT value FROM json_each(?)) ORDER BY t.topic_id"
        ))
        .bind(serde_json::to_string(ids)?)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Up to `limit` topics with an id above `after`, in id order: one step of a full walk.
    pub async fn search_topics_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SourceTopic>, StoreError> {
        Ok(sqlx::query_as(concat!(
            topic_select!(),
            " WHERE t.topic_id > ? ORDER BY t.topic_id LIMIT ?"
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The comments among `ids` that are archived, in id order.
    pub async fn search_comments(&self, ids: &[i64]) -> Result<Vec<SourceComment>, StoreError> {
        Ok(sqlx::query_as(concat!(
            comment_select!(),
            " WHERE m.comment_id IN (SELECT value FROM json_each(?)) ORDER BY m.comment_id"
        ))
        .bind(serde_json::to_string(ids)?)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The archived comments of the topics among `topics`, in id order: what a topic's
    /// deletion re-marks.
    pub async fn search_comments_of(
        &self,
        topics: &[i64],
    ) -> Result<Vec<SourceComment>, StoreError> {
        Ok(sqlx::query_as(concat!(
            comment_select!(),
            " WHERE m.topic_id IN (SELECT value FROM json_each(?)) ORDER BY m.comment_id"
        ))
        .bind(serde_json::to_string(topics)?)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Up to `limit` comments with an id above `after`, in id order.
    pub async fn search_comments_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<SourceComment>, StoreError> {
        Ok(sqlx::query_as(concat!(
            comment_select!(),
            " WHERE m.comment_id > ? ORDER BY m.comment_id LIMIT ?"
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Topics and comments archived: the size of a full rebuild, for its progress.
    pub async fn search_source_size(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT (SELECT COUNT(*) FROM topics) + (SELECT COUNT(*) FROM comments)",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
