//! What every circle task shares: the [`Ctx`] (archive, client, options, events, the run's
//! stop signal), the engine-level retry on top of the client's own, and the tallies a phase
//! reports back.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use zsxq::client::{TopicScope, TopicSource};
use zsxq::{ApiError, Client, GroupId, Timestamp, TopicPager};

use super::error::Stop;
use super::{SyncEvent, SyncOptions};
use crate::media::MediaCache;
use crate::store::{Store, SyncScope};

/// The list whose cursor the topic walks keep: the circle's 最新 tab, which holds every topic.
pub(super) const ALL: SyncScope = SyncScope::Tab(TopicScope::All);

/// Everything a circle task needs; cheap to clone into each task.
#[derive(Debug, Clone)]
pub(super) struct Ctx {
    pub store: Store,
    pub client: Client,
    pub options: Arc<SyncOptions>,
    pub events: broadcast::Sender<SyncEvent>,
    /// Cancelled when the caller cancels, or when one circle met a 401 and everyone must stop.
    pub stop: CancellationToken,
    /// Where images go; `None` when image caching is off.
    pub media: Option<MediaCache>,
    /// The oldest creation time mirrored, for circles the member chose to mirror only recent
    /// months of ([`crate::store::Mirror`]); read at the start of the run.
    pub horizons: Arc<HashMap<GroupId, Timestamp>>,
}

/// What a phase did for one circle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Tally {
    pub topics_inserted: u64,
    pub topics_updated: u64,
    pub topics_deleted: u64,
    pub topics_unreadable: u64,
    pub comments_inserted: u64,
    pub articles: u64,
    pub images: u64,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.topics_inserted += other.topics_inserted;
        self.topics_updated += other.topics_updated;
        self.topics_deleted += other.topics_deleted;
        self.topics_unreadable += other.topics_unreadable;
        self.comments_inserted += other.comments_inserted;
        self.articles += other.articles;
        self.images += other.images;
    }
}

/// A phase's result for one circle: what it did, and whether its budget ran out with work
/// left (so another round is needed).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Progress {
    pub tally: Tally,
    pub more: bool,
}

/// Runs a request until it succeeds, retrying transient failures at the engine level (after
/// the client's own quick retries gave up) with a growing, cancellable wait. Evaluates the
/// call expression afresh for every attempt, so `pager.next_page()` may be passed.
macro_rules! fetch {
    ($ctx:expr, $group:expr, $call:expr) => {{
        let mut attempt = 0_u32;
        loop {
            match $ctx.guard($call).await? {
                Ok(value) => break value,
                Err(err) => $ctx.recover(Some($group), err, &mut attempt).await?,
            }
        }
    }};
}
pub(super) use fetch;

impl Ctx {
    /// The oldest creation time mirrored of `group`, if the member limited it.
    pub fn horizon(&self, group: GroupId) -> Option<Timestamp> {
        self.horizons.get(&group).copied()
    }

    pub fn emit(&self, event: SyncEvent) {
        // No subscriber is fine: progress is advisory.
        let _ = self.events.send(event);
    }

    /// Announces `phase` for `group` the first time it finds work.
    pub fn announce(&self, announced: &mut bool, group: GroupId, phase: super::Phase) {
        if !std::mem::replace(announced, true) {
            self.emit(SyncEvent::PhaseStarted {
                group_id: group,
                phase,
            });
        }
    }

    /// A walk of one of `group`'s tabs with the configured page size.
    pub fn pager(&self, group: GroupId, scope: TopicScope) -> TopicPager {
        TopicPager::new(&self.client, TopicSource::Group { group, scope })
            .page_size(self.options.page_size)
    }

    /// Awaits `future` unless the run is stopped first. Only network calls go through here:
    /// a store commit is never abandoned half-way (it would roll back, but there is no need).
    pub async fn guard<F: Future>(&self, future: F) -> Result<F::Output, Stop> {
        tokio::select! {
            biased;
            () = self.stop.cancelled() => Err(Stop::Cancelled),
            output = future => Ok(output),
        }
    }

    /// Decides what a failed request means: stop the run (401), stop the circle (14210, or a
    /// failure that is not transient or keeps coming back), or wait and try again.
    pub async fn recover(
        &self,
        group: Option<GroupId>,
        err: ApiError,
        attempt: &mut u32,
    ) -> Result<(), Stop> {
        match err {
            ApiError::Unauthorized => return Err(Stop::NeedsLogin),
            ApiError::MembershipExpired => return Err(Stop::Expired),
            _ => {}
        }
        // An unreachable service is worth a few patient retries at this level (a laptop waking
        // up, a flaky Wi-Fi), even though the client does not retry it at once.
        let transient = err.retryable() || matches!(err, ApiError::Transport { .. });
        if !transient || *attempt >= self.options.max_retries {
            return Err(Stop::Failed(err));
        }
        *attempt += 1;
        let wait = backoff(&self.options, *attempt);
        tracing::warn!(?group, attempt = *attempt, error = %err, "sync request failed; retrying");
        self.emit(SyncEvent::Retrying {
            group_id: group,
            error: err.to_string(),
            attempt: *attempt,
            retry_in: wait,
        });
        tokio::select! {
            biased;
            () = self.stop.cancelled() => Err(Stop::Cancelled),
            () = tokio::time::sleep(wait) => Ok(()),
        }
    }
}

/// Whether `done` items used up a per-round budget (`None`: no budget).
///
/// A budget of 0 counts as 1: a phase that may do nothing but still has work would say "more"
/// every round, and the run would go round forever.
pub(super) fn over_budget(budget: Option<u32>, done: usize) -> bool {
    budget.is_some_and(|max| done >= max.max(1) as usize)
}

/// `retry_delay` doubled per attempt, capped at `max_retry_delay`.
pub(super) fn backoff(options: &SyncOptions, attempt: u32) -> Duration {
    let factor = 2_u32.saturating_pow(attempt.saturating_sub(1));
    options
        .retry_delay
        .saturating_mul(factor)
        .min(options.max_retry_delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let options = SyncOptions {
            retry_delay: Duration::from_secs(5),
            max_retry_delay: Duration::from_secs(30),
            ..SyncOptions::default()
        };
        let waits: Vec<u64> = (1..=5).map(|a| backoff(&options, a).as_secs()).collect();
        assert_eq!(waits, [5, 10, 20, 30, 30]);
    }
}
