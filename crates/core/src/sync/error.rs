//! [`SyncError`], the failures that end a whole run, and `Stop`, the internal reasons a
//! circle's work ends early.
//!
//! Most trouble is not a [`SyncError`]: a sign-in that lapsed ends the run with
//! [`SyncStatus::NeedsLogin`](super::SyncStatus::NeedsLogin), an expired membership or a
//! circle that keeps failing is reported per circle, and cancelling is an outcome too. Only an
//! archive that cannot be written (disk full, a newer schema, corruption) or a circle list that
//! cannot be read stops everything with an error.

use zsxq::ApiError;

use crate::store::StoreError;

/// A failure that ends the run.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The archive could not be read or written; nothing half-written was kept.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The list of circles could not be fetched, so there is nothing to sync.
    #[error("could not list the circles: {0}")]
    Circles(#[source] ApiError),
    /// The service could not be reached for the run's first request (no network, DNS, a
    /// refused connection): nothing was asked. See [`super::Offline`].
    #[error("offline: {0}")]
    Offline(#[source] ApiError),
    /// The lock that keeps to one sync of the archive at a time could not be taken.
    #[error("cannot take the sync lock {}: {source}", path.display())]
    Lock {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    /// The background task panicked or was aborted.
    #[error("the sync task ended abnormally: {0}")]
    Task(String),
}

/// Why a circle's (or the run's) work stopped before its end.
#[derive(Debug)]
pub(super) enum Stop {
    /// The run was cancelled.
    Cancelled,
    /// HTTP 401: stop everything.
    NeedsLogin,
    /// Code 14210 for this circle.
    Expired,
    /// This circle failed; others go on.
    Failed(ApiError),
    /// The archive failed: stop everything.
    Store(StoreError),
}

impl SyncError {
    /// Whether a later run may well succeed without anyone doing anything: another process
    /// holding the archive longer than the busy timeout, a disk that fills and frees, a
    /// service that answered the circle list with a passing failure, no network at all. A
    /// continuous sync waits and goes on after these; a damaged archive, a newer schema or a
    /// crashed task end it.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Store(err) => matches!(err, StoreError::Busy | StoreError::DiskFull),
            Self::Circles(err) => err.retryable(),
            Self::Offline(_) => true,
            Self::Lock { .. } | Self::Task(_) => false,
        }
    }
}

impl SyncError {
    /// Whether the service could not be reached at all: wait for the network
    /// ([`super::Offline`]), not on the retry clock.
    pub fn is_offline(&self) -> bool {
        matches!(self, Self::Offline(_))
    }
}

impl From<StoreError> for Stop {
    fn from(err: StoreError) -> Self {
        Self::Store(err)
    }
}
