//! The archive: every circle the member joined, in one SQLite file (`archive.sqlite3` in the
//! [`DataDir`]). It is the desktop's source of truth; the search index and notifications are
//! derived from it through the change feed.
//!
//! [`Store`] is a cheap handle (a connection pool). Open it with [`Store::open`], which applies
//! the embedded migrations and refuses an archive written by a newer Orrery
//! ([`StoreError::NewerSchema`]). What goes in:
//!
//! * [`Store::commit_page`] — one page of a topic list *and* its [`SyncCursor`], in one
//!   transaction, so a kill at any instant loses nothing and duplicates nothing. Topics are
//!   upserted idempotently: the same topic twice changes nothing; a real change (a new comment
//!   count, an answer, a digest flag…) updates the row and writes one [`Change`] naming the
//!   fields that moved. Beside the typed columns each topic keeps its raw JSON, its plain text
//!   (question and answer for q&a), its hashtags, images, files, columns and article link.
//! * [`Store::commit_comments`] — one page of a topic's thread (replies included) and where the
//!   thread walk resumes, likewise in one transaction.
//! * Circles, users' hashtags and columns, read markers, article bodies, and the ledger of the
//!   media cache (which image or file is cached in which blob; see [`crate::media`]).
//!
//! * Documents imported from outside the circles ([`Store::put_documents`], see
//!   [`crate::import`]), with a change of their own in the feed.
//!
//! What comes out: [`Store::counts`] (the same JSON as `zsxq-sim truth`),
//! [`Store::threads_to_fetch`], [`Store::articles_to_fetch_in`] and
//! [`Store::oldest_open_question`] (the sync engine's work lists), [`Store::sync_state`],
//! [`Store::changes_after`] (the change feed), [`Store::timeline`] (keyset-paged, newest first)
//! and [`Store::topic`] with its comments, what the member has read ([`Store::reading_counts`]), and the rows the search index is derived from
//! ([`Store::search_topics`], [`Store::search_comments`] and their walks). Schema decisions are explained in `docs/archive.md`.

/// What the sync's follow-up phases owe, as SQL conditions: the phases' work lists and the
/// count of what is owed (`backlog`) select with the same words. Macros, so `concat!` builds
/// each query as one literal.
///
/// A thread that needs a walk (`t` a topic, `s` its `thread_state`): an interrupted walk, or
/// a `comments_count` other than the one its thread was last walked to the end at.
macro_rules! thread_due {
    () => {
        "(s.next_begin_time IS NOT NULL OR t.comments_count <> COALESCE(s.complete_at_count, 0))"
    };
}
/// An article (`a`) without its body.
macro_rules! article_due {
    () => {
        "a.html IS NULL"
    };
}
/// An image (`i`) neither cached nor known to fail.
macro_rules! image_due {
    () => {
        "i.local_path IS NULL AND i.cache_error IS NULL"
    };
}

mod articles;
mod backlog;
mod brief;
mod catalog;
mod comments;
mod counts;
mod create;
mod derive;
mod documents;
mod error;
mod export;
mod facets;
mod feed;
mod history;
mod inbox;
mod media;
mod mirror;
mod reads;
mod schema;
mod search_source;
mod sync_runs;
mod sync_state;
mod timeline;
mod topics;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use sqlx::{Sqlite, Transaction};

use crate::paths::DataDir;

pub use articles::ArticleLink;
pub use backlog::{CircleBacklog, CircleSize};
pub use brief::{BriefTopic, Mark};
pub use catalog::CircleSummary;
pub use comments::{CommentsOutcome, ThreadToFetch};
pub use counts::{CircleCounts, Counts};
pub use documents::{
    DocumentSummary, NewDocument, SourceDocument, Stored, StoredDocument, site_of,
};
pub use error::StoreError;
pub use export::ExportRow;
pub use facets::{CircleFacets, Facet};
pub use feed::{Change, ChangeEntity, ChangeOp};
pub use history::Revision;
pub use inbox::{DeriveReport, InboxEvent, InboxKind, MyQuestion, STALE_AFTER_MS};
pub use media::{Blob, FileEntry, ImageToCache};
pub use mirror::Mirror;
pub use reads::ReadingCounts;
pub use search_source::{SourceComment, SourceTopic};
pub use sync_runs::SyncRun;
pub use sync_state::{CatchUp, SyncCursor, SyncScope, SyncState, TopicMark};
pub use timeline::{TimelineFilter, TimelineKey, TimelineQuery, TopicSummary, TopicWithComments};
pub use topics::PageOutcome;

/// The archive's file name inside the data directory.
pub const ARCHIVE_FILE: &str = "archive.sqlite3";

/// Connections in the pool. SQLite allows one writer at a time (write transactions queue on
/// the busy timeout) but WAL lets readers run beside it, so the UI can read during a sync.
const MAX_CONNECTIONS: u32 = 4;

/// A handle to the archive. Clones share the pool.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed) `archive.sqlite3` in `dir` and brings its schema up to date.
    /// A new archive appears complete or not at all ([`create`]); an emptied one is refused
    /// with [`StoreError::Emptied`].
    pub async fn open(dir: &DataDir) -> Result<Self, StoreError> {
        let path = dir.root().join(ARCHIVE_FILE);
        if let create::Found::Nothing = create::inspect(&path)? {
            create::create(&path).await?;
        }
        let options = schema::connect_options(&path).create_if_missing(false);
        let pool = SqlitePoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::open(&path, source))?;
        {
            // Two processes opening an archive of an older schema at once would both apply
            // the same migration, and the second fail on a column the first just added: one
            // at a time, under an OS lock beside the archive (gone with a killed process).
            let _migrating = schema::lock_for_migration(&path).await?;
            schema::migrate(&pool).await?;
        }
        tracing::debug!(path = %path.display(), "archive open");
        Ok(Self { pool, path })
    }

    /// The archive file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The data directory the archive lives in, which paths in the archive are relative to.
    pub fn data_root(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Closes every connection, checkpointing the WAL; later calls on clones fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"`, or what is damaged.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.join("\n"))
    }

    /// A write transaction. `BEGIN IMMEDIATE` takes the write lock up front: a deferred
    /// transaction that reads first and writes later fails at once with SQLITE_BUSY when
    /// another connection committed in between, a case the busy timeout does not cover.
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}
