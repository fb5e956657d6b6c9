//! The words the window and the tray both show, in zh-CN and English.
//!
//! The tray (in the shell) and the status bar (in the UI) name the same sync states, and both
//! offer "sync now": one [`Words`] table per [`Lang`] here, read by both sides, so the two can
//! never disagree. Everything else the window says stays in the UI's own table
//! (`ui/src/i18n.rs`), which embeds these. Plain `&'static str` tables, no dependency: this crate
//! builds for the shell and for wasm32 alike.

use crate::commands::{LanguageDto, SyncStateDto, SyncStatusDto};

/// A language the app speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    ZhCn,
    En,
}

impl Lang {
    /// The language for a BCP 47 tag (`navigator.language`) or a POSIX locale (`LANG`):
    /// Chinese for any `zh…`, English otherwise.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Self::ZhCn
        } else {
            Self::En
        }
    }

    /// The member's choice in Settings, if any.
    pub fn from_setting(choice: LanguageDto) -> Self {
        match choice {
            LanguageDto::ZhCn => Self::ZhCn,
            LanguageDto::En => Self::En,
        }
    }

    /// As a setting.
    pub fn setting(self) -> LanguageDto {
        match self {
            Self::ZhCn => LanguageDto::ZhCn,
            Self::En => LanguageDto::En,
        }
    }

    pub const fn words(self) -> &'static Words {
        match self {
            Self::ZhCn => &ZH_CN,
            Self::En => &EN,
        }
    }
}

/// Declares [`Words`] and its [`Words::entries`] from one list of keys.
macro_rules! words {
    ($($(#[$doc:meta])* $key:ident),* $(,)?) => {
        /// The shared words of one language.
        #[derive(Debug)]
        pub struct Words {
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Words {
            /// Every key with its string, for coverage checks.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
    };
}

words! {
    app_name,
    /// The tray's item that brings the window back.
    open_app,
    sync_now,
    quit,
    state_idle,
    /// Followed, in the tray, by the circle and the progress.
    state_syncing,
    state_caught_up,
    state_needs_login,
    state_failed,
    /// The service cannot be reached; the sync goes on by itself when it can.
    state_offline,
    /// While another process (`orrery-cli`, a second app) syncs the same archive.
    waiting_for_other_sync,
    /// The notification the first time the window is closed while the app goes on in the tray.
    kept_in_tray_title,
    kept_in_tray_body,
    /// The day's request budget is spent: the background sync rests until midnight.
    budget_spent,
    /// The title of the window showing the service's own sign-in page.
    login_window_title,
    /// The notification when the service ends the sign-in (HTTP 401).
    needs_login_title,
    needs_login_body,
    /// The member paused syncing; and the buttons that pause and resume it.
    state_paused,
    pause_sync,
    resume_sync,
    /// How long the work left takes: `{t}` is a [`Words::duration`] ([`Words::left`]).
    time_left,
    /// Less than a minute of work left.
    almost_done,
    /// Units of [`Words::duration`]: `{n}` days, hours, minutes; under a minute.
    days,
    hours,
    minutes,
    under_a_minute,
}

static ZH_CN: Words = Words {
    app_name: "星仪",
    open_app: "打开星仪",
    sync_now: "立即同步",
    quit: "退出",
    state_idle: "未在同步",
    state_syncing: "同步中",
    state_caught_up: "已是最新",
    state_needs_login: "需要重新登录",
    state_failed: "同步出错，稍后重试",
    state_offline: "离线：网络恢复后自动继续同步",
    waiting_for_other_sync: "等待另一个同步结束（星仪或 orrery-cli）",
    kept_in_tray_title: "星仪仍在托盘中运行",
    kept_in_tray_body: "窗口关闭后，星仪会继续同步，并在你的提问有了回答时通知你。从托盘菜单退出。",
    budget_spent: "今日请求额度已用完，午夜后继续同步（“立即同步”仍可用）",
    login_window_title: "登录知识星球",
    needs_login_title: "需要重新登录知识星球",
    needs_login_body: "知识星球结束了这次登录。已存档的内容仍可阅读；用微信扫码重新登录后，同步从停下的地方继续。",
    state_paused: "同步已暂停",
    pause_sync: "暂停同步",
    resume_sync: "继续同步",
    time_left: "约需 {t}",
    almost_done: "不到 1 分钟即可完成",
    days: "{n} 天",
    hours: "{n} 小时",
    minutes: "{n} 分钟",
    under_a_minute: "不到 1 分钟",
};

static EN: Words = Words {
    app_name: "Orrery",
    open_app: "Open Orrery",
    sync_now: "Sync now",
    quit: "Quit",
    state_idle: "Not syncing",
    state_syncing: "Syncing",
    state_caught_up: "Up to date",
    state_needs_login: "Sign in again",
    state_failed: "Sync failed; retrying later",
    state_offline: "Offline; syncing resumes when the network is back",
    waiting_for_other_sync: "Waiting for another sync of this archive (Orrery or orrery-cli)",
    kept_in_tray_title: "Orrery keeps running in the tray",
    kept_in_tray_body: "It goes on syncing and tells you when your questions are answered. Quit from the tray menu.",
    budget_spent: "Today's request budget is spent; syncing resumes after midnight (Sync now still works)",
    login_window_title: "Sign in to ZSXQ",
    needs_login_title: "Sign in to ZSXQ again",
    needs_login_body: "ZSXQ ended this sign-in. The archive stays readable; sign in again and syncing continues where it stopped.",
    state_paused: "Sync paused",
    pause_sync: "Pause syncing",
    resume_sync: "Resume syncing",
    time_left: "about {t} left",
    almost_done: "done within a minute",
    days: "{n} d",
    hours: "{n} h",
    minutes: "{n} min",
    under_a_minute: "under a minute",
};

impl Words {
    /// The sync state in a word or two (the status bar's label).
    pub fn state(&self, state: SyncStateDto) -> &'static str {
        match state {
            SyncStateDto::Idle => self.state_idle,
            SyncStateDto::Syncing => self.state_syncing,
            SyncStateDto::CaughtUp => self.state_caught_up,
            SyncStateDto::NeedsLogin => self.state_needs_login,
            SyncStateDto::Failed => self.state_failed,
            SyncStateDto::Offline => self.state_offline,
        }
    }

    /// The tray's status line: the state, and while syncing the circle, how far the run is
    /// and how long the work left takes.
    pub fn status_line(&self, s: &SyncStatusDto) -> String {
        let word = self.state(s.state);
        if s.paused && s.state != SyncStateDto::Syncing {
            return self.state_paused.to_owned();
        }
        if s.resting_until_ms.is_some() && s.state != SyncStateDto::Syncing {
            return self.budget_spent.to_owned();
        }
        if s.state != SyncStateDto::Syncing {
            return word.to_owned();
        }
        if s.waiting {
            return self.waiting_for_other_sync.to_owned();
        }
        let progress = format!("({}/{})", s.circles_done, s.circles_total);
        let line = match &s.circle {
            Some(circle) => format!("{word} {circle} {progress}"),
            None => format!("{word} {progress}"),
        };
        match s.remaining_ms.filter(|&ms| ms > 0) {
            Some(ms) => format!("{line} · {}", self.left(ms)),
            None => line,
        }
    }

    /// How long the work left takes, in a phrase: "约需 2 小时 5 分钟", "about 2 h 5 min left",
    /// "done within a minute".
    pub fn left(&self, ms: u64) -> String {
        if ms < 60_000 {
            return self.almost_done.to_owned();
        }
        self.time_left.replace("{t}", &self.duration(ms))
    }

    /// A duration rounded the way an estimate deserves: days and hours, hours and minutes, or
    /// minutes ("2 天 3 小时", "2 h 5 min", "under a minute").
    pub fn duration(&self, ms: u64) -> String {
        let minutes = ms.div_ceil(60_000);
        if ms < 60_000 {
            return self.under_a_minute.to_owned();
        }
        let unit = |template: &str, n: u64| template.replace("{n}", &n.to_string());
        let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
        match (days, hours) {
            (0, 0) => unit(self.minutes, mins),
            (0, _) if mins == 0 => unit(self.hours, hours),
            (0, _) => format!("{} {}", unit(self.hours, hours), unit(self.minutes, mins)),
            (_, 0) => unit(self.days, days),
            _ => format!("{} {}", unit(self.days, days), unit(self.hours, hours)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_names_the_circle_and_the_progress() {
        let (zh, en) = (Lang::ZhCn.words(), Lang::En.words());
        let syncing = SyncStatusDto {
            state: SyncStateDto::Syncing,
            circle: Some("读书会".to_owned()),
            circles_done: 2,
            circles_total: 5,
            ..SyncStatusDto::default()
        };
        assert_eq!(zh.status_line(&syncing), "同步中 读书会 (2/5)");
        assert_eq!(en.status_line(&syncing), "Syncing 读书会 (2/5)");
        let starting = SyncStatusDto {
            circle: None,
            ..syncing.clone()
        };
        assert_eq!(en.status_line(&starting), "Syncing (2/5)");
        let waiting = SyncStatusDto {
            waiting: true,
            ..starting.clone()
        };
        assert_eq!(zh.status_line(&waiting), zh.waiting_for_other_sync);
        let expired = SyncStatusDto {
            state: SyncStateDto::NeedsLogin,
            ..SyncStatusDto::default()
        };
        assert_eq!(zh.status_line(&expired), "需要重新登录");
        assert_eq!(en.status_line(&SyncStatusDto::default()), "Not syncing");
        let estimated = SyncStatusDto {
            remaining_ms: Some(2 * 3_600_000 + 5 * 60_000),
            ..syncing.clone()
        };
        assert_eq!(
            zh.status_line(&estimated),
            "同步中 读书会 (2/5) · 约需 2 小时 5 分钟"
        );
        assert_eq!(
            en.status_line(&estimated),
            "Syncing 读书会 (2/5) · about 2 h 5 min left"
        );
        let paused = SyncStatusDto {
            paused: true,
            ..SyncStatusDto::default()
        };
        assert_eq!(zh.status_line(&paused), "同步已暂停");
    }

    #[test]
    fn durations_are_rounded_like_estimates() {
        let (zh, en) = (Lang::ZhCn.words(), Lang::En.words());
        assert_eq!(en.duration(20_000), "under a minute");
        assert_eq!(en.duration(61_000), "2 min");
        assert_eq!(en.duration(3_600_000), "1 h");
        assert_eq!(zh.duration(26 * 3_600_000), "1 天 2 小时");
        assert_eq!(en.duration(3 * 86_400_000), "3 d");
        assert_eq!(en.left(30_000), "done within a minute");
        assert_eq!(zh.left(90_000), "约需 2 分钟");
    }

    #[test]
    fn languages_from_tags_and_settings() {
        for tag in ["zh-CN", "zh", "zh_CN.UTF-8", "ZH-tw", " zh-SG "] {
            assert_eq!(Lang::from_tag(tag), Lang::ZhCn, "{tag}");
        }
        for tag in ["en-US", "C.UTF-8", "", "ja-JP"] {
            assert_eq!(Lang::from_tag(tag), Lang::En, "{tag}");
        }
        for lang in [Lang::ZhCn, Lang::En] {
            assert_eq!(Lang::from_setting(lang.setting()), lang);
        }
    }

    /// Every word is there in both languages, different in each, Chinese in the Chinese table.
    #[test]
    fn every_word_is_translated() {
        let (zh, en) = (ZH_CN.entries(), EN.entries());
        assert_eq!(zh.len(), en.len());
        let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        for ((key, z), (_, e)) in zh.iter().zip(&en) {
            assert!(
                !z.trim().is_empty() && !e.trim().is_empty(),
                "{key} is empty"
            );
            assert_ne!(z, e, "{key} is not translated");
            assert!(has_cjk(z), "zh-CN {key} has no Chinese: {z:?}");
            assert!(!has_cjk(e), "English {key} is Chinese: {e:?}");
        }
    }
}
