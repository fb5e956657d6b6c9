//! The service's header checks, called by `faults::api_layer` in front of every API route
//! ([`crate::HeaderChecks`]): the `x-version` it insists on, the `x-signature` it verifies
//! (docs/protocol.md §2.4), and the ban of tokens that keep drawing 1059 refusals (§4).
//!
//! The signature is recomputed here from the request as received, independently of the `zsxq`
//! crate's signer: the SHA-1 of `http://{Host}{path?query} {x-timestamp} {x-request-id}`, the
//! path and query byte for byte as they arrived (never decoded and re-encoded), so a client that
//! signs one string and sends another is caught. The timestamp's age and the request id's
//! uniqueness are not checked: whether the service checks them is unknown.

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::time::Duration;

use axum::extract::{OriginalUri, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha1::{Digest, Sha1};
use zsxq::error::codes::{API_VERSION_TOO_OLD, SIGNATURE_REJECTED};
use zsxq::{Empty, Envelope};

use crate::config::HeaderChecks;
use crate::routes::fail;
use crate::server::Shared;

/// What the service says when it turns a request away with 1059 (docs/protocol.md §4; a
/// longer variant adds an advertisement for the official Skill).
pub(crate) const REFUSED_INFO: &str = "不支持非官方工具访问";
/// The "version too old" wording reported for a missing `x-version` (docs/protocol.md §2.2).
/// Invented: that it comes with code 1002 (the code the service gives old `/v1` paths, which
/// the same report says are refused "the same way") and in `error`, the sim's usual place.
const TOO_OLD_ERROR: &str = "版本太旧";

/// What a request's headers amount to, before any dice are thrown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// `x-version` is there and `x-signature` is right.
    Valid,
    /// No `x-version` (or an empty one).
    NoVersion,
    /// `x-signature`, `x-timestamp` or `x-request-id` is missing, or the signature is wrong.
    BadSignature,
}

/// The signature of `url` stamped with the timestamp and request id, as the service computes
/// it: lowercase hex SHA-1 of the three joined by single spaces.
pub(crate) fn sign(url: &str, timestamp: &str, request_id: &str) -> String {
    let digest = Sha1::digest(format!("{url} {timestamp} {request_id}").as_bytes());
    digest
        .iter()
        .fold(String::with_capacity(40), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// The URL the client must have signed: `http://` (the simulator serves plain HTTP), the `Host`
/// header and the path and query exactly as they arrived.
fn received_url(request: &Request) -> Option<String> {
    let uri = request
        .extensions()
        .get::<OriginalUri>()
        .map_or(request.uri(), |original| &original.0);
    let host = match request.headers().get(header::HOST) {
        Some(host) => host.to_str().ok()?.to_owned(),
        // HTTP/2 carries the host in the URI's authority instead.
        None => uri.authority()?.as_str().to_owned(),
    };
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
    Some(format!("http://{host}{path}"))
}

/// Reads the headers of `request`.
pub(crate) fn inspect(request: &Request) -> Verdict {
    let headers = request.headers();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    if text("x-version").is_none() {
        return Verdict::NoVersion;
    }
    let (Some(signature), Some(timestamp), Some(request_id), Some(url)) = (
        text("x-signature"),
        text("x-timestamp"),
        text("x-request-id"),
        received_url(request),
    ) else {
        return Verdict::BadSignature;
    };
    if sign(&url, timestamp, request_id) == signature {
        Verdict::Valid
    } else {
        Verdict::BadSignature
    }
}

/// The checks of [`HeaderChecks`] for a request whose `token` was let in: `None` to go on,
/// or the refusal to answer with.
pub(crate) fn check(app: &Shared, token: &str, request: &Request) -> Option<Response> {
    match inspect(request) {
        Verdict::Valid => None,
        Verdict::NoVersion => Some(fail(API_VERSION_TOO_OLD, TOO_OLD_ERROR)),
        Verdict::BadSignature => app.refuse_unsigned(token).then(refused),
    }
}

/// The 1059 refusal, shaped like the service's: the message in `info`, no `error`, no
/// `resp_data` (`{"succeeded":false,"code":1059,"info":"不支持非官方工具访问"}`, as quoted
/// from live responses in public projects).
pub(crate) fn refused() -> Response {
    let envelope = Envelope::<Empty> {
        succeeded: false,
        code: Some(SIGNATURE_REJECTED),
        info: Some(REFUSED_INFO.to_owned()),
        error: None,
        resp_data: None,
    };
    match serde_json::to_vec(&envelope) {
        Ok(bytes) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Signature refusals per token, for the ban of [`HeaderChecks::ban_after`].
#[derive(Debug, Default)]
pub(crate) struct Strikes {
    /// When each token was refused, oldest first, in the simulator's clock.
    by_token: HashMap<String, VecDeque<Duration>>,
    /// Unsigned requests seen, which numbers their draws: the signature dice are thrown from
    /// their own stream, so they do not shift the draws of [`crate::Faults`].
    unsigned: u64,
}

impl Strikes {
    /// The index of the next unsigned request's draw.
    pub(crate) fn next_draw(&mut self) -> u64 {
        self.unsigned += 1;
        self.unsigned
    }

    /// Records a refusal of `token` at `now`; `true` when that makes `ban_after` refusals
    /// within `ban_window`, and the token is to be banned (its record is then forgotten).
    pub(crate) fn strike(&mut self, token: &str, now: Duration, checks: &HeaderChecks) -> bool {
        let Some(limit) = checks.ban_after else {
            return false;
        };
        let times = self.by_token.entry(token.to_owned()).or_default();
        times.push_back(now);
        while times
            .front()
            .is_some_and(|&at| now.saturating_sub(at) > checks.ban_window)
        {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            self.by_token.remove(token);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;

    /// The vectors published with the algorithm (PROTOCOL.md §2.4), so the simulator's own
    /// signer is checked against the service's, not against the client it is testing.
    #[test]
    fn the_signer_matches_the_published_vectors() {
        assert_eq!(
            sign(
                "https://api.zsxq.com/v2/hashtags/828881214282/topics?count=1",
                "1775781873",
                "0c7d5b83a-1738-752b-67fe-b057a0866af",
            ),
            "c6890acb5bf4589a15c6e052adf6ba194dd28c79"
        );
        assert_eq!(
            sign(
                "https://api.zsxq.com/v2/groups/48885154455258/topics",
                "1774404109",
                "c5aba2394-1790-4f97-84c8-ebca01cb272",
            ),
            "9a50178a81cd42977b7688a2a347a1218c5025fe"
        );
    }

    const PATH: &str = "/v2/groups/1/topics?end_time=2025-12-10T13%3A56%3A05.120%2B0800";

    fn request(headers: &[(&str, &str)]) -> Request {
        let mut builder = Request::builder()
            .uri(PATH)
            .header("host", "127.0.0.1:4000");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(Body::empty()).expect("request")
    }

    fn signed(url: &str) -> Request {
        let signature = sign(url, "1765355224", "id-1");
        request(&[
            ("x-version", "2.89.0"),
            ("x-timestamp", "1765355224"),
            ("x-request-id", "id-1"),
            ("x-signature", &signature),
        ])
    }

    #[test]
    fn a_missing_x_version_is_refused_before_the_signature_is_looked_at() {
        assert_eq!(inspect(&request(&[])), Verdict::NoVersion);
        assert_eq!(inspect(&request(&[("x-version", " ")])), Verdict::NoVersion);
        assert_eq!(
            inspect(&request(&[("x-version", "2.89.0")])),
            Verdict::BadSignature
        );
    }

    #[test]
    fn the_signature_covers_the_host_and_the_query_as_received() {
        let url = format!("http://127.0.0.1:4000{PATH}");
        assert_eq!(inspect(&signed(&url)), Verdict::Valid);
        // Another host, the query decoded, https: each is a different string.
        for wrong in [
            format!("http://127.0.0.1:4001{PATH}"),
            "http://127.0.0.1:4000/v2/groups/1/topics?end_time=2025-12-10T13:56:05.120+0800"
                .to_owned(),
            format!("https://127.0.0.1:4000{PATH}"),
        ] {
            assert_eq!(inspect(&signed(&wrong)), Verdict::BadSignature, "{wrong}");
        }
        let mut uppercase = signed(&url);
        let shouted = sign(&url, "1765355224", "id-1").to_uppercase();
        uppercase
            .headers_mut()
            .insert("x-signature", shouted.parse().expect("header"));
        assert_eq!(inspect(&uppercase), Verdict::BadSignature);
    }

    #[test]
    fn a_ban_takes_ban_after_refusals_within_the_window() {
        let checks = HeaderChecks {
            ban_after: Some(3),
            ban_window: Duration::from_secs(60),
            ..HeaderChecks::default()
        };
        let mut strikes = Strikes::default();
        let at = Duration::from_secs;
        assert!(!strikes.strike("a", at(0), &checks));
        assert!(!strikes.strike("a", at(10), &checks));
        assert!(!strikes.strike("b", at(11), &checks), "counted per token");
        // The first refusal has left the window: two in it.
        assert!(!strikes.strike("a", at(65), &checks));
        assert!(strikes.strike("a", at(66), &checks));
        // The record goes with the ban: counting starts afresh.
        assert!(!strikes.strike("a", at(67), &checks));
        let never = HeaderChecks::lenient();
        assert!((0..100).all(|i| !strikes.strike("c", at(i), &never)));
    }
}
