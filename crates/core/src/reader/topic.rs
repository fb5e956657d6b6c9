//! One topic with everything archived about it, rendered for the reader: its posts, article,
//! comments, and the earlier texts the archive kept when the service's text changed. An
//! earlier text goes through the same allow-list as the current one; it is remote content
//! like any other.

use std::collections::{BTreeSet, HashSet};

use orrery_ipc::commands::{
    ArticleDto, CommentDto, FileDto, ImageDto, PartDto, PartRole, RevisionDto, TopicDto,
};
use orrery_ipc::id as ipc;
use zsxq::rich_text::{Node, is_web_url, parse, sanitize_article, to_html};
use zsxq::{Comment, File, Image, ImageId, PostRole, Timestamp, Topic, TopicId, TopicKind};

use super::brief::topic_marks;
use super::{ReaderError, row};
use crate::store::{Revision, Store};

/// The most solutions shown under a task.
const MAX_SOLUTIONS: u32 = 50;

/// The topic, marked read at `now_ms`; `None` if it is not archived.
pub async fn open_topic(
    store: &Store,
    topic: TopicId,
    now_ms: i64,
) -> Result<Option<TopicDto>, ReaderError> {
    let Some(found) = store.topic(topic).await? else {
        return Ok(None);
    };
    store.mark_read(topic, now_ms).await?;
    let cached = store.cached_images_of(topic).await?;
    let circle_name = store
        .circles()
        .await?
        .into_iter()
        .find(|c| c.group_id == found.summary.group_id)
        .map(|c| c.name)
        .unwrap_or_default();
    let article = match found.topic.talk.as_ref().and_then(|t| t.article.as_ref()) {
        Some(article) => Some(ArticleDto {
            title: article.title.clone(),
            html: store
                .article_body(topic)
                .await?
                .map(|(html, _)| sanitize_article(&html)),
            url: article.article_url.clone().filter(|u| is_web_url(u)),
        }),
        None => None,
    };
    let mut hashtags = BTreeSet::new();
    let mut parts = parts(&found.topic, &cached, &mut hashtags);
    // A task is read with the solutions submitted to it.
    if found.summary.kind == TopicKind::Task {
        let group = found.summary.group_id;
        for id in store.solutions_of(group, topic, MAX_SOLUTIONS).await? {
            if let Some(solution) = store.topic(id).await? {
                let cached = store.cached_images_of(id).await?;
                parts.extend(self::parts(&solution.topic, &cached, &mut BTreeSet::new()));
            }
        }
    }
    let comments = found.comments.iter().map(|c| comment(c, &cached)).collect();
    let revisions = store
        .revisions(topic)
        .await?
        .iter()
        .map(|r| revision(r, &found.summary.kind, &cached))
        .collect();
    // The topic is read now, whatever the summary said a moment ago.
    let mut row = row(&found.summary, &HashSet::new());
    row.unread = false;
    let hashtags: Vec<String> = hashtags.into_iter().collect();
    let author = found
        .summary
        .author_id
        .zip(found.summary.author_name.clone())
        .map(|(id, name)| (id.get(), name));
    let brief_marks = topic_marks(&store.brief_marks().await?, author, &hashtags);
    Ok(Some(TopicDto {
        row,
        circle_name,
        parts,
        article,
        hashtags,
        comments,
        modified_ms: found.summary.modify_time.map(|t| t.to_unix_millis()),
        revisions,
        saved: store.is_saved(topic).await?,
        brief_marks,
    }))
}

/// An earlier text, rendered like the current one from the topic as it was served then; from
/// its plain text, escaped, when that JSON no longer decodes (a later build changed the model).
fn revision(r: &Revision, kind: &TopicKind, cached: &HashSet<ImageId>) -> RevisionDto {
    let parts = match serde_json::from_str::<Topic>(&r.raw_json) {
        Ok(old) => parts(&old, cached, &mut BTreeSet::new()),
        Err(_) => Vec::new(),
    };
    let parts = if parts.is_empty() {
        vec![PartDto {
            role: match kind {
                TopicKind::QuestionAnswer => PartRole::Question,
                TopicKind::Task => PartRole::Task,
                TopicKind::Solution => PartRole::Solution,
                TopicKind::Talk | TopicKind::Other(_) => PartRole::Talk,
            },
            author: None,
            html: to_html(&[Node::Text(r.plain_text.clone())]),
            images: Vec::new(),
            files: Vec::new(),
        }]
    } else {
        parts
    };
    RevisionDto {
        revision: u32::try_from(r.revision).unwrap_or(u32::MAX),
        modified_ms: r
            .modify_time
            .as_deref()
            .and_then(|t| Timestamp::parse(t).ok())
            .map(|t| t.to_unix_millis()),
        replaced_at_ms: r.replaced_at_ms,
        parts,
        text: r.plain_text.clone(),
    }
}

/// The posts of a topic in reading order.
fn parts(topic: &Topic, cached: &HashSet<ImageId>, tags: &mut BTreeSet<String>) -> Vec<PartDto> {
    topic
        .posts()
        .into_iter()
        .map(|post| {
            let nodes = parse(post.text.unwrap_or_default());
            collect_tags(&nodes, tags);
            PartDto {
                role: match post.role {
                    PostRole::Talk => PartRole::Talk,
                    PostRole::Question => PartRole::Question,
                    PostRole::Answer => PartRole::Answer,
                    PostRole::Task => PartRole::Task,
                    PostRole::Solution => PartRole::Solution,
                },
                author: post.author.map(|u| u.name.clone()),
                html: to_html(&nodes),
                images: images_of(post.images, cached),
                files: files_of(post.files),
            }
        })
        .collect()
}

fn comment(c: &Comment, cached: &HashSet<ImageId>) -> CommentDto {
    CommentDto {
        id: ipc::CommentId::new(c.comment_id.get()),
        parent_id: c.parent_comment_id.map(|p| ipc::CommentId::new(p.get())),
        author: c.owner.name.clone(),
        repliee: c.repliee.as_ref().map(|u| u.name.clone()),
        time_ms: c.create_time.map_or(0, |t| t.to_unix_millis()),
        html: to_html(&parse(c.text.as_deref().unwrap_or_default())),
        images: images_of(c.images.as_deref().unwrap_or_default(), cached),
        likes: c.likes_count.unwrap_or(0),
    }
}

fn collect_tags(nodes: &[Node], tags: &mut BTreeSet<String>) {
    for node in nodes {
        if let Node::Hashtag { name, .. } = node {
            tags.insert(name.clone());
        }
    }
}

fn images_of(images: &[Image], cached: &HashSet<ImageId>) -> Vec<ImageDto> {
    images
        .iter()
        .map(|i| ImageDto {
            id: ipc::ImageId::new(i.image_id.get()),
            cached: cached.contains(&i.image_id),
        })
        .collect()
}

fn files_of(files: &[File]) -> Vec<FileDto> {
    files
        .iter()
        .map(|f| FileDto {
            id: ipc::FileId::new(f.file_id.get()),
            // The name it is saved under, shown as such: no bidi override can make
            // `报告\u{202E}fdp.exe` read as `报告exe.pdf`, no control character hides in it.
            name: crate::media::safe_file_name(&f.name, &format!("file-{}", f.file_id)),
            size: f.size,
        })
        .collect()
}
