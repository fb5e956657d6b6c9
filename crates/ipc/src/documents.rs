//! 已保存 / Saved: documents imported from outside the circles (Markdown notes, Obsidian vaults,
//! Omnivore and Readwise exports, saved web pages), listed and read like topics.

use serde::{Deserialize, Serialize};

use crate::id::DocumentId;

/// A page of the documents, newest saved first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentsArgs {
    pub offset: u32,
    pub limit: u32,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentRowDto {
    pub id: DocumentId,
    pub title: String,
    /// The host it came from (`zhihu.com`), when known.
    pub site: Option<String>,
    pub author: Option<String>,
    pub saved_ms: i64,
    pub highlights: u32,
    /// The start of its text.
    pub excerpt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentsDto {
    pub documents: Vec<DocumentRowDto>,
    /// All documents, beyond this page too.
    pub total: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentArgs {
    pub document: DocumentId,
}

/// A passage the member marked elsewhere, with their note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HighlightDto {
    pub quote: String,
    pub note: Option<String>,
}

/// A document in the reader.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DocumentDto {
    pub id: DocumentId,
    pub title: String,
    /// The original's web address (opened in the system browser).
    pub url: Option<String>,
    pub site: Option<String>,
    pub author: Option<String>,
    pub saved_ms: i64,
    pub imported_ms: i64,
    /// The file it was imported from.
    pub origin: String,
    /// Sanitized by the core: structure, emphasis, web links, and `<mark>` on highlights.
    pub html: String,
    pub highlights: Vec<HighlightDto>,
    pub tags: Vec<String>,
}

/// Files and folders to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportArgs {
    pub paths: Vec<String>,
}

/// A file that was not imported, or imported with something left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportIssueDto {
    pub path: String,
    /// Why, in English (the core's words; the UI shows them as they are).
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportDoneDto {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Files in the folders that are not documents (images, PDFs…).
    pub skipped: u64,
    pub failed: Vec<ImportIssueDto>,
    pub warnings: Vec<ImportIssueDto>,
}
