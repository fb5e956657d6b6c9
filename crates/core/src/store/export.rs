//! What an export reads: the topics of a scope in a stable order, where their images are
//! cached, and the raw JSON the archive keeps (for the lossless JSON lines).

use std::collections::HashMap;

use sqlx::{QueryBuilder, Sqlite};
use zsxq::{ImageId, TopicId};

use super::{Store, StoreError};
use crate::export::ExportScope;

/// A topic as [`Store::export_topics`] lists it: id, circle id, circle name, time text,
/// title, the start of the text.
pub type ExportRow = (i64, i64, String, String, Option<String>, String);

impl Store {
    /// The topics in `scope`, oldest first (ties by id): the order every format writes them
    /// in, so the same archive always gives the same export. Each with its circle, its time
    /// as the service wrote it, its title and the start of its text.
    pub async fn export_topics(&self, scope: &ExportScope) -> Result<Vec<ExportRow>, StoreError> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT t.topic_id, t.group_id, COALESCE(c.name, ''), t.create_time, t.title,
                    substr(t.plain_text, 1, 400)
             FROM topics t LEFT JOIN circles c ON c.group_id = t.group_id WHERE 1 = 1",
        );
        if let Some(circle) = scope.circle {
            sql.push(" AND t.group_id = ").push_bind(circle.get());
        }
        if scope.digests {
            sql.push(" AND t.digested = 1");
        }
        if scope.owner {
            sql.push(
                " AND t.author_id = (SELECT json_extract(g.raw_json, '$.owner.user_id')
                                     FROM circles g WHERE g.group_id = t.group_id)",
            );
        }
        if let Some(kind) = &scope.kind {
            sql.push(" AND t.kind = ")
                .push_bind(kind.as_str().to_owned());
        }
        if let Some(tag) = &scope.hashtag {
            sql.push(" AND t.topic_id IN (SELECT topic_id FROM topic_hashtags WHERE name = ")
                .push_bind(tag.clone())
                .push(")");
        }
        if let Some(column) = scope.column {
            sql.push(" AND t.topic_id IN (SELECT topic_id FROM topic_columns WHERE column_id = ")
                .push_bind(column)
                .push(")");
        }
        if let Some(after) = scope.after_ms {
            sql.push(" AND t.create_time_ms >= ").push_bind(after);
        }
        if let Some(before) = scope.before_ms {
            sql.push(" AND t.create_time_ms < ").push_bind(before);
        }
        if let Some(topics) = &scope.topics {
            let ids: Vec<i64> = topics.iter().map(|t| t.get()).collect();
            sql.push(" AND t.topic_id IN (SELECT value FROM json_each(")
                .push_bind(serde_json::to_string(&ids)?)
                .push("))");
        }
        sql.push(" ORDER BY t.create_time_ms, t.topic_id");
        Ok(sql.build_query_as().fetch_all(&self.pool).await?)
    }

    /// Where the cached images of `topic` (its comments' included) are, relative to the data
    /// directory.
    pub async fn cached_image_paths(
        &self,
        topic: TopicId,
    ) -> Result<HashMap<ImageId, String>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT image_id, local_path FROM images
             WHERE topic_id = ? AND local_path IS NOT NULL",
        )
        .bind(topic.get())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, path)| (ImageId::new(id), path))
            .collect())
    }

    /// The topic's JSON and its comments' as the service sent them (comments oldest first), or
    /// `None` when it is not archived.
    pub async fn raw_topic(
        &self,
        topic: TopicId,
    ) -> Result<Option<(String, Vec<String>)>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let Some((raw,)) =
            sqlx::query_as::<_, (String,)>("SELECT raw_json FROM topics WHERE topic_id = ?")
                .bind(topic.get())
                .fetch_optional(&mut *conn)
                .await?
        else {
            return Ok(None);
        };
        let comments: Vec<(String,)> = sqlx::query_as(
            "SELECT raw_json FROM comments WHERE topic_id = ? ORDER BY create_time_ms, comment_id",
        )
        .bind(topic.get())
        .fetch_all(&mut *conn)
        .await?;
        Ok(Some((raw, comments.into_iter().map(|(c,)| c).collect())))
    }
}
