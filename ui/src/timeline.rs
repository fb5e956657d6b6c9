//! A circle's timeline: the service's tabs, hashtag and column filters, and a virtualized list
//! that pages in as it scrolls, so 100,000 topics cost the DOM only the rows on screen.

use crate::api;
use crate::app::{Ui, View, ui};
use crate::format;
use crate::keys::Action;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{
    CircleArgs, CircleFilters, CircleFiltersDto, CursorDto, TabDto, Timeline as TimelineCmd,
    TimelineArgs, TopicKindDto, TopicRowDto,
};

/// Every row is this tall (CSS `.row` agrees): positions are computed, not measured.
pub const ROW_HEIGHT: f64 = 88.0;
/// Rows rendered above and below the visible ones, so a fast scroll shows no gap.
const OVERSCAN: usize = 6;
/// Topics per page fetched from the archive.
const PAGE: u32 = 100;
/// Fetch the next page when the view is this many rows from the end.
const PREFETCH_ROWS: usize = 30;

/// The local time zone's offset from UTC in minutes (UTC+8 is 480).
pub fn tz_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// The rows of `total` on screen for a viewport `height` scrolled to `top`: `start..end`.
pub fn visible_range(top: f64, height: f64, total: usize) -> (usize, usize) {
    let first = (top.max(0.0) / ROW_HEIGHT).floor() as usize;
    let shown = (height.max(0.0) / ROW_HEIGHT).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN).min(total);
    let end = (first + shown + OVERSCAN).min(total);
    (start, end)
}

/// The loaded part of a timeline.
#[derive(Debug, Clone, Default)]
struct Loaded {
    rows: Vec<TopicRowDto>,
    next: Option<CursorDto>,
    done: bool,
    error: Option<String>,
}

#[component]
pub fn Timeline() -> impl IntoView {
    let ui = ui();
    let loaded = RwSignal::new(Loaded::default());
    let loading = RwSignal::new(false);
    // Bumped by every reload, so a page that arrives for an older filter is dropped.
    let generation = RwSignal::new(0_u32);
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let selected = RwSignal::new(0_usize);
    let list = NodeRef::<html::Div>::new();
    let filters = RwSignal::new(None::<CircleFiltersDto>);

    let fetch = move |reset: bool| {
        let Some(circle) = ui.circle.get_untracked() else {
            return;
        };
        if !reset && (loading.get_untracked() || loaded.with_untracked(|l| l.done)) {
            return;
        }
        let args = TimelineArgs {
            circle,
            tab: ui.tab.get_untracked(),
            hashtag: ui.hashtag.get_untracked(),
            column: ui.column.get_untracked(),
            after: if reset {
                None
            } else {
                loaded.with_untracked(|l| l.next.clone())
            },
            limit: PAGE,
        };
        let at = generation.get_untracked();
        loading.set(true);
        spawn_local(async move {
            let page = api::invoke::<TimelineCmd>(&args).await;
            if generation.get_untracked() != at {
                return;
            }
            loading.set(false);
            loaded.update(|l| match page {
                Ok(page) => {
                    if reset {
                        // The selection stays on its topic when a reload shifts the rows.
                        let kept = l.rows.get(selected.get_untracked()).map(|r| r.id.clone());
                        let at = kept.and_then(|id| page.topics.iter().position(|r| r.id == id));
                        selected.set(at.unwrap_or(0));
                        l.rows.clear();
                    }
                    l.done = page.next.is_none();
                    l.next = page.next;
                    l.rows.extend(page.topics);
                    l.error = None;
                }
                Err(err) => l.error = Some(err.message),
            });
        });
    };

    // A new circle, tab or filter starts from the top.
    Effect::new(move |_| {
        ui.circle.track();
        ui.tab.track();
        ui.hashtag.track();
        ui.column.track();
        generation.update(|g| *g = g.wrapping_add(1));
        loaded.set(Loaded::default());
        selected.set(0);
        scroll_top.set(0.0);
        if let Some(el) = list.get_untracked() {
            el.set_scroll_top(0);
        }
        fetch(true);
    });
    // The circle's hashtags and columns for the filter menus.
    Effect::new(move |_| {
        let Some(circle) = ui.circle.get() else {
            return;
        };
        spawn_local(async move {
            filters.set(
                api::invoke::<CircleFilters>(&CircleArgs { circle })
                    .await
                    .ok(),
            );
        });
    });
    // New topics from the sync appear when the list is at its top; further down the reader
    // keeps their place instead of being pushed around.
    Effect::new(move |previous: Option<u64>| {
        let pages = ui.status.with(|s| s.as_ref().map_or(0, |s| s.pages));
        if previous.is_some_and(|p| p != pages) && scroll_top.get_untracked() < ROW_HEIGHT {
            generation.update(|g| *g = g.wrapping_add(1));
            fetch(true);
        }
        pages
    });
    // Near the end, the next page.
    Effect::new(move |_| {
        let (_, end) = visible_range(
            scroll_top.get(),
            viewport.get(),
            loaded.with(|l| l.rows.len()),
        );
        if loaded.with(|l| l.rows.len()) > 0 && end + PREFETCH_ROWS >= loaded.with(|l| l.rows.len())
        {
            fetch(false);
        }
    });
    // j/k and arrows move the selection and keep it on screen; Enter opens it.
    Effect::new(move |_| {
        let Some((action, _)) = ui.key.get() else {
            return;
        };
        if ui.palette.get_untracked() || ui.view.get_untracked() != View::Reading {
            return;
        }
        let total = loaded.with_untracked(|l| l.rows.len());
        if total == 0 {
            return;
        }
        let at = selected.get_untracked().min(total - 1);
        let at = match action {
            Action::Next => (at + 1).min(total - 1),
            Action::Previous => at.saturating_sub(1),
            Action::Open => {
                if let Some(row) = loaded.with_untracked(|l| l.rows.get(at).cloned()) {
                    ui.open(row.circle_id, row.id);
                }
                return;
            }
            _ => return,
        };
        selected.set(at);
        if let Some(el) = list.get_untracked() {
            let top = at as f64 * ROW_HEIGHT;
            let height = f64::from(el.client_height());
            let scrolled = f64::from(el.scroll_top());
            if top < scrolled {
                el.set_scroll_top(top as i32);
            } else if top + ROW_HEIGHT > scrolled + height {
                el.set_scroll_top((top + ROW_HEIGHT - height) as i32);
            }
        }
    });

    let on_scroll = move |_| {
        if let Some(el) = list.get_untracked() {
            scroll_top.set(f64::from(el.scroll_top()));
            viewport.set(f64::from(el.client_height()));
        }
    };
    Effect::new(move |_| {
        if let Some(el) = list.get() {
            viewport.set(f64::from(el.client_height()));
        }
    });

    let t = move || ui.t();
    let window = move || {
        let total = loaded.with(|l| l.rows.len());
        let (start, end) = visible_range(scroll_top.get(), viewport.get(), total);
        loaded.with(|l| {
            l.rows[start..end]
                .iter()
                .cloned()
                .enumerate()
                .map(|(i, r)| (start + i, r))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="timeline" id="timeline">
            <Show
                when=move || ui.circle.get().is_some()
                fallback=move || view! { <p class="empty">{move || t().pick_circle}</p> }
            >
                <Tabs />
                <Filters filters=filters />
                <div class="rows" node_ref=list on:scroll=on_scroll tabindex="0" id="timeline-rows">
                    <div
                        class="rows-spacer"
                        style:height=move || format!("{}px", loaded.with(|l| l.rows.len()) as f64 * ROW_HEIGHT)
                    >
                        <For
                            each=window
                            key=|(i, row)| (*i, row.id.clone(), row.unread, row.comments)
                            children=move |(i, row)| {
                                view! { <Row index=i row=row selected=selected /> }
                            }
                        />
                    </div>
                    {move || {
                        let l = loaded.get();
                        if let Some(err) = l.error {
                            view! { <p class="error">{err}</p> }.into_any()
                        } else if l.rows.is_empty() && l.done {
                            view! { <p class="empty" id="no-topics">{t().no_topics}</p> }.into_any()
                        } else if l.done {
                            view! { <p class="end muted">{t().end_of_timeline}</p> }.into_any()
                        } else {
                            view! { <p class="end muted">{t().loading}</p> }.into_any()
                        }
                    }}
                </div>
            </Show>
        </section>
    }
}

#[component]
fn Tabs() -> impl IntoView {
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
pub fn tab_name(tab: TabDto) -> &'static str {
    match tab {
        TabDto::Latest => "latest",
        TabDto::Digests => "digests",
        TabDto::Owner => "owner",
        TabDto::Questions => "questions",
        TabDto::Tasks => "tasks",
    }
}

#[component]
fn Filters(filters: RwSignal<Option<CircleFiltersDto>>) -> impl IntoView {
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
                            tags.insert(0, orrery_ipc::commands::FacetDto { id: current.clone(), name: current, topics: 0 });
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
        </div>
    }
}

#[component]
fn Row(index: usize, row: TopicRowDto, selected: RwSignal<usize>) -> impl IntoView {
    let ui: Ui = ui();
    let t = move || ui.t();
    let id = row.id.clone();
    let is_open = {
        let id = id.clone();
        Memo::new(move |_| ui.topic.get().as_deref() == Some(id.as_str()))
    };
    let open = {
        let (circle, id) = (row.circle_id.clone(), row.id.clone());
        move |_| {
            selected.set(index);
            ui.open(circle.clone(), id.clone());
        }
    };
    let kind = row.kind;
    let kind_label = move || match kind {
        TopicKindDto::Talk => t().kind_talk,
        TopicKindDto::Question => t().kind_question,
        TopicKindDto::Task => t().kind_task,
        TopicKindDto::Solution => t().kind_solution,
        TopicKindDto::Other => t().kind_other,
    };
    let time_ms = row.time_ms;
    let when = move || {
        // Re-read on every status change, so "3 分钟前" moves on while the window is open.
        ui.status.track();
        format::relative_time(
            ui.locale.get(),
            js_sys::Date::now() as i64,
            time_ms,
            tz_offset_min(),
        )
    };
    let author = row.author.clone();
    let author = move || author.clone().unwrap_or_else(|| t().anonymous.to_owned());
    let (digest, sticky, answered, unread) = (row.digest, row.sticky, row.answered, row.unread);
    let question = kind == TopicKindDto::Question;
    view! {
        <article
            class="row"
            data-topic-id=id
            data-index=index
            data-kind=format!("{kind:?}").to_lowercase()
            class:unread=move || unread && !is_open.get()
            class:open=is_open
            class:selected=move || selected.get() == index
            style:top=format!("{}px", index as f64 * ROW_HEIGHT)
            on:click=open
        >
            <div class="row-head">
                <span class="kind">{kind_label}</span>
                <Show when=move || sticky><span class="tag">{move || t().sticky}</span></Show>
                <Show when=move || digest><span class="tag digest">{move || t().digest}</span></Show>
                <Show when=move || question>
                    <span class="tag">{move || if answered { t().answered } else { t().unanswered }}</span>
                </Show>
                <span class="row-title">{row.title.clone()}</span>
            </div>
            <p class="excerpt">{row.excerpt.clone()}</p>
            <div class="row-meta muted">
                <span>{author}</span>
                " · "
                <time title=format::full_time(time_ms, tz_offset_min())>{when}</time>
                " · "
                {row.comments}
                " "
                {move || t().comments_unit}
                " · "
                {row.likes}
                " "
                {move || t().likes_unit}
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_rows_near_the_viewport_are_rendered() {
        // 100,000 topics, scrolled to the middle: a screenful plus the overscan.
        let (start, end) = visible_range(5_000_000.0, 700.0, 100_000);
        let first = (5_000_000.0 / ROW_HEIGHT) as usize;
        assert_eq!(start, first - OVERSCAN);
        assert!(end - start <= (700.0 / ROW_HEIGHT).ceil() as usize + 1 + 2 * OVERSCAN);
        // At the top, at the end and past it.
        assert_eq!(visible_range(0.0, 700.0, 100_000).0, 0);
        assert_eq!(visible_range(1e12, 700.0, 100).1, 100);
        assert_eq!(visible_range(1e12, 700.0, 100).0, 100);
        assert_eq!(visible_range(0.0, 700.0, 0), (0, 0));
    }
}
