//! `envelope`: arbitrary bytes as a response body.
//!
//! Invariants, for every body under a spread of HTTP statuses (success, odd 2xx, redirects, the
//! 4xx/5xx the client classifies, out-of-range codes):
//! * `decode_response`/`decode_body` return `Ok` or a typed `ApiError`, never panic, for the
//!   main payloads (`TopicsPage`, `TopicDetail`, `CommentsPage`, `GroupsList`) and `Empty`;
//! * a non-2xx status is always an error, classified by the status (never `Malformed`);
//! * a 2xx failure is a business error or `Malformed`, never an HTTP-level variant;
//! * every error displays, says whether it is retryable, and its `code()` is the envelope code
//!   it was built from;
//! * `decode_body` is `decode_response` with status 200;
//! * a page that decodes, wrapped in a new success envelope, decodes to an equal page
//!   (the simulator serves exactly that).
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;
use zsxq::{
    ApiError, CommentsPage, Empty, Envelope, GroupsList, TopicDetail, TopicsPage, decode_body,
    decode_response,
};

const STATUSES: &[u16] = &[
    0,
    100,
    200,
    204,
    301,
    401,
    403,
    404,
    429,
    502,
    999,
    u16::MAX,
];

fuzz_target!(|body: &[u8]| {
    for &status in STATUSES {
        let result = decode_response::<Empty>(status, body);
        if (200..300).contains(&status) {
            if let Err(error) = &result {
                check_success_status_error(error, body);
            }
        } else {
            let error = result.expect_err("a non-2xx status decoded as success");
            check_error(&error);
            assert!(
                !matches!(error, ApiError::Malformed { .. }),
                "HTTP {status} reported as malformed: {error:?}"
            );
        }
    }

    if let Ok(page) = round_trip::<TopicsPage>(body) {
        for topic in &page.topics {
            let _ = (topic.body(), topic.owner(), topic.text(), topic.images());
            let _ = (topic.comments(), topic.uid_is_consistent());
        }
    }
    let _ = round_trip::<TopicDetail>(body);
    let _ = round_trip::<CommentsPage>(body);
    let _ = round_trip::<GroupsList>(body);
});

/// Decodes `body` as a `T` response with the invariants above; re-wraps a success.
fn round_trip<T>(body: &[u8]) -> Result<T, ApiError>
where
    T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug,
{
    let result = decode_body::<T>(body);
    assert_eq!(
        result,
        decode_response::<T>(200, body),
        "decode_body is not status 200"
    );
    match &result {
        Ok(value) => {
            let rewrapped = serde_json::to_vec(&Envelope::success(value)).expect("serializes");
            let again = decode_body::<T>(&rewrapped);
            assert_eq!(
                again.as_ref(),
                Ok(value),
                "re-wrapped payload decodes differently: {}",
                String::from_utf8_lossy(&rewrapped)
            );
        }
        Err(error) => check_success_status_error(error, body),
    }
    result
}

/// What a 2xx response may fail with: the envelope's business error, or an unreadable body.
fn check_success_status_error(error: &ApiError, body: &[u8]) {
    check_error(error);
    assert!(
        matches!(
            error,
            ApiError::Throttled { .. }
                | ApiError::MembershipExpired
                | ApiError::MobileOnlyFile
                | ApiError::ApiVersionTooOld
                | ApiError::NotFound
                | ApiError::Other { .. }
                | ApiError::Malformed { .. }
        ),
        "2xx body {:?} gave an HTTP-level error {error:?}",
        String::from_utf8_lossy(body)
    );
}

fn check_error(error: &ApiError) {
    assert!(!error.to_string().is_empty());
    let _ = error.retryable();
    if let Some(code) = error.code() {
        // `code()` names the envelope code, which for a specific variant is that variant's.
        let rebuilt = ApiError::from_parts(200, Some(code), None);
        assert_eq!(rebuilt.code(), Some(code), "{error:?}");
    }
}
