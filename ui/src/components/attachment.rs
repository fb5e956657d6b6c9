//! An attachment of a post: name, size, and "Save to Downloads" (docs/ui.md).

use crate::api;
use crate::components::error_text::ErrorText;
use crate::format;
use crate::state::ui;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::commands::{FileArgs, FileDto, SaveFile};

/// Where saving an attachment stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Saving {
    Idle,
    Busy,
    Saved(String),
    Failed(IpcError),
}

/// An attachment: its name and size, and a button that saves it into the downloads folder
/// (downloaded on demand: the sync never fetches files, see docs/ui.md).
#[component]
pub fn FileRow(file: FileDto) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let saving = RwSignal::new(Saving::Idle);
    let size = file.size.map(format::file_size).unwrap_or_default();
    let id = file.id;
    let save = move |_| {
        if saving.get_untracked() == Saving::Busy {
            return;
        }
        saving.set(Saving::Busy);
        let file = id;
        spawn_local(async move {
            saving.set(match api::invoke::<SaveFile>(&FileArgs { file }).await {
                Ok(path) => Saving::Saved(path),
                Err(err) => Saving::Failed(err),
            });
        });
    };
    view! {
        <li data-file-id=file.id.to_string()>
            <span class="file-name">{file.name.clone()}</span>
            <span class="muted">{size}</span>
            <button
                class="ghost file-save"
                disabled=move || saving.get() == Saving::Busy
                on:click=save
            >
                {move || if saving.get() == Saving::Busy { t().file_saving } else { t().file_save }}
            </button>
            {move || match saving.get() {
                Saving::Saved(path) => view! {
                    <span class="file-status saved" title=path.clone()>{t().file_saved} {path.clone()}</span>
                }.into_any(),
                // The core's detail matters here: a file only the mobile app may fetch says so.
                Saving::Failed(err) => view! {
                    <span class="file-status error" role="alert"><ErrorText error=err detail=true /></span>
                }.into_any(),
                Saving::Idle | Saving::Busy => ().into_any(),
            }}
        </li>
    }
}
