//! The desktop's own notification service, through notify-rust: org.freedesktop.Notifications
//! over D-Bus on Linux and the BSDs, Notification Center on macOS, toasts on Windows.
//!
//! Why notify-rust and not tauri-plugin-notification: the plugin cannot report a click on the
//! desktop, and the CLI has no Tauri. On Linux every notification declares the `default`
//! action (what a click on its body invokes), and a task waits for its `ActionInvoked` signal
//! and reports the click on [`Desktop::clicks`]; the shell brings the window up at the target.
//! Limits, written down in docs/notifications.md: on Wayland the compositor may refuse to
//! focus the window a click raised (it then asks for attention instead); macOS and Windows show
//! the notification, and a click there activates the app (the single instance comes forward)
//! without the topic — notify-rust reports no click response on those systems.
//!
//! No notification service (no daemon on the bus, no bus, notifications denied): logged once
//! per streak, never an error for the caller; the inbox keeps everything.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::broadcast;

use super::compose::{Target, Toast};

/// The name notifications are shown under.
pub const APP_NAME: &str = "Orrery";
/// The desktop entry (Linux: `orrery.desktop`), so the system attributes notifications to the
/// app and not to a terminal. On Windows the AppUserModelID is the bundle identifier
/// ([`crate::paths::APP_IDENTIFIER`]): Tauri's installers stamp it on the shortcuts they make,
/// and a toast under any other id would be attributed to PowerShell.
pub const APP_ID: &str = "orrery";
/// Clicks buffered for a slow listener.
const CLICK_BUFFER: usize = 16;
/// Notifications whose click is still waited for, at most: each wait holds a D-Bus connection
/// until the notification closes, which a desktop that keeps notifications in a tray may never
/// do. Past this many, the oldest stops being clickable (its topic is in the inbox).
#[cfg(all(unix, not(target_os = "macos")))]
const MAX_WAITING: usize = 32;
/// How long a click is waited for at most, for the same reason.
#[cfg(all(unix, not(target_os = "macos")))]
const WAIT_AT_MOST: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// Shows notifications and reports clicks. One per process.
#[derive(Debug)]
pub struct Desktop {
    clicks: broadcast::Sender<Target>,
    /// Whether the last attempt failed, so a missing service is logged once, not every time.
    failing: AtomicBool,
    /// Whether the service renders markup in bodies (asked once): then `<`, `>` and `&` in
    /// remote text must be escaped, or a post could style (or hide) the text.
    markup: Mutex<Option<bool>>,
    /// Whether clicks are waited for: the app handles them; a headless watcher has no window.
    clickable: bool,
    /// The waits for clicks, oldest first (see [`MAX_WAITING`]).
    #[cfg(all(unix, not(target_os = "macos")))]
    waiting: Mutex<std::collections::VecDeque<tokio::task::AbortHandle>>,
}

impl Desktop {
    /// A desktop whose notifications open the window when clicked (`clickable`), or that only
    /// informs (the CLI).
    pub fn new(clickable: bool) -> Self {
        Self {
            clicks: broadcast::channel(CLICK_BUFFER).0,
            failing: AtomicBool::new(false),
            markup: Mutex::new(None),
            clickable,
            #[cfg(all(unix, not(target_os = "macos")))]
            waiting: Mutex::default(),
        }
    }

    /// Clicks on notifications, as where they lead.
    pub fn clicks(&self) -> broadcast::Receiver<Target> {
        self.clicks.subscribe()
    }

    /// Shows `toast`; `false` (logged once per streak) when the system would not.
    pub async fn show(&self, toast: &Toast) -> bool {
        match self.try_show(toast).await {
            Ok(()) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!("desktop notifications work again");
                }
                true
            }
            Err(err) => {
                if !self.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(error = %err, "desktop notifications are unavailable; the inbox keeps every event");
                }
                false
            }
        }
    }

    #[cfg(all(unix, not(target_os = "macos")))]
    async fn try_show(&self, toast: &Toast) -> Result<(), notify_rust::error::Error> {
        use notify_rust::{Hint, Notification, NotificationResponse};

        let markup = self.markup().await;
        let mut note = Notification::new();
        note.appname(APP_NAME)
            .summary(&toast.summary)
            .body(&escape(&toast.body, markup))
            .icon(APP_ID)
            .hint(Hint::DesktopEntry(APP_ID.to_owned()))
            .hint(Hint::Category("im.received".to_owned()));
        if self.clickable {
            // The label is what servers that show buttons for actions print; most show none
            // for `default` and invoke it on a click on the body.
            note.action("default", "Open");
        }
        let handle = note.show_async().await?;
        if self.clickable {
            let clicks = self.clicks.clone();
            let target = toast.target;
            let wait = tokio::spawn(async move {
                let answered = handle.wait_for_action_async(|response| {
                    tracing::debug!(?response, "notification answered");
                    if matches!(response, NotificationResponse::Default)
                        || matches!(response, NotificationResponse::Action(a) if a == "default")
                    {
                        let _ = clicks.send(target);
                    }
                });
                let _ = tokio::time::timeout(WAIT_AT_MOST, answered).await;
            });
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            waiting.retain(|w| !w.is_finished());
            waiting.push_back(wait.abort_handle());
            if waiting.len() > MAX_WAITING
                && let Some(oldest) = waiting.pop_front()
            {
                oldest.abort();
            }
        }
        Ok(())
    }

    #[cfg(not(all(unix, not(target_os = "macos"))))]
    async fn try_show(&self, toast: &Toast) -> Result<(), notify_rust::error::Error> {
        let mut note = notify_rust::Notification::new();
        note.appname(APP_NAME)
            .summary(&toast.summary)
            .body(&toast.body);
        #[cfg(target_os = "windows")]
        note.app_id(crate::paths::APP_IDENTIFIER);
        // Showing blocks on macOS and Windows.
        tokio::task::spawn_blocking(move || note.show().map(drop))
            .await
            .unwrap_or(Ok(()))
    }

    /// Whether the service renders body markup; asked once, assumed when it cannot be asked.
    #[cfg(all(unix, not(target_os = "macos")))]
    async fn markup(&self) -> bool {
        if let Some(known) = *self.markup.lock().unwrap_or_else(|e| e.into_inner()) {
            return known;
        }
        let asked = tokio::task::spawn_blocking(notify_rust::get_capabilities).await;
        let markup = match asked {
            Ok(Ok(capabilities)) => capabilities.iter().any(|c| c == "body-markup"),
            // Unknown: escaping is the safe side (a literal `&lt;` beats a hidden text).
            _ => return true,
        };
        *self.markup.lock().unwrap_or_else(|e| e.into_inner()) = Some(markup);
        markup
    }
}

/// Escapes the characters body markup gives meaning to, when the service renders markup.
fn escape(text: &str, markup: bool) -> String {
    if !markup {
        return text.to_owned();
    }
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_only_where_it_would_be_rendered() {
        let hostile = "<b>先看</b> & <a href=\"x\">这里</a>";
        assert_eq!(escape(hostile, false), hostile);
        assert_eq!(
            escape(hostile, true),
            "&lt;b&gt;先看&lt;/b&gt; &amp; &lt;a href=\"x\"&gt;这里&lt;/a&gt;"
        );
    }
}
