//! The search index against the archive it is derived from. Archives are real SQLite files
//! synced from `zsxq-sim` over loopback (the demo dataset, a generated one, and the seed
//! article of `shared/seed/` served as a JSONL dataset); indexes are real tantivy directories.
//!
//! The truth every test compares with is a plain substring scan: a unit matches a needle when
//! its normalized text contains the normalized needle. Recall and precision are both exact: the
//! index's set of matches must equal the scan's.

#![allow(clippy::unwrap_used, clippy::print_stderr)] // Test code: a panic is the report.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use orrery_core::paths::DataDir;
use orrery_core::search::{
    self, SearchError, SearchIndex, SearchRequest, SortOrder, Unit, UnitKind, normalize,
};
use orrery_core::store::Store;
use orrery_core::sync::{CancellationToken, SyncEngine, SyncEvent, SyncOptions, SyncReport};
use orrery_testkit::{client_as, needles, seed_dir, sim as serve, unpaced};
use tokio::sync::broadcast;
use zsxq::client::{ClientConfig, RetryPolicy};
use zsxq_sim::{Dataset, SimHandle};

type Key = (UnitKind, i64);

async fn sync(store: &Store, sim: &SimHandle) -> SyncReport {
    let config = ClientConfig {
        retry: RetryPolicy::immediate(8),
        ..unpaced(sim.base_url())
    };
    let client = client_as(config, sim.token());
    let options = SyncOptions {
        question_refresh_pages: None,
        retry_delay: Duration::from_millis(1),
        max_retry_delay: Duration::from_millis(20),
        ..SyncOptions::default()
    };
    SyncEngine::new(store.clone(), client, options)
        .run_once(&CancellationToken::new())
        .await
        .unwrap()
}

async fn open(dir: &Path) -> (Store, SearchIndex) {
    let data = DataDir::open(dir).unwrap();
    (
        Store::open(&data).await.unwrap(),
        SearchIndex::open(&data).unwrap(),
    )
}

async fn units(store: &Store) -> Vec<Unit> {
    search::all_units(store).await.unwrap()
}

/// A unit's normalized text and its key.
struct Scanned<'a> {
    unit: &'a Unit,
    text: String,
    author: String,
}

fn scan(units: &[Unit]) -> Vec<Scanned<'_>> {
    units
        .iter()
        .map(|unit| Scanned {
            unit,
            text: normalize(&unit.body),
            author: normalize(&unit.author),
        })
        .collect()
}

fn key(unit: &Unit) -> Key {
    (unit.kind, unit.id)
}

/// The substring truth for `needle` among units that pass `filter`.
fn truth(
    scanned: &[Scanned<'_>],
    needle: &str,
    filter: impl Fn(&Scanned<'_>) -> bool,
) -> BTreeSet<Key> {
    let needle = normalize(needle);
    scanned
        .iter()
        .filter(|s| s.text.contains(&needle) && filter(s))
        .map(|s| key(s.unit))
        .collect()
}

fn found(index: &SearchIndex, query: &str) -> BTreeSet<Key> {
    index.matches(query).unwrap().into_iter().collect()
}

fn sample_needles(scanned: &[Scanned<'_>], count: usize, seed: u64) -> Vec<String> {
    let texts: Vec<&str> = scanned.iter().map(|s| s.text.as_str()).collect();
    needles::sample(&texts, count, seed)
}

fn assert_exact(index: &SearchIndex, scanned: &[Scanned<'_>], needles: &[String]) -> usize {
    let mut hits = 0;
    for needle in needles {
        let expected = truth(scanned, needle, |_| true);
        let got = found(index, &needles::as_query(needle));
        let missing: Vec<_> = expected.difference(&got).take(3).collect();
        let extra: Vec<_> = got.difference(&expected).take(3).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{needle:?}: {} expected, {} found; missing {missing:?}, extra {extra:?}",
            expected.len(),
            got.len()
        );
        hits += expected.len();
    }
    hits
}

/// An archive synced from `dataset` and indexed.
async fn indexed(dataset: Dataset) -> (tempfile::TempDir, Store, SearchIndex) {
    let sim = serve(dataset).await;
    let dir = tempfile::tempdir().unwrap();
    let (store, index) = open(dir.path()).await;
    sync(&store, &sim).await;
    let report = index.catch_up(&store).await.unwrap();
    assert!(report.rebuilt, "the first catch-up builds the index");
    (dir, store, index)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_substring_is_found_exactly_in_the_demo_archive() {
    let (_dir, store, index) = indexed(Dataset::Demo).await;
    let units = units(&store).await;
    let scanned = scan(&units);
    assert_eq!(index.status().documents, units.len() as u64);
    let kinds: BTreeSet<UnitKind> = units.iter().map(|u| u.kind).collect();
    for kind in [
        UnitKind::Talk,
        UnitKind::Question,
        UnitKind::Answer,
        UnitKind::Article,
        UnitKind::Comment,
    ] {
        assert!(kinds.contains(&kind), "the demo has {kind:?} units");
    }

    let mut needles = sample_needles(&scanned, 300, 0x5eed);
    // Mixed scripts, case and width, and characters jieba segments differently in context.
    needles.extend(
        [
            "rust",
            "Rust 与",
            "ＲＵＳＴ",
            "的",
            "了",
            "异步",
            "步编",
            "线上",
            "现在",
            "ok",
            "2025",
        ]
        .map(str::to_owned),
    );
    let hits = assert_exact(&index, &scanned, &needles);
    eprintln!(
        "{} needles, {hits} matching units, all exact",
        needles.len()
    );
    assert!(
        hits > 1000,
        "the needles come from the corpus, so most match"
    );

    // Something absent is absent.
    assert!(found(&index, "这句话不在任何帖子里").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_and_exclusions_agree_with_the_scan() {
    let (_dir, store, index) = indexed(Dataset::Generated(1_000)).await;
    let units = units(&store).await;
    let scanned = scan(&units);
    let circle = units[0].group_id;
    let circle_name = units[0].circle.clone();
    let author = units
        .iter()
        .find(|u| u.kind == UnitKind::Answer)
        .unwrap()
        .author
        .clone();
    let tag = units.iter().find_map(|u| u.tags.first()).unwrap().clone();
    let day = |date: &str| {
        zsxq::Timestamp::parse(&format!("{date}T00:00:00.000+0800"))
            .unwrap()
            .to_unix_millis()
    };
    let times: Vec<i64> = units.iter().map(|u| u.time_ms).collect();
    let middle = {
        let mut t = times.clone();
        t.sort_unstable();
        t[t.len() / 2]
    };
    let middle_day = zsxq::Timestamp::from_unix_millis(middle)
        .unwrap()
        .to_string()[..10]
        .to_owned();
    let middle_start = day(&middle_day);

    type Filter = Box<dyn Fn(&Scanned<'_>) -> bool>;
    // (filters, what they keep, a needle to search with them)
    let cases: Vec<(String, Filter, &str)> = vec![
        (
            "type:answer".into(),
            Box::new(|s| s.unit.kind == UnitKind::Answer),
            "的",
        ),
        (
            "type:comment type:article".into(),
            Box::new(|s| matches!(s.unit.kind, UnitKind::Comment | UnitKind::Article)),
            "的",
        ),
        (
            format!("circle:{circle}"),
            Box::new(move |s| s.unit.group_id == circle),
            "的",
        ),
        (
            format!("circle:\"{circle_name}\""),
            Box::new(move |s| s.unit.circle == circle_name),
            "了",
        ),
        (
            format!("author:{}", author.chars().take(1).collect::<String>()),
            {
                let part = normalize(&author.chars().take(1).collect::<String>());
                Box::new(move |s| s.author.contains(&part))
            },
            "",
        ),
        (
            format!("tag:#{tag}#"),
            {
                let tag = normalize(&tag);
                Box::new(move |s| s.unit.tags.iter().any(|t| normalize(t) == tag))
            },
            "",
        ),
        ("is:digest".into(), Box::new(|s| s.unit.digest), "的"),
        (
            "is:unanswered".into(),
            Box::new(|s| s.unit.open_question),
            "",
        ),
        (
            format!("after:{middle_day}"),
            Box::new(move |s| s.unit.time_ms >= middle_start),
            "的",
        ),
        (
            format!("before:{middle_day}"),
            Box::new(move |s| s.unit.time_ms < middle_start),
            "的",
        ),
        (
            "-type:comment -的".into(),
            Box::new(|s| s.unit.kind != UnitKind::Comment && !s.text.contains('的')),
            "",
        ),
        (
            "-\"rust 与\"".into(),
            Box::new(|s| !s.text.contains("rust 与")),
            "的",
        ),
    ];
    for (filters, filter, needle) in cases {
        let query = format!("{needle} {filters}");
        let expected = truth(&scanned, needle, &filter);
        let got = found(&index, &query);
        assert!(!expected.is_empty(), "{query}: the case selects something");
        assert!(
            expected.len() < units.len(),
            "{query}: the case excludes something"
        );
        assert_eq!(got, expected, "{query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_are_ranked_paged_and_snippeted() {
    let (_dir, _store, index) = indexed(Dataset::Generated(1_000)).await;
    let all = index.search(&SearchRequest::new("异步", 1_000)).unwrap();
    assert!(all.total > 20, "{}", all.total);
    assert_eq!(all.hits.len(), all.total.min(1_000));
    // Paging walks the same order, twice the same.
    let mut paged = Vec::new();
    for page in 0..3 {
        let request = SearchRequest {
            offset: page * 7,
            limit: 7,
            ..SearchRequest::new("异步", 7)
        };
        paged.extend(index.search(&request).unwrap().hits);
    }
    assert_eq!(paged[..], all.hits[..21]);
    // Every snippet marks the word.
    for hit in &all.hits {
        assert!(
            hit.snippet.marked("[", "]").contains("[异步"),
            "{:?}",
            hit.snippet
        );
        assert!(!hit.title.is_empty() && !hit.circle.is_empty());
    }
    // Newest first is by time.
    let newest = index
        .search(&SearchRequest {
            sort: SortOrder::Newest,
            ..SearchRequest::new("异步", 50)
        })
        .unwrap();
    assert_eq!(newest.total, all.total);
    assert!(newest.hits.windows(2).all(|w| w[0].time_ms >= w[1].time_ms));
    // A bad filter is a clear error, and an empty query finds nothing.
    let err = index
        .search(&SearchRequest::new("type:video", 5))
        .unwrap_err();
    assert!(err.to_string().contains("type:video"), "{err}");
    assert_eq!(index.search(&SearchRequest::new("  ", 5)).unwrap().total, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_change_feed_keeps_the_index_exact_and_a_lost_index_commit_is_repaired() {
    let sim = serve(Dataset::Generated(1_500)).await;
    let dir = tempfile::tempdir().unwrap();
    let (store, index) = open(dir.path()).await;
    sync(&store, &sim).await;
    index.catch_up(&store).await.unwrap();

    // New topics, comments and answers arrive and are archived...
    sim.advance(400);
    sync(&store, &sim).await;
    // ...and the process dies before the index commits them: a new process opens the index
    // at its last commit, behind the archive.
    drop(index);
    let index = SearchIndex::open(&DataDir::open(dir.path()).unwrap()).unwrap();
    let behind = index.status().seq;
    assert!(behind < store.latest_change_seq().await.unwrap());
    let report = index.catch_up(&store).await.unwrap();
    assert!(
        !report.rebuilt && report.changes > 0 && report.units > 0,
        "{report:?}"
    );
    assert_eq!(index.status().seq, store.latest_change_seq().await.unwrap());

    let units = units(&store).await;
    let scanned = scan(&units);
    assert_eq!(
        index.status().documents,
        units.len() as u64,
        "no unit twice, none lost"
    );
    let needles = sample_needles(&scanned, 150, 7);
    assert_exact(&index, &scanned, &needles);
    // Answered questions left the unanswered filter.
    let open: BTreeSet<Key> = units.iter().filter(|u| u.open_question).map(key).collect();
    assert_eq!(found(&index, "is:unanswered"), open);
}

/// The app replaces its archive (sign out, sign in again) while the old one's sync is still
/// winding down: the new archive's index of the same directory is opened while the old one
/// writes, even rebuilds, and must take over once the old one is gone, on what it left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_opened_beside_another_writer_takes_over_when_it_is_gone() {
    let sim = serve(Dataset::Generated(600)).await;
    let (dir, store, old) = {
        let dir = tempfile::tempdir().unwrap();
        let (store, index) = open(dir.path()).await;
        sync(&store, &sim).await;
        index.catch_up(&store).await.unwrap();
        (dir, store, index)
    };
    let new = SearchIndex::open(&DataDir::open(dir.path()).unwrap()).unwrap();
    // The old writer goes on: more posts, and a rebuild into another generation, which
    // removes the one the new index opened.
    sim.advance(150);
    sync(&store, &sim).await;
    old.rebuild(&store, &|_| {}).await.unwrap();
    assert!(matches!(
        new.catch_up(&store).await,
        Err(SearchError::Locked)
    ));

    let (events, receiver) = broadcast::channel::<SyncEvent>(16);
    let following = tokio::spawn(search::follow(new.clone(), store.clone(), receiver));
    sim.advance(150);
    sync(&store, &sim).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!following.is_finished(), "a locked index keeps following");
    drop(old);

    let latest = store.latest_change_seq().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while new.status().seq < latest {
        assert!(
            std::time::Instant::now() < deadline,
            "the new index did not take over"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    drop(events);
    let report = following.await.unwrap().unwrap();
    assert!(!report.rebuilt, "it continued the old writer's generation");
    let units = units(&store).await;
    assert_eq!(new.status().documents, units.len() as u64);
    let scanned = scan(&units);
    assert_exact(&new, &scanned, &sample_needles(&scanned, 80, 11));
    // One generation, the live one, beside its last good copy.
    let generations: Vec<_> = std::fs::read_dir(dir.path().join("search"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !p.ends_with("last-good"))
        .collect();
    assert_eq!(generations.len(), 1, "{generations:?}");
    let live = std::fs::read_to_string(dir.path().join("search/CURRENT")).unwrap();
    assert!(generations[0].ends_with(live.trim()));
}

/// Issue 17: an index that could not be written (a full disk, a damaged file) stopped
/// following the sync for the rest of the session. It now answers what it last committed,
/// keeps trying, and catches up once it can. The index's `LOCK` as a directory makes taking
/// it fail with an I/O error, as a full disk would (a real one needs a mount these machines
/// may not allow).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_that_cannot_be_written_keeps_answering_and_catches_up_later() {
    let sim = serve(Dataset::Generated(300)).await;
    let dir = tempfile::tempdir().unwrap();
    let (store, index) = open(dir.path()).await;
    sync(&store, &sim).await;
    index.catch_up(&store).await.unwrap();
    let before = found(&index, "的");
    drop(index);
    let lock = dir.path().join("search/LOCK");
    std::fs::remove_file(&lock).unwrap();
    std::fs::create_dir(&lock).unwrap();

    let index = SearchIndex::open(&DataDir::open(dir.path()).unwrap()).unwrap();
    let (events, receiver) = broadcast::channel::<SyncEvent>(16);
    let following = tokio::spawn(search::follow(index.clone(), store.clone(), receiver));
    sim.advance(100);
    sync(&store, &sim).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !following.is_finished(),
        "a failing index stopped following"
    );
    assert_eq!(found(&index, "的"), before, "it answers what it holds");

    // The disk has room again: the last catch-up of the sync brings it up to date.
    std::fs::remove_dir(&lock).unwrap();
    drop(events);
    let report = following.await.unwrap().unwrap();
    assert!(report.units > 0, "{report:?}");
    assert_eq!(index.status().seq, store.latest_change_seq().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_answers_searches_throughout_and_damage_or_a_replaced_archive_rebuilds() {
    let (dir, store, index) = indexed(Dataset::Generated(1_000)).await;
    let baseline = index.search(&SearchRequest::new("的 是", 30)).unwrap();
    assert!(baseline.total > 0);

    // Searching between every batch of a rebuild sees the old index, whole.
    let searched = AtomicUsize::new(0);
    let check = |_| {
        let during = index.search(&SearchRequest::new("的 是", 30)).unwrap();
        assert_eq!(during.total, baseline.total);
        assert_eq!(during.hits, baseline.hits);
        assert!(index.status().rebuilding.is_some());
        searched.fetch_add(1, Ordering::Relaxed);
    };
    index.rebuild(&store, &check).await.unwrap();
    assert!(searched.load(Ordering::Relaxed) > 2);
    assert_eq!(index.status().rebuilding, None);
    let after = index.search(&SearchRequest::new("的 是", 30)).unwrap();
    assert_eq!((after.total, &after.hits), (baseline.total, &baseline.hits));
    // One generation is left on disk, beside its last good copy.
    let mut dirs: Vec<String> = std::fs::read_dir(dir.path().join("search"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    assert_eq!(dirs[0], "last-good", "{dirs:?}");
    drop(index);

    // An index of an older version with the same fields answers until the catch-up rebuilds it.
    let live = std::fs::read_to_string(dir.path().join("search/CURRENT")).unwrap();
    let meta = dir
        .path()
        .join("search")
        .join(live.trim())
        .join("meta.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let current = format!(r#"\"schema\":{},"#, search::SCHEMA_VERSION);
    let older = text.replace(&current, r#"\"schema\":0,"#);
    assert_ne!(older, text, "the payload names the schema version");
    std::fs::write(&meta, older).unwrap();
    let index = SearchIndex::open(&DataDir::open(dir.path()).unwrap()).unwrap();
    let stale = index.search(&SearchRequest::new("的 是", 30)).unwrap();
    assert_eq!(stale.total, baseline.total);
    assert!(index.catch_up(&store).await.unwrap().rebuilt);
    assert_ne!(
        std::fs::read_to_string(dir.path().join("search/CURRENT")).unwrap(),
        live
    );
    drop(index);

    // A damaged index whose last good copy is damaged too is not an error: it is rebuilt on
    // the next catch-up.
    let live = std::fs::read_to_string(dir.path().join("search/CURRENT")).unwrap();
    for generation in [live.trim(), "last-good"] {
        let meta = dir.path().join("search").join(generation).join("meta.json");
        std::fs::write(meta, "{broken").unwrap();
    }
    let index = SearchIndex::open(&DataDir::open(dir.path()).unwrap()).unwrap();
    assert!(!index.status().ready);
    assert!(index.search(&SearchRequest::new("的", 5)).is_err());
    assert!(index.catch_up(&store).await.unwrap().rebuilt);
    assert_eq!(
        index
            .search(&SearchRequest::new("的 是", 30))
            .unwrap()
            .total,
        baseline.total
    );
    drop(index);

    // An index ahead of the archive's feed belongs to another archive: rebuilt.
    let other = tempfile::tempdir().unwrap();
    let (small_store, _) = open(other.path()).await;
    let sim = serve(Dataset::Generated(30)).await;
    sync(&small_store, &sim).await;
    small_store.close().await;
    store.close().await;
    for file in [
        "archive.sqlite3",
        "archive.sqlite3-wal",
        "archive.sqlite3-shm",
    ] {
        let _ = std::fs::remove_file(dir.path().join(file));
        if other.path().join(file).exists() {
            std::fs::copy(other.path().join(file), dir.path().join(file)).unwrap();
        }
    }
    let (store, index) = open(dir.path()).await;
    assert!(index.catch_up(&store).await.unwrap().rebuilt);
    assert_eq!(index.status().documents, units(&store).await.len() as u64);
}

/// Issue 17: a damaged index answered nothing until it was rebuilt from the whole archive.
/// Now it answers at once from its last good copy, and the next catch-up restores the copy and
/// replays the change feed from it: no rebuild, and the index ends exact.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_index_answers_from_its_last_good_copy_and_catches_up_from_there() {
    let sim = serve(Dataset::Generated(1_000)).await;
    let dir = tempfile::tempdir().unwrap();
    let (store, mut index) = open(dir.path()).await;
    sync(&store, &sim).await;
    assert!(index.catch_up(&store).await.unwrap().rebuilt);

    // Each round: more is archived and indexed after the copy was kept (a rebuild or a
    // restore keeps one; a catch-up at most once a minute), then the live generation is
    // damaged: its `meta.json` emptied, then `CURRENT` emptied.
    for damage in ["meta.json", "CURRENT"] {
        let kept_at = index.status().seq;
        let before = index.search(&SearchRequest::new("的 是", 30)).unwrap();
        assert!(before.total > 0);
        sim.advance(300);
        sync(&store, &sim).await;
        assert!(!index.catch_up(&store).await.unwrap().rebuilt);
        assert!(index.status().seq > kept_at);
        drop(index);
        let live = std::fs::read_to_string(dir.path().join("search/CURRENT")).unwrap();
        let file = match damage {
            "CURRENT" => dir.path().join("search/CURRENT"),
            _ => dir.path().join("search").join(live.trim()).join(damage),
        };
        std::fs::write(&file, "").unwrap();

        index = SearchIndex::open(&DataDir::open(dir.path()).unwrap()).unwrap();
        let status = index.status();
        assert!(status.ready, "{damage}: answers from the copy");
        assert_eq!(status.seq, kept_at, "{damage}");
        let answered = index.search(&SearchRequest::new("的 是", 30)).unwrap();
        assert_eq!(answered.total, before.total, "{damage}");

        let report = index.catch_up(&store).await.unwrap();
        assert!(report.restored && !report.rebuilt, "{damage}: {report:?}");
        assert!(report.changes > 0, "{damage}: {report:?}");
        assert_eq!(index.status().seq, store.latest_change_seq().await.unwrap());
        let units = units(&store).await;
        assert_eq!(index.status().documents, units.len() as u64, "{damage}");
        let scanned = scan(&units);
        assert_exact(&index, &scanned, &sample_needles(&scanned, 60, 11));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_article_is_searchable_like_a_substring_scan() {
    let entries = std::fs::read_dir(seed_dir()).unwrap();
    let mut text = String::new();
    for entry in entries {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        text.push('\n');
    }
    // One topic per paragraph of real Chinese prose.
    let lines: Vec<String> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| p.chars().count() >= 8)
        .map(|p| serde_json::json!({"text": p}).to_string())
        .collect();
    assert!(lines.len() > 20, "{} paragraphs", lines.len());
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("seed.jsonl");
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let sim = serve(Dataset::Jsonl(jsonl)).await;
    let (store, index) = open(&dir.path().join("data")).await;
    sync(&store, &sim).await;
    index.catch_up(&store).await.unwrap();

    let units = units(&store).await;
    let scanned = scan(&units);
    let mut needles = sample_needles(&scanned, 300, 99);
    needles.extend(["知识星球", "星球", "知识", "付费", "的", "内容", "微信"].map(str::to_owned));
    let hits = assert_exact(&index, &scanned, &needles);
    eprintln!(
        "seed: {} units, {} needles, {hits} matching units",
        units.len(),
        needles.len()
    );
}

/// A topic deleted on 知识星球 stays searchable, marked together with its comments (its thread
/// went with it): the change feed's `deleted` re-marks its units without a rebuild,
/// `is:deleted` finds exactly them, `-is:deleted` everything else, and a rebuild agrees.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_topic_stays_searchable_and_is_deleted_finds_it_with_its_comments() {
    let sim = serve(Dataset::Demo).await;
    let dir = tempfile::tempdir().unwrap();
    let (store, index) = open(dir.path()).await;
    sync(&store, &sim).await;
    index.catch_up(&store).await.unwrap();
    let before = units(&store).await;
    assert!(before.iter().all(|u| !u.deleted));
    assert!(found(&index, "is:deleted").is_empty());

    // A recent topic with comments: the sync looks for deletions among the newest pages.
    let mut topics: Vec<&Unit> = before
        .iter()
        .filter(|u| u.kind != UnitKind::Comment)
        .collect();
    topics.sort_unstable_by_key(|u| std::cmp::Reverse(u.time_ms));
    let commented = |id: i64| {
        before
            .iter()
            .any(|u| u.kind == UnitKind::Comment && u.topic_id == id)
    };
    let victim = topics
        .iter()
        .take(12)
        .find(|u| commented(u.topic_id))
        .expect("a recent topic with comments")
        .topic_id;
    assert!(sim.act(zsxq_sim::Act::Delete(victim)));
    sync(&store, &sim).await;
    assert!(
        store
            .deleted_at(zsxq::TopicId::new(victim))
            .await
            .unwrap()
            .is_some()
    );
    let report = index.catch_up(&store).await.unwrap();
    assert!(!report.rebuilt, "{report:?}");

    let units = units(&store).await;
    assert_eq!(units.len(), before.len(), "nothing leaves the index");
    let all: BTreeSet<Key> = units.iter().map(key).collect();
    let thread: BTreeSet<Key> = units
        .iter()
        .filter(|u| u.topic_id == victim)
        .map(key)
        .collect();
    assert!(thread.iter().any(|(kind, _)| *kind == UnitKind::Comment));
    assert_eq!(found(&index, "is:deleted"), thread);
    assert_eq!(found(&index, "is:已删除"), thread);
    assert_eq!(
        found(&index, "-is:deleted"),
        all.difference(&thread).copied().collect()
    );
    // Its own text still finds it, and the hit says it was deleted.
    let own = units
        .iter()
        .find(|u| u.topic_id == victim && u.kind != UnitKind::Comment)
        .unwrap();
    let word: String = normalize(&own.body)
        .split_whitespace()
        .next()
        .unwrap()
        .chars()
        .take(4)
        .collect();
    let results = index
        .search(&SearchRequest::new(format!("{word} is:deleted"), 50))
        .unwrap();
    assert!(
        results
            .hits
            .iter()
            .any(|h| h.topic_id == victim && h.comment_id.is_none())
    );
    assert!(
        results
            .hits
            .iter()
            .all(|h| h.deleted && h.topic_id == victim)
    );
    let elsewhere = index
        .search(&SearchRequest::new("-is:deleted", 50))
        .unwrap();
    assert!(elsewhere.hits.iter().all(|h| !h.deleted));

    index.rebuild(&store, &|_| {}).await.unwrap();
    assert_eq!(found(&index, "is:deleted"), thread);
}
