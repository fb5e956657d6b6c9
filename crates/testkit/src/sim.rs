//! The simulator on loopback and clients for it.
//!
//! Every client here is unpaced ([`Pacing::none`]): the simulator listens on 127.0.0.1 only
//! (its `serve` refuses anything else), so no real account is ever paced this way.
//!
//! The simulators of [`sim`] and [`sim_with`] are strict about signatures
//! ([`HeaderChecks::strict`]): every API request without the right `x-signature` is refused
//! with code 1059, and a token that keeps trying is banned. So every test whose client gets
//! through — every sync, search and CLI test — also proves that the client signs exactly what
//! it sends. They also generate runs of topics in one millisecond
//! (`SimConfig::same_millisecond_runs`), so every paging client is tested against them. Tests
//! of the simulator's own lenient, unstressed behaviour use [`sim_as_configured`].

use std::net::{Ipv4Addr, SocketAddr};

use zsxq::client::{AccessToken, Client, ClientConfig, Pacing};
use zsxq_sim::{Dataset, HeaderChecks, SimConfig, SimHandle};

/// A token in the service's format that the simulator never issued.
pub const STRANGER: &str = "0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071";

/// A simulator serving `dataset`, otherwise as configured by default, on a free loopback port.
pub async fn sim(dataset: Dataset) -> SimHandle {
    sim_with(SimConfig {
        dataset,
        ..SimConfig::default()
    })
    .await
}

/// A simulator with a custom configuration (faults, activity, …), on a free loopback port,
/// strict about signatures whatever `config.headers` says: every unsigned or wrongly signed
/// request is refused (the ban settings are kept); with runs of topics in one millisecond.
pub async fn sim_with(config: SimConfig) -> SimHandle {
    let headers = HeaderChecks {
        p_unsigned_1059: HeaderChecks::strict().p_unsigned_1059,
        ..config.headers.clone()
    };
    sim_as_configured(SimConfig {
        headers,
        same_millisecond_runs: true,
        ..config
    })
    .await
}

/// A simulator exactly as `config` says, header checks included, on a free loopback port.
pub async fn sim_as_configured(config: SimConfig) -> SimHandle {
    zsxq_sim::serve(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .await
        .expect("the simulator starts on loopback")
}

/// Client settings for `base_url` without pacing; retries stay the default, so a test that
/// wants them fast or off says so.
pub fn unpaced(base_url: &str) -> ClientConfig {
    ClientConfig {
        pacing: Pacing::none(),
        ..ClientConfig::with_base_url(base_url)
    }
}

/// An unpaced client of `sim`, signed in with the simulator's first token.
pub fn client(sim: &SimHandle) -> Client {
    client_as(unpaced(sim.base_url()), sim.token())
}

/// A client with `config`, signed in with `token` (which may be one the simulator refuses).
pub fn client_as(config: ClientConfig, token: &str) -> Client {
    let token = AccessToken::new(token).expect("a well-formed token");
    Client::new(config, token).expect("client")
}
