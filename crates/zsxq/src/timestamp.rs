//! The service's timestamp, `2025-12-10T13:56:05.120+0800`.
//!
//! Built on the `time` crate rather than `jiff`: ZSXQ only ever sends fixed UTC offsets (always
//! `+0800` in practice), so jiff's time-zone database and DST arithmetic buy nothing here, while
//! `time`'s compile-time format descriptions let us spell the wire format exactly — three
//! fractional digits, an offset without a colon — and refuse everything else. Exactness is what
//! makes the round trip byte-identical, which matters because these strings are pagination
//! cursors (`end_time`, `begin_time`) that the server compares textually in its own format.

use std::fmt;
use std::str::FromStr;

use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::FormatItem;
use time::macros::{format_description, offset};
use time::{Duration, OffsetDateTime, UtcOffset};

/// `YYYY-MM-DDTHH:MM:SS.mmm±HHMM`, the only shape the service uses (docs/protocol.md §3).
const WIRE_FORMAT: &[FormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3][offset_hour sign:mandatory][offset_minute]"
);

/// China Standard Time, the offset the service writes and the one we use for new timestamps.
pub const CHINA_OFFSET: UtcOffset = offset!(+8);

/// Why a string is not a ZSXQ timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimestampError {
    /// The text does not match `YYYY-MM-DDTHH:MM:SS.mmm+HHMM`.
    #[error("“{input}” is not a ZSXQ timestamp like 2025-12-10T13:56:05.120+0800")]
    Format {
        /// The rejected text.
        input: String,
    },
    /// The instant cannot be represented (outside the years 1–9999).
    #[error("{millis} ms since the Unix epoch is outside the supported date range")]
    OutOfRange {
        /// The rejected number of milliseconds.
        millis: i64,
    },
}

/// A millisecond-precision instant with the UTC offset it was written in.
///
/// Ordering and equality compare the instant, so `…+0800` and the same moment at `+0000` are
/// equal; the offset is kept only so that the value prints back exactly as it was received.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Parses the wire format exactly; anything else (a colon in the offset, `Z`, two or four
    /// fractional digits) is an error, so format drift on the server is noticed, not guessed at.
    ///
    /// Only the spelling that prints back identically is accepted: `time` also reads a signed
    /// year (`+2025-…`, `-0001-…`) and a negative zero offset (`-0000`), which the service never
    /// writes and which would not survive the round trip, and years outside 1–9999 are refused
    /// like everywhere else in this type.
    pub fn parse(input: &str) -> Result<Self, TimestampError> {
        let format_error = || TimestampError::Format {
            input: input.to_owned(),
        };
        let parsed = OffsetDateTime::parse(input, WIRE_FORMAT).map_err(|_| format_error())?;
        let canonical = parsed.format(WIRE_FORMAT).ok();
        if !(1..=9999).contains(&parsed.year()) || canonical.as_deref() != Some(input) {
            return Err(format_error());
        }
        Ok(Self(parsed))
    }

    /// The instant `millis` after the Unix epoch, expressed in China Standard Time.
    pub fn from_unix_millis(millis: i64) -> Result<Self, TimestampError> {
        let nanos = i128::from(millis) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|utc| utc.checked_to_offset(CHINA_OFFSET))
            // Years beyond 9999 cannot be written with a four-digit year.
            .filter(|dt| (1..=9999).contains(&dt.year()))
            .map(Self)
            .ok_or(TimestampError::OutOfRange { millis })
    }

    /// Milliseconds since the Unix epoch.
    pub fn to_unix_millis(self) -> i64 {
        // Every representable value has millisecond precision and a year within ±9999, so the
        // quotient always fits in an i64.
        let millis = self.0.unix_timestamp_nanos() / 1_000_000;
        i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX })
    }

    /// The underlying date-time, for calendar arithmetic or display.
    pub fn to_offset_date_time(self) -> OffsetDateTime {
        self.0
    }

    /// The offset the timestamp was written in.
    pub fn offset(self) -> UtcOffset {
        self.0.offset()
    }

    /// The same instant shifted by `millis` (negative goes back), keeping the offset.
    ///
    /// Paging clients step one millisecond past the last item's `create_time`
    /// (docs/protocol.md §5); this is that step, checked.
    pub fn checked_add_millis(self, millis: i64) -> Option<Self> {
        self.0
            .checked_add(Duration::milliseconds(millis))
            .filter(|dt| (1..=9999).contains(&dt.year()))
            .map(Self)
    }

    /// The value for a URL query parameter, percent-encoded the way the apps send it:
    /// `2025-12-10T13%3A56%3A05.120%2B0800`.
    pub fn to_query_value(self) -> String {
        utf8_percent_encode(&self.to_string(), QUERY_VALUE).to_string()
    }
}

/// Everything but letters, digits and the characters the apps leave alone in query values.
const QUERY_VALUE: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Formatting only fails for a year outside 0–9999, which `parse` and the constructors
        // exclude; fall back to the debug form rather than panic.
        match self.0.format(WIRE_FORMAT) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "{:?}", self.0),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl Visitor<'_> for TimestampVisitor {
            type Value = Timestamp;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp like 2025-12-10T13:56:05.120+0800")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse(v).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(TimestampVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "2025-12-10T13:56:05.120+0800";

    #[test]
    fn round_trips_the_exact_string() {
        for text in [
            SAMPLE,
            "2026-04-08T10:34:21.101+0800",
            "2286-11-21T01:46:39.999+0800",
            "2019-01-01T00:00:00.000+0000",
            "2020-02-29T23:59:59.001-0330",
        ] {
            let ts = Timestamp::parse(text).expect("valid timestamp");
            assert_eq!(ts.to_string(), text);
            let json = serde_json::to_string(&ts).expect("serialize");
            assert_eq!(json, format!("\"{text}\""));
            let back: Timestamp = serde_json::from_str(&json).expect("deserialize");
            assert_eq!(back.to_string(), text);
        }
    }

    #[test]
    fn rejects_near_misses() {
        for text in [
            "2025-12-10T13:56:05.120+08:00",
            "2025-12-10T13:56:05.12+0800",
            "2025-12-10T13:56:05.1200+0800",
            "2025-12-10T13:56:05+0800",
            "2025-12-10T13:56:05.120Z",
            "2025-12-10 13:56:05.120+0800",
            "2025-13-10T13:56:05.120+0800",
            " 2025-12-10T13:56:05.120+0800",
            "",
        ] {
            assert!(Timestamp::parse(text).is_err(), "{text:?} should not parse");
        }
        assert!(serde_json::from_str::<Timestamp>("1765346165120").is_err());
    }

    /// Found by the `timestamp` fuzz target (docs/FUZZING.md): `time` accepted a `+` before the
    /// year, so `+2025-…` parsed and then printed as `2025-…`, breaking the exact round trip
    /// that paging cursors rely on. The other spellings `time` reads but never writes go too.
    #[test]
    fn rejects_spellings_that_would_not_round_trip() {
        for text in [
            "+2025-12-03T15:27:31.674+0800",
            "2025-12-03T15:27:31.674-0000",
            "-0001-12-03T15:27:31.674+0800",
            "0000-12-03T15:27:31.674+0800",
        ] {
            assert!(
                matches!(Timestamp::parse(text), Err(TimestampError::Format { .. })),
                "{text:?} should not parse"
            );
        }
        for text in [
            "0001-01-01T00:00:00.000+0800",
            "9999-12-31T23:59:59.999-2359",
            "2025-12-03T15:27:31.674+0000",
        ] {
            let ts = Timestamp::parse(text).expect("canonical spelling");
            assert_eq!(ts.to_string(), text);
        }
    }

    #[test]
    fn converts_to_and_from_unix_millis() {
        let ts = Timestamp::parse(SAMPLE).expect("valid");
        // 13:56:05.120 in UTC+8 is 05:56:05.120 UTC.
        assert_eq!(ts.to_unix_millis(), 1_765_346_165_120);
        let back = Timestamp::from_unix_millis(1_765_346_165_120).expect("in range");
        assert_eq!(back.to_string(), SAMPLE);
        assert_eq!(back, ts);

        let epoch = Timestamp::from_unix_millis(0).expect("epoch");
        assert_eq!(epoch.to_string(), "1970-01-01T08:00:00.000+0800");
        let before = Timestamp::from_unix_millis(-1).expect("before epoch");
        assert_eq!(before.to_string(), "1970-01-01T07:59:59.999+0800");
        assert_eq!(before.to_unix_millis(), -1);
        assert!(Timestamp::from_unix_millis(i64::MAX).is_err());
    }

    #[test]
    fn orders_by_instant_not_text() {
        let a = Timestamp::parse("2025-12-10T13:56:05.120+0800").expect("valid");
        let same = Timestamp::parse("2025-12-10T05:56:05.120+0000").expect("valid");
        let later = Timestamp::parse("2025-12-10T05:56:05.121+0000").expect("valid");
        assert_eq!(a, same);
        assert!(a < later);
        assert_eq!(same.to_string(), "2025-12-10T05:56:05.120+0000");
    }

    #[test]
    fn steps_by_milliseconds_for_paging() {
        let ts = Timestamp::parse("2025-12-10T00:00:00.000+0800").expect("valid");
        let prev = ts.checked_add_millis(-1).expect("in range");
        assert_eq!(prev.to_string(), "2025-12-09T23:59:59.999+0800");
        assert_eq!(prev.offset(), CHINA_OFFSET);
        assert!(ts.checked_add_millis(i64::MAX).is_none());
    }

    #[test]
    fn formats_for_the_query_string_like_the_app() {
        let ts = Timestamp::parse(SAMPLE).expect("valid");
        assert_eq!(ts.to_query_value(), "2025-12-10T13%3A56%3A05.120%2B0800");
        let west = Timestamp::parse("2025-12-10T13:56:05.120-0500").expect("valid");
        assert_eq!(west.to_query_value(), "2025-12-10T13%3A56%3A05.120-0500");
    }
}
