//! The inbox and "my questions": what concerns the member, as the bell's list and the
//! questions page show it, and where a click on a notification leads.

use serde::{Deserialize, Serialize};

use crate::commands::ChannelRef;
use crate::id::{CircleId, CommentId, TopicId};

/// What kind of event concerns the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxKindDto {
    /// An answer to the member's question.
    Answer,
    /// A question waiting for the member's answer.
    QuestionForMe,
    /// A reply to the member's comment.
    Reply,
    /// An @mention of the member.
    Mention,
    /// A comment on the member's topic.
    Comment,
    /// A new digest in a followed circle.
    Digest,
    /// A new post by the owner of a followed circle.
    OwnerPost,
}

/// The inbox: newest first, unread answers to the member's questions on top.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxDto {
    pub unread: u64,
    pub events: Vec<InboxEventDto>,
}

/// One event. Texts are one plain line each, from the archive; the UI words the headline by
/// `kind` in its language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxEventDto {
    /// Names the event for [`MarkInboxReadArgs`].
    pub key: String,
    pub kind: InboxKindDto,
    pub circle: CircleId,
    pub circle_name: String,
    pub topic: TopicId,
    pub comment: Option<CommentId>,
    /// When it happened (unix ms).
    pub at_ms: i64,
    pub read: bool,
    /// Who answered, replied, mentioned, asked or posted; `None` when anonymous or unknown.
    pub actor: Option<String>,
    /// The question, or the topic's first line.
    pub topic_line: String,
    /// The answer, or the comment's first line; empty where there is none.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InboxArgs {
    /// The most events to list.
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MarkInboxReadArgs {
    /// These events; `None` marks every event read.
    pub keys: Option<Vec<String>>,
}

/// Every question the member asked, across circles, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyQuestionsDto {
    pub questions: Vec<MyQuestionDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MyQuestionDto {
    pub topic: TopicId,
    pub circle: CircleId,
    pub circle_name: String,
    /// The question's first line.
    pub question: String,
    /// Who was asked.
    pub asked_of: Option<String>,
    pub asked_ms: i64,
    pub answered: bool,
    /// The answer's first line, once answered.
    pub answer: Option<String>,
}

/// Where a click on a notification leads (the window opens there), or what was dropped on the
/// window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "to")]
pub enum OpenTargetDto {
    /// A topic; at `comment` for a reply, a comment or a mention in one.
    Topic {
        circle: CircleId,
        topic: TopicId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<CommentId>,
    },
    Inbox,
    /// Files and folders dropped on the window: imported into 已保存 / Saved.
    Import {
        paths: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchOpensArgs {
    /// The channel that receives [`OpenTargetDto`]s.
    pub on_open: ChannelRef,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_open_target_names_where_it_leads() {
        let to = OpenTargetDto::Topic {
            circle: CircleId::new(51_111_218_841_124),
            topic: TopicId::new(45_000_000_000_000_123),
            comment: None,
        };
        insta::assert_snapshot!(
            serde_json::to_string(&to).expect("serializes"),
            @r#"{"to":"topic","circle":"51111218841124","topic":"45000000000000123"}"#
        );
        assert_eq!(
            serde_json::to_string(&OpenTargetDto::Inbox).expect("serializes"),
            r#"{"to":"inbox"}"#
        );
    }
}
