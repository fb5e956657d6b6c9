//! The search benchmark's worker, driven by `cargo xtask bench search` (which runs each phase in
//! its own process so that peak memory is the phase's own):
//!
//! * `corpus DIR TOPICS` — an archive of `generated:TOPICS` from zsxq-sim, rendered in-process
//!   and written through the store's own upserts (topics and their comment threads);
//! * `build DIR ENGINE` — builds one engine's index from the archive's units and prints
//!   `{"engine","units","seconds","bytes","peak_rss_kb"}`;
//! * `measure DIR QUERIES` — samples QUERIES needles of 1–8 characters from the units (plus a
//!   fixed set of mixed-script words and phrases), computes the substring truth by scanning the
//!   normalized texts in memory, then runs every query on every engine: once cold (first query
//!   after opening, page cache dropped when the system allows it) and warm passes within a time
//!   budget; prints p50/p99 and recall/precision per engine as one JSON object.
//!
//! Engines: `orrery` (this crate's index), `fts5` (SQLite FTS5 with the trigram tokenizer;
//! needles under three characters fall back to LIKE on the same table, as FTS5 requires) and
//! `like` (a plain table scanned with `LIKE '%needle%'`). All three hold the same units with
//! the same normalized text, so the truth is the same for all. The timed operation is what a
//! result list needs: the total and the 20 newest matches (for Orrery, with snippets).

#![allow(clippy::unwrap_used, clippy::print_stdout, clippy::print_stderr)] // a benchmark tool

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use orrery_core::paths::DataDir;
use orrery_core::search::{SearchIndex, SearchRequest, SortOrder, Unit, normalize};
use orrery_core::store::Store;
use orrery_testkit::needles;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};
use zsxq::{Comment, GroupId, Topic, TopicId};
use zsxq_sim::{Dataset, SimConfig};

const ENGINES: [&str; 3] = ["orrery", "fts5", "like"];
/// Results shown per query.
const PAGE: usize = 20;
/// Warm passes per engine stop when they have used this much time.
const WARM_BUDGET: Duration = Duration::from_secs(120);
const WARM_PASSES: usize = 3;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["corpus", dir, topics] => {
            runtime.block_on(corpus(Path::new(dir), topics.parse().unwrap()))
        }
        ["build", dir, engine] => runtime.block_on(build(Path::new(dir), engine)),
        ["measure", dir, queries] => {
            runtime.block_on(measure(Path::new(dir), queries.parse().unwrap()))
        }
        ["profile", dir, ref queries @ ..] => profile(Path::new(dir), queries),
        _ => {
            eprintln!(
                "usage: search_bench corpus DIR TOPICS | build DIR ENGINE | measure DIR QUERIES"
            );
            std::process::exit(2);
        }
    }
}

/// Where one query's time goes: the count alone, then the newest page, then by relevance
/// (best of five each, milliseconds).
fn profile(dir: &Path, queries: &[&str]) {
    let index = SearchIndex::open(&DataDir::open(dir).unwrap()).unwrap();
    let best = |request: &SearchRequest| {
        (0..5)
            .map(|_| {
                let t = Instant::now();
                let total = index.search(request).unwrap().total;
                (t.elapsed().as_secs_f64() * 1000.0, total)
            })
            .fold((f64::MAX, 0), |a, b| if b.0 < a.0 { b } else { a })
    };
    for query in queries {
        let count = best(&SearchRequest::new(*query, 0));
        let newest = best(&SearchRequest {
            sort: SortOrder::Newest,
            ..SearchRequest::new(*query, PAGE)
        });
        let relevance = best(&SearchRequest::new(*query, PAGE));
        println!(
            "{query}: {} matches; count {:.2} ms, newest page {:.2} ms, relevance page {:.2} ms",
            count.1, count.0, newest.0, relevance.0
        );
    }
}

/// Peak resident memory of this process so far.
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn size_of(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|entries| entries.flatten().map(|e| size_of(&e.path())).sum())
            .unwrap_or(0)
    } else {
        path.metadata().map(|m| m.len()).unwrap_or(0)
    }
}

async fn open_store(dir: &Path) -> Store {
    Store::open(&DataDir::open(dir).unwrap()).await.unwrap()
}

async fn corpus(dir: &Path, topics: u64) {
    let started = Instant::now();
    let store = open_store(dir).await;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<zsxq_sim::ExportedTopic>(2_000);
    let config = SimConfig {
        dataset: Dataset::Generated(topics),
        ..SimConfig::default()
    };
    let exporter = std::thread::spawn(move || {
        zsxq_sim::export(&config, "http://127.0.0.1:9", |t| {
            if tx.blocking_send(t).is_err() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    });
    let mut batch: Vec<zsxq_sim::ExportedTopic> = Vec::new();
    let (mut topics_done, mut comments_done) = (0u64, 0u64);
    loop {
        let next = rx.recv().await;
        let flush = match &next {
            None => true,
            Some(t) => {
                batch.first().is_some_and(|b| b.group_id != t.group_id) || batch.len() >= 500
            }
        };
        if flush && !batch.is_empty() {
            let group = GroupId::new(batch[0].group_id);
            let parsed: Vec<Topic> = batch
                .iter()
                .map(|t| serde_json::from_value(t.topic.clone()).unwrap())
                .collect();
            store.upsert_topics(group, &parsed).await.unwrap();
            topics_done += parsed.len() as u64;
            for (topic, exported) in parsed.iter().zip(&batch) {
                if exported.comments.is_empty() {
                    continue;
                }
                let comments: Vec<Comment> = exported
                    .comments
                    .iter()
                    .map(|c| serde_json::from_value(c.clone()).unwrap())
                    .collect();
                let outcome = store
                    .commit_comments(TopicId::new(topic.topic_id.get()), &comments, None)
                    .await
                    .unwrap();
                comments_done += u64::from(outcome.inserted);
            }
            batch.clear();
        }
        match next {
            Some(t) => batch.push(t),
            None => break,
        }
    }
    exporter.join().unwrap();
    store.close().await;
    println!(
        "{}",
        serde_json::json!({
            "topics": topics_done,
            "comments": comments_done,
            "seconds": started.elapsed().as_secs_f64(),
            "archive_bytes": size_of(&dir.join("archive.sqlite3")),
        })
    );
}

async fn units(store: &Store) -> Vec<Unit> {
    orrery_core::search::all_units(store).await.unwrap()
}

fn sqlite_path(dir: &Path, engine: &str) -> PathBuf {
    dir.join(format!("bench-{engine}.sqlite3"))
}

async fn sqlite(path: &Path, create: bool) -> SqlitePool {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(create)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal);
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap()
}

async fn build(dir: &Path, engine: &str) {
    let store = open_store(dir).await;
    let started = Instant::now();
    let (units, bytes) = match engine {
        "orrery" => {
            let _ = std::fs::remove_dir_all(dir.join("search"));
            let index = SearchIndex::open(&DataDir::open(dir).unwrap()).unwrap();
            index.rebuild(&store, &|_| {}).await.unwrap();
            (index.status().documents, size_of(&dir.join("search")))
        }
        "fts5" | "like" => {
            let path = sqlite_path(dir, engine);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            let db = sqlite(&path, true).await;
            let create = if engine == "fts5" {
                "CREATE VIRTUAL TABLE units USING fts5(body, time UNINDEXED, tokenize = 'trigram')"
            } else {
                "CREATE TABLE units (uid INTEGER PRIMARY KEY, time INTEGER NOT NULL, body TEXT NOT NULL)"
            };
            sqlx::query(create).execute(&db).await.unwrap();
            let insert = if engine == "fts5" {
                "INSERT INTO units (rowid, time, body) VALUES (?, ?, ?)"
            } else {
                "INSERT INTO units (uid, time, body) VALUES (?, ?, ?)"
            };
            // Streamed in batches, as Orrery's rebuild does, so peak memory compares fairly.
            let mut count = 0u64;
            let mut write = async |units: Vec<Unit>| {
                let mut tx = db.begin().await.unwrap();
                for unit in &units {
                    sqlx::query(insert)
                        .bind(unit.uid())
                        .bind(unit.time_ms)
                        .bind(normalize(&unit.body))
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                }
                tx.commit().await.unwrap();
                count += units.len() as u64;
            };
            let mut walk = orrery_core::search::UnitWalk::new(&store);
            while let Some((units, _)) = walk.next().await.unwrap() {
                write(units).await;
            }
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&db)
                .await
                .unwrap();
            db.close().await;
            (count, size_of(&path))
        }
        other => panic!("unknown engine {other}"),
    };
    println!(
        "{}",
        serde_json::json!({
            "engine": engine,
            "units": units,
            "seconds": started.elapsed().as_secs_f64(),
            "bytes": bytes,
            "peak_rss_kb": peak_rss_kb(),
        })
    );
}

/// Needles cut from the corpus, plus fixed mixed-script words and phrases.
fn query_needles(texts: &[(i64, i64, String)], count: usize) -> Vec<String> {
    let mut out: Vec<String> = [
        "rust 异步",
        "性能优化",
        "的",
        "ok",
        "复盘",
        "不要在持有锁的时候",
    ]
    .map(str::to_owned)
    .to_vec();
    let all: Vec<&str> = texts.iter().map(|t| t.2.as_str()).collect();
    out.extend(needles::sample(
        &all,
        count.saturating_sub(out.len()),
        0x5eed_5eed,
    ));
    out
}

/// One engine, opened for querying.
enum Engine {
    Orrery(SearchIndex),
    Sql { db: SqlitePool, fts: bool },
}

impl Engine {
    async fn open(dir: &Path, name: &str) -> Self {
        match name {
            "orrery" => Self::Orrery(SearchIndex::open(&DataDir::open(dir).unwrap()).unwrap()),
            _ => Self::Sql {
                db: sqlite(&sqlite_path(dir, name), false).await,
                fts: name == "fts5",
            },
        }
    }

    /// The timed operation: total and the newest page. Returns the total.
    async fn query(&self, needle: &str) -> usize {
        match self {
            Self::Orrery(index) => {
                let request = SearchRequest {
                    sort: SortOrder::Newest,
                    ..SearchRequest::new(needles::as_query(needle), PAGE)
                };
                index.search(&request).unwrap().total
            }
            Self::Sql { db, fts } => {
                let rows = self.sql_matches(db, *fts, needle).await;
                // The page: the newest PAGE of the matches.
                let mut times: Vec<(i64, i64)> = rows;
                let total = times.len();
                if total > PAGE {
                    times.select_nth_unstable_by(PAGE, |a, b| b.cmp(a));
                }
                std::hint::black_box(&times[..total.min(PAGE)]);
                total
            }
        }
    }

    async fn sql_matches(&self, db: &SqlitePool, fts: bool, needle: &str) -> Vec<(i64, i64)> {
        let (sql, param) = if fts && needle.chars().count() >= 3 {
            (
                "SELECT time, rowid FROM units WHERE units MATCH ?",
                format!("\"{}\"", needle.replace('"', "\"\"")),
            )
        } else if fts {
            (
                "SELECT time, rowid FROM units WHERE body LIKE ?",
                format!("%{needle}%"),
            )
        } else {
            (
                "SELECT time, uid FROM units WHERE body LIKE ?",
                format!("%{needle}%"),
            )
        };
        sqlx::query(sql)
            .bind(param)
            .fetch_all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1)))
            .collect()
    }

    /// Every match, as uids.
    async fn matches(&self, needle: &str) -> HashSet<i64> {
        match self {
            Self::Orrery(index) => index
                .matches(&needles::as_query(needle))
                .unwrap()
                .into_iter()
                .map(|(kind, id)| orrery_core::search::unit_uid(id, kind))
                .collect(),
            Self::Sql { db, fts } => self
                .sql_matches(db, *fts, needle)
                .await
                .into_iter()
                .map(|(_, uid)| uid)
                .collect(),
        }
    }
}

fn percentile(samples: &mut [f64], p: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

/// Asks the kernel to drop the page cache; false when not allowed (then "cold" means only a
/// freshly opened index).
fn drop_page_cache() -> bool {
    std::process::Command::new("sync").status().is_ok()
        && std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

async fn measure(dir: &Path, count: usize) {
    let store = open_store(dir).await;
    let all = units(&store).await;
    store.close().await;
    let texts: Vec<(i64, i64, String)> = all
        .iter()
        .map(|u| (u.uid(), u.time_ms, normalize(&u.body)))
        .collect();
    drop(all);
    let needles = query_needles(&texts, count);
    let started = Instant::now();
    let truth: Vec<HashSet<i64>> = needles
        .iter()
        .map(|n| {
            texts
                .iter()
                .filter(|(_, _, text)| text.contains(n.as_str()))
                .map(|(uid, _, _)| *uid)
                .collect()
        })
        .collect();
    let scan_seconds = started.elapsed().as_secs_f64();
    let mut report = serde_json::Map::new();
    report.insert("units".into(), texts.len().into());
    report.insert("queries".into(), needles.len().into());
    report.insert("truth_scan_seconds".into(), scan_seconds.into());
    let mut cold_dropped = true;
    for name in ENGINES {
        cold_dropped &= drop_page_cache();
        let engine = Engine::open(dir, name).await;
        let mut cold = Vec::new();
        for needle in &needles {
            let t = Instant::now();
            std::hint::black_box(engine.query(needle).await);
            cold.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let mut warm = Vec::new();
        let warm_started = Instant::now();
        'passes: for _ in 0..WARM_PASSES {
            for needle in &needles {
                if warm_started.elapsed() > WARM_BUDGET {
                    break 'passes;
                }
                let t = Instant::now();
                std::hint::black_box(engine.query(needle).await);
                warm.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let (mut expected, mut found_right, mut found) = (0usize, 0usize, 0usize);
        for (needle, truth) in needles.iter().zip(&truth) {
            let got = engine.matches(needle).await;
            expected += truth.len();
            found += got.len();
            found_right += got.intersection(truth).count();
        }
        let recall = if expected == 0 {
            1.0
        } else {
            found_right as f64 / expected as f64
        };
        let precision = if found == 0 {
            1.0
        } else {
            found_right as f64 / found as f64
        };
        report.insert(
            name.into(),
            serde_json::json!({
                "cold_p50_ms": percentile(&mut cold.clone(), 50.0),
                "cold_p99_ms": percentile(&mut cold, 99.0),
                "warm_p50_ms": percentile(&mut warm.clone(), 50.0),
                "warm_p99_ms": percentile(&mut warm, 99.0),
                "warm_samples": warm.len(),
                "recall": recall,
                "precision": precision,
            }),
        );
    }
    report.insert("page_cache_dropped".into(), cold_dropped.into());
    println!("{}", serde_json::Value::Object(report));
}
