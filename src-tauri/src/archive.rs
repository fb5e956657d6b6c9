//! The archive the window shows and the background sync that fills it.
//!
//! At start-up [`Archive::start`] decides the mode: with a token (the OS keyring, or
//! `ORRERY_TOKEN`) it opens the member's archive and syncs it from ZSXQ at the default, safe
//! pacing; without one it runs the demo: `zsxq-sim`'s `demo` dataset served in-process on
//! 127.0.0.1 (anchored to today, with a little live activity) and synced for real, unpaced
//! because it never leaves the machine, into a separate `demo/` archive so simulated circles
//! never mix with a real account's.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use orrery_core::account::Account;
use orrery_core::media::MediaCache;
use orrery_core::paths::DataDir;
use orrery_core::search::{self, SearchIndex};
use orrery_core::store::Store;
use orrery_core::sync::{SyncEngine, SyncEvent, SyncHandle, SyncMode, SyncOptions, SyncStatus};
use orrery_ipc::commands::{AccountMode, SyncStateDto};
use tokio::sync::{broadcast, watch};
use zsxq::client::{AccessToken, Client, ClientConfig, Pacing};
use zsxq_sim::{Dataset, SimConfig, SimHandle};

/// How long start-up waits for the keyring before showing the demo. Unlocking a locked
/// keyring can prompt; the demo is a better first screen than a frozen one.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(5);
/// Between two syncs of a real account: new posts within minutes, few requests.
const ACCOUNT_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// Between two syncs of the demo, whose simulated circles get new posts every few seconds.
const DEMO_INTERVAL: Duration = Duration::from_secs(20);
/// New topics, comments and answers per minute in the demo's circles.
const DEMO_ACTIVITY_PER_MIN: f64 = 6.0;

/// A running archive: its store, its sync and, in demo mode, the simulator it syncs from.
pub struct Archive {
    pub mode: AccountMode,
    pub store: Store,
    status: watch::Receiver<SyncStateDto>,
    sync: SyncHandle,
    /// Kept alive for as long as the demo runs.
    _demo: Option<SimHandle>,
}

impl Archive {
    /// Opens the archive for the account in `data_dir`, or the demo, and starts syncing.
    pub async fn start(data_dir: &DataDir) -> anyhow::Result<Self> {
        let account = Account::open_saved(data_dir, ClientConfig::default())?;
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
            Some(_) => Self::signed_in(data_dir, account).await,
            None => Self::demo(data_dir).await,
        }
    }

    async fn signed_in(data_dir: &DataDir, account: Account) -> anyhow::Result<Self> {
        let store = Store::open(data_dir).await?;
        let client = account.client().await?;
        let search = SearchIndex::open(data_dir)?;
        let (status, sync) =
            start_sync(&store, search, client, Some(account), ACCOUNT_INTERVAL).await?;
        Ok(Self {
            mode: AccountMode::SignedIn,
            store,
            status,
            sync,
            _demo: None,
        })
    }

    async fn demo(data_dir: &DataDir) -> anyhow::Result<Self> {
        let sim = zsxq_sim::serve(
            SimConfig {
                dataset: Dataset::Demo,
                activity_per_min: DEMO_ACTIVITY_PER_MIN,
                newest_ms: Some(now_ms()),
                ..SimConfig::default()
            },
            SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
        )
        .await
        .context("starting the demo circles")?;
        let dir = DataDir::open(data_dir.root().join("demo"))?;
        let store = Store::open(&dir).await?;
        let client = Client::new(
            ClientConfig {
                base_url: sim.base_url().to_owned(),
                // Loopback only: pacing protects the real service, not this one.
                pacing: Pacing::none(),
                ..ClientConfig::default()
            },
            AccessToken::new(sim.token())?,
        )?;
        let search = SearchIndex::open(&dir)?;
        let (status, sync) = start_sync(&store, search, client, None, DEMO_INTERVAL).await?;
        tracing::info!(base_url = sim.base_url(), "demo circles running");
        Ok(Self {
            mode: AccountMode::Demo,
            store,
            status,
            sync,
            _demo: Some(sim),
        })
    }

    /// Where the sync stands.
    pub fn sync_state(&self) -> SyncStateDto {
        *self.status.borrow()
    }

    /// Stops the sync; everything committed stays and the next start resumes.
    pub fn stop(&self) {
        self.sync.cancel();
    }
}

/// Clears what a killed run left in the media cache, then syncs every `interval`, publishing
/// where the sync stands, with the search index following (the window does not search yet;
/// the index is built and kept current so that it is ready when it does).
async fn start_sync(
    store: &Store,
    search: SearchIndex,
    client: Client,
    account: Option<Account>,
    interval: Duration,
) -> anyhow::Result<(watch::Receiver<SyncStateDto>, SyncHandle)> {
    let options = SyncOptions::default();
    MediaCache::new(store.clone(), options.image_cache_bytes)
        .sweep()
        .await?;
    let engine = SyncEngine::new(store.clone(), client, options);
    let status = follow(engine.subscribe(), account);
    let indexing = search::follow(search, store.clone(), engine.subscribe());
    tauri::async_runtime::spawn(async move {
        if let Err(err) = indexing.await {
            tracing::error!(%err, "the search index stopped following the sync");
        }
    });
    Ok((status, engine.spawn(SyncMode::Continuous { interval })))
}

/// Turns the engine's events into the one state the start screen shows, and signs the account
/// out of the sync when the service refuses its token.
fn follow(
    mut events: broadcast::Receiver<SyncEvent>,
    account: Option<Account>,
) -> watch::Receiver<SyncStateDto> {
    let (tx, rx) = watch::channel(SyncStateDto::Idle);
    tauri::async_runtime::spawn(async move {
        loop {
            let state = match events.recv().await {
                Ok(SyncEvent::Started { .. }) => SyncStateDto::Syncing,
                Ok(SyncEvent::Finished { status }) => match status {
                    SyncStatus::CaughtUp => SyncStateDto::CaughtUp,
                    SyncStatus::Partial => SyncStateDto::Failed,
                    SyncStatus::Cancelled => SyncStateDto::Idle,
                    SyncStatus::NeedsLogin => SyncStateDto::NeedsLogin,
                },
                Ok(SyncEvent::NeedsLogin) => {
                    if let Some(account) = &account {
                        account.mark_needs_login();
                    }
                    SyncStateDto::NeedsLogin
                }
                Ok(_) => continue,
                // Skipped events only ever describe progress the archive already holds.
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => break,
            };
            if tx.send(state).is_err() {
                break;
            }
        }
    });
    rx
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
