//! Reading topics back: a circle's timeline, newest first with a keyset cursor, and one topic
//! with its whole thread.
//!
//! The cursor is the last row's `(create_time, topic_id)`, not an offset: pages stay correct
//! while a sync inserts topics above, and many topics sharing one millisecond are neither
//! skipped nor repeated.
//!
//! Topics deleted on 知识星球 are listed like any other, with their deletion time, unless a
//! [`TimelineQuery`] leaves them out: keeping them is the point of an archive.

use serde::{Deserialize, Serialize};
use zsxq::{ColumnId, Comment, CommentId, GroupId, Timestamp, Topic, TopicId, TopicKind, UserId};

use super::{Store, StoreError};

/// Which topics of a circle to list (the service's tabs, plus hashtag and column filters).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TimelineFilter {
    /// 最新: everything.
    #[default]
    All,
    /// 精华: digests only.
    Digests,
    /// 只看星主: topics posted by the circle's owner.
    Owner,
    /// One type (问答 is `QuestionAnswer`, 作业 is `Task`).
    Kind(TopicKind),
    /// Topics carrying a hashtag, by name without the `#` markers.
    Hashtag(String),
    /// Topics filed in a column.
    Column(ColumnId),
}

/// A [`TimelineFilter`] and whether topics deleted on the service are left out: the deletion
/// is a mark across every tab and facet, not one more tab.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimelineQuery {
    pub filter: TimelineFilter,
    /// Leave out topics marked deleted on the service (listed, marked, by default).
    pub hide_deleted: bool,
}

impl From<&TimelineFilter> for TimelineQuery {
    fn from(filter: &TimelineFilter) -> Self {
        Self {
            filter: filter.clone(),
            hide_deleted: false,
        }
    }
}

/// Where the next page of a timeline starts: the last topic of the previous page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineKey {
    /// Its `create_time` in unix milliseconds.
    pub create_time_ms: i64,
    /// Its id.
    pub topic_id: TopicId,
}

/// A topic as a timeline shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSummary {
    /// The topic.
    pub topic_id: TopicId,
    /// Its circle.
    pub group_id: GroupId,
    /// Its type.
    pub kind: TopicKind,
    /// The poster (none for anonymous questions).
    pub author_id: Option<UserId>,
    /// The poster's name as last archived.
    pub author_name: Option<String>,
    /// When it was posted.
    pub create_time: Timestamp,
    /// Last edit.
    pub modify_time: Option<Timestamp>,
    /// The service's preview title.
    pub title: Option<String>,
    /// The plain text (question and answer for q&a).
    pub plain_text: String,
    /// 精华.
    pub digested: bool,
    /// Pinned.
    pub sticky: bool,
    /// A q&a with its answer.
    pub answered: bool,
    /// Likes.
    pub likes_count: u64,
    /// Comments and replies, as the service counts them.
    pub comments_count: u64,
    /// When a sync noticed the service deleted it (Unix milliseconds).
    pub deleted_at_ms: Option<i64>,
    /// The archive kept an earlier text ([`Store::revisions`] lists them).
    pub edited: bool,
}

impl TopicSummary {
    /// The cursor for the page after this topic.
    pub fn key(&self) -> TimelineKey {
        TimelineKey {
            create_time_ms: self.create_time.to_unix_millis(),
            topic_id: self.topic_id,
        }
    }
}

/// One topic with everything archived about it.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicWithComments {
    /// The typed columns.
    pub summary: TopicSummary,
    /// The topic as received (from its raw JSON, unknown fields included).
    pub topic: Topic,
    /// Comments and replies, flat and oldest first; a reply names its parent in
    /// `parent_comment_id`.
    pub comments: Vec<Comment>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    topic_id: i64,
    group_id: i64,
    kind: String,
    author_id: Option<i64>,
    author_name: Option<String>,
    create_time: String,
    modify_time: Option<String>,
    title: Option<String>,
    plain_text: String,
    digested: bool,
    sticky: bool,
    answered: bool,
    likes_count: i64,
    comments_count: i64,
    deleted_at_ms: Option<i64>,
    edited: bool,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    raw_json: String,
}

impl TryFrom<SummaryRow> for TopicSummary {
    type Error = StoreError;

    fn try_from(row: SummaryRow) -> Result<Self, StoreError> {
        let time =
            |t: String| Timestamp::parse(&t).map_err(|_| StoreError::invalid("topic time", t));
        Ok(Self {
            topic_id: TopicId::new(row.topic_id),
            group_id: GroupId::new(row.group_id),
            kind: TopicKind::from(row.kind.as_str()),
            author_id: row.author_id.map(UserId::new),
            author_name: row.author_name,
            create_time: time(row.create_time)?,
            modify_time: row.modify_time.map(time).transpose()?,
            title: row.title,
            plain_text: row.plain_text,
            digested: row.digested,
            sticky: row.sticky,
            answered: row.answered,
            likes_count: u64::try_from(row.likes_count).unwrap_or(0),
            comments_count: u64::try_from(row.comments_count).unwrap_or(0),
            deleted_at_ms: row.deleted_at_ms,
            edited: row.edited,
        })
    }
}

impl Store {
    /// Up to `limit` topics of `group` matching `query` (a [`TimelineQuery`], or a bare
    /// `&TimelineFilter` that keeps deleted topics), newest first, starting after `after`
    /// (the [`TopicSummary::key`] of the previous page's last topic).
    pub async fn timeline(
        &self,
        group: GroupId,
        query: impl Into<TimelineQuery>,
        after: Option<TimelineKey>,
        limit: u32,
    ) -> Result<Vec<TopicSummary>, StoreError> {
        let query = query.into();
        let (mut digests, mut owner, mut kind, mut hashtag, mut column) =
            (false, false, None, None, None);
        match &query.filter {
            TimelineFilter::All => {}
            TimelineFilter::Digests => digests = true,
            TimelineFilter::Owner => owner = true,
            TimelineFilter::Kind(k) => kind = Some(k.as_str()),
            TimelineFilter::Hashtag(name) => hashtag = Some(name.as_str()),
            TimelineFilter::Column(id) => column = Some(id.get()),
        }
        let rows: Vec<SummaryRow> = sqlx::query_as(
            "SELECT t.topic_id, t.group_id, t.kind, t.author_id, u.name AS author_name,
                    t.create_time, t.modify_time, t.title, t.plain_text, t.digested, t.sticky,
                    t.answered, t.likes_count, t.comments_count, t.deleted_at_ms,
                    EXISTS (SELECT 1 FROM topic_revisions r WHERE r.topic_id = t.topic_id)
                        AS edited
             FROM topics t LEFT JOIN users u ON u.user_id = t.author_id
             WHERE t.group_id = ?1
               AND (NOT ?2 OR t.digested)
               AND (?3 IS NULL OR t.kind = ?3)
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM topic_hashtags h
                                          WHERE h.topic_id = t.topic_id AND h.name = ?4))
               AND (?5 IS NULL OR EXISTS (SELECT 1 FROM topic_columns c
                                          WHERE c.topic_id = t.topic_id AND c.column_id = ?5))
               AND (?6 IS NULL OR (t.create_time_ms, t.topic_id) < (?6, ?7))
               AND (NOT ?9 OR t.author_id = (SELECT json_extract(g.raw_json, '$.owner.user_id')
                                             FROM circles g WHERE g.group_id = ?1))
               AND (NOT ?10 OR t.deleted_at_ms IS NULL)
             ORDER BY t.create_time_ms DESC, t.topic_id DESC
             LIMIT ?8",
        )
        .bind(group.get())
        .bind(digests)
        .bind(kind)
        .bind(hashtag)
        .bind(column)
        .bind(after.map(|k| k.create_time_ms))
        .bind(after.map(|k| k.topic_id.get()))
        .bind(i64::from(limit))
        .bind(owner)
        .bind(query.hide_deleted)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(TopicSummary::try_from).collect()
    }

    /// One topic with its comments, or `None` if it is not archived.
    pub async fn topic(&self, topic: TopicId) -> Result<Option<TopicWithComments>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let row: Option<DetailRow> = sqlx::query_as(
            "SELECT t.topic_id, t.group_id, t.kind, t.author_id, u.name AS author_name,
                    t.create_time, t.modify_time, t.title, t.plain_text, t.digested, t.sticky,
                    t.answered, t.likes_count, t.comments_count, t.deleted_at_ms,
                    EXISTS (SELECT 1 FROM topic_revisions r WHERE r.topic_id = t.topic_id)
                        AS edited,
                    t.raw_json
             FROM topics t LEFT JOIN users u ON u.user_id = t.author_id
             WHERE t.topic_id = ?",
        )
        .bind(topic.get())
        .fetch_optional(&mut *conn)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let comments: Vec<(Option<i64>, String)> = sqlx::query_as(
            "SELECT parent_id, raw_json FROM comments WHERE topic_id = ?
             ORDER BY create_time_ms, comment_id",
        )
        .bind(topic.get())
        .fetch_all(&mut *conn)
        .await?;
        let comments = comments
            .into_iter()
            .map(|(parent, raw)| {
                let mut comment: Comment = serde_json::from_str(&raw)?;
                // A reply that only said where it belonged by being nested gets its parent back.
                if comment.parent_comment_id.is_none() {
                    comment.parent_comment_id = parent.map(CommentId::new);
                }
                Ok(comment)
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Some(TopicWithComments {
            summary: row.summary.try_into()?,
            topic: serde_json::from_str(&row.raw_json)?,
            comments,
        }))
    }

    /// The solutions submitted to task `task` in `group`, oldest first, at most `limit`.
    pub async fn solutions_of(
        &self,
        group: GroupId,
        task: TopicId,
        limit: u32,
    ) -> Result<Vec<TopicId>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT topic_id FROM topics
             WHERE group_id = ?1 AND kind = 'solution'
               AND json_extract(raw_json, '$.solution.task_id') = ?2
             ORDER BY create_time_ms, topic_id LIMIT ?3",
        )
        .bind(group.get())
        .bind(task.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| TopicId::new(id)).collect())
    }
}
