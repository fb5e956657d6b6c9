//! The pages of topic lists, decoded topic by topic.
//!
//! A list is newest first and carries no cursor of its own: the next page is requested with
//! `end_time` = the last topic's `create_time` (inclusive: de-duplicate by id; docs/protocol.md
//! §5). One topic this crate cannot read — a field it needs is missing, a shape it has not seen
//! — must not cost the page: a sync that failed the whole page would stall that circle at it
//! forever. So each item is decoded on its own; what fails is kept as an [`UndecodedTopic`]
//! with its raw JSON and the reason, for the caller to store and for a later version to read.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::Extra;
use super::topic::Topic;
use crate::Timestamp;
use crate::id::TopicId;

/// `resp_data` of the topic lists: `/v2/groups/{id}/topics`, `/v2/hashtags/{id}/topics`,
/// `/v2/groups/{id}/checkins/{id}/topics`…
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicsPage {
    /// The topics that decoded, in list order.
    pub topics: Vec<Topic>,
    /// The items that did not; never serialized (they are not topics).
    #[serde(skip)]
    pub undecoded: Vec<UndecodedTopic>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TopicsPage {
    /// Items on the page, decoded or not: what decides whether the page was full.
    pub fn len(&self) -> usize {
        self.topics.len() + self.undecoded.len()
    }

    /// Whether the page had no item at all.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'de> Deserialize<'de> for TopicsPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            topics: Vec<Value>,
            #[serde(flatten)]
            extra: Extra,
        }
        let wire = Wire::deserialize(deserializer)?;
        let (topics, undecoded) = decode_each(wire.topics);
        Ok(Self {
            topics,
            undecoded,
            extra: wire.extra,
        })
    }
}

/// A list item that is not a topic this crate can read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndecodedTopic {
    /// Its `topic_id` (or `topic_uid`), when that much is readable.
    pub topic_id: Option<TopicId>,
    /// Its `create_time`, when readable: it still moves the list's cursor.
    pub create_time: Option<Timestamp>,
    /// Why it did not decode, with the path of the offending field.
    pub error: String,
    /// The item as served.
    pub raw: Value,
}

/// Decodes every item that is a topic and keeps the rest, in order.
pub fn decode_each(items: Vec<Value>) -> (Vec<Topic>, Vec<UndecodedTopic>) {
    let mut topics = Vec::with_capacity(items.len());
    let mut undecoded = Vec::new();
    for raw in items {
        // `&Value` is a deserializer: no copy unless the item fails.
        match serde_path_to_error::deserialize::<_, Topic>(&raw) {
            Ok(topic) => topics.push(topic),
            Err(err) => undecoded.push(UndecodedTopic {
                topic_id: loose_id(&raw),
                create_time: raw
                    .get("create_time")
                    .and_then(Value::as_str)
                    .and_then(|t| Timestamp::parse(t).ok()),
                error: err.to_string(),
                raw,
            }),
        }
    }
    (topics, undecoded)
}

/// The id of an item whatever else is wrong with it: a number, or the decimal string twin.
fn loose_id(raw: &Value) -> Option<TopicId> {
    let from = |v: &Value| v.as_i64().or_else(|| v.as_str()?.trim().parse().ok());
    raw.get("topic_id")
        .and_then(from)
        .or_else(|| raw.get("topic_uid").and_then(from))
        .filter(|id| *id > 0)
        .map(TopicId::new)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_talk_without_its_owner_no_longer_fails_the_page() {
        // The first item is minimal but plausible: a talk whose body lacks `owner`.
        let page: TopicsPage = serde_json::from_value(json!({
            "topics": [
                {"topic_id": 11, "type": "talk", "create_time": "2026-04-08T10:34:21.101+0800",
                 "talk": {"text": "无主之言"}},
                {"topic_id": 10, "type": "talk", "create_time": "2026-04-08T10:30:00.000+0800",
                 "talk": {"owner": {"user_id": 1, "name": "星主"}, "text": "正常的一条"}},
                {"type": "talk", "topic_uid": "9", "create_time": "not a time"},
                "not even an object"
            ],
            "has_more": true
        }))
        .expect("a page with odd items still decodes");
        assert_eq!(page.topics.len(), 1);
        assert_eq!(page.topics[0].topic_id, TopicId::new(10));
        assert_eq!(page.len(), 4, "every item counts for the page size");
        let odd = &page.undecoded[0];
        assert_eq!(odd.topic_id, Some(TopicId::new(11)));
        assert_eq!(
            odd.create_time.map(|t| t.to_string()).as_deref(),
            Some("2026-04-08T10:34:21.101+0800")
        );
        assert!(odd.error.contains("talk"), "{}", odd.error);
        assert!(odd.error.contains("owner"), "{}", odd.error);
        assert_eq!(
            odd.raw["talk"]["text"], "无主之言",
            "the raw item is kept whole"
        );
        assert_eq!(page.undecoded[1].topic_id, Some(TopicId::new(9)));
        assert_eq!(page.undecoded[1].create_time, None);
        assert_eq!(page.undecoded[2].topic_id, None);
        assert_eq!(page.extra["has_more"], true);
    }

    #[test]
    fn a_page_that_is_not_a_list_still_fails() {
        let err = serde_json::from_value::<TopicsPage>(json!({"topics": {"a": 1}}))
            .expect_err("topics must be a list");
        assert!(err.to_string().contains("sequence"), "{err}");
    }
}
