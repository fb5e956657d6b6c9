//! The headline of issue 18, end to end: the real app signed in to the test's simulator, with
//! a notification daemon (orrery-testkit's server) and a tray host on its bus, the window
//! closed to the tray. A question of the member's is answered; the notification arrives with
//! its `default` action; invoking it brings the window back at that topic.

use std::time::Duration;

use anyhow::Context;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use zsxq_sim::{Dataset, Happening, HappeningKind, SimConfig};

use crate::support::{App, Launch};

/// The first sync of the demo dataset on loopback, and a run after "sync now".
const SYNC: Duration = Duration::from_secs(180);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_notifies_and_its_click_opens_the_topic() -> anyhow::Result<()> {
    let config = SimConfig {
        dataset: Dataset::Demo,
        ..SimConfig::default()
    };
    let sim = zsxq_sim::serve(config, "127.0.0.1:0".parse()?).await?;
    let app = App::launch_with(Launch::desktop_for(sim.base_url())).await?;
    let server = app
        .notifications
        .as_ref()
        .context("a notification server")?;

    // Sign in with a pasted token; the first sync's backlog notifies nothing.
    app.sign_in(sim.token(), SYNC).await?;
    assert!(
        server
            .notifications()
            .iter()
            .all(|n| !n.summary.contains("回答") && !n.summary.contains("answered")),
        "the backlog notified: {:#?}",
        server.notifications()
    );

    // Ctrl+W closes the window as its close button does: to the tray (the app keeps running
    // and says so once).
    close_to_tray(&app).await?;
    let told = server.wait_for(1, Duration::from_secs(30)).await?;
    assert!(
        told.iter()
            .any(|n| n.summary.contains("托盘") || n.summary.contains("tray")),
        "{told:#?}"
    );

    // My question is answered on the service.
    let answered = sim
        .happen(Happening {
            kind: HappeningKind::AnswerMine,
            group_id: None,
        })
        .context("answer_mine")?;
    let before = server.notifications().len();
    // "Sync now" from the tray, as the member would with the window closed: the third entry
    // (after the status line and "open").
    let menu = app
        .tray
        .as_ref()
        .context("a tray host")?
        .menu(crate::support::UI_TIMEOUT)
        .await?;
    let sync_now = menu
        .entries()
        .await?
        .get(2)
        .context("the tray's sync now")?
        .id;
    menu.click(sync_now).await?;
    let got = server.wait_for(before + 1, SYNC).await?;
    let note = got.last().context("a notification")?;
    assert!(
        note.summary.ends_with("你的提问有了回答")
            || note.summary.ends_with("Your question was answered"),
        "{note:#?}"
    );
    assert!(note.actions.iter().any(|a| a == "default"), "{note:#?}");
    assert_eq!(
        note.hints.get("desktop-entry").map(String::as_str),
        Some("orrery")
    );

    // Clicking it brings the window back, at the topic. A person clicks seconds after the
    // notification appears; notify-rust starts listening for the click only once `Notify` has
    // returned, so a click sent the instant it was recorded could come before that.
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.invoke_action(note.id, "default").await?;
    app.wait_for(&format!(
        "#reader .topic[data-topic-id='{}']",
        answered.topic_id
    ))
    .await?;
    app.screenshot("notification-opened-topic").await?;

    // The inbox has the answer, read now that it was opened; my questions list it answered.
    app.click("#inbox-bell").await?;
    app.wait_for(&format!(
        "[data-page=inbox] [data-inbox-key='answer:{}'][data-read=true]",
        answered.topic_id
    ))
    .await?;
    app.screenshot("inbox").await?;
    app.click("#inbox-my-questions").await?;
    app.wait_for(&format!(
        "[data-page=my-questions] [data-question-topic='{}'][data-answered=true]",
        answered.topic_id
    ))
    .await?;
    app.screenshot("my-questions").await?;
    app.close().await
}

/// Ctrl+W in the window: it closes as with its close button (to the tray while notifications
/// are on).
pub async fn close_to_tray(app: &App) -> anyhow::Result<()> {
    let control = char::from(Key::Control);
    let ctrl_w = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: control })
        .then(KeyAction::Down { value: 'w' })
        .then(KeyAction::Up { value: 'w' })
        .then(KeyAction::Up { value: control });
    app.client.perform_actions(ctrl_w).await?;
    Ok(())
}

/// Start at login, switched on and off in Settings: the login item a desktop session reads
/// (`~/.config/autostart/*.desktop` on Linux) appears, starts the app with `--autostart` (in the
/// tray), and goes again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_at_login_is_a_login_item_that_comes_and_goes() -> anyhow::Result<()> {
    let app = App::launch().await?;
    let autostart = app.home_dir().join(".config").join("autostart");
    let entries = |dir: &std::path::Path| -> Vec<String> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect()
    };
    app.click("#open-settings").await?;
    app.click("#start-at-login").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    // The file is created, then written: an empty one is not there yet.
    let item = loop {
        if let Some(item) = entries(&autostart).into_iter().find(|e| !e.is_empty()) {
            break item;
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "no login item in {}",
            autostart.display()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(
        item.contains("[Desktop Entry]") && item.contains("--autostart"),
        "{item}"
    );
    app.click("#start-at-login").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !entries(&autostart).is_empty() {
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "the login item stayed after switching it off"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    app.close().await
}
