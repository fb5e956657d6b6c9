//! `orrery-cli`: the headless front door to Orrery's core.
//!
//! Scripts, benchmarks and people running Orrery on a home server use it. Every command takes
//! `--data-dir`, defaulting to the desktop app's own data directory, so both work on one archive.
//! Commands arrive with the issues that build their engine parts; today there is `info`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use orrery_core::paths::DataDir;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "orrery-cli",
    version,
    about = "Orrery (星仪) without the window"
)]
struct Cli {
    /// The data directory [default: the desktop app's, or $ORRERY_DATA_DIR]
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the version and the data directory in use.
    Info,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let root = match cli.data_dir {
        Some(dir) => dir,
        None => DataDir::default_location()?,
    };
    match cli.command {
        Command::Info => {
            let dir = DataDir::open(root)?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "orrery-cli {}", env!("CARGO_PKG_VERSION"))?;
            writeln!(out, "data directory: {}", dir.root().display())
                .context("writing to stdout")?;
        }
    }
    Ok(())
}
