//! Every command the shell offers, with its argument and result types.

pub use crate::settings::*;
pub use crate::views::*;
use crate::{Command, NoArgs};
use serde::{Deserialize, Serialize};

/// What the app is and where it keeps its data: shown on the start screen and in Settings.
#[derive(Debug, Clone, Copy)]
pub struct AppInfo;

impl Command for AppInfo {
    const NAME: &'static str = "app_info";
    type Args = NoArgs;
    type Output = AppInfoDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfoDto {
    /// The app's version, `CARGO_PKG_VERSION` of the shell.
    pub version: String,
    /// The directory holding the archive, as the user would type it.
    pub data_dir: String,
    pub mode: AccountMode,
    /// When the signed-in token ends, if the service said.
    pub expires_ms: Option<i64>,
}

/// Whether a real account is signed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountMode {
    /// No account: the app shows the built-in demo circle.
    Demo,
    /// A token for a real account is available.
    SignedIn,
}

/// The circles in the archive with their unread counts, and where the sync stands.
#[derive(Debug, Clone, Copy)]
pub struct ArchiveOverview;

impl Command for ArchiveOverview {
    const NAME: &'static str = "archive_overview";
    type Args = NoArgs;
    type Output = ArchiveOverviewDto;
}

/// A page of a circle's timeline.
#[derive(Debug, Clone, Copy)]
pub struct Timeline;

impl Command for Timeline {
    const NAME: &'static str = "timeline";
    type Args = TimelineArgs;
    type Output = TimelinePageDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineArgs {
    pub circle: String,
    pub tab: TabDto,
    /// Only topics with this hashtag (by name).
    pub hashtag: Option<String>,
    /// Only topics filed in this column (by id).
    pub column: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<CursorDto>,
    pub limit: u32,
}

/// The hashtags and columns of a circle.
#[derive(Debug, Clone, Copy)]
pub struct CircleFilters;

impl Command for CircleFilters {
    const NAME: &'static str = "circle_filters";
    type Args = CircleArgs;
    type Output = CircleFiltersDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircleArgs {
    pub circle: String,
}

/// Marks every topic of a circle read.
#[derive(Debug, Clone, Copy)]
pub struct MarkCircleRead;

impl Command for MarkCircleRead {
    const NAME: &'static str = "mark_circle_read";
    type Args = CircleArgs;
    type Output = ();
}

/// One topic with its thread; opening it marks it read.
#[derive(Debug, Clone, Copy)]
pub struct OpenTopic;

impl Command for OpenTopic {
    const NAME: &'static str = "open_topic";
    type Args = TopicArgs;
    type Output = TopicDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicArgs {
    pub topic: String,
}

/// Saves a topic's attached file into the member's downloads folder (downloading it first
/// when it is not cached) and shows it in the file manager; answers where it was written.
#[derive(Debug, Clone, Copy)]
pub struct SaveFile;

impl Command for SaveFile {
    const NAME: &'static str = "save_file";
    type Args = FileArgs;
    type Output = String;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileArgs {
    pub file: String,
}

/// Searches every circle.
#[derive(Debug, Clone, Copy)]
pub struct Search;

impl Command for Search {
    const NAME: &'static str = "search";
    type Args = SearchArgs;
    type Output = SearchResultsDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchArgs {
    pub query: String,
    /// Newest first instead of most relevant first.
    pub newest: bool,
    pub offset: u32,
    pub limit: u32,
}

/// Where the sync stands now.
#[derive(Debug, Clone, Copy)]
pub struct SyncStatus;

impl Command for SyncStatus {
    const NAME: &'static str = "sync_status";
    type Args = NoArgs;
    type Output = SyncStatusDto;
}

/// Starts a sync now (or lets the running one go on).
#[derive(Debug, Clone, Copy)]
pub struct SyncNow;

impl Command for SyncNow {
    const NAME: &'static str = "sync_now";
    type Args = NoArgs;
    type Output = ();
}

/// Stops the running sync; the next one starts on the interval or with [`SyncNow`].
#[derive(Debug, Clone, Copy)]
pub struct CancelSync;

impl Command for CancelSync {
    const NAME: &'static str = "cancel_sync";
    type Args = NoArgs;
    type Output = ();
}

/// Streams the sync status to a channel on every change, across sign-in and sign-out; the
/// call itself only returns when the window is gone.
#[derive(Debug, Clone, Copy)]
pub struct WatchSync;

impl Command for WatchSync {
    const NAME: &'static str = "watch_sync";
    type Args = WatchSyncArgs;
    type Output = ();
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchSyncArgs {
    /// The channel that receives [`SyncStatusDto`]s.
    pub on_status: ChannelRef,
}

/// A `tauri::ipc::Channel` created by the UI, as Tauri passes it in arguments:
/// `__CHANNEL__:<id>`. The shell receives it as a `Channel<T>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelRef(pub String);

impl ChannelRef {
    /// The reference to the UI's channel number `id`.
    pub fn new(id: u32) -> Self {
        Self(format!("__CHANNEL__:{id}"))
    }
}

/// Opens a web link in the system browser. Only `http` and `https` are accepted.
#[derive(Debug, Clone, Copy)]
pub struct OpenExternal;

impl Command for OpenExternal {
    const NAME: &'static str = "open_external";
    type Args = UrlArgs;
    type Output = ();
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlArgs {
    pub url: String,
}

/// The member's settings.
#[derive(Debug, Clone, Copy)]
pub struct GetSettings;

impl Command for GetSettings {
    const NAME: &'static str = "get_settings";
    type Args = NoArgs;
    type Output = SettingsDto;
}

/// Saves the member's settings and applies them.
#[derive(Debug, Clone, Copy)]
pub struct SaveSettings;

impl Command for SaveSettings {
    const NAME: &'static str = "save_settings";
    type Args = SettingsArgs;
    type Output = SettingsDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsArgs {
    pub settings: SettingsDto,
}

/// Opens one of the app's folders in the file manager.
#[derive(Debug, Clone, Copy)]
pub struct OpenFolder;

impl Command for OpenFolder {
    const NAME: &'static str = "open_folder";
    type Args = FolderArgs;
    type Output = ();
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderArgs {
    pub folder: FolderDto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderDto {
    Data,
    Logs,
}

/// Checks a pasted token with the service, keeps it in the keyring and switches the app to the
/// account.
#[derive(Debug, Clone, Copy)]
pub struct SignIn;

impl Command for SignIn {
    const NAME: &'static str = "sign_in";
    type Args = TokenArgs;
    type Output = AppInfoDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenArgs {
    /// The `zsxq_access_token` cookie's value. It goes straight to the keyring.
    pub token: String,
}

/// Forgets the token (keyring entry removed) and switches the app to the demo; the archive
/// stays on disk.
#[derive(Debug, Clone, Copy)]
pub struct SignOut;

impl Command for SignOut {
    const NAME: &'static str = "sign_out";
    type Args = NoArgs;
    type Output = AppInfoDto;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_payload_is_pinned() {
        let dto = AppInfoDto {
            version: "0.1.0".into(),
            data_dir: "/home/小明/.local/share/app.orrery.desktop".into(),
            mode: AccountMode::Demo,
            expires_ms: None,
        };
        insta::assert_snapshot!(
            serde_json::to_string(&dto).expect("serializes"),
            @r#"{"version":"0.1.0","dataDir":"/home/小明/.local/share/app.orrery.desktop","mode":"demo","expiresMs":null}"#
        );
    }

    #[test]
    fn archive_overview_payload_is_pinned() {
        let dto = ArchiveOverviewDto {
            sync: SyncStateDto::CaughtUp,
            circles: vec![CircleDto {
                id: "48415284414458".into(),
                name: "Rust 与系统编程".into(),
                topics: 900,
                unread: 12,
                expired: false,
            }],
        };
        insta::assert_snapshot!(
            serde_json::to_string(&dto).expect("serializes"),
            @r#"{"sync":"caught_up","circles":[{"id":"48415284414458","name":"Rust 与系统编程","topics":900,"unread":12,"expired":false}]}"#
        );
    }

    #[test]
    fn no_args_is_an_empty_object() {
        // Tauri's invoke takes a JSON object of named arguments; `null` would be rejected.
        assert_eq!(serde_json::to_string(&NoArgs {}).expect("serializes"), "{}");
    }
}
