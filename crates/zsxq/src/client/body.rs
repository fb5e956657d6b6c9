//! Reading an answer's body in bounded memory and with bounded patience.
//!
//! Every body — API JSON, article pages, images, files — is read chunk by chunk, never with a
//! single "give me all of it", because the body comes from the network and may be huge (a
//! 1 GiB "image" once took a sync to 2.1 GB of memory) or endless. Each read has a limit that
//! depends on what was asked for ([`ClientConfig`](super::ClientConfig)'s limits for API
//! responses and article pages, the caller's for downloads):
//!
//! * a `Content-Length` above the limit is refused before a byte is read;
//! * the bytes are counted as they arrive, since a chunked body announces no length, and the
//!   connection is dropped the moment the count passes the limit.
//!
//! Either way the call fails with [`ApiError::TooLarge`]. And every chunk must arrive within
//! the idle timeout ([`ClientConfig::body_idle_timeout`](super::ClientConfig)), so a body that
//! stalls half-way fails with [`ApiError::Timeout`] (retried like any timeout) instead of
//! holding the sync forever.
//!
//! Where the bytes go is a [`BodySink`]: a `Vec<u8>` for JSON and pages (bounded by the
//! limit), a temporary file for downloads ([`Client::download`](super::Client::download)).

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use reqwest::Url;

use crate::ApiError;

/// One mebibyte.
const MIB: u64 = 1024 * 1024;

/// The default limit of an API response: 16 MiB. A page of 30 topics is about 100 KB and the
/// largest answers seen (a group's full detail, 30 long topics with comments) stay well under
/// 1 MB, so 16× the worst case leaves room for what was not seen without letting a broken or
/// hostile server fill memory.
pub const DEFAULT_API_BODY_LIMIT: u64 = 16 * MIB;

/// The default limit of an article page: 8 MiB. Articles are text with links to their images
/// (fetched separately); the long ones are a few hundred KB.
pub const DEFAULT_PAGE_BODY_LIMIT: u64 = 8 * MIB;

/// How much of a failure's body (a 4xx or 5xx) is read: its envelope, if it has one, is small;
/// the rest is an HTML error page nobody reads.
const ERROR_BODY_LIMIT: u64 = 64 * 1024;

/// Where a body's bytes go as they arrive.
///
/// [`Client::download`](super::Client::download) opens a fresh sink for every attempt, so a
/// retry never appends to the bytes of a failed one.
pub trait BodySink: Send {
    /// What writing can fail with (a full disk, for a file).
    type Error: Send + fmt::Display;

    /// Takes the next chunk, in order.
    fn write(&mut self, chunk: &[u8]) -> impl Future<Output = Result<(), Self::Error>> + Send;
}

/// Bytes in memory: for bodies whose limit is small enough to hold.
impl BodySink for Vec<u8> {
    type Error = Infallible;

    async fn write(&mut self, chunk: &[u8]) -> Result<(), Infallible> {
        self.extend_from_slice(chunk);
        Ok(())
    }
}

/// Why a download failed: the service (or the network, or a limit), or the sink.
#[derive(Debug)]
pub enum DownloadError<E> {
    /// As for any call; [`ApiError::TooLarge`] when the body passed the limit.
    Api(ApiError),
    /// The sink refused a chunk (or could not be opened). Not retried.
    Sink(E),
}

impl<E: fmt::Display> fmt::Display for DownloadError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api(err) => err.fmt(f),
            Self::Sink(err) => write!(f, "could not store the download: {err}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for DownloadError<E> {}

impl<E> From<ApiError> for DownloadError<E> {
    fn from(err: ApiError) -> Self {
        Self::Api(err)
    }
}

/// The bounds of one read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    /// The most bytes accepted.
    pub(crate) limit: u64,
    /// The longest wait for the next chunk.
    pub(crate) idle: Duration,
    /// What is being read, for [`ApiError::TooLarge`].
    pub(crate) what: &'static str,
}

impl Bounds {
    /// The same, for a failure's body, which is only ever read for its envelope.
    pub(crate) fn for_error(self) -> Self {
        Self {
            limit: self.limit.min(ERROR_BODY_LIMIT),
            ..self
        }
    }
}

/// Reads `response`'s body into `sink` within `bounds`; returns the bytes read.
pub(crate) async fn read<S: BodySink>(
    response: &mut reqwest::Response,
    bounds: Bounds,
    url: &Url,
    sink: &mut S,
) -> Result<u64, DownloadError<S::Error>> {
    let too_large = || DownloadError::Api(too_large(bounds, url));
    check_length(response, bounds, url)?;
    let mut total: u64 = 0;
    loop {
        let chunk = match tokio::time::timeout(bounds.idle, response.chunk()).await {
            Err(_idle) => return Err(DownloadError::Api(ApiError::Timeout)),
            Ok(Err(err)) => return Err(DownloadError::Api(super::transport_error(err))),
            Ok(Ok(None)) => return Ok(total),
            Ok(Ok(Some(chunk))) => chunk,
        };
        total = total.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        if total > bounds.limit {
            return Err(too_large());
        }
        sink.write(&chunk).await.map_err(DownloadError::Sink)?;
    }
}

/// Refuses an answer whose `Content-Length` is over the limit, before anything is read or a
/// sink is opened for it.
pub(crate) fn check_length(
    response: &reqwest::Response,
    bounds: Bounds,
    url: &Url,
) -> Result<(), ApiError> {
    match response.content_length() {
        Some(length) if length > bounds.limit => Err(too_large(bounds, url)),
        _ => Ok(()),
    }
}

fn too_large(bounds: Bounds, url: &Url) -> ApiError {
    ApiError::TooLarge {
        what: bounds.what,
        url: without_query(url),
        limit: bounds.limit,
    }
}

/// Reads a failure's body for its envelope: at most [`ERROR_BODY_LIMIT`], and a body that is
/// longer, stalls or breaks off counts as empty (the status says enough).
pub(crate) async fn read_error(
    response: &mut reqwest::Response,
    bounds: Bounds,
    url: &Url,
) -> Vec<u8> {
    let mut body = Vec::new();
    match read(response, bounds.for_error(), url, &mut body).await {
        Ok(_) => body,
        Err(_) => Vec::new(),
    }
}

/// `url` as it may appear in a message: without its query and fragment (signed URLs carry
/// their token there) and without credentials.
pub(crate) fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    // Both fail only for URLs that cannot have credentials, which then have none.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_in_messages_lose_their_query_and_credentials() {
        let url =
            Url::parse("https://user:pw@images.zsxq.com/a/b.jpg?e=1&token=SECRET#x").expect("url");
        assert_eq!(without_query(&url), "https://images.zsxq.com/a/b.jpg");
    }

    #[test]
    fn error_bodies_are_read_only_for_their_envelope() {
        let bounds = Bounds {
            limit: 16 * MIB,
            idle: Duration::from_secs(1),
            what: "an API response",
        };
        assert_eq!(bounds.for_error().limit, ERROR_BODY_LIMIT);
        let small = Bounds {
            limit: 10,
            ..bounds
        };
        assert_eq!(small.for_error().limit, 10);
    }
}
