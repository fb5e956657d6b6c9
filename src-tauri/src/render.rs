//! How the window's WebKit draws on Linux.
//!
//! WebKitGTK composites the page with OpenGL. Without a GPU, that OpenGL is Mesa's software
//! rasterizer (llvmpipe), and compositing through it costs more than drawing the page directly
//! on the CPU: on a 2-core VM without a GPU, `cargo xtask bench ui` measured keystroke to search
//! results painted at p95 98 → 45 ms and frames while scrolling at p50 49 → 12 ms with
//! compositing off (docs/BENCHMARKS.md). So when the machine has no GPU render node, the window
//! draws without accelerated compositing. WebKit's own variables
//! (`WEBKIT_DISABLE_COMPOSITING_MODE`, `WEBKIT_FORCE_COMPOSITING_MODE`) still decide when set.

use orrery_ipc::events::MAIN_WINDOW;
use tauri::{AppHandle, Manager};

/// Turns accelerated compositing off for the main window when no GPU can do it.
pub fn adapt(app: &AppHandle) {
    let chosen = [
        "WEBKIT_DISABLE_COMPOSITING_MODE",
        "WEBKIT_FORCE_COMPOSITING_MODE",
    ]
    .iter()
    .any(|var| std::env::var_os(var).is_some());
    if chosen || has_render_node() {
        return;
    }
    let Some(window) = app.get_webview_window(MAIN_WINDOW) else {
        return;
    };
    let applied = window.with_webview(|webview| {
        use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
        if let Some(settings) = webview.inner().settings() {
            settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
        }
    });
    match applied {
        Ok(()) => tracing::info!("no GPU render node: drawing without accelerated compositing"),
        Err(err) => tracing::warn!(%err, "could not set the window's compositing"),
    }
}

/// Whether a GPU (or a virtual one) is there to render with: a DRM render node.
fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|nodes| {
        nodes
            .flatten()
            .any(|node| node.file_name().to_string_lossy().starts_with("renderD"))
    })
}
