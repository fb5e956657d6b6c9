//! What Orrery's tests share, so that each test binary states only what it tests. A
//! dev-dependency of the workspace's crates, never a dependency of anything that ships.
//!
//! * The simulator: [`sim`] / [`sim_with`] start `zsxq-sim` on a free loopback port, strict
//!   about request signatures, and return its [`SimHandle`] ([`sim_as_configured`] leaves the
//!   checks as configured); [`client`] / [`client_as`] talk to it through [`unpaced`] settings.
//! * The archive (feature `store`): [`temp_store`] and [`open_store`] open a real
//!   `orrery_core::store::Store` in a data folder.
//! * [`Cable`]: a network between client and simulator that a test unplugs and plugs back.
//! * [`block_on`]: a multi-threaded runtime for tests that block on a child process while the
//!   simulator serves.
//! * [`secret_service`]: a private, unlocked GNOME Keyring on a private D-Bus session, and the
//!   [`secret_service_test!`] macro that runs a test's body with it.
//! * `notifications` (feature `notifications`): a freedesktop notification server that records
//!   what it is sent, on a private D-Bus session bus of its own.
//! * [`assert_nowhere_in`]: the token-leak check over a folder's files.
//! * [`needles`]: search needles cut from a corpus, for the search tests and benchmark.
//! * [`samples_dir`] and [`seed_dir`]: the real data beside the checkout, which a test must
//!   never silently do without.

mod cable;
pub mod needles;
#[cfg(feature = "notifications")]
pub mod notifications;
pub mod secret_service;
mod shared;
mod sim;
#[cfg(feature = "store")]
mod store;
mod tools;

use std::path::Path;

pub use cable::Cable;
pub use shared::{samples_dir, seed_article, seed_dir};
pub use sim::{STRANGER, client, client_as, sim, sim_as_configured, sim_with, unpaced};
#[cfg(feature = "store")]
pub use store::{open_store, temp_store};
pub use zsxq_sim::SimHandle;

/// Runs `future` on a multi-threaded runtime, so the simulator (spawned on it) keeps serving
/// while the test blocks on something else, such as a child process reading from it.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

/// Fails if `secret` appears in any file under `dir`: a token belongs in the keyring only,
/// never in the archive, settings, logs or caches.
pub fn assert_nowhere_in(dir: &Path, secret: &str) {
    let holders = files_containing(dir, secret);
    assert!(holders.is_empty(), "the token was written to {holders:?}");
}

/// Every regular file under `dir` whose bytes contain `secret`. Sockets and pipes (a running
/// app's home has them) are not files to read, and a file that vanished since it was listed
/// (a running app's caches) holds nothing any more; any other failure to read is a panic.
pub fn files_containing(dir: &Path, secret: &str) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let entry = entry.expect("entry");
        let path = entry.path();
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            found.extend(files_containing(&path, secret));
        } else if kind.is_file() {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => panic!("{}: {err}", path.display()),
            };
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                found.push(path);
            }
        }
    }
    found
}
