//! Images into the media cache, newest topic first, while the cache is below its cap (see
//! [`crate::media`] for the policy). An image its host refuses for good (gone, a link the
//! client will not follow) is noted in the archive and not asked for again until a re-walk
//! brings a new URL. So is an image larger than [`MAX_IMAGE_BYTES`]: it is cut off where it
//! passes the cap (nothing of it stays on disk) and marked with [`ApiError::TooLarge`]'s words,
//! so a huge or endless body neither holds the sync nor fills the memory or the cache.
//!
//! A host that cannot be reached (down, timing out, 5xx after the client's own retries) is
//! not the circle's failure: images are extras beside the text the member synced for. The
//! image is left for later with a growing wait ([`retry_after`]: 15 minutes, doubling, at
//! most a week), and the rest of that host's images wait for the next run, so a dead host
//! costs a run one image's retries, not every image's (it once held a circle 310 s and then
//! failed it, every run).

use std::collections::HashSet;
use std::time::Duration;

use zsxq::client::DownloadError;
use zsxq::{ApiError, GroupId, ImageId};

use super::circle::{Ctx, Progress, Tally, over_budget};
use super::error::Stop;
use super::{Phase, SyncEvent};
use crate::media::{MAX_IMAGE_BYTES, MediaCache};
use crate::store::Blob;

/// Images asked of the store at a time.
const BATCH: u32 = 50;

pub(super) async fn images(ctx: Ctx, group: GroupId) -> Result<Progress, Stop> {
    let Some(cache) = ctx.media.clone() else {
        return Ok(Progress::default());
    };
    let mut tally = Tally::default();
    let mut done: HashSet<ImageId> = HashSet::new();
    // Hosts that could not be reached in this run: their other images wait for the next.
    let mut down: HashSet<String> = HashSet::new();
    let mut announced = false;
    loop {
        let limit = BATCH.saturating_add(u32::try_from(done.len()).unwrap_or(u32::MAX));
        let todo: Vec<_> = ctx
            .store
            .images_to_cache_in(group, limit)
            .await?
            .into_iter()
            .filter(|i| !done.contains(&i.image_id))
            .collect();
        if todo.is_empty() {
            return Ok(Progress { tally, more: false });
        }
        ctx.announce(&mut announced, group, Phase::Images);
        for image in todo {
            if over_budget(ctx.options.images_per_round, done.len()) {
                return Ok(Progress { tally, more: true });
            }
            // Checked before every download: circles cache concurrently, so each may add one
            // image beyond the cap, never more.
            if cache.is_full().await? {
                return Ok(Progress { tally, more: false });
            }
            done.insert(image.image_id);
            let host = host_of(&image.url);
            if down.contains(&host) {
                continue;
            }
            match fetch(&ctx, &cache, &image.url).await? {
                Fetched::Blob(blob) => {
                    if cache.put_image(image.image_id, &blob).await? {
                        tally.images += 1;
                        ctx.emit(SyncEvent::ImageCached {
                            group_id: group,
                            image_id: image.image_id,
                        });
                    }
                }
                Fetched::Refused(refused) => {
                    tracing::debug!(image = %image.image_id, error = %refused, "image not cached");
                    ctx.store
                        .mark_image_failed(image.image_id, &refused.to_string())
                        .await?;
                }
                Fetched::Unreachable(err) => {
                    let failures = ctx
                        .store
                        .defer_image(image.image_id, crate::now_ms(), retry_after)
                        .await?;
                    tracing::info!(image = %image.image_id, %host, failures, error = %err, "image host unreachable; its images wait");
                    down.insert(host);
                }
            }
        }
    }
}

/// What became of one image download.
enum Fetched {
    /// Downloaded into the cache, not yet recorded.
    Blob(Blob),
    /// Its host refuses it for good.
    Refused(ApiError),
    /// Its host could not be reached, even after the client's own retries.
    Unreachable(ApiError),
}

async fn fetch(ctx: &Ctx, cache: &MediaCache, url: &str) -> Result<Fetched, Stop> {
    match ctx
        .guard(cache.fetch(&ctx.client, url, MAX_IMAGE_BYTES))
        .await?
    {
        Ok(blob) => Ok(Fetched::Blob(blob)),
        // The disk, not the image: the run stops as on any archive failure.
        Err(DownloadError::Sink(err)) => Err(err.into()),
        // Not the account's sign-in or membership: an image host's 401/403 or 404 is about
        // that one link (an expired signature, a deleted picture), and so is a body over the
        // cap.
        Err(DownloadError::Api(err))
            if !err.retryable() && !matches!(err, ApiError::Transport { .. }) =>
        {
            Ok(Fetched::Refused(err))
        }
        Err(DownloadError::Api(err)) => Ok(Fetched::Unreachable(err)),
    }
}

/// How long an image whose host failed `failures` runs in a row waits: 15 minutes, doubling,
/// at most a week.
fn retry_after(failures: u32) -> Duration {
    const FIRST: Duration = Duration::from_secs(15 * 60);
    const MOST: Duration = Duration::from_secs(7 * 24 * 3600);
    FIRST
        .saturating_mul(1_u32 << failures.saturating_sub(1).min(16))
        .min(MOST)
}

/// The authority of `url` (host and port), to group images by where they come from.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or(rest)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_image_waits_longer_each_time_up_to_a_week() {
        assert_eq!(retry_after(1), Duration::from_secs(15 * 60));
        assert_eq!(retry_after(2), Duration::from_secs(30 * 60));
        assert_eq!(retry_after(5), Duration::from_secs(4 * 3600));
        assert_eq!(retry_after(12), Duration::from_secs(7 * 24 * 3600));
        assert_eq!(retry_after(u32::MAX), Duration::from_secs(7 * 24 * 3600));
    }

    #[test]
    fn images_are_grouped_by_host() {
        assert_eq!(
            host_of("https://images.zsxq.com/Fo1?e=1&token=x"),
            "images.zsxq.com"
        );
        assert_eq!(host_of("http://127.0.0.1:8080/images/1"), "127.0.0.1:8080");
    }
}
