//! What the brief reads and keeps (`crate::brief`): the unread topics with what ranking needs,
//! each circle's engagement norm, the member's follows and mutes, and the saved list.

use std::collections::HashMap;

use zsxq::TopicId;
use zsxq::rich_text::{Node, parse, to_plain_text};

use super::inbox::InboxKind;
use super::{Store, StoreError};
use crate::brief::{Candidate, Marks, Role, engagement};

/// Images of a topic the brief shows at most, as a strip.
const STRIP_IMAGES: i64 = 4;
/// How recent an inbox read [`Store::mark_topics_unread`] takes back.
const UNDO_WITHIN_MS: i64 = 60 * 60 * 1000;
/// Topics per circle the engagement norm is taken over: the newest, enough for a median that
/// one viral post does not move.
const NORM_TOPICS: i64 = 300;

/// An unread topic with what the brief shows of it besides the ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct BriefTopic {
    pub candidate: Candidate,
    pub circle: String,
    pub author: Option<String>,
    /// The service's kind: `talk`, `q&a`, `task`, `solution`.
    pub kind: String,
    pub title: Option<String>,
    /// Its first few images that are cached (the brief's strip; uncached ones cannot show
    /// offline).
    pub images: Vec<i64>,
}

/// A row of [`Store::brief_topics`], in the `SELECT`'s order.
#[derive(sqlx::FromRow)]
struct Row {
    topic_id: i64,
    group_id: i64,
    author_id: Option<i64>,
    role: String,
    text: String,
    checkin: bool,
    /// The talk's rich text, when it has a link entity.
    linked_text: Option<String>,
    create_time_ms: i64,
    digest: bool,
    answered_by_owner: bool,
    likes: i64,
    comments: i64,
    mine: Option<String>,
    hashtags: String,
    /// Its first cached images, a JSON array of ids.
    images: String,
    circle: String,
    author: Option<String>,
    kind: String,
    title: Option<String>,
}

/// A follow or a mute, on an author or a hashtag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Author(i64),
    Tag(String),
}

impl Mark {
    fn columns(&self) -> (&'static str, String) {
        match self {
            Self::Author(id) => ("author", id.to_string()),
            Self::Tag(tag) => ("tag", tag.clone()),
        }
    }
}

impl Store {
    /// Unread topics posted at or after `since_ms` (unread as the reader counts it), and topics
    /// of any age, read or not, that carry an unread inbox event (an old question of the
    /// member's answered today, a reply under a topic they read yesterday); newest first, at
    /// most `limit`. Topics deleted on the service are left out.
    pub async fn brief_topics(
        &self,
        since_ms: i64,
        limit: u32,
    ) -> Result<Vec<BriefTopic>, StoreError> {
        let rows: Vec<Row> = sqlx::query_as(
            "WITH mine AS (
                 SELECT topic_id,
                        MIN(CASE kind WHEN 'answer' THEN 1 WHEN 'question_for_me' THEN 2
                                      WHEN 'reply' THEN 3 WHEN 'mention' THEN 4
                                      WHEN 'comment' THEN 5 WHEN 'digest' THEN 6 ELSE 7 END) AS rank,
                        kind
                 FROM inbox WHERE read_ms IS NULL GROUP BY topic_id
             ),
             people AS (
                 SELECT g.group_id, json_extract(g.raw_json, '$.owner.user_id') AS owner,
                        COALESCE(json_extract(g.raw_json, '$.guest_ids'), '[]') AS guests
                 FROM circles g
             ),
             -- The window by `topics_created`, and what concerns the member: an index range
             -- and a short list, where one OR over both would read every topic.
             candidates AS (
                 SELECT topic_id FROM topics WHERE create_time_ms >= ?1
                 UNION
                 SELECT topic_id FROM mine
             )
             SELECT t.topic_id, t.group_id, t.author_id,
                    CASE WHEN t.author_id = p.owner THEN 'owner'
                         WHEN t.author_id IN (SELECT value FROM json_each(p.guests)) THEN 'guest'
                         ELSE 'member' END AS role,
                    t.plain_text AS text,
                    COALESCE(json_type(t.raw_json, '$.checkin') = 'object', 0) AS checkin,
                    CASE WHEN instr(json_extract(t.raw_json, '$.talk.text'), 'type=\"web\"') > 0
                         THEN json_extract(t.raw_json, '$.talk.text') END AS linked_text,
                    t.create_time_ms, t.digested AS digest,
                    (t.kind = 'q&a' AND t.answered = 1
                        AND (t.answerer_id = p.owner
                             OR t.answerer_id IN (SELECT value FROM json_each(p.guests))))
                        AS answered_by_owner,
                    t.likes_count AS likes, t.comments_count AS comments,
                    (SELECT m.kind FROM mine m WHERE m.topic_id = t.topic_id) AS mine,
                    (SELECT json_group_array(h.name) FROM topic_hashtags h
                     WHERE h.topic_id = t.topic_id) AS hashtags,
                    (SELECT json_group_array(image_id) FROM
                        (SELECT i.image_id FROM images i
                         WHERE i.topic_id = t.topic_id AND i.comment_id IS NULL
                           AND i.local_path IS NOT NULL
                         ORDER BY i.part, i.position LIMIT ?3)) AS images,
                    g.name AS circle, u.name AS author, t.kind, t.title
             FROM candidates k
             JOIN topics t ON t.topic_id = k.topic_id
             JOIN circles g ON g.group_id = t.group_id
             JOIN people p ON p.group_id = t.group_id
             LEFT JOIN users u ON u.user_id = t.author_id
             LEFT JOIN circle_reads c ON c.group_id = t.group_id
             WHERE t.deleted_at_ms IS NULL
               AND ((t.create_time_ms >= ?1 AND t.create_time_ms > COALESCE(c.read_until_ms, -1)
                     AND NOT EXISTS (SELECT 1 FROM topic_reads r WHERE r.topic_id = t.topic_id))
                    OR t.topic_id IN (SELECT topic_id FROM mine))
             ORDER BY t.create_time_ms DESC, t.topic_id DESC
             LIMIT ?2",
        )
        .bind(since_ms)
        .bind(i64::from(limit))
        .bind(STRIP_IMAGES)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(brief_topic).collect()
    }

    /// Each circle's typical engagement ([`engagement`]): the median over its newest topics.
    pub async fn engagement_norms(&self, groups: &[i64]) -> Result<HashMap<i64, f64>, StoreError> {
        let mut norms = HashMap::with_capacity(groups.len());
        for &group in groups {
            let counts: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT likes_count, comments_count FROM topics
                 WHERE group_id = ? AND deleted_at_ms IS NULL
                 ORDER BY create_time_ms DESC, topic_id DESC LIMIT ?",
            )
            .bind(group)
            .bind(NORM_TOPICS)
            .fetch_all(&self.pool)
            .await?;
            let mut values: Vec<f64> = counts
                .into_iter()
                .map(|(l, c)| engagement(count(l), count(c)))
                .collect();
            values.sort_by(f64::total_cmp);
            if let Some(median) = values.get(values.len() / 2) {
                norms.insert(group, *median);
            }
        }
        Ok(norms)
    }

    /// The member's follows and mutes.
    pub async fn brief_marks(&self) -> Result<Marks, StoreError> {
        let rows: Vec<(String, String, String)> =
            sqlx::query_as("SELECT kind, key, stance FROM brief_marks")
                .fetch_all(&self.pool)
                .await?;
        let mut marks = Marks::default();
        for (kind, key, stance) in rows {
            match (kind.as_str(), stance.as_str()) {
                ("author", stance) => {
                    let id: i64 = key
                        .parse()
                        .map_err(|_| StoreError::invalid("author", &key))?;
                    if stance == "follow" {
                        marks.follow_authors.insert(id);
                    } else {
                        marks.mute_authors.insert(id);
                    }
                }
                (_, "follow") => {
                    marks.follow_tags.insert(key);
                }
                _ => {
                    marks.mute_tags.insert(key);
                }
            }
        }
        Ok(marks)
    }

    /// Every follow and mute with a name to show: `(mark, name, follow)`, authors first by
    /// name, then hashtags.
    pub async fn brief_marks_named(&self) -> Result<Vec<(Mark, String, bool)>, StoreError> {
        let rows: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT m.kind, m.key, m.stance, u.name FROM brief_marks m
             LEFT JOIN users u ON m.kind = 'author' AND u.user_id = CAST(m.key AS INTEGER)
             ORDER BY m.kind, COALESCE(u.name, m.key), m.key",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(kind, key, stance, name)| {
                let mark = if kind == "author" {
                    Mark::Author(
                        key.parse()
                            .map_err(|_| StoreError::invalid("author", &key))?,
                    )
                } else {
                    Mark::Tag(key.clone())
                };
                Ok((mark, name.unwrap_or(key), stance == "follow"))
            })
            .collect()
    }

    /// Follows (`Some(true)`), mutes (`Some(false)`) or clears (`None`) `mark`.
    pub async fn set_brief_mark(
        &self,
        mark: &Mark,
        follow: Option<bool>,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let (kind, key) = mark.columns();
        match follow {
            Some(follow) => {
                sqlx::query(
                    "INSERT INTO brief_marks (kind, key, stance, set_ms) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (kind, key) DO UPDATE
                         SET stance = excluded.stance, set_ms = excluded.set_ms",
                )
                .bind(kind)
                .bind(key)
                .bind(if follow { "follow" } else { "mute" })
                .bind(now_ms)
                .execute(&self.pool)
                .await?;
            }
            None => {
                sqlx::query("DELETE FROM brief_marks WHERE kind = ? AND key = ?")
                    .bind(kind)
                    .bind(key)
                    .execute(&self.pool)
                    .await?;
            }
        }
        Ok(())
    }

    /// Marks `topics` read, with every unread inbox event on them: what "done" in the brief
    /// means. With `owe_markers` (the Settings switch), each of their circles read without a
    /// gap further than before owes the service its read markers up to there
    /// (`reads::read_frontier`). Returns how many topics were unread.
    pub async fn mark_topics_read(
        &self,
        topics: &[TopicId],
        now_ms: i64,
        owe_markers: bool,
    ) -> Result<u64, StoreError> {
        let ids = serde_json::to_string(&topics.iter().map(|t| t.get()).collect::<Vec<_>>())?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "INSERT OR IGNORE INTO topic_reads (topic_id, read_at_ms)
             SELECT value, ?2 FROM json_each(?1)",
        )
        .bind(&ids)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE inbox SET read_ms = ?2
             WHERE read_ms IS NULL AND topic_id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&ids)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if owe_markers {
            let groups: Vec<i64> = sqlx::query_scalar(
                "SELECT DISTINCT group_id FROM topics
                 WHERE topic_id IN (SELECT value FROM json_each(?1))",
            )
            .bind(&ids)
            .fetch_all(&mut *tx)
            .await?;
            for group in groups {
                if let Some(frontier) = super::reads::read_frontier(&mut tx, group).await? {
                    super::reads::owe(&mut tx, group, frontier).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(done)
    }

    /// Makes `topics` unread again: the undo of [`Self::mark_topics_read`]. Their inbox events
    /// read within the last hour are unread again too (what the undo took back; older reads
    /// were the member's own, elsewhere).
    pub async fn mark_topics_unread(
        &self,
        topics: &[TopicId],
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let ids = serde_json::to_string(&topics.iter().map(|t| t.get()).collect::<Vec<_>>())?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM topic_reads WHERE topic_id IN (SELECT value FROM json_each(?1))")
            .bind(&ids)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE inbox SET read_ms = NULL
             WHERE read_ms >= ?2 AND topic_id IN (SELECT value FROM json_each(?1))",
        )
        .bind(&ids)
        .bind(now_ms - UNDO_WITHIN_MS)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Saves `topic` for later (`true`) or takes it off the list.
    pub async fn set_saved(
        &self,
        topic: TopicId,
        saved: bool,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let query = if saved {
            "INSERT OR IGNORE INTO saved_topics (topic_id, saved_ms) VALUES (?1, ?2)"
        } else {
            "DELETE FROM saved_topics WHERE topic_id = ?1"
        };
        sqlx::query(query)
            .bind(topic.get())
            .bind(now_ms)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Whether `topic` is on the saved list.
    pub async fn is_saved(&self, topic: TopicId) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT topic_id FROM saved_topics WHERE topic_id = ?")
                .bind(topic.get())
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }

    /// The saved topics, newest saved first.
    pub async fn saved_topics(&self) -> Result<Vec<TopicId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT topic_id FROM saved_topics ORDER BY saved_ms DESC, topic_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(ids.into_iter().map(TopicId::new).collect())
    }
}

/// The plain text of rich `text` without its link entities.
fn outside_links(text: &str) -> String {
    let nodes: Vec<Node> = parse(text)
        .into_iter()
        .filter(|node| !matches!(node, Node::Link { .. }))
        .collect();
    to_plain_text(&nodes)
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn brief_topic(row: Row) -> Result<BriefTopic, StoreError> {
    let role = match row.role.as_str() {
        "owner" => Role::Owner,
        "guest" => Role::Guest,
        _ => Role::Member,
    };
    let mine = row.mine.as_deref().map(InboxKind::parse).transpose()?;
    let mut hashtags: Vec<String> = serde_json::from_str(&row.hashtags)?;
    hashtags.sort();
    hashtags.dedup();
    Ok(BriefTopic {
        candidate: Candidate {
            topic_id: row.topic_id,
            group_id: row.group_id,
            author_id: row.author_id,
            role,
            text: row.text,
            checkin: row.checkin,
            outside_links: row.linked_text.as_deref().map(outside_links),
            create_time_ms: row.create_time_ms,
            digest: row.digest,
            answered_by_owner: row.answered_by_owner,
            likes: count(row.likes),
            comments: count(row.comments),
            mine,
            hashtags,
        },
        circle: row.circle,
        author: row.author,
        kind: row.kind,
        title: row.title,
        images: serde_json::from_str(&row.images)?,
    })
}
