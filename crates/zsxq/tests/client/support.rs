//! Starting a simulator and a client that talks to it.
//!
//! Every client here uses [`Pacing::none`]: the simulator listens on 127.0.0.1 only (its
//! `serve` refuses anything else), so no real account is ever paced this way.

use std::net::{Ipv4Addr, SocketAddr};

use zsxq::client::{AccessToken, Client, ClientConfig, Pacing, RetryPolicy};
use zsxq_sim::{Faults, SimConfig, SimHandle};

/// Attempts per call in tests: enough that injected faults at the rates used here always
/// clear, with millisecond back-off.
pub const ATTEMPTS: u32 = 8;

/// A demo simulator on a free loopback port, with `faults`.
pub async fn sim(faults: Faults) -> SimHandle {
    sim_with(SimConfig {
        faults,
        ..SimConfig::default()
    })
    .await
}

/// A simulator with a custom configuration, on a free loopback port.
pub async fn sim_with(config: SimConfig) -> SimHandle {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    zsxq_sim::serve(config, addr)
        .await
        .expect("the simulator starts on loopback")
}

/// The test configuration: the simulator's base URL, no pacing, tiny back-off.
pub fn config(sim: &SimHandle, retry: RetryPolicy) -> ClientConfig {
    ClientConfig {
        pacing: Pacing::none(),
        retry,
        ..ClientConfig::with_base_url(sim.base_url())
    }
}

/// A client signed in with the simulator's token.
pub fn client(sim: &SimHandle) -> Client {
    client_with(sim, RetryPolicy::immediate(ATTEMPTS))
}

/// A client signed in with the simulator's token and the given retry policy.
pub fn client_with(sim: &SimHandle, retry: RetryPolicy) -> Client {
    let token = AccessToken::new(sim.token()).expect("the simulator issues valid tokens");
    Client::new(config(sim, retry), token).expect("client")
}
