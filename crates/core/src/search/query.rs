//! The query language: what a member types into the search box.
//!
//! * words, all of which must occur: `异步 rust` — a word is any run of characters without a
//!   space, so `Rust异步` or `估值` matches every unit that contains it, like a browser's find;
//! * `"exact phrase"` (or `“中文引号”`), spaces included;
//! * `-word`, `-"phrase"`, and `-` before any filter, to exclude;
//! * filters: `circle:` (a circle's id or part of its name), `type:` (talk, question, answer,
//!   article, task, solution, comment, or 主题 提问 回答 文章 作业 评论), `author:` (part of a
//!   name), `tag:` (a hashtag, with or without its `#`), `is:digest` (`is:精华`),
//!   `is:unanswered` (`is:待回答`), `is:deleted` (`is:已删除`: deleted on 知识星球, kept by
//!   the archive), `after:` and `before:` a date (`2025-03-01`, `2025/3/1`, `2025-03`,
//!   `2025`), `source:saved` (`source:已保存`: documents imported into 已保存),
//!   `source:circles` (`source:星球`) or `source:` part of a saved document's site
//!   (`source:zhihu`).
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
    /// A document imported into 已保存 / Saved ([`crate::import`]).
    Document,
}

impl UnitKind {
    /// Every kind, in the order of their codes in a unit's uid (which has room for eight).
    pub const ALL: [Self; 8] = [
        Self::Talk,
        Self::Question,
        Self::Answer,
        Self::Article,
        Self::Task,
        Self::Solution,
        Self::Comment,
        Self::Document,
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
            Self::Document => "document",
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
            "document" | "文档" => Self::Document,
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

/// `source:` says where units come from: the circles, the documents imported into 已保存, or
/// the imported documents of one site (part of its host, `source:zhihu`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceRef {
    Circles,
    Saved,
    Site(String),
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
    /// Deleted on the service (the topic's units and its comments).
    Deleted,
    Source(SourceRef),
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

const FILTERS: [&str; 8] = [
    "circle", "type", "author", "tag", "is", "after", "before", "source",
];

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
            bad("use talk, question, answer, article, task, solution, comment or document")
        })?),
        "author" => Clause::Author(value.to_owned()),
        "tag" => {
            // Spaces too: `tag:"# 复盘"` would otherwise be the tag ` 复盘`, which no post has
            // and which the chip's `tag:" 复盘"` reads back as `复盘`.
            let tag = value.trim_matches(['#', ' ']);
            if tag.is_empty() {
                return Err(bad("name a hashtag, like tag:复盘"));
            }
            Clause::Tag(tag.to_owned())
        }
        "is" => match value {
            "digest" | "精华" => Clause::Digest,
            "unanswered" | "待回答" | "未回答" => Clause::Unanswered,
            "deleted" | "已删除" | "删除" => Clause::Deleted,
            _ => return Err(bad("use is:digest, is:unanswered or is:deleted")),
        },
        "source" => Clause::Source(match value {
            "saved" | "已保存" | "imported" | "导入" => SourceRef::Saved,
            "circles" | "circle" | "星球" | "zsxq" | "知识星球" => SourceRef::Circles,
            site => SourceRef::Site(site.to_owned()),
        }),
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
pub fn day_start_ms(value: &str) -> Option<i64> {
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

/// A value as typed after `key:` (or alone, for text), quoted when bare it would read
/// differently, so that [`Condition::source`] parses back to the same condition. `None` if the grammar has no way to spell it.
fn spell(value: &str, text: bool, negated: bool) -> Option<String> {
    let first = value.chars().next()?;
    let needs_quotes = value.contains(' ')
        || is_open_quote(first)
        // `-x` alone is an exclusion; after the `-` of a negation it is the word `-x`.
        || (text && !negated && first == '-' && value.chars().count() > 1)
        || (text && value.split_once(':').is_some_and(|(k, _)| FILTERS.contains(&k)));
    if !needs_quotes {
        return Some(value.to_owned());
    }
    let quotable = !value.chars().any(is_close_quote) && value.trim() == value;
    quotable.then(|| format!("\"{value}\""))
}

/// A tag may also be spelled after a `#`, which keeps a leading quote from opening one.
fn spell_tag(tag: &str) -> Option<String> {
    spell(tag, false, false).or_else(|| (!tag.contains(' ')).then(|| format!("#{tag}")))
}

/// `YYYY-MM-DD` of a unix-millisecond instant in UTC+8, the service's (and the query's) day.
pub fn day(ms: i64) -> String {
    let (y, m, d) = orrery_ipc::time::civil_date(ms, CST_OFFSET_MS);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Condition {
    /// The query text of this condition alone, which parses back to exactly it: what a chip
    /// carries so that the UI can rebuild a query from the other chips. `None` when the
    /// grammar has no way to spell it (a value with a closing quote and a space).
    pub fn source(&self) -> Option<String> {
        let negated = self.negated;
        let body = match &self.clause {
            Clause::Text(text) => spell(text, true, negated)?,
            Clause::Circle(CircleRef::Id(id)) => format!("circle:{id}"),
            Clause::Circle(CircleRef::Name(name)) => {
                format!("circle:{}", spell(name, false, negated)?)
            }
            Clause::Type(kind) => format!("type:{}", kind.as_str()),
            Clause::Author(name) => format!("author:{}", spell(name, false, negated)?),
            Clause::Tag(tag) => format!("tag:{}", spell_tag(tag)?),
            Clause::Digest => "is:digest".to_owned(),
            Clause::Unanswered => "is:unanswered".to_owned(),
            Clause::Deleted => "is:deleted".to_owned(),
            Clause::After(ms) => format!("after:{}", day(*ms)),
            Clause::Before(ms) => format!("before:{}", day(*ms)),
            Clause::Source(SourceRef::Saved) => "source:saved".to_owned(),
            Clause::Source(SourceRef::Circles) => "source:circles".to_owned(),
            Clause::Source(SourceRef::Site(site)) => {
                format!("source:{}", spell(site, false, negated)?)
            }
        };
        Some(if negated { format!("-{body}") } else { body })
    }
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
                "ＴＹＰＥ：提问 circle:123 circle:\"Rust 与\" author:陈默 tag:#复盘# is:精华 -type:comment is:已删除 -is:deleted"
            ),
            vec![
                (Clause::Type(UnitKind::Question), false),
                (Clause::Circle(CircleRef::Id(123)), false),
                (Clause::Circle(CircleRef::Name("rust 与".into())), false),
                (Clause::Author("陈默".into()), false),
                (Clause::Tag("复盘".into()), false),
                (Clause::Digest, false),
                (Clause::Type(UnitKind::Comment), true),
                (Clause::Deleted, false),
                (Clause::Deleted, true),
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

    /// A quoted tag kept the spaces inside its `#`s: a filter that matched nothing and that
    /// its own chip could not spell.
    #[test]
    fn a_quoted_tag_kept_the_spaces_inside_its_hashes() {
        assert_eq!(
            parse("tag:\"# 复盘 #\""),
            vec![(Clause::Tag("复盘".into()), false)]
        );
        assert!(ParsedQuery::parse("tag:\"# #\"").is_err());
    }

    #[test]
    fn highlight_terms_are_the_positive_texts() {
        let q = ParsedQuery::parse("估值 -广告 \"安全 边际\" tag:复盘").expect("parses");
        assert_eq!(q.highlight_terms(), vec!["估值", "安全 边际"]);
    }
}

/// Properties of the grammar over any input, including what a member can type by accident:
/// CJK, full-width forms, stray quotes and dashes, half-typed filters, control characters.
#[cfg(test)]
mod properties {
    use orrery_ipc::time::civil_date;
    use proptest::prelude::*;

    use super::*;

    /// Pieces a query is made of, so that filters, quotes and negations meet often; any char
    /// covers the rest of Unicode.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<char>().prop_map(String::from),
            prop::sample::select(vec![
                " ",
                "  ",
                "\u{3000}",
                "\t",
                "\n",
                "\u{0}",
                "\u{7f}",
                "-",
                "--",
                "\"",
                "“",
                "”",
                ":",
                "：",
                "#",
                "type:",
                "ＴＹＰＥ：",
                "circle:",
                "author:",
                "tag:",
                "is:",
                "after:",
                "before:",
                "-type:",
                "answer",
                "提问",
                "digest",
                "精华",
                "deleted",
                "已删除",
                "saved",
                "已保存",
                "2025",
                "2025-01",
                "2025/3/1",
                "-03-",
                "0",
                "123",
                "rust",
                "Ｒｕｓｔ",
                "估值",
                "异步",
                "İ",
                "ß",
                "c++:",
                "http://x.cn/a",
                "\" ",
                " \"",
                "\"#",
                "# ",
                "“ ",
                "-\"",
                "\"-",
            ])
            .prop_map(str::to_owned),
            "[a-z0-9\u{4e00}-\u{4e20}]{1,4}",
        ]
    }

    /// A filter or phrase as typed, well-formed or not: `-tag:"# a` and the like.
    fn clause() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "", "circle:", "type:", "author:", "tag:", "is:", "after:", "before:", "tag:#",
            "source:",
        ]);
        let open = prop::sample::select(vec!["", "\"", "“", "\" ", "\"# "]);
        let close = prop::sample::select(vec!["", "\"", "”", " \"", "# \""]);
        (
            any::<bool>(),
            key,
            open,
            prop::collection::vec(piece(), 0..3),
            close,
        )
            .prop_map(|(negated, key, open, value, close)| {
                let dash = if negated { "-" } else { "" };
                format!(" {dash}{key}{open}{}{close}", value.concat())
            })
    }

    fn query() -> impl Strategy<Value = String> {
        prop::collection::vec(prop_oneof![piece(), clause()], 0..10)
            .prop_map(|pieces| pieces.concat())
    }

    /// The normalized values a clause carries.
    fn values(clause: &Clause) -> Vec<&str> {
        match clause {
            Clause::Text(v) | Clause::Author(v) | Clause::Tag(v) => vec![v.as_str()],
            Clause::Circle(CircleRef::Name(v)) | Clause::Source(SourceRef::Site(v)) => {
                vec![v.as_str()]
            }
            _ => Vec::new(),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text parses or is refused with an error, the same way every time.
        #[test]
        fn parsing_never_panics_and_is_deterministic(input in query()) {
            let (first, second) = (ParsedQuery::parse(&input), ParsedQuery::parse(&input));
            prop_assert_eq!(first, second);
        }

        #[test]
        fn arbitrary_unicode_never_panics(input in any::<String>()) {
            let _ = ParsedQuery::parse(&input);
        }

        /// The parser reads normalized text: full-width, case and spacing never change what a
        /// query means.
        #[test]
        fn parsing_sees_only_the_normalized_text(input in query()) {
            prop_assert_eq!(ParsedQuery::parse(&input), ParsedQuery::parse(&normalize(&input)));
        }

        /// Only a filter's value can be refused: a query without a colon always parses.
        #[test]
        fn a_query_without_a_colon_always_parses(input in query()) {
            let input = input.replace([':', '：'], " ");
            prop_assert!(ParsedQuery::parse(&input).is_ok(), "{:?}", input);
        }

        /// Values are normalized, never empty, and words and phrases carry no outer space:
        /// the index compares them with normalized text as they are.
        #[test]
        fn values_are_normalized_and_not_empty(input in query()) {
            let Ok(parsed) = ParsedQuery::parse(&input) else { return Ok(()) };
            for condition in &parsed.conditions {
                for value in values(&condition.clause) {
                    prop_assert!(!value.is_empty(), "{:?}", condition);
                    prop_assert_eq!(normalize(value), value, "{:?}", condition);
                }
                if let Clause::Tag(tag) = &condition.clause {
                    prop_assert!(!tag.starts_with('#') && !tag.ends_with('#'), "{:?}", tag);
                }
            }
        }

        /// Every condition has a spelling in the language that parses back to exactly it, so
        /// closing one chip and joining the others' sources keeps the rest of the query.
        #[test]
        fn every_condition_spells_back_to_itself(input in query()) {
            let Ok(parsed) = ParsedQuery::parse(&input) else { return Ok(()) };
            let mut sources = Vec::new();
            for condition in &parsed.conditions {
                let source = condition.source();
                prop_assert!(source.is_some(), "no spelling for {:?}", condition);
                let source = source.unwrap_or_default();
                let alone = ParsedQuery::parse(&source);
                prop_assert_eq!(
                    alone.map(|q| q.conditions),
                    Ok(vec![condition.clone()]),
                    "{:?} spelled {:?}", condition, source
                );
                sources.push(source);
            }
            let rebuilt = sources.join(" ");
            prop_assert_eq!(ParsedQuery::parse(&rebuilt), Ok(parsed), "{}", rebuilt);
        }

        /// `after:` and `before:` name the first millisecond of a day in UTC+8, and the month
        /// or year alone its first day.
        #[test]
        fn dates_are_the_start_of_their_day(
            year in 1970_i64..=9999,
            month in 1_i64..=12,
            day in 1_i64..=31,
        ) {
            prop_assume!(day <= days_in_month(year, month));
            let at = |q: &str| match ParsedQuery::parse(q).map(|p| p.conditions) {
                Ok(c) if c.len() == 1 => match c[0].clause {
                    Clause::After(ms) | Clause::Before(ms) => Some(ms),
                    _ => None,
                },
                _ => None,
            };
            let ms = at(&format!("after:{year}-{month:02}-{day:02}"));
            prop_assert!(ms.is_some());
            let ms = ms.unwrap_or_default();
            prop_assert_eq!((ms + CST_OFFSET_MS) % 86_400_000, 0);
            prop_assert_eq!(civil_date(ms, CST_OFFSET_MS), (year, month, day));
            prop_assert_eq!(at(&format!("before:{year}/{month}/{day}")), Some(ms));
            prop_assert_eq!(at(&format!("after:{year}-{month}")), at(&format!("after:{year}-{month}-1")));
            prop_assert_eq!(at(&format!("after:{year}")), at(&format!("after:{year}-01-01")));
        }
    }
}
