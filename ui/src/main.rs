//! `orrery-ui`: Orrery's user interface, a Leptos app rendered on the client.
//!
//! Trunk compiles it to wasm32 and the desktop shell embeds the result. The modules are
//! layered, each importing only from the layers below it:
//!
//! 1. The ground: [`state`] (the signals every screen shares and the current view), [`api`]
//!    (the only module that talks to the shell, through the typed `orrery-ipc` contract),
//!    [`i18n`] (every string the user reads, in zh-CN and English, with the words shared with
//!    the tray from `orrery_ipc::words`), [`format`], [`keys`], [`measure`] (the hooks the UI
//!    benchmark reads), and the plain state machines [`search_loop`], [`timeline_window`] and
//!    [`brief_triage`].
//!    What is not a component is plain Rust with unit tests that run natively.
//! 2. [`components`]: the sidebar (with the inbox's bell), the status bar, the top bar, chips,
//!    search hits, timeline rows and filters, brief items, attachments, error texts, the keys of
//!    list pages.
//! 3. [`pages`]: timeline, reader, search (also the palette), inbox, my questions, the brief
//!    (今日速览), saved (稍后读), settings, sign-in.
//! 4. [`app`]: the root, composing them; nothing imports it.

mod api;
mod app;
mod brief_triage;
mod components;
mod format;
mod i18n;
mod keys;
mod measure;
mod pages;
mod search_loop;
mod state;
mod timeline_window;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
