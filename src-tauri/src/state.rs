//! The one [`AppState`] the shell manages: the data directory, the settings, and the archive
//! the window shows, which sign-in and sign-out replace while the app runs.

use crate::archive::Archive;
use orrery_core::paths::{DataDir, PathError};
use orrery_core::settings::Settings;
use orrery_ipc::commands::{SettingsDto, SyncStatusDto};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::watch;

/// The archive once it is open, or why it could not be.
pub type Started = Result<Arc<Archive>, String>;

pub struct AppState {
    pub data_dir: DataDir,
    pub settings: Settings,
    prefs: Mutex<SettingsDto>,
    /// `None` while an archive is being opened.
    archive: watch::Sender<Option<Started>>,
    /// Serializes sign-in and sign-out, so two switches cannot interleave.
    switching: tokio::sync::Mutex<()>,
    ui_connected: AtomicBool,
    circles_served: AtomicBool,
}

impl AppState {
    pub fn open() -> Result<Self, PathError> {
        let data_dir = DataDir::open(DataDir::default_location()?)?;
        let settings = Settings::new(&data_dir);
        Ok(Self {
            prefs: Mutex::new(settings.load()),
            settings,
            data_dir,
            archive: watch::channel(None).0,
            switching: tokio::sync::Mutex::new(()),
            ui_connected: AtomicBool::new(false),
            circles_served: AtomicBool::new(false),
        })
    }

    /// The settings in force.
    pub fn prefs(&self) -> SettingsDto {
        self.prefs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn set_prefs(&self, prefs: SettingsDto) {
        *self.prefs.lock().unwrap_or_else(PoisonError::into_inner) = prefs;
    }

    /// The archive, waiting while one is being opened.
    pub async fn archive(&self) -> Started {
        let mut archive = self.archive.subscribe();
        match archive.wait_for(Option::is_some).await {
            Ok(started) => started.clone().unwrap_or_else(gone),
            Err(_) => gone(),
        }
    }

    /// Calls `send` with the sync status now and on every change, across sign-in and
    /// sign-out, until `send` returns false or the app shuts down. While no archive could be
    /// opened there is no status: it waits for the next one (a sign-in).
    pub async fn follow_status(&self, mut send: impl FnMut(SyncStatusDto) -> bool) {
        let mut archives = self.archive.subscribe();
        loop {
            let Ok(archive) = self.archive().await else {
                if archives.changed().await.is_err() {
                    return;
                }
                continue;
            };
            let mut status = archive.schedule.status();
            loop {
                if !send(status.borrow_and_update().clone()) {
                    return;
                }
                tokio::select! {
                    changed = status.changed() => if changed.is_err() { break },
                    _ = archives.changed() => break,
                }
            }
        }
    }

    /// Stops the current archive's sync and opens the one `open` gives in its place.
    pub async fn replace_archive<F>(&self, open: F) -> Started
    where
        F: Future<Output = anyhow::Result<Archive>>,
    {
        let _switching = self.switching.lock().await;
        if let Some(Ok(old)) = self.archive.send_replace(None) {
            old.stop();
        }
        let started = open.await.map(Arc::new).map_err(|err| {
            tracing::error!(err = format!("{err:#}"), "the archive could not be opened");
            format!("{err:#}")
        });
        self.archive.send_replace(Some(started.clone()));
        started
    }

    /// Stops the sync at its next step, if an archive is open. Called on exit so the sync
    /// ends between two transactions rather than in the middle of one (which SQLite would
    /// roll back anyway: this only saves redoing that page).
    pub fn stop_sync(&self) {
        if let Some(Ok(archive)) = self.archive.borrow().as_ref() {
            archive.stop();
        }
    }

    /// Logs, once, that the sidebar received its first circles: `cargo xtask bench startup`
    /// times launch to first circle by this line.
    pub fn note_circles_served(&self, count: usize) {
        if count > 0 && !self.circles_served.swap(true, Ordering::Relaxed) {
            tracing::info!(count, "first circles served");
        }
    }

    /// Logs, once, that the UI has mounted and reached the shell: `cargo xtask bench startup`
    /// times launch to first render by this line.
    pub fn note_ui_connected(&self) {
        if !self.ui_connected.swap(true, Ordering::Relaxed) {
            tracing::info!("UI connected");
        }
    }
}

fn gone() -> Started {
    Err("the app is shutting down".to_owned())
}
