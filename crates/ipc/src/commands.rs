//! Every command the shell offers, with its argument and result types.
//!
//! [`with_commands!`](crate::with_commands) is the one table of commands: the structs below
//! are generated from it, and so are the shell's handlers, so a command's name, its argument
//! type and its result type are written once. Each command takes one argument, `args`, so the
//! field names the UI sends are the fields of the `Args` struct on both sides.

pub use crate::brief::*;
pub use crate::documents::*;
pub use crate::export::*;
use crate::id::{CircleId, FileId, TopicId};
pub use crate::inbox::*;
pub use crate::settings::*;
pub use crate::views::*;
use serde::{Deserialize, Serialize};

/// Calls `$callback! { … }` with every command, one row each:
/// `#[doc] side name: Type(Args) -> Output;`.
///
/// `core` rows are served by the core's `Orrery` method called `name`, which takes `Args` and
/// returns `Result<Output, E>` with `E: Into<IpcError>`; the shell's handler for them is
/// generated. `shell` rows need the window or the desktop (a channel, the downloads folder,
/// the system browser, the tray), and the shell implements them by hand.
///
/// Adding a command: a row here, its method in the core (or the shell), its call in the UI
/// through `api::invoke::<Type>` (docs/architecture.md).
#[macro_export]
macro_rules! with_commands {
    ($callback:path) => {
        $callback! {
            /// What the app is and where it keeps its data: the start screen and Settings.
            core app_info: AppInfo($crate::NoArgs) -> $crate::commands::AppInfoDto;
            /// The circles in the archive with their unread counts, and where the sync stands.
            core archive_overview: ArchiveOverview($crate::NoArgs)
                -> $crate::commands::ArchiveOverviewDto;
            /// A page of a circle's timeline.
            core timeline: Timeline($crate::commands::TimelineArgs)
                -> $crate::commands::TimelinePageDto;
            /// The hashtags and columns of a circle.
            core circle_filters: CircleFilters($crate::commands::CircleArgs)
                -> $crate::commands::CircleFiltersDto;
            /// Sets how much of a circle is mirrored (all, the last months, nothing); the sync
            /// follows from its next run and deletes nothing already archived.
            core set_mirror: SetMirror($crate::commands::MirrorArgs) -> ();
            /// Marks every topic of a circle read.
            core mark_circle_read: MarkCircleRead($crate::commands::CircleArgs) -> ();
            /// One topic with its thread; opening it marks it read.
            core open_topic: OpenTopic($crate::commands::TopicArgs) -> $crate::commands::TopicDto;
            /// Searches every circle.
            core search: Search($crate::commands::SearchArgs)
                -> $crate::commands::SearchResultsDto;
            /// The inbox: answers to the member's questions, replies, @mentions, questions for
            /// them, and digests and owner posts of followed circles.
            core inbox: Inbox($crate::commands::InboxArgs) -> $crate::commands::InboxDto;
            /// Marks inbox events read (all of them without keys).
            core mark_inbox_read: MarkInboxRead($crate::commands::MarkInboxReadArgs) -> ();
            /// Every question the member asked, across circles, answered or waiting.
            core my_questions: MyQuestions($crate::NoArgs) -> $crate::commands::MyQuestionsDto;
            /// The brief: what is unread across circles, ranked by signal, noise apart.
            core brief: Brief($crate::commands::BriefArgs) -> $crate::commands::BriefDto;
            /// Marks topics read with their inbox events ("done" in the brief), or unread again.
            core mark_topics: MarkTopics($crate::commands::TopicsArgs) -> ();
            /// Follows or mutes an author or a hashtag in the brief, or takes that back.
            core brief_mark: BriefMark($crate::commands::BriefMarkArgs) -> ();
            /// The authors and hashtags followed or muted, for Settings.
            core brief_marks: BriefMarks($crate::NoArgs) -> $crate::commands::BriefMarksDto;
            /// Saves a topic for later (稍后读), or takes it off the list.
            core save_topic: SaveTopic($crate::commands::SaveTopicArgs) -> ();
            /// The saved topics, newest saved first.
            core saved_topics: SavedTopics($crate::NoArgs) -> $crate::commands::SavedDto;
            /// 已保存 / Saved: a page of the imported documents, newest saved first.
            core documents: Documents($crate::commands::DocumentsArgs)
                -> $crate::commands::DocumentsDto;
            /// One imported document, for the reader.
            core open_document: OpenDocument($crate::commands::DocumentArgs)
                -> $crate::commands::DocumentDto;
            /// Removes an imported document from the archive (the file stays where it was).
            core remove_document: RemoveDocument($crate::commands::DocumentArgs) -> ();
            /// Imports files and folders into 已保存; search finds them when it returns.
            core import_documents: ImportDocuments($crate::commands::ImportArgs)
                -> $crate::commands::ImportDoneDto;
            /// Stops the running export between two topics; what it wrote so far is whole.
            core cancel_export: CancelExport($crate::NoArgs) -> ();
            /// Starts a sync now (or lets the running one go on).
            core sync_now: SyncNow($crate::NoArgs) -> ();
            /// Stops the running sync; the next one starts on the interval or with `SyncNow`.
            core cancel_sync: CancelSync($crate::NoArgs) -> ();
            /// Pauses the app's sync until resumed, across restarts, or resumes it with a run
            /// at once; answers the settings, which keep the choice.
            core pause_sync: PauseSync($crate::commands::PauseArgs)
                -> $crate::commands::SettingsDto;
            /// Every circle with its size, what is archived, and how long mirroring it takes
            /// under each choice at the pace the sync measures (before any run, the polite
            /// pacing's).
            core mirror_plan: MirrorPlan($crate::NoArgs) -> $crate::commands::MirrorPlanDto;
            /// The member's settings.
            core get_settings: GetSettings($crate::NoArgs) -> $crate::commands::SettingsDto;
            /// Checks a pasted token with the service, keeps it in the keyring and switches the
            /// app to the account.
            core sign_in: SignIn($crate::commands::TokenArgs) -> $crate::commands::AppInfoDto;
            /// Forgets the token (keyring entry removed) and switches the app to the demo; the
            /// archive stays on disk unless `delete_archive` asks to delete it too.
            core sign_out: SignOut($crate::commands::SignOutArgs) -> $crate::commands::AppInfoDto;
            /// Bytes the account's archive takes on disk (named before deleting it).
            core archive_size: ArchiveSize($crate::NoArgs) -> u64;
            /// Opens the service's own sign-in page (the WeChat QR code) in a window of its
            /// own and waits: once it has signed in, the token goes to the keyring, the window
            /// closes with its cookies cleared, and the app switches to the account; closed
            /// before that, the answer is nothing.
            shell sign_in_web: SignInWeb($crate::NoArgs)
                -> Option<$crate::commands::AppInfoDto>;
            /// Saves the member's settings and applies them (the tray's language too).
            shell save_settings: SaveSettings($crate::commands::SettingsArgs)
                -> $crate::commands::SettingsDto;
            /// Saves a topic's attached file into the member's downloads folder (downloading it
            /// first when it is not cached) and shows it in the file manager; answers where it
            /// was written.
            shell save_file: SaveFile($crate::commands::FileArgs) -> String;
            /// Streams the sync status to a channel on every change, across sign-in and
            /// sign-out; the call itself only returns when the window is gone.
            shell watch_sync: WatchSync($crate::commands::WatchSyncArgs) -> ();
            /// Streams where clicked notifications lead (the window has come forward); the call
            /// itself only returns when the window is gone.
            shell watch_opens: WatchOpens($crate::commands::WatchOpensArgs) -> ();
            /// Closes the window as its close button does: to the tray while notifications are on
            /// (Ctrl/Cmd+W).
            shell close_window: CloseWindow($crate::NoArgs) -> ();
            /// Exports the circle's tab or the search's topics into the member's documents
            /// folder (`Orrery/`), streaming progress to a channel, then shows the result in the
            /// file manager; answers what was written where.
            shell export: Export($crate::commands::ExportArgs) -> $crate::commands::ExportDoneDto;
            /// Opens a web link in the system browser. Only `http` and `https` are accepted.
            shell open_external: OpenExternal($crate::commands::UrlArgs) -> ();
            /// Opens one of the app's folders in the file manager.
            shell open_folder: OpenFolder($crate::commands::FolderArgs) -> ();
        }
    };
}

/// Declares each command of the table as a unit struct implementing [`Command`](crate::Command).
macro_rules! declare {
    ($($(#[$doc:meta])* $side:ident $name:ident: $ty:ident($args:ty) -> $out:ty;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy)]
            pub struct $ty;

            impl crate::Command for $ty {
                const NAME: &'static str = stringify!($name);
                type Args = $args;
                type Output = $out;
            }
        )*

        /// Every command's name, in the table's order.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}

crate::with_commands!(declare);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfoDto {
    /// The app's version, `CARGO_PKG_VERSION` of the shell.
    pub version: String,
    /// The directory holding the archive, as the user would type it.
    pub data_dir: String,
    pub mode: AccountMode,
    /// When the signed-in token ends, if the service said.
    pub expires_ms: Option<i64>,
    /// The system's language as the core reads it (the POSIX locale variables), for a window
    /// that follows the system: WebKitGTK's `navigator.language` does not follow `LANG`.
    /// `None` where those variables say nothing; the webview's answer is the system's then.
    #[serde(default)]
    pub system_language: Option<LanguageDto>,
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineArgs {
    pub circle: CircleId,
    pub tab: TabDto,
    /// Only topics with this hashtag (by name).
    pub hashtag: Option<String>,
    /// Only topics filed in this column (by id).
    pub column: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<CursorDto>,
    pub limit: u32,
    /// Leave out topics deleted on 知识星球. By default they are listed, marked: the archive
    /// keeps them on purpose.
    #[serde(default)]
    pub hide_deleted: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CircleArgs {
    pub circle: CircleId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicArgs {
    pub topic: TopicId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileArgs {
    pub file: FileId,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchArgs {
    pub query: String,
    /// Newest first instead of most relevant first.
    pub newest: bool,
    pub offset: u32,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchSyncArgs {
    /// The channel that receives [`SyncStatusDto`]s.
    pub on_status: ChannelRef,
}

/// A `tauri::ipc::Channel` created by the UI, as Tauri passes it in arguments:
/// `__CHANNEL__:<id>`. The shell receives it as a `Channel<T>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChannelRef(pub String);

impl ChannelRef {
    /// The reference to the UI's channel number `id`.
    pub fn new(id: u32) -> Self {
        Self(format!("__CHANNEL__:{id}"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlArgs {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsArgs {
    pub settings: SettingsDto,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderArgs {
    pub folder: FolderDto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderDto {
    Data,
    Logs,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignOutArgs {
    /// Also delete the account's archive (topics, search index, cached media) from this
    /// computer; settings, logs and the demo stay.
    #[serde(default)]
    pub delete_archive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenArgs {
    /// The `zsxq_access_token` cookie's value. It goes straight to the keyring.
    pub token: String,
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
            expires_ms: None,
            system_language: Some(LanguageDto::ZhCn),
        };
        insta::assert_snapshot!(
            serde_json::to_string(&dto).expect("serializes"),
            @r#"{"version":"0.1.0","dataDir":"/home/小明/.local/share/app.orrery.desktop","mode":"demo","expiresMs":null,"systemLanguage":"zh-CN"}"#
        );
    }

    #[test]
    fn archive_overview_payload_is_pinned() {
        let dto = ArchiveOverviewDto {
            sync: SyncStateDto::CaughtUp,
            inbox_unread: 3,
            circles: vec![CircleDto {
                id: CircleId::new(48_415_284_414_458),
                name: "Rust 与系统编程".into(),
                topics: 900,
                unread: 12,
                expired: false,
                mirror: MirrorDto::Months { months: 3 },
            }],
        };
        insta::assert_snapshot!(
            serde_json::to_string(&dto).expect("serializes"),
            @r#"{"sync":"caught_up","inboxUnread":3,"circles":[{"id":"48415284414458","name":"Rust 与系统编程","topics":900,"unread":12,"expired":false,"mirror":{"keep":"months","months":3}}]}"#
        );
    }

    #[test]
    fn command_names_are_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        for name in NAMES {
            assert!(seen.insert(name), "{name} twice in the table");
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name} is not snake_case"
            );
        }
        assert_eq!(<Timeline as crate::Command>::NAME, "timeline");
    }

    #[test]
    fn no_args_is_an_empty_object() {
        // Tauri's invoke takes a JSON object of named arguments; `null` would be rejected.
        assert_eq!(
            serde_json::to_string(&crate::NoArgs {}).expect("serializes"),
            "{}"
        );
    }
}
