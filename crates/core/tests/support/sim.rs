//! What the account tests of orrery-core and orrery-cli share: a small simulator, a runtime
//! that keeps it serving while a test waits on a child process, and the token-leak check.

use std::path::Path;

use zsxq_sim::{Dataset, SimConfig, SimHandle};

/// A token in the service's format that the simulator never issued.
pub const STRANGER: &str = "0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071";

/// Runs `future` on a multi-threaded runtime, so the simulator keeps serving while the test
/// blocks on something else.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

/// A simulator with a few topics per circle on a free loopback port.
pub async fn sim() -> SimHandle {
    let config = SimConfig {
        dataset: Dataset::Generated(20),
        ..SimConfig::default()
    };
    zsxq_sim::serve(config, "127.0.0.1:0".parse().expect("address"))
        .await
        .expect("zsxq-sim starts")
}

/// Fails if `secret` appears in any file under `dir`.
pub fn assert_nowhere_in(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).expect("read_dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            assert_nowhere_in(&path, secret);
        } else {
            let bytes = std::fs::read(&path).expect("read");
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "the token was written to {}",
                path.display()
            );
        }
    }
}
