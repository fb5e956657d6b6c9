//! Which files an import reads: the files named, and the documents in the folders named.

use std::path::{Path, PathBuf};

use super::FileProblem;

/// Extensions of Markdown and plain text (the seed is a `.txt` of Markdown).
const TEXT: [&str; 5] = ["md", "markdown", "mdown", "mkd", "txt"];
/// Extensions of saved web pages.
const PAGES: [&str; 3] = ["html", "htm", "xhtml"];

/// What [`documents`] found.
#[derive(Debug, Default)]
pub struct Found {
    /// The files to read, in a stable order (sorted per folder).
    pub files: Vec<PathBuf>,
    /// Files in folders that are not documents.
    pub skipped: u64,
    /// Paths given that do not exist or cannot be listed.
    pub missing: Vec<(PathBuf, FileProblem)>,
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

pub fn is_html(path: &Path) -> bool {
    PAGES.contains(&extension(path).as_str())
}

fn is_document(path: &Path) -> bool {
    let ext = extension(path);
    TEXT.contains(&ext.as_str()) || PAGES.contains(&ext.as_str())
}

/// Hidden files and folders (`.obsidian`, `.git`, `.trash`) and Orrery's own temporary files.
fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}

/// The files to import from `paths`: a file named is read whatever its extension (its content
/// decides); a folder gives its documents, recursively.
pub fn documents(paths: &[PathBuf]) -> Found {
    let mut found = Found::default();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => folder(path, &mut found),
            Ok(_) => found.files.push(path.clone()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                found.missing.push((path.clone(), FileProblem::NotFound));
            }
            Err(err) => found
                .missing
                .push((path.clone(), FileProblem::Io(err.to_string()))),
        }
    }
    found
}

fn folder(root: &Path, found: &mut Found) {
    let walk = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.path()));
    for entry in walk {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                if is_document(entry.path()) {
                    found.files.push(entry.into_path());
                } else {
                    found.skipped += 1;
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(root).to_owned();
                found.missing.push((path, FileProblem::Io(err.to_string())));
            }
        }
    }
}
