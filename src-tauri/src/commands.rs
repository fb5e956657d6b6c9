//! The commands the UI invokes, one handler per row of `orrery_ipc::with_commands!`.
//!
//! The handlers are generated from that table: a `core` row's handler calls the
//! [`Orrery`] method of the same name, a `shell` row's handler calls the function of the same
//! name below (they need the desktop: a channel to the window, the downloads folder, the file
//! manager, the browser, the tray). Every handler takes its command's `Args` as its one
//! parameter `args` and returns its `Output` or an [`IpcError`], so a command renamed, or an
//! argument or result type changed, in the contract fails to build here and in the UI.

use orrery_core::notify::Target;
use orrery_core::session::Orrery;
use orrery_ipc::commands::{
    ExportArgs, ExportDoneDto, ExportProgressDto, FileArgs, FolderArgs, FolderDto, OpenTargetDto,
    SettingsArgs, SettingsDto, SyncStatusDto, UrlArgs, WatchOpensArgs, WatchSyncArgs,
};
use orrery_ipc::id::{CircleId, CommentId, TopicId};
use orrery_ipc::{ErrorCode, IpcError, NoArgs, events};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use tauri::ipc::JavaScriptChannelId;
use tauri::{AppHandle, Emitter, Manager, State, Webview};
use tauri_plugin_opener::OpenerExt;
use zsxq::rich_text::is_web_url;

/// Generates one `#[tauri::command]` per row of the contract, and [`handler`]. The one
/// parameter is named `args`, which is `orrery_ipc::ARGS`: the name the UI sends.
///
/// Every command answers the main window only. The login window shows a remote page
/// ([`crate::login`]); Tauri already refuses app commands to remote origins, and this keeps any
/// other webview out too, whatever page it shows.
macro_rules! handlers {
    ($($(#[$doc:meta])* $side:ident $name:ident: $ty:ident($args:ty) -> $out:ty;)*) => {
        $( handlers!(@one $side $name($args) -> $out); )*

        /// Every handler, for `tauri::Builder::invoke_handler`.
        pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            let commands: fn(tauri::ipc::Invoke) -> bool = tauri::generate_handler![$($name),*];
            move |invoke| {
                let caller = invoke.message.webview_ref().label().to_owned();
                if caller != events::MAIN_WINDOW {
                    tracing::warn!(%caller, command = invoke.message.command(), "a command from another webview was refused");
                    invoke.resolver.reject("Orrery's commands answer the main window only");
                    return true;
                }
                commands(invoke)
            }
        }
    };
    (@one core $name:ident($args:ty) -> $out:ty) => {
        #[tauri::command]
        pub async fn $name(core: State<'_, Orrery>, args: $args) -> Result<$out, IpcError> {
            core.$name(args).await
        }
    };
    (@one shell $name:ident($args:ty) -> $out:ty) => {
        #[tauri::command]
        pub async fn $name(app: AppHandle, webview: Webview, args: $args) -> Result<$out, IpcError> {
            shell::$name(&app, webview, args).await
        }
    };
}

orrery_ipc::with_commands!(handlers);

/// The `shell` rows of the contract.
mod shell {
    use super::*;

    /// Saves and applies the settings; the tray takes the language with each status, so the
    /// status is published again and a new language shows there at once.
    pub async fn save_settings(
        app: &AppHandle,
        _: Webview,
        args: SettingsArgs,
    ) -> Result<SettingsDto, IpcError> {
        let core = app.state::<Orrery>();
        let saved = core.save_settings(args.settings).await?;
        crate::autostart::apply(app, saved.start_at_login);
        if let Ok(session) = core.session().await {
            let _ = app.emit(events::SYNC_STATUS.name, session.sync_status());
        }
        Ok(saved)
    }

    /// Into the downloads folder, then shown in the file manager: what a browser does with a
    /// download. Without a configured downloads folder (XDG user dirs unset), `~/Downloads`.
    pub async fn save_file(
        app: &AppHandle,
        _: Webview,
        args: FileArgs,
    ) -> Result<String, IpcError> {
        let downloads = app
            .path()
            .download_dir()
            .or_else(|_| app.path().home_dir().map(|home| home.join("Downloads")))
            .map_err(internal)?;
        let saved = app
            .state::<Orrery>()
            .save_file(args.file, &downloads)
            .await?;
        if let Err(err) = app.opener().reveal_item_in_dir(&saved) {
            tracing::warn!(%err, "the saved file could not be shown in the file manager");
        }
        Ok(saved.display().to_string())
    }

    /// Into `Documents/Orrery/` (`~/Documents` when no documents folder is configured),
    /// progress on the window's channel, then shown in the file manager like a download.
    pub async fn export(
        app: &AppHandle,
        webview: Webview,
        args: ExportArgs,
    ) -> Result<ExportDoneDto, IpcError> {
        let channel = JavaScriptChannelId::from_str(&args.on_progress.0)
            .map_err(|_| IpcError::new(ErrorCode::InvalidInput, "not a channel"))?
            .channel_on::<_, ExportProgressDto>(webview);
        let documents = app
            .path()
            .document_dir()
            .or_else(|_| app.path().home_dir().map(|home| home.join("Documents")))
            .map_err(internal)?;
        // A message per 1 % is plenty for a progress bar, and spares the bridge 10,000.
        let mut progress = |p: ExportProgressDto| {
            let step = (p.total / 100).max(1);
            if p.done.is_multiple_of(step) || p.done == p.total {
                let _ = channel.send(p);
            }
        };
        let (out, done) = app
            .state::<Orrery>()
            .export(args.scope, args.format, &documents, &mut progress)
            .await?;
        if !done.cancelled
            && let Err(err) = app.opener().reveal_item_in_dir(&out)
        {
            tracing::warn!(%err, "the export could not be shown in the file manager");
        }
        Ok(done)
    }

    /// Streams the status to the window's channel on every change, across sign-in and
    /// sign-out, until the window goes away (the channel refuses a message).
    pub async fn watch_sync(
        app: &AppHandle,
        webview: Webview,
        args: WatchSyncArgs,
    ) -> Result<(), IpcError> {
        // The UI opens this stream right after it mounts: `cargo xtask bench startup` times
        // launch to first render by this line.
        static CONNECTED: AtomicBool = AtomicBool::new(false);
        if !CONNECTED.swap(true, Ordering::Relaxed) {
            tracing::info!("UI connected");
        }
        let channel = JavaScriptChannelId::from_str(&args.on_status.0)
            .map_err(|_| IpcError::new(ErrorCode::InvalidInput, "not a channel"))?
            .channel_on::<_, SyncStatusDto>(webview);
        app.state::<Orrery>()
            .follow_status(|status| channel.send(status).is_ok())
            .await;
        Ok(())
    }

    /// Streams where each clicked notification leads to the window's channel, after bringing
    /// the window forward, and the files dropped on the window (to import), until the window
    /// goes away.
    pub async fn watch_opens(
        app: &AppHandle,
        webview: Webview,
        args: WatchOpensArgs,
    ) -> Result<(), IpcError> {
        let channel = JavaScriptChannelId::from_str(&args.on_open.0)
            .map_err(|_| IpcError::new(ErrorCode::InvalidInput, "not a channel"))?
            .channel_on::<_, OpenTargetDto>(webview);
        use tokio::sync::broadcast::error::RecvError;
        let mut clicks = app.state::<Orrery>().notification_clicks();
        let mut drops = app.state::<crate::drops::Drops>().subscribe();
        loop {
            let target = tokio::select! {
                click = clicks.recv() => match click {
                    Ok(target) => target,
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return Ok(()),
                },
                drop = drops.recv() => match drop {
                    Ok(paths) => {
                        if channel.send(OpenTargetDto::Import { paths }).is_err() {
                            return Ok(());
                        }
                        continue;
                    }
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return Ok(()),
                },
            };
            crate::tray::show_window(app);
            let open = match target {
                Target::Topic {
                    group_id,
                    topic_id,
                    comment_id,
                } => OpenTargetDto::Topic {
                    circle: CircleId::new(group_id),
                    topic: TopicId::new(topic_id),
                    comment: comment_id.map(CommentId::new),
                },
                Target::Inbox => OpenTargetDto::Inbox,
                Target::App => continue,
            };
            tracing::info!(?open, "a notification was clicked");
            if channel.send(open).is_err() {
                return Ok(());
            }
        }
    }

    pub async fn sign_in_web(
        app: &AppHandle,
        _: Webview,
        _: NoArgs,
    ) -> Result<Option<orrery_ipc::commands::AppInfoDto>, IpcError> {
        crate::login::sign_in_web(app).await
    }

    /// Tauri's `close` asks like the window manager does (`CloseRequested`), so the window goes
    /// to the tray or the app quits exactly as with the close button (`tray::keep_running`).
    pub async fn close_window(app: &AppHandle, _: Webview, _: NoArgs) -> Result<(), IpcError> {
        if let Some(window) = app.get_webview_window(events::MAIN_WINDOW) {
            window.close().map_err(internal)?;
        }
        Ok(())
    }

    /// Only web links leave the app; anything else is refused here whatever the UI sent.
    pub async fn open_external(app: &AppHandle, _: Webview, args: UrlArgs) -> Result<(), IpcError> {
        if !is_web_url(&args.url) {
            return Err(IpcError::new(
                ErrorCode::InvalidInput,
                "only web links can be opened",
            ));
        }
        app.opener()
            .open_url(args.url.trim(), None::<&str>)
            .map_err(internal)
    }

    pub async fn open_folder(
        app: &AppHandle,
        _: Webview,
        args: FolderArgs,
    ) -> Result<(), IpcError> {
        let data_dir = app.state::<Orrery>().data_dir().clone();
        let path = match args.folder {
            FolderDto::Data => data_dir.root().to_owned(),
            FolderDto::Logs => data_dir.logs(),
        };
        std::fs::create_dir_all(&path).map_err(internal)?;
        app.opener()
            .open_path(path.display().to_string(), None::<&str>)
            .map_err(internal)
    }

    fn internal(err: impl std::fmt::Display) -> IpcError {
        IpcError::new(ErrorCode::Internal, err.to_string())
    }
}
