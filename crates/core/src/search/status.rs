//! What the index reports about itself: [`IndexStatus`] (for the UI's badge and the CLI),
//! [`RebuildProgress`] and [`CatchUpReport`]. Kept apart from the code that fills them so the
//! types a caller sees are in one short place.

use serde::{Deserialize, Serialize};

use super::SCHEMA_VERSION;
use super::generation::lock;
use super::index::SearchIndex;

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
    /// The index was damaged and restored from its last good copy first (then caught up from
    /// there: `changes` says how far behind the copy was).
    pub restored: bool,
}

impl SearchIndex {
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
}
