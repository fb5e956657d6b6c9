//! The hashtags and columns of a circle with their topic counts: the timeline's filters.

use zsxq::GroupId;

use super::{Store, StoreError};

/// How many hashtags a circle's filter offers: the most used.
const HASHTAG_LIMIT: i64 = 50;

/// A hashtag (`id` is its name) or a column (`id` is its id) with how many topics carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facet {
    pub id: String,
    pub name: String,
    pub topics: u64,
}

/// A circle's filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CircleFacets {
    /// Most used first, then by name.
    pub hashtags: Vec<Facet>,
    /// By name.
    pub columns: Vec<Facet>,
}

impl Store {
    /// The hashtags written in `group`'s topics and the columns its topics are filed in.
    pub async fn circle_facets(&self, group: GroupId) -> Result<CircleFacets, StoreError> {
        let hashtags: Vec<(String, i64)> = sqlx::query_as(
            "SELECT h.name, COUNT(*) AS n
             FROM topic_hashtags h JOIN topics t ON t.topic_id = h.topic_id
             WHERE t.group_id = ?1
             GROUP BY h.name ORDER BY n DESC, h.name LIMIT ?2",
        )
        .bind(group.get())
        .bind(HASHTAG_LIMIT)
        .fetch_all(&self.pool)
        .await?;
        let columns: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT c.column_id, c.name, COUNT(*)
             FROM topic_columns tc
             JOIN topics t ON t.topic_id = tc.topic_id
             JOIN columns c ON c.column_id = tc.column_id
             WHERE t.group_id = ?1
             GROUP BY c.column_id ORDER BY c.name, c.column_id",
        )
        .bind(group.get())
        .fetch_all(&self.pool)
        .await?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(CircleFacets {
            hashtags: hashtags
                .into_iter()
                .map(|(name, n)| Facet {
                    id: name.clone(),
                    name,
                    topics: count(n),
                })
                .collect(),
            columns: columns
                .into_iter()
                .map(|(id, name, n)| Facet {
                    id: id.to_string(),
                    name,
                    topics: count(n),
                })
                .collect(),
        })
    }
}
