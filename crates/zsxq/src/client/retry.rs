//! Which failures are worth another attempt, and how long to wait before it.
//!
//! Transient failures are common and expected: 1059 hits about one request in five, 5xx and
//! cut-off bodies happen, and a 429 means "slower". The policy is a capped exponential back-off
//! with jitter (via `backon`), on top of the pacing that every attempt goes through anyway.
//!
//! What is *not* retried matters as much: a 401 means the token is dead or banned, and retrying
//! it is exactly the hammering that gets tokens banned; membership, mobile-only files, missing
//! objects and unexpected JSON fail the same way every time.

use std::time::Duration;

use backon::ExponentialBuilder;

use crate::ApiError;

/// Back-off for transient failures.
///
/// Defaults: up to 5 attempts (4 retries), waiting 2, 4, 8, 16 s — capped at 30 s — each
/// stretched by up to 100 % at random so that retries of several requests do not line up.
/// Tests against `zsxq-sim` use millisecond delays.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included; 1 disables retries.
    pub max_attempts: u32,
    /// Wait before the first retry.
    pub min_delay: Duration,
    /// Cap on the wait between attempts (before jitter).
    pub max_delay: Duration,
    /// Growth of the wait from one retry to the next.
    pub factor: f32,
    /// Randomise each wait between 1× and 2× its nominal value.
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            factor: 2.0,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// A single attempt; failures surface at once.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// `max_attempts` attempts with waits of about a millisecond: for tests against
    /// `zsxq-sim`, which injects faults on purpose and need not be waited for.
    pub fn immediate(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
            factor: 2.0,
            jitter: true,
        }
    }

    pub(crate) fn backoff(&self) -> ExponentialBuilder {
        let retries = usize::try_from(self.max_attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let builder = ExponentialBuilder::new()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay.max(self.min_delay))
            .with_factor(self.factor.max(1.0))
            .with_max_times(retries);
        if self.jitter {
            builder.with_jitter()
        } else {
            builder
        }
    }
}

/// Whether sending the same request twice is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Reads, likes, read markers: repeating them changes nothing.
    Idempotent,
    /// Posting a talk, comment or answer: a second copy would be a second post.
    NotIdempotent,
}

/// Whether `err` warrants another attempt of a request of the given kind.
pub(crate) fn should_retry(err: &ApiError, idempotency: Idempotency) -> bool {
    match idempotency {
        Idempotency::Idempotent => err.retryable(),
        // 1059 and 429 are refusals at the door: the service did nothing, so a write may be
        // sent again. After a 5xx, a timeout or a cut-off answer the post may or may not exist;
        // only the caller (the outbox, which can look) may decide to send it again.
        Idempotency::NotIdempotent => {
            matches!(err, ApiError::Throttled { .. } | ApiError::TooFrequent)
        }
    }
}

#[cfg(test)]
mod tests {
    use backon::BackoffBuilder;

    use super::*;

    #[test]
    fn transient_failures_are_retried() {
        for err in [
            ApiError::from_parts(200, Some(1059), None),
            ApiError::from_parts(429, None, None),
            ApiError::from_parts(500, None, None),
            ApiError::from_parts(502, None, None),
            ApiError::from_parts(503, None, None),
            ApiError::Timeout,
            ApiError::Truncated {
                reason: "EOF while parsing".into(),
            },
        ] {
            assert!(should_retry(&err, Idempotency::Idempotent), "{err:?}");
        }
    }

    #[test]
    fn permanent_failures_are_not_retried() {
        for err in [
            ApiError::Unauthorized,
            ApiError::from_parts(401, None, None),
            ApiError::NotMember,
            ApiError::MembershipExpired,
            ApiError::MobileOnlyFile,
            ApiError::ApiVersionTooOld,
            ApiError::NotFound,
            ApiError::from_parts(200, Some(52010), None),
            ApiError::from_parts(400, None, None),
            ApiError::Malformed {
                reason: "resp_data: missing field `topics`".into(),
            },
            ApiError::Transport {
                reason: "connection refused".into(),
            },
        ] {
            assert!(!should_retry(&err, Idempotency::Idempotent), "{err:?}");
            assert!(!should_retry(&err, Idempotency::NotIdempotent), "{err:?}");
        }
    }

    #[test]
    fn writes_retry_only_refusals_that_did_nothing() {
        assert!(should_retry(
            &ApiError::from_parts(200, Some(1059), None),
            Idempotency::NotIdempotent
        ));
        assert!(should_retry(
            &ApiError::TooFrequent,
            Idempotency::NotIdempotent
        ));
        for err in [
            ApiError::from_parts(502, None, None),
            ApiError::Timeout,
            ApiError::Truncated {
                reason: "cut".into(),
            },
        ] {
            assert!(!should_retry(&err, Idempotency::NotIdempotent), "{err:?}");
        }
    }

    #[test]
    fn default_backoff_is_capped_exponential() {
        let policy = RetryPolicy {
            jitter: false,
            ..RetryPolicy::default()
        };
        let delays: Vec<Duration> = policy.backoff().build().collect();
        assert_eq!(
            delays,
            [2, 4, 8, 16].map(Duration::from_secs),
            "4 retries after the first attempt"
        );
        let capped = RetryPolicy {
            max_attempts: 8,
            jitter: false,
            ..RetryPolicy::default()
        };
        let delays: Vec<Duration> = capped.backoff().build().collect();
        assert_eq!(delays.last(), Some(&Duration::from_secs(30)));
        assert_eq!(delays.len(), 7);
    }

    #[test]
    fn jitter_stays_between_one_and_two_times_the_delay() {
        let delays: Vec<Duration> = RetryPolicy::default().backoff().build().collect();
        assert_eq!(delays.len(), 4);
        for (delay, nominal) in delays.iter().zip([2, 4, 8, 16]) {
            let nominal = Duration::from_secs(nominal);
            assert!((nominal..=nominal * 2).contains(delay), "{delay:?}");
        }
    }

    #[test]
    fn never_means_one_attempt() {
        assert_eq!(RetryPolicy::never().backoff().build().count(), 0);
        assert_eq!(RetryPolicy::immediate(3).backoff().build().count(), 2);
    }
}
