//! Where the app and `orrery-cli` write what they log: to stderr, as before, and to files in
//! the data folder's `logs/` (one a day, `<name>.YYYY-MM-DD.log`, the last [`KEEP_DAYS`] kept),
//! because a Windows release build has no stderr and a member reporting a problem needs
//! something to send. Settings opens the folder.
//!
//! What is logged never holds the token (the client marks its cookie header sensitive and no
//! code formats it); the tests that sync check the whole data folder for it, logs included.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, Layer as _, fmt};

/// Days of log files kept.
pub const KEEP_DAYS: usize = 14;

/// Keeps the file writer's thread alive; dropping it flushes what is left. Hold it for as
/// long as the program runs.
#[must_use = "the log file is written only while the guard lives"]
#[derive(Debug)]
pub struct LogGuard {
    _writer: Option<WorkerGuard>,
}

/// What to log and where.
#[derive(Debug, Clone, Copy)]
pub struct LogSetup<'a> {
    /// The `logs/` folder; `None` logs to stderr only.
    pub folder: Option<&'a Path>,
    /// The files' name: `orrery`, `orrery-cli`.
    pub name: &'a str,
    /// The variable whose `tracing` filter overrides the levels (`ORRERY_LOG`, `RUST_LOG`).
    pub env_var: &'a str,
    /// The level shown on stderr without the variable.
    pub stderr_level: &'a str,
}

/// Installs the global logger; a second call (tests) changes nothing. A folder that cannot
/// be created or written only loses the file, never the program.
pub fn init(setup: LogSetup<'_>) -> LogGuard {
    let filter = |default: &str| {
        EnvFilter::try_from_env(setup.env_var).unwrap_or_else(|_| EnvFilter::new(default))
    };
    let stderr = fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter(setup.stderr_level));
    let (file, guard) = match setup.folder.and_then(|folder| appender(folder, setup.name)) {
        Some(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let layer = fmt::layer()
                .with_ansi(false)
                .with_writer(writer)
                .with_filter(filter("info"));
            (Some(layer), Some(guard))
        }
        None => (None, None),
    };
    let _ = tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init();
    LogGuard { _writer: guard }
}

fn appender(folder: &Path, name: &str) -> Option<RollingFileAppender> {
    std::fs::create_dir_all(folder).ok()?;
    RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(name)
        .filename_suffix("log")
        .max_log_files(KEEP_DAYS)
        .build(folder)
        .ok()
}
