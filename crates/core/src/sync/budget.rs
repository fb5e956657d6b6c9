//! The daily request budget: bans on ZSXQ follow an account's volume and duration, not only its
//! rate — a slow crawler was banned after 26 hours of continuous crawling (PROTOCOL.md §6.6). So
//! every run adds the requests it sent to its local day in the archive, and the app's
//! background sync does not start a run once the day's budget is spent: it rests until local
//! midnight and says so. "Sync now" still runs: that is the member's own choice.

use chrono::{Days, Local, NaiveTime, TimeZone};

use crate::store::{Store, StoreError};

/// When the day's `budget` (`None`: no limit) is spent by the runs of every process on this
/// archive, the local midnight that ends the rest.
pub async fn spent(store: &Store, budget: Option<u64>) -> Result<Option<i64>, StoreError> {
    let Some(budget) = budget else {
        return Ok(None);
    };
    let now = crate::now_ms();
    let used = store.requests_on(&local_day(now)).await?;
    Ok((used >= budget).then(|| next_local_midnight(now)))
}

/// The local day of `ms`, as the archive keys it (`YYYY-MM-DD`).
pub fn local_day(ms: i64) -> String {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .map_or_else(String::new, |t| t.format("%Y-%m-%d").to_string())
}

/// The next local midnight after `ms`, in unix milliseconds.
pub fn next_local_midnight(ms: i64) -> i64 {
    Local
        .timestamp_millis_opt(ms)
        .single()
        .and_then(|t| t.date_naive().checked_add_days(Days::new(1)))
        .and_then(|day| {
            day.and_time(NaiveTime::MIN)
                .and_local_timezone(Local)
                .earliest()
        })
        .map_or(ms + 24 * 3_600_000, |t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_midnight_is_later_the_same_or_next_day() {
        let now = crate::now_ms();
        let midnight = next_local_midnight(now);
        assert!(midnight > now && midnight - now <= 25 * 3_600_000);
        assert_ne!(local_day(now), local_day(midnight));
        assert_eq!(local_day(midnight - 1), local_day(now));
    }
}
