//! One item of the brief: circle, kind, author and age on top, the reason it is listed (the
//! core's words, in the UI's language), the title and up to three lines of it; what concerns
//! the member stands out; its first cached images make a small strip. Under the pointer or the keyboard it offers the triage's actions,
//! each titled with its key. A noise item is the same row without them.

use crate::api;
use crate::format::{self, tz_offset_min};
use crate::keys::Action;
use crate::state::ui;
use leptos::prelude::*;
use orrery_ipc::commands::BriefItemDto;
use orrery_ipc::id::TopicId;
use orrery_ipc::media::MediaRef;

/// Item `item`, listed at `index` (`None` in the noise), whose keyboard selection is
/// `selected`; `act` takes an action on a topic (open, done, save, mute, follow).
#[component]
pub fn BriefItem(
    item: BriefItemDto,
    index: Signal<Option<usize>>,
    selected: RwSignal<usize>,
    act: Callback<(Action, TopicId)>,
) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let BriefItemDto {
        topic,
        circle_name,
        author,
        author_id,
        kind,
        title,
        extract,
        at_ms,
        why,
        mine,
        noise,
        saved,
        images,
        ..
    } = item;
    let in_noise = noise.is_some();
    let kind_label = move || kind_label(t(), &kind);
    let author = author
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty());
    let author = move || author.clone().unwrap_or_else(|| t().anonymous.to_owned());
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
    let title = title
        .filter(|t| !t.trim().is_empty())
        .map(|title| view! { <bdi class="list-line brief-title" data-field="title">{title}</bdi> });
    let extract = extract
        .into_iter()
        .filter(|line| !line.trim().is_empty())
        .take(3)
        .map(|line| view! { <bdi class="list-line brief-extract muted" data-field="extract">{line}</bdi> })
        .collect_view();
    let strip = (!images.is_empty()).then(|| {
        view! {
            <span class="brief-images" data-field="images">
                {images
                    .into_iter()
                    .map(|id| view! { <img src=api::media_url(MediaRef::Image(id)) alt="" loading="lazy" /> })
                    .collect_view()}
            </span>
        }
    });
    let select = move || {
        if let Some(at) = index.get_untracked() {
            selected.set(at);
        }
    };
    let run = move |action: Action| {
        move |_| {
            select();
            act.run((action, topic));
        }
    };
    let actions = (!in_noise).then(|| {
        let followable = author_id.is_some();
        view! {
            <div class="brief-actions">
                <button class="brief-act" data-act="done" data-enter="" title=move || t().brief_done_title on:click=run(Action::Done)>
                    {move || t().brief_done}
                </button>
                <button
                    class="brief-act"
                    data-act="save"
                    data-enter=""
                    aria-pressed=saved.to_string()
                    title=move || if saved { t().brief_unsave_title } else { t().brief_save_title }
                    on:click=run(Action::Save)
                >
                    {move || if saved { t().brief_unsave } else { t().brief_save }}
                </button>
                <Show when=move || followable>
                    <button class="brief-act" data-act="mute" data-enter="" title=move || t().brief_mute_title on:click=run(Action::Mute)>
                        {move || t().brief_mute}
                    </button>
                    <button class="brief-act" data-act="follow" data-enter="" title=move || t().brief_follow_title on:click=run(Action::Follow)>
                        {move || t().brief_follow}
                    </button>
                </Show>
            </div>
        }
    });
    view! {
        <li
            class="list-row brief-item"
            class:mine=mine
            class:noise=in_noise
            class:selected=move || !in_noise && index.get() == Some(selected.get())
            data-brief-topic=topic.to_string()
            data-mine=mine.to_string()
            data-saved=saved.to_string()
            data-noise=noise
            data-index=move || index.get().map(|i| i.to_string())
            on:focusin=move |_| select()
        >
            <button
                class="list-open"
                data-enter=""
                title=move || t().brief_open_title
                on:click=run(Action::Open)
            >
                <span class="list-line list-row-head">
                    <bdi class="list-circle" data-field="circle">{circle_name}</bdi>
                    <span class="kind" data-field="kind">{kind_label}</span>
                    <Show when=move || saved>
                        <span class="tag saved-mark" data-field="saved">{move || t().brief_saved_mark}</span>
                    </Show>
                    <bdi class="brief-author muted" data-field="author">{author}</bdi>
                    <time class="list-age muted" title=format::full_time(at_ms, tz_offset_min())>
                        {when}
                    </time>
                </span>
                {(!why.trim().is_empty()).then(|| view! { <span class="list-line brief-why" data-field="why">{why}</span> })}
                {title}
                {extract}
                {strip}
            </button>
            {actions}
        </li>
    }
}

/// The kind as the contract spells it (`talk`, `q&a`, `task`, `solution`), in words.
fn kind_label(t: &crate::i18n::Texts, kind: &str) -> &'static str {
    match kind {
        "talk" => t.kind_talk,
        "q&a" => t.kind_question,
        "task" => t.kind_task,
        "solution" => t.kind_solution,
        _ => t.kind_other,
    }
}
