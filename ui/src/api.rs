//! The only place that calls into Tauri.
//!
//! [`invoke`] takes an `orrery-ipc` [`Command`], so a command's name, arguments and result type
//! come from the contract the shell implements. Every failure, from the shell or from the bridge
//! itself, arrives as an [`IpcError`]. [`watch_sync`] and [`watch_opens`] open the channels
//! the shell streams the sync status and clicked notifications over, [`export`] one for an
//! export's progress; [`media_url`] names cached media.

use orrery_ipc::commands::{
    ChannelRef, Export, ExportArgs, ExportDoneDto, ExportFormatDto, ExportProgressDto,
    ExportScopeDto, OpenTargetDto, SyncStatusDto, WatchOpens, WatchOpensArgs, WatchSync,
    WatchSyncArgs,
};
use orrery_ipc::media::MediaRef;
use orrery_ipc::{Command, ErrorCode, IpcError};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    // `app.withGlobalTauri` exposes the bridge as `window.__TAURI__`.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = invoke, catch)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;

    /// `window.__TAURI__.core.Channel`: messages from the shell, in order.
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], js_name = Channel)]
    type TauriChannel;

    #[wasm_bindgen(constructor, js_namespace = ["window", "__TAURI__", "core"], js_class = "Channel", catch)]
    fn new_channel() -> Result<TauriChannel, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn id(this: &TauriChannel) -> u32;

    #[wasm_bindgen(method, setter)]
    fn set_onmessage(this: &TauriChannel, handler: &js_sys::Function);
}

/// Invokes `C` on the shell and decodes its result.
pub async fn invoke<C: Command>(args: &C::Args) -> Result<C::Output, IpcError> {
    // Every handler takes one parameter, `args` (see orrery_ipc::with_commands).
    let args = serde_wasm_bindgen::to_value(&Invocation { args })
        .map_err(|e| bridge_error(format!("cannot encode arguments: {e}")))?;
    match tauri_invoke(C::NAME, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value)
            .map_err(|e| bridge_error(format!("unexpected answer to {}: {e}", C::NAME))),
        // Command errors are `{code, message}`; anything else means the bridge itself failed,
        // for instance when the page runs outside the app.
        Err(value) => Err(serde_wasm_bindgen::from_value(value.clone())
            .unwrap_or_else(|_| bridge_error(format!("{} failed: {value:?}", C::NAME)))),
    }
}

/// Calls `on_status` with the sync status now and on every change, for the life of the page.
pub fn watch_sync(on_status: impl Fn(SyncStatusDto) + 'static) -> Result<(), IpcError> {
    let args = WatchSyncArgs {
        on_status: channel(on_status)?,
    };
    follow::<WatchSync>(args, "sync status");
    Ok(())
}

/// Calls `on_open` with where each desktop notification the member clicks leads, for the life
/// of the page (the shell has brought the window forward before it sends one).
pub fn watch_opens(on_open: impl Fn(OpenTargetDto) + 'static) -> Result<(), IpcError> {
    let args = WatchOpensArgs {
        on_open: channel(on_open)?,
    };
    follow::<WatchOpens>(args, "notification clicks");
    Ok(())
}

/// Runs an export, calling `on_progress` as it goes; answers what was written where.
pub async fn export(
    scope: ExportScopeDto,
    format: ExportFormatDto,
    on_progress: impl Fn(ExportProgressDto) + 'static,
) -> Result<ExportDoneDto, IpcError> {
    let args = ExportArgs {
        scope,
        format,
        on_progress: channel(on_progress)?,
    };
    invoke::<Export>(&args).await
}

/// A channel from the shell that calls `on_message` with each message it decodes as `T`.
fn channel<T: serde::de::DeserializeOwned>(
    on_message: impl Fn(T) + 'static,
) -> Result<ChannelRef, IpcError> {
    let channel =
        TauriChannel::new_channel().map_err(|e| bridge_error(format!("no IPC channel: {e:?}")))?;
    let handler = Closure::<dyn Fn(JsValue)>::new(move |message: JsValue| {
        if let Ok(message) = serde_wasm_bindgen::from_value(message) {
            on_message(message);
        }
    });
    channel.set_onmessage(handler.as_ref().unchecked_ref());
    // Both live as long as the page: the subscription never ends before it.
    handler.forget();
    let id = ChannelRef::new(channel.id());
    std::mem::forget(channel);
    Ok(id)
}

/// Invokes the streaming command `C`, which returns only when the shell drops its channel,
/// e.g. while the app quits.
fn follow<C: Command>(args: C::Args, what: &'static str)
where
    C::Args: 'static,
{
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(err) = invoke::<C>(&args).await {
            web_sys::console::warn_1(&format!("{what} stream ended: {err}").into());
        }
    });
}

/// The URL of cached media on the shell's `media:` protocol (see [`MediaRef::url`]).
pub fn media_url(media: MediaRef) -> String {
    let windows = web_sys::window()
        .and_then(|w| w.navigator().user_agent().ok())
        .is_some_and(|ua| ua.contains("Windows"));
    media.url(windows)
}

/// What `invoke` sends: `{"args": …}`. The field is named [`orrery_ipc::ARGS`].
#[derive(serde::Serialize)]
struct Invocation<'a, A> {
    args: &'a A,
}

fn bridge_error(message: String) -> IpcError {
    IpcError::new(ErrorCode::Ipc, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use orrery_ipc::commands::TopicArgs;
    use orrery_ipc::id::TopicId;

    /// The shell's generated handlers take one parameter named `orrery_ipc::ARGS`.
    #[test]
    fn invocations_send_the_arguments_as_the_one_parameter_every_handler_takes() {
        let args = TopicArgs {
            topic: TopicId::new(9_007_199_254_740_993),
        };
        let json = serde_json::to_value(Invocation { args: &args }).expect("serializes");
        let mut expected = serde_json::Map::new();
        expected.insert(
            orrery_ipc::ARGS.to_owned(),
            serde_json::json!({ "topic": "9007199254740993" }),
        );
        assert_eq!(json, serde_json::Value::Object(expected));
    }
}
