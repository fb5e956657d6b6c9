//! The last finished sync run of each outcome, so that when the archive last caught up
//! survives a restart of the app; and the requests sent per local day, for the daily budget.

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

    /// Adds `requests` sent on the local day `day` (`YYYY-MM-DD`).
    pub async fn add_requests(&self, day: &str, requests: u64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO request_days (day, requests) VALUES (?1, ?2)
             ON CONFLICT (day) DO UPDATE SET requests = requests + excluded.requests",
        )
        .bind(day)
        .bind(i64::try_from(requests).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Requests sent on the local day `day`, by every process on this archive.
    pub async fn requests_on(&self, day: &str) -> Result<u64, StoreError> {
        let n: Option<i64> = sqlx::query_scalar("SELECT requests FROM request_days WHERE day = ?")
            .bind(day)
            .fetch_optional(&self.pool)
            .await?;
        Ok(n.map_or(0, |n| u64::try_from(n).unwrap_or(0)))
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
