//! `show TOPIC_ID [--json] [--revisions]`: one archived topic — circle, author, time, type
//! and its whole text — read from the archive, without marking it read (a script's look is
//! not the member's reading).
//!
//! What the service changed after the fact comes with it, from the same store methods the
//! window's reader uses: a topic deleted on 知识星球 is marked with when a sync noticed, and an
//! edited one says how many earlier texts the archive kept; `--revisions` prints them, oldest
//! first. For people every remote string goes through [`safe`]; `--json` prints one object
//! with the exact texts.

use std::io::Write;

use anyhow::Context;
use orrery_core::paths::DataDir;
use orrery_core::store::{ARCHIVE_FILE, Revision, Store};
use serde::Serialize;
use zsxq::{Timestamp, TopicId};

use crate::terminal::{safe, when};

/// One topic as `show` prints it.
#[derive(Debug, Serialize)]
struct Shown {
    topic_id: String,
    circle_id: String,
    circle: String,
    /// `talk`, `q&a`, `task`, `solution`, or a type this build does not know.
    kind: String,
    author: Option<String>,
    time_ms: i64,
    /// The service's time of the current text's last edit, when it sent one.
    modified_ms: Option<i64>,
    title: Option<String>,
    text: String,
    /// When a sync noticed the service deleted it.
    deleted_at_ms: Option<i64>,
    /// The archive kept earlier texts.
    edited: bool,
    /// Only with `--revisions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    revisions: Option<Vec<ShownRevision>>,
}

/// An earlier text.
#[derive(Debug, Serialize)]
struct ShownRevision {
    revision: i64,
    modified_ms: Option<i64>,
    replaced_at_ms: i64,
    text: String,
}

impl From<Revision> for ShownRevision {
    fn from(r: Revision) -> Self {
        Self {
            revision: r.revision,
            modified_ms: r
                .modify_time
                .as_deref()
                .and_then(|t| Timestamp::parse(t).ok())
                .map(Timestamp::to_unix_millis),
            replaced_at_ms: r.replaced_at_ms,
            text: r.plain_text,
        }
    }
}

pub async fn show(dir: &DataDir, id: i64, json: bool, revisions: bool) -> anyhow::Result<()> {
    anyhow::ensure!(
        dir.root().join(ARCHIVE_FILE).is_file(),
        "nothing is archived in {} yet: run `orrery-cli sync` first",
        dir.root().display()
    );
    let store = Store::open(dir).await?;
    let shown = load(&store, TopicId::new(id), revisions).await;
    store.close().await;
    let shown = shown?.with_context(|| format!("topic {id} is not in the archive"))?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string(&shown)?)?;
    } else {
        print(&mut out, &shown)?;
    }
    Ok(())
}

async fn load(store: &Store, id: TopicId, revisions: bool) -> anyhow::Result<Option<Shown>> {
    let Some(found) = store.topic(id).await? else {
        return Ok(None);
    };
    let summary = found.summary;
    let circle = store
        .circles()
        .await?
        .into_iter()
        .find(|c| c.group_id == summary.group_id)
        .map(|c| c.name)
        .unwrap_or_default();
    let revisions = if revisions {
        let kept = store.revisions(id).await?;
        Some(kept.into_iter().map(ShownRevision::from).collect())
    } else {
        None
    };
    Ok(Some(Shown {
        topic_id: summary.topic_id.get().to_string(),
        circle_id: summary.group_id.get().to_string(),
        circle,
        kind: summary.kind.as_str().to_owned(),
        author: summary.author_name,
        time_ms: summary.create_time.to_unix_millis(),
        modified_ms: summary.modify_time.map(Timestamp::to_unix_millis),
        title: summary.title.filter(|t| !t.trim().is_empty()),
        text: summary.plain_text,
        deleted_at_ms: summary.deleted_at_ms,
        edited: summary.edited,
        revisions,
    }))
}

fn print(out: &mut impl Write, shown: &Shown) -> anyhow::Result<()> {
    writeln!(
        out,
        "{} · {} · {} · {} · topic {}",
        shown.kind,
        safe(&shown.circle),
        safe(shown.author.as_deref().unwrap_or("anonymous")),
        when(shown.time_ms),
        shown.topic_id
    )?;
    if let Some(noticed) = shown.deleted_at_ms {
        writeln!(
            out,
            "[deleted on ZSXQ, noticed {}; the archive keeps it]",
            when(noticed)
        )?;
    }
    if shown.edited {
        let last = shown
            .modified_ms
            .map_or(String::new(), |ms| format!(", last {}", when(ms)));
        let hint = if shown.revisions.is_none() {
            "; --revisions shows the earlier texts"
        } else {
            ""
        };
        writeln!(out, "[edited{last}{hint}]")?;
    }
    if let Some(title) = &shown.title {
        writeln!(out, "{}", safe(title))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", safe(shown.text.trim_end()))?;
    for r in shown.revisions.iter().flatten() {
        writeln!(out)?;
        let written = r
            .modified_ms
            .map_or(String::new(), |ms| format!(", written {}", when(ms)));
        writeln!(
            out,
            "--- revision {}{written}, replaced {} ---",
            r.revision,
            when(r.replaced_at_ms)
        )?;
        writeln!(out, "{}", safe(r.text.trim_end()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str) -> Shown {
        Shown {
            topic_id: "42".into(),
            circle_id: "7".into(),
            circle: "读书会\u{1b}]0;x\u{7}".into(),
            kind: "talk".into(),
            author: Some("小明\u{202E}".into()),
            time_ms: 1_709_255_100_000,
            modified_ms: Some(1_709_265_600_000),
            title: None,
            text: text.into(),
            deleted_at_ms: Some(1_709_265_600_000),
            edited: true,
            revisions: Some(vec![ShownRevision {
                revision: 1,
                modified_ms: None,
                replaced_at_ms: 1_709_265_600_000,
                text: "旧的\u{1b}[2J文字".into(),
            }]),
        }
    }

    /// For people, the marks are words and every remote string is harmless: only the text
    /// reaches the terminal, never an escape sequence from a post.
    #[test]
    fn marks_are_printed_and_remote_text_is_made_safe() {
        let mut out = Vec::new();
        print(&mut out, &shown("新的文字\u{9b}31m")).expect("prints");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.starts_with("talk · 读书会"), "{text}");
        assert!(
            text.contains("[deleted on ZSXQ, noticed 2024-03-01 12:00; the archive keeps it]"),
            "{text}"
        );
        assert!(text.contains("[edited, last 2024-03-01 12:00]"), "{text}");
        assert!(
            text.contains("--- revision 1, replaced 2024-03-01 12:00 ---"),
            "{text}"
        );
        assert!(
            text.contains("旧的�[2J文字") && text.contains("新的文字"),
            "{text}"
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{text:?}"
        );
        assert!(!text.contains('\u{202E}'), "{text:?}");
    }
}
