//! `run`, `test`, `e2e` and `chaos`.

use crate::process::{self, cmd, root, say};
use crate::setup;
use std::process::Command;
use std::time::{Duration, Instant};

/// Builds the UI into ui/dist, which the app embeds at compile time.
pub fn build_ui(release: bool) -> anyhow::Result<()> {
    let mut c = cmd("trunk");
    c.current_dir(root().join("ui"))
        .args(["build", "--offline"]);
    if release {
        c.arg("--release");
    }
    process::run(&mut c)
}

pub fn run_app(app_args: &[String]) -> anyhow::Result<()> {
    setup::run()?;
    build_ui(false)?;
    process::run(cmd("cargo").args(["build", "--package", "orrery"]))?;
    let mut app = cmd(root().join("target").join("debug").join(exe("orrery")));
    app.args(app_args);
    process::announce(&app);
    // The app's own exit code is the task's: closing the window is success, not an xtask error.
    let status = app.status()?;
    std::process::exit(status.code().unwrap_or(0))
}

fn exe(name: &str) -> String {
    format!("{name}{}", std::env::consts::EXE_SUFFIX)
}

/// Wraps a command that opens windows in a private X display and D-Bus session on Linux, so the
/// tests need no desktop and never touch the user's session (keyring, notifications).
pub fn headless(inner: Command) -> Command {
    if !cfg!(target_os = "linux") {
        return inner;
    }
    let mut c = cmd("xvfb-run");
    c.args([
        "--auto-servernum",
        "--server-args=-screen 0 1280x800x24",
        "dbus-run-session",
        "--",
    ]);
    c.arg(inner.get_program()).args(inner.get_args());
    // The wrapper runs the command with its environment (`bench ui --dataset` sets some).
    for (key, value) in inner.get_envs() {
        match value {
            Some(value) => c.env(key, value),
            None => c.env_remove(key),
        };
    }
    c
}

fn nextest(args: &[&str]) -> Command {
    let mut c = cmd("cargo");
    c.args(["nextest", "run", "--locked", "--no-fail-fast"])
        .args(args);
    c
}

pub fn test() -> anyhow::Result<()> {
    let started = Instant::now();
    setup::run()?;
    let mut steps: Vec<(&str, Command)> = Vec::new();
    let mut fmt = cmd("cargo");
    fmt.args(["fmt", "--all", "--", "--check"]);
    steps.push(("rustfmt", fmt));
    let mut ui = cmd("trunk");
    ui.current_dir(root().join("ui"))
        .args(["build", "--offline"]);
    steps.push(("UI wasm build", ui));
    // After the UI build: the shell embeds ui/dist at compile time and fails without it.
    let mut clippy = cmd("cargo");
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--locked",
        "--",
        "-D",
        "warnings",
    ]);
    steps.push(("clippy", clippy));
    steps.push((
        "tests (unit, integration, end-to-end)",
        headless(nextest(&["--workspace"])),
    ));

    let mut results = Vec::new();
    for (name, mut c) in steps {
        let t = Instant::now();
        let outcome = process::run(&mut c);
        if let Err(err) = &outcome {
            say(&format!("{name}: {err:#}"));
        }
        results.push((name, outcome.is_ok(), t.elapsed()));
    }
    report(&results, started.elapsed())
}

pub fn e2e() -> anyhow::Result<()> {
    setup::run()?;
    build_ui(false)?;
    process::run(&mut headless(nextest(&[
        "--package",
        "orrery",
        "--test",
        "e2e",
    ])))
}

/// The fault suite (`crates/cli/tests/cli/chaos.rs`) with more rounds than the test suite's
/// four: `--rounds N` (default 30) and `--seed S` for another sequence of faults. Its summary
/// line (rounds, kills, damage survived) is what docs/BENCHMARKS.md records.
pub fn chaos(args: &[String]) -> anyhow::Result<()> {
    let mut rounds = "30".to_owned();
    let mut seed = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().cloned().unwrap_or_default(),
            "--seed" => seed = args.next().cloned(),
            other => anyhow::bail!("unknown chaos option `{other}` (--rounds N, --seed S)"),
        }
    }
    anyhow::ensure!(
        rounds.parse::<u32>().is_ok_and(|n| n > 0),
        "--rounds takes a positive number, not `{rounds}`"
    );
    let mut c = nextest(&[
        "--profile",
        "chaos",
        "--package",
        "orrery-cli",
        "--test",
        "cli",
        "--no-capture",
        "chaos::",
    ]);
    c.env("ORRERY_CHAOS_ROUNDS", &rounds);
    if let Some(seed) = seed {
        c.env("ORRERY_CHAOS_SEED", seed);
    }
    process::run(&mut c)
}

#[allow(clippy::print_stderr)]
fn report(results: &[(&str, bool, Duration)], total: Duration) -> anyhow::Result<()> {
    eprintln!("\nxtask test summary");
    for (name, ok, took) in results {
        eprintln!(
            "  {:<8} {name} ({:.0} s)",
            if *ok { "ok" } else { "FAILED" },
            took.as_secs_f64()
        );
    }
    eprintln!("  total {:.0} s", total.as_secs_f64());
    let failed: Vec<&str> = results.iter().filter(|r| !r.1).map(|r| r.0).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("failed: {}", failed.join(", "))
    }
}
