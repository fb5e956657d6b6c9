//! The signed-in user, other users' profiles, the unanswered-questions badge and the
//! notification inbox.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, MAX_COUNT, Params, count_param, fail, ok};
use crate::dataset::corpus::NOTICES;
use crate::render::{Renderer, ts};
use crate::world::{Kind, SELF_USER, TopicRef, dynamic_id, flag};

pub(super) async fn me(State(app): App) -> Response {
    let world = app.world();
    let user = world.user(SELF_USER);
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    ok(json!({
        "user": {
            "user_id": user.id,
            "uid": user.id.to_string(),
            "name": user.name,
            "avatar_url": r.avatar_url(user.id),
            "location": user.location,
            "introduction": user.description,
            "unique_id": "xiaoman",
            "user_sid": format!("{:x}", user.id),
            "grade": {"level": 3},
        },
        "accounts": {"phone": {"number": "138****0000"}, "wechat": {"name": user.name}},
        "identity_status": "none",
        "subscriptions": {},
    }))
}

pub(super) async fn profile(State(app): App, Path(user_id): Path<String>) -> Response {
    let world = app.world();
    let Some(&index) = super::parse_id(&user_id).and_then(|id| world.user_index.get(&id)) else {
        return fail(zsxq::error::codes::NOT_FOUND, "用户不存在");
    };
    let user = world.user(index);
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    ok(json!({
        "associated_ecommerce": false,
        "user": {
            "uid": user.id.to_string(),
            "avatar_url": r.avatar_url(user.id),
            "name": user.name,
            "location": user.location.clone().unwrap_or_default(),
            "introduction": user.description.clone().unwrap_or_default(),
            "verified": index != SELF_USER && index % 5 == 0,
        },
        "user_specific": {"followed": false},
    }))
}

/// Questions waiting for the signed-in user's answer, in the circles they own.
pub(super) async fn unanswered_brief(State(app): App) -> Response {
    let world = app.world();
    let count: usize = world
        .circles
        .iter()
        .filter(|c| c.owner == SELF_USER)
        .map(|c| {
            c.topics
                .iter()
                .filter(|m| m.kind == Kind::Question && !m.has(flag::ANSWERED))
                .count()
        })
        .sum();
    ok(json!({"unanswered_count": count}))
}

/// The inbox: `general` lists new topics across the circles (`create_topic`),
/// `group_assistant` the service's notices; other scopes are empty.
pub(super) async fn dynamics(State(app): App, params: Params) -> Response {
    let count = count_param(&params, 20, MAX_COUNT);
    let world = app.world();
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let items: Vec<Value> = match params.get("scope").map(String::as_str) {
        None | Some("general") => {
            let mut newest: Vec<(i64, TopicRef)> = world
                .circles
                .iter()
                .enumerate()
                .flat_map(|(c, circle)| {
                    let start = circle.topics.len().saturating_sub(count);
                    circle.topics[start..]
                        .iter()
                        .enumerate()
                        .map(move |(i, m)| {
                            let at = TopicRef {
                                circle: c as u16,
                                ordinal: (start + i) as u32,
                            };
                            (m.time_ms, at)
                        })
                })
                .collect();
            newest.sort_by(|a, b| b.cmp(a));
            newest
                .into_iter()
                .take(count)
                .filter_map(|(time, at)| {
                    let circle = world.circles.get(usize::from(at.circle))?;
                    Some(json!({
                        "dynamic_id": dynamic_id(world.topic_id(at)),
                        "action": "create_topic",
                        "create_time": ts(time),
                        "topic": r.topic(at, true),
                        "group": r.group_stub(circle),
                    }))
                })
                .collect()
        }
        Some("group_assistant") => NOTICES
            .iter()
            .enumerate()
            .take(count)
            .map(|(i, text)| {
                json!({
                    "dynamic_id": 22_211_254_828_285_141_i64 + i as i64,
                    "action": "notice",
                    "create_time": ts(world.anchor_ms - (i as i64 + 1) * 7 * 86_400_000),
                    "type": "service_notice",
                    "text": text,
                    "prominent": true,
                    "user_specific": {"related": true},
                })
            })
            .collect(),
        Some(_) => Vec::new(),
    };
    ok(json!({"dynamics": items}))
}
