//! The signed-in user, other users' profiles and footprints, my questions and the questions
//! asked of me, the unanswered-questions badge, and the notification inbox.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, MAX_COUNT, Params, count_param, fail, ok, parse_id, time_param};
use crate::content;
use crate::dataset::corpus::NOTICES;
use crate::render::{Renderer, ts};
use crate::world::{Kind, SELF_USER, TopicMeta, TopicRef, World, dynamic_id, flag, questionee};

/// Invented: the system messages of the inbox's `system_message` scope (the capture has none).
const SYSTEM_MESSAGES: &[&str] = &[
    "你的星球会员将在 30 天后到期，续期可享 8 折优惠。",
    "知识星球隐私政策已更新，点击查看详情。",
];

/// `/v3/users/self` in its self form (PROTOCOL.md §6.1): `user{user_id,uid,name,avatar_url,
/// location,unique_id,user_sid,grade}` with `grade` a string, `accounts`, `identity_status`,
/// `subscriptions`. Invented: the values of `grade`, `accounts` and `subscriptions`, whose
/// inner shapes no capture shows.
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
            "unique_id": "xiaoman",
            "user_sid": format!("{:x}", user.id),
            "grade": "V3",
        },
        "accounts": {"phone": {"number": "138****0000"}, "wechat": {"name": user.name}},
        "identity_status": "none",
        "subscriptions": {},
    }))
}

/// `/v3/users/{user_id}`: another user's profile, the keys of `GET_v3_users_{id}.json`.
pub(super) async fn profile(State(app): App, Path(user_id): Path<String>) -> Response {
    let world = app.world();
    let Some(&index) = parse_id(&user_id).and_then(|id| world.user_index.get(&id)) else {
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

/// Every question of every circle with its position, oldest first per circle.
fn questions(world: &World) -> impl Iterator<Item = (TopicRef, &TopicMeta, u32)> {
    world.circles.iter().enumerate().flat_map(|(c, circle)| {
        circle
            .topics
            .iter()
            .enumerate()
            .filter(|(_, m)| m.kind == Kind::Question)
            .map(move |(o, m)| {
                let at = TopicRef {
                    circle: c as u16,
                    ordinal: o as u32,
                };
                (at, m, questionee(circle, m))
            })
    })
}

/// Questions waiting for the signed-in user's answer: in the circles they own and those
/// where they are a guest.
pub(super) async fn unanswered_brief(State(app): App) -> Response {
    let world = app.world();
    let count = questions(&world)
        .filter(|(_, m, to)| *to == SELF_USER && !m.has(flag::ANSWERED))
        .count();
    ok(json!({"unanswered_count": count}))
}

/// A page of topics across circles, newest first from an inclusive `end_time`, as full topic
/// objects (each carries its `group`). Invented: the `resp_data{topics[]}` wrapper, which the
/// official catalog does not spell out.
fn across_circles(
    app: &crate::server::Shared,
    world: &World,
    params: &std::collections::HashMap<String, String>,
    mut found: Vec<(i64, TopicRef)>,
) -> Response {
    let end = match time_param(params, "end_time") {
        Ok(end) => end,
        Err(response) => return *response,
    };
    let count = count_param(params, 20, MAX_COUNT);
    found.retain(|(time, _)| end.is_none_or(|end| *time <= end));
    found.sort_by(|a, b| b.cmp(a));
    let r = Renderer {
        world,
        base: &app.base_url,
    };
    let topics: Vec<Value> = found
        .into_iter()
        .take(count)
        .map(|(_, at)| r.topic(at, true))
        .collect();
    ok(json!({"topics": topics}))
}

/// `answered`/`unanswered` (absent: both); anything else is refused.
fn answered_filter(
    params: &std::collections::HashMap<String, String>,
) -> Result<Option<bool>, Box<Response>> {
    match params.get("filter").map(String::as_str) {
        None | Some("") => Ok(None),
        Some("answered") => Ok(Some(true)),
        Some("unanswered") => Ok(Some(false)),
        Some(_) => Err(Box::new(fail(super::CODE_BAD_PARAMETER, "不支持的 filter"))),
    }
}

/// `/v2/users/self/topics/questions?filter=answered|unanswered&count=&end_time=`: the
/// questions I asked, across circles.
pub(super) async fn my_questions(State(app): App, params: Params) -> Response {
    let filter = match answered_filter(&params) {
        Ok(filter) => filter,
        Err(response) => return *response,
    };
    let world = app.world();
    let found = questions(&world)
        .filter(|(_, m, _)| m.author == SELF_USER)
        .filter(|(_, m, _)| filter.is_none_or(|a| m.has(flag::ANSWERED) == a))
        .map(|(at, m, _)| (m.time_ms, at))
        .collect();
    across_circles(&app, &world, &params, found)
}

/// `/v2/users/self/topics/answers?filter=…`: the questions asked of me (as owner or guest).
pub(super) async fn asked_of_me(State(app): App, params: Params) -> Response {
    let filter = match answered_filter(&params) {
        Ok(filter) => filter,
        Err(response) => return *response,
    };
    let world = app.world();
    let found = questions(&world)
        .filter(|(_, _, to)| *to == SELF_USER)
        .filter(|(_, m, _)| filter.is_none_or(|a| m.has(flag::ANSWERED) == a))
        .map(|(at, m, _)| (m.time_ms, at))
        .collect();
    across_circles(&app, &world, &params, found)
}

/// `/v2/users/{user_id}/footprints?count=&end_time=&filter=group&filter_group_id=`: a user's
/// topics across the circles (足迹), newest first. Invented: the `topics[]` wrapper.
pub(super) async fn footprints(
    State(app): App,
    Path(user_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let Some(user) = user_of(&world, &user_id) else {
        return fail(zsxq::error::codes::NOT_FOUND, "用户不存在");
    };
    let only = params
        .get("filter_group_id")
        .and_then(|g| parse_id(g))
        .filter(|_| params.get("filter").map(String::as_str) == Some("group"));
    let found = world
        .circles
        .iter()
        .enumerate()
        .filter(|(_, c)| only.is_none_or(|g| c.group_id == g))
        .flat_map(|(c, circle)| {
            circle
                .topics
                .iter()
                .enumerate()
                // An anonymous question is nobody's footprint.
                .filter(move |(_, m)| m.author == user && !m.has(flag::ANONYMOUS))
                .map(move |(o, m)| {
                    let at = TopicRef {
                        circle: c as u16,
                        ordinal: o as u32,
                    };
                    (m.time_ms, at)
                })
        })
        .collect();
    across_circles(&app, &world, &params, found)
}

/// `/v2/users/{user_id}/footprints/groups`: the circles a user posted in. Invented: the
/// `groups[]` wrapper of inbox-style group objects.
pub(super) async fn footprint_groups(State(app): App, Path(user_id): Path<String>) -> Response {
    let world = app.world();
    let Some(user) = user_of(&world, &user_id) else {
        return fail(zsxq::error::codes::NOT_FOUND, "用户不存在");
    };
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let groups: Vec<Value> = world
        .circles
        .iter()
        .filter(|c| {
            c.topics
                .iter()
                .any(|m| m.author == user && !m.has(flag::ANONYMOUS))
        })
        .map(|c| r.group_brief(c))
        .collect();
    ok(json!({"groups": groups}))
}

fn user_of(world: &World, raw: &str) -> Option<u32> {
    if raw == "self" {
        return Some(SELF_USER);
    }
    parse_id(raw).and_then(|id| world.user_index.get(&id).copied())
}

/// Topics looked at for the inbox's reply and mention items: the newest of each circle.
const INBOX_RECENT: usize = 300;

/// The inbox. `general` lists new topics across the circles (`create_topic`, the captured
/// shape); `group_assistant` the service's notices (captured); `system_message` system notices
/// and `related_replies` replies to me, mentions of me and answers to my questions — these two
/// are invented (the only capture of `related_replies` is empty), built like the notices and
/// the `create_topic` item. Other scopes are empty.
pub(super) async fn dynamics(State(app): App, params: Params) -> Response {
    let count = count_param(&params, 20, MAX_COUNT);
    let world = app.world();
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let items: Vec<Value> = match params.get("scope").map(String::as_str) {
        None | Some("general") => newest_topics(&world, count)
            .into_iter()
            .filter_map(|(time, at)| {
                let circle = world.circles.get(usize::from(at.circle))?;
                Some(json!({
                    "dynamic_id": dynamic_id(world.topic_id(at)),
                    "action": "create_topic",
                    "create_time": ts(time),
                    "topic": r.topic_brief(at),
                    "group": r.group_brief(circle),
                }))
            })
            .collect(),
        Some("group_assistant") => notices(&world, NOTICES, 22_211_254_828_285_141, 7, count),
        // Invented: the same item shape as the group assistant's notices.
        Some("system_message") => {
            notices(&world, SYSTEM_MESSAGES, 31_411_254_828_285_141, 3, count)
        }
        Some("related_replies") => related(&world, &r, count),
        Some(_) => Vec::new(),
    };
    ok(json!({"dynamics": items}))
}

fn newest_topics(world: &World, count: usize) -> Vec<(i64, TopicRef)> {
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
    newest.truncate(count);
    newest
}

fn notices(
    world: &World,
    texts: &[&str],
    first_id: i64,
    every_days: i64,
    count: usize,
) -> Vec<Value> {
    texts
        .iter()
        .enumerate()
        .take(count)
        .map(|(i, text)| {
            json!({
                "dynamic_id": first_id + i as i64,
                "action": "notice",
                "create_time": ts(world.anchor_ms - (i as i64 + 1) * every_days * 86_400_000),
                "type": "service_notice",
                "text": text,
                "prominent": true,
                "user_specific": {"related": true},
            })
        })
        .collect()
}

/// Invented: `reply_comment` (someone replied to my comment), `mention` (a comment mentions
/// me) and `answer_question` (my question was answered) items, newest first, each with the
/// topic (inbox form), its group and, for comments, the comment.
fn related(world: &World, r: &Renderer<'_>, count: usize) -> Vec<Value> {
    let me = world.user(SELF_USER).id;
    let mention = format!("uid=\"{me}\"");
    let mut items: Vec<(i64, Value)> = Vec::new();
    for (c, circle) in world.circles.iter().enumerate() {
        let start = circle.topics.len().saturating_sub(INBOX_RECENT);
        for (o, meta) in circle.topics.iter().enumerate().skip(start) {
            let at = TopicRef {
                circle: c as u16,
                ordinal: o as u32,
            };
            let item = |action: &str, time: i64, id: i64, comment: Option<Value>| {
                let mut item = json!({
                    "dynamic_id": id,
                    "action": action,
                    "create_time": ts(time),
                    "topic": r.topic_brief(at),
                    "group": r.group_brief(circle),
                });
                if let (Some(comment), Some(fields)) = (comment, item.as_object_mut()) {
                    fields.insert("comment".into(), comment);
                }
                item
            };
            if meta.kind == Kind::Question && meta.author == SELF_USER && meta.has(flag::ANSWERED) {
                let time = world.answers.get(&at).map_or(meta.time_ms, |a| a.time_ms);
                let id = dynamic_id(world.topic_id(at)) + 1;
                items.push((time, item("answer_question", time, id, None)));
            }
            if meta.derived_comments == 0 && !world.posted.contains_key(&at) {
                continue;
            }
            for rec in content::comments(world, at) {
                if rec.author == SELF_USER {
                    continue;
                }
                let action = if rec.repliee == Some(SELF_USER) {
                    "reply_comment"
                } else if rec.text.contains(&mention) {
                    "mention"
                } else {
                    continue;
                };
                let id = dynamic_id(crate::world::comment_id(at, rec.index));
                let comment = r.comment(at, &rec, None);
                items.push((rec.time_ms, item(action, rec.time_ms, id, Some(comment))));
            }
        }
    }
    items.sort_by_key(|item| std::cmp::Reverse(item.0));
    items.into_iter().take(count).map(|(_, v)| v).collect()
}

/// `/v2/dynamics/statistics?begin_time=&scope=…`: how many inbox items arrived since
/// `begin_time`. Invented: the `{"count": n}` shape (the capture only shows the call).
pub(super) async fn dynamics_statistics(State(app): App, params: Params) -> Response {
    let begin = match time_param(&params, "begin_time") {
        Ok(begin) => begin,
        Err(response) => return *response,
    };
    let world = app.world();
    let since = |time: i64| begin.is_none_or(|b| time >= b);
    let count = match params.get("scope").map(String::as_str) {
        Some("system_message") => (0..SYSTEM_MESSAGES.len())
            .filter(|i| since(world.anchor_ms - (*i as i64 + 1) * 3 * 86_400_000))
            .count(),
        Some("group_assistant") => (0..NOTICES.len())
            .filter(|i| since(world.anchor_ms - (*i as i64 + 1) * 7 * 86_400_000))
            .count(),
        _ => newest_topics(&world, MAX_COUNT)
            .iter()
            .filter(|(time, _)| since(*time))
            .count(),
    };
    ok(json!({"count": count}))
}
