//! The service's header checks over real HTTP: `x-version`, `x-signature` (strict and
//! probabilistic), the ban of tokens that keep drawing 1059, and `x-expire-in` following the
//! clock. Requests here are built by hand, signed only where the test says so.

use std::time::{Duration, Instant};

use serde_json::json;
use zsxq::{ApiError, Empty, GroupsList, TopicsPage};
use zsxq_sim::{Faults, HeaderChecks, SimConfig};

use crate::support::{Raw, Sim, demo, sign, start, start_as_configured};

/// A GET of `path` with the sim's token and `x-version`, signed only when `signed`.
fn get(sim: &Sim, path: &str, token: &str, signed: bool) -> reqwest::Request {
    let mut request = sim
        .client
        .get(sim.url(path))
        .header("cookie", format!("zsxq_access_token={token}"))
        .build()
        .expect("request");
    if signed {
        sign(&mut request);
    } else {
        request
            .headers_mut()
            .insert("x-version", "2.89.0".parse().expect("value"));
    }
    request
}

async fn send(sim: &Sim, path: &str, token: &str, signed: bool) -> Raw {
    sim.execute(get(sim, path, token, signed)).await
}

fn strict(ban_after: Option<u32>) -> SimConfig {
    SimConfig {
        headers: HeaderChecks {
            ban_after,
            ..HeaderChecks::strict()
        },
        ..demo()
    }
}

fn expire_in(raw: &Raw) -> u64 {
    raw.headers
        .get("x-expire-in")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("x-expire-in on every answer to a signed-in request")
}

#[tokio::test]
async fn a_missing_x_version_is_refused_as_too_old() {
    let sim = start(demo()).await;
    let mut request = get(&sim, "/v2/groups", &sim.token, true);
    request.headers_mut().remove("x-version");
    let raw = sim.execute(request).await;
    assert_eq!(raw.status, 200);
    assert_eq!(raw.json()["code"], json!(1002));
    assert_eq!(raw.json()["error"], json!("版本太旧"));
    assert_eq!(raw.decode::<Empty>(), Err(ApiError::ApiVersionTooOld));
    // Even when the dice would let an unsigned request through.
    let lenient = start_as_configured(SimConfig {
        headers: HeaderChecks::lenient(),
        ..demo()
    })
    .await;
    let mut request = get(&lenient, "/v2/groups", &lenient.token, false);
    request.headers_mut().remove("x-version");
    assert_eq!(
        lenient.execute(request).await.decode::<Empty>(),
        Err(ApiError::ApiVersionTooOld)
    );
    let unsigned = send(&lenient, "/v2/groups", &lenient.token, false).await;
    assert!(unsigned.decode::<GroupsList>().is_ok());
}

#[tokio::test]
async fn strict_mode_refuses_missing_and_wrong_signatures_with_the_services_1059() {
    let sim = start_as_configured(strict(None)).await;
    let group = sim.group_ids().await[0];
    // Percent-escapes in the query: signed and checked as sent, never decoded.
    let path =
        format!("/v2/groups/{group}/topics?scope=all&end_time=2025-12-10T13%3A56%3A05.120%2B0800");
    let signed = send(&sim, &path, &sim.token, true).await;
    assert!(
        signed.decode::<TopicsPage>().is_ok(),
        "a right signature passes"
    );
    let unsigned = send(&sim, "/v2/groups", &sim.token, false).await;
    assert_eq!(unsigned.status, 200);
    // The service's shape: the message in `info`, neither `error` nor `resp_data`.
    assert_eq!(
        unsigned.json(),
        json!({"succeeded": false, "code": 1059, "info": "不支持非官方工具访问"})
    );
    assert!(matches!(
        unsigned.decode::<Empty>(),
        Err(ApiError::Throttled { message: Some(_) })
    ));

    // Signatures over another string than the one sent: another host, the query decoded.
    let wrong_host = sim.url("/v2/groups").replace("127.0.0.1", "localhost");
    let decoded = sim.url(&format!(
        "/v2/groups/{group}/topics?scope=all&end_time=2025-12-10T13:56:05.120+0800"
    ));
    for signed_url in [wrong_host, decoded] {
        let mut request = get(&sim, &path, &sim.token, true);
        let headers = request.headers();
        let signature = zsxq::client::sign(
            &signed_url,
            headers["x-timestamp"]
                .to_str()
                .expect("ascii")
                .parse()
                .expect("secs"),
            headers["x-request-id"].to_str().expect("ascii"),
        );
        request
            .headers_mut()
            .insert("x-signature", signature.parse().expect("value"));
        let raw = sim.execute(request).await;
        assert_eq!(raw.json()["code"], json!(1059), "{signed_url}");
    }
    // A right signature with a changed request id or timestamp is wrong too.
    let mut replayed = get(&sim, "/v2/groups", &sim.token, true);
    replayed.headers_mut().insert(
        "x-request-id",
        zsxq::client::web_id().parse().expect("value"),
    );
    assert_eq!(sim.execute(replayed).await.json()["code"], json!(1059));
}

#[tokio::test]
async fn unsigned_requests_are_refused_now_and_then_by_default() {
    let sim = start_as_configured(SimConfig {
        headers: HeaderChecks {
            ban_after: None,
            ..HeaderChecks::default()
        },
        ..demo()
    })
    .await;
    let mut refused = 0;
    for _ in 0..60 {
        let raw = send(&sim, "/v2/groups", &sim.token, false).await;
        if raw.json()["code"] == json!(1059) {
            refused += 1;
        }
    }
    // Drawn from the seed: the same count on every run; the bounds say "some, not all".
    assert!((3..=30).contains(&refused), "{refused} of 60 refused");
    for _ in 0..20 {
        let raw = send(&sim, "/v2/groups", &sim.token, true).await;
        assert!(raw.decode::<GroupsList>().is_ok(), "signed requests pass");
    }
}

#[tokio::test]
async fn repeated_1059s_ban_the_token_until_a_new_one_is_issued() {
    let sim = start_as_configured(strict(Some(3))).await;
    for _ in 0..3 {
        let raw = send(&sim, "/v2/groups", &sim.token, false).await;
        assert_eq!(raw.json()["code"], json!(1059));
    }
    // Banned: even a right signature gets 401 now, and keeps getting it.
    for _ in 0..2 {
        let raw = send(&sim, "/v2/groups", &sim.token, true).await;
        assert_eq!(raw.status, 401);
        assert_eq!(raw.decode::<Empty>(), Err(ApiError::Unauthorized));
    }
    let fresh = sim.handle.issue_token();
    let raw = send(&sim, "/v2/groups", &fresh, true).await;
    assert!(raw.decode::<GroupsList>().is_ok());
    assert_eq!(
        send(&sim, "/v2/groups", &sim.token, true).await.status,
        401,
        "the banned token stays banned"
    );
}

#[tokio::test]
async fn refusals_spread_wider_than_the_window_or_injected_ones_never_ban() {
    let sim = start_as_configured(SimConfig {
        headers: HeaderChecks {
            ban_after: Some(3),
            ban_window: Duration::from_secs(300),
            ..HeaderChecks::strict()
        },
        ..demo()
    })
    .await;
    for _ in 0..4 {
        for _ in 0..2 {
            let raw = send(&sim, "/v2/groups", &sim.token, false).await;
            assert_eq!(raw.json()["code"], json!(1059));
        }
        sim.handle.advance_clock(Duration::from_secs(301));
    }
    let raw = send(&sim, "/v2/groups", &sim.token, true).await;
    assert!(
        raw.decode::<GroupsList>().is_ok(),
        "two per window never ban"
    );

    // The random refusals of `Faults::p_1059` hit signed clients too, and do not count.
    sim.handle.set_faults(Faults {
        p_1059: 1.0,
        ..Faults::default()
    });
    for _ in 0..10 {
        let raw = send(&sim, "/v2/groups", &sim.token, true).await;
        assert_eq!(raw.json()["code"], json!(1059));
    }
    sim.handle.set_faults(Faults::default());
    let raw = send(&sim, "/v2/groups", &sim.token, true).await;
    assert!(raw.decode::<GroupsList>().is_ok());
}

#[tokio::test]
async fn x_expire_in_counts_down_with_time_not_with_requests() {
    let sim = start(demo()).await;
    let started = Instant::now();
    let first = expire_in(&send(&sim, "/v2/groups", &sim.token, true).await);
    assert!(first <= 2_592_000 && first > 2_592_000 - 60, "{first}");
    for _ in 0..30 {
        send(&sim, "/v2/groups", &sim.token, true).await;
    }
    sim.handle.advance_clock(Duration::from_secs(3600));
    let later = expire_in(&send(&sim, "/v2/groups", &sim.token, true).await);
    // An hour of the sim's clock, plus however many real seconds the test took (a bound, not
    // a timing assertion): 30 requests alone would not move it.
    let real = started.elapsed().as_secs() + 1;
    assert!(
        first - later >= 3600 && first - later <= 3600 + real,
        "{first} → {later}"
    );
    // Refusals say it too.
    let refused = send(&sim, "/v2/groups", &sim.token, false).await;
    assert!(expire_in(&refused) <= later);
    // At the end of its 30 days the token is refused.
    sim.handle.advance_clock(Duration::from_secs(2_592_000));
    assert_eq!(send(&sim, "/v2/groups", &sim.token, true).await.status, 401);
}
