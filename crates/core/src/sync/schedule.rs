//! The app's sync: a run on an interval and on demand ("sync now"), where stopping one run
//! ("cancel") does not stop the schedule, with every event folded into the one status the
//! status bar shows.
//!
//! [`SyncMode::Continuous`](super::SyncMode) serves the CLI, which runs until killed; a window
//! needs more: a member who cancels expects the next run on the interval, and one who presses
//! "sync now" during the pause expects a run at once.
//!
//! Most scheduled runs are light polls ([`Depth::Light`]): an idle circle costs one request.
//! The first run, every [`FULL_EVERY`]th and every "sync now" look at everything.
//!
//! The member may pause the schedule (no run starts until they resume; the app keeps the
//! choice across restarts), and a changed choice of what to mirror restarts the run in
//! progress, a moment after the last change, so a first sync hours long follows it at once.
//! The status carries how long the work left takes ([`eta`]).

mod eta;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use orrery_ipc::commands::{SyncStateDto, SyncStatusDto};
use tokio::sync::{Notify, broadcast, watch};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use zsxq::GroupId;

use super::estimate::Pace;
use super::{Depth, Offline, SyncEngine, SyncEvent, SyncStatus};
use eta::Eta;

/// Every this many scheduled runs one is [`Depth::Full`] (the first is); the others are light
/// polls. At the default 15-minute interval: a full look every hour, a light poll between.
const FULL_EVERY: u32 = 4;
use crate::now_ms;
use crate::store::Store;

/// How long a restart for changed choices waits for the member to stop changing them.
const RESTART_QUIET: Duration = Duration::from_secs(2);

/// A scheduled sync. Dropping it does not stop it: call [`Schedule::shutdown`].
#[derive(Debug)]
pub struct Schedule {
    shared: Arc<Shared>,
    status: watch::Receiver<SyncStatusDto>,
    task: JoinHandle<()>,
}

#[derive(Debug)]
struct Shared {
    now: Notify,
    /// Cancels the run in progress only.
    run: Mutex<CancellationToken>,
    shutdown: CancellationToken,
    interval: watch::Sender<Duration>,
    /// The day's request budget ([`super::budget`]); `None` for no limit.
    budget: watch::Sender<Option<u64>>,
    /// No run starts while set.
    paused: watch::Sender<bool>,
    /// The choices of what to mirror changed: the run in progress gives way to one that
    /// reads them.
    restart: Notify,
    /// The pace of the last estimate, for estimates between runs.
    pace: Arc<Mutex<Pace>>,
}

impl SyncEngine {
    /// Starts syncing now (or, `paused`, once resumed) and then every `interval` after a run
    /// ends.
    pub fn schedule(self, interval: Duration, paused: bool) -> Schedule {
        let (status_tx, status) = watch::channel(SyncStatusDto {
            paused,
            ..SyncStatusDto::default()
        });
        let images = self.options.image_cache_bytes > 0;
        let prior = Pace::prior(&self.client.config().pacing, images);
        let shared = Arc::new(Shared {
            now: Notify::new(),
            run: Mutex::new(CancellationToken::new()),
            shutdown: CancellationToken::new(),
            interval: watch::channel(interval).0,
            budget: watch::channel(self.options.daily_requests).0,
            paused: watch::channel(paused).0,
            restart: Notify::new(),
            pace: Arc::new(Mutex::new(prior)),
        });
        let eta = Eta::new(self.clone(), Arc::clone(&shared.pace));
        tokio::spawn(track(self.subscribe(), eta, status_tx.clone()));
        tokio::spawn(restarts(Arc::clone(&shared)));
        let task = tokio::spawn(run(self, Arc::clone(&shared), status_tx));
        Schedule {
            shared,
            status,
            task,
        }
    }
}

impl Schedule {
    /// Where the sync stands; changes on every event that moves the status bar.
    pub fn status(&self) -> watch::Receiver<SyncStatusDto> {
        self.status.clone()
    }

    /// Starts a run now, unless one is running.
    ///
    /// "Running" is what the status shows: a run that has reported its end counts as ended
    /// before the loop reaches its pause, so the request is kept (a stored permit) and the
    /// next run starts as soon as it does, instead of being dropped.
    pub fn sync_now(&self) {
        if self.status.borrow().state != SyncStateDto::Syncing {
            self.shared.now.notify_one();
        }
    }

    /// Stops the run in progress (it ends between two transactions); the schedule goes on.
    pub fn cancel_run(&self) {
        self.shared.cancel_run();
    }

    /// Pauses the schedule (the run in progress stops between two transactions, no other
    /// starts), or resumes it with a run at once.
    pub fn set_paused(&self, paused: bool) {
        let was = self.shared.paused.send_replace(paused);
        if paused && !was {
            self.shared.cancel_run();
        }
    }

    /// The choices of what to mirror changed: a moment after the last change the run in
    /// progress stops and a full one starts that reads them (at once when none was running).
    pub fn choices_changed(&self) {
        self.shared.restart.notify_one();
    }

    /// The pace the estimates use now: measured by the run in progress or the last one,
    /// before any run the pacing's.
    pub fn pace(&self) -> Pace {
        *self
            .shared
            .pace
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The pause between two runs from now on.
    pub fn set_interval(&self, interval: Duration) {
        self.shared.interval.send_replace(interval);
    }

    /// The day's request budget from now on; `None` lifts it.
    pub fn set_budget(&self, budget: Option<u64>) {
        self.shared.budget.send_replace(budget);
    }

    /// Stops the run in progress and the schedule.
    pub fn shutdown(&self) {
        self.shared.shutdown.cancel();
    }

    /// Whether the schedule has ended (after [`Self::shutdown`]).
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl Shared {
    fn cancel_run(&self) {
        self.run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .cancel();
    }
}

/// Restarts the run after the choices changed, once they have stopped changing for a moment.
async fn restarts(shared: Arc<Shared>) {
    loop {
        tokio::select! {
            () = shared.shutdown.cancelled() => return,
            () = shared.restart.notified() => {}
        }
        loop {
            tokio::select! {
                () = shared.shutdown.cancelled() => return,
                () = shared.restart.notified() => {}
                () = tokio::time::sleep(RESTART_QUIET) => break,
            }
        }
        if !*shared.paused.borrow() {
            shared.cancel_run();
            shared.now.notify_one();
        }
    }
}

/// Waits while the schedule is paused, saying so in the status; `false` on shutdown.
async fn wait_resumed(
    shared: &Shared,
    paused: &mut watch::Receiver<bool>,
    status: &watch::Sender<SyncStatusDto>,
) -> bool {
    if !*paused.borrow_and_update() {
        return true;
    }
    tracing::info!("sync paused by the member");
    status.send_modify(|s| s.paused = true);
    loop {
        tokio::select! {
            () = shared.shutdown.cancelled() => return false,
            changed = paused.changed() => {
                if changed.is_err() {
                    return false;
                }
                if !*paused.borrow_and_update() {
                    break;
                }
            }
        }
    }
    tracing::info!("sync resumed");
    status.send_modify(|s| s.paused = false);
    true
}

async fn run(engine: SyncEngine, shared: Arc<Shared>, status: watch::Sender<SyncStatusDto>) {
    let mut interval = shared.interval.subscribe();
    let mut budget = shared.budget.subscribe();
    let mut paused = shared.paused.subscribe();
    let mut failures = 0_u32;
    let mut offline = Offline::default();
    // Whether the member asked for this run ("sync now"), which the budget does not hold back
    // and which looks at everything.
    let mut asked = false;
    let mut runs = 0_u32;
    loop {
        if *paused.borrow() {
            if !wait_resumed(&shared, &mut paused, &status).await {
                return;
            }
            // Resuming is asking for a run.
            asked = true;
        }
        let limit = *budget.borrow_and_update();
        if !asked && let Some(until) = budget_spent(&engine.store, limit).await {
            tracing::info!(
                until_ms = until,
                "the day's request budget is spent; resting"
            );
            status.send_modify(|s| s.resting_until_ms = Some(until));
            let wait = until.saturating_sub(now_ms());
            let changed = tokio::select! {
                () = shared.shutdown.cancelled() => return,
                () = shared.now.notified() => false,
                () = tokio::time::sleep(Duration::from_millis(u64::try_from(wait).unwrap_or(0))) => false,
                changed = budget.changed() => changed.is_ok(),
            };
            status.send_modify(|s| s.resting_until_ms = None);
            if changed {
                continue;
            }
        }
        let depth = if asked || runs.is_multiple_of(FULL_EVERY) {
            Depth::Full
        } else {
            Depth::Light
        };
        asked = false;
        let token = shared.shutdown.child_token();
        *shared.run.lock().unwrap_or_else(PoisonError::into_inner) = token.clone();
        let outcome = engine.run_with(&token, depth).await;
        // A transient failure (an archive another process keeps busy, a disk that fills and
        // frees) is tried again after a growing wait, never longer than the interval: the
        // rule of `SyncEngine::run` for the CLI, so the app does not sit out a whole interval.
        let mut retry_in = None;
        let needs_login = match outcome {
            // No network: not a failure to show in red, and not a run (the next one that
            // reaches the service keeps the plan of full and light runs).
            Err(err) if err.is_offline() => {
                retry_in = Some(offline.wait(&err));
                status.send_modify(|s| {
                    s.state = SyncStateDto::Offline;
                    s.circle = None;
                    s.waiting = false;
                    s.error = None;
                });
                false
            }
            Ok(report) => {
                runs = runs.wrapping_add(1);
                failures = 0;
                offline.back();
                report.status == SyncStatus::NeedsLogin
            }
            Err(err) => {
                runs = runs.wrapping_add(1);
                offline.back();
                tracing::error!(%err, "the sync run stopped");
                status.send_modify(|s| {
                    s.state = SyncStateDto::Failed;
                    s.circle = None;
                    s.error = Some(err.to_string());
                });
                if err.is_transient() {
                    failures += 1;
                    retry_in = Some(super::circle::backoff(&engine.options, failures));
                }
                false
            }
        };
        if shared.shutdown.is_cancelled() {
            return;
        }
        // After a 401 only a new sign-in helps: wait for "sync now", never retry on a timer.
        let mut wait = !needs_login;
        if *paused.borrow() {
            continue;
        }
        loop {
            let pause = *interval.borrow_and_update();
            let pause = retry_in.map_or(pause, |retry| retry.min(pause));
            tokio::select! {
                () = shared.shutdown.cancelled() => return,
                () = shared.now.notified() => {
                    asked = true;
                    break;
                }
                () = tokio::time::sleep(pause), if wait => break,
                changed = interval.changed() => {
                    // A new interval restarts the pause; a dropped sender cannot happen
                    // while `shared` lives, but would mean: keep the last one.
                    wait = wait && changed.is_ok();
                }
                Ok(()) = paused.changed() => {
                    if *paused.borrow() {
                        break;
                    }
                }
            }
        }
    }
}

/// [`super::budget::spent`]; an archive that cannot say lets the run go ahead.
async fn budget_spent(store: &Store, budget: Option<u64>) -> Option<i64> {
    super::budget::spent(store, budget)
        .await
        .inspect_err(|err| tracing::warn!(%err, "the day's requests could not be read; syncing"))
        .ok()
        .flatten()
}

/// Folds the engine's events into the status, with the estimate of the work left.
async fn track(
    mut events: broadcast::Receiver<SyncEvent>,
    mut eta: Eta,
    status: watch::Sender<SyncStatusDto>,
) {
    let store = eta.store().clone();
    // "Last synced" from before a restart, until this schedule's first run catches up. The
    // events sent meanwhile wait in the channel.
    match store.last_caught_up_ms().await {
        Ok(Some(last)) => {
            status.send_if_modified(|s| {
                let unset = s.last_synced_ms.is_none();
                s.last_synced_ms.get_or_insert(last);
                unset
            });
        }
        Ok(None) => {}
        Err(err) => tracing::warn!(%err, "the last finished run"),
    }
    eta.initial().await;
    status.send_if_modified(|s| eta.fold(s));
    let mut names = HashMap::new();
    loop {
        let event = match events.recv().await {
            Ok(event) => event,
            // Progress skipped while lagging only makes the counters low for a moment.
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if matches!(event, SyncEvent::Started { .. }) {
            names = circle_names(&store).await;
        }
        let name = |group: &GroupId| names.get(group).cloned();
        // One change for the event and the estimate it brings, so a run is never seen ended
        // with the figures of before.
        let estimated = eta.after(&event).await;
        status.send_if_modified(|s| {
            let applied = apply(s, &event, &name);
            let folded = estimated && eta.fold(s);
            applied || folded
        });
        if matches!(
            event,
            SyncEvent::Started { .. } | SyncEvent::Finished { .. }
        ) {
            let today = super::budget::local_day(now_ms());
            if let Ok(used) = store.requests_on(&today).await {
                status.send_if_modified(|s| std::mem::replace(&mut s.requests_today, used) != used);
            }
        }
    }
}

/// Applies one event; returns whether the status bar changes.
fn apply(
    s: &mut SyncStatusDto,
    event: &SyncEvent,
    name: &dyn Fn(&GroupId) -> Option<String>,
) -> bool {
    match event {
        SyncEvent::Started { circles } => {
            *s = SyncStatusDto {
                state: SyncStateDto::Syncing,
                circles_total: u32::try_from(*circles).unwrap_or(u32::MAX),
                last_synced_ms: s.last_synced_ms,
                paused: s.paused,
                remaining_ms: s.remaining_ms,
                backlog: std::mem::take(&mut s.backlog),
                ..SyncStatusDto::default()
            };
        }
        SyncEvent::Waiting => {
            s.state = SyncStateDto::Syncing;
            s.waiting = true;
        }
        SyncEvent::PhaseStarted { group_id, .. } => s.circle = name(group_id),
        SyncEvent::PageCommitted { inserted, .. } => {
            s.pages += 1;
            s.new_topics += u64::from(*inserted);
        }
        SyncEvent::CircleCaughtUp { .. } | SyncEvent::CircleExpired { .. } => {
            s.circles_done = (s.circles_done + 1).min(s.circles_total);
        }
        SyncEvent::CircleFailed { error, .. } => {
            s.circles_done = (s.circles_done + 1).min(s.circles_total);
            s.error = Some(error.clone());
        }
        SyncEvent::Retrying { error, .. } => s.error = Some(error.clone()),
        SyncEvent::NeedsLogin => s.state = SyncStateDto::NeedsLogin,
        SyncEvent::Finished { status } => {
            s.circle = None;
            s.waiting = false;
            s.state = match status {
                SyncStatus::CaughtUp => {
                    s.last_synced_ms = Some(now_ms());
                    s.error = None;
                    SyncStateDto::CaughtUp
                }
                SyncStatus::Partial => SyncStateDto::Failed,
                SyncStatus::Cancelled => SyncStateDto::Idle,
                SyncStatus::NeedsLogin => SyncStateDto::NeedsLogin,
            };
        }
        SyncEvent::ThreadFetched { .. }
        | SyncEvent::ArticleFetched { .. }
        | SyncEvent::ImageCached { .. }
        | SyncEvent::TopicsUnreadable { .. }
        | SyncEvent::TopicDeleted { .. } => return false,
    }
    true
}

async fn circle_names(store: &Store) -> HashMap<GroupId, String> {
    match store.circles().await {
        Ok(circles) => circles.into_iter().map(|c| (c.group_id, c.name)).collect(),
        Err(err) => {
            tracing::warn!(%err, "circle names for the sync status");
            HashMap::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_folds_into_the_status_bar() {
        let mut s = SyncStatusDto::default();
        let name = |g: &GroupId| Some(format!("圈{g}"));
        let group = GroupId::new(7);
        let events = [
            SyncEvent::Started { circles: 2 },
            SyncEvent::PhaseStarted {
                group_id: group,
                phase: super::super::Phase::New,
            },
            SyncEvent::PageCommitted {
                group_id: group,
                phase: super::super::Phase::New,
                inserted: 20,
                updated: 1,
                walked: 21,
            },
            SyncEvent::CircleCaughtUp { group_id: group },
        ];
        for event in &events {
            assert!(apply(&mut s, event, &name));
        }
        assert_eq!(s.state, SyncStateDto::Syncing);
        assert_eq!(s.circle.as_deref(), Some("圈7"));
        assert_eq!(
            (s.pages, s.new_topics, s.circles_done, s.circles_total),
            (1, 20, 1, 2)
        );
        assert!(apply(
            &mut s,
            &SyncEvent::Finished {
                status: SyncStatus::CaughtUp
            },
            &name
        ));
        assert_eq!(s.state, SyncStateDto::CaughtUp);
        assert!(s.last_synced_ms.is_some() && s.circle.is_none());
        // A new run starts its counters over but keeps when the last one finished.
        let last = s.last_synced_ms;
        apply(&mut s, &SyncEvent::Started { circles: 2 }, &name);
        assert_eq!((s.pages, s.last_synced_ms), (0, last));
    }

    #[test]
    fn a_run_waiting_for_another_process_says_so_until_it_starts() {
        let mut s = SyncStatusDto::default();
        let name = |_: &GroupId| None;
        assert!(apply(&mut s, &SyncEvent::Waiting, &name));
        assert_eq!((s.state, s.waiting), (SyncStateDto::Syncing, true));
        apply(&mut s, &SyncEvent::Started { circles: 1 }, &name);
        assert!(!s.waiting);
    }

    #[test]
    fn a_cancelled_run_is_idle_and_a_401_needs_login() {
        let mut s = SyncStatusDto::default();
        let name = |_: &GroupId| None;
        apply(&mut s, &SyncEvent::Started { circles: 1 }, &name);
        apply(
            &mut s,
            &SyncEvent::Finished {
                status: SyncStatus::Cancelled,
            },
            &name,
        );
        assert_eq!(s.state, SyncStateDto::Idle);
        apply(&mut s, &SyncEvent::NeedsLogin, &name);
        assert_eq!(s.state, SyncStateDto::NeedsLogin);
    }
}
