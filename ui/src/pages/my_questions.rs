//! "My questions": every question the member asked, across circles, newest first, marked
//! answered or waiting, with the answer's first line once there is one; a row opens its topic.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::components::list_keys::follow_keys;
use crate::format::{self, tz_offset_min};
use crate::state::{View, ui};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{MyQuestionDto, MyQuestions, MyQuestionsDto};
use orrery_ipc::{IpcError, NoArgs};

#[component]
pub fn MyQuestionsPage() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let questions = RwSignal::new(None::<Result<MyQuestionsDto, IpcError>>);
    let selected = RwSignal::new(0_usize);
    let list = NodeRef::<html::Ol>::new();
    // An answer arriving is an inbox event, so the bell's count moving may mean one came.
    let unread = Memo::new(move |_| ui.inbox_unread());
    Effect::new(move |_| {
        unread.track();
        spawn_local(async move {
            let fresh = api::invoke::<MyQuestions>(&NoArgs {}).await;
            // The page may have closed meanwhile (`try_`: its signals are gone then).
            if questions.try_with_untracked(|old| old.as_ref() != Some(&fresh)) == Some(true) {
                questions.try_set(Some(fresh));
            }
        });
    });

    let question = move |index: usize| {
        questions.with_untracked(|q| {
            q.as_ref()
                .and_then(|q| q.as_ref().ok())
                .and_then(|q| q.questions.get(index).cloned())
        })
    };
    let open = Callback::new(move |index: usize| {
        if let Some(q) = question(index) {
            ui.open(q.circle, q.topic);
        }
    });
    let total = move || {
        questions.with_untracked(|q| {
            q.as_ref()
                .and_then(|q| q.as_ref().ok())
                .map_or(0, |q| q.questions.len())
        })
    };
    follow_keys(View::MyQuestions, list, selected, total, move |i| {
        open.run(i)
    });

    // Loading, failed, empty or listed: the list itself is rebuilt only when this changes.
    let shape = Memo::new(move |_| {
        questions.with(|q| {
            q.as_ref().map(|q| {
                q.as_ref()
                    .map(|q| q.questions.is_empty())
                    .map_err(Clone::clone)
            })
        })
    });
    let rows = move || {
        questions.with(|q| match q {
            Some(Ok(q)) => q.questions.iter().cloned().enumerate().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    view! {
        <section
            class="list-page"
            id="my-questions"
            data-page="my-questions"
            aria-labelledby="my-questions-heading"
        >
            <header class="list-head">
                <h2 id="my-questions-heading">{move || t().my_questions_title}</h2>
                <div class="list-actions">
                    <button
                        id="questions-inbox"
                        class="ghost"
                        data-enter=""
                        on:click=move |_| ui.view.set(View::Inbox)
                    >
                        {move || t().inbox_title}
                    </button>
                </div>
            </header>
            {move || match shape.get() {
                None => view! { <p class="muted list-note">{t().loading}</p> }.into_any(),
                Some(Err(err)) => view! { <p class="error list-note"><ErrorText error=err /></p> }.into_any(),
                Some(Ok(true)) => view! { <p class="empty" id="my-questions-empty">{t().my_questions_empty}</p> }.into_any(),
                Some(Ok(false)) => {
                    view! {
                        <ol class="list-rows" node_ref=list>
                            <For
                                each=rows
                                key=|(i, q)| (*i, q.topic, q.answered, q.answer.clone())
                                children=move |(i, q)| view! { <QuestionRow index=i question=q selected=selected open=open /> }
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
fn QuestionRow(
    index: usize,
    question: MyQuestionDto,
    selected: RwSignal<usize>,
    open: Callback<usize>,
) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let MyQuestionDto {
        topic,
        circle_name,
        question,
        asked_of,
        asked_ms,
        answered,
        answer,
        ..
    } = question;
    let asked_at = move || {
        // Re-read on every status change, so "3 分钟前" moves on while the page is open.
        ui.status.track();
        let when = format::relative_time(
            ui.locale.get(),
            js_sys::Date::now() as i64,
            asked_ms,
            tz_offset_min(),
        );
        format::fill(t().asked_at, &when)
    };
    let asked_of = asked_of
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .map(|name| {
            view! {
                " · "
                <span data-field="asked-of">{move || format::fill(t().asked_of, &name)}</span>
            }
        });
    let answer = answer.filter(|a| !a.trim().is_empty()).map(|answer| {
        view! {
            <span class="list-line muted" data-field="answer">
                <span class="kind">{move || t().role_answer}</span>
                " "
                <bdi>{answer}</bdi>
            </span>
        }
    });
    view! {
        <li
            class="list-row question-row"
            class:selected=move || selected.get() == index
            data-question-topic=topic.to_string()
            data-answered=answered.to_string()
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
                    <span class="tag" class:waiting=!answered data-field="answered">
                        {move || if answered { t().answered } else { t().unanswered }}
                    </span>
                    <bdi class="list-title" data-field="question">{question}</bdi>
                </span>
                <span class="list-line muted list-meta">
                    <bdi data-field="circle">{circle_name}</bdi>
                    {asked_of}
                    " · "
                    <time title=format::full_time(asked_ms, tz_offset_min())>{asked_at}</time>
                </span>
                {answer}
            </button>
        </li>
    }
}
