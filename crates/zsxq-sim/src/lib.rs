//! `zsxq-sim`: a ZSXQ API simulator that binds to loopback only.
//!
//! It serves the same envelope, JSON shapes and pagination semantics as the real service
//! (`shared/zsxq/PROTOCOL.md`, summarised in `docs/protocol.md`), from deterministic seeded
//! datasets, with simulated activity and fault injection. Tests, benchmarks and Orrery's demo
//! mode talk to it instead of the real service.
//!
//! * [`serve`] takes a [`SimConfig`] — a [`Dataset`] (`demo`, `generated:N`, `generated:N:C`,
//!   `jsonl:PATH`, `hostile`), a seed, [`Faults`], [`HeaderChecks`] and an activity rate — and
//!   returns a [`SimHandle`]: the base URL, a valid token, the current [`Truth`] (topics,
//!   comments and answers per circle), request counts ([`RequestStats`]),
//!   [`SimHandle::advance`] to apply activity deterministically, [`SimHandle::act`] (also
//!   `POST /__sim/act`) to edit, delete, pin or mark a digest on purpose,
//!   [`SimHandle::happen`] (also `POST /__sim/act` with `{"kind": …}`) to make one event
//!   about the signed-in user happen now (my question answered, a reply to or mention of me,
//!   a question for me, a new talk or digest),
//!   [`SimHandle::busy_day`] (also `POST /__sim/act` with `{"kind": "busy_day"}`) to post a
//!   day's worth of topics in several circles at once and learn what each one is
//!   ([`BusyDayTruth`]: my questions answered, questions for me, digests, owners' posts, noise
//!   by [`NoiseKind`]…), [`SimHandle::set_faults`] and [`SimHandle::advance_clock`].
//! * Circles read like real ones: besides the talks of their theme, ordinary members post
//!   noise (`noise`: check-ins, one-line thanks, link-only posts, near-duplicates; about one
//!   topic in six), and engagement has a heavy tail (`engagement`: most topics draw a few
//!   likes, digests and the owner's and guests' posts many more, noise almost none). Both are
//!   invented and cost no memory: they live in each topic's record and its seed.
//! * Like the service, it checks the web client's headers ([`HeaderChecks`]): no `x-version`
//!   is refused as too old, a missing or wrong `x-signature` draws code 1059 (always, when
//!   strict), and a token that keeps drawing them is banned (HTTP 401).
//! * [`hostile`] lists the XSS payloads of the `hostile` dataset and the canary global they
//!   all try to set, for tests that check untrusted content renders inertly.
//! * [`dataset_truth`] gives a dataset's truth without serving it, and [`export`] renders
//!   every topic with its comments in-process, for loading large archives in benchmarks.
//! * The `zsxq-sim` binary wraps both: `zsxq-sim serve …` and `zsxq-sim truth …`.
//!
//! Inside, the [`world`] keeps one 32-byte record per topic; [`content`] derives each topic's
//! text, images, files, articles and comments from the seed when it is rendered ([`render`]),
//! which keeps a million-topic dataset small. Writes and activity ([`writes`], [`activity`])
//! keep per-circle counters current, so the truth is always cheap to read.
//!
//! Paging follows the service: topic lists newest first by `create_time`, `count` clamped to 30,
//! `end_time` and `begin_time` inclusive (so the last topic of a page comes back first on the
//! next, and topics sharing a millisecond are never skipped); comments oldest first from an
//! inclusive `begin_time`. Runs of topics in one millisecond, a stress the service may not
//! show, are generated only with `SimConfig::same_millisecond_runs` (`--same-millisecond-runs`).

mod activity;
mod config;
mod content;
mod dataset;
mod engagement;
mod export;
mod faults;
mod happen;
mod history;
pub mod hostile;
mod login;
mod noise;
mod png;
mod render;
mod rng;
mod routes;
mod server;
mod signature;
mod stats;
mod truth;
mod world;
mod writes;

pub use config::{
    DEFAULT_BAN_AFTER, DEFAULT_BAN_WINDOW, DEFAULT_P_UNSIGNED_1059, Dataset, DatasetParseError,
    Faults, HUGE_MEDIA_BYTES, HeaderChecks, MAX_GENERATED_CIRCLES, MAX_GENERATED_TOPICS,
    STALLED_MEDIA_FOR, SimConfig, SimError,
};
pub use export::{ExportedTopic, export};
pub use happen::busy_day::{
    BusyDay, BusyDayTruth, DEFAULT_BUSY_DAY_CIRCLES, DEFAULT_BUSY_DAY_TOPICS, MAX_BUSY_DAY_TOPICS,
    NoiseTopic,
};
pub use happen::{Happened, Happening, HappeningKind};
pub use history::Act;
pub use noise::NoiseKind;
pub use server::{SimHandle, dataset_truth, serve};
pub use stats::RequestStats;
pub use truth::{CircleTruth, Footprint, Truth};
