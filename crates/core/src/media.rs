//! The media cache: images and attached files on the member's disk, content-addressed, under a
//! size cap.
//!
//! Every blob is stored once, named by the SHA-256 of its bytes, at
//! `<data>/media/<first two hex digits>/<hash>` (no extension: the reader sniffs the type, and
//! the same bytes posted twice share one file). The archive's ledger (`media_blobs`, see
//! [`crate::store`]) records each blob's size and last use and which image or file points at
//! it.
//!
//! Policy:
//!
//! * The sync caches images (their `large` rendition, the one the reader shows), newest topic
//!   first, while the cache is below its cap ([`MediaCache::is_full`]); it never evicts to
//!   make room, so a full cache holds the newest images.
//! * Opening something not cached ([`MediaCache::image`], [`MediaCache::file`]) downloads it
//!   now and then evicts the least recently used blobs down to the cap. Evicted images are left
//!   out of later syncs (they would push out what the member opened) and come back on demand.
//! * Attached files are only downloaded on demand: they can be large, and the service counts
//!   downloads.
//!
//! Downloads stream straight to disk ([`blob`]): memory holds a chunk, never the file. Each is
//! capped: an image at [`MAX_IMAGE_BYTES`], a file at its advertised size plus a margin
//! ([`file_limit`]); a body that passes its cap, or announces that it will, is refused with
//! [`ApiError::TooLarge`] and nothing of it stays on disk. (The sync marks such an image as
//! failed, like one its host refuses.)
//!
//! Crash safety: a blob is written to a temporary file in `media/tmp`, synced and renamed into
//! place before its ledger row commits, and its row is deleted before the file is removed. A
//! kill can therefore only leave an unreferenced file behind, never a row naming a missing
//! file; [`MediaCache::sweep`] deletes such leftovers.

use std::path::{Path, PathBuf};

use zsxq::client::DownloadError;
use zsxq::{ApiError, Client, FileId, GroupId, ImageId};

use crate::now_ms;
use crate::store::{Blob, Store, StoreError};

mod blob;
mod save;

use blob::BlobWriter;

pub use save::safe_file_name;

/// The cache's directory inside the data directory.
pub const MEDIA_DIR: &str = "media";

/// The lock file, beside [`MEDIA_DIR`] (never inside, where the sweep deletes), on which
/// every process using the cache holds a [`MediaLease`].
pub const LEASE_FILE: &str = "media.lock";

/// One process's claim on the media cache (a shared lock), from [`MediaCache::claim`]; while
/// any is held elsewhere, no other process sweeps the cache. Hold it as long as the cache is
/// used.
#[derive(Debug)]
pub struct MediaLease {
    _file: std::fs::File,
}

/// Temporary files, inside [`MEDIA_DIR`], while a blob is written.
const TMP_DIR: &str = "tmp";

/// The default cap: 2 GiB, a few thousand photos.
pub const DEFAULT_CAP_BYTES: u64 = 2 * 1024 * 1024 * 1024;

const MIB: u64 = 1024 * 1024;

/// The largest image downloaded: 32 MiB. The service recompresses what members post (its
/// `large` renditions are a few hundred KB, originals of phone photos a few MB), so anything
/// near this is not a picture the reader should show, and a cache of 2 GiB would hold few.
pub const MAX_IMAGE_BYTES: u64 = 32 * MIB;

/// The largest attached file downloaded when the archive does not know its size: 2 GiB, the
/// default size of the whole cache.
pub const DEFAULT_FILE_LIMIT: u64 = 2 * 1024 * MIB;

/// An image's type from its first bytes, as `(MIME type, file extension)`: the cache keeps
/// no type and the service's `format` is not always there. `None` for anything else (an SVG,
/// which could carry script, included): never to be served or saved as an image.
pub fn image_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => Some(("image/png", "png")),
        [0xFF, 0xD8, 0xFF, ..] => Some(("image/jpeg", "jpg")),
        [b'G', b'I', b'F', b'8', ..] => Some(("image/gif", "gif")),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some(("image/webp", "webp")),
        _ => None,
    }
}

/// The most bytes accepted for an attached file the service advertised as `size` bytes (the
/// archive's `files.size`): that plus an eighth, at least 1 MiB more, so a file that changed
/// a little since the topic was read still comes, while a host sending far more than it
/// announced is cut off. [`DEFAULT_FILE_LIMIT`] when the size is unknown.
pub fn file_limit(size: Option<u64>) -> u64 {
    match size {
        Some(size) => size.saturating_add((size / 8).max(MIB)),
        None => DEFAULT_FILE_LIMIT,
    }
}

/// What fetching media on demand can run into.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The archive holds no such image or file.
    #[error("this {what} is not in the archive")]
    Unknown {
        /// `"image"` or `"file"`.
        what: &'static str,
    },
    /// The service refused or failed (a file the service only gives to its mobile app is
    /// [`ApiError::MobileOnlyFile`]).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The archive or the cache directory failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file could not be saved into the member's folder (nothing half-written is left).
    #[error("cannot save the file into {}: {}", dir.display(), save::describe(source))]
    Save {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The cache of one archive. Cheap to clone.
#[derive(Debug, Clone)]
pub struct MediaCache {
    store: Store,
    cap_bytes: u64,
}

impl MediaCache {
    /// The cache beside `store`'s archive, holding at most `cap_bytes` (0 caches nothing
    /// during sync; on-demand downloads still work and are evicted next time).
    pub fn new(store: Store, cap_bytes: u64) -> Self {
        Self { store, cap_bytes }
    }

    /// The size cap in bytes.
    pub fn cap_bytes(&self) -> u64 {
        self.cap_bytes
    }

    /// Whether the cache reached its cap, so the sync should stop caching.
    pub async fn is_full(&self) -> Result<bool, StoreError> {
        Ok(self.store.media_usage().await? >= self.cap_bytes)
    }

    /// The absolute path of a ledger path.
    pub fn absolute(&self, relative: &str) -> PathBuf {
        self.store.data_root().join(relative)
    }

    /// Records `blob` (from [`MediaCache::fetch`]) as `image`'s cached copy. Returns `false`
    /// when the image left the archive meanwhile (the blob stays for [`MediaCache::sweep`]).
    pub(crate) async fn put_image(&self, image: ImageId, blob: &Blob) -> Result<bool, StoreError> {
        self.store.link_image_blob(image, blob, now_ms()).await
    }

    /// Downloads `url` through `client` straight into a blob on disk — at most `limit` bytes,
    /// hashed as they arrive, synced and renamed to its content address — not yet in the
    /// ledger. Every attempt writes a temporary file of its own, deleted when it fails.
    pub(crate) async fn fetch(
        &self,
        client: &Client,
        url: &str,
        limit: u64,
    ) -> Result<Blob, DownloadError<StoreError>> {
        let root = self.store.data_root().to_owned();
        let writer = client
            .download(url, limit, || BlobWriter::create(root.clone()))
            .await?
            .data;
        writer.finish().await.map_err(DownloadError::Sink)
    }

    /// The cached copy of `image`, downloaded now through `client` if needed.
    pub async fn image(&self, client: &Client, image: ImageId) -> Result<PathBuf, MediaError> {
        let (url, cached) = self
            .store
            .image_entry(image)
            .await?
            .ok_or(MediaError::Unknown { what: "image" })?;
        if let Some(path) = self.hit(cached).await? {
            return Ok(path);
        }
        self.download(client, &url, MAX_IMAGE_BYTES, "image", async |blob| {
            self.store.link_image_blob(image, blob, now_ms()).await
        })
        .await
    }

    /// The cached picture of circle `group`, downloaded now through `client` if needed (the
    /// sidebar asks for it; the sync does not, a member has few circles).
    pub async fn circle_avatar(
        &self,
        client: &Client,
        group: GroupId,
    ) -> Result<PathBuf, MediaError> {
        let (url, cached) = self
            .store
            .circle_avatar_entry(group)
            .await?
            .ok_or(MediaError::Unknown { what: "circle" })?;
        if let Some(path) = self.hit(cached).await? {
            return Ok(path);
        }
        let url = url.filter(|u| !u.is_empty()).ok_or(MediaError::Unknown {
            what: "circle picture",
        })?;
        self.download(client, &url, MAX_IMAGE_BYTES, "circle", async |blob| {
            self.store
                .link_circle_avatar_blob(group, blob, now_ms())
                .await
        })
        .await
    }

    /// The cached bytes of attached `file`, if they are on disk (no network needed).
    pub async fn cached_file(&self, file: FileId) -> Result<Option<PathBuf>, StoreError> {
        match self.store.file_entry(file).await? {
            Some(entry) => self.hit(entry.local_path).await,
            None => Ok(None),
        }
    }

    /// The bytes of attached `file`, downloaded now through `client` if needed (a signed URL
    /// first, then the file). Files the service only gives to its mobile app fail with
    /// [`ApiError::MobileOnlyFile`]; one larger than [`file_limit`] of its advertised size
    /// fails with [`ApiError::TooLarge`], leaving nothing on disk.
    pub async fn file(&self, client: &Client, file: FileId) -> Result<PathBuf, MediaError> {
        let entry = self
            .store
            .file_entry(file)
            .await?
            .ok_or(MediaError::Unknown { what: "file" })?;
        if let Some(path) = self.hit(entry.local_path).await? {
            return Ok(path);
        }
        let url = client.file_download_url(file).await?.data;
        let limit = file_limit(entry.size);
        self.download(client, &url, limit, "file", async |blob| {
            self.store.link_file_blob(file, blob, now_ms()).await
        })
        .await
    }

    /// Downloads `url` (at most `limit` bytes) into the cache and records it with `link`,
    /// which answers `false` when its owner (a `what`) left the archive meanwhile; then keeps
    /// the cap.
    async fn download(
        &self,
        client: &Client,
        url: &str,
        limit: u64,
        what: &'static str,
        link: impl AsyncFnOnce(&Blob) -> Result<bool, StoreError>,
    ) -> Result<PathBuf, MediaError> {
        let blob = self
            .fetch(client, url, limit)
            .await
            .map_err(|err| match err {
                DownloadError::Api(err) => MediaError::Api(err),
                DownloadError::Sink(err) => MediaError::Store(err),
            })?;
        if !link(&blob).await? {
            return Err(MediaError::Unknown { what });
        }
        self.after_download(&blob).await?;
        Ok(self.absolute(&blob.path))
    }

    /// Evicts the least recently used blobs until the cache fits its cap; returns the bytes
    /// freed.
    pub async fn enforce_cap(&self) -> Result<u64, StoreError> {
        let before = self.store.media_usage().await?;
        self.evict(self.cap_bytes, None).await?;
        Ok(before.saturating_sub(self.store.media_usage().await?))
    }

    /// Claims the cache for this process, first deleting the files in the cache directory the
    /// ledger does not name (left by a crash between writing a blob and recording it); returns
    /// the claim, to hold while this process may download, and how many files went. Call it
    /// once at start, before any sync or download.
    ///
    /// Another process's blob being written is such a file until its row commits, so the
    /// sweep runs only when no other process holds a claim: each holds a shared lock on
    /// [`LEASE_FILE`], and the sweep needs the exclusive one. The lock goes with a process, so
    /// what a killed one left is swept by the next start.
    pub async fn claim(&self) -> Result<(MediaLease, usize), StoreError> {
        let path = self.store.data_root().join(LEASE_FILE);
        let file =
            crate::paths::open_lock_file(&path).map_err(|err| StoreError::media(&path, err))?;
        let swept = match file.try_lock() {
            Ok(()) => {
                let swept = self.sweep().await;
                file.unlock().map_err(|err| StoreError::media(&path, err))?;
                swept?
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                tracing::info!("another process uses the media cache; its sweep is skipped");
                0
            }
            Err(std::fs::TryLockError::Error(err)) => return Err(StoreError::media(&path, err)),
        };
        // Blocks only while another process starting at the same moment sweeps.
        let file = tokio::task::spawn_blocking(move || file.lock_shared().map(|()| file))
            .await
            .map_err(|err| StoreError::media(&path, std::io::Error::other(err)))?
            .map_err(|err| StoreError::media(&path, err))?;
        Ok((MediaLease { _file: file }, swept))
    }

    async fn sweep(&self) -> Result<usize, StoreError> {
        let known: std::collections::HashSet<PathBuf> = self
            .store
            .blob_paths()
            .await?
            .iter()
            .map(|p| self.absolute(p))
            .collect();
        let root = self.absolute(MEDIA_DIR);
        tokio::task::spawn_blocking(move || sweep_dir(&root, &known))
            .await
            .map_err(|err| StoreError::media(Path::new(MEDIA_DIR), std::io::Error::other(err)))?
    }

    /// A cached path that is still on disk, marked as just used.
    async fn hit(&self, cached: Option<String>) -> Result<Option<PathBuf>, StoreError> {
        let Some(relative) = cached else {
            return Ok(None);
        };
        let path = self.absolute(&relative);
        if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
            // Deleted behind our back: download it again.
            return Ok(None);
        }
        self.store.touch_blob(&relative, now_ms()).await?;
        Ok(Some(path))
    }

    /// Keeps the cap after an on-demand download, never evicting what was just fetched.
    async fn after_download(&self, fresh: &Blob) -> Result<(), StoreError> {
        self.evict(self.cap_bytes.max(fresh.size), Some(&fresh.path))
            .await
    }

    /// Forgets the least recently used blobs down to `keep_bytes`, then deletes their files
    /// (all but `spare`, which a caller is about to hand out).
    async fn evict(&self, keep_bytes: u64, spare: Option<&str>) -> Result<(), StoreError> {
        for path in self.store.evict_blobs(keep_bytes).await? {
            if spare == Some(path.as_str()) {
                continue;
            }
            let file = self.absolute(&path);
            match tokio::fs::remove_file(&file).await {
                Ok(()) => {}
                // Gone already (a sweep, a user's cleanup): the ledger no longer names it.
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => return Err(StoreError::media(&file, err)),
            }
        }
        Ok(())
    }
}

/// Removes every file under `root` that is not in `known`, temporary files included.
fn sweep_dir(root: &Path, known: &std::collections::HashSet<PathBuf>) -> Result<usize, StoreError> {
    let mut removed = 0;
    let mut pending = vec![root.to_owned()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(StoreError::media(&dir, err)),
        };
        for entry in entries {
            let path = entry.map_err(|err| StoreError::media(&dir, err))?.path();
            if path.is_dir() {
                pending.push(path);
            } else if !known.contains(&path) {
                std::fs::remove_file(&path).map_err(|err| StoreError::media(&path, err))?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::image_type;

    #[test]
    fn images_are_typed_by_their_bytes_and_svg_is_not_an_image() {
        let mime = |b: &[u8]| image_type(b).map(|(m, _)| m);
        assert_eq!(mime(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(mime(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(mime(b"GIF89a"), Some("image/gif"));
        assert_eq!(
            image_type(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(("image/webp", "webp"))
        );
        // An SVG could carry script; it is never taken for an image.
        assert_eq!(mime(b"<svg onload=alert(1)>"), None);
    }
}
