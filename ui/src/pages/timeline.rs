//! A circle's timeline: the service's tabs, hashtag and column filters, and a virtualized list
//! that pages in as it scrolls, so 100,000 topics cost the DOM only the rows on screen. The
//! paging, windowing and selection rules are `timeline_window`'s; this wires them to the
//! scroll position, the shell and the keyboard.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::components::timeline_filters::{Filters, Tabs};
use crate::components::topic_row::TopicRow;
use crate::keys::Action;
use crate::state::{View, ui};
use crate::timeline_window::{
    PAGE, PageRequest, Pages, ROW_HEIGHT, scroll_to_show, step_selection, visible_range,
};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{
    CircleArgs, CircleFilters, CircleFiltersDto, SyncStateDto, Timeline as TimelineCmd,
    TimelineArgs,
};

#[component]
pub fn Timeline() -> impl IntoView {
    let ui = ui();
    let pages = RwSignal::new(Pages::default());
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let selected = RwSignal::new(0_usize);
    let list = NodeRef::<html::Div>::new();
    let filters = RwSignal::new(None::<CircleFiltersDto>);
    // Memos, so a page starting or failing to load (which changes no row) re-renders nothing
    // and asks for nothing again.
    let total = Memo::new(move |_| pages.with(Pages::len));
    let footer = Memo::new(move |_| pages.with(|p| (p.error().cloned(), p.len() == 0, p.done())));

    let fetch = move |request: PageRequest| {
        let Some(circle) = ui.circle.get_untracked() else {
            return;
        };
        let args = TimelineArgs {
            circle,
            tab: ui.tab.get_untracked(),
            hashtag: ui.hashtag.get_untracked(),
            column: ui.column.get_untracked(),
            after: request.after.clone(),
            limit: PAGE,
            hide_deleted: ui.hide_deleted.get_untracked(),
        };
        spawn_local(async move {
            let page = api::invoke::<TimelineCmd>(&args).await;
            let at = selected.get_untracked();
            if let Some(Some(now)) = pages.try_update(|p| p.receive(&request, page, at)) {
                selected.set(now);
            }
        });
    };

    // A new circle, tab or filter starts from the top.
    Effect::new(move |_| {
        ui.circle.track();
        ui.tab.track();
        ui.hashtag.track();
        ui.column.track();
        ui.hide_deleted.track();
        let first = pages.try_update(Pages::restart);
        selected.set(0);
        scroll_top.set(0.0);
        if let Some(el) = list.get_untracked() {
            el.set_scroll_top(0);
        }
        if let Some(first) = first {
            fetch(first);
        }
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
    // keeps their place instead of being pushed around. Each committed page may bring new
    // topics, and the end of a run may bring edits and deletions, which the sync notices
    // after its last page: either one refreshes the rows.
    Effect::new(move |previous: Option<(u64, bool)>| {
        let now = ui.status.with(|s| {
            s.as_ref()
                .map_or((0, false), |s| (s.pages, s.state == SyncStateDto::Syncing))
        });
        let (pages_then, syncing_then) = previous.unwrap_or(now);
        let changed = pages_then != now.0 || (syncing_then && !now.1);
        if changed
            && let Some(Some(reload)) =
                pages.try_update(|p| p.new_topics(scroll_top.get_untracked()))
        {
            fetch(reload);
        }
        now
    });
    // Near the end, the next page (after a failure, the next scroll asks again).
    Effect::new(move |_| {
        let (_, end) = visible_range(scroll_top.get(), viewport.get(), total.get());
        if pages.with_untracked(|p| p.wants_next(end))
            && let Some(Some(next)) = pages.try_update(|p| p.next_page(end))
        {
            fetch(next);
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
        let total = pages.with_untracked(Pages::len);
        if total == 0 {
            return;
        }
        let at = selected.get_untracked();
        let at = match action {
            Action::Next => step_selection(at, true, total),
            Action::Previous => step_selection(at, false, total),
            Action::Open => {
                let at = at.min(total - 1);
                if let Some(row) = pages.with_untracked(|p| p.rows().get(at).cloned()) {
                    ui.open(row.circle_id, row.id);
                }
                return;
            }
            Action::Pick => {
                if let Some(row) =
                    pages.with_untracked(|p| p.rows().get(at.min(total - 1)).cloned())
                {
                    ui.toggle_pick(row.id);
                }
                return;
            }
            _ => return,
        };
        selected.set(at);
        if let Some(el) = list.get_untracked() {
            let height = f64::from(el.client_height());
            let scrolled = f64::from(el.scroll_top());
            if let Some(top) = scroll_to_show(at, scrolled, height) {
                el.set_scroll_top(top as i32);
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
        let (start, end) = visible_range(scroll_top.get(), viewport.get(), total.get());
        pages.with(|p| {
            p.rows()[start..end]
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
                        style:height=move || format!("{}px", total.get() as f64 * ROW_HEIGHT)
                    >
                        <For
                            each=window
                            key=|(i, row)| (*i, row.id, row.unread, row.comments, row.deleted_at_ms, row.edited)
                            children=move |(i, row)| {
                                view! { <TopicRow index=i row=row selected=selected /> }
                            }
                        />
                    </div>
                    {move || {
                        let (error, empty, done) = footer.get();
                        if let Some(err) = error {
                            view! { <p class="error"><ErrorText error=err /></p> }.into_any()
                        } else if empty && done {
                            view! { <p class="empty" id="no-topics">{t().no_topics}</p> }.into_any()
                        } else if done {
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
