//! A session: one data folder open against one service and one token — the archive (store,
//! search index, media cache), the [`Client`] that spends the account's one pacing budget, and
//! the sync with the search index following it. [`Orrery`] owns the current session of the
//! app and swaps it on sign-in and sign-out; both front doors (the shell and `orrery-cli`) open
//! sessions here instead of assembling the parts themselves.
//!
//! A session comes from a [`Source`]: the signed-in [`Account`] (its token in the keyring), or a
//! given [`Service`] — a base URL and a token, with its own folder — which is how the shell's
//! demo runs against its built-in simulator without the core knowing about it.
//!
//! [`Orrery`]'s methods named after the `orrery-ipc` commands serve the window (the shell's
//! handlers for `core` rows of `orrery_ipc::with_commands!` are generated from those names);
//! their errors are [`IpcError`](orrery_ipc::IpcError)s, converted from each core error in
//! `errors`.

mod errors;
mod orrery;

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use orrery_ipc::commands::{AccountMode, SettingsDto, SyncStateDto, SyncStatusDto};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use zsxq::client::{AccessToken, Client};
use zsxq::{GroupId, UserId};

use crate::account::{Account, AccountError, AccountState};
use crate::media::{MediaCache, MediaLease};
use crate::notify::{Desktop, Notifier, Target, Toast};
use crate::paths::DataDir;
use crate::search::{self, SearchError, SearchIndex};
use crate::settings;
use crate::store::{Store, StoreError};
use crate::sync::{Schedule, SyncEngine, SyncOptions};

pub use orrery::{Fallback, OpenFallback, Orrery};

/// What the app's sessions notify with: the desktop, and the settings as they change.
#[derive(Debug, Clone)]
pub struct Notifications {
    pub desktop: Arc<Desktop>,
    pub prefs: watch::Receiver<SettingsDto>,
}

/// Where a session's data comes from.
#[derive(Debug)]
pub enum Source {
    /// The signed-in account of the data folder `dir`: its token, its remembered service.
    Account { dir: DataDir, account: Account },
    /// A given service and token, in a folder of its own (the demo's simulator).
    Service(Service),
}

/// A service a session talks to without an account: nothing is read from or written to the
/// keyring. A loopback `base_url` is a simulator and is not paced.
pub struct Service {
    /// Its own data folder, so its archive never mixes with an account's.
    pub dir: DataDir,
    pub base_url: String,
    pub token: AccessToken,
    /// Between two scheduled syncs.
    pub interval: Duration,
    /// Kept alive as long as the session (the simulator serving `base_url`).
    pub keep_alive: Box<dyn Any + Send + Sync>,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service")
            .field("dir", &self.dir.root())
            .field("base_url", &self.base_url)
            .field("interval", &self.interval)
            .finish_non_exhaustive()
    }
}

/// Why a session could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Account(#[from] AccountError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error("the service's address is unusable: {0}")]
    Client(#[from] zsxq::client::ClientError),
    #[error("the demo could not start: {0}")]
    Fallback(String),
    /// No account is signed in and this build has no demo to show instead.
    #[error("not signed in")]
    NotSignedIn,
    /// The app is shutting down.
    #[error("the app is shutting down")]
    Closed,
    /// The service could not say who the member is.
    #[error("asking the service who is signed in: {0}")]
    Api(#[from] zsxq::ApiError),
    #[error("the service named no user id for this account")]
    NoUserId,
}

/// One data folder open against one service: see the module's overview.
pub struct Session {
    mode: AccountMode,
    dir: DataDir,
    store: Store,
    search: SearchIndex,
    media: MediaCache,
    /// Held while the session lives, so another process starting never sweeps our downloads.
    _media_lease: MediaLease,
    client: Client,
    account: Option<Account>,
    interval: Duration,
    image_cache_bytes: u64,
    /// The day's request budget of the background sync ([`crate::sync::budget`]).
    daily_requests: Option<u64>,
    /// The member had paused the sync when the session opened.
    paused: bool,
    /// The app's scheduled sync, once [`Session::start_schedule`] started it.
    schedule: Option<Schedule>,
    /// The member's id, once known.
    /// Shared with the notifier, so the id is asked for once per session.
    me: Arc<tokio::sync::OnceCell<UserId>>,
    _keep_alive: Option<Box<dyn Any + Send + Sync>>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("mode", &self.mode)
            .field("dir", &self.dir.root())
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Opens the archive of `source` with the member's `prefs` (pacing, image cache) and clears
    /// what a killed run left in the media cache. Nothing syncs until
    /// [`Session::start_schedule`] or [`Session::sync_engine`].
    pub async fn open(source: Source, prefs: &SettingsDto) -> Result<Self, SessionError> {
        let (mode, dir, client, account, interval, keep_alive) = match source {
            Source::Account { dir, account } => {
                let client = account.client().await?;
                let interval = settings::sync_interval(prefs);
                (
                    AccountMode::SignedIn,
                    dir,
                    client,
                    Some(account),
                    interval,
                    None,
                )
            }
            Source::Service(service) => {
                let config = settings::service_config(service.base_url, prefs);
                let client = Client::new(config, service.token)?;
                (
                    AccountMode::Demo,
                    service.dir,
                    client,
                    None,
                    service.interval,
                    Some(service.keep_alive),
                )
            }
        };
        let store = Store::open(&dir).await?;
        let search = SearchIndex::open(&dir)?;
        let image_cache_bytes = settings::image_cache_bytes(prefs);
        let daily_requests = match &account {
            Some(account) => settings::daily_requests(prefs, account.base_url()),
            None => None,
        };
        let media = MediaCache::new(store.clone(), image_cache_bytes);
        // Before any download starts: what a killed run left half-written goes (unless
        // another process has the cache open, whose files in flight look the same).
        let (media_lease, _) = media.claim().await?;
        Ok(Self {
            mode,
            dir,
            store,
            search,
            media,
            _media_lease: media_lease,
            client,
            account,
            interval,
            image_cache_bytes,
            daily_requests,
            paused: prefs.sync_paused,
            schedule: None,
            me: Arc::default(),
            _keep_alive: keep_alive,
        })
    }

    /// A sync engine on this session's archive and client (only `circles`, when given), with
    /// the search index following what it archives; the returned task ends with the engine.
    pub fn sync_engine(
        &self,
        circles: Option<Vec<GroupId>>,
    ) -> (SyncEngine, JoinHandle<Result<(), SearchError>>) {
        let options = SyncOptions {
            circles,
            image_cache_bytes: self.image_cache_bytes,
            daily_requests: self.daily_requests,
            ..SyncOptions::default()
        };
        let engine = SyncEngine::new(self.store.clone(), self.client.clone(), options);
        let following = search::follow(self.search.clone(), self.store.clone(), engine.subscribe());
        let indexing = tokio::spawn(async move { following.await.map(drop) });
        (engine, indexing)
    }

    /// Starts the app's sync: now (unless the member paused it), then every interval (the
    /// account's from the settings, the service's own), with the index following and, given `notifications`, the inbox and its
    /// desktop notifications after every run. A token the service refuses marks the account
    /// `NeedsLogin`, so the window offers "sign in again" instead of retrying.
    pub fn start_schedule(mut self, notifications: Option<Notifications>) -> Self {
        let (engine, indexing) = self.sync_engine(None);
        let told = notifications.clone();
        if let Some(Notifications { desktop, prefs }) = notifications {
            let notifier = Notifier::new(self.store.clone(), desktop);
            let (account, client) = (self.account.clone(), self.client.clone());
            let cell = Arc::clone(&self.me);
            let me = async move {
                cell.get_or_try_init(|| me(account.as_ref(), &client))
                    .await
                    .copied()
                    .inspect_err(|err| tracing::warn!(%err, "who is signed in?"))
                    .ok()
            };
            tokio::spawn(notifier.follow(me, engine.subscribe(), prefs));
        }
        tokio::spawn(async move {
            match indexing.await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    tracing::error!(%err, "the search index stopped following the sync")
                }
                Err(err) => tracing::error!(%err, "the search indexer stopped"),
            }
        });
        let schedule = engine.schedule(self.interval, self.paused);
        if let Some(account) = &self.account {
            follow_account(
                schedule.status(),
                account.clone(),
                self.client.clone(),
                told,
            );
        }
        self.schedule = Some(schedule);
        self
    }

    /// Whether this is the account's archive or the demo's.
    pub fn mode(&self) -> AccountMode {
        self.mode
    }

    /// The session's data folder (the demo's is a subfolder of the app's).
    pub fn dir(&self) -> &DataDir {
        &self.dir
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn search(&self) -> &SearchIndex {
        &self.search
    }

    pub fn media(&self) -> &MediaCache {
        &self.media
    }

    /// The client every request of the session goes through (one pacing budget).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The signed-in account; `None` for a [`Service`] session.
    pub fn account(&self) -> Option<&Account> {
        self.account.as_ref()
    }

    /// The scheduled sync's status, changing as it runs; `None` before
    /// [`Session::start_schedule`].
    pub fn status(&self) -> Option<watch::Receiver<SyncStatusDto>> {
        self.schedule.as_ref().map(Schedule::status)
    }

    /// Where the scheduled sync stands now (idle when none was started).
    pub fn sync_status(&self) -> SyncStatusDto {
        self.status()
            .map(|status| status.borrow().clone())
            .unwrap_or_default()
    }

    /// The member's user id: remembered at sign-in, else asked of the service once (the
    /// demo's, or an account signed in before ids were remembered).
    pub async fn me(&self) -> Result<UserId, SessionError> {
        self.me
            .get_or_try_init(|| me(self.account.as_ref(), &self.client))
            .await
            .copied()
    }

    /// Whether the sync caches images (they are most of a first sync's requests).
    pub fn caches_images(&self) -> bool {
        self.image_cache_bytes > 0
    }

    /// The day's request budget, if this session has one.
    pub fn daily_requests(&self) -> Option<u64> {
        self.daily_requests
    }

    /// The scheduled sync, if started.
    pub fn schedule(&self) -> Option<&Schedule> {
        self.schedule.as_ref()
    }

    /// Stops the sync for good; everything committed stays and the next start resumes.
    pub fn stop(&self) {
        if let Some(schedule) = &self.schedule {
            schedule.shutdown();
        }
    }
}

async fn me(account: Option<&Account>, client: &Client) -> Result<UserId, SessionError> {
    let remembered = match account {
        Some(account) => account.settings()?.and_then(|s| s.user_id),
        None => None,
    };
    if let Some(id) = remembered {
        return Ok(id);
    }
    let response = client.self_user().await?;
    response.data.user.id().ok_or(SessionError::NoUserId)
}

/// Keeps the account's state with the sync: after each run that caught up, the token's
/// lifetime the service last told (`x-expire-in`, for the week-ahead warning of an app left
/// running); when the service refused the token, `NeedsLogin`, said once in a notification
/// (when notifications are on): the member may not be looking at the window, and nothing
/// syncs until they sign in again.
fn follow_account(
    mut status: watch::Receiver<SyncStatusDto>,
    account: Account,
    client: Client,
    notifications: Option<Notifications>,
) {
    tokio::spawn(async move {
        while status.changed().await.is_ok() {
            let state = status.borrow_and_update().state;
            if state == SyncStateDto::CaughtUp
                && let Some(left) = client.expires_in()
            {
                account.note_expiry(left);
            }
            if state != SyncStateDto::NeedsLogin {
                continue;
            }
            let newly = account.state() != AccountState::NeedsLogin;
            account.mark_needs_login();
            let Some(Notifications { desktop, prefs }) = &notifications else {
                continue;
            };
            let prefs = prefs.borrow().clone();
            if newly && prefs.notifications.enabled {
                let words = settings::lang(&prefs).words();
                let toast = Toast {
                    summary: words.needs_login_title.to_owned(),
                    body: words.needs_login_body.to_owned(),
                    target: Target::App,
                    keys: Vec::new(),
                };
                desktop.show(&toast).await;
            }
        }
    });
}
