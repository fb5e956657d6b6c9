//! The member's settings as the Settings screen edits them.

use serde::{Deserialize, Serialize};

use crate::id::CircleId;

/// Every setting. Unknown or missing fields take their defaults, so an older or newer app
/// reads the file without losing the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SettingsDto {
    /// `None` follows the system: zh-CN when it is Chinese, English otherwise.
    pub language: Option<LanguageDto>,
    pub theme: ThemeDto,
    /// Minutes between two syncs of a real account.
    pub sync_interval_min: u32,
    /// Seconds between two requests to the service. Below [`SAFE_REQUEST_INTERVAL_S`] the UI
    /// warns; below [`MIN_REQUEST_INTERVAL_S`] the core refuses.
    pub request_interval_s: u32,
    /// The image cache's size cap in MiB.
    pub image_cache_mib: u64,
    /// What taps the member on the shoulder (docs/notifications.md).
    pub notifications: NotificationsDto,
    /// Requests a day the background sync may send to the service (docs/sync.md).
    pub daily_request_budget: u32,
    /// Start Orrery (in the tray) when the member logs in to the computer. Opt-in.
    pub start_at_login: bool,
    /// Marking a circle read here moves the service's read markers too, so the phone agrees
    /// (docs/brief.md).
    pub send_read_markers: bool,
    /// The member paused the app's sync (the status bar's pause button); it stays paused
    /// across restarts until resumed. `orrery-cli sync` and `watch` are asked for by name and
    /// run anyway.
    pub sync_paused: bool,
}

/// Desktop notifications. Every kind of event still reaches the inbox when its notification is
/// off: these only decide what interrupts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NotificationsDto {
    /// Desktop notifications at all.
    pub enabled: bool,
    /// An answer to a question the member asked.
    pub answers: bool,
    /// A question waiting for the member's answer (owners and guests).
    pub questions_for_me: bool,
    /// A reply to the member's comment.
    pub replies: bool,
    /// An @mention of the member.
    pub mentions: bool,
    /// A comment on the member's topic.
    pub comments: bool,
    /// A new digest (精华) in a followed circle.
    pub digests: bool,
    /// A new post by the owner of a followed circle.
    pub owner_posts: bool,
    /// Circles whose events never notify (the inbox still lists them).
    pub muted_circles: Vec<CircleId>,
    /// Circles whose digests and owner's posts are news: opt-in, one by one.
    pub followed_circles: Vec<CircleId>,
    /// Local time without notifications; what arrives meanwhile waits for its end and comes
    /// as one summary.
    pub quiet_hours: Option<QuietHoursDto>,
}

impl Default for NotificationsDto {
    fn default() -> Self {
        Self {
            enabled: true,
            answers: true,
            questions_for_me: true,
            replies: true,
            mentions: true,
            comments: true,
            digests: true,
            owner_posts: true,
            muted_circles: Vec::new(),
            followed_circles: Vec::new(),
            quiet_hours: None,
        }
    }
}

/// A daily span of local time, in minutes after midnight; it may run past midnight
/// (`start > end`, e.g. 22:00–08:00). `start == end` is never quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuietHoursDto {
    pub start_min: u16,
    pub end_min: u16,
}

impl QuietHoursDto {
    /// Whether `minute` (after local midnight) falls in the span.
    pub fn contains(self, minute: u16) -> bool {
        if self.start_min <= self.end_min {
            (self.start_min..self.end_min).contains(&minute)
        } else {
            minute >= self.start_min || minute < self.end_min
        }
    }
}

/// The pacing the service tolerates over hours, by the community's experience (docs/sync.md).
pub const SAFE_REQUEST_INTERVAL_S: u32 = 2;
/// The fastest pacing accepted at all.
pub const MIN_REQUEST_INTERVAL_S: u32 = 1;
/// The daily request budget unless changed, and its bounds: about four hours of syncing at
/// the default pace (PROTOCOL.md §6.6: bans follow volume and duration).
pub const DEFAULT_DAILY_REQUESTS: u32 = 5_000;
pub const DAILY_REQUESTS: (u32, u32) = (200, 100_000);
/// Bounds of the sync interval in minutes.
pub const SYNC_INTERVAL_MIN: (u32, u32) = (5, 24 * 60);

impl Default for SettingsDto {
    fn default() -> Self {
        Self {
            language: None,
            theme: ThemeDto::System,
            sync_interval_min: 15,
            request_interval_s: SAFE_REQUEST_INTERVAL_S,
            image_cache_mib: 2048,
            notifications: NotificationsDto::default(),
            daily_request_budget: DEFAULT_DAILY_REQUESTS,
            start_at_login: false,
            send_read_markers: true,
            sync_paused: false,
        }
    }
}

impl SettingsDto {
    /// The settings with every number brought into its accepted range.
    pub fn clamped(mut self) -> Self {
        self.sync_interval_min = self
            .sync_interval_min
            .clamp(SYNC_INTERVAL_MIN.0, SYNC_INTERVAL_MIN.1);
        self.request_interval_s = self.request_interval_s.clamp(MIN_REQUEST_INTERVAL_S, 60);
        self.image_cache_mib = self.image_cache_mib.clamp(64, 1024 * 1024);
        self.daily_request_budget = self
            .daily_request_budget
            .clamp(DAILY_REQUESTS.0, DAILY_REQUESTS.1);
        if let Some(quiet) = &mut self.notifications.quiet_hours {
            quiet.start_min = quiet.start_min.min(24 * 60 - 1);
            quiet.end_min = quiet.end_min.min(24 * 60 - 1);
        }
        self
    }

    /// Whether the pacing is faster than the service tolerates over hours.
    pub fn unsafe_pacing(&self) -> bool {
        self.request_interval_s < SAFE_REQUEST_INTERVAL_S
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LanguageDto {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeDto {
    #[default]
    System,
    Light,
    Dark,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_unknown_fields_take_defaults() {
        let s: SettingsDto =
            serde_json::from_str(r#"{"theme":"dark","future":1}"#).expect("parses");
        assert_eq!(s.theme, ThemeDto::Dark);
        assert_eq!(
            s.sync_interval_min,
            SettingsDto::default().sync_interval_min
        );
        insta::assert_snapshot!(
            serde_json::to_string(&SettingsDto { language: Some(LanguageDto::ZhCn), ..s }).expect("serializes"),
            @r#"{"language":"zh-CN","theme":"dark","syncIntervalMin":15,"requestIntervalS":2,"imageCacheMib":2048,"notifications":{"enabled":true,"answers":true,"questionsForMe":true,"replies":true,"mentions":true,"comments":true,"digests":true,"ownerPosts":true,"mutedCircles":[],"followedCircles":[],"quietHours":null},"dailyRequestBudget":5000,"startAtLogin":false,"sendReadMarkers":true,"syncPaused":false}"#
        );
    }

    #[test]
    fn clamping_keeps_pacing_at_or_above_the_floor() {
        let s = SettingsDto {
            request_interval_s: 0,
            sync_interval_min: 0,
            image_cache_mib: 1,
            ..SettingsDto::default()
        }
        .clamped();
        assert_eq!(s.request_interval_s, MIN_REQUEST_INTERVAL_S);
        assert!(s.unsafe_pacing());
        assert_eq!(s.sync_interval_min, SYNC_INTERVAL_MIN.0);
        assert_eq!(s.image_cache_mib, 64);
        assert!(!SettingsDto::default().unsafe_pacing());
    }
}
