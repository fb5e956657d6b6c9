//! The account's archive as files in the data folder: what "delete the local archive" at
//! sign-out removes ([`delete_archive`]) and the size it names first ([`archive_size`]).
//!
//! The archive is the SQLite file with its journal and locks (imported documents and inbox
//! included), the search index and the media cache. What stays: the member's settings,
//! `account.json` (which service to sign in to next; the user is already forgotten), the logs
//! and the demo's own folder.

use std::path::{Path, PathBuf};

use super::DataDir;

/// Entries of the data folder that belong to the archive, whole.
const ARCHIVE_ENTRIES: [&str; 4] = ["search", "media", "media.lock", "sync.lock"];

/// The archive's entries in `dir` that exist: `archive.*` (the SQLite file, `-wal`, `-shm`,
/// the migration lock) and [`ARCHIVE_ENTRIES`].
pub fn archive_entries(dir: &DataDir) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir.root())? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("archive.") || ARCHIVE_ENTRIES.contains(&name.as_ref()) {
            found.push(entry.path());
        }
    }
    found.sort();
    Ok(found)
}

/// Bytes the archive takes on disk.
pub fn archive_size(dir: &DataDir) -> std::io::Result<u64> {
    Ok(archive_entries(dir)?.iter().map(|path| size_of(path)).sum())
}

/// Deletes the archive (see the module's overview); returns the bytes it took. Call it with
/// the archive closed.
pub fn delete_archive(dir: &DataDir) -> std::io::Result<u64> {
    let mut freed = 0;
    for path in archive_entries(dir)? {
        freed += size_of(&path);
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    tracing::info!(freed, "the local archive was deleted");
    Ok(freed)
}

fn size_of(path: &Path) -> u64 {
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_archive_goes_and_the_settings_logs_and_demo_stay() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::open(tmp.path()).expect("data dir");
        let root = tmp.path();
        for (file, bytes) in [
            ("archive.sqlite3", 4096),
            ("archive.sqlite3-wal", 100),
            ("search/v2/segment", 50),
            ("media/ab/cdef", 1000),
            ("settings.json", 7),
            ("account.json", 9),
            ("logs/orrery.log", 11),
            ("demo/archive.sqlite3", 13),
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(path, vec![b'x'; bytes]).expect("write");
        }
        assert_eq!(archive_size(&dir).expect("size"), 4096 + 100 + 50 + 1000);
        assert_eq!(delete_archive(&dir).expect("deleted"), 5246);
        assert_eq!(archive_size(&dir).expect("size"), 0);
        for kept in [
            "settings.json",
            "account.json",
            "logs/orrery.log",
            "demo/archive.sqlite3",
        ] {
            assert!(root.join(kept).is_file(), "{kept} was deleted");
        }
        assert!(!root.join("search").exists() && !root.join("media").exists());
    }
}
