//! One search result: its kind and title, the snippet with the matched words marked (text
//! nodes and `<mark>`, never markup from the index), where and when, and whether its topic
//! was deleted on 知识星球; a click opens it.

use crate::format::{self, tz_offset_min};
use crate::i18n::Texts;
use crate::state::ui;
use leptos::prelude::*;
use orrery_ipc::commands::SearchHitDto;

/// The label of a hit's kind.
fn hit_kind(t: &Texts, kind: &str) -> &'static str {
    match kind {
        "question" => t.hit_question,
        "answer" => t.hit_answer,
        "article" => t.hit_article,
        "task" => t.hit_task,
        "solution" => t.hit_solution,
        "comment" => t.hit_comment,
        "document" => t.hit_document,
        _ => t.hit_talk,
    }
}

/// Hit `index` of a list whose keyboard selection is `selected`.
#[component]
pub fn Hit(index: usize, hit: SearchHitDto, selected: RwSignal<usize>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let runs = format::marked_runs(&hit.snippet, &hit.marks);
    let when = format::relative_time(
        ui.locale.get_untracked(),
        js_sys::Date::now() as i64,
        hit.time_ms,
        tz_offset_min(),
    );
    let kind = hit.kind.clone();
    let target = hit.clone();
    view! {
        <li
            class="hit"
            class:selected=move || selected.get() == index
            data-topic-id=hit.topic_id.to_string()
            on:click=move |_| {
                ui.open_hit(&target)
            }
            on:mousemove=move |_| selected.set(index)
        >
            <p class="hit-title">
                <span class="kind">{move || hit_kind(t(), &kind)}</span>
                " "
                {hit.deleted.then(|| view! { <span class="tag deleted" data-field="deleted">{move || t().deleted}</span> " " })}
                <bdi>{hit.title.clone()}</bdi>
            </p>
            <p class="snippet">
                {runs
                    .into_iter()
                    .map(|(text, marked)| if marked { view! { <mark>{text}</mark> }.into_any() } else { text.into_any() })
                    .collect_view()}
            </p>
            <p class="muted hit-meta">
                {hit.document_id.is_some().then(|| view! { <span data-field="saved-source">{move || t().documents_title}</span> " · " })}
                <bdi>{hit.circle.clone()}</bdi> " · " <bdi>{hit.author.clone()}</bdi> " · " {when}
            </p>
        </li>
    }
}
