//! `orrery-core`: Orrery's engine, free of any UI toolkit.
//!
//! Today it knows where the archive lives ([`paths::DataDir`]). It grows to hold the account
//! (the token in the OS keyring), the SQLite archive, the sync engine, the tantivy search index,
//! notifications and drafts. The desktop shell and `orrery-cli` are thin front doors to it.

pub mod paths;
