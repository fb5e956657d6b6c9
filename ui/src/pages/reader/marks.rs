//! The reader's follow and mute buttons for the brief: the topic's author and each of its
//! hashtags, each with two toggles. Pressing the one already on takes the stance back, so the
//! buttons say what is in effect and undo it, like Settings' list of follows and mutes.

use crate::api;
use crate::state::ui;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{BriefMark, BriefMarkArgs, BriefMarkDto, BriefMarkEntryDto, StanceDto};

#[component]
pub fn BriefMarkButtons(marks: Vec<BriefMarkEntryDto>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    (!marks.is_empty()).then(|| {
        view! {
            <p class="reader-marks" id="reader-marks">
                <span class="muted">{move || t().brief_marks_reader} " "</span>
                {marks.into_iter().map(|entry| view! { <Entry entry=entry /> }).collect_view()}
            </p>
        }
    })
}

#[component]
fn Entry(entry: BriefMarkEntryDto) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let stance = RwSignal::new(entry.stance);
    let mark = entry.mark;
    let (key, name, tag) = match &mark {
        BriefMarkDto::Author { id } => (format!("author:{id}"), entry.name, false),
        BriefMarkDto::Tag { name } => (format!("tag:{name}"), format!("#{name}#"), true),
    };
    let button = move |want: StanceDto| {
        let mark = mark.clone();
        let on = move || stance.get() == want;
        let press = move |_| {
            let next = if stance.get_untracked() == want {
                StanceDto::None
            } else {
                want
            };
            let mark = mark.clone();
            spawn_local(async move {
                let args = BriefMarkArgs { mark, stance: next };
                if api::invoke::<BriefMark>(&args).await.is_ok() {
                    stance.set(next);
                }
            });
        };
        let label = move || match (want, tag) {
            (StanceDto::Follow, false) => t().brief_follow,
            (StanceDto::Follow, true) => t().brief_marks_follow_tag,
            (_, false) => t().brief_mute,
            (_, true) => t().brief_marks_mute_tag,
        };
        let action = if want == StanceDto::Follow {
            "follow"
        } else {
            "mute"
        };
        view! {
            <button class="ghost" data-action=action aria-pressed=move || on().to_string() on:click=press>
                {label}
            </button>
        }
    };
    view! {
        <span class="reader-mark" data-brief-mark=key>
            <bdi>{name}</bdi>
            " "
            {button(StanceDto::Follow)}
            {button(StanceDto::Mute)}
        </span>
    }
}
