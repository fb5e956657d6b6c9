//! The window never leaves the app.
//!
//! The window has no address bar, so a remote page loaded into it would look like Orrery: a
//! perfect place to ask for the member's token. Links in posts already open in the system
//! browser through the UI (`keep_links_outside` in `ui/src/app.rs`), but a page can navigate in
//! other ways: WebKit's context menu offers "Open Link" on any link, and a script, a form or a
//! `<meta refresh>` could set `location`. This plugin is the one rule under all of them: every
//! navigation of every webview is checked here, only the app's own pages load, and a web link
//! (http or https) goes to the system browser instead, as a click on it would. Anything else
//! (`file:`, `media:`, `javascript:`, `data:`) goes nowhere.
//!
//! The one exception is the login window ([`crate::login`]), which shows the service's own
//! sign-in pages: there the rule is [`LoginRules`], and the app's own pages are refused.

use crate::login::{LOGIN_WINDOW, LoginRules};
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Manager, Runtime, Url};
use tauri_plugin_opener::OpenerExt;

/// The guard, as a plugin so it covers the windows `tauri.conf.json` creates.
pub fn guard<R: Runtime>() -> TauriPlugin<R> {
    Builder::new("navigation-guard")
        .on_navigation(|webview, url| {
            let dev_url = if tauri::is_dev() {
                webview.config().build.dev_url.clone()
            } else {
                None
            };
            // The login window shows the service's sign-in pages and nothing else (not even
            // the app's own pages: a remote page must not load them into its window).
            let allowed = if webview.label() == LOGIN_WINDOW {
                webview.state::<LoginRules>().may_show(url)
            } else {
                stays_in_app(url, dev_url.as_ref())
            };
            if allowed {
                return true;
            }
            if is_web(url) {
                tracing::info!(
                    host = url.host_str().unwrap_or_default(),
                    "a navigation away from the app goes to the system browser"
                );
                if let Err(err) = webview.opener().open_url(url.as_str(), None::<&str>) {
                    tracing::warn!(%err, "the system browser could not be opened");
                }
            } else {
                tracing::warn!(
                    scheme = url.scheme(),
                    "a navigation away from the app was refused"
                );
            }
            false
        })
        .build()
}

/// Whether `url` is one of the app's own pages: `tauri://localhost` (Linux, macOS),
/// `http(s)://tauri.localhost` (Windows), or in a development build Trunk's dev server.
fn stays_in_app(url: &Url, dev_url: Option<&Url>) -> bool {
    let host = url.host_str();
    match url.scheme() {
        "tauri" => host == Some("localhost"),
        "http" | "https" if host == Some("tauri.localhost") => true,
        _ => dev_url.is_some_and(|dev| dev.origin() == url.origin()),
    }
}

fn is_web(url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https") && url.host_str().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("a URL")
    }

    #[test]
    fn only_the_apps_own_pages_stay_in_the_window() {
        for own in [
            "tauri://localhost/",
            "tauri://localhost/index.html#/settings",
            "http://tauri.localhost/",
            "https://tauri.localhost/index.html",
        ] {
            assert!(stays_in_app(&url(own), None), "{own}");
        }
        for foreign in [
            "https://wx.zsxq.com/dweb2/login",
            "http://127.0.0.1:1420/",
            "https://tauri.localhost.evil.example/",
            "https://evil.example/?tauri.localhost",
            "tauri://evil.example/",
            "file:///etc/passwd",
            "media://localhost/image/1",
            "data:text/html,<h1>session expired</h1>",
            "javascript:alert(1)",
            "about:blank",
        ] {
            assert!(!stays_in_app(&url(foreign), None), "{foreign}");
        }
        // A development build also loads Trunk's dev server, and only that origin.
        let dev = url("http://127.0.0.1:1420");
        assert!(stays_in_app(
            &url("http://127.0.0.1:1420/index.html"),
            Some(&dev)
        ));
        assert!(!stays_in_app(&url("http://127.0.0.1:8080/"), Some(&dev)));
    }

    #[test]
    fn web_links_go_to_the_browser_and_nothing_else_does() {
        assert!(is_web(&url("https://wx.zsxq.com/group/1")));
        assert!(is_web(&url("http://example.com")));
        for not_web in [
            "file:///tmp/x",
            "javascript:alert(1)",
            "mailto:a@b.c",
            "data:,x",
        ] {
            assert!(!is_web(&url(not_web)), "{not_web}");
        }
    }
}
