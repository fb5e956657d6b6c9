//! The web sign-in page ([`crate::login`]): `GET /login` shows a QR code and polls
//! `GET /login/status` until the code is scanned (`POST /__sim/scan`), whose answer sets the
//! httpOnly `zsxq_access_token` cookie like the service; the page then goes on to
//! `/login/done`. A visit that already carries a live cookie is counted as
//! `GET /login (signed in)` and sees the done page, as the service sends a signed-in member on.
//!
//! Invented, for tests only: `GET /login?probe=ipc` adds a hostile script that tries to call
//! the desktop app's commands through Tauri's IPC bridge, as any page shown in a webview could,
//! and reports what happened to `POST /__sim/login-probe` (read back with
//! `GET /__sim/login-probe`), then to navigate to another site.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use super::{App, Params, http_fail, json_response};
use crate::faults::token_of;
use crate::login::TicketState;
use crate::server::TOKEN_LIFETIME;

pub(super) async fn page(State(app): App, params: Params, request: Request) -> Response {
    let token = token_of(request.headers());
    if token.as_deref().is_some_and(|t| app.is_live(t)) {
        app.record("GET /login (signed in)");
        return Html(DONE).into_response();
    }
    app.record("GET /login");
    let ticket = app.show_ticket();
    let probe = if params.get("probe").map(String::as_str) == Some("ipc") {
        PROBE
    } else {
        ""
    };
    let html = PAGE.replace("{ticket}", &ticket).replace("{probe}", probe);
    Html(html).into_response()
}

pub(super) async fn qr(State(app): App, Path(name): Path<String>) -> Response {
    app.record("GET /login/qr/{name}");
    let key = name
        .bytes()
        .fold(0u64, |h, b| h.rotate_left(5) ^ u64::from(b));
    (
        [(header::CONTENT_TYPE, "image/png")],
        crate::png::render(key, 180, 180),
    )
        .into_response()
}

pub(super) async fn status(State(app): App, params: Params) -> Response {
    app.record("GET /login/status");
    let ticket = params.get("ticket").map(String::as_str).unwrap_or_default();
    match app.ticket_state(ticket) {
        TicketState::Waiting => json_response(StatusCode::OK, &json!({ "status": "waiting" })),
        TicketState::Expired => json_response(StatusCode::OK, &json!({ "status": "expired" })),
        TicketState::SignedIn(token) => {
            let mut response = json_response(StatusCode::OK, &json!({ "status": "signed_in" }));
            // The service's cookie is for `.zsxq.com`; the simulator's for its own host.
            let cookie = format!(
                "zsxq_access_token={token}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax",
                TOKEN_LIFETIME.as_secs()
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
    }
}

pub(super) async fn done(State(app): App) -> Response {
    app.record("GET /login/done");
    Html(DONE).into_response()
}

/// Sim-only: the phone. Scans the newest code a login page shows and answers
/// `{"ticket": …, "token": …}` (the token is what the page's cookie will carry), or HTTP 409
/// when no page shows a code that can still be scanned.
pub(super) async fn scan(State(app): App) -> Response {
    match app.scan() {
        Some((ticket, token)) => {
            json_response(StatusCode::OK, &json!({ "ticket": ticket, "token": token }))
        }
        None => http_fail(StatusCode::CONFLICT, 409, "no login page is showing a code"),
    }
}

pub(super) async fn record_probe(State(app): App, axum::Json(report): axum::Json<Value>) {
    app.login_probe(report);
}

pub(super) async fn probes(State(app): App) -> Response {
    json_response(StatusCode::OK, &app.login_probes())
}

const PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>知识星球 - 登录</title>
<style>body{font-family:sans-serif;text-align:center;margin-top:48px;color:#333}</style></head>
<body>
<h1>知识星球</h1>
<p>请使用微信扫描二维码登录</p>
<img id="qr" src="/login/qr/{ticket}.png" width="180" height="180" alt="微信登录二维码">
<p id="state" data-ticket="{ticket}">等待扫码…</p>
<script>
(function () {
  var state = document.getElementById("state");
  function poll() {
    fetch("/login/status?ticket={ticket}", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.status === "signed_in") { state.textContent = "登录成功"; location.replace("/login/done"); }
        else if (s.status === "expired") { state.textContent = "二维码已失效，请刷新页面"; }
        else { setTimeout(poll, 500); }
      }, function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>{probe}
</body>
</html>
"#;

/// The hostile part of `?probe=ipc`: calls two of the app's commands, one that reads the
/// archive and one that would replace the account, a moment after the page loaded (the bridge,
/// if a webview gives one, is installed as the page starts); then tries to leave for another
/// site.
const PROBE: &str = r#"
<script>
(function () {
  function report(r) {
    fetch("/__sim/login-probe", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(r) });
  }
  function attempt(command, args) {
    var bridge = window.__TAURI_INTERNALS__;
    if (!bridge || typeof bridge.invoke !== "function") {
      report({ command: command, bridge: false, outcome: "no bridge" });
      return;
    }
    bridge.invoke(command, { args: args }).then(
      function (answer) { report({ command: command, bridge: true, outcome: "answered", answer: answer }); },
      function (error) { report({ command: command, bridge: true, outcome: "refused", error: String(error) }); });
  }
  setTimeout(function () {
    attempt("app_info", {});
    attempt("sign_in", { token: "00000000-0000-0000-0000-000000000000_0000000000000000" });
    // And away from the sign-in, to a page that could pose as anything.
    setTimeout(function () { location.href = "https://example.com/elsewhere?from=login"; }, 300);
  }, 300);
})();
</script>"#;

const DONE: &str = r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>知识星球</title></head>
<body><p id="done">登录成功</p></body></html>
"#;
