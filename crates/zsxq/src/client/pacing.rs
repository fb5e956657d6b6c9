//! The per-account request budget.
//!
//! ZSXQ answers fast crawling first with probabilistic 1059 refusals and then bans the token
//! (docs/protocol.md §4: "再多试几次直接401了，token直接被ban"). Mature tools survive by spacing
//! requests 1.5–5 s apart and resting for minutes every few dozen pages. So every request of an
//! account — whatever clone of the client sends it, whatever task is paging — first takes a
//! permit from one shared [`Pacer`]:
//!
//! 1. permits are handed out one at a time, first come first served (a fair async mutex);
//! 2. a `governor` limiter enforces the minimum spacing, adding random jitter whenever it makes
//!    a request wait, so the rhythm is not machine-regular;
//! 3. after every [`Pacing::long_pause_every`] permits, the next one waits a random
//!    [`Pacing::long_pause_min`]–[`Pacing::long_pause_max`], holding up everyone, as a person
//!    taking a break would.
//!
//! 4. after [`Pacing::refusals_before_rest`] refusals in a row (1059 or 429, whatever request
//!    drew them), the next permit waits [`Pacing::refusal_rest`] — minutes, not the seconds of
//!    a retry's back-off: a burst of refusals is the service saying "this account, slower",
//!    and the bans that follow are what the community reports (PROTOCOL.md §6.6). One tool
//!    pauses 5 minutes after 4 refusals in 20 minutes; since 1059 also hits a careful client
//!    now and then at random, a run of refusals with no success between counts here.
//!
//! Retries take a permit per attempt, so back-off never bypasses the budget.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Jitter, Quota, RateLimiter};
use tokio::sync::Mutex;

/// How fast one account may talk to the service.
///
/// The defaults are meant to be safe for a real account:
///
/// | setting | default | effect |
/// |---|---|---|
/// | [`interval`](Self::interval) | 2 s | at most one request per 2 s… |
/// | [`jitter`](Self::jitter) | 1 s | …plus up to 1 s at random when waiting: one every 2–3 s |
/// | [`long_pause_every`](Self::long_pause_every) | 50 | after every 50 requests… |
/// | [`long_pause_min`](Self::long_pause_min)–[`long_pause_max`](Self::long_pause_max) | 60–120 s | …a pause of 1–2 minutes |
/// | [`refusals_before_rest`](Self::refusals_before_rest) | 4 | after 4 refusals in a row… |
/// | [`refusal_rest`](Self::refusal_rest) | 5 min | …everyone waits 5 minutes |
///
/// That is roughly 1,200–1,500 requests an hour at most, gentler than the 2–5 s per page with
/// 3–5 minute rests of the most careful open-source crawler and well below the 0.8 s of the
/// fastest one (docs/protocol.md §4).
///
/// [`Pacing::none`] turns all of it off. Only tests and benchmarks against `zsxq-sim` on
/// loopback do that; it is never a default and nothing in the app offers it for a real account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pacing {
    /// Minimum spacing between two requests of the account; zero disables the limiter.
    pub interval: Duration,
    /// Upper bound of the random extra wait added whenever a request has to wait.
    pub jitter: Duration,
    /// Take a long pause after this many requests; `None` never does.
    pub long_pause_every: Option<NonZeroU32>,
    /// Shortest long pause.
    pub long_pause_min: Duration,
    /// Longest long pause.
    pub long_pause_max: Duration,
    /// Rest after this many refusals (1059, 429) in a row; `None` never does.
    pub refusals_before_rest: Option<NonZeroU32>,
    /// How long the account rests after a burst of refusals.
    pub refusal_rest: Duration,
}

impl Default for Pacing {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            jitter: Duration::from_secs(1),
            long_pause_every: NonZeroU32::new(50),
            long_pause_min: Duration::from_secs(60),
            long_pause_max: Duration::from_secs(120),
            refusals_before_rest: NonZeroU32::new(4),
            refusal_rest: Duration::from_secs(5 * 60),
        }
    }
}

impl Pacing {
    /// No spacing, no jitter, no pauses: for tests and benchmarks against `zsxq-sim` on
    /// loopback only.
    pub fn none() -> Self {
        Self {
            interval: Duration::ZERO,
            jitter: Duration::ZERO,
            long_pause_every: None,
            long_pause_min: Duration::ZERO,
            long_pause_max: Duration::ZERO,
            refusals_before_rest: None,
            refusal_rest: Duration::ZERO,
        }
    }

    /// Whether this pacing never makes a request wait.
    pub fn is_none(&self) -> bool {
        self.quota().is_none()
            && self.long_pause_every.is_none()
            && self.refusals_before_rest.is_none()
    }

    /// The average time one request costs at this pacing when requests queue back to back, as
    /// during a first sync: the spacing, half the jitter, and the long pauses spread over the
    /// requests between them (the default: 2 s + 0.5 s + 90 s / 50 = 4.3 s). Estimates of how
    /// long a sync takes start from it until they have measured the real pace.
    pub fn mean_spacing(&self) -> Duration {
        let pauses = self.long_pause_every.map_or(Duration::ZERO, |every| {
            (self.long_pause_min + self.long_pause_max.max(self.long_pause_min)) / 2 / every.get()
        });
        self.interval + self.jitter / 2 + pauses
    }

    /// The governor quota: one request per `interval`, no bursts (a burst is exactly what the
    /// anti-crawler notices). `None` when `interval` is zero.
    pub(crate) fn quota(&self) -> Option<Quota> {
        Quota::with_period(self.interval)
    }

    /// A long pause drawn uniformly from the configured range (a reversed range is read as
    /// its minimum).
    fn draw_long_pause(&self) -> Duration {
        let min = self.long_pause_min;
        let max = self.long_pause_max.max(min);
        let spread = u64::try_from((max - min).as_millis()).unwrap_or(u64::MAX);
        min + Duration::from_millis(fastrand::u64(0..=spread))
    }
}

/// What the pacer has done so far, for status displays and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacingStats {
    /// Permits handed out, i.e. HTTP requests sent (retries included).
    pub requests: u64,
    /// Long pauses taken.
    pub long_pauses: u64,
    /// Rests taken after bursts of refusals.
    pub refusal_rests: u64,
}

/// The shared budget of one account. Cloned clients hold the same `Pacer` behind an `Arc`.
pub(crate) struct Pacer {
    pacing: Pacing,
    limiter: Option<DefaultDirectRateLimiter>,
    /// The queue: a fair mutex, so permits go out in the order they were asked for. Holding it
    /// across the waits is the point — nobody overtakes a request that is waiting its turn.
    gate: Mutex<()>,
    /// Written only under `gate`; atomics so that reading the stats never waits behind a
    /// request that is sitting out a long pause.
    requests: AtomicU64,
    long_pauses: AtomicU64,
    /// Refusals since the last success; reaching the limit owes a rest.
    refusals: AtomicU64,
    refusal_rests: AtomicU64,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("pacing", &self.pacing)
            .finish_non_exhaustive()
    }
}

impl Pacer {
    pub(crate) fn new(pacing: Pacing) -> Self {
        let limiter = pacing.quota().map(RateLimiter::direct);
        Self {
            pacing,
            limiter,
            gate: Mutex::new(()),
            requests: AtomicU64::new(0),
            long_pauses: AtomicU64::new(0),
            refusals: AtomicU64::new(0),
            refusal_rests: AtomicU64::new(0),
        }
    }

    /// Counts an answer: a refusal (1059, 429) adds to the run of refusals, anything else
    /// ends it.
    pub(crate) fn note(&self, refused: bool) {
        if refused {
            self.refusals.fetch_add(1, Ordering::Relaxed);
        } else {
            self.refusals.store(0, Ordering::Relaxed);
        }
    }

    /// Waits for this account's next turn; returns the permit's sequence number (1-based).
    pub(crate) async fn acquire(&self) -> u64 {
        let _turn = self.gate.lock().await;
        if let Some(limit) = self.pacing.refusals_before_rest
            && self.refusals.load(Ordering::Relaxed) >= u64::from(limit.get())
        {
            tracing::warn!(
                refusals = self.refusals.load(Ordering::Relaxed),
                rest_secs = self.pacing.refusal_rest.as_secs(),
                "ZSXQ refused several requests in a row; resting before the next one"
            );
            tokio::time::sleep(self.pacing.refusal_rest).await;
            self.refusals.store(0, Ordering::Relaxed);
            self.refusal_rests.fetch_add(1, Ordering::Relaxed);
        }
        let granted = self.requests.load(Ordering::Relaxed);
        if let Some(every) = self.pacing.long_pause_every
            && granted > 0
            && granted.is_multiple_of(u64::from(every.get()))
        {
            let pause = self.pacing.draw_long_pause();
            tracing::info!(
                after_requests = granted,
                pause_secs = pause.as_secs_f32(),
                "pausing ZSXQ requests for a while, as a person would"
            );
            tokio::time::sleep(pause).await;
            self.long_pauses.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(limiter) = &self.limiter {
            limiter
                .until_ready_with_jitter(Jitter::up_to(self.pacing.jitter))
                .await;
        }
        self.requests.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn stats(&self) -> PacingStats {
        PacingStats {
            requests: self.requests.load(Ordering::Relaxed),
            long_pauses: self.long_pauses.load(Ordering::Relaxed),
            refusal_rests: self.refusal_rests.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use governor::clock::FakeRelativeClock;

    use super::*;

    fn tiny(every: u32) -> Pacing {
        Pacing {
            interval: Duration::from_micros(200),
            jitter: Duration::from_micros(100),
            long_pause_every: NonZeroU32::new(every),
            long_pause_min: Duration::from_micros(100),
            long_pause_max: Duration::from_micros(300),
            refusals_before_rest: None,
            refusal_rest: Duration::ZERO,
        }
    }

    #[test]
    fn the_mean_spacing_spreads_the_long_pauses() {
        assert_eq!(
            Pacing::default().mean_spacing(),
            Duration::from_millis(4300)
        );
        assert_eq!(Pacing::none().mean_spacing(), Duration::ZERO);
        let no_pauses = Pacing {
            long_pause_every: None,
            ..Pacing::default()
        };
        assert_eq!(no_pauses.mean_spacing(), Duration::from_millis(2500));
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_refusals_rests_the_account_for_minutes() {
        let pacer = Pacer::new(Pacing {
            refusals_before_rest: NonZeroU32::new(4),
            refusal_rest: Duration::from_secs(300),
            ..Pacing::none()
        });
        let start = tokio::time::Instant::now();
        // Refusals with a success between them: no rest (1059 also hits careful clients).
        for refused in [true, true, true, false, true, true, true, false] {
            pacer.acquire().await;
            pacer.note(refused);
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        for _ in 0..4 {
            pacer.acquire().await;
            pacer.note(true);
        }
        pacer.acquire().await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(300),
            "the fifth request rested first"
        );
        assert_eq!(pacer.stats().refusal_rests, 1);
        pacer.note(false);
        pacer.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(300), "and only once");
    }

    #[test]
    fn default_budget_is_one_request_per_two_seconds_without_bursts() {
        let pacing = Pacing::default();
        let quota = pacing.quota().expect("default pacing has a quota");
        assert_eq!(quota.replenish_interval(), Duration::from_secs(2));
        assert_eq!(quota.burst_size().get(), 1);

        // Drive governor's own clock instead of the wall clock: the second request within the
        // interval is refused, and allowed once the interval has passed.
        let clock = FakeRelativeClock::default();
        let limiter = RateLimiter::direct_with_clock(quota, clock.clone());
        assert!(limiter.check().is_ok());
        assert!(limiter.check().is_err());
        clock.advance(Duration::from_millis(1999));
        assert!(limiter.check().is_err());
        clock.advance(Duration::from_millis(1));
        assert!(limiter.check().is_ok());
        assert!(limiter.check().is_err());
    }

    #[test]
    fn none_never_waits_and_default_does() {
        assert!(Pacing::none().is_none());
        assert!(Pacing::none().quota().is_none());
        assert!(!Pacing::default().is_none());
        let no_limiter_but_pauses = Pacing {
            long_pause_every: NonZeroU32::new(3),
            ..Pacing::none()
        };
        assert!(!no_limiter_but_pauses.is_none());
    }

    #[test]
    fn long_pauses_stay_within_their_range() {
        let pacing = Pacing::default();
        for _ in 0..200 {
            let pause = pacing.draw_long_pause();
            assert!((Duration::from_secs(60)..=Duration::from_secs(120)).contains(&pause));
        }
        let reversed = Pacing {
            long_pause_min: Duration::from_secs(5),
            long_pause_max: Duration::from_secs(1),
            ..Pacing::default()
        };
        assert_eq!(reversed.draw_long_pause(), Duration::from_secs(5));
    }

    #[tokio::test]
    async fn permits_come_in_order_with_a_long_pause_after_every_n() {
        let pacer = Pacer::new(tiny(3));
        let mut sequence = Vec::new();
        for _ in 0..7 {
            sequence.push(pacer.acquire().await);
        }
        assert_eq!(sequence, [1, 2, 3, 4, 5, 6, 7]);
        // Pauses before the 4th and the 7th request.
        assert_eq!(
            pacer.stats(),
            PacingStats {
                requests: 7,
                long_pauses: 2,
                refusal_rests: 0,
            }
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_users_share_one_budget() {
        let pacer = Arc::new(Pacer::new(tiny(4)));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let pacer = Arc::clone(&pacer);
                tokio::spawn(async move { pacer.acquire().await })
            })
            .collect();
        let mut granted = Vec::new();
        for task in tasks {
            granted.push(task.await.expect("task"));
        }
        granted.sort_unstable();
        // Every permit is distinct: nobody slipped past the shared queue.
        assert_eq!(granted, (1..=12).collect::<Vec<u64>>());
        assert_eq!(pacer.stats().long_pauses, 2);
    }

    #[tokio::test]
    async fn permits_are_granted_in_request_order() {
        // Hold the queue, line up three waiters, then release: they must be served in the
        // order they asked (tokio's mutex is fair).
        let pacer = Arc::new(Pacer::new(tiny(100)));
        let guard = pacer.gate.lock().await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for name in ["a", "b", "c"] {
            let (pacer, order) = (Arc::clone(&pacer), Arc::clone(&order));
            tasks.push(tokio::spawn(async move {
                let seq = pacer.acquire().await;
                order.lock().expect("lock").push((name, seq));
            }));
            // Let this waiter enqueue before the next one is spawned.
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
        }
        drop(guard);
        for task in tasks {
            task.await.expect("task");
        }
        assert_eq!(*order.lock().expect("lock"), [("a", 1), ("b", 2), ("c", 3)]);
    }
}
