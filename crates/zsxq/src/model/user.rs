//! Users: the small objects embedded everywhere (owners, likers, repliees) and the profile
//! returned by `/v3/users/self` and `/v3/users/{user_id}`.

use serde::{Deserialize, Serialize};

use super::Extra;
use crate::id::UserId;

/// A user as embedded in topics, comments, likes and groups.
///
/// Only `user_id` is always there: a hashtag's owner carries nothing else.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user.
    pub user_id: UserId,
    /// The account name. Empty when the payload leaves it out.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The name this user chose inside the group (星球昵称), when it differs from `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Signed, expiring avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Self-description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Province-level location, e.g. `广东`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Membership number inside the group (on likers and members).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<i64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl User {
    /// The name to show: the in-group alias if there is one, else the account name.
    pub fn display_name(&self) -> &str {
        self.alias
            .as_deref()
            .filter(|alias| !alias.trim().is_empty())
            .unwrap_or(&self.name)
    }
}

/// `resp_data` of `GET /v3/users/self` and `GET /v3/users/{user_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserResponse {
    /// The profile.
    pub user: UserProfile,
    /// Linked phone and WeChat (only for `self`; shape unverified, kept raw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Accounts>,
    /// The viewer's relation to this user (only for other users).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_specific: Option<UserRelation>,
    /// Whether the user runs a shop linked to ZSXQ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub associated_ecommerce: Option<bool>,
    /// Fields not modelled here (`identity_status`, `subscriptions`, …).
    #[serde(flatten)]
    pub extra: Extra,
}

/// A user's profile.
///
/// `/v3/users/{id}` sends the id only as the string `uid`; `/v3/users/self` is described with
/// both `user_id` and `uid`. Use [`UserProfile::id`] rather than either field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    /// The numeric id, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The id as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// The account name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Signed, expiring avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Province-level location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Self-introduction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introduction: Option<String>,
    /// Whether the account is verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Fields not modelled here (`unique_id`, `user_sid`, `grade`: shapes unverified).
    #[serde(flatten)]
    pub extra: Extra,
}

impl UserProfile {
    /// The user's id, from `user_id` or else from the `uid` string.
    pub fn id(&self) -> Option<UserId> {
        self.user_id
            .or_else(|| self.uid.as_deref().and_then(|uid| uid.parse().ok()))
    }
}

/// Linked accounts of the signed-in user. Their inner shape is not documented anywhere, so the
/// values are kept as raw JSON (and the phone number is personal data: do not log it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accounts {
    /// The bound phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<serde_json::Value>,
    /// The bound WeChat account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wechat: Option<serde_json::Value>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

/// How the viewer relates to another user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRelation {
    /// Whether the viewer follows them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followed: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_id_falls_back_to_uid() {
        let profile: UserProfile =
            serde_json::from_str(r#"{"uid":"181284822124142","name":"深圳阿狸"}"#)
                .expect("profile");
        assert_eq!(profile.id(), Some(UserId::new(181_284_822_124_142)));
        let both: UserProfile =
            serde_json::from_str(r#"{"user_id":1,"uid":"2"}"#).expect("profile");
        assert_eq!(both.id(), Some(UserId::new(1)));
        let neither: UserProfile = serde_json::from_str(r#"{"uid":"x"}"#).expect("profile");
        assert_eq!(neither.id(), None);
    }

    #[test]
    fn both_forms_of_the_profile_decode() {
        // `/v3/users/self` (PROTOCOL.md §6.1): numeric and string ids, `grade` a string,
        // linked accounts and subscriptions.
        let me: UserResponse = serde_json::from_value(serde_json::json!({
            "user": {
                "user_id": 181284822124142_i64, "uid": "181284822124142", "name": "林小满",
                "avatar_url": "https://images.zsxq.com/a", "location": "浙江",
                "unique_id": "xiaoman", "user_sid": "a4e2", "grade": "V3",
            },
            "accounts": {"phone": {"number": "138****0000"}, "wechat": {"name": "林小满"}},
            "identity_status": "none",
            "subscriptions": {},
        }))
        .expect("self form");
        assert_eq!(me.user.id(), Some(UserId::new(181_284_822_124_142)));
        assert!(me.accounts.is_some() && me.user_specific.is_none());
        assert_eq!(me.user.extra.get("grade"), Some(&serde_json::json!("V3")));
        // `/v3/users/{id}`: the string id only, the viewer's relation.
        let other: UserResponse = serde_json::from_value(serde_json::json!({
            "associated_ecommerce": false,
            "user": {"uid": "181284822124142", "name": "深圳阿狸", "location": "广东",
                     "introduction": "你好", "verified": true},
            "user_specific": {"followed": false},
        }))
        .expect("other form");
        assert_eq!(other.user.id(), me.user.id());
        assert_eq!(other.user_specific.and_then(|u| u.followed), Some(false));
    }

    #[test]
    fn display_name_prefers_a_real_alias() {
        let mut user: User =
            serde_json::from_str(r#"{"user_id":7,"name":"深圳大冲"}"#).expect("user");
        assert_eq!(user.display_name(), "深圳大冲");
        user.alias = Some(" ".into());
        assert_eq!(user.display_name(), "深圳大冲");
        user.alias = Some("大冲".into());
        assert_eq!(user.display_name(), "大冲");
    }

    #[test]
    fn an_id_only_owner_round_trips() {
        let json = serde_json::json!({"user_id": 582884445452854_i64});
        let user: User = serde_json::from_value(json.clone()).expect("user");
        assert!(user.name.is_empty());
        assert_eq!(serde_json::to_value(&user).expect("serialize"), json);
    }
}
