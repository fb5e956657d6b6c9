//! Titles and excerpts for list rows, from plain text.

/// The longest title a row shows, in characters.
const TITLE_CHARS: usize = 80;
/// The longest excerpt, in characters: two lines of a timeline row.
const EXCERPT_CHARS: usize = 160;

/// The row's title (the service's, else the text's first non-blank line) and the text after
/// it with its whitespace collapsed, both cut with `…`.
pub fn title_and_excerpt(title: Option<&str>, text: &str) -> (String, String) {
    let text = text.trim();
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let (title, rest) = match title {
        Some(title) => (title, text.strip_prefix(title).unwrap_or(text)),
        None => text.split_once('\n').unwrap_or((text, "")),
    };
    (
        cut(&collapse(title), TITLE_CHARS),
        cut(&collapse(rest), EXCERPT_CHARS),
    )
}

/// Whitespace runs (newlines included) become one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first non-blank line of `text`, trimmed and cut to `max` characters with `…`.
pub(crate) fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    cut(line, max)
}

fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_line_is_the_title_without_a_service_title() {
        let (title, excerpt) = title_and_excerpt(None, "  复盘：第一周\n\n  读书   笔记\n第二段 ");
        assert_eq!(title, "复盘：第一周");
        assert_eq!(excerpt, "读书 笔记 第二段");
    }

    #[test]
    fn a_service_title_is_not_repeated_in_the_excerpt() {
        let (title, excerpt) = title_and_excerpt(Some("标题"), "标题 后面的正文");
        assert_eq!((title.as_str(), excerpt.as_str()), ("标题", "后面的正文"));
        let (title, excerpt) = title_and_excerpt(Some(" "), "只有正文");
        assert_eq!((title.as_str(), excerpt.as_str()), ("只有正文", ""));
    }

    #[test]
    fn long_texts_are_cut_on_a_character_boundary() {
        let text = "长".repeat(500);
        let (title, excerpt) = title_and_excerpt(None, &text);
        assert_eq!(title.chars().count(), TITLE_CHARS + 1);
        assert!(title.ends_with('…'));
        assert_eq!(excerpt, "");
        let (_, excerpt) = title_and_excerpt(Some("t"), &format!("t{}", "字".repeat(200)));
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
    }
}
