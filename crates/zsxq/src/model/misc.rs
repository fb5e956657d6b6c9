//! The smaller group resources (tabs, read markers, hashtags, columns, staff), the unread
//! counters and the notification inbox.

use serde::{Deserialize, Serialize};

use super::Extra;
use super::group::Group;
use super::topic::Topic;
use crate::Timestamp;
use crate::id::{ColumnId, DynamicId, GroupId, HashtagId, MenuId, UserId};

/// A tab of a group's timeline (`GET /v2/groups/{id}/menus`): a preset scope or a hashtag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Menu {
    /// The tab; the key of its read marker.
    pub menu_id: MenuId,
    /// Display title, e.g. `精华` or `#复盘#`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Whether it is a built-in tab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<bool>,
    /// The `scope` of a built-in tab: `digests`, `all`, `by_owner`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset_type: Option<String>,
    /// The hashtag a hashtag tab lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashtag: Option<MenuHashtag>,
    /// Newest topic in the tab, when the service reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_topic_create_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The hashtag behind a hashtag tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenuHashtag {
    /// The hashtag.
    pub hashtag_id: HashtagId,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups/{id}/menus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MenusList {
    /// The tabs, in display order.
    #[serde(default)]
    pub menus: Vec<Menu>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The read marker of one tab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuReadTime {
    /// Up to when the tab has been read.
    pub last_read_time: Timestamp,
    /// The tab.
    pub menu_id: MenuId,
}

/// Read markers, synced with the viewer's other devices: `resp_data` of
/// `GET /v2/groups/{id}/menus/last_read_time`, and (wrapped in [`super::ReqData`]) the body of
/// the `PUT` to the same path, which answers with an empty `resp_data`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuReadTimes {
    /// One marker per tab.
    #[serde(default)]
    pub menus: Vec<MenuReadTime>,
}

/// A hashtag of a group (`GET /v2/groups/{id}/hashtags`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hashtag {
    /// The hashtag; list its topics with `/v2/hashtags/{hashtag_id}/topics`.
    pub hashtag_id: HashtagId,
    /// The title with its markers, e.g. `#复盘#`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Who created it (only `user_id` is sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<super::User>,
    /// Display switches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<HashtagProperties>,
    /// How many topics carry it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics_count: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Hashtag {
    /// The title without the surrounding `#`s.
    pub fn name(&self) -> &str {
        let title = self.title.strip_prefix('#').unwrap_or(&self.title);
        title.strip_suffix('#').unwrap_or(title)
    }
}

/// A hashtag's display switches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashtagProperties {
    /// Whether its topics appear on the main timeline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_on_timeline: Option<bool>,
    /// Whether only staff may use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups/{id}/hashtags`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HashtagsList {
    /// Most used first.
    #[serde(default)]
    pub hashtags: Vec<Hashtag>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A column (专栏). Inside a topic only `column_id` and `name` are sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// The column.
    pub column_id: ColumnId,
    /// Its name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Cover image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover_url: Option<String>,
    /// `{topics_count}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<ColumnStatistics>,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// When a topic was last filed in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_topic_attach_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A column's counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnStatistics {
    /// Topics in the column (at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics_count: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups/{id}/columns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnsList {
    /// The columns.
    #[serde(default)]
    pub columns: Vec<Column>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups/{id}/columns/summary`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnsSummary {
    /// Whether the group has any column.
    #[serde(default)]
    pub has_columns: bool,
    /// The heading of the columns section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A staff member, as listed by `GET /v2/groups/{id}/role_members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    /// The user.
    pub user_id: UserId,
    /// The group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    /// Name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Membership number (the owner is 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    /// Signed, expiring avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Self-description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When they joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_time: Option<Timestamp>,
    /// When their membership ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired_time: Option<Timestamp>,
    /// `joined`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Fields not modelled here (`update_time`, `login_time`, `isolated`…).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups/{id}/role_members?role=owner,partners,guests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoleMembers {
    /// The owner (星主).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Member>,
    /// Partners (合伙人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partners: Option<Vec<Member>>,
    /// Administrators, when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admins: Option<Vec<Member>>,
    /// Guests (嘉宾).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guests: Option<Vec<Member>>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// One group's count of unread topics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadTopicCount {
    /// The group.
    pub group_id: GroupId,
    /// Topics since the viewer's read marker.
    #[serde(default)]
    pub count: u64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups/unread_topics_count`: the cheap "what's new" poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadTopicCounts {
    /// One entry per joined group.
    #[serde(default)]
    pub groups: Vec<UnreadTopicCount>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/users/self/unanswered_questions/brief`: questions waiting for the
/// viewer to answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnansweredQuestionsBrief {
    /// How many.
    #[serde(default)]
    pub unanswered_count: u64,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A notification of the inbox (`GET /v2/dynamics?scope=…`).
///
/// `action` says what happened: `create_topic` carries the `topic` and its `group`; `notice`
/// (scope `group_assistant`) carries a plain `text` and a `type` such as `service_notice`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dynamic {
    /// The notification.
    pub dynamic_id: DynamicId,
    /// What happened, e.g. `create_topic`, `notice`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub action: String,
    /// When; the inbox pages by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// Sub-type of a notice, e.g. `service_notice`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Notice text (plain, with newlines).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Whether the apps highlight it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prominent: Option<bool>,
    /// The topic concerned (a sparse copy: no counters or dates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<Topic>,
    /// The group concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<Group>,
    /// Fields not modelled here (`user_specific`, comments, likes…).
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/dynamics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DynamicsList {
    /// Newest first.
    #[serde(default)]
    pub dynamics: Vec<Dynamic>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashtag_name_strips_markers() {
        let tag: Hashtag =
            serde_json::from_str(r##"{"hashtag_id": 1, "title": "#复盘#"}"##).expect("hashtag");
        assert_eq!(tag.name(), "复盘");
        let bare: Hashtag =
            serde_json::from_str(r#"{"hashtag_id": 1, "title": "复盘"}"#).expect("hashtag");
        assert_eq!(bare.name(), "复盘");
    }
}
