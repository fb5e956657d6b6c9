//! The media cache's ledger (the files themselves are [`crate::media`]'s): which blobs are on
//! disk and how big, which image or file uses which blob, which images still wait for the
//! cache, and which blob to evict first.
//!
//! A blob row is only ever inserted after its file is in place, and deleted before its file is
//! removed, so `local_path` never names a missing file.

use std::collections::HashSet;

use zsxq::{FileId, GroupId, ImageId, TopicId};

use super::{Store, StoreError};

/// An image the sync should cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageToCache {
    /// The image.
    pub image_id: ImageId,
    /// Its `large` rendition, the one the reader shows.
    pub url: String,
}

/// A blob on disk, as the ledger records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    /// SHA-256 of the bytes, lowercase hex.
    pub hash: String,
    /// Where it is, relative to the data directory, `/`-separated.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
}

/// An attached file, as the on-demand download needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    /// The file's name as posted.
    pub name: String,
    /// Where its bytes are cached, relative to the data directory, if they are.
    pub local_path: Option<String>,
    /// Its size in bytes as the service advertised it, if it did (the download's limit).
    pub size: Option<u64>,
}

/// Why an image is left out of later syncs after the reader's cache evicted it: the sync would
/// otherwise download it again and push out what the member opened.
const EVICTED: &str = "evicted";

impl Store {
    /// Up to `limit` images of circle `group` that are neither cached nor known to fail,
    /// newest topic first.
    pub async fn images_to_cache_in(
        &self,
        group: GroupId,
        limit: u32,
    ) -> Result<Vec<ImageToCache>, StoreError> {
        let rows: Vec<(i64, String)> = sqlx::query_as(concat!(
            "SELECT i.image_id, i.large_url
             FROM images i JOIN topics t ON t.topic_id = i.topic_id
             WHERE t.group_id = ? AND ",
            image_due!(),
            "
               AND (i.cache_retry_at_ms IS NULL OR i.cache_retry_at_ms <= ?)
             ORDER BY t.create_time_ms DESC, t.topic_id DESC, i.image_id
             LIMIT ?"
        ))
        .bind(group.get())
        .bind(crate::now_ms())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, url)| ImageToCache {
                image_id: ImageId::new(id),
                url,
            })
            .collect())
    }

    /// The `large` URL of `image` and its cached path, if any.
    pub(crate) async fn image_entry(
        &self,
        image: ImageId,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        Ok(
            sqlx::query_as("SELECT large_url, local_path FROM images WHERE image_id = ?")
                .bind(image.get())
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// The images of `topic` (its comments' included) that have a copy in the cache.
    pub async fn cached_images_of(&self, topic: TopicId) -> Result<HashSet<ImageId>, StoreError> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "SELECT image_id FROM images WHERE topic_id = ? AND local_path IS NOT NULL",
        )
        .bind(topic.get())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(id,)| ImageId::new(id)).collect())
    }

    /// `file`'s name and cached path.
    pub async fn file_entry(&self, file: FileId) -> Result<Option<FileEntry>, StoreError> {
        let row: Option<(String, Option<String>, Option<i64>)> =
            sqlx::query_as("SELECT name, local_path, size FROM files WHERE file_id = ?")
                .bind(file.get())
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(|(name, local_path, size)| FileEntry {
            name,
            local_path,
            size: size.and_then(|n| u64::try_from(n).ok()),
        }))
    }

    /// Records `blob` as `image`'s cached copy. Returns `false` (recording nothing) when the
    /// image left the archive meanwhile.
    pub(crate) async fn link_image_blob(
        &self,
        image: ImageId,
        blob: &Blob,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.link_blob(
            "UPDATE images SET local_path = ?, cache_error = NULL, cache_failures = 0,
                 cache_retry_at_ms = NULL
             WHERE image_id = ?",
            image.get(),
            blob,
            now_ms,
        )
        .await
    }

    /// A circle's picture URL and where its cached copy is; `None` for an unknown circle,
    /// and no URL when the service gave none.
    pub(crate) async fn circle_avatar_entry(
        &self,
        group: GroupId,
    ) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT json_extract(raw_json, '$.background_url'), avatar_path
             FROM circles WHERE group_id = ?",
        )
        .bind(group.get())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Records `blob` as `group`'s cached picture; `false` when the circle is unknown.
    pub(crate) async fn link_circle_avatar_blob(
        &self,
        group: GroupId,
        blob: &Blob,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.link_blob(
            "UPDATE circles SET avatar_path = ? WHERE group_id = ?",
            group.get(),
            blob,
            now_ms,
        )
        .await
    }

    /// Records `blob` as `file`'s downloaded bytes; `false` when the file is unknown.
    pub(crate) async fn link_file_blob(
        &self,
        file: FileId,
        blob: &Blob,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.link_blob(
            "UPDATE files SET local_path = ? WHERE file_id = ?",
            file.get(),
            blob,
            now_ms,
        )
        .await
    }

    async fn link_blob(
        &self,
        update: &'static str,
        id: i64,
        blob: &Blob,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let linked = sqlx::query(update)
            .bind(&blob.path)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            > 0;
        if !linked {
            // Dropping the transaction rolls it back; the file is an orphan for the sweep.
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO media_blobs (hash, path, size, last_used_ms) VALUES (?, ?, ?, ?)
             ON CONFLICT (hash) DO UPDATE SET last_used_ms = excluded.last_used_ms",
        )
        .bind(&blob.hash)
        .bind(&blob.path)
        .bind(i64::try_from(blob.size).unwrap_or(i64::MAX))
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Notes that `image` cannot be cached (`reason` in words); the sync skips it until a
    /// re-walk brings a new URL.
    pub(crate) async fn mark_image_failed(
        &self,
        image: ImageId,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE images SET cache_error = ? WHERE image_id = ?")
            .bind(reason)
            .bind(image.get())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Notes that `image`'s host could not be reached, again: the sync leaves it until
    /// `retry_after(failures)` from `now_ms` has passed. Returns the failures in a row.
    pub(crate) async fn defer_image(
        &self,
        image: ImageId,
        now_ms: i64,
        retry_after: impl Fn(u32) -> std::time::Duration,
    ) -> Result<u32, StoreError> {
        let mut tx = self.begin_write().await?;
        let failures: Option<i64> = sqlx::query_scalar(
            "UPDATE images SET cache_failures = cache_failures + 1 WHERE image_id = ?
             RETURNING cache_failures",
        )
        .bind(image.get())
        .fetch_optional(&mut *tx)
        .await?;
        let failures = u32::try_from(failures.unwrap_or(0)).unwrap_or(u32::MAX);
        let wait = i64::try_from(retry_after(failures).as_millis()).unwrap_or(i64::MAX);
        sqlx::query("UPDATE images SET cache_retry_at_ms = ? WHERE image_id = ?")
            .bind(now_ms.saturating_add(wait))
            .bind(image.get())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(failures)
    }

    /// Why `image` is not cached, if the sync gave up on it.
    pub async fn image_cache_error(&self, image: ImageId) -> Result<Option<String>, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT cache_error FROM images WHERE image_id = ?")
                .bind(image.get())
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// Marks the blob at `path` as just used, so eviction keeps it longest.
    pub(crate) async fn touch_blob(&self, path: &str, now_ms: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE media_blobs SET last_used_ms = ? WHERE path = ?")
            .bind(now_ms)
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Bytes the cached blobs take.
    pub async fn media_usage(&self) -> Result<u64, StoreError> {
        let total: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(size), 0) FROM media_blobs")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    /// Forgets the least recently used blobs until at most `keep_bytes` remain, and returns
    /// their paths for the caller to delete. Images that lose their copy are marked
    /// [`EVICTED`] so the sync does not fetch them back; the reader fetches them on demand.
    pub(crate) async fn evict_blobs(&self, keep_bytes: u64) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin_write().await?;
        let blobs: Vec<(String, String, i64)> =
            sqlx::query_as("SELECT hash, path, size FROM media_blobs ORDER BY last_used_ms, hash")
                .fetch_all(&mut *tx)
                .await?;
        let mut total: u64 = blobs.iter().map(|b| u64::try_from(b.2).unwrap_or(0)).sum();
        let mut evicted = Vec::new();
        for (hash, path, size) in blobs {
            if total <= keep_bytes {
                break;
            }
            sqlx::query(
                "UPDATE images SET local_path = NULL, cache_error = ? WHERE local_path = ?",
            )
            .bind(EVICTED)
            .bind(&path)
            .execute(&mut *tx)
            .await?;
            for forget in [
                "UPDATE files SET local_path = NULL WHERE local_path = ?",
                "UPDATE circles SET avatar_path = NULL WHERE avatar_path = ?",
            ] {
                sqlx::query(forget).bind(&path).execute(&mut *tx).await?;
            }
            sqlx::query("DELETE FROM media_blobs WHERE hash = ?")
                .bind(&hash)
                .execute(&mut *tx)
                .await?;
            total = total.saturating_sub(u64::try_from(size).unwrap_or(0));
            evicted.push(path);
        }
        tx.commit().await?;
        Ok(evicted)
    }

    /// Every blob path the ledger knows, relative to the data directory.
    pub async fn blob_paths(&self) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar("SELECT path FROM media_blobs")
            .fetch_all(&self.pool)
            .await?)
    }
}
