//! Topics after they are posted: inline comments as lists show them, edits, deletions, and the
//! toggles of digests and pins, by activity and on purpose (`/__sim/act`).

use serde_json::json;
use zsxq::{ApiError, Topic};
use zsxq_sim::{Act, Dataset, SimConfig};

use crate::support::{Sim, TopicDetail, demo, start};

async fn first_group(sim: &Sim) -> i64 {
    sim.group_ids().await[0]
}

async fn detail(sim: &Sim, topic: i64) -> Result<Topic, ApiError> {
    sim.try_get::<TopicDetail>(&format!("/v2/topics/{topic}"))
        .await
        .map(|d| d.topic)
}

#[tokio::test]
async fn lists_show_up_to_eight_comments_inline_replies_included() {
    let sim = start(SimConfig {
        dataset: Dataset::Generated(3_000),
        ..SimConfig::default()
    })
    .await;
    let gid = first_group(&sim).await;
    let topics = sim.all_topics(gid).await;
    let (mut whole, mut cut, mut with_replies) = (0, 0, 0);
    for topic in &topics {
        let shown = topic.comments();
        let count = topic.comments_count.unwrap_or(0);
        assert!(shown.len() <= 8, "{}", topic.topic_id);
        assert_eq!(shown.len() as u64, count.min(8), "{}", topic.topic_id);
        if count > 8 {
            cut += 1
        } else if count > 0 {
            whole += 1
        }
        // Top-level entries first, then replies naming a parent shown before them.
        let tops = shown
            .iter()
            .take_while(|c| c.parent_comment_id.is_none())
            .count();
        let ids: Vec<_> = shown[..tops].iter().map(|c| c.comment_id).collect();
        for reply in &shown[tops..] {
            let parent = reply
                .parent_comment_id
                .expect("replies follow the top-level entries");
            assert!(ids.contains(&parent), "{}", topic.topic_id);
            assert!(reply.repliee.is_some());
            with_replies += 1;
        }
        // `replies_count` on a top-level entry counts its replies in the whole thread.
        if shown.len() as u64 == count {
            for top in &shown[..tops] {
                let replies = shown[tops..]
                    .iter()
                    .filter(|r| r.parent_comment_id == Some(top.comment_id))
                    .count() as u64;
                assert_eq!(top.replies_count, (replies > 0).then_some(replies));
            }
        }
    }
    assert!(
        whole > 0 && cut > 0 && with_replies > 0,
        "{whole} {cut} {with_replies}"
    );
}

#[tokio::test]
async fn an_edit_moves_modify_time_and_changes_the_text_everywhere() {
    let sim = start(demo()).await;
    let gid = first_group(&sim).await;
    let topic = sim.all_topics(gid).await.remove(2);
    let id = topic.topic_id.get();
    assert!(sim.handle.act(Act::Edit(id)));
    let after = detail(&sim, id).await.expect("still there");
    let (old, new) = (topic.text().unwrap_or(""), after.text().unwrap_or(""));
    assert!(
        new.starts_with(old.trim_end_matches(" ...")) && new.len() > old.len(),
        "{new}"
    );
    assert!(after.modify_time > topic.create_time);
    let listed = sim.all_topics(gid).await;
    assert_eq!(
        listed[2].topic_id, topic.topic_id,
        "an edit does not move the topic"
    );
    assert_eq!(listed[2].modify_time, after.modify_time);
}

#[tokio::test]
async fn a_deleted_topic_leaves_lists_counts_and_its_own_endpoint() {
    let sim = start(demo()).await;
    let gid = first_group(&sim).await;
    let before = sim.handle.truth();
    let topics = sim.all_topics(gid).await;
    let id = topics[5].topic_id.get();
    assert!(sim.handle.act(Act::Delete(id)));
    assert!(!sim.handle.act(Act::Delete(id)), "gone already");
    assert!(!sim.handle.act(Act::Edit(id)), "nothing left to edit");
    assert_eq!(detail(&sim, id).await.err(), Some(ApiError::NotFound));
    let comments = sim
        .try_get::<zsxq::CommentsPage>(&format!("/v2/topics/{id}/comments"))
        .await;
    assert_eq!(comments.err(), Some(ApiError::NotFound));
    let after = sim.all_topics(gid).await;
    assert_eq!(after.len() + 1, topics.len());
    assert!(after.iter().all(|t| t.topic_id.get() != id));
    let truth = sim.handle.truth();
    let circle = truth.circle(gid).expect("circle");
    let was = before.circle(gid).expect("circle");
    assert_eq!((circle.topics, circle.deleted), (was.topics - 1, 1));
    assert_eq!(circle.topics, after.len() as u64);
}

#[tokio::test]
async fn digests_and_pins_toggle_without_rewriting_the_text() {
    let sim = start(demo()).await;
    let gid = first_group(&sim).await;
    let sticky = sim
        .all_topics(gid)
        .await
        .into_iter()
        .find(|t| t.is_sticky())
        .expect("the demo pins a welcome post");
    let id = sticky.topic_id.get();
    assert!(sim.handle.act(Act::ToggleSticky(id)));
    assert!(sim.handle.act(Act::ToggleDigest(id)));
    let after = detail(&sim, id).await.expect("topic");
    assert!(!after.is_sticky());
    assert_ne!(after.is_digested(), sticky.is_digested());
    assert_eq!(after.text(), detail(&sim, id).await.expect("topic").text());
    let digests = sim
        .walk(&format!("/v2/groups/{gid}/topics?scope=digests"), 30)
        .await;
    assert_eq!(
        digests.seen.contains(&id),
        after.is_digested(),
        "the 精华 tab follows the toggle"
    );
}

#[tokio::test]
async fn activity_edits_and_deletes_recent_topics_and_the_act_endpoint_drives_it() {
    let sim = start(demo()).await;
    let response = reqwest::Client::new()
        .post(sim.url("/__sim/act"))
        .header("content-type", "application/json")
        .body(json!({"events": 400}).to_string())
        .send()
        .await
        .expect("act");
    assert_eq!(response.status(), 200);
    let truth = sim.handle.truth();
    assert!(truth.deleted() > 0, "{truth:?}");
    let mut edited = 0;
    for circle in &truth.circles {
        let gid: i64 = circle.group_id.parse().expect("id");
        let topics = sim.all_topics(gid).await;
        assert_eq!(topics.len() as u64, circle.topics);
        edited += topics
            .iter()
            .filter(|t| t.modify_time.is_some() && t.answer.is_none())
            .count();
    }
    assert!(edited > 0);
    let bad = reqwest::Client::new()
        .post(sim.url("/__sim/act"))
        .header("content-type", "application/json")
        .body(json!({"explode": 1}).to_string())
        .send()
        .await
        .expect("act");
    assert!(bad.status().is_client_error());
}
