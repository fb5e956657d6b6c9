//! `orrery-cli inspect FILE`: what Orrery makes of a saved raw ZSXQ response.
//!
//! A response is recognised from its shape, never from its file name: the envelope first
//! (`succeeded`, or `req_data` for a request body, or a bare topic object), then the keys of
//! `resp_data`. It is then decoded with the `zsxq` crate's own models, so the command answers
//! "would the app understand this?". A failure names the JSON path where decoding stopped.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use zsxq::rich_text::{parse, to_plain_text};
use zsxq::{Topic, TopicBody};

/// Why a file could not be inspected. The message names the JSON path where that applies.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("unrecognised shape at `{path}`: {what}")]
    Unrecognised { path: String, what: String },
    #[error("cannot decode {kind} at `{path}`: {message}")]
    Decode {
        kind: &'static str,
        path: String,
        message: String,
    },
}

/// Inspects one response body and returns the report printed by `--json`.
pub fn inspect(body: &[u8]) -> Result<Value, InspectError> {
    let value: Value = serde_json::from_slice(body).map_err(InspectError::NotJson)?;
    let Value::Object(root) = &value else {
        return Err(unrecognised("$", "expected a JSON object"));
    };
    if root.contains_key("succeeded") {
        if root.get("succeeded") != Some(&Value::Bool(true)) {
            return Ok(failure(body));
        }
        let data = root
            .get("resp_data")
            .ok_or_else(|| unrecognised("$", "a success envelope without `resp_data`"))?;
        return resp_data(data, "resp_data");
    }
    if let Some(request) = root.get("req_data") {
        return request_body(request);
    }
    if root.contains_key("topic_id") && root.contains_key("type") {
        let topic: Topic = decode("topic", &value, "")?;
        return Ok(json!({ "kind": "topic", "topics": [topic_summary(&topic)] }));
    }
    Err(unrecognised(
        "$",
        &format!("no envelope, request body or topic; keys: {}", keys(root)),
    ))
}

/// A failure envelope, classified exactly as the client classifies it.
fn failure(body: &[u8]) -> Value {
    let error = match zsxq::decode_body::<Value>(body) {
        Err(err) => err,
        Ok(_) => return json!({ "kind": "error" }),
    };
    json!({ "kind": "error", "code": error.code(), "retryable": error.retryable(), "message": error.to_string() })
}

fn resp_data(data: &Value, at: &str) -> Result<Value, InspectError> {
    let Value::Object(map) = data else {
        return Err(unrecognised(at, "`resp_data` is not an object"));
    };
    let has = |key: &str| map.contains_key(key);
    let first_item_has = |list: &str, key: &str| {
        map.get(list)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .is_some_and(|item| item.get(key).is_some())
    };
    let report = if has("topics") {
        let page: zsxq::TopicsPage = decode("topic list", data, at)?;
        // Items that do not decode do not fail a list (the sync keeps them as served): say
        // which and why, with the path inside the item.
        let undecoded: Vec<Value> = page
            .undecoded
            .iter()
            .map(|u| json!({ "topic_id": u.topic_id.map(|id| id.to_string()), "error": u.error }))
            .collect();
        json!({
            "kind": "topics",
            "topics": page.topics.iter().map(topic_summary).collect::<Vec<_>>(),
            "undecoded": undecoded,
        })
    } else if has("topic") {
        let detail: zsxq::TopicDetail = decode("topic", data, at)?;
        json!({ "kind": "topic", "topics": [topic_summary(&detail.topic)] })
    } else if has("comments") {
        let page: zsxq::CommentsPage = decode("comments", data, at)?;
        json!({ "kind": "comments", "count": page.comments.len() })
    } else if has("user") {
        let user: zsxq::UserResponse = decode("user", data, at)?;
        json!({ "kind": "user", "name": user.user.name })
    } else if has("group") {
        let _: zsxq::GroupDetail = decode("group", data, at)?;
        json!({ "kind": "group" })
    } else if has("groups")
        && first_item_has("groups", "count")
        && !first_item_has("groups", "name")
    {
        let counts: zsxq::UnreadTopicCounts = decode("unread topic counts", data, at)?;
        json!({ "kind": "unread_topics_count", "count": counts.groups.len() })
    } else if has("groups") {
        let list: zsxq::GroupsList = decode("groups", data, at)?;
        json!({ "kind": "groups", "count": list.groups.len() })
    } else if has("hashtags") {
        let list: zsxq::HashtagsList = decode("hashtags", data, at)?;
        json!({ "kind": "hashtags", "count": list.hashtags.len() })
    } else if has("columns") {
        let list: zsxq::ColumnsList = decode("columns", data, at)?;
        json!({ "kind": "columns", "count": list.columns.len() })
    } else if has("has_columns") {
        let _: zsxq::ColumnsSummary = decode("columns summary", data, at)?;
        json!({ "kind": "columns_summary" })
    } else if has("menus") && first_item_has("menus", "last_read_time") {
        let list: zsxq::MenuReadTimes = decode("menu read times", data, at)?;
        json!({ "kind": "menus_last_read_time", "count": list.menus.len() })
    } else if has("menus") {
        let list: zsxq::MenusList = decode("menus", data, at)?;
        json!({ "kind": "menus", "count": list.menus.len() })
    } else if has("dynamics") {
        let list: zsxq::DynamicsList = decode("dynamics", data, at)?;
        json!({ "kind": "dynamics", "count": list.dynamics.len() })
    } else if has("unanswered_count") {
        let brief: zsxq::UnansweredQuestionsBrief = decode("unanswered questions brief", data, at)?;
        json!({ "kind": "unanswered_questions_brief", "count": brief.unanswered_count })
    } else if has("owner") {
        let _: zsxq::RoleMembers = decode("role members", data, at)?;
        json!({ "kind": "role_members" })
    } else if map.is_empty() {
        json!({ "kind": "empty" })
    } else {
        return Err(unrecognised(
            at,
            &format!("unknown response; keys: {}", keys(map)),
        ));
    };
    Ok(report)
}

fn request_body(data: &Value) -> Result<Value, InspectError> {
    let at = "req_data";
    if data.get("menus").is_some() {
        let body: zsxq::MenuReadTimes = decode("menu read times", data, at)?;
        return Ok(
            json!({ "kind": "request", "request": "menus_last_read_time", "count": body.menus.len() }),
        );
    }
    if data.get("text").is_some() {
        // Answer, comment and new talk share this shape; the comment request is the widest.
        let body: zsxq::CommentRequest = decode("text request", data, at)?;
        return Ok(
            json!({ "kind": "request", "request": "text", "text": to_plain_text(&parse(&body.text)) }),
        );
    }
    Err(unrecognised(at, "unknown request body"))
}

/// `{topic_id, type, text}`: the id as an exact decimal string, the type as the API names it,
/// and the plain text of the main body (a question is followed by its answer).
fn topic_summary(topic: &Topic) -> Value {
    let plain = |rich: Option<&str>| to_plain_text(&parse(rich.unwrap_or_default()));
    let text = match topic.body() {
        TopicBody::QuestionAnswer { question, answer } => {
            let mut text = plain(question.text.as_deref());
            if let Some(answer) = answer.and_then(|a| a.text.as_deref()) {
                text.push_str("\n\n");
                text.push_str(&plain(Some(answer)));
            }
            text
        }
        _ => plain(topic.text()),
    };
    json!({ "topic_id": topic.topic_id.to_string(), "type": topic.kind.as_str(), "text": text })
}

/// Decodes `value` as `T`, naming the JSON path below `at` on failure.
fn decode<T: DeserializeOwned>(
    kind: &'static str,
    value: &Value,
    at: &str,
) -> Result<T, InspectError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let inner = err.path().to_string();
        let path = match (at.is_empty(), inner.as_str()) {
            (true, _) => inner.clone(),
            (false, ".") => at.to_owned(),
            (false, _) => format!("{at}.{inner}"),
        };
        InspectError::Decode {
            kind,
            path,
            message: err.into_inner().to_string(),
        }
    })
}

fn unrecognised(path: &str, what: &str) -> InspectError {
    InspectError::Unrecognised {
        path: path.to_owned(),
        what: what.to_owned(),
    }
}

fn keys(map: &Map<String, Value>) -> String {
    map.keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_text_is_followed_by_its_answer() {
        let body = r#"{"succeeded":true,"resp_data":{"topic":{"topic_id":55522458445228254,"type":"q&a",
            "create_time":"2026-04-08T10:34:21.101+0800","answered":true,
            "question":{"text":"<e type=\"text_bold\" title=\"%E6%80%8E%E4%B9%88%E5%AD%A6\" />Rust?"},
            "answer":{"owner":{"user_id":1,"name":"星主"},"text":"多写代码"}}}}"#;
        let report = inspect(body.as_bytes()).expect("inspects");
        assert_eq!(report["kind"], "topic");
        assert_eq!(report["topics"][0]["topic_id"], "55522458445228254");
        assert_eq!(report["topics"][0]["type"], "q&a");
        assert_eq!(report["topics"][0]["text"], "怎么学Rust?\n\n多写代码");
    }

    #[test]
    fn a_bad_field_is_named_by_its_path() {
        let body = br#"{"succeeded":true,"resp_data":{"groups":[{"group_id":1,"name":"a",
            "create_time":"yesterday"}]}}"#;
        let err = inspect(body).expect_err("bad date");
        assert!(
            err.to_string().contains("resp_data.groups[0].create_time"),
            "{err}"
        );
    }

    #[test]
    fn a_topic_that_does_not_decode_is_named_not_fatal() {
        let body = br#"{"succeeded":true,"resp_data":{"topics":[{"topic_id":1,"type":"talk",
            "create_time":"yesterday","talk":{"owner":{"user_id":1,"name":"a"},"text":"x"}},
            {"topic_id":2,"type":"talk","talk":{"owner":{"user_id":1,"name":"a"},"text":"y"}}]}}"#;
        let report = inspect(body).expect("a list with one odd topic still inspects");
        assert_eq!(report["topics"].as_array().map(Vec::len), Some(1));
        assert_eq!(report["undecoded"][0]["topic_id"], "1");
        let error = report["undecoded"][0]["error"].as_str().unwrap_or_default();
        assert!(error.contains("create_time"), "{error}");
    }

    #[test]
    fn failure_envelopes_are_classified() {
        let report = inspect(br#"{"succeeded":false,"code":14210,"info":"","resp_data":{}}"#)
            .expect("inspects");
        assert_eq!(report["kind"], "error");
        assert_eq!(report["code"], 14210);
        assert_eq!(report["retryable"], false);
    }

    #[test]
    fn unknown_shapes_and_non_json_are_errors() {
        assert!(matches!(
            inspect(b"[1,2]"),
            Err(InspectError::Unrecognised { .. })
        ));
        assert!(matches!(
            inspect(b"{\"succeeded\":true,\"resp_data\":{\"zz\":1}}"),
            Err(InspectError::Unrecognised { .. })
        ));
        assert!(matches!(inspect(b"<html>"), Err(InspectError::NotJson(_))));
    }
}
