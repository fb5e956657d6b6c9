//! `x-signature` and the web client's ids (docs/protocol.md §2.4).
//!
//! The signature is the lowercase hex SHA-1 of `URL + " " + x-timestamp + " " + x-request-id`,
//! where URL is the full request URL exactly as it goes on the wire: scheme, host, path and the
//! already percent-encoded query. The body is not part of it. So the client builds the URL
//! once, signs that string and sends that same string; re-encoding it in between (a `+` that
//! becomes `%20`, a `:` left unescaped) would make the service recompute another digest.

use std::fmt::Write as _;

use sha1::{Digest, Sha1};

/// The `x-signature` of a request to `url` stamped with `unix_secs` and `request_id`.
///
/// `url` must be the string that is sent, byte for byte (`Url::as_str` of the request's URL).
pub fn sign(url: &str, unix_secs: u64, request_id: &str) -> String {
    let digest = Sha1::new()
        .chain_update(url.as_bytes())
        .chain_update(b" ")
        .chain_update(unix_secs.to_string().as_bytes())
        .chain_update(b" ")
        .chain_update(request_id.as_bytes())
        .finalize();
    let mut hex = String::with_capacity(2 * digest.len());
    for byte in digest.iter() {
        // Writing to a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// A fresh random id in the web client's format, for `x-request-id` and `x-aduid`.
///
/// The web captures (docs/protocol.md §2.1, §2.4) show 32 lowercase hex digits grouped
/// 9-4-4-4-11 (`0c7d5b83a-1738-752b-67fe-b057a0866af`, 36 characters; PROTOCOL.md calls them
/// 35, but every captured one is 36), not a standard 8-4-4-4-12 UUID: the iOS app sends those.
/// Orrery presents itself as the web client (cookie, `wx.zsxq.com` origin, a browser's
/// user agent), so its ids take the web client's shape too rather than mixing in the app's.
/// All 128 bits are random: the captured ids carry no fixed version nibble.
pub fn web_id() -> String {
    let hex = format!("{:032x}", fastrand::u128(..));
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..9],
        &hex[9..13],
        &hex[13..17],
        &hex[17..21],
        &hex[21..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two vectors published with the algorithm (PROTOCOL.md §2.4): a web GET with a
    /// query string and a POST without one.
    #[test]
    fn signatures_match_the_published_vectors() {
        assert_eq!(
            sign(
                "https://api.zsxq.com/v2/hashtags/828881214282/topics?count=1",
                1_775_781_873,
                "0c7d5b83a-1738-752b-67fe-b057a0866af",
            ),
            "c6890acb5bf4589a15c6e052adf6ba194dd28c79"
        );
        assert_eq!(
            sign(
                "https://api.zsxq.com/v2/groups/48885154455258/topics",
                1_774_404_109,
                "c5aba2394-1790-4f97-84c8-ebca01cb272",
            ),
            "9a50178a81cd42977b7688a2a347a1218c5025fe"
        );
    }

    #[test]
    fn every_part_of_the_signed_string_counts() {
        let url =
            "https://api.zsxq.com/v2/groups/1/topics?end_time=2025-12-10T13%3A56%3A05.120%2B0800";
        let base = sign(url, 1, "a");
        assert_eq!(base.len(), 40);
        assert!(
            base.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        // The query as encoded, not as decoded: the service hashes what it received.
        let decoded =
            "https://api.zsxq.com/v2/groups/1/topics?end_time=2025-12-10T13:56:05.120+0800";
        for other in [sign(decoded, 1, "a"), sign(url, 2, "a"), sign(url, 1, "b")] {
            assert_ne!(other, base);
        }
    }

    #[test]
    fn web_ids_have_the_captured_shape_and_differ() {
        let (a, b) = (web_id(), web_id());
        assert_ne!(a, b);
        for id in [&a, &b, &"0c7d5b83a-1738-752b-67fe-b057a0866af".to_owned()] {
            let groups: Vec<usize> = id.split('-').map(str::len).collect();
            assert_eq!(groups, [9, 4, 4, 4, 11], "{id}");
            assert!(
                id.bytes()
                    .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
                "{id}"
            );
        }
    }
}
