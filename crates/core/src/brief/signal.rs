//! The ranking: points for each signal a topic carries, each with the reason that says why,
//! and noise pushed below everything else.
//!
//! What concerns the member comes first, in tiers whatever else a topic carries: answers to
//! their questions, then questions for them, then replies and @mentions, then comments on their
//! posts. Within a tier, and below the tiers, points (docs/brief.md has the table and why): 精华
//! 400; a post by the owner 300 or a guest 250; a followed author 200; a question the owner
//! answered 150; a followed hashtag 120; engagement well above the circle's own norm up to 100,
//! so a popular member's post never passes the owner's. Ties go to the newer topic.
//!
//! Noise ([`super::noise`]) is judged only for topics that carry no signal of the first kinds
//! (nothing of the member's, no 精华, not the owner's or a guest's, not a followed author):
//! those are never noise, whatever their text. Mutes are the member's own word and apply to
//! everything but what concerns them.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::noise::{self, Noise};
use crate::store::{InboxKind, Mark};

/// Who posted a topic, in its circle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Guest,
    Member,
}

/// An unread topic as the ranking sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub topic_id: i64,
    pub group_id: i64,
    /// `None` for anonymous questions.
    pub author_id: Option<i64>,
    pub role: Role,
    /// The topic's plain text (for a Q&A: question and answer).
    pub text: String,
    /// Filed under the circle's check-in project.
    pub checkin: bool,
    /// For a topic whose text links somewhere: its text without the links (their titles
    /// included), which says whether it is more than a shared link.
    pub outside_links: Option<String>,
    pub create_time_ms: i64,
    pub digest: bool,
    /// A question the owner or a guest answered.
    pub answered_by_owner: bool,
    pub likes: u32,
    pub comments: u32,
    /// The most important unread inbox event on this topic (an answer to the member's
    /// question, a reply to them …).
    pub mine: Option<InboxKind>,
    pub hashtags: Vec<String>,
}

/// The member's follows and mutes: authors by id, hashtags by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub follow_authors: HashSet<i64>,
    pub mute_authors: HashSet<i64>,
    pub follow_tags: HashSet<String>,
    pub mute_tags: HashSet<String>,
}

impl Marks {
    /// `Some(true)` followed, `Some(false)` muted, `None` neither.
    pub fn stance(&self, mark: &Mark) -> Option<bool> {
        let (follows, mutes) = match mark {
            Mark::Author(id) => (
                self.follow_authors.contains(id),
                self.mute_authors.contains(id),
            ),
            Mark::Tag(tag) => (self.follow_tags.contains(tag), self.mute_tags.contains(tag)),
        };
        match (follows, mutes) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        }
    }
}

/// Why a topic ranks where it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// An inbox event of the member's on it.
    Mine {
        event: InboxKind,
    },
    Digest,
    ByOwner,
    ByGuest,
    FollowedAuthor,
    AnsweredByOwner,
    FollowedTag {
        tag: String,
    },
    /// Engagement `times` the circle's norm.
    Popular {
        likes: u32,
        comments: u32,
        times: u32,
    },
}

/// A topic with its place: points, reasons (most important first) and, for noise, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub topic_id: i64,
    pub points: u32,
    pub reasons: Vec<Reason>,
    pub noise: Option<Noise>,
}

/// Engagement counts a comment as two likes: writing one takes more than a tap.
pub fn engagement(likes: u32, comments: u32) -> f64 {
    f64::from(likes) + 2.0 * f64::from(comments)
}

/// Engagement at least this many times the circle's norm is a signal...
const POPULAR_TIMES: f64 = 2.0;
/// ...and at least this much in absolute terms (two likes in a quiet circle are not news).
const POPULAR_AT_LEAST: f64 = 5.0;
/// Engagement is worth at most this: less than any role or follow, so the crowd's taste
/// orders what the member has no other reason to read, and never passes the owner.
const POPULAR_AT_MOST: f64 = 100.0;

/// The tier of what concerns the member (lower first); `None` for everything else.
fn mine_tier(kind: InboxKind) -> Option<u8> {
    match kind {
        InboxKind::Answer => Some(0),
        InboxKind::QuestionForMe => Some(1),
        InboxKind::Reply | InboxKind::Mention => Some(2),
        InboxKind::Comment => Some(3),
        // In a followed circle: the digest and owner signals below carry these.
        InboxKind::Digest | InboxKind::OwnerPost => None,
    }
}

/// Whether `reason` keeps a topic out of the text rules' noise: what concerns the member, 精华,
/// the owner's and guests' posts, a followed author.
fn protects(reason: &Reason) -> bool {
    matches!(
        reason,
        Reason::Mine { .. }
            | Reason::Digest
            | Reason::ByOwner
            | Reason::ByGuest
            | Reason::FollowedAuthor
    )
}

/// Below every tier of [`mine_tier`].
const NOT_MINE: u8 = u8::MAX;

/// Ranks `candidates`: what concerns the member first by tier, then most points, then newer
/// first; noise last, the same way. `norms` is each circle's typical [`engagement`] (see
/// `Store::engagement_norms`).
pub fn rank(candidates: &[Candidate], norms: &HashMap<i64, f64>, marks: &Marks) -> Vec<Ranked> {
    let mut ranked: Vec<(Ranked, i64)> = candidates
        .iter()
        .map(|c| {
            (
                score(c, norms.get(&c.group_id).copied(), marks),
                c.create_time_ms,
            )
        })
        .collect();
    mark_near_duplicates(candidates, &mut ranked);
    ranked.sort_by_key(|(r, at)| {
        let tier = r.reasons.iter().find_map(|reason| match reason {
            Reason::Mine { event } => mine_tier(*event),
            _ => None,
        });
        (
            r.noise.is_some(),
            tier.unwrap_or(NOT_MINE),
            std::cmp::Reverse(r.points),
            std::cmp::Reverse(*at),
            std::cmp::Reverse(r.topic_id),
        )
    });
    ranked.into_iter().map(|(r, _)| r).collect()
}

fn score(c: &Candidate, norm: Option<f64>, marks: &Marks) -> Ranked {
    let mut reasons = Vec::new();
    let mut points = 0;
    let mine = c.mine.filter(|&event| mine_tier(event).is_some());
    if let Some(event) = mine {
        reasons.push(Reason::Mine { event });
    }
    let followed = c
        .author_id
        .is_some_and(|a| marks.follow_authors.contains(&a));
    let signals = [
        (c.digest, 400, Reason::Digest),
        (c.role == Role::Owner, 300, Reason::ByOwner),
        (c.role == Role::Guest, 250, Reason::ByGuest),
        (followed, 200, Reason::FollowedAuthor),
        (c.answered_by_owner, 150, Reason::AnsweredByOwner),
    ];
    for (holds, worth, reason) in signals {
        if holds {
            points += worth;
            reasons.push(reason);
        }
    }
    if let Some(tag) = c.hashtags.iter().find(|t| marks.follow_tags.contains(*t)) {
        points += 120;
        reasons.push(Reason::FollowedTag { tag: tag.clone() });
    }
    let engaged = engagement(c.likes, c.comments);
    let times = engaged / norm.unwrap_or(0.0).max(1.0);
    if times >= POPULAR_TIMES && engaged >= POPULAR_AT_LEAST {
        points += (40.0 * times).min(POPULAR_AT_MOST) as u32;
        reasons.push(Reason::Popular {
            likes: c.likes,
            comments: c.comments,
            times: times.round() as u32,
        });
    }
    // What concerns the member is never noise; the other signals that protect do so from the
    // text rules, not from the member's own mutes.
    let noise = if mine.is_some() {
        None
    } else if c.author_id.is_some_and(|a| marks.mute_authors.contains(&a)) {
        Some(Noise::MutedAuthor)
    } else if c.hashtags.iter().any(|t| marks.mute_tags.contains(t)) {
        Some(Noise::MutedTag)
    } else if reasons.iter().any(protects) {
        None
    } else {
        noise::classify(&c.text, c.checkin, c.outside_links.as_deref())
    };
    Ranked {
        topic_id: c.topic_id,
        points,
        reasons,
        noise,
    }
}

/// Marks as [`Noise::NearDuplicate`] each topic almost the same as an older one by the same
/// author in the same circle, unless it carries a signal that [`protects`] it (likes do not:
/// the member has the original).
fn mark_near_duplicates(candidates: &[Candidate], ranked: &mut [(Ranked, i64)]) {
    let mut by_author: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, c) in candidates.iter().enumerate() {
        if let Some(author) = c.author_id {
            by_author.entry((c.group_id, author)).or_default().push(i);
        }
    }
    for mut posts in by_author.into_values().filter(|p| p.len() > 1) {
        posts.sort_by_key(|&i| (candidates[i].create_time_ms, candidates[i].topic_id));
        let shingles: Vec<_> = posts
            .iter()
            .map(|&i| noise::shingles(&candidates[i].text))
            .collect();
        for later in 1..posts.len() {
            let (ranked_later, _) = &mut ranked[posts[later]];
            if ranked_later.noise.is_some() || ranked_later.reasons.iter().any(protects) {
                continue;
            }
            if (0..later)
                .any(|earlier| noise::near_duplicates(&shingles[earlier], &shingles[later]))
            {
                ranked_later.noise = Some(Noise::NearDuplicate);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(topic_id: i64, text: &str) -> Candidate {
        Candidate {
            topic_id,
            group_id: 1,
            author_id: Some(100 + topic_id),
            role: Role::Member,
            text: text.to_owned(),
            checkin: false,
            outside_links: None,
            create_time_ms: topic_id * 1000,
            digest: false,
            answered_by_owner: false,
            likes: 1,
            comments: 0,
            mine: None,
            hashtags: Vec::new(),
        }
    }

    fn order(ranked: &[Ranked]) -> Vec<i64> {
        ranked.iter().map(|r| r.topic_id).collect()
    }

    #[test]
    fn what_is_mine_comes_first_then_digests_owners_and_guests_then_the_rest_newest_first() {
        let candidates = vec![
            talk(1, "普通成员的一篇读书笔记，关于长期主义。"),
            Candidate {
                digest: true,
                ..talk(2, "把估值讲清楚：现金流折现的三个误区。")
            },
            Candidate {
                role: Role::Owner,
                ..talk(3, "星主：这周的市场复盘和下周计划。")
            },
            Candidate {
                mine: Some(InboxKind::Answer),
                ..talk(4, "问：定投指数基金要不要止盈？答：看你的目标。")
            },
            Candidate {
                role: Role::Guest,
                ..talk(5, "嘉宾分享：我的职业转型经历。")
            },
            Candidate {
                mine: Some(InboxKind::Mention),
                ..talk(6, "@你 这个问题你怎么看？")
            },
            talk(7, "另一篇成员笔记：如何做读书卡片。"),
        ];
        let ranked = rank(&candidates, &HashMap::new(), &Marks::default());
        assert_eq!(order(&ranked), [4, 6, 2, 3, 5, 7, 1]);
        assert_eq!(
            ranked[0].reasons,
            [Reason::Mine {
                event: InboxKind::Answer
            }]
        );
        assert_eq!(ranked[2].reasons, [Reason::Digest]);
        assert!(ranked.iter().all(|r| r.noise.is_none()));
    }

    #[test]
    fn an_answer_to_my_question_outranks_a_reply_on_the_owners_popular_digest() {
        let answer = Candidate {
            mine: Some(InboxKind::Answer),
            ..talk(1, "问：定投要不要止盈？答：看目标。")
        };
        let reply = Candidate {
            mine: Some(InboxKind::Reply),
            digest: true,
            role: Role::Owner,
            likes: 300,
            ..talk(2, "星主的精华长文，下面有人回复了你。")
        };
        let ranked = rank(
            &[reply, answer],
            &HashMap::from([(1, 5.0)]),
            &Marks::default(),
        );
        assert_eq!(order(&ranked), [1, 2]);
        assert!(
            ranked[1].points > ranked[0].points,
            "points alone would not"
        );
    }

    #[test]
    fn engagement_counts_against_the_circles_own_norm() {
        let mut busy = talk(1, "一篇被大家热烈讨论的成员帖子，关于买房还是租房。");
        busy.likes = 32;
        busy.comments = 5;
        let quiet = talk(2, "一篇普通的成员帖子。");
        let norms = HashMap::from([(1, 6.0)]);
        let ranked = rank(&[quiet.clone(), busy.clone()], &norms, &Marks::default());
        assert_eq!(order(&ranked), [1, 2]);
        assert_eq!(
            ranked[0].reasons,
            [Reason::Popular {
                likes: 32,
                comments: 5,
                times: 7
            }]
        );
        // The same numbers in a circle where that is usual are no signal.
        let norms = HashMap::from([(1, 40.0)]);
        let ranked = rank(&[quiet, busy], &norms, &Marks::default());
        assert!(ranked[0].reasons.is_empty() && ranked[1].reasons.is_empty());
        assert_eq!(order(&ranked), [2, 1], "then newest first");
    }

    #[test]
    fn noise_goes_last_unless_it_carries_signal() {
        let candidates = vec![
            talk(1, "打卡 Day 37：今天读完第三章"),
            talk(2, "谢谢分享！"),
            talk(3, "https://mp.weixin.qq.com/s/abc"),
            talk(4, "一篇认真写的成员帖子：我如何安排每天的学习时间。"),
            Candidate {
                role: Role::Owner,
                ..talk(5, "打卡 Day 1：星主带头")
            },
            Candidate {
                mine: Some(InboxKind::Reply),
                ..talk(6, "谢谢分享！")
            },
        ];
        let ranked = rank(&candidates, &HashMap::new(), &Marks::default());
        assert_eq!(order(&ranked), [6, 5, 4, 3, 2, 1]);
        let noise: Vec<_> = ranked.iter().map(|r| r.noise).collect();
        assert_eq!(
            noise,
            [
                None,
                None,
                None,
                Some(Noise::LinkOnly),
                Some(Noise::Thanks),
                Some(Noise::CheckIn)
            ]
        );
    }

    #[test]
    fn a_near_duplicate_of_an_earlier_post_by_the_same_author_is_noise() {
        let first = talk(
            1,
            "今天把《原则》第二章又读了一遍，关于极度透明的部分很有启发。",
        );
        let again = Candidate {
            author_id: first.author_id,
            ..talk(
                2,
                "今天把《原则》第二章又读了一遍，关于极度透明的部分很有启发！！",
            )
        };
        let other = talk(
            3,
            "今天把《原则》第二章又读了一遍，关于极度透明的部分很有启发！！",
        );
        let ranked = rank(&[first, again, other], &HashMap::new(), &Marks::default());
        let noise: HashMap<i64, Option<Noise>> =
            ranked.iter().map(|r| (r.topic_id, r.noise)).collect();
        assert_eq!(noise[&1], None, "the first stays");
        assert_eq!(noise[&2], Some(Noise::NearDuplicate));
        assert_eq!(noise[&3], None, "another author's is not a duplicate of it");
    }

    #[test]
    fn follows_raise_and_mutes_lower_but_never_what_is_mine() {
        let a = talk(1, "作者甲的长文：如何读财报。");
        let b = Candidate {
            hashtags: vec!["读书".to_owned()],
            ..talk(2, "作者乙的读书笔记。")
        };
        let c = talk(3, "作者丙的随想。");
        let d = Candidate {
            mine: Some(InboxKind::Comment),
            ..talk(4, "作者丁评论了你的帖子。")
        };
        let marks = Marks {
            follow_authors: HashSet::from([101]),
            follow_tags: HashSet::from(["读书".to_owned()]),
            mute_authors: HashSet::from([103, 104]),
            ..Marks::default()
        };
        let ranked = rank(&[a, b, c, d], &HashMap::new(), &marks);
        assert_eq!(order(&ranked), [4, 1, 2, 3]);
        assert_eq!(ranked[1].reasons, [Reason::FollowedAuthor]);
        assert_eq!(
            ranked[2].reasons,
            [Reason::FollowedTag {
                tag: "读书".to_owned()
            }]
        );
        assert_eq!(ranked[3].noise, Some(Noise::MutedAuthor));
        assert_eq!(ranked[0].noise, None, "a muted author's comment on my post");
        let muted_tag = Marks {
            mute_tags: HashSet::from(["读书".to_owned()]),
            ..Marks::default()
        };
        let b = Candidate {
            hashtags: vec!["读书".to_owned()],
            ..talk(2, "作者乙的读书笔记。")
        };
        assert_eq!(
            rank(&[b], &HashMap::new(), &muted_tag)[0].noise,
            Some(Noise::MutedTag)
        );
    }
}
