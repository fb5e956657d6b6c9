//! The brief's triage as a plain state machine ([`Triage`]) the brief page drives: what is
//! listed (the ranked items, grouped by circle or not, then the noise), what each key does to
//! the list at once, what the shell is to be told ([`Tell`]), and how each step is undone. It
//! never touches the DOM or the shell, so every transition is unit-tested.
//!
//! Done and save change the list at once and tell the shell; follow and mute change the
//! ranking, which is the core's, so the page fetches the brief again once the shell has them.
//! A brief fetched while a step was on its way can still hold what the member has just cleared,
//! or an item's saved mark as it was: every fetched brief is seen through the steps taken since
//! the page opened ([`Triage::receive`]).

use std::collections::{HashMap, HashSet};

use orrery_ipc::commands::{BriefDto, BriefItemDto, StanceDto};
use orrery_ipc::id::{CircleId, TopicId, UserId};

/// The two lists of the brief.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Items,
    Noise,
}

/// What the shell is to be told after a step (or its undo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tell {
    /// `read`: done (with their inbox events); otherwise unread again.
    MarkTopics {
        topics: Vec<TopicId>,
        read: bool,
    },
    Save {
        topic: TopicId,
        saved: bool,
    },
    /// Follow, mute, or neither again. The ranking changes: fetch the brief afterwards.
    Stance {
        author: UserId,
        stance: StanceDto,
    },
}

/// The last step, for the line that says what happened (and offers its undo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Said {
    /// This many topics marked read.
    Done(usize),
    /// Saved for later (`true`) or taken off the list.
    Saved(bool),
    /// An author followed or muted, by name (`None` when the brief had none).
    Stance(StanceDto, Option<String>),
    /// The last step was undone.
    Undone,
}

/// A step the member took, with what its undo needs.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Marked read: each item with the list and the place it was taken from.
    Done(Vec<(Part, usize, BriefItemDto)>),
    /// Saved (`saved`) or unsaved.
    Saved { topic: TopicId, saved: bool },
    /// Followed or muted; its undo is "neither".
    Stance { author: UserId },
}

/// The circles of the brief grouped: each circle once, in the order of its best item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub circle: CircleId,
    pub name: String,
    pub items: Vec<BriefItemDto>,
}

/// The brief on the page and the member's steps on it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triage {
    loaded: bool,
    since_ms: i64,
    items: Vec<BriefItemDto>,
    noise: Vec<BriefItemDto>,
    steps: Vec<Step>,
    /// Marked read here (and not undone): left out of every brief fetched afterwards.
    done: HashSet<TopicId>,
    /// Saved or unsaved here: what every brief fetched afterwards shows.
    saved: HashMap<TopicId, bool>,
    said: Option<Said>,
}

impl Triage {
    /// Takes a fetched brief, seen through the steps taken since the page opened.
    pub fn receive(&mut self, brief: BriefDto) {
        let BriefDto {
            since_ms,
            items,
            noise,
        } = brief;
        let seen = |list: Vec<BriefItemDto>| -> Vec<BriefItemDto> {
            list.into_iter()
                .filter(|i| !self.done.contains(&i.topic))
                .map(|mut i| {
                    if let Some(&saved) = self.saved.get(&i.topic) {
                        i.saved = saved;
                    }
                    i
                })
                .collect()
        };
        let (items, noise) = (seen(items), seen(noise));
        self.items = items;
        self.noise = noise;
        self.since_ms = since_ms;
        self.loaded = true;
    }

    /// Whether a brief has arrived yet.
    pub fn loaded(&self) -> bool {
        self.loaded
    }

    /// The brief's window start (unix ms).
    pub fn since_ms(&self) -> i64 {
        self.since_ms
    }

    /// The ranked items, best first.
    pub fn items(&self) -> &[BriefItemDto] {
        &self.items
    }

    /// The noise, collapsed below the items.
    pub fn noise(&self) -> &[BriefItemDto] {
        &self.noise
    }

    /// The items as listed: ranked, or circle by circle (each circle's in rank order).
    pub fn shown(&self, grouped: bool) -> Vec<BriefItemDto> {
        if grouped {
            self.groups().into_iter().flat_map(|g| g.items).collect()
        } else {
            self.items.clone()
        }
    }

    /// The item at `index` as listed.
    pub fn topic_at(&self, grouped: bool, index: usize) -> Option<TopicId> {
        if grouped {
            self.groups()
                .into_iter()
                .flat_map(|g| g.items)
                .nth(index)
                .map(|i| i.topic)
        } else {
            self.items.get(index).map(|i| i.topic)
        }
    }

    /// Where `topic` is listed, if it is among the items.
    pub fn index_of(&self, grouped: bool, topic: TopicId) -> Option<usize> {
        self.shown(grouped).iter().position(|i| i.topic == topic)
    }

    /// The items circle by circle, the circle of the best item first.
    pub fn groups(&self) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for item in &self.items {
            match groups.iter_mut().find(|g| g.circle == item.circle) {
                Some(group) => group.items.push(item.clone()),
                None => groups.push(Group {
                    circle: item.circle,
                    name: item.circle_name.clone(),
                    items: vec![item.clone()],
                }),
            }
        }
        groups
    }

    /// An item or a noise item.
    pub fn item(&self, topic: TopicId) -> Option<&BriefItemDto> {
        self.items
            .iter()
            .chain(&self.noise)
            .find(|i| i.topic == topic)
    }

    /// What the last step was, until the next one.
    pub fn said(&self) -> Option<&Said> {
        self.said.as_ref()
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.steps.is_empty()
    }

    /// Marks `topics` done: they leave the brief (items and noise) at once.
    pub fn done(&mut self, topics: &[TopicId]) -> Option<Tell> {
        let wanted: HashSet<TopicId> = topics.iter().copied().collect();
        let mut taken = Vec::new();
        for (part, list) in [
            (Part::Items, &mut self.items),
            (Part::Noise, &mut self.noise),
        ] {
            let mut kept = Vec::with_capacity(list.len());
            for (index, item) in list.drain(..).enumerate() {
                if wanted.contains(&item.topic) {
                    taken.push((part, index, item));
                } else {
                    kept.push(item);
                }
            }
            *list = kept;
        }
        if taken.is_empty() {
            return None;
        }
        let topics: Vec<TopicId> = taken.iter().map(|(_, _, i)| i.topic).collect();
        self.done.extend(topics.iter().copied());
        self.said = Some(Said::Done(topics.len()));
        self.steps.push(Step::Done(taken));
        Some(Tell::MarkTopics { topics, read: true })
    }

    /// Every item and the noise done: "mark all as read".
    pub fn done_all(&mut self) -> Option<Tell> {
        let all: Vec<TopicId> = self
            .items
            .iter()
            .chain(&self.noise)
            .map(|i| i.topic)
            .collect();
        self.done(&all)
    }

    /// One circle's items done: the group's "mark all as read".
    pub fn done_circle(&mut self, circle: CircleId) -> Option<Tell> {
        let of_circle: Vec<TopicId> = self
            .items
            .iter()
            .filter(|i| i.circle == circle)
            .map(|i| i.topic)
            .collect();
        self.done(&of_circle)
    }

    /// Saves `topic` for later, or takes it off the list when it is saved.
    pub fn toggle_save(&mut self, topic: TopicId) -> Option<Tell> {
        let saved = !self.item(topic)?.saved;
        self.set_saved(topic, saved);
        self.said = Some(Said::Saved(saved));
        self.steps.push(Step::Saved { topic, saved });
        Some(Tell::Save { topic, saved })
    }

    /// Follows or mutes the author of `topic` (nothing for an anonymous one).
    pub fn stance(&mut self, topic: TopicId, stance: StanceDto) -> Option<Tell> {
        let item = self.item(topic)?;
        let author = item.author_id?;
        let name = item.author.clone();
        self.said = Some(Said::Stance(stance, name));
        self.steps.push(Step::Stance { author });
        Some(Tell::Stance { author, stance })
    }

    /// Undoes the last step: done items come back where they were (unread again), a save is
    /// taken back, a follow or mute becomes neither.
    pub fn undo(&mut self) -> Option<Tell> {
        let tell = match self.steps.pop()? {
            Step::Done(mut taken) => {
                // Put back in the order they were taken from, so each lands where it was.
                taken.sort_by_key(|(part, index, _)| (*part == Part::Noise, *index));
                let topics: Vec<TopicId> = taken.iter().map(|(_, _, i)| i.topic).collect();
                for (part, index, item) in taken {
                    self.done.remove(&item.topic);
                    let list = match part {
                        Part::Items => &mut self.items,
                        Part::Noise => &mut self.noise,
                    };
                    // A brief fetched since may hold it already.
                    if !list.iter().any(|i| i.topic == item.topic) {
                        let at = index.min(list.len());
                        list.insert(at, item);
                    }
                }
                Tell::MarkTopics {
                    topics,
                    read: false,
                }
            }
            Step::Saved { topic, saved } => {
                self.set_saved(topic, !saved);
                Tell::Save {
                    topic,
                    saved: !saved,
                }
            }
            Step::Stance { author } => Tell::Stance {
                author,
                stance: StanceDto::None,
            },
        };
        self.said = Some(Said::Undone);
        Some(tell)
    }

    fn set_saved(&mut self, topic: TopicId, saved: bool) {
        self.saved.insert(topic, saved);
        for item in self.items.iter_mut().chain(self.noise.iter_mut()) {
            if item.topic == topic {
                item.saved = saved;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(topic: i64, circle: i64, author: Option<i64>) -> BriefItemDto {
        BriefItemDto {
            topic: TopicId::new(topic),
            circle: CircleId::new(circle),
            circle_name: format!("星球{circle}"),
            author: author.map(|a| format!("作者{a}")),
            author_id: author.map(UserId::new),
            kind: "talk".to_owned(),
            title: None,
            extract: vec![format!("第 {topic} 条")],
            at_ms: 1_000 - topic,
            why: "精华".to_owned(),
            mine: false,
            noise: None,
            tags: Vec::new(),
            images: Vec::new(),
            saved: false,
        }
    }

    fn noise(topic: i64, circle: i64) -> BriefItemDto {
        BriefItemDto {
            noise: Some("check_in".to_owned()),
            why: "打卡".to_owned(),
            ..item(topic, circle, Some(9))
        }
    }

    fn brief() -> BriefDto {
        BriefDto {
            since_ms: 5,
            items: vec![
                item(1, 10, Some(1)),
                item(2, 20, Some(2)),
                item(3, 10, None),
                item(4, 30, Some(1)),
                item(5, 20, Some(3)),
            ],
            noise: vec![noise(6, 10), noise(7, 20)],
        }
    }

    fn loaded() -> Triage {
        let mut triage = Triage::default();
        triage.receive(brief());
        triage
    }

    fn ids(items: &[BriefItemDto]) -> Vec<i64> {
        items.iter().map(|i| i.topic.get()).collect()
    }

    fn topic(id: i64) -> TopicId {
        TopicId::new(id)
    }

    #[test]
    fn grouped_lists_each_circle_once_in_the_order_of_its_best_item() {
        let triage = loaded();
        assert_eq!(ids(&triage.shown(false)), [1, 2, 3, 4, 5]);
        assert_eq!(ids(&triage.shown(true)), [1, 3, 2, 5, 4]);
        let groups = triage.groups();
        let circles: Vec<i64> = groups.iter().map(|g| g.circle.get()).collect();
        assert_eq!(circles, [10, 20, 30]);
        assert_eq!(groups[1].name, "星球20");
        assert_eq!(triage.topic_at(true, 1), Some(topic(3)));
        assert_eq!(triage.topic_at(false, 1), Some(topic(2)));
        assert_eq!(triage.index_of(true, topic(4)), Some(4));
        assert_eq!(triage.topic_at(true, 9), None);
    }

    #[test]
    fn done_takes_an_item_out_and_undo_puts_it_back_where_it_was() {
        let mut triage = loaded();
        assert_eq!(
            triage.done(&[topic(2)]),
            Some(Tell::MarkTopics {
                topics: vec![topic(2)],
                read: true
            })
        );
        assert_eq!(ids(triage.items()), [1, 3, 4, 5]);
        assert_eq!(triage.said(), Some(&Said::Done(1)));
        assert!(triage.can_undo());
        assert_eq!(
            triage.undo(),
            Some(Tell::MarkTopics {
                topics: vec![topic(2)],
                read: false
            })
        );
        assert_eq!(ids(triage.items()), [1, 2, 3, 4, 5]);
        assert_eq!(triage.said(), Some(&Said::Undone));
        assert!(!triage.can_undo());
        assert_eq!(triage.undo(), None);
    }

    #[test]
    fn mark_all_clears_items_and_noise_and_its_undo_restores_both_lists_in_order() {
        let mut triage = loaded();
        let Some(Tell::MarkTopics { topics, read: true }) = triage.done_all() else {
            panic!("mark all tells the shell");
        };
        assert_eq!(topics.len(), 7);
        assert!(triage.items().is_empty() && triage.noise().is_empty());
        assert_eq!(triage.done_all(), None, "nothing left to mark");
        triage.undo();
        assert_eq!(triage, {
            let mut expected = loaded();
            expected.said = Some(Said::Undone);
            expected
        });
    }

    #[test]
    fn a_circles_mark_all_clears_only_its_items() {
        let mut triage = loaded();
        triage.done_circle(CircleId::new(10));
        assert_eq!(ids(triage.items()), [2, 4, 5]);
        assert_eq!(ids(triage.noise()), [6, 7], "the noise is not the group's");
        triage.done(&[topic(4)]);
        triage.undo();
        triage.undo();
        assert_eq!(ids(triage.items()), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn a_brief_fetched_later_keeps_what_was_done_and_saved_here() {
        let mut triage = loaded();
        triage.done(&[topic(1), topic(6)]);
        triage.toggle_save(topic(3));
        // Fetched while the shell was still being told: the old brief.
        triage.receive(brief());
        assert_eq!(ids(triage.items()), [2, 3, 4, 5]);
        assert_eq!(ids(triage.noise()), [7]);
        assert!(triage.item(topic(3)).is_some_and(|i| i.saved));
        // Undone, they count again whatever was fetched meanwhile, and only once.
        triage.undo();
        triage.receive(brief());
        assert!(triage.item(topic(3)).is_some_and(|i| !i.saved));
        triage.undo();
        assert_eq!(ids(triage.items()), [1, 2, 3, 4, 5]);
        assert_eq!(ids(triage.noise()), [6, 7]);
        triage.receive(brief());
        assert_eq!(ids(triage.items()), [1, 2, 3, 4, 5]);
    }

    #[test]
    fn save_toggles_and_undo_takes_it_back() {
        let mut triage = loaded();
        assert_eq!(
            triage.toggle_save(topic(2)),
            Some(Tell::Save {
                topic: topic(2),
                saved: true
            })
        );
        assert_eq!(triage.said(), Some(&Said::Saved(true)));
        assert_eq!(
            triage.toggle_save(topic(2)),
            Some(Tell::Save {
                topic: topic(2),
                saved: false
            })
        );
        assert_eq!(triage.said(), Some(&Said::Saved(false)));
        assert_eq!(
            triage.undo(),
            Some(Tell::Save {
                topic: topic(2),
                saved: true
            })
        );
        assert!(triage.item(topic(2)).is_some_and(|i| i.saved));
        triage.undo();
        assert!(triage.item(topic(2)).is_some_and(|i| !i.saved));
        assert_eq!(triage.toggle_save(topic(99)), None, "not in the brief");
    }

    #[test]
    fn follow_and_mute_name_the_author_and_undo_to_neither() {
        let mut triage = loaded();
        assert_eq!(
            triage.stance(topic(4), StanceDto::Mute),
            Some(Tell::Stance {
                author: UserId::new(1),
                stance: StanceDto::Mute
            })
        );
        assert_eq!(
            triage.said(),
            Some(&Said::Stance(StanceDto::Mute, Some("作者1".to_owned())))
        );
        assert_eq!(
            triage.undo(),
            Some(Tell::Stance {
                author: UserId::new(1),
                stance: StanceDto::None
            })
        );
        // An anonymous question has no author to follow.
        assert_eq!(triage.stance(topic(3), StanceDto::Follow), None);
        assert!(!triage.can_undo());
        // The noise's authors can be followed too.
        assert!(triage.stance(topic(6), StanceDto::Follow).is_some());
    }
}
