//! Every string the user reads, in zh-CN and English.
//!
//! A [`Texts`] table per language: a key is a struct field, so a missing translation or a
//! misspelt key fails to compile. Chinese is the default whenever the system language is Chinese.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
    En,
}

impl Locale {
    /// The locale for a BCP 47 language tag such as `navigator.language`.
    pub fn from_tag(tag: &str) -> Self {
        if tag.trim().to_ascii_lowercase().starts_with("zh") {
            Self::ZhCn
        } else {
            Self::En
        }
    }

    /// The system's locale, as the webview reports it.
    pub fn detect() -> Self {
        let tag = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Self::from_tag(&tag)
    }

    /// The other language, for the toggle.
    pub fn other(self) -> Self {
        match self {
            Self::ZhCn => Self::En,
            Self::En => Self::ZhCn,
        }
    }

    /// The value for the `lang` attribute of the page.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Self::ZhCn => &ZH_CN,
            Self::En => &EN,
        }
    }
}

/// Declares [`Texts`] and its [`Texts::entries`] from one list of keys.
macro_rules! texts {
    ($($(#[$doc:meta])* $key:ident),* $(,)?) => {
        #[derive(Debug)]
        pub struct Texts {
            $($(#[$doc])* pub $key: &'static str,)*
        }

        impl Texts {
            /// Every key with its string, for coverage checks.
            #[cfg_attr(not(test), allow(dead_code))]
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
    };
}

texts! {
    app_name,
    tagline,
    /// The label of the language toggle, written in the language it switches to.
    switch_language,
    demo_mode,
    signed_in,
    welcome_title,
    welcome_demo,
    version,
    data_dir,
    loading,
    shell_unreachable,
    circles_title,
    no_circles,
    /// After a count of topics.
    topics_unit,
    /// After a count of comments.
    comments_unit,
    circle_expired,
    sync_idle,
    sync_syncing,
    sync_caught_up,
    sync_needs_login,
    sync_failed,
}

static ZH_CN: Texts = Texts {
    app_name: "星仪",
    tagline: "离线的知识星球",
    switch_language: "English",
    demo_mode: "演示模式",
    signed_in: "已登录",
    welcome_title: "欢迎使用星仪",
    welcome_demo: "尚未登录账号，正在展示内置的演示星球。",
    version: "版本",
    data_dir: "数据目录",
    loading: "正在加载…",
    shell_unreachable: "无法连接到应用核心：",
    circles_title: "我的星球",
    no_circles: "还没有星球。",
    topics_unit: "条主题",
    comments_unit: "条评论",
    circle_expired: "已过期",
    sync_idle: "等待同步",
    sync_syncing: "正在同步…",
    sync_caught_up: "已是最新",
    sync_needs_login: "登录已失效，请重新登录",
    sync_failed: "同步出错，稍后自动重试",
};

static EN: Texts = Texts {
    app_name: "Orrery",
    tagline: "知识星球, offline",
    switch_language: "中文",
    demo_mode: "Demo mode",
    signed_in: "Signed in",
    welcome_title: "Welcome to Orrery",
    welcome_demo: "No account yet: you are looking at the built-in demo circle.",
    version: "Version",
    data_dir: "Data folder",
    loading: "Loading…",
    shell_unreachable: "Cannot reach the app core: ",
    circles_title: "My circles",
    no_circles: "No circles yet.",
    topics_unit: "topics",
    comments_unit: "comments",
    circle_expired: "Expired",
    sync_idle: "Waiting to sync",
    sync_syncing: "Syncing…",
    sync_caught_up: "Up to date",
    sync_needs_login: "ZSXQ signed you out: sign in again",
    sync_failed: "Sync failed; retrying later",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_system_languages_pick_zh_cn() {
        for tag in ["zh-CN", "zh", "zh-Hans-CN", "ZH-tw", " zh-SG "] {
            assert_eq!(Locale::from_tag(tag), Locale::ZhCn, "{tag}");
        }
        for tag in ["en-US", "fr", "", "ja-JP"] {
            assert_eq!(Locale::from_tag(tag), Locale::En, "{tag}");
        }
    }

    #[test]
    fn toggle_alternates() {
        for locale in [Locale::ZhCn, Locale::En] {
            assert_eq!(locale.other().other(), locale);
            assert_ne!(locale.other(), locale);
        }
    }

    /// Every key has a non-empty string in both languages, and no English string was left
    /// untranslated in the Chinese table.
    #[test]
    fn every_string_is_translated() {
        let (zh, en) = (ZH_CN.entries(), EN.entries());
        assert_eq!(zh.len(), en.len());
        for ((key, z), (_, e)) in zh.iter().zip(&en) {
            assert!(!z.trim().is_empty(), "empty zh-CN string for {key}");
            assert!(!e.trim().is_empty(), "empty English string for {key}");
            assert_ne!(z, e, "{key} is not translated");
        }
    }
}
