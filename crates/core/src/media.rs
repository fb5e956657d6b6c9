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
//! Crash safety: a blob is written to a temporary file in `media/tmp`, synced and renamed into
//! place before its ledger row commits, and its row is deleted before the file is removed. A
//! kill can therefore only leave an unreferenced file behind, never a row naming a missing
//! file; [`MediaCache::sweep`] deletes such leftovers.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zsxq::{ApiError, Client, FileId, GroupId, ImageId};

use crate::now_ms;
use crate::store::{Blob, Store, StoreError};

mod save;

pub use save::safe_file_name;

/// The cache's directory inside the data directory.
pub const MEDIA_DIR: &str = "media";

/// Temporary files, inside [`MEDIA_DIR`], while a blob is written.
const TMP_DIR: &str = "tmp";

/// The default cap: 2 GiB, a few thousand photos.
pub const DEFAULT_CAP_BYTES: u64 = 2 * 1024 * 1024 * 1024;

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

    /// Stores `bytes` as `image`'s cached copy. Returns `false` when the image left the archive
    /// meanwhile (the blob stays for [`MediaCache::sweep`]).
    pub async fn put_image(&self, image: ImageId, bytes: Vec<u8>) -> Result<bool, StoreError> {
        let blob = self.write_blob(bytes).await?;
        self.store.link_image_blob(image, &blob, now_ms()).await
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
        self.download(client, &url, "image", async |blob| {
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
        self.download(client, &url, "circle", async |blob| {
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
    /// [`ApiError::MobileOnlyFile`].
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
        self.download(client, &url, "file", async |blob| {
            self.store.link_file_blob(file, blob, now_ms()).await
        })
        .await
    }

    /// Downloads `url` into the cache and records it with `link`, which answers `false` when
    /// its owner (a `what`) left the archive meanwhile; then keeps the cap.
    async fn download(
        &self,
        client: &Client,
        url: &str,
        what: &'static str,
        link: impl AsyncFnOnce(&Blob) -> Result<bool, StoreError>,
    ) -> Result<PathBuf, MediaError> {
        let bytes = client.media(url).await?.data;
        let blob = self.write_blob(bytes).await?;
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

    /// Deletes files in the cache directory the ledger does not name (left by a crash between
    /// writing a blob and recording it); returns how many. Run it at start, before any sync or
    /// download: a blob being written is such a file until its row commits.
    pub async fn sweep(&self) -> Result<usize, StoreError> {
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

    /// Writes `bytes` under their hash, atomically; an existing blob is kept as it is.
    async fn write_blob(&self, bytes: Vec<u8>) -> Result<Blob, StoreError> {
        let root = self.store.data_root().to_owned();
        tokio::task::spawn_blocking(move || write_blob(&root, &bytes))
            .await
            .map_err(|err| StoreError::media(Path::new(MEDIA_DIR), std::io::Error::other(err)))?
    }
}

fn write_blob(data_root: &Path, bytes: &[u8]) -> Result<Blob, StoreError> {
    let hash: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let relative = format!("{MEDIA_DIR}/{}/{hash}", &hash[..2]);
    let blob = Blob {
        size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
        path: relative,
        hash,
    };
    let target = data_root.join(&blob.path);
    if std::fs::metadata(&target).is_ok_and(|m| m.len() == blob.size) {
        return Ok(blob);
    }
    let tmp_dir = data_root.join(MEDIA_DIR).join(TMP_DIR);
    let io = |path: &Path| {
        let path = path.to_owned();
        move |err| StoreError::media(&path, err)
    };
    std::fs::create_dir_all(&tmp_dir).map_err(io(&tmp_dir))?;
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    let mut tmp = tempfile::NamedTempFile::new_in(&tmp_dir).map_err(io(&tmp_dir))?;
    tmp.write_all(bytes).map_err(io(tmp.path()))?;
    // On disk before the ledger row that names it can commit.
    tmp.as_file().sync_all().map_err(io(tmp.path()))?;
    tmp.persist(&target).map_err(|err| io(&target)(err.error))?;
    Ok(blob)
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
