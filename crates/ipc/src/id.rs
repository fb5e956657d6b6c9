//! Typed ids: the service's 64-bit ids, one type per kind of thing, so a topic id cannot be
//! passed where a circle id is expected, and neither side parses strings by hand.
//!
//! On the wire an id is a decimal string: JavaScript's numbers hold 53 bits and the service's
//! ids do not fit (docs/protocol.md §3). A number is accepted too when reading, for scripts.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// An id of a `K`: [`CircleId`], [`TopicId`], [`CommentId`], [`ImageId`], [`FileId`],
/// [`UserId`], [`DocumentId`].
pub struct Id<K> {
    value: i64,
    kind: PhantomData<fn() -> K>,
}

/// The kinds of ids; never constructed.
pub mod kind {
    #[derive(Debug)]
    pub enum Circle {}
    #[derive(Debug)]
    pub enum Topic {}
    #[derive(Debug)]
    pub enum Comment {}
    #[derive(Debug)]
    pub enum Image {}
    #[derive(Debug)]
    pub enum File {}
    #[derive(Debug)]
    pub enum User {}
    /// A document imported into 已保存: numbered by the archive, not the service.
    #[derive(Debug)]
    pub enum Document {}
}

pub type CircleId = Id<kind::Circle>;
pub type TopicId = Id<kind::Topic>;
pub type CommentId = Id<kind::Comment>;
pub type ImageId = Id<kind::Image>;
pub type FileId = Id<kind::File>;
pub type UserId = Id<kind::User>;
pub type DocumentId = Id<kind::Document>;

impl<K> Id<K> {
    pub const fn new(value: i64) -> Self {
        Self {
            value,
            kind: PhantomData,
        }
    }

    /// The service's number.
    pub const fn get(self) -> i64 {
        self.value
    }
}

// By hand, because derives would ask `K` for the same traits.
impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<K> Eq for Id<K> {}
impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}

impl<K> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)
    }
}

/// The decimal number, as the service writes it.
impl<K> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)
    }
}

/// Why a text is not an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadId(pub String);

impl fmt::Display for BadId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}” is not an id", self.0)
    }
}

impl std::error::Error for BadId {}

impl<K> FromStr for Id<K> {
    type Err = BadId;

    fn from_str(text: &str) -> Result<Self, BadId> {
        text.trim()
            .parse()
            .map(Self::new)
            .map_err(|_| BadId(text.to_owned()))
    }
}

impl<K> Serialize for Id<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, K> Deserialize<'de> for Id<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<K>(PhantomData<fn() -> K>);

        impl<K> de::Visitor<'_> for Visitor<K> {
            type Value = Id<K>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an id as a decimal string")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Id<K>, E> {
                text.parse().map_err(E::custom)
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Id<K>, E> {
                Ok(Id::new(value))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Id<K>, E> {
                i64::try_from(value)
                    .map(Id::new)
                    .map_err(|_| E::custom(format!("{value} is out of range for an id")))
            }
        }

        deserializer.deserialize_any(Visitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_travel_as_decimal_strings_beyond_javascripts_53_bits() {
        // 2^53 + 1: a JavaScript number would round it to 2^53.
        let id = TopicId::new(9_007_199_254_740_993);
        let json = serde_json::to_string(&id).expect("serializes");
        assert_eq!(json, "\"9007199254740993\"");
        assert_eq!(serde_json::from_str::<TopicId>(&json).expect("parses"), id);
        assert_eq!(
            serde_json::from_str::<TopicId>("9007199254740993").expect("a number too"),
            id
        );
    }

    #[test]
    fn anything_but_a_decimal_number_is_refused() {
        for bad in [
            "\"\"",
            "\"12a\"",
            "\"1e3\"",
            "\"99999999999999999999\"",
            "null",
            "1.5",
        ] {
            assert!(serde_json::from_str::<CircleId>(bad).is_err(), "{bad}");
        }
        assert_eq!(" 42 ".parse::<FileId>(), Ok(FileId::new(42)));
        assert_eq!(
            "x".parse::<FileId>().map_err(|e| e.to_string()),
            Err("“x” is not an id".to_owned())
        );
    }
}
