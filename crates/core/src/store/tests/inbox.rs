//! The inbox's derivation rules against a real archive file: history stays history, news is
//! recorded once, and a comment is the most important thing it is.

use super::*;

/// The member (talks with an id ≡ 3 mod 7 are theirs, see `talk`).
const ME: zsxq::UserId = zsxq::UserId::new(1003);
const OWNER: i64 = 2000;
const HOUR: i64 = 3_600_000;

fn question(id: i64, ms: i64, answered: bool) -> Topic {
    let mut value = json!({
        "topic_id": id, "type": "q&a",
        "group": {"group_id": GROUP.get(), "name": "测试星球"},
        "create_time": ts(ms).to_string(),
        "question": {
            "owner": {"user_id": ME.get(), "name": "我"},
            "questionee": {"user_id": OWNER, "name": "星主"},
            "text": "怎么开始学 Rust？\n第二行",
        },
        "answered": answered,
        "likes_count": 0, "comments_count": 0, "rewards_count": 0,
        "reading_count": 1, "readers_count": 1, "digested": false, "sticky": false,
    });
    if answered {
        value["answer"] = json!({"owner": {"user_id": OWNER, "name": "星主"}, "text": "先读《Rust 程序设计语言》。"});
    }
    serde_json::from_value(value).unwrap()
}

fn comment_by(id: i64, ms: i64, author: i64, text: &str, repliee: Option<i64>) -> Comment {
    let mut value = json!({
        "comment_id": id, "create_time": ts(ms).to_string(),
        "owner": {"user_id": author, "name": format!("用户{author}")}, "text": text,
    });
    if let Some(repliee) = repliee {
        value["repliee"] = json!({"user_id": repliee, "name": "我"});
        value["parent_comment_id"] = json!(id - 1);
    }
    serde_json::from_value(value).unwrap()
}

async fn page(store: &Store, topics: &[Topic]) {
    store
        .commit_page(GROUP, &ALL, &batch(topics), &SyncCursor::default())
        .await
        .unwrap();
}

async fn events(store: &Store) -> Vec<(String, InboxKind, Option<String>)> {
    let mut all: Vec<_> = store
        .inbox(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.key, e.kind, e.outcome))
        .collect();
    all.sort();
    all
}

#[tokio::test]
async fn history_stays_history_and_news_is_recorded_once() {
    let (_dir, store) = open().await;
    let now = BASE_MS + 10 * HOUR;
    // Archived before the inbox existed: an answered question of mine and my talk.
    page(
        &store,
        &[
            question(100, BASE_MS, true),
            talk(3, BASE_MS + 1, json!({})),
        ],
    )
    .await;
    let first = store.derive_inbox(ME, &[], now).await.unwrap();
    assert_eq!(first.recorded, 1);
    assert_eq!(
        events(&store).await,
        vec![(
            "answer:100".into(),
            InboxKind::Answer,
            Some("backlog".into())
        )]
    );
    assert!(store.pending_events().await.unwrap().is_empty());

    // Then: another question of mine is answered, someone comments on my talk, someone
    // replies to my comment and mentions me in it, someone mentions me in a talk.
    page(&store, &[question(101, now - HOUR, false)]).await;
    store.derive_inbox(ME, &[], now).await.unwrap();
    page(&store, &[question(101, now - HOUR, true)]).await;
    let mention = format!(
        r#"请看 <e type="mention" uid="{}" title="%40%E6%88%91" /> 的帖子"#,
        ME.get()
    );
    page(
        &store,
        &[talk(
            4,
            now + 5_000,
            json!({"talk": {"owner": {"user_id": 5, "name": "甲"}, "text": mention}}),
        )],
    )
    .await;
    let comments = vec![
        comment_by(500, now + 10_000, 7, "写得好", None),
        comment_by(501, now + 20_000, 1003, "谢谢", None),
        comment_by(
            502,
            now + 30_000,
            8,
            &format!("同意 {mention}"),
            Some(ME.get()),
        ),
    ];
    store
        .commit_comments(TopicId::new(3), &comments, None)
        .await
        .unwrap();

    let later = now + 60_000;
    let found = store.derive_inbox(ME, &[], later).await.unwrap();
    assert_eq!(found.recorded, 4, "{:?}", events(&store).await);
    let pending: Vec<(String, InboxKind)> = store
        .pending_events()
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.key, e.kind))
        .collect();
    assert_eq!(
        pending
            .iter()
            .map(|(k, kind)| (k.as_str(), *kind))
            .collect::<std::collections::BTreeSet<_>>(),
        [
            ("answer:101", InboxKind::Answer),
            ("comment:500", InboxKind::Comment),
            // A reply that also mentions me is the reply, once.
            ("comment:502", InboxKind::Reply),
            ("mention:4", InboxKind::Mention),
        ]
        .into_iter()
        .collect()
    );

    // Deriving again, or the same answer seen again by a re-sync, adds nothing.
    page(&store, &[question(101, now - HOUR, true)]).await;
    assert_eq!(
        store
            .derive_inbox(ME, &[], later + 1)
            .await
            .unwrap()
            .recorded,
        0
    );

    // Settling is a claim: the second claimant (another process) gets nothing.
    let keys = vec!["answer:101".to_owned()];
    assert_eq!(
        store.settle_events(&keys, "shown", later).await.unwrap(),
        keys
    );
    assert!(
        store
            .settle_events(&keys, "shown", later)
            .await
            .unwrap()
            .is_empty()
    );
    // Unread answers come first in the inbox.
    assert_eq!(store.inbox(1).await.unwrap()[0].key, "answer:101");
    assert_eq!(store.inbox_unread().await.unwrap(), 4);
    store.mark_inbox_read(None, later).await.unwrap();
    assert_eq!(store.inbox_unread().await.unwrap(), 0);
}

#[tokio::test]
async fn a_new_circles_first_sync_is_backlog_and_late_finds_are_stale() {
    let (_dir, store) = open().await;
    let since = BASE_MS;
    // The inbox runs before anything is archived: nothing is history by position.
    store.derive_inbox(ME, &[], since).await.unwrap();
    // The circle's first sync brings a comment on my talk from the day before.
    page(&store, &[talk(3, since - 48 * HOUR, json!({}))]).await;
    store
        .commit_comments(
            TopicId::new(3),
            &[comment_by(600, since - 24 * HOUR, 7, "旧评论", None)],
            None,
        )
        .await
        .unwrap();
    store.derive_inbox(ME, &[], since).await.unwrap();
    // A question of mine answered an hour later is found only five days on (the archive was
    // synced without a watcher meanwhile): worth reading, not worth interrupting for.
    page(&store, &[question(102, since + HOUR, true)]).await;
    store
        .derive_inbox(ME, &[], since + 5 * 24 * HOUR)
        .await
        .unwrap();
    assert_eq!(
        events(&store).await,
        vec![
            ("answer:102".into(), InboxKind::Answer, Some("stale".into())),
            (
                "comment:600".into(),
                InboxKind::Comment,
                Some("backlog".into())
            ),
        ]
    );
    assert_eq!(store.inbox_unread().await.unwrap(), 1);
}

#[tokio::test]
async fn digests_and_owner_posts_only_in_followed_circles() {
    let (_dir, store) = open().await;
    let now = BASE_MS + HOUR;
    store.derive_inbox(ME, &[], now).await.unwrap();
    page(&store, &[talk(10, BASE_MS, json!({}))]).await;
    store.derive_inbox(ME, &[GROUP.get()], now).await.unwrap();
    page(
        &store,
        &[
            talk(10, BASE_MS, json!({"digested": true})),
            talk(11, now - 1, json!({"digested": true})),
        ],
    )
    .await;
    store.derive_inbox(ME, &[], now + 1).await.unwrap();
    assert!(events(&store).await.is_empty(), "not followed: nothing");
    page(&store, &[talk(12, now, json!({"digested": true}))]).await;
    store
        .derive_inbox(ME, &[GROUP.get()], now + 2)
        .await
        .unwrap();
    assert_eq!(
        events(&store).await,
        vec![("digest:12".into(), InboxKind::Digest, None)]
    );
}
