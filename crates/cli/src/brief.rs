//! `brief [--since DURATION] [--json] [--limit N] [--mark-all-read]`: the app's 今日速览 for
//! scripts and mail digests — everything unread across circles ranked by signal, each with its
//! reason, and the noise counted below ([`orrery_core::brief`]).
//!
//! `--follow`/`--mute`/`--unmark WHO` (`author:ID` as `--json` names authors, or `tag:NAME`)
//! change the ranking before it is printed, as the window's f and m keys and the reader's
//! buttons do; `--marks` lists the follows and mutes instead.
//!
//! For people: the ranked items, numbered, with circle, reason, author and a few lines, then one
//! line counting the noise by kind, in the Settings' language. `--json`: one object per line, the
//! ranked items then the noise (`"noise"` set), ids as strings like the app's IPC.
//! `--mark-all-read` marks everything the brief holds read afterwards — noise and items past
//! `--limit` too, with their inbox events — as the window's "mark all as read" does; a circle
//! then read without a gap further than before moves the service's read markers at the next
//! sync, when the Settings allow (docs/brief.md).

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use orrery_core::account::AccountSettings;
use orrery_core::brief::{Brief, BriefItem, DEFAULT_SINCE_MS};
use orrery_core::now_ms;
use orrery_core::paths::DataDir;
use orrery_core::settings::{self, Settings};
use orrery_core::store::{ARCHIVE_FILE, Mark, Store};
use orrery_ipc::commands::SettingsDto;
use orrery_ipc::words::Lang;
use serde_json::json;
use zsxq::TopicId;

use crate::terminal::{safe, when};

/// The options of `brief`.
#[derive(Debug, Clone)]
pub struct BriefArgs {
    pub since: Option<Duration>,
    pub json: bool,
    pub limit: usize,
    pub mark_all_read: bool,
    /// Follows (`Some(true)`), mutes (`Some(false)`) and take-backs (`None`) to make first.
    pub set: Vec<(Mark, Option<bool>)>,
    /// List the follows and mutes instead of the brief.
    pub list_marks: bool,
}

/// `author:ID` or `tag:NAME` (or a hashtag as a post writes it, `#NAME#`).
pub fn parse_mark(who: &str) -> Result<Mark, String> {
    if let Some(id) = who.strip_prefix("author:") {
        return id
            .trim()
            .parse()
            .map(Mark::Author)
            .map_err(|_| format!("`{id}` is not an author id (`brief --json` prints them)"));
    }
    let tag = match who.strip_prefix("tag:") {
        Some(tag) => tag,
        None if who.starts_with('#') => who,
        None => return Err(format!("`{who}`: say `author:ID` or `tag:NAME`")),
    };
    match tag.trim().trim_matches('#').trim() {
        "" => Err(format!("`{who}` names no hashtag")),
        tag => Ok(Mark::Tag(tag.to_owned())),
    }
}

pub async fn brief(dir: &DataDir, args: &BriefArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        dir.root().join(ARCHIVE_FILE).is_file(),
        "nothing is archived in {} yet: run `orrery-cli sync` first",
        dir.root().display()
    );
    let prefs = Settings::new(dir).load();
    let since = args.since.map_or(DEFAULT_SINCE_MS, |d| {
        i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
    });
    let store = Store::open(dir).await?;
    let done = async {
        for (mark, stance) in &args.set {
            store.set_brief_mark(mark, *stance, now_ms()).await?;
        }
        if args.list_marks {
            print_marks(&store, args.json).await
        } else {
            show(dir, &store, &prefs, now_ms().saturating_sub(since), args).await
        }
    }
    .await;
    store.close().await;
    done
}

/// The follows and mutes: one line each for people (`follow  author:ID  name`), or one JSON
/// object each.
async fn print_marks(store: &Store, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    for (mark, name, follow) in store.brief_marks_named().await? {
        let who = match &mark {
            Mark::Author(id) => format!("author:{id}"),
            Mark::Tag(tag) => format!("tag:{tag}"),
        };
        let stance = if follow { "follow" } else { "mute" };
        if json {
            writeln!(
                out,
                "{}",
                json!({ "mark": who, "name": name, "stance": stance })
            )?;
        } else {
            writeln!(out, "{stance:<6}  {}  {}", safe(&who), safe(&name))?;
        }
    }
    Ok(out.flush()?)
}

/// Builds the brief, prints it, and marks it read when asked.
async fn show(
    dir: &DataDir,
    store: &Store,
    prefs: &SettingsDto,
    since_ms: i64,
    args: &BriefArgs,
) -> anyhow::Result<()> {
    let brief = build(dir, store, prefs, since_ms).await?;
    print(&brief, args, settings::lang(prefs))?;
    if args.mark_all_read {
        let all: Vec<TopicId> = brief
            .items
            .iter()
            .chain(&brief.noise)
            .map(|i| TopicId::new(i.topic_id))
            .collect();
        store
            .mark_topics_read(&all, now_ms(), prefs.send_read_markers)
            .await?;
    }
    Ok(())
}

/// The brief, after bringing the inbox up to what the last syncs archived (`sync` alone does
/// not; the app and `watch` do after every run), when the archive's member is known. Offline:
/// nothing here asks the service.
async fn build(
    dir: &DataDir,
    store: &Store,
    prefs: &SettingsDto,
    since_ms: i64,
) -> anyhow::Result<Brief> {
    if let Some(me) = AccountSettings::load(dir)?.and_then(|a| a.user_id) {
        let followed: Vec<i64> = prefs
            .notifications
            .followed_circles
            .iter()
            .map(|c| c.get())
            .collect();
        store.derive_inbox(me, &followed, now_ms()).await?;
    }
    Ok(Brief::build(store, since_ms).await?)
}

fn print(brief: &Brief, args: &BriefArgs, lang: Lang) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if args.json {
        for item in brief.items.iter().take(args.limit).chain(&brief.noise) {
            writeln!(out, "{}", item_json(item, lang))?;
        }
        return Ok(out.flush()?);
    }
    let zh = lang == Lang::ZhCn;
    writeln!(
        out,
        "{} · {} {} · {} {}",
        if zh { "今日速览" } else { "Catch up" },
        if zh { "自" } else { "since" },
        when(brief.since_ms),
        brief.items.len(),
        if zh { "条" } else { "items" },
    )?;
    for (n, item) in brief.items.iter().take(args.limit).enumerate() {
        writeln!(
            out,
            "\n{:>2}. [{}] {} — {} · {}",
            n + 1,
            safe(&item.circle),
            item.why(lang),
            safe(
                item.author
                    .as_deref()
                    .unwrap_or(if zh { "匿名" } else { "anonymous" })
            ),
            when(item.create_time_ms),
        )?;
        if let Some(title) = &item.title {
            writeln!(out, "    {}", safe(title))?;
        }
        for line in &item.extract {
            writeln!(out, "    {}", safe(line))?;
        }
    }
    let hidden = brief.items.len().saturating_sub(args.limit);
    if hidden > 0 {
        let more = if zh {
            format!("\n… 另有 {hidden} 条")
        } else {
            format!("\n… {hidden} more")
        };
        writeln!(out, "{more}")?;
    }
    if !brief.noise.is_empty() {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for item in &brief.noise {
            if let Some(noise) = item.noise {
                *kinds.entry(noise.describe(lang)).or_default() += 1;
            }
        }
        let counted: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        writeln!(
            out,
            "\n{} ({}): {}",
            if zh { "噪音" } else { "noise" },
            brief.noise.len(),
            counted.join(", ")
        )?;
    }
    Ok(out.flush()?)
}

/// One item as a JSON line; ids as strings (they exceed 2^53).
fn item_json(item: &BriefItem, lang: Lang) -> serde_json::Value {
    json!({
        "topic_id": item.topic_id.to_string(),
        "circle_id": item.group_id.to_string(),
        "circle": item.circle,
        "author": item.author,
        "author_id": item.author_id.map(|id| id.to_string()),
        "kind": item.kind,
        "title": item.title,
        "extract": item.extract,
        "create_time_ms": item.create_time_ms,
        "points": item.points,
        "reasons": item.reasons,
        "why": item.why(lang),
        "noise": item.noise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_named_as_authors_or_hashtags() {
        assert_eq!(parse_mark("author:4242"), Ok(Mark::Author(4242)));
        assert_eq!(parse_mark("tag:读书"), Ok(Mark::Tag("读书".into())));
        assert_eq!(parse_mark("#读书#"), Ok(Mark::Tag("读书".into())));
        assert_eq!(
            parse_mark("tag: #产品 思考# "),
            Ok(Mark::Tag("产品 思考".into()))
        );
        for bad in ["author:张三", "读书", "tag:", "##", "author:"] {
            assert!(parse_mark(bad).is_err(), "{bad}");
        }
    }
}
