//! The member's preferences in `settings.json` in the data directory: language, theme, sync
//! interval, pacing and image cache size ([`SettingsDto`]); and, beside them in the same file,
//! the installation's `x-aduid` ([`Settings::aduid`]), which is not a preference and never
//! reaches the window.
//!
//! A missing or unreadable file means the defaults: preferences are never worth refusing to
//! start over. A malformed one is set aside first (`settings.json.damaged-<ms>`), so what the
//! member had set is not overwritten by the next save. The file is always rewritten whole,
//! durably (through a rename), keeping the `x-aduid`.

use std::path::PathBuf;
use std::time::Duration;

use orrery_ipc::commands::SettingsDto;
use serde_json::{Map, Value};
use zsxq::client::{ClientConfig, DEFAULT_BASE_URL, Pacing, is_loopback_url, web_id};

use crate::account::AccountSettings;
use crate::paths::{DataDir, replace_file};

/// The file in the data directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// The key of the installation's `x-aduid` in [`SETTINGS_FILE`]. The DTO's keys are camelCase
/// and it ignores keys it does not know, so this one lives beside them unseen by the window;
/// so do the other `x…` keys, which [`Settings::save`] keeps.
const ADUID_KEY: &str = "xAduid";
/// The prefix of the keys the window never sees.
const HIDDEN_PREFIX: char = 'x';

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
                let aside = crate::paths::set_aside(&self.path);
                tracing::warn!(%err, path = %self.path.display(), kept_at = ?aside, "settings malformed; set aside, using defaults");
                SettingsDto::default()
            })
    }

    /// Saves `settings` (clamped to the accepted ranges) and returns what was saved. The
    /// saved hidden keys (the `x-aduid`, [`Settings::first_time`] marks) are kept.
    pub fn save(&self, settings: SettingsDto) -> std::io::Result<SettingsDto> {
        let settings = settings.clamped();
        let mut document = match serde_json::to_value(&settings) {
            Ok(Value::Object(map)) => map,
            Ok(_) => Map::new(),
            Err(err) => return Err(std::io::Error::other(err)),
        };
        for (key, value) in self.saved_document() {
            if key.starts_with(HIDDEN_PREFIX) {
                document.insert(key, value);
            }
        }
        self.write(&document)?;
        Ok(settings)
    }

    /// `true` the first time it is asked about `what` in this data directory, `false` ever
    /// after (remembered in the settings file): for what the app says once, such as "Orrery
    /// keeps running in the tray".
    pub fn first_time(&self, what: &str) -> bool {
        let key = format!("{HIDDEN_PREFIX}Told{what}");
        let mut document = self.saved_document();
        if document.get(&key).and_then(Value::as_bool) == Some(true) {
            return false;
        }
        if document.is_empty()
            && let Ok(Value::Object(map)) = serde_json::to_value(self.load())
        {
            document = map;
        }
        document.insert(key, Value::Bool(true));
        if let Err(err) = self.write(&document) {
            tracing::warn!(%err, path = %self.path.display(), "could not remember a one-time notice");
        }
        true
    }

    /// The file as a JSON object; empty when missing or unreadable.
    fn saved_document(&self) -> Map<String, Value> {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// The installation's `x-aduid`: the one saved in the settings file, or a new random one
    /// in the web client's format ([`web_id`]) saved now. The web client keeps such an id in
    /// its local storage and sends it with every request (docs/protocol.md §2.4), so it stays
    /// the same for as long as this data directory lives, across runs, the app and the CLI.
    ///
    /// When the file cannot be written the new id is still returned, for this run only.
    pub fn aduid(&self) -> String {
        if let Some(saved) = self.saved_aduid() {
            return saved;
        }
        let aduid = web_id();
        // Keep the member's preferences as they are on disk (or the defaults, if unreadable).
        let mut document = match serde_json::to_value(self.load()) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        document.insert(ADUID_KEY.to_owned(), Value::String(aduid.clone()));
        if let Err(err) = self.write(&document) {
            tracing::warn!(%err, path = %self.path.display(), "could not save the installation id; using a new one for this run");
        }
        aduid
    }

    /// The saved `x-aduid`, if the file holds one that can be sent as a header.
    fn saved_aduid(&self) -> Option<String> {
        let document = self.saved_document();
        let aduid = document.get(ADUID_KEY)?.as_str()?;
        let sendable = !aduid.is_empty()
            && aduid.len() <= 64
            && aduid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        sendable.then(|| aduid.to_owned())
    }

    fn write(&self, document: &Map<String, Value>) -> std::io::Result<()> {
        let mut text = serde_json::to_string_pretty(document).map_err(std::io::Error::other)?;
        text.push('\n');
        replace_file(&self.path, &text)
    }
}

/// The language the member chose, else the system's (Chinese for a `zh…` locale), as the window
/// decides it: for what the core says outside the window (notifications, the tray).
pub fn lang(settings: &SettingsDto) -> orrery_ipc::words::Lang {
    use orrery_ipc::words::Lang;
    match settings.language {
        Some(choice) => Lang::from_setting(choice),
        None => system_lang().unwrap_or(Lang::En),
    }
}

/// The system's language from the POSIX locale variables, in their order of precedence, when
/// one is set (`C` and `POSIX` say nothing about a language). The window asks the core for it
/// (`AppInfoDto::system_language`) because WebKitGTK's `navigator.language` does not follow
/// `LANG`; where these variables are unset (Windows, macOS apps), the webview's own answer is
/// the system's.
pub fn system_lang() -> Option<orrery_ipc::words::Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.is_empty())
        .filter(|v| !matches!(v.as_str(), "C" | "POSIX") && !v.starts_with("C."))
        .map(|v| orrery_ipc::words::Lang::from_tag(&v))
}

/// The day's request budget of a session on `base_url`: none against a simulator on this
/// machine (which is not paced either).
pub fn daily_requests(settings: &SettingsDto, base_url: &str) -> Option<u64> {
    (!is_loopback_url(base_url)).then_some(u64::from(settings.daily_request_budget))
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
/// (as `orrery-cli sync --no-pacing` allows), which the end-to-end tests sign in to; and the
/// installation's `x-aduid` ([`Settings::aduid`]).
pub fn client_config(dir: &DataDir, settings: &SettingsDto) -> ClientConfig {
    let base_url = AccountSettings::load(dir)
        .ok()
        .flatten()
        .map_or_else(|| DEFAULT_BASE_URL.to_owned(), |saved| saved.base_url);
    ClientConfig {
        aduid: Some(Settings::new(dir).aduid()),
        ..service_config(base_url, settings)
    }
}

/// The client settings for `base_url`: the member's pacing, or none for a simulator on this
/// machine (pacing protects the real service, not a loopback one). The `x-aduid` is left to
/// the client (a random one per client) unless the caller sets the installation's; the
/// demo's simulator does not track installations.
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
        // What the member had is kept aside, not overwritten by the next save.
        let aside = std::fs::read_dir(dir.path())
            .expect("dir")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .find(|name| name.starts_with("settings.json.damaged-"))
            .expect("set aside");
        let kept = std::fs::read_to_string(dir.path().join(aside)).expect("read");
        assert_eq!(kept, "{not json");
    }

    #[test]
    fn the_aduid_is_made_once_kept_across_saves_and_never_in_the_dto() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::open(dir.path()).expect("data dir");
        let settings = Settings::new(&data);
        let saved = settings
            .save(SettingsDto {
                theme: ThemeDto::Dark,
                ..SettingsDto::default()
            })
            .expect("saves");
        let aduid = settings.aduid();
        assert_eq!(aduid.len(), 36, "the web client's format: {aduid}");
        assert_eq!(settings.load(), saved, "the preferences are untouched");
        assert_eq!(Settings::new(&data).aduid(), aduid, "stable across opens");
        settings
            .save(SettingsDto {
                theme: ThemeDto::Light,
                ..SettingsDto::default()
            })
            .expect("saves");
        assert_eq!(settings.aduid(), aduid, "a save keeps it");
        assert_eq!(settings.load().theme, ThemeDto::Light);
        assert_eq!(
            client_config(&data, &settings.load()).aduid,
            Some(aduid.clone()),
            "the account's client sends it"
        );

        // A folder of its own has another; an unsendable value is replaced.
        let other = tempfile::tempdir().expect("tempdir");
        let other = Settings::new(&DataDir::open(other.path()).expect("data dir"));
        assert_ne!(other.aduid(), aduid);
        std::fs::write(dir.path().join(SETTINGS_FILE), r#"{"xAduid":"a\r\nb"}"#).expect("write");
        let replaced = settings.aduid();
        assert_ne!(replaced, aduid);
        assert_eq!(replaced.len(), 36);
        assert_eq!(settings.aduid(), replaced);
    }

    #[test]
    fn a_one_time_notice_is_told_once_and_survives_saves() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let data = DataDir::open(tmp.path()).expect("data dir");
        let settings = Settings::new(&data);
        let aduid = settings.aduid();
        assert!(settings.first_time("Tray"));
        assert!(!settings.first_time("Tray"));
        assert!(settings.first_time("Other"), "each notice apart");
        let mut prefs = settings.load();
        prefs.sync_interval_min = 30;
        settings.save(prefs).expect("saved");
        assert!(!Settings::new(&data).first_time("Tray"), "a save keeps it");
        assert_eq!(settings.aduid(), aduid);
        assert_eq!(settings.load().sync_interval_min, 30);
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
