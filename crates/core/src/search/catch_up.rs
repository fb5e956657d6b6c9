//! Catching up: [`SearchIndex::catch_up`] applies the store's change feed to the live
//! generation, from the sequence number its last commit recorded, so a kill between the
//! SQLite commit and the index commit is repaired by the next catch-up. [`follow`] drives it
//! while a sync runs; a rebuild uses [`apply_feed`] for what was written during its walk.
//!
//! [`follow`]: super::follow

use std::collections::BTreeSet;
use std::sync::Arc;

use super::error::SearchError;
use super::generation::Generation;
use super::index::SearchIndex;
use super::last_good::LAST_GOOD;
use super::rebuild::{BATCH, blocking};
use super::status::CatchUpReport;
use super::unit::{
    comment_owner, comment_unit, document_owner, document_unit, topic_owner, topic_units,
};
use crate::store::{Change, ChangeEntity, ChangeOp, Store};

/// Changes applied per index commit.
const CHANGES_PER_COMMIT: u32 = 5_000;

/// Counter fields: a change of only these leaves every searchable text as it was.
const UNSEARCHED_FIELDS: [&str; 6] = [
    "likes_count",
    "comments_count",
    "rewards_count",
    "reading_count",
    "sticky",
    "silenced",
];

impl SearchIndex {
    /// Brings the index up to date with `store`: rebuilds it when it is missing, damaged, of
    /// another schema or ahead of the archive's feed, then applies the change feed.
    pub async fn catch_up(&self, store: &Store) -> Result<CatchUpReport, SearchError> {
        let _writing = self.inner.writing.lock().await;
        self.acquire()?;
        let latest = store.latest_change_seq().await?;
        let mut report = CatchUpReport::default();
        let mut current = self.current();
        if current.as_ref().is_some_and(|g| g.name == LAST_GOOD) {
            current = Some(self.restore_last_good().await?);
            report.restored = true;
        }
        let generation = match current {
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
        if report.changes > 0 || report.restored {
            self.keep_last_good(&generation, report.restored).await;
        }
        Ok(report)
    }
}

/// The change feed's field for a topic deleted on the service (`Store::mark_deleted`).
const DELETED: &str = "deleted";

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
pub(super) async fn apply_feed(
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
        let mut documents = BTreeSet::new();
        // Topics deleted on the service: their comments carry the mark too.
        let mut threads = BTreeSet::new();
        for change in changes.iter().filter(|c| touches_text(c)) {
            match change.entity {
                ChangeEntity::Topic | ChangeEntity::Article => topics.insert(change.topic_id),
                ChangeEntity::Comment => comments.insert(change.entity_id),
                ChangeEntity::Document => documents.insert(change.entity_id),
            };
            if change.entity == ChangeEntity::Topic && change.fields.iter().any(|f| f == DELETED) {
                threads.insert(change.topic_id);
            }
        }
        let threads: Vec<i64> = threads.into_iter().collect();
        for chunk in threads.chunks(BATCH as usize) {
            comments.extend(
                store
                    .search_comments_of(chunk)
                    .await?
                    .iter()
                    .map(|c| c.comment_id),
            );
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
        // A removed document is not found: its owner is deleted and nothing replaces it.
        let documents: Vec<i64> = documents.into_iter().collect();
        for chunk in documents.chunks(BATCH as usize) {
            owners.extend(chunk.iter().map(|&id| document_owner(id)));
            units.extend(
                store
                    .search_documents(chunk)
                    .await?
                    .iter()
                    .map(document_unit),
            );
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
