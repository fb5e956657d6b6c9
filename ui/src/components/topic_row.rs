//! One timeline row: kind, tags, title, excerpt, author, time and counts, at a computed
//! position (rows are a fixed height, see `timeline_window`); a click opens the topic. A topic
//! deleted on 知识星球 is marked (its tooltip says when that was noticed), an edited one too.

use crate::format::{self, tz_offset_min};
use crate::state::ui;
use crate::timeline_window::ROW_HEIGHT;
use leptos::prelude::*;
use orrery_ipc::commands::{TopicKindDto, TopicRowDto};

/// Row `index` of the timeline, whose keyboard selection is `selected`.
#[component]
pub fn TopicRow(index: usize, row: TopicRowDto, selected: RwSignal<usize>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let id = row.id;
    let is_open = Memo::new(move |_| ui.topic.get() == Some(id));
    let picked = Memo::new(move |_| ui.picked.with(|p| p.contains(&id)));
    let open = {
        let (circle, id) = (row.circle_id, row.id);
        move |e: leptos::ev::MouseEvent| {
            selected.set(index);
            if e.ctrl_key() || e.meta_key() {
                ui.toggle_pick(id);
            } else {
                ui.open(circle, id);
            }
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
    let (deleted_at, edited) = (row.deleted_at_ms, row.edited);
    let deleted_title = move || {
        deleted_at
            .map(|ms| format::fill(t().deleted_notice, &format::full_time(ms, tz_offset_min())))
    };
    view! {
        <article
            class="row"
            data-topic-id=id.to_string()
            data-index=index
            data-kind=format!("{kind:?}").to_lowercase()
            class:unread=move || unread && !is_open.get()
            class:open=is_open
            class:selected=move || selected.get() == index
            class:deleted=deleted_at.is_some()
            class:picked=picked
            data-picked=move || picked.get().to_string()
            style:top=format!("{}px", index as f64 * ROW_HEIGHT)
            on:click=open
        >
            <div class="row-head">
                <Show when=move || picked.get()><span class="pick-mark" aria-hidden="true">"✓"</span></Show>
                <span class="kind">{kind_label}</span>
                <Show when=move || sticky><span class="tag">{move || t().sticky}</span></Show>
                <Show when=move || digest><span class="tag digest">{move || t().digest}</span></Show>
                <Show when=move || question>
                    <span class="tag">{move || if answered { t().answered } else { t().unanswered }}</span>
                </Show>
                <Show when=move || deleted_at.is_some()>
                    <span class="tag deleted" data-field="deleted" title=deleted_title>{move || t().deleted}</span>
                </Show>
                <Show when=move || edited>
                    <span class="tag edited" data-field="edited">{move || t().edited}</span>
                </Show>
                <span class="row-title">{row.title.clone()}</span>
            </div>
            <p class="excerpt">{row.excerpt.clone()}</p>
            <div class="row-meta muted">
                <bdi>{author}</bdi>
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
