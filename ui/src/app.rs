//! The root: the window's layout composed of the pages and components, the keyboard, and the
//! rule that the webview never navigates away from the app. Nothing imports it.

use crate::api;
use crate::components::sidebar::Sidebar;
use crate::components::status_bar::StatusBar;
use crate::components::top_bar::{Banner, TopBar};
use crate::components::warmup::SearchWarmup;
use crate::keys::{self, Action, Press};
use crate::pages::brief::BriefPage;
use crate::pages::documents::DocumentsPage;
use crate::pages::inbox::InboxPage;
use crate::pages::my_questions::MyQuestionsPage;
use crate::pages::reader::Reader;
use crate::pages::saved::SavedPage;
use crate::pages::search::{SearchMode, SearchPanel};
use crate::pages::settings::SettingsPage;
use crate::pages::setup::Setup;
use crate::pages::signin::SignIn;
use crate::pages::timeline::Timeline;
use crate::state::{Ui, View};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::NoArgs;
use orrery_ipc::commands::{
    CloseWindow, GetSettings, OpenExternal, SyncStateDto, ThemeDto, UrlArgs,
};
use wasm_bindgen::JsCast;

#[component]
pub fn App() -> impl IntoView {
    let ui = Ui::new();
    provide_context(ui);
    ui.reload_info();
    spawn_local(async move {
        if let Ok(settings) = api::invoke::<GetSettings>(&NoArgs {}).await {
            ui.settings.set(settings);
            ui.follow_language();
        }
    });
    if let Err(err) = api::watch_sync(move |status| {
        // A run that caught up may have learnt the token's shorter life (the banner's warning).
        let caught_up = status.state == SyncStateDto::CaughtUp;
        let was = ui
            .status
            .with_untracked(|s| s.as_ref().map(|s| s.state == SyncStateDto::CaughtUp));
        ui.status.set(Some(status));
        ui.counts_may_have_changed();
        if caught_up && was == Some(false) {
            ui.refresh_info();
        }
    }) {
        web_sys::console::warn_1(&err.message.into());
    }
    // A clicked desktop notification leads to its topic or to the inbox.
    if let Err(err) = api::watch_opens(move |target| ui.open_target(target)) {
        web_sys::console::warn_1(&err.message.into());
    }

    // <html lang> picks CJK or Latin fonts and line breaking; data-theme the colours.
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", ui.locale.get().tag());
            let _ = match ui.settings.get().theme {
                ThemeDto::System => html.remove_attribute("data-theme"),
                ThemeDto::Light => html.set_attribute("data-theme", "light"),
                ThemeDto::Dark => html.set_attribute("data-theme", "dark"),
            };
        }
    });

    let keydown = window_event_listener(ev::keydown, move |e| on_key(ui, &e));
    let clicks = window_event_listener(ev::click, keep_links_outside);
    let menus = window_event_listener(ev::contextmenu, no_menu_on_links);
    on_cleanup(move || {
        keydown.remove();
        clicks.remove();
        menus.remove();
    });

    let t = move || ui.t();
    view! {
        <div class="shell">
            <TopBar />
            <Banner />
            <div class="body">
                <Sidebar />
                {move || match ui.view.get() {
                    View::Reading => view! { <Timeline /> <Reader /> }.into_any(),
                    View::Search => view! { <SearchPanel mode=SearchMode::Page /> }.into_any(),
                    View::Settings => view! { <SettingsPage /> }.into_any(),
                    View::SignIn => view! { <SignIn /> }.into_any(),
                    View::Setup => view! { <Setup /> }.into_any(),
                    View::Inbox => view! { <InboxPage /> }.into_any(),
                    View::MyQuestions => view! { <MyQuestionsPage /> }.into_any(),
                    View::Brief => view! { <BriefPage /> }.into_any(),
                    View::Saved => view! { <SavedPage /> }.into_any(),
                    View::Documents => view! { <DocumentsPage /> }.into_any(),
                }}
            </div>
            <StatusBar />
            <SearchWarmup />
            <Show when=move || ui.palette.get()>
                <div class="palette-backdrop" on:click=move |_| ui.palette.set(false)></div>
                <SearchPanel mode=SearchMode::Palette />
            </Show>
            <Show when=move || matches!(ui.info.get(), Some(Err(_)))>
                <p class="error" id="app-error">
                    {move || t().shell_unreachable}
                    {move || ui.info.get().and_then(|i| i.err()).unwrap_or_default()}
                </p>
            </Show>
        </div>
    }
}

fn on_key(ui: Ui, e: &web_sys::KeyboardEvent) {
    let target = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
    let focused = target.as_ref().map(web_sys::Element::tag_name);
    let typing = focused
        .as_deref()
        .is_some_and(|tag| matches!(tag, "INPUT" | "TEXTAREA" | "SELECT"));
    // A disclosure, and a control marked `data-enter` (the bell, the inbox's rows and
    // buttons), take Enter as their own click rather than the list's "open".
    let activates = focused.as_deref() == Some("SUMMARY")
        || target
            .as_ref()
            .is_some_and(|el| el.has_attribute("data-enter"));
    let key = e.key();
    let Some(action) = keys::action(Press {
        key: &key,
        ctrl: e.ctrl_key(),
        meta: e.meta_key(),
        alt: e.alt_key(),
        typing,
        composing: e.is_composing(),
        activates,
    }) else {
        return;
    };
    match action {
        Action::Search => {
            e.prevent_default();
            ui.palette.set(true);
        }
        Action::Close => {
            e.prevent_default();
            spawn_local(async {
                let _ = api::invoke::<CloseWindow>(&NoArgs {}).await;
            });
        }
        Action::Back if ui.palette.get_untracked() => ui.palette.set(false),
        Action::Back if ui.view.get_untracked() != View::Reading => ui.view.set(View::Reading),
        Action::Back if ui.topic.get_untracked().is_some() => ui.topic.set(None),
        _ => {
            // The list in front acts on it; the counter makes a repeated key a new value.
            e.prevent_default();
            let n = ui.key.get_untracked().map_or(0, |(_, n)| n.wrapping_add(1));
            ui.key.set(Some((action, n)));
        }
    }
}

/// Every click on a link: the webview stays on the app, and web links open in the system
/// browser through the shell (which accepts only http and https).
fn keep_links_outside(e: ev::MouseEvent) {
    let Some(link) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a[href]").ok().flatten())
    else {
        return;
    };
    e.prevent_default();
    let Some(href) = link.get_attribute("href") else {
        return;
    };
    spawn_local(async move {
        if let Err(err) = api::invoke::<OpenExternal>(&UrlArgs { url: href }).await {
            web_sys::console::warn_1(&err.message.into());
        }
    });
}

/// WebKit's menu on a link or an image offers to open it in the window; the shell refuses such
/// a navigation anyway (src-tauri/src/navigation.rs), so the menu would only offer what does
/// nothing. Elsewhere the menu stays: copy a selection, paste into a field.
fn no_menu_on_links(e: ev::MouseEvent) {
    let on_link = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a[href], img").ok().flatten())
        .is_some();
    if on_link {
        e.prevent_default();
    }
}
