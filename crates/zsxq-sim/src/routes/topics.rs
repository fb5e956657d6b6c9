//! Topic lists (by group and scope, by hashtag, by column, pinned), topic detail and the
//! comments of a topic, with the service's paging: newest first, `count` ≤ 30, inclusive
//! `end_time`, `begin_time` lower bound; comments oldest first from an inclusive `begin_time`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::groups::circle_of;
use super::{
    App, CODE_BAD_PARAMETER, MAX_COUNT, Params, count_param, fail, ok, parse_id, time_param,
    topic_not_found,
};
use crate::content;
use crate::render::Renderer;
use crate::server::Shared;
use crate::world::{COLUMN_LIMIT, PageQuery, Scope, TopicRef, World, flag};

/// Code 14210: the membership of the group has expired (docs/protocol.md §4).
fn expired(app: &Shared, world: &World, circle: usize) -> Option<Response> {
    let group_id = world.circles.get(circle)?.group_id;
    (app.faults().expired_circle == Some(group_id))
        .then(|| fail(zsxq::error::codes::MEMBERSHIP_EXPIRED, "会员已过期"))
}

fn page_query(params: &HashMap<String, String>) -> Result<PageQuery, Box<Response>> {
    Ok(PageQuery {
        end_ms: time_param(params, "end_time")?,
        begin_ms: time_param(params, "begin_time")?,
        count: count_param(params, 20, MAX_COUNT),
    })
}

fn topics_page(app: &Shared, world: &World, circle: usize, ordinals: &[u32]) -> Response {
    let r = Renderer {
        world,
        base: &app.base_url,
    };
    let topics: Vec<Value> = ordinals
        .iter()
        .map(|&ordinal| {
            r.topic(
                TopicRef {
                    circle: circle as u16,
                    ordinal,
                },
                true,
            )
        })
        .collect();
    ok(json!({"topics": topics}))
}

pub(super) async fn group_topics(
    State(app): App,
    Path(group_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    if let Some(response) = expired(&app, &world, c) {
        return response;
    }
    let scope = match params.get("scope").map(String::as_str) {
        None | Some("") => Scope::All,
        Some(name) => match Scope::parse(name) {
            Some(scope) => scope,
            None => return fail(CODE_BAD_PARAMETER, "不支持的 scope"),
        },
    };
    let query = match page_query(&params) {
        Ok(query) => query,
        Err(response) => return *response,
    };
    let ordinals = world.page(c, scope, query);
    topics_page(&app, &world, c, &ordinals)
}

pub(super) async fn hashtag_topics(
    State(app): App,
    Path(hashtag_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let Some((c, h)) = parse_id(&hashtag_id).and_then(|id| world.hashtag(id)) else {
        return fail(zsxq::error::codes::NOT_FOUND, "标签不存在");
    };
    if let Some(response) = expired(&app, &world, c) {
        return response;
    }
    let query = match page_query(&params) {
        Ok(query) => query,
        Err(response) => return *response,
    };
    let ordinals = world.page(c, Scope::Hashtag(h as u8), query);
    topics_page(&app, &world, c, &ordinals)
}

/// A column's topics (at most 100): newest first, or oldest first with `direction=asc`.
pub(super) async fn column_topics(
    State(app): App,
    Path((group_id, column_id)): Path<(String, String)>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    if let Some(response) = expired(&app, &world, c) {
        return response;
    }
    let column_id = parse_id(&column_id);
    let Some(column) = world.circles[c]
        .columns
        .iter()
        .find(|col| Some(col.id) == column_id)
    else {
        return fail(zsxq::error::codes::NOT_FOUND, "专栏不存在");
    };
    let count = count_param(&params, COLUMN_LIMIT, COLUMN_LIMIT);
    let mut ordinals = column.topics.clone();
    if params.get("direction").map(String::as_str) != Some("asc") {
        ordinals.reverse();
    }
    ordinals.truncate(count);
    topics_page(&app, &world, c, &ordinals)
}

pub(super) async fn sticky(
    State(app): App,
    Path(group_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let count = count_param(&params, 10, MAX_COUNT);
    let ordinals: Vec<u32> = world.circles[c]
        .topics
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, m)| m.has(flag::STICKY))
        .map(|(o, _)| o as u32)
        .take(count)
        .collect();
    topics_page(&app, &world, c, &ordinals)
}

/// `/v2/topics/{id}` (and `/info`): the whole topic, full text included.
pub(super) async fn detail(State(app): App, Path(topic_id): Path<String>) -> Response {
    let world = app.world();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    ok(json!({"topic": r.topic(at, false)}))
}

/// Top-level comments with their replies nested; `count` and `begin_time` apply to the
/// top-level ones. `sort=desc` lists newest first from an inclusive `end_time`.
pub(super) async fn comments(
    State(app): App,
    Path(topic_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let Some(at) = parse_id(&topic_id).and_then(|id| world.find_topic(id)) else {
        return topic_not_found();
    };
    let (begin, end) = match (
        time_param(&params, "begin_time"),
        time_param(&params, "end_time"),
    ) {
        (Ok(begin), Ok(end)) => (begin, end),
        (Err(response), _) | (_, Err(response)) => return *response,
    };
    let count = count_param(&params, MAX_COUNT, MAX_COUNT);
    let all = content::comments(&world, at);
    let mut tops: Vec<_> = all
        .iter()
        .filter(|c| c.parent.is_none())
        .filter(|c| begin.is_none_or(|b| c.time_ms >= b) && end.is_none_or(|e| c.time_ms <= e))
        .collect();
    if params.get("sort").map(String::as_str) == Some("desc") {
        tops.reverse();
    }
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let comments: Vec<Value> = tops
        .into_iter()
        .take(count)
        .map(|top| r.thread_entry(at, &all, top))
        .collect();
    ok(json!({"comments": comments}))
}
