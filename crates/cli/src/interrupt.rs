//! Ctrl-C as a cancellation: long commands (`export`, `import`) stop at their next safe point
//! instead of dying mid-write.

use orrery_core::sync::CancellationToken;

/// Cancels its token on Ctrl-C while it lives.
pub struct CtrlC {
    pub token: CancellationToken,
    watcher: tokio::task::JoinHandle<()>,
}

impl CtrlC {
    /// Starts watching; must be called inside the runtime.
    pub fn watch() -> Self {
        let token = CancellationToken::new();
        let on_signal = token.clone();
        let watcher = tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_signal.cancel();
            }
        });
        Self { token, watcher }
    }
}

impl Drop for CtrlC {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}
