//! Export from the window: what to export (the circle and tab on screen, or a search), in
//! which format, with progress streamed to a channel.

use serde::{Deserialize, Serialize};

use crate::commands::{ChannelRef, TabDto};
use crate::id::CircleId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormatDto {
    /// A folder for Obsidian and the like.
    Markdown,
    /// One self-contained file.
    Html,
    /// One object per topic, for scripts.
    Jsonl,
    /// One book for e-readers.
    Epub,
}

/// What to export: a circle's tab (with its hashtag or column filter), what a search finds, or
/// the topics the member put on the Read later list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "of")]
pub enum ExportScopeDto {
    Circle {
        circle: CircleId,
        tab: TabDto,
        hashtag: Option<String>,
        column: Option<String>,
    },
    Search {
        query: String,
    },
    /// The topics on the 稍后读 / Read later list: the ones the member picked.
    ReadLater,
    /// Topics picked in a timeline (`x`, or Ctrl/Cmd+click).
    Topics {
        topics: Vec<crate::id::TopicId>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportArgs {
    pub scope: ExportScopeDto,
    pub format: ExportFormatDto,
    /// The channel that receives [`ExportProgressDto`]s.
    pub on_progress: ChannelRef,
}

/// How far the export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportProgressDto {
    pub done: u64,
    pub total: u64,
}

/// What an export wrote, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportDoneDto {
    /// The folder (Markdown) or file written, shown in the file manager.
    pub path: String,
    pub topics: u64,
    /// Files new or changed; the others were already up to date.
    pub written: u64,
    pub unchanged: u64,
    pub images: u64,
    /// Images not in the cache, so not in the export.
    pub images_missing: u64,
    /// Stopped by [`CancelExport`](crate::commands::CancelExport): nothing half-written was
    /// left, and the counts are zero.
    pub cancelled: bool,
}
