//! Whether this Linux desktop has the AppIndicator library the tray needs.
//!
//! `tray-icon` loads `libayatana-appindicator3` (or the older `libappindicator3`) with
//! `dlopen` the first time a tray is built, and panics when neither loads. Release builds abort
//! on a panic (`panic = "abort"`), so catching it is no way out there: the app looks for the
//! library first and, without it, starts without a tray. The packages only recommend the
//! library, so such desktops exist.
//!
//! The look is what the dynamic loader would find, without loading anything (loading a library
//! is `unsafe`, which this workspace forbids): the directories of `LD_LIBRARY_PATH` (an AppImage
//! puts its own there), the loader's cache as `ldconfig -p` prints it, then the usual library
//! directories. A library that is present but broken still panics inside `tray-icon`, which
//! unwinding builds catch; that is the rare case left.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The names `libappindicator-sys` tries, in its order.
const NAMES: [&str; 4] = [
    "libayatana-appindicator3.so.1",
    "libappindicator3.so.1",
    "libayatana-appindicator3.so",
    "libappindicator3.so",
];

/// Whether the library can be found.
pub fn present() -> bool {
    let dirs = search_dirs(std::env::var_os("LD_LIBRARY_PATH").as_deref());
    let cache = loader_cache();
    find(&dirs, &cache).is_some()
}

/// The first of [`NAMES`] in `dirs` or listed in `cache` (the output of `ldconfig -p`).
fn find(dirs: &[PathBuf], cache: &str) -> Option<PathBuf> {
    for name in NAMES {
        if let Some(dir) = dirs.iter().find(|d| d.join(name).is_file()) {
            return Some(dir.join(name));
        }
        // "\tlibayatana-appindicator3.so.1 (libc6,x86-64) => /usr/lib/…/libayatana-…so.1"
        let listed = cache.lines().find_map(|line| {
            let (lib, path) = line.trim().split_once(" => ")?;
            (lib.split_whitespace().next() == Some(name)).then(|| PathBuf::from(path.trim()))
        });
        if let Some(path) = listed.filter(|p| p.is_file()) {
            return Some(path);
        }
    }
    None
}

/// `LD_LIBRARY_PATH`'s directories, then the usual ones for this architecture.
fn search_dirs(ld_library_path: Option<&std::ffi::OsStr>) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = ld_library_path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
    for root in ["/usr/lib", "/lib", "/usr/local/lib"] {
        dirs.push(Path::new(root).join(&multiarch));
        dirs.push(PathBuf::from(root));
    }
    dirs.extend(["/usr/lib64", "/lib64"].map(PathBuf::from));
    dirs
}

/// What `ldconfig -p` prints (it is in `/sbin` on Debian, off a user's `PATH`); empty when it
/// cannot run.
fn loader_cache() -> String {
    ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"]
        .iter()
        .find_map(|program| Command::new(program).arg("-p").output().ok())
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_the_library_anywhere_there_is_no_tray() {
        let empty = tempfile::tempdir().expect("a directory");
        assert_eq!(find(&[empty.path().to_owned()], ""), None);
        // A cache entry whose file is gone (a package removed since) does not count either.
        let stale = "\tlibayatana-appindicator3.so.1 (libc6,x86-64) => /nonexistent/libayatana-appindicator3.so.1\n";
        assert_eq!(find(&[empty.path().to_owned()], stale), None);
    }

    #[test]
    fn the_library_is_found_in_a_directory_or_through_the_loader_cache() {
        let dir = tempfile::tempdir().expect("a directory");
        let lib = dir.path().join("libappindicator3.so.1");
        std::fs::write(&lib, b"").expect("a file");
        assert_eq!(find(&[dir.path().to_owned()], ""), Some(lib.clone()));
        let cache = format!(
            "2 libs found in cache `/etc/ld.so.cache'\n\tlibfoo.so.1 (libc6,x86-64) => /x/libfoo.so.1\n\tlibappindicator3.so.1 (libc6,x86-64) => {}\n",
            lib.display()
        );
        assert_eq!(find(&[], &cache), Some(lib));
    }

    #[test]
    fn ld_library_path_comes_first() {
        let dirs = search_dirs(Some(std::ffi::OsStr::new("/opt/app/usr/lib:/other")));
        assert_eq!(
            dirs[..2],
            [PathBuf::from("/opt/app/usr/lib"), PathBuf::from("/other")]
        );
    }
}
