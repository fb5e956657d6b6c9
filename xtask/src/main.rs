//! `cargo xtask`: Orrery's build tooling, in Rust so it runs wherever cargo does.
//!
//! - `setup` installs what building and testing need (system packages on Debian/Ubuntu, Trunk,
//!   wasm-bindgen-cli matching Cargo.lock, tauri-driver, the Tauri CLI from npm, the wasm32
//!   target). Idempotent, and quick when everything is there. It only ever downloads from
//!   the package registries.
//! - `run` builds the UI and the app and launches it.
//! - `test` runs every check CI runs: formatting, clippy, the UI's wasm build and all tests,
//!   the end-to-end suite included, under Xvfb.
//! - `e2e` runs only the end-to-end suite.
//! - `chaos` runs the fault suite for many rounds (the test suite runs a few).
//! - `bundle` builds .deb and .rpm packages with the Tauri CLI.
//! - `bench startup` measures launch to first render and idle memory under Xvfb.
//! - `bench search` compares the search index with SQLite FTS5 and LIKE (see bench_search.rs).
//!
//! Each step's command is printed before it runs; `test` ends with a table of what passed.

mod bench;
mod bench_search;
mod bundle;
mod process;
mod procfs;
mod setup;
mod tasks;

use anyhow::bail;

const USAGE: &str = "usage: cargo xtask <setup|run|test|e2e|chaos|bundle|bench>

  setup    install system packages and tools (idempotent)
  run      build the UI and launch the desktop app (demo mode without an account)
  test     formatting, clippy, UI build, every test incl. end-to-end under Xvfb
  e2e      only the end-to-end suite
  chaos [--rounds 30] [--seed S]
           kills, damaged files and a hostile server against two syncs of one archive
  bundle   build .deb and .rpm packages into target/release/bundle/
  bench startup [--release] [--runs N]
           launch to first render, idle memory and binary size, under Xvfb
  bench search [--sizes 10000,100000,1000000] [--queries 100]
           search latency, recall, index size and build cost: Orrery vs FTS5 vs LIKE";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(task) = args.first() else {
        eprintln_usage();
        bail!("no task given");
    };
    let rest = &args[1..];
    match task.as_str() {
        "setup" => setup::run(),
        "run" => tasks::run_app(rest),
        "test" => tasks::test(),
        "e2e" => tasks::e2e(),
        "chaos" => tasks::chaos(rest),
        "bundle" => bundle::run(),
        "bench" => bench::run(rest),
        "-h" | "--help" | "help" => {
            eprintln_usage();
            Ok(())
        }
        other => {
            eprintln_usage();
            bail!("unknown task `{other}`")
        }
    }
}

#[allow(clippy::print_stderr)]
fn eprintln_usage() {
    eprintln!("{USAGE}");
}
