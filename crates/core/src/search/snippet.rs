//! Snippets: a window of a unit's text around the first match, with every occurrence of the
//! query's words marked. Matching runs on the normalized text (as the index does) and the
//! marks are mapped back to byte ranges of the original, so `Ｒｕｓｔ` in a post is marked for
//! the query `rust`. Marks are ranges, never markup: the UI renders text nodes, so nothing in
//! a post can become HTML on the way.

use serde::{Deserialize, Serialize};

use super::analyzer::normalize_mapped;

/// Characters of context before the first match.
const BEFORE: usize = 24;
/// Characters in a snippet.
const LENGTH: usize = 140;

/// Text with marked ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snippet {
    /// An excerpt of the unit's text, `…` where it was cut.
    pub text: String,
    /// Byte ranges of `text` to highlight, in order, not overlapping.
    pub marks: Vec<(usize, usize)>,
}

impl Snippet {
    /// The snippet with each mark wrapped in `open` and `close` (for a terminal).
    pub fn marked(&self, open: &str, close: &str) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.marks.len());
        let mut at = 0;
        for &(from, to) in &self.marks {
            out.push_str(&self.text[at..from]);
            out.push_str(open);
            out.push_str(&self.text[from..to]);
            out.push_str(close);
            at = to;
        }
        out.push_str(&self.text[at..]);
        out
    }
}

/// The snippet of `text` for `terms` (normalized needles).
pub fn snippet(text: &str, terms: &[&str]) -> Snippet {
    let (normal, map) = normalize_mapped(text);
    let normal_chars: Vec<char> = normal.chars().collect();
    // Matches as ranges of normalized characters.
    let mut matches: Vec<(usize, usize)> = Vec::new();
    for term in terms {
        let needle: Vec<char> = term.chars().collect();
        if needle.is_empty() || needle.len() > normal_chars.len() {
            continue;
        }
        let mut i = 0;
        while i + needle.len() <= normal_chars.len() {
            if normal_chars[i..i + needle.len()] == needle[..] {
                matches.push((i, i + needle.len()));
                i += needle.len();
            } else {
                i += 1;
            }
        }
    }
    matches.sort_unstable();
    // Overlapping matches of different words become one mark.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (from, to) in matches {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }

    // The window, in bytes of the original text.
    let byte_of = |normal_index: usize| map.get(normal_index).copied().unwrap_or(text.len());
    let char_end = |byte: usize| byte + text[byte..].chars().next().map_or(0, char::len_utf8);
    let first = merged.first().map_or(0, |m| m.0);
    let start_char = first.saturating_sub(BEFORE);
    let start = if normal_chars.is_empty() {
        0
    } else {
        byte_of(start_char)
    };
    let mut end = start;
    for c in text[start..].chars().take(LENGTH) {
        end += c.len_utf8();
    }

    let mut out = Snippet::default();
    let prefix = if start > 0 { "…" } else { "" };
    out.text.push_str(prefix);
    out.text.push_str(&text[start..end]);
    if end < text.len() {
        out.text.push('…');
    }
    for (from, to) in merged {
        let (from, to) = (byte_of(from), char_end(byte_of(to - 1)));
        if from >= start && to <= end {
            let shift = prefix.len();
            out.marks.push((from - start + shift, to - start + shift));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_every_occurrence_in_the_original_text() {
        let s = snippet("学 Ｒｕｓｔ 的人都说 rust 好", &["rust"]);
        assert_eq!(s.marked("[", "]"), "学 [Ｒｕｓｔ] 的人都说 [rust] 好");
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_match() {
        let text = format!("{}估值{}", "前".repeat(100), "后".repeat(300));
        let s = snippet(&text, &["估值"]);
        assert!(
            s.text.starts_with('…') && s.text.ends_with('…'),
            "{}",
            s.text
        );
        assert_eq!(s.marked("<", ">").matches("<估值>").count(), 1);
        assert_eq!(s.text.chars().filter(|&c| c == '前').count(), BEFORE);
    }

    #[test]
    fn overlapping_words_merge_and_phrases_span_collapsed_spaces() {
        let s = snippet("零拷贝  异步编程", &["异步", "步编", "拷贝 异"]);
        assert_eq!(s.marked("[", "]"), "零[拷贝  异步编]程");
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start() {
        let s = snippet("第一行\n第二行", &[]);
        assert_eq!(s.text, "第一行\n第二行");
        assert!(s.marks.is_empty());
        assert_eq!(snippet("", &["x"]), Snippet::default());
    }
}
