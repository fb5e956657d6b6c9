//! The paced, retrying HTTP client.
//!
//! [`Client`] speaks the web client's dialect of the JSON API (docs/protocol.md §2): the
//! `zsxq_access_token` cookie from an [`AccessToken`], `x-version`, `x-aduid`, a fresh
//! `x-timestamp` and `x-request-id` per attempt, the `x-signature` of exactly the URL sent
//! ([`sign`], §2.4), and the `wx.zsxq.com` origin. Every call
//!
//! 1. waits for the account's turn in the shared [`Pacing`] budget (one budget per client and
//!    all its clones; build one `Client` per account and clone it),
//! 2. sends the request with reqwest (rustls),
//! 3. reads the body chunk by chunk within a size limit and an idle timeout (see [`body`]:
//!    16 MiB for API JSON, 8 MiB for article pages, the caller's limit for downloads, which
//!    stream into a [`BodySink`] such as a temporary file instead of memory),
//! 4. decodes the envelope into the crate's models or a classified [`ApiError`],
//! 5. on a transient failure (1059, 429, 5xx, timeouts, cut-off bodies) backs off and tries
//!    again per the [`RetryPolicy`] — never on 401, and for posts only when the service
//!    refused at the door (1059/429), so a post is never sent twice by accident,
//! 6. hands back a [`Response`] carrying `x-expire-in`, the token's remaining lifetime.
//!
//! There is one method per endpoint (listed under [Calls](#calls)), and [`TopicPager`] walks a
//! whole topic list with the inclusive `end_time` cursor.
//!
//! Tests and benchmarks against `zsxq-sim` on loopback build the client with
//! [`Pacing::none`] and a millisecond [`RetryPolicy::immediate`]; nothing else should.
//!
//! # Calls
//!
//! Reads: [`Client::self_user`], [`Client::groups`], [`Client::group`], [`Client::topics`],
//! [`Client::hashtag_topics`], [`Client::column_topics`], [`Client::topic`],
//! [`Client::comments`], [`Client::hashtags`], [`Client::columns`], [`Client::menus`],
//! [`Client::last_read_times`], [`Client::unread_topic_counts`], [`Client::dynamics`],
//! [`Client::unanswered_questions_brief`], [`Client::file_download_url`],
//! [`Client::article_html`], [`Client::media`], [`Client::download`]. Writes: [`Client::set_last_read_times`], [`Client::answer`],
//! [`Client::comment`], [`Client::create_talk`], [`Client::like`].

mod article;
mod body;
mod config;
mod endpoints;
mod headers;
mod pacing;
mod pager;
mod resume;
mod retry;
mod signature;
mod token;

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use backon::Retryable;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};

pub use body::{BodySink, DEFAULT_API_BODY_LIMIT, DEFAULT_PAGE_BODY_LIMIT, DownloadError};
pub use config::{
    ClientConfig, ClientError, DEFAULT_BASE_URL, DEFAULT_USER_AGENT, DEFAULT_X_VERSION,
    is_loopback_url,
};
pub use endpoints::{
    CommentsQuery, DEFAULT_PAGE_SIZE, DynamicsScope, MAX_TOPICS_PER_PAGE, TopicScope, TopicsQuery,
};
pub use pacing::{Pacing, PacingStats};
pub use pager::{TopicBatch, TopicPager, TopicSource};
pub use retry::RetryPolicy;
pub use signature::{sign, web_id};
pub use token::{AccessToken, InvalidToken};

use crate::{ApiError, decode_response};
use headers::{FixedHeaders, Kind, Stamp};
use pacing::Pacer;
use retry::{Idempotency, should_retry};

/// A successful call's payload, with what the response headers said about the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Response<T> {
    /// The decoded `resp_data` (or page text).
    pub data: T,
    /// `x-expire-in`: how long the token remains valid, when the service said (it does on
    /// every response of the real API, docs/protocol.md §2.3). Warn the user well before zero.
    pub expires_in: Option<Duration>,
}

impl<T> Response<T> {
    /// The payload alone.
    pub fn into_data(self) -> T {
        self.data
    }

    /// Transforms the payload, keeping the headers' information.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            data: f(self.data),
            expires_in: self.expires_in,
        }
    }
}

/// A ZSXQ client for one account. Cheap to clone; clones share the connection pool, the
/// token and — importantly — the pacing budget.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    /// Where `*.zsxq.com` article URLs are re-pointed, if anywhere (see [`article`]).
    article_origin: Option<Url>,
    fixed: FixedHeaders,
    token: AccessToken,
    config: ClientConfig,
    pacer: Pacer,
    /// The last `x-expire-in` seen, in seconds; `NO_EXPIRY` until one arrives.
    expires_in: AtomicU64,
}

const NO_EXPIRY: u64 = u64::MAX;

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token's own Debug is redacted, but leaving it out entirely is simpler to audit.
        f.debug_struct("Client")
            .field("base_url", &self.inner.base.as_str())
            .field("pacing", &self.inner.config.pacing)
            .finish_non_exhaustive()
    }
}

/// One logical request, replayable across attempts.
#[derive(Debug)]
struct Request {
    method: Method,
    url: Url,
    body: Option<Vec<u8>>,
    kind: Kind,
    with_token: bool,
    idempotency: Idempotency,
    /// The most bytes of answer accepted.
    limit: u64,
}

/// An HTTP answer before decoding.
#[derive(Debug)]
struct Raw {
    status: u16,
    expires_in: Option<Duration>,
    body: Vec<u8>,
}

impl Client {
    /// A client for the account that `token` signs in.
    pub fn new(config: ClientConfig, token: AccessToken) -> Result<Self, ClientError> {
        let base = config::parse_http_url(&config.base_url)?;
        let article_origin = match &config.article_base_url {
            Some(url) => Some(config::parse_http_url(url)?),
            None if !config::is_default_base(&base) => Some(base.clone()),
            None => None,
        };
        let fixed = FixedHeaders::new(&config)?;
        // No client-wide total timeout: `request_timeout` covers API calls and pages whole,
        // but only the wait for the headers of a download, whose body may rightly take minutes
        // (a large file); the body idle timeout ends a download that stalls (see `attempt`).
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // The API does not redirect; a page might once. reqwest drops the cookie when a
            // redirect leaves the origin, so the token cannot follow one elsewhere.
            .redirect(reqwest::redirect::Policy::limited(5));
        if is_loopback(&base) {
            // A simulator on 127.0.0.1 must be reached directly even when a system proxy is
            // configured for the real service.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|err| ClientError::Http {
            reason: error_chain(&err),
        })?;
        let pacer = Pacer::new(config.pacing.clone());
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base,
                article_origin,
                fixed,
                token,
                config,
                pacer,
                expires_in: AtomicU64::new(NO_EXPIRY),
            }),
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The token's remaining lifetime according to the most recent response that said so
    /// (`x-expire-in`), or `None` before any did.
    pub fn expires_in(&self) -> Option<Duration> {
        match self.inner.expires_in.load(Ordering::Relaxed) {
            NO_EXPIRY => None,
            secs => Some(Duration::from_secs(secs)),
        }
    }

    /// Requests sent and long pauses taken so far by this account's pacer (shared by clones).
    /// Never waits, even while a request sits out a pause.
    pub fn pacing_stats(&self) -> PacingStats {
        self.inner.pacer.stats()
    }

    /// `base_url` + `path` + `query`, with values form-encoded the way the apps send them
    /// (`:` → `%3A`, `+` → `%2B` in timestamps).
    fn api_url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let base = &self.inner.base;
        let mut url = base.clone();
        url.set_path(&format!("{}{path}", base.path().trim_end_matches('/')));
        url.set_query(None);
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in query {
                pairs.append_pair(key, value);
            }
        }
        url
    }

    /// `GET` a JSON endpoint.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Response<T>, ApiError> {
        let request = Request {
            method: Method::GET,
            url: self.api_url(path, query),
            body: None,
            kind: Kind::Api,
            with_token: true,
            idempotency: Idempotency::Idempotent,
            limit: self.inner.config.api_body_limit,
        };
        self.execute(request, |raw| decode_json(&raw)).await
    }

    /// Sends a JSON body (already wrapped in `req_data`) to a JSON endpoint.
    async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
        idempotency: Idempotency,
    ) -> Result<Response<T>, ApiError> {
        let body = serde_json::to_vec(body)
            .map_err(|err| ApiError::malformed(format!("could not encode the request: {err}")))?;
        let request = Request {
            method,
            url: self.api_url(path, &[]),
            body: Some(body),
            kind: Kind::Api,
            with_token: true,
            idempotency,
            limit: self.inner.config.api_body_limit,
        };
        self.execute(request, |raw| decode_json(&raw)).await
    }

    /// Runs `request` with pacing and retries, decoding each answer with `decode`.
    async fn execute<T>(
        &self,
        request: Request,
        decode: impl Fn(Raw) -> Result<T, ApiError>,
    ) -> Result<Response<T>, ApiError> {
        let idempotency = request.idempotency;
        let once = || async {
            let answer = self.attempt(&request).await.and_then(|raw| {
                let expires_in = raw.expires_in;
                Ok(Response {
                    data: decode(raw)?,
                    expires_in,
                })
            });
            let refused = matches!(
                answer,
                Err(ApiError::Throttled { .. } | ApiError::TooFrequent)
            );
            self.inner.pacer.note(refused);
            answer
        };
        self.retrying(&request, once, |err| should_retry(err, idempotency))
            .await
    }

    /// Calls `once` until it succeeds, `when` says a failure is not worth another attempt, or
    /// the [`RetryPolicy`] gives up; every retry is logged (with the path, never the query).
    async fn retrying<T, E: fmt::Display, Fut: Future<Output = Result<T, E>>>(
        &self,
        request: &Request,
        once: impl FnMut() -> Fut,
        when: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        once.retry(self.inner.config.retry.backoff())
            .sleep(tokio::time::sleep)
            .when(when)
            .notify(|err, wait| {
                tracing::warn!(
                    method = %request.method,
                    path = request.url.path(),
                    error = %err,
                    retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "ZSXQ request failed; retrying"
                );
            })
            .await
    }

    /// One attempt: wait for the account's turn, send, read the whole body within the
    /// request's limit.
    async fn attempt(&self, request: &Request) -> Result<Raw, ApiError> {
        let (mut response, expires_in) = self.send_once(request, HeaderMap::new()).await?;
        let status = response.status().as_u16();
        let bounds = self.bounds(request);
        let body = if (200..300).contains(&status) {
            let mut body = Vec::new();
            match body::read(&mut response, bounds, &request.url, &mut body).await {
                Ok(_) => body,
                Err(DownloadError::Api(err)) => return Err(err),
                Err(DownloadError::Sink(never)) => match never {},
            }
        } else {
            body::read_error(&mut response, bounds, &request.url).await
        };
        Ok(Raw {
            status,
            expires_in,
            body,
        })
    }

    /// The limits of reading `request`'s answer.
    fn bounds(&self, request: &Request) -> body::Bounds {
        body::Bounds {
            limit: request.limit,
            idle: self.inner.config.body_idle_timeout,
            what: match request.kind {
                Kind::Api => "an API response",
                Kind::Page => "an article page",
                Kind::Media => "a download",
            },
        }
    }

    /// Waits for the account's turn and sends `request` with `extra` headers (a download's
    /// `Range`), up to its answer's headers; notes the `x-expire-in` they carry.
    async fn send_once(
        &self,
        request: &Request,
        extra: HeaderMap,
    ) -> Result<(reqwest::Response, Option<Duration>), ApiError> {
        let inner = &self.inner;
        inner.pacer.acquire().await;
        let token = request.with_token.then_some(&inner.token);
        let stamp = Stamp::now();
        // The URL is signed as the very string that goes on the wire: `request.url` is both
        // what is hashed here and what reqwest sends (its path and query unchanged, the host
        // in `Host`), so no re-encoding can come between them.
        let signature = (inner.config.sign_requests && request.kind == Kind::Api)
            .then(|| sign(request.url.as_str(), stamp.unix_secs, &stamp.request_id));
        let headers = headers::build(
            &inner.fixed,
            token,
            &stamp,
            signature.as_deref(),
            request.kind,
        );
        let mut builder = inner
            .http
            .request(request.method.clone(), request.url.clone())
            .headers(headers)
            .headers(extra);
        if request.kind != Kind::Media {
            // JSON and pages are small: the whole exchange, body included, within the timeout.
            builder = builder.timeout(inner.config.request_timeout);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                )
                .body(body.clone());
        }
        // A download's body is bounded by its limit and the idle timeout instead.
        let response = tokio::time::timeout(inner.config.request_timeout, builder.send())
            .await
            .map_err(|_elapsed| ApiError::Timeout)?
            .map_err(transport_error)?;
        let expires_in = headers::expire_in(response.headers());
        if let Some(secs) = expires_in {
            inner
                .expires_in
                .store(secs.min(NO_EXPIRY - 1), Ordering::Relaxed);
        }
        Ok((response, expires_in.map(Duration::from_secs)))
    }
}

/// Decodes an envelope, telling a cut-off body (retry) from JSON of the wrong shape (don't).
fn decode_json<T: DeserializeOwned>(raw: &Raw) -> Result<T, ApiError> {
    match decode_response(raw.status, &raw.body) {
        Err(ApiError::Malformed { reason })
            if (200..300).contains(&raw.status)
                && serde_json::from_slice::<IgnoredAny>(&raw.body).is_err() =>
        {
            Err(ApiError::Truncated { reason })
        }
        other => other,
    }
}

/// Sorts a reqwest failure into what the retry loop needs to know.
pub(crate) fn transport_error(err: reqwest::Error) -> ApiError {
    // reqwest names the URL in its message; media and download URLs are signed (the query
    // carries their token), and error messages end up in logs and on screen.
    let err = err.without_url();
    let reason = error_chain(&err);
    if err.is_timeout() {
        ApiError::Timeout
    } else if err.is_connect() || err.is_builder() || err.is_redirect() {
        ApiError::Transport { reason }
    } else {
        // The connection broke off while the request or the answer was in flight.
        ApiError::Truncated { reason }
    }
}

/// The error and its sources, without the URL reqwest likes to prepend.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.contains(&text) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    // IPv6 hosts come bracketed: `[::1]`.
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(base: &str) -> Client {
        let token = AccessToken::new("TOKEN-VALUE_0123456789abcdef").expect("valid");
        Client::new(ClientConfig::with_base_url(base), token).expect("client")
    }

    fn raw(status: u16, body: &str) -> Raw {
        Raw {
            status,
            expires_in: None,
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn urls_keep_the_base_path_and_encode_timestamps_like_the_app() {
        let client = client("http://127.0.0.1:4000/zsxq/");
        let url = client.api_url(
            "/v2/groups/1/topics",
            &[
                ("scope", "all".into()),
                ("end_time", "2025-12-10T13:56:05.120+0800".into()),
            ],
        );
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:4000/zsxq/v2/groups/1/topics?scope=all&end_time=2025-12-10T13%3A56%3A05.120%2B0800"
        );
        let plain = client.api_url("/v2/groups", &[]);
        assert_eq!(plain.as_str(), "http://127.0.0.1:4000/zsxq/v2/groups");
    }

    #[test]
    fn cut_off_bodies_are_truncated_and_wrong_shapes_malformed() {
        #[derive(Debug, serde::Deserialize)]
        struct Brief {
            #[allow(dead_code)]
            unanswered_count: u64,
        }
        let cut = decode_json::<Brief>(&raw(200, r#"{"succeeded":true,"resp_data":{"unans"#));
        assert!(matches!(cut, Err(ApiError::Truncated { .. })), "{cut:?}");
        assert!(cut.is_err_and(|e| e.retryable()));
        let wrong = decode_json::<Brief>(&raw(200, r#"{"succeeded":true,"resp_data":{}}"#));
        assert!(
            matches!(wrong, Err(ApiError::Malformed { .. })),
            "{wrong:?}"
        );
        let gateway = decode_json::<Brief>(&raw(502, "<html>Bad Gateway"));
        assert!(matches!(gateway, Err(ApiError::Http { status: 502, .. })));
        let ok = decode_json::<Brief>(&raw(
            200,
            r#"{"succeeded":true,"resp_data":{"unanswered_count":2}}"#,
        ));
        assert!(ok.is_ok());
    }

    #[test]
    fn bad_settings_fail_at_construction() {
        let token = AccessToken::new("t").expect("valid");
        let err = Client::new(ClientConfig::with_base_url("ftp://x"), token.clone())
            .expect_err("ftp is not http");
        assert_eq!(
            err,
            ClientError::InvalidUrl {
                url: "ftp://x".into()
            }
        );
        let config = ClientConfig {
            article_base_url: Some("not a url".into()),
            ..ClientConfig::default()
        };
        assert!(Client::new(config, token).is_err());
    }

    #[test]
    fn debug_output_never_contains_the_token() {
        let client = client("https://api.zsxq.com");
        let debug = format!("{client:?} {:?}", client.config());
        assert!(!debug.contains("TOKEN-VALUE"), "{debug}");
        assert_eq!(client.expires_in(), None);
    }

    #[test]
    fn clones_share_one_pacer() {
        let client = client("https://api.zsxq.com");
        let clone = client.clone();
        assert!(std::ptr::eq(&client.inner.pacer, &clone.inner.pacer));
    }

    #[test]
    fn loopback_hosts_are_recognised() {
        for (url, expected) in [
            ("http://127.0.0.1:1", true),
            ("http://127.5.0.1:1", true),
            ("http://[::1]:1", true),
            ("http://localhost:1", true),
            ("https://api.zsxq.com", false),
            ("http://10.0.0.1", false),
        ] {
            assert_eq!(
                is_loopback(&Url::parse(url).expect("url")),
                expected,
                "{url}"
            );
        }
    }
}
