//! A circle's people and inventories: staff (`role_members`), the member list and one member,
//! topic statistics, the file list and check-in topics.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::groups::circle_of;
use super::{App, MAX_COUNT, Params, count_param, fail, ok, parse_id, time_param};
use crate::content;
use crate::dataset::checkins;
use crate::render::{Renderer, member_join_ms};
use crate::world::TopicRef;

/// The member list's largest page (PROTOCOL.md §6.2: `count=1..200`).
const MAX_MEMBERS: usize = 200;

/// `/v2/groups/{gid}/role_members?role=owner,partners,guests`: the staff, as captured. Roles
/// not asked for are left out; no `role` means all three.
pub(super) async fn role_members(
    State(app): App,
    Path(group_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &world.circles[c];
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let roles: Vec<&str> = params
        .get("role")
        .map_or(vec!["owner", "partners", "guests"], |r| {
            r.split(',').map(str::trim).collect()
        });
    let list = |users: &[u32]| -> Value {
        Value::Array(users.iter().map(|&u| r.member(circle, u)).collect())
    };
    let mut out = serde_json::Map::new();
    for role in roles {
        match role {
            "owner" => {
                out.insert("owner".into(), r.member(circle, circle.owner));
            }
            "partners" => {
                out.insert("partners".into(), list(&circle.partners));
            }
            "guests" => {
                out.insert("guests".into(), list(&circle.guests));
            }
            _ => return fail(super::CODE_BAD_PARAMETER, "不支持的 role"),
        }
    }
    ok(Value::Object(out))
}

/// `/v2/groups/{gid}/members?count=&end_time=`: everyone, newest joined first, `end_time` an
/// inclusive bound on `join_time`. Invented: the `members[]` wrapper (the shape of each entry
/// is the captured staff entry) and the paging, which the official docs describe only by name.
pub(super) async fn members(
    State(app): App,
    Path(group_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let end = match time_param(&params, "end_time") {
        Ok(end) => end,
        Err(response) => return *response,
    };
    let count = count_param(&params, 20, MAX_MEMBERS);
    let circle = &world.circles[c];
    let mut joined: Vec<(i64, u32)> = circle
        .members
        .iter()
        .map(|&m| (member_join_ms(circle, m), m))
        .filter(|(time, _)| end.is_none_or(|end| *time <= end))
        .collect();
    joined.sort_by(|a, b| b.cmp(a));
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let members: Vec<Value> = joined
        .into_iter()
        .take(count)
        .map(|(_, m)| r.member(circle, m))
        .collect();
    ok(json!({"members": members}))
}

/// `/v2/groups/{gid}/members/{uid}`: one member. Invented: the `member` wrapper.
pub(super) async fn member(
    State(app): App,
    Path((group_id, user_id)): Path<(String, String)>,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &world.circles[c];
    let index = if user_id == "self" {
        Some(crate::world::SELF_USER)
    } else {
        parse_id(&user_id).and_then(|id| world.user_index.get(&id).copied())
    };
    let Some(index) = index.filter(|i| circle.members.contains(i)) else {
        return fail(zsxq::error::codes::NOT_FOUND, "该用户不是星球成员");
    };
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    ok(json!({"member": r.member(circle, index)}))
}

/// `/v2/groups/{gid}/statistics`: the topic counts a sync estimates its work from. Invented:
/// the shape, which repeats the `statistics` of the group detail (captured) and adds the
/// number of questions still open.
pub(super) async fn statistics(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &world.circles[c];
    ok(json!({
        "topics": {
            "topics_count": circle.topics.len(),
            "answers_count": circle.totals.answered,
            "digests_count": circle.totals.digests,
        },
        "files": {"count": circle.totals.files},
        "members": {"count": circle.members.len()},
    }))
}

/// `/v2/groups/{gid}/files?count=&index=`: the circle's files, newest first, as
/// `resp_data{files[],index}` (S2's crawler). Each entry is `{file, topic}` with the file
/// object of `talk.files[]` and the topic in its inbox form; `index` is the cursor of the next
/// page, absent after the last. Invented: the entry layout and the cursor's value (the
/// position of the page's last topic).
pub(super) async fn files(
    State(app): App,
    Path(group_id): Path<String>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let count = count_param(&params, 20, MAX_COUNT);
    let circle = &world.circles[c];
    let below = match params.get("index").map(|i| i.trim()) {
        None | Some("") => circle.topics.len(),
        Some(raw) => match raw.parse::<usize>() {
            Ok(index) => index.min(circle.topics.len()),
            Err(_) => return fail(super::CODE_BAD_PARAMETER, "参数 index 格式错误"),
        },
    };
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let mut files = Vec::new();
    let mut last = None;
    for ordinal in (0..below).rev() {
        if files.len() == count {
            break;
        }
        let at = TopicRef {
            circle: c as u16,
            ordinal: ordinal as u32,
        };
        if !content::traits(&world, at, &circle.topics[ordinal]).file {
            continue;
        }
        files.push(json!({"file": r.file(at), "topic": r.topic_brief(at)}));
        last = Some(ordinal);
    }
    let mut out = json!({"files": files});
    let more = last.is_some_and(|l| {
        (0..l).any(|o| {
            let at = TopicRef {
                circle: c as u16,
                ordinal: o as u32,
            };
            content::traits(&world, at, &circle.topics[o]).file
        })
    });
    if let (Some(last), true, Some(fields)) = (last, more, out.as_object_mut()) {
        fields.insert("index".into(), json!(last.to_string()));
    }
    ok(out)
}

/// `/v2/groups/{gid}/checkins/{cid}/topics?count=&end_time=`: the check-in's topics, newest
/// first from an inclusive `end_time`, like any topic list.
pub(super) async fn checkin_topics(
    State(app): App,
    Path((group_id, checkin_id)): Path<(String, String)>,
    params: Params,
) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let project = checkins::project(&world, c);
    if project.as_ref().map(|p| p.id) != parse_id(&checkin_id) {
        return fail(zsxq::error::codes::NOT_FOUND, "打卡不存在");
    }
    let end = match time_param(&params, "end_time") {
        Ok(end) => end,
        Err(response) => return *response,
    };
    let count = count_param(&params, 20, MAX_COUNT);
    let circle = &world.circles[c];
    let upto = end.map_or(circle.topics.len(), |end| {
        circle.topics.partition_point(|m| m.time_ms <= end)
    });
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let topics: Vec<Value> = (0..upto)
        .rev()
        .map(|o| TopicRef {
            circle: c as u16,
            ordinal: o as u32,
        })
        .filter(|&at| checkins::is_checkin(&world, at, &circle.topics[at.ordinal as usize]))
        .take(count)
        .map(|at| r.topic(at, true))
        .collect();
    ok(json!({"topics": topics}))
}
