//! The inbox and "my questions" as the window shows them.

use orrery_ipc::commands::{InboxDto, InboxEventDto, InboxKindDto, MyQuestionDto, MyQuestionsDto};
use orrery_ipc::id as ipc;
use zsxq::{Topic, TopicBody, UserId};

use super::ReaderError;
use crate::notify::Parts;
use crate::notify::compose::question_and_answer;
use crate::store::{InboxKind, Store};

/// The inbox, `limit` events at most.
pub async fn inbox(store: &Store, limit: u32) -> Result<InboxDto, ReaderError> {
    let events = store.inbox(limit).await?;
    Ok(InboxDto {
        unread: store.inbox_unread().await?,
        events: events
            .iter()
            .map(|event| {
                let parts = Parts::of(event);
                InboxEventDto {
                    key: event.key.clone(),
                    kind: kind(event.kind),
                    circle: ipc::CircleId::new(event.group_id),
                    circle_name: event.circle_name.clone(),
                    topic: ipc::TopicId::new(event.topic_id),
                    comment: event.comment_id.map(ipc::CommentId::new),
                    at_ms: event.event_ms,
                    read: event.read,
                    actor: parts.actor,
                    topic_line: parts.topic_line,
                    detail: parts.detail,
                }
            })
            .collect(),
    })
}

/// Every question `me` asked, newest first (the most recent 500).
pub async fn my_questions(store: &Store, me: UserId) -> Result<MyQuestionsDto, ReaderError> {
    let rows = store.my_questions(me, 500).await?;
    Ok(MyQuestionsDto {
        questions: rows
            .into_iter()
            .map(|row| {
                let topic: Option<Topic> = serde_json::from_str(&row.raw_json).ok();
                let (question, _, answer) = question_and_answer(topic.as_ref());
                let asked_of = match topic.as_ref().map(Topic::body) {
                    Some(TopicBody::QuestionAnswer { question, .. }) => {
                        question.questionee.as_ref().map(|u| u.name.clone())
                    }
                    _ => None,
                };
                MyQuestionDto {
                    topic: ipc::TopicId::new(row.topic_id),
                    circle: ipc::CircleId::new(row.group_id),
                    circle_name: row.circle_name,
                    question,
                    asked_of,
                    asked_ms: row.create_time_ms,
                    answered: row.answered,
                    answer: row.answered.then_some(answer),
                }
            })
            .collect(),
    })
}

fn kind(kind: InboxKind) -> InboxKindDto {
    match kind {
        InboxKind::Answer => InboxKindDto::Answer,
        InboxKind::QuestionForMe => InboxKindDto::QuestionForMe,
        InboxKind::Reply => InboxKindDto::Reply,
        InboxKind::Mention => InboxKindDto::Mention,
        InboxKind::Comment => InboxKindDto::Comment,
        InboxKind::Digest => InboxKindDto::Digest,
        InboxKind::OwnerPost => InboxKindDto::OwnerPost,
    }
}
