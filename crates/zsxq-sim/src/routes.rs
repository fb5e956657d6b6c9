//! The HTTP surface: the API under the real service's paths, the media the topics link to, and
//! the web sign-in page (`/login`, [`login`]), the sim-only `/__sim/stats`, `/__sim/act` and
//! `/__sim/scan`. Handlers take a read (or write) lock on the
//! world, render, and never hold the lock across an `.await`.
//!
//! `POST /__sim/act` (JSON body, no token or signature needed) takes either
//! * an [`crate::Act`]: `{"edit": TOPIC_ID}`, `{"delete": …}`, `{"toggle_digest": …}`,
//!   `{"toggle_sticky": …}` or `{"events": N}`, answered `{"done": true|false}`; or
//! * a [`crate::Happening`]: `{"kind": K, "group_id": GID}` (`group_id` optional) with `K` one of
//!   `answer_mine`, `reply_to_me`, `mention_me`, `question_for_me`, `topic`, `digest`
//!   ([`crate::HappeningKind`]), which makes that event happen now and answers
//!   `{"topic_id": …}` plus `"comment_id"` for `reply_to_me` and `mention_me`; an unknown
//!   group answers HTTP 404, a kind no circle fits HTTP 409, a malformed body HTTP 400 (all
//!   with the failure envelope); or
//! * a busy day ([`crate::BusyDay`]): `{"kind": "busy_day", "circles": C, "topics": N}` (both
//!   optional: 5 and 500), answered with its truth ([`crate::BusyDayTruth`]):
//!   `{"group_ids": […], "answers_to_me": [ID…], "questions_for_me": […], "digests": […],
//!   "owner_posts": […], "owner_answers": […], "noise": [{"topic_id": ID, "kind":
//!   "check_in"|"thanks"|"link_only"|"near_duplicate"}…], "other": […], "replies_to_me":
//!   [{"topic_id": ID, "comment_id": ID}…], "mentions_of_me": […]}`; a malformed body HTTP
//!   400.

mod bodies;
mod groups;
mod login;
mod media;
mod members;
mod topics;
mod users;
mod writes;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::Value;
use zsxq::{Empty, Envelope, Timestamp};

use crate::faults::{api_layer, media_layer};
use crate::server::Shared;

pub(crate) type App = State<Arc<Shared>>;
pub(crate) type Params = Query<HashMap<String, String>>;

/// The topic lists' hard limit (docs/protocol.md §4: "max count 30").
pub(crate) const MAX_COUNT: usize = 30;
/// Invented: the code for a malformed parameter; the service's is not documented.
pub(crate) const CODE_BAD_PARAMETER: i64 = 1;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/v3/users/self", get(users::me))
        .route("/v3/users/{user_id}", get(users::profile))
        .route(
            "/v2/users/self/unanswered_questions/brief",
            get(users::unanswered_brief),
        )
        .route("/v2/users/self/topics/questions", get(users::my_questions))
        .route("/v2/users/self/topics/answers", get(users::asked_of_me))
        .route("/v2/users/{user_id}/footprints", get(users::footprints))
        .route(
            "/v2/users/{user_id}/footprints/groups",
            get(users::footprint_groups),
        )
        .route("/v2/dynamics", get(users::dynamics))
        .route("/v2/dynamics/statistics", get(users::dynamics_statistics))
        .route("/v2/groups", get(groups::list))
        .route("/v2/groups/unread_topics_count", get(groups::unread))
        .route("/v2/groups/{group_id}", get(groups::detail))
        .route(
            "/v2/groups/{group_id}/topics",
            get(topics::group_topics).post(writes::create_talk),
        )
        .route("/v2/groups/{group_id}/topics/sticky", get(topics::sticky))
        .route("/v2/groups/{group_id}/hashtags", get(groups::hashtags))
        .route(
            "/v2/groups/{group_id}/role_members",
            get(members::role_members),
        )
        .route("/v2/groups/{group_id}/members", get(members::members))
        .route(
            "/v2/groups/{group_id}/members/{user_id}",
            get(members::member),
        )
        .route("/v2/groups/{group_id}/statistics", get(members::statistics))
        .route("/v2/groups/{group_id}/files", get(members::files))
        .route(
            "/v2/groups/{group_id}/checkins/{checkin_id}/topics",
            get(members::checkin_topics),
        )
        .route("/v2/groups/{group_id}/columns", get(groups::columns))
        .route(
            "/v2/groups/{group_id}/columns/summary",
            get(groups::columns_summary),
        )
        .route(
            "/v2/groups/{group_id}/columns/{column_id}/topics",
            get(topics::column_topics),
        )
        .route("/v2/groups/{group_id}/menus", get(groups::menus))
        .route(
            "/v2/groups/{group_id}/menus/last_read_time",
            get(groups::read_times).put(writes::put_read_times),
        )
        .route(
            "/v2/hashtags/{hashtag_id}/topics",
            get(topics::hashtag_topics),
        )
        .route("/v2/topics/{topic_id}", get(topics::detail))
        .route("/v2/topics/{topic_id}/info", get(topics::detail))
        .route(
            "/v2/topics/{topic_id}/comments",
            get(topics::comments).post(writes::comment),
        )
        .route("/v2/topics/{topic_id}/answer", post(writes::answer))
        .route("/v2/topics/{topic_id}/likes", post(writes::like))
        .route("/v2/files/{file_id}/download_url", get(media::download_url))
        .route("/v2/videos/{video_id}/url", get(media::video_url))
        .route_layer(from_fn_with_state(Arc::clone(&shared), api_layer));
    let media = Router::new()
        .route("/images/{name}", get(media::image))
        .route("/articles/{page}", get(media::article))
        .route("/articles/inline_form/{page}", get(media::article))
        .route("/files/{file_id}", get(media::file))
        .route("/videos/{name}", get(media::playlist))
        .route_layer(from_fn_with_state(Arc::clone(&shared), media_layer));
    api.merge(media)
        // The web sign-in page, outside the API's faults like the service's own web pages.
        .route("/login", get(login::page))
        .route("/login/qr/{name}", get(login::qr))
        .route("/login/status", get(login::status))
        .route("/login/done", get(login::done))
        .route("/__sim/scan", post(login::scan))
        .route(
            "/__sim/login-probe",
            get(login::probes).post(login::record_probe),
        )
        .route("/__sim/stats", get(sim_stats))
        .route("/__sim/act", post(sim_act))
        .fallback(not_found)
        .with_state(shared)
}

fn json_response(status: StatusCode, body: &impl serde::Serialize) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `{"succeeded":true,"resp_data":…}`.
pub(crate) fn ok(data: Value) -> Response {
    json_response(StatusCode::OK, &Envelope::success(data))
}

/// A business error: HTTP 200 with `{"succeeded":false,"code":…,"info":"","error":…,"resp_data":{}}`.
pub(crate) fn fail(code: i64, error: &str) -> Response {
    http_fail(StatusCode::OK, code, error)
}

/// An HTTP-level error that still carries the failure envelope.
pub(crate) fn http_fail(status: StatusCode, code: i64, error: &str) -> Response {
    json_response(
        status,
        &Envelope::<Empty>::failure(code, Some(error.to_owned())),
    )
}

/// A group the signed-in user has not joined (or that does not exist): HTTP 403.
pub(crate) fn not_member() -> Response {
    http_fail(StatusCode::FORBIDDEN, 403, "你不是该星球的成员")
}

pub(crate) fn topic_not_found() -> Response {
    fail(zsxq::error::codes::NOT_FOUND, "主题不存在或已被删除")
}

pub(crate) fn parse_id(raw: &str) -> Option<i64> {
    raw.trim().parse().ok()
}

/// A timestamp parameter; a `+` that arrived unencoded (and so decoded as a space) is
/// accepted too.
pub(crate) fn time_param(
    params: &HashMap<String, String>,
    key: &str,
) -> Result<Option<i64>, Box<Response>> {
    match params.get(key).map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(raw) => Timestamp::parse(&raw.replace(' ', "+"))
            .map(|t| Some(t.to_unix_millis()))
            .map_err(|_| Box::new(fail(CODE_BAD_PARAMETER, &format!("参数 {key} 格式错误")))),
    }
}

/// `count`, clamped to `1..=max` like the service (a larger value is not an error).
pub(crate) fn count_param(params: &HashMap<String, String>, default: usize, max: usize) -> usize {
    params
        .get("count")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map_or(default, |n| n.clamp(1, max as i64) as usize)
}

async fn sim_stats(State(app): App) -> Response {
    json_response(StatusCode::OK, &app.stats())
}

/// Sim-only: a deliberate edit, deletion, toggle or burst of activity ([`crate::history::Act`]),
/// or, for a body with a `kind`, one happening ([`crate::happen::Happening`]) or a busy day
/// ([`crate::BusyDay`]).
async fn sim_act(State(app): App, axum::Json(mut body): axum::Json<Value>) -> Response {
    if body.get("kind").and_then(Value::as_str) == Some("busy_day") {
        if let Some(fields) = body.as_object_mut() {
            fields.remove("kind");
        }
        return match serde_json::from_value::<crate::BusyDay>(body) {
            Ok(busy) => json_response(StatusCode::OK, &app.busy_day(busy)),
            Err(error) => http_fail(
                StatusCode::BAD_REQUEST,
                CODE_BAD_PARAMETER,
                &format!(
                    "not a busy day ({{\"kind\": \"busy_day\", \"circles\": …, \"topics\": …}}): {error}"
                ),
            ),
        };
    }
    if body.get("kind").is_some() {
        let happening = match serde_json::from_value::<crate::happen::Happening>(body) {
            Ok(happening) => happening,
            Err(error) => {
                return http_fail(
                    StatusCode::BAD_REQUEST,
                    CODE_BAD_PARAMETER,
                    &format!("not a happening ({{\"kind\": …, \"group_id\": …}}): {error}"),
                );
            }
        };
        return match app.happen(happening) {
            Ok(happened) => json_response(StatusCode::OK, &happened),
            Err(refusal) => {
                let status = match refusal {
                    crate::happen::Unhappened::UnknownGroup(_) => StatusCode::NOT_FOUND,
                    crate::happen::Unhappened::NoCircleFits(..) => StatusCode::CONFLICT,
                };
                http_fail(status, i64::from(status.as_u16()), &refusal.message())
            }
        };
    }
    // Refused as axum refuses a body its extractor cannot read into the type: 422.
    match serde_json::from_value::<crate::history::Act>(body) {
        Ok(act) => {
            let done = app.act(act);
            json_response(StatusCode::OK, &serde_json::json!({ "done": done }))
        }
        Err(error) => http_fail(
            StatusCode::UNPROCESSABLE_ENTITY,
            CODE_BAD_PARAMETER,
            &format!("not an act: {error}"),
        ),
    }
}

async fn not_found(State(app): App, request: Request) -> Response {
    app.record(&format!("{} unmatched", request.method()));
    http_fail(StatusCode::NOT_FOUND, 404, "接口不存在")
}
