//! `timestamp`: arbitrary strings through `Timestamp::parse` (and, when the string is an
//! integer, `Timestamp::from_unix_millis`).
//!
//! Invariants:
//! * parsing never panics;
//! * a successful parse prints back as the identical string (the wire format is a textual
//!   paging cursor, docs/protocol.md §3) and survives serde unchanged;
//! * the query-string form, the Unix-millisecond conversions and the paging steps never panic,
//!   and milliseconds → timestamp → milliseconds is the identity where it is in range;
//! * every timestamp the crate constructs (from milliseconds, or stepped ±1 ms) prints as a
//!   string that parses back to the same instant and prints identically.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zsxq::Timestamp;

fuzz_target!(|text: &str| {
    if let Ok(millis) = text.parse::<i64>()
        && let Ok(ts) = Timestamp::from_unix_millis(millis)
    {
        assert_eq!(ts.to_unix_millis(), millis);
        check_printable(ts);
    }

    let Ok(ts) = Timestamp::parse(text) else {
        return;
    };
    assert_eq!(
        ts.to_string(),
        text,
        "parse/display must round-trip exactly"
    );
    let json = serde_json::to_string(&ts).expect("serializes");
    let back: Timestamp = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, ts);
    assert_eq!(back.to_string(), text);

    let query = ts.to_query_value();
    assert!(
        query
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'+' && b != b':')
    );
    let _ = format!("{ts:?}");
    let millis = ts.to_unix_millis();
    if let Ok(china) = Timestamp::from_unix_millis(millis) {
        assert_eq!(china, ts, "millis round trip changed the instant");
        assert_eq!(china.to_unix_millis(), millis);
        check_printable(china);
    }
    for step in [-1, 1, i64::MIN, i64::MAX] {
        if let Some(moved) = ts.checked_add_millis(step) {
            assert_eq!(moved.offset(), ts.offset());
            check_printable(moved);
        }
    }
});

/// A timestamp the crate made must print in the wire format and parse back exactly.
fn check_printable(ts: Timestamp) {
    let text = ts.to_string();
    let parsed = Timestamp::parse(&text)
        .unwrap_or_else(|error| panic!("{ts:?} printed as unparseable {text:?}: {error}"));
    assert_eq!(parsed, ts);
    assert_eq!(parsed.to_string(), text);
}
