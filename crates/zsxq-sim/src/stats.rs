//! Request counting, readable through [`crate::SimHandle::requests`] and `GET /__sim/stats`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A snapshot of the requests the simulator has received.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestStats {
    /// Every request except `/__sim/*`, including refused and faulted ones.
    pub total: u64,
    /// Per route, keyed by method and route template, e.g. `GET /v2/groups/{group_id}/topics`;
    /// requests that match no route count under `unmatched`.
    pub by_route: BTreeMap<String, u64>,
}

impl RequestStats {
    /// Requests to one route (`0` if it was never called).
    pub fn route(&self, key: &str) -> u64 {
        self.by_route.get(key).copied().unwrap_or(0)
    }

    pub(crate) fn record(&mut self, key: &str) {
        self.total += 1;
        *self.by_route.entry(key.to_owned()).or_default() += 1;
    }
}
