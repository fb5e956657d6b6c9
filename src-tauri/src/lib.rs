//! `orrery`: the desktop shell of Orrery (星仪).
//!
//! A Tauri 2 window hosting the Leptos UI from `ui/`. This crate holds no business logic: it sets
//! up logging, the plugins (single instance, remembered window state, opener, the
//! [`navigation`] guard that keeps every foreign page out of the window), the `media:`
//! protocol serving cached images ([`media`]), WebKit's compositing on machines without a GPU
//! (`render`, Linux), the tray and the app-wide sync status event ([`tray`]), manages the
//! core's [`Orrery`] (which opens the account's session, or the demo's, and swaps them on
//! sign-in and sign-out), and exposes the [`commands`] generated from the `orrery-ipc`
//! contract. The [`login`] window shows the service's own sign-in page, the one remote page the
//! app ever shows. The demo's simulator starts here ([`demo`], behind the default `demo` feature).

#[cfg(target_os = "linux")]
mod appindicator;
mod autostart;
mod commands;
#[cfg(feature = "demo")]
mod demo;
mod drops;
mod login;
mod media;
mod navigation;
#[cfg(target_os = "linux")]
mod render;
mod tray;

use orrery_core::logging::{self, LogGuard, LogSetup};
use orrery_core::paths::DataDir;
use orrery_core::session::Orrery;
use tauri::Manager;

/// Builds and runs the app until its last window closes.
pub fn run() {
    let _logs = init_tracing();
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
        .plugin(navigation::guard())
        .plugin(autostart::plugin())
        .register_asynchronous_uri_scheme_protocol(media::SCHEME, media::serve)
        .setup(|app| {
            let data_dir = DataDir::open(DataDir::default_location()?)?;
            tracing::info!(data_dir = %data_dir.root().display(), "Orrery starting");
            #[cfg(feature = "demo")]
            let fallback = Some(demo::fallback());
            #[cfg(not(feature = "demo"))]
            let fallback = None;
            app.manage(Orrery::new(data_dir, fallback));
            tray::publish_status(app.handle());
            tray::install(app.handle());
            // Started at login: the tray only, when there is one to come back through.
            if autostart::at_login()
                && tray::present(app.handle())
                && let Some(window) = app.get_webview_window(orrery_ipc::events::MAIN_WINDOW)
            {
                let _ = window.hide();
            }
            #[cfg(target_os = "linux")]
            render::adapt(app.handle());
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                // A failure is logged there and shown by the window through every command.
                let _ = handle.state::<Orrery>().start().await;
            });
            Ok(())
        })
        .manage(drops::Drops::new())
        .manage(login::LoginRules::default())
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::CloseRequested { api, .. } if tray::keep_running(window) => {
                api.prevent_close();
            }
            tauri::WindowEvent::DragDrop(drop) => window.state::<drops::Drops>().hear(drop),
            _ => {}
        })
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(|app, event| {
                if let tauri::RunEvent::Exit = event {
                    app.state::<Orrery>().stop();
                }
            })
        });
    if let Err(err) = result {
        tracing::error!(%err, "Orrery stopped with an error");
        std::process::exit(1);
    }
}

/// Logs to stderr and to `logs/` in the default data folder (the one `setup` opens).
fn init_tracing() -> LogGuard {
    let folder = DataDir::default_location()
        .ok()
        .map(|root| root.join("logs"));
    logging::init(LogSetup {
        folder: folder.as_deref(),
        name: "orrery",
        env_var: "ORRERY_LOG",
        stderr_level: "info",
    })
}

#[cfg(test)]
mod tests {
    use orrery_ipc::events::MAIN_WINDOW;
    use orrery_ipc::media::MediaRef;

    /// The window's label and the media origins live in JSON files that cannot name the
    /// contract's constants: this keeps them alike.
    #[test]
    fn the_config_names_the_main_window_and_allows_the_media_origins() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../../tauri.conf.json")).expect("tauri.conf.json");
        assert_eq!(conf["app"]["windows"][0]["label"], MAIN_WINDOW);
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../capabilities/main.json")).expect("capability");
        assert_eq!(capability["windows"], serde_json::json!([MAIN_WINDOW]));
        let img_src = conf["app"]["security"]["csp"]["img-src"]
            .as_str()
            .expect("an img-src");
        for windows in [false, true] {
            let url = MediaRef::Image(orrery_ipc::id::ImageId::new(1)).url(windows);
            let allowed = img_src
                .split_whitespace()
                .any(|source| source != "'self'" && url.starts_with(source));
            assert!(allowed, "{url} is not allowed by img-src {img_src}");
        }
    }
}
