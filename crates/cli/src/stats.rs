//! `stats [--json]`: what the archive holds per circle.
//!
//! `--json` prints exactly what `zsxq-sim truth` prints for a dataset —
//! `{"circles":[{"group_id","topics","comments","answered"}]}` on one line — so a synced archive
//! and the simulator's ground truth compare with `diff`.

use std::io::Write;

use orrery_core::paths::DataDir;
use orrery_core::store::{ARCHIVE_FILE, Counts, Store};

pub async fn stats(dir: &DataDir, json: bool) -> anyhow::Result<()> {
    // No archive yet is an empty one; opening it would create the file as a side effect.
    let counts = if dir.root().join(ARCHIVE_FILE).is_file() {
        let store = Store::open(dir).await?;
        let counts = store.counts().await?;
        store.close().await;
        counts
    } else {
        Counts {
            circles: Vec::new(),
        }
    };
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(&counts)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<20} {:>10} {:>10} {:>10}",
        "circle", "topics", "comments", "answered"
    )?;
    for circle in &counts.circles {
        writeln!(
            out,
            "{:<20} {:>10} {:>10} {:>10}",
            circle.group_id, circle.topics, circle.comments, circle.answered
        )?;
    }
    Ok(())
}
