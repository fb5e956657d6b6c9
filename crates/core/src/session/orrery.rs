//! [`Orrery`]: the app's current [`Session`], swapped on sign-in and sign-out, with the
//! member's settings; and the commands of `orrery-ipc` the core serves, by name.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use orrery_ipc::commands::{
    AccountMode, AppInfoDto, ArchiveOverviewDto, BriefArgs, BriefDto, BriefMarkArgs, BriefMarkDto,
    BriefMarksDto, CircleArgs, CircleFiltersDto, DocumentArgs, DocumentDto, DocumentsArgs,
    DocumentsDto, ImportArgs, ImportDoneDto, ImportIssueDto, InboxArgs, InboxDto,
    MarkInboxReadArgs, MirrorArgs, MirrorPlanDto, MyQuestionsDto, PauseArgs, SaveTopicArgs,
    SavedDto, SearchArgs, SearchResultsDto, SettingsDto, SignOutArgs, StanceDto, SyncStatusDto,
    TimelineArgs, TimelinePageDto, TokenArgs, TopicArgs, TopicDto, TopicsArgs,
};
use orrery_ipc::media::MediaRef;
use orrery_ipc::words::Lang;
use orrery_ipc::{ErrorCode, IpcError, NoArgs};
use tokio::sync::watch;
use zsxq::client::AccessToken;
use zsxq::{FileId, GroupId, ImageId, TopicId};

use super::{Notifications, Service, Session, SessionError, Source};
use crate::account::{Account, WebLogin, forget_login_webview};
use crate::import;
use crate::notify::{Desktop, Target, Toast};
use crate::now_ms;
use crate::paths::{self, DataDir};
use crate::reader;
use crate::search::{SearchRequest, SortOrder};
use crate::settings::{self, Settings};
use crate::store::Mark;
use crate::sync::estimate::Pace;

mod export;

/// How long start-up waits for the keyring before showing the demo. Unlocking a locked
/// keyring can prompt; the demo is a better first screen than a frozen one.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);

/// The most results one search page returns.
const MAX_HITS: u32 = 100;

/// What opens the session shown while no account is signed in: the shell's demo, given the
/// app's data folder.
pub type OpenFallback = Pin<Box<dyn Future<Output = Result<Service, String>> + Send + 'static>>;

/// Opens the fallback session's [`Service`] (see [`OpenFallback`]).
pub type Fallback = Arc<dyn Fn(DataDir) -> OpenFallback + Send + Sync>;

/// The session while it is open, or why it could not be (shared by every waiting caller).
type Current = Result<Arc<Session>, Arc<SessionError>>;

/// The app's core: its data folder, settings and current session.
pub struct Orrery {
    data_dir: DataDir,
    settings: Settings,
    prefs: watch::Sender<SettingsDto>,
    /// The desktop's notifications, shared by the sessions one after the other.
    desktop: Arc<Desktop>,
    /// `None` while a session is being opened.
    current: watch::Sender<Option<Current>>,
    /// Serializes sign-in and sign-out, so two switches cannot interleave.
    switching: tokio::sync::Mutex<()>,
    fallback: Option<Fallback>,
    circles_served: AtomicBool,
    /// The running export's cancel, if one runs (one at a time).
    exporting: std::sync::Mutex<Option<tokio_util::sync::CancellationToken>>,
}

impl std::fmt::Debug for Orrery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Orrery")
            .field("data_dir", &self.data_dir.root())
            .field("fallback", &self.fallback.is_some())
            .finish_non_exhaustive()
    }
}

impl Orrery {
    /// The app's core on `data_dir`, with no session yet: call [`Orrery::start`]. Without an
    /// account, `fallback` (the demo) is shown; without a fallback, sign-in is needed.
    pub fn new(data_dir: DataDir, fallback: Option<Fallback>) -> Self {
        let settings = Settings::new(&data_dir);
        Self {
            prefs: watch::channel(settings.load()).0,
            desktop: Arc::new(Desktop::new(true)),
            settings,
            data_dir,
            current: watch::channel(None).0,
            switching: tokio::sync::Mutex::new(()),
            fallback,
            circles_served: AtomicBool::new(false),
            exporting: std::sync::Mutex::new(None),
        }
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.data_dir
    }

    /// The settings in force.
    pub fn prefs(&self) -> SettingsDto {
        self.prefs.borrow().clone()
    }

    /// Says once per data folder, as a notification, that the window closed but the app goes
    /// on in the tray (syncing and notifying).
    pub async fn tell_kept_in_tray(&self) {
        if !self.settings.first_time("KeptInTray") {
            return;
        }
        let words = settings::lang(&self.prefs()).words();
        let notice = Toast {
            summary: words.kept_in_tray_title.to_owned(),
            body: words.kept_in_tray_body.to_owned(),
            target: Target::App,
            keys: Vec::new(),
        };
        self.desktop.show(&notice).await;
    }

    /// Clicks on the app's notifications, as where they lead (the shell opens the window there).
    pub fn notification_clicks(&self) -> tokio::sync::broadcast::Receiver<Target> {
        self.desktop.clicks()
    }

    /// Opens the account's session, or the fallback when no token is at hand, and starts its
    /// sync. A failure is kept and returned to every caller until the next switch.
    pub async fn start(&self) -> Result<Arc<Session>, IpcError> {
        self.replace(async {
            let account = self.account()?;
            let token = match tokio::time::timeout(KEYRING_TIMEOUT, account.token()).await {
                Ok(Ok(token)) => token,
                Ok(Err(err)) => {
                    tracing::warn!(%err, "no token from the keyring; showing the demo");
                    None
                }
                Err(_) => {
                    tracing::warn!("the keyring did not answer in time; showing the demo");
                    None
                }
            };
            match token {
                Some(_) => self.open_account(account).await,
                None => self.open_fallback().await,
            }
        })
        .await
    }

    /// The current session, waiting while one is being opened.
    pub async fn session(&self) -> Result<Arc<Session>, IpcError> {
        let mut current = self.current.subscribe();
        let current = match current.wait_for(Option::is_some).await {
            Ok(current) => current.clone(),
            Err(_) => None,
        };
        match current {
            Some(Ok(session)) => Ok(session),
            Some(Err(err)) => Err(IpcError::from(&*err)),
            None => Err(IpcError::from(&SessionError::Closed)),
        }
    }

    /// Calls `send` with the sync status now and on every change, across sign-in and
    /// sign-out, until `send` returns false or the app shuts down. While no session could be
    /// opened there is no status: it waits for the next one (a sign-in).
    pub async fn follow_status(&self, mut send: impl FnMut(SyncStatusDto) -> bool) {
        let mut sessions = self.current.subscribe();
        loop {
            let Some(mut status) = self.session().await.ok().and_then(|s| s.status()) else {
                if sessions.changed().await.is_err() {
                    return;
                }
                continue;
            };
            loop {
                if !send(status.borrow_and_update().clone()) {
                    return;
                }
                tokio::select! {
                    changed = status.changed() => if changed.is_err() { break },
                    _ = sessions.changed() => break,
                }
            }
        }
    }

    /// Stops the sync at its next step, if a session is open. Called on exit so the sync
    /// ends between two transactions rather than in the middle of one (which SQLite would
    /// roll back anyway: this only saves redoing that page).
    pub fn stop(&self) {
        if let Some(Ok(session)) = self.current.borrow().as_ref() {
            session.stop();
        }
    }

    /// Saves the member's settings (clamped) and applies at once what can change while
    /// syncing: a pause, the account's sync interval and daily request budget. Pacing and the image cache cap apply from the
    /// next start.
    pub async fn save_settings(&self, prefs: SettingsDto) -> Result<SettingsDto, IpcError> {
        let saved = self
            .settings
            .save(prefs)
            .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
        self.prefs.send_replace(saved.clone());
        if let Ok(session) = self.session().await
            && let Some(schedule) = session.schedule()
        {
            schedule.set_paused(saved.sync_paused);
            if let Some(account) = session.account() {
                schedule.set_interval(settings::sync_interval(&saved));
                schedule.set_budget(settings::daily_requests(&saved, account.base_url()));
            }
        }
        Ok(saved)
    }

    /// Copies an attached file into `dir` (downloading it first when not cached) and returns
    /// where it was written.
    pub async fn save_file(
        &self,
        file: orrery_ipc::id::FileId,
        dir: &Path,
    ) -> Result<PathBuf, IpcError> {
        let session = self.session().await?;
        let id = FileId::new(file.get());
        let saved = session.media().save_file(session.client(), id, dir).await?;
        tracing::info!(file = %id, path = %saved.display(), "attachment saved");
        Ok(saved)
    }

    /// The cached copy of `media`, downloaded first when it is not cached yet.
    pub async fn media(&self, media: MediaRef) -> Result<PathBuf, IpcError> {
        let session = self.session().await?;
        let (cache, client) = (session.media(), session.client());
        let path = match media {
            MediaRef::Image(id) => cache.image(client, ImageId::new(id.get())).await,
            MediaRef::CirclePicture(id) => {
                cache.circle_avatar(client, GroupId::new(id.get())).await
            }
        };
        Ok(path?)
    }

    // ---- The commands of `orrery_ipc::with_commands!` served by the core, by name.

    pub async fn app_info(&self, _: NoArgs) -> Result<AppInfoDto, IpcError> {
        let session = self.session().await?;
        Ok(self.info(&session))
    }

    pub async fn archive_overview(&self, _: NoArgs) -> Result<ArchiveOverviewDto, IpcError> {
        let session = self.session().await?;
        let overview = reader::overview(session.store(), session.sync_status().state).await?;
        // `cargo xtask bench startup` times launch to first circle by this line.
        if !overview.circles.is_empty() && !self.circles_served.swap(true, Ordering::Relaxed) {
            tracing::info!(count = overview.circles.len(), "first circles served");
        }
        Ok(overview)
    }

    pub async fn timeline(&self, args: TimelineArgs) -> Result<TimelinePageDto, IpcError> {
        let session = self.session().await?;
        Ok(reader::timeline(session.store(), &args).await?)
    }

    pub async fn circle_filters(&self, args: CircleArgs) -> Result<CircleFiltersDto, IpcError> {
        let session = self.session().await?;
        Ok(reader::circle_filters(session.store(), GroupId::new(args.circle.get())).await?)
    }

    /// Sets how much of a circle is mirrored; a running sync follows from its next run.
    pub async fn set_mirror(&self, args: MirrorArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        let group = GroupId::new(args.circle.get());
        let mirror = reader::mirror_of(args.mirror);
        if !session.store().set_mirror(group, mirror).await? {
            return Err(IpcError::new(
                ErrorCode::NotFound,
                format!("no circle {group} in the archive"),
            ));
        }
        tracing::info!(%group, ?mirror, "mirror choice set");
        if let Some(schedule) = session.schedule() {
            schedule.choices_changed();
        }
        Ok(())
    }

    pub async fn mirror_plan(&self, _: NoArgs) -> Result<MirrorPlanDto, IpcError> {
        let session = self.session().await?;
        let pace = match session.schedule() {
            Some(schedule) => schedule.pace(),
            None => Pace::prior(&session.client().config().pacing, session.caches_images()),
        };
        Ok(reader::mirror_plan(session.store(), pace, session.caches_images(), now_ms()).await?)
    }

    pub async fn mark_circle_read(&self, args: CircleArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        let group = GroupId::new(args.circle.get());
        let tell = self.prefs.borrow().send_read_markers;
        session.store().mark_circle_read(group, tell).await?;
        Ok(())
    }

    pub async fn open_topic(&self, args: TopicArgs) -> Result<TopicDto, IpcError> {
        let session = self.session().await?;
        let id = TopicId::new(args.topic.get());
        reader::open_topic(session.store(), id, now_ms())
            .await?
            .ok_or_else(|| {
                IpcError::new(ErrorCode::NotFound, format!("topic {id} is not archived"))
            })
    }

    pub async fn search(&self, args: SearchArgs) -> Result<SearchResultsDto, IpcError> {
        let session = self.session().await?;
        let request = SearchRequest {
            query: args.query,
            sort: if args.newest {
                SortOrder::Newest
            } else {
                SortOrder::Relevance
            },
            offset: args.offset as usize,
            limit: args.limit.clamp(1, MAX_HITS) as usize,
        };
        // tantivy searches on its own threads and blocks this one until they finish.
        let index = session.search().clone();
        let results = tokio::task::spawn_blocking(move || index.search(&request))
            .await
            .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))??;
        Ok(reader::search_results(results))
    }

    pub async fn inbox(&self, args: InboxArgs) -> Result<InboxDto, IpcError> {
        let session = self.session().await?;
        Ok(reader::inbox(session.store(), args.limit.clamp(1, 500)).await?)
    }

    pub async fn mark_inbox_read(&self, args: MarkInboxReadArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        session
            .store()
            .mark_inbox_read(args.keys.as_deref(), now_ms())
            .await?;
        Ok(())
    }

    pub async fn my_questions(&self, _: NoArgs) -> Result<MyQuestionsDto, IpcError> {
        let session = self.session().await?;
        let me = session.me().await.map_err(|err| IpcError::from(&err))?;
        Ok(reader::my_questions(session.store(), me).await?)
    }

    pub async fn brief(&self, args: BriefArgs) -> Result<BriefDto, IpcError> {
        let session = self.session().await?;
        let lang = Lang::from_tag(&args.lang);
        Ok(reader::brief(session.store(), args.since_hours, lang, now_ms()).await?)
    }

    pub async fn mark_topics(&self, args: TopicsArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        let topics: Vec<TopicId> = args.topics.iter().map(|t| TopicId::new(t.get())).collect();
        if args.read {
            let tell = self.prefs.borrow().send_read_markers;
            session
                .store()
                .mark_topics_read(&topics, now_ms(), tell)
                .await?;
        } else {
            session
                .store()
                .mark_topics_unread(&topics, now_ms())
                .await?;
        }
        Ok(())
    }

    pub async fn brief_mark(&self, args: BriefMarkArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        let mark = match args.mark {
            BriefMarkDto::Author { id } => Mark::Author(id.get()),
            BriefMarkDto::Tag { name } => Mark::Tag(name),
        };
        let follow = match args.stance {
            StanceDto::Follow => Some(true),
            StanceDto::Mute => Some(false),
            StanceDto::None => None,
        };
        session
            .store()
            .set_brief_mark(&mark, follow, now_ms())
            .await?;
        Ok(())
    }

    pub async fn brief_marks(&self, _: NoArgs) -> Result<BriefMarksDto, IpcError> {
        let session = self.session().await?;
        let marks = session.store().brief_marks_named().await?;
        Ok(BriefMarksDto {
            marks: marks
                .into_iter()
                .map(|(mark, name, follow)| reader::mark_entry(mark, name, Some(follow)))
                .collect(),
        })
    }

    pub async fn save_topic(&self, args: SaveTopicArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        let topic = TopicId::new(args.topic.get());
        session
            .store()
            .set_saved(topic, args.saved, now_ms())
            .await?;
        Ok(())
    }

    pub async fn saved_topics(&self, _: NoArgs) -> Result<SavedDto, IpcError> {
        let session = self.session().await?;
        Ok(reader::saved(session.store()).await?)
    }

    pub async fn documents(&self, args: DocumentsArgs) -> Result<DocumentsDto, IpcError> {
        let session = self.session().await?;
        let limit = args.limit.clamp(1, reader::MAX_PAGE);
        Ok(reader::documents(session.store(), args.offset, limit).await?)
    }

    pub async fn open_document(&self, args: DocumentArgs) -> Result<DocumentDto, IpcError> {
        let session = self.session().await?;
        let doc = session.store().document(args.document.get()).await?;
        doc.map(reader::document)
            .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "no such document"))
    }

    pub async fn remove_document(&self, args: DocumentArgs) -> Result<(), IpcError> {
        let session = self.session().await?;
        session.store().remove_document(args.document.get()).await?;
        session.search().catch_up(session.store()).await?;
        Ok(())
    }

    /// Imports, then brings the search index up to date, so search finds the documents as
    /// soon as this returns.
    pub async fn import_documents(&self, args: ImportArgs) -> Result<ImportDoneDto, IpcError> {
        let session = self.session().await?;
        let paths: Vec<PathBuf> = args.paths.iter().map(PathBuf::from).collect();
        let cancel = tokio_util::sync::CancellationToken::new();
        let report = import::import(session.store(), &paths, |_| {}, &cancel)
            .await
            .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))?;
        session.search().catch_up(session.store()).await?;
        let issue = |(path, reason): (PathBuf, String)| ImportIssueDto {
            path: path.display().to_string(),
            reason,
        };
        Ok(ImportDoneDto {
            added: report.added,
            updated: report.updated,
            unchanged: report.unchanged,
            skipped: report.skipped,
            failed: report
                .failed
                .into_iter()
                .map(|(p, why)| issue((p, why.to_string())))
                .collect(),
            warnings: report.warnings.into_iter().map(issue).collect(),
        })
    }

    pub async fn sync_now(&self, _: NoArgs) -> Result<(), IpcError> {
        if let Some(schedule) = self.session().await?.schedule() {
            schedule.sync_now();
        }
        Ok(())
    }

    pub async fn cancel_sync(&self, _: NoArgs) -> Result<(), IpcError> {
        if let Some(schedule) = self.session().await?.schedule() {
            schedule.cancel_run();
        }
        Ok(())
    }

    pub async fn pause_sync(&self, args: PauseArgs) -> Result<SettingsDto, IpcError> {
        self.save_settings(SettingsDto {
            sync_paused: args.paused,
            ..self.prefs()
        })
        .await
    }

    pub async fn get_settings(&self, _: NoArgs) -> Result<SettingsDto, IpcError> {
        Ok(self.prefs())
    }

    /// Checks the token with the service and keeps it in the keyring (the core never logs it,
    /// and no error repeats it), then switches to the account's session.
    pub async fn sign_in(&self, args: TokenArgs) -> Result<AppInfoDto, IpcError> {
        let token = AccessToken::new(args.token)
            .map_err(|err| IpcError::new(ErrorCode::InvalidInput, err.to_string()))?;
        self.sign_in_with(token).await
    }

    /// [`Self::sign_in`] with a token that is already one: the login window's cookie.
    pub async fn sign_in_with(&self, token: AccessToken) -> Result<AppInfoDto, IpcError> {
        let account = self.account().map_err(|err| IpcError::from(&err))?;
        account.sign_in(token).await?;
        let session = self.replace(self.open_account(account)).await?;
        Ok(self.info(&session))
    }

    /// Where the login window signs in: the service's page for the data folder's account.
    pub fn web_login(&self) -> Result<WebLogin, IpcError> {
        let account = self.account().map_err(|err| IpcError::from(&err))?;
        account.web_login().map_err(|err| IpcError::from(&err))
    }

    /// Removes the token from the keyring and whatever the login window left on disk, and
    /// switches to the fallback; the archive stays.
    pub async fn sign_out(&self, args: SignOutArgs) -> Result<AppInfoDto, IpcError> {
        let old = self.session().await?;
        if let Some(account) = old.account() {
            account.sign_out().await?;
        }
        if let Err(err) = forget_login_webview(&self.data_dir) {
            tracing::warn!(%err, "the login window's data could not be deleted");
        }
        let session = self.replace(self.open_fallback()).await?;
        if args.delete_archive {
            // The account's archive is closed first; the demo's lives in a folder of its own.
            if old.mode() == AccountMode::SignedIn {
                old.store().close().await;
            }
            drop(old);
            paths::delete_archive(&self.data_dir).map_err(|err| {
                IpcError::new(
                    ErrorCode::Internal,
                    format!("the archive could not be deleted: {err}"),
                )
            })?;
        }
        Ok(self.info(&session))
    }

    /// Bytes the account's archive takes in the data folder.
    pub async fn archive_size(&self, _: NoArgs) -> Result<u64, IpcError> {
        paths::archive_size(&self.data_dir)
            .map_err(|err| IpcError::new(ErrorCode::Internal, err.to_string()))
    }

    // ---- Opening and switching sessions.

    /// The account of the data folder, on the service it signed in to last.
    fn account(&self) -> Result<Account, SessionError> {
        let config = settings::client_config(&self.data_dir, &self.prefs());
        Ok(Account::open_saved(&self.data_dir, config)?)
    }

    async fn open_account(&self, account: Account) -> Result<Session, SessionError> {
        let source = Source::Account {
            dir: self.data_dir.clone(),
            account,
        };
        Ok(Session::open(source, &self.prefs())
            .await?
            .start_schedule(Some(self.notifications())))
    }

    async fn open_fallback(&self) -> Result<Session, SessionError> {
        let fallback = self.fallback.as_ref().ok_or(SessionError::NotSignedIn)?;
        let service = fallback(self.data_dir.clone())
            .await
            .map_err(SessionError::Fallback)?;
        Ok(Session::open(Source::Service(service), &self.prefs())
            .await?
            .start_schedule(Some(self.notifications())))
    }

    fn notifications(&self) -> Notifications {
        Notifications {
            desktop: Arc::clone(&self.desktop),
            prefs: self.prefs.subscribe(),
        }
    }

    /// Stops the current session's sync and opens the one `open` gives in its place.
    async fn replace(
        &self,
        open: impl Future<Output = Result<Session, SessionError>>,
    ) -> Result<Arc<Session>, IpcError> {
        let _switching = self.switching.lock().await;
        if let Some(Ok(old)) = self.current.send_replace(None) {
            old.stop();
        }
        let opened: Current = open.await.map(Arc::new).map_err(|err| {
            tracing::error!(%err, "the archive could not be opened");
            Arc::new(err)
        });
        self.current.send_replace(Some(opened.clone()));
        opened.map_err(|err| IpcError::from(&*err))
    }

    fn info(&self, session: &Session) -> AppInfoDto {
        let expiry = session.account().and_then(Account::expiry);
        AppInfoDto {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            data_dir: self.data_dir.root().display().to_string(),
            mode: session.mode(),
            expires_ms: expiry.map(|e| {
                now_ms().saturating_add(i64::try_from(e.remaining.as_millis()).unwrap_or(i64::MAX))
            }),
            system_language: settings::system_lang().map(Lang::setting),
        }
    }
}
