//! Writing comments: the inline ones of topic lists ([`keep_inline`]), whole threads
//! ([`Store::commit_comments`]), and which threads still need a walk.
//!
//! A topic list shows up to 8 comments inline with each topic (`show_comments`, replies among
//! them with `parent_comment_id` and `repliee`; docs/protocol.md §7). They are archived like
//! the thread endpoint's (one row per comment, by id, so a later walk finds them unchanged),
//! and when they are the whole thread — as many as the topic's `comments_count` — the thread
//! counts as walked: most topics never need a request of their own. Longer threads are walked
//! from `/v2/topics/{id}/comments` (replies nested under their parent).

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use zsxq::{Comment, GroupId, Image, Timestamp, Topic, TopicId};

use super::derive::{self, CommentRow, ImagePart};
use super::feed::{self, ChangeEntity, ChangeOp, NewChange};
use super::{Store, StoreError, catalog};

/// What [`Store::commit_comments`] did with a page of a thread.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentsOutcome {
    /// Comments and replies archived for the first time.
    pub inserted: u32,
    /// Archived before and changed in a tracked field.
    pub updated: u32,
    /// Archived before, nothing tracked changed.
    pub unchanged: u32,
}

/// A topic whose comment thread needs a walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadToFetch {
    /// The topic.
    pub topic_id: TopicId,
    /// Its `comments_count` as last archived (replies included).
    pub expected: u64,
    /// Comments and replies archived.
    pub stored: u64,
    /// Where an interrupted walk resumes (inclusive `begin_time`); `None` to start at the
    /// oldest comment.
    pub resume_at: Option<Timestamp>,
}

/// Upserts an image of a topic or comment, keeping its cached `local_path` (and why caching
/// failed, unless the URL changed).
pub(super) async fn write_image(
    conn: &mut SqliteConnection,
    topic_id: i64,
    comment_id: Option<i64>,
    part: ImagePart,
    position: i64,
    image: &Image,
) -> Result<(), StoreError> {
    let best = image.best();
    sqlx::query(
        "INSERT INTO images (image_id, topic_id, comment_id, part, position, format,
             thumbnail_url, large_url, original_url, width, height, size, raw_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (image_id) DO UPDATE SET
             topic_id = excluded.topic_id, comment_id = excluded.comment_id,
             part = excluded.part, position = excluded.position, format = excluded.format,
             thumbnail_url = excluded.thumbnail_url, large_url = excluded.large_url,
             original_url = excluded.original_url, width = excluded.width,
             height = excluded.height, size = excluded.size, raw_json = excluded.raw_json,
             -- A new URL may work where the old one failed.
             cache_error = CASE WHEN images.large_url = excluded.large_url
                 THEN images.cache_error END,
             cache_failures = CASE WHEN images.large_url = excluded.large_url
                 THEN images.cache_failures ELSE 0 END,
             cache_retry_at_ms = CASE WHEN images.large_url = excluded.large_url
                 THEN images.cache_retry_at_ms END",
    )
    .bind(image.image_id.get())
    .bind(topic_id)
    .bind(comment_id)
    .bind(part.as_str())
    .bind(position)
    .bind(&image.format)
    .bind(&image.thumbnail.url)
    .bind(&image.large.url)
    .bind(image.original.as_ref().map(|o| &o.url))
    .bind(best.width.map(i64::from))
    .bind(best.height.map(i64::from))
    .bind(best.size.map(|n| derive::count(Some(n))))
    .bind(serde_json::to_string(image)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// Upserts one comment (not its replies) of `topic_id` in circle `group_id`.
async fn upsert(
    conn: &mut SqliteConnection,
    group_id: i64,
    topic_id: i64,
    comment: &Comment,
    parent: Option<i64>,
) -> Result<Option<ChangeOp>, StoreError> {
    let comment_id = comment.comment_id.get();
    let row = derive::comment(comment, parent)?;
    let old: Option<(i64, CommentRow)> = sqlx::query_as::<_, OldComment>(
        "SELECT topic_id, parent_id, author_id, repliee_id, create_time_ms, create_time,
                plain_text, likes_count, sticky, raw_json
         FROM comments WHERE comment_id = ?",
    )
    .bind(comment_id)
    .fetch_optional(&mut *conn)
    .await?
    .map(|old| (old.topic_id, old.row));
    if let Some((old_topic, old_row)) = &old
        && *old_topic == topic_id
        && *old_row == row
    {
        return Ok(None);
    }

    catalog::upsert_user(conn, &comment.owner).await?;
    if let Some(repliee) = &comment.repliee {
        catalog::upsert_user(conn, repliee).await?;
    }
    sqlx::query(
        "INSERT INTO comments (comment_id, topic_id, parent_id, author_id, repliee_id,
             create_time_ms, create_time, plain_text, likes_count, sticky, raw_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (comment_id) DO UPDATE SET
             topic_id = excluded.topic_id, parent_id = excluded.parent_id,
             author_id = excluded.author_id, repliee_id = excluded.repliee_id,
             create_time_ms = excluded.create_time_ms, create_time = excluded.create_time,
             plain_text = excluded.plain_text, likes_count = excluded.likes_count,
             sticky = excluded.sticky, raw_json = excluded.raw_json",
    )
    .bind(comment_id)
    .bind(topic_id)
    .bind(row.parent_id)
    .bind(row.author_id)
    .bind(row.repliee_id)
    .bind(row.create_time_ms)
    .bind(&row.create_time)
    .bind(&row.plain_text)
    .bind(row.likes_count)
    .bind(row.sticky)
    .bind(&row.raw_json)
    .execute(&mut *conn)
    .await?;
    for (position, image) in (0_i64..).zip(comment.images.iter().flatten()) {
        write_image(
            conn,
            topic_id,
            Some(comment_id),
            ImagePart::Comment,
            position,
            image,
        )
        .await?;
    }

    let (op, fields) = match &old {
        None => (ChangeOp::Insert, Vec::new()),
        Some((old_topic, old_row)) => {
            let mut fields = old_row.changed_fields(&row);
            if *old_topic != topic_id {
                fields.push("topic_id");
            }
            (ChangeOp::Update, fields)
        }
    };
    if op == ChangeOp::Update && fields.is_empty() {
        // Only volatile parts (signed image URLs, unknown fields) moved.
        return Ok(None);
    }
    feed::record(
        conn,
        NewChange {
            entity: ChangeEntity::Comment,
            entity_id: comment_id,
            group_id,
            topic_id,
            op,
            fields: &fields,
        },
    )
    .await?;
    Ok(Some(op))
}

/// Archives `topic`'s inline comments inside the caller's transaction, and marks its thread
/// complete when they are all of it; returns the comments archived for the first time.
pub(super) async fn keep_inline(
    conn: &mut SqliteConnection,
    group: GroupId,
    topic: &Topic,
) -> Result<u32, StoreError> {
    let shown = topic.comments();
    if shown.is_empty() {
        return Ok(0);
    }
    let topic_id = topic.topic_id.get();
    let mut inserted = 0;
    for comment in shown {
        // Inline replies name their parent themselves.
        let op = upsert(conn, group.get(), topic_id, comment, None).await?;
        inserted += u32::from(op == Some(ChangeOp::Insert));
    }
    let total = topic.comments_count.unwrap_or(0);
    if shown.len() as u64 >= total {
        sqlx::query(
            "INSERT INTO thread_state (topic_id, next_begin_time, complete_at_count)
             VALUES (?, NULL, ?)
             ON CONFLICT (topic_id) DO UPDATE SET
                 next_begin_time = NULL, complete_at_count = excluded.complete_at_count
             WHERE thread_state.next_begin_time IS NOT NULL
                OR thread_state.complete_at_count IS NOT excluded.complete_at_count",
        )
        .bind(topic_id)
        .bind(derive::count(Some(total)))
        .execute(&mut *conn)
        .await?;
    }
    Ok(inserted)
}

#[derive(sqlx::FromRow)]
struct OldComment {
    topic_id: i64,
    #[sqlx(flatten)]
    row: CommentRow,
}

impl CommentsOutcome {
    fn tally(&mut self, op: Option<ChangeOp>) {
        match op {
            Some(ChangeOp::Insert) => self.inserted += 1,
            Some(ChangeOp::Update) => self.updated += 1,
            None => self.unchanged += 1,
        }
    }
}

impl Store {
    /// Archives one page of `topic`'s thread — top-level comments with their replies nested
    /// in `replied_comments`, as the thread endpoint sends them — and records where the walk
    /// resumes, in one transaction. `next` is the inclusive `begin_time` of the next page, or
    /// `None` when this page was the last: the thread is then complete at the topic's current
    /// `comments_count` and leaves [`Store::threads_to_fetch`] until that count moves.
    pub async fn commit_comments(
        &self,
        topic: TopicId,
        comments: &[Comment],
        next: Option<Timestamp>,
    ) -> Result<CommentsOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let topic_id = topic.get();
        let group_id: i64 = sqlx::query_scalar("SELECT group_id FROM topics WHERE topic_id = ?")
            .bind(topic_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::UnknownTopic { topic_id })?;
        let mut outcome = CommentsOutcome::default();
        for comment in comments {
            outcome.tally(upsert(&mut tx, group_id, topic_id, comment, None).await?);
            for reply in comment.replies() {
                let parent = Some(comment.comment_id.get());
                outcome.tally(upsert(&mut tx, group_id, topic_id, reply, parent).await?);
            }
        }
        sqlx::query(
            "INSERT INTO thread_state (topic_id, next_begin_time, complete_at_count)
             VALUES (?1, ?2, CASE WHEN ?2 IS NULL
                 THEN (SELECT comments_count FROM topics WHERE topic_id = ?1) END)
             ON CONFLICT (topic_id) DO UPDATE SET
                 next_begin_time = excluded.next_begin_time,
                 complete_at_count = COALESCE(excluded.complete_at_count,
                                              thread_state.complete_at_count)",
        )
        .bind(topic_id)
        .bind(next.map(|t| t.to_string()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Comments and replies archived for `topic`.
    pub async fn comment_count(&self, topic: TopicId) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM comments WHERE topic_id = ?")
            .bind(topic.get())
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Up to `limit` topics of `group` whose thread needs a walk, newest topic first: a walk
    /// was interrupted, or the topic's `comments_count` differs from the count at which its
    /// thread was last walked to the end (never walked counts as zero).
    pub async fn threads_to_fetch(
        &self,
        group: GroupId,
        limit: u32,
    ) -> Result<Vec<ThreadToFetch>, StoreError> {
        let rows: Vec<(i64, i64, i64, Option<String>)> = sqlx::query_as(concat!(
            "SELECT t.topic_id, t.comments_count,
                    (SELECT COUNT(*) FROM comments c WHERE c.topic_id = t.topic_id),
                    s.next_begin_time
             FROM topics t LEFT JOIN thread_state s ON s.topic_id = t.topic_id
             WHERE t.group_id = ? AND ",
            thread_due!(),
            "
             ORDER BY t.create_time_ms DESC, t.topic_id DESC
             LIMIT ?"
        ))
        .bind(group.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(topic_id, expected, stored, resume)| {
                let resume_at = resume
                    .map(|t| {
                        Timestamp::parse(&t).map_err(|_| StoreError::invalid("thread cursor", t))
                    })
                    .transpose()?;
                Ok(ThreadToFetch {
                    topic_id: TopicId::new(topic_id),
                    expected: u64::try_from(expected).unwrap_or(0),
                    stored: u64::try_from(stored).unwrap_or(0),
                    resume_at,
                })
            })
            .collect()
    }
}
