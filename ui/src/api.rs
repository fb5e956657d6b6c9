//! The only place that calls into Tauri.
//!
//! [`invoke`] takes an `orrery-ipc` [`Command`], so a command's name, arguments and result type
//! come from the contract the shell implements. Every failure, from the shell or from the bridge
//! itself, arrives as an [`IpcError`].

use orrery_ipc::{Command, ErrorCode, IpcError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `app.withGlobalTauri` exposes the bridge as `window.__TAURI__`.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

/// Invokes `C` on the shell and decodes its result.
pub async fn invoke<C: Command>(args: &C::Args) -> Result<C::Output, IpcError> {
    let args = serde_wasm_bindgen::to_value(args)
        .map_err(|e| bridge_error(format!("cannot encode arguments: {e}")))?;
    match tauri_invoke(C::NAME, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| bridge_error(format!("unexpected answer to {}: {e}", C::NAME))),
        // Command errors are `{code, message}`; anything else means the bridge itself failed,
        // for instance when the page runs outside the app.
        Err(value) => Err(serde_wasm_bindgen::from_value(value.clone())
            .unwrap_or_else(|_| bridge_error(format!("{} failed: {value:?}", C::NAME)))),
    }
}

fn bridge_error(message: String) -> IpcError {
    IpcError::new(ErrorCode::Ipc, message)
}
