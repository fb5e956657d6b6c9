//! The tray icon: where the sync stands at a glance, and "open", "sync now" and "quit"
//! without the window.
//!
//! The shell publishes the sync status app-wide as the [`STATUS_EVENT`] event on every change
//! (across sign-in and sign-out); the tray is its listener here, and anything else in the app
//! (another window, a badge) can listen the same way. The window itself gets the status over
//! its own `watch_sync` channel, so it needs no event permission.
//!
//! On Linux the tray needs the AppIndicator library at run time (`tray-icon` loads it with
//! `dlopen` and panics without it); a desktop without it simply gets no tray.

use crate::state::AppState;
use orrery_ipc::commands::{LanguageDto, SyncStateDto, SyncStatusDto};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Listener, Manager};

/// The app-wide event carrying a [`SyncStatusDto`].
pub const STATUS_EVENT: &str = "sync-status";

/// Emits [`STATUS_EVENT`] on every change of the sync status, for the app's lifetime.
pub fn publish_status(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let state = app.state::<AppState>();
        state
            .follow_status(|status| {
                if let Err(err) = app.emit(STATUS_EVENT, &status) {
                    tracing::warn!(%err, "the sync status could not be published");
                }
                true
            })
            .await;
    });
}

/// Adds the tray icon, if this desktop can show one.
pub fn install(app: &AppHandle) {
    // `tray-icon` panics inside its lazy library loading when AppIndicator is missing; the
    // app must start anyway, without a tray.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    match built {
        Ok(Ok(())) => {}
        Ok(Err(err)) => tracing::warn!(%err, "no tray icon"),
        Err(_) => tracing::warn!("no tray icon: this desktop has no AppIndicator library"),
    }
}

fn build(app: &AppHandle) -> tauri::Result<()> {
    let texts = Texts::new(chinese(app));
    let status = MenuItem::with_id(
        app,
        "status",
        texts.state(&SyncStatusDto::default()),
        false,
        None::<&str>,
    )?;
    let open = MenuItem::with_id(app, "open", texts.open, true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", texts.sync_now, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", texts.quit, true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &separator, &open, &sync, &quit])?;
    let mut tray = TrayIconBuilder::with_id("main")
        .menu(&menu)
        .tooltip("Orrery 星仪")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_window(app),
            "sync" => {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    if let Ok(archive) = app.state::<AppState>().archive().await {
                        archive.schedule.sync_now();
                    }
                });
            }
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    let handle = app.clone();
    app.listen_any(STATUS_EVENT, move |event| {
        let Ok(now) = serde_json::from_str::<SyncStatusDto>(event.payload()) else {
            return;
        };
        // The language may have changed in Settings since the last status.
        let texts = Texts::new(chinese(&handle));
        let updated = status
            .set_text(texts.state(&now))
            .and_then(|()| open.set_text(texts.open))
            .and_then(|()| sync.set_text(texts.sync_now))
            .and_then(|()| quit.set_text(texts.quit));
        if let Err(err) = updated {
            tracing::debug!(%err, "tray menu");
        }
    });
    Ok(())
}

/// Brings the window back: from the tray, or when Orrery is launched a second time.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The language the member chose, else the system's (as the window decides it).
fn chinese(app: &AppHandle) -> bool {
    match app.state::<AppState>().prefs().language {
        Some(LanguageDto::ZhCn) => true,
        Some(LanguageDto::En) => false,
        None => system_is_chinese(),
    }
}

fn system_is_chinese() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("zh"))
}

/// The tray's words, in one language.
#[derive(Debug, Clone, Copy)]
struct Texts {
    zh: bool,
    open: &'static str,
    sync_now: &'static str,
    quit: &'static str,
}

impl Texts {
    fn new(zh: bool) -> Self {
        if zh {
            Self {
                zh,
                open: "打开星仪",
                sync_now: "立即同步",
                quit: "退出",
            }
        } else {
            Self {
                zh,
                open: "Open Orrery",
                sync_now: "Sync now",
                quit: "Quit",
            }
        }
    }

    /// The status line: the state, and while syncing the circle and how far the run is.
    fn state(&self, s: &SyncStatusDto) -> String {
        let zh = self.zh;
        match s.state {
            SyncStateDto::Syncing => {
                let word = if zh { "同步中" } else { "Syncing" };
                let progress = format!("({}/{})", s.circles_done, s.circles_total);
                match &s.circle {
                    Some(circle) => format!("{word} {circle} {progress}"),
                    None => format!("{word} {progress}"),
                }
            }
            SyncStateDto::CaughtUp if zh => "已是最新".to_owned(),
            SyncStateDto::CaughtUp => "Up to date".to_owned(),
            SyncStateDto::Idle if zh => "未在同步".to_owned(),
            SyncStateDto::Idle => "Not syncing".to_owned(),
            SyncStateDto::NeedsLogin if zh => "需要重新登录".to_owned(),
            SyncStateDto::NeedsLogin => "Sign in again".to_owned(),
            SyncStateDto::Failed if zh => "同步出错，稍后重试".to_owned(),
            SyncStateDto::Failed => "Sync failed; retrying later".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_names_the_circle_and_the_progress() {
        let syncing = SyncStatusDto {
            state: SyncStateDto::Syncing,
            circle: Some("读书会".to_owned()),
            circles_done: 2,
            circles_total: 5,
            ..SyncStatusDto::default()
        };
        assert_eq!(Texts::new(true).state(&syncing), "同步中 读书会 (2/5)");
        assert_eq!(Texts::new(false).state(&syncing), "Syncing 读书会 (2/5)");
        let starting = SyncStatusDto {
            circle: None,
            ..syncing
        };
        assert_eq!(Texts::new(false).state(&starting), "Syncing (2/5)");
        let expired = SyncStatusDto {
            state: SyncStateDto::NeedsLogin,
            ..SyncStatusDto::default()
        };
        assert_eq!(Texts::new(true).state(&expired), "需要重新登录");
        assert_eq!(
            Texts::new(false).state(&SyncStatusDto::default()),
            "Not syncing"
        );
    }
}
