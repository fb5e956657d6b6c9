//! The last finished sync run of each outcome, so that when the archive last caught up
//! survives a restart of the app.

use super::{Store, StoreError};

/// A finished run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncRun {
    /// `caught_up`, `partial`, `cancelled` or `needs_login`.
    pub status: &'static str,
    pub finished_ms: i64,
    pub new_topics: u64,
    pub requests: u64,
}

impl Store {
    /// Records a finished run in place of the last one that ended the same way.
    pub async fn record_sync_run(&self, run: &SyncRun) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT OR REPLACE INTO sync_runs (status, finished_ms, new_topics, requests)
             VALUES (?, ?, ?, ?)",
        )
        .bind(run.status)
        .bind(run.finished_ms)
        .bind(i64::try_from(run.new_topics).unwrap_or(i64::MAX))
        .bind(i64::try_from(run.requests).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// When a run last caught up with every circle, if one ever did.
    pub async fn last_caught_up_ms(&self) -> Result<Option<i64>, StoreError> {
        let last =
            sqlx::query_scalar("SELECT finished_ms FROM sync_runs WHERE status = 'caught_up'")
                .fetch_optional(&self.pool)
                .await?;
        Ok(last)
    }
}
