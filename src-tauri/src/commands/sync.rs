//! The status bar: where the sync stands, streamed; sync now; cancel.

use super::{Reply, ipc_command, open_archive};
use crate::state::AppState;
use orrery_ipc::commands::{self as ipc, SyncStatusDto};
use tauri::State;
use tauri::ipc::Channel;

ipc_command!(sync_status => ipc::SyncStatus);
#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Reply<ipc::SyncStatus> {
    Ok(open_archive(&state).await?.sync_status())
}

ipc_command!(sync_now => ipc::SyncNow);
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> Reply<ipc::SyncNow> {
    open_archive(&state).await?.schedule.sync_now();
    Ok(())
}

ipc_command!(cancel_sync => ipc::CancelSync);
#[tauri::command]
pub async fn cancel_sync(state: State<'_, AppState>) -> Reply<ipc::CancelSync> {
    open_archive(&state).await?.schedule.cancel_run();
    Ok(())
}

ipc_command!(watch_sync => ipc::WatchSync);
/// Streams the status to `on_status` on every change, across sign-in and sign-out, until the
/// window that asked goes away (the channel refuses a message).
#[tauri::command]
pub async fn watch_sync(
    state: State<'_, AppState>,
    on_status: Channel<SyncStatusDto>,
) -> Reply<ipc::WatchSync> {
    state
        .follow_status(|status| on_status.send(status).is_ok())
        .await;
    Ok(())
}
