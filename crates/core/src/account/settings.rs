//! [`AccountSettings`]: what the account remembers between runs that is *not* secret — which
//! service it signed in to and as whom — in `account.json` in the data directory.
//!
//! The base URL has to survive the process: `orrery-cli login --base-url http://127.0.0.1:PORT`
//! against the simulator must make a later `orrery-cli sync` talk to the same place, and the
//! keyring entry is named after it. The token is never written here; it lives in the keyring
//! (or in `ORRERY_TOKEN`) only.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use zsxq::UserId;
use zsxq::client::DEFAULT_BASE_URL;

use super::AccountError;
use crate::paths::{DataDir, replace_file};

/// The file in the data directory.
pub const SETTINGS_FILE: &str = "account.json";

/// The account's non-secret settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSettings {
    /// The API base URL signed in to, without a trailing slash.
    pub base_url: String,
    /// The signed-in user's id, as the service reported it at the last sign-in or check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// The signed-in user's name, likewise; shown while offline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            user_id: None,
            user_name: None,
        }
    }
}

impl AccountSettings {
    /// Where the settings of `dir` live.
    pub fn path(dir: &DataDir) -> PathBuf {
        dir.root().join(SETTINGS_FILE)
    }

    /// The settings saved in `dir`, or `None` when nothing was saved yet.
    pub fn load(dir: &DataDir) -> Result<Option<Self>, AccountError> {
        Self::load_from(&Self::path(dir))
    }

    pub(super) fn load_from(path: &Path) -> Result<Option<Self>, AccountError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(AccountError::settings(path, &err)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|err| AccountError::settings(path, &err))
    }

    /// Writes the settings through a temporary file and a rename ([`replace_file`]).
    pub(super) fn save_to(&self, path: &Path) -> Result<(), AccountError> {
        let mut text =
            serde_json::to_string_pretty(self).map_err(|err| AccountError::settings(path, &err))?;
        text.push('\n');
        replace_file(path, &text).map_err(|err| AccountError::settings(path, &err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_start_empty() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::open(tmp.path()).expect("data dir");
        assert_eq!(AccountSettings::load(&dir), Ok(None));
        let settings = AccountSettings {
            base_url: "http://127.0.0.1:4000".into(),
            user_id: Some(UserId::new(181_284_822_124_142)),
            user_name: Some("星主".into()),
        };
        settings
            .save_to(&AccountSettings::path(&dir))
            .expect("saved");
        assert_eq!(AccountSettings::load(&dir), Ok(Some(settings)));
        let text = std::fs::read_to_string(AccountSettings::path(&dir)).expect("read");
        assert!(text.contains("\"user_id\": 181284822124142"), "{text}");
        assert!(!tmp.path().join("account.json.partial").exists());
    }

    #[test]
    fn a_damaged_file_is_reported_with_its_path() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::open(tmp.path()).expect("data dir");
        std::fs::write(AccountSettings::path(&dir), "{ not json").expect("write");
        let err = AccountSettings::load(&dir).expect_err("damaged");
        assert!(err.to_string().contains(SETTINGS_FILE), "{err}");
    }

    #[test]
    fn the_default_is_the_real_service() {
        assert_eq!(AccountSettings::default().base_url, "https://api.zsxq.com");
    }
}
