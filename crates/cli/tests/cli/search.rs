//! `search` and `reindex` as a user runs them, on archives synced from zsxq-sim by the real
//! binary (headless, `ORRERY_TOKEN`), whose search index follows the sync.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use orrery_testkit::block_on;
use serde_json::Value;
use zsxq_sim::{Dataset, SimHandle};

use super::account::cli;

pub(super) fn run(mut c: Command) -> Output {
    let out = c.output().expect("orrery-cli runs");
    assert!(
        out.status.success(),
        "{:?} failed:\n{}{}",
        c.get_args().collect::<Vec<_>>(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub(super) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn serve(topics: u64) -> SimHandle {
    orrery_testkit::sim(Dataset::Generated(topics)).await
}

pub(super) fn headless(dir: &Path, sim: &SimHandle, args: &[&str]) -> Command {
    let mut c = cli(dir, args);
    c.env("ORRERY_TOKEN", sim.token());
    c
}

/// Signs in to `sim` and syncs everything once into `dir`, as a member starts.
pub(super) fn signed_in_and_synced(dir: &Path, sim: &SimHandle) {
    run(headless(dir, sim, &["login", "--base-url", sim.base_url()]));
    run(headless(dir, sim, &["sync", "--once", "--no-pacing"]));
}

/// Each query's JSON line without the timing, which differs from run to run.
fn answers(dir: &Path, queries: &Path) -> Vec<Value> {
    let out = run(cli(
        dir,
        &[
            "search",
            "--queries",
            &queries.to_string_lossy(),
            "--json",
            "--limit",
            "50",
        ],
    ));
    stdout(&out)
        .lines()
        .map(|line| {
            let mut v: Value = serde_json::from_str(line).expect("a JSON line per query");
            assert!(v["micros"].is_u64() || v["error"].is_string(), "{v}");
            v.as_object_mut().expect("object").remove("micros");
            v
        })
        .collect()
}

const QUERIES: &str = "异步\n的\nRust 与\n\"线上 问题\"\n性能 -锁\ntype:comment 的\nis:unanswered\n复盘 tag:复盘\ntype:video\n";

#[test]
fn search_finds_what_the_sync_archived_and_reindex_changes_nothing() {
    block_on(async {
        let sim = serve(600).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        signed_in_and_synced(dir, &sim);

        // For people: the total, then each hit with the match marked.
        let out = run(cli(dir, &["search", "异步", "--limit", "3"]));
        let text = stdout(&out);
        assert!(
            text.lines()
                .next()
                .unwrap_or("")
                .contains("results for 异步"),
            "{text}"
        );
        assert!(text.contains("[异步"), "marked snippet: {text}");

        // For scripts: one JSON line.
        let out = run(cli(dir, &["search", "异步", "--json", "--limit", "5"]));
        let line: Value = serde_json::from_str(stdout(&out).trim()).expect("JSON");
        assert!(line["total"].as_u64().unwrap_or(0) > 5, "{line}");
        let ids = line["topic_ids"].as_array().expect("topic_ids");
        assert!(!ids.is_empty() && ids.len() <= 5);
        assert!(
            ids.iter()
                .all(|id| id.as_str().is_some_and(|s| s.parse::<i64>().is_ok()))
        );

        let queries = tmp.path().join("queries.txt");
        std::fs::write(&queries, QUERIES).expect("queries");
        let before = answers(dir, &queries);
        assert_eq!(before.len(), QUERIES.lines().count());
        assert!(before[0]["total"].as_u64().unwrap_or(0) > 0);
        assert!(
            before[8]["error"]
                .as_str()
                .unwrap_or("")
                .contains("type:video"),
            "a bad query is reported on its own line: {}",
            before[8]
        );

        let out = run(cli(dir, &["reindex"]));
        assert!(
            stdout(&out).contains("search index rebuilt"),
            "{}",
            stdout(&out)
        );
        assert_eq!(
            answers(dir, &queries),
            before,
            "a rebuild from the archive agrees"
        );
        sim.shutdown().await;
    });
}

/// Escape sequences in a post reached the terminal raw through `search`: a window title, an OSC
/// 52 clipboard write, a cleared screen, a bell; and a right-to-left override reordered a name.
#[test]
fn escape_sequences_in_posts_reached_the_terminal_through_search() {
    block_on(async {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let posts = tmp.path().join("posts.jsonl");
        let hostile = "估值方法 \u{1b}]0;pwned\u{7} \u{1b}]52;c;ZWNobyBoaQ==\u{7} \u{1b}[2J \u{9b}31m 附件 x\u{202e}fdp.exe";
        let lines: Vec<String> = (0..3)
            .map(|i| {
                serde_json::json!({ "text": format!("{hostile} 第{i}篇"), "author": "\u{1b}[31m小明" })
                    .to_string()
            })
            .collect();
        std::fs::write(&posts, lines.join("\n")).expect("write posts");
        let sim = orrery_testkit::sim(Dataset::Jsonl(posts)).await;
        signed_in_and_synced(&dir, &sim);

        let text = stdout(&run(cli(&dir, &["search", "估值"])));
        assert!(text.contains("3 results for 估值"), "{text}");
        assert!(text.contains("[估值") && text.contains("fdp.exe"), "{text}");
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}'] {
            assert!(
                !text.contains(bad),
                "{bad:?} reached the terminal: {text:?}"
            );
        }

        // Scripts still get the exact text, escaped by JSON.
        let json = stdout(&run(cli(&dir, &["search", "估值", "--json"])));
        let line: Value = serde_json::from_str(json.trim()).expect("JSON");
        assert_eq!(line["total"], 3, "{line}");
        assert!(!json.contains('\u{1b}'), "JSON escapes it: {json:?}");
        sim.shutdown().await;
    });
}

/// Issue 17: a search index that could not be written (a full disk, a damaged file) made
/// search fail outright. What it last committed still answers, with a note that it may be
/// behind. Here the index's `LOCK` is a directory, so taking it to write fails with an I/O
/// error as a full disk would (a real full disk needs a mount these machines may not allow).
#[test]
fn an_index_that_cannot_be_written_still_answers_what_it_holds() {
    block_on(async {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let sim = serve(120).await;
        signed_in_and_synced(&dir, &sim);
        let before = stdout(&run(cli(&dir, &["search", "的", "--json"])));
        let lock = dir.join("search/LOCK");
        std::fs::remove_file(&lock).expect("the index has a LOCK file");
        std::fs::create_dir(&lock).expect("LOCK as a directory");

        let out = run(cli(&dir, &["search", "的", "--json"]));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("could not be brought up to date"),
            "{stderr}"
        );
        let total =
            |json: &str| serde_json::from_str::<Value>(json.trim()).expect("JSON")["total"].clone();
        assert_eq!(total(&stdout(&out)), total(&before));
        assert!(total(&before).as_u64() > Some(0), "{before}");
        sim.shutdown().await;
    });
}

#[test]
fn search_without_an_archive_says_to_sync_first() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = cli(tmp.path(), &["search", "异步"]).output().expect("runs");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("orrery-cli sync"), "{stderr}");
}

/// SIGKILL at random moments of a sync whose index follows it — between an archive commit
/// and the index commit, or inside either — then one run to the end: the index answers
/// exactly what an index rebuilt from the archive answers.
#[test]
fn an_index_killed_with_its_sync_is_repaired_by_the_next_run() {
    block_on(async {
        let sim = serve(3000).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        run(headless(
            &dir,
            &sim,
            &["login", "--base-url", sim.base_url()],
        ));
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut kills = 0;
        for _ in 0..8 {
            let mut child = headless(&dir, &sim, &["sync", "--once", "--no-pacing"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("sync starts");
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            tokio::time::sleep(Duration::from_millis(300 + state % 2500)).await;
            if child.try_wait().expect("try_wait").is_none() {
                child.kill().expect("SIGKILL");
                kills += 1;
            }
            child.wait().expect("reaped");
        }
        assert!(kills >= 4, "most runs were killed mid-sync ({kills})");
        run(headless(&dir, &sim, &["sync", "--once", "--no-pacing"]));

        let queries = tmp.path().join("queries.txt");
        std::fs::write(&queries, QUERIES).expect("queries");
        let repaired = answers(&dir, &queries);
        run(cli(&dir, &["reindex"]));
        assert_eq!(answers(&dir, &queries), repaired);
        sim.shutdown().await;
    });
}
