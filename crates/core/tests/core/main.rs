//! orrery-core's integration tests, in one binary because each test binary links sqlx and
//! tantivy again. The set-up they share (simulator, client, archive, keyring) is in
//! `orrery-testkit`.
//!
//! * `account`: the account against a real Secret Service and the simulator.
//! * `brief`: the brief's ranking against the simulator's truth of a busy day.
//! * `damage`: an emptied archive, first runs racing on a new folder.
//! * `estimate`: circle sizes, how long a paced first sync takes against its estimate, pause.
//! * `history`: inline comments, edits and deletions on the service, as the archive keeps them.
//! * `import`: saved articles and notes into 已保存, found by search.
//! * `mirror`: what to mirror of each circle: all, the last months, nothing.
//! * `polls`: the background poll: what an idle one costs, and that answers still arrive.
//! * `reader`: the reading views over synced archives.
//! * `search`: the search index against a substring scan of the archive.
//! * `session`: the app's core switching between the demo and the account, with its sync.
//! * `sync`: the sync engine against the simulator's truth.
//! * `sync_limits`: the media cache and the sync against huge downloads (size caps).

mod account;
mod brief;
mod damage;
mod estimate;
mod export;
mod history;
mod import;
mod mirror;
mod polls;
mod reader;
mod search;
mod session;
mod sync;
mod sync_limits;

/// How many topics a benchmark's archive holds: `ORRERY_BENCH_TOPICS` (`cargo xtask bench …
/// --topics N`), else `default`.
fn bench_topics(default: u64) -> u64 {
    std::env::var("ORRERY_BENCH_TOPICS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}
