//! What the reading screens show: circles, timeline rows, a topic with its thread, search
//! results, and where the sync stands.
//!
//! Ids are typed ([`crate::id`]) and travel as decimal strings: ZSXQ ids exceed 2^53, which a
//! JavaScript number (and so the JSON the bridge carries) cannot hold exactly. Times are unix milliseconds. Every `html` field is
//! sanitized by the core before it crosses the boundary; the UI inserts it as is.

use serde::{Deserialize, Serialize};

use crate::id::{CircleId, CommentId, DocumentId, FileId, ImageId, TopicId};

/// The circles in the archive and where the sync stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveOverviewDto {
    pub sync: SyncStateDto,
    /// Unread events in the inbox: the bell's count.
    pub inbox_unread: u64,
    /// In the service's order.
    pub circles: Vec<CircleDto>,
}

/// One archived circle as the sidebar shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircleDto {
    pub id: CircleId,
    pub name: String,
    pub topics: u64,
    /// Topics not opened yet and posted after the circle was last marked read.
    pub unread: u64,
    /// The membership lapsed: readable, no longer synced.
    pub expired: bool,
    /// What the member chose to mirror of it.
    pub mirror: MirrorDto,
}

/// How much of a circle is mirrored: all of it (the default), the last months, or nothing
/// (listed, not synced). Serialized as `{"keep": "all"}`, `{"keep": "months", "months": 3}`,
/// `{"keep": "nothing"}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "keep", rename_all = "snake_case")]
pub enum MirrorDto {
    #[default]
    All,
    Months {
        months: u32,
    },
    Nothing,
}

/// What [`crate::commands::SetMirror`] sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorArgs {
    pub circle: CircleId,
    pub mirror: MirrorDto,
}

/// What [`crate::commands::PauseSync`] sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PauseArgs {
    pub paused: bool,
}

/// What to mirror, with what each choice costs: the screen after sign-in and Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MirrorPlanDto {
    /// In the service's order.
    pub circles: Vec<CirclePlanDto>,
    /// The milliseconds one request takes in the estimates (the polite pacing's average until
    /// the sync has measured its own).
    pub request_ms: u64,
}

/// One circle of a [`MirrorPlanDto`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CirclePlanDto {
    pub id: CircleId,
    pub name: String,
    pub mirror: MirrorDto,
    /// Topics the circle holds, as the service says; `None` until the sync has asked (in its
    /// first minute).
    pub topics: Option<u64>,
    /// Topics archived.
    pub archived: u64,
    /// The membership lapsed: nothing more is fetched whatever the choice.
    pub expired: bool,
    /// Each choice offered, the member's own among them, with what it would take.
    pub choices: Vec<ChoiceDto>,
}

/// One choice of what to mirror of a circle, and its cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChoiceDto {
    pub mirror: MirrorDto,
    /// Topics it holds, as far as can be told.
    pub topics: Option<u64>,
    /// Requests fetching what is not archived yet takes (0: complete); `None` until the size
    /// is known.
    pub requests: Option<u64>,
    /// The time they take.
    pub remaining_ms: Option<u64>,
}

/// What the background sync is doing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStateDto {
    /// Not started yet, or stopped by the member until the next interval.
    #[default]
    Idle,
    Syncing,
    /// Everything reachable is archived; the next run starts on the interval.
    CaughtUp,
    /// The service refused the token: sign in again to resume.
    NeedsLogin,
    /// The last run stopped on an error; it retries on the interval.
    Failed,
    /// The service cannot be reached (no network): the sync tries again every minute or
    /// sooner and goes on by itself once it can.
    Offline,
}

/// The sync as the status bar shows it; streamed to the UI on every change. The default is
/// idle, before any run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusDto {
    pub state: SyncStateDto,
    /// The circle being synced now.
    pub circle: Option<String>,
    /// Circles finished in this run, and in all.
    pub circles_done: u32,
    pub circles_total: u32,
    /// Pages committed and topics archived for the first time in this run.
    pub pages: u64,
    pub new_topics: u64,
    /// When the last run ended with everything archived.
    pub last_synced_ms: Option<i64>,
    /// Why the last run failed, in plain words.
    pub error: Option<String>,
    /// The run waits for another sync of this archive (`orrery-cli` beside the app) to end.
    #[serde(default)]
    pub waiting: bool,
    /// The day's request budget is spent: the background sync rests until then (unix ms);
    /// "sync now" still runs.
    #[serde(default)]
    pub resting_until_ms: Option<i64>,
    /// Requests sent today (local day) by every process on this archive, against the daily
    /// budget in Settings.
    #[serde(default)]
    pub requests_today: u64,
    /// The member paused syncing (kept across restarts) until they resume it.
    #[serde(default)]
    pub paused: bool,
    /// How long mirroring what is chosen still takes at the measured pace, in all: `Some(0)`
    /// when nothing is left, `None` when it cannot be told yet (a circle's size is unknown).
    #[serde(default)]
    pub remaining_ms: Option<u64>,
    /// The circles with work left, in the service's order.
    #[serde(default)]
    pub backlog: Vec<CircleBacklogDto>,
}

/// One circle still being mirrored: how far, and how long its work left takes at the measured
/// pace (the circles share one pace, so they finish together rather than one after another).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircleBacklogDto {
    pub circle: CircleId,
    /// Topics archived within the member's choice.
    pub archived: u64,
    /// Topics the choice holds, as far as can be told.
    pub expected: Option<u64>,
    /// `None` while the service has not said the circle's size.
    pub remaining_ms: Option<u64>,
}

/// A timeline tab: the service's own tabs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TabDto {
    /// 最新
    #[default]
    Latest,
    /// 精华
    Digests,
    /// 只看星主
    Owner,
    /// 问答
    Questions,
    /// 作业
    Tasks,
}

impl TabDto {
    pub const ALL: [Self; 5] = [
        Self::Latest,
        Self::Digests,
        Self::Owner,
        Self::Questions,
        Self::Tasks,
    ];
}

/// Where the next timeline page starts: the last row of the previous one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CursorDto {
    pub time_ms: i64,
    pub topic_id: TopicId,
}

/// One page of a timeline, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelinePageDto {
    pub topics: Vec<TopicRowDto>,
    /// `None` on the last page.
    pub next: Option<CursorDto>,
}

/// The type of a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicKindDto {
    Talk,
    Question,
    Task,
    Solution,
    Other,
}

/// A topic as a timeline row shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicRowDto {
    pub id: TopicId,
    pub circle_id: CircleId,
    pub kind: TopicKindDto,
    /// `None` for an anonymous question.
    pub author: Option<String>,
    pub time_ms: i64,
    /// The title, or the first line of the text.
    pub title: String,
    /// The start of the text after the title, in plain text.
    pub excerpt: String,
    pub digest: bool,
    pub sticky: bool,
    pub answered: bool,
    pub likes: u64,
    pub comments: u64,
    pub unread: bool,
    /// When a sync noticed that 知识星球 deleted the topic; the archive keeps it (keeping it
    /// is the point of an archive), so it is shown marked rather than dropped.
    pub deleted_at_ms: Option<i64>,
    /// The archive kept an earlier text of the topic (see [`TopicDto::revisions`]).
    pub edited: bool,
}

/// The hashtags and columns of a circle, for the timeline's filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircleFiltersDto {
    /// Most used first.
    pub hashtags: Vec<FacetDto>,
    pub columns: Vec<FacetDto>,
}

/// A hashtag (id = its name) or a column (id = its id) with its topic count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FacetDto {
    pub id: String,
    pub name: String,
    pub topics: u64,
}

/// A topic with everything archived about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicDto {
    pub row: TopicRowDto,
    pub circle_name: String,
    /// The posts the topic is made of, in reading order: the talk, the question and its
    /// answer, the task, or the solution.
    pub parts: Vec<PartDto>,
    pub article: Option<ArticleDto>,
    pub hashtags: Vec<String>,
    /// Comments and replies, oldest first; a reply names its parent.
    pub comments: Vec<CommentDto>,
    /// The service's time of the last edit of the current text, when it sent one.
    pub modified_ms: Option<i64>,
    /// The texts the topic had before its edits, oldest first; empty if the archive never
    /// saw it change. Whether it was deleted on 知识星球 is `row.deleted_at_ms`.
    pub revisions: Vec<RevisionDto>,
    /// On the member's 稍后读 / Saved list.
    #[serde(default)]
    pub saved: bool,
    /// What the reader offers to follow or mute for the brief, each with its current stance:
    /// the author (unless the question is anonymous), then each hashtag.
    #[serde(default)]
    pub brief_marks: Vec<crate::brief::BriefMarkEntryDto>,
}

/// An earlier text of an edited topic, as the archive kept it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevisionDto {
    /// 1 for the first text archived, counting up.
    pub revision: u32,
    /// The service's time of that text's last edit, when it had one.
    pub modified_ms: Option<i64>,
    /// When a sync saw it replaced.
    pub replaced_at_ms: i64,
    /// Its posts as the reader shows them (sanitized HTML, like the current ones).
    pub parts: Vec<PartDto>,
    /// The same text, plain.
    pub text: String,
}

/// What a part of a topic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartRole {
    Talk,
    Question,
    Answer,
    Task,
    Solution,
}

/// One post of a topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartDto {
    pub role: PartRole,
    /// `None` for an anonymous question.
    pub author: Option<String>,
    pub html: String,
    pub images: Vec<ImageDto>,
    pub files: Vec<FileDto>,
}

/// An image; the UI loads it from the app's media protocol by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageDto {
    pub id: ImageId,
    /// Whether a copy is in the media cache (readable offline).
    pub cached: bool,
}

/// An attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDto {
    pub id: FileId,
    pub name: String,
    pub size: Option<u64>,
}

/// A long-form article announced by a talk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArticleDto {
    pub title: String,
    /// The body, once archived.
    pub html: Option<String>,
    /// The web page of the article, to open in the browser.
    pub url: Option<String>,
}

/// A comment or a reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentDto {
    pub id: CommentId,
    pub parent_id: Option<CommentId>,
    pub author: String,
    /// Who a reply answers.
    pub repliee: Option<String>,
    pub time_ms: i64,
    pub html: String,
    pub images: Vec<ImageDto>,
    pub likes: u64,
}

/// A search's results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchResultsDto {
    /// Matching units in all.
    pub total: u64,
    /// The conditions understood, in the order typed: the UI's chips.
    pub chips: Vec<ChipDto>,
    pub hits: Vec<SearchHitDto>,
    /// Time spent in the index.
    pub micros: u64,
}

/// One condition of a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChipDto {
    /// `text`, `circle`, `type`, `author`, `tag`, `digest`, `unanswered`, `deleted`, `after`,
    /// `before`.
    pub kind: String,
    /// What the condition matches, as shown (a date as `YYYY-MM-DD`).
    pub value: String,
    /// Excluded with `-`.
    pub negated: bool,
    /// The condition as query text, to remove it from the query when the chip is closed.
    pub source: String,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHitDto {
    pub topic_id: TopicId,
    /// Set when the match is a comment or reply.
    pub comment_id: Option<CommentId>,
    /// `talk`, `question`, `answer`, `article`, `task`, `solution`, `comment` or `document`.
    pub kind: String,
    /// Set when the match is a document imported into 已保存 (its circle is empty, its
    /// `circle` the site it came from, and `topic_id` means nothing).
    #[serde(default)]
    pub document_id: Option<DocumentId>,
    pub circle_id: CircleId,
    pub circle: String,
    pub author: String,
    pub time_ms: i64,
    pub title: String,
    pub snippet: String,
    /// Byte ranges of `snippet` to highlight, in order, not overlapping.
    pub marks: Vec<(u32, u32)>,
    pub digest: bool,
    /// The topic was deleted on 知识星球 (a comment's too: its thread went with it).
    pub deleted: bool,
}
