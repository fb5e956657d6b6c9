//! The change feed: one row per real change to a topic, comment, article or imported document, numbered by a
//! sequence that only grows (SQLite `AUTOINCREMENT`, so numbers are never reused, not even
//! after a restart or a prune). Search and notifications remember the last sequence number
//! they consumed and ask for what came after it.
//!
//! Rows are written inside the transaction that makes the change, so the feed never names a
//! change that was rolled back and never misses one that was committed.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::{Store, StoreError};

/// What kind of row changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeEntity {
    /// A topic (`entity_id` is the topic id).
    Topic,
    /// A comment or reply (`entity_id` is the comment id).
    Comment,
    /// An article's fetched body (`entity_id` is the topic id).
    Article,
    /// A document imported into 已保存 (`entity_id` and `topic_id` are the document id,
    /// `group_id` is 0).
    Document,
}

impl ChangeEntity {
    fn as_str(self) -> &'static str {
        match self {
            Self::Topic => "topic",
            Self::Comment => "comment",
            Self::Article => "article",
            Self::Document => "document",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "topic" => Ok(Self::Topic),
            "comment" => Ok(Self::Comment),
            "article" => Ok(Self::Article),
            "document" => Ok(Self::Document),
            other => Err(StoreError::invalid("change entity", other)),
        }
    }
}

/// Whether the row is new or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    /// First time archived.
    Insert,
    /// Archived before; `fields` says what moved.
    Update,
}

/// One entry of the change feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the feed; strictly increasing.
    pub seq: i64,
    /// What changed.
    pub entity: ChangeEntity,
    /// Its id (topic or comment id).
    pub entity_id: i64,
    /// The circle.
    pub group_id: i64,
    /// The topic it belongs to (the topic itself for topics and articles).
    pub topic_id: i64,
    /// Insert or update.
    pub op: ChangeOp,
    /// For updates, the names of the fields that changed (e.g. `answered`,
    /// `comments_count`, `digested`); empty for inserts.
    pub fields: Vec<String>,
}

/// A change to record, inside the caller's transaction.
#[derive(Debug, Clone, Copy)]
pub(super) struct NewChange<'a> {
    pub entity: ChangeEntity,
    pub entity_id: i64,
    pub group_id: i64,
    pub topic_id: i64,
    pub op: ChangeOp,
    pub fields: &'a [&'a str],
}

pub(super) async fn record(
    conn: &mut SqliteConnection,
    change: NewChange<'_>,
) -> Result<(), StoreError> {
    let op = match change.op {
        ChangeOp::Insert => "insert",
        ChangeOp::Update => "update",
    };
    sqlx::query(
        "INSERT INTO changes (entity, entity_id, group_id, topic_id, op, fields)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(change.entity.as_str())
    .bind(change.entity_id)
    .bind(change.group_id)
    .bind(change.topic_id)
    .bind(op)
    .bind(serde_json::to_string(change.fields)?)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    seq: i64,
    entity: String,
    entity_id: i64,
    group_id: i64,
    topic_id: i64,
    op: String,
    fields: String,
}

impl TryFrom<ChangeRow> for Change {
    type Error = StoreError;

    fn try_from(row: ChangeRow) -> Result<Self, StoreError> {
        let op = match row.op.as_str() {
            "insert" => ChangeOp::Insert,
            "update" => ChangeOp::Update,
            other => return Err(StoreError::invalid("change op", other)),
        };
        Ok(Self {
            seq: row.seq,
            entity: ChangeEntity::parse(&row.entity)?,
            entity_id: row.entity_id,
            group_id: row.group_id,
            topic_id: row.topic_id,
            op,
            fields: serde_json::from_str(&row.fields)?,
        })
    }
}

impl Store {
    /// Up to `limit` changes with a sequence number above `after`, oldest first. Start with
    /// `after = 0`; continue from the last `seq` returned.
    pub async fn changes_after(&self, after: i64, limit: u32) -> Result<Vec<Change>, StoreError> {
        let rows: Vec<ChangeRow> = sqlx::query_as(
            "SELECT seq, entity, entity_id, group_id, topic_id, op, fields
             FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(Change::try_from).collect()
    }

    /// The newest sequence number, 0 when the feed is empty: where a consumer that starts
    /// from a full rebuild picks up.
    pub async fn latest_change_seq(&self) -> Result<i64, StoreError> {
        let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM changes")
            .fetch_one(&self.pool)
            .await?;
        Ok(seq.unwrap_or(0))
    }
}
