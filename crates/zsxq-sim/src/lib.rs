//! `zsxq-sim`: a ZSXQ API simulator that binds to loopback only.
//!
//! It serves the same envelope, JSON shapes and pagination semantics as the real service, from
//! deterministic seeded datasets, with simulated activity and fault injection. Tests,
//! benchmarks and Orrery's demo mode talk to it instead of the real service.
