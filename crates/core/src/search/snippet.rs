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
        self.marked_with(open, close, |piece| piece.to_owned())
    }

    /// Like [`Snippet::marked`], with every piece of the text passed through `show` first
    /// (the CLI makes remote text harmless for a terminal while keeping its own highlight).
    pub fn marked_with(&self, open: &str, close: &str, show: impl Fn(&str) -> String) -> String {
        let mut out = String::with_capacity(self.text.len() + 8 * self.marks.len());
        let mut at = 0;
        for &(from, to) in &self.marks {
            out.push_str(&show(&self.text[at..from]));
            out.push_str(open);
            out.push_str(&show(&self.text[from..to]));
            out.push_str(close);
            at = to;
        }
        out.push_str(&show(&self.text[at..]));
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
    let start = if normal_chars.is_empty() {
        0
    } else {
        // The context is counted in characters of the text, as the window is: counted in
        // normalized ones, a run of blank lines is one space, and a few of them before the
        // match pushed it out of the window, leaving a snippet of blank lines.
        let at = byte_of(first);
        let context = text[..at].char_indices().rev().take(BEFORE).last();
        context.map_or(at, |(i, _)| i).max(byte_of(0))
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

    /// Context was counted in normalized characters, where each run of blank lines is one:
    /// enough of them before the match pushed it out of the window.
    #[test]
    fn blank_lines_before_the_match_pushed_it_out_of_the_snippet() {
        let paragraph = format!("段落{}", "\n".repeat(30));
        let text = format!("{}估值 其后", paragraph.repeat(20));
        let s = snippet(&text, &["估值"]);
        assert!(s.marked("[", "]").contains("[估值] 其后"), "{s:?}");
        assert_eq!(
            s.text.chars().count(),
            1 + BEFORE + "估值 其后".chars().count()
        );
    }

    #[test]
    fn without_a_match_the_snippet_is_the_start() {
        let s = snippet("第一行\n第二行", &[]);
        assert_eq!(s.text, "第一行\n第二行");
        assert!(s.marks.is_empty());
        assert_eq!(snippet("", &["x"]), Snippet::default());
    }
}

/// Properties over any text and any terms: the UI slices `text` at the marks, so a mark off
/// a character boundary would panic in the reader, and a snippet must show the post's own
/// words.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::search::analyzer::normalize;

    /// Text with CJK, full-width forms, case pairs that lower-case to several characters
    /// (`İ`), whitespace runs of every kind, and the `…` the snippet itself adds.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            any::<char>().prop_map(String::from),
            prop::sample::select(vec![
                " ",
                "   ",
                "\u{3000}",
                "\n\n",
                "\t",
                "\n                              \n",
                "\r\n",
                "…",
                "İ",
                "ß",
                "Ｒｕｓｔ",
                "rust",
                "RUST",
                "估值",
                "异步",
                "的",
                "ﬁ",
                "ᾼ",
            ])
            .prop_map(str::to_owned),
            "[a-c\u{4f30}\u{503c} ]{1,8}",
            // Blank lines are one normalized space but many characters of the window.
            (1_usize..40).prop_map(|n| "\n".repeat(n)),
        ];
        prop::collection::vec(piece, 0..80).prop_map(|p| p.concat())
    }

    fn terms() -> impl Strategy<Value = Vec<String>> {
        let term = prop_oneof![
            any::<String>(),
            prop::sample::select(vec!["rust", "估值", "异步", "i", "a b", " ", "…", "ss"])
                .prop_map(str::to_owned),
            "[a-c\u{4f30}\u{503c} ]{1,3}",
        ];
        prop::collection::vec(term, 0..4)
    }

    /// The part of `text` that `snippet` shows, if `shown` is that part with a `…` where it
    /// was cut and nothing else.
    fn is_cut_of(shown: &str, text: &str) -> bool {
        let cut = "…";
        for head in [false, true] {
            for tail in [false, true] {
                let Some(rest) = (if head {
                    shown.strip_prefix(cut)
                } else {
                    Some(shown)
                }) else {
                    continue;
                };
                let Some(middle) = (if tail {
                    rest.strip_suffix(cut)
                } else {
                    Some(rest)
                }) else {
                    continue;
                };
                if text
                    .match_indices(middle)
                    .any(|(at, _)| (at > 0) == head && (at + middle.len() < text.len()) == tail)
                {
                    return true;
                }
            }
        }
        false
    }

    fn check(text: &str, terms: &[&str]) -> Result<(), TestCaseError> {
        let s = snippet(text, terms);
        prop_assert!(
            is_cut_of(&s.text, text),
            "{:?} is not a cut of {:?}",
            s.text,
            text
        );
        let mut at = 0;
        for &(from, to) in &s.marks {
            prop_assert!(
                at <= from && from < to && to <= s.text.len(),
                "{:?}",
                s.marks
            );
            prop_assert!(
                s.text.is_char_boundary(from) && s.text.is_char_boundary(to),
                "{:?} in {:?}",
                s.marks,
                s.text
            );
            at = to;
        }
        // Marking cannot panic either (the CLI's terminal output).
        let _ = s.marked("[", "]");
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Raw terms (not normalized, empty, longer than the text) are safe too.
        #[test]
        fn marks_are_in_order_on_boundaries_of_a_cut_of_the_text(
            text in text(),
            terms in terms(),
        ) {
            let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
            check(&text, &terms)?;
        }

        /// With the terms a query yields (normalized, as `highlight_terms` gives them), each
        /// mark covers an occurrence of one of them, and a short text that contains one is
        /// marked.
        #[test]
        fn marks_cover_occurrences_of_the_terms(text in text(), terms in terms()) {
            let terms: Vec<String> = terms
                .iter()
                .map(|t| normalize(t.as_str()))
                .filter(|t| !t.is_empty())
                .collect();
            let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
            check(&text, &terms)?;
            let s = snippet(&text, &terms);
            for &(from, to) in &s.marks {
                let marked = normalize(&s.text[from..to]);
                prop_assert!(
                    terms.iter().any(|t| marked.contains(t)),
                    "{:?} holds none of {:?}",
                    marked,
                    terms
                );
            }
            // The window is around the first match: whatever the text's length, a term that
            // occurs and fits in the window is marked.
            let normal = normalize(&text);
            if terms.iter().any(|t| normal.contains(t) && t.chars().count() <= LENGTH - BEFORE) {
                prop_assert!(!s.marks.is_empty(), "{:?} in {:?}: {:?}", terms, text, s);
            }
        }
    }
}
