//! The write calls. Bodies arrive wrapped in `{"req_data": {...}}` and are checked field by
//! field against PROTOCOL.md §6.4 ([`super::bodies`]) from plain JSON, so a client whose
//! request types drift from the service's field names fails here rather than passing.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};
use zsxq::Timestamp;

use super::bodies::{self, Field};
use super::groups::circle_of;
use super::{App, CODE_BAD_PARAMETER, fail, ok, parse_id, topic_not_found};
use crate::render::Renderer;
use crate::server::now_ms;
use crate::world::SELF_USER;
use crate::writes::{self, WriteError};

/// The checked `req_data`, or the refusal naming what is wrong.
fn body(bytes: &[u8], fields: &[Field]) -> Result<Map<String, Value>, Box<Response>> {
    bodies::check(bytes, fields)
        .map_err(|why| Box::new(fail(CODE_BAD_PARAMETER, &format!("请求格式错误：{why}"))))
}

/// A text field that [`bodies::check`] has let through.
fn text(data: &Map<String, Value>, name: &str) -> String {
    data.get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn refused(error: WriteError) -> Response {
    fail(error.code(), error.message())
}

fn empty_text() -> Response {
    fail(CODE_BAD_PARAMETER, "内容不能为空")
}

pub(super) async fn create_talk(
    State(app): App,
    Path(group_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let data = match body(&bytes, bodies::CREATE_TALK) {
        Ok(data) => data,
        Err(response) => return *response,
    };
    if text(&data, "type") != "talk" {
        return fail(CODE_BAD_PARAMETER, "请求格式错误：type 只能是 talk");
    }
    let request_text = text(&data, "text");
    if request_text.trim().is_empty() {
        return empty_text();
    }
    let mut world = app.world_mut();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let at = writes::post_talk(&mut world, c, SELF_USER, request_text, now_ms());
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    ok(json!({"topic": r.topic(at, false)}))
}

pub(super) async fn comment(
    State(app): App,
    Path(topic_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let data = match body(&bytes, bodies::COMMENT) {
        Ok(data) => data,
        Err(response) => return *response,
    };
    let request_text = text(&data, "text");
    if request_text.trim().is_empty() {
        return empty_text();
    }
    let mut world = app.world_mut();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    let reply_to = data.get("replied_comment_id").and_then(Value::as_i64);
    match writes::post_comment(&mut world, at, SELF_USER, request_text, reply_to, now_ms()) {
        Ok(rec) => {
            let r = Renderer {
                world: &world,
                base: &app.base_url,
            };
            ok(json!({"comment": r.comment(at, &rec, None)}))
        }
        Err(error) => refused(error),
    }
}

pub(super) async fn answer(
    State(app): App,
    Path(topic_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let data = match body(&bytes, bodies::ANSWER) {
        Ok(data) => data,
        Err(response) => return *response,
    };
    let request_text = text(&data, "text");
    if request_text.trim().is_empty() {
        return empty_text();
    }
    let mut world = app.world_mut();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    let silenced = data
        .get("silenced")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match writes::post_answer(&mut world, at, SELF_USER, request_text, silenced, now_ms()) {
        Ok(()) => {
            let r = Renderer {
                world: &world,
                base: &app.base_url,
            };
            ok(json!({"topic": r.topic(at, false)}))
        }
        Err(error) => refused(error),
    }
}

/// The body is not needed (emoji likes are all `[强]` here).
pub(super) async fn like(State(app): App, Path(topic_id): Path<String>) -> Response {
    let mut world = app.world_mut();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    match writes::like(&mut world, at) {
        Ok(()) => ok(json!({})),
        Err(error) => refused(error),
    }
}

pub(super) async fn put_read_times(
    State(app): App,
    Path(group_id): Path<String>,
    bytes: Bytes,
) -> Response {
    let data = match body(&bytes, bodies::READ_MARKERS) {
        Ok(data) => data,
        Err(response) => return *response,
    };
    // Checked: every marker has an integer `menu_id` and a timestamp.
    let markers: Vec<(i64, i64)> = data
        .get("menus")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            let id = m.get("menu_id")?.as_i64()?;
            let time = Timestamp::parse(m.get("last_read_time")?.as_str()?).ok()?;
            Some((id, time.to_unix_millis()))
        })
        .collect();
    let mut world = app.world_mut();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &mut world.circles[c];
    for (id, time) in markers {
        match circle.read_times.iter_mut().find(|(menu, _)| *menu == id) {
            Some(entry) => entry.1 = time,
            None => circle.read_times.push((id, time)),
        }
    }
    ok(json!({}))
}
