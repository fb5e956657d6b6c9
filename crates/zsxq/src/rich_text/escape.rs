//! Attribute value encoding: percent-encoded UTF-8, then (when reading) HTML entities.
//!
//! Decoding is deliberately forgiving because the data is: a 2019 dump has `title="@%E7%94%84…"`
//! (a literal `@` before encoded text), an old bot wrote `title="@ueno"`, and truncated values
//! can end in half a `%XX`. Whatever cannot be decoded is kept as written rather than replaced
//! by U+FFFD, so nothing the author wrote is lost.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What `encodeURIComponent` leaves alone, which is what the apps use (docs/protocol.md §8).
const URI_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// Encodes an attribute value the way the apps do.
///
/// Readers HTML-unescape after percent-decoding, so an `&` that would read as a character
/// reference (a literal `&amp;` in a title) is itself escaped first; any other `&` is left
/// alone, keeping the output identical to the apps' for ordinary text.
pub(crate) fn encode_value(value: &str) -> String {
    let mut protected = String::with_capacity(value.len());
    for (index, c) in value.char_indices() {
        if c == '&' && decode_reference(&value[index..]).is_some() {
            protected.push_str("&amp;");
        } else {
            protected.push(c);
        }
    }
    utf8_percent_encode(&protected, URI_COMPONENT).to_string()
}

/// Decodes an attribute value: lenient percent-decoding, then HTML unescaping.
pub(crate) fn decode_value(raw: &str) -> String {
    html_unescape(&percent_decode_lenient(raw))
}

/// Percent-decodes `raw`. A `%` not followed by two hex digits stays literal, and decoded bytes
/// that do not form valid UTF-8 are put back as the `%XX` text they came from.
pub(crate) fn percent_decode_lenient(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(pos) = rest.find('%') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let run_len = escaped_run_len(rest.as_bytes());
        if run_len == 0 {
            out.push('%');
            rest = &rest[1..];
            continue;
        }
        let (run, after) = rest.split_at(run_len);
        push_decoded_run(&mut out, run);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// Length in bytes of the leading run of `%XX` triplets.
fn escaped_run_len(bytes: &[u8]) -> usize {
    bytes
        .chunks(3)
        .take_while(|triplet| {
            matches!(triplet, [b'%', hi, lo] if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit())
        })
        .count()
        * 3
}

/// Decodes a run of `%XX` triplets into `out`, keeping invalid UTF-8 as its original text.
fn push_decoded_run(out: &mut String, run: &str) {
    let bytes: Vec<u8> = run
        .as_bytes()
        .chunks(3)
        .filter_map(|triplet| match triplet {
            [_, hi, lo] => Some(hex_value(*hi) << 4 | hex_value(*lo)),
            _ => None,
        })
        .collect();
    let mut decoded_so_far = 0;
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        decoded_so_far += chunk.valid().len();
        let invalid = chunk.invalid().len();
        if invalid > 0 {
            // Each decoded byte came from exactly three characters of `run`.
            let start = decoded_so_far * 3;
            out.push_str(run.get(start..start + invalid * 3).unwrap_or_default());
            decoded_so_far += invalid;
        }
    }
}

fn hex_value(digit: u8) -> u8 {
    match digit {
        b'0'..=b'9' => digit - b'0',
        b'a'..=b'f' => digit - b'a' + 10,
        b'A'..=b'F' => digit - b'A' + 10,
        _ => 0,
    }
}

/// Replaces the HTML character references a ZSXQ attribute can plausibly contain: the XML five,
/// `&nbsp;`, and numeric references. Anything else is left as written.
pub(crate) fn html_unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        match decode_reference(rest) {
            Some((ch, len)) => {
                out.push(ch);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Decodes the reference at the start of `text` (which starts with `&`): the character and the
/// number of bytes consumed.
fn decode_reference(text: &str) -> Option<(char, usize)> {
    // The longest reference we accept is `&#x10FFFF;` (10 bytes).
    let end = text.char_indices().take(12).find(|&(_, c)| c == ';')?.0;
    let body = &text[1..end];
    let ch = match body {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        _ => {
            let number = body.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            // NUL and surrogates are not characters a document may carry.
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    };
    Some((ch, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_the_protocol_examples() {
        assert_eq!(
            decode_value("%23AI%20%E5%8F%AF%E7%A0%94%E6%8A%A5%E5%91%8A%23"),
            "#AI 可研报告#"
        );
        assert_eq!(decode_value("%40%E5%B0%8F%E5%82%85%E5%93%A5"), "@小傅哥");
        assert_eq!(
            decode_value("https%3A%2F%2Ft.zsxq.com%2FYouIw"),
            "https://t.zsxq.com/YouIw"
        );
    }

    #[test]
    fn keeps_literal_at_hash_and_plus() {
        assert_eq!(decode_value("@%E7%94%84"), "@甄");
        assert_eq!(decode_value("@ueno"), "@ueno");
        assert_eq!(decode_value("#tag#"), "#tag#");
        assert_eq!(decode_value("a+b"), "a+b");
    }

    #[test]
    fn broken_percent_sequences_stay_literal() {
        assert_eq!(percent_decode_lenient("100%"), "100%");
        assert_eq!(percent_decode_lenient("%zz%4"), "%zz%4");
        assert_eq!(percent_decode_lenient("%%41"), "%A");
        // Half a UTF-8 sequence (a truncated title) survives as text.
        assert_eq!(percent_decode_lenient("%E4%B8%AD%E6%96"), "中%E6%96");
        assert_eq!(percent_decode_lenient("%ff%41"), "%ffA");
        assert_eq!(percent_decode_lenient("%C3%28ok"), "%C3(ok");
        assert_eq!(percent_decode_lenient("中文%20"), "中文 ");
        assert_eq!(percent_decode_lenient(""), "");
    }

    #[test]
    fn html_unescape_is_single_pass_and_bounded() {
        assert_eq!(
            html_unescape("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "<script>alert(1)</script>"
        );
        assert_eq!(html_unescape("&amp;lt;"), "&lt;");
        assert_eq!(html_unescape("&#x4E2D;&#25991;"), "中文");
        assert_eq!(
            html_unescape("&#0;&#xD800;&bogus;&"),
            "&#0;&#xD800;&bogus;&"
        );
        assert_eq!(html_unescape("AT&T; fish & chips"), "AT&T; fish & chips");
        assert_eq!(html_unescape("&#99999999999;"), "&#99999999999;");
    }

    #[test]
    fn encode_matches_encode_uri_component() {
        assert_eq!(
            encode_value("#AI 可研报告#"),
            "%23AI%20%E5%8F%AF%E7%A0%94%E6%8A%A5%E5%91%8A%23"
        );
        assert_eq!(
            encode_value("https://t.zsxq.com/YouIw"),
            "https%3A%2F%2Ft.zsxq.com%2FYouIw"
        );
        assert_eq!(encode_value("a-b_c.d!e~f*g'h(i)"), "a-b_c.d!e~f*g'h(i)");
        assert_eq!(encode_value("\"<>&"), "%22%3C%3E%26");
        assert_eq!(encode_value("AT&T"), "AT%26T");
        assert_eq!(encode_value("&amp;"), "%26amp%3Bamp%3B");
        for text in [
            "✅ 快闪项目汇总",
            "%41",
            "100%",
            "@小傅哥",
            "a\nb",
            "&amp;",
            "&#20013;",
            "&lt;&",
        ] {
            assert_eq!(decode_value(&encode_value(text)), text);
        }
    }
}
