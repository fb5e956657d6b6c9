//! The window's top: the app's name, the search trigger, the account's mode, the language
//! toggle and Settings; below it, the banner for the demo, an expired sign-in or a token about
//! to end.

use crate::format::{self, tz_offset_min};
use crate::state::{View, ui};
use leptos::prelude::*;
use orrery_ipc::commands::{AccountMode, SyncStateDto};

#[component]
pub fn TopBar() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let mode = move || match ui.info.get() {
        Some(Ok(info)) if info.mode == AccountMode::Demo => Some(t().demo_mode),
        Some(Ok(_)) => Some(t().signed_in),
        _ => None,
    };
    let toggle_language = move |_| {
        let next = ui.locale.get_untracked().other();
        ui.locale.set(next);
        let mut settings = ui.settings.get_untracked();
        settings.language = Some(next.setting());
        ui.save_settings(settings);
    };
    view! {
        <header class="topbar">
            <h1 class="brand" id="app-title">
                {move || t().words.app_name}
                <small>{move || t().tagline}</small>
            </h1>
            <button
                class="search-trigger"
                id="search-trigger"
                on:click=move |_| ui.palette.set(true)
            >
                <span>{move || t().search_placeholder}</span>
                <kbd>"Ctrl K"</kbd>
            </button>
            <div class="topbar-actions">
                <span class="badge" data-field="mode">{mode}</span>
                <button id="lang-toggle" class="ghost" on:click=toggle_language>
                    {move || t().switch_language}
                </button>
                <button
                    id="open-settings"
                    class="ghost"
                    aria-pressed=move || (ui.view.get() == View::Settings).to_string()
                    on:click=move |_| {
                        ui.view
                            .update(|v| {
                                *v = if *v == View::Settings { View::Reading } else { View::Settings };
                            })
                    }
                >
                    {move || t().settings}
                </button>
            </div>
        </header>
    }
}

/// The demo, an expired sign-in or a token about to end: said once, above everything.
#[component]
pub fn Banner() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let needs_login = move || {
        ui.status
            .get()
            .is_some_and(|s| s.state == SyncStateDto::NeedsLogin)
    };
    // A memo, so the banner (and its button) is rebuilt only when what it says changes, not on
    // every status message of a running sync.
    let banner = Memo::new(move |_| {
        let info = ui.info.get().and_then(Result::ok)?;
        if needs_login() {
            return Some(("warning", t().needs_login_banner.to_owned()));
        }
        if info.mode == AccountMode::Demo {
            return Some(("info", t().demo_banner.to_owned()));
        }
        let expires = info.expires_ms?;
        let week = 7 * 24 * 3_600_000;
        (expires - js_sys::Date::now() as i64 <= week).then(|| {
            let date = format::full_time(expires, tz_offset_min());
            ("warning", format!("{}{}", t().expiry_banner, &date[..10]))
        })
    });
    view! {
        {move || {
            banner
                .get()
                .map(|(kind, text)| {
                    view! {
                        <div class="banner" data-kind=kind id="banner">
                            <span>{text}</span>
                            <Show when=move || ui.view.get() != View::SignIn>
                                <button class="link" on:click=move |_| ui.view.set(View::SignIn)>
                                    {move || t().sign_in}
                                </button>
                            </Show>
                        </div>
                    }
                })
        }}
    }
}
