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
    fn no_args_is_an_empty_object() {
        // Tauri's invoke takes a JSON object of named arguments; `null` would be rejected.
        assert_eq!(serde_json::to_string(&NoArgs {}).expect("serializes"), "{}");
    }
}
