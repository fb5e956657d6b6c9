//! What the archive derives from a topic or comment model: typed columns, plain text and
//! hashtags from the rich text, and the attachments. Pure functions, no I/O, so a better
//! parser can re-derive everything from the raw JSON later.

use zsxq::rich_text::{self, Node};
use zsxq::{Comment, GroupId, Image, Topic, TopicBody, User};

use super::StoreError;

/// The typed columns of `topics`, as written and as read back for comparison.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(super) struct TopicRow {
    pub group_id: i64,
    pub kind: String,
    pub author_id: Option<i64>,
    pub questionee_id: Option<i64>,
    pub answerer_id: Option<i64>,
    pub create_time_ms: i64,
    pub create_time: String,
    pub modify_time_ms: Option<i64>,
    pub modify_time: Option<String>,
    pub title: Option<String>,
    pub plain_text: String,
    pub digested: bool,
    pub sticky: bool,
    pub answered: bool,
    pub silenced: bool,
    pub likes_count: i64,
    pub comments_count: i64,
    pub rewards_count: i64,
    pub reading_count: i64,
    pub readers_count: i64,
    pub raw_json: String,
}

impl TopicRow {
    /// The fields whose change is worth a change-feed row, by name. Reading counters and the
    /// raw JSON (signed image URLs expire and are re-signed on every fetch) are refreshed
    /// silently: reporting them would make every re-sync look like a wave of edits.
    pub fn changed_fields(&self, new: &Self) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |name, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        check("group_id", self.group_id != new.group_id);
        check("kind", self.kind != new.kind);
        check("author_id", self.author_id != new.author_id);
        check("questionee_id", self.questionee_id != new.questionee_id);
        check("answerer_id", self.answerer_id != new.answerer_id);
        check("create_time", self.create_time != new.create_time);
        check("modify_time", self.modify_time != new.modify_time);
        check("title", self.title != new.title);
        check("plain_text", self.plain_text != new.plain_text);
        check("digested", self.digested != new.digested);
        check("sticky", self.sticky != new.sticky);
        check("answered", self.answered != new.answered);
        check("silenced", self.silenced != new.silenced);
        check("likes_count", self.likes_count != new.likes_count);
        check("comments_count", self.comments_count != new.comments_count);
        check("rewards_count", self.rewards_count != new.rewards_count);
        changed
    }
}

/// Where in a topic an image sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ImagePart {
    /// The main body: talk, question, task or solution.
    Body,
    /// The answer of a q&a.
    Answer,
    /// A comment.
    Comment,
}

impl ImagePart {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Body => "body",
            Self::Answer => "answer",
            Self::Comment => "comment",
        }
    }
}

/// A topic taken apart for the archive.
#[derive(Debug)]
pub(super) struct DerivedTopic<'a> {
    pub topic_id: i64,
    pub row: TopicRow,
    /// Everyone the topic names (owner, questionee, answerer), for the `users` table.
    pub users: Vec<&'a User>,
    /// Hashtags of the rich text, by name, with their id when the entity names one.
    pub hashtags: Vec<(String, Option<i64>)>,
    pub images: Vec<(ImagePart, &'a Image)>,
    pub files: &'a [zsxq::File],
    pub article: Option<&'a zsxq::Article>,
    pub columns: &'a [zsxq::Column],
}

/// Takes `topic` apart. `group` is the circle whose list it came from.
pub(super) fn topic(group: GroupId, topic: &Topic) -> Result<DerivedTopic<'_>, StoreError> {
    let topic_id = topic.topic_id.get();
    let create_time = topic
        .create_time
        .ok_or(StoreError::MissingCreateTime { topic_id })?;
    let raw_json = serde_json::to_string(topic)?;

    let mut users: Vec<&User> = Vec::new();
    let mut texts: Vec<&str> = Vec::new();
    let mut images: Vec<(ImagePart, &Image)> = Vec::new();
    let mut files: &[zsxq::File] = &[];
    let mut article = None;
    let (mut questionee_id, mut answerer_id) = (None, None);
    match topic.body() {
        TopicBody::Talk(talk) => {
            texts.extend(talk.text.as_deref());
            files = talk.files.as_deref().unwrap_or_default();
            article = talk.article.as_ref();
        }
        TopicBody::QuestionAnswer { question, answer } => {
            texts.extend(question.text.as_deref());
            if let Some(questionee) = &question.questionee {
                questionee_id = Some(questionee.user_id.get());
                users.push(questionee);
            }
            if let Some(answer) = answer {
                texts.extend(answer.text.as_deref());
                if let Some(owner) = &answer.owner {
                    answerer_id = Some(owner.user_id.get());
                    users.push(owner);
                }
                images.extend(
                    answer
                        .images
                        .iter()
                        .flatten()
                        .map(|image| (ImagePart::Answer, image)),
                );
            }
        }
        TopicBody::Task(task) => {
            texts.extend(task.text.as_deref());
            files = task.files.as_deref().unwrap_or_default();
        }
        TopicBody::Solution(solution) => {
            texts.extend(solution.text.as_deref());
            files = solution.files.as_deref().unwrap_or_default();
        }
        // A type this build does not know: its body usually still has a `text`.
        TopicBody::Other { raw, .. } => {
            texts.extend(
                raw.and_then(|body| body.get("text"))
                    .and_then(|t| t.as_str()),
            );
        }
    }
    images.splice(
        0..0,
        topic.images().iter().map(|image| (ImagePart::Body, image)),
    );
    // The owner's annotation (usually hashtags appended to someone else's topic) is part of
    // what a reader sees and searches for.
    texts.extend(topic.annotation.as_deref());
    if let Some(owner) = topic.owner() {
        users.insert(0, owner);
    }

    let nodes: Vec<Vec<Node>> = texts.iter().map(|text| rich_text::parse(text)).collect();
    let plain_text = nodes
        .iter()
        .map(|nodes| rich_text::to_plain_text(nodes))
        .collect::<Vec<_>>()
        .join("\n\n");
    let hashtags = hashtags(nodes.iter().flatten());

    let row = TopicRow {
        group_id: group.get(),
        kind: topic.kind.as_str().to_owned(),
        author_id: topic.owner().map(|owner| owner.user_id.get()),
        questionee_id,
        answerer_id,
        create_time_ms: create_time.to_unix_millis(),
        create_time: create_time.to_string(),
        modify_time_ms: topic.modify_time.map(|t| t.to_unix_millis()),
        modify_time: topic.modify_time.map(|t| t.to_string()),
        title: topic.title.clone(),
        plain_text,
        digested: topic.is_digested(),
        sticky: topic.is_sticky(),
        answered: topic.answered.unwrap_or(false),
        silenced: topic.silenced.unwrap_or(false),
        likes_count: count(topic.likes_count),
        comments_count: count(topic.comments_count),
        rewards_count: count(topic.rewards_count),
        reading_count: count(topic.reading_count),
        readers_count: count(topic.readers_count),
        raw_json,
    };
    Ok(DerivedTopic {
        topic_id,
        row,
        users,
        hashtags,
        images,
        files,
        article,
        columns: topic.columns.as_deref().unwrap_or_default(),
    })
}

/// The distinct hashtags among `nodes`, in order of first appearance.
fn hashtags<'n>(nodes: impl Iterator<Item = &'n Node>) -> Vec<(String, Option<i64>)> {
    let mut tags: Vec<(String, Option<i64>)> = Vec::new();
    for node in nodes {
        if let Node::Hashtag { id, name } = node {
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            match tags.iter_mut().find(|(known, _)| known == name) {
                Some((_, known_id)) => *known_id = known_id.or(id.map(|id| id.get())),
                None => tags.push((name.to_owned(), id.map(|id| id.get()))),
            }
        }
    }
    tags
}

/// Counters are `u64` in the models and INTEGER (i64) in SQLite; no real counter nears 2^63.
pub(super) fn count(value: Option<u64>) -> i64 {
    value.map_or(0, |v| i64::try_from(v).unwrap_or(i64::MAX))
}

/// The typed columns of `comments`.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(super) struct CommentRow {
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub repliee_id: Option<i64>,
    pub create_time_ms: Option<i64>,
    pub create_time: Option<String>,
    pub plain_text: String,
    pub likes_count: i64,
    pub sticky: bool,
    pub raw_json: String,
}

impl CommentRow {
    /// Fields worth a change row (see [`TopicRow::changed_fields`]).
    pub fn changed_fields(&self, new: &Self) -> Vec<&'static str> {
        let mut changed = Vec::new();
        for (name, differs) in [
            ("parent_id", self.parent_id != new.parent_id),
            ("author_id", self.author_id != new.author_id),
            ("repliee_id", self.repliee_id != new.repliee_id),
            ("create_time", self.create_time != new.create_time),
            ("plain_text", self.plain_text != new.plain_text),
            ("likes_count", self.likes_count != new.likes_count),
            ("sticky", self.sticky != new.sticky),
        ] {
            if differs {
                changed.push(name);
            }
        }
        changed
    }
}

/// A comment's row. `parent` is the comment it was nested under, for replies that do not
/// name their parent themselves. The raw JSON leaves out the nested replies, which get rows
/// (and raw JSON) of their own.
pub(super) fn comment(comment: &Comment, parent: Option<i64>) -> Result<CommentRow, StoreError> {
    let raw_json = if comment.replied_comments.is_some() {
        let mut bare = comment.clone();
        bare.replied_comments = None;
        serde_json::to_string(&bare)?
    } else {
        serde_json::to_string(comment)?
    };
    let plain_text = comment
        .text
        .as_deref()
        .map(|text| rich_text::to_plain_text(&rich_text::parse(text)))
        .unwrap_or_default();
    Ok(CommentRow {
        parent_id: comment.parent_comment_id.map(|id| id.get()).or(parent),
        author_id: comment.owner.user_id.get(),
        repliee_id: comment.repliee.as_ref().map(|u| u.user_id.get()),
        create_time_ms: comment.create_time.map(|t| t.to_unix_millis()),
        create_time: comment.create_time.map(|t| t.to_string()),
        plain_text,
        likes_count: count(comment.likes_count),
        sticky: comment.sticky.unwrap_or(false),
        raw_json,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn question_and_answer_texts_and_hashtags_are_combined() {
        let topic: Topic = serde_json::from_value(json!({
            "topic_id": 1,
            "type": "q&a",
            "create_time": "2026-04-08T10:34:21.101+0800",
            "question": {
                "owner": {"user_id": 7, "name": "提问者"},
                "questionee": {"user_id": 8, "name": "星主"},
                "text": "怎么<e type=\"hashtag\" hid=\"5\" title=\"%23%E5%A4%8D%E7%9B%98%23\" />？"
            },
            "answer": {"owner": {"user_id": 8, "name": "星主"}, "text": "先做。"},
            "answered": true,
            "annotation": "<e type=\"hashtag\" title=\"%23%E5%A4%8D%E7%9B%98%23\" />"
        }))
        .expect("topic");
        let derived = super::topic(GroupId::new(3), &topic).expect("derived");
        assert_eq!(derived.row.plain_text, "怎么#复盘#？\n\n先做。\n\n#复盘#");
        assert_eq!(derived.hashtags, vec![("复盘".to_owned(), Some(5))]);
        assert_eq!(derived.row.author_id, Some(7));
        assert_eq!(derived.row.questionee_id, Some(8));
        assert_eq!(derived.row.answerer_id, Some(8));
        assert!(derived.row.answered);
        assert_eq!(derived.row.create_time_ms, 1_775_615_661_101);
    }

    #[test]
    fn a_topic_without_create_time_is_refused() {
        let topic: Topic =
            serde_json::from_value(json!({"topic_id": 9, "type": "talk"})).expect("topic");
        let err = super::topic(GroupId::new(1), &topic).expect_err("no time");
        assert!(matches!(err, StoreError::MissingCreateTime { topic_id: 9 }));
    }
}
