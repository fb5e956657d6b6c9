//! The brief (今日速览 / Catch up): everything unread across circles, ranked by signal, each
//! with the reason for its place, and the noise collapsed below — the view a member opens
//! first every morning. The app's window and `orrery-cli brief` show the same [`Brief`].
//!
//! * [`signal`]: the points each signal is worth, and the order;
//! * [`noise`]: check-ins, thanks, bare links and near-duplicates, judged on the text;
//! * the archive side (`Store::brief_topics`, `engagement_norms`, `brief_marks`): what is
//!   unread, each circle's norm, the member's follows and mutes.
//!
//! What "unread" covers: topics posted in the window (`since`, three days by default) that are
//! not read as the reader counts it, plus topics of any age with an unread inbox event (an old
//! question of the member's answered today). Decisions and the points table: docs/brief.md.

pub mod noise;
pub mod signal;

use orrery_ipc::words::Lang;
use serde::Serialize;

pub use noise::Noise;
pub use signal::{Candidate, Marks, Ranked, Reason, Role, engagement, rank};

use crate::store::{BriefTopic, InboxKind, Store, StoreError};

/// The window of the brief when none is given: three days, so a member back from a weekend
/// sees what they missed.
pub const DEFAULT_SINCE_MS: i64 = 3 * 24 * 60 * 60 * 1000;
/// Topics read from the archive at most: a brief of more is not read anyway.
pub const MAX_TOPICS: u32 = 2_000;
/// Lines of a topic's text shown, and characters per line.
const EXTRACT_LINES: usize = 3;
const EXTRACT_CHARS: usize = 80;

/// One topic in the brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BriefItem {
    pub topic_id: i64,
    pub group_id: i64,
    pub circle: String,
    pub author: Option<String>,
    pub author_id: Option<i64>,
    /// `talk`, `q&a`, `task`, `solution`.
    pub kind: String,
    pub title: Option<String>,
    /// One to three lines: for a Q&A the question's first line and the answer's.
    pub extract: Vec<String>,
    pub create_time_ms: i64,
    pub points: u32,
    pub reasons: Vec<Reason>,
    pub noise: Option<Noise>,
    pub hashtags: Vec<String>,
    /// Its first cached images, for a strip.
    pub images: Vec<i64>,
}

/// The brief: signal first, ranked; noise apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Brief {
    /// The window's start (unix ms).
    pub since_ms: i64,
    pub items: Vec<BriefItem>,
    pub noise: Vec<BriefItem>,
}

impl Brief {
    /// Builds the brief of `store` at `now_ms`, over the window `since_ms` (unix ms).
    pub async fn build(store: &Store, since_ms: i64) -> Result<Self, StoreError> {
        let topics = store.brief_topics(since_ms, MAX_TOPICS).await?;
        let mut circles: Vec<i64> = topics.iter().map(|t| t.candidate.group_id).collect();
        circles.sort_unstable();
        circles.dedup();
        let norms = store.engagement_norms(&circles).await?;
        let marks = store.brief_marks().await?;
        let candidates: Vec<Candidate> = topics.iter().map(|t| t.candidate.clone()).collect();
        let mut by_id: std::collections::HashMap<i64, BriefTopic> = topics
            .into_iter()
            .map(|t| (t.candidate.topic_id, t))
            .collect();
        let mut brief = Self {
            since_ms,
            ..Self::default()
        };
        for ranked in rank(&candidates, &norms, &marks) {
            let Some(topic) = by_id.remove(&ranked.topic_id) else {
                continue;
            };
            let item = item(topic, ranked);
            if item.noise.is_some() {
                brief.noise.push(item);
            } else {
                brief.items.push(item);
            }
        }
        Ok(brief)
    }
}

fn item(topic: BriefTopic, ranked: Ranked) -> BriefItem {
    BriefItem {
        topic_id: topic.candidate.topic_id,
        group_id: topic.candidate.group_id,
        extract: extract(&topic.candidate.text),
        circle: topic.circle,
        author: topic.author,
        author_id: topic.candidate.author_id,
        kind: topic.kind,
        title: topic.title,
        create_time_ms: topic.candidate.create_time_ms,
        points: ranked.points,
        reasons: ranked.reasons,
        noise: ranked.noise,
        hashtags: topic.candidate.hashtags,
        images: topic.images,
    }
}

/// The first non-empty lines of `text`, each cut at [`EXTRACT_CHARS`]. A Q&A's plain text is
/// its question, then its answer, so its first lines are the question's and the answer's.
fn extract(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(EXTRACT_LINES)
        .map(|line| match line.char_indices().nth(EXTRACT_CHARS) {
            Some((at, _)) => format!("{}…", line[..at].trim_end()),
            None => line.to_owned(),
        })
        .collect()
}

impl Reason {
    /// The reason in a few words, as the brief shows it beside the item.
    pub fn describe(&self, lang: Lang) -> String {
        let zh = lang == Lang::ZhCn;
        let pick = |zh_text: &str, en_text: &str| if zh { zh_text } else { en_text }.to_owned();
        match self {
            Self::Mine { event } => match event {
                InboxKind::Answer => pick("回答了你的提问", "answers your question"),
                InboxKind::QuestionForMe => pick("向你提问", "a question for you"),
                InboxKind::Reply => pick("回复了你", "replies to you"),
                InboxKind::Mention => pick("提到了你", "mentions you"),
                InboxKind::Comment => pick("评论了你的帖子", "comments on your post"),
                InboxKind::Digest => pick("精华", "digest"),
                InboxKind::OwnerPost => pick("星主", "owner"),
            },
            Self::Digest => pick("精华", "digest"),
            Self::ByOwner => pick("星主", "owner"),
            Self::ByGuest => pick("嘉宾", "guest"),
            Self::FollowedAuthor => pick("关注的作者", "followed author"),
            Self::AnsweredByOwner => pick("星主已回答", "answered by the owner"),
            Self::FollowedTag { tag } => format!("#{tag}#"),
            Self::Popular {
                likes, comments, ..
            } => match (zh, *comments) {
                (true, 0) => format!("{likes} 赞"),
                (true, c) => format!("{likes} 赞 · {c} 评论"),
                (false, 0) => format!("{likes} likes"),
                (false, c) => format!("{likes} likes · {c} comments"),
            },
        }
    }
}

impl Noise {
    /// Why it is noise, in a word or two.
    pub fn describe(self, lang: Lang) -> &'static str {
        let zh = lang == Lang::ZhCn;
        match (self, zh) {
            (Self::CheckIn, true) => "打卡",
            (Self::CheckIn, false) => "check-in",
            (Self::Thanks, true) => "致谢",
            (Self::Thanks, false) => "thanks",
            (Self::LinkOnly, true) => "仅链接",
            (Self::LinkOnly, false) => "link only",
            (Self::NearDuplicate, true) => "重复",
            (Self::NearDuplicate, false) => "near-duplicate",
            (Self::MutedAuthor, true) => "已屏蔽作者",
            (Self::MutedAuthor, false) => "muted author",
            (Self::MutedTag, true) => "已屏蔽话题",
            (Self::MutedTag, false) => "muted hashtag",
        }
    }
}

impl BriefItem {
    /// The item's reasons joined the way the brief shows them: "精华 · 星主 · 32 赞".
    pub fn why(&self, lang: Lang) -> String {
        match self.noise {
            Some(noise) => noise.describe(lang).to_owned(),
            None => self
                .reasons
                .iter()
                .map(|r| r.describe(lang))
                .collect::<Vec<_>>()
                .join(" · "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_are_the_first_lines_cut_short() {
        let long = "长".repeat(100);
        let text = format!("\n  第一行  \n\n{long}\n第三行\n第四行");
        let lines = extract(&text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0], "第一行");
        assert_eq!(lines[1].chars().count(), EXTRACT_CHARS + 1);
        assert!(lines[1].ends_with('…'));
        assert_eq!(lines[2], "第三行");
    }

    #[test]
    fn reasons_read_like_the_brief_shows_them() {
        let item = BriefItem {
            topic_id: 1,
            group_id: 1,
            circle: "读书会".to_owned(),
            author: None,
            author_id: None,
            kind: "talk".to_owned(),
            title: None,
            extract: Vec::new(),
            create_time_ms: 0,
            points: 0,
            reasons: vec![
                Reason::Digest,
                Reason::ByOwner,
                Reason::Popular {
                    likes: 32,
                    comments: 0,
                    times: 5,
                },
            ],
            noise: None,
            hashtags: Vec::new(),
            images: Vec::new(),
        };
        assert_eq!(item.why(Lang::ZhCn), "精华 · 星主 · 32 赞");
        assert_eq!(item.why(Lang::En), "digest · owner · 32 likes");
        let noise = BriefItem {
            noise: Some(Noise::CheckIn),
            ..item
        };
        assert_eq!(noise.why(Lang::ZhCn), "打卡");
    }
}
