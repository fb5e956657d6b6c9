//! Resuming a download that broke off: the rest with `Range`, where the host allows it.
//!
//! A large file over a slow or flaky connection used to start over on every failure, so a
//! connection that broke every few minutes never finished it. When an answer said
//! `Accept-Ranges: bytes` and broke off (an idle timeout, a cut connection) after some bytes,
//! the next attempt asks for `Range: bytes=<n>-`, with `If-Range` naming the validator the host
//! gave (a strong `ETag`, else `Last-Modified`) so a file that changed meanwhile comes whole
//! instead of spliced. A `206` whose `Content-Range` starts at `n` continues the same sink; any
//! other success starts over in a fresh one. The image and file hosts behind 知识星球 are CDNs
//! and object stores, which honour ranges; the simulator does too (`routes/media.rs`).

use reqwest::header::{
    ACCEPT_RANGES, CONTENT_RANGE, ETAG, HeaderMap, HeaderValue, IF_RANGE, LAST_MODIFIED, RANGE,
};

use super::body::BodySink;

/// What an attempt that broke off left: its sink with the first `written` bytes, and how to
/// ask for the rest.
pub(super) struct Partial<S> {
    pub(super) sink: S,
    pub(super) written: u64,
    pub(super) validator: Option<HeaderValue>,
}

impl<S> Partial<S> {
    /// The headers that ask for the rest.
    pub(super) fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(range) = HeaderValue::from_str(&format!("bytes={}-", self.written)) {
            headers.insert(RANGE, range);
        }
        if let Some(validator) = &self.validator {
            headers.insert(IF_RANGE, validator.clone());
        }
        headers
    }
}

/// Whether `response` may be resumed with a range if it breaks off.
pub(super) fn accepts_ranges(response: &reqwest::Response) -> bool {
    response.status().as_u16() == 206
        || response
            .headers()
            .get(ACCEPT_RANGES)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("bytes"))
}

/// Whether `response` is the rest of a body whose first `written` bytes are in hand.
pub(super) fn continues(response: &reqwest::Response, written: u64) -> bool {
    response.status().as_u16() == 206
        && response
            .headers()
            .get(CONTENT_RANGE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| starts_at(v, written))
}

/// `bytes <written>-<end>/<total>`.
fn starts_at(content_range: &str, written: u64) -> bool {
    content_range
        .trim()
        .strip_prefix("bytes ")
        .and_then(|rest| rest.split_once('-'))
        .is_some_and(|(start, _)| start.trim().parse::<u64>() == Ok(written))
}

/// The validator for `If-Range`: a strong `ETag`, else `Last-Modified` (a weak tag may not be
/// used with ranges).
pub(super) fn validator(headers: &HeaderMap) -> Option<HeaderValue> {
    headers
        .get(ETAG)
        .filter(|tag| !tag.as_bytes().starts_with(b"W/"))
        .or_else(|| headers.get(LAST_MODIFIED))
        .cloned()
}

/// A sink that counts what it passes on, so a broken-off attempt knows where it stopped.
pub(super) struct Counting<'a, S> {
    inner: &'a mut S,
    pub(super) written: u64,
}

impl<'a, S> Counting<'a, S> {
    pub(super) fn new(inner: &'a mut S) -> Self {
        Self { inner, written: 0 }
    }
}

impl<S: BodySink> BodySink for Counting<'_, S> {
    type Error = S::Error;

    async fn write(&mut self, chunk: &[u8]) -> Result<(), S::Error> {
        self.inner.write(chunk).await?;
        self.written = self
            .written
            .saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_range_continues_only_where_the_bytes_in_hand_end() {
        assert!(starts_at("bytes 4096-8191/8192", 4096));
        assert!(starts_at("bytes 4096-8191/*", 4096));
        assert!(!starts_at("bytes 0-8191/8192", 4096));
        assert!(!starts_at("items 4096-8191/8192", 4096));
        assert!(!starts_at("bytes */8192", 4096));
    }

    #[test]
    fn if_range_uses_a_strong_etag_else_the_date() {
        let mut headers = HeaderMap::new();
        headers.insert(
            LAST_MODIFIED,
            HeaderValue::from_static("Sun, 06 Dec 2026 10:00:00 GMT"),
        );
        headers.insert(ETAG, HeaderValue::from_static("W/\"weak\""));
        assert_eq!(
            validator(&headers),
            Some(HeaderValue::from_static("Sun, 06 Dec 2026 10:00:00 GMT"))
        );
        headers.insert(ETAG, HeaderValue::from_static("\"abc\""));
        assert_eq!(
            validator(&headers),
            Some(HeaderValue::from_static("\"abc\""))
        );
        let partial = Partial {
            sink: (),
            written: 10,
            validator: validator(&headers),
        };
        let asked = partial.headers();
        assert_eq!(
            asked.get(RANGE).map(HeaderValue::as_bytes),
            Some(&b"bytes=10-"[..])
        );
        assert_eq!(
            asked.get(IF_RANGE).map(HeaderValue::as_bytes),
            Some(&b"\"abc\""[..])
        );
    }
}
