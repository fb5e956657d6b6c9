//! The status bar: where the sync stands with its progress and how long the rest of the
//! mirroring takes, sync now or cancel, pause and resume, when it last finished, whether the
//! machine is offline, and errors with a retry.

use crate::api;
use crate::format::{self, tz_offset_min};
use crate::state::ui;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::NoArgs;
use orrery_ipc::commands::{CancelSync, PauseArgs, PauseSync, SyncNow, SyncStateDto};

#[component]
pub fn StatusBar() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let online = RwSignal::new(navigator_online());
    let on = window_event_listener(ev::online, move |_| online.set(true));
    let off = window_event_listener(ev::offline, move |_| online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    let state = move || ui.status.get().map_or(SyncStateDto::Idle, |s| s.state);
    let syncing = move || state() == SyncStateDto::Syncing;
    let paused = move || ui.status.get().is_some_and(|s| s.paused);
    // The tray's words for the same state (orrery_ipc::words).
    let label = move || {
        if paused() && !syncing() {
            t().words.state_paused
        } else {
            t().words.state(state())
        }
    };
    // How long the rest of the mirroring takes, while any is left.
    let eta = move || {
        let ms = ui.status.get()?.remaining_ms.filter(|&ms| ms > 0)?;
        Some(t().words.left(ms))
    };
    let pause = move |pause: bool| {
        spawn_local(async move {
            if let Ok(saved) = api::invoke::<PauseSync>(&PauseArgs { paused: pause }).await {
                ui.settings.set(saved);
            }
        })
    };
    let progress = move || {
        let s = ui.status.get()?;
        // The day's request budget is spent: say why nothing syncs (the tray says it too).
        if s.resting_until_ms.is_some() && s.state != SyncStateDto::Syncing {
            return Some(t().words.budget_spent.to_owned());
        }
        (s.state == SyncStateDto::Syncing).then(|| {
            if s.waiting {
                return t().words.waiting_for_other_sync.to_owned();
            }
            let circle = s.circle.map(|c| format!("{c} · ")).unwrap_or_default();
            format!(
                "{circle}{}/{} {} · {} {} · {} {}",
                s.circles_done,
                s.circles_total,
                t().progress_circles,
                s.pages,
                t().progress_pages,
                s.new_topics,
                t().progress_new
            )
        })
    };
    let last = move || {
        let ms = ui.status.get()?.last_synced_ms?;
        Some(format!(
            "{}{}",
            t().last_synced,
            format::relative_time(
                ui.locale.get(),
                js_sys::Date::now() as i64,
                ms,
                tz_offset_min()
            )
        ))
    };
    let error = move || ui.status.get().and_then(|s| s.error);
    let sync_now = move |_| {
        spawn_local(async move {
            let _ = api::invoke::<SyncNow>(&NoArgs {}).await;
        })
    };
    let cancel = move |_| {
        spawn_local(async move {
            let _ = api::invoke::<CancelSync>(&NoArgs {}).await;
        })
    };
    view! {
        <footer
            class="statusbar"
            id="status-bar"
            data-state=move || if paused() && !syncing() { "paused" } else { state_name(state()) }
        >
            <span class="dot" aria-hidden="true"></span>
            <span class="sync-state">{label}</span>
            <span class="progress muted" id="sync-progress">{progress}</span>
            <span class="muted" id="sync-eta">{eta}</span>
            <span class="muted" id="last-synced">{last}</span>
            // The browser's own "offline"; the sync's (the label) says it already when it
            // found the service unreachable.
            <Show when=move || !online.get() && state() != SyncStateDto::Offline>
                <span class="tag offline" id="offline">{move || t().offline}</span>
            </Show>
            <span class="error" id="sync-error" title=error>{move || error().map(|e| truncate(&e, 80))}</span>
            <span class="spacer"></span>
            {move || {
                if paused() {
                    view! { <button id="resume-sync" class="ghost" on:click=move |_| pause(false)>{t().words.resume_sync}</button> }.into_any()
                } else {
                    view! { <button id="pause-sync" class="ghost" on:click=move |_| pause(true)>{t().words.pause_sync}</button> }.into_any()
                }
            }}
            {move || {
                if syncing() {
                    view! { <button id="cancel-sync" class="ghost" on:click=cancel>{t().cancel_sync}</button> }.into_any()
                } else {
                    let text = if error().is_some() { t().retry } else { t().words.sync_now };
                    view! { <button id="sync-now" class="ghost" on:click=sync_now>{text}</button> }.into_any()
                }
            }}
        </footer>
    }
}

/// The state's name in selectors and styles.
fn state_name(state: SyncStateDto) -> &'static str {
    match state {
        SyncStateDto::Idle => "idle",
        SyncStateDto::Syncing => "syncing",
        SyncStateDto::CaughtUp => "caught_up",
        SyncStateDto::NeedsLogin => "needs_login",
        SyncStateDto::Failed => "failed",
        SyncStateDto::Offline => "offline",
    }
}

fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
