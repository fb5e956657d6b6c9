//! Events about the signed-in user made to happen on purpose (`POST /__sim/act` with a `kind`,
//! `SimHandle::happen`), each proven through the API a client reads; and the demo account's
//! questions, asked and waiting, that those events build on.

use std::collections::HashSet;

use serde_json::{Value, json};
use zsxq::rich_text::{Node, parse};
use zsxq::{
    AnswerRequest, Comment, CommentsPage, DynamicsList, Empty, GroupsList, Timestamp, Topic,
    TopicsPage, UnansweredQuestionsBrief,
};
use zsxq_sim::{Act, Dataset, Happened, Happening, HappeningKind, SimConfig};

use crate::support::{Sim, TopicDetail, demo, self_id, start};

/// `POST /__sim/act` with `body`: the status and the JSON answer.
async fn act(sim: &Sim, body: Value) -> (u16, Value) {
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
    let body = serde_json::from_slice(&bytes).expect("a JSON answer");
    (status, body)
}

/// A happening over HTTP that must happen.
async fn happen(sim: &Sim, body: Value) -> Happened {
    let (status, answer) = act(sim, body.clone()).await;
    assert_eq!(status, 200, "{body} → {answer}");
    serde_json::from_value(answer).expect("a happening's answer")
}

async fn detail(sim: &Sim, topic: i64) -> Topic {
    sim.get::<TopicDetail>(&format!("/v2/topics/{topic}"))
        .await
        .topic
}

fn group_of(topic: &Topic) -> i64 {
    topic.group.as_ref().expect("a group").group_id.get()
}

/// Every comment and reply of a topic, walking the pages oldest first from an inclusive
/// `begin_time`.
async fn all_comments(sim: &Sim, topic: i64) -> Vec<Comment> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut begin: Option<Timestamp> = None;
    loop {
        let mut path = format!("/v2/topics/{topic}/comments?sort=asc&count=30");
        if let Some(begin) = begin {
            path.push_str(&format!("&begin_time={}", begin.to_query_value()));
        }
        let page: CommentsPage = sim.get(&path).await;
        let mut new = 0;
        for top in page.comments {
            if seen.insert(top.comment_id) {
                new += 1;
                begin = top.create_time;
                let replies = top.replies().to_vec();
                out.push(top);
                out.extend(replies);
            }
        }
        if new == 0 {
            return out;
        }
    }
}

/// Ids of a cross-circle question list, walked to the end.
async fn listed(sim: &Sim, path: &str) -> Vec<Topic> {
    sim.walk(path, 30).await.topics
}

fn ids(topics: &[Topic]) -> HashSet<i64> {
    topics.iter().map(|t| t.topic_id.get()).collect()
}

/// The group ids in list order with their owners' user ids.
async fn owners(sim: &Sim) -> Vec<(i64, i64)> {
    let list: GroupsList = sim.get("/v2/groups").await;
    list.groups
        .iter()
        .map(|g| {
            let owner = g.owner.as_ref().expect("an owner").user_id.get();
            (g.group_id.get(), owner)
        })
        .collect()
}

/// The demo account asks and is asked: questions of mine in at least two circles, some
/// answered and some waiting, and a circle of mine where members' questions wait for me; at
/// the fixed anchor and, as the app's demo serves it, ending now.
#[tokio::test]
async fn the_demo_account_has_asked_and_is_asked() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64;
    for newest_ms in [None, Some(now)] {
        let sim = start(SimConfig {
            newest_ms,
            ..demo()
        })
        .await;
        let me = self_id(&sim).await;
        let answered = listed(&sim, "/v2/users/self/topics/questions?filter=answered").await;
        let waiting = listed(&sim, "/v2/users/self/topics/questions?filter=unanswered").await;
        for (topics, is_answered) in [(&answered, true), (&waiting, false)] {
            for topic in topics {
                let question = topic.question.as_ref().expect("a question");
                // An anonymous question names no asker, even to its asker.
                match &question.owner {
                    Some(asker) => assert_eq!(asker.user_id.get(), me),
                    None => assert_eq!(question.anonymous, Some(true)),
                }
                assert_eq!(topic.answered, Some(is_answered));
            }
        }
        let circles = |topics: &[Topic]| topics.iter().map(group_of).collect::<HashSet<_>>();
        assert!(
            circles(&answered).len() >= 2 && circles(&waiting).len() >= 2,
            "{newest_ms:?}: answered in {:?}, waiting in {:?}",
            circles(&answered),
            circles(&waiting)
        );

        let mine: HashSet<i64> = owners(&sim)
            .await
            .into_iter()
            .filter(|(_, owner)| *owner == me)
            .map(|(gid, _)| gid)
            .collect();
        assert_eq!(mine.len(), 1, "the demo account owns one circle");
        let asked_of_me = listed(&sim, "/v2/users/self/topics/answers?filter=unanswered").await;
        let waiting_in_mine = asked_of_me
            .iter()
            .filter(|t| mine.contains(&group_of(t)))
            .filter(|t| {
                let question = t.question.as_ref().expect("a question");
                question.questionee.as_ref().map(|q| q.user_id.get()) == Some(me)
                    && question
                        .owner
                        .as_ref()
                        .is_none_or(|o| o.user_id.get() != me)
                    && t.answered == Some(false)
            })
            .count();
        assert!(waiting_in_mine >= 3, "{newest_ms:?}: {waiting_in_mine}");
    }
}

#[tokio::test]
async fn answer_mine_answers_my_newest_open_question_or_asks_one_first() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let before = sim.handle.truth();
    let open = listed(&sim, "/v2/users/self/topics/questions?filter=unanswered").await;
    let waiting = ids(&open);

    let happened = happen(&sim, json!({"kind": "answer_mine"})).await;
    assert_eq!(happened.comment_id, None);
    let id = happened.topic_id;
    assert!(waiting.contains(&id), "an open question of mine");
    let topic = detail(&sim, id).await;
    assert_eq!(topic.answered, Some(true));
    let question = topic.question.as_ref().expect("a question");
    assert_eq!(question.owner.as_ref().map(|o| o.user_id.get()), Some(me));
    let answer = topic.answer.as_ref().expect("an answer");
    assert!(answer.text.as_deref().is_some_and(|t| !t.is_empty()));
    assert_eq!(
        answer.owner.as_ref().map(|o| o.user_id.get()),
        question.questionee.as_ref().map(|q| q.user_id.get()),
        "the questionee answers"
    );
    let answered = ids(&listed(&sim, "/v2/users/self/topics/questions?filter=answered").await);
    assert!(answered.contains(&id));
    let still = ids(&listed(&sim, "/v2/users/self/topics/questions?filter=unanswered").await);
    assert!(!still.contains(&id));
    // Without a group: the newest open question of mine in the first circle (in list order)
    // where I have one.
    let gid = group_of(&topic);
    let first_with_open = owners(&sim)
        .await
        .into_iter()
        .map(|(g, _)| g)
        .find(|g| open.iter().any(|t| group_of(t) == *g));
    assert_eq!(first_with_open, Some(gid));
    let newest_open = open
        .iter()
        .filter(|t| group_of(t) == gid)
        .max_by_key(|t| t.create_time)
        .expect("open there");
    assert_eq!(newest_open.topic_id.get(), id);
    let after = sim.handle.truth();
    assert_eq!(
        after.circle(gid).expect("circle").answered,
        before.circle(gid).expect("circle").answered + 1
    );

    // Named: once my questions there are all answered, I ask one now and it is answered.
    let mut asked = None;
    for _ in 0..=waiting.len() {
        let happened = happen(&sim, json!({"kind": "answer_mine", "group_id": gid})).await;
        if !waiting.contains(&happened.topic_id) {
            asked = Some(happened.topic_id);
            break;
        }
    }
    let asked = asked.expect("a new question of mine");
    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=1")).await;
    assert_eq!(newest.topics[0].topic_id.get(), asked, "asked now");
    let topic = detail(&sim, asked).await;
    assert_eq!(topic.answered, Some(true));
    let question = topic.question.as_ref().expect("a question");
    assert_eq!(question.owner.as_ref().map(|o| o.user_id.get()), Some(me));
    let answered = ids(&listed(&sim, "/v2/users/self/topics/questions?filter=answered").await);
    assert!(answered.contains(&asked));
}

#[tokio::test]
async fn reply_to_me_replies_to_my_comment_on_a_recent_topic() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let happened = happen(&sim, json!({"kind": "reply_to_me"})).await;
    let id = happened.topic_id;
    let reply_id = happened.comment_id.expect("a comment");
    let topic = detail(&sim, id).await;
    let gid = group_of(&topic);
    let recent: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=30")).await;
    let more: TopicsPage = sim
        .get(&format!(
            "/v2/groups/{gid}/topics?count=30&end_time={}",
            recent.topics[29]
                .create_time
                .expect("a time")
                .to_query_value()
        ))
        .await;
    assert!(
        ids(&recent.topics).contains(&id) || ids(&more.topics[..21]).contains(&id),
        "among the circle's newest 50"
    );

    let comments = all_comments(&sim, id).await;
    let reply = comments
        .iter()
        .find(|c| c.comment_id.get() == reply_id)
        .expect("the reply is listed");
    assert_eq!(reply.repliee.as_ref().map(|r| r.user_id.get()), Some(me));
    assert_ne!(reply.owner.user_id.get(), me);
    let parent = reply.parent_comment_id.expect("a reply names its parent");
    assert!(comments.iter().any(|c| c.comment_id == parent));
    assert!(
        comments
            .iter()
            .any(|c| c.owner.user_id.get() == me && c.create_time < reply.create_time),
        "a comment of mine came first"
    );

    // The inbox shows it too.
    let inbox: DynamicsList = sim.get("/v2/dynamics?scope=related_replies&count=5").await;
    let first = inbox.dynamics.first().expect("an inbox item");
    assert_eq!(first.action, "reply_comment");
    assert_eq!(first.extra["comment"]["comment_id"], json!(reply_id));
}

#[tokio::test]
async fn reply_to_me_comments_first_where_i_have_not() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let gid = sim.group_ids().await[0];
    // Fifty fresh talks: no comment of mine among the circle's recent topics.
    let mut newest = 0;
    for _ in 0..50 {
        let talk = Happening {
            kind: HappeningKind::Topic,
            group_id: Some(gid),
        };
        newest = sim.handle.happen(talk).expect("a talk").topic_id;
    }
    let before = sim.handle.truth();
    let happened = happen(&sim, json!({"kind": "reply_to_me", "group_id": gid})).await;
    assert_eq!(happened.topic_id, newest);
    let comments = all_comments(&sim, newest).await;
    assert_eq!(comments.len(), 2, "{comments:?}");
    let (mine, reply) = (&comments[0], &comments[1]);
    assert_eq!(mine.owner.user_id.get(), me);
    assert_eq!(
        reply.comment_id.get(),
        happened.comment_id.expect("a comment")
    );
    assert_eq!(reply.parent_comment_id, Some(mine.comment_id));
    assert_eq!(reply.repliee.as_ref().map(|r| r.user_id.get()), Some(me));
    assert!(mine.create_time < reply.create_time);
    let after = sim.handle.truth();
    assert_eq!(
        after.circle(gid).expect("circle").comments,
        before.circle(gid).expect("circle").comments + 2
    );
}

#[tokio::test]
async fn mention_me_comments_with_the_services_mention_markup() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let my_name = sim
        .get::<zsxq::UserResponse>("/v3/users/self")
        .await
        .user
        .name;
    let gid = sim.group_ids().await[1];
    let happened = happen(&sim, json!({"kind": "mention_me", "group_id": gid})).await;
    let topic = detail(&sim, happened.topic_id).await;
    assert_eq!(group_of(&topic), gid);
    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=1")).await;
    assert_eq!(newest.topics[0].topic_id.get(), happened.topic_id);

    let comment_id = happened.comment_id.expect("a comment");
    let comments = all_comments(&sim, happened.topic_id).await;
    let comment = comments
        .iter()
        .find(|c| c.comment_id.get() == comment_id)
        .expect("the comment is listed");
    assert_ne!(comment.owner.user_id.get(), me);
    let text = comment.text.as_deref().expect("a text");
    assert!(
        text.contains(&format!(r#"<e type="mention" uid="{me}" title="%40"#)),
        "{text}"
    );
    let mentioned = parse(text).into_iter().any(|node| {
        matches!(node, Node::Mention { id: Some(id), name } if id.get() == me && name == my_name)
    });
    assert!(mentioned, "{text}");

    let inbox: DynamicsList = sim.get("/v2/dynamics?scope=related_replies&count=5").await;
    let first = inbox.dynamics.first().expect("an inbox item");
    assert_eq!(first.action, "mention");
    assert_eq!(first.extra["comment"]["comment_id"], json!(comment_id));
}

/// How many questions wait for my answer.
async fn brief(sim: &Sim) -> u64 {
    sim.get::<UnansweredQuestionsBrief>("/v2/users/self/unanswered_questions/brief")
        .await
        .unanswered_count
}

#[tokio::test]
async fn question_for_me_waits_for_my_answer_as_owner_or_guest() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let groups = owners(&sim).await;
    let (mine, _) = *groups.iter().find(|(_, o)| *o == me).expect("my circle");
    let count = brief(&sim).await;

    let asked = happen(&sim, json!({"kind": "question_for_me"})).await;
    assert_eq!(asked.comment_id, None);
    // One where I am a guest (the demo's second circle).
    let guest_gid = groups[1].0;
    let as_guest = happen(
        &sim,
        json!({"kind": "question_for_me", "group_id": guest_gid}),
    )
    .await;
    assert_eq!(brief(&sim).await, count + 2);

    let waiting: TopicsPage = sim
        .get("/v2/users/self/topics/answers?filter=unanswered&count=30")
        .await;
    let waiting = ids(&waiting.topics);
    for (happened, gid) in [(asked, mine), (as_guest, guest_gid)] {
        let id = happened.topic_id;
        assert!(waiting.contains(&id), "{gid}");
        let topic = detail(&sim, id).await;
        assert_eq!(group_of(&topic), gid);
        assert_eq!(topic.answered, Some(false));
        let question = topic.question.as_ref().expect("a question");
        assert_eq!(
            question.questionee.as_ref().map(|q| q.user_id.get()),
            Some(me)
        );
        assert!(
            question
                .owner
                .as_ref()
                .is_none_or(|o| o.user_id.get() != me)
        );
        let scope: TopicsPage = sim
            .get(&format!(
                "/v2/groups/{gid}/topics?scope=unanswered_questions&count=1"
            ))
            .await;
        assert_eq!(scope.topics[0].topic_id.get(), id);
        // And it is mine to answer.
        let _: Empty = sim
            .post(
                &format!("/v2/topics/{id}/answer"),
                &AnswerRequest::text("好问题，我来答。"),
            )
            .await
            .expect("answered");
    }
    assert_eq!(brief(&sim).await, count);

    // A circle where I am neither owner nor guest cannot ask me.
    let (status, refusal) = act(
        &sim,
        json!({"kind": "question_for_me", "group_id": groups[0].0}),
    )
    .await;
    assert_eq!(status, 409, "{refusal}");
    assert_eq!(refusal["succeeded"], json!(false));
}

#[tokio::test]
async fn topic_posts_the_owners_newest_talk() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    let groups = owners(&sim).await;
    let before = sim.handle.truth();
    let happened = happen(&sim, json!({"kind": "topic"})).await;
    assert_eq!(happened.comment_id, None);
    // By default, the first circle I do not own.
    let (gid, owner) = *groups.iter().find(|(_, o)| *o != me).expect("a circle");
    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=5")).await;
    let first = &newest.topics[0];
    assert_eq!(first.topic_id.get(), happened.topic_id);
    assert_eq!(first.owner().map(|o| o.user_id.get()), Some(owner));
    assert!(first.text().is_some_and(|t| !t.is_empty()));
    assert!(first.create_time > newest.topics[1].create_time);
    let after = sim.handle.truth();
    assert_eq!(after.topics(), before.topics() + 1);
    assert_eq!(
        after.circle(gid).expect("circle").topics,
        before.circle(gid).expect("circle").topics + 1
    );
}

#[tokio::test]
async fn digest_marks_a_recent_topic() {
    let sim = start(demo()).await;
    let gid = sim.group_ids().await[3];
    let newest: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=20")).await;
    let happened = happen(&sim, json!({"kind": "digest", "group_id": gid})).await;
    assert_eq!(happened.comment_id, None);
    let id = happened.topic_id;
    let was = newest
        .topics
        .iter()
        .find(|t| t.topic_id.get() == id)
        .expect("among the newest 20");
    assert!(!was.is_digested());
    assert!(detail(&sim, id).await.is_digested());
    let digests: TopicsPage = sim
        .get(&format!("/v2/groups/{gid}/topics?scope=digests&count=30"))
        .await;
    assert!(ids(&digests.topics).contains(&id));
    // The next one marks another.
    let next = happen(&sim, json!({"kind": "digest", "group_id": gid})).await;
    assert_ne!(next.topic_id, id);
}

#[tokio::test]
async fn happenings_refuse_clearly_and_acts_still_work() {
    let sim = start(demo()).await;
    for (body, status, says) in [
        (json!({"kind": "bogus"}), 400, "unknown variant"),
        (json!({"kind": "topic", "groupid": 1}), 400, "unknown field"),
        (json!({"kind": "topic", "group_id": 1}), 404, "group_id 1"),
    ] {
        let (got, answer) = act(&sim, body.clone()).await;
        assert_eq!(got, status, "{body} → {answer}");
        assert_eq!(answer["succeeded"], json!(false));
        let error = answer["error"].as_str().expect("an error message");
        assert!(error.contains(says), "{error}");
    }
    // answer_mine needs a circle someone else owns.
    let me = self_id(&sim).await;
    let (mine, _) = *owners(&sim)
        .await
        .iter()
        .find(|(_, o)| *o == me)
        .expect("my circle");
    let (status, answer) = act(&sim, json!({"kind": "answer_mine", "group_id": mine})).await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer["error"]
            .as_str()
            .is_some_and(|e| e.contains("answer_mine")),
        "{answer}"
    );
    let in_process = Happening {
        kind: HappeningKind::AnswerMine,
        group_id: Some(mine),
    };
    assert_eq!(sim.handle.happen(in_process), None);

    // The old bodies, unchanged.
    let gid = sim.group_ids().await[0];
    let page: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=3")).await;
    let id = page.topics[2].topic_id.get();
    assert_eq!(
        act(&sim, json!({"edit": id})).await,
        (200, json!({"done": true}))
    );
    assert_eq!(
        act(&sim, json!({"events": 3})).await,
        (200, json!({"done": true}))
    );
    assert_eq!(
        act(&sim, json!({"delete": 1})).await,
        (200, json!({"done": false}))
    );
    let (status, _) = act(&sim, json!({"explode": 1})).await;
    assert!((400..500).contains(&status));
    assert!(sim.handle.act(Act::ToggleDigest(id)));
}

#[tokio::test]
async fn happenings_are_deterministic_and_keep_the_truth() {
    let kinds = [
        HappeningKind::AnswerMine,
        HappeningKind::ReplyToMe,
        HappeningKind::MentionMe,
        HappeningKind::QuestionForMe,
        HappeningKind::Topic,
        HappeningKind::Digest,
    ];
    let run = |sim: &Sim| {
        kinds
            .iter()
            .map(|&kind| {
                sim.handle
                    .happen(Happening {
                        kind,
                        group_id: None,
                    })
                    .expect("it happens")
            })
            .collect::<Vec<_>>()
    };
    let config = SimConfig {
        dataset: Dataset::Generated(3_000),
        ..SimConfig::default()
    };
    let a = start(config.clone()).await;
    let b = start(config).await;
    let (ran_a, ran_b) = (run(&a), run(&b));
    assert_eq!(ran_a, ran_b);
    // The texts drawn match too.
    for happened in &ran_a {
        if happened.comment_id.is_some() {
            let (x, y) = (
                all_comments(&a, happened.topic_id).await,
                all_comments(&b, happened.topic_id).await,
            );
            let text = |c: &[Comment]| c.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
            assert_eq!(text(&x), text(&y));
        }
    }
    let truth = a.handle.truth();
    assert_eq!(truth, b.handle.truth());
    for circle in &truth.circles {
        let gid: i64 = circle.group_id.parse().expect("id");
        assert_eq!(a.all_topics(gid).await.len() as u64, circle.topics);
    }
}
