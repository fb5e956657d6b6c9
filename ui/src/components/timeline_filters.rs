//! Above the timeline: the service's tabs, the hashtag and column filters that replace the
//! tab while set, and the toggle that leaves out topics deleted on 知识星球 (which applies to
//! every tab and filter), and "export…" for what the timeline shows.

use crate::components::export_dialog::ExportButton;
use crate::format;
use crate::state::ui;
use leptos::prelude::*;
use orrery_ipc::commands::{CircleFiltersDto, ExportScopeDto, FacetDto, TabDto};

/// The service's tabs (最新, 精华, 只看星主, 问答, 作业); none is active while a filter is set.
#[component]
pub fn Tabs() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let label = move |tab: TabDto| match tab {
        TabDto::Latest => t().tab_latest,
        TabDto::Digests => t().tab_digests,
        TabDto::Owner => t().tab_owner,
        TabDto::Questions => t().tab_questions,
        TabDto::Tasks => t().tab_tasks,
    };
    view! {
        <div class="tabs" role="tablist">
            {TabDto::ALL
                .into_iter()
                .map(|tab| {
                    let active = move || {
                        ui.tab.get() == tab && ui.hashtag.get().is_none() && ui.column.get().is_none()
                    };
                    view! {
                        <button
                            role="tab"
                            data-tab=tab_name(tab)
                            aria-selected=move || active().to_string()
                            class:active=active
                            on:click=move |_| {
                                ui.hashtag.set(None);
                                ui.column.set(None);
                                ui.tab.set(tab);
                            }
                        >
                            {move || label(tab)}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The tab's name in test selectors and styles.
fn tab_name(tab: TabDto) -> &'static str {
    match tab {
        TabDto::Latest => "latest",
        TabDto::Digests => "digests",
        TabDto::Owner => "owner",
        TabDto::Questions => "questions",
        TabDto::Tasks => "tasks",
    }
}

/// The hashtag and column menus; choosing one clears the other.
#[component]
pub fn Filters(filters: RwSignal<Option<CircleFiltersDto>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    view! {
        <div class="filters">
            <label>
                {move || t().filter_hashtag}
                <select
                    id="hashtag-filter"
                    prop:value=move || ui.hashtag.get().unwrap_or_default()
                    on:change=move |e| {
                        let value = event_target_value(&e);
                        ui.column.set(None);
                        ui.hashtag.set((!value.is_empty()).then_some(value));
                    }
                >
                    <option value="">{move || t().filter_none}</option>
                    {move || {
                        let mut tags = filters.get().map(|f| f.hashtags).unwrap_or_default();
                        // A tag clicked in a topic may be outside the most used.
                        if let Some(current) = ui.hashtag.get()
                            && !tags.iter().any(|f| f.id == current)
                        {
                            tags.insert(0, FacetDto { id: current.clone(), name: current, topics: 0 });
                        }
                        tags.into_iter()
                            .map(|f| {
                                let label = if f.topics > 0 { format!("#{} ({})", f.name, f.topics) } else { format!("#{}", f.name) };
                                view! { <option value=f.id>{label}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <Show when=move || filters.get().is_some_and(|f| !f.columns.is_empty())>
                <label>
                    {move || t().filter_column}
                    <select
                        id="column-filter"
                        prop:value=move || ui.column.get().unwrap_or_default()
                        on:change=move |e| {
                            let value = event_target_value(&e);
                            ui.hashtag.set(None);
                            ui.column.set((!value.is_empty()).then_some(value));
                        }
                    >
                        <option value="">{move || t().filter_none}</option>
                        {move || {
                            filters
                                .get()
                                .map(|f| f.columns)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|f| view! { <option value=f.id>{format!("{} ({})", f.name, f.topics)}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
            </Show>
            <label class="toggle">
                <input
                    type="checkbox"
                    id="hide-deleted"
                    prop:checked=move || ui.hide_deleted.get()
                    on:change=move |e| ui.hide_deleted.set(event_target_checked(&e))
                />
                {move || t().hide_deleted}
            </label>
            <Show when=move || ui.picked.with(|p| !p.is_empty())>
                <span class="picked-count" id="picked-count">
                    {move || format::fill(t().picked_count, &ui.picked.with(Vec::len).to_string())}
                </span>
                <button class="link" id="picked-clear" on:click=move |_| ui.picked.set(Vec::new())>
                    {move || t().picked_clear}
                </button>
            </Show>
            // The picked topics when there are some, else the tab and filter on screen.
            <ExportButton scope=Signal::derive(move || {
                let picked = ui.picked.get();
                if !picked.is_empty() {
                    return Some(ExportScopeDto::Topics { topics: picked });
                }
                ui.circle.get().map(|circle| ExportScopeDto::Circle {
                    circle,
                    tab: ui.tab.get(),
                    hashtag: ui.hashtag.get(),
                    column: ui.column.get(),
                })
            }) />
        </div>
    }
}
