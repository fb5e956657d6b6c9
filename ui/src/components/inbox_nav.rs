//! The top of the sidebar: 今日速览 / Catch up, the bell with the inbox's unread count, "my
//! questions", 稍后读 / Read later, and 已保存 / Saved (imported documents).

use crate::format;
use crate::state::{View, ui};
use leptos::prelude::*;

#[component]
pub fn InboxNav() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let unread = Memo::new(move |_| ui.inbox_unread());
    // The badge says "99+"; the name read aloud says the exact number.
    let bell_label = move || match unread.get() {
        0 => t().inbox_title.to_owned(),
        n => format::fill(t().inbox_bell_label, &n.to_string()),
    };
    let here = move |view: View| move || ui.view.get() == view;
    let current = move |view: View| move || (ui.view.get() == view).then_some("page");
    let go = move |view: View| {
        move |_| {
            ui.palette.set(false);
            ui.view.set(view);
        }
    };
    view! {
        <div class="nav-items">
            <button
                id="open-brief"
                class="nav-item"
                data-enter=""
                class:selected=here(View::Brief)
                aria-current=current(View::Brief)
                on:click=go(View::Brief)
            >
                <SunIcon />
                <span class="nav-label">{move || t().brief_title}</span>
            </button>
            <button
                id="inbox-bell"
                class="nav-item"
                data-enter=""
                class:selected=here(View::Inbox)
                aria-current=current(View::Inbox)
                aria-label=bell_label
                title=bell_label
                on:click=go(View::Inbox)
            >
                <BellIcon />
                <span class="nav-label">{move || t().inbox_title}</span>
                <Show when=move || { unread.get() > 0 }>
                    <span
                        class="unread-count"
                        data-field="inbox-unread"
                        data-count=move || unread.get().to_string()
                    >
                        {move || format::badge(unread.get())}
                    </span>
                </Show>
            </button>
            <button
                id="open-my-questions"
                class="nav-item"
                data-enter=""
                class:selected=here(View::MyQuestions)
                aria-current=current(View::MyQuestions)
                on:click=go(View::MyQuestions)
            >
                <QuestionIcon />
                <span class="nav-label">{move || t().my_questions_title}</span>
            </button>
            <button
                id="open-saved"
                class="nav-item"
                data-enter=""
                class:selected=here(View::Saved)
                aria-current=current(View::Saved)
                on:click=go(View::Saved)
            >
                <BookmarkIcon />
                <span class="nav-label">{move || t().saved_title}</span>
            </button>
            <button
                id="open-documents"
                class="nav-item"
                data-enter=""
                class:selected=here(View::Documents)
                aria-current=current(View::Documents)
                on:click=go(View::Documents)
            >
                <ShelfIcon />
                <span class="nav-label">{move || t().documents_title}</span>
            </button>
        </div>
    }
}

/// A bell, drawn in the text's colour so both themes show it.
#[component]
fn BellIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
            <path d="M13.7 21a2 2 0 0 1-3.4 0" />
        </svg>
    }
}

/// A question mark in a circle.
#[component]
fn QuestionIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="12" cy="12" r="9.5" />
            <path d="M9.1 9a3 3 0 0 1 5.8 1c0 2-3 3-3 3" />
            <path d="M12 17h.01" />
        </svg>
    }
}

/// A sun over the horizon: the day's catch-up.
#[component]
fn SunIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M17 18a5 5 0 0 0-10 0" />
            <path d="M12 2v7" />
            <path d="m4.22 10.22 1.42 1.42" />
            <path d="M1 18h2" />
            <path d="M21 18h2" />
            <path d="m18.36 11.64 1.42-1.42" />
            <path d="M23 22H1" />
        </svg>
    }
}

/// Books on a shelf: what the member saved elsewhere and imported.
#[component]
fn ShelfIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M4 4h4v16H4z" />
            <path d="M10 4h4v16h-4z" />
            <path d="m16.5 5.2 3.8-1 3.2 15.6-3.8.9z" />
        </svg>
    }
}

/// A bookmark: saved for later.
#[component]
fn BookmarkIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M19 21l-7-5-7 5V5a2 2 0 0 1 2-2h10a2 2 0 0 1 2 2z" />
        </svg>
    }
}
