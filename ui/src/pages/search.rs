//! Search, as a Ctrl/Cmd+K palette over any screen and as a page: results as you type, the
//! query's filters as chips, highlighted snippets, Enter to open.
//!
//! When to search and which answers to show is `search_loop`'s; this panel feeds it the
//! field's events, sends the searches it asks for and shows what it keeps. Each paint's
//! latency goes to `data-paint-ms` and `data-timing` on the results (`measure`), where the
//! end-to-end benchmark reads them.

use crate::api;
use crate::components::chips::Chips;
use crate::components::error_text::ErrorText;
use crate::components::export_dialog::ExportButton;
use crate::components::search_hit::Hit;
use crate::keys::Action;
use crate::measure::{PaintTiming, SearchMarks, after_paint, now};
use crate::search_loop::{Outcome, SearchLoop, Step, Verdict};
use crate::state::{View, ui};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{ExportScopeDto, Search, SearchHitDto, SearchResultsDto};
use orrery_ipc::{ErrorCode, IpcError};
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    Palette,
    Page,
}

/// The signals of one search panel that a search reads and writes.
#[derive(Debug, Clone, Copy)]
struct Searching {
    machine: StoredValue<SearchLoop>,
    /// The field's text (the machine's copy decides; this one is shown).
    query: RwSignal<String>,
    newest: RwSignal<bool>,
    more: RwSignal<bool>,
    results: RwSignal<Option<Result<SearchResultsDto, IpcError>>>,
    selected: RwSignal<usize>,
    typed_at: RwSignal<f64>,
    paint_ms: RwSignal<Option<PaintTiming>>,
}

impl Searching {
    /// Feeds the loop one event (`f`) at time `typed`, then does what it asks.
    fn on(self, typed: f64, f: impl FnOnce(&mut SearchLoop) -> Step) {
        self.typed_at.set(typed);
        if let Some(step) = self.machine.try_update_value(f) {
            self.run(step);
        }
        self.sync_flags();
    }

    fn run(self, step: Step) {
        match step {
            Step::Wait => {}
            Step::Clear => self.results.set(None),
            Step::Send(args) => spawn_local(async move {
                let (typed, sent) = (self.typed_at.get_untracked(), now());
                let answer = api::invoke::<Search>(&args).await;
                let answered = now();
                let outcome = match &answer {
                    Ok(found) => Outcome::Found {
                        hits: found.hits.len(),
                        total: found.total,
                    },
                    Err(_) => Outcome::Failed,
                };
                let Some((verdict, next)) = self.machine.try_update_value(|m| m.answered(outcome))
                else {
                    return;
                };
                match (verdict, answer) {
                    (Verdict::Replace, answer) => {
                        let core = answer.as_ref().map_or(0.0, |r| r.micros as f64 / 1000.0);
                        self.results.set(Some(answer));
                        self.selected.set(0);
                        let marks = SearchMarks {
                            typed,
                            sent,
                            answered,
                            core,
                        };
                        let (built, paint_ms) = (now(), self.paint_ms);
                        after_paint(move |framed| {
                            paint_ms.set(Some(marks.paint(built, framed, now())));
                        });
                    }
                    (Verdict::Append, Ok(page)) => self.results.update(|r| {
                        if let Some(Ok(shown)) = r {
                            shown.hits.extend(page.hits);
                        }
                    }),
                    _ => {}
                }
                self.run(next);
                self.sync_flags();
            }),
        }
    }

    /// What the panel shows of the loop's own state.
    fn sync_flags(self) {
        let (newest, more) = self.machine.with_value(|m| (m.newest(), m.has_more()));
        if self.newest.get_untracked() != newest {
            self.newest.set(newest);
        }
        if self.more.get_untracked() != more {
            self.more.set(more);
        }
    }
}

#[component]
pub fn SearchPanel(mode: SearchMode) -> impl IntoView {
    let ui = ui();
    let page = mode == SearchMode::Page;
    let limit = if page { 50 } else { 12 };
    let kept = if page {
        ui.query.get_untracked()
    } else {
        String::new()
    };
    let search = Searching {
        machine: StoredValue::new(SearchLoop::new(kept.clone(), limit)),
        query: RwSignal::new(kept),
        newest: RwSignal::new(true),
        more: RwSignal::new(false),
        results: RwSignal::new(None),
        selected: RwSignal::new(0_usize),
        typed_at: RwSignal::new(0.0_f64),
        paint_ms: RwSignal::new(None),
    };
    let Searching {
        query,
        newest,
        more,
        results,
        selected,
        paint_ms,
        ..
    } = search;
    let input = NodeRef::<html::Input>::new();

    let on_input = move |e: leptos::ev::Event| {
        let text = event_target_value(&e);
        query.set(text.clone());
        if page {
            ui.query.set(text.clone());
        }
        // Pinyin being composed is not the text yet; compositionend searches it.
        let composing = e
            .dyn_ref::<web_sys::InputEvent>()
            .is_some_and(web_sys::InputEvent::is_composing);
        search.on(now(), |m| m.input(text, composing));
    };
    if page && !query.get_untracked().is_empty() {
        search.on(now(), SearchLoop::start);
    }
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });

    let open = move |hit: &SearchHitDto| ui.open_hit(hit);
    let open_selected = move || {
        let hit = results.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .and_then(|r| r.hits.get(selected.get_untracked()).cloned())
        });
        if let Some(hit) = hit {
            open(&hit);
        }
    };
    // ↑/↓ move through the results, Enter opens one (in the palette's own input too).
    Effect::new(move |_| {
        let Some((action, _)) = ui.key.get() else {
            return;
        };
        if (mode == SearchMode::Palette) != ui.palette.get_untracked() {
            return;
        }
        let total = results.with_untracked(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map_or(0, |r| r.hits.len())
        });
        match action {
            Action::Next if total > 0 => selected.update(|s| *s = (*s + 1).min(total - 1)),
            Action::Previous => selected.update(|s| *s = s.saturating_sub(1)),
            Action::Open => open_selected(),
            _ => {}
        }
    });
    let close_chip = Callback::new(move |rest: String| {
        query.set(rest.clone());
        if page {
            ui.query.set(rest.clone());
        }
        search.on(now(), |m| m.set_query(rest));
    });

    let t = move || ui.t();
    view! {
        <section
            class=if page { "search-page" } else { "palette" }
            id=if page { "search-page" } else { "palette" }
            role="dialog"
            aria-label=move || t().search_title
        >
            <div class="search-box">
                <input
                    node_ref=input
                    type="search"
                    id=if page { "search-page-input" } else { "palette-input" }
                    placeholder=move || t().search_placeholder
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || query.get()
                    on:input=on_input
                    on:compositionend=move |_| search.on(now(), SearchLoop::composed)
                    on:keydown=move |e| {
                        if e.key() == "Enter" && !e.is_composing() {
                            e.prevent_default();
                            open_selected();
                        }
                    }
                />
                <button
                    class="ghost sort"
                    id="search-sort"
                    on:click=move |_| search.on(now(), SearchLoop::toggle_order)
                >
                    {move || if newest.get() { t().sort_newest } else { t().sort_relevance }}
                </button>
                {page.then(|| view! {
                    <ExportButton scope=Signal::derive(move || {
                        let q = query.get();
                        (!q.trim().is_empty()).then_some(ExportScopeDto::Search { query: q })
                    }) />
                })}
            </div>
            <p class="muted hint">{move || t().search_hint}</p>
            <div
                class="results"
                id="search-results"
                data-paint-ms=move || paint_ms.get().map(PaintTiming::paint_ms)
                data-timing=move || paint_ms.get().map(PaintTiming::to_json)
            >
                {move || match results.get() {
                    None => ().into_any(),
                    Some(Err(err)) if err.code == ErrorCode::Unavailable => {
                        view! { <p class="muted">{t().index_building}</p> }.into_any()
                    }
                    // The core's words say what in the query it could not read.
                    Some(Err(err)) => view! { <p class="error" id="search-error"><ErrorText error=err detail=true /></p> }.into_any(),
                    Some(Ok(found)) => {
                        view! {
                            <Chips chips=found.chips.clone() total=found.total on_close=close_chip />
                            {if found.hits.is_empty() {
                                view! { <p class="empty">{t().no_results}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="hits">
                                        {found
                                            .hits
                                            .into_iter()
                                            .enumerate()
                                            .map(|(i, hit)| view! { <Hit index=i hit=hit selected=selected /> })
                                            .collect_view()}
                                    </ol>
                                }
                                    .into_any()
                            }}
                            <Show when=move || { !page && found.total > u64::from(limit) }>
                                <button
                                    class="link"
                                    id="see-all"
                                    on:click=move |_| {
                                        ui.query.set(query.get_untracked());
                                        ui.palette.set(false);
                                        ui.view.set(View::Search);
                                    }
                                >
                                    {t().see_all_results}
                                </button>
                            </Show>
                        }
                            .into_any()
                    }
                }}
            </div>
            <Show when=move || page && more.get()>
                <button
                    class="link"
                    id="search-more"
                    on:click=move |_| search.on(now(), SearchLoop::more)
                >
                    {move || t().load_more}
                </button>
            </Show>
        </section>
    }
}
