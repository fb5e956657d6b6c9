//! The member's preferences in `settings.json` in the data directory: language, theme, sync
//! interval, pacing and image cache size ([`SettingsDto`]).
//!
//! A missing or unreadable file means the defaults: preferences are never worth refusing to
//! start over, and the file is rewritten whole (through a rename) on the next save.

use std::path::PathBuf;
use std::time::Duration;

use orrery_ipc::commands::SettingsDto;
use zsxq::client::{ClientConfig, DEFAULT_BASE_URL, Pacing, is_loopback_url};

use crate::account::AccountSettings;
use crate::paths::{DataDir, replace_file};

/// The file in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// Loads and saves the settings of one data directory.
#[derive(Debug, Clone)]
pub struct Settings {
    path: PathBuf,
}

impl Settings {
    pub fn new(dir: &DataDir) -> Self {
        Self {
            path: dir.root().join(SETTINGS_FILE),
        }
    }

    /// The saved settings, or the defaults.
    pub fn load(&self) -> SettingsDto {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                return SettingsDto::default();
            }
            Err(err) => {
                tracing::warn!(%err, path = %self.path.display(), "settings unreadable; using defaults");
                return SettingsDto::default();
            }
        };
        serde_json::from_str::<SettingsDto>(&text)
            .map(SettingsDto::clamped)
            .unwrap_or_else(|err| {
                tracing::warn!(%err, path = %self.path.display(), "settings malformed; using defaults");
                SettingsDto::default()
            })
    }

    /// Saves `settings` (clamped to the accepted ranges) and returns what was saved.
    pub fn save(&self, settings: SettingsDto) -> std::io::Result<SettingsDto> {
        let settings = settings.clamped();
        let mut text = serde_json::to_string_pretty(&settings).map_err(std::io::Error::other)?;
        text.push('\n');
        replace_file(&self.path, &text)?;
        Ok(settings)
    }
}

/// The pause between two syncs of a real account.
pub fn sync_interval(settings: &SettingsDto) -> Duration {
    Duration::from_secs(u64::from(settings.sync_interval_min) * 60)
}

/// The pacing of a real account: the safe default with the member's request interval.
pub fn pacing(settings: &SettingsDto) -> Pacing {
    Pacing {
        interval: Duration::from_secs(u64::from(settings.request_interval_s)),
        ..Pacing::default()
    }
}

/// The client settings for the account of `dir`: the service it signed in to last (see
/// [`AccountSettings`]) with the member's pacing, or none for a simulator on this machine
/// (as `orrery-cli sync --no-pacing` allows), which the end-to-end tests sign in to.
pub fn client_config(dir: &DataDir, settings: &SettingsDto) -> ClientConfig {
    let base_url = AccountSettings::load(dir)
        .ok()
        .flatten()
        .map_or_else(|| DEFAULT_BASE_URL.to_owned(), |saved| saved.base_url);
    service_config(base_url, settings)
}

/// The client settings for `base_url`: the member's pacing, or none for a simulator on this
/// machine (pacing protects the real service, not a loopback one).
pub fn service_config(base_url: String, settings: &SettingsDto) -> ClientConfig {
    let pacing = if is_loopback_url(&base_url) {
        Pacing::none()
    } else {
        pacing(settings)
    };
    ClientConfig {
        base_url,
        pacing,
        ..ClientConfig::default()
    }
}

/// The image cache's cap in bytes.
pub fn image_cache_bytes(settings: &SettingsDto) -> u64 {
    settings.image_cache_mib.saturating_mul(1024 * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery_ipc::commands::{LanguageDto, ThemeDto};

    #[test]
    fn saves_and_loads_through_the_file_and_survives_garbage() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::open(dir.path()).expect("data dir");
        let settings = Settings::new(&data);
        assert_eq!(settings.load(), SettingsDto::default());
        let saved = settings
            .save(SettingsDto {
                language: Some(LanguageDto::En),
                theme: ThemeDto::Dark,
                request_interval_s: 0,
                ..SettingsDto::default()
            })
            .expect("saves");
        assert_eq!(saved.request_interval_s, 1, "clamped before saving");
        assert_eq!(settings.load(), saved);
        std::fs::write(dir.path().join(SETTINGS_FILE), "{not json").expect("write");
        assert_eq!(settings.load(), SettingsDto::default());
    }

    #[test]
    fn pacing_follows_the_request_interval() {
        let s = SettingsDto {
            request_interval_s: 5,
            ..SettingsDto::default()
        };
        assert_eq!(pacing(&s).interval, Duration::from_secs(5));
        assert_eq!(sync_interval(&s), Duration::from_secs(15 * 60));
        assert_eq!(image_cache_bytes(&s), 2048 * 1024 * 1024);
    }
}
