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
//!   `type:` `author:` `tag:` `is:digest` `is:unanswered` `after:` `before:` `source:`).
//!   Documents imported into 已保存 are units too (`source:saved`).
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
//!
//! Files: the handle and its directory ([`index`]), one built directory ([`generation`]),
//! searching ([`request`]), catching up ([`catch_up`]) and [`follow`]ing a sync, rebuilding
//! ([`rebuild`]), what the index reports ([`status`]) and the one [`SearchError`]; below them
//! the text pipeline: [`analyzer`], [`schema`], [`unit`], [`query`], [`execute`], [`snippet`].

mod analyzer;
mod catch_up;
mod error;
mod execute;
mod follow;
mod generation;
mod index;
mod last_good;
mod query;
mod rebuild;
mod request;
mod schema;
mod snippet;
mod status;
mod unit;

pub use analyzer::normalize;
pub use error::SearchError;
pub use execute::{SearchHit, SortOrder};
pub use follow::follow;
pub use index::{SEARCH_DIR, SearchIndex};
pub use query::{
    CircleRef, Clause, Condition, ParsedQuery, QueryError, SourceRef, UnitKind, day, day_start_ms,
};
pub use rebuild::{UnitWalk, all_units};
pub use request::{SearchRequest, SearchResults};
pub use schema::SCHEMA_VERSION;
pub use snippet::Snippet;
pub use status::{CatchUpReport, IndexStatus, RebuildProgress};

pub use unit::{Unit, comment_unit, topic_units, uid as unit_uid};
