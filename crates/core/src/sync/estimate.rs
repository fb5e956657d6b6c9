//! How long the rest of the mirroring takes: per circle and in all, before the first request
//! (from the service's topic counts and the pacing) and while a run goes (from its measured
//! pace). docs/sync.md, "How long it takes", has the model and why.
//!
//! Against the real service, time is requests: every request of an account waits its turn on
//! one pacer ([`zsxq::client::Pacing`]), so the work left is counted in requests and turned
//! into time with the seconds one request costs. The work left of a circle is
//!
//! * the follow-ups the archive already owes (threads, article bodies, images: exact counts,
//!   [`CircleBacklog::pending`]), one request each, plus
//! * its topics not listed yet (the service's count less what is archived, or for the last N
//!   months an estimate from how densely the circle posts), each costing
//!   [`Pace::requests_per_topic`]: its share of a list page and the follow-ups it brings.
//!
//! Both rates start from priors and move to what the run measures ([`RunMeasure`]), weighted
//! as if the prior had been measured over a page of topics and over one long pause's worth of
//! requests, so the first minutes neither trust a handful of requests nor ignore them.

use std::time::Duration;

use zsxq::GroupId;
use zsxq::client::Pacing;

use crate::store::{CircleBacklog, Mirror, Store, StoreError};

/// Requests a newly listed topic costs before anything is measured: 1/30 of a list page plus
/// its follow-ups, from the captured sample lists (`../shared/zsxq/samples`: of 20 topics, one
/// thread longer than the 8 comments shown inline, 4 articles and 13 images). Images are most
/// of it, so they count only when the sync caches them.
const PRIOR_TEXT_REQUESTS_PER_TOPIC: f64 = 0.3;
/// See [`PRIOR_TEXT_REQUESTS_PER_TOPIC`]: 13 images in 20 topics.
const PRIOR_IMAGE_REQUESTS_PER_TOPIC: f64 = 0.65;
/// How many topics the prior of requests per topic weighs, against topics measured.
const PRIOR_TOPICS: f64 = 30.0;
/// How many requests the prior of seconds per request weighs: one long pause's period.
const PRIOR_REQUESTS: f64 = 50.0;

/// What one request and one newly listed topic cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// Seconds one request costs, its wait for a turn included.
    pub secs_per_request: f64,
    /// Requests a topic not listed yet costs: its share of a list page and its follow-ups.
    pub requests_per_topic: f64,
}

impl Pace {
    /// The pace expected before anything is measured: the pacing's mean spacing and the
    /// sample's requests per topic.
    pub fn prior(pacing: &Pacing, images: bool) -> Self {
        let images = if images {
            PRIOR_IMAGE_REQUESTS_PER_TOPIC
        } else {
            0.0
        };
        Self {
            secs_per_request: pacing.mean_spacing().as_secs_f64(),
            requests_per_topic: PRIOR_TEXT_REQUESTS_PER_TOPIC + images,
        }
    }

    /// The prior moved towards what a run measured.
    pub fn measured(self, run: &RunMeasure) -> Self {
        let requests = run.requests as f64;
        let secs_per_request = (run.elapsed.as_secs_f64() + self.secs_per_request * PRIOR_REQUESTS)
            / (requests + PRIOR_REQUESTS);
        // The requests spent on the topics listed this run, and those they still owe: what is
        // owed now, less what was owed before they came.
        let owed = run.pending_now as f64 - run.pending_start as f64;
        let spent = (requests + owed).max(0.0);
        let requests_per_topic = (spent + self.requests_per_topic * PRIOR_TOPICS)
            / (run.topics_listed as f64 + PRIOR_TOPICS);
        Self {
            secs_per_request,
            requests_per_topic,
        }
    }

    /// The time `requests` take at this pace.
    pub fn time(self, requests: f64) -> Duration {
        Duration::try_from_secs_f64((requests * self.secs_per_request).max(0.0))
            .unwrap_or(Duration::MAX)
    }
}

/// What a run has measured so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunMeasure {
    /// Since the run started.
    pub elapsed: Duration,
    /// Requests it sent.
    pub requests: u64,
    /// Topics it archived for the first time.
    pub topics_listed: u64,
    /// Follow-ups owed when it started, and now ([`CircleBacklog::pending`], summed).
    pub pending_start: u64,
    pub pending_now: u64,
}

/// One circle's mirroring under one choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CircleEstimate {
    /// Topics archived within the choice.
    pub archived: u64,
    /// Topics the choice holds, as far as can be told: archived ones and those still to list.
    pub expected: Option<u64>,
    /// Requests the work left takes, if it can be told (not before the service said the
    /// circle's size).
    pub requests: Option<u64>,
    /// The time they take at the pace (nothing against an unpaced simulator).
    pub remaining: Option<Duration>,
}

impl CircleEstimate {
    /// Whether nothing is left to fetch.
    pub fn is_done(&self) -> bool {
        self.requests == Some(0)
    }
}

/// Where `group` stands, and its archived topics within `mirror` (for [`estimate`]).
pub async fn backlog(
    store: &Store,
    group: GroupId,
    mirror: Mirror,
    images: bool,
    now_ms: i64,
) -> Result<(CircleBacklog, u64), StoreError> {
    let backlog = store.backlog(group, images).await?;
    let archived = archived_in(store, &backlog, mirror, now_ms).await?;
    Ok((backlog, archived))
}

/// The archived topics of `backlog`'s circle within `mirror`.
pub async fn archived_in(
    store: &Store,
    backlog: &CircleBacklog,
    mirror: Mirror,
    now_ms: i64,
) -> Result<u64, StoreError> {
    match mirror.horizon(now_ms) {
        Some(horizon) => {
            let since = Some(horizon.to_unix_millis());
            store.archived_since(backlog.group_id, since).await
        }
        None => Ok(backlog.archived),
    }
}

/// What mirroring `backlog`'s circle under `mirror` still takes, `archived` being its
/// archived topics within the choice ([`Store::archived_since`] of its horizon).
pub fn estimate(
    backlog: &CircleBacklog,
    mirror: Mirror,
    archived: u64,
    pace: Pace,
    now_ms: i64,
) -> CircleEstimate {
    if mirror == Mirror::Nothing || backlog.expired {
        return CircleEstimate {
            archived,
            expected: Some(archived),
            requests: Some(0),
            remaining: Some(Duration::ZERO),
        };
    }
    let horizon = mirror.horizon(now_ms).map(|h| h.to_unix_millis());
    let unlisted = unlisted(backlog, horizon, now_ms);
    let requests = unlisted.map(|n| backlog.pending as f64 + n as f64 * pace.requests_per_topic);
    CircleEstimate {
        archived,
        expected: unlisted.map(|n| archived + n),
        requests: requests.map(|r| r.ceil() as u64),
        remaining: requests.map(|r| pace.time(r)),
    }
}

/// Topics of the circle at or after `horizon` (all without one) that are not archived yet.
fn unlisted(b: &CircleBacklog, horizon: Option<i64>, now_ms: i64) -> Option<u64> {
    // Where the backward walk resumes: topics older than it are not archived yet.
    let resume = b.backfill_end_ms;
    let reached = match (resume, horizon) {
        _ if b.exhausted => true,
        (Some(resume), Some(horizon)) => resume <= horizon,
        _ => false,
    };
    if reached {
        return Some(0);
    }
    let size = b.size?;
    let created = size.created_ms.filter(|&c| c < now_ms);
    let left_in_circle = size.topics.map(|n| n.saturating_sub(b.archived));
    let Some(horizon) = horizon.filter(|&h| created.is_none_or(|c| h > c)) else {
        // The whole circle (a horizon before its creation is the whole circle too).
        return left_in_circle;
    };
    // The stretch from the horizon to where the walk resumes; the circle's topics still to
    // list are spread over the stretch from its creation to there, as evenly as anything.
    let end = resume.unwrap_or(now_ms);
    let stretch = (end - horizon).max(0) as f64;
    let share = match (created, left_in_circle) {
        (Some(created), Some(left)) if end > created => {
            return Some((left as f64 * (stretch / (end - created) as f64).min(1.0)) as u64);
        }
        _ => stretch,
    };
    // No creation time: as densely as the archived stretch holds topics.
    match (b.oldest_ms, b.newest_ms) {
        (Some(oldest), Some(newest)) if newest > oldest => {
            Some((b.archived as f64 * share / (newest - oldest) as f64) as u64)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CircleSize;

    const DAY: i64 = 86_400_000;
    const NOW: i64 = 1_780_000_000_000;

    fn backlog(topics: u64, archived: u64) -> CircleBacklog {
        CircleBacklog {
            group_id: GroupId::new(1),
            listed: true,
            mirror: Mirror::All,
            expired: false,
            size: Some(CircleSize {
                topics: Some(topics),
                created_ms: Some(NOW - 400 * DAY),
                measured_ms: NOW,
            }),
            archived,
            oldest_ms: (archived > 0).then_some(NOW - 100 * DAY),
            newest_ms: (archived > 0).then_some(NOW),
            exhausted: false,
            backfill_end_ms: (archived > 0).then_some(NOW - 100 * DAY),
            pending: 0,
        }
    }

    const PACE: Pace = Pace {
        secs_per_request: 2.0,
        requests_per_topic: 0.5,
    };

    #[test]
    fn the_whole_circle_is_its_unlisted_topics_and_what_is_owed() {
        let b = CircleBacklog {
            pending: 100,
            ..backlog(1000, 400)
        };
        let e = estimate(&b, Mirror::All, 400, PACE, NOW);
        assert_eq!(e.expected, Some(1000));
        // (100 + 600 × 0.5) requests × 2 s.
        assert_eq!(e.remaining, Some(Duration::from_secs(800)));
        let unknown = CircleBacklog { size: None, ..b };
        assert_eq!(
            estimate(&unknown, Mirror::All, 400, PACE, NOW).remaining,
            None
        );
    }

    #[test]
    fn recent_months_are_their_share_of_the_circle_s_life() {
        // Never synced: a year and a bit of life, 1,000 topics; about a quarter in 3 months.
        let b = backlog(1000, 0);
        let e = estimate(&b, Mirror::Months(3), 0, PACE, NOW);
        let expected = e.expected.expect("known");
        assert!((200..=250).contains(&expected), "{expected}");
        // Synced back 100 days already: the 3 months are there, only follow-ups remain.
        let b = CircleBacklog {
            pending: 5,
            ..backlog(1000, 400)
        };
        let e = estimate(&b, Mirror::Months(3), 300, PACE, NOW);
        assert_eq!(
            (e.expected, e.remaining),
            (Some(300), Some(Duration::from_secs(10)))
        );
        // Walked to the circle's start: nothing left to list whatever the choice.
        let b = CircleBacklog {
            exhausted: true,
            ..backlog(1000, 1000)
        };
        assert!(estimate(&b, Mirror::All, 1000, PACE, NOW).is_done());
    }

    #[test]
    fn without_a_creation_time_recent_months_follow_the_archived_density() {
        let mut b = backlog(1000, 100);
        if let Some(size) = &mut b.size {
            size.created_ms = None;
        }
        // 100 topics in the newest 100 days; 12 months reach 265 days further back.
        let e = estimate(&b, Mirror::Months(12), 100, PACE, NOW);
        let expected = e.expected.expect("known");
        assert!((350..=380).contains(&expected), "{expected}");
    }

    #[test]
    fn nothing_and_expired_circles_cost_nothing() {
        let b = backlog(1000, 0);
        assert!(estimate(&b, Mirror::Nothing, 0, PACE, NOW).is_done());
        let expired = CircleBacklog { expired: true, ..b };
        assert!(estimate(&expired, Mirror::All, 0, PACE, NOW).is_done());
    }

    #[test]
    fn the_pace_moves_from_the_prior_to_the_measurement() {
        let prior = Pace::prior(&Pacing::default(), true);
        assert!((prior.secs_per_request - 4.3).abs() < 1e-9);
        assert!((prior.requests_per_topic - 0.95).abs() < 1e-9);
        // 1,000 requests in 1,000 s listing 3,000 topics that owe 500 more: close to 1 s and
        // 0.5 requests a topic.
        let run = RunMeasure {
            elapsed: Duration::from_secs(1000),
            requests: 1000,
            topics_listed: 3000,
            pending_start: 0,
            pending_now: 500,
        };
        let pace = prior.measured(&run);
        assert!((pace.secs_per_request - 1.157).abs() < 0.01, "{pace:?}");
        assert!((pace.requests_per_topic - 0.504).abs() < 0.01, "{pace:?}");
        // Nothing measured yet: the prior.
        assert_eq!(prior.measured(&RunMeasure::default()), prior);
    }
}
