//! The login window: the service's own sign-in page (its WeChat QR code) in a window of its own,
//! so that signing in needs no developer tools.
//!
//! The page is remote content, and the only remote page the app ever shows:
//! - its window keeps its webview data (cookies, storage, cache) in a folder of its own
//!   (`login-webview/` in the data folder), apart from the main window's, and that folder is
//!   cleared and deleted after the sign-in;
//! - no capability names the window, Tauri refuses Orrery's commands to remote origins, and
//!   Orrery's commands answer only the main window ([`crate::commands::handler`]): the page
//!   cannot reach the app;
//! - it may show only the pages of the service's sign-in ([`WebLogin::may_show`]); a link
//!   elsewhere opens in the system browser ([`crate::navigation`]).
//!
//! Once the page has signed in, the shell reads the `zsxq_access_token` cookie (httpOnly: page
//! script cannot read it, the host can) for the service's address, and the core checks it with
//! the service and keeps it in the keyring like a pasted token.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use orrery_core::account::{WebLogin, forget_login_webview, login_webview_dir};
use orrery_core::session::Orrery;
use orrery_ipc::commands::AppInfoDto;
use orrery_ipc::{ErrorCode, IpcError};
use tauri::{AppHandle, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};
use tokio::sync::watch;
use zsxq::client::AccessToken;

/// The login window's label.
pub const LOGIN_WINDOW: &str = "login";

/// How often the cookie store is looked at while the page is open: a scan feels instant at
/// this pace, and each look is one call into WebKit.
const POLL: Duration = Duration::from_millis(400);

/// The sign-in in progress, for the navigation guard: where the login window may go.
#[derive(Default)]
pub struct LoginRules(Mutex<Option<WebLogin>>);

impl LoginRules {
    fn set(&self, login: Option<WebLogin>) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = login;
    }

    /// Whether the login window may show `url` (nothing while no sign-in is in progress).
    pub fn may_show(&self, url: &Url) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|login| login.may_show(url))
    }
}

/// Opens the login window and waits: once the page has signed in, the app is switched to the
/// account and its info is the answer; closed before that, the answer is `None`. A second call
/// while the window is open brings it forward and answers `None`.
pub async fn sign_in_web(app: &AppHandle) -> Result<Option<AppInfoDto>, IpcError> {
    if let Some(open) = app.get_webview_window(LOGIN_WINDOW) {
        let _ = open.set_focus();
        return Ok(None);
    }
    let core = app.state::<Orrery>();
    let login = core.web_login()?;
    app.state::<LoginRules>().set(Some(login.clone()));
    let (closed_tx, mut closed) = watch::channel(false);
    let window = open_window(app, &login).inspect_err(|_| app.state::<LoginRules>().set(None))?;
    window.on_window_event(move |event| {
        if matches!(event, tauri::WindowEvent::Destroyed) {
            let _ = closed_tx.send(true);
        }
    });
    tracing::info!(
        host = login.page().host_str().unwrap_or_default(),
        "login window opened"
    );

    let outcome = loop {
        tokio::select! {
            _ = closed.wait_for(|closed| *closed) => break Ok(None),
            () = tokio::time::sleep(POLL) => {}
        }
        if let Some(token) = token_cookie(&window, &login).await {
            tracing::info!("the login page signed in; checking the token with the service");
            break core.sign_in_with(token).await.map(Some);
        }
    };
    forget(app, &window, &login).await;
    app.state::<LoginRules>().set(None);
    outcome
}

fn open_window(app: &AppHandle, login: &WebLogin) -> Result<WebviewWindow, IpcError> {
    let data = login_webview_dir(app.state::<Orrery>().data_dir());
    let title = orrery_core::settings::lang(&app.state::<Orrery>().prefs())
        .words()
        .login_window_title;
    WebviewWindowBuilder::new(
        app,
        LOGIN_WINDOW,
        WebviewUrl::External(login.page().clone()),
    )
    .title(title)
    .inner_size(520.0, 680.0)
    .center()
    .data_directory(data)
    // Nothing of the page on disk at all where the platform allows (WebKitGTK: an ephemeral
    // context of its own). Under WebDriver a persistent context outlived the window and went
    // on writing cache records into the folder after it was deleted.
    .incognito(true)
    .build()
    .map_err(|err| IpcError::new(ErrorCode::Internal, format!("the login window: {err}")))
}

/// The token among the login page's cookies for the service's address, if it has signed in.
async fn token_cookie(window: &WebviewWindow, login: &WebLogin) -> Option<AccessToken> {
    let window = window.clone();
    let url = login.cookie_url().clone();
    // A call into the webview that waits for the main thread: off the async workers.
    let cookies = tauri::async_runtime::spawn_blocking(move || window.cookies_for_url(url))
        .await
        .ok()?
        .inspect_err(|err| tracing::debug!(%err, "the login window's cookies could not be read"))
        .ok()?;
    WebLogin::token_in(cookies.iter().map(|c| (c.name(), c.value())))
}

/// Clears the login window's cookies and storage, closes it and deletes its folder: the token
/// is in the keyring now (or was refused), and nowhere else.
async fn forget(app: &AppHandle, window: &WebviewWindow, login: &WebLogin) {
    if let Err(err) = window.clear_all_browsing_data() {
        tracing::warn!(%err, "the login window's data could not be cleared");
    }
    // Clearing is asynchronous in WebKit: wait until the cookie store no longer has a token
    // before the window (and with it the web context) goes away.
    for _ in 0..25 {
        if token_cookie(window, login).await.is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = window.destroy();
    // Back to the window that asked, which now shows the account (or the error).
    if let Some(main) = app.get_webview_window(orrery_ipc::events::MAIN_WINDOW) {
        let _ = main.set_focus();
    }
    // WebKit's network process may still write as the context closes (seen: files appearing
    // again after a first deletion), so the folder is deleted until it stays gone.
    let dir = app.state::<Orrery>().data_dir().clone();
    for _ in 0..10 {
        tokio::time::sleep(Duration::from_millis(300)).await;
        match forget_login_webview(&dir) {
            Ok(false) => break,
            Ok(true) => {}
            Err(err) => {
                tracing::warn!(%err, "the login window's folder could not be deleted");
                return;
            }
        }
    }
    tracing::info!("login window closed and its data deleted");
}
