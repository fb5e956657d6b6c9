//! Groups and their small resources: the joined list, detail, unread counts, hashtags,
//! columns, menus and read markers.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::{App, not_member, ok, parse_id};
use crate::render::{Renderer, ts};
use crate::world::{Circle, PageQuery, Scope, World};

/// The circle index of a group id from the path, or the response to send instead.
pub(super) fn circle_of(world: &World, raw: &str) -> Result<usize, Box<Response>> {
    parse_id(raw)
        .and_then(|id| world.circle_by_group(id))
        .ok_or_else(|| Box::new(not_member()))
}

pub(super) async fn list(State(app): App) -> Response {
    let world = app.world();
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    let faults = app.faults();
    let mut groups: Vec<Value> = world.circles.iter().map(|c| r.group(c, false)).collect();
    if faults.expired_in_list
        && let Some(expired) = faults.expired_circle
    {
        let ended = ts(crate::server::now_ms() - 86_400_000);
        for group in groups
            .iter_mut()
            .filter(|g| g["group_id"] == json!(expired))
        {
            for period in ["validity", "membership"] {
                if let Some(p) = group["user_specific"].get_mut(period) {
                    p["end_time"] = json!(ended);
                }
            }
        }
    }
    ok(json!({
        "groups": groups,
        "preferences": {"view_style": "list_style", "sorts": [], "stickies": []},
        "statistics": {"expired_groups": []},
    }))
}

pub(super) async fn detail(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let r = Renderer {
        world: &world,
        base: &app.base_url,
    };
    ok(json!({"group": r.group(&world.circles[c], true)}))
}

pub(super) async fn unread(State(app): App) -> Response {
    let world = app.world();
    let groups: Vec<Value> = (0..world.circles.len())
        .map(|c| json!({"group_id": world.circles[c].group_id, "count": world.unread(c)}))
        .collect();
    ok(json!({"groups": groups}))
}

pub(super) async fn hashtags(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &world.circles[c];
    let owner_id = world.user(circle.owner).id;
    let mut tags: Vec<_> = circle.hashtags.iter().collect();
    // Most used first, as the service lists them.
    tags.sort_by_key(|h| std::cmp::Reverse(h.topics_count));
    let hashtags: Vec<Value> = tags
        .into_iter()
        .map(|h| {
            json!({
                "hashtag_id": h.id,
                "title": format!("#{}#", h.name),
                "owner": {"user_id": owner_id},
                "properties": {"show_on_timeline": h.on_timeline, "privileged": h.privileged},
                "topics_count": h.topics_count,
            })
        })
        .collect();
    ok(json!({"hashtags": hashtags}))
}

fn column_json(circle: &Circle, base: &str, index: usize) -> Value {
    let column = &circle.columns[index];
    let last = column
        .topics
        .last()
        .and_then(|&o| circle.topics.get(o as usize))
        .map_or(column.create_ms, |m| m.time_ms.max(column.create_ms));
    json!({
        "column_id": column.id,
        "name": column.name,
        "cover_url": format!("{base}/images/background_{}.png", column.id),
        "statistics": {"topics_count": column.topics.len()},
        "create_time": ts(column.create_ms),
        "last_topic_attach_time": ts(last),
    })
}

pub(super) async fn columns(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &world.circles[c];
    let columns: Vec<Value> = (0..circle.columns.len())
        .map(|i| column_json(circle, &app.base_url, i))
        .collect();
    ok(json!({"columns": columns}))
}

pub(super) async fn columns_summary(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    ok(json!({"has_columns": !world.circles[c].columns.is_empty(), "title": "精品专栏"}))
}

pub(super) async fn menus(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let circle = &world.circles[c];
    let menus: Vec<Value> = circle
        .menus
        .iter()
        .map(|menu| {
            let mut out = json!({"menu_id": menu.id, "title": menu.title});
            if let Some(fields) = out.as_object_mut() {
                if let Some(preset) = menu.preset {
                    fields.insert("preset".into(), json!(true));
                    fields.insert("preset_type".into(), json!(preset));
                    // The service reports the newest digest on the 精华 tab.
                    if preset == "digests" {
                        let query = PageQuery {
                            end_ms: None,
                            begin_ms: None,
                            count: 1,
                        };
                        if let Some(&o) = world.page(c, Scope::Digests, query).first() {
                            let time = circle.topics[o as usize].time_ms;
                            fields.insert("latest_topic_create_time".into(), json!(ts(time)));
                        }
                    }
                }
                if let Some(tag) = menu.hashtag.and_then(|h| circle.hashtags.get(h)) {
                    fields.insert("hashtag".into(), json!({"hashtag_id": tag.id}));
                }
            }
            out
        })
        .collect();
    ok(json!({"menus": menus}))
}

pub(super) async fn read_times(State(app): App, Path(group_id): Path<String>) -> Response {
    let world = app.world();
    let c = match circle_of(&world, &group_id) {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let menus: Vec<Value> = world.circles[c]
        .read_times
        .iter()
        .map(|(id, time)| json!({"menu_id": id, "last_read_time": ts(*time)}))
        .collect();
    ok(json!({"menus": menus}))
}
