//! The brief (今日速览 / Catch up) and the saved list (稍后读): what is unread across circles,
//! ranked by signal with the reason for each place, and what the member triages there.

use serde::{Deserialize, Serialize};

use crate::id::{CircleId, ImageId, TopicId, UserId};
use crate::views::TopicRowDto;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefArgs {
    /// How far back, in hours (default: three days). Unread events of the member's are in
    /// the brief whatever their age.
    #[serde(default)]
    pub since_hours: Option<u32>,
    /// The UI's language (a BCP 47 tag such as `zh-CN`): the reasons are worded in it.
    pub lang: String,
}

/// The brief: ranked items, then the noise, each newest first within its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefDto {
    /// The window's start (unix ms).
    pub since_ms: i64,
    pub items: Vec<BriefItemDto>,
    pub noise: Vec<BriefItemDto>,
}

/// One topic in the brief. Texts are plain, from the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefItemDto {
    pub topic: TopicId,
    pub circle: CircleId,
    pub circle_name: String,
    /// `None` for an anonymous question.
    pub author: Option<String>,
    pub author_id: Option<UserId>,
    /// `talk`, `q&a`, `task`, `solution`.
    pub kind: String,
    pub title: Option<String>,
    /// One to three lines: for a Q&A the question's first line and the answer's.
    pub extract: Vec<String>,
    pub at_ms: i64,
    /// The reasons in the asked language: "精华 · 星主 · 32 赞"; for noise, why it is noise.
    pub why: String,
    /// It concerns the member (an answer to their question, a reply, an @mention …).
    pub mine: bool,
    /// Why it is noise (`check_in`, `thanks`, `link_only`, `near_duplicate`, `muted_author`,
    /// `muted_tag`); `None` for a ranked item.
    pub noise: Option<String>,
    /// Its hashtags, for follow and mute.
    pub tags: Vec<String>,
    /// Its first cached images, shown as a small strip (`media:` image refs).
    #[serde(default)]
    pub images: Vec<ImageId>,
    pub saved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicsArgs {
    pub topics: Vec<TopicId>,
    /// `true`: mark them read (with their inbox events); `false`: unread again (undo).
    pub read: bool,
}

/// An author or a hashtag to follow, mute, or leave alone again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "on")]
pub enum BriefMarkDto {
    Author { id: UserId },
    Tag { name: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StanceDto {
    Follow,
    Mute,
    /// Neither: the follow or mute is taken back.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefMarkArgs {
    pub mark: BriefMarkDto,
    pub stance: StanceDto,
}

/// The member's follows and mutes, as Settings lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefMarksDto {
    /// Authors first, then hashtags; each by name.
    pub marks: Vec<BriefMarkEntryDto>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BriefMarkEntryDto {
    pub mark: BriefMarkDto,
    /// The author's name as archived (empty when unknown), or the hashtag.
    pub name: String,
    pub stance: StanceDto,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveTopicArgs {
    pub topic: TopicId,
    /// `false` takes it off the list.
    pub saved: bool,
}

/// 稍后读 / Saved: newest saved first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedDto {
    pub topics: Vec<TopicRowDto>,
}
