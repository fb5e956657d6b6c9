//! What every screen shares: the app-wide signals ([`Ui`]) and the screen in the main area
//! ([`View`]). It sits below the components and pages, which read it through [`ui`], and
//! imports nothing above it.

use crate::api;
use crate::i18n::{Locale, Texts};
use crate::keys::Action;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{
    AccountMode, AppInfo, AppInfoDto, ArchiveOverviewDto, Inbox, InboxArgs, MarkInboxRead,
    MarkInboxReadArgs, MarkTopics, OpenTargetDto, SaveSettings, SearchHitDto, SettingsArgs,
    SettingsDto, SyncStatusDto, TabDto, TopicsArgs,
};
use orrery_ipc::id::{CircleId, CommentId, DocumentId, TopicId};
use orrery_ipc::{IpcError, NoArgs};

/// The main area's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Reading,
    Search,
    Settings,
    SignIn,
    /// After signing in: what to mirror of each circle and how long it takes.
    Setup,
    /// What concerns the member: answers, questions for them, replies, mentions, news.
    Inbox,
    /// Every question the member asked.
    MyQuestions,
    /// 今日速览 / Catch up: the unread across circles, ranked, with keyboard triage.
    Brief,
    /// 稍后读 / Read later: the topics saved for later.
    Saved,
    /// 已保存 / Saved: documents imported from outside the circles, with one open.
    Documents,
}

/// What the screens share, as signals (cheap to copy into every closure).
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub locale: RwSignal<Locale>,
    pub settings: RwSignal<SettingsDto>,
    pub info: RwSignal<Option<Result<AppInfoDto, String>>>,
    pub status: RwSignal<Option<SyncStatusDto>>,
    pub view: RwSignal<View>,
    pub circle: RwSignal<Option<CircleId>>,
    pub tab: RwSignal<TabDto>,
    pub hashtag: RwSignal<Option<String>>,
    pub column: RwSignal<Option<String>>,
    /// Leave topics deleted on 知识星球 out of the timeline (shown, marked, by default). Kept
    /// across circles and tabs: it is a way of reading, not a filter of one circle.
    pub hide_deleted: RwSignal<bool>,
    /// The topic open in the reader.
    pub topic: RwSignal<Option<TopicId>>,
    /// Topics picked in the timeline for an export (`x`, Ctrl/Cmd+click), in the order picked;
    /// emptied when another circle opens.
    pub picked: RwSignal<Vec<TopicId>>,
    /// Paths dropped on the window, for the 已保存 page to import.
    pub dropped: RwSignal<Option<Vec<String>>>,
    /// The document open on the 已保存 page.
    pub document: RwSignal<Option<DocumentId>>,
    /// A comment of the open topic to scroll to (a search matched it).
    pub focus_comment: RwSignal<Option<CommentId>>,
    pub palette: RwSignal<bool>,
    /// The query of the search page, kept when leaving it.
    pub query: RwSignal<String>,
    /// Bumped whenever the circles' counts may have changed (a topic read, a sync step).
    pub counts_changed: RwSignal<u32>,
    /// The circles and the inbox's unread count, as the sidebar last fetched them (it refreshes
    /// them on `counts_changed`); the bell and Settings read them too.
    pub overview: RwSignal<Option<Result<ArchiveOverviewDto, IpcError>>>,
    /// The last keyboard action, for the list that has the focus to act on.
    pub key: RwSignal<Option<(Action, u32)>>,
    /// The brief lists its items circle by circle rather than in one ranking (kept while the
    /// window is open).
    pub brief_grouped: RwSignal<bool>,
}

impl Ui {
    /// The signals of a window just opened, in the system's language.
    pub fn new() -> Self {
        Self {
            locale: RwSignal::new(Locale::detect()),
            settings: RwSignal::new(SettingsDto::default()),
            info: RwSignal::new(None),
            status: RwSignal::new(None),
            view: RwSignal::new(View::Reading),
            circle: RwSignal::new(None),
            tab: RwSignal::new(TabDto::Latest),
            hashtag: RwSignal::new(None),
            column: RwSignal::new(None),
            hide_deleted: RwSignal::new(false),
            topic: RwSignal::new(None),
            document: RwSignal::new(None),
            picked: RwSignal::new(Vec::new()),
            dropped: RwSignal::new(None),
            focus_comment: RwSignal::new(None),
            palette: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            counts_changed: RwSignal::new(0),
            overview: RwSignal::new(None),
            key: RwSignal::new(None),
            brief_grouped: RwSignal::new(false),
        }
    }

    pub fn t(&self) -> &'static Texts {
        self.locale.get().texts()
    }

    /// Opens `topic` of `circle` in the reader at `comment`, if given.
    pub fn open_at(&self, circle: CircleId, topic: TopicId, comment: Option<CommentId>) {
        self.focus_comment.set(comment);
        self.open(circle, topic);
    }

    /// Picks `topic` for an export, or unpicks it.
    pub fn toggle_pick(&self, topic: TopicId) {
        self.picked
            .update(|picked| match picked.iter().position(|&t| t == topic) {
                Some(at) => {
                    picked.remove(at);
                }
                None => picked.push(topic),
            });
    }

    /// Opens what a search found: a topic at its comment, or an imported document.
    pub fn open_hit(&self, hit: &SearchHitDto) {
        match hit.document_id {
            Some(document) => {
                self.document.set(Some(document));
                self.view.set(View::Documents);
                self.palette.set(false);
            }
            None => self.open_at(hit.circle_id, hit.topic_id, hit.comment_id),
        }
    }

    /// Opens `topic` of `circle` in the reader.
    pub fn open(&self, circle: CircleId, topic: TopicId) {
        if self.circle.get_untracked() != Some(circle) {
            self.hashtag.set(None);
            self.column.set(None);
            self.tab.set(TabDto::Latest);
            self.picked.set(Vec::new());
            self.circle.set(Some(circle));
        }
        self.topic.set(Some(topic));
        self.view.set(View::Reading);
        self.palette.set(false);
    }

    /// Shows the timeline of one hashtag.
    pub fn filter_hashtag(&self, name: String) {
        self.column.set(None);
        self.hashtag.set(Some(name));
        self.view.set(View::Reading);
    }

    /// Goes where a clicked desktop notification leads (the shell has brought the window
    /// forward already), or to 已保存 with what was dropped on the window.
    pub fn open_target(&self, target: OpenTargetDto) {
        match target {
            OpenTargetDto::Topic {
                circle,
                topic,
                comment,
            } => {
                self.open_at(circle, topic, comment);
                self.mark_topic_events_read(topic);
            }
            OpenTargetDto::Inbox => {
                self.palette.set(false);
                self.view.set(View::Inbox);
            }
            OpenTargetDto::Import { paths } => {
                self.palette.set(false);
                self.view.set(View::Documents);
                self.dropped.set(Some(paths));
            }
        }
    }

    /// The inbox's unread count, as the bell shows it (0 until the first overview arrives).
    pub fn inbox_unread(&self) -> u64 {
        self.overview.with(|o| {
            o.as_ref()
                .and_then(|o| o.as_ref().ok())
                .map_or(0, |o| o.inbox_unread)
        })
    }

    /// Marks inbox events read (`None`: all of them), `unread` of which were unread, and
    /// refreshes the bell. The count drops at once, so the bell never lags the click; the
    /// refresh that follows brings the core's own count.
    pub fn mark_inbox_read(&self, keys: Option<Vec<String>>, unread: u64) {
        let all = keys.is_none();
        self.overview.update(|o| {
            if let Some(Ok(o)) = o {
                o.inbox_unread = if all {
                    0
                } else {
                    o.inbox_unread.saturating_sub(unread)
                };
            }
        });
        let ui = *self;
        spawn_local(async move {
            if let Err(err) = api::invoke::<MarkInboxRead>(&MarkInboxReadArgs { keys }).await {
                web_sys::console::warn_1(&err.message.into());
            }
            ui.counts_may_have_changed();
        });
    }

    /// Marks `topics` read with their inbox events ("done" in the brief), or unread again (its
    /// undo), then refreshes the sidebar's counts and the bell, which both follow from it.
    pub async fn mark_topics(self, topics: Vec<TopicId>, read: bool) -> Result<(), IpcError> {
        let result = api::invoke::<MarkTopics>(&TopicsArgs { topics, read }).await;
        self.counts_may_have_changed();
        result
    }

    /// Marks read the unread events about `topic`: a notification opened it, and the target
    /// names no event (only its topic), so every unread one about that topic has been seen.
    fn mark_topic_events_read(&self, topic: TopicId) {
        let ui = *self;
        spawn_local(async move {
            // Unread events sort near the top; the most recent 200 hold the one just notified.
            let Ok(inbox) = api::invoke::<Inbox>(&InboxArgs { limit: 200 }).await else {
                return;
            };
            let keys: Vec<String> = inbox
                .events
                .into_iter()
                .filter(|e| e.topic == topic && !e.read)
                .map(|e| e.key)
                .collect();
            if !keys.is_empty() {
                let unread = keys.len() as u64;
                ui.mark_inbox_read(Some(keys), unread);
            }
        });
    }

    /// The archive's circles as last listed (tracked), for Settings' per-circle choices.
    pub fn circles(&self) -> Vec<orrery_ipc::commands::CircleDto> {
        self.overview.with(|o| match o {
            Some(Ok(o)) => o.circles.clone(),
            _ => Vec::new(),
        })
    }

    /// Tells the sidebar the circles' counts may have changed.
    pub fn counts_may_have_changed(&self) {
        self.counts_changed.update(|n| *n = n.wrapping_add(1));
    }

    /// Shows the account (or the demo) the shell just switched to, from the top: its `info`, no
    /// circle or topic open, the reading view. After a sign-in or a sign-out.
    pub fn switch_account(&self, info: AppInfoDto) {
        self.circle.set(None);
        self.topic.set(None);
        self.info.set(Some(Ok(info)));
        self.follow_language();
        self.view.set(View::Reading);
    }

    /// Whether the window shows the built-in demo (no account signed in), as last reported.
    pub fn is_demo(&self) -> bool {
        self.info
            .get()
            .and_then(Result::ok)
            .is_some_and(|i| i.mode == AccountMode::Demo)
    }

    /// Reloads what the shell says about the app (at start-up).
    pub fn reload_info(&self) {
        let ui = *self;
        spawn_local(async move {
            let result = api::invoke::<AppInfo>(&NoArgs {}).await;
            ui.info.set(Some(result.map_err(|e| e.message)));
            ui.follow_language();
        });
    }

    /// Asks again what the shell says about the app (the token's expiry moves as the sync
    /// learns it), changing nothing on screen unless that changed.
    pub fn refresh_info(&self) {
        let ui = *self;
        spawn_local(async move {
            let fresh = Some(
                api::invoke::<AppInfo>(&NoArgs {})
                    .await
                    .map_err(|e| e.message),
            );
            if ui.info.try_with_untracked(|info| *info != fresh) == Some(true) {
                ui.info.try_set(fresh);
            }
        });
    }

    /// Speaks the language the settings choose, else the system's (see [`Locale::chosen`]).
    pub fn follow_language(&self) {
        let system = self
            .info
            .get_untracked()
            .and_then(Result::ok)
            .and_then(|info| info.system_language);
        let choice = self.settings.get_untracked().language;
        self.locale.set(Locale::chosen(choice, system));
    }

    /// Saves `settings` and shows what the shell kept (it clamps numbers into range).
    pub fn save_settings(&self, settings: SettingsDto) {
        self.settings.set(settings.clone());
        let saved = self.settings;
        spawn_local(async move {
            match api::invoke::<SaveSettings>(&SettingsArgs { settings }).await {
                Ok(kept) => saved.set(kept),
                Err(err) => web_sys::console::warn_1(&err.message.into()),
            }
        });
    }
}

impl Default for Ui {
    fn default() -> Self {
        Self::new()
    }
}

/// The shared state, provided by the app's root.
pub fn ui() -> Ui {
    expect_context::<Ui>()
}
