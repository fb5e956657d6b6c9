//! Remote text printed for people, made harmless for a terminal.
//!
//! A post, a circle's name or a service's message is hostile input: escape sequences in it
//! would reach the terminal as commands (set the window title, write the clipboard with OSC 52,
//! clear the screen, move the cursor over earlier lines), and bidirectional formatting
//! characters would make `x\u{202E}fdp.exe` read as `xexe.pdf`. Every remote string printed
//! for people goes through [`safe`]; JSON output escapes control characters by construction and
//! stays as it is, so scripts still get the exact text.

use std::borrow::Cow;

use orrery_core::search::Snippet;

/// What stands in for a character that must not reach the terminal.
const REPLACEMENT: char = '\u{FFFD}';

/// `text` with every control character but line feed and tab (C0, DEL, C1: the start of every
/// escape sequence, and carriage return and backspace, which overwrite what is shown) and every
/// bidirectional formatting character replaced by `�`.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if unsafe_char(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

/// A unix-millisecond time as people read it, in the service's clock (China Standard Time):
/// `2025-03-01 09:05`.
pub fn when(ms: i64) -> String {
    zsxq::Timestamp::from_unix_millis(ms)
        .map(|t| {
            t.to_string()
                .chars()
                .take(16)
                .collect::<String>()
                .replace('T', " ")
        })
        .unwrap_or_default()
}

/// A search snippet on one line, each mark wrapped in `open` and `close` (our own highlight,
/// the only escape sequence that reaches the terminal).
pub fn marked(snippet: &Snippet, open: &str, close: &str) -> String {
    snippet.marked_with(open, close, |piece| safe(piece).replace('\n', " "))
}

fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_and_bidi_controls_never_reach_the_terminal() {
        let hostile = "\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZWNobyBoaQ==\u{7}\u{1b}[2J\r估值\u{8}\u{9b}31m x\u{202E}fdp.exe";
        let shown = safe(hostile);
        assert!(
            !shown.chars().any(unsafe_char),
            "{shown:?} still holds a control"
        );
        assert!(
            shown.contains("估值") && shown.contains("fdp.exe"),
            "{shown}"
        );
        assert_eq!(safe("读书会 · 第 3 期\n\tok"), "读书会 · 第 3 期\n\tok");
        assert!(matches!(safe("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn a_snippet_keeps_its_own_highlight_and_loses_the_posts_escapes() {
        let text = "前言\u{1b}[2J 估值\u{1b}]0;x\u{7}方法\n下一行".to_owned();
        let from = text.find("估值").expect("present");
        let snippet = Snippet {
            marks: vec![(from, from + "估值".len())],
            text,
        };
        let shown = marked(&snippet, "\u{1b}[1m", "\u{1b}[0m");
        assert_eq!(shown.matches('\u{1b}').count(), 2, "only ours: {shown:?}");
        assert!(shown.contains("\u{1b}[1m估值\u{1b}[0m"), "{shown:?}");
        assert!(
            !shown.contains('\n') && !shown.contains('\u{7}'),
            "{shown:?}"
        );
    }
}
