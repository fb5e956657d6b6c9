//! Settings' "notifications" section: desktop notifications on or off, one switch per kind,
//! quiet hours, and per circle "mute" and "follow digests and the owner's posts". Each change
//! is saved at once through the settings flow, like the rest of the page.

use crate::format;
use crate::i18n::Texts;
use crate::state::ui;
use leptos::prelude::*;
use orrery_ipc::commands::{CircleDto, NotificationsDto, QuietHoursDto};
use orrery_ipc::id::CircleId;

/// The quiet hours offered when the member turns them on: 22:00 to 08:00.
const QUIET_DEFAULT: QuietHoursDto = QuietHoursDto {
    start_min: 22 * 60,
    end_min: 8 * 60,
};

/// Changes the notification settings with `f` and saves them.
fn update(f: impl FnOnce(&mut NotificationsDto)) {
    let ui = ui();
    let mut settings = ui.settings.get_untracked();
    f(&mut settings.notifications);
    ui.save_settings(settings);
}

#[component]
pub fn NotificationSettings() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let enabled = move || ui.settings.with(|s| s.notifications.enabled);
    view! {
        <section class="settings-group" id="notification-settings" aria-labelledby="notifications-heading">
            <h3 id="notifications-heading">{move || t().notifications_title}</h3>
            <p class="muted hint-text">{move || t().notifications_hint}</p>
            <label class="check">
                <input
                    type="checkbox"
                    id="notify-enabled"
                    prop:checked=enabled
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        update(|n| n.enabled = on);
                    }
                />
                <span>{move || t().notify_enabled}</span>
            </label>
            <fieldset class="checks" prop:disabled=move || !enabled()>
                <legend>{move || t().notify_kinds}</legend>
                <KindSwitch id="notify-answers" label=|t| t.notify_answers get=|n| n.answers set=|n, on| n.answers = on />
                <KindSwitch id="notify-questions-for-me" label=|t| t.notify_questions_for_me get=|n| n.questions_for_me set=|n, on| n.questions_for_me = on />
                <KindSwitch id="notify-replies" label=|t| t.notify_replies get=|n| n.replies set=|n, on| n.replies = on />
                <KindSwitch id="notify-mentions" label=|t| t.notify_mentions get=|n| n.mentions set=|n, on| n.mentions = on />
                <KindSwitch id="notify-comments" label=|t| t.notify_comments get=|n| n.comments set=|n, on| n.comments = on />
                <KindSwitch id="notify-digests" label=|t| t.notify_digests get=|n| n.digests set=|n, on| n.digests = on />
                <KindSwitch id="notify-owner-posts" label=|t| t.notify_owner_posts get=|n| n.owner_posts set=|n, on| n.owner_posts = on />
            </fieldset>
            <QuietHours />
            <CircleSwitches />
        </section>
    }
}

/// One kind's switch.
#[component]
fn KindSwitch(
    id: &'static str,
    label: fn(&Texts) -> &'static str,
    get: fn(&NotificationsDto) -> bool,
    set: fn(&mut NotificationsDto, bool),
) -> impl IntoView {
    let ui = ui();
    view! {
        <label class="check">
            <input
                type="checkbox"
                id=id
                prop:checked=move || ui.settings.with(|s| get(&s.notifications))
                on:change=move |e| {
                    let on = event_target_checked(&e);
                    update(|n| set(n, on));
                }
            />
            <span>{move || label(ui.t())}</span>
        </label>
    }
}

/// Quiet hours: a switch and the span's two ends as local times.
#[component]
fn QuietHours() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let quiet = move || ui.settings.with(|s| s.notifications.quiet_hours);
    // Turning them off and on again within a visit keeps the times the member chose.
    let last = StoredValue::new(quiet().unwrap_or(QUIET_DEFAULT));
    let shown = move || quiet().unwrap_or_else(|| last.get_value());
    let set_end = move |start: bool, value: String| {
        let Some(minutes) = format::parse_clock(&value) else {
            return;
        };
        let mut span = shown();
        if start {
            span.start_min = minutes;
        } else {
            span.end_min = minutes;
        }
        last.set_value(span);
        update(|n| n.quiet_hours = Some(span));
    };
    view! {
        <fieldset class="checks quiet-hours" prop:disabled=move || !ui.settings.with(|s| s.notifications.enabled)>
            <legend>{move || t().quiet_hours}</legend>
            <label class="check">
                <input
                    type="checkbox"
                    id="quiet-hours"
                    prop:checked=move || quiet().is_some()
                    on:change=move |e| {
                        let span = event_target_checked(&e).then(|| last.get_value());
                        update(|n| n.quiet_hours = span);
                    }
                />
                <span>{move || t().quiet_hours_on}</span>
            </label>
            <div class="times">
                <label>
                    <span>{move || t().quiet_hours_from}</span>
                    <input
                        type="time"
                        id="quiet-start"
                        prop:value=move || format::clock(shown().start_min)
                        prop:disabled=move || quiet().is_none()
                        on:change=move |e| set_end(true, event_target_value(&e))
                    />
                </label>
                <label>
                    <span>{move || t().quiet_hours_until}</span>
                    <input
                        type="time"
                        id="quiet-end"
                        prop:value=move || format::clock(shown().end_min)
                        prop:disabled=move || quiet().is_none()
                        on:change=move |e| set_end(false, event_target_value(&e))
                    />
                </label>
            </div>
            <small class="muted">{move || t().quiet_hours_hint}</small>
        </fieldset>
    }
}

/// Per circle of the archive: mute its notifications, follow its digests and owner's posts.
#[component]
fn CircleSwitches() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let circles = Memo::new(move |_| ui.circles());
    view! {
        <Show when=move || !circles.with(Vec::is_empty)>
            <fieldset class="checks circle-switches">
                <legend>{move || t().notify_circles}</legend>
                <ul class="circle-switch-list">
                    <For
                        each=move || circles.get()
                        key=|c| (c.id, c.name.clone())
                        children=move |c: CircleDto| view! { <CircleSwitch circle=c /> }
                    />
                </ul>
            </fieldset>
        </Show>
    }
}

#[component]
fn CircleSwitch(circle: CircleDto) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let id = circle.id;
    let muted = move || {
        ui.settings
            .with(|s| s.notifications.muted_circles.contains(&id))
    };
    let followed = move || {
        ui.settings
            .with(|s| s.notifications.followed_circles.contains(&id))
    };
    view! {
        <li data-circle=id.to_string()>
            <bdi class="circle-name">{circle.name}</bdi>
            <label class="check">
                <input
                    type="checkbox"
                    data-field="mute"
                    prop:checked=muted
                    // Muting decides only what interrupts, so it waits while notifications are off.
                    prop:disabled=move || !ui.settings.with(|s| s.notifications.enabled)
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        update(|n| toggle(&mut n.muted_circles, id, on));
                    }
                />
                <span>{move || t().notify_mute}</span>
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    data-field="follow"
                    prop:checked=followed
                    on:change=move |e| {
                        let on = event_target_checked(&e);
                        update(|n| toggle(&mut n.followed_circles, id, on));
                    }
                />
                <span>{move || t().notify_follow}</span>
            </label>
        </li>
    }
}

/// Puts `id` in `list` or takes it out, keeping the other circles (also those no longer in
/// the archive) as they were.
fn toggle(list: &mut Vec<CircleId>, id: CircleId, on: bool) {
    list.retain(|c| *c != id);
    if on {
        list.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_a_circle_keeps_the_others() {
        let (a, b, gone) = (CircleId::new(1), CircleId::new(2), CircleId::new(3));
        let mut list = vec![gone, a];
        toggle(&mut list, b, true);
        toggle(&mut list, b, true);
        assert_eq!(list, vec![gone, a, b]);
        toggle(&mut list, a, false);
        assert_eq!(list, vec![gone, b]);
    }
}
