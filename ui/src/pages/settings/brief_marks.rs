//! Settings' "Catch up" section: the authors and hashtags followed or muted in the brief, each
//! with a way to take it back, and a hashtag to follow or mute by name. What the brief's `m` and
//! `f` keys set is undone here after the page that set it is gone.

use crate::api;
use crate::state::ui;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::NoArgs;
use orrery_ipc::commands::{
    BriefMark, BriefMarkArgs, BriefMarkDto, BriefMarkEntryDto, BriefMarks, StanceDto,
};

#[component]
pub fn BriefMarkSettings() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let marks = RwSignal::new(Vec::<BriefMarkEntryDto>::new());
    let load = move || {
        spawn_local(async move {
            if let Ok(found) = api::invoke::<BriefMarks>(&NoArgs {}).await {
                marks.try_set(found.marks);
            }
        });
    };
    load();
    let set = move |mark: BriefMarkDto, stance: StanceDto| {
        spawn_local(async move {
            if api::invoke::<BriefMark>(&BriefMarkArgs { mark, stance })
                .await
                .is_ok()
            {
                load();
            }
        });
    };
    let tag = RwSignal::new(String::new());
    let tag_mark = move |stance: StanceDto| {
        move |_| {
            let name = tag
                .get_untracked()
                .trim()
                .trim_matches('#')
                .trim()
                .to_owned();
            if !name.is_empty() {
                set(BriefMarkDto::Tag { name }, stance);
                tag.set(String::new());
            }
        }
    };
    view! {
        <section class="settings-group" id="brief-settings" aria-labelledby="brief-settings-heading">
            <h3 id="brief-settings-heading">{move || t().brief_title}</h3>
            <p class="muted hint-text">{move || t().brief_marks_hint}</p>
            <ul class="brief-marks">
                {move || {
                    marks
                        .get()
                        .into_iter()
                        .map(|entry| {
                            let key = match &entry.mark {
                                BriefMarkDto::Author { id } => format!("author:{id}"),
                                BriefMarkDto::Tag { name } => format!("tag:{name}"),
                            };
                            let name = match &entry.mark {
                                BriefMarkDto::Author { .. } => entry.name.clone(),
                                BriefMarkDto::Tag { name } => format!("#{name}#"),
                            };
                            let following = entry.stance == StanceDto::Follow;
                            let mark = entry.mark.clone();
                            view! {
                                <li data-brief-mark=key data-stance=if following { "follow" } else { "mute" }>
                                    <bdi>{name}</bdi>
                                    " "
                                    <span class="tag">
                                        {move || if following { t().brief_marks_following } else { t().brief_marks_muted }}
                                    </span>
                                    " "
                                    <button class="link" on:click=move |_| set(mark.clone(), StanceDto::None)>
                                        {move || t().brief_marks_remove}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <p class="muted" id="brief-marks-empty" class:hidden=move || !marks.with(Vec::is_empty)>
                {move || t().brief_marks_empty}
            </p>
            <div class="row-inputs">
                <input
                    type="text"
                    id="brief-tag"
                    placeholder=move || t().brief_marks_tag_placeholder
                    prop:value=tag
                    on:input=move |e| tag.set(event_target_value(&e))
                />
                <button class="ghost" id="brief-tag-follow" on:click=tag_mark(StanceDto::Follow)>
                    {move || t().brief_marks_follow_tag}
                </button>
                <button class="ghost" id="brief-tag-mute" on:click=tag_mark(StanceDto::Mute)>
                    {move || t().brief_marks_mute_tag}
                </button>
            </div>
        </section>
    }
}
