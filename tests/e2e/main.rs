//! End-to-end tests: the real app in a real WebKit window (see [`support`]).

mod support;

use std::time::Duration;

use support::App;
use zsxq_sim::SimConfig;

/// The window renders the Leptos UI, the UI reaches the shell over IPC (version and the test's
/// own data directory come back), and a click switches the language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn window_renders_app_info_and_switches_language() -> anyhow::Result<()> {
    let app = App::launch().await?;

    let version = app
        .wait_text("[data-field=version]", |t| !t.is_empty())
        .await?;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let data_dir = app
        .wait_text("[data-field=data-dir]", |t| !t.is_empty())
        .await?;
    assert_eq!(
        data_dir,
        app.data_dir().display().to_string(),
        "the app must use the test's data directory"
    );
    assert!(
        app.data_dir().is_dir(),
        "the app creates its data directory"
    );

    // The webview reports its system language; whichever it is, the toggle flips to the other.
    let before = app.wait_text("#app-title", |t| !t.is_empty()).await?;
    let chinese_first = before.starts_with("星仪");
    app.client
        .find(fantoccini::Locator::Css("#lang-toggle"))
        .await?
        .click()
        .await?;
    let after = app.wait_text("#app-title", |t| t != before).await?;
    let (zh, en) = if chinese_first {
        (&before, &after)
    } else {
        (&after, &before)
    };
    assert!(zh.starts_with("星仪"), "Chinese title: {zh:?}");
    assert!(en.starts_with("Orrery"), "English title: {en:?}");
    let mode = app
        .wait_text("[data-field=mode]", |t| !t.is_empty())
        .await?;
    assert!(
        ["演示模式", "Demo mode"].contains(&mode.as_str()),
        "mode badge: {mode:?}"
    );

    let shot = app.screenshot("skeleton").await?;
    assert!(
        std::fs::metadata(&shot)?.len() > 1000,
        "screenshot is empty"
    );
    app.close().await
}

/// Without an account the app runs the demo: the simulated circles are served in-process and
/// synced for real into the test's data directory, and the start screen lists every circle with
/// at least the topics and comments the demo dataset starts with (its live activity only adds).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_circles_are_synced_into_the_archive() -> anyhow::Result<()> {
    let truth = zsxq_sim::dataset_truth(&SimConfig::default())?;
    let app = App::launch().await?;

    // A whole first sync of the demo (topics, comment threads, articles) on loopback.
    let sync = Duration::from_secs(150);
    app.wait_text_within(sync, "#circles .sync-state[data-state=caught_up]", |t| {
        !t.is_empty()
    })
    .await?;
    for circle in &truth.circles {
        let li = format!("#circles li[data-circle='{}']", circle.group_id);
        let name = app
            .wait_text(&format!("{li} .circle-name"), |t| !t.is_empty())
            .await?;
        let topics = shown_number(&app, &format!("{li} [data-field=topics]")).await?;
        let comments = shown_number(&app, &format!("{li} [data-field=comments]")).await?;
        assert!(
            topics >= circle.topics && comments >= circle.comments,
            "{name}: {topics} topics and {comments} comments shown, the demo starts with {} and {}",
            circle.topics,
            circle.comments
        );
    }
    assert!(
        app.data_dir()
            .join("demo")
            .join("archive.sqlite3")
            .is_file(),
        "the demo archive lives in its own folder of the data directory"
    );
    assert!(
        !app.data_dir().join("archive.sqlite3").exists(),
        "the demo never writes the account's archive"
    );
    app.screenshot("demo-circles").await?;
    app.close().await
}

async fn shown_number(app: &App, css: &str) -> anyhow::Result<u64> {
    let text = app.wait_text(css, |t| !t.is_empty()).await?;
    Ok(text.parse()?)
}
