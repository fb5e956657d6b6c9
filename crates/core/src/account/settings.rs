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
    /// The web page the login window opens instead of the one that belongs to `base_url`
    /// ([`super::WebLogin`]): set by hand, e.g. to a proxy's or a test's page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_page: Option<String>,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            user_id: None,
            user_name: None,
            login_page: None,
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

    /// A damaged file (empty after a power cut, garbage) is set aside
    /// ([`set_aside`](crate::paths::set_aside)) and reported in the log, and the account
    /// starts as if never signed in: the member can sign in again, where refusing to start
    /// would leave no way out. A file that cannot be read at all is an error.
    pub(super) fn load_from(path: &Path) -> Result<Option<Self>, AccountError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(AccountError::settings(path, &err)),
        };
        match serde_json::from_str(&text) {
            Ok(settings) => Ok(Some(settings)),
            Err(err) => {
                let aside = crate::paths::set_aside(path)
                    .map_err(|io| AccountError::settings(path, &io))?;
                tracing::warn!(%err, path = %path.display(), kept_at = %aside.display(), "the account file was damaged; set aside, sign in again");
                Ok(None)
            }
        }
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
            login_page: None,
        };
        settings
            .save_to(&AccountSettings::path(&dir))
            .expect("saved");
        assert_eq!(AccountSettings::load(&dir), Ok(Some(settings)));
        let text = std::fs::read_to_string(AccountSettings::path(&dir)).expect("read");
        assert!(text.contains("\"user_id\": 181284822124142"), "{text}");
        let left: Vec<_> = std::fs::read_dir(tmp.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .filter(|n| n.to_string_lossy().ends_with(".partial"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    /// An empty `account.json` (a power cut mid-write, before writes were made durable)
    /// used to block everything: every start failed on it, with no way out in the app.
    #[test]
    fn an_empty_or_garbled_account_file_is_set_aside_and_the_account_starts_signed_out() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = DataDir::open(tmp.path()).expect("data dir");
        for damaged in ["", "{ not json"] {
            std::fs::write(AccountSettings::path(&dir), damaged).expect("write");
            assert_eq!(AccountSettings::load(&dir), Ok(None));
            assert!(
                !AccountSettings::path(&dir).exists(),
                "moved out of the way"
            );
            let kept: Vec<String> = std::fs::read_dir(tmp.path())
                .expect("dir")
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|name| name.starts_with("account.json.damaged-"))
                .collect();
            assert_eq!(kept.len(), 1, "{kept:?}");
            let aside = tmp.path().join(&kept[0]);
            assert_eq!(std::fs::read_to_string(&aside).expect("read"), damaged);
            std::fs::remove_file(aside).expect("remove");
        }
    }

    #[test]
    fn the_default_is_the_real_service() {
        assert_eq!(AccountSettings::default().base_url, "https://api.zsxq.com");
    }
}
