//! Signing out, optionally deleting the local archive: the box names the archive's size, and
//! the button then asks once more before anything is deleted.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::format;
use crate::state::ui;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{ArchiveSize, SignOut, SignOutArgs};
use orrery_ipc::{IpcError, NoArgs};

#[component]
pub fn SignOutButton() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let delete = RwSignal::new(false);
    let armed = RwSignal::new(false);
    let size = RwSignal::new(None::<u64>);
    let error = RwSignal::new(None::<IpcError>);
    let size_text = move || size.get().map_or_else(|| "…".to_owned(), format::file_size);
    let toggle = move |e: leptos::ev::Event| {
        let on = event_target_checked(&e);
        delete.set(on);
        armed.set(false);
        if on {
            spawn_local(async move {
                size.set(api::invoke::<ArchiveSize>(&NoArgs {}).await.ok());
            });
        }
    };
    let click = move |_| {
        if delete.get_untracked() && !armed.get_untracked() {
            armed.set(true);
            return;
        }
        let delete_archive = delete.get_untracked();
        spawn_local(async move {
            match api::invoke::<SignOut>(&SignOutArgs { delete_archive }).await {
                Ok(info) => {
                    ui.switch_account(info);
                    ui.counts_may_have_changed();
                }
                Err(err) => error.set(Some(err)),
            }
        });
    };
    let label = move || {
        if armed.get() {
            format::fill(t().sign_out_confirm_delete, &size_text())
        } else {
            t().sign_out.to_owned()
        }
    };
    view! {
        <div class="sign-out">
            <button id="sign-out" class="ghost" class:danger=armed on:click=click>{label}</button>
            <label class="check">
                <input type="checkbox" id="sign-out-delete" prop:checked=delete on:change=toggle />
                <span data-field="archive-size">
                    {move || format::fill(t().sign_out_delete_archive, &size_text())}
                </span>
            </label>
            <Show when=move || error.get().is_some()>
                <p class="error">{move || error.get().map(|e| view! { <ErrorText error=e detail=true /> })}</p>
            </Show>
        </div>
    }
}
