//! A failed command in the member's language: the words for its [`ErrorCode`](orrery_ipc::ErrorCode)
//! from i18n, with the core's message (English, from the shell) as a tooltip, or shown after
//! them where it says what to do (a sign-in, a search, a file).

use crate::state::ui;
use leptos::prelude::*;
use orrery_ipc::IpcError;

/// The error's words; `detail` shows the core's message after them.
#[component]
pub fn ErrorText(error: IpcError, #[prop(optional)] detail: bool) -> impl IntoView {
    let ui = ui();
    let IpcError { code, message } = error;
    let words = move || ui.t().error(code);
    let shown = detail.then(|| message.clone());
    view! {
        <span class="error-text" title=message>{words}</span>
        {shown.map(|message| view! { " " <span class="error-detail">{message}</span> })}
    }
}
