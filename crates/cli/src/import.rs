//! `import PATH…`: Markdown notes and folders (Obsidian vaults, Omnivore and Readwise
//! exports) and saved web pages into 已保存 / Saved — the app's import
//! ([`orrery_core::import`]). Afterwards `search 'source:saved …'` finds them.
//!
//! Every file is reported: a line per file that failed or lost something (broken front matter),
//! then one summary line. A file that cannot be imported does not stop the others; the exit
//! status is non-zero only when nothing at all could be read. Ctrl-C stops between two batches;
//! what was imported by then stays.

use std::io::IsTerminal;
use std::path::PathBuf;

use orrery_core::import::{ImportProgress, import};
use orrery_core::paths::DataDir;
use orrery_core::search::SearchIndex;
use orrery_core::store::Store;

use crate::interrupt::CtrlC;
use crate::search::{catch_up, note};

#[allow(clippy::print_stderr)] // the progress line is for the person at the terminal
pub async fn run(dir: &DataDir, paths: &[PathBuf]) -> anyhow::Result<()> {
    let store = Store::open(dir).await?;
    let done = async {
        let interrupt = CtrlC::watch();
        let show = std::io::stderr().is_terminal();
        let progress = |p: ImportProgress| {
            if show {
                eprint!("\rimporting {}/{}", p.done, p.total);
            }
        };
        let result = import(&store, paths, progress, &interrupt.token).await;
        drop(interrupt);
        if show {
            eprintln!();
        }
        let report = result?;
        for (path, problem) in &report.failed {
            note(&format!("{}: not imported: {problem}", path.display()));
        }
        for (path, warning) in &report.warnings {
            note(&format!("{}: {warning}", path.display()));
        }
        // The documents are searchable when the command returns.
        let index = SearchIndex::open(dir)?;
        catch_up(&store, &index).await?;
        note(&format!(
            "{}imported {} new, {} updated, {} unchanged; {} failed; {} other files skipped",
            if report.cancelled { "cancelled: " } else { "" },
            report.added,
            report.updated,
            report.unchanged,
            report.failed.len(),
            report.skipped,
        ));
        let read = report.added + report.updated + report.unchanged;
        anyhow::ensure!(
            read > 0 || report.failed.is_empty(),
            "nothing could be imported"
        );
        Ok(())
    }
    .await;
    store.close().await;
    done
}
