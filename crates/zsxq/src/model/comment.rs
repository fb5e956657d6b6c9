//! Comments: inline in topics (`show_comments`) and paged by `/v2/topics/{id}/comments`.

use serde::{Deserialize, Serialize};

use super::Extra;
use super::media::Image;
use super::user::User;
use crate::Timestamp;
use crate::id::CommentId;

/// A comment, or a reply to one.
///
/// A reply names the comment it belongs under in `parent_comment_id` and the person it answers
/// in `repliee`; the comments endpoint nests replies under their parent in `replied_comments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// The comment.
    pub comment_id: CommentId,
    /// The top-level comment this replies under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_comment_id: Option<CommentId>,
    /// When it was posted; the comments endpoint pages by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// The author.
    pub owner: User,
    /// The person replied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repliee: Option<User>,
    /// Rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attached images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Likes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes_count: Option<u64>,
    /// Rewards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewards_count: Option<u64>,
    /// Pinned to the top of the thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<bool>,
    /// Number of replies under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replies_count: Option<u64>,
    /// Replies, nested under their parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_comments: Option<Vec<Comment>>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Comment {
    /// The nested replies, empty when absent.
    pub fn replies(&self) -> &[Comment] {
        self.replied_comments.as_deref().unwrap_or_default()
    }

    /// Whether this is a reply rather than a top-level comment.
    pub fn is_reply(&self) -> bool {
        self.parent_comment_id.is_some()
    }
}

/// `resp_data` of `GET /v2/topics/{topic_id}/comments`: oldest first with `sort=asc`; the next
/// page starts at the last `create_time` plus one millisecond.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentsPage {
    /// The comments.
    #[serde(default)]
    pub comments: Vec<Comment>,
    /// Fields not modelled here (an `index` cursor, if the service sends one).
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn replies_nest_and_round_trip() {
        let json = json!({
            "comments": [{
                "comment_id": 8852222211512282_i64,
                "create_time": "2025-12-09T18:10:28.389+0800",
                "owner": {"user_id": 1, "name": "兴同学"},
                "text": "好",
                "likes_count": 0,
                "rewards_count": 0,
                "sticky": false,
                "replies_count": 1,
                "replied_comments": [{
                    "comment_id": 4845555511841148_i64,
                    "parent_comment_id": 8852222211512282_i64,
                    "create_time": "2025-12-09T18:12:33.762+0800",
                    "owner": {"user_id": 2, "name": "大宋"},
                    "repliee": {"user_id": 1, "name": "兴同学"},
                    "text": "同意"
                }]
            }]
        });
        let page: CommentsPage = serde_json::from_value(json.clone()).expect("comments page");
        let top = &page.comments[0];
        assert!(!top.is_reply());
        let reply = &top.replies()[0];
        assert!(reply.is_reply());
        assert_eq!(reply.parent_comment_id, Some(top.comment_id));
        assert_eq!(
            reply.repliee.as_ref().map(|u| u.name.as_str()),
            Some("兴同学")
        );
        assert_eq!(serde_json::to_value(&page).expect("serialize"), json);
    }
}
