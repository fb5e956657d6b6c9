//! One generation of the index: a built tantivy directory (`v<schema>-<millis>`) with its
//! reader, its lazily opened writer and the change-feed position of its last commit. A
//! rebuild makes a new generation beside the live one, so this is the unit that is opened,
//! written, committed and finally swapped or thrown away.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};

use super::analyzer;
use super::error::SearchError;
use super::schema::{Fields, SCHEMA_VERSION};
use super::unit::Unit;

/// Indexing memory of the writer that follows the change feed. tantivy needs at least 15 MB
/// per thread.
const FOLLOW_HEAP: usize = 32 << 20;

/// Saved with every index commit.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// One built index directory.
pub(super) struct Generation {
    pub(super) name: String,
    index: Index,
    pub(super) reader: IndexReader,
    pub(super) fields: Fields,
    /// Opened on the first write; holds tantivy's lock on the directory.
    writer: Mutex<Option<IndexWriter>>,
    /// The change-feed position of the last commit.
    seq: Mutex<i64>,
    /// Written by another [`SCHEMA_VERSION`] with the same fields: to be rebuilt.
    pub(super) stale: bool,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Locks `mutex` even when a panic poisoned it, so that one panic does not stop searching and
/// indexing for the rest of the session.
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Generation {
    pub(super) fn open(dir: &Path, name: &str) -> Result<Self, SearchError> {
        let index = Index::open_in_dir(dir.join(name))?;
        let fields = Fields::of(&index.schema())
            .ok_or_else(|| SearchError::Corrupt("written by another version".into()))?;
        let payload: Payload = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
            .ok_or_else(|| SearchError::Corrupt("no commit record".into()))?;
        let mut generation = Self::wrap(name, index, fields, payload.seq)?;
        // Same fields, another version (the analyzers changed): it answers, a little off,
        // until the rebuild the next catch-up starts replaces it.
        generation.stale = payload.schema != SCHEMA_VERSION;
        Ok(generation)
    }

    pub(super) fn create(dir: &Path, name: &str) -> Result<Self, SearchError> {
        let path = dir.join(name);
        std::fs::create_dir_all(&path).map_err(|e| SearchError::io(&path, e))?;
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_dir(&path, schema)?;
        Self::wrap(name, index, fields, 0)
    }

    fn wrap(name: &str, mut index: Index, fields: Fields, seq: i64) -> Result<Self, SearchError> {
        analyzer::register(&index);
        // Segments are searched in parallel: a query matching most of a large archive costs
        // about half as long on two cores.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            name: name.to_owned(),
            index,
            reader,
            fields,
            writer: Mutex::new(None),
            seq: Mutex::new(seq),
            stale: false,
        })
    }

    pub(super) fn seq(&self) -> i64 {
        *lock(&self.seq)
    }

    /// Runs `f` with this generation's writer, opening it with `heap` bytes and `threads`
    /// threads if it is not open yet.
    pub(super) fn with_writer<R>(
        &self,
        threads: usize,
        heap: usize,
        f: impl FnOnce(&mut IndexWriter) -> Result<R, SearchError>,
    ) -> Result<R, SearchError> {
        let mut slot = lock(&self.writer);
        if slot.is_none() {
            let writer =
                self.index
                    .writer_with_num_threads(threads, heap)
                    .map_err(|e| match e {
                        TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Locked,
                        other => SearchError::from(other),
                    })?;
            *slot = Some(writer);
        }
        let writer = slot.as_mut().ok_or(SearchError::Locked)?;
        f(writer)
    }

    /// Deletes every unit of `owners` (see [`Unit::owner`]) and adds `units`, their current
    /// versions: an owner no longer archived simply gets nothing back. The deletes come first,
    /// so they never touch the documents added after them.
    pub(super) fn replace(&self, owners: &[String], units: &[Unit]) -> Result<(), SearchError> {
        self.with_writer(1, FOLLOW_HEAP, |writer| {
            for owner in owners {
                writer.delete_term(Term::from_field_text(self.fields.owner, owner));
            }
            for unit in units {
                writer.add_document(unit.document(&self.fields))?;
            }
            Ok(())
        })
    }

    /// Commits what was written, recording `seq`, and shows it to searches.
    pub(super) fn commit(&self, seq: i64) -> Result<(), SearchError> {
        self.with_writer(1, FOLLOW_HEAP, |writer| {
            let payload = serde_json::to_string(&Payload {
                schema: SCHEMA_VERSION,
                seq,
            })
            .map_err(|e| SearchError::Corrupt(e.to_string()))?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            Ok(())
        })?;
        *lock(&self.seq) = seq;
        self.reader.reload()?;
        Ok(())
    }

    /// Closes the writer, releasing its memory and the directory lock.
    pub(super) fn close_writer(&self) -> Result<(), SearchError> {
        if let Some(writer) = lock(&self.writer).take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }
}
