//! The brief of issue 21 (今日速览 / Catch up), end to end on the demo: the real app after its
//! first sync, the brief opened from the sidebar, ranked with a reason on top; keyboard triage
//! (j, e, u, s, m) changing the list, the sidebar's unread counts, the saved list and the noise
//! as the member would see them.

use std::time::Duration;

use anyhow::{Context, ensure};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::Value;

use crate::support::App;

/// A first sync of the demo on loopback.
const SYNC: Duration = Duration::from_secs(180);
/// How long a step may take to show (a command, then the sidebar's refresh at most a second
/// later).
const STEP: Duration = Duration::from_secs(20);

/// Every circle's unread count in the sidebar, added up.
const SIDEBAR_UNREAD: &str = "[...document.querySelectorAll('#circles [data-field=unread]')]\
     .reduce((sum, el) => sum + Number(el.dataset.count), 0)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_brief_ranks_the_unread_and_triages_by_keyboard() -> anyhow::Result<()> {
    let app = App::launch().await?;
    app.wait_demo().await?;
    app.wait_caught_up(SYNC).await?;
    watch_sync_runs(&app).await?;

    // Opened from the sidebar. The demo's circles are years deep but its last three days are
    // what the simulated members post while the app runs: "refresh" until a few are in.
    app.click("#open-brief").await?;
    let deadline = std::time::Instant::now() + SYNC;
    loop {
        let shown = app
            .eval(
                "const items = document.querySelectorAll('#brief-items [data-brief-topic]'); \
                 return items.length >= 3 && !!document.querySelector('#brief-items [data-field=why]');",
            )
            .await?;
        if shown == Value::Bool(true) {
            break;
        }
        ensure!(
            std::time::Instant::now() < deadline,
            "the demo's brief never listed three items and a reason within {SYNC:?}"
        );
        tokio::time::sleep(Duration::from_secs(5)).await;
        app.click("#brief-refresh").await?;
    }
    // Ranked: what has a reason comes before what has none, so the first item has one; every
    // item names its circle, kind and author and shows its title or lines.
    let ranked = app
        .eval(
            "const items = [...document.querySelectorAll('#brief-items [data-brief-topic]')]; \
             const why = items.map(li => (li.querySelector('[data-field=why]')?.textContent ?? '').trim()); \
             const firstBare = why.findIndex(w => w === ''); \
             const complete = items.every(li => ['circle', 'kind', 'author'].every(f => \
               li.querySelector(`[data-field=${f}]`)?.textContent.trim()) && \
               li.querySelector('[data-field=title], [data-field=extract]')); \
             return { why, ranked: firstBare === -1 || why.slice(firstBare).every(w => w === ''), \
               complete, first: items[0].dataset.index };",
        )
        .await?;
    ensure!(
        ranked["ranked"] == Value::Bool(true)
            && ranked["why"][0].as_str().is_some_and(|w| !w.is_empty()),
        "not ranked by reason: {ranked}"
    );
    ensure!(
        ranked["complete"] == Value::Bool(true),
        "an item lacks a field: {ranked}"
    );
    ensure!(
        ranked["first"] == "0",
        "the first item is not listed first: {ranked}"
    );
    app.screenshot("brief").await?;

    // j selects the second item; e clears it and the sidebar counts one unread less; u brings
    // it back, unread again.
    // (A refresh keeps the selection on its item, wherever the new ranking puts it.)
    select(&app, 0).await?;
    press(&app, 'j').await?;
    app.wait_for("#brief-items [data-brief-topic][data-index='1'].selected")
        .await?;
    let second = attr(
        &app,
        "#brief-items [data-brief-topic].selected",
        "data-brief-topic",
    )
    .await?;
    let in_list = |topic: &str| format!("#brief-items [data-brief-topic='{topic}']");
    let mut cleared = false;
    for _ in 0..3 {
        let (before, runs) = quiet_unread(&app).await?;
        press(&app, 'e').await?;
        app.wait_js(
            STEP,
            &format!("!document.querySelector(\"{}\")", in_list(&second)),
        )
        .await?;
        if unread_drops_below(&app, before, runs).await? {
            cleared = true;
            break;
        }
        // A sync brought new topics meanwhile: undo and try again in the quiet after it.
        press(&app, 'u').await?;
        app.wait_for(&in_list(&second)).await?;
    }
    ensure!(
        cleared,
        "the sidebar's unread count never dropped after done"
    );
    app.wait_text("#brief-status [data-field=said]", |t| !t.is_empty())
        .await?;
    app.wait_for("#brief-undo").await?;
    let (before, runs) = quiet_unread(&app).await?;
    press(&app, 'u').await?;
    app.wait_for(&format!("{}.selected", in_list(&second)))
        .await?;
    // (Not compared when a sync ran meanwhile and may have added topics.)
    unread_rises_above(&app, before, runs).await?;

    // s saves the selected item for later: marked at once, and listed on the saved page.
    press(&app, 's').await?;
    app.wait_for(&format!("{}[data-saved=true]", in_list(&second)))
        .await?;
    app.click("#open-saved").await?;
    app.wait_for(&format!("[data-page=saved] .row[data-topic-id='{second}']"))
        .await?;
    app.screenshot("saved").await?;
    // The list exports as it is: the one topic picked.
    app.click("[data-page=saved] #export-open").await?;
    app.click("#export-start").await?;
    app.wait_text_within(
        Duration::from_secs(60),
        "#export-status [data-state=done][data-topics='1']",
        |_| true,
    )
    .await?;
    // Back in the brief, it is still there (saving is not reading), still saved.
    app.click("#open-brief").await?;
    app.wait_for(&format!("{}[data-saved=true]", in_list(&second)))
        .await?;

    // m mutes the author of an item that is not the member's: it moves into the noise, with
    // the reason; u takes the mute back and it is ranked again.
    let target = app
        .eval(
            "const item = [...document.querySelectorAll('#brief-items [data-brief-topic]')]\
               .find(li => li.dataset.mine === 'false' && li.querySelector('[data-act=mute]')); \
             return item ? [item.dataset.briefTopic, Number(item.dataset.index)] : null;",
        )
        .await?;
    let (muted, at) = match &target {
        Value::Array(pair) => (
            pair[0].as_str().unwrap_or_default().to_owned(),
            pair[1].as_u64().unwrap_or_default(),
        ),
        _ => anyhow::bail!("no item by an author other than the member's"),
    };
    select(&app, at).await?;
    press(&app, 'm').await?;
    let in_noise = format!("#brief-noise [data-brief-topic='{muted}'][data-noise=muted_author]");
    app.wait_for(&in_noise).await?;
    ensure!(
        app.count(&in_list(&muted)).await? == 0,
        "the muted author's item is still ranked"
    );
    // The noise is collapsed until opened; then each item says why it is there.
    let open = app
        .eval("return document.querySelector('#brief-noise').open;")
        .await?;
    ensure!(open == Value::Bool(false), "the noise starts collapsed");
    app.click("#brief-noise > summary").await?;
    app.wait_js(STEP, "document.querySelector('#brief-noise').open")
        .await?;
    let reason = app
        .eval(&format!(
            "return document.querySelector(\"{in_noise} [data-field=why]\")?.textContent.trim() ?? '';"
        ))
        .await?;
    let reason = reason.as_str().unwrap_or_default().to_owned();
    ensure!(
        reason.contains("屏蔽") || reason.to_lowercase().contains("muted"),
        "the noise says {reason:?}"
    );
    app.screenshot("brief-noise").await?;
    press(&app, 'u').await?;
    app.wait_for(&in_list(&muted)).await?;
    app.wait_js(
        STEP,
        &format!(
            "!document.querySelector(\"#brief-noise [data-brief-topic='{muted}'][data-noise=muted_author]\")"
        ),
    )
    .await?;

    // Grouped by circle: each circle once, its items under it with its own "mark all read".
    app.click("#brief-group").await?;
    app.wait_for("#brief-items .brief-group [data-brief-topic]")
        .await?;
    let circles = app
        .eval(
            "const ids = [...document.querySelectorAll('#brief-items .brief-group')].map(g => g.dataset.circle); \
             return ids.length === new Set(ids).size && ids.length > 0 && \
               document.querySelectorAll('#brief-items .brief-group [data-group-mark-all]').length === ids.length;",
        )
        .await?;
    ensure!(circles == Value::Bool(true), "groups are one per circle");
    app.screenshot("brief-grouped").await?;
    app.click("#brief-group").await?;
    app.wait_js(STEP, "!document.querySelector('#brief-items .brief-group')")
        .await?;

    // The saved topic, opened from the saved page: the reader's 稍后读 button says it is saved,
    // and takes it off the list.
    app.click("#open-saved").await?;
    app.click(&format!("[data-page=saved] .row[data-topic-id='{second}']"))
        .await?;
    app.click("#save-topic[data-saved=true]").await?;
    app.wait_for("#save-topic[data-saved=false]").await?;
    // The reader follows or mutes the author for the brief: one stance at a time, and the
    // pressed one, pressed again, takes it back (nothing is left set for the steps below).
    let author = "#reader-marks [data-brief-mark^='author:']";
    let pressed =
        |action: &str, on: bool| format!("{author} [data-action={action}][aria-pressed={on}]");
    app.click(&pressed("follow", false)).await?;
    app.wait_for(&pressed("follow", true)).await?;
    app.screenshot("reader-follow").await?;
    app.click(&pressed("mute", false)).await?;
    app.wait_for(&pressed("mute", true)).await?;
    app.wait_for(&pressed("follow", false)).await?;
    app.click(&pressed("mute", true)).await?;
    app.wait_for(&pressed("mute", false)).await?;
    app.click("#open-saved").await?;
    app.wait_for("#saved-empty").await?;

    // A mute set with m outlives the page: Settings lists it and takes it back; a hashtag is
    // followed there by name.
    app.click("#open-brief").await?;
    app.wait_for("#brief-items [data-brief-topic]").await?;
    // An item's buttons show on the selected item (new topics may have moved it meanwhile).
    let at = attr(&app, &in_list(&muted), "data-index").await?.parse()?;
    select(&app, at).await?;
    app.click(&format!(
        "#brief-items [data-brief-topic='{muted}'] [data-act=mute]"
    ))
    .await?;
    app.click("#open-settings").await?;
    app.click("#brief-settings [data-brief-mark^='author:'][data-stance=mute] button")
        .await?;
    app.wait_for("#brief-marks-empty:not(.hidden)").await?;
    app.wait_for("#brief-tag").await?.send_keys("读书").await?;
    app.click("#brief-tag-follow").await?;
    app.wait_for("#brief-settings [data-brief-mark='tag:读书'][data-stance=follow]")
        .await?;
    app.screenshot("brief-settings").await?;
    app.close().await
}

/// Counts the sync runs that start from now on (`window.__syncRuns`), so a count compared
/// across a step can tell whether a sync may have changed it meanwhile.
async fn watch_sync_runs(app: &App) -> anyhow::Result<()> {
    app.eval(
        "window.__syncRuns = 0; \
         const bar = document.querySelector('#status-bar'); \
         new MutationObserver(() => { if (bar.dataset.state === 'syncing') window.__syncRuns++; }) \
           .observe(bar, { attributes: true, attributeFilter: ['data-state'] }); \
         return true;",
    )
    .await?;
    Ok(())
}

/// The sidebar's unread total and the runs counted so far, once no sync is running (the
/// demo's runs are 20 s apart and add topics).
async fn quiet_unread(app: &App) -> anyhow::Result<(u64, u64)> {
    app.wait_js(
        SYNC,
        "document.querySelector('#status-bar').dataset.state !== 'syncing'",
    )
    .await?;
    // The sidebar's refresh after the last step lands within a second.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let both = app
        .eval(&format!("return [{SIDEBAR_UNREAD}, window.__syncRuns];"))
        .await?;
    let number = |i: usize| both[i].as_u64().context("a count");
    Ok((number(0)?, number(1)?))
}

/// Whether the sidebar's total fell below `before`; `false` only when a sync ran meanwhile
/// (which may have added topics), an error when it did not fall without one.
async fn unread_drops_below(app: &App, before: u64, runs: u64) -> anyhow::Result<bool> {
    unread_moves(app, &format!("{SIDEBAR_UNREAD} < {before}"), runs).await
}

/// [`unread_drops_below`] the other way.
async fn unread_rises_above(app: &App, before: u64, runs: u64) -> anyhow::Result<bool> {
    unread_moves(app, &format!("{SIDEBAR_UNREAD} > {before}"), runs).await
}

async fn unread_moves(app: &App, moved: &str, runs: u64) -> anyhow::Result<bool> {
    let waited = app.wait_js(STEP, moved).await;
    if waited.is_ok() {
        return Ok(true);
    }
    let now = app.eval("return window.__syncRuns;").await?;
    if now.as_u64() != Some(runs) {
        return Ok(false);
    }
    waited.map(|()| true)
}

/// Moves the brief's selection to row `index` with j and k.
async fn select(app: &App, index: u64) -> anyhow::Result<()> {
    for _ in 0..200 {
        let at: u64 = attr(
            app,
            "#brief-items [data-brief-topic].selected",
            "data-index",
        )
        .await?
        .parse()?;
        if at == index {
            return Ok(());
        }
        press(app, if at < index { 'j' } else { 'k' }).await?;
        app.wait_js(
            STEP,
            &format!(
                "document.querySelector('#brief-items [data-brief-topic].selected')?.dataset.index !== '{at}'"
            ),
        )
        .await?;
    }
    anyhow::bail!("row {index} was never selected")
}

/// Presses `key` in the window, as the member types it.
async fn press(app: &App, key: char) -> anyhow::Result<()> {
    let actions = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    app.client.perform_actions(actions).await?;
    Ok(())
}

/// The attribute `name` of the first element matching `css`.
async fn attr(app: &App, css: &str, name: &str) -> anyhow::Result<String> {
    app.wait_for(css)
        .await?
        .attr(name)
        .await?
        .with_context(|| format!("`{css}` has no {name}"))
}
