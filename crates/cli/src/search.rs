//! `search QUERY [--json] [--limit N] [--offset N] [--newest]`, `search --queries FILE --json`
//! and `reindex`: the archive's search index from a terminal or a script.
//!
//! Before searching, the index catches up with the archive (a no-op when current). When the
//! desktop app holds the index, it keeps the index current itself and `search` reads what is
//! there. `--queries` runs each line of FILE as one query in one process and prints a JSON line
//! per query — `{"query","total","topic_ids","micros"}`, topic ids as decimal strings, distinct,
//! in result order — which is what the benchmark and the recall tests compare; documents
//! imported into 已保存 are listed apart, as `document_ids`, when there are any.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use orrery_core::paths::DataDir;
use orrery_core::search::{
    RebuildProgress, SearchError, SearchHit, SearchIndex, SearchRequest, SearchResults, SortOrder,
    UnitKind,
};
use orrery_core::store::{ARCHIVE_FILE, Store};
use serde::Serialize;

use crate::terminal::{self, safe, when};

/// The options of one `search`.
#[derive(Debug, Clone)]
pub struct SearchArgs {
    pub query: Option<String>,
    pub queries: Option<PathBuf>,
    pub json: bool,
    pub limit: usize,
    pub offset: usize,
    pub newest: bool,
}

pub(crate) async fn open(dir: &DataDir) -> anyhow::Result<(Store, SearchIndex)> {
    anyhow::ensure!(
        dir.root().join(ARCHIVE_FILE).is_file(),
        "nothing is archived in {} yet: run `orrery-cli sync` first",
        dir.root().display()
    );
    let store = Store::open(dir).await?;
    let index = SearchIndex::open(dir)?;
    Ok((store, index))
}

/// Catches the index up, saying so on stderr when it has to be built first.
pub(crate) async fn catch_up(store: &Store, index: &SearchIndex) -> anyhow::Result<()> {
    if !index.status().ready {
        note("building the search index from the archive…");
    }
    match index.catch_up(store).await {
        Ok(report) => {
            if report.restored {
                note(&format!(
                    "the search index was damaged: restored from its last good copy and brought up to date ({} changes replayed)",
                    report.changes
                ));
            }
            Ok(())
        }
        // The app (or another CLI) writes the index and keeps it current; search what it has.
        Err(SearchError::Locked) if index.status().ready => Ok(()),
        // A full disk or a damaged file stops the index from moving on, not from answering:
        // its last commit is whole (tantivy commits atomically). Search that, and say so.
        Err(e) if index.status().ready => {
            note(&format!(
                "the search index could not be brought up to date ({e}); searching what it holds, which may miss the newest posts"
            ));
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// A line for a person on stderr (progress, a notice), never part of the output.
#[allow(clippy::print_stderr)]
pub(crate) fn note(text: &str) {
    eprintln!("{text}");
}

pub async fn search(dir: &DataDir, args: &SearchArgs) -> anyhow::Result<()> {
    let (store, index) = open(dir).await?;
    let caught_up = catch_up(&store, &index).await;
    store.close().await;
    caught_up?;
    let request = |query: &str| SearchRequest {
        query: query.to_owned(),
        sort: if args.newest {
            SortOrder::Newest
        } else {
            SortOrder::Relevance
        },
        offset: args.offset,
        limit: args.limit,
    };
    let mut out = std::io::stdout().lock();
    match (&args.query, &args.queries) {
        (Some(query), None) => {
            let results = index.search(&request(query))?;
            if args.json {
                writeln!(
                    out,
                    "{}",
                    serde_json::to_string(&Line::of(query, &results))?
                )?;
            } else {
                print_results(&mut out, query, &results)?;
            }
        }
        (None, Some(file)) => {
            anyhow::ensure!(args.json, "--queries prints JSON lines: add --json");
            for query in read_queries(file)? {
                let line = match index.search(&request(&query)) {
                    Ok(results) => serde_json::to_value(Line::of(&query, &results))?,
                    Err(SearchError::Query(e)) => {
                        serde_json::json!({"query": query, "error": e.to_string()})
                    }
                    Err(e) => return Err(e.into()),
                };
                writeln!(out, "{line}")?;
            }
        }
        _ => anyhow::bail!("give a QUERY or --queries FILE, not both"),
    }
    Ok(())
}

fn read_queries(file: &Path) -> anyhow::Result<Vec<String>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the queries in {}", file.display()))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// One query's JSON line.
#[derive(Debug, Serialize)]
struct Line<'a> {
    query: &'a str,
    total: usize,
    topic_ids: Vec<String>,
    /// Documents imported into 已保存 (`source:saved`), by their own ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    document_ids: Vec<String>,
    micros: u64,
}

impl<'a> Line<'a> {
    fn of(query: &'a str, results: &SearchResults) -> Self {
        let mut topic_ids: Vec<String> = Vec::with_capacity(results.hits.len());
        let mut document_ids = Vec::new();
        for hit in &results.hits {
            let id = hit.topic_id.to_string();
            let ids = if hit.kind == UnitKind::Document {
                &mut document_ids
            } else {
                &mut topic_ids
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Self {
            query,
            total: results.total,
            topic_ids,
            document_ids,
            micros: results.micros,
        }
    }
}

fn print_results(out: &mut impl Write, query: &str, results: &SearchResults) -> anyhow::Result<()> {
    let (open, close) = if std::io::stdout().is_terminal() {
        ("\x1b[1;33m", "\x1b[0m")
    } else {
        ("[", "]")
    };
    writeln!(
        out,
        "{} results for {query} ({:.1} ms)",
        results.total,
        results.micros as f64 / 1000.0
    )?;
    for SearchHit {
        topic_id,
        comment_id,
        kind,
        circle,
        author,
        time_ms,
        title,
        snippet,
        deleted,
        ..
    } in &results.hits
    {
        writeln!(out)?;
        let at = comment_id.map_or(String::new(), |c| format!(" comment {c}"));
        // The archive keeps what the service deleted; a reader should know which is which.
        let gone = if *deleted {
            " · [deleted on ZSXQ]"
        } else {
            ""
        };
        let what = if *kind == UnitKind::Document {
            format!("saved document {topic_id}")
        } else {
            format!("topic {topic_id}{at}{gone}")
        };
        writeln!(
            out,
            "{} · {} · {} · {} · {what}",
            kind.as_str(),
            safe(circle),
            safe(author),
            when(*time_ms)
        )?;
        writeln!(out, "  {}", safe(title))?;
        writeln!(out, "  {}", terminal::marked(snippet, open, close))?;
    }
    Ok(())
}

pub async fn reindex(dir: &DataDir) -> anyhow::Result<()> {
    let (store, index) = open(dir).await?;
    let progress = |p: RebuildProgress| {
        if p.done == p.total || p.done % 50_000 < 1_000 {
            note(&format!("indexed {} of {}", p.done, p.total));
        }
    };
    let rebuilt = index.rebuild(&store, &progress).await;
    store.close().await;
    rebuilt?;
    let status = index.status();
    writeln!(
        std::io::stdout().lock(),
        "search index rebuilt: {} units, change feed at {}",
        status.documents,
        status.seq
    )?;
    Ok(())
}
