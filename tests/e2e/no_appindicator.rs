//! Issue 17: the tray could abort the release build. `tray-icon` panics when it cannot load
//! the AppIndicator library, and a release build aborts on a panic; the app now looks for the
//! library first (`src-tauri/src/appindicator.rs`) and starts without a tray when it is missing.
//!
//! Here the real app runs on a desktop whose AppIndicator library is gone: a wrapper, launched
//! by WebKitWebDriver in place of the binary, enters a private mount namespace (`unshare`, as
//! `crates/cli/tests/cli/chaos.rs` does), binds `/dev/null` over every file the library's names
//! resolve to (so none of them is a regular file and `dlopen` would fail), then runs the binary
//! with its stderr in a file the test reads. A control run through the same wrapper, the
//! library left in place, must get its tray: it shows that hiding, not something else about the
//! wrapper, is what takes the tray away.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::support::{App, Launch};

/// What the app logs when it finds no library (`src-tauri/src/tray.rs`).
const NO_LIBRARY: &str = "no tray icon: this desktop has no AppIndicator library";
/// What it logs once the tray is built.
const INSTALLED: &str = "tray icon installed";
/// The names `libappindicator-sys` loads (as `appindicator::NAMES`).
const NAMES: [&str; 4] = [
    "libayatana-appindicator3.so.1",
    "libappindicator3.so.1",
    "libayatana-appindicator3.so",
    "libappindicator3.so",
];
/// How the wrapper enters a mount namespace of its own: as root, or as a user where user
/// namespaces are allowed (the chaos test's convention).
const UNSHARE: [&str; 3] = ["--user", "--map-root-user", "--mount"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desktop_without_appindicator_starts_without_a_tray_instead_of_aborting()
-> anyhow::Result<()> {
    let libraries = libraries();
    assert!(
        !libraries.is_empty(),
        "this machine has no AppIndicator library ({NAMES:?}), so the control run cannot get a \
         tray: install libayatana-appindicator3-1 (`cargo xtask setup` does)"
    );
    probe_hiding(&libraries);

    // The control: the same wrapper without hiding anything, and the tray is there.
    let shown = Wrapper::new(&[])?;
    let app = launch(&shown).await?;
    let window = window_works(&app).await;
    let tray = match app
        .tray
        .as_ref()
        .context("a tray host")?
        .menu(TRAY_WAIT)
        .await
    {
        Ok(menu) => menu.entries().await.map(|entries| entries.len()),
        Err(err) => Err(err),
    };
    let log = wait_for_line(&app, INSTALLED).await;
    app.close().await?;
    let stderr = shown.stderr();
    window.with_context(|| format!("control run, the library in place; stderr:\n{stderr}"))?;
    let entries = tray.with_context(|| {
        format!("control run: the library in place, yet no tray; log:\n{log}\nstderr:\n{stderr}")
    })?;
    assert!(
        entries >= 3,
        "control run: a tray menu of {entries} entries"
    );
    assert!(
        log.contains(INSTALLED) && !log.contains(NO_LIBRARY),
        "control run: the log does not say the tray was installed:\n{log}"
    );
    no_panic("control run", &log, &stderr);

    // The library hidden: the app starts, its window works, and it has no tray.
    let hidden = Wrapper::new(&libraries)?;
    let app = launch(&hidden).await?;
    let window = window_works(&app).await;
    if window.is_ok() {
        app.screenshot("no-appindicator").await?;
    }
    // The tray is built (or not) during setup, before the window loads: by now an item would
    // have registered with the tray host.
    let tray = app
        .tray
        .as_ref()
        .context("a tray host")?
        .menu(Duration::from_secs(3))
        .await
        .err()
        .map(|err| err.to_string());
    let log = wait_for_line(&app, NO_LIBRARY).await;
    app.close().await?;
    let stderr = hidden.stderr();
    window.with_context(|| {
        format!("without AppIndicator, the window did not work; log:\n{log}\nstderr:\n{stderr}")
    })?;
    match tray.as_deref() {
        Some(err) if err.contains("no tray item registered") => {}
        Some(err) => panic!("without AppIndicator, the tray host failed: {err}"),
        None => panic!(
            "without AppIndicator, a tray item registered: the library was not hidden, or the \
             app built its tray anyway; log:\n{log}"
        ),
    }
    no_panic("without AppIndicator", &log, &stderr);
    assert!(
        log.contains(NO_LIBRARY) && !log.contains(INSTALLED),
        "without AppIndicator, the log does not say the app started without a tray because \
         the library is missing ({NO_LIBRARY:?}):\n{log}\nstderr:\n{stderr}"
    );
    Ok(())
}

/// How long the control run's tray may take to register, after the window renders.
const TRAY_WAIT: Duration = Duration::from_secs(30);

/// The app through `wrapper`, on a private bus with a tray host, in the demo.
async fn launch(wrapper: &Wrapper) -> anyhow::Result<App> {
    App::launch_with(Launch {
        tray: true,
        application: Some(wrapper.program.clone()),
        ..Launch::default()
    })
    .await
    .with_context(|| {
        format!(
            "launching the app through {}; its stderr:\n{}",
            wrapper.program.display(),
            wrapper.stderr()
        )
    })
}

/// The window renders the demo's reader: its circles and the first one's timeline (what the
/// other tests see first).
async fn window_works(app: &App) -> anyhow::Result<()> {
    app.wait_demo().await?;
    app.wait_for("#circles li[data-circle]").await?;
    app.wait_for("#timeline-rows .row").await?;
    Ok(())
}

/// The app's log files, once one holds `line` (the file writer runs on its own thread), or as
/// they are after a few seconds.
async fn wait_for_line(app: &App, line: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let log = logs(&app.data_dir().join("logs"));
        if log.contains(line) || Instant::now() > deadline {
            return log;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every file in `dir`, one after the other.
fn logs(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap_or_default())
        .collect()
}

/// No panic, caught or not: a debug build catches the tray's (a release build would abort).
fn no_panic(run: &str, log: &str, stderr: &str) {
    for (what, text) in [("stderr", stderr), ("log", log)] {
        assert!(
            !text.contains("panicked"),
            "{run}: the app panicked ({what}):\n{text}"
        );
    }
}

/// The files the library's names resolve to, where the dynamic loader would find them: the
/// usual directories and the loader's cache.
fn libraries() -> Vec<PathBuf> {
    let multiarch = format!("{}-linux-gnu", std::env::consts::ARCH);
    let mut dirs: Vec<PathBuf> = std::env::var_os("LD_LIBRARY_PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    for root in ["/usr/lib", "/lib", "/usr/local/lib"] {
        dirs.push(Path::new(root).join(&multiarch));
        dirs.push(PathBuf::from(root));
    }
    dirs.extend(["/usr/lib64", "/lib64"].map(PathBuf::from));
    let cache = ["/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"]
        .iter()
        .find_map(|program| Command::new(program).arg("-p").output().ok())
        .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
        .unwrap_or_default();
    let listed = cache.lines().filter_map(|line| {
        let (lib, path) = line.trim().split_once(" => ")?;
        let name = lib.split_whitespace().next()?;
        NAMES.contains(&name).then(|| PathBuf::from(path.trim()))
    });
    let candidates = dirs
        .iter()
        .flat_map(|dir| NAMES.map(|name| dir.join(name)))
        .chain(listed);
    let mut found: Vec<PathBuf> = candidates
        .filter_map(|path| path.canonicalize().ok())
        .filter(|path| path.is_file())
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Hides `libraries` in a private mount namespace and checks that no name of the library is a
/// file there any more; fails with what `unshare` said when this machine does not allow it.
fn probe_hiding(libraries: &[PathBuf]) {
    let mut script = hide(libraries);
    for dir in ["/usr/lib", "/lib"] {
        let dir = Path::new(dir).join(format!("{}-linux-gnu", std::env::consts::ARCH));
        for name in NAMES {
            script.push_str(&format!("test ! -f {}\n", quote(&dir.join(name))));
        }
    }
    script.push_str("echo hidden\n");
    let out = Command::new("unshare")
        .args(UNSHARE)
        .args(["sh", "-c", &script])
        .stdin(Stdio::null())
        .output();
    let said = match &out {
        Ok(out) => format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(err) => format!("unshare did not run: {err}"),
    };
    assert!(
        said.contains("hidden"),
        "the AppIndicator library could not be hidden in a private mount namespace \
         (`unshare {}` then `mount --bind /dev/null` over {libraries:?}); this test needs root or \
         unprivileged user namespaces:\n{said}",
        UNSHARE.join(" ")
    );
}

/// Shell lines binding `/dev/null` over each of `libraries` and checking it is a file no more.
fn hide(libraries: &[PathBuf]) -> String {
    libraries
        .iter()
        .map(|lib| {
            let lib = quote(lib);
            format!("mount --bind /dev/null {lib} && test ! -f {lib} || exit 97\n")
        })
        .collect()
}

/// `path` in single quotes for `sh`.
fn quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// The program WebKitWebDriver launches as the app: it enters a mount namespace of its own,
/// hides the given libraries, and runs the real binary with the arguments and environment it
/// was given, its stderr (panics included) in a file.
struct Wrapper {
    dir: tempfile::TempDir,
    program: PathBuf,
}

impl Wrapper {
    fn new(hidden: &[PathBuf]) -> anyhow::Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("orrery-no-appindicator-")
            .tempdir()?;
        let (program, inside) = (dir.path().join("orrery"), dir.path().join("inside"));
        let stderr = quote(&dir.path().join("stderr"));
        let write = |path: &Path, script: String| -> anyhow::Result<()> {
            std::fs::write(path, script)?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
            Ok(())
        };
        write(
            &program,
            format!(
                "#!/bin/sh\nexec 2>>{stderr}\nexec unshare {} {} \"$@\"\n",
                UNSHARE.join(" "),
                quote(&inside)
            ),
        )?;
        write(
            &inside,
            format!(
                "#!/bin/sh\nexec 2>>{stderr}\n{}exec {} \"$@\"\n",
                hide(hidden),
                quote(Path::new(env!("CARGO_BIN_EXE_orrery")))
            ),
        )?;
        Ok(Self { dir, program })
    }

    /// What the wrapper and the app wrote to stderr so far.
    fn stderr(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default()
    }
}
