//! 已保存 / Saved: documents imported from outside the circles. The list (newest saved first,
//! j/k and Enter like a timeline) beside the reader, which shows the document as the core
//! rendered and sanitized it, its highlights and notes, and a link to the original; and the
//! import form, which takes a path of a file or folder (several, one per line), or what was
//! dropped on the window, and says what came in and what did not, file by file.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::components::list_keys::follow_keys_with;
use crate::format::{self, tz_offset_min};
use crate::keys::Action;
use crate::state::{View, ui};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::IpcError;
use orrery_ipc::commands::{
    DocumentArgs, DocumentDto, DocumentRowDto, Documents, DocumentsArgs, DocumentsDto, ImportArgs,
    ImportDocuments, ImportDoneDto, OpenDocument, RemoveDocument,
};
use orrery_ipc::id::DocumentId;

/// The rows fetched at once; a library of thousands scrolls through pages of this.
const PAGE: u32 = 500;

#[component]
pub fn DocumentsPage() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let list = RwSignal::new(None::<Result<DocumentsDto, IpcError>>);
    let selected = RwSignal::new(0_usize);
    let rows_ref = NodeRef::<html::Ul>::new();
    let reload = move || {
        spawn_local(async move {
            let fresh = api::invoke::<Documents>(&DocumentsArgs {
                offset: 0,
                limit: PAGE,
            })
            .await;
            if let Ok(page) = &fresh
                && ui.document.get_untracked().is_none()
                && let Some(first) = page.documents.first()
            {
                ui.document.set(Some(first.id));
            }
            list.try_set(Some(fresh));
        });
    };
    reload();
    let rows = move || {
        list.with(|l| match l {
            Some(Ok(l)) => l.documents.iter().cloned().enumerate().collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    };
    let total = move || {
        list.with_untracked(|l| {
            l.as_ref()
                .and_then(|l| l.as_ref().ok())
                .map_or(0, |l| l.documents.len())
        })
    };
    follow_keys_with(
        View::Documents,
        rows_ref,
        selected,
        total,
        move |action, at| {
            if let (Action::Open, Some(at)) = (action, at) {
                let id = list.with_untracked(|l| {
                    l.as_ref()
                        .and_then(|l| l.as_ref().ok())
                        .and_then(|l| l.documents.get(at).map(|d| d.id))
                });
                if id.is_some() {
                    ui.document.set(id);
                }
            }
        },
    );

    view! {
        <section class="timeline documents" id="documents" data-page="documents" aria-labelledby="documents-heading">
            <header class="list-head documents-head">
                <h2 id="documents-heading">{move || t().documents_title}</h2>
                {move || list.with(|l| match l {
                    Some(Ok(l)) => Some(view! { <span class="muted" data-field="documents-total">{l.total}</span> }),
                    _ => None,
                })}
            </header>
            <ImportForm on_done=Callback::new(move |()| reload()) />
            <ul class="document-rows" node_ref=rows_ref>
                {move || match list.with(|l| l.as_ref().map(|l| l.as_ref().map(|l| l.documents.len()).map_err(Clone::clone))) {
                    None => view! { <li class="muted list-note">{t().loading}</li> }.into_any(),
                    Some(Err(err)) => view! { <li class="error list-note"><ErrorText error=err /></li> }.into_any(),
                    Some(Ok(0)) => view! { <li class="empty" id="documents-empty">{t().documents_empty}</li> }.into_any(),
                    Some(Ok(_)) => view! {
                        <For
                            each=rows
                            key=|(i, row)| (*i, row.id)
                            children=move |(i, row)| view! { <DocumentRow index=i row=row selected=selected /> }
                        />
                    }.into_any(),
                }}
            </ul>
        </section>
        <section class="reader" id="document-reader">
            {move || match ui.document.get() {
                Some(id) => view! { <DocumentView id=id on_removed=Callback::new(move |()| { ui.document.set(None); reload(); }) /> }.into_any(),
                None => view! { <p class="muted empty">{t().documents_pick}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn DocumentRow(index: usize, row: DocumentRowDto, selected: RwSignal<usize>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let id = row.id;
    let when = format::relative_time(
        ui.locale.get_untracked(),
        js_sys::Date::now() as i64,
        row.saved_ms,
        tz_offset_min(),
    );
    let highlights = row.highlights;
    view! {
        <li
            class="document-row"
            class:selected=move || selected.get() == index
            class:open=move || ui.document.get() == Some(id)
            data-document-id=id.to_string()
            data-index=index
            on:click=move |_| {
                selected.set(index);
                ui.document.set(Some(id));
            }
        >
            <p class="row-title"><bdi>{row.title}</bdi></p>
            <p class="excerpt">{row.excerpt}</p>
            <p class="row-meta muted">
                {row.site.map(|s| view! { <bdi>{s}</bdi> " · " })}
                {row.author.map(|a| view! { <bdi>{a}</bdi> " · " })}
                {when}
                {(highlights > 0).then(|| view! { " · " {move || format::fill(t().documents_highlight_count, &highlights.to_string())} })}
            </p>
        </li>
    }
}

#[component]
fn DocumentView(id: DocumentId, on_removed: Callback<()>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let doc = RwSignal::new(None::<Result<DocumentDto, IpcError>>);
    spawn_local(async move {
        let fresh = api::invoke::<OpenDocument>(&DocumentArgs { document: id }).await;
        doc.try_set(Some(fresh));
    });
    let remove = move |_| {
        spawn_local(async move {
            match api::invoke::<RemoveDocument>(&DocumentArgs { document: id }).await {
                Ok(()) => on_removed.run(()),
                Err(err) => {
                    doc.try_set(Some(Err(err)));
                }
            }
        });
    };
    move || match doc.get() {
        None => view! { <p class="muted">{t().loading}</p> }.into_any(),
        Some(Err(err)) => view! { <p class="error"><ErrorText error=err /></p> }.into_any(),
        Some(Ok(d)) => {
            let saved = format::relative_time(
                ui.locale.get_untracked(),
                js_sys::Date::now() as i64,
                d.saved_ms,
                tz_offset_min(),
            );
            view! {
                <article class="topic document" data-document-id=d.id.to_string()>
                    <h1 class="topic-title"><bdi>{d.title.clone()}</bdi></h1>
                    <p class="muted document-meta">
                        {d.site.clone().map(|s| view! { <bdi>{s}</bdi> " · " })}
                        {d.author.clone().map(|a| view! { <bdi>{a}</bdi> " · " })}
                        {saved}
                        {d.url.clone().map(|url| view! { " · " <a class="zsxq-link external" id="document-original" href=url>{move || t().documents_original}</a> })}
                    </p>
                    {(!d.highlights.is_empty()).then(|| view! {
                        <aside class="highlights" id="document-highlights">
                            <h2 class="part-head">{move || t().documents_highlights}</h2>
                            {d.highlights.iter().map(|h| view! {
                                <blockquote class="highlight">
                                    <p>{h.quote.clone()}</p>
                                    {h.note.clone().map(|n| view! { <p class="note muted">{n}</p> })}
                                </blockquote>
                            }).collect_view()}
                        </aside>
                    })}
                    // Sanitized by the core (the article allow-list and <mark>).
                    <div class="rich document-body" inner_html=d.html.clone()></div>
                    <p class="muted document-origin">
                        {move || t().documents_origin} " " <bdi>{d.origin.clone()}</bdi>
                    </p>
                    <button id="document-remove" class="ghost" on:click=remove>{move || t().documents_remove}</button>
                </article>
            }
            .into_any()
        }
    }
}

/// The import form: closed to a button, open to a path field.
#[component]
fn ImportForm(on_done: Callback<()>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let open = RwSignal::new(false);
    let paths = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<Result<ImportDoneDto, IpcError>>);
    let run = move |list: Vec<String>| {
        if list.is_empty() || busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::invoke::<ImportDocuments>(&ImportArgs { paths: list }).await;
            busy.try_set(false);
            if result.is_ok() {
                on_done.run(());
            }
            done.try_set(Some(result));
        });
    };
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let list = paths
            .get_untracked()
            .lines()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect();
        run(list);
    };
    // Files dropped on the window: shown in the field and imported at once.
    Effect::new(move |_| {
        if let Some(list) = ui.dropped.get() {
            ui.dropped.set(None);
            paths.set(list.join("\n"));
            open.set(true);
            run(list);
        }
    });
    let summary = move |d: &ImportDoneDto| {
        let mut text = t().documents_import_done.to_owned();
        for n in [d.added, d.updated, d.unchanged, d.failed.len() as u64] {
            text = format::fill(&text, &n.to_string());
        }
        text
    };
    view! {
        <div class="import">
            <button id="documents-import" class="ghost" aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|o| *o = !*o)>
                {move || t().documents_import}
            </button>
            <Show when=move || open.get()>
                <form class="import-form" on:submit=submit>
                    <p class="muted list-note">{move || t().documents_import_hint}</p>
                    <label>
                        {move || t().documents_import_path}
                        <textarea id="documents-import-path" rows="2" spellcheck="false"
                            prop:value=move || paths.get()
                            on:input=move |e| paths.set(event_target_value(&e))></textarea>
                    </label>
                    <button id="documents-import-go" type="submit" disabled=move || busy.get()>
                        {move || if busy.get() { t().documents_importing } else { t().documents_import_go }}
                    </button>
                </form>
            </Show>
            {move || done.get().map(|d| match d {
                Ok(d) => view! {
                    <div class="import-done" id="documents-import-done" data-added=d.added.to_string()>
                        <p>{summary(&d)}</p>
                        <ul class="import-issues">
                            {d.failed.iter().chain(&d.warnings).map(|i| view! {
                                <li class="muted"><bdi>{i.path.clone()}</bdi> ": " {i.reason.clone()}</li>
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                Err(err) => view! { <p class="error"><ErrorText error=err /></p> }.into_any(),
            })}
        </div>
    }
}
