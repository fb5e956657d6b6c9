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

use orrery_core::session::Orrery;
use orrery_ipc::commands::SyncStatusDto;
use orrery_ipc::words::Lang;
use orrery_ipc::{NoArgs, events, events::MAIN_WINDOW};
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Emitter, Listener, Manager};

/// The app-wide event carrying a [`SyncStatusDto`].
pub const STATUS_EVENT: &str = events::SYNC_STATUS.name;

/// Emits [`STATUS_EVENT`] on every change of the sync status, for the app's lifetime.
pub fn publish_status(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        app.state::<Orrery>()
            .follow_status(|status| {
                if let Err(err) = app.emit(STATUS_EVENT, &status) {
                    tracing::warn!(%err, "the sync status could not be published");
                }
                true
            })
            .await;
    });
}

/// Whether the tray icon was installed: without one, closing the window quits (there would
/// be no way back to the app).
#[derive(Debug, Clone, Copy)]
pub struct TrayPresent(pub bool);

/// Adds the tray icon, if this desktop can show one, and records whether it did
/// ([`TrayPresent`]).
pub fn install(app: &AppHandle) {
    let present = try_install(app);
    app.manage(TrayPresent(present));
}

/// Whether the tray icon is there.
pub fn present(app: &AppHandle) -> bool {
    app.try_state::<TrayPresent>().is_some_and(|t| t.0)
}

/// Closing the window keeps the app running in the tray — syncing and notifying — while
/// notifications are on and the tray is there; the first time, a notification says so.
/// Returns whether the close was turned into hiding.
pub fn keep_running(window: &tauri::Window) -> bool {
    let app = window.app_handle();
    let tray = app.try_state::<TrayPresent>().is_some_and(|t| t.0);
    if window.label() != MAIN_WINDOW
        || !tray
        || !app.state::<Orrery>().prefs().notifications.enabled
    {
        return false;
    }
    if let Err(err) = window.hide() {
        tracing::warn!(%err, "the window could not be hidden; closing it");
        return false;
    }
    tracing::info!("window closed; Orrery goes on in the tray");
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        app.state::<Orrery>().tell_kept_in_tray().await;
    });
    true
}

fn try_install(app: &AppHandle) -> bool {
    // `tray-icon` panics inside its lazy library loading when AppIndicator is missing, and a
    // release build aborts on a panic: look for the library first.
    #[cfg(target_os = "linux")]
    if !crate::appindicator::present() {
        // The end-to-end suite looks for these words (tests/e2e/no_appindicator.rs).
        tracing::warn!(
            "no tray icon: this desktop has no AppIndicator library (libayatana-appindicator3 or libappindicator3); starting without one"
        );
        return false;
    }
    // A library that is there but does not load still panics; builds that unwind catch it.
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build(app)));
    match built {
        Ok(Ok(())) => {
            tracing::info!("tray icon installed");
            true
        }
        Ok(Err(err)) => {
            tracing::warn!(%err, "no tray icon");
            false
        }
        Err(_) => {
            tracing::warn!(
                "no tray icon: building it panicked (its AppIndicator library did not load)"
            );
            false
        }
    }
}

fn build(app: &AppHandle) -> tauri::Result<()> {
    // The words are the window's own (orrery_ipc::words), so the two never disagree.
    let words = lang(app).words();
    let status = MenuItem::with_id(
        app,
        "status",
        words.status_line(&SyncStatusDto::default()),
        false,
        None::<&str>,
    )?;
    let open = MenuItem::with_id(app, "open", words.open_app, true, None::<&str>)?;
    let sync = MenuItem::with_id(app, "sync", words.sync_now, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", words.quit, true, None::<&str>)?;
    let separator = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&status, &separator, &open, &sync, &quit])?;
    let mut tray = TrayIconBuilder::with_id(MAIN_WINDOW)
        .menu(&menu)
        .tooltip("Orrery 星仪")
        .on_menu_event(|app, event| match event.id().as_ref() {
            "open" => show_window(app),
            "sync" => {
                let app = app.clone();
                tauri::async_runtime::spawn(async move {
                    let _ = app.state::<Orrery>().sync_now(NoArgs {}).await;
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
        let words = lang(&handle).words();
        let updated = status
            .set_text(words.status_line(&now))
            .and_then(|()| open.set_text(words.open_app))
            .and_then(|()| sync.set_text(words.sync_now))
            .and_then(|()| quit.set_text(words.quit));
        if let Err(err) = updated {
            tracing::debug!(%err, "tray menu");
        }
    });
    Ok(())
}

/// Brings the window back: from the tray, or when Orrery is launched a second time.
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

/// The language the member chose, else the system's (as the window decides it).
fn lang(app: &AppHandle) -> Lang {
    orrery_core::settings::lang(&app.state::<Orrery>().prefs())
}
