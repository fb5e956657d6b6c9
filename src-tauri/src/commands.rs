//! The commands the UI invokes: thin adapters from the `orrery-ipc` contract to the core.
//!
//! Each handler is declared through [`ipc_command!`], which checks at compile time that the
//! handler's name is the [`orrery_ipc::Command::NAME`] of the contract type it implements.

use crate::state::AppState;
use orrery_core::store::StoreError;
use orrery_ipc::{Command, ErrorCode, IpcError, commands as ipc};
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
    tauri::generate_handler![app_info, archive_overview]
}

ipc_command!(app_info => ipc::AppInfo);
#[tauri::command]
async fn app_info(
    state: State<'_, AppState>,
) -> Result<<ipc::AppInfo as Command>::Output, IpcError> {
    state.note_ui_connected();
    let archive = state.archive().await;
    let archive = archive.as_ref().as_ref().map_err(|msg| unavailable(msg))?;
    Ok(ipc::AppInfoDto {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.root().display().to_string(),
        mode: archive.mode,
    })
}

ipc_command!(archive_overview => ipc::ArchiveOverview);
#[tauri::command]
async fn archive_overview(
    state: State<'_, AppState>,
) -> Result<<ipc::ArchiveOverview as Command>::Output, IpcError> {
    let archive = state.archive().await;
    let archive = archive.as_ref().as_ref().map_err(|msg| unavailable(msg))?;
    let store_error = |err: StoreError| IpcError::new(ErrorCode::Internal, err.to_string());
    let circles = archive.store.circles().await.map_err(store_error)?;
    let counts = archive.store.counts().await.map_err(store_error)?;
    let mut dtos = Vec::with_capacity(circles.len());
    for circle in circles {
        let id = circle.group_id.to_string();
        let count = counts.circles.iter().find(|c| c.group_id == id);
        let states = archive
            .store
            .sync_states(circle.group_id)
            .await
            .map_err(store_error)?;
        dtos.push(ipc::CircleDto {
            expired: states.iter().any(|s| s.expired),
            topics: count.map_or(0, |c| c.topics),
            comments: count.map_or(0, |c| c.comments),
            name: circle.name,
            id,
        });
    }
    Ok(ipc::ArchiveOverviewDto {
        sync: archive.sync_state(),
        circles: dtos,
    })
}

fn unavailable(message: &str) -> IpcError {
    IpcError::new(ErrorCode::Unavailable, message.to_owned())
}
