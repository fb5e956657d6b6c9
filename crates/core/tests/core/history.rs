//! What the service changes after the fact, against `zsxq-sim`: inline comments that spare
//! thread walks, edits kept as revisions, topics deleted on the service kept and marked.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // Test code: a panic is the report.

use std::time::Duration;

use orrery_core::store::Store;
use orrery_core::sync::{CancellationToken, SyncEngine, SyncOptions, SyncReport, SyncStatus};
use orrery_testkit::temp_store;
use zsxq::TopicId;
use zsxq_sim::{Act, Dataset, SimHandle};

fn options() -> SyncOptions {
    SyncOptions {
        question_refresh_pages: None,
        retry_delay: Duration::from_millis(1),
        max_retry_delay: Duration::from_millis(20),
        ..SyncOptions::default()
    }
}

async fn sync(store: &Store, sim: &SimHandle) -> SyncReport {
    let report = SyncEngine::new(store.clone(), orrery_testkit::client(sim), options())
        .run_once(&CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    report
}

async fn assert_exact(store: &Store, sim: &SimHandle) {
    let counts = serde_json::to_string_pretty(&store.counts().await.unwrap()).unwrap();
    let truth = serde_json::to_string_pretty(&sim.truth()).unwrap();
    assert_eq!(counts, truth, "archive vs simulator truth");
}

const COMMENTS: &str = "GET /v2/topics/{topic_id}/comments";

/// Only threads longer than the 8 comments a list shows inline are walked, one request per
/// 30 top-level comments and one for the short page that ends the walk; before inline comments
/// were used, every topic with any comment cost that walk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_comments_spare_the_walks_of_short_threads_and_replies_are_stored_once() {
    let sim = orrery_testkit::sim(Dataset::Generated(3_000)).await;
    let (_dir, store) = temp_store().await;
    sync(&store, &sim).await;
    assert_exact(&store, &sim).await;

    // Per topic: comments in all, and top-level ones, as archived.
    let db = sqlx::SqlitePool::connect(&format!("sqlite:{}", store.path().display()))
        .await
        .unwrap();
    let threads: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT t.comments_count,
                (SELECT COUNT(*) FROM comments c WHERE c.topic_id = t.topic_id AND c.parent_id IS NULL)
         FROM topics t WHERE t.comments_count > 0",
    )
    .fetch_all(&db)
    .await
    .unwrap();
    let walk = |tops: i64| u64::try_from(tops / 30 + 1).unwrap();
    let expected: u64 = threads
        .iter()
        .filter(|(count, _)| *count > 8)
        .map(|(_, tops)| walk(*tops))
        .sum();
    let every_thread: u64 = threads.iter().map(|(_, tops)| walk(*tops)).sum();
    let spent = sim.requests().route(COMMENTS);
    eprintln!(
        "comment requests for {} topics with comments: {spent} with inline comments, {every_thread} walking every thread",
        threads.len()
    );
    assert_eq!(spent, expected);
    assert!(spent * 2 < every_thread, "{spent} vs {every_thread}");
    let once: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT comment_id FROM comments GROUP BY comment_id HAVING COUNT(*) > 1)",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(once, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_is_archived_with_its_earlier_text_and_a_deletion_is_kept_and_marked() {
    let sim = orrery_testkit::sim(Dataset::Demo).await;
    let (_dir, store) = temp_store().await;
    sync(&store, &sim).await;
    let group = store.circles().await.unwrap()[0].group_id;
    let recent = store.live_topics_after(group, None).await.unwrap();
    let mut newest: Vec<(i64, TopicId)> = Vec::new();
    for id in recent {
        let t = store.topic(id).await.unwrap().unwrap();
        newest.push((t.topic.create_time.unwrap().to_unix_millis(), id));
    }
    newest.sort_unstable_by(|a, b| b.cmp(a));
    let (edited, deleted) = (newest[3].1, newest[7].1);
    let before = store.topic(edited).await.unwrap().unwrap();
    assert!(sim.act(Act::Edit(edited.get())));
    assert!(sim.act(Act::Delete(deleted.get())));

    let report = sync(&store, &sim).await;
    let marked: u64 = report.circles.iter().map(|c| c.topics_deleted).sum();
    assert_eq!(marked, 1, "{report:?}");
    assert_exact(&store, &sim).await;

    let after = store.topic(edited).await.unwrap().unwrap();
    assert_ne!(after.topic.text(), before.topic.text());
    assert!(after.topic.modify_time.is_some());
    let revisions = store.revisions(edited).await.unwrap();
    assert_eq!(revisions.len(), 1, "{revisions:?}");
    assert_eq!(revisions[0].plain_text, before.summary.plain_text);

    assert!(store.topic(deleted).await.unwrap().is_some(), "kept");
    assert!(store.deleted_at(deleted).await.unwrap().is_some(), "marked");
    // Nothing more to notice: a second run marks nothing and keeps one revision.
    let again = sync(&store, &sim).await;
    assert_eq!(
        again.circles.iter().map(|c| c.topics_deleted).sum::<u64>(),
        0
    );
    assert_eq!(store.revisions(edited).await.unwrap().len(), 1);
}

/// Activity edits and deletes recent topics between syncs; each run ends exact, counting only
/// what the service still has, with the archive keeping the deleted ones it had seen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_between_bursts_of_edits_and_deletions_stay_exact() {
    let sim = orrery_testkit::sim(Dataset::Generated(1_500)).await;
    let (_dir, store) = temp_store().await;
    sync(&store, &sim).await;
    let (mut marked, mut revised) = (0, 0);
    for _ in 0..3 {
        sim.advance(150);
        let report = sync(&store, &sim).await;
        marked += report.circles.iter().map(|c| c.topics_deleted).sum::<u64>();
        assert_exact(&store, &sim).await;
    }
    for circle in store.circles().await.unwrap() {
        for id in store
            .live_topics_after(circle.group_id, None)
            .await
            .unwrap()
        {
            revised += store.revisions(id).await.unwrap().len();
        }
    }
    eprintln!(
        "deleted and marked: {marked}, revisions kept: {revised}, deleted on the service: {}",
        sim.truth().deleted()
    );
    assert!(marked > 0 && revised > 0, "{marked} {revised}");
    assert!(marked <= sim.truth().deleted());
}

/// Budgets of zero per round still let every phase move (they count as one): before, the
/// images phase said "more" every round without doing anything, and the run never ended.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn budgets_of_zero_still_end_caught_up() {
    let sim = orrery_testkit::sim(Dataset::Generated(200)).await;
    let (_dir, store) = temp_store().await;
    let stingy = SyncOptions {
        backfill_pages_per_round: Some(0),
        threads_per_round: Some(0),
        articles_per_round: Some(0),
        images_per_round: Some(0),
        ..options()
    };
    let report = SyncEngine::new(store.clone(), orrery_testkit::client(&sim), stingy)
        .run_once(&CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    assert_exact(&store, &sim).await;
}
