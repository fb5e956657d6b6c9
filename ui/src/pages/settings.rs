//! Settings: language, theme, sync interval and pacing (with a warning against unsafe
//! speeds), image cache size, notifications ([`notifications`]), the data and log folders, and
//! the account.

mod brief_marks;
mod mirror;
mod notifications;
mod sign_out;

pub use mirror::MirrorChoices;

use crate::api;
use crate::i18n::Texts;
use crate::state::{View, ui};
use brief_marks::BriefMarkSettings;
use leptos::prelude::*;
use leptos::task::spawn_local;
use notifications::NotificationSettings;
use orrery_ipc::commands::{
    AccountMode, FolderArgs, FolderDto, LanguageDto, OpenFolder, SettingsDto, ThemeDto,
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let update = move |f: &dyn Fn(&mut SettingsDto)| {
        let mut settings = ui.settings.get_untracked();
        f(&mut settings);
        ui.save_settings(settings);
    };
    let info = move || ui.info.get().and_then(Result::ok);
    let signed_in = move || info().is_some_and(|i| i.mode == AccountMode::SignedIn);
    let folder = move |folder: FolderDto| {
        move |_| {
            spawn_local(async move {
                let _ = api::invoke::<OpenFolder>(&FolderArgs { folder }).await;
            })
        }
    };
    view! {
        <section class="settings" id="settings">
            <h2>{move || t().settings_title}</h2>
            <label>
                <span>{move || t().language}</span>
                <select
                    id="language-select"
                    prop:value=move || match ui.settings.get().language {
                        None => "system",
                        Some(LanguageDto::ZhCn) => "zh-CN",
                        Some(LanguageDto::En) => "en",
                    }
                    on:change=move |e| {
                        let language = match event_target_value(&e).as_str() {
                            "zh-CN" => Some(LanguageDto::ZhCn),
                            "en" => Some(LanguageDto::En),
                            _ => None,
                        };
                        update(&|s| s.language = language);
                        ui.follow_language();
                    }
                >
                    <option value="system">{move || t().follow_system}</option>
                    <option value="zh-CN">"简体中文"</option>
                    <option value="en">"English"</option>
                </select>
            </label>
            <label>
                <span>{move || t().theme}</span>
                <select
                    id="theme-select"
                    prop:value=move || theme_name(ui.settings.get().theme)
                    on:change=move |e| {
                        let theme = match event_target_value(&e).as_str() {
                            "light" => ThemeDto::Light,
                            "dark" => ThemeDto::Dark,
                            _ => ThemeDto::System,
                        };
                        update(&|s| s.theme = theme);
                    }
                >
                    <option value="system">{move || t().follow_system}</option>
                    <option value="light">{move || t().theme_light}</option>
                    <option value="dark">{move || t().theme_dark}</option>
                </select>
            </label>
            <NumberSetting
                id="sync-interval"
                label=|t| t.sync_interval
                min=5
                get=|s| u64::from(s.sync_interval_min)
                set=|s, n| s.sync_interval_min = u32::try_from(n).unwrap_or(u32::MAX)
            />
            <NumberSetting
                id="request-interval"
                label=|t| t.request_interval
                min=1
                get=|s| u64::from(s.request_interval_s)
                set=|s, n| s.request_interval_s = u32::try_from(n).unwrap_or(u32::MAX)
                next_start=true
            />
            <Show when=move || ui.settings.get().unsafe_pacing()>
                <p class="warning" id="pacing-warning">{move || t().pacing_warning}</p>
            </Show>
            <NumberSetting
                id="daily-requests"
                label=|t| t.daily_requests
                min=200
                get=|s| u64::from(s.daily_request_budget)
                set=|s, n| s.daily_request_budget = u32::try_from(n).unwrap_or(u32::MAX)
            />
            <p class="hint" id="requests-today">
                {move || {
                    let used = ui.status.get().map_or(0, |s| s.requests_today);
                    t().requests_today.replace("{n}", &used.to_string())
                }}
            </p>
            <MirrorChoices />
            <NumberSetting
                id="image-cache"
                label=|t| t.image_cache
                min=64
                get=|s| s.image_cache_mib
                set=|s, n| s.image_cache_mib = n
                next_start=true
            />
            <label class="check">
                <input
                    type="checkbox"
                    id="start-at-login"
                    prop:checked=move || ui.settings.with(|s| s.start_at_login)
                    on:change=move |e| {
                        let mut settings = ui.settings.get_untracked();
                        settings.start_at_login = event_target_checked(&e);
                        ui.save_settings(settings);
                    }
                />
                <span>{move || t().start_at_login}</span>
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    id="send-read-markers"
                    prop:checked=move || ui.settings.with(|s| s.send_read_markers)
                    on:change=move |e| {
                        let mut settings = ui.settings.get_untracked();
                        settings.send_read_markers = event_target_checked(&e);
                        ui.save_settings(settings);
                    }
                />
                <span>{move || t().send_read_markers}</span>
            </label>
            <NotificationSettings />
            <BriefMarkSettings />
            <dl>
                <dt>{move || t().data_dir}</dt>
                <dd>
                    <span data-field="data-dir">{move || info().map(|i| i.data_dir)}</span>
                    " "
                    <button class="link" on:click=folder(FolderDto::Data)>{move || t().open_folder}</button>
                </dd>
                <dt>{move || t().log_dir}</dt>
                <dd>
                    <button class="link" on:click=folder(FolderDto::Logs)>{move || t().open_folder}</button>
                </dd>
                <dt>{move || t().version}</dt>
                <dd data-field="version">{move || info().map(|i| i.version)}</dd>
                <dt>{move || t().account}</dt>
                <dd>
                    {move || {
                        if signed_in() {
                            view! { <sign_out::SignOutButton /> }.into_any()
                        } else {
                            view! { <button id="go-sign-in" class="ghost" on:click=move |_| ui.view.set(View::SignIn)>{t().sign_in}</button> }.into_any()
                        }
                    }}
                </dd>
            </dl>
        </section>
    }
}

/// A numeric setting; the shell clamps what is typed into its range.
#[component]
fn NumberSetting(
    id: &'static str,
    label: fn(&Texts) -> &'static str,
    min: u64,
    get: fn(&SettingsDto) -> u64,
    set: fn(&mut SettingsDto, u64),
    /// Whether it applies only from the next start.
    #[prop(optional)]
    next_start: bool,
) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    view! {
        <label>
            <span>{move || label(t())}</span>
            <input
                type="number"
                id=id
                min=min.to_string()
                prop:value=move || get(&ui.settings.get()).to_string()
                on:change=move |e| {
                    if let Ok(n) = event_target_value(&e).trim().parse::<u64>() {
                        let mut settings = ui.settings.get_untracked();
                        set(&mut settings, n);
                        ui.save_settings(settings);
                    }
                }
            />
            <Show when=move || next_start>
                <small class="muted">{move || t().applies_next_start}</small>
            </Show>
        </label>
    }
}

fn theme_name(theme: ThemeDto) -> &'static str {
    match theme {
        ThemeDto::System => "system",
        ThemeDto::Light => "light",
        ThemeDto::Dark => "dark",
    }
}
