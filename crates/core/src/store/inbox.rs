//! The inbox: events that concern the member, derived from the change feed by
//! [`Store::derive_inbox`] and kept once each (see `migrations/0008_inbox.sql`).
//!
//! Derivation is set-based SQL over a slice of the feed, so catching up with a million changes
//! (an archive from before the inbox existed) takes seconds, not a query per change. Each kind
//! is one `INSERT OR IGNORE … SELECT`, run in priority order inside one write transaction with
//! the feed position, so a comment that both replies to the member and mentions them is the
//! reply, and two processes deriving at once (the app and `orrery-cli watch`) record every
//! event exactly once.
//!
//! What is news and what is history: changes archived before the inbox first ran
//! (`baseline_seq`), and items of a circle dated before the inbox first saw that circle (its
//! first sync's backlog), are recorded as settled (`backlog`, already read); items older than
//! [`STALE_AFTER_MS`] when found are recorded unread but never interrupt (`stale`). Everything
//! else waits (`settled_ms IS NULL`) until [`Store::settle_events`] claims it for a
//! notification; the claim is one `UPDATE … WHERE settled_ms IS NULL`, so of two processes
//! only one shows it.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use zsxq::UserId;

use super::{Store, StoreError};

/// Changes read per transaction while deriving.
const BATCH: i64 = 5_000;
/// An event found this long after it happened is recorded, unread, without a notification: a
/// week-old reply is worth reading, not worth interrupting for.
pub const STALE_AFTER_MS: i64 = 3 * 24 * 3_600_000;

/// What kind of event concerns the member, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKind {
    /// The owner or a guest answered a question the member asked.
    Answer,
    /// A new question addressed to the member (an owner or a guest).
    QuestionForMe,
    /// Someone replied to the member's comment.
    Reply,
    /// Someone @mentioned the member in a topic or a comment.
    Mention,
    /// Someone commented on the member's topic.
    Comment,
    /// A topic became a digest (精华) in a followed circle.
    Digest,
    /// The owner posted in a followed circle.
    OwnerPost,
}

impl InboxKind {
    /// Every kind, most important first.
    pub const ALL: [Self; 7] = [
        Self::Answer,
        Self::QuestionForMe,
        Self::Reply,
        Self::Mention,
        Self::Comment,
        Self::Digest,
        Self::OwnerPost,
    ];

    /// Its name in the archive and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answer => "answer",
            Self::QuestionForMe => "question_for_me",
            Self::Reply => "reply",
            Self::Mention => "mention",
            Self::Comment => "comment",
            Self::Digest => "digest",
            Self::OwnerPost => "owner_post",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| StoreError::invalid("inbox kind", s))
    }

    /// The `SELECT` that finds this kind in the feed slice `batch`, as
    /// `(event_key, group_id, topic_id, comment_id, event_ms, seq)`. Parameters: `?1` the
    /// member's id, `?2` now, `?3` the followed circles (a JSON array).
    fn select(self) -> &'static str {
        match self {
            // Seen answered when first archived (asked and answered between two syncs: dated
            // when asked), or seen turning answered (dated now: the answer carries no time).
            Self::Answer => {
                "SELECT 'answer:' || t.topic_id, t.group_id, t.topic_id, NULL,
                        CASE c.op WHEN 'insert' THEN t.create_time_ms ELSE ?2 END, c.seq
                 FROM batch c JOIN topics t ON t.topic_id = c.entity_id
                 WHERE c.entity = 'topic' AND t.kind = 'q&a' AND t.answered = 1
                   AND (c.op = 'insert' OR instr(c.fields, '\"answered\"') > 0)
                   AND (t.author_id = ?1
                        OR EXISTS (SELECT 1 FROM my_questions m WHERE m.topic_id = t.topic_id))
                   AND COALESCE(t.answerer_id, 0) <> ?1"
            }
            Self::QuestionForMe => {
                "SELECT 'question:' || t.topic_id, t.group_id, t.topic_id, NULL,
                        t.create_time_ms, c.seq
                 FROM batch c JOIN topics t ON t.topic_id = c.entity_id
                 WHERE c.entity = 'topic' AND c.op = 'insert' AND t.kind = 'q&a'
                   AND t.questionee_id = ?1 AND t.answered = 0"
            }
            Self::Reply => {
                "SELECT 'comment:' || k.comment_id, t.group_id, t.topic_id, k.comment_id,
                        COALESCE(k.create_time_ms, ?2), c.seq
                 FROM batch c JOIN comments k ON k.comment_id = c.entity_id
                      JOIN topics t ON t.topic_id = k.topic_id
                 WHERE c.entity = 'comment' AND c.op = 'insert'
                   AND k.repliee_id = ?1 AND k.author_id <> ?1"
            }
            // Mentions are `<e type="mention" uid="…" …/>` in the rich text (PROTOCOL.md §8);
            // the uid attribute appears in no other entity. A topic's JSON also embeds a few
            // of its comments, so only the text fields of its body are searched.
            Self::Mention => {
                "SELECT 'mention:' || t.topic_id, t.group_id, t.topic_id, NULL,
                        t.create_time_ms, c.seq
                 FROM batch c JOIN topics t ON t.topic_id = c.entity_id
                 WHERE c.entity = 'topic' AND c.op = 'insert'
                   AND COALESCE(t.author_id, 0) <> ?1
                   AND instr(COALESCE(json_extract(t.raw_json, '$.talk.text'), '')
                             || COALESCE(json_extract(t.raw_json, '$.question.text'), '')
                             || COALESCE(json_extract(t.raw_json, '$.answer.text'), '')
                             || COALESCE(json_extract(t.raw_json, '$.task.text'), '')
                             || COALESCE(json_extract(t.raw_json, '$.solution.text'), ''),
                             'uid=\"' || ?1 || '\"') > 0
                 UNION ALL
                 SELECT 'comment:' || k.comment_id, t.group_id, t.topic_id, k.comment_id,
                        COALESCE(k.create_time_ms, ?2), c.seq
                 FROM batch c JOIN comments k ON k.comment_id = c.entity_id
                      JOIN topics t ON t.topic_id = k.topic_id
                 WHERE c.entity = 'comment' AND c.op = 'insert' AND k.author_id <> ?1
                   AND instr(COALESCE(json_extract(k.raw_json, '$.text'), ''),
                             'uid=\"' || ?1 || '\"') > 0"
            }
            // Comments on the member's topic; replies among others under it are their
            // conversation, not news for the member.
            Self::Comment => {
                "SELECT 'comment:' || k.comment_id, t.group_id, t.topic_id, k.comment_id,
                        COALESCE(k.create_time_ms, ?2), c.seq
                 FROM batch c JOIN comments k ON k.comment_id = c.entity_id
                      JOIN topics t ON t.topic_id = k.topic_id
                 WHERE c.entity = 'comment' AND c.op = 'insert'
                   AND t.author_id = ?1 AND k.author_id <> ?1 AND k.parent_id IS NULL"
            }
            Self::Digest => {
                "SELECT 'digest:' || t.topic_id, t.group_id, t.topic_id, NULL,
                        CASE c.op WHEN 'insert' THEN t.create_time_ms ELSE ?2 END, c.seq
                 FROM batch c JOIN topics t ON t.topic_id = c.entity_id
                 WHERE c.entity = 'topic' AND t.digested = 1
                   AND (c.op = 'insert' OR instr(c.fields, '\"digested\"') > 0)
                   AND t.group_id IN (SELECT value FROM json_each(?3))"
            }
            Self::OwnerPost => {
                "SELECT 'post:' || t.topic_id, t.group_id, t.topic_id, NULL,
                        t.create_time_ms, c.seq
                 FROM batch c JOIN topics t ON t.topic_id = c.entity_id
                      JOIN circles g ON g.group_id = t.group_id
                 WHERE c.entity = 'topic' AND c.op = 'insert' AND t.author_id <> ?1
                   AND t.author_id = json_extract(g.raw_json, '$.owner.user_id')
                   AND t.group_id IN (SELECT value FROM json_each(?3))"
            }
        }
    }
}

/// What one [`Store::derive_inbox`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeriveReport {
    /// Changes of the feed read.
    pub changes: u64,
    /// New events recorded (news and backlog).
    pub recorded: u64,
}

/// An event in the inbox, with what a notification or a list row shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxEvent {
    pub key: String,
    pub kind: InboxKind,
    pub group_id: i64,
    pub circle_name: String,
    pub topic_id: i64,
    pub comment_id: Option<i64>,
    pub event_ms: i64,
    pub found_ms: i64,
    /// How it was settled; `None` while it waits for a notification.
    pub outcome: Option<String>,
    pub read: bool,
    /// The topic's JSON as archived (the question, the answer and their authors).
    pub topic_json: String,
    /// The comment's author and text, for comment events.
    pub comment_author: Option<String>,
    pub comment_text: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    event_key: String,
    kind: String,
    group_id: i64,
    circle_name: String,
    topic_id: i64,
    comment_id: Option<i64>,
    event_ms: i64,
    found_ms: i64,
    outcome: Option<String>,
    read_ms: Option<i64>,
    topic_json: String,
    comment_author: Option<String>,
    comment_text: Option<String>,
}

impl TryFrom<EventRow> for InboxEvent {
    type Error = StoreError;

    fn try_from(row: EventRow) -> Result<Self, StoreError> {
        Ok(Self {
            kind: InboxKind::parse(&row.kind)?,
            key: row.event_key,
            group_id: row.group_id,
            circle_name: row.circle_name,
            topic_id: row.topic_id,
            comment_id: row.comment_id,
            event_ms: row.event_ms,
            found_ms: row.found_ms,
            outcome: row.outcome,
            read: row.read_ms.is_some(),
            topic_json: row.topic_json,
            comment_author: row.comment_author,
            comment_text: row.comment_text,
        })
    }
}

/// The columns of [`EventRow`], for `… FROM inbox e`.
const EVENT_COLUMNS: &str =
    "SELECT e.event_key, e.kind, e.group_id, COALESCE(g.name, '') AS circle_name,
        e.topic_id, e.comment_id, e.event_ms, e.found_ms, e.outcome, e.read_ms,
        t.raw_json AS topic_json, u.name AS comment_author, k.plain_text AS comment_text
 FROM inbox e JOIN topics t ON t.topic_id = e.topic_id
      LEFT JOIN circles g ON g.group_id = e.group_id
      LEFT JOIN comments k ON k.comment_id = e.comment_id
      LEFT JOIN users u ON u.user_id = k.author_id";

impl Store {
    /// Reads the change feed from where the inbox stopped and records the events in it that
    /// concern `me`; digests and owner posts only in the `followed` circles. See the module's
    /// overview for what counts as news.
    pub async fn derive_inbox(
        &self,
        me: UserId,
        followed: &[i64],
        now_ms: i64,
    ) -> Result<DeriveReport, StoreError> {
        let followed = serde_json::to_string(followed)?;
        let mut report = DeriveReport::default();
        loop {
            let mut tx = self.begin_write().await?;
            let (from, baseline) = position(&mut tx).await?;
            let to: Option<i64> = sqlx::query_scalar(
                "SELECT MAX(seq) FROM (SELECT seq FROM changes WHERE seq > ? ORDER BY seq LIMIT ?)",
            )
            .bind(from)
            .bind(BATCH)
            .fetch_one(&mut *tx)
            .await?;
            let Some(to) = to else {
                tx.commit().await?;
                return Ok(report);
            };
            sqlx::query(
                "INSERT OR IGNORE INTO inbox_circles (group_id, since_ms)
                 SELECT DISTINCT group_id, ? FROM changes
                 WHERE seq > ? AND seq <= ? AND entity <> 'document'",
            )
            .bind(now_ms)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await?;
            for kind in InboxKind::ALL {
                // `news` is NULL for news; otherwise how the event is settled on arrival.
                let sql = format!(
                    "WITH batch AS (SELECT * FROM changes WHERE seq > ?4 AND seq <= ?5),
                          found (key, group_id, topic_id, comment_id, event_ms, seq) AS ({select})
                     INSERT OR IGNORE INTO inbox
                         (event_key, kind, group_id, topic_id, comment_id, event_ms, found_ms,
                          settled_ms, outcome, read_ms)
                     SELECT key, '{kind}', group_id, topic_id, comment_id, event_ms, ?2,
                            CASE WHEN history IS NOT NULL THEN ?2 END, history,
                            CASE WHEN history = 'backlog' THEN ?2 END
                     FROM (SELECT x.*,
                                  CASE WHEN x.seq <= ?6 OR x.event_ms < COALESCE(ic.since_ms, ?2)
                                           THEN 'backlog'
                                       WHEN x.event_ms < ?2 - {STALE_AFTER_MS} THEN 'stale'
                                  END AS history
                           FROM found x LEFT JOIN inbox_circles ic ON ic.group_id = x.group_id)",
                    kind = kind.as_str(),
                    select = kind.select(),
                );
                // Built from this file's constants only; every value is bound.
                let done = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(me.get())
                    .bind(now_ms)
                    .bind(&followed)
                    .bind(from)
                    .bind(to)
                    .bind(baseline)
                    .execute(&mut *tx)
                    .await?;
                report.recorded += done.rows_affected();
            }
            let read: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM changes WHERE seq > ? AND seq <= ?")
                    .bind(from)
                    .bind(to)
                    .fetch_one(&mut *tx)
                    .await?;
            report.changes += u64::try_from(read).unwrap_or(0);
            sqlx::query("UPDATE inbox_state SET seq = ? WHERE id = 1")
                .bind(to)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    }

    /// Events waiting for a notification, oldest first.
    pub async fn pending_events(&self) -> Result<Vec<InboxEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{EVENT_COLUMNS} WHERE e.settled_ms IS NULL ORDER BY e.found_ms, e.event_ms"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(InboxEvent::try_from).collect()
    }

    /// Settles those of `keys` that still wait, with `outcome`, and returns which: what another
    /// process settled first is not returned, so it is not shown twice.
    pub async fn settle_events(
        &self,
        keys: &[String],
        outcome: &str,
        now_ms: i64,
    ) -> Result<Vec<String>, StoreError> {
        let keys = serde_json::to_string(keys)?;
        let settled: Vec<String> = sqlx::query_scalar(
            "UPDATE inbox SET settled_ms = ?1, outcome = ?2
             WHERE settled_ms IS NULL AND event_key IN (SELECT value FROM json_each(?3))
             RETURNING event_key",
        )
        .bind(now_ms)
        .bind(outcome)
        .bind(keys)
        .fetch_all(&self.pool)
        .await?;
        Ok(settled)
    }

    /// Marks waiting events as held by quiet hours: they stay waiting, and come as one summary
    /// when quiet hours end.
    pub async fn hold_events(&self, keys: &[String]) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE inbox SET outcome = 'held'
             WHERE settled_ms IS NULL AND event_key IN (SELECT value FROM json_each(?))",
        )
        .bind(serde_json::to_string(keys)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Changes the outcome of events already claimed (a notification that could not be shown
    /// after all).
    pub async fn reset_outcome(&self, keys: &[String], outcome: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE inbox SET outcome = ?1 WHERE event_key IN (SELECT value FROM json_each(?2))",
        )
        .bind(outcome)
        .bind(serde_json::to_string(keys)?)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// How many notifications were shown since `since_ms` (by any process on this archive).
    pub async fn shown_since(&self, since_ms: i64) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(DISTINCT settled_ms || ':' || group_id) FROM inbox
             WHERE outcome = 'shown' AND settled_ms >= ?",
        )
        .bind(since_ms)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The inbox, newest first: unread answers to the member's questions on top.
    pub async fn inbox(&self, limit: u32) -> Result<Vec<InboxEvent>, StoreError> {
        let rows: Vec<EventRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{EVENT_COLUMNS}
             ORDER BY (e.kind = 'answer' AND e.read_ms IS NULL) DESC, e.event_ms DESC, e.event_key
             LIMIT ?"
        )))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(InboxEvent::try_from).collect()
    }

    /// Unread events in the inbox.
    pub async fn inbox_unread(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE read_ms IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Marks the events with `keys` read, or all of them when `keys` is `None`.
    pub async fn mark_inbox_read(
        &self,
        keys: Option<&[String]>,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let done = match keys {
            Some(keys) => {
                sqlx::query(
                    "UPDATE inbox SET read_ms = ?1
                     WHERE read_ms IS NULL AND event_key IN (SELECT value FROM json_each(?2))",
                )
                .bind(now_ms)
                .bind(serde_json::to_string(keys)?)
                .execute(&self.pool)
                .await?
            }
            None => {
                sqlx::query("UPDATE inbox SET read_ms = ? WHERE read_ms IS NULL")
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(done.rows_affected())
    }

    /// Remembers topics the service lists as the member's questions (anonymous ones carry no
    /// asker of their own).
    pub async fn remember_my_questions(&self, topics: &[i64]) -> Result<(), StoreError> {
        sqlx::query("INSERT OR IGNORE INTO my_questions (topic_id) SELECT value FROM json_each(?)")
            .bind(serde_json::to_string(topics)?)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// A question the member asked, as archived.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MyQuestion {
    pub topic_id: i64,
    pub group_id: i64,
    pub circle_name: String,
    pub create_time_ms: i64,
    pub answered: bool,
    /// The topic's JSON (question, answer, who was asked).
    pub raw_json: String,
}

impl Store {
    /// The q&a topics `me` asked (or the service listed as theirs), newest first.
    pub async fn my_questions(
        &self,
        me: UserId,
        limit: u32,
    ) -> Result<Vec<MyQuestion>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT t.topic_id, t.group_id, COALESCE(g.name, '') AS circle_name,
                    t.create_time_ms, t.answered != 0 AS answered, t.raw_json
             FROM topics t LEFT JOIN circles g ON g.group_id = t.group_id
             WHERE t.kind = 'q&a' AND t.deleted_at_ms IS NULL
               AND (t.author_id = ?1
                    OR t.topic_id IN (SELECT topic_id FROM my_questions))
             ORDER BY t.create_time_ms DESC, t.topic_id DESC
             LIMIT ?2",
        )
        .bind(me.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?)
    }
}

impl Store {
    /// The questions the service listed as the member's ([`Store::remember_my_questions`])
    /// that are still open in the archive (not answered, not expired, not deleted) and were
    /// asked at or after `since_ms`, newest first: `(topic_id, group_id)`.
    pub async fn my_open_questions(&self, since_ms: i64) -> Result<Vec<(i64, i64)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT topic_id, group_id FROM topics
             WHERE kind = 'q&a' AND answered = 0 AND deleted_at_ms IS NULL
               AND COALESCE(json_extract(raw_json, '$.question.expired'), 0) = 0
               AND create_time_ms >= ?
               AND topic_id IN (SELECT topic_id FROM my_questions)
             ORDER BY create_time_ms DESC, topic_id DESC",
        )
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// The feed position of the inbox, created on its first run at the feed's end.
async fn position(conn: &mut SqliteConnection) -> Result<(i64, i64), StoreError> {
    sqlx::query(
        "INSERT OR IGNORE INTO inbox_state (id, seq, baseline_seq)
         SELECT 1, 0, COALESCE(MAX(seq), 0) FROM changes",
    )
    .execute(&mut *conn)
    .await?;
    Ok(
        sqlx::query_as("SELECT seq, baseline_seq FROM inbox_state WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}
