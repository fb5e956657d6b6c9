//! The root: the window's layout, the state every screen shares ([`Ui`]), the keyboard and
//! the rule that the webview never navigates away from the app.

use crate::api;
use crate::i18n::{Locale, Texts};
use crate::keys::{self, Action, Press};
use crate::reader::Reader;
use crate::search::{SearchMode, SearchPanel, SearchWarmup};
use crate::settings::SettingsPage;
use crate::sidebar::Sidebar;
use crate::signin::SignIn;
use crate::status::StatusBar;
use crate::timeline::Timeline;
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::NoArgs;
use orrery_ipc::commands::{
    AccountMode, AppInfo, AppInfoDto, GetSettings, OpenExternal, SettingsDto, SyncStateDto,
    SyncStatusDto, TabDto, ThemeDto, UrlArgs,
};
use wasm_bindgen::JsCast;

/// The main area's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Reading,
    Search,
    Settings,
    SignIn,
}

/// What the screens share, as signals (cheap to copy into every closure).
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub locale: RwSignal<Locale>,
    pub settings: RwSignal<SettingsDto>,
    pub info: RwSignal<Option<Result<AppInfoDto, String>>>,
    pub status: RwSignal<Option<SyncStatusDto>>,
    pub view: RwSignal<View>,
    pub circle: RwSignal<Option<String>>,
    pub tab: RwSignal<TabDto>,
    pub hashtag: RwSignal<Option<String>>,
    pub column: RwSignal<Option<String>>,
    /// The topic open in the reader.
    pub topic: RwSignal<Option<String>>,
    /// A comment of the open topic to scroll to (a search matched it).
    pub focus_comment: RwSignal<Option<String>>,
    pub palette: RwSignal<bool>,
    /// The query of the search page, kept when leaving it.
    pub query: RwSignal<String>,
    /// Bumped whenever the circles' counts may have changed (a topic read, a sync step).
    pub counts_changed: RwSignal<u32>,
    /// The last keyboard action, for the list that has the focus to act on.
    pub key: RwSignal<Option<(Action, u32)>>,
}

impl Ui {
    pub fn t(&self) -> &'static Texts {
        self.locale.get().texts()
    }

    /// Opens `topic` of `circle` in the reader at `comment`, if given.
    pub fn open_at(&self, circle: String, topic: String, comment: Option<String>) {
        self.focus_comment.set(comment);
        self.open(circle, topic);
    }

    /// Opens `topic` of `circle` in the reader.
    pub fn open(&self, circle: String, topic: String) {
        if self.circle.get_untracked().as_deref() != Some(circle.as_str()) {
            self.hashtag.set(None);
            self.column.set(None);
            self.tab.set(TabDto::Latest);
            self.circle.set(Some(circle));
        }
        self.topic.set(Some(topic));
        self.view.set(View::Reading);
        self.palette.set(false);
    }

    /// Shows the timeline of one hashtag.
    pub fn filter_hashtag(&self, name: String) {
        self.column.set(None);
        self.hashtag.set(Some(name));
        self.view.set(View::Reading);
    }

    /// Reloads what the shell says about the app (after sign-in or sign-out).
    pub fn reload_info(&self) {
        let info = self.info;
        spawn_local(async move {
            let result = api::invoke::<AppInfo>(&NoArgs {}).await;
            info.set(Some(result.map_err(|e| e.message)));
        });
    }
}

pub fn ui() -> Ui {
    expect_context::<Ui>()
}

#[component]
pub fn App() -> impl IntoView {
    let ui = Ui {
        locale: RwSignal::new(Locale::detect()),
        settings: RwSignal::new(SettingsDto::default()),
        info: RwSignal::new(None),
        status: RwSignal::new(None),
        view: RwSignal::new(View::Reading),
        circle: RwSignal::new(None),
        tab: RwSignal::new(TabDto::Latest),
        hashtag: RwSignal::new(None),
        column: RwSignal::new(None),
        topic: RwSignal::new(None),
        focus_comment: RwSignal::new(None),
        palette: RwSignal::new(false),
        query: RwSignal::new(String::new()),
        counts_changed: RwSignal::new(0),
        key: RwSignal::new(None),
    };
    provide_context(ui);
    ui.reload_info();
    spawn_local(async move {
        if let Ok(settings) = api::invoke::<GetSettings>(&NoArgs {}).await {
            ui.locale.set(Locale::chosen(settings.language));
            ui.settings.set(settings);
        }
    });
    if let Err(err) = api::watch_sync(move |status| {
        ui.status.set(Some(status));
        ui.counts_changed.update(|n| *n = n.wrapping_add(1));
    }) {
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
    on_cleanup(move || {
        keydown.remove();
        clicks.remove();
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

#[component]
fn TopBar() -> impl IntoView {
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
        crate::settings::save(ui, settings);
    };
    view! {
        <header class="topbar">
            <h1 class="brand" id="app-title">
                {move || t().app_name}
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
fn Banner() -> impl IntoView {
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
            let date = crate::format::full_time(expires, crate::timeline::tz_offset_min());
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

fn on_key(ui: Ui, e: &web_sys::KeyboardEvent) {
    let typing = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
    let key = e.key();
    let Some(action) = keys::action(Press {
        key: &key,
        ctrl: e.ctrl_key(),
        meta: e.meta_key(),
        alt: e.alt_key(),
        typing,
        composing: e.is_composing(),
    }) else {
        return;
    };
    match action {
        Action::Search => {
            e.prevent_default();
            ui.palette.set(true);
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
