//! What the archive holds per circle, in the exact shape of `zsxq-sim truth`, so a full sync
//! can be checked against the simulator with one comparison.

use serde::{Deserialize, Serialize};

use super::{Store, StoreError};

/// `{"circles":[{"group_id":"<decimal>","topics":N,"comments":M,"answered":K}]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// One entry per archived circle, in the service's list order.
    pub circles: Vec<CircleCounts>,
}

/// The counts of one circle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircleCounts {
    /// The group id as a decimal string (JSON consumers may hold numbers as floats).
    pub group_id: String,
    /// Topics of every type.
    pub topics: u64,
    /// Comments and replies, all topics together.
    pub comments: u64,
    /// Answered `q&a` topics.
    pub answered: u64,
}

impl Store {
    /// Topics, comments (replies included) and answered questions per circle, of the topics
    /// the service still has: those marked deleted on it are kept but not counted, as the
    /// service no longer counts them.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
            "SELECT c.group_id,
                    (SELECT COUNT(*) FROM topics t
                     WHERE t.group_id = c.group_id AND t.deleted_at_ms IS NULL),
                    (SELECT COUNT(*) FROM comments m JOIN topics t ON t.topic_id = m.topic_id
                     WHERE t.group_id = c.group_id AND t.deleted_at_ms IS NULL),
                    (SELECT COUNT(*) FROM topics t
                     WHERE t.group_id = c.group_id AND t.kind = 'q&a' AND t.answered
                       AND t.deleted_at_ms IS NULL)
             FROM circles c
             ORDER BY c.list_order IS NULL, c.list_order, c.group_id",
        )
        .fetch_all(&self.pool)
        .await?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(Counts {
            circles: rows
                .into_iter()
                .map(|(group_id, topics, comments, answered)| CircleCounts {
                    group_id: group_id.to_string(),
                    topics: n(topics),
                    comments: n(comments),
                    answered: n(answered),
                })
                .collect(),
        })
    }
}
