//! How a [`Client`](super::Client) talks to the service: where, as which app version, how
//! patiently, and how politely.

use std::time::Duration;

use reqwest::Url;

use super::body::{DEFAULT_API_BODY_LIMIT, DEFAULT_PAGE_BODY_LIMIT};
use super::pacing::Pacing;
use super::retry::RetryPolicy;

/// The real JSON API.
pub const DEFAULT_BASE_URL: &str = "https://api.zsxq.com";

/// The web client version the requests claim. The service refuses requests without one as
/// "版本太旧" and has refused old values (code 1002).
///
/// 2.89.0 rather than the 2.94.0 of the 2026 clients (docs/protocol.md §2.4): every other
/// header says "the web client at wx.zsxq.com", and 2.89.0 is the version the captured web
/// client sent (April 2026) in the very captures that confirmed the signature, so the whole
/// set is one that was seen together. Which client 2.94.0 was seen on is not recorded. Raise
/// it, with the user agent, when the service starts refusing it.
pub const DEFAULT_X_VERSION: &str = "2.89.0";

/// A current desktop browser, because the cookie-based requests present themselves as the web
/// client at `wx.zsxq.com` (docs/protocol.md §2.1).
pub const DEFAULT_USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

/// Settings of a [`Client`](super::Client). `Default` is right for a real account; tests
/// against `zsxq-sim` on loopback set `base_url`, [`Pacing::none`] and a tiny [`RetryPolicy`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// Where the JSON API lives. Default [`DEFAULT_BASE_URL`]. Must be an absolute `http` or
    /// `https` URL; a path prefix (`http://127.0.0.1:8080/zsxq`) is kept.
    pub base_url: String,
    /// Where article pages (`https://articles.zsxq.com/id_….html`) are fetched from.
    ///
    /// `None` (the default) means: as they are when `base_url` is the real API, and re-pointed
    /// at `base_url` otherwise, so a simulator serves its own articles. See
    /// [`Client::article_html`](super::Client::article_html) for the exact rule.
    pub article_base_url: Option<String>,
    /// The `x-version` header. Default [`DEFAULT_X_VERSION`].
    pub x_version: String,
    /// The `user-agent` header. Default [`DEFAULT_USER_AGENT`].
    pub user_agent: String,
    /// The `x-aduid` header: an id of this installation, which the web client keeps in its
    /// local storage and sends with every API request (docs/protocol.md §2.4). The app passes
    /// the one saved in its settings (`orrery_core::settings`), so it stays the same across
    /// runs; `None` (the default) makes up a random one when the client is built, as a fresh
    /// browser profile would. Use [`web_id`](super::web_id) to make one.
    pub aduid: Option<String>,
    /// Sign every API request with `x-signature` (docs/protocol.md §2.4). Default `true`.
    ///
    /// For tests and diagnosis only: to show what the service (or the simulator) does with
    /// unsigned requests. An unsigned client draws 1059 refusals, and hammering through them
    /// gets the token banned (§4).
    pub sign_requests: bool,
    /// Giving up on establishing a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Giving up on a whole API request or article page, body included, and on the headers
    /// of a download (whose body may rightly take longer). Default 30 s. A timeout is retried.
    pub request_timeout: Duration,
    /// Giving up on a body whose next chunk does not come: a body that stalls half-way fails
    /// with [`ApiError::Timeout`](crate::ApiError::Timeout) after this long without a byte,
    /// whatever its kind. Default 30 s, the patience of `request_timeout`: a live connection
    /// sends something far more often, even a slow one.
    pub body_idle_timeout: Duration,
    /// The largest API response accepted, in bytes. Default [`DEFAULT_API_BODY_LIMIT`]
    /// (16 MiB); a larger one fails with [`ApiError::TooLarge`](crate::ApiError::TooLarge).
    pub api_body_limit: u64,
    /// The largest article page accepted, in bytes. Default [`DEFAULT_PAGE_BODY_LIMIT`]
    /// (8 MiB). Downloads (images, files) take their limit from the caller.
    pub page_body_limit: u64,
    /// The per-account request budget. Default [`Pacing::default`] (about one request every
    /// 2–3 s, a 60–120 s pause after every 50).
    pub pacing: Pacing,
    /// Back-off for transient failures. Default [`RetryPolicy::default`].
    pub retry: RetryPolicy,
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            article_base_url: None,
            x_version: DEFAULT_X_VERSION.to_owned(),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            aduid: None,
            sign_requests: true,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            body_idle_timeout: Duration::from_secs(30),
            api_body_limit: DEFAULT_API_BODY_LIMIT,
            page_body_limit: DEFAULT_PAGE_BODY_LIMIT,
            pacing: Pacing::default(),
            retry: RetryPolicy::default(),
        }
    }
}

impl ClientConfig {
    /// The defaults, pointed at another API root (a simulator, a proxy).
    pub fn with_base_url(base_url: impl Into<String>) -> Self {
        Self {
            base_url: base_url.into(),
            ..Self::default()
        }
    }
}

/// Why a [`Client`](super::Client) could not be built. Raised once, at start-up; calls report
/// [`ApiError`](crate::ApiError) instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// `base_url` or `article_base_url` is not an absolute `http(s)` URL.
    #[error("“{url}” is not an absolute http(s) URL")]
    InvalidUrl {
        /// The rejected URL.
        url: String,
    },
    /// `x_version`, `user_agent` or `aduid` cannot be sent as an HTTP header.
    #[error("the {name} setting contains characters that cannot be sent in an HTTP header")]
    InvalidHeader {
        /// Which setting.
        name: &'static str,
    },
    /// The HTTP stack failed to initialise (e.g. no TLS roots).
    #[error("could not set up the HTTP client: {reason}")]
    Http {
        /// What reqwest reported.
        reason: String,
    },
}

/// Parses an http(s) URL, normalising away a trailing slash so paths can be appended.
pub(crate) fn parse_http_url(text: &str) -> Result<Url, ClientError> {
    let invalid = || ClientError::InvalidUrl {
        url: text.to_owned(),
    };
    let url = Url::parse(text.trim()).map_err(|_| invalid())?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid());
    }
    Ok(url)
}

/// Whether `url` is the real API (so article URLs are fetched where they point).
pub(crate) fn is_default_base(url: &Url) -> bool {
    parse_http_url(DEFAULT_BASE_URL).is_ok_and(|default| default.origin() == url.origin())
}

/// Whether `url`'s host is `localhost` or a loopback IP address: a simulator on this machine,
/// the only service that may be sent requests without pacing.
///
/// The host is the one the HTTP client will connect to: the URL is read by the same WHATWG
/// parser reqwest uses, never by splitting text, so tricks such as a backslash before `@`
/// cannot make a remote host pass for loopback.
pub fn is_loopback_url(url: &str) -> bool {
    let Ok(parsed) = Url::parse(url.trim()) else {
        return false;
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return false;
    }
    // The parser has normalized the host: IPv6 in brackets, IPv4 in dotted decimal.
    let Some(host) = parsed.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_real_service() {
        let config = ClientConfig::default();
        assert_eq!(config.base_url, "https://api.zsxq.com");
        assert_eq!(config.x_version, "2.89.0");
        assert!(
            config.sign_requests,
            "signing is on unless a test turns it off"
        );
        assert_eq!(config.aduid, None);
        assert!(config.article_base_url.is_none());
        assert_eq!(config.pacing, Pacing::default());
        assert!(is_default_base(
            &parse_http_url(&config.base_url).expect("valid")
        ));
        let sim = ClientConfig::with_base_url("http://127.0.0.1:4000");
        assert!(!is_default_base(
            &parse_http_url(&sim.base_url).expect("valid")
        ));
    }

    #[test]
    fn only_absolute_http_urls_are_accepted() {
        for good in [
            "https://api.zsxq.com",
            "http://127.0.0.1:8080/",
            "http://localhost/x",
        ] {
            assert!(parse_http_url(good).is_ok(), "{good}");
        }
        for bad in ["", "api.zsxq.com", "file:///etc/passwd", "ftp://x.y", "/v2"] {
            assert_eq!(
                parse_http_url(bad),
                Err(ClientError::InvalidUrl {
                    url: bad.to_owned()
                }),
                "{bad}"
            );
        }
    }

    #[test]
    fn only_loopback_services_may_go_unpaced() {
        for yes in [
            "http://127.0.0.1:4000",
            "http://127.0.0.1",
            "http://localhost:80/x",
            "http://[::1]:9/",
            "http://127.9.9.9",
        ] {
            assert!(is_loopback_url(yes), "{yes}");
        }
        for no in [
            "https://api.zsxq.com",
            "http://10.0.0.1:4000",
            "http://127.0.0.1.example.com",
            "http://evil.com/@127.0.0.1",
            "127.0.0.1",
            "",
        ] {
            assert!(!is_loopback_url(no), "{no}");
        }
    }

    /// A text split on `@` took the host of `https://api.zsxq.com\@127.0.0.1` to be
    /// 127.0.0.1, while the HTTP client (a WHATWG parser: `\` is `/`) connects to
    /// api.zsxq.com: the real service would have been crawled without pacing.
    #[test]
    fn a_backslash_before_at_passed_the_real_service_for_loopback() {
        for remote in [
            r"https://api.zsxq.com\@127.0.0.1",
            r"https://api.zsxq.com\@localhost/",
            "https://api.zsxq.com#@127.0.0.1",
            "https://api.zsxq.com?@127.0.0.1",
            "https://127.0.0.1@api.zsxq.com",
            "file://localhost/etc/passwd",
        ] {
            let host = Url::parse(remote)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned));
            assert!(!is_loopback_url(remote), "{remote} connects to {host:?}");
        }
    }
}
