//! Indexing while a sync writes: [`follow`] watches a sync's events and catches the index up
//! with the change feed at most once per [`INTERVAL`], and once more when the sync ends, so
//! new posts become searchable seconds after they are archived without an index commit per
//! page.

use std::time::Duration;

use tokio::sync::broadcast::{self, error::RecvError};

use super::{CatchUpReport, SearchError, SearchIndex};
use crate::store::Store;
use crate::sync::SyncEvent;

/// The longest a written page waits before it is searchable.
pub const INTERVAL: Duration = Duration::from_secs(1);
/// Between two tries to take over an index another writer holds.
pub const LOCKED_RETRY: Duration = Duration::from_secs(5);
/// Between two tries after the index could not be written (a full disk, a damaged file).
pub const FAILED_RETRY: Duration = Duration::from_secs(30);

/// Whether `event` says the archive gained searchable text.
fn writes_text(event: &SyncEvent) -> bool {
    matches!(
        event,
        SyncEvent::PageCommitted { .. }
            | SyncEvent::ThreadFetched { .. }
            | SyncEvent::ArticleFetched { .. }
            | SyncEvent::Finished { .. }
    )
}

/// Catches `index` up with `store` while `events` flow, and a last time when the channel
/// closes (the sync ended). Returns what was indexed in all, or the last catch-up's error. An
/// index that cannot be written meanwhile (a full disk, a damaged file) is tried again every
/// [`FAILED_RETRY`] and answers what it last committed. While another writer holds it
/// ([`SearchError::Locked`]: the CLI syncing beside the app, or the archive this one replaced
/// still winding down), that writer keeps the index current, and following tries again every
/// [`LOCKED_RETRY`] to take over once it is gone; at the end, a locked index is left to that
/// writer.
pub async fn follow(
    index: SearchIndex,
    store: Store,
    mut events: broadcast::Receiver<SyncEvent>,
) -> Result<CatchUpReport, SearchError> {
    let mut total = CatchUpReport::default();
    let mut dirty = true;
    let mut failing = false;
    let mut tick = tokio::time::interval(INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) => dirty |= writes_text(&event),
                // Missed events only mean there may be more to index.
                Err(RecvError::Lagged(_)) => dirty = true,
                Err(RecvError::Closed) => break,
            },
            _ = tick.tick(), if dirty => {
                dirty = false;
                match index.catch_up(&store).await {
                    Ok(report) => {
                        add(&mut total, report);
                        failing = false;
                    }
                    Err(SearchError::Locked) => {
                        dirty = true;
                        tick.reset_after(LOCKED_RETRY);
                    }
                    // Searching goes on with the last commit, which is whole; the sync goes
                    // on too. Said once per streak, tried again until it works.
                    Err(e) => {
                        if !failing {
                            tracing::warn!(error = %e, "the search index could not catch up; it answers what it holds and tries again");
                        }
                        failing = true;
                        dirty = true;
                        tick.reset_after(FAILED_RETRY);
                    }
                }
            }
        }
    }
    match index.catch_up(&store).await {
        Ok(report) => add(&mut total, report),
        Err(SearchError::Locked) => {}
        Err(e) => return Err(e),
    }
    Ok(total)
}

fn add(total: &mut CatchUpReport, report: CatchUpReport) {
    total.changes += report.changes;
    total.units += report.units;
    total.rebuilt |= report.rebuilt;
}
