//! Topics (主题) of every type, and the pages that list them (docs/protocol.md §7).
//!
//! The wire format names the type in `type` and puts the body under a key of the same name
//! (`talk`, `task`, `solution`) — except `q&a`, which uses `question`, `answer` and top-level
//! `answered`/`silenced`. [`Topic`] mirrors that flat layout field for field, which is what keeps
//! re-serialization lossless and lets an unknown type's body fall into `extra` untouched;
//! [`Topic::body`] is the typed view to match on.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::Extra;
use super::comment::Comment;
use super::group::Group;
use super::media::{Article, File, Image};
use super::misc::Column;
use super::user::User;
use crate::Timestamp;
use crate::id::{CheckinId, TopicId};

/// A topic as returned in lists, detail and notifications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// The topic.
    pub topic_id: TopicId,
    /// `topic_id` as a decimal string, for JavaScript clients that lose precision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_uid: Option<String>,
    /// The group stub `{group_id, name, type, background_url}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Group>,
    /// Which body the topic has.
    #[serde(rename = "type")]
    pub kind: TopicKind,
    /// Body of a `talk`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talk: Option<Talk>,
    /// Question of a `q&a`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<Question>,
    /// Answer of a `q&a`, once answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    /// Whether a `q&a` has been answered; the signal for "my question got an answer".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    /// Whether a `q&a` was answered silently (only the asker was notified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub silenced: Option<bool>,
    /// Body of a `task` (作业).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task: Option<Task>,
    /// Body of a `solution` (a submission to a task).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub solution: Option<Solution>,
    /// Server-made preview title (start of the text, hashtags flattened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Creation time; the paging cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Last edit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modify_time: Option<Timestamp>,
    /// Likes by members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes_count: Option<u64>,
    /// Likes by visitors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tourist_likes_count: Option<u64>,
    /// Likes per emoji.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes_detail: Option<LikesDetail>,
    /// The most recent likes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_likes: Option<Vec<Like>>,
    /// Number of rewards (赞赏).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewards_count: Option<u64>,
    /// The rewards themselves (old responses only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rewards: Option<Vec<Reward>>,
    /// Number of comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_count: Option<u64>,
    /// Reading count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading_count: Option<u64>,
    /// Distinct readers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readers_count: Option<u64>,
    /// Marked as a digest (精华).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digested: Option<bool>,
    /// Pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sticky: Option<bool>,
    /// When it was pinned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stick_time: Option<Timestamp>,
    /// Rich text (usually hashtags) the owner appended to someone else's topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// The first few comments, inline in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_comments: Option<Vec<Comment>>,
    /// Columns (专栏) the topic is filed in: `{column_id, name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<Column>>,
    /// The check-in challenge this topic was posted to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkin: Option<Checkin>,
    /// A quoted topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referenced_topic: Option<Box<ReferencedTopic>>,
    /// Task: whether submissions are open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled_task: Option<bool>,
    /// Task: whether members see each other's solutions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_solutions: Option<bool>,
    /// Task: submission counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<TaskStatistics>,
    /// The viewer's relation to the topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_specific: Option<TopicUserSpecific>,
    /// Fields not modelled here, including the body of a type this crate does not know.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A topic's `type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TopicKind {
    /// `talk`: an ordinary post.
    Talk,
    /// `q&a`: a question to a member, and its answer.
    QuestionAnswer,
    /// `task`: an assignment (作业) members submit solutions to.
    Task,
    /// `solution`: a submission to a task.
    Solution,
    /// A type this crate does not know (`file`, `article`… have been named by third parties),
    /// kept verbatim.
    Other(String),
}

impl TopicKind {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Talk => "talk",
            Self::QuestionAnswer => "q&a",
            Self::Task => "task",
            Self::Solution => "solution",
            Self::Other(other) => other,
        }
    }
}

impl From<&str> for TopicKind {
    fn from(s: &str) -> Self {
        match s {
            "talk" => Self::Talk,
            "q&a" => Self::QuestionAnswer,
            "task" => Self::Task,
            "solution" => Self::Solution,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for TopicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for TopicKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for TopicKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Ok(Self::from(s.as_str()))
    }
}

/// What a post of a topic is; see [`Topic::posts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostRole {
    Talk,
    Question,
    Answer,
    Task,
    Solution,
}

/// One post of a topic, borrowed from it; see [`Topic::posts`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Post<'a> {
    pub role: PostRole,
    /// The poster; `None` for an anonymous question (or an answer without one).
    pub author: Option<&'a User>,
    /// Rich text (`<e …/>` markup).
    pub text: Option<&'a str>,
    pub images: &'a [Image],
    pub files: &'a [File],
}

/// The typed view of a topic's body; see [`Topic::body`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TopicBody<'a> {
    /// An ordinary post.
    Talk(&'a Talk),
    /// A question, and its answer once there is one.
    QuestionAnswer {
        /// The question.
        question: &'a Question,
        /// The answer.
        answer: Option<&'a Answer>,
    },
    /// An assignment.
    Task(&'a Task),
    /// A submission to an assignment.
    Solution(&'a Solution),
    /// An unknown type, or a known type whose body is missing: the raw JSON under the key
    /// named by `type`, if any.
    Other {
        /// The `type` value.
        kind: &'a str,
        /// The raw body object.
        raw: Option<&'a Value>,
    },
}

impl Topic {
    /// The body to match on, chosen by `type`.
    pub fn body(&self) -> TopicBody<'_> {
        let known = match self.kind {
            TopicKind::Talk => self.talk.as_ref().map(TopicBody::Talk),
            TopicKind::QuestionAnswer => {
                self.question
                    .as_ref()
                    .map(|question| TopicBody::QuestionAnswer {
                        question,
                        answer: self.answer.as_ref(),
                    })
            }
            TopicKind::Task => self.task.as_ref().map(TopicBody::Task),
            TopicKind::Solution => self.solution.as_ref().map(TopicBody::Solution),
            TopicKind::Other(_) => None,
        };
        known.unwrap_or_else(|| {
            let kind = self.kind.as_str();
            TopicBody::Other {
                kind,
                raw: self.extra.get(kind),
            }
        })
    }

    /// Who posted it: the talk's, task's or solution's owner, or the asker of a question
    /// (absent for anonymous questions).
    pub fn owner(&self) -> Option<&User> {
        match self.body() {
            TopicBody::Talk(talk) => Some(&talk.owner),
            TopicBody::QuestionAnswer { question, .. } => question.owner.as_ref(),
            TopicBody::Task(task) => Some(&task.owner),
            TopicBody::Solution(solution) => Some(&solution.owner),
            TopicBody::Other { .. } => None,
        }
    }

    /// The main rich text (`<e …/>` markup): the talk, question, task or solution text.
    /// List responses truncate long texts with `...`; `/v2/topics/{id}` has them whole.
    pub fn text(&self) -> Option<&str> {
        match self.body() {
            TopicBody::Talk(talk) => talk.text.as_deref(),
            TopicBody::QuestionAnswer { question, .. } => question.text.as_deref(),
            TopicBody::Task(task) => task.text.as_deref(),
            TopicBody::Solution(solution) => solution.text.as_deref(),
            TopicBody::Other { .. } => None,
        }
    }

    /// The images of the main body.
    pub fn images(&self) -> &[Image] {
        let images = match self.body() {
            TopicBody::Talk(talk) => &talk.images,
            TopicBody::QuestionAnswer { question, .. } => &question.images,
            TopicBody::Task(task) => &task.images,
            TopicBody::Solution(solution) => &solution.images,
            TopicBody::Other { .. } => return &[],
        };
        images.as_deref().unwrap_or_default()
    }

    /// The posts the topic is made of, in reading order — the talk, the question then its
    /// answer, the task, the solution — each that is present, whatever `type` says: what a
    /// reader shows and an export writes. A question's asker is left out when it is anonymous.
    pub fn posts(&self) -> Vec<Post<'_>> {
        fn post<'a>(
            role: PostRole,
            author: Option<&'a User>,
            text: &'a Option<String>,
            images: &'a Option<Vec<Image>>,
            files: Option<&'a Option<Vec<File>>>,
        ) -> Post<'a> {
            Post {
                role,
                author,
                text: text.as_deref(),
                images: images.as_deref().unwrap_or_default(),
                files: files.and_then(Option::as_deref).unwrap_or_default(),
            }
        }
        let mut posts = Vec::new();
        if let Some(t) = &self.talk {
            posts.push(post(
                PostRole::Talk,
                Some(&t.owner),
                &t.text,
                &t.images,
                Some(&t.files),
            ));
        }
        if let Some(q) = &self.question {
            let asker = q.owner.as_ref().filter(|_| q.anonymous != Some(true));
            posts.push(post(PostRole::Question, asker, &q.text, &q.images, None));
        }
        if let Some(a) = &self.answer {
            posts.push(post(
                PostRole::Answer,
                a.owner.as_ref(),
                &a.text,
                &a.images,
                None,
            ));
        }
        if let Some(t) = &self.task {
            posts.push(post(
                PostRole::Task,
                Some(&t.owner),
                &t.text,
                &t.images,
                Some(&t.files),
            ));
        }
        if let Some(s) = &self.solution {
            posts.push(post(
                PostRole::Solution,
                Some(&s.owner),
                &s.text,
                &s.images,
                Some(&s.files),
            ));
        }
        posts
    }

    /// The inline comments (`show_comments`), empty when absent.
    pub fn comments(&self) -> &[Comment] {
        self.show_comments.as_deref().unwrap_or_default()
    }

    /// Whether the topic is a digest (精华); absent counts as no.
    pub fn is_digested(&self) -> bool {
        self.digested.unwrap_or(false)
    }

    /// Whether the topic is pinned; absent counts as no.
    pub fn is_sticky(&self) -> bool {
        self.sticky.unwrap_or(false)
    }

    /// Whether `topic_uid`, when present, names the same id as `topic_id`. A mismatch means the
    /// payload went through a float somewhere (docs/protocol.md §3).
    pub fn uid_is_consistent(&self) -> bool {
        self.topic_uid
            .as_deref()
            .is_none_or(|uid| uid.parse::<TopicId>().ok() == Some(self.topic_id))
    }
}

/// An ordinary post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Talk {
    /// The author.
    pub owner: User,
    /// Rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attached images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Attached files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<File>>,
    /// A long-form article this talk announces; the text is then a truncated excerpt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<Article>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The question of a `q&a` topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// The asker; absent when anonymous.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<User>,
    /// Who was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questionee: Option<User>,
    /// Rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attached images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Whether the question expired unanswered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
    /// Whether the asker is hidden.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anonymous: Option<bool>,
    /// Fields not modelled here (`owner_detail`, `owner_location`…).
    #[serde(flatten)]
    pub extra: Extra,
}

/// The answer of a `q&a` topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// Who answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<User>,
    /// Rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attached images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Fields not modelled here (voice answers…).
    #[serde(flatten)]
    pub extra: Extra,
}

/// An assignment (作业). Its counters live on the topic (`statistics`, `enabled_task`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// Who set it.
    pub owner: User,
    /// Rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attached images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Attached files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<File>>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A submission to a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// The task topic this answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<TopicId>,
    /// `task_id` as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_uid: Option<String>,
    /// Who submitted it.
    pub owner: User,
    /// Rich text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Attached images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<Image>>,
    /// Attached files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<File>>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A task's counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStatistics {
    /// Number of solutions submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_count: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The check-in challenge (打卡) a topic belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkin {
    /// The challenge.
    pub checkin_id: CheckinId,
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Minimum length of a check-in post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_words_count: Option<u32>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A quoted topic: `{"topic": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferencedTopic {
    /// The quoted topic.
    pub topic: Topic,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Likes per emoji.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LikesDetail {
    /// One entry per emoji used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emojis: Option<Vec<EmojiLikes>>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How often one emoji was used to like a topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmojiLikes {
    /// The emoji's code, e.g. `[强]` (thumbs up).
    pub emoji_key: String,
    /// How often.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likes_count: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Like {
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Who.
    pub owner: User,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One reward (赞赏), as embedded by old responses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reward {
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Who.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<User>,
    /// Amount in fen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The viewer's relation to a topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicUserSpecific {
    /// Whether the viewer liked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liked: Option<bool>,
    /// The emojis the viewer liked it with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liked_emojis: Option<Vec<String>>,
    /// Whether the viewer follows its comments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed: Option<bool>,
    /// Task: whether the viewer submitted a solution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/topics/{topic_id}`: one topic with its full, untruncated text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicDetail {
    /// The topic.
    pub topic: Topic,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn owner() -> Value {
        json!({"user_id": 1, "name": "提问者"})
    }

    #[test]
    fn question_and_answer_decode_with_anonymous_asker() {
        let json = json!({
            "topic_id": 45544415585881458_i64,
            "topic_uid": "45544415585881458",
            "type": "q&a",
            "question": {
                "questionee": {"user_id": 2, "name": "星主"},
                "text": "怎么开始？",
                "anonymous": true,
                "expired": false,
                "owner_detail": {"questions_count": 3}
            },
            "answer": {"owner": {"user_id": 2, "name": "星主"}, "text": "先做。"},
            "answered": true,
            "silenced": false,
            "create_time": "2026-04-08T10:34:21.101+0800"
        });
        let topic: Topic = serde_json::from_value(json.clone()).expect("q&a topic");
        assert_eq!(topic.kind, TopicKind::QuestionAnswer);
        assert!(topic.uid_is_consistent());
        assert_eq!(topic.owner(), None);
        assert_eq!(topic.text(), Some("怎么开始？"));
        match topic.body() {
            TopicBody::QuestionAnswer { question, answer } => {
                assert_eq!(question.anonymous, Some(true));
                assert_eq!(
                    question.questionee.as_ref().map(|u| u.name.as_str()),
                    Some("星主")
                );
                assert_eq!(answer.and_then(|a| a.text.as_deref()), Some("先做。"));
            }
            other => panic!("expected a q&a body, got {other:?}"),
        }
        assert_eq!(topic.answered, Some(true));
        assert_eq!(serde_json::to_value(&topic).expect("serialize"), json);
    }

    #[test]
    fn solution_keeps_its_task_id_and_uid() {
        let json = json!({
            "topic_id": 55188118845855825_i64,
            "type": "solution",
            "solution": {
                "task_id": 55188118845855824_i64,
                "task_uid": "55188118845855824",
                "owner": owner(),
                "text": "我的作业",
                "images": []
            }
        });
        let topic: Topic = serde_json::from_value(json.clone()).expect("solution topic");
        let TopicBody::Solution(solution) = topic.body() else {
            panic!("expected a solution body");
        };
        assert_eq!(solution.task_id, Some(TopicId::new(55_188_118_845_855_824)));
        assert_eq!(solution.task_uid.as_deref(), Some("55188118845855824"));
        assert!(topic.images().is_empty());
        assert_eq!(serde_json::to_value(&topic).expect("serialize"), json);
    }

    #[test]
    fn unknown_types_keep_their_body_and_round_trip() {
        let json = json!({
            "topic_id": 9,
            "type": "article",
            "article": {"article_id": "abc", "title": "长文", "nested": [1, {"x": null}]},
            "likes_count": 3,
            "brand_new_field": {"a": 1}
        });
        let topic: Topic = serde_json::from_value(json.clone()).expect("unknown type");
        assert_eq!(topic.kind, TopicKind::Other("article".into()));
        assert_eq!(
            topic.body(),
            TopicBody::Other {
                kind: "article",
                raw: json.get("article")
            }
        );
        assert_eq!(topic.owner(), None);
        assert_eq!(topic.text(), None);
        assert_eq!(serde_json::to_value(&topic).expect("serialize"), json);
    }

    #[test]
    fn known_type_without_its_body_degrades_to_other() {
        let topic: Topic =
            serde_json::from_value(json!({"topic_id": 1, "type": "talk"})).expect("bodiless");
        assert_eq!(
            topic.body(),
            TopicBody::Other {
                kind: "talk",
                raw: None
            }
        );
        assert!(!topic.is_digested());
        assert!(topic.comments().is_empty());
    }

    #[test]
    fn mismatched_uid_is_detected() {
        // The DevTools dump in docs/protocol.md §3: a JavaScript client rounded the id.
        let topic: Topic = serde_json::from_value(json!({
            "topic_id": 45544415585881460_i64,
            "topic_uid": "45544415585881458",
            "type": "talk",
            "talk": {"owner": owner(), "text": "x"}
        }))
        .expect("topic");
        assert!(!topic.uid_is_consistent());
    }
}
