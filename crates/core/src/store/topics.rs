//! Writing topics: the idempotent upsert and [`Store::commit_page`].
//!
//! An upsert compares the new raw JSON with the stored one first: equal means nothing to do,
//! not even a write. Otherwise the typed columns are compared field by field
//! ([`TopicRow::changed_fields`]); the row, its users, hashtags, columns, images, files and
//! article link are rewritten, and a change-feed row is written only if a tracked field (or
//! the topic's columns) moved.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use zsxq::client::TopicBatch;
use zsxq::{GroupId, Timestamp, Topic, UndecodedTopic};

use super::derive::{self, DerivedTopic, TopicRow};
use super::feed::{self, ChangeEntity, ChangeOp, NewChange};
use super::sync_state::{self, SyncCursor, SyncScope};
use super::{Store, StoreError, catalog, comments, history};

/// What [`Store::commit_page`] did with a page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageOutcome {
    /// Topics archived for the first time.
    pub inserted: u32,
    /// Topics that were archived before and changed in a tracked field (one change row each).
    pub updated: u32,
    /// Topics archived before with nothing tracked changed (volatile fields such as reading
    /// counts or re-signed image URLs may have been refreshed).
    pub unchanged: u32,
    /// Whether any topic of the page was already archived: a walk down from the newest topic
    /// has reached what an earlier sync stored.
    pub known_hit: bool,
    /// Inline comments and replies (`show_comments`) archived for the first time.
    pub comments_inserted: u32,
    /// Items that did not decode and were not kept before (to report once).
    pub undecoded: u32,
}

impl PageOutcome {
    fn tally(&mut self, upserted: Upserted) {
        match upserted {
            Upserted::Inserted => self.inserted += 1,
            Upserted::Updated => self.updated += 1,
            Upserted::Unchanged => self.unchanged += 1,
        }
        self.known_hit |= upserted != Upserted::Inserted;
    }
}

/// How one upsert went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Upserted {
    Inserted,
    Updated,
    Unchanged,
}

/// Upserts one topic of circle `group` inside the caller's transaction.
pub(super) async fn upsert(
    conn: &mut SqliteConnection,
    group: GroupId,
    topic: &Topic,
) -> Result<Upserted, StoreError> {
    let derived = derive::topic(group, topic)?;
    let old: Option<TopicRow> = sqlx::query_as(
        "SELECT group_id, kind, author_id, questionee_id, answerer_id, create_time_ms,
                create_time, modify_time_ms, modify_time, title, plain_text, digested, sticky,
                answered, silenced, likes_count, comments_count, rewards_count, reading_count,
                readers_count, raw_json
         FROM topics WHERE topic_id = ?",
    )
    .bind(derived.topic_id)
    .fetch_optional(&mut *conn)
    .await?;
    if old.is_some() {
        // Listed again, so not deleted after all (a deletion is confirmed before it is marked,
        // but the list is the final word).
        sqlx::query(
            "UPDATE topics SET deleted_at_ms = NULL WHERE topic_id = ? AND deleted_at_ms IS NOT NULL",
        )
        .bind(derived.topic_id)
        .execute(&mut *conn)
        .await?;
    }
    if old.as_ref().is_some_and(|old| *old == derived.row) {
        return Ok(Upserted::Unchanged);
    }
    if let Some(old) = &old
        && old.plain_text != derived.row.plain_text
        && let Ok(old_topic) = serde_json::from_str::<Topic>(&old.raw_json)
        && history::is_edit(&old_topic, topic)
    {
        history::keep_revision(
            conn,
            derived.topic_id,
            old.modify_time.as_deref(),
            &old.plain_text,
            &old.raw_json,
        )
        .await?;
    }

    for user in &derived.users {
        catalog::upsert_user(conn, user).await?;
    }
    write_row(conn, &derived).await?;
    let columns_changed = write_columns(conn, &derived).await?;
    write_hashtags(conn, &derived).await?;
    write_attachments(conn, &derived).await?;

    let (op, mut fields) = match &old {
        None => (ChangeOp::Insert, Vec::new()),
        Some(old) => (ChangeOp::Update, old.changed_fields(&derived.row)),
    };
    if old.is_some() && columns_changed {
        fields.push("columns");
    }
    if op == ChangeOp::Update && fields.is_empty() {
        return Ok(Upserted::Unchanged);
    }
    if op == ChangeOp::Insert {
        history::forget_undecoded(conn, group, topic.topic_id).await?;
    }
    feed::record(
        conn,
        NewChange {
            entity: ChangeEntity::Topic,
            entity_id: derived.topic_id,
            group_id: derived.row.group_id,
            topic_id: derived.topic_id,
            op,
            fields: &fields,
        },
    )
    .await?;
    Ok(match op {
        ChangeOp::Insert => Upserted::Inserted,
        ChangeOp::Update => Upserted::Updated,
    })
}

async fn write_row(conn: &mut SqliteConnection, d: &DerivedTopic<'_>) -> Result<(), StoreError> {
    let r = &d.row;
    sqlx::query(
        "INSERT INTO topics (topic_id, group_id, kind, author_id, questionee_id, answerer_id,
             create_time_ms, create_time, modify_time_ms, modify_time, title, plain_text,
             digested, sticky, answered, silenced, likes_count, comments_count, rewards_count,
             reading_count, readers_count, raw_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (topic_id) DO UPDATE SET
             group_id = excluded.group_id, kind = excluded.kind,
             author_id = excluded.author_id, questionee_id = excluded.questionee_id,
             answerer_id = excluded.answerer_id, create_time_ms = excluded.create_time_ms,
             create_time = excluded.create_time, modify_time_ms = excluded.modify_time_ms,
             modify_time = excluded.modify_time, title = excluded.title,
             plain_text = excluded.plain_text, digested = excluded.digested,
             sticky = excluded.sticky, answered = excluded.answered,
             silenced = excluded.silenced, likes_count = excluded.likes_count,
             comments_count = excluded.comments_count, rewards_count = excluded.rewards_count,
             reading_count = excluded.reading_count, readers_count = excluded.readers_count,
             raw_json = excluded.raw_json",
    )
    .bind(d.topic_id)
    .bind(r.group_id)
    .bind(&r.kind)
    .bind(r.author_id)
    .bind(r.questionee_id)
    .bind(r.answerer_id)
    .bind(r.create_time_ms)
    .bind(&r.create_time)
    .bind(r.modify_time_ms)
    .bind(&r.modify_time)
    .bind(&r.title)
    .bind(&r.plain_text)
    .bind(r.digested)
    .bind(r.sticky)
    .bind(r.answered)
    .bind(r.silenced)
    .bind(r.likes_count)
    .bind(r.comments_count)
    .bind(r.rewards_count)
    .bind(r.reading_count)
    .bind(r.readers_count)
    .bind(&r.raw_json)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the topic's column links; returns whether the set changed.
async fn write_columns(
    conn: &mut SqliteConnection,
    d: &DerivedTopic<'_>,
) -> Result<bool, StoreError> {
    let mut old: Vec<i64> =
        sqlx::query_scalar("SELECT column_id FROM topic_columns WHERE topic_id = ?")
            .bind(d.topic_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut new: Vec<i64> = d.columns.iter().map(|c| c.column_id.get()).collect();
    old.sort_unstable();
    new.sort_unstable();
    new.dedup();
    for column in d.columns {
        catalog::ensure_column(conn, d.row.group_id, column).await?;
    }
    if old == new {
        return Ok(false);
    }
    sqlx::query("DELETE FROM topic_columns WHERE topic_id = ?")
        .bind(d.topic_id)
        .execute(&mut *conn)
        .await?;
    for column in new {
        sqlx::query("INSERT INTO topic_columns (topic_id, column_id) VALUES (?, ?)")
            .bind(d.topic_id)
            .bind(column)
            .execute(&mut *conn)
            .await?;
    }
    Ok(true)
}

async fn write_hashtags(
    conn: &mut SqliteConnection,
    d: &DerivedTopic<'_>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM topic_hashtags WHERE topic_id = ?")
        .bind(d.topic_id)
        .execute(&mut *conn)
        .await?;
    for (name, id) in &d.hashtags {
        if let Some(id) = id {
            catalog::ensure_hashtag(conn, d.row.group_id, *id, name).await?;
        }
        sqlx::query("INSERT INTO topic_hashtags (topic_id, name, hashtag_id) VALUES (?, ?, ?)")
            .bind(d.topic_id)
            .bind(name)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Images, files and the article link. Rows are upserted by id, not replaced, so a cached
/// file's `local_path` (and a fetched article body) survive the URL refreshes.
async fn write_attachments(
    conn: &mut SqliteConnection,
    d: &DerivedTopic<'_>,
) -> Result<(), StoreError> {
    let mut image_ids = Vec::with_capacity(d.images.len());
    let mut positions = [0_i64; 2];
    for (part, image) in &d.images {
        let slot = usize::from(*part != derive::ImagePart::Body);
        let position = positions[slot];
        positions[slot] += 1;
        image_ids.push(image.image_id.get());
        comments::write_image(conn, d.topic_id, None, *part, position, image).await?;
    }
    sqlx::query(
        "DELETE FROM images WHERE topic_id = ? AND comment_id IS NULL
           AND image_id NOT IN (SELECT value FROM json_each(?))",
    )
    .bind(d.topic_id)
    .bind(serde_json::to_string(&image_ids)?)
    .execute(&mut *conn)
    .await?;

    let mut file_ids = Vec::with_capacity(d.files.len());
    for (position, file) in (0_i64..).zip(d.files) {
        file_ids.push(file.file_id.get());
        sqlx::query(
            "INSERT INTO files (file_id, topic_id, position, name, hash, size, duration,
                 create_time_ms, create_time, raw_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (file_id) DO UPDATE SET
                 topic_id = excluded.topic_id, position = excluded.position,
                 name = excluded.name, hash = excluded.hash, size = excluded.size,
                 duration = excluded.duration, create_time_ms = excluded.create_time_ms,
                 create_time = excluded.create_time, raw_json = excluded.raw_json",
        )
        .bind(file.file_id.get())
        .bind(d.topic_id)
        .bind(position)
        .bind(&file.name)
        .bind(&file.hash)
        .bind(file.size.map(|n| derive::count(Some(n))))
        .bind(file.duration.map(|n| derive::count(Some(n))))
        .bind(file.create_time.map(|t| t.to_unix_millis()))
        .bind(file.create_time.map(|t| t.to_string()))
        .bind(serde_json::to_string(file)?)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "DELETE FROM files WHERE topic_id = ? AND file_id NOT IN (SELECT value FROM json_each(?))",
    )
    .bind(d.topic_id)
    .bind(serde_json::to_string(&file_ids)?)
    .execute(&mut *conn)
    .await?;

    match d.article {
        Some(article) => {
            // A different article under the same topic invalidates the fetched body.
            sqlx::query(
                "INSERT INTO articles (topic_id, article_id, title, article_url, inline_article_url)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (topic_id) DO UPDATE SET
                     title = excluded.title,
                     article_url = excluded.article_url,
                     inline_article_url = excluded.inline_article_url,
                     html = CASE WHEN articles.article_id = excluded.article_id
                                 THEN articles.html END,
                     text = CASE WHEN articles.article_id = excluded.article_id
                                 THEN articles.text END,
                     article_id = excluded.article_id",
            )
            .bind(d.topic_id)
            .bind(&article.article_id)
            .bind(&article.title)
            .bind(&article.article_url)
            .bind(&article.inline_article_url)
            .execute(&mut *conn)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM articles WHERE topic_id = ?")
                .bind(d.topic_id)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

/// Upserts `topics` of circle `group` (creating the circle from their group stub if needed)
/// with their inline comments, and keeps the items that did not decode, inside the caller's
/// transaction.
async fn upsert_all(
    conn: &mut SqliteConnection,
    group: GroupId,
    topics: &[Topic],
    undecoded: &[UndecodedTopic],
) -> Result<PageOutcome, StoreError> {
    let stub = topics.iter().find_map(|t| t.group.as_ref());
    catalog::ensure_circle(conn, group, stub).await?;
    let mut outcome = PageOutcome::default();
    for topic in topics {
        outcome.tally(upsert(conn, group, topic).await?);
        outcome.comments_inserted += comments::keep_inline(conn, group, topic).await?;
    }
    outcome.undecoded = history::keep_undecoded(conn, group, undecoded).await?;
    Ok(outcome)
}

impl Store {
    /// Archives one page of circle `group`'s `scope` list — its topics with their inline
    /// comments, and the items that did not decode — and moves that list's cursor to `cursor`,
    /// in one transaction: either all of it is stored or none of it.
    pub async fn commit_page(
        &self,
        group: GroupId,
        scope: &SyncScope,
        page: &TopicBatch,
        cursor: &SyncCursor,
    ) -> Result<PageOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let outcome = upsert_all(&mut tx, group, &page.topics, &page.undecoded).await?;
        sync_state::write_cursor(&mut tx, group, scope, cursor).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Archives a page of a list outside the walks that own a cursor (a refresh of recent
    /// topics, the 问答 tab), with the same idempotent upsert.
    pub async fn upsert_page(
        &self,
        group: GroupId,
        page: &TopicBatch,
    ) -> Result<PageOutcome, StoreError> {
        self.upsert(group, &page.topics, &page.undecoded).await
    }

    /// Archives topics from anywhere else (a topic from a notification, a benchmark's load),
    /// with the same idempotent upsert.
    pub async fn upsert_topics(
        &self,
        group: GroupId,
        topics: &[Topic],
    ) -> Result<PageOutcome, StoreError> {
        self.upsert(group, topics, &[]).await
    }

    async fn upsert(
        &self,
        group: GroupId,
        topics: &[Topic],
        undecoded: &[UndecodedTopic],
    ) -> Result<PageOutcome, StoreError> {
        let mut tx = self.begin_write().await?;
        let outcome = upsert_all(&mut tx, group, topics, undecoded).await?;
        tx.commit().await?;
        Ok(outcome)
    }
}

impl Store {
    /// The `create_time` of the oldest question of `group` archived without an answer and not
    /// expired: how far down the 问答 tab a refresh must walk to see every answer that may have
    /// arrived since. `None` when every archived question is answered.
    pub async fn oldest_open_question(
        &self,
        group: GroupId,
    ) -> Result<Option<Timestamp>, StoreError> {
        let time: Option<String> = sqlx::query_scalar(
            "SELECT create_time FROM topics
             WHERE group_id = ? AND kind = 'q&a' AND NOT answered
               AND COALESCE(json_extract(raw_json, '$.question.expired'), 0) = 0
             ORDER BY create_time_ms, topic_id
             LIMIT 1",
        )
        .bind(group.get())
        .fetch_optional(&self.pool)
        .await?;
        time.map(|t| Timestamp::parse(&t).map_err(|_| StoreError::invalid("topic time", t)))
            .transpose()
    }
}
