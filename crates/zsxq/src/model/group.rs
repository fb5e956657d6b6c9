//! Groups (星球): `/v2/groups`, `/v2/groups/{group_id}`, and the group stub inside topics.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Extra;
use super::media::Image;
use super::user::User;
use crate::Timestamp;
use crate::id::{CategoryId, GroupId, UserId};

/// A group. The same type serves the list entry, the detail and the stub inside a topic
/// (`{group_id, name, type, background_url}`); only `group_id` is always present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The group.
    pub group_id: GroupId,
    /// Its name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The public group number shown in the apps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    /// Free or paid.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<GroupKind>,
    /// The introduction, plain text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Signed, expiring cover image URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_url: Option<String>,
    /// When the group was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_time: Option<Timestamp>,
    /// When its settings last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_time: Option<Timestamp>,
    /// Newest topic by the owner, partners or guests; the list uses it for badges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privilege_user_last_topic_create_time: Option<Timestamp>,
    /// Newest topic by anyone (detail only): a cheap "anything new?" check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_topic_create_time: Option<Timestamp>,
    /// Last activity of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alive_time: Option<Timestamp>,
    /// `normal` for ordinary groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_level: Option<String>,
    /// E.g. `enterprise`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticated_type: Option<String>,
    /// The directory category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<Category>,
    /// The owner (星主).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<User>,
    /// Partners (合伙人).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_ids: Option<Vec<UserId>>,
    /// Administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_ids: Option<Vec<UserId>>,
    /// Guests (嘉宾).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest_ids: Option<Vec<UserId>>,
    /// Promotional images (detail only; these carry no `original`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promos: Option<Vec<Image>>,
    /// Joining, payment and renewal rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policies: Option<GroupPolicies>,
    /// Counters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statistics: Option<GroupStatistics>,
    /// The viewer's membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_specific: Option<GroupUserSpecific>,
    /// Fields not modelled here (`privileges`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A group's `type`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupKind {
    /// `free`.
    Free,
    /// `pay`.
    Pay,
    /// Anything else, kept verbatim.
    Other(String),
}

impl GroupKind {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Free => "free",
            Self::Pay => "pay",
            Self::Other(other) => other,
        }
    }
}

impl From<&str> for GroupKind {
    fn from(s: &str) -> Self {
        match s {
            "free" => Self::Free,
            "pay" => Self::Pay,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for GroupKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for GroupKind {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for GroupKind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::from(s.as_ref()))
    }
}

/// A directory category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    /// The category.
    pub category_id: CategoryId,
    /// Its title, e.g. `其他`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The rules of a group. Only what a reader needs is named; the many switches
/// (`mute_mode`, `distribution`, `question_fee`…) stay in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupPolicies {
    /// The price model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<Payment>,
    /// Whether new members may join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_join: Option<bool>,
    /// Whether joining needs the owner's approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_examine: Option<bool>,
    /// Whether questions may be asked anonymously.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_anonymous_question: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How joining a group is paid for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    /// Price in fen (1/100 yuan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// `1Y`, `infinite`, or empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
    /// `deadline` or `period`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Start of the priced period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<Timestamp>,
    /// End of the priced period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A group's counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupStatistics {
    /// Topic counts (detail only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics: Option<TopicCounts>,
    /// `{count}` of members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Count>,
    /// `{count}` of files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<Count>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// Topic counters of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicCounts {
    /// All topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topics_count: Option<u64>,
    /// Answered questions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers_count: Option<u64>,
    /// Digests (精华).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digests_count: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A `{count}` object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    /// The count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// The viewer's standing in a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupUserSpecific {
    /// When the viewer joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_time: Option<Timestamp>,
    /// When the viewer was last active there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active_time: Option<Timestamp>,
    /// Renewal state and membership period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    /// The paid-for period; past `end_time` the service answers 14210.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity: Option<Validity>,
    /// Whether the viewer paid to join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid: Option<bool>,
    /// Fields not modelled here (notification switches, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// Membership state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// Start of the membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<Timestamp>,
    /// End of the membership (year 2286 for owners and staff).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Whether renewing is offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_renew: Option<bool>,
    /// Whether renewing is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub need_renew: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// A validity period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validity {
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<Timestamp>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<Timestamp>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// `resp_data` of `GET /v2/groups`: the groups the viewer joined or created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupsList {
    /// The groups.
    pub groups: Vec<Group>,
    /// Fields not modelled here (`preferences`, `statistics.expired_groups`).
    #[serde(flatten)]
    pub extra: Extra,
}

impl Group {
    /// Whether the viewer's paid period ended before `now`, by `user_specific.validity` (or
    /// `membership` when there is no validity): past it the service answers 14210 for the
    /// group's topics. A group that says nothing about it has not ended.
    pub fn membership_ended(&self, now: Timestamp) -> bool {
        let Some(us) = &self.user_specific else {
            return false;
        };
        let end = us
            .validity
            .as_ref()
            .and_then(|v| v.end_time)
            .or_else(|| us.membership.as_ref().and_then(|m| m.end_time));
        end.is_some_and(|end| end < now)
    }
}

impl GroupsList {
    /// The groups `statistics.expired_groups` names: ids, decimal strings, or objects with a
    /// `group_id` (the captures only show the empty list, so every form is read).
    pub fn expired_group_ids(&self) -> Vec<GroupId> {
        let id = |v: &serde_json::Value| {
            let v = v.get("group_id").unwrap_or(v);
            v.as_i64().or_else(|| v.as_str()?.trim().parse().ok())
        };
        self.extra
            .get("statistics")
            .and_then(|s| s.get("expired_groups"))
            .and_then(serde_json::Value::as_array)
            .map(|list| list.iter().filter_map(id).map(GroupId::new).collect())
            .unwrap_or_default()
    }
}

/// `resp_data` of `GET /v2/groups/{group_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDetail {
    /// The group.
    pub group: Group,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memberships_end_by_validity_and_the_list_names_expired_groups() {
        let list: GroupsList = serde_json::from_value(serde_json::json!({
            "groups": [
                {"group_id": 1, "user_specific": {"validity": {"end_time": "2025-01-01T00:00:00.000+0800"}}},
                {"group_id": 2, "user_specific": {"membership": {"end_time": "2286-11-21T01:46:39.999+0800"}}},
                {"group_id": 3, "user_specific": {"join_time": "2024-09-02T12:25:03.107+0800"}},
                {"group_id": 4}
            ],
            "statistics": {"expired_groups": [5, "6", {"group_id": 7, "name": "旧星球"}, {"x": 1}]}
        }))
        .expect("list");
        let now = Timestamp::parse("2026-12-06T12:00:00.000+0800").expect("time");
        let ended: Vec<bool> = list
            .groups
            .iter()
            .map(|g| g.membership_ended(now))
            .collect();
        assert_eq!(ended, [true, false, false, false]);
        assert_eq!(
            list.expired_group_ids(),
            [GroupId::new(5), GroupId::new(6), GroupId::new(7)]
        );
    }

    #[test]
    fn group_kind_keeps_unknown_values() {
        for (wire, kind) in [
            ("free", GroupKind::Free),
            ("pay", GroupKind::Pay),
            ("trial", GroupKind::Other("trial".into())),
        ] {
            let parsed: GroupKind = serde_json::from_str(&format!("\"{wire}\"")).expect("kind");
            assert_eq!(parsed, kind);
            assert_eq!(
                serde_json::to_string(&parsed).expect("serialize"),
                format!("\"{wire}\"")
            );
        }
    }
}
