//! What the member has read: topics opened in the reader, and "mark all as read" per circle.
//!
//! A topic is unread when it was posted after its circle's read-until time (none until the
//! member marks the circle read) and has not been opened. The state is local: the service
//! keeps read times per menu only, and the reader must work offline.

use std::collections::HashSet;

use zsxq::{GroupId, TopicId};

use super::{Store, StoreError};

/// A circle's topics and how many of them are unread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadingCounts {
    pub group_id: GroupId,
    pub topics: u64,
    pub unread: u64,
}

impl Store {
    /// Records that `topic` was opened at `now_ms`. Opening it again keeps the first time.
    pub async fn mark_read(&self, topic: TopicId, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO topic_reads (topic_id, read_at_ms) VALUES (?, ?)")
            .bind(topic.get())
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks every archived topic of `group` read: up to the newest one's time, not up to now,
    /// so a topic posted meanwhile and archived by a later sync is still news. Never moves the
    /// mark back, so a stale request cannot resurrect what a newer one cleared. With
    /// `owe_marker` (the Settings switch), the service's read markers are owed that time.
    /// Returns the time, `None` for a circle without topics.
    pub async fn mark_circle_read(
        &self,
        group: GroupId,
        owe_marker: bool,
    ) -> Result<Option<i64>, StoreError> {
        let mut tx = self.begin_write().await?;
        let newest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(create_time_ms) FROM topics WHERE group_id = ?")
                .bind(group.get())
                .fetch_one(&mut *tx)
                .await?;
        let Some(until_ms) = newest else {
            return Ok(None);
        };
        sqlx::query(
            "INSERT INTO circle_reads (group_id, read_until_ms) VALUES (?1, ?2)
             ON CONFLICT (group_id) DO UPDATE
                 SET read_until_ms = MAX(read_until_ms, excluded.read_until_ms)",
        )
        .bind(group.get())
        .bind(until_ms)
        .execute(&mut *tx)
        .await?;
        if owe_marker {
            owe(&mut tx, group.get(), until_ms).await?;
        }
        tx.commit().await?;
        Ok(Some(until_ms))
    }

    /// The read markers owed to the service and not paid yet: per circle, the time read up to.
    pub async fn read_markers_owed(&self) -> Result<Vec<(GroupId, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT group_id, until_ms FROM read_markers_owed
             WHERE paid_ms IS NULL OR paid_ms < until_ms ORDER BY group_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(g, t)| (GroupId::new(g), t))
            .collect())
    }

    /// The service has `group`'s markers at `until_ms`.
    pub async fn read_marker_paid(&self, group: GroupId, until_ms: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE read_markers_owed SET paid_ms = MAX(COALESCE(paid_ms, ?2), ?2) WHERE group_id = ?1",
        )
        .bind(group.get())
        .bind(until_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Topics and unread topics per circle, in one pass over the topics; circles without
    /// topics are left out.
    pub async fn reading_counts(&self) -> Result<Vec<ReadingCounts>, StoreError> {
        let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT t.group_id, COUNT(*),
                    SUM(t.create_time_ms > COALESCE(c.read_until_ms, -1)
                        AND NOT EXISTS (SELECT 1 FROM topic_reads r
                                        WHERE r.topic_id = t.topic_id))
             FROM topics t LEFT JOIN circle_reads c ON c.group_id = t.group_id
             GROUP BY t.group_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(rows
            .into_iter()
            .map(|(group, topics, unread)| ReadingCounts {
                group_id: GroupId::new(group),
                topics: count(topics),
                unread: count(unread),
            })
            .collect())
    }

    /// Which of `topics` are unread.
    pub async fn unread_among(&self, topics: &[TopicId]) -> Result<HashSet<TopicId>, StoreError> {
        if topics.is_empty() {
            return Ok(HashSet::new());
        }
        let ids = serde_json::to_string(&topics.iter().map(|t| t.get()).collect::<Vec<_>>())?;
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT t.topic_id
             FROM json_each(?1) j JOIN topics t ON t.topic_id = j.value
             LEFT JOIN circle_reads c ON c.group_id = t.group_id
             WHERE t.create_time_ms > COALESCE(c.read_until_ms, -1)
               AND NOT EXISTS (SELECT 1 FROM topic_reads r WHERE r.topic_id = t.topic_id)",
        )
        .bind(ids)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| TopicId::new(id)).collect())
    }
}

/// How far `group` is read without a gap: just before its oldest unread topic, or its newest
/// topic when none is unread; `None` for a circle without topics. What the service's read
/// marker may say: a member who read a few posts out of order has not read what lies before.
pub(super) async fn read_frontier(
    conn: &mut sqlx::SqliteConnection,
    group: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(
             (SELECT MIN(t.create_time_ms) - 1 FROM topics t
              WHERE t.group_id = ?1
                AND t.create_time_ms > COALESCE(
                    (SELECT read_until_ms FROM circle_reads WHERE group_id = ?1), -1)
                AND NOT EXISTS (SELECT 1 FROM topic_reads r WHERE r.topic_id = t.topic_id)),
             (SELECT MAX(create_time_ms) FROM topics WHERE group_id = ?1))",
    )
    .bind(group)
    .fetch_one(&mut *conn)
    .await?)
}

/// Owes the service `group`'s read markers up to `until_ms`, if that is newer than what is
/// owed already; the next sync pays it (`sync::markers`).
pub(super) async fn owe(
    conn: &mut sqlx::SqliteConnection,
    group: i64,
    until_ms: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO read_markers_owed (group_id, until_ms) VALUES (?1, ?2)
         ON CONFLICT (group_id) DO UPDATE SET until_ms = MAX(until_ms, excluded.until_ms)",
    )
    .bind(group)
    .bind(until_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
