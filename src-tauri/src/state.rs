//! The one [`AppState`] the shell manages: cheap handles into the core.

use crate::archive::Archive;
use orrery_core::paths::{DataDir, PathError};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::watch;

/// The archive once start-up has opened it, or why it could not.
pub type Started = Arc<Result<Archive, String>>;

pub struct AppState {
    pub data_dir: DataDir,
    archive: watch::Receiver<Option<Started>>,
    ui_connected: AtomicBool,
}

impl AppState {
    /// The state, and where start-up hands over the archive once it is open (which needs the
    /// keyring and, for the demo, a simulator: too slow to hold the window for).
    pub fn open() -> Result<(Self, watch::Sender<Option<Started>>), PathError> {
        let data_dir = DataDir::open(DataDir::default_location()?)?;
        let (tx, archive) = watch::channel(None);
        let state = Self {
            data_dir,
            archive,
            ui_connected: AtomicBool::new(false),
        };
        Ok((state, tx))
    }

    /// The archive, waiting for start-up to open it.
    pub async fn archive(&self) -> Started {
        let mut archive = self.archive.clone();
        match archive.wait_for(Option::is_some).await {
            Ok(started) => started.clone().unwrap_or_else(gone),
            Err(_) => gone(),
        }
    }

    /// Asks the sync to stop at its next step, if the archive is open. Called on exit so the
    /// sync ends between two transactions rather than in the middle of one (which SQLite would
    /// roll back anyway: this only saves redoing that page).
    pub fn stop_sync(&self) {
        if let Some(Ok(archive)) = self.archive.borrow().as_deref() {
            archive.stop();
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
    Arc::new(Err("the app is shutting down".to_owned()))
}
