//! A real archive (SQLite file) in a data folder.

use std::path::Path;

use orrery_core::paths::DataDir;
use orrery_core::store::Store;
use tempfile::TempDir;

/// The archive of the data folder `dir`, created if new.
pub async fn open_store(dir: &Path) -> Store {
    let data = DataDir::open(dir).expect("data dir");
    Store::open(&data).await.expect("the archive opens")
}

/// A fresh archive in a temporary data folder, which lives as long as the returned guard.
pub async fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open_store(dir.path()).await;
    (dir, store)
}
