//! What can go wrong talking to ZSXQ, in the terms a caller acts on.
//!
//! The service reports failures two ways: an HTTP status (401/403/429, occasionally 404 or 5xx)
//! and with HTTP 200 an envelope `{"succeeded":false,"code":…,"error":…}` (docs/protocol.md §3–§4).
//! [`ApiError::from_parts`] folds both into one enum so that the client's retry loop and the
//! sync engine match on meaning, not numbers.

/// Envelope codes the service is known to send (docs/protocol.md §4). Codes outside this list, and
/// the ones invented by third-party SDKs, end up in [`ApiError::Other`].
pub mod codes {
    /// Signature check failed / "不支持非官方工具访问": a probabilistic anti-crawler refusal.
    pub const SIGNATURE_REJECTED: i64 = 1059;
    /// Membership of the group has expired (会员已过期).
    pub const MEMBERSHIP_EXPIRED: i64 = 14210;
    /// The file can only be downloaded in the mobile app (此文件只能在手机端下载).
    pub const MOBILE_ONLY_FILE: i64 = 1030;
    /// The API version (path or `x-version` header) is too old (版本太旧).
    pub const API_VERSION_TOO_OLD: i64 = 1002;
    /// The topic does not exist or was deleted.
    pub const NOT_FOUND: i64 = 100_002;
    /// Not signed up for the check-in challenge (未报名参加该打卡任务).
    pub const NOT_IN_CHECKIN: i64 = 52_010;
    /// No permission to delete the topic.
    pub const NO_DELETE_PERMISSION: i64 = 100_262;
}

/// A failed ZSXQ call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Code 1059: the service turned the request away as unsigned or unofficial. It hits about
    /// one request in five and clears on a later attempt, but hammering it escalates to a 401.
    #[error(
        "ZSXQ turned the request away as coming from an unofficial client (code 1059); it usually goes through after a pause"
    )]
    Throttled {
        /// The service's own wording, if it sent one.
        message: Option<String>,
    },
    /// HTTP 401: the access token is invalid, expired or banned.
    #[error("the ZSXQ sign-in is no longer valid; sign in again")]
    Unauthorized,
    /// HTTP 403: the account has no access to this group or resource.
    #[error("this account is not a member of the group, or may not see this content")]
    NotMember,
    /// HTTP 429: too many requests in a short time (操作过于频繁).
    #[error("too many requests to ZSXQ in a short time; slow down and try again later")]
    TooFrequent,
    /// Code 14210: the membership of this group has expired.
    #[error("the membership of this group has expired")]
    MembershipExpired,
    /// Code 1030: the file may only be downloaded in the ZSXQ mobile app.
    #[error("ZSXQ only allows this file to be downloaded in its mobile app")]
    MobileOnlyFile,
    /// Code 1002: the service rejected the API version the request claimed.
    #[error("ZSXQ rejected the request as coming from a too old app version (code 1002)")]
    ApiVersionTooOld,
    /// HTTP 404 or code 100002: the topic (or other object) does not exist or was deleted.
    #[error("not found on ZSXQ; it may have been deleted")]
    NotFound,
    /// A failure status with no more specific meaning (5xx, or an unexpected 4xx).
    #[error("ZSXQ answered with HTTP status {status}{}", detail(.message))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The service's message, if any.
        message: Option<String>,
    },
    /// A business error code this crate has no dedicated variant for.
    #[error("ZSXQ refused the request{}{}", code_detail(.code), detail(.message))]
    Other {
        /// The envelope's `code`; `None` when the service failed without giving one.
        code: Option<i64>,
        /// The service's `error` (or `info`) text, if any.
        message: Option<String>,
    },
    /// The body is not the JSON the protocol describes.
    #[error("ZSXQ sent a response this client cannot read: {reason}")]
    Malformed {
        /// What did not match.
        reason: String,
    },
    /// The answer stopped short: the connection dropped mid-body, or a 2xx body is not even
    /// complete JSON. Unlike [`ApiError::Malformed`] (well-formed JSON of the wrong shape, which
    /// would fail again), a cut-off body is a transfer accident worth another attempt.
    #[error("ZSXQ's answer was cut short: {reason}")]
    Truncated {
        /// What the reader saw.
        reason: String,
    },
    /// No complete answer within the client's timeout.
    #[error("ZSXQ did not answer in time")]
    Timeout,
    /// The service could not be reached at all (DNS, refused connection, TLS).
    ///
    /// Not retried: when the machine is offline the app should say so at once rather than
    /// back off for a minute first.
    #[error("could not reach ZSXQ: {reason}")]
    Transport {
        /// What the network stack reported.
        reason: String,
    },
    /// A link (such as an article URL from a topic) that the client refuses to follow because
    /// it is not an absolute `http(s)` URL. Nothing was requested.
    #[error("refusing to fetch “{url}”: only http and https links are followed")]
    UnsupportedUrl {
        /// The refused link.
        url: String,
    },
    /// The answer was larger than the client accepts for its kind (an API response, an article
    /// page, an image or a file; see `ClientConfig`'s limits and the caller's for downloads):
    /// refused as soon as its `Content-Length` or the bytes read so far passed the limit, so a
    /// huge or endless body costs neither memory nor disk. Not retried: the same URL would
    /// send the same body.
    #[error("refused {what} from {url}: larger than the {} this client accepts", size(*.limit))]
    TooLarge {
        /// What was refused: `"an API response"`, `"an article page"`, `"a download"`.
        what: &'static str,
        /// Where from, without its query (signed URLs carry their token there).
        url: String,
        /// The limit it passed, in bytes.
        limit: u64,
    },
}

/// A byte count in the unit a person reads: `32 MiB`, `1.5 KiB`, `900 bytes`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 3] = ["KiB", "MiB", "GiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    #[allow(clippy::cast_precision_loss)] // A message, not arithmetic.
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let text = format!("{value:.1}");
    let text = text.strip_suffix(".0").unwrap_or(&text);
    format!("{text} {}", UNITS[unit])
}

fn code_detail(code: &Option<i64>) -> String {
    code.map(|code| format!(" (code {code})"))
        .unwrap_or_default()
}

fn detail(message: &Option<String>) -> String {
    match message.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => format!(": {text}"),
        _ => String::new(),
    }
}

impl ApiError {
    /// Classifies a failed call from its HTTP status, the envelope's `code` (if the body had
    /// one) and the envelope's message (`error`, else `info`).
    ///
    /// A specific envelope code wins over the status, because the service answers business
    /// errors with HTTP 200 and its codes say more than a generic status.
    pub fn from_parts(http_status: u16, code: Option<i64>, message: Option<String>) -> Self {
        let message = message.filter(|m| !m.trim().is_empty());
        match code {
            Some(codes::SIGNATURE_REJECTED) => return Self::Throttled { message },
            Some(codes::MEMBERSHIP_EXPIRED) => return Self::MembershipExpired,
            Some(codes::MOBILE_ONLY_FILE) => return Self::MobileOnlyFile,
            Some(codes::API_VERSION_TOO_OLD) => return Self::ApiVersionTooOld,
            Some(codes::NOT_FOUND) => return Self::NotFound,
            _ => {}
        }
        match http_status {
            401 => Self::Unauthorized,
            403 => Self::NotMember,
            404 => Self::NotFound,
            429 => Self::TooFrequent,
            200..=299 => Self::Other { code, message },
            status if code.is_some() && status < 500 => Self::Other { code, message },
            status => Self::Http { status, message },
        }
    }

    /// Whether the same request may succeed if sent again after a pause.
    ///
    /// Yes for 1059, 429, server-side trouble (5xx, 408), timeouts and cut-off bodies; no for
    /// anything that depends on the account or the object (sign-in, membership, mobile-only
    /// files, old API, not found), for well-formed but unexpected JSON, and for an unreachable
    /// service.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Throttled { .. } | Self::TooFrequent | Self::Truncated { .. } | Self::Timeout => {
                true
            }
            Self::Http { status, .. } => *status >= 500 || *status == 408,
            Self::Unauthorized
            | Self::NotMember
            | Self::MembershipExpired
            | Self::MobileOnlyFile
            | Self::ApiVersionTooOld
            | Self::NotFound
            | Self::Other { .. }
            | Self::Malformed { .. }
            | Self::Transport { .. }
            | Self::UnsupportedUrl { .. }
            | Self::TooLarge { .. } => false,
        }
    }

    /// The envelope code this error stands for, when there is one.
    pub fn code(&self) -> Option<i64> {
        match self {
            Self::Throttled { .. } => Some(codes::SIGNATURE_REJECTED),
            Self::MembershipExpired => Some(codes::MEMBERSHIP_EXPIRED),
            Self::MobileOnlyFile => Some(codes::MOBILE_ONLY_FILE),
            Self::ApiVersionTooOld => Some(codes::API_VERSION_TOO_OLD),
            Self::Other { code, .. } => *code,
            _ => None,
        }
    }

    pub(crate) fn malformed(reason: impl std::fmt::Display) -> Self {
        Self::Malformed {
            reason: reason.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_codes_map_to_variants() {
        assert!(matches!(
            ApiError::from_parts(200, Some(1059), Some("不支持非官方工具访问".into())),
            ApiError::Throttled { message: Some(m) } if m == "不支持非官方工具访问"
        ));
        assert_eq!(
            ApiError::from_parts(200, Some(14210), None),
            ApiError::MembershipExpired
        );
        assert_eq!(
            ApiError::from_parts(200, Some(1030), None),
            ApiError::MobileOnlyFile
        );
        assert_eq!(
            ApiError::from_parts(200, Some(1002), Some(String::new())),
            ApiError::ApiVersionTooOld
        );
        assert_eq!(
            ApiError::from_parts(200, Some(100_002), None),
            ApiError::NotFound
        );
        assert_eq!(
            ApiError::from_parts(200, Some(52010), Some("未报名参加该打卡任务".into())),
            ApiError::Other {
                code: Some(52010),
                message: Some("未报名参加该打卡任务".into())
            }
        );
    }

    #[test]
    fn http_statuses_map_to_variants() {
        assert_eq!(
            ApiError::from_parts(401, None, None),
            ApiError::Unauthorized
        );
        assert_eq!(ApiError::from_parts(403, None, None), ApiError::NotMember);
        assert_eq!(ApiError::from_parts(404, None, None), ApiError::NotFound);
        assert_eq!(
            ApiError::from_parts(429, None, Some("操作过于频繁，请稍后重试".into())),
            ApiError::TooFrequent
        );
        assert_eq!(
            ApiError::from_parts(502, None, None),
            ApiError::Http {
                status: 502,
                message: None
            }
        );
        assert_eq!(
            ApiError::from_parts(400, Some(777), None),
            ApiError::Other {
                code: Some(777),
                message: None
            }
        );
        // A known code beats the generic status it arrived with.
        assert!(matches!(
            ApiError::from_parts(401, Some(1059), None),
            ApiError::Throttled { .. }
        ));
    }

    #[test]
    fn retryable_only_for_transient_failures() {
        let yes = [
            ApiError::from_parts(200, Some(1059), None),
            ApiError::from_parts(429, None, None),
            ApiError::from_parts(500, None, None),
            ApiError::from_parts(503, None, None),
            ApiError::from_parts(408, None, None),
        ];
        for err in &yes {
            assert!(err.retryable(), "{err:?} should be retryable");
        }
        let no = [
            ApiError::from_parts(401, None, None),
            ApiError::from_parts(403, None, None),
            ApiError::from_parts(404, None, None),
            ApiError::from_parts(200, Some(14210), None),
            ApiError::from_parts(200, Some(1030), None),
            ApiError::from_parts(200, Some(1002), None),
            ApiError::from_parts(200, Some(100_002), None),
            ApiError::from_parts(200, Some(52010), None),
            ApiError::from_parts(400, None, None),
            ApiError::malformed("truncated"),
        ];
        for err in &no {
            assert!(!err.retryable(), "{err:?} should not be retryable");
        }
    }

    #[test]
    fn messages_are_plain_words() {
        assert_eq!(
            ApiError::from_parts(200, Some(52010), Some("未报名参加该打卡任务".into())).to_string(),
            "ZSXQ refused the request (code 52010): 未报名参加该打卡任务"
        );
        assert_eq!(
            ApiError::from_parts(503, None, Some("  ".into())).to_string(),
            "ZSXQ answered with HTTP status 503"
        );
        assert_eq!(
            ApiError::Unauthorized.to_string(),
            "the ZSXQ sign-in is no longer valid; sign in again"
        );
        assert_eq!(
            ApiError::from_parts(200, Some(1059), None).code(),
            Some(1059)
        );
        assert_eq!(ApiError::NotMember.code(), None);
        let too_large = ApiError::TooLarge {
            what: "a download",
            url: "https://images.zsxq.com/a.jpg".into(),
            limit: 32 * 1024 * 1024,
        };
        assert_eq!(
            too_large.to_string(),
            "refused a download from https://images.zsxq.com/a.jpg: larger than the 32 MiB this client accepts"
        );
        assert!(!too_large.retryable());
        assert_eq!(size(900), "900 bytes");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(16 * 1024 * 1024), "16 MiB");
    }
}
