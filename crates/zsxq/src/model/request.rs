//! Bodies of the write calls, each sent wrapped in [`ReqData`] (`{"req_data": {...}}`).
//!
//! Field order follows the captured requests, and `image_ids` is always sent (empty) because
//! every observed client does so.

use serde::{Deserialize, Serialize};

use super::envelope::ReqData;
use crate::id::{CommentId, ImageId, UserId};

/// `POST /v2/topics/{topic_id}/answer`: answer a question (once; a second answer is refused
/// with "问题已回答").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRequest {
    /// Previously uploaded images (the upload endpoint is unknown, so usually empty).
    #[serde(default)]
    pub image_ids: Vec<ImageId>,
    /// `true` notifies only the asker instead of the whole group.
    #[serde(default)]
    pub silenced: bool,
    /// Rich text (see [`crate::rich_text`]).
    pub text: String,
}

impl AnswerRequest {
    /// A text-only, public answer, ready to send.
    pub fn text(text: impl Into<String>) -> ReqData<Self> {
        ReqData::new(Self {
            image_ids: Vec::new(),
            silenced: false,
            text: text.into(),
        })
    }
}

/// `POST /v2/topics/{topic_id}/comments`: comment on a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRequest {
    /// Rich text (see [`crate::rich_text`]).
    pub text: String,
    /// Previously uploaded images.
    #[serde(default)]
    pub image_ids: Vec<ImageId>,
    /// Users to notify; mentions in `text` should be listed here too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentioned_user_ids: Option<Vec<UserId>>,
    /// Sent by some clients; meaning for comments unverified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silenced: Option<bool>,
    /// The comment replied to: `replied_comment_id`, as the clients of PROTOCOL.md §6.4 send
    /// it (responses name the thread's top comment `parent_comment_id`, which is not this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_comment_id: Option<CommentId>,
}

impl CommentRequest {
    /// A text-only top-level comment, ready to send.
    pub fn text(text: impl Into<String>) -> ReqData<Self> {
        ReqData::new(Self {
            text: text.into(),
            image_ids: Vec::new(),
            mentioned_user_ids: None,
            silenced: None,
            replied_comment_id: None,
        })
    }

    /// A text-only reply to the comment `to`, ready to send.
    pub fn reply(to: CommentId, text: impl Into<String>) -> ReqData<Self> {
        let mut body = Self::text(text);
        body.req_data.replied_comment_id = Some(to);
        body
    }
}

/// `POST /v2/groups/{group_id}/topics`: post a talk (the only type the official CLI creates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateTalkRequest {
    /// Always `talk` (PROTOCOL.md §6.4: `{"type":"talk","text":…}`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Rich text (see [`crate::rich_text`]).
    pub text: String,
    /// Previously uploaded images.
    #[serde(default)]
    pub image_ids: Vec<ImageId>,
}

impl CreateTalkRequest {
    /// A text-only talk, ready to send.
    pub fn text(text: impl Into<String>) -> ReqData<Self> {
        ReqData::new(Self {
            kind: "talk".to_owned(),
            text: text.into(),
            image_ids: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn bodies_are_wrapped_in_req_data() {
        assert_eq!(
            serde_json::to_value(AnswerRequest::text("好问题")).expect("serialize"),
            json!({"req_data": {"image_ids": [], "silenced": false, "text": "好问题"}})
        );
        assert_eq!(
            serde_json::to_value(CommentRequest::text("赞")).expect("serialize"),
            json!({"req_data": {"text": "赞", "image_ids": []}})
        );
        assert_eq!(
            serde_json::to_value(CreateTalkRequest::text("你好")).expect("serialize"),
            json!({"req_data": {"type": "talk", "text": "你好", "image_ids": []}})
        );
        assert_eq!(
            serde_json::to_value(CommentRequest::reply(CommentId::new(5), "对"))
                .expect("serialize"),
            json!({"req_data": {"text": "对", "image_ids": [], "replied_comment_id": 5}})
        );
    }

    #[test]
    fn answer_body_matches_the_captured_bytes() {
        // Field order of the chatbot-api clients: image_ids, silenced, text.
        assert_eq!(
            serde_json::to_string(&AnswerRequest::text("<answer text>")).expect("serialize"),
            r#"{"req_data":{"image_ids":[],"silenced":false,"text":"<answer text>"}}"#
        );
    }
}
