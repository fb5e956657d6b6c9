//! The simulator on loopback and clients for it.
//!
//! Every client here is unpaced ([`Pacing::none`]): the simulator listens on 127.0.0.1 only
//! (its `serve` refuses anything else), so no real account is ever paced this way.

use std::net::{Ipv4Addr, SocketAddr};

use zsxq::client::{AccessToken, Client, ClientConfig, Pacing};
use zsxq_sim::{Dataset, SimConfig, SimHandle};

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

/// A simulator with a custom configuration (faults, activity, …), on a free loopback port.
pub async fn sim_with(config: SimConfig) -> SimHandle {
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
