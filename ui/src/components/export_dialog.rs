//! "导出… / Export…": a button that opens a small dialog to export what is on screen (the
//! circle's tab and filter, or a search) as a Markdown vault, one HTML file or JSON lines, with
//! a progress count and cancel. The shell writes into Documents/Orrery and shows the result in
//! the file manager; the dialog says where, how many files changed, and the images left out.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::format;
use crate::state::ui;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{CancelExport, ExportDoneDto, ExportFormatDto, ExportScopeDto};
use orrery_ipc::{IpcError, NoArgs};

/// Where the dialog stands.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stage {
    Choosing,
    Running(u64),
    Done(ExportDoneDto),
    Cancelled,
    Failed(IpcError),
}

/// The button and its dialog; `scope` is what would be exported now (`None`: nothing to).
#[component]
pub fn ExportButton(#[prop(into)] scope: Signal<Option<ExportScopeDto>>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let open = RwSignal::new(false);
    let format = RwSignal::new(ExportFormatDto::Markdown);
    let stage = RwSignal::new(Stage::Choosing);
    let running = move || matches!(stage.get(), Stage::Running(_));
    let start = move |_| {
        let Some(scope) = scope.get_untracked() else {
            return;
        };
        stage.set(Stage::Running(0));
        spawn_local(async move {
            let progress = move |p: orrery_ipc::commands::ExportProgressDto| {
                if matches!(stage.get_untracked(), Stage::Running(_)) {
                    stage.try_set(Stage::Running(p.done));
                }
            };
            let done = api::export(scope, format.get_untracked(), progress).await;
            stage.try_set(match done {
                Ok(done) if done.cancelled => Stage::Cancelled,
                Ok(done) => Stage::Done(done),
                Err(err) => Stage::Failed(err),
            });
        });
    };
    let cancel = move |_| {
        spawn_local(async move {
            let _ = api::invoke::<CancelExport>(&NoArgs {}).await;
        });
    };
    let close = move |_| {
        open.set(false);
        stage.set(Stage::Choosing);
    };
    let choice = move |value: ExportFormatDto,
                       id: &'static str,
                       label: fn(&crate::i18n::Texts) -> &'static str| {
        view! {
            <label class="radio">
                <input
                    type="radio"
                    name="export-format"
                    id=id
                    prop:checked=move || format.get() == value
                    prop:disabled=running
                    on:change=move |_| format.set(value)
                />
                {move || label(t())}
            </label>
        }
    };
    view! {
        <button
            class="ghost"
            id="export-open"
            prop:disabled=move || scope.get().is_none()
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {move || t().export_button}
        </button>
        <Show when=move || open.get()>
            <div class="export-dialog" id="export-dialog" role="dialog" aria-labelledby="export-heading">
                <h3 id="export-heading">{move || t().export_title}</h3>
                <p class="muted hint-text">{move || t().export_hint}</p>
                <fieldset class="export-formats">
                    {choice(ExportFormatDto::Markdown, "export-markdown", |t| t.export_markdown)}
                    {choice(ExportFormatDto::Html, "export-html", |t| t.export_html)}
                    {choice(ExportFormatDto::Epub, "export-epub", |t| t.export_epub)}
                    {choice(ExportFormatDto::Jsonl, "export-jsonl", |t| t.export_jsonl)}
                </fieldset>
                <p class="export-status" id="export-status" aria-live="polite">
                    {move || match stage.get() {
                        Stage::Choosing => ().into_any(),
                        Stage::Running(n) => view! {
                            <span data-state="running">{format::fill(t().export_progress, &n.to_string())}</span>
                        }
                        .into_any(),
                        Stage::Done(done) => {
                            let missing = (done.images_missing > 0).then(|| {
                                format::fill(t().export_images_missing, &done.images_missing.to_string())
                            });
                            view! {
                                <span data-state="done" data-topics=done.topics.to_string() data-written=done.written.to_string()>
                                    {format::fill(t().export_done, &done.path)}
                                    <br />
                                    {format::fill(t().export_counts, &done.written.to_string())}
                                    {missing.map(|m| view! { <br /> {m} })}
                                </span>
                            }
                            .into_any()
                        }
                        Stage::Cancelled => view! { <span data-state="cancelled">{t().export_cancelled}</span> }.into_any(),
                        Stage::Failed(err) => view! { <span data-state="failed" class="error"><ErrorText error=err /></span> }.into_any(),
                    }}
                </p>
                <div class="actions">
                    <Show
                        when=running
                        fallback=move || view! {
                            <button class="primary" id="export-start" on:click=start>{move || t().export_start}</button>
                            <button class="ghost" id="export-close" on:click=close>{move || t().export_close}</button>
                        }
                    >
                        <button class="ghost" id="export-cancel" on:click=cancel>{move || t().export_cancel}</button>
                    </Show>
                </div>
            </div>
        </Show>
    }
}
