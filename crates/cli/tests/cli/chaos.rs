//! The fault suite (issue 17): rounds in which the core runs as the app and the CLI would, two
//! `orrery-cli sync` processes on one archive at once (one continuous, one `--once`), killed at
//! random moments, against a simulator that refuses (1059), fails (5xx), cuts bodies short,
//! and now and then serves 1 GiB images, media that breaks off half way, or no images at all;
//! between rounds files are emptied or truncated: the settings, the account file, the search
//! index, the archive itself.
//!
//! The server is hostile in what it says too: it serves the simulator's `hostile` circles,
//! whose circle, member and account names and every topic, answer and comment text carry XSS
//! payloads, terminal escape sequences (OSC window titles and clipboard writes, CSI as `ESC [`
//! and as the C1 byte, carriage returns, backspaces) and bidirectional overrides, grown before
//! the first sync by [`GROWTH`] activity events into about as much to sync as 1,200 generated
//! topics: ordinary generated topics (with images, files and articles), comments and answers,
//! posted by those hostile-named members in those hostile-named circles.
//!
//! After every round what must hold holds: every blob the archive names is on disk (nothing
//! still referenced was swept or evicted by another process), no token is anywhere in the
//! data folder, and nothing any `orrery-cli` printed (the syncs killed or finished, the runs
//! after damage, and a `search` for the hostile texts and a `status`, run once a round) holds a
//! control or bidirectional formatting character from remote text ([`assert_harmless`]). After
//! the last round, with the faults off, one sync to the end makes the archive equal the
//! simulator's truth, and `sync`, `search` and `status` print the hostile names and texts,
//! harmlessly.
//!
//! The suite runs a few rounds (`ORRERY_CHAOS_ROUNDS`, 4 by default); `cargo xtask chaos` runs
//! many and its summary line goes to docs/BENCHMARKS.md. A full disk has its own test below: a
//! small file system mounted in a private namespace for one sync.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use orrery_testkit::{assert_nowhere_in, block_on};
use zsxq_sim::hostile::MARKER;
use zsxq_sim::{Dataset, Faults, SimConfig, SimHandle};

use super::account::cli;
use super::search::{headless, run, signed_in_and_synced, stdout};

/// The rounds: `ORRERY_CHAOS_ROUNDS`, else 4.
fn rounds() -> u32 {
    std::env::var("ORRERY_CHAOS_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4)
}

/// Activity events applied to the `hostile` dataset's two circles (52 topics) before the first
/// sync: about 1,600 topics and 2,300 comments in all, which one uninterrupted sync fetches in
/// about as many requests (some 680) and as long (8 s on the 2-core machine) as the 1,200
/// generated topics the rounds served before.
const GROWTH: usize = 4000;

/// A fixed xorshift sequence (`ORRERY_CHAOS_SEED` changes it): random-looking, repeatable.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides.max(1)
    }
}

/// What a round did, for the summary.
#[derive(Debug, Default)]
struct Tally {
    kills: u32,
    finished: u32,
    waited: u32,
    damaged: Vec<&'static str>,
    /// Rounds whose `search` printed hostile texts (hits on [`MARKER`]).
    searched: u32,
}

#[test]
fn rounds_of_kills_damage_and_a_hostile_server_lose_nothing() {
    block_on(async {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let sim = orrery_testkit::sim_with(SimConfig {
            dataset: Dataset::Hostile,
            ..SimConfig::default()
        })
        .await;
        sim.advance(GROWTH);
        let login = run(plain(&dir, &sim, &["login", "--base-url", sim.base_url()]));
        assert_harmless("login", &login);
        let seed = std::env::var("ORRERY_CHAOS_SEED")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0x9E37_79B9_7F4A_7C15_u64);
        let mut dice = Dice(seed);
        let mut tally = Tally::default();
        let started = Instant::now();
        for round in 0..rounds() {
            sim.advance(usize::try_from(dice.roll(40)).unwrap_or(0));
            sim.set_faults(faults(&mut dice));
            let app = spawn(plain(&dir, &sim, &["sync", "--no-pacing"]));
            let cli_once = spawn(plain(&dir, &sim, &["sync", "--once", "--no-pacing"]));
            std::thread::sleep(Duration::from_millis(300 + dice.roll(3_700)));
            assert_harmless(&format!("round {round}: the killed sync"), &kill(app));
            tally.kills += 1;
            if dice.roll(2) == 0 {
                let out = kill(cli_once);
                assert_harmless(&format!("round {round}: the killed --once sync"), &out);
                tally.kills += 1;
            } else {
                let out = wait(cli_once, Duration::from_secs(180));
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    out.status.success(),
                    "round {round}: the --once sync failed:\n{stderr}"
                );
                assert_harmless(&format!("round {round}: the --once sync"), &out);
                tally.finished += 1;
                tally.waited += u32::from(stderr.contains("another sync of this archive"));
            }
            assert_blobs_on_disk(&dir, round).await;
            assert_nowhere_in(&dir, sim.token());
            let (search, _) = look(&dir, &sim, &format!("round {round}"));
            tally.searched += u32::from(hits(&search) > 0);
            damage(&dir, &sim, &mut dice, &mut tally, round).await;
        }

        // The faults off, one sync to the end: the archive is the simulator's truth.
        sim.set_faults(Faults::default());
        let last = run(plain(&dir, &sim, &["sync", "--once", "--no-pacing"]));
        assert_harmless("the last sync", &last);
        let counts = stdout(&run(cli(&dir, &["stats", "--json"])));
        let truth = format!("{}\n", serde_json::to_string(&sim.truth()).expect("JSON"));
        assert_eq!(counts, truth, "archive vs simulator truth");
        assert_blobs_on_disk(&dir, rounds()).await;
        assert_nowhere_in(&dir, sim.token());

        // The hostile names and texts were printed, not dropped: each command shows them, with
        // `�` where a control was.
        let (search, status) = look(&dir, &sim, "at the end");
        for (what, out) in [("sync", &last), ("search", &search), ("status", &status)] {
            assert!(out.status.success(), "{what} failed at the end");
            let shown = stdout(out);
            assert!(
                shown.contains("安全测试星球") && shown.contains('\u{FFFD}'),
                "{what} did not show the hostile circles' names:\n{shown}"
            );
        }
        let shown = stdout(&search);
        assert!(
            hits(&search) > 0 && shown.contains(MARKER) && shown.contains("安全测试用户"),
            "search did not show the hostile texts and authors:\n{shown}"
        );
        #[allow(clippy::print_stderr)] // The summary `cargo xtask chaos` records.
        {
            eprintln!(
                "chaos: {} rounds, {} kills, {} runs finished ({} waited for the other sync), damage: {:?}, hostile texts searched in {} rounds, {:.0} s",
                rounds(),
                tally.kills,
                tally.finished,
                tally.waited,
                tally.damaged,
                tally.searched,
                started.elapsed().as_secs_f64()
            );
        }
        sim.shutdown().await;
    });
}

/// The server's misbehaviour for one round.
fn faults(dice: &mut Dice) -> Faults {
    Faults {
        p_1059: 0.01 * dice.roll(3) as f64,
        p_5xx: 0.02 * dice.roll(3) as f64,
        p_truncate: 0.02 * dice.roll(2) as f64,
        huge_media: dice.roll(6) == 0,
        dead_images: dice.roll(4) == 0,
        cut_media: dice.roll(4) == 0,
        ..Faults::default()
    }
}

/// Empties or truncates one file between rounds, and checks the next run copes as promised.
async fn damage(dir: &Path, sim: &SimHandle, dice: &mut Dice, tally: &mut Tally, round: u32) {
    match dice.roll(5) {
        // Settings: reported, set aside, defaults used.
        0 => {
            std::fs::write(dir.join("settings.json"), b"").expect("empty settings");
            tally.damaged.push("settings emptied");
        }
        // The account file: the next sync says to sign in; signing in again resumes.
        1 => {
            std::fs::write(dir.join("account.json"), b"{\"base_u").expect("truncate account");
            let out = plain(dir, sim, &["sync", "--once", "--no-pacing"])
                .output()
                .expect("runs");
            assert!(
                !out.status.success(),
                "round {round}: synced without an account"
            );
            assert_harmless(&format!("round {round}: the sync without an account"), &out);
            let login = run(plain(dir, sim, &["login", "--base-url", sim.base_url()]));
            assert_harmless(&format!("round {round}: the login again"), &login);
            tally.damaged.push("account truncated");
        }
        // The search index's live generation: the next catch-up rebuilds it.
        2 => {
            let current = std::fs::read_to_string(dir.join("search/CURRENT")).unwrap_or_default();
            let meta = dir.join("search").join(current.trim()).join("meta.json");
            if meta.is_file() {
                std::fs::write(&meta, b"").expect("empty meta.json");
                tally.damaged.push("index meta emptied");
            }
        }
        // The archive emptied: an error that says so, and nothing deleted because of it; the
        // member restores their copy and goes on.
        3 => {
            let archive = dir.join("archive.sqlite3");
            let copy = dir.with_file_name("archive-copy.sqlite3");
            std::fs::copy(&archive, &copy).expect("copy the archive");
            let media_before = count_files(&dir.join("media"));
            std::fs::write(&archive, b"").expect("empty the archive");
            let out = plain(dir, sim, &["sync", "--once", "--no-pacing"])
                .output()
                .expect("runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success(),
                "round {round}: synced into an emptied archive"
            );
            assert!(stderr.contains("empty"), "round {round}: {stderr}");
            assert_harmless(
                &format!("round {round}: the sync into an emptied archive"),
                &out,
            );
            assert_eq!(
                count_files(&dir.join("media")),
                media_before,
                "media deleted"
            );
            std::fs::rename(&copy, &archive).expect("restore the archive");
            tally.damaged.push("archive emptied and restored");
        }
        _ => {}
    }
}

/// `orrery-cli` with the token, as [`headless`], and `NO_COLOR` set: its logger colours its own
/// lines even on a pipe (tracing's default), and without those every escape sequence in what
/// it prints would have come from the server.
fn plain(dir: &Path, sim: &SimHandle, args: &[&str]) -> Command {
    let mut c = headless(dir, sim, args);
    c.env("NO_COLOR", "1");
    c
}

/// Starts a sync with its stdout and stderr piped: a few kilobytes of lines, which the pipes
/// hold until it ends or is killed.
fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orrery-cli starts")
}

/// SIGKILL (std's kill on Unix): no destructor, no rollback, no checkpoint. Returns what the
/// process had printed by then.
fn kill(mut child: Child) -> Output {
    let _ = child.kill();
    child.wait_with_output().expect("output")
}

fn wait(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            kill(child);
            panic!("a sync did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
}

/// What a person looks at between syncs: `orrery-cli search` for the hostile texts (their
/// first line starts with [`MARKER`]) and `orrery-cli status`, each printed harmlessly whatever
/// the archive holds by now; either may fail (a damaged index, a refused request), which the
/// rounds allow. Returns both outputs.
fn look(dir: &Path, sim: &SimHandle, when: &str) -> (Output, Output) {
    let search = plain(dir, sim, &["search", MARKER])
        .output()
        .expect("search runs");
    assert_harmless(&format!("{when}: search"), &search);
    let status = plain(dir, sim, &["status"]).output().expect("status runs");
    assert_harmless(&format!("{when}: status"), &status);
    (search, status)
}

/// The number of results `search` reported (`145 results for …`), 0 if none or it failed.
fn hits(search: &Output) -> u64 {
    stdout(search)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// What `orrery-cli` promises of everything it prints for people (crates/cli/src/terminal.rs):
/// remote text reaches the terminal with every control character but line feed and tab (C0,
/// among them ESC, BEL, carriage return and backspace; DEL; C1, among them CSI, OSC and ST) and
/// every bidirectional formatting character replaced by `�`. Its own escape sequences (the
/// status line, search highlights) are for a terminal only and these outputs are pipes, so
/// any such character here came raw from the server.
fn assert_harmless(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = std::str::from_utf8(bytes)
            .unwrap_or_else(|e| panic!("{what}: {stream} is not UTF-8 ({e})"));
        let raw: Vec<String> = text
            .split('\n')
            .filter(|line| line.contains(reaches_the_terminal))
            .take(3)
            .map(|line| format!("{line:?}"))
            .collect();
        assert!(
            raw.is_empty(),
            "{what}: {stream} printed control or bidi characters raw:\n{}",
            raw.join("\n")
        );
    }
}

/// A character a terminal would obey rather than show: a control but line feed and tab, or a
/// bidirectional formatting character (the marks, embeddings, overrides and isolates).
fn reaches_the_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Every blob the archive's ledger names is a file on disk.
async fn assert_blobs_on_disk(dir: &Path, round: u32) {
    let store = orrery_testkit::open_store(dir).await;
    let paths = store.blob_paths().await.expect("blob paths");
    store.close().await;
    let missing: Vec<_> = paths.iter().filter(|p| !dir.join(p).is_file()).collect();
    assert!(
        missing.is_empty(),
        "after round {round}, named but gone: {missing:?}"
    );
}

fn count_files(dir: &Path) -> usize {
    file_sizes(dir).len()
}

/// A disk that fills mid-sync: the sync ends with an error that says so, the archive stays
/// whole, and once there is room again the next sync ends exact. The small disk is a 4 MiB
/// tmpfs mounted in a private mount namespace (`unshare`, as an unprivileged user may where
/// user namespaces are allowed, as on these machines), holding a copy of the data folder.
#[test]
fn a_full_disk_mid_sync_is_a_clear_error_and_loses_nothing() {
    block_on(async {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (dir, after) = (tmp.path().join("data"), tmp.path().join("after"));
        let sim = orrery_testkit::sim(Dataset::Generated(300)).await;
        signed_in_and_synced(&dir, &sim);
        // Much to write next time: new posts and comments, and their images.
        sim.advance(1500);
        let small = tmp.path().join("small");
        std::fs::create_dir_all(&small).expect("mount point");
        std::fs::create_dir_all(&after).expect("after");
        let used = du(&dir);
        let script = format!(
            "mount -t tmpfs -o size={size} tmpfs '{small}' && cp -a '{dir}'/. '{small}'/ \
             && {{ '{cli}' --data-dir '{small}' sync --once --no-pacing; echo \"exit=$?\" >&2; }} \
             ; cp -a '{small}'/. '{after}'/",
            size = used + 512 * 1024,
            small = small.display(),
            dir = dir.display(),
            after = after.display(),
            cli = env!("CARGO_BIN_EXE_orrery-cli"),
        );
        let out = Command::new("unshare")
            .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
            .env("ORRERY_TOKEN", sim.token())
            .stdin(Stdio::null())
            .output()
            .expect("unshare runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("exit="),
            "a small file system could not be mounted in a private namespace:\n{stderr}"
        );
        assert!(
            !stderr.contains("exit=0"),
            "the sync fit on the small disk:\n{stderr}"
        );
        assert!(stderr.contains("the disk is full"), "{stderr}");

        // The copy that filled up: whole, and exact after a sync with room.
        let store = orrery_testkit::open_store(&after).await;
        assert_eq!(store.integrity_check().await.expect("check"), "ok");
        store.close().await;
        run(headless(&after, &sim, &["sync", "--once", "--no-pacing"]));
        let counts = stdout(&run(cli(&after, &["stats", "--json"])));
        let truth = format!("{}\n", serde_json::to_string(&sim.truth()).expect("JSON"));
        assert_eq!(counts, truth, "archive vs simulator truth");
        assert_blobs_on_disk(&after, 0).await;
        assert_nowhere_in(&after, sim.token());
        sim.shutdown().await;
    });
}

/// Bytes of the files under `dir`.
fn du(dir: &Path) -> u64 {
    file_sizes(dir).iter().sum()
}

/// The size of every file under `dir`, subfolders included.
fn file_sizes(dir: &Path) -> Vec<u64> {
    let mut sizes = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                sizes.push(entry.metadata().map_or(0, |m| m.len()));
            }
        }
    }
    sizes
}
