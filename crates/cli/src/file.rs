//! `file FILE_ID [--out PATH]`: an attached file's bytes, downloaded on demand into the media
//! cache (or taken from it, offline), then printed as a path or copied to `--out`.
//!
//! Files are never downloaded by `sync`: they can be large and the service counts downloads.
//! Files the service only gives to its mobile app (code 1030) fail with a message saying so.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use orrery_core::media::{DEFAULT_CAP_BYTES, MediaCache};
use orrery_core::paths::DataDir;
use orrery_core::store::Store;
use zsxq::FileId;

use crate::account;

pub async fn file(dir: &DataDir, id: i64, out: Option<&Path>) -> anyhow::Result<()> {
    let store = Store::open(dir).await?;
    let found = fetch(dir, &store, FileId::new(id)).await;
    store.close().await;
    let cached = found.with_context(|| format!("cannot download file {id}"))?;
    let shown = match out {
        Some(dest) => {
            std::fs::copy(&cached, dest)
                .with_context(|| format!("cannot write {}", dest.display()))?;
            dest
        }
        None => cached.as_path(),
    };
    writeln!(std::io::stdout().lock(), "{}", shown.display())?;
    Ok(())
}

/// From the cache without signing in (so it works offline), else downloaded.
async fn fetch(dir: &DataDir, store: &Store, file: FileId) -> anyhow::Result<PathBuf> {
    let cache = MediaCache::new(store.clone(), DEFAULT_CAP_BYTES);
    // Held while downloading, so the app starting meanwhile does not sweep the file away.
    let (_lease, _) = cache.claim().await?;
    if let Some(path) = cache.cached_file(file).await? {
        return Ok(path);
    }
    let (_account, client) = account::signed_in(dir, account::saved_config(dir)?).await?;
    Ok(cache.file(&client, file).await?)
}
