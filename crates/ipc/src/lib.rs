//! `orrery-ipc`: the contract between the desktop shell (`src-tauri`) and the UI (`ui/`).
//!
//! Both sides compile this crate, the shell natively and the UI for wasm32, so a command's name,
//! its arguments and its result type are written once:
//!
//! - [`Command`] ties a command name to its [`Command::Args`] and [`Command::Output`] types; each
//!   command is a unit struct in [`commands`]. The shell checks at compile time that every
//!   handler it registers carries the name of a [`Command`], and the UI can only invoke a
//!   [`Command`], so renaming one side without the other fails to build.
//! - [`IpcError`] is the one error that crosses the boundary, as `{"code": …, "message": …}`
//!   with a small closed set of [`ErrorCode`]s the UI matches on.
//!
//! - [`commands`] also re-exports the DTOs: the reading views (circles, timeline rows, a topic,
//!   search results, sync status) and the settings.
//!
//! The crate depends on serde only.

pub mod commands;
mod error;
mod settings;
pub mod time;
mod views;

pub use error::{ErrorCode, IpcError};

use serde::{Serialize, de::DeserializeOwned};

/// A command the UI can invoke on the shell.
pub trait Command {
    /// The name the shell registers the handler under (the handler function's name).
    const NAME: &'static str;
    /// The arguments, serialized as the invoke payload (a struct whose fields are the handler's
    /// parameters, in camelCase as Tauri expects).
    type Args: Serialize + DeserializeOwned;
    /// What the handler returns on success.
    type Output: Serialize + DeserializeOwned;
}

/// The arguments of a command that takes none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NoArgs {}

/// `const`-evaluable string equality, used by the shell's compile-time name checks.
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
