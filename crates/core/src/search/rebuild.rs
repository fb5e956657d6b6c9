//! Rebuilding: a new generation built from the whole archive in batches ([`UnitWalk`]) while
//! the current one keeps answering, brought up to the feed's end, then named in `CURRENT`
//! and swapped in. Used when the index is missing, damaged, of another schema, or ahead of a
//! replaced archive's feed.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::catch_up::apply_feed;
use super::error::SearchError;
use super::generation::{Generation, lock};
use super::index::{SearchIndex, write_current};
use super::last_good;
use super::schema::SCHEMA_VERSION;
use super::status::RebuildProgress;
use super::unit::{Unit, comment_unit, document_unit, topic_units};
use crate::store::{Store, StoreError};

/// Topics or comments read from the archive per step.
pub(super) const BATCH: u32 = 1_000;
/// Indexing memory of a rebuild, split between its threads. tantivy needs at least 15 MB per
/// thread.
const REBUILD_HEAP_PER_THREAD: usize = 64 << 20;

/// A new generation's name (`v<schema>-<millis>`), so it never collides with the older live
/// one.
pub(super) fn new_generation_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    format!("v{SCHEMA_VERSION}-{millis}")
}

impl SearchIndex {
    /// Builds a new index from the whole archive while the current one keeps answering, then
    /// switches to it. `progress` is called after every batch.
    pub async fn rebuild(
        &self,
        store: &Store,
        progress: &(dyn Fn(RebuildProgress) + Sync),
    ) -> Result<(), SearchError> {
        let _writing = self.inner.writing.lock().await;
        self.acquire()?;
        self.rebuild_locked(store, progress).await
    }

    pub(super) async fn rebuild_locked(
        &self,
        store: &Store,
        progress: &(dyn Fn(RebuildProgress) + Sync),
    ) -> Result<(), SearchError> {
        let result = self.build_generation(store, progress).await;
        *lock(&self.inner.rebuilding) = None;
        let generation = Arc::new(result?);
        // What was committed to the archive while the walk ran.
        let until = store.latest_change_seq().await?;
        apply_feed(&generation, store, until).await?;
        generation.close_writer()?;

        write_current(&self.inner.root, &generation.name)?;
        self.keep_last_good(&generation, true).await;
        let old = self
            .inner
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .replace(generation);
        // The last good copy answering for a damaged index stays: it is the next fallback.
        if let Some(old) = old.filter(|old| old.name != last_good::LAST_GOOD) {
            old.close_writer()?;
            let path = self.inner.root.join(&old.name);
            drop(old);
            // Searches still holding the old generation keep their open files.
            if let Err(e) = std::fs::remove_dir_all(&path) {
                tracing::debug!(error = %e, path = %path.display(), "old index left for the next start");
            }
        }
        Ok(())
    }

    async fn build_generation(
        &self,
        store: &Store,
        progress: &(dyn Fn(RebuildProgress) + Sync),
    ) -> Result<Generation, SearchError> {
        let name = new_generation_name();
        let generation = Arc::new(Generation::create(&self.inner.root, &name)?);
        // Read before walking: whatever commits during the walk is re-applied afterwards.
        let seq = store.latest_change_seq().await?;
        let total = store.search_source_size().await?;
        let mut state = RebuildProgress { done: 0, total };
        let report = |state: RebuildProgress| {
            *lock(&self.inner.rebuilding) = Some(state);
            progress(state);
        };
        report(state);
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let heap = REBUILD_HEAP_PER_THREAD * threads;

        let mut walk = UnitWalk::new(store);
        while let Some((units, sources)) = walk.next().await? {
            add_units(&generation, units, threads, heap).await?;
            state.done += sources;
            report(state);
        }
        let g = Arc::clone(&generation);
        blocking(move || {
            g.with_writer(threads, heap, |_| Ok(()))?;
            g.commit(seq)?;
            g.close_writer()
        })
        .await?;
        Arc::try_unwrap(generation)
            .map_err(|_| SearchError::Task("the new index is still in use".into()))
    }
}

/// A walk over every unit of the archive, topics first, then comments, in batches of the
/// units of up to [`BATCH`] topics or comments.
#[derive(Debug)]
pub struct UnitWalk<'a> {
    store: &'a Store,
    /// The last topic id walked, until the topics are done.
    topics_after: Option<i64>,
    /// The last comment id walked, until the comments are done.
    comments_after: Option<i64>,
    documents_after: i64,
}

impl<'a> UnitWalk<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            topics_after: Some(0),
            comments_after: Some(0),
            documents_after: 0,
        }
    }

    /// The next batch and how many topics, comments or documents it came from; `None` at the
    /// end.
    pub async fn next(&mut self) -> Result<Option<(Vec<Unit>, u64)>, StoreError> {
        if let Some(after) = self.topics_after {
            let topics = self.store.search_topics_after(after, BATCH).await?;
            if let Some(last) = topics.last() {
                self.topics_after = Some(last.topic_id);
                let units = topics.iter().flat_map(topic_units).collect();
                return Ok(Some((units, topics.len() as u64)));
            }
            self.topics_after = None;
        }
        if let Some(after) = self.comments_after {
            let comments = self.store.search_comments_after(after, BATCH).await?;
            if let Some(last) = comments.last() {
                self.comments_after = Some(last.comment_id);
                let units = comments.iter().map(comment_unit).collect();
                return Ok(Some((units, comments.len() as u64)));
            }
            self.comments_after = None;
        }
        let documents = self
            .store
            .search_documents_after(self.documents_after, BATCH)
            .await?;
        let Some(last) = documents.last() else {
            return Ok(None);
        };
        self.documents_after = last.doc_id;
        let units = documents.iter().map(document_unit).collect();
        Ok(Some((units, documents.len() as u64)))
    }
}

/// Every unit of the archive, in memory: what the index must hold, for checking it against a
/// plain scan (tests and the benchmark). The index itself is built in batches.
pub async fn all_units(store: &Store) -> Result<Vec<Unit>, StoreError> {
    let mut out = Vec::new();
    let mut walk = UnitWalk::new(store);
    while let Some((units, _)) = walk.next().await? {
        out.extend(units);
    }
    Ok(out)
}

/// Runs blocking index work off the async threads.
pub(super) async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, SearchError> + Send + 'static,
) -> Result<R, SearchError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| SearchError::Task(e.to_string()))?
}

async fn add_units(
    generation: &Arc<Generation>,
    units: Vec<Unit>,
    threads: usize,
    heap: usize,
) -> Result<(), SearchError> {
    let g = Arc::clone(generation);
    blocking(move || {
        g.with_writer(threads, heap, |writer| {
            for unit in &units {
                writer.add_document(unit.document(&g.fields))?;
            }
            Ok(())
        })
    })
    .await
}
