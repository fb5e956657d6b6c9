//! What the client and contract tests share: the client settings they use against the
//! simulator, and reading the real samples in `shared/zsxq/samples` (in place, never copied
//! into the repository; `orrery_testkit::samples_dir` fails the test when they are absent).

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use zsxq::client::{Client, ClientConfig, RetryPolicy};
use zsxq_sim::{Faults, SimConfig, SimHandle};

pub use orrery_testkit::sim_with;

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

/// A client signed in with the simulator's token, retrying injected faults at once.
pub fn client(sim: &SimHandle) -> Client {
    client_with(sim, RetryPolicy::immediate(ATTEMPTS))
}

/// A client signed in with the simulator's token and the given retry policy.
pub fn client_with(sim: &SimHandle, retry: RetryPolicy) -> Client {
    let config = ClientConfig {
        retry,
        ..orrery_testkit::unpaced(sim.base_url())
    };
    orrery_testkit::client_as(config, sim.token())
}

/// The bytes of the sample `name`.
pub fn read(name: &str) -> Vec<u8> {
    let path = orrery_testkit::samples_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The sample `name` as JSON.
pub fn json(name: &str) -> Value {
    serde_json::from_slice(&read(name)).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
}

/// Decodes a response sample through the envelope, as the client will.
pub fn response<T: DeserializeOwned>(name: &str) -> T {
    zsxq::decode_body(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decodes `value` as `T` and checks that encoding it again gives back exactly `value`.
pub fn lossless<T: DeserializeOwned + Serialize>(what: &str, value: &Value) -> T {
    let decoded: T = serde_json::from_value(value.clone())
        .unwrap_or_else(|e| panic!("{what} does not decode: {e}"));
    let again = serde_json::to_value(&decoded).expect("models always serialize");
    if &again != value {
        panic!(
            "{what} does not round-trip.\n{}",
            first_difference(value, &again, String::new()).unwrap_or_default()
        );
    }
    decoded
}

/// Where two JSON values first differ, for readable failures.
fn first_difference(expected: &Value, actual: &Value, path: String) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let (x, y) = (a.get(key), b.get(key));
                match (x, y) {
                    (Some(x), Some(y)) => {
                        if let Some(diff) = first_difference(x, y, format!("{path}.{key}")) {
                            return Some(diff);
                        }
                    }
                    _ => return Some(format!("{path}.{key}: expected {x:?}, got {y:?}")),
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]"))),
        _ if expected == actual => None,
        _ => Some(format!("{path}: expected {expected}, got {actual}")),
    }
}
