//! Images, files and long-form article links attached to topics and comments.

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::Timestamp;
use crate::id::{FileId, ImageId};

/// An image. Its URLs are signed and expire (`e=` query parameter), so download or re-fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// The image.
    pub image_id: ImageId,
    /// `jpg`, `png`, `gif`…
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Small rendition for lists.
    pub thumbnail: ImageSize,
    /// Screen-sized rendition.
    pub large: ImageSize,
    /// Full resolution; some images (and all group promos) have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original: Option<ImageSize>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Image {
    /// The largest rendition available.
    pub fn best(&self) -> &ImageSize {
        self.original.as_ref().unwrap_or(&self.large)
    }
}

/// One rendition of an image.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageSize {
    /// Signed, expiring URL.
    pub url: String,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Bytes (only on `original`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// An attached file. Its download URL comes from `GET /v2/files/{file_id}/download_url`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    /// The file.
    pub file_id: FileId,
    /// File name, e.g. `报告.pdf`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Seconds, for audio and video.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<u64>,
    /// How often it was downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_count: Option<u64>,
    /// Upload time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/files/{file_id}/download_url`: a signed, short-lived URL, so fetch
/// it right away rather than storing it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDownloadUrl {
    /// Where to download the file from.
    pub download_url: String,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A long-form article attached to a talk; its HTML lives on `articles.zsxq.com`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// The article's title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// A short string id such as `degukvf59qew` (not a number, unlike other ids).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub article_id: String,
    /// The standalone page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_url: Option<String>,
    /// The page without site chrome, for embedding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_article_url: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}
