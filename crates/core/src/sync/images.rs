//! Images into the media cache, newest topic first, while the cache is below its cap (see
//! [`crate::media`] for the policy). An image its host refuses for good (gone, a link the
//! client will not follow) is noted in the archive and not asked for again until a re-walk
//! brings a new URL; a host that is down is retried like any request. So is an image larger
//! than [`MAX_IMAGE_BYTES`]: it is cut off where it passes the cap (nothing of it stays on
//! disk) and marked with [`ApiError::TooLarge`]'s words, so a huge or endless body neither
//! holds the sync nor fills the memory or the cache.

use std::collections::HashSet;

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
            match fetch(&ctx, &cache, group, &image.url).await? {
                Ok(blob) => {
                    if cache.put_image(image.image_id, &blob).await? {
                        tally.images += 1;
                        ctx.emit(SyncEvent::ImageCached {
                            group_id: group,
                            image_id: image.image_id,
                        });
                    }
                }
                Err(refused) => {
                    tracing::debug!(image = %image.image_id, error = %refused, "image not cached");
                    ctx.store
                        .mark_image_failed(image.image_id, &refused.to_string())
                        .await?;
                }
            }
        }
    }
}

/// The image, downloaded into the cache (not yet recorded), or why its host refuses it for
/// good.
async fn fetch(
    ctx: &Ctx,
    cache: &MediaCache,
    group: GroupId,
    url: &str,
) -> Result<Result<Blob, ApiError>, Stop> {
    let mut attempt = 0_u32;
    loop {
        match ctx
            .guard(cache.fetch(&ctx.client, url, MAX_IMAGE_BYTES))
            .await?
        {
            Ok(blob) => return Ok(Ok(blob)),
            // The disk, not the image: the run stops as on any archive failure.
            Err(DownloadError::Sink(err)) => return Err(err.into()),
            // Not the account's sign-in or membership: an image host's 401/403 or 404 is
            // about that one link (an expired signature, a deleted picture), and so is a
            // body over the cap.
            Err(DownloadError::Api(err))
                if !err.retryable() && !matches!(err, ApiError::Transport { .. }) =>
            {
                return Ok(Err(err));
            }
            Err(DownloadError::Api(err)) => ctx.recover(Some(group), err, &mut attempt).await?,
        }
    }
}
