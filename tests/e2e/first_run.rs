//! The first minutes of a new user: the app speaks the system's language, and before any
//! sign-in the reader's empty state says in two lines what Orrery does and what stays on the
//! machine.

use crate::support::{App, Launch};

/// The system's language as a desktop session sets it: `LANG`, with the variables that would
/// override it left empty (glib, and so WebKit, treats an empty one as unset).
fn system_language(lang: &str) -> Launch {
    let env = [
        ("LANG", lang),
        ("LC_ALL", ""),
        ("LC_MESSAGES", ""),
        ("LANGUAGE", ""),
    ];
    Launch {
        env: env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Launch::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ui_starts_in_the_systems_language_and_explains_itself() -> anyhow::Result<()> {
    for (lang, tag, mode, welcome) in [
        (
            "zh_CN.UTF-8",
            "zh-CN",
            "演示模式",
            "存档与登录凭证只留在这台电脑",
        ),
        ("en_US.UTF-8", "en", "Demo mode", "stay on this computer"),
    ] {
        let app = App::launch_with(system_language(lang)).await?;
        app.wait_text("[data-field=mode]", |t| t == mode).await?;
        assert_eq!(
            app.eval("return document.documentElement.lang").await?,
            serde_json::json!(tag),
            "LANG={lang}"
        );
        app.wait_text("#welcome", |t| t.contains(welcome)).await?;
        app.screenshot(&format!("first-run-{tag}")).await?;
        app.close().await?;
    }
    Ok(())
}
