//! The `zsxq` crate's integration tests, in one binary:
//!
//! * `client`: the HTTP client against `zsxq-sim` over real HTTP on loopback.
//! * `contract`: every real response in `shared/zsxq/samples/` decodes, round-trips and holds
//!   what the files hold.
//! * `hostile_html`: the sanitized renderer against the simulator's `hostile` dataset.
//! * `limits`: size limits and the idle timeout against huge and stalled bodies.

mod client;
mod contract;
mod hostile_html;
mod limits;
mod support;
