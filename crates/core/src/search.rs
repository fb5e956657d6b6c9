//! Offline search across the archive: a tantivy index derived from the SQLite store, never
//! the other way round. Decisions and measurements: `docs/search.md`.
//!
//! * What is indexed: one document per searchable unit ([`unit`]) — a talk, question, answer,
//!   article, task, solution or comment — with its topic, circle, kind, author, time, digest
//!   flag and hashtags.
//! * How Chinese is found: text is [`normalize`]d (width, case, spaces) and cut into every
//!   character and pair of characters; a query word is a phrase of those grams, so any query
//!   finds every unit that contains it, exactly like a substring scan. Jieba words (with
//!   English stemming) only rank. See [`analyzer`].
//! * What a member types: [`ParsedQuery`] (words, `"phrases"`, `-exclusions`, `circle:`
//!   `type:` `author:` `tag:` `is:digest` `is:unanswered` `after:` `before:`).
//! * Keeping up: [`SearchIndex::catch_up`] applies the store's change feed since the sequence
//!   number saved in the index's last commit (tantivy's commit payload, so the number and the
//!   documents commit together). A kill between the SQLite commit and the index commit is
//!   therefore repaired by the next catch-up. An index of another schema version, a damaged
//!   one, or one that is ahead of the archive's feed (the archive was replaced) is rebuilt
//!   from SQLite into a new directory, then `CURRENT` names the new one
//!   ([`SearchIndex::rebuild`]). Meanwhile the old one keeps answering whenever it can be
//!   read with this build's fields (a new version that only changed analyzers, a replaced
//!   archive); a damaged one or one with other fields cannot, and searches say the index is
//!   not built yet. [`follow`] catches up while a sync runs.
//!
//! Layout: `<data>/search/CURRENT` holds the name of the live generation directory
//! (`v<schema>-<millis>`) next to it. One process writes at a time (`search/LOCK`); when it
//! takes the lock it removes anything else in `search/`, which an interrupted rebuild left.

mod analyzer;
mod execute;
mod follow;
mod query;
mod schema;
mod snippet;
mod unit;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::directory::error::LockError;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyError, Term};

use crate::paths::DataDir;
use crate::store::{Change, ChangeEntity, ChangeOp, Store, StoreError};

pub use analyzer::normalize;
pub use execute::{SearchHit, SortOrder};
pub use follow::follow;
pub use query::{CircleRef, Clause, Condition, ParsedQuery, QueryError, UnitKind};
pub use schema::SCHEMA_VERSION;
pub use snippet::Snippet;

pub use unit::{Unit, comment_unit, topic_units, uid as unit_uid};

use schema::Fields;
use unit::{comment_owner, split_uid, topic_owner};

/// The index's directory inside the data directory.
pub const SEARCH_DIR: &str = "search";
const CURRENT_FILE: &str = "CURRENT";
const LOCK_FILE: &str = "LOCK";

/// Topics or comments read from the archive per step.
const BATCH: u32 = 1_000;
/// Changes applied per index commit.
const CHANGES_PER_COMMIT: u32 = 5_000;
/// Indexing memory of the writer that follows the change feed, and of a rebuild (split
/// between its threads). tantivy needs at least 15 MB per thread.
const FOLLOW_HEAP: usize = 32 << 20;
const REBUILD_HEAP_PER_THREAD: usize = 64 << 20;

/// Counter fields: a change of only these leaves every searchable text as it was.
const UNSEARCHED_FIELDS: [&str; 6] = [
    "likes_count",
    "comments_count",
    "rewards_count",
    "reading_count",
    "sticky",
    "silenced",
];

/// What can go wrong while searching or indexing.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error("the search index is not built yet")]
    NotBuilt,
    #[error(
        "the search index is being written by another Orrery process; try again when it has finished"
    )]
    Locked,
    #[error("the search index is damaged: {0}")]
    Corrupt(String),
    #[error("search index: {0}")]
    Index(#[from] TantivyError),
    #[error("cannot write the search index in {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the indexing task stopped: {0}")]
    Task(String),
}

impl SearchError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// What is searched for, in which order, which page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchRequest {
    pub query: String,
    #[serde(default)]
    pub sort: SortOrder,
    #[serde(default)]
    pub offset: usize,
    pub limit: usize,
}

impl SearchRequest {
    /// The first `limit` results of `query` by relevance.
    pub fn new(query: impl Into<String>, limit: usize) -> Self {
        Self {
            query: query.into(),
            sort: SortOrder::Relevance,
            offset: 0,
            limit,
        }
    }
}

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query as understood, for the UI's chips.
    pub parsed: ParsedQuery,
    /// Units that match, on every page.
    pub total: usize,
    pub hits: Vec<SearchHit>,
    /// Time spent in the engine: parsing, searching, snippets.
    pub micros: u64,
}

/// How far a rebuild has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RebuildProgress {
    /// Topics and comments indexed.
    pub done: u64,
    /// Topics and comments in the archive when the rebuild began.
    pub total: u64,
}

/// What the index holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexStatus {
    /// A built index answers queries.
    pub ready: bool,
    pub documents: u64,
    /// The last change-feed sequence number indexed.
    pub seq: i64,
    pub schema_version: u32,
    /// Set while a rebuild runs.
    pub rebuilding: Option<RebuildProgress>,
}

/// What a catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatchUpReport {
    /// Change-feed rows consumed.
    pub changes: u64,
    /// Units written (added or replaced).
    pub units: u64,
    /// The index was rebuilt from the archive first.
    pub rebuilt: bool,
}

/// Saved with every index commit.
#[derive(Debug, Serialize, Deserialize)]
struct Payload {
    schema: u32,
    seq: i64,
}

/// One built index directory.
struct Generation {
    name: String,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// Opened on the first write; holds tantivy's lock on the directory.
    writer: Mutex<Option<IndexWriter>>,
    /// The change-feed position of the last commit.
    seq: Mutex<i64>,
    /// Written by another [`SCHEMA_VERSION`] with the same fields: to be rebuilt.
    stale: bool,
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Generation")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Generation {
    fn open(dir: &Path, name: &str) -> Result<Self, SearchError> {
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

    fn create(dir: &Path, name: &str) -> Result<Self, SearchError> {
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

    fn seq(&self) -> i64 {
        *lock(&self.seq)
    }

    /// Runs `f` with this generation's writer, opening it with `heap` bytes and `threads`
    /// threads if it is not open yet.
    fn with_writer<R>(
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
    fn replace(&self, owners: &[String], units: &[Unit]) -> Result<(), SearchError> {
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
    fn commit(&self, seq: i64) -> Result<(), SearchError> {
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
    fn close_writer(&self) -> Result<(), SearchError> {
        if let Some(writer) = lock(&self.writer).take() {
            writer.wait_merging_threads()?;
        }
        Ok(())
    }
}

struct Inner {
    root: PathBuf,
    /// `None` until an index is built.
    current: RwLock<Option<Arc<Generation>>>,
    /// One catch-up or rebuild at a time in this process.
    writing: tokio::sync::Mutex<()>,
    /// `search/LOCK`, held by the one process that writes (see [`SearchIndex::acquire`]).
    lock_file: Mutex<Option<std::fs::File>>,
    rebuilding: Mutex<Option<RebuildProgress>>,
}

/// The search index of one data directory. Clones share it; searching never waits for
/// indexing.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.inner.root)
            .finish_non_exhaustive()
    }
}

fn now_millis() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0)
}

impl SearchIndex {
    /// Opens the index of `dir`. A missing, damaged or outdated index is not an error: the
    /// index is then not [`IndexStatus::ready`] and the next [`Self::catch_up`] rebuilds it.
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
            }),
        })
    }

    /// Takes the directory's writer lock the first time this index writes, for as long as it
    /// (any clone of it) is open, and then clears what earlier writers left behind. Another
    /// writer (the CLI beside the app, or an archive of this process being replaced) makes it
    /// [`SearchError::Locked`]; it can still search.
    fn acquire(&self) -> Result<(), SearchError> {
        let mut slot = lock(&self.inner.lock_file);
        if slot.is_some() {
            return Ok(());
        }
        let path = self.inner.root.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| SearchError::io(&path, e))?;
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

    fn current(&self) -> Option<Arc<Generation>> {
        self.inner
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// What the index holds now.
    pub fn status(&self) -> IndexStatus {
        let current = self.current();
        IndexStatus {
            ready: current.is_some(),
            documents: current
                .as_ref()
                .map_or(0, |g| g.reader.searcher().num_docs()),
            seq: current.as_ref().map_or(0, |g| g.seq()),
            schema_version: SCHEMA_VERSION,
            rebuilding: *lock(&self.inner.rebuilding),
        }
    }

    /// Runs `request`.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let started = Instant::now();
        let parsed = ParsedQuery::parse(&request.query)?;
        let generation = self.current().ok_or(SearchError::NotBuilt)?;
        let mut results = SearchResults {
            parsed,
            total: 0,
            hits: Vec::new(),
            micros: 0,
        };
        if !results.parsed.is_empty() {
            let searcher = generation.reader.searcher();
            let f = &generation.fields;
            let ranking = request.sort == SortOrder::Relevance;
            let query = execute::build(&searcher, f, &results.parsed, ranking)?;
            let (total, addresses) = execute::collect(
                &searcher,
                f,
                &*query,
                request.sort,
                request.offset,
                request.limit,
            )?;
            let terms = results.parsed.highlight_terms();
            results.total = total;
            results.hits = addresses
                .into_iter()
                .map(|address| execute::hit(&searcher, f, address, &terms))
                .collect::<Result<_, _>>()?;
        }
        results.micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        Ok(results)
    }

    /// Every unit matching `query`, as (kind, topic or comment id), unordered: for checking
    /// recall against a scan of the archive.
    pub fn matches(&self, query: &str) -> Result<Vec<(UnitKind, i64)>, SearchError> {
        let parsed = ParsedQuery::parse(query)?;
        let generation = self.current().ok_or(SearchError::NotBuilt)?;
        if parsed.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = generation.reader.searcher();
        let query = execute::build(&searcher, &generation.fields, &parsed, false)?;
        let addresses = searcher.search(&*query, &DocSetCollector)?;
        let mut out = Vec::with_capacity(addresses.len());
        for address in addresses {
            let segment = searcher.segment_reader(address.segment_ord);
            let uid = segment
                .fast_fields()
                .i64("uid")?
                .first(address.doc_id)
                .unwrap_or(0);
            let (id, kind) = split_uid(uid);
            out.push((kind, id));
        }
        Ok(out)
    }

    /// Brings the index up to date with `store`: rebuilds it when it is missing, damaged, of
    /// another schema or ahead of the archive's feed, then applies the change feed.
    pub async fn catch_up(&self, store: &Store) -> Result<CatchUpReport, SearchError> {
        let _writing = self.inner.writing.lock().await;
        self.acquire()?;
        let latest = store.latest_change_seq().await?;
        let mut report = CatchUpReport::default();
        let generation = match self.current() {
            Some(g) if g.seq() <= latest && !g.stale => g,
            current => {
                // Missing, of another version, or ahead of the archive's feed (the archive was
                // replaced): rebuilt, while a usable old index keeps answering.
                if let Some(g) = current {
                    tracing::warn!(
                        index_seq = g.seq(),
                        archive_seq = latest,
                        stale = g.stale,
                        "search index does not match the archive; rebuilding"
                    );
                }
                self.rebuild_locked(store, &|_| {}).await?;
                report.rebuilt = true;
                return Ok(report);
            }
        };
        let applied = apply_feed(&generation, store, latest).await?;
        report.changes = applied.changes;
        report.units = applied.units;
        Ok(report)
    }

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

    async fn rebuild_locked(
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

        let current_file = self.inner.root.join(CURRENT_FILE);
        let temp = self.inner.root.join(format!("{CURRENT_FILE}.tmp"));
        std::fs::write(&temp, &generation.name).map_err(|e| SearchError::io(&temp, e))?;
        std::fs::rename(&temp, &current_file).map_err(|e| SearchError::io(&current_file, e))?;
        let old = self
            .inner
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .replace(generation);
        if let Some(old) = old {
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
        let name = format!("v{SCHEMA_VERSION}-{}", now_millis());
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
    comments_after: i64,
}

impl<'a> UnitWalk<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self {
            store,
            topics_after: Some(0),
            comments_after: 0,
        }
    }

    /// The next batch and how many topics or comments it came from; `None` at the end.
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
        let comments = self
            .store
            .search_comments_after(self.comments_after, BATCH)
            .await?;
        let Some(last) = comments.last() else {
            return Ok(None);
        };
        self.comments_after = last.comment_id;
        let units = comments.iter().map(comment_unit).collect();
        Ok(Some((units, comments.len() as u64)))
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
async fn blocking<R: Send + 'static>(
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

/// Whether a change can alter what the index holds.
fn touches_text(change: &Change) -> bool {
    change.op == ChangeOp::Insert
        || change
            .fields
            .iter()
            .any(|f| !UNSEARCHED_FIELDS.contains(&f.as_str()))
}

/// Applies the change feed from `generation`'s position up to `until` (the feed's end when
/// the call began), a commit per batch. Bounded, so that a sync writing faster than the index
/// follows cannot keep a catch-up or a rebuild's switch from ever finishing: what came later
/// is the next catch-up's.
async fn apply_feed(
    generation: &Arc<Generation>,
    store: &Store,
    until: i64,
) -> Result<CatchUpReport, SearchError> {
    let mut report = CatchUpReport::default();
    while generation.seq() < until {
        let mut changes = store
            .changes_after(generation.seq(), CHANGES_PER_COMMIT)
            .await?;
        changes.retain(|c| c.seq <= until);
        let Some(last) = changes.last().map(|c| c.seq) else {
            return Ok(report);
        };
        report.changes += changes.len() as u64;
        let mut topics = BTreeSet::new();
        let mut comments = BTreeSet::new();
        for change in changes.iter().filter(|c| touches_text(c)) {
            match change.entity {
                ChangeEntity::Topic | ChangeEntity::Article => topics.insert(change.topic_id),
                ChangeEntity::Comment => comments.insert(change.entity_id),
            };
        }
        let mut owners: Vec<String> = Vec::with_capacity(topics.len() + comments.len());
        let mut units = Vec::new();
        let topics: Vec<i64> = topics.into_iter().collect();
        for chunk in topics.chunks(BATCH as usize) {
            owners.extend(chunk.iter().map(|&id| topic_owner(id)));
            for source in store.search_topics(chunk).await? {
                units.extend(topic_units(&source));
            }
        }
        let comments: Vec<i64> = comments.into_iter().collect();
        for chunk in comments.chunks(BATCH as usize) {
            owners.extend(chunk.iter().map(|&id| comment_owner(id)));
            units.extend(store.search_comments(chunk).await?.iter().map(comment_unit));
        }
        report.units += units.len() as u64;
        let g = Arc::clone(generation);
        blocking(move || {
            g.replace(&owners, &units)?;
            g.commit(last)
        })
        .await?;
    }
    Ok(report)
}

/// The generation `root`'s CURRENT file names, if it opens; `None` has the next catch-up
/// rebuild.
fn load_current(root: &Path) -> Option<Arc<Generation>> {
    let name = current_name(root)?;
    match Generation::open(root, &name) {
        Ok(generation) => Some(Arc::new(generation)),
        Err(e) => {
            tracing::warn!(error = %e, "search index unusable; it will be rebuilt");
            None
        }
    }
}

/// The generation `root`'s CURRENT file names, if it names one safely.
fn current_name(root: &Path) -> Option<String> {
    std::fs::read_to_string(root.join(CURRENT_FILE))
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && !s.contains(['/', '\\']) && s != "..")
}

/// Removes every directory and file of `root` that is not the live generation or `CURRENT`:
/// what an interrupted rebuild or a replaced generation left.
fn remove_leftovers(root: &Path, keep: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == CURRENT_FILE || name == LOCK_FILE || Some(name.as_ref()) == keep {
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
