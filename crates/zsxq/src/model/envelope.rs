//! The `{succeeded, resp_data}` envelope around every response, and `{req_data}` around every
//! write body (docs/protocol.md §3).

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::ApiError;

/// A response envelope, for producing responses (the simulator) or inspecting one whole.
///
/// To consume a response, prefer [`decode_response`]: it turns failures into [`ApiError`]
/// without requiring `resp_data` to match `T` when the call failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    /// `true` on success; business errors still arrive with HTTP 200.
    pub succeeded: bool,
    /// The error code, on failure only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
    /// Usually `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<String>,
    /// A human-readable message, on some failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The payload; `{}` on failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resp_data: Option<T>,
}

impl<T> Envelope<T> {
    /// A successful response carrying `data`.
    pub fn success(data: T) -> Self {
        Self {
            succeeded: true,
            code: None,
            info: None,
            error: None,
            resp_data: Some(data),
        }
    }
}

impl Envelope<Empty> {
    /// A failure envelope, shaped like the real ones: `info: ""` and `resp_data: {}`.
    pub fn failure(code: i64, error: Option<String>) -> Self {
        Self {
            succeeded: false,
            code: Some(code),
            info: Some(String::new()),
            error,
            resp_data: Some(Empty),
        }
    }
}

/// The body of a write request: `{"req_data": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReqData<T> {
    /// The request proper.
    pub req_data: T,
}

impl<T> ReqData<T> {
    /// Wraps a request body.
    pub fn new(req_data: T) -> Self {
        Self { req_data }
    }
}

/// An empty `resp_data` (`{}`), as returned by writes such as `PUT …/menus/last_read_time`.
///
/// Accepts any JSON when decoding, since there is nothing in it we would use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        serializer.serialize_map(Some(0))?.end()
    }
}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Self)
    }
}

/// The envelope's fields, read leniently: only the parts needed to tell success from failure.
#[derive(Deserialize)]
struct RawEnvelope<'a> {
    succeeded: Option<bool>,
    code: Option<Value>,
    error: Option<Value>,
    info: Option<Value>,
    #[serde(borrow)]
    resp_data: Option<&'a RawValue>,
}

impl RawEnvelope<'_> {
    fn code(&self) -> Option<i64> {
        match self.code.as_ref()? {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// `error` is the human message; `info` is usually empty but is the only text some
    /// failures carry.
    fn message(&self) -> Option<String> {
        [&self.error, &self.info]
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .find(|s| !s.trim().is_empty())
            .map(str::to_owned)
    }
}

/// Decodes a body received with HTTP 200: `resp_data` as `T` on success, the classified
/// [`ApiError`] on failure.
pub fn decode_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    decode_response(200, body)
}

/// Decodes a response from its HTTP status and body.
///
/// Non-2xx statuses become errors even when the body is not JSON (a 429 page, a proxy's 502);
/// an envelope in the body, when present, refines the error with its code and message.
pub fn decode_response<T: DeserializeOwned>(http_status: u16, body: &[u8]) -> Result<T, ApiError> {
    let envelope = serde_json::from_slice::<RawEnvelope<'_>>(body);
    if !(200..300).contains(&http_status) {
        return Err(match envelope {
            Ok(env) => ApiError::from_parts(http_status, env.code(), env.message()),
            Err(_) => ApiError::from_parts(http_status, None, None),
        });
    }
    let envelope = envelope.map_err(|e| ApiError::malformed(format!("not an envelope: {e}")))?;
    match envelope.succeeded {
        Some(true) => {
            let data = envelope.resp_data.map_or("null", RawValue::get);
            serde_json::from_str(data).map_err(|e| ApiError::malformed(format!("resp_data: {e}")))
        }
        Some(false) => Err(ApiError::from_parts(
            http_status,
            envelope.code(),
            envelope.message(),
        )),
        None => Err(ApiError::malformed("the envelope has no `succeeded` flag")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Brief {
        unanswered_count: u32,
    }

    #[test]
    fn success_yields_resp_data() {
        let body = br#"{"succeeded":true,"resp_data":{"unanswered_count":3}}"#;
        assert_eq!(
            decode_body::<Brief>(body),
            Ok(Brief {
                unanswered_count: 3
            })
        );
    }

    #[test]
    fn failure_ignores_the_shape_of_resp_data() {
        let body = r#"{"succeeded":false,"code":52010,"info":"","resp_data":{},"error":"未报名参加该打卡任务"}"#;
        assert_eq!(
            decode_body::<Brief>(body.as_bytes()),
            Err(ApiError::Other {
                code: Some(52010),
                message: Some("未报名参加该打卡任务".into())
            })
        );
        let stringly = br#"{"succeeded":false,"code":"1059","info":"busy"}"#;
        assert_eq!(
            decode_body::<Brief>(stringly),
            Err(ApiError::Throttled {
                message: Some("busy".into())
            })
        );
    }

    #[test]
    fn http_failures_win_even_without_json() {
        assert_eq!(
            decode_response::<Brief>(429, b"<html>slow down</html>"),
            Err(ApiError::TooFrequent)
        );
        assert_eq!(
            decode_response::<Brief>(401, br#"{"succeeded":false,"code":401}"#),
            Err(ApiError::Unauthorized)
        );
        assert!(decode_response::<Brief>(502, b"").is_err_and(|e| e.retryable()));
    }

    #[test]
    fn malformed_bodies_are_reported_not_panicked() {
        for body in [
            &b""[..],
            b"null",
            b"[]",
            b"{\"resp_data\":{}}",
            b"{\"succeeded\":true,\"resp_data\":{\"unanswered_count\":\"x\"}}",
            b"{\"succeeded\":true}",
            b"\xff\xfe",
        ] {
            assert!(
                matches!(decode_body::<Brief>(body), Err(ApiError::Malformed { .. })),
                "{body:?}"
            );
        }
    }

    /// Found by the `envelope` fuzz target (docs/FUZZING.md): an integer too large for `u64` in
    /// an unmodelled field is kept as an `f64`, and serde_json's default float parser read the
    /// re-encoded value one ulp off, so re-serving a decoded page changed it.
    #[test]
    fn unmodelled_large_numbers_survive_re_encoding() {
        let body = br#"{"succeeded":true,"resp_data":{"comments":[],"menus":[{"menu_id":288448825815284118124422}]}}"#;
        let page: crate::CommentsPage = decode_body(body).expect("decodes");
        let rewrapped = serde_json::to_vec(&Envelope::success(&page)).expect("serializes");
        assert_eq!(decode_body::<crate::CommentsPage>(&rewrapped), Ok(page));
    }

    #[test]
    fn empty_accepts_anything_and_writes_braces() {
        assert_eq!(
            decode_body::<Empty>(br#"{"succeeded":true,"resp_data":{}}"#),
            Ok(Empty)
        );
        assert_eq!(decode_body::<Empty>(br#"{"succeeded":true}"#), Ok(Empty));
        let failure = Envelope::failure(1059, None);
        assert_eq!(
            serde_json::to_value(&failure).expect("serialize"),
            serde_json::json!({"succeeded": false, "code": 1059, "info": "", "resp_data": {}})
        );
        let ok = Envelope::success(Empty);
        assert_eq!(
            serde_json::to_string(&ok).expect("serialize"),
            r#"{"succeeded":true,"resp_data":{}}"#
        );
    }
}
