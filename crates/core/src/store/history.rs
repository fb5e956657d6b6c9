//! What the service changes after the fact, kept rather than overwritten: the earlier texts of
//! edited topics ([`Revision`]), topics deleted on 知识星球 (marked, never removed), and list
//! items this build could not read (kept whole for a later version).
//!
//! A revision is recorded when a topic's own text changes — the talk, question, task or
//! solution text, or an answer that was already there — not when a question gets its first
//! answer or a counter moves: that is news, not an edit.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use zsxq::{GroupId, Topic, TopicId, UndecodedTopic};

use super::feed::{self, ChangeEntity, ChangeOp, NewChange};
use super::{Store, StoreError};

/// An earlier text of an edited topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Revision {
    /// 1 for the first text archived, counting up.
    pub revision: i64,
    /// The service's `modify_time` of that text, when it had one.
    pub modify_time: Option<String>,
    /// When a sync saw it replaced (Unix milliseconds).
    pub replaced_at_ms: i64,
    /// The text, as plain text.
    pub plain_text: String,
    /// The topic as it was served then.
    pub raw_json: String,
}

/// The texts an edit replaces: the body's own text and, once there is one, the answer's.
fn edited_texts(topic: &Topic) -> (Option<&str>, Option<&str>) {
    let answer = topic.answer.as_ref().and_then(|a| a.text.as_deref());
    (topic.text(), answer)
}

/// Whether `new` is an edit of `old` (both as served): its text changed, or an answer that
/// existed before changed.
pub(super) fn is_edit(old: &Topic, new: &Topic) -> bool {
    let (old_text, old_answer) = edited_texts(old);
    let (new_text, new_answer) = edited_texts(new);
    old_text != new_text || (old_answer.is_some() && old_answer != new_answer)
}

/// Keeps the archived version of `topic_id` as its next revision, inside the caller's
/// transaction (before the new version overwrites it).
pub(super) async fn keep_revision(
    conn: &mut SqliteConnection,
    topic_id: i64,
    modify_time: Option<&str>,
    plain_text: &str,
    raw_json: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO topic_revisions
             (topic_id, revision, modify_time, replaced_at_ms, plain_text, raw_json)
         VALUES (?1,
                 (SELECT COALESCE(MAX(revision), 0) + 1 FROM topic_revisions WHERE topic_id = ?1),
                 ?2, CAST(strftime('%s', 'now') AS INTEGER) * 1000, ?3, ?4)",
    )
    .bind(topic_id)
    .bind(modify_time)
    .bind(plain_text)
    .bind(raw_json)
    .execute(conn)
    .await?;
    Ok(())
}

/// Keeps the items of a page that did not decode, inside the caller's transaction; returns
/// how many were not kept before (the ones to report).
pub(super) async fn keep_undecoded(
    conn: &mut SqliteConnection,
    group: GroupId,
    items: &[UndecodedTopic],
) -> Result<u32, StoreError> {
    let mut new = 0;
    for item in items {
        let raw = serde_json::to_string(&item.raw)?;
        let key = item
            .topic_id
            .map_or_else(|| raw.clone(), |id| id.get().to_string());
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM undecoded_topics WHERE group_id = ? AND item_key = ?)",
        )
        .bind(group.get())
        .bind(&key)
        .fetch_one(&mut *conn)
        .await?;
        sqlx::query(
            "INSERT INTO undecoded_topics
                 (group_id, item_key, topic_id, create_time, error, raw_json, first_seen_ms)
             VALUES (?, ?, ?, ?, ?, ?, CAST(strftime('%s', 'now') AS INTEGER) * 1000)
             ON CONFLICT (group_id, item_key) DO UPDATE SET
                 error = excluded.error, raw_json = excluded.raw_json",
        )
        .bind(group.get())
        .bind(&key)
        .bind(item.topic_id.map(TopicId::get))
        .bind(item.create_time.map(|t| t.to_string()))
        .bind(&item.error)
        .bind(&raw)
        .execute(&mut *conn)
        .await?;
        new += u32::from(!known);
    }
    Ok(new)
}

/// A topic that decodes now leaves the undecoded list (an earlier version could not read it).
pub(super) async fn forget_undecoded(
    conn: &mut SqliteConnection,
    group: GroupId,
    topic: TopicId,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM undecoded_topics WHERE group_id = ? AND item_key = ?")
        .bind(group.get())
        .bind(topic.get().to_string())
        .execute(conn)
        .await?;
    Ok(())
}

impl Store {
    /// The earlier texts of `topic`, oldest first; empty if it was never edited.
    pub async fn revisions(&self, topic: TopicId) -> Result<Vec<Revision>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT revision, modify_time, replaced_at_ms, plain_text, raw_json
             FROM topic_revisions WHERE topic_id = ? ORDER BY revision",
        )
        .bind(topic.get())
        .fetch_all(&self.pool)
        .await?)
    }

    /// Archived topics of `group` created after `after_ms` (all of them for `None`) that are
    /// not marked deleted: what a walk from the top of the list down to `after_ms` must have
    /// seen.
    pub async fn live_topics_after(
        &self,
        group: GroupId,
        after_ms: Option<i64>,
    ) -> Result<Vec<TopicId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT topic_id FROM topics
             WHERE group_id = ? AND create_time_ms > ? AND deleted_at_ms IS NULL",
        )
        .bind(group.get())
        .bind(after_ms.unwrap_or(i64::MIN))
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(TopicId::new).collect())
    }

    /// Marks `topic` as deleted on the service, noticed at `now_ms`; keeps the first notice.
    /// Returns whether it was not marked before. The change feed names the field `deleted`,
    /// so search and the reader refresh the topic.
    pub async fn mark_deleted(&self, topic: TopicId, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let group: Option<i64> = sqlx::query_scalar(
            "UPDATE topics SET deleted_at_ms = ? WHERE topic_id = ? AND deleted_at_ms IS NULL
             RETURNING group_id",
        )
        .bind(now_ms)
        .bind(topic.get())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(group_id) = group else {
            return Ok(false);
        };
        feed::record(
            &mut tx,
            NewChange {
                entity: ChangeEntity::Topic,
                entity_id: topic.get(),
                group_id,
                topic_id: topic.get(),
                op: ChangeOp::Update,
                fields: &["deleted"],
            },
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// When the service's deletion of `topic` was noticed, if it was.
    pub async fn deleted_at(&self, topic: TopicId) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar::<_, Option<i64>>(
            "SELECT deleted_at_ms FROM topics WHERE topic_id = ?",
        )
        .bind(topic.get())
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    /// List items of `group` kept because they did not decode: `(topic id, error, raw JSON)`.
    pub async fn undecoded_topics(
        &self,
        group: GroupId,
    ) -> Result<Vec<(Option<i64>, String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT topic_id, error, raw_json FROM undecoded_topics
             WHERE group_id = ? ORDER BY first_seen_ms, item_key",
        )
        .bind(group.get())
        .fetch_all(&self.pool)
        .await?)
    }
}
