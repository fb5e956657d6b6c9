//! `login`, `logout`, `status`, `stats`, `file` and the guards of `sync`, as a user runs them: the
//! real binary against zsxq-sim (served from the test process) and a real Secret Service (a
//! private GNOME Keyring, see `orrery_testkit::secret_service`).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use orrery_core::account::KEYRING_SERVICE;
use orrery_testkit::{
    STRANGER, SimHandle, assert_nowhere_in, block_on, client, open_store, secret_service_test,
};
use zsxq::client::{TopicPager, TopicScope, TopicSource};
use zsxq::model::TopicBody;
use zsxq_sim::{Dataset, Faults};

/// A simulator with a few topics per circle.
async fn sim() -> SimHandle {
    orrery_testkit::sim(Dataset::Generated(20)).await
}

/// `orrery-cli --data-dir DIR ARGS…` with a clean environment for the account.
pub(super) fn cli(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_orrery-cli"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("ORRERY_TOKEN")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    c
}

/// Runs `command` with `stdin` piped in.
fn run_with_stdin(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("orrery-cli starts");
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("orrery-cli finishes")
}

fn run(mut command: Command) -> Output {
    command.output().expect("orrery-cli runs")
}

/// stdout and stderr, checked to be free of `secret`.
fn texts(out: &Output, secret: &str) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "the token was printed:\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

fn login_stdin(dir: &Path, base_url: &str, token: &str) -> Output {
    run_with_stdin(
        cli(dir, &["login", "--base-url", base_url, "--token-stdin"]),
        &format!("{token}\n"),
    )
}

secret_service_test! {
    fn login_stores_the_token_in_the_keyring_and_logout_removes_it(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path();

            let out = login_stdin(dir, sim.base_url(), sim.token());
            let (stdout, stderr) = texts(&out, sim.token());
            assert!(out.status.success(), "{stdout}{stderr}");
            assert!(stdout.contains(&format!("signed in to {} as ", sim.base_url())), "{stdout}");
            assert!(stdout.contains("stored in the system keyring"), "{stdout}");
            // zsxq-sim announces 30 days, counting down per request.
            assert!(
                stdout.contains("expires:  in 30 days") || stdout.contains("expires:  in 29 days"),
                "{stdout}"
            );
            assert!(!stderr.contains("warning"), "a 30-day token needs no warning: {stderr}");
            assert_eq!(
                keyring.lookup(KEYRING_SERVICE, sim.base_url()).as_deref(),
                Some(sim.token())
            );

            // Later commands find the service without --base-url.
            let out = run(cli(dir, &["status"]));
            let (stdout, stderr) = texts(&out, sim.token());
            assert!(out.status.success(), "{stdout}{stderr}");
            assert!(stdout.contains("account:  signed in as "), "{stdout}");
            assert!(stdout.contains(&format!("service:  {}", sim.base_url())), "{stdout}");
            assert!(stdout.contains("token:    from system keyring"), "{stdout}");
            assert!(stdout.contains("archive:  none yet"), "{stdout}");

            // Signing out with the archive deleted is refused while a session has it open
            // (here: the test holds the lease a running app holds), and nothing changes.
            let out = run(cli(dir, &["sync", "--once", "--no-pacing"]));
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert!(dir.join("archive.sqlite3").is_file());
            {
                let lease = std::fs::File::options()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(dir.join("media.lock"))
                    .expect("the lease file");
                lease.lock_shared().expect("a shared lease");
                let out = run(cli(dir, &["logout", "--delete-archive"]));
                let (_, stderr) = texts(&out, sim.token());
                assert!(!out.status.success());
                assert!(stderr.contains("is open in Orrery"), "{stderr}");
                assert!(keyring.lookup(KEYRING_SERVICE, sim.base_url()).is_some());
                assert!(dir.join("archive.sqlite3").is_file());
            }

            let out = run(cli(dir, &["logout", "--delete-archive"]));
            let (stdout, stderr) = texts(&out, sim.token());
            assert!(out.status.success(), "{stdout}{stderr}");
            assert!(stdout.contains("removed from the system keyring"), "{stdout}");
            assert!(stdout.contains("the archive was deleted"), "{stdout}");
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), None);
            assert!(!dir.join("archive.sqlite3").exists() && !dir.join("search").exists());
            assert!(dir.join("account.json").is_file(), "which service stays remembered");

            let out = run(cli(dir, &["status"]));
            let (stdout, _) = texts(&out, sim.token());
            assert!(out.status.success());
            assert!(stdout.contains("account:  signed out"), "{stdout}");
            assert!(stdout.contains(&format!("service:  {}", sim.base_url())), "{stdout}");
            assert!(stdout.contains("archive:  none yet"), "{stdout}");

            let out = run(cli(dir, &["logout"]));
            assert!(out.status.success());
            assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to remove"));
            assert_nowhere_in(dir, sim.token());
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn a_refused_token_fails_login_and_stores_nothing(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let out = login_stdin(tmp.path(), sim.base_url(), STRANGER);
            let (stdout, stderr) = texts(&out, STRANGER);
            assert_eq!(out.status.code(), Some(3), "{stdout}{stderr}");
            assert!(stderr.contains("not valid or has expired"), "{stderr}");
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), None);
            assert!(!tmp.path().join("account.json").exists(), "nothing remembered");
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn orrery_token_signs_in_headless_and_is_never_stored(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path();
            let mut login = cli(dir, &["login", "--base-url", sim.base_url()]);
            login.env("ORRERY_TOKEN", sim.token());
            let out = run(login);
            let (stdout, stderr) = texts(&out, sim.token());
            assert!(out.status.success(), "{stdout}{stderr}");
            assert!(stdout.contains("using the token from ORRERY_TOKEN; it is not stored"), "{stdout}");
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), None);
            assert!(!keyring.search(KEYRING_SERVICE).contains("Orrery"), "no keyring item at all");

            let mut status = cli(dir, &["status"]);
            status.env("ORRERY_TOKEN", sim.token());
            let out = run(status);
            let (stdout, _) = texts(&out, sim.token());
            assert!(stdout.contains("account:  signed in as "), "{stdout}");
            assert!(stdout.contains("token:    from ORRERY_TOKEN (not stored)"), "{stdout}");

            // Without the variable there is no token: nothing was kept.
            let out = run(cli(dir, &["status"]));
            let (stdout, _) = texts(&out, sim.token());
            assert!(stdout.contains("account:  signed out"), "{stdout}");
            assert_nowhere_in(dir, sim.token());
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn a_401_after_login_means_sign_in_again(_keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path();
            assert!(login_stdin(dir, sim.base_url(), sim.token()).status.success());

            // The service revokes the token.
            sim.set_faults(Faults { unauthorized_after: Some(0), ..Faults::default() });
            let out = run(cli(dir, &["status"]));
            let (stdout, stderr) = texts(&out, sim.token());
            assert!(out.status.success(), "{stdout}{stderr}");
            assert!(stdout.contains("account:  needs sign-in"), "{stdout}");
            assert!(stdout.contains("last signed in as "), "{stdout}");

            let out = run(cli(dir, &["sync", "--once", "--no-pacing"]));
            let (_, stderr) = texts(&out, sim.token());
            assert_eq!(out.status.code(), Some(3), "{stderr}");
            assert!(stderr.contains("not valid or has expired"), "{stderr}");

            // A fresh token recovers.
            sim.set_faults(Faults::default());
            let fresh = sim.issue_token();
            let out = login_stdin(dir, sim.base_url(), &fresh);
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let out = run(cli(dir, &["status"]));
            assert!(String::from_utf8_lossy(&out.stdout).contains("account:  signed in as "));
            sim.shutdown().await;
        });
    }
}

/// A D-Bus address that leads nowhere: `login` fails with exit code 4 and says what to do;
/// nothing falls back to a file. Needs no keyring, only the environment of the CLI process.
#[test]
fn no_keyring_is_a_clear_error() {
    if !cfg!(target_os = "linux") {
        return;
    }
    block_on(async {
        let sim = sim().await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let nowhere = |mut c: Command| {
            c.env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/orrery-test-bus",
            )
            .env("XDG_RUNTIME_DIR", tmp.path());
            c
        };
        let out = run_with_stdin(
            nowhere(cli(
                &dir,
                &["login", "--base-url", sim.base_url(), "--token-stdin"],
            )),
            sim.token(),
        );
        let (stdout, stderr) = texts(&out, sim.token());
        assert_eq!(out.status.code(), Some(4), "{stdout}{stderr}");
        assert!(
            stderr.contains("no system keyring is available"),
            "{stderr}"
        );
        assert!(stderr.contains("ORRERY_TOKEN"), "{stderr}");

        let out = run(nowhere(cli(&dir, &["status"])));
        let (stdout, stderr) = texts(&out, sim.token());
        assert_eq!(out.status.code(), Some(4), "{stdout}{stderr}");
        assert!(
            stdout.contains("account:  unknown (see the error below)"),
            "{stdout}"
        );
        assert!(
            stderr.contains("no system keyring is available"),
            "{stderr}"
        );
        assert_nowhere_in(tmp.path(), sim.token());
        sim.shutdown().await;
    });
}

#[test]
fn login_needs_a_token_source_and_never_takes_one_as_an_argument() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = run(cli(tmp.path(), &["login"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--token-stdin"), "{stderr}");
    assert!(stderr.contains("ORRERY_TOKEN"), "{stderr}");

    let out = run(cli(tmp.path(), &["login", "--token", STRANGER]));
    assert_eq!(
        out.status.code(),
        Some(2),
        "clap refuses an unknown argument"
    );
    let out = run(cli(tmp.path(), &["login", STRANGER]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn no_pacing_is_refused_against_the_real_service() {
    let tmp = tempfile::tempdir().expect("tempdir");
    // No account.json: the real service is the default. The check comes before any request.
    let out = run(cli(tmp.path(), &["sync", "--once", "--no-pacing"]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--no-pacing is only allowed"), "{stderr}");
    assert!(stderr.contains("https://api.zsxq.com"), "{stderr}");
}

#[test]
fn stats_json_has_the_shape_of_sim_truth() {
    block_on(async {
        let sim = sim().await;
        let tmp = tempfile::tempdir().expect("tempdir");

        // No archive yet: an empty list, and no archive file created.
        let out = run(cli(tmp.path(), &["stats", "--json"]));
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"circles\":[]}\n");
        assert!(!tmp.path().join("archive.sqlite3").exists());

        // An archive that knows the circles but no topics yet.
        let groups = client(&sim).groups().await.expect("groups").data.groups;
        let store = open_store(tmp.path()).await;
        store.upsert_circles(&groups).await.expect("circles stored");
        store.close().await;

        let out = run(cli(tmp.path(), &["stats", "--json"]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).expect("utf-8");
        assert_eq!(stdout.lines().count(), 1, "one line, like zsxq-sim truth");
        let ours: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
        let truth = serde_json::to_value(sim.truth()).expect("truth as JSON");
        let ids = |v: &serde_json::Value| -> Vec<serde_json::Value> {
            v["circles"]
                .as_array()
                .expect("circles")
                .iter()
                .map(|c| c["group_id"].clone())
                .collect()
        };
        assert_eq!(
            ids(&ours),
            ids(&truth),
            "same circles, same order, ids as strings"
        );
        for circle in ours["circles"].as_array().expect("circles") {
            let mut keys: Vec<&String> = circle.as_object().expect("object").keys().collect();
            keys.sort();
            assert_eq!(keys, ["answered", "comments", "group_id", "topics"]);
            assert_eq!(circle["topics"], 0);
        }
        sim.shutdown().await;
    });
}

/// `login` then `sync --once --no-pacing` through the real binary: the archive's `stats --json`
/// is byte for byte what `zsxq-sim truth` prints, and the token is nowhere in the data
/// directory (archive, WAL, settings). Headless (`ORRERY_TOKEN`), so it needs no keyring.
#[test]
fn a_headless_sync_archives_exactly_the_truth() {
    block_on(async {
        let sim = sim().await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let headless = |args: &[&str]| {
            let mut c = cli(dir, args);
            c.env("ORRERY_TOKEN", sim.token());
            c
        };
        let out = run(headless(&["login", "--base-url", sim.base_url()]));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );

        let out = run(headless(&["sync", "--once", "--no-pacing"]));
        let (stdout, stderr) = texts(&out, sim.token());
        assert!(out.status.success(), "{stdout}{stderr}");
        assert!(stdout.contains("caught up"), "{stdout}");
        assert!(
            stderr.contains("sync started"),
            "plain progress lines: {stderr}"
        );

        let out = run(cli(dir, &["stats", "--json"]));
        assert!(out.status.success());
        let truth = format!("{}\n", serde_json::to_string(&sim.truth()).expect("JSON"));
        assert_eq!(String::from_utf8_lossy(&out.stdout), truth);
        // What the sync did is in the data folder's log (a Windows build has no stderr), and
        // the token is nowhere in the folder, logs included.
        let logs: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("logs"))
            .expect("a logs folder")
            .map(|e| e.expect("entry").path())
            .collect();
        assert!(
            logs.iter().any(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("orrery-cli."))
                    && std::fs::read_to_string(p).is_ok_and(|t| t.contains("INFO"))
            }),
            "{logs:?}"
        );
        assert_nowhere_in(dir, sim.token());

        let out = run(headless(&["status"]));
        let (stdout, _) = texts(&out, sim.token());
        assert!(stdout.contains("whole history archived"), "{stdout}");
        assert!(stdout.contains("re-reads the newest 60 topics"), "{stdout}");
        sim.shutdown().await;
    });
}

#[test]
fn file_downloads_an_attachment_once_and_explains_mobile_only_files() {
    block_on(async {
        let sim = orrery_testkit::sim(Dataset::Generated(400)).await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().join("data");
        let headless = |args: &[&str]| {
            let mut c = cli(&dir, args);
            c.env("ORRERY_TOKEN", sim.token());
            c
        };
        assert!(
            run(headless(&["login", "--base-url", sim.base_url()]))
                .status
                .success()
        );
        assert!(
            run(headless(&["sync", "--once", "--no-pacing"]))
                .status
                .success()
        );

        // The attachments, as the service lists them.
        let client = client(&sim);
        let mut files = Vec::new();
        for group in client.groups().await.expect("groups").data.groups {
            let source = TopicSource::Group {
                group: group.group_id,
                scope: TopicScope::All,
            };
            for topic in TopicPager::new(&client, source)
                .collect_all()
                .await
                .expect("topics")
            {
                let attached = match topic.body() {
                    TopicBody::Talk(talk) => talk.files.clone(),
                    TopicBody::Task(task) => task.files.clone(),
                    _ => None,
                };
                files.extend(attached.unwrap_or_default());
            }
        }
        let file = files
            .iter()
            .find(|f| !f.name.ends_with(".mp4"))
            .expect("a document");
        let id = file.file_id.to_string();

        let copy = tmp.path().join("下载.bin");
        let out = run(headless(&[
            "file",
            &id,
            "--out",
            copy.to_str().expect("utf-8"),
        ]));
        let (stdout, stderr) = texts(&out, sim.token());
        assert!(out.status.success(), "{stdout}{stderr}");
        assert_eq!(stdout.trim(), copy.display().to_string());
        let text = String::from_utf8(std::fs::read(&copy).expect("copied")).expect("utf-8");
        assert!(text.contains(&file.name), "{text}");

        // The second time it comes from the cache, without a request.
        let before = sim.requests().total;
        let out = run(headless(&["file", &id]));
        assert!(out.status.success());
        let cached = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        assert!(
            cached.starts_with(&dir.join("media").display().to_string()),
            "{cached}"
        );
        assert_eq!(
            std::fs::read(&cached).expect("cached"),
            std::fs::read(&copy).expect("copy")
        );
        assert_eq!(sim.requests().total, before, "no request for a cached file");

        let video = files
            .iter()
            .find(|f| f.name.ends_with(".mp4"))
            .expect("a video");
        let out = run(headless(&["file", &video.file_id.to_string()]));
        let (_, stderr) = texts(&out, sim.token());
        assert_eq!(out.status.code(), Some(1));
        assert!(stderr.contains("mobile app"), "{stderr}");
        let out = run(headless(&["file", "42"]));
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("not in the archive"));
        assert_nowhere_in(&dir, sim.token());
        sim.shutdown().await;
    });
}

secret_service_test! {
    fn a_401_mid_sync_stops_and_the_next_sign_in_resumes(_keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path();
            assert!(login_stdin(dir, sim.base_url(), sim.token()).status.success());

            // The sign-in lapses after a few requests of the sync.
            sim.set_faults(Faults { unauthorized_after: Some(5), ..Faults::default() });
            let out = run(cli(dir, &["sync", "--once", "--no-pacing"]));
            let (stdout, stderr) = texts(&out, sim.token());
            assert_eq!(out.status.code(), Some(3), "{stdout}{stderr}");
            assert!(stderr.contains("HTTP 401"), "{stderr}");
            assert!(stdout.contains("sign in again"), "{stdout}");

            sim.set_faults(Faults::default());
            let fresh = sim.issue_token();
            assert!(login_stdin(dir, sim.base_url(), &fresh).status.success());
            let out = run(cli(dir, &["sync", "--once", "--no-pacing"]));
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let out = run(cli(dir, &["stats", "--json"]));
            let truth = format!("{}\n", serde_json::to_string(&sim.truth()).expect("JSON"));
            assert_eq!(String::from_utf8_lossy(&out.stdout), truth);
            assert_nowhere_in(dir, sim.token());
            assert_nowhere_in(dir, &fresh);
            sim.shutdown().await;
        });
    }
}

secret_service_test! {
    fn sync_of_one_circle_leaves_the_others_alone(_keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let dir = tmp.path();
            assert!(login_stdin(dir, sim.base_url(), sim.token()).status.success());
            let truth = sim.truth();
            let first = &truth.circles[0];
            let out = run(cli(dir, &["sync", "--once", "--no-pacing", "--circle", &first.group_id]));
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let out = run(cli(dir, &["stats", "--json"]));
            let stats: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("stats JSON");
            for circle in stats["circles"].as_array().expect("circles") {
                let expected = if circle["group_id"] == first.group_id.as_str() {
                    first.topics
                } else {
                    0
                };
                assert_eq!(circle["topics"], expected, "{circle}");
            }
            sim.shutdown().await;
        });
    }
}

/// `sync` without `--once` keeps going until Ctrl-C, which cancels cleanly: exit 0, the report
/// says so, and what was archived stays.
#[cfg(unix)]
#[test]
fn ctrl_c_cancels_a_continuous_sync_cleanly() {
    use std::io::BufRead;
    block_on(async {
        let sim = sim().await;
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path();
        let mut login = cli(dir, &["login", "--base-url", sim.base_url()]);
        login.env("ORRERY_TOKEN", sim.token());
        assert!(run(login).status.success());

        let mut sync = cli(dir, &["sync", "--no-pacing"]);
        sync.env("ORRERY_TOKEN", sim.token())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = sync.spawn().expect("orrery-cli starts");
        // Wait for the first run to finish: the sync then sleeps until its next run.
        let stderr = child.stderr.take().expect("piped stderr");
        let mut lines = std::io::BufReader::new(stderr).lines();
        let mut seen = String::new();
        for line in lines.by_ref() {
            let line = line.expect("stderr line");
            seen.push_str(&line);
            seen.push('\n');
            if line.starts_with("sync finished") {
                break;
            }
        }
        assert!(seen.contains("sync finished: CaughtUp"), "{seen}");
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let out = child.wait_with_output().expect("orrery-cli ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}{seen}");
        assert!(stdout.contains("cancelled"), "{stdout}");

        let out = run(cli(dir, &["stats", "--json"]));
        let truth = format!("{}\n", serde_json::to_string(&sim.truth()).expect("JSON"));
        assert_eq!(String::from_utf8_lossy(&out.stdout), truth);
        sim.shutdown().await;
    });
}

/// Runs `orrery-cli ARGS…` in a pseudo-terminal (Python's `pty`: the test image has Python,
/// and nothing else here can play a terminal), types `typed` once the prompt is up, and
/// returns everything the terminal showed.
fn at_a_terminal(dir: &Path, args: &[&str], typed: &str) -> String {
    const SCRIPT: &str = r#"
import os, pty, select, sys, termios, time
argv, typed = sys.argv[1:-1], sys.argv[-1]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
seen, sent, prompted, deadline = b"", False, None, time.time() + 60
def echo_off():
    return not termios.tcgetattr(fd)[3] & termios.ECHO
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    if prompted is None and b"zsxq_access_token" in seen:
        prompted = time.time()
    # Types once the terminal stops echoing, as a person would some moments after the
    # prompt; a program that never turns echo off gets the token after 3 s all the same.
    if not sent and prompted is not None and (echo_off() or time.time() > prompted + 3):
        os.write(fd, typed.encode() + b"\r")
        sent = True
os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
"#;
    let mut command = Command::new("python3");
    command
        .arg("-c")
        .arg(SCRIPT)
        .arg(env!("CARGO_BIN_EXE_orrery-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .arg(typed)
        .env_remove("ORRERY_TOKEN")
        .env_remove("RUST_LOG");
    let out = command.output().expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

secret_service_test! {
    /// `--token-stdin` at a terminal used to echo the token as it was pasted.
    fn a_token_typed_at_a_terminal_is_not_echoed(keyring) {
        block_on(async {
            let sim = sim().await;
            let tmp = tempfile::tempdir().expect("tempdir");
            let shown = at_a_terminal(
                tmp.path(),
                &["login", "--base-url", sim.base_url(), "--token-stdin"],
                STRANGER,
            );
            assert!(shown.contains("zsxq_access_token"), "prompted: {shown}");
            assert!(shown.contains("not valid or has expired"), "the token was read: {shown}");
            assert!(!shown.contains(STRANGER), "the token was echoed: {shown}");
            assert_eq!(keyring.lookup(KEYRING_SERVICE, sim.base_url()), None);
            sim.shutdown().await;
        });
    }
}
