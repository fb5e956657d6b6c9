//! Where Orrery keeps its files.
//!
//! One data directory holds everything of one installation: the archive, the search index and
//! the logs. The desktop app and `orrery-cli` agree on its default, so the CLI works on the same
//! archive the app shows. `ORRERY_DATA_DIR` overrides it, which tests use to stay out of the
//! user's files.

use std::path::{Path, PathBuf};

/// The app's identifier, as in `tauri.conf.json`; it names the per-user directories.
pub const APP_IDENTIFIER: &str = "app.orrery.desktop";

/// Environment variable that overrides the data directory.
pub const DATA_DIR_ENV: &str = "ORRERY_DATA_DIR";

#[derive(Debug, thiserror::Error)]
pub enum PathError {
    #[error("this system reports no per-user data directory; pass a data directory explicitly")]
    NoUserDataDir,
    #[error("cannot create the data directory {path}: {source}")]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The directory of one Orrery installation, created on open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    /// Opens `root`, creating it (and its parents) if needed.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, PathError> {
        let root = root.into();
        std::fs::create_dir_all(&root).map_err(|source| PathError::Create {
            path: root.clone(),
            source,
        })?;
        Ok(Self { root })
    }

    /// The directory from `ORRERY_DATA_DIR` if set and not empty, else the platform's per-user
    /// data directory (`~/.local/share/app.orrery.desktop` on Linux, `~/Library/Application
    /// Support/app.orrery.desktop` on macOS, `%APPDATA%\app.orrery.desktop` on Windows), which is
    /// also where Tauri puts the app's own data.
    pub fn default_location() -> Result<PathBuf, PathError> {
        match std::env::var_os(DATA_DIR_ENV) {
            Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
            _ => dirs::data_dir()
                .map(|d| d.join(APP_IDENTIFIER))
                .ok_or(PathError::NoUserDataDir),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where log files go.
    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }
}

/// Replaces the file at `path` with `contents` through `<name>.partial` and a rename, so a
/// crash leaves the old file or the new one, never half of one. For the small settings files.
pub fn replace_file(path: &Path, contents: &str) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    std::fs::write(&partial, contents)?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_creates_nested_directories() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("星仪").join("data");
        let dir = DataDir::open(&root).expect("opens");
        assert!(root.is_dir());
        assert_eq!(dir.root(), root);
        assert_eq!(dir.logs(), root.join("logs"));
    }

    #[test]
    fn open_reports_the_path_it_could_not_create() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let file = tmp.path().join("occupied");
        std::fs::write(&file, b"not a directory").expect("write");
        let err = DataDir::open(file.join("sub")).expect_err("a file is in the way");
        assert!(err.to_string().contains("occupied"), "{err}");
    }
}
