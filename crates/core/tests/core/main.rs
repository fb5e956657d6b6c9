//! orrery-core's integration tests, in one binary because each test binary links sqlx and
//! tantivy again. The set-up they share (simulator, client, archive, keyring) is in
//! `orrery-testkit`.
//!
//! * `account`: the account against a real Secret Service and the simulator.
//! * `reader`: the reading views over synced archives.
//! * `search`: the search index against a substring scan of the archive.
//! * `session`: the app's core switching between the demo and the account, with its sync.
//! * `sync`: the sync engine against the simulator's truth.

mod account;
mod reader;
mod search;
mod session;
mod sync;
