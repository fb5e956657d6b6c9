//! 稍后读 / Read later: the topics saved for later (in the brief, with `s`), newest saved first,
//! as timeline rows; a click or Enter opens one in the reader, `s` takes the selected one off the
//! list and `u` puts it back. "Export…" exports the list: the topics the member picked.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::components::export_dialog::ExportButton;
use crate::components::list_keys::follow_keys_with;
use crate::components::topic_row::TopicRow;
use crate::keys::Action;
use crate::state::{View, ui};
use crate::timeline_window::ROW_HEIGHT;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{
    ExportScopeDto, SaveTopic, SaveTopicArgs, SavedDto, SavedTopics, TopicRowDto,
};
use orrery_ipc::{IpcError, NoArgs};

#[component]
pub fn SavedPage() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let saved = RwSignal::new(None::<Result<SavedDto, IpcError>>);
    let selected = RwSignal::new(0_usize);
    let list = NodeRef::<html::Div>::new();
    // What `s` took off the list, with its place, for `u`.
    let removed = StoredValue::new(Vec::<(usize, TopicRowDto)>::new());
    let failed = RwSignal::new(None::<IpcError>);
    spawn_local(async move {
        let fresh = api::invoke::<SavedTopics>(&NoArgs {}).await;
        // The page may have closed meanwhile (`try_`: its signals are gone then).
        saved.try_set(Some(fresh));
    });

    let rows = move || {
        saved.with(|s| match s {
            Some(Ok(s)) => s.topics.iter().cloned().enumerate().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    let total = move || {
        saved.with_untracked(|s| {
            s.as_ref()
                .and_then(|s| s.as_ref().ok())
                .map_or(0, |s| s.topics.len())
        })
    };
    let tell = move |row: &TopicRowDto, keep: bool| {
        let topic = row.id;
        spawn_local(async move {
            let result = api::invoke::<SaveTopic>(&SaveTopicArgs { topic, saved: keep }).await;
            if let Err(err) = result {
                failed.try_set(Some(err));
            }
        });
    };
    follow_keys_with(
        View::Saved,
        list,
        selected,
        total,
        move |action, at| match (action, at) {
            (Action::Open, Some(at)) => {
                let row = saved.with_untracked(|s| {
                    s.as_ref()
                        .and_then(|s| s.as_ref().ok())
                        .and_then(|s| s.topics.get(at).cloned())
                });
                if let Some(row) = row {
                    ui.open(row.circle_id, row.id);
                }
            }
            (Action::Save, Some(at)) => {
                let row = saved
                    .try_update(|s| match s {
                        Some(Ok(s)) if at < s.topics.len() => Some(s.topics.remove(at)),
                        _ => None,
                    })
                    .flatten();
                if let Some(row) = row {
                    tell(&row, false);
                    removed.update_value(|r| r.push((at, row)));
                    let total = total();
                    if total > 0 && at >= total {
                        selected.set(total - 1);
                    }
                }
            }
            (Action::Undo, _) => {
                let Some((at, row)) = removed.try_update_value(Vec::pop).flatten() else {
                    return;
                };
                tell(&row, true);
                saved.update(|s| {
                    if let Some(Ok(s)) = s {
                        let at = at.min(s.topics.len());
                        s.topics.insert(at, row);
                    }
                });
                selected.set(at);
            }
            _ => {}
        },
    );

    let count = Memo::new(move |_| {
        saved.with(|s| {
            s.as_ref()
                .map(|s| s.as_ref().map(|s| s.topics.len()).map_err(Clone::clone))
        })
    });
    view! {
        <section class="list-page saved-page" id="saved" data-page="saved" aria-labelledby="saved-heading">
            <header class="list-head">
                <h2 id="saved-heading">{move || t().saved_title}</h2>
                <div class="list-actions">
                    <ExportButton scope=Signal::derive(|| Some(ExportScopeDto::ReadLater)) />
                    <button id="saved-brief" class="ghost" data-enter="" on:click=move |_| ui.view.set(View::Brief)>
                        {move || t().brief_title}
                    </button>
                </div>
            </header>
            <p class="list-note muted" id="saved-keys">{move || t().saved_keys}</p>
            {move || failed.get().map(|err| view! { <p class="error list-note"><ErrorText error=err /></p> })}
            <div class="saved-list" node_ref=list>
                {move || match count.get() {
                    None => view! { <p class="muted list-note">{t().loading}</p> }.into_any(),
                    Some(Err(err)) => view! { <p class="error list-note"><ErrorText error=err /></p> }.into_any(),
                    Some(Ok(0)) => view! { <p class="empty" id="saved-empty">{t().saved_empty}</p> }.into_any(),
                    Some(Ok(n)) => {
                        view! {
                            <div class="rows-spacer" style:height=format!("{}px", n as f64 * ROW_HEIGHT)>
                                <For
                                    each=rows
                                    key=|(i, row)| (*i, row.id, row.unread)
                                    children=move |(i, row)| view! { <TopicRow index=i row=row selected=selected /> }
                                />
                            </div>
                        }
                            .into_any()
                    }
                }}
            </div>
        </section>
    }
}
