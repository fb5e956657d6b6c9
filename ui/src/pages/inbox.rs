//! The inbox: what concerns the member, newest first with unread answers to their questions on
//! top (the core's order), one row each, its headline worded by kind in the UI's language.
//! A row opens its topic the way a search hit does (at the comment, if there is one) and
//! counts as read; "mark all as read" clears the rest.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::components::list_keys::follow_keys;
use crate::format::{self, tz_offset_min};
use crate::state::{View, ui};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::commands::{Inbox, InboxArgs, InboxDto, InboxEventDto, InboxKindDto};

/// The most events listed: the core keeps the newest, unread answers first.
const LIMIT: u32 = 200;

#[component]
pub fn InboxPage() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let inbox = RwSignal::new(None::<Result<InboxDto, IpcError>>);
    let selected = RwSignal::new(0_usize);
    let list = NodeRef::<html::Ol>::new();
    // New events arrive unread, so the bell's count rising is the cue to fetch the list again.
    // It falls only as events are marked read, which this page already shows (and it is
    // fetched afresh whenever it opens).
    let unread = Memo::new(move |_| ui.inbox_unread());
    Effect::new(move |before: Option<u64>| {
        let now = unread.get();
        if before.is_some_and(|before| now <= before) {
            return now;
        }
        spawn_local(async move {
            let fresh = api::invoke::<Inbox>(&InboxArgs { limit: LIMIT }).await;
            // The page may have closed meanwhile (`try_`: its signals are gone then).
            if inbox.try_with_untracked(|old| old.as_ref() != Some(&fresh)) == Some(true) {
                inbox.try_set(Some(fresh));
            }
        });
        now
    });

    let event = move |index: usize| {
        inbox.with_untracked(|i| {
            i.as_ref()
                .and_then(|i| i.as_ref().ok())
                .and_then(|i| i.events.get(index).cloned())
        })
    };
    let open = Callback::new(move |index: usize| {
        let Some(e) = event(index) else {
            return;
        };
        if !e.read {
            inbox.update(|i| {
                if let Some(Ok(i)) = i
                    && let Some(shown) = i.events.get_mut(index)
                {
                    shown.read = true;
                }
            });
            ui.mark_inbox_read(Some(vec![e.key]), 1);
        }
        ui.open_at(e.circle, e.topic, e.comment);
    });
    let total = move || {
        inbox.with_untracked(|i| {
            i.as_ref()
                .and_then(|i| i.as_ref().ok())
                .map_or(0, |i| i.events.len())
        })
    };
    follow_keys(View::Inbox, list, selected, total, move |i| open.run(i));

    let any_unread = move || {
        unread.get() > 0
            || inbox.with(|i| {
                i.as_ref()
                    .and_then(|i| i.as_ref().ok())
                    .is_some_and(|i| i.events.iter().any(|e| !e.read))
            })
    };
    let mark_all = move |_| {
        inbox.update(|i| {
            if let Some(Ok(i)) = i {
                i.unread = 0;
                i.events.iter_mut().for_each(|e| e.read = true);
            }
        });
        ui.mark_inbox_read(None, 0);
    };
    // Loading, failed, empty or listed: the list itself is rebuilt only when this changes.
    let shape = Memo::new(move |_| {
        inbox.with(|i| {
            i.as_ref().map(|i| {
                i.as_ref()
                    .map(|i| i.events.is_empty())
                    .map_err(Clone::clone)
            })
        })
    });
    let rows = move || {
        inbox.with(|i| match i {
            Some(Ok(i)) => i.events.iter().cloned().enumerate().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    view! {
        <section class="list-page" id="inbox" data-page="inbox" aria-labelledby="inbox-heading">
            <header class="list-head">
                <h2 id="inbox-heading">{move || t().inbox_title}</h2>
                <Show when=move || { unread.get() > 0 }>
                    <span class="muted" data-field="inbox-unread-count">
                        {move || format::fill(t().inbox_unread_count, &unread.get().to_string())}
                    </span>
                </Show>
                <div class="list-actions">
                    <button
                        id="inbox-mark-all"
                        class="ghost"
                        data-enter=""
                        disabled=move || !any_unread()
                        on:click=mark_all
                    >
                        {move || t().mark_all_read}
                    </button>
                    <button
                        id="inbox-my-questions"
                        class="ghost"
                        data-enter=""
                        on:click=move |_| ui.view.set(View::MyQuestions)
                    >
                        {move || t().my_questions_title}
                    </button>
                </div>
            </header>
            {move || match shape.get() {
                None => view! { <p class="muted list-note">{t().loading}</p> }.into_any(),
                Some(Err(err)) => view! { <p class="error list-note"><ErrorText error=err /></p> }.into_any(),
                Some(Ok(true)) => view! { <p class="empty" id="inbox-empty">{t().inbox_empty}</p> }.into_any(),
                Some(Ok(false)) => {
                    view! {
                        <ol class="list-rows" node_ref=list>
                            <For
                                each=rows
                                key=|(i, e)| (*i, e.key.clone(), e.read)
                                children=move |(i, e)| view! { <InboxRow index=i event=e selected=selected open=open /> }
                            />
                        </ol>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

/// Row `index`, whose keyboard selection is `selected`; `open` opens row `index`.
#[component]
fn InboxRow(
    index: usize,
    event: InboxEventDto,
    selected: RwSignal<usize>,
    open: Callback<usize>,
) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let InboxEventDto {
        key,
        kind,
        circle_name,
        at_ms,
        read,
        actor,
        topic_line,
        detail,
        ..
    } = event;
    let headline = move || format::inbox_headline(t(), kind, actor.as_deref());
    let when = move || {
        // Re-read on every status change, so "3 分钟前" moves on while the page is open.
        ui.status.track();
        format::relative_time(
            ui.locale.get(),
            js_sys::Date::now() as i64,
            at_ms,
            tz_offset_min(),
        )
    };
    let detail = (!detail.trim().is_empty())
        .then(|| view! { <bdi class="list-line muted" data-field="detail">{detail}</bdi> });
    view! {
        <li
            class="list-row inbox-row"
            class:unread=!read
            class:selected=move || selected.get() == index
            data-inbox-key=key
            data-kind=kind_name(kind)
            data-read=read.to_string()
            data-index=index
        >
            <button
                class="list-open"
                data-enter=""
                on:click=move |_| {
                    selected.set(index);
                    open.run(index);
                }
                on:focus=move |_| selected.set(index)
            >
                <span class="list-line list-row-head">
                    <Show when=move || !read>
                        <span class="sr-only">{move || t().unread}</span>
                    </Show>
                    <span class="list-title" data-field="headline">{headline}</span>
                    <bdi class="list-circle muted" data-field="circle">{circle_name}</bdi>
                    <time class="list-age muted" title=format::full_time(at_ms, tz_offset_min())>
                        {when}
                    </time>
                </span>
                <bdi class="list-line" data-field="topic">{topic_line}</bdi>
                {detail}
            </button>
        </li>
    }
}

/// The kind as the contract spells it, for `data-kind`.
fn kind_name(kind: InboxKindDto) -> &'static str {
    match kind {
        InboxKindDto::Answer => "answer",
        InboxKindDto::QuestionForMe => "question_for_me",
        InboxKindDto::Reply => "reply",
        InboxKindDto::Mention => "mention",
        InboxKindDto::Comment => "comment",
        InboxKindDto::Digest => "digest",
        InboxKindDto::OwnerPost => "owner_post",
    }
}
