//! [`SearchError`], the one error type of the search module: searching, indexing and the
//! index's directory all fail in ways the UI tells apart (not built yet, locked by another
//! process, damaged), so they share one enum rather than one per file.

use std::path::{Path, PathBuf};

use tantivy::TantivyError;

use super::query::QueryError;
use crate::store::StoreError;

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
    pub(super) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}
