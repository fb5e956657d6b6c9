//! `orrery-ui`: Orrery's user interface, a Leptos app rendered on the client.
//!
//! Trunk compiles it to wasm32 and the desktop shell embeds the result. [`api`] is the only
//! module that talks to the shell, through the typed `orrery-ipc` contract; [`i18n`] holds every
//! string the user reads, in zh-CN and English; [`app`] composes the screens: [`sidebar`],
//! [`timeline`], [`reader`], [`search`], [`status`], [`settings`] and [`signin`]. What is not a
//! component — [`format`], [`keys`], the timeline's windowing and the search chips — is plain
//! functions with unit tests.

mod api;
mod app;
mod format;
mod i18n;
mod keys;
mod reader;
mod search;
mod settings;
mod sidebar;
mod signin;
mod status;
mod timeline;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
