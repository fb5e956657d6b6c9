//! `cargo xtask bench search [--sizes 10000,100000,1000000] [--queries 100]`: Orrery's search
//! index against SQLite FTS5 (trigram) and SQLite `LIKE` on the same corpus, side by side.
//!
//! It builds the worker (`crates/core/examples/search_bench.rs`) in release mode and runs each
//! phase in its own process: the corpus for each size (kept in `target/bench-search/<size>`
//! and reused), each engine's index build (time, size, peak RSS of that process), then one
//! measuring process (latency cold and warm, recall and precision against a substring scan).
//! The table goes to stdout and to `target/bench-search/results.md`.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::process::{self, cmd, root, say};

const ENGINES: [&str; 3] = ["orrery", "fts5", "like"];

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let sizes: Vec<u64> = value("--sizes")
        .unwrap_or_else(|| "10000,100000,1000000".into())
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .context("--sizes takes numbers, like 10000,100000")
        })
        .collect::<Result<_, _>>()?;
    let queries = value("--queries").unwrap_or_else(|| "100".into());

    process::run(cmd("cargo").args([
        "build",
        "--release",
        "--package",
        "orrery-core",
        "--example",
        "search_bench",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let worker = target.join("release/examples/search_bench");
    let base = target.join("bench-search");
    let mut table = String::new();
    writeln!(
        table,
        "| topics | units | engine | build s | index MB | peak RSS MB | cold p50 / p99 ms | warm p50 / p99 ms | recall | precision |\n|---|---|---|---|---|---|---|---|---|---|"
    )?;
    for size in sizes {
        let dir = base.join(size.to_string());
        let corpus_file = dir.join("corpus.json");
        if !corpus_file.is_file() {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir)?;
            let corpus = phase(&worker, &["corpus", &path(&dir), &size.to_string()])?;
            std::fs::write(&corpus_file, corpus.to_string())?;
        }
        let corpus: Value = serde_json::from_str(&std::fs::read_to_string(&corpus_file)?)?;
        say(&format!("corpus of {size}: {corpus}"));
        let mut builds = Vec::new();
        for engine in ENGINES {
            let built = phase(&worker, &["build", &path(&dir), engine])?;
            say(&format!("{engine}: {built}"));
            builds.push(built);
        }
        let measured = phase(&worker, &["measure", &path(&dir), &queries])?;
        say(&format!("measured: {measured}"));
        for (engine, built) in ENGINES.iter().zip(&builds) {
            let m = &measured[engine];
            let f = |v: &Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
            writeln!(
                table,
                "| {size} | {} | {engine} | {:.1} | {:.1} | {:.0} | {:.2} / {:.2} | {:.2} / {:.2} | {:.4} | {:.4} |",
                measured["units"],
                f(built, "seconds"),
                f(built, "bytes") / 1e6,
                f(built, "peak_rss_kb") / 1024.0,
                f(m, "cold_p50_ms"),
                f(m, "cold_p99_ms"),
                f(m, "warm_p50_ms"),
                f(m, "warm_p99_ms"),
                f(m, "recall"),
                f(m, "precision"),
            )?;
        }
        if measured["page_cache_dropped"] == Value::Bool(false) {
            say("the page cache could not be dropped: cold = first query after opening");
        }
    }
    std::fs::write(base.join("results.md"), &table)?;
    #[allow(clippy::print_stdout)] // the table is the output
    {
        println!("{table}");
    }
    Ok(())
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// Runs one phase of the worker and parses the JSON line it prints.
fn phase(worker: &Path, args: &[&str]) -> anyhow::Result<Value> {
    let mut c = cmd(worker);
    c.args(args).stdout(Stdio::piped()).stderr(Stdio::inherit());
    process::announce(&c);
    let out = c
        .output()
        .context("cannot start the search benchmark worker")?;
    if !out.status.success() {
        bail!("{} failed ({})", process::describe(&c), out.status);
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().last().context("the worker printed nothing")?;
    Ok(serde_json::from_str(line)?)
}
