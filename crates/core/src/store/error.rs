//! [`StoreError`]: what can go wrong with the archive, sorted by what the user can do about it.

use std::path::{Path, PathBuf};

/// SQLite's primary result codes that get a variant of their own
/// (<https://sqlite.org/rescode.html>). sqlx reports the extended code; its low byte is the
/// primary one.
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_FULL: i64 = 13;
const SQLITE_NOTADB: i64 = 26;

/// An archive failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The disk (or the user's quota) is full. The failed transaction was rolled back, so the
    /// archive is intact; syncing can resume once space is freed.
    #[error("the disk is full: free some space and sync again (nothing already archived was lost)")]
    DiskFull,
    /// The archive was last opened by a newer Orrery whose schema this version does not know.
    #[error(
        "the archive was written by a newer version of Orrery (schema {found}; this version knows up to {supported}): please update Orrery"
    )]
    NewerSchema {
        /// The schema version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// Another process kept the archive locked for longer than the busy timeout.
    #[error("the archive is busy: another Orrery process is writing to it")]
    Busy,
    /// The file is damaged, or not an SQLite database at all.
    #[error("the archive file is damaged or not an Orrery archive: {reason}")]
    Corrupt {
        /// SQLite's message.
        reason: String,
    },
    /// The archive file is there but empty: what a crash mid-write, a full disk or a bad
    /// copy leaves, never a new archive (those appear complete). Nothing else was touched.
    #[error(
        "the archive {} is empty (0 bytes): it was damaged, by a crash or a full disk perhaps. Orrery changed nothing else in the folder. Move the file aside to start a new archive and sync again, or put back a copy from a backup",
        path.display()
    )]
    Emptied {
        /// The archive file.
        path: PathBuf,
    },
    /// The file could not be opened or created.
    #[error("cannot open the archive {}: {source}", path.display())]
    Open {
        /// The archive file.
        path: PathBuf,
        /// Why.
        source: sqlx::Error,
    },
    /// Applying the embedded migrations failed.
    #[error("cannot upgrade the archive's schema: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A comment page named a topic the archive does not hold.
    #[error("topic {topic_id} is not in the archive; store its page before its comments")]
    UnknownTopic {
        /// The topic.
        topic_id: i64,
    },
    /// An article body was offered for a topic without an article link.
    #[error("topic {topic_id} has no article in the archive")]
    UnknownArticle {
        /// The topic.
        topic_id: i64,
    },
    /// A topic without `create_time` cannot be placed on a timeline or paged past.
    #[error("topic {topic_id} has no create_time")]
    MissingCreateTime {
        /// The topic.
        topic_id: i64,
    },
    /// A stored value did not read back as its type (a hand-edited file, or a bug).
    #[error("the archive holds an invalid {what}: {value}")]
    InvalidData {
        /// Which value.
        what: &'static str,
        /// The offending text.
        value: String,
    },
    /// Encoding or decoding a raw JSON column.
    #[error("raw JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A file of the media cache could not be written, read or removed.
    #[error("cannot write the media cache at {}: {source}", path.display())]
    Media {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl StoreError {
    pub(super) fn open(path: &Path, source: sqlx::Error) -> Self {
        match Self::from(source) {
            Self::Database(source) => Self::Open {
                path: path.to_owned(),
                source,
            },
            classified => classified,
        }
    }

    /// A media cache file failure; a full disk is [`StoreError::DiskFull`] like in SQLite.
    pub(crate) fn media(path: &Path, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::StorageFull {
            return Self::DiskFull;
        }
        Self::Media {
            path: path.to_owned(),
            source,
        }
    }

    pub(super) fn invalid(what: &'static str, value: impl Into<String>) -> Self {
        Self::InvalidData {
            what,
            value: value.into(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Io(io) = &err
            && io.kind() == std::io::ErrorKind::StorageFull
        {
            return Self::DiskFull;
        }
        let primary = match &err {
            sqlx::Error::Database(db) => db
                .code()
                .and_then(|code| code.parse::<i64>().ok())
                .map(|code| code & 0xff),
            _ => None,
        };
        match primary {
            Some(SQLITE_FULL) => Self::DiskFull,
            Some(SQLITE_BUSY | SQLITE_LOCKED) => Self::Busy,
            Some(SQLITE_CORRUPT | SQLITE_NOTADB) => Self::Corrupt {
                reason: err.to_string(),
            },
            _ => Self::Database(err),
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(err: sqlx::migrate::MigrateError) -> Self {
        use sqlx::migrate::MigrateError;
        match err {
            MigrateError::Execute(source) | MigrateError::ExecuteMigration(source, _) => {
                match Self::from(source) {
                    Self::Database(source) => Self::Migrate(MigrateError::Execute(source)),
                    classified => classified,
                }
            }
            other => Self::Migrate(other),
        }
    }
}
