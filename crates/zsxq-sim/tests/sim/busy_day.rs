//! A busy day made on purpose (`POST /__sim/act` with `{"kind": "busy_day"}`,
//! `SimHandle::busy_day`): its truth files every new topic in exactly one class, the API
//! serves the topics the way that truth says, noise reads like noise, and engagement ranks
//! digests and owners' posts over members' talks over noise.

use std::collections::{HashMap, HashSet};

use serde_json::{Value, json};
use zsxq::rich_text::{Node, parse, to_plain_text};
use zsxq::{
    CommentsPage, GroupDetail, GroupsList, Timestamp, Topic, TopicKind, UnansweredQuestionsBrief,
};
use zsxq_sim::{BusyDay, BusyDayTruth, Dataset, NoiseKind, SimConfig};

use crate::support::{Sim, TopicDetail, demo, self_id, start};

const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64
}

/// `POST /__sim/act` with `body`: the status and the JSON answer.
async fn act(sim: &Sim, body: &Value) -> (u16, Value) {
    let response = sim
        .client
        .post(sim.url("/__sim/act"))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("act sent");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("a body");
    (
        status,
        serde_json::from_slice(&bytes).expect("a JSON answer"),
    )
}

/// A busy day over HTTP, with the window it happened in.
async fn busy_day(sim: &Sim, body: Value) -> (BusyDayTruth, i64, i64) {
    let before = now_ms();
    let (status, answer) = act(sim, &body).await;
    let after = now_ms();
    assert_eq!(status, 200, "{body} → {answer}");
    let truth = serde_json::from_value(answer).expect("a busy day's truth");
    (truth, before, after)
}

fn query_time(ms: i64) -> String {
    Timestamp::from_unix_millis(ms)
        .expect("a valid instant")
        .to_query_value()
}

fn ms(topic: &Topic) -> i64 {
    topic.create_time.expect("a create_time").to_unix_millis()
}

fn id(topic: &Topic) -> i64 {
    topic.topic_id.get()
}

/// A tab of a group from `since` on, walked to the end.
async fn listed_since(sim: &Sim, group_id: i64, scope: &str, since: i64) -> Vec<Topic> {
    sim.walk(
        &format!(
            "/v2/groups/{group_id}/topics?scope={scope}&begin_time={}",
            query_time(since)
        ),
        30,
    )
    .await
    .topics
}

async fn detail(sim: &Sim, topic: i64) -> Topic {
    sim.get::<TopicDetail>(&format!("/v2/topics/{topic}"))
        .await
        .topic
}

fn ids(list: &[i64]) -> HashSet<i64> {
    list.iter().copied().collect()
}

fn median(mut values: Vec<u64>) -> u64 {
    assert!(!values.is_empty());
    values.sort_unstable();
    values[values.len() / 2]
}

#[tokio::test]
async fn a_busy_day_files_every_new_topic_in_exactly_one_class() {
    let sim = start(demo()).await;
    let groups = sim.group_ids().await;
    let window = now_ms() - DAY_MS;
    let mut earlier: HashSet<i64> = HashSet::new();
    for &group in &groups {
        earlier.extend(
            listed_since(&sim, group, "all", window)
                .await
                .iter()
                .map(id),
        );
    }
    let before = sim.handle.truth();

    let (truth, start_ms, end_ms) = busy_day(&sim, json!({"kind": "busy_day"})).await;

    // The demo has four circles: the default five takes them all.
    assert_eq!(truth.group_ids, groups);
    let all = truth.topic_ids();
    assert_eq!(all.len(), 500, "the default is 500 topics");
    assert_eq!(ids(&all).len(), all.len(), "the classes are disjoint");
    assert!(truth.answers_to_me.len() >= 3, "{truth:?}");
    assert!(truth.questions_for_me.len() >= 3, "{truth:?}");
    assert!(truth.digests.len() >= 3, "{truth:?}");
    for (name, list) in [
        ("owner_posts", &truth.owner_posts),
        ("owner_answers", &truth.owner_answers),
        ("other", &truth.other),
    ] {
        assert!(!list.is_empty(), "{name}");
    }
    for kind in [
        NoiseKind::CheckIn,
        NoiseKind::Thanks,
        NoiseKind::LinkOnly,
        NoiseKind::NearDuplicate,
    ] {
        assert!(!truth.noise_of(kind).is_empty(), "{kind:?}");
    }
    let noise = truth.noise.len() * 100 / all.len();
    assert!((25..=55).contains(&noise), "{noise}% noise");
    assert!(truth.replies_to_me.len() >= 2 && truth.mentions_of_me.len() >= 2);

    // Served by the timelines, and nothing else new: every topic of the last day is either
    // one of these or was there before.
    let mut served = HashSet::new();
    for &group in &groups {
        for topic in listed_since(&sim, group, "all", window).await {
            if earlier.contains(&id(&topic)) {
                continue;
            }
            let at = ms(&topic);
            assert!(
                (start_ms - DAY_MS..=end_ms + 1_000).contains(&at),
                "posted within the last day: {at}"
            );
            served.insert(id(&topic));
        }
    }
    assert_eq!(served, ids(&all));

    // The truth counts them.
    let after = sim.handle.truth();
    assert_eq!(after.topics(), before.topics() + all.len() as u64);
    assert_eq!(
        after.answered(),
        before.answered() + (truth.answers_to_me.len() + truth.owner_answers.len()) as u64
    );
    let posted = 2 * truth.replies_to_me.len() + truth.mentions_of_me.len();
    assert!(after.comments() >= before.comments() + posted as u64);
    for circle in &after.circles {
        let walk = sim
            .walk(
                &format!("/v2/groups/{}/topics?scope=all", circle.group_id),
                30,
            )
            .await;
        assert_eq!(walk.topics.len() as u64, circle.topics);
        let comments: u64 = walk.topics.iter().filter_map(|t| t.comments_count).sum();
        assert_eq!(comments, circle.comments, "{}", circle.group_id);
    }
}

#[tokio::test]
async fn the_busy_days_topics_are_in_the_lists_a_client_reads() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let (truth, start_ms, _) = busy_day(&sim, json!({"kind": "busy_day", "topics": 300})).await;
    let since = start_ms - DAY_MS;
    let mut owner_of = HashMap::new();
    let mut guests_of = HashMap::new();
    for &group in &truth.group_ids {
        let detail: GroupDetail = sim.get(&format!("/v2/groups/{group}")).await;
        let group_json: Value = sim.raw(&format!("/v2/groups/{group}")).await.json();
        let guests: HashSet<i64> = group_json["resp_data"]["group"]["guest_ids"]
            .as_array()
            .expect("guest_ids")
            .iter()
            .filter_map(Value::as_i64)
            .collect();
        let owner = detail.group.owner.as_ref().expect("an owner").user_id.get();
        owner_of.insert(group, owner);
        guests_of.insert(group, guests);
    }
    let mut tabs: HashMap<&str, HashSet<i64>> = HashMap::new();
    let mut topics: HashMap<i64, Topic> = HashMap::new();
    for &group in &truth.group_ids {
        for scope in ["all", "digests", "by_owner", "questions"] {
            let listed = listed_since(&sim, group, scope, since).await;
            tabs.entry(scope).or_default().extend(listed.iter().map(id));
            if scope == "all" {
                topics.extend(listed.into_iter().map(|t| (id(&t), t)));
            }
        }
    }
    let group_of = |topic: &Topic| topic.group.as_ref().expect("a group").group_id.get();
    let author = |topic: &Topic| topic.owner().expect("an author").user_id.get();

    assert!(ids(&truth.digests).is_subset(&tabs["digests"]));
    assert!(
        truth
            .topic_ids()
            .iter()
            .filter(|t| tabs["digests"].contains(t))
            .all(|t| truth.digests.contains(t)),
        "the digests tab shows no other new topic"
    );
    for &post in &truth.owner_posts {
        let topic = &topics[&post];
        let group = group_of(topic);
        let by = author(topic);
        assert!(by == owner_of[&group] || guests_of[&group].contains(&by));
        assert_ne!(by, me);
        // 只看星主 shows the owner's own posts, not the guests'.
        assert_eq!(tabs["by_owner"].contains(&post), by == owner_of[&group]);
    }
    for question in truth
        .answers_to_me
        .iter()
        .chain(&truth.owner_answers)
        .chain(&truth.questions_for_me)
    {
        assert!(tabs["questions"].contains(question));
    }
    for answered in truth.answers_to_me.iter().chain(&truth.owner_answers) {
        let topic = &topics[answered];
        assert_eq!(topic.answered, Some(true));
        assert!(
            tabs["by_owner"].contains(answered),
            "answers are the owner's"
        );
        let by = topic.answer.as_ref().and_then(|a| a.owner.as_ref());
        let group = group_of(topic);
        let by = by.expect("an answerer").user_id.get();
        assert!(by == owner_of[&group] || guests_of[&group].contains(&by));
    }
    for mine in &truth.answers_to_me {
        let question = topics[mine].question.as_ref().expect("a question");
        assert_eq!(question.owner.as_ref().map(|o| o.user_id.get()), Some(me));
    }
    for waiting in &truth.questions_for_me {
        let topic = &topics[waiting];
        assert_eq!(topic.answered, Some(false));
        let questionee = topic.question.as_ref().and_then(|q| q.questionee.as_ref());
        assert_eq!(questionee.map(|q| q.user_id.get()), Some(me));
    }
    let noise = ids(&truth.noise_ids());
    assert!(noise.is_disjoint(&tabs["by_owner"]) && noise.is_disjoint(&tabs["digests"]));

    // The cross-circle lists: my answered questions, the questions waiting for me.
    let mine = sim
        .walk("/v2/users/self/topics/questions?filter=answered", 30)
        .await;
    assert!(ids(&truth.answers_to_me).is_subset(&mine.seen));
    let asked = sim.walk("/v2/users/self/topics/answers", 30).await;
    assert!(ids(&truth.questions_for_me).is_subset(&asked.seen));
    let brief: UnansweredQuestionsBrief =
        sim.get("/v2/users/self/unanswered_questions/brief").await;
    assert!(brief.unanswered_count >= truth.questions_for_me.len() as u64);

    // The check-ins are filed under their circle's project.
    for checkin in truth.noise_of(NoiseKind::CheckIn) {
        let topic = &topics[&checkin];
        let project = topic.checkin.as_ref().expect("a check-in").checkin_id.get();
        let listed = sim
            .walk(
                &format!("/v2/groups/{}/checkins/{project}/topics", group_of(topic)),
                30,
            )
            .await;
        assert!(listed.seen.contains(&checkin));
    }

    // Replies to my comments and mentions of me, in the topics' threads.
    for (happened, reply) in truth
        .replies_to_me
        .iter()
        .map(|h| (h, true))
        .chain(truth.mentions_of_me.iter().map(|h| (h, false)))
    {
        let page: CommentsPage = sim
            .get(&format!(
                "/v2/topics/{}/comments?sort=asc&count=30",
                happened.topic_id
            ))
            .await;
        let mut all = Vec::new();
        for top in page.comments {
            all.extend(top.replies().to_vec());
            all.push(top);
        }
        let comment = all
            .iter()
            .find(|c| Some(c.comment_id.get()) == happened.comment_id)
            .expect("the comment is served");
        if reply {
            assert_eq!(comment.repliee.as_ref().map(|r| r.user_id.get()), Some(me));
        } else {
            let text = comment.text.as_deref().unwrap_or_default();
            assert!(
                parse(text)
                    .iter()
                    .any(|n| matches!(n, Node::Mention { id: Some(id), .. } if id.get() == me))
            );
        }
    }
}

#[tokio::test]
async fn the_busy_days_noise_reads_like_noise() {
    let sim = start(demo()).await;
    let (truth, _, _) = busy_day(&sim, json!({"kind": "busy_day", "topics": 300})).await;
    let me = self_id(&sim).await;
    let groups: GroupsList = sim.get("/v2/groups").await;
    let owners: HashSet<i64> = groups
        .groups
        .iter()
        .filter_map(|g| g.owner.as_ref().map(|o| o.user_id.get()))
        .collect();
    let mut texts: HashMap<i64, (i64, i64, i64, String)> = HashMap::new();
    for topic_id in truth.topic_ids() {
        let topic = detail(&sim, topic_id).await;
        let group = topic.group.as_ref().expect("a group").group_id.get();
        // Anonymous questions name nobody.
        let author = topic.owner().map_or(0, |o| o.user_id.get());
        let text = topic.text().unwrap_or_default().to_owned();
        texts.insert(topic_id, (group, author, ms(&topic), text));
    }
    for noise in &truth.noise {
        let (group, author, at, text) = &texts[&noise.topic_id];
        assert_ne!(*author, me);
        assert!(!owners.contains(author), "noise is members'");
        let nodes = parse(text);
        let plain = to_plain_text(&nodes);
        match noise.kind {
            NoiseKind::CheckIn => {
                assert!(plain.contains("打卡") || plain.contains("Day"), "{plain}");
                assert!(plain.chars().count() >= 20, "min_words_count: {plain}");
            }
            NoiseKind::Thanks => {
                assert!(plain.chars().count() <= 12, "{plain}");
                assert!(nodes.iter().all(|n| matches!(n, Node::Text(_))), "{text}");
            }
            NoiseKind::LinkOnly => {
                let links = nodes
                    .iter()
                    .filter(|n| matches!(n, Node::Link { .. }))
                    .count();
                let words: String = nodes
                    .iter()
                    .filter_map(|n| match n {
                        Node::Text(t) => Some(t.as_str()),
                        _ => None,
                    })
                    .collect();
                assert_eq!(links, 1, "{text}");
                assert!(
                    ["", "转发", "转发：", "mark"].contains(&words.trim()),
                    "{text}"
                );
            }
            NoiseKind::NearDuplicate => {
                // An earlier topic of the same member in the same circle, within the day,
                // says almost the same.
                let original = texts.iter().find(|(id, (g, a, t, original))| {
                    **id != noise.topic_id
                        && g == group
                        && a == author
                        && t < at
                        && at - t <= DAY_MS
                        && text.contains(original.as_str())
                        && text.chars().count() <= original.chars().count() + 20
                });
                assert!(original.is_some(), "a near-duplicate of nothing: {text}");
            }
        }
    }
}

#[tokio::test]
async fn engagement_ranks_digests_and_owners_over_members_over_noise() {
    let sim = start(demo()).await;
    let (truth, _, _) = busy_day(&sim, json!({"kind": "busy_day", "topics": 500})).await;
    let mut served: HashMap<i64, Topic> = HashMap::new();
    for &group in &truth.group_ids {
        let listed = listed_since(&sim, group, "all", now_ms() - 2 * DAY_MS).await;
        served.extend(listed.into_iter().map(|t| (id(&t), t)));
    }
    let mut top = truth.digests.clone();
    top.extend(&truth.owner_posts);
    let members: Vec<i64> = truth
        .other
        .iter()
        .copied()
        .filter(|t| served[t].kind == TopicKind::Talk)
        .collect();
    let noise = truth.noise_ids();
    let medians = |field: fn(&Topic) -> Option<u64>| {
        let of = |ids: &[i64]| median(ids.iter().map(|t| field(&served[t]).unwrap_or(0)).collect());
        (of(&top), of(&members), of(&noise))
    };
    let likes = medians(|t| t.likes_count);
    let readers = medians(|t| t.readers_count);
    let comments = medians(|t| t.comments_count);
    assert!(likes.0 > likes.1 && likes.1 > likes.2, "likes {likes:?}");
    assert!(
        readers.0 > readers.1 && readers.1 > readers.2,
        "readers {readers:?}"
    );
    assert!(
        comments.0 > comments.2 && comments.0 >= comments.1 && comments.1 >= comments.2,
        "comments {comments:?}"
    );
    // Noise draws almost nothing.
    assert_eq!(likes.2, 0);
    let noisy = noise
        .iter()
        .filter(|t| served[*t].likes_count.unwrap_or(0) >= 5)
        .count();
    assert!(
        noisy * 20 <= noise.len(),
        "{noisy} of {} noise topics",
        noise.len()
    );
}

#[tokio::test]
async fn a_busy_day_is_the_same_for_the_same_seed() {
    let config = |seed| SimConfig { seed, ..demo() };
    let busy = BusyDay {
        circles: 3,
        topics: 200,
    };
    let first = start(config(7)).await;
    let second = start(config(7)).await;
    let other = start(config(8)).await;
    let a = first.handle.busy_day(busy);
    let b = second.handle.busy_day(busy);
    assert_eq!(a, b);
    assert_eq!(first.handle.truth(), second.handle.truth());
    assert_eq!(a.group_ids.len(), 3);
    assert_eq!(a.topic_ids().len(), 200);
    assert_ne!(a, other.handle.busy_day(busy));
    // A second busy day builds on the first, and differs from it.
    let again = first.handle.busy_day(busy);
    assert!(ids(&again.topic_ids()).is_disjoint(&ids(&a.topic_ids())));
    assert_eq!(again, second.handle.busy_day(busy));
}

#[tokio::test]
async fn the_act_route_answers_the_truth_as_json_and_refuses_bad_bodies() {
    let sim = start(demo()).await;
    let (status, answer) = act(
        &sim,
        &json!({"kind": "busy_day", "circles": 2, "topics": 40}),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let keys: HashSet<&str> = answer
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        HashSet::from([
            "group_ids",
            "answers_to_me",
            "questions_for_me",
            "digests",
            "owner_posts",
            "owner_answers",
            "noise",
            "other",
            "replies_to_me",
            "mentions_of_me",
        ])
    );
    assert_eq!(answer["group_ids"].as_array().map(Vec::len), Some(2));
    for key in [
        "answers_to_me",
        "questions_for_me",
        "digests",
        "owner_posts",
        "owner_answers",
        "other",
    ] {
        assert!(
            answer[key]
                .as_array()
                .expect("a list")
                .iter()
                .all(|id| id.as_i64().is_some_and(|id| id > 1 << 53)),
            "{key}: topic ids as numbers"
        );
    }
    for noise in answer["noise"].as_array().expect("a list") {
        assert!(noise["topic_id"].as_i64().is_some(), "{noise}");
        let kind = noise["kind"].as_str().expect("a kind");
        assert!(
            ["check_in", "thanks", "link_only", "near_duplicate"].contains(&kind),
            "{kind}"
        );
    }
    for reply in answer["replies_to_me"].as_array().expect("a list") {
        assert!(reply["topic_id"].as_i64().is_some() && reply["comment_id"].as_i64().is_some());
    }
    let truth: BusyDayTruth = serde_json::from_value(answer).expect("the Rust value");
    assert_eq!(truth.topic_ids().len(), 40);

    assert_eq!(
        BusyDay::default(),
        BusyDay {
            circles: 5,
            topics: 500
        }
    );
    for bad in [
        json!({"kind": "busy_day", "topics": "many"}),
        json!({"kind": "busy_day", "circles": -1}),
        json!({"kind": "busy_day", "group_id": 1}),
    ] {
        let (status, answer) = act(&sim, &bad).await;
        assert_eq!(status, 400, "{bad} → {answer}");
        assert_eq!(answer["succeeded"], json!(false));
    }
    // Nothing asked, nothing made.
    let (status, answer) = act(&sim, &json!({"kind": "busy_day", "topics": 0})).await;
    assert_eq!(status, 200);
    let empty: BusyDayTruth = serde_json::from_value(answer).expect("a truth");
    assert!(empty.topic_ids().is_empty());
}

#[tokio::test]
async fn generated_circles_can_number_five_and_a_busy_day_takes_them_all() {
    let five = start(SimConfig {
        dataset: Dataset::GeneratedCircles {
            topics: 1_000,
            circles: 5,
        },
        ..demo()
    })
    .await;
    let groups: GroupsList = five.get("/v2/groups").await;
    let names: HashSet<&str> = groups.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups.groups.len(), 5);
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("· 二期")), "{names:?}");
    assert_eq!(five.handle.truth().topics(), 1_000);
    let truth = five.handle.busy_day(BusyDay::default());
    assert_eq!(truth.group_ids.len(), 5);
    assert_eq!(truth.topic_ids().len(), 500);
    for circle in five.handle.truth().circles {
        assert_eq!(circle.topics, 300, "{circle:?}");
    }

    // `generated:N` keeps its three circles.
    let three = start(SimConfig {
        dataset: Dataset::Generated(1_000),
        ..demo()
    })
    .await;
    assert_eq!(three.group_ids().await.len(), 3);
    assert_eq!(three.handle.busy_day(BusyDay::default()).group_ids.len(), 3);
}
