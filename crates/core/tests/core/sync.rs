//! The sync engine against `zsxq-sim` over loopback, with pacing off, into real SQLite files in
//! temporary directories. Every test ends by comparing the archive's counts with the
//! simulator's truth, the same JSON `orrery-cli stats --json` and `zsxq-sim truth` print.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // Test code: a panic is the report.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use orrery_core::media::{MediaCache, MediaError};
use orrery_core::store::{Store, SyncScope};
use orrery_core::sync::{
    CancellationToken, CircleState, Phase, SyncEngine, SyncEvent, SyncMode, SyncOptions,
    SyncReport, SyncStatus,
};
use orrery_testkit::temp_store;
use zsxq::client::{ClientConfig, RetryPolicy, TopicScope};
use zsxq::{ApiError, Client, FileId, GroupId, ImageId};
use zsxq_sim::{Dataset, Faults, SimHandle};

mod support {
    use super::*;

    pub async fn sim(topics: u64) -> SimHandle {
        orrery_testkit::sim(Dataset::Generated(topics)).await
    }

    /// An unpaced client with fast retries, for the simulator's faults.
    pub fn client(base_url: &str, token: &str) -> Client {
        let config = ClientConfig {
            retry: RetryPolicy::immediate(8),
            ..orrery_testkit::unpaced(base_url)
        };
        orrery_testkit::client_as(config, token)
    }

    /// The defaults with millisecond engine-level waits and no cap on the answer refresh, so
    /// a run is exact against a simulator whose activity answers old questions.
    pub fn options() -> SyncOptions {
        SyncOptions {
            question_refresh_pages: None,
            max_retries: 10,
            retry_delay: Duration::from_millis(1),
            max_retry_delay: Duration::from_millis(20),
            ..SyncOptions::default()
        }
    }

    pub async fn store(dir: &Path) -> Store {
        orrery_testkit::open_store(dir).await
    }

    /// An engine for the simulator's first token with the test options.
    pub fn engine(store: &Store, sim: &SimHandle) -> SyncEngine {
        SyncEngine::new(
            store.clone(),
            client(sim.base_url(), sim.token()),
            options(),
        )
    }

    pub async fn sync(store: &Store, client: Client, options: SyncOptions) -> SyncReport {
        SyncEngine::new(store.clone(), client, options)
            .run_once(&CancellationToken::new())
            .await
            .unwrap()
    }

    /// The archive's counts and the simulator's truth, as JSON.
    pub async fn counts_and_truth(store: &Store, sim: &SimHandle) -> (String, String) {
        let counts = serde_json::to_string_pretty(&store.counts().await.unwrap()).unwrap();
        let truth = serde_json::to_string_pretty(&sim.truth()).unwrap();
        (counts, truth)
    }

    pub async fn assert_exact(store: &Store, sim: &SimHandle) {
        let (counts, truth) = counts_and_truth(store, sim).await;
        assert_eq!(counts, truth, "archive vs simulator truth");
    }

    /// Topic-list requests between two snapshots of the simulator's counters.
    pub fn topic_requests_between(
        before: &zsxq_sim::RequestStats,
        after: &zsxq_sim::RequestStats,
    ) -> u64 {
        let route = "GET /v2/groups/{group_id}/topics";
        after.route(route) - before.route(route)
    }
}

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_sync_archives_exactly_the_truth() {
    let sim = sim(3000).await;
    let (_dir, store) = temp_store().await;
    let engine = engine(&store, &sim);
    let mut events = engine.subscribe();
    let started = Instant::now();
    let report = engine.spawn(SyncMode::Once).join().await.unwrap();
    let elapsed = started.elapsed();
    eprintln!(
        "full sync of 3000 topics: {elapsed:?}, {} requests, {} rounds",
        report.requests, report.rounds
    );
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    assert!(
        report
            .circles
            .iter()
            .all(|c| c.state == CircleState::CaughtUp)
    );
    assert_exact(&store, &sim).await;
    // Budgets per round were exercised: new content came first in every round.
    assert!(report.rounds > 1, "{report:?}");

    // Articles were fetched and turned into text.
    assert!(store.articles_to_fetch(10).await.unwrap().is_empty());
    let with_text: i64 = report.circles.iter().map(|c| c.articles as i64).sum();
    assert!(with_text > 0, "the dataset announces articles");

    // The events told the story in priority order for each circle.
    let mut first_phase = Vec::new();
    let mut finished = None;
    while let Ok(event) = events.try_recv() {
        match event {
            SyncEvent::PhaseStarted { phase, group_id } if first_phase.len() < 3 => {
                first_phase.push((group_id, phase));
            }
            SyncEvent::Finished { status } => finished = Some(status),
            _ => {}
        }
    }
    assert!(
        first_phase.iter().all(|(_, p)| *p == Phase::New),
        "{first_phase:?}"
    );
    assert_eq!(finished, Some(SyncStatus::CaughtUp));

    // Nothing left: a second run lists the circles and the member's answered questions, probes,
    // refreshes two pages of recent topics and re-reads the 问答 tab down to the oldest open
    // question (a few pages here); no thread, no article.
    let before = sim.requests();
    let again = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(again.status, SyncStatus::CaughtUp);
    let after = sim.requests();
    let circles = sim.truth().circles.len() as u64;
    let spent = after.total - before.total;
    eprintln!("idle re-sync: {spent} requests");
    assert_eq!(spent, 2 + (topic_requests_between(&before, &after)));
    assert!(spent <= 2 + circles * 12, "{spent} requests");
    assert_exact(&store, &sim).await;
}

/// Issue 17: the app and the CLI (here two engines with their own connections, as two
/// processes would have) syncing one archive doubled the account's requests. One waits for the
/// other, says so, and then only finds what little changed.
/// Text first: a first sync with images archives every circle's topics, threads and articles
/// before its first image, and ends with the images all the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_archives_all_text_before_any_image() {
    let sim = sim(1_500).await;
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path()).await;
    let options = SyncOptions {
        backfill_pages_per_round: Some(5),
        threads_per_round: Some(20),
        ..options()
    };
    let engine = SyncEngine::new(store.clone(), client(sim.base_url(), sim.token()), options);
    let mut events = engine.subscribe();
    let report = engine.run_once(&CancellationToken::new()).await.unwrap();
    assert!(report.rounds > 2, "the budgets make several rounds");
    let (mut last_text, mut first_image, mut images, mut at) = (0, None, 0, 0);
    while let Ok(event) = events.try_recv() {
        at += 1;
        match event {
            // Later rounds probe the newest page, which brings nothing new here.
            SyncEvent::PageCommitted { inserted: 1.., .. }
            | SyncEvent::ThreadFetched { .. }
            | SyncEvent::ArticleFetched { .. } => last_text = at,
            SyncEvent::ImageCached { .. } => {
                images += 1;
                first_image.get_or_insert(at);
            }
            _ => {}
        }
    }
    assert!(images > 0, "the images were cached");
    assert!(
        first_image.is_some_and(|first| first > last_text),
        "an image came before the text was in: first image at event {first_image:?}, last text at {last_text}"
    );
    assert_exact(&store, &sim).await;
}

/// `cargo xtask bench sync [--topics N]`: the requests a first sync of `N` topics (20,000)
/// spends before every topic's text, threads and articles are archived (searchable), text
/// first against images interleaved round by round, and in all; each converted to time at the
/// polite pace (4.3 s a request on average).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: `cargo xtask bench sync` runs it"]
async fn text_first_benchmark() {
    let topics = crate::bench_topics(20_000);
    let hours = |requests: u64| requests as f64 * 4.3 / 3600.0;
    eprintln!("first sync of generated:{topics} (zsxq-sim, loopback, pacing off, images on)");
    eprintln!(
        "| order | requests until all text is in | per topic | at 4.3 s | requests in all | at 4.3 s |"
    );
    eprintln!("|---|---|---|---|---|---|");
    for (name, text_first) in [
        ("images interleaved (before)", false),
        ("text first (now)", true),
    ] {
        let sim = sim(topics).await;
        let dir = tempfile::tempdir().unwrap();
        let store = store(dir.path()).await;
        let client = client(sim.base_url(), sim.token());
        let options = SyncOptions {
            text_first,
            ..options()
        };
        let engine = SyncEngine::new(store.clone(), client.clone(), options);
        let mut events = engine.subscribe();
        // The requests sent when each text event arrives; the last is when all text is in.
        let watch = tokio::spawn(async move {
            let mut last_text = 0;
            while let Ok(event) = events.recv().await {
                match event {
                    SyncEvent::PageCommitted { inserted: 1.., .. }
                    | SyncEvent::ThreadFetched { .. }
                    | SyncEvent::ArticleFetched { .. } => {
                        last_text = client.pacing_stats().requests;
                    }
                    SyncEvent::Finished { .. } => break,
                    _ => {}
                }
            }
            last_text
        });
        let report = engine.run_once(&CancellationToken::new()).await.unwrap();
        let text = watch.await.unwrap();
        assert_exact(&store, &sim).await;
        eprintln!(
            "| {name} | {text} | {:.2} | {:.1} h | {} | {:.1} h |",
            text as f64 / topics as f64,
            hours(text),
            report.requests,
            hours(report.requests)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_syncs_of_one_archive_at_once_do_not_double_the_requests() {
    let sim = sim(1500).await;
    let dir = tempfile::tempdir().unwrap();
    let (app, cli) = (store(dir.path()).await, store(dir.path()).await);
    let (app, cli) = (engine(&app, &sim), engine(&cli, &sim));
    let (mut app_events, mut cli_events) = (app.subscribe(), cli.subscribe());
    let before = sim.requests().total;
    let (first, second) = (app.spawn(SyncMode::Once), cli.spawn(SyncMode::Once));
    let (first, second) = (first.join().await.unwrap(), second.join().await.unwrap());
    assert_eq!(first.status, SyncStatus::CaughtUp, "{first:?}");
    assert_eq!(second.status, SyncStatus::CaughtUp, "{second:?}");
    let waited = |events: &mut tokio::sync::broadcast::Receiver<SyncEvent>| {
        std::iter::from_fn(|| events.try_recv().ok()).any(|e| matches!(e, SyncEvent::Waiting))
    };
    let (app_waited, cli_waited) = (waited(&mut app_events), waited(&mut cli_events));
    assert!(
        app_waited != cli_waited,
        "exactly one run waited: app {app_waited}, cli {cli_waited}"
    );
    let (full, after) = if app_waited {
        (second, first)
    } else {
        (first, second)
    };
    let circles = sim.truth().circles.len() as u64;
    assert!(
        after.requests <= 1 + circles * 12,
        "the run that waited re-synced everything: {} requests after {}",
        after.requests,
        full.requests
    );
    assert_eq!(
        sim.requests().total - before,
        full.requests + after.requests
    );
    assert_exact(&store(dir.path()).await, &sim).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_after_activity_fetches_only_what_changed() {
    let sim = sim(1500).await;
    let (_dir, store) = temp_store().await;
    let first = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(first.status, SyncStatus::CaughtUp);
    assert_exact(&store, &sim).await;

    sim.advance(90);
    let before = sim.requests();
    let second = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(second.status, SyncStatus::CaughtUp);
    assert_exact(&store, &sim).await;
    let after = sim.requests();
    let spent = after.total - before.total;
    let topic_pages = topic_requests_between(&before, &after);
    let comment_pages = after.route("GET /v2/topics/{topic_id}/comments")
        - before.route("GET /v2/topics/{topic_id}/comments");
    let new_topics: u64 = second.circles.iter().map(|c| c.topics_inserted).sum();
    eprintln!(
        "incremental: {spent} requests ({topic_pages} topic pages, {comment_pages} comment pages) for {new_topics} new topics; the first sync took {}",
        first.requests
    );
    assert!(new_topics > 0);
    // Per circle: the new pages (30 a page, one repeated at each boundary), the join page, two
    // refresh pages and the open questions; plus one page per thread that moved. Far below a
    // full walk.
    let circles = sim.truth().circles.len() as u64;
    assert!(
        topic_pages <= new_topics / 29 + circles * 10,
        "{topic_pages} topic pages"
    );
    assert!(spent * 4 < first.requests, "{spent} vs {}", first.requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_server_errors_and_cut_off_bodies_still_end_exact() {
    let sim = sim(1500).await;
    sim.set_faults(Faults {
        p_1059: 0.2,
        p_5xx: 0.05,
        p_truncate: 0.02,
        ..Faults::default()
    });
    let (dir, store) = temp_store().await;
    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    sim.set_faults(Faults::default());
    assert_exact(&store, &sim).await;
    assert_token_absent(dir.path(), sim.token());
}

/// The test kit's simulators refuse every request without the right `x-signature` (and ban a
/// token that keeps trying), so a sync that ends exact proves that the client signs exactly the
/// URL it sends, query escapes included; the same client with signing switched off gets
/// nothing archived and a clear stop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_against_strict_signature_checks_ends_exact_and_unsigned_gets_nowhere() {
    let sim = sim(600).await;
    assert_eq!(sim.header_checks().p_unsigned_1059, 1.0, "strict");
    let (_dir, store) = temp_store().await;
    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    assert_exact(&store, &sim).await;

    let unsigned = ClientConfig {
        sign_requests: false,
        retry: RetryPolicy::immediate(8),
        ..orrery_testkit::unpaced(sim.base_url())
    };
    let client = orrery_testkit::client_as(unsigned, sim.token());
    let refused = client.groups().await.map(|_| ());
    assert!(
        matches!(refused, Err(ApiError::Throttled { .. })),
        "{refused:?}"
    );
    let (_dir, store) = temp_store().await;
    let report = SyncEngine::new(store.clone(), client, options())
        .run_once(&CancellationToken::new())
        .await;
    // Refused at the door until the repeated 1059s got the token banned: a sign-in is needed.
    assert!(
        matches!(&report, Ok(r) if r.status == SyncStatus::NeedsLogin),
        "{report:?}"
    );
    assert!(
        store.counts().await.unwrap().circles.is_empty(),
        "nothing archived"
    );
}

/// The token is a secret: no file of the data directory (database, WAL, shared memory) holds it.
fn assert_token_absent(dir: &Path, token: &str) {
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            files += 1;
            let bytes = std::fs::read(&path).unwrap();
            let found = bytes
                .windows(token.len())
                .any(|window| window == token.as_bytes());
            assert!(!found, "the token leaked into {}", path.display());
        }
    }
    assert!(files > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_stops_with_needs_login_and_the_next_sign_in_resumes() {
    let sim = sim(1500).await;
    sim.set_faults(Faults {
        unauthorized_after: Some(120),
        ..Faults::default()
    });
    let (_dir, store) = temp_store().await;
    let mut token = sim.token().to_owned();
    let mut logins = 0;
    let report = loop {
        let report = sync(&store, client(sim.base_url(), &token), options()).await;
        if report.status != SyncStatus::NeedsLogin {
            break report;
        }
        assert!(
            report
                .circles
                .iter()
                .all(|c| c.state == CircleState::Pending),
            "{report:?}"
        );
        // The caller flips the account to NeedsLogin; the member signs in again.
        logins += 1;
        assert!(logins < 100, "no progress between sign-ins");
        token = sim.issue_token();
    };
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    assert!(
        logins >= 2,
        "the 401 should have interrupted the sync ({logins})"
    );
    sim.set_faults(Faults::default());
    assert_exact(&store, &sim).await;
}

/// When the circle list already says a paid period ended, the circle is marked expired
/// without one request for its topics (each would be refused with 14210).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_membership_the_circle_list_says_ended_costs_no_topic_request() {
    let sim = sim(600).await;
    let groups = client(sim.base_url(), sim.token())
        .groups()
        .await
        .unwrap()
        .data;
    let paid = groups
        .groups
        .iter()
        .find(|g| {
            g.user_specific
                .as_ref()
                .is_some_and(|u| u.validity.is_some())
        })
        .expect("a paid circle, with a validity")
        .group_id;
    sim.set_faults(Faults {
        expired_circle: Some(paid.get()),
        expired_in_list: true,
        ..Faults::default()
    });
    let (_dir, store) = temp_store().await;
    let before = sim.requests();
    let only = SyncOptions {
        circles: Some(vec![paid]),
        ..options()
    };
    let engine = SyncEngine::new(store.clone(), client(sim.base_url(), sim.token()), only);
    let mut events = engine.subscribe();
    let report = engine.run_once(&CancellationToken::new()).await.unwrap();
    assert_eq!(report.circles.len(), 1);
    assert_eq!(report.circles[0].state, CircleState::Expired, "{report:?}");
    // It used to be announced as caught up as well, at the end of the run.
    let mut said = Vec::new();
    while let Ok(event) = events.try_recv() {
        said.push(event);
    }
    assert!(
        said.iter()
            .any(|e| matches!(e, SyncEvent::CircleExpired { .. })),
        "{said:?}"
    );
    assert!(
        !said
            .iter()
            .any(|e| matches!(e, SyncEvent::CircleCaughtUp { .. })),
        "{said:?}"
    );
    assert_eq!(topic_requests_between(&before, &sim.requests()), 0);
    let all = SyncScope::Tab(TopicScope::All);
    let state = store.sync_state(paid, &all).await.unwrap().unwrap();
    assert!(state.expired);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_circle_is_marked_and_the_others_complete() {
    let sim = sim(1500).await;
    let truth = sim.truth();
    let expired: i64 = truth.circles[1].group_id.parse().unwrap();
    let expired_id = GroupId::new(expired);
    sim.set_faults(Faults {
        expired_circle: Some(expired),
        ..Faults::default()
    });
    let (_dir, store) = temp_store().await;
    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    for circle in &report.circles {
        let want = if circle.group_id == expired_id {
            CircleState::Expired
        } else {
            CircleState::CaughtUp
        };
        assert_eq!(circle.state, want, "{circle:?}");
    }
    let all = SyncScope::Tab(TopicScope::All);
    assert!(
        store
            .sync_state(expired_id, &all)
            .await
            .unwrap()
            .unwrap()
            .expired
    );
    let counts = store.counts().await.unwrap();
    for (have, want) in counts.circles.iter().zip(&truth.circles) {
        if have.group_id == want.group_id && want.group_id != expired.to_string() {
            assert_eq!(
                have,
                &serde_json::from_value(serde_json::to_value(want).unwrap()).unwrap()
            );
        }
    }

    // A renewed membership: the circle syncs and loses its mark.
    sim.set_faults(Faults::default());
    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp);
    assert!(
        !store
            .sync_state(expired_id, &all)
            .await
            .unwrap()
            .unwrap()
            .expired
    );
    assert_exact(&store, &sim).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_stops_cleanly_and_a_later_run_completes() {
    let sim = sim(3000).await;
    sim.set_faults(Faults {
        latency_ms: 2,
        ..Faults::default()
    });
    let (_dir, store) = temp_store().await;
    let engine = engine(&store, &sim);
    let handle = engine.spawn(SyncMode::Continuous {
        interval: Duration::from_secs(3600),
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    handle.cancel();
    let report = tokio::time::timeout(Duration::from_secs(10), handle.join())
        .await
        .expect("a cancelled sync stops promptly")
        .unwrap();
    assert_eq!(report.status, SyncStatus::Cancelled);
    let partial = store.counts().await.unwrap();
    assert!(partial.circles.iter().map(|c| c.topics).sum::<u64>() > 0);

    sim.set_faults(Faults::default());
    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp);
    assert_exact(&store, &sim).await;
}

// ---------------------------------------------------------------------------------------------
// The media cache: images synced newest first under the cap, files and evicted images on demand.

/// A read-only look at the archive's media tables, which the public API does not list.
async fn raw(store: &Store) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}?mode=ro", store.path().display());
    sqlx::SqlitePool::connect(&url).await.unwrap()
}

/// Every blob the ledger names is on disk, with the size recorded and named by its SHA-256.
async fn assert_blobs_intact(store: &Store, db: &sqlx::SqlitePool) -> usize {
    use sha2::{Digest, Sha256};
    let blobs: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT hash, path, size FROM media_blobs")
            .fetch_all(db)
            .await
            .unwrap();
    for (hash, path, size) in &blobs {
        let bytes = std::fs::read(store.data_root().join(path)).unwrap();
        assert_eq!(bytes.len() as i64, *size, "{path}");
        let digest: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(&digest, hash, "{path}");
        assert!(path.ends_with(hash.as_str()) && path.starts_with("media/"));
    }
    blobs.len()
}

/// `(image_id, cached, cache_error)` of one circle's images, newest topic first.
async fn images_of(db: &sqlx::SqlitePool, group: i64) -> Vec<(i64, bool, Option<String>)> {
    sqlx::query_as(
        "SELECT i.image_id, i.local_path IS NOT NULL, i.cache_error
         FROM images i JOIN topics t ON t.topic_id = i.topic_id WHERE t.group_id = ?
         ORDER BY t.create_time_ms DESC, t.topic_id DESC, i.image_id",
    )
    .bind(group)
    .fetch_all(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_image_is_cached_once_by_content_and_files_come_on_demand() {
    let sim = sim(600).await;
    let (dir, store) = temp_store().await;
    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    assert_exact(&store, &sim).await;

    let db = raw(&store).await;
    let (images, cached): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(local_path) FROM images")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(images > 20, "the dataset has images ({images})");
    assert_eq!(cached, images, "every image is cached");
    let reported: u64 = report.circles.iter().map(|c| c.images).sum();
    assert_eq!(reported, images as u64);
    let blobs = assert_blobs_intact(&store, &db).await;
    assert!(blobs > 0 && blobs as i64 <= images);
    let pngs: Vec<String> = sqlx::query_scalar("SELECT local_path FROM images")
        .fetch_all(&db)
        .await
        .unwrap();
    for path in pngs.iter().take(10) {
        let bytes = std::fs::read(dir.path().join(path)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{path}");
    }

    // Caught up: a second run downloads no image again.
    let before = sim.requests();
    sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(
        sim.requests().route("GET /images/{name}"),
        before.route("GET /images/{name}")
    );

    // Files only on demand, each downloaded once; videos are for the mobile app only (1030).
    let files: Vec<(i64, String)> = sqlx::query_as("SELECT file_id, name FROM files")
        .fetch_all(&db)
        .await
        .unwrap();
    assert!(!files.is_empty(), "the dataset has files");
    let cache = MediaCache::new(store.clone(), orrery_core::media::DEFAULT_CAP_BYTES);
    let client = client(sim.base_url(), sim.token());
    let (mut fetched, mut mobile_only) = (0, 0);
    for (id, name) in files.iter().take(12) {
        match cache.file(&client, FileId::new(*id)).await {
            Ok(path) => {
                // The simulator repeats the file's name up to its advertised size, which may cut
                // the last character.
                let bytes = std::fs::read(&path).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(text.contains(name.as_str()), "{name}");
                let size: i64 = sqlx::query_scalar("SELECT size FROM files WHERE file_id = ?")
                    .bind(id)
                    .fetch_one(&db)
                    .await
                    .unwrap();
                assert_eq!(bytes.len() as i64, size, "as long as advertised");
                let before = sim.requests().total;
                assert_eq!(cache.file(&client, FileId::new(*id)).await.unwrap(), path);
                assert_eq!(sim.requests().total, before, "the second open is local");
                fetched += 1;
            }
            Err(MediaError::Api(ApiError::MobileOnlyFile)) => {
                assert!(name.ends_with(".mp4"), "{name}");
                let entry = store.file_entry(FileId::new(*id)).await.unwrap().unwrap();
                assert_eq!(entry.local_path, None);
                mobile_only += 1;
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
    eprintln!("files on demand: {fetched} downloaded, {mobile_only} mobile-only");
    assert!(fetched > 0);

    // Circle pictures on demand: fetched once, then local.
    for circle in store.circles().await.unwrap() {
        let path = cache.circle_avatar(&client, circle.group_id).await.unwrap();
        assert!(std::fs::read(&path).unwrap().starts_with(b"\x89PNG"));
        let before = sim.requests().total;
        assert_eq!(
            cache.circle_avatar(&client, circle.group_id).await.unwrap(),
            path
        );
        assert_eq!(sim.requests().total, before, "the second look is local");
    }
    assert!(matches!(
        cache.circle_avatar(&client, GroupId::new(1)).await,
        Err(MediaError::Unknown { what: "circle" })
    ));

    // Saved into the member's folder under the posted name, numbered when taken; a
    // mobile-only file leaves nothing there.
    let downloads = dir.path().join("下载");
    let mut taken = std::collections::HashSet::new();
    for (id, name) in files.iter().take(12) {
        let file = FileId::new(*id);
        match cache.save_file(&client, file, &downloads).await {
            Ok(first) => {
                let second = cache.save_file(&client, file, &downloads).await.unwrap();
                if taken.insert(name.clone()) {
                    assert_eq!(first, downloads.join(name), "{name} is already a safe name");
                }
                assert_ne!(first, second);
                assert_eq!(second.parent(), Some(downloads.as_path()));
                let cached = cache.cached_file(file).await.unwrap().unwrap();
                for saved in [&first, &second] {
                    assert_eq!(
                        std::fs::read(saved).unwrap(),
                        std::fs::read(&cached).unwrap()
                    );
                }
            }
            Err(MediaError::Api(ApiError::MobileOnlyFile)) => {
                assert!(!downloads.join(name).exists(), "{name}");
            }
            Err(other) => panic!("{name}: {other}"),
        }
    }
    assert!(matches!(
        cache.file(&client, FileId::new(1)).await,
        Err(MediaError::Unknown { what: "file" })
    ));
    assert_blobs_intact(&store, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_cache_keeps_the_newest_images_and_evicts_for_what_is_opened() {
    let sim = sim(600).await;
    let client = client(sim.base_url(), sim.token());
    // How big all images are, from a first archive without a cap.
    let full_dir = tempfile::tempdir().unwrap();
    let full = store(full_dir.path()).await;
    sync(&full, client.clone(), options()).await;
    let everything = full.media_usage().await.unwrap();
    let largest: i64 = sqlx::query_scalar("SELECT MAX(size) FROM media_blobs")
        .fetch_one(&raw(&full).await)
        .await
        .unwrap();

    let cap = everything / 3;
    let (_dir, store) = temp_store().await;
    let options = SyncOptions {
        image_cache_bytes: cap,
        ..options()
    };
    let report = sync(&store, client.clone(), options.clone()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    assert_exact(&store, &sim).await;
    let usage = store.media_usage().await.unwrap();
    // Circles cache concurrently, so each may add one image after the cap is reached.
    let circles = report.circles.len() as u64;
    assert!(usage >= cap, "{usage} < {cap}");
    assert!(
        usage < cap + circles * largest as u64,
        "{usage} vs cap {cap}"
    );

    // Within each circle the cached images are the newest ones.
    let db = raw(&store).await;
    let mut uncached_oldest = None;
    for circle in &report.circles {
        let images = images_of(&db, circle.group_id.get()).await;
        let first_gap = images.iter().position(|i| !i.1).unwrap_or(images.len());
        assert!(
            images[first_gap..].iter().all(|i| !i.1),
            "circle {}: an older image is cached while a newer one is not",
            circle.group_id
        );
        if let Some(last) = images.last().filter(|i| !i.1) {
            uncached_oldest = Some(last.0);
        }
    }

    // Opening an old image downloads it and evicts the least recently used down to the cap.
    let old = ImageId::new(uncached_oldest.expect("some image is left out"));
    let cache = MediaCache::new(store.clone(), cap);
    let path = cache.image(&client, old).await.unwrap();
    assert!(path.is_file());
    assert!(store.media_usage().await.unwrap() <= cap);
    let evicted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM images WHERE cache_error = 'evicted'")
            .fetch_one(&db)
            .await
            .unwrap();
    assert!(evicted > 0);
    assert_blobs_intact(&store, &db).await;

    // The next sync tops the cache up but neither fetches the evicted images back nor
    // pushes out what was opened.
    sync(&store, client.clone(), options).await;
    let back: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM images WHERE cache_error = 'evicted' AND local_path IS NOT NULL",
    )
    .fetch_one(&db)
    .await
    .unwrap();
    assert_eq!(back, 0);
    assert_eq!(cache.image(&client, old).await.unwrap(), path);
    assert_blobs_intact(&store, &db).await;

    // Lowering the cap evicts at once.
    let smaller = MediaCache::new(store.clone(), cap / 2);
    assert!(smaller.enforce_cap().await.unwrap() > 0);
    assert!(store.media_usage().await.unwrap() <= cap / 2);
    assert_blobs_intact(&store, &db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_their_host_refuses_are_noted_and_the_sync_goes_on() {
    let sim = sim(300).await;
    let (_dir, store) = temp_store().await;
    let no_images = SyncOptions {
        image_cache_bytes: 0,
        ..options()
    };
    sync(&store, client(sim.base_url(), sim.token()), no_images).await;
    assert_eq!(store.media_usage().await.unwrap(), 0, "caching was off");

    // Point two images at what the host does not have, and one at a scheme never fetched.
    let url = format!("sqlite://{}", store.path().display());
    let rw = sqlx::SqlitePool::connect(&url).await.unwrap();
    let ids: Vec<i64> = sqlx::query_scalar("SELECT image_id FROM images ORDER BY image_id LIMIT 3")
        .fetch_all(&rw)
        .await
        .unwrap();
    let broken = [
        format!("{}/images/gone.png", sim.base_url()),
        format!("{}/nowhere/1_large.png", sim.base_url()),
        "javascript:alert(1)".to_owned(),
    ];
    for (id, bad) in ids.iter().zip(&broken) {
        sqlx::query("UPDATE images SET large_url = ? WHERE image_id = ?")
            .bind(bad)
            .bind(id)
            .execute(&rw)
            .await
            .unwrap();
    }
    rw.close().await;

    let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
    assert_eq!(report.status, SyncStatus::CaughtUp, "{report:?}");
    for id in &ids {
        let error = store.image_cache_error(ImageId::new(*id)).await.unwrap();
        assert!(error.is_some(), "image {id} should be marked");
    }
    let db = raw(&store).await;
    let (images, cached): (i64, i64) =
        sqlx::query_as("SELECT COUNT(*), COUNT(local_path) FROM images")
            .fetch_one(&db)
            .await
            .unwrap();
    assert_eq!(cached, images - 3);
    // Marked images are not asked for again.
    let before = sim.requests();
    sync(&store, client(sim.base_url(), sim.token()), options()).await;
    let after = sim.requests();
    assert_eq!(
        after.route("GET /images/{name}"),
        before.route("GET /images/{name}")
    );
    assert_eq!(after.route("GET unmatched"), before.route("GET unmatched"));
}

// ---------------------------------------------------------------------------------------------
// Crash safety: the sync runs in a child process (this test binary, re-entered through the
// `crash_child` test below) that is SIGKILLed at random moments; the archive must still end
// exactly equal to the truth.

const CHILD_DIR: &str = "ORRERY_SYNC_CHILD_DIR";
const CHILD_BASE: &str = "ORRERY_SYNC_CHILD_BASE_URL";
const CHILD_TOKEN: &str = "ORRERY_SYNC_CHILD_TOKEN";

/// Does nothing in a normal test run; in a child spawned by the crash test it syncs the data
/// directory named in the environment until killed (or done).
#[test]
fn crash_child() {
    let (Ok(dir), Ok(base), Ok(token)) = (
        std::env::var(CHILD_DIR),
        std::env::var(CHILD_BASE),
        std::env::var(CHILD_TOKEN),
    ) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let store = store(Path::new(&dir)).await;
        sync(&store, client(&base, &token), options()).await;
    });
}

/// Topics of the crash test's dataset: 20,000 (about two minutes on two cores);
/// `ORRERY_CRASH_TOPICS` changes it for a quicker or a bigger run.
fn crash_topics() -> u64 {
    std::env::var("ORRERY_CRASH_TOPICS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_twenty_times_at_random_moments_ends_exact() {
    let topics = crash_topics();
    let sim = sim(topics).await;
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    // A fixed xorshift sequence: random-looking kill moments, the same on every run.
    let mut state = 0x9E37_79B9_7F4A_7C15_u64 ^ topics;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut killed, mut finished) = (0, 0);
    let started = Instant::now();
    for _ in 0..20 {
        let mut child = Command::new(&exe)
            .args([
                "sync::crash_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, dir.path())
            .env(CHILD_BASE, sim.base_url())
            .env(CHILD_TOKEN, sim.token())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Up to 4 s a run: twenty runs reach well into the sync, not only its first pages.
        let wait = Duration::from_millis(80 + next() % 4000);
        tokio::time::sleep(wait).await;
        if child.try_wait().unwrap().is_some() {
            finished += 1;
        } else {
            // std's kill is SIGKILL on Unix: no destructor, no rollback hook, no WAL checkpoint.
            child.kill().unwrap();
            killed += 1;
        }
        child.wait().unwrap();
    }
    eprintln!(
        "crash test: {topics} topics, {killed} kills, {finished} runs finished, {:?}",
        started.elapsed()
    );
    assert!(
        killed >= 10,
        "most runs should have been killed mid-sync ({killed})"
    );

    let store = store(dir.path()).await;
    let integrity: String = {
        let report = sync(&store, client(sim.base_url(), sim.token()), options()).await;
        assert_eq!(report.status, SyncStatus::CaughtUp);
        store.integrity_check().await.unwrap()
    };
    assert_eq!(integrity, "ok");
    assert_exact(&store, &sim).await;

    // The media cache survived too: every image cached, every blob whole; a kill between a
    // blob's write and its row leaves at most an orphan file, which the sweep removes.
    let cache = MediaCache::new(store.clone(), options().image_cache_bytes);
    let (_lease, orphans) = cache.claim().await.unwrap();
    let db = raw(&store).await;
    let uncached: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM images WHERE local_path IS NULL")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(uncached, 0);
    let blobs = assert_blobs_intact(&store, &db).await;
    let files = walk_files(&dir.path().join("media"));
    assert_eq!(
        files, blobs,
        "after the sweep only blobs remain ({orphans} orphans swept)"
    );
}

/// Issue 17: a CLI starting up deleted media files another process was still writing, leaving
/// records that point at missing files. While another process holds the cache, a start sweeps
/// nothing; once none does, what a crash left is swept.
#[tokio::test]
async fn a_process_starting_never_sweeps_files_another_is_writing() {
    let (dir, first) = temp_store().await;
    let second = store(dir.path()).await;
    let (app, cli) = (
        MediaCache::new(first, 0),
        MediaCache::new(second.clone(), 0),
    );
    let (app_lease, _) = app.claim().await.unwrap();
    // A blob the app is writing: a temporary file the ledger does not name yet.
    let in_flight = dir.path().join("media/tmp/blob-being-written");
    std::fs::create_dir_all(in_flight.parent().unwrap()).unwrap();
    std::fs::write(&in_flight, b"half an image").unwrap();
    let (cli_lease, swept) = cli.claim().await.unwrap();
    assert_eq!(swept, 0);
    assert!(
        in_flight.exists(),
        "the CLI swept a file the app was writing"
    );
    // Both gone (the app killed mid-write): the next start sweeps what it left.
    drop((app_lease, cli_lease));
    let (_lease, swept) = MediaCache::new(second, 0).claim().await.unwrap();
    assert_eq!(swept, 1);
    assert!(!in_flight.exists());
}

fn walk_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .map(|p| if p.is_dir() { walk_files(&p) } else { 1 })
                .sum()
        })
        .unwrap_or(0)
}
