//! `orrery-cli`: the headless front door to Orrery's core.
//!
//! Scripts, benchmarks and people running Orrery on a home server use it. Every command takes
//! `--data-dir`, defaulting to the desktop app's own data directory, so both work on one archive.
//! Commands arrive with the issues that build their engine parts; today there are `info` and
//! `inspect`.

mod inspect;

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
    /// Decode a saved raw ZSXQ response and say what it holds.
    Inspect {
        /// The response body, as saved from the network.
        file: PathBuf,
        /// Print one JSON object instead of a summary.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Info => info(cli.data_dir),
        Command::Inspect { file, json } => inspect_file(&file, json),
    }
}

fn info(data_dir: Option<PathBuf>) -> anyhow::Result<()> {
    let root = match data_dir {
        Some(dir) => dir,
        None => DataDir::default_location()?,
    };
    let dir = DataDir::open(root)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "orrery-cli {}", env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "data directory: {}", dir.root().display()).context("writing to stdout")?;
    Ok(())
}

/// `inspect` needs no data directory: it only reads the file it is given.
fn inspect_file(file: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let body = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let report = inspect::inspect(&body).with_context(|| format!("{}", file.display()))?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{report}")?;
        return Ok(());
    }
    writeln!(out, "kind: {}", report["kind"].as_str().unwrap_or("?"))?;
    for topic in report["topics"].as_array().into_iter().flatten() {
        let text = topic["text"].as_str().unwrap_or_default();
        let first_line = text.lines().next().unwrap_or_default();
        writeln!(
            out,
            "{} {:<8} {first_line}",
            topic["topic_id"].as_str().unwrap_or("?"),
            topic["type"].as_str().unwrap_or("?")
        )?;
    }
    Ok(())
}
