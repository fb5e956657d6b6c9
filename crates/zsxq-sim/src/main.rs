//! The `zsxq-sim` command: `serve` runs a simulator until killed, printing
//! `{"base_url": …, "token": …}` as its first line; `truth` prints a dataset's ground truth.

use std::net::SocketAddr;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use zsxq_sim::{
    DEFAULT_BAN_AFTER, DEFAULT_BAN_WINDOW, DEFAULT_P_UNSIGNED_1059, Dataset, Faults, HeaderChecks,
    SimConfig,
};

#[derive(Debug, Parser)]
#[command(name = "zsxq-sim", version, about = "A ZSXQ API simulator on loopback")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve a dataset until killed. Besides the API, `GET /__sim/stats` counts requests and
    /// `POST /__sim/act` changes the world on purpose: `{"edit"|"delete"|"toggle_digest"|
    /// "toggle_sticky": TOPIC_ID}`, `{"events": N}`, or `{"kind": K, "group_id": GID}` with K
    /// one of answer_mine, reply_to_me, mention_me, question_for_me, topic, digest, or
    /// `{"kind": "busy_day", "circles": C, "topics": N}`, which answers with what each new
    /// topic is (see the crate's routes module).
    Serve(ServeArgs),
    /// Print the dataset's truth (topics, comments, answered questions per circle) as JSON.
    Truth(DatasetArgs),
}

#[derive(Debug, Args)]
struct DatasetArgs {
    /// `demo`, `hostile` (XSS payloads everywhere), `generated:N`, `generated:N:C` (over C
    /// circles) or `jsonl:PATH`.
    #[arg(long, default_value = "demo")]
    dataset: Dataset,
    /// Seed of every generated value.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// A stress the service may not show: about one topic in 25 shares its millisecond with
    /// the one before, so paging must neither skip nor repeat them.
    #[arg(long)]
    same_millisecond_runs: bool,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Where to listen; loopback only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    addr: SocketAddr,
    #[command(flatten)]
    dataset: DatasetArgs,
    /// Probability of code 1059 (anti-crawler refusal) per request, signed or not.
    #[arg(long, default_value_t = 0.0)]
    fault_1059: f64,
    /// Probability that a request with a missing or wrong x-signature is refused with code
    /// 1059 (the default is invented: the service refuses them "probabilistically").
    #[arg(long, default_value_t = DEFAULT_P_UNSIGNED_1059, conflicts_with = "strict_signatures")]
    unsigned_1059: f64,
    /// Refuse every request with a missing or wrong x-signature (code 1059).
    #[arg(long)]
    strict_signatures: bool,
    /// Ban a token (HTTP 401 until re-login) after this many signature refusals within
    /// --ban-window-s seconds; 0 never bans (the default is invented).
    #[arg(long, default_value_t = DEFAULT_BAN_AFTER)]
    ban_after: u32,
    /// The window of --ban-after, in seconds (the default is invented).
    #[arg(long, default_value_t = DEFAULT_BAN_WINDOW.as_secs())]
    ban_window_s: u64,
    /// Probability of an HTTP 5xx per request.
    #[arg(long, default_value_t = 0.0)]
    fault_5xx: f64,
    /// Probability of a body cut short (HTTP 200) per request.
    #[arg(long, default_value_t = 0.0)]
    fault_truncate: f64,
    /// Delay before every API response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Refuse every write with HTTP 429.
    #[arg(long)]
    fault_429_writes: bool,
    /// Revoke the token after this many requests (HTTP 401 until re-login).
    #[arg(long)]
    fault_401_after: Option<u64>,
    /// Answer code 14210 (membership expired) for this group's topic lists.
    #[arg(long)]
    fault_expired_circle: Option<i64>,
    /// Show that circle's membership as ended in the circle list too.
    #[arg(long, requires = "fault_expired_circle")]
    fault_expired_in_list: bool,
    /// Stress, not service behaviour: serve every image and file as 1 GiB of filler
    /// (streamed), to test a client's size limits.
    #[arg(long)]
    stress_huge_media: bool,
    /// Stress, not service behaviour: every image and file download stalls after its first
    /// bytes, to test a client's idle timeout.
    #[arg(long)]
    stress_stall_media: bool,
    /// Stress, not service behaviour: the image host is down (every image answers 503).
    #[arg(long)]
    stress_dead_images: bool,
    /// Stress, not service behaviour: every whole image and file download breaks off half
    /// way (a ranged request for the rest comes whole).
    #[arg(long)]
    stress_cut_media: bool,
    /// Mark this file as downloadable in the mobile app only (code 1030); repeatable.
    #[arg(long)]
    mobile_only_file: Vec<i64>,
    /// New topics, comments and answers per minute.
    #[arg(long, default_value_t = 0.0)]
    activity_per_min: f64,
}

/// The command's output: the one place this crate writes to stdout and stderr.
#[allow(clippy::print_stdout, clippy::print_stderr)]
mod output {
    use std::io::Write;

    pub(crate) fn line(text: &str) {
        println!("{text}");
        // The parent reads the first line to find the server: do not leave it buffered.
        let _ = std::io::stdout().flush();
    }

    pub(crate) fn error(text: &str) {
        eprintln!("zsxq-sim: {text}");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            output::error(&format!("cannot start the runtime: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Truth(args) => truth(args),
        Command::Serve(args) => runtime.block_on(serve(args)),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            output::error(&message);
            ExitCode::FAILURE
        }
    }
}

fn config(args: DatasetArgs) -> SimConfig {
    SimConfig {
        dataset: args.dataset,
        seed: args.seed,
        same_millisecond_runs: args.same_millisecond_runs,
        ..SimConfig::default()
    }
}

fn truth(args: DatasetArgs) -> Result<(), String> {
    let truth = zsxq_sim::dataset_truth(&config(args)).map_err(|e| e.to_string())?;
    output::line(&serde_json::to_string(&truth).map_err(|e| e.to_string())?);
    Ok(())
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let mut config = config(args.dataset);
    config.faults = Faults {
        p_1059: args.fault_1059,
        p_5xx: args.fault_5xx,
        p_truncate: args.fault_truncate,
        latency_ms: args.latency_ms,
        writes_429: args.fault_429_writes,
        unauthorized_after: args.fault_401_after,
        expired_circle: args.fault_expired_circle,
        expired_in_list: args.fault_expired_in_list,
        huge_media: args.stress_huge_media,
        stall_media: args.stress_stall_media,
        dead_images: args.stress_dead_images,
        cut_media: args.stress_cut_media,
    };
    config.headers = HeaderChecks {
        p_unsigned_1059: if args.strict_signatures {
            1.0
        } else {
            args.unsigned_1059
        },
        ban_after: (args.ban_after > 0).then_some(args.ban_after),
        ban_window: std::time::Duration::from_secs(args.ban_window_s),
    };
    config.mobile_only_files = args.mobile_only_file;
    config.activity_per_min = args.activity_per_min;
    let handle = zsxq_sim::serve(config, args.addr)
        .await
        .map_err(|e| e.to_string())?;
    let hello = serde_json::json!({"base_url": handle.base_url(), "token": handle.token()});
    output::line(&hello.to_string());
    wait_for_signal().await;
    handle.shutdown().await;
    Ok(())
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
