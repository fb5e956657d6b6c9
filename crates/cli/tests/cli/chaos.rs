//! The fault suite (issue 17): rounds in which the core runs as the app and the CLI would, two
//! `orrery-cli sync` processes on one archive at once (one continuous, one `--once`), killed at
//! random moments, against a simulator that refuses (1059), fails (5xx), cuts bodies short,
//! and now and then serves 1 GiB images, media that breaks off half way, or no images at all;
//! between rounds files are emptied or truncated: the settings, the account file, the search
//! index, the archive itself.
//!
//! After every round what must hold holds: every blob the archive names is on disk (nothing
//! still referenced was swept or evicted by another process), and no token is anywhere in the
//! data folder. After the last round, with the faults off, one sync to the end makes the
//! archive equal the simulator's truth.
//!
//! The suite runs a few rounds (`ORRERY_CHAOS_ROUNDS`, 4 by default); `cargo xtask chaos` runs
//! many and its summary line goes to docs/BENCHMARKS.md. A full disk has its own test below: a
//! small file system mounted in a private namespace for one sync.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use orrery_testkit::{assert_nowhere_in, block_on};
use zsxq_sim::{Dataset, Faults, SimConfig, SimHandle};

use super::account::cli;
use super::search::{headless, run, stdout};

/// The rounds: `ORRERY_CHAOS_ROUNDS`, else 4.
fn rounds() -> u32 {
    std::env::var("ORRERY_CHAOS_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4)
}

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
}

#[test]
fn rounds_of_kills_damage_and_a_hostile_server_lose_nothing() {
    block_on(async {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let sim = orrery_testkit::sim_with(SimConfig {
            dataset: Dataset::Generated(1200),
            ..SimConfig::default()
        })
        .await;
        run(headless(
            &dir,
            &sim,
            &["login", "--base-url", sim.base_url()],
        ));
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
            let mut app = spawn(headless(&dir, &sim, &["sync", "--no-pacing"]));
            let mut cli_once = spawn(headless(&dir, &sim, &["sync", "--once", "--no-pacing"]));
            std::thread::sleep(Duration::from_millis(300 + dice.roll(3_700)));
            kill(&mut app);
            tally.kills += 1;
            if dice.roll(2) == 0 {
                kill(&mut cli_once);
                tally.kills += 1;
            } else {
                let out = wait(cli_once, Duration::from_secs(180));
                let stderr = String::from_utf8_lossy(&out.stderr);
                assert!(
                    out.status.success(),
                    "round {round}: the --once sync failed:\n{stderr}"
                );
                tally.finished += 1;
                tally.waited += u32::from(stderr.contains("another sync of this archive"));
            }
            assert_blobs_on_disk(&dir, round).await;
            assert_nowhere_in(&dir, sim.token());
            damage(&dir, &sim, &mut dice, &mut tally, round).await;
        }

        // The faults off, one sync to the end: the archive is the simulator's truth.
        sim.set_faults(Faults::default());
        run(headless(&dir, &sim, &["sync", "--once", "--no-pacing"]));
        let counts = stdout(&run(cli(&dir, &["stats", "--json"])));
        let truth = format!("{}\n", serde_json::to_string(&sim.truth()).expect("JSON"));
        assert_eq!(counts, truth, "archive vs simulator truth");
        assert_blobs_on_disk(&dir, rounds()).await;
        assert_nowhere_in(&dir, sim.token());
        #[allow(clippy::print_stderr)] // The summary `cargo xtask chaos` records.
        {
            eprintln!(
                "chaos: {} rounds, {} kills, {} runs finished ({} waited for the other sync), damage: {:?}, {:.0} s",
                rounds(),
                tally.kills,
                tally.finished,
                tally.waited,
                tally.damaged,
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
            let out = headless(dir, sim, &["sync", "--once", "--no-pacing"])
                .output()
                .expect("runs");
            assert!(
                !out.status.success(),
                "round {round}: synced without an account"
            );
            run(headless(dir, sim, &["login", "--base-url", sim.base_url()]));
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
            let out = headless(dir, sim, &["sync", "--once", "--no-pacing"])
                .output()
                .expect("runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success(),
                "round {round}: synced into an emptied archive"
            );
            assert!(stderr.contains("empty"), "round {round}: {stderr}");
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

fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orrery-cli starts")
}

/// SIGKILL (std's kill on Unix): no destructor, no rollback, no checkpoint.
fn kill(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn wait(mut child: Child, limit: Duration) -> std::process::Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("try_wait").is_none() {
        if Instant::now() > deadline {
            kill(&mut child);
            panic!("a sync did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("output")
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
        run(headless(
            &dir,
            &sim,
            &["login", "--base-url", sim.base_url()],
        ));
        run(headless(&dir, &sim, &["sync", "--once", "--no-pacing"]));
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
