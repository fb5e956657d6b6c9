//! The screen after signing in: what to mirror of each joined circle, with its size and how
//! long each choice takes, while the first sync is already fetching the newest posts. The
//! choices are the Settings ones ([`MirrorChoices`]); "Done" leads to the reader.

use crate::pages::settings::MirrorChoices;
use crate::state::{View, ui};
use leptos::prelude::*;

#[component]
pub fn Setup() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    view! {
        <section class="settings setup" id="mirror-setup">
            <h2>{move || t().setup_title}</h2>
            <p>{move || t().setup_intro}</p>
            <Show when=move || ui.circles().is_empty()>
                <p class="muted">{move || t().loading}</p>
            </Show>
            <MirrorChoices />
            <button class="primary done" id="setup-done" on:click=move |_| ui.view.set(View::Reading)>
                {move || t().setup_done}
            </button>
        </section>
    }
}
