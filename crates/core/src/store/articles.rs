//! Long-form articles: the link comes with the topic; the body is fetched later
//! ([`Store::articles_to_fetch`]) and stored with its text ([`Store::store_article_body`]),
//! which writes a change row so search indexes it.

use serde::{Deserialize, Serialize};
use zsxq::{GroupId, TopicId};

use super::feed::{self, ChangeEntity, ChangeOp, NewChange};
use super::{Store, StoreError};

/// An article whose body is not archived yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleLink {
    /// The topic announcing it.
    pub topic_id: TopicId,
    /// The article's short id.
    pub article_id: String,
    /// Its title.
    pub title: String,
    /// The page to fetch.
    pub article_url: Option<String>,
}

impl Store {
    /// Up to `limit` articles without a body, newest topic first.
    pub async fn articles_to_fetch(&self, limit: u32) -> Result<Vec<ArticleLink>, StoreError> {
        self.articles_without_body(None, limit).await
    }

    /// Up to `limit` articles of circle `group` without a body, newest topic first.
    pub async fn articles_to_fetch_in(
        &self,
        group: GroupId,
        limit: u32,
    ) -> Result<Vec<ArticleLink>, StoreError> {
        self.articles_without_body(Some(group), limit).await
    }

    async fn articles_without_body(
        &self,
        group: Option<GroupId>,
        limit: u32,
    ) -> Result<Vec<ArticleLink>, StoreError> {
        let rows: Vec<(i64, String, String, Option<String>)> = sqlx::query_as(concat!(
            "SELECT a.topic_id, a.article_id, a.title, a.article_url
             FROM articles a JOIN topics t ON t.topic_id = a.topic_id
             WHERE (?1 IS NULL OR t.group_id = ?1) AND ",
            article_due!(),
            "
             ORDER BY t.create_time_ms DESC, t.topic_id DESC
             LIMIT ?2"
        ))
        .bind(group.map(GroupId::get))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(topic_id, article_id, title, article_url)| ArticleLink {
                topic_id: TopicId::new(topic_id),
                article_id,
                title,
                article_url,
            })
            .collect())
    }

    /// Stores the fetched HTML of `topic`'s article and the text extracted from it. Storing
    /// the same body again changes nothing; returns whether anything changed.
    pub async fn store_article_body(
        &self,
        topic: TopicId,
        html: &str,
        text: &str,
    ) -> Result<bool, StoreError> {
        let topic_id = topic.get();
        let mut tx = self.begin_write().await?;
        let old: Option<(i64, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT t.group_id, a.html, a.text
             FROM articles a JOIN topics t ON t.topic_id = a.topic_id
             WHERE a.topic_id = ?",
        )
        .bind(topic_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((group_id, old_html, old_text)) = old else {
            return Err(StoreError::UnknownArticle { topic_id });
        };
        if old_html.as_deref() == Some(html) && old_text.as_deref() == Some(text) {
            return Ok(false);
        }
        sqlx::query("UPDATE articles SET html = ?, text = ? WHERE topic_id = ?")
            .bind(html)
            .bind(text)
            .bind(topic_id)
            .execute(&mut *tx)
            .await?;
        let (op, fields): (ChangeOp, &[&str]) = if old_html.is_none() {
            (ChangeOp::Insert, &[])
        } else {
            (ChangeOp::Update, &["html", "text"])
        };
        feed::record(
            &mut tx,
            NewChange {
                entity: ChangeEntity::Article,
                entity_id: topic_id,
                group_id,
                topic_id,
                op,
                fields,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The archived body of `topic`'s article: `(html, text)`, if fetched.
    pub async fn article_body(
        &self,
        topic: TopicId,
    ) -> Result<Option<(String, String)>, StoreError> {
        let row: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT html, text FROM articles WHERE topic_id = ?")
                .bind(topic.get())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(html, text)| Some((html?, text.unwrap_or_default()))))
    }
}
