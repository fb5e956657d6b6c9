//! Inline comments, edits, deletions and items that do not decode, against a real SQLite file.

use serde_json::json;
use zsxq::UndecodedTopic;

use super::*;

fn reply(id: i64, parent: i64, ms: i64) -> serde_json::Value {
    json!({
        "comment_id": id, "parent_comment_id": parent, "create_time": ts(ms).to_string(),
        "owner": {"user_id": 2001, "name": "回复者"}, "text": format!("回复 {id}"),
        "repliee": {"user_id": 2002, "name": "评论者"}, "likes_count": 0,
    })
}

/// A top-level comment as topic lists show it inline: `replies_count`, no nested replies.
fn inline(id: i64, ms: i64, replies: u64) -> serde_json::Value {
    let mut c = comment(id, ms, vec![]);
    c.as_object_mut().unwrap().remove("replied_comments");
    if replies > 0 {
        c["replies_count"] = json!(replies);
    }
    c
}

#[tokio::test]
async fn inline_comments_that_are_the_whole_thread_need_no_walk() {
    let (_dir, store) = open().await;
    // Like the service: top-level entries first, their replies after them.
    let whole = talk(
        1,
        BASE_MS,
        json!({"comments_count": 3, "show_comments": [
            inline(11, BASE_MS + 10, 2), reply(12, 11, BASE_MS + 20), reply(13, 11, BASE_MS + 30)
        ]}),
    );
    let shown: Vec<serde_json::Value> = (0..4)
        .map(|i| inline(21 + i, BASE_MS + 10 + i, 1))
        .chain((0..4).map(|i| reply(31 + i, 21 + i, BASE_MS + 100 + i)))
        .collect();
    let longer = talk(
        2,
        BASE_MS - 1,
        json!({"comments_count": 11, "show_comments": shown}),
    );
    let out = store
        .commit_page(
            GROUP,
            &ALL,
            &batch(&[whole, longer]),
            &SyncCursor::default(),
        )
        .await
        .unwrap();
    assert_eq!(out.comments_inserted, 11);
    assert_eq!(store.comment_count(TopicId::new(1)).await.unwrap(), 3);
    let todo = store.threads_to_fetch(GROUP, 10).await.unwrap();
    assert_eq!(
        todo.len(),
        1,
        "only the thread longer than what is shown: {todo:?}"
    );
    assert_eq!((todo[0].topic_id, todo[0].stored), (TopicId::new(2), 8));
    let thread = store.topic(TopicId::new(1)).await.unwrap().unwrap();
    let nested = thread
        .comments
        .iter()
        .find(|c| c.comment_id.get() == 13)
        .unwrap();
    assert_eq!(nested.parent_comment_id.map(|id| id.get()), Some(11));

    // The walk of the longer thread finds the inline ones unchanged and stores each once.
    let full: Vec<Comment> = serde_json::from_value(json!(
        (0..4)
            .map(|i| comment(
                21 + i,
                BASE_MS + 10 + i,
                vec![reply(31 + i, 21 + i, BASE_MS + 100 + i)]
            ))
            .chain((0..3).map(|i| comment(41 + i, BASE_MS + 200 + i, vec![])))
            .collect::<Vec<_>>()
    ))
    .unwrap();
    let walked = store
        .commit_comments(TopicId::new(2), &full, None)
        .await
        .unwrap();
    assert_eq!((walked.inserted, walked.updated), (3, 0), "{walked:?}");
    assert_eq!(store.comment_count(TopicId::new(2)).await.unwrap(), 11);
    assert!(store.threads_to_fetch(GROUP, 10).await.unwrap().is_empty());

    // Listing the page again changes nothing.
    let again = talk(
        1,
        BASE_MS,
        json!({"comments_count": 3, "show_comments": [
            inline(11, BASE_MS + 10, 2), reply(12, 11, BASE_MS + 20), reply(13, 11, BASE_MS + 30)
        ]}),
    );
    let out = store
        .commit_page(GROUP, &ALL, &batch(&[again]), &SyncCursor::default())
        .await
        .unwrap();
    assert_eq!((out.comments_inserted, out.updated), (0, 0));
}

fn question(id: i64, answer: Option<&str>) -> Topic {
    let mut value = json!({
        "topic_id": id, "type": "q&a", "create_time": ts(BASE_MS).to_string(),
        "question": {"owner": {"user_id": 7, "name": "提问者"},
                     "questionee": {"user_id": 8, "name": "星主"}, "text": "怎么入门？"},
        "answered": answer.is_some(),
    });
    if let Some(text) = answer {
        value["answer"] = json!({"owner": {"user_id": 8, "name": "星主"}, "text": text});
    }
    serde_json::from_value(value).unwrap()
}

#[tokio::test]
async fn an_edit_keeps_the_earlier_text_as_a_revision_and_an_answer_is_not_an_edit() {
    let (_dir, store) = open().await;
    let commit = |topics: Vec<Topic>| {
        let store = store.clone();
        async move {
            store
                .commit_page(GROUP, &ALL, &batch(&topics), &SyncCursor::default())
                .await
                .unwrap()
        }
    };
    commit(vec![talk(1, BASE_MS, json!({})), question(2, None)]).await;
    let edited_text = json!({"owner": {"user_id": 1001, "name": "用户1"}, "text": "改过的第 1 条"});
    let edited = talk(
        1,
        BASE_MS,
        json!({"talk": edited_text, "modify_time": ts(BASE_MS + 60_000).to_string()}),
    );
    let out = commit(vec![edited.clone(), question(2, Some("先读书"))]).await;
    assert_eq!(out.updated, 2);
    let revisions = store.revisions(TopicId::new(1)).await.unwrap();
    assert_eq!(revisions.len(), 1, "{revisions:?}");
    assert_eq!(revisions[0].revision, 1);
    assert!(
        revisions[0].plain_text.starts_with("第 1 条"),
        "{revisions:?}"
    );
    assert_eq!(revisions[0].modify_time, None);
    let current = store.topic(TopicId::new(1)).await.unwrap().unwrap();
    assert_eq!(current.topic.text(), Some("改过的第 1 条"));
    assert!(
        store.revisions(TopicId::new(2)).await.unwrap().is_empty(),
        "a first answer is news, not an edit"
    );

    // The same text again is no new revision; an edited answer is one.
    commit(vec![edited, question(2, Some("先读书，再动手"))]).await;
    assert_eq!(store.revisions(TopicId::new(1)).await.unwrap().len(), 1);
    let answer = store.revisions(TopicId::new(2)).await.unwrap();
    assert_eq!(answer.len(), 1);
    assert!(answer[0].plain_text.contains("先读书"), "{answer:?}");
}

#[tokio::test]
async fn a_topic_deleted_on_the_service_is_kept_and_marked_once() {
    let (_dir, store) = open().await;
    let topics: Vec<Topic> = (1..=3).map(|i| talk(i, BASE_MS + i, json!({}))).collect();
    store
        .commit_page(GROUP, &ALL, &batch(&topics), &SyncCursor::default())
        .await
        .unwrap();
    let seq = store.latest_change_seq().await.unwrap();
    assert!(
        store
            .mark_deleted(TopicId::new(2), BASE_MS + 99)
            .await
            .unwrap()
    );
    assert!(
        !store
            .mark_deleted(TopicId::new(2), BASE_MS + 500)
            .await
            .unwrap()
    );
    assert_eq!(
        store.deleted_at(TopicId::new(2)).await.unwrap(),
        Some(BASE_MS + 99),
        "the first notice stays"
    );
    assert!(
        store.topic(TopicId::new(2)).await.unwrap().is_some(),
        "kept"
    );
    let changes = store.changes_after(seq, 10).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].fields, ["deleted"]);
    let mut live = store
        .live_topics_after(GROUP, Some(BASE_MS + 1))
        .await
        .unwrap();
    live.sort_unstable();
    assert_eq!(live, [TopicId::new(3)]);

    // Listed again after all: no longer marked.
    store
        .commit_page(GROUP, &ALL, &batch(&topics[1..2]), &SyncCursor::default())
        .await
        .unwrap();
    assert_eq!(store.deleted_at(TopicId::new(2)).await.unwrap(), None);
}

#[tokio::test]
async fn items_that_do_not_decode_are_kept_reported_once_and_dropped_once_readable() {
    let (_dir, store) = open().await;
    let odd = UndecodedTopic {
        topic_id: Some(TopicId::new(9)),
        create_time: Some(ts(BASE_MS)),
        error: "talk.owner: missing field `owner`".into(),
        raw: json!({"topic_id": 9, "type": "talk", "talk": {"text": "无主"}}),
    };
    let page = TopicBatch {
        topics: vec![talk(1, BASE_MS + 1, json!({}))],
        undecoded: vec![odd],
    };
    let first = store
        .commit_page(GROUP, &ALL, &page, &SyncCursor::default())
        .await
        .unwrap();
    assert_eq!((first.inserted, first.undecoded), (1, 1));
    let again = store
        .commit_page(GROUP, &ALL, &page, &SyncCursor::default())
        .await
        .unwrap();
    assert_eq!(again.undecoded, 0, "reported once");
    let kept = store.undecoded_topics(GROUP).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].0, Some(9));
    assert!(kept[0].1.contains("owner"));
    assert!(kept[0].2.contains("无主"));

    // A later version reads it: it becomes a topic and leaves the list.
    store
        .commit_page(
            GROUP,
            &ALL,
            &batch(&[talk(9, BASE_MS, json!({}))]),
            &SyncCursor::default(),
        )
        .await
        .unwrap();
    assert!(store.undecoded_topics(GROUP).await.unwrap().is_empty());
}

/// The real 精华 page of the shared samples: its topics show their comments inline, replies
/// included; only the one with more comments (11) than shown (8) still needs a walk.
#[tokio::test]
async fn the_real_digest_page_needs_a_walk_only_for_the_thread_longer_than_it_shows() {
    let (_dir, store) = open().await;
    let path = orrery_testkit::samples_dir()
        .join("GET_v2_groups_15555411412112_topics__scope_digests__count_10.json");
    let body = std::fs::read(&path).unwrap();
    let page: zsxq::TopicsPage = zsxq::decode_body(&body).unwrap();
    assert!(page.undecoded.is_empty(), "{:?}", page.undecoded);
    let group = GroupId::new(15_555_411_412_112);
    let shown: usize = page.topics.iter().map(|t| t.comments().len()).sum();
    let longer: Vec<TopicId> = page
        .topics
        .iter()
        .filter(|t| t.comments_count.unwrap_or(0) > t.comments().len() as u64)
        .map(|t| t.topic_id)
        .collect();
    assert_eq!(
        longer.len(),
        1,
        "the sample has one thread longer than shown"
    );
    let out = store
        .commit_page(group, &ALL, &batch(&page.topics), &SyncCursor::default())
        .await
        .unwrap();
    assert_eq!(out.comments_inserted as usize, shown);
    let todo: Vec<TopicId> = store
        .threads_to_fetch(group, 50)
        .await
        .unwrap()
        .iter()
        .map(|t| t.topic_id)
        .collect();
    assert_eq!(todo, longer);
    // The inline replies sit under their parents.
    let with_replies = page
        .topics
        .iter()
        .find(|t| t.comments().iter().any(|c| c.parent_comment_id.is_some()))
        .unwrap();
    let stored = store.topic(with_replies.topic_id).await.unwrap().unwrap();
    for reply in stored
        .comments
        .iter()
        .filter(|c| c.parent_comment_id.is_some())
    {
        let parent = reply.parent_comment_id.unwrap();
        assert!(stored.comments.iter().any(|c| c.comment_id == parent));
    }
}
