//! Every command the shell offers, with its argument and result types.

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

/// The circles in the archive and where the sync stands: the start screen polls it while a
/// sync runs. (Streaming progress over a channel arrives with the timeline.)
#[derive(Debug, Clone, Copy)]
pub struct ArchiveOverview;

impl Command for ArchiveOverview {
    const NAME: &'static str = "archive_overview";
    type Args = NoArgs;
    type Output = ArchiveOverviewDto;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveOverviewDto {
    pub sync: SyncStateDto,
    /// In the service's order.
    pub circles: Vec<CircleDto>,
}

/// One archived circle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircleDto {
    /// The group id in decimal: ids exceed 2^53, which a JavaScript number cannot hold.
    pub id: String,
    pub name: String,
    pub topics: u64,
    /// Comments and replies.
    pub comments: u64,
    /// The membership lapsed: readable, no longer synced.
    pub expired: bool,
}

/// What the background sync is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncStateDto {
    /// Not started yet.
    Idle,
    Syncing,
    /// Everything reachable is archived; the next run starts on the interval.
    CaughtUp,
    /// The service refused the token: sign in again to resume.
    NeedsLogin,
    /// The last run stopped on an error; it retries on the interval.
    Failed,
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
        };
        insta::assert_snapshot!(
            serde_json::to_string(&dto).expect("serializes"),
            @r#"{"version":"0.1.0","dataDir":"/home/小明/.local/share/app.orrery.desktop","mode":"demo"}"#
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
                comments: 4321,
                expired: false,
            }],
        };
        insta::assert_snapshot!(
            serde_json::to_string(&dto).expect("serializes"),
            @r#"{"sync":"caught_up","circles":[{"id":"48415284414458","name":"Rust 与系统编程","topics":900,"comments":4321,"expired":false}]}"#
        );
    }

    #[test]
    fn no_args_is_an_empty_object() {
        // Tauri's invoke takes a JSON object of named arguments; `null` would be rejected.
        assert_eq!(serde_json::to_string(&NoArgs {}).expect("serializes"), "{}");
    }
}
