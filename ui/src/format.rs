//! Numbers, sizes and times as the UI prints them, in either language. Pure functions: the
//! caller passes "now" and the time zone, so every case is unit-tested.

use crate::i18n::{Locale, Texts};
use orrery_ipc::commands::InboxKindDto;
use orrery_ipc::time::civil_date;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// "刚刚" / "just now", "3 分钟前" / "3 min ago", hours and days likewise for a week; after
/// that the date, without the year when it is this year's. `tz_offset_min` is the local
/// offset from UTC in minutes (UTC+8 is 480).
pub fn relative_time(locale: Locale, now_ms: i64, then_ms: i64, tz_offset_min: i32) -> String {
    let ago = now_ms - then_ms;
    let zh = locale == Locale::ZhCn;
    // A clock a little behind the service's still reads "just now", not "in 2 min".
    if ago < MINUTE {
        return if zh { "刚刚" } else { "just now" }.to_owned();
    }
    if ago < HOUR {
        let n = ago / MINUTE;
        return if zh {
            format!("{n} 分钟前")
        } else {
            format!("{n} min ago")
        };
    }
    if ago < DAY {
        let n = ago / HOUR;
        return if zh {
            format!("{n} 小时前")
        } else {
            format!("{n} h ago")
        };
    }
    if ago < 7 * DAY {
        let n = ago / DAY;
        return match (zh, n) {
            (true, 1) => "昨天".to_owned(),
            (true, _) => format!("{n} 天前"),
            (false, 1) => "yesterday".to_owned(),
            (false, _) => format!("{n} days ago"),
        };
    }
    let offset = i64::from(tz_offset_min) * MINUTE;
    let (y, m, d) = civil(then_ms + offset);
    let (this_year, _, _) = civil(now_ms + offset);
    match (zh, y == this_year) {
        (true, true) => format!("{m}月{d}日"),
        (true, false) => format!("{y}年{m}月{d}日"),
        (false, true) => format!("{} {d}", MONTHS[(m - 1) as usize]),
        (false, false) => format!("{} {d}, {y}", MONTHS[(m - 1) as usize]),
    }
}

/// The full local date and time, for a tooltip: `2024-03-01 09:05`.
pub fn full_time(ms: i64, tz_offset_min: i32) -> String {
    let local = ms + i64::from(tz_offset_min) * MINUTE;
    let (y, m, d) = civil(local);
    let in_day = local.rem_euclid(DAY);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        in_day / HOUR,
        in_day % HOUR / MINUTE
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Year, month, day of a unix-millisecond instant already shifted to local time.
fn civil(ms: i64) -> (i64, i64, i64) {
    civil_date(ms, 0)
}

/// The local time zone's offset from UTC in minutes (UTC+8 is 480), for the functions above.
pub fn tz_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// `template` with its placeholder (`{time}`, `{n}`: the first `{…}`) replaced by `value`,
/// so each language puts the value where its grammar wants it ("已于 {time} 发现…" but
/// "Deleted … noticed {time}"). A template without one is returned as is.
pub fn fill(template: &str, value: &str) -> String {
    let Some(open) = template.find('{') else {
        return template.to_owned();
    };
    let Some(close) = template[open..].find('}').map(|at| open + at) else {
        return template.to_owned();
    };
    format!("{}{value}{}", &template[..open], &template[close + 1..])
}

/// An inbox event's headline in `t`'s language: who did what, with `actor` (or the word for
/// anonymous) where the kind names someone.
pub fn inbox_headline(t: &Texts, kind: InboxKindDto, actor: Option<&str>) -> String {
    let template = match kind {
        InboxKindDto::Answer => t.inbox_answer,
        InboxKindDto::QuestionForMe => t.inbox_question_for_me,
        InboxKindDto::Reply => t.inbox_reply,
        InboxKindDto::Mention => t.inbox_mention,
        InboxKindDto::Comment => t.inbox_comment,
        InboxKindDto::Digest => t.inbox_digest,
        InboxKindDto::OwnerPost => t.inbox_owner_post,
    };
    // A name that is only spaces reads as no name at all.
    let actor = actor.map(str::trim).filter(|a| !a.is_empty());
    fill(template, actor.unwrap_or(t.anonymous))
}

/// Minutes after midnight as `<input type="time">` takes them: `22:05`.
pub fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

/// What `<input type="time">` gives (`22:05`, or `22:05:30` with seconds) as minutes after
/// midnight; `None` for an empty or malformed value.
pub fn parse_clock(value: &str) -> Option<u16> {
    let mut parts = value.trim().split(':');
    let hours: u16 = parts.next()?.parse().ok()?;
    let minutes: u16 = parts.next()?.parse().ok()?;
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// An unread badge: the count, or "99+".
pub fn badge(count: u64) -> String {
    if count > 99 {
        "99+".to_owned()
    } else {
        count.to_string()
    }
}

/// A file size: `512 B`, `1.5 KB`, `23 MB`.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value < 10.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

/// Splits `text` into runs, each marked or not, from byte ranges as the core sends them.
/// Ranges that are out of order, overlapping, past the end or not on a character boundary
/// are skipped rather than trusted, so a bad range can never panic the UI.
pub fn marked_runs(text: &str, marks: &[(u32, u32)]) -> Vec<(String, bool)> {
    let mut runs = Vec::new();
    let mut at = 0;
    for &(from, to) in marks {
        let (from, to) = (from as usize, to as usize);
        if from < at || to <= from || !text.is_char_boundary(from) || !text.is_char_boundary(to) {
            continue;
        }
        if to > text.len() {
            continue;
        }
        if from > at {
            runs.push((text[at..from].to_owned(), false));
        }
        runs.push((text[from..to].to_owned(), true));
        at = to;
    }
    if at < text.len() {
        runs.push((text[at..].to_owned(), false));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2024-03-01 12:00 UTC+8.
    const NOW: i64 = 1_709_265_600_000;

    #[test]
    fn recent_times_are_relative_in_both_languages() {
        let cases = [
            (10_000, "刚刚", "just now"),
            (3 * MINUTE, "3 分钟前", "3 min ago"),
            (59 * MINUTE, "59 分钟前", "59 min ago"),
            (2 * HOUR, "2 小时前", "2 h ago"),
            (DAY + HOUR, "昨天", "yesterday"),
            (3 * DAY, "3 天前", "3 days ago"),
            // A post "from the future" (a skewed clock) is just now.
            (-5 * MINUTE, "刚刚", "just now"),
        ];
        for (ago, zh, en) in cases {
            assert_eq!(relative_time(Locale::ZhCn, NOW, NOW - ago, 480), zh);
            assert_eq!(relative_time(Locale::En, NOW, NOW - ago, 480), en);
        }
    }

    #[test]
    fn older_times_are_dates_in_local_time() {
        // 2024-01-15 23:30 UTC is already the 16th in UTC+8.
        let then = 1_705_361_400_000;
        assert_eq!(relative_time(Locale::ZhCn, NOW, then, 480), "1月16日");
        assert_eq!(relative_time(Locale::En, NOW, then, 0), "Jan 15");
        let last_year = then - 365 * DAY;
        assert_eq!(
            relative_time(Locale::ZhCn, NOW, last_year, 480),
            "2023年1月16日"
        );
        assert_eq!(
            relative_time(Locale::En, NOW, last_year, 480),
            "Jan 16, 2023"
        );
        assert_eq!(full_time(then, 480), "2024-01-16 07:30");
    }

    #[test]
    fn templates_put_the_value_where_each_language_wants_it() {
        let zh = Locale::ZhCn.texts();
        let en = Locale::En.texts();
        // Noticed 2024-03-01 09:05 in UTC+8.
        let noticed = full_time(1_709_255_100_000, 480);
        assert_eq!(
            fill(zh.deleted_notice, &noticed),
            "已于 2024-03-01 09:05 发现在知识星球上被删除"
        );
        assert_eq!(
            fill(en.deleted_notice, &noticed),
            "Deleted on ZSXQ — noticed 2024-03-01 09:05"
        );
        assert_eq!(fill(zh.revision_number, "2"), "第 2 版");
        assert_eq!(fill(en.earlier_versions, "3"), "Earlier versions: 3");
        assert_eq!(fill("没有占位", "x"), "没有占位");
        assert_eq!(fill("半个 {time", "x"), "半个 {time");
    }

    #[test]
    fn inbox_headlines_name_the_actor_where_the_kind_has_one() {
        let (zh, en) = (Locale::ZhCn.texts(), Locale::En.texts());
        assert_eq!(
            inbox_headline(zh, InboxKindDto::Reply, Some("张三")),
            "张三 回复了你"
        );
        assert_eq!(
            inbox_headline(en, InboxKindDto::Mention, Some("Ann")),
            "Ann mentioned you"
        );
        assert_eq!(
            inbox_headline(zh, InboxKindDto::Comment, None),
            "匿名 评论了你的主题"
        );
        assert_eq!(
            inbox_headline(en, InboxKindDto::OwnerPost, Some("  ")),
            "Anonymous posted a new topic"
        );
        assert_eq!(
            inbox_headline(zh, InboxKindDto::Answer, Some("李四")),
            "你的提问有了回答"
        );
        assert_eq!(
            inbox_headline(en, InboxKindDto::QuestionForMe, None),
            "A question for you"
        );
        assert_eq!(inbox_headline(zh, InboxKindDto::Digest, None), "新精华");
    }

    #[test]
    fn clock_times_round_trip_through_the_time_field() {
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(22 * 60 + 5), "22:05");
        assert_eq!(parse_clock("22:05"), Some(22 * 60 + 5));
        assert_eq!(parse_clock("08:00:30"), Some(480));
        assert_eq!(parse_clock(&clock(1439)), Some(1439));
        for bad in ["", "24:00", "7", "ab:cd", "12:60"] {
            assert_eq!(parse_clock(bad), None, "{bad}");
        }
    }

    #[test]
    fn badges_and_sizes() {
        assert_eq!(badge(0), "0");
        assert_eq!(badge(99), "99");
        assert_eq!(badge(100), "99+");
        assert_eq!(file_size(512), "512 B");
        assert_eq!(file_size(1536), "1.5 KB");
        assert_eq!(file_size(23 * 1024 * 1024 + 5), "23 MB");
    }

    #[test]
    fn marks_split_text_on_character_boundaries() {
        let text = "学习 Rust 的笔记";
        let runs = marked_runs(text, &[(0, 6), (7, 11)]);
        assert_eq!(
            runs,
            vec![
                ("学习".to_owned(), true),
                (" ".to_owned(), false),
                ("Rust".to_owned(), true),
                (" 的笔记".to_owned(), false),
            ]
        );
        // Inside a character, overlapping, reversed or past the end: ignored.
        let runs = marked_runs(text, &[(1, 3), (0, 3), (2, 1), (100, 200)]);
        assert_eq!(
            runs,
            vec![
                ("学".to_owned(), true),
                ("习 Rust 的笔记".to_owned(), false)
            ]
        );
    }
}
