//! Images into the media cache, newest topic first, while the cache is below its cap (see
//! [`crate::media`] for the policy). An image its host refuses for good (gone, a link the
//! client will not follow) is noted in the archive and not asked for again until a re-walk
//! brings a new URL; a host that is down is retried like any request.

use std::collections::HashSet;

use zsxq::{ApiError, GroupId, ImageId};

use super::circle::{Ctx, Progress, Tally, over_budget};
use super::error::Stop;
use super::{Phase, SyncEvent};

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
            match fetch(&ctx, group, &image.url).await? {
                Ok(bytes) => {
                    if cache.put_image(image.image_id, bytes).await? {
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

/// The image's bytes, or why its host refuses it for good.
async fn fetch(ctx: &Ctx, group: GroupId, url: &str) -> Result<Result<Vec<u8>, ApiError>, Stop> {
    let mut attempt = 0_u32;
    loop {
        match ctx.guard(ctx.client.media(url)).await? {
            Ok(response) => return Ok(Ok(response.data)),
            // Not the account's sign-in or membership: an image host's 401/403 or 404 is
            // about that one link (an expired signature, a deleted picture).
            Err(err) if !err.retryable() && !matches!(err, ApiError::Transport { .. }) => {
                return Ok(Err(err));
            }
            Err(err) => ctx.recover(Some(group), err, &mut attempt).await?,
        }
    }
}
