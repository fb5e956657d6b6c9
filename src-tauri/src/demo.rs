//! The built-in demo (the default `demo` feature): without an account, the app shows the
//! simulator's circles, served in-process on 127.0.0.1 and synced for real into a `demo/`
//! subfolder of the data folder. The core knows nothing of the simulator: it opens a
//! [`Service`] session on the address this gives it.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use orrery_core::now_ms;
use orrery_core::paths::DataDir;
use orrery_core::session::{Fallback, Service};
use zsxq::client::AccessToken;
use zsxq_sim::{BusyDay, Dataset, SimConfig};

/// Between two syncs of the demo, whose simulated circles get new posts every few seconds.
const DEMO_INTERVAL: Duration = Duration::from_secs(20);
/// New topics, comments and answers per minute in the demo's circles.
const DEMO_ACTIVITY_PER_MIN: f64 = 6.0;
/// Topics of the demo's last day (its busy day).
const DEMO_DAY_TOPICS: usize = 160;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Selects the demo's dataset (`demo`, `generated:N`, `hostile`…): the end-to-end tests use
/// it to run the real app on hostile content. Unset means the built-in demo circles.
pub const DEMO_DATASET_ENV: &str = "ORRERY_DEMO_DATASET";

/// The demo, as the core's fallback session.
pub fn fallback() -> Fallback {
    Arc::new(|data_dir| Box::pin(start(data_dir)))
}

async fn start(data_dir: DataDir) -> Result<Service, String> {
    let dataset = match std::env::var(DEMO_DATASET_ENV) {
        Ok(name) => name
            .parse()
            .map_err(|err| format!("{DEMO_DATASET_ENV}={name}: {err}"))?,
        Err(_) => Dataset::Demo,
    };
    // Other datasets serve tests, which compare what they read with the dataset's truth.
    let activity_per_min = if dataset == Dataset::Demo {
        DEMO_ACTIVITY_PER_MIN
    } else {
        0.0
    };
    // The built-in demo's history ends a day ago and a busy day fills the last 24 hours, so
    // the brief (今日速览) has a day to rank: the owners' posts, 精华, questions, and the
    // check-ins and thank-yous it sets apart.
    let busy = dataset == Dataset::Demo;
    let newest_ms = if busy { now_ms() - DAY_MS } else { now_ms() };
    let sim = zsxq_sim::serve(
        SimConfig {
            dataset,
            activity_per_min,
            newest_ms: Some(newest_ms),
            ..SimConfig::default()
        },
        SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
    )
    .await
    .map_err(|err| format!("starting the demo circles: {err}"))?;
    if busy {
        sim.busy_day(BusyDay {
            circles: 4,
            topics: DEMO_DAY_TOPICS,
        });
    }
    let dir = DataDir::open(data_dir.root().join("demo")).map_err(|err| err.to_string())?;
    let token = AccessToken::new(sim.token()).map_err(|err| err.to_string())?;
    tracing::info!(base_url = sim.base_url(), "demo circles running");
    Ok(Service {
        dir,
        base_url: sim.base_url().to_owned(),
        token,
        interval: DEMO_INTERVAL,
        keep_alive: Box::new(sim),
    })
}
