//! The endpoints added for later features (PROTOCOL.md §6.1, §6.2, §6.5, §6.6), guests who are
//! asked questions, and the write bodies checked from plain JSON.

use serde_json::{Value, json};
use zsxq::{CommentRequest, CommentsPage, Empty, RoleMembers, TopicsPage, UserResponse};

use crate::support::{Sim, demo, self_id, start};

/// A raw POST, signed like every request of the test kit: the JSON envelope.
async fn post_raw(sim: &Sim, path: &str, body: &Value) -> Value {
    let mut request = sim
        .client
        .post(sim.url(path))
        .header("authorization", &sim.token)
        .header("content-type", "application/json; charset=utf-8")
        .body(serde_json::to_vec(body).expect("body"))
        .build()
        .expect("a request");
    crate::support::sign(&mut request);
    sim.execute(request).await.json()
}

async fn first_group(sim: &Sim) -> i64 {
    sim.group_ids().await[0]
}

#[tokio::test]
async fn write_bodies_are_checked_against_the_protocol_not_the_clients_types() {
    let sim = start(demo()).await;
    let gid = first_group(&sim).await;
    let page: TopicsPage = sim.get(&format!("/v2/groups/{gid}/topics?count=5")).await;
    let tid = page.topics[0].topic_id;
    let path = format!("/v2/topics/{tid}/comments");
    let refusals = [
        (json!({"text": "没有包装"}), "req_data"),
        (
            json!({"req_data": {"text": "错字", "parent_comment_id": 1}}),
            "parent_comment_id",
        ),
        (json!({"req_data": {"txt": "错字"}}), "txt"),
        (json!({"req_data": {"text": 5}}), "text"),
        (json!({"req_data": {"text": "x"}, "extra": 1}), "extra"),
    ];
    for (body, named) in refusals {
        let answer = post_raw(&sim, &path, &body).await;
        assert_eq!(answer["succeeded"], json!(false), "{body}");
        let error = answer["error"].as_str().expect("an error message");
        assert!(error.contains(named), "{body} → {error}");
    }
    // A talk without `type` is refused; the client's body carries it.
    let talk = post_raw(
        &sim,
        &format!("/v2/groups/{gid}/topics"),
        &json!({"req_data": {"text": "你好"}}),
    )
    .await;
    assert!(
        talk["error"].as_str().is_some_and(|e| e.contains("type")),
        "{talk}"
    );
    let _: Value = sim
        .post(
            &format!("/v2/groups/{gid}/topics"),
            &zsxq::CreateTalkRequest::text("你好"),
        )
        .await
        .expect("the client's talk body");

    // A reply names its comment in `replied_comment_id`, as the client now sends it.
    let _: Empty = sim
        .post(&path, &CommentRequest::text("先说一句"))
        .await
        .expect("comment");
    let thread: CommentsPage = sim.get(&format!("{path}?sort=desc&count=1")).await;
    let mine = thread.comments[0].comment_id;
    let _: Empty = sim
        .post(&path, &CommentRequest::reply(mine, "再补一句"))
        .await
        .expect("reply");
    let thread: CommentsPage = sim.get(&format!("{path}?sort=desc&count=1")).await;
    assert_eq!(thread.comments[0].comment_id, mine);
    assert_eq!(thread.comments[0].replies().len(), 1);
}

#[tokio::test]
async fn questions_reach_guests_and_each_side_lists_its_own() {
    let sim = start(demo()).await;
    let me = self_id(&sim).await;
    // Guests are asked too, in every circle.
    for gid in sim.group_ids().await {
        let roles: RoleMembers = sim
            .get(&format!(
                "/v2/groups/{gid}/role_members?role=owner,partners,guests"
            ))
            .await;
        let owner = roles.owner.expect("owner").user_id;
        let guests: Vec<i64> = roles
            .guests
            .expect("guests")
            .iter()
            .map(|g| g.user_id.get())
            .collect();
        assert!(!guests.is_empty() && !roles.partners.expect("partners").is_empty());
        let questions = sim
            .walk(&format!("/v2/groups/{gid}/topics?scope=questions"), 30)
            .await;
        let to_guests = questions
            .topics
            .iter()
            .filter_map(sim_questionee)
            .filter(|q| guests.contains(q) && *q != owner.get())
            .count();
        assert!(to_guests > 0, "no question to a guest in {gid}");
    }
    // Questions asked of me (owner of one circle, guest of another), answered and not.
    for filter in ["unanswered", "answered"] {
        let page: TopicsPage = sim
            .get(&format!(
                "/v2/users/self/topics/answers?filter={filter}&count=30"
            ))
            .await;
        assert!(!page.topics.is_empty(), "{filter}");
        let groups: std::collections::HashSet<i64> = page
            .topics
            .iter()
            .map(|t| t.group.as_ref().expect("group").group_id.get())
            .collect();
        for topic in &page.topics {
            assert_eq!(sim_questionee(topic), Some(me));
            let answered = topic.answered == Some(true);
            assert_eq!(answered, filter == "answered");
        }
        if filter == "unanswered" {
            assert!(groups.len() > 1, "asked as owner and as guest: {groups:?}");
        }
    }
    let brief: zsxq::UnansweredQuestionsBrief =
        sim.get("/v2/users/self/unanswered_questions/brief").await;
    let all: TopicsPage = sim
        .get("/v2/users/self/topics/answers?filter=unanswered&count=30")
        .await;
    assert!(brief.unanswered_count >= all.topics.len() as u64);

    // My questions, paged by `end_time` = the last `create_time` (inclusive).
    let walk = sim
        .walk("/v2/users/self/topics/questions?filter=answered", 5)
        .await;
    assert!(walk.pages > 2, "several pages");
    assert!(walk.topics.iter().all(|t| t.answered == Some(true)));
    assert!(
        walk.topics
            .iter()
            .all(|t| { t.owner().is_some_and(|o| o.user_id.get() == me) || is_anonymous(t) })
    );
    let times: Vec<i64> = walk
        .topics
        .iter()
        .map(|t| t.create_time.expect("time").to_unix_millis())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let refused = sim
        .raw("/v2/users/self/topics/questions?filter=maybe")
        .await
        .json();
    assert_eq!(refused["succeeded"], json!(false));
}

fn is_anonymous(topic: &zsxq::Topic) -> bool {
    matches!(topic.body(), zsxq::TopicBody::QuestionAnswer { question, .. } if question.anonymous == Some(true))
}

fn sim_questionee(topic: &zsxq::Topic) -> Option<i64> {
    match topic.body() {
        zsxq::TopicBody::QuestionAnswer { question, .. } => {
            question.questionee.as_ref().map(|q| q.user_id.get())
        }
        _ => None,
    }
}

#[tokio::test]
async fn members_statistics_files_videos_and_footprints() {
    let sim = start(demo()).await;
    let gid = first_group(&sim).await;
    let truth = sim.handle.truth();
    let circle = truth.circle(gid).expect("circle");

    // Members: newest joined first, paged by an inclusive `end_time`.
    let mut seen = std::collections::HashSet::new();
    let mut end = String::new();
    let mut pages = 0;
    loop {
        let page = sim
            .raw(&format!("/v2/groups/{gid}/members?count=50{end}"))
            .await
            .json();
        let members = page["resp_data"]["members"]
            .as_array()
            .cloned()
            .expect("members");
        pages += 1;
        let new = members
            .iter()
            .filter(|m| seen.insert(m["user_id"].as_i64().expect("id")))
            .count();
        if new == 0 || pages > 50 {
            break;
        }
        let last = members
            .last()
            .and_then(|m| m["join_time"].as_str())
            .expect("join");
        end = format!("&end_time={}", last.replace('+', "%2B"));
    }
    let detail = sim.raw(&format!("/v2/groups/{gid}")).await.json();
    let count = detail["resp_data"]["group"]["statistics"]["members"]["count"]
        .as_u64()
        .expect("members count");
    assert_eq!(seen.len() as u64, count);
    let one = seen.iter().next().copied().expect("a member");
    let member = sim
        .raw(&format!("/v2/groups/{gid}/members/{one}"))
        .await
        .json();
    assert_eq!(member["resp_data"]["member"]["user_id"], json!(one));
    let stranger = sim.raw(&format!("/v2/groups/{gid}/members/1")).await.json();
    assert_eq!(stranger["succeeded"], json!(false));

    // Statistics agree with the truth.
    let stats = sim
        .raw(&format!("/v2/groups/{gid}/statistics"))
        .await
        .json();
    assert_eq!(
        stats["resp_data"]["topics"]["topics_count"].as_u64(),
        Some(circle.topics)
    );
    assert_eq!(
        stats["resp_data"]["topics"]["answers_count"].as_u64(),
        Some(circle.answered)
    );

    // Files: every one once, paged by `index`, and each download exactly its `size`.
    let files_total = stats["resp_data"]["files"]["count"]
        .as_u64()
        .expect("files");
    let mut files = Vec::new();
    let mut index = String::new();
    loop {
        let page = sim
            .raw(&format!("/v2/groups/{gid}/files?count=20{index}"))
            .await
            .json();
        let data = &page["resp_data"];
        files.extend(data["files"].as_array().cloned().expect("files"));
        match data["index"].as_str() {
            Some(next) => index = format!("&index={next}"),
            None => break,
        }
    }
    assert_eq!(files.len() as u64, files_total);
    let mut downloaded = 0;
    let mut video = None;
    for entry in &files {
        let file = &entry["file"];
        let id = file["file_id"].as_i64().expect("file id");
        let name = file["name"].as_str().expect("name");
        if name.ends_with(".mp4") {
            video = Some(id);
            continue;
        }
        if downloaded == 3 {
            continue;
        }
        let url = sim
            .raw(&format!("/v2/files/{id}/download_url"))
            .await
            .json();
        let url = url["resp_data"]["download_url"].as_str().expect("url");
        let bytes = sim.raw_as(url, None).await.body;
        assert_eq!(Some(bytes.len() as u64), file["size"].as_u64(), "{name}");
        downloaded += 1;
    }
    assert_eq!(downloaded, 3);
    if let Some(video) = video {
        let url = sim.raw(&format!("/v2/videos/{video}/url")).await.json();
        let url = url["resp_data"]["url"].as_str().expect("m3u8 url");
        let playlist = sim.raw_as(url, None).await;
        assert_eq!(playlist.status, 200);
        assert!(playlist.body.starts_with(b"#EXTM3U"));
    }

    // Footprints: a user's topics across circles, and the circles.
    let me = self_id(&sim).await;
    let walk = sim.walk(&format!("/v2/users/{me}/footprints"), 30).await;
    assert!(!walk.topics.is_empty());
    assert!(
        walk.topics
            .iter()
            .all(|t| t.owner().is_some_and(|o| o.user_id.get() == me))
    );
    let groups = sim
        .raw(&format!("/v2/users/{me}/footprints/groups"))
        .await
        .json();
    assert!(
        !groups["resp_data"]["groups"]
            .as_array()
            .expect("groups")
            .is_empty()
    );
}

#[tokio::test]
async fn the_inbox_and_the_self_profile() {
    let sim = start(demo()).await;
    for scope in [
        "system_message",
        "related_replies",
        "general",
        "group_assistant",
    ] {
        let inbox: zsxq::DynamicsList = sim
            .get(&format!("/v2/dynamics?scope={scope}&count=30"))
            .await;
        assert!(!inbox.dynamics.is_empty(), "{scope}");
        if scope == "related_replies" {
            let actions: std::collections::HashSet<&str> =
                inbox.dynamics.iter().map(|d| d.action.as_str()).collect();
            assert!(actions.contains("answer_question"), "{actions:?}");
        }
    }
    let stats = sim
        .raw("/v2/dynamics/statistics?scope=system_message&begin_time=2000-01-01T00%3A00%3A00.000%2B0800")
        .await
        .json();
    assert!(stats["resp_data"]["count"].as_u64().is_some_and(|n| n > 0));

    // The self form: `grade` is a string, and the model reads it.
    let raw = sim.raw("/v3/users/self").await;
    assert!(raw.json()["resp_data"]["user"]["grade"].is_string());
    let me: UserResponse = raw.decode().expect("self profile");
    assert!(me.user.id().is_some() && me.accounts.is_some());
}
