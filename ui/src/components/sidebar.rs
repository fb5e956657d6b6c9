//! The circles sidebar: the bell and "my questions" on top, then every archived circle with its
//! unread count and sync state; the one being synced pulses, expired ones are marked and stay
//! readable.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::components::inbox_nav::InboxNav;
use crate::format;
use crate::state::{View, ui};
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::NoArgs;
use orrery_ipc::commands::{ArchiveOverview, CircleArgs, CircleDto, MarkCircleRead, MirrorDto};
use orrery_ipc::id::CircleId;
use orrery_ipc::media::MediaRef;

/// The shortest time between two refreshes of the counts, in ms.
const REFRESH_MS: f64 = 1000.0;

#[component]
pub fn Sidebar() -> impl IntoView {
    let ui = ui();
    let overview = ui.overview;
    // The list is rebuilt only when the circles change, not when only the bell's count does.
    let circles: Memo<Option<Result<Vec<CircleDto>, IpcError>>> = Memo::new(move |_| {
        overview.with(|o| {
            o.as_ref()
                .map(|o| o.as_ref().map(|o| o.circles.clone()).map_err(Clone::clone))
        })
    });
    let refresh = move || {
        spawn_local(async move {
            let fresh = api::invoke::<ArchiveOverview>(&NoArgs {}).await;
            // The first circle opens by itself, so the window is never an empty frame.
            if let Ok(o) = &fresh
                && ui.circle.get_untracked().is_none()
                && let Some(first) = o.circles.first()
            {
                ui.circle.set(Some(first.id));
            }
            // Most refreshes during a sync change nothing; re-rendering the list anyway would
            // cost a frame (and reload the pictures) while the member types or scrolls.
            if overview.with_untracked(|old| old.as_ref() != Some(&fresh)) {
                overview.set(Some(fresh));
            }
        });
    };
    // Counts move with every page the sync commits and every topic read; the sidebar follows
    // at most once a second (the last change always lands), since counting unread topics reads
    // the whole archive.
    let last = StoredValue::new(f64::NEG_INFINITY);
    let queued = StoredValue::new(false);
    Effect::new(move |_| {
        ui.counts_changed.track();
        ui.topic.track();
        ui.info.track();
        let wait = last.get_value() + REFRESH_MS - js_sys::Date::now();
        if wait <= 0.0 {
            last.set_value(js_sys::Date::now());
            refresh();
        } else if !queued.get_value() {
            queued.set_value(true);
            set_timeout(
                move || {
                    queued.set_value(false);
                    last.set_value(js_sys::Date::now());
                    refresh();
                },
                std::time::Duration::from_millis(wait as u64),
            );
        }
    });
    let t = move || ui.t();
    let syncing_name = move || ui.status.get().and_then(|s| s.circle);
    view! {
        <nav class="sidebar" id="circles" aria-label=move || t().circles_title>
            <InboxNav />
            <h2>{move || t().circles_title}</h2>
            {move || match circles.get() {
                None => view! { <p class="muted">{t().loading}</p> }.into_any(),
                Some(Err(err)) => view! { <p class="error"><ErrorText error=err /></p> }.into_any(),
                Some(Ok(circles)) if circles.is_empty() => {
                    view! { <p class="muted" id="no-circles">{t().no_circles}</p> }.into_any()
                }
                Some(Ok(circles)) => {
                    view! {
                        <ul class="circles">
                            {circles
                                .into_iter()
                                .map(|c| {
                                    let id = c.id;
                                    let selected = move || ui.circle.get() == Some(id);
                                    let syncing = {
                                        let name = c.name.clone();
                                        move || syncing_name().as_deref() == Some(name.as_str())
                                    };
                                    let state = if c.expired {
                                        "expired"
                                    } else {
                                        "ok"
                                    };
                                    let open = move |_| {
                                        ui.hashtag.set(None);
                                        ui.column.set(None);
                                        ui.topic.set(None);
                                        ui.circle.set(Some(id));
                                        ui.view.set(View::Reading);
                                    };
                                    let mark_read = move |_| {
                                        spawn_local(async move {
                                            let _ = api::invoke::<MarkCircleRead>(&CircleArgs { circle: id }).await;
                                            ui.counts_may_have_changed();
                                        });
                                    };
                                    let unread = c.unread;
                                    view! {
                                        <li
                                            data-circle=c.id.to_string()
                                            data-state=state
                                            class:selected=selected
                                            class:syncing=syncing
                                        >
                                            <button class="circle" on:click=open>
                                                <Avatar id=c.id name=c.name.clone() />
                                                <span class="circle-name">{c.name.clone()}</span>
                                                <Show when=move || c.expired>
                                                    <span class="tag">{move || t().circle_expired}</span>
                                                </Show>
                                                <Show when=move || c.mirror == MirrorDto::Nothing>
                                                    <span class="tag" data-field="unsynced">{move || t().circle_unsynced}</span>
                                                </Show>
                                                <Show when=move || { unread > 0 }>
                                                    <span
                                                        class="unread-count"
                                                        data-field="unread"
                                                        data-count=unread.to_string()
                                                        title=move || format!("{unread} {}", t().unread)
                                                    >
                                                        {format::badge(unread)}
                                                    </span>
                                                </Show>
                                            </button>
                                            <div class="circle-meta muted">
                                                <span data-field="topics">{c.topics}</span>
                                                " "
                                                {move || t().topics_unit}
                                                <Show when=move || { unread > 0 }>
                                                    <button class="link mark-read" on:click=mark_read>
                                                        {move || t().mark_all_read}
                                                    </button>
                                                </Show>
                                            </div>
                                            {move || backlog(id).map(|left| view! { <div class="circle-backlog muted" data-field="backlog">{left}</div> })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </nav>
    }
}

/// How far the mirroring of `id` is and how long the rest takes, while any is left: "42% · 约需
/// 1 小时".
fn backlog(id: CircleId) -> Option<String> {
    let ui = ui();
    let status = ui.status.get()?;
    let entry = status.backlog.iter().find(|b| b.circle == id)?;
    let words = ui.t().words;
    let share = entry
        .expected
        .filter(|&n| n > 0)
        .map(|n| format!("{}% · ", (entry.archived * 100 / n).min(99)));
    let left = entry.remaining_ms.map(|ms| words.left(ms));
    Some(format!(
        "{}{}",
        share.unwrap_or_default(),
        left.unwrap_or_default()
    ))
    .filter(|text| !text.is_empty())
}

/// A circle's picture from the media cache, over its first character, which stays when there
/// is no picture (offline and never fetched, or none given).
#[component]
fn Avatar(id: CircleId, name: String) -> impl IntoView {
    let failed = RwSignal::new(false);
    view! {
        <span class="avatar" aria-hidden="true">
            {name.chars().next().map(String::from).unwrap_or_default()}
            <Show when=move || !failed.get()>
                <img src=api::media_url(MediaRef::CirclePicture(id)) alt="" on:error=move |_| failed.set(true) />
            </Show>
        </span>
    }
}
