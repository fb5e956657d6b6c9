//! The account, the settings and the app's ways out: sign-in and sign-out, preferences,
//! folders in the file manager, links in the browser.

use super::{Reply, internal, ipc_command, open_archive};
use crate::archive::Archive;
use crate::state::AppState;
use orrery_core::account::{Account, AccountError};
use orrery_core::now_ms;
use orrery_ipc::commands::{self as ipc, FolderDto, SettingsDto};
use orrery_ipc::{ErrorCode, IpcError};
use tauri::{AppHandle, Emitter, State};
use tauri_plugin_opener::OpenerExt;
use zsxq::client::AccessToken;
use zsxq::rich_text::is_web_url;

ipc_command!(app_info => ipc::AppInfo);
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Reply<ipc::AppInfo> {
    state.note_ui_connected();
    let archive = open_archive(&state).await?;
    Ok(info(&state, &archive))
}

fn info(state: &AppState, archive: &Archive) -> ipc::AppInfoDto {
    let expiry = archive.account.as_ref().and_then(|a| a.expiry());
    ipc::AppInfoDto {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        data_dir: state.data_dir.root().display().to_string(),
        mode: archive.mode,
        expires_ms: expiry.map(|e| {
            now_ms().saturating_add(i64::try_from(e.remaining.as_millis()).unwrap_or(i64::MAX))
        }),
    }
}

ipc_command!(sign_in => ipc::SignIn);
/// The token is checked with the service and written to the keyring by the core; it is never
/// logged, and an error never repeats it.
#[tauri::command]
pub async fn sign_in(state: State<'_, AppState>, token: String) -> Reply<ipc::SignIn> {
    let token = AccessToken::new(token)
        .map_err(|err| IpcError::new(ErrorCode::InvalidInput, err.to_string()))?;
    let config = orrery_core::settings::client_config(&state.data_dir, &state.prefs());
    let account = Account::open_saved(&state.data_dir, config).map_err(account_error)?;
    account.sign_in(token).await.map_err(account_error)?;
    let prefs = state.prefs();
    let started = state
        .replace_archive(Archive::signed_in(&state.data_dir, account, &prefs))
        .await
        .map_err(|msg| IpcError::new(ErrorCode::Unavailable, msg))?;
    Ok(info(&state, &started))
}

ipc_command!(sign_out => ipc::SignOut);
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>) -> Reply<ipc::SignOut> {
    let archive = open_archive(&state).await?;
    if let Some(account) = &archive.account {
        account.sign_out().await.map_err(account_error)?;
    }
    drop(archive);
    let prefs = state.prefs();
    let started = state
        .replace_archive(Archive::start(&state.data_dir, &prefs))
        .await
        .map_err(|msg| IpcError::new(ErrorCode::Unavailable, msg))?;
    Ok(info(&state, &started))
}

ipc_command!(get_settings => ipc::GetSettings);
#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Reply<ipc::GetSettings> {
    Ok(state.prefs())
}

ipc_command!(save_settings => ipc::SaveSettings);
/// Saves and applies at once what can change while syncing (the interval); pacing and the
/// image cache cap apply from the next start.
#[tauri::command]
pub async fn save_settings(
    app: AppHandle,
    state: State<'_, AppState>,
    settings: SettingsDto,
) -> Reply<ipc::SaveSettings> {
    let saved = state.settings.save(settings).map_err(internal)?;
    state.set_prefs(saved.clone());
    if let Ok(archive) = state.archive().await {
        if archive.mode == ipc::AccountMode::SignedIn {
            archive
                .schedule
                .set_interval(orrery_core::settings::sync_interval(&saved));
        }
        // The tray takes the language with each status: a new language shows at once.
        let _ = app.emit(crate::tray::STATUS_EVENT, archive.sync_status());
    }
    Ok(saved)
}

ipc_command!(open_folder => ipc::OpenFolder);
#[tauri::command]
pub async fn open_folder(
    app: AppHandle,
    state: State<'_, AppState>,
    folder: FolderDto,
) -> Reply<ipc::OpenFolder> {
    let path = match folder {
        FolderDto::Data => state.data_dir.root().to_owned(),
        FolderDto::Logs => state.data_dir.logs(),
    };
    std::fs::create_dir_all(&path).map_err(internal)?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(internal)
}

ipc_command!(open_external => ipc::OpenExternal);
/// Only web links leave the app; anything else is refused here whatever the UI sent.
#[tauri::command]
pub async fn open_external(app: AppHandle, url: String) -> Reply<ipc::OpenExternal> {
    if !is_web_url(&url) {
        return Err(IpcError::new(
            ErrorCode::InvalidInput,
            "only web links can be opened",
        ));
    }
    app.opener()
        .open_url(url.trim(), None::<&str>)
        .map_err(internal)
}

fn account_error(err: AccountError) -> IpcError {
    let code = match &err {
        AccountError::InvalidToken(_) | AccountError::TokenRejected => ErrorCode::InvalidInput,
        AccountError::Service(_) => ErrorCode::Unavailable,
        _ => ErrorCode::Internal,
    };
    IpcError::new(code, err.to_string())
}
