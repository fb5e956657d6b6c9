//! The last good generation: a copy of the live index as it was at a recent commit, kept in
//! `search/last-good`, so a damaged index (an emptied `meta.json`, a `CURRENT` that names
//! nothing) answers at once from what it last held and is repaired by replaying the change
//! feed from there, instead of being rebuilt from the whole archive while searches find
//! nothing.
//!
//! The copy costs almost no disk: tantivy never changes a segment file once written, so the
//! segments are hard links to the live ones, and only what a merge has since replaced takes
//! room of its own until the next copy. `meta.json` and `.managed.json` are copied, not linked:
//! tantivy replaces them by renaming, but damage that truncates a file in place would reach a
//! link too. A copy is opened before it replaces the previous one, so it is good by
//! construction; one taken while a merge removed a segment does not open and is dropped.
//!
//! The writer keeps it (see [`super::SearchIndex::catch_up`]): after a rebuild, and after a
//! catch-up that committed, at most once a minute.

use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::SearchError;
use super::generation::{Generation, lock};
use super::index::{SearchIndex, write_current};
use super::rebuild::{blocking, new_generation_name};

/// The copy's directory under `search/`.
pub(super) const LAST_GOOD: &str = "last-good";
/// Where a copy is made before it replaces the previous one.
const LAST_GOOD_TEMP: &str = "last-good.tmp";
/// Files copied rather than linked (see above).
const COPIED: [&str; 2] = ["meta.json", ".managed.json"];
/// A catch-up keeps a copy at most this often; a rebuild always does.
const KEEP_EVERY: Duration = Duration::from_secs(60);

impl SearchIndex {
    /// Keeps `generation` as the last good copy, unless this process kept one within
    /// [`KEEP_EVERY`] (`always` after a rebuild). A copy that fails is logged and the previous
    /// one stays: it is a fallback, not the index.
    pub(super) async fn keep_last_good(&self, generation: &Generation, always: bool) {
        let due = always || lock(&self.inner.kept_at).is_none_or(|at| at.elapsed() >= KEEP_EVERY);
        if !due {
            return;
        }
        *lock(&self.inner.kept_at) = Some(Instant::now());
        let root = self.inner.root.clone();
        let name = generation.name.clone();
        let kept = blocking(move || keep(&root, &name).map_err(|e| SearchError::io(&root, e)));
        if let Err(err) = kept.await {
            tracing::warn!(%err, "the search index's last good copy could not be kept");
        }
    }

    /// Replaces the last good copy answering for a damaged index with a generation of its
    /// own made from it, which catch-ups then write to; the copy stays as it was.
    pub(super) async fn restore_last_good(&self) -> Result<Arc<Generation>, SearchError> {
        let root = self.inner.root.clone();
        let restored = blocking(move || {
            let name = new_generation_name();
            restore(&root, &name).map_err(|e| SearchError::io(&root.join(&name), e))?;
            let generation = Generation::open(&root, &name)?;
            write_current(&root, &name)?;
            Ok(generation)
        })
        .await?;
        let restored = Arc::new(restored);
        *self
            .inner
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(&restored));
        tracing::warn!(
            seq = restored.seq(),
            "search index restored from its last good copy; catching up from there"
        );
        Ok(restored)
    }
}

/// Copies generation `name` of `root` to `last-good`, replacing the previous copy if the new
/// one opens.
fn keep(root: &Path, name: &str) -> io::Result<()> {
    let temp = root.join(LAST_GOOD_TEMP);
    remove_if_there(&temp)?;
    copy_generation(&root.join(name), &temp)?;
    if let Err(err) = Generation::open(root, LAST_GOOD_TEMP) {
        remove_if_there(&temp)?;
        return Err(io::Error::other(format!("the copy does not open: {err}")));
    }
    // A directory cannot be renamed over a full one: a crash in between leaves no copy until
    // the next, which is no loss of anything but the fallback.
    let kept = root.join(LAST_GOOD);
    remove_if_there(&kept)?;
    std::fs::rename(&temp, &kept)
}

/// Makes generation `name` of `root` from the last good copy, ready to open and write.
fn restore(root: &Path, name: &str) -> io::Result<()> {
    copy_generation(&root.join(LAST_GOOD), &root.join(name))
}

/// `from`'s files in a new directory `to`: linked, or copied where linking fails (a file
/// system without hard links) and for [`COPIED`]. tantivy's lock files stay behind.
fn copy_generation(from: &Path, to: &Path) -> io::Result<()> {
    std::fs::create_dir(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if !entry.file_type()?.is_file() {
            continue;
        }
        let file = entry.file_name();
        let Some(text) = file.to_str() else { continue };
        if text.starts_with(".tantivy-") {
            continue;
        }
        let target = to.join(&file);
        if COPIED.contains(&text) || std::fs::hard_link(entry.path(), &target).is_err() {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn remove_if_there(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
        _ => Ok(()),
    }
}
