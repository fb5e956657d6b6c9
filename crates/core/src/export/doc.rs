//! A topic gathered for export, whatever the format: its posts as rich-text nodes, its
//! article, its comments, the cached copies of its images, and the JSON the archive keeps.

use std::collections::BTreeSet;
use std::path::PathBuf;

use zsxq::rich_text::{Node, parse, sanitize_article};
use zsxq::{Comment, Image, ImageId, PostRole, Timestamp, TopicId, TopicKind};

use crate::paths::DataDir;
use crate::store::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct Part {
    pub role: PostRole,
    /// `None` for an anonymous question.
    pub author: Option<String>,
    pub nodes: Vec<Node>,
    pub images: Vec<Picture>,
    /// Attached files by name (as the reader shows it) and advertised size.
    pub files: Vec<(String, Option<u64>)>,
}

/// An image of a post or comment; `cached` is the blob in the media cache, when there is one
/// (an image never downloaded is named in the export, not fetched for it).
#[derive(Debug, Clone)]
pub struct Picture {
    pub id: ImageId,
    pub cached: Option<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub id: i64,
    pub parent: Option<i64>,
    pub author: String,
    pub repliee: Option<String>,
    /// The service's time, with its own offset (`2024-03-01T12:00:00.000+0800`).
    pub time: Option<Timestamp>,
    pub nodes: Vec<Node>,
    pub images: Vec<Picture>,
    pub likes: u64,
}

#[derive(Debug, Clone)]
pub struct Article {
    pub title: String,
    /// Sanitized as the reader shows it; `None` when the body was never fetched.
    pub html: Option<String>,
    /// As the service sent it (for the lossless JSON lines only: never shown).
    pub raw_html: Option<String>,
    pub text: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub id: TopicId,
    pub group_id: i64,
    pub circle: String,
    pub kind: TopicKind,
    /// The poster (`None` for an anonymous question).
    pub author: Option<String>,
    pub created: Timestamp,
    pub modified: Option<Timestamp>,
    /// The title, or the first line of the text.
    pub title: String,
    pub digest: bool,
    pub deleted_at_ms: Option<i64>,
    pub hashtags: Vec<String>,
    pub parts: Vec<Part>,
    pub article: Option<Article>,
    pub comments: Vec<Reply>,
    /// The topic's JSON as the service sent it, then its comments' (for the JSON lines only;
    /// empty otherwise).
    pub raw: String,
    pub raw_comments: Vec<String>,
}

impl Doc {
    /// The topic on the web client (PROTOCOL.md §1).
    pub fn web_url(&self) -> String {
        format!(
            "https://wx.zsxq.com/group/{}/topic/{}",
            self.group_id, self.id
        )
    }

    /// Every picture, posts first, then comments, in reading order.
    pub fn pictures(&self) -> impl Iterator<Item = &Picture> {
        self.parts
            .iter()
            .flat_map(|p| &p.images)
            .chain(self.comments.iter().flat_map(|c| &c.images))
    }
}

/// What the table of contents and the file names need of a topic, for all of them before
/// any is gathered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    pub id: TopicId,
    pub group_id: i64,
    pub circle: String,
    /// The service's time text (`2024-03-01T12:00:00.000+0800`).
    pub created: String,
    pub title: String,
}

impl Head {
    /// The day it was posted, as the service's clock had it.
    pub fn date(&self) -> &str {
        self.created.get(..10).unwrap_or(&self.created)
    }
}

/// Gathers `topic`, with the JSON the archive keeps when `raw`; `None` if it left the archive
/// meanwhile.
pub async fn gather(
    store: &Store,
    data: &DataDir,
    head: &Head,
    raw: bool,
) -> Result<Option<Doc>, StoreError> {
    let topic = head.id;
    let Some(found) = store.topic(topic).await? else {
        return Ok(None);
    };
    let (raw, raw_comments) = match raw {
        true => store.raw_topic(topic).await?.unwrap_or_default(),
        false => Default::default(),
    };
    let paths = store.cached_image_paths(topic).await?;
    let pictures = |images: &[Image]| -> Vec<Picture> {
        images
            .iter()
            .map(|image| Picture {
                id: image.image_id,
                cached: paths.get(&image.image_id).map(|p| data.root().join(p)),
            })
            .collect()
    };
    let t = &found.topic;
    let mut hashtags = BTreeSet::new();
    let parts = t
        .posts()
        .into_iter()
        .map(|post| {
            let nodes = parse(post.text.unwrap_or_default());
            for node in &nodes {
                if let Node::Hashtag { name, .. } = node {
                    hashtags.insert(name.clone());
                }
            }
            Part {
                role: post.role,
                author: post.author.map(|u| u.name.clone()),
                nodes,
                images: pictures(post.images),
                files: post
                    .files
                    .iter()
                    .map(|f| {
                        let fallback = format!("file-{}", f.file_id);
                        (crate::media::safe_file_name(&f.name, &fallback), f.size)
                    })
                    .collect(),
            }
        })
        .collect();
    let article = match t.talk.as_ref().and_then(|talk| talk.article.as_ref()) {
        Some(article) => {
            let body = store.article_body(topic).await?;
            Some(Article {
                title: article.title.clone(),
                html: body.as_ref().map(|(html, _)| sanitize_article(html)),
                raw_html: body.as_ref().map(|(html, _)| html.clone()),
                text: body.map(|(_, text)| text),
                url: article
                    .article_url
                    .clone()
                    .filter(|u| zsxq::rich_text::is_web_url(u)),
            })
        }
        None => None,
    };
    let comments = found
        .comments
        .iter()
        .map(|c: &Comment| Reply {
            id: c.comment_id.get(),
            parent: c.parent_comment_id.map(|p| p.get()),
            author: c.owner.name.clone(),
            repliee: c.repliee.as_ref().map(|u| u.name.clone()),
            time: c.create_time,
            nodes: parse(c.text.as_deref().unwrap_or_default()),
            images: pictures(c.images.as_deref().unwrap_or_default()),
            likes: c.likes_count.unwrap_or(0),
        })
        .collect();
    let summary = found.summary;
    let title = title_of(summary.title.as_deref(), &summary.plain_text);
    Ok(Some(Doc {
        id: topic,
        group_id: summary.group_id.get(),
        circle: head.circle.clone(),
        kind: summary.kind,
        author: summary.author_name,
        created: summary.create_time,
        modified: summary.modify_time,
        title,
        digest: summary.digested,
        deleted_at_ms: summary.deleted_at_ms,
        hashtags: hashtags.into_iter().collect(),
        parts,
        article,
        comments,
        raw,
        raw_comments,
    }))
}

/// The title, or else the first non-blank line of the text cut to 60 characters.
pub fn title_of(title: Option<&str>, text: &str) -> String {
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => title.to_owned(),
        None => crate::reader::text::first_line(text, 60),
    }
}
