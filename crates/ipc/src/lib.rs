//! `orrery-ipc`: the contract between the desktop shell (`src-tauri`) and the UI (`ui/`).
//!
//! Both sides compile this crate, the shell natively and the UI for wasm32, so everything that
//! crosses the boundary is written once:
//!
//! - [`with_commands!`] is the table of commands: each row names a command, its [`Command::Args`]
//!   and its [`Command::Output`]. The unit structs in [`commands`] are generated from it, and so
//!   are the shell's handlers; the UI can only invoke a [`Command`]. A command takes a single
//!   argument named `args` ([`ARGS`]), so renaming a command, an argument field or a result
//!   type on one side fails to build on the other.
//! - [`IpcError`] is the one error that crosses the boundary, as `{"code": …, "message": …}`
//!   with a small closed set of [`ErrorCode`]s the UI matches on (and words its messages by).
//! - [`media::MediaRef`] names what the shell's `media:` protocol serves; [`events`] names the
//!   app-wide events with their payload types and the windows by label.
//! - [`commands`] also re-exports the DTOs: the reading views (circles, timeline rows, a topic,
//!   search results, sync status), the inbox and "my questions", the brief, and the settings.
//!
//! The crate depends on serde only.

mod brief;
pub mod commands;
mod documents;
mod error;
pub mod events;
mod export;
pub mod id;
mod inbox;
pub mod media;
mod settings;
pub mod time;
mod views;
pub mod words;

pub use error::{ErrorCode, IpcError};

use serde::{Serialize, de::DeserializeOwned};

/// A command the UI can invoke on the shell. Implemented by the structs [`with_commands!`]
/// declares.
pub trait Command {
    /// The name the shell registers the handler under.
    const NAME: &'static str;
    /// The arguments, sent as the handler's one parameter [`ARGS`] (camelCase fields).
    type Args: Serialize + DeserializeOwned;
    /// What the handler returns on success.
    type Output: Serialize + DeserializeOwned;
}

/// The name of every handler's one parameter: the UI sends `{"args": <Command::Args>}`.
pub const ARGS: &str = "args";

/// The arguments of a command that takes none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct NoArgs {}
