//! One sync of an archive at a time, across processes.
//!
//! The app and `orrery-cli` (or two CLIs) may open the same data directory. Pacing lives in
//! each process's client, so two syncs at once would double the requests an account makes,
//! which is what gets accounts noticed (issue 17 measured 4,797 requests against 2,778 for
//! one sync alone). A run therefore holds an OS file lock on `sync.lock` beside the archive
//! for as long as it lasts: a second run, in this process or another, waits for it, saying so
//! once ([`SyncEvent::Waiting`](super::SyncEvent::Waiting)), and can be cancelled while it
//! waits. The lock goes with the process, so one killed mid-run never leaves it stuck.
//!
//! An archive is one account's (signing in as another account starts another archive), so
//! this is one sync per account for every process that shares a data directory.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::SyncError;

/// The lock file, beside the archive.
pub const LOCK_FILE: &str = "sync.lock";

/// How often a waiting run tries again: short beside a run's length, long beside a syscall.
const POLL: Duration = Duration::from_millis(500);

/// The lock, held until dropped.
#[derive(Debug)]
pub(super) struct SyncLock {
    _file: File,
}

/// Takes the lock of the archive in `dir`, waiting while another run holds it; calls
/// `waiting` once if it has to wait. `None` when `cancel` fires first.
pub(super) async fn acquire(
    dir: &Path,
    cancel: &CancellationToken,
    waiting: impl FnOnce(),
) -> Result<Option<SyncLock>, SyncError> {
    let path = dir.join(LOCK_FILE);
    let file = crate::paths::open_lock_file(&path).map_err(|source| lock_error(&path, source))?;
    let mut waiting = Some(waiting);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(Some(SyncLock { _file: file })),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(source)) => return Err(lock_error(&path, source)),
        }
        if let Some(waiting) = waiting.take() {
            tracing::info!(path = %path.display(), "another sync of this archive is running; waiting for it");
            waiting();
        }
        tokio::select! {
            () = cancel.cancelled() => return Ok(None),
            () = tokio::time::sleep(POLL) => {}
        }
    }
}

fn lock_error(path: &Path, source: std::io::Error) -> SyncError {
    SyncError::Lock {
        path: PathBuf::from(path),
        source,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a panic is the failure report.
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_run_waits_for_the_first_and_says_so_once() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let first = acquire(dir.path(), &cancel, || panic!("the first run waited"))
            .await
            .unwrap()
            .expect("the first run takes the lock");
        // A second open file description: what another process (or another engine of this
        // one) would hold.
        let said = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let second = tokio::spawn({
            let (dir, cancel, said) = (dir.path().to_owned(), cancel.clone(), said.clone());
            async move {
                acquire(&dir, &cancel, move || {
                    said.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                })
                .await
            }
        });
        tokio::time::sleep(POLL * 3).await;
        assert!(!second.is_finished(), "the second run did not wait");
        drop(first);
        let second = second.await.unwrap().unwrap();
        assert!(
            second.is_some(),
            "the second run got the lock once it was free"
        );
        assert_eq!(said.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_waiting_run_can_be_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let _first = acquire(dir.path(), &cancel, || {}).await.unwrap();
        let stop = CancellationToken::new();
        let waiter = tokio::spawn({
            let (dir, stop) = (dir.path().to_owned(), stop.clone());
            async move { acquire(&dir, &stop, || {}).await }
        });
        stop.cancel();
        assert!(waiter.await.unwrap().unwrap().is_none());
    }
}
