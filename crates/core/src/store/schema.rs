//! Connection settings and the embedded migrations (`crates/core/migrations`).
//!
//! The schema version lives in two places: sqlx's `_sqlx_migrations` table, which drives the
//! upgrade, and `PRAGMA user_version`, which any SQLite tool can read. Before migrating, both
//! are checked against the newest migration this build embeds, so an archive from a newer
//! Orrery is refused with [`StoreError::NewerSchema`] instead of a cryptic "migration N was
//! previously applied but is missing".

use std::path::Path;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteSynchronous};

use super::StoreError;

/// The migrations, compiled into the binary.
pub(super) static MIGRATOR: Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another writer before giving up with [`StoreError::Busy`].
/// Writes are short, but a sync commits from several circles at once and the search index
/// and the inbox write beside it: on two cores busy with other work (the test suite with the
/// window, seen twice) one commit waited past 5 s and failed a whole run. Waiting longer costs
/// nothing while nobody else is writing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(20);

/// WAL lets readers (the UI) run while a sync writes; `synchronous = NORMAL` is durable across
/// application crashes in WAL mode and only risks the last transactions on power loss, which
/// a re-sync restores; foreign keys are off by default in SQLite.
pub(super) fn connect_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
}

/// The newest schema version this build knows.
pub(super) fn latest_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

/// The lock file beside the archive that [`lock_for_migration`] takes.
pub(super) const MIGRATION_LOCK_FILE: &str = "archive.migrating.lock";

/// Waits for, then holds (until dropped) the exclusive lock that serialises migrations of the
/// archive at `archive` across processes.
pub(super) async fn lock_for_migration(archive: &Path) -> Result<std::fs::File, StoreError> {
    let path = archive.with_file_name(MIGRATION_LOCK_FILE);
    let locked = tokio::task::spawn_blocking(move || {
        let file = crate::paths::open_lock_file(&path)?;
        file.lock().map(|()| file)
    })
    .await
    .unwrap_or_else(|err| Err(std::io::Error::other(err)));
    locked.map_err(|err| StoreError::Open {
        path: archive.to_owned(),
        source: sqlx::Error::Io(err),
    })
}

/// Refuses newer archives, applies pending migrations and records the version.
pub(super) async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let supported = latest_version();
    let found = recorded_version(pool).await?;
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    MIGRATOR.run(pool).await.map_err(|err| match err {
        // A gap below our newest version: still a file from another build.
        sqlx::migrate::MigrateError::VersionMissing(found) => {
            StoreError::NewerSchema { found, supported }
        }
        other => other.into(),
    })?;
    if found < supported {
        // PRAGMA takes no bound parameters; the value is our own integer.
        let pragma = format!("PRAGMA user_version = {supported}");
        sqlx::query(sqlx::AssertSqlSafe(pragma))
            .execute(pool)
            .await?;
        tracing::info!(from = found, to = supported, "archive schema upgraded");
    }
    Ok(())
}

/// The highest version either record claims; 0 for a new file.
pub(super) async fn recorded_version(pool: &SqlitePool) -> Result<i64, StoreError> {
    let user_version: i64 = sqlx::query_scalar("PRAGMA user_version")
        .fetch_one(pool)
        .await?;
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(pool)
    .await?;
    let applied: Option<i64> = if has_table {
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?
    } else {
        None
    };
    Ok(user_version.max(applied.unwrap_or(0)))
}
