//! What is noise in a circle: check-ins, one-line thanks, link-only posts and near-duplicates.
//! Each rule looks at a topic's plain text only (and whether the service filed it under a
//! check-in project), so it is explainable in one word and testable on real Chinese texts.
//!
//! The rules are deliberately narrow: a long post that mentions 打卡 is not a check-in, a
//! thank-you with a paragraph of thoughts is not a thank-you. Missing some noise costs the
//! member a line; hiding a real post costs them the post.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

/// Why a topic is noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Noise {
    /// "打卡 Day 37", "第12天打卡", or filed under the circle's check-in project and short.
    CheckIn,
    /// "谢谢分享！", "学习了，感谢", "Thanks!" and nothing more.
    Thanks,
    /// A bare link, perhaps with "转发" or "mark".
    LinkOnly,
    /// Almost the same text as an earlier unread post by the same author in the same circle.
    NearDuplicate,
    /// By an author the member muted.
    MutedAuthor,
    /// Carries a hashtag the member muted.
    MutedTag,
}

/// A check-in filed under a project is noise up to this many characters: past it, it is a
/// post someone wrote, whatever it is filed under.
const CHECK_IN_MAX_CHARS: usize = 140;
/// What is left of a thank-you or a link post, once its words are taken out, at most.
const LEFTOVER_MAX_CHARS: usize = 6;
/// Texts this similar (Jaccard of character trigrams) are near-duplicates.
const NEAR_DUPLICATE: f64 = 0.8;

/// Words that make a check-in of a short post.
const CHECK_IN_WORDS: [&str; 3] = ["打卡", "签到", "check-in"];
/// Words of thanks and of "saved it".
const THANKS_WORDS: [&str; 18] = [
    "谢谢分享",
    "感谢分享",
    "谢谢星主",
    "感谢星主",
    "谢谢老师",
    "感谢老师",
    "谢谢",
    "感谢",
    "多谢",
    "学习了",
    "学到了",
    "受益匪浅",
    "收藏了",
    "收藏",
    "受教了",
    "thank you",
    "thanks",
    "thx",
];
/// Words that go with a reposted link.
const LINK_WORDS: [&str; 6] = ["转发", "分享", "链接", "repost", "mark", "via"];

/// The noise rule `text` falls under, if any. `checkin` says whether the service filed the
/// topic under a check-in project; `outside_links` is, for a text with link entities, the text
/// without them (a link's title is the page's words, not the member's).
pub fn classify(text: &str, checkin: bool, outside_links: Option<&str>) -> Option<Noise> {
    // The member's own words: a linked page's title ("每日一写打卡规则") is not them.
    let own = outside_links.unwrap_or(text).trim().to_lowercase();
    if text.trim().chars().count() <= CHECK_IN_MAX_CHARS
        && (checkin || CHECK_IN_WORDS.iter().any(|w| own.contains(w)) || numbered_day(&own))
    {
        return Some(Noise::CheckIn);
    }
    let bare_link = match outside_links {
        Some(_) => leftover(&own, &LINK_WORDS) <= LEFTOVER_MAX_CHARS,
        None => has_link(&own) && leftover(&without_links(&own), &LINK_WORDS) <= LEFTOVER_MAX_CHARS,
    };
    if bare_link {
        return Some(Noise::LinkOnly);
    }
    if THANKS_WORDS.iter().any(|w| own.contains(w))
        && leftover(&own, &THANKS_WORDS) <= LEFTOVER_MAX_CHARS
    {
        return Some(Noise::Thanks);
    }
    None
}

/// "day 37", "day37", "第12天": a numbered day of a streak, which a short post is about.
fn numbered_day(lower: &str) -> bool {
    let after_day = lower.match_indices("day").any(|(at, word)| {
        let starts_word = !lower[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphabetic());
        starts_word
            && lower[at + word.len()..]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
    });
    let chinese_day = lower.match_indices('第').any(|(at, word)| {
        let rest = &lower[at + word.len()..];
        let digits = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || "零一二三四五六七八九十百".contains(*c))
            .count();
        digits > 0 && rest.chars().nth(digits) == Some('天')
    });
    after_day || chinese_day
}

fn has_link(lower: &str) -> bool {
    lower.contains("http://") || lower.contains("https://")
}

/// `lower` with every `http(s)://…` run (up to whitespace) taken out.
fn without_links(lower: &str) -> String {
    lower
        .split_whitespace()
        .flat_map(|word| {
            // A link glued to Chinese text: keep what comes before it.
            match word.find("http://").or_else(|| word.find("https://")) {
                Some(at) => Some(&word[..at]),
                None => Some(word),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How many letters, digits and Chinese characters are left once `words` are taken out:
/// punctuation, emoji (WeChat's `[强]` codes too) and spaces do not count.
fn leftover(lower: &str, words: &[&str]) -> usize {
    let mut rest = lower.to_owned();
    for word in words {
        rest = rest.replace(word, " ");
    }
    without_sticker_codes(&rest)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .count()
}

/// `text` without WeChat's sticker codes: `[强]`, `[抱拳]`, `[玫瑰]` — up to four characters in
/// square brackets, which the apps show as an emoji.
fn without_sticker_codes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if (1..=4).contains(&after[..close].chars().count()) => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Character trigrams of `text`'s letters, digits and Chinese characters.
pub fn shingles(text: &str) -> HashSet<[char; 3]> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect()
}

/// Whether two texts' shingles make them near-duplicates. Texts too short to have shingles
/// are never duplicates of anything: the other rules judge them.
pub fn near_duplicates(a: &HashSet<[char; 3]>, b: &HashSet<[char; 3]>) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let common = a.intersection(b).count();
    let all = a.len() + b.len() - common;
    common as f64 / all as f64 >= NEAR_DUPLICATE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_ins_are_short_posts_about_a_streak_or_filed_as_one() {
        for text in [
            "打卡 Day 37：今天读完第三章",
            "第12天打卡",
            "Day 5 打卡",
            "day37 完成",
            "第二十一天，继续跑步 5 公里",
            "签到",
        ] {
            assert_eq!(classify(text, false, None), Some(Noise::CheckIn), "{text}");
        }
        // Filed under the project, short: a check-in whatever its words.
        assert_eq!(
            classify("今天读了 20 页《穷查理宝典》", true, None),
            Some(Noise::CheckIn)
        );
        // Long: someone wrote it, whatever it mentions or is filed under.
        let long = format!(
            "打卡第 3 天的心得：{}",
            "复利的本质是时间和耐心，".repeat(15)
        );
        assert_eq!(classify(&long, false, None), None);
        assert_eq!(classify(&long, true, None), None);
        // "day" in a word is not a numbered day.
        assert_eq!(
            classify("Today 3 things about options pricing", false, None),
            None
        );
    }

    #[test]
    fn thanks_are_thanks_and_nothing_more() {
        for text in [
            "谢谢分享！",
            "感谢星主 🙏",
            "学习了，感谢",
            "收藏了",
            "Thanks!",
            "thank you 🙏🙏",
            "学到了[强][抱拳]",
            "感谢分享，受益匪浅",
        ] {
            assert_eq!(classify(text, false, None), Some(Noise::Thanks), "{text}");
        }
        for text in [
            "谢谢分享！我补充一点：估值要看现金流，不能只看市盈率。",
            "感谢星主的解答，那么第二个问题是什么意思呢？",
        ] {
            assert_eq!(classify(text, false, None), None, "{text}");
        }
    }

    #[test]
    fn a_bare_link_is_noise_a_link_with_a_thought_is_not() {
        for text in [
            "https://mp.weixin.qq.com/s/abc123",
            "转发 https://example.com/a?b=c",
            "mark https://example.com",
            "分享链接：https://example.com/x",
        ] {
            assert_eq!(classify(text, false, None), Some(Noise::LinkOnly), "{text}");
        }
        let thought = "这篇讲 A 股分红的文章值得一读，尤其是第三部分 https://example.com/x";
        assert_eq!(classify(thought, false, None), None);
        // A link entity shows its title in the plain text: judged without it.
        let titled = "一篇值得反复读的长文";
        assert_eq!(classify(titled, false, Some(" ")), Some(Noise::LinkOnly));
        assert_eq!(
            classify(titled, false, Some("转发：")),
            Some(Noise::LinkOnly)
        );
        let said = "这篇讲分红的文章值得一读，尤其是第三部分";
        assert_eq!(classify(said, false, Some(said)), None);
        // Nor is the page's title the member's check-in.
        let rules = "mark ✅ 每日一写打卡规则";
        assert_eq!(
            classify(rules, false, Some("mark ✅")),
            Some(Noise::LinkOnly)
        );
    }

    #[test]
    fn near_duplicates_are_almost_the_same_text() {
        let a = shingles("今天把《原则》第二章又读了一遍，关于极度透明的部分很有启发。");
        let b = shingles("今天把《原则》第二章又读了一遍，关于极度透明的部分很有启发！！😀");
        let c = shingles("今天读了《穷查理宝典》，多元思维模型这一章最有意思。");
        assert!(near_duplicates(&a, &b));
        assert!(!near_duplicates(&a, &c));
        assert!(!near_duplicates(&shingles("好"), &shingles("好")));
    }
}
