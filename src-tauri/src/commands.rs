//! The commands the UI invokes: thin adapters from the `orrery-ipc` contract to the core.
//!
//! Each handler is declared through [`ipc_command!`], which checks at compile time that the
//! handler's name is the [`orrery_ipc::Command::NAME`] of the contract type it implements.

use crate::state::AppState;
use orrery_ipc::{Command, IpcError, commands as ipc};
use tauri::State;

/// Asserts at compile time that a handler's function name is its contract's command name.
macro_rules! ipc_command {
    ($handler:ident => $contract:ty) => {
        const _: () = assert!(
            orrery_ipc::same_name(stringify!($handler), <$contract as Command>::NAME),
            concat!(
                "handler `",
                stringify!($handler),
                "` is not named after its orrery-ipc command"
            )
        );
    };
}

/// Every handler, for `tauri::Builder::invoke_handler`.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![app_info]
}

ipc_command!(app_info => ipc::AppInfo);
#[tauri::command]
async fn app_info(
    state: State<'_, AppState>,
) -> Result<<ipc::AppInfo as Command>::Output, IpcError> {
    state.note_ui_connected();
    Ok(ipc::AppInfoDto {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.root().display().to_string(),
        mode: state.mode,
    })
}
