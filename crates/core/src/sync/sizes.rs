//! How big each circle is: the service's topic count and creation time from the circle's
//! detail (`GET /v2/groups/{id}`), asked in a full run for every listed circle (those the
//! member chose not to mirror too: the count is what the choice is made on) whose size is
//! unknown or a week old. One request per circle and week; each is tried once (the client's
//! own retries aside), and a failure leaves the size to the next run rather than holding this
//! one up.

use zsxq::{ApiError, GroupId};

use super::circle::Ctx;
use super::error::Stop;

/// How long a circle's size is trusted before it is asked again.
const MAX_AGE_MS: i64 = 7 * 86_400_000;

/// Asks the size of each of `groups` not known or older than a week; returns how many were
/// asked.
pub(super) async fn measure(ctx: &Ctx, groups: &[GroupId], now_ms: i64) -> Result<u32, Stop> {
    let known = ctx.store.circle_sizes().await?;
    let mut asked = 0;
    for &group in groups {
        if known
            .get(&group)
            .is_some_and(|size| now_ms - size.measured_ms < MAX_AGE_MS)
        {
            continue;
        }
        asked += 1;
        let detail = match ctx.guard(ctx.client.group(group)).await? {
            Ok(response) => response.data.group,
            Err(ApiError::Unauthorized) => return Err(Stop::NeedsLogin),
            Err(err) => {
                tracing::warn!(%group, %err, "the circle's size was not told; asked next run");
                continue;
            }
        };
        let topics = detail
            .statistics
            .as_ref()
            .and_then(|s| s.topics.as_ref())
            .and_then(|t| t.topics_count);
        let created_ms = detail.create_time.map(|t| t.to_unix_millis());
        ctx.store
            .set_circle_size(group, topics, created_ms, now_ms)
            .await?;
    }
    Ok(asked)
}
