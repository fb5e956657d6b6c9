//! The keyboard of a plain list page (the inbox, "my questions", the brief, the saved list):
//! j/k or ↓/↑ move the selection and the focus with it, Enter (or `o`) opens the selected row.
//! The rows are buttons marked `data-enter`, so Enter on a focused row is its own click (see
//! `app.rs`), which opens the same row: the selection follows the focus. A page with more
//! keys than opening (the brief's triage) takes every other action with [`follow_keys_with`].

use crate::keys::Action;
use crate::state::{View, ui};
use crate::timeline_window::step_selection;
use leptos::html::ElementType;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Wires the keys to the list `list` shown on `view`, with `total` rows (read untracked),
/// `selected` the selection and `open` what Enter does with a row.
pub fn follow_keys<E>(
    view: View,
    list: NodeRef<E>,
    selected: RwSignal<usize>,
    total: impl Fn() -> usize + 'static,
    open: impl Fn(usize) + 'static,
) where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + AsRef<web_sys::Element> + 'static,
{
    follow_keys_with(view, list, selected, total, move |action, at| {
        if let (Action::Open, Some(at)) = (action, at) {
            open(at);
        }
    });
}

/// [`follow_keys`] for a page that acts on more keys: j/k move as there, and every other
/// action goes to `act` with the selected row (`None` when the list is empty, where an undo
/// still has something to do).
pub fn follow_keys_with<E>(
    view: View,
    list: NodeRef<E>,
    selected: RwSignal<usize>,
    total: impl Fn() -> usize + 'static,
    act: impl Fn(Action, Option<usize>) + 'static,
) where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + AsRef<web_sys::Element> + 'static,
{
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
            let at = (total > 0).then(|| selected.get_untracked().min(total - 1));
            let forward = match action {
                Action::Next => true,
                Action::Previous => false,
                _ => {
                    act(action, at);
                    return;
                }
            };
            let Some(at) = at else {
                return;
            };
            let at = step_selection(at, forward, total);
            selected.set(at);
            focus_row(list, at);
        });
    });
}

/// Focuses the button of row `index` (the browser scrolls it into view); a row without one
/// (a timeline row on the saved page) is scrolled into view.
pub fn focus_row<E>(list: NodeRef<E>, index: usize)
where
    E: ElementType + 'static,
    E::Output: JsCast + Clone + AsRef<web_sys::Element> + 'static,
{
    let Some(root) = list.get_untracked() else {
        return;
    };
    let root: &web_sys::Element = root.as_ref();
    let find = |css: String| root.query_selector(&css).ok().flatten();
    if let Some(button) = find(format!("[data-index=\"{index}\"] [data-enter]"))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = button.focus();
    } else if let Some(row) = find(format!("[data-index=\"{index}\"]")) {
        scroll_into_view_if_needed(&row);
    }
}

/// WebKit's `scrollIntoViewIfNeeded` (no movement when the row is on screen), else the
/// standard scroll that always moves.
fn scroll_into_view_if_needed(el: &web_sys::Element) {
    let method = js_sys::Reflect::get(el, &"scrollIntoViewIfNeeded".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match method {
        Some(method) => {
            let _ = method.call1(el, &false.into());
        }
        None => el.scroll_into_view_with_bool(false),
    }
}
