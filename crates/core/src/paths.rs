//! Where Orrery keeps its files.
//!
//! One data directory holds everything of one installation: the archive, the search index and
//! the logs. The desktop app and `orrery-cli` agree on its default, so the CLI works on the same
//! archive the app shows. `ORRERY_DATA_DIR` overrides it, which tests use to stay out of the
//! user's files.

mod archive_files;

use std::path::{Path, PathBuf};

pub use archive_files::{archive_entries, archive_size, delete_archive};

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
    /// Opens `root`, creating it (and its parents) if needed. A folder it creates is private
    /// to the member on Unix (0700): it holds what they paid to read. A folder that was there
    /// (`--data-dir` may name any) keeps its permissions; the archive and settings files in it
    /// are private themselves.
    pub fn open(root: impl Into<PathBuf>) -> Result<Self, PathError> {
        let root = root.into();
        let create = |source| PathError::Create {
            path: root.clone(),
            source,
        };
        if !root.is_dir() {
            std::fs::create_dir_all(&root).map_err(create)?;
            private_dir(&root).map_err(create)?;
        }
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

#[cfg(unix)]
fn private_dir(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn private_dir(_: &Path) -> std::io::Result<()> {
    // Per-user data folders on Windows inherit the user profile's access list.
    Ok(())
}

/// Makes a file readable and writable by the member only (0600) on Unix; SQLite gives the
/// archive's `-wal` and `-shm` files the archive's own permissions.
pub fn private_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Replaces the file at `path` with `contents` through `<name>.<pid>-<n>.partial` and a
/// rename, so a crash leaves the old file or the new one, never half of one, nor an empty one
/// after a power cut. For the small settings files; the file is the member's only (0600).
///
/// The temporary name is this writer's own: the app and the CLI write `account.json` at the
/// same moment when both sign in, and with one shared name one truncated the other's file
/// before it was renamed into place, leaving an empty account file (found by the chaos suite,
/// `crates/cli/tests/cli/chaos.rs`).
pub fn replace_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(
        ".{}-{}.partial",
        std::process::id(),
        WRITES.fetch_add(1, Ordering::Relaxed)
    ));
    // A name left by a killed process whose pid came back is that dead writer's: replace it.
    let mut file = std::fs::File::create(&partial)?;
    private_file(Path::new(&partial))?;
    file.write_all(contents.as_bytes())?;
    // On disk before the rename makes it the file: after a power cut the name holds either
    // the old content or the new, never an empty file.
    file.sync_all()?;
    drop(file);
    std::fs::rename(&partial, path)?;
    sync_parent(path)?;
    remove_stale_partials(path);
    Ok(())
}

/// Removes what writers killed mid-write left beside `path` (`<name>.<pid>-<n>.partial`),
/// once they are a minute old: a live writer's lasts milliseconds.
fn remove_stale_partials(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let prefix = format!("{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(60));
        if file.starts_with(&prefix) && file.ends_with(".partial") && stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Makes a rename in `path`'s folder durable. Windows cannot open a folder for that; its
/// renames are journalled by NTFS.
fn sync_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) if !cfg!(windows) => std::fs::File::open(dir)?.sync_all(),
        _ => Ok(()),
    }
}

/// Opens (creating it if needed) a file that exists only to be locked with `File::lock` and
/// its kin: the sync's, the media cache's, the migrations' and the search index's. Its content
/// is never read or changed; the lock goes with the process that holds it.
pub fn open_lock_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// Moves a damaged file out of the way, to `<name>.damaged-<unix ms>` beside it, so that what
/// it held is kept for the member (or a bug report) while the app starts without it. Returns
/// where it went.
pub fn set_aside(path: &Path) -> std::io::Result<PathBuf> {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".damaged-{ms}"));
    let aside = PathBuf::from(aside);
    std::fs::rename(path, &aside)?;
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer killed mid-write leaves its temporary file; the next write clears it once it
    /// is clearly dead (a minute old), never a live writer's.
    #[test]
    fn a_killed_writers_leftover_goes_with_the_next_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("settings.json");
        let (old, fresh) = (
            dir.path().join("settings.json.4242-0.partial"),
            dir.path().join("settings.json.4243-0.partial"),
        );
        for leftover in [&old, &fresh] {
            std::fs::write(leftover, "{").expect("leftover");
        }
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&old)
            .and_then(|f| f.set_modified(hour_ago))
            .expect("aged");
        replace_file(&path, "{}").expect("written");
        assert!(!old.exists(), "the dead writer's leftover stayed");
        assert!(fresh.exists(), "a live writer's file was removed");
    }

    /// Two writers of one settings file at once (the app and the CLI signing in) shared one
    /// temporary name: one truncated the other's before its rename, leaving an empty file or
    /// failing with "No such file or directory". Each writer now has its own.
    #[test]
    fn two_writers_at_once_never_leave_an_empty_or_half_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("account.json");
        let texts = [
            "{\"base_url\":\"https://a.example\"}",
            "{\"base_url\":\"http://127.0.0.1:9\"}",
        ];
        std::thread::scope(|scope| {
            for text in texts {
                let path = &path;
                scope.spawn(move || {
                    for _ in 0..200 {
                        replace_file(path, text).expect("written");
                    }
                });
            }
            for _ in 0..200 {
                if let Ok(now) = std::fs::read_to_string(&path) {
                    assert!(texts.contains(&now.as_str()), "{now:?}");
                }
            }
        });
        let now = std::fs::read_to_string(&path).expect("read");
        assert!(texts.contains(&now.as_str()), "{now:?}");
    }

    #[test]
    fn open_creates_nested_directories() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("星仪").join("data");
        let dir = DataDir::open(&root).expect("opens");
        assert!(root.is_dir());
        assert_eq!(dir.root(), root);
        assert_eq!(dir.logs(), root.join("logs"));
    }

    #[cfg(unix)]
    #[test]
    fn the_data_folder_and_settings_files_are_the_members_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path().join("data");
        let dir = DataDir::open(&root).expect("opens");
        let mode = |p: &Path| std::fs::metadata(p).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode(dir.root()), 0o700);
        let chosen = tmp.path().join("chosen");
        std::fs::create_dir(&chosen).expect("mkdir");
        std::fs::set_permissions(&chosen, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        DataDir::open(&chosen).expect("opens");
        assert_eq!(
            mode(&chosen),
            0o755,
            "a folder that was there is left as it was"
        );
        let file = root.join("settings.json");
        replace_file(&file, "{}").expect("writes");
        assert_eq!(mode(&file), 0o600);
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
