//! Import: what a member saved elsewhere comes into the archive as "已保存 / Saved" documents,
//! beside the circles, read in the reader with their highlights and found by the same search
//! (`source:saved`). Decisions: `docs/import.md`.
//!
//! * What is read: Markdown files and folders (Obsidian vaults, Orrery's own export, Omnivore
//!   and Readwise exports with their highlights; [`markdown`]) and saved web pages ([`html`],
//!   main text by a Readability port). A folder is walked whole, hidden entries (`.obsidian`,
//!   `.git`) left out; files of other kinds in it (images, PDFs) are counted as skipped.
//! * Text in any encoding a Chinese system writes: UTF-8, UTF-16 with a BOM, GBK and GB18030
//!   (detected; [`decode`]).
//! * Importing again updates instead of duplicating: a document is the same one when it has
//!   the same original URL, else when it comes from the same file; an unchanged file, or a copy
//!   of one already imported, changes nothing.
//! * Bad input is a problem of its file, reported at the end: binary files, files over
//!   [`MAX_FILE_BYTES`], text in no known encoding. Broken front matter is a warning: the text is
//!   imported without it. Nothing stops the rest.
//!
//! The app and `orrery-cli import` both call [`import`]; the store keeps the documents
//! (`store/documents.rs`) and the search index follows through the change feed.

mod decode;
mod front_matter;
mod html;
mod markdown;
mod walk;

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use futures_util::stream::{self, StreamExt};
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;

use crate::store::{NewDocument, Store, StoreError, Stored};

/// Files larger than this are not imported (a saved page with inlined images can reach a few
/// MB; a larger "document" is almost always something else).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Files read, parsed and stored together: one transaction each.
const CHUNK: usize = 256;

/// A document read from a file, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub title: String,
    /// The original's web address, when the file names one.
    pub url: Option<String>,
    pub author: Option<String>,
    /// When it was saved or published, as the file says.
    pub saved_ms: Option<i64>,
    pub tags: Vec<String>,
    pub format: BodyFormat,
    /// Markdown, or sanitized HTML for saved pages.
    pub body: String,
    /// The plain text search indexes: the body and the highlights with their notes.
    pub text: String,
    pub highlights: Vec<Highlight>,
    /// What was not understood but did not stop the import (broken front matter).
    pub warnings: Vec<String>,
}

/// What the body is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    Markdown,
    Html,
}

impl BodyFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Markdown => "markdown",
            Self::Html => "html",
        }
    }

    pub fn parse(s: &str) -> Self {
        if s == "html" {
            Self::Html
        } else {
            Self::Markdown
        }
    }
}

/// A passage the member marked, with their note.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Highlight {
    pub quote: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Why one file was not imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileProblem {
    #[error("not found")]
    NotFound,
    #[error("cannot be read: {0}")]
    Io(String),
    #[error("a binary file, not a document")]
    Binary,
    #[error("not text in UTF-8, UTF-16, GBK or GB18030")]
    NotText,
    #[error("larger than {} MB", MAX_FILE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("{0}")]
    Unreadable(String),
}

/// How far an import is: `done` of `total` files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportProgress {
    pub done: u64,
    pub total: u64,
}

/// What an import did. Every file given or found is in exactly one of the counts or lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: u64,
    pub updated: u64,
    /// Already imported with the same content (or a copy of one that was).
    pub unchanged: u64,
    /// Files in a folder that are not documents (images, PDFs…).
    pub skipped: u64,
    /// Files that could not be imported, and why.
    pub failed: Vec<(PathBuf, FileProblem)>,
    /// Files imported with something left out, and what.
    pub warnings: Vec<(PathBuf, String)>,
    /// Stopped before the end: what is counted was imported.
    pub cancelled: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the import's worker stopped: {0}")]
    Task(String),
}

/// Imports the documents at `paths` (files or folders) into `store`.
pub async fn import(
    store: &Store,
    paths: &[PathBuf],
    progress: impl Fn(ImportProgress),
    cancel: &CancellationToken,
) -> Result<ImportReport, ImportError> {
    let paths = paths.to_vec();
    let found = tokio::task::spawn_blocking(move || walk::documents(&paths))
        .await
        .map_err(|err| ImportError::Task(err.to_string()))?;
    let mut report = ImportReport {
        skipped: found.skipped,
        failed: found.missing,
        ..ImportReport::default()
    };
    let total = found.files.len() as u64;
    progress(ImportProgress { done: 0, total });
    let imported_ms = crate::now_ms();
    // Parsing of the next chunk overlaps the storing of this one.
    let mut chunks = stream::iter(found.files.chunks(CHUNK).map(<[PathBuf]>::to_vec))
        .map(|chunk| tokio::task::spawn_blocking(move || read_chunk(chunk, imported_ms)))
        .buffered(2);
    let mut done = 0;
    while let Some(read) = chunks.next().await {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let read = read.map_err(|err| ImportError::Task(err.to_string()))?;
        done += read.len() as u64;
        let mut batch = Vec::with_capacity(read.len());
        for (path, result) in read {
            match result {
                Ok(doc) => {
                    report
                        .warnings
                        .extend(doc.doc.warnings.iter().map(|w| (path.clone(), w.clone())));
                    batch.push(doc);
                }
                Err(problem) => report.failed.push((path, problem)),
            }
        }
        for outcome in store.put_documents(&batch).await? {
            match outcome {
                Stored::Added => report.added += 1,
                Stored::Updated => report.updated += 1,
                Stored::Unchanged => report.unchanged += 1,
            }
        }
        progress(ImportProgress { done, total });
    }
    Ok(report)
}

type ReadResult = (PathBuf, Result<NewDocument, FileProblem>);

fn read_chunk(paths: Vec<PathBuf>, imported_ms: i64) -> Vec<ReadResult> {
    paths
        .into_iter()
        .map(|path| {
            let doc = read_file(&path, imported_ms);
            (path, doc)
        })
        .collect()
}

/// Reads, decodes and parses one file.
fn read_file(path: &Path, imported_ms: i64) -> Result<NewDocument, FileProblem> {
    let io = |err: std::io::Error| match err.kind() {
        std::io::ErrorKind::NotFound => FileProblem::NotFound,
        _ => FileProblem::Io(err.to_string()),
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let (text, _encoding) = decode::decode(&bytes)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut doc = if walk::is_html(path) || looks_like_html(&text) {
        html::read(&text, &stem)?
    } else {
        markdown::read(&text, &stem)
    };
    // A document keeps no control characters (a terminal escape, a backspace).
    for field in [&mut doc.title, &mut doc.body, &mut doc.text] {
        field.retain(|c| !c.is_control() || c == '\n' || c == '\t');
    }
    let modified_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .and_then(|d| i64::try_from(d.as_millis()).ok());
    let origin = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    Ok(NewDocument {
        saved_ms: doc.saved_ms.or(modified_ms).unwrap_or(imported_ms),
        doc,
        origin: origin.to_string_lossy().into_owned(),
        content_hash: hex(&Sha256::digest(&bytes)),
        imported_ms,
    })
}

/// A file without an HTML extension that is a page all the same (`<!DOCTYPE html>` or `<html`).
fn looks_like_html(text: &str) -> bool {
    let head = text.trim_start().get(..15).unwrap_or_default();
    head.eq_ignore_ascii_case("<!doctype html>") || head.to_ascii_lowercase().starts_with("<html")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `s` is an `http(s)` address.
fn web_url(s: &str) -> bool {
    zsxq::rich_text::is_web_url(s) && !s.trim().contains(char::is_whitespace)
}

/// A date or time as front matter and pages write it: RFC 3339, `2024-04-14 03:14:50`,
/// `2024-04-14`, Unix milliseconds. Times without a zone are taken as UTC.
fn parse_time(value: &str) -> Option<i64> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let value = value.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(value) {
        return Some(dt.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(value, format) {
            return Some(dt.timestamp_millis());
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(value, format) {
            return Some(dt.and_utc().timestamp_millis());
        }
    }
    for format in ["%Y-%m-%d", "%Y/%m/%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(value, format) {
            return date
                .and_hms_opt(0, 0, 0)
                .map(|dt| dt.and_utc().timestamp_millis());
        }
    }
    value.parse::<i64>().ok().filter(|ms| *ms > 100_000_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_as_files_write_them() {
        assert_eq!(parse_time("2024-04-14 03:14:50"), Some(1_713_064_490_000));
        assert_eq!(
            parse_time("2024-04-14T11:14:50+08:00"),
            Some(1_713_064_490_000)
        );
        assert_eq!(
            parse_time("2024-04-14T11:14:50.000+0800"),
            Some(1_713_064_490_000)
        );
        assert_eq!(parse_time("2024-04-14"), Some(1_713_052_800_000));
        assert_eq!(parse_time("1713064490000"), Some(1_713_064_490_000));
        assert_eq!(parse_time("yesterday"), None);
    }
}
