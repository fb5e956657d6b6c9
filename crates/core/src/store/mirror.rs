//! What the member chose to mirror of each circle ([`Mirror`]): everything (the default), the
//! last N months, or nothing (the circle stays in the list, unsynced). The sync reads the
//! choices at the start of every run (docs/sync.md); a narrower choice stops fetching, it never
//! deletes what is archived.

use std::collections::HashMap;

use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};
use zsxq::{GroupId, Timestamp};

use super::{Store, StoreError};

/// How much of a circle is mirrored. In JSON (`orrery-cli circles --json`): `"all"`,
/// `{"months": 3}`, `"nothing"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mirror {
    /// Its whole history.
    #[default]
    All,
    /// Topics of the last so many calendar months (1 or more).
    Months(u32),
    /// None: listed, not synced.
    Nothing,
}

impl Mirror {
    /// The choices the app offers (the CLI takes any number of months).
    pub const OFFERED: [Self; 6] = [
        Self::All,
        Self::Months(12),
        Self::Months(6),
        Self::Months(3),
        Self::Months(1),
        Self::Nothing,
    ];

    pub(super) fn from_column(months: Option<i64>) -> Self {
        match months {
            None => Self::All,
            Some(n) if n <= 0 => Self::Nothing,
            Some(n) => Self::Months(u32::try_from(n).unwrap_or(u32::MAX)),
        }
    }

    fn to_column(self) -> Option<i64> {
        match self {
            Self::All => None,
            Self::Nothing | Self::Months(0) => Some(0),
            Self::Months(n) => Some(i64::from(n)),
        }
    }

    /// The oldest creation time of a topic mirrored at `now_ms`: `now` less the months, in
    /// UTC calendar months (three months before 31 May is 28 or 29 February). `None` for
    /// everything and for nothing.
    pub fn horizon(self, now_ms: i64) -> Option<Timestamp> {
        let Self::Months(months) = self else {
            return None;
        };
        let now = DateTime::<Utc>::from_timestamp_millis(now_ms)?;
        let then = now
            .checked_sub_months(Months::new(months))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        Timestamp::from_unix_millis(then.timestamp_millis()).ok()
    }
}

impl Store {
    /// Sets what is mirrored of `group`; `false` when the archive does not list that circle
    /// (it is listed after the first sync's first request).
    pub async fn set_mirror(&self, group: GroupId, mirror: Mirror) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE circles SET mirror_months = ? WHERE group_id = ?")
            .bind(mirror.to_column())
            .bind(group.get())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Every circle's choice other than everything.
    pub async fn mirrors(&self) -> Result<HashMap<GroupId, Mirror>, StoreError> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT group_id, mirror_months FROM circles WHERE mirror_months IS NOT NULL",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, months)| (GroupId::new(id), Mirror::from_column(months)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_calendar_months_back_from_now() {
        let may_31 = DateTime::parse_from_rfc3339("2026-05-31T12:00:00Z")
            .expect("date")
            .timestamp_millis();
        let horizon = Mirror::Months(3).horizon(may_31).expect("a horizon");
        let expected = DateTime::parse_from_rfc3339("2026-02-28T12:00:00Z")
            .expect("date")
            .timestamp_millis();
        assert_eq!(horizon.to_unix_millis(), expected);
        assert_eq!(Mirror::All.horizon(may_31), None);
        assert_eq!(Mirror::Nothing.horizon(may_31), None);
    }

    #[test]
    fn the_column_keeps_every_choice() {
        for mirror in [
            Mirror::All,
            Mirror::Nothing,
            Mirror::Months(1),
            Mirror::Months(12),
        ] {
            assert_eq!(Mirror::from_column(mirror.to_column()), mirror);
        }
        assert_eq!(
            Mirror::from_column(Mirror::Months(0).to_column()),
            Mirror::Nothing
        );
    }
}
