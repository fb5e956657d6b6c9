//! The changes clients make (POST/PUT routes) and simulated activity makes, applied to the
//! [`World`] with every counter kept in step.

use crate::content;
use crate::world::{
    Attachments, CommentRec, Kind, MAX_COMMENTS_PER_TOPIC, NONE, StoredAnswer, StoredTopic,
    TopicMeta, TopicRef, World, comment_id, flag,
};

/// Why a write was refused; each maps to an envelope code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteError {
    NotFound,
    NotYours,
    NotAQuestion,
    AlreadyAnswered,
    NoSuchComment,
    TooManyComments,
}

/// Invented: the service's code for "问题已回答" is not known (docs/protocol.md §6.4).
pub(crate) const CODE_ALREADY_ANSWERED: i64 = 12_003;
/// Invented: a generic invalid-request code.
pub(crate) const CODE_INVALID: i64 = 1;

impl WriteError {
    pub(crate) fn code(self) -> i64 {
        match self {
            Self::NotFound | Self::NoSuchComment => zsxq::error::codes::NOT_FOUND,
            Self::NotYours => zsxq::error::codes::NO_DELETE_PERMISSION,
            Self::AlreadyAnswered => CODE_ALREADY_ANSWERED,
            Self::NotAQuestion | Self::TooManyComments => CODE_INVALID,
        }
    }

    pub(crate) fn message(self) -> &'static str {
        match self {
            Self::NotFound => "主题不存在或已被删除",
            Self::NotYours => "没有权限",
            Self::NotAQuestion => "该主题不是提问",
            Self::AlreadyAnswered => "问题已回答",
            Self::NoSuchComment => "评论不存在或已被删除",
            Self::TooManyComments => "评论数量已达上限",
        }
    }
}

/// Posts a talk with the given text as `author`, newer than everything in the circle.
pub(crate) fn post_talk(
    world: &mut World,
    circle: usize,
    author: u32,
    text: String,
    now_ms: i64,
) -> TopicRef {
    let meta = TopicMeta {
        time_ms: now_ms.max(world.latest_ms(circle) + 1),
        author,
        aux: 0,
        likes: 0,
        derived_comments: 0,
        kind: Kind::Talk,
        flags: flag::STORED,
        hashtag: content::hashtag_in(world, circle, &text),
        column: NONE,
    };
    let at = world.push_topic(circle, meta);
    world.stored.insert(
        at,
        StoredTopic {
            topic_id: None,
            text,
            attachments: Attachments::default(),
        },
    );
    at
}

/// Posts a topic whose text, like the dataset's, is derived from the seed when it is rendered
/// (for happenings made on purpose, [`crate::happen`]): newer than everything in the circle,
/// with no answer, comments, likes or editorial flags yet. `aux` is as in [`TopicMeta::aux`]
/// (for a question, 0 asks the owner and `n` asks user `n - 1`).
pub(crate) fn post_derived(
    world: &mut World,
    circle: usize,
    kind: Kind,
    author: u32,
    aux: u32,
    hashtag: u8,
    now_ms: i64,
) -> TopicRef {
    let meta = TopicMeta {
        time_ms: now_ms.max(world.latest_ms(circle) + 1),
        author,
        aux,
        likes: 0,
        derived_comments: 0,
        kind,
        flags: 0,
        hashtag,
        column: NONE,
    };
    world.push_topic(circle, meta)
}

/// Adds a comment, or a reply when `reply_to` names one of the topic's comments (a reply to a
/// reply goes under the same top-level comment, as in the apps).
pub(crate) fn post_comment(
    world: &mut World,
    at: TopicRef,
    author: u32,
    text: String,
    reply_to: Option<i64>,
    now_ms: i64,
) -> Result<CommentRec, WriteError> {
    let topic_ms = world.meta(at).ok_or(WriteError::NotFound)?.time_ms;
    let existing = content::comments(world, at);
    if existing.len() >= MAX_COMMENTS_PER_TOPIC {
        return Err(WriteError::TooManyComments);
    }
    let (parent, repliee) = match reply_to {
        None => (None, None),
        Some(id) => {
            let target = existing
                .iter()
                .find(|c| comment_id(at, c.index) == id)
                .ok_or(WriteError::NoSuchComment)?;
            (
                Some(target.parent.unwrap_or(target.index)),
                Some(target.author),
            )
        }
    };
    let last_ms = existing.last().map_or(topic_ms, |c| c.time_ms);
    let rec = CommentRec {
        index: existing.len() as u16,
        time_ms: now_ms.max(last_ms + 1),
        author,
        text,
        parent,
        repliee,
    };
    world.posted.entry(at).or_default().push(rec.clone());
    if let Some(circle) = world.circles.get_mut(usize::from(at.circle)) {
        circle.totals.comments += 1;
    }
    Ok(rec)
}

/// Answers a question; only its questionee (the circle's owner or a guest) may, and only once.
pub(crate) fn post_answer(
    world: &mut World,
    at: TopicRef,
    author: u32,
    text: String,
    silenced: bool,
    now_ms: i64,
) -> Result<(), WriteError> {
    let circle = world
        .circles
        .get(usize::from(at.circle))
        .ok_or(WriteError::NotFound)?;
    let meta = world.meta(at).ok_or(WriteError::NotFound)?;
    let questionee = crate::world::questionee(circle, meta);
    if meta.kind != Kind::Question {
        return Err(WriteError::NotAQuestion);
    }
    if meta.has(flag::ANSWERED) {
        return Err(WriteError::AlreadyAnswered);
    }
    if author != questionee {
        return Err(WriteError::NotYours);
    }
    let time_ms = now_ms.max(meta.time_ms + 1);
    if let Some(meta) = world.meta_mut(at) {
        meta.flags |= flag::ANSWERED;
        if silenced {
            meta.flags |= flag::SILENCED;
        }
    }
    world.answers.insert(
        at,
        StoredAnswer {
            owner: author,
            text,
            time_ms,
        },
    );
    if let Some(circle) = world.circles.get_mut(usize::from(at.circle)) {
        circle.totals.answered += 1;
    }
    Ok(())
}

/// The signed-in user likes a topic; liking twice changes nothing.
pub(crate) fn like(world: &mut World, at: TopicRef) -> Result<(), WriteError> {
    let meta = world.meta_mut(at).ok_or(WriteError::NotFound)?;
    if !meta.has(flag::SELF_LIKED) {
        meta.flags |= flag::SELF_LIKED;
        meta.likes += 1;
    }
    Ok(())
}
