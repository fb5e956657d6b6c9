//! The one [`AppState`] the shell manages: cheap handles into the core.

use orrery_core::paths::{DataDir, PathError};
use orrery_ipc::commands::AccountMode;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug)]
pub struct AppState {
    pub data_dir: DataDir,
    pub mode: AccountMode,
    ui_connected: AtomicBool,
}

impl AppState {
    pub fn open() -> Result<Self, PathError> {
        let data_dir = DataDir::open(DataDir::default_location()?)?;
        // Sign-in arrives with the archive (issue #4); until then every start is the demo.
        Ok(Self {
            data_dir,
            mode: AccountMode::Demo,
            ui_connected: AtomicBool::new(false),
        })
    }

    /// Logs, once, that the UI has mounted and reached the shell: `cargo xtask bench startup`
    /// times launch to first render by this line.
    pub fn note_ui_connected(&self) {
        if !self.ui_connected.swap(true, Ordering::Relaxed) {
            tracing::info!("UI connected");
        }
    }
}
