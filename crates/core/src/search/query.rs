//! The query language: what a member types into the search box.
//!
//! * words, all of which must occur: `异步 rust` — a word is any run of characters without a
//!   space, so `Rust异步` or `估值` matches every unit that contains it, like a browser's find;
//! * `"exact phrase"` (or `“中文引号”`), spaces included;
//! * `-word`, `-"phrase"`, and `-` before any filter, to exclude;
//! * filters: `circle:` (a circle's id or part of its name), `type:` (talk, question, answer,
//!   article, task, solution, comment, or 主题 提问 回答 文章 作业 评论), `author:` (part of a
//!   name), `tag:` (a hashtag, with or without its `#`), `is:digest` (`is:精华`),
//!   `is:unanswered` (`is:待回答`), `after:` and `before:` a date (`2025-03-01`, `2025/3/1`,
//!   `2025-03`, `2025`).
//!
//! The text is [`normalize`]d first, so `ＴＹＰＥ：ＴＡＬＫ` typed with a Chinese input method is
//! `type:talk`. Several `circle:`, `type:` or `author:` filters mean any of them; several
//! `tag:` filters mean all of them. Dates are days in China Standard Time (UTC+8), the
//! service's clock: `after:` includes its day, `before:` excludes its day, as in a mail search.
//! A word that only looks like a filter (`c++:`, `http://…`) is searched as text.

use serde::{Deserialize, Serialize};

use super::analyzer::normalize;

/// The kind of a searchable unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    Talk,
    Question,
    Answer,
    Article,
    Task,
    Solution,
    Comment,
}

impl UnitKind {
    pub const ALL: [Self; 7] = [
        Self::Talk,
        Self::Question,
        Self::Answer,
        Self::Article,
        Self::Task,
        Self::Solution,
        Self::Comment,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Talk => "talk",
            Self::Question => "question",
            Self::Answer => "answer",
            Self::Article => "article",
            Self::Task => "task",
            Self::Solution => "solution",
            Self::Comment => "comment",
        }
    }

    /// The name or one of its Chinese aliases.
    pub fn parse(value: &str) -> Option<Self> {
        Some(match value {
            "talk" | "主题" | "话题" => Self::Talk,
            "question" | "提问" | "问题" => Self::Question,
            "answer" | "回答" => Self::Answer,
            "article" | "文章" => Self::Article,
            "task" | "作业" => Self::Task,
            "solution" => Self::Solution,
            "comment" | "评论" => Self::Comment,
            _ => return None,
        })
    }
}

/// `circle:` names a circle by id or by part of its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircleRef {
    Id(i64),
    Name(String),
}

/// One condition of a query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Clause {
    /// A word or phrase the unit contains (normalized).
    Text(String),
    Circle(CircleRef),
    Type(UnitKind),
    /// Part of the author's name (normalized).
    Author(String),
    /// A hashtag name without `#` (normalized).
    Tag(String),
    Digest,
    Unanswered,
    /// Unix milliseconds, inclusive.
    After(i64),
    /// Unix milliseconds, exclusive.
    Before(i64),
}

/// A clause and whether it was negated with `-`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub clause: Clause,
    pub negated: bool,
}

/// A parsed query: its conditions in the order typed, which is also the order of the chips
/// the UI shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedQuery {
    pub conditions: Vec<Condition>,
}

/// A filter whose value cannot be understood. The message says what would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{filter}:{value} is not understood; {expected}")]
pub struct QueryError {
    pub filter: String,
    pub value: String,
    pub expected: &'static str,
}

impl ParsedQuery {
    /// Parses `input`.
    pub fn parse(input: &str) -> Result<Self, QueryError> {
        let text = normalize(input);
        let chars: Vec<char> = text.chars().collect();
        let mut conditions = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            if chars[i] == ' ' {
                i += 1;
                continue;
            }
            let negated = chars[i] == '-' && chars.get(i + 1).is_some_and(|&c| c != ' ');
            if negated {
                i += 1;
            }
            let (clause, next) = clause_at(&chars, i)?;
            i = next;
            if let Some(clause) = clause {
                conditions.push(Condition { clause, negated });
            }
        }
        Ok(Self { conditions })
    }

    /// No condition at all: nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.conditions.is_empty()
    }

    /// The texts to highlight: the words and phrases that must occur.
    pub fn highlight_terms(&self) -> Vec<&str> {
        self.conditions
            .iter()
            .filter(|c| !c.negated)
            .filter_map(|c| match &c.clause {
                Clause::Text(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

fn is_open_quote(c: char) -> bool {
    c == '"' || c == '“'
}

fn is_close_quote(c: char) -> bool {
    c == '"' || c == '”'
}

/// A quoted string starting at `chars[i]` (an opening quote): its content and where the
/// scan continues. An unclosed quote runs to the end.
fn quoted(chars: &[char], i: usize) -> (String, usize) {
    let start = i + 1;
    let end = (start..chars.len())
        .find(|&j| is_close_quote(chars[j]))
        .unwrap_or(chars.len());
    let value: String = chars[start..end].iter().collect();
    (value.trim().to_owned(), (end + 1).min(chars.len()))
}

/// A run of non-space characters from `i`.
fn word(chars: &[char], i: usize) -> (String, usize) {
    let end = (i..chars.len())
        .find(|&j| chars[j] == ' ')
        .unwrap_or(chars.len());
    (chars[i..end].iter().collect(), end)
}

const FILTERS: [&str; 7] = ["circle", "type", "author", "tag", "is", "after", "before"];

/// The clause starting at `chars[i]` and where the scan continues.
fn clause_at(chars: &[char], i: usize) -> Result<(Option<Clause>, usize), QueryError> {
    if is_open_quote(chars[i]) {
        let (phrase, next) = quoted(chars, i);
        return Ok(((!phrase.is_empty()).then_some(Clause::Text(phrase)), next));
    }
    let (token, next) = word(chars, i);
    if let Some((key, rest)) = token.split_once(':')
        && FILTERS.contains(&key)
    {
        let value_start = i + key.chars().count() + 1;
        let (value, next) = match chars.get(value_start) {
            Some(&c) if is_open_quote(c) => quoted(chars, value_start),
            _ => (rest.to_owned(), next),
        };
        if value.is_empty() {
            // `tag:` while the member is still typing: nothing to filter by yet.
            return Ok((None, next));
        }
        return Ok((Some(filter(key, &value)?), next));
    }
    Ok((Some(Clause::Text(token)), next))
}

fn filter(key: &str, value: &str) -> Result<Clause, QueryError> {
    let bad = |expected| QueryError {
        filter: key.to_owned(),
        value: value.to_owned(),
        expected,
    };
    Ok(match key {
        "circle" => Clause::Circle(match value.parse::<i64>() {
            Ok(id) if id > 0 => CircleRef::Id(id),
            _ => CircleRef::Name(value.to_owned()),
        }),
        "type" => Clause::Type(UnitKind::parse(value).ok_or_else(|| {
            bad("use talk, question, answer, article, task, solution or comment")
        })?),
        "author" => Clause::Author(value.to_owned()),
        "tag" => {
            let tag = value.trim_matches('#');
            if tag.is_empty() {
                return Err(bad("name a hashtag, like tag:复盘"));
            }
            Clause::Tag(tag.to_owned())
        }
        "is" => match value {
            "digest" | "精华" => Clause::Digest,
            "unanswered" | "待回答" | "未回答" => Clause::Unanswered,
            _ => return Err(bad("use is:digest or is:unanswered")),
        },
        "after" | "before" => {
            let ms = day_start_ms(value)
                .ok_or_else(|| bad("use a date like 2025-03-01, 2025-03 or 2025"))?;
            if key == "after" {
                Clause::After(ms)
            } else {
                Clause::Before(ms)
            }
        }
        _ => unreachable!("FILTERS lists every key handled here"),
    })
}

/// China Standard Time, the service's clock.
const CST_OFFSET_MS: i64 = 8 * 3_600_000;

/// The first millisecond of the day, month or year `value` names, in UTC+8.
fn day_start_ms(value: &str) -> Option<i64> {
    let parts: Vec<&str> = value.split(['-', '/', '.']).collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let year: i64 = parts[0]
        .parse()
        .ok()
        .filter(|y| (1970..=9999).contains(y))?;
    let month: i64 = match parts.get(1) {
        Some(m) => m.parse().ok().filter(|m| (1..=12).contains(m))?,
        None => 1,
    };
    let day: i64 = match parts.get(2) {
        Some(d) => d
            .parse()
            .ok()
            .filter(|&d| d >= 1 && d <= days_in_month(year, month))?,
        None => 1,
    };
    Some(days_from_civil(year, month, day) * 86_400_000 - CST_OFFSET_MS)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Vec<(Clause, bool)> {
        ParsedQuery::parse(q)
            .expect("parses")
            .conditions
            .into_iter()
            .map(|c| (c.clause, c.negated))
            .collect()
    }

    fn text(s: &str) -> Clause {
        Clause::Text(s.to_owned())
    }

    #[test]
    fn words_phrases_and_exclusions() {
        assert_eq!(
            parse(r#"Rust异步  "零 拷贝" -广告 -"付费 群""#),
            vec![
                (text("rust异步"), false),
                (text("零 拷贝"), false),
                (text("广告"), true),
                (text("付费 群"), true),
            ]
        );
        assert_eq!(parse("“中文 引号”"), vec![(text("中文 引号"), false)]);
        // A lone dash is a word; an unclosed quote runs to the end.
        assert_eq!(
            parse("- \"半句"),
            vec![(text("-"), false), (text("半句"), false)]
        );
        assert!(ParsedQuery::parse("   ").expect("parses").is_empty());
    }

    #[test]
    fn filters_with_aliases_quotes_and_full_width_input() {
        assert_eq!(
            parse(
                "ＴＹＰＥ：提问 circle:123 circle:\"Rust 与\" author:陈默 tag:#复盘# is:精华 -type:comment"
            ),
            vec![
                (Clause::Type(UnitKind::Question), false),
                (Clause::Circle(CircleRef::Id(123)), false),
                (Clause::Circle(CircleRef::Name("rust 与".into())), false),
                (Clause::Author("陈默".into()), false),
                (Clause::Tag("复盘".into()), false),
                (Clause::Digest, false),
                (Clause::Type(UnitKind::Comment), true),
            ]
        );
    }

    #[test]
    fn words_that_only_look_like_filters_are_text() {
        assert_eq!(
            parse("c++: http://x.cn/a tag:"),
            vec![(text("c++:"), false), (text("http://x.cn/a"), false)]
        );
    }

    #[test]
    fn dates_are_days_in_china_time() {
        // 2025-03-01T00:00:00+08:00 = 2025-02-28T16:00:00Z.
        assert_eq!(
            parse("after:2025-03-01 before:2025/3/2"),
            vec![
                (Clause::After(1_740_758_400_000), false),
                (Clause::Before(1_740_844_800_000), false),
            ]
        );
        assert_eq!(parse("after:2025-03"), parse("after:2025-3-1"));
        assert_eq!(
            parse("after:1970"),
            vec![(Clause::After(-CST_OFFSET_MS), false)]
        );
    }

    #[test]
    fn bad_values_say_what_is_expected() {
        for (q, expected) in [
            ("type:video", "talk, question"),
            ("is:hot", "is:digest"),
            ("after:2025-02-30", "a date"),
            ("before:tomorrow", "a date"),
            ("tag:##", "hashtag"),
        ] {
            let err = ParsedQuery::parse(q).expect_err(q);
            assert!(err.to_string().contains(expected), "{q}: {err}");
        }
    }

    #[test]
    fn highlight_terms_are_the_positive_texts() {
        let q = ParsedQuery::parse("估值 -广告 \"安全 边际\" tag:复盘").expect("parses");
        assert_eq!(q.highlight_terms(), vec!["估值", "安全 边际"]);
    }
}
