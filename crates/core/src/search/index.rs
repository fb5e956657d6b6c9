//! [`SearchIndex`], the handle the app and the CLI hold, and the index's directory: which
//! generation `CURRENT` names, the `LOCK` that lets one process write, and the clean-up of
//! what an interrupted rebuild left. Searching, catching up and rebuilding add their methods
//! to the handle in their own files.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use super::error::SearchError;
use super::generation::{Generation, lock};
use super::last_good;
use super::status::RebuildProgress;
use crate::paths::DataDir;

/// The index's directory inside the data directory.
pub const SEARCH_DIR: &str = "search";
const CURRENT_FILE: &str = "CURRENT";
const LOCK_FILE: &str = "LOCK";

/// What the clones of one [`SearchIndex`] share.
pub(super) struct Inner {
    pub(super) root: PathBuf,
    /// `None` until an index is built.
    pub(super) current: RwLock<Option<Arc<Generation>>>,
    /// One catch-up or rebuild at a time in this process.
    pub(super) writing: tokio::sync::Mutex<()>,
    /// `search/LOCK`, held by the one process that writes (see [`SearchIndex::acquire`]).
    lock_file: Mutex<Option<std::fs::File>>,
    pub(super) rebuilding: Mutex<Option<RebuildProgress>>,
    /// When this process last kept a copy of the live generation ([`last_good`]).
    pub(super) kept_at: Mutex<Option<std::time::Instant>>,
}

/// The search index of one data directory. Clones share it; searching never waits for
/// indexing.
#[derive(Clone)]
pub struct SearchIndex {
    pub(super) inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.inner.root)
            .finish_non_exhaustive()
    }
}

impl SearchIndex {
    /// Opens the index of `dir`. A missing, damaged or outdated index is not an error: the
    /// index is then not [`ready`](super::IndexStatus::ready) and the next [`Self::catch_up`]
    /// rebuilds it.
    pub fn open(dir: &DataDir) -> Result<Self, SearchError> {
        let root = dir.root().join(SEARCH_DIR);
        std::fs::create_dir_all(&root).map_err(|e| SearchError::io(&root, e))?;
        let current = load_current(&root);
        Ok(Self {
            inner: Arc::new(Inner {
                root,
                current: RwLock::new(current),
                writing: tokio::sync::Mutex::new(()),
                lock_file: Mutex::new(None),
                rebuilding: Mutex::new(None),
                kept_at: Mutex::new(None),
            }),
        })
    }

    /// Takes the directory's writer lock the first time this index writes, for as long as it
    /// (any clone of it) is open, and then clears what earlier writers left behind. Another
    /// writer (the CLI beside the app, or an archive of this process being replaced) makes it
    /// [`SearchError::Locked`]; it can still search.
    pub(super) fn acquire(&self) -> Result<(), SearchError> {
        let mut slot = lock(&self.inner.lock_file);
        if slot.is_some() {
            return Ok(());
        }
        let path = self.inner.root.join(LOCK_FILE);
        let file = crate::paths::open_lock_file(&path).map_err(|e| SearchError::io(&path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Err(SearchError::Locked),
            Err(std::fs::TryLockError::Error(e)) => return Err(SearchError::io(&path, e)),
        }
        *slot = Some(file);
        // Another writer may have rebuilt into another generation since this index was
        // opened (the app signed out and in again while the old archive's sync was winding
        // down, or the CLI synced beside it): write on the one CURRENT names now. Commits to
        // the same generation need nothing: the writer opens on its latest commit, and the
        // feed re-applied from an older position changes nothing.
        let live = current_name(&self.inner.root);
        if live.as_deref() != self.current().as_ref().map(|g| g.name.as_str()) {
            *self
                .inner
                .current
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) =
                load_current(&self.inner.root);
        }
        remove_leftovers(
            &self.inner.root,
            self.current().as_ref().map(|g| g.name.as_str()),
        );
        Ok(())
    }

    pub(super) fn current(&self) -> Option<Arc<Generation>> {
        self.inner
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// The generation `root`'s CURRENT file names, if it opens; `None` has the next catch-up
/// rebuild.
///
/// A damaged one (it does not open, or `CURRENT` names nothing) is answered for by the last
/// good copy ([`last_good`]), which the next catch-up restores and brings up to date.
fn load_current(root: &Path) -> Option<Arc<Generation>> {
    let name = current_name(root);
    let why = match name.as_deref().map(|name| Generation::open(root, name)) {
        Some(Ok(generation)) => return Some(Arc::new(generation)),
        Some(Err(e)) => e.to_string(),
        None => "no generation is named".to_owned(),
    };
    match Generation::open(root, last_good::LAST_GOOD) {
        Ok(kept) => {
            tracing::warn!(
                error = %why,
                seq = kept.seq(),
                "search index unusable; answering from its last good copy until it is repaired"
            );
            Some(Arc::new(kept))
        }
        Err(_) if name.is_none() => None,
        Err(e) => {
            tracing::warn!(error = %why, last_good = %e, "search index unusable; it will be rebuilt");
            None
        }
    }
}

/// Names generation `name` in `root`'s `CURRENT` (a temporary file renamed over it).
pub(super) fn write_current(root: &Path, name: &str) -> Result<(), SearchError> {
    let current = root.join(CURRENT_FILE);
    let temp = root.join(format!("{CURRENT_FILE}.tmp"));
    std::fs::write(&temp, name).map_err(|e| SearchError::io(&temp, e))?;
    std::fs::rename(&temp, &current).map_err(|e| SearchError::io(&current, e))
}

/// The generation `root`'s CURRENT file names, if it names one safely.
fn current_name(root: &Path) -> Option<String> {
    std::fs::read_to_string(root.join(CURRENT_FILE))
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && !s.contains(['/', '\\']) && s != "..")
}

/// Removes every directory and file of `root` that is not the live generation, its last good
/// copy or `CURRENT`: what an interrupted rebuild or a replaced generation left.
fn remove_leftovers(root: &Path, keep: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if [CURRENT_FILE, LOCK_FILE, last_good::LAST_GOOD].contains(&name.as_ref())
            || Some(name.as_ref()) == keep
        {
            continue;
        }
        let path = entry.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        if let Err(e) = removed {
            tracing::debug!(error = %e, path = %path.display(), "could not remove an old index");
        }
    }
}
