//! Signing in with no developer tools: "用微信扫码登录" opens the service's own sign-in page (the
//! simulator's, here) in a login window; the test stands for the member's phone and scans the
//! code. The page is hostile on purpose (`?probe=ipc`): it tries to call the app's commands and
//! to leave for another site.
//!
//! The login window cannot be driven over WebDriver (only the main window's web context is
//! under automation), so what happened inside it is read from the simulator: the page's
//! requests, its cookie, and what its script reported. Once a second web context has been
//! open, WebKitWebDriver no longer answers screenshots of the main window (everything else
//! works), so these tests take none after opening the login window.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use orrery_core::account::KEYRING_SERVICE;
use orrery_core::paths::DataDir;
use orrery_core::store::{Mirror, Store};
use zsxq_sim::{Dataset, Faults, SimConfig};

use crate::support::{App, FakeBrowser, Launch};

/// The first sync of the demo dataset on loopback.
const SYNC: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scanning_the_code_signs_in_and_leaves_the_token_only_in_the_keyring() -> anyhow::Result<()>
{
    let sim = zsxq_sim::serve(
        SimConfig {
            dataset: Dataset::Demo,
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let base = sim.base_url().to_owned();
    let account = serde_json::json!({
        "base_url": base,
        "login_page": format!("{base}/login?probe=ipc"),
    });
    let browser = FakeBrowser::new()?;
    let app = App::launch_with(Launch {
        files: vec![("account.json".into(), account.to_string())],
        env: browser.env(),
        keyring: true,
        ..Launch::default()
    })
    .await?;
    app.wait_demo().await?;
    app.click("#banner button").await?;
    app.click("#signin-web").await?;
    app.wait_text("#signin-web", |t| {
        t.contains("扫码…") || t.contains("WeChat…")
    })
    .await?;

    // The page's script tried the app's commands as soon as it loaded: both were refused (or
    // found no bridge at all), and nothing reached the app.
    let probes = wait_for(Duration::from_secs(60), "the page's probes", || {
        let probes = sim.login_probes();
        (probes.len() >= 2).then_some(probes)
    })
    .await?;
    for probe in &probes {
        assert!(
            probe["outcome"] == "refused" || probe["outcome"] == "no bridge",
            "the login page reached the app: {probe}"
        );
    }
    let tried: BTreeSet<&str> = probes
        .iter()
        .filter_map(|p| p["command"].as_str())
        .collect();
    assert_eq!(tried, BTreeSet::from(["app_info", "sign_in"]), "{probes:?}");
    // Its attempt to leave for another site went to the system browser, not into the window.
    browser
        .wait_for(
            "https://example.com/elsewhere?from=login",
            Duration::from_secs(30),
        )
        .await?;

    // The phone scans the code; the page's cookie signs the app in.
    let token = sim.scan_login().context("the login page shows a code")?;
    app.wait_signed_in().await?;

    // What to mirror: each circle with its size as the service told it, each choice with its
    // time, and the total; one circle left out here.
    app.wait_for("#mirror-setup").await?;
    let truth = sim.truth();
    for circle in &truth.circles {
        let size = format!(
            "#mirror-choices li[data-circle='{}'] [data-field=size]",
            circle.group_id
        );
        let total = circle.topics.to_string();
        app.wait_text_within(SYNC, &size, |t| t.contains(&total))
            .await?;
    }
    // Against the unpaced simulator the time is short: "done within a minute" is honest.
    app.wait_text("#mirror-total", |t| {
        [
            "约需",
            "完成",
            "已完整",
            "about",
            "within a minute",
            "complete",
        ]
        .iter()
        .any(|word| t.contains(word))
    })
    .await?;
    let circle = app
        .eval(
            "const s = document.querySelector('#mirror-choices select'); s.value = 'nothing'; \
             s.dispatchEvent(new Event('change', { bubbles: true })); \
             return s.closest('li').dataset.circle;",
        )
        .await?;
    let circle = circle.as_str().context("a circle id")?.to_owned();
    app.wait_js(
        Duration::from_secs(30),
        &format!(
            "document.querySelector(\"#circles li[data-circle='{circle}'] [data-field=unsynced]\")"
        ),
    )
    .await?;
    app.click("#setup-done").await?;
    app.wait_caught_up(SYNC).await?;
    assert_eq!(
        app.keyring_lookup(KEYRING_SERVICE, &base)?.as_deref(),
        Some(token.as_str()),
        "the scanned sign-in's token is in the keyring"
    );
    // The token is nowhere else: not in the login window's data (deleted whole), not in the
    // archive, the logs, WebKit's files or the page.
    let left: Vec<_> = walkdir::WalkDir::new(app.data_dir().join("login-webview"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| {
            (
                e.path().to_owned(),
                e.metadata().map(|m| m.len()).unwrap_or(0),
            )
        })
        .collect();
    assert!(
        left.is_empty(),
        "the login window's data folder is gone: {left:?}"
    );
    let holders = orrery_testkit::files_containing(app.home.path(), &token);
    assert!(holders.is_empty(), "the token is on disk in {holders:?}");
    assert!(!app.client.source().await?.contains(&token));

    // The archive keeps the choice, and Settings show it.
    app.click("#open-settings").await?;
    app.wait_js(
        Duration::from_secs(30),
        &format!(
            "document.querySelector(\"#mirror-choices li[data-circle='{circle}'] select\")?.value === 'nothing'"
        ),
    )
    .await?;
    let store = Store::open(&DataDir::open(app.data_dir())?).await?;
    let listed = store.circles().await?;
    assert_eq!(
        listed
            .iter()
            .find(|c| c.group_id.get().to_string() == circle)
            .map(|c| c.mirror),
        Some(Mirror::Nothing)
    );

    // Paused, the sync says so and the choice is kept in the settings; resumed, it syncs.
    app.click("#pause-sync").await?;
    app.wait_text("#status-bar[data-state=paused] .sync-state", |t| {
        t.contains("暂停") || t.contains("paused")
    })
    .await?;
    let prefs = orrery_core::settings::Settings::new(&DataDir::open(app.data_dir())?).load();
    assert!(prefs.sync_paused);
    let before = sim.requests().total;
    app.click("#resume-sync").await?;
    app.wait_for("#pause-sync").await?;
    wait_for(Duration::from_secs(30), "a run after resuming", || {
        (sim.requests().total > before).then_some(())
    })
    .await?;
    app.wait_caught_up(SYNC).await?;

    // Signed out, the next sign-in finds no session in the login window's cookie store.
    app.click("#sign-out").await?;
    app.wait_demo().await?;
    assert_eq!(app.keyring_lookup(KEYRING_SERVICE, &base)?, None);
    app.click("#banner button").await?;
    app.click("#signin-web").await?;
    wait_for(Duration::from_secs(60), "the second login page", || {
        (sim.requests().route("GET /login") >= 2).then_some(())
    })
    .await?;
    assert_eq!(
        sim.requests().route("GET /login (signed in)"),
        0,
        "the login window still held the old session"
    );
    app.close().await
}

/// Polls `probe` every 200 ms until it gives a value.
async fn wait_for<T>(
    timeout: Duration,
    what: &str,
    mut probe: impl FnMut() -> Option<T>,
) -> anyhow::Result<T> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = probe() {
            return Ok(value);
        }
        if Instant::now() > deadline {
            bail!("{what}: not within {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The service ends the sign-in in the middle of the first sync (HTTP 401): the window's
/// banner and a notification say so; signing in again through the login window resumes the
/// sync, which ends with the archive exactly the service's, nothing lost or twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_ended_mid_sync_is_renewed_in_the_login_window_and_nothing_is_lost()
-> anyhow::Result<()> {
    let sim = zsxq_sim::serve(
        SimConfig {
            dataset: Dataset::Generated(600),
            ..SimConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await?;
    sim.set_faults(Faults {
        unauthorized_after: Some(40),
        ..Faults::default()
    });
    let app = App::launch_with(Launch::desktop_for(sim.base_url())).await?;
    let server = app
        .notifications
        .as_ref()
        .context("a notification server")?;
    app.wait_demo().await?;
    app.click("#banner button").await?;
    app.show_token_field().await?;
    app.wait_for("#token-input")
        .await?
        .send_keys(sim.token())
        .await?;
    app.click("#signin-submit").await?;
    app.wait_text_within(
        SYNC,
        "#status-bar[data-state=needs_login] .sync-state",
        |_| true,
    )
    .await?;
    app.wait_text("#banner[data-kind=warning]", |t| {
        t.contains("重新登录") || t.contains("sign in again")
    })
    .await?;
    wait_for(Duration::from_secs(30), "the notification", || {
        server
            .notifications()
            .into_iter()
            .find(|n| n.summary.contains("重新登录") || n.summary.contains("again"))
    })
    .await?;
    app.screenshot("needs-login").await?;

    // Signed in again through the login window: the sync resumes and completes.
    sim.set_faults(Faults::default());
    app.click("#banner button").await?;
    app.click("#signin-web").await?;
    let token = wait_for(Duration::from_secs(60), "the login page's code", || {
        sim.scan_login()
    })
    .await?;
    app.wait_caught_up(SYNC).await?;
    assert_eq!(
        app.keyring_lookup(KEYRING_SERVICE, sim.base_url())?
            .as_deref(),
        Some(token.as_str())
    );
    // Read beside the running app, caught up (closing it deletes its temporary home).
    let store = Store::open(&DataDir::open(app.data_dir())?).await?;
    let counts = serde_json::to_string_pretty(&store.counts().await?)?;
    let truth = serde_json::to_string_pretty(&sim.truth())?;
    assert_eq!(counts, truth, "archive vs simulator truth");
    app.close().await
}
