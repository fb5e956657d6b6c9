//! Where each topic list of each circle stands, and where each comment thread walk resumes.
//!
//! The store keeps these faithfully and decides nothing: the sync engine computes the next
//! [`SyncCursor`] and hands it to [`Store::commit_page`], which writes it in the same
//! transaction as the page's topics.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use zsxq::client::TopicScope;
use zsxq::{ColumnId, GroupId, HashtagId, Timestamp, TopicId};

use super::{Store, StoreError};

/// Which list of a circle a cursor belongs to. Its text form (`all`, `digests`,
/// `hashtag:123`, `column:45`…) is the key in `sync_state.scope`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SyncScope {
    /// One of the circle's tabs.
    Tab(TopicScope),
    /// A hashtag's topics.
    Hashtag(HashtagId),
    /// A column's topics.
    Column(ColumnId),
}

impl fmt::Display for SyncScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Tab(scope) => f.write_str(scope.as_str()),
            Self::Hashtag(id) => write!(f, "hashtag:{id}"),
            Self::Column(id) => write!(f, "column:{id}"),
        }
    }
}

impl FromStr for SyncScope {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        let invalid = || StoreError::invalid("sync scope", s);
        if let Some(id) = s.strip_prefix("hashtag:") {
            return id.parse().map(Self::Hashtag).map_err(|_| invalid());
        }
        if let Some(id) = s.strip_prefix("column:") {
            return id.parse().map(Self::Column).map_err(|_| invalid());
        }
        [
            TopicScope::All,
            TopicScope::Digests,
            TopicScope::ByOwner,
            TopicScope::Questions,
            TopicScope::Tasks,
            TopicScope::UnansweredQuestions,
        ]
        .into_iter()
        .find(|scope| scope.as_str() == s)
        .map(Self::Tab)
        .ok_or_else(invalid)
    }
}

/// A topic's place in a newest-first list: its time, and its id to tell apart topics of one
/// millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMark {
    /// `create_time`.
    pub create_time: Timestamp,
    /// The topic.
    pub topic_id: TopicId,
}

/// A walk down from the newest topic that has not yet joined up with what was archived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatchUp {
    /// The inclusive `end_time` it resumes at.
    pub end_time: Timestamp,
    /// The newest topic it saw; it becomes [`SyncCursor::newest`] when the walk joins up.
    pub newest: TopicMark,
}

/// The position of one list's sync, written with every page.
///
/// `newest` moves only when a walk from the top has joined up with older archived topics, so
/// a walk killed half-way leaves no gap: the next one resumes from `catch_up` (or starts over)
/// and keeps going until it reaches `newest`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCursor {
    /// The inclusive `end_time` where the walk toward older topics resumes
    /// (`TopicPager::cursor` after the page); `None` before the first page.
    pub backfill_end_time: Option<Timestamp>,
    /// The walk toward older topics reached the oldest one.
    pub exhausted: bool,
    /// The newest topic known to join up, without a gap, with everything older.
    pub newest: Option<TopicMark>,
    /// An unfinished walk from the top.
    pub catch_up: Option<CatchUp>,
}

/// A list's stored state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncState {
    /// The circle.
    pub group_id: GroupId,
    /// The list.
    pub scope: SyncScope,
    /// The cursor.
    pub cursor: SyncCursor,
    /// The membership lapsed (code 14210) when this list was last synced.
    pub expired: bool,
}

#[derive(sqlx::FromRow)]
struct StateRow {
    group_id: i64,
    scope: String,
    backfill_end_time: Option<String>,
    exhausted: bool,
    newest_time: Option<String>,
    newest_topic_id: Option<i64>,
    catch_up_end_time: Option<String>,
    catch_up_time: Option<String>,
    catch_up_topic_id: Option<i64>,
    expired: bool,
}

fn parse_time(what: &'static str, text: Option<String>) -> Result<Option<Timestamp>, StoreError> {
    text.map(|t| Timestamp::parse(&t).map_err(|_| StoreError::invalid(what, t)))
        .transpose()
}

fn mark(time: Option<Timestamp>, id: Option<i64>) -> Option<TopicMark> {
    Some(TopicMark {
        create_time: time?,
        topic_id: TopicId::new(id?),
    })
}

impl TryFrom<StateRow> for SyncState {
    type Error = StoreError;

    fn try_from(row: StateRow) -> Result<Self, StoreError> {
        let newest = parse_time("sync newest time", row.newest_time)?;
        let catch_up_end = parse_time("sync catch-up end time", row.catch_up_end_time)?;
        let catch_up_time = parse_time("sync catch-up time", row.catch_up_time)?;
        let catch_up = match (catch_up_end, mark(catch_up_time, row.catch_up_topic_id)) {
            (Some(end_time), Some(newest)) => Some(CatchUp { end_time, newest }),
            _ => None,
        };
        Ok(Self {
            group_id: GroupId::new(row.group_id),
            scope: row.scope.parse()?,
            cursor: SyncCursor {
                backfill_end_time: parse_time("sync backfill time", row.backfill_end_time)?,
                exhausted: row.exhausted,
                newest: mark(newest, row.newest_topic_id),
                catch_up,
            },
            expired: row.expired,
        })
    }
}

/// Writes `cursor` for (`group`, `scope`) inside the caller's transaction, keeping `expired`.
pub(super) async fn write_cursor(
    conn: &mut SqliteConnection,
    group: GroupId,
    scope: &SyncScope,
    cursor: &SyncCursor,
) -> Result<(), StoreError> {
    let text = |t: Option<Timestamp>| t.map(|t| t.to_string());
    sqlx::query(
        "INSERT INTO sync_state (group_id, scope, backfill_end_time, exhausted, newest_time,
             newest_topic_id, catch_up_end_time, catch_up_time, catch_up_topic_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (group_id, scope) DO UPDATE SET
             backfill_end_time = excluded.backfill_end_time,
             exhausted = excluded.exhausted,
             newest_time = excluded.newest_time,
             newest_topic_id = excluded.newest_topic_id,
             catch_up_end_time = excluded.catch_up_end_time,
             catch_up_time = excluded.catch_up_time,
             catch_up_topic_id = excluded.catch_up_topic_id",
    )
    .bind(group.get())
    .bind(scope.to_string())
    .bind(text(cursor.backfill_end_time))
    .bind(cursor.exhausted)
    .bind(text(cursor.newest.map(|m| m.create_time)))
    .bind(cursor.newest.map(|m| m.topic_id.get()))
    .bind(text(cursor.catch_up.map(|c| c.end_time)))
    .bind(text(cursor.catch_up.map(|c| c.newest.create_time)))
    .bind(cursor.catch_up.map(|c| c.newest.topic_id.get()))
    .execute(conn)
    .await?;
    Ok(())
}

const SELECT_STATE: &str = "SELECT group_id, scope, backfill_end_time, exhausted, newest_time,
    newest_topic_id, catch_up_end_time, catch_up_time, catch_up_topic_id, expired
    FROM sync_state";

impl Store {
    /// The state of one list; `None` if it was never synced.
    pub async fn sync_state(
        &self,
        group: GroupId,
        scope: &SyncScope,
    ) -> Result<Option<SyncState>, StoreError> {
        let row: Option<StateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_STATE} WHERE group_id = ? AND scope = ?"
        )))
        .bind(group.get())
        .bind(scope.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(SyncState::try_from).transpose()
    }

    /// The states of every list of a circle.
    pub async fn sync_states(&self, group: GroupId) -> Result<Vec<SyncState>, StoreError> {
        let rows: Vec<StateRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT_STATE} WHERE group_id = ? ORDER BY scope"
        )))
        .bind(group.get())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(SyncState::try_from).collect()
    }

    /// Writes a list's cursor without a page (e.g. an empty list turned out exhausted).
    pub async fn set_sync_cursor(
        &self,
        group: GroupId,
        scope: &SyncScope,
        cursor: &SyncCursor,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        super::catalog::ensure_circle(&mut tx, group, None).await?;
        write_cursor(&mut tx, group, scope, cursor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records whether the membership behind a list has lapsed (code 14210), keeping the
    /// cursor so a renewed membership resumes where it stopped.
    pub async fn set_expired(
        &self,
        group: GroupId,
        scope: &SyncScope,
        expired: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        super::catalog::ensure_circle(&mut tx, group, None).await?;
        sqlx::query(
            "INSERT INTO sync_state (group_id, scope, expired) VALUES (?, ?, ?)
             ON CONFLICT (group_id, scope) DO UPDATE SET expired = excluded.expired",
        )
        .bind(group.get())
        .bind(scope.to_string())
        .bind(expired)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_print_and_parse_back() {
        for scope in [
            SyncScope::Tab(TopicScope::All),
            SyncScope::Tab(TopicScope::UnansweredQuestions),
            SyncScope::Hashtag(HashtagId::new(9_007_199_254_740_993)),
            SyncScope::Column(ColumnId::new(4)),
        ] {
            let text = scope.to_string();
            assert_eq!(text.parse::<SyncScope>().expect("parses"), scope, "{text}");
        }
        assert!("hashtag:x".parse::<SyncScope>().is_err());
        assert!("everything".parse::<SyncScope>().is_err());
    }
}
