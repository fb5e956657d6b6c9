//! Serving: [`serve`] binds loopback, builds the dataset and returns a [`SimHandle`], through
//! which tests and the demo mode read the truth, drive activity and change faults.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::config::{Faults, HeaderChecks, SimConfig, SimError};
use crate::login::{Logins, TicketState};
use crate::rng::{Rng, tag};
use crate::signature::Strikes;
use crate::stats::RequestStats;
use crate::truth::{Footprint, Truth};
use crate::world::World;
use crate::{activity, dataset, routes, truth};

/// State shared by every request, the activity ticker and the handle.
#[derive(Debug)]
pub(crate) struct Shared {
    world: RwLock<World>,
    pub(crate) base_url: String,
    pub(crate) seed: u64,
    faults: RwLock<Faults>,
    checks: HeaderChecks,
    auth: Mutex<Auth>,
    logins: Mutex<Logins>,
    strikes: Mutex<Strikes>,
    stats: Mutex<RequestStats>,
    sequence: AtomicU64,
    clock: Clock,
}

/// A token lives this long after it is issued, counted down in `x-expire-in` (about 30 days,
/// as in the captures, docs/protocol.md §2.3) and refused with 401 once it has run out.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(2_592_000);

#[derive(Debug, Default)]
struct Auth {
    /// The valid tokens, with when each was issued ([`Shared::clock`]).
    valid: HashMap<String, Duration>,
    issued: u64,
    /// Requests served since the last token was issued, for `unauthorized_after`.
    served: u64,
}

impl Auth {
    /// Whether `token` was issued, is not revoked and has not run out at `now`.
    fn is_live(&self, token: &str, now: Duration) -> bool {
        self.valid
            .get(token)
            .is_some_and(|&issued| now.saturating_sub(issued) < TOKEN_LIFETIME)
    }
}

/// The simulator's clock for token lifetimes and the ban window: wall time since the start,
/// plus however far [`SimHandle::advance_clock`] moved it.
#[derive(Debug)]
struct Clock {
    started: Instant,
    skew: Mutex<Duration>,
}

// A panic while holding a lock must not take the whole simulator down with poisoned locks: the
// state is plain data and stays usable.
fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Shared {
    pub(crate) fn world(&self) -> RwLockReadGuard<'_, World> {
        read(&self.world)
    }

    pub(crate) fn world_mut(&self) -> RwLockWriteGuard<'_, World> {
        write(&self.world)
    }

    pub(crate) fn faults(&self) -> Faults {
        read(&self.faults).clone()
    }

    pub(crate) fn record(&self, route: &str) {
        lock(&self.stats).record(route);
    }

    pub(crate) fn next_sequence(&self) -> u64 {
        self.sequence.fetch_add(1, Ordering::Relaxed)
    }

    /// Time since the simulator started, moved on by [`SimHandle::advance_clock`].
    pub(crate) fn clock(&self) -> Duration {
        self.clock.started.elapsed() + *lock(&self.clock.skew)
    }

    /// Seconds left of `token`'s lifetime, for `x-expire-in`; `None` for a token not (or no
    /// longer) valid.
    pub(crate) fn expire_in(&self, token: &str) -> Option<u64> {
        let issued = *lock(&self.auth).valid.get(token)?;
        let age = self.clock().saturating_sub(issued);
        Some(TOKEN_LIFETIME.saturating_sub(age).as_secs())
    }

    /// Throws the dice for a request of `token` with a missing or wrong signature: `true` if
    /// it is to be refused with 1059. A refusal counts towards the token's ban, which, once
    /// [`HeaderChecks::ban_after`] is reached, revokes the token (401 from the next request).
    pub(crate) fn refuse_unsigned(&self, token: &str) -> bool {
        let now = self.clock();
        let banned = {
            let mut strikes = lock(&self.strikes);
            let draw = strikes.next_draw();
            if !Rng::keyed(&[self.seed, tag::SIGNATURE, draw]).chance(self.checks.p_unsigned_1059) {
                return false;
            }
            strikes.strike(token, now, &self.checks)
        };
        if banned {
            tracing::info!("zsxq-sim banned a token after repeated signature refusals");
            lock(&self.auth).valid.remove(token);
        }
        true
    }

    /// A token in the service's format (`UUID_16HEX`), derived from the seed.
    pub(crate) fn issue_token(&self) -> String {
        let mut auth = lock(&self.auth);
        auth.issued += 1;
        let mut rng = Rng::keyed(&[self.seed, tag::TOKEN, auth.issued]);
        let (a, b) = (rng.next_u64(), rng.next_u64());
        // The suffix is the same for every token of a user, as in the real captures.
        let device = Rng::keyed(&[self.seed, tag::TOKEN]).next_u64();
        let token = format!(
            "{:08X}-{:04X}-{:04X}-{:04X}-{:012X}_{device:016X}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF,
        );
        auth.valid.insert(token.clone(), self.clock());
        auth.served = 0;
        token
    }

    /// Whether a request with this token is let through: a token issued, not revoked and not
    /// expired; with `limit`, the sign-in is revoked once that many requests were served on it.
    pub(crate) fn authorize(&self, token: Option<&str>, limit: Option<u64>) -> bool {
        let now = self.clock();
        let mut auth = lock(&self.auth);
        if !token.is_some_and(|t| auth.is_live(t, now)) {
            return false;
        }
        if limit.is_some_and(|limit| auth.served >= limit) {
            auth.valid.clear();
            return false;
        }
        auth.served += 1;
        true
    }

    /// Whether `token` is issued, not revoked and not expired (without counting a request).
    pub(crate) fn is_live(&self, token: &str) -> bool {
        let now = self.clock();
        lock(&self.auth).is_live(token, now)
    }

    /// A new QR code for a login page ([`crate::login`]).
    pub(crate) fn show_ticket(&self) -> String {
        let id = format!("{:016x}", self.seed ^ self.next_sequence().rotate_left(32));
        lock(&self.logins).show(id, self.clock())
    }

    pub(crate) fn ticket_state(&self, ticket: &str) -> TicketState {
        lock(&self.logins).state(ticket, self.clock())
    }

    /// Scans the newest code still waiting: issues a token for it. `(ticket, token)`.
    pub(crate) fn scan(&self) -> Option<(String, String)> {
        let ticket = lock(&self.logins).waiting(self.clock())?;
        let token = self.issue_token();
        lock(&self.logins).scanned(&ticket, token.clone());
        tracing::info!("zsxq-sim: a login code was scanned");
        Some((ticket, token))
    }

    pub(crate) fn login_probe(&self, report: serde_json::Value) {
        lock(&self.logins).probe(report);
    }

    pub(crate) fn login_probes(&self) -> Vec<serde_json::Value> {
        lock(&self.logins).probes()
    }

    pub(crate) fn advance(&self, events: usize) {
        let now = now_ms();
        let mut world = self.world_mut();
        for _ in 0..events {
            activity::apply(&mut world, now);
        }
    }

    /// Carries out a deliberate change (`/__sim/act`, [`SimHandle::act`]).
    pub(crate) fn act(&self, act: crate::history::Act) -> bool {
        crate::history::perform(&mut self.world_mut(), act, now_ms())
    }

    /// Makes a happening happen now (`/__sim/act` with a `kind`, [`SimHandle::happen`]).
    pub(crate) fn happen(
        &self,
        happening: crate::happen::Happening,
    ) -> Result<crate::happen::Happened, crate::happen::Unhappened> {
        crate::happen::happen(&mut self.world_mut(), happening, now_ms())
    }

    /// Makes a busy day happen, ending now (`/__sim/act` with `"kind": "busy_day"`,
    /// [`SimHandle::busy_day`]).
    pub(crate) fn busy_day(&self, busy: crate::BusyDay) -> crate::BusyDayTruth {
        crate::happen::busy_day::busy_day(&mut self.world_mut(), busy, now_ms())
    }

    pub(crate) fn stats(&self) -> RequestStats {
        lock(&self.stats).clone()
    }
}

/// A running simulator. Dropping it stops the server; [`SimHandle::shutdown`] also waits for it.
#[derive(Debug)]
pub struct SimHandle {
    shared: Arc<Shared>,
    token: String,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    activity: Option<JoinHandle<()>>,
}

/// Starts a simulator on `addr`, which must be a loopback address (port 0 picks a free port).
pub async fn serve(config: SimConfig, addr: SocketAddr) -> Result<SimHandle, SimError> {
    if !addr.ip().is_loopback() {
        return Err(SimError::NotLoopback(addr));
    }
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| SimError::Bind { addr, source })?;
    let local = listener
        .local_addr()
        .map_err(|source| SimError::Bind { addr, source })?;
    let build_config = config.clone();
    // Generating a million topics takes a moment: keep it off the async workers.
    let world = tokio::task::spawn_blocking(move || dataset::build(&build_config))
        .await
        .map_err(|e| SimError::Dataset {
            dataset: config.dataset.to_string(),
            reason: e.to_string(),
        })??;
    let shared = Arc::new(Shared {
        world: RwLock::new(world),
        base_url: format!("http://{local}"),
        seed: config.seed,
        faults: RwLock::new(config.faults.clone()),
        checks: config.headers.clone(),
        auth: Mutex::new(Auth::default()),
        logins: Mutex::new(Logins::default()),
        strikes: Mutex::new(Strikes::default()),
        stats: Mutex::new(RequestStats::default()),
        sequence: AtomicU64::new(0),
        clock: Clock {
            started: Instant::now(),
            skew: Mutex::new(Duration::ZERO),
        },
    });
    let token = shared.issue_token();
    let app = routes::router(Arc::clone(&shared));
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::warn!(%error, "zsxq-sim stopped serving");
        }
    });
    let activity = activity::spawn_ticker(Arc::clone(&shared), config.activity_per_min);
    tracing::info!(base_url = %shared.base_url, dataset = %config.dataset, "zsxq-sim serving");
    Ok(SimHandle {
        shared,
        token,
        stop: Some(stop),
        server: Some(server),
        activity,
    })
}

/// The truth of a dataset at time zero, without serving it (`zsxq-sim truth`).
pub fn dataset_truth(config: &SimConfig) -> Result<Truth, SimError> {
    dataset::build(config).map(|world| truth::of(&world))
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The token issued at start; valid until a 401 fault or a ban revokes it, or it expires
    /// (30 days on the simulator's clock).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// A fresh valid token, as a re-login would give; restarts the `unauthorized_after` count.
    /// Tokens revoked by a ban ([`crate::HeaderChecks`]) stay revoked.
    pub fn issue_token(&self) -> String {
        self.shared.issue_token()
    }

    /// Scans the code a login page shows (`GET /login`), as the member's phone would; the same
    /// as `POST /__sim/scan`. Returns the token the page's cookie will carry, or `None` when no
    /// page shows a code that can still be scanned.
    pub fn scan_login(&self) -> Option<String> {
        self.shared.scan().map(|(_, token)| token)
    }

    /// What `GET /login?probe=ipc` pages reported of their attempts to call the app.
    pub fn login_probes(&self) -> Vec<serde_json::Value> {
        self.shared.login_probes()
    }

    /// Requests received so far.
    pub fn requests(&self) -> RequestStats {
        self.shared.stats()
    }

    /// The current ground truth, including writes and activity.
    pub fn truth(&self) -> Truth {
        truth::of(&self.shared.world())
    }

    /// The dataset's memory footprint.
    pub fn footprint(&self) -> Footprint {
        truth::footprint(&self.shared.world())
    }

    /// Applies `events` activity events now (new topics, comments, answers).
    pub fn advance(&self, events: usize) {
        self.shared.advance(events);
    }

    /// Edits, deletes or toggles a topic, or applies activity events, now; `false` if the
    /// topic is unknown or deleted. The same as `POST /__sim/act`.
    pub fn act(&self, act: crate::history::Act) -> bool {
        self.shared.act(act)
    }

    /// Makes one event about the signed-in user happen now, through the same writes as
    /// activity: my question answered, a reply to my comment, a mention of me, a question for
    /// me, a new talk by an owner, a new digest ([`crate::HappeningKind`]). `None` when the
    /// group is unknown or no circle fits the kind. The same as `POST /__sim/act` with
    /// `{"kind": …, "group_id": …}`.
    pub fn happen(&self, happening: crate::Happening) -> Option<crate::Happened> {
        self.shared.happen(happening).ok()
    }

    /// Makes a busy day happen: `busy.topics` new topics spread over the last 24 hours (of the
    /// wall clock, like every topic time) in the first `busy.circles` circles — owners' and
    /// guests' posts, digests, members' talks and questions (some for me, a few of mine
    /// answered), noise — and some comments replying to me or mentioning me. Answers with
    /// what each new topic is ([`crate::BusyDayTruth`]); the topics are served and counted in
    /// [`Self::truth`] like any other. The same as `POST /__sim/act` with
    /// `{"kind": "busy_day", "circles": …, "topics": …}`.
    pub fn busy_day(&self, busy: crate::BusyDay) -> crate::BusyDayTruth {
        self.shared.busy_day(busy)
    }

    /// Replaces the fault configuration for the requests that follow.
    pub fn set_faults(&self, faults: Faults) {
        *write(&self.shared.faults) = faults;
    }

    /// The fault configuration in force.
    pub fn faults(&self) -> Faults {
        self.shared.faults()
    }

    /// The header checks in force (fixed at start).
    pub fn header_checks(&self) -> &HeaderChecks {
        &self.shared.checks
    }

    /// Moves the simulator's clock on by `by`, as if that much time had passed: tokens age
    /// (`x-expire-in` drops, and a token expires after 30 days) and old signature refusals
    /// leave the ban window. Topic times and activity keep following the wall clock.
    pub fn advance_clock(&self, by: Duration) {
        *lock(&self.shared.clock.skew) += by;
    }

    /// Stops serving and waits (a few seconds at most) for open connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(activity) = self.activity.take() {
            activity.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(mut server) = self.server.take()
            && tokio::time::timeout(Duration::from_secs(5), &mut server)
                .await
                .is_err()
        {
            server.abort();
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(activity) = self.activity.take() {
            activity.abort();
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}
