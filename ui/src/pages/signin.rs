//! Sign-in: first "用微信扫码登录", which has the shell open the service's own sign-in page in
//! a window of its own (the UI never sees the token); folded below it, pasting the
//! `zsxq_access_token` with where to find it. A pasted token goes from the field straight to
//! the shell, which checks it with the service and keeps it in the keyring; the UI never stores
//! or shows it again.

use crate::api;
use crate::components::error_text::ErrorText;
use crate::state::{Ui, View, ui};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use orrery_ipc::commands::{AccountMode, AppInfoDto, SignIn as SignInCmd, SignInWeb, TokenArgs};
use orrery_ipc::{ErrorCode, IpcError, NoArgs};

#[component]
pub fn SignIn() -> impl IntoView {
    let ui = ui();
    let t = move || ui.t();
    let field = NodeRef::<html::Input>::new();
    let checking = RwSignal::new(false);
    let error = RwSignal::new(None::<IpcError>);
    let submit = move |e: leptos::ev::SubmitEvent| {
        e.prevent_default();
        let Some(input) = field.get_untracked() else {
            return;
        };
        let token = input.value();
        checking.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::invoke::<SignInCmd>(&TokenArgs { token }).await;
            checking.set(false);
            // The field is cleared as soon as the shell has the token.
            if result.is_ok()
                && let Some(input) = field.get_untracked()
            {
                input.set_value("");
            }
            signed_in(ui, result.map(Some), error);
        });
    };
    let waiting = RwSignal::new(false);
    let web = move |_| {
        waiting.set(true);
        error.set(None);
        spawn_local(async move {
            let result = api::invoke::<SignInWeb>(&NoArgs {}).await;
            waiting.set(false);
            signed_in(ui, result, error);
        });
    };
    view! {
        <section class="signin" id="signin">
            <h2>{move || t().signin_title}</h2>
            <p>{move || t().signin_intro}</p>
            <div class="actions">
                <button type="button" class="primary" id="signin-web" on:click=web disabled=move || waiting.get()>
                    {move || if waiting.get() { t().signin_web_waiting } else { t().signin_web }}
                </button>
                <button type="button" class="ghost" id="try-demo" on:click=move |_| ui.view.set(View::Reading)>
                    {move || if ui.is_demo() { t().try_demo } else { t().back }}
                </button>
            </div>
            <p class="hint">{move || t().signin_web_hint}</p>
            <Show when=move || error.get().is_some()>
                <p class="error" id="signin-error">{move || error.get().map(signin_error)}</p>
            </Show>
            <details id="signin-other">
            <summary>{move || t().signin_other}</summary>
            <ol class="steps">
                <li>{move || t().signin_step1}</li>
                <li>{move || t().signin_step2}</li>
                <li>{move || t().signin_step3}</li>
            </ol>
            <form on:submit=submit>
                <label>
                    <span>{move || t().token_label} " (zsxq_access_token)"</span>
                    <input
                        node_ref=field
                        id="token-input"
                        type="password"
                        autocomplete="off"
                        spellcheck="false"
                        required
                    />
                </label>
                <div class="actions">
                    <button type="submit" id="signin-submit" disabled=move || checking.get()>
                        {move || if checking.get() { t().signin_checking } else { t().signin_submit }}
                    </button>
                </div>
            </form>
            </details>
        </section>
    }
}

/// After either way of signing in: the account's archive from the top, or the error. `None`
/// (the login window was closed) changes nothing.
///
/// `ui` is passed in: this runs after an `.await`, outside the component's reactive owner,
/// where the context cannot be looked up.
fn signed_in(
    ui: Ui,
    result: Result<Option<AppInfoDto>, IpcError>,
    error: RwSignal<Option<IpcError>>,
) {
    match result {
        Ok(Some(info)) => {
            // A new sign-in (from the demo) goes on to what to mirror; signing in again after
            // the service ended the sign-in goes back to reading.
            let fresh = ui
                .info
                .get_untracked()
                .and_then(Result::ok)
                .is_none_or(|i| i.mode == AccountMode::Demo);
            ui.switch_account(info);
            if fresh {
                ui.view.set(View::Setup);
            }
        }
        Ok(None) => {}
        Err(err) => error.set(Some(err)),
    }
}

/// A refused sign-in says what was wrong: the core's words (malformed token, refused token, no
/// keyring) after the member's language's own.
fn signin_error(err: IpcError) -> impl IntoView {
    let ui = ui();
    if err.code == ErrorCode::InvalidInput {
        view! {
            {move || ui.t().signin_refused}
            <span class="error-detail">{err.message}</span>
        }
        .into_any()
    } else {
        view! { <ErrorText error=err detail=true /> }.into_any()
    }
}
