//! Search, as a Ctrl/Cmd+K palette over any screen and as a page: results as you type, the
//! query's filters as chips, highlighted snippets, Enter to open.
//!
//! As-you-type without flooding: at most one search is in flight, and when it returns the
//! newest text typed meanwhile is searched next (intermediate texts are skipped, and so are
//! results that were overtaken by typing before they could be shown). Unlike a
//! fixed debounce timer this adds no delay to the first keystroke, which keeps keystroke to
//! paint within the 50 ms budget. Each paint's latency is written to `data-paint-ms` on the
//! results, and its parts to `data-timing`, where the end-to-end benchmark reads them.

use crate::api;
use crate::app::{View, ui};
use crate::format;
use crate::i18n::Texts;
use crate::keys::Action;
use crate::timeline::tz_offset_min;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::ErrorCode;
use orrery_ipc::commands::{ChipDto, Search, SearchArgs, SearchHitDto, SearchResultsDto};
use wasm_bindgen::JsCast;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMode {
    Palette,
    Page,
}

/// The query without chip `index`: the other chips' sources, in order.
pub fn without_chip(chips: &[ChipDto], index: usize) -> String {
    chips
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != index)
        .map(|(_, c)| c.source.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A chip's label: what kind of condition, then its value.
pub fn chip_label(t: &Texts, chip: &ChipDto) -> String {
    let kind = match chip.kind.as_str() {
        "circle" => t.chip_circle,
        "type" => t.chip_type,
        "author" => t.chip_author,
        "tag" => t.chip_tag,
        "digest" => t.chip_digest,
        "unanswered" => t.chip_unanswered,
        "after" => t.chip_after,
        "before" => t.chip_before,
        _ => t.chip_text,
    };
    let not = if chip.negated { t.chip_not } else { "" };
    match (chip.value.is_empty(), chip.kind == "text" && chip.negated) {
        (true, _) => format!("{not}{kind}"),
        (false, true) => format!("{not} {}", chip.value),
        (false, false) => format!("{not}{kind}: {}", chip.value),
    }
}

/// The label of a hit's kind.
fn hit_kind(t: &Texts, kind: &str) -> &'static str {
    match kind {
        "question" => t.hit_question,
        "answer" => t.hit_answer,
        "article" => t.hit_article,
        "task" => t.hit_task,
        "solution" => t.hit_solution,
        "comment" => t.hit_comment,
        _ => t.hit_talk,
    }
}

#[component]
pub fn SearchPanel(mode: SearchMode) -> impl IntoView {
    let ui = ui();
    let page = mode == SearchMode::Page;
    let limit = if page { 50 } else { 12 };
    let query = RwSignal::new(if page {
        ui.query.get_untracked()
    } else {
        String::new()
    });
    // Newest first by default: it is what a member looking for a recent post expects, and
    // the index answers it fastest on huge match sets (docs/search.md).
    let newest = RwSignal::new(true);
    let results = RwSignal::new(None::<Result<SearchResultsDto, (ErrorCode, String)>>);
    let selected = RwSignal::new(0_usize);
    let in_flight = RwSignal::new(false);
    let typed_at = RwSignal::new(0.0_f64);
    let paint_ms = RwSignal::new(None::<PaintTiming>);
    let input = NodeRef::<html::Input>::new();

    let search = Searching {
        query,
        newest,
        results,
        selected,
        in_flight,
        typed_at,
        paint_ms,
        limit,
    };
    let run = move || search.start();
    let on_input = move |e: leptos::ev::Event| {
        query.set(event_target_value(&e));
        if page {
            ui.query.set(query.get_untracked());
        }
        // Pinyin being composed is not the text yet; compositionend searches it.
        let composing = e
            .dyn_ref::<web_sys::InputEvent>()
            .is_some_and(web_sys::InputEvent::is_composing);
        if !composing {
            typed_at.set(now());
            run();
        }
    };
    if page && !query.get_untracked().is_empty() {
        run();
    }
    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
        }
    });

    let open = move |hit: &SearchHitDto| {
        ui.open_at(
            hit.circle_id.clone(),
            hit.topic_id.clone(),
            hit.comment_id.clone(),
        );
    };
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
                    on:compositionend=move |_| {
                        typed_at.set(now());
                        run();
                    }
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
                    on:click=move |_| {
                        newest.update(|n| *n = !*n);
                        typed_at.set(now());
                        run();
                    }
                >
                    {move || if newest.get() { t().sort_newest } else { t().sort_relevance }}
                </button>
            </div>
            <p class="muted hint">{move || t().search_hint}</p>
            <div
                class="results"
                id="search-results"
                data-paint-ms=move || paint_ms.get().map(|p| format!("{:.1}", p.total))
                data-timing=move || paint_ms.get().map(PaintTiming::to_json)
            >
                {move || match results.get() {
                    None => ().into_any(),
                    Some(Err((ErrorCode::Unavailable, _))) => {
                        view! { <p class="muted">{t().index_building}</p> }.into_any()
                    }
                    Some(Err((_, message))) => view! { <p class="error" id="search-error">{message}</p> }.into_any(),
                    Some(Ok(found)) => {
                        let chips = found.chips.clone();
                        view! {
                            <div class="chips" id="search-chips">
                                {found
                                    .chips
                                    .iter()
                                    .enumerate()
                                    .map(|(i, chip)| {
                                        let chips = chips.clone();
                                        view! {
                                            <span class="chip" class:negated=chip.negated data-kind=chip.kind.clone()>
                                                {chip_label(t(), chip)}
                                                <button
                                                    class="chip-remove"
                                                    aria-label=move || t().chip_remove
                                                    on:click=move |_| {
                                                        query.set(without_chip(&chips, i));
                                                        typed_at.set(now());
                                                        run();
                                                    }
                                                >
                                                    "×"
                                                </button>
                                            </span>
                                        }
                                    })
                                    .collect_view()}
                                <span class="muted total" data-field="total">
                                    {found.total} " " {t().results_unit}
                                </span>
                            </div>
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
        </section>
    }
}

#[component]
fn Hit(index: usize, hit: SearchHitDto, selected: RwSignal<usize>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let runs = format::marked_runs(&hit.snippet, &hit.marks);
    let when = format::relative_time(
        ui.locale.get_untracked(),
        js_sys::Date::now() as i64,
        hit.time_ms,
        tz_offset_min(),
    );
    let kind = hit.kind.clone();
    let target = hit.clone();
    view! {
        <li
            class="hit"
            class:selected=move || selected.get() == index
            data-topic-id=hit.topic_id.clone()
            on:click=move |_| {
                ui.open_at(target.circle_id.clone(), target.topic_id.clone(), target.comment_id.clone())
            }
            on:mousemove=move |_| selected.set(index)
        >
            <p class="hit-title">
                <span class="kind">{move || hit_kind(t(), &kind)}</span>
                " "
                {hit.title.clone()}
            </p>
            <p class="snippet">
                {runs
                    .into_iter()
                    .map(|(text, marked)| if marked { view! { <mark>{text}</mark> }.into_any() } else { text.into_any() })
                    .collect_view()}
            </p>
            <p class="muted hit-meta">
                {hit.circle.clone()} " · " {hit.author.clone()} " · " {when}
            </p>
        </li>
    }
}

/// How long after start the warm-up waits, and then between tries while the index is built.
const WARMUP_DELAY: std::time::Duration = std::time::Duration::from_secs(2);
const WARMUP_TRIES: u32 = 30;

/// Paints one page of real results once, nearly transparent and beneath the window's content,
/// soon after start. The first palette search otherwise pays for the first layout and
/// rasterization of the palette's fonts (CJK faces in its sizes and weights) and the first
/// run of its rendering code: 0.65 s of its keystroke-to-paint in `cargo xtask bench ui`,
/// against ~20 ms for the searches after it. The search answers in a few milliseconds.
#[component]
pub fn SearchWarmup() -> impl IntoView {
    let hits = RwSignal::new(Vec::<SearchHitDto>::new());
    let done = RwSignal::new(false);
    fn attempt(hits: RwSignal<Vec<SearchHitDto>>, done: RwSignal<bool>, left: u32) {
        set_timeout(
            move || {
                spawn_local(async move {
                    let args = SearchArgs {
                        // The commonest Chinese character: some hits in any Chinese archive.
                        query: "的".to_owned(),
                        newest: true,
                        offset: 0,
                        limit: 12,
                    };
                    match api::invoke::<Search>(&args).await {
                        Ok(found) if !found.hits.is_empty() => {
                            hits.set(found.hits);
                            after_paint(move |_| done.set(true));
                        }
                        // No archive or index yet (a first start): try again later.
                        _ if left > 0 => attempt(hits, done, left - 1),
                        _ => done.set(true),
                    }
                });
            },
            WARMUP_DELAY,
        );
    }
    attempt(hits, done, WARMUP_TRIES);
    let none = RwSignal::new(usize::MAX);
    view! {
        <Show when=move || !done.get() && !hits.with(Vec::is_empty)>
            <section class="palette warmup" aria-hidden="true">
                <ol class="hits">
                    {move || {
                        hits.get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, hit)| view! { <Hit index=i hit=hit selected=none /> })
                            .collect_view()
                    }}
                </ol>
            </section>
        </Show>
    }
}

/// The signals of one search panel that a search reads and writes.
#[derive(Clone, Copy)]
struct Searching {
    query: RwSignal<String>,
    newest: RwSignal<bool>,
    results: RwSignal<Option<Result<SearchResultsDto, (ErrorCode, String)>>>,
    selected: RwSignal<usize>,
    in_flight: RwSignal<bool>,
    typed_at: RwSignal<f64>,
    paint_ms: RwSignal<Option<PaintTiming>>,
    limit: u32,
}

/// Where the time from a keystroke to its results on screen went, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
struct PaintTiming {
    total: f64,
    /// Waiting for the search of an earlier keystroke to come back.
    wait: f64,
    /// The command's round trip, the core's search included.
    ipc: f64,
    /// The core's search alone.
    core: f64,
    /// From the answer to the frame that shows it…
    render: f64,
    /// …of which building the DOM (setting the results),
    dom: f64,
    /// and then until the frame's callback, before the frame is painted.
    frame: f64,
}

impl PaintTiming {
    fn to_json(self) -> String {
        format!(
            r#"{{"total":{:.1},"wait":{:.1},"ipc":{:.1},"core":{:.2},"render":{:.1},"dom":{:.1},"frame":{:.1}}}"#,
            self.total, self.wait, self.ipc, self.core, self.render, self.dom, self.frame
        )
    }
}

impl Searching {
    /// Searches the current text unless a search is in flight, which then searches the
    /// newest text when it returns.
    fn start(self) {
        if self.in_flight.get_untracked() {
            return;
        }
        self.in_flight.set(true);
        spawn_local(async move {
            loop {
                let args = SearchArgs {
                    query: self.query.get_untracked(),
                    newest: self.newest.get_untracked(),
                    offset: 0,
                    limit: self.limit,
                };
                if args.query.trim().is_empty() {
                    self.results.set(None);
                } else {
                    let (typed, sent) = (self.typed_at.get_untracked(), now());
                    let answer = api::invoke::<Search>(&args).await;
                    let answered = now();
                    // Typed on meanwhile: these results are already stale. Painting them
                    // would only delay the frame of the newest text's results, which are
                    // a few milliseconds away (a paste, a word from the input method or a
                    // fast typist's burst).
                    if self.changed_since(&args) {
                        continue;
                    }
                    let core = answer.as_ref().map_or(0.0, |r| r.micros as f64 / 1000.0);
                    self.results
                        .set(Some(answer.map_err(|e| (e.code, e.message))));
                    self.selected.set(0);
                    let (built, paint_ms) = (now(), self.paint_ms);
                    after_paint(move |framed| {
                        let painted = now();
                        paint_ms.set(Some(PaintTiming {
                            total: painted - typed,
                            wait: sent - typed,
                            ipc: answered - sent,
                            core,
                            render: painted - answered,
                            dom: built - answered,
                            frame: framed - built,
                        }));
                    });
                }
                if !self.changed_since(&args) {
                    break;
                }
            }
            self.in_flight.set(false);
        });
    }

    /// Whether the text or the order changed after `args` was taken from them.
    fn changed_since(self, args: &SearchArgs) -> bool {
        self.query.with_untracked(|q| *q != args.query)
            || self.newest.get_untracked() != args.newest
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs `f` right after the next frame is painted (a task queued from an animation-frame
/// callback runs once that frame's rendering is done), with the time the frame began.
fn after_paint(f: impl FnOnce(f64) + 'static) {
    request_animation_frame(move || {
        let framed = now();
        set_timeout(move || f(framed), std::time::Duration::ZERO);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    fn chip(kind: &str, value: &str, negated: bool, source: &str) -> ChipDto {
        ChipDto {
            kind: kind.into(),
            value: value.into(),
            negated,
            source: source.into(),
        }
    }

    #[test]
    fn closing_a_chip_keeps_the_rest_of_the_query() {
        let chips = [
            chip("text", "复盘", false, "复盘"),
            chip("circle", "读书", false, "circle:读书"),
            chip("digest", "", true, "-is:digest"),
        ];
        assert_eq!(without_chip(&chips, 1), "复盘 -is:digest");
        assert_eq!(without_chip(&chips, 0), "circle:读书 -is:digest");
        assert_eq!(without_chip(&chips[..1], 0), "");
    }

    #[test]
    fn chip_labels_in_both_languages() {
        let zh = Locale::ZhCn.texts();
        let en = Locale::En.texts();
        assert_eq!(
            chip_label(zh, &chip("circle", "读书", false, "")),
            "星球: 读书"
        );
        assert_eq!(
            chip_label(en, &chip("circle", "读书", false, "")),
            "circle: 读书"
        );
        assert_eq!(chip_label(zh, &chip("digest", "", true, "")), "不含精华");
        assert_eq!(chip_label(en, &chip("text", "广告", true, "")), "not 广告");
        assert_eq!(
            chip_label(en, &chip("after", "2024-03-01", false, "")),
            "after: 2024-03-01"
        );
    }
}
