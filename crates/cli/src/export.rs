//! `export --format markdown|html|epub|jsonl --out PATH [scope]`: the archive, or part of it, as
//! a Markdown vault, one HTML file, an EPUB book or JSON lines — the app's export ([`orrery_core::export`]),
//! with the same scopes: `--circle`, `--digests`, `--owner`, `--questions`, `--hashtag`, `--column`,
//! `--query` (the search's language), `--after`/`--before` (days in the service's time, like
//! the search's `after:`/`before:`) and `--topic` (repeatable), combined.
//!
//! Progress goes to stderr on a terminal; Ctrl-C stops between two topics and leaves no
//! half-written file. The summary line says how many files were written and how many were
//! already up to date (exporting again into the same place rewrites only what changed).

use std::io::IsTerminal;
use std::path::PathBuf;

use orrery_core::export::{
    ExportError, ExportFormat, ExportProgress, ExportRequest, ExportScope, export, topics_matching,
};
use orrery_core::paths::DataDir;
use orrery_core::search::day_start_ms;
use orrery_core::settings::{self, Settings};
use zsxq::{GroupId, TopicId, TopicKind};

use crate::interrupt::CtrlC;
use crate::search::{catch_up, note, open};

/// The options of `export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// markdown (Obsidian), html, epub or jsonl.
    #[arg(long, value_parser = parse_format)]
    pub format: ExportFormat,
    /// A folder for markdown, a file for html, epub and jsonl.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// Only this circle (its group id).
    #[arg(long, value_name = "ID")]
    pub circle: Option<i64>,
    /// Only 精华.
    #[arg(long)]
    pub digests: bool,
    /// Only what each circle's owner posted (只看星主).
    #[arg(long)]
    pub owner: bool,
    /// Only questions and answers.
    #[arg(long)]
    pub questions: bool,
    /// Only topics with this hashtag.
    #[arg(long, value_name = "NAME")]
    pub hashtag: Option<String>,
    /// Only topics in this column (its id).
    #[arg(long, value_name = "ID")]
    pub column: Option<i64>,
    /// Only the topics this search finds (docs/search.md).
    #[arg(long, value_name = "QUERY")]
    pub query: Option<String>,
    /// Posted on or after this day (2024-03-01, 2024-03, 2024), the service's time.
    #[arg(long, value_name = "DATE")]
    pub after: Option<String>,
    /// Posted before this day.
    #[arg(long, value_name = "DATE")]
    pub before: Option<String>,
    /// Only this topic (repeatable).
    #[arg(long = "topic", value_name = "ID")]
    pub topics: Vec<i64>,
}

/// `markdown`, `html` or `jsonl`.
fn parse_format(name: &str) -> Result<ExportFormat, String> {
    match name.to_ascii_lowercase().as_str() {
        "markdown" | "md" | "obsidian" => Ok(ExportFormat::Markdown),
        "html" => Ok(ExportFormat::Html),
        "jsonl" | "json-lines" => Ok(ExportFormat::Jsonl),
        "epub" => Ok(ExportFormat::Epub),
        _ => Err(format!("`{name}`: say markdown, html, epub or jsonl")),
    }
}

fn date(flag: &str, value: Option<&String>) -> anyhow::Result<Option<i64>> {
    value
        .map(|v| {
            day_start_ms(v).ok_or_else(|| {
                anyhow::anyhow!("{flag} {v}: say a day, a month or a year (2024-03-01, 2024-03)")
            })
        })
        .transpose()
}

#[allow(clippy::print_stderr)] // the progress line is for the person at the terminal
pub async fn run(dir: &DataDir, args: &ExportArgs) -> anyhow::Result<()> {
    let (store, index) = open(dir).await?;
    let done = async {
        let topics = match &args.query {
            Some(query) => {
                catch_up(&store, &index).await?;
                let mut found = topics_matching(&index, query)?;
                if !args.topics.is_empty() {
                    found.retain(|t| args.topics.contains(&t.get()));
                }
                Some(found)
            }
            None if !args.topics.is_empty() => {
                Some(args.topics.iter().copied().map(TopicId::new).collect())
            }
            None => None,
        };
        let scope = ExportScope {
            circle: args.circle.map(GroupId::new),
            digests: args.digests,
            owner: args.owner,
            kind: args.questions.then_some(TopicKind::QuestionAnswer),
            hashtag: args
                .hashtag
                .as_ref()
                .map(|t| t.trim_matches('#').to_owned()),
            column: args.column,
            after_ms: date("--after", args.after.as_ref())?,
            before_ms: date("--before", args.before.as_ref())?,
            topics,
        };
        let prefs = Settings::new(dir).load();
        let lang = settings::lang(&prefs);
        let request = ExportRequest {
            scope: &scope,
            format: args.format,
            out: &args.out,
            lang,
            title: &title(&scope, lang),
        };
        let interrupt = CtrlC::watch();
        let show = std::io::stderr().is_terminal();
        let mut progress = |p: ExportProgress| {
            if show && (p.done.is_multiple_of(100) || p.done == p.total) {
                eprint!("\rexporting {}/{}", p.done, p.total);
            }
        };
        let result = export(&store, dir, &request, &mut progress, &interrupt.token).await;
        drop(interrupt);
        if show {
            eprintln!();
        }
        let report = match result {
            Err(ExportError::Cancelled) => {
                anyhow::bail!("export cancelled: nothing half-written was left")
            }
            other => other?,
        };
        let missing = if report.images_missing > 0 {
            format!(
                ", {} images not in the cache left out (open them in the app to cache them)",
                report.images_missing
            )
        } else {
            String::new()
        };
        note(&format!(
            "exported {} topics to {}: {} files written, {} already up to date, {} images{missing}",
            report.topics,
            args.out.display(),
            report.written,
            report.unchanged,
            report.images,
        ));
        Ok(())
    }
    .await;
    store.close().await;
    done
}

/// The single file's title.
fn title(scope: &ExportScope, lang: orrery_ipc::words::Lang) -> String {
    let zh = lang == orrery_ipc::words::Lang::ZhCn;
    match &scope.hashtag {
        Some(tag) => format!("#{tag}#"),
        None if scope.digests => (if zh { "精华" } else { "Digests" }).to_owned(),
        None => (if zh { "星仪导出" } else { "Orrery export" }).to_owned(),
    }
}
