//! The app's root component.
//!
//! Until the timeline lands the window shows a start screen: the app's version, its data folder
//! and whether it runs the demo (read from the shell through `app_info`), the archived circles
//! with where the sync stands, and the language toggle every screen will keep.

use crate::api;
use crate::circles::CirclesCard;
use crate::i18n::Locale;
use leptos::prelude::*;
use orrery_ipc::NoArgs;
use orrery_ipc::commands::{AccountMode, AppInfo};

#[component]
pub fn App() -> impl IntoView {
    let locale = RwSignal::new(Locale::detect());
    let info = LocalResource::new(|| async { api::invoke::<AppInfo>(&NoArgs {}).await });

    // Keep <html lang> in step so the webview picks CJK or Latin fonts and the right line breaking.
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.get().tag());
        }
    });

    let t = move || locale.get().texts();
    view! {
        <header class="topbar">
            <h1 class="brand" id="app-title">
                {move || t().app_name}
                <small>{move || t().tagline}</small>
            </h1>
            <button
                id="lang-toggle"
                class="lang-toggle"
                on:click=move |_| locale.update(|l| *l = l.other())
            >
                {move || t().switch_language}
            </button>
        </header>
        <main>
            <section class="card" id="app-info">
                {move || match info.get() {
                    None => view! { <p class="muted">{t().loading}</p> }.into_any(),
                    Some(Err(err)) => {
                        view! { <p class="error" id="app-error">{t().shell_unreachable} {err.message}</p> }
                            .into_any()
                    }
                    Some(Ok(info)) => {
                        let demo = info.mode == AccountMode::Demo;
                        let mode = if demo { t().demo_mode } else { t().signed_in };
                        view! {
                            <h2>{t().welcome_title}</h2>
                            <span class="badge" data-field="mode">{mode}</span>
                            <Show when=move || demo>
                                <p>{t().welcome_demo}</p>
                            </Show>
                            <dl>
                                <dt>{t().version}</dt>
                                <dd data-field="version">{info.version}</dd>
                                <dt>{t().data_dir}</dt>
                                <dd data-field="data-dir">{info.data_dir}</dd>
                            </dl>
                        }
                            .into_any()
                    }
                }}
            </section>
            <CirclesCard locale=locale />
        </main>
    }
}
