//! `sync [--circle ID] [--no-pacing] [--once]`: mirrors the joined circles into the archive with
//! the core's [`SyncEngine`].
//!
//! The account decides where and as whom (the base URL remembered by `login`, the token from
//! the keyring or `ORRERY_TOKEN`); the core's [`Session`] opens the archive on it with the
//! account's one [`Client`](zsxq::Client), so the whole run spends one pacing budget, and the
//! same image cache cap as the app (its Settings). Progress goes to stderr — one rewritten status line on a
//! terminal, plain lines otherwise — and the per-circle report to stdout. Ctrl-C cancels
//! cleanly: the page being committed finishes and the next run resumes.
//!
//! The search index follows the run: what a page archives is searchable within a second.
//!
//! A 401 ends the run with exit code 3 and the account's `NeedsLogin`; a later `login` and
//! `sync` resume where it stopped.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use orrery_core::account::AccountError;
use orrery_core::paths::DataDir;
use orrery_core::session::{Session, Source};
use orrery_core::settings::Settings;
use orrery_core::sync::{
    CircleState, Phase, SyncError, SyncEvent, SyncHandle, SyncMode, SyncReport, SyncStatus,
};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use zsxq::GroupId;
use zsxq::client::Pacing;

use crate::account;
use crate::terminal::safe;

/// How long `sync` without `--once` waits between runs.
const CONTINUOUS_INTERVAL: Duration = Duration::from_secs(30 * 60);

/// How often the terminal's status line is redrawn at most.
const REDRAW: Duration = Duration::from_millis(100);

/// The options of one `sync` run.
#[derive(Debug, Clone)]
pub struct SyncArgs {
    /// Only this circle.
    pub circle: Option<i64>,
    /// Turn pacing off; refused unless the service is on a loopback address.
    pub no_pacing: bool,
    /// Exit when caught up instead of syncing on an interval.
    pub once: bool,
}

pub async fn sync(dir: &DataDir, args: &SyncArgs) -> anyhow::Result<()> {
    let (account, session) = open_session(dir, args.no_pacing).await?;
    // New posts become searchable while the sync runs (see orrery_core::search::follow).
    let (engine, indexing) = session.sync_engine(args.circle.map(|id| vec![GroupId::new(id)]));
    let events = engine.subscribe();
    let mode = if args.once {
        SyncMode::Once
    } else {
        SyncMode::Continuous {
            interval: CONTINUOUS_INTERVAL,
        }
    };
    let interrupted = interrupt()?;
    let handle = engine.spawn(mode);
    let cancel = handle.cancellation_token();
    tokio::spawn(async move {
        interrupted.await;
        cancel.cancel();
    });
    let report = follow(handle, events).await;
    match indexing.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => warn(&format!(
            "the search index could not keep up ({e}); `orrery-cli reindex` rebuilds it"
        )),
        Err(e) => warn(&format!("the search indexer stopped: {e}")),
    }
    session.store().close().await;
    let report = report?;
    if let Some(remaining) = session.client().expires_in() {
        let expiry = account.note_expiry(remaining);
        if expiry.warn {
            warn(
                "the ZSXQ token ends within a week: copy a fresh zsxq_access_token from the \
                 browser and run `orrery-cli login` again before it does",
            );
        }
    }
    print_report(&report)?;
    match report.status {
        SyncStatus::NeedsLogin => {
            account.mark_needs_login();
            Err(AccountError::TokenRejected.into())
        }
        SyncStatus::Partial => anyhow::bail!("some circles could not be synced (see above)"),
        SyncStatus::CaughtUp | SyncStatus::Cancelled => Ok(()),
    }
}

/// The signed-in account's session on `dir`, with the app's settings; `no_pacing` only against
/// a simulator on a loopback address.
pub(crate) async fn open_session(
    dir: &DataDir,
    no_pacing: bool,
) -> anyhow::Result<(orrery_core::account::Account, Session)> {
    let mut config = account::saved_config(dir)?;
    if no_pacing {
        // Pacing protects the user's real account from a ban (docs/protocol.md §4): it may only be
        // turned off against a simulator on this machine.
        anyhow::ensure!(
            zsxq::client::is_loopback_url(&config.base_url),
            "--no-pacing is only allowed against a service on a loopback address \
             (such as zsxq-sim on 127.0.0.1), not {}",
            config.base_url
        );
        config.pacing = Pacing::none();
    }
    let (account, _) = account::signed_in(dir, config).await?;
    let source = Source::Account {
        dir: dir.clone(),
        account: account.clone(),
    };
    let session = Session::open(source, &Settings::new(dir).load()).await?;
    Ok((account, session))
}

/// Resolves on Ctrl-C (SIGINT). On Unix the handler is installed before this returns, so an
/// interrupt right after start-up cancels the sync instead of killing the process mid-page
/// (which would be safe, but loses the report).
#[cfg(unix)]
pub(crate) fn interrupt() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut sigint = signal(SignalKind::interrupt())?;
    Ok(async move {
        sigint.recv().await;
    })
}

#[cfg(not(unix))]
pub(crate) fn interrupt() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        // If no handler can be installed, never cancel: Ctrl-C then ends the process, which
        // the per-page transactions make safe.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

/// Shows the run's events until it ends, and returns its outcome.
pub(crate) async fn follow(
    handle: SyncHandle,
    mut events: broadcast::Receiver<SyncEvent>,
) -> Result<SyncReport, SyncError> {
    let mut progress = Progress::new(std::io::stderr().is_terminal());
    // The handle holds a sender too, so the channel only closes with it: wait for the task.
    let join = handle.join();
    tokio::pin!(join);
    let report = loop {
        tokio::select! {
            report = &mut join => break report,
            event = events.recv() => match event {
                Ok(event) => progress.show(&event),
                // Skipped events only delay the counters; the archive has them all.
                Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => break join.await,
            },
        }
    };
    while let Ok(event) = events.try_recv() {
        progress.show(&event);
    }
    progress.end();
    report
}

/// Progress on stderr: a rewritten status line on a terminal, plain lines otherwise.
#[derive(Debug)]
struct Progress {
    terminal: bool,
    tally: Tally,
    drawn: Option<Instant>,
}

impl Progress {
    fn new(terminal: bool) -> Self {
        Self {
            terminal,
            tally: Tally::default(),
            drawn: None,
        }
    }

    fn show(&mut self, event: &SyncEvent) {
        self.tally.add(event);
        if !self.terminal {
            if let Some(text) = notable(event).or_else(|| plain(event)) {
                status_line(&format!("{}\n", safe(&text)));
            }
            return;
        }
        // The events carry the service's messages: our own `\r\x1b[2K` goes around them.
        if let Some(text) = notable(event) {
            status_line(&format!("\r\x1b[2K{}\n", safe(&text)));
            self.drawn = None;
        }
        if self.drawn.is_none_or(|at| at.elapsed() >= REDRAW) {
            status_line(&format!("\r\x1b[2K{}", self.tally.line()));
            self.drawn = Some(Instant::now());
        }
    }

    fn end(&mut self) {
        if self.terminal && self.drawn.is_some() {
            status_line(&format!("\r\x1b[2K{}\n", self.tally.line()));
        }
    }
}

/// Running totals for the status line.
#[derive(Debug, Default)]
struct Tally {
    circles: usize,
    caught_up: usize,
    topics: u64,
    comments: u64,
    articles: u64,
    images: u64,
    phase: Option<Phase>,
}

impl Tally {
    fn add(&mut self, event: &SyncEvent) {
        match event {
            SyncEvent::Started { circles } => {
                self.circles = *circles;
                self.caught_up = 0;
            }
            SyncEvent::PhaseStarted { phase, .. } => self.phase = Some(*phase),
            SyncEvent::PageCommitted { inserted, .. } => self.topics += u64::from(*inserted),
            SyncEvent::ThreadFetched { inserted, .. } => self.comments += u64::from(*inserted),
            SyncEvent::ArticleFetched { .. } => self.articles += 1,
            SyncEvent::ImageCached { .. } => self.images += 1,
            SyncEvent::CircleCaughtUp { .. } | SyncEvent::CircleExpired { .. } => {
                self.caught_up += 1;
            }
            _ => {}
        }
    }

    fn line(&self) -> String {
        let phase = self
            .phase
            .map(|p| format!("{p:?}").to_lowercase())
            .unwrap_or_else(|| "starting".to_owned());
        format!(
            "syncing: {}/{} circles done, +{} topics, +{} comments, {} articles, {} images ({phase})",
            self.caught_up, self.circles, self.topics, self.comments, self.articles, self.images
        )
    }
}

/// Events worth a line of their own even on a terminal.
fn notable(event: &SyncEvent) -> Option<String> {
    Some(match event {
        SyncEvent::CircleCaughtUp { group_id } => format!("circle {group_id}: caught up"),
        SyncEvent::CircleExpired { group_id } => {
            format!("circle {group_id}: membership expired (14210); skipped")
        }
        SyncEvent::CircleFailed { group_id, error } => {
            format!("circle {group_id}: failed this run: {error}")
        }
        SyncEvent::Retrying {
            group_id,
            error,
            attempt,
            retry_in,
        } => format!(
            "{}retry {attempt} in {} s: {error}",
            group_id
                .map(|g| format!("circle {g}: "))
                .unwrap_or_default(),
            retry_in.as_secs()
        ),
        SyncEvent::NeedsLogin => {
            "the service refused the token (HTTP 401): sync stopped; sign in again".to_owned()
        }
        SyncEvent::Waiting => {
            "another sync of this archive is running (the app or another orrery-cli): waiting for it to finish".to_owned()
        }
        SyncEvent::TopicsUnreadable {
            group_id,
            count,
            error,
        } => format!(
            "circle {group_id}: {count} topics this version cannot read were kept as served ({error})"
        ),
        _ => return None,
    })
}

/// The other events, as plain lines when stderr is not a terminal.
fn plain(event: &SyncEvent) -> Option<String> {
    Some(match event {
        SyncEvent::Started { circles } => format!("sync started: {circles} circles"),
        SyncEvent::PageCommitted {
            group_id,
            phase,
            inserted,
            updated,
            walked,
        } => format!(
            "circle {group_id}: {phase:?} page: +{inserted} new, {updated} changed ({walked} walked)"
        ),
        SyncEvent::Finished { status } => format!("sync finished: {status:?}"),
        _ => return None,
    })
}

fn print_report(report: &SyncReport) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for circle in &report.circles {
        let state = match &circle.state {
            CircleState::CaughtUp => "caught up".to_owned(),
            CircleState::Pending => "more to fetch next run".to_owned(),
            CircleState::Expired => "membership expired".to_owned(),
            CircleState::Failed { error } => format!("failed: {error}"),
        };
        writeln!(
            out,
            "{} {}: +{} topics, {} updated, {} deleted on 知识星球 (kept), +{} comments, {} articles, {} images; {}",
            circle.group_id,
            safe(&circle.name),
            circle.topics_inserted,
            circle.topics_updated,
            circle.topics_deleted,
            circle.comments_inserted,
            circle.articles,
            circle.images,
            safe(&state)
        )?;
    }
    let status = match report.status {
        SyncStatus::CaughtUp => "caught up",
        SyncStatus::Partial => "partly synced",
        SyncStatus::Cancelled => "cancelled; the next sync resumes here",
        SyncStatus::NeedsLogin => "stopped: sign in again, then sync to resume",
    };
    writeln!(
        out,
        "{status} ({} requests, {} rounds)",
        report.requests, report.rounds
    )
}

/// Progress for a person, on stderr so stdout stays the report.
#[allow(clippy::print_stderr)]
fn status_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{text}");
    let _ = err.flush();
}

#[allow(clippy::print_stderr)]
pub(crate) fn warn(text: &str) {
    eprintln!("warning: {text}");
}
