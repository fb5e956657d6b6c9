//! The reading views (`orrery_core::reader`) and the app's sync schedule, over archives synced
//! from `zsxq-sim` on loopback into real SQLite files: timelines page through exactly what the
//! archive holds, each tab and filter is the subset it names, reading moves the unread counts,
//! hostile content comes out as inert HTML, and what the service changed after the fact
//! (deletions, edits) is shown marked with the earlier text kept.

#![allow(clippy::unwrap_used)] // Test code: a panic is the report.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
use zsxq_sim::{Act, Dataset, SimHandle};

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

/// Every row of a timeline, 37 at a time.
async fn all_rows(
    store: &Store,
    circle: CircleId,
    tab: TabDto,
    hashtag: Option<&str>,
) -> Vec<TopicRowDto> {
    rows_of(store, circle, tab, hashtag, false).await
}

/// Every row of a timeline, without the topics deleted on the service when `hide_deleted`.
async fn rows_of(
    store: &Store,
    circle: CircleId,
    tab: TabDto,
    hashtag: Option<&str>,
    hide_deleted: bool,
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
                hide_deleted,
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
        .mark_circle_read(GroupId::new(circle.id.get()), false)
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
    let (mut opened, mut articles, mut files) = (0, 0, 0);
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
            // Issue 17: `x\u{202E}fdp.exe` read as `xexe.pdf`. A file shows under the name it
            // is saved as, with nothing in it that reorders or hides text.
            for file in topic.parts.iter().flat_map(|p| &p.files) {
                files += 1;
                assert!(
                    !file.name.contains(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') || c.is_control()),
                    "{}: file name {:?}",
                    row.id,
                    file.name
                );
            }
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
    assert!(files > 0, "the hostile posts attach files");
}

/// Waits until the schedule's status satisfies `pred`.
pub(crate) async fn until(
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
    let schedule = engine(&store, &sim).schedule(Duration::from_secs(3600), false);
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
        .schedule(Duration::from_secs(3600), false);
    let mut status = restarted.status();
    let after = until(&mut status, |s| s.state == SyncStateDto::NeedsLogin).await;
    assert_eq!(after.last_synced_ms, Some(recorded));
    restarted.shutdown();
}

/// A run that fails for a passing reason (here the circle list cannot be fetched: every
/// request gets a 5xx) is tried again after a short, growing wait, not after the whole
/// interval: the app's schedule once sat out its interval (30 minutes by default) after an
/// archive another process kept busy for a moment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_tries_a_transient_failure_again_before_the_interval() {
    let sim = sim(Dataset::Generated(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    sim.set_faults(zsxq_sim::Faults {
        p_5xx: 1.0,
        ..zsxq_sim::Faults::default()
    });
    let client = client_as(
        zsxq::client::ClientConfig {
            retry: zsxq::client::RetryPolicy::immediate(1),
            ..unpaced(sim.base_url())
        },
        sim.token(),
    );
    let options = SyncOptions {
        retry_delay: Duration::from_millis(200),
        max_retry_delay: Duration::from_millis(400),
        max_retries: 1,
        ..SyncOptions::default()
    };
    let schedule =
        SyncEngine::new(store.clone(), client, options).schedule(Duration::from_secs(3600), false);
    let mut status = schedule.status();
    let failed = until(&mut status, |s| s.state == SyncStateDto::Failed).await;
    assert!(failed.error.is_some(), "{failed:?}");
    sim.set_faults(zsxq_sim::Faults::default());
    let done = until(&mut status, |s| s.state == SyncStateDto::CaughtUp).await;
    assert!(done.error.is_none(), "{done:?}");
    schedule.shutdown();
}

/// Offline (issue 18): the schedule says "offline", not "failed", asks nothing while the cable
/// is out and raises no retry storm, then syncs by itself within the first wait once it is
/// back — before the hour-long interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_the_schedule_waits_for_the_network_quietly_and_goes_on_by_itself() {
    let sim = sim(Dataset::Generated(300)).await;
    let cable = orrery_testkit::Cable::to(sim.base_url()).await;
    cable.unplug().await;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    let client = client_as(unpaced(&cable.base_url()), sim.token());
    let engine = SyncEngine::new(store.clone(), client, SyncOptions::default());
    let mut events = engine.subscribe();
    let schedule = engine.schedule(Duration::from_secs(3600), false);
    let mut status = schedule.status();

    let offline = until(&mut status, |s| s.state == SyncStateDto::Offline).await;
    assert_eq!(offline.error, None, "offline is not an error: {offline:?}");
    assert_eq!(sim.requests().total, 0);
    cable.plug().await;
    let done = until(&mut status, |s| s.state == SyncStateDto::CaughtUp).await;
    assert!(done.error.is_none(), "{done:?}");
    assert!(!store.circles().await.unwrap().is_empty());
    schedule.shutdown();
    // Going offline and coming back was not a failure retried on a clock.
    while let Ok(event) = events.try_recv() {
        assert!(
            !matches!(
                event,
                orrery_core::sync::SyncEvent::Retrying { .. }
                    | orrery_core::sync::SyncEvent::CircleFailed { .. }
            ),
            "{event:?}"
        );
    }
}

/// Issue 21: "mark all as read" goes back to the service's read markers (the phone's unread
/// counts), paced, at the next sync, when the Settings allow; never moving a marker back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn marking_a_circle_read_moves_the_services_read_markers_at_the_next_sync() {
    use orrery_core::sync::Depth;
    use zsxq::{MenuReadTime, MenuReadTimes, Timestamp};

    const PUT: &str = "PUT /v2/groups/{group_id}/menus/last_read_time";
    let sim = sim(Dataset::Generated(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let store = synced(dir.path(), &sim).await;
    let group = store.circles().await.unwrap()[0].group_id;
    let service = client(&sim);
    let markers = || async { service.last_read_times(group).await.unwrap().data.menus };
    let before = markers().await;
    assert!(before.len() >= 2, "{before:?}");
    // The member's phone has read one tab further than now.
    let now = now_ms();
    let ahead = Timestamp::from_unix_millis(now + 86_400_000).unwrap();
    let phone = MenuReadTimes {
        menus: vec![MenuReadTime {
            menu_id: before[0].menu_id,
            last_read_time: ahead,
        }],
    };
    service.set_last_read_times(group, &phone).await.unwrap();
    let engine = engine(&store, &sim);
    let cancel = CancellationToken::new();

    // Marked read with the switch off: nothing is owed, nothing sent.
    store.mark_circle_read(group, false).await.unwrap();
    engine.run_with(&cancel, Depth::Light).await.unwrap();
    assert_eq!(sim.requests().route(PUT), 1, "only the phone's");

    // On: the next sync moves every tab behind to the time read (the newest archived topic's),
    // and leaves the one ahead.
    let read = store.mark_circle_read(group, true).await.unwrap().unwrap();
    assert!(read <= now);
    engine.run_with(&cancel, Depth::Light).await.unwrap();
    for marker in markers().await {
        let expected = if marker.menu_id == before[0].menu_id {
            ahead.to_unix_millis()
        } else {
            read.max(marker_before(&before, marker.menu_id))
        };
        assert_eq!(
            marker.last_read_time.to_unix_millis(),
            expected,
            "{marker:?}"
        );
    }
    assert!(store.read_markers_owed().await.unwrap().is_empty());
    // Paid once.
    engine.run_with(&cancel, Depth::Light).await.unwrap();
    assert_eq!(sim.requests().route(PUT), 2);

    // Another circle read topic by topic (the brief's "done"): the marker may only say what is
    // read without a gap — up to just before the oldest still unread, then everything.
    let other = store.circles().await.unwrap()[1].group_id;
    let mut unread: Vec<(i64, i64)> = store
        .brief_topics(i64::MIN, 100_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.candidate.group_id == other.get())
        .map(|t| (t.candidate.create_time_ms, t.candidate.topic_id))
        .collect();
    unread.sort_unstable();
    let (oldest, rest) = unread.split_first().unwrap();
    let ids =
        |of: &[(i64, i64)]| -> Vec<TopicId> { of.iter().map(|t| TopicId::new(t.1)).collect() };
    store.mark_topics_read(&ids(rest), now, true).await.unwrap();
    let owed = store.read_markers_owed().await.unwrap();
    assert_eq!(owed, [(other, oldest.0 - 1)]);
    store
        .mark_topics_read(&ids(&[*oldest]), now, true)
        .await
        .unwrap();
    let newest = unread.last().unwrap().0;
    assert_eq!(store.read_markers_owed().await.unwrap(), [(other, newest)]);
    engine.run_with(&cancel, Depth::Light).await.unwrap();
    let markers = service.last_read_times(other).await.unwrap().data.menus;
    assert!(
        markers
            .iter()
            .all(|m| m.last_read_time.to_unix_millis() >= newest),
        "{markers:?}"
    );
    assert!(store.read_markers_owed().await.unwrap().is_empty());
}

/// A tab's marker in `markers` (unix ms); 0 when absent.
fn marker_before(markers: &[zsxq::MenuReadTime], menu: zsxq::MenuId) -> i64 {
    markers
        .iter()
        .find(|m| m.menu_id == menu)
        .map_or(0, |m| m.last_read_time.to_unix_millis())
}

fn now_ms() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// The sync that notices deletions and edits, as `history.rs` runs it.
pub(crate) async fn resync(store: &Store, sim: &SimHandle) {
    let options = SyncOptions {
        question_refresh_pages: None,
        retry_delay: Duration::from_millis(1),
        max_retry_delay: Duration::from_millis(20),
        ..SyncOptions::default()
    };
    SyncEngine::new(store.clone(), client(sim), options)
        .run_once(&CancellationToken::new())
        .await
        .unwrap();
}

fn html_of(parts: &[orrery_ipc::commands::PartDto]) -> Vec<&str> {
    parts.iter().map(|p| p.html.as_str()).collect()
}

/// A topic deleted on 知识星球 stays in every tab, marked with when the sync noticed, and
/// leaves the timeline only when asked to; an edited topic is marked and opens with its
/// earlier text rendered as the reader showed it before the edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_topics_stay_marked_and_edited_ones_open_with_their_earlier_text() {
    let sim = sim(Dataset::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let store = synced(dir.path(), &sim).await;
    let circle = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap()
        .circles[0]
        .id;
    let before = all_rows(&store, circle, TabDto::Latest, None).await;
    assert!(
        before
            .iter()
            .all(|r| r.deleted_at_ms.is_none() && !r.edited),
        "nothing changed yet"
    );
    // Recent topics: the sync looks for deletions among what the newest pages should hold.
    let (edited, deleted) = (before[3].id, before[7].id);
    let old_view = open(&store, edited).await;
    let old_text = store
        .topic(TopicId::new(edited.get()))
        .await
        .unwrap()
        .unwrap()
        .summary
        .plain_text;
    assert!(sim.act(Act::Edit(edited.get())));
    assert!(sim.act(Act::Delete(deleted.get())));
    // The store stamps a replaced text in whole seconds.
    let started = now_ms() / 1000 * 1000;
    resync(&store, &sim).await;
    let ended = now_ms();

    let after = all_rows(&store, circle, TabDto::Latest, None).await;
    assert_eq!(after.len(), before.len(), "nothing leaves the archive");
    let row = |id| after.iter().find(|r| r.id == id).unwrap();
    let noticed = row(deleted).deleted_at_ms.expect("marked deleted");
    assert!((started..=ended).contains(&noticed), "{noticed}");
    assert!(!row(deleted).edited);
    assert!(row(edited).edited && row(edited).deleted_at_ms.is_none());
    assert_eq!(
        after.iter().filter(|r| r.deleted_at_ms.is_some()).count(),
        1
    );
    assert_eq!(after.iter().filter(|r| r.edited).count(), 1);

    // Hiding deleted topics takes out that one topic and nothing else, in every tab.
    for tab in TabDto::ALL {
        let shown: Vec<ipc::TopicId> = all_rows(&store, circle, tab, None)
            .await
            .into_iter()
            .map(|r| r.id)
            .filter(|&id| id != deleted)
            .collect();
        let hidden: Vec<ipc::TopicId> = rows_of(&store, circle, tab, None, true)
            .await
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(hidden, shown, "{tab:?}");
    }

    let topic = open(&store, edited).await;
    assert!(topic.row.edited && topic.modified_ms.is_some());
    assert_eq!(topic.revisions.len(), 1, "{:?}", topic.revisions);
    let earlier = &topic.revisions[0];
    assert_eq!(earlier.revision, 1);
    assert_eq!(earlier.text, old_text);
    assert!((started..=ended).contains(&earlier.replaced_at_ms));
    assert_eq!(html_of(&earlier.parts), html_of(&old_view.parts));
    assert_ne!(html_of(&topic.parts), html_of(&old_view.parts));
    for part in &earlier.parts {
        assert_inert(&part.html, "revision");
    }

    let gone = open(&store, deleted).await;
    assert_eq!(gone.row.deleted_at_ms, Some(noticed));
    assert!(gone.revisions.is_empty());
    assert!(!gone.parts.is_empty(), "its text is kept");
}

/// An earlier text is remote content like the current one: a hostile post, edited, keeps its
/// old version as inert HTML with its text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_earlier_text_of_a_hostile_post_is_inert_html() {
    use zsxq_sim::hostile::MARKER;
    let sim = sim(Dataset::Hostile).await;
    let dir = tempfile::tempdir().unwrap();
    let store = synced(dir.path(), &sim).await;
    let circle = reader::overview(&store, SyncStateDto::CaughtUp)
        .await
        .unwrap()
        .circles[0]
        .id;
    let rows = all_rows(&store, circle, TabDto::Latest, None).await;
    let mut edited = Vec::new();
    for row in rows.iter().take(5) {
        if sim.act(Act::Edit(row.id.get())) {
            edited.push(row.id);
        }
    }
    assert!(!edited.is_empty(), "the simulator edits hostile posts");
    resync(&store, &sim).await;
    let mut checked = 0;
    for id in edited {
        let topic = open(&store, id).await;
        for earlier in &topic.revisions {
            for part in &earlier.parts {
                assert_inert(&part.html, &format!("{id} revision {}", earlier.revision));
            }
            assert!(
                earlier.parts.iter().any(|p| p.html.contains(MARKER)),
                "{id}: earlier text lost"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no edit was archived as a revision");
}

/// The day's request budget is spent (by runs of any process on this archive): the schedule
/// rests until midnight and says so, sends nothing, and still runs when the member asks.
#[tokio::test]
async fn a_spent_daily_budget_holds_the_background_sync_but_not_sync_now() {
    let sim = sim(Dataset::Generated(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let store = open_store(dir.path()).await;
    let today = orrery_core::sync::budget::local_day(now_ms());
    store.add_requests(&today, 120).await.unwrap();
    let options = SyncOptions {
        daily_requests: Some(100),
        ..SyncOptions::default()
    };
    let schedule = SyncEngine::new(store.clone(), client(&sim), options)
        .schedule(Duration::from_secs(3600), false);
    let mut status = schedule.status();
    let resting = until(&mut status, |s| s.resting_until_ms.is_some()).await;
    let midnight = resting.resting_until_ms.unwrap();
    assert!(midnight > now_ms() && midnight - now_ms() <= 25 * 3_600_000);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sim.requests().total, 0, "nothing was sent while resting");

    schedule.sync_now();
    let done = until(&mut status, |s| s.state == SyncStateDto::CaughtUp).await;
    assert_eq!(done.resting_until_ms, None);
    let sent = sim.requests().total;
    assert!(sent > 0);
    // The run counted what it sent toward the day.
    assert_eq!(store.requests_on(&today).await.unwrap(), 120 + sent);
    schedule.shutdown();
}
