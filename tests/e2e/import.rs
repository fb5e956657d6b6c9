//! Import from the window (issue 22), end to end on the demo: the seed (an Omnivore export of
//! a Zhihu thread) imported by its path into 已保存, listed, read with its highlights and marked
//! passages; a phrase of a highlight typed into search finds it with its own label, and Enter
//! opens it; a file that is no document is named with its reason.

use std::time::Duration;

use anyhow::ensure;
use fantoccini::Locator;

use crate::support::App;

/// An import of two files, with the search index caught up.
const IMPORT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_imports_from_the_window_and_search_finds_it() -> anyhow::Result<()> {
    let app = App::launch().await?;
    let seed = orrery_testkit::seed_article().canonicalize()?;
    std::fs::create_dir_all(app.home_dir())?;
    let junk = app.home_dir().join("junk.md");
    std::fs::write(&junk, b"\0\x01\x02 not a note")?;

    app.click("#open-documents").await?;
    app.wait_for("#documents-empty").await?;
    app.click("#documents-import").await?;
    // One path per line: Enter (WebDriver's key) between them, as a person types it.
    app.wait_for("#documents-import-path")
        .await?
        .send_keys(&format!("{}\u{E007}{}", seed.display(), junk.display()))
        .await?;
    app.click("#documents-import-go").await?;
    let summary = app
        .wait_text_within(IMPORT, "#documents-import-done", |t| !t.is_empty())
        .await?;
    ensure!(
        summary.contains("junk.md"),
        "the bad file is named: {summary}"
    );
    let added = app
        .eval("return document.querySelector('#documents-import-done').dataset.added;")
        .await?;
    ensure!(added == "1", "one document added: {added} ({summary})");

    // Listed, opened, with its highlights and the passages Omnivore marked in the text.
    let title = app
        .wait_text(".document-row .row-title", |t| t.contains("知识星球"))
        .await?;
    app.wait_text("#document-reader .topic-title", |t| t == title)
        .await?;
    let highlights = app.count("#document-highlights .highlight").await?;
    ensure!(highlights >= 10, "{highlights} highlights shown");
    ensure!(
        app.count("#document-reader .document-body mark").await? > 0,
        "the ==marked== passages are marked"
    );
    ensure!(
        app.count("#document-reader .document-body script, #document-reader .document-body img")
            .await?
            == 0,
        "nothing active or remote in the body"
    );
    app.screenshot("documents").await?;

    // Search: a phrase of a highlight, labelled 已保存, opens the document.
    app.click("#open-documents").await?;
    app.click("#search-trigger").await?;
    app.wait_for("#palette-input")
        .await?
        .send_keys("小密圈适合做内容沉淀")
        .await?;
    app.wait_text_within(
        IMPORT,
        "#palette #search-results .hit [data-field=saved-source]",
        |t| ["已保存", "Saved"].contains(&t),
    )
    .await?;
    app.screenshot("documents-search").await?;
    app.client
        .find(Locator::Css("#palette-input"))
        .await?
        .send_keys("\u{E007}")
        .await?;
    app.wait_js(
        Duration::from_secs(20),
        "document.querySelector('#document-reader .document') && !document.querySelector('#palette')",
    )
    .await?;
    app.close().await
}
