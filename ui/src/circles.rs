//! The start screen's list of archived circles, with where the background sync stands.
//!
//! It asks the shell for `archive_overview` once a second: a local query of two small SQL
//! statements, cheap enough that polling is simpler than a subscription until the timeline
//! (issue 6) streams sync events over a channel.

use crate::api;
use crate::i18n::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{ArchiveOverview, ArchiveOverviewDto, SyncStateDto};
use orrery_ipc::{IpcError, NoArgs};
use std::time::Duration;

const POLL: Duration = Duration::from_secs(1);

#[component]
pub fn CirclesCard(locale: RwSignal<Locale>) -> impl IntoView {
    let overview = RwSignal::new(None::<Result<ArchiveOverviewDto, IpcError>>);
    let refresh = move || {
        spawn_local(async move {
            overview.set(Some(api::invoke::<ArchiveOverview>(&NoArgs {}).await));
        })
    };
    refresh();
    if let Ok(handle) = set_interval_with_handle(refresh, POLL) {
        on_cleanup(move || handle.clear());
    }

    let t = move || locale.get().texts();
    view! {
        <section class="card" id="circles">
            <h2>{move || t().circles_title}</h2>
            {move || match overview.get() {
                None => view! { <p class="muted">{t().loading}</p> }.into_any(),
                Some(Err(err)) => view! { <p class="error">{err.message}</p> }.into_any(),
                Some(Ok(overview)) => {
                    let t = t();
                    let (state, label) = match overview.sync {
                        SyncStateDto::Idle => ("idle", t.sync_idle),
                        SyncStateDto::Syncing => ("syncing", t.sync_syncing),
                        SyncStateDto::CaughtUp => ("caught_up", t.sync_caught_up),
                        SyncStateDto::NeedsLogin => ("needs_login", t.sync_needs_login),
                        SyncStateDto::Failed => ("failed", t.sync_failed),
                    };
                    let empty = overview.circles.is_empty();
                    view! {
                        <p class="sync-state" data-state=state>{label}</p>
                        <Show when=move || empty>
                            <p class="muted">{t.no_circles}</p>
                        </Show>
                        <ul class="circles">
                            {overview
                                .circles
                                .into_iter()
                                .map(|circle| {
                                    view! {
                                        <li data-circle=circle.id>
                                            <span class="circle-name">{circle.name}</span>
                                            <Show when=move || circle.expired>
                                                <span class="badge">{t.circle_expired}</span>
                                            </Show>
                                            <span class="circle-counts muted">
                                                <span data-field="topics">{circle.topics}</span>
                                                " "
                                                {t.topics_unit}
                                                " · "
                                                <span data-field="comments">{circle.comments}</span>
                                                " "
                                                {t.comments_unit}
                                            </span>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
