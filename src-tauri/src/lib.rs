//! `orrery`: the desktop shell of Orrery (星仪).
//!
//! A Tauri 2 window hosting the Leptos UI from `ui/`. This crate holds no business logic: it sets
//! up logging, the plugins (single instance, remembered window state, opener), the `media:`
//! protocol serving cached images ([`media`]), WebKit's compositing on machines without a GPU
//! (`render`, Linux), the tray and the app-wide sync status event
//! ([`tray`]) and the [`state::AppState`] of core handles,
//! starts the [`archive::Archive`] (the account's, or the demo) with its scheduled sync, and
//! exposes thin async [`commands`] typed by the `orrery-ipc` contract.

mod archive;
mod commands;
mod media;
#[cfg(target_os = "linux")]
mod render;
mod state;
mod tray;

use state::AppState;
use tauri::Manager;

/// Builds and runs the app until its last window closes.
pub fn run() {
    init_tracing();
    let result = tauri::Builder::default()
        // First, so that a second launch focuses the running window instead of opening a second
        // archive writer on the same data directory.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tray::show_window(app);
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Used from Rust only (links and folders go through Orrery's own checked commands);
        // the window is granted none of its permissions.
        .plugin(tauri_plugin_opener::init())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::serve)
        .setup(|app| {
            let state = AppState::open()?;
            tracing::info!(data_dir = %state.data_dir.root().display(), "Orrery starting");
            app.manage(state);
            tray::publish_status(app.handle());
            tray::install(app.handle());
            #[cfg(target_os = "linux")]
            render::adapt(app.handle());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let state = handle.state::<AppState>();
                let prefs = state.prefs();
                // A failure is logged there and shown by the window through every command.
                let _ = state
                    .replace_archive(archive::Archive::start(&state.data_dir, &prefs))
                    .await;
            });
            Ok(())
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(|app, event| {
                if let tauri::RunEvent::Exit = event {
                    app.state::<AppState>().stop_sync();
                }
            })
        });
    if let Err(err) = result {
        tracing::error!(%err, "Orrery stopped with an error");
        std::process::exit(1);
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("ORRERY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    // A second initialisation (tests) is harmless, so its error is ignored.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
