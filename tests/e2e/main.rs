//! End-to-end tests: the real app in a real WebKit window (see [`support`]), reading the demo
//! archive it syncs from the in-process simulator, the hostile dataset, and a sign-in with a
//! token against a simulator started by the test.

mod bench;
mod brief;
mod export;
mod first_run;
mod import;
mod login;
mod no_appindicator;
mod notify;
#[path = "../../xtask/src/procfs.rs"]
mod procfs;
mod support;
mod tray;

use std::time::Duration;

use anyhow::Context;
use fantoccini::Locator;
use support::{App, FakeBrowser, Launch};
use zsxq_sim::{Dataset, SimConfig};

/// A first sync of the demo on loopback, for the steps that need it whole.
const SYNC: Duration = Duration::from_secs(180);

/// The member's day on the demo: circles with unread counts, a timeline and its tabs, a topic
/// with its answer, comments and images, keyboard navigation, search as you type (a Chinese
/// word and a single character) opening its result, cancelling and restarting the sync, and
/// switching theme and language. Every screen is saved under `target/e2e-screenshots/`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_reads_searches_and_controls_the_demo() -> anyhow::Result<()> {
    let truth = zsxq_sim::dataset_truth(&SimConfig::default())?;
    let app = App::launch().await?;

    // The sidebar lists the demo's circles as they are archived, with unread counts; the
    // first circle opens by itself.
    app.wait_demo().await?;
    app.wait_for("#circles li[data-circle] [data-field=unread]")
        .await?;
    app.wait_for("#timeline-rows .row").await?;
    // Each circle shows its picture, downloaded on demand through `media:`.
    app.wait_js(
        Duration::from_secs(30),
        "[...document.querySelectorAll('#circles li[data-circle]')].every(li => { \
           const img = li.querySelector('.avatar img'); \
           return img && img.complete && img.naturalWidth > 0; })",
    )
    .await?;
    app.screenshot("timeline").await?;

    // Tabs filter the timeline: 精华 shows digests only, 问答 questions only.
    app.click("[data-tab=digests]").await?;
    app.wait_js(
        Duration::from_secs(30),
        "document.querySelectorAll('#timeline-rows .row').length > 0 && \
         [...document.querySelectorAll('#timeline-rows .row')].every(r => r.querySelector('.tag.digest'))",
    )
    .await?;
    app.click("[data-tab=questions]").await?;
    app.wait_js(
        Duration::from_secs(30),
        "document.querySelectorAll('#timeline-rows .row').length > 0 && \
         [...document.querySelectorAll('#timeline-rows .row')].every(r => r.dataset.kind === 'question')",
    )
    .await?;
    app.screenshot("tab-questions").await?;

    // A question opens with its answer (the demo's owner answers most of them).
    app.wait_for("#timeline-rows .row").await?;
    let mut answered = false;
    for index in 0..20 {
        open_row(&app, index).await?;
        if app.count("#reader .part[data-role=answer]").await? > 0 {
            answered = true;
            break;
        }
    }
    assert!(answered, "no answered question among the first 20");
    app.screenshot("topic-answer").await?;

    // Once the first sync has fetched threads and images: a post with comments and images,
    // the images served by the media: protocol from the cache.
    app.wait_caught_up(SYNC).await?;
    app.click("[data-tab=latest]").await?;
    app.wait_for("#timeline-rows .row").await?;
    let mut found = false;
    for index in 0..80 {
        open_row(&app, index).await?;
        if app.count("#reader .comment").await? > 0 && app.count("#reader .thumb img").await? > 0 {
            found = true;
            break;
        }
    }
    assert!(
        found,
        "no topic with comments and images among the first 80"
    );
    app.wait_js(
        Duration::from_secs(30),
        "[...document.querySelectorAll('#reader .thumb img')].some(i => i.complete && i.naturalWidth > 0)",
    )
    .await?;
    app.screenshot("topic-comments-images").await?;

    // The keyboard: j moves the selection down, k up, Enter opens it.
    let rows = app.client.find(Locator::Css("#timeline-rows")).await?;
    let start = selected_index(&app).await?;
    rows.send_keys("jjk").await?;
    app.wait_js(
        Duration::from_secs(10),
        &format!(
            "document.querySelector('#timeline-rows .row.selected[data-index=\"{}\"]')",
            start + 1
        ),
    )
    .await?;
    let id = app
        .wait_for("#timeline-rows .row.selected")
        .await?
        .attr("data-topic-id")
        .await?
        .unwrap_or_default();
    rows.send_keys("\u{E007}").await?;
    app.wait_for(&format!("#reader .topic[data-topic-id='{id}']"))
        .await?;

    // Search: a Chinese word from a title, then one character, each highlighted in its
    // snippet; Enter opens the first result. The index follows the sync, so wait for it.
    let title = app
        .wait_text("#reader .topic-title", |t| {
            t.chars().filter(|c| is_cjk(*c)).count() >= 2
        })
        .await?;
    let word: String = cjk_run(&title, 2);
    let one: String = word.chars().take(1).collect();
    for query in [word.as_str(), one.as_str()] {
        app.click("#search-trigger").await?;
        let input = app.wait_for("#palette-input").await?;
        input.send_keys(query).await?;
        let first = app
            .wait_text_within(SYNC, "#palette #search-results .hit mark", |t| {
                !t.is_empty()
            })
            .await?;
        assert!(first.contains(query), "{query:?} highlighted as {first:?}");
        app.screenshot(&format!("search-{}", query.chars().count()))
            .await?;
        let hit = app.wait_for("#palette .hit.selected").await?;
        let topic = hit.attr("data-topic-id").await?.unwrap_or_default();
        app.client
            .find(Locator::Css("#palette-input"))
            .await?
            .send_keys("\u{E007}")
            .await?;
        let opened = app
            .wait_js(
                Duration::from_secs(20),
                &format!("document.querySelector('#reader .topic[data-topic-id=\"{topic}\"]') && !document.querySelector('#palette')"),
            )
            .await;
        if let Err(err) = opened {
            // What the reader and the palette hold instead is the clue to a race.
            let state = app
                .eval(
                    "return JSON.stringify({ reader: document.querySelector('#reader .topic')?.dataset.topicId, \
                       palette: !!document.querySelector('#palette'), \
                       hits: [...document.querySelectorAll('#palette .hit')].map(h => h.dataset.topicId + (h.classList.contains('selected') ? '*' : '')) })",
                )
                .await?;
            return Err(err.context(format!("query {query:?}: opened instead: {state}")));
        }
    }

    // The sync: cancel a run, then start one by hand.
    app.wait_text_within(SYNC, "#status-bar .sync-state", |t| !t.is_empty())
        .await?;
    if app.count("#cancel-sync").await? == 0 {
        app.click("#sync-now").await?;
    }
    app.click("#cancel-sync").await?;
    app.wait_for("#status-bar[data-state=idle] .sync-state")
        .await?;
    app.click("#sync-now").await?;
    app.wait_text_within(SYNC, "#status-bar[data-state=syncing] .sync-state, #status-bar[data-state=caught_up] .sync-state", |_| true)
        .await?;
    app.wait_for("#status-bar[data-state=caught_up] .sync-state")
        .await
        .ok();
    for circle in &truth.circles {
        app.wait_for(&format!("#circles li[data-circle='{}']", circle.group_id))
            .await?;
    }

    // Settings: dark theme, then English and back to Chinese.
    app.click("#open-settings").await?;
    app.wait_for("#settings").await?;
    app.wait_for("#theme-select")
        .await?
        .select_by_value("dark")
        .await?;
    app.wait_js(
        Duration::from_secs(10),
        "document.documentElement.dataset.theme === 'dark'",
    )
    .await?;
    app.screenshot("settings-dark").await?;
    app.wait_for("#language-select")
        .await?
        .select_by_value("en")
        .await?;
    app.wait_text("#app-title", |t| t.starts_with("Orrery"))
        .await?;
    app.wait_js(
        Duration::from_secs(10),
        "document.documentElement.lang === 'en'",
    )
    .await?;
    app.wait_for("#language-select")
        .await?
        .select_by_value("zh-CN")
        .await?;
    app.wait_text("#app-title", |t| t.starts_with("星仪"))
        .await?;
    app.wait_for("#theme-select")
        .await?
        .select_by_value("light")
        .await?;
    app.wait_js(
        Duration::from_secs(10),
        "document.documentElement.dataset.theme === 'light'",
    )
    .await?;
    let version = app
        .wait_text("[data-field=version]", |t| !t.is_empty())
        .await?;
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
    let data_dir = app
        .wait_text("[data-field=data-dir]", |t| !t.is_empty())
        .await?;
    assert_eq!(data_dir, app.data_dir().display().to_string());
    assert!(
        app.data_dir()
            .join("demo")
            .join("archive.sqlite3")
            .is_file()
    );
    assert!(
        !app.data_dir().join("archive.sqlite3").exists(),
        "the demo never writes the account's archive"
    );
    app.close().await
}

/// The hostile dataset: every text, name, hashtag, link and image URL carries XSS payloads.
/// Reading every topic and searching them runs none (the canary global stays unset), hides
/// nothing, and still shows the ordinary text around them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_content_is_shown_as_text_and_never_runs() -> anyhow::Result<()> {
    use zsxq_sim::hostile::{CANARY, MARKER};
    let truth = zsxq_sim::dataset_truth(&SimConfig {
        dataset: Dataset::Hostile,
        ..SimConfig::default()
    })?;
    let browser = FakeBrowser::new()?;
    let mut env = browser.env();
    env.push(("ORRERY_DEMO_DATASET".into(), "hostile".into()));
    let app = App::launch_with(Launch {
        env,
        ..Launch::default()
    })
    .await?;
    let canary_unset = format!("typeof window.{CANARY} === 'undefined'");
    app.wait_caught_up(SYNC).await?;
    let (mut opened, mut saved) = (0, 0);
    for circle in &truth.circles {
        app.click(&format!(
            "#circles li[data-circle='{}'] .circle",
            circle.group_id
        ))
        .await?;
        app.wait_for("#timeline-rows .row").await?;
        let total = usize::try_from(circle.topics)?;
        // j/Enter walks the whole timeline (the list scrolls the selection into view).
        for index in 0..total {
            let id = open_row(&app, index).await?;
            let text = app
                .wait_text(
                    &format!("#reader .topic[data-topic-id='{id}'] .rich"),
                    |t| !t.is_empty(),
                )
                .await?;
            assert!(text.contains(MARKER), "topic {id} lost its text: {text:?}");
            if saved < 3 && app.count("#reader .files li .file-save").await? > 0 {
                saved += save_attachments(&app).await?;
            }
            assert_eq!(
                app.eval(&format!("return {canary_unset};")).await?,
                serde_json::Value::Bool(true)
            );
            opened += 1;
        }
    }
    assert!(opened >= 50, "read {opened} topics");
    assert!(saved >= 3, "saved {saved} attachments");
    app.screenshot("hostile-topic").await?;
    for query in ["script", "onerror", MARKER] {
        app.click("#search-trigger").await?;
        app.wait_for("#palette-input")
            .await?
            .send_keys(query)
            .await?;
        app.wait_text_within(SYNC, "#palette #search-results .hit mark", |t| {
            !t.is_empty()
        })
        .await?;
        app.client
            .find(Locator::Css("#palette-input"))
            .await?
            .send_keys("\u{E00C}")
            .await?;
    }
    app.screenshot("hostile-search").await?;
    assert_eq!(
        app.eval(&format!("return {canary_unset};")).await?,
        serde_json::Value::Bool(true)
    );
    let visible = app
        .eval("return getComputedStyle(document.body).display !== 'none' && document.querySelectorAll('script:not([src])').length <= 1;")
        .await?;
    assert_eq!(
        visible,
        serde_json::Value::Bool(true),
        "a payload changed the page"
    );

    // A page that sends the window elsewhere (a script, WebKit's "Open Link"): the window stays
    // on the app, the phishing page is never even asked for, and the link goes to the system
    // browser instead.
    let phishing = std::net::TcpListener::bind("127.0.0.1:0")?;
    phishing.set_nonblocking(true)?;
    let target = format!(
        "http://127.0.0.1:{}/session-expired",
        phishing.local_addr()?.port()
    );
    app.eval(&format!("location.href = '{target}'; return true;"))
        .await?;
    browser.wait_for(&target, Duration::from_secs(20)).await?;
    assert_eq!(
        app.eval("return location.protocol + document.querySelectorAll('#status-bar').length")
            .await?,
        serde_json::json!("tauri:1"),
        "the window left the app"
    );
    assert!(
        matches!(phishing.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the window asked for the phishing page"
    );
    app.close().await
}

/// Saves every attachment of the open topic (hostile names) and checks each landed in the
/// downloads folder, whole, under a name that stays inside it and shows as written; returns
/// how many.
async fn save_attachments(app: &App) -> anyhow::Result<usize> {
    let downloads = app.home_dir().join("Downloads");
    let buttons = app
        .client
        .find_all(Locator::Css("#reader .files li .file-save"))
        .await?;
    for button in &buttons {
        button.click().await?;
    }
    app.wait_js(
        SYNC,
        &format!(
            "document.querySelectorAll('#reader .files li .file-status').length === {}",
            buttons.len()
        ),
    )
    .await?;
    let shown = app
        .eval("return [...document.querySelectorAll('#reader .files li .file-status')].map(s => [s.className, s.title, s.textContent]);")
        .await?;
    // Names as shown: what they are saved as, with nothing that reorders or hides text.
    let names = app
        .eval("return [...document.querySelectorAll('#reader .files li .file-name')].map(n => n.textContent);")
        .await?;
    for name in names.as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        assert!(
            !name.contains(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
            "a file name shows with a bidi or invisible control: {name:?}"
        );
    }
    for status in shown.as_array().into_iter().flatten() {
        let field = |i: usize| status[i].as_str().unwrap_or_default();
        assert!(field(0).contains("saved"), "not saved: {}", field(2));
        let path = std::path::Path::new(field(1));
        assert_eq!(path.parent(), Some(downloads.as_path()), "{path:?}");
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        assert!(
            !name.starts_with('.') && !name.contains(['<', '>', '"', '\u{202E}']),
            "unsafe name {name:?}"
        );
        // The simulator's file bytes, whole.
        let bytes = std::fs::read(path)?;
        assert!(
            bytes.starts_with("zsxq-sim 模拟文件：".as_bytes()) && bytes.len() >= 4096,
            "{name} is not the attachment"
        );
    }
    Ok(buttons.len())
}

/// Sign-in with a pasted token against a simulator the test runs: a malformed token and a
/// refused one get plain errors; the right one switches the app to the account, whose circles
/// appear; signing out, with the archive deleted after a second click, returns to the demo.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signs_in_with_a_pasted_token_and_out_again() -> anyhow::Result<()> {
    let config = SimConfig {
        dataset: Dataset::Generated(300),
        ..SimConfig::default()
    };
    let truth = zsxq_sim::dataset_truth(&config)?;
    let sim = zsxq_sim::serve(config, "127.0.0.1:0".parse()?).await?;
    // The account talks to the service it last signed in to: here, the test's simulator.
    let account = serde_json::json!({ "base_url": sim.base_url() }).to_string();
    let app = App::launch_with(Launch {
        files: vec![("account.json".into(), account)],
        keyring: true,
        ..Launch::default()
    })
    .await?;
    app.wait_demo().await?;
    app.click("#banner button").await?;
    app.wait_for("#signin").await?;
    app.screenshot("sign-in").await?;
    app.show_token_field().await?;
    // A malformed token, then one the service refuses: each a plain error, nothing stored.
    for token in ["not a token; really", "0123456789abcdef-wrong"] {
        let field = app.wait_for("#token-input").await?;
        field.clear().await?;
        field.send_keys(token).await?;
        app.click("#signin-submit").await?;
        app.wait_text("#signin-error", |t| !t.is_empty()).await?;
    }
    app.screenshot("sign-in-error").await?;
    let field = app.wait_for("#token-input").await?;
    field.clear().await?;
    field.send_keys(sim.token()).await?;
    app.click("#signin-submit").await?;
    app.wait_signed_in().await?;
    // A new sign-in asks what to mirror, each circle with its size once the service told it.
    app.wait_for("#mirror-setup").await?;
    app.wait_js(
        SYNC,
        "[...document.querySelectorAll('#mirror-choices [data-field=size]')].length > 0 && \
         [...document.querySelectorAll('#mirror-choices [data-field=size]')]\
            .every(e => /\\d+\\D+\\d+/.test(e.textContent))",
    )
    .await?;
    app.screenshot("mirror-setup").await?;
    app.click("#setup-done").await?;
    for circle in &truth.circles {
        app.wait_js(
            SYNC,
            &format!(
                "document.querySelector(\"#circles li[data-circle='{}'] .circle-name\")?.textContent",
                circle.group_id
            ),
        )
        .await?;
    }
    app.screenshot("signed-in").await?;
    // The service deletes a topic the first sync archived: after "sync now" it is still in
    // the timeline, marked as deleted on 知识星球. After sign-in no circle is open yet, and
    // "sync now" is offered only between runs.
    let circle = truth
        .circles
        .iter()
        .find(|c| c.topics > 0)
        .context("a circle with topics")?;
    app.click(&format!(
        "#circles li[data-circle='{}'] .circle-name",
        circle.group_id
    ))
    .await?;
    app.wait_caught_up(SYNC).await?;
    let id = app
        .wait_for("#timeline-rows .row[data-topic-id]")
        .await?
        .attr("data-topic-id")
        .await?
        .context("a topic id")?;
    assert!(
        sim.act(zsxq_sim::Act::Delete(id.parse()?)),
        "topic {id} deleted"
    );
    app.click("#sync-now").await?;
    app.wait_js(
        SYNC,
        &format!("document.querySelector(\"[data-topic-id='{id}'] [data-field=deleted]\")"),
    )
    .await?;
    app.screenshot("deleted-on-the-service").await?;
    let source = app.client.source().await?;
    assert!(!source.contains(sim.token()), "the token reached the page");
    assert!(
        app.data_dir().join("archive.sqlite3").is_file(),
        "the account has its own archive"
    );
    // Signing out with the archive deleted: the box names its size, the button asks once more.
    app.click("#open-settings").await?;
    app.click("#sign-out-delete").await?;
    app.wait_text("[data-field=archive-size]", |t| {
        t.contains(" MB") || t.contains(" KB")
    })
    .await?;
    app.click("#sign-out").await?;
    app.wait_text("#sign-out", |t| t.contains(" MB") || t.contains(" KB"))
        .await?;
    assert!(
        app.data_dir().join("archive.sqlite3").is_file(),
        "nothing is deleted before the second click"
    );
    app.screenshot("sign-out-delete").await?;
    app.click("#sign-out").await?;
    app.wait_demo().await?;
    assert!(
        !app.data_dir().join("archive.sqlite3").exists(),
        "the account's archive is deleted"
    );
    app.close().await
}

/// The tray as a desktop panel sees it (read and clicked over D-Bus, see tray.rs): the sync
/// state in words as it changes, "sync now" starting a sync at once, and its words following
/// the language chosen in Settings.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tray_follows_the_sync_and_syncs_on_demand() -> anyhow::Result<()> {
    let app = App::launch_with(Launch {
        tray: true,
        ..Launch::default()
    })
    .await?;
    let host = app.tray.as_ref().context("no tray host")?;
    let menu = host.menu(support::UI_TIMEOUT).await?;
    let entries = menu.entries().await?;
    let labels: Vec<&str> = entries.iter().map(|e| e.label.as_str()).collect();
    // The status line, then open, sync now and quit (the separator has no label).
    let zh = labels.get(1) == Some(&"打开星仪");
    let words = |zh: bool| {
        if zh {
            ("已是最新", "同步中", ["打开星仪", "立即同步", "退出"])
        } else {
            ("Up to date", "Syncing", ["Open Orrery", "Sync now", "Quit"])
        }
    };
    let (up_to_date, syncing, actions) = words(zh);
    assert_eq!(labels.get(1..), Some(&actions[..]), "{labels:?}");
    let (status, sync_now) = (entries[0].id, entries[2].id);

    // The status line goes through a sync as the member would see it: "syncing <circle>
    // (n/m)" and then "up to date". Once a sync ends (the first, or one of the demo's every
    // 20 s), "sync now" starts another at once, long before the next scheduled one.
    let seen = menu.watch_label(status).await?;
    let synced_after = |from: usize| {
        let seen = seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let rest = seen.get(from..).unwrap_or_default();
        rest.iter()
            .position(|l| l.starts_with(syncing))
            .is_some_and(|i| rest[i..].iter().any(|l| l == up_to_date))
            .then_some(seen.len())
    };
    let ended = wait_until(SYNC, || synced_after(0)).await?;
    menu.click(sync_now).await?;
    wait_until(Duration::from_secs(15), || synced_after(ended)).await?;
    menu.wait_label(0, Duration::from_secs(10), |l| l == up_to_date)
        .await?;

    // The other language in Settings reaches the tray at once.
    app.click("#open-settings").await?;
    app.wait_for("#language-select")
        .await?
        .select_by_value(if zh { "en" } else { "zh-CN" })
        .await?;
    let (up_to_date, syncing, actions) = words(!zh);
    menu.wait_label(1, Duration::from_secs(10), |l| l == actions[0])
        .await?;
    let now = menu
        .wait_label(0, Duration::from_secs(10), |l| {
            l == up_to_date || l.starts_with(syncing)
        })
        .await?;
    let labels: Vec<String> = menu.entries().await?.into_iter().map(|e| e.label).collect();
    assert_eq!(
        labels.get(1..),
        Some(&actions.map(String::from)[..]),
        "{now}"
    );
    app.close().await
}

/// Polls `check` until it gives a value, for up to `timeout`.
async fn wait_until<T>(timeout: Duration, check: impl Fn() -> Option<T>) -> anyhow::Result<T> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return Ok(value);
        }
        anyhow::ensure!(
            std::time::Instant::now() < deadline,
            "not within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Scrolls the timeline to row `index`, clicks it and waits for the reader to show it;
/// returns its id.
async fn open_row(app: &App, index: usize) -> anyhow::Result<String> {
    app.eval(&format!(
        "const l = document.querySelector('#timeline-rows'); \
         l.scrollTop = Math.max(0, {index} - 2) * {ROW}; l.dispatchEvent(new Event('scroll')); return 0;",
        ROW = 88
    ))
    .await?;
    let row = app
        .wait_for(&format!("#timeline-rows .row[data-index='{index}']"))
        .await?;
    let id = row.attr("data-topic-id").await?.unwrap_or_default();
    row.click().await?;
    app.wait_for(&format!("#reader .topic[data-topic-id='{id}']"))
        .await?;
    Ok(id)
}

/// The index of the timeline's selected row.
async fn selected_index(app: &App) -> anyhow::Result<usize> {
    let row = app.wait_for("#timeline-rows .row.selected").await?;
    Ok(row.attr("data-index").await?.unwrap_or_default().parse()?)
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The first run of `n` consecutive CJK characters of `text`.
fn cjk_run(text: &str, n: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(n)
        .find(|w| w.iter().all(|c| is_cjk(*c)))
        .map(|w| w.iter().collect())
        .unwrap_or_default()
}
