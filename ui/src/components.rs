//! The pieces the pages and the root are made of: each reads the shared state and the words,
//! and none imports a page or the root.

pub mod attachment;
pub mod brief_item;
pub mod chips;
pub mod error_text;
pub mod export_dialog;
pub mod inbox_nav;
pub mod list_keys;
pub mod search_hit;
pub mod sidebar;
pub mod status_bar;
pub mod timeline_filters;
pub mod top_bar;
pub mod topic_row;
pub mod warmup;
