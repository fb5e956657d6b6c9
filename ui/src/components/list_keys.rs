//! The keyboard of a plain list page (the inbox, "my questions"): j/k or ↓/↑ move the selection
//! and the focus with it, Enter opens the selected row. The rows are buttons marked
//! `data-enter`, so Enter on a focused row is its own click (see `app.rs`), which opens the
//! same row: the selection follows the focus.

use crate::keys::Action;
use crate::state::{View, ui};
use crate::timeline_window::step_selection;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Wires the keys to the list `list` shown on `view`, with `total` rows (read untracked),
/// `selected` the selection and `open` what Enter does with a row.
pub fn follow_keys(
    view: View,
    list: NodeRef<html::Ol>,
    selected: RwSignal<usize>,
    total: impl Fn() -> usize + 'static,
    open: impl Fn(usize) + 'static,
) {
    let ui = ui();
    Effect::new(move |ran: Option<()>| {
        let key = ui.key.get();
        // The first run sees the last key pressed before the page opened: not for it.
        if ran.is_none() {
            return;
        }
        let Some((action, _)) = key else {
            return;
        };
        if ui.palette.get_untracked() || ui.view.get_untracked() != view {
            return;
        }
        // Only the key re-runs this, never the rows changing under it.
        untrack(|| {
            let total = total();
            if total == 0 {
                return;
            }
            let at = selected.get_untracked().min(total - 1);
            let at = match action {
                Action::Next => step_selection(at, true, total),
                Action::Previous => step_selection(at, false, total),
                Action::Open => {
                    open(at);
                    return;
                }
                _ => return,
            };
            selected.set(at);
            focus_row(list, at);
        });
    });
}

/// Focuses the button of row `index` (the browser scrolls it into view).
fn focus_row(list: NodeRef<html::Ol>, index: usize) {
    let button = list
        .get_untracked()
        .and_then(|ol| {
            ol.query_selector(&format!("[data-index=\"{index}\"] [data-enter]"))
                .ok()
                .flatten()
        })
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(button) = button {
        let _ = button.focus();
    }
}
