//! Writing an export: every file whole or not at all, and only when it changed.
//!
//! A file is written to a hidden temporary name beside it and renamed over the old one, so a
//! cancelled or killed export never leaves a half-written file (a temporary one at most, which
//! the next export into the folder removes). A file whose bytes are already there is not
//! touched, so exporting again rewrites only what changed, and a sync tool or Obsidian sees
//! only those. Nothing is ever deleted: the folder may hold the member's own notes.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The prefix of temporary files (hidden on Unix, and not a note Obsidian would show).
const TEMP_PREFIX: &str = ".orrery-export-";

/// Files written or left as they were.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub written: u64,
    pub unchanged: u64,
}

/// An error with the path it concerns.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

fn at(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError {
        path: path.to_owned(),
        source,
    }
}

impl Tally {
    /// Writes `bytes` to `path` unless it already holds exactly them.
    pub fn put(&mut self, path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
        if std::fs::read(path).is_ok_and(|old| old == bytes) {
            self.unchanged += 1;
            return Ok(());
        }
        replace(path, |file| file.write_all(bytes))?;
        self.written += 1;
        Ok(())
    }

    /// Copies `from` to `path` unless a file of the same size is there: an image is
    /// immutable per id, so its size is enough to know it is already copied.
    pub fn copy(&mut self, from: &Path, path: &Path) -> Result<(), WriteError> {
        let size = std::fs::metadata(from).map_err(at(from))?.len();
        if std::fs::metadata(path).is_ok_and(|m| m.len() == size) {
            self.unchanged += 1;
            return Ok(());
        }
        let mut source = std::fs::File::open(from).map_err(at(from))?;
        replace(path, |file| std::io::copy(&mut source, file).map(drop))?;
        self.written += 1;
        Ok(())
    }
}

/// Writes `path` through a temporary file renamed into place.
fn replace(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), WriteError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(at(dir))?;
    let temp = temp_of(path);
    // Not synced to disk: the rename makes a file appear whole or not at all, and an export
    // cut off by a power failure is made again; a sync per note made a vault 3x slower.
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        write(&mut file)
    })();
    if let Err(source) = written.and_then(|()| std::fs::rename(&temp, path)) {
        let _ = std::fs::remove_file(&temp);
        return Err(WriteError {
            path: path.to_owned(),
            source,
        });
    }
    Ok(())
}

/// A file being written in pieces (a whole HTML or JSON lines export): kept under a
/// temporary name until [`Staged::commit`], removed if dropped before (cancelled, failed).
pub struct Staged {
    path: PathBuf,
    temp: PathBuf,
    file: Option<std::io::BufWriter<std::fs::File>>,
}

impl Staged {
    pub fn create(path: &Path) -> Result<Self, WriteError> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(at(dir))?;
        let temp = temp_of(path);
        let file = std::fs::File::create(&temp).map_err(at(&temp))?;
        Ok(Self {
            path: path.to_owned(),
            temp,
            file: Some(std::io::BufWriter::new(file)),
        })
    }

    pub fn write(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        match &mut self.file {
            Some(file) => file.write_all(bytes).map_err(at(&self.temp)),
            None => Ok(()),
        }
    }

    /// Puts the file in place, unless the same bytes are already there.
    pub fn commit(mut self, tally: &mut Tally) -> Result<(), WriteError> {
        let Some(file) = self.file.take() else {
            return Ok(());
        };
        let file = file.into_inner().map_err(|e| WriteError {
            path: self.temp.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(at(&self.temp))?;
        drop(file);
        if same_bytes(&self.temp, &self.path) {
            let _ = std::fs::remove_file(&self.temp);
            tally.unchanged += 1;
        } else {
            std::fs::rename(&self.temp, &self.path).map_err(at(&self.path))?;
            tally.written += 1;
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

fn temp_of(path: &Path) -> PathBuf {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    dir.join(format!("{TEMP_PREFIX}{name}"))
}

/// Whether two files hold the same bytes (read in chunks: an export may be large).
fn same_bytes(a: &Path, b: &Path) -> bool {
    use std::io::Read;
    let (Ok(fa), Ok(fb)) = (std::fs::File::open(a), std::fs::File::open(b)) else {
        return false;
    };
    if fa.metadata().map(|m| m.len()).ok() != fb.metadata().map(|m| m.len()).ok() {
        return false;
    }
    let (mut ra, mut rb) = (std::io::BufReader::new(fa), std::io::BufReader::new(fb));
    let (mut ba, mut bb) = (vec![0; 64 * 1024], vec![0; 64 * 1024]);
    loop {
        let n = match ra.read(&mut ba) {
            Ok(n) => n,
            Err(_) => return false,
        };
        if n == 0 {
            return true;
        }
        if rb.read_exact(&mut bb[..n]).is_err() || ba[..n] != bb[..n] {
            return false;
        }
    }
}

/// Removes the temporary files a killed export left in `dir` and its folders, `depth` levels
/// down (a vault's circle folders and their attachments: nothing deeper is the export's, and
/// the member's own folders may be large).
pub fn sweep(dir: &Path, depth: usize) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            let _ = std::fs::remove_file(&path);
        } else if depth > 0 && entry.file_type().is_ok_and(|t| t.is_dir()) {
            sweep(&path, depth - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_rewritten_only_when_its_bytes_change() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("圈子").join("a.md");
        let mut tally = Tally::default();
        tally
            .put(&path, "一".as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        tally
            .put(&path, "一".as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        tally
            .put(&path, "二".as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            tally,
            Tally {
                written: 2,
                unchanged: 1
            }
        );
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("二"));

        std::fs::write(dir.path().join(format!("{TEMP_PREFIX}b.md")), "half").ok();
        sweep(dir.path(), 2);
        let left: Vec<_> = std::fs::read_dir(dir.path().join("圈子"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("a.md")]);
        assert!(!dir.path().join(format!("{TEMP_PREFIX}b.md")).exists());
    }
}
