//! The smaller things a circle has: the circle itself, users, hashtags, columns and read
//! markers.
//!
//! None of these write change-feed rows: the feed is about content (topics, comments,
//! articles) that search and notifications consume.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use zsxq::{Column, Group, GroupId, Hashtag, MenuId, MenuReadTime, MenuReadTimes, Timestamp, User};

use super::{Mirror, Store, StoreError};

/// A circle as the sidebar lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleSummary {
    /// The circle.
    pub group_id: GroupId,
    /// Its name (empty for a circle only known from a topic's stub).
    pub name: String,
    /// What the member chose to mirror of it.
    pub mirror: Mirror,
}

/// Inserts or refreshes a circle. `list_order` is kept when `None`.
async fn upsert_circle(
    conn: &mut SqliteConnection,
    group: &Group,
    list_order: Option<i64>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO circles (group_id, name, kind, list_order, raw_json) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (group_id) DO UPDATE SET
             name = excluded.name,
             kind = excluded.kind,
             list_order = COALESCE(excluded.list_order, circles.list_order),
             raw_json = excluded.raw_json",
    )
    .bind(group.group_id.get())
    .bind(&group.name)
    .bind(group.kind.as_ref().map(|kind| kind.as_str()))
    .bind(list_order)
    .bind(serde_json::to_string(group)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// Makes sure a circle row exists before topics point at it, from the topic's group stub if
/// there is one; never overwrites a circle stored from the circle list.
pub(super) async fn ensure_circle(
    conn: &mut SqliteConnection,
    group: GroupId,
    stub: Option<&Group>,
) -> Result<(), StoreError> {
    let (name, raw) = match stub.filter(|stub| stub.group_id == group) {
        Some(stub) => (stub.name.as_str(), serde_json::to_string(stub)?),
        None => ("", String::from("{}")),
    };
    sqlx::query(
        "INSERT INTO circles (group_id, name, raw_json) VALUES (?, ?, ?)
         ON CONFLICT (group_id) DO NOTHING",
    )
    .bind(group.get())
    .bind(name)
    .bind(raw)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts or refreshes a user. Users are embedded everywhere with more or fewer fields (a
/// hashtag's owner is an id alone), so a nameless copy never overwrites a named one.
pub(super) async fn upsert_user(
    conn: &mut SqliteConnection,
    user: &User,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO users (user_id, name, avatar_url, raw_json) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET
             name = excluded.name,
             avatar_url = excluded.avatar_url,
             raw_json = excluded.raw_json
         WHERE excluded.name <> ''
           AND (users.name <> excluded.name
                OR users.avatar_url IS NOT excluded.avatar_url
                OR users.raw_json <> excluded.raw_json)",
    )
    .bind(user.user_id.get())
    .bind(&user.name)
    .bind(&user.avatar_url)
    .bind(serde_json::to_string(user)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a column named in a topic (`{column_id, name}`) without losing what the column
/// list said about it.
pub(super) async fn ensure_column(
    conn: &mut SqliteConnection,
    group: i64,
    column: &Column,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO columns (column_id, group_id, name) VALUES (?, ?, ?)
         ON CONFLICT (column_id) DO UPDATE SET name = excluded.name
         WHERE excluded.name <> '' AND columns.name <> excluded.name",
    )
    .bind(column.column_id.get())
    .bind(group)
    .bind(&column.name)
    .execute(conn)
    .await?;
    Ok(())
}

/// Inserts a hashtag named in a topic's rich text, keeping what the hashtag list said.
pub(super) async fn ensure_hashtag(
    conn: &mut SqliteConnection,
    group: i64,
    hashtag_id: i64,
    name: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO hashtags (hashtag_id, group_id, name) VALUES (?, ?, ?)
         ON CONFLICT (hashtag_id) DO NOTHING",
    )
    .bind(hashtag_id)
    .bind(group)
    .bind(name)
    .execute(conn)
    .await?;
    Ok(())
}

impl Store {
    /// Stores the circle list (`/v2/groups`) in its order, which [`Store::counts`] follows.
    pub async fn upsert_circles(&self, groups: &[Group]) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        for (order, group) in (0_i64..).zip(groups) {
            upsert_circle(&mut tx, group, Some(order)).await?;
            if let Some(owner) = &group.owner {
                upsert_user(&mut tx, owner).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores one circle (e.g. from `/v2/groups/{id}`), keeping its place in the list.
    pub async fn upsert_circle(&self, group: &Group) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        upsert_circle(&mut tx, group, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The circles, in the service's list order (circles known only from topics last).
    pub async fn circles(&self) -> Result<Vec<CircleSummary>, StoreError> {
        let rows: Vec<(i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT group_id, name, mirror_months FROM circles
             ORDER BY list_order IS NULL, list_order, group_id",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name, months)| CircleSummary {
                group_id: GroupId::new(id),
                name,
                mirror: Mirror::from_column(months),
            })
            .collect())
    }

    /// Stores a circle's hashtags (`/v2/groups/{id}/hashtags`).
    pub async fn upsert_hashtags(
        &self,
        group: GroupId,
        hashtags: &[Hashtag],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        ensure_circle(&mut tx, group, None).await?;
        for hashtag in hashtags {
            sqlx::query(
                "INSERT INTO hashtags (hashtag_id, group_id, name, topics_count, raw_json)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (hashtag_id) DO UPDATE SET
                     group_id = excluded.group_id,
                     name = excluded.name,
                     topics_count = excluded.topics_count,
                     raw_json = excluded.raw_json",
            )
            .bind(hashtag.hashtag_id.get())
            .bind(group.get())
            .bind(hashtag.name())
            .bind(hashtag.topics_count.map(|n| super::derive::count(Some(n))))
            .bind(serde_json::to_string(hashtag)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores a circle's columns (`/v2/groups/{id}/columns`).
    pub async fn upsert_columns(
        &self,
        group: GroupId,
        columns: &[Column],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        ensure_circle(&mut tx, group, None).await?;
        for column in columns {
            let topics_count = column
                .statistics
                .as_ref()
                .and_then(|s| s.topics_count)
                .map(|n| super::derive::count(Some(n)));
            sqlx::query(
                "INSERT INTO columns (column_id, group_id, name, topics_count, raw_json)
                 VALUES (?, ?, ?, ?, ?)
                 ON CONFLICT (column_id) DO UPDATE SET
                     group_id = excluded.group_id,
                     name = excluded.name,
                     topics_count = excluded.topics_count,
                     raw_json = excluded.raw_json",
            )
            .bind(column.column_id.get())
            .bind(group.get())
            .bind(&column.name)
            .bind(topics_count)
            .bind(serde_json::to_string(column)?)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Replaces a circle's read markers with `markers` (as fetched from, or sent to, the
    /// service); tabs not named keep theirs.
    pub async fn set_read_markers(
        &self,
        group: GroupId,
        markers: &MenuReadTimes,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        ensure_circle(&mut tx, group, None).await?;
        for marker in &markers.menus {
            sqlx::query(
                "INSERT INTO read_markers (group_id, menu_id, last_read_time_ms, last_read_time)
                 VALUES (?, ?, ?, ?)
                 ON CONFLICT (group_id, menu_id) DO UPDATE SET
                     last_read_time_ms = excluded.last_read_time_ms,
                     last_read_time = excluded.last_read_time",
            )
            .bind(group.get())
            .bind(marker.menu_id.get())
            .bind(marker.last_read_time.to_unix_millis())
            .bind(marker.last_read_time.to_string())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A circle's read markers, by tab id.
    pub async fn read_markers(&self, group: GroupId) -> Result<MenuReadTimes, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT menu_id, last_read_time FROM read_markers WHERE group_id = ? ORDER BY menu_id",
        )
        .bind(group.get())
        .fetch_all(&self.pool)
        .await?;
        let menus = rows
            .into_iter()
            .map(|(menu_id, time)| {
                Ok(MenuReadTime {
                    last_read_time: Timestamp::parse(&time)
                        .map_err(|_| StoreError::invalid("read marker time", time))?,
                    menu_id: MenuId::new(menu_id),
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(MenuReadTimes { menus })
    }
}
