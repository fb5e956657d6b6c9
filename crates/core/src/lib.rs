//! `orrery-core`: Orrery's engine, free of any UI toolkit.
//!
//! It holds the account (the token in the OS keyring), the SQLite archive, the sync engine,
//! the media cache and the tantivy search index, and grows to hold notifications and drafts.
//! The desktop shell and `orrery-cli` are thin front doors to it.
//!
//! [`account::Account`] signs in with a ZSXQ access token checked against the service, keeps it
//! only in the OS keyring (or takes it from `ORRERY_TOKEN`), and publishes the
//! [`account::AccountState`] the sync engine and the UI watch.
//!
//! [`store::Store`] is the archive: one SQLite file per data directory, written one page and
//! its sync cursor per transaction, with a change feed for search and notifications.
//!
//! [`sync::SyncEngine`] mirrors every joined circle into the store: a cancellable background
//! task with typed [`sync::SyncEvent`]s, new content first, resumable after any interruption.
//!
//! [`media::MediaCache`] keeps images and attached files on disk, content-addressed under a
//! size cap: images cached by the sync, files downloaded when opened.
//!
//! [`search::SearchIndex`] is a tantivy index derived from the archive through its change
//! feed: every substring of Chinese or English text is found, ranked with jieba words, with
//! the query language of `docs/search.md`.
//!
//! [`session::Session`] is one data folder open against one service and token, with its sync;
//! [`session::Orrery`] owns the app's current session, swaps it on sign-in and sign-out, and
//! serves the `orrery-ipc` commands by name. The shell and the CLI open sessions there.
//!
//! [`reader`] builds what the app's reading screens show (circles with unread counts,
//! timelines, a topic with its thread, search results) as `orrery-ipc` views with sanitized
//! HTML; [`sync::Schedule`] runs the app's sync on an interval and on demand; [`settings`]
//! keeps the member's preferences; [`brief`] ranks what is unread across circles by signal.
//!
//! [`export`] writes the archive out as a Markdown vault, one HTML file or JSON lines;
//! [`import`] brings saved articles and notes in as "已保存 / Saved" documents, searched beside
//! the circles.

pub mod account;
pub mod brief;
pub mod export;
pub mod import;
pub mod logging;
pub mod media;
pub mod notify;
pub mod paths;
pub mod reader;
pub mod search;
pub mod session;
pub mod settings;
pub mod store;
pub mod sync;

/// Now, in unix milliseconds: the clock every timestamp the core writes or reports uses.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
