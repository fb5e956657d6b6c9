//! The request headers of the web client (docs/protocol.md §2.1), built fresh for every attempt.
//!
//! Only the `zsxq_access_token` cookie authenticates; the rest makes the request look like the
//! web client's, which is what keeps 1059 refusals rare: a missing `x-version` is refused
//! outright, `x-timestamp`/`x-request-id` change on every attempt as in the real client, and
//! every API request carries `x-signature`, the SHA-1 of its URL, timestamp and request id
//! ([`signature`](super::signature), §2.4). Requests without one, or with a wrong one, are
//! refused with code 1059 "probabilistically", and clients that keep hammering get their token
//! banned (§4). `x-aduid` names the installation, as the web client's local storage does.
//!
//! Pages and media (other hosts, signed URLs of their own) get a browser's headers and neither
//! signature nor ids.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};

use super::config::{ClientConfig, ClientError};
use super::signature;
use super::token::{AccessToken, COOKIE_NAME};

pub(crate) const X_VERSION: HeaderName = HeaderName::from_static("x-version");
pub(crate) const X_TIMESTAMP: HeaderName = HeaderName::from_static("x-timestamp");
pub(crate) const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
pub(crate) const X_SIGNATURE: HeaderName = HeaderName::from_static("x-signature");
pub(crate) const X_ADUID: HeaderName = HeaderName::from_static("x-aduid");
/// Seconds until the token expires, on every response (§2.3).
pub(crate) const X_EXPIRE_IN: HeaderName = HeaderName::from_static("x-expire-in");

const WEB_ORIGIN: &str = "https://wx.zsxq.com";
const WEB_REFERER: &str = "https://wx.zsxq.com/";

/// What a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The JSON API, with the web client's full header set.
    Api,
    /// A web page (an article), as a browser tab would fetch it.
    Page,
    /// An image or file a topic links to, as a browser would fetch it.
    Media,
}

/// The header values that never change for a client, validated once when it is built.
#[derive(Debug, Clone)]
pub(crate) struct FixedHeaders {
    x_version: HeaderValue,
    user_agent: HeaderValue,
    aduid: HeaderValue,
}

impl FixedHeaders {
    pub(crate) fn new(config: &ClientConfig) -> Result<Self, ClientError> {
        let value = |text: &str, name| {
            HeaderValue::from_str(text.trim()).map_err(|_| ClientError::InvalidHeader { name })
        };
        Ok(Self {
            x_version: value(&config.x_version, "x_version")?,
            user_agent: value(&config.user_agent, "user_agent")?,
            aduid: match &config.aduid {
                Some(aduid) => value(aduid, "aduid")?,
                None => value(&signature::web_id(), "aduid")?,
            },
        })
    }
}

/// What differs between two attempts of the same request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// Unix seconds.
    pub(crate) unix_secs: u64,
    /// A random id in the web client's format ([`signature::web_id`]).
    pub(crate) request_id: String,
}

impl Stamp {
    pub(crate) fn now() -> Self {
        let unix_secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        Self {
            unix_secs,
            request_id: signature::web_id(),
        }
    }
}

/// The headers of one attempt. `token` is `None` for pages on hosts that must not see it;
/// `signature` is the attempt's `x-signature` ([`signature::sign`] of the URL sent with `stamp`),
/// `None` when signing is switched off. Both only matter to [`Kind::Api`].
pub(crate) fn build(
    fixed: &FixedHeaders,
    token: Option<&AccessToken>,
    stamp: &Stamp,
    signature: Option<&str>,
    kind: Kind,
) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(10);
    headers.insert(header::USER_AGENT, fixed.user_agent.clone());
    headers.insert(header::REFERER, HeaderValue::from_static(WEB_REFERER));
    if let Some(token) = token {
        // `AccessToken::new` only admits cookie-safe characters, so this cannot fail; if it
        // somehow did, the request goes out unauthenticated and comes back 401 rather than
        // the value ending up in a panic message.
        let cookie = format!("{COOKIE_NAME}={}", token.expose_secret());
        if let Ok(mut value) = HeaderValue::from_str(&cookie) {
            // Keeps the value out of `Debug` output of the header map (and of reqwest's logs).
            value.set_sensitive(true);
            headers.insert(header::COOKIE, value);
        }
    }
    match kind {
        Kind::Api => {
            headers.insert(
                header::ACCEPT,
                HeaderValue::from_static("application/json, text/plain, */*"),
            );
            headers.insert(header::ORIGIN, HeaderValue::from_static(WEB_ORIGIN));
            headers.insert(X_VERSION, fixed.x_version.clone());
            headers.insert(X_TIMESTAMP, HeaderValue::from(stamp.unix_secs));
            if let Ok(id) = HeaderValue::from_str(&stamp.request_id) {
                headers.insert(X_REQUEST_ID, id);
            }
            // Hex digits only, so this cannot fail.
            if let Some(Ok(value)) = signature.map(HeaderValue::from_str) {
                headers.insert(X_SIGNATURE, value);
            }
            headers.insert(X_ADUID, fixed.aduid.clone());
        }
        Kind::Page => {
            headers.insert(
                header::ACCEPT,
                HeaderValue::from_static("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
            );
        }
        Kind::Media => {
            headers.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        }
    }
    headers
}

/// `x-expire-in` as seconds; absent or unreadable gives `None`.
pub(crate) fn expire_in(headers: &HeaderMap) -> Option<u64> {
    headers.get(X_EXPIRE_IN)?.to_str().ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0C7D5B83-1738-752B-67FE-B057A0866AF1_9A1B2C3D4E5F6071";

    fn fixed() -> FixedHeaders {
        FixedHeaders::new(&ClientConfig::default()).expect("default headers are valid")
    }

    fn stamp() -> Stamp {
        Stamp {
            unix_secs: 1_775_781_873,
            request_id: "0c7d5b83a-1738-752b-67fe-b057a0866af".into(),
        }
    }

    const SIGNATURE: &str = "c6890acb5bf4589a15c6e052adf6ba194dd28c79";

    fn text(headers: &HeaderMap, name: impl header::AsHeaderName) -> &str {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("<missing>")
    }

    #[test]
    fn api_requests_carry_the_web_clients_headers() {
        let token = AccessToken::new(TOKEN).expect("valid");
        let headers = build(&fixed(), Some(&token), &stamp(), Some(SIGNATURE), Kind::Api);
        assert_eq!(
            text(&headers, header::COOKIE),
            format!("zsxq_access_token={TOKEN}")
        );
        assert_eq!(text(&headers, "x-version"), "2.89.0");
        assert_eq!(text(&headers, "x-timestamp"), "1775781873");
        assert_eq!(
            text(&headers, "x-request-id"),
            "0c7d5b83a-1738-752b-67fe-b057a0866af"
        );
        assert_eq!(text(&headers, "x-signature"), SIGNATURE);
        assert_eq!(text(&headers, "x-aduid").len(), 36);
        assert_eq!(
            text(&headers, header::ACCEPT),
            "application/json, text/plain, */*"
        );
        assert_eq!(text(&headers, header::ORIGIN), "https://wx.zsxq.com");
        assert_eq!(text(&headers, header::REFERER), "https://wx.zsxq.com/");
        assert!(text(&headers, header::USER_AGENT).starts_with("Mozilla/5.0"));
        let unsigned = build(&fixed(), Some(&token), &stamp(), None, Kind::Api);
        assert!(unsigned.get("x-signature").is_none());
    }

    #[test]
    fn the_aduid_is_the_configured_one_or_a_random_one_per_client() {
        let config = ClientConfig {
            aduid: Some("587c45f2a-957f-2c43-a7ea-09178c30e53".into()),
            ..ClientConfig::default()
        };
        let configured = FixedHeaders::new(&config).expect("valid");
        let headers = build(&configured, None, &stamp(), None, Kind::Api);
        assert_eq!(
            text(&headers, "x-aduid"),
            "587c45f2a-957f-2c43-a7ea-09178c30e53"
        );
        let (a, b) = (fixed(), fixed());
        assert_ne!(
            a.aduid, b.aduid,
            "two unconfigured clients are two browsers"
        );
        let bad = ClientConfig {
            aduid: Some("a\nb".into()),
            ..ClientConfig::default()
        };
        assert_eq!(
            FixedHeaders::new(&bad).err(),
            Some(ClientError::InvalidHeader { name: "aduid" })
        );
    }

    #[test]
    fn the_cookie_is_hidden_from_debug_output() {
        let token = AccessToken::new(TOKEN).expect("valid");
        let headers = build(&fixed(), Some(&token), &stamp(), Some(SIGNATURE), Kind::Api);
        assert!(
            headers
                .get(header::COOKIE)
                .is_some_and(|v| v.is_sensitive())
        );
        let debug = format!("{headers:?}");
        assert!(!debug.contains(TOKEN), "{debug}");
    }

    #[test]
    fn pages_ask_for_html_and_may_go_without_the_token() {
        let headers = build(&fixed(), None, &stamp(), Some(SIGNATURE), Kind::Page);
        assert!(headers.get(header::COOKIE).is_none());
        assert!(headers.get("x-version").is_none());
        assert!(headers.get("x-signature").is_none());
        assert!(headers.get("x-aduid").is_none());
        assert!(text(&headers, header::ACCEPT).starts_with("text/html"));
    }

    #[test]
    fn stamps_carry_fresh_web_ids() {
        let (a, b) = (Stamp::now(), Stamp::now());
        assert_ne!(a.request_id, b.request_id);
        assert_eq!(a.request_id.len(), 36);
        assert_eq!(
            a.request_id.find('-'),
            Some(9),
            "the web client's 9-4-4-4-11"
        );
        assert!(a.unix_secs > 1_700_000_000);
    }

    #[test]
    fn expire_in_is_read_as_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(expire_in(&headers), None);
        headers.insert(X_EXPIRE_IN, HeaderValue::from_static("2591820"));
        assert_eq!(expire_in(&headers), Some(2_591_820));
        headers.insert(X_EXPIRE_IN, HeaderValue::from_static("soon"));
        assert_eq!(expire_in(&headers), None);
    }

    #[test]
    fn unsendable_settings_are_refused_up_front() {
        let config = ClientConfig {
            x_version: "2.89.0\nx-evil: 1".into(),
            ..ClientConfig::default()
        };
        assert_eq!(
            FixedHeaders::new(&config).err(),
            Some(ClientError::InvalidHeader { name: "x_version" })
        );
    }
}
