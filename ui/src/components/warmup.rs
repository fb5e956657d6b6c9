//! The search warm-up: one page of real results painted once, nearly transparent and beneath
//! the window's content, soon after start (docs/ui.md, docs/BENCHMARKS.md).

use crate::api;
use crate::components::search_hit::Hit;
use crate::measure::after_paint;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{Search, SearchArgs, SearchHitDto};

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
