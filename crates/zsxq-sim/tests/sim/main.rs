//! The simulator over real HTTP: shapes decoded with the `zsxq` models, paging semantics, the
//! truth, writes, activity, faults, datasets and the binary.

mod busy_day;
mod endpoints;
mod happenings;
mod headers;
mod history;
mod login;
mod shapes;
mod support;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Sim, TopicDetail, demo, self_id, start, start_as_configured};
use zsxq::rich_text::{Node, parse};
use zsxq::{
    AnswerRequest, ApiError, ColumnsList, CommentRequest, CommentsPage, CreateTalkRequest,
    DynamicsList, Empty, GroupDetail, GroupsList, HashtagsList, MenuReadTimes, MenusList,
    Timestamp, Topic, TopicBody, TopicKind, TopicsPage, UnansweredQuestionsBrief,
    UnreadTopicCounts, UserResponse,
};
use zsxq_sim::{Dataset, Faults, SimConfig};

const TWO_POW_53: i64 = 1 << 53;

fn times(topics: &[Topic]) -> Vec<i64> {
    topics
        .iter()
        .map(|t| t.create_time.expect("create_time").to_unix_millis())
        .collect()
}

#[tokio::test]
async fn envelopes_have_the_service_shape() {
    let sim = start(demo()).await;
    let ok = sim.raw("/v2/groups").await;
    assert_eq!(ok.status, 200);
    let body = ok.json();
    let keys: Vec<&str> = body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["resp_data", "succeeded"]);
    assert_eq!(body["succeeded"], json!(true));
    assert!(ok.headers.contains_key("x-expire-in"));

    let missing = sim.raw("/v2/topics/12345").await;
    assert_eq!(missing.status, 200, "business errors come with HTTP 200");
    let body = missing.json();
    assert_eq!(body["succeeded"], json!(false));
    assert_eq!(body["code"], json!(100_002));
    assert_eq!(body["info"], json!(""));
    assert_eq!(body["resp_data"], json!({}));
    assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()));
    assert_eq!(missing.decode::<Empty>(), Err(ApiError::NotFound));

    let stranger = sim.raw("/v2/groups/1/topics").await;
    assert_eq!(stranger.status, 403, "not a member");
    assert_eq!(stranger.decode::<Empty>(), Err(ApiError::NotMember));
}

#[tokio::test]
async fn every_endpoint_decodes_with_the_zsxq_models() {
    let sim = start(demo()).await;
    let me: UserResponse = sim.get("/v3/users/self").await;
    let my_id = me.user.id().expect("self id");
    let groups: GroupsList = sim.get("/v2/groups").await;
    assert_eq!(groups.groups.len(), 4);
    for group in &groups.groups {
        let gid = group.group_id;
        let detail: GroupDetail = sim.get(&format!("/v2/groups/{gid}")).await;
        assert_eq!(detail.group.group_id, gid);
        assert!(detail.group.latest_topic_create_time.is_some());
        for scope in [
            "all",
            "digests",
            "by_owner",
            "questions",
            "tasks",
            "unanswered_questions",
        ] {
            let page: TopicsPage = sim
                .get(&format!("/v2/groups/{gid}/topics?scope={scope}&count=20"))
                .await;
            for topic in &page.topics {
                assert!(topic.uid_is_consistent());
                assert!(
                    !matches!(topic.body(), TopicBody::Other { .. }),
                    "{topic:?}"
                );
            }
            if scope == "questions" {
                assert!(
                    page.topics
                        .iter()
                        .all(|t| t.kind == TopicKind::QuestionAnswer)
                );
            }
        }
        let hashtags: HashtagsList = sim.get(&format!("/v2/groups/{gid}/hashtags")).await;
        let tag = hashtags.hashtags.first().expect("a hashtag");
        let tagged: TopicsPage = sim
            .get(&format!("/v2/hashtags/{}/topics?count=10", tag.hashtag_id))
            .await;
        assert!(!tagged.topics.is_empty());
        for topic in &tagged.topics {
            // Lists cut long texts, so look at the whole one.
            let detail: TopicDetail = sim.get(&format!("/v2/topics/{}", topic.topic_id)).await;
            let hid = format!("hid=\"{}\"", tag.hashtag_id);
            assert!(
                detail.topic.text().is_some_and(|t| t.contains(&hid)),
                "{topic:?}"
            );
        }
        let columns: ColumnsList = sim.get(&format!("/v2/groups/{gid}/columns")).await;
        let column = columns.columns.first().expect("a column");
        let in_column: TopicsPage = sim
            .get(&format!(
                "/v2/groups/{gid}/columns/{}/topics?count=100",
                column.column_id
            ))
            .await;
        assert_eq!(
            in_column.topics.len() as u64,
            column
                .statistics
                .as_ref()
                .and_then(|s| s.topics_count)
                .expect("count")
        );
        let menus: MenusList = sim.get(&format!("/v2/groups/{gid}/menus")).await;
        assert!(
            menus
                .menus
                .iter()
                .any(|m| m.preset_type.as_deref() == Some("digests"))
        );
        let read: MenuReadTimes = sim
            .get(&format!("/v2/groups/{gid}/menus/last_read_time"))
            .await;
        assert_eq!(read.menus.len(), menus.menus.len());
        let _: zsxq::ColumnsSummary = sim.get(&format!("/v2/groups/{gid}/columns/summary")).await;
    }
    let unread: UnreadTopicCounts = sim.get("/v2/groups/unread_topics_count").await;
    assert_eq!(unread.groups.len(), 4);
    assert!(unread.groups.iter().all(|g| g.count > 0));
    let brief: UnansweredQuestionsBrief =
        sim.get("/v2/users/self/unanswered_questions/brief").await;
    assert!(
        brief.unanswered_count > 0,
        "the signed-in user owns a circle with open questions"
    );
    for scope in ["general", "group_assistant", "like"] {
        let inbox: DynamicsList = sim
            .get(&format!("/v2/dynamics?scope={scope}&count=10"))
            .await;
        assert_eq!(inbox.dynamics.is_empty(), scope == "like");
    }

    // Detail, comments and a user profile from the first circle's newest topics.
    let gid = groups.groups[0].group_id;
    let page: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=30")).await;
    let topic = page
        .topics
        .iter()
        .find(|t| t.comments_count.unwrap_or(0) > 0)
        .expect("a topic with comments");
    let detail: TopicDetail = sim.get(&format!("/v2/topics/{}", topic.topic_id)).await;
    assert_eq!(detail.topic.topic_id, topic.topic_id);
    let comments: CommentsPage = sim
        .get(&format!(
            "/v2/topics/{}/comments?sort=asc&count=30",
            topic.topic_id
        ))
        .await;
    assert!(!comments.comments.is_empty());
    let owner = topic.owner().expect("owner").user_id;
    let profile: UserResponse = sim.get(&format!("/v3/users/{owner}")).await;
    assert_eq!(profile.user.id(), Some(owner));
    assert_ne!(owner, my_id);
}

#[tokio::test]
async fn ids_beyond_2_pow_53_are_numbers_with_string_twins() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[0];
    let raw = sim
        .raw(&format!("/v2/groups/{gid}/topics?count=30"))
        .await
        .json();
    for topic in raw["resp_data"]["topics"].as_array().expect("topics") {
        let id = topic["topic_id"].as_i64().expect("an integer id");
        assert!(id > TWO_POW_53);
        assert_eq!(topic["topic_uid"], json!(id.to_string()));
        let created = topic["create_time"].as_str().expect("create_time");
        assert!(
            created.ends_with("+0800") && created.len() == 28,
            "{created}"
        );
    }
}

#[tokio::test]
async fn paging_walks_every_circle_to_the_truth() {
    let sim = start(demo()).await;
    let truth = sim.handle.truth();
    assert_eq!(truth.circles.len(), 4);
    assert!(truth.topics() >= 2_000, "a few thousand topics: {truth:?}");
    let mut clusters = 0;
    let mut boundary_repeats = 0;
    for circle in &truth.circles {
        let walk = sim
            .walk(
                &format!("/v2/groups/{}/topics?scope=all", circle.group_id),
                30,
            )
            .await;
        assert_eq!(
            walk.topics.len() as u64,
            circle.topics,
            "{}",
            circle.group_id
        );
        boundary_repeats += walk.boundary_repeats;
        assert!(
            walk.repeats >= walk.pages - 2,
            "each page repeats the previous boundary"
        );
        let times = times(&walk.topics);
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
        clusters += times.windows(2).filter(|w| w[0] == w[1]).count();
        let comments: u64 = walk
            .topics
            .iter()
            .map(|t| t.comments_count.unwrap_or(0))
            .sum();
        assert_eq!(comments, circle.comments);
        let answered = walk
            .topics
            .iter()
            .filter(|t| t.kind == TopicKind::QuestionAnswer && t.answered == Some(true))
            .count() as u64;
        assert_eq!(answered, circle.answered);
    }
    assert!(
        clusters >= 20,
        "same-millisecond clusters are deliberate: {clusters}"
    );
    assert!(boundary_repeats > 0);
}

#[tokio::test]
async fn newest_ms_moves_the_timeline_and_keeps_the_truth() {
    let fixed = start(demo()).await;
    // The app's demo anchors to today; any instant far from the default anchor shows the move.
    let newest_ms = 1_893_456_000_000; // 2030-01-01T08:00:00+0800
    let moved = start(SimConfig {
        newest_ms: Some(newest_ms),
        ..demo()
    })
    .await;
    assert_eq!(fixed.handle.truth(), moved.handle.truth());
    let default_ms = 1_765_353_600_000; // 2025-12-10T16:00:00+0800
    for (sim, expected) in [(&fixed, default_ms), (&moved, newest_ms)] {
        let gid = sim.group_ids().await[0];
        let newest = times(&sim.all_topics(gid).await)[0];
        assert!(
            newest < expected && expected - newest < 30 * 86_400_000,
            "newest topic {newest} should end just before {expected}"
        );
    }
}

/// Runs of topics in one millisecond are a stress behind a flag (the service may not show
/// them); without it every topic has a millisecond of its own, and the rest is the same.
#[tokio::test]
async fn same_millisecond_runs_are_a_stress_behind_a_flag() {
    let plain = start_as_configured(demo()).await;
    let stressed = start(demo()).await;
    let gid = plain.group_ids().await[0];
    let (calm, busy) = (plain.all_topics(gid).await, stressed.all_topics(gid).await);
    let shared = |topics: &[Topic]| times(topics).windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(shared(&calm), 0);
    assert!(shared(&busy) > 10, "{}", shared(&busy));
    assert_eq!(calm.len(), busy.len());
    assert_eq!(plain.handle.truth(), stressed.handle.truth());
}

#[tokio::test]
async fn a_millisecond_shared_by_several_topics_is_served_whole() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[0];
    let topics = sim.all_topics(gid).await;
    let times = times(&topics);
    let start_of_cluster = times
        .windows(2)
        .position(|w| w[0] == w[1])
        .expect("a cluster");
    let cluster_ms = times[start_of_cluster];
    let members = times.iter().filter(|&&t| t == cluster_ms).count();
    let end = Timestamp::from_unix_millis(cluster_ms).expect("time");
    let page: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{gid}/topics?count=30&end_time={}",
            end.to_query_value()
        ))
        .await;
    let same: Vec<_> = page
        .topics
        .iter()
        .filter(|t| t.create_time == Some(end))
        .collect();
    assert_eq!(same.len(), members, "end_time is inclusive");
    assert_eq!(page.topics[0].create_time, Some(end));
    // A "minus one millisecond" cursor would skip them all.
    let before = end.checked_add_millis(-1).expect("time");
    let page: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{gid}/topics?count=30&end_time={}",
            before.to_query_value()
        ))
        .await;
    assert!(page.topics.iter().all(|t| t.create_time < Some(end)));
}

#[tokio::test]
async fn count_is_clamped_and_begin_time_bounds_the_list() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[1];
    let page: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=100")).await;
    assert_eq!(page.topics.len(), 30);
    let page: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=7")).await;
    assert_eq!(page.topics.len(), 7);
    let default: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics")).await;
    assert_eq!(default.topics.len(), 20);

    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=30")).await;
    let begin = newest.topics[9].create_time.expect("time");
    let expected = newest
        .topics
        .iter()
        .filter(|t| t.create_time >= Some(begin))
        .count();
    let bounded: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{gid}/topics?count=30&begin_time={}",
            begin.to_query_value()
        ))
        .await;
    assert_eq!(bounded.topics.len(), expected);
    assert_eq!(
        bounded.topics[0].topic_id, newest.topics[0].topic_id,
        "still newest first"
    );
    // The app's probe for anything new since a read marker.
    let probe: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{gid}/topics?count=1&scope=all&begin_time={}",
            begin.to_query_value()
        ))
        .await;
    assert_eq!(probe.topics.len(), 1);
}

#[tokio::test]
async fn comments_page_oldest_first_with_replies_nested() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[0];
    let topics = sim.all_topics(gid).await;
    let busy = topics
        .iter()
        .max_by_key(|t| t.comments_count.unwrap_or(0))
        .expect("topics");
    let total = busy.comments_count.unwrap_or(0);
    assert!(
        total > 30,
        "some topics need several comment pages: {total}"
    );
    let mut begin: Option<Timestamp> = None;
    let mut seen = 0u64;
    let mut pages = 0;
    let mut replies = 0;
    let mut last = None;
    loop {
        let mut path = format!("/v2/topics/{}/comments?sort=asc&count=30", busy.topic_id);
        if let Some(begin) = begin {
            path.push_str(&format!("&begin_time={}", begin.to_query_value()));
        }
        let page: CommentsPage = sim.get(&path).await;
        pages += 1;
        for comment in &page.comments {
            assert!(comment.create_time > last, "ascending");
            last = comment.create_time;
            for reply in comment.replies() {
                assert_eq!(reply.parent_comment_id, Some(comment.comment_id));
                assert!(reply.repliee.is_some());
                replies += 1;
            }
            seen += 1 + comment.replies().len() as u64;
        }
        if page.comments.len() < 30 {
            break;
        }
        // The community's cursor: the last create_time plus one millisecond.
        begin = last.and_then(|t| t.checked_add_millis(1));
    }
    assert!(pages >= 2);
    assert!(replies > 0);
    assert_eq!(seen, total);
}

#[tokio::test]
async fn unknown_and_missing_tokens_get_http_401() {
    let sim = start(demo()).await;
    let no_token = sim.raw_as("/v2/groups", None).await;
    assert_eq!(no_token.status, 401);
    assert_eq!(no_token.decode::<Empty>(), Err(ApiError::Unauthorized));
    let forged = "00000000-0000-0000-0000-000000000000_0000000000000000";
    assert_eq!(sim.raw_as("/v2/groups", Some(forged)).await.status, 401);
    let by_header = sim
        .client
        .get(sim.url("/v2/groups"))
        .header("authorization", sim.handle.token())
        .send()
        .await
        .expect("sent");
    assert_eq!(by_header.status().as_u16(), 200);
    let fresh = sim.handle.issue_token();
    assert_ne!(fresh, sim.handle.token());
    assert_eq!(sim.raw_as("/v2/groups", Some(&fresh)).await.status, 200);
    // A token shaped like the service's: UUID, underscore, 16 hex digits.
    let (uuid, device) = fresh.split_once('_').expect("UUID_HEX");
    assert_eq!((uuid.len(), device.len()), (36, 16));
}

#[tokio::test]
async fn fault_1059_refuses_with_http_200() {
    let sim = start(demo()).await;
    sim.handle.set_faults(Faults {
        p_1059: 1.0,
        ..Faults::default()
    });
    let raw = sim.raw("/v2/groups").await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.json()["code"], json!(1059));
    assert!(matches!(
        raw.decode::<Empty>(),
        Err(ApiError::Throttled { .. })
    ));
    // Probabilistic, but deterministic for the seed.
    sim.handle.set_faults(Faults {
        p_1059: 0.3,
        ..Faults::default()
    });
    let mut refused = 0;
    for _ in 0..60 {
        if sim.raw("/v2/groups").await.json()["succeeded"] == json!(false) {
            refused += 1;
        }
    }
    assert!((5..=40).contains(&refused), "{refused}");
    sim.handle.set_faults(Faults::default());
    assert!(sim.try_get::<GroupsList>("/v2/groups").await.is_ok());
}

#[tokio::test]
async fn fault_5xx_and_truncation() {
    let sim = start(demo()).await;
    sim.handle.set_faults(Faults {
        p_5xx: 1.0,
        ..Faults::default()
    });
    let raw = sim.raw("/v2/groups").await;
    assert!((500..600).contains(&raw.status), "{}", raw.status);
    assert!(raw.decode::<Empty>().is_err_and(|e| e.retryable()));

    sim.handle.set_faults(Faults {
        p_truncate: 1.0,
        ..Faults::default()
    });
    let raw = sim.raw("/v2/groups").await;
    assert_eq!(raw.status, 200);
    assert!(!raw.body.is_empty());
    assert!(serde_json::from_slice::<Value>(&raw.body).is_err());
    assert!(matches!(
        raw.decode::<GroupsList>(),
        Err(ApiError::Malformed { .. })
    ));
}

#[tokio::test]
async fn fault_latency_delays_responses() {
    let sim = start(SimConfig {
        faults: Faults {
            latency_ms: 250,
            ..Faults::default()
        },
        ..demo()
    })
    .await;
    let started = Instant::now();
    let _: GroupsList = sim.get("/v2/groups").await;
    // A lower bound only: the delay is a floor, not a performance figure.
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn fault_429_refuses_writes_only() {
    let sim = start(demo()).await;
    sim.handle.set_faults(Faults {
        writes_429: true,
        ..Faults::default()
    });
    let gid = sim.group_ids().await[0];
    let result = sim
        .post::<Empty>(
            &format!("/v2/groups/{gid}/topics"),
            &CreateTalkRequest::text("你好"),
        )
        .await;
    assert_eq!(result, Err(ApiError::TooFrequent));
    assert!(sim.try_get::<GroupsList>("/v2/groups").await.is_ok());
    assert_eq!(
        sim.handle.truth(),
        zsxq_sim::dataset_truth(&demo()).expect("truth")
    );
}

#[tokio::test]
async fn fault_401_after_n_requests_until_a_new_token() {
    let sim = start(SimConfig {
        faults: Faults {
            unauthorized_after: Some(3),
            ..Faults::default()
        },
        ..demo()
    })
    .await;
    for _ in 0..3 {
        assert_eq!(sim.raw("/v2/groups").await.status, 200);
    }
    assert_eq!(sim.raw("/v2/groups").await.status, 401);
    assert_eq!(sim.raw("/v2/groups").await.status, 401, "stays revoked");
    let fresh = sim.handle.issue_token();
    assert_eq!(sim.raw_as("/v2/groups", Some(&fresh)).await.status, 200);
    assert_eq!(
        sim.raw("/v2/groups").await.status,
        401,
        "the old token stays revoked"
    );
}

#[tokio::test]
async fn fault_expired_circle_answers_14210_for_its_topic_lists() {
    let sim = start(demo()).await;
    let ids = sim.group_ids().await;
    sim.handle.set_faults(Faults {
        expired_circle: Some(ids[0]),
        ..Faults::default()
    });
    let result = sim
        .try_get::<TopicsPage>(&format!("/v2/groups/{}/topics?count=5", ids[0]))
        .await;
    assert_eq!(result, Err(ApiError::MembershipExpired));
    let hashtags: HashtagsList = sim.get(&format!("/v2/groups/{}/hashtags", ids[0])).await;
    let tagged = sim
        .try_get::<TopicsPage>(&format!(
            "/v2/hashtags/{}/topics",
            hashtags.hashtags[0].hashtag_id
        ))
        .await;
    assert_eq!(tagged, Err(ApiError::MembershipExpired));
    assert!(
        sim.try_get::<TopicsPage>(&format!("/v2/groups/{}/topics?count=5", ids[1]))
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn writes_change_the_truth() {
    let sim = start(demo()).await;
    let before = sim.handle.truth();
    let ids = sim.group_ids().await;
    let gid = ids[0];

    let text = "今天第一次用模拟器发帖。";
    let created: TopicDetail = sim
        .post(
            &format!("/v2/groups/{gid}/topics"),
            &CreateTalkRequest::text(text),
        )
        .await
        .expect("talk created");
    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=1")).await;
    assert_eq!(newest.topics[0].topic_id, created.topic.topic_id);
    assert_eq!(newest.topics[0].text(), Some(text));
    let tid = created.topic.topic_id;

    let _: Empty = sim
        .post(
            &format!("/v2/topics/{tid}/comments"),
            &CommentRequest::text("自己先顶一下"),
        )
        .await
        .expect("comment");
    let comments: CommentsPage = sim.get(&format!("/v2/topics/{tid}/comments")).await;
    let first = comments.comments[0].comment_id;
    let mut reply = CommentRequest::text("补充一句");
    reply.req_data.replied_comment_id = Some(first);
    let _: Empty = sim
        .post(&format!("/v2/topics/{tid}/comments"), &reply)
        .await
        .expect("reply");
    let comments: CommentsPage = sim.get(&format!("/v2/topics/{tid}/comments")).await;
    assert_eq!(comments.comments.len(), 1);
    assert_eq!(comments.comments[0].replies().len(), 1);

    let _: Empty = sim
        .post(&format!("/v2/topics/{tid}/likes"), &json!({"req_data": {}}))
        .await
        .expect("like");
    let detail: TopicDetail = sim.get(&format!("/v2/topics/{tid}")).await;
    assert_eq!(detail.topic.likes_count, Some(1));
    assert_eq!(detail.topic.user_specific.and_then(|u| u.liked), Some(true));
    assert_eq!(detail.topic.comments_count, Some(2));

    // Answer a question waiting for the signed-in user (the owner of the writing circle).
    let mine = ids[2];
    let waiting: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{mine}/topics?scope=unanswered_questions&count=5"
        ))
        .await;
    let question = waiting.topics.first().expect("an open question").topic_id;
    let _: Empty = sim
        .post(
            &format!("/v2/topics/{question}/answer"),
            &AnswerRequest::text("先写一百字。"),
        )
        .await
        .expect("answered");
    let again = sim
        .post::<Empty>(
            &format!("/v2/topics/{question}/answer"),
            &AnswerRequest::text("再答一次"),
        )
        .await;
    assert!(matches!(again, Err(ApiError::Other { message: Some(m), .. }) if m.contains("已回答")));
    let detail: TopicDetail = sim.get(&format!("/v2/topics/{question}")).await;
    assert_eq!(detail.topic.answered, Some(true));
    assert_eq!(
        detail.topic.answer.and_then(|a| a.text).as_deref(),
        Some("先写一百字。")
    );
    // Someone else's question is not the signed-in user's to answer.
    let others: TopicsPage = sim
        .get(&format!("/v2/groups/{gid}/topics?scope=questions&count=30"))
        .await;
    let open = others
        .topics
        .iter()
        .find(|t| t.answered == Some(false))
        .expect("open question");
    assert!(
        sim.post::<Empty>(
            &format!("/v2/topics/{}/answer", open.topic_id),
            &AnswerRequest::text("x")
        )
        .await
        .is_err()
    );

    let after = sim.handle.truth();
    let (b, a) = (
        before.circle(gid).expect("c"),
        after.circle(gid).expect("c"),
    );
    assert_eq!(a.topics, b.topics + 1);
    assert_eq!(a.comments, b.comments + 2);
    let (b, a) = (
        before.circle(mine).expect("c"),
        after.circle(mine).expect("c"),
    );
    assert_eq!(a.answered, b.answered + 1);

    // Read markers round-trip and drive the unread counts.
    let menus: MenuReadTimes = sim
        .get(&format!("/v2/groups/{gid}/menus/last_read_time"))
        .await;
    let mut marker = menus.clone();
    for menu in &mut marker.menus {
        menu.last_read_time = newest.topics[0].create_time.expect("time");
    }
    let _: Empty = sim
        .write(
            reqwest::Method::PUT,
            &format!("/v2/groups/{gid}/menus/last_read_time"),
            &zsxq::ReqData::new(marker.clone()),
        )
        .await
        .expect("put");
    let read: MenuReadTimes = sim
        .get(&format!("/v2/groups/{gid}/menus/last_read_time"))
        .await;
    assert_eq!(read, marker);
    let unread: UnreadTopicCounts = sim.get("/v2/groups/unread_topics_count").await;
    let count = unread
        .groups
        .iter()
        .find(|g| g.group_id.get() == gid)
        .expect("group")
        .count;
    assert_eq!(count, 0);
}

/// Questions the signed-in user asked, and how many of them are answered.
async fn my_questions(sim: &Sim, me: i64) -> (usize, usize) {
    let mut asked = 0;
    let mut answered = 0;
    for gid in sim.group_ids().await {
        let walk = sim
            .walk(&format!("/v2/groups/{gid}/topics?scope=questions"), 30)
            .await;
        for topic in walk.topics {
            if topic
                .question
                .as_ref()
                .and_then(|q| q.owner.as_ref())
                .map(|o| o.user_id.get())
                == Some(me)
            {
                asked += 1;
                answered += usize::from(topic.answered == Some(true));
            }
        }
    }
    (asked, answered)
}

#[tokio::test]
async fn advance_adds_topics_comments_and_answers() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let before = sim.handle.truth();
    let (asked, answered) = my_questions(&sim, me).await;
    assert!(
        asked > answered,
        "some of my questions are open: {asked} / {answered}"
    );
    sim.handle.advance(300);
    let after = sim.handle.truth();
    assert!(after.topics() > before.topics());
    assert!(after.comments() > before.comments());
    assert!(after.answered() > before.answered());
    let (asked_after, answered_after) = my_questions(&sim, me).await;
    assert_eq!(asked_after, asked);
    assert!(
        answered_after > answered,
        "activity answers the signed-in user's questions"
    );
    // New topics are the newest, and the lists still add up.
    for circle in &after.circles {
        let walk = sim
            .walk(&format!("/v2/groups/{}/topics", circle.group_id), 30)
            .await;
        assert_eq!(walk.topics.len() as u64, circle.topics);
    }
}

#[tokio::test]
async fn activity_arrives_over_time_when_enabled() {
    let sim = start(SimConfig {
        activity_per_min: 6_000.0,
        ..demo()
    })
    .await;
    let before = zsxq_sim::dataset_truth(&demo()).expect("truth");
    // Waits for the ticker, with a generous cap; nothing here measures speed.
    let deadline = Instant::now() + Duration::from_secs(30);
    while sim.handle.truth() == before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_ne!(sim.handle.truth(), before);
}

#[tokio::test]
async fn activity_is_deterministic_for_a_seed() {
    let a = start(demo()).await;
    let b = start(demo()).await;
    a.handle.advance(50);
    b.handle.advance(50);
    assert_eq!(a.handle.truth(), b.handle.truth());
}

#[tokio::test]
async fn a_million_generated_topics_stay_compact() {
    let sim = start(SimConfig {
        dataset: Dataset::Generated(1_000_000),
        ..SimConfig::default()
    })
    .await;
    let truth = sim.handle.truth();
    assert_eq!(truth.topics(), 1_000_000);
    let footprint = sim.handle.footprint();
    assert_eq!(footprint.topics, 1_000_000);
    assert!(
        footprint.topic_meta_bytes <= 32 * 1_000_000,
        "{footprint:?}"
    );
    assert_eq!(footprint.stored_texts, 0, "no topic text is materialized");
    assert_eq!(footprint.posted_comments, 0);

    let gid = sim.group_ids().await[0];
    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=1")).await;
    let newest_time = newest.topics[0].create_time.expect("time");
    let middle = newest_time
        .checked_add_millis(-200 * 86_400_000)
        .expect("time");
    let page: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{gid}/topics?count=30&end_time={}",
            middle.to_query_value()
        ))
        .await;
    assert_eq!(page.topics.len(), 30);
    let times = times(&page.topics);
    assert!(times.windows(2).all(|w| w[0] >= w[1]));
    assert!(times[0] <= middle.to_unix_millis());
    let topic = &page.topics[15];
    let detail: TopicDetail = sim.get(&format!("/v2/topics/{}", topic.topic_id)).await;
    assert_eq!(detail.topic.topic_id, topic.topic_id);
    let _: CommentsPage = sim
        .get(&format!("/v2/topics/{}/comments", topic.topic_id))
        .await;
    // Rendering pages does not materialize anything either.
    assert_eq!(sim.handle.footprint().stored_texts, 0);
}

#[tokio::test]
async fn jsonl_serves_a_file_written_by_the_test() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("corpus.jsonl");
    let lines = [
        json!({"text": "第一条导入的内容。"}),
        json!({"text": "导入的问题：怎么开始？", "type": "q&a", "author": "张三"}),
        json!({"text": "第二条导入的内容。", "author": {"user_id": 123_456_789_012_345_i64, "name": "李四"}}),
        json!({"text": "另一个星球的内容", "group_id": 88_888_888_888_i64, "topic_id": 55_555_555_555_555_555_i64, "create_time": "2024-01-01T08:00:00.000+0800"}),
        json!({"text": "另一个星球的作业", "group_id": "88888888888", "type": "task"}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).expect("write corpus");
    let sim = start(SimConfig {
        dataset: Dataset::Jsonl(path),
        ..SimConfig::default()
    })
    .await;
    let truth = sim.handle.truth();
    assert_eq!(truth.circles.len(), 2);
    assert_eq!(truth.topics(), 5);
    assert_eq!(truth.circle(88_888_888_888).map(|c| c.topics), Some(2));
    let ids = sim.group_ids().await;
    let first = sim.all_topics(ids[0]).await;
    let texts: Vec<_> = first.iter().filter_map(Topic::text).collect();
    assert_eq!(
        texts,
        [
            "第二条导入的内容。",
            "导入的问题：怎么开始？",
            "第一条导入的内容。"
        ]
    );
    assert_eq!(first[1].kind, TopicKind::QuestionAnswer);
    assert_eq!(first[0].owner().map(|o| o.name.as_str()), Some("李四"));
    let detail: TopicDetail = sim.get("/v2/topics/55555555555555555").await;
    assert_eq!(detail.topic.text(), Some("另一个星球的内容"));
    assert_eq!(
        detail.topic.create_time.map(|t| t.to_string()).as_deref(),
        Some("2024-01-01T08:00:00.000+0800")
    );
    let second = sim.all_topics(88_888_888_888).await;
    assert_eq!(second[0].kind, TopicKind::Task);
    assert!(
        zsxq_sim::dataset_truth(&SimConfig {
            dataset: "jsonl:/nonexistent/corpus.jsonl".parse().expect("dataset"),
            ..SimConfig::default()
        })
        .is_err()
    );
}

#[tokio::test]
async fn media_images_articles_and_files_are_served() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[0];
    let topics = sim.all_topics(gid).await;

    let image = topics
        .iter()
        .flat_map(|t| t.images())
        .next()
        .expect("an image");
    for size in [&image.thumbnail, &image.large, image.best()] {
        let raw = sim.raw_as(&size.url, None).await;
        assert_eq!(raw.status, 200);
        let decoder = png::Decoder::new(std::io::Cursor::new(raw.body));
        let reader = decoder.read_info().expect("a real PNG");
        let info = reader.info();
        assert_eq!(
            (Some(info.width), Some(info.height)),
            (size.width, size.height)
        );
    }
    let original = image.original.as_ref().expect("original");
    assert_eq!(
        sim.raw_as(&original.url, None).await.body.len() as u64,
        original.size.expect("size")
    );
    let avatar = topics[0]
        .owner()
        .and_then(|o| o.avatar_url.clone())
        .expect("avatar");
    let raw = sim.raw_as(&avatar, None).await;
    assert_eq!(&raw.body[..4], b"\x89PNG");

    let with_article = topics
        .iter()
        .find_map(|t| match t.body() {
            TopicBody::Talk(talk) => talk.article.clone().map(|a| (t.clone(), a)),
            _ => None,
        })
        .expect("a talk with an article");
    let (topic, article) = with_article;
    assert!(
        topic.text().is_some_and(|t| t.ends_with("...")),
        "lists show an excerpt"
    );
    let detail: TopicDetail = sim.get(&format!("/v2/topics/{}", topic.topic_id)).await;
    assert!(detail.topic.text().map(str::len) > topic.text().map(str::len));
    let page = sim
        .raw_as(article.article_url.as_deref().expect("url"), None)
        .await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).expect("utf-8");
    assert!(html.contains(&article.title) && html.contains("<p>"));

    let files: Vec<zsxq::File> = topics
        .iter()
        .filter_map(|t| match t.body() {
            TopicBody::Talk(talk) => talk.files.clone(),
            TopicBody::Task(task) => task.files.clone(),
            _ => None,
        })
        .flatten()
        .collect();
    let document = files
        .iter()
        .find(|f| !f.name.ends_with(".mp4"))
        .expect("a document");
    let video = files
        .iter()
        .find(|f| f.name.ends_with(".mp4"))
        .expect("a video");
    #[derive(serde::Deserialize)]
    struct DownloadUrl {
        download_url: String,
    }
    let url: DownloadUrl = sim
        .get(&format!("/v2/files/{}/download_url", document.file_id))
        .await;
    let bytes = sim.raw_as(&url.download_url, None).await;
    assert_eq!(bytes.status, 200);
    assert!(!bytes.body.is_empty());
    let refused = sim
        .try_get::<DownloadUrl>(&format!("/v2/files/{}/download_url", video.file_id))
        .await;
    assert!(matches!(refused, Err(ApiError::MobileOnlyFile)));

    // Any file can be made mobile-only by configuration.
    let strict = start(SimConfig {
        mobile_only_files: vec![document.file_id.get()],
        ..demo()
    })
    .await;
    let refused = strict
        .try_get::<DownloadUrl>(&format!("/v2/files/{}/download_url", document.file_id))
        .await;
    assert!(matches!(refused, Err(ApiError::MobileOnlyFile)));
}

#[tokio::test]
async fn demo_topics_cover_every_kind_and_rich_text_entity() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut users = HashSet::new();
    for gid in sim.group_ids().await {
        let hashtags: HashtagsList = sim.get(&format!("/v2/groups/{gid}/hashtags")).await;
        let tag_ids: HashSet<i64> = hashtags
            .hashtags
            .iter()
            .map(|h| h.hashtag_id.get())
            .collect();
        for topic in sim.all_topics(gid).await {
            let mut note = |what| *seen.entry(what).or_default() += 1;
            match topic.body() {
                TopicBody::Talk(talk) => {
                    note("talk");
                    if talk.article.is_some() {
                        note("article");
                    }
                    if talk.files.is_some() {
                        note("file");
                    }
                }
                TopicBody::QuestionAnswer { question, answer } => {
                    note(if answer.is_some() {
                        "answered"
                    } else {
                        "unanswered"
                    });
                    if question.anonymous == Some(true) {
                        note("anonymous");
                    }
                    if question
                        .owner
                        .as_ref()
                        .is_some_and(|o| o.user_id.get() == me)
                    {
                        note("asked by me");
                    }
                }
                TopicBody::Task(_) => note("task"),
                TopicBody::Solution(solution) => {
                    note("solution");
                    assert_eq!(solution.task_uid, solution.task_id.map(|id| id.to_string()));
                }
                TopicBody::Other { .. } => panic!("unknown body: {topic:?}"),
            }
            if !topic.images().is_empty() {
                note("images");
            }
            if topic.is_digested() {
                note("digest");
            }
            if topic.is_sticky() {
                note("sticky");
            }
            if topic.columns.is_some() {
                note("column");
            }
            if topic.comments().iter().any(|c| c.replies().is_empty())
                && topic.comments_count > Some(0)
            {
                note("comments");
            }
            for node in parse(topic.text().unwrap_or_default()) {
                match node {
                    Node::Hashtag { id, .. } => {
                        assert!(id.is_some_and(|id| tag_ids.contains(&id.get())));
                        note("hashtag");
                    }
                    Node::Mention { id, .. } => {
                        users.insert(id.expect("mention id").get());
                        note("mention");
                    }
                    Node::Link { .. } => note("link"),
                    Node::Bold(_) => note("bold"),
                    _ => {}
                }
            }
        }
    }
    for kind in [
        "talk",
        "article",
        "file",
        "answered",
        "unanswered",
        "anonymous",
        "asked by me",
        "task",
        "solution",
        "images",
        "digest",
        "sticky",
        "column",
        "comments",
        "hashtag",
        "mention",
        "link",
        "bold",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {seen:?}"
        );
    }
    // Mentions name real users, and entities are percent-encoded like the service's.
    let user = users.iter().next().expect("a mentioned user");
    let profile: UserResponse = sim.get(&format!("/v3/users/{user}")).await;
    assert_eq!(profile.user.id().map(|id| id.get()), Some(*user));
    let gid = sim.group_ids().await[0];
    let raw = String::from_utf8(
        sim.raw(&format!("/v2/groups/{gid}/topics?count=30"))
            .await
            .body,
    )
    .expect("utf-8");
    assert!(raw.contains(r#"title=\"%23"#), "hashtag titles are encoded");
}

#[tokio::test]
async fn request_counts_are_kept_per_route() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[0];
    for _ in 0..2 {
        let _: GroupsList = sim.get("/v2/groups").await;
    }
    let _: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics")).await;
    let _ = sim.raw_as("/v2/groups", None).await;
    let stats = sim.handle.requests();
    assert_eq!(stats.route("GET /v2/groups"), 4);
    assert_eq!(stats.route("GET /v2/groups/{group_id}/topics"), 1);
    assert_eq!(stats.total, 5);
    let served: zsxq_sim::RequestStats =
        serde_json::from_slice(&sim.raw_as("/__sim/stats", None).await.body).expect("stats");
    assert_eq!(served, stats, "the stats route itself is not counted");
}

#[tokio::test]
async fn truth_is_deterministic_for_a_seed_and_differs_across_seeds() {
    let with_seed = |seed| SimConfig {
        seed,
        ..SimConfig::default()
    };
    let a = zsxq_sim::dataset_truth(&with_seed(7)).expect("truth");
    assert_eq!(a, zsxq_sim::dataset_truth(&with_seed(7)).expect("truth"));
    assert_ne!(a, zsxq_sim::dataset_truth(&with_seed(8)).expect("truth"));
    let generated = SimConfig {
        dataset: Dataset::Generated(10_000),
        ..SimConfig::default()
    };
    assert_eq!(
        zsxq_sim::dataset_truth(&generated).expect("truth").topics(),
        10_000
    );

    let run = |seed: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_zsxq-sim"))
            .args(["truth", "--dataset", "demo", "--seed", seed])
            .output()
            .expect("run zsxq-sim truth");
        assert!(output.status.success());
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let printed = run("7");
    assert_eq!(printed, run("7"));
    assert_ne!(printed, run("8"));
    let json: Value = serde_json::from_str(&printed).expect("one JSON object");
    let circles = json["circles"].as_array().expect("circles");
    for circle in circles {
        let keys: Vec<&str> = circle
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["answered", "comments", "group_id", "topics"]);
        assert!(circle["group_id"].is_string());
    }
    assert_eq!(
        serde_json::from_value::<zsxq_sim::Truth>(json).expect("truth"),
        a
    );
}

#[test]
fn the_binary_prints_its_address_first_and_refuses_other_interfaces() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_zsxq-sim"))
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--dataset",
            "generated:300",
            "--seed",
            "5",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn zsxq-sim");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first line");
    let hello: Value = serde_json::from_str(&first).expect("a JSON object");
    let keys: Vec<&str> = hello
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["base_url", "token"]);
    let base = hello["base_url"].as_str().expect("base_url");
    assert!(base.starts_with("http://127.0.0.1:"));
    let token = hello["token"].as_str().expect("token");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let status = runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("client")
            .get(format!("{base}/v3/users/self"))
            .header("authorization", token)
            .send()
            .await
            .expect("request")
            .status()
            .as_u16()
    });
    child.kill().expect("kill");
    let _ = child.wait();
    assert_eq!(status, 200);

    let refused = Command::new(env!("CARGO_BIN_EXE_zsxq-sim"))
        .args(["serve", "--addr", "0.0.0.0:0", "--dataset", "generated:10"])
        .output()
        .expect("run");
    assert!(!refused.status.success());
    assert!(refused.stdout.is_empty());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("loopback"));
}

#[tokio::test]
async fn the_library_refuses_non_loopback_addresses() {
    let result = zsxq_sim::serve(SimConfig::default(), "0.0.0.0:0".parse().expect("addr")).await;
    assert!(matches!(result, Err(zsxq_sim::SimError::NotLoopback(_))));
}

/// Every string in a JSON value, and inside every rich text among them the decoded entity
/// values (link targets, hashtag and mention names), which are served percent-encoded.
fn served_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            for node in parse(text) {
                match node {
                    Node::Link { href, title } => out.extend([href, title]),
                    Node::Hashtag { name, .. } | Node::Mention { name, .. } => out.push(name),
                    Node::Bold(text) | Node::Italic(text) => out.push(text),
                    Node::Text(_) | Node::Unknown { .. } => {}
                }
            }
            out.push(text.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| served_strings(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| served_strings(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn hostile_dataset_serves_every_payload_and_keeps_its_truth() {
    use zsxq_sim::hostile::{CANARY, MARKER, PAYLOADS};

    let config = SimConfig {
        dataset: Dataset::Hostile,
        ..SimConfig::default()
    };
    let sim = start(config.clone()).await;
    let truth = sim.handle.truth();
    assert_eq!(zsxq_sim::dataset_truth(&config).expect("truth"), truth);
    assert!((1..=2).contains(&truth.circles.len()), "{truth:?}");
    assert!((30..=60).contains(&truth.topics()), "{truth:?}");
    let printed = Command::new(env!("CARGO_BIN_EXE_zsxq-sim"))
        .args(["truth", "--dataset", "hostile"])
        .output()
        .expect("run zsxq-sim truth");
    assert!(printed.status.success());
    assert_eq!(
        serde_json::from_slice::<zsxq_sim::Truth>(&printed.stdout).expect("truth"),
        truth
    );

    let me = self_id(&sim).await;
    let mut served = Vec::new();
    for path in ["/v3/users/self", "/v2/groups"] {
        served_strings(&sim.raw(path).await.json(), &mut served);
    }
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut note = |what| *seen.entry(what).or_default() += 1;
    let mut users = HashSet::new();
    for circle in &truth.circles {
        let gid = &circle.group_id;
        for what in ["", "/hashtags", "/columns", "/menus"] {
            let raw = sim.raw(&format!("/v2/groups/{gid}{what}")).await.json();
            served_strings(&raw, &mut served);
        }
        // The same walk as for the other datasets arrives at the truth.
        let topics = sim.all_topics(gid.parse().expect("group id")).await;
        assert_eq!(topics.len() as u64, circle.topics, "{gid}");
        let mut comments = 0;
        let mut answered = 0;
        for topic in &topics {
            let id = topic.topic_id;
            let raw = sim.raw(&format!("/v2/topics/{id}")).await;
            served_strings(&raw.json(), &mut served);
            let detail: TopicDetail = raw.decode().expect("topic detail");
            let topic = detail.topic;
            let text = topic.text().expect("text");
            assert!(text.starts_with(MARKER) && text.contains(CANARY), "{text}");
            let thread = sim.raw(&format!("/v2/topics/{id}/comments?count=30")).await;
            served_strings(&thread.json(), &mut served);
            let thread: CommentsPage = thread.decode().expect("comments");
            let mut count = 0;
            for comment in &thread.comments {
                count += 1 + comment.replies().len() as u64;
                if !comment.replies().is_empty() {
                    note("reply");
                }
            }
            assert_eq!(Some(count), topic.comments_count, "{id}");
            comments += count;
            match topic.body() {
                TopicBody::Talk(talk) => {
                    note("talk");
                    if let Some(article) = &talk.article {
                        note("article");
                        let url = article.article_url.as_deref().expect("article url");
                        let page = sim.raw_as(url, None).await;
                        assert_eq!(page.status, 200, "{url}");
                        served.push(String::from_utf8(page.body).expect("utf-8"));
                    }
                    for file in talk.files.iter().flatten() {
                        note("file");
                        #[derive(serde::Deserialize)]
                        struct DownloadUrl {
                            download_url: String,
                        }
                        let url: DownloadUrl = sim
                            .get(&format!("/v2/files/{}/download_url", file.file_id))
                            .await;
                        assert!(url.download_url.contains(CANARY));
                        assert_eq!(sim.raw_as(&url.download_url, None).await.status, 200);
                    }
                }
                TopicBody::QuestionAnswer { question, answer } => {
                    note(if answer.is_some() {
                        "answered"
                    } else {
                        "unanswered"
                    });
                    answered += u64::from(answer.is_some());
                    if question.anonymous == Some(true) {
                        note("anonymous");
                    }
                    if question
                        .owner
                        .as_ref()
                        .is_some_and(|o| o.user_id.get() == me)
                    {
                        note("asked by me");
                    }
                }
                TopicBody::Task(_) => note("task"),
                TopicBody::Solution(_) => note("solution"),
                TopicBody::Other { .. } => panic!("unknown body: {topic:?}"),
            }
            if let Some(image) = topic.images().first() {
                note("images");
                // The payload rides in a query parameter; the URL still serves the image.
                assert!(image.large.url.contains(CANARY));
                let raw = sim.raw_as(&image.large.url, None).await;
                assert_eq!((raw.status, &raw.body[..4]), (200, &b"\x89PNG"[..]));
            }
            if topic.is_sticky() {
                note("sticky");
            }
            if topic.columns.is_some() {
                note("column");
            }
            for node in parse(text) {
                match node {
                    Node::Mention { id, .. } => {
                        users.insert(id.expect("mention id").get());
                        note("mention");
                    }
                    Node::Hashtag { id, .. } => {
                        assert!(id.is_some());
                        note("hashtag");
                    }
                    Node::Link { .. } => note("link"),
                    _ => {}
                }
            }
        }
        assert_eq!(comments, circle.comments, "{gid}");
        assert_eq!(answered, circle.answered, "{gid}");
    }
    for kind in [
        "talk",
        "article",
        "file",
        "images",
        "answered",
        "unanswered",
        "anonymous",
        "asked by me",
        "task",
        "solution",
        "reply",
        "sticky",
        "column",
        "mention",
        "hashtag",
        "link",
    ] {
        assert!(
            seen.get(kind).copied().unwrap_or(0) > 0,
            "no {kind}: {seen:?}"
        );
    }
    for user in users {
        let profile = sim.raw(&format!("/v3/users/{user}")).await.json();
        served_strings(&profile, &mut served);
    }
    for payload in PAYLOADS {
        assert!(payload.contains(&format!("window.{CANARY}=1")), "{payload}");
        assert!(
            served.iter().any(|s| s.contains(payload)),
            "{payload:?} is served nowhere"
        );
    }
    // Scheme payloads also reach the wire inside link entities, percent-encoded like the
    // service's.
    let gid = &truth.circles[0].group_id;
    let raw = String::from_utf8(
        sim.raw(&format!("/v2/groups/{gid}/topics?count=30"))
            .await
            .body,
    )
    .expect("utf-8");
    assert!(
        raw.contains(r#"<e type=\"web\" href=\"javascript%3Awindow.__orrery_pwned%3D1\""#),
        "no encoded javascript: link"
    );
}
