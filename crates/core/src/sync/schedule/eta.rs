//! The status bar's "how long": what is left of every circle the member mirrors, estimated
//! when the schedule starts and when a run starts or ends, and every few seconds while it runs
//! with the pace the run has measured ([`crate::sync::estimate`]).
//!
//! Counting what the archive owes reads every topic of a circle, so while a run goes only the
//! circles that still had work left are read again (the others keep their figures until it
//! ends), and no more often than keeps estimating under a tenth of the time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use orrery_ipc::commands::{CircleBacklogDto, SyncStatusDto};
use orrery_ipc::id::CircleId;
use zsxq::GroupId;

use crate::store::StoreError;
use crate::sync::estimate::{self, CircleEstimate, Pace, RunMeasure};
use crate::sync::{SyncEngine, SyncEvent};

/// The shortest time between two estimates while a run goes.
const EVERY: Duration = Duration::from_secs(3);
/// At most this share of the time goes to estimating (a big archive's counts take long).
const SHARE: u32 = 10;

/// One circle's latest figures.
#[derive(Debug, Clone, Copy)]
struct Figures {
    pending: u64,
    estimate: CircleEstimate,
}

/// A run being measured.
#[derive(Debug, Clone, Copy)]
struct Run {
    started: Instant,
    requests_before: u64,
    pending_start: u64,
    topics_listed: u64,
}

/// Follows the runs of one schedule.
pub(super) struct Eta {
    engine: SyncEngine,
    prior: Pace,
    /// The pace in force, shared with [`super::Schedule::pace`] for estimates between runs.
    pace: Arc<Mutex<Pace>>,
    run: Option<Run>,
    last: Option<Instant>,
    /// The time between two estimates while a run goes: [`EVERY`], or longer when reading
    /// the counts takes long.
    every: Duration,
    /// In the service's order.
    circles: Vec<(GroupId, Figures)>,
}

impl Eta {
    pub(super) fn new(engine: SyncEngine, pace: Arc<Mutex<Pace>>) -> Self {
        let prior = *pace.lock().unwrap_or_else(PoisonError::into_inner);
        Self {
            engine,
            prior,
            pace,
            run: None,
            last: None,
            every: EVERY,
            circles: Vec::new(),
        }
    }

    fn images(&self) -> bool {
        self.engine.options.image_cache_bytes > 0
    }

    /// The archive the estimates read.
    pub(super) fn store(&self) -> &crate::store::Store {
        &self.engine.store
    }

    /// Estimates again if `event` calls for it; `true` when it did.
    pub(super) async fn after(&mut self, event: &SyncEvent) -> bool {
        match event {
            SyncEvent::Started { .. } => {
                self.run = None;
                self.refresh(true).await;
                self.run = Some(Run {
                    started: Instant::now(),
                    requests_before: self.engine.client.pacing_stats().requests,
                    pending_start: self.pending(),
                    topics_listed: 0,
                });
            }
            SyncEvent::Finished { .. } => {
                self.refresh(true).await;
                self.run = None;
            }
            SyncEvent::PageCommitted { inserted, .. } => {
                if let Some(run) = &mut self.run {
                    run.topics_listed += u64::from(*inserted);
                }
                if !self.due() {
                    return false;
                }
                self.refresh(false).await;
            }
            SyncEvent::ThreadFetched { .. }
            | SyncEvent::ArticleFetched { .. }
            | SyncEvent::ImageCached { .. }
                if self.due() =>
            {
                self.refresh(false).await;
            }
            _ => return false,
        }
        true
    }

    /// Estimates from the archive alone (at the schedule's start).
    pub(super) async fn initial(&mut self) {
        self.refresh(true).await;
    }

    fn due(&self) -> bool {
        self.last.is_none_or(|last| last.elapsed() >= self.every)
    }

    fn pending(&self) -> u64 {
        self.circles.iter().map(|(_, f)| f.pending).sum()
    }

    /// The pace: the prior, moved by the run in progress.
    fn measure(&self) -> Pace {
        let Some(run) = self.run else {
            return *self.pace.lock().unwrap_or_else(PoisonError::into_inner);
        };
        let requests = self.engine.client.pacing_stats().requests;
        self.prior.measured(&RunMeasure {
            elapsed: run.started.elapsed(),
            requests: requests.saturating_sub(run.requests_before),
            topics_listed: run.topics_listed,
            pending_start: run.pending_start,
            pending_now: self.pending(),
        })
    }

    /// Reads the circles again (`all`, or only those with work left) and estimates them. A
    /// store that cannot be read keeps the last figures: the estimate is advice.
    async fn refresh(&mut self, all: bool) {
        let start = Instant::now();
        if let Err(err) = self.read(all).await {
            tracing::warn!(%err, "the estimate of the sync's work left");
        }
        self.every = EVERY.max(start.elapsed() * SHARE);
        self.last = Some(Instant::now());
    }

    async fn read(&mut self, all: bool) -> Result<(), StoreError> {
        let store = &self.engine.store;
        let now_ms = crate::now_ms();
        let previous: HashMap<GroupId, Figures> = self.circles.drain(..).collect();
        // The counts first; then the pace is measured with them and every circle read again
        // is estimated with it.
        let mut fresh = Vec::new();
        for circle in store.circles().await? {
            let group = circle.group_id;
            match previous.get(&group) {
                Some(&kept) if !all && kept.estimate.is_done() => self.circles.push((group, kept)),
                _ => {
                    let (backlog, archived) =
                        estimate::backlog(store, group, circle.mirror, self.images(), now_ms)
                            .await?;
                    if backlog.listed {
                        let figures = Figures {
                            pending: backlog.pending,
                            estimate: estimate::estimate(
                                &backlog,
                                circle.mirror,
                                archived,
                                self.prior,
                                now_ms,
                            ),
                        };
                        fresh.push((self.circles.len(), backlog, circle.mirror, archived));
                        self.circles.push((group, figures));
                    }
                }
            }
        }
        let pace = self.measure();
        *self.pace.lock().unwrap_or_else(PoisonError::into_inner) = pace;
        for (index, backlog, mirror, archived) in fresh {
            if let Some((_, figures)) = self.circles.get_mut(index) {
                figures.estimate = estimate::estimate(&backlog, mirror, archived, pace, now_ms);
            }
        }
        Ok(())
    }

    /// Puts the figures into `status`; `true` when they changed it.
    pub(super) fn fold(&self, status: &mut SyncStatusDto) -> bool {
        let mut remaining = Some(Duration::ZERO);
        let mut backlog = Vec::new();
        for (group, figures) in &self.circles {
            let e = figures.estimate;
            remaining = remaining.zip(e.remaining).map(|(a, b)| a.saturating_add(b));
            if e.is_done() {
                continue;
            }
            backlog.push(CircleBacklogDto {
                circle: CircleId::new(group.get()),
                archived: e.archived,
                expected: e.expected,
                remaining_ms: e.remaining.map(millis),
            });
        }
        let remaining_ms = remaining.map(millis);
        let changed = status.remaining_ms != remaining_ms || status.backlog != backlog;
        status.remaining_ms = remaining_ms;
        status.backlog = backlog;
        changed
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
