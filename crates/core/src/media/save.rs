//! Saving an attached file where the member keeps downloads, under the name it was posted
//! with, made safe: remote names are hostile input, and a name must never reach outside the
//! folder, hide the file, reorder its extension (bidi controls) or collide with a file
//! already there. The cache keeps its own copy; a failed save leaves nothing half-written.

use std::io;
use std::path::{Path, PathBuf};

use zsxq::{Client, FileId};

use super::{MediaCache, MediaError};

/// The longest name written, in bytes: below every common file system's 255.
const MAX_NAME_BYTES: usize = 180;

/// Names Windows reserves for devices, with any extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

impl MediaCache {
    /// Copies attached `file` into `dir` (from the cache, or downloaded first through
    /// `client` by [`MediaCache::file`]) and returns where it was written.
    pub async fn save_file(
        &self,
        client: &Client,
        file: FileId,
        dir: &Path,
    ) -> Result<PathBuf, MediaError> {
        let name = self
            .store
            .file_entry(file)
            .await?
            .ok_or(MediaError::Unknown { what: "file" })?
            .name;
        let cached = self.file(client, file).await?;
        let name = safe_file_name(&name, &format!("file-{file}"));
        let to = dir.to_owned();
        tokio::task::spawn_blocking(move || copy_unique(&cached, &to, &name))
            .await
            .map_err(io::Error::other)
            .and_then(|copied| copied)
            .map_err(|source| MediaError::Save {
                dir: dir.to_owned(),
                source,
            })
    }
}

/// An I/O failure in plain words where the member can act on it.
pub(super) fn describe(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
            "the disk is full; free some space and try again".to_owned()
        }
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            "the folder cannot be written to".to_owned()
        }
        _ => err.to_string(),
    }
}

/// `name` as a single, visible, portable file name; `fallback` when nothing of it is left.
pub fn safe_file_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !is_invisible_control(*c))
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned
        .trim_matches(|c: char| c.is_whitespace() || c == '.')
        .to_owned();
    let mut name = if trimmed.is_empty() {
        fallback.to_owned()
    } else {
        trimmed
    };
    let stem = name.split('.').next().unwrap_or_default();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem.trim())) {
        name.insert(0, '_');
    }
    shorten(&name, MAX_NAME_BYTES)
}

/// Control characters, and the format characters that reorder or hide text (bidi overrides,
/// zero-width joiners): `报告\u{202E}fdp.exe` must not show as `报告exe.pdf`.
fn is_invisible_control(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

/// `name` cut to `max` bytes on a character boundary, keeping a short extension.
fn shorten(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let ext = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|ext| ext.len() <= 16)
        .unwrap_or("");
    let mut stem_end = max - ext.len();
    while !name.is_char_boundary(stem_end) {
        stem_end -= 1;
    }
    format!("{}{ext}", &name[..stem_end])
}

/// Copies `from` into `dir` as `name`, or `name (2)`, `name (3)`… when taken. A file is only
/// ever created new, never overwritten, and removed again if the copy fails (a full disk).
fn copy_unique(from: &Path, dir: &Path, name: &str) -> io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 => name.split_at(dot),
        _ => (name, ""),
    };
    for n in 1..=999 {
        let candidate = if n == 1 {
            dir.join(name)
        } else {
            dir.join(format!("{stem} ({n}){ext}"))
        };
        let mut out = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(out) => out,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        };
        let copied = std::fs::File::open(from)
            .and_then(|mut input| io::copy(&mut input, &mut out))
            .and_then(|_| out.sync_all());
        return match copied {
            Ok(()) => Ok(candidate),
            Err(e) => {
                let _ = std::fs::remove_file(&candidate);
                Err(e)
            }
        };
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{name}: too many files of that name"),
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Test code: a panic is the failure report.
mod tests {
    use super::*;

    #[test]
    fn remote_names_become_one_visible_portable_name() {
        let safe = |n: &str| safe_file_name(n, "file-7");
        assert_eq!(safe("读书笔记 第3期.pdf"), "读书笔记 第3期.pdf");
        assert_eq!(safe("../../.bashrc"), "bashrc");
        assert_eq!(safe("C:\\Windows\\system32\\evil.dll"), "evil.dll");
        assert_eq!(
            safe("<script>alert(1)</script>.txt"),
            "script>.txt".replace('>', "_")
        );
        assert_eq!(safe("报告\u{202E}fdp.exe"), "报告fdp.exe");
        assert_eq!(safe("a\u{0}b\nc.md"), "abc.md");
        assert_eq!(safe(" ..  "), "file-7");
        assert_eq!(safe("con.txt"), "_con.txt");
        assert_eq!(safe("Console.txt"), "Console.txt");
        assert_eq!(safe("what?.pdf"), "what_.pdf");
    }

    #[test]
    fn long_names_keep_their_extension_and_whole_characters() {
        let name = format!("{}.pdf", "知".repeat(100));
        let short = safe_file_name(&name, "x");
        assert!(short.len() <= MAX_NAME_BYTES);
        assert!(short.ends_with("知.pdf"), "{short}");
    }

    #[test]
    fn a_taken_name_gets_a_number_and_nothing_is_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("blob");
        std::fs::write(&source, b"new bytes").unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("笔记.pdf"), b"kept").unwrap();
        let first = copy_unique(&source, &out, "笔记.pdf").unwrap();
        let second = copy_unique(&source, &out, "笔记.pdf").unwrap();
        assert_eq!(first, out.join("笔记 (2).pdf"));
        assert_eq!(second, out.join("笔记 (3).pdf"));
        assert_eq!(std::fs::read(out.join("笔记.pdf")).unwrap(), b"kept");
        assert_eq!(std::fs::read(&second).unwrap(), b"new bytes");
        let dotless = copy_unique(&source, &out, "README").unwrap();
        assert_eq!(dotless, out.join("README"));
        assert_eq!(
            copy_unique(&source, &out, "README").unwrap(),
            out.join("README (2)")
        );
    }

    #[test]
    fn a_failed_copy_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("evicted-meanwhile");
        assert!(copy_unique(&missing, dir.path(), "a.pdf").is_err());
        assert!(!dir.path().join("a.pdf").exists());
    }
}
