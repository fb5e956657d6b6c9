//! A real Secret Service for tests: a private D-Bus session with its own, freshly created and
//! unlocked GNOME Keyring, so tests store, read and delete tokens through the same D-Bus API the
//! desktop uses without ever touching the user's keyring.
//!
//! Used by the integration tests of `orrery-core` and `orrery-cli`.
//!
//! How: the Secret Service store connects to the bus named by `DBUS_SESSION_BUS_ADDRESS`, and
//! the process environment cannot be changed from safe Rust (nor safely at all once threads
//! run). So a test declared with [`secret_service_test!`] re-runs itself — the same test binary,
//! filtered to exactly that test — under `dbus-run-session`, with `HOME` and the XDG
//! directories pointed into a temporary directory. In that child the test starts
//! `gnome-keyring-daemon --unlock` (password on stdin, as `TOOLCHAIN.md` describes), waits until
//! it owns `org.freedesktop.secrets`, and runs its body. Every test gets its own bus and
//! keyring, so nextest's parallel processes never meet. [`rerun_with_env`] is the same trick
//! without a keyring, for tests about a missing one.
//!
//! Where the tools are missing (not Linux, or no `dbus-run-session`/`gnome-keyring-daemon`),
//! the test says so on stderr and passes as skipped — except when it runs inside a D-Bus
//! session or `ORRERY_REQUIRE_KEYRING` is set, as under `cargo xtask test` (which wraps the
//! tests in `dbus-run-session`) and CI: there a missing keyring is a failure.

#![allow(clippy::print_stderr)] // a skip, and the child run's output, must be visible

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::tools;

/// Set in the child run: `keyring` (start a keyring, run the body) or `plain` (run the body).
const CHILD_ENV: &str = "ORRERY_TEST_SECRET_SERVICE";
/// The keyring's password: the daemon reads it from stdin to create and unlock `login`.
const PASSWORD: &str = "orrery-test-keyring";

/// Declares a `#[test]` whose body runs with a private, unlocked Secret Service:
/// `secret_service_test!(fn name(keyring) { … })`, where `keyring` is the [`Keyring`] fixture.
#[macro_export]
macro_rules! secret_service_test {
    ($(#[$meta:meta])* fn $name:ident($keyring:ident) $body:block) => {
        $(#[$meta])*
        #[test]
        fn $name() {
            $crate::secret_service::run(
                $crate::secret_service::test_name(module_path!(), stringify!($name)),
                |$keyring: &$crate::secret_service::Keyring| $body,
            );
        }
    };
}

/// The libtest name of a test: its module path without the crate's name.
pub fn test_name(module_path: &str, function: &str) -> String {
    match module_path.split_once("::") {
        Some((_, rest)) => format!("{rest}::{function}"),
        None => function.to_owned(),
    }
}

/// The running keyring of a child run.
#[derive(Debug)]
pub struct Keyring {
    daemon: std::process::Child,
    home: PathBuf,
}

impl Keyring {
    /// The temporary home of this run: `HOME`, with the XDG directories inside it.
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Where GNOME Keyring keeps its files in this run (`$XDG_DATA_HOME/keyrings`).
    pub fn keyring_dir(&self) -> PathBuf {
        self.home.join("data").join("keyrings")
    }

    /// `secret-tool lookup`: the secret stored under these attributes, read by a tool that is
    /// not Orrery, or `None`.
    pub fn lookup(&self, service: &str, username: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", service, "username", username])
            .stdin(Stdio::null())
            .output()
            .expect("secret-tool runs");
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
            .filter(|secret| !secret.is_empty())
    }

    /// `secret-tool search --all`: the labels and attributes of every item of `service`.
    pub fn search(&self, service: &str) -> String {
        let out = Command::new("secret-tool")
            .args(["search", "--all", "service", service])
            .stdin(Stdio::null())
            .output()
            .expect("secret-tool runs");
        // secret-tool prints attributes on stdout and the rest on stderr.
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }
}

impl Drop for Keyring {
    fn drop(&mut self) {
        // Our own child, by pid: dbus-run-session would also end it with the bus.
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// Runs `body` with a private Secret Service (see the module docs).
pub fn run(test: String, body: impl FnOnce(&Keyring)) {
    match std::env::var(CHILD_ENV).as_deref() {
        Ok("keyring") => {
            let keyring = start_keyring();
            body(&keyring);
        }
        Ok(other) => panic!("{CHILD_ENV}={other} in a Secret Service test"),
        Err(_) => {
            if let Some(missing) = missing_tools() {
                tools::skip_or_fail(&test, "Secret Service", &missing);
                return;
            }
            rerun(&test, true, &[]);
        }
    }
}

/// Runs `body` in a child run of this test with `env` set (no keyring started): for tests of
/// the environment itself, such as a D-Bus address that leads nowhere.
pub fn rerun_with_env(test: String, env: &[(&str, &str)], body: impl FnOnce()) {
    match std::env::var(CHILD_ENV).as_deref() {
        Ok("plain") => body(),
        Ok(other) => panic!("{CHILD_ENV}={other} in a plain re-run"),
        Err(_) => rerun(&test, false, env),
    }
}

fn missing_tools() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some(format!(
            "the headless Secret Service fixture is Linux-only ({} here)",
            std::env::consts::OS
        ));
    }
    let missing: Vec<&str> = [
        "dbus-run-session",
        "dbus-send",
        "gnome-keyring-daemon",
        "secret-tool",
    ]
    .into_iter()
    .filter(|tool| !tools::on_path(tool))
    .collect();
    (!missing.is_empty()).then(|| {
        format!(
            "{} not installed (`cargo xtask setup` installs dbus, gnome-keyring and libsecret-tools)",
            missing.join(", ")
        )
    })
}

/// Re-runs exactly `test` of this binary in a child process with a fresh home, under its own
/// D-Bus session when `keyring`, and fails unless the child ran it and it passed.
fn rerun(test: &str, keyring: bool, env: &[(&str, &str)]) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path().to_path_buf();
    let runtime = home.join("run");
    for dir in ["data", "config", "cache", "run"] {
        std::fs::create_dir_all(home.join(dir)).expect("create a directory of the fake home");
    }
    set_private(&runtime);
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = if keyring {
        let mut c = Command::new("dbus-run-session");
        c.arg("--").arg(exe);
        c
    } else {
        Command::new(exe)
    };
    child
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env(CHILD_ENV, if keyring { "keyring" } else { "plain" })
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_RUNTIME_DIR", &runtime)
        // The child decides for itself; it must not inherit the caller's token or archive.
        .env_remove("ORRERY_TOKEN")
        .env_remove("ORRERY_DATA_DIR")
        .stdin(Stdio::null());
    if keyring {
        // dbus-run-session sets its own address for the child.
        child.env_remove("DBUS_SESSION_BUS_ADDRESS");
    }
    for (key, value) in env {
        child.env(key, value);
    }
    let out = child.output().expect("the test re-runs itself");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("--- child run of {test} ---\n{stdout}{stderr}--- end of child run ---");
    assert!(out.status.success(), "the child run of {test} failed");
    // A filter that matched nothing would pass vacuously.
    assert!(
        stdout.contains("1 passed"),
        "the child run did not run {test}"
    );
}

#[cfg(unix)]
fn set_private(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // GNOME Keyring refuses a runtime directory others can read.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .expect("chmod the runtime directory");
}

#[cfg(not(unix))]
fn set_private(_dir: &Path) {}

/// In the child: starts GNOME Keyring on the session bus, creating and unlocking its `login`
/// collection (the Secret Service's default) with [`PASSWORD`].
fn start_keyring() -> Keyring {
    use std::io::Write;
    let home = PathBuf::from(std::env::var_os("HOME").expect("HOME is set by the parent run"));
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets", "--foreground"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gnome-keyring-daemon starts");
    {
        // Closing stdin ends the password.
        let mut stdin = daemon.stdin.take().expect("piped stdin");
        stdin
            .write_all(PASSWORD.as_bytes())
            .expect("the password reaches the daemon");
    }
    let keyring = Keyring { daemon, home };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !secrets_owned(None) {
        assert!(
            Instant::now() < deadline,
            "gnome-keyring-daemon did not claim org.freedesktop.secrets within 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    keyring
}

/// Whether some process owns the Secret Service's name on the session bus: on `bus` (an
/// address) when given, else on the bus this process's environment names. A keyring daemon
/// answers on D-Bus some time after it starts, so the fixtures here and the end-to-end suite's
/// poll this before they use it.
pub fn secrets_owned(bus: Option<&str>) -> bool {
    let mut send = Command::new("dbus-send");
    send.args([
        "--session",
        "--print-reply",
        "--dest=org.freedesktop.DBus",
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus.NameHasOwner",
        "string:org.freedesktop.secrets",
    ])
    .stdin(Stdio::null());
    if let Some(bus) = bus {
        send.env("DBUS_SESSION_BUS_ADDRESS", bus);
    }
    send.output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
}
