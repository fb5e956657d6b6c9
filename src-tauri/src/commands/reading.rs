//! The reading screens: circles, timelines, a topic, search.
//!
//! A handler's parameters are the fields of its command's `Args` (Tauri passes arguments by
//! name), which the end-to-end suite exercises through the real UI.

use super::{Reply, internal, ipc_command, open_archive};
use crate::state::AppState;
use orrery_core::media::MediaError;
use orrery_core::now_ms;
use orrery_core::reader::{self, ReaderError};
use orrery_core::search::{SearchError, SearchRequest, SortOrder};
use orrery_core::store::StoreError;
use orrery_ipc::commands::{self as ipc, CursorDto, TabDto, TimelineArgs};
use orrery_ipc::{ErrorCode, IpcError};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_opener::OpenerExt;
use zsxq::{ApiError, FileId, GroupId, TopicId};

/// The most results one search page returns.
const MAX_HITS: u32 = 100;

ipc_command!(archive_overview => ipc::ArchiveOverview);
#[tauri::command]
pub async fn archive_overview(state: State<'_, AppState>) -> Reply<ipc::ArchiveOverview> {
    let archive = open_archive(&state).await?;
    let overview = reader::overview(&archive.store, archive.sync_status().state)
        .await
        .map_err(reader_error)?;
    state.note_circles_served(overview.circles.len());
    Ok(overview)
}

ipc_command!(timeline => ipc::Timeline);
#[tauri::command]
pub async fn timeline(
    state: State<'_, AppState>,
    circle: String,
    tab: TabDto,
    hashtag: Option<String>,
    column: Option<String>,
    after: Option<CursorDto>,
    limit: u32,
) -> Reply<ipc::Timeline> {
    let archive = open_archive(&state).await?;
    let args = TimelineArgs {
        circle,
        tab,
        hashtag,
        column,
        after,
        limit,
    };
    reader::timeline(&archive.store, &args)
        .await
        .map_err(reader_error)
}

ipc_command!(circle_filters => ipc::CircleFilters);
#[tauri::command]
pub async fn circle_filters(
    state: State<'_, AppState>,
    circle: String,
) -> Reply<ipc::CircleFilters> {
    let archive = open_archive(&state).await?;
    reader::circle_filters(&archive.store, &circle)
        .await
        .map_err(reader_error)
}

ipc_command!(mark_circle_read => ipc::MarkCircleRead);
#[tauri::command]
pub async fn mark_circle_read(
    state: State<'_, AppState>,
    circle: String,
) -> Reply<ipc::MarkCircleRead> {
    let archive = open_archive(&state).await?;
    let group = GroupId::new(reader::parse_id(&circle).map_err(reader_error)?);
    archive
        .store
        .mark_circle_read(group, now_ms())
        .await
        .map_err(store_error)
}

ipc_command!(open_topic => ipc::OpenTopic);
#[tauri::command]
pub async fn open_topic(state: State<'_, AppState>, topic: String) -> Reply<ipc::OpenTopic> {
    let archive = open_archive(&state).await?;
    let id = TopicId::new(reader::parse_id(&topic).map_err(reader_error)?);
    reader::open_topic(&archive.store, id, now_ms())
        .await
        .map_err(reader_error)?
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, format!("topic {id} is not archived")))
}

ipc_command!(save_file => ipc::SaveFile);
/// Into the downloads folder, then shown in the file manager: what a browser does with a
/// download. Without a configured downloads folder (XDG user dirs unset), `~/Downloads`.
#[tauri::command]
pub async fn save_file(
    app: AppHandle,
    state: State<'_, AppState>,
    file: String,
) -> Reply<ipc::SaveFile> {
    let archive = open_archive(&state).await?;
    let id = FileId::new(reader::parse_id(&file).map_err(reader_error)?);
    let downloads = app
        .path()
        .download_dir()
        .or_else(|_| app.path().home_dir().map(|home| home.join("Downloads")))
        .map_err(internal)?;
    let saved = archive
        .media
        .save_file(&archive.client, id, &downloads)
        .await
        .map_err(|err| {
            let code = match &err {
                MediaError::Unknown { .. } => ErrorCode::NotFound,
                MediaError::Api(ApiError::Unauthorized) => ErrorCode::NeedsLogin,
                MediaError::Api(_) => ErrorCode::Unavailable,
                MediaError::Store(_) | MediaError::Save { .. } => ErrorCode::Internal,
            };
            IpcError::new(code, err.to_string())
        })?;
    tracing::info!(file = %id, path = %saved.display(), "attachment saved");
    if let Err(err) = app.opener().reveal_item_in_dir(&saved) {
        tracing::warn!(%err, "the saved file could not be shown in the file manager");
    }
    Ok(saved.display().to_string())
}

ipc_command!(search => ipc::Search);
#[tauri::command]
pub async fn search(
    state: State<'_, AppState>,
    query: String,
    newest: bool,
    offset: u32,
    limit: u32,
) -> Reply<ipc::Search> {
    let archive = open_archive(&state).await?;
    let request = SearchRequest {
        query,
        sort: if newest {
            SortOrder::Newest
        } else {
            SortOrder::Relevance
        },
        offset: offset as usize,
        limit: limit.clamp(1, MAX_HITS) as usize,
    };
    // tantivy searches on its own threads and blocks this one until they finish.
    let index = archive.search.clone();
    let results = tauri::async_runtime::spawn_blocking(move || index.search(&request))
        .await
        .map_err(internal)?;
    match results {
        Ok(results) => Ok(reader::search_results(results)),
        Err(SearchError::Query(err)) => {
            Err(IpcError::new(ErrorCode::InvalidInput, err.to_string()))
        }
        Err(SearchError::NotBuilt) => Err(IpcError::new(
            ErrorCode::Unavailable,
            "the search index is still being built",
        )),
        Err(err) => Err(internal(err)),
    }
}

fn reader_error(err: ReaderError) -> IpcError {
    match err {
        ReaderError::BadId(_) => IpcError::new(ErrorCode::InvalidInput, err.to_string()),
        ReaderError::Store(err) => store_error(err),
    }
}

fn store_error(err: StoreError) -> IpcError {
    internal(err)
}
