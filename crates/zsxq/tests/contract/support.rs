//! Locating and reading the shared samples, in place.

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `shared/` sits beside the checkout (`/work/main` and `/work/shared`), so the samples are
/// three levels above this crate's manifest.
pub fn samples_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/zsxq/samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(&dir);
        None
    }
}

#[allow(clippy::print_stderr)] // The one way to tell a developer why a test did nothing.
fn skip(dir: &std::path::Path) {
    eprintln!(
        "SKIPPED: ZSXQ samples not found at {}; check out `shared/` beside the repository to run the contract tests",
        dir.display()
    );
}

/// Returns early from a test when the samples are absent.
macro_rules! samples_or_skip {
    () => {
        match support::samples_dir() {
            Some(dir) => dir,
            None => return,
        }
    };
}
pub(crate) use samples_or_skip;

pub fn read(name: &str) -> Vec<u8> {
    let path = samples_dir().expect("samples directory").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

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
