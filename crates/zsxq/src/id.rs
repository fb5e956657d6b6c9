//! Typed 64-bit identifiers.
//!
//! ZSXQ ids (topics, comments, images, dynamics…) are Java `long`s that now exceed 2^53, so a
//! JavaScript-style `f64` would silently corrupt them (docs/protocol.md §3). Every id here is an
//! `i64` — the server's own type, and what SQLite stores natively — decoded from a JSON integer
//! or from a decimal string (the `*_uid` twins and some newer payloads send strings). Floats are
//! refused rather than rounded: an id that went through a float is already wrong.
//!
//! One newtype per kind keeps a `CommentId` from being passed where a `TopicId` is expected.

use std::fmt;
use std::num::ParseIntError;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! define_id {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw id.
            pub const fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw id.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                // Numbers, because that is what the service sends for the `*_id` fields; a
                // re-serialized topic must match what was received.
                serializer.serialize_i64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(RawIdVisitor).map(Self)
            }
        }
    )+};
}

define_id! {
    /// A topic (`topic_id`; also the target of a solution's `task_id`).
    TopicId;
    /// A comment (`comment_id`, `parent_comment_id`).
    CommentId;
    /// A group, i.e. a 星球 (`group_id`).
    GroupId;
    /// A user (`user_id`, `uid`).
    UserId;
    /// An uploaded image (`image_id`).
    ImageId;
    /// An attached file (`file_id`).
    FileId;
    /// A hashtag (`hashtag_id`, the `hid` of a rich-text hashtag).
    HashtagId;
    /// A column, i.e. a 专栏 (`column_id`).
    ColumnId;
    /// A group's tab (`menu_id`).
    MenuId;
    /// A notification (`dynamic_id`).
    DynamicId;
    /// A check-in challenge, i.e. a 打卡 (`checkin_id`).
    CheckinId;
    /// A group category (`category_id`).
    CategoryId;
}

/// Accepts an integer or a decimal string; rejects floats and anything else.
struct RawIdVisitor;

impl Visitor<'_> for RawIdVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 64-bit integer id, as a JSON integer or a decimal string")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        Err(E::invalid_type(de::Unexpected::Float(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        let digits = v.strip_prefix('-').unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::invalid_value(de::Unexpected::Str(v), &self));
        }
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_beyond_2_pow_53_survive_exactly() {
        // 2^53 + 1 is the first integer an f64 cannot hold.
        let id: TopicId = serde_json::from_str("9007199254740993").expect("integer id");
        assert_eq!(id.get(), 9_007_199_254_740_993);
        let id: TopicId = serde_json::from_str("55522458445228254").expect("integer id");
        assert_eq!(id.get(), 55_522_458_445_228_254);
        assert_eq!(
            serde_json::to_string(&id).expect("serialize"),
            "55522458445228254"
        );
    }

    #[test]
    fn ids_accept_decimal_strings() {
        let id: UserId = serde_json::from_str(r#""181284822124142""#).expect("string id");
        assert_eq!(id, UserId::new(181_284_822_124_142));
        assert_eq!(
            "45544415585881458".parse::<TopicId>().expect("from_str"),
            TopicId::new(45_544_415_585_881_458)
        );
    }

    #[test]
    fn ids_refuse_floats_and_junk() {
        for bad in [
            "4.5544415585881460e16",
            "1.0",
            r#""12a""#,
            r#""""#,
            r#""1e5""#,
            "true",
            "null",
            "18446744073709551615",
        ] {
            assert!(
                serde_json::from_str::<CommentId>(bad).is_err(),
                "{bad} should not decode as an id"
            );
        }
    }

    #[test]
    fn id_display_is_the_decimal_number() {
        assert_eq!(
            GroupId::new(15_555_411_412_112).to_string(),
            "15555411412112"
        );
    }
}
