//! The shape-diff: every real GET response in `shared/zsxq/samples` (and the two topic objects
//! cut from the capture) against the sim's answer to the same request, key path by key path
//! and type by type, in both directions. A difference fails the test unless it is listed in
//! [`exceptions`] with its reason.
//!
//! The sample's ids (group 15555411412112, its hashtags and check-in, user 181284822124142)
//! are mapped to ids of the demo dataset's first circle, a paid circle run by someone else, as
//! the sample's is.

mod diff;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use zsxq::TopicsPage;

use crate::support::{Sim, demo, start};
use diff::{Allow, Exception, Shape};

/// Where topic objects sit in a response; topic exceptions apply under each.
const LIST: &str = "resp_data.topics[]";
const INBOX: &str = "resp_data.dynamics[].topic";

/// One sample and the sim request that answers it.
struct Case {
    sample: &'static str,
    request: String,
    /// Paths holding topic objects.
    topics: Vec<String>,
}

/// The sim ids standing for the sample's.
struct Ids {
    group: i64,
    hashtags: [i64; 2],
    checkin: i64,
    user: i64,
    /// The `all` tab's read marker, for the "anything new?" probe.
    read_marker: String,
}

async fn ids(sim: &Sim) -> Ids {
    let groups = sim.raw("/v2/groups").await.json();
    let group = groups["resp_data"]["groups"][0]["group_id"]
        .as_i64()
        .expect("a group");
    let hashtags = sim
        .raw(&format!("/v2/groups/{group}/hashtags"))
        .await
        .json();
    let tag = |i: usize| {
        hashtags["resp_data"]["hashtags"][i]["hashtag_id"]
            .as_i64()
            .expect("a hashtag")
    };
    // The check-in a topic of the circle carries.
    let mut checkin = None;
    let mut end = String::new();
    while checkin.is_none() {
        let page = sim
            .raw(&format!("/v2/groups/{group}/topics?count=30{end}"))
            .await
            .json();
        let topics = page["resp_data"]["topics"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        checkin = topics
            .iter()
            .find_map(|t| t["checkin"]["checkin_id"].as_i64());
        let last = topics
            .last()
            .and_then(|t| t["create_time"].as_str())
            .expect("more topics");
        end = format!("&end_time={}", last.replace('+', "%2B").replace(':', "%3A"));
    }
    let checkin = checkin.expect("a check-in");
    let page: TopicsPage = sim
        .get(&format!("/v2/groups/{group}/topics?count=30"))
        .await;
    let user = page
        .topics
        .iter()
        .filter_map(|t| t.owner())
        .map(|o| o.user_id.get())
        .next()
        .expect("an owner");
    let menus = sim.raw(&format!("/v2/groups/{group}/menus")).await.json();
    let all_tab = menus["resp_data"]["menus"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["preset_type"] == "all"))
        .and_then(|m| m["menu_id"].as_i64())
        .expect("the all tab");
    let read = sim
        .raw(&format!("/v2/groups/{group}/menus/last_read_time"))
        .await
        .json();
    let read_marker = read["resp_data"]["menus"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["menu_id"] == all_tab))
        .and_then(|m| m["last_read_time"].as_str())
        .expect("a read marker")
        .replace('+', "%2B")
        .replace(':', "%3A");
    Ids {
        group,
        hashtags: [tag(0), tag(1)],
        checkin,
        user,
        read_marker,
    }
}

fn cases(ids: &Ids) -> Vec<Case> {
    let g = ids.group;
    let case = |sample, request: String, topics: &[&str]| Case {
        sample,
        request,
        topics: topics.iter().map(|t| (*t).to_owned()).collect(),
    };
    vec![
        case("GET_v2_groups.json", "/v2/groups".into(), &[]),
        case(
            "GET_v2_groups_15555411412112.json",
            format!("/v2/groups/{g}"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_checkins_2424141521_topics__count_20.json",
            format!("/v2/groups/{g}/checkins/{}/topics?count=20", ids.checkin),
            &[LIST, "resp_data.topics[].referenced_topic.topic"],
        ),
        case(
            "GET_v2_groups_15555411412112_columns.json",
            format!("/v2/groups/{g}/columns"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_columns_summary.json",
            format!("/v2/groups/{g}/columns/summary"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_hashtags.json",
            format!("/v2/groups/{g}/hashtags"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_menus.json",
            format!("/v2/groups/{g}/menus"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_menus_last_read_time.json",
            format!("/v2/groups/{g}/menus/last_read_time"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_role_members.json",
            format!("/v2/groups/{g}/role_members?role=owner,partners,guests"),
            &[],
        ),
        case(
            "GET_v2_groups_15555411412112_topics__scope_all__count_10.json",
            format!("/v2/groups/{g}/topics?scope=all&count=10"),
            &[LIST],
        ),
        case(
            "GET_v2_groups_15555411412112_topics__scope_all__count_1__begin_time.json",
            format!(
                "/v2/groups/{g}/topics?scope=all&count=1&begin_time={}",
                ids.read_marker
            ),
            &[LIST],
        ),
        case(
            "GET_v2_groups_15555411412112_topics__scope_digests__count_10.json",
            format!("/v2/groups/{g}/topics?scope=digests&count=10"),
            &[LIST],
        ),
        case(
            "GET_v2_groups_unread_topics_count.json",
            "/v2/groups/unread_topics_count".into(),
            &[],
        ),
        case(
            "GET_v2_hashtags_15514284488142_topics__count_10.json",
            format!("/v2/hashtags/{}/topics?count=10", ids.hashtags[0]),
            &[LIST],
        ),
        case(
            "GET_v2_hashtags_28844882581111_topics__count_10.json",
            format!("/v2/hashtags/{}/topics?count=10", ids.hashtags[1]),
            &[LIST],
        ),
        case(
            "GET_v2_users_self_unanswered_questions_brief.json",
            "/v2/users/self/unanswered_questions/brief".into(),
            &[],
        ),
        case(
            "GET_v3_users_181284822124142.json",
            format!("/v3/users/{}", ids.user),
            &[],
        ),
        case(
            "GET_v2_dynamics__scope_general__count_1.json",
            "/v2/dynamics?scope=general&count=1".into(),
            &[INBOX],
        ),
        case(
            "GET_v2_dynamics__scope_group_assistant__count_10.json",
            "/v2/dynamics?scope=group_assistant&count=10".into(),
            &[],
        ),
    ]
}

/// The differences the sim keeps on purpose, each with its reason. `{t}` stands for every
/// path that holds a topic object.
fn exceptions(topics: &[String]) -> Vec<Exception> {
    let mut out = Vec::new();
    let mut add = |path: &str, allow, reason| {
        if path.contains("{t}") {
            for root in topics {
                let path = if root.is_empty() {
                    path.replace("{t}.", "")
                } else {
                    path.replace("{t}", root)
                };
                out.push(Exception {
                    path,
                    allow,
                    reason,
                });
            }
        } else {
            out.push(Exception {
                path: path.to_owned(),
                allow,
                reason,
            });
        }
    };
    // PROTOCOL.md §7 lists the keys of topic objects from more captures than these samples;
    // a sample of ten topics shows only some of them.
    const TOPIC_KEYS: &str = "PROTOCOL.md §7 documents it on topic objects";
    for key in [
        "modify_time",
        "stick_time",
        "annotation",
        "latest_likes",
        "likes_detail",
        "show_comments",
        "columns",
        "checkin",
        "referenced_topic",
        "user_specific.submitted",
        "user_specific.liked_emojis",
        "talk.images",
        "talk.files",
        "talk.article",
        "question",
        "answer",
        "answered",
        "silenced",
        "task",
        "enabled_task",
        "statistics",
        "show_solutions",
        "solution",
    ] {
        add(&format!("{{t}}.{key}"), Allow::Extra, TOPIC_KEYS);
    }
    const BODY: &str = "a topic carries the body of its own type only (PROTOCOL.md §7 table)";
    add("{t}.talk", Allow::Optional, BODY);
    add("{t}.task", Allow::Optional, BODY);
    const OPTIONAL: &str = "optional in the topic lists' samples and in PROTOCOL.md §7; a                             sample of one topic shows it every time";
    for key in [
        "modify_time",
        "show_comments",
        "talk.images",
        "latest_likes",
        "likes_detail",
    ] {
        add(&format!("{{t}}.{key}"), Allow::Missing, OPTIONAL);
    }
    // Comment objects, PROTOCOL.md §7: `parent_comment_id?`, `replies_count?`, `repliee?`.
    const COMMENT_KEYS: &str = "PROTOCOL.md §7 documents it on comment objects";
    for key in ["parent_comment_id", "repliee", "replies_count"] {
        add(
            &format!("{{t}}.show_comments[].{key}"),
            Allow::Extra,
            COMMENT_KEYS,
        );
    }
    // Users embedded in topics and comments: `owner{user_id,name,alias?,avatar_url,
    // description?,location?}` (PROTOCOL.md §7). The sim's users have a province and a
    // self-description only sometimes, as real users do.
    const USER_KEYS: &str = "PROTOCOL.md §7: description? and location? are optional on users";
    for owner in [
        "talk.owner",
        "task.owner",
        "show_comments[].owner",
        "show_comments[].repliee",
        "latest_likes[].owner",
    ] {
        for key in ["description", "location"] {
            let path = format!("{{t}}.{owner}.{key}");
            add(&path, Allow::Extra, USER_KEYS);
            add(&path, Allow::Optional, USER_KEYS);
        }
    }
    add(
        "resp_data.partners[].description",
        Allow::Optional,
        "staff without a self-description: PROTOCOL.md §7 marks description? optional on users",
    );
    add(
        "resp_data.guests[].description",
        Allow::Optional,
        "staff without a self-description: PROTOCOL.md §7 marks description? optional on users",
    );
    out
}

fn read_sample(dir: &Path, name: &str) -> Value {
    let bytes = std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The sim's topic of the same type (and with an article when the sample has one) that
/// differs least from `sample`.
async fn closest_topic(sim: &Sim, group: i64, sample: &Value) -> (Value, Vec<String>) {
    let kind = sample["type"].as_str().expect("a topic type");
    let article = sample["talk"].get("article").is_some();
    let mut best: Option<(Value, Vec<String>)> = None;
    let list = sim
        .raw(&format!("/v2/groups/{group}/topics?count=30"))
        .await
        .json();
    let mut candidates: Vec<Value> = list["resp_data"]["topics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // More pages of the circle's tasks and talks, for a wide choice.
    let scope = if kind == "task" { "tasks" } else { "digests" };
    let more = sim
        .raw(&format!("/v2/groups/{group}/topics?scope={scope}&count=30"))
        .await
        .json();
    candidates.extend(
        more["resp_data"]["topics"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    let rules = exceptions(&[String::new()]);
    let sample_shape = Shape::of(sample);
    for topic in candidates {
        if topic["type"] != kind || (article && topic["talk"].get("article").is_none()) {
            continue;
        }
        let found = diff::diff(&sample_shape, &Shape::of(&topic), &rules);
        if best.as_ref().is_none_or(|(_, b)| found.len() < b.len()) {
            best = Some((topic, found));
        }
    }
    best.unwrap_or_else(|| panic!("the sim serves no {kind} topic like the sample"))
}

#[tokio::test]
async fn every_sample_has_the_shape_the_sim_serves() {
    let dir = orrery_testkit::samples_dir();
    let sim = start(demo()).await;
    let ids = ids(&sim).await;
    let cases = cases(&ids);
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    for case in &cases {
        covered.insert(case.sample);
        let sample = read_sample(&dir, case.sample);
        let served = sim.raw(&case.request).await;
        let served = if served.status == 200 {
            served.json()
        } else {
            failures.push(format!(
                "{} → GET {}: HTTP {}",
                case.sample, case.request, served.status
            ));
            continue;
        };
        let (sample_shape, sim_shape) = (Shape::of(&sample), Shape::of(&served));
        let rules = exceptions(&case.topics);
        // Every excused difference says why.
        assert!(rules.iter().all(|e| !e.reason.trim().is_empty()));
        for line in diff::diff(&sample_shape, &sim_shape, &rules) {
            failures.push(format!("{} → GET {}: {line}", case.sample, case.request));
        }
    }
    for name in [
        "topic_object__talk_with_article.json",
        "topic_object__task.json",
    ] {
        covered.insert(name);
        let sample = read_sample(&dir, name);
        let (_, found) = closest_topic(&sim, ids.group, &sample).await;
        for line in found {
            failures.push(format!("{name} → the closest sim topic: {line}"));
        }
    }
    // A sample added later must get a case here.
    for entry in std::fs::read_dir(&dir).expect("samples") {
        let name = entry.expect("entry").file_name();
        let name = name.to_string_lossy();
        let compared = (name.starts_with("GET_") || name.starts_with("topic_object__"))
            && name.ends_with(".json");
        if compared && !covered.contains(name.as_ref()) {
            failures.push(format!("{name}: no case compares it with the sim"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} shape differences:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}
