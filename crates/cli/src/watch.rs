//! `watch [--interval DURATION] [--once] [--json] [--no-pacing]`: the app's background duty
//! without the window — sync, then tell the member what is theirs — for home servers and
//! scripts.
//!
//! Each pass is one sync run (as `sync --once`) and one [`Notifier::pass`]: the same inbox,
//! the same once-only record and the same desktop notifications as the app, so running both on
//! one archive never notifies twice. The notifications carry no action: there is no window to
//! open at the topic (the inbox in the app lists them). stdout gets one line per event this
//! process settled — or, with `--json`, one JSON object per line — so scripts can forward them.
//!
//! Like the app's background sync, it keeps within the day's request budget (Settings), resting
//! until local midnight once it is spent. The interval defaults to the Settings' sync interval; against the real service it is at
//! least the Settings' minimum (5 minutes), against a simulator on a loopback address it may be
//! seconds.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use orrery_core::notify::{Desktop, Notifier, PassReport};
use orrery_core::now_ms;
use orrery_core::paths::DataDir;
use orrery_core::settings::{self, Settings};
use orrery_core::store::InboxEvent;
use orrery_core::sync::{Offline, SyncMode, SyncStatus, budget};
use orrery_ipc::commands::SYNC_INTERVAL_MIN;
use serde_json::json;

use crate::sync::{follow, interrupt, open_session};
use crate::terminal::safe;

/// Every this many passes one is a full sync; the others are light polls.
const FULL_EVERY: u32 = 4;

/// The options of `watch`.
#[derive(Debug, Clone)]
pub struct WatchArgs {
    pub interval: Option<Duration>,
    pub once: bool,
    pub json: bool,
    pub no_pacing: bool,
}

pub async fn watch(dir: &DataDir, args: &WatchArgs) -> anyhow::Result<()> {
    let (account, session) = open_session(dir, args.no_pacing).await?;
    let loopback = zsxq::client::is_loopback_url(account.base_url());
    let prefs = Settings::new(dir).load();
    let interval = args
        .interval
        .unwrap_or_else(|| settings::sync_interval(&prefs));
    let floor = Duration::from_secs(u64::from(SYNC_INTERVAL_MIN.0) * 60);
    anyhow::ensure!(
        loopback || interval >= floor,
        "--interval must be at least {} minutes against {}: the service bans accounts that poll too often",
        SYNC_INTERVAL_MIN.0,
        account.base_url()
    );
    let me = session.me().await?;
    let notifier = Notifier::new(session.store().clone(), Arc::new(Desktop::new(false)));
    let mut interrupted = Box::pin(interrupt()?);
    // Like the app's schedule: the first pass and every fourth look at everything, the others
    // are light polls (an idle circle costs one request).
    let mut passes = 0_u32;
    let mut offline = Offline::default();
    loop {
        if let Some(until) = budget::spent(session.store(), session.daily_requests()).await? {
            crate::sync::warn(&format!(
                "today's request budget ({} requests, Settings) is spent: no sync until local midnight",
                session.daily_requests().unwrap_or_default()
            ));
            if args.once {
                break;
            }
            let wait = Duration::from_millis(u64::try_from(until - now_ms()).unwrap_or(0));
            tokio::select! {
                () = tokio::time::sleep(wait) => continue,
                () = &mut interrupted => break,
            }
        }
        let (engine, indexing) = session.sync_engine(None);
        let events = engine.subscribe();
        let mode = if passes.is_multiple_of(FULL_EVERY) {
            SyncMode::Once
        } else {
            SyncMode::Poll
        };
        passes = passes.wrapping_add(1);
        let handle = engine.spawn(mode);
        let cancel = handle.cancellation_token();
        let run = follow(handle, events);
        tokio::pin!(run);
        let outcome = tokio::select! {
            report = &mut run => report,
            () = &mut interrupted => {
                cancel.cancel();
                run.await?;
                break;
            }
        };
        let _ = indexing.await;
        // No network: say so once, then wait for it quietly (see orrery_core::sync::Offline).
        let report = match outcome {
            Err(err) if err.is_offline() && !args.once => {
                if !offline.is_offline() {
                    crate::sync::warn(&format!(
                        "{err}; waiting for the network (trying again every minute or sooner)"
                    ));
                }
                let wait = offline.wait(&err).min(interval);
                tokio::select! {
                    () = tokio::time::sleep(wait) => continue,
                    () = &mut interrupted => break,
                }
            }
            outcome => outcome?,
        };
        if offline.back() {
            crate::search::note("the network is back");
        }
        if report.status == SyncStatus::NeedsLogin {
            account.mark_needs_login();
            return Err(orrery_core::account::AccountError::TokenRejected.into());
        }
        // Settings may change between passes (the app's Settings screen): read them each time.
        let prefs = Settings::new(dir).load();
        let pass = notifier.pass(me, &prefs, now_ms()).await?;
        print_pass(&pass, args.json)?;
        if args.once {
            break;
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = &mut interrupted => break,
        }
    }
    session.store().close().await;
    Ok(())
}

fn print_pass(pass: &PassReport, json: bool) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    for (event, outcome) in &pass.settled {
        if json {
            writeln!(out, "{}", event_json(event, outcome))?;
        } else {
            writeln!(
                out,
                "{outcome}: {} · {} (topic {})",
                safe(&event.circle_name),
                event.kind.as_str(),
                event.topic_id
            )?;
        }
    }
    if !json {
        for toast in &pass.toasts {
            writeln!(out, "notification: {}", safe(&toast.summary))?;
        }
    }
    if pass.failed {
        crate::sync::warn(
            "the desktop did not show the notification (no notification service?); the app's inbox keeps every event",
        );
    }
    out.flush()
}

/// One event as a JSON line; ids as strings, like the app's IPC (they exceed 2^53).
fn event_json(event: &InboxEvent, outcome: &str) -> serde_json::Value {
    json!({
        "kind": event.kind,
        "circle_id": event.group_id.to_string(),
        "circle": event.circle_name,
        "topic_id": event.topic_id.to_string(),
        "comment_id": event.comment_id.map(|id| id.to_string()),
        "event_ms": event.event_ms,
        "outcome": outcome,
    })
}

/// `90s`, `5m`, `1h`, or a number of minutes.
pub fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "m"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 90s, 15m or 1h"))?;
    let seconds = match unit {
        "s" => n,
        "m" | "min" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("{text:?}: the unit must be s, m, h or d")),
    };
    if seconds == 0 {
        return Err("the interval must be longer than zero".to_owned());
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_read_like_people_write_them() {
        assert_eq!(parse_interval("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_interval("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_interval("2"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_interval("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_interval("0s").is_err());
        assert!(parse_interval("5 days").is_err());
        assert!(parse_interval("").is_err());
    }
}
