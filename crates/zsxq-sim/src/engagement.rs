//! Engagement: how many likes, comments and readers a topic draws, with a heavy tail. Most
//! topics get little; digests (精华) and the posts of the owner and guests draw clearly more;
//! noise ([`crate::noise`]) draws almost nothing.
//!
//! Invented, all of it: the service publishes no distribution. Likes follow a Pareto tail
//! (α = 1, cut at fifty times the median) scaled by the topic's [`Standing`]; comments keep the
//! dataset's buckets (half none, a few with dozens) scaled more gently, so that threads stay
//! cheap to page; readers grow from a floor set by the standing with the likes and comments.
//! Integer arithmetic only, so a seed gives the same counts on every platform.

use crate::noise;
use crate::rng::Rng;
use crate::world::{Circle, Kind, TopicMeta, TopicRef, flag};

/// Where a topic stands with readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Check-ins, thanks, link-only posts, near-duplicates.
    Noise,
    /// A member's talk, question, task or solution.
    Member,
    /// A member's question the owner or a guest answered.
    Answered,
    /// A talk or task by the owner or a guest.
    Prominent,
    /// A member's digest.
    Digest,
    /// A digest by the owner or a guest.
    ProminentDigest,
}

impl Standing {
    /// Tenths: how many times a member's likes.
    fn likes_weight(self) -> u64 {
        match self {
            Self::Noise => 1,
            Self::Member => 10,
            Self::Answered => 15,
            Self::Prominent => 30,
            Self::Digest => 40,
            Self::ProminentDigest => 80,
        }
    }

    /// Tenths: how many times a member's comments.
    fn comments_weight(self) -> u64 {
        match self {
            Self::Noise => 1,
            Self::Member => 10,
            Self::Answered => 12,
            Self::Prominent | Self::Digest => 20,
            Self::ProminentDigest => 30,
        }
    }

    /// Percent of such topics nobody comments on (before scaling): a member's half.
    fn uncommented(self) -> u64 {
        match self {
            Self::Noise | Self::Member => 50,
            Self::Answered => 40,
            Self::Prominent => 25,
            Self::Digest => 20,
            Self::ProminentDigest => 10,
        }
    }

    /// The readers every such topic gets, and the spread above it.
    fn readers_floor(self) -> (u64, u64) {
        match self {
            Self::Noise => (2, 15),
            Self::Member => (15, 60),
            Self::Answered => (25, 80),
            Self::Prominent => (60, 160),
            Self::Digest => (80, 220),
            Self::ProminentDigest => (150, 350),
        }
    }
}

/// The most derived comments a topic gets.
const MAX_COMMENTS: u64 = 200;

/// A topic's standing: from its record and its circle's owner and guests.
pub(crate) fn standing(circle: &Circle, at: TopicRef, meta: &TopicMeta) -> Standing {
    if noise::of(at, meta).is_some() {
        return Standing::Noise;
    }
    let prominent = meta.kind != Kind::Question
        && (meta.author == circle.owner || circle.guests.contains(&meta.author));
    match (prominent, meta.has(flag::DIGESTED)) {
        (true, true) => Standing::ProminentDigest,
        (true, false) => Standing::Prominent,
        (false, true) => Standing::Digest,
        _ if meta.kind == Kind::Question && meta.has(flag::ANSWERED) => Standing::Answered,
        _ => Standing::Member,
    }
}

/// The raw draws of a topic's engagement, taken from the stream in a fixed order (two words,
/// then the comment bucket and, for some buckets, a count) so that what follows in the stream
/// never depends on the standing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Draws {
    tail: u64,
    jitter: u64,
    bucket: u64,
    comments: u64,
}

impl Draws {
    pub(crate) fn take(rng: &mut Rng) -> Self {
        let tail = rng.next_u64();
        let jitter = rng.next_u64();
        let bucket = rng.below(100);
        let comments = match bucket {
            0..50 => 0,
            50..80 => rng.range(1, 3),
            80..95 => rng.range(4, 12),
            _ => rng.range(13, 70),
        };
        Self {
            tail,
            jitter,
            bucket,
            comments,
        }
    }

    /// Likes: a Pareto tail with a member's median near 2, scaled by the standing.
    pub(crate) fn likes(self, standing: Standing) -> u32 {
        let u = self.tail % 980;
        let pareto_milli = 1_000_000 / (1000 - u);
        let base_milli = 2 * (pareto_milli - 1000);
        let likes = (base_milli * standing.likes_weight() / 10 + self.jitter % 1000) / 1000;
        u32::try_from(likes).unwrap_or(u32::MAX)
    }

    /// Comments: the bucket's count scaled by the standing, rounded at random; a prominent
    /// topic is left without any less often than a member's half of the time.
    pub(crate) fn comments(self, standing: Standing) -> u16 {
        let base = if self.bucket >= standing.uncommented() && self.comments == 0 {
            1 + (self.jitter >> 40) % 3
        } else {
            self.comments
        };
        let tenths = base * standing.comments_weight() + (self.jitter >> 32) % 10;
        (tenths / 10).min(MAX_COMMENTS) as u16
    }
}

/// Readers of a topic (`readers_count`; `reading_count` adds a third for re-reads).
pub(crate) fn readers(standing: Standing, likes: u64, comments: u64, salt: u64) -> u64 {
    let (floor, spread) = standing.readers_floor();
    floor + likes * 5 + comments * 2 + salt % spread
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::{Dataset, SimConfig};

    fn median(mut values: Vec<u64>) -> u64 {
        values.sort_unstable();
        values[values.len() / 2]
    }

    #[test]
    fn engagement_has_a_heavy_tail_that_follows_the_standing() {
        let world = crate::dataset::build(&SimConfig {
            dataset: Dataset::Generated(30_000),
            ..SimConfig::default()
        })
        .expect("a dataset");
        let mut likes: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        let mut comments: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
        for (c, circle) in world.circles.iter().enumerate() {
            // The welcome post is the owner's, drawn apart.
            for (o, meta) in circle.topics.iter().enumerate().skip(1) {
                let at = TopicRef {
                    circle: c as u16,
                    ordinal: o as u32,
                };
                let class = match standing(circle, at, meta) {
                    Standing::Noise => "noise",
                    Standing::Member => "member",
                    Standing::Answered => "answered",
                    Standing::Prominent => "prominent",
                    Standing::Digest | Standing::ProminentDigest => "digest",
                };
                likes.entry(class).or_default().push(u64::from(meta.likes));
                comments
                    .entry(class)
                    .or_default()
                    .push(u64::from(meta.derived_comments));
            }
        }
        let likes: BTreeMap<&str, (u64, u64)> = likes
            .into_iter()
            .map(|(k, v)| (k, (median(v.clone()), v.into_iter().max().unwrap_or(0))))
            .collect();
        let comments: BTreeMap<&str, u64> =
            comments.into_iter().map(|(k, v)| (k, median(v))).collect();
        let (noise, member, prominent, digest) = (
            likes["noise"],
            likes["member"],
            likes["prominent"],
            likes["digest"],
        );
        assert_eq!(noise.0, 0, "{likes:?}");
        assert!(member.0 > noise.0 && prominent.0 > member.0, "{likes:?}");
        assert!(digest.0 > member.0, "{likes:?}");
        assert!(noise.1 < 20, "noise draws almost nothing: {likes:?}");
        // A heavy tail: the most liked member topic has dozens of times the median.
        assert!(member.1 >= 30 * member.0, "{likes:?}");
        assert!(comments["prominent"] > comments["member"], "{comments:?}");
        assert!(comments["digest"] > comments["member"], "{comments:?}");
        assert_eq!(comments["noise"], 0, "{comments:?}");
    }

    #[test]
    fn counts_use_integer_arithmetic_and_stay_in_bounds() {
        let mut rng = Rng::keyed(&[7]);
        for _ in 0..10_000 {
            let draws = Draws::take(&mut rng);
            assert!(u64::from(draws.comments(Standing::ProminentDigest)) <= MAX_COMMENTS);
            assert!(draws.likes(Standing::ProminentDigest) <= 800);
            assert!(draws.likes(Standing::Noise) <= 10);
        }
    }
}
