//! Read state back to the service: when the member has read a circle up to a time (marked it
//! read, or marked topics done until nothing before that time is unread), the service's own read
//! markers for that circle (`menus/last_read_time`, which the member's phone shows as unread
//! counts) are moved there.
//!
//! The store keeps what is owed (`read_markers_owed`), written beside the local mark when the
//! Settings switch (`send_read_markers`, on by default) is on (`Store::mark_circle_read`,
//! `Store::mark_topics_read`); each run pays it before the circles' walks: per circle one `GET`
//! of the markers and, where a tab's marker is older than the time owed, one `PUT` moving those
//! tabs forward. Markers never move back: a tab the member read further on their phone keeps
//! its time. Each request is tried once (the client's own retries aside): a failure keeps the
//! debt for the next run rather than holding this one up. Requests are paced like every other.

use zsxq::{ApiError, GroupId, MenuReadTimes, Timestamp};

use super::circle::Ctx;
use super::error::Stop;

/// Pays the read markers owed for the circles of this run; returns how many circles' markers
/// moved. A circle that fails keeps its debt for the next run.
pub(super) async fn pay(ctx: &Ctx, circles: &[GroupId]) -> Result<u32, Stop> {
    let mut moved = 0;
    for (group, until_ms) in ctx.store.read_markers_owed().await? {
        if !circles.contains(&group) {
            continue;
        }
        let Ok(until) = Timestamp::from_unix_millis(until_ms) else {
            tracing::warn!(%group, until_ms, "a read marker out of range; dropped");
            ctx.store.read_marker_paid(group, until_ms).await?;
            continue;
        };
        match pay_one(ctx, group, until).await {
            Ok(true) => moved += 1,
            Ok(false) => {}
            Err(Stop::Failed(err)) => {
                tracing::warn!(%group, %err, "read markers not sent; tried again next run");
                continue;
            }
            Err(Stop::Expired) => continue,
            Err(other) => return Err(other),
        }
        ctx.store.read_marker_paid(group, until_ms).await?;
    }
    Ok(moved)
}

/// Moves `group`'s tabs whose marker is older than `until` there; `false` when none was.
async fn pay_one(ctx: &Ctx, group: GroupId, until: Timestamp) -> Result<bool, Stop> {
    let until_ms = until.to_unix_millis();
    let markers = ctx
        .guard(ctx.client.last_read_times(group))
        .await?
        .map_err(stop)?
        .data;
    let behind: Vec<_> = markers
        .menus
        .into_iter()
        .filter(|m| m.last_read_time.to_unix_millis() < until_ms)
        .map(|mut m| {
            m.last_read_time = until;
            m
        })
        .collect();
    if behind.is_empty() {
        return Ok(false);
    }
    let moved = MenuReadTimes { menus: behind };
    ctx.guard(ctx.client.set_last_read_times(group, &moved))
        .await?
        .map_err(stop)?;
    Ok(true)
}

/// What a failed request means here: a lapsed sign-in stops the run, an ended membership or
/// anything else only this circle's markers.
fn stop(err: ApiError) -> Stop {
    match err {
        ApiError::Unauthorized => Stop::NeedsLogin,
        ApiError::MembershipExpired => Stop::Expired,
        other => Stop::Failed(other),
    }
}
