//! The media stresses of [`Faults`](crate::Faults): download bodies no honest host sends, for
//! testing a client's limits. Deliberate stresses, never service behaviour, and off unless a
//! test (or `--stress-…`) turns them on.
//!
//! The bodies are streamed: the simulator never holds more than one chunk of them, however
//! large.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};

use crate::config::{HUGE_MEDIA_BYTES, STALLED_MEDIA_FOR};

/// One chunk of filler: 64 KiB, shared by every chunk sent.
const CHUNK: usize = 64 * 1024;

/// The first bytes a stalled download sends before it stalls.
const STALL_AFTER: usize = 4 * 1024;

/// [`HUGE_MEDIA_BYTES`] of filler. `declare` says whether the answer announces its length
/// (`Content-Length`) or comes chunked, so only counting the bytes catches it.
pub(super) fn huge(content_type: &'static str, declare: bool) -> Response {
    let body = Huge {
        left: HUGE_MEDIA_BYTES,
        declare,
        chunk: Bytes::from(vec![b'z'; CHUNK]),
    };
    ([(header::CONTENT_TYPE, content_type)], Body::new(body)).into_response()
}

/// The first bytes of `bytes`, then nothing for [`STALLED_MEDIA_FOR`], then the end of the
/// connection without the rest (a `Content-Length` promises the whole).
pub(super) fn stalled(content_type: &'static str, bytes: Vec<u8>) -> Response {
    let total = bytes.len();
    let first = Bytes::from(bytes).slice(..total.min(STALL_AFTER));
    let body = Stalled {
        first: Some(first),
        sleep: Box::pin(tokio::time::sleep(STALLED_MEDIA_FOR)),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_LENGTH, &total.to_string()),
        ],
        Body::new(body),
    )
        .into_response()
}

/// The first half of `bytes` (a `Content-Length` promising the whole), then the connection
/// breaks: a flaky network mid-download. Answers to a `Range` request are not cut, so a client
/// that resumes gets the rest and one that starts over never finishes.
pub(super) fn cut(content_type: &'static str, bytes: Vec<u8>, headers: HeaderMap) -> Response {
    let total = bytes.len();
    let first = Bytes::from(bytes).slice(..total / 2);
    let body = Stalled {
        first: Some(first),
        sleep: Box::pin(tokio::time::sleep(std::time::Duration::ZERO)),
    };
    (
        headers,
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_LENGTH, &total.to_string()),
        ],
        Body::new(body),
    )
        .into_response()
}

/// A host that is down: HTTP 503 with the HTML page a CDN shows then.
pub(super) fn down() -> Response {
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/html")],
        "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>",
    )
        .into_response()
}

struct Huge {
    left: u64,
    declare: bool,
    chunk: Bytes,
}

impl http_body::Body for Huge {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let n = usize::try_from(this.left).map_or(CHUNK, |left| left.min(CHUNK));
        this.left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(this.chunk.slice(..n)))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        if self.declare {
            SizeHint::with_exact(self.left)
        } else {
            // No exact size: hyper sends the body chunked, without a length.
            SizeHint::new()
        }
    }
}

struct Stalled {
    first: Option<Bytes>,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

/// Ends the connection after the stall: an error mid-body makes hyper close it.
#[derive(Debug)]
struct Stall;

impl std::fmt::Display for Stall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stalled download given up")
    }
}

impl std::error::Error for Stall {}

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = Stall;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Stall>>> {
        let this = self.get_mut();
        if let Some(first) = this.first.take() {
            return Poll::Ready(Some(Ok(Frame::data(first))));
        }
        match this.sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(Stall))),
        }
    }
}
