//! Every string the user reads, in zh-CN and English.
//!
//! A [`Texts`] table per language: a key is a struct field, so a missing translation or a
//! misspelt key fails to compile (the same guarantee leptos_i18n gives, without its build
//! step). The words the tray shows too (the sync states, "sync now", the app's name) are not
//! here but in `orrery_ipc::words`, which both read, reached as [`Texts::words`]. Chinese is
//! the default whenever the system language is Chinese; the member can pick either in
//! Settings. A failed command is told by its [`ErrorCode`] in the member's language
//! ([`Texts::error`]): the core's own message is English and only a detail.

use orrery_ipc::ErrorCode;
use orrery_ipc::commands::LanguageDto;
use orrery_ipc::words::{Lang, Words};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
    En,
}

impl Locale {
    /// The locale for a BCP 47 language tag such as `navigator.language`.
    pub fn from_tag(tag: &str) -> Self {
        Self::from_lang(Lang::from_tag(tag))
    }

    fn from_lang(lang: Lang) -> Self {
        match lang {
            Lang::ZhCn => Self::ZhCn,
            Lang::En => Self::En,
        }
    }

    /// The same language in the table shared with the tray.
    pub fn lang(self) -> Lang {
        match self {
            Self::ZhCn => Lang::ZhCn,
            Self::En => Lang::En,
        }
    }

    /// The system's locale, as the webview reports it.
    pub fn detect() -> Self {
        let tag = web_sys::window()
            .and_then(|w| w.navigator().language())
            .unwrap_or_default();
        Self::from_tag(&tag)
    }

    /// The member's choice, else the system's language as the core read it (`system`), else
    /// as the webview reports it.
    pub fn chosen(choice: Option<LanguageDto>, system: Option<LanguageDto>) -> Self {
        choice
            .or(system)
            .map_or_else(Self::detect, |c| Self::from_lang(Lang::from_setting(c)))
    }

    /// The other language, for the toggle.
    pub fn other(self) -> Self {
        match self {
            Self::ZhCn => Self::En,
            Self::En => Self::ZhCn,
        }
    }

    /// As a setting.
    pub fn setting(self) -> LanguageDto {
        self.lang().setting()
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
            /// The words shared with the tray.
            pub words: &'static Words,
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
    tagline,
    /// The label of the language toggle, written in the language it switches to.
    switch_language,
    loading,
    shell_unreachable,
    demo_mode,
    signed_in,
    demo_banner,
    /// The reader's empty state before any sign-in, in two lines: what Orrery does, and what
    /// stays on the machine.
    welcome_what,
    welcome_where,
    needs_login_banner,
    /// Followed by the date.
    expiry_banner,
    sign_in,
    search_placeholder,
    settings,
    circles_title,
    no_circles,
    circle_expired,
    /// After an unread count (tooltip).
    unread,
    mark_all_read,
    tab_latest,
    tab_digests,
    tab_owner,
    tab_questions,
    tab_tasks,
    filter_hashtag,
    filter_column,
    filter_none,
    /// The timeline's toggle that leaves out topics deleted on 知识星球.
    hide_deleted,
    pick_circle,
    no_topics,
    end_of_timeline,
    sticky,
    digest,
    answered,
    unanswered,
    anonymous,
    /// The mark of a topic deleted on 知识星球 (kept by the archive).
    deleted,
    /// When the deletion was noticed: `{time}` is replaced by it (see `format::fill`).
    deleted_notice,
    /// The mark of a topic whose text changed after the archive kept it.
    edited,
    /// When the current text was last edited: `{time}`.
    edited_at,
    /// The disclosure of earlier versions: `{n}` is their number.
    earlier_versions,
    /// One earlier version: `{n}` is its number.
    revision_number,
    /// When an earlier version was replaced: `{time}`.
    replaced_at,
    /// After a count of likes.
    likes_unit,
    /// After a count of comments.
    comments_unit,
    /// After a count of topics.
    topics_unit,
    kind_talk,
    kind_question,
    kind_task,
    kind_solution,
    kind_other,
    pick_topic,
    role_question,
    role_answer,
    role_task,
    role_solution,
    article,
    article_not_archived,
    open_in_browser,
    files,
    file_save,
    file_saving,
    file_saved,
    comments_title,
    no_comments,
    replied_to,
    image_not_cached,
    close,
    search_title,
    search_hint,
    sort_newest,
    sort_relevance,
    /// After a count of results.
    results_unit,
    no_results,
    index_building,
    see_all_results,
    load_more,
    hit_talk,
    hit_question,
    hit_answer,
    hit_article,
    hit_task,
    hit_solution,
    hit_comment,
    hit_document,
    chip_source,
    chip_text,
    chip_circle,
    chip_type,
    chip_author,
    chip_tag,
    chip_digest,
    chip_unanswered,
    chip_deleted,
    chip_after,
    chip_before,
    chip_not,
    chip_remove,
    cancel_sync,
    retry,
    last_synced,
    offline,
    /// After done/total circles.
    progress_circles,
    /// After a count of pages.
    progress_pages,
    /// After a count of new topics.
    progress_new,
    settings_title,
    language,
    follow_system,
    theme,
    theme_light,
    theme_dark,
    sync_interval,
    request_interval,
    /// The daily request budget's field.
    daily_requests,
    /// Start at login (in the tray).
    start_at_login,
    /// Marking read here moves the service's read markers too (the phone agrees).
    send_read_markers,
    /// Under it: today's use, `{n}` requests.
    requests_today,
    pacing_warning,
    image_cache,
    applies_next_start,
    data_dir,
    log_dir,
    open_folder,
    version,
    account,
    sign_out,
    /// The box beside "sign out"; `{size}` is the archive's size.
    sign_out_delete_archive,
    /// The button once that box is ticked, asking once more.
    sign_out_confirm_delete,
    /// The bell and the inbox page's title.
    inbox_title,
    /// The bell's accessible name with unread events: `{n}` is their number.
    inbox_bell_label,
    /// The inbox's unread count: `{n}`.
    inbox_unread_count,
    /// What the empty inbox says will appear in it.
    inbox_empty,
    /// Inbox headlines by kind; `{name}` is who did it.
    inbox_answer,
    inbox_question_for_me,
    inbox_reply,
    inbox_mention,
    inbox_comment,
    inbox_digest,
    inbox_owner_post,
    my_questions_title,
    /// What the empty "my questions" page says will appear in it.
    my_questions_empty,
    /// Who a question was asked of: `{name}`.
    asked_of,
    /// When a question was asked: `{time}` is the relative time ("3 天前").
    asked_at,
    /// The brief's page and its sidebar entry (今日速览 / Catch up).
    brief_title,
    /// Settings' list of follows and mutes.
    brief_marks_hint,
    brief_marks_following,
    brief_marks_muted,
    brief_marks_remove,
    brief_marks_empty,
    brief_marks_tag_placeholder,
    brief_marks_follow_tag,
    brief_marks_mute_tag,
    /// Before the reader's follow and mute buttons for the topic's author and hashtags.
    brief_marks_reader,
    /// The export dialog (from a circle's timeline or a search).
    export_button,
    export_title,
    export_hint,
    export_markdown,
    export_html,
    export_jsonl,
    export_epub,
    /// `{n}` topics picked for an export (`x`, Ctrl/Cmd+click).
    picked_count,
    picked_clear,
    export_start,
    export_cancel,
    export_close,
    /// While exporting: `{n}` topics done so far.
    export_progress,
    export_done,
    /// `{n}` files new or changed.
    export_counts,
    export_images_missing,
    export_cancelled,
    /// How many items the brief lists: `{n}`.
    brief_count,
    /// Tooltip of the count: `{time}` is the window's start.
    brief_since,
    /// The toggle between one ranking and circle by circle.
    brief_group,
    brief_refresh,
    /// The brief's keys, one line.
    brief_keys,
    brief_empty,
    brief_empty_hint,
    /// The collapsed noise: `{n}` items.
    brief_noise,
    brief_noise_hint,
    /// A group's count: `{n}` items.
    brief_group_count,
    /// The actions on an item (each title names its key).
    brief_open_title,
    brief_done,
    brief_done_title,
    brief_save,
    brief_save_title,
    brief_unsave,
    brief_unsave_title,
    brief_mute,
    brief_mute_title,
    brief_follow,
    brief_follow_title,
    brief_undo,
    brief_undo_title,
    /// The mark of an item saved for later.
    brief_saved_mark,
    /// What the last step did: `{n}` topics marked read.
    brief_said_done,
    brief_said_saved,
    brief_said_unsaved,
    /// `{name}` muted.
    brief_said_muted,
    /// `{name}` followed.
    brief_said_followed,
    brief_said_undone,
    /// The saved list's page and its sidebar entry (稍后读 / Read later).
    saved_title,
    saved_empty,
    /// The saved page's keys, one line.
    saved_keys,
    /// 已保存 / Saved: the imported documents' page, sidebar entry and search label.
    documents_title,
    documents_empty,
    documents_import,
    documents_import_hint,
    documents_import_path,
    documents_import_go,
    documents_importing,
    /// The summary: `{added}`, `{updated}`, `{unchanged}`, `{failed}` in this order.
    documents_import_done,
    documents_pick,
    documents_highlights,
    documents_original,
    documents_origin,
    documents_remove,
    /// A row's count of highlights: `{n}`.
    documents_highlight_count,
    notifications_title,
    notifications_hint,
    notify_enabled,
    notify_kinds,
    notify_answers,
    notify_questions_for_me,
    notify_replies,
    notify_mentions,
    notify_comments,
    notify_digests,
    notify_owner_posts,
    quiet_hours,
    /// The quiet hours' switch, under the `quiet_hours` heading.
    quiet_hours_on,
    quiet_hours_from,
    quiet_hours_until,
    quiet_hours_hint,
    notify_circles,
    /// What to mirror of each circle (Settings).
    mirror_title,
    mirror_hint,
    mirror_all,
    /// `{n}` is the number of months.
    mirror_months,
    mirror_nothing,
    /// `{archived}` of the service's `{total}` topics are archived.
    mirror_size,
    /// The service has not said the circle's size yet (the first minute of a first sync).
    mirror_size_unknown,
    /// Nothing of the choice is left to fetch.
    mirror_complete,
    /// Under the choices: `{t}` for everything chosen, at the pace of `{s}` seconds a request.
    mirror_total,
    mirror_total_unknown,
    mirror_pace,
    /// The screen after sign-in.
    setup_title,
    setup_intro,
    setup_done,
    /// The sidebar's tag of a circle mirrored not at all.
    circle_unsynced,
    notify_mute,
    notify_follow,
    signin_title,
    signin_intro,
    /// The main way in: the service's own page in a window of the app's.
    signin_web,
    signin_web_hint,
    signin_web_waiting,
    /// The folded section with the token field.
    signin_other,
    signin_step1,
    signin_step2,
    signin_step3,
    token_label,
    signin_submit,
    signin_checking,
    try_demo,
    back,
    /// What was wrong with a refused sign-in, before the core's detail.
    signin_refused,
    error_invalid_input,
    error_not_found,
    error_needs_login,
    error_unavailable,
    error_ipc,
    error_internal,
}

static ZH_CN: Texts = Texts {
    words: Lang::ZhCn.words(),
    tagline: "离线的知识星球",
    switch_language: "English",
    loading: "正在加载…",
    shell_unreachable: "无法连接到应用核心：",
    demo_mode: "演示模式",
    signed_in: "已登录",
    demo_banner: "你正在浏览内置的演示星球。登录后即可离线阅读你加入的全部星球。",
    welcome_what: "星仪把你加入的知识星球完整存到本机：离线可读，中英文即时搜索，提问有了回答会通知你。",
    welcome_where: "存档与登录凭证只留在这台电脑（凭证在系统钥匙串中），不经过任何第三方。",
    needs_login_banner: "知识星球已让此登录失效：已存档的内容仍可阅读，重新登录后继续同步。",
    expiry_banner: "登录凭证即将过期，到期日：",
    sign_in: "登录",
    search_placeholder: "搜索全部星球…",
    settings: "设置",
    circles_title: "我的星球",
    no_circles: "还没有星球，首次同步完成后会出现在这里。",
    circle_expired: "已过期",
    unread: "未读",
    mark_all_read: "全部标为已读",
    tab_latest: "最新",
    tab_digests: "精华",
    tab_owner: "只看星主",
    tab_questions: "问答",
    tab_tasks: "作业",
    filter_hashtag: "话题",
    filter_column: "专栏",
    filter_none: "全部",
    hide_deleted: "隐藏已删除",
    pick_circle: "在左侧选择一个星球开始阅读。",
    no_topics: "这里还没有主题。",
    end_of_timeline: "已经到底了",
    sticky: "置顶",
    digest: "精华",
    answered: "已回答",
    unanswered: "待回答",
    anonymous: "匿名",
    deleted: "已删除",
    deleted_notice: "已于 {time} 发现在知识星球上被删除",
    edited: "已编辑",
    edited_at: "最后编辑于 {time}",
    earlier_versions: "{n} 个早先版本",
    revision_number: "第 {n} 版",
    replaced_at: "于 {time} 被替换",
    likes_unit: "赞",
    comments_unit: "评论",
    topics_unit: "条主题",
    kind_talk: "主题",
    kind_question: "问答",
    kind_task: "作业",
    kind_solution: "作业提交",
    kind_other: "其他",
    pick_topic: "选择一条主题阅读。",
    role_question: "提问",
    role_answer: "回答",
    role_task: "作业",
    role_solution: "提交",
    article: "文章",
    article_not_archived: "文章正文尚未存档，下次同步时获取。",
    open_in_browser: "在浏览器中打开",
    files: "附件",
    file_save: "保存到下载",
    file_saving: "正在下载…",
    file_saved: "已保存到 ",
    comments_title: "评论",
    no_comments: "暂无评论",
    replied_to: "回复",
    image_not_cached: "图片尚未缓存",
    close: "关闭",
    search_title: "搜索",
    search_hint: "支持 \"短语\"、-排除、circle:星球 type:提问 author:作者 tag:话题 is:digest is:unanswered is:deleted after:2024-01-01",
    sort_newest: "最新优先",
    sort_relevance: "相关度优先",
    results_unit: "条结果",
    no_results: "没有找到匹配的内容。",
    index_building: "搜索索引正在建立，稍候再试。",
    see_all_results: "在搜索页查看全部结果",
    load_more: "加载更多",
    hit_talk: "主题",
    hit_question: "提问",
    hit_answer: "回答",
    hit_article: "文章",
    hit_task: "作业",
    hit_solution: "作业提交",
    hit_comment: "评论",
    hit_document: "文档",
    chip_source: "来源",
    chip_text: "包含",
    chip_circle: "星球",
    chip_type: "类型",
    chip_author: "作者",
    chip_tag: "话题",
    chip_digest: "精华",
    chip_unanswered: "待回答",
    chip_deleted: "已删除",
    chip_after: "晚于",
    chip_before: "早于",
    chip_not: "不含",
    chip_remove: "移除此条件",
    cancel_sync: "取消",
    retry: "重试",
    last_synced: "上次同步：",
    offline: "离线",
    progress_circles: "个星球",
    progress_pages: "页",
    progress_new: "条新主题",
    settings_title: "设置",
    language: "语言",
    follow_system: "跟随系统",
    theme: "外观",
    theme_light: "浅色",
    theme_dark: "深色",
    sync_interval: "同步间隔（分钟）",
    request_interval: "请求间隔（秒）",
    daily_requests: "每日请求上限（后台同步）",
    start_at_login: "登录电脑时启动星仪（在托盘中后台同步）",
    send_read_markers: "在这里标为已读时，同步到知识星球（手机上的未读数随之更新）",
    requests_today: "今天已发出 {n} 个请求。用完后，后台同步会等到午夜；“立即同步”仍可用。",
    pacing_warning: "请求过快可能导致知识星球封禁你的账号，建议不低于 2 秒。",
    image_cache: "图片缓存上限（MiB）",
    applies_next_start: "下次启动时生效",
    data_dir: "数据目录",
    log_dir: "日志目录",
    open_folder: "打开",
    version: "版本",
    account: "账号",
    sign_out: "退出登录",
    sign_out_delete_archive: "同时删除本机存档（{size}）：主题、搜索索引、图片；设置与日志保留",
    sign_out_confirm_delete: "确认退出并删除 {size} 存档",
    inbox_title: "消息",
    inbox_bell_label: "消息，{n} 条未读",
    inbox_unread_count: "{n} 条未读",
    inbox_empty: "这里会出现与你有关的消息：你的提问收到的回答、向你的提问、对你的回复、@你的内容、你的主题收到的评论，以及你关注的星球的新精华与星主新帖。",
    inbox_answer: "你的提问有了回答",
    inbox_question_for_me: "有新提问等你回答",
    inbox_reply: "{name} 回复了你",
    inbox_mention: "{name} 提到了你",
    inbox_comment: "{name} 评论了你的主题",
    inbox_digest: "新精华",
    inbox_owner_post: "{name} 发布了新主题",
    my_questions_title: "我的提问",
    my_questions_empty: "你在星球里提出的问题会出现在这里，并标明是否已得到回答。",
    asked_of: "提问对象：{name}",
    asked_at: "{time}提问",
    brief_title: "今日速览",
    brief_marks_hint: "关注的作者和话题排得更靠前，屏蔽的放进底部的噪音里。",
    brief_marks_following: "已关注",
    brief_marks_muted: "已屏蔽",
    brief_marks_remove: "取消",
    brief_marks_empty: "还没有关注或屏蔽任何作者和话题（在今日速览里按 f 关注、m 屏蔽作者）。",
    brief_marks_tag_placeholder: "话题名，如 读书",
    brief_marks_follow_tag: "关注话题",
    brief_marks_mute_tag: "屏蔽话题",
    brief_marks_reader: "在今日速览里",
    export_button: "导出…",
    export_title: "导出",
    export_hint: "导出到“文档”文件夹里的 Orrery 文件夹；再次导出同样的内容时，只更新有变化的文件，不删除你自己添加的文件。",
    export_markdown: "Markdown 笔记库（Obsidian）",
    export_html: "单个 HTML 文件（可打印为 PDF）",
    export_jsonl: "JSON Lines（给脚本用）",
    export_epub: "EPUB 电子书（给阅读器用）",
    picked_count: "已选 {n} 篇",
    picked_clear: "清除选择",
    export_start: "开始导出",
    export_cancel: "取消",
    export_close: "关闭",
    export_progress: "已导出 {n} 个主题",
    export_done: "已导出到 {path}",
    export_counts: "{n} 个文件有更新，其余未变",
    export_images_missing: "{n} 张图片尚未缓存，未包含在内",
    export_cancelled: "已取消，没有留下不完整的文件。",
    brief_count: "{n} 条值得一看",
    brief_since: "自 {time} 以来的未读",
    brief_group: "按星球分组",
    brief_refresh: "刷新",
    brief_keys: "j/k 移动 · Enter 或 o 打开 · e 完成 · s 稍后读 · m 屏蔽作者 · f 关注作者 · u 撤销",
    brief_empty: "都看完了",
    brief_empty_hint: "新的主题同步后会出现在这里。",
    brief_noise: "已折叠的噪音 · {n} 条",
    brief_noise_hint: "打卡、致谢、只有链接、重复的内容，以及你屏蔽的作者。",
    brief_group_count: "{n} 条",
    brief_open_title: "在阅读器中打开（Enter 或 o）",
    brief_done: "完成",
    brief_done_title: "标为已读，移出速览（e）",
    brief_save: "稍后读",
    brief_save_title: "留到稍后读（s）",
    brief_unsave: "移出稍后读",
    brief_unsave_title: "从稍后读中移除（s）",
    brief_mute: "屏蔽作者",
    brief_mute_title: "屏蔽此作者：其主题归入噪音（m）",
    brief_follow: "关注作者",
    brief_follow_title: "关注此作者：其主题排在前面（f）",
    brief_undo: "撤销",
    brief_undo_title: "撤销上一步（u）",
    brief_saved_mark: "已存稍后读",
    brief_said_done: "已将 {n} 条标为已读",
    brief_said_saved: "已存入稍后读",
    brief_said_unsaved: "已移出稍后读",
    brief_said_muted: "已屏蔽 {name}",
    brief_said_followed: "已关注 {name}",
    brief_said_undone: "已撤销",
    saved_title: "稍后读",
    saved_empty: "在今日速览中按 s，把主题留到稍后再读。",
    saved_keys: "j/k 移动 · Enter 打开 · s 移出稍后读 · u 撤销",
    documents_title: "已保存",
    documents_empty: "这里放你在别处保存的文章和笔记：Obsidian 笔记库、Omnivore 或 Readwise 的导出、保存的网页。导入后，它们和星球内容一起被搜索（source:saved）。",
    documents_import: "导入…",
    documents_import_hint: "Markdown 文件或文件夹（含 Obsidian 库）、Omnivore/Readwise 导出、.html 网页；GBK 编码也可以。也可以直接把文件拖进窗口。再次导入同一文件会更新它。",
    documents_import_path: "文件或文件夹的路径",
    documents_import_go: "导入",
    documents_importing: "正在导入…",
    documents_import_done: "新增 {added} 篇，更新 {updated} 篇，未变 {unchanged} 篇，失败 {failed} 个",
    documents_pick: "选择一篇文档阅读。",
    documents_highlights: "划线与笔记",
    documents_original: "打开原文",
    documents_origin: "导入自",
    documents_remove: "从已保存中移除",
    documents_highlight_count: "{n} 处划线",
    notifications_title: "通知",
    notifications_hint: "无论是否通知，所有消息都会进入消息列表；这里只决定哪些会弹出桌面通知。",
    notify_enabled: "显示桌面通知",
    notify_kinds: "通知以下消息",
    notify_answers: "我的提问有了回答",
    notify_questions_for_me: "有人向我提问",
    notify_replies: "有人回复我",
    notify_mentions: "有人提到（@）我",
    notify_comments: "有人评论我的主题",
    notify_digests: "新精华（关注的星球）",
    notify_owner_posts: "星主新帖（关注的星球）",
    quiet_hours: "免打扰时段",
    quiet_hours_on: "在以下时段内不弹出通知",
    quiet_hours_from: "开始",
    quiet_hours_until: "结束",
    quiet_hours_hint: "期间到达的消息会在结束时汇总为一条通知。",
    notify_circles: "按星球设置",
    mirror_title: "同步范围",
    mirror_hint: "每个星球可以完整同步、只同步最近几个月，或不同步（仍在列表中）。缩小范围只是不再下载，已存档的内容不会删除。",
    mirror_all: "全部",
    mirror_months: "最近 {n} 个月",
    mirror_nothing: "不同步",
    mirror_size: "已存 {archived} / 共 {total} 条",
    mirror_size_unknown: "正在读取星球大小…",
    mirror_complete: "已完整",
    mirror_total: "按现在的选择：{t}",
    mirror_total_unknown: "读取完所有星球的大小后，这里会估算所需时间。",
    mirror_pace: "按稳妥的速度估算：约每 {s} 秒一个请求，以免账号被限制。",
    setup_title: "选择要同步的内容",
    setup_intro: "同步已经开始，最新的内容最先到，几分钟后就能阅读和搜索。完整的历史可能要很久：可以只同步最近几个月，或先不同步某个星球。之后随时可在设置中更改。",
    setup_done: "完成",
    circle_unsynced: "不同步",
    notify_mute: "静音",
    notify_follow: "关注精华与星主新帖",
    signin_title: "登录知识星球",
    signin_intro: "星仪用你的知识星球账号同步你加入的星球。登录凭证只保存在系统钥匙串中，不会写入任何文件。",
    signin_web: "用微信扫码登录",
    signin_web_hint: "会打开知识星球自己的登录页，用微信扫描其中的二维码即可。登录后窗口自动关闭，它的 Cookie 随即清除。",
    signin_web_waiting: "请在登录窗口中用微信扫码…",
    signin_other: "其他登录方式：粘贴访问凭证",
    signin_step1: "1. 在浏览器中打开 wx.zsxq.com 并登录。",
    signin_step2: "2. 按 F12 打开开发者工具，在“应用/存储 → Cookie”中找到 zsxq_access_token。",
    signin_step3: "3. 复制它的值，粘贴到下面。",
    token_label: "访问凭证",
    signin_submit: "验证并登录",
    signin_checking: "正在向知识星球验证…",
    try_demo: "先试用演示",
    back: "返回",
    signin_refused: "无法使用这个凭证登录：",
    error_invalid_input: "请求无效。",
    error_not_found: "找不到这项内容，它可能尚未存档。",
    error_needs_login: "知识星球要求重新登录。",
    error_unavailable: "知识星球或网络暂时不可用，请稍后再试。",
    error_ipc: "无法连接到应用核心。",
    error_internal: "出错了。",
};

static EN: Texts = Texts {
    words: Lang::En.words(),
    tagline: "知识星球, offline",
    switch_language: "中文",
    loading: "Loading…",
    shell_unreachable: "Cannot reach the app core: ",
    demo_mode: "Demo mode",
    signed_in: "Signed in",
    demo_banner: "You are looking at the built-in demo circles. Sign in to read every circle you joined, offline.",
    welcome_what: "Orrery keeps every circle you joined on this computer: readable offline, searchable at once in Chinese and English, with a notification when your question is answered.",
    welcome_where: "The archive and your sign-in stay on this computer (the sign-in in the system keyring) and pass through no third party.",
    needs_login_banner: "ZSXQ ended this sign-in: the archive stays readable; sign in again to resume syncing.",
    expiry_banner: "Your sign-in ends soon, on ",
    sign_in: "Sign in",
    search_placeholder: "Search every circle…",
    settings: "Settings",
    circles_title: "My circles",
    no_circles: "No circles yet: they appear here as the first sync archives them.",
    circle_expired: "Expired",
    unread: "unread",
    mark_all_read: "Mark all as read",
    tab_latest: "Latest",
    tab_digests: "Digests",
    tab_owner: "Owner only",
    tab_questions: "Q&A",
    tab_tasks: "Homework",
    filter_hashtag: "Hashtag",
    filter_column: "Column",
    filter_none: "All",
    hide_deleted: "Hide deleted",
    pick_circle: "Pick a circle on the left to start reading.",
    no_topics: "Nothing here yet.",
    end_of_timeline: "You have reached the end",
    sticky: "Pinned",
    digest: "Digest",
    answered: "Answered",
    unanswered: "Awaiting answer",
    anonymous: "Anonymous",
    deleted: "Deleted on ZSXQ",
    deleted_notice: "Deleted on ZSXQ — noticed {time}",
    edited: "Edited",
    edited_at: "Last edited {time}",
    earlier_versions: "Earlier versions: {n}",
    revision_number: "Version {n}",
    replaced_at: "replaced {time}",
    likes_unit: "likes",
    comments_unit: "comments",
    topics_unit: "topics",
    kind_talk: "Post",
    kind_question: "Q&A",
    kind_task: "Homework",
    kind_solution: "Submission",
    kind_other: "Other",
    pick_topic: "Pick a topic to read it.",
    role_question: "Question",
    role_answer: "Answer",
    role_task: "Homework",
    role_solution: "Submission",
    article: "Article",
    article_not_archived: "The article body is not archived yet; the next sync fetches it.",
    open_in_browser: "Open in browser",
    files: "Attachments",
    file_save: "Save to Downloads",
    file_saving: "Downloading…",
    file_saved: "Saved to ",
    comments_title: "Comments",
    no_comments: "No comments",
    replied_to: "replied to",
    image_not_cached: "Image not cached yet",
    close: "Close",
    search_title: "Search",
    search_hint: "Try \"phrases\", -exclusions, circle:name type:question author:name tag:name is:digest is:unanswered is:deleted after:2024-01-01",
    sort_newest: "Newest first",
    sort_relevance: "Most relevant",
    results_unit: "results",
    no_results: "Nothing matches.",
    index_building: "The search index is being built; try again in a moment.",
    see_all_results: "See all results",
    load_more: "Load more",
    hit_talk: "Post",
    hit_question: "Question",
    hit_answer: "Answer",
    hit_article: "Article",
    hit_task: "Homework",
    hit_solution: "Submission",
    hit_comment: "Comment",
    hit_document: "Document",
    chip_source: "Source",
    chip_text: "has",
    chip_circle: "circle",
    chip_type: "type",
    chip_author: "author",
    chip_tag: "tag",
    chip_digest: "digest",
    chip_unanswered: "unanswered",
    chip_deleted: "deleted",
    chip_after: "after",
    chip_before: "before",
    chip_not: "not",
    chip_remove: "Remove this condition",
    cancel_sync: "Cancel",
    retry: "Retry",
    last_synced: "Last synced: ",
    offline: "Offline",
    progress_circles: "circles",
    progress_pages: "pages",
    progress_new: "new topics",
    settings_title: "Settings",
    language: "Language",
    follow_system: "Same as the system",
    theme: "Appearance",
    theme_light: "Light",
    theme_dark: "Dark",
    sync_interval: "Sync every (minutes)",
    request_interval: "Seconds between requests",
    daily_requests: "Daily request budget (background sync)",
    start_at_login: "Start Orrery when I log in (in the tray, syncing)",
    send_read_markers: "Tell ZSXQ what I mark read here (the phone's unread counts follow)",
    requests_today: "{n} requests sent today. Once the budget is spent, background sync waits for midnight; Sync now still works.",
    pacing_warning: "Faster requests risk a ban of your ZSXQ account; keep at least 2 seconds.",
    image_cache: "Image cache limit (MiB)",
    applies_next_start: "Applies from the next start",
    data_dir: "Data folder",
    log_dir: "Log folder",
    open_folder: "Open",
    version: "Version",
    account: "Account",
    sign_out: "Sign out",
    sign_out_delete_archive: "Also delete this computer's archive ({size}): topics, search index, images; settings and logs stay",
    sign_out_confirm_delete: "Sign out and delete the {size} archive",
    inbox_title: "Inbox",
    inbox_bell_label: "Inbox, {n} unread",
    inbox_unread_count: "{n} unread",
    inbox_empty: "What concerns you appears here: answers to your questions, questions for you, replies, mentions, comments on your topics, and new digests and owner posts in the circles you follow.",
    inbox_answer: "Your question was answered",
    inbox_question_for_me: "A question for you",
    inbox_reply: "{name} replied to you",
    inbox_mention: "{name} mentioned you",
    inbox_comment: "{name} commented on your topic",
    inbox_digest: "New digest",
    inbox_owner_post: "{name} posted a new topic",
    my_questions_title: "My questions",
    my_questions_empty: "The questions you ask in your circles appear here, marked answered or waiting.",
    asked_of: "to {name}",
    asked_at: "asked {time}",
    brief_title: "Catch up",
    brief_marks_hint: "Followed authors and hashtags rank higher; muted ones go to the noise at the bottom.",
    brief_marks_following: "followed",
    brief_marks_muted: "muted",
    brief_marks_remove: "Remove",
    brief_marks_empty: "No author or hashtag followed or muted yet (in Catch up, f follows and m mutes an author).",
    brief_marks_tag_placeholder: "A hashtag, e.g. reading",
    brief_marks_follow_tag: "Follow hashtag",
    brief_marks_mute_tag: "Mute hashtag",
    brief_marks_reader: "In Catch up",
    export_button: "Export…",
    export_title: "Export",
    export_hint: "Into Documents/Orrery; exporting the same again rewrites only what changed and never deletes files you added.",
    export_markdown: "Markdown vault (Obsidian)",
    export_html: "One HTML file (prints to PDF)",
    export_jsonl: "JSON lines (for scripts)",
    export_epub: "EPUB book (for e-readers)",
    picked_count: "{n} picked",
    picked_clear: "Clear",
    export_start: "Export",
    export_cancel: "Cancel",
    export_close: "Close",
    export_progress: "{n} topics exported",
    export_done: "Exported to {path}",
    export_counts: "{n} files written, the rest already up to date",
    export_images_missing: "{n} images not cached yet were left out",
    export_cancelled: "Cancelled; nothing half-written was left.",
    brief_count: "{n} worth a look",
    brief_since: "Unread since {time}",
    brief_group: "Group by circle",
    brief_refresh: "Refresh",
    brief_keys: "j/k move · Enter or o open · e done · s save for later · m mute author · f follow author · u undo",
    brief_empty: "You're all caught up",
    brief_empty_hint: "New posts appear here as they sync.",
    brief_noise: "Noise, collapsed: {n}",
    brief_noise_hint: "Check-ins, thank-yous, bare links, repeats, and the authors you muted.",
    brief_group_count: "items: {n}",
    brief_open_title: "Open in the reader (Enter or o)",
    brief_done: "Done",
    brief_done_title: "Mark read and clear it (e)",
    brief_save: "Read later",
    brief_save_title: "Keep to read later (s)",
    brief_unsave: "Remove from Read later",
    brief_unsave_title: "Remove from Read later (s)",
    brief_mute: "Mute",
    brief_mute_title: "Mute this author: their posts go to the noise (m)",
    brief_follow: "Follow",
    brief_follow_title: "Follow this author: their posts rank higher (f)",
    brief_undo: "Undo",
    brief_undo_title: "Undo the last step (u)",
    brief_saved_mark: "Read later",
    brief_said_done: "Marked {n} read",
    brief_said_saved: "Kept to read later",
    brief_said_unsaved: "Removed from Read later",
    brief_said_muted: "Muted {name}",
    brief_said_followed: "Following {name}",
    brief_said_undone: "Undone",
    saved_title: "Read later",
    saved_empty: "Press s in Catch up to keep a topic for later.",
    saved_keys: "j/k move · Enter open · s remove from Read later · u undo",
    documents_title: "Saved",
    documents_empty: "What you saved elsewhere lives here: Obsidian vaults, Omnivore or Readwise exports, saved web pages. Once imported, search finds them beside your circles (source:saved).",
    documents_import: "Import…",
    documents_import_hint: "Markdown files or folders (Obsidian vaults too), Omnivore and Readwise exports, .html pages; GBK text works. Or drop them on the window. Importing a file again updates it.",
    documents_import_path: "Path of a file or folder",
    documents_import_go: "Import",
    documents_importing: "Importing…",
    documents_import_done: "{added} new, {updated} updated, {unchanged} unchanged, {failed} failed",
    documents_pick: "Pick a document to read.",
    documents_highlights: "Highlights and notes",
    documents_original: "Open the original",
    documents_origin: "Imported from",
    documents_remove: "Remove from Saved",
    documents_highlight_count: "{n} highlights",
    notifications_title: "Notifications",
    notifications_hint: "Everything reaches the inbox either way; these decide only what pops up on the desktop.",
    notify_enabled: "Show desktop notifications",
    notify_kinds: "Notify me about",
    notify_answers: "Answers to my questions",
    notify_questions_for_me: "Questions for me",
    notify_replies: "Replies to me",
    notify_mentions: "Mentions of me",
    notify_comments: "Comments on my topics",
    notify_digests: "New digests (followed circles)",
    notify_owner_posts: "Owner's new posts (followed circles)",
    quiet_hours: "Quiet hours",
    quiet_hours_on: "Hold notifications during these hours",
    quiet_hours_from: "From",
    quiet_hours_until: "Until",
    quiet_hours_hint: "What arrives meanwhile comes as one summary when they end.",
    notify_circles: "Per circle",
    mirror_title: "What to mirror",
    mirror_hint: "Each circle can be mirrored whole, for its last months only, or not at all (it stays in the list). A narrower choice only stops downloading; nothing archived is deleted.",
    mirror_all: "Everything",
    mirror_months: "Last {n} months",
    mirror_nothing: "Not synced",
    mirror_size: "{archived} of {total} topics archived",
    mirror_size_unknown: "Asking for the circle's size…",
    mirror_complete: "complete",
    mirror_total: "With these choices: {t}",
    mirror_total_unknown: "Once every circle's size is known, the time it takes shows here.",
    mirror_pace: "Estimated at a polite pace, one request every {s} s, so the account is not throttled.",
    setup_title: "Choose what to mirror",
    setup_intro: "Syncing has started with the newest posts, readable and searchable within minutes. A whole history can take long: mirror only the last months, or leave a circle out for now. Settings can change this any time.",
    setup_done: "Done",
    circle_unsynced: "Not synced",
    notify_mute: "Mute",
    notify_follow: "Follow digests and the owner's posts",
    signin_title: "Sign in to ZSXQ",
    signin_intro: "Orrery syncs the circles you joined with your ZSXQ account. The sign-in is kept only in the system keyring, never in a file.",
    signin_web: "Sign in with WeChat",
    signin_web_hint: "Opens ZSXQ's own sign-in page; scan its QR code with WeChat. The window then closes by itself and its cookies are cleared.",
    signin_web_waiting: "Scan the code in the sign-in window with WeChat…",
    signin_other: "Other ways to sign in: paste an access token",
    signin_step1: "1. Open wx.zsxq.com in your browser and sign in.",
    signin_step2: "2. Press F12, then under Application/Storage → Cookies find zsxq_access_token.",
    signin_step3: "3. Copy its value and paste it below.",
    token_label: "Access token",
    signin_submit: "Check and sign in",
    signin_checking: "Checking with ZSXQ…",
    try_demo: "Try the demo",
    back: "Back",
    signin_refused: "Could not sign in with this token: ",
    error_invalid_input: "The request was not valid.",
    error_not_found: "Not found: it may not be archived yet.",
    error_needs_login: "ZSXQ asks you to sign in again.",
    error_unavailable: "ZSXQ or the network is unavailable; try again later.",
    error_ipc: "Cannot reach the app core.",
    error_internal: "Something went wrong.",
};

impl Texts {
    /// A failed command's code, told in this language.
    pub fn error(&self, code: ErrorCode) -> &'static str {
        match code {
            ErrorCode::InvalidInput => self.error_invalid_input,
            ErrorCode::NotFound => self.error_not_found,
            ErrorCode::NeedsLogin => self.error_needs_login,
            ErrorCode::Unavailable => self.error_unavailable,
            ErrorCode::Ipc => self.error_ipc,
            ErrorCode::Internal => self.error_internal,
        }
    }
}

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
    fn toggle_alternates_and_round_trips_as_a_setting() {
        for locale in [Locale::ZhCn, Locale::En] {
            assert_eq!(locale.other().other(), locale);
            assert_ne!(locale.other(), locale);
            assert_eq!(Locale::chosen(Some(locale.setting()), None), locale);
            assert_eq!(Locale::chosen(None, Some(locale.setting())), locale);
        }
    }

    /// Every key has a non-empty string in both languages, different in each, with Chinese in
    /// the Chinese table and none in the English one.
    #[test]
    fn every_string_is_translated() {
        let (zh, en) = (ZH_CN.entries(), EN.entries());
        assert_eq!(zh.len(), en.len());
        for ((key, z), (_, e)) in zh.iter().zip(&en) {
            assert!(!z.trim().is_empty(), "empty zh-CN string for {key}");
            assert!(!e.trim().is_empty(), "empty English string for {key}");
            assert_ne!(z, e, "{key} is not translated");
            let has_cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            // The toggle names the other language; everything else is in its own.
            if *key != "switch_language" {
                assert!(has_cjk(z), "zh-CN {key} has no Chinese: {z:?}");
                assert!(
                    !has_cjk(e) || *key == "tagline",
                    "English {key} is Chinese: {e:?}"
                );
            }
        }
    }

    #[test]
    fn every_error_code_has_its_own_words_in_both_languages() {
        let codes = [
            ErrorCode::InvalidInput,
            ErrorCode::NotFound,
            ErrorCode::NeedsLogin,
            ErrorCode::Unavailable,
            ErrorCode::Ipc,
            ErrorCode::Internal,
        ];
        for t in [&ZH_CN, &EN] {
            let words: std::collections::HashSet<_> = codes.iter().map(|c| t.error(*c)).collect();
            assert_eq!(words.len(), codes.len(), "two codes share their words");
        }
        assert_eq!(ZH_CN.error(ErrorCode::NotFound), ZH_CN.error_not_found);
        assert_eq!(EN.error(ErrorCode::Ipc), EN.error_ipc);
    }

    /// A template names its placeholder once in both languages, or the time or count would
    /// be lost (or shown twice) in one of them.
    #[test]
    fn templates_keep_their_placeholders_in_both_languages() {
        for t in [&ZH_CN, &EN] {
            for (template, placeholder) in [
                (t.deleted_notice, "{time}"),
                (t.edited_at, "{time}"),
                (t.replaced_at, "{time}"),
                (t.earlier_versions, "{n}"),
                (t.revision_number, "{n}"),
                (t.inbox_bell_label, "{n}"),
                (t.inbox_unread_count, "{n}"),
                (t.inbox_reply, "{name}"),
                (t.inbox_mention, "{name}"),
                (t.inbox_comment, "{name}"),
                (t.inbox_owner_post, "{name}"),
                (t.asked_of, "{name}"),
                (t.asked_at, "{time}"),
                (t.brief_count, "{n}"),
                (t.brief_since, "{time}"),
                (t.brief_noise, "{n}"),
                (t.brief_group_count, "{n}"),
                (t.brief_said_done, "{n}"),
                (t.brief_said_muted, "{name}"),
                (t.brief_said_followed, "{name}"),
            ] {
                assert_eq!(template.matches(placeholder).count(), 1, "{template}");
                assert_eq!(template.matches('{').count(), 1, "{template}");
            }
        }
    }

    #[test]
    fn the_window_shares_the_trays_words() {
        for locale in [Locale::ZhCn, Locale::En] {
            assert!(std::ptr::eq(locale.texts().words, locale.lang().words()));
        }
    }
}
