//! The app-wide events the shell emits, each with its payload type, and the windows' labels.
//!
//! `tauri.conf.json` declares the main window with the label [`MAIN_WINDOW`] and its capability
//! names it; the shell's tests check that the file and this constant agree.

use std::marker::PhantomData;

use crate::commands::SyncStatusDto;

/// An event name tied to the type of its payload.
#[derive(Debug)]
pub struct Event<T> {
    pub name: &'static str,
    payload: PhantomData<fn() -> T>,
}

impl<T> Event<T> {
    const fn new(name: &'static str) -> Self {
        Self {
            name,
            payload: PhantomData,
        }
    }
}

/// The sync status, on every change, for the tray and any window: a [`SyncStatusDto`].
pub const SYNC_STATUS: Event<SyncStatusDto> = Event::new("sync-status");

/// The label of the app's one window.
pub const MAIN_WINDOW: &str = "main";
