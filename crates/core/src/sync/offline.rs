//! Offline: the service cannot be reached at all (no network, DNS fails, the connection is
//! refused), so the sync waits for the network instead of failing on a timer.
//!
//! The first request of a run, the circle list, is the probe: when it cannot connect, the run
//! ends at once with [`SyncError::Offline`](super::SyncError::Offline) and nothing else is
//! tried. Whoever runs the sync (the app's schedule, `orrery-cli sync --watch`,
//! `orrery-cli watch`) keeps an [`Offline`] and tries again after its [`Offline::wait`]: 10 s,
//! doubling to a minute. A connection that fails costs the service nothing, so the wait can be
//! short: when a laptop wakes or the Wi-Fi comes back, the sync goes on within a minute. It is
//! logged (at `info`: it is no fault) once when the network goes and once when it is back, not
//! on every try; the status bar and the CLI say it in their own words.

use std::time::Duration;

/// The first wait after the network went.
const FIRST_WAIT: Duration = Duration::from_secs(10);
/// The longest wait between two tries while offline.
const LONGEST_WAIT: Duration = Duration::from_secs(60);

/// Whether the sync is offline, and for how many tries.
#[derive(Debug, Default)]
pub struct Offline {
    tries: u32,
}

impl Offline {
    /// A run could not reach the service: says so the first time, and answers how long to
    /// wait before the next try.
    pub fn wait(&mut self, err: &super::SyncError) -> Duration {
        if self.tries == 0 {
            tracing::info!(%err, "the service cannot be reached; waiting for the network");
        } else {
            tracing::debug!(%err, tries = self.tries, "still offline");
        }
        self.tries = self.tries.saturating_add(1);
        FIRST_WAIT
            .saturating_mul(2_u32.saturating_pow(self.tries - 1))
            .min(LONGEST_WAIT)
    }

    /// A run reached the service; returns whether it had been offline (said once, in the log).
    pub fn back(&mut self) -> bool {
        let was = std::mem::take(&mut self.tries) > 0;
        if was {
            tracing::info!("the service can be reached again");
        }
        was
    }

    /// Whether the last run could not reach the service.
    pub fn is_offline(&self) -> bool {
        self.tries > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_to_a_minute_and_restarts_once_back() {
        let err = super::super::SyncError::Offline(zsxq::ApiError::Transport {
            reason: "connection refused".to_owned(),
        });
        let mut offline = Offline::default();
        assert!(!offline.is_offline());
        let waits: Vec<u64> = (0..5).map(|_| offline.wait(&err).as_secs()).collect();
        assert_eq!(waits, [10, 20, 40, 60, 60]);
        assert!(offline.is_offline());
        assert!(offline.back());
        assert!(!offline.back(), "said once");
        assert_eq!(offline.wait(&err), FIRST_WAIT);
    }
}
