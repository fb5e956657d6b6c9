//! The write calls. Bodies arrive wrapped in `{"req_data": {...}}` and are decoded with the
//! `zsxq` crate's request types, so the sim accepts exactly what the client sends.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::de::DeserializeOwned;
use serde_json::json;
use zsxq::{AnswerRequest, CommentRequest, CreateTalkRequest, MenuReadTimes, ReqData};

use super::groups::circle_of;
use super::{App, CODE_BAD_PARAMETER, fail, ok, parse_id, topic_not_found};
use crate::render::Renderer;
use crate::server::now_ms;
use crate::world::SELF_USER;
use crate::writes::{self, WriteError};

fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Box<Response>> {
    serde_json::from_slice::<ReqData<T>>(bytes)
        .map(|wrapped| wrapped.req_data)
        .map_err(|_| Box::new(fail(CODE_BAD_PARAMETER, "请求格式错误")))
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
    let request: CreateTalkRequest = match body(&bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    if request.text.trim().is_empty() {
        return empty_text();
    }
    let mut world = app.world_mut();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let at = writes::post_talk(&mut world, c, SELF_USER, request.text, now_ms());
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
    let request: CommentRequest = match body(&bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    if request.text.trim().is_empty() {
        return empty_text();
    }
    let mut world = app.world_mut();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    let reply_to = request.parent_comment_id.map(|id| id.get());
    match writes::post_comment(&mut world, at, SELF_USER, request.text, reply_to, now_ms()) {
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
    let request: AnswerRequest = match body(&bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    if request.text.trim().is_empty() {
        return empty_text();
    }
    let mut world = app.world_mut();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    let silenced = request.silenced;
    match writes::post_answer(&mut world, at, SELF_USER, request.text, silenced, now_ms()) {
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
    let request: MenuReadTimes = match body(&bytes) {
        Ok(request) => request,
        Err(response) => return *response,
    };
    let mut world = app.world_mut();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &mut world.circles[c];
    for marker in request.menus {
        let (id, time) = (marker.menu_id.get(), marker.last_read_time.to_unix_millis());
        match circle.read_times.iter_mut().find(|(menu, _)| *menu == id) {
            Some(entry) => entry.1 = time,
            None => circle.read_times.push((id, time)),
        }
    }
    ok(json!({}))
}
