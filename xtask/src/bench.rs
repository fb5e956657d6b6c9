//! `cargo xtask bench startup [--release] [--runs N]`: launch to first render and to the first
//! circle, and idle memory.
//!
//! Each run starts the real app with a fresh temporary data directory and times from the spawn
//! to the shell's "UI connected" log line, which the UI triggers with its first command right
//! after it mounts, and to "first circles served", logged when the sidebar first receives a
//! non-empty list (the demo's circles, once its sync stored them). Five seconds later it sums memory over the app and the WebKit processes it
//! started (RSS, and PSS, which splits shared pages fairly and so does not count WebKit's shared
//! libraries three times). Without a display it re-runs itself under Xvfb.

use crate::process::{self, cmd, root, say};
use crate::procfs::{descendants, memory_kb};
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some((what, rest)) = args.split_first() else {
        bail!(
            "usage: cargo xtask bench <startup [--release] [--runs N] | ui [--release] | search [--sizes N,N] [--queries N] | notify [--events N] | tray [--minutes N] | brief [--topics N] | export [--topics N] | import [--topics N] | sync [--topics N]>"
        )
    };
    match what.as_str() {
        "startup" => startup(rest),
        "ui" => ui(rest),
        "search" => crate::bench_search::run(rest),
        "notify" => notify(rest),
        "tray" => tray(rest),
        "brief" => brief(rest),
        "export" => export(rest),
        "import" => import(rest),
        "sync" => core_benchmark("sync::text_first_benchmark", rest),
        other => bail!("unknown benchmark `{other}`"),
    }
}

/// `cargo xtask bench ui [--release] [--dataset generated:N] [--rows N]`: keystroke to search
/// results painted, and memory idle and after scrolling `--rows` topics (1,000), measured by the ignored `ui_benchmark` test of the end-to-end
/// suite in the real window (see tests/e2e/bench.rs).
fn ui(args: &[String]) -> anyhow::Result<()> {
    let env = [
        ("--dataset", "ORRERY_BENCH_DATASET"),
        ("--rows", "ORRERY_BENCH_ROWS"),
    ];
    e2e_benchmark("bench::ui_benchmark", args, &env)
}

/// Runs the ignored end-to-end test `name` under Xvfb (`--release` builds it so), passing each
/// `(flag, variable)` of `env` given in `args` as the variable.
fn e2e_benchmark(name: &str, args: &[String], env: &[(&str, &str)]) -> anyhow::Result<()> {
    let release = args.iter().any(|a| a == "--release");
    crate::setup::run()?;
    crate::tasks::build_ui(release)?;
    let mut test = cmd("cargo");
    test.args(["test", "--package", "orrery", "--test", "e2e"]);
    if release {
        test.arg("--release");
    }
    test.args(["--", "--ignored", "--exact", name, "--nocapture"]);
    for (flag, variable) in env {
        if let Some(i) = args.iter().position(|a| a == flag) {
            test.env(
                variable,
                args.get(i + 1)
                    .with_context(|| format!("{flag} needs a value"))?,
            );
        }
    }
    process::run(&mut crate::tasks::headless(test))
}

/// `cargo xtask bench notify [--events N]`: event to desktop notification through
/// `orrery-cli watch --interval 60s`, and requests per idle poll, by the ignored
/// `notification_benchmark` test of the CLI's suite (a private D-Bus with the test
/// notification server; see crates/cli/tests/cli/watch.rs). Takes about `3 + N/2` minutes.
fn notify(args: &[String]) -> anyhow::Result<()> {
    crate::setup::run()?;
    let mut test = cmd("cargo");
    test.args([
        "test",
        "--package",
        "orrery-cli",
        "--test",
        "cli",
        "--",
        "--ignored",
        "--exact",
    ])
    .args(["watch::notification_benchmark", "--nocapture"]);
    if let Some(i) = args.iter().position(|a| a == "--events") {
        test.env(
            "ORRERY_BENCH_EVENTS",
            args.get(i + 1).context("--events needs a number")?,
        );
    }
    process::run(&mut test)
}

/// `cargo xtask bench brief [--topics N]`: on a busy day of 500 topics in five circles, what the
/// brief's first screen holds against the raw text, and the time to build it on an archive of
/// `N` topics (100,000) against every circle's first timeline page; the ignored
/// `brief_benchmark` test of the core's suite, in release mode.
fn brief(args: &[String]) -> anyhow::Result<()> {
    core_benchmark("brief::brief_benchmark", args)
}

/// `cargo xtask bench export [--topics N]`: an archive of `N` topics (10,000) with its images
/// exported as Markdown (twice: the second is incremental), HTML, EPUB and JSON lines, beside the
/// fetch a crawler would need; the ignored `export_benchmark` test of the core's suite.
fn export(args: &[String]) -> anyhow::Result<()> {
    core_benchmark("export::export_benchmark", args)
}

/// `cargo xtask bench import [--topics N]`: a vault of `N` exported topics (10,000) imported
/// into a new archive and made searchable, imported again, and searched beside `grep -rlF`;
/// the ignored `import_benchmark` test of the core's suite.
fn import(args: &[String]) -> anyhow::Result<()> {
    core_benchmark("import::import_benchmark", args)
}

/// Runs an ignored benchmark test of the core's suite in release mode, `--topics N` passed as
/// `ORRERY_BENCH_TOPICS`.
fn core_benchmark(test_name: &str, args: &[String]) -> anyhow::Result<()> {
    crate::setup::run()?;
    let mut test = cmd("cargo");
    test.args([
        "test",
        "--release",
        "--package",
        "orrery-core",
        "--test",
        "core",
        "--",
        "--ignored",
        "--exact",
        test_name,
        "--nocapture",
    ]);
    if let Some(i) = args.iter().position(|a| a == "--topics") {
        test.env(
            "ORRERY_BENCH_TOPICS",
            args.get(i + 1).context("--topics needs a number")?,
        );
    }
    process::run(&mut test)
}

/// `cargo xtask bench tray [--release] [--minutes N]`: CPU time and PSS of the app idle in the
/// tray, minute by minute, by the ignored `tray_idle_benchmark` test of the end-to-end suite.
fn tray(args: &[String]) -> anyhow::Result<()> {
    e2e_benchmark(
        "bench::tray_idle_benchmark",
        args,
        &[("--minutes", "ORRERY_BENCH_MINUTES")],
    )
}

fn startup(args: &[String]) -> anyhow::Result<()> {
    let release = args.iter().any(|a| a == "--release");
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).context("--runs needs a number")?.parse()?,
        None => 5,
    };
    if cfg!(target_os = "linux") && std::env::var_os("DISPLAY").is_none() {
        // Re-run under a private X server and D-Bus session.
        let mut again = cmd(std::env::current_exe()?);
        again.arg("bench").arg("startup").args(args);
        return process::run(&mut crate::tasks::headless(again));
    }
    crate::setup::run()?;
    let profile = if release { "release" } else { "debug" };
    crate::tasks::build_ui(release)?;
    let mut build = cmd("cargo");
    build.args(["build", "--package", "orrery"]);
    if release {
        build.arg("--release");
    }
    process::run(&mut build)?;
    let binary = root().join("target").join(profile).join("orrery");
    let size = std::fs::metadata(&binary)?.len();

    let mut samples = Vec::new();
    for run in 1..=runs {
        let sample = launch_once(&binary)?;
        say(&format!(
            "run {run}: first render {:.0} ms, first circle {:.0} ms, idle RSS {:.0} MB, PSS {:.0} MB over {} processes",
            sample.first_render.as_secs_f64() * 1e3,
            sample
                .first_circles
                .map_or(f64::NAN, |d| d.as_secs_f64() * 1e3),
            sample.rss_kb as f64 / 1024.0,
            sample.pss_kb as f64 / 1024.0,
            sample.processes
        ));
        samples.push(sample);
    }
    let median = |f: &dyn Fn(&Sample) -> f64| {
        let mut v: Vec<f64> = samples.iter().map(f).collect();
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    writeln!(out, "profile {profile}, {runs} runs, medians:")?;
    writeln!(
        out,
        "  launch to first render  {:.0} ms",
        median(&|s| s.first_render.as_secs_f64() * 1e3)
    )?;
    writeln!(
        out,
        "  launch to first circle   {:.0} ms",
        median(&|s| s.first_circles.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3))
    )?;
    writeln!(
        out,
        "  idle RSS (all processes) {:.0} MB",
        median(&|s| s.rss_kb as f64 / 1024.0)
    )?;
    writeln!(
        out,
        "  idle PSS (all processes) {:.0} MB",
        median(&|s| s.pss_kb as f64 / 1024.0)
    )?;
    writeln!(
        out,
        "  binary size              {:.1} MB",
        size as f64 / 1e6
    )?;
    Ok(())
}

#[derive(Debug, PartialEq, Eq)]
enum Milestone {
    /// The UI mounted and reached the shell.
    Connected,
    /// The UI was sent a non-empty list of circles (painted on the next frame).
    Circles,
}

struct Sample {
    first_render: Duration,
    first_circles: Option<Duration>,
    rss_kb: u64,
    pss_kb: u64,
    processes: usize,
}

fn launch_once(binary: &std::path::Path) -> anyhow::Result<Sample> {
    let home = std::env::temp_dir().join(format!("orrery-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let started = Instant::now();
    let mut child = cmd(binary)
        .env("ORRERY_LOG", "info")
        .env("ORRERY_DATA_DIR", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("share"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().context("stderr")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains("UI connected") {
                let _ = tx.send(Milestone::Connected);
            }
            if line.contains("first circles served") {
                let _ = tx.send(Milestone::Circles);
            }
        }
    });
    let outcome = rx.recv_timeout(Duration::from_secs(120));
    let first_render = started.elapsed();
    // The demo's first circles arrive once its sync has stored the circle list.
    let first_circles = (outcome == Ok(Milestone::Connected))
        .then(|| rx.recv_timeout(Duration::from_secs(120)).ok())
        .flatten()
        .map(|_| started.elapsed());
    let sample = match outcome {
        Ok(_) => {
            std::thread::sleep(Duration::from_secs(5));
            let pids = descendants(child.id());
            let (rss_kb, pss_kb) = pids
                .iter()
                .map(|p| memory_kb(*p))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            Ok(Sample {
                first_render,
                first_circles,
                rss_kb,
                pss_kb,
                processes: pids.len(),
            })
        }
        Err(_) => Err(anyhow::anyhow!("the UI did not connect within 120 s")),
    };
    let _ = cmd("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&home);
    sample
}
