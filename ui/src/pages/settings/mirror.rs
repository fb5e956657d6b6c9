//! "同步范围 / What to mirror": per circle of the archive, all of it, the last months, or
//! nothing (listed, not synced). The core keeps the choice with the archive; the sync follows
//! from its next run and deletes nothing already archived.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::state::ui;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::commands::{CircleDto, MirrorArgs, MirrorDto, SetMirror};

/// The months offered besides all and nothing.
const MONTHS: [u32; 4] = [12, 6, 3, 1];

#[component]
pub fn MirrorChoices() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let circles = Memo::new(move |_| ui.circles());
    let error = RwSignal::new(None::<IpcError>);
    view! {
        <Show when=move || !circles.with(Vec::is_empty)>
            <fieldset class="mirror-choices" id="mirror-choices">
                <legend>{move || t().mirror_title}</legend>
                <small class="muted">{move || t().mirror_hint}</small>
                <ul class="circle-switch-list">
                    <For
                        each=move || circles.get()
                        key=|c| (c.id, c.name.clone(), c.mirror)
                        children=move |c: CircleDto| view! { <MirrorChoice circle=c error=error /> }
                    />
                </ul>
                <Show when=move || error.get().is_some()>
                    <p class="error">{move || error.get().map(|e| view! { <ErrorText error=e /> })}</p>
                </Show>
            </fieldset>
        </Show>
    }
}

#[component]
fn MirrorChoice(circle: CircleDto, error: RwSignal<Option<IpcError>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let id = circle.id;
    let current = value_of(circle.mirror);
    let change = move |e: leptos::ev::Event| {
        let Some(mirror) = parse(&event_target_value(&e)) else {
            return;
        };
        spawn_local(async move {
            match api::invoke::<SetMirror>(&MirrorArgs { circle: id, mirror }).await {
                Ok(()) => {
                    error.set(None);
                    ui.counts_may_have_changed();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    view! {
        <li data-circle=id.to_string()>
            <bdi class="circle-name">{circle.name}</bdi>
            <select data-field="mirror" prop:value=current on:change=change>
                <option value="all">{move || t().mirror_all}</option>
                {MONTHS
                    .iter()
                    .map(|&n| {
                        view! {
                            <option value=n.to_string()>
                                {move || t().mirror_months.replace("{n}", &n.to_string())}
                            </option>
                        }
                    })
                    .collect_view()}
                <option value="nothing">{move || t().mirror_nothing}</option>
            </select>
        </li>
    }
}

fn value_of(mirror: MirrorDto) -> String {
    match mirror {
        MirrorDto::All => "all".to_owned(),
        MirrorDto::Months { months } => months.to_string(),
        MirrorDto::Nothing => "nothing".to_owned(),
    }
}

fn parse(value: &str) -> Option<MirrorDto> {
    match value {
        "all" => Some(MirrorDto::All),
        "nothing" => Some(MirrorDto::Nothing),
        months => months
            .parse()
            .ok()
            .map(|months| MirrorDto::Months { months }),
    }
}
