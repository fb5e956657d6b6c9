//! The sync engine: mirrors every joined circle into the [`Store`], exactly and resumably.
//!
//! [`SyncEngine`] holds a [`Store`], one account's [`Client`] (whose clones share one pacing
//! budget, so every circle's requests queue on the same per-account clock) and
//! [`SyncOptions`]. A run lists the circles (a full one also asks, once a week, how big each
//! is: what [`estimate`] turns into the time a sync takes), then works in *rounds*; each round
//! gives the budget to the kinds of work in priority order ([`Phase`]), all circles
//! concurrently within a phase:
//!
//! 1. [`Phase::New`] — every circle's newest pages down to the first archived topic (or the
//!    first page of a circle never synced), then a short refresh of recent topics and of open
//!    questions, so counters and answers move;
//! 2. [`Phase::Backfill`] — older history, at most `backfill_pages_per_round` pages a circle;
//! 3. [`Phase::Threads`] — comment threads whose count moved;
//! 4. [`Phase::Articles`] — article bodies, turned into text;
//! 5. [`Phase::Images`] — only in a round where the text phases left nothing for the next:
//!    images into the [`MediaCache`], newest first, while it is below its cap (attached files
//!    are downloaded on demand only, see [`crate::media`]).
//!
//! A round whose budgets ran out leaves work for the next round, which starts with new content
//! again: a member of a huge circle sees today's posts first, however long the backfill takes.
//! Every page is committed with its cursor in one transaction (see the store), so a run killed
//! at any instant resumes where it stopped, with nothing lost or duplicated. Details, cursors
//! and error handling: `docs/sync.md`.
//!
//! Calling it:
//!
//! ```no_run
//! # async fn demo(store: orrery_core::store::Store, client: zsxq::Client) -> Result<(), orrery_core::sync::SyncError> {
//! use orrery_core::sync::{SyncEngine, SyncMode, SyncOptions, SyncStatus};
//! let engine = SyncEngine::new(store, client, SyncOptions::default());
//! let _events = engine.subscribe(); // progress: a broadcast::Receiver<SyncEvent>
//! let handle = engine.spawn(SyncMode::Once); // or Continuous { interval }
//! // handle.cancel() stops it cleanly; the next run resumes.
//! let report = handle.join().await?;
//! if report.status == SyncStatus::NeedsLogin {
//!     // account.mark_needs_login(): sign in again, then sync again to resume.
//! }
//! # Ok(()) }
//! ```
//!
//! Failures: HTTP 401 stops the whole run with [`SyncStatus::NeedsLogin`]; code 14210 marks
//! that circle expired ([`CircleState::Expired`]) while the others go on; transient failures
//! the client's own retries could not absorb are retried by the engine with a growing wait
//! ([`SyncEvent::Retrying`]) and, if they persist, fail that circle for this run
//! ([`SyncStatus::Partial`]); an archive that cannot be written ends the run with a
//! [`SyncError`].

mod articles;
pub mod budget;
mod circle;
mod error;
pub mod estimate;
mod event;
mod html_text;
mod images;
mod lock;
mod markers;
mod mine;
mod offline;
mod schedule;
mod sizes;
mod threads;
mod topics;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast;
use tokio::task::{JoinHandle, JoinSet};
use zsxq::client::MAX_TOPICS_PER_PAGE;
use zsxq::{ApiError, Client, GroupId, Timestamp};

pub use error::SyncError;
pub use event::{CircleReport, CircleState, Phase, SyncEvent, SyncReport, SyncStatus};
pub use offline::Offline;
pub use schedule::Schedule;
pub use tokio_util::sync::CancellationToken;

use crate::media::{self, MediaCache};
use crate::store::{Mirror, Store, SyncRun};
use circle::{ALL, Ctx, Progress, Tally};
use error::Stop;
use topics::Refresh;

/// How deep a run looks at what is archived already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Re-reads each circle's recent topics and open questions and checks for deletions:
    /// counters, answers, edits and deletions stay current.
    Full,
    /// The background poll: each circle's newest page, and only a circle whose newest page
    /// changed goes on to the full refresh; plus the account-wide list of answered questions.
    /// An idle circle costs one request.
    Light,
}

/// Events buffered for a slow watcher before it starts skipping.
const EVENT_BUFFER: usize = 4096;

/// How a run behaves. The defaults suit a real account; tests against `zsxq-sim` shorten the
/// waits and lift the budgets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncOptions {
    /// Only these circles (the CLI's `--circle`); `None` syncs every joined circle.
    pub circles: Option<Vec<GroupId>>,
    /// Topics per list request (1–30). The largest page means the fewest requests.
    pub page_size: u32,
    /// After joining what is archived, re-read this many already archived topics below the
    /// join, so recent comment counts, likes and digests stay current.
    pub refresh_topics: u32,
    /// How many pages of the 问答 tab a run may re-read to see new answers to open questions;
    /// `None` walks down to the oldest open question however far that is.
    pub question_refresh_pages: Option<u32>,
    /// Backfill pages per circle per round; `None` backfills to the end in one round.
    pub backfill_pages_per_round: Option<u32>,
    /// Comment threads per circle per round; `None` walks them all in one round.
    pub threads_per_round: Option<u32>,
    /// Whether article bodies are fetched.
    pub fetch_articles: bool,
    /// Article bodies per circle per round; `None` fetches them all in one round.
    pub articles_per_round: Option<u32>,
    /// The media cache's cap in bytes; the sync caches images while the cache is below it.
    /// 0 turns image caching off.
    pub image_cache_bytes: u64,
    /// Images per circle per round; `None` caches them all in one round.
    pub images_per_round: Option<u32>,
    /// Images wait until every circle's topics, threads and articles are in (the default).
    /// Off, each round caches images after its own text, as the engine did before: only the
    /// sync benchmark's comparison turns it off.
    pub text_first: bool,
    /// Engine-level retries of a request the client gave up on, before the circle fails.
    pub max_retries: u32,
    /// The first engine-level wait; doubled per retry.
    pub retry_delay: Duration,
    /// The longest engine-level wait.
    pub max_retry_delay: Duration,
    /// Requests a day the app's background sync may spend ([`budget`]); `None` for no limit
    /// (the CLI, the demo's simulator).
    pub daily_requests: Option<u64>,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            circles: None,
            page_size: MAX_TOPICS_PER_PAGE,
            refresh_topics: 60,
            question_refresh_pages: Some(10),
            backfill_pages_per_round: Some(50),
            threads_per_round: Some(100),
            fetch_articles: true,
            articles_per_round: Some(20),
            image_cache_bytes: media::DEFAULT_CAP_BYTES,
            images_per_round: Some(50),
            text_first: true,
            max_retries: 5,
            retry_delay: Duration::from_secs(10),
            max_retry_delay: Duration::from_secs(300),
            daily_requests: None,
        }
    }
}

/// Run once until caught up, or keep syncing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncMode {
    /// Until everything is caught up (`orrery-cli sync --once`, tests).
    Once,
    /// One light poll ([`Depth::Light`]; `orrery-cli watch` between full passes).
    Poll,
    /// Catch up, wait `interval`, catch up again… until cancelled or a 401.
    Continuous {
        /// The pause between runs.
        interval: Duration,
    },
}

/// The engine. Cheap to clone (the store and client are handles).
#[derive(Debug, Clone)]
pub struct SyncEngine {
    store: Store,
    client: Client,
    options: Arc<SyncOptions>,
    events: broadcast::Sender<SyncEvent>,
}

/// A sync running in the background.
#[derive(Debug)]
pub struct SyncHandle {
    cancel: CancellationToken,
    events: broadcast::Sender<SyncEvent>,
    task: JoinHandle<Result<SyncReport, SyncError>>,
}

impl SyncHandle {
    /// Progress events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.events.subscribe()
    }

    /// Asks the sync to stop; it finishes the page it is committing and ends with
    /// [`SyncStatus::Cancelled`].
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The token that cancels this sync (to tie it to an app-wide shutdown token).
    pub fn cancellation_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Whether the task has ended.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// Waits for the end of the run.
    pub async fn join(self) -> Result<SyncReport, SyncError> {
        self.task
            .await
            .map_err(|err| SyncError::Task(err.to_string()))?
    }
}

/// One circle through a run.
#[derive(Debug)]
struct CircleRun {
    group_id: GroupId,
    name: String,
    /// `None` while it is being synced.
    ended: Option<CircleState>,
    tally: Tally,
}

/// A run's circles, and the horizons of those mirrored only for recent months.
type CirclesToSync = (Vec<CircleRun>, HashMap<GroupId, Timestamp>);

/// How a round ended.
enum RoundEnd {
    /// A budget ran out: another round is needed.
    More,
    Done,
    Cancelled,
    NeedsLogin,
}

impl SyncEngine {
    /// An engine for the account `client` signs in, writing to `store`.
    pub fn new(store: Store, client: Client, options: SyncOptions) -> Self {
        let (events, _) = broadcast::channel(EVENT_BUFFER);
        Self {
            store,
            client,
            options: Arc::new(options),
            events,
        }
    }

    /// Progress events of every run of this engine (and its clones) from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<SyncEvent> {
        self.events.subscribe()
    }

    /// Runs in a background task; subscribe before spawning to miss no event.
    pub fn spawn(self, mode: SyncMode) -> SyncHandle {
        let cancel = CancellationToken::new();
        let events = self.events.clone();
        let token = cancel.clone();
        let task = tokio::spawn(async move { self.run(mode, &token).await });
        SyncHandle {
            cancel,
            events,
            task,
        }
    }

    /// Runs in the current task until `mode` says to stop or `cancel` fires. A continuous run
    /// outlives transient failures ([`SyncError::is_transient`], such as an archive another
    /// process keeps busy): it reports them as `retrying`, waits (`retry_delay` doubling up to
    /// `max_retry_delay`, never longer than the interval) and runs again.
    pub async fn run(
        &self,
        mode: SyncMode,
        cancel: &CancellationToken,
    ) -> Result<SyncReport, SyncError> {
        let mut failures = 0_u32;
        let mut offline = Offline::default();
        loop {
            let depth = match mode {
                SyncMode::Poll => Depth::Light,
                SyncMode::Once | SyncMode::Continuous { .. } => Depth::Full,
            };
            let outcome = self.run_with(cancel, depth).await;
            if !outcome.as_ref().is_err_and(SyncError::is_offline) {
                offline.back();
            }
            let mut report = match (outcome, mode) {
                (Ok(report), _) => report,
                (Err(err), SyncMode::Continuous { interval }) if err.is_transient() => {
                    // Offline is said once (the first `Retrying`), then waited out quietly.
                    let (wait, say) = if err.is_offline() {
                        let first = !offline.is_offline();
                        (offline.wait(&err).min(interval), first)
                    } else {
                        failures += 1;
                        let wait = circle::backoff(&self.options, failures).min(interval);
                        tracing::warn!(%err, retry_in_s = wait.as_secs(), "sync run failed; trying again");
                        (wait, true)
                    };
                    if say {
                        let _ = self.events.send(SyncEvent::Retrying {
                            group_id: None,
                            error: err.to_string(),
                            attempt: failures.max(1),
                            retry_in: wait,
                        });
                    }
                    tokio::select! {
                        () = cancel.cancelled() => return Err(err),
                        () = tokio::time::sleep(wait) => continue,
                    }
                }
                (Err(err), _) => return Err(err),
            };
            failures = 0;
            let interval = match (mode, report.status) {
                (SyncMode::Once | SyncMode::Poll, _)
                | (_, SyncStatus::Cancelled | SyncStatus::NeedsLogin) => {
                    return Ok(report);
                }
                (SyncMode::Continuous { interval }, _) => interval,
            };
            tokio::select! {
                () = cancel.cancelled() => {
                    report.status = SyncStatus::Cancelled;
                    return Ok(report);
                }
                () = tokio::time::sleep(interval) => {}
            }
        }
    }

    /// One run: rounds until every circle is caught up, expired or failed, or until `cancel`
    /// fires or the sign-in lapses.
    pub async fn run_once(&self, cancel: &CancellationToken) -> Result<SyncReport, SyncError> {
        self.run_with(cancel, Depth::Full).await
    }

    /// One run of the given [`Depth`]: a [`Depth::Light`] run is the background poll between
    /// full ones.
    pub async fn run_with(
        &self,
        cancel: &CancellationToken,
        depth: Depth,
    ) -> Result<SyncReport, SyncError> {
        let requests_before = self.client.pacing_stats().requests;
        let mut ctx = Ctx {
            store: self.store.clone(),
            client: self.client.clone(),
            options: Arc::clone(&self.options),
            events: self.events.clone(),
            stop: cancel.child_token(),
            media: (self.options.image_cache_bytes > 0)
                .then(|| MediaCache::new(self.store.clone(), self.options.image_cache_bytes)),
            horizons: Arc::default(),
        };
        let waiting = || ctx.emit(SyncEvent::Waiting);
        let Some(_lock) = lock::acquire(self.store.data_root(), cancel, waiting).await? else {
            return Ok(self
                .finish(&ctx, SyncStatus::Cancelled, Vec::new(), requests_before, 0)
                .await);
        };
        let mut circles = match self.circles(&ctx, depth).await? {
            Ok((circles, horizons)) => {
                ctx.horizons = Arc::new(horizons);
                circles
            }
            Err(status) => {
                return Ok(self
                    .finish(&ctx, status, Vec::new(), requests_before, 0)
                    .await);
            }
        };
        ctx.emit(SyncEvent::Started {
            circles: circles.len(),
        });
        let ids: Vec<GroupId> = circles.iter().map(|c| c.group_id).collect();
        match markers::pay(&ctx, &ids).await {
            Ok(_) | Err(Stop::Failed(_) | Stop::Expired) => {}
            Err(Stop::Cancelled) => {
                return Ok(self
                    .finish(&ctx, SyncStatus::Cancelled, Vec::new(), requests_before, 0)
                    .await);
            }
            Err(Stop::NeedsLogin) => {
                return Ok(self
                    .finish(&ctx, SyncStatus::NeedsLogin, Vec::new(), requests_before, 0)
                    .await);
            }
            Err(Stop::Store(err)) => return Err(err.into()),
        }
        match mine::open_questions(&ctx).await {
            Ok(_) => {}
            Err(Stop::Cancelled) => {
                return Ok(self
                    .finish(&ctx, SyncStatus::Cancelled, Vec::new(), requests_before, 0)
                    .await);
            }
            Err(Stop::NeedsLogin) => {
                return Ok(self
                    .finish(&ctx, SyncStatus::NeedsLogin, Vec::new(), requests_before, 0)
                    .await);
            }
            Err(Stop::Store(err)) => return Err(err.into()),
            // The circles' own walks go on; this list is a shortcut, not the only way.
            Err(other) => tracing::warn!(?other, "the list of my open questions"),
        }
        let mut rounds = 0_u32;
        let status = loop {
            rounds += 1;
            // Refreshing archived topics once per run is enough; later rounds only probe.
            let refresh = match (rounds, depth) {
                (1, Depth::Full) => Refresh::Full,
                (1, Depth::Light) => Refresh::IfChanged,
                _ => Refresh::Off,
            };
            match self.round(&ctx, &mut circles, refresh).await? {
                RoundEnd::More => {}
                RoundEnd::Done => break SyncStatus::CaughtUp,
                RoundEnd::Cancelled => break SyncStatus::Cancelled,
                RoundEnd::NeedsLogin => break SyncStatus::NeedsLogin,
            }
        };
        Ok(self
            .finish(&ctx, status, circles, requests_before, rounds)
            .await)
    }

    /// Keeps how the run ended in the archive (the status bar's "last synced" after a
    /// restart). Failing to is logged, not fatal: the run's own work is committed already.
    async fn record(&self, report: &SyncReport) {
        let run = SyncRun {
            status: report.status.as_str(),
            finished_ms: crate::now_ms(),
            new_topics: report.circles.iter().map(|c| c.topics_inserted).sum(),
            requests: report.requests,
        };
        if let Err(err) = self.store.record_sync_run(&run).await {
            tracing::warn!(%err, "the finished run could not be recorded");
        }
        let today = budget::local_day(run.finished_ms);
        if let Err(err) = self.store.add_requests(&today, report.requests).await {
            tracing::warn!(%err, "the day's requests could not be counted");
        }
    }

    /// The circles to sync, stored in the service's order, with the horizons of those the
    /// member mirrors only recent months of (a circle mirrored not at all is left out); or how
    /// the run ends without any. A full run also asks the size of circles not measured this
    /// week ([`sizes`]).
    async fn circles(
        &self,
        ctx: &Ctx,
        depth: Depth,
    ) -> Result<Result<CirclesToSync, SyncStatus>, SyncError> {
        let mut attempt = 0_u32;
        let list = loop {
            let err = match ctx.guard(self.client.groups()).await {
                Ok(Ok(response)) => break response.data,
                // The run's first request is the probe: no connection at all means offline,
                // and the caller waits for the network rather than this run retrying.
                Ok(Err(err @ ApiError::Transport { .. })) => return Err(SyncError::Offline(err)),
                Ok(Err(err)) => err,
                Err(_) => return Ok(Err(SyncStatus::Cancelled)),
            };
            match ctx.recover(None, err, &mut attempt).await {
                Ok(()) => {}
                Err(Stop::NeedsLogin) => {
                    ctx.emit(SyncEvent::NeedsLogin);
                    return Ok(Err(SyncStatus::NeedsLogin));
                }
                Err(Stop::Cancelled) => return Ok(Err(SyncStatus::Cancelled)),
                Err(Stop::Failed(err)) => return Err(SyncError::Circles(err)),
                Err(Stop::Expired) => return Err(SyncError::Circles(ApiError::MembershipExpired)),
                Err(Stop::Store(err)) => return Err(err.into()),
            }
        };
        self.store.upsert_circles(&list.groups).await?;
        // A membership the list already says has ended is not asked for its topics: the
        // answer would be 14210, and refusals are what get an account noticed.
        let now_ms = crate::now_ms();
        let now = Timestamp::from_unix_millis(now_ms).ok();
        let named_expired = list.expired_group_ids();
        let mirrors = self.store.mirrors().await?;
        let mut horizons = HashMap::new();
        let mut runs = Vec::with_capacity(list.groups.len());
        let mut to_measure = Vec::new();
        for group in list.groups {
            let wanted = self
                .options
                .circles
                .as_ref()
                .is_none_or(|only| only.contains(&group.group_id));
            let ended = named_expired.contains(&group.group_id)
                || now.is_some_and(|now| group.membership_ended(now));
            if wanted && !ended {
                to_measure.push(group.group_id);
            }
            let mirror = mirrors.get(&group.group_id).copied().unwrap_or_default();
            if !wanted || mirror == Mirror::Nothing {
                continue;
            }
            if let Some(horizon) = mirror.horizon(now_ms) {
                horizons.insert(group.group_id, horizon);
            }
            let mut run = CircleRun {
                group_id: group.group_id,
                name: group.name,
                ended: None,
                tally: Tally::default(),
            };
            if ended {
                tracing::info!(group = %run.group_id, "membership expired by the circle list; circle skipped");
                self.store.set_expired(run.group_id, &ALL, true).await?;
                run.ended = Some(CircleState::Expired);
                ctx.emit(SyncEvent::CircleExpired {
                    group_id: run.group_id,
                });
            }
            runs.push(run);
        }
        if depth == Depth::Full {
            match sizes::measure(ctx, &to_measure, now_ms).await {
                Ok(_) | Err(Stop::Failed(_) | Stop::Expired) => {}
                Err(Stop::NeedsLogin) => {
                    ctx.emit(SyncEvent::NeedsLogin);
                    return Ok(Err(SyncStatus::NeedsLogin));
                }
                Err(Stop::Cancelled) => return Ok(Err(SyncStatus::Cancelled)),
                Err(Stop::Store(err)) => return Err(err.into()),
            }
        }
        Ok(Ok((runs, horizons)))
    }

    /// Each phase for every circle still going, concurrently; phases one after the other.
    async fn round(
        &self,
        ctx: &Ctx,
        circles: &mut [CircleRun],
        refresh: Refresh,
    ) -> Result<RoundEnd, SyncError> {
        let mut more = false;
        for phase in [
            Phase::New,
            Phase::Backfill,
            Phase::Threads,
            Phase::Articles,
            Phase::Images,
        ] {
            let off = match phase {
                Phase::Articles => !self.options.fetch_articles,
                // Text first: images wait for the round after every circle's topics, threads
                // and articles are in, so a first sync is searchable in a fraction of its
                // requests (the reader fetches an opened topic's images itself meanwhile).
                Phase::Images => ctx.media.is_none() || (more && self.options.text_first),
                _ => false,
            };
            if off {
                continue;
            }
            let mut tasks = JoinSet::new();
            for (index, circle) in circles.iter().enumerate() {
                if circle.ended.is_some() {
                    continue;
                }
                let (ctx, group) = (ctx.clone(), circle.group_id);
                tasks.spawn(async move { (index, run_phase(phase, ctx, group, refresh).await) });
            }
            let (mut needs_login, mut store_error) = (false, None);
            while let Some(joined) = tasks.join_next().await {
                let (index, result) = joined.map_err(|err| SyncError::Task(err.to_string()))?;
                let Some(circle) = circles.get_mut(index) else {
                    continue;
                };
                match result {
                    Ok(progress) => {
                        circle.tally.add(progress.tally);
                        more |= progress.more;
                    }
                    Err(Stop::Expired) => {
                        tracing::info!(group = %circle.group_id, "membership expired; circle skipped");
                        self.store.set_expired(circle.group_id, &ALL, true).await?;
                        circle.ended = Some(CircleState::Expired);
                        ctx.emit(SyncEvent::CircleExpired {
                            group_id: circle.group_id,
                        });
                    }
                    Err(Stop::Failed(err)) => {
                        tracing::warn!(group = %circle.group_id, error = %err, "circle failed this run");
                        let error = err.to_string();
                        ctx.emit(SyncEvent::CircleFailed {
                            group_id: circle.group_id,
                            error: error.clone(),
                        });
                        circle.ended = Some(CircleState::Failed { error });
                    }
                    Err(Stop::NeedsLogin) => {
                        // Stop the other circles now: every request would be refused too.
                        needs_login = true;
                        ctx.stop.cancel();
                    }
                    Err(Stop::Cancelled) => {}
                    Err(Stop::Store(err)) => {
                        ctx.stop.cancel();
                        store_error.get_or_insert(err);
                    }
                }
            }
            if let Some(err) = store_error {
                return Err(err.into());
            }
            if needs_login {
                ctx.emit(SyncEvent::NeedsLogin);
                return Ok(RoundEnd::NeedsLogin);
            }
            if ctx.stop.is_cancelled() {
                return Ok(RoundEnd::Cancelled);
            }
        }
        Ok(if more { RoundEnd::More } else { RoundEnd::Done })
    }

    /// The run's report, recorded in the archive before the run is announced as finished.
    async fn finish(
        &self,
        ctx: &Ctx,
        mut status: SyncStatus,
        circles: Vec<CircleRun>,
        requests_before: u64,
        rounds: u32,
    ) -> SyncReport {
        let mut reports = Vec::with_capacity(circles.len());
        for circle in circles {
            // Not `unwrap_or`: its argument would run, and announce an expired or failed
            // circle as caught up.
            let state = match circle.ended {
                Some(ended) => ended,
                None => match status {
                    SyncStatus::CaughtUp | SyncStatus::Partial => {
                        ctx.emit(SyncEvent::CircleCaughtUp {
                            group_id: circle.group_id,
                        });
                        CircleState::CaughtUp
                    }
                    SyncStatus::Cancelled | SyncStatus::NeedsLogin => CircleState::Pending,
                },
            };
            if status == SyncStatus::CaughtUp && matches!(state, CircleState::Failed { .. }) {
                status = SyncStatus::Partial;
            }
            reports.push(CircleReport {
                group_id: circle.group_id,
                name: circle.name,
                state,
                topics_inserted: circle.tally.topics_inserted,
                topics_updated: circle.tally.topics_updated,
                topics_deleted: circle.tally.topics_deleted,
                topics_unreadable: circle.tally.topics_unreadable,
                comments_inserted: circle.tally.comments_inserted,
                articles: circle.tally.articles,
                images: circle.tally.images,
            });
        }
        let report = SyncReport {
            status,
            circles: reports,
            requests: self
                .client
                .pacing_stats()
                .requests
                .saturating_sub(requests_before),
            rounds,
        };
        self.record(&report).await;
        ctx.emit(SyncEvent::Finished { status });
        report
    }
}

async fn run_phase(
    phase: Phase,
    ctx: Ctx,
    group: GroupId,
    refresh: Refresh,
) -> Result<Progress, Stop> {
    match phase {
        Phase::New => topics::new_content(ctx, group, refresh).await,
        Phase::Backfill => topics::backfill(ctx, group).await,
        Phase::Threads => threads::threads(ctx, group).await,
        Phase::Articles => articles::articles(ctx, group).await,
        Phase::Images => images::images(ctx, group).await,
    }
}
