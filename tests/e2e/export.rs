//! Export from the window (issue 22), end to end on the demo: the circle on screen exported as
//! a Markdown vault into Documents/Orrery through the export dialog, one note per topic; the
//! same export again rewrites only what the demo's members changed meanwhile; then one HTML
//! file that loads nothing from outside; then two topics picked in the timeline, as a book.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, ensure};

use crate::support::App;

/// A first sync of the demo on loopback.
const SYNC: Duration = Duration::from_secs(180);
/// An export of a demo circle.
const EXPORT: Duration = Duration::from_secs(60);

/// Waits for the dialog to report a finished export, and reads its counts.
async fn finished(app: &App) -> anyhow::Result<(u64, u64)> {
    app.wait_text_within(EXPORT, "#export-status [data-state=done]", |_| true)
        .await?;
    let count = |name: &'static str| async move {
        let script = format!(
            "return document.querySelector('#export-status [data-state=done]').dataset.{name};"
        );
        let value = app.eval(&script).await?;
        value
            .as_str()
            .and_then(|v| v.parse::<u64>().ok())
            .with_context(|| format!("no {name} count: {value}"))
    };
    Ok((count("topics").await?, count("written").await?))
}

/// The files under `dir` whose names end with `suffix`.
fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(suffix) {
                found.push(path);
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_circle_exports_from_the_window_as_a_vault_and_as_one_html_file() -> anyhow::Result<()> {
    let app = App::launch().await?;
    app.wait_caught_up(SYNC).await?;
    app.wait_for("#timeline-rows .row").await?;
    let exports = app.home_dir().join("Documents").join("Orrery");

    // The vault: one note per topic of the circle on screen.
    app.click("#export-open").await?;
    app.wait_for("#export-dialog").await?;
    app.click("#export-start").await?;
    let (topics, written) = finished(&app).await?;
    ensure!(
        topics > 20,
        "the demo circle holds more than {topics} topics"
    );
    let notes = files_ending(&exports, ".md");
    ensure!(
        notes.len() as u64 == topics,
        "{} notes for {topics} topics in {}",
        notes.len(),
        exports.display()
    );
    ensure!(
        written >= topics,
        "notes and images were written: {written}"
    );
    app.screenshot("export-done").await?;

    // Again: only what the demo's members changed in the meantime is rewritten.
    app.click("#export-start").await?;
    app.wait_for("#export-status [data-state=running], #export-status [data-state=done]")
        .await?;
    let (again, rewritten) = finished(&app).await?;
    ensure!(
        again >= topics && rewritten < written / 2,
        "the second export rewrote {rewritten} of {written} files"
    );

    // One HTML file, which loads nothing: its only sources are inline.
    app.click("#export-html").await?;
    app.click("#export-start").await?;
    finished(&app).await?;
    let pages = files_ending(&exports, ".html");
    ensure!(pages.len() == 1, "one HTML file: {pages:?}");
    let html = std::fs::read_to_string(&pages[0])?;
    ensure!(html.contains("Content-Security-Policy"));
    ensure!(
        html.match_indices(" src=\"")
            .all(|(at, _)| html[at..].starts_with(" src=\"data:image/")),
        "an external source in the HTML export"
    );
    app.click("#export-close").await?;

    // Two topics picked in the timeline with Ctrl+click (by id: the demo's sync keeps adding
    // rows above them): Export… takes just them, as a book.
    app.wait_for("#timeline-rows .row").await?;
    let picked = app
        .eval(
            "const rows = [...document.querySelectorAll('#timeline-rows .row')].slice(1, 3);\
             for (const row of rows) row.dispatchEvent(new MouseEvent('click', {bubbles: true, ctrlKey: true}));\
             return rows.map(r => r.dataset.topicId);",
        )
        .await?;
    ensure!(picked.as_array().map(Vec::len) == Some(2), "{picked}");
    app.wait_text("#picked-count", |t| t.contains('2')).await?;
    for id in picked.as_array().into_iter().flatten() {
        let id = id.as_str().unwrap_or_default();
        app.wait_for(&format!(
            "#timeline-rows .row[data-topic-id='{id}'][data-picked=true]"
        ))
        .await?;
    }
    app.click("#export-open").await?;
    app.click("#export-epub").await?;
    app.click("#export-start").await?;
    let (picked, _) = finished(&app).await?;
    ensure!(picked == 2, "the picked topics were exported: {picked}");
    let books = files_ending(&exports, ".epub");
    ensure!(books.len() == 1, "one book: {books:?}");
    app.screenshot("export-picked").await?;
    app.close().await
}
