//! Write bodies checked against PROTOCOL.md §6.4 from plain JSON, not through the `zsxq`
//! crate's request types: a client that misspells a field, leaves out the `req_data` wrapper or
//! sends a field the service does not take is refused with an error naming it, instead of the
//! sim accepting whatever the client's own types happen to serialize.

use serde_json::{Map, Value};
use zsxq::Timestamp;

/// What a field must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Bool,
    /// An integer id.
    Id,
    /// An array of integer ids.
    Ids,
    /// An array of `{"menu_id": id, "last_read_time": "…+0800"}`.
    ReadMarkers,
}

/// One field of a body: its name, what it holds, whether it must be there.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field(pub(super) &'static str, pub(super) Kind, pub(super) bool);

const REQUIRED: bool = true;
const OPTIONAL: bool = false;

/// `POST /v2/topics/{tid}/answer`.
pub(super) const ANSWER: &[Field] = &[
    Field("text", Kind::Text, REQUIRED),
    Field("image_ids", Kind::Ids, OPTIONAL),
    Field("silenced", Kind::Bool, OPTIONAL),
];

/// `POST /v2/topics/{tid}/comments`; a reply to a comment names it in `replied_comment_id`.
pub(super) const COMMENT: &[Field] = &[
    Field("text", Kind::Text, REQUIRED),
    Field("image_ids", Kind::Ids, OPTIONAL),
    Field("mentioned_user_ids", Kind::Ids, OPTIONAL),
    Field("silenced", Kind::Bool, OPTIONAL),
    Field("replied_comment_id", Kind::Id, OPTIONAL),
];

/// `POST /v2/groups/{gid}/topics`: a talk (`type` is `talk`), optionally markdown, titled, with
/// files or the article of the two-step article post.
pub(super) const CREATE_TALK: &[Field] = &[
    Field("type", Kind::Text, REQUIRED),
    Field("text", Kind::Text, REQUIRED),
    Field("image_ids", Kind::Ids, OPTIONAL),
    Field("file_ids", Kind::Ids, OPTIONAL),
    Field("text_type", Kind::Text, OPTIONAL),
    Field("title", Kind::Text, OPTIONAL),
    Field("article_id", Kind::Text, OPTIONAL),
];

/// `PUT /v2/groups/{gid}/menus/last_read_time`.
pub(super) const READ_MARKERS: &[Field] = &[Field("menus", Kind::ReadMarkers, REQUIRED)];

fn is_id(value: &Value) -> bool {
    value.as_i64().is_some()
}

fn holds(kind: Kind, value: &Value) -> bool {
    match kind {
        Kind::Text => value.is_string(),
        Kind::Bool => value.is_boolean(),
        Kind::Id => is_id(value),
        Kind::Ids => value.as_array().is_some_and(|ids| ids.iter().all(is_id)),
        Kind::ReadMarkers => value.as_array().is_some_and(|menus| {
            menus.iter().all(|menu| {
                menu.as_object().is_some_and(|m| {
                    m.len() == 2
                        && m.get("menu_id").is_some_and(is_id)
                        && m.get("last_read_time")
                            .and_then(Value::as_str)
                            .is_some_and(|t| Timestamp::parse(t).is_ok())
                })
            })
        }),
    }
}

/// The `req_data` object of `bytes`, every field known and of the right kind, or why not.
pub(super) fn check(bytes: &[u8], fields: &[Field]) -> Result<Map<String, Value>, String> {
    let body: Value =
        serde_json::from_slice(bytes).map_err(|_| "请求体不是合法的 JSON".to_owned())?;
    let Value::Object(mut outer) = body else {
        return Err("请求体必须是 JSON 对象".into());
    };
    let Some(Value::Object(data)) = outer.remove("req_data") else {
        return Err("请求体缺少 req_data 对象".into());
    };
    if let Some(extra) = outer.keys().next() {
        return Err(format!("req_data 之外的未知字段：{extra}"));
    }
    for name in data.keys() {
        if !fields.iter().any(|f| f.0 == name) {
            return Err(format!("未知字段：{name}"));
        }
    }
    for &Field(name, kind, required) in fields {
        match data.get(name) {
            None if required => return Err(format!("缺少字段：{name}")),
            Some(value) if !holds(kind, value) => return Err(format!("字段类型错误：{name}")),
            _ => {}
        }
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_checked_field_by_field() {
        let ok = br#"{"req_data":{"text":"t","image_ids":[],"replied_comment_id":5}}"#;
        assert!(check(ok, COMMENT).is_ok());
        let cases: [(&[u8], &str); 6] = [
            (br#"{"text":"t"}"#, "req_data"),
            (br#"{"req_data":{"text":"t"},"x":1}"#, "x"),
            (
                br#"{"req_data":{"text":"t","parent_comment_id":5}}"#,
                "parent_comment_id",
            ),
            (br#"{"req_data":{"image_ids":[]}}"#, "text"),
            (
                br#"{"req_data":{"text":"t","image_ids":["1"]}}"#,
                "image_ids",
            ),
            (b"[1]", "JSON"),
        ];
        for (body, named) in cases {
            let error = check(body, COMMENT).expect_err("refused");
            assert!(error.contains(named), "{error}");
        }
        let markers = br#"{"req_data":{"menus":[{"menu_id":1,"last_read_time":"2025-12-10T16:27:03.600+0800"}]}}"#;
        assert!(check(markers, READ_MARKERS).is_ok());
        let bad = br#"{"req_data":{"menus":[{"menu_id":1,"last_read_time":"yesterday"}]}}"#;
        assert!(check(bad, READ_MARKERS).is_err());
        // The captured answer body passes as it is.
        let answer = br#"{"req_data":{"image_ids":[],"silenced":false,"text":"<answer text>"}}"#;
        assert!(check(answer, ANSWER).is_ok());
    }
}
