//! The web sign-in page: a code shown, scanned, and the cookie set as the service sets it.

use super::support::{demo, start};
use serde_json::Value;

async fn json(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.expect("a body")).expect("JSON")
}

#[tokio::test]
async fn scanning_the_code_sets_an_http_only_token_cookie_that_the_api_accepts() {
    let sim = start(demo()).await;
    let base = sim.handle.base_url().to_owned();
    let http = sim.client.clone();

    assert_eq!(sim.handle.scan_login(), None, "no page shows a code yet");
    let page = http
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("html");
    let ticket = page
        .split("data-ticket=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page names its code")
        .to_owned();
    assert!(page.contains(&format!("/login/qr/{ticket}.png")));
    assert!(
        !page.contains("__TAURI_INTERNALS__"),
        "no probe unless asked for"
    );
    let qr = http
        .get(format!("{base}/login/qr/{ticket}.png"))
        .send()
        .await
        .expect("qr");
    assert!(qr.bytes().await.expect("png").starts_with(b"\x89PNG"));

    let poll = || async {
        http.get(format!("{base}/login/status?ticket={ticket}"))
            .send()
            .await
            .expect("poll")
    };
    let waiting = poll().await;
    assert!(waiting.headers().get("set-cookie").is_none());
    assert_eq!(json(waiting).await["status"], "waiting");

    let token = sim.handle.scan_login().expect("the page's code is scanned");
    assert_ne!(token, sim.token, "a sign-in issues a new token");
    assert_eq!(sim.handle.scan_login(), None, "a code is scanned once");
    let signed_in = poll().await;
    let cookie = signed_in
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .expect("the cookie is set")
        .to_owned();
    assert!(
        cookie.starts_with(&format!("zsxq_access_token={token};")),
        "{cookie}"
    );
    assert!(
        cookie.contains("HttpOnly"),
        "page script cannot read it: {cookie}"
    );
    assert_eq!(json(signed_in).await["status"], "signed_in");

    // The token works on the API, and a visit with the cookie is a signed-in visit.
    let user: zsxq::UserResponse = sim
        .raw_as("/v3/users/self", Some(&token))
        .await
        .decode()
        .expect("the new token is accepted");
    assert!(!user.user.name.is_empty());
    let again = http
        .get(format!("{base}/login"))
        .header("cookie", format!("zsxq_access_token={token}"))
        .send()
        .await
        .expect("again");
    assert!(again.text().await.expect("html").contains("登录成功"));
    let stats = sim.handle.requests();
    assert_eq!(stats.route("GET /login"), 1);
    assert_eq!(stats.route("GET /login (signed in)"), 1);

    // Unknown codes are expired codes.
    let unknown = http
        .get(format!("{base}/login/status?ticket=nope"))
        .send()
        .await
        .expect("poll");
    assert_eq!(json(unknown).await["status"], "expired");
}

#[tokio::test]
async fn the_probe_page_reports_what_it_tried() {
    let sim = start(demo()).await;
    let base = sim.handle.base_url().to_owned();
    let http = sim.client.clone();
    let page = http
        .get(format!("{base}/login?probe=ipc"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("__TAURI_INTERNALS__"));
    let report = serde_json::json!({ "command": "app_info", "outcome": "no bridge" });
    http.post(format!("{base}/__sim/login-probe"))
        .header("content-type", "application/json")
        .body(report.to_string())
        .send()
        .await
        .expect("report");
    assert_eq!(sim.handle.login_probes(), vec![report]);
}
