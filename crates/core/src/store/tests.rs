//! The store against real SQLite files in temporary directories, and against `zsxq-sim` over
//! loopback where a realistic circle matters (topics sharing a millisecond, full threads).

#![allow(clippy::unwrap_used)] // Test code: a panic is the failure report.

use serde_json::json;
use tempfile::TempDir;
use zsxq::client::{CommentsQuery, TopicBatch, TopicScope, TopicSource};
use zsxq::{
    AccessToken, Client, ClientConfig, Comment, GroupId, Pacing, RetryPolicy, Timestamp, Topic,
    TopicId, TopicPager,
};

use super::*;

mod history;
mod inbox;

const GROUP: GroupId = GroupId::new(51_111_218_841_124);
/// 2025-12-10T16:00:00.000+0800.
const BASE_MS: i64 = 1_765_353_600_000;

async fn open() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let store = Store::open(&data).await.unwrap();
    (dir, store)
}

fn ts(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(ms).unwrap()
}

/// A talk with the fields the store reads; `extra` overrides or adds fields.
fn talk(id: i64, ms: i64, extra: serde_json::Value) -> Topic {
    let mut value = json!({
        "topic_id": id,
        "type": "talk",
        "group": {"group_id": GROUP.get(), "name": "测试星球"},
        "create_time": ts(ms).to_string(),
        "talk": {
            "owner": {"user_id": 1000 + id % 7, "name": format!("用户{}", id % 7)},
            "text": format!("第 {id} 条 <e type=\"hashtag\" hid=\"77\" title=\"%23%E8%AF%BB%E4%B9%A6%23\" />"),
        },
        "likes_count": 1,
        "comments_count": 0,
        "rewards_count": 0,
        "reading_count": 10,
        "readers_count": 8,
        "digested": false,
        "sticky": false,
    });
    if let (Some(base), Some(extra)) = (value.as_object_mut(), extra.as_object()) {
        for (key, v) in extra {
            base.insert(key.clone(), v.clone());
        }
    }
    serde_json::from_value(value).unwrap()
}

fn cursor_at(ms: i64) -> SyncCursor {
    SyncCursor {
        backfill_end_time: Some(ts(ms)),
        ..SyncCursor::default()
    }
}

const ALL: SyncScope = SyncScope::Tab(TopicScope::All);

/// A page of topics that all decoded.
fn batch(topics: &[Topic]) -> TopicBatch {
    TopicBatch {
        topics: topics.to_vec(),
        undecoded: Vec::new(),
    }
}

async fn topic_rows(store: &Store) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM topics")
        .fetch_one(&store.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn committing_the_same_page_twice_changes_nothing() {
    let (_dir, store) = open().await;
    let page: Vec<Topic> = (1..=20)
        .map(|i| talk(i, BASE_MS - i * 1000, json!({})))
        .collect();
    let first = store
        .commit_page(GROUP, &ALL, &batch(&page), &cursor_at(BASE_MS - 20_000))
        .await
        .unwrap();
    assert_eq!(first.inserted, 20);
    assert!(!first.known_hit);
    let seq = store.latest_change_seq().await.unwrap();
    assert_eq!(seq, 20, "one insert change per topic");

    let again = store
        .commit_page(GROUP, &ALL, &batch(&page), &cursor_at(BASE_MS - 20_000))
        .await
        .unwrap();
    assert_eq!(
        again,
        PageOutcome {
            inserted: 0,
            updated: 0,
            unchanged: 20,
            known_hit: true,
            ..PageOutcome::default()
        }
    );
    assert_eq!(
        store.latest_change_seq().await.unwrap(),
        seq,
        "no new changes"
    );
    assert_eq!(topic_rows(&store).await, 20);
    let state = store.sync_state(GROUP, &ALL).await.unwrap().unwrap();
    assert_eq!(state.cursor, cursor_at(BASE_MS - 20_000));
}

#[tokio::test]
async fn a_real_change_writes_exactly_one_update_naming_the_moved_fields() {
    let (_dir, store) = open().await;
    let page: Vec<Topic> = (1..=5).map(|i| talk(i, BASE_MS - i, json!({}))).collect();
    store
        .commit_page(GROUP, &ALL, &batch(&page), &SyncCursor::default())
        .await
        .unwrap();
    let before = store.latest_change_seq().await.unwrap();

    let mut changed = page.clone();
    changed[2] = talk(
        3,
        BASE_MS - 3,
        json!({"comments_count": 4, "digested": true}),
    );
    // A volatile field alone (reading counters) is refreshed silently.
    changed[3] = talk(4, BASE_MS - 4, json!({"reading_count": 999}));
    let outcome = store
        .commit_page(GROUP, &ALL, &batch(&changed), &SyncCursor::default())
        .await
        .unwrap();
    assert_eq!(outcome.updated, 1);
    assert_eq!(outcome.unchanged, 4);

    let changes = store.changes_after(before, 100).await.unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    let change = &changes[0];
    assert_eq!(change.entity, ChangeEntity::Topic);
    assert_eq!(change.op, ChangeOp::Update);
    assert_eq!(change.entity_id, 3);
    assert_eq!(change.group_id, GROUP.get());
    assert_eq!(change.fields, ["digested", "comments_count"]);
    let stored = store.topic(TopicId::new(3)).await.unwrap().unwrap();
    assert!(stored.summary.digested);
    assert_eq!(stored.summary.comments_count, 4);
}

#[tokio::test]
async fn boundary_topics_repeated_by_the_inclusive_end_time_are_stored_once() {
    let (_dir, store) = open().await;
    let all: Vec<Topic> = (1..=39)
        .map(|i| talk(i, BASE_MS - i * 1000, json!({})))
        .collect();
    // Page 2 starts with page 1's last topic, as `end_time` = its create_time returns it again.
    let first = store
        .commit_page(
            GROUP,
            &ALL,
            &batch(&all[..20]),
            &cursor_at(BASE_MS - 20_000),
        )
        .await
        .unwrap();
    let second = store
        .commit_page(
            GROUP,
            &ALL,
            &batch(&all[19..]),
            &cursor_at(BASE_MS - 39_000),
        )
        .await
        .unwrap();
    assert_eq!(first.inserted, 20);
    assert_eq!((second.inserted, second.unchanged), (19, 1));
    assert!(second.known_hit);
    assert_eq!(topic_rows(&store).await, 39);
    assert_eq!(store.latest_change_seq().await.unwrap(), 39);
}

#[tokio::test]
async fn many_topics_in_one_millisecond_are_all_kept_and_listed_once() {
    let (_dir, store) = open().await;
    let same_ms = BASE_MS - 5000;
    let mut all: Vec<Topic> = (100..150).map(|id| talk(id, same_ms, json!({}))).collect();
    all.extend((1..=10).map(|i| talk(i, BASE_MS - i * 10_000, json!({}))));
    // Overlapping pages of 20, as an inclusive cursor stuck on one millisecond delivers them.
    for window in [&all[..20], &all[15..35], &all[30..50], &all[45..]] {
        store
            .commit_page(GROUP, &ALL, &batch(window), &cursor_at(same_ms))
            .await
            .unwrap();
    }
    assert_eq!(topic_rows(&store).await, 60);
    let page = store
        .timeline(GROUP, &TimelineFilter::All, None, 100)
        .await
        .unwrap();
    let same: Vec<i64> = page
        .iter()
        .filter(|t| t.create_time.to_unix_millis() == same_ms)
        .map(|t| t.topic_id.get())
        .collect();
    assert_eq!(
        same,
        (100..150).rev().collect::<Vec<_>>(),
        "id order within the millisecond"
    );
}

#[tokio::test]
async fn timeline_pages_by_keyset_without_skips_or_repeats() {
    let (_dir, store) = open().await;
    // 45 topics, three of every millisecond, so page boundaries fall inside a millisecond.
    let all: Vec<Topic> = (1..=45)
        .map(|i| talk(i, BASE_MS - (i / 3) * 1000, json!({})))
        .collect();
    store
        .commit_page(GROUP, &ALL, &batch(&all), &SyncCursor::default())
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .timeline(GROUP, &TimelineFilter::All, after, 7)
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.key());
        seen.extend(
            page.iter()
                .map(|t| (t.create_time.to_unix_millis(), t.topic_id.get())),
        );
    }
    let mut expected: Vec<(i64, i64)> = all
        .iter()
        .map(|t| (t.create_time.unwrap().to_unix_millis(), t.topic_id.get()))
        .collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(seen, expected);

    // Filters use the same cursor.
    let hashtag = store
        .timeline(GROUP, &TimelineFilter::Hashtag("读书".into()), None, 100)
        .await
        .unwrap();
    assert_eq!(hashtag.len(), 45);
    let digests = store
        .timeline(GROUP, &TimelineFilter::Digests, None, 100)
        .await
        .unwrap();
    assert!(digests.is_empty());
}

fn comment(id: i64, ms: i64, replies: Vec<serde_json::Value>) -> serde_json::Value {
    json!({
        "comment_id": id,
        "create_time": ts(ms).to_string(),
        "owner": {"user_id": 2000 + id % 5, "name": "评论者"},
        "text": format!("评论 {id}"),
        "likes_count": 0,
        "replied_comments": replies,
    })
}

#[tokio::test]
async fn comment_threads_are_committed_and_leave_threads_to_fetch_when_complete() {
    let (_dir, store) = open().await;
    let topics = vec![
        talk(1, BASE_MS, json!({"comments_count": 3})),
        talk(2, BASE_MS - 1, json!({"comments_count": 0})),
    ];
    store
        .commit_page(GROUP, &ALL, &batch(&topics), &SyncCursor::default())
        .await
        .unwrap();
    let todo = store.threads_to_fetch(GROUP, 10).await.unwrap();
    assert_eq!(
        todo,
        [ThreadToFetch {
            topic_id: TopicId::new(1),
            expected: 3,
            stored: 0,
            resume_at: None
        }]
    );

    // First page of two, interrupted: the walk resumes at the last top-level comment.
    let page1: Vec<Comment> =
        serde_json::from_value(json!([comment(11, BASE_MS + 10, vec![])])).unwrap();
    let out = store
        .commit_comments(TopicId::new(1), &page1, Some(ts(BASE_MS + 10)))
        .await
        .unwrap();
    assert_eq!(out.inserted, 1);
    let todo = store.threads_to_fetch(GROUP, 10).await.unwrap();
    assert_eq!(todo[0].resume_at, Some(ts(BASE_MS + 10)));
    assert_eq!(todo[0].stored, 1);

    // The last page repeats the boundary comment and brings one with a nested reply.
    let reply = json!({
        "comment_id": 13, "parent_comment_id": 12, "create_time": ts(BASE_MS + 30).to_string(),
        "owner": {"user_id": 2001, "name": "回复者"}, "text": "回复",
        "repliee": {"user_id": 2002, "name": "评论者"},
    });
    let page2: Vec<Comment> = serde_json::from_value(json!([
        comment(11, BASE_MS + 10, vec![]),
        comment(12, BASE_MS + 20, vec![reply]),
    ]))
    .unwrap();
    let out = store
        .commit_comments(TopicId::new(1), &page2, None)
        .await
        .unwrap();
    assert_eq!((out.inserted, out.unchanged), (2, 1));
    assert_eq!(store.comment_count(TopicId::new(1)).await.unwrap(), 3);
    assert!(store.threads_to_fetch(GROUP, 10).await.unwrap().is_empty());
    let thread = store.topic(TopicId::new(1)).await.unwrap().unwrap();
    let reply = thread
        .comments
        .iter()
        .find(|c| c.comment_id.get() == 13)
        .unwrap();
    assert_eq!(reply.parent_comment_id.map(|id| id.get()), Some(12));

    // A new comment moves the count: the thread needs a walk again.
    store
        .commit_page(
            GROUP,
            &ALL,
            &batch(&[talk(1, BASE_MS, json!({"comments_count": 4}))]),
            &SyncCursor::default(),
        )
        .await
        .unwrap();
    let todo = store.threads_to_fetch(GROUP, 10).await.unwrap();
    assert_eq!(todo.len(), 1);
    assert_eq!((todo[0].expected, todo[0].stored), (4, 3));
    assert_eq!(
        todo[0].resume_at, None,
        "a moved count walks the whole thread"
    );

    // Comments of an unknown topic are refused rather than orphaned.
    assert!(matches!(
        store.commit_comments(TopicId::new(999), &page1, None).await,
        Err(StoreError::UnknownTopic { topic_id: 999 })
    ));
}

/// Issue 17: two processes opening an archive of an older schema at once both applied the
/// newest migration; the second failed on a column the first had just added. Here four
/// handles (each its own connections, as processes would have) open an archive taken back to
/// schema 6, several times over; every one opens, and the upgrade is applied once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_archive_opened_by_several_processes_at_once_is_upgraded_once() {
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::open(dir.path()).unwrap();
        let store = Store::open(&data).await.unwrap();
        for statement in [
            "ALTER TABLE images DROP COLUMN cache_failures",
            "ALTER TABLE images DROP COLUMN cache_retry_at_ms",
            "DELETE FROM _sqlx_migrations WHERE version = 7",
            "PRAGMA user_version = 6",
        ] {
            sqlx::query(statement).execute(&store.pool).await.unwrap();
        }
        store.close().await;
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let data = data.clone();
                tokio::spawn(async move { Store::open(&data).await })
            })
            .collect();
        for open in opens {
            let store = open.await.unwrap().expect("every handle opens the archive");
            assert_eq!(
                schema::recorded_version(&store.pool).await.unwrap(),
                schema::latest_version()
            );
            store.close().await;
        }
    }
}

#[tokio::test]
async fn an_archive_from_a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let store = Store::open(&data).await.unwrap();
    let supported = schema::latest_version();
    assert_eq!(
        schema::recorded_version(&store.pool).await.unwrap(),
        supported
    );
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "PRAGMA user_version = {}",
        supported + 1
    )))
    .execute(&store.pool)
    .await
    .unwrap();
    store.close().await;
    match Store::open(&data).await {
        Err(StoreError::NewerSchema {
            found,
            supported: s,
        }) => {
            assert_eq!((found, s), (supported + 1, supported));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }

    // A migration this build does not know, recorded by sqlx alone, is refused too.
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::open(dir.path()).unwrap();
    let store = Store::open(&data).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (?, 'from the future', 1, x'00', 0)",
    )
    .bind(supported + 5)
    .execute(&store.pool)
    .await
    .unwrap();
    store.close().await;
    assert!(matches!(
        Store::open(&data).await,
        Err(StoreError::NewerSchema { found, .. }) if found == supported + 5
    ));

    // Reopening a current archive is fine and keeps its rows.
    let (_dir, store) = open().await;
    store
        .commit_page(
            GROUP,
            &ALL,
            &batch(&[talk(1, BASE_MS, json!({}))]),
            &SyncCursor::default(),
        )
        .await
        .unwrap();
    let path = store.path().to_owned();
    store.close().await;
    let again = Store::open(&DataDir::open(path.parent().unwrap()).unwrap())
        .await
        .unwrap();
    assert_eq!(topic_rows(&again).await, 1);
}

/// Walks a generated circle of the simulator — topics with the real pager and the inclusive
/// cursor, every thread page by page — into the store, and compares with the sim's truth.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walked_simulator_dataset_counts_exactly_like_its_truth() {
    let sim = zsxq_sim::serve(
        zsxq_sim::SimConfig {
            dataset: zsxq_sim::Dataset::Generated(600),
            same_millisecond_runs: true,
            ..zsxq_sim::SimConfig::default()
        },
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let config = ClientConfig {
        pacing: Pacing::none(),
        retry: RetryPolicy::immediate(3),
        ..ClientConfig::with_base_url(sim.base_url())
    };
    let client = Client::new(config, AccessToken::new(sim.token()).unwrap()).unwrap();
    let (_dir, store) = open().await;

    let groups = client.groups().await.unwrap().data.groups;
    store.upsert_circles(&groups).await.unwrap();
    for group in &groups {
        let group = group.group_id;
        let source = TopicSource::Group {
            group,
            scope: TopicScope::All,
        };
        let mut pager = TopicPager::new(&client, source).page_size(20);
        while let Some(page) = pager.next_page().await.unwrap() {
            let cursor = SyncCursor {
                backfill_end_time: pager.cursor(),
                exhausted: pager.is_finished(),
                ..SyncCursor::default()
            };
            store
                .commit_page(group, &ALL, &page.data, &cursor)
                .await
                .unwrap();
        }
        assert_eq!(pager.stuck_milliseconds(), 0);
        loop {
            let todo = store.threads_to_fetch(group, 50).await.unwrap();
            if todo.is_empty() {
                break;
            }
            for thread in todo {
                walk_thread(&client, &store, thread).await;
            }
        }
    }

    let counts = serde_json::to_value(store.counts().await.unwrap()).unwrap();
    let truth = serde_json::to_value(sim.truth()).unwrap();
    assert_eq!(counts, truth);
    // Same-millisecond topics exist in the dataset, and none was lost to them.
    let shared_ms: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT 1 FROM topics GROUP BY group_id, create_time_ms
                               HAVING COUNT(*) > 1)",
    )
    .fetch_one(&store.pool)
    .await
    .unwrap();
    assert!(
        shared_ms > 0,
        "the dataset should contain shared milliseconds"
    );
}

async fn walk_thread(client: &Client, store: &Store, thread: ThreadToFetch) {
    let mut begin = thread.resume_at;
    loop {
        let query = begin.map_or_else(CommentsQuery::default, CommentsQuery::from);
        let page = client.comments(thread.topic_id, &query).await.unwrap().data;
        let last = page.comments.iter().filter_map(|c| c.create_time).max();
        let full = page.comments.len() >= usize::try_from(query.count).unwrap();
        let next = if full && last != begin { last } else { None };
        store
            .commit_comments(thread.topic_id, &page.comments, next)
            .await
            .unwrap();
        match next {
            Some(next) => begin = Some(next),
            None => break,
        }
    }
}

/// Migration 10 copies the change feed into a table that accepts `document`: its sequence
/// goes on from the old table's counter, not from its last row (a pruned or rolled-back tail
/// must not hand out a number again), and the constraint still refuses unknown entities.
#[tokio::test]
async fn the_change_feed_keeps_its_sequence_across_migration_10() {
    let dir = tempfile::tempdir().unwrap();
    let pool = SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("old.sqlite3"))
            .create_if_missing(true),
    )
    .await
    .unwrap();
    // The feed as migration 1 made it, with numbers 1 to 5 handed out and the 5th gone.
    sqlx::raw_sql(
        "CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL CHECK (entity IN ('topic', 'comment', 'article')),
            entity_id INTEGER NOT NULL, group_id INTEGER NOT NULL, topic_id INTEGER NOT NULL,
            op TEXT NOT NULL CHECK (op IN ('insert', 'update')),
            fields TEXT NOT NULL DEFAULT '[]');
         INSERT INTO changes (entity, entity_id, group_id, topic_id, op)
            VALUES ('topic', 1, 1, 1, 'insert'), ('topic', 2, 1, 2, 'insert'),
                   ('comment', 3, 1, 2, 'insert'), ('topic', 4, 1, 4, 'insert'),
                   ('topic', 5, 1, 5, 'insert');
         DELETE FROM changes WHERE seq = 5;",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::raw_sql(include_str!("../../migrations/0010_documents.sql"))
        .execute(&pool)
        .await
        .unwrap();
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO changes (entity, entity_id, group_id, topic_id, op)
         VALUES ('document', 1, 0, 1, 'insert') RETURNING seq",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(seq, 6);
    let kept: Vec<(i64, String)> = sqlx::query_as("SELECT seq, entity FROM changes ORDER BY seq")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(kept.len(), 5);
    assert_eq!(kept[2], (3, "comment".to_owned()));
    assert!(
        sqlx::query("INSERT INTO changes (entity, entity_id, group_id, topic_id, op) VALUES ('bogus', 1, 0, 1, 'insert')")
            .execute(&pool)
            .await
            .is_err()
    );
}
