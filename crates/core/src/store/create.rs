//! Where the archive file comes from: a new archive is built under a name of its own and
//! linked into place only once its schema is complete, so `archive.sqlite3` is never a file
//! some process is still creating.
//!
//! Two things follow. Two first runs on a new data folder (the app and `orrery-cli` at once)
//! cannot race on the schema: each builds its own file, the first link wins and the other
//! opens the winner's. And an `archive.sqlite3` of zero bytes is never a new archive — only
//! the remains of one (a crash mid-write, a full disk, a bad copy) — so opening it is an error
//! that says what happened, and nothing else in the folder (media, index) is touched because
//! of it.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteJournalMode, SqlitePoolOptions};

use super::{StoreError, schema};

/// What is at the archive's path.
pub(super) enum Found {
    /// A file with content: open it.
    Archive,
    /// Nothing: build a new archive first.
    Nothing,
}

/// Looks at the archive's path; an empty file is [`StoreError::Emptied`].
pub(super) fn inspect(path: &Path) -> Result<Found, StoreError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() == 0 => Err(StoreError::Emptied {
            path: path.to_owned(),
        }),
        Ok(_) => Ok(Found::Archive),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Found::Nothing),
        Err(source) => Err(StoreError::media(path, source)),
    }
}

/// Builds a complete new archive beside `path` and links it into place, unless another
/// process got there first (then its archive stays and this one is dropped).
pub(super) async fn create(path: &Path) -> Result<(), StoreError> {
    let building = building_path(path);
    // Rollback journal, not WAL, while building: once the pool is closed the file alone is
    // the whole database, with no `-wal` beside it to be left behind by the link.
    let options = schema::connect_options(&building).journal_mode(SqliteJournalMode::Delete);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|source| StoreError::open(&building, source))?;
    let migrated = schema::migrate(&pool).await;
    pool.close().await;
    let placed = migrated.and_then(|()| {
        crate::paths::private_file(&building).map_err(|e| StoreError::media(&building, e))?;
        sync_file(&building)?;
        place(&building, path)
    });
    // Linked or not, the building name goes; a crash before this leaves only a stray file
    // with a name no archive has.
    let _ = std::fs::remove_file(&building);
    let _ = std::fs::remove_file(journal_of(&building));
    placed?;
    if let Some(dir) = path.parent() {
        sync_file(dir)?;
    }
    tracing::info!(path = %path.display(), "new archive created");
    Ok(())
}

/// A name of this process's own, so two processes building at once never share a file.
fn building_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_owned();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    name.push(format!(".new-{}-{nanos:x}", std::process::id()));
    path.with_file_name(name)
}

fn journal_of(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-journal");
    PathBuf::from(name)
}

/// Links `building` at `path` without ever replacing a file there: a hard link fails when
/// the name exists, which a rename would not. Where the file system has no hard links, a
/// rename after a check (which two processes could still race on, rarely).
fn place(building: &Path, path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::media(path, source);
    match std::fs::hard_link(building, path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            tracing::info!(path = %path.display(), "another process created the archive first");
            Ok(())
        }
        Err(_) if !path.exists() => std::fs::rename(building, path).map_err(io),
        Err(_) => Ok(()),
    }
}

/// Makes a file's (or a folder's) content durable before it is relied on.
fn sync_file(path: &Path) -> Result<(), StoreError> {
    let io = |source| StoreError::media(path, source);
    // Folders cannot be opened for syncing on Windows; the rename is durable there anyway.
    if cfg!(windows) && path.is_dir() {
        return Ok(());
    }
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(io)
}
