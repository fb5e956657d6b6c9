//! Writing a download into the cache as it arrives: the bytes go to a temporary file in
//! `media/tmp` and through SHA-256 at once, so memory holds one chunk whatever the size, and
//! the finished file is synced and renamed to its content address (`media/ab/<sha-256>`).
//!
//! A [`BlobWriter`] that is dropped unfinished — a refused or failed attempt, a cancelled
//! sync — deletes its temporary file; a kill leaves it for [`MediaCache::sweep`]. Each attempt
//! of a download gets a writer of its own ([`zsxq::Client::download`] opens one per attempt),
//! so a retry never appends to a failed attempt's bytes.
//!
//! [`MediaCache::sweep`]: super::MediaCache::sweep

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use zsxq::client::BodySink;

use super::{MEDIA_DIR, TMP_DIR};
use crate::store::{Blob, StoreError};

/// A blob being written.
pub(super) struct BlobWriter {
    root: PathBuf,
    file: tokio::fs::File,
    /// Deletes the temporary file when dropped before [`BlobWriter::finish`] persisted it.
    tmp: tempfile::TempPath,
    hasher: Sha256,
    size: u64,
}

impl BlobWriter {
    /// A new temporary file in the cache of the data directory `root`.
    pub(super) async fn create(root: PathBuf) -> Result<Self, StoreError> {
        let tmp_dir = root.join(MEDIA_DIR).join(TMP_DIR);
        let dir = tmp_dir.clone();
        let (file, tmp) = tokio::task::spawn_blocking(move || {
            std::fs::create_dir_all(&dir)?;
            tempfile::NamedTempFile::new_in(&dir).map(tempfile::NamedTempFile::into_parts)
        })
        .await
        .map_err(std::io::Error::other)
        .and_then(|made| made)
        .map_err(|err| StoreError::media(&tmp_dir, err))?;
        Ok(Self {
            root,
            file: tokio::fs::File::from_std(file),
            tmp,
            hasher: Sha256::new(),
            size: 0,
        })
    }

    /// Syncs the bytes and moves them under their hash; an existing blob of that hash is
    /// kept as it is (and the temporary file deleted). On disk before the ledger row that
    /// names it can commit.
    pub(super) async fn finish(self) -> Result<Blob, StoreError> {
        let Self {
            root,
            mut file,
            tmp,
            hasher,
            size,
        } = self;
        let io = |path: &Path| {
            let path = path.to_owned();
            move |err| StoreError::media(&path, err)
        };
        file.flush().await.map_err(io(&tmp))?;
        file.sync_all().await.map_err(io(&tmp))?;
        // Closed before the rename, which some systems refuse on an open file.
        drop(file);
        let hash: String = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let blob = Blob {
            path: format!("{MEDIA_DIR}/{}/{hash}", &hash[..2]),
            hash,
            size,
        };
        let target = root.join(&blob.path);
        tokio::task::spawn_blocking(move || {
            if std::fs::metadata(&target).is_ok_and(|m| m.len() == size) {
                // The same bytes are cached already; `tmp` deletes itself.
                return Ok(());
            }
            if let Some(dir) = target.parent() {
                std::fs::create_dir_all(dir).map_err(io(dir))?;
            }
            tmp.persist(&target)
                .map(drop)
                .map_err(|err| io(&target)(err.error))
        })
        .await
        .map_err(|err| StoreError::media(Path::new(MEDIA_DIR), std::io::Error::other(err)))??;
        Ok(blob)
    }
}

impl BodySink for BlobWriter {
    type Error = StoreError;

    async fn write(&mut self, chunk: &[u8]) -> Result<(), StoreError> {
        self.hasher.update(chunk);
        self.size += u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        self.file
            .write_all(chunk)
            .await
            .map_err(|err| StoreError::media(&self.tmp, err))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a panic is the failure report.
mod tests {
    use super::*;

    fn tmp_files(root: &Path) -> usize {
        std::fs::read_dir(root.join(MEDIA_DIR).join(TMP_DIR))
            .map(|dir| dir.count())
            .unwrap_or(0)
    }

    #[tokio::test]
    async fn a_finished_blob_is_named_by_its_hash_and_leaves_no_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        let mut writer = BlobWriter::create(root.path().to_owned()).await.unwrap();
        writer.write(b"hello ").await.unwrap();
        writer.write(b"world").await.unwrap();
        let blob = writer.finish().await.unwrap();
        // sha256("hello world")
        assert_eq!(
            blob.hash,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(blob.path, format!("media/b9/{}", blob.hash));
        assert_eq!(blob.size, 11);
        assert_eq!(
            std::fs::read(root.path().join(&blob.path)).unwrap(),
            b"hello world"
        );
        assert_eq!(tmp_files(root.path()), 0);
    }

    #[tokio::test]
    async fn an_abandoned_blob_deletes_its_temporary_file() {
        let root = tempfile::tempdir().unwrap();
        let mut writer = BlobWriter::create(root.path().to_owned()).await.unwrap();
        writer.write(b"half of it").await.unwrap();
        assert_eq!(tmp_files(root.path()), 1);
        drop(writer);
        assert_eq!(tmp_files(root.path()), 0);
    }
}
