//! "同步范围 / What to mirror": per circle, all of it, the last months, or nothing (listed, not
//! synced), each choice with what it costs: the circle's size as the service tells it and how
//! long fetching the rest takes at the pace the sync measures (the core's `mirror_plan`). The
//! core keeps the choice with the archive; the sync in progress restarts on it a moment after
//! the last change, and deletes nothing already archived. Shown in Settings and on the screen
//! after sign-in.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::state::{Ui, ui};
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{
    ChoiceDto, CirclePlanDto, MirrorArgs, MirrorDto, MirrorPlan, MirrorPlanDto, SetMirror,
};
use orrery_ipc::id::CircleId;
use orrery_ipc::{IpcError, NoArgs};

#[component]
pub fn MirrorChoices() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let plan = RwSignal::new(None::<MirrorPlanDto>);
    let error = RwSignal::new(None::<IpcError>);
    // Asked again as the sync's estimate moves (sizes arrive, the pace is measured) and after
    // every change of a choice.
    let changed = RwSignal::new(0_u32);
    let moved = Memo::new(move |_| {
        ui.status
            .with(|s| s.as_ref().map(|s| (s.remaining_ms, s.backlog.len())))
    });
    Effect::new(move |_| {
        moved.track();
        changed.track();
        ui.counts_changed.track();
        spawn_local(async move {
            let fresh = api::invoke::<MirrorPlan>(&NoArgs {}).await;
            // The page may have closed meanwhile (`try_`: its signals are gone then).
            match fresh {
                Ok(fresh) => {
                    if plan.try_with_untracked(|old| old.as_ref() != Some(&fresh)) == Some(true) {
                        plan.try_set(Some(fresh));
                    }
                }
                Err(err) => {
                    error.try_set(Some(err));
                }
            }
        });
    });
    // Rows are keyed by the circle and its choice, so a new estimate changes their words, not
    // the rows themselves (a select the member has open stays open).
    let rows = Memo::new(move |_| {
        plan.with(|p| {
            p.as_ref()
                .map(|p| {
                    p.circles
                        .iter()
                        .map(|c| (c.id, c.mirror))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let circle = move |id: CircleId| {
        plan.with(|p| {
            p.as_ref()
                .and_then(|p| p.circles.iter().find(|c| c.id == id).cloned())
        })
    };
    view! {
        <Show when=move || rows.with(|r| !r.is_empty())>
            <fieldset class="mirror-choices" id="mirror-choices">
                <legend>{move || t().mirror_title}</legend>
                <small class="muted">{move || t().mirror_hint}</small>
                <ul class="circle-switch-list">
                    <For
                        each=move || rows.get()
                        key=|row| *row
                        children=move |(id, mirror)| {
                            let name = circle(id).map(|c| c.name).unwrap_or_default();
                            let row = Signal::derive(move || circle(id));
                            view! { <MirrorChoice id name mirror row error changed /> }
                        }
                    />
                </ul>
                <p class="mirror-total" id="mirror-total">{move || plan.with(|p| p.as_ref().map(|p| total(ui, p)))}</p>
                <small class="muted" id="mirror-pace">
                    {move || plan.with(|p| p.as_ref().and_then(|p| pace(ui, p.request_ms)))}
                </small>
                <Show when=move || error.get().is_some()>
                    <p class="error">{move || error.get().map(|e| view! { <ErrorText error=e /> })}</p>
                </Show>
            </fieldset>
        </Show>
    }
}

#[component]
fn MirrorChoice(
    id: CircleId,
    name: String,
    mirror: MirrorDto,
    row: Signal<Option<CirclePlanDto>>,
    error: RwSignal<Option<IpcError>>,
    changed: RwSignal<u32>,
) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let change = move |e: leptos::ev::Event| {
        let Some(mirror) = parse(&event_target_value(&e)) else {
            return;
        };
        spawn_local(async move {
            match api::invoke::<SetMirror>(&MirrorArgs { circle: id, mirror }).await {
                Ok(()) => {
                    error.set(None);
                    changed.update(|n| *n = n.wrapping_add(1));
                    ui.counts_may_have_changed();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let size = move || {
        let row = row.get()?;
        Some(match row.topics {
            Some(total) => t()
                .mirror_size
                .replace("{archived}", &row.archived.to_string())
                .replace("{total}", &total.to_string()),
            None => t().mirror_size_unknown.to_owned(),
        })
    };
    let offered: Vec<MirrorDto> = row
        .get_untracked()
        .map(|r| r.choices.iter().map(|c| c.mirror).collect())
        .unwrap_or_default();
    let options = offered
        .into_iter()
        .map(|choice| {
            let label = move || {
                let priced = row
                    .get()
                    .and_then(|r| r.choices.into_iter().find(|c| c.mirror == choice));
                match priced {
                    Some(priced) => format!("{} · {}", label(ui, choice), cost(ui, &priced)),
                    None => label(ui, choice),
                }
            };
            view! { <option value=value_of(choice)>{label}</option> }
        })
        .collect_view();
    view! {
        <li data-circle=id.to_string()>
            <bdi class="circle-name">{name}</bdi>
            <span class="muted" data-field="size">{size}</span>
            <select data-field="mirror" prop:value=value_of(mirror) on:change=change>
                {options}
            </select>
        </li>
    }
}

/// A choice in words: everything, the last N months, not synced.
fn label(ui: Ui, mirror: MirrorDto) -> String {
    let t = ui.t();
    match mirror {
        MirrorDto::All => t.mirror_all.to_owned(),
        MirrorDto::Months { months } => t.mirror_months.replace("{n}", &months.to_string()),
        MirrorDto::Nothing => t.mirror_nothing.to_owned(),
    }
}

/// What a choice still takes: complete, about some time, or nothing to say yet.
fn cost(ui: Ui, choice: &ChoiceDto) -> String {
    let (t, words) = (ui.t(), ui.t().words);
    match (choice.requests, choice.remaining_ms) {
        (Some(0), _) => t.mirror_complete.to_owned(),
        (Some(_), Some(ms)) => words.left(ms),
        _ => "…".to_owned(),
    }
}

/// The time everything chosen takes, once every circle's size is known.
fn total(ui: Ui, plan: &MirrorPlanDto) -> String {
    let t = ui.t();
    let chosen: Option<(u64, u64)> = plan
        .circles
        .iter()
        .map(|c| {
            let choice = c.choices.iter().find(|choice| choice.mirror == c.mirror)?;
            choice.requests.zip(choice.remaining_ms)
        })
        .try_fold((0, 0), |(requests, ms), one| {
            one.map(|(r, m)| (requests + r, ms + m))
        });
    match chosen {
        Some((0, _)) => t.mirror_complete.to_owned(),
        Some((_, ms)) => t.mirror_total.replace("{t}", &t.words.left(ms)),
        None => t.mirror_total_unknown.to_owned(),
    }
}

/// The pace the times assume; nothing against an unpaced simulator (the demo), which has none.
fn pace(ui: Ui, request_ms: u64) -> Option<String> {
    let seconds = format!("{:.1}", request_ms as f64 / 1000.0);
    (request_ms >= 100).then(|| ui.t().mirror_pace.replace("{s}", &seconds))
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
