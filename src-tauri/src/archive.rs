//! The archive the window shows: the account's, or the built-in demo's, with its scheduled
//! sync, the search index following it, and the media cache the reader's images come from.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use orrery_core::account::Account;
use orrery_core::media::MediaCache;
use orrery_core::now_ms;
use orrery_core::paths::DataDir;
use orrery_core::search::{self, SearchIndex};
use orrery_core::settings;
use orrery_core::store::Store;
use orrery_core::sync::{Schedule, SyncEngine, SyncOptions};
use orrery_ipc::commands::{AccountMode, SettingsDto, SyncStateDto, SyncStatusDto};
use tokio::sync::watch;
use zsxq::client::{AccessToken, Client, ClientConfig, Pacing};
use zsxq_sim::{Dataset, SimConfig, SimHandle};

/// How long start-up waits for the keyring before showing the demo. Unlocking a locked
/// keyring can prompt; the demo is a better first screen than a frozen one.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);
/// Between two syncs of the demo, whose simulated circles get new posts every few seconds.
const DEMO_INTERVAL: Duration = Duration::from_secs(20);
/// New topics, comments and answers per minute in the demo's circles.
const DEMO_ACTIVITY_PER_MIN: f64 = 6.0;
/// Selects the demo's dataset (`demo`, `generated:N`, `hostile`…): the end-to-end tests use
/// it to run the real app on hostile content. Unset means the built-in demo circles.
pub const DEMO_DATASET_ENV: &str = "ORRERY_DEMO_DATASET";

/// A running archive: its store, index and media, its sync and, in demo mode, the simulator
/// it syncs from.
pub struct Archive {
    pub mode: AccountMode,
    pub store: Store,
    pub search: SearchIndex,
    pub media: MediaCache,
    /// For images not cached yet.
    pub client: Client,
    pub account: Option<Account>,
    pub schedule: Schedule,
    /// Kept alive for as long as the demo runs.
    _demo: Option<SimHandle>,
}

impl Archive {
    /// Opens the archive for the account in `data_dir`, or the demo, and starts syncing.
    pub async fn start(data_dir: &DataDir, prefs: &SettingsDto) -> anyhow::Result<Self> {
        let account = Account::open_saved(data_dir, settings::client_config(data_dir, prefs))?;
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
            Some(_) => Self::signed_in(data_dir, account, prefs).await,
            None => Self::demo(data_dir, prefs).await,
        }
    }

    /// The account's archive, for a token already in the keyring.
    pub async fn signed_in(
        data_dir: &DataDir,
        account: Account,
        prefs: &SettingsDto,
    ) -> anyhow::Result<Self> {
        let client = account.client().await?;
        let interval = settings::sync_interval(prefs);
        let archive = Self::assemble(
            data_dir,
            client,
            Some(account.clone()),
            prefs,
            interval,
            None,
        )
        .await?;
        watch_sign_in(archive.schedule.status(), account);
        Ok(archive)
    }

    async fn demo(data_dir: &DataDir, prefs: &SettingsDto) -> anyhow::Result<Self> {
        let dataset = match std::env::var(DEMO_DATASET_ENV) {
            Ok(name) => name
                .parse()
                .with_context(|| format!("{DEMO_DATASET_ENV}={name}"))?,
            Err(_) => Dataset::Demo,
        };
        // Other datasets serve tests, which compare what they read with the dataset's truth.
        let activity_per_min = if dataset == Dataset::Demo {
            DEMO_ACTIVITY_PER_MIN
        } else {
            0.0
        };
        let sim = zsxq_sim::serve(
            SimConfig {
                dataset,
                activity_per_min,
                newest_ms: Some(now_ms()),
                ..SimConfig::default()
            },
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        )
        .await
        .context("starting the demo circles")?;
        let dir = DataDir::open(data_dir.root().join("demo"))?;
        let client = Client::new(
            ClientConfig {
                base_url: sim.base_url().to_owned(),
                // Loopback only: pacing protects the real service, not this one.
                pacing: Pacing::none(),
                ..ClientConfig::default()
            },
            AccessToken::new(sim.token())?,
        )?;
        tracing::info!(base_url = sim.base_url(), "demo circles running");
        Self::assemble(&dir, client, None, prefs, DEMO_INTERVAL, Some(sim)).await
    }

    /// Opens the archive of `dir` and its index, clears what a killed run left in the media
    /// cache, then syncs now and every `interval` with the index following. A signed-in archive
    /// has its `account`; the demo keeps its simulator alive in `demo`.
    async fn assemble(
        dir: &DataDir,
        client: Client,
        account: Option<Account>,
        prefs: &SettingsDto,
        interval: Duration,
        demo: Option<SimHandle>,
    ) -> anyhow::Result<Self> {
        let store = Store::open(dir).await?;
        let search = SearchIndex::open(dir)?;
        let options = SyncOptions {
            image_cache_bytes: settings::image_cache_bytes(prefs),
            ..SyncOptions::default()
        };
        let media = MediaCache::new(store.clone(), options.image_cache_bytes);
        media.sweep().await?;
        let engine = SyncEngine::new(store.clone(), client.clone(), options);
        let indexing = search::follow(search.clone(), store.clone(), engine.subscribe());
        tauri::async_runtime::spawn(async move {
            if let Err(err) = indexing.await {
                tracing::error!(%err, "the search index stopped following the sync");
            }
        });
        Ok(Self {
            mode: if account.is_some() {
                AccountMode::SignedIn
            } else {
                AccountMode::Demo
            },
            store,
            search,
            media,
            client,
            account,
            schedule: engine.schedule(interval),
            _demo: demo,
        })
    }

    /// Where the sync stands.
    pub fn sync_status(&self) -> SyncStatusDto {
        self.schedule.status().borrow().clone()
    }

    /// Stops the sync for good; everything committed stays and the next start resumes.
    pub fn stop(&self) {
        self.schedule.shutdown();
    }
}

/// Signs the account out of the sync when the service refuses its token, so the app shows
/// the sign-in screen's "sign in again" instead of retrying.
fn watch_sign_in(mut status: watch::Receiver<SyncStatusDto>, account: Account) {
    tauri::async_runtime::spawn(async move {
        while status.changed().await.is_ok() {
            if status.borrow_and_update().state == SyncStateDto::NeedsLogin {
                account.mark_needs_login();
            }
        }
    });
}
