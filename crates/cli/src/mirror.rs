//! `mirror [CIRCLE CHOICE]`: what is mirrored of each circle. Without arguments, the circles
//! the archive lists with their choice, their size (archived of the service's count) and how
//! long the rest takes at the account's pacing; with a circle's group id and `all`, `none` or a number
//! of months (`3m`, `12m`), sets it. The sync follows from its next run (docs/sync.md): a
//! narrower choice stops fetching and deletes nothing; a wider one goes on from where it
//! stopped.

use std::io::Write;

use anyhow::{Context, bail};
use orrery_core::now_ms;
use orrery_core::paths::DataDir;
use orrery_core::reader::{self, mirror_plan};
use orrery_core::settings::{self, Settings};
use orrery_core::store::{ARCHIVE_FILE, Mirror, Store};
use orrery_core::sync::estimate::Pace;
use orrery_ipc::words::Lang;
use zsxq::GroupId;
use zsxq::client::Pacing;

use crate::{account, terminal};

/// Parses `all`, `none` or `Nm` (months, 1–240).
pub fn parse_choice(text: &str) -> Result<Mirror, String> {
    let text = text.trim().to_ascii_lowercase();
    match text.as_str() {
        "all" => return Ok(Mirror::All),
        "none" | "nothing" => return Ok(Mirror::Nothing),
        _ => {}
    }
    text.strip_suffix('m')
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=240).contains(n))
        .map(Mirror::Months)
        .ok_or_else(|| format!("“{text}” is not all, none or a number of months such as 3m"))
}

fn describe(mirror: Mirror) -> String {
    match mirror {
        Mirror::All => "all".to_owned(),
        Mirror::Months(n) => format!("last {n} months"),
        Mirror::Nothing => "none (listed, not synced)".to_owned(),
    }
}

pub async fn mirror(dir: &DataDir, set: Option<(i64, Mirror)>) -> anyhow::Result<()> {
    if !dir.root().join(ARCHIVE_FILE).is_file() {
        bail!("no archive yet: run `orrery-cli sync` once, which lists the circles");
    }
    let store = Store::open(dir).await?;
    let mut out = std::io::stdout().lock();
    if let Some((group, choice)) = set {
        let group = GroupId::new(group);
        let known = store.set_mirror(group, choice).await?;
        store.close().await;
        if !known {
            bail!(
                "the archive lists no circle {group}; `orrery-cli mirror` shows the ones it does"
            );
        }
        writeln!(out, "circle {group}: {}", describe(choice))?;
        return Ok(());
    }
    // What the choice costs at the account's pacing, before any sync has measured its own.
    let prefs = Settings::new(dir).load();
    let pacing = account::saved_config(dir).map_or_else(|_| Pacing::default(), |c| c.pacing);
    let images = settings::image_cache_bytes(&prefs) > 0;
    let plan = mirror_plan(&store, Pace::prior(&pacing, images), images, now_ms())
        .await
        .context("the circles")?;
    store.close().await;
    let words = Lang::En.words();
    for circle in plan.circles {
        let chosen = circle.choices.iter().find(|c| c.mirror == circle.mirror);
        let size = match circle.topics {
            Some(topics) => format!("{} of {topics} topics", circle.archived),
            None => format!("{} topics", circle.archived),
        };
        let left = match chosen.map(|c| (c.requests, c.remaining_ms)) {
            Some((Some(0), _)) => "complete".to_owned(),
            Some((Some(_), Some(ms))) => words.left(ms),
            _ => "size not known yet".to_owned(),
        };
        writeln!(
            out,
            "{:<16} {:<28} {:<24} {:<24} {}",
            circle.id,
            describe(reader::mirror_of(circle.mirror)),
            size,
            left,
            terminal::safe(&circle.name)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_are_all_none_or_months() {
        assert_eq!(parse_choice("all"), Ok(Mirror::All));
        assert_eq!(parse_choice(" None "), Ok(Mirror::Nothing));
        assert_eq!(parse_choice("3m"), Ok(Mirror::Months(3)));
        assert_eq!(parse_choice("12M"), Ok(Mirror::Months(12)));
        for bad in ["0m", "3", "m", "-1m", "241m", "half"] {
            assert!(parse_choice(bad).is_err(), "{bad}");
        }
    }
}
