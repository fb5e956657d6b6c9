//! The reading views (`orrery_core::reader`) and the app's sync schedule, over archives synced
//! from `zsxq-sim` on loopback into real SQLite files: timelines page through exactly what the
//! archive holds, each tab and filter is the subset it names, reading moves the unread counts,
//! and hostile content comes out as inert HTML.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::time::Duration;

use orrery_core::reader;
use orrery_core::store::Store;
use orrery_core::sync::{CancellationToken, SyncEngine, SyncOptions};
use orrery_ipc::commands::{
    PartRole, SyncStateDto, SyncStatusDto, TabDto, TimelineArgs, TopicDto, TopicKindDto,
    TopicRowDto,
};
use orrery_ipc::id::{self as ipc, CircleId};
use orrery_testkit::{client, client_as, open_store, sim, unpaced};
use tokio::sync::watch;
use zsxq::{GroupId, TopicId};
use zsxq_sim::{Dataset, SimHandle};

fn engine(store: &Store, sim: &SimHandle) -> SyncEngine {
    SyncEngine::new(store.clone(), client(sim), SyncOptions::default())
}

async fn synced(dir: &Path, sim: &SimHandle) -> Store {
    let store = open_store(dir).await;
    engine(&store, sim)
        .run_once(&CancellationToken::new())
        .await
        .unwrap();
    store
}

/// Every row of a timeline, paged `page` at a time.
async fn all_rows(
    store: &Store,
    circle: CircleId,
    tab: TabDto,
    hashtag: Option<&str>,
) -> Vec<TopicRowDto> {
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let page = reader::timeline(
            store,
            &TimelineArgs {
                circle,
                tab,
                hashtag: hashtag.map(str::to_owned),
                column: None,
                after,
                limit: 37,
            },
        )
        .await
        .unwrap();
        rows.extend(page.topics);
        match page.next {
            Some(next) => after = Some(next),
            None => return rows,
        }
    }
}

async fn open(store: &Store, id: ipc::TopicId) -> TopicDto {
    reader::open_topic(store, TopicId::new(id.get()), 1)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timelines_tabs_filters_and_unread_counts_follow_the_archive() {
    let sim = sim(Dataset::Generated(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let store = synced(dir.path(), &sim).await;
    let truth = sim.truth();
    let overview = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap();
    assert_eq!(overview.circles.len(), truth.circles.len());

    let db = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", store.path().display()))
        .await
        .unwrap();
    for (circle, expected) in overview.circles.iter().zip(&truth.circles) {
        assert_eq!(circle.id.to_string(), expected.group_id);
        // Nothing is read yet: every topic is unread.
        assert_eq!(
            (circle.topics, circle.unread),
            (expected.topics, expected.topics)
        );

        let latest = all_rows(&store, circle.id, TabDto::Latest, None).await;
        assert_eq!(
            latest.len() as u64,
            expected.topics,
            "{}: paging lost or repeated topics",
            circle.name
        );
        let ids: HashSet<ipc::TopicId> = latest.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), latest.len());
        assert!(
            latest.windows(2).all(|w| w[0].time_ms >= w[1].time_ms),
            "newest first"
        );

        let subset = |f: &dyn Fn(&TopicRowDto) -> bool| -> BTreeSet<ipc::TopicId> {
            latest.iter().filter(|r| f(r)).map(|r| r.id).collect()
        };
        let ids_of = |rows: Vec<TopicRowDto>| -> BTreeSet<ipc::TopicId> {
            rows.into_iter().map(|r| r.id).collect()
        };
        let digests = ids_of(all_rows(&store, circle.id, TabDto::Digests, None).await);
        assert_eq!(digests, subset(&|r| r.digest));
        let questions = ids_of(all_rows(&store, circle.id, TabDto::Questions, None).await);
        assert_eq!(questions, subset(&|r| r.kind == TopicKindDto::Question));
        assert!(!questions.is_empty());
        let tasks = ids_of(all_rows(&store, circle.id, TabDto::Tasks, None).await);
        assert_eq!(tasks, subset(&|r| r.kind == TopicKindDto::Task));

        // 只看星主: exactly the topics whose author is the circle's owner.
        let owner: Vec<(i64,)> = sqlx::query_as(
            "SELECT t.topic_id FROM topics t JOIN circles c ON c.group_id = t.group_id
             WHERE t.group_id = ? AND t.author_id = json_extract(c.raw_json, '$.owner.user_id')",
        )
        .bind(circle.id.get())
        .fetch_all(&db)
        .await
        .unwrap();
        let owner: BTreeSet<ipc::TopicId> = owner
            .into_iter()
            .map(|(id,)| ipc::TopicId::new(id))
            .collect();
        assert!(
            !owner.is_empty(),
            "the owner posts in every generated circle"
        );
        assert_eq!(
            ids_of(all_rows(&store, circle.id, TabDto::Owner, None).await),
            owner
        );

        // The most used hashtag's timeline holds exactly the topics that carry it.
        let filters = reader::circle_filters(&store, GroupId::new(circle.id.get()))
            .await
            .unwrap();
        if let Some(tag) = filters.hashtags.first() {
            let tagged = all_rows(&store, circle.id, TabDto::Latest, Some(&tag.id)).await;
            assert_eq!(tagged.len() as u64, tag.topics);
            for row in tagged.iter().take(5) {
                assert!(open(&store, row.id).await.hashtags.contains(&tag.name));
            }
        }
    }

    // Reading one topic makes it read (the hashtag checks above read a few already); marking a
    // circle read clears it.
    let overview = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap();
    let circle = &overview.circles[0];
    let rows = all_rows(&store, circle.id, TabDto::Latest, None).await;
    let first = rows.iter().find(|r| r.unread).unwrap();
    let topic = open(&store, first.id).await;
    assert!(!topic.row.unread);
    let after = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap();
    let unread = |o: &orrery_ipc::commands::ArchiveOverviewDto, id: CircleId| {
        o.circles.iter().find(|c| c.id == id).unwrap().unread
    };
    assert_eq!(unread(&after, circle.id), circle.unread - 1);
    let rows = all_rows(&store, circle.id, TabDto::Latest, None).await;
    assert!(!rows.iter().find(|r| r.id == first.id).unwrap().unread);
    store
        .mark_circle_read(GroupId::new(circle.id.get()), i64::MAX)
        .await
        .unwrap();
    let after = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap();
    assert_eq!(unread(&after, circle.id), 0);
    assert_eq!(
        unread(&after, overview.circles[1].id),
        overview.circles[1].unread,
        "other circles untouched"
    );

    // An answered question reads question, then answer.
    let answered = rows
        .iter()
        .find(|r| r.kind == TopicKindDto::Question && r.answered)
        .unwrap();
    let roles: Vec<PartRole> = open(&store, answered.id)
        .await
        .parts
        .iter()
        .map(|p| p.role)
        .collect();
    assert_eq!(roles, [PartRole::Question, PartRole::Answer]);

    // A task is read with the solutions submitted to it, each one a solution topic of the
    // archive that names this task.
    let mut with_solutions = 0;
    for circle in &overview.circles {
        for task in all_rows(&store, circle.id, TabDto::Tasks, None).await {
            let parts = open(&store, task.id).await.parts;
            assert_eq!(parts[0].role, PartRole::Task);
            let submitted: Vec<(i64,)> = sqlx::query_as(
                "SELECT topic_id FROM topics WHERE kind = 'solution'
                 AND json_extract(raw_json, '$.solution.task_id') = ?",
            )
            .bind(task.id.get())
            .fetch_all(&db)
            .await
            .unwrap();
            assert_eq!(parts.len() - 1, submitted.len(), "task {}", task.id);
            assert!(parts[1..].iter().all(|p| p.role == PartRole::Solution));
            with_solutions += usize::from(!submitted.is_empty());
        }
    }
    assert!(with_solutions > 0, "no generated task had a solution");
}

/// Every tag of `html` is one the renderers allow, with allowed attributes only, and every
/// link is a web link: what a payload would need to run is never there.
fn assert_inert(html: &str, context: &str) {
    const TAGS: &[&str] = &[
        "p",
        "br",
        "strong",
        "em",
        "a",
        "span",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "b",
        "i",
        "u",
        "s",
        "blockquote",
        "pre",
        "code",
        "ul",
        "ol",
        "li",
        "hr",
        "div",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "sub",
        "sup",
    ];
    const ATTRIBUTES: &[&str] = &[
        "href",
        "target",
        "rel",
        "class",
        "data-hashtag-id",
        "data-user-id",
    ];
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        let end = rest[at..].find('>').map(|e| at + e).unwrap_or(rest.len());
        let tag = &rest[at + 1..end];
        rest = &rest[end.min(rest.len())..];
        let tag = tag.trim_start_matches('/');
        let mut parts = tag.split_whitespace();
        let name = parts.next().unwrap_or_default().to_ascii_lowercase();
        assert!(
            TAGS.contains(&name.as_str()),
            "{context}: tag <{name}> in {html}"
        );
        for attribute in tag
            .split('"')
            .step_by(2)
            .flat_map(str::split_whitespace)
            .skip(1)
        {
            let key = attribute
                .split('=')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if key.is_empty() {
                continue;
            }
            assert!(
                ATTRIBUTES.contains(&key.as_str()),
                "{context}: attribute {key} in {html}"
            );
        }
        if let Some(href) = tag.split("href=\"").nth(1) {
            let href = href
                .split('"')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            assert!(
                href.starts_with("https://") || href.starts_with("http://"),
                "{context}: href {href}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_topics_come_out_as_inert_html_with_their_text() {
    use zsxq_sim::hostile::MARKER;
    let sim = sim(Dataset::Hostile).await;
    let dir = tempfile::tempdir().unwrap();
    let store = synced(dir.path(), &sim).await;
    let overview = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap();
    let mut opened = 0;
    let mut articles = 0;
    for circle in &overview.circles {
        for row in all_rows(&store, circle.id, TabDto::Latest, None).await {
            let topic = open(&store, row.id).await;
            let html: Vec<&str> = topic
                .parts
                .iter()
                .map(|p| p.html.as_str())
                .chain(topic.comments.iter().map(|c| c.html.as_str()))
                .chain(topic.article.iter().filter_map(|a| a.html.as_deref()))
                .collect();
            for piece in &html {
                assert_inert(piece, &row.id.to_string());
            }
            assert!(
                topic.parts.iter().any(|p| p.html.contains(MARKER)),
                "{}: text lost",
                row.id
            );
            if let Some(article) = &topic.article {
                articles += usize::from(article.html.is_some());
                if let Some(url) = &article.url {
                    assert!(url.starts_with("http"), "article url {url}");
                }
            }
            opened += 1;
        }
    }
    assert_eq!(
        opened as u64,
        sim.truth().circles.iter().map(|c| c.topics).sum::<u64>()
    );
    assert!(
        articles > 0,
        "the hostile articles were archived and rendered"
    );
}

/// Waits until the schedule's status satisfies `pred`.
async fn until(
    status: &mut watch::Receiver<SyncStatusDto>,
    pred: impl Fn(&SyncStatusDto) -> bool,
) -> SyncStatusDto {
    let found = tokio::time::timeout(Duration::from_secs(120), status.wait_for(|s| pred(s)))
        .await
        .map(|found| found.unwrap().clone());
    found.unwrap_or_else(|_| panic!("no such status in time; last: {:?}", *status.borrow()))
}

/// The app's schedule: it syncs at once, "cancel" stops only the run in progress, "sync now"
/// starts one during the pause, and the archive ends exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_syncs_at_once_cancels_a_run_and_syncs_on_demand() {
    let sim = sim(Dataset::Generated(3000)).await;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    let schedule = engine(&store, &sim).schedule(Duration::from_secs(3600));
    let mut status = schedule.status();

    let running = until(&mut status, |s| {
        s.state == SyncStateDto::Syncing && s.pages > 0
    })
    .await;
    assert_eq!(running.circles_total, 3);
    schedule.cancel_run();
    let stopped = until(&mut status, |s| s.state != SyncStateDto::Syncing).await;
    assert_eq!(
        stopped.state,
        SyncStateDto::Idle,
        "a cancelled run is idle: {stopped:?}"
    );
    assert!(
        !schedule.is_finished(),
        "cancelling a run keeps the schedule"
    );
    assert_eq!(
        store.last_caught_up_ms().await.unwrap(),
        None,
        "a cancelled run is not a sync"
    );

    // The interval is an hour: only "sync now" can start the next run.
    schedule.sync_now();
    let done = until(&mut status, |s| s.state == SyncStateDto::CaughtUp).await;
    assert!(done.last_synced_ms.is_some() && done.error.is_none());
    let counts = serde_json::to_value(store.counts().await.unwrap()).unwrap();
    assert_eq!(counts, serde_json::to_value(sim.truth()).unwrap());

    schedule.shutdown();
    tokio::time::timeout(Duration::from_secs(30), async {
        while !schedule.is_finished() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the schedule ends after shutdown");

    // After a restart the status bar still knows when the archive last caught up: here the
    // new schedule's run is refused (401), which changes nothing of it.
    let recorded = store.last_caught_up_ms().await.unwrap().expect("recorded");
    assert!(recorded.abs_diff(done.last_synced_ms.unwrap()) < 10_000);
    drop(store);
    let store = open_store(dir.path()).await;
    let refused = client_as(unpaced(sim.base_url()), "not-the-token");
    let restarted = SyncEngine::new(store.clone(), refused, SyncOptions::default())
        .schedule(Duration::from_secs(3600));
    let mut status = restarted.status();
    let after = until(&mut status, |s| s.state == SyncStateDto::NeedsLogin).await;
    assert_eq!(after.last_synced_ms, Some(recorded));
    restarted.shutdown();
}
