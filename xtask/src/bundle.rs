//! `cargo xtask bundle`: .deb and .rpm packages through the Tauri CLI.
//!
//! The CLI is npm's prebuilt one, which `setup` installs into `target/tools` (compiling
//! tauri-cli from crates.io took 15 of the 28 minutes this command used to take, see
//! docs/BENCHMARKS.md). It runs the release UI build itself (`build.beforeBuildCommand`).
//! AppImage is left out: its tooling downloads from GitHub.

use crate::process::{self, cmd, say};
use crate::setup;

pub fn run() -> anyhow::Result<()> {
    setup::run()?;
    let tauri = setup::tauri_cli();
    anyhow::ensure!(
        tauri.exists(),
        "the Tauri CLI is missing: install Node.js (npm) and run `cargo xtask setup`"
    );
    process::run(cmd(tauri).args(["build", "--bundles", "deb,rpm"]))?;
    say("packages are in target/release/bundle/deb and target/release/bundle/rpm");
    Ok(())
}
