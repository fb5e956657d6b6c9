//! 今日速览 / Catch up: everything unread across circles, ranked by the core with a reason for
//! each place, in one list or circle by circle, the noise collapsed below. Triage is by
//! keyboard or by the buttons of the item under the pointer: open it, mark it done, save it
//! for later, mute or follow its author, undo. The list's rules are `brief_triage`'s; this
//! wires them to the keys, the shell and the sidebar's counts.

use crate::api;
use crate::brief_triage::{Said, Tell, Triage};
use crate::components::brief_item::BriefItem;
use crate::components::error_text::ErrorText;
use crate::components::list_keys::{focus_row, follow_keys_with};
use crate::format::{self, tz_offset_min};
use crate::keys::Action;
use crate::state::{View, ui};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::commands::{
    Brief, BriefArgs, BriefMark, BriefMarkArgs, BriefMarkDto, SaveTopic, SaveTopicArgs, StanceDto,
};
use orrery_ipc::id::{CircleId, TopicId};
use std::collections::HashMap;

#[component]
pub fn BriefPage() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let triage = RwSignal::new(Triage::default());
    // A failed fetch, or a step the shell refused.
    let error = RwSignal::new(None::<IpcError>);
    let selected = RwSignal::new(0_usize);
    let list = NodeRef::<html::Div>::new();
    let grouped = ui.brief_grouped;

    // Fetches the brief in the UI's language, keeping the selection on its item.
    let fetch = move || {
        let lang = ui.locale.get_untracked().tag().to_owned();
        spawn_local(async move {
            let fresh = api::invoke::<Brief>(&BriefArgs {
                since_hours: None,
                lang,
            })
            .await;
            // The page may have closed meanwhile (`try_`: its signals are gone then).
            match fresh {
                Ok(brief) => {
                    let grouped = grouped.get_untracked();
                    let Some(at) = selected.try_get_untracked() else {
                        return;
                    };
                    let kept = triage.with_untracked(|t| t.topic_at(grouped, at));
                    triage.update(|t| t.receive(brief));
                    if let Some(now) =
                        kept.and_then(|k| triage.with_untracked(|t| t.index_of(grouped, k)))
                    {
                        selected.set(now);
                    }
                    error.set(None);
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
        });
    };
    Effect::new(move |_| {
        ui.locale.track();
        fetch();
    });

    // Tells the shell; after a follow or a mute the core ranks anew, so the brief comes again.
    let tell = move |tell: Tell| {
        spawn_local(async move {
            let refetch = matches!(tell, Tell::Stance { .. });
            let result = match tell {
                Tell::MarkTopics { topics, read } => ui.mark_topics(topics, read).await,
                Tell::Save { topic, saved } => {
                    api::invoke::<SaveTopic>(&SaveTopicArgs { topic, saved }).await
                }
                Tell::Stance { author, stance } => {
                    api::invoke::<BriefMark>(&BriefMarkArgs {
                        mark: BriefMarkDto::Author { id: author },
                        stance,
                    })
                    .await
                }
            };
            if let Err(err) = result {
                error.try_set(Some(err));
            }
            if refetch && !triage.is_disposed() {
                fetch();
            }
        });
    };

    let total = move || triage.with_untracked(|t| t.items().len());
    // After a step the row in focus may be gone (done) or drawn anew (its saved mark): the
    // focus comes back to the selection, clamped to the list.
    let refocus = move || {
        let total = total();
        if total > 0 && selected.get_untracked() >= total {
            selected.set(total - 1);
        }
        request_animation_frame(move || {
            let lost = document()
                .active_element()
                .is_none_or(|el| el.tag_name() == "BODY");
            if lost && let Some(at) = selected.try_get_untracked() {
                focus_row(list, at);
            }
        });
    };
    let act = Callback::new(move |(action, topic): (Action, TopicId)| {
        let step = match action {
            Action::Open => {
                let Some((circle, topic)) =
                    triage.with_untracked(|t| t.item(topic).map(|i| (i.circle, i.topic)))
                else {
                    return;
                };
                // As the inbox opens a topic: read, with its events, then in the reader.
                spawn_local(async move {
                    if let Err(err) = ui.mark_topics(vec![topic], true).await {
                        web_sys::console::warn_1(&err.message.into());
                    }
                });
                ui.open(circle, topic);
                return;
            }
            Action::Done => triage.try_update(|t| t.done(&[topic])),
            Action::Save => triage.try_update(|t| t.toggle_save(topic)),
            Action::Mute => triage.try_update(|t| t.stance(topic, StanceDto::Mute)),
            Action::Follow => triage.try_update(|t| t.stance(topic, StanceDto::Follow)),
            Action::Undo => triage.try_update(Triage::undo),
            _ => return,
        };
        if let Some(Some(step)) = step {
            if let Tell::MarkTopics {
                topics,
                read: false,
            } = &step
                && let Some(first) = topics.first()
                && let Some(at) =
                    triage.with_untracked(|t| t.index_of(grouped.get_untracked(), *first))
            {
                // An undone "done": the selection goes back to it.
                selected.set(at);
                focus_row(list, at);
            }
            tell(step);
            refocus();
        }
    });
    follow_keys_with(View::Brief, list, selected, total, move |action, at| {
        let topic =
            at.and_then(|at| triage.with_untracked(|t| t.topic_at(grouped.get_untracked(), at)));
        match (action, topic) {
            (Action::Undo, _) => act.run((Action::Undo, TopicId::new(0))),
            (_, Some(topic)) => act.run((action, topic)),
            (_, None) => {}
        }
    });

    let mark_all = move |_| {
        if let Some(Some(step)) = triage.try_update(Triage::done_all) {
            tell(step);
            selected.set(0);
        }
    };
    let mark_circle = Callback::new(move |circle: CircleId| {
        if let Some(Some(step)) = triage.try_update(|t| t.done_circle(circle)) {
            tell(step);
            refocus();
        }
    });
    let toggle_group = move |_| {
        let at = selected.get_untracked();
        let kept = triage.with_untracked(|t| t.topic_at(grouped.get_untracked(), at));
        grouped.update(|g| *g = !*g);
        if let Some(now) =
            kept.and_then(|k| triage.with_untracked(|t| t.index_of(grouped.get_untracked(), k)))
        {
            selected.set(now);
        }
    };

    // The items as listed, each one's place for its row, and the groups when grouped.
    let shown = Memo::new(move |_| triage.with(|t| t.shown(grouped.get())));
    let places = Memo::new(move |_| {
        shown.with(|s| {
            s.iter()
                .enumerate()
                .map(|(i, item)| (item.topic, i))
                .collect::<HashMap<TopicId, usize>>()
        })
    });
    let groups = Memo::new(move |_| triage.with(|t| t.groups()));
    let noise = Memo::new(move |_| triage.with(|t| t.noise().to_vec()));
    let count = Memo::new(move |_| triage.with(|t| t.items().len()));
    let noise_count = Memo::new(move |_| noise.with(Vec::len));
    // Loading, failed, empty or listed: the list itself is rebuilt only when this changes.
    let shape = Memo::new(move |_| {
        let loaded = triage.with(Triage::loaded);
        match (loaded, error.get()) {
            (false, Some(err)) => Some(Err(err)),
            (false, None) => None,
            (true, _) => Some(Ok(count.get() == 0)),
        }
    });
    let since = move || {
        let ms = triage.with(Triage::since_ms);
        format::fill(t().brief_since, &format::full_time(ms, tz_offset_min()))
    };
    let said = move || {
        let said = triage.with(|t| t.said().cloned())?;
        Some(match said {
            Said::Done(n) => format::fill(t().brief_said_done, &n.to_string()),
            Said::Saved(true) => t().brief_said_saved.to_owned(),
            Said::Saved(false) => t().brief_said_unsaved.to_owned(),
            Said::Stance(stance, name) => {
                let name = name.unwrap_or_else(|| t().anonymous.to_owned());
                let template = match stance {
                    StanceDto::Mute => t().brief_said_muted,
                    _ => t().brief_said_followed,
                };
                format::fill(template, &name)
            }
            Said::Undone => t().brief_said_undone.to_owned(),
        })
    };
    let can_undo = move || triage.with(Triage::can_undo);
    let nothing = move || count.get() == 0 && noise_count.get() == 0;

    let row = move |item: orrery_ipc::commands::BriefItemDto| {
        let topic = item.topic;
        let index = Signal::derive(move || places.with(|p| p.get(&topic).copied()));
        view! { <BriefItem item=item index=index selected=selected act=act /> }
    };
    let row_key =
        |item: &orrery_ipc::commands::BriefItemDto| (item.topic, item.saved, item.why.clone());
    let ranked = move || {
        view! {
            <ol class="list-rows brief-rows">
                <For each=move || shown.get() key=row_key children=row />
            </ol>
        }
    };
    let by_circle = move || {
        view! {
            <For
                each=move || groups.with(|gs| gs.iter().map(|g| (g.circle, g.name.clone())).collect::<Vec<_>>())
                key=|(circle, _)| *circle
                children=move |(circle, name)| {
                    let items = move || {
                        groups.with(|gs| {
                            gs.iter().find(|g| g.circle == circle).map(|g| g.items.clone()).unwrap_or_default()
                        })
                    };
                    let n = move || items().len();
                    view! {
                        <section class="brief-group" data-circle=circle.to_string()>
                            <header class="brief-group-head">
                                <h3><bdi>{name}</bdi></h3>
                                <span class="muted">{move || format::fill(t().brief_group_count, &n().to_string())}</span>
                                <button
                                    class="link brief-group-mark"
                                    data-group-mark-all=circle.to_string()
                                    data-enter=""
                                    on:click=move |_| mark_circle.run(circle)
                                >
                                    {move || t().mark_all_read}
                                </button>
                            </header>
                            <ol class="list-rows brief-rows">
                                <For each=items key=row_key children=row />
                            </ol>
                        </section>
                    }
                }
            />
        }
    };

    view! {
        <section class="list-page brief-page" id="brief" data-page="brief" aria-labelledby="brief-heading">
            <header class="list-head">
                <h2 id="brief-heading">{move || t().brief_title}</h2>
                <Show when=move || triage.with(Triage::loaded)>
                    <span class="muted" data-field="brief-count" data-count=move || count.get().to_string() title=since>
                        {move || format::fill(t().brief_count, &count.get().to_string())}
                    </span>
                </Show>
                <div class="list-actions">
                    <button
                        id="brief-group"
                        class="ghost"
                        class:active=move || grouped.get()
                        data-enter=""
                        aria-pressed=move || grouped.get().to_string()
                        on:click=toggle_group
                    >
                        {move || t().brief_group}
                    </button>
                    <button id="brief-refresh" class="ghost" data-enter="" on:click=move |_| fetch()>
                        {move || t().brief_refresh}
                    </button>
                    <button
                        id="brief-mark-all"
                        class="ghost"
                        data-enter=""
                        disabled=nothing
                        on:click=mark_all
                    >
                        {move || t().mark_all_read}
                    </button>
                </div>
            </header>
            <p class="list-note brief-keys muted" id="brief-keys">{move || t().brief_keys}</p>
            <p class="list-note brief-status" id="brief-status" role="status" aria-live="polite">
                <span data-field="said">{said}</span>
                <Show when=can_undo>
                    <button
                        id="brief-undo"
                        class="link"
                        data-enter=""
                        title=move || t().brief_undo_title
                        on:click=move |_| act.run((Action::Undo, TopicId::new(0)))
                    >
                        {move || t().brief_undo}
                    </button>
                </Show>
                {move || error.get().map(|err| view! { <span class="error"><ErrorText error=err /></span> })}
            </p>
            <div id="brief-items" class="brief-items" node_ref=list>
                {move || match shape.get() {
                    None => view! { <p class="muted list-note">{t().loading}</p> }.into_any(),
                    Some(Err(_)) => ().into_any(),
                    Some(Ok(true)) => {
                        view! {
                            <div class="empty brief-empty" id="brief-empty">
                                <p class="brief-empty-title">{move || t().brief_empty}</p>
                                <p class="muted">{move || t().brief_empty_hint}</p>
                            </div>
                        }
                            .into_any()
                    }
                    Some(Ok(false)) => {
                        if grouped.get() { by_circle().into_any() } else { ranked().into_any() }
                    }
                }}
            </div>
            <details id="brief-noise" class="brief-noise" hidden=move || noise_count.get() == 0>
                <summary data-count=move || noise_count.get().to_string()>
                    {move || format::fill(t().brief_noise, &noise_count.get().to_string())}
                </summary>
                <p class="muted brief-noise-hint">{move || t().brief_noise_hint}</p>
                <ol class="list-rows brief-rows">
                    <For
                        each=move || noise.get()
                        key=row_key
                        children=move |item| {
                            view! { <BriefItem item=item index=Signal::stored(None) selected=selected act=act /> }
                        }
                    />
                </ol>
            </details>
        </section>
    }
}
