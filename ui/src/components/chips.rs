//! The query's filters as chips: each condition the core understood, labelled in the member's
//! language, with a button that rebuilds the query from the others' `source` text.

use crate::i18n::Texts;
use crate::state::ui;
use leptos::prelude::*;
use orrery_ipc::commands::ChipDto;

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
        "deleted" => t.chip_deleted,
        "after" => t.chip_after,
        "before" => t.chip_before,
        "source" => t.chip_source,
        _ => t.chip_text,
    };
    let not = if chip.negated { t.chip_not } else { "" };
    match (chip.value.is_empty(), chip.kind == "text" && chip.negated) {
        (true, _) => format!("{not}{kind}"),
        (false, true) => format!("{not} {}", chip.value),
        (false, false) => format!("{not}{kind}: {}", chip.value),
    }
}

/// The chips of a query and the total of its results; closing a chip calls `on_close` with
/// the query without it.
#[component]
pub fn Chips(chips: Vec<ChipDto>, total: u64, on_close: Callback<String>) -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let all = chips.clone();
    view! {
        <div class="chips" id="search-chips">
            {chips
                .iter()
                .enumerate()
                .map(|(i, chip)| {
                    let all = all.clone();
                    view! {
                        <span class="chip" class:negated=chip.negated data-kind=chip.kind.clone()>
                            {chip_label(t(), chip)}
                            <button
                                class="chip-remove"
                                aria-label=move || t().chip_remove
                                on:click=move |_| on_close.run(without_chip(&all, i))
                            >
                                "×"
                            </button>
                        </span>
                    }
                })
                .collect_view()}
            <span class="muted total" data-field="total">
                {total} " " {t().results_unit}
            </span>
        </div>
    }
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
        assert_eq!(chip_label(zh, &chip("deleted", "", true, "")), "不含已删除");
        assert_eq!(chip_label(en, &chip("deleted", "", false, "")), "deleted");
        assert_eq!(chip_label(en, &chip("text", "广告", true, "")), "not 广告");
        assert_eq!(
            chip_label(en, &chip("after", "2024-03-01", false, "")),
            "after: 2024-03-01"
        );
    }
}
