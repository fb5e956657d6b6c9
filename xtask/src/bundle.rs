//! `cargo xtask bundle`: .deb and .rpm packages through tauri-cli.
//!
//! tauri-cli takes 15–30 minutes to build on two cores, so it is installed here on first use
//! rather than by `setup`. It runs the release UI build itself (`build.beforeBuildCommand`).
//! AppImage is left out: its tooling downloads from GitHub.

use crate::process::{self, cmd, output, say};
use crate::setup;

pub fn run() -> anyhow::Result<()> {
    setup::run()?;
    if output(cmd("cargo").args(["tauri", "--version"])).is_none() {
        say("installing tauri-cli 2 from crates.io (once; 15-30 minutes on two cores)");
        process::run(cmd("cargo").args(["install", "tauri-cli", "--version", "^2", "--locked"]))?;
    }
    process::run(cmd("cargo").args(["tauri", "build", "--bundles", "deb,rpm"]))?;
    say("packages are in target/release/bundle/deb and target/release/bundle/rpm");
    Ok(())
}
