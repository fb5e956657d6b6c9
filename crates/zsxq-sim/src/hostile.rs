//! The payloads of the `hostile` dataset ([`crate::Dataset::Hostile`]), for tests that check a
//! client renders untrusted content inertly.
//!
//! Every payload tries to run `window.__orrery_pwned=1`, so one check of the [`CANARY`] global
//! after rendering tells whether any of them executed. The dataset spreads the payloads over
//! everything a client might display: topic, answer and comment texts (as plain text and
//! inside bold, link, hashtag and mention entities, percent-encoded as the service encodes
//! them), user names, descriptions and locations, circle names and descriptions, hashtags,
//! columns, file names, article titles and article HTML, and a query parameter on every media
//! URL (which stays downloadable). Alongside them, every topic, answer and comment text starts
//! with an ordinary line beginning with [`MARKER`] (`安全测试文本 12`, `安全测试文本 12.3`…),
//! which a test can look for to prove the text is still shown.

/// The global every payload tries to set: `window.__orrery_pwned`.
pub const CANARY: &str = "__orrery_pwned";

/// The start of the first line of every text in the dataset; the rest of the line is ordinary
/// text too (a number, or a number and `回答`), so the whole first line must appear rendered.
pub const MARKER: &str = "安全测试文本";

/// `concat!` of ten copies of a literal.
macro_rules! ten {
    ($s:expr) => {
        concat!($s, $s, $s, $s, $s, $s, $s, $s, $s, $s)
    };
}

/// The payloads, each served verbatim somewhere in the dataset (most in several places).
pub const PAYLOADS: &[&str] = &[
    "<script>window.__orrery_pwned=1</script>",
    "<img src=x onerror=\"window.__orrery_pwned=1\">",
    "<svg onload=window.__orrery_pwned=1>",
    "javascript:window.__orrery_pwned=1",
    // Scheme filters that compare case-sensitively, or do not strip the tab browsers ignore.
    "JaVaScRiPt:window.__orrery_pwned=1",
    "java\tscript:window.__orrery_pwned=1",
    // Decoded by a renderer that unescapes entities before checking the scheme.
    "&#106;avascript:window.__orrery_pwned=1",
    // Breaking out of a double- or single-quoted attribute.
    "\"><script>window.__orrery_pwned=1</script>",
    "'><img src=x onerror=window.__orrery_pwned=1>",
    "\" onmouseover=\"window.__orrery_pwned=1\" x=\"",
    "<ScRiPt>window.__orrery_pwned=1</sCrIpT>",
    // A stylesheet that hides the page; its load event runs the script.
    "<style onload=\"window.__orrery_pwned=1\">body{display:none}</style>",
    "<div style=\"position:fixed;inset:0;z-index:2147483647;background:#fff\" onmouseover=\"window.__orrery_pwned=1\">安全测试遮罩</div>",
    // A javascript: frame runs in a frame of its own; it reaches for the page around it.
    "<iframe src=\"javascript:parent.window.__orrery_pwned=1\"></iframe>",
    "<a href=\"data:text/html,<script>window.__orrery_pwned=1</script>\">安全测试数据链接</a>",
    "<a href=\"javascript:window.__orrery_pwned=1\">安全测试脚本链接</a>",
    "<details open ontoggle=window.__orrery_pwned=1>",
    "</textarea></title><img src=x onerror=window.__orrery_pwned=1>",
    // Right-to-left override: the text reads backwards after it.
    "\u{202E}fdp.exe<img src=x onerror=window.__orrery_pwned=1>\u{202C}",
    // An unbroken word of 1,000 letters, for layouts that do not wrap.
    concat!(
        ten!(ten!(ten!("W"))),
        "<svg onload=window.__orrery_pwned=1>"
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_payload_reaches_for_the_canary() {
        let canary = format!("window.{CANARY}=1");
        for payload in PAYLOADS {
            assert!(payload.contains(&canary), "{payload}");
        }
        let longest = PAYLOADS
            .iter()
            .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
            .map(str::len)
            .max();
        assert_eq!(longest, Some(1000));
    }
}
