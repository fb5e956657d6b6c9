//! Start at login (opt-in in Settings) through tauri-plugin-autostart: a login item on macOS,
//! the Run key on Windows, `~/.config/autostart/` on Linux. Started that way the app passes
//! [`FLAG`] and stays in the tray instead of opening its window: the member asked for the
//! background sync and its notifications, not for a window at every login.

use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;

/// The argument the login item starts the app with.
pub const FLAG: &str = "--autostart";

/// The plugin, registering the login item with [`FLAG`].
pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_autostart::Builder::new().arg(FLAG).build()
}

/// Whether this process was started at login.
pub fn at_login() -> bool {
    std::env::args().any(|a| a == FLAG)
}

/// Registers or removes the login item to match the setting; a failure is logged (the setting
/// stays as chosen and is applied again at the next save).
pub fn apply(app: &AppHandle, wanted: bool) {
    let launcher = app.autolaunch();
    let result = match (wanted, launcher.is_enabled()) {
        (true, Ok(false)) | (true, Err(_)) => launcher.enable(),
        (false, Ok(true)) => launcher.disable(),
        _ => Ok(()),
    };
    if let Err(err) = result {
        tracing::warn!(%err, wanted, "the login item could not be changed");
    }
}
