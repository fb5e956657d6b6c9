//! How big each circle is and how much of it is still to mirror: what the estimates of a
//! first sync are made of (`crate::sync::estimate`).
//!
//! The size is the service's own count (`/v2/groups/{id}`), kept with the time it was asked so
//! the sync asks again only once a week. The backlog is read from the archive itself: topics
//! archived, where the backward walk stands, and the follow-up requests already known to be
//! owed (comment threads whose count moved, article bodies, images not cached yet), each
//! counted the way the sync's phases select their work.

use std::collections::HashMap;

use zsxq::client::TopicScope;
use zsxq::{GroupId, Timestamp};

use super::sync_state::SyncScope;
use super::{Mirror, Store, StoreError};

/// A circle's size as the service told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircleSize {
    /// Topics the circle holds (`statistics.topics.topics_count`), if the service said.
    pub topics: Option<u64>,
    /// When the circle was created, if the service said.
    pub created_ms: Option<i64>,
    /// When the size was asked.
    pub measured_ms: i64,
}

/// What the archive holds of one circle and what it still owes, for one horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleBacklog {
    /// The circle.
    pub group_id: GroupId,
    /// The service lists it among the member's circles (not only known from a shared topic).
    pub listed: bool,
    /// What the member chose to mirror of it.
    pub mirror: Mirror,
    /// The membership lapsed: nothing more will be fetched.
    pub expired: bool,
    /// The service's count, if it was asked.
    pub size: Option<CircleSize>,
    /// Archived topics (those the service deleted left out, as its count leaves them out).
    pub archived: u64,
    /// The oldest and the newest archived topic.
    pub oldest_ms: Option<i64>,
    /// See `oldest_ms`.
    pub newest_ms: Option<i64>,
    /// The backward walk reached the circle's first topic.
    pub exhausted: bool,
    /// Where the backward walk resumes (its inclusive `end_time`); `None` before its first
    /// page.
    pub backfill_end_ms: Option<i64>,
    /// Follow-up requests known to be owed: threads, article bodies and (when `images`) images.
    pub pending: u64,
}

impl Store {
    /// Keeps what the service said about `group`'s size, asked at `now_ms`.
    pub async fn set_circle_size(
        &self,
        group: GroupId,
        topics: Option<u64>,
        created_ms: Option<i64>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE circles SET topics_total = ?, created_ms = ?, sized_ms = ? WHERE group_id = ?",
        )
        .bind(topics.map(|n| i64::try_from(n).unwrap_or(i64::MAX)))
        .bind(created_ms)
        .bind(now_ms)
        .bind(group.get())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every circle's size that was asked.
    pub async fn circle_sizes(&self) -> Result<HashMap<GroupId, CircleSize>, StoreError> {
        let rows: Vec<(i64, Option<i64>, Option<i64>, i64)> = sqlx::query_as(
            "SELECT group_id, topics_total, created_ms, sized_ms FROM circles
             WHERE sized_ms IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, topics, created_ms, measured_ms)| {
                let size = CircleSize {
                    topics: topics.and_then(|n| u64::try_from(n).ok()),
                    created_ms,
                    measured_ms,
                };
                (GroupId::new(id), size)
            })
            .collect())
    }

    /// Archived topics of `group` created at or after `since_ms` (all with `None`), leaving
    /// out those the service deleted.
    pub async fn archived_since(
        &self,
        group: GroupId,
        since_ms: Option<i64>,
    ) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM topics
             WHERE group_id = ?1 AND create_time_ms >= COALESCE(?2, create_time_ms)
               AND deleted_at_ms IS NULL",
        )
        .bind(group.get())
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Where `group` stands, counting images owed only when the sync caches them.
    pub async fn backlog(&self, group: GroupId, images: bool) -> Result<CircleBacklog, StoreError> {
        let (listed, mirror, topics, created_ms, measured_ms): (
            bool,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            Option<i64>,
        ) = sqlx::query_as(
            "SELECT list_order IS NOT NULL, mirror_months, topics_total, created_ms, sized_ms
             FROM circles WHERE group_id = ?",
        )
        .bind(group.get())
        .fetch_optional(&self.pool)
        .await?
        .unwrap_or_default();
        let (oldest_ms, newest_ms): (Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT MIN(create_time_ms), MAX(create_time_ms) FROM topics WHERE group_id = ?",
        )
        .bind(group.get())
        .fetch_one(&self.pool)
        .await?;
        let walk: Option<(Option<String>, i64, i64)> = sqlx::query_as(
            "SELECT backfill_end_time, exhausted, expired FROM sync_state
             WHERE group_id = ? AND scope = ?",
        )
        .bind(group.get())
        .bind(SyncScope::Tab(TopicScope::All).to_string())
        .fetch_optional(&self.pool)
        .await?;
        let (backfill_end, exhausted, expired) = walk.unwrap_or_default();
        let backfill_end_ms = backfill_end
            .map(|t| {
                Timestamp::parse(&t)
                    .map(|t| t.to_unix_millis())
                    .map_err(|_| StoreError::invalid("backfill cursor", t))
            })
            .transpose()?;
        Ok(CircleBacklog {
            group_id: group,
            listed,
            mirror: Mirror::from_column(mirror),
            expired: expired != 0,
            size: measured_ms.map(|measured_ms| CircleSize {
                topics: topics.and_then(|n| u64::try_from(n).ok()),
                created_ms,
                measured_ms,
            }),
            archived: self.archived_since(group, None).await?,
            oldest_ms,
            newest_ms,
            exhausted: exhausted != 0,
            backfill_end_ms,
            pending: self.pending_requests(group, images).await?,
        })
    }

    /// Follow-up requests owed for `group`'s archived topics, one per item, selected as the
    /// threads, articles and images phases select them.
    async fn pending_requests(&self, group: GroupId, images: bool) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(concat!(
            "SELECT
               (SELECT COUNT(*) FROM topics t
                  LEFT JOIN thread_state s ON s.topic_id = t.topic_id
                WHERE t.group_id = ?1 AND ",
            thread_due!(),
            ")
             + (SELECT COUNT(*) FROM articles a JOIN topics t ON t.topic_id = a.topic_id
                WHERE t.group_id = ?1 AND ",
            article_due!(),
            ")
             + CASE WHEN ?2 THEN
                 (SELECT COUNT(*) FROM images i JOIN topics t ON t.topic_id = i.topic_id
                  WHERE t.group_id = ?1 AND ",
            image_due!(),
            ")
               ELSE 0 END"
        ))
        .bind(group.get())
        .bind(images)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
