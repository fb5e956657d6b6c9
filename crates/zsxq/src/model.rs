//! Typed serde models of the ZSXQ JSON API.
//!
//! Shapes follow the real responses in `shared/zsxq/samples/` (docs/protocol.md §6–§7). Three rules
//! run through every type:
//!
//! * Anything a real response can omit is an `Option`, so a sparse payload (a topic inside a
//!   notification has no counters, a hashtag's owner has only an id) still decodes.
//! * The main objects keep the fields we do not model in a flattened `extra` map, and optional
//!   fields are skipped when absent, so decoding and re-encoding a topic gives back the same
//!   JSON. The simulator serves these types, and a future parser can re-derive what we ignore.
//! * Ids are typed 64-bit integers ([`crate::id`]) and dates are [`crate::Timestamp`]s.

pub mod comment;
pub mod envelope;
pub mod group;
pub mod media;
pub mod misc;
pub mod request;
pub mod topic;
pub mod topic_list;
pub mod user;

pub use comment::{Comment, CommentsPage};
pub use envelope::{Empty, Envelope, ReqData, decode_body, decode_response};
pub use group::{
    Category, Count, Group, GroupDetail, GroupKind, GroupPolicies, GroupStatistics,
    GroupUserSpecific, GroupsList, Membership, Payment, TopicCounts, Validity,
};
pub use media::{Article, File, FileDownloadUrl, Image, ImageSize};
pub use misc::{
    Column, ColumnStatistics, ColumnsList, ColumnsSummary, Dynamic, DynamicsList, Hashtag,
    HashtagProperties, HashtagsList, Member, Menu, MenuHashtag, MenuReadTime, MenuReadTimes,
    MenusList, RoleMembers, UnansweredQuestionsBrief, UnreadTopicCount, UnreadTopicCounts,
};
pub use request::{AnswerRequest, CommentRequest, CreateTalkRequest};
pub use topic::{
    Answer, Checkin, EmojiLikes, Like, LikesDetail, Post, PostRole, Question, ReferencedTopic,
    Reward, Solution, Talk, Task, TaskStatistics, Topic, TopicBody, TopicDetail, TopicKind,
    TopicUserSpecific,
};
pub use topic_list::{TopicsPage, UndecodedTopic};
pub use user::{Accounts, User, UserProfile, UserRelation, UserResponse};

/// The catch-all for fields a model does not name.
pub type Extra = serde_json::Map<String, serde_json::Value>;
