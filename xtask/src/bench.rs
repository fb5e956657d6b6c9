//! `cargo xtask bench startup [--release] [--runs N]`: launch to first render, and idle memory.
//!
//! Each run starts the real app with a fresh temporary data directory and times from the spawn
//! to the shell's "UI connected" log line, which the UI triggers with its first command right
//! after it mounts. Five seconds later it sums memory over the app and the WebKit processes it
//! started (RSS, and PSS, which splits shared pages fairly and so does not count WebKit's shared
//! libraries three times). Without a display it re-runs itself under Xvfb.

use crate::process::{self, cmd, root, say};
use anyhow::{Context, bail};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let Some((what, rest)) = args.split_first() else {
        bail!(
            "usage: cargo xtask bench <startup [--release] [--runs N] | search [--sizes N,N] [--queries N]>"
        )
    };
    match what.as_str() {
        "startup" => startup(rest),
        "search" => crate::bench_search::run(rest),
        other => bail!("unknown benchmark `{other}`"),
    }
}

fn startup(args: &[String]) -> anyhow::Result<()> {
    let release = args.iter().any(|a| a == "--release");
    let runs: usize = match args.iter().position(|a| a == "--runs") {
        Some(i) => args.get(i + 1).context("--runs needs a number")?.parse()?,
        None => 5,
    };
    if std::env::var_os("DISPLAY").is_none() {
        // Re-run under a private X server and D-Bus session.
        let mut c = cmd("xvfb-run");
        c.args([
            "--auto-servernum",
            "--server-args=-screen 0 1280x800x24",
            "dbus-run-session",
            "--",
        ])
        .arg(std::env::current_exe()?)
        .arg("bench")
        .arg("startup")
        .args(args);
        return process::run(&mut c);
    }
    crate::setup::run()?;
    let profile = if release { "release" } else { "debug" };
    let mut ui = cmd("trunk");
    ui.current_dir(root().join("ui"))
        .args(["build", "--offline"]);
    if release {
        ui.arg("--release");
    }
    process::run(&mut ui)?;
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
            "run {run}: first render {:.0} ms, idle RSS {:.0} MB, PSS {:.0} MB over {} processes",
            sample.first_render.as_secs_f64() * 1e3,
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

struct Sample {
    first_render: Duration,
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
                let _ = tx.send(());
            }
        }
    });
    let outcome = rx.recv_timeout(Duration::from_secs(120));
    let first_render = started.elapsed();
    let sample = match outcome {
        Ok(()) => {
            std::thread::sleep(Duration::from_secs(5));
            let pids = descendants(child.id());
            let (rss_kb, pss_kb) = pids
                .iter()
                .map(|p| memory_kb(*p))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
            Ok(Sample {
                first_render,
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

/// `pid` and every process below it, from /proc.
fn descendants(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            // The command name may contain spaces: the parent pid is the second field after ')'.
            let ppid = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((p, ppid))
        })
        .collect();
    let mut found = vec![pid];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, pp)| *pp == parent)
                .map(|(p, _)| *p),
        );
        i += 1;
    }
    found
}

/// (RSS, PSS) in kB from /proc/<pid>/smaps_rollup.
fn memory_kb(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| {
                l.strip_prefix(name)?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse::<u64>()
                    .ok()
            })
            .unwrap_or(0)
    };
    (field("Rss:"), field("Pss:"))
}
