//! End-to-end tests: the real app in a real WebKit window (see [`support`]).

mod support;

use support::App;

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
