//! The commands the UI invokes: thin adapters from the `orrery-ipc` contract to the core.
//!
//! Each handler is declared through [`ipc_command!`], which checks at compile time that the
//! handler's name is the [`orrery_ipc::Command::NAME`] of the contract type it implements.
//! [`reading`] serves the reading screens, [`sync`] the status bar, [`account`] sign-in,
//! settings and the app's folders.

mod account;
mod reading;
mod sync;

use crate::archive::Archive;
use crate::state::AppState;
use orrery_ipc::{ErrorCode, IpcError};
use std::sync::Arc;

/// Asserts at compile time that a handler's function name is its contract's command name.
macro_rules! ipc_command {
    ($handler:ident => $contract:ty) => {
        const _: () = assert!(
            orrery_ipc::same_name(
                stringify!($handler),
                <$contract as orrery_ipc::Command>::NAME
            ),
            concat!(
                "handler `",
                stringify!($handler),
                "` is not named after its orrery-ipc command"
            )
        );
    };
}
use ipc_command;

/// The result type of the handler for contract `C`.
type Reply<C> = Result<<C as orrery_ipc::Command>::Output, IpcError>;

/// Every handler, for `tauri::Builder::invoke_handler`.
pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        account::app_info,
        account::sign_in,
        account::sign_out,
        account::get_settings,
        account::save_settings,
        account::open_folder,
        account::open_external,
        reading::archive_overview,
        reading::timeline,
        reading::circle_filters,
        reading::mark_circle_read,
        reading::open_topic,
        reading::save_file,
        reading::search,
        sync::sync_status,
        sync::sync_now,
        sync::cancel_sync,
        sync::watch_sync,
    ]
}

/// The open archive, or why there is none.
async fn open_archive(state: &AppState) -> Result<Arc<Archive>, IpcError> {
    state
        .archive()
        .await
        .map_err(|msg| IpcError::new(ErrorCode::Unavailable, msg))
}

fn internal(err: impl std::fmt::Display) -> IpcError {
    IpcError::new(ErrorCode::Internal, err.to_string())
}
