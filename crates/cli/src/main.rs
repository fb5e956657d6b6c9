//! `orrery-cli`: the headless front door to Orrery's core.
//!
//! Scripts, benchmarks and people running Orrery on a home server use it. Every command takes
//! `--data-dir`, defaulting to the desktop app's own data directory, so both work on one archive.
//!
//! Commands: `info`, `inspect` (a saved raw response), `login`/`logout`/`status` (the account,
//! in [`account`]), `sync` (in [`sync`]), `watch` (in [`watch`]: sync on an interval and notify), `brief`
//! (in [`brief`]: what is unread, ranked by signal), `stats` (in [`stats`]), `search` and `reindex` (in
//! [`search`]), `show` (in [`show`]: one topic, marked when deleted on the service or edited,
//! with its earlier texts), `file` (in [`file`]: an attachment's bytes, on demand), `export` (in
//! [`export`]) and `import` (in [`import`]: saved articles and notes into 已保存). Output for people goes to
//! stdout, warnings and errors to stderr, logs (`RUST_LOG`) to stderr too. Exit codes: 1 for
//! any failure, 2 for bad usage, 3 when a sign-in is needed (no token, or the service refused
//! it), 4 when no system keyring is available.

mod account;
mod brief;
mod export;
mod file;
mod import;
mod inspect;
mod interrupt;
mod mirror;
mod search;
mod show;
mod stats;
mod sync;
mod terminal;
mod watch;

use anyhow::Context;
use clap::{Parser, Subcommand};
use orrery_core::logging::{self, LogGuard, LogSetup};
use orrery_core::paths::DataDir;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    /// Sign in to ZSXQ with an access token, checked with the service and kept in the system
    /// keyring (or check the token in ORRERY_TOKEN, which is never stored).
    Login {
        /// The API to sign in to [default: the one signed in to last, else the real service].
        /// Remembered for later commands.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Read the token from the first line of stdin. Tokens are never taken as arguments.
        #[arg(long)]
        token_stdin: bool,
    },
    /// Remove the stored token from the system keyring.
    Logout {
        /// Also delete the account's archive from this computer (topics, search index, cached
        /// images); settings, logs and the app's demo stay. Refused while the app or another
        /// orrery-cli has the archive open.
        #[arg(long)]
        delete_archive: bool,
    },
    /// Show who is signed in where, when the token ends, and what the archive holds.
    Status,
    /// Mirror the joined circles into the archive.
    Sync {
        /// Only this circle (its group id).
        #[arg(long, value_name = "ID")]
        circle: Option<i64>,
        /// Send requests as fast as the service answers. Only allowed against a loopback
        /// address (zsxq-sim); the real service bans tokens that crawl.
        #[arg(long)]
        no_pacing: bool,
        /// Exit once caught up instead of syncing again on an interval.
        #[arg(long)]
        once: bool,
    },
    /// Sync on an interval and notify what is yours: answers to your questions, replies,
    /// @mentions, questions for you (the app's notifications, without the window).
    Watch {
        /// Between two passes: `90s`, `15m`, `1h` (default: the Settings' sync interval).
        #[arg(long, value_name = "DURATION", value_parser = watch::parse_interval)]
        interval: Option<std::time::Duration>,
        /// One pass (sync, then notify), then exit.
        #[arg(long)]
        once: bool,
        /// Print each event as one JSON object per line.
        #[arg(long)]
        json: bool,
        /// Turn pacing off (only against a simulator on a loopback address).
        #[arg(long)]
        no_pacing: bool,
    },
    /// What is unread across circles, ranked by signal with the reason for each place, and
    /// the noise (check-ins, thanks, bare links, duplicates) counted below.
    Brief {
        /// How far back: `12h`, `3d` (default 3 days). Unread answers to your questions and
        /// other events of yours are in it whatever their age.
        #[arg(long, value_name = "DURATION", value_parser = watch::parse_interval)]
        since: Option<std::time::Duration>,
        /// Print one JSON object per line: the ranked items, then the noise.
        #[arg(long)]
        json: bool,
        /// Ranked items shown.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Then mark everything in the brief read (noise too), with its inbox events.
        #[arg(long)]
        mark_all_read: bool,
        /// First follow an author or a hashtag (`author:ID`, `tag:NAME`): their posts rank
        /// higher. Repeatable.
        #[arg(long, value_name = "WHO", value_parser = brief::parse_mark)]
        follow: Vec<orrery_core::store::Mark>,
        /// First mute an author or a hashtag: their posts go to the noise. Repeatable.
        #[arg(long, value_name = "WHO", value_parser = brief::parse_mark)]
        mute: Vec<orrery_core::store::Mark>,
        /// First take back a follow or a mute. Repeatable.
        #[arg(long, value_name = "WHO", value_parser = brief::parse_mark)]
        unmark: Vec<orrery_core::store::Mark>,
        /// Print the follows and mutes instead of the brief.
        #[arg(long)]
        marks: bool,
    },
    /// Export the archive, or part of it, as a Markdown vault (a folder: a note per topic, a
    /// folder per circle, images beside them), one self-contained HTML file, an EPUB book for
    /// e-readers, or JSON lines.
    /// Exporting again into the same place rewrites only what changed.
    Export(export::ExportArgs),
    /// Import Markdown notes and folders (Obsidian vaults, Omnivore and Readwise exports) and
    /// saved web pages into 已保存 / Saved, where search finds them (`source:saved`). Importing
    /// the same file again updates it.
    Import {
        /// Files or folders.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// What is mirrored of each circle: without arguments, the list; with a circle's group id
    /// and `all`, `none` (listed, not synced) or a number of months (`3m`), the choice. The
    /// sync follows from its next run and deletes nothing already archived.
    Mirror {
        /// The circle's group id.
        #[arg(requires = "choice")]
        circle: Option<i64>,
        /// `all`, `none` or months such as `3m`.
        #[arg(value_parser = mirror::parse_choice)]
        choice: Option<orrery_core::store::Mirror>,
    },
    /// Topics, comments and answered questions per archived circle.
    Stats {
        /// Print one JSON line in the shape of `zsxq-sim truth`.
        #[arg(long)]
        json: bool,
    },
    /// Search the archive (the query language is in docs/search.md).
    Search {
        /// Words, "phrases", -exclusions and filters such as type:question or after:2025-01.
        #[arg(required_unless_present = "queries")]
        query: Option<String>,
        /// Run each line of FILE as a query and print one JSON line per query.
        #[arg(long, value_name = "FILE", conflicts_with = "query")]
        queries: Option<PathBuf>,
        /// Print JSON instead of a list for people.
        #[arg(long)]
        json: bool,
        /// Results per query.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Skip this many results (the next page).
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// Newest first instead of best match first.
        #[arg(long)]
        newest: bool,
    },
    /// Rebuild the search index from the archive.
    Reindex,
    /// Print one archived topic: circle, author, time and text, marked when 知识星球 deleted
    /// it (the archive keeps it) or it was edited.
    Show {
        /// The topic's id.
        id: i64,
        /// Print one JSON object instead of text for people.
        #[arg(long)]
        json: bool,
        /// Also print the earlier texts of an edited topic, oldest first.
        #[arg(long)]
        revisions: bool,
    },
    /// Download an attached file into the media cache (once) and print where it is.
    File {
        /// The file's id.
        id: i64,
        /// Copy it here too, and print this path instead.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

#[allow(clippy::print_stderr)] // the error is the command's output for a person
fn main() -> ExitCode {
    let cli = Cli::parse();
    let _logs = init_logging(cli.data_dir.as_deref());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors quote the service and file names: remote text, shown harmless.
            eprintln!("error: {}", terminal::safe(&format!("{err:#}")));
            ExitCode::from(account::exit_code(&err).unwrap_or(1))
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Info => info(&data_dir(cli.data_dir)?),
        Command::Inspect { file, json } => inspect_file(&file, json),
        Command::Login {
            base_url,
            token_stdin,
        } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(account::login(&dir, base_url, token_stdin))
        }
        Command::Logout { delete_archive } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(account::logout(&dir, delete_archive))
        }
        Command::Status => {
            let dir = data_dir(cli.data_dir)?;
            block_on(account::status(&dir))
        }
        Command::Sync {
            circle,
            no_pacing,
            once,
        } => {
            let dir = data_dir(cli.data_dir)?;
            let args = sync::SyncArgs {
                circle,
                no_pacing,
                once,
            };
            block_on(sync::sync(&dir, &args))
        }
        Command::Watch {
            interval,
            once,
            json,
            no_pacing,
        } => {
            let dir = data_dir(cli.data_dir)?;
            let args = watch::WatchArgs {
                interval,
                once,
                json,
                no_pacing,
            };
            block_on(watch::watch(&dir, &args))
        }
        Command::Brief {
            since,
            json,
            limit,
            mark_all_read,
            follow,
            mute,
            unmark,
            marks,
        } => {
            let dir = data_dir(cli.data_dir)?;
            let stances = [(Some(true), follow), (Some(false), mute), (None, unmark)];
            let args = brief::BriefArgs {
                since,
                json,
                limit,
                mark_all_read,
                set: stances
                    .into_iter()
                    .flat_map(|(stance, marks)| marks.into_iter().map(move |m| (m, stance)))
                    .collect(),
                list_marks: marks,
            };
            block_on(brief::brief(&dir, &args))
        }
        Command::Export(args) => {
            let dir = data_dir(cli.data_dir)?;
            block_on(export::run(&dir, &args))
        }
        Command::Import { paths } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(import::run(&dir, &paths))
        }
        Command::Mirror { circle, choice } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(mirror::mirror(&dir, circle.zip(choice)))
        }
        Command::Stats { json } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(stats::stats(&dir, json))
        }
        Command::Search {
            query,
            queries,
            json,
            limit,
            offset,
            newest,
        } => {
            let dir = data_dir(cli.data_dir)?;
            let args = search::SearchArgs {
                query,
                queries,
                json,
                limit,
                offset,
                newest,
            };
            block_on(search::search(&dir, &args))
        }
        Command::Reindex => {
            let dir = data_dir(cli.data_dir)?;
            block_on(search::reindex(&dir))
        }
        Command::Show {
            id,
            json,
            revisions,
        } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(show::show(&dir, id, json, revisions))
        }
        Command::File { id, out } => {
            let dir = data_dir(cli.data_dir)?;
            block_on(file::file(&dir, id, out.as_deref()))
        }
    }
}

/// Logs go to stderr, quiet unless `RUST_LOG` asks; the token never reaches them (the core's
/// types redact it).
/// Warnings on stderr, and a log file in the data folder's `logs/` beside the app's
/// (`orrery-cli.YYYY-MM-DD.log`), when that folder exists already: commands that need no data
/// folder (`inspect`) create none.
fn init_logging(data_dir: Option<&Path>) -> LogGuard {
    let root = data_dir
        .map(Path::to_path_buf)
        .or_else(|| DataDir::default_location().ok());
    let folder = root.filter(|r| r.is_dir()).map(|r| r.join("logs"));
    logging::init(LogSetup {
        folder: folder.as_deref(),
        name: "orrery-cli",
        env_var: "RUST_LOG",
        stderr_level: "warn",
    })
}

fn block_on<F: Future<Output = anyhow::Result<()>>>(future: F) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(future)
}

/// `--data-dir`, else `$ORRERY_DATA_DIR`, else the desktop app's; created if missing.
fn data_dir(flag: Option<PathBuf>) -> anyhow::Result<DataDir> {
    let root = match flag {
        Some(dir) => dir,
        None => DataDir::default_location()?,
    };
    Ok(DataDir::open(root)?)
}

fn info(dir: &DataDir) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "orrery-cli {}", env!("CARGO_PKG_VERSION"))?;
    writeln!(out, "data directory: {}", dir.root().display()).context("writing to stdout")?;
    Ok(())
}

/// `inspect` needs no data directory: it only reads the file it is given.
fn inspect_file(file: &Path, json: bool) -> anyhow::Result<()> {
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
        let first_line = terminal::safe(text.lines().next().unwrap_or_default());
        writeln!(
            out,
            "{} {:<8} {first_line}",
            topic["topic_id"].as_str().unwrap_or("?"),
            topic["type"].as_str().unwrap_or("?")
        )?;
    }
    Ok(())
}
